"""Laying a map or chart out as a `scene.Scene`: every shape at print
size, text turned into glyph outlines of the house font.

This and `scene` are the only modules that import matplotlib: here for
its fonts (FontManager, TextPath), there for its Agg renderer. The layout
itself (the view, the legend, the bars) is ours, so that the SVG and the
PNG of a picture are one layout. Colours are the house palette of
templates/base.css.

Sizes are the PDF's: a picture is as wide as the text column (132 mm),
so it prints at 100 % and its text at the size given here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath, text_to_path
from matplotlib.transforms import Affine2D

from .. import assets
from ..cachedir import kept
from ..errors import TemplateError
from ..geo import parse_world
from ..model import ChartDrawing, Drawing, MapDrawing
from .base import FONT_DIR, FONTS, Format
from .made_with import code_version
from .palette import BORDER, FILLS, INK, LAND, LINE, LINTBLAUW, MUTED, PAPER, SEA
from .project import Point, clip, extent, projection, simplify, visvalingam
from .scene import Outline, Scene, Shape, png, rectangle, svg

COLUMN_MM = 132.0  # the PDF's text column
MAP_HEIGHT_MM = (45.0, 68.0)  # a map is a quarter of a page at most: briefings stay compact
PNG_DPI = 220  # print resolution for Word (at least 200 dpi)
# Outlines are simplified at print scale as far as each country's drawn
# area stays within AREA_KEPT of its outline's: most countries take the
# coarsest detail (thinned to no two points closer than 0.45 mm, then
# Douglas–Peucker to 0.12 mm), a ragged coast or a string of islands
# (Norway, the Philippines) a finer one (Visvalingam–Whyatt, which keeps
# area with the fewest points), up to none (tests/test_geometry.py holds
# every country to 2 %). WeasyPrint's time for a map grows with its
# points: coarse where it can, true everywhere.
Detail = tuple[str, float, float]  # ("dp", step mm, tolerance mm) or ("vw", smallest triangle mm², 0)
DETAIL: tuple[Detail, ...] = (("dp", 0.45, 0.12), ("vw", 0.02, 0.0), ("vw", 0.005, 0.0), ("exact", 0.0, 0.0))
AREA_KEPT = 0.015
MIN_ISLAND_MM = 0.6  # islands smaller than this are not drawn
BORDER_PT = 0.3  # the white line between countries
FAMILY = "Noto Sans"
CAP_HEIGHT = 0.714  # Noto Sans, in ems: a label is centred on its capitals
PT = 72 / 25.4  # points per millimetre


@cache
def setup(templates: Path) -> None:
    """Register the house fonts with matplotlib (once per process)."""
    for name in FONTS:
        path = templates / FONT_DIR / name
        if not path.is_file():
            raise TemplateError(f"{path}: font not found (the pictures are set in the house font)")
        font_manager.fontManager.addfont(str(path))


@cache
def _world_data(digest: str) -> dict[str, Any]:
    """The country outlines of content/geo/world.json with this digest,
    parsed once per process, from the process's assets (never from a path:
    a cluster worker sees no content/)."""
    try:
        return parse_world(assets.get(digest, "The country outlines (content/geo/world.json)"))
    except ValueError as exc:
        raise TemplateError(f"country outlines {digest[:12]}…: {exc}") from None


def world(digest: str) -> dict[str, Any]:
    countries: dict[str, Any] = _world_data(digest)["countries"]
    return countries


@cache
def world_lines(digest: str) -> tuple[tuple[tuple[str, str], tuple[Point, ...]], ...]:
    """The borders world.json asks to draw dashed (a border the Netherlands
    does not recognise as settled: Morocco and Western Sahara), each with
    the two countries it lies between and its points (longitude, latitude)."""
    data = _world_data(digest)
    out = []
    for line in data.get("lines", []):
        a, b = line["between"]
        flat = line["points"]
        out.append(((str(a), str(b)), tuple((x / 100, y / 100) for x, y in zip(flat[0::2], flat[1::2], strict=True))))
    return tuple(out)


def render(drawing: Drawing, fmt: Format, templates: Path) -> bytes:
    return svg(layout(drawing, templates)) if fmt == "svg" else png(layout(drawing, templates), PNG_DPI)


@lru_cache(maxsize=8)
def layout(drawing: Drawing, templates: Path) -> Scene:
    """The picture laid out (kept for a while: a briefing's Word file
    draws as PNG what its PDF and HTML drew as SVG)."""
    setup(templates)
    return _map(drawing) if isinstance(drawing, MapDrawing) else _chart(drawing)


# -- text -------------------------------------------------------------------


@cache
def _font(bold: bool) -> FontProperties:
    return FontProperties(family=FAMILY, weight="bold" if bold else "normal")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance of `text` in points (with the font's kerning)."""
    prop = _font(bold).copy()
    prop.set_size(size)
    return float(text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0])


