"""The road graph: an undirected multigraph of lon/lat nodes and one table row per edge.

:class:`RoadGraph` stores node coordinates and the edge table, and builds the CSR matrices every
algorithm runs on (``scipy.sparse.csgraph``). The algorithms live in their own modules, which
import this one and never the reverse: :mod:`geo.graph_build` (noding lines into a graph),
:mod:`geo.routing` (snapping, shortest paths), :mod:`geo.resilience` (bridges),
:mod:`geo.redundancy` (single-link redundancy); :mod:`geo.network` re-exports them all.

Nodes and edges are referred to by position (``0 .. n_nodes - 1``, ``0 .. n_edges - 1``);
edges also carry a stable string ``edge_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix

from minusma.geo._errors import GraphError, ParameterError, UnknownNameError

_T = TypeVar("_T")

logger = logging.getLogger(__name__)

__all__ = ["EDGE_COLUMNS", "RoadGraph"]

EDGE_COLUMNS = ("edge_id", "u", "v", "length_km", "road_class")


def _ids(values: str | Iterable) -> list:
    """A single id or an iterable of ids, as a list (a lone string is one id, not characters)."""
    return [values] if isinstance(values, str) or np.isscalar(values) else list(values)


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """An undirected road multigraph with lon/lat nodes and a table of edges.

    Treat it as immutable: CSR matrices and bridge sets are cached on first use (what depends
    only on the nodes and edge ends is shared with the graphs :meth:`with_edge_column` derives;
    :meth:`clear_caches` drops everything). Add a column with :meth:`with_edge_column`, which
    returns a new graph.

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
    _topology: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        """Validate the nodes and the edge table (see the class docstring)."""
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
        index; anything else is taken in edge order. Unless ``name`` is ``edge_id``, ``u`` or
        ``v``, the new graph shares this one's topology caches (sorted arcs, bridges, id index).

        Parameters
        ----------
        name
            The edge column to add or replace.
        values
            One value per edge.

        Returns
        -------
        RoadGraph
            A new graph; this one is unchanged.

        Raises
        ------
        GraphError
            A Series indexed neither by edge position nor by every ``edge_id``.
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
        out = RoadGraph(self.node_lon, self.node_lat, edges)
        if name not in ("edge_id", "u", "v"):
            object.__setattr__(out, "_topology", self._topology)
        return out

    def with_edge_columns(self, columns: dict[str, ArrayLike]) -> RoadGraph:
        """A new graph with the edge columns ``columns`` set at once.

        One shallow copy of the edge table, no re-validation of the unchanged nodes, ids and ends,
        and this graph's topology caches shared. Names other than ``edge_id``, ``u``, ``v`` and
        ``length_km`` only (weights are checked when :meth:`weights` reads them).

        Parameters
        ----------
        columns
            Column name -> values in edge order.

        Returns
        -------
        RoadGraph
            The new graph; this one is unchanged.
        """
        bad = sorted(set(columns) & {"edge_id", "u", "v", "length_km"})
        if bad:
            raise ParameterError(f"with_edge_columns cannot set {bad}; use with_edge_column")
        edges = self.edges.copy(deep=False)
        for name, values in columns.items():
            arr = np.asarray(values)
            if arr.shape != (self.n_edges,):
                raise GraphError(f"values for {name!r} must have one value per edge")
            edges[name] = arr
        out = object.__new__(RoadGraph)
        for name, value in (
            ("node_lon", self.node_lon),
            ("node_lat", self.node_lat),
            ("edges", edges),
            ("_cache", {}),
            ("_topology", self._topology),
        ):
            object.__setattr__(out, name, value)
        return out

    def clear_caches(self) -> None:
        """Drop every cached matrix, arc order and bridge set.

        Those of the graphs sharing this topology go too; the next call pays the full cost again
        (cold benchmarks).
        """
        self._cache.clear()
        self._topology.clear()

    def topology_cached(self, key: object, build: Callable[[], _T]) -> _T:
        """``build()``, cached under ``key`` with the graph's topology.

        For results that depend only on the nodes and the edges' ends and ids (not on any
        weight); shared with the graphs sharing this topology.

        Parameters
        ----------
        key
            The cache key (unique per kind of result).
        build
            Computes the result from the graph.

        Returns
        -------
        object
            The result of ``build()``, computed on the first call.
        """
        if key not in self._topology:
            self._topology[key] = build()
        return self._topology[key]

    def node_positions(self, nodes: int | ArrayLike, *, name: str = "nodes") -> NDArray:
        """``nodes`` as validated node positions (int64 array).

        Parameters
        ----------
        nodes
            One node position or several.
        name
            The argument's name in the error message.

        Returns
        -------
        numpy.ndarray of int64
            The positions, at least 1-D.

        Raises
        ------
        ParameterError
            Naming ``name`` when a value is not a position ``0 .. n_nodes - 1``.
        """
        arr = np.atleast_1d(np.asarray(nodes))
        if arr.size and (arr.dtype.kind not in "iu" or arr.min() < 0 or arr.max() >= self.n_nodes):
            raise ParameterError(
                f"{name} must be node positions 0..{self.n_nodes - 1} (drop unsnapped -1 first), "
                f"got {arr[:5].tolist()}"
            )
        return arr.astype("int64")

    def edge_positions(self, edge_ids: str | Iterable) -> NDArray:
        """Positions of ``edge_ids`` in :attr:`edges`.

        Parameters
        ----------
        edge_ids
            One edge id or an iterable of them (a lone string is one id).

        Returns
        -------
        numpy.ndarray of int64
            The positions, in the order of ``edge_ids``.

        Raises
        ------
        UnknownNameError
            Naming the ids that are not edges of the graph.
        """
        ids = _ids(edge_ids)
        if not ids:
            return np.empty(0, "int64")
        index = self.topology_cached("id_index", lambda: pd.Index(self.edges["edge_id"]))
        pos = index.get_indexer(pd.Index(ids, dtype=object))
        if (pos < 0).any():
            unknown = [ids[i] for i in np.flatnonzero(pos < 0)[:5]]
            raise UnknownNameError(
                f"unknown edge id(s) {unknown}; ids are the graph's 'edge_id' values"
            )
        return pos.astype("int64")

    def active_mask(
        self, weight: str | None = None, *, removed_edge_ids: str | Iterable = ()
    ) -> NDArray:
        """Edges that exist for ``weight``: finite weight (any edge if ``None``) and not removed.

        Parameters
        ----------
        weight
            The edge column whose finite values make an edge exist; None: every edge.
        removed_edge_ids
            Edge ids to treat as cut (what-if).

        Returns
        -------
        numpy.ndarray of bool
            One value per edge.
        """
        active = (
            np.ones(self.n_edges, dtype=bool)
            if weight is None
            else np.isfinite(self.weights(weight))
        )
        active[self.edge_positions(removed_edge_ids)] = False
        return active

    def weights(self, weight: str) -> NDArray:
        """Edge weights from column ``weight`` as float; NaN or inf means the edge is absent.

        Parameters
        ----------
        weight
            A numeric edge column (``length_km``, ``travel_h``, ...).

        Returns
        -------
        numpy.ndarray of float64
            One weight per edge.

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

    def _arcs(self) -> dict:
        """Both arcs of every non-loop edge sorted once by (row, col, edge), in CSR layout.

        ``indptr`` (row starts), ``cols`` and ``edge`` (the edge position of each arc), with the
        arcs in groups of parallel arcs (``multi``: their positions; ``multi_group``: a label
        per group, ascending); shared by every weight and every derived graph.
        """

        def build() -> dict:
            u, v = self.u, self.v
            n, m = self.n_nodes, max(self.n_edges, 1)
            sel = np.flatnonzero(u != v)
            rows = np.concatenate([u[sel], v[sel]])
            cols = np.concatenate([v[sel], u[sel]])
            ep = np.concatenate([sel, sel])
            if n * n * m < 2**63:  # one int64 key per arc: one sort, no lexsort
                key = (rows * n + cols) * m + ep
                del rows, cols, ep
                key.sort()
                ep, pair = key % m, key // m  # pair: row * n + col
                del key
                rows = pair // n
                cols = pair - rows * n
            else:
                order = np.lexsort((ep, cols, rows))
                rows, cols, ep = rows[order], cols[order], ep[order]
                pair = rows * n + cols if n * n < 2**63 else None
            if pair is not None:
                same = pair[1:] == pair[:-1]
            else:
                same = (rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1])
            del pair
            index = "int32" if max(n, rows.size) < 2**31 else "int64"
            indptr = np.zeros(n + 1, dtype=index)
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
            multi = np.zeros(rows.size, dtype=bool)
            multi[1:] |= same
            multi[:-1] |= same
            multi_pos = np.flatnonzero(multi)
            start = np.ones(multi_pos.size, dtype=bool)  # a group starts where the pair changes
            start[1:] = ~same[multi_pos[1:] - 1]
            return {
                "indptr": indptr,
                "cols": cols.astype(index),
                "edge": ep.astype("int32" if m < 2**31 else "int64"),
                "multi": multi_pos,
                "multi_group": np.cumsum(start),
            }

        return self.topology_cached("arcs", build)

    def csr_without(self, weight: str, removed: NDArray) -> tuple[csr_matrix, NDArray]:
        """:meth:`csr_with_edges` without the edges at positions ``removed``, uncached.

        O(m) from the arcs sorted once per topology: no sort per weight or per removal (only the
        few groups of parallel arcs are ordered by weight).

        Parameters
        ----------
        weight
            The edge column of the matrix values.
        removed
            Edge positions to leave out.

        Returns
        -------
        matrix : scipy.sparse.csr_matrix
            As :meth:`csr`.
        arc_edge : numpy.ndarray of int
            The edge position of each stored entry.
        """
        matrix, arc_edge, _ = self._csr(weight, removed)
        return matrix, arc_edge

    def _csr(self, weight: str, removed: NDArray) -> tuple[csr_matrix, NDArray, NDArray | None]:
        """The matrix of :meth:`csr_without`, its arc edges and which sorted arcs it keeps.

        When it keeps every arc, its indices, index pointer and arc edges are the topology's
        arrays themselves (no copy; ``keep`` is None): matrices of several weights share them.
        """
        arcs = self._arcs()
        ep = arcs["edge"]
        w = self.weights(weight)[ep]
        keep = np.isfinite(w)
        if np.size(removed):
            gone = np.zeros(self.n_edges, dtype=bool)
            gone[removed] = True
            keep &= ~gone[ep]
        multi = arcs["multi"]
        par = multi[keep[multi]]
        if par.size:  # cheapest of each group of parallel arcs; ties: lowest edge position
            group = arcs["multi_group"][keep[multi]]
            order = np.lexsort((w[par], group))
            par, group = par[order], group[order]
            later = np.zeros(par.size, dtype=bool)
            later[1:] = group[1:] == group[:-1]
            keep[par[later]] = False
        shape = (self.n_nodes, self.n_nodes)
        if keep.all():
            return csr_matrix((w, arcs["cols"], arcs["indptr"]), shape=shape), ep, None
        kept = np.zeros(keep.size + 1, dtype=arcs["indptr"].dtype)
        np.cumsum(keep, out=kept[1:])
        indptr = kept[arcs["indptr"]]
        del kept
        matrix = csr_matrix((w[keep], arcs["cols"][keep], indptr), shape=shape)
        return matrix, ep[keep], keep

    def csr_with_edges(
        self, weight: str = "length_km", *, removed_edge_ids: str | Iterable = ()
    ) -> tuple[csr_matrix, NDArray]:
        """Like :meth:`csr`, plus the edge position behind every stored entry (``matrix.data``).

        Parameters
        ----------
        weight
            The edge column of the matrix values.
        removed_edge_ids
            Edge ids to treat as cut (what-if).

        Returns
        -------
        matrix : scipy.sparse.csr_matrix
            As :meth:`csr`.
        arc_edge : numpy.ndarray of int
            The edge position of each stored entry (``matrix.data``).
        """
        removed = self.edge_positions(removed_edge_ids)
        if removed.size:
            return self.csr_without(weight, removed)
        key = ("csr", weight)
        if key not in self._cache:
            matrix, arc_edge, keep = self._csr(weight, removed)
            if keep is not None:  # the structure of another weight keeping the same arcs
                indices, indptr, arc_edge = self.topology_cached(
                    ("csr_structure", np.packbits(keep).tobytes()),
                    lambda: (matrix.indices, matrix.indptr, arc_edge),
                )
                matrix = csr_matrix((matrix.data, indices, indptr), shape=matrix.shape)
            self._cache[key] = (matrix, arc_edge)
        return self._cache[key]

    def csr(
        self, weight: str = "length_km", *, removed_edge_ids: str | Iterable = ()
    ) -> csr_matrix:
        """Symmetric CSR matrix of edge weights.

        Parallel edges keep their minimum weight; self-loops and edges whose weight is NaN (or
        inf) are absent; zero weights are stored explicitly (csgraph treats them as edges).
        The matrix without removals is cached per weight (weights keeping the same arcs share
        its indices, index pointer and arc edges: one copy of the structure, values per weight);
        with removals it is rebuilt in O(m) from the arcs sorted once per topology.

        Parameters
        ----------
        weight
            The edge column of the matrix values.
        removed_edge_ids
            Edge ids to treat as cut (what-if).

        Returns
        -------
        scipy.sparse.csr_matrix
            Nodes x nodes, symmetric.
        """
        return self.csr_with_edges(weight, removed_edge_ids=removed_edge_ids)[0]
