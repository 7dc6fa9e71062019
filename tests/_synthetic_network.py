"""SYNTHETIC road networks over Mali's bounding box, for the tests of the engine's fast paths.

Random nodes, a Delaunay triangulation (thinned at random where asked), road classes drawn at
random; the shipped sites, airports, air links and speeds. They check that a shortcut gives the
answer of the full computation; they say nothing about Mali's roads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import Delaunay

import minusma.layers as L
from minusma.geo.distance import geodesic_km
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.params import Preparation
from minusma.geo.network import RoadGraph
from minusma.layers.assessment import speeds
from minusma.layers.mission import HUB_KEY, MISSION

#: Road classes drawn by default ("unverified" has no speed: the two time bounds differ).
CLASSES = ("paved", "unpaved", "track", "unverified")


def random_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random longitudes and latitudes over Mali's bounding box."""
    return rng.uniform(-12.0, 4.0, n), rng.uniform(10.5, 24.5, n)


def delaunay_edges(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The distinct edges (node pairs, smaller first) of the Delaunay triangulation."""
    tri = Delaunay(np.column_stack([lon, lat]))
    e = np.vstack([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]], tri.simplices[:, [0, 2]]])
    return np.unique(np.sort(e, axis=1), axis=0)


def road_graph(
    lon: np.ndarray,
    lat: np.ndarray,
    e: np.ndarray,
    rng: np.random.Generator,
    *,
    classes: tuple[str, ...] = CLASSES,
    ids: list[str] | None = None,
) -> RoadGraph:
    """The graph of edges ``e`` with geodesic lengths and classes drawn from ``classes``."""
    edges = pd.DataFrame(
        {
            "edge_id": ids if ids is not None else [f"e{i}" for i in range(len(e))],
            "u": e[:, 0],
            "v": e[:, 1],
            "length_km": geodesic_km(lon[e[:, 0]], lat[e[:, 0]], lon[e[:, 1]], lat[e[:, 1]]),
            "road_class": rng.choice(list(classes), size=len(e)),
        }
    )
    return RoadGraph(lon, lat, edges)


def delaunay_graph(n_nodes: int, seed: int, keep: float) -> RoadGraph:
    """A random network of ``n_nodes``, each Delaunay edge kept with probability ``keep``
    (below 1: some dead ends and bridges)."""
    rng = np.random.default_rng(seed)
    lon, lat = random_points(rng, n_nodes)
    e = delaunay_edges(lon, lat)
    return road_graph(lon, lat, e[rng.random(len(e)) < keep], rng)


def prepared(places, graph: RoadGraph, hub_id: str = "p0") -> engine.Context:
    """The context of ``places`` on ``graph`` with the shipped layers, snapping up to 150 km."""
    return engine.prepare(
        places,
        L.bases(),
        graph,
        speeds=speeds(),
        airports=L.airports(),
        air_links=L.air_links(),
        hub_id=hub_id,
        preparation=Preparation(max_snap_km=150.0),
        period=MISSION,
        hub_key=HUB_KEY,
    )
