"""Where regions lie: the country outlines and the region -> countries
mapping the maps are drawn from, read and checked with the rest of content.

content/geo/ holds three files (see README, "Maps and charts"):

    world.json     Natural Earth's country outlines, made once by
                   tools/make_world.py (source, version and licence inside)
    regions.yaml   per region its countries and the view its map shows,
                   the views, and the views a theme map may use
    places.yaml    the place names the text uses, and the countries or
                   regions each stands for (what a theme map may shade);
                   optional: without it, theme maps are left out

The folder is optional: content without it has no maps (a small test
content set, say). When it is there, both files must be, and every
problem is reported with its place like any content problem.

Only the names and extents of countries are kept here; the outlines
themselves are read again by the renderer (`pictures`), in the worker that
draws, from the path and digest a map in the model carries.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import assets
from .errors import Location, Problem, closest, hint
from .taxonomy import Taxonomy, Terms, Words, did_you_mean
from .yamlio import LocatedDict, read_yaml

GEO_DIR = "geo"
WORLD = "world.json"
PLACES = "regions.yaml"
NAMES = "places.yaml"
PROJECTIONS = ("laea", "equal-earth")


@dataclass(frozen=True, slots=True)
class View:
    """What a map shows: a projection around `center`, wide enough to hold
    `bounds` (west, south, east, north in degrees)."""

    id: str
    label_nl: str
    label_en: str
    projection: str
    center: tuple[float, float]
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Place:
    """Where one region lies on the maps."""

    region: str
    view: str
    countries: tuple[str, ...]
    north_of: float | None
    location: Location


@dataclass(frozen=True, slots=True)
class PlaceName:
    """Names the text uses for one place, and what the place is on a map:
    countries, whole regions, or nothing (`none` says why)."""

    names: tuple[str, ...]
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    none: str
    location: Location


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name_nl: str
    name_en: str
    extent: tuple[float, float, float, float]  # of its largest ring: west, south, east, north


@dataclass(frozen=True, slots=True)
class Geo:
    world: Path
    digest: str  # sha256 of world.json: a map in the model carries it, so new outlines redraw the maps
    countries: dict[str, Country]
    views: dict[str, View]
    theme_views: tuple[str, ...]
    places: dict[str, Place]
    names: tuple[PlaceName, ...] = ()

    def named_in(self, words: Words) -> list[PlaceName]:
        """The places (that a map can show) named in `words`, as whole
        words: 'Afrika' is not named in 'Noord-Afrika', 'Niger' not in
        'Nigeria'."""
        exact, phrases = _index(self.names)
        found = {i for w in words.words for i in exact.get(w, ())}
        found.update(i for phrase, i in phrases if phrase in words.joined)
        return [self.names[i] for i in sorted(found)]


Index = tuple[dict[str, list[int]], list[tuple[str, int]]]
# By the identity of a content's names: hashing 86 records for every
# sentence would cost more than the lookup saves.
_indexes: dict[int, tuple[tuple[PlaceName, ...], Index]] = {}


def _index(names: tuple[PlaceName, ...]) -> Index:
    kept = _indexes.get(id(names))
    if kept is None or kept[0] is not names:
        kept = _indexes[id(names)] = (names, _make_index(names))
    return kept[1]


def _make_index(names: tuple[PlaceName, ...]) -> Index:
    """The place names as `Terms` compile them, turned around: a word to
    the places it names, and the phrases. A sentence is then looked up
    word by word instead of against every place (planning a catalogue
    asks this of some two thousand sentences)."""
    exact: dict[str, list[int]] = {}
    phrases: list[tuple[str, int]] = []
    for i, place in enumerate(names):
        if place.none:
            continue
        terms = Terms(place.names)
        for word in terms.exact:
            exact.setdefault(word, []).append(i)
        phrases.extend((phrase, i) for phrase, _ in terms.phrases)
    return exact, phrases


def read_world(path: Path) -> tuple[bytes, dict[str, Any]]:
    """(bytes, parsed) of a world.json. Raises ValueError with a message
    that says what is wrong (the caller adds the path)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError("file not found (the country outlines of the maps; remake it with "
                         "tools/make_world.py)") from None
    except OSError as exc:
        raise ValueError(f"cannot read file: {exc.strerror}") from None
    return raw, parse_world(raw)


