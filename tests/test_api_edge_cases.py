"""Python API edge cases of issue 10 item 8: each a clear error or a documented result."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from minusma import Study, layers
from minusma.geo._errors import ParameterError
from minusma.geo.exposure.coverage import coverage, nearest, point_lonlat


def test_coverage_with_every_base_closed_is_a_documented_empty_result():
    bases = layers.bases().assign(closure_date="2014-01-01")  # closed before both dates
    out = coverage(layers.towns(), bases, as_of="2024-07-22")
    assert len(out) == len(layers.towns())
    assert out["base_before_id"].isna().all() and out["base_after_id"].isna().all()
    assert out["base_after_km"].isna().all()
    located = layers.towns().geometry.notna().to_numpy()  # towns without a point stay NaN
    assert (out.loc[located, ["protection_before", "protection_after"]] == 0).all().all()
    assert not out["any_base_open"].any() and not out["coverage_lost"].any()


@pytest.mark.parametrize(
    "point", [Point(0, 95), Point(190, 10), Point(float("nan"), 10), Point(0, float("inf"))]
)
def test_a_point_off_the_globe_is_a_clear_error_not_a_nan_distance(point):
    place = gpd.GeoDataFrame({"town_id": ["x"]}, geometry=[point], crs="EPSG:4326")
    with pytest.raises(ParameterError, match=r"outside lon -180\.\.180 / lat -90\.\.90"):
        nearest(place, layers.bases(), id_column="base_id")
    with pytest.raises(ParameterError, match="x = longitude"):
        point_lonlat(place, name="places")


def test_a_valid_point_still_gets_a_finite_nearest_distance():
    place = gpd.GeoDataFrame({"town_id": ["x"]}, geometry=[Point(-3.0, 16.77)], crs="EPSG:4326")
    got = nearest(place, layers.bases(), id_column="base_id").iloc[0]
    assert got["nearest_id"] is not None and math.isfinite(got["distance_km"])


def test_assess_with_close_none_is_the_default_assessment():
    a, b = Study().assess(close=None, robustness=False), Study().assess(robustness=False)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("as_of", [pd.NaT, float("nan"), "2023-13-45", ""])
def test_bases_with_a_bad_date_is_a_parameter_error(as_of):
    with pytest.raises(ParameterError, match="as_of must be"):
        layers.bases(as_of=as_of)
