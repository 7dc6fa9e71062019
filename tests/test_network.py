"""Tests for geo.network: small Malian road graphs with known answers, networkx as an oracle."""

from __future__ import annotations

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, Point

from minusma.geo import network as gn
from minusma.geo._errors import (
    GraphError,
    MinusmaError,
    ParameterError,
    SchemaError,
    UnknownNameError,
)
from minusma.geo.distance import geodesic_km, geometry_length_km

# Approximate town positions (lon, lat), central and northern Mali.
TOWN = {
    "San": (-4.896, 13.297),
    "Mopti": (-4.183, 14.484),
    "Sevare": (-4.100, 14.533),
    "Bandiagara": (-3.610, 14.350),
    "Koro": (-3.075, 14.064),
    "Douentza": (-2.952, 15.006),
    "Boni": (-2.223, 15.071),
    "Hombori": (-1.700, 15.277),
    "BambaraMaounde": (-2.786, 15.847),
    "Kourioume": (-3.025, 16.660),
    "Kabara": (-2.985, 16.703),
    "Tombouctou": (-3.009, 16.776),
}


def lines_frame(rows, crs="EPSG:4326", **columns) -> gpd.GeoDataFrame:
    """``rows``: {line id: list of town names or (lon, lat) tuples}."""

    def xy(p):
        return TOWN[p] if isinstance(p, str) else p

    geoms = [LineString([xy(p) for p in pts]) for pts in rows.values()]
    return gpd.GeoDataFrame({"road_id": list(rows), **columns}, geometry=geoms, crs=crs)


def graph_of(rows, **kw) -> gn.RoadGraph:
    return gn.graph_from_lines(
        lines_frame(rows, **kw.pop("columns", {})), edge_id_column="road_id", **kw
    )


def node_at(graph: gn.RoadGraph, town: str) -> int:
    node, dist = gn.snap_points(graph, *TOWN[town])
    assert dist[0] < 1e-6
    return int(node[0])


def edge_graph(n_nodes, pairs, lengths=None, classes="paved", seed=0) -> gn.RoadGraph:
    """A RoadGraph straight from node pairs, nodes scattered over central Mali."""
    rng = np.random.default_rng(seed)
    pairs = np.asarray(pairs, dtype="int64").reshape(-1, 2)
    edges = pd.DataFrame(
        {
            "edge_id": [f"e{i}" for i in range(len(pairs))],
            "u": pairs[:, 0],
            "v": pairs[:, 1],
            "length_km": np.ones(len(pairs)) if lengths is None else lengths,
            "road_class": classes,
        }
    )
    return gn.RoadGraph(rng.uniform(-5, -1, n_nodes), rng.uniform(13, 17, n_nodes), edges)


TREE = {
    "RN6": ["Mopti", "Sevare"],
    "RN15": ["Sevare", "Bandiagara"],
    "RN15b": ["Bandiagara", "Koro"],
    "RN6s": ["Sevare", "San"],
}
RING = {
    "r1": ["Sevare", "Bandiagara"],
    "r2": ["Bandiagara", "Douentza"],
    "r3": ["Douentza", "Mopti"],
    "r4": ["Mopti", "Sevare"],
}
PENDANT = {"p1": ["Douentza", "Boni"], "p2": ["Boni", "Hombori"]}
FERRY = {
    "rn16": ["Douentza", "BambaraMaounde"],
    "bac": ["BambaraMaounde", "Kourioume"],
    "kab": ["Kourioume", "Kabara"],
    "tbk": ["Kabara", "Tombouctou"],
}


# ------------------------------------------------------------ building


def test_tree_every_edge_is_bridge():
    g = graph_of(TREE)
    assert sorted(gn.bridges(g)) == sorted(TREE)
    cls = gn.edge_connectivity_class(g, node_at(g, "Sevare"))
    assert cls[node_at(g, "Sevare")] == 2
    assert (cls.drop(node_at(g, "Sevare")) == 1).all()


def test_ring_has_no_bridges():
    g = graph_of(RING)
    assert gn.bridges(g).size == 0
    assert (gn.edge_connectivity_class(g, node_at(g, "Sevare")) == 2).all()
    assert gn.edge_connectivity(g, node_at(g, "Sevare"), node_at(g, "Douentza")) == 2


