"""The font subsets Word and HTML carry cover every character the content
and the label catalogue can put in a briefing."""

from __future__ import annotations

from conftest import CONTENT, TEMPLATES
from fontTools.ttLib import TTFont


def test_subsets_cover_every_character_of_content_and_labels() -> None:
    used: set[str] = set()
    for path in (*CONTENT.rglob("*.yaml"), *(TEMPLATES / "labels").glob("*.yaml")):
        used |= set(path.read_text(encoding="utf-8"))
    for font in sorted((TEMPLATES / "fonts" / "subset").glob("NotoSans-*")):
        cmap = TTFont(font).getBestCmap()
        missing = sorted(c for c in used if ord(c) >= 0x20 and ord(c) not in cmap)
        assert missing == [], f"{font.name} lacks {missing} (run tools/make_font_subsets.py with a wider range)"
