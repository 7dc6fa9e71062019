"""Map furniture: title, legend (every colour and symbol), sources, search, fullscreen, layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from minusma.geo.exposure.score import CLASS_THRESHOLDS
from minusma.geo.i18n import DEFAULT_LANG, STRINGS, number_text, text
from minusma.layers.registry import get_info, layer_names
from minusma.maps.popups import esc
from minusma.maps.style import (
    AIR_ENDED_DASH,
    AIR_OPERATORS,
    AIRPORT,
    COVERAGE_BEFORE,
    COVERAGE_NOW,
    EVENT,
    EXPOSURE_CLASSES,
    EXPOSURE_COLOURS,
    NO_DETOUR,
    REGION_CENTRAL,
    RIVER_REACHES,
    ROAD_CLASSES,
    SETTLEMENT,
    SITE_CLOSED,
    SITE_KINDS,
    UNKNOWN_COLOUR,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["SOURCES", "Legend", "add_controls", "legend_html"]

#: Sources credited on every map, besides each layer's own attribution line.
SOURCES = (
    "Natural Earth (regions, public domain)",
    (
        "OCHA COD Mali: DNCT/DNP Mali, OCHA Mali, ITOS via HDX "
        "(towns, P-codes, populated places; CC BY-IGO)"
    ),
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
    """A legend symbol as inline SVG: a ``circle`` (default), a ``line`` or a ``box``."""
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
        f'<svg width="28" height="12"><circle cx="14" cy="6" r="5" fill="{colour}" '
        f'fill-opacity="{opacity}" '
        f'stroke="#252525" stroke-width="1"/></svg>'
    )


def _row(symbol: str, label: str) -> str:
    """One legend row: ``symbol`` (HTML) beside the escaped ``label``."""
    return f'<div class="minusma-legend-row">{symbol}<span>{esc(label)}</span></div>'


def class_rows(lang: str = DEFAULT_LANG) -> list[str]:
    """One line per class with its score range (:data:`geo.exposure.score.CLASS_THRESHOLDS`).

    Parameters
    ----------
    lang
        The language of the class names and numbers (:mod:`minusma.geo.i18n`).

    Returns
    -------
    list of str
        Per class, lowest first, its name and score range (from its threshold to the next one;
        the top class from its threshold up), not escaped.
    """
    bounds = list(CLASS_THRESHOLDS.items())
    out = []
    for k, (cls, lo) in enumerate(bounds):
        label = text(f"class.{cls}", lang)
        if k + 1 < len(bounds):
            hi = number_text(bounds[k + 1][1], lang)
            out.append(text("class_range", lang, label=label, lo=number_text(lo, lang), hi=hi))
        else:
            out.append(text("class_top", lang, label=label, lo=number_text(lo, lang)))
    return out


def legend_html(
    *,
    radius_km: float,
    settlements: bool,
    offline: bool,
    surface: bool = False,
    season: str = "dry",
    scenario: Mapping[str, Sequence[str]] | None = None,
    lang: str = DEFAULT_LANG,
    n_settlements: int = 0,
    n_events: tuple[int, int] | None = None,
    settlements_classed: bool = False,
    regions_2023: bool = False,
) -> str:
    """The legend's HTML in ``lang`` (labels escaped; symbols from the style table).

    The classes with their score ranges and what the score is made of, then every symbol
    (sites, coverage, roads, river, air links, airports, regions, and the optional layers) and
    the sources: :data:`SOURCES`, each shipped layer's attribution, the tiles' credit online.

    Parameters
    ----------
    radius_km
        The coverage radius (km), named in the model's note and the coverage circles' rows.
    settlements
        Add the populated places' symbol.
    offline
        The map has no web tiles: their credit is left out.
    surface
        Add the colour ramp of the distance overlays (:func:`maps.surface.legend_rows`) and
        credit them and WorldPop.
    season
        The season assessed (``"dry"`` or ``"wet"``), named in the model's note; a value the
        catalogue does not know is shown as given.
    scenario
        The what-if (:func:`maps.exposure.scenario`: field of
        :data:`~maps.exposure.SCENARIO_FIELDS` -> names), named in the model's note; None or
        empty for the real withdrawal.
    lang
        The language of every word (:mod:`minusma.geo.i18n`).
    n_settlements
        How many populated places the map draws, named in their legend row (read only with
        ``settlements``).
    n_events
        ``(mapped, total)``: the events with a point and all events; adds the events layer's
        symbol. None: no events row.
    settlements_classed
        The populated places are coloured by exposure class (their row says so).
    regions_2023
        The backdrop is the 2023 regions: the central zone's row names them.

    Returns
    -------
    str
        The legend's HTML (the body of :class:`Legend`).
    """
    rows = _class_rows_html(lang, radius_km=radius_km, season=season, scenario=scenario)
    rows += _site_rows(lang, radius_km=radius_km)
    rows += _road_rows(lang)
    rows += _river_air_rows(lang, regions_2023=regions_2023)
    rows += _layer_rows(
        lang,
        settlements=settlements,
        settlements_classed=settlements_classed,
        n_settlements=n_settlements,
        n_events=n_events,
        surface=surface,
    )
    rows.append(_sources_html(lang, offline=offline, surface=surface))
    return "".join(rows)


def _class_rows_html(
    lang: str, *, radius_km: float, season: str, scenario: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """The towns' heading, one row per class (and unknown), and the model's note."""

    def t(key: str, **fields) -> str:
        return text(key, lang, **fields)

    rows = [f"<h4>{esc(t('towns_heading'))}</h4>"]
    rows += [
        _row(_swatch(EXPOSURE_COLOURS[c]), line)
        for c, line in zip(EXPOSURE_CLASSES, class_rows(lang))
    ]
    rows.append(_row(_swatch(UNKNOWN_COLOUR), t("no_class")))
    season_text = t(f"season.{season}") if f"season.{season}" in STRINGS[lang] else season
    parts = t("whatif_sep").join(
        t(f"whatif.{field}", names=", ".join(names)) for field, names in (scenario or {}).items()
    )
    note = t(
        "model_note",
        radius_km=radius_km,
        season=season_text,
        whatif=t("whatif", parts=parts) if parts else "",
    )
    rows.append(f'<p class="minusma-note">{esc(t("score_note"))} {esc(note)}</p>')
    return rows


def _site_rows(lang: str, *, radius_km: float) -> list[str]:
    """The sites' heading, one row per site kind, closed sites and the two coverage symbols."""

    def t(key: str, **fields) -> str:
        return text(key, lang, **fields)

    rows = [f"<h4>{esc(t('sites_heading'))}</h4>"]
    rows += [
        _row(
            f'<span class="minusma-sym" style="color:{v["colour"]}">{v["symbol"]}</span>',
            t(f"site.{k}"),
        )
        for k, v in SITE_KINDS.items()
    ]
    rows.append(
        _row(
            f'<span class="minusma-sym" style="color:{SITE_CLOSED["colour"]};opacity:'
            f'{SITE_CLOSED["opacity"]}">\u25b2</span>',
            t("site_closed"),
        )
    )
    rows.append(
        _row(
            _swatch(
                COVERAGE_BEFORE["colour"], shape="line", dash=COVERAGE_BEFORE["dash"], weight=1.5
            ),
            t("coverage_before", radius_km=radius_km),
        )
    )
    rows.append(
        _row(
            _swatch(COVERAGE_NOW["colour"], shape="box", opacity=0.3),
            t("coverage_now", radius_km=radius_km),
        )
    )
    return rows


