"""Search through the strategy: the index of its words, and what a query
(query.py) finds in each passage and sentence.

The index is built once per content object, in memory (0.03 s with
PyStemmer's C stemmer): a few thousand Snowball stems, each with the
sentences it stands in (see README, "Ad hoc subjects and search", for why
not SQLite FTS5).
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .errors import SelectionError
from .query import TOKEN, Query, Term, fold, parse, stem, tokens
from .sentences import split as split_sentences
from .taxonomy import SELECTOR_KINDS, Entry, Terms, Words

if TYPE_CHECKING:
    from .content import Content, Passage

# A compound is found by a word it starts or ends with when that word has
# at least MIN_PART letters and so has the rest of the compound.
MIN_PART = 4
MIN_REST = 3


# --------------------------------------------------------------------------
# The index of the strategy's words


@dataclass
class Index:
    """Every sentence of the strategy as stems, and where each stem stands."""

    sentences: dict[str, list[list[str]]]  # passage id -> per sentence, its stems in order
    where: dict[str, set[tuple[str, int]]]  # stem -> (passage id, sentence index)
    forms: dict[str, dict[str, int]]  # stem -> the words written for it, with counts
    # folded name -> (kind, id, whole): a subject's name or alias names all of
    # it (whole); a place it covers names only the subject as a whole.
    named: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)

    def expand(self, *forms: str) -> set[str]:
        """The stems a query word finds (given as its stem and its folded
        form): words with that stem or written that way, and the compounds
        they start or end (each part long enough to be a word). Written
        forms count as well as stems: Snowball stems 'kernwapens' to
        'kernwapen' but 'kernwapen' to 'kernwaap'."""
        keys = self.keys
        found = {s for f in forms for s in keys.get(f, ())}
        for form in set(forms):
            if len(form) >= MIN_PART:
                for other, stems in keys.items():
                    if len(other) - len(form) >= MIN_REST and (other.startswith(form) or other.endswith(form)):
                        found |= stems
        return found

    @cached_property
    def keys(self) -> dict[str, set[str]]:
        """Every stem, and every written form (folded), to the stems it stands for."""
        keys: dict[str, set[str]] = {s: {s} for s in self.where}
        for s, written in self.forms.items():
            for form in written:
                keys.setdefault(fold(form), set()).add(s)
        return keys

    def suggest(self, word: str, n: int = 3) -> list[str]:
        """The words of the strategy most like `word`, as the strategy writes them."""
        by_form = {fold(form): form for forms in self.forms.values() for form in forms}
        return [by_form[w] for w in difflib.get_close_matches(fold(word), list(by_form), n=n, cutoff=0.75)]


_INDEXES: dict[int, tuple[Content, Index]] = {}
_INDEX_LOCK = threading.Lock()


def index_of(content: Content) -> Index:
    """The index of `content`, built once per content object."""
    with _INDEX_LOCK:
        found = _INDEXES.get(id(content))
        if found is not None and found[0] is content:
            return found[1]
    index = _build(content)
    with _INDEX_LOCK:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        _INDEXES[id(content)] = (content, index)
    return index


def _build(content: Content) -> Index:
    sentences: dict[str, list[list[str]]] = {}
    where: dict[str, set[tuple[str, int]]] = {}
    forms: dict[str, dict[str, int]] = {}
    for passage in content.passages:
        per = []
        for i, sentence in enumerate(split_sentences(passage.text)):
            stems = []
            for m in TOKEN.finditer(sentence):
                s = stem(fold(m.group()))
                stems.append(s)
                where.setdefault(s, set()).add((passage.id, i))
                counts = forms.setdefault(s, {})
                counts[m.group()] = counts.get(m.group(), 0) + 1
            per.append(stems)
        sentences[passage.id] = per
    named: dict[str, list[tuple[str, str, bool]]] = {}
    for kind in SELECTOR_KINDS:
        for entry in content.taxonomies[kind].entries:
            own = (entry.label_nl, entry.label_en, *entry.aliases)
            # A place it covers names the subject only where the subject's
            # description names it: "De Sahel, met Mali als brandpunt …".
            said = " " + " ".join(TOKEN.findall(fold(entry.description))) + " "
            places = [n for n in entry.covers if n not in own and f" {' '.join(TOKEN.findall(fold(n)))} " in said]
            for name, whole in (*((n, True) for n in own), *((n, False) for n in places)):
                key = " ".join(TOKEN.findall(fold(name)))
                if key and not any(k == kind and e == entry.id for k, e, _ in named.get(key, [])):
                    named.setdefault(key, []).append((kind, entry.id, whole))
    return Index(sentences, where, forms, named)


# --------------------------------------------------------------------------
# Matching


@dataclass(frozen=True, slots=True)
class Match:
    """What a query found in one passage: the sentences holding a word it
    asked for, and the subjects it named whose tags the passage carries."""

    sentences: frozenset[int]
    subjects: tuple[tuple[str, str], ...] = ()  # (kind, id) of named subjects that brought sentences
    of: int = 1  # sentences in the passage

    @property
    def most(self) -> bool:
        """Whether most of the passage's sentences match: printed in full."""
        return 2 * len(self.sentences) > self.of


