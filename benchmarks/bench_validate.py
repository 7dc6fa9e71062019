"""Benchmark: the validation report on the 18,769 OCHA COD settlements with 1,000 bootstrap draws,
beside a baseline that computes the same metrics with scikit-learn in a Python loop over the draws.

Run:  python benchmarks/bench_validate.py [--events FILE] [--boot 1000] [--data DIR]

The events default to the synthetic ACLED fixture (tests/fixtures/events_synthetic_acled.csv): the
timing depends on the number of places, rankings and draws, hardly on the events. The settlement
assessment is run once before timing (its cost is the assessment's, benchmarked in
bench_assess.py). Not a test: prints figures side by side.

What is timed, on the same labels and scores:

* ``minusma``: :func:`layers.validation.validate_scores` (labels by KD-tree + geodesic match, the
  baselines, every metric of every ranking on the same 1,000 draws, paired differences);
* ``baseline``: the same draws as index arrays, and for each draw and each ranking
  ``roc_auc_score`` and ``average_precision_score`` on the resampled places (precision at k and the
  paired differences left out, so the baseline does less work than the package).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from minusma.geo.evaluation import positive_places
from minusma.layers.events import read_events
from minusma.layers.validation import (
    assessment_scores,
    baseline_scores,
    model_columns,
    validate_scores,
)

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", default=str(REPO / "tests" / "fixtures" / "events_synthetic_acled.csv")
    )
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument(
        "--data", default=os.environ.get("MINUSMA_DATA", str(REPO.parent / "shared" / "data"))
    )
    parser.add_argument(
        "--baseline-draws",
        type=int,
        default=100,
        help="draws actually run by the slow baseline (its time is scaled to --boot)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.simplefilter("ignore")

    t0 = time.perf_counter()
    places = assessment_scores(as_of=None, places="settlements", data_dir=args.data)
    t_assess = time.perf_counter() - t0
    events = read_events(args.events, from_date="2023-07-01", to_date="2024-06-30")

    t0 = time.perf_counter()
    table, meta = validate_scores(places, events, n_boot=args.boot, seed=0)
    t_ours = time.perf_counter() - t0

    # the baseline: same labels and rankings, scikit-learn per draw and per ranking
    labels = positive_places(places, events)
    rankings = {c: places[c].to_numpy("float64") for c in model_columns(places)}
    rankings.update({k: v.to_numpy("float64") for k, v in baseline_scores(places).items()})
    y_all = labels.to_numpy(dtype=float, na_value=np.nan)
    labelled = np.isfinite(y_all)
    y = y_all[labelled].astype(bool)
    rng = np.random.default_rng(0)
    n = len(y)
    t0 = time.perf_counter()
    for _ in range(args.baseline_draws):
        idx = rng.integers(0, n, n)
        for s in rankings.values():
            s_l = s[labelled][idx]
            ok = np.isfinite(s_l)
            yy = y[idx][ok]
            if yy.any() and not yy.all():
                roc_auc_score(yy, s_l[ok])
                average_precision_score(yy, s_l[ok])
    t_base = (time.perf_counter() - t0) * args.boot / args.baseline_draws

    print(f"places: {meta['n_places']:,} settlements ({meta['n_positive']} positive), ")
    print(f"events: {meta['n_events']} from {args.events}")
    print(f"rankings: {len(table)}; bootstrap draws: {args.boot:,}")
    print(f"assessment (once, not timed below): {t_assess:.1f} s")
    print(f"minusma validate_scores            : {t_ours:.2f} s")
    print(
        f"baseline (scikit-learn loop, AUC + AP only; {args.baseline_draws} draws run, scaled): "
        f"{t_base:.1f} s"
    )
    print(f"ratio baseline / minusma            : {t_base / t_ours:.0f}x")


if __name__ == "__main__":
    main()
