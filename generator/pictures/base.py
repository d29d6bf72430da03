"""What the pictures package and its drawing share: the formats a
picture is written in, and the house fonts it is set in. Kept apart from
the package's `__init__`, which imports the drawing lazily, so that the
drawing does not import the package that loads it."""

from __future__ import annotations

from ..formats import PictureForm as Format

__all__ = ["FONTS", "FONT_DIR", "Format"]

FONT_DIR = "fonts"
FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")  # the house font, in which pictures set their words
