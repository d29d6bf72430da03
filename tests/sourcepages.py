"""The source's page table, read from `source/ivs-2013.txt` alone: which
words stand on which printed page of the Kamerstuk. Tests check every
citation a briefing prints against it, independently of the pages content/
records (see source/README.md for where each page starts)."""

from __future__ import annotations

import re
from functools import cache

from conftest import SOURCE

# First line (1-based) of each printed page 1-25; source/README.md.
PAGE_STARTS = (1, 34, 97, 151, 212, 274, 334, 394, 454, 519, 579, 639, 699, 759, 818, 878, 935, 991, 1050,
               1110, 1169, 1234, 1294, 1354, 1419)
FOOTER = re.compile(r"^Tweede Kamer, vergaderjaar 2012–2013, 33 694, nr\. 1 \d+\s*$")
# Footnote markers glued to a word ("stellen1."): references, not text.
MARKER = re.compile(r"(?<=[a-z])[12](?=[\s.])")


def normalise(text: str) -> str:
    """Case, whitespace, hyphens (line-end breaks), quotes and no-break
    spaces do not count; every letter, digit and other mark does."""
    text = text.lower()
    text = re.sub(r"[\s\-‐‑–—­\u00a0\u202f]+", "", text)
    return re.sub(r"[’‘'“”\"«»•]", "", text)


@cache
def page_texts() -> dict[int, str]:
    """Normalised text of each printed page."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    bounds = (*PAGE_STARTS, len(lines) + 1)
    out = {}
    for page, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False), start=1):
        kept = [line for line in lines[start - 1:end - 1] if not FOOTER.match(line)]
        out[page] = normalise(MARKER.sub("", "\n".join(kept)))
    return out


def span_text(first: int, last: int) -> str:
    texts = page_texts()
    return "".join(texts[n] for n in range(first, last + 1))


def stands_on(text: str, first: int, last: int | None = None) -> bool:
    """Whether `text` stands word for word on page `first` (through `last`)."""
    return normalise(text) in span_text(first, first if last is None else last)


def tightest(text: str) -> tuple[int, int] | None:
    """The shortest page range on which `text` stands, if any."""
    needle = normalise(text)
    for length in range(1, 4):
        for first in range(1, len(PAGE_STARTS) - length + 2):
            if needle in span_text(first, first + length - 1):
                return first, first + length - 1
    return None
