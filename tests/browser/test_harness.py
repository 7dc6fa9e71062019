"""The harness itself, on real folium maps: routed from the asset cache, and fully offline when
inlined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium
import numpy as np
import pytest
from folium import plugins
from PIL import Image

from minusma.maps import assets, inline

pytestmark = pytest.mark.browser

#: Approximate town centres (degrees), only to place test markers apart from each other.
TOWNS = {
    "Bamako": (12.64, -8.00),
    "Mopti": (14.49, -4.20),
    "Timbuktu": (16.77, -3.01),
    "Gao": (16.27, -0.04),
    "Kidal": (18.44, 1.41),
}
#: Markers a few km apart around Gao: one cluster at the zoom of the map.
CLUSTERED = [(16.27 + 0.004 * i, -0.04 + 0.003 * (i % 4)) for i in range(12)]
TILE_HOST = "tile.openstreetmap.org"


def _map() -> folium.Map:
    m = folium.Map(location=[15.6, -3.3], zoom_start=6)
    towns = folium.FeatureGroup("Towns").add_to(m)
    for name, latlon in TOWNS.items():
        folium.Marker(latlon, popup=name, tooltip=name).add_to(towns)
    folium.Marker(
        [15.0, -1.5], icon=folium.Icon(prefix="fa", icon="flag", color="red"), tooltip="fa"
    ).add_to(towns)
    cluster = plugins.MarkerCluster(name="Camp cluster").add_to(m)
    for latlon in CLUSTERED:
        folium.Marker(latlon).add_to(cluster)
    plugins.Fullscreen().add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


N_MARKERS = len(TOWNS) + 1 + len(CLUSTERED)

STATE_JS = """async () => {
  await document.fonts.ready;
  const pane = document.querySelector('.leaflet-marker-pane');
  const clusters = [...pane.querySelectorAll('.marker-cluster')];
  const icons = [...pane.children].filter(e => !e.classList.contains('marker-cluster'));
  const imgs = icons.filter(e => e.tagName === 'IMG');
  return {
    L: typeof L,
    icons: icons.length,
    clustered: clusters.reduce((n, c) => n + parseInt(c.textContent, 10), 0),
    clusters: clusters.length,
    imgsLoaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
    imgs: imgs.length,
    imgSrc: imgs.length ? imgs[0].src.slice(0, 60) : '',
    overlays: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
      .map(l => l.textContent.trim()),
    fullscreen: !!document.querySelector('.leaflet-control-zoom-fullscreen'),
    faLoaded: [...document.fonts].some(
      f => f.family.replace(/"/g, '') === 'Font Awesome 6 Free' && f.status === 'loaded'),
  };
}"""


def _state(page: Any) -> dict[str, Any]:
    page.wait_for_function(
        "() => document.querySelector('.leaflet-marker-pane .leaflet-marker-icon') !== null"
    )
    page.wait_for_load_state("load")
    return page.evaluate(STATE_JS)


def _assert_not_blank(png: Path) -> None:
    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background_share = counts.max() / counts.sum()
    assert len(colours) > 100, f"{png}: only {len(colours)} colours"
    assert background_share < 0.99, f"{png}: {background_share:.1%} of the pixels are one colour"
    assert pixels.std() > 5, f"{png}: pixel standard deviation {pixels.std():.1f}"


def _assert_map_works(state: dict[str, Any]) -> None:
    assert state["L"] == "object"
    assert state["icons"] + state["clustered"] == N_MARKERS
    assert state["clusters"] == 1 and state["clustered"] == len(CLUSTERED)
    assert state["imgs"] == len(TOWNS) and state["imgsLoaded"] == len(TOWNS), state
    assert state["overlays"] == ["Towns", "Camp cluster"]
    assert state["fullscreen"]
    assert state["faLoaded"]


def test_folium_map_runs_from_the_asset_cache(page, page_log, site, tmp_path):
    url = site.put("map.html", _map().get_root().render())
    page.goto(url)
    state = _state(page)
    png = tmp_path / "routed.png"
    page.screenshot(path=str(png))

    assert page_log.unexpected_errors() == []
    _assert_map_works(state)
    assert state["imgSrc"].startswith("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/")
    served = " ".join(page_log.served)
    for piece in (
        "leaflet@1.9.3/dist/leaflet.js",
        "leaflet.markercluster/1.1.0",
        "leaflet.fullscreen@3.0.0",
        "fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2",
        "leaflet@1.9.3/dist/images/marker-icon.png",
    ):
        assert piece in served
    dropped = {a["url"] for a in assets.load_lock()["aliases"] if "drop" in a}
    assert {u for u in page_log.refused if TILE_HOST not in u} <= dropped
    assert any(TILE_HOST in u for u in page_log.refused)  # tiles were asked for, and refused
    _assert_not_blank(png)


def test_inlined_map_works_with_every_request_aborted(
    offline_page, page_log, site, asset_cache, tmp_path
):
    html = inline.inline_html(_map().get_root().render(), asset_cache)
    url = site.put("offline.html", html)
    offline_page.goto(url)
    state = _state(offline_page)
    png = tmp_path / "offline.png"
    offline_page.screenshot(path=str(png))

    assert page_log.served == [url]
    assert page_log.refused and all(TILE_HOST in u for u in page_log.refused), page_log.refused
    assert page_log.unexpected_errors() == []
    _assert_map_works(state)
    assert state["imgSrc"].startswith("data:image/png;base64,")
    _assert_not_blank(png)


def test_inlined_time_slider_and_search_work_offline(offline_page, page_log, site, asset_cache):
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "times": [day], "icon": "circle"},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for (name, (lat, lon)), day in zip(
            TOWNS.items(), ["2023-07-01", "2023-08-01", "2023-09-01", "2023-10-01", "2023-11-01"]
        )
    ]
    fc = {"type": "FeatureCollection", "features": features}
    m = folium.Map(location=[15.6, -3.3], zoom_start=6, tiles=None)
    plugins.TimestampedGeoJson(fc, period="P1M", duration="P1M", auto_play=False).add_to(m)
    plugins.Search(folium.GeoJson(fc, name="towns").add_to(m), search_label="name").add_to(m)
    offline_page.goto(site.put("time.html", inline.inline_html(m.get_root().render(), asset_cache)))
    offline_page.wait_for_selector(".timecontrol-forward")
    offline_page.wait_for_load_state("load")

    def shown() -> tuple[str, list[str]]:  # date on the control, circles on the map
        return offline_page.evaluate(
            """() => [document.querySelector('.timecontrol-date').textContent,
                      [...document.querySelectorAll('path.leaflet-interactive')]
                        .map(p => p.getAttribute('d')).sort()]"""
        )

    before = shown()
    offline_page.click(".timecontrol-forward")
    offline_page.wait_for_function(
        f"() => document.querySelector('.timecontrol-date').textContent !== {before[0]!r}"
    )
    after = shown()
    glyphs = offline_page.evaluate(
        """async () => { await document.fonts.ready;
           return [...document.fonts]
                .filter(f => f.family.replace(/"/g, '') === 'Glyphicons Halflings')
                                      .map(f => f.status); }"""
    )
    offline_page.click(".leaflet-control-search .search-button")
    offline_page.locator("input.search-input").press_sequentially("Gao", delay=50)
    offline_page.wait_for_selector(".search-tooltip .search-tip")
    tip = offline_page.text_content(".search-tooltip .search-tip")

    assert page_log.unexpected_errors() == []
    assert page_log.refused == []
    assert before[0].startswith("2023-07-01") and after[0].startswith("2023-08-01")
    assert before[1] and after[1] and before[1] != after[1], (before, after)
    assert "loaded" in glyphs  # the play/forward buttons' font (substituted from Bootstrap 3.4.1)
    assert tip == "Gao"
