"""The gazetteer: every place the other layers name, plus every region and cercle seat of 2023."""

from __future__ import annotations

import logging

import geopandas as gpd

from minusma.geo.names import ascii_name
from minusma.layers._common import finish, point_frame
from minusma.layers._files import read_facts
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = ["HUB_ID", "SCHEMA", "towns"]

#: The capital, Bamako: the hub of the road indicators (its id in the gazetteer).
HUB_ID = "ml-bamako"

SCHEMA = get_info("towns").schema


def towns() -> gpd.GeoDataFrame:
    """The gazetteer of places, in EPSG:4326 (schema :data:`SCHEMA`).

    Places without a sourced coordinate are kept with a null geometry and
    ``has_coordinate = False``; their number is logged.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place, sorted by ``town_id``, with ``name_ascii`` and ``source``.
    """
    raw = read_facts("towns.csv", floats=("lat", "lon"), ints=("population", "population_year"))
    raw = raw.rename(columns={"coord_source_ref": "source"})
    raw["name_ascii"] = raw["name"].map(ascii_name)
    raw["has_coordinate"] = raw["lat"].notna() & raw["lon"].notna()
    raw["source"] = raw["source"].fillna("no sourced coordinate found; see notes")
    raw["geometry_kind"] = "real"
    gdf = finish(point_frame(raw), SCHEMA, name="towns")
    missing = int((~gdf["has_coordinate"]).sum())
    if missing:
        logger.info(
            "towns: %d of %d places have no sourced coordinate (kept without geometry)",
            missing,
            len(gdf),
        )
    return gdf
