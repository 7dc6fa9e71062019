"""Forecast scores computed row-wise over many resamples at once.

Each function takes ``(B, n)`` arrays: ``B`` resamples (bootstrap draws over units, or one row for
the point estimate) of ``n`` units, and returns ``(B,)`` scores. Ranks use average ties
(:func:`scipy.stats.rankdata`), so a tie counts one half in an AUC.

* :func:`spearman` -- rank correlation of forecast and outcome (NaN when either is constant);
* :func:`auc` -- ROC AUC of the forecast for a 0/1 label (NaN without both classes);
* :func:`poisson_deviance` -- mean Poisson deviance of expected counts (lower is better);
* :func:`precision_at_k` -- share of the ``k`` highest forecasts whose label is 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

__all__ = ["auc", "auc_ranks", "poisson_deviance", "precision_at_k", "spearman", "spearman_ranks"]


def spearman(y: NDArray, p: NDArray) -> NDArray:
    """Spearman rank correlation per row.

    Parameters
    ----------
    y
        ``(n_rows, n_units)`` observed events (one resample per row).
    p
        ``(n_rows, n_units)`` forecasts or scores.

    Returns
    -------
    numpy.ndarray
        One value per row (NaN where undefined).
    """
    return spearman_ranks(rankdata(y, axis=1), rankdata(p, axis=1))


def spearman_ranks(ry: NDArray, rp: NDArray) -> NDArray:
    """Spearman from row-wise average ranks (Pearson correlation of the ranks).

    Parameters
    ----------
    ry
        ``(n_rows, n_units)`` ranks of the observed events.
    rp
        ``(n_rows, n_units)`` ranks of the forecasts.

    Returns
    -------
    numpy.ndarray
        One value per row (NaN where undefined).
    """
    ry = ry - ry.mean(axis=1, keepdims=True)
    rp = rp - rp.mean(axis=1, keepdims=True)
    den = np.sqrt((ry * ry).sum(axis=1) * (rp * rp).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (ry * rp).sum(axis=1) / den, np.nan)


def auc(label: NDArray, p: NDArray) -> NDArray:
    """ROC AUC per row (Mann-Whitney on average ranks).

    Parameters
    ----------
    label
        ``(n_rows, n_units)`` 0/1 outcomes.
    p
        ``(n_rows, n_units)`` forecasts or scores.

    Returns
    -------
    numpy.ndarray
        One value per row (NaN where undefined).
    """
    return auc_ranks(label, rankdata(p, axis=1))


def auc_ranks(label: NDArray, rp: NDArray) -> NDArray:
    """ROC AUC per row from the forecasts' row-wise average ranks.

    Parameters
    ----------
    label
        ``(n_rows, n_units)`` 0/1 outcomes.
    rp
        ``(n_rows, n_units)`` ranks of the forecasts.

    Returns
    -------
    numpy.ndarray
        One value per row (NaN where undefined).
    """
    label = label.astype(bool)
    pos = label.sum(axis=1).astype(np.float64)
    neg = label.shape[1] - pos
    with np.errstate(invalid="ignore", divide="ignore"):
        u = (rp * label).sum(axis=1) - pos * (pos + 1) / 2
        return np.where((pos > 0) & (neg > 0), u / (pos * neg), np.nan)


def poisson_deviance(y: NDArray, mu: NDArray) -> NDArray:
    """Mean Poisson deviance per row (``mu`` > 0).

    Parameters
    ----------
    y
        ``(n_rows, n_units)`` observed events (one resample per row).
    mu
        ``(n_rows, n_units)`` expected counts.

    Returns
    -------
    numpy.ndarray
        One value per row (NaN where undefined).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    return 2.0 * term.mean(axis=1)


def precision_at_k(label: NDArray, p: NDArray, k: int) -> NDArray:
    """Share of positives among the ``k`` highest forecasts per row.

    Ties at the cut are shared pro rata.

    Parameters
    ----------
    label
        ``(n_rows, n_units)`` 0/1 outcomes.
    p
        ``(n_rows, n_units)`` forecasts or scores.
    k
        How many of the highest (clipped to 1..n_units).

    Returns
    -------
    numpy.ndarray
        One value per row (NaN where undefined).
    """
    n = p.shape[1]
    k = int(min(max(k, 1), n))
    cut = -np.partition(-p, k - 1, axis=1)[:, k - 1 : k]
    above = p > cut
    at = p == cut
    n_above = above.sum(axis=1)
    n_at = at.sum(axis=1)
    hits = (label * above).sum(axis=1) + (label * at).sum(axis=1) * (k - n_above) / n_at
    return hits / k