def test_ring_plus_pendant():
    g = graph_of({**RING, **PENDANT})
    assert list(gn.bridges(g)) == ["p1", "p2"]
    to_sevare = gn.bridges_to(g, node_at(g, "Sevare"))
    assert to_sevare[node_at(g, "Hombori")] == ("p2", "p1")  # from the node towards the target
    assert to_sevare[node_at(g, "Boni")] == ("p1",)
    assert to_sevare[node_at(g, "Mopti")] == ()
    cls = gn.edge_connectivity_class(g, node_at(g, "Sevare"))
    assert cls[node_at(g, "Hombori")] == 1 and cls[node_at(g, "Douentza")] == 2


def test_parallel_edges_are_not_bridges_and_self_loops_never():
    g = edge_graph(4, [(0, 1), (0, 1), (1, 2), (2, 3), (3, 3)])
    assert list(gn.bridges(g)) == ["e2", "e3"]
    assert gn.edge_connectivity(g, 0, 1) == 2
    assert gn.edge_connectivity(g, 0, 3) == 1
    crit = gn.edge_criticality(g)
    assert not crit.loc["e4", "is_bridge"] and crit.loc["e4", "detour_km"] == -1.0


def test_shared_vertex_splits_crossing_ways():
    # Two OSM-like ways that share the vertex at Sevare become four edges meeting there.
    g = graph_of({"w1": ["Mopti", "Sevare", "Bandiagara"], "w2": ["San", "Sevare", "Douentza"]})
    assert g.n_nodes == 5 and g.n_edges == 4
    assert sorted(g.edges["edge_id"]) == ["w1#0", "w1#1", "w2#0", "w2#1"]
    hub = node_at(g, "Sevare")
    assert np.bincount(np.r_[g.u, g.v])[hub] == 4
    assert g.edges.set_index("edge_id").loc["w1#1", "source_id"] == "w1"
    # Crossing without a shared vertex (an overpass) makes no junction.
    g2 = graph_of({"a": [(-4.0, 14.0), (-3.0, 14.0)], "b": [(-3.5, 13.5), (-3.5, 14.5)]})
    assert g2.n_nodes == 4 and g2.n_edges == 2


def test_split_lengths_are_geodesic_and_column_length_only_for_unsplit_lines():
    lines = lines_frame(
        {"w1": ["Mopti", "Sevare", "Bandiagara"], "w2": ["Sevare", "Douentza"]},
        published_km=[75.0, 190.0],
    )
    g = gn.graph_from_lines(lines, edge_id_column="road_id", length_km_column="published_km")
    e = g.edges.set_index("edge_id")
    assert e.loc["w2", "length_km"] == 190.0 and e.loc["w2", "length_source"] == "column"
    assert e.loc["w1#0", "length_source"] == "geodesic"
    total = e.loc["w1#0", "length_km"] + e.loc["w1#1", "length_km"]
    assert total == pytest.approx(geometry_length_km(lines.geometry[0]), abs=1e-9)
    assert e.loc["w1#0", "length_km"] == pytest.approx(geodesic_km(*TOWN["Mopti"], *TOWN["Sevare"]))
    assert "published_km" not in g.edges.columns


def test_tolerance_merges_nearby_end_points():
    lon, lat = TOWN["Sevare"]
    near = (lon + 0.00004, lat)  # about 4 m east
    rows = {"a": ["Mopti", (lon, lat)], "b": [near, "Bandiagara"]}
    assert graph_of(rows).n_nodes == 3  # default 10 m
    assert graph_of(rows, node_tolerance_km=0.001).n_nodes == 4
    assert graph_of(rows, node_tolerance_km=0).n_nodes == 4


def test_end_point_near_interior_vertex_makes_a_t_junction():
    lon, lat = TOWN["Sevare"]
    g = graph_of(
        {"main": ["Mopti", (lon, lat), "Bandiagara"], "spur": ["San", (lon, lat + 0.00005)]}
    )
    assert g.n_edges == 3
    assert gn.bridges(g).size == 3
    assert gn.route(g, node_at(g, "San"), node_at(g, "Bandiagara")).reachable


