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
from minusma.geo.io import (
    atomic_folder,
    feature_collection,
    remove_stale,
    spreadsheet_safe,
    write_csv,
    write_geojson,
    write_gpkg,
    write_json,
)
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


def test_writer_errors_name_the_layer_by_its_file_not_its_id_column(tmp_path):
    """The messages said ``town_id: id column 'town_id' ...``: the layer is its file."""
    for write, name in ((write_csv, "t.csv"), (write_geojson, "t.geojson")):
        with pytest.raises(SchemaError, match=rf"^{name}: id column 'town_id' not in columns"):
            write(_frame(name=["x"]), tmp_path / name, id_column="town_id")
    nan_point = _frame(id=["b"], geometry=[shapely.points(np.nan, np.nan)])
    with pytest.raises(SchemaError, match=r"^p\.csv: the geometry of id 'b'"):
        write_csv(nan_point, tmp_path / "p.csv", id_column="id")
    with pytest.raises(SchemaError, match=r"^layer: id column 'town_id'"):
        feature_collection(_frame(name=["x"]), id_column="town_id")
    with pytest.raises(SchemaError, match=r"^towns: id column 'town_id'"):
        feature_collection(_frame(name=["x"]), id_column="town_id", name="towns")


def test_nan_in_metadata_is_the_same_schema_error_for_json_and_geojson(tmp_path):
    """write_geojson raised a raw ValueError where write_json raised SchemaError."""
    meta = {"as_of": "2024-01-31", "radius_km": math.nan}
    with pytest.raises(SchemaError, match="use null for unknown numbers") as as_json:
        write_json(meta, tmp_path / "m.json")
    with pytest.raises(SchemaError, match="use null for unknown numbers") as as_geojson:
        write_geojson(_frame(id=["a"]), tmp_path / "m.geojson", id_column="id", metadata=meta)
    for error in (as_json.value, as_geojson.value):
        assert str(error).startswith("cannot write ") and "not JSON compliant" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_atomic_folder_on_a_file_says_it_is_a_file(tmp_path):
    """The message said the folder "does not exist; create it first" (wrong advice)."""
    file = tmp_path / "export.txt"
    file.write_text("x", encoding="utf-8")
    with (
        pytest.raises(ParameterError, match=r"export\.txt is a file, not a folder") as exc,
        atomic_folder(file),
    ):
        pass
    assert "does not exist" not in str(exc.value)
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        write_json({}, file / "inside.json")
    with (
        pytest.raises(ParameterError, match="does not exist; create it first"),
        atomic_folder(tmp_path / "missing"),
    ):
        pass


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


# --------------------------------------------------------------------------- issue 20: one write
# path. A REAL full disk: a small tmpfs, filled to the last byte, when the tests run as root (CI
# does); else a file-size limit (RLIMIT_FSIZE) on a subprocess. Each row: a command that writes,
# and what it writes; every one must fail with one line naming the path asked for and the cause,
# a non-zero exit, no "wrote", no file and no new folder.

FULL_DISK_CASES = [
    ("map --out {d}/m.html", "m.html"),
    ("map --png {d}/m.png", "m.png"),
    ("report --out {d}/r.html", "r.html"),
    ("chart timeline --out {d}/c.svg", "c.svg"),
    ("chart timeline --out {d}/c.png", "c.png"),
    ("calibrate --boot 100 --out {d}/w.json", "w.json"),
    ("scenarios --close-each --jobs 1 --per-place {d}/p.csv", "p.csv"),
    ("summary --by region --out {d}/s.gpkg", "s.gpkg"),
    ("summary --by region --out {d}/s.geojson", "s.geojson"),
    ("export --out {d}/e --format csv --layer bases", "e/bases.csv"),
    ("export --out {d}/e --format gpkg --layer bases", "e/minusma.gpkg"),
    ("export --out {d}/e --format geojson --layer bases", "e/bases.geojson"),
    ("fetch --dest {d}/f --mirror {data} --only cod_adm0", "f/ocha-cod-mali/mli_adm0_country"),
    ("population --data {data} --out-dir {d}/pop", "pop/distance_to_open_site_"),
]


