"""Load content/ into typed records and validate all of it.

`load_content(root)` reads every file, checks schema and references, and
either returns a `Content` or raises one `ContentError` holding every problem
found (each with `path:line`). Nothing downstream runs on content that has
not passed here, so later stages may trust ids and references.

Layout of content/ (see README, "Content format"):

    strategy.yaml          document metadata and chapters in order
    taxonomy/*.yaml        regions, themes, ministries, interests, accents
    passages/*.yaml        the text, one file per chapter, in document order
    figures.yaml           key figures, each quoting its passage
    commitments.yaml       Dutch commitments and instruments, likewise
    key-messages.yaml      3–6 kernboodschappen per region, theme, ministry
    catalogue.yaml         the combined briefings a full build adds
    charts.yaml            key figures a reader compares, drawn as bars (optional)
    geo/                   country outlines and where regions lie (optional; see geo.py)
"""

from __future__ import annotations

import difflib
import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import assets
from .cachedir import cache_folder, kept
from .classification import DEFAULT_SCALE, Scale, load_scale
from .errors import ContentError, Location, Problem, UsageError, suggest
from .geo import Geo, load_geo
from .limits import MAX_PASSAGE_CHARS
from .query import QUERY, check_text
from .schema import Choice, Date, Field, Flag, Ident, Integer, Nested, Raw, Record, Strings, Text, Values, items
from .sentences import split as split_sentences
from .taxonomy import SELECTOR_KINDS, TAG_FIELDS, Entry, Taxonomy, Words, did_you_mean, reference_problem, slugify
from .translations import Original, Translation, load_translations
from .yamlio import YAML_SYNTAX, LocatedDict, read_yaml

PASSAGE_KINDS = (
    "letter", "signature", "summary", "introduction", "analysis",
    "interest", "policy", "box", "footnote", "conclusion",
)
KEY_MESSAGES_MIN, KEY_MESSAGES_MAX = 3, 6


@dataclass(frozen=True, slots=True)
class Chapter:
    id: str
    number: str
    title: str
    printed_title: str
    footnotes: tuple[str, ...]
    location: Location

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()


class Tagged:
    """A record tagged with subjects: `tags('region')` is its region ids
    (passages, key figures and commitments alike)."""

    __slots__ = ()

    def tags(self, kind: str) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, TAG_FIELDS[kind])
        return value


@dataclass(frozen=True, slots=True)
class Passage(Tagged):
    """One paragraph, list item, box part or footnote of the strategy."""

    id: str
    chapter: str
    section: tuple[str, ...]
    page: int
    page_end: int
    kind: str
    text: str
    regions: tuple[str, ...]
    themes: tuple[str, ...]
    ministries: tuple[str, ...]
    interests: tuple[str, ...]
    accents: tuple[str, ...]
    location: Location
    list_item: bool = False
    box: str = ""
    footnotes: tuple[str, ...] = ()
    # Tags (region, theme or ministry ids) the passage only names in
    # passing: a briefing for one of them prints the sentences naming it as
    # an excerpt, not the whole passage. See README, "Two depths".
    mentions: tuple[str, ...] = ()
    # The id of an earlier passage this one repeats: printed once, there.
    # Every sentence must be one of the other's, word for word, unless
    # `reworded` says why the two wordings may stand for each other; a
    # citation then never claims one wording for the other's page.
    repeats: str = ""
    reworded: str = ""
    # The first words on `page_end` when the passage runs over a page: with
    # it, every sentence (and so every excerpt) is cited by its own page.
    page_break: str = ""

    @property
    def pages(self) -> str:
        """'12' or '9–10', as cited."""
        return str(self.page) if self.page_end == self.page else f"{self.page}–{self.page_end}"

    @property
    def flat(self) -> str:
        """The text with whitespace normalised, as sentences are cut from it."""
        return " ".join(self.text.split())

    def span_pages(self, start: int, end: int) -> tuple[int, int]:
        """The pages on which `flat[start:end]` stands."""
        if self.page_end == self.page:
            return self.page, self.page
        at = self.flat.find(" ".join(self.page_break.split()))
        if at < 0:  # validation reports it; cite the whole range rather than guess
            return self.page, self.page_end
        return (self.page if start < at else self.page_end), (self.page_end if end > at else self.page)

    def sentence_pages(self, indices: Iterable[int]) -> tuple[int, int]:
        """The pages on which the sentences at `indices` stand."""
        sentences = split_sentences(self.text)
        starts = [0]
        for sentence in sentences:
            starts.append(starts[-1] + len(sentence) + 1)
        spans = [self.span_pages(starts[i], starts[i] + len(sentences[i])) for i in indices]
        if not spans:
            return self.page, self.page_end
        return min(a for a, _ in spans), max(b for _, b in spans)

    def quote_pages(self, quote: str) -> tuple[int, int]:
        """The pages on which `quote`, a stretch of this passage, stands."""
        flat, needle = self.flat, " ".join(quote.split())
        at = flat.find(needle)
        return (self.page, self.page_end) if at < 0 else self.span_pages(at, at + len(needle))


