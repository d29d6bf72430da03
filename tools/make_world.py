"""Make content/geo/world.json, the country outlines of every map, once.

Input: Natural Earth's Admin 0 countries as TopoJSON from the npm package
`world-atlas` (which redistributes Natural Earth 4.1.0):

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python tools/make_world.py /tmp/package/countries-50m.json

Output: one compact JSON file the generator reads with the standard
library (no GIS library at run time; shapely, a dev dependency, only
here). What it does to the data:

- arcs (the shared borders of the topology) are simplified with
  Douglas–Peucker at TOLERANCE degrees, so neighbouring countries keep
  one common border, and coordinates are rounded to hundredths of a degree
  (about 1 km: far below what a column-wide map shows);
- rings smaller than MIN_AREA square degrees are dropped, except each
  country's largest, so that no country disappears;
- countries are keyed by ISO 3166-1 alpha-3 code (from the numeric code
  Natural Earth carries, through pycountry); the few areas without an ISO
  code get Natural Earth's own code (NE_CODES); each has its Dutch name
  (pycountry's Dutch translation, for alternative text);
- where the position of the Netherlands differs from Natural Earth's de
  facto line, the outlines follow the Dutch position (RECOGNISED: Crimea,
  Western Sahara, the Golan Heights, Somaliland, Northern Cyprus): polygons
  are cut and merged with
  shapely on the simplified outlines before they are rounded, so the
  changed borders stay shared; a border that stays disputed in that
  position is also written to "lines" (the maps draw it dashed).

Natural Earth is in the public domain; world-atlas is ISC-licensed. The
boundaries are Natural Earth's, adjusted as RECOGNISED says; the README
explains which.
"""

from __future__ import annotations

import gettext
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pycountry
from shapely import LinearRing, LineString, MultiLineString, Point, Polygon, box, line_merge, unary_union
from shapely.geometry.polygon import orient

from generator.pictures.project import simplify

OUT = Path(__file__).resolve().parent.parent / "content" / "geo" / "world.json"
TOLERANCE = 0.06  # degrees
MIN_AREA = 0.05  # square degrees
# Areas Natural Earth draws without an ISO 3166-1 numeric code: its own
# ADM0_A3 codes, and Dutch names. Somaliland and N. Cyprus are read only to
# be merged (RECOGNISED): they are not in world.json.
NE_CODES = {"Kosovo": ("KOS", "Kosovo"), "Somaliland": ("SOL", "Somaliland"),
            "N. Cyprus": ("CYN", "Noord-Cyprus"), "Siachen Glacier": ("KAS", "Siachengletsjer")}


class Change(NamedTuple):
    """Where the outlines follow the position of the Netherlands rather than
    Natural Earth's de facto line: `area` of `source` is drawn with `target`."""

    name: str  # what moves (in messages)
    source: str  # the country Natural Earth draws it in
    target: str  # the country it is drawn with
    area: tuple[int, int, int, int] | Polygon | None
    # tuple: one whole polygon of `source`, found by the box (west, south,
    # east, north in hundredths of a degree) it lies within, becomes a
    # polygon of `target`. Polygon (lon/lat): the part of `source` inside
    # it is cut off and merged with the polygon of `target` it borders.
    # None: all of `source` is merged with the polygon of `target` it
    # borders, and `source` is no longer an area of its own.
    drawn: str  # how it is drawn, and
    reason: str  # why: both for world.json's "boundaries"
    line: str | None  # the new border's style in "lines" (None: an ordinary border)
    # Places (lon, lat) that must stay in `source` and that must move to
    # `target`: a check of `area` against the actual outlines.
    stays: dict[str, tuple[float, float]] = {}
    moves: dict[str, tuple[float, float]] = {}


