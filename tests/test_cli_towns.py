"""``minusma towns`` through click's CliRunner."""

import io
import json
import re

import pandas as pd
from click.testing import CliRunner

from minusma.cli.main import cli


def test_towns_top_table():
    res = CliRunner().invoke(cli, ["towns", "--top", "10"])
    assert res.exit_code == 0, res.output
    assert "Ber (ml-ber)" in res.stdout
    assert (
        "- lost coverage from Ber (0 km) on 2023-08-13" in res.stdout
    )  # reasons are printed in full
    assert "Bordj Badji Mokhtar" not in res.stdout


def test_towns_csv_before_withdrawal():
    res = CliRunner().invoke(cli, ["towns", "--as-of", "2023-06-30", "--format", "csv"])
    assert res.exit_code == 0
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert "lost coverage" not in " ".join(frame["reasons"].dropna())
    assert len(frame) == 191


def test_towns_json_scenario_records_parameters():
    res = CliRunner().invoke(
        cli,
        [
            "towns",
            "--format",
            "json",
            "--close",
            "Ber",
            "--as-of",
            "2023-07-01",
            "--season",
            "wet",
            "--top",
            "3",
        ],
    )
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["parameters"]["close"] == ["Ber"] and doc["parameters"]["season"] == "wet"
    assert len(doc["towns"]) == 3


def test_towns_errors():
    runner = CliRunner()
    res = runner.invoke(cli, ["towns", "--close", "Atlantis"])
    assert (
        res.exit_code == 1
        and "valid bases (id or town)" in res.output
        and "MINUSMA-02 (Ber)" in res.output
    )
    res = runner.invoke(cli, ["towns", "--as-of", "2031-01-01"])
    assert res.exit_code == 2 and "between 2013-01-01 and 2024-12-31" in res.output
    res = runner.invoke(cli, ["towns", "--radius-km", "-3"])
    assert res.exit_code == 2 and "radius_km must be" in res.output
    res = runner.invoke(cli, ["towns", "--close", "Ber", "--keep", "ber"])
    assert res.exit_code == 1 and "both closed and kept" in res.output
    res = runner.invoke(cli, ["towns", "--season", "monsoon"])
    assert res.exit_code == 2 and "'dry', 'wet'" in res.output


def test_export_with_analysis_layers(tmp_path):
    res = CliRunner().invoke(
        cli,
        ["export", "--out", str(tmp_path), "--layer", "exposure", "--layer", "segment_criticality"],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "exposure.geojson",
        "provenance.json",
        "segment_criticality.geojson",
    ]
    doc = json.loads((tmp_path / "provenance.json").read_text())
    assert doc["parameters"]["radius_km"] == 50.0 and doc["parameters"]["as_of"] == "2024-07-22"
    fc = json.loads((tmp_path / "exposure.geojson").read_text())
    assert len(fc["features"]) == 191 and fc["features"][0]["id"] == "ml-abakoira"  # sorted by id
    res = CliRunner().invoke(
        cli, ["export", "--out", str(tmp_path / "x"), "--layer", "bases", "--no-analysis"]
    )
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "bases.geojson",
        "provenance.json",
    ]


def test_towns_marks_uncertain_classes_and_rank_ranges():
    res = CliRunner().invoke(cli, ["towns", "--format", "csv"])
    assert res.exit_code == 0
    frame = pd.read_csv(io.StringIO(res.stdout))
    ranked = frame[frame["exposure_rank"].notna()]
    assert (ranked["rank_min"] <= ranked["exposure_rank"]).all() and (
        ranked["exposure_rank"] <= ranked["rank_max"]
    ).all()
    assert ranked["uncertain"].any() and not ranked["uncertain"].all()
    table = CliRunner().invoke(cli, ["towns", "--top", "8"]).stdout
    assert "rank range" in table and "class uncertain" in table
    quick = CliRunner().invoke(cli, ["towns", "--format", "csv", "--no-robustness"]).stdout
    assert "uncertain" not in quick.splitlines()[0]


def test_towns_prints_each_data_gap_once():
    res = CliRunner().invoke(cli, ["towns", "--top", "1", "--season", "wet"])
    assert res.exit_code == 0, res.output
    gaps = [line for line in res.stderr.splitlines() if "speed" in line]
    assert gaps and all(
        line.startswith("data gap: ") for line in gaps
    )  # no log line, no raw warning
    assert len(gaps) == len(set(gaps)) and res.stderr.count("have no wet-season speed") == 1
    wet = next(line for line in gaps if "wet-season" in line)
    assert re.fullmatch(
        r"data gap: \d+ road segment\(s\) have no wet-season speed \(class\(es\) "
        r"[^)]*unverified\): no travel time, left out of time routing; see layers/data/speeds\.csv",
        wet,
    )
    assert "known" not in res.stderr  # the classes that have a speed are not listed


def test_dry_run_reports_only_its_own_data_gaps_once():
    res = CliRunner().invoke(cli, ["towns", "--top", "1"])
    gaps = [line for line in res.stderr.splitlines() if line.startswith("data gap:")]
    assert len(gaps) == 1 and "dry-season" in gaps[0] and "wet" not in gaps[0]


def test_towns_in_french_reasons_classes_and_headers():
    from click.testing import CliRunner

    from minusma.cli.main import cli

    result = CliRunner().invoke(cli, ["towns", "--top", "8", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("rang  ville") and "sévère" in out and "oui" in out
    assert "a perdu la couverture de Tombouctou" in out or "a perdu la couverture" in out
    assert "lost coverage" not in out and " by road" not in out
    csv = CliRunner().invoke(cli, ["towns", "--top", "3", "--lang", "fr", "--format", "csv"])
    assert "exposure_rank,town_id,name" in csv.stdout  # machine headers stay
    assert "a perdu la couverture d'Ogossagou (0 km) le 03 août 2023" in csv.stdout
