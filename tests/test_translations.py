"""Issue 27, in part: translations as content (content/translations/en/),
checked like content — every passage translated, none stale, the glossary
kept, every entry well-formed — and the drafts listed by `check --strict`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Cli

from generator.content import Content, load_content
from generator.errors import ContentError
from generator.translations import text_hash

PASSAGES = Path("translations") / "en" / "passages"


def test_every_passage_has_a_current_english_translation_that_keeps_the_glossary(content: Content) -> None:
    english = content.translations["en"]
    assert set(english.passages) == {p.id for p in content.passages}
    assert all(english.current(p) is not None for p in content.passages)
    assert not [w for w in content.warnings if "translation" in w.message]
    assert len(english.glossary) >= 30
    # Spot checks that the glossary means what it says.
    armed = next(t for t in english.glossary if t.nl == "krijgsmacht*")
    assert armed.in_dutch("De Nederlandse krijgsmachten") and not armed.in_dutch("krijgsmachtig"[:4])
    assert armed.in_translation("The Dutch Armed Forces")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_change_to_the_dutch_makes_its_translation_stale(content_copy: Path, cli: Cli) -> None:
    dutch = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    _edit(dutch, "relatief overzichtelijk", "tamelijk overzichtelijk")
    loaded = load_content(content_copy, cache=False)
    changed = loaded.by_id["omgeving-03"]
    (stale,) = [w for w in loaded.warnings if "stale" in w.message]
    assert str(stale).startswith(f"{content_copy / PASSAGES / '04-omgevingsanalyse.yaml'}:37: warning: the English "
                                 "translation of 'omgeving-03' is stale")
    assert f'set \'source\' to "{text_hash(changed.text)}"' in stale.message
    assert loaded.translations["en"].current(changed) is None
    run = cli("check", "--strict", "--content", str(content_copy))
    assert run.code == 1 and "stale" in run.err and "Traceback" not in run.err


def test_a_passage_without_translation_and_a_lost_glossary_term_are_found(content_copy: Path, cli: Cli) -> None:
    english = content_copy / PASSAGES / "06-beleidsimplicaties-a.yaml"
    text = english.read_text(encoding="utf-8")
    first = text.index("- id: beleid-01")
    second = text.index("- id: beleid-02")
    english.write_text(text[:first] + text[second:], encoding="utf-8")
    _edit(english, "armed forces", "military")
    loaded = load_content(content_copy, cache=False)
    messages = [str(w) for w in loaded.warnings]
    assert any(re.search(r"06-beleidsimplicaties\.yaml:\d+: warning: passage 'beleid-01' has no English translation",
                         m) for m in messages), messages
    assert any("does not use the glossary's 'armed forces' for 'krijgsmacht*'" in m for m in messages), messages


@pytest.mark.parametrize(("old", "new", "message"), [
    ("- id: omgeving-03", "- id: omgevng-03",
     "translation of unknown passage 'omgevng-03' — did you mean 'omgeving-03'?"),
    ("  source: 32b62db2aeba", "  source: 123456789012",
     "'source' must be written in quotes (\"0123456789ab\"): YAML reads digits as a number"),
    ("  source: 32b62db2aeba\n  status: draft", "  source: 32b62db2aeba\n  status: reviewed",
     "translation of 'omgeving-03' is reviewed: say by whom and when (reviewed_by, reviewed_on)"),
    ("  source: 32b62db2aeba\n  status: draft", "  source: 32b62db2aeba\n  status: checked",
     "unknown status 'checked'"),
])
def test_a_malformed_translation_is_an_error_at_its_line(content_copy: Path, cli: Cli, old: str, new: str,
                                                        message: str) -> None:
    _edit(content_copy / PASSAGES / "04-omgevingsanalyse.yaml", old, new)
    with pytest.raises(ContentError) as caught:
        load_content(content_copy, cache=False)
    found = [str(p) for p in caught.value.problems if message in p.message]
    assert found and re.search(r"04-omgevingsanalyse\.yaml:\d+: ", found[0]), caught.value.problems
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1 and message in run.err and "Traceback" not in run.err


def test_check_strict_lists_the_drafts_and_does_not_fail_on_them(cli: Cli) -> None:
    run = cli("check", "--strict")
    assert run.code == 0, run.err
    assert re.search(r"English: \d+ of 159 passage translations are drafts", run.out)
    assert "conclusie-10" in run.out and "English translations of 159" in run.out


def test_what_the_project_writes_is_translated_too_and_checked_the_same_way(content: Content) -> None:
    records = content.translations["en"].records
    kinds = {key.split("/")[0] for key in records}
    assert kinds == {"key-messages", "taxonomy", "commitments", "figures", "charts", "headings"}
    assert records["headings/chapters/beleidsimplicaties"].values["title"] == "Policy implications"
    assert records["headings/sections/beleidsaccent-3-preventie"].values["title"] == "Policy emphasis 3: Prevention"
    assert sum(1 for k in records if k.startswith("key-messages/")) == len(content.key_messages)
    assert records["charts/fosfaat-voorraad"].values["bars"] == ("Morocco", "China")
    assert records["taxonomy/regions/sahel"].values["description"].startswith("The Sahel")


def test_a_changed_key_message_makes_its_translation_stale_and_a_skeleton_is_not_a_translation(
        content_copy: Path) -> None:
    _edit(content_copy / "key-messages.yaml", "de relatieve invloed van Europa af", "de invloed van Europa af")
    _edit(content_copy / "translations" / "en" / "charts.yaml", "title: Share", "title: TODO\n  x: Share")
    _edit(content_copy / "translations" / "en" / "figures.yaml", "  status: draft", "  status: draft\n  colour: red")
    commitments = content_copy / "translations" / "en" / "commitments.yaml"
    commitments.write_text(re.sub(r"(?m)^  what: Contribution to the NATO missile shield.*$", "  what: TODO",
                                  commitments.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy, cache=False)
    messages = [str(p) for p in caught.value.problems]
    assert any(re.search(r"key-messages\.yaml:\d+: warning: the English translation of "
                         r"'regions/europe-transatlantic/0' is stale", m) for m in messages), messages
    assert any("figures.yaml" in m and "unknown field 'colour'" in m for m in messages), messages
    assert any("charts.yaml" in m and "unknown field 'x'" in m for m in messages), messages
    assert any(re.search(r"commitments\.yaml:\d+: warning: 'navo-raketschild' is not translated yet \(TODO\)", m)
               for m in messages), messages


def test_a_translation_keeps_its_passage_s_sentences_and_a_changed_heading_is_stale(content_copy: Path) -> None:
    # Excerpts print chosen sentences of a passage and the same sentences of its translation.
    _edit(content_copy / PASSAGES / "04-omgevingsanalyse.yaml", "Just under thirty years ago the world was",
          "Just under thirty years ago. The world was")
    _edit(content_copy / "passages" / "06-beleidsimplicaties.yaml", "Beleidsaccent 3: Preventie",
          "Beleidsaccent 3: preventie")
    loaded = load_content(content_copy, cache=False)
    messages = [str(w) for w in loaded.warnings]
    assert any(re.search(r"04-omgevingsanalyse\.yaml:\d+: warning: the English translation of 'omgeving-03' has "
                         r"\d+ sentence\(s\) where the Dutch has \d+", m) for m in messages), messages
    # The heading's slug is unchanged, so its translation is found, and known to translate other words.
    assert any("headings.yaml" in m and "'sections/beleidsaccent-3-preventie' is stale" in m for m in messages), messages


def test_another_language_s_labels_do_not_rebuild_the_dutch_edition(tmp_path: Path) -> None:
    import shutil

    from conftest import TEMPLATES

    from generator.render import templates_digest

    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    dutch = templates_digest(copy, language="nl")
    (copy / "labels" / "en.yaml").write_text("language: en\n", encoding="utf-8")
    assert templates_digest(copy, language="nl") == dutch
    assert templates_digest(copy, language="en") != templates_digest(TEMPLATES, language="en")
    labels = copy / "labels" / "nl.yaml"
    labels.write_text(labels.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert templates_digest(copy, language="nl") != dutch
