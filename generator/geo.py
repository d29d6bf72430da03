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
from .errors import Location, Problem, suggest
from .schema import Choice, Nested, Number, Numbers, Raw, Record, Strings, Text, Values, items
from .taxonomy import Taxonomy, Terms, Words, did_you_mean
from .yamlio import LocatedDict, read_yaml

GEO_DIR = "geo"
WORLD = "world.json"
PLACES = "regions.yaml"
NAMES = "places.yaml"
PROJECTIONS = ("laea", "equal-earth")

# The schemas of regions.yaml and places.yaml (see schema.py); what their
# fields say together, and whether the codes and ids exist, is checked below.
REGIONS_FILE = Record(PLACES, {
    "views": Nested(), "regions": Nested(),
    "theme_views": Strings(least=1, meaning="'{key}' must be a list of view names, smallest first"),
})
VIEW = Record("view", {
    "projection": Choice(PROJECTIONS, noun="projection", required=False, default="laea"),
    "bounds": Numbers(4, "[west, south, east, north] in degrees, west < east and south < north"),
    "center": Numbers(2, "[longitude, latitude]", required=False),
    "label_nl": Text(), "label_en": Text(),
})
PLACE = Record("region", {
    "view": Text(), "countries": Raw(required=False), "reason": Text(required=False, empty_ok=True),
    "north_of": Number(0, 90, "a latitude", required=False),
})
NAMES_FILE = Record(NAMES, {"places": Raw()})
NAME = Record("place", {
    "names": Strings(least=1, meaning="'{key}' must be a list of the names the text uses"),
    "countries": Raw(required=False), "regions": Strings(required=False), "none": Text(required=False),
})


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
    top = REGIONS_FILE.read(data, path, problems)
    checker = _Checker(path, countries, problems)
    views = checker.views(top)
    theme_views = checker.theme_views(top, views)
    places = checker.places(top, views, regions)
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
    if not isinstance(data, LocatedDict):
        problems.append(Problem(Location(path), "expected a mapping with 'places', a list of entries"))
        return ()
    checker = _Checker(path, countries, problems)
    out: list[PlaceName] = []
    seen: dict[str, int] = {}
    for item in items(NAMES_FILE.read(data, path, problems)["places"], path, "place", problems):
        f = NAME.read(item, path, problems)
        line, names = item.line, f["names"]
        if not names:
            continue
        for name in names:
            key = " ".join(name.lower().split())
            if key in seen:
                checker.error(line, f"'{name}' is placed twice (also at line {seen[key]})")
            seen.setdefault(key, line)
        label = f"place '{names[0]}'"
        codes = [c for c in (checker.country(code, item.line_of("countries"), label)
                             for code in f["countries"] or []) if c]
        region_ids = list(f["regions"])
        for region_id in region_ids:
            entry = regions.get(region_id)
            if entry is None or entry.id != region_id:
                checker.error(item.line_of("regions"), f"{label}: unknown region '{region_id}'"
                                                       f"{did_you_mean(regions, region_id)}")
        none = f["none"]
        if sum(bool(x) for x in (codes or f["countries"], region_ids, none)) != 1:
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



class _Checker:
    def __init__(self, path: Path, countries: dict[str, Country], problems: list[Problem]) -> None:
        self.path, self.countries, self.problems = path, countries, problems

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line), message))

    def views(self, top: Values) -> dict[str, View]:
        views: dict[str, View] = {}
        section: LocatedDict = top["views"] or LocatedDict()
        for name, item in section.items():
            if not isinstance(item, LocatedDict):
                self.error(section.line_of(name), f"view '{name}' must be a mapping with 'center' and 'bounds'")
                continue
            f = VIEW.read(item, self.path, self.problems, what=f"view '{name}'")
            bounds, center, projection = f["bounds"], f["center"], f["projection"]
            if not f.given("bounds") or ("projection" in item and not f.given("projection")):
                continue
            if not (-180 <= bounds[0] < bounds[2] <= 360 and -90 <= bounds[1] < bounds[3] <= 90):
                f.error("bounds", f"view '{name}': 'bounds' must be [west, south, east, north] in degrees, "
                                  "west < east and south < north")
                continue
            if center is None and projection == "laea":
                f.error("center" if "center" in item else None,
                        f"view '{name}': 'center' must be [longitude, latitude]")
                continue
            views[str(name)] = View(str(name), f["label_nl"], f["label_en"], projection,
                                    (center[0], center[1]) if center else (0.0, 0.0),
                                    (bounds[0], bounds[1], bounds[2], bounds[3]))
        return views

    def theme_views(self, top: Values, views: dict[str, View]) -> tuple[str, ...]:
        for name in top["theme_views"]:
            if name not in views:
                top.error("theme_views", f"theme_views: unknown view '{name}'{suggest(name, views)}")
        return tuple(v for v in top["theme_views"] if v in views)

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

    def places(self, top: Values, views: dict[str, View], regions: Taxonomy) -> dict[str, Place]:
        places: dict[str, Place] = {}
        if not top.given("regions"):
            return places
        section: LocatedDict = top["regions"]
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
            f = PLACE.read(item, self.path, self.problems, what=f"region '{region_id}'")
            if not f["reason"]:
                self.error(line, f"region '{region_id}' gives no 'reason': say why its countries are these, with "
                                 "the strategy's own words where it has them")
            view = f["view"]
            if view and view not in views:
                f.error("view", f"region '{region_id}': unknown view '{view}'{suggest(view, views)}")
            raw = f["countries"] if f["countries"] is not None else []
            if not isinstance(raw, list):
                f.error("countries", f"region '{region_id}': 'countries' must be a list of codes")
                raw = []
            codes = [c for c in (self.country(code, item.line_of("countries"), f"region '{region_id}'") for code in raw) if c]
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                f.error("countries", f"region '{region_id}': {', '.join(twice)} listed twice")
            north_of = f["north_of"]
            if not raw and north_of is None:
                self.error(line, f"region '{region_id}' has no countries (and no 'north_of'): its briefing's "
                                 "map would show nothing")
            places[str(region_id)] = Place(str(region_id), view, tuple(dict.fromkeys(codes)), north_of,
                                           Location(self.path, line))
        for entry in regions.entries:
            if entry.id not in places and entry.id not in section:
                self.error(section.line, f"region '{entry.id}' has no place on the maps: add it under 'regions' "
                                         "with its view and countries")
        return places
