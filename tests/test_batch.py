"""Batches of scenarios (geo.exposure.batch, layers.scenarios): figures, parallel = serial, dask."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest

from minusma import layers
from minusma.geo._errors import ParameterError
from minusma.geo.exposure.assess import evaluate
from minusma.geo.exposure.batch import CLASSES, batch, summarise
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.assessment import context
from minusma.layers.scenarios import close_each, eve_of_withdrawal, keep_k, site_ids


@pytest.fixture(scope="module")
def ctx():
    return context()


@pytest.fixture(scope="module")
def bases():
    return layers.bases()


def test_close_each_builds_one_scenario_per_site_on_the_eve(bases):
    params, labels = close_each(bases, ExposureParams())
    assert len(params) == 14 and labels[0] == "none-closed" and labels[2] == "close-Ber"
    assert eve_of_withdrawal(bases).isoformat() == "2023-08-02"
    assert {p.as_of.isoformat() for p in params} == {"2023-08-02"}
    assert [p.close for p in params[1:]] == [(b,) for b in site_ids(bases)]


def test_keep_k_all_combinations_or_a_seeded_sample(bases):
    params, labels = keep_k(bases, ExposureParams(), 2)
    assert len(params) == 1 + math.comb(13, 2)
    assert len(set(labels)) == len(labels)
    few, _ = keep_k(bases, ExposureParams(), 4, max_scenarios=20, seed=7)
    again, _ = keep_k(bases, ExposureParams(), 4, max_scenarios=20, seed=7)
    assert len(few) == 21 and [p.keep for p in few] == [p.keep for p in again]
    assert len({p.keep for p in few}) == 21 and all(len(p.keep) == 4 for p in few[1:])
    assert len(site_ids(bases, june_2023_count=True)) == 11
    with pytest.raises(ParameterError, match="between 1 and 13"):
        keep_k(bases, ExposureParams(), 14)


def test_summarise_counts_missing_population_apart(ctx):
    frame = evaluate(ctx, ExposureParams())
    row = summarise(frame)
    assert sum(row[f"places_{c}"] for c in ("low", "moderate", "high", "severe", "unknown")) == 191
    exposed = frame[frame["exposure_class"].isin(["high", "severe"])]
    known = pd.to_numeric(exposed["population"], errors="coerce")
    assert row["people_exposed"] == pytest.approx(known.sum())
    assert row["no_population_exposed"] == int(known.isna().sum()) > 0
    # without a population column people are unknown, never zero
    bare = summarise(frame.drop(columns="population"))
    assert math.isnan(bare["people_exposed"]) and bare["no_population_exposed"] == len(exposed)


def test_batch_parallel_equals_serial_and_evaluate(ctx, bases):
    params, labels = close_each(bases, ExposureParams())
    serial = batch(ctx, params, labels=labels, n_jobs=1, per_place=True, progress=False)
    processes = batch(ctx, params, labels=labels, n_jobs=2, per_place=True, progress=False)
    pd.testing.assert_frame_equal(serial.summary, processes.summary)
    pd.testing.assert_frame_equal(serial.classes, processes.classes)
    gao = evaluate(ctx, params[-1]).set_index("town_id")["exposure_class"]
    assert serial.classes["close-Gao"].to_dict() == gao.to_dict()
    # closing Gao alone on the eve of the withdrawal leaves fewer places covered
    table = serial.summary
    assert table.loc["close-Gao", "places_covered"] < table.loc["none-closed", "places_covered"]
    assert (
        table.loc["close-Gao", "close"] == "MINUSMA-13"
        and table.loc["none-closed", "close"] is None
    )


def test_batch_rejects_mismatched_labels(ctx):
    with pytest.raises(ParameterError, match="one label per scenario"):
        batch(ctx, [ExposureParams()], labels=["a", "b"], progress=False)


def test_batch_on_a_dask_local_cluster_matches_serial(ctx, bases):
    from dask.distributed import Client, LocalCluster

    params, labels = close_each(bases, ExposureParams())
    params, labels = params[:5], labels[:5]
    serial = batch(ctx, params, labels=labels, n_jobs=1, per_place=True, progress=False)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        dask = batch(ctx, params, labels=labels, backend="dask", per_place=True, progress=False)
    pd.testing.assert_frame_equal(serial.summary, dask.summary)
    pd.testing.assert_frame_equal(serial.classes, dask.classes)
    assert np.isin(dask.classes.to_numpy(), CLASSES).all()


def test_auto_jobs_stays_in_this_process_for_small_work(ctx, bases, caplog):
    """The default: 14 scenarios on the shipped towns take well under a second serially."""
    params, labels = close_each(bases, ExposureParams())
    with caplog.at_level(logging.INFO, logger="minusma.geo.exposure.batch"):
        auto = batch(ctx, params, labels=labels, per_place=True, progress=False)
    assert "batch: 14 scenarios in this process" in caplog.text
    serial = batch(ctx, params, labels=labels, n_jobs=1, per_place=True, progress=False)
    pd.testing.assert_frame_equal(auto.summary, serial.summary)
    pd.testing.assert_frame_equal(auto.classes, serial.classes)


def test_auto_jobs_runs_long_batches_on_processes_with_the_same_results(
    ctx, bases, caplog, monkeypatch
):
    from minusma.geo.exposure import batch as batch_module

    monkeypatch.setattr(batch_module, "AUTO_PARALLEL_MIN_S", 0.0)  # every batch counts as long
    monkeypatch.setattr(batch_module.joblib, "cpu_count", lambda: 2)
    params, labels = close_each(bases, ExposureParams())
    with caplog.at_level(logging.INFO, logger="minusma.geo.exposure.batch"):
        auto = batch(ctx, params, labels=labels, per_place=True, progress=False)
    assert "12 scenarios left" in caplog.text and "on 2 processes" in caplog.text
    serial = batch(ctx, params, labels=labels, n_jobs=1, per_place=True, progress=False)
    pd.testing.assert_frame_equal(auto.summary, serial.summary)
    pd.testing.assert_frame_equal(auto.classes, serial.classes)
    # without the memory for a copy of this process per worker, it stays here
    caplog.clear()
    monkeypatch.setattr(
        batch_module.psutil, "virtual_memory", lambda: type("M", (), {"available": 1})()
    )
    with caplog.at_level(logging.INFO, logger="minusma.geo.exposure.batch"):
        batch(ctx, params[:4], labels=labels[:4], progress=False)
    assert "GB available: in this process" in caplog.text


@pytest.mark.parametrize("bad", [0, 1.5, "every", True])
def test_batch_refuses_a_bad_number_of_workers(ctx, bases, bad):
    params, labels = close_each(bases, ExposureParams())
    with pytest.raises(ParameterError, match="n_jobs must be 'auto'"):
        batch(ctx, params[:2], labels=labels[:2], n_jobs=bad, progress=False)


def test_a_worker_process_keeps_its_first_copy_of_the_context_warm_for_the_batch(ctx, bases):
    """Each chunk sent to a loky worker carries a fresh, cold copy of the context: the worker
    runs every chunk of one batch on the first copy it got (its cache warm), and a new batch
    replaces it."""
    import dataclasses

    from minusma.geo.exposure import batch as batch_module

    params, _ = close_each(bases, ExposureParams())
    first, second = (dataclasses.replace(ctx, _cache={}) for _ in range(2))
    rows = batch_module._run_in_worker("batch-a", first, [(0, params[0])], False, "town_id")
    held = batch_module._WORKER_CONTEXT
    assert list(held) == ["batch-a"] and held["batch-a"] is first and len(first._cache) > 0
    again = batch_module._run_in_worker("batch-a", second, [(0, params[0])], False, "town_id")
    assert again == rows and len(second._cache) == 0  # the warm copy answered
    batch_module._run_in_worker("batch-b", second, [(1, params[1])], False, "town_id")
    assert list(batch_module._WORKER_CONTEXT) == ["batch-b"]
    batch_module._WORKER_CONTEXT.clear()
