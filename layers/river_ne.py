"""The Niger from Natural Earth 10m (real course, through Lac Débo); which side a point lies on.

:func:`niger_ne` reads the Natural Earth 1:10m Niger (river + lake centreline) from the data
directory and clips it to Mali's outline (the shipped :func:`layers.regions` union).
:func:`riverside` measures the geodesic distance from points to a river line, and
:func:`side_of_river` says whether points lie north (left bank) or south (right bank) of it. Both
work with the NE line or the shipped schematic :func:`layers.river`.

Examples
--------
>>> from minusma.layers import river_ne, towns
>>> line = river_ne.niger_ne("../shared/data")  # doctest: +SKIP
>>> river_ne.side_of_river(towns(), line)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from minusma.geo._errors import ParameterError
from minusma.geo.crs import to_wgs84
from minusma.geo.distance import geometry_length_km, nearest_km
from minusma.layers._common import finish
from minusma.layers.datasets import read_dataset
from minusma.layers.regions import regions
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = [
    "SCHEMA",
    "main_stem",
    "niger_ne",
    "north_bank_polygon",
    "riverside",
    "side_of_river",
]

#: Vertex spacing (degrees) of the densified line used for distances; the nearest-vertex distance
#: then over-estimates the distance to the line by at most about half a spacing (~0.6 km), usually
#: far less.
DENSIFY_DEG = 0.01

#: Channel end points closer than this (degrees) are taken to be the same junction.
SNAP_DEG = 0.002

SCHEMA = get_info("niger_ne").schema


def niger_ne(data_dir: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The NE 10m Niger clipped to Mali (schema :data:`SCHEMA`), one row per NE feature.

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``), read through
        :func:`layers.datasets.read_dataset`.

    Returns
    -------
    geopandas.GeoDataFrame
        The Niger's Natural Earth features inside Mali's regions, with ``river_id`` and
        ``length_km`` (geodesic).
    """
    raw = read_dataset("ne_niger", data_dir)
    raw = raw[raw["name"] == "Niger"].copy()
    mali = regions().union_all()
    raw["geometry"] = raw.geometry.intersection(mali)
    raw = raw[~raw.geometry.is_empty].copy()
    raw["river_id"] = "niger-" + raw["featurecla"].str.lower().str.replace(" ", "-")
    raw["length_km"] = raw.geometry.map(geometry_length_km).astype("float64")
    raw["source"] = get_info("niger_ne").sources[0]
    raw["geometry_kind"] = "real"
    return finish(
        gpd.GeoDataFrame(raw, geometry="geometry", crs="EPSG:4326"), SCHEMA, name="niger_ne"
    )


def _as_geometry(river_line: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry) -> BaseGeometry:
    if isinstance(river_line, (gpd.GeoDataFrame, gpd.GeoSeries)):
        frame = (
            river_line
            if isinstance(river_line, gpd.GeoDataFrame)
            else gpd.GeoDataFrame(geometry=river_line)
        )
        return to_wgs84(frame, name="river_line").geometry.union_all()
    if isinstance(river_line, BaseGeometry):
        return river_line
    raise ParameterError(
        f"river_line must be a GeoDataFrame, GeoSeries or shapely geometry, "
        f"got {type(river_line).__name__}"
    )


def main_stem(river_line: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry) -> LineString:
    """One line from the upstream to the downstream end of a (braided) river, in flow order.

    Channels are merged, their end points snapped into junctions (:data:`SNAP_DEG`), and the
    shortest path (geodesic length) is taken from the westernmost dead end to the easternmost one:
    for the Niger in Mali these are the entry from Guinea (upstream) and the exit to Niger
    (downstream). In the Inner Delta the shortest channel is kept.

    Parameters
    ----------
    river_line
        The river's lines (a layer, a series or one geometry), in EPSG:4326.

    Returns
    -------
    shapely.LineString
        The main stem, from upstream (west) to downstream (east).

    Raises
    ------
    ParameterError
        If the line is empty, not linear, or its ends are not connected.
    """
    geom = shapely.line_merge(_as_geometry(river_line))
    parts = [
        g for g in getattr(geom, "geoms", [geom]) if isinstance(g, LineString) and not g.is_empty
    ]
    if not parts:
        raise ParameterError(f"river_line has no line parts (got {geom.geom_type})")
    if len(parts) == 1:
        line = parts[0]
        return line if line.coords[0][0] <= line.coords[-1][0] else line.reverse()
    ends = np.array([[p.coords[0], p.coords[-1]] for p in parts]).reshape(-1, 2)
    pairs = cKDTree(ends).query_pairs(SNAP_DEG, output_type="ndarray")
    n = len(ends)
    adj = (
        coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        if len(pairs)
        else None
    )
    _, node = connected_components(adj if adj is not None else coo_matrix((n, n)), directed=False)
    start, stop = node[0::2], node[1::2]
    lengths = np.array([geometry_length_km(p) for p in parts])
    m = node.max() + 1
    graph = coo_matrix(
        (np.r_[lengths, lengths], (np.r_[start, stop], np.r_[stop, start])), shape=(m, m)
    ).tocsr()
    degree = np.bincount(np.r_[start, stop], minlength=m)
    dead = np.flatnonzero(degree == 1)
    lon = np.array([ends[np.flatnonzero(node == k)[0], 0] for k in range(m)])
    up, down = dead[np.argmin(lon[dead])], dead[np.argmax(lon[dead])]
    _, pred = dijkstra(graph, indices=up, return_predecessors=True)
    if pred[down] < 0:
        raise ParameterError("river_line: its upstream and downstream ends are not connected")
    coords: list[tuple[float, float]] = []
    k = down
    chain = []
    while k != up:
        chain.append((pred[k], k))
        k = pred[k]
    for a, b in reversed(chain):
        cands = [i for i in range(len(parts)) if {start[i], stop[i]} == {a, b}]
        i = min(cands, key=lengths.__getitem__)
        seg = list(parts[i].coords) if start[i] == a else list(parts[i].coords)[::-1]
        coords += seg if not coords else seg[1:]
    return LineString(coords)


