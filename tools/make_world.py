"""Make content/geo/world.json, the country outlines of every map, once.

Input: Natural Earth's Admin 0 countries as TopoJSON from the npm package
`world-atlas` (which redistributes Natural Earth 4.1.0):

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    .venv/bin/python tools/make_world.py /tmp/package/countries-50m.json

Output: one compact JSON file the generator reads with the standard
library (no GIS library at run time). What it does to the data:

- arcs (the shared borders of the topology) are simplified with
  Douglas–Peucker at TOLERANCE degrees, so neighbouring countries keep
  one common border, and coordinates are rounded to hundredths of a degree
  (about 1 km: far below what a column-wide map shows);
- rings smaller than MIN_AREA square degrees are dropped, except each
  country's largest, so that no country disappears;
- countries are keyed by ISO 3166-1 alpha-3 code (from the numeric code
  Natural Earth carries, through pycountry); the few areas without an ISO
  code get Natural Earth's own code (NE_CODES); each has its Dutch name
  (pycountry's Dutch translation, for alternative text).

Natural Earth is in the public domain; world-atlas is ISC-licensed. The
boundaries are Natural Earth's: de facto, as the README explains.
"""

from __future__ import annotations

import gettext
import json
import sys
from pathlib import Path
from typing import Any

import pycountry

from generator.pictures.project import simplify

OUT = Path(__file__).resolve().parent.parent / "content" / "geo" / "world.json"
TOLERANCE = 0.06  # degrees
MIN_AREA = 0.05  # square degrees
# Areas Natural Earth draws without an ISO 3166-1 numeric code: its own
# ADM0_A3 codes, and Dutch names.
NE_CODES = {"Kosovo": ("KOS", "Kosovo"), "Somaliland": ("SOL", "Somaliland"),
            "N. Cyprus": ("CYN", "Noord-Cyprus"), "Siachen Glacier": ("KAS", "Siachengletsjer")}
# Where the outlines follow what the Netherlands recognises rather than
# Natural Earth's de facto line, and the change is a whole polygon: Crimea
# (a polygon of Russia in Natural Earth 4.1.0) is drawn with Ukraine.
# Other de facto lines stay as they are; the README lists them.
RECOGNISED = (("RUS", "UKR", (3200, 4400, 3700, 4650), "Crimea"),)  # from, to, box of the polygon (lon/lat x100)
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


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
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
        rings = [unwrap(ring(r, arcs)) for polygon in polygons for r in polygon]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            continue
        largest = max(rings, key=area)
        kept = [r for r in rings if r is largest or area(r) >= MIN_AREA]
        entry = countries.setdefault(code, {"name": name, "name_nl": name_nl, "rings": []})
        entry["rings"].extend([c for point in r for c in point] for r in kept)
    for source_code, target, (west, south, east, north), _ in RECOGNISED:
        moved = [r for r in countries[source_code]["rings"]
                 if west <= min(r[0::2]) and max(r[0::2]) <= east and south <= min(r[1::2]) and max(r[1::2]) <= north]
        if len(moved) != 1:
            raise SystemExit(f"{source}: expected one polygon of {source_code} in {(west, south, east, north)}")
        countries[source_code]["rings"].remove(moved[0])
        countries[target]["rings"].append(moved[0])
    out = {
        "source": f"Natural Earth 4.1.0 Admin 0 countries, "
                  f"{'1:50m' if '50m' in source.name else '1:110m'}, via the npm package world-atlas "
                  f"{package['version']} ({source.name})",
        "licence": "Natural Earth: public domain (naturalearthdata.com/about/terms-of-use); "
                   "world-atlas: ISC, Copyright 2013-2019 Michael Bostock",
        "boundaries": "Natural Earth's de facto boundaries (the line of actual control), except "
                      + ", ".join(f"{name} drawn with {to}" for _, to, _, name in RECOGNISED)
                      + " as the Netherlands recognises it; not a statement of the Dutch government's "
                        "position on any border (see README, 'Maps and charts')",
        "made_by": f"tools/make_world.py, Douglas-Peucker {TOLERANCE} degrees, rings under {MIN_AREA} square "
                   "degrees dropped",
        "coordinates": "rings as flat lists of longitude, latitude in hundredths of a degree",
        "countries": dict(sorted(countries.items())),
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