def _text(id: str, text: str, x: float, baseline: float, size: float, bold: bool = False,
          anchor: str = "start", fill: str = INK) -> Shape:
    """`text` as glyph outlines, from x (its start, middle or end, as
    `anchor` says) on the baseline."""
    x -= {"start": 0.0, "middle": 0.5, "end": 1.0}[anchor] * text_width(text, size, bold)
    glyphs = TextPath((0, 0), text, size=size, prop=_font(bold))
    return Shape(id, Outline.of_path(glyphs.transformed(Affine2D().scale(1, -1).translate(x, baseline))), fill=fill,
                 size=size)


# -- maps -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """A view laid out at print size: its box in projected kilometres, the
    picture's size in points, the scale between them, and every country
    within the box as an outline in points."""

    box: tuple[float, float, float, float]
    width: float
    height: float
    scale: float  # points per kilometre
    rings: dict[str, Outline]

    def points(self, ring: list[Point]) -> np.ndarray:
        x0, _, _, y1 = self.box
        xy = np.asarray(ring, dtype=float)
        return np.column_stack(((xy[:, 0] - x0) * self.scale, (y1 - xy[:, 1]) * self.scale))


@lru_cache(maxsize=16)
def _frame(digest: str, name: str, center: tuple[float, float],
           bounds: tuple[float, float, float, float]) -> _Frame:
    """Projected, thinned, clipped and formatted once per view and
    process: the maps of one view (eight regions lie in the ring around
    Europe; most theme maps show the world) and the SVG and PNG of each
    share the work. And kept in the cache folder (cachedir.kept), by the
    world's digest, the view and the pictures' code, for the next process
    that draws the view: 30–50 ms per view to make, 1 ms to load, in each
    worker of a build that meets it."""
    view = hashlib.sha256(repr((name, center, bounds)).encode()).hexdigest()[:16]
    return kept(f"frame-{view}", f"{digest} {name} {center!r} {bounds!r} {code_version()}", _Frame,
                lambda: _projected(digest, name, center, bounds), lambda frame: isinstance(frame.rings, dict))


def _projected(digest: str, name: str, center: tuple[float, float],
               bounds: tuple[float, float, float, float]) -> _Frame:
    project = projection(name, center)
    x0, y0, x1, y1 = extent(project, bounds)
    width = COLUMN_MM
    height = min(max(width * (y1 - y0) / (x1 - x0), MAP_HEIGHT_MM[0]), MAP_HEIGHT_MM[1])
    # Widen the view along one axis so that it fills the picture exactly.
    want = height / width
    if (y1 - y0) / (x1 - x0) < want:
        grow = ((x1 - x0) * want - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = ((y1 - y0) / want - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    box = (x0, y0, x1, y1)
    km_per_mm = (x1 - x0) / width
    west, south, east, north = bounds
    frame = _Frame(box, width * PT, height * PT, width * PT / (x1 - x0), {})
    for code, country in sorted(world(digest).items()):
        # Each ring projected once; then the coarsest detail that keeps the
        # country's area.
        outline: list[list[Point]] = []
        for flat in sorted(country["rings"], key=len, reverse=True):
            lons, lats = flat[0::2], flat[1::2]
            # Not worth projecting when surely outside the picture; only
            # cheap tests that cannot be wrong: an equal-earth view's
            # longitudes, a ring wholly on the far side of an azimuthal one.
            # (Latitude says little: a polar view's corners reach far south.)
            if name == "equal-earth" and (max(lons) / 100 < west - 1 or min(lons) / 100 > east + 1):
                continue
            projected = [project(x / 100, y / 100) for x, y in zip(lons, lats, strict=True)]
            if any(p is None for p in projected):
                continue  # past the horizon, where the azimuthal projection tears
            points = [p for p in projected if p is not None]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
                continue
            outline.append(points)
        if not outline:
            continue
        exact = _rings(outline, box, km_per_mm, DETAIL[-1])
        want = sum(_area(r) for r in exact)
        for detail in DETAIL:
            rings = exact if detail == DETAIL[-1] else _rings(outline, box, km_per_mm, detail)
            if abs(sum(_area(r) for r in rings) - want) <= AREA_KEPT * want:
                break
        if rings:
            frame.rings[code] = Outline.of_rings([frame.points(r) for r in rings])
    return frame


def _rings(outline: list[list[Point]], box: tuple[float, float, float, float], km_per_mm: float,
           detail: Detail) -> list[list[Point]]:
    """A country's projected rings (largest first) at one level of detail,
    clipped to the box: an islet smaller than MIN_ISLAND_MM is left out,
    never the country's largest part."""
    method, a, b = detail
    smallest = km_per_mm * MIN_ISLAND_MM
    rings: list[list[Point]] = []
    for points in outline:
        if method == "dp":
            simpler = simplify(_thin(points, km_per_mm * a), km_per_mm * b)
        elif method == "vw":
            simpler = visvalingam(points, a * km_per_mm ** 2)
        else:
            simpler = list(points)
        ring = clip(simpler, box)
        if len(ring) < 3:
            # Smaller than the detail drawn: kept unthinned if it is the
            # country's largest part.
            if rings:
                continue
            ring = clip(points, box)
            if len(ring) < 3:
                continue
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if rings and max(xs) - min(xs) < smallest and max(ys) - min(ys) < smallest:
            continue
        rings.append(ring)
    return rings


