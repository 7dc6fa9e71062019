"""The staggered event study (geo.event_study) on synthetic panels with a known truth.

Every panel here is SYNTHETIC (Poisson counts drawn by the test), so the truth is known.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from minusma.geo._errors import ParameterError
from minusma.geo.event_study import (
    NEVER,
    NotEstimableError,
    estimate,
    protection_status,
    switch_months,
)


def _panel(rng, *, n_units=120, n_months=48, n_switch=50, effect=0.0, trend_before=0.0, maps=None):
    """Poisson counts; ``effect`` added from the switch on; ``trend_before`` a pre-switch rise.

    Switch months are drawn from months 8..n_months-9, or from ``maps`` (the months of the maps
    sites are dated by, as Geo-PKO's: a few cohorts of several units each).
    """
    switch = np.full(n_units, NEVER)
    who = rng.choice(n_units, n_switch, replace=False)
    switch[who] = (
        rng.integers(8, n_months - 8, n_switch) if maps is None else rng.choice(maps, n_switch)
    )
    t = np.arange(n_months)[None, :]
    after = (switch[:, None] != NEVER) & (t >= switch[:, None])
    lead = np.where((switch[:, None] != NEVER) & ~after, t - switch[:, None], 0)
    rate = rng.gamma(2.0, 0.4, n_units)[:, None] + 0.01 * t + effect * after
    rate = rate + trend_before * np.maximum(lead + 8, 0) * (~after)
    return rng.poisson(np.maximum(rate, 0.01)).astype(float), switch


def test_agrees_with_the_differences_package():
    """Same ATT and standard errors as differences.ATTgt (Callaway-Sant'Anna, not-yet-treated
    controls, universal base period)."""
    from differences import ATTgt

    rng = np.random.default_rng(3)
    y, g = _panel(rng, n_units=80, n_months=36, n_switch=30, effect=0.5)
    ours = estimate(y, g, window_months=6, placebo_draws=0).event_time.set_index("k")
    n_units, n_months = y.shape
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_months),
            "t": np.tile(np.arange(1, n_months + 1), n_units),
            "y": y.ravel(),
            "cohort": np.repeat(np.where(g == NEVER, np.nan, g + 1.0), n_months),
        }
    ).set_index(["unit", "t"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att = ATTgt(data=frame, cohort_column="cohort", base_period="universal")
        att.fit("y", control_group="not_yet_treated", progress_bar=False)
        theirs = att.aggregate("event")
    theirs.columns = [c[-1] for c in theirs.columns]
    ks = [k for k in range(-6, 7) if k != -1]
    np.testing.assert_allclose(ours.loc[ks, "estimate"], theirs.loc[ks, "ATT"], atol=1e-10)
    np.testing.assert_allclose(ours.loc[ks, "se"], theirs.loc[ks, "std_error"], rtol=1e-8)


@pytest.mark.parametrize("effect", [0.0, 0.6])
def test_interval_covers_the_truth(effect):
    """Over 150 synthetic panels the pooled 95 % interval covers the true effect 88-99 % of
    the time, and the estimates centre on it."""
    rng = np.random.default_rng(11)
    hits, estimates = 0, []
    for _ in range(150):
        y, g = _panel(rng, effect=effect)
        p = estimate(y, g, window_months=6, placebo_draws=0).pooled
        hits += p["low"] <= effect <= p["high"]
        estimates.append(p["estimate"])
    assert 0.88 <= hits / 150 <= 0.99
    assert abs(np.mean(estimates) - effect) < 0.03


#: Map months of the band and ratio simulations: one map every 3 months, months 9..39.
MAPS = np.arange(9, 40, 3)
#: Their true counterfactual mean over months 0..6 after the switch: the mean unit rate (the
#: Gamma(2, 0.4) mean, 0.8) plus the common trend 0.01 per month at the mean map month plus 3.
COUNTERFACTUAL = 0.8 + 0.01 * (MAPS.mean() + 3)
SIMULATIONS = 200


@pytest.fixture(scope="module")
def simulated():
    """SIMULATIONS synthetic panels with a known rise of 0.6 events per unit and month."""
    rng = np.random.default_rng(17)
    return [
        estimate(*_panel(rng, effect=0.6, maps=MAPS), window_months=6, placebo_draws=0)
        for _ in range(SIMULATIONS)
    ]


def test_uniform_band_covers_the_whole_true_path(simulated):
    """Over 200 synthetic panels (seed 17) the 95 % uniform band holds the whole true path
    (0 before the switch, 0.6 from it, 12 event times) in 186 of them (93.0 %; critical values
    2.58-2.86), the pointwise intervals all at once in 119 (59.5 %); the band is wider at every
    event time. (With one or two units per cohort the band covers less, about 90 %: a cohort of
    one unit adds no variance of its own to the influence function.)"""
    band = pointwise = 0
    for r in simulated:
        t = r.event_time[r.event_time["k"] != -1]
        truth = np.where(t["k"] >= 0, 0.6, 0.0)
        band += bool(((t["band_low"] <= truth) & (truth <= t["band_high"])).all())
        pointwise += bool(((t["low"] <= truth) & (truth <= t["high"])).all())
        assert ((t["band_high"] - t["band_low"]) > (t["high"] - t["low"])).all()
        assert r.band["level"] == 0.95 and r.band["draws"] == 1000 and r.band["event_times"] == 12
        assert 2.0 < r.band["critical_value"] < 3.5
    assert 0.90 <= band / SIMULATIONS <= 0.99
    assert pointwise / SIMULATIONS <= band / SIMULATIONS - 0.2
    ref = simulated[0].event_time.set_index("k").loc[-1]
    assert ref["band_low"] == ref["band_high"] == 0.0  # the reference month, 0 by construction


def test_ratio_interval_counts_the_counterfactual_uncertainty(simulated):
    """The ratio's interval (Fieller's, from the joint influence function of the effect and the
    switched units' mean) covers the true relative change (0.6 over the true counterfactual
    mean 1.07: 0.561) in 191 of 200 panels (95.5 %); dividing the effect's interval by the
    estimated counterfactual mean, as if known, covers it far less often (167 of 200, 83.5 %).
    It holds zero exactly when the effect's interval does."""
    truth = 0.6 / COUNTERFACTUAL
    joint = known = 0
    for r in simulated:
        p = r.pooled
        joint += p["ratio_low"] <= truth <= p["ratio_high"]
        cf = p["counterfactual_mean"]
        known += p["low"] / cf <= truth <= p["high"] / cf
        assert p["ratio_low"] < p["ratio"] < p["ratio_high"] and p["counterfactual_se"] > 0
        assert (p["low"] <= 0 <= p["high"]) == (p["ratio_low"] <= 0 <= p["ratio_high"])
    assert 0.91 <= joint / SIMULATIONS <= 0.99
    assert known / SIMULATIONS <= joint / SIMULATIONS - 0.08
    doc = simulated[0].to_dict()
    assert doc["band_level"] == 0.95 and doc["band_critical_value"] > 1.96
    assert {"band_low", "band_high", "low", "high"} <= set(doc["event_time"][0])