def test_multilinestring_is_exploded_with_stable_ids():
    geom = MultiLineString([[TOWN["Mopti"], TOWN["Sevare"]], [TOWN["Bandiagara"], TOWN["Koro"]]])
    lines = gpd.GeoDataFrame(
        {"road_id": ["m"], "surface": ["paved"]}, geometry=[geom], crs="EPSG:4326"
    )
    g = gn.graph_from_lines(lines, edge_id_column="road_id")
    assert list(g.edges["edge_id"]) == ["m#0", "m#1"]
    assert list(g.edges["source_part"]) == [0, 1]
    assert list(g.edges["surface"]) == ["paved", "paved"]
    assert g.edges.crs.to_epsg() == 4326


def test_projected_input_is_reprojected():
    lines = lines_frame(TREE).to_crs("EPSG:32630")
    g = gn.graph_from_lines(lines, edge_id_column="road_id")
    ref = graph_of(TREE)
    np.testing.assert_allclose(g.edges["length_km"], ref.edges["length_km"], rtol=1e-6)


@pytest.mark.parametrize(
    ("frame", "kwargs", "error", "match"),
    [
        (lines_frame(TREE).set_crs(None, allow_override=True), {}, SchemaError, "no CRS"),
        (
            gpd.GeoDataFrame({"road_id": ["x"]}, geometry=[Point(-4, 14)], crs=4326),
            {},
            SchemaError,
            "LineString or MultiLineString",
        ),
        (
            lines_frame({"a": ["Mopti", "Sevare"], "b": ["Sevare", "San"]}).assign(
                road_id=["a", "a"]
            ),
            {},
            SchemaError,
            "must be unique",
        ),
        (
            lines_frame(TREE),
            {"class_column": "surface"},
            SchemaError,
            r"class_column='surface' is not a column",
        ),
        (lines_frame(TREE).assign(u=1), {}, SchemaError, r"\['u'\] would be overwritten"),
        (lines_frame(TREE), {"node_tolerance_km": -1}, ParameterError, "node_tolerance_km"),
        (lines_frame(TREE).iloc[:0], {}, GraphError, "empty"),
    ],
)
def test_graph_from_lines_errors(frame, kwargs, error, match):
    with pytest.raises(error, match=match):
        gn.graph_from_lines(frame, edge_id_column="road_id", **kwargs)


def test_schema_errors_are_listed_at_once():
    frame = lines_frame(TREE).assign(u=1, road_id=["a", "a", "b", "c"])
    with pytest.raises(SchemaError, match=r"2 problem\(s\)") as info:
        gn.graph_from_lines(frame, edge_id_column="road_id")
    assert isinstance(info.value, (MinusmaError, ValueError))


def test_roadgraph_rejects_bad_tables():
    edges = pd.DataFrame(
        {
            "edge_id": ["a", "a"],
            "u": [0, 5],
            "v": [1, 1],
            "length_km": [1.0, -2.0],
            "road_class": "paved",
        }
    )
    with pytest.raises(GraphError, match=r"duplicates.*node positions 0\.\.1.*finite and >= 0"):
        gn.RoadGraph([-4.0, -3.9], [14.0, 14.1], edges)


# ------------------------------------------------------------ csr, snapping, routing


def test_csr_min_of_parallel_edges_nan_absent_and_removal():
    g = edge_graph(3, [(0, 1), (1, 0), (1, 2), (2, 0)], lengths=[5.0, 3.0, 2.0, 4.0])
    g = g.with_edge_column("travel_h", [0.1, np.nan, 0.2, np.nan])
    m = g.csr("length_km").toarray()
    assert (m == m.T).all() and m[0, 1] == 3.0 and m[1, 2] == 2.0
    assert g.csr("travel_h").toarray()[0, 1] == 0.1 and g.csr("travel_h").nnz == 4
    assert g.csr("length_km", removed_edge_ids=["e1"]).toarray()[0, 1] == 5.0
    assert g.csr("length_km", removed_edge_ids="e2").toarray()[1, 2] == 0
    assert g.csr("length_km").toarray()[0, 1] == 3.0  # the cached matrix is untouched
    with pytest.raises(UnknownNameError, match=r"unknown edge id\(s\) \['nope'\]"):
        g.csr("length_km", removed_edge_ids=["nope"])
    with pytest.raises(UnknownNameError, match="no edge column 'speed'"):
        g.csr("speed")


