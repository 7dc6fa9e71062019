"""OSM roads in Geofabrik's schema: loading, validation, graph building, on the synthetic fixture.

The fixture ``tests/fixtures/osm_roads_small.geojson`` is built by
``tests/fixtures/make_osm_fixture.py`` from the shipped schematic segments (no OSM data in it).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from minusma import layers
from minusma.geo._errors import DataDirError, SchemaError
from minusma.geo.distance import geometry_length_km
from minusma.geo.exposure.access import road_graph, snap_places
from minusma.geo.network import route
from minusma.geo.speeds import travel_time_h
from minusma.layers.assessment import speeds
from minusma.layers.osm_roads import ACCESS_CLASSES, osm_roads

FIXTURE = Path(__file__).parent / "fixtures" / "osm_roads_small.geojson"


@pytest.fixture(scope="module")
def raw() -> gpd.GeoDataFrame:
    return gpd.read_file(FIXTURE)


@pytest.fixture(scope="module")
def ways() -> gpd.GeoDataFrame:
    return osm_roads(FIXTURE)


@pytest.fixture(scope="module")
def graph(ways):
    return road_graph(ways)


def test_fixture_loads_with_schema(ways, raw):
    assert len(ways) == len(raw) == 210
    assert ways["road_id"].is_unique and ways["road_id"].str.startswith("osm-").all()
    assert (ways["road_class"] == ways["fclass"]).all()
    assert set(ways["fclass"]) == {
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "track",
        "ferry",
    }
    assert set(ways["fclass"]) <= set(ACCESS_CLASSES)
    assert ways.crs.to_epsg() == 4326 and (ways["role"] == "edge").all()
    assert ways.loc[ways["fclass"] == "ferry", "ferry_crossing"].tolist() == [True]
    assert np.allclose(ways["length_km"], [geometry_length_km(g) for g in ways.geometry])


def test_graph_junctions_at_shared_vertices(graph, ways):
    # 3 crossing tertiary ways meet a main way at an interior vertex: each is split in two
    assert graph.n_edges == len(ways) + 3
    tertiary = graph.edges[graph.edges["road_class"] == "tertiary"]
    assert len(tertiary) == 6 and tertiary["edge_id"].str.contains("#").all()
    # every speed class is known in the dry season: no NaN time
    hours = travel_time_h(graph, speeds(), season="dry")
    assert np.isfinite(hours).all()


def test_towns_snap(graph):
    towns = layers.towns()
    towns = towns[towns.geometry.notna()]
    snapped = snap_places(graph, towns.geometry.x.to_numpy(), towns.geometry.y.to_numpy())
    at = dict(zip(towns["town_id"], snapped["snap_km"]))
    for town in ("ml-bamako", "ml-segou", "ml-gao", "ml-tombouctou", "ml-kidal", "ml-bandiagara"):
        assert at[town] < 1e-3, town
    assert snapped["on_road_network"].sum() >= 60


def test_bamako_segou_route_equals_its_ways(graph, raw):
    towns = layers.towns().set_index("town_id").geometry
    pts = towns.loc[["ml-bamako", "ml-segou"]]
    nodes = snap_places(graph, pts.x.to_numpy(), pts.y.to_numpy())["road_node"].to_numpy()
    r = route(graph, int(nodes[0]), int(nodes[1]))
    own = raw[raw["fixture_road_id"] == "road-ml-bamako--ml-segou"]
    expected_km = sum(geometry_length_km(g) for g in own.geometry)
    assert r.reachable and len(r.edge_ids) == len(own)
    assert r.length_km == pytest.approx(expected_km, rel=0.01)
    assert (
        r.length_km
        > layers.roads().set_index("road_id").at["road-ml-bamako--ml-segou", "length_km_straight"]
    )


def test_unknown_fclass_warns_and_is_dropped(raw):
    frame = raw.copy()
    frame.loc[0, "fclass"] = "hovercraft_lane"
    with pytest.warns(UserWarning, match="unknown fclass value.*'hovercraft_lane' \\(1 ways\\)"):
        out = osm_roads(frame)
    assert len(out) == len(raw) - 1


def test_kept_class_without_speed_warns(raw):
    frame = raw.copy()
    frame.loc[0, "fclass"] = "hovercraft_lane"
    with pytest.warns(UserWarning, match="without a speed.*'hovercraft_lane'.*never an average"):
        out = osm_roads(frame, classes=(*ACCESS_CLASSES, "hovercraft_lane"))
    graph = road_graph(out)
    with pytest.warns(UserWarning):
        hours = travel_time_h(graph, speeds(), season="dry", on_unknown="warn")
    assert np.isnan(
        np.asarray(hours)[(graph.edges["road_class"] == "hovercraft_lane").to_numpy()]
    ).all()


def test_access_classes_filter(raw):
    frame = raw.copy()
    frame.loc[1, "fclass"] = "footway"
    out = osm_roads(frame)
    assert len(out) == len(raw) - 1 and out.attrs["dropped_classes"] == {"footway": 1}


def test_validation_lists_every_problem(raw):
    frame = raw.copy()
    frame.loc[2, "osm_id"] = frame.loc[3, "osm_id"]
    frame.loc[4, "geometry"] = LineString([(30.0, 50.0), (31.0, 51.0)])
    frame = frame.drop(columns=["fclass"])
    with pytest.raises(
        SchemaError, match=r"(?s)missing column\(s\) \['fclass'\].*must be unique.*outside Mali"
    ):
        osm_roads(frame)
    with pytest.raises(SchemaError, match="expected EPSG:4326"):
        osm_roads(raw.to_crs(3857))


def test_missing_sources(tmp_path, data_dir):
    with pytest.raises(DataDirError, match="not found"):
        osm_roads(tmp_path / "nope.geojson")
    with pytest.raises(DataDirError, match="osm_roads"):
        osm_roads(data_dir=data_dir)  # the optional dataset is not in the offline data directory
