"""Editorial precision (issue 10): a briefing holds everything its subject
needs and nothing that wastes its reader's time.

The fast tests read the model, the words every writer prints; the slow ones
read the PDFs (text and page counts) of the whole catalogue.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from conftest import EDITION, TEMPLATES, make_briefing

from generator.catalogue import catalogue
from generator.compose import compose
from generator.content import Commitment, Content, Figure, Passage
from generator.model import Box, Briefing, BulletList, Paragraph, Section, Table
from generator.select import Selection, select
from generator.sentences import STRONG_OPENERS, split
from generator.taxonomy import Words
from generator.writers import get_writer


def normalise(text: str) -> str:
    """Whitespace, hyphens (PDF hyphenation included) and quotes do not count."""
    text = re.sub(r"[\s\-‐‑–—­]+", "", text.lower())
    return re.sub(r"[’‘'“”\"«»•]", "", text)


def paragraphs(sections: tuple[Section, ...]) -> Iterator[Paragraph]:
    for top in sections:
        for section in top.walk():
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    yield block
                elif isinstance(block, BulletList):
                    yield from block.items
                elif isinstance(block, Box):
                    yield from block.blocks


def model_text(briefing: Briefing) -> str:
    parts: list[str] = []
    for top in briefing.sections:
        for section in top.walk():
            parts.append(section.title)
            parts.extend(f.text for f in section.footnotes)
    for p in paragraphs(briefing.sections):
        parts.append(p.text)
        parts.extend(f.text for f in p.footnotes)
    return " ".join(parts)


def naming_sentences(content: Content, selection: Selection) -> list[tuple[Passage, str]]:
    """Every sentence of the strategy that names one of the briefing's
    subjects (a place a region covers, a theme's or ministry's keyword) and
    that the briefing answers for: for one subject every such sentence in
    the strategy (the tagging rule brings them all in); for a combination
    those of the passages it holds. Footnotes come with the passage or
    chapter they belong to; a repeat's sentences are its original's."""
    single = len(selection.selectors) == 1
    held = {p.id for p in selection.passages}
    out: list[tuple[Passage, str]] = []
    for passage in content.passages:
        if passage.kind == "footnote" or passage.id in selection.repeated:
            continue
        if not single and passage.id not in held:
            continue
        for sentence in split(passage.text):
            words = Words(sentence)
            named = {(e.kind, e.id) for kind in ("region", "theme", "ministry")
                     for e, _ in content.taxonomies[kind].signalled(words)}
            if any((s.kind, s.id) in named for s in selection.selectors):
                out.append((passage, sentence))
    return out



@pytest.fixture(scope="module")
def built(content: Content) -> dict[str, tuple[Selection, Briefing]]:
    out = {}
    for selectors in catalogue(content):
        selection = select(content, selectors)
        out[selection.id] = (selection, compose(content, selection, EDITION))
    return out


def test_no_sentence_naming_the_subject_is_lost(content: Content,
                                                built: dict[str, tuple[Selection, Briefing]]) -> None:
    lost = []
    for bid, (selection, briefing) in built.items():
        text = normalise(model_text(briefing))
        for passage, sentence in naming_sentences(content, selection):
            if normalise(sentence) not in text:
                lost.append(f"{bid}: {passage.id}: {sentence[:80]}")
    assert lost == []


def cited_pages(briefing: Briefing) -> set[int]:
    pages: set[int] = set()

    def add(citation: str) -> None:
        for a, b in re.findall(r"(\d+)(?:–(\d+))?", citation):
            pages.update(range(int(a), int(b or a) + 1))

    for p in paragraphs(briefing.sections):
        if p.source is not None:
            add(p.source.pages)
        for note in p.footnotes:
            add(note.source.pages)
    for top in briefing.sections:
        for section in top.walk():
            for block in section.blocks:
                if isinstance(block, Table) and "Bron" in block.columns:
                    i = block.columns.index("Bron")
                    for row in block.rows:
                        add(row[i])
    return pages


def test_every_cited_page_is_a_page_the_briefing_prints(built: dict[str, tuple[Selection, Briefing]]) -> None:
    for bid, (selection, briefing) in built.items():
        extra = cited_pages(briefing) - selection.printed_pages()
        assert not extra, f"{bid} cites pages {sorted(extra)} it does not print"


def test_every_table_row_is_tagged_with_the_subject(built: dict[str, tuple[Selection, Briefing]]) -> None:
    for bid, (selection, briefing) in built.items():
        records: list[Figure | Commitment] = [*selection.figures, *selection.commitments]
        for record in records:
            for kind in {s.kind for s in selection.selectors} - {"query"}:  # a query's come with its passages
                wanted = {s.id for s in selection.selectors if s.kind == kind}
                assert wanted & set(record.tags(kind)), f"{bid}: {record.id} is not tagged {kind} {wanted}"
        tables = [b for top in briefing.sections for s in top.walk() for b in s.blocks if isinstance(b, Table)]
        rows = sum(len(t.rows) for t in tables)
        assert rows == len(selection.figures) + len(selection.commitments), bid
        for table in tables:
            assert sum(table.widths) == 100
            assert all(any(row[i] not in ("", "—") for row in table.rows) for i in range(len(table.columns)))


def test_figures_are_numbers(content: Content) -> None:
    for figure in content.figures:
        assert re.search(r"\d|twee|acht|zeventig|zestig|vijftig|honderd|miljoen|gehalveerd|verdubbeld|"
                         r"verdrievoudigd", figure.value, re.IGNORECASE), figure.id


def test_mentioned_passages_are_excerpts_with_their_context(content: Content) -> None:
    briefing = make_briefing(content, ("region", "sahel"))
    also = next(s for s in briefing.sections if s.title == "Ook genoemd")
    items = [p for p in paragraphs((also,)) if p.source]
    by_passage = {p.source.passage: p for p in items if p.source}
    # a list of regions gives the sentence naming the Sahel, marked as cut
    assert by_passage["omgeving-28"].text == (
        "[…] Belangrijkste (potentiële) conflicthaarden in de omgeving van Europa liggen in de boog van "
        "Noord-Afrika, de Sahel, de Hoorn van Afrika, het Midden-Oosten en de Kaukasus. […]")
    # "De Nederlandse focus ligt daarbij op ... de Sahel": what "daarbij" means comes along
    assert "Nederland wil initiatieven bevorderen" in by_passage["beleid-27"].text
    # a bullet keeps its list's lead-in; the repeat on p. 24 is not printed again
    assert by_passage["brief-12"].text.startswith("Om deze belangen veilig te stellen, kiezen we voor")
    # p. 24 repeats it in other words ("is" for "zijn"): cited as such, not as the same words
    assert by_passage["brief-12"].source is not None and by_passage["brief-12"].source.pages == "2"
    assert by_passage["brief-12"].source.reworded == "24"
    assert by_passage["brief-12"].source.citation == "p.\u00a02; elders herhaald, anders verwoord: p.\u00a024"
    assert "conclusie-05" not in by_passage
    full = next(s for s in briefing.sections if s.title == "Wat de strategie zegt")
    assert [p.source.passage for p in paragraphs((full,)) if p.source] == ["beleid-19"]


def test_a_reference_to_the_passage_before_brings_it(content: Content,
                                                     built: dict[str, tuple[Selection, Briefing]]) -> None:
    west = make_briefing(content, ("region", "west-africa"))
    texts = [p for p in paragraphs(west.sections)]
    i = next(n for n, p in enumerate(texts) if p.text.startswith("Dit manifesteert zich duidelijk in West-Afrika"))
    assert texts[i - 1].style == "context" and texts[i - 1].text.startswith("Afrika heeft twee gezichten")
    # no briefing prints a paragraph opening with "Dit", "Deze" ... without what it refers to
    for bid, (_selection, briefing) in built.items():
        text_paragraphs = list(paragraphs(briefing.sections))
        for n, p in enumerate(text_paragraphs):
            if p.source is None or p.style == "context" or p.text.startswith("[…]"):
                continue
            first = re.findall(r"[\w’-]+", p.text)[:1]
            if first and first[0].lower() in STRONG_OPENERS:
                before = content.passages.index(content.by_id[p.source.passage.split(",")[0]]) - 1
                previous = text_paragraphs[n - 1].source if n > 0 else None
                previous_printed = previous is not None and previous.passage == content.passages[before].id
                assert previous_printed or (n > 0 and text_paragraphs[n - 1].style == "context"), \
                    f"{bid}: {p.text[:60]}"


def test_bullets_keep_their_lead_in(built: dict[str, tuple[Selection, Briefing]]) -> None:
    for bid, (_, briefing) in built.items():
        text = next((s for s in briefing.sections if s.title == "Wat de strategie zegt"), None)
        if text is None:
            continue
        for section in text.walk():
            for n, block in enumerate(section.blocks):
                if isinstance(block, BulletList):
                    assert n > 0 and isinstance(section.blocks[n - 1], Paragraph), \
                        f"{bid}: a list without its lead-in under {section.title}"


def test_a_repeated_passage_is_printed_once_citing_its_repeats_as_other_words(content: Content) -> None:
    europe = make_briefing(content, ("region", "europe-transatlantic"))
    found = [p for p in paragraphs(europe.sections) if p.text.startswith("Meer Europese verantwoordelijkheid:")]
    assert len(found) == 1 and found[0].source is not None and found[0].source.pages == "2"
    # p. 4 gives only its name, p. 24 drops a word: neither holds these words
    assert found[0].source.reworded == "4, 24"


def test_intersections_hold_only_key_messages_on_their_passages(
        content: Content, built: dict[str, tuple[Selection, Briefing]]) -> None:
    selection, briefing = built["region-sahel+theme-terrorism"]
    held = {p.id for p in selection.passages} | set(selection.repeated)
    assert selection.key_messages
    assert all(set(m.sources) <= held for m in selection.key_messages)
    assert not any("Nuclear Security Summit" in m.text for m in selection.key_messages)
    assert len(selection.key_messages) <= len(selection.passages) + 2


def test_titles_say_union_and_intersection(content: Content) -> None:
    assert make_briefing(content, ("region", "sahel"), ("theme", "terrorism")).cover.title == \
        "Briefing Terrorisme in de Sahel"
    union = make_briefing(content, ("region", "horn-of-africa"), ("region", "sahel"))
    assert union.cover.title == "Briefing Hoorn van Afrika of Sahel"
    assert "samenkomen" not in union.cover.subtitle and "een van beide" in union.cover.subtitle
    both = make_briefing(content, ("region", "sahel"), ("theme", "piracy"), ("theme", "terrorism"))
    assert both.cover.title == "Briefing Piraterij of terrorisme in de Sahel"


def test_furniture_in_proportion(built: dict[str, tuple[Selection, Briefing]]) -> None:
    for _bid, (_, briefing) in built.items():
        brief = next(s for s in briefing.sections if s.title == "De strategie in het kort")
        assert len(brief.blocks) == 2 and not brief.children
        related = next((s for s in briefing.sections if s.title == "Verwante onderwerpen"), None)
        if related is not None:
            items = [b for b in related.blocks if isinstance(b, BulletList)][0].items
            assert 1 <= len(items) <= 5
            assert all(i.link and i.text.startswith("Briefing ") and "-" not in i.text.split(" (")[0][9:10]
                       for i in items)
    assert not built["region-sahel"][1].contents


def test_the_strategys_now_is_dated(content: Content) -> None:
    defence = make_briefing(content, ("ministry", "defence"))
    notes = [p.text for p in paragraphs(defence.sections) if p.style == "note"]
    assert any("juni 2013" in n for n in notes)


# -- on the PDFs ---------------------------------------------------------


# The page area of print.css's A4 pages (margin 25 mm top, 24 mm bottom), in
# points: the running header and footer lie outside it, so text taken from
# it is the briefing's own, whatever the header wraps to.
PAGE_AREA = ["-x", "0", "-y", "71", "-W", "595", "-H", "703"]


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", *PAGE_AREA, "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


@pytest.mark.slow
def test_catalogue_pdfs_lose_no_sentence_and_keep_to_their_length(
        content: Content, built: dict[str, tuple[Selection, Briefing]]) -> None:
    writer = get_writer("pdf", TEMPLATES)
    lost, pages = [], {}
    for bid, (selection, briefing) in built.items():
        rendered = writer.render(briefing)
        pages[bid] = rendered.pages or 0
        text = pdf_text(rendered.data)
        # the footnotes that float between the halves of a sentence at a page break
        flat = normalise(text)
        for note in selection.footnotes:
            marker = note.id.rsplit("-", 1)[-1]
            flat = re.sub(re.escape(f"{marker}.{normalise(note.text)}") + r"(p\.\d+)?", "", flat)
        for passage, sentence in naming_sentences(content, selection):
            if normalise(sentence) not in flat:
                lost.append(f"{bid}: {passage.id}: {sentence[:80]}")
    assert lost == []
    assert pages["region-sahel"] <= 5
    assert pages["theme-cyber-security"] <= 7
    # Two intersections are large by nature: nearly all of European defence
    # cooperation is about Europe, and Economic Affairs' field is energy and
    # raw materials. Their passages are about both subjects, so printed in
    # full. Two more run to six pages since the print measure was brought to
    # 65-75 characters (issue 9): piracy off the Horn of Africa (its box and
    # footnotes are printed whole) and cyber security at Justice and Security.
    # Natural resources at Economic Affairs went from 8 to 9 pages with the
    # pictures (issue 12): it is the one combination with both a map of its
    # regions and a chart (the phosphate reserves). Each is held to its own
    # measured budget.
    larger = {"region-europe-transatlantic+theme-defence-cooperation": 9,
              "theme-natural-resources+ministry-economic-affairs": 9,
              "region-horn-of-africa+theme-piracy": 6,
              "theme-cyber-security+ministry-security-justice": 6}
    for bid, n in pages.items():
        if bid.count("+") == 1:
            assert n <= larger.get(bid, 5), f"{bid}: {n} pages"


def test_a_subjects_own_briefing_keeps_all_its_key_messages(
        content: Content, built: dict[str, tuple[Selection, Briefing]]) -> None:
    for selection, _ in built.values():
        if len(selection.selectors) == 1 and selection.selectors[0].kind != "query":
            (s,) = selection.selectors
            written = [m for m in content.key_messages if (m.kind, m.subject) == (s.kind, s.id)]
            assert list(selection.key_messages) == written, selection.id


def test_related_subjects_are_ordered_as_the_intro_says(built: dict[str, tuple[Selection, Briefing]]) -> None:
    for bid, (_, briefing) in built.items():
        related = next((s for s in briefing.sections if s.role == "related"), None)
        if related is None:
            continue
        intro = related.blocks[0]
        assert isinstance(intro, Paragraph) and "geordend naar het aantal gedeelde passages" in intro.text
        items = [b for b in related.blocks if isinstance(b, BulletList)][0].items
        counts = [int(m.group(1)) for p in items if (m := re.search(r"(\d+) gedeelde passage", p.text))]
        assert len(counts) == len(items)
        assert counts == sorted(counts, reverse=True), f"{bid}: {counts}"


def test_the_cover_dates_the_strategy_as_clearly_as_the_edition(content: Content) -> None:
    cover = make_briefing(content, ("region", "sahel")).cover
    facts = {f.label: f.value for f in cover.facts}
    assert facts["Tekst van de strategie"] == "21 juni 2013" and facts["Editie"] == "27 november 2026"


def test_the_colophon_explains_the_sources_double_chapter_three(content: Content) -> None:
    def colophon(briefing: Briefing) -> str:
        return " ".join(p.text for s in briefing.sections if s.role == "colophon" for p in s.blocks
                        if isinstance(p, Paragraph))
    both = make_briefing(content, ("ministry", "defence"))
    chapters = [s.title for top in both.sections if top.role == "strategy-text" for s in top.children]
    assert sum(t.startswith("III") for t in chapters) == 2
    assert colophon(both).count("allebei als hoofdstuk III.") == 1
    assert "hoofdstuk III" not in colophon(make_briefing(content, ("region", "arctic")))


def test_also_named_says_what_it_holds(content: Content) -> None:
    briefing = make_briefing(content, ("region", "sahel"))
    also = next(s for s in briefing.sections if s.role == "also-named")
    intro = also.blocks[0]
    assert isinstance(intro, Paragraph) and "niet over" not in intro.text
    assert intro.text.startswith("Passages die de Sahel noemen zonder er als geheel over te gaan")
