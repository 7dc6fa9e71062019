"""History files in every layout, good and bad.

Every ACLED-layout and HDX-layout file here is SYNTHETIC: written by the test at run time with
invented counts (marked "SYNTHETIC" in the file name and, where the layout allows, a column).
No ACLED row is ever committed. The P-codes are the real OCHA COD codes of the data directory
(identifiers, so the check against the COD units is real).
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from minusma.geo import panel as P
from minusma.geo import prio_grid
from minusma.geo._errors import EventsFileError
from minusma.layers.history import HistoryFileError, detect_layout, read_history, to_panel

MONTHS = ["January", "February", "March"]


def _cercles(data_dir):
    cod = gpd.read_file(data_dir / "ocha-cod-mali" / "mli_adm2_cercles.geojson")
    return cod.assign(unit_id=cod["admin2Pcod"])


def _hdx_rows(pcodes, year=2022):
    rows = []
    for i, code in enumerate(pcodes):
        for m, month in enumerate(MONTHS):
            rows.append(
                {
                    "Country": "Mali",
                    "Admin1": "SYNTHETIC",
                    "Admin2": "SYNTHETIC",
                    "ISO3": "MLI",
                    "Admin2 Pcode": code,
                    "Admin1 Pcode": code[:4],
                    "Month": month,
                    "Year": year,
                    "Events": (i + m) % 3,  # explicit zero rows included
                    "Fatalities": i,
                }
            )
    return pd.DataFrame(rows)


def _write(frame: pd.DataFrame, path):
    if str(path).endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hdx_admin2_reads_with_its_span_and_explicit_zeros(data_dir, tmp_path, suffix):
    cod = _cercles(data_dir)
    codes = list(cod["unit_id"][:4])
    path = _write(_hdx_rows(codes), tmp_path / f"SYNTHETIC_hdx_admin2{suffix}")
    assert detect_layout(path) == "hdx-admin2"
    history = read_history(path, data_dir=data_dir)
    assert history.layout == "hdx-admin2" and history.level == "cercle"
    assert history.span_labels == ("2022-01", "2022-03")
    panel = to_panel(history, cod, "unit_id", level="cercle")
    assert panel.counts.shape == (len(cod), 3)
    row = list(cod["unit_id"]).index(codes[0])
    np.testing.assert_array_equal(panel.counts[row], [0, 1, 2])  # the zero row is a zero
    other = list(cod["unit_id"]).index(cod["unit_id"].iloc[10])
    assert np.isnan(panel.counts[other]).all()  # not listed: missing, not zero
    assert panel.report["unit_months_missing"] == (len(cod) - 4) * 3
    # months outside the span are missing too
    assert np.isnan(panel.window_sum(int(P.month_index("2022-02")[0]), 3)).all()
    with pytest.raises(HistoryFileError, match="use --unit cercle"):
        to_panel(history, cod, "unit_id", level="commune")


def test_hdx_admin1_variant(data_dir, tmp_path):
    adm1 = gpd.read_file(data_dir / "ocha-cod-mali" / "mli_adm1_regions.geojson")
    rows = _hdx_rows(list(adm1["admin1Pcod"][:2])).drop(columns=["Admin2", "Admin2 Pcode"])
    path = _write(rows, tmp_path / "SYNTHETIC_hdx_admin1.csv")
    history = read_history(path, data_dir=data_dir)
    assert history.layout == "hdx-admin1" and history.level == "region"
    assert history.n_events == int(rows["Events"].sum())


def test_unknown_pcodes_are_dropped_counted_and_reported(data_dir, tmp_path, caplog):
    codes = [*list(_cercles(data_dir)["unit_id"][:2]), "ML9999"]
    path = _write(_hdx_rows(codes), tmp_path / "SYNTHETIC_unknown.csv")
    history = read_history(path, data_dir=data_dir)
    assert history.report["dropped_unknown_unit"] == 3
    assert history.report["unknown_units"] == ["ML9999"]
    assert "ML9999" in caplog.text
    only_bad = _write(_hdx_rows(["XX0101"]), tmp_path / "SYNTHETIC_all_unknown.csv")
    with pytest.raises(HistoryFileError, match=r"none of the unit codes.*XX0101"):
        read_history(only_bad, data_dir=data_dir)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f.assign(Events=f["Events"].where(f.index != 4, -2)), r"row 5 .*'Events'.*-2"),
        (lambda f: f.assign(Events=f["Events"].astype(float) + 0.5), r"row 1 .*not a count"),
        (lambda f: f.assign(Month=f["Month"].where(f.index != 2, "Marsh")), r"row 3 .*'Month'"),
        (lambda f: f.assign(Year=f["Year"].where(f.index != 1, "22")), r"row 2 .*'Year'"),
        (lambda f: pd.concat([f, f.iloc[[3]]]), r"rows 4 and 7 repeat"),
        (lambda f: f.drop(columns="Events"), r"missing column.*'Events'"),
    ],
)
def test_bad_hdx_files_fail_with_file_row_column_and_fix(data_dir, tmp_path, edit, message):
    good = _hdx_rows(list(_cercles(data_dir)["unit_id"][:2]))
    path = _write(edit(good), tmp_path / "SYNTHETIC_bad.csv")
    with pytest.raises(HistoryFileError, match=message) as info:
        read_history(path, data_dir=data_dir)
    assert str(path) in str(info.value)


def test_unit_month_csv_with_span_and_bad_rows(tmp_path):
    grid = prio_grid.cells(bbox=(0.0, 0.0, 1.0, 1.0))
    gids = grid["gid"].tolist()
    rows = pd.DataFrame(
        {
            "unit_id": [gids[0], gids[0], gids[1], 999],
            "month": ["2021-11", "2022-01", "2021-11", "2021-12"],
            "events": [3, 0, 1, 4],
        }
    )
    path = _write(rows, tmp_path / "SYNTHETIC_unit_month.csv")
    history = read_history(path, span=("2021-10", "2022-02"))
    assert history.layout == "unit-month" and history.span_labels == ("2021-10", "2022-02")
    panel = to_panel(history, grid, "gid", level="grid")
    assert panel.report["dropped_unknown_unit"] == 1  # gid 999 is not among the cells
    np.testing.assert_array_equal(panel.counts[0], [np.nan, 3, np.nan, 0, np.nan])
    for column, value, message in [
        ("month", "2022-13", "is not a month"),
        ("month", "Jan 2022", "YYYY-MM"),
        ("events", "-1", "not a count"),
    ]:
        bad = rows.astype(str)
        bad.loc[1, column] = value
        with pytest.raises(HistoryFileError, match=rf"row 2 .*'{column}'.*{message}"):
            read_history(_write(bad, tmp_path / "SYNTHETIC_bad_unit_month.csv"))
    dup = pd.concat([rows, rows.iloc[[0]]])
    with pytest.raises(HistoryFileError, match="rows 1 and 5 repeat"):
        read_history(_write(dup, tmp_path / "SYNTHETIC_dup_unit_month.csv"))


def test_acled_export_points_to_cercles(data_dir, tmp_path):
    cod = _cercles(data_dir)
    points = cod.geometry.representative_point()
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"SYNTHETIC{i}" for i in range(3)],
            "event_date": ["15 January 2022", "2 March 2022", "20 March 2022"],
            "event_type": "Battles",
            "location": "SYNTHETIC",
            "latitude": [points.y[0], points.y[0], points.y[5]],
            "longitude": [points.x[0], points.x[0], points.x[5]],
            "geo_precision": 1,
            "fatalities": [1, 0, 2],
            "country": "Mali",
        }
    )
    path = _write(frame, tmp_path / "SYNTHETIC_acled.csv")
    history = read_history(path)
    assert history.layout == "acled" and history.span_labels == ("2022-01", "2022-03")
    panel = to_panel(history, cod, "unit_id", level="cercle")
    np.testing.assert_array_equal(panel.counts[0], [1, 0, 1])
    np.testing.assert_array_equal(panel.counts[5], [0, 0, 1])
    assert np.nansum(panel.counts) == 3 and not np.isnan(panel.counts).any()


def test_ucdp_geojson_on_the_real_car_file(data_dir):
    path = data_dir / "ucdp-ged-caf" / "ged231_caf.geojson"
    with pytest.raises(HistoryFileError, match=r"all 1848 row.*outside Mali.*country=None"):
        read_history(path)  # Mali by default: the CAR rows are refused, not misread
    history = read_history(path, country=None, bounds=None)
    assert history.layout == "ucdp-ged" and history.n_events == 1848
    assert history.report["unlocated"] == 29
    grid = prio_grid.cells(bbox=(14.0, 2.0, 28.0, 11.0))
    panel = to_panel(history, grid, "gid", level="grid")
    assert panel.report["unlocated_left_out"] == 29
    assert np.nansum(panel.counts) == 1848 - 29


def test_the_shipped_table_states_its_thin_span():
    history = read_history(None)
    assert history.layout == "shipped"
    assert history.span_labels == ("2023-07", "2024-06")
    assert "events over 12 months" in history.describe()


def test_unknown_layout_lists_the_layouts(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(HistoryFileError, match=r"unknown history layout.*HDX"):
        read_history(path)
    geo = tmp_path / "empty.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(EventsFileError, match="unknown events format"):
        read_history(geo)
