"""Benchmark: a batch of scenarios serially, on joblib's loky processes and on threads.

Run:  python benchmarks/bench_batch.py [--places towns|settlements] [--keep-k 2] [--repeat 3]

Builds the scenarios of ``minusma scenarios --close-each`` (14) or ``--keep-k K`` on the shipped
towns (or, with ``$MINUSMA_DATA``, the 18,769 settlements), prepares the context once (not
timed), then times :func:`geo.exposure.batch.batch` with ``n_jobs=1`` (in-process, the
baseline: the warm context, no worker), ``backend="loky"`` and ``backend="threading"`` on every
core. Each line: backend, median wall time of ``--repeat`` runs, its min-max, and the speed-up
over serial. The results of every backend are checked equal to the serial one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an install

import joblib
import pandas as pd

import minusma.layers as L
from minusma.geo.exposure.batch import batch
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.assessment import context
from minusma.layers.scenarios import close_each, keep_k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--places", choices=["towns", "settlements"], default="towns")
    ap.add_argument("--keep-k", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    p = ExposureParams()
    data = os.environ.get("MINUSMA_DATA") if args.places == "settlements" else None
    t0 = time.perf_counter()
    ctx = context(data_dir=data, places=args.places)
    print(f"prepare {args.places}: {time.perf_counter() - t0:.1f} s (not in the figures below)")
    bases = L.bases()
    params, labels = keep_k(bases, p, args.keep_k) if args.keep_k else close_each(bases, p)
    print(f"{len(params)} scenarios on {len(ctx.places)} places, {joblib.cpu_count()} cores")
    runs = {
        "serial": {"n_jobs": 1},
        "loky": {"backend": "loky"},
        "threading": {"backend": "threading"},
    }
    ref = None
    base = None
    for name, kw in runs.items():
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = batch(ctx, params, labels=labels, progress=False, **kw).summary
            times.append(time.perf_counter() - t0)
        if ref is None:
            ref = out
        pd.testing.assert_frame_equal(out, ref)
        med = statistics.median(times)
        base = base or med
        print(
            f"{name:>9}: {med:6.2f} s (min {min(times):.2f}, max {max(times):.2f}), "
            f"x{base / med:.2f} vs serial, identical results"
        )


if __name__ == "__main__":
    main()