def _road_rows(lang: str) -> list[str]:
    """The roads' heading, one row per road class, and the segments without a detour."""
    rows = [f"<h4>{esc(text('roads_heading', lang))}</h4>"]
    rows += [
        _row(
            _swatch(v["colour"], shape="line", dash="6 4", weight=v["weight"]),
            text(f"road.{k}", lang),
        )
        for k, v in ROAD_CLASSES.items()
    ]
    rows.append(
        _row(
            _swatch(NO_DETOUR["colour"], shape="line", weight=8, opacity=NO_DETOUR["opacity"]),
            text("no_detour", lang),
        )
    )
    return rows


def _river_air_rows(lang: str, *, regions_2023: bool) -> list[str]:
    """The river reaches, the air links (active by operator, ended), airports, central zone."""

    def t(key: str, **fields) -> str:
        return text(key, lang, **fields)

    rows = [f"<h4>{esc(t('river_air_heading'))}</h4>"]
    rows += [
        _row(
            _swatch(v["colour"], shape="line", dash=v["dash"], weight=v["weight"]),
            t(f"river.{str(k).lower()}"),
        )
        for k, v in RIVER_REACHES.items()
    ]
    rows += [
        _row(_swatch(v["colour"], shape="line"), t("air_active", operator=op))
        for op, v in AIR_OPERATORS.items()
    ]
    rows.append(
        _row(
            _swatch("#636363", shape="line", dash=AIR_ENDED_DASH, weight=1.5, opacity=0.6),
            t("air_ended"),
        )
    )
    rows.append(
        _row(
            f'<span class="minusma-sym" style="color:{AIRPORT["colour"]}">'
            f"{AIRPORT['symbol']}</span>",
            t("airport"),
        )
    )
    rows.append(
        _row(
            _swatch(REGION_CENTRAL["fill"], shape="box"),
            t("region_central_2023" if regions_2023 else "region_central"),
        )
    )
    return rows


