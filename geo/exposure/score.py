"""Composite exposure in the manner of the INFORM Risk index.

Normalise, weight, aggregate, classify.

Method (INFORM Index for Risk Management, Concept and Methodology, JRC 2017, EUR 28655 EN, by
Marin-Ferrer, Vernaccini and Poljansek):

1. every indicator is transformed to 0-10 with fixed, documented bounds (higher = more exposed);
2. indicators are combined by a weighted arithmetic mean within their dimension;
3. dimensions are combined across by a weighted arithmetic mean (default) or, as INFORM does for
   its three dimensions, a geometric mean;
4. missing indicators are left out of their dimension's mean and flagged (``data_gap``), never
   counted as zero; a dimension with no indicator is missing; a place with no dimension has no
   score and class ``unknown``.

Why arithmetic across dimensions by default: the withdrawal changes the security dimension only
for places that had a site near them; a geometric mean would give every other place 0 whatever
its road and air isolation (INFORM's own dimensions are rarely 0). The geometric option is
available and part of the robustness check.

Classes use fixed thresholds (a MODELLING CHOICE: equal quarters of the 0-10 scale), so a class
means the same thing in every scenario and at every date.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure.params import AGGREGATIONS, check_weights, dimensions

__all__ = [
    "CLASSES",
    "CLASS_THRESHOLDS",
    "classify",
    "composite",
    "composite_columns",
    "composite_values",
    "routes_score",
    "scale_capped",
]

#: Lower bounds of the classes on the 0-10 score (modelling choice: equal quarters).
CLASS_THRESHOLDS: dict[str, float] = {"low": 0.0, "moderate": 2.5, "high": 5.0, "severe": 7.5}
CLASSES = tuple(CLASS_THRESHOLDS)


def scale_capped(
    values: pd.Series | np.ndarray, cap: float, *, unreachable: pd.Series | np.ndarray | None = None
) -> np.ndarray:
    """Linear 0-10 score of a cost between 0 and ``cap`` (values above ``cap`` score 10).

    ``unreachable`` rows score 10 (no route at all); NaN values elsewhere stay NaN (missing).

    Parameters
    ----------
    values
        Costs (km, hours, ...), NaN where unknown.
    cap
        The cost that scores 10, in the units of ``values``.
    unreachable
        True where a place has no route at all; None: no such place.

    Returns
    -------
    numpy.ndarray
        The scores (0-10), NaN where the cost is unknown.
    """
    v = np.asarray(values, dtype="float64")
    out = 10.0 * np.clip(v / cap, 0.0, 1.0)
    if unreachable is not None:
        u = np.asarray(pd.array(unreachable, dtype="boolean").fillna(False), dtype=bool)
        out = np.where(u, 10.0, out)
    return out


def routes_score(routes: pd.Series) -> np.ndarray:
    """Score of the number of edge-disjoint routes ``k``: 10 for 0 or 1 route, ``10 / k`` above.

    One route means one cut isolates the place (a single point of failure) and scores like no
    route; each extra independent route divides the exposure. NA (off network) stays NaN.

    Parameters
    ----------
    routes
        Number of edge-disjoint routes of each place (nullable integers).

    Returns
    -------
    numpy.ndarray
        The scores (0-10), NaN where the count is missing.
    """
    k = pd.array(routes, dtype="Int64").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isnan(k), np.nan, np.where(k <= 1, 10.0, 10.0 / k))


def _floats(scores: pd.DataFrame | Mapping[str, object], column: str) -> np.ndarray:
    """A column of ``scores`` as float64 (missing as NaN)."""
    values = scores[column]
    if isinstance(values, pd.Series | pd.api.extensions.ExtensionArray):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    return np.asarray(values, dtype="float64")


def composite_columns(
    scores: pd.DataFrame | Mapping[str, object],
    *,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    hub_key: str,
) -> dict[str, object]:
    """The columns of :func:`composite` as arrays, without a frame (for a few rows at a time).

    Parameters
    ----------
    scores
        One column per indicator of :func:`~geo.exposure.params.dimensions` (0-10, NaN =
        missing): a frame, or a mapping of indicator name to array.
    weights
        Weights by indicator and dimension name (the others weigh
        :data:`~geo.exposure.params.DEFAULT_WEIGHT`).
    aggregation
        ``arithmetic`` or ``geometric`` across dimensions.
    hub_key
        The hub's key: the prefix of the road indicators' columns.

    Returns
    -------
    dict
        ``<dimension>_score`` per dimension and ``exposure_score`` (float arrays),
        ``missing_indicators`` (list: ``;``-separated names, None when complete) and
        ``data_gap`` (bool array).
    """
    w = check_weights(weights, hub_key=hub_key)
    dims, total = composite_values(scores, weights=w, aggregation=aggregation, hub_key=hub_key)
    out: dict[str, object] = {f"{dim}_score": values for dim, values in dims.items()}
    out["exposure_score"] = total
    n = total.size
    missing_cols = [c for cols in dimensions(hub_key).values() for c in cols if w[c] > 0]
    # bit j of a place's code: indicator j is missing
    codes = np.zeros(n, dtype="int64")
    for j, c in enumerate(missing_cols):
        codes[np.isnan(_floats(scores, c))] += 1 << j
    gap = codes != 0
    names = np.array(missing_cols, dtype=object)
    seen = np.bincount(codes) > 0  # the distinct codes, ascending, without sorting every place
    distinct = np.flatnonzero(seen)
    text = np.array(
        [
            ";".join(names[[(int(c) >> j) & 1 == 1 for j in range(len(missing_cols))]])
            if c
            else None
            for c in distinct
        ],
        dtype=object,
    )
    out["missing_indicators"] = text[(np.cumsum(seen) - 1)[codes]].tolist()
    out["data_gap"] = gap
    return out


def composite(
    scores: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    hub_key: str,
) -> pd.DataFrame:
    """Dimension scores, composite exposure and data-gap flags from indicator scores.

    Parameters
    ----------
    scores
        One column per indicator of :func:`~geo.exposure.params.dimensions` (0-10, NaN =
        missing).
    weights
        Weights by indicator and dimension name (the others weigh
        :data:`~geo.exposure.params.DEFAULT_WEIGHT`).
    aggregation
        ``arithmetic`` or ``geometric`` across dimensions.
    hub_key
        The hub's key: the prefix of the road indicators' columns.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``scores``: ``<dimension>_score`` per dimension, ``exposure_score`` (0-10),
        ``missing_indicators`` (``;``-separated names, None when complete) and ``data_gap``.
    """
    out = composite_columns(scores, weights=weights, aggregation=aggregation, hub_key=hub_key)
    return pd.DataFrame(out, index=scores.index, copy=False)


def composite_values(
    scores: pd.DataFrame | Mapping[str, object],
    *,
    weights: Mapping[str, float],
    aggregation: str,
    hub_key: str,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The numbers of :func:`composite` alone: dimension scores and the composite (0-10).

    ``weights`` must be complete (:func:`~geo.exposure.params.check_weights`). Used where only
    the scores matter (the robustness variants), so no text is built.

    Parameters
    ----------
    scores
        Indicator scores (0-10), one column per indicator of
        :func:`~geo.exposure.params.dimensions` (a frame, or a mapping of indicator name to
        array).
    weights
        Complete weights, by indicator and dimension name.
    aggregation
        How dimensions combine: one of :data:`AGGREGATIONS`.
    hub_key
        The hub's key: the prefix of the road indicators' columns.

    Returns
    -------
    dimensions : dict of str to numpy.ndarray
        The score of each dimension.
    composite : numpy.ndarray
        The composite score (0-10), NaN where no dimension is known.

    Raises
    ------
    UnknownNameError
        ``aggregation`` is not one of :data:`AGGREGATIONS`, or ``scores`` lacks an indicator
        column.
    ParameterError
        The indicator columns are not 1-D arrays of one length.
    """
    if aggregation not in AGGREGATIONS:
        raise UnknownNameError(
            f"unknown aggregation {aggregation!r}; choose from {list(AGGREGATIONS)}"
        )
    columns: dict[str, list[np.ndarray]] = {}
    for dim, cols in dimensions(hub_key).items():
        absent = [c for c in cols if c not in scores]
        if absent:
            raise UnknownNameError(f"scores lack indicator column(s) {absent}")
        columns[dim] = [np.atleast_1d(_floats(scores, c)) for c in cols]
    sizes = {c.shape for cols in columns.values() for c in cols}
    if len(sizes) > 1 or any(len(shape) != 1 for shape in sizes):
        raise ParameterError(f"indicator columns must be 1-D of one length, got shapes {sizes}")
    n = next(iter(columns.values()))[0].size
    dims = {dim: np.empty(n) for dim in columns}
    total = np.empty(n)
    # row blocks: the same arithmetic row by row, with temporaries of a block, not of every row
    for lo in range(0, n, _BLOCK_ROWS):
        rows = slice(lo, lo + _BLOCK_ROWS)
        block = {dim: [c[rows] for c in cols] for dim, cols in columns.items()}
        dims_block, total[rows] = _composite_block(block, weights, aggregation, hub_key)
        for dim, values in dims_block.items():
            dims[dim][rows] = values
    return dims, total


