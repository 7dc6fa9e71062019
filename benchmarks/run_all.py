"""Run the benchmarks behind every performance figure of the README and rewrite
``benchmarks/RESULTS.md`` with their output, the machine, its load and the date.

Run:  python benchmarks/run_all.py [--quick]

Each benchmark runs in its own fresh interpreter, one after the other; the load average is read
before and after each (``os.getloadavg``), so a figure measured on a busy machine says so.
``--quick`` runs the small sizes only (no 300k and 1M runs), for a check that they still run.
Benchmarks that read open data get ``$MINUSMA_DATA`` (default ``../shared/data``).
The README quotes figures from ``RESULTS.md`` only: after a full run (not ``--quick``) this
script rewrites the README's figure blocks from the new file (``benchmarks/readme_figures.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import readme_figures

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
#: The data directory the benchmarks read when ``$MINUSMA_DATA`` is not set.
DEFAULT_DATA = REPO.parent / "shared" / "data"

#: (title, script and arguments, what it compares), in the order they are run.
RUNS = [
    (
        "Start-up of `minusma towns --top 5`",
        ["bench_startup.py", "--repeat", "3"],
        "`python -X importtime` total and which heavy libraries the command loads.",
    ),
    (
        "Full assessment and one-site what-if, 18,769 settlements, synthetic 100k-edge network",
        ["bench_assess.py", "--repeat", "5"],
        (
            "Ours against igraph (the fair peer: the same Dijkstra runs, bridges and nearest base "
            "in C) and networkx (the same in pure Python), cold and warm, medians of 5."
        ),
    ),
    (
        "Scale: 18,769 places, 100k edges",
        ["bench_scale.py", "--places", "18769", "--edges", "100000"],
        "prepare, evaluate (cold), median one-site what-if, 100 what-ifs' memory growth.",
    ),
    (
        "Scale: 300k places, 300k edges",
        ["bench_scale.py", "--places", "300000", "--edges", "300000"],
        "As above; the 100 what-ifs' growth is bounded by the context's cache budget.",
    ),
    (
        "Scale: 1M places, 1M edges, with robustness",
        [
            "bench_scale.py",
            "--places",
            "1000000",
            "--edges",
            "1000000",
            "--whatifs",
            "13",
            "--robustness",
        ],
        (
            "prepare + evaluate against the 10 s / 1.5 GB target; 13 what-ifs; robustness in a "
            "process of its own (`robustness_peak_mb`) against the 2 GB target."
        ),
    ),
    (
        "Batch: 64 what-ifs on the synthetic 1M-edge network, serial, processes, threads, auto",
        [
            "bench_batch.py",
            "--synthetic-edges",
            "1000000",
            "--synthetic-places",
            "18769",
            "--scenarios",
            "64",
            "--repeat",
            "1",
        ],
        "Whether a parallel backend pays on 2 cores, and what `--jobs`' default (auto) chooses.",
    ),
    (
        "Zonal sums: people per cercle, exactextract against shapely cell by cell",
        ["bench_zonal.py"],
        "The 49 cercles over the shipped WorldPop raster (~18 km), each method in a fresh process.",
    ),
    (
        "Batch: the 14 close-each scenarios on the 18,769 settlements",
        ["bench_batch.py", "--places", "settlements", "--repeat", "3"],
        "The same question on the real places.",
    ),
    (
        "Event study: the CAR grid, geo.event_study against the differences package",
        ["bench_event_study.py"],
        "Callaway-Sant'Anna, 262 PRIO-GRID cells x 132 months of UCDP GED, in fresh processes.",
    ),
    (
        "Forecast per settlement: the 18,769 OCHA places, end to end",
        ["bench_forecast_settlements.py"],
        "A SYNTHETIC event history; prepare, GLM and persistence forecasts, wall and CPU time.",
    ),
    (
        "Backtest: 10 origins over 5,041 PRIO-GRID cells, against a naive per-origin loop",
        ["bench_backtest.py"],
        "A SYNTHETIC history; the count baselines, 200 bootstrap draws, both sides cold.",
    ),
]

QUICK = {"bench_startup.py", "bench_assess.py"}


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- machine: {os.cpu_count()} cores ({cpu}){mem}; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}",
    ]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args()
    started = dt.datetime.now(dt.UTC)
    # The benchmarks that read open data find it in $MINUSMA_DATA; default: ../shared/data.
    env = {**os.environ, "MINUSMA_DATA": os.environ.get("MINUSMA_DATA", str(DEFAULT_DATA))}
    sections = []
    for title, argv, what in RUNS:
        if args.quick and argv[0] not in QUICK:
            continue
        before = load()
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(HERE / argv[0]), *argv[1:]],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
        )
        wall = time.perf_counter() - t
        output = done.stdout.strip() or "(no output)"
        if done.returncode:
            output += f"\n\nFAILED (exit {done.returncode}):\n" + done.stderr.strip()[-2000:]
        sections += [
            f"## {title}",
            "",
            what,
            "",
            (
                f"`python benchmarks/{' '.join(argv)}` — load average (1/5/15 min) before "
                f"{before}, after {load()}; {wall:.0f} s in all."
            ),
            "",
            "```",
            output,
            "```",
            "",
        ]
        print(f"{title}: {wall:.0f} s", file=sys.stderr)
    head = [
        "# Benchmark results",
        "",
        (
            "Written by `python benchmarks/run_all.py`; do not edit by hand. Every performance "
            "figure in the README comes from this file."
        ),
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; commit {commit()}",
        *machine(),
        (
            f"- load average (1/5/15 min) at the start: {load()}. The load average counts the "
            "processes wanting a core: above the number of cores, every figure below is slower "
            "than on a quiet machine, and ratios measured side by side in one run hold better "
            "than absolute times."
        ),
        "",
    ]
    args.out.write_text("\n".join(head + sections))
    print(f"wrote {args.out}", file=sys.stderr)
    if not args.quick and args.out == HERE / "RESULTS.md":
        readme_figures.main([])


if __name__ == "__main__":
    main()
