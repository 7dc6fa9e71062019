"""Security and access events (``layers.events()``) as a toggleable map layer, off by default.

Each event is a small circle at its named place, with a popup (date, place, type, actor,
fatalities as reported, description, sources) whose every string is escaped here and whose links
are http(s) only (:func:`maps.popups.link`). Events without a point are left out and counted in
the layer's name. The time control (:class:`maps.timeline.TimeControl`) shows the events **up to
the selected date** (``date <= step date``): none before the withdrawal, all 64 at its end.
"""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.utilities import JsCode

from minusma.geo.i18n import DEFAULT_LANG, date_text, term, text
from minusma.maps._geojson import data_layer, feature_collection
from minusma.maps.popups import esc, is_missing, link, name_html, quoted, quoted_html, table
from minusma.maps.style import CREDITS, EVENT

__all__ = ["add_events", "located"]

_MARKER = JsCode(
    "function(feature, latlng) { return L.circleMarker(latlng, feature.properties.style); }"
)


def located(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``gdf`` that have a point (the ones the map can draw)."""
    return gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]


def _fatalities(value, lang: str) -> str:
    return text("event.unknown", lang) if is_missing(value) else str(int(value))


def add_events(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANG,
    show: bool = False,
) -> folium.GeoJson:
    """Add the events with a point as circles (layer off unless ``show``); popups escaped.

    Parameters
    ----------
    m
        The map.
    gdf
        Rows in the schema of ``layers.events()`` (``event_id, date, place, event_type, actor,
        fatalities, description, source, source_2, confidence``).
    lang
        Language of the layer name and the popup's labels; data values stay as sourced.
    show
        Whether the layer is on when the page opens.

    Returns
    -------
    folium.GeoJson
        The layer; each feature's ``date`` property (ISO) is what the time control filters on.
    """
    points = located(gdf)
    style = {
        "radius": EVENT["radius_px"],
        "color": EVENT["outline"],
        "weight": 1,
        "fillColor": EVENT["colour"],
        "fillOpacity": EVENT["fill_opacity"],
        "className": "minusma-event",
    }

    def t(key: str) -> str:
        return text(f"event.{key}", lang)

    def props(row):
        date = str(row["date"])[:10]
        kind = term("event_type", row["event_type"], lang)
        day = date_text(date, lang)
        return {
            "id": row["event_id"],
            "date": date,
            "style": style,
            "tooltip": f"{esc(day)}: {name_html(row['place'])} ({esc(kind)})",
            "popup": table(
                f"{day}: {row['place']}",
                [
                    (t("date"), f"{day} ({term('date_precision', row['date_precision'], lang)})"),
                    (t("place"), row["place"]),
                    (t("type"), kind),
                    (t("actor"), quoted(row["actor"])),
                    (t("fatalities"), _fatalities(row["fatalities"], lang)),
                    (t("description"), quoted(row["description"])),
                    (t("confidence"), term("confidence", row["confidence"], lang)),
                    (t("point"), quoted(row["coord_source"])),
                ],
                raw=[
                    (t("source"), link(row["source"], t("source"))),
                    (t("source_2"), link(row["source_2"], t("source_2"))),
                ],
            ),
        }

    name = text("layer.events", lang, n=len(points), m=len(gdf), skipped=len(gdf) - len(points))
    layer = data_layer(
        feature_collection(points, props),
        name=name,
        show=show,
        point_to_layer=_MARKER,
        attribution=quoted_html(CREDITS["events"]),
    )
    return layer.add_to(m)
