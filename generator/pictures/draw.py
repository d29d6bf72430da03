"""Drawing with matplotlib: the only module that imports it.

No pyplot (no global figure registry, nothing shared between threads):
each picture is a `matplotlib.figure.Figure` saved through the Agg (PNG)
or SVG canvas. Text is set in the house font from templates/fonts/ and
turned into paths in SVG, so that WeasyPrint and a browser draw the same
letters without a font lookup of their own. Colours are the house
palette of templates/base.css.

Sizes are the PDF's: a picture is as wide as the text column (132 mm),
so it prints at 100 % and its text at the size given here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from ..errors import TemplateError
from ..geo import read_world
from ..model import ChartDrawing, Drawing, MapDrawing
from . import Format
from .project import Point, clip, extent, projection, simplify

# No screen: should anything in the process import pyplot, it must not look
# for a GUI toolkit (and warn when there is none). The figures here are
# saved through the Agg and SVG canvases directly.
matplotlib.use("Agg")

# The house palette (templates/base.css).
LINTBLAUW = "#154273"
INK = "#1a1a1a"
MUTED = "#555555"
LINE = "#a9bcd4"
LAND = "#e3e3e3"
SEA = "#f4f6f9"
BORDER = "#ffffff"
# Level 0: a locator map's region; 1–4: a theme map's counts, light to dark.
FILLS = {0: LINTBLAUW, 1: "#a9bcd4", 2: "#7090b9", 3: "#3f6697", 4: LINTBLAUW}

COLUMN_MM = 132.0  # the PDF's text column
MAP_HEIGHT_MM = (45.0, 68.0)  # a map is a quarter of a page at most: briefings stay compact
PNG_DPI = 220  # print resolution for Word (at least 200 dpi)
MIN_STEP_MM = 0.45  # detail finer than this is not drawn
MIN_ISLAND_MM = 0.6  # nor islands smaller than this
TOLERANCE_MM = 0.12  # a line simplified no further than this from the outline
FONT_DIR = "fonts"
FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FAMILY = "Noto Sans"
RC: dict[str, Any] = {
    "svg.hashsalt": "briefing",  # fixed ids: byte-identical SVG for the same picture
    "svg.fonttype": "path",
    "font.family": FAMILY,
    "font.size": 7.5,
    "axes.unicode_minus": False,
}
MM = 1 / 25.4


@cache
def setup(templates: Path) -> None:
    """Register the house fonts with matplotlib (once per process)."""
    for name in FONTS:
        path = templates / FONT_DIR / name
        if not path.is_file():
            raise TemplateError(f"{path}: font not found (the pictures are set in the house font)")
        font_manager.fontManager.addfont(str(path))


@cache
def world(path: str, digest: str) -> dict[str, Any]:
    """The country outlines of content/geo/world.json, parsed once per
    process (content validation read the same file; `digest` tells that
    it is still the same)."""
    try:
        found, data = read_world(Path(path))
    except ValueError as exc:
        raise TemplateError(f"{path}: {exc}") from None
    if found != digest:
        raise TemplateError(f"{path}: changed while building (check the content again and rebuild)")
    countries: dict[str, Any] = data["countries"]
    return countries


def render(drawing: Drawing, fmt: Format, templates: Path) -> bytes:
    setup(templates)
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        figure = _map(drawing) if isinstance(drawing, MapDrawing) else _chart(drawing)
        out = io.BytesIO()
        if fmt == "svg":
            figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
            return _compact(out.getvalue().decode("utf-8")).encode("utf-8")
        figure.savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return out.getvalue()


PATH_DATA = re.compile(r'(?<= d=")[^"]*')
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
COMMAND = re.compile(r"([A-Za-z])([^A-Za-z]*)")


def _compact(svg: str) -> str:
    """Path data with two decimals (a hundredth of a point) and without
    the 'L' that SVG implies after a move or a line: about half the size
    of matplotlib's, which WeasyPrint and a mailed HTML file both feel."""
    def number(match: re.Match[str]) -> str:
        text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text

    def data(match: re.Match[str]) -> str:
        out, previous = [], ""
        for command, args in COMMAND.findall(match.group(0)):
            numbers = " ".join(NUMBER.sub(number, a) for a in args.split())
            out.append(numbers if command == "L" and previous in ("L", "M") else f"{command} {numbers}".rstrip())
            previous = command
        return " ".join(out)

    return PATH_DATA.sub(data, svg)


