"""Geodesic distances and lengths on the WGS84 ellipsoid (pyproj.Geod).

Nothing here is measured in degrees. Inputs are longitudes and latitudes in degrees
(EPSG:4326 axis order lon, lat); outputs are kilometres.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    "DENSE_CHUNK",
    "DENSE_TARGETS",
    "EARTH_RADIUS_KM",
    "GEOD",
    "SPHERE_RATIO_BOUNDS",
    "QueryPoints",
    "first_smallest",
    "geodesic_km",
    "geometry_length_km",
    "nearest_km",
    "nearest_within_km",
    "pairwise_km",
    "sphere_bounds_km",
    "sphere_candidates",
    "sphere_candidates_nearest_km",
    "within_pairs_km",
    "within_pairs_only",
]


def geodesic_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray | float:
    """Geodesic distance between points on the WGS84 ellipsoid.

    Parameters
    ----------
    lon1
        Longitudes of the first points in degrees; a scalar or an array.
    lat1
        Latitudes of the first points in degrees (broadcastable with the others).
    lon2
        Longitudes of the second points in degrees.
    lat2
        Latitudes of the second points in degrees.

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
    """Geodesic length of a (multi)line in kilometres.

    Parameters
    ----------
    geometry
        A line or multiline in EPSG:4326, or None.

    Returns
    -------
    float
        Length in km; NaN for a missing or empty geometry.
    """
    if geometry is None or geometry.is_empty:
        return float("nan")
    return GEOD.geometry_length(geometry) / 1000.0


def pairwise_km(lon_a: ArrayLike, lat_a: ArrayLike, lon_b: ArrayLike, lat_b: ArrayLike) -> NDArray:
    """Matrix of geodesic distances from every point a to every point b.

    Parameters
    ----------
    lon_a
        Longitudes of the points a in degrees.
    lat_a
        Latitudes of the points a in degrees.
    lon_b
        Longitudes of the points b in degrees.
    lat_b
        Latitudes of the points b in degrees.

    Returns
    -------
    numpy.ndarray
        Kilometres, shape ``(len(a), len(b))``.
    """
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
    """An order of the points by 0.1-degree latitude band, then longitude.

    KD-tree queries in this order reuse the same tree nodes (about 3x faster than in random
    order).
    """
    band = np.floor(lat * 10.0)  # one sort key: band first (lon + 180 < 1000), then lon
    return np.argsort(band * 1000.0 + (lon + 180.0))


#: Up to this many targets, :func:`within_pairs_only` measures chords to every target in chunks
#: (a few dense operations) and bounds them, instead of a ball query and a geodesic per
#: candidate; same pairs. (For nearest-point searches a KD-tree is as fast: measured.)
DENSE_TARGETS = 64


class QueryPoints:
    """Query points prepared once for several searches (road nodes, sites, airports...).

    Their unit vectors on the sphere and their spatial order are computed on first use and
    shared by :func:`nearest_km`, :func:`sphere_candidates`, :func:`within_pairs_only` and
    :func:`nearest_within_km`.

    Parameters
    ----------
    lon
        Finite longitudes in degrees (the same array the searches are given).
    lat
        Finite latitudes in degrees.
    """

    def __init__(self, lon: ArrayLike, lat: ArrayLike) -> None:
        self.lon = np.atleast_1d(np.asarray(lon, "float64"))
        self.lat = np.atleast_1d(np.asarray(lat, "float64"))
        self._units: NDArray | None = None
        self._order: NDArray | None = None

    def __len__(self) -> int:
        """The number of points.

        Returns
        -------
        int
            How many points.
        """
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


#: Chords per chunk of a dense search: small enough for a chunk's arrays to stay in the CPU
#: cache (about 3x faster than chunks of two million at one million points: measured).
DENSE_CHUNK = 32_768