def test_snap_points_reports_distance_beyond_limit():
    g = graph_of(TREE)
    lon = [TOWN["Mopti"][0], TOWN["Hombori"][0], np.nan]
    lat = [TOWN["Mopti"][1], TOWN["Hombori"][1], 14.0]
    node, snap_km = gn.snap_points(g, lon, lat, max_snap_km=20)
    assert node[0] == node_at(g, "Mopti") and snap_km[0] == pytest.approx(0, abs=1e-9)
    nearest = min(
        geodesic_km(*TOWN["Hombori"], *TOWN[t])
        for t in ("Mopti", "Sevare", "Bandiagara", "Koro", "San")
    )
    assert node[1] == -1 and snap_km[1] == pytest.approx(nearest)
    assert node[2] == -1 and np.isnan(snap_km[2])


def test_ferry_link_removal_cuts_off_timbuktu():
    g = graph_of(
        FERRY,
        columns={"road_class": ["track", "ferry", "track", "paved"]},
        class_column="road_class",
    )
    assert g.edges.set_index("edge_id").loc["bac", "road_class"] == "ferry"
    douentza, tbk = node_at(g, "Douentza"), node_at(g, "Tombouctou")
    before = gn.node_distances(g, douentza)
    assert before["reachable"].all()
    after = gn.node_distances(g, douentza, removed_edge_ids=["bac"])
    assert not after.loc[tbk, "reachable"] and np.isnan(after.loc[tbk, "length_km"])
    assert after.loc[tbk, "source_node"] == -1
    r = gn.route(g, douentza, tbk, removed_edge_ids=["bac"])
    assert not r.reachable and r.edge_ids == () and np.isnan(r.length_km)
    assert gn.edge_connectivity_class(g, douentza, removed_edge_ids=["bac"])[tbk] == 0
    assert gn.bridges_to(g, douentza, removed_edge_ids=["bac"])[tbk] is None
    assert "bac" in gn.bridges_to(g, douentza)[tbk]


def test_route_follows_the_shorter_way_and_reports_time():
    g = graph_of({**RING, **PENDANT})
    g = g.with_edge_column("travel_h", g.edges["length_km"] / 60.0)
    r = gn.route(g, node_at(g, "Sevare"), node_at(g, "Hombori"))
    assert r.reachable and r.edge_ids[-2:] == ("p1", "p2") and r.nodes[0] == node_at(g, "Sevare")
    assert r.length_km == pytest.approx(
        g.edges.set_index("edge_id").loc[list(r.edge_ids), "length_km"].sum()
    )
    assert r.travel_h == pytest.approx(r.length_km / 60.0)
    assert gn.route(g, 0, 0).edge_ids == () and gn.route(g, 0, 0).length_km == 0


def test_distances_from_rejects_unsnapped_sources():
    g = graph_of(TREE)
    with pytest.raises(ParameterError, match="drop unsnapped"):
        gn.distances_from(g, [0, -1])


def test_unreachable_never_yields_inf():
    g = graph_of({**FERRY, "far": ["San", "Koro"]})
    g = g.with_edge_column("travel_h", g.edges["length_km"] / 40.0)
    src = node_at(g, "Douentza")
    table = gn.node_distances(g, src)
    assert not table["reachable"].all()
    assert not np.isinf(table.select_dtypes("number").to_numpy()).any()
    r = gn.route(g, src, node_at(g, "Koro"))
    assert not r.reachable and np.isnan(r.length_km) and np.isnan(r.travel_h)
    crit = gn.edge_criticality(g, hub_node=src, node_weight=np.ones(g.n_nodes), weight="travel_h")
    numbers = crit.select_dtypes("number").astype("float64").to_numpy()
    assert not np.isinf(numbers).any()


def test_distances_from_matches_networkx_multi_source_dijkstra():
    rng = np.random.default_rng(42)
    n = 120
    pairs = np.array([p for p in itertools.combinations(range(n), 2) if rng.random() < 0.03])
    pairs = np.vstack([pairs, pairs[:10]])  # some parallel edges with other lengths
    lengths = rng.uniform(1, 80, len(pairs)).round(3)
    g = edge_graph(n, pairs, lengths)
    G = nx.MultiGraph()
    G.add_nodes_from(range(n))
    for (a, b), w in zip(pairs, lengths):
        G.add_edge(int(a), int(b), length_km=float(w))
    sources = [3, 17, 64]
    expected = nx.multi_source_dijkstra_path_length(G, sources, weight="length_km")
    dist, source_of = gn.distances_from(g, sources)
    for node in range(n):
        if node in expected:
            assert dist[node] == pytest.approx(expected[node])
            assert source_of[node] in sources
            assert dist[node] == pytest.approx(
                nx.dijkstra_path_length(G, int(source_of[node]), node, weight="length_km")
            )
        else:
            assert np.isinf(dist[node]) and source_of[node] == -1


