"""Map projections and clipping in plain Python (no GIS library).

Two projections are enough for a briefing's maps: Lambert azimuthal
equal-area around a view's centre (regional maps, the Arctic from above
the pole), and Equal Earth for the world. Both preserve area, so a large
country does not look larger than it is. Coordinates are kilometres on a
sphere of the Earth's mean radius.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence

R = 6371.0
Point = tuple[float, float]
Projection = Callable[[float, float], Point | None]
# A point further than this from a regional view's centre (as the cosine of
# the angle) is on the far side of the globe, where the azimuthal
# projection tears: countries with such points are not drawn.
FAR_SIDE = -0.3


def laea(lon0: float, lat0: float) -> Projection:
    l0, p0 = math.radians(lon0), math.radians(lat0)
    sin_p0, cos_p0 = math.sin(p0), math.cos(p0)

    def project(lon: float, lat: float) -> Point | None:
        lam, phi = math.radians(lon) - l0, math.radians(lat)
        sin_phi, cos_phi, cos_lam = math.sin(phi), math.cos(phi), math.cos(lam)
        cos_c = sin_p0 * sin_phi + cos_p0 * cos_phi * cos_lam
        if cos_c < FAR_SIDE:
            return None
        k = math.sqrt(2 / (1 + cos_c))
        return R * k * cos_phi * math.sin(lam), R * k * (cos_p0 * sin_phi - sin_p0 * cos_phi * cos_lam)

    return project


_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> Point | None:
    """Šavrič, Patterson and Jenny (2018). A longitude past 180° (Chukotka,
    kept in one piece) lands past the map's edge and is clipped."""
    lam = math.radians(lon)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return R * x, R * y


def projection(name: str, center: tuple[float, float]) -> Projection:
    return equal_earth if name == "equal-earth" else laea(*center)


def extent(project: Projection, bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The projected box (xmin, ymin, xmax, ymax) around the edges of a
    longitude/latitude box."""
    west, south, east, north = bounds
    points: list[Point] = []
    steps = 48
    for i in range(steps + 1):
        lon = west + (east - west) * i / steps
        lat = south + (north - south) * i / steps
        points.extend(p for p in (project(lon, south), project(lon, north), project(west, lat), project(east, lat))
                      if p is not None)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def clip(ring: Sequence[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland–Hodgman: the part of a closed ring inside the box (a
    ring that leaves the box comes back along its edge), so the picture
    holds only what it shows."""
    xmin, ymin, xmax, ymax = box
    edges: tuple[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]], ...] = (
        (lambda p: p[0] >= xmin, lambda a, b: (xmin, a[1] + (b[1] - a[1]) * (xmin - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= xmax, lambda a, b: (xmax, a[1] + (b[1] - a[1]) * (xmax - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= ymin, lambda a, b: (a[0] + (b[0] - a[0]) * (ymin - a[1]) / (b[1] - a[1]), ymin)),
        (lambda p: p[1] <= ymax, lambda a, b: (a[0] + (b[0] - a[0]) * (ymax - a[1]) / (b[1] - a[1]), ymax)),
    )
    out = list(ring)
    for inside, cross in edges:
        if not out:
            break
        points, out = out, []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cross(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cross(previous, point))
            previous = point
    return out


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: the points no further than `tolerance` from the
    line they are dropped from; both ends kept. Used on longitude/latitude
    by tools/make_world.py and on kilometres at print scale by the maps."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack.extend(((a, index), (index, b)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def visvalingam(points: Sequence[Point], min_area: float) -> list[Point]:
    """Visvalingam–Whyatt: drop the point whose triangle with its two
    neighbours is smallest, again and again, until every triangle left is
    at least `min_area`; both ends kept. It removes what changes the area
    least, so a ragged coast keeps its area with fewer points than
    Douglas–Peucker needs."""
    n = len(points)
    if n < 4:
        return list(points)
    before, after = list(range(-1, n - 1)), list(range(1, n + 1))

    def triangle(i: int) -> float:
        (ax, ay), (bx, by), (cx, cy) = points[before[i]], points[i], points[after[i]]
        return abs((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2

    area = [math.inf] * n
    heap: list[tuple[float, int]] = []
    for i in range(1, n - 1):
        area[i] = triangle(i)
        heap.append((area[i], i))
    heapq.heapify(heap)
    dropped = [False] * n
    while heap:
        smallest, i = heapq.heappop(heap)
        if dropped[i] or smallest != area[i]:
            continue  # an entry made stale by a neighbour's removal
        if smallest >= min_area:
            break
        dropped[i] = True
        a, c = before[i], after[i]
        after[a], before[c] = c, a
        for j in (a, c):
            if 0 < j < n - 1:
                area[j] = triangle(j)
                heapq.heappush(heap, (area[j], j))
    return [p for p, gone in zip(points, dropped, strict=True) if not gone]
