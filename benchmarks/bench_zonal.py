"""Benchmark: people per cercle, exactextract against the shapely cell-by-cell method it replaced.

Issue 13 measured 83.7 s (shapely) against 0.12 s (exactextract) on a ~0.8 km raster. This script
does the same work both ways: the 49 OCHA COD cercles over the data directory's WorldPop density
raster, either as shipped (1/6 degree, ~18 km) or split into ``--split`` x ``--split`` finer cells
(``--split 20``: ~0.9 km; each sub-cell keeps its parent's density, so totals are unchanged and only
the cost grows). Each method runs in a fresh Python process (cold: imports, raster read and the
first call included), then once more in the same process (warm). Prints seconds, the national
total and the largest relative difference between the two methods.

Run:  MINUSMA_DATA=DIR PYTHONPATH=. python benchmarks/bench_zonal.py [--split 20]

Not a test: prints figures (the machine is shared, so timings vary).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CHILD = """
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from minusma.layers import admin
from minusma.layers.datasets import Raster
from minusma.layers.population import population_in_polygons, read_density
split, method = int(sys.argv[1]), sys.argv[2]
r = read_density()
if split > 1:
    values = np.ma.repeat(np.ma.repeat(r.values, split, axis=0), split, axis=1)
    t = r.transform
    from affine import Affine
    r = Raster(values, Affine(t.a / split, 0, t.c, 0, t.e / split, t.f), r.crs, r.nodata)
cercles = admin.cercles()
t1 = time.perf_counter()
cold = population_in_polygons(cercles, raster=r, method=method)
t2 = time.perf_counter()
population_in_polygons(cercles, raster=r, method=method)
t3 = time.perf_counter()
print(json.dumps({"cold_s": t2 - t0, "call_s": t2 - t1, "warm_s": t3 - t2,
                  "shape": list(r.values.shape), "values": cold.tolist()}))
"""


def run(split: int, method: str) -> dict:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(split), method],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - t
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", type=int, default=1, help="split each cell into N x N")
    args = parser.parse_args()
    results = {m: run(args.split, m) for m in ("fraction-shapely", "fraction")}
    shape = results["fraction"]["shape"]
    print(f"raster {shape[0]} x {shape[1]} cells (split {args.split}), 49 cercles")
    header = ("method", "process s", "cold s", "1st call s", "warm s", "total")
    print("{:<18} {:>10} {:>8} {:>11} {:>8} {:>14}".format(*header))
    for name, r in results.items():
        print(
            f"{name:<18} {r['process_s']:>10.2f} {r['cold_s']:>8.2f} {r['call_s']:>11.3f} "
            f"{r['warm_s']:>8.3f} {sum(r['values']):>14,.0f}"
        )
    a, b = results["fraction"]["values"], results["fraction-shapely"]["values"]
    worst = max(abs(x - y) / max(abs(y), 1.0) for x, y in zip(a, b))
    print(f"largest relative difference per cercle: {worst:.2e}")


if __name__ == "__main__":
    main()