# -- maps -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """A view laid out at print size: its box in projected kilometres, the
    picture's size in mm, and every country's rings within the box."""

    box: tuple[float, float, float, float]
    width: float
    height: float
    rings: dict[str, list[list[Point]]]


@lru_cache(maxsize=16)
def _frame(path: str, digest: str, name: str, center: tuple[float, float],
           bounds: tuple[float, float, float, float]) -> _Frame:
    """Projected, thinned and clipped once per view and process: the maps of
    one view (eight regions lie in the ring around Europe; most theme maps
    show the world) and the SVG and PNG of each share the work."""
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
    # Detail finer than this (in km) cannot be told apart at print size:
    # leaving it out keeps the SVG small, and WeasyPrint quick.
    step = (x1 - x0) / width * MIN_STEP_MM
    smallest = (x1 - x0) / width * MIN_ISLAND_MM
    tolerance = (x1 - x0) / width * TOLERANCE_MM
    west, south, east, north = bounds
    out: dict[str, list[list[Point]]] = {}
    for code, country in sorted(world(path, digest).items()):
        rings: list[list[Point]] = []
        for flat in sorted(country["rings"], key=len, reverse=True):
            lons, lats = flat[0::2], flat[1::2]
            # Far outside the view: not worth projecting.
            if max(lats) / 100 < south - 25 or min(lats) / 100 > north + 25:
                continue
            if name == "equal-earth" and (max(lons) / 100 < west or min(lons) / 100 > east):
                continue
            if (name == "laea" and abs(center[1]) < 45
                    and min(abs((lon / 100 - center[0] + 180) % 360 - 180) for lon in lons) > 100):
                continue  # the far side of the globe (seen from above a pole, longitude says nothing)
            projected = [project(x / 100, y / 100) for x, y in zip(lons, lats, strict=True)]
            if any(p is None for p in projected):
                continue
            ring = clip(simplify(_thin([p for p in projected if p is not None], step), tolerance), box)
            if len(ring) < 3:
                continue
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            # An islet is left out, but never a country's largest part.
            if rings and max(xs) - min(xs) < smallest and max(ys) - min(ys) < smallest:
                continue
            rings.append(ring)
        if rings:
            out[code] = rings
    return _Frame(box, width, height, out)


def _map(d: MapDrawing) -> Figure:
    frame = _frame(d.path, d.world_digest, d.projection, d.center, d.bounds)
    project = projection(d.projection, d.center)
    box = x0, y0, x1, y1 = frame.box
    figure = Figure(figsize=(frame.width * MM, frame.height * MM))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # add_artist, not add_patch: the limits are set, and add_patch would
    # walk every path to update them (half the drawing time).
    ax.add_artist(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=SEA, edgecolor="none", gid="sea",
                            clip_on=False))
    level: dict[str, int] = {}
    for shade in d.shades:
        for code in shade.countries:
            level[code] = max(level.get(code, -1), shade.level)
    # The countries in grey as one path, the shaded ones each as its own
    # (with its code as id): a tenth of the artists to draw, and of the
    # SVG elements for WeasyPrint to read.
    land = [ring for code, rings in frame.rings.items() if code not in level for ring in rings]
    ax.add_artist(PathPatch(_path(land), facecolor=LAND, edgecolor=BORDER, linewidth=0.3, gid="land",
                            clip_on=False))
    for code, rings in frame.rings.items():
        if code in level:
            ax.add_artist(PathPatch(_path(rings), facecolor=FILLS[level[code]], edgecolor=BORDER, linewidth=0.3,
                                    gid=code, clip_on=False))
    for shade in d.shades:
        if shade.north_of is not None:
            parallel = [project(lon, shade.north_of) for lon in range(-180, 181, 2)]
            if d.projection == "equal-earth":  # the pole is a line along the top: close the cap there
                parallel += [project(180, 90), project(-180, 90)]
            ring = clip([p for p in parallel if p is not None], box)
            if len(ring) >= 3:
                ax.add_artist(PathPatch(_path([ring]), facecolor=FILLS[shade.level], alpha=0.35,
                                       edgecolor=FILLS[shade.level], linewidth=0.8, linestyle=(0, (3, 2)),
                                       gid="north-of", clip_on=False))
    ax.add_artist(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor=LINE, linewidth=1.0,
                            gid="frame", clip_on=False))
    legend = [s for s in d.shades if s.legend]
    if legend:
        handles = [Patch(facecolor=FILLS[s.level], edgecolor="none", label=s.legend) for s in legend]
        ax.legend(handles=handles, loc="lower left", title=d.legend_title, fontsize=7, title_fontsize=7,
                  frameon=True, framealpha=1.0, edgecolor=LINE, fancybox=False, borderpad=0.6,
                  handlelength=1.4, handleheight=1.0, alignment="left").get_frame().set_linewidth(0.5)
    return figure


def _thin(ring: list[Point], step: float) -> list[Point]:
    """The ring without points within `step` of the last one kept."""
    kept = ring[:1]
    for point in ring[1:]:
        last = kept[-1]
        if abs(point[0] - last[0]) > step or abs(point[1] - last[1]) > step:
            kept.append(point)
    return kept


def _path(rings: list[list[Point]]) -> MplPath:
    # Closed by returning to the first point rather than with CLOSEPOLY,
    # which would keep matplotlib from simplifying the path.
    vertices: list[Point] = []
    codes: list[int] = []
    for ring in rings:
        vertices.extend(ring)
        vertices.append(ring[0])
        codes.extend([int(MplPath.MOVETO)] + [int(MplPath.LINETO)] * len(ring))
    return MplPath(vertices, codes)


# -- charts -----------------------------------------------------------------


def _chart(d: ChartDrawing) -> Figure:
    n = len(d.bars)
    width, height = COLUMN_MM, 8.0 + 8.0 * n
    figure = Figure(figsize=(width * MM, height * MM))
    longest = max(len(b.label) for b in d.bars)
    left = (3.0 + 1.7 * longest) / width  # room for the labels at 8.5 pt
    ax = figure.add_axes((left, 3.0 / height, 0.86 - left, 1 - 6.0 / height))
    top = max(b.value for b in d.bars)
    for i, bar in enumerate(d.bars):
        ax.barh(i, bar.value, height=0.62, color=LINTBLAUW, gid=f"bar-{i}", clip_on=False)
        ax.text(bar.value + top * 0.02, i, bar.text, va="center", ha="left", fontsize=8.5, fontweight="bold",
                color=INK)
    ax.set_yticks(range(n), [b.label for b in d.bars], fontsize=8.5, color=INK)
    ax.tick_params(axis="y", length=0, pad=4)
    ax.set_xticks([])
    ax.set_xlim(0, top * 1.15)
    ax.set_ylim(n - 0.5, -0.5)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(MUTED)
    ax.spines["left"].set_linewidth(0.6)
    return figure
