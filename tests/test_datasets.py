"""The open-data registry is the golden file: every entry is checked against the real file."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import rasterio
from shapely.geometry import Polygon

from minusma.geo._errors import DataDirError, SchemaError, UnknownNameError
from minusma.layers import datadir, datasets

IN_LAYOUT = [d for d in datasets.registry() if d.file is not None]


def test_registry_lists_the_datasets_the_package_uses():
    expected = {
        "cod_adm1",
        "cod_adm2",
        "cod_adm3",
        "cod_places",
        "ne_niger",
        "ne_rivers",
        "ne_lakes",
        "ne_admin0",
        "ne_admin1",
        "ourairports",
        "worldpop_density",
        "flownet_corridors",
        "flownet_cities",
        "geonames_places",
    }
    assert expected <= set(datasets.names())
    assert len(set(datasets.names())) == len(datasets.names())


@pytest.mark.parametrize("dataset", datasets.registry(), ids=lambda d: d.name)
def test_entry_metadata_is_complete(dataset):
    assert dataset.path.split("/")[0] in datadir.FOLDERS
    assert dataset.licence and dataset.attribution and dataset.description
    assert dataset.upstream["urls"] and all(
        u.startswith("https://") for u in dataset.upstream["urls"]
    )
    assert dataset.upstream["format"] and dataset.upstream["conversion"]
    assert dataset.optional == (dataset.file is None)
    if dataset.is_table:
        assert dataset.required_columns and not dataset.geometry_types
        assert dataset.coordinate_columns is None or set(dataset.coordinate_columns) <= set(
            dataset.required_columns
        )
    elif not dataset.is_raster:
        assert dataset.required_columns and dataset.geometry_types


@pytest.mark.parametrize("dataset", IN_LAYOUT, ids=lambda d: d.name)
def test_file_matches_registry(dataset, data_dir):
    path = data_dir / dataset.path
    expected = dataset.file
    assert path.stat().st_size == expected["size_bytes"]
    assert datasets.sha256_file(path) == expected["sha256"]
    if dataset.is_raster:
        with rasterio.open(path) as src:
            assert (src.width, src.height, src.count) == (
                expected["width"],
                expected["height"],
                expected["count"],
            )
            assert src.dtypes[0] == expected["dtype"] and src.crs.to_epsg() == 4326
            assert list(src.bounds) == pytest.approx(expected["bounds"], abs=1e-6)
        raster = datasets.read_dataset(dataset.name, data_dir)
        assert raster.values.shape == (expected["height"], expected["width"])
        return
    if dataset.is_table:
        table = datasets.read_dataset(dataset.name, data_dir)
        assert len(table) == expected["rows"] and list(table.columns) == expected["columns"]
        assert set(dataset.required_columns) <= set(expected["columns"])
        return
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == expected["features"]
    assert [c for c in frame.columns if c != "geometry"] == expected["columns"]
    assert sorted(set(frame.geom_type)) == expected["geometry_types"]
    assert frame.crs.to_epsg() == 4326
    assert list(frame.total_bounds) == pytest.approx(expected["bounds"], abs=1e-6)
    assert set(dataset.required_columns) <= set(expected["columns"])
    read = datasets.read_dataset(dataset.name, data_dir)
    assert len(read) == expected["features"]


@pytest.mark.parametrize("query", ["cod_adm2", "COD-ADM2", "Cod Adm2", "cod.adm.2"])
def test_name_lookup_ignores_case_and_punctuation(query):
    assert datasets.get(query).name == "cod_adm2"


def test_unknown_name_lists_valid_names():
    with pytest.raises(
        UnknownNameError,
        match=r"No matching dataset found for the query 'roads'; valid names: cod_adm0, ",
    ):
        datasets.get("roads")


def test_dataset_path_resolves_explicit_then_env(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("MINUSMA_DATA", str(data_dir))
    assert (
        datasets.dataset_path("cod_adm1") == data_dir / "ocha-cod-mali" / "mli_adm1_regions.geojson"
    )
    (tmp_path / "geonames").mkdir()
    with pytest.raises(
        DataDirError, match=r"dataset 'geonames_places': .* not found; run `minusma fetch"
    ):
        datasets.dataset_path("geonames_places", tmp_path)


def test_no_data_dir_says_how_to_fix(monkeypatch):
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    with pytest.raises(
        DataDirError,
        match=r"no data directory: pass --data DIR .* set the MINUSMA_DATA .* `minusma fetch`",
    ):
        datadir.resolve_data_dir()


def test_missing_data_dir_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("MINUSMA_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataDirError, match=r"nowhere' \(from \$MINUSMA_DATA\) does not exist"):
        datadir.resolve_data_dir()
    assert datadir.resolve_data_dir(tmp_path) == tmp_path  # explicit wins over the environment


def test_default_fetch_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("MINUSMA_DATA", raising=False)
    assert datadir.default_fetch_dir() == Path("~/.local/share/minusma").expanduser()
    monkeypatch.setenv("MINUSMA_DATA", str(tmp_path))
    assert datadir.default_fetch_dir() == tmp_path


def test_optional_dataset_absent_from_layout(data_dir):
    status = datasets.dataset_status("osm_roads", data_dir)
    assert not status.present and status.valid is None and status.sha256_ok is None


# --- corrupted copies: every problem is reported at once, naming the file and the rows
# -------------


def _copy_frame(data_dir: Path, tmp_path: Path, name: str) -> tuple[gpd.GeoDataFrame, Path]:
    dataset = datasets.get(name)
    frame = gpd.read_file(data_dir / dataset.path)
    out = tmp_path / dataset.path
    out.parent.mkdir(parents=True, exist_ok=True)
    return frame, out


def test_invalid_geometry_and_missing_column_reported_together(data_dir, tmp_path):
    frame, out = _copy_frame(data_dir, tmp_path, "cod_adm1")
    bowtie = Polygon([(-4, 14), (-3, 15), (-3, 14), (-4, 15), (-4, 14)])
    frame.loc[3, "geometry"] = bowtie
    frame = frame.drop(columns=["admin1Name"])
    frame.to_file(out, driver="GeoJSON")
    message = (
        r"dataset 'cod_adm1' \(.*ocha-cod-mali/mli_adm1_regions\.geojson\): 2 problem\(s\):\n"
        r"  - missing column\(s\) \['admin1Name'\].*\n"
        r"  - invalid geometry in row 3 \(admin1Pcod='ML0\d'\) \(first: Self-intersection"
    )
    with pytest.raises(SchemaError, match=message):
        datasets.read_dataset("cod_adm1", tmp_path)
    assert len(datasets.check_dataset("cod_adm1", tmp_path)) == 2


def test_coordinates_outside_mali_and_nulls(data_dir, tmp_path):
    frame, out = _copy_frame(data_dir, tmp_path, "ourairports")
    frame.loc[0, "geometry"] = frame.geometry[0].__class__(2.35, 48.85)  # Paris
    frame.loc[5, "ident"] = None
    frame.to_file(out, driver="GeoJSON")
    problems = datasets.check_dataset("ourairports", tmp_path)
    assert problems[0] == "column 'ident' is null in row 5"
    assert re.match(
        r"coordinates outside Mali's bounds \+-0\.5 deg .* in row 0 \(ident='\w+'\) \(first "
        r"bounds: \[2\.35, 48\.85",
        problems[1],
    )


def test_wrong_crs_and_wrong_geometry_type(data_dir, tmp_path):
    frame, out = _copy_frame(data_dir, tmp_path, "geonames_places")
    frame.loc[[0, 1], "geometry"] = Polygon([(-4, 14), (-3, 14), (-3, 15), (-4, 14)])
    frame.to_crs(3857).to_file(out, driver="GeoJSON")
    problems = datasets.check_dataset("geonames_places", tmp_path)
    assert problems[0].startswith("CRS is EPSG:3857, expected EPSG:4326")
    assert "geometry type(s) ['Polygon'] not in ['Point'] in row 0, row 1" in problems[1]


def test_unreadable_file_is_a_data_dir_error(data_dir, tmp_path):
    dataset = datasets.get("ne_lakes")
    out = tmp_path / dataset.path
    out.parent.mkdir(parents=True)
    out.write_bytes((data_dir / dataset.path).read_bytes()[:500])  # truncated JSON
    with pytest.raises(
        DataDirError, match=r"dataset 'ne_lakes': cannot read .*ne_10m_lakes_mali_bbox\.geojson"
    ):
        datasets.read_dataset("ne_lakes", tmp_path)
    status = datasets.dataset_status("ne_lakes", tmp_path)
    assert status.present and status.sha256_ok is False and status.valid is False


def test_raster_crs_checked(data_dir, tmp_path):
    dataset = datasets.get("worldpop_density")
    out = tmp_path / dataset.path
    out.parent.mkdir(parents=True)
    with rasterio.open(data_dir / dataset.path) as src:
        profile = src.profile | {"crs": "EPSG:3857"}
        values = src.read()
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(values)
    with pytest.raises(
        SchemaError,
        match=r"worldpop2020_density_20km_mali_bbox\.tif\): 1 problem\(s\):\n  - CRS is EPSG:3857",
    ):
        datasets.read_dataset("worldpop density", tmp_path)


def _copy_table(data_dir: Path, tmp_path: Path, name: str) -> tuple[pd.DataFrame, Path]:
    dataset = datasets.get(name)
    out = tmp_path / dataset.path
    out.parent.mkdir(parents=True)
    return pd.read_csv(data_dir / dataset.path, low_memory=False), out


def test_csv_table_problems_name_the_rows(data_dir, tmp_path):
    frame, out = _copy_table(data_dir, tmp_path, "cod_places_csv")
    frame.loc[3, "longitude"] = 2.35  # Paris, far outside Mali
    frame.loc[3, "latitude"] = 48.85
    frame.loc[[7, 8], "admin2Name"] = None
    frame.drop(columns="admin3Pcod").to_csv(out, index=False)
    problems = datasets.check_dataset("cod_places_csv", tmp_path)
    assert problems[0].startswith("missing column(s) ['admin3Pcod']; found ['featureNam', ")
    pcodes = frame["pcode"]
    assert problems[1] == (
        f"column 'admin2Name' is null in row 7 (pcode={pcodes[7]!r}), row 8 (pcode={pcodes[8]!r})"
    )
    assert re.match(
        r"coordinates outside Mali's bounds \+-0\.1 deg .* in row 3 \(pcode='ML\d+'\) \(first "
        r"bounds: \[2\.35, 48\.85",
        problems[2],
    )
    assert len(problems) == 3


def test_csv_of_another_country_has_no_bounds_check_but_a_kind_check(data_dir, tmp_path):
    frame, out = _copy_table(data_dir, tmp_path, "geopko_annual")
    assert frame["longitude"].min() < -12.3 - 10  # world-wide rows validate as they are
    frame["year"] = frame["year"].astype(str) + "y"
    frame.to_csv(out, index=False)
    assert datasets.check_dataset("geopko_annual", tmp_path) == [
        "column 'year' should be int, found dtype str"
    ]


def test_gzipped_csv_is_read_and_a_broken_one_is_a_data_dir_error(data_dir, tmp_path):
    dataset = datasets.get("geopko_monthly")
    table = datasets.read_dataset("geopko_monthly", data_dir)
    assert len(table) == dataset.file["rows"] and table["mission"].eq("MINUSMA").any()
    out = tmp_path / dataset.path
    out.parent.mkdir(parents=True)
    out.write_bytes((data_dir / dataset.path).read_bytes()[:5000])  # cut gzip stream
    with pytest.raises(DataDirError, match=r"dataset 'geopko_monthly': cannot read .*\.csv\.gz"):
        datasets.read_dataset("geopko_monthly", tmp_path)
