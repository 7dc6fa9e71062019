"""The Niger through Mali: a schematic course through the ordered riverside towns, by reach."""

from __future__ import annotations

import geopandas as gpd
from shapely import LineString

from geo._validate import Column, Schema
from geo.distance import geometry_length_km
from layers._common import GEOMETRY_KIND, SOURCE, finish
from layers._files import read_facts
from layers.registry import LayerInfo
from layers.towns import towns as load_towns

__all__ = ["INFOS", "NAVIGATION_SOURCE", "PLACES_SCHEMA", "RIVER_SCHEMA", "river", "river_places"]

#: Logistics Cluster capacity assessment, Mali waterways: navigable reach, season, length.
NAVIGATION_SOURCE = "https://dlca.logcluster.org/pages/viewpage.action?pageId=851981"

#: Facts per reach; a reach runs from its first to its last place in river_places.csv.
REACHES = {
    "upper": {
        "from": "ml-bamako",
        "to": "ml-koulikoro",
        "name": "Upper Niger in Mali (Bamako to Koulikoro)",
        "navigable": False,
        "season": None,
        "length_km_published": None,
        "note": "Not navigable between Bamako and Koulikoro (Sotuba and Kenié rapids); the reach "
        "upstream of Bamako (from Guinea) is navigable at high water but is not drawn (no "
        "places with points).",
        "source": NAVIGATION_SOURCE,
    },
    "navigable": {
        "from": "ml-koulikoro",
        "to": "ml-gao",
        "name": "Navigable middle Niger (Koulikoro to Gao)",
        "navigable": True,
        "season": "late July to January (COMANAV season; shorter in low-water years)",
        "length_km_published": 1308.0,
        "note": "1,308 km per the Logistics Cluster (variants: 1,380 km Koulikoro-Gao; 1,450 km "
        "Bamako-Gao). Lake Débo and the Inner Delta lakes are not drawn (no sourced "
        "places).",
        "source": NAVIGATION_SOURCE,
    },
    "lower": {
        "from": "ml-gao",
        "to": "ml-labbezanga",
        "name": "Niger downstream of Gao (Gao to Labbezanga)",
        "navigable": None,
        "season": None,
        "length_km_published": None,
        "note": "Navigation below Gao is not described in the sources gathered (unknown, not "
        "assumed).",
        "source": "shared/reference/river.md (ordered places)",
    },
}

RIVER_SCHEMA = Schema(
    id_column="reach_id",
    geometry_types=("LineString",),
    columns=(
        Column("reach_id", "string", "upper, navigable or lower", nullable=False, unique=True),
        Column("name", "string", "reach name", nullable=False),
        Column("navigable", "bool", "COMANAV-navigable reach (null = not described)"),
        Column("season", "string", "navigation season"),
        Column("length_km_published", "float", "published navigable length"),
        Column(
            "length_km_schematic",
            "float",
            "geodesic length of the schematic line (shorter than the river)",
            nullable=False,
        ),
        Column(
            "places", "string", "ordered town ids the line passes, ';'-separated", nullable=False
        ),
        Column("note", "string", "caveats"),
        SOURCE,
        GEOMETRY_KIND,
        Column(
            "geometry",
            "geometry",
            "schematic line through the ordered riverside town points",
            nullable=False,
        ),
    ),
)

PLACES_SCHEMA = Schema(
    id_column="town_id",
    geometry_types=("Point",),
    columns=(
        Column("town_id", "string", "town id (towns layer)", nullable=False, unique=True),
        Column(
            "order",
            "int",
            "position from upstream (Guinea) to downstream (Niger)",
            nullable=False,
            unique=True,
        ),
        Column("place", "string", "place name", nullable=False),
        Column(
            "reach", "string", "upper, navigable or lower", nullable=False, choices=tuple(REACHES)
        ),
        Column(
            "line_vertex", "bool", "whether the schematic line passes through it", nullable=False
        ),
        Column("bank_or_role", "string", "bank or role on the river", nullable=False),
        SOURCE,
        GEOMETRY_KIND,
        Column("geometry", "geometry", "town point", nullable=False),
    ),
)

_CREDIT = {
    "licence": (
        "facts compiled by the project from the cited sources (CC BY 4.0 for the compilation)"
    ),
    "attribution": "minusma-exposure contributors; Logistics Cluster; sources named per row",
}

INFOS = {
    "river": LayerInfo(
        name="river",
        title="The Niger through Mali (schematic, by reach)",
        description="The Niger as three reaches (upper, navigable Koulikoro-Gao, lower), each a "
        "SCHEMATIC line through the ordered riverside towns; season and published "
        "length of the navigable reach.",
        sources=(
            "layers/data/river_places.csv (from shared/reference/river.md)",
            NAVIGATION_SOURCE,
        ),
        geometry_kind="schematic",
        schema=RIVER_SCHEMA,
        caveats=(
            (
                "The line joins town points; it is not the river's course and is shorter than the "
                "river."
            ),
        ),
        **_CREDIT,
    ),
    "river_places": LayerInfo(
        name="river_places",
        title="Riverside places of the Niger, upstream to downstream",
        description="Ordered riverside towns and ports with their reach and role on the river.",
        sources=("layers/data/river_places.csv (from shared/reference/river.md)",),
        geometry_kind="real",
        schema=PLACES_SCHEMA,
        **_CREDIT,
    ),
}


def river_places() -> gpd.GeoDataFrame:
    """Ordered riverside places with their reach (schema :data:`PLACES_SCHEMA`)."""
    raw = read_facts("river_places.csv", ints=("order",), bools=("line_vertex",))
    raw = raw.rename(columns={"source_url": "source"})
    raw["source"] = raw["source"].fillna("shared/reference/river.md (order by geography only)")
    pts = load_towns().set_index("town_id").geometry
    raw["geometry_kind"] = "real"
    gdf = gpd.GeoDataFrame(raw, geometry=raw["town_id"].map(pts).tolist(), crs="EPSG:4326")
    return finish(gdf, PLACES_SCHEMA, name="river_places")


def river() -> gpd.GeoDataFrame:
    """The Niger as schematic reaches (schema :data:`RIVER_SCHEMA`).

    Each reach's line runs through its places in order, from its first to its last place; the
    reaches share their end places (Koulikoro, Gao), so they join.
    """
    places = river_places().sort_values("order")
    places = places[places["line_vertex"]]
    rows = []
    order = places.set_index("town_id")["order"]
    for reach_id, facts in REACHES.items():
        lo, hi = order[facts["from"]], order[facts["to"]]
        part = places[(places["order"] >= lo) & (places["order"] <= hi)]
        line = LineString([(p.x, p.y) for p in part.geometry])
        rows.append(
            {
                "reach_id": reach_id,
                "name": facts["name"],
                "navigable": facts["navigable"],
                "season": facts["season"],
                "length_km_published": facts["length_km_published"],
                "length_km_schematic": round(geometry_length_km(line), 3),
                "places": ";".join(part["town_id"]),
                "note": facts["note"],
                "source": facts["source"],
                "geometry_kind": "schematic",
                "geometry": line,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    gdf["navigable"] = gdf["navigable"].astype("boolean")
    gdf["length_km_published"] = gdf["length_km_published"].astype("float64")
    return finish(gdf, RIVER_SCHEMA, name="river")
