"""Make the font subsets that Word and HTML briefings carry with them.

The PDF embeds its own subsets (WeasyPrint makes them per document). The
Word and HTML outputs must carry the house font too — a reader's machine
rarely has Noto Sans, and a substituted font changes every page — but
the full files are 2 MB. So this script cuts the shipped Noto Sans to the
characters of Western European text (Basic Latin, Latin-1, Latin
Extended-A, general punctuation, the euro sign): enough for every
character in content/ (a test checks that) and for a reader who edits the
Word file in Dutch, English, French or German. Layout features and
family names are kept, so Word and LibreOffice match them to "Noto Sans".

Output, in templates/fonts/subset/: NotoSans-<Face>.ttf (for Word, which
wants TrueType; about 54 kB each) and NotoSans-<Face>.woff2 (for HTML,
about 22 kB each). Run after changing the fonts:
`.venv/bin/python tools/make_font_subsets.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FACES = ("Regular", "Bold", "Italic", "BoldItalic")
RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2190, 0x2193), (0x2212, 0x2212))


def unicodes() -> set[int]:
    return {c for low, high in RANGES for c in range(low, high + 1)}


def build(fonts: Path) -> None:
    out = fonts / "subset"
    out.mkdir(exist_ok=True)
    for face in FACES:
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False  # smaller; modern renderers do not need it at text sizes
        for flavor, suffix in ((None, ".ttf"), ("woff2", ".woff2")):
            font = TTFont(fonts / f"NotoSans-{face}.ttf")
            # Fixed timestamps, so that rerunning gives identical files.
            font.recalcTimestamp = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=unicodes())
            subsetter.subset(font)
            font.flavor = flavor
            font.save(out / f"NotoSans-{face}{suffix}")
            print(f"wrote {out / f'NotoSans-{face}{suffix}'}")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "templates" / "fonts")
