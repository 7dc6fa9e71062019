"""The table layouts (minusma.layouts) written by the one renderer (minusma.output.table_text)."""

from __future__ import annotations

import pandas as pd
import pytest

from minusma.geo.i18n import LANGS, STRINGS
from minusma.layouts import LAYOUTS, Column, Layout, validate_layout
from minusma.output import render, table_text


def test_every_label_of_every_layout_is_in_every_language():
    labels = {
        c.label for lay in [*LAYOUTS.values(), validate_layout()] for c in lay.columns if c.label
    }
    assert labels
    for lang in LANGS:
        assert labels <= set(STRINGS[lang]), lang


def test_scenarios_grid_by_keys_with_thousands_and_missing():
    frame = pd.DataFrame(
        {
            "places_high": [26, 28],
            "places_severe": [0, None],
            "people_exposed": [116440, 1234567],
            "no_population_exposed": [20, 22],
            "places_covered": [36, 27],
            "people_covered": [651120.0, 562004.0],
            "not_shown": ["x", "y"],
        },
        index=pd.Index(["none-closed", "close-Ogossagou"], name="scenario"),
    )
    lines = table_text(frame, "scenarios").split("\n")
    assert lines[0] == (
        "scenario             high    severe  people exposed  (no pop.)   covered  people covered"
    )
    assert lines[1] == "-" * len(lines[0])
    assert lines[2].split() == ["none-closed", "26", "0", "116,440", "20", "36", "651,120"]
    assert lines[3].split() == ["close-Ogossagou", "28", "-", "1,234,567", "22", "27", "562,004"]
    assert "not_shown" not in "\n".join(lines) and "x" not in lines[2]


def test_towns_headers_come_from_the_catalogue_in_the_language():
    frame = pd.DataFrame(
        {
            "exposure_rank": [1.0],
            "town_id": ["ml-ber"],
            "name": ["Ber"],
            "exposure_score": [9.25],
            "exposure_class": ["severe"],
            "data_gap": [False],
            "reasons": ["first reason; second reason"],
        }
    )
    en = table_text(frame, "towns", lang="en").split("\n")
    fr = table_text(frame, "towns", lang="fr").split("\n")
    assert en[0].split()[:3] == ["rank", "town", "class"] and en[0].endswith("robustness")
    assert fr[0].split()[:3] == ["rang", "ville", "classe"]
    assert en[2] == "   1  Ber (ml-ber)                 severe      9.2  no      "
    assert "sévère" in fr[2] and "9,2" in fr[2] and "non" in fr[2]
    assert en[3:] == ["      - first reason", "      - second reason"]


def test_frame_engine_pairs_and_title_from_attrs():
    frame = pd.DataFrame(
        {
            "places": [3],
            "places_high_before": [1.0],
            "places_high_after": [None],
            "places_severe_before": [0],
            "places_severe_after": [1],
            "census_people_high_severe_before": [None],
            "census_people_high_severe_after": [52539.0],
            "places_high_severe_no_census_before": [1],
            "places_high_severe_no_census_after": [3],
            "single_road_places_before": [5],
            "single_road_places_after": [5],
            "places_lost_coverage": [9],
            "coverage_lost_first": ["2023-08-03"],
            "coverage_lost_last": ["2023-08-04"],
        },
        index=pd.Index(["Bandiagara"], name="region_2023"),
    )
    frame.attrs = {"before": "2023-06-30", "as_of": "2024-07-22"}
    text = render(frame, "table", table="summary")
    assert text.startswith("before = 2023-06-30, after = 2024-07-22; census_hs:")
    assert "1 -> NA" in text and "NA -> 52,539" in text and "2023-08-03..2023-08-04" in text
    assert "wp_near_site_before" not in text  # optional columns the frame lacks are left out


def test_a_missing_column_is_named():
    with pytest.raises(KeyError, match="people_covered"):
        table_text(pd.DataFrame({"places_high": [1]}), "scenarios")


def test_a_bad_layout_is_refused_when_declared():
    with pytest.raises(ValueError, match="unknown cell"):
        Column("x", cell="sparkline")
    with pytest.raises(ValueError, match="engine"):
        Layout(columns=(), engine="html")
    with pytest.raises(KeyError, match="no table layout 'nope'"):
        table_text(pd.DataFrame(), "nope")
