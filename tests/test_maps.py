"""The interactive map without a browser: layers, escaping, size budget, packed places, time control
data (town classes, air links), PNG."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from minusma import Study, layers
from minusma.maps import popups
from minusma.maps.build import map_html, save_map
from minusma.maps.exposure import timeline_dates
from minusma.maps.places import PLACES_JS, SCALE, CanvasPlaces, pack_places, unpack_places
from minusma.maps.popups import safe_json
from minusma.maps.style import EXPOSURE_CLASSES
from minusma.maps.timeline import step_index
from minusma.maps.towns import read_settlements
from minusma.maps.transport import air_link_periods, air_link_state, no_detour

EVIL = "<img src=x onerror=alert(1)>"
MB = 1_000_000


@pytest.fixture(scope="module")
def settlements(data_dir: Path):
    return read_settlements(data_dir)


@pytest.fixture(scope="module")
def page(settlements) -> str:
    towns = layers.towns()
    towns.loc[towns["town_id"] == "ml-abakoira", "name"] = EVIL
    towns.loc[towns["town_id"] == "ml-achibogho", "name"] = (
        "${alert(2)}</script><script>alert(3)</script>"
    )
    return map_html(Study().map(as_of="2023-08-02", settlements=settlements, towns=towns))


def test_every_layer_is_in_the_page(page):
    for name in (
        "Regions (central zone highlighted)",
        "Niger river (navigable reach bold)",
        "Roads (by class; schematic lines dashed)",
        "Roads with no detour (highlight)",
        "Airports and airstrips",
        "Air links (by operator; ended dashed)",
        "Towns (colour = exposure class)",
        "MINUSMA sites open (symbol by kind)",
        "MINUSMA sites closed (faded)",
        "Coverage before the withdrawal (50 km)",
        "Coverage at the selected date (50 km)",
        "Populated places (OCHA COD)",
        "Security events up to the selected date (55 of 64 mapped; 9 without a point)",
    ):
        assert json.dumps(name)[1:-1] in page, name
    for control in (
        "L.control.layers",
        "control.scale",
        "minusmaSearch",
        "L.control.fullscreen",
        "minusmaTimeline",
        "minusma-legend",
    ):
        assert control in page, control


def test_data_strings_are_escaped(page):
    assert EVIL not in page
    assert "<script>alert(3)" not in page
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    # no data reaches a JS template literal (folium.Popup would evaluate ${...} there)
    # (the places layer's popup gets a DOM element whose text is set with textContent)
    assert "L.popup(" not in page.replace(
        "L.popup({maxWidth: Math.min(320, window.innerWidth - 70)}).setLatLng", ""
    )


def test_escape_helpers():
    assert popups.esc(EVIL) == "&lt;img src=x onerror=alert(1)&gt;"
    assert popups.esc(float("nan")) == "" and popups.esc(None) == ""
    assert popups.link("javascript:alert(1)") == "javascript:alert(1)"
    assert popups.link("https://x.org/a?b=1&c=2").startswith(
        '<a href="https://x.org/a?b=1&amp;c=2"'
    )
    assert "<" not in popups.safe_json({"a": "</script>"})
    html = popups.table("<b>", [("k", "<i>"), ("empty", None)])
    assert "&lt;b&gt;" in html and "&lt;i&gt;" in html and "empty" not in html


def test_size_budget_with_every_settlement(page, settlements, tmp_path):
    assert len(settlements) == 18_769
    assert len(page.encode()) < 5 * MB
    assert page.count("[1") > 0


def test_offline_page_is_self_contained_and_small(settlements, tmp_path):
    from minusma.maps.assets import check_cache

    cache = check_cache(
        os.environ.get("MINUSMA_ASSET_CACHE")
        or Path(__file__).resolve().parents[1] / ".cache" / "assets"
    )
    m = Study().map(settlements=settlements, offline=True)
    out = save_map(m, tmp_path / "offline.html", cache_dir=cache)
    html = out.read_text(encoding="utf-8")
    assert len(html.encode()) < 5 * MB
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", html)
    assert "tile.openstreetmap.org" not in html


def test_timeline_steps_and_classes():
    bases = layers.bases()
    dates = timeline_dates(bases)
    # the first step is the analysis's "before" (30 Jun 2023), then the 12 closure dates
    assert len(dates) == 13 and str(dates[0]) == "2023-06-30" and str(dates[1]) == "2023-08-03"
    assert str(dates[-1]) == "2024-07-22"
    assert step_index(dates, None) == 12 and step_index(dates, dates[0]) == 0
    assert step_index(dates, dates[5]) == 5
    exp = Study().exposure_timeline().for_towns(layers.towns())
    values = set(exp.classes.stack().dropna())
    assert values <= set(EXPOSURE_CLASSES)
    # one model: every step's classes are the assessment's on that date
    for when in (dates[0], dates[6], dates[-1]):
        want = Study().assess(as_of=when).set_index("town_id")["exposure_class"]
        got = exp.classes[when.isoformat()].dropna()
        assert (got == want.reindex(got.index)).all()
    # before the withdrawal no town has lost coverage: nothing is severe for a lost umbrella
    assert exp.classes.iloc[:, 0].value_counts().get("severe", 0) < exp.classes.iloc[
        :, -1
    ].value_counts().get("severe", 0)


def test_no_detour_links():
    roads = layers.roads()
    cut = no_detour(roads)
    assert cut.index.equals(roads.index) and cut.dtype == bool
    ids = set(roads.loc[cut, "road_id"])
    assert "road-ml-aguelhok--ml-tessalit" in ids  # a dead end has no detour
    assert not cut[roads["role"] != "edge"].any()
    assert "road-ml-bamako--ml-segou" not in ids  # RN7 and RN12 go round it
    # the map and the analysis agree on the single points of failure
    from minusma import Study

    crit = Study().criticality()
    assert ids == set(crit.loc[crit["is_bridge"].astype(bool), "segment_id"])


def test_places_are_packed_compactly_and_losslessly(settlements):
    packed = pack_places(settlements)
    back = unpack_places(packed).set_index("pcode")
    src = settlements.set_index("pcode").loc[back.index]
    assert len(back) == len(settlements) == 18_769 and back.index.is_unique
    assert back.index.is_monotonic_increasing  # deterministic order
    assert np.abs(back["lon"] - src.geometry.x).max() <= 0.5 / SCALE + 1e-12
    assert np.abs(back["lat"] - src.geometry.y).max() <= 0.5 / SCALE + 1e-12
    assert (back["name"] == src["featureNam"]).all() and (
        back["class_code"] == src["popPlaceCl"]
    ).all()
    for ours, cod in (
        ("commune_pcode", "admin3Pcod"),
        ("cercle", "admin2Name"),
        ("region_pcode", "admin1Pcod"),
    ):
        assert (back[ours] == src[cod]).all(), ours
    assert len(safe_json(packed).encode()) < 700_000
    # the layer class: one canvas, no innerHTML, drawn from the packed arrays
    assert (
        "innerHTML" not in PLACES_JS
        and "textContent" in PLACES_JS
        and "latLngToContainerPoint" in PLACES_JS
    )


def test_places_layer_escapes_names_and_counts_points(settlements):
    gdf = settlements.head(50).copy()
    gdf.loc[gdf.index[0], "featureNam"] = EVIL
    gdf.loc[gdf.index[1], "geometry"] = None
    layer = CanvasPlaces(
        gdf, name="places", attribution="x", style={"color": "#000"}, classes={5: "Other"}
    )
    assert layer.count == 49
    assert EVIL not in layer.data and "\\u003cimg" in layer.data
    assert unpack_places(json.loads(layer.data))["name"].tolist().count(EVIL) == 1


def test_make_map_reads_the_settlements_of_a_data_dir(data_dir):
    from minusma import Study
    from minusma.maps.exposure import timeline_dates

    m = Study(data_dir).map()
    places = [c for c in m._children.values() if isinstance(c, CanvasPlaces)]
    assert len(places) == 1 and places[0].count == 18_769 and places[0].control
    # the places carry their exposure class at every step, as the assessment gives it
    back = unpack_places(json.loads(places[0].data)).set_index("pcode")
    dates = timeline_dates(layers.bases())
    assert f"exposure_{len(dates) - 1}" in back and f"exposure_{len(dates)}" not in back
    for k in (0, len(dates) - 1):
        truth = Study(data_dir, places="settlements").assess(as_of=dates[k])
        truth = truth.set_index("settlement_id")["exposure_class"].reindex(back.index)
        assert (back[f"exposure_{k}"] == truth).all(), k
    assert set(back[f"exposure_{len(dates) - 1}"]) != set(back["exposure_0"])
    # the real geography of the data directory: 2023 regions from cercles and the NE Niger
    names = {getattr(c, "layer_name", None) for c in m._children.values()}
    assert "Regions 2023 (from cercles; central zone filled)" in names
    assert "Niger river (Natural Earth, real course)" in names
    assert "Regions (central zone highlighted)" not in names
    assert "Niger river (navigable reach bold)" not in names


def test_air_links_follow_the_withdrawal():
    links, bases = layers.air_links(), layers.bases()
    periods = air_link_periods(links, bases, layers.airports()).set_index(links["link_id"])
    # MINUSMA links end when the site of their destination closes, not with the source's "2013-2023"
    assert periods.loc["minusma-kidal", "end"] == dt.date(2023, 10, 31)
    assert periods.loc["minusma-gaq", "end"] == dt.date(2024, 7, 22)
    assert periods.loc["minusma-gaq", "end_source"].startswith("closure of Gao")
    assert periods.loc["skymali-bko-tom", "end"] == dt.date(2023, 9, 11)  # suspended
    counts = [int(air_link_state(periods, d).eq("active").sum()) for d in timeline_dates(bases)]
    assert counts == [7, 7, 7, 7, 7, 6, 6, 5, 5, 4, 4, 3, 2]
    on_last = air_link_state(periods, dt.date(2024, 7, 22))
    assert set(on_last[on_last == "active"].index) == {"skymali-bko-gaq", "skymali-bko-kys"}
    assert on_last["skymali-bko-nim"] == "not started"  # from 8 Apr 2025


def test_png_is_made_and_not_blank(tmp_path):
    from PIL import Image

    from minusma.maps.static import save_png

    out = save_png(Study().static_map(as_of="2023-12-31"), tmp_path / "map.png", dpi=80)
    pixels = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 50 and pixels.std() > 10


@pytest.fixture(scope="module")
def surface_map(data_dir):
    """A map on a date when Timbuktu and Gao are still open: two distance overlays."""
    m = Study(data_dir).map(as_of="2023-12-12")
    return {"map": m, "html": map_html(m)}


def _overlays(m):
    from folium.raster_layers import ImageOverlay

    return [c for c in m._children.values() if isinstance(c, ImageOverlay)]


def test_distance_overlays_have_the_rasters_exact_bounds(surface_map, data_dir):
    from minusma.layers.population import read_density
    from minusma.maps.surface import ATTRIBUTION, PANE

    overlays = _overlays(surface_map["map"])
    assert [o.layer_name for o in overlays] == [
        "Distance to nearest open site, before the withdrawal (30 Jun 2023)",
        "Distance to nearest open site on 11 Dec 2023",
    ]  # the map's step: the HQ closed on 11 Dec
    grid = read_density(data_dir=data_dir)
    rows, cols = grid.values.shape
    t = grid.transform
    bounds = [[t.f + t.e * rows, t.c], [t.f, t.c + t.a * cols]]
    html = surface_map["html"]
    for o in overlays:
        assert not o.show and o.control and o.url.startswith("data:image/png;base64,")
        assert o.options["pane"] == PANE and o.options["attribution"] == ATTRIBUTION
        found = re.search(
            r"var "
            + o.get_name()
            + r" = L\.imageOverlay\(\s*\"(data:image/png;base64,[^\"]+)\",\s*"
            r"(\[\[[^\]]+\], \[[^\]]+\]\])",
            html,
        )
        assert found, o.get_name()
        assert found.group(1) == o.url
        assert np.allclose(json.loads(found.group(2)), bounds, atol=1e-9)
    # off by default: created, never added to the map on load
    assert not re.search(r"\b" + overlays[0].get_name() + r"\.addTo\(", html)
    assert (
        "Distance to the nearest open site (overlay, off by default)" in html
        and "minusma-ramp" in html
    )
    assert len(html.encode()) < 5 * MB


def _png(overlay):
    import base64
    import io

    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(overlay.url.split(",", 1)[1])))


def test_distance_overlay_png_is_transparent_outside_mali(surface_map):
    from pyproj import Transformer

    from minusma.maps.surface import ROWS_PER_CELL

    before, on_date = _overlays(surface_map["map"])
    img = _png(before)
    assert img.mode == "RGBA" and img.format == "PNG"
    alpha = np.asarray(img)[..., 3]
    rows = alpha.shape[0] // ROWS_PER_CELL
    assert alpha.shape == (rows * ROWS_PER_CELL, 105) and set(np.unique(alpha)) == {0, 255}
    # rows are regular in Web Mercator between the raster's exact bounds
    (south, west), (north, east) = before.bounds
    merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    (_, _), (y_south, y_north) = merc.transform([west, east], [south, north])

    def pixel(lon, lat):
        _, y = merc.transform(lon, lat)
        return (
            int((y_north - y) / (y_north - y_south) * alpha.shape[0]),
            int((lon - west) / (east - west) * alpha.shape[1]),
        )

    for lon, lat in (
        (-0.04, 16.27),
        (-3.0, 16.77),
        (-8.0, 12.65),
        (-4.2, 14.5),
    ):  # Gao, Timbuktu, Bamako, Mopti
        assert alpha[pixel(lon, lat)] == 255
    for lon, lat in (
        (-12.5, 25.3),
        (4.5, 10.0),
        (-12.5, 10.0),
        (4.5, 25.3),
    ):  # Mauritania, Benin, Guinea, Algeria
        assert alpha[pixel(lon, lat)] == 0
    # the image is light near an open site and dark far from every site
    rgb = np.asarray(img)[..., :3].astype(int).sum(axis=2)
    assert rgb[pixel(-0.04, 16.27)] > rgb[pixel(-4.0, 24.0)] + 300
    # on 12 Dec 2023 (Timbuktu and Gao open) Bamako is far: darker than before the withdrawal
    rgb_now = np.asarray(_png(on_date))[..., :3].astype(int).sum(axis=2)
    assert rgb_now[pixel(-8.0, 12.65)] < rgb[pixel(-8.0, 12.65)] - 300


def test_distance_surface_is_the_geodesic_distance_to_open_sites(data_dir):
    from minusma.geo.distance import geodesic_km
    from minusma.maps.surface import distance_surface

    bases = layers.bases()
    surface = distance_surface(bases, "2023-12-12", label="x", data_dir=data_dir)
    assert surface.sites_open == 2 and np.ma.getmaskarray(surface.km).any()
    t = surface.transform
    row, col = int((16.27 - t.f) / t.e), int((-0.04 - t.c) / t.a)  # the cell of Gao
    lon, lat = t.c + t.a * (col + 0.5), t.f + t.e * (row + 0.5)
    gao = bases.set_index("town_id").geometry["ml-gao"]
    assert surface.km[row, col] == pytest.approx(geodesic_km(lon, lat, gao.x, gao.y), abs=0.01)


def test_no_distance_overlay_after_the_last_closure_twice_or_without_worldpop(
    data_dir, tmp_path, caplog
):
    m = Study(data_dir).map()  # default date: every site closed
    assert [o.layer_name for o in _overlays(m)] == [
        "Distance to nearest open site, before the withdrawal (30 Jun 2023)"
    ]
    m = Study(data_dir).map(as_of="2023-07-01")  # same 13 sites as before
    assert len(_overlays(m)) == 1
    assert _overlays(Study(data_dir).map(distance_overlay=False)) == []
    import shutil

    shutil.copytree(data_dir / "ocha-cod-mali", tmp_path / "ocha-cod-mali")
    with caplog.at_level("WARNING", logger="minusma.maps.build"):
        m = Study(tmp_path).map()
    assert _overlays(m) == [] and "no distance overlay" in caplog.text
    assert "minusma-ramp" not in map_html(m)


def test_offline_page_with_distance_overlays_is_self_contained(data_dir, tmp_path):
    from minusma.maps.assets import check_cache

    cache = check_cache(
        os.environ.get("MINUSMA_ASSET_CACHE")
        or Path(__file__).resolve().parents[1] / ".cache" / "assets"
    )
    m = Study(data_dir).map(as_of="2023-12-12", offline=True)
    html = save_map(m, tmp_path / "offline.html", cache_dir=cache).read_text(encoding="utf-8")
    overlays = _overlays(m)
    assert len(overlays) == 2 and all(html.count(json.dumps(o.url)) == 1 for o in overlays)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html)
    assert len(html.encode()) < 5 * MB


def test_search_keys_ignore_accents_case_and_apostrophes():
    from minusma.maps.search import search_index, search_key

    assert search_key("Aguel'hoc") == search_key("aguelhoc") == "aguelhoc"
    assert search_key("M'Pessoba") == search_key("mpessoba") == search_key("M Pessoba")
    assert search_key("Ségou") == "segou" and search_key("MÉNAKA") == "menaka"
    assert search_key(None) == "" and search_key(float("nan")) == ""
    index = {row[1]: row[2].split("|") for row in search_index(layers.towns())}
    assert "timbuktu" in index["Tombouctou"]
    assert "aguelhok" in index["Aguel'hoc"]  # an alternative name
    assert "mpessoba" in index["M'Pessoba"]
    assert any(k.startswith("ml") for k in index["Tombouctou"])  # the P-code
    # names are stored as sourced (escaped only when the page renders them)
    assert "Aguel'hoc" in index and "Aguel&#x27;hoc" not in index


def test_every_map_text_exists_in_both_languages_with_the_same_fields():
    import string

    from minusma.geo.i18n import LANGS, STRINGS, date_text, text

    assert set(LANGS) == {"en", "fr"}
    assert set(STRINGS["en"]) == set(STRINGS["fr"])
    for key in STRINGS["en"]:
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(STRINGS[lang][key]) if f}
            for lang in LANGS
        ]
        assert fields[0] == fields[1], key
        assert STRINGS["en"][key].strip() and STRINGS["fr"][key].strip()
    # every key the maps name literally, and every key they build from a style table or a field
    used = set()
    for path in Path(__file__).parents[1].joinpath("maps").rglob("*.py"):
        used |= set(re.findall(r'\btext\(\s*"([^"{}]+)"', path.read_text(encoding="utf-8")))
    from minusma.geo.exposure.params import SEASONS
    from minusma.maps.exposure import SCENARIO_FIELDS
    from minusma.maps.style import ROAD_CLASSES, SITE_KINDS

    used |= {f"class.{c}" for c in EXPOSURE_CLASSES} | {f"site.{k}" for k in SITE_KINDS}
    used |= {f"road.{k}" for k in ROAD_CLASSES} | {f"whatif.{f}" for f in SCENARIO_FIELDS}
    used |= {f"season.{s}" for s in SEASONS} | {f"river.{r}" for r in ("true", "false", "none")}
    used |= {f"layer.{k}_{s}" for k, s in (("sites", "open"), ("sites", "closed"))}
    used |= {f"layer.coverage_{k}" for k in ("before", "now")}
    assert len(used) > 60 and used <= set(STRINGS["en"]), sorted(used - set(STRINGS["en"]))
    # the maps take no English label from the style table (its labels serve the QGIS styles)
    from minusma.maps import style

    assert "label" not in json.dumps({k: getattr(style, k) for k in style.__all__}, default=str)
    assert text("rank_of", "fr", n=3, m=191) == "rang 3 sur 191"
    assert date_text(dt.date(2023, 8, 2), "fr") == "02 août 2023"
    with pytest.raises(LookupError):
        text("title", "de")


def test_png_with_a_mathtext_name_is_written(tmp_path):
    from minusma.maps.static import mpl_text, save_png

    towns = layers.towns()
    towns.loc[towns["town_id"] == "ml-ogossagou", "name"] = r"$\undefinedsymbol{x}$ 5$"
    assert mpl_text("$x$") == r"\$x\$"
    out = save_png(Study().static_map(towns=towns, lang="fr"), tmp_path / "m.png", dpi=40)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