def _dense_rows(n_targets: int) -> int:
    """Rows per chunk of a dense search (about :data:`DENSE_CHUNK` chords at once)."""
    return max(1, DENSE_CHUNK // max(1, n_targets))


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
    candidates: int = 2,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray]:
    """Nearest target of every point, by geodesic distance.

    Exactly what measuring every pair with :func:`geodesic_km` and taking the smallest (first in
    target order on ties) gives. Geodesic and great-circle distance differ by a bounded ratio
    (:data:`SPHERE_RATIO_BOUNDS`), so only the targets that could beat the sphere-nearest one
    are measured on the ellipsoid: usually one geodesic per point. Up to
    :data:`DENSE_TARGETS` targets, chords to every target are computed in chunks; beyond, a
    KD-tree on the unit sphere gives ``candidates`` sphere-nearest targets, and a point whose
    candidates do not provably include the nearest target is searched again with twice as many.
    Memory stays bounded whatever the number of points.

    Parameters
    ----------
    lon
        Longitudes of the query points in degrees (finite).
    lat
        Latitudes of the query points in degrees (finite).
    target_lon
        Longitudes of the targets in degrees (finite).
    target_lat
        Latitudes of the targets in degrees (finite).
    candidates
        How many sphere-nearest targets the KD-tree search considers first.
    query
        The points prepared for several searches (:class:`QueryPoints` of ``lon, lat``).

    Returns
    -------
    index : numpy.ndarray of int
        Position of the nearest target for each point (-1 when there are no targets).
    distance_km : numpy.ndarray of float
        Geodesic distance to it in kilometres (NaN when there are no targets).

    Raises
    ------
    ParameterError
        ``candidates`` below 1, a coordinate outside the ranges of degrees, or a ``query`` of
        another size.
    """
    lon, lat = _degrees(lon, lat, "lon", "lat")
    t_lon, t_lat = _degrees(target_lon, target_lat, "target_lon", "target_lat")
    if candidates < 1:
        raise ParameterError(f"candidates must be at least 1, got {candidates!r}")
    n = lon.shape[0]
    index, dist = np.full(n, -1, dtype="int64"), np.full(n, np.nan)
    if t_lon.shape[0] == 0 or n == 0:
        return index, dist
    q = _query(lon, lat, query)
    t_units = _unit_vectors(t_lon, t_lat)
    if t_lon.size <= DENSE_TARGETS:
        for rows, sq_chord in _dense_chunks(q, t_units):
            index[rows], dist[rows] = _nearest_dense(q, rows, sq_chord, t_lon, t_lat)
        return index, dist
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


def _degrees(
    lon: ArrayLike, lat: ArrayLike, lon_name: str, lat_name: str
) -> tuple[NDArray, NDArray]:
    """``lon, lat`` as 1-d float arrays, checked once like :func:`geodesic_km` checks them."""
    lon = np.atleast_1d(np.asarray(lon, "float64"))
    lat = np.atleast_1d(np.asarray(lat, "float64"))
    for label, value, limit in ((lon_name, lon, 180), (lat_name, lat, 90)):
        bad = ~(np.abs(value) <= limit)
        if bad.any():
            raise ParameterError(
                f"{label} must be finite degrees in [-{limit}, {limit}] (WGS84 lon/lat), got "
                f"{value[bad].ravel()[:3].tolist()}; reproject metre coordinates to EPSG:4326 "
                "first"
            )
    return lon, lat


def _geod_km(lon1: NDArray, lat1: NDArray, lon2: NDArray, lat2: NDArray) -> NDArray:
    """:func:`geodesic_km` of checked 1-d arrays (the same values, without the checks)."""
    if lon1.size == 0:
        return np.empty(0)
    _, _, dist_m = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist_m, dtype="float64") / 1000.0


def _dense_chunks(q: QueryPoints, t_units: NDArray) -> Iterator[tuple[NDArray, NDArray]]:
    """Chunks of the query points (positions, in order) with their squared chords to targets.

    The chords have shape ``(rows, targets)``, about :data:`DENSE_CHUNK` at a time.
    """
    step = _dense_rows(t_units.shape[0])
    for start in range(0, len(q), step):
        stop = min(start + step, len(q))
        yield np.arange(start, stop), _sq_chords(q.units[start:stop], t_units)


def _sq_chords(units: NDArray, t_units: NDArray) -> NDArray:
    """Squared chord distances from every row of ``units`` to every target."""
    out = np.subtract(units[:, 0, None], t_units[None, :, 0])
    out *= out
    for axis in (1, 2):
        d = np.subtract(units[:, axis, None], t_units[None, :, axis])
        d *= d
        out += d
    return out


