"""Every country drawn as its outline says (issue 20): on every map of the
catalogue and the matrix, each country's drawn area, measured in the map's
equal-area projection, is within 2 % of the area of its outline in
content/geo/world.json, as far as it lies inside the map's frame.

A clipping, winding or culling bug in any country shows here: a country
left out where the frame shows it, a part dropped, a ring filled wrongly.
The reference is computed independently of the renderer: the raw rings of
world.json, projected, clipped to the frame, without simplification. Only
what the map leaves out by design is left out of it too: islets smaller
than MIN_ISLAND_MM (never a country's largest part).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import EDITION, TEMPLATES

from generator.catalogue import catalogue
from generator.compose import compose
from generator.content import Content
from generator.model import MapDrawing
from generator.pictures import draw
from generator.pictures.project import clip, projection
from generator.pictures.scene import Outline
from generator.select import select

TOLERANCE = 0.02
VISIBLE = 25.0  # square points (5 × 5 pt): below this simplification is all there is
SEEN = 1.0  # square points: a country at least this large on the map is drawn


def shoelace(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def drawn_area(outline: Outline) -> float:
    """The area of an outline's rings, in square points (each ring is a
    separate polygon: countries' rings do not nest in world.json)."""
    vertices, codes = np.asarray(outline.path.vertices), outline.path.codes
    assert codes is not None
    starts = [*np.flatnonzero(np.asarray(codes) == 1), len(vertices)]
    return sum(shoelace(vertices[a:b - 1]) for a, b in zip(starts, starts[1:], strict=False))


def reference_area(drawing: MapDrawing, frame: draw._Frame, rings: list[list[int]]) -> float:
    project = projection(drawing.projection, drawing.center)
    islet = (frame.box[2] - frame.box[0]) / draw.COLUMN_MM * draw.MIN_ISLAND_MM
    total, first = 0.0, True
    for flat in sorted(rings, key=len, reverse=True):
        points = [project(x / 100, y / 100) for x, y in zip(flat[0::2], flat[1::2], strict=True)]
        if any(p is None for p in points):
            continue
        ring = clip([p for p in points if p is not None], frame.box)
        if len(ring) < 3:
            continue
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if not first and max(xs) - min(xs) < islet and max(ys) - min(ys) < islet:
            continue
        first = False
        total += shoelace(np.asarray(ring))
    return total * frame.scale ** 2


@pytest.fixture(scope="module")
def maps(content: Content) -> list[tuple[str, MapDrawing]]:
    """Every distinct map of the catalogue and the matrix, with a briefing
    that shows it."""
    out: dict[str, tuple[str, MapDrawing]] = {}
    for selectors in catalogue(content, matrix=True):
        briefing = compose(content, select(content, selectors), EDITION)
        for picture in briefing.pictures():
            if isinstance(picture.drawing, MapDrawing):
                out.setdefault(repr(picture.drawing), (briefing.id, picture.drawing))
    return list(out.values())


def test_every_country_is_drawn_with_its_area(maps: list[tuple[str, MapDrawing]]) -> None:
    wrong, checked = [], 0
    for bid, drawing in maps:
        scene = draw.layout(drawing, TEMPLATES)
        frame = draw._frame(drawing.world_digest, drawing.projection, drawing.center, drawing.bounds)
        shapes = {s.iso: s for s in scene.shapes if s.iso}
        for code, country in draw.world(drawing.world_digest).items():
            want = reference_area(drawing, frame, country["rings"])
            got = drawn_area(shapes[code].outline) if code in shapes else 0.0
            if want >= VISIBLE:
                checked += 1
                if abs(got - want) > TOLERANCE * want:
                    wrong.append(f"{bid}: {code} drawn {got:.1f} pt², its outline {want:.1f} pt²")
            elif want >= SEEN and got == 0:
                wrong.append(f"{bid}: {code} ({want:.1f} pt²) is not drawn")
    assert len(maps) >= 8 and checked > 400
    assert wrong == []


def test_the_check_sees_a_country_left_out(maps: list[tuple[str, MapDrawing]]) -> None:
    """The measure itself: Mali's outline against Mali drawn, and against
    nothing."""
    bid, drawing = next(m for m in maps if m[0] == "region-sahel")
    frame = draw._frame(drawing.world_digest, drawing.projection, drawing.center, drawing.bounds)
    want = reference_area(drawing, frame, draw.world(drawing.world_digest)["MLI"]["rings"])
    assert want > 100 and abs(drawn_area(frame.rings["MLI"]) - want) < TOLERANCE * want
    assert abs(drawn_area(frame.rings["NER"]) - want) > TOLERANCE * want


def test_each_country_is_one_element_with_its_code_and_name(maps: list[tuple[str, MapDrawing]]) -> None:
    for bid, drawing in maps:
        scene = draw.layout(drawing, TEMPLATES)
        countries = [s for s in scene.shapes if s.iso]
        assert len({s.iso for s in countries}) == len(countries), bid
        assert all(len(s.iso) == 3 and s.title for s in countries), bid


# -- borders: one position, the Netherlands' --------------------------------


def holds(rings: list[list[int]], lon: float, lat: float) -> bool:
    from matplotlib.path import Path as MplPath
    return any(MplPath(np.column_stack((r[0::2], r[1::2])) / 100).contains_point((lon, lat)) for r in rings)


def test_borders_follow_the_dutch_position(content: Content) -> None:
    assert content.geo is not None
    world = draw.world(content.geo.digest)
    # Western Sahara whole and apart from Morocco: Laayoune and Dakhla, west
    # of the berm, are in it; Morocco stops at 27°40′ N.
    for lon, lat in ((-13.2, 27.15), (-15.95, 23.7), (-10.0, 26.5)):
        assert holds(world["ESH"]["rings"], lon, lat) and not holds(world["MAR"]["rings"], lon, lat)
    assert min(min(r[1::2]) for r in world["MAR"]["rings"]) >= 2766
    # The Golan Heights with Syria (Katzrin, Majdal Shams); Tiberias stays with Israel.
    for lon, lat in ((35.69, 32.99), (35.77, 33.27)):
        assert holds(world["SYR"]["rings"], lon, lat) and not holds(world["ISR"]["rings"], lon, lat)
    assert holds(world["ISR"]["rings"], 35.53, 32.79)
    # Crimea with Ukraine.
    assert holds(world["UKR"]["rings"], 34.1, 44.95) and not holds(world["RUS"]["rings"], 34.1, 44.95)


def test_the_border_of_western_sahara_is_drawn_dashed(content: Content) -> None:
    from conftest import make_briefing

    picture = next(make_briefing(content, ("region", "north-africa")).pictures())
    assert isinstance(picture.drawing, MapDrawing)
    assert {"ESH", "MAR"} <= set(picture.drawing.shades[0].countries)  # one colour: the region's
    scene = draw.layout(picture.drawing, TEMPLATES)
    dashed = [s for s in scene.shapes if s.id == "border-disputed"]
    assert len(dashed) == 1 and dashed[0].dash
    assert "aangepast aan het Nederlandse standpunt" in picture.caption
