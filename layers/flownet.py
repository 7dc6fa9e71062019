"""Coarse inter-city road corridors (flownet ``africa_network``, OSM via OSRM), checked on ours.

The data directory's ``roads-flownet/mali_corridors_flownet.geojson`` (registry
``flownet_corridors``) holds 172 contracted junction-to-junction edges of the OSRM routes between
large African cities (48 touch Mali), with the OSRM road distance (``distance``, m) and time
(``duration``, min) of each edge and a heavily simplified geometry (vertices often 30-100 km apart).
See its SOURCE.md. Three things follow from it:

* the ``from``/``to`` node ids are not consistently oriented with the geometry, so the graph is
  built from the geometry's end points (they coincide exactly where edges meet: 118 distinct end
  points);
* edges are whole, not clipped to Mali, and only their end points are junctions: lines that share
  interior vertices (overlapping simplified routes) are *not* split there;
* a town is placed on the network by its nearest point on an edge within :data:`SNAP_TOLERANCE_KM`,
  and the edge's OSRM distance is split in proportion to that point's position along the simplified
  geometry (as SOURCE.md's connectivity check does).

Licence: GPL-3 (flownet R package); derived from (c) OpenStreetMap contributors, ODbL 1.0.

Examples
--------
>>> import layers
>>> from minusma.layers import flownet
>>> table = flownet.compare_with_segments(  # doctest: +SKIP
...     flownet.corridors("../shared/data"), layers.roads(), layers.towns()
... )
"""

from __future__ import annotations

import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from minusma.geo._errors import ParameterError, SchemaError
from minusma.geo.crs import WGS84
from minusma.geo.distance import geodesic_km, geometry_length_km, nearest_km
from minusma.geo.network import RoadGraph
from minusma.layers.datasets import read_dataset

logger = logging.getLogger(__name__)

__all__ = [
    "ATTRIBUTION",
    "DATASET",
    "MAX_ROUTE_RATIO",
    "SNAP_TOLERANCE_KM",
    "compare_with_segments",
    "corridor_graph",
    "corridor_km",
    "corridors",
    "snap_to_corridors",
]

#: Registry name of the corridor edges.
DATASET = "flownet_corridors"

#: Farthest a town may lie from a corridor line and still be placed on it (km). SOURCE.md's
#: connectivity check uses 15 km: the simplified lines stray 10-30 km from the road away from their
#: nodes, and towns on the corridors lie up to 7.5 km from them (San 7.5, Koro 6.5, Tessalit 6.3),
#: while towns off them start at 20 km (Koulikoro 20.1, the Djenné spur 27.2, Diallassagou 32.3). A
#: MODELLING CHOICE within that gap.
SNAP_TOLERANCE_KM = 15.0

#: Vertex spacing (degrees) of the densified lines used to find a town's nearest point (about 1 km).
DENSIFY_DEG = 0.01

#: A corridor route differing from the shipped length by more than this share is flagged in
#: ``note``.
DISAGREE_PCT = 25.0

#: A corridor route longer than this many times the straight line between the two towns goes round
#: by another road (Ansongo-Ménaka via Kidal: 2.6; Anéfis-Kidal: 2.3) and does not count as covering
#: the link. Published lengths of the shipped links reach 1.5 times their straight line
#: (Kidal-Tinzaouatène 350 km for 228 km), the median is 1.14; 1.8 leaves a margin for the
#: simplified corridor geometry.
MAX_ROUTE_RATIO = 1.8

ATTRIBUTION = (
    "Road corridors: Krantz (2024) / flownet R package (GPL-3), derived from (c) OpenStreetMap "
    "contributors (ODbL) via OSRM"
)


