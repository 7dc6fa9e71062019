"""The withdrawal map in a real browser (harness: tests/browser/conftest.py): layers, counts,
escaped popups (towns and the canvas of populated places), the time control (sites, town classes,
air links, coverage circles), load time, the offline page and non-blank screenshots."""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from minusma import Study, layers
from minusma.maps.build import map_html
from minusma.maps.exposure import timeline_dates
from minusma.maps.towns import read_settlements
from minusma.maps.transport import air_link_periods, air_link_state

pytestmark = pytest.mark.browser

EVIL = "<img src=x onerror=alert(1)>"
EVIL_JS = '${window.__xss = 1}"><script>window.__xss = 2</script>'
FIRST_DAY = "2023-08-02"  # eve of the first closure: all 13 sites open
HOSTILE_PLACE = "ML010101001"  # a populated place (Bambela, commune Bangassi) renamed EVIL_JS
LOAD_BUDGET_MS = 2000


def _towns_with_hostile_names() -> Any:
    towns = layers.towns()
    i = towns.index[towns["town_id"] == "ml-abakoira"][0]
    j = towns.index[towns["town_id"] == "ml-achibogho"][0]
    towns.loc[i, "name"] = EVIL
    towns.loc[j, "name"] = EVIL_JS
    return towns


@pytest.fixture(scope="module")
def settlements(data_dir: Path):
    """Every OCHA populated place, one of them with a hostile name."""
    gdf = read_settlements(data_dir)
    assert (gdf["pcode"] == HOSTILE_PLACE).sum() == 1
    gdf.loc[gdf["pcode"] == HOSTILE_PLACE, "featureNam"] = EVIL_JS
    return gdf


@pytest.fixture(scope="module")
def built(settlements) -> dict[str, Any]:
    """The online and offline pages of one map (hostile town names, every settlement)."""
    m = Study().map(as_of=FIRST_DAY, settlements=settlements, towns=_towns_with_hostile_names())
    return {"map": m, "html": map_html(m, offline=False)}


@pytest.fixture(scope="module")
def offline_built(settlements, asset_cache: Path) -> dict[str, Any]:
    """The same map with ``offline=True``, every asset inlined from the harness's asset cache."""
    m = Study().map(
        as_of=FIRST_DAY, settlements=settlements, offline=True, towns=_towns_with_hostile_names()
    )
    return {"map": m, "html": map_html(m, cache_dir=asset_cache)}


def _layer_names(m) -> list[str]:
    from folium.map import Layer

    return [
        child.layer_name
        for child in m._children.values()
        if isinstance(child, Layer) and child.control
    ]


STATE_JS = """() => {
  const t = window.minusmaTimeline;
  return {
    L: typeof L,
    step: t ? t.step : null,
    steps: t ? t.steps.length : null,
    open: document.querySelectorAll('.leaflet-marker-pane .minusma-site-open').length,
    closed: document.querySelectorAll('.leaflet-marker-pane .minusma-site-closed').length,
    towns: document.querySelectorAll('path.minusma-town').length,
    fills: [...document.querySelectorAll('path.minusma-town')].map(p => p.getAttribute('fill')),
    overlays: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
      .map(l => l.textContent.trim()),
    bases: [...document.querySelectorAll('.leaflet-control-layers-base label')]
      .map(l => l.textContent.trim()),
    legend: !!document.querySelector('.minusma-legend'),
    scale: !!document.querySelector('.leaflet-control-scale'),
    fullscreen: !!document.querySelector('.leaflet-control-zoom-fullscreen'),
    search: !!document.querySelector('.minusma-search-input'),
    attribution: document.querySelector('.leaflet-control-attribution').textContent,
    xss: window.__xss || 0,
    air: t ? t.air : null,
    airShown: document.querySelectorAll('path.minusma-air').length,
    airActive: document.querySelectorAll('path.minusma-air:not([stroke-dasharray])').length,
    canvases: document.querySelectorAll('canvas.minusma-places').length,
    loadMs: performance.getEntriesByType('navigation')[0].loadEventEnd,
  };
}"""


def _open(page: Any, url: str, dialogs: list[str]) -> dict[str, Any]:
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.minusmaTimeline && window.minusmaTimeline.step >= 0")
    return page.evaluate(STATE_JS)


def _median_load_ms(page: Any, first_ms: float, loads: int = 3) -> float:
    """Median ``loadEventEnd`` of ``loads`` loads of the open page (the first is given)."""
    times = [first_ms]
    for _ in range(loads - 1):
        page.reload(wait_until="load")
        page.wait_for_function("() => window.minusmaTimeline && window.minusmaTimeline.step >= 0")
        times.append(page.evaluate(STATE_JS)["loadMs"])
    return statistics.median(times)


