"""Which passages, figures, commitments and key messages a briefing holds,
and why. Pure functions of validated content: no I/O.

Selectors of the same kind unite (two regions: passages about either);
selectors of different kinds intersect (region sahel + theme terrorism:
passages about both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .content import Commitment, Content, Figure, KeyMessage, Passage
from .errors import SelectionError, UsageError
from .taxonomy import SELECTOR_KINDS, Entry, did_you_mean


@dataclass(frozen=True, slots=True, order=True)
class Selector:
    kind: str  # region, theme, ministry
    id: str

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


def parse_selectors(content: Content, pairs: Iterable[tuple[str, str]]) -> tuple[Selector, ...]:
    """Resolve (kind, id-or-alias) pairs from the user to canonical selectors,
    in a stable order. Unknown ids are usage errors with a did-you-mean."""
    selectors: set[Selector] = set()
    for kind, key in pairs:
        if kind not in SELECTOR_KINDS:
            raise UsageError(f"unknown selector kind '{kind}' (one of: {', '.join(SELECTOR_KINDS)})")
        taxonomy = content.taxonomies[kind]
        entry = taxonomy.get(key)
        if entry is None:
            raise UsageError(f"unknown {kind} '{key}'{did_you_mean(taxonomy, key)} "
                             f"(see 'briefing list {kind_plural(kind)}')")
        selectors.add(Selector(kind, entry.id))
    if not selectors:
        raise UsageError("give at least one of --region, --theme, --ministry")
    order = {k: i for i, k in enumerate(SELECTOR_KINDS)}
    return tuple(sorted(selectors, key=lambda s: (order[s.kind], s.id)))


def kind_plural(kind: str) -> str:
    return {"region": "regions", "theme": "themes", "ministry": "ministries"}[kind]


def briefing_id(selectors: Sequence[Selector]) -> str:
    """Stable file stem: 'region-sahel', 'region-sahel+theme-terrorism'."""
    return "+".join(f"{s.kind}-{s.id}" for s in selectors)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a passage is in a briefing: the selector whose tag matched, or
    'context' when it came along with its box or as a footnote."""

    selector: Selector | None
    note: str


@dataclass(frozen=True, slots=True)
class Selection:
    selectors: tuple[Selector, ...]
    subjects: tuple[Entry, ...]  # the taxonomy entries selected, same order
    passages: tuple[Passage, ...]  # document order; footnotes excluded
    footnotes: tuple[Passage, ...]  # footnotes referenced by selected passages or their chapters
    reasons: dict[str, tuple[Reason, ...]]
    figures: tuple[Figure, ...]
    commitments: tuple[Commitment, ...]
    key_messages: tuple[KeyMessage, ...]

    @property
    def id(self) -> str:
        return briefing_id(self.selectors)


def _matches(passage: Passage, selectors: Sequence[Selector]) -> tuple[Reason, ...] | None:
    reasons: list[Reason] = []
    for kind in SELECTOR_KINDS:
        wanted = [s for s in selectors if s.kind == kind]
        if not wanted:
            continue
        hits = [s for s in wanted if s.id in passage.tags(kind)]
        if not hits:
            return None
        reasons.extend(Reason(s, f"tagged {s.kind} '{s.id}'") for s in hits)
    return tuple(reasons)


def select(content: Content, selectors: Sequence[Selector]) -> Selection:
    """The part of the strategy a briefing for `selectors` holds."""
    reasons: dict[str, tuple[Reason, ...]] = {}
    for passage in content.passages:
        if passage.kind == "footnote":
            continue
        found = _matches(passage, selectors)
        if found:
            reasons[passage.id] = found
    if not reasons:
        described = " + ".join(
            f"{s.kind} '{s.id}'" for s in selectors)
        raise SelectionError(f"no passage of the strategy matches {described}; "
                             "try fewer selectors ('briefing explain' shows what each one holds)")

    # A box is read as a whole: when one part is selected, its other parts
    # come along, so that no box is printed half.
    boxes = {p.box for p in content.passages if p.id in reasons and p.box}
    for passage in content.passages:
        if passage.box in boxes and passage.id not in reasons:
            reasons[passage.id] = (Reason(None, f"part of box '{passage.box}'"),)

    passages = tuple(p for p in content.passages if p.id in reasons)
    chapters = {p.chapter for p in passages}
    footnote_ids: list[str] = []
    for passage in passages:
        footnote_ids.extend(passage.footnotes)
    for chapter in content.chapters:
        if chapter.id in chapters:
            footnote_ids.extend(chapter.footnotes)
    for ref in footnote_ids:
        reasons.setdefault(ref, (Reason(None, "footnote to a selected passage or chapter"),))
    footnotes = tuple(p for p in content.passages if p.id in set(footnote_ids))

    chosen = {p.id for p in passages}
    subjects = tuple(content.taxonomies[s.kind][s.id] for s in selectors)
    keys = {(s.kind, s.id) for s in selectors}
    return Selection(
        selectors=tuple(selectors),
        subjects=subjects,
        passages=passages,
        footnotes=footnotes,
        reasons=reasons,
        figures=tuple(f for f in content.figures if f.passage in chosen),
        commitments=tuple(c for c in content.commitments if c.passage in chosen),
        key_messages=tuple(m for m in content.key_messages if (m.kind, m.subject) in keys),
    )
