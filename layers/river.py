"""The Niger through Mali: a schematic course through the ordered riverside towns, by reach."""

from __future__ import annotations

from typing import TypedDict

import geopandas as gpd
from shapely import LineString

from minusma.geo.distance import geometry_length_km
from minusma.layers._common import finish
from minusma.layers._files import read_facts
from minusma.layers.registry import get_info
from minusma.layers.towns import towns as load_towns

__all__ = ["NAVIGATION_SOURCE", "PLACES_SCHEMA", "RIVER_SCHEMA", "river", "river_places"]

#: Logistics Cluster capacity assessment, Mali waterways: navigable reach, season, length.
NAVIGATION_SOURCE = "https://dlca.logcluster.org/pages/viewpage.action?pageId=851981"

#: The facts of one reach (``from``/``to`` are ``town_id`` values of river_places.csv).
Reach = TypedDict(
    "Reach",
    {
        "from": str,
        "to": str,
        "name": str,
        "navigable": bool | None,
        "season": str | None,
        "length_km_published": float | None,
        "note": str,
        "source": str,
    },
)

#: Facts per reach; a reach runs from its first to its last place in river_places.csv.
REACHES: dict[str, Reach] = {
    "upper": {
        "from": "ml-bamako",
        "to": "ml-koulikoro",
        "name": "Upper Niger in Mali (Bamako to Koulikoro)",
        "navigable": False,
        "season": None,
        "length_km_published": None,
        "note": "Not navigable between Bamako and Koulikoro (Sotuba and Kenié rapids); the reach "
        "upstream of "
        "Bamako (from Guinea) is navigable at high water but is not drawn (no places with points).",
        "source": NAVIGATION_SOURCE,
    },
    "navigable": {
        "from": "ml-koulikoro",
        "to": "ml-gao",
        "name": "Navigable middle Niger (Koulikoro to Gao)",
        "navigable": True,
        "season": "late July to January (COMANAV season; shorter in low-water years)",
        "length_km_published": 1308.0,
        "note": "1,308 km per the Logistics Cluster (variants: 1,380 km Koulikoro-Gao; "
        "1,450 km Bamako-Gao). "
        "Lake Débo and the Inner Delta lakes are not drawn (no sourced places).",
        "source": NAVIGATION_SOURCE,
    },
    "lower": {
        "from": "ml-gao",
        "to": "ml-labbezanga",
        "name": "Niger downstream of Gao (Gao to Labbezanga)",
        "navigable": None,
        "season": None,
        "length_km_published": None,
        "note": "Navigation below Gao is not described in the sources gathered "
        "(unknown, not assumed).",
        "source": "shared/reference/river.md (ordered places)",
    },
}

RIVER_SCHEMA = get_info("river").schema

PLACES_SCHEMA = get_info("river_places").schema


def river_places() -> gpd.GeoDataFrame:
    """Ordered riverside places with their reach (schema :data:`PLACES_SCHEMA`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place in downstream ``order``, with the town's point as geometry.
    """
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

    Returns
    -------
    geopandas.GeoDataFrame
        One row per reach of :data:`REACHES`, with its published and schematic lengths (km).
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
