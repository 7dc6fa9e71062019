"""Towns coloured by exposure class (popup: indicators and reasons) and the OCHA settlements."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.map import Layer
from folium.template import Template
from folium.utilities import JsCode

from maps._geojson import data_layer, feature_collection
from maps.exposure import ExposureTimeline
from maps.popups import esc, is_missing, safe_json, table
from maps.style import CREDITS, EXPOSURE_COLOURS, SETTLEMENT, UNKNOWN_COLOUR

logger = logging.getLogger(__name__)

__all__ = ["SETTLEMENTS_FILE", "CanvasPoints", "add_settlements", "add_towns", "read_settlements"]

#: Where the OCHA populated places sit inside a data directory.
SETTLEMENTS_FILE = Path("ocha-cod-mali") / "mli_populated_places.geojson"

_TOWN_MARKER = JsCode(
    "function(feature, latlng) { return L.circleMarker(latlng, {radius: 6, color: '#252525', weight: 1, "
    "fillOpacity: 0.9, fillColor: feature.properties.fill, className: 'minusma-town'}); }"
)

_INDICATOR_SKIP = {"exposure_class", "exposure_score", "rank", "reasons"}

#: Indicators shown in town popups when the assessment provides them (others are left out to keep
#: the page small); any indicator of the fallback is shown.
POPUP_INDICATORS = (
    "base_before_name", "base_before_km", "covered_before", "base_after_name", "base_after_km", "covered_after",
    "coverage_lost_on", "on_road_network", "bamako_road_km", "bamako_travel_h", "bamako_routes", "riverside",
    "airport_icao", "airport_km", "air_state", "air_depended_on_un", "security_score", "access_score",
    "lifeline_score", "missing_indicators", "data_gap",
    "km_to_site_before", "km_to_open_site", "covered_now",
)


def _indicator_rows(details, town_id):
    if town_id not in details.index:
        return []
    rec = details.loc[town_id]
    rows = [("exposure class", rec.get("exposure_class")), ("exposure score", rec.get("exposure_score")),
            ("rank", rec.get("rank"))]
    for col, value in rec.items():
        if col in _INDICATOR_SKIP or col not in POPUP_INDICATORS or is_missing(value):
            continue
        if isinstance(value, (bool, np.bool_)):
            value = "yes" if value else "no"
        elif isinstance(value, (float, np.floating)):
            value = round(float(value), 3)
        rows.append((col.replace("_", " "), value))
    return rows


def _reasons_html(details, town_id) -> str:
    if town_id not in details.index or is_missing(details.loc[town_id].get("reasons")):
        return ""
    items = [r.strip() for r in str(details.loc[town_id]["reasons"]).split(";") if r.strip()]
    return "<ul>" + "".join(f"<li>{esc(r)}</li>" for r in items) + "</ul>"


def add_towns(m: folium.Map, gdf: gpd.GeoDataFrame, exposure: ExposureTimeline, *, step: int,
              name: str = "Towns (colour = exposure class)") -> folium.GeoJson:
    """Add the towns with a coordinate as circles coloured by their class at timeline ``step``.

    The popup lists the indicators and the reasons at ``exposure.as_of``; the time control
    recolours the circles and states the class at the selected date above the popup.
    """
    column = exposure.classes.columns[step]

    def props(row):
        cls = exposure.classes.at[row["town_id"], column]
        title = row["name"]
        rows = [("region (2023)", row["region_2023"]), ("cercle", row["cercle"]),
                ("population", row["population"]), ("population year", row["population_year"])]
        rows += _indicator_rows(exposure.details, row["town_id"])
        popup = table(title, rows)
        reasons = _reasons_html(exposure.details, row["town_id"])
        if reasons:
            popup = popup[: -len("</div>")] + f"<p><b>Reasons ({esc(exposure.as_of.isoformat())})</b></p>{reasons}</div>"
        return {
            "id": row["town_id"],
            "search": esc(title),
            "fill": EXPOSURE_COLOURS.get(cls, UNKNOWN_COLOUR),
            "tooltip": esc(f"{title}: {cls if isinstance(cls, str) else 'no class'}"),
            "popup": popup,
        }

    layer = data_layer(feature_collection(gdf, props), name=name, point_to_layer=_TOWN_MARKER,
                       attribution=esc(CREDITS["towns"]))
    return layer.add_to(m)


def read_settlements(data_dir: str | os.PathLike) -> gpd.GeoDataFrame:
    """The OCHA COD populated places of ``data_dir`` (read in place, never copied)."""
    from geo._errors import DataDirError

    path = Path(data_dir) / SETTLEMENTS_FILE
    if not path.is_file():
        raise DataDirError(f"no settlements file {path}; --data must point at a folder laid out like ../shared/data")
    return gpd.read_file(path, engine="pyogrio")


class CanvasPoints(Layer):
    """Many points drawn as circle markers on one canvas, with a popup on click.

    ``points`` are ``[lat, lon, name_html, label_index]`` and ``labels`` a list of HTML strings,
    all pre-escaped, so 18,769 places weigh under a megabyte and render in a fraction of a second.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var renderer = L.canvas({padding: 0.5, pane: "minusma-settlements"});
            var group = L.featureGroup([], {attribution: {{ this.attribution|tojson }}});
            var pts = {{ this.points }};
            var labels = {{ this.labels }};
            var opts = {{ this.style|tojson }};
            opts.renderer = renderer;
            for (var i = 0; i < pts.length; i++) {
                var o = Object.assign({}, opts, {minusmaName: pts[i][2], minusmaWhere: pts[i][3]});
                group.addLayer(L.circleMarker([pts[i][0], pts[i][1]], o));
            }
            group.on("click", function(e) {
                L.popup().setLatLng(e.latlng).setContent("<b>" + e.layer.options.minusmaName + "</b><br>" +
                                labels[e.layer.options.minusmaWhere])
                    .openOn({{ this._parent.get_name() }});
            });
            return group;
        })();
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, points: list, labels: list[str], *, name: str, attribution: str, style: dict,
                 show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CanvasPoints"
        self.points = safe_json(points)
        self.labels = safe_json(labels)
        self.attribution = attribution
        self.style = style
        self.count = len(points)


