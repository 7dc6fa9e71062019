"""Road links between towns: published lengths where found, schematic straight-segment geometry."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import linestrings

from minusma.geo.distance import geodesic_km
from minusma.layers._common import finish
from minusma.layers._files import read_facts
from minusma.layers.registry import get_info
from minusma.layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = ["SCHEMA", "detour_factor", "roads"]


SCHEMA = get_info("roads").schema


def detour_factor(frame: pd.DataFrame) -> float:
    """Median ratio of published length to straight-line length over network edges with both.

    Only edges whose published length is not shorter than the straight line count (a shorter one
    is a rounded figure).

    Parameters
    ----------
    frame
        Road rows with ``role``, ``length_km_published`` and ``length_km_straight``.

    Returns
    -------
    float
        The median ratio (1 or more) used to estimate unpublished lengths.
    """
    ok = (
        (frame["role"] == "edge")
        & frame["length_km_published"].notna()
        & frame["length_km_straight"].notna()
    )
    ratio = frame.loc[ok, "length_km_published"] / frame.loc[ok, "length_km_straight"]
    ratio = ratio[ratio >= 1.0]
    return float(np.median(ratio))


def _calibrate_to_aggregates(raw: pd.DataFrame) -> None:
    """Share each aggregate's published length among its member edges that lack one (in place).

    The remainder (aggregate length minus published member lengths) is split in proportion to the
    members' straight lines. A chain whose share would make any member shorter than its straight
    line is left as estimated, and logged.
    """
    by_id = raw.set_index("road_id")
    for agg_id, members in raw[raw["aggregate_id"].notna()].groupby("aggregate_id"):
        total = by_id.at[agg_id, "length_km_published"]
        if pd.isna(total):
            continue
        fixed = members["length_method"].isin(["published", "straight_line"])
        free = members[~fixed]
        if free.empty or free["length_km_straight"].isna().any():
            continue
        remainder = total - members.loc[fixed, "length_km"].sum()
        share = remainder * free["length_km_straight"] / free["length_km_straight"].sum()
        if (share < free["length_km_straight"]).any():
            logger.info(
                "roads: aggregate %s (%s km) is shorter than its members' straight lines; "
                "members keep their estimates",
                agg_id,
                total,
            )
            continue
        raw.loc[free.index, "length_km"] = share.round(1)
        raw.loc[free.index, "length_method"] = "calibrated"


def roads() -> gpd.GeoDataFrame:
    """Road links as a GeoDataFrame in EPSG:4326 (schema :data:`SCHEMA`).

    ``length_km`` is the published length where there is one (and it is not shorter than the
    straight line between the towns); else the edge's share of a published aggregate length
    (``calibrated``); otherwise the straight line times :func:`detour_factor`, marked
    ``length_method = "estimate"``. Links whose ends lack a sourced coordinate keep a null
    geometry and length, and are logged.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per road link, with ``length_km`` and ``length_method``.
    """
    raw = read_facts("roads.csv", floats=("length_km_published",), bools=("ferry_crossing",))
    raw = raw.rename(columns={"source_url": "source", "source_url_2": "source_2"})
    pts = load_towns().set_index("town_id").geometry
    start = raw["from_town_id"].map(pts)
    end = raw["to_town_id"].map(pts)
    has = start.notna() & end.notna()
    x0 = start[has].map(lambda p: p.x).to_numpy(float)
    y0 = start[has].map(lambda p: p.y).to_numpy(float)
    x1 = end[has].map(lambda p: p.x).to_numpy(float)
    y1 = end[has].map(lambda p: p.y).to_numpy(float)
    straight = pd.Series(np.nan, index=raw.index)
    straight[has] = geodesic_km(x0, y0, x1, y1)
    raw["length_km_straight"] = straight.round(3)
    factor = detour_factor(raw)
    published = raw["length_km_published"]
    usable = published.notna() & ~(published < raw["length_km_straight"])
    too_short = published.notna() & (published < raw["length_km_straight"])
    raw["length_method"] = np.select(
        [usable, too_short, raw["length_km_straight"].notna()],
        ["published", "straight_line", "estimate"],
        "unknown",
    )
    raw["length_km"] = np.select(
        [usable, too_short, raw["length_km_straight"].notna()],
        [published, raw["length_km_straight"], (raw["length_km_straight"] * factor).round(1)],
        np.nan,
    )
    _calibrate_to_aggregates(raw)
    geoms = [None] * len(raw)
    lines = linestrings(np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1))
    for pos, line in zip(np.flatnonzero(has.to_numpy()), lines):
        geoms[pos] = line
    raw["geometry_kind"] = "schematic"
    gdf = finish(gpd.GeoDataFrame(raw, geometry=geoms, crs="EPSG:4326"), SCHEMA, name="roads")
    gdf.attrs["detour_factor"] = factor
    no_geom = gdf.loc[gdf.geometry.isna(), "road_id"].tolist()
    if no_geom:
        logger.info(
            "roads: %d link(s) without a sourced end point, kept without geometry: %s",
            len(no_geom),
            ", ".join(no_geom),
        )
    return gdf
