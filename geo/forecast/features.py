"""Features per unit and month, each computed only from what was known at that month's start.

:func:`build_features` computes, once, a cube ``(n_units, n_origins, n_features)`` where origin
``t`` stands for the first day of month ``panel.first_month + t`` (``t = 0 .. n_months``; the last
origin is the month after the span, for a forecast). Every feature at origin ``t`` reads months
``< t`` only, so any slice of the cube is free of leakage by construction and a backtest never
recomputes features (see :mod:`minusma.geo.forecast.backtest`).

Features (names in :data:`HISTORY_FEATURES` and friends):

* history: ``events_1m, events_3m, events_12m, events_36m`` (events in the months before the
  origin; NaN when the window reaches outside the span or over a month not observed),
  ``events_per_month_all`` (mean over every observed month of the span before the origin),
  ``months_since_event`` (capped at :data:`CAP_MONTHS`; a unit without an event in the span gets
  the months of span seen so far, a lower bound), ``decayed_events`` (exponentially decayed count,
  half-life :data:`HALF_LIFE_MONTHS`; unobserved months add nothing);
* spatial lag: ``neighbour_events_3m, neighbour_events_12m`` (sum over the unit's neighbours:
  contiguity for polygons, queen for cells);
* protection (when sites are given): ``sites_open_within`` (sites open within ``radius_km`` of
  the unit's point in the month before the origin), ``km_to_open_site`` (to the nearest open
  site; :data:`CAP_KM` when none is open), ``months_since_closure_within`` (since the latest
  closure of a site within ``radius_km``; :data:`CAP_MONTHS` when none closed),
  ``km_to_any_site`` (nearest site open now or before); with a
  :class:`~minusma.geo.forecast.shape.ProtectionShape` also ``opening_effect_within`` and
  ``closing_effect_within``, the estimated effect of each site's opening or closing summed over
  the sites in reach, by months since (:mod:`minusma.geo.forecast.shape`);
* static columns (population, distance to the capital or a border, access indicators, the
  composite score), given by the caller and repeated over origins: they are known at every
  origin only because they are treated as constant (population is one year's raster, access is
  the network as modelled); that is an assumption, stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.signal import lfilter

from minusma.geo._errors import ParameterError
from minusma.geo.distance import pairwise_km
from minusma.geo.forecast.shape import ProtectionShape
from minusma.geo.panel import Panel

__all__ = [
    "CAP_KM",
    "CAP_MONTHS",
    "HALF_LIFE_MONTHS",
    "HISTORY_FEATURES",
    "PROTECTION_FEATURES",
    "RADIUS_KM",
    "SPATIAL_FEATURES",
    "WINDOWS_MONTHS",
    "FeatureCube",
    "Sites",
    "build_features",
]

#: History windows (months before the origin).
WINDOWS_MONTHS = (1, 3, 12, 36)
#: Half-life of the decayed event count, months.
HALF_LIFE_MONTHS = 6.0
#: Radius of "a site near the unit", km.
RADIUS_KM = 50.0
#: Cap of the months-since features (also their value when nothing happened yet), months.
CAP_MONTHS = 120
#: Cap of the distance-to-site features (also their value when no site is open), km.
CAP_KM = 1000.0

HISTORY_FEATURES = (
    *(f"events_{w}m" for w in WINDOWS_MONTHS),
    "events_per_month_all",
    "months_since_event",
    "decayed_events",
)
SPATIAL_FEATURES = ("neighbour_events_3m", "neighbour_events_12m")
PROTECTION_FEATURES = (
    "sites_open_within",
    "km_to_open_site",
    "months_since_closure_within",
    "km_to_any_site",
)

_NEVER = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class Sites:
    """Peacekeeping sites as periods, in month numbers (:func:`minusma.geo.panel.month_index`).

    ``opened_month`` is the first month open (None/NaN: open before the record);
    ``closed_month`` the first month no longer open (None/NaN: still open).
    """

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    opened_month: NDArray[np.int64]
    closed_month: NDArray[np.int64]
    names: NDArray[np.object_]

    @classmethod
    def from_arrays(
        cls,
        lon: ArrayLike,
        lat: ArrayLike,
        opened_month: ArrayLike,
        closed_month: ArrayLike,
        names: ArrayLike,
    ) -> Sites:
        """Build from arrays; NaN/None months become open-ended.

        Parameters
        ----------
        lon
            Longitudes of the sites.
        lat
            Latitudes of the sites.
        opened_month
            First month open (month numbers; None/NaN: open before the record).
        closed_month
            First month no longer open (None/NaN: still open).
        names
            Site names (for the words of a forecast).

        Returns
        -------
        Sites
        """
        o = pd.to_numeric(pd.Series(np.asarray(opened_month, dtype=object)), errors="coerce")
        c = pd.to_numeric(pd.Series(np.asarray(closed_month, dtype=object)), errors="coerce")
        return cls(
            np.asarray(lon, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            o.fillna(-_NEVER).to_numpy(np.int64),
            c.fillna(_NEVER).to_numpy(np.int64),
            np.asarray(names, dtype=object),
        )


@dataclass
class FeatureCube:
    """Features per unit and origin; see the module docs.

    Attributes
    ----------
    values
        ``(n_units, n_origins, n_features)`` float64.
    names
        Feature names, in the last axis's order.
    first_month
        Month number of origin 0 (= the panel's first month).
    target
        ``(n_units, n_origins)`` events in the ``horizon_months`` from each origin (NaN where the
        horizon leaves the span or covers an unobserved month).
    horizon_months
        The horizon of ``target``.
    nearest_open_site, last_closed_site
        ``(n_units, n_origins)`` site index behind ``km_to_open_site`` and
        ``months_since_closure_within`` (-1: none), for the words of a forecast.
    site_km
        ``(n_units, n_sites)`` distances, or ``None`` without sites.
    """

    values: NDArray[np.float64]
    names: list[str]
    first_month: int
    target: NDArray[np.float64]
    horizon_months: int
    nearest_open_site: NDArray[np.int64] | None = None
    last_closed_site: NDArray[np.int64] | None = None
    site_km: NDArray[np.float64] | None = None
    sites: Sites | None = None
    radius_km: float = RADIUS_KM
    static: dict[str, NDArray] = field(default_factory=dict)

    @property
    def n_origins(self) -> int:
        """Number of forecast origins (months) in the cube."""
        return int(self.values.shape[1])

    def origin_index(self, month: int) -> int:
        """Origin index of a month number.

        Parameters
        ----------
        month
            A month number (:func:`minusma.geo.panel.month_index`).

        Returns
        -------
        int
            Its index on the cube's origin axis.
        """
        return int(month) - self.first_month

    def feature(self, name: str) -> NDArray[np.float64]:
        """``(n_units, n_origins)`` values of one feature.

        Parameters
        ----------
        name
            A feature name of :attr:`names`.

        Returns
        -------
        numpy.ndarray
        """
        return self.values[:, :, self.names.index(name)]


def _windows(counts: NDArray, length: int) -> NDArray:
    """Events in the ``length`` months before each origin 0..m (NaN where not observed)."""
    n, m = counts.shape
    filled = np.nan_to_num(counts)
    cs = np.concatenate([np.zeros((n, 1)), np.cumsum(filled, axis=1)], axis=1)
    miss = np.concatenate([np.zeros((n, 1)), np.cumsum(np.isnan(counts), axis=1)], axis=1)
    out = np.full((n, m + 1), np.nan)
    if length <= m:
        total = cs[:, length:] - cs[:, :-length]
        gaps = miss[:, length:] - miss[:, :-length]
        out[:, length:] = np.where(gaps > 0, np.nan, total)
    return out


def _target(counts: NDArray, horizon_months: int) -> NDArray:
    """Events in the ``horizon_months`` from each origin 0..m (NaN past the span)."""
    ahead = _windows(counts, horizon_months)  # ahead[:, t + h] covers months t .. t+h-1
    n, m = counts.shape
    out = np.full((n, m + 1), np.nan)
    out[:, : m + 1 - horizon_months] = ahead[:, horizon_months:]
    return out


def _rate_all(counts: NDArray) -> NDArray:
    n = counts.shape[0]
    total = np.concatenate([np.zeros((n, 1)), np.cumsum(np.nan_to_num(counts), axis=1)], axis=1)
    seen = np.concatenate([np.zeros((n, 1)), np.cumsum(~np.isnan(counts), axis=1)], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen > 0, total / seen, np.nan)


def _months_since_event(counts: NDArray) -> NDArray:
    n, m = counts.shape
    seen = np.where(np.nan_to_num(counts) > 0, np.arange(m), -1)
    last = np.maximum.accumulate(seen, axis=1) if m else seen
    last = np.concatenate([np.full((n, 1), -1), last], axis=1)  # before origin t
    origin = np.arange(m + 1)[None, :]
    since = np.where(last >= 0, origin - last, origin)
    return np.minimum(since, CAP_MONTHS).astype(np.float64)


def _decayed(counts: NDArray, half_life_months: float) -> NDArray:
    a = 0.5 ** (1.0 / half_life_months)
    n = counts.shape[0]
    d = lfilter([1.0], [1.0, -a], np.nan_to_num(counts), axis=1)
    return np.concatenate([np.zeros((n, 1)), d], axis=1)


def _protection(
    unit_lon: NDArray,
    unit_lat: NDArray,
    sites: Sites,
    first_month: int,
    n_origins: int,
    radius_km: float,
) -> tuple[dict[str, NDArray], NDArray, NDArray, NDArray]:
    km = pairwise_km(unit_lon, unit_lat, sites.lon, sites.lat)
    within = km <= radius_km
    # known at origin t: state of month t-1
    month = first_month + np.arange(n_origins) - 1
    is_open = (sites.opened_month[:, None] <= month) & (month < sites.closed_month[:, None])
    started = sites.opened_month[:, None] <= month
    n = km.shape[0]
    open_within = within.astype(np.float64) @ is_open.astype(np.float64)
    km_open = np.full((n, n_origins), CAP_KM)
    nearest = np.full((n, n_origins), -1, dtype=np.int64)
    km_any = np.full((n, n_origins), CAP_KM)
    for mask_rows, target, idx in ((is_open, km_open, nearest), (started, km_any, None)):
        patterns, inverse = np.unique(mask_rows.T, axis=0, return_inverse=True)
        for p, pattern in enumerate(patterns):
            if not pattern.any():
                continue
            cols = np.flatnonzero(inverse.ravel() == p)
            sub = np.where(pattern[None, :], km, np.inf)
            best = sub.argmin(axis=1)
            target[:, cols] = np.minimum(sub[np.arange(n), best], CAP_KM)[:, None]
            if idx is not None:
                idx[:, cols] = best[:, None]
    last_close = np.full((n, n_origins), -_NEVER, dtype=np.int64)
    last_site = np.full((n, n_origins), -1, dtype=np.int64)
    for s in np.flatnonzero(sites.closed_month < _NEVER):
        c = sites.closed_month[s]
        known = month >= c  # month c not open, seen at origin c + 1
        newer = within[:, s][:, None] & known[None, :] & (c > last_close)
        last_close = np.where(newer, c, last_close)
        last_site = np.where(newer, s, last_site)
    since = np.where(last_site >= 0, month[None, :] + 1 - last_close, CAP_MONTHS)
    feats = {
        "sites_open_within": open_within,
        "km_to_open_site": km_open,
        "months_since_closure_within": np.minimum(since, CAP_MONTHS).astype(np.float64),
        "km_to_any_site": km_any,
    }
    return feats, nearest, last_site, km


def build_features(
    panel: Panel,
    *,
    horizon_months: int,
    neighbours: sp.spmatrix | None = None,
    unit_lon: ArrayLike | None = None,
    unit_lat: ArrayLike | None = None,
    sites: Sites | None = None,
    static: pd.DataFrame | None = None,
    radius_km: float = RADIUS_KM,
    half_life_months: float = HALF_LIFE_MONTHS,
    shape: ProtectionShape | None = None,
) -> FeatureCube:
    """The feature cube of a panel (see the module docs).

    Parameters
    ----------
    panel
        Unit x month counts.
    horizon_months
        Months ahead the target counts.
    neighbours
        ``(n_units, n_units)`` 0/1 contiguity in panel row order (None: no spatial lag).
    unit_lon
        Longitude of a point per unit (centroid or place), needed with ``sites``.
    unit_lat
        Latitude of that point.
    sites
        Peacekeeping site periods (None: no protection features).
    static
        Per-unit columns in panel row order, repeated over origins (NaN allowed only where a
        model tolerates it).
    radius_km
        Reach of a site (:data:`RADIUS_KM`).
    half_life_months
        Half-life of the decayed count (:data:`HALF_LIFE_MONTHS`).
    shape
        An estimated effect (:func:`minusma.geo.forecast.shape.read_protection_shape`): adds the
        shaped protection features (needs ``sites``).

    Returns
    -------
    FeatureCube
        The features and targets.

    Raises
    ------
    ParameterError
        A bad horizon, neighbour matrix or static table, or sites/shape without unit points.
    """
    if int(horizon_months) != horizon_months or horizon_months < 1:
        raise ParameterError(f"horizon_months must be a whole number >= 1, got {horizon_months!r}")
    counts = panel.counts
    n, m = counts.shape
    cols: dict[str, NDArray] = {}
    for w in WINDOWS_MONTHS:
        cols[f"events_{w}m"] = _windows(counts, w)
    cols["events_per_month_all"] = _rate_all(counts)
    cols["months_since_event"] = _months_since_event(counts)
    cols["decayed_events"] = _decayed(counts, half_life_months)
    if neighbours is not None:
        if neighbours.shape != (n, n):
            raise ParameterError(f"neighbours must be ({n}, {n}), got {neighbours.shape}")
        w = sp.csr_matrix(neighbours, dtype=np.float64)
        cols["neighbour_events_3m"] = w @ cols["events_3m"]
        cols["neighbour_events_12m"] = w @ cols["events_12m"]
    nearest = last_site = km = None
    if sites is not None:
        if unit_lon is None or unit_lat is None:
            raise ParameterError("protection features need unit_lon and unit_lat")
        feats, nearest, last_site, km = _protection(
            np.asarray(unit_lon, float),
            np.asarray(unit_lat, float),
            sites,
            panel.first_month,
            m + 1,
            radius_km,
        )
        cols.update(feats)
        if shape is not None:
            known = panel.first_month + np.arange(m + 1) - 1
            cols.update(
                shape.features(
                    km,
                    sites.opened_month,
                    sites.closed_month,
                    known,
                    _NEVER,
                    horizon_months=int(horizon_months),
                )
            )
    elif shape is not None:
        raise ParameterError("a protection shape needs sites (their opening and closing months)")
    static_cols: dict[str, NDArray] = {}
    if static is not None:
        if len(static) != n:
            raise ParameterError(f"static has {len(static)} rows for {n} units")
        for name in static.columns:
            values = static[name].to_numpy(dtype=np.float64)
            static_cols[name] = values
            cols[name] = np.repeat(values[:, None], m + 1, axis=1)
    names = list(cols)
    values = np.stack([cols[k] for k in names], axis=2)
    return FeatureCube(
        values=values,
        names=names,
        first_month=panel.first_month,
        target=_target(counts, int(horizon_months)),
        horizon_months=int(horizon_months),
        nearest_open_site=nearest,
        last_closed_site=last_site,
        site_km=km,
        sites=sites,
        radius_km=radius_km,
        static=static_cols,
    )
