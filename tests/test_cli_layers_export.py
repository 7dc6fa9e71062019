"""``minusma layers`` and ``minusma export`` through click's runner, error paths included."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.layers.registry import layer_names


@pytest.fixture
def runner():
    return CliRunner()


def test_layers_table_lists_every_layer(runner):
    result = runner.invoke(cli, ["layers"])
    assert result.exit_code == 0, result.output
    for name in layer_names():
        assert name in result.output
    assert "schematic" in result.output


def test_layers_json_and_check(runner):
    result = runner.invoke(cli, ["layers", "--format", "json", "--check"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [d["name"] for d in doc] == layer_names()
    assert [d["name"] for d in doc if d["needs_data_dir"]] == layer_names("open")
    assert {d["kind"] for d in doc} == {"shipped", "open", "analysis"}
    assert "fact checks: all passed" in result.stderr


@pytest.mark.parametrize(
    "fmt,expected", [("geojson", "bases.geojson"), ("gpkg", "minusma.gpkg"), ("csv", "roads.csv")]
)
def test_export_writes_files_and_provenance(runner, tmp_path, fmt, expected):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["export", "--out", str(out), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert (out / expected).is_file() and (out / "provenance.json").is_file()


def test_export_one_layer(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--out", str(tmp_path), "--layer", "bases"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bases.geojson", "provenance.json"]


def test_export_unknown_layer_names_valid_choices(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "x"), "--layer", "basez"])
    assert result.exit_code == 1
    assert (
        "no layer named 'basez'; did you mean 'bases'? valid layers: bases, towns" in result.output
    )
    assert not (tmp_path / "x").exists()


def test_export_unknown_format_names_valid_choices(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--out", str(tmp_path), "--format", "shp"])
    assert result.exit_code == 2
    assert "'shp' is not one of 'geojson', 'gpkg', 'csv'" in result.output


def test_export_unwritable_path_is_one_line_error(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "no" / "such" / "dir")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and result.output.startswith(
        "Error: cannot create output folder"
    )


def test_export_onto_a_file_fails_cleanly(runner, tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    result = runner.invoke(cli, ["export", "--out", str(target)])
    assert result.exit_code == 2
    assert "is a file" in result.output
    assert target.read_text() == "not a folder"


def test_layers_lists_open_data_layers_apart(runner):
    result = runner.invoke(cli, ["layers"])
    assert "Open-data layers (need --data DIR" in result.output
    assert "settlements" in result.output and "regions_2023" in result.output
    doc = json.loads(runner.invoke(cli, ["layers", "--format", "json"]).stdout)
    assert {d["name"] for d in doc if d["needs_data_dir"]} == {
        "cercles",
        "communes",
        "regions_2023",
        "settlements",
        "niger_ne",
        "sites",
    }


def test_export_open_data_layers_from_a_data_dir(runner, tmp_path, data_dir):
    import pyogrio

    out = tmp_path / "open"
    result = runner.invoke(
        cli,
        [
            "export",
            "--out",
            str(out),
            "--format",
            "gpkg",
            "--layer",
            "regions_2023",
            "--layer",
            "cercles",
            "--data",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    tables = {name for name, _ in pyogrio.list_layers(out / "minusma.gpkg")}
    assert tables == {"regions_2023", "cercles", "layer_provenance", "layer_styles"}  # styled
    regions = pyogrio.read_dataframe(out / "minusma.gpkg", layer="regions_2023")
    assert len(regions) == 5 and regions.geometry.is_valid.all()


def test_export_open_layer_without_data_dir_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--out", str(tmp_path), "--layer", "settlements"])
    assert result.exit_code == 2 and "need the data directory: pass --data DIR" in result.output
    assert list(tmp_path.iterdir()) == []


def test_export_with_data_gives_the_exposure_its_admin_pcodes(runner, tmp_path, data_dir):
    import pandas as pd

    def exposure_csv(out, *extra):
        args = ["export", "--out", str(out), "--format", "csv", "--layer", "exposure", *extra]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        return pd.read_csv(out / "exposure.csv", encoding="utf-8-sig").set_index("town_id")

    joined = exposure_csv(tmp_path / "with", "--data", str(data_dir))
    plain = exposure_csv(tmp_path / "without")
    pcodes = ["join_region_2023", "join_cercle_pcode", "join_commune_pcode"]
    assert not set(pcodes) & set(plain.columns)
    row = joined.loc["ml-aguelhok"]
    assert (row["join_region_2023"], row["join_cercle_pcode"], row["join_commune_pcode"]) == (
        "Kidal",
        "ML0804",
        "ML080401",
    )
    assert joined.loc["ml-bandiagara", "join_commune_pcode"] == "ML050201"
    # Achibogho is curated in Kidal but its point lies in a commune of Ménaka: flagged, not hidden
    assert joined.loc["ml-achibogho", "join_region_2023"] == "Ménaka"
    assert joined.loc["ml-achibogho", "admin_join_differs_on"] == "region_2023"
    # towns without a coordinate get no P-code (null, not a guess); every placed town gets one
    placed = joined["has_coordinate"].astype(bool)
    assert joined.loc[placed, "join_commune_pcode"].notna().all()
    assert joined.loc[~placed, "join_commune_pcode"].isna().all()
    # the model is the shipped one: the figures do not change with --data
    pd.testing.assert_series_equal(
        joined["exposure_score"], plain["exposure_score"].reindex(joined.index)
    )
