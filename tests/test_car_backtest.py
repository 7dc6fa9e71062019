"""The CAR backtest of record runs on the real data directory, and the README carries its tables.

Real data: UCDP GED 23.1 for the Central African Republic and Geo-PKO MINUSCA sites, read from
the data directory (``../shared/data`` in CI).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "car_backtest", ROOT / "scripts" / "car_backtest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_car_backtest_on_real_data_matches_the_readme(data_dir):
    script = _script()
    result = script.car_backtest(data_dir)
    assert result.origins == [f"{y}-01" for y in range(2016, 2022)]
    pooled = result.pooled.set_index("name")
    assert set(pooled.index) == {
        "persistence",
        "history",
        "decayed",
        "near_site",
        "far_from_capital",
        "glm",
        "gbm",
    }
    assert (pooled["n_origins"] == 6).all() and (pooled["n_units"] == 390).all()
    # real behaviour: last year's violence ranks next year's far above chance
    assert pooled.loc["persistence", "spearman_low"] > 0.2
    assert pooled.loc["gbm", "auc_any_low"] > 0.8
    # the README shows exactly what the script prints
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Does the forecast beat persistence?")[1].split("\n## ")[0]
    assert script.markdown(result).strip() in section
