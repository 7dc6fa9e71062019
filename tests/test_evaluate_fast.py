"""The fast what-if path of geo.exposure.assess.evaluate equals the straightforward one.

``evaluate`` reuses, across scenarios, what depends only on the season and the roads cut (road
costs to Bamako and the capitals, routes, road reasons), skips the lower-bound time Dijkstra when
every speed is known, and builds columns vectorised. Here a context that has run other scenarios
(warm caches) must give exactly the frame of a fresh context, and the vectorised columns must
equal a row-by-row computation, on the shipped layers and on a small synthetic network.
"""

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from _synthetic_network import delaunay_edges, prepared, random_points, road_graph
from shapely import points

import minusma.layers as L
from minusma.geo.exposure import access
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.coverage import point_lonlat
from minusma.geo.exposure.params import parse_iso_date
from minusma.geo.network import distances_from
from minusma.layers.assessment import context

# the shipped and synthetic roads have segments without a speed; here that is expected, not news
pytestmark = pytest.mark.filterwarnings("ignore::geo.speeds.UnknownSpeedWarning")

SHIPPED = [
    {},
    {"close": ["Ber"]},
    {"as_of": "2023-06-30"},
    {"as_of": "2023-06-30", "close": ["Ber"]},
    {"close": ["Ber"], "keep": ["Gao"]},
    {"season": "wet", "close": ["Ber"]},
    {"close_roads": ["Diré–Goundam"]},
    {"close_roads": ["Diré–Goundam"], "close": ["Ber"]},
    {"disabled_operators": ["Sky Mali"], "radius_km": 30},
    {},
]


def fresh(ctx):
    """The same prepared context with nothing cached: every scenario computed from scratch."""
    return dataclasses.replace(ctx, _cache={})


def assert_warm_equals_cold(ctx, scenarios):
    warm = fresh(ctx)
    for options in [*scenarios, *scenarios[::-1]]:
        got = engine.evaluate(warm, **options)
        want = engine.evaluate(fresh(ctx), **options)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    return got


def values(column: pd.Series) -> list:
    """A column as a list, None for missing (string columns hold NaN)."""
    return [None if pd.isna(v) else v for v in column]


def yes(value) -> bool:
    """Known true (None and NA are not)."""
    return value is not None and value is not pd.NA and bool(value)


def no(value) -> bool:
    """Known false (None and NA are not)."""
    return value is not None and value is not pd.NA and not value


def reasons_row(r: dict, labels: pd.Series, air_reach_km: float) -> str | None:
    """The reasons of one place, written row by row (the straightforward reference)."""

    def text(v):
        return "" if v is None or pd.isna(v) else str(v)

    parts = []
    if yes(r["coverage_lost"]):
        on = f" on {r['coverage_lost_on']}" if pd.notna(r["coverage_lost_on"]) else ""
        parts.append(
            f"lost coverage from {text(r['base_before_name'])} ({round(r['base_before_km'])} "
            f"km){on}"
        )
    cut = r["bamako_cut_by"]
    if no(r["on_road_network"]):
        parts.append(
            f"not on the road layer (nearest node {round(r['snap_km'])} km): road access unknown"
        )
    elif no(r["bamako_reachable"]):
        parts.append("no road route to Bamako")
    elif r["bamako_routes"] is not pd.NA and r["bamako_routes"] == 1 and cut is not None:
        first = cut.split(";")[0]
        parts.append(
            f"one road route to Bamako: {len(cut.split(';'))} segment(s) each cut it off "
            f"(nearest: {labels.get(first, first)})"
        )
    if yes(r["bamako_reachable"]):
        km, hours = round(r["bamako_road_km"]), r["bamako_travel_h"]
        parts.append(
            f"Bamako {km} km, {round(hours)} h by road"
            if np.isfinite(hours)
            else f"Bamako {km} km by road (time unknown: speed missing)"
        )
    if r["air_state"] == "no_airstrip_in_reach":
        parts.append(f"no airstrip within {air_reach_km:.0f} km")
    elif r["air_score"] == 10.0:
        parts.append(f"no documented air service after the withdrawal ({text(r['airport_icao'])})")
    elif r["air_state"] == "unknown":
        parts.append("air service after the withdrawal unknown")
    if yes(r["air_depended_on_un"]):
        parts.append("air access depended on MINUSMA/UNHAS only")
    if yes(r["riverside"]) and r["river_reach"] == "navigable":
        parts.append("riverside on the navigable Niger")
    if yes(r.get("central_region")):
        parts.append("central region")
    return "; ".join(parts) or None


