"""Checks of the shipped events table (layers/data/events.csv), the data file itself.

The table is curated by hand from pages read in the search tool's stored copies; these tests
hold it to the rules written in layers/data/events.md: fixed columns, unique ids, dates inside
the withdrawal window, a closed vocabulary, a source on every row, and coordinates copied from
a named gazetteer (never typed in).
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import pandas as pd
import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "layers" / "data"
EVENTS_CSV = DATA_DIR / "events.csv"
TOWNS_CSV = DATA_DIR / "towns.csv"

COLUMNS = [
    "event_id",
    "date",
    "date_precision",
    "place",
    "town_id",
    "lat",
    "lon",
    "coord_source",
    "event_type",
    "actor",
    "fatalities",
    "description",
    "source_url",
    "source_url_2",
    "confidence",
]
EVENT_TYPES = {
    "attack_town",
    "attack_camp",
    "attack_convoy",
    "blockade",
    "capture",
    "attack_boat",
    "attack_airport",
    "attack_aircraft",
    "flight_suspension",
    "ied",
    "massacre",
    "other",
}
WINDOW_START = pd.Timestamp("2023-07-01")
WINDOW_END = pd.Timestamp("2024-06-30")
# Mali's bounding box, generous by a few km (degrees)
LON_MIN, LON_MAX = -12.3, 4.3
LAT_MIN, LAT_MAX = 10.1, 25.0
GAZETTEER = "gazetteer:layers/data/towns.csv"
OCHA_SOURCE = re.compile(r"^OCHA COD-AB populated places ML\d{9}$")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS_CSV, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return pd.read_csv(TOWNS_CSV, dtype={"town_id": str}, encoding="utf-8").set_index("town_id")


def test_header_is_exactly_the_documented_columns(events):
    assert list(events.columns) == COLUMNS
    assert len(events) >= 30


def test_event_ids_are_unique_and_carry_the_date(events):
    assert not events["event_id"].duplicated().any(), events["event_id"][
        events["event_id"].duplicated()
    ].tolist()
    pattern = re.compile(r"^ev-(\d{4}-\d{2}-\d{2})-[a-z]{1,3}-\d+$")
    for event_id, date in zip(events["event_id"], events["date"], strict=True):
        match = pattern.match(event_id)
        assert match, f"malformed event_id {event_id!r}"
        assert match.group(1) == date, f"{event_id}: id date differs from date {date}"


def test_dates_parse_and_lie_in_the_withdrawal_window(events):
    dates = pd.to_datetime(events["date"], format="%Y-%m-%d", errors="coerce")
    bad = events.loc[dates.isna(), "event_id"].tolist()
    assert not bad, f"unparseable dates: {bad}"
    outside = events.loc[(dates < WINDOW_START) | (dates > WINDOW_END), "event_id"].tolist()
    assert not outside, f"dates outside 2023-07-01..2024-06-30: {outside}"


def test_date_precision_and_its_anchor_day(events):
    assert set(events["date_precision"]) <= {"day", "week", "month"}
    dates = pd.to_datetime(events["date"], format="%Y-%m-%d")
    months = events["date_precision"] == "month"
    weeks = events["date_precision"] == "week"
    assert (dates[months].dt.day == 1).all(), "month precision must use the 1st of the month"
    assert (dates[weeks].dt.day_of_week == 0).all(), "week precision must use the Monday"


def test_event_type_vocabulary(events):
    unknown = set(events["event_type"]) - EVENT_TYPES
    assert not unknown, f"event types outside the vocabulary: {sorted(unknown)}"


def test_every_row_has_a_source_and_a_confidence(events):
    assert events["source_url"].str.match(r"^https?://\S+$").all()
    second = events["source_url_2"]
    assert second[second != ""].str.match(r"^https?://\S+$").all()
    assert (second != events["source_url"]).all(), "source_url_2 repeats source_url"
    assert set(events["confidence"]) <= {"high", "medium", "low"}


def test_text_fields_are_filled_and_single_line(events):
    for column in ("place", "description"):
        assert (events[column].str.strip() != "").all(), f"empty {column}"
        assert not events[column].str.contains("\n").any(), f"line break in {column}"


def test_fatalities_are_empty_or_non_negative_integers(events):
    fatalities = events["fatalities"]
    assert fatalities[fatalities != ""].str.fullmatch(r"\d+").all()


def test_coordinates_come_with_a_named_gazetteer_and_lie_in_mali(events):
    has_lat, has_lon = events["lat"] != "", events["lon"] != ""
    assert (has_lat == has_lon).all(), "lat and lon must be given together"
    assert ((events["coord_source"] != "") == has_lat).all(), "coordinate without a source"
    given = events[has_lat]
    sources = given["coord_source"]
    assert ((sources == GAZETTEER) | sources.str.match(OCHA_SOURCE)).all()
    lat, lon = given["lat"].astype(float), given["lon"].astype(float)
    assert lat.between(LAT_MIN, LAT_MAX).all() and lon.between(LON_MIN, LON_MAX).all()


def test_gazetteer_points_are_copied_from_towns_csv(events, towns):
    with_town = events[events["town_id"] != ""]
    missing = sorted(set(with_town["town_id"]) - set(towns.index))
    assert not missing, f"town_id not in layers/data/towns.csv: {missing}"
    copied = with_town[with_town["coord_source"] == GAZETTEER]
    assert len(copied) > 0
    for row in copied.itertuples():
        town = towns.loc[row.town_id]
        assert float(row.lat) == town["lat"], f"{row.event_id}: lat differs from {row.town_id}"
        assert float(row.lon) == town["lon"], f"{row.event_id}: lon differs from {row.town_id}"
    # a town with a point in the gazetteer is always placed at that point
    town_has_point = with_town["town_id"].map(towns["lat"].notna())
    assert (with_town.loc[town_has_point, "coord_source"] == GAZETTEER).all()
    # a gazetteer coordinate always names its town
    assert (events.loc[events["coord_source"] == GAZETTEER, "town_id"] != "").all()


def test_events_csv_is_shipped_as_package_data():
    shipped = importlib.resources.files("minusma.layers") / "data" / "events.csv"
    assert shipped.is_file()
    assert shipped.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
