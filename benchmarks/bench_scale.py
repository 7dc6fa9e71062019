"""Benchmark: how prepare, evaluate, a one-site what-if and robustness grow with the number of
places and road edges (synthetic planar networks, like ``benchmarks/bench_assess.py``).

Run:  python benchmarks/bench_scale.py --places 300000 --edges 300000

Places are random points over Mali's bounding box; the network is a Delaunay triangulation of
random points thinned to about ``--edges`` edges, classes drawn at random; sites, airports, air
links and speeds are the shipped layers. SYNTHETIC: it measures speed and memory only, never
exposure. One line per stage: wall time and the process's peak resident memory so far
(its high-water mark, ``VmHWM``: see :func:`peak_mb`; it includes the interpreter, libraries
and inputs, and is monotone: a stage's figure is the peak up to its end). The last line reads
``places=N edges=M prepare_s=.. evaluate_s=.. whatif_s=.. robustness_s=.. peak_mb=..
whatif_growth_mb=.. cleared_mb=.. end_peak_mb=..``: ``peak_mb`` is the peak through prepare and
evaluate, ``end_peak_mb`` the peak at the end (after the what-ifs and robustness); where
prepare and evaluate are cold (every cache of the context and the graph cleared), the what-if
closes one site after the evaluation (the median over every site closed alone, each after the
same evaluation), and robustness is skipped (``nan``) unless asked for: with ``--robustness`` it
runs in a fresh process of its own (``--only robustness``: the inputs, prepare, then robustness
alone), so ``robustness_peak_mb`` is its own peak (inputs and prepared context included), not
the what-if cache's. ``whatif_growth_mb`` is
how much the resident memory grew over 100 what-ifs (every site closed alone, then pairs and
triples of sites and cut roads, drawn with a fixed seed) with the context's default cache budget;
``cleared_mb`` how much of it :meth:`Context.clear_cache` gave back.
"""

from __future__ import annotations

import argparse
import gc
import logging
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an install

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod
from scipy.spatial import Delaunay

import minusma.layers as L
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.params import ExposureParams, Preparation
from minusma.geo.exposure.robustness import robustness
from minusma.geo.network import RoadGraph
from minusma.layers.assessment import speeds
from minusma.layers.mission import HUB_KEY, MISSION

AS_OF = "2023-06-30"  # before the withdrawal: every site open, so closing one changes things
BBOX = (-12.3, 10.1, 4.3, 25.0)  # Mali's bounding box (lon min, lat min, lon max, lat max)


