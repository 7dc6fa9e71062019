"""Staggered event study on a unit x month panel: Callaway & Sant'Anna (2021), vectorised.

Design
------
Units (grid cells, admin units, rings around sites) switch **once** at different months (a site
within R km opens, or the last one closes). For each cohort ``g`` (the month of the switch) and
event time ``k`` (months since it, ``-window..+window``), the group-time effect compares the
change of the outcome since the month before the switch in the cohort's units with the same
change in the units **not yet switched and never switched** in those months (Callaway &
Sant'Anna 2021, *Journal of Econometrics* 225(2), 200-230; unconditional parallel trends,
universal base period ``g - 1``, no anticipation)::

    ATT(g, g+k) = mean_{G=g}[Y(g+k) - Y(g-1)] - mean_{G>max(g+k, g-1) or never}[Y(g+k) - Y(g-1)]

The event-time effect ``theta(k)`` averages ``ATT(g, g+k)`` over the cohorts observed at ``k``,
weighted by cohort size; the pooled effect is the mean of ``theta(k)`` over ``k = 0..window``.
No two-way fixed-effects regression is run: under staggered timing its weights can be negative
(Goodman-Bacon 2021; de Chaisemartin & D'Haultfoeuille 2020).

Inference
---------
Each estimate's influence function is a sum over units (the estimated cohort weights included),
so standard errors are clustered by unit, or by any coarser cluster given (``clusters``);
intervals are pointwise normal. The **uniform band** covers every event time at once: a multiplier
bootstrap of the clustered influence functions (Rademacher weights, one per cluster) gives the
(1 - alpha) quantile of the largest absolute t-statistic over the event times (sup-t), and the
band is the estimate plus or minus that critical value times the standard error, as the ``did``
package's ``mboot`` does (Callaway & Sant'Anna 2021, section 4.1; R package ``did``, function
``mboot``, ``cband = TRUE``). ``did`` scales the draws by their interquartile range; here they
are scaled by the analytic clustered standard errors, which the draws reproduce in expectation
(Rademacher weights have variance 1), so that the band and the pointwise intervals share one
scale. With few clusters carrying the influence (rare events, three switching cells) the draws
take few values and their quantile can fall below the pointwise critical value; the band is
then never drawn narrower than the pointwise intervals, and a note says it does not hold. The
**pre-trend test** is the Wald test that every lead
``theta(k), k = -window..-2`` is zero (chi-squared, degrees of freedom the rank of their
covariance). The **placebo** shuffles the switch months across the eligible units (each unit
takes another's month, or none) and re-estimates the pooled effect; its p-value is the share of
shuffles at least as large in absolute value as the estimate (with the estimate counted in).

The estimate is the change in the outcome (events per unit and month); ``ratio`` divides it by
the counterfactual mean of the switched units (their mean minus the effect). Its interval counts
the counterfactual mean's own uncertainty: the joint influence function of the pooled effect
and the switched units' mean (both sums over the same clusters) gives the variance of
``effect - r * counterfactual``, and the interval is every ``r`` whose normal test of that
difference does not reject (Fieller 1954, *Journal of the Royal Statistical Society B* 16(2);
the delta method inverted), so it holds zero exactly when the effect's interval does. It is
unbounded (null) when the counterfactual mean is not distinguishable from zero.

This module implements what no maintained library provided fast enough for the permutation
placebo (the ``differences`` package's ``ATTgt`` gives the same numbers, see the tests, in
seconds per fit). It is generic: no sites, no Mali.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from minusma.geo._errors import ParameterError
from minusma.geo.distance import pairwise_km

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_BAND_DRAWS",
    "DEFAULT_PLACEBO_DRAWS",
    "DEFAULT_WINDOW_MONTHS",
    "DESIGNS",
    "EventStudy",
    "NotEstimableError",
    "estimate",
    "protection_from_km",
    "protection_status",
    "switch_months",
]

#: Months either side of the switch.
DEFAULT_WINDOW_MONTHS = 24
#: Two-sided level of the intervals (0.05: 95 % intervals).
DEFAULT_ALPHA = 0.05
#: Shuffles of the switch months for the placebo.
DEFAULT_PLACEBO_DRAWS = 199
#: Multiplier-bootstrap draws of the uniform band (the ``did`` package's ``biters`` default).
DEFAULT_BAND_DRAWS = 1000
#: Switches an event study can measure.
DESIGNS = ("opening", "closing")
#: Never switched (in :func:`switch_months`).
NEVER = -1


class NotEstimableError(ParameterError):
    """The panel has no unit that switches with months before and after it."""


def protection_status(
    unit_lon: ArrayLike,
    unit_lat: ArrayLike,
    site_lon: ArrayLike,
    site_lat: ArrayLike,
    site_first_month: ArrayLike,
    site_end_month: ArrayLike,
    months: ArrayLike,
    *,
    radius_km: float,
) -> NDArray[np.bool_]:
    """Whether each unit has an open site within ``radius_km``, month by month.

    Parameters
    ----------
    unit_lon
        Longitudes of the unit points (cell centres, site locations), degrees.
    unit_lat
        Their latitudes, degrees.
    site_lon
        Longitudes of the site points, degrees.
    site_lat
        Their latitudes, degrees.
    site_first_month
        Month number (``year * 12 + month - 1``) each site period opens; missing (NaN): open
        before the record.
    site_end_month
        Month number it ends (open up to, not including, this month); missing: still open.
    months
        Month numbers of the panel's columns.
    radius_km
        Geodesic distance from the unit point to the site.

    Returns
    -------
    numpy.ndarray
        ``(n_units, n_months)`` booleans.

    Raises
    ------
    ParameterError
        A radius that is not positive.
    """
    n_units = len(np.atleast_1d(unit_lon))
    site_km = (
        pairwise_km(unit_lon, unit_lat, site_lon, site_lat)
        if len(np.atleast_1d(site_lon))
        else np.zeros((n_units, 0))
    )
    return protection_from_km(
        site_km, site_first_month, site_end_month, months, radius_km=radius_km
    )


def protection_from_km(
    site_km: ArrayLike,
    site_first_month: ArrayLike,
    site_end_month: ArrayLike,
    months: ArrayLike,
    *,
    radius_km: float,
) -> NDArray[np.bool_]:
    """Whether each unit has an open site within ``radius_km``, from unit-to-site distances.

    Parameters
    ----------
    site_km
        ``(n_units, n_sites)`` distances (km) from each unit (its point, or its polygon: 0
        inside) to each site.
    site_first_month
        Month number each site period opens (NaN: before the record).
    site_end_month
        Month number it ends, excluded (NaN: still open).
    months
        Month numbers of the panel's columns.
    radius_km
        A site this close or closer protects the unit.

    Returns
    -------
    numpy.ndarray
        ``(n_units, n_months)`` booleans.

    Raises
    ------
    ParameterError
        A radius that is not positive.
    """
    if not radius_km > 0:
        raise ParameterError(f"radius_km must be > 0, got {radius_km}")
    months = np.asarray(months, dtype=np.float64)
    first = np.nan_to_num(np.asarray(site_first_month, np.float64), nan=-np.inf)
    end = np.nan_to_num(np.asarray(site_end_month, np.float64), nan=np.inf)
    km = np.asarray(site_km, dtype=np.float64).reshape(-1, len(first))
    if len(first) == 0:
        return np.zeros((km.shape[0], len(months)), dtype=bool)
    open_ = (months[None, :] >= first[:, None]) & (months[None, :] < end[:, None])  # (S, T)
    near = km <= radius_km  # (U, S)
    return (near.astype(np.int32) @ open_.astype(np.int32)) > 0


def switch_months(
    status: NDArray[np.bool_], design: str
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """The column of each unit's switch and whether the unit belongs to the design.

    Parameters
    ----------
    status
        ``(n_units, n_months)`` protection status (:func:`protection_status`).
    design
        ``"opening"``: units unprotected in the first month; the switch is the first protected
        month. ``"closing"``: units protected at some month; the switch is the first
        unprotected month after a protected one. Only the first switch counts (later
        re-openings or closures stay in the unit's post-switch months).

    Returns
    -------
    (switch, eligible)
        ``switch`` the column of the switch (:data:`NEVER` = -1 for none), ``eligible`` which
        units the design compares.
    """
    status = np.asarray(status, dtype=bool)
    if design not in DESIGNS:
        raise ParameterError(f"design must be one of {', '.join(DESIGNS)}, got {design!r}")
    if design == "opening":
        eligible = ~status[:, 0]
        on = status.any(axis=1)
        switch = np.where(on, status.argmax(axis=1), NEVER)
    else:
        eligible = np.asarray(status.any(axis=1))
        off = ~status[:, 1:] & status[:, :-1]  # (U, T-1): unprotected after a protected month
        switch = np.where(off.any(axis=1), off.argmax(axis=1) + 1, NEVER)
    return np.where(eligible, switch, NEVER).astype(np.int64), eligible


@dataclass(frozen=True)
class EventStudy:
    """Result of :func:`estimate`.

    Attributes
    ----------
    event_time
        One row per event time ``k``: ``k, estimate, se, low, high`` (pointwise interval),
        ``band_low, band_high`` (uniform band over every event time), ``ratio, treated_mean,
        n_cohorts, n_treated`` (``k = -1`` is the reference, 0 by construction).
    pooled
        ``estimate, se, low, high, p, ratio, ratio_se, ratio_low, ratio_high, treated_mean,
        counterfactual_mean, counterfactual_se, months`` for ``k = 0..window``.
    pretrend
        ``chi2, df, p`` of the joint test that every lead ``k <= -2`` is zero.
    placebo
        ``p, draws, mean, sd`` of the pooled effect over shuffled switch months.
    n_units, n_treated, n_cohorts, n_months, window_months, alpha
        Sizes and settings.
    band
        ``level, critical_value, bootstrap_critical_value, draws, event_times`` of the uniform
        band (``critical_value`` is the bootstrap's, or the pointwise one where that is larger).
    notes
        What was left out and why.
    """

    event_time: pd.DataFrame
    pooled: dict
    pretrend: dict
    placebo: dict
    n_units: int
    n_treated: int
    n_cohorts: int
    n_months: int
    window_months: int
    alpha: float
    band: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def effect_by_event_time(self) -> pd.Series:
        """Estimated change in events per unit and month by months since the switch.

        The shape a forecast's protection feature can take.

        Returns
        -------
        pandas.Series
            Index ``k`` (``-window..window``), values the point estimates (0 at the reference
            ``k = -1``).
        """
        return self.event_time.set_index("k")["estimate"].rename("effect_per_month")

    def to_dict(self) -> dict:
        """The result as plain values, ready for JSON.

        Returns
        -------
        dict
            ``pooled``, ``event_time`` (records with ``band_low``/``band_high``),
            ``band_level``, ``band_critical_value``, ``pretrend_p``, ``placebo_p``, sizes and
            settings; NaN becomes None, floats are rounded to 6 decimals.
        """
        rows = self.event_time.replace({np.nan: None}).to_dict(orient="records")
        return {
            "pooled": _clean(self.pooled),
            "event_time": [_clean(r) for r in rows],
            "pretrend_p": _clean(self.pretrend["p"]),
            "pretrend": _clean(self.pretrend),
            "placebo_p": _clean(self.placebo["p"]),
            "placebo": _clean(self.placebo),
            "band_level": _clean(self.band.get("level", np.nan)),
            "band_critical_value": _clean(self.band.get("critical_value", np.nan)),
            "band": _clean(self.band),
            "n_units": self.n_units,
            "n_treated": self.n_treated,
            "n_cohorts": self.n_cohorts,
            "n_months": self.n_months,
            "window_months": self.window_months,
            "alpha": self.alpha,
            "notes": list(self.notes),
        }


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else round(float(value), 6)
    return value


def _group_time(
    y: NDArray[np.float64], switch: NDArray[np.int64], window: int, *, influence: bool
) -> dict:
    """ATT(g, g+k) and the cohorts' mean outcome, with per-unit influence functions."""
    n_units, n_months = y.shape
    ks = np.arange(-window, window + 1)
    cohorts, sizes = np.unique(switch[switch != NEVER], return_counts=True)
    n_k, n_g = len(ks), len(cohorts)
    att = np.full((n_g, n_k), np.nan)
    treated_mean = np.full((n_g, n_k), np.nan)
    phi = np.zeros((n_g, n_k, n_units)) if influence else None
    phi_mean = np.zeros((n_g, n_k, n_units)) if influence else None
    later = np.where(switch == NEVER, np.iinfo(np.int64).max, switch)
    for a, g in enumerate(cohorts):
        t = g + ks
        ok = (t >= 0) & (t < n_months) & (ks != -1)
        tt = t[ok]
        base = y[:, g - 1]
        change = y[:, tt] - base[:, None]  # (U, K_ok)
        is_g = switch == g
        # not yet switched at t (nor at the base month g-1), or never
        ctrl = later[:, None] > np.maximum(tt, g - 1)[None, :]
        ctrl &= ~is_g[:, None]
        n_c = ctrl.sum(axis=0)
        m_g = change[is_g].mean(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            m_c = (change * ctrl).sum(axis=0) / n_c
        good = n_c > 0
        cols = np.flatnonzero(ok)
        level = y[:, tt]  # (U, K_ok): the outcome itself, for the cohort's mean
        mean_g = level[is_g].mean(axis=0)
        att[a, cols[good]] = (m_g - m_c)[good]
        treated_mean[a, cols[good]] = mean_g[good]
        att[a, ks == -1] = 0.0
        treated_mean[a, ks == -1] = y[is_g, g - 1].mean()
        if phi is not None and phi_mean is not None:  # with influence
            dev_g = (change - m_g) * is_g[:, None] / is_g.sum()
            with np.errstate(invalid="ignore", divide="ignore"):
                dev_c = np.where(ctrl, (change - m_c) / n_c, 0.0)
            phi[a][cols[good], :] = (dev_g - dev_c)[:, good].T
            dev_mean = (level - mean_g) * is_g[:, None] / is_g.sum()
            phi_mean[a][cols[good], :] = dev_mean[:, good].T
    return {
        "ks": ks,
        "cohorts": cohorts,
        "sizes": sizes,
        "att": att,
        "treated_mean": treated_mean,
        "phi": phi,
        "phi_mean": phi_mean,
    }


def _weighted_influence(
    values: NDArray[np.float64],
    phi: NDArray[np.float64],
    w: NDArray[np.float64],
    valid: NDArray[np.bool_],
    p: NDArray[np.float64],
    dp: NDArray[np.float64],
    denom: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Influence ``(K, U)`` of a cohort-share weighted mean over cohorts, weights estimated."""
    psi = np.einsum("gk,gku->ku", w, phi)  # (K, U)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_denom = np.einsum("gk,gu->ku", valid.astype(np.float64), dp)  # (K, U)
        a = np.nan_to_num(values)
        term = np.einsum("gk,gu->ku", valid * a / denom, dp)
        term -= (valid * a * p[:, None]).sum(axis=0)[:, None] * d_denom / (denom**2)[:, None]
    return psi + np.nan_to_num(term)


def _aggregate(gt: dict, switch: NDArray[np.int64], *, influence: bool) -> dict:
    """theta(k): cohort-size weighted means of ATT(g, g+k); influence incl. estimated weights."""
    att, sizes, cohorts = gt["att"], gt["sizes"].astype(np.float64), gt["cohorts"]
    n_units = len(switch)
    valid = np.isfinite(att)  # (G, K)
    p = sizes / n_units
    denom = (valid * p[:, None]).sum(axis=0)  # (K,)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(valid, p[:, None] / denom, 0.0)  # (G, K)
        theta = np.where(denom > 0, (w * np.nan_to_num(att)).sum(axis=0), np.nan)
        tmean = np.where(denom > 0, (w * np.nan_to_num(gt["treated_mean"])).sum(axis=0), np.nan)
    out = {"theta": theta, "treated_mean": tmean, "weights": w}
    if influence:
        member = (switch[None, :] == cohorts[:, None]).astype(np.float64)  # (G, U)
        dp = (member - p[:, None]) / n_units  # (G, U)
        args = (w, valid, p, dp, denom)
        out["psi"] = _weighted_influence(att, gt["phi"], *args)
        out["psi_mean"] = _weighted_influence(gt["treated_mean"], gt["phi_mean"], *args)
    return out


def _pooled_point(y: NDArray[np.float64], switch: NDArray[np.int64], window: int) -> float:
    theta = _aggregate(_group_time(y, switch, window, influence=False), switch, influence=False)
    post = theta["theta"][window:]
    return float(np.nanmean(post)) if np.isfinite(post).any() else np.nan


def _cluster_sum(psi: NDArray[np.float64], clusters: NDArray | None) -> NDArray[np.float64]:
    """Influence functions ``(K, U)`` summed within clusters ``(K, C)``."""
    if clusters is None:
        return psi
    codes, _ = pd.factorize(pd.Series(clusters), use_na_sentinel=False)
    member = sp.csr_matrix((np.ones(len(codes)), (np.arange(len(codes)), codes)))
    return np.asarray(psi @ member)


def _uniform_band(
    psi: NDArray[np.float64],
    se: NDArray[np.float64],
    covered: NDArray[np.bool_],
    *,
    alpha: float,
    draws: int,
    seed: int,
) -> dict:
    """Sup-t critical value from a multiplier bootstrap of the clustered influence functions.

    ``psi`` is ``(K, C)`` (summed within clusters); the draws are ``psi @ v`` with one Rademacher
    weight per cluster (the ``did`` package's ``mboot``); the statistic is the largest absolute
    draw over the event times in ``covered``, each divided by its standard error.
    """
    keep = covered & (se > 0)
    if draws <= 0 or not keep.any():
        return {
            "critical_value": np.nan,
            "bootstrap_critical_value": np.nan,
            "draws": 0,
            "event_times": int(keep.sum()),
        }
    rng = np.random.default_rng([seed, 1])  # a stream of its own: the placebo's is seed
    v = rng.integers(0, 2, size=(psi.shape[1], draws)).astype(np.float64) * 2.0 - 1.0
    t = np.abs(psi[keep] @ v) / se[keep][:, None]  # (K_kept, draws)
    drawn = float(np.quantile(t.max(axis=0), 1 - alpha))
    # with few clusters carrying the influence the draws take few values (|t| <= sqrt of their
    # number) and their quantile can fall below the pointwise one: never narrower than pointwise
    pointwise = float(stats.norm.ppf(1 - alpha / 2))
    return {
        "critical_value": max(drawn, pointwise),
        "bootstrap_critical_value": drawn,
        "draws": int(draws),
        "event_times": int(keep.sum()),
    }


def estimate(
    outcome: ArrayLike,
    switch: ArrayLike,
    *,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    clusters: ArrayLike | None = None,
    alpha: float = DEFAULT_ALPHA,
    placebo_draws: int = DEFAULT_PLACEBO_DRAWS,
    band_draws: int = DEFAULT_BAND_DRAWS,
    seed: int = 0,
) -> EventStudy:
    """Callaway-Sant'Anna event study of a unit x month outcome around staggered switches.

    Parameters
    ----------
    outcome
        ``(n_units, n_months)`` outcome (events per unit and month), no missing values: only
        the eligible units of a design (:func:`switch_months`).
    switch
        ``(n_units,)`` column of each unit's switch, :data:`NEVER` (-1) for none. Units
        switching in column 0 have no month before the switch and are left out (counted in
        ``notes``).
    window_months
        Event times ``-window_months..+window_months``.
    clusters
        ``(n_units,)`` cluster labels for the standard errors (default: each unit its own).
    alpha
        Two-sided level of the intervals and of the uniform band.
    placebo_draws
        Shuffles of the switch months (0: no placebo).
    band_draws
        Multiplier-bootstrap draws of the uniform band (0: no band, its columns NaN).
    seed
        Seed of the shuffles and of the band's draws (the result is deterministic).

    Returns
    -------
    EventStudy

    Raises
    ------
    ParameterError
        Missing outcome values, shapes that disagree, a window not shorter than the history.
    NotEstimableError
        No unit switches with a month before the switch, or no comparison unit.
    """
    y = np.asarray(outcome, dtype=np.float64)
    g = np.asarray(switch, dtype=np.int64)
    if y.ndim != 2 or g.shape != (y.shape[0],):
        raise ParameterError(
            f"outcome must be (n_units, n_months) and switch (n_units,); got {y.shape} and "
            f"{g.shape}"
        )
    if np.isnan(y).any():
        raise ParameterError(
            f"the outcome has {int(np.isnan(y).sum())} missing unit-month(s); an event study "
            "needs every unit observed in every month of the span (shorten the span)"
        )
    n_units, n_months = y.shape
    window = int(window_months)
    if window < 1:
        raise ParameterError(f"window_months must be >= 1, got {window_months}")
    if window >= n_months:
        raise ParameterError(
            f"a window of {window} months is longer than the history ({n_months} months); "
            f"give a window of at most {n_months - 1} months"
        )
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must lie in (0, 1), got {alpha}")
    notes = []
    first = g == 0
    if first.any():
        notes.append(
            f"{int(first.sum())} unit(s) switching in the first month have no earlier month "
            "and are left out"
        )
        keep = ~first
        y, g = y[keep], g[keep]
        clusters = None if clusters is None else np.asarray(clusters)[keep]
        n_units = len(g)
    if not (g != NEVER).any():
        raise NotEstimableError("no unit switches after the first month of the history")
    gt = _group_time(y, g, window, influence=True)
    if not np.isfinite(gt["att"][:, gt["ks"] != -1]).any():
        raise NotEstimableError("no unit is left to compare with (every unit switches at once)")
    agg = _aggregate(gt, g, influence=True)
    ks, theta = gt["ks"], agg["theta"]
    labels = None if clusters is None else np.asarray(clusters)
    psi = _cluster_sum(agg["psi"], labels)
    psi_mean = _cluster_sum(agg["psi_mean"], labels)
    z = stats.norm.ppf(1 - alpha / 2)
    se = np.sqrt((psi**2).sum(axis=1))
    se[ks == -1] = 0.0
    valid = np.isfinite(gt["att"])
    band = _uniform_band(
        psi, se, np.isfinite(theta) & (ks != -1), alpha=alpha, draws=band_draws, seed=seed
    )
    half_band = band["critical_value"] * se
    if band["bootstrap_critical_value"] < band["critical_value"]:
        notes.append(
            f"the uniform band's bootstrap critical value ({band['bootstrap_critical_value']:.2f})"
            f" is below the pointwise one ({band['critical_value']:.2f}): few clusters carry the "
            "influence, the band is the pointwise intervals and does not hold all event times"
        )
    counterfactual = agg["treated_mean"] - theta
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(counterfactual > 0, theta / counterfactual, np.nan)
    table = pd.DataFrame(
        {
            "k": ks,
            "estimate": theta,
            "se": np.where(np.isfinite(theta), se, np.nan),
            "low": theta - z * se,
            "high": theta + z * se,
            "band_low": theta - half_band,
            "band_high": theta + half_band,
            "ratio": ratio,
            "treated_mean": agg["treated_mean"],
            "n_cohorts": valid.sum(axis=0),
            "n_treated": (valid * gt["sizes"][:, None]).sum(axis=0),
        }
    )
    post = (ks >= 0) & np.isfinite(theta)
    pooled = _pooled(theta, agg["treated_mean"], psi, psi_mean, post, z)
    pretrend = _pretrend(theta, psi, (ks <= -2) & np.isfinite(theta))
    placebo = _placebo(y, g, window, pooled["estimate"], placebo_draws, seed)
    logger.info(
        "event study: %d units (%d switching in %d cohorts), %d months, pooled %.4f [%.4f, %.4f]",
        n_units,
        int((g != NEVER).sum()),
        len(gt["cohorts"]),
        n_months,
        pooled["estimate"],
        pooled["low"],
        pooled["high"],
    )
    return EventStudy(
        event_time=table,
        pooled=pooled,
        pretrend=pretrend,
        placebo=placebo,
        n_units=int(n_units),
        n_treated=int((g != NEVER).sum()),
        n_cohorts=len(gt["cohorts"]),
        n_months=int(n_months),
        window_months=window,
        alpha=float(alpha),
        band={"level": 1 - float(alpha), **band},
        notes=notes,
    )


def _fieller(est, cf, var_e, var_c, cov_ec, z) -> tuple[float, float]:
    """Fieller's interval for ``est / cf``: every r with ``|est - r cf| <= z sd(est - r cf)``."""
    a = cf**2 - z**2 * var_c
    b = -2 * (est * cf - z**2 * cov_ec)
    c = est**2 - z**2 * var_e
    disc = b * b - 4 * a * c
    if a <= 0 or disc < 0:  # the counterfactual mean is not told from zero: unbounded
        return np.nan, np.nan
    root = np.sqrt(disc)
    return float((-b - root) / (2 * a)), float((-b + root) / (2 * a))


def _pooled(theta, treated_mean, psi, psi_mean, post, z) -> dict:
    """Mean effect over ``post``, and its ratio to the counterfactual mean with an interval.

    ``ratio = E / C`` with ``E`` the pooled effect and ``C = M - E`` the switched units'
    counterfactual mean (``M`` their pooled mean). Both are sums over the same clusters, so
    their joint influence function gives ``var(E)``, ``var(C)`` and ``cov(E, C)``. The interval
    is Fieller's: the delta method applied to ``E - r C`` (linear in the estimates) and
    inverted, so that it holds zero exactly when the effect's interval does; ``ratio_se`` is
    the plain delta-method standard error ``sd((M psi_E - E psi_M) / C**2)``.
    """
    n_post = int(post.sum())
    if not n_post:
        keys = ["estimate", "se", "low", "high", "p", "ratio", "ratio_se", "ratio_low"]
        keys += ["ratio_high", "treated_mean", "counterfactual_mean", "counterfactual_se"]
        return {**dict.fromkeys(keys, np.nan), "months": 0}
    est = float(theta[post].mean())
    psi_e = psi[post].mean(axis=0)  # (C,)
    psi_m = psi_mean[post].mean(axis=0)
    psi_c = psi_m - psi_e
    se = float(np.sqrt((psi_e**2).sum()))
    tmean = float(treated_mean[post].mean())
    cf = tmean - est
    ok = cf > 0
    ratio = est / cf if ok else np.nan
    ratio_se = (
        float(np.sqrt((((tmean * psi_e - est * psi_m) / cf**2) ** 2).sum())) if ok else np.nan
    )
    var_c, cov_ec = float((psi_c**2).sum()), float((psi_e * psi_c).sum())
    low_r, high_r = _fieller(est, cf, se**2, var_c, cov_ec, z) if ok else (np.nan, np.nan)
    return {
        "estimate": est,
        "se": se,
        "low": est - z * se,
        "high": est + z * se,
        "p": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan,
        "ratio": ratio,
        "ratio_se": ratio_se,
        "ratio_low": low_r,
        "ratio_high": high_r,
        "treated_mean": tmean,
        "counterfactual_mean": cf,
        "counterfactual_se": float(np.sqrt(var_c)),
        "months": n_post,
    }


def _pretrend(theta, psi, leads) -> dict:
    if not leads.any():
        return {"chi2": np.nan, "df": 0, "p": np.nan}
    v = psi[leads] @ psi[leads].T
    rank = int(np.linalg.matrix_rank(v))
    chi2 = float(theta[leads] @ np.linalg.pinv(v) @ theta[leads])
    return {"chi2": chi2, "df": rank, "p": float(stats.chi2.sf(chi2, rank)) if rank else np.nan}


def _placebo(y, g, window, observed, draws, seed) -> dict:
    if draws <= 0 or not np.isfinite(observed):
        return {"p": np.nan, "draws": 0, "mean": np.nan, "sd": np.nan}
    rng = np.random.default_rng(seed)
    values = np.empty(draws)
    for b in range(draws):
        values[b] = _pooled_point(y, rng.permutation(g), window)
    values = values[np.isfinite(values)]
    p = (1 + int((np.abs(values) >= abs(observed) - 1e-12).sum())) / (1 + len(values))
    return {
        "p": float(p),
        "draws": len(values),
        "mean": float(values.mean()) if len(values) else np.nan,
        "sd": float(values.std(ddof=1)) if len(values) > 1 else np.nan,
    }
