"""What-if scenarios: monotonicity, keeps, closed roads, the diff."""

import numpy as np
import pytest

import minusma.layers as L
from minusma.geo.exposure import scenario
from minusma.geo.exposure.assess import evaluate
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.assessment import context

BEFORE = ExposureParams(as_of="2023-06-30")


@pytest.fixture(scope="module")
def ctx():
    return context()


@pytest.mark.parametrize("site", list(L.bases()["base_id"]))
def test_closing_a_base_never_reduces_distance(ctx, site):
    a = evaluate(ctx, BEFORE).set_index("town_id")
    b = evaluate(ctx, BEFORE.replace(close=[site])).set_index("town_id")
    for col in ("base_after_km", "base_road_km"):
        x, y = a[col].to_numpy(), b[col].to_numpy()
        both = ~np.isnan(x) & ~np.isnan(y)
        assert both.sum() > 50
        assert (y[both] >= x[both] - 1e-9).all()
    # 12 sites stay open: no place loses its geodesic distance to the nearest open one
    x, y = a["base_after_km"].to_numpy(), b["base_after_km"].to_numpy()
    assert not (np.isnan(y) & ~np.isnan(x)).any()
    # a road distance disappears only where no open site can be reached any more
    x, y = a["base_road_km"].to_numpy(), b["base_road_km"].to_numpy()
    lost = np.isnan(y) & ~np.isnan(x)
    assert not b["base_reachable"].to_numpy(dtype=object)[lost].astype(bool).any()


def test_keep_timbuktu_keeps_its_cover(ctx):
    b = evaluate(ctx, keep=["Tombouctou"]).set_index("town_id")
    assert b.loc["ml-tombouctou", "covered_after"] and not b.loc["ml-tombouctou", "coverage_lost"]
    assert b.loc["ml-gao", "coverage_lost"]


def test_close_road_cuts_dire(ctx):
    b = evaluate(ctx, close_roads=["Diré–Goundam"]).set_index("town_id")
    assert not b.loc["ml-dire", "bamako_reachable"] and b.loc["ml-dire", "bamako_routes"] == 0
    assert "no road route to Bamako" in b.loc["ml-dire", "reasons"]


def test_diff_close_ber_before_withdrawal(ctx):
    a = evaluate(ctx, BEFORE)
    b = evaluate(ctx, BEFORE.replace(close=["ber"]))
    d = scenario.diff(a, b, hub_key=ctx.hub_key)
    assert d.index[0] == "ml-ber"
    assert d.loc["ml-ber", "base_after_km_change"] == pytest.approx(52.06, abs=0.05)
    assert d.loc["ml-ber", "class_changed"]
    assert (d["exposure_score_change"].dropna() >= 0).all()


def test_air_routes_off(ctx):
    b = evaluate(ctx, disabled_operators=["Sky Mali"]).set_index("town_id")
    assert np.isnan(
        b.loc["ml-kayes", "air_score"]
    )  # UNHAS Kayes: state after 2020 unknown, so missing
    assert b.loc["ml-kayes", "air_state"] == "unknown"
    c = evaluate(ctx, disabled_operators=["Sky Mali", "UNHAS (WFP)"]).set_index("town_id")
    assert c.loc["ml-kayes", "air_score"] == 10.0
    a = evaluate(ctx).set_index("town_id")
    assert a.loc["ml-kayes", "air_score"] == 0.0
