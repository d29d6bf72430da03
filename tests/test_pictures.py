"""Maps and charts: facts about what each shows, in every format, and how a
broken geo file is reported. Rendering reuses the session's Sahel
briefing; everything else is checked on the model or a single picture."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTENT, ROOT, TEMPLATES, Rendered, make_briefing

from generator import pictures
from generator.content import Content, load_content
from generator.errors import ContentError
from generator.model import Briefing, ChartDrawing, MapDrawing, Picture, Table
from generator.pictures.palette import LAND, LINTBLAUW, SEA

SVG = "{http://www.w3.org/2000/svg}"


def pictures_of(briefing: Briefing) -> Iterator[tuple[str, Picture]]:
    for section in briefing.walk():
        for block in section.blocks:
            if isinstance(block, Picture):
                yield section.role, block


def fills(svg: bytes, shaded: bool = True) -> dict[str, str]:
    """Country code -> fill colour of its path in a map's SVG (only the
    shaded countries, unless `shaded` is false)."""
    out = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        code = group.get("data-iso", "")
        path = group.find(f"{SVG}path")
        if re.fullmatch(r"[A-Z]{3}", code) and path is not None:
            fill = path.get("fill", "")
            if re.fullmatch(r"#[0-9a-f]{6}", fill) and (not shaded or fill != LAND):
                out[code] = fill
    return out


# -- every format ------------------------------------------------------------


def test_region_briefing_has_a_locator_map_with_alt_text_in_every_format(sahel: Rendered) -> None:
    (role, picture), = list(pictures_of(sahel.briefing))
    assert role == "key-messages" and isinstance(picture.drawing, MapDrawing)
    assert "Sahel" in picture.alt and "Mali" in picture.alt

    # The HTML edition holds the map inline: its countries are elements a
    # browser names on hover and a screen reader reaches.
    html = sahel.html.decode("utf-8")
    (label, body), = re.findall(r'<figure class="picture">\s*<svg role="group" aria-label="([^"]+)"[^>]*>(.*?)'
                                r"</svg>\s*<figcaption>", html, flags=re.DOTALL)
    assert label == picture.alt and "<img" not in html
    assert '<g class="country" data-iso="MLI"><title>Mali</title>' in body

    from docx import Document
    doc = Document(io.BytesIO(sahel.docx))
    described = [e.get("descr") for e in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert described == [picture.alt]
    styles = [p.style.name if p.style else "" for p in doc.paragraphs if p._p.xpath(".//w:drawing")]
    assert styles == ["Figure"]

    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(sahel.pdf))

    def figures_in(node: Any) -> Iterator[Any]:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                yield node
            kids = node.get("/K")
            if kids is not None:
                yield from figures_in(kids)
        elif isinstance(node, list):
            for kid in node:
                yield from figures_in(kid)

    root: Any = reader.trailer["/Root"]
    tagged = list(figures_in(root["/StructTreeRoot"]))
    assert [str(f["/Alt"]) for f in tagged] == [picture.alt]


def test_the_sahel_map_highlights_the_sahel_and_nothing_else(content: Content) -> None:
    (_, picture), = list(pictures_of(make_briefing(content, ("region", "sahel"))))
    svg = pictures.render(picture.drawing, "svg", TEMPLATES)
    colours = fills(svg)
    assert content.geo is not None
    sahel = set(content.geo.places["sahel"].countries)
    assert {"MLI", "NER", "TCD"} <= sahel
    # Each highlighted country is a path of its own in the house colour;
    # every other country too, in grey, with its code and Dutch name.
    assert colours == {code: LINTBLAUW for code in sahel}
    groups = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("data-iso")]
    assert len(groups) > 60 and len({g.get("data-iso") for g in groups}) == len(groups)
    titles = {g.get("data-iso"): g.findtext(f"{SVG}title") for g in groups}
    assert titles["MLI"] == "Mali" and titles["DZA"] == "Algerije" and titles["NLD"] == "Nederland"
    assert all(titles.values())


def test_every_region_has_a_map_of_its_own_countries(content: Content) -> None:
    assert content.geo is not None
    for entry in content.taxonomies["region"].entries:
        (_, picture), = list(pictures_of(make_briefing(content, ("region", entry.id))))
        drawing = picture.drawing
        assert isinstance(drawing, MapDrawing)
        place = content.geo.places[entry.id]
        assert drawing.shades[0].countries == tuple(sorted(place.countries)), entry.id
        assert picture.alt and picture.caption, entry.id


def test_pictures_are_the_same_bytes_in_another_process(content: Content) -> None:
    (_, picture), = list(pictures_of(make_briefing(content, ("region", "horn-of-africa"))))
    here = {fmt: pictures.render(picture.drawing, fmt, TEMPLATES) for fmt in ("svg", "png")}
    script = ("import sys; sys.path.insert(0, 'tests'); from conftest import *; from generator import pictures\n"
              "from generator.model import Picture\n"
              "b = make_briefing(load_content(CONTENT), ('region', 'horn-of-africa'))\n"
              "p = next(x for s in b.walk() for x in s.blocks if isinstance(x, Picture))\n"
              "sys.stdout.buffer.write(pictures.render(p.drawing, 'svg', TEMPLATES) + b'\\0' + "
              "pictures.render(p.drawing, 'png', TEMPLATES))")
    svg, png = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True
                              ).stdout.split(b"\0", 1)
    assert (svg, png) == (here["svg"], here["png"])
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    assert pictures.png_size(png)[0] / (132 / 25.4) >= 200  # print resolution: at least 200 dpi


# -- theme and ministry maps -------------------------------------------------


def where_map(content: Content, *pairs: tuple[str, str]) -> MapDrawing | None:
    briefing = make_briefing(content, *pairs)
    found = [p.drawing for r, p in pictures_of(briefing) if r == "where" and isinstance(p.drawing, MapDrawing)]
    return found[0] if found else None


def shaded_countries(drawing: MapDrawing) -> set[str]:
    return {c for c in fills(pictures.render(drawing, "svg", TEMPLATES))}


def test_theme_map_shades_what_the_text_links_to_it_with_a_legend(content: Content) -> None:
    briefing = make_briefing(content, ("theme", "cyber-security"))
    (role, picture), = [(r, p) for r, p in pictures_of(briefing) if isinstance(p.drawing, MapDrawing)]
    assert role == "where"
    where = next(s for s in briefing.walk() if s.role == "where")
    assert where.title == "Waar de strategie dit plaatst"
    drawing = picture.drawing
    assert isinstance(drawing, MapDrawing) and drawing.legend_title
    # every class up to the darkest drawn is in the legend: no gap in the scale
    assert [s.level for s in drawing.shades] == list(range(1, len(drawing.shades) + 1))
    assert all(s.legend for s in drawing.shades)
    shaded = shaded_countries(drawing)
    # Countries where the text names a country; Europe whole, as the text names Europe.
    assert {"CHN", "IRN", "PRK", "NLD", "FRA"} <= shaded
    assert not {"IND", "IDN", "AUS", "BRA"} & shaded  # Asia is not named with cyber security, nor these
    assert "dezelfde zin" in picture.caption and "aangepast aan het Nederlandse standpunt" in picture.caption


def test_the_terrorism_map_shades_only_places_a_sentence_links_to_terrorism(content: Content) -> None:
    drawing = where_map(content, ("theme", "terrorism"))
    assert drawing is not None
    shaded = shaded_countries(drawing)
    assert {"MLI", "SYR", "AFG", "COL"} <= shaded
    # The Arctic is named in a passage that mentions terrorism elsewhere;
    # Afghanistan is named, Asia is not.
    assert not any(s.north_of for s in drawing.shades)
    assert not {"CHN", "IDN", "IND", "RUS", "BRA", "USA"} & shaded


def test_a_map_that_would_shade_most_regions_is_left_out(content: Content) -> None:
    assert content.geo is not None
    from generator.compose import _regions_of, linked_places
    from generator.select import parse_selectors, select
    selection = select(content, parse_selectors(content, [("ministry", "defence")]))
    touched = set().union(*(_regions_of(content.geo, t) for t in linked_places(content, selection)))
    assert len(touched) > 2 / 3 * len(content.geo.places)
    assert where_map(content, ("ministry", "defence")) is None
    assert where_map(content, ("theme", "human-rights")) is None  # tied to no place


def test_theme_map_left_out_without_places(content: Content) -> None:
    fixture = load_content(ROOT / "tests" / "fixtures" / "content")
    briefing = make_briefing(fixture, ("ministry", "defence"))
    assert not list(pictures_of(briefing)) and not any(s.role == "where" for s in briefing.walk())
    # A region briefing shows its locator map instead.
    assert not any(s.role == "where" for s in make_briefing(content, ("region", "asia")).walk())


def briefing_passages(content: Content, briefing: Briefing) -> list[Any]:
    from generator.select import parse_selectors, select
    kind, subject = briefing.id.split("-", 1)
    return list(select(content, parse_selectors(content, [(kind, subject)])).passages)


# -- charts ------------------------------------------------------------------


def charts_of(briefing: Briefing) -> list[Picture]:
    return [p for _, p in pictures_of(briefing) if isinstance(p.drawing, ChartDrawing)]


def test_a_chart_that_only_repeats_its_table_is_left_out(content: Content) -> None:
    """The phosphate shares are two rows of the figures table: a chart of
    two bars would only repeat them."""
    briefing = make_briefing(content, ("theme", "natural-resources"))
    assert not charts_of(briefing)
    table = next(b for s in briefing.walk() if s.role == "figures" for b in s.blocks if isinstance(b, Table))
    assert sum(row[0].split()[0] in ("33%", "25%") for row in table.rows) == 2


def test_a_chart_is_drawn_with_the_figures_as_printed(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import compose as composing
    monkeypatch.setattr(composing, "MIN_CHART_BARS", 2)
    chart, = charts_of(make_briefing(content, ("theme", "natural-resources")))
    assert isinstance(chart.drawing, ChartDrawing)
    assert [(b.label, b.value, b.text) for b in chart.drawing.bars] == [("Marokko", 33.0, "33%"),
                                                                        ("China", 25.0, "25%")]
    passage = content.by_id["belangen-23"]
    assert all(b.text in passage.text for b in chart.drawing.bars)  # verbatim from the passage
    assert chart.source is not None and chart.source.citation == "p.\u00a014"  # the shares stand on p. 14
    assert "33%" in chart.alt and "China" in chart.alt


def test_no_chart_for_a_number_that_stands_alone(content: Content) -> None:
    # North Africa holds only Morocco's share; piracy's cost and ships are not of one unit.
    assert not charts_of(make_briefing(content, ("region", "north-africa")))
    assert not charts_of(make_briefing(content, ("theme", "piracy")))


def test_a_chart_of_figures_in_different_units_is_refused(content_copy: Path) -> None:
    charts = content_copy / "charts.yaml"
    charts.write_text(charts.read_text(encoding="utf-8").replace("fosfaat-china", "kosten-piraterij"),
                      encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    messages = info.value.messages()
    assert any("charts.yaml:" in m and "'18 miljard', not a number a bar can show" in m for m in messages)


# -- errors ------------------------------------------------------------------


def test_missing_or_corrupt_map_file_is_one_clear_error(cli: Callable[..., Any], content_copy: Path,
                                                        tmp_path: Path) -> None:
    world = content_copy / "geo" / "world.json"
    out = tmp_path / "out"
    world.write_text('{"countries": {"MLI": ', encoding="utf-8")
    run = cli("build", "--region", "sahel", "--content", str(content_copy), "--out", str(out))
    assert run.code == 1
    assert run.err.strip().splitlines() == [f"{world}: line 1: not a country outline file (invalid JSON: "
                                            "Expecting value); remake it with tools/make_world.py"]
    assert "Traceback" not in run.err and not out.exists()
    world.unlink()
    run = cli("check", "--content", str(content_copy))
    assert run.code == 1 and f"{world}: file not found" in run.err and "Traceback" not in run.err


def test_region_mapping_errors_say_where_and_suggest(content_copy: Path) -> None:
    places = content_copy / "geo" / "regions.yaml"
    text = places.read_text(encoding="utf-8")
    text = text.replace("countries: [BFA, MLI, MRT, NER, TCD]", "countries: [BFA, Mali, MRT, NER, TCX]")
    text = text.replace("countries: [GEO, ARM, AZE]", "countries: []")
    places.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    messages = [m.replace(str(content_copy), "content") for m in info.value.messages()]
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "BFA, Mali" in t)
    assert f"content/geo/regions.yaml:{line}: region 'sahel': unknown country 'Mali' — did you mean 'MLI' " \
           "(Mali)? (ISO 3166-1 alpha-3 codes, as in world.json)" in messages
    assert any(m.startswith(f"content/geo/regions.yaml:{line}: region 'sahel': unknown country 'TCX' — did you "
                            "mean 'TCD'") for m in messages)
    assert any("region 'caucasus' has no countries" in m for m in messages)


def test_a_region_without_a_place_is_an_error(content_copy: Path) -> None:
    places = content_copy / "geo" / "regions.yaml"
    text = places.read_text(encoding="utf-8")
    places.write_text(re.sub(r"  arctic:\n(    .*\n)+", "", text), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    assert any("region 'arctic' has no place on the maps" in m for m in info.value.messages())


def test_content_without_geo_has_no_maps(tmp_path: Path) -> None:
    fixture = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "content", fixture)
    shutil.rmtree(fixture / "geo")
    assert not list(pictures_of(make_briefing(load_content(fixture), ("region", "sahel"))))


def test_svg_is_what_weasyprint_draws(content: Content) -> None:
    """Paths and rectangles, text as paths: no <text>, no clip paths, no
    images inside the picture."""
    for subject in (("region", "arctic"), ("theme", "natural-resources")):
        for _, picture in pictures_of(make_briefing(content, subject)):
            svg = pictures.render(picture.drawing, "svg", TEMPLATES).decode("utf-8")
            assert "<text" not in svg and "<image" not in svg and "clip-path" not in svg, subject
            assert base64.b64encode(svg.encode())  # embeddable as a data: URI
    assert CONTENT.is_dir()


def test_the_arctic_seen_from_the_pole_shows_all_around_it(content: Content) -> None:
    from generator.pictures import draw

    (_, picture), = list(pictures_of(make_briefing(content, ("region", "arctic"))))
    d = picture.drawing
    assert isinstance(d, MapDrawing) and d.shades[0].north_of == 66.56
    frame = draw._frame(d.world_digest, d.projection, d.center, d.bounds)
    assert {"USA", "CAN", "GRL", "NOR", "RUS"} <= set(frame.rings)


def test_the_png_is_the_svg_drawn(content: Content) -> None:
    """Word's PNG and the PDF's SVG are one layout: same size, the Sahel's
    countries in the house colour where the SVG puts them, sea around."""
    from PIL import Image

    from generator.pictures import draw

    (_, picture), = list(pictures_of(make_briefing(content, ("region", "sahel"))))
    svg, png = (pictures.render(picture.drawing, fmt, TEMPLATES) for fmt in ("svg", "png"))
    root = ET.fromstring(svg)
    width_pt = float(root.get("width", "").removesuffix("pt"))
    height_pt = float(root.get("height", "").removesuffix("pt"))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = draw.PNG_DPI / 72
    assert image.size == (round(width_pt * scale), round(height_pt * scale))

    def colour(x_pt: float, y_pt: float) -> str:
        pixel = image.getpixel((int(x_pt * scale), int(y_pt * scale)))
        assert isinstance(pixel, tuple)
        return "#{:02x}{:02x}{:02x}".format(*pixel)

    # The SVG's path data, in hundredths of a point: Mali's first ring.
    mali = next(g for g in root.iter(f"{SVG}g") if g.get("data-iso") == "MLI").find(f"{SVG}path")
    assert mali is not None
    numbers = [int(n) for n in re.findall(r"-?\d+", mali.get("d", "").split("z")[0])]
    x, y, points = numbers[0], numbers[1], [(numbers[0], numbers[1])]
    for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
        x, y = x + dx, y + dy
        points.append((x, y))
    middle = (sum(p[0] for p in points) / len(points) / 100, sum(p[1] for p in points) / len(points) / 100)
    assert colour(*middle) == LINTBLAUW
    assert colour(3, 3) == SEA  # the top left corner, inside the frame


def test_a_build_keeps_its_pictures_for_the_next(tmp_path: Path) -> None:
    """Pictures drawn by one build are kept with its output and in the
    user's cache folder; the next build (a fresh process, everything
    forced), into the same folder or into a new one, reads them instead of
    drawing, so it never imports matplotlib, and writes the same bytes."""
    cache = tmp_path / "cache"
    script = ("import sys\nfrom generator.cli import main\n"
              "code = main(['build', '--region', 'sahel', '--format', 'pdf,docx', '--out', sys.argv[1], "
              "'--quiet', '--force', '--date', '2026-11-27'])\n"
              "print('matplotlib' in sys.modules, code)")

    def build(out: Path, cached: bool = True) -> tuple[str, dict[str, bytes]]:
        env = {**os.environ, "BRIEFING_CACHE": str(cache) if cached else "off"}
        done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, check=True, capture_output=True,
                              text=True, env=env)
        return done.stdout.split()[-2], {p.name: p.read_bytes() for p in out.glob("region-sahel.*")}

    def kept(store: Path) -> list[str]:
        return sorted(p.suffix for p in store.iterdir())

    drew, first = build(tmp_path / "out")
    assert drew == "True"
    assert kept(tmp_path / "out" / ".briefing-pictures") == [".png", ".svg"]  # the locator map, for PDF and Word
    assert kept(cache / "pictures") == [".png", ".svg"]
    assert stat.S_IMODE((cache / "pictures").stat().st_mode) == 0o700
    drew, second = build(tmp_path / "out")
    assert drew == "False" and second == first and len(first) == 2
    drew, elsewhere = build(tmp_path / "another")  # another clearance's folder, say
    assert drew == "False" and elsewhere == first
    assert kept(tmp_path / "another" / ".briefing-pictures") == [".png", ".svg"]
    drew, uncached = build(tmp_path / "a third", cached=False)
    assert drew == "True" and uncached == first


def test_the_store_keeps_the_most_recently_used(tmp_path: Path) -> None:
    import os

    for i in range(6):
        (tmp_path / f"{i}.svg").write_text("x")
        os.utime(tmp_path / f"{i}.svg", (1000 + i, 1000 + i))
    (tmp_path / ".briefing-tmp-cut-off").write_text("x")
    os.utime(tmp_path / ".briefing-tmp-cut-off", (1000, 1000))
    (tmp_path / ".briefing-tmp-being-written").write_text("x")
    pictures.trim_store(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".briefing-tmp-being-written", "3.svg", "4.svg", "5.svg"]


# -- names on maps, sizes, regions -------------------------------------------


def test_locator_maps_name_their_region_and_neighbours(content: Content) -> None:
    from generator.pictures import draw
    for entry in content.taxonomies["region"].entries:
        picture = next(make_briefing(content, ("region", entry.id)).pictures())
        assert isinstance(picture.drawing, MapDrawing)
        main = [label for label in picture.drawing.labels if label.main]
        assert [label.text for label in main] == [entry.label_nl], entry.id
        scene = draw.layout(picture.drawing, TEMPLATES)
        assert any(s.id == "label" for s in scene.shapes), entry.id
    sahel = next(make_briefing(content, ("region", "sahel")).pictures()).drawing
    assert isinstance(sahel, MapDrawing)
    assert {"Noord-Afrika", "Hoorn van Afrika"} <= {label.text for label in sahel.labels if not label.main}


def test_no_text_in_a_picture_is_smaller_than_six_and_a_half_points(content: Content) -> None:
    from conftest import EDITION

    from generator.catalogue import catalogue
    from generator.compose import compose
    from generator.pictures import draw
    from generator.select import select

    sizes = set()
    for selectors in catalogue(content):
        for picture in compose(content, select(content, selectors), EDITION).pictures():
            sizes |= {s.size for s in draw.layout(picture.drawing, TEMPLATES).shapes if s.size}
    assert sizes and min(sizes) >= 6.5


def test_regions_are_drawn_as_the_text_defines_them(content: Content) -> None:
    assert content.geo is not None
    west = set(content.geo.places["west-africa"].countries)
    assert {"NGA", "GHA"} <= west and not {"CMR", "GAB", "GNQ", "MLI", "NER", "BFA"} & west
    assert all(place.countries or place.north_of for place in content.geo.places.values())
    picture = next(make_briefing(content, ("region", "west-africa")).pictures())
    # more than eight countries: the caption counts them, the alt text names them all
    assert "12 landen" in picture.caption and "Nigeria" not in picture.caption
    assert "12 landen: Benin" in picture.alt and "Nigeria" in picture.alt


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_map_text_is_readable_on_a_phone_and_a_desktop(content: Content, tmp_path: Path, width: int) -> None:
    """In the HTML edition, in a real browser: every text of a map that
    shows is at least 11 px at a 390 px wide screen (the legend set in the
    page, the map's own names hidden there), and a country's name is its
    title, on hover."""
    from playwright.sync_api import sync_playwright
    from test_serve_live import CHROMIUM, CHROMIUM_ARGS

    from generator.writers import get_writer

    page_file = tmp_path / "theme-terrorism.html"
    page_file.write_bytes(get_writer("html", TEMPLATES).render(make_briefing(content, ("theme", "terrorism"))).data)
    sahel = tmp_path / "region-sahel.html"
    sahel.write_bytes(get_writer("html", TEMPLATES).render(make_briefing(content, ("region", "sahel"))).data)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(page_file.as_uri())
            sizes = page.evaluate("""() => [...document.querySelectorAll('.map-legend, .picture figcaption')]
                .map(e => parseFloat(getComputedStyle(e).fontSize))""")
            assert len(sizes) == 2 and min(sizes) >= 11
            hidden = page.evaluate("""() => [...document.querySelectorAll('.picture svg [class|=legend]')]
                .every(e => getComputedStyle(e).display === 'none')""")
            assert hidden
            assert page.evaluate("() => document.querySelector('g.country[data-iso=MLI] title').textContent") == "Mali"
            page.goto(sahel.as_uri())
            # the map's names: scaled with the picture, shown only where they stay readable
            shown = page.evaluate("""() => [...document.querySelectorAll('.picture svg .label')]
                .filter(e => getComputedStyle(e).display !== 'none')
                .map(e => e.getBoundingClientRect().height)""")
            assert (shown == []) if width == 390 else (len(shown) >= 2 and min(shown) >= 6)
        finally:
            browser.close()
