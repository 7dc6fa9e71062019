"""Benchmark: the full assessment of the 18,769 OCHA COD populated places on a synthetic road
network of 100k+ edges, against a straightforward baseline (networkx + a per-town Python loop).

Run:  python benchmarks/bench_assess.py [--points 40000] [--repeat 3]

Reads ``$MINUSMA_DATA/ocha-cod-mali/mli_populated_places.geojson`` (default data dir
``../shared/data``); nothing is copied into the repository. The road network is SYNTHETIC (a
Delaunay triangulation of random points over Mali's bounding box, classes drawn at random): it
measures speed only, never exposure. Not a test: prints figures side by side.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from pyproj import Geod
from scipy.spatial import Delaunay
from shapely import linestrings

import layers as L
from geo.exposure import assess as engine
from geo.network import RoadGraph
from layers.assessment import speeds

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("MINUSMA_DATA", REPO.parent / "shared" / "data"))


def settlements() -> gpd.GeoDataFrame:
    g = gpd.read_file(data_dir() / "ocha-cod-mali" / "mli_populated_places.geojson")
    g = g.rename(columns={"pcode": "town_id", "featureNam": "name"})[
        ["town_id", "name", "geometry"]
    ]
    g = g.drop_duplicates("town_id").reset_index(drop=True)
    towns = L.towns()
    caps = towns[towns["seat_of"] == "region"]
    # the settlement nearest each regional capital stands for it; the one nearest Bamako is the hub
    idx = g.sindex.nearest(caps.geometry.values, return_all=False)[1]
    g["seat_of"] = None
    g.loc[idx, "seat_of"] = "region"
    g["region_2023"] = None
    g["population"] = np.nan
    hub = g.loc[idx[list(caps["town_id"]).index("ml-bamako")], "town_id"]
    return g, hub


def synthetic_graph(n_points: int, seed: int = 0) -> RoadGraph:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-12.3, 4.3, n_points)
    lat = rng.uniform(10.1, 25.0, n_points)
    tri = Delaunay(np.column_stack([lon, lat]))
    e = np.vstack([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]], tri.simplices[:, [0, 2]]])
    e = np.unique(np.sort(e, axis=1), axis=0)
    length_km = (
        Geod(ellps="WGS84").inv(lon[e[:, 0]], lat[e[:, 0]], lon[e[:, 1]], lat[e[:, 1]])[2] / 1000
    )
    classes = rng.choice(
        ["paved", "unpaved", "track", "unverified"], size=len(e), p=[0.3, 0.3, 0.35, 0.05]
    )
    geom = linestrings(
        np.stack(
            [
                np.column_stack([lon[e[:, 0]], lat[e[:, 0]]]),
                np.column_stack([lon[e[:, 1]], lat[e[:, 1]]]),
            ],
            axis=1,
        )
    )
    edges = gpd.GeoDataFrame(
        {
            "edge_id": [f"e{i}" for i in range(len(e))],
            "u": e[:, 0],
            "v": e[:, 1],
            "length_km": length_km,
            "road_class": classes,
        },
        geometry=geom,
        crs="EPSG:4326",
    )
    return RoadGraph(lon, lat, edges)


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def baseline(ctx: engine.Context, as_of: str, close: list[str]) -> float:
    """networkx multi-source Dijkstra (the same 9 runs: 3 hub sets x length and two time bounds)
    plus networkx bridges, and a per-town Python loop over bases for nearest-base distances."""
    graph = ctx.timed_graph("dry")
    e = graph.edges
    t0 = time.perf_counter()
    G = nx.Graph()
    for u, v, km, h, lo in zip(e["u"], e["v"], e["length_km"], e["travel_h"], e["travel_h_lower"]):
        G.add_edge(int(u), int(v), km=km, h=h if h == h else None, lo=lo)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    flags = engine.open_flags(ctx, pd.Timestamp(as_of).date(), close=close)
    hubs = {
        "bamako": [ctx.hub_node],
        "base": [int(n) for n in ctx.base_nodes[flags] if n >= 0],
        "capital": [int(n) for n in ctx.capital_nodes],
    }
    for sources in hubs.values():
        for w in ("km", "h", "lo"):
            if sources:
                nx.multi_source_dijkstra_path_length(G, sources, weight=lambda a, b, d, w=w: d[w])
    list(nx.bridges(G))
    geod = Geod(ellps="WGS84")
    blon = [p.x for p in ctx.bases.geometry]
    blat = [p.y for p in ctx.bases.geometry]
    open_before = engine.coverage.open_mask(ctx.bases, "2023-06-30")
    for p in ctx.places.geometry:
        for mask in (open_before, flags):
            best = np.inf
            for j in range(len(blon)):
                if mask[j]:
                    best = min(best, geod.inv(p.x, p.y, blon[j], blat[j])[2])
    return time.perf_counter() - t0, build


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--points", type=int, default=40000, help="random nodes of the synthetic network"
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    places, hub = settlements()
    t = time.perf_counter()
    graph = synthetic_graph(args.points)
    t_graph = time.perf_counter() - t
    print(
        f"settlements: {len(places):,}; synthetic graph: {graph.n_nodes:,} nodes, {graph.n_edges:,} edges "
        f"(built in {t_graph:.2f} s)"
    )
    t = time.perf_counter()
    ctx = engine.prepare(
        places,
        L.bases(),
        graph,
        speeds=speeds(),
        airports=L.airports(),
        air_links=L.air_links(),
        hub_id=hub,
        max_snap_km=25.0,
    )
    ctx.timed_graph("dry")
    t_prep = time.perf_counter() - t
    print(f"prepare (snap, travel times, airstrips in reach; once per graph): {t_prep:.3f} s")
    as_of = "2023-06-30"
    evaluate = lambda **kw: engine.evaluate(ctx, as_of=as_of, **kw)

    def cold():  # drop every per-scenario result (Dijkstra runs, routes to Bamako): a full assessment
        for key in [k for k in ctx._cache if isinstance(k, tuple)]:
            del ctx._cache[key]
        return evaluate()

    t_full, out = best_of(cold, args.repeat)

    def what_if():  # the default assessment has run; now close one base (its Dijkstra runs are new)
        cold()
        t = time.perf_counter()
        evaluate(close=["Ber"])
        return time.perf_counter() - t

    t_what = min(what_if() for _ in range(args.repeat))
    t_base, t_nx_build = baseline(ctx, as_of, ["Ber"])
    print(f"{'':34}{'ours':>10}{'baseline':>12}{'ratio':>9}")
    print(
        f"{'full assessment (after prepare)':34}{t_full:>9.3f}s{t_base:>11.3f}s{t_base / t_full:>8.1f}x"
    )
    print(
        f"{'one-base what-if (close Ber)':34}{t_what:>9.3f}s{t_base:>11.3f}s{t_base / t_what:>8.1f}x"
    )
    print(
        f"(networkx graph build, not counted: {t_nx_build:.2f} s; targets: full < 1 s, what-if < 0.1 s, >= 10x)"
    )
    print(
        f"rows assessed: {len(out):,}; on the network: {int(out['on_road_network'].fillna(False).sum()):,}"
    )


if __name__ == "__main__":
    main()