def _fill(folder) -> None:
    """Write a filler file until the file system refuses one more byte."""
    import os

    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 4096, 1):
            while True:
                try:
                    os.write(fd, b"x" * size)
                except OSError:
                    break
    finally:
        os.close(fd)


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory):
    """``(folder, how)``: ``how`` is ``"tmpfs"`` (a filled 256 KiB tmpfs, root only) or
    ``"fsize"`` (run the command in a subprocess whose file-size limit is 0 bytes)."""
    import os

    folder = tmp_path_factory.mktemp("full")
    mounted = False
    if os.geteuid() == 0:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
        mounted = done.returncode == 0
    if mounted:
        _fill(folder)
    try:
        yield folder, ("tmpfs" if mounted else "fsize")
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def _run_cli(args: list[str], how: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``minusma ARGS`` (in a subprocess with RLIMIT_FSIZE=0 for
    ``how == "fsize"``)."""
    if how == "tmpfs":
        from click.testing import CliRunner

        from minusma.cli.main import cli

        result = CliRunner().invoke(cli, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        return result.exit_code, result.stdout, result.stderr

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run(
        [sys.executable, "-m", "minusma", *args],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=600,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(("line", "target"), FULL_DISK_CASES, ids=[c[0] for c in FULL_DISK_CASES])
def test_a_full_disk_is_one_clear_error_and_leaves_nothing(line, target, full_disk, data_dir):
    import os
    import shlex

    folder, how = full_disk
    before = sorted(os.listdir(folder))
    args = [a.format(d=folder, data=data_dir) for a in shlex.split(line)]
    code, stdout, stderr = _run_cli(["-q", *args], how)
    cause = "No space left on device" if how == "tmpfs" else "File too large"
    assert code == 1, (stdout, stderr)
    assert "Traceback" not in stderr
    errors = [ln for ln in stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert f"cannot write {folder}/{target}" in errors[0], errors[0]
    assert cause in errors[0] and "~" not in errors[0]  # the user's path, never the temporary one
    assert "wrote" not in (stdout + stderr).lower()
    assert sorted(os.listdir(folder)) == before  # no partial file, no new folder


def test_a_file_size_limit_is_one_clear_error_too(tmp_path):
    """The non-root fallback of the full disk, run everywhere: EFBIG from RLIMIT_FSIZE."""
    code, _, stderr = _run_cli(
        ["export", "--out", str(tmp_path / "e"), "--format", "geojson", "--layer", "bases"],
        "fsize",
    )
    assert code == 1, stderr
    assert f"cannot write {tmp_path}/e/bases.geojson: File too large" in stderr
    assert "Traceback" not in stderr and not (tmp_path / "e").exists()


def test_library_writers_raise_one_write_error_naming_the_users_path(tmp_path, full_disk):
    """The API: every writer raises WriteError (a MinusmaError and an OSError) naming the path."""
    import errno
    import os

    from minusma.geo._errors import MinusmaError, WriteError
    from minusma.geo.io import write_json, write_table_csv

    folder, how = full_disk
    frame = pd.DataFrame({"name": ["=HYPERLINK(1)"] * 2000})
    long_name = tmp_path / ("n" * 300 + ".json")
    cases = [
        (lambda: write_json({"a": 1}, long_name), errno.ENAMETOOLONG, long_name),
        (lambda: write_json({"a": 1}, "/proc/x.json"), None, "/proc/x.json"),
    ]
    if how == "tmpfs":
        cases += [
            (lambda: write_json({"a": "x" * 10_000}, folder / "a.json"), errno.ENOSPC, None),
            (lambda: write_table_csv(frame, folder / "t.csv"), errno.ENOSPC, None),
        ]
    for call, code, path in cases:
        with pytest.raises(WriteError) as info:
            call()
        assert isinstance(info.value, MinusmaError) and isinstance(info.value, OSError)
        if code is not None:
            assert info.value.errno == code
        if path is not None:
            assert str(path)[:40] in str(info.value)
        assert ".~" not in str(info.value)
    assert sorted(os.listdir(folder)) == ["filler"] if how == "tmpfs" else True
    assert sorted(os.listdir(tmp_path)) == []


def test_proc_as_root_is_a_clear_error(tmp_path):
    """/proc passes the writability check for root; the write itself then fails: one error."""
    import os

    from click.testing import CliRunner

    from minusma.cli.main import cli

    result = CliRunner().invoke(cli, ["export", "--out", "/proc", "--layer", "bases"])
    assert result.exit_code == (1 if os.geteuid() == 0 else 2), result.output
    assert "Traceback" not in result.output
    assert "cannot write" in result.stderr or "not writable" in result.stderr


# --------------------------------------------------------------------------- a non-root user


NON_ROOT_CASES = [
    # (command line, exit code, message): {private} is a root-only folder (0700) the user cannot
    # even search, {readonly} a folder the user can read but not write
    ("map --out {private}/sub/m.html", 2, "permission denied"),
    ("export --out {private}/sub --layer bases", 2, "is not writable"),
    ("towns --data {private}/data", 2, "permission denied"),
    ("population --out-dir {private}/p", 2, "is not writable"),
    ("map --out {readonly}/m.html", 2, "is not writable"),
    ("calibrate --out {readonly}/w.json", 2, "is not writable"),
    ("summary --by region --out {private}/s.gpkg", 2, "is not writable"),
]


def _warm_up_error_paths() -> None:
    """Import what printing a usage error and raising a write error need (lazily imported by
    click and the package), by failing once as root on folders that do not exist."""
    from click.testing import CliRunner

    from minusma.cli.main import cli
    from minusma.geo._errors import MinusmaError
    from minusma.geo.io import write_json

    for args in (["map", "--out", "/nonexistent/x/m.html"], ["towns", "--data", "/nonexistent"]):
        CliRunner().invoke(cli, args)
    with pytest.raises(MinusmaError):
        write_json({}, "/nonexistent/x/y.json")


def _as_other_user(func):
    """Run ``func()`` as user ``nobody`` (a forked child of this root process, so nothing needs
    to be read from root-only folders), or directly when not root; return what it returns."""
    import importlib
    import os
    import pickle

    if os.geteuid() != 0:
        return func()
    from minusma.cli.main import COMMANDS

    for target in COMMANDS.values():  # import now: the child may not read root's site-packages
        importlib.import_module(target.split(":")[0])
    _warm_up_error_paths()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            payload = pickle.dumps(("ok", func()))
        except BaseException as exc:  # report, never return into pytest
            payload = pickle.dumps(("error", repr(exc)))
            code = 1
        with os.fdopen(write, "wb") as fh:
            fh.write(payload)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    assert status == "ok", value
    return value


@pytest.fixture
def user_folders(tmp_path_factory):
    import os
    import tempfile

    base = tempfile.mkdtemp(prefix="minusma-nonroot-", dir="/tmp")
    os.chmod(base, 0o755)
    private = os.path.join(base, "private")
    readonly = os.path.join(base, "readonly")
    os.mkdir(private, 0o700)
    os.mkdir(readonly, 0o755)
    os.mkdir(os.path.join(private, "data"))
    if os.geteuid() != 0:  # the user owns them: take the rights away instead
        os.chmod(private, 0o000)
        os.chmod(readonly, 0o555)
    yield {"private": private, "readonly": readonly}
    os.chmod(private, 0o700)
    os.chmod(readonly, 0o755)
    import shutil

    shutil.rmtree(base)


@pytest.mark.parametrize(
    ("line", "code", "message"), NON_ROOT_CASES, ids=[c[0] for c in NON_ROOT_CASES]
)
def test_a_non_root_user_gets_one_clear_error(line, code, message, user_folders):
    import os
    import shlex

    args = [a.format(**user_folders) for a in shlex.split(line)]

    def run():
        from click.testing import CliRunner

        from minusma.cli.main import cli

        result = CliRunner().invoke(cli, args, env={"MINUSMA_DATA": None})
        return result.exit_code, result.stderr, repr(result.exception)

    exit_code, stderr, exception = _as_other_user(run)
    assert exit_code == code, (stderr, exception)
    assert "Traceback" not in stderr
    assert len([ln for ln in stderr.splitlines() if ln.startswith("Error:")]) == 1, stderr
    assert message in stderr, stderr
    assert sorted(os.listdir(user_folders["readonly"])) == []


def test_a_non_root_library_write_is_one_write_error(user_folders):
    def run():
        from minusma.geo._errors import WriteError
        from minusma.geo.io import write_json

        out = []
        for path in (f"{user_folders['private']}/x.json", f"{user_folders['readonly']}/x.json"):
            try:
                write_json({"a": 1}, path)
                out.append("written")
            except WriteError as exc:
                out.append(str(exc))
        return out

    for message, name in zip(_as_other_user(run), ("private", "readonly"), strict=True):
        assert message.startswith(f"cannot write {user_folders[name]}/x.json: folder"), message
        assert message.endswith("is not writable; choose a folder you may write to"), message


def test_svg_charts_are_byte_identical_across_runs(tmp_path):
    """Issue 20: matplotlib's random SVG element ids made every run differ (fixed hash salt)."""
    from click.testing import CliRunner

    from minusma.cli.main import cli

    for name in ("a.svg", "b.svg"):
        result = CliRunner().invoke(cli, ["-q", "chart", "timeline", "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


# --------------------------------------------------------------------------- one CSV writer

HOSTILE_CELLS = [
    # (cell, how it must read back in a spreadsheet-safe CSV)
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+cmd", "'+cmd"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("a\r=cmd", "a\r=cmd"),  # quoted: the CR cannot start a new row
    ("two\nlines", "two\nlines"),
    ("-12.5", "-12.5"),  # a number stays a number
    ("Ségou", "Ségou"),
]


@pytest.mark.parametrize(("cell", "expected"), HOSTILE_CELLS)
def test_the_one_csv_writer_neutralises_formulas_and_quotes_line_breaks(cell, expected, tmp_path):
    import csv
    import io

    from minusma.geo.io import csv_text, write_table_csv

    frame = pd.DataFrame(
        {"name": [cell], "kind": pd.Categorical([cell]), "n": [1]}, index=pd.Index([cell])
    )
    text = csv_text(frame, index=True)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2, repr(text)  # header + one row: no line break splits a row
    assert rows[1][:3] == [expected, expected, expected]
    assert text.endswith("\r\n") and not text.startswith("\ufeff")
    path = write_table_csv(frame, tmp_path / "t.csv", index=True)
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode()) and data.decode("utf-8-sig") == text


CSV_COMMANDS = [
    ["towns", "--top", "2", "--format", "csv"],
    ["query", "nearest", "Mopti", "--format", "csv"],
    ["query", "route", "Gao", "Ansongo", "--format", "csv"],
    ["diff", "--as-of", "2023-06-30", "--as-of", "2024-07-22", "--format", "csv"],
    ["summary", "--format", "csv"],
    ["validate", "--boot", "0", "--format", "csv"],
    ["scenarios", "--close-each", "--jobs", "1", "--format", "csv", "--per-place", "{tmp}/p.csv"],
]


@pytest.mark.parametrize("args", CSV_COMMANDS, ids=[" ".join(a[:2]) for a in CSV_COMMANDS])
def test_every_csv_the_package_prints_goes_through_the_one_writer(args, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from minusma.cli.main import cli
    from minusma.geo import io

    calls = []
    real = io.csv_text

    def spy(*a, **k):
        calls.append(a[0].shape)
        return real(*a, **k)

    monkeypatch.setattr(io, "csv_text", spy)
    args = [a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(cli, ["-q", *args], env={"MINUSMA_DATA": None})
    assert result.exit_code == 0, result.output
    assert calls, "the command wrote CSV without geo.io.csv_text"
    assert result.stdout_bytes.endswith(b"\r\n")  # (Result.stdout turns CRLF into LF)
    if "--per-place" in args:
        assert len(calls) == 2 and (tmp_path / "p.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
