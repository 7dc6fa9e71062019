"""Robustness of the ranking: re-run the assessment over sensible ranges around its parameters.

Varied around the parameters the user chose (not around the defaults): the umbrella radius (half,
the same, one and a half, double), the weights (the user's, then each dimension doubled in turn),
the aggregation across dimensions (arithmetic, geometric) and the season (dry, wet). A place is
``uncertain`` when its class under a *small* change (radius x0.8 or x1.2, one dimension weight
x1.5) differs from its class under the user's parameters.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.assess import Context, evaluate, within_period
from minusma.geo.exposure.cache import release_memory
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
    "ROBUSTNESS_CACHE_BYTES",
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
#: Cache budget (bytes) of the two seasons' evaluations that the variants are re-scored from:
#: they run on a copy of the context with a cache of its own this large, so that what they cache
#: (road costs, routes, reasons: about 1 GB at a million places) is not kept beside the caller's
#: cache, and is freed on return. A calibrated model, re-evaluated in full for every variant,
#: uses the context's own cache.
ROBUSTNESS_CACHE_BYTES = 0


def _radius(params: ExposureParams, factor: float) -> float:
    return min(params.radius_km * factor, RADIUS_KM_MAX)


def _weighted(params: ExposureParams, dimension: str, factor: float) -> ExposureParams:
    weights = params.weights_dict
    weight = weights.get(dimension, DEFAULT_WEIGHT)
    return params.replace(weights={**weights, dimension: weight * factor})


def variants(params: ExposureParams) -> list[ExposureParams]:
    """The 64 variants around ``params``: 4 radii x 4 weight sets x 2 aggregations x 2 seasons.

    The weight sets are the user's weights, then each dimension's weight doubled in turn.

    Parameters
    ----------
    params
        The parameters the variants are built around.

    Returns
    -------
    list of ExposureParams
        The variants, radius slowest, season fastest.
    """
    weight_sets = [params, *(_weighted(params, d, 2.0) for d in DIMENSION_NAMES)]
    return [
        w.replace(radius_km=_radius(params, f), aggregation=agg, season=season)
        for f, w, agg, season in itertools.product(
            RADIUS_FACTORS, weight_sets, AGGREGATIONS, SEASONS
        )
    ]


def _variant_ranks(
    frame: pd.DataFrame, distances: pd.DataFrame, variant: ExposureParams
) -> tuple[pd.Series, pd.Series]:
    """Rank and class of every place of an evaluated ``frame`` under ``variant``.

    The variant differs from the frame's parameters only by radius, weights or aggregation: the
    security score is recomputed from the sites' ``distances`` (``base_before_km`` and
    ``base_after_km``, the same in every season) and the frame's indicators re-aggregated,
    exactly as :func:`geo.exposure.assess.evaluate` would (no routing, no air service again).
    """
    before = distances["base_before_km"].to_numpy(dtype="float64")
    after = distances["base_after_km"].to_numpy(dtype="float64")
    after = np.where(~np.isnan(before) & np.isnan(after), np.inf, after)  # no open site
    loss = np.maximum(
        protection(before, variant.radius_km) - protection(after, variant.radius_km), 0.0
    )
    indicators = pd.DataFrame(
        {c: loss if c == "security_loss_score" else frame[c] for c in _indicators(variant)},
        index=frame.index,
    )
    _, total = composite_values(
        indicators,
        weights=variant.weights_dict,
        aggregation=variant.aggregation,
        hub_key=str(variant.hub_key),
    )
    s = pd.Series(total, index=frame.index)
    rank = pd.Series(s.rank(ascending=False, method="min").to_numpy(), index=frame.index)
    return rank.astype("Float64"), pd.Series(classify(s).to_numpy(), index=frame.index)


def _indicators(params: ExposureParams) -> list[str]:
    """The indicators of ``params``' dimensions, in their order."""
    return [c for cols in params.dimensions.values() for c in cols]


def _aligned(values: pd.Series, ids: pd.Index) -> pd.Series:
    """``values`` (indexed by place id) in the order of ``ids``.

    No reindexing when the order is already the same (every run of one context lists its
    places in one order).
    """
    return values if values.index.equals(ids) else values.reindex(ids)


