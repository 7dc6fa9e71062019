"""Benchmark: the full assessment of the 18,769 OCHA COD populated places on a synthetic road
network of 100k+ edges, against two peers doing the same core computations: igraph (the fair
peer, :class:`IgraphBaseline`: C Dijkstra runs and bridges) and networkx (:class:`Baseline`,
pure-Python Dijkstra: its ratio is mostly networkx's own speed), both with plain pyproj for the
nearest base; cold and warm, medians of ``--repeat`` runs each.

Run:  python benchmarks/bench_assess.py [--points 40000] [--repeat 5]

Reads ``$MINUSMA_DATA/ocha-cod-mali/mli_populated_places.geojson`` (default data dir
``../shared/data``); nothing is copied into the repository. The road network is SYNTHETIC (a
Delaunay triangulation of random points over Mali's bounding box, classes drawn at random): it
measures speed only, never exposure. Not a test: prints figures side by side.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an install

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from pyproj import Geod
from scipy.spatial import Delaunay
from shapely import linestrings

import minusma.layers as L
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.params import Preparation
from minusma.geo.network import RoadGraph
from minusma.layers.assessment import speeds
from minusma.layers.mission import HUB_KEY, MISSION

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


def median_of(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def clear_ours(ctx: engine.Context, *, graph_too: bool) -> None:
    """Drop every per-scenario result of ``ctx``; with ``graph_too`` also the road graphs' CSR
    matrices, sorted arcs and bridges (cold)."""
    for key in [k for k in ctx._cache if isinstance(k, tuple)]:
        ctx._cache.pop(key)
    if graph_too:
        ctx.graph.clear_caches()
        ctx.timed_graph("dry").clear_caches()  # shares the topology caches; its own CSRs too


class Baseline:
    """The same core computations with networkx and plain pyproj, no caching between calls:
    9 multi-source Dijkstra runs (Bamako, the open bases, the regional capitals; by length and
    the two time bounds), networkx bridges, and the nearest open base of every place before and
    after from a full place x base matrix of vectorised ``Geod.inv`` (argmin per row).
    It does not build reasons, scores or tables: it is a lower bound of the work."""

    def __init__(self, ctx: engine.Context):
        self.ctx = ctx
        self.edges = ctx.timed_graph("dry").edges
        self.G = None

    def build(self) -> None:
        """The networkx graph from the edge table (the baseline's "prepare")."""
        e = self.edges
        G = nx.Graph()
        for u, v, km, h, lo in zip(
            e["u"], e["v"], e["length_km"], e["travel_h"], e["travel_h_lower"]
        ):
            G.add_edge(int(u), int(v), km=km, h=h if h == h else None, lo=lo)
        self.G = G

    def hubs(self, flags) -> dict:
        ctx = self.ctx
        return {
            "bamako": [ctx.hub_node],
            "base": [int(n) for n in ctx.base_nodes[flags] if n >= 0],
            "capital": [int(n) for n in ctx.capital_nodes],
        }

    def dijkstra(self, sources) -> None:
        for w in ("km", "h", "lo"):
            if sources:
                nx.multi_source_dijkstra_path_length(
                    self.G, sources, weight=lambda a, b, d, w=w: d[w]
                )

    def nearest(self, flags) -> None:
        lon, lat = self.ctx.places.geometry.x.to_numpy(), self.ctx.places.geometry.y.to_numpy()
        b = self.ctx.bases.geometry
        km = Geod(ellps="WGS84").inv(
            *np.broadcast_arrays(lon[:, None], lat[:, None], b.x.to_numpy(), b.y.to_numpy())
        )[2]
        np.argmin(np.where(flags[None, :], km, np.inf), axis=1)

    def full(self, as_of: str) -> None:
        flags = engine.open_flags(self.ctx, pd.Timestamp(as_of).date())
        for sources in self.hubs(flags).values():
            self.dijkstra(sources)
        self.bridges()
        self.nearest(engine.coverage.open_mask(self.ctx.bases, "2023-06-30"))
        self.nearest(flags)

    def bridges(self) -> None:
        list(nx.bridges(self.G))

    def what_if(self, as_of: str, close: list[str]) -> None:
        """Only what closing bases changes: the open bases' 3 Dijkstra runs, nearest base after."""
        flags = engine.open_flags(self.ctx, pd.Timestamp(as_of).date(), close=close)
        self.dijkstra(self.hubs(flags)["base"])
        self.nearest(flags)


class IgraphBaseline(Baseline):
    """The fair peer: the same work as :class:`Baseline` with igraph's C core (its graph built
    once from the edge table; each multi-source Dijkstra run as one igraph ``distances`` run from
    a virtual source joined to every source; igraph's bridges; the same vectorised nearest
    base). Like the networkx baseline, no reasons, scores or tables: a lower bound of the work."""

    def build(self) -> None:
        import igraph

        e = self.edges
        # one more vertex: the virtual source of the multi-source runs
        g = igraph.Graph(n=int(self.ctx.graph.n_nodes) + 1, edges=list(zip(e["u"], e["v"])))
        h = e["travel_h"].to_numpy(dtype="float64")
        g.es["km"] = e["length_km"].tolist()
        g.es["h"] = np.where(np.isnan(h), np.inf, h).tolist()
        g.es["lo"] = e["travel_h_lower"].tolist()
        self.G = g

    def dijkstra(self, sources) -> None:
        """One Dijkstra run per weight from a virtual source joined to every source by
        zero-weight edges (igraph has no multi-source run), the edges removed after."""
        if not sources:
            return
        g = self.G
        n = int(self.ctx.graph.n_nodes)
        first = g.ecount()
        g.add_edges([(n, s) for s in sources], attributes=dict.fromkeys(("km", "h", "lo"), 0.0))
        try:
            for w in ("km", "h", "lo"):
                g.distances(source=[n], weights=w)
        finally:
            g.delete_edges(range(first, g.ecount()))

    def bridges(self) -> None:
        self.G.bridges()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--points", type=int, default=40000, help="random nodes of the synthetic network"
    )
    ap.add_argument("--repeat", type=int, default=5, help="runs of each measure (median)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    places, hub = settlements()
    t = time.perf_counter()
    graph = synthetic_graph(args.points)
    t_graph = time.perf_counter() - t
    print(
        f"settlements: {len(places):,}; synthetic graph: {graph.n_nodes:,} nodes, "
        f"{graph.n_edges:,} edges (built in {t_graph:.2f} s); medians of {args.repeat} runs"
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
        preparation=Preparation(max_snap_km=25.0),
        period=MISSION,
        hub_key=HUB_KEY,
    )
    ctx.timed_graph("dry")
    t_prep = time.perf_counter() - t
    print(
        f"prepare (snap, site distances, airstrips, travel times; once per graph): {t_prep:.2f} s"
    )
    as_of, close = "2023-06-30", ["Ber"]

    def ours(graph_too):
        clear_ours(ctx, graph_too=graph_too)
        engine.evaluate(ctx, as_of=as_of)

    def ours_what_if():
        clear_ours(ctx, graph_too=False)
        engine.evaluate(ctx, as_of=as_of)
        t = time.perf_counter()
        engine.evaluate(ctx, as_of=as_of, close=close)
        return time.perf_counter() - t

    peers = {"igraph": IgraphBaseline(ctx), "networkx": Baseline(ctx)}
    rows = {
        "full assessment, cold": [median_of(lambda: ours(True), args.repeat)]
        + [median_of(lambda b=b: (b.build(), b.full(as_of)), args.repeat) for b in peers.values()],
        "full assessment, warm": [median_of(lambda: ours(False), args.repeat)]
        + [median_of(lambda b=b: b.full(as_of), args.repeat) for b in peers.values()],
        "one-base what-if (close Ber)": [
            float(np.median([ours_what_if() for _ in range(args.repeat)]))
        ]
        + [median_of(lambda b=b: b.what_if(as_of, close), args.repeat) for b in peers.values()],
    }
    print(f"{'':30}{'ours':>9}{'igraph':>9}{'ratio':>7}{'networkx':>10}{'ratio':>7}")
    for label, (a, ig, nx_) in rows.items():
        print(f"{label:30}{a:>8.3f}s{ig:>8.3f}s{ig / a:>6.1f}x{nx_:>9.3f}s{nx_ / a:>6.1f}x")
    print(
        "cold: ours with every cache cleared (per-scenario results, the graphs' CSR matrices,\n"
        "  sorted arcs and bridges); the baseline building its networkx graph first.\n"
        "warm: ours with the graph caches kept; the baseline with its networkx graph built.\n"
        "what-if: ours after the default evaluation, which it patches where the closure changes\n"
        "  something (road costs repaired, then coverage, air, scores, reasons and table rows);\n"
        "  the baseline redoing only what the closure changes (the open bases' 3 Dijkstra runs\n"
        "  and the nearest open base), without reasons, scores or table.\n"
        "networkx: " + " ".join((Baseline.__doc__ or "").split()) + "\n"
        "igraph: " + " ".join((IgraphBaseline.__doc__ or "").split())
    )


if __name__ == "__main__":
    main()
