"""``minusma sites`` and ``minusma effect`` through click's CliRunner, on the real data."""

from __future__ import annotations

import json

from click.testing import CliRunner

from minusma.cli.main import cli

GED_CAF = "ucdp-ged-caf/ged231_caf.geojson"


def test_sites_lists_minusca_from_geopko(data_dir):
    res = CliRunner().invoke(
        cli, ["sites", "--mission", "MINUSCA", "--data", str(data_dir), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    bangui = next(s for s in doc["sites"] if s["name"] == "Bangui")
    assert bangui["opened"] == "2014-10-01" and bangui["closed"] is None
    assert "Cil" in doc["citation"]
    table = CliRunner().invoke(cli, ["sites", "--source", "shipped"])
    assert table.exit_code == 0, table.output
    assert "Ogossagou" in table.stdout and "2023-08-03" in table.stdout


def test_effect_car_json_and_chart(data_dir, tmp_path):
    chart = tmp_path / "effect.svg"
    args = [
        "effect",
        "--history",
        str(data_dir / GED_CAF),
        "--sites",
        "geopko",
        "--mission",
        "MINUSCA",
        "--unit",
        "grid",
        "--radius-km",
        "50",
        "--window",
        "12",
        "--from",
        "2012-01",
        "--to",
        "2022-12",
        "--min-troops",
        "1",
        "--placebo-draws",
        "19",
        "--data",
        str(data_dir),
        "--format",
        "json",
        "--chart",
        str(chart),
    ]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["pooled"]) == {"opening", "closing"}
    assert doc["n_units"] == 262 and doc["n_treated"]["opening"] == 38  # as in the README
    assert {"k", "estimate", "low", "high"} <= set(doc["event_time"][0])
    assert 0 < doc["placebo_p"]["opening"] <= 1 and 0 <= doc["pretrend_p"]["opening"] <= 1
    first = chart.read_bytes()
    assert b"<svg" in first and b"<dc:date>" not in first
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and chart.read_bytes() == first  # deterministic SVG


def test_effect_table_by_type(data_dir):
    res = CliRunner().invoke(
        cli,
        [
            "effect",
            "--history",
            str(data_dir / GED_CAF),
            "--mission",
            "MINUSCA",
            "--window",
            "6",
            "--by",
            "type",
            "--placebo-draws",
            "0",
            "--data",
            str(data_dir),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "one-sided violence" in res.stdout and "pooled change in events" in res.stdout


def test_effect_shipped_mali_says_how_little(data_dir):
    res = CliRunner().invoke(
        cli, ["effect", "--window", "6", "--placebo-draws", "9", "--data", str(data_dir)]
    )
    assert res.exit_code == 0, res.output
    assert "too little to tell" in res.stderr


def test_effect_bad_inputs(data_dir, tmp_path):
    long = CliRunner().invoke(cli, ["effect", "--window", "24", "--data", str(data_dir)])
    assert long.exit_code != 0
    assert "window of 24 months is longer than the history (12 months" in long.output
    undated = tmp_path / "sites.csv"
    undated.write_text("site_id,name,lat,lon,opened,closed\nA,Gao,16.27,-0.04,,\n")
    res = CliRunner().invoke(cli, ["effect", "--sites", str(undated), "--window", "6"])
    assert res.exit_code != 0 and "without an opened date" in res.output
    bad_chart = CliRunner().invoke(cli, ["effect", "--chart", str(tmp_path / "x.pdf")])
    assert bad_chart.exit_code != 0 and "writes .svg or .png files" in bad_chart.output
    draws = CliRunner().invoke(cli, ["effect", "--placebo-draws", "-1"])
    assert draws.exit_code != 0 and "must be shuffles from 0 to 100,000" in draws.output


def _synthetic_acled(path, seed=0):
    """A SYNTHETIC ACLED-layout export (invented events, no real ACLED row): Poisson events
    around four MINUSMA towns, 2013-2024."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    towns = {
        "Gao": (16.27, -0.04),
        "Kidal": (18.44, 1.41),
        "Mopti": (14.49, -4.19),
        "Kayes": (14.45, -11.44),
    }
    months = pd.date_range("2013-01-01", "2024-06-01", freq="MS")
    rows = []
    for name, (lat, lon) in towns.items():
        for m in months:
            for _ in range(rng.poisson(1.5)):
                kind = rng.choice(["Battles", "Violence against civilians"])
                rows.append(
                    {
                        "event_id_cnty": f"SYN{len(rows):05d}",
                        "event_date": (m + pd.Timedelta(days=int(rng.integers(0, 28)))).strftime(
                            "%d %B %Y"
                        ),
                        "time_precision": 1,
                        "event_type": kind,
                        "sub_event_type": "Armed clash" if kind == "Battles" else "Attack",
                        "actor1": "synthetic actor",
                        "location": name,
                        "latitude": lat + rng.normal(0, 0.1),
                        "longitude": lon + rng.normal(0, 0.1),
                        "geo_precision": 1,
                        "fatalities": int(rng.integers(0, 3)),
                        "country": "Mali",
                    }
                )
    pd.DataFrame(rows).to_csv(path, index=False)
    return len(rows)


def test_effect_on_a_user_acled_export_for_mali(data_dir, tmp_path):
    acled = tmp_path / "acled_mali_SYNTHETIC.csv"
    n = _synthetic_acled(acled)
    res = CliRunner().invoke(
        cli,
        [
            "effect",
            "--history",
            str(acled),
            "--sites",
            "geopko",
            "--mission",
            "MINUSMA",
            "--window",
            "12",
            "--by",
            "type",
            "--placebo-draws",
            "9",
            "--data",
            str(data_dir),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["span"] == ["2013-01", "2024-06"] and doc["n_events"] == n
    assert set(doc["outcomes"]) == {"all events", "Battles", "Violence against civilians"}
    closing = doc["pooled"]["closing"]
    assert closing["n_treated"] > 0 and closing["low"] <= closing["estimate"] <= closing["high"]
