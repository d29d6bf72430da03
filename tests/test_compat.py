"""Every reach into another library's internals (generator/compat/) still
finds what it reaches for, at a version it was checked against. When a
library moves on, these fail — not a build in production."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import warnings
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from generator.compat import CompatWarning, written_for


def test_each_library_is_at_a_version_its_entry_was_written_for() -> None:
    # Importing each compat module checks its library's version; a warning is an error here.
    import generator.compat.docx
    import generator.compat.pyhanko
    import generator.compat.pyphen
    import generator.compat.uvicorn
    import generator.compat.weasyprint  # noqa: F401
    from generator.compat import forkserver, futures

    assert futures.written_for_this_python() and forkserver.written_for_this_python(), sys.version_info
    with pytest.warns(CompatWarning, match="written for 1 to 2"):
        written_for("weasyprint", "1", "2")  # the check itself warns outside its range


def test_the_versions_libraries_state_are_those_installed() -> None:
    # compat/ and the pictures' recipe take versions from the libraries themselves, not from
    # importlib.metadata (too slow to import in every process): they must say the same.
    from importlib.metadata import version

    import docx
    import pyphen
    import weasyprint

    from generator.pictures.made_with import LIBRARIES, _version_file

    assert (weasyprint.__version__, docx.__version__, pyphen.__version__) == \
        (version("weasyprint"), version("python-docx"), version("pyphen"))
    for package, stating, distribution in LIBRARIES:
        stated = _version_file(package, stating)
        assert stated is not None and f'"{version(distribution)}"'.encode() in stated.replace(b"'", b'"'), package


def test_weasyprint_still_has_the_profile_class_and_the_page_box_we_use() -> None:
    import weasyprint
    import weasyprint.pdf
    from weasyprint.css import ColorProfile

    import generator.writers.pdf  # noqa: F401  (installs the patch)
    from generator.compat.weasyprint import _ClosingColorProfile, page_box

    # The patch is installed where the PDF stage makes the output intent ...
    assert weasyprint.pdf.ColorProfile is _ClosingColorProfile and issubclass(_ClosingColorProfile, ColorProfile)
    # ... and a laid-out page still has its box tree where we read it.
    page = weasyprint.HTML(string="<p>x</p>").render().pages[0]
    assert page_box(page).children


def test_font_subsets_are_made_of_open_arrays_to_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """install_open_subset_arrays: WeasyPrint still makes its subset arrays
    as `hb_codepoint_t[n]`; through the patch they are `hb_codepoint_t[]`
    of the same items; and a PDF is the same with and without it."""
    import inspect

    import weasyprint
    import weasyprint.pdf.fonts

    import generator.writers.pdf  # noqa: F401  (installs the patch)
    from generator.compat.weasyprint import _OpenArrays

    assert "ffi.new(f'hb_codepoint_t[{len(" in inspect.getsource(weasyprint.pdf.fonts.Font._harfbuzz_subset)
    patched = weasyprint.pdf.fonts.ffi
    assert isinstance(patched, _OpenArrays)
    made = patched.new("hb_codepoint_t[3]", (7, 8, 9))
    assert patched.typeof(made) is patched.typeof("hb_codepoint_t[]") and list(made) == [7, 8, 9]
    assert patched.typeof(patched.new("char[4]")) is patched.typeof("char[4]")  # no items: as asked

    def pdf() -> bytes:
        html = '<p style="font-family: serif">Veilige wereld, veilig Nederland</p><p style="font-family: sans-serif">x</p>'
        data: bytes = weasyprint.HTML(string=html).write_pdf(pdf_identifier=b"same")
        return data

    with_patch = pdf()
    monkeypatch.setattr(weasyprint.pdf.fonts, "ffi", patched.ffi)
    assert pdf() == with_patch


def test_pyhanko_writer_still_has_the_metadata_hook() -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from generator.compat.pyhanko import keep_metadata

    assert callable(getattr(IncrementalPdfFileWriter, "_update_meta", None))

    class Writer:
        def _update_meta(self) -> None:
            raise AssertionError("not kept")

    writer = Writer()
    keep_metadata(writer)
    writer._update_meta()  # now a no-op
    with pytest.raises(AttributeError, match="compat/pyhanko.py"):
        keep_metadata(object())


def test_the_process_pool_still_lists_its_workers() -> None:
    from generator.compat.futures import worker_processes

    with ProcessPoolExecutor(1) as pool:
        pool.submit(int, "1").result()
        processes = worker_processes(pool)
        assert len(processes) == 1 and processes[0].is_alive()


def test_python_docx_still_keeps_its_elements_and_blobs() -> None:
    import docx

    from generator.compat.docx import element, set_blob

    document = docx.Document()
    paragraph = document.add_paragraph("x")
    assert element(paragraph).tag.endswith("}p")
    part = document.part
    assert element(part).tag.endswith("}document")
    table = next(r.target_part for r in part.rels.values() if r.reltype.endswith("/fontTable"))
    set_blob(table, b"<fonts/>")
    assert table.blob == b"<fonts/>"


def test_python_docx_still_lists_a_package_as_save_writes_it(sahel: Any) -> None:
    """package_entries gives the files `Document.save` writes, same names,
    same order, same bytes (the writer zips them itself)."""
    import docx

    from generator.compat.docx import package_entries

    document = docx.Document(io.BytesIO(sahel.docx))
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as package:
        written = [(info.filename, package.read(info)) for info in package.infolist()]
    assert package_entries(docx.Document(io.BytesIO(sahel.docx))) == written


def test_the_word_package_is_the_zip_that_zipfile_writes_but_for_its_times(sahel: Any) -> None:
    """Our ZIP writer against zipfile's, entry by entry and byte by byte,
    with one fixed time stamped into zipfile's output."""
    from generator.writers.docx import _Package

    with zipfile.ZipFile(io.BytesIO(sahel.docx)) as package:
        entries = [(info.filename, package.read(info)) for info in package.infolist()]
    when = dt.datetime(2026, 11, 27, 10, 30, 4)
    reference = io.BytesIO()
    with zipfile.ZipFile(reference, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in entries:  # as writestr(name, data) makes it (python-docx's call), but for the time
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            package.writestr(info, data)
    ours = _Package()
    assert ours.write(entries, when) == reference.getvalue()
    assert ours.write(entries, when) == reference.getvalue()  # again, from the kept compressed parts


def test_no_compat_warning_on_import() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompatWarning)
        import importlib

        import generator.compat.docx as d
        importlib.reload(d)


