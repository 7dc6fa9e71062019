"""The time control: prev/next buttons and a slider over the closure dates.

At each step the site markers move between the "open" and "closed" layers, the coverage circles
of the selected date follow, the towns take their class of that date (embedded as JSON, one
character per step; the popup states it above the indicators, which are those of ``as_of``) and
the air links are restyled as flown or not on that date (:func:`maps.transport.air_link_periods`).
Radio buttons show the coverage circles before the withdrawal, at the selected date, or both.
Written in plain Leaflet, so it needs no plugin and works offline. ``window.minusmaTimeline``
exposes ``setStep(i)``, ``step``, ``steps``, ``open`` (sites) and ``air`` (links flown) for scripts
and tests.
"""

from __future__ import annotations

import datetime as dt

import folium
from branca.element import MacroElement
from folium.template import Template

from maps.exposure import ExposureTimeline
from maps.popups import esc, safe_json
from maps.style import EXPOSURE_CLASSES, EXPOSURE_COLOURS, UNKNOWN_COLOUR

__all__ = ["TimeControl", "step_index"]

#: Character used in the per-town class strings for "no class".
NO_CLASS = "-"


def step_index(dates: tuple[dt.date, ...] | list[dt.date], when: dt.date | None) -> int:
    """The last step on or before ``when`` (0 if ``when`` precedes every step; last if None)."""
    if when is None:
        return len(dates) - 1
    before = [i for i, d in enumerate(dates) if d <= when]
    return before[-1] if before else 0


def _labels(dates, bases) -> list[str]:
    closes: dict[str, list[str]] = {}
    for _, row in bases.iterrows():
        closes.setdefault(str(row["closure_date"]), []).append(str(row["name"]))
    out = [esc(f"{dates[0]:%d %b %Y}: before the withdrawal")]
    for d in dates[1:]:
        names = closes.get(d.isoformat(), [])
        out.append(esc(f"{d:%d %b %Y}: closed {', '.join(names)}"))
    return out


