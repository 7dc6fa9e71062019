"""``minusma data`` through click's CliRunner, on the real data directory and on damaged copies."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import Polygon

from minusma.cli.main import cli
from minusma.layers import datasets


@pytest.fixture
def linked_copy(data_dir, tmp_path) -> Path:
    """A data directory in tmp_path whose files are symlinks to the real ones (replace one to damage
    it)."""
    root = tmp_path / "data"
    for dataset in datasets.registry():
        if dataset.file is not None:
            (root / dataset.path).parent.mkdir(parents=True, exist_ok=True)
            (root / dataset.path).symlink_to(data_dir / dataset.path)
    return root


def test_table_on_the_real_data_dir(data_dir):
    result = CliRunner().invoke(cli, ["data", "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "dataset",
        "present",
        "size",
        "sha256",
        "valid",
        "licence",
        "attribution",
    ]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert list(rows) == datasets.names()
    assert rows["cod_adm3"].split()[1:5] == ["yes", "1.6", "MB", "ok"]
    assert (
        "Public domain (Natural Earth)" in rows["ne_niger"]
        and "CC BY 4.0 (WorldPop)" in rows["worldpop_density"]
    )
    assert "no (optional)" in rows["osm_roads"]
    assert result.stderr == ""


def test_json_with_the_data_dir_from_the_environment(data_dir):
    result = CliRunner(env={"MINUSMA_DATA": str(data_dir)}).invoke(
        cli, ["data", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["data_dir"] == str(data_dir)
    by_name = {r["name"]: r for r in report["datasets"]}
    assert set(by_name) == set(datasets.names())
    for name, row in by_name.items():
        present = name != "osm_roads"
        assert row["present"] is present and row["valid"] is (True if present else None), name
        assert row["sha256_ok"] is (True if present else None)
    assert by_name["ourairports"]["attribution"] == "OurAirports (ourairports.com)"
    assert by_name["cod_places"]["size_bytes"] == datasets.get("cod_places").size_bytes


def test_corrupted_files_fail_naming_file_row_and_problem(data_dir, linked_copy):
    regions = datasets.get("cod_adm2")
    frame = gpd.read_file(data_dir / regions.path)
    frame.loc[7, "geometry"] = Polygon([(-4, 14), (-3, 15), (-3, 14), (-4, 15), (-4, 14)])
    (linked_copy / regions.path).unlink()
    frame.to_file(linked_copy / regions.path, driver="GeoJSON")
    lakes = linked_copy / datasets.get("ne_lakes").path
    lakes.unlink()
    lakes.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    result = CliRunner().invoke(cli, ["data", "--data", str(linked_copy)])
    assert result.exit_code == 1
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert rows["cod_adm2"][1:6] == ["yes", "0.5", "MB", "differs", "NO"]
    assert rows["ne_lakes"][4:6] == ["differs", "NO"]
    assert rows["cod_adm1"][4:6] == ["ok", "yes"]
    errors = result.stderr.splitlines()
    assert errors[0] == (
        f"{linked_copy / regions.path}: invalid geometry in row 7 "
        f"(admin2Pcod={frame.admin2Pcod[7]!r}) (first: Self-intersection[-3.5 14.5])"
    )
    assert errors[1].startswith(f"{lakes}: dataset 'ne_lakes': cannot read {lakes}")
    assert errors[-1] == f"Error: 2 problem(s) in {linked_copy}"


def test_missing_required_file(linked_copy):
    (linked_copy / datasets.get("geonames_places").path).unlink()
    result = CliRunner().invoke(cli, ["data", "--data", str(linked_copy)])
    assert result.exit_code == 1
    assert (
        "geonames/geonames_cities1000_mali.geojson: missing; run `minusma fetch --dest "
        f"{linked_copy} --only geonames_places`"
    ) in result.stderr


def test_no_data_dir(tmp_path):
    result = CliRunner(env={"MINUSMA_DATA": None}).invoke(cli, ["data"])
    assert result.exit_code == 1
    assert "Error: no data directory: pass --data DIR" in result.stderr
    result = CliRunner().invoke(cli, ["data", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "nowhere' does not exist" in result.stderr
