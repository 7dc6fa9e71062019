"""PRIO-GRID 0.5° cells: ids, centres, cells over a bounding box or a boundary, queen neighbours.

PRIO-GRID (Tollefsen, Strand & Buhaug 2012, *Journal of Peace Research* 49(2)) divides the globe
into 0.5° x 0.5° cells, 720 columns by 360 rows, numbered from the south-west corner (-90°, -180°)
row by row::

    row = floor((lat + 90) / 0.5)      col = floor((lon + 180) / 0.5)
    gid = row * 720 + col + 1

so gid 1 is the cell whose south-west corner is (-180°, -90°). UCDP GED carries the same number in
its ``priogrid_gid`` column. A point on a cell edge belongs to the cell to its north and east;
latitude 90° and longitude 180° belong to the last row and column.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from numpy.typing import ArrayLike, NDArray

from minusma.geo._errors import ParameterError
from minusma.geo.crs import WGS84

__all__ = [
    "CELL_DEG",
    "N_COLS",
    "N_ROWS",
    "cell_center",
    "cell_polygons",
    "cells",
    "gid",
    "gid_col",
    "gid_row",
    "queen_neighbours",
]

#: Cell side in degrees.
CELL_DEG = 0.5
#: Columns (longitude) and rows (latitude) of the global grid.
N_COLS = 720
N_ROWS = 360


def _check_gid(gids: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(gids)
    if arr.size and (not np.issubdtype(arr.dtype, np.integer)):
        if not np.all(np.isfinite(arr.astype(float))) or np.any(arr % 1 != 0):
            raise ParameterError("PRIO-GRID gids must be whole numbers 1..259200")
        arr = arr.astype(np.int64)
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 1 or arr.max() > N_COLS * N_ROWS):
        raise ParameterError(
            f"PRIO-GRID gids run from 1 to {N_COLS * N_ROWS}; got {arr.min()}..{arr.max()}"
        )
    return arr


def gid(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.int64]:
    """The PRIO-GRID cell id of each point (vectorised).

    Parameters
    ----------
    lon
        Longitudes in [-180, 180], degrees (EPSG:4326).
    lat
        Latitudes in [-90, 90], degrees.

    Returns
    -------
    numpy.ndarray
        int64 gids, one per point.

    Raises
    ------
    ParameterError
        If a coordinate is missing or out of range.

    Examples
    --------
    >>> int(gid(-180.0, -90.0)[0]), int(gid(-8.0, 12.65)[0])
    (1, 147945)
    """
    x = np.atleast_1d(np.asarray(lon, dtype=float))
    y = np.atleast_1d(np.asarray(lat, dtype=float))
    if x.shape != y.shape:
        raise ParameterError(f"lon and lat differ in length ({x.size} and {y.size})")
    bad = ~(np.isfinite(x) & np.isfinite(y)) | (np.abs(x) > 180) | (np.abs(y) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(
            f"point {i} (lon {x[i]}, lat {y[i]}) is missing or outside [-180, 180] x [-90, 90]; "
            "drop unlocated rows first"
        )
    col = np.minimum(np.floor((x + 180.0) / CELL_DEG).astype(np.int64), N_COLS - 1)
    row = np.minimum(np.floor((y + 90.0) / CELL_DEG).astype(np.int64), N_ROWS - 1)
    return row * N_COLS + col + 1


def gid_row(gids: ArrayLike) -> NDArray[np.int64]:
    """Row (0 = southernmost) of each gid.

    Parameters
    ----------
    gids
        PRIO-GRID cell ids (1 .. 259200).

    Returns
    -------
    numpy.ndarray
        One value per gid.

    Raises
    ------
    ParameterError
        A gid that is not a whole number in range.
    """
    return (_check_gid(gids) - 1) // N_COLS


def gid_col(gids: ArrayLike) -> NDArray[np.int64]:
    """Column (0 = westernmost, from -180°) of each gid.

    Parameters
    ----------
    gids
        PRIO-GRID cell ids (1 .. 259200).

    Returns
    -------
    numpy.ndarray
        One value per gid.

    Raises
    ------
    ParameterError
        A gid that is not a whole number in range.
    """
    return (_check_gid(gids) - 1) % N_COLS


def cell_center(gids: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Centre (lon, lat) in degrees of each cell.

    Parameters
    ----------
    gids
        PRIO-GRID cell ids.

    Returns
    -------
    lon : numpy.ndarray
        Longitude of each centre.
    lat : numpy.ndarray
        Latitude of each centre.

    Examples
    --------
    >>> lon, lat = cell_center([1])
    >>> float(lon[0]), float(lat[0])
    (-179.75, -89.75)
    """
    g = _check_gid(np.atleast_1d(gids))
    row, col = (g - 1) // N_COLS, (g - 1) % N_COLS
    lon = (-180.0 + (col + 0.5) * CELL_DEG).astype(np.float64, copy=False)
    return lon, (-90.0 + (row + 0.5) * CELL_DEG).astype(np.float64, copy=False)