def _chords(sphere_km: ArrayLike) -> NDArray:
    """:func:`_chord` of an array of great-circle distances."""
    half = np.asarray(sphere_km, dtype="float64") / (2.0 * EARTH_RADIUS_KM)
    return np.where(half < np.pi / 2, 2.0 * np.sin(np.minimum(half, np.pi / 2)), 2.0 + 1e-9)


def _contenders(sphere_km: NDArray) -> NDArray:
    """Unit chord within which a target can be nearer than one ``sphere_km`` away.

    Geodesically nearer: its lower bound within the other's upper bound.
    """
    lo, hi = SPHERE_RATIO_BOUNDS
    return _chords((hi * sphere_km + 2.0 * _SLACK_KM) / lo)


def _nearest_dense(
    q: QueryPoints, rows: NDArray, sq_chord: NDArray, t_lon: NDArray, t_lat: NDArray
) -> tuple[NDArray, NDArray]:
    """Nearest target (first on ties) and its geodesic km for the points ``rows``.

    ``sq_chord`` holds their squared chords to every target: the sphere-nearest target is
    measured, and the others only where their sphere bounds overlap its own.
    """
    first = np.argmin(sq_chord, axis=1)
    at = np.arange(rows.size)
    reach = _contenders(_sphere_km(np.sqrt(sq_chord[at, first])))
    maybe = sq_chord <= (reach * reach)[:, None]
    maybe[at, first] = False
    index = first
    dist = _geod_km(q.lon[rows], q.lat[rows], t_lon[first], t_lat[first])
    r, c = np.nonzero(maybe)
    if r.size:
        km = _geod_km(q.lon[rows[r]], q.lat[rows[r]], t_lon[c], t_lat[c])
        _fold_smaller(index, dist, r, c, km)
    return index, dist


def _fold_smaller(index: NDArray, dist: NDArray, r: NDArray, c: NDArray, km: NDArray) -> None:
    """Replace ``index[r], dist[r]`` by candidate ``c`` at ``km`` where it is nearer.

    Nearer: a smaller distance, or an equal one with a lower target position (in place;
    several candidates per row allowed).
    """
    order = np.lexsort((c, km, r))  # per row: smallest distance, then lowest position first
    r, c, km = r[order], c[order], km[order]
    head = np.r_[True, r[1:] != r[:-1]]
    r, c, km = r[head], c[head], km[head]
    better = (km < dist[r]) | ((km == dist[r]) & (c < index[r]))
    index[r[better]], dist[r[better]] = c[better], km[better]


def first_smallest(km: NDArray, idx: NDArray) -> tuple[NDArray, NDArray]:
    """Smallest value per row, and the lowest target position among the equal smallest.

    Parameters
    ----------
    km
        Distances, shape ``(rows, candidates)``; inf where a column is not a candidate.
    idx
        Target positions of the same shape.

    Returns
    -------
    best_km : numpy.ndarray of float
        The smallest distance of each row.
    best : numpy.ndarray of int
        The lowest of ``idx`` among the row's smallest distances.
    """
    best_km = km.min(axis=1)
    tie = km == best_km[:, None]
    best = np.where(tie, idx, np.iinfo(idx.dtype).max).min(axis=1)
    return best_km, best