def _names_of(entry: Entry, whole: bool) -> tuple[str, ...]:
    """What names a subject: all its signal terms when the query named the
    subject itself, its own names when it named a place it covers."""
    return tuple(entry.signal_terms() if whole else (entry.label_nl, *entry.aliases))


def disjoint(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, those that overlap or touch made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class Matcher:
    """A query against one content's index."""

    def __init__(self, query: Query, content: Content) -> None:
        self.content = content
        self.index = index_of(content)
        if query.plain and len(query.groups) > 1:
            # Words that together are a name ("Verenigde Staten", a place a
            # region covers) are asked for as that name, not each apart.
            words = [g[0] for g in query.groups]
            if " ".join(f for t in words for f in t.folded) in self.index.named:
                query = Query(query.text, ((Term(" ".join(t.text for t in words), tuple(s for t in words for s in
                                                                                          t.stems),
                                                 tuple(f for t in words for f in t.folded)),),))
        self.query = query
        self._where: dict[Term, dict[str, set[int]]] = {}  # term -> passage id -> sentences with its first word
        self._stems: dict[Term, tuple[set[str], ...]] = {
            t: tuple(self.index.expand(s, f) if not t.phrase else {s} for s, f in zip(t.stems, t.folded, strict=True))
            for t in (*query.terms, *query.excluded)}
        # Subjects named by a term ("Rusland" -> region russia, all its
        # names; "Mali" -> region sahel, its own names only), with the
        # words that name them, compiled.
        self.named: dict[Term, tuple[tuple[str, str, Terms], ...]] = {}
        for t in query.terms:
            found = []
            for kind, entry_id, whole in self.index.named.get(" ".join(fold(w) for w in t.folded), ()):
                found.append((kind, entry_id, Terms(_names_of(content.taxonomies[kind][entry_id], whole))))
            self.named[t] = tuple(found)
        # The names of those subjects, to mark where they stand ("Sovjet-Unie").
        names = sorted({name for t in query.terms for kind, entry_id, whole in
                        self.index.named.get(" ".join(t.folded), ()) for name in _names_of(
                            content.taxonomies[kind][entry_id], whole)}, key=len, reverse=True)
        self._names = re.compile("|".join(
            rf"(?<![\w-]){re.escape(n[:-1])}\w*" if n.endswith("*") else rf"(?<![\w-]){re.escape(n)}(?![\w-])"
            for n in names), re.IGNORECASE) if names else None

    def subjects(self) -> list[Entry]:
        """The regions, themes and ministries the query names."""
        seen = dict.fromkeys((kind, entry_id) for keys in self.named.values() for kind, entry_id, _ in keys)
        return [self.content.taxonomies[kind][entry_id] for kind, entry_id in seen]

    def _in(self, term: Term, stems: Sequence[str]) -> list[int]:
        """Where `term` starts in a sentence's stems."""
        wanted = self._stems[term]
        n = len(wanted)
        return [i for i in range(len(stems) - n + 1) if all(stems[i + k] in wanted[k] for k in range(n))]

    def _sentences(self, term: Term, passage_id: str, per: Sequence[Sequence[str]]) -> set[int]:
        """The sentences of a passage (its stems `per`) that hold `term`:
        only those the index lists under the term's first word are read."""
        if passage_id not in self.index.sentences:  # not indexed: read every sentence
            return {i for i, stems in enumerate(per) if self._in(term, stems)}
        found = self._where.get(term)
        if found is None:
            found = self._where[term] = {}
            for s in self._stems[term][0]:
                for pid, i in self.index.where.get(s, ()):
                    found.setdefault(pid, set()).add(i)
        return {i for i in found.get(passage_id, ()) if i < len(per) and self._in(term, per[i])}

    def passage(self, passage: Passage) -> Match | None:
        """What the query finds in `passage`, or None when it is not a match."""
        texts = split_sentences(passage.text)
        per = self.index.sentences.get(passage.id) or [[s for _, _, s in tokens(t)] for t in texts]
        for term in self.query.excluded:
            if self._sentences(term, passage.id, per):
                return None
        hit: set[int] = set()
        subjects: list[tuple[str, str]] = []
        for group in self.query.groups:
            matched = False
            for term in group:
                found = self._sentences(term, passage.id, per)
                for kind, entry_id, names in self.named[term]:
                    if entry_id in passage.tags(kind):
                        naming = {i for i, text in enumerate(texts) if names.first_match(Words(text)) is not None}
                        if naming:
                            found |= naming
                            if (kind, entry_id) not in subjects:
                                subjects.append((kind, entry_id))
                if found:
                    matched = True
                    hit |= found
            if not matched:
                return None
        return Match(frozenset(hit), tuple(subjects), len(per))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The stretches of `text` holding a word (or phrase) the query asks
        for, or a name of a subject it names."""
        words = tokens(text)
        stems = [s for _, _, s in words]
        out: list[tuple[int, int]] = []
        for term in self.query.terms:
            n = len(term.stems)
            for i in self._in(term, stems):
                out.append((words[i][0], words[i + n - 1][1]))
        if self._names is not None:
            out += [m.span() for m in self._names.finditer(text)]
        return disjoint(out)

    def found_words(self) -> dict[str, list[str]]:
        """Per term, the words of the strategy it found (for `explain`)."""
        out: dict[str, list[str]] = {}
        for term in self.query.terms:
            if term.phrase:
                out[term.text] = [term.text]
                continue
            forms: dict[str, int] = {}
            for s in sorted(self._stems[term][0]):
                for form, count in self.index.forms.get(s, {}).items():
                    forms[form] = forms.get(form, 0) + count
            out[term.text] = sorted(forms, key=lambda f: (-forms[f], f))
        return out


_MATCHERS: dict[tuple[int, str], Matcher] = {}


def matcher(text: str, content: Content) -> Matcher:
    """The (remembered) matcher of a query over `content`."""
    key = (id(content), text)
    found = _MATCHERS.get(key)
    if found is None or found.content is not content:
        if len(_MATCHERS) > 1024:
            _MATCHERS.clear()
        found = _MATCHERS[key] = Matcher(parse(text), content)
    return found


# The Snowball stemmer of each language the strategy is translated into.
STEMMERS = {"en": "english"}


class TranslationMatcher:
    """A query against the translations of the strategy into one language
    (content/translations/): its words by that language's Snowball
    stemmer, a quoted phrase as words in a row, groups and exclusions as
    for the Dutch. A hit is a sentence of a passage's current translation;
    its index is the Dutch sentence's, since translations keep their
    passage's sentences one for one (`check` holds them to it)."""

    def __init__(self, query: Query, content: Content, language: str) -> None:
        import snowballstemmer  # as query._stemmer

        self.content, self.query = content, query
        self.translation = content.translations[language]
        self._stemmer = snowballstemmer.stemmer(STEMMERS.get(language, "porter"))
        self._lock = threading.Lock()  # a Snowball stemmer keeps state between calls
        self._terms = {t: tuple(self._stem(f) for f in t.folded) for t in (*query.terms, *query.excluded)}
        self._sentences: dict[str, list[list[str]]] = {}

    def _stem(self, folded: str) -> str:
        with self._lock:
            return str(self._stemmer.stemWord(folded))

    def _words(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), self._stem(fold(m.group()))) for m in TOKEN.finditer(text)]

    def _in(self, term: Term, stems: Sequence[str]) -> list[int]:
        wanted = self._terms[term]
        n = len(wanted)
        return [i for i in range(len(stems) - n + 1) if tuple(stems[i:i + n]) == wanted]

    def passage(self, passage: Passage) -> Match | None:
        found = self.translation.current(passage)
        if found is None:
            return None
        per = self._sentences.get(passage.id)
        if per is None:
            per = self._sentences[passage.id] = [[s for _, _, s in self._words(t)]
                                                 for t in split_sentences(found.text)]
        if any(self._in(term, stems) for term in self.query.excluded for stems in per):
            return None
        hit: set[int] = set()
        for group in self.query.groups:
            here = {i for term in group for i, stems in enumerate(per) if self._in(term, stems)}
            if not here:
                return None
            hit |= here
        return Match(frozenset(hit), (), len(per))

    def spans(self, text: str) -> list[tuple[int, int]]:
        words = self._words(text)
        stems = [s for _, _, s in words]
        return disjoint((words[i][0], words[i + len(self._terms[t]) - 1][1])
                        for t in self.query.terms for i in self._in(t, stems))