def cell_polygons(gids: ArrayLike) -> NDArray[np.object_]:
    """The square cell of each gid as shapely polygons (EPSG:4326).

    Parameters
    ----------
    gids
        PRIO-GRID cell ids.

    Returns
    -------
    numpy.ndarray
        Shapely polygons, one per gid.
    """
    lon, lat = cell_center(gids)
    h = CELL_DEG / 2
    return shapely.box(lon - h, lat - h, lon + h, lat + h)


def cells(
    bbox: tuple[float, float, float, float] | None = None,
    boundary: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """The PRIO-GRID cells over a bounding box, or those touching a boundary.

    Parameters
    ----------
    bbox
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees: every cell that overlaps it.
    boundary
        A polygon (or a frame of polygons, EPSG:4326 or reprojected to it): every cell whose
        interior intersects it. Give exactly one of ``bbox`` and ``boundary``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gid, row, col, lon, lat`` (cell centre) and the cell polygon, sorted by gid, indexed
        0..n-1.

    Raises
    ------
    ParameterError
        If neither or both are given, or the box is empty or out of range.
    """
    if (bbox is None) == (boundary is None):
        raise ParameterError(
            "give exactly one of bbox=(lon_min, lat_min, lon_max, lat_max) or boundary"
        )
    shape = None
    if boundary is None:
        if bbox is None:  # ruled out above; this narrows the type
            raise ParameterError("give bbox or boundary")
    else:
        if isinstance(boundary, gpd.GeoDataFrame | gpd.GeoSeries):
            geo = boundary.to_crs(WGS84) if boundary.crs is not None else boundary
            shape = shapely.union_all(np.asarray(geo.geometry.values))
        else:
            shape = boundary
        if shape is None or shape.is_empty:
            raise ParameterError("the boundary is empty")
        bbox = tuple(shape.bounds)
    x0, y0, x1, y1 = (float(v) for v in bbox)
    if not (x0 < x1 and y0 < y1) or abs(x0) > 180 or abs(x1) > 180 or abs(y0) > 90 or abs(y1) > 90:
        raise ParameterError(
            f"bbox {bbox} is not (lon_min, lat_min, lon_max, lat_max) "
            "within [-180, 180] x [-90, 90]"
        )
    c0 = int(np.floor((x0 + 180) / CELL_DEG))
    c1 = min(int(np.ceil((x1 + 180) / CELL_DEG)) - 1, N_COLS - 1)
    r0 = int(np.floor((y0 + 90) / CELL_DEG))
    r1 = min(int(np.ceil((y1 + 90) / CELL_DEG)) - 1, N_ROWS - 1)
    rows, cols = np.meshgrid(np.arange(r0, r1 + 1), np.arange(c0, c1 + 1), indexing="ij")
    gids = (rows * N_COLS + cols + 1).ravel()
    polys = cell_polygons(gids)
    if shape is not None:
        shapely.prepare(shape)
        keep = shapely.intersects(shape, polys) & ~shapely.touches(shape, polys)
        gids, polys = gids[keep], polys[keep]
    lon, lat = cell_center(gids)
    return gpd.GeoDataFrame(
        {
            "gid": gids,
            "row": (gids - 1) // N_COLS,
            "col": (gids - 1) % N_COLS,
            "lon": lon,
            "lat": lat,
        },
        geometry=gpd.GeoSeries(polys, crs=WGS84),
        index=pd.RangeIndex(len(gids)),
    )


def queen_neighbours(gids: ArrayLike) -> sp.csr_matrix:
    """Queen contiguity among the given cells (the 8 around each cell), as a 0/1 sparse matrix.

    Parameters
    ----------
    gids
        Distinct cell ids; row and column ``i`` of the result stand for ``gids[i]``. Neighbours
        outside the list are left out; the grid does not wrap at ±180°.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n, n)`` int8, symmetric, zero diagonal.

    Raises
    ------
    ParameterError
        If a gid is repeated or out of range.
    """
    g = _check_gid(np.atleast_1d(gids))
    if np.unique(g).size != g.size:
        raise ParameterError("queen_neighbours needs distinct gids")
    order = np.argsort(g)
    sorted_g = g[order]
    row, col = (g - 1) // N_COLS, (g - 1) % N_COLS
    src, dst = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == 0 and dc == 0:
                continue
            r, c = row + dr, col + dc
            ok = (r >= 0) & (r < N_ROWS) & (c >= 0) & (c < N_COLS)
            target = r * N_COLS + c + 1
            pos = np.searchsorted(sorted_g, target)
            pos = np.minimum(pos, sorted_g.size - 1)
            hit = ok & (sorted_g[pos] == target)
            src.append(np.flatnonzero(hit))
            dst.append(order[pos[hit]])
    i, j = np.concatenate(src), np.concatenate(dst)
    n = g.size
    return sp.csr_matrix((np.ones(i.size, dtype=np.int8), (i, j)), shape=(n, n))
