"""The merged road network and the assessment on the open datasets (real data directory)."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import layers
from geo import access, assess as engine
from layers.assessment import assess, context, speeds
from layers.network_sources import merged_roads
from maps.cli.main import cli

FIXTURE = Path(__file__).parent / "fixtures" / "osm_roads_small.geojson"


@pytest.fixture(scope="module")
def after_data(data_dir):
    return assess(data_dir=data_dir).set_index("town_id")


@pytest.fixture(scope="module")
def settlements_after(data_dir):
    return assess(data_dir=data_dir, places="settlements")


def test_merged_roads_keeps_shipped_lengths_and_attaches_corridors(data_dir, caplog):
    with caplog.at_level(logging.INFO, logger="layers.network_sources"):
        merged = merged_roads(data_dir).set_index("road_id")
    assert "no osm_roads dataset" in caplog.text
    shipped = layers.roads().set_index("road_id")
    assert merged["length_km"].equals(shipped["length_km"]) and (merged["network_source"] == "shipped").all()
    assert merged.at["road-ml-bamako--ml-segou", "length_km_corridor"] == pytest.approx(241, rel=0.01)
    assert np.isnan(merged.at["road-ml-goundam--ml-tombouctou", "length_km_corridor"])
    assert "Timbuktu" in merged.at["road-ml-goundam--ml-tombouctou", "corridor_note"]


def test_merged_roads_falls_back_without_datasets(tmp_path, caplog):
    with caplog.at_level(logging.INFO):
        merged = merged_roads(tmp_path)
    assert "corridor lengths not attached" in caplog.text and merged["length_km_corridor"].isna().all()
    assert len(merged) == len(layers.roads())


def test_merged_roads_with_osm_replaces_covered_segments(data_dir):
    ways = gpd.read_file(FIXTURE)
    ways = ways[~ways["fixture_road_id"].fillna("").str.contains("tombouctou")]  # a gap in the extract
    merged = merged_roads(data_dir, osm=ways)
    counts = merged["network_source"].value_counts().to_dict()
    assert counts["osm"] == len(ways)
    kept = set(merged.loc[merged["network_source"] == "shipped", "road_id"])
    assert kept == {"road-ml-goundam--ml-tombouctou", "road-ml-tombouctou--ml-araouane", "road-ml-tombouctou--ml-ber"}
    assert set(merged.loc[merged["network_source"] == "connector", "road_id"]) == {"connector-ml-tombouctou"}
    graph = access.road_graph(merged)
    towns = layers.towns().set_index("town_id").geometry
    pts = towns.loc[["ml-tombouctou", "ml-bamako"]]
    nodes = access.snap_places(graph, pts.x.to_numpy(), pts.y.to_numpy())["road_node"].to_numpy()
    from geo.network import route

    assert route(graph, int(nodes[0]), int(nodes[1])).reachable


def test_assess_with_data_dir_runs(after_data):
    assert len(after_data) == len(layers.towns().query("country == 'ML'"))
    assert after_data["exposure_class"].isin(["low", "moderate", "high", "severe", "unknown"]).all()
    # the Natural Earth Niger: Gao and Timbuktu's port Kabara on the left (north) bank, Ségou on the right
    assert after_data.at["ml-gao", "north_of_niger"] and after_data.at["ml-kabara", "north_of_niger"]
    assert after_data.at["ml-segou", "north_of_niger"] == False  # noqa: E712 (nullable boolean)
    assert after_data.at["ml-gao", "river_reach"] == "navigable" and after_data.at["ml-ansongo", "river_reach"] == "lower"
    assert after_data.attrs["parameters"]["places"] == "towns"


def test_settlements_mode(settlements_after):
    assert len(settlements_after) == 18769 and settlements_after["settlement_id"].is_unique
    classes = settlements_after["exposure_class"].value_counts()
    assert set(classes.index) <= {"low", "moderate", "high", "severe", "unknown"} and classes.get("severe", 0) > 0
    bamako = settlements_after[settlements_after["class_code"] == 1].iloc[0]
    assert bamako["on_road_network"] and bamako["bamako_road_km"] == 0


def test_default_assess_unchanged():
    ctx = context()
    assert "places" not in ctx.params
    towns = layers.towns()
    places = towns[towns["country"] == "ML"].reset_index(drop=True)
    from shapely.ops import linemerge

    line = layers.river().set_index("reach_id").geometry
    direct = engine.assess(places, layers.bases(), access.road_graph(layers.roads()), speeds=speeds(),
                           airports=layers.airports(), air_links=layers.air_links(),
                           river_places=layers.river_places(),
                           river_line=linemerge(list(line.loc[["upper", "navigable", "lower"]])))
    ours = assess().set_index("town_id")
    direct = direct.set_index("town_id").loc[ours.index]
    pd.testing.assert_series_equal(ours["exposure_score"], direct["exposure_score"])
    assert ours["exposure_class"].equals(direct["exposure_class"])


def test_settlements_need_a_data_dir():
    with pytest.raises(ValueError, match="needs a data directory"):
        assess(places="settlements")


def test_towns_with_data_dir_and_settlements(data_dir):
    runner = CliRunner()
    res = runner.invoke(cli, ["towns", "--data", str(data_dir), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(StringIO(res.stdout))) == 191
    res = runner.invoke(cli, ["towns", "--data", str(data_dir), "--places", "settlements", "--top", "5", "--format", "csv"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(StringIO(res.stdout))
    assert len(frame) == 5 and frame["town_id"].str.startswith("ML").all()


def test_towns_settlements_need_data(monkeypatch):
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    res = CliRunner().invoke(cli, ["towns", "--places", "settlements"])
    assert res.exit_code == 2 and "needs the data directory" in res.output
