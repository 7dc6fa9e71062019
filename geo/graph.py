"""Road networks as undirected multigraphs: the :class:`RoadGraph` and the network API.

A :class:`RoadGraph` stores node coordinates and one table row per undirected edge; every
computation runs on ``scipy.sparse.csgraph`` over CSR matrices built from cached arc arrays,
so a what-if that removes edges costs one O(m) mask, not a rebuild. networkx is not used.

Nodes and edges are referred to by position (``0 .. n_nodes - 1``, ``0 .. n_edges - 1``);
edges also carry a stable string ``edge_id``. Unreachable values are ``inf`` only in the raw
arrays of :func:`distances_from`; every user-facing output uses NaN plus an explicit
``reachable`` flag (see :func:`mask_unreachable`).

This module defines the graph and re-exports the functions that work on it, so
``geo.network.X`` is the one place to import from; each concern lives in its own module:

* :mod:`geo.graph_build`: :func:`graph_from_lines` (noding road lines into a graph);
* :mod:`geo.routing`: :func:`snap_points`, :func:`distances_from`, :func:`node_distances`,
  :func:`mask_unreachable`, :func:`route`;
* :mod:`geo.resilience`: :func:`bridges`, :func:`bridges_to`, :func:`edge_connectivity_class`,
  :func:`edge_connectivity` (single points of failure);
* :mod:`geo.redundancy`: :func:`edge_criticality` (single-link redundancy: detours, stranded).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix

from geo._errors import GraphError, UnknownNameError

# The functions on the graph live in their own modules, which import this one only for type hints
# (or at call time), so there is no cycle; re-exported here, private helpers included, so that code
# written against the single-module layout keeps working.
from geo.graph_build import (
    RESERVED_COLUMNS,
    _check_lines,  # noqa: F401
    _close_pairs,  # noqa: F401
    _node_labels,  # noqa: F401
    graph_from_lines,
)
from geo.redundancy import (
    _FIRST_RADIUS,  # noqa: F401
    _GROWTH,  # noqa: F401
    _alt_parallel,  # noqa: F401
    _detours,  # noqa: F401
    _node_values,  # noqa: F401
    edge_criticality,
)
from geo.resilience import (
    _bridge_forest,  # noqa: F401
    _bridge_mask,  # noqa: F401
    _subtree_sum,  # noqa: F401
    bridges,
    bridges_to,
    edge_connectivity,
    edge_connectivity_class,
)
from geo.routing import (
    Route,
    _nodes,  # noqa: F401
    _path_edges,  # noqa: F401
    distances_from,
    mask_unreachable,
    node_distances,
    route,
    snap_points,
)

logger = logging.getLogger(__name__)

__all__ = [
    "EDGE_COLUMNS",
    "RESERVED_COLUMNS",
    "RoadGraph",
    "Route",
    "bridges",
    "bridges_to",
    "distances_from",
    "edge_connectivity",
    "edge_connectivity_class",
    "edge_criticality",
    "graph_from_lines",
    "mask_unreachable",
    "node_distances",
    "route",
    "snap_points",
]

EDGE_COLUMNS = ("edge_id", "u", "v", "length_km", "road_class")


def _ids(values: str | Iterable) -> list:
    """A single id or an iterable of ids, as a list (a lone string is one id, not characters)."""
    return [values] if isinstance(values, str) or np.isscalar(values) else list(values)


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """An undirected road multigraph with lon/lat nodes and a table of edges.

    Treat it as immutable: CSR matrices and bridge sets are cached on first use. Add a column
    with :meth:`with_edge_column`, which returns a new graph.

    Parameters
    ----------
    node_lon, node_lat
        Node coordinates in degrees (EPSG:4326).
    edges
        One row per undirected edge, with at least ``edge_id`` (unique), ``u``, ``v`` (node
        positions), ``length_km`` (finite, >= 0) and ``road_class`` (may be null); any other
        columns (``travel_h``, source attributes, ``geometry``) pass through. Parallel edges and
        self-loops are allowed. The index is reset to edge positions.

    Raises
    ------
    GraphError
        Listing every problem with the nodes or the edge table.
    """

    node_lon: NDArray
    node_lat: NDArray
    edges: pd.DataFrame
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        lon = np.asarray(self.node_lon, dtype="float64").copy()
        lat = np.asarray(self.node_lat, dtype="float64").copy()
        problems = []
        if lon.shape != lat.shape or lon.ndim != 1:
            problems.append(
                f"node_lon and node_lat must be 1-D of equal length, "
                f"got {lon.shape} and {lat.shape}"
            )
        elif not (np.isfinite(lon).all() and np.isfinite(lat).all()):
            problems.append("node coordinates must be finite")
        missing = [c for c in EDGE_COLUMNS if c not in self.edges.columns]
        if missing:
            problems.append(f"edges lack column(s) {missing}")
        else:
            e = self.edges
            if e["edge_id"].isna().any() or e["edge_id"].duplicated().any():
                dup = e.loc[e["edge_id"].duplicated(keep=False), "edge_id"].astype(str).unique()[:5]
                problems.append(f"edge_id must be unique and not null; duplicates: {list(dup)}")
            for end in ("u", "v"):
                col = pd.to_numeric(e[end], errors="coerce")
                if (
                    col.isna().any()
                    or (col % 1 != 0).any()
                    or ((col < 0) | (col >= lon.size)).any()
                ):
                    problems.append(f"column {end!r} must hold node positions 0..{lon.size - 1}")
            length = pd.to_numeric(e["length_km"], errors="coerce")
            if not (np.isfinite(length) & (length >= 0)).all():
                problems.append("column 'length_km' must be finite and >= 0 on every edge")
        if problems:
            raise GraphError("RoadGraph: " + "; ".join(problems))
        edges = self.edges.reset_index(drop=True)
        edges["u"] = edges["u"].astype("int64")
        edges["v"] = edges["v"].astype("int64")
        edges["length_km"] = edges["length_km"].astype("float64")
        lon.flags.writeable = lat.flags.writeable = False
        object.__setattr__(self, "node_lon", lon)
        object.__setattr__(self, "node_lat", lat)
        object.__setattr__(self, "edges", edges)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_lon.size)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges (parallel edges and self-loops counted)."""
        return len(self.edges)

    @property
    def u(self) -> NDArray:
        """First end node of every edge (positions)."""
        return self.edges["u"].to_numpy()

    @property
    def v(self) -> NDArray:
        """Second end node of every edge (positions)."""
        return self.edges["v"].to_numpy()

    def with_edge_column(self, name: str, values: ArrayLike | pd.Series) -> RoadGraph:
        """A new graph with edge column ``name`` set to ``values``.

        A Series indexed like :attr:`edges` (positions) or by ``edge_id`` is aligned on its
        index; anything else is taken in edge order.
        """
        edges = self.edges.copy()
        if isinstance(values, pd.Series) and not values.index.equals(edges.index):
            ids = pd.Index(edges["edge_id"])
            if not ids.isin(values.index).all():
                raise GraphError(
                    f"values for {name!r} are indexed neither by edge position nor by every edge_id"
                )
            values = values.reindex(ids)
        edges[name] = np.asarray(values)
        return RoadGraph(self.node_lon, self.node_lat, edges)

    def edge_positions(self, edge_ids: str | Iterable) -> NDArray:
        """Positions of ``edge_ids`` in :attr:`edges`.

        Raises
        ------
        UnknownNameError
            Naming the ids that are not edges of the graph.
        """
        ids = _ids(edge_ids)
        if "id_index" not in self._cache:
            self._cache["id_index"] = pd.Index(self.edges["edge_id"])
        pos = (
            self._cache["id_index"].get_indexer(pd.Index(ids, dtype=object))
            if ids
            else np.empty(0, "int64")
        )
        if (pos < 0).any():
            unknown = [ids[i] for i in np.flatnonzero(pos < 0)[:5]]
            raise UnknownNameError(
                f"unknown edge id(s) {unknown}; ids are the graph's 'edge_id' values"
            )
        return pos.astype("int64")

    def active_mask(
        self, weight: str | None = None, *, removed_edge_ids: str | Iterable = ()
    ) -> NDArray:
        """Edges that exist for ``weight``: finite weight (any edge if ``None``) and not removed."""
        active = (
            np.ones(self.n_edges, dtype=bool)
            if weight is None
            else np.isfinite(self.weights(weight))
        )
        active[self.edge_positions(removed_edge_ids)] = False
        return active

    def weights(self, weight: str) -> NDArray:
        """Edge weights from column ``weight`` as float; NaN or inf means the edge is absent.

        Raises
        ------
        UnknownNameError
            If the column is missing.
        GraphError
            If it is not numeric or holds negative values.
        """
        if weight not in self.edges.columns:
            numeric = [c for c in self.edges.columns if pd.api.types.is_float_dtype(self.edges[c])]
            raise UnknownNameError(
                f"no edge column {weight!r} to use as weight; numeric columns: {numeric}"
            )
        try:
            w = self.edges[weight].to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise GraphError(f"edge column {weight!r} is not numeric") from exc
        if (w < 0).any():
            raise GraphError(
                f"edge column {weight!r} has negative values; shortest paths need weights >= 0"
            )
        return w

    def _sorted_arcs(self, weight: str) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        """Both arcs of every finite-weight, non-loop edge, sorted by (row, col, weight, edge)."""
        key = ("arcs", weight)
        if key not in self._cache:
            w = self.weights(weight)
            sel = np.flatnonzero(np.isfinite(w) & (self.u != self.v))
            rows = np.concatenate([self.u[sel], self.v[sel]])
            cols = np.concatenate([self.v[sel], self.u[sel]])
            ww, ep = np.concatenate([w[sel], w[sel]]), np.concatenate([sel, sel])
            order = np.lexsort((ep, ww, cols, rows))
            self._cache[key] = (rows[order], cols[order], ww[order], ep[order])
        return self._cache[key]

    def csr_with_edges(
        self, weight: str = "length_km", *, removed_edge_ids: str | Iterable = ()
    ) -> tuple[csr_matrix, NDArray]:
        """Like :meth:`csr`, plus the edge position behind every stored entry (``matrix.data``)."""
        removed = self.edge_positions(removed_edge_ids)
        key = ("csr", weight)
        if removed.size == 0 and key in self._cache:
            return self._cache[key]
        out = self._csr_without(weight, removed)
        if removed.size == 0:
            self._cache[key] = out
        return out

    def _csr_without(self, weight: str, removed: NDArray) -> tuple[csr_matrix, NDArray]:
        rows, cols, w, ep = self._sorted_arcs(weight)
        if removed.size:
            keep = ~np.isin(ep, removed)
            rows, cols, w, ep = rows[keep], cols[keep], w[keep], ep[keep]
        first = np.ones(rows.size, dtype=bool)  # cheapest of each group of parallel arcs
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, w, ep = rows[first], cols[first], w[first], ep[first]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=self.n_nodes))])
        return csr_matrix((w, cols, indptr), shape=(self.n_nodes, self.n_nodes)), ep

    def csr(
        self, weight: str = "length_km", *, removed_edge_ids: str | Iterable = ()
    ) -> csr_matrix:
        """Symmetric CSR matrix of edge weights.

        Parallel edges keep their minimum weight; self-loops and edges whose weight is NaN (or
        inf) are absent; zero weights are stored explicitly (csgraph treats them as edges).
        The matrix without removals is cached per weight; with removals it is rebuilt from the
        cached sorted arcs in O(m).
        """
        return self.csr_with_edges(weight, removed_edge_ids=removed_edge_ids)[0]
