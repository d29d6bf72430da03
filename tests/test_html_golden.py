"""HTML output compared with golden files. After an intended change to
templates, composition or content, regenerate them with `make golden` and
review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TEMPLATES, make_briefing

from generator.content import Content
from generator.writers import get_writer

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "region-horn-of-africa": [("region", "horn-of-africa")],
    "theme-cyber-security+ministry-security-justice": [("theme", "cyber-security"), ("ministry", "security-justice")],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_html_matches_golden(content: Content, name: str) -> None:
    html = get_writer("html", TEMPLATES).render(make_briefing(content, *CASES[name])).data.decode("utf-8")
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
    assert '<nav class="contents" aria-labelledby="inhoud">' in html
    assert '<th scope="col">Wat</th>' in html
    assert html.count("<h1>") == 1
