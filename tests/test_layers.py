"""Every registered layer against its declared schema, and known answers from the facts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pyproj import Geod

import minusma.layers as L
from minusma.geo._errors import ParameterError, SchemaError, UnknownNameError
from minusma.geo._validate import validate_frame
from minusma.geo.distance import geodesic_km
from minusma.layers.checks import check_facts
from minusma.layers.registry import get_info, layer_names, load


@pytest.fixture(scope="module")
def loaded():
    return {name: load(name) for name in layer_names("shipped")}


@pytest.mark.parametrize("name", layer_names("shipped"))
def test_layer_matches_declared_schema(loaded, name):
    gdf, info = loaded[name], get_info(name)
    validate_frame(gdf, info.schema, name=name)  # raises listing every problem
    assert list(gdf.columns) == info.schema.names
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) > 0
    assert gdf[info.id_column].is_unique
    assert gdf[info.id_column].notna().all()
    assert gdf["source"].notna().all() and (gdf["source"].str.len() > 0).all()
    present = gdf.geometry.notna()
    assert set(gdf.geometry[present].geom_type) <= set(info.schema.geometry_types)
    assert (gdf["geometry_kind"] == info.geometry_kind).all() or name == "river_places"
    assert info.licence and info.attribution and info.sources


def test_schematic_layers_say_so(loaded):
    for name in ("roads", "river", "air_links"):
        assert get_info(name).geometry_kind == "schematic"
        assert (loaded[name]["geometry_kind"] == "schematic").all()
        assert "SCHEMATIC" in get_info(name).description


def test_thirteen_sites_eleven_counted_nine_north_two_centre(loaded):
    bases = loaded["bases"]
    assert len(bases) == 13
    counted = bases[bases["in_june2023_count"]]
    assert len(counted) == 11
    assert counted["count_zone"].value_counts().to_dict() == {"north": 9, "centre": 2}
    assert set(bases.loc[~bases["in_june2023_count"], "town_id"]) == {"ml-bamako", "ml-ogossagou"}
    assert "ml-lere" not in set(bases["town_id"])  # Léré was a FAMa camp, not a MINUSMA site
    assert (bases["kind"] == "temporary_operating_base").sum() == 1


def test_closure_order_follows_dates(loaded):
    bases = loaded["bases"].sort_values("closure_order")
    assert list(bases["closure_order"]) == list(range(1, 14))
    assert bases["closure_date"].is_monotonic_increasing
    assert bases.iloc[0]["town_id"] == "ml-ogossagou" and bases.iloc[-1]["town_id"] == "ml-gao"
    # Douentza and Tessalit share 21 Oct 2023; the reported order (5th, 6th) breaks the tie
    same_day = bases[bases["closure_date"] == "2023-10-21"]
    assert list(same_day["town_id"]) == ["ml-douentza", "ml-tessalit"]


def test_bases_as_of_excludes_sites_closed_by_then():
    open_sept = L.bases(as_of="2023-09-01")
    assert len(open_sept) == 9
    assert not {"ml-ogossagou", "ml-ber", "ml-goundam", "ml-menaka"} & set(open_sept["town_id"])
    assert len(L.bases(as_of="2023-06-30")) == 13
    assert list(L.bases(as_of=dt.date(2024, 7, 21))["town_id"]) == ["ml-gao"]
    assert len(L.bases(as_of="2024-07-22")) == 0  # closed on the day


@pytest.mark.parametrize("bad", ["2012-12-31", "2025-01-01", "31/08/2023", "soon"])
def test_bases_as_of_rejects_bad_dates(bad):
    with pytest.raises(ParameterError, match="as_of"):
        L.bases(as_of=bad)


def test_towns_gazetteer(loaded):
    towns = loaded["towns"]
    assert len(towns) == 193
    assert towns["has_coordinate"].sum() == 175
    assert towns.geometry.isna().sum() == 18
    assert (towns["seat_of"] == "region").sum() == 20
    assert towns.set_index("town_id").at["ml-segou", "name_ascii"] == "Segou"


def test_bamako_segou_published_length(loaded):
    roads = loaded["roads"].set_index("road_id")
    row = roads.loc["road-ml-bamako--ml-segou"]
    assert row["length_km"] == 240.0 and row["length_method"] == "published"
    assert "maliweb" in row["source"]


def test_road_lengths_never_shorter_than_straight_line(loaded):
    roads = loaded["roads"]
    measured = roads["length_km"].notna() & roads["length_km_straight"].notna()
    assert (
        roads.loc[measured, "length_km"] >= roads.loc[measured, "length_km_straight"] - 1e-6
    ).all()
    # the two rounded published figures shorter than the straight line are flagged, not used
    flagged = roads.loc[roads["length_method"] == "straight_line", "road_id"]
    assert set(flagged) == {"road-ml-aguelhok--ml-tessalit", "road-ml-tombouctou--ml-kabara"}


def test_estimates_are_marked_and_derived_from_published_ratio(loaded):
    roads = loaded["roads"]
    est = roads[roads["length_method"] == "estimate"]
    factor = roads.attrs["detour_factor"]
    assert 1.0 < factor < 1.5
    assert (est["length_km"] - est["length_km_straight"] * factor).abs().max() < 0.06
    assert roads.loc[roads["length_method"] == "estimate", "length_km_published"].isna().all()


def test_links_without_sourced_end_points_are_reported_not_guessed(loaded):
    roads = loaded["roads"].set_index("road_id")
    no_geom = set(roads.index[roads.geometry.isna()])
    assert no_geom == {
        "road-ml-koro--burkina-faso-border",
        "road-ml-niono--ml-goma-coura",
        "road-ml-goma-coura--ml-lere",
    }


def test_geodesic_bamako_gao_agrees_with_pyproj(loaded):
    towns = loaded["towns"].set_index("town_id")
    a, b = towns.at["ml-bamako", "geometry"], towns.at["ml-gao", "geometry"]
    _, _, ref_m = Geod(ellps="WGS84").inv(a.x, a.y, b.x, b.y)
    assert abs(geodesic_km(a.x, a.y, b.x, b.y) - ref_m / 1000) < 1.0
    assert 940 < geodesic_km(a.x, a.y, b.x, b.y) < 960


def test_river_navigable_reach(loaded):
    river = loaded["river"].set_index("reach_id")
    nav = river.loc["navigable"]
    assert bool(nav["navigable"]) and nav["length_km_published"] == 1308.0
    assert (
        nav["places"].split(";")[0] == "ml-koulikoro" and nav["places"].split(";")[-1] == "ml-gao"
    )
    assert (
        nav["length_km_schematic"] < nav["length_km_published"]
    )  # straight legs cut the river's bends
    assert pd.isna(river.loc["lower", "navigable"])


def test_airports_and_air_links(loaded):
    airports = loaded["airports"].set_index("icao")
    assert len(airports) == 30
    assert airports.at["GATB", "town_id"] == "ml-tombouctou"
    assert airports.at["GABS", "iata"] == "BKO"
    links = loaded["air_links"].set_index("link_id")
    tom = links.loc["skymali-bko-tom"]
    assert tom["period_end"] == "2023-09-11" and tom["status"] == "suspended"
    assert tom["via_icao"] == "GAMB"
    # Bamako-Timbuktu via Mopti: the AFP report gives about 700 km
    assert 650 < tom["length_km"] < 750


def test_central_zone_regions(loaded):
    regions = loaded["regions"].set_index("name")
    assert set(regions.index[regions["in_central_zone"]]) == {"Mopti", "Ségou"}
    inside = {r.strip() for v in regions["regions_2023_inside"].dropna() for r in v.split(";")}
    assert inside == {"Mopti", "Ségou", "San", "Bandiagara", "Douentza"}


def test_fact_checks_pass_on_shipped_data(loaded):
    assert (
        check_facts(
            bases=loaded["bases"],
            towns=loaded["towns"],
            roads=loaded["roads"],
            regions=loaded["regions"],
            airports=loaded["airports"],
        )
        == []
    )


def test_fact_checks_catch_planted_errors(loaded):
    bases = loaded["bases"].copy()
    bases.loc[0, "closure_date"] = "2022-05-01"
    roads = loaded["roads"].copy()
    roads.loc[roads["road_id"] == "road-ml-bamako--ml-segou", "length_km"] = 150.0
    towns = loaded["towns"].copy()
    from shapely.geometry import Point

    towns.loc[towns["town_id"] == "ml-gao", "geometry"] = Point(10.0, 30.0)
    problems = check_facts(
        bases=bases,
        towns=towns,
        roads=roads,
        regions=loaded["regions"],
        airports=loaded["airports"],
    )
    text = "\n".join(problems)
    assert "closure date outside 2023-2024" in text
    assert "road-ml-bamako--ml-segou length 150.0 km is shorter than the straight line" in text
    assert "towns: ml-gao lies outside Mali" in text


def test_unknown_layer_lists_valid_names():
    with pytest.raises(UnknownNameError, match="valid layers: bases, towns"):
        get_info("basses")
    assert get_info("Air-Links").name == "air_links"


def test_validation_reports_every_problem_at_once(loaded):
    towns = loaded["towns"].copy()
    towns.loc[0, "town_id"] = towns.loc[1, "town_id"]
    towns = towns.drop(columns=["country"])
    with pytest.raises(SchemaError) as err:
        validate_frame(towns, get_info("towns").schema, name="towns")
    message = str(err.value)
    assert "missing column(s) ['country']" in message and "duplicate values" in message
    assert "2 problem(s)" in message


def test_aggregate_lengths_are_shared_among_their_edges(loaded):
    roads = loaded["roads"].set_index("road_id")
    members = roads[roads["aggregate_id"].notna()]
    for agg_id, group in members.groupby("aggregate_id"):
        published = roads.at[agg_id, "length_km_published"]
        assert group["length_km"].sum() == pytest.approx(published, abs=0.2), agg_id
    rn16 = members[members["aggregate_id"] == "road-ml-sevare--ml-gao"]
    assert set(rn16["length_method"]) == {"calibrated"} and len(rn16) == 6
    assert (roads.loc[roads["role"] != "edge", "aggregate_id"].isna()).all()
