"""Ad hoc subjects: a briefing on any word the strategy uses.

A query is words, "quoted phrases", `OF`/`OR` between alternatives and
`-word` for exclusion: `kernwapens Iran`, `"vitale infrastructuur"`,
`Iran OF Irak -Syrië`. Words next to each other must all occur in a
passage (in any of its sentences); `OF` joins the words on either side
into one alternative; a passage that holds an excluded word is left out.

Matching is Dutch-aware:
- words are compared by their Snowball stem ('kernwapens' finds
  'kernwapen'), accents folded ('Somalie' finds 'Somalië');
- a word finds the compounds it starts or ends ('kernwapen' finds
  'kernwapenwedloop', 'cyber' finds 'cyberaanvallen', 'aanval' finds
  'cyberaanvallen'), when both it and the rest are long enough to be words
  ('Mali' does not find 'Somali');
- a word or phrase that is a name or alias of a region, theme or ministry
  ('Rusland', 'NAVO') also finds the sentences of that subject's passages
  that name it by any of its names ('Sovjet-Unie'); a place a region
  covers and its description names ('Mali': "De Sahel, met Mali als
  brandpunt …") finds the sentences of the region's passages that name
  the region itself ('Sahel').

This module is the query language (parsing, checking, file names); the
matching against the strategy is in search.py.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .errors import UsageError

QUERY = "query"  # the selector kind of a query
MAX_QUERY_LENGTH = 200
MAX_SLUG = 40
TOKEN = re.compile(r"\w+")
OPERATORS = frozenset({"of", "or"})


class QueryError(UsageError):
    """A query that cannot be asked; `reason` says why as data (empty,
    long, control, quote, exclusions), for a message in another language."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def fold(text: str) -> str:
    """Lower case, accents off: 'Somalië' -> 'somalie'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import snowballstemmer  # the Snowball project's own stemmers (PyStemmer's C when installed)

    return snowballstemmer.stemmer("dutch")


_STEM_LOCK = threading.Lock()


@lru_cache(maxsize=65536)
def stem(folded: str) -> str:
    with _STEM_LOCK:  # a Snowball stemmer object keeps state between calls
        return str(_stemmer().stemWord(folded))  # type: ignore[attr-defined]


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stem) of every word of `text`."""
    return [(m.start(), m.end(), stem(fold(m.group()))) for m in TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a quoted phrase of a query, as typed and as stems."""

    text: str
    stems: tuple[str, ...]
    folded: tuple[str, ...] = ()  # the words, folded (a stem may differ for one form: kernwapen/kernwaap)

    @property
    def phrase(self) -> bool:
        return len(self.stems) > 1


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: `groups` must each match (one of its terms), no
    term of `excluded` may."""

    text: str  # as given, spaces normalised: the selector's id
    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for group in self.groups for t in group)

    @property
    def plain(self) -> bool:
        """Words only: no quotes, operators or exclusions."""
        return not self.excluded and all(len(g) == 1 and not g[0].phrase for g in self.groups) and \
            '"' not in self.text


def check_text(text: str) -> str:
    """The query as typed, checked: not empty, not too long, no control
    characters; spaces normalised."""
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise QueryError("control", f"the query contains a control character (U+{ord(bad):04X}); use plain text")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError("long", f"the query is {len(text)} characters long; at most {MAX_QUERY_LENGTH}")
    normal = " ".join(text.replace("“", '"').replace("”", '"').replace("„", '"').split())
    if not TOKEN.search(normal):
        raise QueryError("empty", "the query is empty: give a word of the strategy, e.g. --query Iran")
    if normal.count('"') % 2:
        raise QueryError("quote", f"the query {normal} has an unbalanced quote: close the phrase with \"")
    return normal


@lru_cache(maxsize=1024)
def parse(text: str) -> Query:
    """`text` as a Query (UsageError for an empty, over-long or unbalanced one)."""
    normal = check_text(text)
    pieces = re.findall(r'(-?)"([^"]*)"|(\S+)', normal)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for minus, quoted, word in pieces:
        if word and fold(word) in OPERATORS and not minus:
            join_next = bool(groups)
            continue
        raw = quoted if quoted or minus else word
        negative = bool(minus) or (bool(word) and word.startswith("-") and len(word) > 1)
        if word and word.startswith("-"):
            raw = word[1:]
        folded = tuple(fold(w) for w in TOKEN.findall(raw))
        if not folded:
            continue
        term = Term(raw, tuple(stem(w) for w in folded), folded)
        if negative:
            excluded.append(term)
        elif join_next and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        raise QueryError("exclusions", f"the query {normal} asks for nothing but exclusions: give a word to look for")
    return Query(normal, tuple(tuple(g) for g in groups), tuple(excluded))


def slug(texts: Sequence[str]) -> str:
    """The file-name part of one or more queries: lower case, ASCII, words
    joined by '-'; with operators or quotes, or longer than 40 characters,
    a short hash of the whole ends it."""
    words = "-".join(w for text in texts for w in TOKEN.findall(fold(text)) if w not in OPERATORS) or "query"
    plain = all(parse(t).plain for t in texts) and len(texts) == 1
    if plain and len(words) <= MAX_SLUG:
        return words
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:8]
    cut = words[:MAX_SLUG]
    if len(words) > MAX_SLUG and words[MAX_SLUG] != "-" and "-" in cut:  # whole words only
        cut = cut.rsplit("-", 1)[0]
    return f"{cut.rstrip('-')}-{digest}"


__all__ = ["MAX_QUERY_LENGTH", "QUERY", "Query", "QueryError", "Term", "check_text", "fold", "parse", "slug", "stem", "tokens"]
