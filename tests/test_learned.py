"""What a render learns for the next one (issue 26): the PDF writer lays a
briefing out again when a footnote was pushed off its call's page; given
what that taught it, the next render of the same briefing is laid out once,
to the same bytes. The build keeps it in the cache folder, never with the
ministry's notes, and nothing in that file is taken on trust."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from conftest import TEMPLATES, Cli, Rendered
from test_notes import note, write_notes

import generator.build
from generator.learned import FILE, KEEP, LearnedStore
from generator.writers import get_writer
from generator.writers.pdf import _held_before


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times WeasyPrint lays a document out, in this process."""
    count: list[int] = []
    render = weasyprint.HTML.render

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        count.append(1)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    yield count


def test_a_briefing_laid_out_twice_is_laid_out_once_the_next_time(defence: Rendered, layouts: list[int]) -> None:
    learned = defence.pdf_learned
    assert learned is not None and learned["held"], "the long ministry briefing needs a reflow: nothing was learned"
    other = {"key": "0" * 64, "held": [1]}  # learned from another HTML: passed over
    again = get_writer("pdf", TEMPLATES).render(defence.briefing, [other, learned])
    assert len(layouts) == 1
    assert again.data == defence.pdf  # the very layout the reflows ended with
    assert again.learned == learned  # and still worth remembering


def test_what_a_layout_learned_is_used_only_for_the_same_html_and_only_whole() -> None:
    p, li, div = (type("E", (), {"tag": tag})() for tag in ("p", "li", "div"))
    elements = [div, p, li, p]
    assert _held_before([{"key": "k", "held": [3, 1, 3]}], "k", elements) == [1, 3]
    assert _held_before([{"key": "x", "held": [1]}, {"key": "k", "held": [2]}], "k", elements) == [2]
    for stale_or_hostile in ({"key": "other", "held": [1]},  # another HTML, templates or WeasyPrint
                             {"key": "k", "held": [1, 0]},  # a div is not held back
                             {"key": "k", "held": [1, 4]}, {"key": "k", "held": [-1]},  # no such element
                             {"key": "k", "held": [True]}, {"key": "k", "held": ["1"]}, {"key": "k", "held": 1},
                             {"key": "k", "held": []}, {"key": "k"}, {}):
        assert _held_before([stale_or_hostile], "k", elements) == [], stale_or_hostile
    assert _held_before([], "k", elements) == []
    assert _held_before(["k", 1, None], "k", elements) == []  # type: ignore[list-item]


def test_the_build_keeps_it_in_the_cache_folder_and_never_with_notes(cli: Cli, tmp_path: Path, layouts: list[int],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE", str(cache))
    build = ("build", "--theme", "proliferation", "--format", "pdf", "--quiet", "--out")
    assert cli(*build, str(tmp_path / "first")).code == 0
    assert len(layouts) == 2  # a note pushed off its page, laid out again
    kept = json.loads((cache / FILE).read_text(encoding="utf-8"))
    assert list(kept) == ["theme-proliferation"] and kept["theme-proliferation"]["pdf"][0]["held"]
    assert not [p for p in (tmp_path / "first").rglob("*") if FILE in p.name]  # not in the output folder

    layouts.clear()
    assert cli(*build, str(tmp_path / "second")).code == 0
    assert len(layouts) == 1
    first, second = ((tmp_path / name / "theme-proliferation.pdf").read_bytes() for name in ("first", "second"))
    assert second == first

    # With notes (here a public one), the cache is neither read nor written:
    # the build's store has no folder.
    folders: list[Path | None] = []

    class Recorded(LearnedStore):
        def __init__(self, folder: Path | None) -> None:
            folders.append(folder)
            super().__init__(folder)

    monkeypatch.setattr(generator.build, "LearnedStore", Recorded)
    notes = write_notes(tmp_path / "notes", note("n1", "openbaar", subjects="[proliferation]"))
    before = (cache / FILE).read_bytes()
    assert cli(*build, str(tmp_path / "with-notes"), "--notes", str(notes)).code == 0
    assert cli(*build, str(tmp_path / "third"), "--force").code == 0
    assert folders == [None, cache]
    assert (cache / FILE).read_bytes() == before


def test_the_store_keeps_the_latest_few_per_briefing_and_ignores_what_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / FILE).write_text("{not json", encoding="utf-8")
    store = LearnedStore(tmp_path)
    assert store.prior("region-sahel") == {}
    store.record("region-sahel", [("pdf", {"key": "a", "held": [1]}), ("docx", None)])
    store.save()
    assert json.loads((tmp_path / FILE).read_text()) == {"region-sahel": {"pdf": [{"key": "a", "held": [1]}]}}

    # Builds of one briefing from other inputs each keep their own, newest
    # first; the same key replaces its entry; at most KEEP; nothing learned
    # forgets nothing.
    store = LearnedStore(tmp_path)
    for key in ("b", "a", "c", "d", "e"):
        store.record("region-sahel", [("pdf", {"key": key, "held": [2]}), ("html", None)])
    store.record("region-sahel", [("pdf", None)])
    store.save()
    kept = LearnedStore(tmp_path).prior("region-sahel")
    assert [e["key"] for e in kept["pdf"]] == ["e", "d", "c", "a"][:KEEP] and set(kept) == {"pdf"}

    (tmp_path / FILE).write_text(json.dumps({"region-sahel": [1], "theme-x": {"pdf": ["no", {"key": "k"}]}}),
                                 encoding="utf-8")
    assert LearnedStore(tmp_path).entries == {"theme-x": {"pdf": [{"key": "k"}]}}
    # What another build recorded meanwhile is kept.
    one, other = LearnedStore(tmp_path), LearnedStore(tmp_path)
    one.record("a", [("pdf", {"key": "k", "held": [2]})])
    other.record("b", [("pdf", {"key": "k", "held": [3]})])
    one.save()
    other.save()
    assert set(json.loads((tmp_path / FILE).read_text())) >= {"a", "b", "theme-x"}
