"""Upstream conversions (``layers._upstream``) on small files built here in the upstream formats.

The real upstream servers are not reachable in tests: these fixtures mimic their formats (column
names, zipped shapefiles, tab-separated GeoNames tables, the HDX CKAN answer). The COD places
fixture is the first rows of the real upstream CSV kept in the data directory.
"""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from _mirror_server import MirrorServer
from affine import Affine
from shapely.geometry import LineString, Point, box

from minusma.geo._errors import ChecksumError, FetchError, SchemaError
from minusma.layers import _http, _upstream, datasets
from minusma.layers.fetch import fetch

OURAIRPORTS_HEADER = (
    "id,ident,type,name,latitude_deg,longitude_deg,elevation_ft,continent,iso_country,iso_region,"
    "municipality,scheduled_service,gps_code,iata_code,local_code,home_link,wikipedia_link,keywords"
)
OURAIRPORTS_CSV = (
    "\n".join(
        [
            OURAIRPORTS_HEADER,
            (
                "3038,GATB,medium_airport,Timbuktu Airport,16.730499,-3.00758,863,AF,ML,ML-6,"
                "Timbuktu,yes,GATB,TOM,,,https://en.wikipedia.org/wiki/Timbuktu_Airport,"
            ),
            (
                "3032,GAGO,medium_airport,Gao Airport,16.2484,-0.005456,870,AF,ML,ML-7,Gao,yes,"
                "GAGO,GAQ,,,,"
            ),
            (
                "3100,GOBD,large_airport,Blaise Diagne International Airport,14.67,-17.073,290,"
                "AF,SN,SN-TH,Dakar,yes,GOBD,DSS,,,,"
            ),
        ]
    )
    + "\n"
)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(_http, "RETRY_BACKOFF_S", 0.0)


