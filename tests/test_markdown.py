"""The Markdown edition (`--format md`): text stays text, footnotes keep
the strategy's numbers, pictures are SVG files beside it, and the build,
the manifest, SHA256SUMS and the server treat those files as part of it."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import TEMPLATES, Cli, Rendered
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from starlette.testclient import TestClient

from generator import formats, pictures
from generator.build import BRIEFING_FILE
from generator.content import Content
from generator.serve.app import create_app
from generator.serve.cache import Cache
from generator.writers.markdown import escape

GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)

HOSTILE = [
    "*nadruk* en _ook_ en **vet**", "<b>vet</b> <script>alert(1)</script> &amp; &#169; &copy;",
    "[een link](file:///etc/passwd) en ![beeld](http://x/y.png)", "# geen kop", "## ook geen kop ##",
    "- geen lijst", "+ geen lijst", "* geen lijst", "1. geen lijst", "2013) geen lijst", "> geen citaat",
    "===", "---", "`code` en ```omheining```", "~~doorgestreept~~ en ~zo~", "a | b | c", "[^1] geen voetnoot",
    "\\ een backslash \\* en \\\\", "    vier spaties", "{{ jinja }} {% if %} ${x}", "<http://autolink>",
    "regel één\n- regel twee\n# regel drie", "tekst met een\u00a0harde spatie",
]


def shown(markdown: str) -> str:
    """What a CommonMark + GFM renderer shows of `markdown`: its HTML's text."""
    return html.unescape(re.sub(r"<[^>]+>", "", GFM.render(markdown))).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_content_markup_is_shown_as_written(text: str) -> None:
    expected = "\n".join(line.lstrip(" ") for line in text.split("\n"))  # leading spaces show as no-break ones
    assert shown(escape(text)).replace("\u00a0", " ").replace(" ", " ") == expected.replace("\u00a0", " ")
    assert "<script" not in GFM.render(escape(text)) and "<a " not in GFM.render(escape(text))


def test_text_that_continues_a_line_keeps_its_spaces_and_marks() -> None:
    # After a citation or a link the words go on: nothing there opens a block.
    assert escape(" en - 2. verder", line_start=False) == " en - 2. verder"
    assert escape(" en", line_start=True) == "\u00a0en"  # at a line's start, spaces would indent code


def test_every_passage_of_the_strategy_reads_back_word_for_word(content: Content) -> None:
    for passage in content.passages:
        assert shown(escape(passage.text)) == passage.text.strip(), passage.id


def test_footnotes_keep_the_strategys_numbers_and_are_each_defined(defence: Rendered) -> None:
    text = defence.md.decode("utf-8")
    calls = set(re.findall(r"\[\^(fn-[\w-]+)\](?!:)", text))
    defined = re.findall(r"^\[\^(fn-[\w-]+)\]: (\S+)", text, flags=re.M)
    assert calls and calls == {label for label, _ in defined}
    notes = {n.marker: n for s in defence.briefing.walk() for n in s.footnotes}
    for label, number in defined:
        assert number == label.split("-")[1] + "\\."  # the strategy's number, not a list's
    assert set(notes) <= {label.split("-")[1] for label, _ in defined}
    rendered = GFM.render(text)
    assert 'class="footnotes"' in rendered and "<ol start=" not in rendered


def test_pictures_are_svg_files_beside_it_linked_with_their_alt_text(sahel: Rendered) -> None:
    text = sahel.md.decode("utf-8")
    drawn = list(sahel.briefing.pictures())
    assert [name for name, _ in sahel.md_beside] == [f"region-sahel.{n}.svg" for n in range(1, len(drawn) + 1)]
    for (name, data), picture in zip(sahel.md_beside, drawn, strict=True):
        assert formats.BESIDE.match(name) and BRIEFING_FILE.match(name)
        assert data == pictures.render(picture.drawing, "svg", TEMPLATES)
        assert f"![{escape(picture.alt)}]({name})" in text
    assert b"<svg" not in sahel.md and b"data:" not in sahel.md


def test_the_contents_links_reach_their_headings(defence: Rendered) -> None:
    text = defence.md.decode("utf-8")
    rendered = MarkdownIt("commonmark").use(footnote_plugin).use(anchors_plugin, max_level=6).render(text)
    ids = set(re.findall(r'<h\d id="([^"]+)"', rendered))
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert len(links) >= 8 and set(links) <= ids


def test_a_markdown_build_lists_and_checks_its_pictures(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "sahel", "--format", "md", "--out", str(tmp_path))
    assert run.code == 0, run.err
    entry = json.loads((tmp_path / "manifest.json").read_text())["briefings"][0]
    md = entry["files"]["md"]
    assert md["name"] == "region-sahel.md" and [b["name"] for b in md["beside"]] == ["region-sahel.1.svg"]
    sums = (tmp_path / "SHA256SUMS").read_text()
    assert "  region-sahel.1.svg\n" in sums and "  region-sahel.md\n" in sums
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=tmp_path).returncode == 0
    # A picture gone makes the edition incomplete: the next build writes it again.
    (tmp_path / "region-sahel.1.svg").unlink()
    again = cli("build", "--region", "sahel", "--format", "md", "--out", str(tmp_path))
    assert again.code == 0 and "1 built" in again.out and (tmp_path / "region-sahel.1.svg").is_file()
    index = (tmp_path / "index.html").read_text()
    assert '<a href="region-sahel.md" type="text/markdown">MD</a>' in index


def test_the_server_serves_markdown_and_its_pictures(content: Content, tmp_path: Path) -> None:
    with TestClient(create_app(content, TEMPLATES, Cache(tmp_path), workers=1)) as client:
        md = client.get("/briefings/region-sahel.md")
        assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
        assert md.headers["content-disposition"].startswith('attachment; filename="region-sahel.md"')
        assert b"](region-sahel.1.svg)" in md.content
        svg = client.get("/briefings/region-sahel.1.svg")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.content.lstrip().startswith((b"<?xml", b"<svg"))
        assert "sandbox" in svg.headers["content-security-policy"] and svg.headers["x-content-type-options"]
        assert svg.headers["etag"] == md.headers["etag"]
        assert client.get("/briefings/region-sahel.2.svg").status_code == 404  # the briefing has one picture
        assert client.get("/briefings/region-hoorn-van-afrika.1.svg", follow_redirects=False).status_code == 308  # an alias
        page = client.get("/?region=sahel&format=md", headers={"accept": "text/html"}).text
        assert 'href="/briefings/region-sahel.md" download>Markdown downloaden</a>' in page
