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

import layers
from maps import popups
from maps.build import make_map, map_html, save_map
from maps.exposure import timeline_dates, town_exposure
from maps.places import PLACES_JS, SCALE, CanvasPlaces, pack_places, unpack_places
from maps.popups import safe_json
from maps.style import EXPOSURE_CLASSES
from maps.timeline import step_index
from maps.towns import read_settlements
from maps.transport import air_link_periods, air_link_state, no_detour

EVIL = "<img src=x onerror=alert(1)>"
MB = 1_000_000


@pytest.fixture(scope="module")
def settlements(data_dir: Path):
    return read_settlements(data_dir)


@pytest.fixture(scope="module")
def page(settlements) -> str:
    towns = layers.towns()
    towns.loc[towns["town_id"] == "ml-abakoira", "name"] = EVIL
    towns.loc[towns["town_id"] == "ml-achibogho", "name"] = "${alert(2)}</script><script>alert(3)</script>"
    return map_html(make_map(as_of="2023-08-02", settlements=settlements, towns=towns))


def test_every_layer_is_in_the_page(page):
    for name in ("Regions (central zone highlighted)", "Niger river (navigable reach bold)",
                 "Roads (by class; schematic lines dashed)", "Roads with no detour (highlight)",
                 "Airports and airstrips", "Air links (by operator; ended dashed)", "Towns (colour = exposure class)",
                 "MINUSMA sites open (symbol by kind)", "MINUSMA sites closed (faded)",
                 "Coverage before the withdrawal (50 km)", "Coverage at the selected date (50 km)",
                 "Populated places (OCHA COD)"):
        assert json.dumps(name)[1:-1] in page, name
    for control in ("L.control.layers", "control.scale", "L.Control.Search", "L.control.fullscreen",
                    "minusmaTimeline", "minusma-legend"):
        assert control in page, control


def test_data_strings_are_escaped(page):
    assert EVIL not in page
    assert "<script>alert(3)" not in page
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    # no data reaches a JS template literal (folium.Popup would evaluate ${...} there)
    # (the places layer's popup gets a DOM element whose text is set with textContent)
    assert "L.popup(" not in page.replace("L.popup({maxWidth: 320}).setLatLng", "")


def test_escape_helpers():
    assert popups.esc(EVIL) == "&lt;img src=x onerror=alert(1)&gt;"
    assert popups.esc(float("nan")) == "" and popups.esc(None) == ""
    assert popups.link("javascript:alert(1)") == "javascript:alert(1)"
    assert popups.link("https://x.org/a?b=1&c=2").startswith('<a href="https://x.org/a?b=1&amp;c=2"')
    assert "<" not in popups.safe_json({"a": "</script>"})
    html = popups.table("<b>", [("k", "<i>"), ("empty", None)])
    assert "&lt;b&gt;" in html and "&lt;i&gt;" in html and "empty" not in html


def test_size_budget_with_every_settlement(page, settlements, tmp_path):
    assert len(settlements) == 18_769
    assert len(page.encode()) < 5 * MB
    assert page.count("[1") > 0


def test_offline_page_is_self_contained_and_small(settlements, tmp_path):
    from maps.assets import check_cache

    cache = check_cache(os.environ.get("MINUSMA_ASSET_CACHE") or Path(__file__).resolve().parents[1] / ".cache" / "assets")
    m = make_map(settlements=settlements, offline=True)
    out = save_map(m, tmp_path / "offline.html", cache_dir=cache)
    html = out.read_text(encoding="utf-8")
    assert len(html.encode()) < 5 * MB
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", html)
    assert "tile.openstreetmap.org" not in html


def test_timeline_steps_and_classes():
    bases = layers.bases()
    dates = timeline_dates(bases)
    assert len(dates) == 13 and str(dates[1]) == "2023-08-03" and str(dates[-1]) == "2024-07-22"
    assert step_index(dates, None) == 12 and step_index(dates, dates[0]) == 0
    assert step_index(dates, dates[5]) == 5
    exp = town_exposure(layers.towns(), bases, use_assessment=False)
    assert exp.method == "coverage-radius"
    values = set(exp.classes.stack().dropna())
    assert values <= set(EXPOSURE_CLASSES)
    # before the first closure no town has lost coverage; after the last, none is covered
    assert not exp.classes.iloc[:, 0].isin(["high", "severe"]).any()
    assert not exp.classes.iloc[:, -1].eq("low").any()


def test_no_detour_links():
    roads = layers.roads()
    cut = no_detour(roads)
    assert cut.index.equals(roads.index) and cut.dtype == bool
    ids = set(roads.loc[cut, "road_id"])
    assert "road-ml-aguelhok--ml-tessalit" in ids  # a dead end has no detour
    assert not cut[roads["role"] != "edge"].any()
    assert "road-ml-bamako--ml-segou" not in ids  # RN7 and RN12 go round it
    # the map and the analysis agree on the single points of failure
    from layers.assessment import segment_criticality

    crit = segment_criticality()
    assert ids == set(crit.loc[crit["is_bridge"].astype(bool), "segment_id"])


def test_places_are_packed_compactly_and_losslessly(settlements):
    packed = pack_places(settlements)
    back = unpack_places(packed).set_index("pcode")
    src = settlements.set_index("pcode").loc[back.index]
    assert len(back) == len(settlements) == 18_769 and back.index.is_unique
    assert back.index.is_monotonic_increasing  # deterministic order
    assert np.abs(back["lon"] - src.geometry.x).max() <= 0.5 / SCALE + 1e-12
    assert np.abs(back["lat"] - src.geometry.y).max() <= 0.5 / SCALE + 1e-12
    assert (back["name"] == src["featureNam"]).all() and (back["class_code"] == src["popPlaceCl"]).all()
    for ours, cod in (("commune_pcode", "admin3Pcod"), ("cercle", "admin2Name"), ("region_pcode", "admin1Pcod")):
        assert (back[ours] == src[cod]).all(), ours
    assert len(safe_json(packed).encode()) < 700_000
    # the layer class: one canvas, no innerHTML, drawn from the packed arrays
    assert "innerHTML" not in PLACES_JS and "textContent" in PLACES_JS and "latLngToContainerPoint" in PLACES_JS


def test_places_layer_escapes_names_and_counts_points(settlements):
    gdf = settlements.head(50).copy()
    gdf.loc[gdf.index[0], "featureNam"] = EVIL
    gdf.loc[gdf.index[1], "geometry"] = None
    layer = CanvasPlaces(gdf, name="places", attribution="x", style={"color": "#000"}, classes={5: "Other"})
    assert layer.count == 49
    assert EVIL not in layer.data and "\\u003cimg" in layer.data
    assert unpack_places(json.loads(layer.data))["name"].tolist().count(EVIL) == 1


def test_make_map_reads_the_settlements_of_a_data_dir(data_dir):
    m = make_map(data_dir=data_dir, use_assessment=False)
    places = [c for c in m._children.values() if isinstance(c, CanvasPlaces)]
    assert len(places) == 1 and places[0].count == 18_769 and places[0].control


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

    from maps.static import save_png

    out = save_png(tmp_path / "map.png", as_of="2023-12-31", dpi=80)
    pixels = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 50 and pixels.std() > 10