def corridors(data_dir: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The corridor edges, validated, with ids and lengths in named units.

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``), read through
        :func:`layers.datasets.read_dataset`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per edge, in file order: ``corridor_id`` (``flownet-<a>-<b>`` from the sorted source
        node ids, suffixed ``-2``... for parallel edges), ``from_ctry``, ``to_ctry``,
        ``touches_mli``, ``length_km_osrm`` (OSRM road distance), ``travel_h_osrm`` (OSRM time),
        ``length_km_geometry`` (geodesic length of the simplified line), ``upgrade_cat`` (the
        author's cost-model class, not a surface), ``source`` and ``geometry``.

    Raises
    ------
    SchemaError
        A corridor edge is not one connected line.
    """
    raw = read_dataset(DATASET, data_dir)
    lo = np.minimum(raw["from"], raw["to"]).astype(int).astype(str)
    hi = np.maximum(raw["from"], raw["to"]).astype(int).astype(str)
    base = "flownet-" + lo + "-" + hi
    k = base.groupby(base).cumcount()
    ids = np.where(k == 0, base, base + "-" + (k + 1).astype(str))
    out = gpd.GeoDataFrame(
        {
            "corridor_id": ids,
            "from_ctry": raw["from_ctry"].to_numpy(),
            "to_ctry": raw["to_ctry"].to_numpy(),
            "touches_mli": raw["touches_mli"].astype(bool).to_numpy(),
            "length_km_osrm": (raw["distance"] / 1000.0).to_numpy(),
            "travel_h_osrm": (raw["duration"] / 60.0).to_numpy(),
            "length_km_geometry": [geometry_length_km(g) for g in raw.geometry.values],
            "upgrade_cat": raw["upgrade_cat"].to_numpy() if "upgrade_cat" in raw else None,
            "source": "flownet africa_network (cran/flownet 0.2.2), OSRM on OpenStreetMap",
        },
        geometry=raw.geometry.to_numpy(),
        crs=WGS84,
    )
    single = shapely.line_merge(out.geometry.values)
    if (shapely.get_type_id(single) != 1).any():
        raise SchemaError(f"dataset {DATASET!r}: every corridor edge must be one connected line")
    out["geometry"] = single
    return out


def corridor_graph(corridor_lines: gpd.GeoDataFrame) -> RoadGraph:
    """A :class:`geo.network.RoadGraph` with nodes at the corridor lines' geometry end points only.

    Edge ``length_km`` is the OSRM distance and ``travel_h`` the OSRM time; ``u`` is the node at the
    geometry's first vertex, ``v`` at its last, so a position along the geometry maps onto the edge.
    Lines sharing interior vertices are not split (see the module docstring).

    Parameters
    ----------
    corridor_lines
        The corridors (:func:`corridors`).

    Returns
    -------
    RoadGraph
        One edge per corridor line, ``edge_id`` its ``corridor_id``.
    """
    geoms = corridor_lines.geometry.values
    start = shapely.get_coordinates(shapely.get_point(geoms, 0))
    end = shapely.get_coordinates(shapely.get_point(geoms, -1))
    nodes, inv = np.unique(np.vstack([start, end]), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    n = len(geoms)
    edges = gpd.GeoDataFrame(
        {
            "edge_id": corridor_lines["corridor_id"].to_numpy(),
            "u": inv[:n],
            "v": inv[n:],
            "length_km": corridor_lines["length_km_osrm"].to_numpy(),
            "road_class": None,
            "travel_h": corridor_lines["travel_h_osrm"].to_numpy(),
            "length_km_geometry": corridor_lines["length_km_geometry"].to_numpy(),
        },
        geometry=geoms,
        crs=WGS84,
    )
    return RoadGraph(nodes[:, 0], nodes[:, 1], edges)


def snap_to_corridors(
    graph: RoadGraph, lon: np.ndarray, lat: np.ndarray, *, max_snap_km: float = SNAP_TOLERANCE_KM
) -> pd.DataFrame:
    """Nearest point of every place on the corridor lines, and its position along the edge.

    The lines are densified to vertices about :data:`DENSIFY_DEG` apart and the nearest vertex is
    found by geodesic distance. ``fraction`` is the geodesic length of the line up to that vertex
    over the whole line; the OSRM distance from the edge's ``u`` end is ``fraction * length_km``.

    Parameters
    ----------
    graph
        The corridor graph (:func:`corridor_graph`).
    lon
        Longitudes of the places (degrees; NaN: no coordinate).
    lat
        Latitudes of the places (degrees), aligned with ``lon``.
    max_snap_km
        Farthest a place may lie from the corridor lines to be snapped.

    Returns
    -------
    pandas.DataFrame
        Per place: ``edge`` (position, -1 beyond ``max_snap_km`` or without coordinate),
        ``fraction``, ``snap_km`` (reported even beyond the tolerance; NaN without coordinate).

    Raises
    ------
    ParameterError
        ``max_snap_km`` is not a finite number of km >= 0.
    """
    if not (np.isfinite(max_snap_km) and max_snap_km >= 0):
        raise ParameterError(f"max_snap_km must be a finite number of km >= 0, got {max_snap_km!r}")
    dense = shapely.segmentize(graph.edges.geometry.values, DENSIFY_DEG)
    xy, line = shapely.get_coordinates(dense, return_index=True)
    step = np.zeros(len(xy))
    same = line[1:] == line[:-1]
    step[1:][same] = geodesic_km(
        xy[:-1, 0][same], xy[:-1, 1][same], xy[1:, 0][same], xy[1:, 1][same]
    )
    cum = np.cumsum(step)
    first = np.searchsorted(line, line)
    along = cum - cum[first]
    total = np.bincount(line, weights=step)
    lon, lat = np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float))
    edge, fraction, snap = (
        np.full(lon.size, -1),
        np.full(lon.size, np.nan),
        np.full(lon.size, np.nan),
    )
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.any():
        idx, km = nearest_km(lon[ok], lat[ok], xy[:, 0], xy[:, 1])
        snap[ok] = km
        near = km <= max_snap_km
        pos = np.flatnonzero(ok)[near]
        edge[pos] = line[idx[near]]
        fraction[pos] = along[idx[near]] / total[line[idx[near]]]
    return pd.DataFrame({"edge": edge, "fraction": fraction, "snap_km": snap})


def _dist_from(graph: RoadGraph, nodes: list[int]) -> np.ndarray:
    return dijkstra(graph.csr("length_km"), directed=True, indices=nodes)


def corridor_km(graph: RoadGraph, a: pd.Series | dict, b: pd.Series | dict) -> float:
    """OSRM road km along the corridors between two snapped points.

    The shorter of: along the shared edge (when both lie on one), or from each point to an end of
    its edge, then the shortest corridor route between those ends. NaN if either point is unsnapped
    or no route joins them.

    Parameters
    ----------
    graph
        The corridor graph (:func:`corridor_graph`).
    a
        One row of :func:`snap_to_corridors` (``edge``, ``fraction``).
    b
        Another row of :func:`snap_to_corridors`.

    Returns
    -------
    float
        The OSRM road distance (km), NaN when there is none.
    """
    ea, eb = int(a["edge"]), int(b["edge"])
    if ea < 0 or eb < 0:
        return np.nan
    la, lb = graph.edges.at[ea, "length_km"], graph.edges.at[eb, "length_km"]
    best = abs(a["fraction"] - b["fraction"]) * la if ea == eb else np.inf
    ends_a = [(int(graph.u[ea]), a["fraction"] * la), (int(graph.v[ea]), (1 - a["fraction"]) * la)]
    ends_b = [(int(graph.u[eb]), b["fraction"] * lb), (int(graph.v[eb]), (1 - b["fraction"]) * lb)]
    dist = _dist_from(graph, [n for n, _ in ends_a])
    for i, (_, da) in enumerate(ends_a):
        for nb, db in ends_b:
            best = min(best, da + dist[i, nb] + db)
    return float(best) if np.isfinite(best) else np.nan


def compare_with_segments(
    corridor_lines: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
    *,
    tolerance_km: float = SNAP_TOLERANCE_KM,
    roles: tuple[str, ...] = ("edge", "aggregate"),
) -> pd.DataFrame:
    """Corridor (OSRM) length of every shipped road link whose two towns lie on the corridors.

    Parameters
    ----------
    corridor_lines
        :func:`corridors`.
    roads
        The shipped road links (:func:`layers.roads`): ``road_id``, ``role``, ``from_town_id``,
        ``to_town_id``, ``length_km``, ``length_method``.
    towns
        The gazetteer (:func:`layers.towns`): ``town_id`` and point geometry.
    tolerance_km
        Farthest a town may lie from a corridor line (default :data:`SNAP_TOLERANCE_KM`).
    roles
        Road roles compared (aggregates restate a chain of edges, e.g. RN16 Sévaré-Gao).

    Returns
    -------
    pandas.DataFrame
        One row per link of those roles with both end towns located, sorted by ``road_id``:
        ``road_id``, ``from_town``, ``to_town``, ``role``, ``length_km`` (shipped),
        ``length_method``, ``corridor_km`` (NaN when not covered), ``difference_km`` (corridor minus
        shipped), ``difference_pct`` (of shipped), ``covered`` (both towns within the tolerance and
        a corridor route joins them no longer than :data:`MAX_ROUTE_RATIO` times their straight
        line), ``from_snap_km``, ``to_snap_km`` (town to nearest corridor line), ``note`` (why not
        covered, or a disagreement beyond :data:`DISAGREE_PCT` %).
    """
    graph = corridor_graph(corridor_lines)
    pts = (
        towns.dropna(subset=[towns.geometry.name])
        .drop_duplicates("town_id")
        .set_index("town_id")
        .geometry
    )
    snapped = snap_to_corridors(graph, pts.x.to_numpy(), pts.y.to_numpy(), max_snap_km=tolerance_km)
    snapped.index = pts.index
    sel = roads[
        roads["role"].isin(roles)
        & roads["from_town_id"].isin(pts.index)
        & roads["to_town_id"].isin(pts.index)
    ]
    rows = []
    for r in sel.sort_values("road_id").itertuples(index=False):
        a, b = snapped.loc[r.from_town_id], snapped.loc[r.to_town_id]
        km = corridor_km(graph, a, b)
        far = [
            f"{name} is {s:.0f} km from the corridors"
            for name, s in ((r.from_town, a["snap_km"]), (r.to_town, b["snap_km"]))
            if s > tolerance_km
        ]
        straight_km = float(
            geodesic_km(
                pts[r.from_town_id].x,
                pts[r.from_town_id].y,
                pts[r.to_town_id].x,
                pts[r.to_town_id].y,
            )
        )
        note = "; ".join(far) if far else ("no corridor route joins them" if np.isnan(km) else None)
        if note is None and km > MAX_ROUTE_RATIO * straight_km:
            note = (
                f"the corridors join them only by a detour ({km:.0f} km, {km / straight_km:.1f} x "
                "the straight line): this road is not in the corridors"
            )
            km = np.nan
        diff = km - r.length_km
        pct = 100.0 * diff / r.length_km if r.length_km else np.nan
        if note is None and abs(pct) > DISAGREE_PCT:
            note = (
                f"corridor figure {pct:+.0f}% from the shipped length: a town placed by "
                "interpolation along the simplified line, or the corridor takes another road"
            )
        rows.append(
            {
                "road_id": r.road_id,
                "from_town": r.from_town,
                "to_town": r.to_town,
                "role": r.role,
                "length_km": r.length_km,
                "length_method": r.length_method,
                "corridor_km": km,
                "difference_km": diff,
                "difference_pct": pct,
                "covered": bool(np.isfinite(km)),
                "from_snap_km": a["snap_km"],
                "to_snap_km": b["snap_km"],
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    logger.info(
        "flownet: %d of %d links covered by the corridors (tolerance %.0f km)",
        int(out["covered"].sum()) if len(out) else 0,
        len(out),
        tolerance_km,
    )
    return out