def _nearest_among(tree, q, t_lon, t_lat, rows, k, index, dist) -> NDArray:
    """Settle the points ``rows`` whose ``k`` sphere-nearest targets provably hold the nearest.

    Fills ``index`` and ``dist`` for them and returns which were settled.
    """
    lo, _ = SPHERE_RATIO_BOUNDS
    chord, idx = tree.query(q.units[rows], k=k)
    chord, idx = chord.reshape(rows.size, k), idx.reshape(rows.size, k).astype("int64")
    sphere = _sphere_km(chord)
    best = idx[:, 0].copy()
    best_km = _geod_km(q.lon[rows], q.lat[rows], t_lon[best], t_lat[best])
    if k > 1:
        # a candidate can be the nearest only if its lower bound is within the first one's upper
        reach = _contenders(sphere[:, 0])
        r, c = np.nonzero(chord[:, 1:] <= reach[:, None])
        if r.size:
            t = idx[r, c + 1]
            km = _geod_km(q.lon[rows[r]], q.lat[rows[r]], t_lon[t], t_lat[t])
            _fold_smaller(best, best_km, r, t, km)
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
    """The ``k`` targets nearest to every point on the sphere, nearest first.

    Geodesic distance lies within :data:`SPHERE_RATIO_BOUNDS` times the great-circle distances
    returned (see :func:`sphere_bounds_km`). Up to :data:`DENSE_TARGETS` targets, chords to
    every target are computed in chunks; beyond, a KD-tree on unit vectors is queried in chunks.

    Parameters
    ----------
    lon
        Longitudes of the query points in degrees (finite).
    lat
        Latitudes of the query points in degrees (finite).
    target_lon
        Longitudes of the targets in degrees (finite).
    target_lat
        Latitudes of the targets in degrees (finite).
    k
        How many targets per point (at most the number of targets).
    query
        The points prepared for several searches (:class:`QueryPoints` of ``lon, lat``).

    Returns
    -------
    index : numpy.ndarray of int
        Target positions, shape ``(points, k)``, nearest on the sphere first.
    sphere_km : numpy.ndarray of float
        Their great-circle distances in km, same shape.
    """
    lon, lat = np.atleast_1d(np.asarray(lon, "float64")), np.atleast_1d(np.asarray(lat, "float64"))
    t_lon = np.atleast_1d(np.asarray(target_lon, "float64"))
    t_lat = np.atleast_1d(np.asarray(target_lat, "float64"))
    k = max(1, min(int(k), t_lon.size))
    idx, km = np.empty((lon.size, k), dtype="int64"), np.empty((lon.size, k))
    q = _query(lon, lat, query)
    t_units = _unit_vectors(t_lon, t_lat)
    if t_lon.size <= DENSE_TARGETS:
        for rows, sq_chord in _dense_chunks(q, t_units):
            idx[rows], km[rows] = _top_k(sq_chord, k)
        return idx, km
    tree = cKDTree(t_units)
    for start in range(0, lon.size, CHUNK):
        rows = q.order[start : start + CHUNK]
        chord, i = tree.query(q.units[rows], k=k)
        idx[rows] = i.reshape(rows.size, k)
        km[rows] = _sphere_km(chord).reshape(rows.size, k)
    return idx, km


def _top_k(sq_chord: NDArray, k: int) -> tuple[NDArray, NDArray]:
    """The ``k`` columns of smallest squared chord per row, nearest first, and their km."""
    part = (
        np.argpartition(sq_chord, k - 1, axis=1)[:, :k]
        if k < sq_chord.shape[1]
        else np.broadcast_to(np.arange(k), sq_chord.shape)
    )
    sq = np.take_along_axis(sq_chord, part, axis=1)
    order = np.argsort(sq, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), _sphere_km(
        np.sqrt(np.take_along_axis(sq, order, axis=1))
    )


