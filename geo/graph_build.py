"""Road graphs from road lines: noding OSM ways, corridors, tracks and ferry links.

:func:`graph_from_lines` puts nodes at line end points and shared vertices, merges nodes within a
tolerance and splits the lines at the nodes into the edges of a :class:`geo.graph.RoadGraph`.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from minusma.geo._errors import GraphError, ParameterError, SchemaError
from minusma.geo._validate import raise_problems
from minusma.geo.crs import WGS84, to_wgs84
from minusma.geo.distance import EARTH_RADIUS_KM, geodesic_km
from minusma.geo.graph import RoadGraph

logger = logging.getLogger(__name__)

__all__ = ["RESERVED_COLUMNS", "graph_from_lines"]

#: Edge-table columns written by :func:`graph_from_lines`; input columns may not use these names.
RESERVED_COLUMNS = (
    "edge_id",
    "u",
    "v",
    "length_km",
    "length_source",
    "road_class",
    "source_id",
    "source_part",
)


def _check_lines(lines, edge_id_column, length_km_column, class_column, node_tolerance_km):
    if not isinstance(lines, gpd.GeoDataFrame):
        raise SchemaError(
            f"lines must be a GeoDataFrame of (multi)lines, got {type(lines).__name__}"
        )
    if not (np.isfinite(node_tolerance_km) and node_tolerance_km >= 0):
        raise ParameterError(
            f"node_tolerance_km must be finite and >= 0, got {node_tolerance_km!r}"
        )
    if len(lines) == 0:
        raise GraphError("lines is empty: a road graph needs at least one line")
    lines = to_wgs84(lines, name="lines")
    problems = []
    roles = {
        "edge_id_column": edge_id_column,
        "length_km_column": length_km_column,
        "class_column": class_column,
    }
    for role, col in roles.items():
        if col is not None and col not in lines.columns:
            problems.append(f"{role}={col!r} is not a column; columns: {list(lines.columns)}")
    if edge_id_column in lines.columns:
        ids = lines[edge_id_column]
        if ids.isna().any() or ids.duplicated().any():
            problems.append(f"column {edge_id_column!r} must be unique and not null")
    if length_km_column in lines.columns:
        length = pd.to_numeric(lines[length_km_column], errors="coerce")
        if (length.isna() & lines[length_km_column].notna()).any() or (length < 0).any():
            problems.append(f"column {length_km_column!r} must hold lengths in km >= 0 (or null)")
    geom = lines.geometry
    bad = geom.isna() | geom.is_empty
    if bad.any():
        problems.append(f"null or empty geometry in rows {list(lines.index[bad][:5])}")
    wrong = ~bad & ~geom.geom_type.isin(["LineString", "MultiLineString"])
    if wrong.any():
        problems.append(
            "geometry must be LineString or MultiLineString; "
            f"found {sorted(set(geom[wrong].geom_type))}"
        )
    elif (~bad & (shapely.length(geom.to_numpy()) == 0)).any():
        problems.append("zero-length line(s): every line needs two distinct vertices")
    if not bad.all():
        x0, y0, x1, y1 = geom[~bad].total_bounds
        if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
            problems.append(
                f"coordinates outside lon/lat range (bounds {[x0, y0, x1, y1]}); is the CRS right?"
            )
    own = {edge_id_column, length_km_column, class_column, lines.geometry.name}
    clash = [c for c in lines.columns if c in RESERVED_COLUMNS and c not in own]
    if clash:
        problems.append(
            f"column(s) {clash} would be overwritten; rename them or pass them as options"
        )
    raise_problems(problems, name="graph_from_lines")
    return lines


def _close_pairs(lon: NDArray, lat: NDArray, tolerance_km: float) -> NDArray:
    """Pairs ``i < j`` of points at most ``tolerance_km`` apart (geodesic), shape ``(k, 2)``."""
    if tolerance_km <= 0 or lon.size < 2:
        return np.empty((0, 2), dtype="int64")
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    xyz = np.column_stack(
        [np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)]
    )
    chord = 2 * np.sin(
        tolerance_km * 1.01 / (2 * EARTH_RADIUS_KM)
    )  # 1 % margin: ellipsoid vs sphere
    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray").astype("int64")
    dist = np.atleast_1d(
        geodesic_km(lon[pairs[:, 0]], lat[pairs[:, 0]], lon[pairs[:, 1]], lat[pairs[:, 1]])
    )
    return pairs[dist <= tolerance_km]


def _node_labels(
    coords: NDArray, part_of: NDArray, is_end: NDArray, tolerance_km: float
) -> tuple[NDArray, NDArray]:
    """Node label of every vertex (-1 if not a node) and node coordinates, ordered by first use."""
    uniq, inv = np.unique(coords, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    endpoint = np.bincount(inv, weights=is_end, minlength=len(uniq)) > 0
    candidate = endpoint | (
        np.bincount(inv, minlength=len(uniq)) >= 2
    )  # shared vertices are junctions
    pairs = _close_pairs(uniq[:, 0], uniq[:, 1], tolerance_km)
    # an interior vertex of another line within tolerance of an end point becomes a junction too
    one_end = pairs[endpoint[pairs[:, 0]] != endpoint[pairs[:, 1]]]
    one_end = np.where(endpoint[one_end[:, :1]], one_end, one_end[:, ::-1])  # (end, other)
    one_end = one_end[~candidate[one_end[:, 1]]]
    if len(one_end):
        involved = np.isin(inv, one_end.ravel())
        parts: dict[int, set[int]] = {}
        for c, p in zip(inv[involved].tolist(), part_of[involved].tolist()):
            parts.setdefault(c, set()).add(p)
        for e, o in one_end.tolist():
            if parts[o] - parts[e]:
                candidate[o] = True
    cidx = np.flatnonzero(candidate)
    pos = np.full(len(uniq), -1)
    pos[cidx] = np.arange(cidx.size)
    pairs = pairs[candidate[pairs[:, 0]] & candidate[pairs[:, 1]]]
    adj = csr_matrix(
        (np.ones(len(pairs)), (pos[pairs[:, 0]], pos[pairs[:, 1]])), shape=(cidx.size,) * 2
    )
    n_clusters, cluster = connected_components(adj, directed=False)
    label = np.full(len(uniq), -1)
    label[cidx] = cluster
    vlabel = label[inv]
    first = np.full(n_clusters, len(coords))
    is_node = vlabel >= 0
    np.minimum.at(first, vlabel[is_node], np.flatnonzero(is_node))
    order = np.argsort(first)
    rank = np.empty(n_clusters, dtype="int64")
    rank[order] = np.arange(n_clusters)
    return np.where(is_node, rank[np.maximum(vlabel, 0)], -1), coords[first[order]]


def graph_from_lines(
    lines: gpd.GeoDataFrame,
    *,
    edge_id_column: str,
    length_km_column: str | None = None,
    class_column: str | None = None,
    node_tolerance_km: float = 0.01,
) -> RoadGraph:
    """Build a :class:`RoadGraph` from road lines (OSM ways, corridors, tracks, ferry links).

    Nodes sit at line end points and at vertices shared by two or more lines (OSM ways that
    share a vertex form a junction; lines that cross without a shared vertex do not: that is a
    bridge or an overpass). An interior vertex within ``node_tolerance_km`` of another line's end
    point also becomes a junction. Nodes within the tolerance are merged (single linkage) and take
    the coordinate of their first vertex in input order. Lines are split at nodes; lines that
    cross without a vertex in common are not noded (node them first if they should meet).

    Parameters
    ----------
    lines
        LineString/MultiLineString GeoDataFrame with a CRS (reprojected to EPSG:4326).
        MultiLineStrings are exploded into parts.
    edge_id_column
        Unique line id. Edge ids are ``"{id}"`` for a line that yields one edge, else
        ``"{id}#{k}"`` with ``k = 0, 1, ...`` along the parts and the line.
    length_km_column
        Published length in km, used for lines that yield exactly one edge when not null;
        otherwise (and for every split part) the geodesic length of the geometry is used.
        ``length_source`` records which (``"column"`` or ``"geodesic"``).
    class_column
        Road class (``road_class``), e.g. ``"paved"``, ``"track"``, ``"ferry"``; null if omitted.
    node_tolerance_km
        Distance within which end points and junctions merge; 0 merges only identical points.

    Returns
    -------
    RoadGraph
        ``edges`` is a GeoDataFrame: ``edge_id, u, v, length_km, length_source, road_class,
        source_id, source_part``, the other input columns, and the piece ``geometry``.

    Raises
    ------
    SchemaError
        Listing every problem with ``lines`` (no CRS, missing columns, duplicate ids, geometry
        types, coordinates outside lon/lat range, reserved column names).
    GraphError
        If ``lines`` is empty or derived edge ids collide.
    """
    lines = _check_lines(lines, edge_id_column, length_km_column, class_column, node_tolerance_km)
    parts, line_of_part = shapely.get_parts(lines.geometry.to_numpy(), return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    dup = np.zeros(len(coords), dtype=bool)  # repeated consecutive vertices carry no length
    dup[1:] = (part_of[1:] == part_of[:-1]) & (coords[1:] == coords[:-1]).all(axis=1)
    coords, part_of = coords[~dup], part_of[~dup]
    start = np.searchsorted(part_of, np.arange(len(parts)))
    end = np.searchsorted(part_of, np.arange(len(parts)), side="right") - 1
    is_end = np.zeros(len(coords))
    is_end[start] = is_end[end] = 1
    node_of, node_xy = _node_labels(coords, part_of, is_end, node_tolerance_km)

    at = np.flatnonzero(node_of >= 0)
    a, b = at[:-1], at[1:]
    keep = (part_of[a] == part_of[b]) & ~((b == a + 1) & (node_of[a] == node_of[b]))
    a, b = a[keep], b[keep]
    lonely = np.flatnonzero(np.bincount(part_of[a], minlength=len(parts)) == 0)
    if lonely.size:  # a part shorter than the tolerance collapses onto one node: keep it as a loop
        logger.info("%d line part(s) collapse onto a single node; kept as self-loops", lonely.size)
    a, b = np.concatenate([a, start[lonely]]), np.concatenate([b, end[lonely]])
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]

    n_vert = b - a + 1
    piece = np.repeat(np.arange(a.size), n_vert)
    vert = a[piece] + np.arange(n_vert.sum()) - np.repeat(np.cumsum(n_vert) - n_vert, n_vert)
    geometry = shapely.linestrings(coords[vert], indices=piece)
    seg = np.flatnonzero(piece[1:] == piece[:-1])
    seg_km = geodesic_km(
        coords[vert[seg], 0],
        coords[vert[seg], 1],
        coords[vert[seg + 1], 0],
        coords[vert[seg + 1], 1],
    )
    length_km = np.bincount(piece[seg], weights=np.atleast_1d(seg_km), minlength=a.size)

    line = line_of_part[part_of[a]]
    n_pieces = np.bincount(line, minlength=len(lines))[line]
    k = np.arange(a.size) - np.searchsorted(line, line)
    source_id = lines[edge_id_column].to_numpy()[line]
    edge_id = [str(s) if n == 1 else f"{s}#{j}" for s, n, j in zip(source_id, n_pieces, k)]
    if len(set(edge_id)) != len(edge_id):
        raise GraphError(
            "derived edge ids collide (an id like 'x#0' exists alongside a split line 'x'); "
            "rename ids"
        )
    source: str | np.ndarray = "geodesic"
    if length_km_column is not None:
        given = pd.to_numeric(lines[length_km_column], errors="coerce").to_numpy(dtype="float64")[
            line
        ]
        use = (n_pieces == 1) & np.isfinite(given)
        length_km = np.where(use, given, length_km)
        source = np.where(use, "column", "geodesic")
    first_part = np.searchsorted(line_of_part, line_of_part)
    passthrough = [
        c
        for c in lines.columns
        if c not in {edge_id_column, length_km_column, class_column, lines.geometry.name}
    ]
    edges = pd.DataFrame(
        {
            "edge_id": edge_id,
            "u": node_of[a],
            "v": node_of[b],
            "length_km": length_km,
            "length_source": source,
            "road_class": lines[class_column].to_numpy()[line] if class_column else None,
            "source_id": source_id,
            "source_part": (part_of[a] - first_part[part_of[a]]).astype("int64"),
        }
    )
    extra = lines[passthrough].iloc[line].reset_index(drop=True)
    edges = gpd.GeoDataFrame(pd.concat([edges, extra], axis=1), geometry=geometry, crs=WGS84)
    logger.debug(
        "graph_from_lines: %d lines -> %d nodes, %d edges", len(lines), len(node_xy), len(edges)
    )
    return RoadGraph(node_xy[:, 0], node_xy[:, 1], edges)