def _layer_rows(
    lang: str,
    *,
    settlements: bool,
    settlements_classed: bool,
    n_settlements: int,
    n_events: tuple[int, int] | None,
    surface: bool,
) -> list[str]:
    """The rows of the optional layers: settlements, events, the distance overlays' ramp."""
    rows = []
    if settlements:
        rows.append(
            _row(
                _swatch(SETTLEMENT["colour"], opacity=SETTLEMENT["opacity"]),
                text(
                    "settlement_classed" if settlements_classed else "settlement",
                    lang,
                    n=n_settlements,
                ),
            )
        )
    if n_events is not None:
        rows.append(
            _row(
                _swatch(EVENT["colour"], opacity=EVENT["fill_opacity"]),
                text("events_legend", lang, n=n_events[0], m=n_events[1]),
            )
        )
    if surface:
        from minusma.maps.surface import legend_rows

        rows.append(legend_rows(lang))
    return rows


def _sources_html(lang: str, *, offline: bool, surface: bool) -> str:
    """The sources: the map's own, the overlays', each shipped layer's, and the tiles'."""
    tiles = text("tiles_credit", lang)
    credits = list(SOURCES)
    if surface:
        from minusma.layers.population import ATTRIBUTION as WORLDPOP
        from minusma.maps.surface import ATTRIBUTION as SURFACE

        credits.append(f"{SURFACE} ({WORLDPOP}; CC BY 4.0)")
    credits += [f"{get_info(n).title}: {get_info(n).attribution}" for n in layer_names("shipped")]
    if not offline:
        credits.append(tiles)
    return (
        f"<h4>{esc(text('sources', lang))}</h4><ul>"
        + "".join(
            f"<li>{esc(c)}</li>" if c == tiles else f'<li lang="en">{esc(c)}</li>' for c in credits
        )
        + "</ul>"
    )


