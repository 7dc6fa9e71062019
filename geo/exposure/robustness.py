"""Robustness of the ranking: re-run the assessment over sensible ranges around its parameters.

Varied around the parameters the user chose (not around the defaults): the umbrella radius (half,
the same, one and a half, double), the weights (the user's, then each dimension doubled in turn),
the aggregation across dimensions (arithmetic, geometric) and the season (dry, wet). A place is
``uncertain`` when its class under a *small* change (radius x0.8 or x1.2, one dimension weight
x1.5) differs from its class under the user's parameters.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd

from minusma.geo.exposure.assess import Context, evaluate, within_period
from minusma.geo.exposure.coverage import protection
from minusma.geo.exposure.params import (
    AGGREGATIONS,
    DEFAULT_WEIGHT,
    DIMENSION_NAMES,
    MODELS,
    RADIUS_KM_MAX,
    SEASONS,
    ExposureParams,
    check_params,
)
from minusma.geo.exposure.score import classify, composite_values
from minusma.geo.progress import progress

logger = logging.getLogger(__name__)

__all__ = [
    "RADIUS_FACTORS",
    "SMALL_RADIUS_FACTORS",
    "SMALL_WEIGHT_FACTOR",
    "robustness",
    "variants",
]

#: Radii tried, as factors of the user's radius: half to double.
RADIUS_FACTORS = (0.5, 1.0, 1.5, 2.0)
#: A small change of radius (50 km -> 40 and 60 km).
SMALL_RADIUS_FACTORS = (0.8, 1.2)
#: A small change of one dimension's weight.
SMALL_WEIGHT_FACTOR = 1.5


def _radius(params: ExposureParams, factor: float) -> float:
    return min(params.radius_km * factor, RADIUS_KM_MAX)


def _weighted(params: ExposureParams, dimension: str, factor: float) -> ExposureParams:
    weights = params.weights_dict
    weight = weights.get(dimension, DEFAULT_WEIGHT)
    return params.replace(weights={**weights, dimension: weight * factor})


def variants(params: ExposureParams) -> list[ExposureParams]:
    """The 64 variants around ``params``: 4 radii x 4 weight sets x 2 aggregations x 2 seasons.

    The weight sets are the user's weights, then each dimension's weight doubled in turn.
    """
    weight_sets = [params, *(_weighted(params, d, 2.0) for d in DIMENSION_NAMES)]
    return [
        w.replace(radius_km=_radius(params, f), aggregation=agg, season=season)
        for f, w, agg, season in itertools.product(
            RADIUS_FACTORS, weight_sets, AGGREGATIONS, SEASONS
        )
    ]


def _variant_ranks(frame: pd.DataFrame, variant: ExposureParams) -> tuple[pd.Series, pd.Series]:
    """Rank and class of every place of an evaluated ``frame`` under ``variant``, which differs
    from the frame's parameters only by radius, weights or aggregation: the security score is
    recomputed from the frame's distances and the indicators re-aggregated, exactly as
    :func:`geo.exposure.assess.evaluate` would (no routing, no air service again)."""
    before = frame["base_before_km"].to_numpy(dtype="float64")
    after = frame["base_after_km"].to_numpy(dtype="float64")
    after = np.where(~np.isnan(before) & np.isnan(after), np.inf, after)  # no open site
    loss = np.maximum(
        protection(before, variant.radius_km) - protection(after, variant.radius_km), 0.0
    )
    indicators = frame[[c for cols in variant.dimensions.values() for c in cols]].copy()
    indicators["security_loss_score"] = loss
    _, total = composite_values(
        indicators,
        weights=variant.weights_dict,
        aggregation=variant.aggregation,
        hub_key=str(variant.hub_key),
    )
    s = pd.Series(total, index=frame.index)
    rank = pd.Series(s.rank(ascending=False, method="min").to_numpy(), index=frame.index)
    return rank.astype("Float64"), pd.Series(classify(s).to_numpy(), index=frame.index)


def _aligned(values: pd.Series, ids: pd.Index) -> pd.Series:
    """``values`` (indexed by place id) in the order of ``ids``; no reindexing when the order is
    already the same (every run of one context lists its places in one order)."""
    return values if values.index.equals(ids) else values.reindex(ids)


def _seen_names(seen: np.ndarray, names: dict[str, int]) -> np.ndarray:
    """The classes of each row's bit mask ``seen``, sorted and ``;``-joined."""
    distinct, inverse = np.unique(seen, return_inverse=True)
    text = np.array(
        [";".join(sorted(k for k, bit in names.items() if (int(m) >> bit) & 1)) for m in distinct],
        dtype=object,
    )
    return text[inverse.reshape(-1)]


