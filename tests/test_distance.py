"""geo.distance candidate searches against brute force: every pair measured with pyproj.

The searches must return exactly what measuring every pair gives (nearest: smallest distance,
first target on ties; within: every pair at most the radius, same distances, same order), on the
18,769 OCHA settlements and on random points over the whole globe, poles and antimeridian
included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import minusma.layers as L
from minusma.geo.distance import (
    EARTH_RADIUS_KM,
    QueryPoints,
    nearest_km,
    pairwise_km,
    sphere_candidates,
    within_pairs_km,
    within_pairs_only,
)
from minusma.layers.settlements import settlements


def brute_nearest(lon, lat, t_lon, t_lat, chunk=2000):
    index, dist = [], []
    for s in range(0, lon.size, chunk):
        km = np.atleast_2d(pairwise_km(lon[s : s + chunk], lat[s : s + chunk], t_lon, t_lat))
        best = np.argmin(km, axis=1)  # first position on ties
        index.append(best)
        dist.append(km[np.arange(best.size), best])
    return np.concatenate(index), np.concatenate(dist)


def brute_within(lon, lat, t_lon, t_lat, radius_km):
    km = np.atleast_2d(pairwise_km(lon, lat, t_lon, t_lat))
    p, t = np.nonzero(km <= radius_km)
    order = np.lexsort((t, km[p, t], p))
    return p[order], t[order], km[p, t][order]


@pytest.fixture(scope="module")
def places(data_dir):
    g = settlements(data_dir)
    assert len(g) == 18769
    return g.geometry.x.to_numpy(), g.geometry.y.to_numpy()


def global_points(n, seed):
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-180, 180, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    # near the poles and on both sides of the antimeridian
    lon[: n // 10] = rng.choice([-180.0, 180.0, -179.9999, 179.9999], n // 10)
    lat[n // 10 : n // 5] = rng.choice([-1, 1], n // 10) * rng.uniform(89.0, 90.0, n // 10)
    return lon, lat


def test_nearest_on_the_settlements_equals_brute_force(places):
    lon, lat = places
    bases = L.bases()
    for t_lon, t_lat in (
        (bases.geometry.x.to_numpy(), bases.geometry.y.to_numpy()),
        (L.airports().geometry.x.to_numpy(), L.airports().geometry.y.to_numpy()),
        (lon[::150], lat[::150]),  # dense targets: other settlements (distance 0 to themselves)
    ):
        idx, km = nearest_km(lon, lat, t_lon, t_lat, candidates=1)
        b_idx, b_km = brute_nearest(lon, lat, t_lon, t_lat)
        assert np.array_equal(idx, b_idx) and np.array_equal(km, b_km)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nearest_over_the_globe_equals_brute_force_with_ties(seed):
    lon, lat = global_points(4000, seed)
    t_lon, t_lat = global_points(300, seed + 100)
    t_lon, t_lat = np.r_[t_lon, t_lon[:30]], np.r_[t_lat, t_lat[:30]]  # duplicate targets: ties
    lon, lat = np.r_[lon, t_lon[:50]], np.r_[lat, t_lat[:50]]  # points on targets
    for k in (1, 4):
        idx, km = nearest_km(lon, lat, t_lon, t_lat, candidates=k)
        b_idx, b_km = brute_nearest(lon, lat, t_lon, t_lat)
        assert np.array_equal(idx, b_idx) and np.array_equal(km, b_km)


def test_nearest_finds_the_geodesic_nearest_where_the_sphere_misorders():
    # from a point on the equator, a target 100 km north (meridian, short radius of curvature)
    # is geodesically nearer than one 100.3 km east on the sphere: the sphere ranks them wrong
    lon, lat = np.array([20.0]), np.array([0.0])
    north = 100.3 / 6371.0088
    t_lon = np.array([20.0 + np.degrees(100.0 / 6371.0088), 20.0])
    t_lat = np.array([0.0, np.degrees(north)])
    idx, km = nearest_km(lon, lat, t_lon, t_lat, candidates=1)
    b_idx, b_km = brute_nearest(lon, lat, t_lon, t_lat)
    assert idx[0] == b_idx[0] == 1 and km[0] == b_km[0]


@pytest.mark.parametrize("radius_km", [0.5, 50.0, 100.0, 2500.0, 25000.0])
def test_within_over_the_globe_equals_brute_force(radius_km):
    lon, lat = global_points(1500, 7)
    t_lon, t_lat = global_points(400, 8)
    got = within_pairs_km(lon, lat, t_lon, t_lat, radius_km)
    want = brute_within(lon, lat, t_lon, t_lat, radius_km)
    assert all(np.array_equal(a, b) for a, b in zip(got, want))


def test_within_on_the_settlements_equals_brute_force(places):
    lon, lat = places
    a = L.airports()
    t_lon, t_lat = a.geometry.x.to_numpy(), a.geometry.y.to_numpy()
    got = within_pairs_km(lon, lat, t_lon, t_lat, 100.0)
    want = brute_within(lon, lat, t_lon, t_lat, 100.0)
    assert got[0].size > 10000 and all(np.array_equal(a, b) for a, b in zip(got, want))


@pytest.fixture(scope="module")
def settlement_frame(data_dir):
    return settlements(data_dir)


@pytest.mark.parametrize("k", [1, 6])
def test_coverage_from_site_distances_equals_the_full_matrix(settlement_frame, k):
    """Nearest open site, coverage and the date coverage was lost, at dates, radii and scenarios
    (sites closed early, the nearest ones closed so the k candidates run out), are identical
    whether distances come from the k sphere-nearest candidates or from every pair measured."""
    from minusma.geo.exposure import coverage

    places, bases = settlement_frame, L.bases()
    dense = coverage.distance_matrix_km(places, bases)
    near = coverage.site_distances(places, bases, k=k)
    rng = np.random.default_rng(k)
    cases = [("2024-01-01", 50.0, None), ("2023-12-31", 25.0, None), ("2024-06-01", 100.0, None)]
    for _ in range(4):
        flags = coverage.open_mask(bases, "2023-10-01") & (rng.random(len(bases)) < 0.6)
        cases.append(("2023-10-01", float(rng.choice([25.0, 50.0, 300.0])), flags))
    for as_of, radius_km, flags in cases:
        kw = {"as_of": as_of, "before": "2023-06-30", "radius_km": radius_km, "open_bases": flags}
        want = coverage.coverage(places, bases, distance_km=dense, **kw)
        got = coverage.coverage(places, bases, distance_km=near, **kw)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert want["coverage_lost"].sum() > 0
    assert k == 1 or np.isnan(near.geodesic_km).mean() > 0.3  # far candidates not measured


@pytest.mark.parametrize("radius_km", [0.5, 50.0, 2500.0, 25000.0])
def test_pairs_within_without_distances_equal_brute_force_with_shared_query(radius_km):
    lon, lat = global_points(1500, 9)
    t_lon, t_lat = global_points(40, 10)  # few targets: the dense search
    query = QueryPoints(lon, lat)
    got = within_pairs_only(lon, lat, t_lon, t_lat, radius_km, query=query)
    want = brute_within(lon, lat, t_lon, t_lat, radius_km)[:2]
    order = np.lexsort((want[1], want[0]))
    assert all(np.array_equal(a, b[order]) for a, b in zip(got, want))
    # the same query serves a nearest search, with the answer of a fresh one
    idx, km = nearest_km(lon, lat, t_lon, t_lat, query=query)
    b_idx, b_km = brute_nearest(lon, lat, t_lon, t_lat)
    assert np.array_equal(idx, b_idx) and np.array_equal(km, b_km)


def test_sphere_candidates_are_the_k_nearest_on_the_sphere():
    lon, lat = global_points(2000, 11)
    t_lon, t_lat = global_points(60, 12)
    idx, km = sphere_candidates(lon, lat, t_lon, t_lat, k=6)
    lam, phi = np.radians(lon)[:, None], np.radians(lat)[:, None]
    t_lam, t_phi = np.radians(t_lon)[None], np.radians(t_lat)[None]
    cos = np.sin(phi) * np.sin(t_phi) + np.cos(phi) * np.cos(t_phi) * np.cos(lam - t_lam)
    full = EARTH_RADIUS_KM * np.arccos(np.clip(cos, -1, 1))  # great-circle km to every target
    np.testing.assert_allclose(km, np.sort(full, axis=1)[:, :6], rtol=0, atol=1e-5)
    np.testing.assert_allclose(np.take_along_axis(full, idx, axis=1), km, rtol=0, atol=1e-5)
    assert (np.diff(km, axis=1) >= 0).all()


@pytest.mark.parametrize("seed", [13, 14])
def test_one_pass_searches_equal_the_separate_searches_and_brute_force(seed):
    """The one-pass searches (few targets: chords to all, once per chunk) give the answers of
    the separate searches and of measuring every pair, ties (duplicate targets) included."""
    from minusma.geo.distance import nearest_within_km, sphere_candidates_nearest_km

    lon, lat = global_points(3000, seed)
    t_lon, t_lat = global_points(40, seed + 50)
    t_lon, t_lat = np.r_[t_lon, t_lon[:5]], np.r_[t_lat, t_lat[:5]]  # duplicates: ties
    lon, lat = np.r_[lon, t_lon[:20]], np.r_[lat, t_lat[:20]]  # points on targets
    b_idx, b_km = brute_nearest(lon, lat, t_lon, t_lat)
    idx, km, nearest, nearest_dist = sphere_candidates_nearest_km(lon, lat, t_lon, t_lat, k=6)
    want_idx, want_km = sphere_candidates(lon, lat, t_lon, t_lat, k=6)
    assert np.array_equal(idx, want_idx) and np.array_equal(km, want_km)
    assert np.array_equal(nearest, b_idx) and np.array_equal(nearest_dist, b_km)
    for radius_km in (50.0, 2500.0):
        index, dist, point, target = nearest_within_km(lon, lat, t_lon, t_lat, radius_km)
        assert np.array_equal(index, b_idx) and np.array_equal(dist, b_km)
        want = brute_within(lon, lat, t_lon, t_lat, radius_km)[:2]
        order = np.lexsort((want[1], want[0]))
        assert np.array_equal(point, want[0][order]) and np.array_equal(target, want[1][order])
