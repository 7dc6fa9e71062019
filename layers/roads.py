"""Road links between towns: published lengths where found, schematic straight-segment geometry."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import linestrings

from geo._validate import Column, Schema
from geo.distance import geodesic_km
from layers._common import GEOMETRY_KIND, SOURCE, finish
from layers._files import read_facts
from layers.registry import LayerInfo
from layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = ["INFOS", "SCHEMA", "detour_factor", "roads"]

ROLES = ("edge", "aggregate", "alternative")
LENGTH_METHODS = ("published", "calibrated", "estimate", "straight_line", "unknown")

SCHEMA = Schema(
    id_column="road_id",
    geometry_types=("LineString",),
    columns=(
        Column("road_id", "string", "stable id road-<from>--<to>", nullable=False, unique=True),
        Column("route", "string", "route number or kind as the sources give it", nullable=False),
        Column("from_town", "string", "start place as named in the source", nullable=False),
        Column("to_town", "string", "end place as named in the source", nullable=False),
        Column("from_town_id", "string", "start town id (towns layer)"),
        Column("to_town_id", "string", "end town id (towns layer); null for a border point"),
        Column(
            "role",
            "string",
            "edge of the network, aggregate of edges (calibration only) or "
            "alternative representation of a corridor (not in the network)",
            nullable=False,
            choices=ROLES,
        ),
        Column(
            "aggregate_id",
            "string",
            "for an edge: the aggregate row whose published length covers it",
        ),
        Column(
            "road_class",
            "string",
            "paved, unpaved, track or unverified (from the surface detail)",
            nullable=False,
            choices=("paved", "unpaved", "track", "unverified"),
        ),
        Column(
            "ferry_crossing", "bool", "the link includes a Niger ferry crossing", nullable=False
        ),
        Column("length_km", "float", "length used by the analysis (see length_method)"),
        Column(
            "length_method",
            "string",
            "published; calibrated (share of a published aggregate length, "
            "in proportion to straight lines); estimate (straight line x detour factor); "
            "straight_line (published figure shorter than the straight line); unknown",
            nullable=False,
            choices=LENGTH_METHODS,
        ),
        Column("length_km_published", "float", "published road length"),
        Column("length_km_straight", "float", "geodesic straight line between the town points"),
        Column("length_note", "string", "what the sources say about the length"),
        Column("surface_detail", "string", "surface as the sources describe it"),
        Column("notes", "string", "notes"),
        SOURCE,
        Column("source_type", "string", "kind of source"),
        Column("source_2", "string", "second source"),
        GEOMETRY_KIND,
        Column(
            "geometry",
            "geometry",
            "straight segment between the two town points (schematic); "
            "null where an end has no sourced coordinate",
        ),
    ),
)

INFOS = {
    "roads": LayerInfo(
        name="roads",
        title="Road links between towns (schematic)",
        description=(
            "Road segments of the national routes (RN3, RN6, RN11-RN16, RN20, RN32, RN33, RN39), "
            "the trans-Saharan branch, the Gao-Niamey road, desert tracks and local links, "
            "between towns. Geometry is a straight segment between the town points: SCHEMATIC, "
            "not the road's course. Rows with role 'aggregate' restate a chain of edges (for "
            "calibration); 'alternative' rows are another representation of a corridor. Only role "
            "'edge' forms the network."
        ),
        licence="facts compiled by the project from the cited sources (CC BY 4.0 for the "
        "compilation)",
        attribution="minusma-exposure contributors; sources named per row",
        sources=("layers/data/roads.csv (from shared/reference/roads.csv and its Graph notes)",),
        geometry_kind="schematic",
        schema=SCHEMA,
        caveats=(
            "Geometry is schematic: straight lines between towns.",
            (
                "Most segments have no published length. Where a published length covers a chain "
                "of segments (an aggregate row, e.g. RN16 Sévaré-Gao 520 km), it is shared among "
                "them in proportion to their straight lines ('calibrated'); otherwise length_km "
                "is an estimate, the straight line times the median ratio of published length to "
                "straight line over the segments that have both."
            ),
            (
                "Surface classes rest on the sources' wording; 'unverified' means no source "
                "described the surface."
            ),
        ),
    )
}


def detour_factor(frame: pd.DataFrame) -> float:
    """Median ratio of published length to straight-line length over network edges with both.

    Only edges whose published length is not shorter than the straight line count (a shorter one
    is a rounded figure).
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
