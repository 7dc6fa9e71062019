"""Settlements as units, population and the composite as features, ``inform`` as a count model,
saved models, and the forecast layer in exports.

Every history here is SYNTHETIC, written by the tests at run time with invented events (an
ACLED-layout export whose ``event_id_cnty`` and ``location`` read "SYNTHETIC", and an HDX-layout
admin-2 x month file whose ``Admin1`` reads "SYNTHETIC"). No ACLED row is committed. The
settlements, cercles and the WorldPop raster are the real ones of the data directory.
"""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from minusma import Study, forecasting
from minusma.cli.main import cli
from minusma.geo._errors import ParameterError

MONTH_NAMES = pd.date_range("2000-01-01", periods=12, freq="MS").strftime("%B").tolist()


@pytest.fixture(scope="module")
def settlement_history(data_dir, tmp_path_factory):
    """SYNTHETIC ACLED-layout export: events beside 300 settlements, 2018-01..2023-12, plus 5
    in the empty Sahara (no settlement within reach: dropped and counted)."""
    from minusma.layers.settlements import settlements

    places = settlements(data_dir)
    rng = np.random.default_rng(5)
    hot = rng.choice(len(places), 300, replace=False)
    rate = rng.gamma(0.5, 0.5, hot.size)
    months = pd.period_range("2018-01", "2023-12", freq="M")
    counts = rng.poisson(np.repeat(rate[:, None], len(months), axis=1))
    unit, month = np.nonzero(counts)
    reps = counts[unit, month]
    idx, when = np.repeat(hot[unit], reps), np.repeat(month, reps)
    lon = places.geometry.x.to_numpy()[idx] + rng.normal(0, 0.01, idx.size)
    lat = places.geometry.y.to_numpy()[idx] + rng.normal(0, 0.01, idx.size)
    dates = [f"15 {months[m].strftime('%B %Y')}" for m in when]
    frame = pd.DataFrame({"event_date": dates, "longitude": lon, "latitude": lat})
    desert = pd.DataFrame({"event_date": ["15 June 2020"] * 5, "longitude": -4.0, "latitude": 24.5})
    frame = pd.concat([frame, desert], ignore_index=True)
    frame.insert(0, "event_id_cnty", [f"SYNTHETIC{i}" for i in range(len(frame))])
    frame = frame.assign(
        event_type="Battles", location="SYNTHETIC", geo_precision=1, fatalities=0, country="Mali"
    )
    path = tmp_path_factory.mktemp("settlements") / "SYNTHETIC_acled_settlements.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cercle_history(data_dir, tmp_path_factory):
    """SYNTHETIC HDX admin-2 x month history of Mali's cercles, 2015-01..2023-12."""
    cod = gpd.read_file(data_dir / "ocha-cod-mali" / "mli_adm2_cercles.geojson")
    rng = np.random.default_rng(12)
    rate = rng.gamma(0.6, 2.0, len(cod))
    rows = []
    for year in range(2015, 2024):
        rate = rate * rng.lognormal(0.0, 0.3, len(cod))
        for month in MONTH_NAMES:
            events = rng.poisson(rate)
            rows += [
                {
                    "Country": "Mali",
                    "Admin1": "SYNTHETIC",
                    "Admin2": name,
                    "ISO3": "MLI",
                    "Admin2 Pcode": code,
                    "Admin1 Pcode": code[:4],
                    "Month": month,
                    "Year": year,
                    "Events": int(e),
                    "Fatalities": 0,
                }
                for code, name, e in zip(cod["admin2Pcod"], cod["admin2Name"], events)
            ]
    path = tmp_path_factory.mktemp("hdx") / "SYNTHETIC_mali_admin2_monthly.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_settlements_are_units_with_knn_neighbours_and_counted_drops(data_dir, settlement_history):
    prepared = forecasting.prepare_history(settlement_history, "settlements", data_dir=data_dir)
    units = prepared.units
    assert len(units.frame) == 18769 and units.frame["unit_id"].is_unique
    assert units.frame["unit_id"].str.startswith("ML").all()
    degree = np.asarray(units.neighbours.sum(axis=1)).ravel()
    assert (degree == forecasting.SETTLEMENT_NEIGHBOURS_K).all()
    assert prepared.panel.report["dropped_outside_units"] == 5
    assert (
        "5 event(s) left out (no place within 10 km"
        in forecasting.forecast(prepared, model="persistence").attrs["statement"][0]
    )
    total = pd.read_csv(settlement_history).shape[0]
    assert np.nansum(prepared.panel.counts) == total - 5
    assert {"population", "km_to_capital", "km_to_border"} <= set(prepared.cube.names)
    frame = forecasting.forecast(prepared, model="glm")
    assert len(frame) == 18769 and frame["rank"].iloc[0] == 1
    assert (frame.geometry.geom_type == "Point").all()
    assert frame["why"].str.contains("settlements").any()  # the neighbours' lag, in words