def _area(ring: list[Point]) -> float:
    """The area inside a ring (shoelace)."""
    total = 0.0
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += ax * by - bx * ay
    return abs(total) / 2


def _map(d: MapDrawing) -> Scene:
    frame = _frame(d.world_digest, d.projection, d.center, d.bounds)
    project = projection(d.projection, d.center)
    width, height = frame.width, frame.height
    level: dict[str, int] = {}
    for shade in d.shades:
        for code in shade.countries:
            level[code] = max(level.get(code, -1), shade.level)
    # Each country its own element, with its code and name: a reader
    # hovering over it (or a screen reader) learns which country it is.
    countries = world(d.world_digest)
    name = "name_nl" if d.language == "nl" else "name"
    shapes = [Shape("sea", rectangle(0, 0, width, height), fill=SEA)]
    # An area north of a latitude (the Arctic) is filled opaque in its
    # class's colour, as the legend shows it, under the land that lies in
    # it (which stays readable); its edge, the parallel, is drawn across
    # that land too, over the countries.
    edges = []
    for shade in d.shades:
        if shade.north_of is not None:
            parallel = [project(lon / 4, shade.north_of) for lon in range(-720, 721)]
            if d.projection == "equal-earth":  # the pole is a line along the top: close the cap there
                parallel += [project(180, 90), project(-180, 90)]
            ring = clip([p for p in parallel if p is not None], frame.box)
            if len(ring) >= 3:
                cap = Outline.of_rings([frame.points(ring)])
                shapes.append(Shape("north-of", cap, fill=FILLS[shade.level]))
                edges.append(Shape("north-of-edge", cap, stroke=FILLS[shade.level], width=0.8))
    shapes += [Shape("country", outline, fill=FILLS[level[code]] if code in level else LAND, stroke=BORDER,
                     width=BORDER_PT, iso=code, title=str(countries[code].get(name) or code))
               for code, outline in frame.rings.items()]
    shapes += edges
    shapes += _dashed_borders(d, frame, level)
    shapes += _labels(d, frame)
    shapes.append(Shape("frame", rectangle(0.25, 0.25, width - 0.5, height - 0.5), stroke=LINE, width=0.5))
    legend = [s for s in d.shades if s.legend]
    if legend:
        shapes += _legend(d.legend_title, [(FILLS[s.level], s.legend) for s in legend], height)
    return Scene(width, height, tuple(shapes))


