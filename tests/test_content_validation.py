"""`briefing check`: every problem at once, each with path:line, a
did-you-mean where it helps, exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli

from generator.content import load_content
from generator.errors import ContentError

PASSAGES = "passages/04-omgevingsanalyse.yaml"


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return info.value.messages()


def test_real_content_is_clean(cli: Cli) -> None:
    run = cli("check", "--strict")
    assert run.code == 0, run.err
    assert "no errors" in run.out


def test_unknown_region_says_where_and_suggests(content_copy: Path) -> None:
    path = content_copy / PASSAGES
    replace(path, "regions: [north-africa, sahel, middle-east]", "regions: [north-africa, sahl, middle-east]")
    line = line_of(path, "regions: [north-africa, sahl")
    assert f"content/{PASSAGES}:{line}: unknown region 'sahl' — did you mean 'sahel'?" in \
        "\n".join(m.replace(str(content_copy.parent) + "/", "") for m in problems(content_copy))


def test_all_problems_are_reported_at_once(content_copy: Path, cli: Cli) -> None:
    path = content_copy / PASSAGES
    replace(path, "themes: [cyber-security", "themes: [cyber")
    replace(path, "- id: omgeving-05", "- id: omgeving-04")
    replace(path, "  kind: analysis", "  kind: analisys")
    replace(content_copy / "figures.yaml", "passage: belangen-13", "passage: belangen-99")
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1
    err = run.err
    assert "unknown theme 'cyber' — did you mean 'cyber-security'?" in err
    assert "duplicate passage id 'omgeving-04'" in err
    assert "unknown passage kind 'analisys' — did you mean 'analysis'?" in err
    assert "points at missing passage 'belangen-99'" in err
    assert "Traceback" not in err
    assert all(".yaml:" in line for line in err.splitlines()[:-1])


def test_missing_and_wrong_typed_fields(content_copy: Path) -> None:
    path = content_copy / PASSAGES
    replace(path, "  page: 5\n", "  page: five\n")
    replace(path, "  chapter: omgevingsanalyse\n", "", count=1)
    text = path.read_text(encoding="utf-8").replace("  regions: []\n", "  regions: none\n", 1)
    path.write_text(text, encoding="utf-8")
    found = "\n".join(problems(content_copy))
    assert "'page' must be a whole number, not text" in found
    assert "has no 'chapter'" in found
    assert "'regions' must be a list of text, like [a, b] (write [] for none)" in found


def test_empty_text_and_unknown_field(content_copy: Path) -> None:
    path = content_copy / PASSAGES
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: omgeving-03")
    block_start = text.index("  text: >-", start)
    block_end = text.index("  regions:", block_start)
    text = text[:block_start] + '  text: ""\n  region: [sahel]\n' + text[block_end:]
    path.write_text(text, encoding="utf-8")
    found = "\n".join(problems(content_copy))
    assert "'text' is empty" in found
    assert "unknown field 'region' in passage 'omgeving-03' — did you mean 'regions'?" in found


def test_quote_must_be_verbatim(content_copy: Path) -> None:
    replace(content_copy / "figures.yaml", "20.000–30.000 schepen", "20.000-30.000 schepen")
    assert any("quote is not found verbatim in passage 'belangen-13'" in m for m in problems(content_copy))


def test_tagging_rule_is_enforced(content_copy: Path) -> None:
    path = content_copy / "passages/06-beleidsimplicaties.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("De huidige crisis in de Sahel")
    regions = text.index("  regions: [", start)
    end = text.index("]", regions)
    path.write_text(text[:regions] + "  regions: [horn-of-africa" + text[end:], encoding="utf-8")
    assert any("mentions 'Sahel' but is not tagged region 'sahel'" in m for m in problems(content_copy))


def test_yaml_syntax_error_has_line_and_column(content_copy: Path) -> None:
    path = content_copy / "figures.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("- id:"))
    lines[target + 1] = "  value: [unclosed"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = next(m for m in problems(content_copy) if "YAML syntax error" in m)
    assert "figures.yaml:" in message and ", column " in message


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "file is empty"),
    (b"# only a comment\n", "file holds no data"),
    ("- id: x\n  text: caf\xe9\n".encode("latin-1"), "file is not UTF-8"),
])
def test_unreadable_files(content_copy: Path, data: bytes, expected: str) -> None:
    (content_copy / "commitments.yaml").write_bytes(data)
    assert any("commitments.yaml" in m and expected in m for m in problems(content_copy))


def test_missing_folder(tmp_path: Path, cli: Cli) -> None:
    run = cli("check", "--content", str(tmp_path / "nowhere"))
    assert run.code == 1
    assert "content folder not found" in run.err


def test_missing_file_is_named(content_copy: Path) -> None:
    (content_copy / "taxonomy" / "themes.yaml").unlink()
    assert any("themes.yaml: file not found" in m for m in problems(content_copy))


def test_duplicate_keys_are_reported(content_copy: Path) -> None:
    path = content_copy / PASSAGES
    replace(path, "  kind: analysis\n", "  kind: analysis\n  kind: analysis\n")
    assert any("duplicate key 'kind'" in m for m in problems(content_copy))


def test_loading_keeps_line_numbers(content: object) -> None:
    from generator.content import Content
    assert isinstance(content, Content)
    passage = content.by_id["omgeving-01"]
    lines = passage.location.path.read_text(encoding="utf-8").splitlines()
    assert lines[passage.location.line - 1] == "- id: omgeving-01"


def test_mentions_must_be_tags_named_in_a_sentence(content_copy: Path) -> None:
    path = content_copy / PASSAGES
    replace(path, "  mentions: [europe-transatlantic, eastern-europe, caucasus, north-africa, sahel, horn-of-africa, africa]", "  mentions: [europe-transatlantic, eastern-europe, caucasus, north-africa, sahl, horn-of-africa, africa]")
    found = problems(content_copy)
    line = line_of(path, "mentions: [europe-transatlantic, eastern-europe, caucasus, north-africa, sahl")
    assert f"{path}:{line}: passage 'omgeving-28' mentions 'sahl', which is not one of its region, theme or " \
           "ministry tags — did you mean 'sahel'?" in found


def test_a_mention_without_a_naming_sentence_is_an_error(content_copy: Path) -> None:
    path = content_copy / PASSAGES
    # Foreign Affairs is tagged on omgeving-28 for what it is about, in other words: no sentence to excerpt.
    replace(path, "  mentions: [europe-transatlantic, eastern-europe, caucasus, north-africa, sahel, horn-of-africa, africa]", "  mentions: [europe-transatlantic, eastern-europe, caucasus, north-africa, sahel, horn-of-africa, africa, foreign-affairs]")
    found = problems(content_copy)
    assert any("lists ministry 'foreign-affairs' under mentions, but no sentence names it" in m
               for m in found), found


def test_repeats_must_hold_the_same_sentences(content_copy: Path) -> None:
    path = content_copy / "passages/07-conclusie.yaml"
    replace(path, "  repeats: brief-12", "  repeats: brief-13")
    found = problems(content_copy)
    assert any("passage 'conclusie-05' repeats 'brief-13', but its sentence" in m for m in found), found


def test_figures_hold_numbers_and_rows_are_tagged_like_their_passage(content_copy: Path) -> None:
    figures = content_copy / "figures.yaml"
    replace(figures, 'value: "twee miljoen"', 'value: "velen"')
    replace(figures, "  passage: omgeving-32\n  regions: [horn-of-africa]",
            "  passage: omgeving-32\n  regions: [sahel]")
    found = problems(content_copy)
    assert any("figure 'ontheemden-somalie': value 'velen' holds no number" in m for m in found), found
    assert any("figure 'ontheemden-somalie' is tagged region 'sahel', but its passage 'omgeving-32' is not" in m
               for m in found), found


def test_a_file_that_does_not_parse_is_the_one_error(content_copy: Path) -> None:
    """One tab in one passage file: that line is the error, not the dozens
    of references into the file that then dangle."""
    path = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = "\t" + lines[9].lstrip(" ")
    path.write_text("".join(lines), encoding="utf-8")
    assert problems(content_copy) == [f"{path}:10: YAML syntax error, column 1: found a tab character that violates "
                                      "indentation"]


def test_a_passage_beyond_the_limit_is_refused_by_check(content_copy: Path) -> None:
    """A 10 MB passage once passed check and then took minutes to lay out."""
    path = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("    In de wereldeconomie verschuift")
    path.write_text(text[:at] + "    " + "woord " * 4000 + "\n" + text[at:], encoding="utf-8")
    found = [p for p in problems(content_copy) if "characters; at most" in p]
    assert len(found) == 1 and "'text' has 2" in found[0] and "at most 16,000 (limits.py)" in found[0]


def test_maps_and_catalogue_are_checked_in_the_same_style(content_copy: Path) -> None:
    """content/geo/ and catalogue.yaml go through the same schemas as
    passages: every problem, each at the line of its key."""
    regions = content_copy / "geo" / "regions.yaml"
    replace(regions, "projection: equal-earth", "projection: equal-eart")
    replace(regions, "label_nl: de wereld,", "label: de wereld,")
    catalogue = content_copy / "catalogue.yaml"
    replace(catalogue, "combinations:", "combinations:\n  - {regions: [sahel], themse: [terrorism]}")
    found = problems(content_copy)
    world = line_of(regions, "projection: equal-eart")
    assert f"{regions}:{world}: unknown projection 'equal-eart' — did you mean 'equal-earth'? " \
           "(one of: laea, equal-earth)" in found
    assert f"{regions}:{world}: unknown field 'label' in view 'world' — did you mean 'label_nl'?" in found
    assert f"{regions}:{world}: view 'world' has no 'label_nl'" in found
    combination = line_of(catalogue, "themse")
    assert f"{catalogue}:{combination}: unknown field 'themse' in combination — did you mean 'themes'?" in found
    assert f"{catalogue}:{combination}: a combination needs at least two selectors" in found
