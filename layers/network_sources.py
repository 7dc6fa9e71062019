"""The road network from every source at hand: shipped segments, flownet corridor figures, OSM ways.

:func:`merged_roads` returns one road-line frame that :func:`geo.exposure.access.road_graph`
accepts.

**Lengths: the shipped lengths are kept; the corridor figure is attached, not substituted.** Where a
shipped link has a published length, the corridors agree with it within 5 % (Bamako-Ségou 240.1 vs
240, Sévaré-Bandiagara 62.9 vs 63, Gao-Ansongo 98.4 vs 100), which confirms the published figures
but adds nothing to them. For the other links the corridor figure is itself an interpolation: the
OSRM distance of a whole corridor edge (exact) split in proportion to a town's position along a line
simplified to vertices 30-100 km apart (positional error 10-30 km between nodes). Its differences
from the shipped estimates (median about 6 %) are of the size of that error, except where the
corridor takes another road (flagged and not counted as covering the link). Swapping would trade one
approximation for another and mix two methods in one network, so every row keeps ``length_km`` and
``length_method`` and gains ``length_km_corridor``, ``corridor_difference_pct`` and
``corridor_note`` (see :mod:`layers.flownet`).

**OSM ways, when present, replace the shipped links they cover.** A real OSM extract follows the
roads; keeping a schematic segment beside the OSM ways of the same road would count one road as two
independent routes. So a shipped edge is dropped when both its towns lie within ``max_snap_km`` of
OSM nodes and the OSM route between those nodes is at most :data:`layers.flownet.MAX_ROUTE_RATIO`
times the straight line. The other shipped edges stay (gaps of the extract), each town they touch
joined to its nearest OSM node within ``max_snap_km`` by one straight ``connector-<town_id>`` line
of the class of the first kept segment (by road id) at that town.
"""

from __future__ import annotations

import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

import minusma.layers.flownet as flownet
from minusma.geo.distance import geodesic_km
from minusma.geo.exposure.access import road_graph, snap_places
from minusma.geo.exposure.params import DEFAULT_MAX_SNAP_KM
from minusma.geo.network import distances_from
from minusma.layers.datasets import DatasetMissingError, dataset_path
from minusma.layers.osm_roads import osm_roads
from minusma.layers.roads import roads as load_roads
from minusma.layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = ["attach_corridor_lengths", "combine_with_osm", "merged_roads"]


def attach_corridor_lengths(
    roads: gpd.GeoDataFrame, data_dir: str | os.PathLike | None = None
) -> gpd.GeoDataFrame:
    """The shipped links with the corridor figures as columns (``length_km`` unchanged).

    Adds ``length_km_corridor`` (NaN where not covered), ``corridor_difference_pct`` and
    ``corridor_note``. When the corridor dataset is absent the columns are null and a log line says
    so.

    Parameters
    ----------
    roads
        The shipped road links (:func:`layers.roads`).
    data_dir
        The data directory holding the corridor dataset (default ``$MINUSMA_DATA``).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``roads`` with the three corridor columns.
    """
    out = roads.copy()
    try:
        table = flownet.compare_with_segments(
            flownet.corridors(data_dir), roads, load_towns(), roles=tuple(roads["role"].unique())
        )
    except DatasetMissingError as exc:  # only an absent file; damaged ones fail
        logger.warning(
            "merged roads: flownet corridors not available (%s); corridor lengths not attached", exc
        )
        table = pd.DataFrame(columns=["road_id", "corridor_km", "difference_pct", "note"])
    table = table.set_index("road_id")
    out["length_km_corridor"] = out["road_id"].map(table["corridor_km"]).astype("float64")
    out["corridor_difference_pct"] = out["road_id"].map(table["difference_pct"]).astype("float64")
    out["corridor_note"] = out["road_id"].map(table["note"]).astype(object)
    return out


def _town_points(towns: gpd.GeoDataFrame) -> gpd.GeoSeries:
    return (
        towns.dropna(subset=[towns.geometry.name])
        .drop_duplicates("town_id")
        .set_index("town_id")
        .geometry
    )


