"""Sentences of a passage, and the words that tie a sentence to the one
before it. Used by content validation (a `mentions` tag must name its
subject in some sentence) and by selection (which sentences an excerpt
prints, and what context they need).

The strategy's text is plain, edited Dutch: a sentence ends at '.', '?' or
'!' followed by a capital, a digit or an opening quote. The only
abbreviations before a capital are initials ("F.C.G.M. Timmermans").
"""

from __future__ import annotations

import re
from functools import lru_cache

_BOUNDARY = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9«“‘(\[ÀÁÉÈÖÜ])")
_INITIALS = re.compile(r"(?:^|\s)(?:[A-Z]\.)+$")

# A sentence opening with one of these leans on the one before it
# ("Dit manifesteert zich duidelijk in West-Afrika."); one holding a
# pronominal adverb early on does too ("De focus ligt daarbij op ..."), and
# so does one opening with a preposition and a demonstrative ("Met dit
# budget ...") or pointing back with "daar" or "hier" ("Daar staat
# tegenover dat ...", "Met Europa wordt hier bedoeld ...").
# Strong openers point at something said before; weak ones ("Ook",
# "Zo") only continue it: within a passage an excerpt takes the sentence
# before either, but only a strong one reaches into the passage before.
STRONG_OPENERS = frozenset({
    "dit", "deze", "die", "daarnaast", "daarbij", "daarom", "daardoor", "daarmee", "daarin",
    "hierbij", "hiermee", "hierdoor", "hiervoor", "hierin", "zij", "hij", "dergelijke", "datzelfde",
    "daar", "hier", "zulke", "zo’n", "dezelfde",
})
REFERRING_OPENERS = STRONG_OPENERS | frozenset({
    "dat", "ook", "zo", "bovendien", "tegelijkertijd", "evenmin", "eveneens", "verder", "voorts", "wel",
    "maar",
})
REFERRING_WORDS = frozenset({
    "daarbij", "daarom", "daardoor", "daarmee", "daarin", "daarvoor", "daartoe", "hierbij", "hiermee",
    "hierdoor", "hiervoor", "hierin", "hiertoe", "ervan", "daarvan", "hiervan", "daarop", "hierop",
    "daartegenover", "hier", "daar",
})
# "Met dit budget", "In deze context", "Naast deze accenten".
PREPOSITIONS = frozenset({
    "met", "in", "op", "voor", "door", "naast", "bij", "uit", "onder", "tegen", "over", "vanuit", "via",
    "binnen", "buiten", "na", "tot", "aan", "van", "om", "ondanks", "zonder",
})
DEMONSTRATIVES = frozenset({"dit", "deze", "die", "dat", "dergelijke", "zulke", "zo’n"})
_WORD = re.compile(r"[\w’'-]+")
@lru_cache(maxsize=4096)
def split(text: str) -> tuple[str, ...]:
    """The sentences of `text`, in order; joined with single spaces they
    give the text back (whitespace normalised). Remembered: a passage is
    split by every briefing that shows it."""
    flat = " ".join(text.split())
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(flat):
        head = flat[start:match.start()]
        if _INITIALS.search(head):
            continue
        out.append(head)
        start = match.end()
    out.append(flat[start:])
    return tuple(s for s in out if s)


def refers_back(sentence: str, strong: bool = False) -> bool:
    """Whether `sentence` needs the one before it to be understood; with
    `strong`, only when it points at something said there."""
    words = [w.lower().replace("'", "’") for w in _WORD.findall(sentence)[:6]]
    if not words:
        return False
    openers = STRONG_OPENERS if strong else REFERRING_OPENERS
    demonstrative = len(words) > 1 and words[0] in PREPOSITIONS and words[1] in DEMONSTRATIVES
    return words[0] in openers or demonstrative or any(w in REFERRING_WORDS for w in words)
