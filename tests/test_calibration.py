"""The calibrated model: fitted on the shipped events, tested out of time, used by assess."""

import datetime as dt
import json

import numpy as np
import pytest
from click.testing import CliRunner

from minusma import Study
from minusma.cli.main import cli
from minusma.geo._errors import ParameterError, SchemaError
from minusma.geo.exposure import calibrate as cal
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.calibration import calibrate
from minusma.layers.mission import HUB_KEY


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    model, report = calibrate(n_boot=200)
    path = model.save(tmp_path_factory.mktemp("model") / "weights.json")
    return model, report, path


def test_fit_records_its_windows_and_keeps_features_and_outcomes_apart(fitted):
    model, report, _ = fitted
    meta = model.meta
    assert (
        meta["fit_features_as_of"] == "2023-10-01" and meta["test_features_as_of"] == "2024-01-31"
    )
    assert meta["fit_outcomes"] == ["2023-10-02", "2024-01-31"]
    assert meta["test_outcomes"] == ["2024-02-01", "2024-06-30"]
    assert meta["events_checksum"].startswith("sha256:")
    assert model.decay_scale_km in cal.DECAY_SCALES_KM
    assert set(model.features) <= set(cal.features(HUB_KEY))
    assert report["in_sample"]["sample"] == "in-sample"
    assert report["out_of_sample"]["sample"] == "out-of-sample"
    names = [r["name"] for r in report["out_of_sample"]["table"]]
    assert names[:2] == ["calibrated", "inform (hand-set)"] and "baseline_random" in names
    for row in report["out_of_sample"]["table"]:
        assert row["auc_low"] <= row["auc"] <= row["auc_high"]


def test_model_file_round_trip_and_assess_uses_it(fitted):
    model, _, path = fitted
    again = cal.load_model(path)
    assert again.coef == model.coef and again.decay_scale_km == model.decay_scale_km
    out = Study().assess(as_of="2024-01-31", model=str(path)).set_index("town_id")
    ours = out["exposure_score"].dropna()
    assert ((ours >= 0) & (ours <= 10)).all() and ours.nunique() > 20
    # the hand-set score is kept beside it, and the classes follow the calibrated score
    assert "exposure_score_inform" in out and out.attrs["parameters"]["model"] == str(path)
    inform = Study().assess(as_of="2024-01-31").set_index("town_id")
    both = inform["exposure_score"].dropna()
    assert np.allclose(out["exposure_score_inform"].reindex(both.index), both)


def test_assess_applies_the_model_files_history_settings(fitted, tmp_path):
    """A model file's history_radius_km and history_months are what the assessment computes the
    conflict history with (they were recorded and checked, but the defaults were applied)."""
    import dataclasses

    model, _, _ = fitted
    wide = dataclasses.replace(model, history_radius_km=150.0, history_months=6)
    path = wide.save(tmp_path / "wide.json")
    study = Study()
    out = study.assess(as_of="2024-03-31", model=str(path))
    ctx = study.context
    want = cal.conflict_history(
        ctx.places,
        ctx.events,
        as_of=dt.date(2024, 3, 31),
        coverage=ctx.events_coverage,
        radius_km=150.0,
        months=6,
    )
    default = cal.conflict_history(
        ctx.places, ctx.events, as_of=dt.date(2024, 3, 31), coverage=ctx.events_coverage
    )
    ids = ctx.places["town_id"].to_numpy()
    got = out.set_index("town_id")["conflict_history_score"].reindex(ids).to_numpy()
    assert np.allclose(got, want.to_numpy(), equal_nan=True)
    assert not np.allclose(got, default.to_numpy(), equal_nan=True)


def test_security_decay_is_the_protection_lost():
    before, now = np.array([0.0, 10.0, 30.0, np.nan]), np.array([0.0, np.nan, 300.0, 5.0])
    got = cal.security_decay_score(before, now, 50.0)
    assert got[0] == 0.0  # still covered by the same site
    assert got[1] == pytest.approx(10 * np.exp(-10 / 50))  # no site open now: all protection lost
    assert got[2] == pytest.approx(10 * (np.exp(-30 / 50) - np.exp(-300 / 50)))
    assert np.isnan(got[3])