def parse_world(raw: bytes) -> dict[str, Any]:
    """A world.json's content, checked. Raises ValueError saying what is wrong."""
    try:
        data: dict[str, Any] = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: not a country outline file (invalid JSON: {exc.msg}); remake it with "
                         "tools/make_world.py") from None
    except UnicodeDecodeError:
        raise ValueError("not a country outline file (not UTF-8); remake it with tools/make_world.py") from None
    countries = data.get("countries") if isinstance(data, dict) else None
    if not isinstance(countries, dict) or not countries:
        raise ValueError("not a country outline file (no 'countries'); remake it with tools/make_world.py")
    for code, country in countries.items():
        rings = country.get("rings") if isinstance(country, dict) else None
        if (not isinstance(rings, list) or not rings
                or not all(isinstance(r, list) and len(r) >= 6 and len(r) % 2 == 0 for r in rings)):
            raise ValueError(f"country '{code}' has no outline (rings of longitude, latitude pairs)")
    return data


def _extent(rings: list[list[int]]) -> tuple[float, float, float, float]:
    largest = max(rings, key=len)
    xs, ys = largest[0::2], largest[1::2]
    return min(xs) / 100, min(ys) / 100, max(xs) / 100, max(ys) / 100


def load_geo(root: Path, regions: Taxonomy, problems: list[Problem]) -> Geo | None:
    """content/geo/, checked; None when the folder is absent or unusable."""
    folder = root / GEO_DIR
    if not folder.is_dir():
        return None
    world_path = folder / WORLD
    try:
        raw, world = read_world(world_path)
    except ValueError as exc:
        problems.append(Problem(Location(world_path), str(exc)))
        return None
    countries = {code: Country(code, str(c.get("name_nl") or c.get("name") or code),
                               str(c.get("name") or code), _extent(c["rings"]))
                 for code, c in world["countries"].items()}
    path = folder / PLACES
    data = read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a mapping with 'views', 'theme_views' and 'regions'"))
        return None
    checker = _Checker(path, countries, problems)
    for key in data:
        if key not in ("views", "theme_views", "regions"):
            checker.error(data.line_of(key), f"unknown key '{key}'{_hint(str(key), ('views', 'theme_views', 'regions'))}")
    views = checker.views(data)
    theme_views = checker.theme_views(data, views)
    places = checker.places(data, views, regions)
    names: tuple[PlaceName, ...] = ()
    if (folder / NAMES).is_file():
        names = _load_names(folder / NAMES, countries, regions, problems)
    # Maps refer to the outlines by digest: any process that draws them
    # gets them from `assets`, never from this path (see assets.py).
    digest = assets.put(raw)
    return Geo(world_path, digest, countries, views, theme_views, places, names)


