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

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ContentError, Location, Problem, closest, hint
from .geo import Geo, load_geo
from .limits import MAX_PASSAGE_CHARS, MAX_TEXT_CHARS
from .sentences import split as split_sentences
from .taxonomy import SELECTOR_KINDS, TAG_FIELDS, Entry, Taxonomy, Words, did_you_mean, reference_problem, slugify
from .yamlio import YAML_SYNTAX, LocatedDict, read_yaml

PASSAGE_KINDS = (
    "letter", "signature", "summary", "introduction", "analysis",
    "interest", "policy", "box", "footnote", "conclusion",
)
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
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
    by_id: dict[str, Passage] = field(default_factory=dict, repr=False)
    position: dict[str, int] = field(default_factory=dict, repr=False)  # a passage's index in `passages`

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.passages}
        self.position = {p.id: i for i, p in enumerate(self.passages)}

    def chapter(self, chapter_id: str) -> Chapter:
        return next(c for c in self.chapters if c.id == chapter_id)


# --------------------------------------------------------------------------
# Field checking


class _Fields:
    """Reads the fields of one mapping, recording a Problem for each missing,
    mistyped or unknown field instead of stopping at the first."""

    def __init__(self, data: LocatedDict, path: Path, what: str, problems: list[Problem]) -> None:
        self.data, self.path, self.what, self.problems = data, path, what, problems
        self.seen: set[str] = set()

    def at(self, key: str | None = None) -> Location:
        return Location(self.path, self.data.line_of(key) if key else self.data.line)

    def error(self, key: str | None, message: str) -> None:
        self.problems.append(Problem(self.at(key), message))

    def value(self, key: str, required: bool) -> Any:
        """The field as read, unchecked (for a list of records the caller
        checks item by item); counts it as known."""
        self.seen.add(key)
        if key not in self.data:
            if required:
                self.error(None, f"{self.what} has no '{key}'")
            return None
        return self.data[key]

    def text(self, key: str, required: bool = True, empty_ok: bool = False, limit: int = MAX_TEXT_CHARS) -> str:
        value = self.value(key, required)
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(key, f"'{key}' must be text, not {_type_name(value)}")
            return ""
        if not empty_ok and not value.strip():
            self.error(key, f"'{key}' is empty")
        if len(value) > limit:
            self.error(key, f"'{key}' has {len(value):,} characters; at most {limit:,} (limits.py)")
            return value.strip()[:limit]
        return value.strip()

    def ident(self, key: str = "id") -> str:
        value = self.text(key)
        if value and not ID_RE.match(value):
            self.error(key, f"'{key}' must be a lowercase slug like 'horn-of-africa', not '{value}'")
        return value

    def integer(self, key: str, required: bool = True) -> int:
        value = self.value(key, required)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"'{key}' must be a whole number, not {_type_name(value)}")
            return 0
        return value

    def date(self, key: str) -> str:
        """An ISO date (YAML reads 2013-06-21 as a date; quoted text must be
        one too), returned as 'YYYY-MM-DD'."""
        value = self.value(key, True)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            self.error(key, f"'{key}' must be a date written as YYYY-MM-DD, like 2013-06-21, not '{value}'")
            return ""

    def flag(self, key: str) -> bool:
        value = self.value(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false")
            return False
        return value

    def strings(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.value(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, f"'{key}' must be a list of text, like [a, b] (write [] for none)")
            return ()
        return tuple(v.strip() for v in value)

    def mapping(self, key: str) -> LocatedDict | None:
        value = self.value(key, True)
        if value is None:
            return None
        if not isinstance(value, LocatedDict):
            self.error(key, f"'{key}' must be a mapping")
            return None
        return value

    def finish(self, allowed_extra: Iterable[str] = ()) -> None:
        known = self.seen | set(allowed_extra)
        for key in self.data:
            if key not in known:
                self.error(str(key), f"unknown field '{key}' in {self.what}{_hint(str(key), known)}")


def _hint(word: str, choices: Iterable[str]) -> str:
    return hint(closest(word, choices))


def _type_name(value: object) -> str:
    return {
        list: "a list", dict: "a mapping", LocatedDict: "a mapping", bool: "true/false",
        int: "a number", float: "a number", str: "text",
    }.get(type(value), type(value).__name__)


def _items(data: Any, path: Path, what: str, problems: list[Problem]) -> list[LocatedDict]:
    """The mappings of a top-level YAML list; a Problem for anything else."""
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(Location(path), f"expected a list of {what}s at the top of the file"))
        return []
    items = []
    for index, item in enumerate(data, start=1):
        if isinstance(item, LocatedDict):
            items.append(item)
        else:
            problems.append(Problem(Location(path), f"{what} #{index} is not a mapping"))
    return items


# --------------------------------------------------------------------------
# Loading


def load_content(root: Path) -> Content:
    """Read and validate everything under `root`. Raises ContentError with
    every problem found; returns Content whose warnings list the rest."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(Location(root), "content folder not found")])

    document, chapters = _load_strategy(root / "strategy.yaml", problems)
    taxonomies = {kind: _load_taxonomy(root / "taxonomy" / f"{TAG_FIELDS[kind]}.yaml", kind, problems)
                  for kind in TAG_FIELDS}
    passages = _load_passages(root / "passages", chapters, taxonomies, problems)
    by_id = {p.id: p for p in passages}
    figures = _load_extracts(root / "figures.yaml", "figure", _figure, by_id, taxonomies, problems)
    commitments = _load_extracts(root / "commitments.yaml", "commitment", _commitment, by_id, taxonomies,
                                 problems)
    key_messages = _load_key_messages(root / "key-messages.yaml", taxonomies, by_id, problems)
    catalogue, matrix = _load_catalogue(root / "catalogue.yaml", taxonomies, problems)
    charts = _load_charts(root / "charts.yaml", {f.id: f for f in figures}, problems)
    geo = load_geo(root, taxonomies["region"], problems)

    unreadable = [p for p in problems if p.message.startswith(YAML_SYNTAX)]
    if unreadable:
        # A file that does not read leaves everything that refers into it
        # dangling: those follow-on errors would bury the one that matters.
        raise ContentError(unreadable)
    errors = [p for p in problems if p.severity == "error"]
    if errors or document is None:
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
    )


def _load_strategy(path: Path, problems: list[Problem]) -> tuple[Document | None, list[Chapter]]:
    data = read_yaml(path, problems)
    if data is None:
        return None, []
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a mapping with 'document' and 'chapters'"))
        return None, []
    top = _Fields(data, path, "strategy.yaml", problems)
    doc_data = top.mapping("document")
    chapter_list = top.value("chapters", True)
    top.finish()
    document = None
    if doc_data is not None:
        f = _Fields(doc_data, path, "document", problems)
        document = Document(
            title=f.text("title"), subtitle=f.text("subtitle"), kamerstuk=f.text("kamerstuk"),
            citation=f.text("citation"), date=f.date("date"), sender=f.text("sender"),
            language=f.text("language"), content_version=f.text("content_version"),
        )
        f.finish(allowed_extra=("title_en", "subtitle_en"))
    chapters: list[Chapter] = []
    for item in _items(chapter_list, path, "chapter", problems):
        f = _Fields(item, path, "chapter", problems)
        chapters.append(Chapter(
            id=f.ident(), number=f.text("number", empty_ok=True), title=f.text("title"),
            printed_title=f.text("printed_title", empty_ok=True),
            footnotes=f.strings("footnotes", required=False), location=f.at(),
        ))
        f.finish()
    return document, chapters


def _load_taxonomy(path: Path, kind: str, problems: list[Problem]) -> Taxonomy:
    entries: list[Entry] = []
    seen: dict[str, Location] = {}
    for item in _items(read_yaml(path, problems), path, kind, problems):
        f = _Fields(item, path, kind, problems)
        entry = Entry(
            kind=kind, id=f.ident(), label_nl=f.text("label_nl"), label_en=f.text("label_en"),
            description=f.text("description"), location=f.at(),
            aliases=f.strings("aliases", required=kind in SELECTOR_KINDS),
            covers=f.strings("covers", required=kind == "region") if kind == "region" else (),
            keywords=f.strings("keywords", required=kind in ("theme", "ministry"))
            if kind in ("theme", "ministry") else (),
            abbreviation=f.text("abbreviation", required=kind == "ministry") if kind == "ministry" else "",
            number=f.integer("number") if kind == "accent" else 0,
            in_text=f.text("in_text", required=False) if kind == "region" else "",
        )
        f.finish()
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


_PASSAGE_FIELDS = ("id", "chapter", "section", "page", "page_end", "page_break", "kind", "list_item", "box",
                   "footnotes", "mentions", "repeats", "reworded", "text", *TAG_FIELDS.values())


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
        for item in _items(read_yaml(path, problems), path, "passage", problems):
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
                                f"unknown chapter '{passage.chapter}'{_hint(passage.chapter, chapter_order)}"))
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
    f = _Fields(item, path, "passage", problems)
    pid = f.ident()
    f.what = f"passage '{pid}'" if pid else "passage"
    page = f.integer("page")
    page_end = f.integer("page_end", required=False) or page
    if page < 0 or page_end < page:
        f.error("page", f"page range {page}–{page_end} is not valid")
    kind = f.text("kind")
    if kind and kind not in PASSAGE_KINDS:
        f.error("kind", f"unknown passage kind '{kind}'{_hint(kind, PASSAGE_KINDS)} "
                        f"(one of: {', '.join(PASSAGE_KINDS)})")
    passage = Passage(
        id=pid, chapter=f.text("chapter"), section=f.strings("section"), page=page, page_end=page_end,
        kind=kind, text=f.text("text", limit=MAX_PASSAGE_CHARS),
        regions=f.strings("regions"), themes=f.strings("themes"), ministries=f.strings("ministries"),
        interests=f.strings("interests"), accents=f.strings("accents"),
        location=f.at(), list_item=f.flag("list_item"), box=f.text("box", required=False),
        footnotes=f.strings("footnotes", required=False),
        mentions=f.strings("mentions", required=False), repeats=f.text("repeats", required=False),
        reworded=f.text("reworded", required=False), page_break=f.text("page_break", required=False),
    )
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
    f.finish()
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
                                        f"region, theme or ministry tags{_hint(tag, tagged)}"))
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


def _subject_tags(f: _Fields, taxonomies: dict[str, Taxonomy]) -> dict[str, tuple[str, ...]]:
    """The regions, themes and ministries a figure or commitment concerns."""
    out: dict[str, tuple[str, ...]] = {}
    for kind in SELECTOR_KINDS:
        field_name = TAG_FIELDS[kind]
        values = f.strings(field_name)
        for value in values:
            entry = taxonomies[kind].get(value)
            if entry is None or entry.id != value:
                f.error(field_name, f"unknown {kind} '{value}'{did_you_mean(taxonomies[kind], value)}")
        out[field_name] = values
    return out


# A key figure is a number: digits, or a Dutch number word.
_NUMBER = re.compile(r"\d|\b(?:één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|"
                     r"dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|duizend|miljoen|miljard|"
                     r"helft|derde|kwart|gehalveerd|verdubbeld|verdrievoudigd)(?:tal|en|ste|de)?\b", re.IGNORECASE)


def _figure(f: _Fields, taxonomies: dict[str, Taxonomy]) -> Figure:
    figure = Figure(id=f.ident(), value=f.text("value"), unit=f.text("unit", empty_ok=True), label=f.text("label"),
                    quote=f.text("quote"), passage=f.text("passage"), location=f.at(),
                    **_subject_tags(f, taxonomies))
    if figure.value and not _NUMBER.search(figure.value):
        f.error("value", f"figure '{figure.id}': value '{figure.value}' holds no number; a key figure is a "
                         "number (digits or a number word)")
    return figure


def _commitment(f: _Fields, taxonomies: dict[str, Taxonomy]) -> Commitment:
    return Commitment(id=f.ident(), what=f.text("what"), who=f.text("who"), when=f.text("when", empty_ok=True),
                      where=f.text("where", empty_ok=True), quote=f.text("quote"), passage=f.text("passage"),
                      location=f.at(), **_subject_tags(f, taxonomies))


def _load_extracts(path: Path, what: str, build: Callable[[_Fields, dict[str, Taxonomy]], Any],
                   by_id: dict[str, Passage], taxonomies: dict[str, Taxonomy],
                   problems: list[Problem]) -> list[Any]:
    records = []
    seen: set[str] = set()
    for item in _items(read_yaml(path, problems), path, what, problems):
        f = _Fields(item, path, what, problems)
        record = build(f, taxonomies)
        f.finish()
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
    top = _Fields(data, path, "key-messages.yaml", problems)
    for kind in SELECTOR_KINDS:
        group = top.mapping(TAG_FIELDS[kind])
        if group is None:
            continue
        taxonomy = taxonomies[kind]
        for subject, items in group.items():
            where = Location(path, group.line_of(subject))
            problem = reference_problem(taxonomy, subject)
            if problem:
                problems.append(Problem(where, f"key messages: {problem}"))
                continue
            for item in _items(items, path, "key message", problems):
                f = _Fields(item, path, "key message", problems)
                message = KeyMessage(kind=kind, subject=subject, text=f.text("text"),
                                     sources=f.strings("sources"), location=f.at())
                f.finish()
                if not message.sources:
                    f.error("sources", "a key message needs at least one source passage")
                for ref in message.sources:
                    if ref not in by_id:
                        f.error("sources", f"key message cites missing passage '{ref}'")
                messages.append(message)
    top.finish()
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
    top = _Fields(data, path, "catalogue.yaml", problems)
    entries: list[CatalogueEntry] = []
    for item in _items(top.value("combinations", True), path, "combination", problems):
        f = _Fields(item, path, "combination", problems)
        selectors: list[tuple[str, str]] = []
        for kind in SELECTOR_KINDS:
            for value in f.strings(TAG_FIELDS[kind], required=False):
                entry = taxonomies[kind].get(value)
                if entry is None:
                    f.error(TAG_FIELDS[kind], f"unknown {kind} '{value}'{did_you_mean(taxonomies[kind], value)}")
                else:
                    selectors.append((kind, entry.id))
        f.finish()
        if len(selectors) < 2:
            f.error(None, "a combination needs at least two selectors")
        entries.append(CatalogueEntry(tuple(selectors), f.at()))
    matrix = _load_matrix(top, path, problems) if "matrix" in data else None
    top.finish()
    return entries, matrix


def _load_matrix(top: _Fields, path: Path, problems: list[Problem]) -> Matrix | None:
    data = top.mapping("matrix")
    if data is None:
        return None
    f = _Fields(data, path, "matrix", problems)
    kinds = {TAG_FIELDS[k]: k for k in SELECTOR_KINDS}
    pairs: list[tuple[str, str]] = []
    raw = f.value("pairs", True)
    if raw is not None and not isinstance(raw, list):
        f.error("pairs", "'pairs' must be a list of two kinds each, like [regions, themes]")
        raw = []
    for pair in raw or ():
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(k, str) for k in pair)):
            f.error("pairs", f"each pair names two kinds, like [regions, themes], not {pair!r}")
            continue
        unknown = [k for k in pair if k not in kinds]
        for k in unknown:
            f.error("pairs", f"unknown kind '{k}' in a matrix pair (one of: {', '.join(kinds)}){_hint(k, kinds)}")
        if unknown:
            continue
        if pair[0] == pair[1]:
            f.error("pairs", f"a matrix pair needs two different kinds, not [{pair[0]}, {pair[1]}]")
            continue
        pairs.append((kinds[pair[0]], kinds[pair[1]]))
    min_full = f.integer("min_full", required=False) if "min_full" in data else 1
    if min_full < 1:
        f.error("min_full", "'min_full' must be at least 1 (a briefing needs a passage printed in full)")
    f.finish()
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
    for item in _items(read_yaml(path, problems), path, "chart", problems):
        f = _Fields(item, path, "chart", problems)
        chart_id, title = f.ident(), f.text("title")
        raw = f.value("bars", True)
        f.finish()
        if chart_id in seen:
            f.error("id", f"duplicate chart id '{chart_id}'")
        seen.add(chart_id)
        bars: list[Bar] = []
        units: dict[str, str] = {}
        for bar_item in _items(raw, path, "bar", problems):
            b = _Fields(bar_item, path, f"bar of chart '{chart_id}'", problems)
            figure_id, label = b.text("figure"), b.text("label")
            b.finish()
            figure = figures.get(figure_id)
            if figure_id and figure is None:
                b.error("figure", f"chart '{chart_id}': unknown figure '{figure_id}'{_hint(figure_id, figures)}")
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