def rss_mb() -> float:
    """Resident memory of this process now, in MB (``/proc/self/statm``)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def what_ifs(ctx, n: int, seed: int = 0) -> list[dict]:
    """``n`` distinct what-ifs: every site closed alone, then random pairs and triples of sites,
    some with a road cut."""
    rng = np.random.default_rng(seed)
    sites = list(ctx.bases["base_id"])
    roads = ctx.graph.edges["edge_id"].to_numpy()
    out = [{"close": [s]} for s in sites]
    while len(out) < n:
        option = {"close": sorted(rng.choice(sites, size=rng.integers(2, 4), replace=False))}
        if rng.random() < 0.3:
            option["close_roads"] = [str(rng.choice(roads))]
        if option not in out:
            out.append(option)
    return out[:n]


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB: the kernel's high-water mark of its
    memory (``VmHWM`` in ``/proc/self/status``, which starts afresh in a new program), else
    ``ru_maxrss`` (which Linux keeps across ``exec``: a child started by a large process would
    report its parent's peak)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_graph(n_edges: int, seed: int = 0) -> RoadGraph:
    """A planar road graph of about ``n_edges`` edges: Delaunay edges of random points."""
    rng = np.random.default_rng(seed)
    n = max(10, int(n_edges / 2.4))  # a triangulation has ~3n edges; 80 % are kept
    lon = rng.uniform(BBOX[0], BBOX[2], n)
    lat = rng.uniform(BBOX[1], BBOX[3], n)
    tri = Delaunay(np.column_stack([lon, lat]))
    e = np.vstack([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]], tri.simplices[:, [0, 2]]])
    e = np.unique(np.sort(e, axis=1), axis=0)
    e = e[rng.random(len(e)) < 0.8]
    km = Geod(ellps="WGS84").inv(lon[e[:, 0]], lat[e[:, 0]], lon[e[:, 1]], lat[e[:, 1]])[2] / 1e3
    classes = rng.choice(
        ["paved", "unpaved", "track", "unverified"], len(e), p=[0.3, 0.3, 0.35, 0.05]
    )
    edges = pd.DataFrame(
        {"edge_id": np.char.add("e", np.arange(len(e)).astype(str)).astype(object)}
    )
    edges["u"], edges["v"], edges["length_km"], edges["road_class"] = e[:, 0], e[:, 1], km, classes
    return RoadGraph(lon, lat, edges)


def synthetic_places(n: int, seed: int = 1) -> tuple[gpd.GeoDataFrame, str]:
    """``n`` random places; the first stands for the hub, nine more for regional capitals."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(BBOX[0], BBOX[2], n)
    lat = rng.uniform(BBOX[1], BBOX[3], n)
    lon[0], lat[0] = -8.0, 12.65  # the hub, at Bamako
    places = gpd.GeoDataFrame(
        {"town_id": np.char.add("p", np.arange(n).astype(str)).astype(object)},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    places["seat_of"] = np.where(np.arange(n) < 10, "region", None)
    places["region_2023"] = None
    return places, "p0"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--places", type=int, default=30000)
    ap.add_argument("--edges", type=int, default=100000)
    ap.add_argument("--robustness", action="store_true", help="also time robustness (64 variants)")
    ap.add_argument(
        "--whatifs", type=int, default=100, help="what-ifs run to measure memory growth (100)"
    )
    ap.add_argument(
        "--only",
        choices=["robustness"],
        help="robustness alone in this process (after the inputs and prepare): its own peak",
    )
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    if args.only == "robustness":
        robustness_alone(args.places, args.edges)
        return
    ctx, graph, prepare_s = prepared(args.places, args.edges)
    print(
        f"prepare (snap, site distances, airstrips, travel times): {prepare_s:.2f} s; "
        f"peak {peak_mb():.0f} MB"
    )
    ctx.graph.clear_caches()
    ctx.timed_graph("dry").clear_caches()
    t = time.perf_counter()
    out = engine.evaluate(ctx, as_of=AS_OF)
    evaluate_s = time.perf_counter() - t
    evaluate_peak = peak_mb()
    print(
        f"evaluate, cold ({AS_OF}, every site open): {evaluate_s:.2f} s; "
        f"peak {evaluate_peak:.0f} MB"
    )
    scenarios = what_ifs(ctx, max(args.whatifs, len(ctx.bases)))
    single = [o for o in scenarios if len(o["close"]) == 1 and "close_roads" not in o]
    times = []
    rss_before = rss_mb()
    for option in scenarios:
        t = time.perf_counter()
        engine.evaluate(ctx, as_of=AS_OF, **option)
        if option in single:
            times.append(time.perf_counter() - t)
    gc.collect()
    growth_mb = rss_mb() - rss_before
    whatif_s = float(np.median(times))
    print(
        f"what-if, one site closed after the evaluation: median {whatif_s:.3f} s over "
        f"{len(times)} sites (min {min(times):.3f}, max {max(times):.3f}); peak {peak_mb():.0f} MB"
    )
    print(
        f"{len(scenarios)} what-ifs ({len(single)} single sites, then pairs/triples, some with "
        f"a cut road): resident memory grew {growth_mb:.0f} MB (cache holds "
        f"{ctx._cache.nbytes / 2**20:.0f} MB of its {ctx.cache_bytes / 2**20:.0f} MB budget)"
    )
    before_clear = rss_mb()
    ctx.clear_cache()
    gc.collect()
    cleared_mb = before_clear - rss_mb()
    print(f"clear_cache gave back {cleared_mb:.0f} MB")
    robustness_s, robustness_peak = float("nan"), float("nan")
    if args.robustness:  # in a fresh process: its peak is not the what-if cache's
        size = ["--places", str(args.places), "--edges", str(args.edges)]
        done = subprocess.run(
            [sys.executable, __file__, "--only", "robustness", *size],
            capture_output=True,
            text=True,
            check=True,
        )
        print(done.stdout.strip().splitlines()[-2])
        figures = dict(f.split("=") for f in done.stdout.split()[-2:])
        robustness_s = float(figures["robustness_s"])
        robustness_peak = float(figures["robustness_peak_mb"])
    print(
        f"rows: {len(out):,}; on the network: {int(out['on_road_network'].fillna(False).sum()):,}"
    )
    print(
        f"places={args.places} edges={graph.n_edges} prepare_s={prepare_s:.2f} "
        f"evaluate_s={evaluate_s:.2f} whatif_s={whatif_s:.3f} robustness_s={robustness_s:.2f} "
        f"peak_mb={evaluate_peak:.0f} whatif_growth_mb={growth_mb:.0f} cleared_mb={cleared_mb:.0f} "
        f"end_peak_mb={peak_mb():.0f} robustness_peak_mb={robustness_peak:.0f}"
    )


def prepared(n_places: int, n_edges: int) -> tuple[engine.Context, RoadGraph, float]:
    """The synthetic inputs (built and printed, not timed), the context prepared from them with
    the dry season's travel times, and the seconds prepare took (the inputs not counted)."""
    inputs = (L.bases(), speeds(), L.airports(), L.air_links())
    t = time.perf_counter()
    graph = synthetic_graph(n_edges)
    places, hub = synthetic_places(n_places)
    print(
        f"inputs: {len(places):,} places, {graph.n_nodes:,} nodes, {graph.n_edges:,} edges "
        f"(built in {time.perf_counter() - t:.2f} s, not counted); peak {peak_mb():.0f} MB"
    )
    bases, table, airports, links = inputs
    t = time.perf_counter()
    ctx = engine.prepare(
        places,
        bases,
        graph,
        speeds=table,
        airports=airports,
        air_links=links,
        hub_id=hub,
        preparation=Preparation(max_snap_km=25.0),
        period=MISSION,
        hub_key=HUB_KEY,
    )
    ctx.timed_graph("dry")
    return ctx, graph, time.perf_counter() - t


def robustness_alone(n_places: int, n_edges: int) -> None:
    """Robustness (64 variants + 5 small changes) in this fresh process, after the inputs and
    prepare: its time, and the process's peak memory (inputs and context included)."""
    ctx, _, _ = prepared(n_places, n_edges)
    before = peak_mb()
    print(f"prepared; peak {before:.0f} MB")
    t = time.perf_counter()
    robustness(ctx, ExposureParams(as_of=AS_OF))
    seconds = time.perf_counter() - t
    print(
        f"robustness (64 variants + 5 small changes), in a process of its own: {seconds:.2f} s; "
        f"peak {peak_mb():.0f} MB (inputs and prepared context: {before:.0f} MB)"
    )
    print(f"robustness_s={seconds:.2f} robustness_peak_mb={peak_mb():.0f}")


if __name__ == "__main__":
    main()
