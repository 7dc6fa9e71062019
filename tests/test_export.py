"""Exports: RFC 7946 GeoJSON, GeoPackage and CSV round-trip with identical ids and values."""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.layers.columns import layer_fields
from minusma.layers.export import GPKG_NAME, export_layers, load_all
from minusma.layers.registry import layer_names


@pytest.fixture(scope="module")
def layers_loaded():
    return load_all()


def _check_rfc7946(doc: dict, id_column: str) -> None:
    """The checks RFC 7946 asks for: no crs, lon/lat ranges, 6 decimals, winding, ids."""
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    ids = [f["id"] for f in doc["features"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    def coords(obj):
        if isinstance(obj[0], (int, float)):
            yield obj
        else:
            for o in obj:
                yield from coords(o)

    for feat in doc["features"]:
        assert feat["type"] == "Feature" and feat["id"] == feat["properties"][id_column]
        geom = feat["geometry"]
        if geom is None:
            continue
        for x, y in coords(geom["coordinates"]):
            assert -180 <= x <= 180 and -90 <= y <= 90
            assert round(x, 6) == x and round(y, 6) == y
        if geom["type"] in ("Polygon", "MultiPolygon"):
            polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
            for rings in polys:
                assert shapely.LinearRing(rings[0]).is_ccw, (
                    "exterior ring must be counter-clockwise"
                )
                for hole in rings[1:]:
                    assert not shapely.LinearRing(hole).is_ccw, "holes must be clockwise"


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    for x, y in zip(a, b):
        if (x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA) and (
            y is None or (isinstance(y, float) and math.isnan(y)) or y is pd.NA
        ):
            continue
        if isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool):
            if not math.isclose(float(x), float(y), rel_tol=0, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


def _expected(gdf, info):
    """The source sorted by id, numbers rounded as the export rounds them (layers.columns)."""
    src = gdf.sort_values(info.id_column).reset_index(drop=True)
    for col, field in layer_fields(gdf, info).items():
        if field.decimals is not None:
            src[col] = src[col].astype("float64").round(field.decimals)
    return src


def test_geojson_is_rfc7946_and_round_trips(tmp_path, layers_loaded):
    export_layers(tmp_path, fmt="geojson", layers=layers_loaded)
    for name, (gdf, info) in layers_loaded.items():
        path = tmp_path / f"{name}.geojson"
        doc = json.loads(path.read_text(encoding="utf-8"))
        _check_rfc7946(doc, info.id_column)
        assert doc["metadata"]["licence"] == info.licence
        back = pyogrio.read_dataframe(path, datetime_as_string=True)
        assert list(back[info.id_column]) == sorted(gdf[info.id_column])
        src = _expected(gdf, info)
        for col in info.schema.names:
            if col == "geometry":
                continue
            assert _same_values(src[col], back[col]), f"{name}.{col} differs after round trip"
        present = src.geometry.notna()
        # geometry equal to 6 decimals (about 0.1 m)
        assert shapely.equals_exact(
            src.geometry[present].values, back.geometry[present].values, tolerance=1e-6
        ).all()


def test_gpkg_round_trips_with_provenance_table(tmp_path, layers_loaded):
    export_layers(tmp_path, fmt="gpkg", layers=layers_loaded)
    path = tmp_path / GPKG_NAME
    tables = dict(pyogrio.list_layers(path))
    assert set(layer_names("shipped")) | {"layer_provenance", "layer_styles"} == set(tables)
    prov = pyogrio.read_dataframe(path, layer="layer_provenance")
    assert set(prov["layer"]) == set(layer_names("shipped"))
    assert prov["licence"].str.len().gt(0).all()
    for name, (gdf, info) in layers_loaded.items():
        back = pyogrio.read_dataframe(path, layer=name)
        assert back.crs.to_epsg() == 4326
        src = _expected(gdf, info)
        assert list(back[info.id_column]) == list(src[info.id_column])
        for col in info.schema.names:
            if info.schema.column(col).kind == "date":  # GeoPackage DATE: read back as dates
                assert back[col].dtype.kind == "M", f"{name}.{col} is not a date column"
                back[col] = back[col].dt.strftime("%Y-%m-%d").where(back[col].notna())
            if col != "geometry":
                assert _same_values(src[col], back[col]), (
                    f"{name}.{col} differs after GeoPackage round trip"
                )
    info = pyogrio.read_info(path, layer="roads")
    assert info["geometry_type"] == "LineString"


def test_csv_has_wkt_and_all_rows(tmp_path, layers_loaded):
    export_layers(tmp_path, fmt="csv", layers=layers_loaded)
    bases = pd.read_csv(tmp_path / "bases.csv")
    assert len(bases) == 13 and bases["wkt"].str.startswith("POINT (").all()
    towns = pd.read_csv(tmp_path / "towns.csv")
    assert towns["wkt"].isna().sum() == 18


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_same_inputs_give_byte_identical_files(tmp_path, layers_loaded, fmt):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    files_a = export_layers(a, fmt=fmt, layers=layers_loaded)
    export_layers(b, fmt=fmt, layers=layers_loaded)
    for f in files_a:
        assert (
            hashlib.sha256(f.read_bytes()).digest()
            == hashlib.sha256((b / f.name).read_bytes()).digest()
        ), f.name


def test_provenance_lists_every_layer_source_and_licence(tmp_path, layers_loaded):
    export_layers(tmp_path, fmt="geojson", layers=layers_loaded)
    prov = json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))
    assert set(prov["layers"]) == set(layer_names("shipped"))
    for entry in prov["layers"].values():
        assert entry["licence"] and entry["sources"] and entry["row_sources"]


def test_bad_format_and_folder(tmp_path):
    with pytest.raises(UnknownNameError, match="valid formats: geojson, gpkg, csv"):
        export_layers(tmp_path, fmt="shp")
    with pytest.raises(ParameterError, match="does not exist"):
        export_layers(tmp_path / "missing", fmt="geojson")


def test_crash_half_way_leaves_no_file(tmp_path, layers_loaded, monkeypatch):
    from minusma.geo import io as geo_io

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(geo_io.json, "dumps", explode)
    with pytest.raises(RuntimeError):
        export_layers(tmp_path, fmt="geojson", layers=layers_loaded)
    assert list(tmp_path.iterdir()) == []
