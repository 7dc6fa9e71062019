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

from minusma import Study, layers
from minusma.cli.main import cli
from minusma.geo.exposure import access
from minusma.geo.exposure import assess as engine
from minusma.layers.assessment import context, speeds
from minusma.layers.mission import HUB_KEY, MISSION
from minusma.layers.network_sources import merged_roads

FIXTURE = Path(__file__).parent / "fixtures" / "osm_roads_small.geojson"


@pytest.fixture(scope="module")
def after_data(data_dir):
    return Study(data_dir).assess().set_index("town_id")


@pytest.fixture(scope="module")
def settlements_after(data_dir):
    return Study(data_dir, places="settlements").assess()


def test_merged_roads_keeps_shipped_lengths_and_attaches_corridors(data_dir, caplog):
    with caplog.at_level(logging.INFO, logger="minusma.layers.network_sources"):
        merged = merged_roads(data_dir).set_index("road_id")
    assert "no osm_roads dataset" in caplog.text
    shipped = layers.roads().set_index("road_id")
    assert (
        merged["length_km"].equals(shipped["length_km"])
        and (merged["network_source"] == "shipped").all()
    )
    assert merged.at["road-ml-bamako--ml-segou", "length_km_corridor"] == pytest.approx(
        241, rel=0.01
    )
    assert np.isnan(merged.at["road-ml-goundam--ml-tombouctou", "length_km_corridor"])
    assert "Timbuktu" in merged.at["road-ml-goundam--ml-tombouctou", "corridor_note"]


def test_merged_roads_falls_back_without_datasets(tmp_path, caplog):
    with caplog.at_level(logging.INFO):
        merged = merged_roads(tmp_path)
    assert (
        "corridor lengths not attached" in caplog.text and merged["length_km_corridor"].isna().all()
    )
    assert len(merged) == len(layers.roads())


def test_merged_roads_with_osm_replaces_covered_segments(data_dir):
    ways = gpd.read_file(FIXTURE)
    ways = ways[
        ~ways["fixture_road_id"].fillna("").str.contains("tombouctou")
    ]  # a gap in the extract
    merged = merged_roads(data_dir, osm=ways)
    counts = merged["network_source"].value_counts().to_dict()
    assert counts["osm"] == len(ways)
    kept = set(merged.loc[merged["network_source"] == "shipped", "road_id"])
    assert kept == {
        "road-ml-goundam--ml-tombouctou",
        "road-ml-tombouctou--ml-araouane",
        "road-ml-tombouctou--ml-ber",
    }
    assert set(merged.loc[merged["network_source"] == "connector", "road_id"]) == {
        "connector-ml-tombouctou"
    }
    graph = access.road_graph(merged)
    towns = layers.towns().set_index("town_id").geometry
    pts = towns.loc[["ml-tombouctou", "ml-bamako"]]
    nodes = access.snap_places(graph, pts.x.to_numpy(), pts.y.to_numpy())["road_node"].to_numpy()
    from minusma.geo.network import route

    assert route(graph, int(nodes[0]), int(nodes[1])).reachable


def test_assess_with_data_dir_runs(after_data):
    assert len(after_data) == len(layers.towns().query("country == 'ML'"))
    assert after_data["exposure_class"].isin(["low", "moderate", "high", "severe", "unknown"]).all()
    # the Natural Earth Niger: Gao and Timbuktu's port Kabara on the left (north) bank, Ségou on the
    # right
    assert (
        after_data.at["ml-gao", "north_of_niger"] and after_data.at["ml-kabara", "north_of_niger"]
    )
    assert after_data.at["ml-segou", "north_of_niger"] == False  # noqa: E712 (nullable boolean: NA must fail)
    assert (
        after_data.at["ml-gao", "river_reach"] == "navigable"
        and after_data.at["ml-ansongo", "river_reach"] == "lower"
    )
    assert after_data.attrs["parameters"]["places"] == "towns"


