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
    out = coverage(layers.towns(), bases, as_of="2024-07-22", before="2023-06-30")
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


# --------------------------------------------------------------------------- issue 20: every wrong
# argument of the API is a ParameterError naming it and the fix; frames in another CRS are
# reprojected, frames without one refused.


def _towns_3857() -> gpd.GeoDataFrame:
    return layers.towns().to_crs("EPSG:3857")


def _api_cases():
    from minusma.geo.distance import geodesic_km
    from minusma.geo.exposure.assess import evaluate
    from minusma.geo.exposure.params import ExposureParams
    from minusma.geo.exposure.scenario import diff
    from minusma.layers import query

    one = query.place("Ber")
    nan_town = layers.towns().copy()
    nan_town.loc[nan_town.index[3], "geometry"] = Point(float("nan"), float("nan"))
    return [
        # (label, call, text the ParameterError must contain)
        ("radius_km=True", lambda: query.within("Ber", True), "radius_km must be a number"),
        ("weights=1.0", lambda: ExposureParams(weights=1.0), "weights must be a mapping"),
        ("weight True", lambda: ExposureParams(weights={"security": True}), "weight 'security'"),
        ("before > as_of", lambda: Study.params(as_of="2023-05-01"), "later than as_of"),
        ("params='x'", lambda: Study().assess(params="x"), "params must be an ExposureParams"),
        ("robustness='no'", lambda: Study().assess(robustness="no"), "robustness must be True"),
        ("evaluate('ctx')", lambda: evaluate("ctx"), "ctx must be the Context"),
        ("diff(1, 2)", lambda: diff(1, 2, hub_key="bamako"), "diff: a must be an assessment"),
        (
            "diff(towns)",
            lambda: diff(layers.towns(), layers.towns(), hub_key="bamako"),
            "diff: a lacks",
        ),
        (
            "route close_roads=None",
            lambda: query.route("Gao", "Ansongo", close_roads=None),
            "close_roads must be a list",
        ),
        ("speeds_path folder", lambda: Study(speeds_path="/"), "speeds_path '/'"),
        (
            "speeds_path binary",
            lambda: Study(speeds_path="/bin/sh").assess(),
            "speeds_path '/bin/sh' cannot be read",
        ),
        ("geodesic lon 1e6", lambda: geodesic_km(1e6, 0, 0, 0), "lon1 must be degrees"),
        (
            "place without CRS",
            lambda: query.nearest(one.set_crs(None, allow_override=True)),
            "has no CRS",
        ),
        (
            "place at (200, 100)",
            lambda: query.nearest(one.set_geometry([Point(200, 100)], crs="EPSG:4326")),
            "outside lon -180..180",
        ),
        ("place as a number", lambda: query.nearest(42), "a place must be a name"),
        (
            "map NaN town",
            lambda: Study().map(towns=nan_town),
            f"first: row {nan_town['town_id'].iloc[3]!r}",
        ),
        (
            "map towns without CRS",
            lambda: Study().map(towns=layers.towns().set_crs(None, allow_override=True)),
            "no CRS",
        ),
    ]


@pytest.mark.parametrize("index", range(18))
def test_a_wrong_api_argument_is_a_parameter_error_naming_it(index):
    label, call, message = _api_cases()[index]
    with pytest.raises(ParameterError) as info:
        call()
    assert message in str(info.value), (label, str(info.value))


def test_frames_in_another_crs_are_reprojected_not_misread():
    from minusma.layers import query

    ber = query.place("Ber")
    assert (
        query.nearest(ber.to_crs("EPSG:3857"))["id"].tolist() == query.nearest(ber)["id"].tolist()
    )
    assert len(query.within(ber.to_crs("EPSG:3857"), 60)) == len(query.within(ber, 60)) > 0
    html = Study().map(towns=_towns_3857()).get_root().render()
    gao = layers.towns().set_index("town_id").geometry["ml-gao"]
    metres = _towns_3857().set_index("town_id").geometry["ml-gao"]
    assert f"{gao.y:.4f}"[:-1] in html  # degrees ...
    assert f"{metres.y:.0f}"[:5] not in html  # ... not metres
