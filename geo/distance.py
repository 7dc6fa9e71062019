"""Geodesic distances and lengths on the WGS84 ellipsoid (pyproj.Geod).

Nothing here is measured in degrees. Inputs are longitudes and latitudes in degrees
(EPSG:4326 axis order lon, lat); outputs are kilometres.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo._errors import ParameterError

#: The WGS84 ellipsoid used for every distance and length in the package.
GEOD = Geod(ellps="WGS84")

#: Mean Earth radius (IUGG), used only to turn chord distances into candidate bounds.
EARTH_RADIUS_KM = 6371.0088

__all__ = [
    "EARTH_RADIUS_KM",
    "GEOD",
    "geodesic_km",
    "geometry_length_km",
    "nearest_km",
    "pairwise_km",
]


def geodesic_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray | float:
    """Geodesic distance between points on the WGS84 ellipsoid.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Coordinates in degrees; scalars or broadcastable arrays.

    Returns
    -------
    float or numpy.ndarray
        Distance in kilometres (a float when every input is a scalar).
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(a, dtype="float64") for a in (lon1, lat1, lon2, lat2))
    )
    shape = arrays[0].shape
    _, _, dist_m = GEOD.inv(*(a.ravel() for a in arrays))
    out = np.asarray(dist_m, dtype="float64").reshape(shape) / 1000.0
    if shape == ():
        return float(out)
    return out


def geometry_length_km(geometry: BaseGeometry | None) -> float:
    """Geodesic length of a (multi)line in kilometres; NaN for a missing or empty geometry."""
    if geometry is None or geometry.is_empty:
        return float("nan")
    return GEOD.geometry_length(geometry) / 1000.0


def pairwise_km(lon_a: ArrayLike, lat_a: ArrayLike, lon_b: ArrayLike, lat_b: ArrayLike) -> NDArray:
    """Matrix of geodesic distances, shape ``(len(a), len(b))``, in kilometres."""
    lon_a, lat_a = np.asarray(lon_a, "float64"), np.asarray(lat_a, "float64")
    lon_b, lat_b = np.asarray(lon_b, "float64"), np.asarray(lat_b, "float64")
    return geodesic_km(lon_a[:, None], lat_a[:, None], lon_b[None, :], lat_b[None, :])


def _unit_vectors(lon: NDArray, lat: NDArray) -> NDArray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    cos_lat = np.cos(lat_r)
    return np.column_stack([cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)])


def nearest_km(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    *,
    candidates: int = 4,
) -> tuple[NDArray, NDArray]:
    """Nearest target of every point, by geodesic distance.

    Candidates are found on the unit sphere with a KD-tree (chord distance orders points like
    great-circle distance), then the ``candidates`` closest are measured exactly on the
    ellipsoid and the smallest kept. Ellipsoid and sphere differ by under 0.5 %, so the true
    nearest target is among the candidates unless several lie within that margin of each other.

    Parameters
    ----------
    lon, lat
        Query points in degrees.
    target_lon, target_lat
        Target points in degrees.
    candidates
        How many sphere-nearest targets to measure on the ellipsoid.

    Returns
    -------
    index : numpy.ndarray of int
        Position of the nearest target for each point (-1 when there are no targets).
    distance_km : numpy.ndarray of float
        Geodesic distance to it in kilometres (NaN when there are no targets).
    """
    lon, lat = np.atleast_1d(np.asarray(lon, "float64")), np.atleast_1d(np.asarray(lat, "float64"))
    t_lon = np.atleast_1d(np.asarray(target_lon, "float64"))
    t_lat = np.atleast_1d(np.asarray(target_lat, "float64"))
    if candidates < 1:
        raise ParameterError(f"candidates must be at least 1, got {candidates!r}")
    n = lon.shape[0]
    if t_lon.shape[0] == 0 or n == 0:
        return np.full(n, -1, dtype="int64"), np.full(n, np.nan)
    k = min(candidates, t_lon.shape[0])
    tree = cKDTree(_unit_vectors(t_lon, t_lat))
    _, idx = tree.query(_unit_vectors(lon, lat), k=k)
    idx = idx.reshape(n, k)
    dist = geodesic_km(np.repeat(lon, k), np.repeat(lat, k), t_lon[idx.ravel()], t_lat[idx.ravel()])
    dist = np.asarray(dist).reshape(n, k)
    best = np.argmin(dist, axis=1)
    rows = np.arange(n)
    return idx[rows, best].astype("int64"), dist[rows, best]