@dataclass(frozen=True, slots=True)
class Figure(Tagged):
    id: str
    value: str
    unit: str
    label: str
    quote: str
    passage: str
    location: Location
    # The subjects the figure itself concerns, not those of its passage.
    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    ministries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Commitment(Tagged):
    id: str
    what: str
    who: str
    when: str
    where: str
    quote: str
    passage: str
    location: Location
    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    ministries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bar:
    figure: str  # id of a key figure
    label: str  # beside the bar: "Marokko"
    value: float  # the figure's value as a number, for the bar's length


@dataclass(frozen=True, slots=True)
class Chart:
    """Key figures of one unit that a reader compares: drawn as bars."""

    id: str
    title: str
    bars: tuple[Bar, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class KeyMessage:
    kind: str  # region, theme, ministry
    subject: str
    text: str
    sources: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """A combined briefing the catalogue builds besides one per id."""

    selectors: tuple[tuple[str, str], ...]  # ((kind, id), ...)
    location: Location


@dataclass(frozen=True, slots=True)
class Matrix:
    """The pairings `briefing build --matrix` adds: for each pair of kinds,
    every combination of their ids whose briefing prints at least
    `min_full` passages in full."""

    pairs: tuple[tuple[str, str], ...]  # ((kind, kind), ...)
    min_full: int
    location: Location


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    subtitle: str
    kamerstuk: str
    citation: str
    date: str
    sender: str
    language: str
    content_version: str
    # The English edition's: the title of the official English version,
    # and the sender as an English sentence names him.
    title_en: str = ""
    subtitle_en: str = ""
    sender_en: str = ""


@dataclass
class Content:
    """Everything in content/, validated. Passages are in document order."""

    root: Path
    document: Document
    chapters: tuple[Chapter, ...]
    passages: tuple[Passage, ...]
    taxonomies: dict[str, Taxonomy]
    figures: tuple[Figure, ...]
    commitments: tuple[Commitment, ...]
    key_messages: tuple[KeyMessage, ...]
    catalogue: tuple[CatalogueEntry, ...]
    matrix: Matrix | None
    warnings: tuple[Problem, ...] = ()
    charts: tuple[Chart, ...] = ()
    geo: Geo | None = None  # None: content without maps
    scale: Scale = field(default_factory=lambda: DEFAULT_SCALE)  # content/classification.yaml
    by_id: dict[str, Passage] = field(default_factory=dict, repr=False)
    position: dict[str, int] = field(default_factory=dict, repr=False)  # a passage's index in `passages`
    translations: dict[str, Translation] = field(default_factory=dict, repr=False)  # by language: translations.py
    # The digest of what this content was loaded from (see load_content),
    # "" when it was not loaded through the cache: what plans may be kept by.
    digest: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.passages}
        self.position = {p.id: i for i, p in enumerate(self.passages)}

    def chapter(self, chapter_id: str) -> Chapter:
        return next(c for c in self.chapters if c.id == chapter_id)


# --------------------------------------------------------------------------
# Schemas: what each record holds (see schema.py; what its fields say
# together is checked where it is loaded)

TAGS = {field_name: Strings() for field_name in TAG_FIELDS.values()}
SUBJECT_TAGS = {TAG_FIELDS[kind]: Strings() for kind in SELECTOR_KINDS}
STRATEGY = Record("strategy.yaml", {"document": Nested(), "chapters": Raw()})
DOCUMENT = Record("document", {
    "title": Text(), "subtitle": Text(), "kamerstuk": Text(), "citation": Text(), "date": Date(), "sender": Text(),
    "language": Text(), "content_version": Text(), "title_en": Text(required=False),
    "subtitle_en": Text(required=False), "sender_en": Text(required=False),
})
CHAPTER = Record("chapter", {
    "id": Ident(), "number": Text(empty_ok=True), "title": Text(), "printed_title": Text(empty_ok=True),
    "footnotes": Strings(required=False),
})
PASSAGE = Record("passage", {
    "id": Ident(), "page": Integer(), "page_end": Integer(required=False),
    "kind": Choice(PASSAGE_KINDS, noun="passage kind"), "chapter": Text(), "section": Strings(),
    "text": Text(limit=MAX_PASSAGE_CHARS), **TAGS, "list_item": Flag(), "box": Text(required=False),
    "footnotes": Strings(required=False), "mentions": Strings(required=False), "repeats": Text(required=False),
    "reworded": Text(required=False), "page_break": Text(required=False),
}, named_by="id")
FIGURE = Record("figure", {
    "id": Ident(), "value": Text(), "unit": Text(empty_ok=True), "label": Text(), "quote": Text(),
    "passage": Text(), **SUBJECT_TAGS,
})
COMMITMENT = Record("commitment", {
    "id": Ident(), "what": Text(), "who": Text(), "when": Text(empty_ok=True), "where": Text(empty_ok=True),
    "quote": Text(), "passage": Text(), **SUBJECT_TAGS,
})
KEY_MESSAGES = Record("key-messages.yaml", {TAG_FIELDS[kind]: Nested() for kind in SELECTOR_KINDS})
KEY_MESSAGE = Record("key message", {"text": Text(), "sources": Strings()})
CATALOGUE = Record("catalogue.yaml", {"combinations": Raw(), "matrix": Nested(required=False),
                                      "queries": Strings(required=False)})
