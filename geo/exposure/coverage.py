"""The security umbrella: which open site covered each place, before the withdrawal and at a date.

A site is *open* on day ``D`` when its closure date is after ``D`` (a site closed on day D is no
longer open on D), as :func:`layers.bases` with ``as_of`` counts them. Opening dates are not in
the data: every site counts as open until its closure date.

All distances are geodesic on WGS84 (:func:`geo.distance.nearest_km`); nothing is measured in
degrees. Places without a coordinate get NaN/None everywhere and ``has_coordinate = False``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from minusma.geo._errors import ParameterError, SchemaError, UnknownNameError
from minusma.geo.crs import to_wgs84
from minusma.geo.distance import (
    CHUNK,
    DENSE_CHUNK,
    QueryPoints,
    first_smallest,
    geodesic_km,
    nearest_km,
    pairwise_km,
    sphere_bounds_km,
    sphere_candidates_nearest_km,
    within_pairs_km,
)
from minusma.geo.exposure.params import DEFAULT_RADIUS_KM, parse_iso_date
from minusma.geo.exposure.params import check_km as check_radius

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_NEAREST_SITES",
    "SiteDistances",
    "coverage",
    "distance_matrix_km",
    "iso_dates",
    "nearest",
    "open_mask",
    "point_lonlat",
    "protection",
    "site_distances",
    "site_distances_lonlat",
    "within_km",
]


def point_lonlat(gdf: gpd.GeoDataFrame, *, name: str = "points") -> tuple[NDArray, NDArray]:
    """Longitude and latitude of point geometries (NaN where the geometry is missing or empty).

    Parameters
    ----------
    gdf
        A GeoDataFrame of points (any CRS; reprojected to EPSG:4326).
    name
        What the points are, for error messages.

    Returns
    -------
    lon : numpy.ndarray of float
        Longitudes in degrees.
    lat : numpy.ndarray of float
        Latitudes in degrees.

    Raises
    ------
    SchemaError
        Not a GeoDataFrame of points.
    ParameterError
        A point outside lon -180..180 / lat -90..90, or with a NaN or infinite coordinate.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(f"{name} must be a GeoDataFrame of points, got {type(gdf).__name__}")
    gdf = to_wgs84(gdf, name=name)
    geom = gdf.geometry
    arr = np.asarray(geom.array, dtype=object)  # shapely arrays: no per-row Python work
    ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if (ok & (shapely.get_type_id(arr) != shapely.GeometryType.POINT)).any():
        raise SchemaError(
            f"{name} must hold Point geometries, found {sorted(set(geom[ok].geom_type))}"
        )
    lon, lat = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    lon[ok], lat[ok] = shapely.get_x(arr[ok]), shapely.get_y(arr[ok])
    with np.errstate(invalid="ignore"):
        off = ok & ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))  # also NaN/inf coordinates
    if off.any():
        rows = [str(i) for i in gdf.index[off][:5]]
        raise ParameterError(
            f"{name}: {int(off.sum())} point(s) outside lon -180..180 / lat -90..90 or not finite "
            f"(rows {', '.join(rows)}; first: lon {lon[off][0]}, lat {lat[off][0]}); "
            "give longitude/latitude in degrees, x = longitude"
        )
    return lon, lat


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_dates(values: Iterable) -> list[dt.date | None]:
    """ISO ``YYYY-MM-DD`` strings (or dates) as dates, None where missing.

    A value that is not a valid ISO date gives None too (the caller decides whether that is an
    error).

    Parameters
    ----------
    values
        Strings, dates, datetimes or missing values.

    Returns
    -------
    list
        A date or None per value.
    """
    out: list[dt.date | None] = []
    for v in values:
        if isinstance(v, dt.datetime):
            out.append(v.date())
        elif isinstance(v, dt.date):
            out.append(v)
        elif isinstance(v, str) and _ISO_DATE.fullmatch(v):
            try:
                out.append(dt.date.fromisoformat(v))
            except ValueError:
                out.append(None)
        else:
            out.append(None)
    return out


