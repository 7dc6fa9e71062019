"""``minusma query`` through click's CliRunner."""

import json

from click.testing import CliRunner

from maps.cli.main import cli


def test_nearest_base_after_goundam_closed():
    res = CliRunner().invoke(cli, ["query", "nearest", "Diré", "--as-of", "2023-09-01"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["nearest"] == "MINUSMA-11" and abs(doc["distance_km"] - 71.03) < 0.05


def test_within():
    res = CliRunner().invoke(cli, ["query", "within", "Ber", "60"])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "id\tname\tdistance_km"
    assert [line.split("\t")[0] for line in lines[1:]] == ["MINUSMA-02", "MINUSMA-11"]


def test_town_names_match_alternatives_and_suggest():
    runner = CliRunner()
    doc = json.loads(runner.invoke(cli, ["query", "nearest", "Timbuktu"]).stdout)
    assert doc == {"town": "ml-tombouctou", "nearest": "MINUSMA-11", "distance_km": 0.0}
    res = runner.invoke(cli, ["query", "nearest", "Tombuctou"])
    assert res.exit_code == 2 and "did you mean 'Tombouctou'?" in res.output


def test_route_and_cut():
    runner = CliRunner()
    doc = json.loads(runner.invoke(cli, ["query", "route", "Goundam", "Diré"]).stdout)
    assert doc["reachable"] and doc["length_km"] == 35.0 and doc["travel_h"] == round(35.0 / 80, 3)
    cut = runner.invoke(cli, ["query", "route", "Goundam", "Diré", "--close-road", "Diré–Goundam"])
    assert (
        json.loads(cut.stdout)["reachable"] is False and json.loads(cut.stdout)["length_km"] is None
    )


def test_query_errors():
    runner = CliRunner()
    res = runner.invoke(cli, ["query", "nearest", "Atlantis"])
    assert res.exit_code == 2 and "no town named 'Atlantis'" in res.output
    res = runner.invoke(cli, ["query", "within", "Ber", "--", "-5"])
    assert res.exit_code == 1 and "radius_km must be" in res.output
    res = runner.invoke(cli, ["query", "route", "Kayes", "Bamako"])
    assert res.exit_code == 1 and "not on the road layer" in res.output
    res = runner.invoke(cli, ["query", "route", "Goundam", "Diré", "--close-road", "Nowhere"])
    assert res.exit_code == 1 and "valid segments" in res.output


def test_route_prints_the_data_gap_once():
    runner = CliRunner()
    for _ in range(
        2
    ):  # the second run reuses the cached context, which warns no more: still printed
        res = runner.invoke(cli, ["query", "route", "Goundam", "Diré"])
        assert res.exit_code == 0, res.output
        assert res.stderr.count("have no") == 1 and res.stderr.startswith("data gap: ")
        assert "have no dry-season speed (class(es) unverified)" in res.stderr