def _random_planar(seed, n=60, keep=0.7):
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(seed)
    pts = np.column_stack([rng.uniform(-5, -1, n), rng.uniform(13, 17, n)])
    tri = Delaunay(pts).simplices
    pairs = np.unique(
        np.sort(np.vstack([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [0, 2]]]), axis=1), axis=0
    )
    return pairs[rng.random(len(pairs)) < keep]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_edge_connectivity_matches_networkx_on_planar_graph(seed):
    pairs = _random_planar(seed)
    g = edge_graph(60, pairs)
    G = nx.Graph()
    G.add_nodes_from(range(60))
    G.add_edges_from(map(tuple, pairs.tolist()))
    rng = np.random.default_rng(seed)
    for s, t in rng.choice(60, size=(15, 2)):
        if s != t:
            assert gn.edge_connectivity(g, int(s), int(t)) == nx.edge_connectivity(
                G, int(s), int(t)
            )


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_bridges_match_networkx_with_parallel_edges(seed):
    rng = np.random.default_rng(seed)
    pairs = _random_planar(seed, n=80, keep=0.45)
    doubled = pairs[rng.random(len(pairs)) < 0.15]
    g = edge_graph(80, np.vstack([pairs, doubled, [[5, 5]]]))
    G = nx.Graph()
    G.add_nodes_from(range(80))
    G.add_edges_from(map(tuple, pairs.tolist()))
    twins = {tuple(p) for p in doubled.tolist()}
    expected = {tuple(sorted(b)) for b in nx.bridges(G)} - twins
    found = g.edges.set_index("edge_id").loc[gn.bridges(g), ["u", "v"]]
    assert {tuple(sorted(p)) for p in found.to_numpy().tolist()} == expected
    # and the class agrees with a brute-force check against node 0
    cls = gn.edge_connectivity_class(g, 0)
    comp0 = nx.node_connected_component(G, 0)
    for node in range(1, 80):
        if node not in comp0:
            assert cls[node] == 0
        else:
            assert cls[node] == (2 if gn.edge_connectivity(g, node, 0) >= 2 else 1)


def test_bridges_on_a_long_path_needs_no_recursion():
    n = 20_000
    g = edge_graph(n, np.column_stack([np.arange(n - 1), np.arange(1, n)]))
    assert gn.bridges(g).size == n - 1
    assert (gn.edge_connectivity_class(g, 0).iloc[1:] == 1).all()
    assert gn.edge_criticality(g, hub_node=0).loc["e0", "stranded_nodes"] == n - 1
    short = edge_graph(500, np.column_stack([np.arange(499), np.arange(1, 500)]))
    assert len(gn.bridges_to(short, 0)[499]) == 499  # output size grows with path length


def test_connectivity_class_with_several_targets():
    g = edge_graph(4, [(0, 1), (1, 2), (2, 3)])
    assert list(gn.edge_connectivity_class(g, [0, 2])) == [2, 2, 2, 1]
    assert list(gn.bridges_to(g, [0, 2])) == [(), (), (), ("e2",)]


# ------------------------------------------------------------ criticality


def test_ring_detour_is_the_other_way_round():
    g = graph_of(RING)
    crit = gn.edge_criticality(g)
    total = g.edges["length_km"].sum()
    length = g.edges.set_index("edge_id")["length_km"]
    np.testing.assert_allclose(crit["detour_km"], total - 2 * length[crit.index])
    assert crit["has_detour"].all() and not crit["is_bridge"].any()
    assert (crit["stranded_nodes"] == 0).all()


def test_detour_h_along_the_same_alternative():
    g = graph_of(RING)
    g = g.with_edge_column("travel_h", g.edges["length_km"] / np.array([80.0, 40.0, 40.0, 80.0]))
    by_km = gn.edge_criticality(g)
    t = g.edges.set_index("edge_id")["travel_h"]
    assert by_km.loc["r1", "detour_h"] == pytest.approx(t[["r2", "r3", "r4"]].sum() - t["r1"])
    by_h = gn.edge_criticality(g, weight="travel_h")
    np.testing.assert_allclose(by_h["detour_h"], by_km["detour_h"])


