"""Rolling-origin backtest: the evaluation of record of every forecast model.

At each origin (the first month forecast), every model is fitted only on unit-months whose
**whole target window ends before the origin** (origin ``t``, horizon ``H``: training rows
``t' <= t - H``, at most :data:`TRAIN_MONTHS` of them back), then forecasts the events of months
``t .. t + H - 1`` for every unit. The features come from one precomputed cube
(:func:`minusma.geo.forecast.features.build_features`) whose every value reads only months before
its own origin, so no fit or forecast sees a month at or after its origin.

Scores per origin and model, on the units with an observed outcome and a forecast from every
model: Spearman rank correlation, ROC AUC for the top third (outcome above the 2/3 quantile of the
origin's outcomes; when two thirds of units saw nothing this is "any event") and for any event,
mean Poisson deviance (count models only) and precision in the top ``k`` (any event; ``k`` a
:data:`TOP_K_SHARE` of units). **Pooled** scores are the mean over origins; their intervals are
2.5-97.5 % percentiles over :data:`N_BOOT` bootstrap resamples of units (the same resamples for
every model, so differences between models are paired), and ``*_sd_origins`` gives the spread
across origins. Every figure is out of sample: no model is scored on a month it was fitted on.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import rankdata

from minusma.geo._errors import ParameterError
from minusma.geo.forecast import metrics
from minusma.geo.forecast.features import FeatureCube
from minusma.geo.forecast.models import Model
from minusma.geo.panel import month_label

logger = logging.getLogger(__name__)

__all__ = [
    "N_BOOT",
    "TOP_K_SHARE",
    "TRAIN_MONTHS",
    "BacktestResult",
    "fit_at",
    "origins_between",
    "run_backtest",
]

#: Most recent months of training rows a learned model uses at each origin.
TRAIN_MONTHS = 120
#: Bootstrap resamples of units for the intervals.
N_BOOT = 200
#: ``k`` of precision in the top ``k``, as a share of units.
TOP_K_SHARE = 0.1
#: Metrics scored, in table order (``deviance``: lower is better).
METRICS = ("spearman", "auc_top_third", "auc_any", "deviance", "precision_at_k")


@dataclass
class BacktestResult:
    """Scores of a rolling-origin backtest.

    Attributes
    ----------
    pooled
        One row per model: ``name, label, kind, counts``, each metric with ``_low``/``_high``
        (bootstrap over units) and ``_sd_origins`` (spread over origins), ``n_units, n_origins``.
    per_origin
        One row per origin and model: ``origin`` (YYYY-MM), ``name``, each metric with its
        interval, ``n_units``.
    comparisons
        Each learned model against each baseline: ``learned, baseline, metric, difference, low,
        high, beats`` (difference learned - baseline, lower minus for deviance; ``beats`` when the
        interval lies above 0).
    horizon_months, origins, k
        The settings.
    history
        What history was scored (set by the caller, e.g. :meth:`History.describe`).
    """

    pooled: pd.DataFrame
    per_origin: pd.DataFrame
    comparisons: pd.DataFrame
    horizon_months: int
    origins: list[str]
    k: int
    history: str = ""

    def best(self, metric: str = "spearman") -> str:
        """The count model with the best pooled ``metric`` (ties: the first listed).

        Parameters
        ----------
        metric
            A pooled metric (``deviance``: lowest is best; others: highest).

        Returns
        -------
        str
            The model's name.

        Raises
        ------
        ParameterError
            No count model has that metric.
        """
        rows = self.pooled[self.pooled["counts"] & self.pooled[metric].notna()]
        if rows.empty:
            raise ParameterError(f"no count model has a pooled {metric}")
        if metric == "deviance":
            return str(rows.loc[rows[metric].idxmin(), "name"])
        return str(rows.loc[rows[metric].idxmax(), "name"])


def origins_between(first: int, last: int, every_months: int) -> list[int]:
    """Origin month numbers ``first, first + every, ...`` up to ``last`` (inclusive).

    Parameters
    ----------
    first
        The first origin (month number).
    last
        The last possible origin (month number).
    every_months
        Months between origins.

    Returns
    -------
    list of int
        The origins.

    Raises
    ------
    ParameterError
        A step below 1 or ``first`` after ``last``.
    """
    if int(every_months) != every_months or every_months < 1:
        raise ParameterError(f"every_months must be a whole number >= 1, got {every_months!r}")
    if first > last:
        raise ParameterError(f"the first origin {month_label(first)} is after {month_label(last)}")
    return list(range(int(first), int(last) + 1, int(every_months)))


def _train_rows(
    cube: FeatureCube, t: int, cols: list[int], train_months: int
) -> tuple[NDArray, NDArray]:
    stop = t - cube.horizon_months + 1  # rows t' < stop, i.e. t' <= t - H
    start = max(stop - train_months, 0)
    if stop <= start:
        return np.empty((0, len(cols))), np.empty(0)
    X = cube.values[:, start:stop, :][:, :, cols].reshape(-1, len(cols))
    y = cube.target[:, start:stop].reshape(-1)
    ok = np.isfinite(y) & np.isfinite(X).all(axis=1)
    return X[ok], y[ok]


def fit_at(
    cube: FeatureCube, model: Model, t: int, *, train_months: int = TRAIN_MONTHS
) -> Model | None:
    """Fit ``model`` on the rows known before origin index ``t``.

    Parameters
    ----------
    cube
        Features and targets.
    model
        The model (a loaded one is applied as saved).
    t
        Origin index in the cube.
    train_months
        Most recent origins of training rows.

    Returns
    -------
    Model or None
        The fitted model, or None when there is no training row with an event.
    """
    cols = [cube.names.index(r) for r in model.requires]
    if not model.needs_training:  # baselines fit nothing: no training rows to gather
        return model.fit(np.zeros((0, len(cube.names))), np.zeros(0), cube.names)
    X, y = _train_rows(cube, t, cols, train_months)
    if len(y) == 0 or y.sum() == 0:
        return None
    full = np.zeros((len(y), len(cube.names)))
    full[:, cols] = X
    return model.fit(full, y, cube.names)


def _scores(y: NDArray, preds: NDArray, counts: Sequence[bool], idx: NDArray, k: int) -> NDArray:
    """``(n_models, n_metrics, B)`` scores on resampled units ``idx`` (B, n)."""
    Y = y[idx]
    thr = np.quantile(y, 2 / 3)
    top, anyev = (thr < Y), (Y > 0)
    ry = rankdata(Y, axis=1)
    out = np.full((preds.shape[0], len(METRICS), idx.shape[0]), np.nan)
    for m in range(preds.shape[0]):
        P = preds[m][idx]
        rp = rankdata(P, axis=1)  # once per model, shared by the rank metrics
        out[m, 0] = metrics.spearman_ranks(ry, rp)
        out[m, 1] = metrics.auc_ranks(top, rp)
        out[m, 2] = metrics.auc_ranks(anyev, rp)
        if counts[m]:
            out[m, 3] = metrics.poisson_deviance(Y, P)
        out[m, 4] = metrics.precision_at_k(anyev, P, k)
    return out


def _interval(draws: NDArray) -> tuple[NDArray, NDArray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: a ranking model's deviance
        return np.nanpercentile(draws, 2.5, axis=-1), np.nanpercentile(draws, 97.5, axis=-1)


def run_backtest(
    cube: FeatureCube,
    models: Sequence[Model],
    origins: Sequence[int],
    *,
    train_months: int = TRAIN_MONTHS,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> BacktestResult:
    """Backtest ``models`` at each origin month (see the module docs).

    Parameters
    ----------
    cube
        Features and targets (its horizon is the backtest's).
    models
        Models from :func:`minusma.geo.forecast.models.make_models`.
    origins
        Month numbers of the origins; each needs its horizon inside the span.
    train_months
        Most recent origins of training rows (:data:`TRAIN_MONTHS`).
    n_boot
        Bootstrap resamples of units (:data:`N_BOOT`).
    seed
        Fixes the resamples.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ParameterError
        No origin can be scored (horizon past the span, no training rows).
    """
    if not models:
        raise ParameterError("no model to backtest")
    rng = np.random.default_rng(seed)
    n_units = cube.values.shape[0]
    shared = rng.integers(0, n_units, size=(n_boot, n_units))
    names = [m.name for m in models]
    counts = [m.counts for m in models]
    per_origin_rows, draws_by_origin, used = [], [], []
    for month in origins:
        t = cube.origin_index(month)
        if t < 0 or t >= cube.n_origins:
            raise ParameterError(f"origin {month_label(month)} lies outside the history's span")
        y = cube.target[:, t]
        preds = np.full((len(models), n_units), np.nan)
        for i, model in enumerate(models):
            fitted = fit_at(cube, model, t, train_months=train_months)
            if fitted is None:
                continue
            X = cube.values[:, t, :]
            ok = np.isfinite(X[:, fitted._used]).all(axis=1)
            preds[i, ok] = fitted.predict(X[ok])
        valid = np.isfinite(y) & np.isfinite(preds).all(axis=0)
        if valid.sum() < 3:
            logger.warning(
                "origin %s: %d unit(s) with an outcome and a forecast from every model; skipped",
                month_label(month),
                int(valid.sum()),
            )
            continue
        units = np.flatnonzero(valid)
        if valid.all():
            idx = shared
        else:
            idx = units[rng.integers(0, units.size, size=(n_boot, units.size))]
        k = max(1, round(TOP_K_SHARE * units.size))
        point = _scores(y, preds, counts, units[None, :], k)[:, :, 0]
        draws = _scores(y, preds, counts, idx, k)
        low, high = _interval(draws)
        draws_by_origin.append(draws)
        used.append(month)
        for i, name in enumerate(names):
            row = {"origin": month_label(month), "name": name, "n_units": int(units.size)}
            for j, metric in enumerate(METRICS):
                row[metric], row[f"{metric}_low"], row[f"{metric}_high"] = (
                    point[i, j],
                    low[i, j],
                    high[i, j],
                )
            per_origin_rows.append(row)
    if not used:
        raise ParameterError(
            "no origin could be scored: each origin needs its horizon inside the history's span "
            "and training months before it"
        )
    per_origin = pd.DataFrame(per_origin_rows)
    stacked = np.stack(draws_by_origin)  # (n_origins, n_models, n_metrics, B)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pooled_draws = np.nanmean(stacked, axis=0)
    pooled_rows = []
    for i, model in enumerate(models):
        mine = per_origin[per_origin["name"] == model.name]
        row = {"name": model.name, "label": model.label, "kind": model.kind, "counts": model.counts}
        for j, metric in enumerate(METRICS):
            low, high = _interval(pooled_draws[i, j])
            row[metric] = float(mine[metric].mean())
            row[f"{metric}_low"], row[f"{metric}_high"] = float(low), float(high)
            row[f"{metric}_sd_origins"] = float(mine[metric].std(ddof=0))
        row["n_units"] = int(mine["n_units"].max())
        row["n_origins"] = len(mine)
        pooled_rows.append(row)
    pooled = pd.DataFrame(pooled_rows)
    return BacktestResult(
        pooled=pooled,
        per_origin=per_origin,
        comparisons=_comparisons(models, pooled_draws, per_origin),
        horizon_months=cube.horizon_months,
        origins=[month_label(o) for o in used],
        k=max(1, round(TOP_K_SHARE * int(pooled["n_units"].max()))),
    )


def _comparisons(models: Sequence[Model], draws: NDArray, per_origin: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for a, la in enumerate(models):
        if la.kind != "learned":
            continue
        for b, lb in enumerate(models):
            if lb.kind != "baseline":
                continue
            for j, metric in enumerate(METRICS):
                if metric == "deviance" and not (la.counts and lb.counts):
                    continue
                sign = -1.0 if metric == "deviance" else 1.0
                diff = sign * (draws[a, j] - draws[b, j])
                point = sign * (
                    per_origin.loc[per_origin["name"] == la.name, metric].mean()
                    - per_origin.loc[per_origin["name"] == lb.name, metric].mean()
                )
                low, high = _interval(diff)
                rows.append(
                    {
                        "learned": la.name,
                        "baseline": lb.name,
                        "metric": metric,
                        "difference": float(point),
                        "low": float(low),
                        "high": float(high),
                        "beats": bool(low > 0),
                    }
                )
    return pd.DataFrame(
        rows, columns=["learned", "baseline", "metric", "difference", "low", "high", "beats"]
    )
