"""Build the GeoJSON layers of the map: compact features with pre-escaped popup/tooltip HTML."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import folium
import geopandas as gpd
from folium.utilities import JsCode
from shapely.geometry import mapping

__all__ = ["BIND_POPUPS", "DISPLAY_DECIMALS", "data_layer", "feature_collection"]

#: Decimal places of displayed coordinates (~1 m); exports keep 6 (geo.io).
DISPLAY_DECIMALS = 5

#: Bind each feature's pre-escaped ``popup`` and ``tooltip`` HTML; ``label`` makes the tooltip
#: permanent.
BIND_POPUPS = JsCode(
    """function(feature, layer) {
        var p = feature.properties;
        if (p.popup) {
            layer.bindPopup(p.popup, {maxWidth: Math.min(380, window.innerWidth - 70),
                                      maxHeight: Math.min(360,
                                                          Math.round(window.innerHeight * 0.5))});
        }
        if (p.tooltip) {
            layer.bindTooltip(p.tooltip, p.label
                ? {permanent: true, direction: "center", className: "minusma-label"}
                : {sticky: true});
        }
    }"""
)


def _round(obj: Any, decimals: int) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_round(o, decimals) for o in obj]
    return obj


def feature_collection(
    gdf: gpd.GeoDataFrame,
    properties: Callable[[Any], Mapping[str, Any]],
    *,
    simplify_deg: float | None = None,
    decimals: int = DISPLAY_DECIMALS,
) -> dict[str, Any]:
    """A FeatureCollection of the rows with a geometry, with ``properties(row)`` per feature.

    ``simplify_deg`` simplifies geometry for display only (Douglas-Peucker, topology kept).

    Parameters
    ----------
    gdf
        The rows to draw (EPSG:4326).
    properties
        Gives the properties of a row's feature.
    simplify_deg
        Douglas-Peucker tolerance in degrees (display only); None: exact geometry.
    decimals
        Coordinate decimals kept.

    Returns
    -------
    dict
        The GeoJSON FeatureCollection; rows without a geometry are left out.
    """
    feats = []
    for _, row in gdf.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        if simplify_deg:
            geom = geom.simplify(simplify_deg, preserve_topology=True)
        gj = mapping(geom)
        feats.append(
            {
                "type": "Feature",
                "properties": dict(properties(row)),
                "geometry": {
                    "type": gj["type"],
                    "coordinates": _round(gj["coordinates"], decimals),
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def data_layer(
    fc: Mapping[str, Any],
    *,
    name: str,
    show: bool = True,
    style: JsCode | None = None,
    point_to_layer: JsCode | None = None,
    attribution: str | None = None,
    control: bool = True,
    interactive: bool = True,
    pane: str | None = None,
) -> folium.GeoJson:
    """A ``folium.GeoJson`` that styles features from their properties and binds their HTML.

    ``attribution`` is HTML built from trusted strings (escaped by the caller); Leaflet shows it
    while the layer is on the map.

    Parameters
    ----------
    fc
        The FeatureCollection (:func:`feature_collection`).
    name
        The layer's name in the layer control.
    show
        Show the layer when the map opens.
    style
        Leaflet ``style`` function (e.g. one reading each feature's ``style`` property); None:
        Leaflet's default path style.
    point_to_layer
        Leaflet ``pointToLayer`` function for point features.
    attribution
        The credit shown while the layer is on the map.
    control
        List the layer in the layer control.
    interactive
        Bind the features' popups and tooltips, and let them take clicks.
    pane
        The map pane to draw in; None: Leaflet's default.

    Returns
    -------
    folium.GeoJson
        The layer, not yet added to a map.
    """
    options: dict[str, Any] = {}
    if style is not None:
        options["style"] = style
    if point_to_layer is not None:
        options["pointToLayer"] = point_to_layer
    if attribution:
        options["attribution"] = attribution
    if not interactive:
        options["interactive"] = False
    if pane:
        options["pane"] = pane
    return folium.GeoJson(
        dict(fc),
        name=name,
        show=show,
        control=control,
        on_each_feature=BIND_POPUPS if interactive else None,
        **options,
    )