# Western Sahara's northern border: the parallel of 27°40' N (Franco-Spanish
# convention of 1912), from the Atlantic to Algeria (at 8.68° W). Natural
# Earth draws it at 27.657° (a sliver of 1 km that goes to Western Sahara).
WESTERN_SAHARA_NORTH = 27 + 40 / 60
# The Golan Heights, which Natural Earth's Admin 0 draws as part of Israel
# (it has no polygon of their own at 1:50m): the part of Israel's outline
# east of this west line, which follows the 1949 armistice / 4 June 1967 line
# from the Lebanese border between Dan (Israel) and Banias (Syria), east of
# the Hula valley and the upper Jordan, then east of the Sea of Galilee's
# shore (Kursi, Ein Gev) and south to the Yarmouk near al-Hamma; south and
# east the cut is Israel's outline itself (the Yarmouk, the 1974
# disengagement line). Each point of the west line is within about 1-2 km of
# the real one; the outlines themselves are simplified at TOLERANCE (0.06°,
# about 6 km) and stored in hundredths of a degree (about 1 km), so a more
# precise line would mean nothing here. `stays` and `moves` check it.
GOLAN = Polygon([(35.67, 33.50), (35.67, 33.22), (35.64, 33.05), (35.64, 32.89), (35.66, 32.83),
                 (35.65, 32.70), (35.65, 32.55), (36.10, 32.55), (36.10, 33.50)])
# Every place where the outlines follow the position of the Netherlands
# rather than Natural Earth's de facto line; the README lists them, and
# world.json's "boundaries" says so.
RECOGNISED = (
    # A polygon of Russia in Natural Earth 4.1.0.
    Change("Crimea", "RUS", "UKR", (3200, 4400, 3700, 4650), "Crimea drawn with Ukraine",
           "the Netherlands does not recognise its annexation by Russia", None),
    # Natural Earth gives Morocco the part west of the Moroccan berm (down
    # to 21.4° N) and Western Sahara only the strip east of it.
    Change("Western Sahara", "MAR", "ESH", box(-180, -90, 180, WESTERN_SAHARA_NORTH),
           "Western Sahara drawn whole and apart from Morocco, their border the parallel of 27°40' N, "
           "marked disputed in \"lines\"",
           "a non-self-governing territory on the UN's list, its final status not settled", "disputed",
           stays={"Tan-Tan": (-11.10, 28.44), "Guelmim": (-10.06, 28.99)},
           moves={"Laayoune": (-13.20, 27.15), "Smara": (-11.67, 26.74)}),
    Change("the Golan Heights", "ISR", "SYR", GOLAN, "the Golan Heights drawn with Syria",
           "Syrian territory occupied by Israel since 1967; the Netherlands, with the EU, does not "
           "recognise Israeli sovereignty over it", None,
           stays={"Sea of Galilee, centre": (35.59, 32.82), "Tiberias": (35.53, 32.79),
                  "Kursi, on the shore": (35.65, 32.826), "Ein Gev": (35.64, 32.782),
                  "the Jordan's mouth": (35.63, 32.89), "Hula reserve": (35.61, 33.07), "Dan": (35.652, 33.249),
                  "Kiryat Shmona": (35.57, 33.21)},
           moves={"Katzrin": (35.69, 32.99), "Majdal Shams": (35.77, 33.27), "Banias": (35.694, 33.248),
                  "Hamat Gader": (35.665, 32.685)}),
    # Natural Earth's Somaliland (the former British Somaliland) is one
    # polygon that shares its southern border with Somalia.
    Change("Somaliland", "SOL", "SOM", None, "Somaliland drawn as part of Somalia",
           "the Netherlands does not recognise Somaliland as a state", None,
           moves={"Hargeisa": (44.06, 9.56), "Burao": (45.53, 9.52), "Borama": (43.18, 9.94)}),
    # Natural Earth's N. Cyprus shares its border with Cyprus: at 1:50m
    # there is no polygon for the UN buffer zone (nor the British sovereign
    # base areas) between them. Nicosia lies on the old line.
    Change("Northern Cyprus", "CYN", "CYP", None, "Northern Cyprus drawn as part of Cyprus",
           "the Netherlands does not recognise the Turkish Republic of Northern Cyprus as a state", None,
           moves={"Nicosia": (33.36, 35.17), "Morphou": (32.99, 35.20), "Famagusta": (33.94, 35.12)}),
)
# Dutch names as a sentence uses them, where the ISO list gives the
# inverted formal name ("Korea, Republiek").
DUTCH_SHORT = {"BOL": "Bolivia", "COD": "Congo-Kinshasa", "KOR": "Zuid-Korea", "MDA": "Moldavië",
               "PRK": "Noord-Korea", "PSE": "Palestijnse Gebieden", "VEN": "Venezuela",
               "VGB": "Britse Maagdeneilanden", "VIR": "Amerikaanse Maagdeneilanden", "COG": "Congo-Brazzaville",
               "FLK": "Falklandeilanden"}


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring of the topology as it is (unrounded): its arcs joined."""
    out: list[tuple[float, float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        for point in points:
            if not out or out[-1] != point:  # arcs meet at a shared point
                out.append(point)
    return out


def rounded(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Hundredths of a degree, without repeated points."""
    out: list[tuple[int, int]] = []
    for x, y in points:
        q = (round(x * 100), round(y * 100))
        if not out or out[-1] != q:
            out.append(q)
    return out


