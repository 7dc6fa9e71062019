"""Helpers shared by the layer loaders."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from shapely import points

from minusma.geo._validate import Schema, validate_frame
from minusma.geo.crs import WGS84
from minusma.geo.exposure.params import parse_iso_date
from minusma.layers.mission import MISSION

__all__ = ["finish", "parse_date", "point_frame"]


def point_frame(frame: pd.DataFrame, *, lon: str = "lon", lat: str = "lat") -> gpd.GeoDataFrame:
    """GeoDataFrame of points from lon/lat columns; rows without a coordinate get no geometry.

    Parameters
    ----------
    frame
        Rows with longitude and latitude columns (degrees).
    lon
        The longitude column (dropped from the result).
    lat
        The latitude column (dropped from the result).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows as points in EPSG:4326.
    """
    has = frame[lon].notna() & frame[lat].notna()
    geom = [None] * len(frame)
    pts = points(frame.loc[has, lon].to_numpy(), frame.loc[has, lat].to_numpy())
    for i, p in zip(frame.index[has].map(frame.index.get_loc), pts):
        geom[i] = p
    return gpd.GeoDataFrame(frame.drop(columns=[lon, lat]), geometry=geom, crs=WGS84)


def finish(gdf: gpd.GeoDataFrame, schema: Schema, *, name: str) -> gpd.GeoDataFrame:
    """Order columns as declared, index by nothing in particular, validate, return.

    Parameters
    ----------
    gdf
        A layer as its loader built it.
    schema
        The layer's schema (:func:`layers.registry.get_info`).
    name
        The layer's name in error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in schema column order, sorted by its id column, in EPSG:4326.

    Raises
    ------
    SchemaError
        Listing every way the layer breaks its schema.
    """
    gdf = (
        gdf[[*schema.names]].copy()
        if "geometry" in schema.names
        else gdf[[*schema.names, "geometry"]].copy()
    )
    gdf = (
        gpd.GeoDataFrame(gdf, geometry="geometry", crs=WGS84)
        .sort_values(schema.id_column)
        .reset_index(drop=True)
    )
    validate_frame(gdf, schema, name=name)
    return gdf


def parse_date(value: str | dt.date | None, *, name: str = "as_of") -> dt.date | None:
    """Parse an ISO date and check it lies in the mission's years; ``None`` passes.

    Parameters
    ----------
    value
        An ISO date, a date or None.
    name
        The argument's name in the error message.

    Returns
    -------
    datetime.date or None
        The date; None for None.

    Raises
    ------
    ParameterError
        Not an ISO date, or outside the mission's years.
    """
    if value is None:
        return None
    return parse_iso_date(value, name=name, period=MISSION)
