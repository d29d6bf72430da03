"""Regions, themes, ministries, interests and accents: ids, labels, aliases,
lookup with did-you-mean, and the word matching behind the tagging rule.

Kinds are named in the singular on the command line (`--region`) and in the
plural in content (`regions:`); `KINDS` maps between them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from .errors import Location

# Kinds a briefing can be selected by, in the order briefings and the
# catalogue list them. Interests and accents tag passages but are not
# selectors of their own.
SELECTOR_KINDS: tuple[str, ...] = ("region", "theme", "ministry")
TAG_FIELDS: dict[str, str] = {
    "region": "regions",
    "theme": "themes",
    "ministry": "ministries",
    "interest": "interests",
    "accent": "accents",
}
KIND_LABELS_NL: dict[str, str] = {
    "region": "Regio",
    "theme": "Thema",
    "ministry": "Ministerie",
    "interest": "Strategisch belang",
    "accent": "Beleidsaccent",
}


def slugify(text: str) -> str:
    """'Hoorn van Afrika' -> 'hoorn-van-afrika'; accents are folded so that
    'Geïntegreerde benadering' and 'geintegreerde-benadering' meet."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """A whole-word, case-insensitive pattern matching any of `terms`.

    Hyphens count as part of a word, so 'Afrika' does not match inside
    'Noord-Afrika' and 'Amerika' not inside 'Latijns-Amerika'. A trailing '*'
    matches any ending ('pirater*'). Longer terms are tried first."""
    bodies = [re.escape(t).replace(r"\*", r"[\w’-]*") for t in sorted(terms, key=len, reverse=True)]
    return re.compile(r"(?<![\w-])(?:" + "|".join(bodies) + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One region, theme, ministry, interest or accent."""

    kind: str
    id: str
    label_nl: str
    label_en: str
    description: str
    location: Location
    aliases: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()  # regions: places, spelled as in the text
    keywords: tuple[str, ...] = ()  # themes, ministries: signal words
    abbreviation: str = ""
    number: int = 0  # accents: "Beleidsaccent N"

    @property
    def tag_field(self) -> str:
        return TAG_FIELDS[self.kind]

    def signal_terms(self) -> tuple[str, ...]:
        """Words whose presence in a passage obliges this tag (the tagging
        rule). Regions: their name, aliases and the places they cover."""
        if self.kind == "region":
            return (self.label_nl, *self.aliases, *self.covers)
        return self.keywords


@dataclass
class Taxonomy:
    """All entries of one kind, with lookup by id or alias slug."""

    kind: str
    entries: tuple[Entry, ...]
    _by_key: dict[str, Entry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._by_key.setdefault(entry.id, entry)
        for entry in self.entries:
            for name in (entry.label_nl, entry.label_en, *entry.aliases):
                self._by_key.setdefault(slugify(name), entry)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def get(self, key: str) -> Entry | None:
        """Exact id, or the slug of a label or alias ('hoorn-van-afrika')."""
        return self._by_key.get(key) or self._by_key.get(slugify(key))

    def __getitem__(self, entry_id: str) -> Entry:
        return next(e for e in self.entries if e.id == entry_id)

    def suggest(self, key: str) -> str | None:
        """The closest id or alias slug, for 'did you mean' messages."""
        wanted = slugify(key) or key
        candidates = list(self._by_key)
        # 'cyber' means 'cyber-security': a prefix beats edit distance.
        prefixed = [c for c in candidates if c.startswith(wanted) or wanted.startswith(c)]
        best = prefixed or difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
        return self._by_key[best[0]].id if best else None

    @cached_property
    def _patterns(self) -> tuple[tuple[Entry, re.Pattern[str]], ...]:
        # One alternation per entry: a passage is searched once per entry,
        # not once per term (this check runs on every load).
        return tuple((e, terms_pattern(e.signal_terms())) for e in self.entries if e.signal_terms())

    def signalled(self, text: str) -> list[tuple[Entry, str]]:
        """Entries whose signal terms occur in `text`, each with the words
        that matched (for messages and `briefing explain`)."""
        found: list[tuple[Entry, str]] = []
        for entry, pattern in self._patterns:
            match = pattern.search(text)
            if match:
                found.append((entry, match.group(0)))
        return found


def did_you_mean(taxonomy: Taxonomy, key: str) -> str:
    suggestion = taxonomy.suggest(key)
    return f" — did you mean '{suggestion}'?" if suggestion else ""
