"""Coordinate reference systems: the package's one geographic CRS and local metric ones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from minusma.geo._errors import ParameterError, SchemaError

#: Every layer and export is in WGS84 longitude/latitude (RFC 7946 order).
WGS84 = CRS.from_epsg(4326)

__all__ = ["WGS84", "local_metric_crs", "lonlat_frame", "to_wgs84"]


def to_wgs84(gdf: gpd.GeoDataFrame, *, name: str = "layer") -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326, reprojecting if needed.

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


def lonlat_frame(frame: object, *, name: str, id_column: str | None = None) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 with every coordinate a real longitude/latitude, or one error.

    The one check of the frames users hand to the API (queries, maps): a frame in another CRS is
    reprojected; one without a CRS is refused (a guess would misplace every feature); a NaN or
    infinite coordinate, or one outside [-180, 180] x [-90, 90], is refused naming its row. Rows
    without a geometry (or with an empty one) are kept: the location is unknown, not wrong.

    Parameters
    ----------
    frame
        The user's GeoDataFrame.
    name
        The argument's name, for messages.
    id_column
        The column naming rows in messages (default: the index).

    Returns
    -------
    geopandas.GeoDataFrame
        ``frame`` itself when already in EPSG:4326, else a reprojected copy.

    Raises
    ------
    ParameterError
        Not a GeoDataFrame, no CRS, or a bad coordinate (naming the row and the fix).
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ParameterError(
            f"{name} must be a GeoDataFrame, got {type(frame).__name__}; read one with "
            "geopandas.read_file or build one with geopandas.GeoDataFrame(..., crs='EPSG:4326')"
        )
    if frame.crs is None:
        raise ParameterError(
            f"{name} has no CRS; set it, e.g. {name}.set_crs('EPSG:4326') for lon/lat degrees"
        )
    out = to_wgs84(frame, name=name)
    geoms = np.asarray(out.geometry.values)
    coords, index = shapely.get_coordinates(geoms, include_z=False, return_index=True)
    finite = np.isfinite(coords).all(axis=1)
    inside = finite & (np.abs(coords[:, 0]) <= 180) & (np.abs(coords[:, 1]) <= 90)
    # a point with NaN coordinates is "empty" to shapely: name it too
    nan_points = np.flatnonzero(
        (shapely.get_type_id(geoms) == 0)
        & shapely.is_empty(geoms)
        & ~shapely.is_missing(geoms)
        & np.isnan(shapely.get_x(geoms))
    )
    bad_rows = sorted(set(index[~inside].tolist()) | set(nan_points.tolist()))
    if bad_rows:
        row = bad_rows[0]
        label = out[id_column].iloc[row] if id_column and id_column in out else out.index[row]
        raise ParameterError(
            f"{name}: {len(bad_rows)} row(s) with a coordinate outside lon -180..180 / lat "
            f"-90..90 or not finite (first: row {label!r}); give longitude/latitude in degrees, "
            "x = longitude, or no geometry (None) where the location is unknown"
        )
    return out


def local_metric_crs(gdf: gpd.GeoDataFrame) -> CRS:
    """The UTM zone CRS best suited to ``gdf``'s extent (for buffers and planar geometry only)."""
    return to_wgs84(gdf).estimate_utm_crs()
