"""What the writers put on disk: typed GeoPackage columns, styles, spreadsheet-safe CSV, clear
errors on bad input, whole files or none (property-based with hypothesis), stale temporaries."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minusma.geo._errors import ParameterError, SchemaError
from minusma.geo.io import remove_stale, spreadsheet_safe, write_csv, write_geojson, write_gpkg
from minusma.layers.export import GPKG_NAME, export_layers, load_all
from minusma.layers.styles import STYLED_LAYERS


@pytest.fixture(scope="module")
def analysis():
    from minusma.layers.assessment import analysis_layers, context

    layers = load_all(["bases", "towns", "roads", "air_links"])
    layers.update(analysis_layers(context()))
    return layers


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory, analysis):
    out = tmp_path_factory.mktemp("gpkg")
    export_layers(out, fmt="gpkg", layers=analysis)
    return out / GPKG_NAME


def _declared_types(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}


def test_gpkg_has_date_and_boolean_columns_and_nulls(gpkg):
    with sqlite3.connect(gpkg) as db:
        bases = _declared_types(db, "bases")
        exposure = _declared_types(db, "exposure")
        assert bases["closure_date"] == "DATE" and bases["in_june2023_count"] == "BOOLEAN"
        assert exposure["coverage_lost_on"] == "DATE" and exposure["as_of"] == "DATE"
        assert exposure["on_road_network"] == "BOOLEAN"
        assert _declared_types(db, "exposure_timeline")["as_of"] == "DATE"
        assert _declared_types(db, "air_links")["period_end"] == "DATE"
        # the 18 places without a coordinate: NULL, never the text '<NA>'
        by_type = dict(
            db.execute(
                "SELECT typeof(on_road_network), count(*) FROM exposure GROUP BY 1"
            ).fetchall()
        )
        assert by_type == {"integer": 173, "null": 18}
        assert db.execute("SELECT count(*) FROM exposure_timeline WHERE on_road_network IS NULL")
        assert not db.execute(
            "SELECT count(*) FROM exposure_timeline WHERE on_road_network = '<NA>'"
        ).fetchone()[0]
        assert db.execute("SELECT closure_date FROM bases ORDER BY base_id").fetchone()[0] == (
            "2023-08-03"
        )


def test_gpkg_numbers_are_rounded_per_unit(gpkg):
    with sqlite3.connect(gpkg) as db:
        km = [r[0] for r in db.execute("SELECT bamako_road_km FROM exposure") if r[0] is not None]
        hours = [r[0] for r in db.execute("SELECT bamako_travel_h FROM exposure") if r[0]]
    assert km and all(round(v, 3) == v for v in km)
    assert 1601.9 in km  # written 1601.8999999999999 before rounding
    assert hours and all(round(v, 2) == v for v in hours)


def test_gpkg_layer_styles_and_column_descriptions(gpkg, analysis):
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
        geometry_columns = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        )
        described = dict(
            db.execute(
                "SELECT column_name, description FROM gpkg_data_columns "
                "WHERE table_name = 'exposure'"
            )
        )
        metadata = [r[0] for r in db.execute("SELECT metadata FROM gpkg_metadata")]
    assert {r[0] for r in rows} == set(analysis) & set(STYLED_LAYERS)
    for table, geom, qml, default in rows:
        assert default == 1 and geom == geometry_columns[table]
        root = ET.fromstring(qml.split("\n", 1)[1])
        assert root.find("renderer-v2") is not None, table
    exposure_qml = next(r[2] for r in rows if r[0] == "exposure")
    assert "165,0,38,255" in exposure_qml  # severe, #a50026 in layers/data/styles.json
    assert described["bamako_road_km"].endswith("rounded to 3 decimals")
    assert described["base_before_km"].startswith("geodesic km")
    assert any("CC BY" in m for m in metadata)


def test_csv_for_spreadsheets_bom_lat_lon_and_hxl(tmp_path, analysis):
    layers = {k: analysis[k] for k in ("bases", "roads")}
    export_layers(tmp_path, fmt="csv", layers=layers, hxl=True)
    raw = (tmp_path / "bases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(tmp_path / "bases.csv", encoding="utf-8-sig", skiprows=[1])
    assert list(frame.columns[-3:]) == ["wkt", "lon", "lat"]
    assert len(frame) == 13
    gao = frame.set_index("town")
    bases = analysis["bases"][0].set_index("town")
    for town in gao.index:
        assert gao.loc[town, "lon"] == round(bases.loc[town].geometry.x, 6)
        assert gao.loc[town, "lat"] == round(bases.loc[town].geometry.y, 6)
    tags = raw.decode("utf-8-sig").splitlines()[1].split(",")
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert dict(zip(header, tags))["lat"] == "#geo+lat"
    assert dict(zip(header, tags))["closure_date"] == "#date+closed"
    roads = pd.read_csv(tmp_path / "roads.csv", encoding="utf-8-sig", skiprows=[1])
    assert "lat" not in roads.columns and roads["wkt"].dropna().str.startswith("LINESTRING").all()


def test_hxl_needs_csv(tmp_path, analysis):
    with pytest.raises(ParameterError, match="CSV only"):
        export_layers(tmp_path, fmt="geojson", layers={"bases": analysis["bases"]}, hxl=True)


def _frame(**columns):
    n = len(next(iter(columns.values())))
    geometry = columns.pop("geometry", [shapely.Point(-4.0 + i, 14.0) for i in range(n)])
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")


def test_csv_formula_injection_is_neutralised_numbers_stay_numbers(tmp_path):
    names = [
        '=HYPERLINK("http://x","y")',
        "+1+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "-2+3",
        "\tTab",
        "\rCR",
        "Ménaka",
        "-12.5",
    ]
    frame = _frame(
        town_id=[f"t{i}" for i in range(len(names))],
        name=names,
        population=[-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
    )
    write_csv(frame, tmp_path / "t.csv", id_column="town_id")
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert back["name"].tolist() == [
        "'" + names[0],
        "'" + names[1],
        "'" + names[2],
        "'-2+3",
        "'\tTab",
        "'\rCR",
        "Ménaka",
        "-12.5",
    ]
    assert back["population"].tolist() == [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert spreadsheet_safe(pd.DataFrame({"n": [-1, 2]}))["n"].tolist() == [-1, 2]


def test_towns_csv_is_spreadsheet_safe_too():
    from click.testing import CliRunner

    from minusma.cli.main import cli

    result = CliRunner().invoke(cli, ["towns", "--format", "csv", "--top", "3"])
    assert result.exit_code == 0, result.output
    assert not any(line.startswith(("=", "+", "@")) for line in result.stdout.splitlines())


def test_write_gpkg_without_layers_is_a_clear_error(tmp_path):
    with pytest.raises(ParameterError, match="no layers or tables given"):
        write_gpkg({}, tmp_path / "x.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_nan_point_and_infinite_value_are_clear_errors(tmp_path):
    nan_point = _frame(
        id=["a", "b"], geometry=[shapely.Point(1, 2), shapely.points(np.nan, np.nan)]
    )
    for write, suffix in ((write_geojson, "geojson"), (write_csv, "csv")):
        with pytest.raises(SchemaError, match="id 'b' has a NaN or infinite coordinate"):
            write(nan_point, tmp_path / f"p.{suffix}", id_column="id")
    with pytest.raises(SchemaError, match="has a NaN or infinite coordinate"):
        write_gpkg({"p": (nan_point, "id", {})}, tmp_path / "p.gpkg")
    infinite = _frame(id=["a"], length_km=[math.inf])
    with pytest.raises(SchemaError, match="'length_km' holds a non-finite number"):
        write_geojson(infinite, tmp_path / "i.geojson", id_column="id")
    assert list(tmp_path.iterdir()) == []


def test_missing_id_column_is_a_schema_error(tmp_path):
    with pytest.raises(SchemaError, match="id column 'town_id' not in columns"):
        write_csv(_frame(name=["x"]), tmp_path / "t.csv", id_column="town_id")


def test_empty_and_missing_geometries_are_written_as_null(tmp_path):
    frame = _frame(id=["a", "b", "c"], geometry=[shapely.Point(1, 2), shapely.Point(), None])
    write_geojson(frame, tmp_path / "e.geojson", id_column="id")
    doc = json.loads((tmp_path / "e.geojson").read_text())
    assert [f["geometry"] for f in doc["features"]][1:] == [None, None]
    write_csv(frame, tmp_path / "e.csv", id_column="id")
    back = pd.read_csv(tmp_path / "e.csv", encoding="utf-8-sig")
    assert back["wkt"].isna().tolist() == [False, True, True]
    assert back["lat"].isna().tolist() == [False, True, True]


def test_stale_temporaries_of_dead_runs_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stale = tmp_path / f".t.geojson.~{dead_pid}~abc123.geojson"
        stale_dir = tmp_path / f".export.~{dead_pid}~xyz"
        busy = tmp_path / f".t.geojson.~{live.pid}~def456.geojson"
        other = tmp_path / ".t.geojson.notours.geojson"
        for p in (stale, busy, other):
            p.write_text("half")
        stale_dir.mkdir()
        (stale_dir / "bases.geojson").write_text("half")
        write_geojson(_frame(id=["a"]), tmp_path / "t.geojson", id_column="id")
        assert not stale.exists() and not stale_dir.exists()
        assert busy.exists() and other.exists()
        assert remove_stale(tmp_path) == []
    finally:
        live.kill()
        live.wait()


def test_export_killed_midway_leaves_the_previous_complete_export(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from minusma.cli.main import cli
    from minusma.layers import export as export_mod

    args = [
        "export",
        "--out",
        str(tmp_path),
        "--no-analysis",
        "--layer",
        "bases",
        "--layer",
        "towns",
        "--layer",
        "roads",
    ]
    runner = CliRunner()
    assert runner.invoke(cli, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(before) == {"bases.geojson", "towns.geojson", "roads.geojson", "provenance.json"}

    real = export_mod.write_geojson
    calls = []

    def dies_on_second_layer(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(export_mod, "write_geojson", dies_on_second_layer)
    # a changed layer set, so that a half-done export would be visible
    result = runner.invoke(cli, [*args[:4], "--layer", "bases", "--layer", "roads"])
    assert result.exit_code != 0 and len(calls) == 2
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before

    monkeypatch.setattr(export_mod, "write_geojson", real)
    assert runner.invoke(cli, [*args[:4], "--layer", "bases"]).exit_code == 0
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert prov["files"] == ["bases.geojson", "provenance.json"]
    assert all((tmp_path / f).is_file() for f in prov["files"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# -- property-based: any geometry, any number: a valid file or a clear error, never a broken file

_coord = st.one_of(
    st.floats(min_value=-179.0, max_value=179.0, allow_nan=False),
    st.just(math.nan),
    st.just(math.inf),
)
_point = st.builds(lambda x, y: shapely.Point(x, y), _coord, _coord)
_line = st.lists(st.tuples(_coord, _coord), min_size=2, max_size=5).map(shapely.LineString)
_polygon = st.lists(st.tuples(st.floats(-80, 80), st.floats(-80, 80)), min_size=3, max_size=6).map(
    lambda pts: shapely.Polygon(pts)
)
_geometry = st.one_of(
    st.none(),
    st.just(shapely.Point()),
    st.just(shapely.LineString()),
    _point,
    _line,
    _polygon,
)
_value = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(_geometry, _value, st.text(max_size=8)), min_size=1, max_size=6))
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_writers_give_a_valid_file_or_a_clear_error(tmp_path_factory, fmt, rows):
    folder = tmp_path_factory.mktemp(fmt)
    frame = gpd.GeoDataFrame(
        {
            "id": [f"r{i}" for i in range(len(rows))],
            "value_km": [r[1] for r in rows],
            "label": [r[2] for r in rows],
        },
        geometry=[r[0] for r in rows],
        crs="EPSG:4326",
    )
    path = folder / f"out.{fmt}"
    try:
        if fmt == "geojson":
            write_geojson(frame, path, id_column="id")
        elif fmt == "csv":
            write_csv(frame, path, id_column="id")
        else:
            write_gpkg({"t": (frame, "id", {})}, path)
    except SchemaError as exc:
        assert "\n" not in str(exc) and ("coordinate" in str(exc) or "non-finite" in str(exc))
        assert list(folder.iterdir()) == []
        return
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary left
    if fmt == "geojson":
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert len(doc["features"]) == len(rows)
    elif fmt == "csv":
        back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, dtype=str)
        assert len(back) == len(rows)
    back = pyogrio.read_dataframe(path, layer="t" if fmt == "gpkg" else None)
    assert len(back) == len(rows)
    if fmt != "csv":
        assert back["id"].tolist() == sorted(frame["id"])
