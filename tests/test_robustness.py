"""Robustness re-scored from shared distances equals a full evaluation of every variant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from minusma.geo.exposure import robustness as rb
from minusma.geo.exposure.assess import evaluate, within_period
from minusma.geo.exposure.params import DIMENSION_NAMES, ExposureParams
from minusma.layers.assessment import context


def brute_force(ctx, p: ExposureParams) -> pd.DataFrame:
    """The definition: one full evaluation per variant (the oracle)."""
    base = evaluate(ctx, p).set_index("town_id")
    runs = [evaluate(ctx, v).set_index("town_id") for v in rb.variants(p)]
    r = pd.concat([x["exposure_rank"].astype("Float64") for x in runs], axis=1)
    c = pd.concat([x["exposure_class"] for x in runs], axis=1)
    small = [p.replace(radius_km=p.radius_km * f) for f in rb.SMALL_RADIUS_FACTORS]
    small += [
        p.replace(weights={**p.weights_dict, d: p.weights_dict[d] * rb.SMALL_WEIGHT_FACTOR})
        for d in DIMENSION_NAMES
    ]
    flips = np.zeros(len(base), dtype=bool)
    for v in small:
        run = evaluate(ctx, v).set_index("town_id")
        flips |= (run["exposure_class"].reindex(base.index) != base["exposure_class"]).to_numpy()
    return pd.DataFrame(
        {
            "rank_min": r.min(axis=1),
            "rank_max": r.max(axis=1),
            "classes_seen": c.apply(lambda s: ";".join(sorted(set(s.dropna()))), axis=1),
            "uncertain": flips,
        }
    )


@pytest.mark.parametrize(
    "params",
    [
        ExposureParams(),
        ExposureParams(as_of="2023-10-31", radius_km=25, season="wet", close=["Gao"]),
        ExposureParams(as_of="2023-12-28", aggregation="geometric", weights={"access": 0.5}),
    ],
)
def test_fast_robustness_equals_full_evaluations(params):
    ctx = context()
    got = rb.robustness(ctx, params)
    want = brute_force(ctx, within_period(ctx, params))
    assert got["runs"].eq(64).all()
    for col in ("rank_min", "rank_max", "classes_seen", "uncertain"):
        pd.testing.assert_series_equal(
            got[col].reindex(want.index), want[col], check_names=False, check_dtype=False
        )


def test_robustness_reuses_the_callers_evaluation():
    """Given the caller's evaluation of the parameters, robustness gives the same table; a frame
    of other places is refused with the fix named."""
    from minusma.geo._errors import ParameterError

    ctx = context()
    p = ExposureParams(as_of="2023-10-31", close=["Gao"])
    fresh = rb.robustness(ctx, p)
    reused = rb.robustness(ctx, p, evaluated=evaluate(ctx, p))
    pd.testing.assert_frame_equal(reused, fresh, check_exact=True)
    with pytest.raises(ParameterError, match=r"evaluate\(ctx, params\)"):
        rb.robustness(ctx, p, evaluated=evaluate(ctx, p).head(3))