def test_stranded_counts_and_weights():
    g = graph_of({**RING, **PENDANT})
    pop = np.zeros(g.n_nodes)
    pop[node_at(g, "Boni")], pop[node_at(g, "Hombori")] = 29000, 23099
    crit = gn.edge_criticality(g, hub_node=node_at(g, "Sevare"), node_weight=pop)
    assert crit.loc["p1", "stranded_nodes"] == 2 and crit.loc["p1", "stranded_weight"] == 52099
    assert crit.loc["p2", "stranded_nodes"] == 1 and crit.loc["p2", "stranded_weight"] == 23099
    assert crit.loc[["p1", "p2"], "stranded_weight_complete"].all()
    assert not crit.loc["p1", "has_detour"] and np.isnan(crit.loc["p1", "detour_km"])
    pop[node_at(g, "Hombori")] = np.nan  # unknown population: reported, not summed as zero
    crit = gn.edge_criticality(g, hub_node=node_at(g, "Sevare"), node_weight=pd.Series(pop))
    assert (
        crit.loc["p1", "stranded_weight"] == 29000
        and not crit.loc["p1", "stranded_weight_complete"]
    )
    # the hub on the far side: removing p1 strands the ring instead
    crit = gn.edge_criticality(g, hub_node=node_at(g, "Hombori"))
    assert crit.loc["p1", "stranded_nodes"] == 4
    # no hub: the smaller side
    assert gn.edge_criticality(g).loc["p1", "stranded_nodes"] == 2


def test_criticality_rows_of_edges_without_weight_are_null():
    g = graph_of({**RING, **PENDANT})
    g = g.with_edge_column(
        "travel_h", np.where(g.edges["edge_id"] == "p2", np.nan, g.edges["length_km"] / 50)
    )
    crit = gn.edge_criticality(g, weight="travel_h")
    assert crit.loc["p2"].drop(["u", "v"]).isna().all()
    assert crit.loc["p1", "is_bridge"]


def test_limit_marks_long_detours():
    g = graph_of(RING)
    crit = gn.edge_criticality(g, limit=100)
    assert crit["detour_beyond_limit"].all() and crit["detour_km"].isna().all()
    assert crit["has_detour"].all()


def test_matches_brute_force_single_link_redundancy():
    pairs = _random_planar(9, n=40, keep=0.6)
    rng = np.random.default_rng(9)
    g = edge_graph(40, np.vstack([pairs, pairs[:3]]), lengths=rng.uniform(5, 50, len(pairs) + 3))
    crit = gn.edge_criticality(g)
    G = nx.MultiGraph()
    for row in g.edges.itertuples():
        G.add_edge(row.u, row.v, key=row.edge_id, length_km=row.length_km)
    for row in g.edges.itertuples():
        H = G.copy()
        H.remove_edge(row.u, row.v, key=row.edge_id)
        if nx.has_path(H, row.u, row.v):
            alt = nx.dijkstra_path_length(H, row.u, row.v, weight="length_km")
            assert crit.loc[row.edge_id, "detour_km"] == pytest.approx(alt - row.length_km)
        else:
            assert crit.loc[row.edge_id, "is_bridge"] and np.isnan(
                crit.loc[row.edge_id, "detour_km"]
            )


def test_time_detours_match_brute_force_with_edges_out_of_the_network():
    pairs = _random_planar(11, n=40, keep=0.7)
    rng = np.random.default_rng(11)
    hours = rng.uniform(0.2, 3, len(pairs))
    hours[rng.random(len(pairs)) < 0.1] = np.nan  # unknown speed: out of time routing
    g = edge_graph(40, pairs, lengths=rng.uniform(5, 90, len(pairs)))
    g = g.with_edge_column("travel_h", hours)
    crit = gn.edge_criticality(g, weight="travel_h")
    G = nx.Graph()
    for row in g.edges.itertuples():
        if np.isfinite(row.travel_h):
            G.add_edge(row.u, row.v, travel_h=row.travel_h, length_km=row.length_km)
    for row in g.edges.itertuples():
        got = crit.loc[row.edge_id]
        if not np.isfinite(row.travel_h):
            assert got.drop(["u", "v"]).isna().all()
            continue
        H = G.copy()
        H.remove_edge(row.u, row.v)
        if not nx.has_path(H, row.u, row.v):
            assert got["is_bridge"] and not got["has_detour"]
            continue
        path = nx.dijkstra_path(H, row.u, row.v, weight="travel_h")
        hops = list(itertools.pairwise(path))
        assert got["detour_h"] == pytest.approx(
            sum(H[a][b]["travel_h"] for a, b in hops) - row.travel_h
        )
        assert got["detour_km"] == pytest.approx(
            sum(H[a][b]["length_km"] for a, b in hops) - row.length_km
        )


