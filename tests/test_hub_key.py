"""The hub's columns are composed from the context's hub key (layers names it; geo holds none)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure.assess import evaluate
from minusma.geo.exposure.cache import ByteCache
from minusma.geo.exposure.params import ExposureParams, dimensions
from minusma.layers.assessment import context
from minusma.layers.mission import HUB_KEY


@pytest.fixture(scope="module")
def contexts():
    ctx = context()
    other = dataclasses.replace(ctx, hub_key="hub", _cache=ByteCache(ctx.cache_bytes))
    return ctx, other


def test_the_mali_layers_name_the_hub_bamako(contexts):
    ctx, _ = contexts
    assert ctx.hub_key == HUB_KEY == "bamako"
    assert dimensions(HUB_KEY)["access"] == ("bamako_time_score", "bamako_routes_score")


def test_another_key_renames_the_hub_columns_and_changes_no_value(contexts):
    ctx, other = contexts
    p = ExposureParams(as_of="2023-12-31", close_roads=["Diré–Goundam"])
    a, b = evaluate(ctx, p), evaluate(other, p)
    renamed = {c: "hub_" + c[len("bamako_") :] for c in a.columns if c.startswith("bamako_")}
    assert len(renamed) >= 8  # road km, hours, reachability, routes, cut-by, the two scores...
    assert not [c for c in b.columns if "bamako" in c]
    want = pd.DataFrame(a).rename(columns=renamed)
    # the names of missing indicators follow the key too
    want["missing_indicators"] = want["missing_indicators"].str.replace("bamako_", "hub_")
    pd.testing.assert_frame_equal(want, pd.DataFrame(b))
    assert "hub_time_score" in b.attrs["parameters"]["weights"]
    assert "bamako_time_score" in a.attrs["parameters"]["weights"]


def test_weights_name_the_hub_of_the_context(contexts):
    other = contexts[1]
    zero = evaluate(other, ExposureParams(as_of="2023-12-31", weights={"hub_time_score": 0}))
    assert zero.attrs["parameters"]["weights"]["hub_time_score"] == 0
    with pytest.raises(UnknownNameError, match="unknown weight name 'bamako_time_score'"):
        evaluate(other, ExposureParams(weights={"bamako_time_score": 0}))
    with pytest.raises(ParameterError, match="made for the hub 'bamako'"):
        evaluate(other, ExposureParams(hub_key="bamako"))
    with pytest.raises(UnknownNameError, match="valid names"):
        ExposureParams(weights={"hub_time": 1.0})
    with pytest.raises(ParameterError, match="taken by the model's columns"):
        ExposureParams(hub_key="capital")
    with pytest.raises(ParameterError, match="hub_key must be lower-case"):
        ExposureParams(hub_key="Bamako City")