def _closure(bases: pd.DataFrame) -> pd.Series:
    if "closure_date" not in bases.columns:
        raise SchemaError(
            f"bases need a 'closure_date' column (ISO dates); columns: {list(bases.columns)}"
        )
    raw = bases["closure_date"].tolist()
    dates = iso_dates(raw)
    bad = [r for r, d in zip(raw, dates) if d is None and not pd.isna(r)]
    if bad:
        raise SchemaError(f"bases 'closure_date' must be ISO dates, got {bad[:5]}")
    return pd.Series(dates, index=bases.index, dtype=object)


def open_mask(bases: pd.DataFrame, as_of: str | dt.date) -> NDArray:
    """Which sites are open on ``as_of`` (closure date after it; null closure = never closed).

    Parameters
    ----------
    bases
        Sites with ``closure_date`` (ISO dates).
    as_of
        The date.

    Returns
    -------
    numpy.ndarray of bool
        One flag per site.
    """
    return _open(_closure(bases), parse_iso_date(as_of))


def _open(closed: pd.Series, when: dt.date) -> NDArray:
    return np.array([d is None or d > when for d in closed.tolist()], dtype=bool)


def nearest(
    points: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, *, id_column: str | None = None
) -> pd.DataFrame:
    """Nearest target of every point, by geodesic distance.

    Parameters
    ----------
    points
        Point GeoDataFrame (any CRS; reprojected to EPSG:4326).
    targets
        Point GeoDataFrame of targets (any CRS).
    id_column
        Column of ``targets`` to report; its index if None.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``points.index``: ``nearest_id`` (None when the point has no coordinate or
        there are no targets) and ``distance_km`` (NaN likewise).
    """
    lon, lat = point_lonlat(points, name="points")
    t_lon, t_lat = point_lonlat(targets, name="targets")
    if id_column is not None and id_column not in targets.columns:
        raise UnknownNameError(
            f"id_column {id_column!r} is not a column of targets; columns: {list(targets.columns)}"
        )
    ids = (targets[id_column] if id_column else targets.index.to_series()).to_numpy(dtype=object)
    t_ok = np.isfinite(t_lon)
    ok = np.isfinite(lon)
    out_id = np.full(len(points), None, dtype=object)
    out_km = np.full(len(points), np.nan)
    if ok.any() and t_ok.any():
        idx, km = nearest_km(lon[ok], lat[ok], t_lon[t_ok], t_lat[t_ok])
        out_id[ok] = ids[t_ok][idx]
        out_km[ok] = km
    return pd.DataFrame({"nearest_id": out_id, "distance_km": out_km}, index=points.index)


def within_km(
    points: gpd.GeoDataFrame,
    targets: gpd.GeoDataFrame,
    radius_km: float,
    *,
    id_column: str | None = None,
) -> pd.DataFrame:
    """Every (point, target) pair at most ``radius_km`` apart, by geodesic distance.

    Parameters
    ----------
    points
        Point GeoDataFrame (any CRS; reprojected to EPSG:4326).
    targets
        Point GeoDataFrame of targets (any CRS).
    radius_km
        The radius in km.
    id_column
        Column of ``targets`` to report; its index if None.

    Returns
    -------
    pandas.DataFrame
        Columns ``point`` (index label in ``points``), ``target_id`` and ``distance_km``, sorted by
        point order, then distance, then target order. Points without a coordinate have no
        pairs. Near-linear: a ball query, then the candidates measured exactly
        (:func:`geo.distance.within_pairs_km`).
    """
    radius_km = check_radius(radius_km)
    lon, lat = point_lonlat(points, name="points")
    t_lon, t_lat = point_lonlat(targets, name="targets")
    if id_column is not None and id_column not in targets.columns:
        raise UnknownNameError(
            f"id_column {id_column!r} is not a column of targets; columns: {list(targets.columns)}"
        )
    ids = (targets[id_column] if id_column else targets.index.to_series()).to_numpy(dtype=object)
    pi, ti = np.flatnonzero(np.isfinite(lon)), np.flatnonzero(np.isfinite(t_lon))
    if pi.size == 0 or ti.size == 0:
        return pd.DataFrame({"point": [], "target_id": [], "distance_km": []})
    r, c, km = within_pairs_km(lon[pi], lat[pi], t_lon[ti], t_lat[ti], radius_km)
    return pd.DataFrame(
        {"point": points.index.to_numpy()[pi[r]], "target_id": ids[ti[c]], "distance_km": km}
    )


