"""``minusma forecast`` and ``minusma backtest`` from the command line.

The Mali history here is SYNTHETIC: an ACLED HDX-layout admin-2 x month file (XLSX) with invented
counts, written by the test at run time (``Admin1`` reads "SYNTHETIC"). No ACLED row is committed.
The cercle P-codes and polygons are the real OCHA COD ones of the data directory.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from minusma import forecasting
from minusma.cli import forecast as forecast_cli
from minusma.cli.backtest import JSON_FIELDS
from minusma.cli.main import cli

MONTH_NAMES = pd.date_range("2000-01-01", periods=12, freq="MS").strftime("%B").tolist()


@pytest.fixture(scope="module")
def hdx_history(data_dir, tmp_path_factory):
    """SYNTHETIC HDX admin-2 x month history for Mali's cercles, 2012-01..2023-12."""
    cod = gpd.read_file(data_dir / "ocha-cod-mali" / "mli_adm2_cercles.geojson")
    rng = np.random.default_rng(11)
    rate = rng.gamma(0.6, 2.0, len(cod))
    rows = []
    for year in range(2012, 2024):
        rate = rate * rng.lognormal(0.0, 0.3, len(cod))
        for m, month in enumerate(MONTH_NAMES):
            for code, name, lam in zip(cod["admin2Pcod"], cod["admin2Name"], rate):
                rows.append(
                    {
                        "Country": "Mali",
                        "Admin1": "SYNTHETIC",
                        "Admin2": name,
                        "ISO3": "MLI",
                        "Admin2 Pcode": code,
                        "Admin1 Pcode": code[:4],
                        "Month": month,
                        "Year": year,
                        "Events": int(rng.poisson(lam)),
                        "Fatalities": int(rng.poisson(lam)) if m % 2 else 0,
                    }
                )
    path = tmp_path_factory.mktemp("hdx") / "SYNTHETIC_mali_admin2_monthly.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    return path


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_unit_choices_are_the_librarys_one_list():
    assert forecast_cli.UNIT_CHOICES is forecasting.UNITS
    assert set(forecasting.POINT_UNITS) < set(forecasting.UNITS)