class Legend(MacroElement):
    """The legend control and the map title, placed for the screen size.

    Large screens: legend at the top left (over Mauritania, leaving eastern Mali clear), open;
    small screens (< 700 px wide): top right, folded, and the title moves into it. Controls get
    touch targets of at least 40 px; popups and the attribution fit the viewport. The control
    also adds a metric scale bar and names Leaflet's zoom and layer buttons in ``lang``.

    Parameters
    ----------
    body_html
        The legend's content (:func:`legend_html`), inserted as it is.
    lang
        The language of the title, the legend's heading and the buttons' names.
    open_
        Show the legend unfolded on large screens (small screens always start folded).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .minusma-legend { background: rgba(255,255,255,0.95); padding: 6px 10px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.4); font: 12px/1.3 sans-serif; max-width: 270px;
            max-height: calc(100vh - 480px); min-height: 40px; overflow-y: auto;
            box-sizing: border-box; }
        .minusma-legend summary { min-height: 40px; line-height: 40px; cursor: pointer; }
        .minusma-legend h4 { margin: 6px 0 2px; font-size: 12px; }
        .minusma-legend-row { display: flex; align-items: center; gap: 6px; }
        .minusma-legend ul { margin: 2px 0; padding-left: 16px; }
        .minusma-legend .minusma-legend-title { display: none; font-weight: bold;
            margin: 2px 0 4px; }
        .minusma-note { margin: 2px 0; font-size: 11px; color: #444; }
        .minusma-sym { display: inline-block; width: 28px; text-align: center; font-size: 15px; }
        .minusma-site, .minusma-airport { font-size: 20px; line-height: 24px; text-align: center;
            text-shadow: 0 0 2px #fff, 0 0 2px #fff; background: none; border: none; }
        .minusma-airport { font-size: 15px; line-height: 18px; }
        .minusma-label { background: rgba(255,255,255,0.7); border: none; box-shadow: none;
            font: bold 12px sans-serif; color: #a63603; }
        .minusma-title { background: rgba(255,255,255,0.9); padding: 4px 10px; border-radius: 4px;
            font: bold 15px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 40vw; }
        .leaflet-container .leaflet-control-attribution { font-size: 10px; max-width: 60vw; }
        .leaflet-bar a, .leaflet-touch .leaflet-bar a { width: 40px; height: 40px;
            line-height: 40px; }
        .leaflet-control-layers-toggle, .leaflet-touch .leaflet-control-layers-toggle {
            width: 44px; height: 44px; }
        /* the fullscreen sprite holds both icons (26 px each): show one, in a 26 px box */
        .leaflet-bar a.fullscreen-icon, .leaflet-touch .leaflet-bar a.fullscreen-icon {
            box-sizing: border-box; padding: 7px; background-origin: content-box;
            background-clip: content-box; background-repeat: no-repeat;
            background-size: 26px 52px; background-position: 0 0; }
        .leaflet-bar a.fullscreen-icon.leaflet-fullscreen-on,
        .leaflet-touch .leaflet-bar a.fullscreen-icon.leaflet-fullscreen-on {
            background-position: 0 -26px; }
        .minusma-popup { font: 12px/1.3 sans-serif; }
        .minusma-popup h4 { margin: 0 0 4px; font-size: 13px; }
        .minusma-popup th { text-align: left; padding-right: 8px; vertical-align: top; }
        .minusma-popup ul { padding-left: 16px; margin: 2px 0; }
        .minusma-popup details summary { cursor: pointer; margin-top: 4px; }
        .leaflet-popup-content { max-width: calc(100vw - 70px); overflow-wrap: anywhere; }
        @media (max-width: 699px) {
            .minusma-title { display: none; }
            .minusma-legend .minusma-legend-title { display: block; }
            .minusma-legend { max-width: calc(100vw - 90px); max-height: calc(100vh - 330px); }
            .leaflet-container .leaflet-control-attribution { max-width: calc(100vw - 20px);
                max-height: 2.7em; overflow-y: auto; }
            .leaflet-bottom.leaflet-left { bottom: 3em; }
        }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var small = window.innerWidth < 700;
            var legend = L.control({position: small ? "topright" : "topleft"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "minusma-legend leaflet-control");
                div.innerHTML = {{ this.details|tojson }};
                if (small) { div.querySelector("details").open = false; }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            var title = L.control({position: "topright"});
            title.onAdd = function() {
                var div = L.DomUtil.create("div", "minusma-title leaflet-control");
                div.innerHTML = {{ this.title|tojson }};
                return div;
            };
            title.addTo(map);
            legend.addTo(map);
            L.control.scale({imperial: false}).addTo(map);  // metric only, in every language
            var words = {{ this.words|tojson }};
            setTimeout(function() {  // Leaflet's own buttons, once every control is on the map
                var c = map.getContainer();
                Object.keys(words).forEach(function(sel) {
                    c.querySelectorAll(sel).forEach(function(e) {
                        e.title = words[sel]; e.setAttribute("aria-label", words[sel]);
                    });
                });
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, body_html: str, *, lang: str = DEFAULT_LANG, open_: bool = True) -> None:
        super().__init__()
        self._name = "Legend"
        title = esc(text("title", lang))
        self.details = (
            f"<details{' open' if open_ else ''}><summary><b>{esc(text('legend', lang))}</b>"
            f'</summary><div class="minusma-legend-title">{title}</div>{body_html}</details>'
        )
        self.title = title
        self.words = {
            ".leaflet-control-zoom-in": text("control.zoom_in", lang),
            ".leaflet-control-zoom-out": text("control.zoom_out", lang),
            ".leaflet-control-layers-toggle": text("control.layers", lang),
        }


class PopupPlacement(MacroElement):
    """Popups open clear of every control (``js/popup_place.js``).

    A phone's popup fits between the top and bottom controls, and the map pans so that it (or
    at least its title and class line) lies off the controls.
    """

    def __init__(self) -> None:
        super().__init__()
        self._name = "PopupPlacement"
        script = resources.files("minusma.maps").joinpath("js/popup_place.js").read_text("utf-8")
        self._template = Template(
            "{% macro script(this, kwargs) %}"
            + script.replace("{{map}}", "{{ this._parent.get_name() }}")
            + "{% endmacro %}"
        )


def add_controls(
    m: folium.Map,
    *,
    towns_layer: folium.GeoJson,
    towns: gpd.GeoDataFrame,
    legend: Legend,
    lang: str = DEFAULT_LANG,
    places_layer: folium.map.Layer | None = None,
) -> None:
    """Add the town search, fullscreen button, legend, layer control and popup placement.

    Parameters
    ----------
    m
        The map, changed in place.
    towns_layer
        The towns' layer, whose markers the search opens.
    towns
        The towns the search lists (:func:`maps.search.search_index`).
    legend
        The legend control (:class:`Legend`).
    lang
        The language of the search box and the fullscreen button.
    places_layer
        The populated places' canvas layer: the search covers them too, after the towns.
    """
    from minusma.maps.search import TownSearch

    TownSearch(towns_layer, towns, lang=lang, places=places_layer).add_to(m)
    plugins.Fullscreen(
        position="topleft",
        title=text("control.fullscreen", lang),
        title_cancel=text("control.fullscreen_exit", lang),
    ).add_to(m)
    legend.add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    PopupPlacement().add_to(m)
