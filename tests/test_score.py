"""INFORM-style scoring: transforms, aggregation, classes, missing never zero."""

import numpy as np
import pandas as pd
import pytest

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure import params, score

#: The hub of the indicators (the Mali layers name it Bamako).
HUB = "bamako"


def _scores(**cols):
    base = {c: [np.nan] for d in params.dimensions(HUB).values() for c in d}
    base.update({k: [v] for k, v in cols.items()})
    return pd.DataFrame(base)


def test_arithmetic_within_and_across():
    s = _scores(security_loss_score=10, bamako_time_score=2, bamako_routes_score=10, air_score=0)
    out = score.composite(s, hub_key=HUB)
    assert out.loc[0, "access_score"] == 6
    assert out.loc[0, "exposure_score"] == pytest.approx((10 + 6 + 0) / 3)
    assert not out.loc[0, "data_gap"]


def test_geometric_across_dimensions():
    s = _scores(security_loss_score=8, bamako_time_score=2, bamako_routes_score=2, air_score=4)
    out = score.composite(s, aggregation="geometric", hub_key=HUB)
    assert out.loc[0, "exposure_score"] == pytest.approx((8 * 2 * 4) ** (1 / 3))


def test_missing_is_flagged_not_zero():
    s = _scores(
        security_loss_score=9, bamako_time_score=np.nan, bamako_routes_score=10, air_score=np.nan
    )
    out = score.composite(s, hub_key=HUB)
    assert out.loc[0, "exposure_score"] == pytest.approx((9 + 10) / 2)  # lifeline missing, not 0
    assert (
        out.loc[0, "data_gap"] and out.loc[0, "missing_indicators"] == "bamako_time_score;air_score"
    )
    empty = score.composite(_scores(), hub_key=HUB)
    assert (
        np.isnan(empty.loc[0, "exposure_score"])
        and score.classify(empty["exposure_score"]).iloc[0] == "unknown"
    )


def test_classes_fixed_thresholds():
    got = score.classify(pd.Series([0, 2.49, 2.5, 5, 7.49, 7.5, 10, np.nan])).tolist()
    assert got == ["low", "low", "moderate", "high", "high", "severe", "severe", "unknown"]


def test_transforms():
    assert score.scale_capped(np.array([0, 24, 96, np.nan]), 48).tolist()[:3] == [0, 5, 10]
    assert score.scale_capped(np.array([np.nan]), 48, unreachable=np.array([True]))[0] == 10
    assert score.routes_score(pd.Series([0, 1, 2, 4, None], dtype="Int64")).tolist()[:4] == [
        10,
        10,
        5,
        2.5,
    ]


def test_bad_weights():
    with pytest.raises(UnknownNameError, match="valid names"):
        params.check_weights({"securty": 1})
    with pytest.raises(ParameterError, match="must be a finite number >= 0"):
        params.check_weights({"security": -1})
    with pytest.raises(UnknownNameError, match="choose from"):
        score.composite(_scores(), aggregation="harmonic", hub_key=HUB)
