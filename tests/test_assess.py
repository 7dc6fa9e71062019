"""The whole assessment on the real shipped layers: known answers."""

import dataclasses
import logging
import warnings

import numpy as np
import pandas as pd
import pytest

import minusma.layers as L
from minusma import Study
from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure.criticality import segment_criticality
from minusma.geo.speeds import UnknownSpeedWarning, travel_time_h
from minusma.layers.assessment import context, speeds


@pytest.fixture(scope="module")
def after():
    return Study().assess().set_index("town_id")


@pytest.fixture(scope="module")
def crit():
    return segment_criticality(context()).set_index("segment_id")


def test_every_town_present_missing_explicit(after):
    towns = L.towns()
    towns = towns[towns["country"] == "ML"]  # the two places abroad are link ends, not assessed
    assert set(after.index) == set(towns["town_id"]) and len(after) == 191
    no_coord = towns.loc[~towns["has_coordinate"], "town_id"]
    sub = after.loc[no_coord]
    assert sub["exposure_score"].isna().all() and (sub["exposure_class"] == "unknown").all()
    assert sub["covered_before"].isna().all() and sub["on_road_network"].isna().all()
    assert not np.isinf(after.select_dtypes("number").to_numpy(dtype=float, na_value=np.nan)).any()


def test_ber_lost_coverage(after):
    ber = after.loc["ml-ber"]
    assert ber["coverage_lost_on"] == "2023-08-13" and ber["base_before_id"] == "MINUSMA-02"
    assert "lost coverage from Ber (0 km) on 2023-08-13" in ber["reasons"]
    assert ber["exposure_class"] == "severe"


def test_dire_hangs_on_dire_goundam(after, crit):
    dire = after.loc["ml-dire"]
    assert dire["bamako_routes"] == 1
    assert dire["bamako_cut_by"].split(";")[0] == "road-ml-dire--ml-goundam"
    assert "nearest: Diré–Goundam" in dire["reasons"]
    seg = crit.loc["road-ml-dire--ml-goundam"]
    assert bool(seg["is_bridge"]) and seg["stranded_names"] == "Diré"


def test_single_points_of_failure_known(crit):
    # the Route du poisson: Sévaré-Bandiagara strands Bandiagara, Bankass, Koro, Diallassagou,
    # Dinangourou
    seg = crit.loc["road-ml-sevare--ml-bandiagara"]
    assert (
        seg["is_bridge"]
        and seg["stranded_places"] == 5
        and seg["stranded_places_no_population"] == 1
    )
    # Korioumé ferry link to Bambara Maoundé has a detour, and it is long
    ferry = crit.loc["road-ml-bambara-maounde--ml-korioume"]
    assert not ferry["is_bridge"] and ferry["detour_km"] > 500
    # Bamako-Ségou is not a single point of failure: RN7 to Sikasso and RN12 Koutiala-Bla go round
    # it
    rn6 = crit.loc["road-ml-bamako--ml-segou"]
    assert not rn6["is_bridge"] and rn6["stranded_places"] == 0 and 400 < rn6["detour_km"] < 500


def test_time_missing_for_unverified_not_averaged(after):
    # Tominian is reached only through San-Tominian, class 'unverified' (no speed row): time missing
    dj = after.loc["ml-tominian"]
    assert dj["bamako_reachable"] and np.isnan(dj["bamako_travel_h"]) and dj["bamako_travel_h_gap"]
    assert after.loc["ml-segou", "bamako_travel_h"] == pytest.approx(240 / 80)


def test_before_withdrawal_everyone_keeps_coverage():
    before = Study().assess(as_of="2023-06-30").set_index("town_id")
    assert not before["coverage_lost"].fillna(False).any()
    assert before.loc["ml-ber", "covered_after"]


def test_determinism():
    a, b = Study().assess(radius_km=60), Study().assess(radius_km=60)
    pd.testing.assert_frame_equal(a, b)


def test_bad_parameters():
    with pytest.raises(UnknownNameError, match="valid bases"):
        Study().assess(close=["Atlantis"])
    with pytest.raises(ParameterError, match="radius_km"):
        Study().assess(radius_km=-5)
    with pytest.raises(ParameterError, match="between 2013-01-01 and 2024-12-31"):
        Study().assess(as_of="2030-01-01")
    with pytest.raises(ParameterError, match="unknown season"):
        Study().assess(season="monsoon")
    with pytest.raises(UnknownNameError, match="valid segments"):
        Study().assess(close_roads=["Nowhere–Elsewhere"])


def test_speed_table_missing_class_warns_and_reports_gap(tmp_path):
    table = speeds()
    table = table[table["road_class"] != "paved"]
    path = tmp_path / "speeds.csv"
    table.to_csv(path, index=False)
    with pytest.warns(UnknownSpeedWarning, match=r"\(class\(es\) paved, unverified\)"):
        travel_time_h(context().graph, table, on_unknown="warn")
    with pytest.warns(
        UnknownSpeedWarning
    ) as caught:  # once, from the new context's dry-season graph
        out = Study(speeds_path=str(path)).assess().set_index("town_id")
    assert (
        np.isnan(out.loc["ml-segou", "bamako_travel_h"])
        and out.loc["ml-segou", "bamako_travel_h_gap"]
    )
    assert [str(w.message) for w in caught] == out.attrs["data_gaps"]
    assert len(out.attrs["data_gaps"]) == 1 and "paved" in out.attrs["data_gaps"][0]


def test_unknown_speeds_warn_once_per_context_and_are_not_logged(caplog):
    ctx = dataclasses.replace(context(), _cache={})
    with caplog.at_level(logging.DEBUG, logger="minusma.geo.speeds"):
        with pytest.warns(UnknownSpeedWarning, match="dry-season speed") as caught:
            ctx.timed_graph("dry")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ctx.timed_graph("dry")  # cached: no second warning
    assert len(caught) == 1 and ctx.time_warnings("dry") == [str(caught[0].message)]
    assert "see layers/data/speeds.csv" in ctx.time_warnings("dry")[0]
    assert not caplog.records  # the warning is the one channel; the CLI prints it once
