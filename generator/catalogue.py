"""The set of briefings a full build produces: one per region, theme and
ministry, plus the combinations in content/catalogue.yaml."""

from __future__ import annotations

from .content import Content
from .select import Selector
from .taxonomy import SELECTOR_KINDS


def catalogue(content: Content) -> list[tuple[Selector, ...]]:
    items: list[tuple[Selector, ...]] = []
    for kind in SELECTOR_KINDS:
        items.extend((Selector(kind, entry.id),) for entry in content.taxonomies[kind].entries)
    order = {k: i for i, k in enumerate(SELECTOR_KINDS)}
    for combination in content.catalogue:
        selectors = tuple(sorted((Selector(k, i) for k, i in combination.selectors),
                                 key=lambda s: (order[s.kind], s.id)))
        if selectors not in items:
            items.append(selectors)
    return items