def robustness(
    ctx: Context, params: ExposureParams | None = None, *, id_column: str = "town_id"
) -> pd.DataFrame:
    """Rank range and class stability of every place around ``params``.

    The assessment is evaluated once per season; the 64 variants and the small changes are then
    re-scored from its distances and indicators (only the security indicator depends on the
    radius, only the aggregation on the weights), which gives the ranks and classes that a full
    evaluation of each variant gives (tested against it). A calibrated model (``params.model``
    a file) is re-evaluated in full for every variant.

    Returns
    -------
    pandas.DataFrame
        Indexed by place id: ``rank_default`` (rank under ``params``), ``rank_min``,
        ``rank_max``, ``rank_range``, ``classes_seen`` (``;``-separated), ``uncertain`` (class
        flips under a small change) and ``runs`` (number of variants).
    """
    p = within_period(ctx, check_params(params))
    # only the columns the variants are re-scored from are kept of each season's evaluation
    keep = [
        id_column,
        "base_before_km",
        "base_after_km",
        "exposure_rank",
        "exposure_class",
        *(c for cols in p.dimensions.values() for c in cols),
    ]
    runs = {season: evaluate(ctx, p.replace(season=season))[keep] for season in SEASONS}
    base = runs[p.season].set_index(id_column)
    full = p.model != MODELS[0]

    def ranked(variant: ExposureParams) -> tuple[pd.Series, pd.Series]:
        if full:
            run = evaluate(ctx, variant).set_index(id_column)
            return run["exposure_rank"].astype("Float64"), run["exposure_class"]
        frame = runs[variant.season]
        rank, cls = _variant_ranks(frame, variant)
        ids = frame[id_column].to_numpy()
        return rank.set_axis(ids), cls.set_axis(ids)

    # streamed: each variant's ranks and classes are folded into running minima, maxima and
    # the set of classes seen (a bit per class), never all held at once
    ids = base.index
    n = len(ids)
    rank_min, rank_max = np.full(n, np.nan), np.full(n, np.nan)
    seen = np.zeros(n, dtype="int64")
    names: dict[str, int] = {}
    runs_list = variants(p)
    for variant in progress(runs_list, total=len(runs_list), desc="robustness variants"):
        rank, cls = ranked(variant)
        values = _aligned(rank, ids).to_numpy(dtype="float64", na_value=np.nan)
        rank_min, rank_max = np.fmin(rank_min, values), np.fmax(rank_max, values)
        labels = _aligned(cls, ids).to_numpy(dtype=object)
        for name in pd.unique(labels[pd.notna(labels)]):
            bit = names.setdefault(name, len(names))
            seen |= np.where(labels == name, 1 << bit, 0)
    small = [p.replace(radius_km=_radius(p, f)) for f in SMALL_RADIUS_FACTORS]
    small += [_weighted(p, d, SMALL_WEIGHT_FACTOR) for d in DIMENSION_NAMES]
    flips = np.zeros(n, dtype=bool)
    for variant in small:
        _, cls = ranked(variant)
        flips |= (_aligned(cls, ids) != base["exposure_class"]).to_numpy()
    out = pd.DataFrame(index=base.index)
    out["rank_default"] = base["exposure_rank"]
    out["rank_min"] = pd.array(rank_min, dtype="Float64")
    out["rank_max"] = pd.array(rank_max, dtype="Float64")
    out["rank_range"] = out["rank_max"] - out["rank_min"]
    out["classes_seen"] = pd.Series(_seen_names(seen, names), index=out.index, dtype=object)
    out["uncertain"] = flips
    out["runs"] = len(runs_list)
    return out
