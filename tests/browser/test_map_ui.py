"""The map as a field team uses it, at a phone size (390x844) and a laptop size (1280x800):
the search box takes a tap, the legend leaves the time control and eastern Mali free, popups fit
the screen and answer "why" for the date the slider shows, town markers win over site markers,
search ignores accents/case/alternative names, and ``lang="fr"`` is French."""

from __future__ import annotations

import re
from typing import Any

import pytest

from minusma import Study
from minusma.maps.build import map_html

pytestmark = pytest.mark.browser

SIZES = [(390, 844), (1280, 800)]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {lang: map_html(Study().map(lang=lang), offline=False) for lang in ("en", "fr")}


def _open(page: Any, site: Any, html: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(site.put("map.html", html), wait_until="load")
    page.wait_for_function("() => window.minusmaTimeline && window.minusmaTimeline.step >= 0")


def _rect(page: Any, selector: str) -> dict[str, float]:
    return page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(); "
        "return {l: r.left, t: r.top, r: r.right, b: r.bottom}; }",
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def _town_point(page: Any, town_id: str, zoom: int | None = None) -> list[float]:
    return page.evaluate(
        f"""() => {{
        const m = Object.values(window).find(v => v instanceof L.Map);
        let target = null;
        m.eachLayer(l => {{ if (l.feature && l.feature.properties.id === {town_id!r}
                               && l instanceof L.CircleMarker) target = l; }});
        m.closePopup();
        {f"m.setView(target.getLatLng(), {zoom}, {{animate: false}});" if zoom else ""}
        const p = m.latLngToContainerPoint(target.getLatLng());
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }}"""
    )


def _set_step(page: Any, k: int | str) -> None:
    page.eval_on_selector(
        ".minusma-slider", f"s => {{ s.value = {k}; s.dispatchEvent(new Event('input')); }}"
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_layout_popups_search_and_timeline(page, page_log, site, pages, size):
    w, h = size
    _open(page, site, pages["en"], size)
    # the search box receives a tap at its centre
    box = _rect(page, ".minusma-search-input")
    cx, cy = (box["l"] + box["r"]) / 2, (box["t"] + box["b"]) / 2
    assert page.evaluate(
        f"() => document.elementFromPoint({cx}, {cy}).classList.contains('minusma-search-input')"
    )
    # the legend covers neither the time control nor the attribution nor (large screens) the east
    time_box, legend = _rect(page, ".minusma-time"), _rect(page, ".minusma-legend")
    assert not _overlap(legend, time_box), (legend, time_box)
    assert not _overlap(_rect(page, ".leaflet-control-attribution"), time_box)
    assert not _overlap(_rect(page, ".minusma-search"), _rect(page, ".minusma-title"))
    small = w < 700
    assert page.evaluate("() => document.querySelector('.minusma-legend details').open") != small
    if not small:
        for town in ("ml-kidal", "ml-menaka"):
            x, y = _town_point(page, town)
            assert not (legend["l"] <= x <= legend["r"] and legend["t"] <= y <= legend["b"]), town
    # touch targets of the controls
    for sel in (
        ".minusma-prev",
        ".minusma-next",
        ".minusma-search-input",
        ".leaflet-control-zoom-in",
    ):
        r = _rect(page, sel)
        assert r["b"] - r["t"] >= 40 and r["r"] - r["l"] >= 40, (sel, r)

    # clicking Ber's town marker (Ber had a camp at the same place) opens Ber's exposure popup
    x, y = _town_point(page, "ml-ber", zoom=11)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content .minusma-class-now")
    text = page.inner_text(".leaflet-popup-content")
    assert text.startswith("Ber") and re.search(r"rank \d+ of \d+", text) and "Why" in text
    page.wait_for_timeout(400)  # autopan
    popup = _rect(page, ".leaflet-popup-content-wrapper")
    assert popup["l"] >= 0 and popup["r"] <= w and popup["t"] >= 0 and popup["b"] <= h, popup

    # the slider changes the popup's class and reasons (Kidal: before the withdrawal vs the end)
    page.evaluate("() => window.minusmaTimeline.setStep(0)")
    _town_point(page, "ml-kidal", zoom=8)
    page.evaluate(
        """() => { const m = Object.values(window).find(v => v instanceof L.Map);
        m.eachLayer(l => { if (l.feature && l.feature.properties.id === "ml-kidal"
                               && l instanceof L.CircleMarker) l.openPopup(); }); }"""
    )
    page.wait_for_function(
        "() => (document.querySelector('.leaflet-popup-content h4') || {}).textContent === 'Kidal'"
    )
    before = page.inner_text(".leaflet-popup-content")
    cls_before = page.inner_text(".leaflet-popup-content .minusma-cls")
    _set_step(page, "s.max")
    cls_after = page.inner_text(".leaflet-popup-content .minusma-cls")
    after = page.inner_text(".leaflet-popup-content")
    assert cls_before != cls_after, (cls_before, cls_after)
    assert "30 Jun 2023" in before and "22 Jul 2024" in after
    why = (
        "() => [...document.querySelectorAll('.leaflet-popup-content li')].map(e => e.textContent)"
    )
    assert page.evaluate(why) != [] and "lost coverage" in after and "lost coverage" not in before

    # search: alternative names, case and accents
    page.evaluate("() => Object.values(window).find(v => v instanceof L.Map).closePopup()")
    for query, name in (("Timbuktu", "Tombouctou"), ("segou", "Ségou"), ("mpessoba", "M'Pessoba")):
        page.fill(".minusma-search-input", query)
        hits = page.evaluate(
            "() => [...document.querySelectorAll('.minusma-search-results button')]"
            ".map(b => b.textContent)"
        )
        assert name in hits, (query, hits)
    page.click(".minusma-search-results button")
    page.wait_for_function(
        "() => (document.querySelector('.leaflet-popup-content h4') || {}).textContent"
        ' === "M\'Pessoba"'
    )
    assert page_log.unexpected_errors() == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_french_legend_popups_and_timeline(page, page_log, site, pages, size):
    _open(page, site, pages["fr"], size)
    page.evaluate("() => { document.querySelector('.minusma-legend details').open = true; }")
    legend = page.inner_text(".minusma-legend")
    page.evaluate("() => { document.querySelector('.minusma-legend details').open = false; }")
    assert "Légende" in legend and "Villes : classe d'exposition" in legend
    assert "sévère : score de 7,5 ou plus" in legend
    if page.is_visible(".minusma-more") and not page.is_visible(".minusma-time-label"):
        page.click(".minusma-more")  # a compact time control opens on a tap
    assert "Chronologie du retrait" in page.inner_text(".minusma-time")
    assert "sites de la MINUSMA ouverts sur 13" in page.inner_text(".minusma-time-label")
    x, y = _town_point(page, "ml-ber", zoom=11)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content .minusma-class-now")
    text = page.inner_text(".leaflet-popup-content")
    assert (
        "Pourquoi" in text and re.search(r"rang \d+ sur \d+", text) and "au 22 juil. 2024" in text
    )
    assert page.get_attribute(".minusma-search-input", "placeholder").startswith("Chercher")
    assert page_log.unexpected_errors() == []


_AIR_TOOLTIPS = (
    "() => { const m = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))]; "
    "const out = []; m.eachLayer(l => { const p = l.feature && l.feature.properties; "
    "if (p && 'openActive' in p && l.getTooltip()) { const d = document.createElement('div'); "
    "d.innerHTML = l.getTooltip().getContent(); out.push(d.textContent); } });"
    " return out; }"
)


#: The Bamako-Gao MINUSMA link's tooltip before the withdrawal and after the last closure.
_GAO_LINK = {
    "en": ("active on 30 Jun 2023; end 22 Jul 2024, closure of Gao", "ended on 22 Jul 2024;"),
    "fr": (
        (
            "active au 30 juin 2023 ; fin le 22 juil. 2024, fermeture : camp de quartier "
            "général de secteur de Gao"
        ),
        "arrêtée au 22 juil.",
    ),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_air_link_tooltips_follow_the_slider_in_the_maps_language(
    page, page_log, site, pages, lang
):
    before, after = (f"MINUSMA: GABS – GAGO ({t}" for t in _GAO_LINK[lang])
    _open(page, site, pages[lang], SIZES[1])
    page.evaluate("() => window.minusmaTimeline.setStep(0)")
    first = page.evaluate(_AIR_TOOLTIPS)
    page.evaluate("() => window.minusmaTimeline.setStep(window.minusmaTimeline.steps.length - 1)")
    last = page.evaluate(_AIR_TOOLTIPS)
    assert any(t.startswith(before) for t in first), first
    assert any(t.startswith(after) for t in last), last
    assert page_log.unexpected_errors() == []
