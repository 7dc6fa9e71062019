"""Oracle tests of the incremental what-if: a context that repairs cached results (closed sites,
cut roads) gives exactly the frame of a fresh context computing everything from scratch.

Every site closed alone, every road segment cut alone and random combinations of both, on the
shipped layers and on a synthetic network (SYNTHETIC: random points, for speed-path coverage
only); the road costs themselves against a full Dijkstra for every hub and every edge. Also the
byte-bounded cache: within its budget, identical results when it evicts, memory given back when
cleared.
"""

import dataclasses
import gc
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from _synthetic_network import delaunay_graph, prepared, random_points
from shapely import points

from minusma.geo.exposure import access
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.cache import ByteCache, size_of
from minusma.geo.network import RoadGraph
from minusma.layers.assessment import context

pytestmark = pytest.mark.filterwarnings("ignore::geo.speeds.UnknownSpeedWarning")

BEFORE = "2023-06-30"  # every site open: closing any of them changes something


def fresh(ctx):
    """The same prepared context with nothing cached."""
    return dataclasses.replace(ctx, _cache={})


def synthetic_graph(n_nodes: int = 70, seed: int = 3) -> RoadGraph:
    return delaunay_graph(n_nodes, seed, keep=0.7)  # some dead ends and bridges


def synthetic_context(n_places: int = 150, seed: int = 4):
    rng = np.random.default_rng(seed)
    graph = synthetic_graph()
    lon, lat = random_points(rng, n_places)
    lon[0], lat[0] = graph.node_lon[0], graph.node_lat[0]  # the hub, on the network
    places = gpd.GeoDataFrame(
        {"town_id": [f"p{i}" for i in range(n_places)], "seat_of": None},
        geometry=points(lon, lat),
        crs="EPSG:4326",
    )
    places.loc[rng.choice(n_places, 8, replace=False), "seat_of"] = "region"
    return prepared(places, graph)


def scenarios(ctx, rng, n_random: int) -> list[dict]:
    """Every site closed, every segment cut (both at BEFORE), and random combinations."""
    sites = list(ctx.bases["base_id"])
    roads = list(ctx.graph.edges["edge_id"])
    out = [{"as_of": BEFORE}]
    out += [{"as_of": BEFORE, "close": [s]} for s in sites]
    out += [{"as_of": BEFORE, "close_roads": [r]} for r in roads]
    for _ in range(n_random):
        close = list(rng.choice(sites, size=rng.integers(0, 4), replace=False))
        cut = list(rng.choice(roads, size=rng.integers(0, 3), replace=False))
        option = {"close": close, "close_roads": cut}
        if rng.random() < 0.5:
            option["as_of"] = BEFORE
        if rng.random() < 0.3:
            option["season"] = "wet"
        out.append(option)
    return out


def assert_warm_equals_fresh(ctx, options_list):
    warm = fresh(ctx)
    for options in options_list:
        got = engine.evaluate(warm, **options)
        want = engine.evaluate(fresh(ctx), **options)
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=str(options))


def test_shipped_every_site_every_segment_and_combinations_equal_full_evaluation():
    ctx = context()
    assert_warm_equals_fresh(ctx, scenarios(ctx, np.random.default_rng(0), 25))


def test_synthetic_every_site_every_segment_and_combinations_equal_full_evaluation():
    ctx = synthetic_context()
    assert ctx.graph.n_edges > 100
    assert_warm_equals_fresh(ctx, scenarios(ctx, np.random.default_rng(1), 15))