def test_ratio_interval_agrees_with_the_effect_about_zero():
    """With no effect and with a fall, over 100 panels each: the ratio's interval holds zero
    exactly when the effect's does, and covers the true ratio (0, and -0.3 / 1.07) in 89 and 92
    of them (the effect's own pooled interval covers 0 in those 89)."""
    rng = np.random.default_rng(23)
    for effect in (0.0, -0.3):
        hits = 0
        for _ in range(100):
            p = estimate(*_panel(rng, effect=effect, maps=MAPS), window_months=6, placebo_draws=0)
            p = p.pooled
            assert (p["low"] <= 0 <= p["high"]) == (p["ratio_low"] <= 0 <= p["ratio_high"])
            hits += p["ratio_low"] <= effect / COUNTERFACTUAL <= p["ratio_high"]
        assert 0.88 <= hits / 100 <= 0.99, effect


def test_band_is_never_narrower_than_the_pointwise_intervals():
    """Three switching units: where their influence dominates the Rademacher draws take few
    values (8 sign patterns), and the drawn critical value (1.86) falls below 1.96; the band is
    then the pointwise intervals and a note says it does not hold every event time."""
    rng = np.random.default_rng(0)
    y, g = _panel(rng, n_units=60, n_switch=3, maps=MAPS)
    r = estimate(y, g, window_months=6, placebo_draws=0)
    assert (
        r.band["bootstrap_critical_value"] < r.band["critical_value"] == pytest.approx(1.96, 1e-4)
    )
    t = r.event_time
    np.testing.assert_allclose(t["band_low"], t["low"], rtol=1e-6)
    assert any("does not hold all event times" in n for n in r.notes)