def unwrap(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A ring that crosses the antimeridian (Chukotka) continued east of
    180° instead of jumping to -180°, so that it draws as one shape."""
    if all(abs(a[0] - b[0]) < 18000 for a, b in zip(points, points[1:], strict=False)):
        return points
    return [(x + 36000 if x < 0 else x, y) for x, y in points]


def area(points: list[tuple[int, int]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2e4


def move_polygon(countries: dict[str, dict[str, Any]], outlines: dict[str, list[list[tuple[float, float]]]],
                 change: Change, source: Path) -> None:
    """The one polygon of change.source inside the box change.area becomes
    a polygon of change.target, as it is."""
    assert isinstance(change.area, tuple)
    west, south, east, north = change.area
    moved = [i for i, r in enumerate(countries[change.source]["rings"])
             if west <= min(r[0::2]) and max(r[0::2]) <= east and south <= min(r[1::2]) and max(r[1::2]) <= north]
    if len(moved) != 1:
        raise SystemExit(f"{source}: {change.name}: expected one polygon of {change.source} in {change.area}")
    countries[change.target]["rings"].append(countries[change.source]["rings"].pop(moved[0]))
    outlines[change.target].append(outlines[change.source].pop(moved[0]))


def move_area(countries: dict[str, dict[str, Any]], outlines: dict[str, list[list[tuple[float, float]]]],
              change: Change, source: Path) -> list[dict[str, Any]]:
    """The part of change.source inside the polygon change.area (all of it
    when the area is None), cut off and merged with the polygon of
    change.target it borders, on the unrounded outlines; both countries'
    rings rewritten from them, and change.source dropped when all of it
    moved. Returns the new border for "lines" when the change has a line
    style."""
    assert change.area is None or isinstance(change.area, Polygon)
    where = f"{source}: {change.name}"
    # Every ring taken as a polygon of its own: right for countries without
    # holes (a hole would run anticlockwise, as Natural Earth's exteriors run
    # clockwise).
    for code in (change.source, change.target):
        if any(LinearRing(exact).is_ccw for exact in outlines[code]):
            raise SystemExit(f"{where}: {code} has a hole, which move_area does not handle")
    rest, moved = [], []
    for exact in outlines[change.source]:
        polygon = Polygon(exact)
        if change.area is None:
            moved.append(polygon)
            continue
        rest.append(polygon.difference(change.area))
        moved.append(polygon.intersection(change.area))
    moved_area = unary_union(moved)
    if moved_area.geom_type != "Polygon" or moved_area.is_empty:
        raise SystemExit(f"{where}: expected one polygon of {change.source} in the area, got {moved_area.geom_type}")
    # The target's polygons that border the moved part (they share an arc).
    targets = [Polygon(exact) for exact in outlines[change.target]]
    touching = [t for t in targets if t.intersection(moved_area).length > 0]
    if len(touching) != 1:
        raise SystemExit(f"{where}: expected one polygon of {change.target} on the border, found {len(touching)}")
    merged = unary_union([touching[0], moved_area])
    if merged.geom_type != "Polygon" or merged.interiors:
        raise SystemExit(f"{where}: merging with {change.target} gave a {merged.geom_type}, not one polygon")
    new_source = [part for geometry in rest for part in getattr(geometry, "geoms", [geometry]) if not part.is_empty]
    new_target = [merged if t is touching[0] else t for t in targets]
    for place, (x, y) in change.stays.items():
        if not any(p.contains(Point(x, y)) for p in new_source):
            raise SystemExit(f"{where}: {place} ({x}, {y}) should stay in {change.source}")
    for place, (x, y) in change.moves.items():
        if not merged.contains(Point(x, y)):
            raise SystemExit(f"{where}: {place} ({x}, {y}) should move to {change.target}")
    for code, polygons in ((change.source, new_source), (change.target, new_target)):
        if any(p.geom_type != "Polygon" or p.interiors for p in polygons):
            raise SystemExit(f"{where}: {code} is not a set of simple polygons")
        starts = [(r[0], r[1]) for r in countries[code]["rings"]]
        outlines[code] = [list(orient(p, sign=-1.0).exterior.coords) for p in polygons]  # clockwise, as Natural Earth
        countries[code]["rings"] = [[c for point in same_start(rounded(r), starts) for c in point]
                                    for r in outlines[code]]
    if change.area is None:
        del countries[change.source], outlines[change.source]
    if change.line is None:
        return []
    border = line_merge(unary_union([p.boundary for p in new_source]).intersection(merged.boundary))
    if not isinstance(border, LineString):
        kind = "pieces" if isinstance(border, MultiLineString) else border.geom_type
        raise SystemExit(f"{where}: the new border is not one line ({kind})")
    points = rounded(list(border.coords))
    if points[0] > points[-1]:  # west to east (or south to north): the same file every time
        points.reverse()
    return [{"between": [change.source, change.target], "style": change.line, "points": [c for p in points for c in p]}]


def same_start(points: list[tuple[int, int]], starts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A closed ring started where a ring it replaces started, when it
    still has that point: a smaller diff when the data is remade."""
    body = points[:-1]
    for start in starts:
        if start in body:
            i = body.index(start)
            return body[i:] + body[:i] + [body[i]]
    return points


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    source = Path(argv[1])
    topo = json.loads(source.read_text(encoding="utf-8"))
    package = json.loads((source.parent / "package.json").read_text(encoding="utf-8"))
    arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topo)]
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    countries: dict[str, dict[str, Any]] = {}
    outlines: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        numeric = geometry.get("id")
        record = pycountry.countries.get(numeric=numeric) if numeric else None
        if name == "Antarctica":  # below every map's extent
            continue
        if record is not None:
            code = record.alpha_3
            name_nl = DUTCH_SHORT.get(code) or dutch.gettext(record.name)
        elif name in NE_CODES:
            code, name_nl = NE_CODES[name]
        else:
            print(f"{source}: skipped '{name}': no ISO code", file=sys.stderr)
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [(unwrap(rounded(exact)), exact) for polygon in polygons for exact in (ring(r, arcs) for r in polygon)]
        rings = [(r, exact) for r, exact in rings if len(r) >= 3]
        if not rings:
            continue
        largest = max(rings, key=lambda pair: area(pair[0]))
        kept = [(r, exact) for r, exact in rings if r is largest[0] or area(r) >= MIN_AREA]
        entry = countries.setdefault(code, {"name": name, "name_nl": name_nl, "rings": []})
        entry["rings"].extend([c for point in r for c in point] for r, _ in kept)
        # The unrounded rings, for RECOGNISED (none of which crosses 180°).
        outlines.setdefault(code, []).extend(exact for _, exact in kept)
    lines = []
    for change in RECOGNISED:
        if isinstance(change.area, tuple):
            move_polygon(countries, outlines, change, source)
        else:
            lines.extend(move_area(countries, outlines, change, source))
    out = {
        "source": f"Natural Earth 4.1.0 Admin 0 countries, "
                  f"{'1:50m' if '50m' in source.name else '1:110m'}, via the npm package world-atlas "
                  f"{package['version']} ({source.name})",
        "licence": "Natural Earth: public domain (naturalearthdata.com/about/terms-of-use); "
                   "world-atlas: ISC, Copyright 2013-2019 Michael Bostock",
        "boundaries": "Natural Earth's boundaries, adjusted to the position of the Netherlands: "
                      + "; ".join(f"{c.drawn} ({c.reason})" for c in RECOGNISED)
                      + ". Elsewhere Natural Earth's de facto lines (the line of actual control); not a "
                        "statement of the Dutch government's position on any other border (see README, "
                        "'Maps and charts')",
        "made_by": f"tools/make_world.py, Douglas-Peucker {TOLERANCE} degrees, rings under {MIN_AREA} square "
                   "degrees dropped",
        "coordinates": "rings as flat lists of longitude, latitude in hundredths of a degree",
        "countries": dict(sorted(countries.items())),
        "lines": lines,
    }
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    # One country per line: a reviewable diff when the data is remade.
    text = text.replace(',"countries":{"', ',"countries":{\n"').replace(']]},"', ']]},\n"')
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for c in countries.values() for r in c["rings"])
    print(f"{OUT}: {len(countries)} countries, {points} points, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