def combine_with_osm(
    shipped: gpd.GeoDataFrame,
    osm: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
    *,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
) -> gpd.GeoDataFrame:
    """OSM ways plus the shipped edges they do not cover, joined by connectors.

    See the module docstring for how the networks are joined.

    Parameters
    ----------
    shipped
        The shipped road links.
    osm
        The OSM ways (:func:`layers.osm_roads.osm_roads`).
    towns
        The gazetteer: each shipped edge's ends are its towns, snapped to the OSM network.
    max_snap_km
        Farthest a town may lie from the OSM network to be joined to it.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of both (``network_source`` = ``osm``, ``shipped`` or ``connector``), role ``edge``
        only.
    """
    graph = road_graph(osm)
    pts = _town_points(towns)
    snapped = snap_places(graph, pts.x.to_numpy(), pts.y.to_numpy(), max_snap_km=max_snap_km)
    node = pd.Series(snapped["road_node"].to_numpy(), index=pts.index)
    edges = shipped[(shipped["role"] == "edge") & shipped.geometry.notna()]
    covered = np.zeros(len(edges), dtype=bool)
    for i, r in enumerate(edges.itertuples(index=False)):
        a, b = node.get(r.from_town_id, -1), node.get(r.to_town_id, -1)
        if a < 0 or b < 0:
            continue
        dist, _ = distances_from(
            graph, [a], limit=flownet.MAX_ROUTE_RATIO * r.length_km_straight + 2 * max_snap_km
        )
        straight = geodesic_km(
            pts[r.from_town_id].x, pts[r.from_town_id].y, pts[r.to_town_id].x, pts[r.to_town_id].y
        )
        covered[i] = (
            np.isfinite(dist[b])
            and dist[b] <= flownet.MAX_ROUTE_RATIO * max(float(straight), 1e-9) + 2 * max_snap_km
        )
    kept = edges[~covered].copy()
    logger.info(
        "merged roads: OSM covers %d of %d shipped edges; %d kept as gap fillers: %s",
        int(covered.sum()),
        len(edges),
        len(kept),
        ", ".join(kept["road_id"]),
    )
    kept["network_source"] = "shipped"
    connectors = []
    ends = pd.concat(
        [
            kept[["from_town_id", "road_id", "road_class"]].set_axis(
                ["town_id", "road_id", "road_class"], axis=1
            ),
            kept[["to_town_id", "road_id", "road_class"]].set_axis(
                ["town_id", "road_id", "road_class"], axis=1
            ),
        ]
    )
    for town_id, group in (
        ends.dropna(subset=["town_id"]).sort_values("road_id").groupby("town_id", sort=True)
    ):
        n = node.get(town_id, -1)
        if n < 0:
            continue
        p = pts[town_id]
        q = (graph.node_lon[n], graph.node_lat[n])
        if (p.x, p.y) == q:
            continue
        connectors.append(
            {
                "road_id": f"connector-{town_id}",
                "role": "edge",
                "road_class": group["road_class"].iloc[0],
                "from_town_id": town_id,
                "length_km": float(geodesic_km(p.x, p.y, q[0], q[1])),
                "length_method": "geodesic",
                "network_source": "connector",
                "geometry_kind": "schematic",
                "source": f"straight connector from the {town_id} point to the nearest OSM node",
                "geometry": LineString([(p.x, p.y), q]),
            }
        )
    osm = osm.copy()
    osm["network_source"] = "osm"
    parts = [osm, kept]
    if connectors:
        parts.append(gpd.GeoDataFrame(connectors, geometry="geometry", crs="EPSG:4326"))
    return gpd.GeoDataFrame(
        pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326"
    )


def merged_roads(
    data_dir: str | os.PathLike | None = None,
    *,
    osm: str | os.PathLike | gpd.GeoDataFrame | None = None,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
) -> gpd.GeoDataFrame:
    """The road network from the shipped segments, the corridor figures and OSM ways when present.

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``) for the ``flownet_corridors`` and optional
        ``osm_roads`` datasets. A missing dataset falls back to the shipped layer, with a log line.
    osm
        OSM ways in Geofabrik's schema (path or frame; see :func:`layers.osm_roads.osm_roads`);
        default: the ``osm_roads`` dataset of ``data_dir`` if present.
    max_snap_km
        Farthest a town may lie from an OSM node for the OSM ways to cover its links.

    Returns
    -------
    geopandas.GeoDataFrame
        Road lines (``road_id``, ``role``, ``road_class``, ``length_km``, ...) for
        :func:`geo.exposure.access.road_graph`, with ``network_source`` (``shipped``, ``osm``,
        ``connector``) and the corridor columns of :func:`attach_corridor_lengths` on shipped rows.
    """
    shipped = attach_corridor_lengths(load_roads(), data_dir)
    shipped["network_source"] = "shipped"
    if osm is None:
        path = dataset_path("osm_roads", data_dir, must_exist=False)
        if path.is_file():
            osm = path
        else:
            logger.info(
                "merged roads: no osm_roads dataset at %s; using the shipped road segments", path
            )
            return shipped
    return combine_with_osm(
        shipped, osm_roads(osm, data_dir), load_towns(), max_snap_km=max_snap_km
    )
