"""layers.events: the readers of the shipped schema, ACLED and UCDP GED, on synthetic fixtures
written in the real column schemas (tests/fixtures/events_synthetic_*.csv), and their one-line
errors."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import minusma.layers as L
from minusma.geo._errors import EventsFileError, SchemaError
from minusma.geo._validate import validate_frame
from minusma.layers.events import (
    EVENT_SCHEMA,
    MALI_BOUNDS,
    SCHEMA,
    checksum,
    events,
    read_acled,
    read_events,
    read_ucdp,
)
from minusma.layers.events import (
    WINDOW as WINDOW_DATES,
)

FIXTURES = Path(__file__).parent / "fixtures"
ACLED = FIXTURES / "events_synthetic_acled.csv"
UCDP = FIXTURES / "events_synthetic_ucdp_ged.csv"
SHIPPED = FIXTURES / "events_synthetic_shipped.csv"
WINDOW = {"from_date": "2023-07-01", "to_date": "2024-06-30"}


def test_error_class_is_a_schema_error_and_a_value_error():
    assert issubclass(EventsFileError, SchemaError) and issubclass(EventsFileError, ValueError)


def test_mali_bounds_are_those_of_the_shipped_regions():
    x0, y0, x1, y1 = L.regions().total_bounds
    bx0, by0, bx1, by1 = MALI_BOUNDS
    assert bx0 <= x0 < bx0 + 0.01 and by0 <= y0 < by0 + 0.01
    assert bx1 - 0.01 < x1 <= bx1 and by1 - 0.01 < y1 <= by1


def test_acled_export_to_event_frame():
    out = read_acled(ACLED, **WINDOW)
    validate_frame(out, EVENT_SCHEMA, name="acled")
    assert out.crs.to_epsg() == 4326 and len(out) == 7
    first = out.set_index("event_id").loc["MLI90001"]
    assert first["date"] == "2023-08-11"  # from "11 August 2023"
    assert first["date_precision"] == "day" and first["place"] == "Ber"
    assert first["event_type"] == "Battles: Armed clash"
    assert first["actor"] == "SYNTHETIC Actor A; SYNTHETIC Actor B"
    assert first["fatalities"] == 2 and first["location_precision_km"] == 0
    assert (first.geometry.x, first.geometry.y) == (-2.5, 16.84)
    assert out.set_index("event_id").loc["MLI90006", "location_precision_km"] == 25.0
    # the Burkina Faso row and the September 2024 row are left out, counted
    assert out.attrs["dropped"] == {"outside_country": 1, "outside_window": 1}
    assert out.attrs["rows_read"] == 9


def test_ucdp_ged_to_event_frame():
    out = read_ucdp(UCDP, **WINDOW)
    validate_frame(out, EVENT_SCHEMA, name="ucdp")
    assert len(out) == 8
    row = out.set_index("event_id").loc["900001"]
    assert row["date"] == "2023-08-11" and row["date_precision"] == "day"
    assert row["event_type"] == "state-based conflict"
    assert row["actor"] == "SYNTHETIC Side A vs SYNTHETIC Side B"
    assert row["place"] == "Ber town"
    # where_prec 6 (country only): kept, counted, not locatable to a place
    assert pd.isna(out.set_index("event_id").loc["9000010", "location_precision_km"])
    assert out.attrs["unlocated"] == 1
    assert out.attrs["dropped"] == {"outside_country": 1, "outside_window": 1}


def test_format_detected_from_header():
    assert read_events(ACLED).attrs["format"] == "acled"
    assert read_events(UCDP).attrs["format"] == "ucdp-ged"
    shipped = read_events(SHIPPED)
    assert shipped.attrs["format"] == "shipped" and shipped.attrs["dropped"]["outside_window"] == 0
    # the row without a coordinate is kept without geometry, counted
    assert shipped.geometry.isna().sum() == 1 and shipped.attrs["unlocated"] == 1
    validate_frame(shipped, EVENT_SCHEMA, name="shipped")


def test_same_events_in_both_formats_give_the_same_points():
    a = read_acled(ACLED, **WINDOW).sort_values("date").reset_index(drop=True)
    u = read_ucdp(UCDP, **WINDOW)
    u = u[u["location_precision_km"].notna()].sort_values("date").reset_index(drop=True)
    assert a["date"].tolist() == u["date"].tolist()
    assert a.geometry.geom_equals(u.geometry).all()
    assert a["location_precision_km"].tolist() == u["location_precision_km"].tolist()


def test_events_layer_reads_a_file_in_the_shipped_schema():
    out = events(SHIPPED)
    validate_frame(out, SCHEMA, name="events")
    assert list(out.columns) == SCHEMA.names
    assert (out["geometry_kind"] == "town_point").all()
    assert out["source"].notna().all() and out.geometry.isna().sum() == 1
    assert checksum(SHIPPED).startswith("sha256:") and len(checksum(SHIPPED)) == 71


def _write(tmp_path: Path, source: Path, edit) -> Path:
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    header = list(rows[0])
    header, rows = edit(header, rows)
    path = tmp_path / "bad.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _drop_column(name):
    return lambda header, rows: ([c for c in header if c != name], rows)


def _set(row_index, **values):
    def edit(header, rows):
        rows[row_index].update(values)
        return header, rows

    return edit


@pytest.mark.parametrize(
    ("source", "edit", "pattern"),
    [
        (ACLED, _drop_column("geo_precision"), r"missing column\(s\) 'geo_precision'"),
        (UCDP, _drop_column("date_start"), r"missing column\(s\) 'date_start'"),
        (
            ACLED,
            _set(2, event_date="32 September 2023"),
            r"row 3 \(line 4\), column 'event_date': cannot read the date '32 September 2023'",
        ),
        (
            UCDP,
            _set(1, date_start="2023/09/07"),
            r"row 2 \(line 3\), column 'date_start': cannot read the date",
        ),
        (
            ACLED,
            _set(3, latitude="5.1", longitude="-20.0"),
            r"row 4 \(line 5\), column 'latitude/longitude': .* lies outside Mali",
        ),
        (
            UCDP,
            _set(4, latitude="1.40833", longitude="18.43889"),
            r"row 5 \(line 6\), column 'latitude/longitude': .* look swapped .* swap the columns",
        ),
        (
            SHIPPED,
            _set(0, lat="-2.52524", lon="16.83748"),
            r"row 1 \(line 2\), column 'lat/lon': .* look swapped",
        ),
        (
            ACLED,
            _set(0, fatalities="many"),
            r"row 1 \(line 2\), column 'fatalities': 'many' is not a whole number",
        ),
    ],
)
def test_bad_files_fail_with_one_line(tmp_path, source, edit, pattern):
    path = _write(tmp_path, source, edit)
    with pytest.raises(EventsFileError, match=pattern) as info:
        read_events(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))


def test_two_bad_dates_are_counted_in_the_one_line(tmp_path):
    def edit(header, rows):
        rows[0]["event_date"] = "soon"
        rows[4]["event_date"] = "later"
        return header, rows

    with pytest.raises(EventsFileError, match=r"row 1 .*'soon'.*\(and 1 more row\(s\)\)"):
        read_acled(_write(tmp_path, ACLED, edit))


def test_unknown_format_and_missing_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(EventsFileError, match="unknown events format"):
        read_events(path)
    with pytest.raises(EventsFileError, match="no such events file"):
        read_events(tmp_path / "absent.csv")


def test_event_frame_is_a_geodataframe_of_points():
    out = read_events(ACLED)
    assert isinstance(out, gpd.GeoDataFrame)
    assert set(out.geometry.dropna().geom_type) == {"Point"}


def test_shipped_table_is_the_withdrawal_window_and_reads_as_events():
    layer = events()
    assert len(layer) > 0 and layer["source"].notna().all()
    days = pd.to_datetime(layer["date"]).dt.date
    assert days.min() >= WINDOW_DATES[0] and days.max() <= WINDOW_DATES[1]
    frame = read_events()
    assert frame.attrs["format"] == "shipped" and len(frame) == len(layer)
    located = frame.geometry.notna()
    assert (frame.loc[located, "location_precision_km"] == 0).all()
    assert checksum() == checksum(Path(frame.attrs["source_file"]))
