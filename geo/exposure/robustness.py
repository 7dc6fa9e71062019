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

from minusma.geo.exposure.assess import Context, evaluate
from minusma.geo.exposure.coverage import protection
from minusma.geo.exposure.params import (
    AGGREGATIONS,
    DIMENSIONS,
    MODELS,
    RADIUS_KM_MAX,
    SEASONS,
    ExposureParams,
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
    return params.replace(weights={**weights, dimension: weights[dimension] * factor})


def variants(params: ExposureParams) -> list[ExposureParams]:
    """The 64 variants around ``params``: 4 radii x 4 weight sets x 2 aggregations x 2 seasons.

    The weight sets are the user's weights, then each dimension's weight doubled in turn.
    """
    weight_sets = [params, *(_weighted(params, d, 2.0) for d in DIMENSIONS)]
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
    indicators = frame[[c for cols in DIMENSIONS.values() for c in cols]].copy()
    indicators["security_loss_score"] = loss
    _, total = composite_values(
        indicators, weights=variant.weights_dict, aggregation=variant.aggregation
    )
    s = pd.Series(total, index=frame.index)
    rank = pd.Series(s.rank(ascending=False, method="min").to_numpy(), index=frame.index)
    return rank.astype("Float64"), pd.Series(classify(s).to_numpy(), index=frame.index)


def _classes_seen(classes: pd.DataFrame) -> pd.Series:
    """The classes each row takes across the variants, sorted and ``;``-joined (vectorised)."""
    values = classes.to_numpy(dtype=object)
    seen = pd.Series("", index=classes.index, dtype=object)
    for name in sorted(pd.unique(values.ravel()[pd.notna(values.ravel())])):
        has = (values == name).any(axis=1)
        seen = seen.where(~has, seen + np.where(seen == "", "", ";") + name)
    return seen


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
    p = params if params is not None else ExposureParams()
    runs = {season: evaluate(ctx, p.replace(season=season)) for season in SEASONS}
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

    runs_list = variants(p)
    ranks, classes = zip(
        *(ranked(v) for v in progress(runs_list, total=len(runs_list), desc="robustness variants")),
        strict=True,
    )
    r = pd.concat(ranks, axis=1).reindex(base.index)
    c = pd.concat(classes, axis=1).reindex(base.index)
    small = [p.replace(radius_km=_radius(p, f)) for f in SMALL_RADIUS_FACTORS]
    small += [_weighted(p, d, SMALL_WEIGHT_FACTOR) for d in DIMENSIONS]
    flips = np.zeros(len(base), dtype=bool)
    for variant in small:
        _, cls = ranked(variant)
        flips |= (cls.reindex(base.index) != base["exposure_class"]).to_numpy()
    out = pd.DataFrame(index=base.index)
    out["rank_default"] = base["exposure_rank"]
    out["rank_min"] = r.min(axis=1)
    out["rank_max"] = r.max(axis=1)
    out["rank_range"] = out["rank_max"] - out["rank_min"]
    out["classes_seen"] = _classes_seen(c)
    out["uncertain"] = flips
    out["runs"] = r.shape[1]
    return out
