"""Single points of failure of a road graph: bridges, and the bridges that cut nodes off from hubs.

A bridge is an edge whose loss disconnects its two ends (Tarjan's low-link algorithm). The
2-edge-connected components joined by bridges form the bridge forest, from which
:func:`bridges_to` and :func:`edge_connectivity_class` read which bridges separate every node
from a set of targets; :func:`edge_connectivity` counts edge-disjoint routes exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components, maximum_flow

from geo._errors import ParameterError
from geo.routing import _nodes

if TYPE_CHECKING:
    from geo.network import RoadGraph

__all__ = ["bridges", "bridges_to", "edge_connectivity", "edge_connectivity_class"]


def _bridge_mask(graph: RoadGraph, active: NDArray) -> NDArray:
    """Bridges among the ``active`` edges: iterative Tarjan on the multigraph, O(n + m)."""
    if active.all() and "bridges" in graph._cache:
        return graph._cache["bridges"]
    n, u, v = graph.n_nodes, graph.u, graph.v
    sel = np.flatnonzero(active & (u != v))
    tail, head = np.concatenate([u[sel], v[sel]]), np.concatenate([v[sel], u[sel]])
    order = np.argsort(tail, kind="stable")
    end = np.cumsum(np.bincount(tail, minlength=n)).tolist()
    nxt = [0, *end[:-1]]
    nbr, eid = head[order].tolist(), np.concatenate([sel, sel])[order].tolist()
    disc, low, via = [-1] * n, [0] * n, [-1] * n
    out = np.zeros(graph.n_edges, dtype=bool)
    clock = 0
    for root in range(n):
        if disc[root] >= 0:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack = [root]
        while stack:
            x = stack[-1]
            i = nxt[x]
            if i < end[x]:
                nxt[x] = i + 1
                y = nbr[i]
                if eid[i] == via[x]:  # the edge we came in by; a parallel twin is a way back
                    continue
                if disc[y] < 0:
                    disc[y] = low[y] = clock
                    clock += 1
                    via[y] = eid[i]
                    stack.append(y)
                elif disc[y] < low[x]:
                    low[x] = disc[y]
            else:
                stack.pop()
                if stack:
                    p = stack[-1]
                    low[p] = min(low[p], low[x])
                    if low[x] > disc[p]:
                        out[via[x]] = True
    out.flags.writeable = False
    if active.all():
        graph._cache["bridges"] = out
    return out


def bridges(graph: RoadGraph, *, removed_edge_ids: str | Iterable = ()) -> NDArray:
    """Ids of the bridges: edges whose loss disconnects their two ends, in edge order.

    Tarjan's low-link algorithm, iterative (no recursion limit), O(n + m), on the undirected
    multigraph: an edge with a parallel twin is not a bridge; a self-loop never is.
    """
    mask = _bridge_mask(graph, graph.active_mask(removed_edge_ids=removed_edge_ids))
    return graph.edges["edge_id"].to_numpy()[mask]


def _bridge_forest(graph: RoadGraph, active: NDArray, roots: NDArray | None) -> dict:
    """2-edge-connected components and the bridge forest rooted at the components of ``roots``.

    With ``roots``, each tree holding a root component is hung from its first one and the
    others stay unreached (``parent == -1``); with ``None`` every tree is hung from its first
    component. ``marked`` counts root components in each subtree.
    """
    is_bridge = _bridge_mask(graph, active)
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
    return {
        "comp": comp,
        "is_bridge": is_bridge,
        "parent": parent,
        "via": via,
        "order": order,
        "levels": levels,
        "marked": _subtree_sum(marked, parent, levels),
        "reached": reached,
    }


def _subtree_sum(values: NDArray, parent: NDArray, levels: list[NDArray]) -> NDArray:
    """Sum ``values`` (per component, first axis) over every subtree of the bridge forest."""
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
    targets = _nodes(graph, target_nodes, name="target_nodes")
    f = _bridge_forest(graph, graph.active_mask(removed_edge_ids=removed_edge_ids), targets)
    ids = graph.edges["edge_id"].to_numpy()
    path: list = [None] * len(f["parent"])
    for c in f["order"].tolist():
        p = f["parent"][c]
        if f["marked"][c] > 0:
            path[c] = ()
        else:
            path[c] = (ids[f["via"][c]],) + path[p]
    return pd.Series(
        [path[c] for c in f["comp"].tolist()],
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
    """
    targets = _nodes(graph, target_nodes, name="target_nodes")
    f = _bridge_forest(graph, graph.active_mask(removed_edge_ids=removed_edge_ids), targets)
    comp = f["comp"]
    cls = np.where(~f["reached"][comp], 0, np.where(f["marked"][comp] > 0, 2, 1)).astype("int8")
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
    """
    s, t = (int(x) for x in _nodes(graph, [s, t], name="s/t"))
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
