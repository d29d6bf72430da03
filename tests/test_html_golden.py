"""HTML output compared with golden files. After an intended change to
templates, composition or content, regenerate them with `make golden` and
review the diff."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import TEMPLATES, make_briefing

from generator.content import Content, load_content
from generator.writers import get_writer

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
# A small fixed content set: these files change when templates or
# composition change, not whenever a tag in content/ is edited.
FIXTURE = HERE / "fixtures" / "content"
CASES = {
    "region-horn-of-africa": [("region", "horn-of-africa")],
    "region-sahel+theme-terrorism": [("region", "sahel"), ("theme", "terrorism")],
    "ministry-defence": [("ministry", "defence")],
}


def readable(html: str) -> str:
    """The page with each inlined font (120 kB of base64) and picture
    replaced by its digest, so that a golden diff shows what changed in
    the page."""
    def digest(match: re.Match[str]) -> str:
        return f"{match.group(1)};sha256={hashlib.sha256(match.group(2).encode()).hexdigest()[:16]}"
    html = re.sub(r"(data:font/woff2|data:image/svg\+xml);base64,([A-Za-z0-9+/=]+)", digest, html)
    return re.sub(r"(<svg [^>]*>).*?</svg>", lambda m: f"{m.group(1)}sha256="
                  f"{hashlib.sha256(m.group(0).encode()).hexdigest()[:16]}</svg>", html, flags=re.DOTALL)


@pytest.fixture(scope="module")
def fixture_content() -> Content:
    return load_content(FIXTURE)


@pytest.mark.parametrize("name", sorted(CASES))
def test_html_matches_golden(fixture_content: Content, name: str) -> None:
    briefing = make_briefing(fixture_content, *CASES[name])
    html = readable(get_writer("html", TEMPLATES).render(briefing).data.decode("utf-8"))
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        # Point at the first differing line, like a fixture failure should.
        for number, (got, want) in enumerate(zip(html.splitlines(), expected.splitlines(), strict=False), 1):
            if got != want:
                pytest.fail(f"{golden}:{number}: differs\n  got:  {got[:160]}\n  want: {want[:160]}\n"
                            "(run `make golden` if the change is intended)")
        pytest.fail(f"{golden}: length differs (run `make golden` if the change is intended)")


def test_html_is_self_contained_and_accessible(content: Content) -> None:
    html = get_writer("html", TEMPLATES).render(make_briefing(content, ("region", "sahel"))).data.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in html
    assert "<link" not in html and "<style>" in html  # opens from disk, no assets
    assert '<nav class="contents"' not in html  # short: no contents
    long = get_writer("html", TEMPLATES).render(make_briefing(content, ("ministry", "defence"))).data.decode()
    assert '<nav class="contents" aria-labelledby="contents-title">' in long
    assert '<th scope="col">Wat</th>' in html
    assert html.count("<h1>") == 1


def test_ids_are_unique(content: Content, fixture_content: Content) -> None:
    for source, pairs in ((content, [("ministry", "foreign-affairs")]), (content, [("region", "sahel")]),
                          *((fixture_content, p) for p in CASES.values())):
        html = get_writer("html", TEMPLATES).render(make_briefing(source, *pairs)).data.decode()
        ids = re.findall(r' id="([^"]+)"', html)
        assert len(ids) == len(set(ids)), pairs
        for anchor in re.findall(r'href="#([^"]+)"', html):
            assert anchor in ids, anchor
