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

from geo.exposure.assess import Context, evaluate
from geo.exposure.params import AGGREGATIONS, DIMENSIONS, RADIUS_KM_MAX, SEASONS, ExposureParams
from geo.progress import progress

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


def robustness(
    ctx: Context, params: ExposureParams | None = None, *, id_column: str = "town_id"
) -> pd.DataFrame:
    """Rank range and class stability of every place around ``params``.

    Returns
    -------
    pandas.DataFrame
        Indexed by place id: ``rank_default`` (rank under ``params``), ``rank_min``,
        ``rank_max``, ``rank_range``, ``classes_seen`` (``;``-separated), ``uncertain`` (class
        flips under a small change) and ``runs`` (number of variants).
    """
    p = params if params is not None else ExposureParams()
    base = evaluate(ctx, p).set_index(id_column)
    ranks, classes = [], []
    runs = variants(p)
    for variant in progress(runs, total=len(runs), desc="robustness variants"):
        run = evaluate(ctx, variant).set_index(id_column)
        ranks.append(run["exposure_rank"].astype("Float64"))
        classes.append(run["exposure_class"])
    r = pd.concat(ranks, axis=1)
    c = pd.concat(classes, axis=1)
    small = [p.replace(radius_km=_radius(p, f)) for f in SMALL_RADIUS_FACTORS]
    small += [_weighted(p, d, SMALL_WEIGHT_FACTOR) for d in DIMENSIONS]
    flips = np.zeros(len(base), dtype=bool)
    for variant in small:
        run = evaluate(ctx, variant).set_index(id_column)
        flips |= (run["exposure_class"].reindex(base.index) != base["exposure_class"]).to_numpy()
    out = pd.DataFrame(index=base.index)
    out["rank_default"] = base["exposure_rank"]
    out["rank_min"] = r.min(axis=1)
    out["rank_max"] = r.max(axis=1)
    out["rank_range"] = out["rank_max"] - out["rank_min"]
    out["classes_seen"] = c.apply(lambda s: ";".join(sorted(set(s.dropna()))), axis=1)
    out["uncertain"] = flips
    out["runs"] = r.shape[1]
    return out
