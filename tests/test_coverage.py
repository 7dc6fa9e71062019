"""Security umbrella: geodesic nearest site, covered before/after, date lost."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

import minusma.layers as L
from minusma.geo._errors import ParameterError
from minusma.geo.exposure import coverage
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.mission import BEFORE_DATE, MISSION


def _pts(coords, crs="EPSG:4326"):
    return gpd.GeoDataFrame(
        {"pid": list(range(len(coords)))},
        geometry=[Point(c) if c else None for c in coords],
        crs=crs,
    )


def test_nearest_and_within_known_geodesic():
    bases = L.bases()
    towns = L.towns().set_index("town_id")
    got = coverage.nearest(
        towns.loc[["ml-dire", "ml-ber"]].reset_index(), bases, id_column="base_id"
    )
    assert list(got["nearest_id"]) == ["MINUSMA-03", "MINUSMA-02"]  # Diré -> Goundam, Ber -> Ber
    assert got["distance_km"].iloc[1] == 0.0
    assert got["distance_km"].iloc[0] == pytest.approx(33.66, abs=0.01)
    pairs = coverage.within_km(towns.loc[["ml-ber"]].reset_index(), bases, 60, id_column="base_id")
    assert list(pairs["target_id"]) == [
        "MINUSMA-02",
        "MINUSMA-11",
    ]  # Ber itself, then Timbuktu (~52 km)


def test_coverage_lost_on_date_and_missing_stays_missing():
    places = _pts([(-2.52524, 16.83748), None])
    cov = coverage.coverage(places, L.bases(), as_of="2024-07-22", before=BEFORE_DATE, radius_km=50)
    assert cov.loc[0, "covered_before"] and not cov.loc[0, "covered_after"]
    assert cov.loc[0, "coverage_lost_on"] == "2023-08-13"  # Ber closed; Timbuktu is 52 km away
    assert cov.loc[0, "base_before_id"] == "MINUSMA-02"
    assert cov.loc[0, "security_loss_score"] == 10.0
    assert np.isnan(cov.loc[0, "base_after_km"]) and not cov.loc[0, "any_base_open"]
    assert cov["covered_before"].isna().iloc[1] and np.isnan(cov.loc[1, "security_loss_score"])


def test_coverage_radius_80_keeps_ber_under_timbuktu_until_december():
    places = _pts([(-2.52524, 16.83748)])
    cov = coverage.coverage(places, L.bases(), as_of="2024-07-22", before=BEFORE_DATE, radius_km=80)
    assert cov.loc[0, "coverage_lost_on"] == "2023-12-28"


@pytest.mark.parametrize("radius", [-1, 0, float("nan"), "far"])
def test_bad_radius(radius):
    with pytest.raises(ParameterError, match="radius_km must be"):
        coverage.coverage(
            _pts([(0, 15)]), L.bases(), as_of="2023-06-30", before=BEFORE_DATE, radius_km=radius
        )


def test_bad_date():
    with pytest.raises(ParameterError, match="as_of must be an ISO date"):
        coverage.coverage(_pts([(0, 15)]), L.bases(), as_of="yesterday", before=BEFORE_DATE)


@pytest.mark.parametrize("date", ["2012-12-31", "2025-01-01"])
def test_dates_outside_the_mission_are_refused_within_it(date):
    """The core takes any date; the mission's period (layers) bounds them."""
    with pytest.raises(ParameterError, match="as_of must lie between 2013-01-01 and 2024-12-31"):
        ExposureParams(as_of=date).within(MISSION)


def test_open_mask_matches_bases_as_of():
    bases = L.bases()
    for date in ["2023-06-30", "2023-10-21", "2023-12-10", "2024-07-22"]:
        assert coverage.open_mask(bases, date).sum() == len(L.bases(as_of=date))