def add_settlements(m: folium.Map, gdf: gpd.GeoDataFrame, *, name: str = "Populated places (OCHA COD)",
                    show: bool = True) -> CanvasPoints:
    """Add every populated place as a small canvas circle; a click shows its name, commune and cercle.

    Packed as ``[lat, lon, name, commune index]`` (4 decimals, ~10 m) with a table of
    "commune, cercle" labels: every string pre-escaped.
    """
    pts = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    x, y = np.round(pts.geometry.x.to_numpy(), 4), np.round(pts.geometry.y.to_numpy(), 4)
    names = [esc(v) for v in pts.get("featureNam", pd.Series("", index=pts.index))]
    where = [f"{esc(a)}, {esc(b)}" for a, b in zip(pts.get("admin3Name", pd.Series("", index=pts.index)),
                                                     pts.get("admin2Name", pd.Series("", index=pts.index)))]
    places: dict[str, int] = {}
    points = [[float(yi), float(xi), n, places.setdefault(w, len(places))] for xi, yi, n, w in zip(x, y, names, where)]
    style = {"radius": SETTLEMENT["radius_px"], "color": SETTLEMENT["colour"], "weight": 0,
             "fillColor": SETTLEMENT["colour"], "fillOpacity": SETTLEMENT["opacity"]}
    attribution = esc(CREDITS["settlements"])
    layer = CanvasPoints(points, list(places), name=name, attribution=attribution, style=style, show=show)
    logger.info("settlements layer: %d points", layer.count)
    return layer.add_to(m)
