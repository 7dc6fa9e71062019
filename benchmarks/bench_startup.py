"""Benchmark: start-up of ``minusma towns --top 5``: the total of ``python -X importtime`` and
which heavy libraries it imports.

Run:  python benchmarks/bench_startup.py [--repeat 3]

Runs the command ``--repeat`` times in fresh interpreters and prints, for the median run, the
sum of the self times ``-X importtime`` reports (every module imported during the command,
whenever it was imported), the wall time of the whole command, the libraries taking the most
import time, and whether igraph, matplotlib, scikit-learn, folium, networkx, joblib or dask were
loaded (a failed import, like matplotlib hidden from igraph, is not a load). Needs the shipped
layers only.

Our modules' bytecode is cached as an installed package's is (pip compiles it at install): the
runs use a bytecode cache in a temporary folder (``PYTHONPYCACHEPREFIX``), filled by one
discarded warm-up run, even where ``PYTHONDONTWRITEBYTECODE`` is set (an editable checkout then
recompiles every module of ours at each start, about 0.1 s that no installed user pays).

It also prints the floor: the ``-X importtime`` total of importing, alone, the libraries the
command computes with (numpy, pandas, scipy's sparse graphs and KD-tree, geopandas with shapely,
pyproj and pyogrio, which reads the GeoJSON layers, igraph for bridges, click), measured the same
way in fresh interpreters: no deferral of our own imports can go below it.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HEAVY = ("igraph", "matplotlib", "sklearn", "folium", "networkx", "joblib", "dask")
#: What ``minusma towns`` computes with (igraph without matplotlib, as the package loads it).
FLOOR = (
    "import sys; sys.modules['matplotlib'] = None; import igraph; del sys.modules['matplotlib']; "
    "import numpy, pandas, scipy.sparse.csgraph, scipy.spatial, shapely, pyproj, geopandas, "
    "pyogrio, click"
)
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


#: A bytecode cache for this run's interpreters (see the module docstring).
PYCACHE = tempfile.mkdtemp(prefix="minusma-startup-pycache-")
atexit.register(shutil.rmtree, PYCACHE, ignore_errors=True)


def environment() -> dict[str, str]:
    """The measured interpreters' environment: warnings off, bytecode cached in
    :data:`PYCACHE`."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPYCACHEPREFIX=PYCACHE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def import_times(command: list[str]) -> tuple[float, collections.Counter]:
    """Wall time of ``python -X importtime *command`` and the self time per top-level package."""
    env = environment()
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - t
    per: collections.Counter = collections.Counter()
    for line in done.stderr.splitlines():
        m = LINE.match(line)
        if m:
            per[m.group(4).split(".")[0]] += int(m.group(1))
    return wall, per


def run(command: list[str]) -> tuple[float, float, collections.Counter, set]:
    """Wall time, import total (s), self time per top-level package, packages loaded."""
    env = environment()
    wall, per = import_times(command)
    check = [
        sys.executable,
        "-c",
        "import runpy, sys; sys.argv = " + repr(command[1:]) + "; "
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        runpy.run_module('minusma', run_name='__main__')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(','.join(sorted(m for m in sys.modules if sys.modules[m] is not None)))",
    ]
    loaded = set(subprocess.run(check, capture_output=True, text=True, env=env).stdout.split(","))
    loaded = {m.split(".")[0] for m in loaded}
    return wall, sum(per.values()) / 1e6, per, loaded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    command = ["-m", "minusma", "towns", "--top", "5"]
    import_times(command)  # warm-up, discarded: fills the bytecode cache
    runs = sorted((run(command) for _ in range(args.repeat)), key=lambda r: r[1])
    _, total, per, loaded = runs[len(runs) // 2]
    print(f"minusma towns --top 5: median of {args.repeat} fresh interpreters")
    print(f"  wall time of the command: {statistics.median(r[0] for r in runs):.2f} s")
    print(f"  -X importtime total (sum of self times): {total:.2f} s")
    top = ", ".join(f"{k} {v / 1e6:.2f} s" for k, v in per.most_common(6))
    print(f"  most import time: {top}")
    print(f"  heavy libraries loaded: {', '.join(sorted(set(HEAVY) & loaded)) or 'none'}")
    floor = statistics.median(
        sum(import_times(["-c", FLOOR])[1].values()) / 1e6 for _ in range(args.repeat)
    )
    print(
        f"  floor: the libraries it computes with, imported alone: {floor:.2f} s "
        f"(ours and the rest: {total - floor:.2f} s)"
    )
    print(
        f"imports_s={total:.2f} floor_s={floor:.2f} "
        f"wall_s={statistics.median(r[0] for r in runs):.2f}"
    )


if __name__ == "__main__":
    main()