def _settlements_state(page: Any, name: str) -> dict[str, Any]:
    return page.evaluate(
        f"""() => {{
        const l = window[{name!r}], c = document.querySelector('canvas.minusma-places');
        return {{count: l.count, drawn: l.drawn, attr: c ? Number(c.dataset.count) : null,
                 attrDrawn: c ? Number(c.dataset.drawn) : null}};
    }}"""
    )


def _click_place(page: Any, map_name: str, layer_name: str, place_name: str) -> str:
    """Zoom to a populated place, click its dot with the mouse; return the popup's text."""
    xy = page.evaluate(
        f"""() => {{
        const l = window[{layer_name!r}], m = window[{map_name!r}];
        const i = l._d.names.indexOf({place_name!r});
        const ll = L.latLng(l.info(i).lat, l.info(i).lon);
        m.closePopup();
        m.setView(ll, 12, {{animate: false}});
        const p = m.latLngToContainerPoint(ll);
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x + 2, r.top + p.y + 1];
    }}"""
    )
    page.wait_for_selector(".leaflet-popup-content", state="detached")
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content .minusma-place")
    return page.inner_text(".leaflet-popup-content")


def _expected_air(date: str) -> int:
    periods = air_link_periods(layers.air_links(), layers.bases(), layers.airports())
    return int(air_link_state(periods, dt.date.fromisoformat(date)).eq("active").sum())


def _click_town(page: Any, map_name: str, towns_name: str, town_id: str) -> str:
    """Click the town's circle with the mouse; return the popup's text."""
    xy = page.evaluate(
        f"""() => {{
        let target = null;
        window[{towns_name!r}].eachLayer(
          l => {{ if (l.feature.properties.id === {town_id!r}) target = l; }});
        const m = window[{map_name!r}];
        m.closePopup();
        m.setView(target.getLatLng(), 9, {{animate: false}});
        const p = m.latLngToContainerPoint(target.getLatLng());
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }}"""
    )
    page.wait_for_selector(".leaflet-popup-content", state="detached")
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content")
    return page.inner_text(".leaflet-popup-content")


def _assert_not_blank(png: Path) -> None:
    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    assert len(colours) > 100, f"{png}: only {len(colours)} colours"
    assert counts.max() / counts.sum() < 0.95, (
        f"{png}: one colour covers {counts.max() / counts.sum():.1%}"
    )
    assert pixels.std() > 10, f"{png}: pixel standard deviation {pixels.std():.1f}"


def _names(m) -> dict[str, str]:
    from minusma.maps.places import CanvasPlaces

    out = {"map": m.get_name()}
    for child in m._children.values():
        name = getattr(child, "layer_name", "") or ""
        if isinstance(child, CanvasPlaces):
            out["settlements"] = child.get_name()
        elif name.startswith("Towns"):
            out["towns"] = child.get_name()
        elif name.startswith("Coverage before"):
            out["cover_before"] = child.get_name()
        elif name.startswith("Coverage at"):
            out["cover_now"] = child.get_name()
    return out