COMBINATION = Record("combination", {TAG_FIELDS[kind]: Strings(required=False) for kind in SELECTOR_KINDS})
MATRIX = Record("matrix", {"pairs": Raw(), "min_full": Integer(required=False)})
CHART = Record("chart", {"id": Ident(), "title": Text(), "bars": Raw()})
BAR = Record("bar", {"figure": Text(), "label": Text()})


def taxonomy_record(kind: str) -> Record:
    """An entry of a taxonomy: what every kind has, and each kind's own."""
    fields: dict[str, Field[Any]] = {"id": Ident(), "label_nl": Text(), "label_en": Text(), "description": Text(),
                                     "aliases": Strings(required=kind in SELECTOR_KINDS)}
    if kind == "region":
        fields |= {"covers": Strings(), "in_text": Text(required=False)}
    if kind in ("theme", "ministry"):
        fields["keywords"] = Strings()
    if kind == "ministry":
        fields["abbreviation"] = Text()
    if kind == "accent":
        fields["number"] = Integer()
    return Record(kind, fields)



# --------------------------------------------------------------------------
# Loading


def load_content(root: Path, cache: bool = True) -> Content:
    """Read and validate everything under `root`. Raises ContentError with
    every problem found; returns Content whose warnings list the rest.

    Content that loaded without errors is kept in a cache keyed by the
    digest of every file under `root`, of the generator's code and of the
    folder's path, so a fresh process reads unchanged content in a few
    milliseconds instead of parsing and validating it again
    (cachedir.kept). The cache holds content only: never the ministry's
    notes, which are loaded apart, per clearance."""
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(Location(root), "content folder not found")])
    if not cache or cache_folder() is None:
        return _parse(root)
    key = _digest(root)

    def parsed() -> Content:
        content = _parse(root)
        content.digest = key
        return content

    def whole(found: Content) -> bool:
        # The country outlines are an asset a render gets by digest
        # (assets.py): loading content puts them there, so must this.
        return found.digest == key and (found.geo is None or assets.put(found.geo.world.read_bytes()) == found.geo.digest)

    return kept("content", key, Content, parsed, whole)


