"""Admin units of any country (``--units FILE``) and HDX admin x month aggregates as the effect's
history, on the real CAR events (UCDP GED) and MINUSCA sites (Geo-PKO).

The units and the HDX tables here are SYNTHETIC, written by the tests at run time: invented
rectangles over the Central African Republic with invented P-codes (``SYN...``), and an
HDX-layout table whose counts are the GED events inside them. No real boundary or ACLED row.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.effects import ALL_EVENTS, run_effect
from minusma.geo._errors import ParameterError, SchemaError
from minusma.geo.panel import month_label
from minusma.geo.site_panel import polygon_site_km, site_panel
from minusma.layers.events import read_events
from minusma.layers.history import HistoryFileError
from minusma.layers.sites import sites
from minusma.layers.units import read_units

GED_CAF = "ucdp-ged-caf/ged231_caf.geojson"
SPAN = ("2012-01", "2022-12")
#: A 6 x 4 grid of SYNTHETIC rectangles over CAR's extent (lon 14.4-27.6, lat 2.2-11.2).
LON_EDGES = np.linspace(14.4, 27.6, 7)
LAT_EDGES = np.linspace(2.2, 11.2, 5)


def _synthetic_units() -> gpd.GeoDataFrame:
    rows = []
    for i in range(len(LON_EDGES) - 1):
        for j in range(len(LAT_EDGES) - 1):
            box = shapely.box(LON_EDGES[i], LAT_EDGES[j], LON_EDGES[i + 1], LAT_EDGES[j + 1])
            rows.append(
                {
                    "ADM2_PCODE": f"SYN{i}{j}",
                    "ADM2_EN": f"Synthetic unit {i}-{j}",
                    "note": "SYNTHETIC test unit",
                    "geometry": box,
                }
            )
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


@pytest.fixture(scope="module")
def car(data_dir):
    events = read_events(data_dir / GED_CAF, country="Central African Republic", bounds=None)
    minusca = sites("geopko", mission="MINUSCA", data_dir=data_dir, min_troops=1)
    return events, minusca


@pytest.fixture
def units_file(tmp_path):
    path = tmp_path / "units_SYNTHETIC.geojson"
    _synthetic_units().to_file(path, driver="GeoJSON")
    return path


def _hdx_file(path, counts: np.ndarray, ids, first_month: int) -> None:
    """A SYNTHETIC HDX admin-2 x month table (ACLED's layout), every unit-month listed."""
    rows = []
    for u, pcode in enumerate(ids):
        for m in range(counts.shape[1]):
            year, month = month_label(first_month + m).split("-")
            rows.append(
                {
                    "Country": "Synthetic",
                    "Admin1": "Synthetic",
                    "Admin2": f"Synthetic {pcode}",
                    "ISO3": "SYN",
                    "Admin2 Pcode": pcode,
                    "Admin1 Pcode": "SYN",
                    "Month": pd.Timestamp(2000, int(month), 1).strftime("%B"),
                    "Year": year,
                    "Events": int(counts[u, m]),
                    "Fatalities": 0,
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)


def test_read_units_finds_the_cod_columns(units_file):
    units = read_units(units_file)
    assert list(units.columns) == ["unit_id", "name", "geometry"]
    assert len(units) == 24 and units["unit_id"].is_unique and units.crs.to_epsg() == 4326
    assert units["unit_id"].iloc[0] == "SYN00" and units.attrs["id_column"] == "ADM2_PCODE"


def test_sites_attach_to_polygons_by_distance():
    units = _synthetic_units()[:2]  # lon 14.4-16.6, lat 2.2-4.45 and 4.45-6.7
    km = polygon_site_km(units, np.array([15.0, 15.0, 17.6]), np.array([3.0, 7.0, 3.0]))
    assert km[0, 0] == 0.0  # inside
    # 7.0 N is 0.3 degrees of latitude (about 33 km) north of the second box
    assert 32 < km[1, 1] < 34.5 and km[0, 1] > km[1, 1]
    # 17.6 E is one degree of longitude east of both boxes (about 110 km at 3-4.5 N)
    assert 109 < km[0, 2] < 112


def test_effect_on_admin_units_from_a_file(car, data_dir, units_file):
    _, minusca = car
    r = run_effect(
        history=data_dir / GED_CAF,
        sites=minusca,
        mission="MINUSCA",
        units=units_file,
        window_months=12,
        span=SPAN,
        placebo_draws=0,
    )
    assert r.unit == "admin" and r.n_units == 24
    assert r.report["units"] == str(units_file)
    opening = r.study("opening")
    assert opening.n_treated >= 3
    assert opening.event_time["k"].tolist() == list(range(-12, 13))
    t = opening.event_time
    assert (t["band_low"] <= t["low"]).all() and (t["band_high"] >= t["high"]).all()
    by_site = run_effect(
        history=data_dir / GED_CAF,
        sites=minusca,
        mission="MINUSCA",
        units=units_file,
        window_months=12,
        span=SPAN,
        placebo_draws=0,
        cluster="site",
    ).study("opening")
    assert by_site.pooled["estimate"] == opening.pooled["estimate"]
    assert by_site.pooled["se"] != opening.pooled["se"]


def test_hdx_aggregate_gives_the_same_effect_as_its_events(car, data_dir, units_file, tmp_path):
    """An HDX admin-2 x month table holding the GED events counted in the units gives the same
    estimates as the events themselves."""
    events, minusca = car
    units = read_units(units_file)
    panel = site_panel(events, minusca, unit="admin", span=SPAN, polygons=units, boundary=units)
    hdx = tmp_path / "hdx_admin2_SYNTHETIC.csv"
    _hdx_file(hdx, panel.counts[ALL_EVENTS], panel.unit_ids, panel.first_month)
    kw = {
        "sites": minusca,
        "mission": "MINUSCA",
        "units": units_file,
        "window_months": 12,
        "placebo_draws": 0,
    }
    from_points = run_effect(history=data_dir / GED_CAF, span=SPAN, **kw)
    from_table = run_effect(history=hdx, **kw)
    assert from_table.report["history_layout"] == "hdx-admin2"
    assert from_table.span == SPAN and from_table.n_events == from_points.n_events
    a, b = from_points.study("opening"), from_table.study("opening")
    pd.testing.assert_frame_equal(a.event_time, b.event_time)
    assert a.pooled == b.pooled and a.band == b.band
    # no unit this large loses its last site: the same reason in both
    closing = from_table.studies[ALL_EVENTS]["closing"]
    assert closing == from_points.studies[ALL_EVENTS]["closing"]
    assert "no unit switches" in closing
    # the CLI: the same table through --history and --units
    res = CliRunner().invoke(
        cli,
        [
            "effect",
            "--history",
            str(hdx),
            "--units",
            str(units_file),
            "--mission",
            "MINUSCA",
            "--min-troops",
            "1",
            "--window",
            "12",
            "--placebo-draws",
            "0",
            "--data",
            str(data_dir),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["unit"] == "admin" and doc["n_units"] == 24
    assert doc["pooled"]["opening"]["estimate"] == pytest.approx(
        from_table.study("opening").pooled["estimate"], abs=1e-6
    )
    assert doc["band_level"] == 0.95 and doc["band_critical_value"]["opening"] > 1.96
    assert {"band_low", "band_high"} <= set(doc["event_time"][0])
    # an aggregate needs its polygons, has no event types, and no missing month
    with pytest.raises(ParameterError, match="an aggregate history counts events per admin"):
        run_effect(history=hdx, sites=minusca, mission="MINUSCA", unit="grid")
    with pytest.raises(ParameterError, match="an aggregate history has no event types"):
        run_effect(history=hdx, by_type=True, **kw)
    gappy = tmp_path / "hdx_gappy_SYNTHETIC.csv"
    pd.read_csv(hdx).iloc[5:].to_csv(gappy, index=False)
    with pytest.raises(ParameterError, match=r"missing unit-month\(s\)"):
        run_effect(history=gappy, **kw)
    with pytest.raises(ParameterError, match="--units FILE gives the units: drop --unit cercle"):
        run_effect(history=hdx, unit="cercle", **kw)


def test_hdx_codes_must_be_the_units_ids(car, units_file, tmp_path):
    _, minusca = car
    hdx = tmp_path / "hdx_other_SYNTHETIC.csv"
    _hdx_file(hdx, np.zeros((2, 24)), ["ZZ01", "ZZ02"], 2015 * 12)
    with pytest.raises(HistoryFileError, match="none of the unit codes"):
        run_effect(history=hdx, sites=minusca, mission="MINUSCA", units=units_file, window_months=6)


def test_bad_units_files_get_one_clear_error(tmp_path):
    good = _synthetic_units()
    cases = {
        "no_id": (good.drop(columns="ADM2_PCODE"), "no id column \\(tried unit_id, ADM2_PCODE"),
        "points": (
            good.assign(geometry=good.geometry.representative_point()),
            "geometry\\(ies\\) are not polygons .*units must be Polygon or MultiPolygon",
        ),
        "repeated": (
            good.assign(ADM2_PCODE="SYN00"),
            "ADM2_PCODE 'SYN00' is repeated .*ids must be unique",
        ),
    }
    for name, (frame, message) in cases.items():
        path = tmp_path / f"{name}_SYNTHETIC.geojson"
        frame.to_file(path, driver="GeoJSON")
        with pytest.raises(SchemaError, match=message):
            read_units(path)
    with pytest.raises(SchemaError, match="no name column 'NAME_X'"):
        read_units(tmp_path / "points_SYNTHETIC.geojson", name_column="NAME_X")
    csv = tmp_path / "units.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(SchemaError, match="units must be a GeoJSON or GeoPackage"):
        read_units(csv)
    res = CliRunner().invoke(
        cli, ["effect", "--units", str(tmp_path / "no_id_SYNTHETIC.geojson"), "--window", "6"]
    )
    assert res.exit_code == 1 and "no id column" in res.output and "--units-id" in res.output


def test_hdx_admin2_table_on_malis_cercles(data_dir, tmp_path):
    """A SYNTHETIC HDX admin-2 table (Poisson counts, seed 3) on Mali's 50 OCHA COD cercles,
    with MINUSMA's sites: the cercles are the units; an admin-1 table cannot serve them."""
    from minusma.layers.admin import cercles

    ids = cercles(data_dir)["cercle_pcode"].to_numpy()
    first = 2014 * 12  # 2014-01 .. 2024-06
    counts = np.random.default_rng(3).poisson(0.5, size=(len(ids), 126))
    hdx = tmp_path / "hdx_mali_admin2_SYNTHETIC.csv"
    _hdx_file(hdx, counts, ids, first)
    r = run_effect(
        history=hdx,
        sites="geopko",
        mission="MINUSMA",
        data_dir=data_dir,
        unit="cercle",
        window_months=12,
        placebo_draws=0,
    )
    assert r.n_units == 50 and r.span == ("2014-01", "2024-06")
    assert r.n_events == int(counts.sum())
    assert r.study("closing").n_treated >= 5
    admin1 = tmp_path / "hdx_mali_admin1_SYNTHETIC.csv"
    frame = pd.read_csv(hdx).drop(columns=["Admin2", "Admin2 Pcode"])
    frame["Admin1 Pcode"] = frame.index.map(lambda i: f"ML0{i % 9 + 1}")
    frame.groupby(["Admin1 Pcode", "Month", "Year"], as_index=False)["Events"].sum().to_csv(
        admin1, index=False
    )
    with pytest.raises(HistoryFileError, match="counts events per region; use --unit region"):
        run_effect(
            history=admin1,
            sites="geopko",
            mission="MINUSMA",
            data_dir=data_dir,
            unit="cercle",
            window_months=12,
            placebo_draws=0,
        )


def test_events_outside_the_units_are_one_clear_error(car, data_dir, tmp_path):
    """SYNTHETIC units over Mali with CAR's events: none lies in the study area."""
    _, minusca = car
    mali = gpd.GeoDataFrame(
        {"unit_id": ["SYNA", "SYNB"], "name": ["Synthetic A", "Synthetic B"]},
        geometry=[shapely.box(-4.0, 14.0, -2.0, 16.0), shapely.box(-2.0, 14.0, 0.0, 16.0)],
        crs="EPSG:4326",
    )
    path = tmp_path / "mali_units_SYNTHETIC.geojson"
    mali.to_file(path, driver="GeoJSON")
    with pytest.raises(ParameterError, match=r"none of the \d+ events lies in the study area"):
        run_effect(
            history=data_dir / GED_CAF,
            sites=minusca,
            mission="MINUSCA",
            units=path,
            window_months=6,
            placebo_draws=0,
        )
