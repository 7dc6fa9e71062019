"""Every performance figure of the README is the one in benchmarks/RESULTS.md.

The README's figure blocks are written by benchmarks/readme_figures.py from RESULTS.md (which
benchmarks/run_all.py rewrites); a README edited by hand, or a RESULTS.md rerun without
rewriting the README, fails here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def readme_figures():
    spec = importlib.util.spec_from_file_location(
        "readme_figures", BENCHMARKS / "readme_figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_figures_are_the_results_files(readme_figures, capsys):
    assert readme_figures.main(["--check"]) == 0, capsys.readouterr().err


def test_a_figure_edited_by_hand_is_found(readme_figures, tmp_path, capsys):
    readme = (BENCHMARKS.parent / "README.md").read_text()
    results = (BENCHMARKS / "RESULTS.md").read_text()
    f = readme_figures.figures(results)
    measured = f"| {f['s18']['prepare_s']} s |"
    assert measured in readme
    edited = tmp_path / "README.md"
    edited.write_text(readme.replace(measured, "| 0.01 s |", 1))
    assert readme_figures.main(["--check", "--readme", str(edited)]) == 1
    assert "['performance']" in capsys.readouterr().err


def test_targets_are_judged_from_the_figures(readme_figures):
    f = readme_figures.figures((BENCHMARKS / "RESULTS.md").read_text())
    f["s1m"] = {**f["s1m"], "prepare_s": "4.00", "evaluate_s": "6.50", "peak_mb": "1499"}
    judged = {name: met for name, _, _, met in readme_figures.targets(f)}
    assert judged["1,000,000 places and edges: prepare + evaluate"] is False
    assert judged["1,000,000 places and edges: peak memory through evaluate"] is True
    assert "10.50 s (4.00 + 6.50)" in readme_figures.targets_text(f)


def test_a_results_file_without_a_benchmark_is_refused(readme_figures, tmp_path, capsys):
    results = (BENCHMARKS / "RESULTS.md").read_text()
    cut = results.split("## Backtest")[0]
    short = tmp_path / "RESULTS.md"
    short.write_text(cut)
    assert readme_figures.main(["--check", "--results", str(short)]) == 2
    assert "no section starting 'Backtest'" in capsys.readouterr().err
