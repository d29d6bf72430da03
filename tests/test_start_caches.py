"""What a fresh process keeps in the cache folder so that its first render
does not parse again what the last one parsed: Pyphen's hyphenation
dictionaries (compat/pyphen.py) and Jinja2's compiled templates
(writers/html.py). Either is only ever a shortcut: a missing, foreign or
broken file, or a folder that cannot be written, gives the same result,
parsed as before."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
from pathlib import Path

import pyphen
import pytest
from conftest import ENGLISH, TEMPLATES, Cli, make_briefing
from jinja2.bccache import bc_magic

from generator import cachedir
from generator.compat.pyphen import load_dictionary
from generator.content import Content
from generator.writers.html import HtmlWriter, environment

DUTCH = pyphen.LANGUAGES[pyphen.language_fallback("nl")]
WORD = "veiligheidsstrategie"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[Path, pyphen.HyphDict]:
    """Pyphen as a new process finds it, nothing parsed yet, with an empty
    cache folder (tmp_path)."""
    parsed: dict[Path, pyphen.HyphDict] = {}
    monkeypatch.setattr(pyphen, "hdcache", parsed)
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    return parsed


def _parsing_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> None:
        raise AssertionError(f"parsed {path} again")

    monkeypatch.setattr(pyphen, "HyphDict", type("Refused", (pyphen.HyphDict,), {"__init__": refuse}))


def test_a_dictionary_parsed_once_is_loaded_by_the_next_process(
        fresh: dict[Path, pyphen.HyphDict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = pyphen.HyphDict(DUTCH).positions(WORD)
    load_dictionary("nl")
    [kept] = tmp_path.glob("pyphen-nl-*.pickle")
    assert fresh[DUTCH].positions(WORD) == expected

    fresh.clear()  # the next process
    _parsing_refused(monkeypatch)
    load_dictionary("nl")
    assert fresh[DUTCH].positions(WORD) == expected
    assert pyphen.Pyphen(lang="nl").hd is fresh[DUTCH]  # what WeasyPrint asks for is what was loaded
    load_dictionary("nl")  # loaded already: nothing read
    assert list(tmp_path.iterdir()) == [kept]


@pytest.mark.parametrize("stored", [b"", b"not a pickle", pickle.dumps({"patterns": "forged"}),
                                    pickle.dumps(pyphen.HyphDict.__new__(pyphen.HyphDict))])
def test_a_broken_or_foreign_file_is_parsed_again_and_replaced(
        fresh: dict[Path, pyphen.HyphDict], tmp_path: Path, stored: bytes) -> None:
    load_dictionary("nl")
    [kept] = tmp_path.glob("pyphen-nl-*.pickle")
    kept.write_bytes(stored)
    fresh.clear()
    load_dictionary("nl")
    assert isinstance(fresh[DUTCH], pyphen.HyphDict) and fresh[DUTCH].positions(WORD)
    assert pickle.loads(kept.read_bytes()).patterns == fresh[DUTCH].patterns


def test_without_a_usable_folder_pyphen_parses_as_it_always_did(
        fresh: dict[Path, pyphen.HyphDict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    load_dictionary("nl")
    assert fresh[DUTCH].positions(WORD)
    fresh.clear()
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("BRIEFING_CACHE", str(blocked / "cache"))
    load_dictionary("nl")
    assert fresh[DUTCH].positions(WORD)
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    load_dictionary("xx")  # a language Pyphen has no dictionary for: left to WeasyPrint
    assert list(fresh) == [DUTCH] and not list(tmp_path.glob("pyphen-*"))


def test_the_pdf_writer_loads_the_editions_language_and_the_strategys(
        fresh: dict[Path, pyphen.HyphDict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        content: Content) -> None:
    from generator.writers.pdf import PdfWriter

    PdfWriter(TEMPLATES).layout(make_briefing(content, ("region", "sahel"), edition=ENGLISH))
    assert {path.name.split("-")[1] for path in tmp_path.glob("pyphen-*.pickle")} == {"en", "nl"}
    assert set(fresh) == {DUTCH, pyphen.LANGUAGES[pyphen.language_fallback("en")]}


def test_compiled_templates_are_kept_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    source = HtmlWriter(TEMPLATES).template()
    [kept] = (tmp_path / "templates").iterdir()
    code = kept.read_bytes()

    monkeypatch.setattr("jinja2.Environment.compile", lambda *a, **k: pytest.fail("compiled again"))
    again = HtmlWriter(TEMPLATES).template()
    assert again.root_render_func.__code__ == source.root_render_func.__code__
    assert kept.read_bytes() == code


def test_templates_compile_without_a_cache_folder_or_one_that_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", "off")
    assert environment(TEMPLATES).bytecode_cache is None
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("BRIEFING_CACHE", str(blocked))
    HtmlWriter(TEMPLATES).template()  # compiled; nothing kept, nothing raised
    assert blocked.read_text() == "a file where the cache folder should be"


@pytest.mark.parametrize("stored", [b"", b"not Jinja's", bc_magic + b"\xff" * 40, bc_magic + pickle.dumps("x")])
def test_a_broken_compiled_template_is_compiled_again_and_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stored: bytes) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    HtmlWriter(TEMPLATES).template()
    [kept] = (tmp_path / "templates").iterdir()
    code = kept.read_bytes()
    kept.write_bytes(stored)
    assert HtmlWriter(TEMPLATES).template().render is not None
    assert kept.read_bytes() == code


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        cli: Cli) -> None:
    # What is kept there is loaded and run (pickles, compiled templates): a folder another user
    # can write to would let them run code as this user.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("BRIEFING_CACHE", str(shared))
    assert cachedir.refused(shared) == "other users may write to it" and cachedir.cache_folder() is None
    result = cli("build", "--region", "sahel", "--format", "pdf", "--out", str(tmp_path / "out"))
    assert result.code == 0 and f"cache folder {shared} is not used: other users may write" in result.err
    assert not list(shared.iterdir())

    shared.chmod(0o700)
    assert cachedir.refused(shared) is None and cachedir.cache_folder() == shared
    assert "cache folder" not in cli("list").err
    if os.geteuid() == 0:  # only root can give a folder away
        os.chown(shared, 65534, -1)
        assert cachedir.refused(shared) == "owned by another user" and cachedir.cache_folder() is None
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    assert cachedir.refused(not_a_folder) == "not a folder"
    assert cachedir.refused(tmp_path / "not yet") is None  # made private when first written


def test_the_folders_made_for_the_caches_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     fresh: dict[Path, pyphen.HyphDict]) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    load_dictionary("nl")
    HtmlWriter(TEMPLATES).template()
    for folder in (tmp_path / "cache", tmp_path / "cache" / "templates"):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder


def test_a_maps_view_is_made_once_and_draws_the_same_picture(content: Content, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pictures
    from generator.model import Picture
    from generator.pictures import draw

    briefing = make_briefing(content, ("region", "sahel"))
    drawing = next(x for s in briefing.walk() for x in s.blocks if isinstance(x, Picture)).drawing
    monkeypatch.setattr(pictures, "_store", None)

    def forget() -> None:  # as a new process would, with no picture kept anywhere
        draw._frame.cache_clear()
        draw.layout.cache_clear()
        pictures.cache_clear()
        shutil.rmtree(tmp_path / "pictures", ignore_errors=True)

    def drawn() -> dict[str, bytes]:
        forget()
        return {"svg": pictures.render(drawing, "svg", TEMPLATES), "png": pictures.render(drawing, "png", TEMPLATES)}

    monkeypatch.setenv("BRIEFING_CACHE", "off")
    made = drawn()
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    assert drawn() == made
    [kept] = tmp_path.glob("frame-*.pickle")
    monkeypatch.setattr(draw, "_projected", lambda *view: pytest.fail(f"made {view} again"))
    assert drawn() == made
    kept.write_bytes(b"broken")
    monkeypatch.undo()
    monkeypatch.setattr(pictures, "_store", None)
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    assert drawn() == made and kept.read_bytes() != b"broken"
    forget()
