"""Road access of places: road distance and time to hubs, independent routes, cutting segments.

Builds on :mod:`geo.network` (graph, snapping, multi-source Dijkstra, bridges) and
:mod:`geo.speeds` (travel time from a speed table). Everything user-facing is NaN plus an
explicit flag, never ``inf``:

* ``on_road_network`` is False when the place is farther than ``max_snap_km`` from every node
  of the graph: the road layer has no road to it (a data gap), which is not the same thing as
  being unreachable;
* ``*_reachable`` is False when the place is on the network but no route reaches the hub;
* ``*_travel_h`` is NaN with ``*_travel_h_gap = True`` when the fastest route may use a segment
  whose speed is unknown (no row in the speed table for its class and season): the time is then
  known only to lie between two bounds, and is reported as missing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minusma.geo._errors import GraphError, ParameterError, SchemaError
from minusma.geo.distance import QueryPoints
from minusma.geo.exposure.params import DEFAULT_MAX_SNAP_KM
from minusma.geo.network import (
    DEFAULT_MAX_FLOW_WORK,
    RoadGraph,
    bridges_to,
    edge_connectivities,
    graph_from_lines,
    snap_points,
)
from minusma.geo.repair import descendants, repair, shortest_tree

logger = logging.getLogger(__name__)

__all__ = [
    "HubCosts",
    "edge_labels",
    "hub_costs",
    "road_graph",
    "routes_to_hub",
    "snap_places",
    "with_time_bounds",
]


def road_graph(
    roads: gpd.GeoDataFrame,
    *,
    id_column: str = "road_id",
    role_column: str | None = "role",
    network_roles: Iterable[str] = ("edge",),
    length_km_column: str | None = "length_km",
    class_column: str | None = "road_class",
) -> RoadGraph:
    """A road graph from a road-line layer: the shipped schematic segments or real OSM roads.

    Rows whose ``role_column`` is not in ``network_roles`` (aggregates and alternative
    representations in the shipped layer) are left out; rows without geometry are skipped with
    a log line naming them.

    Parameters
    ----------
    roads
        Road lines in EPSG:4326.
    id_column
        The roads' id column (the edges' ``edge_id``).
    role_column
        Column saying what a row is (None: every row is a road).
    network_roles
        The roles of the rows that are road segments.
    length_km_column
        Column of lengths in km (None: measured geodesically).
    class_column
        Column of road classes (None: no class).

    Returns
    -------
    RoadGraph
        The noded graph (:func:`geo.network.graph_from_lines`).

    Raises
    ------
    SchemaError
        ``id_column`` is missing.
    GraphError
        No row has a geometry.
    """
    if id_column not in roads.columns:
        raise SchemaError(f"roads lack the id column {id_column!r}; columns: {list(roads.columns)}")
    lines = roads
    if role_column is not None and role_column in roads.columns:
        roles = tuple(network_roles)
        lines = lines[lines[role_column].isin(roles)]
        logger.info(
            "road_graph: %d of %d rows have role in %s", len(lines), len(roads), list(roles)
        )
    missing = lines.geometry.isna() | lines.geometry.is_empty
    if missing.any():
        logger.info(
            "road_graph: skipping %d row(s) without geometry (an end has no coordinate): %s",
            int(missing.sum()),
            ", ".join(map(str, lines.loc[missing, id_column])),
        )
        lines = lines[~missing]
    if len(lines) == 0:
        raise GraphError("no road rows with geometry to build a graph from")
    return graph_from_lines(
        lines,
        edge_id_column=id_column,
        length_km_column=length_km_column,
        class_column=class_column,
    )


def with_time_bounds(graph: RoadGraph, travel_h: pd.Series | NDArray) -> RoadGraph:
    """A graph with ``travel_h`` (NaN where the speed is unknown) and ``travel_h_lower`` (NaN -> 0).

    Shortest times with ``travel_h`` (unknown edges absent) and with ``travel_h_lower`` (unknown
    edges free) bracket the true shortest time; when they agree, the time is known.

    Parameters
    ----------
    graph
        The road graph.
    travel_h
        Hours per edge, in edge order or indexed by ``edge_id``.

    Returns
    -------
    RoadGraph
        A new graph with both columns (this one is unchanged).

    Raises
    ------
    GraphError
        ``travel_h`` is indexed neither by edge position nor by every ``edge_id``.
    """
    if isinstance(travel_h, pd.Series) and not travel_h.index.equals(graph.edges.index):
        ids = pd.Index(graph.edges["edge_id"])
        if not travel_h.index.equals(ids):  # aligned on edge ids (in edge order: as is)
            if not ids.isin(travel_h.index).all():
                raise GraphError(
                    "travel_h is indexed neither by edge position nor by every edge_id"
                )
            travel_h = travel_h.reindex(ids)
    # to_numpy: np.asarray on a Series probes attributes that hash its (edge id) index
    hours = (
        travel_h.to_numpy(dtype="float64")
        if isinstance(travel_h, pd.Series)
        else np.asarray(travel_h, dtype="float64")
    )
    return graph.with_edge_columns(
        {"travel_h": hours, "travel_h_lower": np.where(np.isnan(hours), 0.0, hours)}
    )


def snap_places(
    graph: RoadGraph,
    lon: NDArray,
    lat: NDArray,
    *,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    query: QueryPoints | None = None,
) -> pd.DataFrame:
    """Nearest node of every place, by geodesic distance.

    Parameters
    ----------
    graph
        The road graph.
    lon
        Longitudes of the places in degrees (NaN: no coordinate).
    lat
        Latitudes of the places in degrees.
    max_snap_km
        Places farther than this from every node are off the network.
    query
        The places with a coordinate prepared for several searches
        (:class:`geo.distance.QueryPoints`).

    Returns
    -------
    pandas.DataFrame
        ``road_node`` (-1 off the network), ``snap_km`` and ``on_road_network`` (a nullable
        boolean: missing for places without a coordinate).

    Raises
    ------
    ParameterError
        ``max_snap_km`` is not a finite number >= 0.
    """
    if not (np.isfinite(max_snap_km) and max_snap_km >= 0):
        raise ParameterError(f"max_snap_km must be a finite number of km >= 0, got {max_snap_km!r}")
    node, snap_km = snap_points(graph, lon, lat, max_snap_km=max_snap_km, query=query)
    on = pd.array(node >= 0, dtype="boolean")
    on[np.isnan(snap_km)] = pd.NA
    return pd.DataFrame({"road_node": node, "snap_km": snap_km, "on_road_network": on})


#: The weights :func:`hub_costs` minimises: road length and both travel-time bounds.
WEIGHTS = ("length_km", "travel_h", "travel_h_lower")


@dataclass(frozen=True)
class HubCosts:
    """Road cost from every node to the nearest of a set of hubs (raw arrays, inf unreachable).

    ``hubs`` (unique node positions) and ``removed`` (edge ids cut) say what the costs are of;
    ``trees`` keeps, per weight of :data:`WEIGHTS`, the source and predecessor of every node, so
    that :func:`hub_costs` can derive the costs of fewer hubs or more cuts by repairing only the
    nodes the change reaches (:func:`geo.repair.repair`).
    """

    length_km: NDArray
    travel_h: NDArray
    travel_h_lower: NDArray
    source_node: NDArray
    hubs: NDArray | None = None
    removed: tuple = ()
    trees: tuple = ()

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (shared arrays counted once)."""
        arrays = [self.length_km, self.travel_h, self.travel_h_lower, self.source_node]
        arrays += [a for tree in self.trees for a in tree]
        return sum({id(a): a.nbytes for a in arrays}.values())

    def at(self, nodes: NDArray, prefix: str) -> pd.DataFrame:
        """The road costs of the places at ``nodes``, as columns.

        Parameters
        ----------
        nodes
            Node of every place (-1: off the network).
        prefix
            Prefix of the column names (e.g. ``bamako``).

        Returns
        -------
        pandas.DataFrame
            ``<prefix>_road_km``, ``_travel_h``, ``_reachable``, ``_travel_h_gap``; NaN/NA for
            places off the network, never ``inf``.
        """
        return pd.DataFrame(self.columns_at(nodes, prefix), copy=False)

    def columns_at(self, nodes: NDArray, prefix: str) -> dict[str, Any]:
        """The columns of :meth:`at` as arrays (for a few rows, without a frame).

        Parameters
        ----------
        nodes
            Node of every place (-1: off the network).
        prefix
            Prefix of the column names.

        Returns
        -------
        dict
            Column name to array (float, or a nullable boolean array), in :meth:`at`'s order.
        """
        on = nodes >= 0
        off = None if on.all() else ~on
        idx = np.maximum(nodes, 0) if off is not None else nodes
        km, hi = self.length_km[idx], self.travel_h[idx]  # gathered: new arrays
        lo = hi if self.travel_h_lower is self.travel_h else self.travel_h_lower[idx]
        if off is not None:
            km[off] = hi[off] = lo[off] = np.nan
        reachable = np.isfinite(km)
        # np.isclose(lo, hi, rtol=1e-9, atol=1e-9) where hi is finite (its formula), else False
        with np.errstate(invalid="ignore"):
            known = reachable & np.isfinite(hi) & (np.abs(lo - hi) <= 1e-9 + 1e-9 * np.abs(hi))
        reach = pd.arrays.BooleanArray(reachable, ~on)
        gap = pd.arrays.BooleanArray(reachable & ~known, ~on)
        return {
            f"{prefix}_road_km": np.where(reachable, km, np.nan),
            f"{prefix}_travel_h": np.where(known, hi, np.nan),
            f"{prefix}_reachable": reach,
            f"{prefix}_travel_h_gap": gap,
        }

    def can_derive(self, hub_nodes: NDArray, removed_edge_ids: Iterable) -> bool:
        """Whether :func:`hub_costs` can repair these costs into other costs.

        Parameters
        ----------
        hub_nodes
            The hubs wanted: the same hubs or fewer.
        removed_edge_ids
            The cuts wanted: the same cuts or more.

        Returns
        -------
        bool
            True when the costs of ``hub_nodes`` with ``removed_edge_ids`` cut can be derived.
        """
        if self.hubs is None or not self.trees:
            return False
        hubs = np.unique(np.asarray(hub_nodes, dtype="int64"))
        return bool(
            hubs.size
            and np.isin(hubs, self.hubs).all()
            and set(self.removed) <= set(removed_edge_ids)
        )