def distance_matrix_km(places: gpd.GeoDataFrame, bases: gpd.GeoDataFrame) -> np.ndarray:
    """Geodesic distance from every place to every base.

    Dense: for many places and sites prefer :func:`site_distances`.

    Parameters
    ----------
    places
        Point GeoDataFrame (null geometry allowed).
    bases
        Point GeoDataFrame of sites.

    Returns
    -------
    numpy.ndarray
        Kilometres, shape ``(len(places), len(bases))``; NaN rows for places without a
        coordinate.
    """
    lon, lat = point_lonlat(places, name="places")
    b_lon, b_lat = point_lonlat(bases, name="bases")
    out = np.full((len(places), len(bases)), np.nan)
    ok = np.flatnonzero(np.isfinite(lon))
    if ok.size and len(bases):
        for s in range(0, ok.size, CHUNK // max(1, len(bases)) + 1):
            rows = ok[s : s + CHUNK // max(1, len(bases)) + 1]
            out[rows] = pairwise_km(lon[rows], lat[rows], b_lon, b_lat)
    return out


#: Memory for the answers :meth:`SiteDistances.nearest_open_all` remembers (at least two are
#: kept: the answer with every site open, from which one-site what-ifs are derived, and the last).
ANSWER_BYTES = 64 * 2**20

#: Sites kept per place by :func:`site_distances` (sphere-nearest candidates).
DEFAULT_NEAREST_SITES = 6


@dataclass(frozen=True)
class SiteDistances:
    """The ``k`` sphere-nearest sites of every place, with geodesic distances measured on demand.

    Built by :func:`site_distances` in near-linear time and O(places x k) memory. Answers the
    questions :func:`coverage` asks (nearest open site, sites within a radius) exactly as a full
    place x site matrix of :func:`geo.distance.geodesic_km` would (ties: first site in order):
    a geodesic distance is measured only when its sphere bounds say it could matter, and kept
    (``geodesic_km``, NaN until measured), so a what-if re-measures only the places whose
    nearest site it closes; places whose ``k`` candidates cannot settle a question are searched
    among all sites.
    """

    lon: NDArray
    lat: NDArray
    site_lon: NDArray
    site_lat: NDArray
    near: NDArray  # (places, k) site positions (integers), sphere-nearest first; -1: none
    sphere_km: NDArray  # (places, k) great-circle distances
    geodesic_km: NDArray  # (places, k) geodesic distances, NaN until measured
    _answers: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(places, sites)``, the shape of the matrix this stands for."""
        return (self.lon.size, self.site_lon.size)

    def _measure(self, rows: NDArray, want: NDArray) -> NDArray:
        """Geodesic km of the candidates ``want`` (mask over ``near[rows]``), inf elsewhere."""
        g = self.geodesic_km[rows]
        r, c = np.nonzero(want & np.isnan(g))
        if r.size:
            p, site = rows[r], self.near[rows[r], c]
            g[r, c] = geodesic_km(
                self.lon[p], self.lat[p], self.site_lon[site], self.site_lat[site]
            )
            self.geodesic_km[rows[r], c] = g[r, c]
        return np.where(want, g, np.inf)

    def nearest_open(self, rows: NDArray, is_open: NDArray) -> tuple[NDArray, NDArray]:
        """Nearest open site of each place in ``rows``; the first site in order on ties.

        Parameters
        ----------
        rows
            Positions of places with a coordinate.
        is_open
            One flag per site; some site must be open.

        Returns
        -------
        position : numpy.ndarray of int
            Position of the nearest open site of each place.
        distance_km : numpy.ndarray of float
            Geodesic distance to it.
        """
        pos, dist = np.empty(rows.size, dtype="int64"), np.empty(rows.size)
        step = max(1, DENSE_CHUNK // self.near.shape[1])  # chunks that stay in the CPU cache
        for start in range(0, rows.size, step):
            part = slice(start, start + step)
            pos[part], dist[part] = self._nearest_open(rows[part], is_open)
        return pos, dist

    def _nearest_open(self, rows: NDArray, is_open: NDArray) -> tuple[NDArray, NDArray]:
        near, s = self.near[rows], self.sphere_km[rows]
        hit = is_open[near]
        any_hit = hit.any(axis=1)
        first = np.argmax(hit, axis=1)
        lower, upper = sphere_bounds_km(s)
        best_upper = upper[np.arange(rows.size), first]
        g = self._measure(rows, hit & (lower <= best_upper[:, None]) & any_hit[:, None])
        dist, pos = first_smallest(g, near)
        complete = near.shape[1] == self.site_lon.size
        miss = np.flatnonzero(~any_hit | ~(complete | (dist < lower[:, -1])))
        if miss.size:  # the k candidates do not settle it: search every open site
            sites = np.flatnonzero(is_open)
            r = rows[miss]
            idx, d = nearest_km(
                self.lon[r], self.lat[r], self.site_lon[sites], self.site_lat[sites]
            )
            pos[miss], dist[miss] = sites[idx], d
        return pos, dist

    def nearest_open_all(self, is_open: NDArray) -> tuple[NDArray, NDArray]:
        """:meth:`nearest_open` for every place with a coordinate, remembered per set of open sites.

        As many answers as :data:`ANSWER_BYTES` holds are remembered. From a remembered answer
        for a larger set, only the places whose nearest site has closed are searched again: a
        one-site what-if costs its catchment.

        Parameters
        ----------
        is_open
            One flag per site; some site must be open.

        Returns
        -------
        position : numpy.ndarray of int
            Nearest open site of each place with a coordinate, in place order.
        distance_km : numpy.ndarray of float
            Geodesic distance to it.
        """
        key = np.packbits(is_open).tobytes()
        if key in self._answers:
            return self._answers[key]
        rows = np.flatnonzero(np.isfinite(self.lon))
        wider = [
            k
            for k in self._answers
            if (np.unpackbits(np.frombuffer(k, np.uint8))[: is_open.size] >= is_open).all()
        ]
        if wider:
            pos, dist = (a.copy() for a in self._answers[wider[-1]])
            redo = np.flatnonzero(~is_open[pos])
            if redo.size:
                pos[redo], dist[redo] = self.nearest_open(rows[redo], is_open)
        else:
            pos, dist = self.nearest_open(rows, is_open)
        while self._answers and len(self._answers) >= max(
            2, ANSWER_BYTES // max(1, pos.nbytes + dist.nbytes)
        ):
            self._answers.pop(next(iter(self._answers)))
        self._answers[key] = (pos, dist)
        return pos, dist

    def subset(self, rows: NDArray, *, remembered: Iterable[NDArray] = ()) -> SiteDistances:
        """The places at ``rows`` alone, with what is known of them.

        The answers of :meth:`nearest_open_all` remembered for the sets of open sites
        ``remembered`` are carried over (their rows), so that asking the subset the same
        questions measures nothing again.

        Parameters
        ----------
        rows
            Positions of places with a coordinate, ascending.
        remembered
            Sets of open sites (one flag per site) whose remembered answers to carry over; those
            not remembered are answered by the subset when asked.

        Returns
        -------
        SiteDistances
            The candidates of the places at ``rows`` (measured distances copied).
        """
        sub = SiteDistances(
            self.lon[rows],
            self.lat[rows],
            self.site_lon,
            self.site_lat,
            self.near[rows],
            self.sphere_km[rows],
            self.geodesic_km[rows],
        )
        at = None
        for is_open in remembered:
            key = np.packbits(is_open).tobytes()
            answer = self._answers.get(key)
            if answer is not None:
                if at is None:  # the answers are over the places with a coordinate
                    at = np.searchsorted(np.flatnonzero(np.isfinite(self.lon)), rows)
                sub._answers[key] = (answer[0][at], answer[1][at])
        return sub

    def clear(self) -> None:
        """Forget the remembered answers (:meth:`nearest_open_all`); measured distances stay."""
        self._answers.clear()

    def within(self, rows: NDArray, radius_km: float) -> tuple[NDArray, NDArray]:
        """Pairs (index into ``rows``, site position) at most ``radius_km`` apart (geodesic).

        Parameters
        ----------
        rows
            Positions of places with a coordinate.
        radius_km
            The radius in km.

        Returns
        -------
        row : numpy.ndarray of int
            Index into ``rows`` of each pair.
        site : numpy.ndarray of int
            Site position of each pair.
        """
        lower, _ = sphere_bounds_km(self.sphere_km[rows])
        complete = (lower.shape[1] == self.site_lon.size) | (lower[:, -1] > radius_km)
        g = self._measure(rows, (lower <= radius_km) & complete[:, None])
        r, c = np.nonzero(g <= radius_km)
        pairs = [(r, self.near[rows[r], c].astype("int64"))]
        far = np.flatnonzero(~complete)
        if far.size:
            i, j, _ = within_pairs_km(
                self.lon[rows[far]], self.lat[rows[far]], self.site_lon, self.site_lat, radius_km
            )
            pairs.append((far[i], j))
        place_rows, site_pos = (np.concatenate(x) for x in zip(*pairs))
        return place_rows, site_pos


def _site_distances(lon, lat, b_lon, b_lat, k: int, query=None) -> SiteDistances:
    k = max(1, min(int(k), b_lon.size))
    measured = np.full((lon.size, k), np.nan)
    ok = np.flatnonzero(np.isfinite(lon))
    # site positions in the smallest signed integers that hold them (and -1): a few hundred
    # sites in int16, a quarter of int64's memory (places x k of them)
    index = next(t for t in (np.int16, np.int32, np.int64) if b_lon.size <= np.iinfo(t).max)
    if not (ok.size and b_lon.size):
        near = np.full((lon.size, k), -1, dtype=index)
        return SiteDistances(lon, lat, b_lon, b_lat, near, np.full((lon.size, k), np.inf), measured)
    # the candidates and the nearest site (measured: what every evaluation asks first) in one
    # pass; the nearest's distance is kept where it is among the candidates
    every = ok.size == lon.size  # every place located: no copy into larger arrays
    near, sphere, nearest, nearest_km = sphere_candidates_nearest_km(
        lon if every else lon[ok], lat if every else lat[ok], b_lon, b_lat, k=k, query=query
    )
    r, c = np.nonzero(near == nearest[:, None])
    if not every:
        near_all = np.full((lon.size, k), -1, dtype=index)
        sphere_all = np.full((lon.size, k), np.inf)
        near_all[ok], sphere_all[ok] = near, sphere
        near, sphere = near_all, sphere_all
    else:
        near = near.astype(index)
    measured[ok[r], c] = nearest_km[r]
    return SiteDistances(lon, lat, b_lon, b_lat, near, sphere, measured)


def _from_matrix(distance_km: NDArray, lon, lat, b_lon, b_lat) -> SiteDistances:
    """A full matrix as :class:`SiteDistances`: every site a candidate, every distance measured."""
    d = np.where(np.isnan(distance_km), np.inf, distance_km)
    near = np.argsort(d, axis=1, kind="stable")
    km = np.take_along_axis(d, near, axis=1)
    return SiteDistances(lon, lat, b_lon, b_lat, near, km, km.copy())


def site_distances(
    places: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    k: int = DEFAULT_NEAREST_SITES,
    query: QueryPoints | None = None,
) -> SiteDistances:
    """The ``k`` sphere-nearest sites of every place (see :class:`SiteDistances`).

    The geodesic distance to the nearest is measured up front; in chunks, never a place x site
    matrix.

    Parameters
    ----------
    places
        Point GeoDataFrame (null geometry allowed).
    bases
        Point GeoDataFrame of sites, each with a geometry.
    k
        Sites kept per place.
    query
        The places with a coordinate prepared for several searches
        (:class:`geo.distance.QueryPoints`).

    Returns
    -------
    SiteDistances
        The candidates, answering :func:`coverage`'s questions exactly.

    Raises
    ------
    SchemaError
        A site has no geometry.
    """
    lon, lat = point_lonlat(places, name="places")
    b_lon, b_lat = point_lonlat(bases, name="bases")
    if not np.isfinite(b_lon).all():
        raise SchemaError("bases need a point geometry on every row to measure distances")
    return site_distances_lonlat(lon, lat, b_lon, b_lat, k=k, query=query)


def site_distances_lonlat(
    lon: NDArray,
    lat: NDArray,
    site_lon: NDArray,
    site_lat: NDArray,
    *,
    k: int = DEFAULT_NEAREST_SITES,
    query: QueryPoints | None = None,
) -> SiteDistances:
    """:func:`site_distances` from coordinates already read (:func:`point_lonlat`).

    Parameters
    ----------
    lon
        Longitudes of the places in degrees (NaN: no coordinate).
    lat
        Latitudes of the places in degrees.
    site_lon
        Longitudes of the sites in degrees.
    site_lat
        Latitudes of the sites in degrees.
    k
        Sites kept per place.
    query
        The places with a coordinate prepared for several searches.

    Returns
    -------
    SiteDistances
        The candidates, answering :func:`coverage`'s questions exactly.

    Raises
    ------
    SchemaError
        A site has no coordinate.
    """
    if not np.isfinite(site_lon).all():
        raise SchemaError("bases need a point geometry on every row to measure distances")
    return _site_distances(lon, lat, site_lon, site_lat, k, query)


def protection(distance_km: NDArray, radius_km: float) -> NDArray:
    """Protection by the nearest open site, 0-10: 10 at the site, linearly to 0 at ``radius_km``.

    NaN distance (no coordinate) stays NaN; ``inf`` (no open site) gives 0.

    Parameters
    ----------
    distance_km
        Distance to the nearest open site.
    radius_km
        The umbrella radius.

    Returns
    -------
    numpy.ndarray
        Protection, 0-10.
    """
    d = np.asarray(distance_km, dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(d), np.nan, 10.0 * np.clip(1.0 - d / radius_km, 0.0, 1.0))


def coverage(
    places: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    as_of: str | dt.date,
    before: str | dt.date,
    radius_km: float = DEFAULT_RADIUS_KM,
    base_id_column: str = "base_id",
    base_name_column: str = "name",
    open_bases: Iterable[bool] | None = None,
    distance_km: np.ndarray | SiteDistances | None = None,
) -> pd.DataFrame:
    """The security umbrella of every place, before the withdrawal and at ``as_of``.

    Parameters
    ----------
    places
        Point GeoDataFrame (null geometry allowed: reported as missing).
    bases
        Sites with ``closure_date`` (ISO), an id column and a name column.
    as_of
        The date assessed.
    before
        The reference date "before the withdrawal" (every site of the study still open).
    radius_km
        Umbrella radius (default :data:`DEFAULT_RADIUS_KM`, a modelling choice).
    base_id_column
        The sites' id column.
    base_name_column
        The sites' name column.
    open_bases
        Override of which sites are open at ``as_of`` (a scenario); by default from the dates.
    distance_km
        Precomputed distances: :func:`site_distances` (near-linear, bounded memory) or a full
        matrix of shape ``(len(places), len(bases))`` (:func:`distance_matrix_km`); makes
        repeated calls (timeline, what-ifs) cheap. Same results either way, or without.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``places.index``: ``base_before_id``, ``base_before_name``, ``base_before_km``,
        ``covered_before``, ``base_after_id``, ``base_after_name``, ``base_after_km`` (NaN when no
        site is open: see ``any_base_open``), ``covered_after``, ``coverage_lost`` (covered before,
        not at ``as_of``), ``coverage_lost_on`` (ISO date the last covering site closed, None if
        not lost, or when a covering site was closed by the scenario before its real date),
        ``protection_before``/``protection_after``
        (:func:`protection`) and ``security_loss_score`` = max(0, before - after), 0-10.
        Covered flags are nullable booleans: missing when the place has no coordinate.
    """
    radius_km = check_radius(radius_km)
    when, ref = parse_iso_date(as_of), parse_iso_date(before, name="before")
    for col in (base_id_column, base_name_column):
        if col not in bases.columns:
            raise SchemaError(f"bases lack column {col!r}; columns: {list(bases.columns)}")
    if isinstance(distance_km, SiteDistances) and distance_km.shape == (len(places), len(bases)):
        lon, lat = distance_km.lon, distance_km.lat  # measured from these places and sites
        b_lon, b_lat = distance_km.site_lon, distance_km.site_lat
    else:
        lon, lat = point_lonlat(places, name="places")
        b_lon, b_lat = point_lonlat(bases, name="bases")
    closed = _closure(bases)
    closed_on = closed.to_numpy(dtype=object)
    open_before = _open(closed, ref)
    if open_bases is None:
        open_after = _open(closed, when)
    else:
        open_after = np.asarray(list(open_bases), dtype=bool)
        if open_after.shape != (len(bases),):
            raise ParameterError(
                f"open_bases must have one flag per base ({len(bases)}), got {open_after.shape}"
            )
    ids = bases[base_id_column].to_numpy(dtype=object)
    names = bases[base_name_column].to_numpy(dtype=object)
    ok = np.isfinite(lon)
    out: dict = {}  # columns, made a frame once at the end
    if distance_km is not None and tuple(np.shape(distance_km)) != (len(places), len(bases)):
        raise ParameterError(
            f"distance_km must have shape {(len(places), len(bases))}, got {np.shape(distance_km)}"
        )
    if isinstance(distance_km, SiteDistances):
        sd = distance_km
    elif distance_km is not None:
        sd = _from_matrix(np.asarray(distance_km, dtype="float64"), lon, lat, b_lon, b_lat)
    elif len(bases):
        sd = _site_distances(lon, lat, b_lon, b_lat, DEFAULT_NEAREST_SITES)
    for label, mask in (("before", open_before), ("after", open_after)):
        pos = np.full(len(places), -1)
        km = np.full(len(places), np.nan)
        if mask.any() and ok.any():
            pos[ok], km[ok] = sd.nearest_open_all(mask)
        elif ok.any():
            km[ok] = np.inf
        out[f"base_{label}_id"] = np.where(pos >= 0, ids[np.maximum(pos, 0)], None)
        out[f"base_{label}_name"] = np.where(pos >= 0, names[np.maximum(pos, 0)], None)
        out[f"protection_{label}"] = protection(km, radius_km)
        out[f"base_{label}_km"] = np.where(np.isinf(km), np.nan, km)
        covered = pd.array(np.where(ok, km <= radius_km, False), dtype="boolean")
        covered[~ok] = pd.NA
        out[f"covered_{label}"] = covered
    out["any_base_open"] = bool(open_after.any())
    lost = out["covered_before"] & ~out["covered_after"]
    out["coverage_lost"] = lost
    # Date lost: the latest closure among the sites that covered the place before, closed now.
    lost_on = np.full(len(places), None, dtype=object)
    rows = np.flatnonzero(np.asarray(lost.fillna(False), dtype=bool))
    if rows.size:
        r, site = sd.within(rows, radius_km)
        keep = open_before[site]
        r, site = r[keep], site[keep]
        ordinal = np.array([d.toordinal() if d is not None else -1 for d in closed_on])
        latest = np.full(rows.size, -1, dtype="int64")
        np.maximum.at(latest, r, ordinal[site])
        # a covering site closed by a scenario before its real closure date: the date is not known
        early = np.zeros(rows.size, dtype=bool)
        early[r[ordinal[site] > when.toordinal()]] = True
        latest = np.where(early, -1, latest)
        lost_on[rows] = [dt.date.fromordinal(int(o)).isoformat() if o > 0 else None for o in latest]
    out["coverage_lost_on"] = lost_on
    score = np.maximum(out["protection_before"] - out["protection_after"], 0.0)
    out["security_loss_score"] = score
    return pd.DataFrame(out, index=places.index, copy=False)  # the arrays above, not copies
