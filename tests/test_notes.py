"""The ministry's own notes (issue 23, the build side): the scale, the
folder format, clearance and marking, notes in every format, and no leak
into a lower build. The catalogue-wide canary test is in test_canaries.py."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, Cli, Run

from generator.content import Content
from generator.errors import UsageError

EXAMPLES = ROOT / "examples" / "notes"


def write_notes(folder: Path, notes: str, ceiling: str = "stg-g", name: str = "notes.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_folder.yaml").write_text(f"max_classification: {ceiling}\n", encoding="utf-8")
    (folder / name).write_text(notes, encoding="utf-8")
    return folder


def note(id_: str, level: str, text: str = "Een aantekening.", subjects: str = "[sahel]", extra: str = "") -> str:
    return (f"- id: {id_}\n  subjects: {subjects}\n  classification: {level}\n  date: 2026-11-20\n"
            f"  unit: DAF/SAH\n{extra}  text: |\n    {text}\n")


def built(cli: Cli, out: Path, *args: str) -> Run:
    run = cli("build", "--region", "sahel", "--format", "html,docx,md", "--out", str(out), "--quiet", *args)
    assert run.code == 0, run.err
    return run


def test_levels_by_id_name_or_alias_in_any_case_and_zeer_geheim_refused(content: Content) -> None:
    scale = content.scale
    assert [lv.id for lv in scale.levels] == ["openbaar", "dv", "stg-c", "stg-g"]
    assert scale.level("departementaal   VERTROUWELIJK") == scale.level("dv") == scale.level("Dep. Vertrouwelijk")
    assert scale.level("stg-c") < scale.level("Stg. Geheim") and scale.lowest.name == "Openbaar"
    with pytest.raises(UsageError, match="'Stg. Zeer Geheim' is refused"):
        scale.level("staatsgeheim zeer geheim")
    with pytest.raises(UsageError, match=r"unknown classification 'confidentieel' — did you mean 'Stg. Confidentieel'"):
        scale.level("confidentieel")


def test_notes_join_their_briefing_marked_at_the_highest_level_they_hold(cli: Cli, tmp_path: Path) -> None:
    built(cli, tmp_path / "dv", "--notes", str(EXAMPLES), "--clearance", "dv")
    html = (tmp_path / "dv" / "region-sahel.html").read_text(encoding="utf-8")
    assert "Aantekeningen van het ministerie" in html and "DEPARTEMENTAAL VERTROUWELIJK" in html
    assert '<p class="marking marking-top">Departementaal Vertrouwelijk</p>' in html
    assert "staatsgeheim confidentieel" not in html  # above the clearance
    assert "*sterretjes* en &lt;b&gt;code&lt;/b&gt;" in html  # the note's markup is text
    assert "de website van de Rijksoverheid (https://www.rijksoverheid.nl/)" in html
    manifest = json.loads((tmp_path / "dv" / "manifest.json").read_text())
    assert manifest["clearance"] == "dv" and manifest["briefings"][0]["marking"] == "Departementaal Vertrouwelijk"
    assert "Departementaal Vertrouwelijk" in (tmp_path / "dv" / "index.html").read_text()
    import docx

    document = docx.Document(str(tmp_path / "dv" / "region-sahel.docx"))
    assert document.core_properties.content_status == "Departementaal Vertrouwelijk"
    words = "\n".join(p.text for p in document.paragraphs)
    assert "Voorbeeld: een tweede punt, met *sterretjes* en <b>code</b>" in words
    md = (tmp_path / "dv" / "region-sahel.md").read_text()
    assert "\\*sterretjes\\* en \\<b\\>code\\</b\\>" in md and "**Aantekening — DAF/SAH" in md


def test_a_marking_may_raise_never_lower(cli: Cli, tmp_path: Path) -> None:
    raised = built(cli, tmp_path / "c", "--notes", str(EXAMPLES), "--clearance", "dv", "--marking", "stg-c")
    assert raised.code == 0
    assert "Stg. Confidentieel" in (tmp_path / "c" / "region-sahel.html").read_text()
    lowered = cli("build", "--region", "sahel", "--notes", str(EXAMPLES), "--clearance", "dv", "--marking",
                  "openbaar", "--out", str(tmp_path / "low"))
    assert lowered.code == 2 and not (tmp_path / "low").exists()
    assert "--marking 'Openbaar' is lower than what region-sahel holds (Departementaal Vertrouwelijk)" in lowered.err


def test_each_clearance_has_its_own_folder(cli: Cli, tmp_path: Path) -> None:
    built(cli, tmp_path, "--notes", str(EXAMPLES))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    run = cli("build", "--region", "sahel", "--notes", str(EXAMPLES), "--clearance", "dv", "--out", str(tmp_path))
    assert run.code == 1
    assert "holds a build at clearance 'openbaar'; this build is at 'dv'" in run.err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


@pytest.mark.parametrize(("notes", "ceiling", "message"), [
    (note("a", "geheim"), "stg-g", "notes.yaml:3: unknown classification 'geheim' — did you mean 'Stg. Geheim'?"),
    (note("a", "openbaar", subjects="[sahl]"), "stg-g", "unknown subject 'sahl' — did you mean 'sahel'?"),
    (note("a", "openbaar", extra="  passages: [beleid-999]\n"), "stg-g", "unknown passage 'beleid-999'"),
    (note("a", "openbaar") + note("a", "openbaar"), "stg-g", "duplicate note id 'a'"),
    (note("a", "openbaar", text=""), "stg-g", "'text' is empty"),
    (note("a", "stg-c"), "dv", "a note marked Stg. Confidentieel in a folder that may hold at most Departementaal "
                               "Vertrouwelijk"),
    (note("a", "openbaar", text="bel\x0bl"), "stg-g", "notes.yaml:7: YAML syntax error: character U+000B is not "
                                                       "allowed in YAML"),
    (note("a", "openbaar").replace("  text: |\n    Een aantekening.", '  text: "bel\\vl"'), "stg-g",
     "holds a control character (U+000B)"),
    (note("a", "stg-zg"), "stg-g", "'Stg. Zeer Geheim' is refused"),
])
def test_bad_notes_are_one_line_each_and_nothing_is_written(cli: Cli, tmp_path: Path, notes: str, ceiling: str,
                                                            message: str) -> None:
    folder = write_notes(tmp_path / "notes", notes, ceiling)
    run = cli("build", "--region", "sahel", "--notes", str(folder), "--clearance", "stg-g", "--out",
              str(tmp_path / "out"))
    assert run.code == 1 and message in run.err, run.err
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_a_folder_without_its_ceiling_is_refused(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "notes.yaml").write_text(note("a", "openbaar"), encoding="utf-8")
    run = cli("notes", "check", "--notes", str(folder))
    assert run.code == 1 and "not a notes folder: it has no _folder.yaml" in run.err


def test_an_expired_note_is_left_out_with_a_warning(cli: Cli, tmp_path: Path) -> None:
    folder = write_notes(tmp_path / "notes", note("oud", "openbaar", text="Verlopen tekst.",
                                                  extra="  valid_until: 2020-01-01\n"))
    run = built(cli, tmp_path / "out", "--notes", str(folder))
    assert "note 'oud' expired on 2020-01-01; left out" in run.err
    assert "Verlopen tekst" not in (tmp_path / "out" / "region-sahel.html").read_text()
    check = cli("check", "--notes", str(folder))
    assert check.code == 0 and "note 'oud' expired" in check.err


def test_a_public_build_is_the_same_with_or_without_classified_notes(cli: Cli, tmp_path: Path) -> None:
    """No oracle: adding notes above the clearance changes no byte the
    build writes and no word it says."""
    public = note("open", "openbaar", text="Openbare aantekening.")
    secret = "".join(note(f"geheim-{n}", level, text=f"Geheim {level}.", subjects="[sahel, terrorism, defence]")
                     for n, level in enumerate(("dv", "stg-c", "stg-g")))
    plain = write_notes(tmp_path / "plain", public)
    mixed = write_notes(tmp_path / "mixed", public + secret)
    write_notes(tmp_path / "mixed", secret.replace("geheim-", "ander-"), name="meer.yaml")
    runs = []
    for name, folder in (("a", plain), ("b", mixed)):  # each a process of its own, as a user runs it
        run = subprocess.run([sys.executable, "-m", "generator", "build", "--region", "sahel", "--theme", "terrorism",
                              "--format", "html,docx,md", "--out", str(tmp_path / name), "--notes", str(folder),
                              "--date", "2026-12-01"], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "SOURCE_DATE_EPOCH": "1764806400"})
        assert run.returncode == 0, run.stderr
        runs.append(re.sub(r"\S*/tmp/\S*|\d{4}-\d\d-\d\dT\S+Z|\d+\.\d+s", "", run.stdout + run.stderr))
    assert runs[0] == runs[1]
    files = {p.name for p in (tmp_path / "a").iterdir()}
    assert files == {p.name for p in (tmp_path / "b").iterdir()}
    for name in sorted(files):
        path = tmp_path / "a" / name
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    stores = [sorted(p.name for p in (tmp_path / n / ".briefing-pictures").glob("*")) for n in "ab"]
    assert stores[0] == stores[1]


HOSTILE = ("<script>alert(1)</script> {{ 7*7 }} {% raw %} ]]> &amp; <w:p><w:r><w:t>x</w:t></w:r></w:p> "
           "file:///etc/passwd ![img](file:///etc/passwd) `code` # kop")


def test_hostile_note_text_is_text_in_every_format(cli: Cli, tmp_path: Path) -> None:
    folder = write_notes(tmp_path / "notes", note("vijandig", "openbaar", text=HOSTILE, subjects="[arctic]"))
    run = cli("build", "--region", "arctic", "--notes", str(folder), "--out", str(tmp_path / "out"), "--format",
              "pdf,docx,html,md", "--quiet")
    assert run.code == 0, run.err
    out = tmp_path / "out"
    html = (out / "region-arctic.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    with zipfile.ZipFile(out / "region-arctic.docx") as package:
        xml = package.read("word/document.xml").decode()
    assert "<w:t>x</w:t></w:r></w:p> file" not in xml and "&lt;w:p&gt;" in xml
    import docx

    words = "\n".join(p.text for p in docx.Document(str(out / "region-arctic.docx")).paragraphs)
    assert HOSTILE in words
    pdf = subprocess.run(["pdftotext", str(out / "region-arctic.pdf"), "-"], capture_output=True, text=True).stdout
    assert "<script>alert(1)</script>" in pdf and "{{ 7*7 }}" in " ".join(pdf.split())
    from test_markdown import shown

    md = (out / "region-arctic.md").read_text()
    assert HOSTILE in shown(md)


def test_notes_cli_lists_by_subject_and_checks(cli: Cli) -> None:
    listed = cli("notes", "list", "--notes", str(EXAMPLES), "--clearance", "stg-g", "--subject", "terrorism")
    assert listed.code == 0 and listed.out.split()[0] == "voorbeeld-sahel-dv" and len(listed.out.splitlines()) == 1
    public = cli("notes", "list", "--notes", str(EXAMPLES))
    assert "voorbeeld-sahel-openbaar" in public.out and "voorbeeld-sahel-dv" not in public.out + public.err
    explained = cli("explain", "--region", "sahel", "--notes", str(EXAMPLES), "--clearance", "dv")
    assert "note voorbeeld-sahel-dv" in explained.out and "Departementaal Vertrouwelijk" in explained.out
    checked = cli("notes", "check", "--notes", str(EXAMPLES), "--clearance", "stg-g")
    assert checked.code == 0 and "3 note(s) up to Stg. Geheim, no errors" in checked.out


def test_the_example_folder_is_marked_as_invented() -> None:
    text = (EXAMPLES / "sahel.yaml").read_text(encoding="utf-8")
    bodies = re.findall(r"text: \|\n((?:    .*\n?)+)", text)
    assert len(bodies) == 3 and all("Voorbeeld" in body for body in bodies)


def test_notes_do_not_touch_hashes_of_briefings_they_are_not_about(cli: Cli, tmp_path: Path) -> None:
    folder = write_notes(tmp_path / "notes", note("s", "openbaar", text="Alleen over de Sahel."))
    for name, extra in (("a", []), ("b", ["--notes", str(folder)])):
        run = cli("build", "--region", "arctic", "--format", "html", "--out", str(tmp_path / name), "--quiet",
                  "--date", "2026-12-01", *extra)
        assert run.code == 0, run.err
    digest = [hashlib.sha256((tmp_path / n / "region-arctic.html").read_bytes()).hexdigest() for n in "ab"]
    assert digest[0] == digest[1]


def test_a_notes_links_lead_where_they_say_in_every_format_and_nowhere_else(cli: Cli, tmp_path: Path) -> None:
    text = ("Zie [het rapport](https://example.org/rapport?a=1&b=2) en [mail](mailto:dgpz@example.org); "
            "niet [dit](javascript:alert(1)) of [dat](file:///etc/passwd).")
    folder = write_notes(tmp_path / "notes", note("links", "openbaar", text=text, subjects="[arctic]"))
    run = cli("build", "--region", "arctic", "--notes", str(folder), "--out", str(tmp_path / "out"), "--format",
              "pdf,docx,html,md", "--quiet")
    assert run.code == 0, run.err
    out = tmp_path / "out"
    shown_text = ("Zie het rapport (https://example.org/rapport?a=1&b=2) en mail (mailto:dgpz@example.org); "
                  "niet [dit](javascript:alert(1)) of [dat](file:///etc/passwd).")
    html = (out / "region-arctic.html").read_text()
    assert ('<a href="https://example.org/rapport?a=1&amp;b=2">het rapport (https://example.org/rapport?a=1&amp;b=2)'
            '</a>') in html
    assert '<a href="mailto:dgpz@example.org">' in html and 'href="javascript' not in html and 'href="file' not in html
    with zipfile.ZipFile(out / "region-arctic.docx") as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert 'Target="https://example.org/rapport?a=1&amp;b=2"' in rels and "javascript" not in rels
    import docx

    assert shown_text in "\n".join(p.text for p in docx.Document(str(out / "region-arctic.docx")).paragraphs)
    pdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(out / "region-arctic.pdf"), "-"],
                         capture_output=True).stdout
    assert b"/URI (https://example.org/rapport?a=1&b=2)" in pdf and b"javascript" not in pdf
    from test_markdown import GFM, shown

    md = (out / "region-arctic.md").read_text()
    assert shown_text in shown(md)
    assert "\u00a0" not in md.split("Zie ", 1)[1].split("\n", 1)[0]  # a space after a link stays a space
    rendered = GFM.render(md)
    assert 'href="https://example.org/rapport?a=1&amp;b=2"' in rendered and 'href="javascript' not in rendered


def test_the_server_refuses_a_warm_folder_built_at_a_higher_clearance(cli: Cli, tmp_path: Path) -> None:
    built(cli, tmp_path / "dv", "--notes", str(EXAMPLES), "--clearance", "dv")
    run = cli("serve", "--warm", str(tmp_path / "dv"), "--cache", str(tmp_path / "cache"), "--port", "1")
    assert run.code == 1 and "built at clearance 'dv'; a warm folder is read by everyone" in run.err


def test_an_english_edition_prints_the_notes_as_written_and_marked_dutch(cli: Cli, tmp_path: Path) -> None:
    import docx
    import lxml.html

    built(cli, tmp_path / "en", "--notes", str(EXAMPLES), "--clearance", "dv", "--lang", "en")
    page = lxml.html.fromstring((tmp_path / "en" / "region-sahel.en.html").read_bytes())
    assert "Notes from the ministry" in page.text_content() and "DEPARTMENTAL" in page.text_content().upper()
    notes = page.xpath('//section[contains(@class, "role-notes")]//aside//p[@lang="nl"]')
    assert notes and any("*sterretjes*" in p.text_content() for p in notes)
    document = docx.Document(str(tmp_path / "en" / "region-sahel.en.docx"))
    note = next(p for p in document.paragraphs if "*sterretjes*" in p.text)
    assert {r.style.name for r in note.runs if r.text.strip()} == {"Dutch Text"}
