"""The pieces a what-if is patched with: road costs repaired without their trees, distances of a
subset of places that remember their answers, cell comparison of text and numbers, and ranks
counted from the reference's.

The road network and places are SYNTHETIC (random points, a Delaunay triangulation): speed-path
coverage only. Whole what-if frames against full evaluations: tests/test_whatif_oracle.py.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from _synthetic_network import delaunay_graph, prepared, random_points

import minusma.layers as L
from minusma.geo.exposure import access, coverage
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.patch import values_differ
from minusma.geo.network import RoadGraph
from minusma.geo.repair import repair, shortest_tree

pytestmark = pytest.mark.filterwarnings("ignore::geo.speeds.UnknownSpeedWarning")


def road_graph(n_nodes: int = 300, seed: int = 11) -> RoadGraph:
    return delaunay_graph(n_nodes, seed, keep=0.75)


def synthetic_graph() -> RoadGraph:
    """The road graph with travel-time bounds (unknown speeds: the two bounds differ)."""
    graph = road_graph()
    hours = graph.weights("length_km") / 40.0
    hours[np.random.default_rng(15).random(hours.size) < 0.1] = np.nan
    return access.with_time_bounds(graph, hours)


def test_costs_repaired_without_trees_equal_a_full_run_and_cannot_be_derived_from():
    graph = synthetic_graph()
    rng = np.random.default_rng(12)
    hubs = np.unique(rng.choice(graph.n_nodes, 10, replace=False))
    full = access.hub_costs(graph, hubs)
    for closed in hubs:
        keep = hubs[hubs != closed]
        want = access.hub_costs(graph, keep)
        got = access.hub_costs(graph, keep, derive_from=full, keep_trees=False)
        for name in ("length_km", "travel_h", "travel_h_lower", "source_node"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
        assert got.trees == () and not got.can_derive(keep[1:], ())
        assert got.nbytes < 0.6 * access.hub_costs(graph, keep, derive_from=full).nbytes


def test_repair_without_sources_or_tree_gives_the_same_distances():
    graph = synthetic_graph()
    matrix = graph.csr("travel_h_lower")
    hubs = np.array([3, 50, 120, 200])
    dist, src, pred = shortest_tree(matrix, hubs)
    affected = src == 50
    kept = shortest_tree(matrix, hubs[hubs != 50])
    full = repair(matrix, dist, src, pred, affected)
    bare = repair(matrix, dist, src, pred, affected, sources=False, tree=False)
    np.testing.assert_array_equal(full[0], kept[0])
    np.testing.assert_array_equal(bare[0], kept[0])
    np.testing.assert_array_equal(full[1], kept[1])
    assert bare[1] is None and bare[2] is None
    assert (src == 50).any() and (dist == kept[0]).mean() < 1  # the repair changed something


def test_a_subset_of_site_distances_carries_the_answers_it_remembers():
    rng = np.random.default_rng(13)
    lon, lat = rng.uniform(-12.0, 4.0, 2000), rng.uniform(10.5, 24.5, 2000)
    lon[::50] = np.nan  # places without a coordinate
    bases = L.bases()
    b_lon, b_lat = bases.geometry.x.to_numpy(), bases.geometry.y.to_numpy()
    sd = coverage.site_distances_lonlat(lon, lat, b_lon, b_lat)
    every = np.ones(len(bases), bool)
    fewer = every.copy()
    fewer[[1, 4]] = False
    sd.nearest_open_all(every)
    rows = np.flatnonzero(np.isfinite(lon))[::7]
    sub = sd.subset(rows, remembered=(every, fewer))  # the second is not remembered yet
    assert len(sub._answers) == 1
    for flags in (every, fewer):
        got = sub.nearest_open_all(flags)
        want = sd.nearest_open(rows, flags)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))
    # what the parent remembers later is carried too
    sd.nearest_open_all(fewer)
    again = sd.subset(rows, remembered=(fewer,))
    assert len(again._answers) == 1
    assert np.array_equal(again.nearest_open_all(fewer)[1], sd.nearest_open(rows, fewer)[1])


def test_values_differ_treats_every_missing_value_as_equal():
    old = pd.array(["a", None, "b", "c", None], dtype="string")
    new = np.array(["a", None, "x", None, np.nan], dtype=object)
    assert values_differ(old, new).tolist() == [False, False, True, True, False]
    text = np.array(["a", pd.NA, None], dtype=object)
    assert values_differ(text, np.array(["b", None, pd.NA], dtype=object)).tolist() == [
        True,
        False,
        False,
    ]
    floats = np.array([1.0, np.nan, 2.0])
    assert values_differ(floats, np.array([1.0, np.nan, np.nan])).tolist() == [False, False, True]
    flags = pd.array([True, None, False], dtype="boolean")
    assert values_differ(flags, pd.array([True, None, None], dtype="boolean")).tolist() == [
        False,
        False,
        True,
    ]


def test_ranks_of_a_what_if_equal_ranks_of_its_scores_with_ties_and_missing():
    """Closing each site of a synthetic study: a what-if's ranks (counted from the reference's)
    are the ranks of its own scores, ties sharing the best rank, missing scores unranked."""
    graph = road_graph()
    rng = np.random.default_rng(14)
    n = 400
    lon, lat = random_points(rng, n)
    lon[0], lat[0] = graph.node_lon[0], graph.node_lat[0]  # the hub, on the network
    geometry = list(gpd.points_from_xy(lon, lat))
    geometry[5] = None  # no coordinate: no score
    places = gpd.GeoDataFrame(
        {"town_id": [f"p{i}" for i in range(n)], "seat_of": None},
        geometry=geometry,
        crs="EPSG:4326",
    )
    ctx = prepared(places, graph)
    reference = engine.evaluate(ctx, as_of="2023-06-30")
    scores = reference["exposure_score"]
    assert scores.duplicated().any() and scores.isna().any()  # ties and missing scores
    changed = 0
    for site in ctx.bases["base_id"]:
        got = engine.evaluate(ctx, as_of="2023-06-30", close=[site])
        changed += not got["exposure_score"].equals(scores)
        want = got["exposure_score"].rank(ascending=False, method="min").astype("Int64")
        pd.testing.assert_series_equal(got["exposure_rank"], want, check_names=False)
    assert changed >= 5  # what-ifs whose scores, so ranks, moved
