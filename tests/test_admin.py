"""OCHA COD admin units with their 2023 regions, on the real data directory."""

from __future__ import annotations

import json
import logging

import geopandas as gpd
import pytest
from shapely.geometry import Point

from minusma import layers
from minusma.geo._errors import SchemaError, UnknownNameError
from minusma.geo._validate import validate_frame
from minusma.layers import admin
from minusma.layers.datasets import read_dataset
from minusma.layers.registry import get_info

CENTRAL = {"Mopti", "Ségou", "San", "Bandiagara", "Douentza"}


@pytest.fixture(scope="module")
def cer(data_dir):
    return admin.cercles(data_dir)


@pytest.fixture(scope="module")
def com(data_dir):
    return admin.communes(data_dir)


@pytest.fixture(scope="module")
def reg(data_dir):
    return admin.regions_2023(data_dir)


def test_crosswalk_covers_every_cod_cercle_and_has_sources():
    x = admin.read_crosswalk()
    assert len(x) == 50
    assert x["source"].str.len().gt(20).all()
    # the uncertain memberships are recorded as such
    low = set(x.loc[x["confidence"] == "low", "cercle_name"])
    assert {"Bla", "Kati", "Tombouctou"} <= low
    assert "Yangasso" in x.set_index("cercle_name").at["Bla", "note"]
    for name in ("Djenné", "Ténenkou"):
        assert x.set_index("cercle_name").at[name, "confidence"] != "high"


def test_cercles_counts_and_schema(cer):
    assert len(cer) == 50  # 49 cercles + Bamako
    assert cer["cercle_pcode"].is_unique
    assert (cer["cercle_pcode"] == "ML0901").sum() == 1
    assert cer["region_2023"].notna().all()
    validate_frame(cer, get_info("cercles").schema, name="cercles")
    # known memberships, by the 2015 file's P-codes (not regions.md's edition)
    by = cer.set_index("cercle_pcode")
    assert (
        by.at["ML0503", "cercle_name"] == "Bankass"
        and by.at["ML0503", "region_2023"] == "Bandiagara"
    )
    assert by.at["ML0404", "region_2023"] == "San"
    assert by.at["ML0506", "region_2023"] == "Douentza"
    assert by.at["ML0505", "region_2023"] == "Mopti"
    assert by.at["ML0403", "region_2023_confidence"] == "low"
    assert by.at["ML0201", "region_old"] == "Koulikoro"  # COD misspelling corrected


def test_communes(com):
    assert len(com) == 701
    assert com["commune_pcode"].is_unique
    assert com["region_2023"].notna().all()
    assert (com["commune_pcode"].str[:6] == com["cercle_pcode"]).all()


def test_central_regions_cover_old_mopti_and_segou(reg, data_dir):
    assert set(reg["region_2023"]) == CENTRAL
    assert (~reg.geometry.is_empty).all() and reg.geometry.is_valid.all()
    old = read_dataset("cod_adm1", data_dir)
    old = old[old["admin1Pcod"].isin(["ML04", "ML05"])]
    old_km2 = admin._area_km2(old.geometry).sum()
    assert reg["area_km2"].sum() == pytest.approx(old_km2, rel=0.005)
    by = reg.set_index("region_2023")
    assert by.at["Ségou", "confidence"] == "low"  # Bla
    assert set(by.at["Bandiagara", "member_cercles"].split(";")) == {
        "Bandiagara",
        "Bankass",
        "Koro",
    }
    assert set(by.at["San", "member_cercles"].split(";")) == {"San", "Tominian"}
    assert by.at["Douentza", "n_cercles"] == 1


def test_regions_2023_all_and_unknown(data_dir):
    every = admin.regions_2023(data_dir, names=None)
    # 19 regions + Bamako, less Taoudénit: it has no whole 2015 cercle (carved out of Tombouctou
    # cercle)
    assert len(every) == 19 and "Taoudénit" not in set(every["region_2023"])
    with pytest.raises(UnknownNameError, match="Gourma"):
        admin.regions_2023(data_dir, names=["Gourma"])


