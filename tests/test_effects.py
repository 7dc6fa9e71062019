"""Site effects on real data (UCDP GED for the Central African Republic, Geo-PKO MINUSCA sites)
and the errors of bad inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from minusma.effects import ALL_EVENTS, effect_profile, run_effect, site_effect
from minusma.geo._errors import ParameterError, SchemaError
from minusma.layers.events import read_events
from minusma.layers.sites import sites

GED_CAF = "ucdp-ged-caf/ged231_caf.geojson"


@pytest.fixture(scope="module")
def car(data_dir):
    events = read_events(data_dir / GED_CAF, country="Central African Republic", bounds=None)
    minusca = sites("geopko", mission="MINUSCA", data_dir=data_dir, min_troops=1)
    return events, minusca


def test_car_grid_effect(car):
    """The README's CAR estimate (scripts/car_effect.py): MINUSCA troop sites within 50 km of
    a PRIO-GRID cell centre, GED events 2012-2022, +/-24 months."""
    events, minusca = car
    r = site_effect(
        events,
        minusca,
        unit="grid",
        radius_km=50,
        window_months=24,
        span=("2012-01", "2022-12"),
        by_type=True,
    )
    assert r.n_units == 262 and r.span == ("2012-01", "2022-12")
    assert r.report["dropped"] == {"month_unknown": 206, "location_imprecise": 60}
    opening = r.study("opening")
    assert opening.n_treated == 38 and opening.n_units == 262
    p = opening.pooled
    assert p["low"] < p["estimate"] < p["high"]
    assert opening.event_time["k"].tolist() == list(range(-24, 25))
    assert 0 < opening.placebo["p"] <= 1 and opening.placebo["draws"] == 199
    # each GED violence type has its own estimate; the outcomes add up to all events
    types = {"state-based conflict", "non-state conflict", "one-sided violence"}
    assert set(r.studies) == {ALL_EVENTS, *types}
    parts = sum(r.study("opening", t).event_time["estimate"] for t in types)
    np.testing.assert_allclose(parts, opening.event_time["estimate"], atol=1e-9)
    # the README's table is this run's (scripts/car_effect.py prints it)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for outcome in (ALL_EVENTS, "one-sided violence", "state-based conflict"):
        q = r.study("opening", outcome).pooled
        cell = f"{q['estimate']:+.3f} [{q['low']:+.3f}, {q['high']:+.3f}]".replace("-", "\u2212")
        assert f"| {outcome}, opening | {cell} |" in readme, outcome
    doc = r.to_dict()
    assert set(doc["pooled"]) == {"opening", "closing"}
    assert doc["n_units"] == 262 and doc["n_treated"]["opening"] == 38
    assert {"k", "estimate", "low", "high"} <= set(doc["event_time"][0])


def test_rings_around_sites(car):
    events, minusca = car
    r = site_effect(
        events,
        minusca,
        unit="sites",
        radius_km=25,
        window_months=12,
        span=("2012-01", "2022-12"),
        placebo_draws=19,
    )
    assert r.n_units == minusca["name"].nunique()
    assert r.study("opening").n_treated >= 10


def test_mali_shipped_events_say_how_little_they_tell(data_dir):
    r = run_effect(
        sites="geopko", mission="MINUSMA", data_dir=data_dir, window_months=6, placebo_draws=19
    )
    assert r.span == ("2023-07", "2024-06")
    assert "not estimable" in r.studies[ALL_EVENTS]["opening"]
    assert r.study("closing").n_treated > 10
    assert any("too little to tell" in n for n in r.notes)


def test_bad_inputs(car, tmp_path):
    events, minusca = car
    box = shapely.box(-12.0, 10.0, 4.0, 25.0)  # Mali's box: no CAR event in it
    with pytest.raises(ParameterError, match=r"none of the \d+ events lies in the study area"):
        site_effect(events, minusca, boundary=box, span=("2012-01", "2022-12"))
    with pytest.raises(ParameterError, match="window of 24 months is longer than the history"):
        site_effect(events, minusca, window_months=24, span=("2020-01", "2020-12"))
    with pytest.raises(ParameterError, match="unit must be one of grid, sites"):
        site_effect(events, minusca, unit="hexagons")
    undated = tmp_path / "sites.csv"
    undated.write_text("site_id,name,lat,lon,opened,closed\nA,Bria,6.5,22.0,,\n")
    with pytest.raises(SchemaError, match="without an opened date"):
        run_effect(history=data_dir_file(events), sites=undated, mission="MINUSCA")


def data_dir_file(events: pd.DataFrame) -> str:
    return events.attrs["source_file"]


def test_effect_profile_over_distance_and_time(car):
    events, minusca = car
    prof = effect_profile(
        events,
        minusca,
        radii_km=(25.0, 50.0),
        design="opening",
        window_months=6,
        span=("2012-01", "2022-12"),
    )
    assert list(prof.columns) == [25.0, 50.0]
    assert list(prof.index) == list(range(-6, 7))
    assert (prof.loc[-1] == 0).all() and prof.notna().all().all()


def test_cercles_as_units_in_mali(data_dir):
    r = run_effect(
        sites="geopko",
        mission="MINUSMA",
        data_dir=data_dir,
        unit="cercle",
        window_months=6,
        placebo_draws=0,
    )
    assert r.n_units == 50  # 49 cercles and Bamako (OCHA COD)
    assert r.n_events == 55  # the shipped events with a point, each in one cercle
    assert r.study("closing").n_treated >= 5
    with pytest.raises(ParameterError, match="exists for Mali only"):
        run_effect(history=data_dir / GED_CAF, mission="MINUSCA", data_dir=data_dir, unit="commune")


def test_rings_keep_one_unit_per_site_location(data_dir):
    r = run_effect(sites="shipped", window_months=6, unit="sites", placebo_draws=0)
    shipped = sites("shipped")
    assert r.n_units == len(shipped.drop_duplicates(subset=["lat", "lon"]))
    assert r.study("closing").n_treated >= 5


def test_clustering_by_nearest_site_widens_the_car_interval(car):
    events, minusca = car
    kw = {"span": ("2012-01", "2022-12"), "placebo_draws": 0}
    by_unit = site_effect(events, minusca, **kw).study("opening").pooled
    by_site = site_effect(events, minusca, cluster="site", **kw).study("opening").pooled
    assert by_site["estimate"] == by_unit["estimate"]
    assert by_site["se"] > by_unit["se"]
    assert (round(by_site["low"], 3), round(by_site["high"], 3)) == (-0.198, 0.046)  # docs
    with pytest.raises(ParameterError, match="cluster must be one of unit, site"):
        site_effect(events, minusca, cluster="country", **kw)
