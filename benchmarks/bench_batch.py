"""Benchmark: a batch of scenarios serially, on joblib's loky processes and on threads.

Run:  python benchmarks/bench_batch.py [--places towns|settlements] [--keep-k 2] [--repeat 3]

Builds the scenarios of ``minusma scenarios --close-each`` (14) or ``--keep-k K`` on the shipped
towns (or the 18,769 settlements of the data directory: ``$MINUSMA_DATA``, default
``../shared/data`` as for the other benchmarks), prepares the context once (not
timed), then times :func:`geo.exposure.batch.batch` with ``n_jobs=1`` (in-process, the
baseline: the warm context, no worker), ``backend="loky"`` and ``backend="threading"`` on every
core, and the default (``auto``: in this process until the scenarios left would take
:data:`geo.exposure.batch.AUTO_PARALLEL_MIN_S` serially, then loky). Each line: backend,
median wall time of ``--repeat`` runs, its min-max, and the speed-up over serial. The results
of every backend are checked equal to the serial one.

With ``--synthetic-edges M`` (e.g. 1000000) the context is instead the SYNTHETIC network of
``benchmarks/bench_scale.py`` (Delaunay roads, random places, ``--synthetic-places``) and the
batch is ``--scenarios`` what-ifs (every site closed alone, then pairs and triples, some with a
cut road) on 2023-06-30; serial runs on a context that has evaluated the date once, as a
session would; each backend gets a fresh copy of that context.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_scale, for --synthetic-edges

import joblib
import pandas as pd

import minusma.layers as L
from minusma.geo.exposure.batch import batch
from minusma.geo.exposure.params import ExposureParams, Preparation
from minusma.layers.assessment import context
from minusma.layers.mission import HUB_KEY, MISSION
from minusma.layers.scenarios import close_each, keep_k


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--places", choices=["towns", "settlements"], default="towns")
    ap.add_argument("--keep-k", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic-edges", type=int, default=None)
    ap.add_argument("--synthetic-places", type=int, default=20000)
    ap.add_argument("--scenarios", type=int, default=64)
    ap.add_argument("--backends", default="serial,loky,threading,auto")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    if args.synthetic_edges:
        return synthetic(args)
    p = ExposureParams()
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = os.environ.get("MINUSMA_DATA", str(default)) if args.places == "settlements" else None
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
        "auto": {},
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


def synthetic(args) -> None:
    """The batch of ``args.scenarios`` what-ifs on the synthetic network of bench_scale."""
    import dataclasses

    import bench_scale as S

    t0 = time.perf_counter()
    graph = S.synthetic_graph(args.synthetic_edges)
    places, hub = S.synthetic_places(args.synthetic_places)
    ctx = S.engine.prepare(
        places,
        L.bases(),
        graph,
        speeds=S.speeds(),
        airports=L.airports(),
        air_links=L.air_links(),
        hub_id=hub,
        preparation=Preparation(max_snap_km=25.0),
        period=MISSION,
        hub_key=HUB_KEY,
    )
    S.engine.evaluate(ctx, as_of=S.AS_OF)
    print(
        f"prepare + one evaluation: {time.perf_counter() - t0:.1f} s (not in the figures); "
        f"{len(places):,} places, {graph.n_edges:,} edges, {joblib.cpu_count()} cores"
    )
    options = S.what_ifs(ctx, args.scenarios)
    params = [ExposureParams(as_of=S.AS_OF).replace(**o) for o in options]
    runs = {
        "serial": {"n_jobs": 1},
        "loky": {"backend": "loky", "n_jobs": -1},
        "threading": {"backend": "threading", "n_jobs": -1},
        "auto": {},
    }
    ref, base = None, None
    for name in args.backends.split(","):
        times = []
        for _ in range(args.repeat):
            warm = dataclasses.replace(ctx, _cache={})
            S.engine.evaluate(warm, as_of=S.AS_OF)  # the session's first evaluation, untimed
            t0 = time.perf_counter()
            out = batch(warm, params, progress=False, **runs[name]).summary
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