@pytest.mark.parametrize("weights_differ", [True, False])
def test_repaired_road_costs_equal_a_full_dijkstra(weights_differ):
    """Each hub closed, each edge cut, and random combinations, repaired from the costs of every
    hub with nothing cut: distances and the source each node is reached from are exact."""
    graph = synthetic_graph()
    rng = np.random.default_rng(5)
    hours = graph.weights("length_km") / 40.0
    if weights_differ:
        hours[rng.random(hours.size) < 0.1] = np.nan  # unknown speeds: the bounds differ
    timed = access.with_time_bounds(graph, hours)
    hubs = np.unique(rng.choice(graph.n_nodes, 12, replace=False))
    full = access.hub_costs(timed, hubs)
    ids = list(graph.edges["edge_id"])
    cases = [(hubs[hubs != h], ()) for h in hubs]
    cases += [(hubs, (e,)) for e in ids]
    for _ in range(40):
        keep = hubs[rng.random(hubs.size) < 0.7]
        cases.append((keep, tuple(rng.choice(ids, size=rng.integers(0, 4), replace=False))))
    for keep, cut in cases:
        if keep.size == 0:
            continue
        want = access.hub_costs(timed, keep, removed_edge_ids=cut)
        got = access.hub_costs(timed, keep, removed_edge_ids=cut, derive_from=full)
        for name in ("length_km", "travel_h", "travel_h_lower", "source_node"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
        # a repaired result can itself be repaired further
        if keep.size > 1:
            fewer = keep[1:]
            again = access.hub_costs(timed, fewer, removed_edge_ids=cut, derive_from=got)
            np.testing.assert_array_equal(
                again.length_km, access.hub_costs(timed, fewer, removed_edge_ids=cut).length_km
            )


def test_a_context_whose_cache_evicts_gives_the_same_frames():
    ctx = synthetic_context()
    small = dataclasses.replace(ctx, cache_bytes=200_000, _cache={})
    options_list = scenarios(ctx, np.random.default_rng(2), 10)[:40]
    for options in options_list:
        got = engine.evaluate(small, **options)
        assert small._cache.nbytes <= 200_000
        want = engine.evaluate(fresh(ctx), **options)
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_the_cache_stays_within_its_budget_and_gives_memory_back_when_cleared():
    ctx = synthetic_context(n_places=3000)
    budget = 2_000_000
    ctx = dataclasses.replace(ctx, cache_bytes=budget, _cache={})
    engine.evaluate(ctx, as_of=BEFORE)
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for site in ctx.bases["base_id"]:
            engine.evaluate(ctx, as_of=BEFORE, close=[site])
            assert ctx._cache.nbytes <= budget
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
        ctx.clear_cache()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    print(f"grown {grown} B, left after clearing {after} B")
    assert grown > 1_000_000  # the what-ifs kept something
    # what clearing cannot give back is pandas's bookkeeping of shared blocks (weak references
    # on the context's own frames), a few hundred bytes per evaluation
    assert after < grown / 4
    assert len(ctx._cache) == 0


def test_byte_cache_evicts_least_recently_used_and_rejects_a_bad_budget():
    cache = ByteCache(3 * 8000 + 100)
    for key in "abc":
        cache[key] = np.zeros(1000)
    cache.get("a")  # a is now the most recent
    cache["d"] = np.zeros(1000)
    assert set(cache.keys()) == {"a", "c", "d"} and cache.nbytes == 3 * 8000
    cache["huge"] = np.zeros(10_000)  # larger than the budget: returned, never kept
    assert "huge" not in cache
    cache.pin("graph", np.zeros(10_000))  # outside the budget
    assert "graph" in cache and cache.nbytes == 3 * 8000
    cache.clear()
    assert len(cache) == 0 and cache.nbytes == 0
    assert size_of(pd.DataFrame({"x": np.zeros(100)})) >= 800
    with pytest.raises(ValueError, match="cache_bytes"):
        ByteCache(-1)


def test_protected_entries_are_evicted_after_the_others():
    cache = ByteCache(3 * 8000)
    cache.put("reference", np.zeros(1000), protect=True)
    for key in "abcd":
        cache[key] = np.zeros(1000)
    assert "reference" in cache and set(cache.keys()) == {"reference", "c", "d"}
    cache.put("big", np.zeros(2000), protect=True)  # the unprotected go first
    assert set(cache.keys()) == {"reference", "big"} and cache.nbytes == 3 * 8000
    cache.put("more", np.zeros(500))  # no room beside the protected: not kept
    assert set(cache.keys()) == {"reference", "big"}
    cache.put("biggest", np.zeros(2500), protect=True)  # protected, least recently used first
    assert set(cache.keys()) == {"biggest"}


def test_a_what_if_patches_its_reference_and_neither_frame_changes_the_other():
    """A what-if after the assessment without a scenario is that assessment patched: columns it
    does not change share the reference's memory, and changing either frame in place (the
    caller's business) changes no later result."""
    ctx = fresh(synthetic_context())
    reference = engine.evaluate(ctx, as_of=BEFORE)
    got = engine.evaluate(ctx, as_of=BEFORE, close=["Ber"])
    assert np.shares_memory(got["snap_km"].to_numpy(), reference["snap_km"].to_numpy())
    assert not got["base_after_id"].equals(reference["base_after_id"])
    got.loc[got.index[0], "snap_km"] = -1.0
    got["reasons"] = "changed by the caller"
    reference.loc[reference.index[0], "base_before_km"] = -1.0
    for options in ({"close": ["Ber"]}, {"close": ["Gao"]}, {}):
        want = engine.evaluate(fresh(ctx), as_of=BEFORE, **options)
        again = engine.evaluate(ctx, as_of=BEFORE, **options)
        pd.testing.assert_frame_equal(again, want, check_exact=True, obj=str(options))