def _load_names(path: Path, countries: dict[str, Country], regions: Taxonomy,
                problems: list[Problem]) -> tuple[PlaceName, ...]:
    """places.yaml, checked: every entry names a place and says what it is,
    every code and region exists, no name is given twice, and every name a
    region's label, aliases and `covers` use is placed."""
    data = read_yaml(path, problems)
    items = data.get("places") if isinstance(data, LocatedDict) else None
    if not isinstance(items, list):
        problems.append(Problem(Location(path), "expected a mapping with 'places', a list of entries"))
        return ()
    checker = _Checker(path, countries, problems)
    out: list[PlaceName] = []
    seen: dict[str, int] = {}
    for item in items:
        if not isinstance(item, LocatedDict):
            problems.append(Problem(Location(path), "each place must be a mapping with 'names'"))
            continue
        line = item.line
        for key in item:
            if key not in ("names", "countries", "regions", "none"):
                checker.error(item.line_of(key), f"unknown field '{key}'"
                                                 f"{_hint(str(key), ('names', 'countries', 'regions', 'none'))}")
        names = item.get("names")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            checker.error(line, "'names' must be a list of the names the text uses")
            continue
        for name in names:
            key = " ".join(name.lower().split())
            if key in seen:
                checker.error(line, f"'{name}' is placed twice (also at line {seen[key]})")
            seen.setdefault(key, line)
        label = f"place '{names[0]}'"
        codes = [c for c in (checker.country(code, item.line_of("countries"), label)
                             for code in item.get("countries") or []) if c]
        region_ids = [str(r) for r in item.get("regions") or []]
        for region_id in region_ids:
            entry = regions.get(region_id)
            if entry is None or entry.id != region_id:
                checker.error(item.line_of("regions"), f"{label}: unknown region '{region_id}'"
                                                       f"{did_you_mean(regions, region_id)}")
        none = str(item.get("none") or "").strip()
        if sum(bool(x) for x in (codes or item.get("countries"), region_ids, none)) != 1:
            checker.error(line, f"{label}: give exactly one of 'countries', 'regions' or 'none' (why it is no "
                                "place on a map)")
        out.append(PlaceName(tuple(names), tuple(codes), tuple(region_ids), none, Location(path, line)))
    for entry in regions.entries:
        for name in (entry.label_nl, *entry.aliases, *entry.covers):
            if " ".join(name.lower().split()) not in seen:
                problems.append(Problem(Location(path), f"region '{entry.id}' names '{name}' ({entry.location}), "
                                        "which places.yaml does not place: add it with its countries, regions or "
                                        "none"))
    return tuple(out)


def _hint(word: str, choices: Any) -> str:
    return hint(closest(word, choices))


