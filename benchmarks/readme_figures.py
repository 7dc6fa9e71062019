"""Write the README's measured figures from ``benchmarks/RESULTS.md``, or check that they match.

Run:  python benchmarks/readme_figures.py [--check]

Every performance figure of the README sits in a generated block, between
``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->``. This script reads the figures from
``RESULTS.md`` (the output that ``benchmarks/run_all.py`` recorded, with the machine, its load
and the date), puts them into the templates below and rewrites those blocks, so a figure in the
README is always one that was measured, in the run the README names. Whether each target of the
performance issue is met is decided here from the figures, not typed by hand.

``run_all.py`` runs it after writing ``RESULTS.md``. With ``--check`` nothing is written: it
exits 1 and names the blocks whose text differs (``tests/test_readme_figures.py`` runs it), so
a README edited by hand, or a ``RESULTS.md`` rerun without rewriting the README, fails the
tests. To change the prose of a block, edit its template here and rerun.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from minusma.geo.exposure.batch import AUTO_PARALLEL_MIN_S

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
RESULTS = HERE / "RESULTS.md"

BLOCK = re.compile(
    r"(<!-- figures:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /figures:(?P=name) -->)", re.S
)


class FiguresError(ValueError):
    """RESULTS.md lacks a figure a block needs, or the README lacks a block."""


def sections(results: str) -> dict[str, str]:
    """The sections of ``RESULTS.md`` by title (``## title``), the head under ``""``."""
    parts = re.split(r"^## (.+)$", results, flags=re.M)
    out = {"": parts[0]}
    for title, body in zip(parts[1::2], parts[2::2]):
        out[title.strip()] = body
    return out


def grab(text: str, pattern: str, what: str) -> tuple[str, ...]:
    """The groups of ``pattern``'s first match in ``text``, or a :class:`FiguresError`."""
    m = re.search(pattern, text, re.M)
    if m is None:
        raise FiguresError(
            f"benchmarks/RESULTS.md has no {what} (pattern {pattern!r}): rerun "
            "`python benchmarks/run_all.py` (a benchmark may have failed or changed its output)"
        )
    return m.groups()


def section(found: dict[str, str], start: str) -> str:
    """The section whose title starts with ``start``."""
    for title, body in found.items():
        if title.startswith(start):
            return body
    raise FiguresError(
        f"benchmarks/RESULTS.md has no section starting {start!r}: rerun "
        "`python benchmarks/run_all.py` without --quick"
    )


def run_load(body: str) -> str:
    """The 1-minute load average before a benchmark ran, from its section."""
    return grab(body, r"load average \(1/5/15 min\) before ([\d.]+)", "load average")[0]


SCALE = re.compile(
    r"^places=(\d+) edges=\d+ prepare_s=([\d.]+) evaluate_s=([\d.]+) whatif_s=([\d.]+) "
    r"robustness_s=([\d.na]+) peak_mb=(\d+) whatif_growth_mb=(\d+) cleared_mb=(\d+) "
    r"end_peak_mb=(\d+) robustness_peak_mb=([\d.na]+)",
    re.M,
)
SCALE_KEYS = (
    "places",
    "prepare_s",
    "evaluate_s",
    "whatif_s",
    "robustness_s",
    "peak_mb",
    "whatif_growth_mb",
    "cleared_mb",
    "end_peak_mb",
    "robustness_peak_mb",
)


def scale(body: str, places: int) -> dict[str, str]:
    """The last line of ``bench_scale.py`` for ``places``."""
    for m in SCALE.finditer(body):
        if int(m.group(1)) == places:
            return dict(zip(SCALE_KEYS, m.groups()))
    raise FiguresError(f"benchmarks/RESULTS.md has no bench_scale line for {places:,} places")


def backend_rows(body: str) -> dict[str, tuple[str, str]]:
    """``bench_batch.py``'s lines: backend -> (median s, speed-up over serial)."""
    rows = {
        name: (sec, ratio)
        for name, sec, ratio in re.findall(
            r"^\s*(\w+):\s+([\d.]+) s .*?x([\d.]+) vs serial", body, re.M
        )
    }
    if not {"serial", "loky", "threading", "auto"} <= set(rows):
        raise FiguresError(
            "benchmarks/RESULTS.md's batch sections lack a serial, loky, threading or auto line: "
            "rerun `python benchmarks/run_all.py`"
        )
    return rows


def figures(results: str) -> dict:
    """Every figure the templates use, read from the text of ``RESULTS.md``."""
    found = sections(results)
    head = found[""]
    f: dict = {}
    f["date"], f["commit"] = grab(
        head, r"^- date: (\d{4}-\d\d-\d\d \d\d:\d\d) UTC; commit (\S+)", "date"
    )
    f["cores"] = grab(head, r"^- machine: (\d+) cores", "machine")[0]
    f["load"] = grab(head, r"load average \(1/5/15 min\) at the start: ([\d.]+)", "load")[0]

    body = section(found, "Start-up")
    f["imports_s"], f["floor_s"], f["wall_s"] = grab(
        body, r"imports_s=([\d.]+) floor_s=([\d.]+) wall_s=([\d.]+)", "start-up figures"
    )
    f["most"] = grab(body, r"most import time: (.*)$", "the import time by library")[0]

    body = section(found, "Full assessment")
    row = r"\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)x\s+([\d.]+)s\s+([\d.]+)x"
    f["cold"] = grab(body, r"full assessment, cold" + row, "the cold assessment")
    f["warm"] = grab(body, r"full assessment, warm" + row, "the warm assessment")
    f["ber"] = grab(body, r"one-base what-if \(close Ber\)" + row, "the what-if closing Ber")

    f["s18"] = scale(section(found, "Scale: 18,769"), 18769)
    f["s18_sites"] = grab(
        section(found, "Scale: 18,769"),
        r"median ([\d.]+) s over 13 sites \(min ([\d.]+), max ([\d.]+)\)",
        "the 13 sites' what-ifs",
    )
    f["s300"] = scale(section(found, "Scale: 300k"), 300000)
    f["s1m"] = scale(section(found, "Scale: 1M"), 1000000)
    f["s1m_load"] = run_load(section(found, "Scale: 1M"))

    body = section(found, "Batch: 64")
    f["big"] = backend_rows(body)
    f["big_load"] = run_load(body)
    f["small"] = backend_rows(section(found, "Batch: the 14"))

    body = section(found, "Zonal sums")
    f["zonal"] = grab(
        body,
        r"^fraction-shapely\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+([\d,]+)\s*\n"
        r"fraction\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+([\d,]+)",
        "the zonal sums",
    )
    f["zonal_diff"] = grab(body, r"largest relative difference per cercle: (\S+)", "zonal")[0]

    body = section(found, "Event study")
    line = r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s*$"
    rows = {name: (cold, warm) for name, cold, warm in re.findall(line, body, re.M)}
    for name in ("ours_full", "ours_window24", "ours_window24_band1000", "differences"):
        if name not in rows:
            raise FiguresError(f"benchmarks/RESULTS.md's event study has no {name} line")
    f["event"] = rows
    f["event_placebo"] = next((v for k, v in rows.items() if "placebo" in k), None)
    if f["event_placebo"] is None:
        raise FiguresError("benchmarks/RESULTS.md's event study has no placebo line")
    f["event_diff"] = grab(body, r"largest difference over \d+ event times: (\S+)", "event")[0]
    f["event_load"] = run_load(body)

    body = section(found, "Forecast per settlement")
    f["fc_prepare"] = grab(body, r"^prepare: ([\d.]+) s wall, ([\d.]+) s CPU", "prepare")
    f["fc_glm"] = grab(body, r"^forecast glm: ([\d.]+) s wall, ([\d.]+) s CPU", "glm")
    f["fc_persistence"] = grab(
        body, r"^forecast persistence: ([\d.]+) s wall, ([\d.]+) s CPU", "persistence"
    )
    f["fc_shape"] = grab(body, r"([\d,]+) settlements x (\d+) origins", "the forecast's shape")
    f["fc_load"] = run_load(body)

    body = section(found, "Backtest")
    f["bt_ours"] = grab(body, r"^minusma:\s+([\d.]+) s", "the backtest")[0]
    f["bt_naive"] = grab(body, r"^naive:\s+([\d.]+) s", "the naive backtest")[0]
    f["bt_ratio"] = grab(body, r"^ratio:\s+([\d.]+)x", "the backtest ratio")[0]
    f["bt_shape"] = grab(body, r"^([\d,]+) cells x (\d+) months, 10 origins, (\d+) draws", "shape")
    f["bt_load"] = run_load(body)
    return f


def gb(mb: str) -> str:
    """Megabytes as gigabytes, two decimals."""
    return f"{int(mb) / 1000:.2f} GB"


#: (figure, goal, measured, met) of each target of the performance issue (#21).
def targets(f: dict) -> list[tuple[str, str, str, bool]]:
    """The issue's targets with the measured figures and whether each is met."""
    s18, s1m = f["s18"], f["s1m"]
    total = float(s1m["prepare_s"]) + float(s1m["evaluate_s"])
    return [
        (
            "one-site what-if, 18,769 places (median over the 13 sites)",
            "≤ 0.020 s",
            f"{s18['whatif_s']} s",
            float(s18["whatif_s"]) <= 0.020,
        ),
        (
            "1,000,000 places and edges: prepare + evaluate",
            "≤ 10 s",
            f"{total:.2f} s ({s1m['prepare_s']} + {s1m['evaluate_s']})",
            total <= 10.0,
        ),
        (
            "1,000,000 places and edges: peak memory through evaluate",
            "≤ 1,500 MB",
            f"{int(s1m['peak_mb']):,} MB",
            int(s1m["peak_mb"]) <= 1500,
        ),
        (
            "robustness at 1,000,000 places: peak memory",
            "< 2,000 MB",
            f"{int(s1m['robustness_peak_mb']):,} MB",
            int(s1m["robustness_peak_mb"]) < 2000,
        ),
        (
            "`minusma towns --top 5`: imports (`-X importtime` total)",
            "≤ 0.4 s",
            f"{f['imports_s']} s (floor {f['floor_s']} s)",
            float(f["imports_s"]) <= 0.4,
        ),
    ]


#: Why a target is not met, by the start of its figure's name: printed only while it is not.
WHY = {
    "one-site what-if": (
        "what remains is the road-cost repair of the closed site's catchment (three Dijkstra "
        "repairs), its coverage, and pandas overhead on the changed rows; closing Ber alone "
        "takes {ber[0]} s (`bench_assess`)."
    ),
    "1,000,000 places and edges: prepare": (
        "evaluate's time goes to the 9 multi-source Dijkstra runs on 416,000 nodes, the "
        "independent routes to the hub (igraph bridges) and the frames of every row."
    ),
    "1,000,000 places and edges: peak": (
        "the graph's CSR matrices, the per-place frames the context caches for what-ifs and the "
        "output frame come on top of the prepared context."
    ),
    "robustness": "each variant re-scores every place; the variants are streamed one at a time.",
    "`minusma towns": (
        "the libraries the assessment computes with (numpy, pandas, scipy's sparse graphs and "
        "KD-tree, the geopandas stack, pyogrio, igraph for bridges, click), imported alone, take "
        "{floor_s} s: our own modules add the rest. Meeting it would take fewer libraries on this "
        "path (no pandas, or a precomputed answer), not fewer of our imports."
    ),
}


def targets_text(f: dict) -> str:
    """The table of targets and, for those not met, why."""
    lines = [
        "| target (issue #21) | goal | measured | |",
        "|---|---|---|---|",
    ]
    missed = []
    for name, goal, measured, met in targets(f):
        lines.append(f"| {name} | {goal} | {measured} | {'met' if met else '**not met**'} |")
        if not met:
            why = next(v for k, v in WHY.items() if name.startswith(k))
            missed.append(f"- **{name}**: {why.format(**f)}")
    if missed:
        lines += ["", "Not met, and why:", "", *missed]
    return "\n".join(lines)


def scale_row(s: dict, places: str, edges: str) -> str:
    """A row of the scale table."""
    return (
        f"| {places} | {edges} | {s['prepare_s']} s | {s['evaluate_s']} s | {s['whatif_s']} s | "
        f"{gb(s['peak_mb'])} | {s['whatif_growth_mb']} MB / {s['cleared_mb']} MB |"
    )


def performance(f: dict) -> str:
    """The README's Performance section."""
    s18, s300, s1m = f["s18"], f["s300"], f["s1m"]
    cold, warm, ber, z = f["cold"], f["warm"], f["ber"], f["zonal"]
    return f"""\
Every figure here comes from `benchmarks/RESULTS.md`, which `python benchmarks/run_all.py`
rewrites in one run (machine, load average and date included), and is written into this
README by `benchmarks/readme_figures.py` (a test fails when the two differ). The run quoted
here was made on {f["date"]} UTC (commit {f["commit"]}) on a {f["cores"]}-core machine shared with
other jobs, under a load average of {f["load"]} at its start: absolute times depend on that load;
ratios against peers measured side by side in the same run hold better.

{targets_text(f)}

`python benchmarks/bench_assess.py` (the 18,769 OCHA places on a synthetic planar network of
40,000 nodes and 120,000 edges; medians of 5 runs of each side), against two peers doing the
same core work and nothing else: **igraph** (the fair peer: the same 9 multi-source Dijkstra
runs in C, one run per weight through a virtual source, igraph's bridges, and the nearest open
site from a vectorised `Geod.inv` matrix) and networkx (the same in pure Python: its ratio is
mostly networkx's own speed). Neither builds reasons, scores or tables.

| | ours | igraph | ratio | networkx | ratio |
|---|---|---|---|---|---|
| full assessment, cold | {cold[0]} s | {cold[1]} s | {cold[2]}x | {cold[3]} s | {cold[4]}x |
| full assessment, warm | {warm[0]} s | {warm[1]} s | {warm[2]}x | {warm[3]} s | {warm[4]}x |
| one-site what-if (close Ber) | {ber[0]} s | {ber[1]} s | {ber[2]}x | {ber[3]} s | {ber[4]}x |

A what-if recomputes only what it changes. Road costs are *repaired* from the cached costs of
the evaluation it derives from (`geo.repair`: only the nodes that were reached from the closed
site, or that lie below a cut road in the shortest-path tree, are recomputed, with distances
identical to a full Dijkstra run). The result is then a *patch* of that reference evaluation
(`geo/exposure/patch.py`): coverage is re-measured only for places whose nearest open site
changed, air columns only near an airport whose service changed, and scores, class and reasons
only for rows whose inputs changed; unchanged columns are shared copy-on-write. Oracle tests
(`tests/test_whatif_oracle.py`) compare against a fresh full evaluation for every site, every
road segment and random combinations, on the shipped and a synthetic network. A reference is
kept while it uses at most a quarter of the cache budget, so with the default budget what-ifs
are patched up to about 45,000 places; larger sets re-evaluate in full (repaired road costs
still reused). Reasons are written once per distinct text (`geo.exposure.reasons.Texts`: a
code per row, each text stored once), so a million places cost their distinct sentences, not a
million string operations and a million strings.

`python benchmarks/bench_scale.py --places N --edges M` (random places over Mali, synthetic
planar network; prepare and evaluate cold; the what-if is the median over every site closed
alone; growth = resident memory added by 100 what-ifs (13 at 1M), then what `clear_cache` gave
back; peak = the process's peak memory through evaluate, inputs included):

| places | edges | prepare | evaluate | what-if | peak | what-ifs: growth / given back |
|---|---|---|---|---|---|---|
{scale_row(s18, "18,769", "100,000")}
{scale_row(s300, "300,000", "300,000")}
{scale_row(s1m, "1,000,000", "1,000,000")}

At 18,769 places the one-site what-if takes {s18["whatif_s"]} s as the median over the 13 sites
(min {f["s18_sites"][1]}, max {f["s18_sites"][2]}). Robustness (64 variants and 5 small changes) at
1,000,000 places, in a process of its own: {s1m["robustness_s"]} s, peak
{gb(s1m["robustness_peak_mb"])} (inputs and prepared context included); each season is evaluated
on a copy of the context with its own small cache, one variant at a time, keeping only the
columns it re-scores.

Memory stays bounded: a context's cache holds at most `cache_bytes` (`Study(cache_mb=...)`,
`prepare(..., cache_bytes=)`; default 256 MiB, or 1.5 KiB per place when that is more),
evicting least recently used what-if results first and the reference evaluation's last;
`Study.clear_cache()` / `Context.clear_cache()` empties it and hands the freed heap back to the
system (`malloc_trim`). Prepare reads the places' coordinates once; road nodes come from a
KD-tree on the unit sphere, and sites and airports (few targets) are searched against every
place at once in cache-sized chunks; only candidates whose sphere bounds leave them in
contention are measured with pyproj (results identical to measuring every pair, tested).

Start-up (`python benchmarks/bench_startup.py`, our bytecode cached as an installed package has
it): `minusma towns --top 5` spends {f["imports_s"]} s in imports (`-X importtime` total; the
whole command {f["wall_s"]} s), most of it {f["most"]}. The libraries the command computes with
(numpy, pandas, scipy's sparse graphs and KD-tree, the geopandas stack, pyogrio, igraph for
bridges, click), imported alone, take {f["floor_s"]} s: that is the floor. matplotlib,
scikit-learn, folium, networkx and joblib are not loaded.

Zonal sums (`layers.population`, people per polygon) use exactextract; the shapely
cell-by-cell method it replaced stays as `method="fraction-shapely"`, the test oracle.
`benchmarks/bench_zonal.py` (the 49 cercles over the shipped ~18 km WorldPop raster, each method
in a fresh process): first call {z[3]} s against {z[0]} s, warm {z[4]} s against {z[1]} s,
national total {z[5]} both ways (largest relative difference per cercle {f["zonal_diff"]}).
`--split 20` measures a ~0.9 km raster (not in the run above).
"""


def batch(f: dict) -> str:
    """The paragraph on batch speed and ``--jobs``' default."""
    big, small = f["big"], f["small"]
    return f"""\
By default (`--jobs` unset: `auto`, `geo.exposure.batch.DEFAULT_N_JOBS`) scenarios run in this
process, each timed, until those left would take {AUTO_PARALLEL_MIN_S:.0f} s or more one after
the other (`AUTO_PARALLEL_MIN_S`; estimated anew after each scenario, since a cut road costs
more than a closed site); then, with more than one core and the memory for a copy of the process
per worker, the rest run on joblib's loky processes. Measured
(`benchmarks/bench_batch.py`, `benchmarks/RESULTS.md`, {f["cores"]} cores, one run each, load
{f["big_load"]}): 64 what-ifs on the synthetic 1M-edge network take {big["serial"][0]} s serially,
{big["loky"][0]} s on loky processes (x{big["loky"][1]}), {big["threading"][0]} s on threads
(x{big["threading"][1]}) and {big["auto"][0]} s with `auto` (x{big["auto"][1]}); the 14
close-each scenarios on the 18,769 settlements take {small["serial"][0]} s serially (median of
3), {small["loky"][0]} s on processes (x{small["loky"][1]}: the workers' start costs more than the
work), {small["threading"][0]} s on threads and {small["auto"][0]} s with `auto`. Threads contend
for the GIL in pandas, so more than one worker without a backend means processes. On a cluster:
`client = dask.distributed.Client(...)` then `geo.exposure.batch.batch(ctx, params_list,
n_jobs=-1, backend="dask")`; the prepared context is scattered once.
"""


def event_study(f: dict) -> str:
    """The sentence on the event study's speed."""
    e = f["event"]
    return f"""\
The estimator gives the `differences` package's Callaway–Sant'Anna numbers (largest difference
{f["event_diff"]} on the CAR grid) in {e["ours_full"][1]} s against {e["differences"][1]} s warm
for every group-time effect ({e["ours_full"][0]} s against {e["differences"][0]} s cold, each in a
fresh process), and the placebo's 199 re-estimations take {f["event_placebo"][1]} s; the uniform
band's 1,000 draws take the ±24-month fit from {e["ours_window24"][1]} s to
{e["ours_window24_band1000"][1]} s (`python benchmarks/bench_event_study.py`, in
`benchmarks/RESULTS.md`: load {f["event_load"]} on {f["cores"]} cores).
"""


def forecast_settlements(f: dict) -> str:
    """The sentence on the forecast per settlement's speed."""
    prep, glm, pers, shape = f["fc_prepare"], f["fc_glm"], f["fc_persistence"], f["fc_shape"]
    return f"""\
**Speed** of a forecast per settlement (`python benchmarks/bench_forecast_settlements.py`:
{shape[0]} places x {shape[1]} origins, a SYNTHETIC history): reading, units and features
{prep[1]} s of CPU, a GLM forecast {glm[1]} s, persistence {pers[1]} s; {prep[0]}, {glm[0]} and
{pers[0]} s wall clock (`benchmarks/RESULTS.md`, load {f["fc_load"]} on {f["cores"]} cores).
"""


def backtest(f: dict) -> str:
    """The paragraph on the backtest's speed."""
    shape = f["bt_shape"]
    return f"""\
**Speed** (`python benchmarks/bench_backtest.py`: 10 origins over {shape[0]} synthetic
PRIO-GRID cells x {shape[1]} months, {shape[2]} bootstrap draws, the count baselines):
{f["bt_ours"]} s against {f["bt_naive"]} s for a naive loop that recomputes every feature per
origin and scores draw by draw ({f["bt_ratio"]}x), both cold (`benchmarks/RESULTS.md`, load
{f["bt_load"]} on {f["cores"]} cores). The features are computed once for every month and each
origin is a slice of them; the fits of the learned models are scikit-learn's and cost the same
either way.
"""


#: Block name -> its template.
TEMPLATES: dict[str, Callable[[dict], str]] = {
    "performance": performance,
    "batch": batch,
    "event-study": event_study,
    "forecast-settlements": forecast_settlements,
    "backtest": backtest,
}


def rewrite(readme: str, results: str) -> tuple[str, list[str]]:
    """``readme`` with every block filled from ``results``, and the names of blocks changed."""
    f = figures(results)
    seen: set[str] = set()
    changed: list[str] = []

    def fill(m: re.Match) -> str:
        name = m.group("name")
        if name not in TEMPLATES:
            raise FiguresError(f"README.md has a block {name!r} that no template fills")
        seen.add(name)
        body = TEMPLATES[name](f)
        if body != m.group("body"):
            changed.append(name)
        return m.group(1) + body + m.group(4)

    out = BLOCK.sub(fill, readme)
    missing = set(TEMPLATES) - seen
    if missing:
        raise FiguresError(
            f"README.md lacks the block(s) {sorted(missing)}: put "
            "`<!-- figures:NAME -->` and `<!-- /figures:NAME -->` lines where they belong"
        )
    return out, changed


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, compare) the README's blocks; the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if they differ")
    ap.add_argument("--readme", type=Path, default=README)
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    try:
        new, changed = rewrite(args.readme.read_text(), args.results.read_text())
    except FiguresError as e:
        print(f"readme_figures: {e}", file=sys.stderr)
        return 2
    if args.check:
        if changed:
            print(
                f"README.md's figure blocks {changed} differ from benchmarks/RESULTS.md: run "
                "`python benchmarks/readme_figures.py`",
                file=sys.stderr,
            )
            return 1
        return 0
    if changed:
        tmp = args.readme.with_suffix(".md.tmp")
        tmp.write_text(new)
        tmp.replace(args.readme)
    print(f"README.md: {len(changed)} block(s) rewritten {changed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