def _check_live(
    page: Any,
    state: dict[str, Any],
    built_map,
    n_settlements: int,
    dialogs: list[str],
    shots: Path,
    tag: str,
) -> None:
    names = _names(built_map)
    towns = layers.towns()
    bases = layers.bases()
    assert state["L"] == "object"
    # every data layer is listed in the layer control
    for name in _layer_names(built_map):
        assert name in state["overlays"] + state["bases"], (
            f"{name!r} not in the layer control {state['overlays']}"
        )
    assert len(state["overlays"]) >= 11
    assert state["legend"] and state["scale"] and state["fullscreen"] and state["search"]
    for credit in ("Natural Earth", "OCHA", "GeoNames", "OurAirports"):
        assert credit in state["attribution"], (
            f"{credit} missing from attribution {state['attribution']!r}"
        )
    # rendered markers equal the data
    assert state["open"] == len(bases) == 13 and state["closed"] == 0
    assert state["towns"] == int(towns.geometry.notna().sum())
    # ONE canvas layer holds every populated place; at the national view every place is drawn
    places = _settlements_state(page, names["settlements"])
    assert places["count"] == places["attr"] == n_settlements == 18_769
    assert places["drawn"] == places["attrDrawn"] == n_settlements
    assert state["canvases"] == 1
    # air links flown on the opening date (MINUSMA ends with its destination site's closure)
    assert state["air"] == state["airActive"] == _expected_air(FIRST_DAY) == 7
    assert state["airShown"] == len(layers.air_links())
    page.screenshot(path=str(shots / f"{tag}-start.png"))
    _assert_not_blank(shots / f"{tag}-start.png")

    # the time control: one step closes Ogossagou; the last step closes every site
    page.click(".minusma-next")
    after = page.evaluate(STATE_JS)
    closed_first = (bases["closure_date"] == bases["closure_date"].min()).sum()
    assert after["step"] == 1
    assert after["open"] == 13 - closed_first and after["closed"] == closed_first
    # stepping the slider changes the visible active air links (Kidal's ends with its camp, 31 Oct
    # 2023)
    dates = [d.isoformat() for d in timeline_dates(bases)]
    kidal = dates.index("2023-10-31")
    seen = []
    for k in (kidal - 1, kidal):
        page.eval_on_selector(
            ".minusma-slider", f"s => {{ s.value = {k}; s.dispatchEvent(new Event('input')); }}"
        )
        st = page.evaluate(STATE_JS)
        assert st["air"] == st["airActive"] == _expected_air(dates[k]), (
            dates[k],
            st["air"],
            st["airActive"],
        )
        seen.append(st["air"])
    assert seen[1] == seen[0] - 1
    assert "air links flown" in page.inner_text(".minusma-time-label")
    page.eval_on_selector(
        ".minusma-slider", "s => { s.value = s.max; s.dispatchEvent(new Event('input')); }"
    )
    end = page.evaluate(STATE_JS)
    assert end["step"] == end["steps"] - 1 == 12
    assert end["open"] == 0 and end["closed"] == 13
    assert end["fills"] != state["fills"], "town colours did not follow the timeline"
    assert end["air"] == end["airActive"] == _expected_air("2024-07-22") == 2
    label = page.inner_text(".minusma-time-label")
    assert "22 Jul 2024" in label and "0 of 13" in label
    page.screenshot(path=str(shots / f"{tag}-end.png"))
    _assert_not_blank(shots / f"{tag}-end.png")

    # hostile names are shown as text and run nothing
    text = _click_town(page, names["map"], names["towns"], "ml-abakoira")
    assert EVIL in text
    assert (
        page.evaluate("() => document.querySelectorAll('.leaflet-popup-content img').length") == 0
    )
    text = _click_town(page, names["map"], names["towns"], "ml-achibogho")
    assert "${window.__xss = 1}" in text and "<script>" in text
    # the indicators follow the slider (at its last step here), not the date the map opened at
    assert "on 22 Jul 2024" in text and "Why" in text and "Indicators (as of 22 Jul 2024)" in text
    assert page.evaluate("() => window.__xss || 0") == 0
    page.screenshot(path=str(shots / f"{tag}-popup.png"))
    _assert_not_blank(shots / f"{tag}-popup.png")

    # a click on a populated place is hit-tested on the canvas; its name is shown as text
    text = _click_place(page, names["map"], names["settlements"], EVIL_JS)
    assert EVIL_JS in text and HOSTILE_PLACE in text and "Other settlement" in text
    assert "Bangassi (ML010101)" in text and "Kayes (ML0101)" in text
    zoomed = _settlements_state(page, names["settlements"])
    assert 0 < zoomed["drawn"] < n_settlements  # points outside the view are skipped
    assert page.evaluate("() => window.__xss || 0") == 0
    assert dialogs == []
    page.screenshot(path=str(shots / f"{tag}-place.png"))
    _assert_not_blank(shots / f"{tag}-place.png")

    # coverage circles: before the withdrawal / selected date / both
    on_map = f"""() => [window[{names["map"]!r}].hasLayer(window[{names["cover_before"]!r}]),
                        window[{names["map"]!r}].hasLayer(window[{names["cover_now"]!r}])]"""
    assert page.evaluate(on_map) == [True, True]
    page.check(".minusma-cover input[value=before]")
    assert page.evaluate(on_map) == [True, False]
    page.check(".minusma-cover input[value=now]")
    assert page.evaluate(on_map) == [False, True]
    page.check(".minusma-cover input[value=both]")
    assert page.evaluate(on_map) == [True, True]

    # the places layer is toggled in the layer control like any other (legend folded: it sits below)
    page.click(".minusma-legend summary")
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers-overlays label", has_text="Populated places").click()
    assert page.evaluate(STATE_JS)["canvases"] == 0
    page.locator(".leaflet-control-layers-overlays label", has_text="Populated places").click()
    assert page.evaluate(STATE_JS)["canvases"] == 1


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Screenshots are kept as test artefacts (pytest keeps the last runs' temp dirs)."""
    return tmp_path_factory.mktemp("map-screenshots")


def test_map_live_page(page, page_log, site, built, settlements, shots):
    dialogs: list[str] = []
    url = site.put("map.html", built["html"])
    state = _open(page, url, dialogs)
    load_ms = _median_load_ms(page, state["loadMs"])
    assert load_ms < LOAD_BUDGET_MS, f"the map took {load_ms:.0f} ms to load (median of 3)"
    _check_live(page, state, built["map"], len(settlements), dialogs, shots, "online")
    assert page_log.unexpected_errors() == []
    assert not [u for u in page_log.refused if "tile.openstreetmap.org" not in u], page_log.refused


def test_map_offline_page(offline_page, page_log, site, offline_built, settlements, shots):
    dialogs: list[str] = []
    html = offline_built["html"]
    assert "<script src=" not in html and 'rel="stylesheet" href=' not in html
    url = site.put("offline.html", html)
    state = _open(offline_page, url, dialogs)
    load_ms = _median_load_ms(offline_page, state["loadMs"])
    assert load_ms < LOAD_BUDGET_MS, f"the offline map took {load_ms:.0f} ms to load (median of 3)"
    assert state["bases"] == []  # no tile layer offline: the vector outline is the backdrop
    _check_live(
        offline_page, state, offline_built["map"], len(settlements), dialogs, shots, "offline"
    )
    assert page_log.unexpected_errors() == []
    assert page_log.refused == [], f"the offline page asked the network for {page_log.refused}"


def test_time_control_opens_at_as_of(page, page_log, site):
    m = Study().map(as_of=dt.date(2023, 11, 30))
    url = site.put("asof.html", map_html(m))
    state = _open(page, url, [])
    bases = layers.bases(as_of="2023-11-30")
    assert state["open"] == len(bases) and state["closed"] == 13 - len(bases)
    page.click(".minusma-prev")
    assert page.evaluate(STATE_JS)["open"] == len(layers.bases(as_of="2023-11-17"))
    assert page_log.unexpected_errors() == []


def test_distance_overlay_toggles_in_the_layer_control(
    offline_page, page_log, site, data_dir, asset_cache, shots
):
    """The distance surfaces (maps/surface.py) on the offline page: listed, off at first, an <img>
    when on."""
    from folium.raster_layers import ImageOverlay

    m = Study(data_dir).map(as_of="2023-12-12", offline=True)
    overlays = [c for c in m._children.values() if isinstance(c, ImageOverlay)]
    assert len(overlays) == 2
    url = site.put("surface.html", map_html(m, cache_dir=asset_cache))
    dialogs: list[str] = []
    state = _open(offline_page, url, dialogs)
    for o in overlays:
        assert o.layer_name in state["overlays"], (o.layer_name, state["overlays"])
    images = (
        "() => [...document.querySelectorAll("
        "'.leaflet-minusma-surface-pane img.leaflet-image-layer')]"
    )
    assert offline_page.evaluate(images + ".length") == 0  # off by default
    offline_page.click(".minusma-legend summary")
    offline_page.hover(".leaflet-control-layers")
    label = offline_page.locator(
        ".leaflet-control-layers-overlays label", has_text=overlays[0].layer_name
    )
    label.click()
    offline_page.wait_for_function(images + ".length === 1 && " + images[6:] + "[0].complete")
    shown = offline_page.evaluate(
        f"""() => {{
        const img = {images[6:]}[0], m = window[{m.get_name()!r}], r = img.getBoundingClientRect();
        const c = m.getContainer().getBoundingClientRect();
        const sw = m.latLngToContainerPoint({json_bounds(overlays[0])}[0]);
        const ne = m.latLngToContainerPoint({json_bounds(overlays[0])}[1]);
        return {{src: img.src.slice(0, 22), natural: [img.naturalWidth, img.naturalHeight],
                 box: [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top],
                 expected: [sw.x, ne.y, ne.x, sw.y], opacity: getComputedStyle(img).opacity,
                 attribution: document.querySelector('.leaflet-control-attribution').textContent}};
    }}"""
    )
    assert (
        shown["src"] == "data:image/png;base64,"
        and shown["natural"][0] == 105
        and shown["natural"][1] > 0
    )
    assert np.allclose(shown["box"], shown["expected"], atol=1.0), (
        shown
    )  # drawn on the raster's exact bounds
    assert float(shown["opacity"]) == pytest.approx(0.6)
    assert "Distance surface: computed by minusma-exposure" in shown["attribution"]
    offline_page.screenshot(path=str(shots / "surface-on.png"))
    _assert_not_blank(shots / "surface-on.png")
    label.click()
    assert offline_page.evaluate(images + ".length") == 0
    assert page_log.unexpected_errors() == [] and page_log.refused == [] and dialogs == []


def json_bounds(overlay) -> str:
    """The overlay's bounds as a JS array literal."""
    import json

    return json.dumps(overlay.bounds)
