"""The interactive map without a browser: layers, escaping, size budget, time control data, PNG."""

from __future__ import annotations

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
from maps.style import EXPOSURE_CLASSES
from maps.timeline import step_index
from maps.towns import read_settlements
from maps.transport import no_detour

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
    assert "L.popup(" not in page.replace("L.popup().setLatLng", "")


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
    assert not cut[roads["role"] == "aggregate"].any()
def test_png_is_made_and_not_blank(tmp_path):
    from PIL import Image

    from maps.static import save_png

    out = save_png(tmp_path / "map.png", as_of="2023-12-31", dpi=80)
    pixels = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 50 and pixels.std() > 10