def test_forecast_cercles_from_an_hdx_history(data_dir, hdx_history, tmp_path):
    out = tmp_path / "forecast.json"
    result = _run(
        "forecast",
        "--history",
        hdx_history,
        "--unit",
        "cercle",
        "--data",
        data_dir,
        "--format",
        "json",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "chosen by --model auto" in result.stderr
    payload = json.loads(out.read_text())
    assert payload["as_of"] == "2024-01" and payload["horizon_months"] == 12
    units = payload["units"]
    assert len(units) == 50
    assert {u["unit_id"][:2] for u in units} == {"ML"}
    first = units[0]
    assert set(first) == {
        "unit_id",
        "unit_name",
        "predicted_events",
        "predicted_low",
        "predicted_high",
        "rank",
        "class",
        "why",
    }
    assert first["rank"] == 1 and first["class"] == "high"
    assert first["predicted_low"] <= first["predicted_events"] <= first["predicted_high"]
    assert "events" in first["why"]
    assert payload["model"] in {"persistence", "history", "decayed", "inform", "glm", "gbm"}
    assert payload["backtest"] and {row["name"] for row in payload["backtest"]} >= {"glm", "gbm"}


def test_forecast_geojson_in_french_with_a_named_model(data_dir, hdx_history, tmp_path):
    out = tmp_path / "f.geojson"
    result = _run(
        "forecast",
        "--history",
        hdx_history,
        "--unit",
        "cercle",
        "--data",
        data_dir,
        "--as-of",
        "2020-01",
        "--model",
        "glm",
        "--format",
        "geojson",
        "--lang",
        "fr",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    fc = json.loads(out.read_text())
    assert len(fc["features"]) == 50
    assert fc["metadata"]["model"] == "glm" and fc["metadata"]["as_of"] == "2020-01"
    assert any("derniers mois" in f["properties"]["why"] for f in fc["features"])


def test_backtest_json_entries(data_dir, hdx_history, tmp_path):
    result = _run(
        "backtest",
        "--history",
        hdx_history,
        "--unit",
        "cercle",
        "--data",
        data_dir,
        "--from",
        "2017-01",
        "--to",
        "2022-01",
        "--every",
        "12",
        "--format",
        "json",
        "--chart",
        tmp_path / "bt.png",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["origins"] == [f"{y}-01" for y in range(2017, 2023)]
    names = [e["name"] for e in payload["pooled"]]
    assert {
        "persistence",
        "history",
        "decayed",
        "near_site",
        "far_from_capital",
        "glm",
        "gbm",
    } <= set(names)
    for entry in payload["pooled"]:
        assert list(entry)[: len(JSON_FIELDS)] == list(JSON_FIELDS)
        assert entry["n_units"] == 50 and entry["n_origins"] == 6
        assert entry["spearman_low"] <= entry["spearman"] <= entry["spearman_high"]
    assert (tmp_path / "bt.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = _run(
        "backtest",
        "--history",
        hdx_history,
        "--unit",
        "cercle",
        "--data",
        data_dir,
        "--from",
        "2021-01",
        "--to",
        "2022-01",
    )
    assert "learned vs baseline" in table.stdout and "per origin" in table.stdout


def test_forecast_without_history_says_it_is_thin(data_dir):
    result = _run("forecast", "--unit", "cercle", "--data", data_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "far too thin" in result.stderr
    assert "persistence is used, untested" in result.stderr
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert len(frame) == 50 and frame["predicted_events"].max() >= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "commune"), "use --unit cercle"),
        (("--as-of", "2031-01"), "lies outside what the history can inform"),
        (("--model", "oracle"), "unknown model 'oracle'"),
    ],
)
def test_forecast_bad_options_fail_with_one_error(data_dir, hdx_history, args, message):
    result = CliRunner().invoke(
        cli, ["forecast", "--history", str(hdx_history), "--data", str(data_dir), *args]
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_backtest_past_the_span_fails(data_dir, hdx_history):
    result = CliRunner().invoke(
        cli,
        ["backtest", "--history", str(hdx_history), "--data", str(data_dir), "--to", "2023-06"],
    )
    assert result.exit_code == 1
    assert "needs 12 months of outcome after it" in result.stderr


def test_study_methods(data_dir, hdx_history):
    from minusma import Study

    study = Study(data_dir)
    frame = study.forecast(hdx_history, unit="cercle", model="persistence", as_of="2023-01")
    assert len(frame) == 50 and frame.attrs["model"] == "persistence"
    assert frame["rank"].iloc[0] == 1
    result = study.backtest(hdx_history, unit="cercle", from_month="2021-01", to_month="2022-01")
    assert result.origins == ["2021-01", "2022-01"]
    assert "SYNTHETIC_mali_admin2_monthly.xlsx" in result.history


def test_units_carry_structure_and_towns_take_the_nearest_events(data_dir):
    cercles = forecasting.load_units("cercle", data_dir=data_dir)
    assert len(cercles.frame) == 50 and cercles.neighbours.shape == (50, 50)
    static = cercles.static.assign(unit_id=cercles.frame["unit_id"]).set_index("unit_id")
    bamako = static.loc[
        cercles.frame.loc[cercles.frame["unit_name"] == "Bamako", "unit_id"].iloc[0]
    ]
    assert bamako["km_to_capital"] < 20
    assert static["km_to_border"].min() > 0 and static["km_to_border"].max() < 800
    assert static["km_to_border"].idxmax() != static["km_to_border"].idxmin()
    towns = forecasting.load_units("towns", data_dir=data_dir)
    assert (towns.frame.geometry.geom_type == "Point").all()
    frame = forecasting.forecast(
        forecasting.prepare(None, "towns", units=towns), model="persistence"
    )
    assert len(frame) == len(towns.frame)
    top = frame.iloc[0]
    assert top["unit_name"] == "Tombouctou" and top["why"] == "7 events in the last 12 months"


def test_access_indicators_aggregate_to_cercles(data_dir):
    from minusma import Study

    assessed = Study(data_dir).replace(places="towns").assess()
    units = forecasting.load_units("cercle", data_dir=data_dir)
    access = forecasting.access_features(assessed, units)
    assert len(access) == 50 and not access.isna().any().any()
    assert {"airport_km", "on_road_network", "riverside"} <= set(access.columns)
    assert access["on_road_network"].between(0, 1).all()
    # Gao cercle holds Gao town, on the road network and the river
    gao = access[(units.frame["unit_name"] == "Gao").to_numpy()].iloc[0]
    assert gao["on_road_network"] > 0 and gao["riverside"] > 0
