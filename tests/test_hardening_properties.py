"""Properties of the shared option types and of the model-file validator (issue 20, hypothesis).

Whatever text a user types, an option type either returns a value inside its stated bounds or
fails as a click usage error, never another exception, and never creates a file or folder. Whatever
a model file holds, the validator either accepts a model whose scores are finite numbers in
[0, 10] or raises the package's SchemaError; any edit of a file written by ``save`` is detected.
"""

from __future__ import annotations

import copy
import json
import math
import os
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minusma.cli import options
from minusma.geo._errors import SchemaError
from minusma.geo.exposure import calibrate as cal
from minusma.layers.mission import HUB_KEY

#: The calibrated model's features for the Mali hub.
FEATURES = cal.features(HUB_KEY)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
)
TEXT = st.one_of(
    st.text(max_size=300),
    NUMBERS.map(str),
    st.sampled_from(["", " ", "-0", "+5", "0x10", "1e3", "nan", "inf", "1_000", "٣", "True"]),
)


@pytest.mark.parametrize(
    ("kind", "low", "high", "excluded"),
    [
        (options.SEED, 0, options.SEED_MAX, ()),
        (options.JOBS, -1, options.JOBS_MAX, (0,)),
        (options.BOOT, 0, options.BOOT_MAX, ()),
        (options.RETRIES, 0, options.RETRIES_MAX, ()),
    ],
    ids=["seed", "jobs", "boot", "retries"],
)
@SETTINGS
@given(value=st.one_of(TEXT, st.integers(min_value=-(2**80), max_value=2**80)))
def test_bounded_ints_return_a_value_in_bounds_or_a_usage_error(kind, low, high, excluded, value):
    try:
        got = kind.convert(value, None, None)
    except click.BadParameter as exc:
        assert f"{low:,}" in str(exc) or "whole number" in str(exc) or "got" in str(exc)
        return
    assert isinstance(got, int) and not isinstance(got, bool)
    assert low <= got <= high and got not in excluded


@SETTINGS
@given(value=st.one_of(TEXT, NUMBERS))
def test_match_km_is_finite_positive_and_capped_or_a_usage_error(value):
    try:
        got = options.MATCH_KM.convert(value, None, None)
    except click.BadParameter:
        return
    assert math.isfinite(got) and 0 < got <= options.MATCH_KM_MAX


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sandbox")
    (root / "dir").mkdir()
    (root / "file.txt").write_text("x")
    return root


PATH_PARTS = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=40,
    ),
    st.sampled_from(["dir", "file.txt", "..", ".", "", "n" * 300, "missing", "~"]),
)


@SETTINGS
@given(parts=st.lists(PATH_PARTS, min_size=1, max_size=4), suffix=st.sampled_from(["", ".html"]))
def test_path_options_never_raise_anything_else_and_create_nothing(sandbox, parts, suffix):
    before = sorted(p.relative_to(sandbox) for p in sandbox.rglob("*"))
    value = os.path.join(str(sandbox), *parts) + suffix
    for kind in (
        options.OutFile(),
        options.OutFile((".html", ".htm")),
        options.WritableDir(),
        options.ReadableDir(),
    ):
        try:
            got = kind.convert(value, None, None)
        except click.BadParameter as exc:
            assert len(str(exc)) < 1_000  # long values are shortened
            continue
        assert isinstance(got, Path)
        if isinstance(kind, options.OutFile):
            assert got.parent.is_dir() and not got.is_dir()
        if isinstance(kind, options.ReadableDir):
            assert got.is_dir()
    assert sorted(p.relative_to(sandbox) for p in sandbox.rglob("*")) == before


# --------------------------------------------------------------------------- model files


def _valid_model() -> dict:
    """A synthetic calibrated model (every value made up, in range), as ``save`` writes it."""
    n = len(FEATURES)
    model = cal.CalibratedModel(
        features=FEATURES,
        coef=tuple(0.2 + 0.1 * i for i in range(n)),
        intercept=-2.0,
        mean=(0.5,) * n,
        scale=(1.5,) * n,
        impute=(0.0,) * n,
        decay_scale_km=50.0,
        meta={
            "fit_features_as_of": "2023-10-01",
            "fit_outcomes": ["2023-10-02", "2024-01-31"],
            "test_features_as_of": "2024-01-31",
            "test_outcomes": ["2024-02-01", "2024-06-30"],
        },
    )
    return model.to_dict()


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**6), max_value=10**6),
        st.text(max_size=10),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
KEYS = [
    "features",
    "coef",
    "intercept",
    "mean",
    "scale",
    "impute",
    "decay_scale_km",
    "history_radius_km",
    "history_months",
    "meta",
]
FRAME = pd.DataFrame(
    np.random.default_rng(0).uniform(0, 10, size=(20, len(FEATURES))), columns=FEATURES
)


@SETTINGS
@given(
    key=st.sampled_from(KEYS),
    value=JSON_VALUES,
    index=st.integers(min_value=0, max_value=len(FEATURES) - 1),
    whole=st.booleans(),
)
def test_the_model_validator_accepts_only_models_that_score_sensibly(key, value, index, whole):
    data = copy.deepcopy(_valid_model())
    if whole or not isinstance(data[key], list):
        data[key] = value
    else:
        data[key][index] = value
    try:
        model = cal.CalibratedModel.from_dict(data, name="m.json")
    except SchemaError as exc:
        assert str(exc).startswith("m.json:")
        return
    scores = model.score(FRAME)
    assert np.isfinite(scores).all() and ((scores >= 0) & (scores <= 10)).all()
    assert sum(c for c in model.coef) > 0  # never an inverted ranking


@SETTINGS
@given(
    key=st.sampled_from(KEYS[1:6]),
    index=st.integers(0, len(FEATURES) - 1),
    delta=st.floats(min_value=1e-9, max_value=1e3),
)
def test_any_edit_of_a_saved_model_is_detected(tmp_path_factory, key, index, delta):
    folder = tmp_path_factory.mktemp("model")
    path = cal.CalibratedModel.from_dict(_valid_model()).save(folder / "m.json")
    assert cal.load_model(path).meta["checksum_verified"] is True
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data[key], list):
        data[key][index] = data[key][index] + delta
    else:
        data[key] = data[key] + delta
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SchemaError, match="changed after `minusma calibrate`"):
        cal.load_model(path)
    try:
        edited = cal.load_model(path, accept_edited=True)
    except SchemaError:  # the edit itself made the model invalid (e.g. a negative scale)
        return
    assert edited.meta["checksum_verified"] is False
