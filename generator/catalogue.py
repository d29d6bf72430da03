"""The set of briefings a full build produces: one per region, theme and
ministry, plus the combinations and standing queries in
content/catalogue.yaml, and with
`matrix=True` every pairing its `matrix:` entry asks for that holds enough
passages."""

from __future__ import annotations

from collections.abc import Iterable

from .content import Content
from .errors import SelectionError, UsageError
from .query import QUERY
from .select import Selector, select
from .taxonomy import SELECTOR_KINDS

ORDER = {k: i for i, k in enumerate((*SELECTOR_KINDS, QUERY))}


def catalogue(content: Content, matrix: bool = False) -> list[tuple[Selector, ...]]:
    items: list[tuple[Selector, ...]] = []
    for kind in SELECTOR_KINDS:
        items.extend((Selector(kind, entry.id),) for entry in content.taxonomies[kind].entries)
    combinations = [_ordered(Selector(k, i) for k, i in c.selectors) for c in content.catalogue]
    if matrix:
        combinations.extend(pairings(content))
    seen = set(items)
    for selectors in combinations:
        if selectors not in seen:
            seen.add(selectors)
            items.append(selectors)
    return items


def pairings(content: Content) -> list[tuple[Selector, ...]]:
    """Every combination of two ids of the matrix's kinds whose briefing
    prints at least `min_full` passages in full; combinations that match
    nothing, or only mention their subjects in passing, are left out."""
    if content.matrix is None:
        raise UsageError(f"{content.root / 'catalogue.yaml'}: no 'matrix:' entry says which pairings to build")
    found: list[tuple[Selector, ...]] = []
    for first, second in content.matrix.pairs:
        for a in content.taxonomies[first].entries:
            for b in content.taxonomies[second].entries:
                selectors = _ordered((Selector(first, a.id), Selector(second, b.id)))
                try:
                    held = len(select(content, selectors).full)
                except SelectionError:
                    continue
                if held >= content.matrix.min_full and selectors not in found:
                    found.append(selectors)
    return found


def _ordered(selectors: Iterable[Selector]) -> tuple[Selector, ...]:
    return tuple(sorted(selectors, key=lambda s: (ORDER[s.kind], s.id)))