def test_placebo_is_null_and_detects_a_rise_after_closure():
    rng = np.random.default_rng(5)
    # no effect: shuffled switch months rarely beat the estimate; p spread over (0, 1]
    ps = [estimate(*_panel(rng), window_months=6, placebo_draws=49).placebo["p"] for _ in range(30)]
    assert np.mean(np.array(ps) <= 0.05) <= 0.15
    assert 0.3 < np.median(ps) < 0.7
    # a known rise of one event per unit and month after the switch
    y, g = _panel(rng, effect=1.0)
    r = estimate(y, g, window_months=6, placebo_draws=99)
    assert r.placebo["p"] == 0.01  # no shuffle reaches it
    assert abs(r.placebo["mean"]) < 2 * r.placebo["sd"]  # the shuffles centre on zero
    assert r.pooled["low"] <= 1.0 <= r.pooled["high"]
    assert r.pooled["ratio"] > 0


def test_pretrend_test_flags_a_rise_before_the_switch():
    rng = np.random.default_rng(8)
    y, g = _panel(rng, n_units=200, n_switch=80, trend_before=0.15)
    assert estimate(y, g, window_months=6, placebo_draws=0).pretrend["p"] < 0.01
    ps = [estimate(*_panel(rng), window_months=6, placebo_draws=0).pretrend["p"] for _ in range(40)]
    assert np.mean(np.array(ps) < 0.05) <= 0.2


def test_clusters_widen_intervals_when_units_share_shocks():
    rng = np.random.default_rng(2)
    y, g = _panel(rng, effect=0.3)
    by_unit = estimate(y, g, window_months=6, placebo_draws=0)
    one = estimate(y, g, window_months=6, placebo_draws=0, clusters=np.arange(len(g)))
    assert by_unit.pooled["se"] == pytest.approx(one.pooled["se"])
    pairs = estimate(y, g, window_months=6, placebo_draws=0, clusters=np.arange(len(g)) // 2)
    assert pairs.pooled["estimate"] == by_unit.pooled["estimate"]
    assert pairs.pooled["se"] != by_unit.pooled["se"]


def test_effect_by_event_time_is_the_forecast_shape():
    rng = np.random.default_rng(4)
    r = estimate(*_panel(rng, effect=0.5), window_months=6, placebo_draws=0)
    shape = r.effect_by_event_time()
    assert list(shape.index) == list(range(-6, 7))
    assert shape.loc[-1] == 0.0
    doc = r.to_dict()
    assert {"pooled", "event_time", "pretrend_p", "placebo_p", "n_units", "n_treated"} <= set(doc)
    assert set(doc["event_time"][0]) >= {"k", "estimate", "low", "high"}


def test_switch_months_and_status():
    status = np.array(
        [
            [0, 0, 1, 1, 1],  # opens in column 2
            [1, 1, 0, 0, 1],  # protected at the start: closes in column 2
            [0, 0, 0, 0, 0],  # never protected
            [1, 1, 1, 1, 1],  # always protected
        ],
        dtype=bool,
    )
    g, ok = switch_months(status, "opening")
    assert g.tolist() == [2, NEVER, NEVER, NEVER] and ok.tolist() == [True, False, True, False]
    g, ok = switch_months(status, "closing")
    assert g.tolist() == [NEVER, 2, NEVER, NEVER] and ok.tolist() == [True, True, False, True]
    # a site 0.3° (about 33 km) east of the unit, open months 1 and 2 (end month 3 excluded)
    s = protection_status([20.0], [5.0], [20.3], [5.0], [1], [3], [0, 1, 2, 3], radius_km=40)
    assert s.tolist() == [[False, True, True, False]]
    s = protection_status([20.0], [5.0], [20.3], [5.0], [1], [3], [0, 1, 2, 3], radius_km=30)
    assert not s.any()
    # unknown opening: open since before the record
    s = protection_status([20.0], [5.0], [20.0], [5.0], [np.nan], [2], [0, 1, 2], radius_km=1)
    assert s.tolist() == [[True, True, False]]


def test_bad_inputs():
    rng = np.random.default_rng(1)
    y, g = _panel(rng, n_months=20)
    with pytest.raises(ParameterError, match=r"window of 24 months is longer than the history"):
        estimate(y, g, window_months=24)
    y_missing = y.copy()
    y_missing[0, 3] = np.nan
    with pytest.raises(ParameterError, match="1 missing unit-month"):
        estimate(y_missing, g, window_months=4)
    with pytest.raises(NotEstimableError, match="no unit switches"):
        estimate(y, np.full(len(g), NEVER), window_months=4)
    with pytest.raises(ParameterError, match="design must be one of opening, closing"):
        switch_months(np.zeros((2, 3), bool), "moving")
    with pytest.raises(ParameterError, match="radius_km must be > 0"):
        protection_status([0], [0], [0], [0], [0], [1], [0], radius_km=0)
