"""OCHA COD populated places, on the real data directory."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

from minusma import layers
from minusma.geo._errors import SchemaError
from minusma.geo._validate import validate_frame
from minusma.layers.registry import get_info
from minusma.layers.settlements import CLASS_LABELS, make_settlement_ids, settlements


@pytest.fixture(scope="module")
def places(data_dir):
    return settlements(data_dir)


def test_counts_ids_and_classes(places):
    assert len(places) == 18769
    assert places["settlement_id"].is_unique
    validate_frame(places, get_info("settlements").schema, name="settlements")
    counts = places["class_code"].value_counts().to_dict()
    assert counts == {5: 18069, 4: 650, 3: 41, 2: 8, 1: 1}
    capital = places[places["class_code"] == 1].iloc[0]
    assert capital["name"] == "Bamako" and capital["class_label"] == CLASS_LABELS[1]
    assert capital["region_2023"] == "District de Bamako"
    assert places["region_2023"].notna().all()


def test_region_2023_follows_the_crosswalk(places):
    by = places.set_index("settlement_id")
    assert by.at["ML050000000", "region_2023"] == "Mopti"  # Mopti town
    assert by.at["ML050301025", "region_2023"] == "Bandiagara"  # Ogossagou (Bankass cercle)
    assert by.at["ML050301025", "cercle_pcode"] == "ML0503"


def test_curated_towns_are_matched(places):
    towns = layers.towns()
    with_pcode = towns[towns["ocha_pcode"].notna()]
    matched = places.dropna(subset=["town_id"])
    assert set(matched["town_id"].str.split(";").explode()) == set(with_pcode["town_id"])
    assert places.set_index("settlement_id").at["ML050000000", "town_id"] == "ml-mopti"


def test_duplicate_pcodes_get_stable_ids(caplog):
    pcodes = pd.Series(["A", "B", "A", "A"])
    lon = pd.Series([3.0, 0.0, 1.0, 2.0])
    lat = pd.Series([0.0, 0.0, 0.0, 0.0])
    with caplog.at_level(logging.WARNING, logger="minusma.layers.settlements"):
        ids = make_settlement_ids(pcodes, lon, lat)
    assert ids.tolist() == ["A-3", "B", "A-1", "A-2"]
    assert "3 rows share 1 P-code" in caplog.text
    # the same rows in another order give the same ids
    again = make_settlement_ids(pcodes[::-1], lon[::-1], lat[::-1])
    assert again.sort_index().tolist() == ids.tolist()


def test_place_outside_mali_names_file_row_and_problem(data_dir, tmp_path):
    rel = "ocha-cod-mali/mli_populated_places.geojson"
    doc = json.loads((data_dir / rel).read_text(encoding="utf-8"))
    doc["features"][7]["geometry"]["coordinates"] = [40.0, 14.0]
    dest = tmp_path / rel
    dest.parent.mkdir(parents=True)
    dest.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(
        SchemaError,
        match=r"mli_populated_places\.geojson[\s\S]*outside Mali's bounds"
        r"[\s\S]*row 7 \(pcode=",
    ):
        settlements(tmp_path)
