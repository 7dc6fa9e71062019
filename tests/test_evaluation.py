"""geo.evaluation: labels against a brute-force geodesic loop, metrics against scikit-learn and a
hand-computed fixture, the bootstrap's intervals and pairing."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point
from sklearn.metrics import average_precision_score, roc_auc_score

from minusma.geo._errors import ParameterError
from minusma.geo.distance import geodesic_km
from minusma.geo.evaluation import (
    average_precision,
    bootstrap_metrics,
    compare_rankings,
    match_events,
    positive_places,
    precision_at_k,
    recall_at_k,
    roc_auc,
)


def _points(lon, lat) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in zip(lon, lat)], crs="EPSG:4326")


def test_positive_places_matches_brute_force_geodesic_loop():
    rng = np.random.default_rng(3)
    # places and events over northern Mali, events with mixed location uncertainty
    p_lon, p_lat = rng.uniform(-4, 1, 400), rng.uniform(14, 18, 400)
    e_lon, e_lat = rng.uniform(-4, 1, 150), rng.uniform(14, 18, 150)
    precision = rng.choice([0.0, 0.0, 5.0, 25.0, np.nan], 150)
    places = _points(p_lon, p_lat)
    events = _points(e_lon, e_lat).assign(location_precision_km=precision)
    got = positive_places(places, events, match_km=10)
    expected = np.zeros(400, dtype=bool)
    matched = set()
    for j in range(150):
        if np.isnan(precision[j]):
            continue
        for i in range(400):
            if geodesic_km(p_lon[i], p_lat[i], e_lon[j], e_lat[j]) <= 10 + precision[j]:
                expected[i] = True
                matched.add(j)
    assert expected.sum() > 20  # the case is not trivial
    np.testing.assert_array_equal(got.to_numpy(dtype=bool), expected)
    assert got.attrs["events_matched"] == len(matched)
    assert got.attrs["events_unlocated"] == int(np.isnan(precision).sum())


def test_match_is_exact_at_the_radius_edge():
    # a point ~9.99 km north and one ~10.01 km north of the place (geodesic on WGS84)
    lat0 = 15.0
    near = lat0 + 9.99 / 110.65
    far = lat0 + 10.01 / 110.65
    d_near, d_far = geodesic_km(0, lat0, 0, near), geodesic_km(0, lat0, 0, far)
    assert d_near < 10 < d_far
    pairs = match_events(_points([0], [lat0]), _points([0, 0], [near, far]), match_km=10)
    assert pairs["event"].tolist() == [0]
    assert pairs["distance_km"].iloc[0] == pytest.approx(d_near)


def test_place_without_point_has_no_label():
    places = gpd.GeoDataFrame(geometry=[Point(0, 15), None], crs="EPSG:4326")
    labels = positive_places(places, _points([0], [15]))
    assert labels.iloc[0]
    assert pd.isna(labels.iloc[1])


def test_negative_match_radius_refused():
    with pytest.raises(ParameterError, match="match_km"):
        positive_places(_points([0], [15]), _points([0], [15]), match_km=-1)


@pytest.mark.parametrize("seed", range(8))
def test_metrics_agree_with_scikit_learn_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    y = rng.random(n) < rng.uniform(0.05, 0.5)
    y[:2] = [True, False]
    scores = rng.integers(0, int(rng.integers(2, 12)), n).astype(float)  # many ties
    assert roc_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    assert average_precision(y, scores) == pytest.approx(
        average_precision_score(y, scores), abs=1e-12
    )
    continuous = rng.normal(size=n)
    assert roc_auc(y, continuous) == pytest.approx(roc_auc_score(y, continuous), abs=1e-12)


def test_bootstrap_draws_agree_with_scikit_learn_on_the_same_resamples():
    rng = np.random.default_rng(11)
    y = rng.random(300) < 0.2
    s = rng.integers(0, 6, 300).astype(float)
    _, draws, _ = bootstrap_metrics(y, {"s": s}, n_boot=5, seed=4, ks=())
    # the same multiplicities, rebuilt, fed to scikit-learn as sample weights
    gen = np.random.default_rng(4)
    idx = gen.integers(0, 300, size=(5, 300))
    for b in range(5):
        w = np.bincount(idx[b], minlength=300)
        assert draws["s"]["auc"][b] == pytest.approx(roc_auc_score(y, s, sample_weight=w))
        assert draws["s"]["ap"][b] == pytest.approx(average_precision_score(y, s, sample_weight=w))


def test_hand_computed_six_places():
    # six places 100 km apart on a meridian; events at places a, c and f (within 10 km)
    lats = 14.0 + np.arange(6) * 0.9
    places = _points(np.zeros(6), lats)
    places.index = list("abcdef")
    events = _points([0.0, 0.03, 0.0], [lats[0], lats[2], lats[5] + 0.05])
    labels = positive_places(places, events, match_km=10)
    assert labels.tolist() == [True, False, True, False, False, True]
    scores = pd.Series([5, 4, 4, 3, 2, 1], index=list("abcdef"), dtype=float)
    # pairs (pos, neg): a beats b, d, e (3); c ties b (0.5), beats d, e (2); f beats none (0)
    assert roc_auc(labels, scores) == pytest.approx(5.5 / 9)
    # thresholds 5: P=1, R=1/3; 4: P=2/3, R=2/3; 3, 2: no new positive; 1: P=1/2, R=1
    assert average_precision(labels, scores) == pytest.approx((1 + 2 / 3 + 1 / 2) / 3)
    # top 2: a, then one of the tied {b, c}: expected 1.5 positives
    assert precision_at_k(labels, scores, 2) == pytest.approx(0.75)
    assert recall_at_k(labels, scores, 2) == pytest.approx(0.5)
    assert precision_at_k(labels, scores, 3) == pytest.approx(2 / 3)
    assert precision_at_k(labels, scores, 60) == pytest.approx(0.5)  # k cut to the 6 places
    table = compare_rankings(labels, {"s": scores}, ks=(2,), n_boot=0)
    assert table.loc[0, "auc"] == pytest.approx(5.5 / 9)
    assert table.loc[0, "precision_at_2"] == pytest.approx(0.75)
    assert (table.loc[0, "n_places"], table.loc[0, "n_scored"], table.loc[0, "n_positive"]) == (
        6,
        6,
        3,
    )


def test_unscored_places_are_counted_and_left_out():
    labels = pd.Series([True, False, True, False, False, True], dtype="boolean")
    full = pd.Series([5, 4, 4, 3, 2, 1], dtype=float)
    partial = full.where(full.index != 5)  # f has no score
    table = compare_rankings(labels, {"full": full, "partial": partial}, ks=(2,), n_boot=0)
    row = table.set_index("name").loc["partial"]
    assert (row["n_places"], row["n_scored"], row["n_positive"]) == (6, 5, 2)
    # on a..e: pairs (pos a, c) x (neg b, d, e): a 3, c 2.5
    assert row["auc"] == pytest.approx(5.5 / 6)
    assert row["auc"] == pytest.approx(roc_auc_score(labels[:5].astype(bool), full[:5]))
    # the paired difference is taken on the places both rank
    assert row["diff_auc"] == pytest.approx(0.0)


def _random_case(seed: int, n: int = 500):
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    labels = pd.Series(signal + rng.normal(size=n) > 1.2, dtype="boolean")
    scores = {
        "model": pd.Series(signal + rng.normal(scale=0.5, size=n)),
        "weak": pd.Series(signal + rng.normal(scale=3, size=n)),
        "random": pd.Series(rng.random(n)),
    }
    return labels, scores


def test_bootstrap_interval_contains_estimate_and_is_reproducible():
    labels, scores = _random_case(0)
    a = compare_rankings(labels, scores, n_boot=400, seed=7)
    b = compare_rankings(labels, scores, n_boot=400, seed=7)
    c = compare_rankings(labels, scores, n_boot=400, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["auc_low"], c["auc_low"])
    for m in ("auc", "ap", "precision_at_25", "recall_at_50"):
        assert (a[f"{m}_low"] <= a[m]).all() and (a[m] <= a[f"{m}_high"]).all()
    assert (a["auc_high"] - a["auc_low"] > 0.02).all()  # intervals have width
    model = a.set_index("name")
    # a strong model beats random on paired draws; its interval excludes 0
    assert model.loc["random", "diff_auc_low"] > 0
    assert model.loc["random", "diff_auc"] == pytest.approx(
        model.loc["model", "auc"] - model.loc["random", "auc"]
    )
    assert np.isnan(model.loc["model", "diff_auc"])


def test_paired_difference_is_narrower_than_unpaired():
    labels, scores = _random_case(1)
    _, draws, diffs = bootstrap_metrics(
        labels.to_numpy(dtype=object), scores, n_boot=500, seed=0, pairs=[("model", "weak")]
    )
    paired = diffs[("model", "weak")]
    np.testing.assert_allclose(paired, draws["model"]["auc"] - draws["weak"]["auc"])
    # resampling the two independently would add their variances; pairing removes the covariance
    unpaired_sd = np.sqrt(draws["model"]["auc"].var() + draws["weak"]["auc"].var())
    assert paired.std() < unpaired_sd


def test_bad_k_and_reference():
    labels, scores = _random_case(2, n=50)
    with pytest.raises(ParameterError, match="k must be"):
        compare_rankings(labels, scores, ks=(0,), n_boot=0)
    with pytest.raises(ParameterError, match="reference"):
        compare_rankings(labels, scores, reference="nope", n_boot=0)
