"""The typographic goals of the PDF, asserted as facts of the laid-out
pages (see layout.py): footnotes on the page of their call, no heading,
intro or caption ending a page, no near-empty last page, restrained
hyphenation, a readable measure, and the marking at the top and foot of
every page.

The fast suite checks a representative set — a region, a theme whose
footnote WeasyPrint would otherwise push off its page, a ministry and a
combination; the slow test (`pytest -m slow`) checks all briefings of the
catalogue, laid out once each (about 25 s).
"""

from __future__ import annotations

import io
import re
import subprocess
from typing import Any

import pytest
from conftest import TEMPLATES, Rendered, make_briefing
from layout import Facts, facts
from pypdf import PdfReader

from generator.catalogue import catalogue
from generator.compose import Edition, compose
from generator.content import Content
from generator.select import select
from generator.writers import get_writer
from generator.writers.pdf import PdfWriter

MAX_HYPHEN_SHARE = 0.08
MAX_MEAN_LINE = 80
MIN_LAST_PAGE_LINES = 6
MEASURE = (65, 75)  # characters in a full line of running text: the design's measure
REPRESENTATIVE = [
    (("region", "sahel"),),
    (("theme", "proliferation"),),
    (("ministry", "defence"),),
    (("region", "sahel"), ("theme", "terrorism")),
]


def problems(name: str, f: Facts, measure: tuple[int, int] = MEASURE) -> list[str]:
    """Every goal the laid-out briefing misses, as readable lines."""
    out = [f"{name}: {note}" for note in f.notes_away_from_calls()]
    out += [f"{name}: page {line.page + 1} ends with {line.kind} '{line.text[:50]}'" for line in f.stranded()]
    if f.lines_on_last_page() < MIN_LAST_PAGE_LINES:
        out.append(f"{name}: last page holds {f.lines_on_last_page()} lines")
    if f.hyphen_share() > MAX_HYPHEN_SHARE:
        out.append(f"{name}: {f.hyphen_share():.1%} of body lines end in a hyphen")
    if f.mean_length() > MAX_MEAN_LINE:
        out.append(f"{name}: body lines average {f.mean_length():.1f} characters")
    if not measure[0] <= f.measure() <= measure[1]:
        out.append(f"{name}: full lines average {f.measure():.1f} characters, not {measure[0]}-{measure[1]}")
    out += [f"{name}: hyphenation leaves fewer than 3 letters in '{word}'" for word in f.short_leftovers()]
    out += [f"{name}: a line of one word inside a paragraph: {line}" for line in f.lone_words()]
    out += [f"{name}: a reference broken over two lines: {ref}" for ref in f.broken_references()]
    out += [f"{name}: a translation begins {page}, apart from its original" for page in f.parted_translations()]
    for number, (top, bottom) in enumerate(f.markings[1:], start=2):  # the cover carries its own
        if not top.strip() or not bottom.strip():
            out.append(f"{name}: page {number} lacks the marking at its {'top' if not top.strip() else 'foot'}")
    return out


@pytest.mark.parametrize("pairs", REPRESENTATIVE, ids=lambda p: "+".join(f"{k}-{i}" for k, i in p))
def test_typographic_goals(content: Content, pairs: tuple[tuple[str, str], ...]) -> None:
    briefing = make_briefing(content, *pairs)
    writer = get_writer("pdf", TEMPLATES)
    assert isinstance(writer, PdfWriter)
    f = facts(writer.layout(briefing))
    assert problems(briefing.id, f) == []
    assert len(f.body) > 50  # the facts really read the text


def catalogue_problems(content: Content, edition: Edition, measure: tuple[int, int] = MEASURE) -> list[str]:
    """Every goal missed by any briefing of the catalogue in `edition`,
    each laid out once."""
    writer = get_writer("pdf", TEMPLATES)
    assert isinstance(writer, PdfWriter)
    found: list[str] = []
    for selectors in catalogue(content):
        briefing = compose(content, select(content, selectors), edition)
        found += problems(briefing.id, facts(writer.layout(briefing)), measure)
    return found


@pytest.mark.slow
def test_typographic_goals_whole_catalogue(content: Content) -> None:
    from conftest import EDITION

    assert catalogue_problems(content, EDITION) == []


def test_marking_at_top_and_foot_of_every_page_and_in_metadata(sahel: Rendered) -> None:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=sahel.pdf, capture_output=True,
                          check=True).stdout.decode()
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == sahel.pdf_pages
    # Letter-spaced capitals come out of pdftotext with stray spaces.
    marking = "".join(sahel.briefing.cover.marking.upper().split())
    for number, page in enumerate(pages, start=1):
        lines = ["".join(line.split()) for line in page.splitlines() if line.strip()]
        assert marking in lines[0], f"page {number}: no marking at the top: {lines[0]!r}"
        assert marking in lines[-1], f"page {number}: no marking at the foot: {lines[-1]!r}"
    info: Any = PdfReader(io.BytesIO(sahel.pdf)).metadata
    assert info is not None and info["/classification"] == sahel.briefing.cover.marking


def test_english_terms_are_tagged_and_not_hyphenated(content: Content) -> None:
    briefing = make_briefing(content, ("theme", "cyber-security"))
    html = get_writer("html", TEMPLATES).render(briefing).data.decode()
    assert re.search(r'<span lang="en"> ?cyber security</span>', html)
    writer = get_writer("pdf", TEMPLATES)
    assert isinstance(writer, PdfWriter)
    f = facts(writer.layout(briefing))
    broken = [line.text for line in f.body if line.text.lower().endswith(("cyber se\u2010", "secu\u2010"))]
    assert broken == []


def test_cover_band_bleeds_to_the_paper_edges(content: Content) -> None:
    from layout import boxes_with_class

    writer = get_writer("pdf", TEMPLATES)
    assert isinstance(writer, PdfWriter)
    document = writer.layout(make_briefing(content, ("region", "arctic")))
    page = document.pages[0]
    (band,) = boxes_with_class(page, "cover-band")
    assert (band.border_box_x(), band.border_box_y()) == (0, 0)
    assert abs(band.border_width() - page.width) < 0.01  # no white frame at the sides
