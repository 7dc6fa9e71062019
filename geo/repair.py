"""Shortest-path distances repaired after a change, instead of recomputed from scratch.

When sources close or edges are cut, distances can only grow, and only at the nodes whose
shortest path used what went away: the nodes reached from a closed source, and the nodes below a
cut edge in the shortest-path tree. :func:`repair` recomputes those nodes alone: each is seeded
with its best distance through an unaffected neighbour (whose distance did not change), then a
Dijkstra runs on the subgraph of affected nodes from one virtual source joined to every seeded
node by an arc of its seed's length. The sums are the same floating-point sums a full run makes
(seed = neighbour distance + arc weight, then arc by arc), so the distances are identical to a
full :func:`geo.routing.distances_from` run on the changed graph; only the source a node reports
among sources at exactly equal distance may differ (tested against full runs in
``tests/test_whatif_oracle.py``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra

__all__ = ["descendants", "repair", "shortest_tree"]


def descendants(predecessors: NDArray, roots: NDArray) -> NDArray:
    """Mask of the nodes at or below ``roots`` in a shortest-path forest.

    Parameters
    ----------
    predecessors
        Predecessor of every node (-9999 or any negative value: a source or an unreached node).
    roots
        Node positions.

    Returns
    -------
    numpy.ndarray
        Boolean mask over the nodes: the roots and every node whose path runs through one.
    """
    n = predecessors.size
    child = np.flatnonzero(predecessors >= 0)
    tree = csr_matrix(
        (np.ones(child.size, dtype=np.int8), (predecessors[child], child)), shape=(n, n)
    )
    out = np.zeros(n, dtype=bool)
    for root in np.unique(np.asarray(roots, dtype="int64")):
        if not out[root]:
            out[breadth_first_order(tree, int(root), directed=True, return_predecessors=False)] = (
                True
            )
    return out


def _first_after_root(pred: NDArray, root: int) -> NDArray:
    """For every node of a Dijkstra tree from ``root``, the node just below ``root`` on its path.

    Itself for the root's children, -1 when unreached; by pointer jumping, O(n log depth).
    """
    n = pred.size
    # the root's children point to themselves, unreached nodes (and the root) to a sink at n
    up = np.where(pred == root, np.arange(n), pred)
    up = np.append(np.where(up < 0, n, up), n)
    while True:
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        up = nxt
    return np.where(up[:n] == n, -1, up[:n])


def repair(
    matrix: csr_matrix,
    dist: NDArray,
    source_of: NDArray,
    predecessors: NDArray,
    affected: NDArray,
    *,
    sources: bool = True,
    tree: bool = True,
) -> tuple[NDArray, NDArray | None, NDArray | None]:
    """Distances, sources and predecessors after a change that touches only ``affected`` nodes.

    Parameters
    ----------
    matrix
        The changed graph as a symmetric CSR matrix (closed sources and cut edges already gone
        from what the caller passes as sources and arcs).
    dist
        Distance of every node to its nearest source before the change (``inf`` unreached).
    source_of
        The source each node was reached from before the change (-1 unreached).
    predecessors
        Every node's predecessor before the change (-9999 at sources and unreached nodes).
    affected
        Mask of every node whose distance may have changed (reached from a closed source, or at
        or below a cut edge in the tree); every other node must keep its distance.
    sources
        Work out the sources after the change (False: None in their place).
    tree
        Work out the predecessors after the change (False: None in their place).

    Returns
    -------
    dist : numpy.ndarray
        Distances after the change (a new array; the inputs are not changed).
    source_of : numpy.ndarray or None
        Sources after the change (``sources``).
    predecessors : numpy.ndarray or None
        Predecessors after the change (``tree``).
    """
    dist = dist.copy()
    new_source = source_of.copy() if sources else None
    new_pred = predecessors.copy() if tree else None
    affected = np.asarray(affected, dtype=bool)
    nodes = np.flatnonzero(affected)
    k = nodes.size
    if k == 0:
        return dist, new_source, new_pred
    dist[nodes] = np.inf
    # the arcs of the affected nodes, node by node (the CSR rows of ``nodes``, in order; small
    # index types throughout: scipy takes int32 CSR arrays as they are, without checking them)
    itype = np.int32 if matrix.shape[0] < np.iinfo(np.int32).max else np.int64
    arcs = matrix[nodes]
    ptr, nbr, weight = arcs.indptr, arcs.indices, arcs.data
    rows = np.repeat(np.arange(k, dtype=itype), np.diff(ptr))
    inside = affected[nbr]
    # seeds: best distance through an unaffected neighbour (first lowest neighbour on ties)
    outside = ~inside
    out_r, out_n = rows[outside], nbr[outside]
    via = dist[out_n] + weight[outside]
    reach = np.isfinite(via)
    out_r, out_n, via = out_r[reach], out_n[reach], via[reach]
    order = np.lexsort((out_n, via, out_r))
    out_r, out_n, via = out_r[order], out_n[order], via[order]
    first = np.ones(out_r.size, dtype=bool)
    first[1:] = out_r[1:] != out_r[:-1]
    seed_r, seed_n, seed_d = out_r[first], out_n[first], via[first]
    # the subgraph of affected nodes plus a virtual source k joined to every seeded node: the
    # affected nodes' inside arcs by node (CSR order kept), then the virtual source's
    local = np.full(matrix.shape[0], -1, dtype=itype)
    local[nodes] = np.arange(k, dtype=itype)
    kept = np.concatenate([[0], np.cumsum(inside, dtype=itype)])
    sub_ptr = np.append(kept[ptr], kept[-1] + seed_r.size).astype(itype, copy=False)
    sub_c = np.concatenate([local[nbr[inside]], seed_r.astype(itype, copy=False)])
    sub_w = np.concatenate([weight[inside], seed_d])
    sub = csr_matrix((sub_w, sub_c, sub_ptr), shape=(k + 1, k + 1))
    d, pred = dijkstra(sub, directed=True, indices=k, return_predecessors=True)
    d, pred = d[:k], pred[:k]
    top = _first_after_root(np.append(pred, -9999), k)[:k]
    ok = np.isfinite(d) & (top >= 0)
    seed_of = np.full(k, -1, dtype="int64")
    seed_of[seed_r] = seed_n
    at = nodes[ok]
    dist[at] = d[ok]
    if new_source is not None:
        new_source[nodes] = -1
        new_source[at] = source_of[seed_of[top[ok]]]  # seeds are not affected: as before
    if new_pred is not None:
        new_pred[nodes] = -9999
        ext = np.append(nodes, -9999)  # local position -> node (the virtual source: none)
        p = pred[ok]
        new_pred[at] = np.where(p == k, seed_of[ok], np.where(p >= 0, ext[np.maximum(p, 0)], -9999))
    return dist, new_source, new_pred


def shortest_tree(matrix: csr_matrix, sources: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Multi-source Dijkstra, as :func:`geo.routing.distances_from` computes it.

    Parameters
    ----------
    matrix
        The graph as a symmetric CSR matrix.
    sources
        Node positions of the sources (unique).

    Returns
    -------
    dist : numpy.ndarray
        Distance of every node to the nearest source (``inf`` unreached).
    source_of : numpy.ndarray
        That source (-1 unreached).
    predecessors : numpy.ndarray
        Every node's predecessor (-9999 at sources and unreached nodes).
    """
    n = matrix.shape[0]
    if np.size(sources) == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype="int64"), np.full(n, -9999, dtype="int32")
    dist, pred, source_of = dijkstra(
        matrix, directed=True, indices=sources, min_only=True, return_predecessors=True
    )
    source_of = np.where(np.isfinite(dist), source_of, -1).astype("int64")
    return dist, source_of, pred.astype("int32")
