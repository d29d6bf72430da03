"""The classification scale: which levels exist, in which order, and which
are refused outright. Data, not code: `content/classification.yaml`.

A briefing's marking is a level of this scale: the highest of what it
holds (its notes), raised (never lowered) by `--marking`. A build's
clearance is a level too: it admits only notes at or below it. A level is
accepted by its id (`dv`), its name or an alias, in any case and spacing
("departementaal   vertrouwelijk").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Location, Problem, UsageError, suggest
from .schema import Ident, Raw, Record, Strings, Text, items
from .yamlio import LocatedDict, read_yaml

SCALE_FILE = "classification.yaml"

SCALE = Record(SCALE_FILE, {"levels": Raw(), "refused": Raw(required=False)})
LEVEL = Record("level", {"id": Ident(), "name": Text(limit=60), "name_en": Text(limit=60, required=False),
                         "aliases": Strings(required=False)}, named_by="id")
REFUSED = Record("refused level", {"id": Ident(), "name": Text(limit=60), "aliases": Strings(required=False),
                                   "reason": Text()}, named_by="id")


class RefusedLevel(UsageError):
    """A level the tool will not handle at all (Stg. Zeer Geheim)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"'{name}' is refused: {reason}")
        self.name = name


class UnknownLevel(UsageError):
    """Text that names no level of the scale."""


@dataclass(frozen=True, slots=True, order=True)
class Level:
    """A level of the scale; levels compare by their rank."""

    rank: int
    id: str
    name: str
    name_en: str = ""  # in an English edition; the name when empty

    def label(self, language: str) -> str:
        """The level as an edition in `language` prints it."""
        return self.name_en if language == "en" and self.name_en else self.name


@dataclass(frozen=True, slots=True)
class Scale:
    levels: tuple[Level, ...]
    names: dict[str, Level]  # every accepted spelling, folded (see _fold)
    refused: dict[str, tuple[str, str]]  # folded spelling -> (name, reason)

    @property
    def lowest(self) -> Level:
        return self.levels[0]

    def level(self, text: str) -> Level:
        """The level `text` names; UsageError (with a did-you-mean) for
        anything else, and for a refused level with its reason."""
        key = _fold(text)
        if key in self.refused:
            raise RefusedLevel(*self.refused[key])
        found = self.names.get(key)
        if found is None:
            known = [level.id for level in self.levels] + [level.name for level in self.levels]
            raise UnknownLevel(f"unknown classification '{text.strip()[:60]}'{suggest(text.strip(), known)} "
                             f"(one of: {', '.join(f'{lv.id} ({lv.name})' for lv in self.levels)})")
        return found


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("_", "-").split())


def _spellings(*texts: str) -> list[str]:
    """A level's spellings, folded, each once."""
    return list(dict.fromkeys(_fold(t) for t in texts if t))


def load_scale(root: Path, problems: list[Problem]) -> Scale | None:
    """content/classification.yaml, checked: ids and spellings unique, at
    least one level."""
    path = root / SCALE_FILE
    data = read_yaml(path, problems)
    if not isinstance(data, LocatedDict):
        if data is not None:
            problems.append(Problem(Location(path), "expected a mapping with 'levels' (and 'refused')"))
        return None
    top = SCALE.read(data, path, problems)
    levels: list[Level] = []
    names: dict[str, Level] = {}
    refused: dict[str, tuple[str, str]] = {}
    seen: dict[str, Location] = {}

    def claim(spelling: str, where: Location) -> bool:
        key = _fold(spelling)
        if key in seen:
            problems.append(Problem(where, f"'{spelling}' names two levels (also at {seen[key]})"))
            return False
        seen[key] = where
        return True

    for item in items(top["levels"], path, "level", problems):
        f = LEVEL.read(item, path, problems)
        level = Level(len(levels), f["id"], f["name"], f["name_en"])
        levels.append(level)
        for spelling in _spellings(f["id"], f["name"], f["name_en"], *f["aliases"]):
            if claim(spelling, f.at()):
                names[spelling] = level
    for item in items(top["refused"], path, "refused level", problems):
        f = REFUSED.read(item, path, problems)
        for spelling in _spellings(f["id"], f["name"], *f["aliases"]):
            if claim(spelling, f.at()):
                refused[spelling] = (f["name"], f["reason"])
    if not levels:
        problems.append(Problem(Location(path), "the scale needs at least one level"))
        return None
    return Scale(tuple(levels), names, refused)


# The lowest level alone: the scale of content made in code (tests, a
# library user) that has no classification.yaml. Loaded content always has
# the file's.
DEFAULT_SCALE = Scale((Level(0, "openbaar", "Openbaar"),), {"openbaar": Level(0, "openbaar", "Openbaar")}, {})
