"""One model, one answer: the same parameters give the same classes in every output.

``minusma towns``, the export's exposure layer, the map (HTML and PNG share
:func:`maps.exposure.town_exposure`) and the timeline, at radius 25, 50 and 100 km, in both seasons.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from minusma import layers
from minusma.cli.main import cli
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.assessment import analysis_layers, assess, timeline
from minusma.maps.exposure import town_exposure

AS_OF = "2023-12-31"


@pytest.mark.parametrize("season", ["dry", "wet"])
@pytest.mark.parametrize("radius_km", [25.0, 50.0, 100.0])
def test_same_classes_everywhere(radius_km, season):
    params = ExposureParams(as_of=AS_OF, radius_km=radius_km, season=season)
    want = assess(params=params).set_index("town_id")["exposure_class"]
    # the command line
    res = CliRunner().invoke(
        cli,
        [
            "towns",
            "--format",
            "csv",
            "--no-robustness",
            "--as-of",
            AS_OF,
            "--radius-km",
            str(radius_km),
            "--season",
            season,
        ],
    )
    assert res.exit_code == 0, res.output
    cli_classes = pd.read_csv(io.StringIO(res.stdout)).set_index("town_id")["exposure_class"]
    assert cli_classes.reindex(want.index).fillna("unknown").equals(want.fillna("unknown"))
    # the map (interactive and static): the step of the date
    exposure = town_exposure(layers.towns(), layers.bases(), params)
    on_or_before = [c for c in exposure.classes.columns if c <= AS_OF][-1]  # the map's step
    step = exposure.classes[on_or_before]
    shown = step.dropna()
    assert len(shown) > 150
    assert (shown == want.reindex(shown.index)).all()
    details = exposure.details["exposure_class"].dropna()
    assert (details == want.reindex(details.index)).all()
    # the timeline: its step on or before the date
    steps = timeline(params)
    last = steps[steps["as_of"] <= AS_OF]["step"].max()
    at = steps[steps["step"] == last].set_index("town_id")["exposure_class"]
    assert at.reindex(want.index).fillna("unknown").equals(want.fillna("unknown"))


def test_export_layer_has_the_same_classes():
    params = ExposureParams(as_of=AS_OF, radius_km=25.0, season="wet")
    want = assess(params=params).set_index("town_id")["exposure_class"]
    exported, _ = analysis_layers(params)["exposure"]
    got = exported.set_index("town_id")["exposure_class"]
    assert got.reindex(want.index).fillna("unknown").equals(want.fillna("unknown"))
    # and the robustness ranges are measured around these parameters, not the defaults
    default, _ = analysis_layers(ExposureParams(as_of=AS_OF))["exposure"]
    assert not exported["rank_max"].equals(default["rank_max"])
