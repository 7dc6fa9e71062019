"""Single points of failure of a road graph: bridges, and the bridges that cut nodes off from hubs.

A bridge is an edge whose loss disconnects its two ends (found by igraph). The
2-edge-connected components joined by bridges form the bridge forest, from which
:func:`bridges_to` and :func:`edge_connectivity_class` read which bridges separate every node
from a set of targets; :func:`edge_connectivity` counts edge-disjoint routes exactly.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components, maximum_flow

from minusma.geo._errors import ParameterError
from minusma.geo.graph import RoadGraph

__all__ = [
    "DEFAULT_MAX_FLOW_WORK",
    "BridgeForest",
    "bridge_forest",
    "bridge_mask",
    "bridges",
    "bridges_to",
    "edge_connectivities",
    "edge_connectivity",
    "edge_connectivity_class",
    "subtree_sum",
]

#: Most work :func:`edge_connectivities` spends on exact counts: (nodes needing a maximum flow) x
#: (arcs of the target's 2-edge-connected component). About 5 s on a 2-core machine; beyond it
#: the counts are lower bounds, flagged as such.
DEFAULT_MAX_FLOW_WORK = 50_000_000


def bridge_mask(graph: RoadGraph, active: NDArray) -> NDArray:
    """Bridges among the ``active`` edges (boolean per edge), by igraph in O(n + m).

    An edge with a parallel twin is not a bridge; a self-loop never is. The mask for the whole
    graph is cached with its topology (see :meth:`geo.graph.RoadGraph.topology_cached`).

    Parameters
    ----------
    graph
        The road graph.
    active
        Which edges exist (boolean per edge).

    Returns
    -------
    numpy.ndarray of bool
        True for the bridges, one value per edge.
    """
    if active.all():
        return graph.topology_cached("bridges", lambda: _bridges_of(graph, active))
    return _bridges_of(graph, active)


def _igraph():
    """igraph, imported on first use (only the commands that route need it).

    Without the matplotlib.pyplot its drawing modules import when matplotlib is installed (about
    0.35 s; igraph/python-igraph#762, where the maintainers suggest mocking it): while igraph
    loads, matplotlib counts as absent unless it is already loaded, so igraph's own plotting gets
    its stand-in (we never plot with igraph).
    """
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hidden = "matplotlib" not in sys.modules
    if hidden:
        # None makes `import matplotlib` raise ImportError (the documented way to block a module;
        # typeshed types sys.modules without it)
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        if hidden:
            del sys.modules["matplotlib"]
    return igraph


#: Edges handed to igraph per batch of Python integers (see :func:`_bridges_of`).
_EDGE_BATCH = 1 << 16


def _bridges_of(graph: RoadGraph, active: NDArray) -> NDArray:
    sel = np.flatnonzero(active & (graph.u != graph.v))
    u, v = graph.u[sel], graph.v[sel]
    # igraph reads the pairs from an iterator: a batch of Python integers exists at a time, not
    # 2 m of them (about 120 MB at a million edges), and it is about twice as fast as a list
    pairs = itertools.chain.from_iterable(
        zip(u[i : i + _EDGE_BATCH].tolist(), v[i : i + _EDGE_BATCH].tolist())
        for i in range(0, sel.size, _EDGE_BATCH)
    )
    found = _igraph().Graph(n=graph.n_nodes, edges=pairs).bridges()
    out = np.zeros(graph.n_edges, dtype=bool)
    out[sel[np.asarray(found, dtype="int64")]] = True
    out.flags.writeable = False
    return out


def bridges(graph: RoadGraph, *, removed_edge_ids: str | Iterable = ()) -> NDArray:
    """Ids of the bridges: edges whose loss disconnects their two ends, in edge order.

    igraph's bridge search, O(n + m), on the undirected multigraph: an edge with a parallel twin
    is not a bridge; a self-loop never is.

    Parameters
    ----------
    graph
        The road graph.
    removed_edge_ids
        Edge ids to treat as cut (what-if).

    Returns
    -------
    numpy.ndarray
        The bridges' ``edge_id`` values.
    """
    mask = bridge_mask(graph, graph.active_mask(removed_edge_ids=removed_edge_ids))
    return graph.edges["edge_id"].to_numpy()[mask]


@dataclass(frozen=True)
class BridgeForest:
    """The 2-edge-connected components of a graph joined by its bridges, as a rooted forest.

    Attributes
    ----------
    comp
        Component of every node.
    is_bridge
        Bridge mask per edge.
    parent, via
        Per component: parent component (-1 at a root or unreached) and the bridge (edge
        position) joining them (-1 likewise).
    order, levels
        Reached components in breadth-first order, and that order split by depth.
    marked
        Per component: number of root components in its subtree.
    reached
        Per component: whether it hangs from a root.
    """

    comp: NDArray
    is_bridge: NDArray
    parent: NDArray
    via: NDArray
    order: NDArray
    levels: list
    marked: NDArray
    reached: NDArray


def bridge_forest(graph: RoadGraph, active: NDArray, roots: NDArray | None) -> BridgeForest:
    """2-edge-connected components and the bridge forest rooted at the components of ``roots``.

    With ``roots``, each tree holding a root component is hung from its first one and the
    others stay unreached (``parent == -1``); with ``None`` every tree is hung from its first
    component. ``marked`` counts root components in each subtree.

    Parameters
    ----------
    graph
        The road graph.
    active
        Which edges exist (boolean per edge).
    roots
        Node positions whose components root the trees; None: the first component of each tree.

    Returns
    -------
    BridgeForest
        The components, the forest and the root marks (for the whole graph, the forest of the
        last set of roots is cached with its topology, like :func:`bridge_mask`: treat it as
        read-only).
    """
    if not active.all():
        return _bridge_forest(graph, active, roots)
    key = None if roots is None else np.unique(np.asarray(roots, dtype="int64")).tobytes()
    # the last set of roots only
    held: dict[bytes | None, BridgeForest] = graph.topology_cached("bridge_forest", dict)
    forest = held.get(key)
    if forest is None:
        forest = _bridge_forest(graph, active, roots)
        held.clear()
        held[key] = forest
    return forest


def _bridge_forest(graph: RoadGraph, active: NDArray, roots: NDArray | None) -> BridgeForest:
    is_bridge = bridge_mask(graph, active)
    keep = active & ~is_bridge & (graph.u != graph.v)
    n = graph.n_nodes
    adj = csr_matrix((np.ones(keep.sum()), (graph.u[keep], graph.v[keep])), shape=(n, n))
    n_comp, comp = connected_components(adj, directed=False)
    bpos = np.flatnonzero(is_bridge)
    cu, cv = comp[graph.u[bpos]], comp[graph.v[bpos]]
    forest = csr_matrix(
        (np.r_[bpos, bpos] + 1.0, (np.r_[cu, cv], np.r_[cv, cu])), shape=(n_comp, n_comp)
    )
    _, tree = connected_components(forest, directed=False)
    marked = np.zeros(n_comp, dtype="int64")
    if roots is None:
        candidates = np.arange(n_comp)
    else:
        candidates = np.unique(comp[roots])
        marked[candidates] = 1
    first = np.full(tree.max() + 1, n_comp)
    np.minimum.at(first, tree[candidates], candidates)
    tops = first[first < n_comp]
    fc = forest.tocoo()
    hang = csr_matrix(
        (
            np.r_[fc.data, np.ones(tops.size)],
            (np.r_[fc.row, np.full(tops.size, n_comp)], np.r_[fc.col, tops]),
        ),
        shape=(n_comp + 1,) * 2,
    )
    order, pred = breadth_first_order(hang, n_comp, directed=True, return_predecessors=True)
    order = order[1:]
    parent = np.where(pred[:n_comp] >= 0, pred[:n_comp], -1)
    parent[parent == n_comp] = -1
    child = order[parent[order] >= 0]
    via = np.full(n_comp, -1, dtype="int64")
    if child.size:
        via[child] = np.asarray(forest[child, parent[child]]).ravel().astype("int64") - 1
    depth = np.zeros(n_comp + 1, dtype="int64")
    for c in order.tolist():
        depth[c] = depth[pred[c]] + 1
    levels = np.split(order, np.flatnonzero(np.diff(depth[order])) + 1)
    reached = np.zeros(n_comp, dtype=bool)
    reached[order] = True
    return BridgeForest(
        comp=comp,
        is_bridge=is_bridge,
        parent=parent,
        via=via,
        order=order,
        levels=levels,
        marked=subtree_sum(marked, parent, levels),
        reached=reached,
    )


def subtree_sum(values: NDArray, parent: NDArray, levels: list[NDArray]) -> NDArray:
    """Sum ``values`` (per component, first axis) over every subtree of the bridge forest.

    Parameters
    ----------
    values
        One value (or row) per component.
    parent
        Parent component of each component (:attr:`BridgeForest.parent`).
    levels
        The reached components split by depth (:attr:`BridgeForest.levels`).

    Returns
    -------
    numpy.ndarray
        Per component: the sum over its subtree (itself included); float for float values, else
        int64.
    """
    total = values.astype("float64" if values.dtype.kind == "f" else "int64").copy()
    for level in levels[:0:-1]:
        np.add.at(total, parent[level], total[level])
    return total


def bridges_to(
    graph: RoadGraph, target_nodes: int | ArrayLike, *, removed_edge_ids: str | Iterable = ()
) -> pd.Series:
    """For every node, the bridges that separate it from the target(s).

    A bridge separates a node from the targets when every route from the node to any target
    crosses it. Read off the bridge tree (2-edge-connected components joined by bridges) in
    O(n + m + output size); the output is the sum of the path lengths, so a node at the end of
    a long chain of bridges carries a long tuple (use :func:`edge_connectivity_class` when
    only the class is needed).

    Parameters
    ----------
    graph
        The road graph (all edges count, whatever their weights).
    target_nodes
        One node or several (e.g. the nodes of remaining bases: reaching any of them counts).
    removed_edge_ids
        Edges to treat as cut.

    Returns
    -------
    pandas.Series
        Indexed by node position: a tuple of edge ids ordered from the node towards the
        targets (empty: no single edge can cut it off), or None when no target is reachable.
    """
    targets = graph.node_positions(target_nodes, name="target_nodes")
    f = bridge_forest(graph, graph.active_mask(removed_edge_ids=removed_edge_ids), targets)
    ids = graph.edges["edge_id"].to_numpy()
    path: list = [None] * len(f.parent)
    for c in f.order.tolist():
        p = f.parent[c]
        if f.marked[c] > 0:
            path[c] = ()
        else:
            path[c] = (ids[f.via[c]],) + path[p]
    return pd.Series(
        [path[c] for c in f.comp.tolist()],
        index=pd.RangeIndex(graph.n_nodes, name="node"),
        name="bridge_ids",
        dtype=object,
    )


def edge_connectivity_class(
    graph: RoadGraph, target_nodes: int | ArrayLike, *, removed_edge_ids: str | Iterable = ()
) -> pd.Series:
    """Per node: 0 no route to a target, 1 one bridge can cut it off, 2 two edge-disjoint routes.

    By Menger's theorem a node has two edge-disjoint routes to the targets exactly when no
    single edge separates them, i.e. when no bridge does. Targets themselves are class 2.
    O(n + m). Use :func:`edge_connectivity` for the exact count between two nodes.

    Parameters
    ----------
    graph
        The road graph.
    target_nodes
        Node position(s) of the targets (e.g. the hub).
    removed_edge_ids
        Edge ids to treat as cut (what-if).

    Returns
    -------
    pandas.Series
        Named ``edge_connectivity_class`` (int8), indexed by node position.
    """
    targets = graph.node_positions(target_nodes, name="target_nodes")
    f = bridge_forest(graph, graph.active_mask(removed_edge_ids=removed_edge_ids), targets)
    comp = f.comp
    cls = np.where(~f.reached[comp], 0, np.where(f.marked[comp] > 0, 2, 1)).astype("int8")
    return pd.Series(
        cls, index=pd.RangeIndex(graph.n_nodes, name="node"), name="edge_connectivity_class"
    )


def edge_connectivity(
    graph: RoadGraph, s: int, t: int, *, removed_edge_ids: str | Iterable = ()
) -> int:
    """Exact number of edge-disjoint routes between nodes ``s`` and ``t``.

    Unit-capacity maximum flow (``scipy.sparse.csgraph.maximum_flow``) with every undirected edge
    as two opposite arcs; parallel edges count separately, self-loops never. Any edge in the
    table counts, whatever its weights.

    Parameters
    ----------
    graph
        The road graph.
    s
        One node position.
    t
        Another node position.
    removed_edge_ids
        Edge ids to treat as cut (what-if).

    Returns
    -------
    int
        The number of edge-disjoint routes (0 when unreachable).

    Raises
    ------
    ParameterError
        ``s`` and ``t`` are the same node, or not node positions.
    """
    s, t = (int(x) for x in graph.node_positions([s, t], name="s/t"))
    if s == t:
        raise ParameterError(f"s and t must differ, got {s} for both")
    sel = np.flatnonzero(
        graph.active_mask(removed_edge_ids=removed_edge_ids) & (graph.u != graph.v)
    )
    rows = np.concatenate([graph.u[sel], graph.v[sel]])
    cols = np.concatenate([graph.v[sel], graph.u[sel]])
    capacity = csr_matrix(
        (np.ones(rows.size, dtype="int32"), (rows, cols)), shape=(graph.n_nodes,) * 2
    )
    capacity.sum_duplicates()
    return int(maximum_flow(capacity, s, t).flow_value)


def edge_connectivities(
    graph: RoadGraph,
    nodes: int | ArrayLike,
    target: int,
    *,
    removed_edge_ids: str | Iterable = (),
    max_flow_work: float = DEFAULT_MAX_FLOW_WORK,
) -> tuple[NDArray, NDArray]:
    """Edge-disjoint routes from each of ``nodes`` to ``target``: the count and whether it is exact.

    What is computed, per node:

    * 0 when no route reaches the target, 1 when a bridge separates them (exact, O(n + m));
    * otherwise the node and the target share a 2-edge-connected component, and every set of
      edge-disjoint routes between them stays inside it (leaving by a bridge means coming back
      by it). The count is at least 2 and at most the smaller of the two nodes' degrees in that
      component (parallel edges counted), so a node or target of degree 2 there has exactly 2;
    * the other nodes get one unit-capacity maximum flow each on that component
      (``scipy.sparse.csgraph.maximum_flow``, the capacity matrix built once), exact, when the
      number of such distinct nodes times the component's arcs is at most ``max_flow_work``;
      when it is larger, none is run and they are reported as 2, a lower bound, not exact.

    Parameters
    ----------
    graph
        The road graph.
    nodes
        Node positions to count from.
    target
        Node position of the target (e.g. the hub).
    removed_edge_ids
        Edge ids to treat as cut (what-if).
    max_flow_work
        Most distinct nodes times component arcs for which the maximum flows are run.

    Returns
    -------
    count : numpy.ndarray of int
        Per node in ``nodes``; the target itself gets the count of its class (2).
    exact : numpy.ndarray of bool
        False where ``count`` is only a lower bound (for the target itself: False when any
        count is a lower bound).
    """
    nodes = graph.node_positions(nodes, name="nodes")
    t = int(graph.node_positions(target, name="target")[0])
    active = graph.active_mask(removed_edge_ids=removed_edge_ids)
    f = bridge_forest(graph, active, np.array([t]))
    c = f.comp[nodes]
    count = np.where(~f.reached[c], 0, np.where(f.marked[c] > 0, 2, 1)).astype("int64")
    exact = np.ones(nodes.size, dtype=bool)
    u, v = graph.u, graph.v
    inside = active & (u != v) & (f.comp[u] == f.comp[t]) & (f.comp[v] == f.comp[t])
    degree = np.bincount(u[inside], minlength=graph.n_nodes) + np.bincount(
        v[inside], minlength=graph.n_nodes
    )
    flow = (count >= 2) & (nodes != t) & (np.minimum(degree[nodes], degree[t]) > 2)
    need = np.unique(nodes[flow])
    if need.size * 2 * int(inside.sum()) > max_flow_work:
        exact[flow] = False
    elif need.size:
        members = np.flatnonzero(f.comp == f.comp[t])
        local = np.full(graph.n_nodes, -1, dtype="int64")
        local[members] = np.arange(members.size)
        a, b = local[u[inside]], local[v[inside]]
        capacity = csr_matrix(
            (np.ones(2 * a.size, dtype="int32"), (np.r_[a, b], np.r_[b, a])),
            shape=(members.size,) * 2,
        )
        capacity.sum_duplicates()
        found = np.array(
            [maximum_flow(capacity, int(local[x]), int(local[t])).flow_value for x in need],
            dtype="int64",
        )
        count[flow] = found[np.searchsorted(need, nodes[flow])]
    exact[nodes == t] = bool(exact[nodes != t].all())
    return count, exact
