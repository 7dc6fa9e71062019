"""``layers.summary`` / ``minusma summary`` and ``minusma diff`` on known answers."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner

from minusma import Study
from minusma.cli.main import cli
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.summary import CLASSES

CENTRAL_OLD = ["Mopti", "Ségou"]


@pytest.fixture(scope="module")
def by_region():
    return Study().summary(ExposureParams(), by="region")


def test_central_regions_counts_match_assess_before_and_after(by_region):
    p = Study.params()  # the defaults within the mission (before = 2023-06-30)
    for label, frame in (
        ("before", Study().assess(params=p.replace(as_of=p.before))),
        ("after", Study().assess()),
    ):
        counts = frame.groupby(["region_old", "exposure_class"]).size()
        for region in CENTRAL_OLD:
            for cls in CLASSES:
                expected = int(counts.get((region, cls), 0))
                assert by_region.loc[region, f"places_{cls}_{label}"] == expected, (region, cls)
    # the withdrawal raises Mopti's high places (3 before, 11 after on the shipped towns)
    assert (
        by_region.loc["Mopti", "places_high_before"] < by_region.loc["Mopti", "places_high_after"]
    )


def test_census_people_are_missing_not_zero(by_region):
    after = Study().assess()
    hs = after[after["exposure_class"].isin(["high", "severe"])]
    kayes = hs[hs["region_old"] == "Kayes"]
    assert len(kayes) and kayes["population"].isna().all()
    assert pd.isna(by_region.loc["Kayes", "census_people_high_severe_after"])
    assert by_region.loc["Kayes", "places_high_severe_no_census_after"] == len(kayes)
    gao = hs[hs["region_old"] == "Gao"]
    assert by_region.loc["Gao", "census_people_high_severe_after"] == gao["population"].sum()
    assert by_region["census_source"].str.contains("2009").all()


def test_coverage_lost_and_single_road(by_region):
    after = Study().assess()
    mopti = after[after["region_old"] == "Mopti"]
    lost = mopti[mopti["coverage_lost"] == True]  # noqa: E712
    assert by_region.loc["Mopti", "places_lost_coverage"] == len(lost)
    assert by_region.loc["Mopti", "coverage_lost_first"] == lost["coverage_lost_on"].min()
    assert by_region.loc["Mopti", "single_road_places_after"] == int(
        (mopti["bamako_routes"] == 1).sum()
    )


def test_cli_summary_writes_region_polygons(tmp_path):
    out = tmp_path / "s.gpkg"
    result = CliRunner().invoke(
        cli,
        ["summary", "--by", "region", "--format", "json", "--out", str(out)],
        env={"MINUSMA_DATA": None},
    )
    assert result.exit_code == 0, result.output
    units = {u["region"]: u for u in json.loads(result.stdout)["units"]}
    assert units["Mopti"]["places"] == 38
    with sqlite3.connect(out) as con:
        rows = dict(con.execute('SELECT unit, places_high_after FROM "summary_region"').fetchall())
    assert rows["Mopti"] == units["Mopti"]["places_high_after"]
    assert len(rows) == 9


def test_cli_summary_region_2023_without_data_is_refused_before_any_work(tmp_path):
    out = tmp_path / "s.geojson"
    result = CliRunner().invoke(
        cli, ["summary", "--format", "csv", "--out", str(out)], env={"MINUSMA_DATA": None}
    )
    assert result.exit_code == 2, result.output
    assert not out.exists() and result.stdout == ""
    assert "give --data DIR" in result.stderr


def test_cli_summary_with_data_names_worldpop(tmp_path, data_dir):
    out = tmp_path / "s.geojson"
    result = CliRunner().invoke(
        cli, ["summary", "--data", str(data_dir), "--format", "json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    units = {u["region_2023"]: u for u in json.loads(result.stdout)["units"]}
    assert units["Mopti"]["worldpop_people"] > 100_000
    assert "WorldPop" in units["Mopti"]["worldpop_source"]
    assert units["Taoudénit"]["worldpop_people"] is None  # no polygon: missing, not zero
    features = json.loads(out.read_text())["features"]
    assert "Mopti" in {f["properties"]["unit"] for f in features}


def test_cli_diff_close_ber_shows_ber():
    result = CliRunner().invoke(
        cli, ["diff", "--as-of", "2023-06-30", "--close", "Ber", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    places = {p["town_id"]: p for p in json.loads(result.stdout)["places"]}
    assert "ml-ber" in places
    ber = places["ml-ber"]
    assert (ber["class_a"], ber["class_b"]) == ("low", "high")
    assert "lost coverage from Ber" in ber["reasons_added"]
    assert all(p["class_changed"] for p in places.values())


def test_cli_diff_two_dates_and_bad_input():
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", "--as-of", "2023-06-30", "--as-of", "2024-07-22"])
    assert result.exit_code == 0, result.output
    assert "Ogossagou" in result.stdout
    bad = runner.invoke(cli, ["diff", "--as-of", "2023-06-30"])
    assert bad.exit_code != 0
    assert "two dates" in bad.output