def test_settlements_mode(settlements_after):
    assert len(settlements_after) == 18769 and settlements_after["settlement_id"].is_unique
    classes = settlements_after["exposure_class"].value_counts()
    assert (
        set(classes.index) <= {"low", "moderate", "high", "severe", "unknown"}
        and classes.get("severe", 0) > 0
    )
    bamako = settlements_after[settlements_after["class_code"] == 1].iloc[0]
    assert bamako["on_road_network"] and bamako["bamako_road_km"] == 0


#: Curated towns whose region_2023 or commune disagrees with the spatial join, and why.
TOWNS_DISAGREEING = {
    # the crosswalk works at old-cercle resolution: 2023 regions carved out of a 2015 cercle are
    # missed
    "ml-araouane": "region_2023",
    "ml-boudje-beha": "region_2023",
    "ml-foum-elba": "region_2023",
    "ml-taoudeni": "region_2023",  # Taoudénit, carved out of Tombouctou cercle
    "ml-ouelessebougou": "region_2023",  # Kati split: Ouéléssébougou went to Bougouni
    "ml-yangasso": "region_2023",  # Bla split: Yangasso went to San
    # 2023 cercle of Achibogho in Kidal; its 2015 cercle Ménaka is not
    "ml-achibogho": "region_2023",
    # the point lies in another commune than its COD record's (on the river, border, or a moved
    # point)
    "ml-bamako": "commune_pcode",
    "ml-korioume": "commune_pcode",
    "ml-selingue": "commune_pcode",
    "ml-tessit": "commune_pcode",
}


def test_towns_get_their_admin_units_by_spatial_join(after_data):
    bandiagara = after_data.loc["ml-bandiagara"]
    assert (
        bandiagara["join_region_2023"] == "Bandiagara" and bandiagara["join_region_old"] == "Mopti"
    )
    assert (
        bandiagara["join_cercle_pcode"] == "ML0502"
        and bandiagara["join_commune_pcode"] == "ML050201"
    )
    assert after_data.at["ml-gao", "join_region_2023"] == "Gao"
    assert after_data.at["ml-menaka", "join_region_2023"] == "Ménaka"
    located = after_data.geometry.notna()
    assert after_data.loc[located, "join_commune_pcode"].notna().all()
    assert after_data.loc[~located, "join_commune_pcode"].isna().all()
    assert after_data.loc[~located, "admin_join_disagrees"].isna().all()
    # the curated facts and the join disagree for 11 of the 173 located towns, each for a known
    # reason
    flagged = after_data[after_data["admin_join_disagrees"].fillna(False)]
    assert flagged["admin_join_differs_on"].to_dict() == TOWNS_DISAGREEING
    params = after_data.attrs["parameters"]
    assert params["admin_join"].startswith("minusma.layers.admin.admin_join")
    assert params["central_region_source"].startswith("minusma.layers.admin.regions_2023 polygons")
    # central_region from the polygons; the towns without a point keep their curated attribute
    assert (
        bandiagara["central_region"] and after_data.at["ml-kani", "central_region"]
    )  # Kani: no point
    assert after_data.at["ml-gao", "central_region"] == False  # noqa: E712 (nullable boolean: NA is not False)