def assert_columns_row_by_row(ctx, options):
    """Reasons, nearest base by road and hub costs against row-by-row / one-Dijkstra-per-bound
    code."""
    out = engine.evaluate(fresh(ctx), **options)
    rows = out.drop(columns="geometry").to_dict("records")
    want = [reasons_row(r, ctx.labels, ctx.preparation.air_reach_km) for r in rows]
    assert values(out["reasons"]) == want
    when = parse_iso_date(options.get("as_of", max(ctx.bases["closure_date"])))
    flags = engine.open_flags(
        ctx, when, close=options.get("close", ()), keep=options.get("keep", ())
    )
    graph = ctx.timed_graph(options.get("season", "dry"))
    removed = engine.resolve_edges(graph, options.get("close_roads", ()))
    hubs = ctx.base_nodes[flags]
    _, src = distances_from(graph, hubs[hubs >= 0], removed_edge_ids=removed)
    lookup = {}
    for node, base_id in zip(hubs, ctx.bases["base_id"].to_numpy()[flags]):
        if node >= 0:
            lookup.setdefault(int(node), base_id)
    nodes = ctx.place_nodes
    expected = [lookup.get(int(src[n])) if n >= 0 and src[n] >= 0 else None for n in nodes]
    assert values(out["nearest_base_by_road"]) == expected
    costs = access.hub_costs(graph, hubs, removed_edge_ids=removed)
    for weight, got in (
        ("length_km", costs.length_km),
        ("travel_h", costs.travel_h),
        ("travel_h_lower", costs.travel_h_lower),
    ):
        np.testing.assert_array_equal(
            got, distances_from(graph, hubs[hubs >= 0], weight=weight, removed_edge_ids=removed)[0]
        )


def test_shipped_warm_what_ifs_equal_fresh_contexts():
    assert_warm_equals_cold(context(), SHIPPED)


@pytest.mark.parametrize("options", [SHIPPED[0], SHIPPED[3], SHIPPED[5], SHIPPED[7]])
def test_shipped_columns_equal_row_by_row(options):
    assert_columns_row_by_row(context(), options)


def test_point_lonlat_equals_geopandas():
    towns = L.towns()
    lon, lat = point_lonlat(towns)
    ok = ~(towns.geometry.isna() | towns.geometry.is_empty).to_numpy()
    assert (~ok).any() and np.isnan(lon[~ok]).all() and np.isnan(lat[~ok]).all()
    np.testing.assert_array_equal(lon[ok], towns.geometry[ok].x.to_numpy())
    np.testing.assert_array_equal(lat[ok], towns.geometry[ok].y.to_numpy())


def synthetic_context(
    *, unknown_speeds: bool, n_nodes: int = 150, n_places: int = 120, seed: int = 1
):
    """Random places and a Delaunay road network over Mali, plus a dead-end chain (c0, c1) and a
    detached road (i0) with a place at each of their nodes; the shipped bases, airports, air
    links."""
    rng = np.random.default_rng(seed)
    lon, lat = random_points(rng, n_nodes)
    e = delaunay_edges(lon, lat)
    n = n_nodes
    extra_lon = lon[5] + np.array([0.3, 0.6, 0.0, 0.2]) + [0, 0, 1.5, 1.5]
    extra_lat = lat[5] + np.array([0.3, 0.6, -1.5, -1.3])
    lon, lat = np.r_[lon, extra_lon], np.r_[lat, extra_lat]
    e = np.vstack([e, [[5, n], [n, n + 1], [n + 2, n + 3]]])
    ids = [f"e{i}" for i in range(len(e) - 3)] + ["c0", "c1", "i0"]
    classes = ("paved", "unpaved", "track") + (("unverified",) if unknown_speeds else ())
    graph = road_graph(lon, lat, e, rng, classes=classes, ids=ids)
    p_lon, p_lat = random_points(rng, n_places)
    p_lon, p_lat = np.r_[p_lon, extra_lon], np.r_[p_lat, extra_lat]
    places = gpd.GeoDataFrame(
        {"town_id": [f"p{i}" for i in range(p_lon.size)], "seat_of": None},
        geometry=points(p_lon, p_lat),
        crs="EPSG:4326",
    )
    places.loc[rng.choice(n_places, 8, replace=False), "seat_of"] = "region"
    return prepared(places, graph)


@pytest.mark.parametrize("unknown_speeds", [True, False])
def test_synthetic_warm_what_ifs_equal_fresh_contexts(unknown_speeds):
    ctx = synthetic_context(unknown_speeds=unknown_speeds)
    graph = ctx.timed_graph("dry")
    assert np.isnan(graph.weights("travel_h")).any() == unknown_speeds
    scenarios = [
        {},
        {"close": ["Ber"]},
        {"as_of": "2023-06-30"},
        {"as_of": "2023-06-30", "close": ["Gao"]},
        {"close_roads": ["c0"], "close": ["Ber"]},
        {"close_roads": ["e3"]},
        {"keep": ["Ber"]},
    ]
    out = assert_warm_equals_cold(ctx, scenarios).set_index("town_id")
    assert out.loc[["p120", "p121"], "bamako_routes"].tolist() == [1, 1]  # the dead-end chain
    assert not out.loc[["p122", "p123"], "bamako_reachable"].any()  # the detached road
    assert not out["on_road_network"].all() and out["bamako_travel_h_gap"].any() == unknown_speeds
    for options in scenarios[1:5]:
        assert_columns_row_by_row(ctx, options)