def _zip(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return out


def _zipped_shapefile(
    tmp_path: Path, frame: gpd.GeoDataFrame, stem: str, extra: gpd.GeoDataFrame | None = None
) -> Path:
    folder = tmp_path / f"{stem}_shp"
    folder.mkdir()
    pyogrio.write_dataframe(frame, folder / f"{stem}.shp")
    if extra is not None:  # a second layer in the same archive, as in the Geofabrik extract
        pyogrio.write_dataframe(extra, folder / "gis_osm_places_free_1.shp")
    return _zip(folder, tmp_path / f"{stem}.zip")


def _geonames_inputs(tmp_path: Path) -> tuple[Path, Path]:
    rows = [
        [
            "2453348",
            "Mopti",
            "Mopti",
            "Mopti",
            "14.4843",
            "-4.18296",
            "P",
            "PPLA",
            "ML",
            "",
            "04",
            "",
            "",
            "",
            "114296",
            "",
            "267",
            "Africa/Bamako",
            "2019-01-01",
        ],
        [
            "2457163",
            "Gao",
            "Gao",
            "Gao",
            "16.27167",
            "-0.04472",
            "P",
            "PPLA",
            "ML",
            "",
            "09",
            "",
            "",
            "",
            "86633",
            "",
            "260",
            "Africa/Bamako",
            "2019-01-01",
        ],
        [
            "2253354",
            "Dakar",
            "Dakar",
            "Dakar",
            "14.6937",
            "-17.44406",
            "P",
            "PPLC",
            "SN",
            "",
            "01",
            "",
            "",
            "",
            "2476400",
            "",
            "24",
            "Africa/Dakar",
            "2019-01-01",
        ],
    ]
    folder = tmp_path / "cities1000"
    folder.mkdir()
    (folder / "cities1000.txt").write_text(
        "\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8"
    )
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text(
        "ML.04\tMopti\tMopti\t2453347\nML.09\tGao\tGao\t2457161\nSN.01\tDakar\tDakar\t2253350\n",
        encoding="utf-8",
    )
    return _zip(folder, tmp_path / "cities1000.zip"), admin1


def test_ourairports(tmp_path):
    src, out = tmp_path / "airports.csv", tmp_path / "out.geojson"
    src.write_text(OURAIRPORTS_CSV, encoding="utf-8")
    _upstream.convert_ourairports(src, out)
    frame = gpd.read_file(out)
    assert list(frame["ident"]) == ["GATB", "GAGO"]
    assert frame.geometry[0].coords[0] == pytest.approx((-3.00758, 16.730499))
    assert datasets.check_file("ourairports", out) == []


def test_geonames(tmp_path):
    cities, admin1 = _geonames_inputs(tmp_path)
    out = tmp_path / "out.geojson"
    _upstream.convert_geonames(cities, admin1, out)
    frame = gpd.read_file(out)
    assert frame[["name", "admin1", "cc"]].values.tolist() == [
        ["Mopti", "Mopti", "ML"],
        ["Gao", "Gao", "ML"],
    ]
    assert datasets.check_file("geonames_places", out) == []


def test_geoboundaries_levels(tmp_path):
    def gb(names_boxes, level):
        return gpd.GeoDataFrame(
            {
                "shapeName": [n for n, _ in names_boxes],
                "shapeISO": None,
                "shapeID": [f"id{i}" for i in range(len(names_boxes))],
                "shapeGroup": "MLI",
                "shapeType": f"ADM{level}",
            },
            geometry=[box(*b) for _, b in names_boxes],
            crs=4326,
        )

    paths = {
        0: gb([("Mali", (-8, 12, 0, 16))], 0),
        1: gb([("Mopti", (-8, 12, -4, 16)), ("Gao", (-4, 12, 0, 16))], 1),
        2: gb(
            [
                ("Bandiagara", (-8, 12, -4, 14)),
                ("Douentza", (-8, 14, -4, 16)),
                ("Ansongo", (-4, 12, 0, 16)),
            ],
            2,
        ),
    }
    for level, frame in paths.items():
        paths[level] = tmp_path / f"geoBoundaries-MLI-ADM{level}.geojson"
        frame.to_file(paths[level])
    out2 = tmp_path / "adm2.geojson"
    _upstream.convert_geoboundaries(2, paths, out2)
    frame = gpd.read_file(out2)
    assert frame[["admin2Name", "admin1Name", "admin0Pcod"]].values.tolist() == [
        ["Bandiagara", "Mopti", "ML"],
        ["Douentza", "Mopti", "ML"],
        ["Ansongo", "Gao", "ML"],
    ]
    assert frame["admin2Pcod"].isna().all() and frame["admin1Pcod"].isna().all()
    assert datasets.check_file("cod_adm2", out2) == []
    out0 = tmp_path / "adm0.geojson"
    _upstream.convert_geoboundaries(0, paths, out0)
    assert datasets.check_file("cod_adm0", out0) == []


def test_cod_places_from_the_real_upstream_csv(data_dir, tmp_path):
    src = tmp_path / "settlements.csv"
    lines = (
        (data_dir / "ocha-cod-mali/original_shp/settlements.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    src.write_text("\n".join(lines[:51]) + "\n", encoding="utf-8")
    out = tmp_path / "out.geojson"
    _upstream.convert_cod_places(src, out)
    frame = gpd.read_file(out)
    assert len(frame) == 50 and list(frame.columns[:-1]) == list(_upstream.COD_PLACES_COLUMNS)
    real = gpd.read_file(data_dir / datasets.get("cod_places").path, rows=50)
    assert frame["pcode"].tolist() == real["pcode"].tolist()
    assert np.allclose(frame.geometry.x, real.geometry.x, atol=1e-6)
    assert datasets.check_file("cod_places", out) == []


def test_hdx_csv_url(tmp_path):
    answer = tmp_path / "package_show.json"
    answer.write_text(
        json.dumps(
            {
                "success": True,
                "result": {
                    "resources": [
                        {"format": "SHP", "url": "https://example.org/a.zip"},
                        {"format": "csv", "url": "https://example.org/b.csv"},
                    ]
                },
            }
        )
    )
    assert _upstream.hdx_csv_url(answer) == "https://example.org/b.csv"
    answer.write_text(json.dumps({"result": {"resources": [{"format": "SHP", "url": "x"}]}}))
    with pytest.raises(FetchError, match=r"lists no CSV resource \(formats: \['SHP'\]\)"):
        _upstream.hdx_csv_url(answer)


def test_natural_earth_selections(tmp_path):
    rivers = gpd.GeoDataFrame(
        {
            "featurecla": ["River", "River", "River"],
            "name": ["Niger", "Rhine", "Bani"],
            "scalerank": [1, 1, 3],
        },
        geometry=[
            LineString([(-8, 11), (-4, 15), (6, 5)]),
            LineString([(7, 47), (6, 51)]),
            LineString([(-6, 12), (-4, 14.5)]),
        ],
        crs=4326,
    )
    src = _zipped_shapefile(tmp_path, rivers, "ne_10m_rivers_lake_centerlines")
    near, niger = tmp_path / "near.geojson", tmp_path / "niger.geojson"
    _upstream.convert_natural_earth(src, near, near_mali_deg=1.0)
    _upstream.convert_natural_earth(src, niger, equals=("NAME", "Niger"))  # column case ignored
    assert gpd.read_file(near)["name"].tolist() == ["Niger", "Bani"]
    assert gpd.read_file(niger)["name"].tolist() == ["Niger"]
    assert (
        datasets.check_file("ne_rivers", near) == []
        and datasets.check_file("ne_niger", niger) == []
    )
    with pytest.raises(SchemaError, match=r"upstream file has no column 'adm0_a3'"):
        _upstream.convert_natural_earth(src, tmp_path / "x.geojson", equals=("adm0_a3", "MLI"))


def test_worldpop_aggregation(tmp_path):
    res = 1 / 120  # 30 arc-seconds, as the WorldPop 1 km grid
    src, out = tmp_path / "mli_ppp_2020_1km_Aggregated.tif", tmp_path / "out.tif"
    values = np.full((240, 240), 10.0, dtype="float32")
    values[:, :120] = 30.0
    profile = {
        "driver": "GTiff",
        "dtype": "float32",
        "count": 1,
        "width": 240,
        "height": 240,
        "crs": "EPSG:4326",
        "transform": Affine(res, 0.0, -5.0, 0.0, -res, 16.0),
        "nodata": -99999.0,
    }
    with rasterio.open(src, "w", **profile) as dst:
        dst.write(values, 1)
    _upstream.convert_worldpop(src, out)
    with rasterio.open(out) as result:
        band = result.read(1, masked=True)
        assert result.res == pytest.approx((1 / 6, 1 / 6)) and result.crs.to_epsg() == 4326
        assert band.count() == 144  # 2 x 2 degrees of 1/6-degree cells
        assert float(band.mean()) == pytest.approx(20.0)
        assert band.max() == pytest.approx(30.0) and band.min() == pytest.approx(10.0)
    assert datasets.check_file("worldpop_density", out) == []


def test_osm_roads(tmp_path):
    roads = gpd.GeoDataFrame(
        {
            "osm_id": ["4389012", "23456"],
            "code": [5112, 5113],
            "fclass": ["trunk", "primary"],
            "name": ["RN16", None],
            "ref": ["RN16", "RN15"],
            "oneway": ["B", "B"],
            "maxspeed": [0, 0],
            "layer": [0, 0],
            "bridge": ["F", "F"],
            "tunnel": ["F", "F"],
        },
        geometry=[
            LineString([(-4.1, 14.5), (-3.0, 15.0)]),
            LineString([(-4.0, 14.0), (-3.5, 13.8)]),
        ],
        crs=4326,
    )
    places = gpd.GeoDataFrame(
        {"osm_id": ["1"], "name": ["Mopti"]}, geometry=[Point(-4.18, 14.48)], crs=4326
    )
    src = _zipped_shapefile(tmp_path, roads, "gis_osm_roads_free_1", extra=places)
    out = tmp_path / "out.geojson"
    _upstream.convert_osm_roads(src, out)
    assert gpd.read_file(out)["ref"].tolist() == ["RN16", "RN15"]
    assert datasets.check_file("osm_roads", out) == []


def test_fetch_from_upstream_end_to_end(tmp_path, monkeypatch, caplog):
    served = tmp_path / "upstream"
    served.mkdir()
    (served / "airports.csv").write_text(OURAIRPORTS_CSV, encoding="utf-8")
    cities, admin1 = _geonames_inputs(tmp_path)
    cities.replace(served / "cities1000.zip")
    admin1.replace(served / "admin1CodesASCII.txt")
    dest = tmp_path / "dest"
    with MirrorServer(served) as srv:
        monkeypatch.setitem(_upstream.URLS, "ourairports", f"{srv.url}/airports.csv")
        monkeypatch.setitem(_upstream.URLS, "geonames_cities", f"{srv.url}/cities1000.zip")
        monkeypatch.setitem(_upstream.URLS, "geonames_admin1", f"{srv.url}/admin1CodesASCII.txt")
        with caplog.at_level(logging.WARNING, logger="minusma.layers.fetch"):
            got = fetch(dest, only=["ourairports", "geonames_places", "flownet_corridors"])
    assert sorted(got) == ["geonames_places", "ourairports"]
    assert "flownet_corridors: no automated upstream conversion" in caplog.text
    assert (
        datasets.check_dataset("ourairports", dest) == []
        and datasets.check_dataset("geonames_places", dest) == []
    )
    assert sorted(p.name for p in (dest / ".upstream").iterdir()) == [
        "geonames_admin1.txt",
        "geonames_cities.zip",
        "ourairports.csv",
    ]


def test_converted_output_failing_the_schema_is_not_written(tmp_path, monkeypatch):
    served = tmp_path / "upstream"
    served.mkdir()
    (served / "airports.csv").write_text(OURAIRPORTS_CSV.replace(",ML,", ",NE,"), encoding="utf-8")
    with MirrorServer(served) as srv:
        monkeypatch.setitem(_upstream.URLS, "ourairports", f"{srv.url}/airports.csv")
        with pytest.raises(
            SchemaError,
            match=r"dataset 'ourairports' converted from upstream: 2 problem\(s\):"
            r"\n  - no features\n  - missing column",
        ):
            fetch(tmp_path / "dest", only=["ourairports"])
    assert [p.name for p in (tmp_path / "dest" / "ourairports").iterdir()] == []


def _ged_csv_zip(data_dir: Path, tmp_path: Path) -> Path:
    """The GED 23.1 CSV layout rebuilt from the offline CAR copy, plus three SYNTHETIC rows of
    another country (Mali's copies of the first CAR rows, moved) that the conversion must drop."""
    real = gpd.read_file(data_dir / datasets.get("ged_caf").path)
    table = pd.DataFrame(real.drop(columns="geometry"))
    for column in ("date_start", "date_end"):
        table[column] = table[column].dt.strftime("%Y-%m-%d 00:00:00.000")
    at = table.columns.get_loc("adm_2") + 1  # GED 23.1 order: ..., adm_2, latitude, longitude,
    table.insert(at, "latitude", real.geometry.y)  # geom_wkt, priogrid_gid, ...
    table.insert(at + 1, "longitude", real.geometry.x)
    table.insert(at + 2, "geom_wkt", real.geometry.to_wkt())
    other = table.head(3).assign(country_id=432, country="Mali", latitude=16.27, longitude=-0.04)
    table = pd.concat([other, table], ignore_index=True)
    (tmp_path / "GEDEvent_v23_1.csv").write_text(table.to_csv(index=False), encoding="utf-8")
    out = tmp_path / "ged231-csv.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(tmp_path / "GEDEvent_v23_1.csv", "GEDEvent_v23_1.csv")
    return out


def test_ucdp_ged_country_filter_rebuilds_the_offline_copy(data_dir, tmp_path):
    out = tmp_path / "ged.geojson"
    _upstream.convert_ucdp_ged(_ged_csv_zip(data_dir, tmp_path), out, country_id=482)
    got = gpd.read_file(out)
    real = gpd.read_file(data_dir / datasets.get("ged_caf").path)
    assert len(got) == len(real) == 1848
    assert list(got.columns) == list(real.columns)
    assert got["id"].tolist() == real["id"].tolist() and set(got["country_id"]) == {482}
    assert np.allclose(got.geometry.x, real.geometry.x, atol=1e-6)
    assert np.allclose(got.geometry.y, real.geometry.y, atol=1e-6)
    same = [c for c in real.columns if c != "geometry" and not c.startswith("date_")]
    assert got[same].astype(str).equals(real[same].astype(str))
    assert datasets.check_file("ged_caf", out) == []
    from minusma.layers.events import read_events

    mine = read_events(out, country="Central African Republic", bounds=None)
    theirs = read_events(
        data_dir / datasets.get("ged_caf").path, country="Central African Republic", bounds=None
    )
    assert mine.drop(columns="geometry").equals(theirs.drop(columns="geometry"))


def test_ucdp_ged_without_the_country_is_an_error(data_dir, tmp_path):
    with pytest.raises(SchemaError, match=r"ged231-csv\.zip: no event with country_id 999"):
        _upstream.convert_ucdp_ged(
            _ged_csv_zip(data_dir, tmp_path), tmp_path / "out.geojson", country_id=999
        )


def test_fetch_geopko_cod_csv_and_ged_from_upstream(data_dir, tmp_path, monkeypatch, caplog):
    """The upstream-named files are served locally (copies of the offline files made here): the
    Geo-PKO tables must come out byte-identical (pinned sha256), the COD CSV unchanged, the GED
    events converted (the monthly Geo-PKO file, from an R workspace: tests/test_fetch_rdata.py)."""
    served = tmp_path / "upstream"
    served.mkdir()
    for name, upstream_file in _upstream.GEOPKO_FILES.items():
        copy = served / upstream_file
        copy.write_bytes((data_dir / datasets.get(f"geopko_{name}").path).read_bytes())
    csv = data_dir / datasets.get("cod_places_csv").path
    (served / "settlements.csv").write_bytes(csv.read_bytes())
    _ged_csv_zip(data_dir, tmp_path).replace(served / "ged231-csv.zip")
    dest = tmp_path / "dest"
    wanted = ["geopko_annual", "geopko_troop_types", "geopko_contributors"]
    with MirrorServer(served) as srv:
        answer = {"result": {"resources": [{"format": "CSV", "url": f"{srv.url}/settlements.csv"}]}}
        (served / "package_show.json").write_text(json.dumps(answer), encoding="utf-8")
        for name, upstream_file in _upstream.GEOPKO_FILES.items():
            monkeypatch.setitem(_upstream.URLS, f"geopko_{name}", f"{srv.url}/{upstream_file}")
        monkeypatch.setitem(_upstream.URLS, "hdx_places_api", f"{srv.url}/package_show.json")
        monkeypatch.setitem(_upstream.URLS, "ucdp_ged", f"{srv.url}/ged231-csv.zip")
        with caplog.at_level(logging.WARNING, logger="minusma.layers.fetch"):
            got = fetch(dest, only=[*wanted, "cod_places_csv", "ged_caf"], progress=False)
    assert sorted(got) == sorted([*wanted, "cod_places_csv", "ged_caf"])
    for name in [*wanted, "cod_places_csv"]:
        assert datasets.sha256_file(got[name]) == datasets.get(name).sha256
    assert datasets.check_dataset("ged_caf", dest) == []


def test_geopko_upstream_that_changed_is_refused(data_dir, tmp_path, monkeypatch):
    served = tmp_path / "upstream"
    served.mkdir()
    table = (data_dir / datasets.get("geopko_annual").path).read_text(encoding="utf-8")
    (served / "FrontMap_v.2.3.csv").write_text(table.replace("Gao", "Gao "), encoding="utf-8")
    with MirrorServer(served) as srv:
        monkeypatch.setitem(_upstream.URLS, "geopko_annual", f"{srv.url}/FrontMap_v.2.3.csv")
        with pytest.raises(ChecksumError, match="sha256"):
            fetch(tmp_path / "dest", only=["geopko_annual"], progress=False, retries=0)
    assert not (tmp_path / "dest" / datasets.get("geopko_annual").path).exists()
