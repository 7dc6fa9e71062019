"""Benchmark: writing the reasons row by row against once per distinct text, by number of rows.

Run:  python benchmarks/bench_reasons.py [--data DIR]

The reasons of random subsets of the 18,769 OCHA settlements (assessed once, not timed) are
rendered in English both ways (``geo.exposure.reasons.DISTINCT_MIN_ROWS`` set so that one or
the other is used), best of 7 each; the crossover is where ``DISTINCT_MIN_ROWS`` belongs. The
texts are the same both ways (tests/test_reasons.py). Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import warnings
from pathlib import Path

import numpy as np

from minusma import Study
from minusma.geo.exposure import reasons

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def best_ms(said: reasons.Reasons, repeat: int = 7) -> float:
    """The fastest of ``repeat`` English renders, in ms."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        said.render("en")
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("MINUSMA_DATA", str(DEFAULT_DATA)))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    study = Study(args.data, places="settlements")
    out = study.assess(as_of="2024-03-01")
    ctx = study.context
    said = reasons.explain(
        out, air_reach_km=ctx.preparation.air_reach_km, labels=ctx.labels, hub_key=ctx.hub_key
    )
    rng = np.random.default_rng(0)
    print(f"{'rows':>7} {'row by row ms':>14} {'distinct ms':>12}")
    for n in (256, 1024, 2048, 4096, 8192, len(out)):
        subset = said.take(np.sort(rng.choice(len(out), n, replace=False)))
        reasons.DISTINCT_MIN_ROWS = 10**12
        each = best_ms(subset)
        reasons.DISTINCT_MIN_ROWS = 0
        distinct = best_ms(subset)
        print(f"{n:>7,} {each:>14.2f} {distinct:>12.2f}")


if __name__ == "__main__":
    main()