def _seen_names(seen: np.ndarray, names: dict[str, int]) -> np.ndarray:
    """The classes of each row's bit mask ``seen``, sorted and ``;``-joined."""
    distinct, inverse = np.unique(seen, return_inverse=True)
    text = np.array(
        [";".join(sorted(k for k, bit in names.items() if (int(m) >> bit) & 1)) for m in distinct],
        dtype=object,
    )
    return text[inverse.reshape(-1)]


def _checked(evaluated: pd.DataFrame, columns: list[str], n_places: int) -> pd.DataFrame:
    """``evaluated`` when it is an evaluation of the context's places with ``columns``."""
    missing = [c for c in columns if c not in getattr(evaluated, "columns", ())]
    if missing or len(evaluated) != n_places:
        raise ParameterError(
            f"evaluated must be the evaluation of the context's {n_places} places "
            f"(evaluate(ctx, params)), got {type(evaluated).__name__} of {len(evaluated)} rows"
            + (f" lacking {missing}" if missing else "")
        )
    return evaluated


def robustness(
    ctx: Context,
    params: ExposureParams | None = None,
    *,
    id_column: str = "town_id",
    evaluated: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank range and class stability of every place around ``params``.

    The assessment is evaluated once per season; the 64 variants and the small changes are then
    re-scored from its distances and indicators (only the security indicator depends on the
    radius, only the aggregation on the weights), which gives the ranks and classes that a full
    evaluation of each variant gives (tested against it). A calibrated model (``params.model``
    a file) is re-evaluated in full for every variant.

    Parameters
    ----------
    ctx
        The prepared context (:func:`geo.exposure.assess.prepare`).
    params
        The parameters the variants are built around (default: the defaults).
    id_column
        The places' id column, which indexes the result.
    evaluated
        The evaluation of ``params`` on ``ctx`` (:func:`geo.exposure.assess.evaluate`, rows in
        the context's order) when the caller has it: its season is not evaluated again.

    Returns
    -------
    pandas.DataFrame
        Indexed by place id: ``rank_default`` (rank under ``params``), ``rank_min``,
        ``rank_max``, ``rank_range``, ``classes_seen`` (``;``-separated), ``uncertain`` (class
        flips under a small change) and ``runs`` (number of variants).

    Raises
    ------
    ParameterError
        ``evaluated`` is not an evaluation of the context's places.
    """
    p = within_period(ctx, check_params(params))
    full = p.model != MODELS[0]
    # one full evaluation at a time, and only the columns the variants are re-scored from copied
    # out of it: ids, site distances, rank and class in the user's season; the indicators that
    # do not depend on the radius in each
    kept = [c for c in _indicators(p) if c != "security_loss_score"]
    runs = {}
    for season in sorted(SEASONS, key=lambda s: s != p.season):  # the user's season first
        columns = kept
        if season == p.season:
            columns = [id_column, "base_before_km", "base_after_km", "exposure_rank"]
            columns += ["exposure_class", *kept]
        # a context with a cache of its own per season: the season's graph and matrices go too
        if season == p.season and evaluated is not None:
            runs[season] = _checked(evaluated, columns, len(ctx.places))[columns].copy(deep=True)
            continue
        own = ctx if full else dataclasses.replace(ctx, cache_bytes=ROBUSTNESS_CACHE_BYTES)
        runs[season] = evaluate(own, p.replace(season=season))[columns].copy(deep=True)
        del own
        release_memory()  # the evaluation's memory back before the next one
    base = runs[p.season].set_index(id_column)
    ids_in_order = runs[p.season][id_column].to_numpy()

    def ranked(variant: ExposureParams) -> tuple[pd.Series, pd.Series]:
        if full:
            run = evaluate(ctx, variant).set_index(id_column)
            return run["exposure_rank"].astype("Float64"), run["exposure_class"]
        rank, cls = _variant_ranks(runs[variant.season], runs[p.season], variant)
        return rank.set_axis(ids_in_order), cls.set_axis(ids_in_order)

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
