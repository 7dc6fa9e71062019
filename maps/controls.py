"""Map furniture: title, legend (every colour and symbol), sources box, search, fullscreen, layer control."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from layers.registry import get_info, layer_names
from maps.popups import esc
from maps.style import (
    AIR_ENDED_DASH,
    AIR_OPERATORS,
    AIRPORT,
    COVERAGE_BEFORE,
    COVERAGE_NOW,
    EXPOSURE_CLASSES,
    EXPOSURE_COLOURS,
    EXPOSURE_LABELS,
    NO_DETOUR,
    REGION_CENTRAL,
    RIVER_REACHES,
    ROAD_CLASSES,
    SETTLEMENT,
    SITE_CLOSED,
    SITE_KINDS,
    TITLE,
    UNKNOWN_COLOUR,
)

__all__ = ["SOURCES", "Legend", "add_controls", "legend_html"]

#: Sources credited on every map, besides each layer's own attribution line.
SOURCES = (
    "Natural Earth (regions, public domain)",
    "OCHA COD Mali: DNCT/DNP Mali, OCHA Mali, ITOS via HDX (towns, P-codes, populated places; CC BY-IGO)",
    "GeoNames (geonames.org, CC BY 4.0)",
    "OurAirports (public domain) via airportsdata (MIT)",
    "UN press releases, Logistics Cluster and news reports named per feature (compiled CC BY 4.0)",
)


def _swatch(
    colour: str,
    *,
    shape: str = "circle",
    dash: str | None = None,
    weight: float = 3.0,
    opacity: float = 1.0,
) -> str:
    if shape == "line":
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg width="28" height="12"><line x1="1" y1="6" x2="27" y2="6" stroke="{colour}" '
            f'stroke-width="{weight}" stroke-opacity="{opacity}"{dash_attr}/></svg>'
        )
    if shape == "box":
        return (
            f'<svg width="28" height="12"><rect x="2" y="1" width="24" height="10" fill="{colour}" '
            f'fill-opacity="{opacity}" stroke="#555" stroke-width="1"/></svg>'
        )
    return (
        f'<svg width="28" height="12"><circle cx="14" cy="6" r="5" fill="{colour}" fill-opacity="{opacity}" '
        f'stroke="#252525" stroke-width="1"/></svg>'
    )


def _row(symbol: str, label: str) -> str:
    return f'<div class="minusma-legend-row">{symbol}<span>{esc(label)}</span></div>'


def legend_html(
    *, exposure_note: str, radius_km: float, settlements: bool, offline: bool, surface: bool = False
) -> str:
    """The legend's HTML (labels escaped; symbols from the style table); ``surface`` adds the colour
    ramp of the distance overlays (:func:`maps.surface.legend_rows`)."""
    rows = ["<h4>Towns: exposure class</h4>"]
    rows += [_row(_swatch(EXPOSURE_COLOURS[c]), EXPOSURE_LABELS[c]) for c in EXPOSURE_CLASSES]
    rows.append(_row(_swatch(UNKNOWN_COLOUR), "no class"))
    rows.append(f'<p class="minusma-note">{esc(exposure_note)}</p>')
    rows.append("<h4>MINUSMA sites</h4>")
    rows += [
        _row(
            f'<span class="minusma-sym" style="color:{v["colour"]}">{v["symbol"]}</span>',
            v["label"],
        )
        for v in SITE_KINDS.values()
    ]
    rows.append(
        _row(
            f'<span class="minusma-sym" style="color:{SITE_CLOSED["colour"]};opacity:'
            f'{SITE_CLOSED["opacity"]}">\u25b2</span>',
            "site " + SITE_CLOSED["label"],
        )
    )
    rows.append(
        _row(
            _swatch(
                COVERAGE_BEFORE["colour"], shape="line", dash=COVERAGE_BEFORE["dash"], weight=1.5
            ),
            f"{COVERAGE_BEFORE['label']} ({radius_km:g} km)",
        )
    )
    rows.append(
        _row(
            _swatch(COVERAGE_NOW["colour"], shape="box", opacity=0.3),
            f"{COVERAGE_NOW['label']} ({radius_km:g} km)",
        )
    )
    rows.append("<h4>Roads (all lines schematic, dashed)</h4>")
    rows += [
        _row(_swatch(v["colour"], shape="line", dash="6 4", weight=v["weight"]), v["label"])
        for v in ROAD_CLASSES.values()
    ]
    rows.append(
        _row(
            _swatch(NO_DETOUR["colour"], shape="line", weight=8, opacity=NO_DETOUR["opacity"]),
            NO_DETOUR["label"],
        )
    )
    rows.append("<h4>River and air</h4>")
    rows += [
        _row(_swatch(v["colour"], shape="line", dash=v["dash"], weight=v["weight"]), v["label"])
        for v in RIVER_REACHES.values()
    ]
    rows += [
        _row(_swatch(v["colour"], shape="line"), f"{v['label']} air link, active")
        for v in AIR_OPERATORS.values()
    ]
    rows.append(
        _row(
            _swatch("#636363", shape="line", dash=AIR_ENDED_DASH, weight=1.5, opacity=0.6),
            "air link ended or suspended (colour = operator)",
        )
    )
    rows.append(
        _row(
            f'<span class="minusma-sym" style="color:{AIRPORT["colour"]}">{AIRPORT["symbol"]}</span>',
            AIRPORT["label"],
        )
    )
    rows.append(_row(_swatch(REGION_CENTRAL["fill"], shape="box"), REGION_CENTRAL["label"]))
    if settlements:
        rows.append(
            _row(_swatch(SETTLEMENT["colour"], opacity=SETTLEMENT["opacity"]), SETTLEMENT["label"])
        )
    if surface:
        from maps.surface import legend_rows

        rows.append(legend_rows())
    credits = list(SOURCES)
    if surface:
        from layers.population import ATTRIBUTION as WORLDPOP
        from maps.surface import ATTRIBUTION as SURFACE

        credits.append(f"{SURFACE} ({WORLDPOP}; CC BY 4.0)")
    credits += [f"{get_info(n).title}: {get_info(n).attribution}" for n in layer_names()]
    if not offline:
        credits.append("Background tiles: © OpenStreetMap contributors (ODbL)")
    rows.append("<h4>Sources</h4><ul>" + "".join(f"<li>{esc(c)}</li>" for c in credits) + "</ul>")
    return "".join(rows)


class Legend(MacroElement):
    """A collapsible legend control (bottom right), with the map title above the map (top)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .minusma-legend { background: rgba(255,255,255,0.95); padding: 6px 10px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.4); font: 12px/1.3 sans-serif; max-width: 300px;
            max-height: 60vh; overflow-y: auto; }
        .minusma-legend h4 { margin: 6px 0 2px; font-size: 12px; }
        .minusma-legend-row { display: flex; align-items: center; gap: 6px; }
        .minusma-legend ul { margin: 2px 0; padding-left: 16px; }
        .minusma-note { margin: 2px 0; font-size: 11px; color: #444; }
        .minusma-sym { display: inline-block; width: 28px; text-align: center; font-size: 15px; }
        .minusma-site, .minusma-airport { font-size: 20px; line-height: 24px; text-align: center;
            text-shadow: 0 0 2px #fff, 0 0 2px #fff; background: none; border: none; }
        .minusma-airport { font-size: 15px; line-height: 18px; }
        .minusma-label { background: rgba(255,255,255,0.7); border: none; box-shadow: none;
            font: bold 12px sans-serif; color: #a63603; }
        .minusma-title { background: rgba(255,255,255,0.9); padding: 4px 10px; border-radius: 4px;
            font: bold 15px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
        .leaflet-container .leaflet-control-attribution { font-size: 10px; max-width: 70%; }
        .minusma-popup { font: 12px/1.3 sans-serif; }
        .minusma-popup h4 { margin: 0 0 4px; font-size: 13px; }
        .minusma-popup th { text-align: left; padding-right: 8px; vertical-align: top; }
        .minusma-popup ul { padding-left: 16px; margin: 2px 0; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "minusma-legend leaflet-control");
                div.innerHTML = {{ this.details|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            var title = L.control({position: "topright"});
            title.onAdd = function() {
                var div = L.DomUtil.create("div", "minusma-title leaflet-control");
                div.innerHTML = {{ this.title|tojson }};
                return div;
            };
            title.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, body_html: str, *, title: str = TITLE, open_: bool = True) -> None:
        super().__init__()
        self._name = "Legend"
        self.details = f"<details{' open' if open_ else ''}><summary><b>Legend</b></summary>{body_html}</details>"
        self.title = esc(title)


def add_controls(m: folium.Map, *, towns_layer: folium.GeoJson, legend: Legend) -> None:
    """Add the search box (town names), fullscreen button, legend and the layer control."""
    plugins.Search(
        towns_layer,
        search_label="search",
        placeholder="Search a town",
        collapsed=False,
        position="topleft",
        search_zoom=9,
    ).add_to(m)
    plugins.Fullscreen(position="topleft").add_to(m)
    legend.add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