def _same_weights(graph: RoadGraph) -> bool:
    return np.array_equal(
        graph.weights("travel_h"), graph.weights("travel_h_lower"), equal_nan=True
    )


def hub_costs(
    graph: RoadGraph,
    hub_nodes: NDArray,
    *,
    removed_edge_ids: Iterable = (),
    derive_from: HubCosts | None = None,
    keep_trees: bool = True,
) -> HubCosts:
    """Multi-source Dijkstra from ``hub_nodes`` by length and by both time bounds.

    ``graph`` needs the columns of :func:`with_time_bounds`. No hubs: everything unreachable.
    When the two time columns hold the same weights (every speed known), the lower-bound Dijkstra
    run is skipped: ``travel_h_lower`` is then the ``travel_h`` array itself.

    Parameters
    ----------
    graph
        The road graph with travel-time bounds.
    hub_nodes
        Node positions of the hubs (negative values ignored).
    removed_edge_ids
        Edges cut.
    derive_from
        Costs to repair rather than run Dijkstra again (see below).
    keep_trees
        Keep the shortest-path trees the costs came from, so that other costs can be derived
        from them. Without (False) the result holds about half the memory and cannot be
        derived from.

    Returns
    -------
    HubCosts
        The costs, with the shortest-path trees they came from (``keep_trees``).

    Notes
    -----
    ``derive_from``: costs of the same graph for more hubs or fewer cuts
    (:meth:`HubCosts.can_derive`); only the nodes reached from a closed hub or lying below a newly
    cut edge in a shortest-path tree are recomputed (:func:`geo.repair.repair`), with the same
    distances as a full run.
    """
    removed = tuple(removed_edge_ids)
    hubs = np.asarray(hub_nodes, dtype="int64")
    hubs = np.unique(hubs[hubs >= 0])
    base, base_hubs = None, None
    if (
        derive_from is not None
        and derive_from.hubs is not None
        and derive_from.can_derive(hubs, removed)
    ):
        base, base_hubs = derive_from, derive_from.hubs
    # costs of the same graph share the time array exactly when the bounds are the same
    same = base.travel_h_lower is base.travel_h if base is not None else _same_weights(graph)
    weights = WEIGHTS[:2] if same else WEIGHTS
    if base is not None and base_hubs is not None:
        closed = np.zeros(graph.n_nodes + 1, dtype=bool)  # by node; the last: unreached (-1)
        closed[np.setdiff1d(base_hubs, hubs)] = True
        cut = graph.edge_positions([e for e in removed if e not in set(base.removed)])
        u, v = (graph.u[cut], graph.v[cut]) if cut.size else (cut, cut)
        results: list[tuple[NDArray, NDArray | None, NDArray | None]] = []
        for i, (w, dist, (src, pred)) in enumerate(
            zip(weights, (base.length_km, base.travel_h, base.travel_h_lower), base.trees)
        ):
            affected = closed[src]
            below = np.concatenate([v[pred[v] == u], u[pred[u] == v]])
            if below.size:
                affected |= descendants(pred, below)
            matrix = graph.csr(w, removed_edge_ids=removed)
            # without trees kept, only the length's sources are wanted (``source_node``)
            results.append(
                repair(
                    matrix,
                    dist,
                    src,
                    pred,
                    affected,
                    sources=keep_trees or i == 0,
                    tree=keep_trees,
                )
            )
    else:
        results = [shortest_tree(graph.csr(w, removed_edge_ids=removed), hubs) for w in weights]
    km, hi = results[0][0], results[1][0]
    lo = hi if same else results[2][0]
    trees = tuple((r[1], r[2]) for r in results) if keep_trees else ()
    source_node = results[0][1]
    if source_node is None:  # never: the length's sources are always worked out
        raise RuntimeError("hub_costs: the sources of the length's shortest paths are missing")
    return HubCosts(km, hi, lo, source_node, hubs=hubs, removed=removed, trees=trees)


