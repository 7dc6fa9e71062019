"""Robustness of the ranking: re-run the assessment over sensible ranges of its modelling choices.

Varied: the umbrella radius (25, 50, 75, 100 km), the weights (each dimension doubled in turn,
equal weights), the aggregation across dimensions (arithmetic, geometric) and the season (dry,
wet). A place is ``uncertain`` when its class under a *small* change (radius 50 -> 40 or 60 km,
one dimension weight 1 -> 1.5) differs from its class under the defaults.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd

from geo.exposure.assess import Context, evaluate
from geo.exposure.score import DIMENSIONS

logger = logging.getLogger(__name__)

__all__ = ["RADII_KM", "SEASONS_TRIED", "robustness", "weight_sets"]

#: Radii tried (km): half to double the default.
RADII_KM = (25.0, 50.0, 75.0, 100.0)
SEASONS_TRIED = ("dry", "wet")


def weight_sets() -> list[dict[str, float]]:
    """Equal weights, then each dimension doubled in turn."""
    return [{}] + [{d: 2.0} for d in DIMENSIONS]


def robustness(ctx: Context, *, id_column: str = "town_id", **options) -> pd.DataFrame:
    """Rank range and class stability of every place.

    ``options`` fix the date and scenario (``as_of``, ``close``, ...); radius, weights,
    aggregation and season are varied.

    Returns
    -------
    pandas.DataFrame
        Indexed by place id: ``rank_default``, ``rank_min``, ``rank_max``, ``rank_range``,
        ``classes_seen`` (``;``-separated), ``uncertain`` (class flips under a small change) and
        ``runs`` (number of variants).
    """
    for key in ("radius_km", "weights", "aggregation", "season"):
        options.pop(key, None)
    base = evaluate(ctx, **options).set_index(id_column)
    ranks, classes = [], []
    for radius, weights, agg, season in itertools.product(
        RADII_KM, weight_sets(), ("arithmetic", "geometric"), SEASONS_TRIED
    ):
        run = evaluate(
            ctx, radius_km=radius, weights=weights, aggregation=agg, season=season, **options
        )
        run = run.set_index(id_column)
        ranks.append(run["exposure_rank"].astype("Float64"))
        classes.append(run["exposure_class"])
    r = pd.concat(ranks, axis=1)
    c = pd.concat(classes, axis=1)
    small = [evaluate(ctx, radius_km=40.0, **options), evaluate(ctx, radius_km=60.0, **options)]
    small += [evaluate(ctx, weights={d: 1.5}, **options) for d in DIMENSIONS]
    flips = np.zeros(len(base), dtype=bool)
    for run in small:
        flips |= (
            run.set_index(id_column)["exposure_class"].reindex(base.index) != base["exposure_class"]
        ).to_numpy()
    out = pd.DataFrame(index=base.index)
    out["rank_default"] = base["exposure_rank"]
    out["rank_min"] = r.min(axis=1)
    out["rank_max"] = r.max(axis=1)
    out["rank_range"] = out["rank_max"] - out["rank_min"]
    out["classes_seen"] = c.apply(lambda s: ";".join(sorted(set(s.dropna()))), axis=1)
    out["uncertain"] = flips
    out["runs"] = r.shape[1]
    return out