class TimeControl(MacroElement):
    """A Leaflet control stepping through ``exposure.dates`` (see module docstring)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .minusma-time { background: rgba(255,255,255,0.95); padding: 6px 8px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.4); font: 12px/1.35 sans-serif; max-width: 340px; }
        .minusma-time button { font: bold 13px sans-serif; min-width: 28px; min-height: 26px; }
        .minusma-time input[type=range] { width: 150px; vertical-align: middle; }
        .minusma-time .minusma-time-label { margin-top: 4px; }
        .minusma-time .minusma-cover label { margin-right: 6px; white-space: nowrap; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var steps = {{ this.steps }};
            var labels = {{ this.labels }};
            var classes = {{ this.classes }};
            var colours = {{ this.colours }};
            var townClass = {{ this.town_classes }};
            var openGroup = {{ this.open_layer.get_name() }};
            var closedGroup = {{ this.closed_layer.get_name() }};
            var coverGroup = {{ this.coverage_layer.get_name() }};
            var coverBefore = {{ this.coverage_before.get_name() if this.coverage_before else "null" }};
            var airGroup = {{ this.air_layer.get_name() if this.air_layer else "null" }};
            var asOf = {{ this.as_of|tojson }};
            var towns = {{ this.towns_layer.get_name() }};
            function all(group) { var a = []; group.eachLayer(function(l) { a.push(l); }); return a; }
            var openL = all(openGroup), closedL = all(closedGroup), coverL = all(coverGroup);
            var airL = airGroup ? all(airGroup).filter(function(l) { return l.feature.properties.on; }) : [];
            function airState(p, d) {  // as maps.transport.air_link_state
                if (p.start && d < p.start) { return "not started"; }
                if (p.end) { return d < p.end ? "active" : "ended"; }
                return p.openActive ? "active" : "ended";
            }
            function show(group, layer, on) {
                if (on && !group.hasLayer(layer)) { group.addLayer(layer); }
                if (!on && group.hasLayer(layer)) { group.removeLayer(layer); }
            }
            var div, slider, label, prev, next, radios = [];
            var api = {steps: steps, step: -1, open: 0, air: 0};
            function setStep(i) {
                i = Math.max(0, Math.min(steps.length - 1, Number(i)));
                var d = steps[i], nOpen = 0;
                openL.forEach(function(l) {
                    var on = l.feature.properties.closure > d;
                    show(openGroup, l, on);
                    if (on) { nOpen++; }
                });
                closedL.forEach(function(l) { show(closedGroup, l, !(l.feature.properties.closure > d)); });
                coverL.forEach(function(l) { show(coverGroup, l, l.feature.properties.closure > d); });
                towns.eachLayer(function(l) {
                    var code = (townClass[l.feature.properties.id] || "").charAt(i);
                    var cls = classes[code] || null;
                    l.setStyle({fillColor: cls ? colours[cls] : "{{ this.unknown }}"});
                    l.feature.properties.minusmaClass = cls;
                    var head = '<div class="minusma-class-now">Class on ' + d + ": <b>" + (cls || "no class") + "</b>" +
                        (d !== asOf ? " <i>(indicators and reasons below: as of " + asOf + ")</i>" : "") + "</div>";
                    if (l.getPopup()) { l.setPopupContent(head + l.feature.properties.popup); }
                });
                var nAir = 0;
                airL.forEach(function(l) {
                    var p = l.feature.properties, st = airState(p, d);
                    l.setStyle(st === "active" ? p.on : p.off);
                    if (st === "active") { nAir++; }
                    if (l.getTooltip()) {
                        l.setTooltipContent(p.name + " (" + st + " on " + d + (p.end ? "; end " + p.end + ", " + p.endNote : "") +
                                            "; schematic route)");
                    }
                });
                api.step = i; api.open = nOpen; api.air = nAir; api.date = d;
                if (slider) {
                    slider.value = String(i);
                    label.innerHTML = labels[i] + "<br>" + nOpen + " of " + openL.length + " MINUSMA sites open" +
                        (airL.length ? "; " + nAir + " of " + airL.length + " air links flown" : "");
                    prev.disabled = i === 0; next.disabled = i === steps.length - 1;
                }
            }
            api.setStep = setStep;
            function showCover(which) {  // "both", "before" or "now"
                [[coverBefore, which !== "now"], [coverGroup, which !== "before"]].forEach(function(x) {
                    if (!x[0]) { return; }
                    if (x[1] && !map.hasLayer(x[0])) { map.addLayer(x[0]); }
                    if (!x[1] && map.hasLayer(x[0])) { map.removeLayer(x[0]); }
                });
            }
            function syncCover() {  // follow the layer control too
                var b = coverBefore && map.hasLayer(coverBefore), n = map.hasLayer(coverGroup);
                var which = b && n ? "both" : (b ? "before" : (n ? "now" : ""));
                radios.forEach(function(r) { r.checked = r.value === which; });
            }
            api.showCover = showCover;
            var control = L.control({position: "bottomleft"});
            control.onAdd = function() {
                div = L.DomUtil.create("div", "minusma-time leaflet-control");
                div.innerHTML = '<b>Withdrawal timeline</b><br>' +
                    '<button type="button" class="minusma-prev" title="previous closure date">&#9664;</button> ' +
                    '<input type="range" class="minusma-slider" min="0" max="' + (steps.length - 1) + '" step="1" ' +
                    'aria-label="closure date"> ' +
                    '<button type="button" class="minusma-next" title="next closure date">&#9654;</button>' +
                    '<div class="minusma-time-label"></div>' +
                    (coverBefore ? '<div class="minusma-cover">Coverage circles: ' +
                     '<label><input type="radio" name="minusma-cover" value="before"> before the withdrawal</label>' +
                     '<label><input type="radio" name="minusma-cover" value="now"> selected date</label>' +
                     '<label><input type="radio" name="minusma-cover" value="both"> both</label></div>' : "");
                slider = div.querySelector(".minusma-slider");
                label = div.querySelector(".minusma-time-label");
                prev = div.querySelector(".minusma-prev");
                next = div.querySelector(".minusma-next");
                radios = [].slice.call(div.querySelectorAll(".minusma-cover input"));
                radios.forEach(function(r) { r.addEventListener("change", function() { showCover(r.value); }); });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                slider.addEventListener("input", function() { setStep(slider.value); });
                prev.addEventListener("click", function() { setStep(api.step - 1); });
                next.addEventListener("click", function() { setStep(api.step + 1); });
                return div;
            };
            control.addTo(map);
            map.on("layeradd layerremove", syncCover);
            syncCover();
            setStep({{ this.initial }});
            window.minusmaTimeline = api;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        exposure: ExposureTimeline,
        bases,
        *,
        open_layer: folium.GeoJson,
        closed_layer: folium.GeoJson,
        coverage_layer: folium.GeoJson,
        towns_layer: folium.GeoJson,
        initial: int,
        coverage_before: folium.GeoJson | None = None,
        air_layer: folium.GeoJson | None = None,
    ) -> None:
        super().__init__()
        self._name = "TimeControl"
        codes = {c: str(k) for k, c in enumerate(EXPOSURE_CLASSES)}
        table = {
            town_id: "".join(
                codes.get(v, NO_CLASS) if isinstance(v, str) else NO_CLASS for v in row
            )
            for town_id, row in zip(
                exposure.classes.index, exposure.classes.itertuples(index=False)
            )
        }
        self.steps = safe_json([d.isoformat() for d in exposure.dates])
        self.labels = safe_json(_labels(exposure.dates, bases))
        self.classes = safe_json({v: k for k, v in codes.items()})
        self.colours = safe_json(EXPOSURE_COLOURS)
        self.unknown = UNKNOWN_COLOUR
        self.town_classes = safe_json(dict(sorted(table.items())))
        self.open_layer, self.closed_layer = open_layer, closed_layer
        self.coverage_layer, self.towns_layer = coverage_layer, towns_layer
        self.coverage_before, self.air_layer = coverage_before, air_layer
        self.as_of = exposure.as_of.isoformat()
        self.initial = int(initial)
