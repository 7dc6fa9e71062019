"""The time control: prev/next buttons and a slider over the closure dates.

At each step the site markers move between the "open" and "closed" layers, the coverage circles
of the selected date follow, the towns take their class of that date (embedded as JSON, one
character per step; the popup states it above the indicators, which are those of ``as_of``) and
the air links are restyled as flown or not on that date (:func:`maps.transport.air_link_periods`)
and the events layer (:mod:`maps.events`) holds the events dated up to the selected date.
Radio buttons show the coverage circles before the withdrawal, at the selected date, or both.
Written in plain Leaflet, so it needs no plugin and works offline. ``window.minusmaTimeline``
exposes ``setStep(i)``, ``step``, ``steps``, ``open`` (sites), ``air`` (links flown) and
``events`` (events shown) for scripts and tests.
"""

from __future__ import annotations

import datetime as dt

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from maps.exposure import ExposureTimeline
from maps.i18n import DEFAULT_LANG, date_text, text
from maps.popups import esc, safe_json
from maps.style import EXPOSURE_CLASSES, EXPOSURE_COLOURS, UNKNOWN_COLOUR

__all__ = ["TimeControl", "popup_steps", "step_index"]

#: Character used in the per-town class strings for "no class".
NO_CLASS = "-"


def step_index(dates: tuple[dt.date, ...] | list[dt.date], when: dt.date | None) -> int:
    """The last step on or before ``when`` (0 if ``when`` precedes every step; last if None)."""
    if when is None:
        return len(dates) - 1
    before = [i for i, d in enumerate(dates) if d <= when]
    return before[-1] if before else 0


def _labels(dates, bases, lang: str = DEFAULT_LANG) -> list[str]:
    closes: dict[str, list[str]] = {}
    for _, row in bases.iterrows():
        closes.setdefault(str(row["closure_date"]), []).append(str(row["name"]))
    out = [esc(text("step_before", lang, date=date_text(dates[0], lang)))]
    for d in dates[1:]:
        names = ", ".join(closes.get(d.isoformat(), []))
        out.append(esc(text("step_closed", lang, date=date_text(d, lang), names=names)))
    return out