def test_settlements_get_their_admin_units_by_spatial_join(settlements_after):
    from shapely import shortest_line

    from minusma.geo.distance import geodesic_km
    from minusma.layers.admin import CENTRAL_REGIONS_2023, communes

    s = settlements_after
    assert s["join_commune_pcode"].notna().all()  # every COD point lies in a COD commune
    same = s["join_commune_pcode"] == s["commune_pcode"]
    assert (s["admin_join_disagrees"] == ~same).all()
    # 16,970 of 18,769 (90.4 %) lie in the commune of their own COD record
    assert (
        same.sum() == 16_970 and (s["join_cercle_pcode"] == s["cercle_pcode"]).sum() == 18_769 - 428
    )
    # the others mostly sit just across a commune border (generalised polygons): half within about 2
    # km (geodesic km between the point and the nearest point of its record's commune)
    off = s[~same]
    polys = communes(s.attrs["parameters"]["data_dir"]).set_index("commune_pcode").geometry
    lines = shortest_line(off.geometry.values, polys.loc[off["commune_pcode"]].values)
    ends = np.array([line.coords[:] for line in lines])
    km = pd.Series(
        geodesic_km(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1]),
        index=off["settlement_id"],
    )
    assert km.median() < 2.5 and (km < 5).mean() > 0.7
    # ... and a few are misplaced COD points, e.g. the sign-flipped longitudes of Ménaka and
    # Andéramboukane
    assert (km > 100).sum() < 50 and km["ML070403010"] > 300 and km["ML070401001"] > 300
    assert s.attrs["parameters"]["central_region_source"].startswith(
        "minusma.layers.admin.regions_2023 polygons"
    )
    # central_region follows the polygons, so it follows the joined region, not the record's
    # attribute
    assert (s["central_region"] == s["join_region_2023"].isin(CENTRAL_REGIONS_2023)).all()
    assert (s["central_region"] != s["region_2023"].isin(CENTRAL_REGIONS_2023)).sum() == 58


def test_assess_without_cod_boundaries_keeps_the_curated_regions(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="minusma.layers.assessment_data"):
        out = Study(tmp_path).assess().set_index("town_id")
    assert "OCHA COD boundaries not available" in caplog.text
    assert out["join_commune_pcode"].isna().all() and out["admin_join_disagrees"].isna().all()
    assert out.attrs["parameters"]["central_region_source"] == "curated region_2023 attribute"
    assert out.at["ml-bandiagara", "central_region"]


def test_default_assess_unchanged():
    ctx = context()
    assert "places" not in ctx.notes
    towns = layers.towns()
    places = towns[towns["country"] == "ML"].reset_index(drop=True)
    from shapely.ops import linemerge

    line = layers.river().set_index("reach_id").geometry
    prepared = engine.prepare(
        places,
        layers.bases(),
        access.road_graph(layers.roads()),
        speeds=speeds(),
        airports=layers.airports(),
        air_links=layers.air_links(),
        hub_id="ml-bamako",
        river_places=layers.river_places(),
        river_line=linemerge(list(line.loc[["upper", "navigable", "lower"]])),
        region_column="region_2023",
        central_regions=("Mopti", "Ségou", "San", "Bandiagara", "Douentza"),
        commercial_operators=("Sky Mali",),
        period=MISSION,
        hub_key=HUB_KEY,
    )
    direct = engine.evaluate(prepared)
    ours = Study().assess().set_index("town_id")
    direct = direct.set_index("town_id").loc[ours.index]
    pd.testing.assert_series_equal(ours["exposure_score"], direct["exposure_score"])
    assert ours["exposure_class"].equals(direct["exposure_class"])


def test_settlements_need_a_data_dir():
    with pytest.raises(ValueError, match="needs the data directory"):
        Study(places="settlements").assess()


def test_towns_with_data_dir_and_settlements(data_dir):
    runner = CliRunner()
    res = runner.invoke(cli, ["towns", "--data", str(data_dir), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(StringIO(res.stdout))) == 191
    res = runner.invoke(
        cli,
        [
            "towns",
            "--data",
            str(data_dir),
            "--places",
            "settlements",
            "--top",
            "5",
            "--format",
            "csv",
        ],
    )
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(StringIO(res.stdout))
    assert len(frame) == 5 and frame["town_id"].str.startswith("ML").all()


def test_towns_settlements_need_data(monkeypatch):
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    res = CliRunner().invoke(cli, ["towns", "--places", "settlements"])
    assert res.exit_code == 2 and "needs the data directory" in res.output