LEGEND_PT = 7.0
# Names on a map: the subject's bold, its neighbours' quieter; never below
# 6.5 pt in print (tests/test_pictures.py).
LABEL_PT = (8.0, 7.0)
HALO_PT = 1.6


def _labels(d: MapDrawing, frame: _Frame) -> list[Shape]:
    """Each label over the middle of its countries (or at its point), kept
    inside the frame; a neighbour's label that would overlap one already
    set is left out. Light text on a dark halo for the subject (it stands
    on the house colour), dark text on a white halo for the others (on
    grey land), so both read wherever they fall."""
    project = projection(d.projection, d.center)
    placed: list[tuple[float, float, float, float]] = []
    shapes: list[Shape] = []
    for n, label in enumerate(d.labels):
        if label.at is not None:
            point = project(*label.at)
            if point is None:
                continue
            x, y = (float(v) for v in frame.points([point])[0])
        else:
            middle = _middle([frame.rings[c] for c in label.countries if c in frame.rings])
            if middle is None:
                continue
            x, y = middle
        size = LABEL_PT[0] if label.main else LABEL_PT[1]
        width = text_width(label.text, size, bold=label.main)
        pad = 0.6 * size
        left = min(max(x - width / 2, pad), frame.width - pad - width)
        baseline = min(max(y + CAP_HEIGHT * size / 2, pad + size), frame.height - pad)
        box = (left - HALO_PT, baseline - size - HALO_PT, left + width + HALO_PT, baseline + 0.3 * size + HALO_PT)
        if not label.main and any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                                  for b in placed):
            continue
        placed.append(box)
        text = _text(f"label-{n}", label.text, left, baseline, size, bold=label.main,
                     fill=PAPER if label.main else INK)
        halo = Shape("label-halo", text.outline, stroke=LINTBLAUW if label.main else PAPER, width=HALO_PT)
        shapes += [halo, Shape("label", text.outline, fill=text.fill, size=size)]
    return shapes


def _dashed_borders(d: MapDrawing, frame: _Frame, level: dict[str, int]) -> list[Shape]:
    """A disputed border drawn dashed: first covered in the colour of the
    land on both sides (so the solid border between countries does not
    show through), then dashed, light on a dark fill and dark on a light."""
    project = projection(d.projection, d.center)
    x0, y0, x1, y1 = frame.box
    shapes: list[Shape] = []
    for (a, b), points in world_lines(d.world_digest):
        if a not in frame.rings or b not in frame.rings:
            continue
        projected = [project(lon, lat) for lon, lat in points]
        if any(p is None or not (x0 <= p[0] <= x1 and y0 <= p[1] <= y1) for p in projected):
            continue
        outline = Outline.of_line(frame.points([p for p in projected if p is not None]))
        fill = FILLS[level[a]] if a in level else LAND
        dark = a in level and level[a] in (0, 3, 4)
        shapes.append(Shape("border-cover", outline, stroke=fill, width=BORDER_PT * 2))
        shapes.append(Shape("border-disputed", outline, stroke=PAPER if dark else MUTED, width=0.5,
                            dash=(1.2, 0.9)))
    return shapes


