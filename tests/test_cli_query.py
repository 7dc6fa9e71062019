"""``minusma query`` through click's CliRunner: a thin shell over layers.query."""

import json

import pytest
from click.testing import CliRunner

from minusma.cli import query as shell
from minusma.cli.main import cli
from minusma.layers import query as library


def run(*args):
    return CliRunner().invoke(cli, ["query", *args])


def test_choices_mirror_the_library():
    assert tuple(library.TARGETS) == shell.TARGETS
    assert shell.BY == library.BY and shell.ROUTE_BY == library.ROUTE_BY


def test_nearest_base_after_goundam_closed_in_every_format():
    res = run("nearest", "Diré", "--as-of", "2023-09-01", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["place_id"] == "ml-dire" and doc["by"] == "geodesic"
    assert [r["id"] for r in doc["results"]] == ["MINUSMA-11"]
    assert abs(doc["results"][0]["distance_km"] - 71.03) < 0.05
    csv = run("nearest", "Diré", "--as-of", "2023-09-01", "--format", "csv").stdout.splitlines()
    assert csv[0] == "\ufeffid,name,distance_km" and csv[1].startswith("MINUSMA-11,")  # BOM
    table = run("nearest", "Diré", "--as-of", "2023-09-01").stdout.splitlines()
    assert table[0].split() == ["ID", "Name", "Distance", "(km)"] and table[1].split()[-1] == "71.0"


def test_nearest_by_road_k():
    doc = json.loads(
        run(
            "nearest", "Goundam", "--to", "towns", "--by", "road", "-k", "2", "--format", "json"
        ).stdout
    )
    assert [(r["id"], r["distance_km"]) for r in doc["results"]] == [
        ("ml-dire", 35.0),
        ("ml-tonka", 37.1),
    ]


def test_within():
    res = run("within", "Ber", "60", "--format", "csv")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "\ufeffid,name,distance_km"  # a BOM: Excel reads accents right
    assert [line.split(",")[0] for line in lines[1:]] == ["MINUSMA-02", "MINUSMA-11"]
    none = run("within", "Ber", "1", "--to", "airports")
    assert none.exit_code == 0 and none.stdout.strip() == "(none)"


def test_town_names_match_alternatives_and_suggest():
    doc = json.loads(run("nearest", "Timbuktu", "--format", "json").stdout)
    assert doc["place_id"] == "ml-tombouctou"
    assert doc["results"] == [
        {"id": "MINUSMA-11", "name": doc["results"][0]["name"], "distance_km": 0.0}
    ]
    res = run("nearest", "Tombuctou")
    assert res.exit_code == 1 and "did you mean 'Tombouctou'?" in res.output


def test_route_and_cut():
    doc = json.loads(run("route", "Goundam", "Diré", "--format", "json").stdout)
    assert doc["reachable"] and doc["length_km"] == 35.0 and doc["travel_h"] == round(35.0 / 80, 3)
    assert [s["label"] for s in doc["segments"]] == ["Diré–Goundam"]
    cut = run("route", "Goundam", "Diré", "--close-road", "Diré–Goundam", "--format", "json")
    doc = json.loads(cut.stdout)
    assert doc["reachable"] is False and doc["length_km"] is None and doc["segments"] == []
    assert run("route", "Goundam", "Diré", "--close-road", "Diré–Goundam").stdout.startswith(
        "no road route from ml-goundam to ml-dire"
    )


def test_route_bamako_gao_by_time_table():
    res = run("route", "Bamako", "Gao", "--by", "time")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[1].split()[:2] == ["1", "Bamako–Ségou"] and len(lines) == 12
    assert lines[-1] == "total: 1147.7 km, 14.3 h (dry season, by time)"
    assert "data gap: 10 of 10 segment(s) are schematic" in res.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nearest", "Atlantis"], 1, "no place named 'Atlantis'"),
        (["within", "Ber", "--", "-5"], 2, "radius_km must be"),
        (["within", "Ber", "nan"], 2, "radius_km must be a finite number"),
        (["nearest", "Ber", "--as-of", "2030-01-01"], 2, "as_of must lie between"),
        (["route", "Kayes", "Bamako"], 1, "not on the road layer"),
        (["route", "Goundam", "Diré", "--close-road", "Nowhere"], 1, "valid segments"),
        (["nearest", "Ber", "--to", "towns", "--as-of", "2023-09-01"], 1, "only applies to bases"),
    ],
)
def test_query_errors(args, code, message):
    res = run(*args)
    assert res.exit_code == code and message in res.output, res.output


def test_route_prints_the_data_gap_once():
    for _ in range(2):  # the second run reuses the cached context, which warns no more
        res = run("route", "Goundam", "Diré")
        assert res.exit_code == 0, res.output
        assert res.stderr.count("have no") == 1 and res.stderr.startswith("data gap: ")
        assert "have no dry-season speed (class(es) unverified)" in res.stderr