def sphere_candidates_nearest_km(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    *,
    k: int,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """:func:`sphere_candidates` and :func:`nearest_km` in one pass over the points.

    For few targets (up to :data:`DENSE_TARGETS`, e.g. the mission's sites) the chords to every
    target are computed once per chunk and serve both; beyond, the two searches run in turn.
    Same answers as the two functions.

    Parameters
    ----------
    lon
        Longitudes of the query points in degrees (finite).
    lat
        Latitudes of the query points in degrees (finite).
    target_lon
        Longitudes of the targets in degrees (finite).
    target_lat
        Latitudes of the targets in degrees (finite).
    k
        How many sphere-nearest targets per point (at most the number of targets).
    query
        The points prepared for several searches (:class:`QueryPoints` of ``lon, lat``).

    Returns
    -------
    index : numpy.ndarray of int
        The ``k`` sphere-nearest targets of each point, shape ``(points, k)``, nearest first.
    sphere_km : numpy.ndarray of float
        Their great-circle distances in km.
    nearest : numpy.ndarray of int
        Position of the geodesically nearest target of each point (first on ties).
    nearest_km : numpy.ndarray of float
        Geodesic distance to it.
    """
    lon, lat = _degrees(lon, lat, "lon", "lat")
    t_lon, t_lat = _degrees(target_lon, target_lat, "target_lon", "target_lat")
    if lon.size == 0 or t_lon.size == 0 or t_lon.size > DENSE_TARGETS:
        idx, km = sphere_candidates(lon, lat, t_lon, t_lat, k=k, query=query)
        return (idx, km, *nearest_km(lon, lat, t_lon, t_lat, query=query))
    k = max(1, min(int(k), t_lon.size))
    q = _query(lon, lat, query)
    idx, km = np.empty((lon.size, k), dtype="int64"), np.empty((lon.size, k))
    index, dist = np.empty(lon.size, "int64"), np.empty(lon.size)
    for rows, sq_chord in _dense_chunks(q, _unit_vectors(t_lon, t_lat)):
        idx[rows], km[rows] = _top_k(sq_chord, k)
        index[rows], dist[rows] = _nearest_dense(q, rows, sq_chord, t_lon, t_lat)
    return idx, km, index, dist


def sphere_bounds_km(sphere_km: ArrayLike) -> tuple[NDArray, NDArray]:
    """Bounds of the geodesic distance of pairs a great-circle distance apart on the sphere.

    Parameters
    ----------
    sphere_km
        Great-circle distances in km on the sphere of radius :data:`EARTH_RADIUS_KM`.

    Returns
    -------
    lower, upper : numpy.ndarray of float
        Lower and upper bounds of the geodesic distances (WGS84) in km.
    """
    s = np.asarray(sphere_km, dtype="float64")
    lo, hi = SPHERE_RATIO_BOUNDS
    return lo * s - _SLACK_KM, hi * s + _SLACK_KM


def _within_dense(
    q: QueryPoints,
    rows: NDArray,
    sq_chord: NDArray,
    t_lon: NDArray,
    t_lat: NDArray,
    radius_km: float,
    known: tuple[NDArray, NDArray] | None = None,
) -> tuple[NDArray, NDArray]:
    """Pairs (index into ``rows``, target) at most ``radius_km`` apart, in row then target order.

    Pairs whose sphere bounds put them surely inside or outside are not measured, only those
    near the edge (or taken from ``known``: a measured target and its km per row).
    """
    lo, hi = SPHERE_RATIO_BOUNDS
    if radius_km > _SLACK_KM:  # surely inside: upper bound within the radius
        surely = float(_chords((radius_km - _SLACK_KM) / hi))
        inside = sq_chord <= surely * surely
    else:
        inside = np.zeros(sq_chord.shape, dtype=bool)
    maybe = float(_chords((radius_km + _SLACK_KM) / lo))  # beyond: lower bound past the radius
    r, c = np.nonzero((sq_chord <= maybe * maybe) & ~inside)
    if r.size:
        km = np.empty(r.size)
        same = np.zeros(r.size, dtype=bool) if known is None else known[0][r] == c
        km[same] = known[1][r[same]] if known is not None else km[same]
        at = rows[r[~same]]
        km[~same] = _geod_km(q.lon[at], q.lat[at], t_lon[c[~same]], t_lat[c[~same]])
        keep = km <= radius_km
        inside[r[keep], c[keep]] = True
    r, c = np.nonzero(inside)
    return r, c.astype("int64")


def within_pairs_only(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    radius_km: float,
    *,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray]:
    """The pairs of :func:`within_pairs_km` without their distances.

    A pair whose sphere bounds (:func:`sphere_bounds_km`) put it surely inside or outside the
    radius is not measured, only the pairs near the edge are.

    Parameters
    ----------
    lon
        Longitudes of the query points in degrees (finite).
    lat
        Latitudes of the query points in degrees (finite).
    target_lon
        Longitudes of the targets in degrees (finite).
    target_lat
        Latitudes of the targets in degrees (finite).
    radius_km
        The radius in km.
    query
        The points prepared for several searches (:class:`QueryPoints` of ``lon, lat``).

    Returns
    -------
    point : numpy.ndarray of int
        Point position of each pair at most ``radius_km`` apart, sorted by point then target.
    target : numpy.ndarray of int
        Target position of each pair.
    """
    lon, lat = _degrees(lon, lat, "lon", "lat")
    t_lon, t_lat = _degrees(target_lon, target_lat, "target_lon", "target_lat")
    if lon.size == 0 or t_lon.size == 0:
        return np.empty(0, "int64"), np.empty(0, "int64")
    if t_lon.size > DENSE_TARGETS:
        p, t, _ = within_pairs_km(lon, lat, t_lon, t_lat, radius_km)
        order = np.lexsort((t, p))
        return p[order], t[order]
    q = _query(lon, lat, query)
    out = [
        (rows[r], c)
        for rows, sq_chord in _dense_chunks(q, _unit_vectors(t_lon, t_lat))
        for r, c in [_within_dense(q, rows, sq_chord, t_lon, t_lat, radius_km)]
    ]
    place_rows, target_pos = (np.concatenate(parts) for parts in zip(*out))
    return place_rows, target_pos


def nearest_within_km(
    lon: ArrayLike,
    lat: ArrayLike,
    target_lon: ArrayLike,
    target_lat: ArrayLike,
    radius_km: float,
    *,
    query: QueryPoints | None = None,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """:func:`nearest_km` and :func:`within_pairs_only` in one pass over the points.

    For few targets (up to :data:`DENSE_TARGETS`, e.g. airports) the chords to every target
    are computed once per chunk and serve both questions, and a pair near the radius whose
    target is the nearest one is not measured twice. Same answers as the two functions.

    Parameters
    ----------
    lon
        Longitudes of the query points in degrees (finite).
    lat
        Latitudes of the query points in degrees (finite).
    target_lon
        Longitudes of the targets in degrees (finite).
    target_lat
        Latitudes of the targets in degrees (finite).
    radius_km
        The radius in km.
    query
        The points prepared for several searches (:class:`QueryPoints` of ``lon, lat``).

    Returns
    -------
    index : numpy.ndarray of int
        Position of the nearest target of each point (-1 when there are no targets).
    distance_km : numpy.ndarray of float
        Geodesic distance to it (NaN when there are no targets).
    point : numpy.ndarray of int
        Point position of each pair at most ``radius_km`` apart, sorted by point then target.
    target : numpy.ndarray of int
        Target position of each pair.
    """
    lon, lat = _degrees(lon, lat, "lon", "lat")
    t_lon, t_lat = _degrees(target_lon, target_lat, "target_lon", "target_lat")
    if lon.size == 0 or t_lon.size == 0 or t_lon.size > DENSE_TARGETS:
        index, dist = nearest_km(lon, lat, t_lon, t_lat, query=query)
        return (index, dist, *within_pairs_only(lon, lat, t_lon, t_lat, radius_km, query=query))
    q = _query(lon, lat, query)
    index, dist = np.empty(lon.size, "int64"), np.empty(lon.size)
    out = []
    for rows, sq_chord in _dense_chunks(q, _unit_vectors(t_lon, t_lat)):
        known = _nearest_dense(q, rows, sq_chord, t_lon, t_lat)
        index[rows], dist[rows] = known
        r, c = _within_dense(q, rows, sq_chord, t_lon, t_lat, radius_km, known)
        out.append((rows[r], c))
    place_rows, target_pos = (np.concatenate(parts) for parts in zip(*out))
    return index, dist, place_rows, target_pos


def within_pairs_km(
    lon: ArrayLike, lat: ArrayLike, target_lon: ArrayLike, target_lat: ArrayLike, radius_km: float
) -> tuple[NDArray, NDArray, NDArray]:
    """Every (point, target) pair at most ``radius_km`` apart by geodesic distance.

    A ball query on the unit sphere with the chord of ``radius_km`` over the lower ratio bound
    (:data:`SPHERE_RATIO_BOUNDS`, so no pair within the radius is missed), then every candidate
    measured on the ellipsoid; in chunks of points, so memory grows with the pairs found.

    Parameters
    ----------
    lon
        Longitudes of the query points in degrees (finite).
    lat
        Latitudes of the query points in degrees (finite).
    target_lon
        Longitudes of the targets in degrees (finite).
    target_lat
        Latitudes of the targets in degrees (finite).
    radius_km
        The radius in km.

    Returns
    -------
    point : numpy.ndarray of int
        Point positions, sorted by point, then distance, then target.
    target : numpy.ndarray of int
        Target positions.
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