def test_bad_model_names_and_files(tmp_path):
    with pytest.raises(ParameterError, match="neither 'inform' nor a model file"):
        ExposureParams(model="logit")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "forest"}))
    with pytest.raises(SchemaError, match="not a calibrated model file"):
        cal.load_model(bad)
    res = CliRunner().invoke(cli, ["towns", "--model", str(tmp_path / "missing.json")])
    assert res.exit_code == 1 and "minusma calibrate" in res.output


def test_calibrate_command_writes_the_model(tmp_path):
    out = tmp_path / "w.json"
    res = CliRunner().invoke(cli, ["calibrate", "--out", str(out), "--boot", "100"])
    assert res.exit_code == 0, res.output
    assert "out-of-sample (2024-01-31 to 2024-06-30" in res.stdout and "in-sample" in res.stdout
    assert json.loads(out.read_text())["kind"] == "logistic"
    res = CliRunner().invoke(cli, ["calibrate", "--out", str(out), "--until", "2023-09-01"])
    assert res.exit_code == 1 and "fit_from < until < to_date" in res.output


def test_validate_labels_a_calibrated_model_by_its_fit_window(fitted):
    from minusma.layers.validation import validate

    _, _, path = fitted
    params = ExposureParams(model=str(path))
    _, meta = validate(params=params, n_boot=0)
    assert meta["sample"] == "mixed"  # the whole window straddles the fit's end (2024-01-31)
    _, meta = validate(params=params, from_date="2024-02-01", n_boot=0)
    assert meta["sample"] == "out-of-sample"
    _, meta = validate(params=params, to_date="2024-01-31", n_boot=0)
    assert meta["sample"] == "in-sample"


def test_calibrate_lets_no_library_warning_reach_the_user(tmp_path):
    """Issue 20: scikit-learn's FutureWarnings (l1_ratios, use_legacy_attributes) were printed;
    the call now passes those arguments explicitly."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        warnings.simplefilter("error", DeprecationWarning)
        result = CliRunner().invoke(
            cli, ["-q", "calibrate", "--boot", "100", "--out", str(tmp_path / "w.json")]
        )
    assert result.exit_code == 0, (result.output, repr(result.exception))
    assert "Warning" not in result.stderr
    assert json.loads((tmp_path / "w.json").read_text())["checksum"].startswith("sha256:")


@pytest.mark.parametrize(
    ("as_of", "months", "first_day"),
    [
        ("2023-10-31", 3, "2023-07-31"),  # the same day: was 28 Jul (day capped at 28)
        ("2024-05-31", 3, "2024-02-29"),  # a shorter month: its last day (leap year)
        ("2023-05-31", 3, "2023-02-28"),
        ("2024-03-30", 1, "2024-02-29"),
        ("2024-01-15", 2, "2023-11-15"),  # across a year
    ],
)
def test_conflict_history_window_is_calendar_months(as_of, months, first_day):
    """SYNTHETIC events (one place, one event a day around the window's start): the window starts
    on the first day exactly, and data covering from that day is enough."""
    import geopandas as gpd
    from shapely.geometry import Point

    as_of, first = dt.date.fromisoformat(as_of), dt.date.fromisoformat(first_day)
    place = gpd.GeoDataFrame(geometry=[Point(-3.0, 16.8)], crs="EPSG:4326")
    days = [first + dt.timedelta(days=d) for d in (-3, -2, -1, 0, 1)]
    events = gpd.GeoDataFrame({"date": days}, geometry=[Point(-3.0, 16.8)] * 5, crs="EPSG:4326")
    got = cal.conflict_history(place, events, as_of=as_of, coverage=(first, as_of), months=months)
    assert got.iloc[0] == pytest.approx(np.log1p(2))  # the first day and the next
    late = (first + dt.timedelta(days=1), as_of)
    gap = cal.conflict_history(place, events, as_of=as_of, coverage=late, months=months)
    assert np.isnan(gap.iloc[0])  # data starting after the first day: missing, not zero
