"""The forecast as a choropleth: units coloured by class, popups saying why (escaped)."""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.utilities import JsCode

from minusma.layers.styles import read_styles
from minusma.maps._geojson import data_layer, feature_collection
from minusma.maps.i18n import DEFAULT_LANG
from minusma.maps.popups import esc, table

__all__ = ["CLASS_COLOURS", "add_forecast"]

#: Fill colour by forecast class (ColorBrewer RdBu, red end: most events expected), from the
#: package's one style table (``layers/data/styles.json``, also the QGIS export's).
CLASS_COLOURS = dict(read_styles()["forecast_colours"])
#: Fill for units without a forecast.
NO_FORECAST = read_styles()["forecast_none"]
#: Display simplification of the unit polygons, degrees.
SIMPLIFY_DEG = 0.005

_LABELS = {
    "en": {
        "layer": "Forecast: events in the next {h} months ({model})",
        "predicted": "expected events",
        "range": "80 % range",
        "rank": "rank",
        "class": "class",
        "why": "why",
        "model": "model",
        "as_of": "from",
        "high": "high",
        "medium": "medium",
        "low": "low",
    },
    "fr": {
        "layer": "Prévision : événements des {h} prochains mois ({model})",
        "predicted": "événements attendus",
        "range": "fourchette à 80 %",
        "rank": "rang",
        "class": "classe",
        "why": "pourquoi",
        "model": "modèle",
        "as_of": "à partir de",
        "high": "élevée",
        "medium": "moyenne",
        "low": "faible",
    },
}

_STYLE = JsCode("function(feature) { return feature.properties.style; }")
#: Point units (towns, settlements) as small circles in their class colour.
_POINT = JsCode(
    "function(feature, latlng) { return L.circleMarker(latlng, feature.properties.style); }"
)
#: Radius of a point unit's circle, pixels.
POINT_RADIUS_PX = 4


def add_forecast(
    m: folium.Map, frame: gpd.GeoDataFrame, *, lang: str = DEFAULT_LANG, show: bool = True
) -> folium.GeoJson:
    """Add a forecast (from :func:`minusma.forecasting.forecast`) as a choropleth layer.

    Parameters
    ----------
    m
        The map.
    frame
        The forecast: ``unit_id, unit_name, predicted_events, predicted_low, predicted_high,
        rank, class, why`` and the unit polygons; ``attrs`` ``model``, ``as_of`` and
        ``horizon_months``.
    lang
        ``en`` or ``fr`` for labels (data values, such as unit names, stay as given).
    show
        Whether the layer is on when the map opens.

    Returns
    -------
    folium.GeoJson
        The layer, added to ``m``. Every string from the frame is escaped in its popups.
    """
    words = _LABELS.get(lang, _LABELS["en"])
    model = frame.attrs.get("model", "")
    as_of = frame.attrs.get("as_of", "")

    def props(row) -> dict:
        klass = row["class"] if isinstance(row["class"], str) else None
        colour = NO_FORECAST if klass is None else CLASS_COLOURS.get(klass, NO_FORECAST)
        low, high = row["predicted_low"], row["predicted_high"]
        return {
            "id": str(row["unit_id"]),
            "style": {
                "fillColor": colour,
                "color": "#555555",
                "weight": 0.6,
                "fillOpacity": 0.7,
                "radius": POINT_RADIUS_PX,
            },
            "tooltip": esc(f"{row['unit_name']}: {row['predicted_events']:.1f}"),
            "popup": table(
                row["unit_name"],
                [
                    (words["predicted"], f"{row['predicted_events']:.1f}"),
                    (words["range"], f"{low:.0f}–{high:.0f}" if low == low else None),
                    (words["rank"], row["rank"]),
                    (words["class"], words.get(klass, klass) if klass else None),
                    (words["why"], row["why"]),
                    (words["model"], model),
                    (words["as_of"], as_of),
                ],
            ),
        }

    fc = feature_collection(frame, props, simplify_deg=SIMPLIFY_DEG)
    name = words["layer"].format(h=frame.attrs.get("horizon_months", ""), model=model)
    layer = data_layer(fc, name=esc(name), show=show, style=_STYLE, point_to_layer=_POINT)
    layer.add_to(m)
    return layer