def test_crosswalk_override_dataframe(data_dir):
    x = admin.read_crosswalk()
    x.loc[x["cercle_name"] == "Bla", ["region_2023", "confidence"]] = ["San", "low"]
    reg = admin.regions_2023(data_dir, crosswalk=x).set_index("region_2023")
    assert "Bla" in reg.at["San", "member_cercles"]


def test_crosswalk_with_other_edition_pcodes_is_refused(data_dir, tmp_path):
    x = admin.read_crosswalk()
    # regions.md's edition: ML0503 = Djenné; here ML0503 is Bankass
    x.loc[x["cercle_name"] == "Djenné", "cercle_pcode"] = "ML0599"
    x.loc[x["cercle_name"] == "Bankass", "cercle_name"] = "Djenné"
    path = tmp_path / "xwalk.csv"
    x.to_csv(path, index=False)
    with pytest.raises(
        SchemaError, match=r"'ML0503' is named 'Djenné' but the COD names it 'Bankass'"
    ):
        admin.cercles(data_dir, crosswalk=path)


def test_curated_towns_land_in_their_pcode_cercle(com, data_dir):
    towns = layers.towns()
    towns = towns[towns["ocha_pcode"].notna() & towns.geometry.notna()]
    places = read_dataset("cod_places", data_dir).set_index("pcode")
    expected = towns["ocha_pcode"].map(places["admin2Pcod"])
    assert expected.notna().all()
    got = admin.admin_join(towns, commune_frame=com)["cercle_pcode"]
    wrong = set(towns.loc[got != expected, "town_id"])
    # Tessit's COD point has a sign-flipped longitude; towns.csv uses GeoNames, which falls in Gao
    # cercle.
    assert wrong <= {"ml-tessit"}
    assert len(towns) > 150


def test_admin_join_outside_points_are_null_and_logged(com, caplog):
    pts = gpd.GeoDataFrame(
        {"name": ["Mopti", "Niamey", "none"]},
        geometry=[Point(-4.19, 14.49), Point(2.11, 13.51), None],
        crs="EPSG:4326",
        index=[10, 20, 30],
    )
    with caplog.at_level(logging.INFO, logger="minusma.layers.admin"):
        out = admin.admin_join(pts, commune_frame=com)
    assert list(out.index) == [10, 20, 30]
    assert out.at[10, "region_2023"] == "Mopti" and out.at[10, "cercle_pcode"] == "ML0501"
    assert out.loc[[20, 30]].isna().all().all()
    assert "2 of 3 point(s) fall outside" in caplog.text


def _bad_copy(data_dir, tmp_path, rel, edit):
    dest = tmp_path / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads((data_dir / rel).read_text(encoding="utf-8"))
    edit(doc)
    dest.write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path


def test_malformed_cercle_file_names_file_row_and_problem(data_dir, tmp_path):
    def drop_geometry(doc):
        doc["features"][3]["geometry"] = None

    bad = _bad_copy(data_dir, tmp_path, "ocha-cod-mali/mli_adm2_cercles.geojson", drop_geometry)
    with pytest.raises(
        SchemaError,
        match=r"mli_adm2_cercles\.geojson[\s\S]*missing or empty geometry in row 3 "
        r"\(admin2Pcod='ML\d{4}'\)",
    ):
        admin.cercles(bad)


def test_commune_outside_mali_is_refused(data_dir, tmp_path):
    def move(doc):
        feat = doc["features"][0]
        feat["geometry"] = {
            "type": "Polygon",
            "coordinates": [[[30, 0], [31, 0], [31, 1], [30, 0]]],
        }

    bad = _bad_copy(data_dir, tmp_path, "ocha-cod-mali/mli_adm3_communes.geojson", move)
    with pytest.raises(
        SchemaError, match=r"mli_adm3_communes\.geojson[\s\S]*outside Mali's bounds[\s\S]*row 0"
    ):
        admin.communes(bad)
