"""Which sites should have stayed: geo.covering on a hand-made case, layers.plan and the CLIs."""

from __future__ import annotations

import io
import itertools
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.geo._errors import ParameterError
from minusma.geo.covering import covered_weight, exhaustive, greedy, mclp
from minusma.layers.assessment import context
from minusma.layers.plan import plan

# Points 0..5, sites A..D. Greedy takes A (5 + 5 = 10) first, then adds only 4 (B or C): 14;
# the optimum B + C covers 5 + 4 + 5 + 4 = 18. Point 5 is out of every reach.
COVER = np.array(
    [
        # A  B  C  D
        [1, 1, 0, 0],  # 5
        [1, 0, 1, 0],  # 5
        [0, 1, 0, 0],  # 4
        [0, 0, 1, 0],  # 4
        [0, 0, 0, 1],  # 2
        [0, 0, 0, 0],  # 9
    ],
    dtype=bool,
)
WEIGHT = np.array([5.0, 5.0, 4.0, 4.0, 2.0, 9.0])


def test_hand_made_case_optimum_beats_greedy():
    assert exhaustive(COVER, WEIGHT, 2) == ((1, 2), 18.0)
    assert mclp(COVER, WEIGHT, 2) == ((1, 2), 18.0)
    assert greedy(COVER, WEIGHT, 2) == ((0, 1), 14.0)  # A first: the greedy trap
    assert mclp(COVER, WEIGHT, 1).covered == 10.0
    assert covered_weight(COVER, WEIGHT, []) == 0.0
    with pytest.raises(ParameterError, match="between 1 and 4"):
        mclp(COVER, WEIGHT, 5)
    with pytest.raises(ParameterError, match="finite"):
        greedy(COVER, np.array([1.0, np.nan, 1, 1, 1, 1]), 1)


def test_mclp_equals_exhaustive_on_random_cases():
    rng = np.random.default_rng(3)
    for _ in range(5):
        cover = rng.random((40, 7)) < 0.25
        weight = rng.integers(0, 100, 40).astype(float)
        for k in (1, 3):
            assert mclp(cover, weight, k).covered == exhaustive(cover, weight, k).covered


@pytest.fixture(scope="module")
def ctx():
    return context()


def test_plan_on_shipped_towns_optimum_beats_greedy_and_singles(ctx):
    answer = plan(ctx, keep=3)
    t = answer.table
    assert t.loc["optimum", "value"] == t.loc["exhaustive", "value"]
    assert t.loc["optimum", "value"] >= t.loc["greedy", "value"]
    assert t.loc["optimum", "value"] >= answer.singles.max()
    assert t.loc["actual", "base_ids"] == "MINUSMA-12;MINUSMA-11;MINUSMA-13"  # last 3 to close
    assert (
        t.loc["optimum", "gain_over_actual"] == t.loc["optimum", "value"] - t.loc["actual", "value"]
    )
    assert answer.notes["places_without_population"] > 0 and "left out" in answer.caveats[0]
    eleven = plan(ctx, keep=2, june_2023_count=True)
    assert "Bamako" not in eleven.table["sites"].str.cat() and len(eleven.singles) == 11


def test_plan_honours_close_and_refuses_what_the_covering_ignores(ctx):
    """Issue 20: `plan --keep 3 --close Gao` picked Gao; --close-road and --model were ignored."""
    from minusma.geo.exposure.params import ExposureParams

    free = plan(ctx, keep=3)
    assert "MINUSMA-13" in free.table.loc["optimum", "base_ids"]  # Gao is worth keeping ...
    closed = plan(ctx, ExposureParams(close=["Gao"]), keep=3)
    assert not closed.table["base_ids"].str.contains("MINUSMA-13").any()  # ... unless closed
    assert "Gao" not in " ".join(closed.singles.index)
    with pytest.raises(ParameterError, match="--close-road change"):
        plan(ctx, ExposureParams(close_roads=["Gao–Ansongo"]), keep=3)


def test_plan_exposed_minimises_people_in_high_or_severe_places(ctx):
    answer = plan(ctx, keep=1, objective="exposed")
    t = answer.table
    assert t.loc["optimum", "value"] == answer.singles.min() <= t.loc["greedy", "value"]
    assert t.loc["optimum", "gain_over_actual"] >= 0


def test_plan_with_worldpop(ctx, data_dir):
    answer = plan(ctx, keep=2, data_dir=data_dir)
    assert answer.unit == "people (WorldPop 2020)"
    assert answer.table.loc["optimum", "value"] >= answer.table.loc["greedy", "value"]
    # the Bamako HQ covers the capital's millions: any best pair keeps it
    assert "Bamako" in answer.table.loc["optimum", "sites"]


def test_cli_plan_keep_3():
    res = CliRunner().invoke(cli, ["plan", "--keep", "3"])
    assert res.exit_code == 0, res.output
    assert "optimum" in res.stdout and "actual     Bamako+Timbuktu+Gao" in res.stdout
    assert "caveats:" in res.stdout and "census" in res.stdout
    res = CliRunner().invoke(cli, ["plan", "--keep", "2", "--format", "json", "--radius-km", "25"])
    doc = json.loads(res.stdout)
    assert doc["parameters"]["radius_km"] == 25.0 and doc["answers"][0]["answer"] == "optimum"
    bad = CliRunner().invoke(cli, ["plan", "--keep", "20"])
    assert bad.exit_code != 0 and "between 1 and 13" in bad.output


def test_cli_scenarios_close_each_and_keep_k(tmp_path):
    out = tmp_path / "classes.csv"
    res = CliRunner().invoke(
        cli, ["-q", "scenarios", "--close-each", "--format", "csv", "--per-place", str(out)]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(io.StringIO(res.stdout))
    assert len(table) == 14 and table["scenario"].iloc[0] == "none-closed"
    assert "scenarios:" not in res.stderr  # -q: no progress bar
    classes = pd.read_csv(out)
    assert classes.shape == (191, 15)
    res = CliRunner().invoke(cli, ["scenarios", "--keep-k", "5", "--max-scenarios", "10"])
    assert res.exit_code == 0, res.output
    assert res.stdout.count("keep-") == 10 and "none-kept" in res.stdout
    both = CliRunner().invoke(cli, ["scenarios", "--close-each", "--keep-k", "2"])
    assert both.exit_code != 0 and "one of --close-each or --keep-k" in both.output


def test_cli_scenarios_on_settlements(data_dir):
    res = CliRunner().invoke(
        cli,
        [
            "scenarios",
            "--close-each",
            "--places",
            "settlements",
            "--data",
            str(data_dir),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    rows = doc["scenarios"]
    assert len(rows) == 14 and rows[0]["places"] == 18769
    assert rows[0]["people_exposed"] is None  # settlements have no population: unknown, not 0
    assert rows[0]["no_population_exposed"] == rows[0]["places_exposed"]
    assert len(list(itertools.chain(rows))) == 14
