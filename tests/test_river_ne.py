"""The Natural Earth Niger, riverside distances and banks, on the real data directory."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from minusma import layers
from minusma.geo._errors import ParameterError, SchemaError
from minusma.geo._validate import validate_frame
from minusma.layers import river_ne
from minusma.layers.registry import get_info


@pytest.fixture(scope="module")
def niger(data_dir):
    return river_ne.niger_ne(data_dir)


@pytest.fixture(scope="module")
def towns():
    return layers.towns().set_index("town_id")


def test_niger_ne_is_clipped_to_mali(niger):
    validate_frame(niger, get_info("niger_ne").schema, name="niger_ne")
    assert set(niger["river_id"]) == {"niger-river", "niger-lake-centerline"}
    mali = layers.regions().union_all()
    assert mali.buffer(1e-6).covers(niger.union_all())
    # the Niger's course in Mali is about 1,700 km; the main stem measured here
    stem_km = river_ne.geometry_length_km(river_ne.main_stem(niger))
    assert 1500 < stem_km < 1900
    assert (niger["geometry_kind"] == "real").all()


def test_mopti_and_gao_are_riverside(niger, towns):
    out = river_ne.riverside(
        towns.loc[["ml-mopti", "ml-gao", "ml-san", "ml-kidal"]], niger, within_km=5
    )
    assert out.loc["ml-mopti", "river_km"] < 5 and out.loc["ml-gao", "river_km"] < 5
    assert out["riverside"].tolist() == [True, True, False, False]
    assert out.loc["ml-kidal", "river_km"] == pytest.approx(250, abs=10)


@pytest.mark.parametrize(
    "town, side",
    [
        ("ml-tombouctou", "north"),
        ("ml-kabara", "north"),
        ("ml-gao", "north"),
        ("ml-kidal", "north"),
        ("ml-mopti", "south"),
        ("ml-bamako", "south"),
        ("ml-segou", "south"),
        ("ml-djenne", "south"),
        ("ml-san", "south"),
        ("ml-sevare", "south"),
    ],
)
def test_banks_with_the_ne_line(niger, towns, town, side):
    assert river_ne.side_of_river(towns.loc[[town]], niger).iloc[0] == side


def test_banks_with_the_schematic_line(towns):
    schematic = layers.river()
    sides = river_ne.side_of_river(
        towns.loc[["ml-tombouctou", "ml-kidal", "ml-djenne", "ml-san", "ml-mopti"]], schematic
    )
    assert sides.tolist() == ["north", "north", "south", "south", "on_line"]
    dist = river_ne.riverside(towns.loc[["ml-gao", "ml-tombouctou"]], schematic)
    assert dist.loc["ml-gao", "river_km"] == pytest.approx(0, abs=1e-6)
    assert 5 < dist.loc["ml-tombouctou", "river_km"] < 20


def test_distance_is_geodesic_on_a_meridian_line():
    line = LineString(
        [(0.0, 10.0), (0.0, 20.0)]
    )  # reaches from south to north; west end = east end
    pts = gpd.GeoDataFrame(geometry=[Point(1.0, 15.0), None], crs="EPSG:4326", index=["a", "b"])
    out = river_ne.riverside(pts, line, within_km=100)
    # one degree of longitude at 15 N on WGS84 is 107.55 km
    assert out.loc["a", "river_km"] == pytest.approx(107.55, abs=0.1)
    assert not out.loc["a", "riverside"]
    assert out["river_km"].isna().tolist() == [False, True]
    assert pd.isna(out.loc["b", "side_of_river"])


def test_bad_arguments():
    pts = gpd.GeoDataFrame(geometry=[Point(0, 15)], crs="EPSG:4326")
    with pytest.raises(ParameterError, match="within_km must be a non-negative number, got -1"):
        river_ne.riverside(pts, LineString([(0, 0), (1, 1)]), within_km=-1)
    with pytest.raises(ParameterError, match="river_line must be a GeoDataFrame"):
        river_ne.side_of_river(pts, "Niger")


def test_malformed_river_file_names_file_and_row(data_dir, tmp_path):
    rel = "naturalearth/ne_10m_niger_river.geojson"
    doc = json.loads((data_dir / rel).read_text(encoding="utf-8"))
    doc["features"][1]["geometry"] = None
    dest = tmp_path / rel
    dest.parent.mkdir(parents=True)
    dest.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(
        SchemaError, match=r"ne_10m_niger_river\.geojson[\s\S]*missing or empty geometry in row 1"
    ):
        river_ne.niger_ne(tmp_path)