def _digest(root: Path) -> str:
    """Every file under `root` (names and bytes), the generator's own code,
    the Python version and `root`'s place: what a loaded Content depends on."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version_info[:2]}\0{root.resolve()}\0".encode())
    code = Path(__file__).resolve().parent
    for base in (root, code):
        for path in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(base)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _parse(root: Path) -> Content:
    problems: list[Problem] = []

    document, chapters = _load_strategy(root / "strategy.yaml", problems)
    taxonomies = {kind: _load_taxonomy(root / "taxonomy" / f"{TAG_FIELDS[kind]}.yaml", kind, problems)
                  for kind in TAG_FIELDS}
    passages = _load_passages(root / "passages", chapters, taxonomies, problems)
    by_id = {p.id: p for p in passages}
    figures = _load_extracts(root / "figures.yaml", FIGURE, _figure, by_id, taxonomies, problems)
    commitments = _load_extracts(root / "commitments.yaml", COMMITMENT, _commitment, by_id, taxonomies, problems)
    key_messages = _load_key_messages(root / "key-messages.yaml", taxonomies, by_id, problems)
    catalogue, matrix = _load_catalogue(root / "catalogue.yaml", taxonomies, problems)
    charts = _load_charts(root / "charts.yaml", {f.id: f for f in figures}, problems)
    geo = load_geo(root, taxonomies["region"], problems)
    scale = load_scale(root, problems)
    translations = load_translations(root, passages, _originals(taxonomies, key_messages, commitments, figures, charts,
                                                                chapters, passages), problems)

    unreadable = [p for p in problems if p.message.startswith(YAML_SYNTAX)]
    if unreadable:
        # A file that does not read leaves everything that refers into it
        # dangling: those follow-on errors would bury the one that matters.
        raise ContentError(unreadable)
    errors = [p for p in problems if p.severity == "error"]
    if errors or document is None or scale is None:
        raise ContentError(problems)
    return Content(
        root=root,
        document=document,
        chapters=tuple(chapters),
        passages=tuple(passages),
        taxonomies=taxonomies,
        figures=tuple(figures),
        commitments=tuple(commitments),
        key_messages=tuple(key_messages),
        catalogue=tuple(catalogue),
        matrix=matrix,
        warnings=tuple(problems),
        charts=tuple(charts),
        geo=geo,
        scale=scale,
        translations=translations,
    )


def _originals(taxonomies: dict[str, Taxonomy], key_messages: list[KeyMessage], commitments: list[Commitment],
               figures: list[Figure], charts: list[Chart], chapters: list[Chapter],
               passages: list[Passage]) -> dict[str, list[Original]]:
    """The Dutch records each translation file translates (translations.py),
    keyed as that file lays them out."""
    messages: list[Original] = []
    position: dict[tuple[str, str], int] = {}
    for m in key_messages:
        n = position[(m.kind, m.subject)] = position.get((m.kind, m.subject), -1) + 1
        messages.append(Original(f"key-messages/{TAG_FIELDS[m.kind]}/{m.subject}/{n}", (m.text,), ("text",),
                                 m.location, m.text))
    described = [Original(f"taxonomy/{TAG_FIELDS[kind]}/{e.id}", (e.description, *([e.in_text] if e.in_text else [])),
                          ("description", *(["in_text"] if e.in_text else [])), e.location, e.description)
                 for kind in TAG_FIELDS for e in taxonomies[kind].entries]
    # A heading within a chapter is named by the passages under it: the first one's place stands for it.
    sections: dict[str, Original] = {}
    for p in passages:
        for name in p.section:
            sections.setdefault(name, Original(f"headings/sections/{slugify(name)}", (name,), ("title",), p.location,
                                               name))
    return {
        "headings": [*(Original(f"headings/chapters/{c.id}", (c.title,), ("title",), c.location, c.title)
                       for c in chapters), *sections.values()],
        "key-messages": messages,
        "taxonomy": described,
        "commitments": [Original(f"commitments/{c.id}", (c.what, c.who, c.when, c.where), ("what", "who", "when", "where"),
                                 c.location, c.what) for c in commitments],
        "figures": [Original(f"figures/{f.id}", (f.value, f.unit, f.label), ("value", "unit", "label"), f.location,
                             f.label) for f in figures],
        "charts": [Original(f"charts/{c.id}", (c.title, *(b.label for b in c.bars)), ("title", "bars"), c.location,
                            c.title) for c in charts],
    }


def _load_strategy(path: Path, problems: list[Problem]) -> tuple[Document | None, list[Chapter]]:
    data = read_yaml(path, problems)
    if data is None:
        return None, []
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a mapping with 'document' and 'chapters'"))
        return None, []
    top = STRATEGY.read(data, path, problems)
    document = None
    if top.given("document"):
        f = DOCUMENT.read(top["document"], path, problems)
        document = Document(**{key: f[key] for key in DOCUMENT.fields})
    chapters = [Chapter(**(f := CHAPTER.read(item, path, problems)), location=f.at())
                for item in items(top["chapters"], path, "chapter", problems)]
    return document, chapters


def _load_taxonomy(path: Path, kind: str, problems: list[Problem]) -> Taxonomy:
    entries: list[Entry] = []
    seen: dict[str, Location] = {}
    record = taxonomy_record(kind)
    for item in items(read_yaml(path, problems), path, kind, problems):
        f = record.read(item, path, problems)
        entry = Entry(kind=kind, location=f.at(), **f)
        if entry.id in seen:
            f.error("id", f"duplicate {kind} id '{entry.id}' (first at {seen[entry.id]})")
        seen[entry.id] = f.at("id")
        entries.append(entry)
    taxonomy = Taxonomy(kind, tuple(entries))
    # An alias that names two entries would make `--region X` ambiguous.
    owners: dict[str, str] = {}
    for entry in entries:
        for name in sorted({slugify(n) for n in (entry.label_nl, entry.label_en, *entry.aliases)} - {entry.id}):
            if name in seen:  # the alias is another entry's id
                problems.append(Problem(entry.location, f"{kind} alias '{name}' of '{entry.id}' is the id of "
                                                        f"another {kind} ({seen[name]})"))
                continue
            other = owners.setdefault(name, entry.id)
            if other != entry.id:
                problems.append(Problem(entry.location, f"{kind} alias '{name}' of '{entry.id}' is also an "
                                                        f"alias of '{other}'"))
    return taxonomy


def _load_passages(folder: Path, chapters: list[Chapter], taxonomies: dict[str, Taxonomy],
                   problems: list[Problem]) -> list[Passage]:
    if not folder.is_dir():
        problems.append(Problem(Location(folder), "passages folder not found"))
        return []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.append(Problem(Location(folder), "no passage files (*.yaml) in folder"))
    chapter_order = {c.id: i for i, c in enumerate(chapters)}
    passages: list[Passage] = []
    first_seen: dict[str, Location] = {}
    last_chapter = -1
    for path in files:
        for item in items(read_yaml(path, problems), path, "passage", problems):
            passage = _passage(item, path, problems)
            f_at = passage.location
            if passage.id in first_seen:
                problems.append(Problem(f_at, f"duplicate passage id '{passage.id}' (first at {first_seen[passage.id]})"))
            first_seen.setdefault(passage.id, f_at)
            last_chapter = _check_chapter(passage, item, path, chapter_order, last_chapter, problems)
            _check_tags(passage, item, path, taxonomies, problems)
            _check_tagging_rule(passage, item, path, taxonomies, problems)
            _check_mentions(passage, item, path, taxonomies, problems)
            passages.append(passage)
    _check_footnotes(passages, chapters, problems)
    _check_repeats(passages, problems)
    return passages


def _check_chapter(passage: Passage, item: LocatedDict, path: Path, chapter_order: dict[str, int],
                   last_chapter: int, problems: list[Problem]) -> int:
    """A known chapter, in document order; returns the latest chapter seen."""
    order = chapter_order.get(passage.chapter)
    if passage.chapter and order is None:
        problems.append(Problem(Location(path, item.line_of("chapter")),
                                f"unknown chapter '{passage.chapter}'{suggest(passage.chapter, chapter_order)}"))
    elif order is not None:
        if order < last_chapter:
            problems.append(Problem(passage.location, f"passage '{passage.id}' of chapter '{passage.chapter}' "
                                                      "stands after a later chapter; passages must be in document order"))
        return max(last_chapter, order)
    return last_chapter


def _check_tags(passage: Passage, item: LocatedDict, path: Path, taxonomies: dict[str, Taxonomy],
                problems: list[Problem]) -> None:
    """Every tag an id of its taxonomy, none twice."""
    for kind, taxonomy in taxonomies.items():
        at = Location(path, item.line_of(TAG_FIELDS[kind]))
        problems.extend(Problem(at, problem) for tag in passage.tags(kind)
                        if (problem := reference_problem(taxonomy, tag)))
        if len(set(passage.tags(kind))) != len(passage.tags(kind)):
            problems.append(Problem(at, f"{kind} listed twice in passage '{passage.id}'"))


def _check_footnotes(passages: list[Passage], chapters: list[Chapter], problems: list[Problem]) -> None:
    """Passages and chapters refer to footnotes that exist."""
    by_id = {p.id: p for p in passages}
    for passage in passages:
        for ref in passage.footnotes:
            target = by_id.get(ref)
            if target is None or target.kind != "footnote":
                problems.append(Problem(passage.location, f"passage '{passage.id}' refers to footnote '{ref}', "
                                                          "which is not a passage of kind 'footnote'"))
    for chapter in chapters:
        for ref in chapter.footnotes:
            if ref not in by_id:
                problems.append(Problem(chapter.location, f"chapter '{chapter.id}' refers to unknown footnote '{ref}'"))


def _passage(item: LocatedDict, path: Path, problems: list[Problem]) -> Passage:
    f = PASSAGE.read(item, path, problems)
    pid, page = f["id"], f["page"]
    page_end = f["page_end"] or page
    if page < 0 or page_end < page:
        f.error("page", f"page range {page}–{page_end} is not valid")
    passage = Passage(**{**f, "page_end": page_end}, location=f.at())
    if page_end > page + 1:
        f.error("page_end", f"passage '{pid}' runs over {page_end - page + 1} pages; split it at the page breaks "
                            "(a passage may run over one)")
    elif page_end > page and not passage.page_break:
        f.error("page_end", f"passage '{pid}' runs from page {page} to {page_end}; give page_break: the first "
                            f"words on page {page_end}, so that each sentence is cited by its own page")
    elif passage.page_break and page_end == page:
        f.error("page_break", f"passage '{pid}' has a page_break but stands on one page ({page})")
    elif passage.page_break:
        count = passage.flat.count(" ".join(passage.page_break.split()))
        if count != 1:
            f.error("page_break", f"page_break '{passage.page_break}' occurs {count} times in passage '{pid}'; "
                                  "give the first words on the next page, enough of them to occur once")
        elif passage.flat.startswith(" ".join(passage.page_break.split())):
            f.error("page_break", f"page_break '{passage.page_break}' opens passage '{pid}'; the passage then "
                                  f"starts on page {page_end}")
    if passage.reworded and not passage.repeats:
        f.error("reworded", f"passage '{pid}' says why it is reworded, but repeats no passage")
    return passage


def _check_tagging_rule(passage: Passage, item: LocatedDict, path: Path,
                        taxonomies: dict[str, Taxonomy], problems: list[Problem]) -> None:
    """A passage that names a region's place, or a theme's or ministry's
    signal word, must carry that tag: a briefing for X must hold every
    passage about X."""
    words = Words(passage.text)
    for kind in SELECTOR_KINDS:
        tags = passage.tags(kind)
        for entry, term in taxonomies[kind].signalled(words):
            if entry.id not in tags:
                problems.append(Problem(
                    Location(path, item.line_of(TAG_FIELDS[kind])),
                    f"passage '{passage.id}' mentions '{term}' but is not tagged {kind} '{entry.id}'",
                ))


def _check_mentions(passage: Passage, item: LocatedDict, path: Path,
                    taxonomies: dict[str, Taxonomy], problems: list[Problem]) -> None:
    """A tag listed in `mentions` must be one of the passage's tags and be
    named in one of its sentences: that sentence is what a briefing for it
    prints, so a mention without one would print nothing."""
    at = Location(path, item.line_of("mentions"))
    tagged = {tag: kind for kind in SELECTOR_KINDS for tag in passage.tags(kind)}
    sentences = [Words(s) for s in split_sentences(passage.text)]
    for tag in passage.mentions:
        kind = tagged.get(tag)
        if kind is None:
            problems.append(Problem(at, f"passage '{passage.id}' mentions '{tag}', which is not one of its "
                                        f"region, theme or ministry tags{suggest(tag, tagged)}"))
            continue
        entry = taxonomies[kind].get(tag)
        if entry is not None and not any(taxonomies[kind].names(entry.id, w) for w in sentences):
            problems.append(Problem(at, f"passage '{passage.id}' lists {kind} '{tag}' under mentions, but no "
                                        "sentence names it; a passage about it in other words is printed in full"))
    if len(set(passage.mentions)) != len(passage.mentions):
        problems.append(Problem(at, f"a tag is listed twice under mentions in passage '{passage.id}'"))


def _check_repeats(passages: list[Passage], problems: list[Problem]) -> None:
    """A passage that `repeats` another is printed once, under the other's
    text, and cited with the other's page too. That is only honest where
    its sentences are the other's word for word. Where they are not, content
    says why the two wordings may still be printed once (`reworded`), and
    briefings cite the repeat as another wording ("elders herhaald, anders
    verwoord"), never as the same words. Even then each sentence must be
    close to one of the other's: the same give or take a word (90 % alike),
    or a shortening of one (all its words are in it)."""
    seen: dict[str, Passage] = {}
    for passage in passages:
        original = seen.get(passage.repeats) if passage.repeats else None
        seen[passage.id] = passage
        if passage.repeats and original is None:
            problems.append(Problem(passage.location, f"passage '{passage.id}' repeats '{passage.repeats}', "
                                                      "which is not an earlier passage"))
        if original is None:
            continue
        theirs = split_sentences(original.text)
        differing = [s for s in split_sentences(passage.text) if s not in theirs]
        if differing and not passage.reworded:
            problems.append(Problem(passage.location, f"passage '{passage.id}' repeats '{original.id}', but its "
                                    f"sentence '{differing[0][:60]}…' is not one of its sentences word for word; "
                                    "say why the wordings may be printed once (reworded: …) or drop repeats"))
            continue
        if passage.reworded and not differing:
            problems.append(Problem(passage.location, f"passage '{passage.id}' says it is reworded, but every "
                                    f"sentence is one of '{original.id}' word for word; drop reworded",
                                    severity="warning"))
        for sentence in differing:
            if any(Words(sentence).words <= Words(t).words for t in theirs):
                continue  # shortened (the costly comparison below is for the rest)
            if max(difflib.SequenceMatcher(None, sentence, t).ratio() for t in theirs) < 0.9:
                problems.append(Problem(passage.location, f"passage '{passage.id}' repeats '{original.id}', but its "
                                        f"sentence '{sentence[:60]}…' is not in it, even in other words"))


def _check_subject_tags(f: Values, taxonomies: dict[str, Taxonomy]) -> None:
    """The regions, themes and ministries a figure or commitment concerns exist."""
    for kind in SELECTOR_KINDS:
        field_name = TAG_FIELDS[kind]
        for value in f[field_name]:
            entry = taxonomies[kind].get(value)
            if entry is None or entry.id != value:
                f.error(field_name, f"unknown {kind} '{value}'{did_you_mean(taxonomies[kind], value)}")


# A key figure is a number: digits, or a Dutch number word.
_NUMBER = re.compile(r"\d|\b(?:één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|"
                     r"dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|duizend|miljoen|miljard|"
                     r"helft|derde|kwart|gehalveerd|verdubbeld|verdrievoudigd)(?:tal|en|ste|de)?\b", re.IGNORECASE)


def _figure(f: Values, taxonomies: dict[str, Taxonomy]) -> Figure:
    _check_subject_tags(f, taxonomies)
    figure = Figure(**f, location=f.at())
    if figure.value and not _NUMBER.search(figure.value):
        f.error("value", f"figure '{figure.id}': value '{figure.value}' holds no number; a key figure is a "
                         "number (digits or a number word)")
    return figure


def _commitment(f: Values, taxonomies: dict[str, Taxonomy]) -> Commitment:
    _check_subject_tags(f, taxonomies)
    return Commitment(**f, location=f.at())


Extract = TypeVar("Extract", Figure, Commitment)


def _load_extracts(path: Path, schema: Record, build: Callable[[Values, dict[str, Taxonomy]], Extract],
                   by_id: dict[str, Passage], taxonomies: dict[str, Taxonomy],
                   problems: list[Problem]) -> list[Extract]:
    what = schema.what
    records = []
    seen: set[str] = set()
    for item in items(read_yaml(path, problems), path, what, problems):
        f = schema.read(item, path, problems)
        record = build(f, taxonomies)
        if record.id in seen:
            f.error("id", f"duplicate {what} id '{record.id}'")
        seen.add(record.id)
        passage = by_id.get(record.passage)
        if record.passage and passage is None:
            f.error("passage", f"{what} '{record.id}' points at missing passage '{record.passage}'")
        elif passage is not None and record.quote and record.quote not in passage.text:
            f.error("quote", f"{what} '{record.id}': quote is not found verbatim in passage '{record.passage}'")
        if passage is not None:
            # A row is shown with its passage; a tag the passage lacks would
            # never be shown.
            for kind in SELECTOR_KINDS:
                for tag in record.tags(kind):
                    if tag not in passage.tags(kind):
                        f.error(TAG_FIELDS[kind], f"{what} '{record.id}' is tagged {kind} '{tag}', but its "
                                                  f"passage '{passage.id}' is not")
        records.append(record)
    return records


def _load_key_messages(path: Path, taxonomies: dict[str, Taxonomy], by_id: dict[str, Passage],
                       problems: list[Problem]) -> list[KeyMessage]:
    data = read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a mapping with 'regions', 'themes' and 'ministries'"))
        return []
    messages: list[KeyMessage] = []
    top = KEY_MESSAGES.read(data, path, problems)
    for kind in SELECTOR_KINDS:
        if not top.given(TAG_FIELDS[kind]):
            continue
        group = top[TAG_FIELDS[kind]]
        taxonomy = taxonomies[kind]
        for subject, listed in group.items():
            where = Location(path, group.line_of(subject))
            problem = reference_problem(taxonomy, subject)
            if problem:
                problems.append(Problem(where, f"key messages: {problem}"))
                continue
            for item in items(listed, path, "key message", problems):
                f = KEY_MESSAGE.read(item, path, problems)
                message = KeyMessage(kind=kind, subject=subject, location=f.at(), **f)
                if not message.sources:
                    f.error("sources", "a key message needs at least one source passage")
                for ref in message.sources:
                    if ref not in by_id:
                        f.error("sources", f"key message cites missing passage '{ref}'")
                messages.append(message)
    for kind in SELECTOR_KINDS:
        for entry in taxonomies[kind].entries:
            count = sum(1 for m in messages if m.kind == kind and m.subject == entry.id)
            if not KEY_MESSAGES_MIN <= count <= KEY_MESSAGES_MAX:
                problems.append(Problem(Location(path), f"{kind} '{entry.id}' has {count} key messages; "
                                                        f"expected {KEY_MESSAGES_MIN}–{KEY_MESSAGES_MAX}",
                                        severity="warning"))
    return messages


def _load_catalogue(path: Path, taxonomies: dict[str, Taxonomy],
                    problems: list[Problem]) -> tuple[list[CatalogueEntry], Matrix | None]:
    if not path.exists():
        return [], None
    data = read_yaml(path, problems)
    if data is None:
        return [], None
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a mapping with 'combinations'"))
        return [], None
    top = CATALOGUE.read(data, path, problems)
    entries: list[CatalogueEntry] = []
    for item in items(top["combinations"], path, "combination", problems):
        f = COMBINATION.read(item, path, problems)
        selectors: list[tuple[str, str]] = []
        for kind in SELECTOR_KINDS:
            for value in f[TAG_FIELDS[kind]]:
                entry = taxonomies[kind].get(value)
                if entry is None:
                    f.error(TAG_FIELDS[kind], f"unknown {kind} '{value}'{did_you_mean(taxonomies[kind], value)}")
                else:
                    selectors.append((kind, entry.id))
        if len(selectors) < 2:
            f.error(None, "a combination needs at least two selectors")
        entries.append(CatalogueEntry(tuple(selectors), f.at()))
    for text in top["queries"]:  # standing queries: briefings on words the taxonomy lacks
        try:
            entries.append(CatalogueEntry(((QUERY, check_text(text)),), top.at("queries")))
        except UsageError as exc:
            top.error("queries", f"query '{text[:60]}': {exc}")
    matrix = _load_matrix(top["matrix"], path, problems) if top.given("matrix") else None
    return entries, matrix


def _load_matrix(data: LocatedDict, path: Path, problems: list[Problem]) -> Matrix:
    f = MATRIX.read(data, path, problems)
    kinds = {TAG_FIELDS[k]: k for k in SELECTOR_KINDS}
    pairs: list[tuple[str, str]] = []
    raw = f["pairs"]
    if raw is not None and not isinstance(raw, list):
        f.error("pairs", "'pairs' must be a list of two kinds each, like [regions, themes]")
        raw = []
    for pair in raw or ():
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(k, str) for k in pair)):
            f.error("pairs", f"each pair names two kinds, like [regions, themes], not {pair!r}")
            continue
        unknown = [k for k in pair if k not in kinds]
        for k in unknown:
            f.error("pairs", f"unknown kind '{k}' in a matrix pair (one of: {', '.join(kinds)}){suggest(k, kinds)}")
        if unknown:
            continue
        if pair[0] == pair[1]:
            f.error("pairs", f"a matrix pair needs two different kinds, not [{pair[0]}, {pair[1]}]")
            continue
        pairs.append((kinds[pair[0]], kinds[pair[1]]))
    min_full = f["min_full"] if "min_full" in data else 1
    if min_full < 1:
        f.error("min_full", "'min_full' must be at least 1 (a briefing needs a passage printed in full)")
    return Matrix(tuple(pairs), min_full, f.at())


# A value a bar can be drawn for: digits as printed, with an optional
# percent sign ("33%", "18", "2.500"); a range or a word is not one number.
_BAR_VALUE = re.compile(r"^(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d+))?\s*%?$")


def bar_value(text: str) -> float | None:
    """'33%' -> 33.0; Dutch digits ('2.500' thousands, '1,5' decimals)."""
    match = _BAR_VALUE.match(text.strip())
    if not match:
        return None
    return float(match.group(1).replace(".", "") + ("." + match.group(2) if match.group(2) else ""))


def _load_charts(path: Path, figures: dict[str, Figure], problems: list[Problem]) -> list[Chart]:
    if not path.exists():
        return []
    charts: list[Chart] = []
    seen: set[str] = set()
    for item in items(read_yaml(path, problems), path, "chart", problems):
        f = CHART.read(item, path, problems)
        chart_id, title, raw = f["id"], f["title"], f["bars"]
        if chart_id in seen:
            f.error("id", f"duplicate chart id '{chart_id}'")
        seen.add(chart_id)
        bars: list[Bar] = []
        units: dict[str, str] = {}
        for bar_item in items(raw, path, "bar", problems):
            b = BAR.read(bar_item, path, problems)
            figure_id, label = b["figure"], b["label"]
            figure = figures.get(figure_id)
            if figure_id and figure is None:
                b.error("figure", f"chart '{chart_id}': unknown figure '{figure_id}'{suggest(figure_id, figures)}")
                continue
            if figure is None:
                continue
            value = bar_value(figure.value)
            if value is None:
                b.error("figure", f"chart '{chart_id}': figure '{figure_id}' has the value '{figure.value}', "
                                  "not a number a bar can show (digits, as the strategy prints them)")
                continue
            units[figure_id] = figure.unit
            bars.append(Bar(figure_id, label, value))
        if len(set(units.values())) > 1:
            f.error("bars", f"chart '{chart_id}' compares figures of different units ("
                            + "; ".join(f"{k}: '{v}'" for k, v in units.items())
                            + "): only numbers of one kind go in one chart")
        if len(bars) < 2 and raw is not None:
            f.error("bars", f"chart '{chart_id}' needs at least two figures to compare")
        charts.append(Chart(chart_id, title, tuple(bars), f.at()))
    return charts