class _Transport:
    """Enough of an asyncio transport for uvicorn's protocol."""

    def __init__(self) -> None:
        self.written, self.closed = b"", False

    def write(self, data: bytes) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: object = None) -> object:
        return default

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def test_uvicorns_protocol_still_takes_our_header_timeout_and_connection_cap() -> None:
    """generator/compat/uvicorn.py subclasses uvicorn's h11 protocol: a
    connection past the cap is answered 503 at once, one whose headers do
    not come in time 408, one whose headers came is left alone."""
    import asyncio

    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from generator.compat.uvicorn import guarded_protocol

    async def app(scope: object, receive: object, send: object) -> None: ...

    async def scenario() -> None:
        config, state = Config(app), ServerState()
        config.load()
        protocol = guarded_protocol(cap=2, header_timeout=0.05)
        slow, quick, extra = (protocol(config, state, {}) for _ in range(3))
        transports = [_Transport() for _ in range(3)]
        slow.connection_made(transports[0])  # type: ignore[arg-type]
        quick.connection_made(transports[1])  # type: ignore[arg-type]
        extra.connection_made(transports[2])  # type: ignore[arg-type]
        assert transports[2].written.startswith(b"HTTP/1.1 503 ") and transports[2].closed
        assert b"retry-after: 5" in transports[2].written and len(state.connections) == 2
        slow.data_received(b"GET / HT")
        quick.data_received(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        await asyncio.sleep(0.15)
        assert transports[0].written.startswith(b"HTTP/1.1 408 ") and transports[0].closed
        assert b"408" not in transports[1].written

    with warnings.catch_warnings():
        warnings.simplefilter("error", CompatWarning)
        asyncio.run(scenario())


STOP = """
import multiprocessing, multiprocessing.forkserver as f, os
from generator.compat import forkserver
assert forkserver.stop()  # none running: nothing to do
multiprocessing.get_context("forkserver").set_forkserver_preload([])
f.ensure_running()
pid = f._forkserver._forkserver_pid
assert forkserver.stop(timeout=5)
try:
    os.kill(pid, 0)
    print("still there")
except ProcessLookupError:
    print("gone")
"""


def test_the_forkserver_can_still_be_stopped_and_waited_for() -> None:
    import subprocess

    run = subprocess.run([sys.executable, "-c", STOP], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "gone"


# A forkserver still importing (its preload takes 30 s here), as one a
# build started ahead and then stopped at a usage or content error.
STOP_WHILE_IMPORTING = """
import multiprocessing, multiprocessing.forkserver as f, os, sys
from generator.compat import forkserver
if sys.argv[1] == "forking":
    forkserver.forking()
multiprocessing.get_context("forkserver").set_forkserver_preload(["slow_to_import"])
f.ensure_running()
pid = f._forkserver._forkserver_pid
stopped = forkserver.stop(timeout=1.5)
try:
    os.kill(pid, 0)
    print(stopped, "still there")
    os.kill(pid, 9)
except ProcessLookupError:
    print(stopped, "gone")
"""


@pytest.mark.parametrize(("said", "printed"), [("idle", "True gone"), ("forking", "False still there")])
def test_a_forkserver_no_worker_was_asked_of_is_ended_at_once(tmp_path: Path, said: str, printed: str) -> None:
    """Without workers there is nothing to wait for: `stop` kills it instead
    of waiting until its imports are done and it reads its pipe. Once a
    pool has said it starts workers from it, `stop` waits (here, in vain
    for 1.5 s, the imports still running)."""
    import subprocess

    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(30)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    run = subprocess.run([sys.executable, "-c", STOP_WHILE_IMPORTING, said], capture_output=True, text=True,
                         timeout=60, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == printed


# WeasyPrint's libraries (generator/compat/weasyprint.py), each in a fresh
# process: the first import of WeasyPrint in a process is what is tested.
_COUNT_SEARCHES = """
import ctypes.util, sys
searched = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: searched.append(name) or search(name)
{before}
import generator.writers.pdf
import weasyprint.text.ffi as ffi
import weasyprint
assert weasyprint.pdf.ColorProfile.__name__ == "_ClosingColorProfile"  # the patches are on the module in use
print(len(searched), ffi.pango.pango_version() > 0)
"""

# The directly opened Pango fails while the search is answered "not found",
# as on a system whose library has another name: the import is run again,
# with the search, and WeasyPrint's advice from the first try is not shown.
_PANGO_NOT_DIRECT = """
import cffi.api, ctypes.util
load = cffi.api._load_backend_lib
def refuse_pango(backend, name, flags):
    if "pango-1.0" in name and "_libraries_opened_directly" in ctypes.util.find_library.__qualname__:
        raise OSError(f"cannot load {name}")
    return load(backend, name, flags)
cffi.api._load_backend_lib = refuse_pango
"""


def _import_weasyprint(before: str = "") -> tuple[str, str]:
    import subprocess

    done = subprocess.run([sys.executable, "-c", _COUNT_SEARCHES.format(before=before)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the direct opening is for Linux")
def test_weasyprint_opens_its_libraries_without_searching_for_them() -> None:
    assert _import_weasyprint() == ("0 True\n", "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the direct opening is for Linux")
def test_a_library_that_does_not_open_directly_is_searched_for() -> None:
    out, err = _import_weasyprint(_PANGO_NOT_DIRECT)
    searches, loaded = out.split()
    assert int(searches) > 0 and loaded == "True", out
    assert "WeasyPrint could not import" not in out + err


def test_workers_do_not_run_the_briefing_script_again(tmp_path: Any) -> None:
    # The `briefing` console script is run as a file; declared as generator.__main__ (which it
    # is), multiprocessing's children skip re-running it, as for `python -m generator`.
    import subprocess

    script = tmp_path / "briefing"
    script.write_text(
        "import multiprocessing, sys\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from generator.cli import main_entry  # as the console script does\n"
        "from generator.compat.forkserver import main_is_package\n"
        "if __name__ == '__main__':\n"
        "    if sys.argv[1] == 'declared':\n"
        "        main_is_package('generator')\n"
        "    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('forkserver')) as pool:\n"
        "        print(pool.submit(eval, \"'generator.cli' in __import__('sys').modules\").result())\n")
    ran = {how: subprocess.run([sys.executable, str(script), how], capture_output=True, text=True, check=True,
                               timeout=60).stdout.strip() for how in ("declared", "as a file")}
    assert ran == {"declared": "False", "as a file": "True"}, ran