def test_population_per_unit_is_the_zonal_sum_or_the_place_cell(data_dir):
    cercles = forecasting.load_units("cercle", data_dir=data_dir, population=True)
    people = cercles.static["population"]
    # WorldPop 2020 summed over Mali's cercles: about 19-20 million (the raster's SOURCE.md)
    assert 17e6 < people.sum() < 23e6
    bamako = people[(cercles.frame["unit_name"] == "Bamako").to_numpy()].iloc[0]
    assert bamako > 1e6 and bamako >= people.nlargest(3).min()  # with Kati, around it
    towns = forecasting.load_units("towns", data_dir=data_dir, population=True)
    assert towns.static["population"].notna().all() and (towns.static["population"] > 0).all()


def test_inform_is_backtested_as_a_count_model_and_forecasts(data_dir, cercle_history):
    study = Study(data_dir)
    result = study.backtest(cercle_history, unit="cercle", from_month="2021-01", to_month="2022-01")
    pooled = result.pooled.set_index("name")
    assert "inform" in pooled.index and bool(pooled.loc["inform", "counts"])
    assert np.isfinite(pooled.loc["inform", "deviance"])
    frame = study.forecast(cercle_history, unit="cercle", model="inform", as_of="2023-01")
    assert frame.attrs["model"] == "inform" and len(frame) == 50
    assert frame["predicted_events"].notna().all()
    assert frame["why"].str.contains("hand-set exposure score").any()


def test_composite_is_population_weighted_within_a_unit(data_dir):
    study = Study(data_dir)
    assessed = study.replace(places="towns").assess()
    units = forecasting.load_units("cercle", data_dir=data_dir)
    plain = forecasting.composite_features(assessed, units)
    weighted = forecasting.composite_features(assessed, units, weighted=True, data_dir=data_dir)
    assert plain.notna().all() and weighted.notna().all()
    scores = assessed["exposure_score"].astype(float)
    assert plain.between(scores.min(), scores.max()).all()
    assert (plain != weighted).any()  # cercles holding several towns differ by weighting


def test_a_saved_glm_reloads_and_forecasts_the_same(data_dir, cercle_history, tmp_path):
    study = Study(data_dir)
    saved = tmp_path / "glm.json"
    first = study.forecast(
        cercle_history, unit="cercle", model="glm", as_of="2023-01", save_model=saved
    )
    record = json.loads(saved.read_text())
    assert record["format"] == "minusma-forecast-model" and record["model"] == "glm"
    assert record["unit"] == "cercle" and record["horizon_months"] == 12
    assert len(record["parameters"]["coef"]) == len(record["features"])
    assert record["training"]["last_origin"] == "2022-01"
    again = study.forecast(cercle_history, unit="cercle", model=str(saved), as_of="2023-01")
    pd.testing.assert_series_equal(
        first.set_index("unit_id")["predicted_events"],
        again.set_index("unit_id").loc[first["unit_id"], "predicted_events"],
        rtol=1e-9,
    )
    assert any("loaded from" in line for line in again.attrs["statement"])
    with pytest.raises(ParameterError, match="fitted per cercle, not per commune"):
        forecasting.forecast(forecasting.prepare(None, "commune", data_dir=data_dir), model=saved)
    with pytest.raises(ParameterError, match="use --horizon 12"):
        forecasting.forecast(
            forecasting.prepare(None, "cercle", horizon_months=6, data_dir=data_dir), model=saved
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a readable JSON file"),
        ('{"model": "glm"}', "not a saved forecast model"),
    ],
)
def test_bad_saved_models_fail_with_the_fix(data_dir, tmp_path, content, message):
    path = tmp_path / "model.json"
    path.write_text(content)
    result = CliRunner().invoke(
        cli, ["forecast", "--unit", "cercle", "--data", str(data_dir), "--model", str(path)]
    )
    assert result.exit_code == 1 and message in result.stderr
    assert "--save-model" in result.stderr and "Traceback" not in result.output


