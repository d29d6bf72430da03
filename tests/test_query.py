"""Ad hoc subjects (issue 25): `--query` matching (stems, compounds,
phrases, OF, exclusion, named subjects), what a query briefing prints,
its title, file name and marks, and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import EDITION, ROOT

from generator.compose import compose
from generator.content import Content
from generator.errors import SelectionError, UsageError
from generator.model import Paragraph
from generator.query import parse, slug
from generator.search import matcher
from generator.select import Selection, parse_selectors, select
from generator.sentences import split
from generator.writers.html import HtmlWriter

FIXTURE = ROOT / "tests" / "fixtures" / "query-rusland-context.yaml"


def found(content: Content, query: str) -> dict[str, set[str]]:
    """Passage id -> the sentences `query` finds in it."""
    m = matcher(query, content)
    out = {}
    for passage in content.passages:
        hit = m.passage(passage)
        if hit is not None:
            sentences = split(passage.text)
            out[passage.id] = {sentences[i] for i in hit.sentences}
    return out


def sentences_with(content: Content, pattern: str) -> set[str]:
    return {s for p in content.passages for s in split(p.text) if re.search(pattern, s)}


def printed(selection: Selection) -> set[tuple[str, str]]:
    """(passage id, sentence) of everything a briefing prints of the strategy."""
    out = set()
    for passage in selection.passages:
        depth = selection.depths[passage.id]
        sentences = split(passage.text)
        shown = range(len(sentences)) if depth.full else depth.excerpt.sentences  # type: ignore[union-attr]
        out |= {(passage.id, sentences[i]) for i in shown}
        for ctx in depth.context:
            theirs = split(ctx.passage.text)
            out |= {(ctx.passage.id, theirs[i]) for i in ctx.sentences}
    return out


def test_words_are_found_in_their_other_forms_by_stem(content: Content) -> None:
    # 'kernwapens' (plural) finds the singular, 'terrorist' the plural.
    assert sentences_with(content, r"\bkernwapen\b") <= set().union(*found(content, "kernwapens").values())
    assert sentences_with(content, r"\bterroristen\b") <= set().union(*found(content, "terrorist").values())


def test_a_word_finds_the_compounds_it_starts_or_ends(content: Content) -> None:
    words = matcher("kernwapen", content).found_words()["kernwapen"]
    assert {"kernwapenwedloop", "kernwapenarsenaal", "kernwapens"} <= set(words)
    assert {"cyberaanvallen", "cyberspionage"} <= set(matcher("cyber", content).found_words()["cyber"])
    assert "cyberaanvallen" in matcher("aanval", content).found_words()["aanval"]  # the head of a compound
    # A short word is no part of a longer one that merely contains it.
    assert not any("somali" in w.lower() for w in matcher("mali", content).found_words()["mali"])


def test_a_quoted_phrase_is_found_as_a_phrase(content: Content) -> None:
    phrase = found(content, '"vitale infrastructuur"')
    assert phrase and all("vitale infrastructuur" in s for hits in phrase.values() for s in hits)
    apart = found(content, "vitale infrastructuur")  # both words in a passage, anywhere
    assert set(phrase) <= set(apart)


def test_of_unites_and_a_minus_excludes(content: Content) -> None:
    iran, irak = found(content, "Iran"), found(content, "Irak")
    assert set(found(content, "Iran OF Irak")) == set(found(content, "Iran OR Irak")) == set(iran) | set(irak)
    assert set(found(content, "kernwapens Iran")) == set(found(content, "kernwapens")) & set(iran)
    without = found(content, "kernwapens -Iran")
    assert without and not set(without) & set(iran) and set(without) <= set(found(content, "kernwapens"))


def test_a_subjects_name_brings_what_it_says(content: Content) -> None:
    # 'Rusland' is the region Russia: also the sentences naming it otherwise.
    rusland = matcher("Rusland", content)
    assert [e.id for e in rusland.subjects()] == ["russia"]
    assert any("Sovjet-Unie" in s for hits in found(content, "Rusland").values() for s in hits)
    # 'Mali', a place the Sahel's description names, brings the Sahel's own
    # sentences; 'Fukushima', covered by Asia but not named there, does not.
    assert [e.id for e in matcher("Mali", content).subjects()] == ["sahel"]
    mali = set().union(*found(content, "Mali").values())
    assert any("Sahel" in s and "Mali" not in s for s in mali)
    assert matcher("Fukushima", content).subjects() == []
    # An alias: 'NAVO' is defence cooperation.
    assert [e.id for e in matcher("navo", content).subjects()] == ["defence-cooperation"]


def test_a_query_intersects_with_a_theme(content: Content) -> None:
    both = select(content, parse_selectors(content, [("query", "Iran"), ("theme", "proliferation")]))
    alone = select(content, parse_selectors(content, [("query", "Iran")]))
    theme = select(content, parse_selectors(content, [("theme", "proliferation")]))
    ids = {p.id for p in both.passages}
    assert ids and ids == {p.id for p in alone.passages} & {p.id for p in theme.passages}
    assert both.id == "theme-proliferation+query-iran"


def test_the_rusland_briefing_holds_every_sentence_naming_russia_and_only_reviewed_context(
        content: Content) -> None:
    selection = select(content, parse_selectors(content, [("query", "Rusland")]))
    shown = printed(selection)
    naming = {(p.id, s) for p in content.passages for s in split(p.text)
              if re.search(r"\b(Rusland|Russische|Russisch)\b", s)}
    assert naming - shown == set()
    reviewed = {(item["passage"], " ".join(item["sentence"].split()))
                for item in yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))}
    assert {(pid, " ".join(s.split())) for pid, s in shown - naming} == reviewed


def test_most_sentences_matching_prints_a_passage_in_full(content: Content) -> None:
    selection = select(content, parse_selectors(content, [("query", "cyber")]))
    for passage in selection.passages:
        hit = matcher("cyber", content).passage(passage)
        assert hit is not None and selection.depths[passage.id].full == hit.most, passage.id
    assert selection.full and selection.excerpted


def test_title_file_name_and_marks(content: Content) -> None:
    selection = select(content, parse_selectors(content, [("query", "Rusland")]))
    briefing = compose(content, selection, EDITION)
    assert briefing.cover.title == "Briefing: ‘Rusland’" and briefing.id == "query-rusland"
    assert "Zoekvraag ‘Rusland’" in [f.value for f in briefing.cover.facts]
    marked = [p for s in briefing.walk() for b in s.blocks for p in getattr(b, "items", (b,))
              if isinstance(p, Paragraph) and p.marks]
    assert marked
    for paragraph in marked:
        for start, end in paragraph.marks:  # the words themselves, unchanged
            assert paragraph.text[start:end] in ("Rusland", "Russische Federatie", "Sovjet-Unie")
    html = HtmlWriter(ROOT / "templates").html(briefing, "screen")
    assert "<mark>Rusland</mark>" in html and "<mark>Sovjet-Unie</mark>" in html
    assert "<mark>" not in html.split('id="kernboodschappen"')[1].split("</section>")[0]  # never the editors' words


@pytest.mark.parametrize("texts, expected", [
    (["Iran"], "iran"),
    (["Arabische Lente"], "arabische-lente"),
    (["Somalië"], "somalie"),
    (["Iran OF Irak"], "iran-irak-"),
    (['"vitale infrastructuur"'], "vitale-infrastructuur-"),
    (["kernwapens -Iran"], "kernwapens-iran-"),
    (["een zoekvraag van veel meer dan veertig tekens lang"], "een-zoekvraag-van-veel-meer-dan-veertig-"),
    (["een zoekvraag die over veertig tekens afbreekt"], "een-zoekvraag-die-over-veertig-tekens-"),
    (["Iran", "Irak"], "iran-irak-"),
])
def test_file_names_carry_the_slug(texts: list[str], expected: str) -> None:
    name = slug(texts)
    if expected.endswith("-") or len(expected) > 40:
        assert name.startswith(expected.rstrip("-")) and re.fullmatch(r".*-[0-9a-f]{8}", name), name
    else:
        assert name == expected


@pytest.mark.parametrize("text, message", [
    ("", "the query is empty"),
    ("  -- ", "the query is empty"),
    ("x" * 201, "at most 200"),
    ("Iran\x07", "control character (U+0007)"),
    ('"vitale infrastructuur', "unbalanced quote"),
    ("-Iran", "nothing but exclusions"),
])
def test_bad_queries_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        parse(text)


def test_a_query_that_finds_nothing_suggests_words_the_strategy_uses(content: Content) -> None:
    with pytest.raises(SelectionError, match="'Ruslant' does not occur in the strategy — did you mean 'Rusland'"):
        select(content, parse_selectors(content, [("query", "Ruslant")]))


def test_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("build", "--query", "Rusland", "--format", "html", "--out", str(tmp_path))
    assert run.code == 0, run.err
    assert (tmp_path / "query-rusland.html").exists()
    bad = cli("build", "--query", "Ruslant", "--format", "html", "--out", str(tmp_path / "x"))
    assert bad.code == 1 and "did you mean 'Rusland'" in bad.err and "Traceback" not in bad.err
    assert len(bad.err.strip().splitlines()) == 1
    explained = cli("explain", "--query", "kernwapen")
    assert "query term 'kernwapen' finds: kernwapens" in explained.out and "kernwapenwedloop" in explained.out
    empty = cli("build", "--query", "", "--format", "html", "--out", str(tmp_path / "y"))
    assert empty.code == 2 and "the query is empty" in empty.err


def test_several_queries_unite(content: Content) -> None:
    both = select(content, parse_selectors(content, [("query", "Iran"), ("query", "Irak")]))
    either = select(content, parse_selectors(content, [("query", "Iran OF Irak")]))
    assert [p.id for p in both.passages] == [p.id for p in either.passages]
    assert both.id.startswith("query-irak-iran-")  # in a stable order, whatever order they were given in


def test_check_says_which_standing_query_finds_nothing(cli, content_copy: Path) -> None:  # type: ignore[no-untyped-def]
    catalogue = content_copy / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("  - drugs\n", "  - drugs\n  - Ruslant\n"),
                         encoding="utf-8")
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1
    assert "catalogue.yaml:" in run.err and "standing query 'Ruslant'" in run.err and "did you mean 'Rusland'" in run.err
