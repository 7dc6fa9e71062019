"""Tests for geo.speeds: travel time from a replaceable speed table, never a silent default."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minusma.geo import network as gn
from minusma.geo import speeds as sp
from minusma.geo._errors import ParameterError, SchemaError

SHIPPED_TABLE = Path(__file__).resolve().parents[1] / "layers" / "data" / "speeds.csv"

SPEEDS = pd.DataFrame(
    {
        "road_class": ["paved", "paved", "track", "track", "ferry", "ferry"],
        "season": ["dry", "wet", "dry", "wet", "dry", "wet"],
        "speed_kmh": [80.0, 70.0, 40.0, 20.0, 5.0, np.nan],
        "source": "test",
    }
)


def douentza_timbuktu(classes=("paved", "track", "ferry", "track")) -> gn.RoadGraph:
    """Douentza - Bambara Maounde - Korioume ferry - Kabara - Tombouctou (lengths in km)."""
    edges = pd.DataFrame(
        {
            "edge_id": ["rn16", "piste", "bac", "kab"],
            "u": [0, 1, 2, 3],
            "v": [1, 2, 3, 4],
            "length_km": [160.0, 95.0, 1.0, 5.0],
            "road_class": list(classes),
        }
    )
    lon = [-2.952, -2.786, -3.020, -3.025, -2.985]
    lat = [15.006, 15.847, 16.640, 16.660, 16.703]
    return gn.RoadGraph(lon, lat, edges)


def test_travel_time_by_class_and_season():
    g = douentza_timbuktu()
    dry = sp.travel_time_h(g, SPEEDS)
    assert dry.name == "travel_h" and list(dry.index) == ["rn16", "piste", "bac", "kab"]
    np.testing.assert_allclose(dry, [160 / 80, 95 / 40, 1 / 5, 5 / 40])
    g2 = sp.add_travel_time(g, SPEEDS)
    assert gn.route(g2, 0, 4, weight="travel_h").travel_h == pytest.approx(dry.sum())


def test_unknown_class_raises_naming_the_classes_without_a_speed():
    g = douentza_timbuktu(classes=("paved", "laterite", "ferry", None))
    with pytest.raises(
        ParameterError,
        match=r"^2 road segment\(s\) have no dry-season speed \(class\(es\) <no road_class>, "
        r"laterite\); add their speeds to the speed table \(layers/data/speeds.csv\) "
        r"or pass on_unknown='warn'$",
    ):
        sp.travel_time_h(g, SPEEDS)


def test_empty_speed_is_unknown_not_zero():
    g = douentza_timbuktu()
    with pytest.raises(ParameterError, match=r"\(class\(es\) ferry \(empty speed\)\)"):
        sp.travel_time_h(g, SPEEDS, season="wet")


def test_warn_gives_nan_and_drops_edges_from_time_routing():
    g = douentza_timbuktu()
    with pytest.warns(
        sp.UnknownSpeedWarning,
        match=r"^1 road segment\(s\) have no wet-season speed \(class\(es\) ferry \(empty "
        r"speed\)\): no travel time, left out of time routing; see layers/data/speeds.csv$",
    ):
        wet = sp.travel_time_h(g, SPEEDS, season="wet", on_unknown="warn")
    assert np.isnan(wet["bac"]) and wet["piste"] == pytest.approx(95 / 20)
    g2 = g.with_edge_column("travel_h", wet)
    assert not gn.route(g2, 0, 4, weight="travel_h").reachable  # the ferry is out of time routing
    assert gn.route(g2, 0, 4).reachable  # still there by length


def test_unknown_season_and_policy():
    g = douentza_timbuktu()
    with pytest.raises(
        ParameterError, match=r"unknown season 'rainy'; choose from \['dry', 'wet'\]"
    ):
        sp.travel_time_h(g, SPEEDS, season="rainy")
    with pytest.raises(ParameterError, match="on_unknown must be 'raise' or 'warn', got 'mean'"):
        sp.travel_time_h(g, SPEEDS, on_unknown="mean")


def test_speed_table_reports_every_problem_at_once():
    bad = pd.DataFrame(
        {
            "road_class": ["paved", "paved", "track", "ferry"],
            "season": ["dry", "dry", "hivernage", "dry"],
            "speed_kmh": [80, 75, -10, "fast"],
        }
    )
    with pytest.raises(SchemaError) as info:
        sp.validate_speed_table(bad, classes=["paved", "sand"], seasons=["dry"])
    message = str(info.value)
    assert "speed table: 4 problem(s)" in message
    assert "unknown season(s) ['hivernage']; seasons are ['dry', 'wet']" in message
    assert (
        "speed_kmh must be a positive number or empty; bad rows (class/season/speed): "
        "['track/hivernage/-10', 'ferry/dry/fast']" in message
    )
    assert "duplicate (road_class, season) rows: [('paved', 'dry')]" in message
    assert "no known dry-season speed for road class(es) ['sand']" in message


def test_speed_table_missing_columns():
    with pytest.raises(SchemaError, match=r"missing column\(s\) \['speed_kmh'\]"):
        sp.validate_speed_table(SPEEDS.drop(columns="speed_kmh"))


def test_zero_speed_is_rejected():
    with pytest.raises(SchemaError, match="paved/dry/0"):
        sp.travel_time_h(douentza_timbuktu(), SPEEDS.assign(speed_kmh=[0.0, 70, 40, 20, 5, 1]))


def test_shipped_default_table_is_usable():
    table = pd.read_csv(SHIPPED_TABLE)
    sp.validate_speed_table(table, classes=["paved", "unpaved", "track", "ferry"], seasons=["dry"])
    g = douentza_timbuktu()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dry = sp.travel_time_h(g, table)
    assert np.isfinite(dry).all()
    with pytest.raises(
        ParameterError, match=r"wet-season speed \(class\(es\) ferry \(empty speed\), "
    ):
        sp.travel_time_h(g, table, season="wet")


def test_deterministic():
    g = douentza_timbuktu()
    pd.testing.assert_series_equal(sp.travel_time_h(g, SPEEDS), sp.travel_time_h(g, SPEEDS))
