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

from minusma.geo._errors import ParameterError

#: The WGS84 ellipsoid used for every distance and length in the package.
GEOD = Geod(ellps="WGS84")

#: Mean Earth radius (IUGG), used only to turn chord distances into candidate bounds.
EARTH_RADIUS_KM = 6371.0088

__all__ = [
    "CHUNK",
    "DENSE_TARGETS",
    "EARTH_RADIUS_KM",
    "GEOD",
    "SPHERE_RATIO_BOUNDS",
    "QueryPoints",
    "first_smallest",
    "geodesic_km",
    "geometry_length_km",
    "nearest_km",
    "pairwise_km",
    "sphere_bounds_km",
    "sphere_candidates",
    "within_pairs_km",
    "within_pairs_only",
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
        Distance in kilometres (a float when every input is a scalar); NaN where a coordinate
        is NaN (unknown).

    Raises
    ------
    ParameterError
        For a coordinate outside [-180, 180] (lon) or [-90, 90] (lat), or not a number.
    """
    try:
        values = [np.asarray(a, dtype="float64") for a in (lon1, lat1, lon2, lat2)]
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"coordinates must be numbers in degrees: {exc}") from exc
    for label, value, limit in zip(("lon1", "lat1", "lon2", "lat2"), values, (180, 90, 180, 90)):
        if (np.abs(value) > limit).any() or np.isinf(value).any():  # NaN passes: unknown
            raise ParameterError(
                f"{label} must be degrees in [-{limit}, {limit}] (WGS84 lon/lat), got "
                f"{value[np.abs(value) > limit].ravel()[:3].tolist()}; reproject metre "
                "coordinates to EPSG:4326 first"
            )
    arrays = np.broadcast_arrays(*values)
    shape = arrays[0].shape
    flat = [a.ravel() for a in arrays]
    _, _, dist_m = GEOD.inv(flat[0], flat[1], flat[2], flat[3])
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
    return np.asarray(geodesic_km(lon_a[:, None], lat_a[:, None], lon_b[None, :], lat_b[None, :]))


#: Bounds of geodesic (WGS84) over great-circle distance on the sphere of radius
#: :data:`EARTH_RADIUS_KM`, for points placed on the sphere at their geodetic lon/lat: the
#: ellipsoid's radii of curvature lie between b^2/a = 6335.44 km and a^2/b = 6399.59 km, so the
#: ratio lies in [0.99442, 1.00449]; widened slightly for rounding.
SPHERE_RATIO_BOUNDS = (0.9944, 1.0045)

#: Absolute slack (km) added to those bounds against rounding of the unit vectors (~1e-12 km).
_SLACK_KM = 1e-9

#: Query points handled at once by the candidate searches (bounds their temporary memory).
CHUNK = 200_000


def _unit_vectors(lon: NDArray, lat: NDArray) -> NDArray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    cos_lat = np.cos(lat_r)
    return np.column_stack([cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)])


def _spatial_order(lon: NDArray, lat: NDArray) -> NDArray:
    """An order of the points by 0.1-degree latitude band, then longitude: KD-tree queries in
    this order reuse the same tree nodes (about 3x faster than in random order)."""
    return np.lexsort((lon, np.floor(lat * 10.0)))


#: Up to this many targets, :func:`within_pairs_only` measures chords to every target in chunks
#: (a few dense operations) and bounds them, instead of a ball query and a geodesic per
#: candidate; same pairs. (For nearest-point searches a KD-tree is as fast: measured.)
DENSE_TARGETS = 64


class QueryPoints:
    """Query points prepared once for several searches (road nodes, sites, airports...): their
    unit vectors on the sphere and their spatial order are computed on first use and shared by
    :func:`nearest_km`, :func:`sphere_candidates` and :func:`within_pairs_only`.

    Parameters
    ----------
    lon, lat
        Finite coordinates in degrees (the same arrays the searches are given).
    """

    def __init__(self, lon: ArrayLike, lat: ArrayLike) -> None:
        self.lon = np.atleast_1d(np.asarray(lon, "float64"))
        self.lat = np.atleast_1d(np.asarray(lat, "float64"))
        self._units: NDArray | None = None
        self._order: NDArray | None = None

    def __len__(self) -> int:
        return self.lon.size

    @property
    def units(self) -> NDArray:
        """Unit vectors, shape ``(n, 3)``."""
        if self._units is None:
            self._units = _unit_vectors(self.lon, self.lat)
        return self._units

    @property
    def order(self) -> NDArray:
        """Positions in spatial order (see :func:`_spatial_order`)."""
        if self._order is None:
            self._order = _spatial_order(self.lon, self.lat)
        return self._order


def _query(lon: NDArray, lat: NDArray, query: QueryPoints | None) -> QueryPoints:
    if query is None:
        return QueryPoints(lon, lat)
    if len(query) != lon.size:
        raise ParameterError(f"query holds {len(query)} points, the search {lon.size}")
    return query


def _dense_chords(units: NDArray, t_units: NDArray) -> NDArray:
    """Chord distances from every row of ``units`` to every target, shape ``(n, targets)``."""
    out = np.zeros((units.shape[0], t_units.shape[0]))
    for axis in range(3):
        out += (units[:, axis, None] - t_units[None, :, axis]) ** 2
    return np.sqrt(out, out=out)


def _dense_rows(n_targets: int) -> int:
    """Rows per chunk of a dense search (about two million chords at once)."""
    return max(1, 2_000_000 // max(1, n_targets))


def _sphere_km(chord: NDArray) -> NDArray:
    """Great-circle distance on the sphere of radius :data:`EARTH_RADIUS_KM` from a unit chord."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def _chord(sphere_km: float) -> float:
    """Unit chord of a great-circle distance (the whole sphere beyond half its circumference)."""
    half = sphere_km / (2.0 * EARTH_RADIUS_KM)
    return 2.0 * np.sin(half) if half < np.pi / 2 else 2.0 + 1e-9


def nearest_km(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    *,
    candidates: int = 4,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray]:
    """Nearest target of every point, by geodesic distance: exactly what measuring every pair
    with :func:`geodesic_km` and taking the smallest (first in target order on ties) gives.

    Candidates come from a KD-tree on the unit sphere (chord distance orders points like
    great-circle distance); geodesic and great-circle distance differ by a bounded ratio
    (:data:`SPHERE_RATIO_BOUNDS`), so only the candidates that could beat the closest one are
    measured on the ellipsoid, and a point whose ``candidates`` do not provably include the
    nearest target is searched again with twice as many. Points are handled in chunks, so
    memory stays bounded whatever their number.

    Parameters
    ----------
    lon, lat
        Query points in degrees (finite).
    target_lon, target_lat
        Target points in degrees (finite).
    candidates
        How many sphere-nearest targets to consider first.
    query
        The points prepared for several searches (:class:`QueryPoints` of ``lon, lat``).

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
    index, dist = np.full(n, -1, dtype="int64"), np.full(n, np.nan)
    if t_lon.shape[0] == 0 or n == 0:
        return index, dist
    q = _query(lon, lat, query)
    t_units = _unit_vectors(t_lon, t_lat)
    tree = cKDTree(t_units)
    for start in range(0, n, CHUNK):
        rows = q.order[start : start + CHUNK]
        k = candidates
        while rows.size:
            k = min(k, t_lon.shape[0])
            done = _nearest_among(tree, q, t_lon, t_lat, rows, k, index, dist)
            rows = rows[~done]
            k *= 2
    return index, dist


def first_smallest(km: NDArray, idx: NDArray) -> tuple[NDArray, NDArray]:
    """Per row of ``km`` (distances, inf where not a candidate) the smallest value and, among
    equal smallest values, the lowest of ``idx`` (target positions, same shape)."""
    best_km = km.min(axis=1)
    tie = km == best_km[:, None]
    best = np.where(tie, idx, np.iinfo("int64").max).min(axis=1)
    return best_km, best


def _nearest_among(tree, q, t_lon, t_lat, rows, k, index, dist) -> NDArray:
    """Settle the points ``rows`` whose ``k`` sphere-nearest targets provably hold the nearest;
    fill ``index`` and ``dist`` for them and return which were settled."""
    lo, hi = SPHERE_RATIO_BOUNDS
    lon, lat = q.lon, q.lat
    chord, idx = tree.query(q.units[rows], k=k)
    chord, idx = chord.reshape(rows.size, k), idx.reshape(rows.size, k)
    sphere = _sphere_km(chord)
    # a candidate can be the nearest only if its lower bound is within the first one's upper bound
    maybe = lo * sphere - _SLACK_KM <= hi * sphere[:, :1] + _SLACK_KM
    g = np.full((rows.size, k), np.inf)
    g[:, 0] = geodesic_km(lon[rows], lat[rows], t_lon[idx[:, 0]], t_lat[idx[:, 0]])
    r, c = np.nonzero(maybe[:, 1:])
    if r.size:
        c = c + 1
        g[r, c] = geodesic_km(lon[rows[r]], lat[rows[r]], t_lon[idx[r, c]], t_lat[idx[r, c]])
    best_km, best = first_smallest(g, idx)
    # every target beyond the candidates is at least lo * (k-th sphere distance) away
    done = (k >= t_lon.shape[0]) | (best_km < lo * sphere[:, -1] - _SLACK_KM)
    index[rows[done]], dist[rows[done]] = best[done], best_km[done]
    return done


def sphere_candidates(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    *,
    k: int,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray]:
    """The ``k`` targets nearest to every point on the sphere (KD-tree on unit vectors, in
    chunks): positions ``(n, k)`` and great-circle distances in km, nearest first. Geodesic
    distance lies within :data:`SPHERE_RATIO_BOUNDS` times these (see :func:`sphere_bounds_km`)."""
    lon, lat = np.atleast_1d(np.asarray(lon, "float64")), np.atleast_1d(np.asarray(lat, "float64"))
    t_lon = np.atleast_1d(np.asarray(target_lon, "float64"))
    t_lat = np.atleast_1d(np.asarray(target_lat, "float64"))
    k = max(1, min(int(k), t_lon.size))
    idx, km = np.empty((lon.size, k), dtype="int64"), np.empty((lon.size, k))
    q = _query(lon, lat, query)
    t_units = _unit_vectors(t_lon, t_lat)
    tree = cKDTree(t_units)
    for start in range(0, lon.size, CHUNK):
        rows = q.order[start : start + CHUNK]
        chord, i = tree.query(q.units[rows], k=k)
        idx[rows] = i.reshape(rows.size, k)
        km[rows] = _sphere_km(chord).reshape(rows.size, k)
    return idx, km


def sphere_bounds_km(sphere_km: ArrayLike) -> tuple[NDArray, NDArray]:
    """Lower and upper bounds of the geodesic distance of pairs ``sphere_km`` apart on the
    sphere."""
    s = np.asarray(sphere_km, dtype="float64")
    lo, hi = SPHERE_RATIO_BOUNDS
    return lo * s - _SLACK_KM, hi * s + _SLACK_KM


def within_pairs_only(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    radius_km: float,
    *,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray]:
    """The pairs of :func:`within_pairs_km` without their distances, sorted by point then
    target: a pair whose sphere bounds (:func:`sphere_bounds_km`) put it surely inside or
    outside the radius is not measured, only the pairs near the edge are."""
    lon, lat = np.atleast_1d(np.asarray(lon, "float64")), np.atleast_1d(np.asarray(lat, "float64"))
    t_lon = np.atleast_1d(np.asarray(target_lon, "float64"))
    t_lat = np.atleast_1d(np.asarray(target_lat, "float64"))
    if lon.size == 0 or t_lon.size == 0:
        return np.empty(0, "int64"), np.empty(0, "int64")
    if t_lon.size > DENSE_TARGETS:
        p, t, _ = within_pairs_km(lon, lat, t_lon, t_lat, radius_km)
        order = np.lexsort((t, p))
        return p[order], t[order]
    q = _query(lon, lat, query)
    t_units = _unit_vectors(t_lon, t_lat)
    step = _dense_rows(t_lon.size)
    out = []
    for start in range(0, lon.size, step):
        rows = np.arange(start, min(start + step, lon.size))
        lower, upper = sphere_bounds_km(_sphere_km(_dense_chords(q.units[rows], t_units)))
        inside = upper <= radius_km
        r, c = np.nonzero((lower <= radius_km) & ~inside)
        if r.size:
            km = geodesic_km(lon[rows[r]], lat[rows[r]], t_lon[c], t_lat[c])
            inside[r[km <= radius_km], c[km <= radius_km]] = True
        r, c = np.nonzero(inside)
        out.append((rows[r], c.astype("int64")))
    place_rows, target_pos = (np.concatenate(parts) for parts in zip(*out))
    return place_rows, target_pos


def within_pairs_km(
    lon: ArrayLike, lat: ArrayLike, target_lon: ArrayLike, target_lat: ArrayLike, radius_km: float
) -> tuple[NDArray, NDArray, NDArray]:
    """Every (point, target) pair at most ``radius_km`` apart by geodesic distance.

    A ball query on the unit sphere with the chord of ``radius_km`` over the lower ratio bound
    (:data:`SPHERE_RATIO_BOUNDS`, so no pair within the radius is missed), then every candidate
    measured on the ellipsoid; in chunks of points, so memory grows with the pairs found.

    Returns
    -------
    point, target : numpy.ndarray of int
        Positions, sorted by point, then distance, then target.
    distance_km : numpy.ndarray of float
        Geodesic distance of each pair.
    """
    lon, lat = np.atleast_1d(np.asarray(lon, "float64")), np.atleast_1d(np.asarray(lat, "float64"))
    t_lon = np.atleast_1d(np.asarray(target_lon, "float64"))
    t_lat = np.atleast_1d(np.asarray(target_lat, "float64"))
    if lon.size == 0 or t_lon.size == 0:
        return np.empty(0, "int64"), np.empty(0, "int64"), np.empty(0)
    tree = cKDTree(_unit_vectors(t_lon, t_lat))
    reach = _chord(radius_km / SPHERE_RATIO_BOUNDS[0] + _SLACK_KM)
    out = []
    for start in range(0, lon.size, CHUNK):
        stop = min(start + CHUNK, lon.size)
        chunk = cKDTree(_unit_vectors(lon[start:stop], lat[start:stop]))
        hits = chunk.sparse_distance_matrix(tree, reach, output_type="ndarray")
        p, t = hits["i"].astype("int64") + start, hits["j"].astype("int64")
        km = (
            np.atleast_1d(geodesic_km(lon[p], lat[p], t_lon[t], t_lat[t]))
            if p.size
            else np.empty(0)
        )
        keep = km <= radius_km
        p, t, km = p[keep], t[keep], km[keep]
        order = np.lexsort((t, km, p))
        out.append((p[order], t[order], km[order]))
    p_all, t_all, km_all = (np.concatenate(parts) for parts in zip(*out))
    return p_all, t_all, km_all
