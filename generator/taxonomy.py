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

from .errors import Location, hint

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


def kind_plural(kind: str) -> str:
    """'region' -> 'regions': the word `briefing list` and the manifest use."""
    return TAG_FIELDS[kind]


def slugify(text: str) -> str:
    """'Hoorn van Afrika' -> 'hoorn-van-afrika'; accents are folded so that
    'Geïntegreerde benadering' and 'geintegreerde-benadering' meet."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


WORD = re.compile(r"[\w-]+")


class Words:
    """A text as lowercase words, for whole-word matching of terms.

    Hyphens belong to a word, so 'Afrika' does not match inside
    'Noord-Afrika' nor 'Amerika' inside 'Latijns-Amerika'; other punctuation
    separates words ('regio’s' holds 'regio')."""

    __slots__ = ("words", "joined")

    def __init__(self, text: str) -> None:
        tokens = WORD.findall(text.lower())
        self.words = frozenset(tokens)
        self.joined = " " + " ".join(tokens) + " "


class Terms:
    """Place names or keywords of one entry, compiled for `Words`: a term is
    one word, a phrase of words, or a word with a trailing '*' that matches
    any ending ('pirater*')."""

    __slots__ = ("exact", "phrases", "prefixes")

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.exact: dict[str, str] = {}
        self.phrases: list[tuple[str, str]] = []
        self.prefixes: list[tuple[str, str]] = []
        for term in terms:
            if term.endswith("*"):
                self.prefixes.append((term[:-1].lower(), term))
                continue
            tokens = WORD.findall(term.lower())
            if len(tokens) == 1:
                self.exact.setdefault(tokens[0], term)
            elif tokens:
                self.phrases.append((" " + " ".join(tokens) + " ", term))

    def first_match(self, text: Words) -> str | None:
        """The first term (as written in the taxonomy) that occurs in `text`."""
        for word, term in self.exact.items():
            if word in text.words:
                return term
        for phrase, term in self.phrases:
            if phrase in text.joined:
                return term
        for prefix, term in self.prefixes:
            if any(w.startswith(prefix) for w in text.words):
                return term
        return None


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
    in_text: str = ""  # regions: the name as a sentence uses it ("de Sahel"); label_nl when empty

    @property
    def phrase(self) -> str:
        """The name inside a sentence: 'de Sahel', 'terrorisme', 'Defensie'."""
        if self.in_text:
            return self.in_text
        label = self.label_nl
        if self.kind in ("theme", "interest", "accent") and len(label) > 1 and label[1].islower():
            return label[0].lower() + label[1:]
        return label

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
    # Slugs of covered places ('mali' -> sahel). Not keys: a place is
    # suggested, never silently taken for its region.
    _by_place: dict[str, Entry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._by_key.setdefault(entry.id, entry)
        for entry in self.entries:
            for name in (entry.label_nl, entry.label_en, *entry.aliases):
                self._by_key.setdefault(slugify(name), entry)
        for entry in self.entries:
            for place in entry.covers:
                self._by_place.setdefault(slugify(place), entry)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def get(self, key: str) -> Entry | None:
        """Exact id, or the slug of a label or alias ('hoorn-van-afrika')."""
        return self._by_key.get(key) or self._by_key.get(slugify(key))

    def __getitem__(self, entry_id: str) -> Entry:
        entry = self._by_key.get(entry_id)
        if entry is None or entry.id != entry_id:
            raise KeyError(f"no {self.kind} with id '{entry_id}'")
        return entry

    def suggest(self, key: str) -> str | None:
        """The id of the closest entry, for 'did you mean' messages: an exact
        id, label or alias, then a place an entry covers ('Mali' -> sahel,
        before 'Somalië' can claim it as a near spelling), then a prefix,
        then the nearest spelling."""
        wanted = slugify(key) or key
        exact = self._by_key.get(wanted) or self._by_place.get(wanted)
        if exact is not None:
            return exact.id
        found = self._prefixed(wanted) or self._spelled_like(wanted)
        return found.id if found else None

    def _prefixed(self, wanted: str) -> Entry | None:
        # 'cyber' means 'cyber-security': a prefix beats edit distance. Only
        # a key may be shorter than what was typed; short places ('VS',
        # 'AU') would otherwise claim every word that starts like them.
        for slug, entry in self._by_key.items():
            if slug.startswith(wanted) or wanted.startswith(slug):
                return entry
        for slug, entry in self._by_place.items():
            if slug.startswith(wanted):
                return entry
        return None

    def _spelled_like(self, wanted: str) -> Entry | None:
        # Places are many and short, so a loose cutoff would turn 'energie'
        # into 'Georgië'; they must be spelled nearly right ('afganistan').
        best: tuple[float, Entry] | None = None
        for names, cutoff in ((self._by_key, 0.6), (self._by_place, 0.8)):
            for name in difflib.get_close_matches(wanted, list(names), n=1, cutoff=cutoff):
                score = difflib.SequenceMatcher(None, name, wanted).ratio()
                if best is None or score > best[0]:  # a key wins a tie
                    best = (score, names[name])
        return best[1] if best else None

    @cached_property
    def _terms(self) -> tuple[tuple[Entry, Terms], ...]:
        return tuple((e, Terms(e.signal_terms())) for e in self.entries if e.signal_terms())

    @cached_property
    def _terms_by_id(self) -> dict[str, Terms]:
        return {e.id: terms for e, terms in self._terms}

    def names(self, entry_id: str, words: Words) -> bool:
        """Whether `words` name the entry (its signal terms), without
        matching every other entry as `signalled` does."""
        terms = self._terms_by_id.get(entry_id)
        return terms is not None and terms.first_match(words) is not None

    def signalled(self, text: str | Words) -> list[tuple[Entry, str]]:
        """Entries whose signal terms occur in `text`, each with the term
        that matched (for messages and `briefing explain`)."""
        words = text if isinstance(text, Words) else Words(text)
        found: list[tuple[Entry, str]] = []
        for entry, terms in self._terms:
            term = terms.first_match(words)
            if term is not None:
                found.append((entry, term))
        return found


def did_you_mean(taxonomy: Taxonomy, key: str) -> str:
    return hint(taxonomy.suggest(key))


def reference_problem(taxonomy: Taxonomy, key: str) -> str | None:
    """Why `key` is not a valid reference to an entry in content files, or
    None when it is. Content refers to entries by id; an alias is named as
    such, so the fix is obvious."""
    entry = taxonomy.get(key)
    if entry is not None and entry.id == key:
        return None
    if entry is not None:
        return f"'{key}' is an alias of {taxonomy.kind} '{entry.id}'; content refers to ids — write '{entry.id}'"
    return f"unknown {taxonomy.kind} '{key}'{did_you_mean(taxonomy, key)}"
