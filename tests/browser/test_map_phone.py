"""The map on a phone (390x844) and a laptop (1280x800), in English and French, with and without
a data directory: every town's popup opens clear of every control (its title and class line are
what a tap there hits), the time control starts compact on a phone and covers no town at first
view, and each button shows one icon."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minusma import Study
from minusma.maps.build import map_html

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (1280, 800)]

#: In the page: open every town's popup in turn and hit-test its title and class line.
_HIT_TEST = """() => {
  const m = Object.values(window).find(v => v instanceof L.Map);
  const hidden = [];
  const hit = (e, popup) => {
    const r = e.getBoundingClientRect();
    const pts = [[r.left + 3, r.top + r.height / 2], [r.left + r.width / 2, r.top + r.height / 2]];
    return pts.every(([x, y]) => popup.contains(document.elementFromPoint(x, y)));
  };
  const start = m.getCenter(), zoom = m.getZoom();
  m.eachLayer(l => {
    if (!(l instanceof L.CircleMarker) || !l.feature || !l.getPopup()) return;
    if (!String(l.feature.properties.id).startsWith('ml-')) return;
    m.setView(start, zoom, {animate: false});
    l.openPopup();
    const popup = l.getPopup().getElement();
    for (const sel of ['h4', '.minusma-class-now']) {
      const e = popup.querySelector(sel);
      if (!e || !hit(e, popup)) hidden.push(l.feature.properties.id + ' ' + sel);
    }
    l.closePopup();
  });
  return hidden;
}"""

#: Town markers under the time control at first view.
_COVERED = """() => {
  const m = Object.values(window).find(v => v instanceof L.Map);
  const r = document.querySelector('.minusma-time').getBoundingClientRect();
  const box = m.getContainer().getBoundingClientRect(), out = [];
  m.eachLayer(l => {
    if (!(l instanceof L.CircleMarker) || !l.feature) return;
    if (!String(l.feature.properties.id).startsWith('ml-')) return;
    const p = m.latLngToContainerPoint(l.getLatLng()), x = box.left + p.x, y = box.top + p.y;
    const k = l.getRadius();
    if (x + k > r.left && x - k < r.right && y + k > r.top && y - k < r.bottom) {
      out.push(l.feature.properties.id); }
  });
  return {covered: out, height: r.height, width: r.width};
}"""


@pytest.fixture(scope="module")
def maps(data_dir: Path) -> dict[str, str]:
    shipped, opened = Study(data_dir=None), Study(data_dir=data_dir)
    out = {lang: map_html(shipped.map(lang=lang), offline=False) for lang in ("en", "fr")}
    out["fr-data"] = map_html(opened.map(lang="fr", distance_overlay=False))
    return out


def _open(page: Any, site: Any, html: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(site.put("map.html", html), wait_until="load")
    page.wait_for_function("() => window.minusmaTimeline && window.minusmaTimeline.step >= 0")
    page.wait_for_timeout(50)  # the controls' titles are set once every control is there


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("which", ["en", "fr", "fr-data"])
def test_every_town_popup_opens_clear_of_the_controls(page, page_log, site, maps, which, size):
    _open(page, site, maps[which], size)
    assert page.evaluate(_HIT_TEST) == []
    assert page_log.unexpected_errors() == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("which", ["en", "fr"])
def test_time_control_covers_no_town_at_first_view(page, page_log, site, maps, which, size):
    _open(page, site, maps[which], size)
    state = page.evaluate(_COVERED)
    assert state["covered"] == [], state
    compact = page.evaluate(
        "() => document.querySelector('.minusma-time').classList.contains('minusma-compact')"
    )
    assert compact or size[0] >= 700  # a phone starts compact (elsewhere, if it hid a town)
    if compact:  # one row: the slider, its buttons and the date; the details a tap away
        assert state["height"] < 100, state
        page.click(".minusma-more")
        assert page.is_visible(".minusma-time-label")
        page.click(".minusma-more")
        assert not page.is_visible(".minusma-time-label")
    assert page_log.unexpected_errors() == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_each_button_shows_one_icon(page, page_log, site, maps, size):
    _open(page, site, maps["fr"], size)
    # the fullscreen sprite holds two 26 px icons: the painted box must hold exactly one
    box = page.eval_on_selector(
        "a.fullscreen-icon",
        "e => { const s = getComputedStyle(e); const h = e.clientHeight "
        "- parseFloat(s.paddingTop) - parseFloat(s.paddingBottom); "
        "return {clip: s.backgroundClip, h: h, size: s.backgroundSize, title: e.title}; }",
    )
    assert box["clip"] == "content-box" and box["h"] == 26 and box["size"] == "26px 52px", box
    assert box["title"] == "Plein écran"
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom avant"
    assert page.inner_text(".leaflet-control-scale").strip().endswith("km")
    assert page_log.unexpected_errors() == []


def test_search_finds_the_populated_places_when_they_are_drawn(page, page_log, site, maps):
    _open(page, site, maps["fr-data"], SIZES[0])
    placeholder = page.get_attribute(".minusma-search-input", "placeholder")
    assert placeholder == "Chercher une ville, un lieu habité ou un P-code"
    page.fill(".minusma-search-input", "tintiba")
    hits = page.evaluate(
        "() => [...document.querySelectorAll('.minusma-search-results button')]"
        ".map(b => b.textContent)"
    )
    assert any(h.startswith("Tintiba") for h in hits), hits
    page.click(".minusma-search-results button >> text=Tintiba")
    page.wait_for_selector(".leaflet-popup-content .minusma-place")
    assert page.inner_text(".leaflet-popup-content h4") == "Tintiba"
    # towns still come first: a town's name finds the town
    page.fill(".minusma-search-input", "Tombouctou")
    first = page.inner_text(".minusma-search-results li:first-child button")
    assert first == "Tombouctou"
    assert page_log.unexpected_errors() == []
