"""Snapping points to a road graph and shortest paths on it: multi-source distances and routes.

Raw distances (:func:`distances_from`) are ``inf`` when unreachable; the tables and routes shown
to users carry NaN and an explicit ``reachable`` flag instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from minusma.geo._errors import ParameterError
from minusma.geo.distance import QueryPoints, nearest_km
from minusma.geo.graph import RoadGraph

__all__ = ["Route", "distances_from", "mask_unreachable", "node_distances", "route", "snap_points"]


def snap_points(
    graph: RoadGraph,
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    max_snap_km: float | None = None,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray]:
    """Nearest graph node of every point, by geodesic distance.

    Parameters
    ----------
    graph
        The road graph.
    lon
        Longitudes of the points in degrees; NaN coordinates are never snapped.
    lat
        Latitudes of the points in degrees, aligned with ``lon``.
    max_snap_km
        Points farther than this from every node are left unsnapped.
    query
        The points with a coordinate prepared for several searches
        (:class:`geo.distance.QueryPoints`), shared with other nearest-point searches.

    Returns
    -------
    node : numpy.ndarray of int
        Node position, or -1 for unsnapped points.
    snap_km : numpy.ndarray of float
        Geodesic distance to the nearest node, reported even when beyond ``max_snap_km``
        (NaN only for NaN coordinates).

    Raises
    ------
    ParameterError
        ``max_snap_km`` is negative.
    """
    lon, lat = np.atleast_1d(np.asarray(lon, "float64")), np.atleast_1d(np.asarray(lat, "float64"))
    if max_snap_km is not None and not max_snap_km >= 0:
        raise ParameterError(f"max_snap_km must be >= 0 or None, got {max_snap_km!r}")
    node, snap_km = np.full(lon.size, -1, dtype="int64"), np.full(lon.size, np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    node[ok], snap_km[ok] = nearest_km(
        lon[ok], lat[ok], graph.node_lon, graph.node_lat, query=query
    )
    if max_snap_km is not None:
        node[ok & (snap_km > max_snap_km)] = -1
    return node, snap_km


def distances_from(
    graph: RoadGraph,
    sources: int | ArrayLike,
    *,
    weight: str = "length_km",
    removed_edge_ids: str | Iterable = (),
    limit: float | None = None,
) -> tuple[NDArray, NDArray]:
    """Shortest distance from the nearest of several sources to every node (multi-source Dijkstra).

    Parameters
    ----------
    graph
        The road graph.
    sources
        Source node positions (e.g. snapped bases); duplicates are harmless.
    weight
        Edge column to minimise (``length_km``, ``travel_h``, ...); NaN weights are absent edges.
    removed_edge_ids
        Edges to treat as cut (what-if).
    limit
        Stop searching beyond this cost (in ``weight`` units); farther nodes count as unreachable.

    Returns
    -------
    dist : numpy.ndarray of float
        Cost to the nearest source, ``inf`` when unreachable (raw: pass through
        :func:`mask_unreachable` before showing it).
    source_of : numpy.ndarray of int
        Node position of the source each node is reached from; -1 when unreachable.

    Notes
    -----
    ``scipy.sparse.csgraph.dijkstra(indices=sources, min_only=True)``: O((n + m) log n).
    """
    src = np.unique(graph.node_positions(sources, name="sources"))
    if src.size == 0:
        return np.full(graph.n_nodes, np.inf), np.full(graph.n_nodes, -1, dtype="int64")
    matrix = graph.csr(weight, removed_edge_ids=removed_edge_ids)
    dist, _, source_of = dijkstra(
        matrix,
        directed=True,
        indices=src,
        min_only=True,
        return_predecessors=True,
        limit=np.inf if limit is None else limit,
    )
    source_of = np.where(np.isfinite(dist), source_of, -1).astype("int64")
    return dist, source_of


def mask_unreachable(values: ArrayLike) -> tuple[NDArray, NDArray]:
    """Turn ``inf`` (unreachable) into NaN and return it with an explicit ``reachable`` mask.

    Parameters
    ----------
    values
        Costs from a shortest-path search, ``inf`` where unreachable.

    Returns
    -------
    values : numpy.ndarray of float
        The costs, NaN where unreachable.
    reachable : numpy.ndarray of bool
        True where the cost is finite.
    """
    values = np.asarray(values, dtype="float64")
    reachable = np.isfinite(values)
    return np.where(reachable, values, np.nan), reachable


def node_distances(
    graph: RoadGraph,
    sources: int | ArrayLike,
    *,
    weight: str = "length_km",
    removed_edge_ids: str | Iterable = (),
    limit: float | None = None,
) -> pd.DataFrame:
    """:func:`distances_from` as a table without infinities.

    Parameters
    ----------
    graph
        The road graph.
    sources
        Source node positions (e.g. snapped bases).
    weight
        Edge column to minimise (``length_km``, ``travel_h``, ...).
    removed_edge_ids
        Edges to treat as cut (what-if).
    limit
        Stop searching beyond this cost (in ``weight`` units).

    Returns
    -------
    pandas.DataFrame
        Indexed by node position: column named after ``weight`` (NaN when unreachable),
        ``reachable`` (bool) and ``source_node`` (-1 when unreachable).
    """
    dist, source_of = distances_from(
        graph, sources, weight=weight, removed_edge_ids=removed_edge_ids, limit=limit
    )
    values, reachable = mask_unreachable(dist)
    index = pd.RangeIndex(graph.n_nodes, name="node")
    return pd.DataFrame(
        {weight: values, "reachable": reachable, "source_node": source_of}, index=index
    )


@dataclass(frozen=True)
class Route:
    """One shortest route between two nodes; ``reachable`` says whether there is one.

    When unreachable, ``nodes`` and ``edge_ids`` are empty and the costs NaN. ``travel_h`` is
    None when the graph has no ``travel_h`` column, NaN if an edge on the route has no time.
    """

    origin_node: int
    dest_node: int
    reachable: bool
    nodes: tuple[int, ...]
    edge_ids: tuple[str, ...]
    length_km: float
    travel_h: float | None
    weight: str


def _path_edges(graph: RoadGraph, matrix: csr_matrix, arc_edge: NDArray, path: NDArray) -> NDArray:
    """Edge positions along a node path, each the cheapest arc stored in ``matrix``."""
    a, b = path[:-1], path[1:]
    key = matrix.indptr[a] + np.array(
        [
            np.searchsorted(matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]], j)
            for i, j in zip(a.tolist(), b.tolist())
        ],
        dtype="int64",
    )
    return arc_edge[key]


def route(
    graph: RoadGraph,
    origin_node: int,
    dest_node: int,
    *,
    weight: str = "length_km",
    removed_edge_ids: str | Iterable = (),
) -> Route:
    """Shortest route from ``origin_node`` to ``dest_node`` minimising ``weight``.

    Parameters
    ----------
    graph
        The road graph.
    origin_node
        Node position of the start.
    dest_node
        Node position of the end.
    weight
        Edge column to minimise (``length_km`` or ``travel_h``).
    removed_edge_ids
        Edges to treat as cut (what-if).

    Returns
    -------
    Route
        Node path, edge ids in order, total ``length_km`` and ``travel_h`` (when the graph has
        that column) of the route, and ``reachable``; never ``inf``.
    """
    origin, dest = (
        int(x) for x in graph.node_positions([origin_node, dest_node], name="origin_node/dest_node")
    )
    matrix, arc_edge = graph.csr_with_edges(weight, removed_edge_ids=removed_edge_ids)
    dist, pred = dijkstra(matrix, directed=True, indices=origin, return_predecessors=True)
    has_time = "travel_h" in graph.edges.columns
    if not np.isfinite(dist[dest]):
        return Route(origin, dest, False, (), (), np.nan, np.nan if has_time else None, weight)
    walk = [dest]
    while walk[-1] != origin:
        walk.append(int(pred[walk[-1]]))
    path = np.array(walk[::-1], dtype="int64")
    edges = _path_edges(graph, matrix, arc_edge, path)
    length_km = float(graph.edges["length_km"].to_numpy()[edges].sum())
    travel_h = float(graph.weights("travel_h")[edges].sum()) if has_time else None
    ids = tuple(graph.edges["edge_id"].to_numpy()[edges].tolist())
    return Route(origin, dest, True, tuple(path.tolist()), ids, length_km, travel_h, weight)
