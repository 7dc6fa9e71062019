"""Site periods from Geo-PKO (real files in the data directory), the shipped table and user CSVs."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from minusma.geo._errors import SchemaError, UnknownNameError
from minusma.layers.sites import CITATION, SITE_SCHEMA, geopko_sites, read_sites, sites


def test_minusca_sites_from_geopko(data_dir):
    s = geopko_sites("MINUSCA", data_dir)
    assert list(s.columns) == SITE_SCHEMA.names
    assert s["site_id"].is_unique
    bangui = s[s["name"] == "Bangui"].iloc[0]
    assert (bangui["opened"], bangui["closed"]) == ("2014-10-01", None)  # first MINUSCA map
    assert bangui["troops"] > 1000
    mbaiki = s[s["name"] == "Mbaiki"].sort_values("opened")
    # on the first two maps, missing from the Feb 2015 map on: closed on that map's month
    assert mbaiki["closed"].iloc[0] == "2015-02-01"
    assert len(mbaiki) == 2  # back in the annual file in 2023: a second period
    assert s.attrs["citation"] == CITATION
    assert s.attrs["record"][0] == "2014-10-01"


def test_minusma_geopko_with_shipped_closures(data_dir):
    s = sites("geopko", mission="minusma", data_dir=data_dir).set_index("name")
    assert s.loc["Ber", "closed"] == "2023-08-13"  # shipped, day precision
    assert s.loc["Ber", "closed_precision"] == "day"
    assert s.loc["Ber", "opened"] == "2015-09-01"  # Geo-PKO map month
    assert s.loc["Gossi", "closed"] == "2018-09-01"  # Geo-PKO, first map without it
    ogossagou = s.loc["Ogossagou temporary operating base"]
    assert ogossagou["opened"] is None and ogossagou["closed"] == "2023-08-03"


def test_min_troops_drops_unarmed_locations(data_dir):
    every = geopko_sites("MINUSCA", data_dir)
    troops = geopko_sites("MINUSCA", data_dir, min_troops=1)
    assert len(troops) < len(every)
    assert (troops["troops"] >= 1).all()


def _synthetic_geopko(tmp_path):
    """SYNTHETIC Geo-PKO-layout files: five maps of an invented mission."""
    d = tmp_path / "geo-pko"
    d.mkdir()
    maps = [(2015, 1), (2015, 4), (2015, 7), (2015, 10), (2016, 1)]
    rows = []
    shows = {"Alpha": [0, 1, 3, 4], "Beta": [0, 3, 4], "Gamma": [0, 1, 2]}
    for name, present in shows.items():
        for i in present:
            for _unit in range(2):  # two unit rows per location, as in the file
                rows.append(
                    {
                        "source": f"Map no. 1 Rev. {i}",
                        "mission": "TESTMIS",
                        "year": maps[i][0],
                        "month": maps[i][1],
                        "location": name,
                        "latitude": 1.0 + len(name),
                        "longitude": 2.0,
                        "no.troops": "300",
                    }
                )
    rows.append(dict(rows[0]))  # an exact duplicate row
    with gzip.open(d / "geopko_v2.x_monthly_1994_2020.csv.gz", "wt") as fh:
        pd.DataFrame(rows).to_csv(fh, index=False)
    annual = pd.DataFrame(
        [
            {
                "mission": "OTHER",
                "year": 2015,
                "location": "X",
                "latitude": 0,
                "longitude": 0,
                "NoTroops": 1,
            }
        ]
    )
    annual.to_csv(d / "geopko_v2.3_mission_year_location.csv", index=False)
    return tmp_path


def test_geopko_rules_on_synthetic_maps(tmp_path):
    s = geopko_sites("TESTMIS", _synthetic_geopko(tmp_path)).set_index("site_id")
    # Alpha misses one map (2015-07): bridged, one period, open at the end
    assert s.loc["TESTMIS-alpha", ["opened", "closed"]].tolist() == ["2015-01-01", None]
    # Beta misses two maps: two periods, the first closed by the first map without it
    assert s.loc["TESTMIS-beta-1", ["opened", "closed"]].tolist() == ["2015-01-01", "2015-04-01"]
    assert s.loc["TESTMIS-beta-2", ["opened", "closed"]].tolist() == ["2015-10-01", None]
    # Gamma gone from the fourth map on
    assert s.loc["TESTMIS-gamma", "closed"] == "2015-10-01"
    assert s.loc["TESTMIS-alpha", "troops"] == 300  # location total, not summed over unit rows
    bridged = geopko_sites("TESTMIS", tmp_path, max_gap_maps=2)
    assert (bridged["name"] == "Beta").sum() == 1


def test_unknown_mission(data_dir):
    with pytest.raises(UnknownNameError, match=r"no mission 'NOPE'.*MINUSCA"):
        geopko_sites("NOPE", data_dir)


def test_user_csv_and_its_errors(tmp_path):
    good = tmp_path / "sites.csv"
    good.write_text(
        "site_id,name,lat,lon,opened,closed\nA,Alpha,5.0,20.0,2016-03,2019-05-15\n"
        "B,Beta,6.0,21.0,2017-01-01,\n"
    )
    s = read_sites(good)
    assert s["opened"].tolist() == ["2016-03-01", "2017-01-01"]
    assert s["closed"].tolist() == ["2019-05-15", None]
    undated = tmp_path / "undated.csv"
    undated.write_text("site_id,name,lat,lon,opened,closed\nA,Alpha,5.0,20.0,,\n")
    with pytest.raises(SchemaError, match=r"1 site\(s\) without an opened date \(A\)"):
        read_sites(undated)
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("site_id,name,lat,lon\nA,Alpha,5,20\n")
    with pytest.raises(SchemaError, match=r"missing column.*opened, closed"):
        sites(nocol)
    backwards = tmp_path / "back.csv"
    backwards.write_text("site_id,name,lat,lon,opened,closed\nA,Alpha,5,20,2019-01-01,2018-01-01\n")
    with pytest.raises(SchemaError, match="closes before it opens"):
        read_sites(backwards)


def test_sites_of_an_ended_mission_close_after_its_last_map(data_dir):
    """MINUSTAH (Haiti) ended in 2017: no site stays open at the end of the record (rule 5)."""
    s = geopko_sites("MINUSTAH", data_dir)
    assert s["closed"].notna().all()
    on_last_map = s[s["closed"] == "2018-01-01"]  # the first annual year without MINUSTAH
    assert len(on_last_map) == 8 and (on_last_map["closed_precision"] == "year").all()
    assert "Port-au-Prince" in set(on_last_map["name"])


def test_sites_is_a_registry_layer(data_dir):
    """``Study.layer("sites")`` and ``minusma layers``: MINUSMA's Geo-PKO periods with the
    shipped closures, validated against the registry entry (SITE_SCHEMA is that entry's)."""
    from minusma.layers.registry import get_info
    from minusma.study import Study

    info = get_info("sites")
    assert info.kind == "open" and info.schema is SITE_SCHEMA
    layer = Study(data_dir).layer("sites")
    pd.testing.assert_frame_equal(
        pd.DataFrame(layer.drop(columns="geometry")),
        pd.DataFrame(
            sites("geopko", mission="MINUSMA", data_dir=data_dir).drop(columns="geometry")
        ),
    )
    assert layer.set_index("name").loc["Gao", "closed"] == "2024-07-22"  # shipped closure