def _reason_list(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [r.strip() for r in value.split(";") if r.strip()]


def popup_steps(exposure: ExposureTimeline) -> tuple[dict[str, list], list[str]]:
    """Per town, what its popup shows at each step: ``[scores, ranks, reasons]`` (scores to one
    decimal or None, ranks int or None, reasons as indices into the returned list of distinct,
    HTML-escaped reason strings)."""
    texts: dict[str, int] = {}
    out: dict[str, list] = {}
    if exposure.scores is None:
        return out, []
    for town_id in exposure.classes.index:
        scores = [None if pd.isna(v) else round(float(v), 1) for v in exposure.scores.loc[town_id]]
        ranks = [None if pd.isna(v) else int(v) for v in exposure.ranks.loc[town_id]]
        reasons = [
            [texts.setdefault(esc(r), len(texts)) for r in _reason_list(v)]
            for v in exposure.reasons.loc[town_id]
        ]
        out[str(town_id)] = [scores, ranks, reasons]
    return dict(sorted(out.items())), list(texts)


class TimeControl(MacroElement):
    """A Leaflet control stepping through ``exposure.dates`` (see module docstring)."""

    _template = Template(
        r"""
        {% macro header(this, kwargs) %}
        <style>
        .minusma-time { background: rgba(255,255,255,0.95); padding: 6px 8px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.4); font: 12px/1.35 sans-serif; max-width: 340px; }
        .minusma-time button { font: bold 13px sans-serif; min-width: 44px; min-height: 40px; }
        .minusma-time input[type=range] { width: 150px; height: 40px; vertical-align: middle; }
        .minusma-time .minusma-cover label { display: inline-block; min-height: 28px; }
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
            var eventGroup = {{ this.events_layer.get_name() if this.events_layer else "null" }};
            var places = {{ this.places_layer.get_name() if this.places_layer else "null" }};
            var asOf = {{ this.as_of|tojson }};
            var towns = {{ this.towns_layer.get_name() }};
            var T = {{ this.words }};
            var dateText = {{ this.date_text }};
            var detail = {{ this.detail }};
            var reasonText = {{ this.reason_text }};
            var ranked = {{ this.ranked }};
            function fill(s, f) { return s.replace(/\{(\w+)\}/g, function(_, k) { return f[k]; }); }
            function townPopup(p, cls, i) {  // reasons-first, for step i (values pre-escaped)
                var d = detail[p.id] || [[], [], []], score = d[0][i], rank = d[1][i], why = d[2][i] || [];
                var head = '<div class="minusma-class-now"><b class="minusma-cls">' +
                    (cls ? T.classes[cls] : T.noClass) + "</b> " + fill(T.onDate, {date: dateText[i]}) +
                    (score === null || score === undefined ? "" : "<br>" + T.score + " " + score.toFixed(1) + "/10") +
                    (rank ? " · " + fill(T.rankOf, {n: rank, m: ranked[i]}) : "") + "</div>";
                var reasons = '<p class="minusma-why"><b>' + T.why + "</b></p>" + (why.length ?
                    "<ul>" + why.map(function(k) { return "<li>" + reasonText[k] + "</li>"; }).join("") + "</ul>" :
                    "<p>" + T.noReasons + "</p>");
                return '<div class="minusma-popup">' + p.title + head + reasons + p.facts + "</div>";
            }
            function all(group) { var a = []; group.eachLayer(function(l) { a.push(l); }); return a; }
            var openL = all(openGroup), closedL = all(closedGroup), coverL = all(coverGroup);
            var airL = airGroup ? all(airGroup).filter(function(l) { return l.feature.properties.on; }) : [];
            var eventL = eventGroup ? all(eventGroup) : [];
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
            var api = {steps: steps, step: -1, open: 0, air: 0, events: 0};
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
                    var id = l.feature.properties.id;
                    var code = (townClass[id] || "").charAt(i);
                    var cls = classes[code] || null;
                    l.setStyle({fillColor: cls ? colours[cls] : "{{ this.unknown }}"});
                    l.feature.properties.minusmaClass = cls;
                    if (l.getPopup()) { l.setPopupContent(townPopup(l.feature.properties, cls, i)); }
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
                var nEvents = 0;  // events up to the selected date
                eventL.forEach(function(l) {
                    var on = l.feature.properties.date <= d;
                    show(eventGroup, l, on);
                    if (on) { nEvents++; }
                });
                if (places && places.setStep) { places.setStep(i); }
                api.step = i; api.open = nOpen; api.air = nAir; api.events = nEvents; api.date = d;
                if (slider) {
                    slider.value = String(i);
                    label.innerHTML = labels[i] + "<br>" + fill(T.sitesOpen, {n: nOpen, m: openL.length}) +
                        (airL.length ? "; " + fill(T.airFlown, {n: nAir, m: airL.length}) : "");
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
                div.innerHTML = '<b>' + T.timeline + '</b><br>' +
                    '<button type="button" class="minusma-prev" title="' + T.prev + '">&#9664;</button> ' +
                    '<input type="range" class="minusma-slider" min="0" max="' + (steps.length - 1) + '" step="1" ' +
                    'aria-label="' + T.slider + '"> ' +
                    '<button type="button" class="minusma-next" title="' + T.next + '">&#9654;</button>' +
                    '<div class="minusma-time-label"></div>' +
                    (coverBefore ? '<div class="minusma-cover">' + T.coverCircles + ' ' +
                     '<label><input type="radio" name="minusma-cover" value="before"> ' + T.coverBefore + '</label>' +
                     '<label><input type="radio" name="minusma-cover" value="now"> ' + T.coverNow + '</label>' +
                     '<label><input type="radio" name="minusma-cover" value="both"> ' + T.coverBoth + '</label></div>' : "");
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
        events_layer: folium.GeoJson | None = None,
        places_layer: folium.map.Layer | None = None,
        lang: str = DEFAULT_LANG,
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
        self.labels = safe_json(_labels(exposure.dates, bases, lang))
        detail, reason_text = popup_steps(exposure)
        self.detail = safe_json(detail)
        self.reason_text = safe_json(reason_text)
        ranks = exposure.ranks if exposure.ranks is not None else None
        self.ranked = safe_json(
            [int(ranks[c].notna().sum()) for c in ranks.columns]
            if ranks is not None
            else [exposure.ranked] * len(exposure.dates)
        )
        self.date_text = safe_json([date_text(d, lang) for d in exposure.dates])
        words = {
            "classes": {c: text(f"class.{c}", lang) for c in EXPOSURE_CLASSES},
            "noClass": text("no_class", lang),
            "onDate": text("on_date", lang),
            "score": text("score", lang),
            "rankOf": text("rank_of", lang),
            "why": text("reasons", lang),
            "noReasons": text("no_reasons", lang),
            "sitesOpen": text("sites_open", lang),
            "airFlown": text("air_flown", lang),
            "timeline": text("timeline", lang),
            "prev": text("prev", lang),
            "next": text("next", lang),
            "slider": text("slider", lang),
            "coverCircles": text("cover_circles", lang),
            "coverBefore": text("cover_before", lang),
            "coverNow": text("cover_now", lang),
            "coverBoth": text("cover_both", lang),
        }
        self.words = safe_json(
            {
                k: esc(v) if isinstance(v, str) else {a: esc(b) for a, b in v.items()}
                for k, v in words.items()
            }
        )
        self.classes = safe_json({v: k for k, v in codes.items()})
        self.colours = safe_json(EXPOSURE_COLOURS)
        self.unknown = UNKNOWN_COLOUR
        self.town_classes = safe_json(dict(sorted(table.items())))
        self.open_layer, self.closed_layer = open_layer, closed_layer
        self.coverage_layer, self.towns_layer = coverage_layer, towns_layer
        self.coverage_before, self.air_layer = coverage_before, air_layer
        self.events_layer, self.places_layer = events_layer, places_layer
        self.as_of = exposure.as_of.isoformat()
        self.initial = int(initial)
