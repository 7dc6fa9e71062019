"""The events layer in a real browser: off by default, markers when toggled on, the time control
shows the events dated up to the selected date, and a hostile description never runs."""

from __future__ import annotations

from typing import Any

import pytest

from minusma import Study, layers
from minusma.maps.build import map_html
from minusma.maps.events import located

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>${alert(1)}'


@pytest.fixture(scope="module")
def events():
    """The shipped events, the first located one carrying script payloads in its texts and a
    ``javascript:`` source."""
    ev = layers.events().copy()
    first = located(ev).index[0]
    ev.loc[first, "description"] = PAYLOAD
    ev.loc[first, "place"] = "</script><script>window.__pwned=3</script>"
    ev.loc[first, "actor"] = "<svg onload=window.__pwned=4>"
    ev.loc[first, "source"] = "javascript:window.__pwned=5"
    return ev


def _events_layer(page: Any) -> str:
    """JS counting the event markers on the map."""
    return """(() => { const m = Object.values(window).find(v => v instanceof L.Map);
        let n = 0; m.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature
            && /^ev-/.test(l.feature.properties.id)) n++; }); return n; })()"""


def _toggle(page: Any, on: bool) -> None:
    label = page.locator(".leaflet-control-layers-overlays label", has_text="Security events")
    box = label.locator("input")
    if box.is_checked() != on:
        box.evaluate("e => e.click()")  # the control may fold under the pointer on a slow machine
    assert box.is_checked() == on


def test_events_layer_toggle_time_filter_and_escaping(page, page_log, site, events):
    html = map_html(Study().map(events=events), offline=False)
    n_located, n_all = len(located(events)), len(events)
    assert n_located < n_all  # some shipped events have no point: they are left out and counted
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.put("map.html", html), wait_until="load")
    page.wait_for_function("() => window.minusmaTimeline && window.minusmaTimeline.step >= 0")
    # off by default; the layer control names it with its counts
    assert page.evaluate(_events_layer(page)) == 0
    names = page.inner_text(".leaflet-control-layers-overlays")
    assert f"{n_located} of {n_all} mapped; {n_all - n_located} without a point" in names
    page.evaluate(
        "() => document.querySelector('.leaflet-control-layers').classList"
        ".add('leaflet-control-layers-expanded')"
    )
    _toggle(page, True)
    tl = "window.minusmaTimeline"
    last = page.evaluate(f"() => {tl}.steps.length - 1")
    page.evaluate(f"() => {tl}.setStep({last})")
    assert page.evaluate(_events_layer(page)) == n_located == page.evaluate(f"() => {tl}.events")
    # the slider changes how many are visible: none before the withdrawal, some in between
    counts = []
    for k in range(last + 1):
        page.evaluate(f"() => {tl}.setStep({k})")
        dates = page.evaluate(f"() => {tl}.date")
        shown = page.evaluate(_events_layer(page))
        expected = int((located(events)["date"].astype(str).str[:10] <= dates).sum())
        assert shown == expected, (k, dates, shown, expected)
        counts.append(shown)
    assert counts[0] == 0 and counts == sorted(counts) and 0 < counts[len(counts) // 2] < n_located
    # the hostile event's popup shows the payload as text, and nothing runs
    page.evaluate(f"() => {tl}.setStep({last})")
    event_id = events.loc[located(events).index[0], "event_id"]
    page.evaluate(
        f"""() => {{ const m = Object.values(window).find(v => v instanceof L.Map);
        m.eachLayer(l => {{ if (l.feature && l.feature.properties.id === {event_id!r}
                            && l instanceof L.CircleMarker) l.openPopup(); }}); }}"""
    )
    page.wait_for_selector(".leaflet-popup-content .minusma-popup")
    text = page.inner_text(".leaflet-popup-content")
    assert "window.__pwned=2" in text and "<svg onload" in text
    for tag in ("a", "img", "svg", "script"):
        count = f"() => document.querySelectorAll('.leaflet-popup-content {tag}').length"
        assert page.evaluate(count) == 0, tag
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    # a shipped event's popup: sources are http(s) links
    other = events.loc[located(events).index[1], "event_id"]
    page.evaluate(
        f"""() => {{ const m = Object.values(window).find(v => v instanceof L.Map);
        m.eachLayer(l => {{ if (l.feature && l.feature.properties.id === {other!r}
                            && l instanceof L.CircleMarker) l.openPopup(); }}); }}"""
    )
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-popup-content a[href^=\"https://\"]').length > 0"
    )
    _toggle(page, False)
    assert page.evaluate(_events_layer(page)) == 0
    assert page_log.unexpected_errors() == []