#: Rows scored at a time by :func:`composite_values` (bounds its temporaries, not its results).
_BLOCK_ROWS = 1 << 16


def _composite_block(
    columns: Mapping[str, list[np.ndarray]],
    weights: Mapping[str, float],
    aggregation: str,
    hub_key: str,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`composite_values` of some rows: the indicator arrays of each dimension given."""
    dims: dict[str, np.ndarray] = {}
    dim_w = []
    for dim, cols in dimensions(hub_key).items():
        vals = np.column_stack(columns[dim])
        iw = np.array([weights[c] for c in cols])
        have = ~np.isnan(vals) & (iw > 0)
        num = np.where(have, vals * iw, 0.0).sum(axis=1)
        den = np.where(have, iw, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            dims[dim] = np.where(den > 0, num / den, np.nan)
        dim_w.append(weights[dim])
    d = np.column_stack(list(dims.values()))
    dw = np.array(dim_w)
    have = ~np.isnan(d) & (dw > 0)
    den = np.where(have, dw, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if aggregation == "arithmetic":
            total = np.where(have, d * dw, 0.0).sum(axis=1) / den
        else:
            total = np.exp(np.where(have, np.log(np.maximum(d, 1e-12)) * dw, 0.0).sum(axis=1) / den)
            total = np.where(np.where(have, d, 1.0).min(axis=1) <= 0, 0.0, total)
    return dims, np.where(den > 0, np.round(total, 9), np.nan)


def classify(score: pd.Series | np.ndarray) -> pd.Series:
    """Fixed-threshold class of a 0-10 score (:data:`CLASS_THRESHOLDS`); ``unknown`` for NaN.

    Parameters
    ----------
    score
        Composite scores (0-10).

    Returns
    -------
    pandas.Series
        Named ``exposure_class``, indexed like ``score`` when it is a Series.
    """
    s = np.asarray(score, dtype="float64")
    bounds = np.array(list(CLASS_THRESHOLDS.values()))
    idx = np.searchsorted(bounds, s, side="right") - 1
    names = np.array(CLASSES, dtype=object)
    out = np.where(np.isnan(s), "unknown", names[np.clip(idx, 0, len(names) - 1)])
    index = score.index if isinstance(score, pd.Series) else None
    return pd.Series(out, index=index, name="exposure_class", dtype=object)