def north_bank_polygon(
    river_line: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry, *, margin_deg: float = 20.0
) -> Polygon:
    """The part of the plane north of (left of, looking downstream) the river's main stem.

    The polygon runs down the main stem, then east from its downstream end, north around a box
    ``margin_deg`` beyond the line's extent, west, and back east to its upstream end. It is a
    topological construction only (no measurement is made in degrees).

    Parameters
    ----------
    river_line
        The river's lines (see :func:`main_stem`).
    margin_deg
        How far the box reaches beyond the line's extent (degrees; a topological margin, not a
        distance).

    Returns
    -------
    shapely.Polygon
        The northern part of the plane.

    Raises
    ------
    ParameterError
        If the construction is not a valid polygon (a river that doubles back past its own ends).
    """
    stem = main_stem(river_line)
    (_, y0), (_, y1) = stem.coords[0], stem.coords[-1]
    xmin, _, xmax, ymax = stem.bounds
    east, west, north = xmax + margin_deg, xmin - margin_deg, ymax + margin_deg
    poly = Polygon([*stem.coords, (east, y1), (east, north), (west, north), (west, y0)])
    if not poly.is_valid:
        raise ParameterError(
            f"river_line: north-bank polygon is invalid ({shapely.is_valid_reason(poly)}); "
            "the line must run from west to east without doubling back past its ends"
        )
    return poly


def side_of_river(
    points: gpd.GeoDataFrame, river_line: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry
) -> pd.Series:
    """``"north"`` (left bank) or ``"south"`` (right bank) of the river for each point.

    Method: the plane is split along the river's main stem (see :func:`main_stem`) prolonged east
    and west along the parallels of its two ends, and a point is north when it falls in the northern
    part (:func:`north_bank_polygon`). Along the Niger in Mali the left bank is the north or east
    bank all the way (Ségou and Bamako's centre lie on the right/south bank, Timbuktu and Gao on the
    left bank). Points beyond the ends of the line are classified by the prolonged parallels. A
    point lying exactly on the main stem (e.g. a town vertex of the schematic :func:`layers.river`)
    is ``"on_line"``: its bank cannot be told from that line.

    Parameters
    ----------
    points
        The points to classify (any CRS; reprojected to EPSG:4326).
    river_line
        The river's lines (see :func:`main_stem`).

    Returns
    -------
    pandas.Series
        Named ``side_of_river``, aligned to ``points.index``; null where a point has no geometry.
    """
    stem = main_stem(river_line)
    north = north_bank_polygon(stem)
    pts = to_wgs84(points, name="points").geometry
    present = (pts.notna() & ~pts.is_empty).to_numpy()
    out = pd.Series(None, index=points.index, dtype=object, name="side_of_river")
    values = pts[present].values
    side = np.where(shapely.covers(north, values), "north", "south").astype(object)
    side[shapely.distance(stem, values) < 1e-9] = "on_line"
    out[present] = side
    return out


def riverside(
    points: gpd.GeoDataFrame,
    river_line: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry,
    *,
    within_km: float = 10.0,
) -> pd.DataFrame:
    """Geodesic distance from each point to the river, whether within ``within_km``, its bank.

    The river (all channels) is densified to vertices about :data:`DENSIFY_DEG` apart and each
    point's distance to the nearest vertex is measured on the WGS84 ellipsoid
    (:func:`geo.distance.nearest_km`).

    Parameters
    ----------
    points
        Points (any CRS with one set).
    river_line
        The NE line (:func:`niger_ne`), the schematic :func:`layers.river`, or any linear geometry.
    within_km
        Threshold for ``riverside``.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``points.index``: ``river_km`` (float), ``riverside`` (bool), ``side_of_river``.

    Raises
    ------
    ParameterError
        ``within_km`` is not a non-negative number.
    """
    if not np.isfinite(within_km) or within_km < 0:
        raise ParameterError(f"within_km must be a non-negative number, got {within_km!r}")
    line = _as_geometry(river_line)
    vertices = shapely.get_coordinates(shapely.segmentize(line, DENSIFY_DEG))
    pts = to_wgs84(points, name="points").geometry
    present = (pts.notna() & ~pts.is_empty).to_numpy()
    river_km = np.full(len(pts), np.nan)
    if present.any():
        xy = shapely.get_coordinates(pts[present].values)
        _, river_km[present] = nearest_km(xy[:, 0], xy[:, 1], vertices[:, 0], vertices[:, 1])
    out = pd.DataFrame({"river_km": river_km}, index=points.index)
    out["riverside"] = out["river_km"] <= within_km
    out["side_of_river"] = side_of_river(points, line)
    return out