# ------------------------------------------------------------ determinism


def test_same_input_same_output():
    rows = {**RING, **PENDANT, "w": ["San", "Sevare", "Koro"]}
    a, b = graph_of(rows), graph_of(rows)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    np.testing.assert_array_equal(a.node_lon, b.node_lon)
    pd.testing.assert_frame_equal(
        gn.edge_criticality(a, hub_node=0), gn.edge_criticality(b, hub_node=0)
    )
    assert list(gn.bridges(a)) == list(gn.bridges(b))


@pytest.mark.parametrize(
    "module",
    [
        "minusma.geo.graph_build",
        "minusma.geo.routing",
        "minusma.geo.resilience",
        "minusma.geo.redundancy",
    ],
)
def test_split_modules_import_on_their_own_and_are_re_exported(module):
    """Each concern module imports first in a fresh interpreter (no import cycle with geo.network)
    and every public name stays importable from geo.network as the same object."""
    import subprocess
    import sys

    code = (
        f"import {module} as m, geo.network as n\n"
        "assert set(m.__all__) <= set(n.__all__)\n"
        "assert all(getattr(n, k) is getattr(m, k) for k in m.__all__)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_edge_connectivities_match_max_flow_and_networkx(seed):
    """Counts to one target equal networkx's local edge connectivity on the simple part and the
    whole-graph maximum flow with parallel edges; a zero budget leaves lower bounds, flagged."""
    rng = np.random.default_rng(seed)
    pairs = _random_planar(seed, n=70, keep=0.8)
    g_simple = edge_graph(70, pairs)
    G = nx.Graph()
    G.add_nodes_from(range(70))
    G.add_edges_from(map(tuple, pairs.tolist()))
    nodes = np.arange(70)
    count, exact = gn.edge_connectivities(g_simple, nodes, 0)
    assert exact.all()
    for s in range(1, 70):
        assert count[s] == (nx.edge_connectivity(G, s, 0) if nx.has_path(G, s, 0) else 0)
    doubled = pairs[rng.random(len(pairs)) < 0.2]
    g = edge_graph(70, np.vstack([pairs, doubled, [[3, 3]]]))
    count, exact = gn.edge_connectivities(g, nodes, 0)
    assert exact.all()
    for s in range(1, 70):
        assert count[s] == gn.edge_connectivity(g, s, 0)
    lower, flagged = gn.edge_connectivities(g, nodes, 0, max_flow_work=0)
    assert (lower[count >= 2] == 2).all() and (lower[count < 2] == count[count < 2]).all()
    assert ((lower == count) | ~flagged).all() and (count > 2).any()
    assert not flagged[count > 2].any() and flagged[count <= 1].all()


def test_csr_is_shared_by_derived_graphs_and_cleared_on_demand():
    g = edge_graph(4, [[0, 1], [1, 2], [0, 1], [2, 3]], [5.0, 2.0, 3.0, 1.0])
    g2 = g.with_edge_column("travel_h", [1.0, np.nan, 9.0, 2.0])
    m = g2.csr("travel_h")
    assert m[0, 1] == 1.0 and m[1, 2] == 0 and g.csr()[0, 1] == 3.0
    assert g2.csr("length_km", removed_edge_ids=["e2"])[0, 1] == 5.0
    assert gn.bridges(g2).tolist() == ["e1", "e3"]
    assert g.topology_cached("bridges", lambda: None) is not None  # shared with g2
    g.clear_caches()
    assert g2.topology_cached("bridges", lambda: None) is None
    assert g2.csr("travel_h")[0, 1] == 1.0
