"""layers.query: the spatial questions of Python users, on the shipped layers (known answers)."""

import geopandas as gpd
import pytest

from minusma import layers
from minusma.geo._errors import DataDirError, GraphError, ParameterError, UnknownNameError
from minusma.layers import query


@pytest.mark.parametrize(
    ("name", "place_id", "kind"),
    [
        ("segou", "ml-segou", "town"),
        ("Ségou", "ml-segou", "town"),
        ("Tombouctou", "ml-tombouctou", "town"),
        ("Timbuktu", "ml-tombouctou", "town"),
        ("  ML-TOMBOUCTOU ", "ml-tombouctou", "town"),
        ("minusma 11", "MINUSMA-11", "base"),
        ("GABS", "GABS", "airport"),
    ],
)
def test_place_resolves_ids_names_and_alternatives(name, place_id, kind):
    got = query.place(name)
    assert isinstance(got, gpd.GeoDataFrame) and len(got) == 1
    assert (got["place_id"].iloc[0], got["kind"].iloc[0]) == (place_id, kind)
    assert got.crs.to_epsg() == 4326 and got.geometry.iloc[0].geom_type == "Point"


def test_place_typo_suggests_close_names():
    with pytest.raises(UnknownNameError, match=r"did you mean 'Tombouctou'\?"):
        query.place("Tombuctou")
    with pytest.raises(UnknownNameError, match="no place named 'Atlantis'"):
        query.place("Atlantis")


def test_nearest_base_to_timbuktu_after_the_first_closures():
    got = query.nearest("Timbuktu", to="bases", as_of="2023-09-01")
    assert got["id"].tolist() == ["MINUSMA-11"] and got["distance_km"].iloc[0] == 0.0
    # on the day the Timbuktu camp closed, it is no longer the answer
    closed = layers.bases().set_index("base_id").at["MINUSMA-11", "closure_date"]
    later = query.nearest("Timbuktu", to="bases", as_of=str(closed)[:10])
    assert len(later) == 1 and later["id"].iloc[0] != "MINUSMA-11"
    assert later["distance_km"].iloc[0] > 0


def test_nearest_excludes_the_place_and_is_sorted():
    got = query.nearest("Goundam", to="towns", k=3)
    assert "ml-goundam" not in got["id"].tolist() and len(got) == 3
    assert got["distance_km"].is_monotonic_increasing
    road = query.nearest("Goundam", to="towns", by="road", k=2)
    assert road["id"].tolist() == ["ml-dire", "ml-tonka"]
    assert road["distance_km"].tolist() == [35.0, 37.1]
    # by road is never shorter than the geodesic distance to the same town
    geo = query.within("Goundam", 200, to="towns").set_index("id")["distance_km"]
    assert (road.set_index("id")["distance_km"] >= geo.reindex(road["id"]) - 1e-6).all()


def test_within_mopti_100_km():
    got = query.within("Mopti", 100)
    assert got["id"].tolist() == ["MINUSMA-10", "MINUSMA-01"]
    assert got["distance_km"].round(1).tolist() == [10.5, 88.4]
    assert (got["distance_km"] <= 100).all() and got.attrs["radius_km"] == 100.0
    towns = query.within("Mopti", 100, to="towns")
    assert "ml-mopti" not in towns["id"].tolist() and "ml-sevare" in towns["id"].tolist()


def test_validation_goes_through_the_one_validator():
    for bad in (float("nan"), float("inf"), 0, -5, "far"):
        with pytest.raises(ParameterError, match="radius_km must be"):
            query.within("Mopti", bad)
    with pytest.raises(ParameterError, match="as_of must be an ISO date"):
        query.nearest("Mopti", as_of="2023-13-01")
    with pytest.raises(ParameterError, match="only applies to bases"):
        query.nearest("Mopti", to="towns", as_of="2023-09-01")
    with pytest.raises(UnknownNameError, match="choose from"):
        query.nearest("Mopti", to="wells")
    with pytest.raises(ParameterError, match="k must be"):
        query.nearest("Mopti", k=0)


def test_route_bamako_gao_by_time_with_its_gaps():
    r = query.route("Bamako", "Gao", by="time")
    assert r["from_town"].iloc[0] == "Bamako" and r["to_town"].iloc[-1] == "Gao"
    assert (r["to_town"].iloc[:-1].to_numpy() == r["from_town"].iloc[1:].to_numpy()).all()
    assert r["step"].tolist() == list(range(1, 11))
    assert r.attrs["reachable"] and r.attrs["length_km"] == pytest.approx(1147.7)
    assert r.attrs["travel_h"] == pytest.approx(r["travel_h"].sum()) == pytest.approx(14.34625)
    assert r["length_km"].sum() == pytest.approx(1147.7)
    # every shipped road is schematic: each segment and the route say so
    assert (r["data_gap"] == "schematic geometry").all()
    assert r.attrs["data_gaps"][0].startswith("10 of 10 segment(s) are schematic")
    assert any("no dry-season speed" in g for g in r.attrs["network_gaps"])
    assert r.geometry.geom_type.eq("LineString").all()


def test_route_wet_season_unknown_speeds():
    by_distance = query.route("Goundam", "Diré", season="wet")
    assert by_distance.attrs["length_km"] == 35.0 and by_distance.attrs["travel_h"] is None
    assert "no wet-season speed" in by_distance["data_gap"].iloc[0]
    assert any("have no wet-season speed" in g for g in by_distance.attrs["data_gaps"])
    by_time = query.route("Bamako", "Gao", by="time", season="wet")
    assert not by_time.attrs["reachable"] and by_time.empty


def test_route_closed_road_and_errors():
    cut = query.route("Goundam", "Diré", close_roads=["Goundam-Diré"])
    assert cut.attrs["reachable"] is False and cut.attrs["length_km"] is None
    assert cut.attrs["close_roads"] == ["road-ml-dire--ml-goundam"]
    with pytest.raises(GraphError, match="not on the road layer"):
        query.route("Kayes", "Bamako")
    with pytest.raises(UnknownNameError, match="valid segments"):
        query.route("Goundam", "Diré", close_roads=["Nowhere"])
    with pytest.raises(UnknownNameError, match="choose from"):
        query.route("Goundam", "Diré", by="length")


def test_in_area_region_and_cercle(tmp_path, monkeypatch):
    kidal = query.in_area("Kidal", "bases")
    assert kidal["base_id"].tolist() == ["MINUSMA-06", "MINUSMA-07", "MINUSMA-08"]
    assert kidal.attrs == {"area": "Kidal", "area_kind": "region", "layer": "bases"}
    towns = query.in_area("kidal")
    assert set(towns["region_old"]) == {"Kidal"}
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    with pytest.raises(DataDirError, match="needs the data directory"):
        query.in_area("Tessalit")


def test_in_area_cercle_with_the_data_dir(data_dir):
    got = query.in_area("Tessalit", "bases", data_dir=data_dir)
    assert got.attrs["area_kind"] == "cercle"
    assert got["base_id"].tolist() == ["MINUSMA-06", "MINUSMA-07"]  # Tessalit, Aguelhok


def test_reexported_from_layers():
    assert layers.place is query.place and layers.route is query.route
