"""layers.validation and ``minusma validate``: the report on the shipped towns with the synthetic
ACLED, UCDP GED and shipped-schema fixtures (tests/fixtures/events_synthetic_*.csv)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from minusma import Study
from minusma.cli.main import cli
from minusma.geo.evaluation import positive_places
from minusma.layers.events import read_events
from minusma.layers.validation import baseline_scores, model_columns, validate, validate_scores

FIXTURES = Path(__file__).parent / "fixtures"
ACLED = FIXTURES / "events_synthetic_acled.csv"
UCDP = FIXTURES / "events_synthetic_ucdp_ged.csv"
SHIPPED = FIXTURES / "events_synthetic_shipped.csv"
COLUMNS = ["name", "kind", "auc", "auc_low", "auc_high", "ap", "n_scored", "n_positive"]


@pytest.fixture(scope="module")
def towns():
    return Study().assess()


def test_acled_and_ucdp_fixtures_feed_the_same_report(towns):
    a, meta_a = validate(events=ACLED, assessment=towns, n_boot=100)
    u, meta_u = validate(events=UCDP, assessment=towns, n_boot=100)
    pd.testing.assert_frame_equal(a, u)
    assert meta_a["events_format"] == "acled" and meta_u["events_format"] == "ucdp-ged"
    assert meta_a["events_matched"] == meta_u["events_matched"] == 7
    assert meta_u["events_unlocated"] == 1 and meta_a["events_unlocated"] == 0
    assert meta_a["events_dropped"] == {"outside_country": 1, "outside_window": 1}
    assert meta_a["events_checksum"].startswith("sha256:")
    assert meta_a["n_positive"] == 8  # Ber, Tessalit, Boni, Bourem, Kidal, Léré, + 2 near Anéfis


def test_report_rows_and_labels(towns):
    table, meta = validate(events=SHIPPED, assessment=towns, n_boot=200)
    kinds = table.set_index("name")["kind"]
    assert kinds["exposure_score"] == "composite" and table.iloc[0]["name"] == "exposure_score"
    assert set(kinds[kinds == "dimension"].index) == {
        "security_score",
        "access_score",
        "lifeline_score",
    }
    assert set(kinds[kinds == "baseline"].index) == {
        "baseline_near_former_base",
        "baseline_far_from_bamako",
        "baseline_population",
        "baseline_random",
    }
    # the labels are the places within 10 km of the six located events
    events = read_events(SHIPPED)
    positives = set(towns.loc[positive_places(towns, events).fillna(False), "town_id"])
    assert {"ml-ber", "ml-tessalit", "ml-boni", "ml-bourem", "ml-kidal", "ml-lere"} <= positives
    assert meta["n_positive"] == len(positives)
    assert meta["n_places_unlabelled"] == int(towns.geometry.isna().sum())
    row = table.set_index("name").loc["exposure_score"]
    assert row["n_places"] == len(towns) - meta["n_places_unlabelled"]
    # composite AUC equals the one computed directly on the located towns
    from sklearn.metrics import roc_auc_score

    labels = positive_places(towns, events)
    ok = labels.notna() & towns["exposure_score"].notna()
    assert row["auc"] == pytest.approx(
        roc_auc_score(labels[ok].astype(bool), towns.loc[ok, "exposure_score"])
    )
    assert row["auc_low"] <= row["auc"] <= row["auc_high"]
    assert meta["sample"] == "out-of-sample" and "hand-set" in meta["sample_note"]


def test_baselines_point_the_right_way(towns):
    base = baseline_scores(towns, seed=1)
    t = towns.set_index(towns.index)
    ber = t.index[t["town_id"] == "ml-ber"][0]  # a MINUSMA site: nearest possible
    bamako = t.index[t["town_id"] == "ml-bamako"][0]
    assert base["baseline_near_former_base"][ber] == pytest.approx(0.0, abs=1e-6)
    assert base["baseline_near_former_base"].max() == pytest.approx(0.0, abs=1e-6)
    assert base["baseline_far_from_bamako"][bamako] == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_array_equal(
        base["baseline_random"], baseline_scores(towns, seed=1)["baseline_random"]
    )


def test_any_scored_frame_validates_the_same_way(towns):
    # a calibrated model's output is just another score column
    frame = towns[["town_id", "geometry"]].copy()
    frame["calibrated"] = towns["base_before_km"].rsub(0)  # stands in for a fitted score
    table, meta = validate_scores(
        frame, read_events(SHIPPED), scores={"calibrated": "composite"}, n_boot=50
    )
    assert table.iloc[0]["name"] == "calibrated"
    near = table.set_index("name").loc["baseline_near_former_base"]
    assert near["diff_auc"] == pytest.approx(0.0, abs=1e-12)
    assert meta["baselines_missing"] == {
        "baseline_population": "the places have no population column"
    }
    assert model_columns(frame) == {}


def test_window_and_fit_date_labels(towns):
    _, meta = validate(
        events=SHIPPED,
        assessment=towns,
        from_date="2023-07-01",
        to_date="2023-12-31",
        n_boot=0,
        fit_until="2023-12-31",
    )
    assert meta["sample"] == "in-sample" and meta["window"] == ["2023-07-01", "2023-12-31"]
    assert meta["events_dropped"]["outside_window"] == 2
    _, meta = validate(
        events=SHIPPED, assessment=towns, from_date="2024-01-01", n_boot=0, fit_until="2023-12-31"
    )
    assert meta["sample"] == "out-of-sample"
    _, meta = validate(events=SHIPPED, assessment=towns, n_boot=0, fit_until="2023-12-31")
    assert meta["sample"] == "mixed"


def _run(*args):
    return CliRunner().invoke(cli, ["validate", *args])


def test_cli_json_shape():
    res = _run("--events", str(ACLED), "--format", "json", "--boot", "50")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) == {"metadata", "rankings"}
    assert doc["metadata"]["events_format"] == "acled" and doc["metadata"]["n_boot"] == 50
    first = doc["rankings"][0]
    assert first["name"] == "exposure_score" and first["kind"] == "composite"
    for key in ("auc", "auc_low", "auc_high", "ap", "n_places", "n_positive", "n_scored"):
        assert key in first
    assert set(first["precision_at"]) == {"10", "25", "50"}
    assert first["diff_auc"] is None
    names = [r["name"] for r in doc["rankings"]]
    assert "baseline_near_former_base" in names and "baseline_random" in names
    near = next(r for r in doc["rankings"] if r["name"] == "baseline_near_former_base")
    assert near["diff_auc_low"] <= near["diff_auc"] <= near["diff_auc_high"]


def test_cli_table_and_csv():
    res = _run("--events", str(UCDP), "--boot", "20", "--match-km", "5")
    assert res.exit_code == 0, res.output
    assert "ucdp-ged" in res.stdout and "baseline_far_from_bamako" in res.stdout
    assert "within 5 km of a place" in res.stdout
    res = _run("--events", str(SHIPPED), "--boot", "0", "--format", "csv")
    assert res.exit_code == 0
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert frame["name"].iloc[0] == "exposure_score" and "diff_auc_high" in frame.columns


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2023-13-01"], "from_date must be an ISO date"),
        (["--from", "2024-01-01", "--to", "2023-01-01"], "is after"),
        (["--places", "settlements", "--data", "/nonexistent/dir"], "data"),
    ],
)
def test_cli_errors_exit_non_zero(args, message):
    res = _run("--events", str(SHIPPED), "--boot", "0", *args)
    assert res.exit_code != 0
    assert message in res.output


def test_cli_bad_events_file_one_line(tmp_path):
    bad = tmp_path / "acled.csv"
    text = ACLED.read_text(encoding="utf-8").replace("11 August 2023", "11 Augustus 2023")
    bad.write_text(text, encoding="utf-8")
    res = _run("--events", str(bad), "--boot", "0")
    assert res.exit_code == 1
    assert res.output.strip().splitlines()[-1].startswith("Error: ")
    assert "row 1 (line 2), column 'event_date'" in res.output


def test_cli_settlements_with_data(data_dir):
    res = _run(
        "--events",
        str(ACLED),
        "--places",
        "settlements",
        "--data",
        str(data_dir),
        "--boot",
        "50",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    first = doc["rankings"][0]
    assert doc["metadata"]["n_places"] == 18769 and first["n_positive"] > 8
    assert "baseline_population" in doc["metadata"]["baselines_missing"]


def test_cli_default_is_the_shipped_table():
    res = _run("--format", "json", "--boot", "20")
    assert res.exit_code == 0, res.output
    meta = json.loads(res.stdout)["metadata"]
    assert meta["events_format"] == "shipped"
    assert meta["events_file"] == "layers/data/events.csv"
    assert meta["window"] == ["2023-07-01", "2024-06-30"]
    assert meta["n_events"] > 0 and meta["events_matched"] > 0
