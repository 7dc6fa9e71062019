"""One model, one answer: a Study gives the same classes in every output.

``minusma towns``, the export's exposure layer, the map and the PNG (both draw
:meth:`minusma.Study.exposure_timeline`) and the timeline, at radius 25, 50 and 100 km, in both
seasons; with a data directory too (``towns --data D`` and ``map --data D``). A Study's
preparation settings (snap distance, air reach) change the values they govern and are recorded as
applied. Every assessing command takes the same exposure options, ``--model`` included.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from minusma import Study, layers
from minusma.cli.main import COMMANDS, cli
from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.assessment import analysis_layers

AS_OF = "2023-12-31"


def _classes(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index("town_id")["exposure_class"].fillna("unknown")


def _cli_frame(*args: str) -> pd.DataFrame:
    res = CliRunner().invoke(cli, ["-q", "towns", "--format", "csv", "--no-robustness", *args])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout.lstrip("\ufeff")))


def _cli_classes(*args: str) -> pd.Series:
    return _classes(_cli_frame(*args))


@pytest.mark.parametrize("season", ["dry", "wet"])
@pytest.mark.parametrize("radius_km", [25.0, 50.0, 100.0])
def test_same_classes_everywhere(radius_km, season):
    params = ExposureParams(as_of=AS_OF, radius_km=radius_km, season=season)
    study = Study()
    want = _classes(study.assess(params))
    args = ["--as-of", AS_OF, "--radius-km", str(radius_km), "--season", season]
    assert _cli_classes(*args).reindex(want.index).equals(want)
    # the map (interactive and static draw the same exposure timeline): the step of the date
    exposure = study.exposure_timeline(params).for_towns(layers.towns())
    on_or_before = [c for c in exposure.classes.columns if c <= AS_OF][-1]  # the map's step
    shown = exposure.classes[on_or_before].dropna()
    assert len(shown) > 150
    assert (shown == want.reindex(shown.index)).all()
    details = exposure.details["exposure_class"].dropna()
    assert (details == want.reindex(details.index)).all()
    # the timeline: its step on or before the date
    steps = study.timeline(params)
    last = steps[steps["as_of"] <= AS_OF]["step"].max()
    at = _classes(steps[steps["step"] == last])
    assert at.reindex(want.index).equals(want)


def test_export_layer_has_the_same_classes():
    params = ExposureParams(as_of=AS_OF, radius_km=25.0, season="wet")
    study = Study()
    want = _classes(study.assess(params))
    exported, _ = analysis_layers(study.context, params)["exposure"]
    assert _classes(exported).reindex(want.index).equals(want)
    # and the robustness ranges are measured around these parameters, not the defaults
    default, _ = analysis_layers(study.context, ExposureParams(as_of=AS_OF))["exposure"]
    assert not exported["rank_max"].equals(default["rank_max"])


def test_towns_and_map_with_a_data_dir_give_every_town_one_class(data_dir, tmp_path, monkeypatch):
    """``towns --data D``, ``map --data D`` (HTML and PNG) and the export agree, on the model of
    the open datasets (which differs from the shipped layers' for some towns)."""
    from minusma.maps import build, static

    drawn = {}

    def spy(module, name):
        real = getattr(module, name)

        def wrapper(exposure, **kwargs):
            drawn[name] = exposure
            return real(exposure, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    spy(build, "make_map")
    spy(static, "static_map")
    study = Study(data_dir)
    truth = study.assess(as_of=AS_OF).set_index("town_id")
    # the open datasets do change the model's inputs (the real Niger course: riverside towns)
    shipped = Study().assess(as_of=AS_OF).set_index("town_id")["riverside"]
    assert truth["riverside"].reindex(shipped.index).ne(shipped).sum() > 5
    frame = _cli_frame("--as-of", AS_OF, "--data", str(data_dir)).set_index("town_id")
    on_data = frame["exposure_class"].fillna("unknown")
    assert on_data.equals(truth["exposure_class"].fillna("unknown").reindex(on_data.index))
    assert (
        frame["exposure_score"].sub(truth["exposure_score"].reindex(frame.index)).abs().max() < 0.01
    )
    res = CliRunner().invoke(
        cli,
        [
            *("-q", "map", "--as-of", AS_OF, "--data", str(data_dir)),
            *("--out", str(tmp_path / "m.html"), "--png", str(tmp_path / "m.png"), "--dpi", "50"),
        ],
    )
    assert res.exit_code == 0, res.output
    for name in ("make_map", "static_map"):
        exposure = drawn[name]
        step = [c for c in exposure.classes.columns if c <= AS_OF][-1]
        shown = exposure.classes[step].dropna()
        assert len(shown) > 150, name
        assert (shown == on_data.reindex(shown.index)).all(), name
    # $MINUSMA_DATA is the same rule as --data
    monkeypatch.setenv("MINUSMA_DATA", str(data_dir))
    assert _cli_classes("--as-of", AS_OF).equals(on_data)


def test_preparation_settings_change_the_values_and_are_recorded():
    near, far = Study(air_reach_km=20), Study(air_reach_km=100)
    a, b = near.assess(as_of=AS_OF), far.assess(as_of=AS_OF)
    assert a.attrs["parameters"]["air_reach_km"] == 20.0
    assert b.attrs["parameters"]["air_reach_km"] == 100.0
    air = "air_state" if "air_state" in a else "air_score"
    ids = a["town_id"]
    changed = a.set_index("town_id")[air].ne(b.set_index("town_id")[air].reindex(ids).to_numpy())
    assert changed.sum() > 10
    tight, loose = Study(max_snap_km=1), Study(max_snap_km=30)
    on_t = tight.assess().set_index("town_id")["on_road_network"]
    on_l = loose.assess().set_index("town_id")["on_road_network"].reindex(on_t.index)
    assert on_t.sum() < on_l.sum()
    assert tight.assess().attrs["parameters"]["max_snap_km"] == 1.0
    # replace() keeps the other settings and prepares anew
    again = near.replace(max_snap_km=30)
    assert again.preparation.air_reach_km == 20 and again.preparation.max_snap_km == 30
    # an evaluation parameter cannot pretend to change a preparation setting
    with pytest.raises(ParameterError, match="preparation settings"):
        near.assess(air_reach_km=50)


def test_the_preparation_options_reach_the_study():
    res = CliRunner().invoke(cli, ["towns", "--format", "json", "--air-reach-km", "20"])
    assert res.exit_code == 0, res.output
    assert '"air_reach_km": 20.0' in res.stdout


#: Commands that assess (every one takes the exposure options and --model).
ASSESSING = {
    "towns": ["towns"],
    "map": ["map"],
    "export": ["export"],
    "diff": ["diff"],
    "chart": ["chart", "timeline"],
    "population": ["population"],
    "summary": ["summary"],
    "report": ["report"],
    "validate": ["validate"],
    "scenarios": ["scenarios"],
    "plan": ["plan"],
}


@pytest.mark.parametrize("name", sorted(ASSESSING))
def test_every_assessing_command_takes_the_model_and_the_data_rule(name):
    command = cli.get_command(None, ASSESSING[name][0])
    if len(ASSESSING[name]) > 1:
        command = command.get_command(None, ASSESSING[name][1])
    params = {p.name for p in command.params}
    assert {"model", "radius_km", "season", "close_roads", "data_dir"} <= params, name
    assert {"max_snap_km", "air_reach_km"} <= params, name
    data = next(p for p in command.params if p.name == "data_dir")
    assert data.envvar == "MINUSMA_DATA"


def test_the_table_covers_every_command_that_assesses():
    # forecast and backtest learn from an event history (issue 17), not from the exposure model
    not_assessing = {
        "fetch",
        "data",
        "assets",
        "layers",
        "query",
        "calibrate",
        "forecast",
        "backtest",
    }
    # sites and effect measure violence around sites (issue 18), not the exposure model
    not_assessing |= {"sites", "effect"}
    assert set(COMMANDS) - not_assessing == set(ASSESSING)


def test_the_cache_budget_is_a_study_setting():
    shared = Study().context
    small = Study(cache_mb=1)
    assert small.context.cache_bytes == 2**20 and shared.cache_bytes != 2**20
    assert small.context.graph is shared.graph  # the prepared model is shared, the cache is not
    small.assess(close=["Ber"])
    assert len(small.context._cache) > 0
    small.clear_cache()
    assert len(small.context._cache) == 0
    with pytest.raises(ParameterError, match="cache_mb"):
        Study(cache_mb=0)