def test_gbm_is_refused_by_save_model(data_dir, cercle_history, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "forecast",
            "--history",
            str(cercle_history),
            "--data",
            str(data_dir),
            "--model",
            "gbm",
            "--as-of",
            "2023-01",
            "--save-model",
            str(tmp_path / "gbm.json"),
        ],
    )
    assert result.exit_code == 1 and "cannot be saved safely" in result.stderr
    assert not (tmp_path / "gbm.json").exists()


@pytest.mark.parametrize("fmt", ["gpkg", "geojson"])
def test_export_writes_the_forecast_layer(data_dir, cercle_history, tmp_path, fmt):
    out = tmp_path / fmt
    out.mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--out",
            str(out),
            "--format",
            fmt,
            "--layer",
            "cercles",
            "--no-analysis",
            "--history",
            str(cercle_history),
            "--unit",
            "cercle",
            "--forecast-model",
            "persistence",
            "--lang",
            "fr",
            "--data",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    columns = {
        "unit_id",
        "unit_name",
        "predicted_events",
        "predicted_low",
        "predicted_high",
        "rank",
        "class",
        "why",
    }
    if fmt == "geojson":
        layer = gpd.read_file(out / "forecast.geojson")
    else:
        layer = gpd.read_file(out / "minusma.gpkg", layer="forecast")
        with sqlite3.connect(out / "minusma.gpkg") as db:
            (qml,) = db.execute(
                "SELECT styleQML FROM layer_styles WHERE f_table_name = 'forecast'"
            ).fetchone()
        assert "RuleRenderer" in qml and "prévision : élevée" in qml and "class" in qml
    assert columns <= set(layer.columns) and len(layer) == 50
    assert layer["why"].str.contains("derniers mois").any()  # the export's language
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["layers"]["forecast"]["rows"] == 50


def test_protection_shape_from_the_cli_and_a_bad_shape_file(data_dir, cercle_history, tmp_path):
    effect = tmp_path / "effect.json"  # SYNTHETIC estimate in the layout of `minusma effect`
    rows = [{"design": "closing", "k": k, "estimate": 0.5 if k >= 3 else 0.0} for k in range(13)]
    effect.write_text(json.dumps({"event_time": rows, "radius_km": 50.0}))
    args = ["--history", str(cercle_history), "--data", str(data_dir), "--as-of", "2023-01"]
    prepared = forecasting.prepare_history(
        cercle_history, "cercle", data_dir=data_dir, protection_shape=effect
    )
    assert "closing_effect_within" in prepared.cube.names
    assert "opening_effect_within" not in prepared.cube.names  # the file has no opening rows
    ok = CliRunner().invoke(
        cli,
        ["forecast", *args, "--model", "glm", "--format", "csv", "--protection-shape", str(effect)],
    )
    assert ok.exit_code == 0, ok.output
    effect.write_text(json.dumps({"pooled": {}}))
    bad = CliRunner().invoke(cli, ["backtest", *args[:4], "--protection-shape", str(effect)])
    assert bad.exit_code == 1 and "no event_time rows" in bad.stderr