def routes_to_hub(
    graph: RoadGraph,
    nodes: NDArray,
    hub_node: int,
    *,
    removed_edge_ids: Iterable = (),
    max_flow_work: float = DEFAULT_MAX_FLOW_WORK,
) -> pd.DataFrame:
    """Independent road routes from every place to one hub, and the segments that can cut it off.

    Parameters
    ----------
    graph
        The road graph.
    nodes
        Node of every place (-1 off network).
    hub_node
        The hub (e.g. the capital).
    removed_edge_ids
        Segments cut in a scenario.
    max_flow_work
        Work budget of the exact counts (see :func:`geo.network.edge_connectivities`: counts of
        two or more routes are exact when the places needing a maximum flow times the arcs of
        the hub's 2-edge-connected component stay within it, else reported as 2 with
        ``routes_exact = False``, a lower bound).

    Returns
    -------
    pandas.DataFrame
        Per place: ``routes`` (Int64: 0 unreachable, 1 single route, k edge-disjoint routes;
        NA off network), ``routes_exact`` and ``cut_by`` (tuple of segment ids each of which
        alone cuts the place off from the hub, nearest first; None off network or unreachable).
    """
    removed = tuple(removed_edge_ids)
    on = nodes >= 0
    idx = np.maximum(nodes, 0)
    cut = bridges_to(graph, hub_node, removed_edge_ids=removed).to_numpy()
    # the distinct nodes of the places, ascending, and each place's among them (np.unique's
    # answer, by marking the nodes rather than sorting the places)
    present = np.zeros(graph.n_nodes, dtype=bool)
    placed = graph.node_positions(idx[on], name="nodes")
    present[placed] = True
    distinct = np.flatnonzero(present)
    inverse = (np.cumsum(present) - 1)[placed]
    del present
    count, is_exact = edge_connectivities(
        graph, distinct, hub_node, removed_edge_ids=removed, max_flow_work=max_flow_work
    )
    routes = np.zeros(len(nodes), dtype="int64")
    exact = np.ones(len(nodes), dtype=bool)
    routes[on], exact[on] = count[inverse], is_exact[inverse]
    out_routes = pd.array(routes, dtype="Int64")
    out_routes[~on] = pd.NA
    at_hub = on & (idx == hub_node)
    out_routes[at_hub] = pd.NA  # the hub itself: routes to itself are not defined
    cut_by = np.where(on, cut[idx], None)  # the node's tuple (shared, not copied) per place
    return pd.DataFrame({"routes": out_routes, "routes_exact": exact, "cut_by": cut_by}, copy=False)


def edge_labels(
    graph: RoadGraph, *, from_column: str = "from_town", to_column: str = "to_town"
) -> pd.Series:
    """Readable label of every segment (``"Diré–Goundam"``), else its id.

    Parameters
    ----------
    graph
        The road graph.
    from_column
        Edge column of the first end's name.
    to_column
        Edge column of the other end's name.

    Returns
    -------
    pandas.Series
        Labels indexed by ``edge_id``, named ``label``.
    """
    e = graph.edges
    if from_column in e.columns and to_column in e.columns:
        label = e[from_column].astype(str) + "–" + e[to_column].astype(str)
        label = label.where(e[from_column].notna() & e[to_column].notna(), e["edge_id"].astype(str))
    else:
        label = e["edge_id"].astype(str)
    return pd.Series(label.to_numpy(), index=pd.Index(e["edge_id"], name="edge_id"), name="label")
