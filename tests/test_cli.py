"""The command line: exit codes, one clear line per error, aliases,
did-you-mean, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Cli

from generator.content import Content


def test_build_one_briefing_by_alias(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "hoorn-van-afrika", "--format", "html", "--out", str(tmp_path), "--quiet")
    assert run.code == 0, run.err
    assert (tmp_path / "region-horn-of-africa.html").is_file()
    assert "1 briefing(s): 1 built, 0 up to date, 0 failed" in run.out


@pytest.mark.parametrize(("argv", "message"), [
    (["build", "--region", "sahl"], "unknown region 'sahl' — did you mean 'sahel'?"),
    (["build", "--theme", "cyber"], "unknown theme 'cyber' — did you mean 'cyber-security'?"),
    # A covered place names its region before a name that merely contains it ('Somalië').
    (["build", "--region", "mali"], "unknown region 'mali' — did you mean 'sahel'?"),
    (["build", "--region", "somalia"], "unknown region 'somalia' — did you mean 'horn-of-africa'?"),
    (["build", "--region", "sahel", "--format", "pdf,odt"], "unknown format 'odt'"),
    (["build"], "give --all or --matrix, or one or more of --region, --theme, --ministry"),
    (["build", "--all", "--region", "sahel"], "give --all or --matrix, or one or more of"),
    (["build", "--region", "sahel", "-j", "0"], "-j must be at least 1"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["explain", "--ministry", "defense"], "unknown ministry 'defense' — did you mean 'defence'?"),
])
def test_usage_errors_exit_2(cli: Cli, tmp_path: Path, argv: list[str], message: str) -> None:
    run = cli(*argv, "--out", str(tmp_path)) if argv and argv[0] == "build" else cli(*argv)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(("key", "region"), [
    ("mali", "sahel"), ("Mali", "sahel"), ("niger", "sahel"), ("Burkina Faso", "sahel"),
    ("somalie", "horn-of-africa"), ("Somalië", "horn-of-africa"), ("afghanistan", "asia"),
    ("afganistan", "asia"),  # a place spelled nearly right
    ("arabische-regio", "middle-east"),  # an alias beats another region's covered place
    ("energie", None),  # places are short: a loose likeness is no suggestion
])
def test_did_you_mean_knows_covered_places(content: Content, key: str, region: str | None) -> None:
    # Suggested only: `--region mali` above is still an error, not the Sahel.
    assert content.taxonomies["region"].suggest(key) == region


def test_empty_selection_exits_1(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "arctic", "--theme", "piracy", "--out", str(tmp_path))
    assert run.code == 1
    assert "no passage of the strategy matches region 'arctic' + theme 'piracy'" in run.err
    assert not (tmp_path / "manifest.json").exists()


def test_content_error_exits_1_before_writing(cli: Cli, content_copy: Path, tmp_path: Path) -> None:
    path = content_copy / "passages/01-brief.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: letter", "kind: leter", 1), encoding="utf-8")
    out = tmp_path / "out"
    run = cli("build", "--all", "--content", str(content_copy), "--out", str(out))
    assert run.code == 1
    assert "01-brief.yaml:" in run.err and "did you mean 'letter'" in run.err
    assert not out.exists()


def test_list_and_json(cli: Cli) -> None:
    run = cli("list", "regions")
    assert run.code == 0 and "sahel" in run.out and "themes:" not in run.out
    data = json.loads(cli("list", "--json").out)
    assert set(data) == {"regions", "themes", "ministries"}
    sahel = next(r for r in data["regions"] if r["id"] == "sahel")
    assert sahel["label_nl"] == "Sahel" and sahel["passages"] >= 8


def test_explain_names_the_tag_and_place(cli: Cli) -> None:
    run = cli("explain", "--region", "sahel", "--theme", "terrorism")
    assert run.code == 0
    out = run.out
    assert out.startswith("region-sahel+theme-terrorism: ")
    assert "tagged region 'sahel'; tagged theme 'terrorism'" in out
    assert "passages/06-beleidsimplicaties.yaml:" in out


def test_explain_shows_each_passages_depth_and_why(cli: Cli) -> None:
    out = cli("explain", "--region", "sahel").out
    assert "in full: about region 'sahel'" in out
    assert "excerpt (sentences 2): only mentions region 'sahel' (content: mentions)" in out
    assert "with context from brief-10" in out  # a bullet's lead-in
    assert "not printed: tagged region 'sahel'; repeats 'brief-12', printed there" in out


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    for argv in ([sys.executable, "-m", "generator", "--version"], [str(Path(sys.executable).parent / "briefing"),
                                                                    "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0 and done.stdout.startswith("briefing "), done.stderr


def test_unexpected_error_has_no_traceback_without_debug(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.content as content_module  # the command imports it when it runs

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(content_module, "load_content", boom)
    run = cli("list")
    assert run.code == 1 and "internal error: RuntimeError: kaboom" in run.err
    assert "Traceback" not in run.err
    assert "Traceback" in cli("--debug", "list").err


def test_marking_option_reaches_the_document(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "arctic", "--marking", "Departementaal vertrouwelijk", "--format", "html,docx",
              "--out", str(tmp_path), "--quiet")
    assert run.code == 0
    html = (tmp_path / "region-arctic.html").read_text(encoding="utf-8")
    assert '<p class="marking marking-top">Departementaal Vertrouwelijk</p>' in html  # the scale's name for it
    import docx
    header = docx.Document(str(tmp_path / "region-arctic.docx")).sections[-1].header.paragraphs[0].text
    assert header.endswith("Departementaal Vertrouwelijk")  # capitals come from the Marking style


@pytest.mark.parametrize(("marking", "message"), [
    ("geheim", "unknown classification 'geheim' — did you mean 'Stg. Geheim'?"),
    ("Stg. Zeer Geheim", "'Stg. Zeer Geheim' is refused: this tool gives logical separation only"),
    ("stg-zg", "'Stg. Zeer Geheim' is refused"),
])
def test_a_marking_is_a_level_of_the_scale(cli: Cli, tmp_path: Path, marking: str, message: str) -> None:
    run = cli("build", "--region", "arctic", "--marking", marking, "--out", str(tmp_path / "o"))
    assert run.code == 2 and message in run.err, run.err
    assert not (tmp_path / "o").exists()


def test_a_selection_beyond_the_limit_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", *(["--region", "sahel"] * 65), "--out", str(tmp_path))
    assert run.code == 2 and run.err.strip() == "65 subjects asked for in one briefing; at most 64"