def _middle(outlines: list[Outline]) -> tuple[float, float] | None:
    """The area-weighted centre of the outlines' rings: for a region over
    two continents (Europe and North America), between them."""
    rings: list[np.ndarray] = []
    for outline in outlines:
        vertices, codes = np.asarray(outline.path.vertices), outline.path.codes
        if codes is None:
            continue
        starts = [*np.flatnonzero(np.asarray(codes) == MplPath.MOVETO), len(vertices)]
        rings += [vertices[a:b - 1] for a, b in zip(starts, starts[1:], strict=False) if b - a > 3]
    if not rings:
        return None

    def centroid(ring: np.ndarray) -> tuple[float, float, float]:
        x, y = ring[:, 0], ring[:, 1]
        cross = x * np.roll(y, -1) - np.roll(x, -1) * y
        area = cross.sum() / 2
        if abs(area) < 1e-9:
            return float(x.mean()), float(y.mean()), 0.0
        return (float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
                float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)), abs(float(area)))

    parts = [centroid(r) for r in rings]
    total = sum(a for _, _, a in parts) or 1.0
    return sum(cx * a for cx, _, a in parts) / total, sum(cy * a for _, cy, a in parts) / total


def _legend(title: str, entries: list[tuple[str, str]], bottom: float) -> list[Shape]:
    """A key in the lower left corner: the title, then a swatch and its
    words for each shade."""
    size = LEGEND_PT
    pad, row, swatch, gap = 0.6 * size + 1.5, 1.9 * size, (1.4 * size, 0.95 * size), 0.8 * size
    inner = max([text_width(title, size)] + [swatch[0] + gap + text_width(t, size) for _, t in entries])
    box_w, box_h = inner + 2 * pad, pad * 2 + row * (len(entries) + 1) - (row - size * 1.2)
    left, top = 0.5 * size, bottom - 0.5 * size - box_h
    shapes = [Shape("legend", rectangle(left, top, box_w, box_h), fill=PAPER, stroke=LINE, width=0.5),
              _text("legend-title", title, left + pad, top + pad + size, size)]
    for i, (fill, words) in enumerate(entries, start=1):
        middle = top + pad + size * 0.6 + row * i
        shapes.append(Shape(f"legend-{i}", rectangle(left + pad, middle - swatch[1] / 2, *swatch), fill=fill))
        shapes.append(_text(f"legend-{i}-text", words, left + pad + swatch[0] + gap,
                            middle + CAP_HEIGHT * size / 2, size))
    return shapes


def _thin(ring: list[Point], step: float) -> list[Point]:
    """The ring without points within `step` of the last one kept."""
    kept = ring[:1]
    for point in ring[1:]:
        last = kept[-1]
        if abs(point[0] - last[0]) > step or abs(point[1] - last[1]) > step:
            kept.append(point)
    return kept


# -- charts -----------------------------------------------------------------


CHART_PT = 8.5


def _chart(d: ChartDrawing) -> Scene:
    """Horizontal bars on a common scale, labelled on the left and with
    the figure as printed at each bar's end."""
    n = len(d.bars)
    width, height = COLUMN_MM * PT, (8.0 + 8.0 * n) * PT
    left = max(text_width(b.label, CHART_PT) for b in d.bars) + 3.0 * PT
    right = 0.86 * width
    top_y, bottom_y = 3.0 * PT, height - 3.0 * PT
    row = (bottom_y - top_y) / n
    most = max(b.value for b in d.bars)
    scale = (right - left) / (most * 1.15)
    shapes = [Shape("background", rectangle(0, 0, width, height), fill=PAPER),
              Shape("axis", rectangle(left - 0.3, top_y, 0.6, bottom_y - top_y), fill=MUTED)]
    for i, bar in enumerate(d.bars):
        middle = top_y + row * (i + 0.5)
        baseline = middle + CAP_HEIGHT * CHART_PT / 2
        length = bar.value * scale
        shapes.append(Shape(f"bar-{i}", rectangle(left, middle - 0.31 * row, length, 0.62 * row), fill=LINTBLAUW))
        shapes.append(_text(f"bar-{i}-label", bar.label, left - 4.0, baseline, CHART_PT, anchor="end"))
        shapes.append(_text(f"bar-{i}-value", bar.text, left + length + most * 0.02 * scale, baseline, CHART_PT,
                            bold=True))
    return Scene(width, height, tuple(shapes))