_TRANSLATION_MATCHERS: dict[tuple[int, str, str], TranslationMatcher] = {}


def translation_matcher(text: str, content: Content, language: str) -> TranslationMatcher | None:
    """The (remembered) matcher of a query over the translations into
    `language`, or None when the content has none."""
    if language not in content.translations:
        return None
    key = (id(content), text, language)
    found = _TRANSLATION_MATCHERS.get(key)
    if found is None or found.content is not content:
        if len(_TRANSLATION_MATCHERS) > 1024:
            _TRANSLATION_MATCHERS.clear()
        found = _TRANSLATION_MATCHERS[key] = TranslationMatcher(parse(text), content, language)
    return found


class NoMatch(SelectionError):
    """Queries that find nothing: which word the strategy does not use
    (`missing`, or "" when each occurs but no passage holds them all),
    and the nearest words it does use (`hints`)."""

    def __init__(self, missing: str, hints: list[str]) -> None:
        said = " or ".join(f"'{h}'" for h in hints)
        where = f"'{missing}' does not occur in the strategy" if missing else "no passage holds all of it"
        super().__init__(f"no passage of the strategy matches the query: {where}"
                         f"{f' — did you mean {said}?' if hints else ''}")
        self.missing, self.hints = missing, hints


def no_match(texts: Iterable[str], content: Content) -> NoMatch:
    """Why queries found nothing, with the nearest words the strategy does
    use ("did you mean 'Rusland'?")."""
    index = index_of(content)
    missing = [t.text for text in texts for t in parse(text).terms
               if not any(index.expand(s, f) for s, f in zip(t.stems, t.folded, strict=True))
               and not matcher(text, content).named.get(t)]
    return NoMatch(missing[0] if missing else "", [w for m in missing for w in index.suggest(m)][:3])


__all__ = ["Index", "Match", "Matcher", "NoMatch", "TranslationMatcher", "disjoint", "index_of", "matcher",
           "no_match", "translation_matcher"]
