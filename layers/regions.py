"""Mali's regions (Natural Earth 10m admin-1, public domain), the 2023 central zone marked."""

from __future__ import annotations

import json

import geopandas as gpd

from minusma.layers._common import finish
from minusma.layers._files import data_file
from minusma.layers.registry import get_info

__all__ = ["CENTRAL_REGIONS_2023", "FILE", "SCHEMA", "regions"]

FILE = "regions_ne10m.geojson"

#: The central regions of the 2023 stabilisation strategy (Crisis Group, June 2023).
CENTRAL_REGIONS_2023 = ("Mopti", "Ségou", "San", "Bandiagara", "Douentza")

SCHEMA = get_info("regions").schema


def _file_metadata() -> dict:
    with open(data_file(FILE), encoding="utf-8") as fh:
        return json.load(fh).get("metadata", {})


def regions() -> gpd.GeoDataFrame:
    """Region polygons (schema :data:`SCHEMA`), shipped with the package.

    Returns
    -------
    geopandas.GeoDataFrame
        The pre-2016 regions in EPSG:4326, with ``in_central_zone``; ``attrs["metadata"]`` holds
        the file's source metadata.
    """
    gdf = gpd.read_file(data_file(FILE), engine="pyogrio")
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    gdf["ne_id"] = gdf["ne_id"].astype("int64")
    gdf["in_central_zone"] = gdf["in_central_zone"].astype("bool")
    for col in gdf.columns:
        if col not in ("geometry", "ne_id", "in_central_zone"):
            gdf[col] = gdf[col].astype("str").where(gdf[col].notna())
    gdf.attrs["metadata"] = _file_metadata()
    return finish(gdf, SCHEMA, name="regions")
