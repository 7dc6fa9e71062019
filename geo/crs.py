"""Coordinate reference systems: the package's one geographic CRS and local metric ones."""

from __future__ import annotations

import geopandas as gpd
from pyproj import CRS

from minusma.geo._errors import SchemaError

#: Every layer and export is in WGS84 longitude/latitude (RFC 7946 order).
WGS84 = CRS.from_epsg(4326)

__all__ = ["WGS84", "local_metric_crs", "to_wgs84"]


def to_wgs84(gdf: gpd.GeoDataFrame, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326, reprojecting if needed.

    Parameters
    ----------
    gdf
        Any layer with a CRS.
    name
        The layer's name in the error message.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` itself when already in EPSG:4326, else a reprojected copy.

    Raises
    ------
    SchemaError
        If ``gdf`` has no CRS: a guess would silently misplace every feature.
    """
    if gdf.crs is None:
        raise SchemaError(
            f"{name} has no CRS; set one first, e.g. gdf.set_crs('EPSG:4326') for lon/lat degrees"
        )
    if CRS.from_user_input(gdf.crs).equals(WGS84):
        return gdf
    return gdf.to_crs(WGS84)


def local_metric_crs(gdf: gpd.GeoDataFrame) -> CRS:
    """The UTM zone CRS best suited to ``gdf``'s extent (for buffers and planar geometry only).

    Parameters
    ----------
    gdf
        A layer with a CRS (reprojected to EPSG:4326 to find its extent).

    Returns
    -------
    pyproj.CRS
        The UTM zone (WGS 84) of the layer's extent.
    """
    return to_wgs84(gdf).estimate_utm_crs()