def _numbers(value: Any, n: int) -> tuple[float, ...] | None:
    if (isinstance(value, list) and len(value) == n
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        return tuple(float(v) for v in value)
    return None


class _Checker:
    def __init__(self, path: Path, countries: dict[str, Country], problems: list[Problem]) -> None:
        self.path, self.countries, self.problems = path, countries, problems

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line), message))

    def section(self, data: LocatedDict, key: str) -> LocatedDict | None:
        value = data.get(key)
        if not isinstance(value, LocatedDict):
            self.error(data.line_of(key) if key in data else data.line,
                       f"'{key}' must be a mapping" if key in data else f"no '{key}'")
            return None
        return value

    def views(self, data: LocatedDict) -> dict[str, View]:
        section = self.section(data, "views")
        views: dict[str, View] = {}
        for name, item in (section or {}).items():
            line = section.line_of(name) if section is not None else 0
            if not isinstance(item, LocatedDict):
                self.error(line, f"view '{name}' must be a mapping with 'center' and 'bounds'")
                continue
            unknown = [k for k in item if k not in ("center", "bounds", "projection", "label_nl", "label_en")]
            for key in unknown:
                self.error(item.line_of(key), f"unknown field '{key}' in view '{name}'"
                                              f"{_hint(key, ('center', 'bounds', 'projection', 'label_nl', 'label_en'))}")
            projection = str(item.get("projection", "laea"))
            if projection not in PROJECTIONS:
                self.error(item.line_of("projection"), f"view '{name}': unknown projection '{projection}' "
                                                       f"(one of: {', '.join(PROJECTIONS)})")
            bounds = _numbers(item.get("bounds"), 4)
            if bounds is None or not (-180 <= bounds[0] < bounds[2] <= 360 and -90 <= bounds[1] < bounds[3] <= 90):
                self.error(item.line_of("bounds"), f"view '{name}': 'bounds' must be [west, south, east, north] "
                                                   "in degrees, west < east and south < north")
                continue
            center = _numbers(item.get("center"), 2)
            if center is None and projection == "laea":
                self.error(item.line_of("center"), f"view '{name}': 'center' must be [longitude, latitude]")
                continue
            label_nl, label_en = str(item.get("label_nl", "")).strip(), str(item.get("label_en", "")).strip()
            if not label_nl or not label_en:
                self.error(item.line, f"view '{name}' needs 'label_nl' and 'label_en' (what the map shows, "
                                      "for its alternative text)")
            views[str(name)] = View(str(name), label_nl, label_en, projection,
                                    (center[0], center[1]) if center else (0.0, 0.0),
                                    (bounds[0], bounds[1], bounds[2], bounds[3]))
        return views

    def theme_views(self, data: LocatedDict, views: dict[str, View]) -> tuple[str, ...]:
        value = data.get("theme_views")
        line = data.line_of("theme_views")
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.error(line, "'theme_views' must be a list of view names, smallest first")
            return ()
        for name in value:
            if name not in views:
                self.error(line, f"theme_views: unknown view '{name}'{_hint(name, views)}")
        return tuple(v for v in value if v in views)

    def country(self, code: Any, line: int, owner: str) -> str | None:
        text = str(code)
        if text in self.countries:
            return text
        # A name instead of a code is the likely slip: suggest the code.
        by_name = {c.name_nl.lower(): c.code for c in self.countries.values()}
        by_name.update({c.name_en.lower(): c.code for c in self.countries.values()})
        if text.lower() in by_name:
            hint = f" — did you mean '{by_name[text.lower()]}' ({text})?"
        else:
            best = difflib.get_close_matches(text.upper(), sorted(self.countries), n=1)
            hint = f" — did you mean '{best[0]}' ({self.countries[best[0]].name_nl})?" if best else ""
        self.error(line, f"{owner}: unknown country '{text}'{hint} (ISO 3166-1 alpha-3 codes, as in "
                         f"{WORLD})")
        return None

    def places(self, data: LocatedDict, views: dict[str, View], regions: Taxonomy) -> dict[str, Place]:
        section = self.section(data, "regions")
        places: dict[str, Place] = {}
        if section is None:
            return places
        for region_id, item in section.items():
            line = section.line_of(region_id)
            problem = did_you_mean(regions, str(region_id))
            entry = regions.get(str(region_id))
            if entry is None or entry.id != region_id:
                self.error(line, f"unknown region '{region_id}'{problem}")
                continue
            if not isinstance(item, LocatedDict):
                self.error(line, f"region '{region_id}' must be a mapping with 'view' and 'countries'")
                continue
            for key in item:
                if key not in ("view", "countries", "north_of", "reason"):
                    self.error(item.line_of(key), f"unknown field '{key}' in region '{region_id}'"
                                                  f"{_hint(str(key), ('view', 'countries', 'north_of', 'reason'))}")
            if not str(item.get("reason") or "").strip():
                self.error(line, f"region '{region_id}' gives no 'reason': say why its countries are these, with "
                                 "the strategy's own words where it has them")
            view = str(item.get("view", ""))
            if view not in views:
                self.error(item.line_of("view"), f"region '{region_id}': unknown view '{view}'{_hint(view, views)}"
                                                 if view else f"region '{region_id}' has no 'view'")
            raw = item.get("countries", [])
            if not isinstance(raw, list):
                self.error(item.line_of("countries"), f"region '{region_id}': 'countries' must be a list of codes")
                raw = []
            codes = [c for c in (self.country(code, item.line_of("countries"), f"region '{region_id}'") for code in raw) if c]
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                self.error(item.line_of("countries"), f"region '{region_id}': {', '.join(twice)} listed twice")
            north_of = item.get("north_of")
            if north_of is not None and (isinstance(north_of, bool) or not isinstance(north_of, (int, float))
                                         or not 0 < north_of < 90):
                self.error(item.line_of("north_of"), f"region '{region_id}': 'north_of' must be a latitude "
                                                     "between 0 and 90")
                north_of = None
            if not raw and north_of is None:
                self.error(line, f"region '{region_id}' has no countries (and no 'north_of'): its briefing's "
                                 "map would show nothing")
            places[str(region_id)] = Place(str(region_id), view, tuple(dict.fromkeys(codes)),
                                           float(north_of) if north_of is not None else None, Location(self.path, line))
        for entry in regions.entries:
            if entry.id not in places and entry.id not in section:
                self.error(section.line, f"region '{entry.id}' has no place on the maps: add it under 'regions' "
                                         "with its view and countries")
        return places
