"""Selection and the format-neutral model: compared as structures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import EDITION, make_briefing

from generator.compose import compose
from generator.content import Content
from generator.errors import SelectionError, UsageError
from generator.model import Box, BulletList, Paragraph, Section, Table
from generator.select import Selector, parse_selectors, select


def test_sahel_briefing_holds_every_passage_naming_the_sahel_or_mali(content: Content) -> None:
    selection = select(content, parse_selectors(content, [("region", "sahel")]))
    chosen = {p.id for p in selection.passages} | set(selection.repeated)  # a repeat is printed once, at its first place
    naming = {p.id for p in content.passages
              if p.kind != "footnote" and re.search(r"(?<![\w-])(Sahel|Mali)(?![\w-])", p.text)}
    assert naming <= chosen
    # from introduction, analysis, policy accents and summary alike
    chapters = {content.by_id[i].chapter for i in chosen}
    assert {"brief", "inleiding", "omgevingsanalyse", "beleidsimplicaties", "conclusie"} <= chapters


def test_tags_are_selective(content: Content) -> None:
    """Tagging passages with everything is a bug too."""
    total = len(content.passages)
    for kind in ("region", "theme", "ministry"):
        for entry in content.taxonomies[kind].entries:
            n = sum(1 for p in content.passages if entry.id in p.tags(kind))
            assert n >= 2, f"{kind} {entry.id} has {n} passages"
            assert n <= 0.6 * total, f"{kind} {entry.id} is on {n} of {total} passages"
    assert max(len(p.regions) for p in content.passages) <= 9


def test_aliases_resolve(content: Content) -> None:
    assert parse_selectors(content, [("region", "hoorn-van-afrika")]) == (Selector("region", "horn-of-africa"),)
    assert parse_selectors(content, [("theme", "Piraterij")]) == (Selector("theme", "piracy"),)
    assert parse_selectors(content, [("ministry", "BZ")]) == (Selector("ministry", "foreign-affairs"),)


def test_unknown_id_is_a_usage_error_with_suggestion(content: Content) -> None:
    with pytest.raises(UsageError, match="unknown theme 'cyber' — did you mean 'cyber-security'"):
        parse_selectors(content, [("theme", "cyber")])


def test_kinds_intersect_and_same_kind_unites(content: Content) -> None:
    sahel = {p.id for p in select(content, parse_selectors(content, [("region", "sahel")])).passages}
    terror = {p.id for p in select(content, parse_selectors(content, [("theme", "terrorism")])).passages}
    both = select(content, parse_selectors(content, [("region", "sahel"), ("theme", "terrorism")]))
    assert {p.id for p in both.passages} == sahel & terror
    horn = {p.id for p in select(content, parse_selectors(content, [("region", "horn-of-africa")])).passages}
    either = select(content, parse_selectors(content, [("region", "sahel"), ("region", "horn-of-africa")]))
    assert {p.id for p in either.passages} == sahel | horn


def test_empty_selection_is_an_error(content: Content) -> None:
    with pytest.raises(SelectionError, match="no passage of the strategy matches"):
        select(content, parse_selectors(content, [("region", "arctic"), ("theme", "piracy")]))


def test_boxes_come_whole_and_footnotes_come_along(content: Content) -> None:
    selection = select(content, parse_selectors(content, [("theme", "piracy")]))
    box = [p.id for p in content.passages if p.box == "kader-piraterij"]
    assert set(box) <= {p.id for p in selection.passages}
    # A chapter's footnote comes with a passage printed in full under its
    # heading; the Arctic is only mentioned there, as an excerpt.
    fragile = select(content, parse_selectors(content, [("theme", "fragile-states")]))
    assert "voetnoot-2" in [f.id for f in fragile.footnotes]
    arctic = select(content, parse_selectors(content, [("region", "arctic")]))
    assert not arctic.full and [f.id for f in arctic.footnotes] == []


def _sections(briefing_sections: tuple[Section, ...]) -> list[tuple[int, str]]:
    return [(s.level, s.title) for top in briefing_sections for s in top.walk()]


def test_model_structure_for_a_region(content: Content) -> None:
    briefing = make_briefing(content, ("region", "horn-of-africa"))
    assert briefing.id == "region-horn-of-africa"
    assert briefing.cover.title == "Briefing Hoorn van Afrika"
    assert briefing.cover.marking == "Openbaar"
    assert briefing.cover.source_line == \
        "Bron: Internationale Veiligheidsstrategie, Kamerstukken II 2012/13, 33\u00a0694, nr.\u00a01"
    top = [s.title for s in briefing.sections]
    assert top == ["Kernboodschappen", "De strategie in het kort", "Wat de strategie zegt", "Ook genoemd",
                   "Nederlandse inzet en toezeggingen", "Kerncijfers", "Verwante onderwerpen", "Colofon"]
    text = next(s for s in briefing.sections if s.title == "Wat de strategie zegt")
    chapters = [c.title for c in text.children]
    assert chapters == sorted(chapters, key=[c.heading for c in content.chapters].index)
    paragraphs = [b for s in text.walk() for b in s.blocks
                  if isinstance(b, Paragraph) and b.source and b.style != "context"]
    pages = [int(p.source.pages.split("–")[0]) for p in paragraphs if p.source]
    assert pages == sorted(pages)
    boxes = [b for s in text.walk() for b in s.blocks if isinstance(b, Box)]
    assert len(boxes) == 1 and boxes[0].blocks[0].text.startswith("Jaarlijks varen zo’n 20.000–30.000 schepen")
    figures = next(s for s in briefing.sections if s.title == "Kerncijfers").blocks[0]
    assert isinstance(figures, Table) and figures.columns == ("Cijfer", "Omschrijving", "Bron")
    assert any(row[0].startswith("zo’n 20.000–30.000") and row[2] == "p.\u00a012" for row in figures.rows)
    key = next(s for s in briefing.sections if s.title == "Kernboodschappen")
    lists = [b for b in key.blocks if isinstance(b, BulletList)]
    assert 3 <= len(lists[0].items) <= 6 and all(i.source for i in lists[0].items)


def test_every_selected_passage_appears_once_verbatim(content: Content) -> None:
    selection = select(content, parse_selectors(content, [("ministry", "defence")]))
    briefing = compose(content, selection, EDITION)
    text = next(s for s in briefing.sections if s.title == "Wat de strategie zegt")
    seen = []
    for section in text.walk():
        for block in section.blocks:
            items = block.items if isinstance(block, BulletList) else block.blocks if isinstance(block, Box) \
                else (block,)
            seen += [i.source.passage for i in items
                     if isinstance(i, Paragraph) and i.source and i.style != "context"]
    assert seen == [p.id for p in selection.full]
    for pid in seen:
        assert content.by_id[pid].text in {b.text for s in text.walk() for b in _paragraphs(s)}


def _paragraphs(section: Section) -> list[Paragraph]:
    out: list[Paragraph] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            out.append(block)
        elif isinstance(block, BulletList | Box):
            out.extend(block.items if isinstance(block, BulletList) else block.blocks)
    return out


def test_combined_briefing_emphasis_and_title(content: Content) -> None:
    briefing = make_briefing(content, ("region", "sahel"), ("theme", "terrorism"))
    assert briefing.id == "region-sahel+theme-terrorism"
    assert briefing.cover.title == "Briefing Terrorisme in de Sahel"
    assert briefing.cover.subtitle.startswith("Wat de strategie zegt over terrorisme in de Sahel")
    union = make_briefing(content, ("region", "sahel"), ("region", "horn-of-africa"))
    assert union.cover.title == "Briefing Hoorn van Afrika of Sahel"  # selectors in a stable order
    assert "een van beide" in union.cover.subtitle and "samenkomen" not in union.cover.subtitle
    ministry = make_briefing(content, ("theme", "cyber-security"), ("ministry", "security-justice"))
    assert ministry.cover.title == "Briefing Cyberveiligheid en het ministerie van Veiligheid en Justitie"
    related = next(s for s in make_briefing(content, ("theme", "piracy")).sections
                   if s.title == "Verwante onderwerpen").blocks[1]
    assert isinstance(related, BulletList) and 1 <= len(related.items) <= 5
    assert all(i.link and i.text.startswith("Briefing ") for i in related.items)


# -- selection's phases, each on its own --------------------------------------


def _state_after(content: Content, *pairs: tuple[str, str], until: str) -> Any:
    from generator.select import PHASES, _State, parse_selectors
    state = _State(content, parse_selectors(content, pairs))
    for phase in PHASES:
        phase(state)
        if phase.__name__ == until:
            return state
    raise AssertionError(f"no phase {until}")


def test_selection_is_its_list_of_phases() -> None:
    from generator.select import PHASES
    assert [p.__name__ for p in PHASES] == ["_tagged_passages", "_decide_depths", "_whole_boxes", "_merge_repeats",
                                            "_printed_depths", "_list_gaps", "_footnotes"]


def test_a_box_is_printed_whole(content: Content) -> None:
    before = _state_after(content, ("theme", "piracy"), until="_decide_depths")
    after = _state_after(content, ("theme", "piracy"), until="_whole_boxes")
    boxes = {content.by_id[pid].box for pid, d in after.decisions.items() if d.full and content.by_id[pid].box}
    assert boxes
    for passage in content.passages:
        if passage.box in boxes:
            assert after.decisions[passage.id].full, passage.id
    assert len(after.reasons) >= len(before.reasons)


def test_a_repeat_is_merged_into_its_original(content: Content) -> None:
    state = _state_after(content, ("region", "europe-transatlantic"), until="_merge_repeats")
    assert state.repeated["conclusie-04"] == "brief-11" and state.repeated["samenvatting-07"] == "brief-11"


def test_list_gaps_mark_items_left_out(content: Content) -> None:
    state = _state_after(content, ("ministry", "defence"), until="_list_gaps")
    depth = state.depths["brief-07"]  # the first of the letter's three interests, printed alone
    assert depth.full and not depth.gap_before and depth.gap_after


def test_footnotes_come_with_their_chapter(content: Content) -> None:
    state = _state_after(content, ("ministry", "defence"), until="_footnotes")
    full = [p for p in state.passages if p.id in state.full_ids]
    chapters = {p.chapter for p in full}
    wanted = {ref for p in full for ref in p.footnotes} | {
        ref for c in content.chapters if c.id in chapters for ref in c.footnotes}
    assert {p.id for p in state.footnotes} == wanted and "voetnoot-2" in wanted
