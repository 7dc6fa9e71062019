"""The 13 MINUSMA sites of the 2023 withdrawal (12 camps plus the Ogossagou temporary operating
base)."""

from __future__ import annotations

import datetime as dt
import logging

import geopandas as gpd
import pandas as pd

from geo._validate import Column, Schema
from layers._common import GEOMETRY_KIND, SOURCE, finish, parse_date, point_frame
from layers._files import read_facts
from layers.registry import LayerInfo

logger = logging.getLogger(__name__)

__all__ = ["INFOS", "SCHEMA", "bases"]

KINDS = ("camp", "sector_hq_camp", "mission_hq", "temporary_operating_base")

SCHEMA = Schema(
    id_column="base_id",
    geometry_types=("Point",),
    columns=(
        Column("base_id", "string", "stable id MINUSMA-01..13", nullable=False, unique=True),
        Column("name", "string", "site name", nullable=False),
        Column("town", "string", "town or village the site is in or near", nullable=False),
        Column("town_id", "string", "id of that place in the towns layer", nullable=False),
        Column(
            "sector",
            "string",
            "MINUSMA sector (North, East, West, Centre, HQ)",
            nullable=False,
            choices=("North", "East", "West", "Centre", "HQ"),
        ),
        Column("kind", "string", "site kind", nullable=False, choices=KINDS),
        Column("kind_detail", "string", "site kind as the source words it", nullable=False),
        Column("region_2023", "string", "region under the 2023 structure", nullable=False),
        Column("region_pre2016", "string", "region before the 2016/2023 reforms", nullable=False),
        Column(
            "in_june2023_count",
            "bool",
            "one of the '11 bases' of the June 2023 count",
            nullable=False,
        ),
        Column(
            "count_zone", "string", "north or centre, for the 11 bases", choices=("north", "centre")
        ),
        Column("closure_date", "date", "handover or closure date (ISO)", nullable=False),
        Column(
            "closure_order",
            "int",
            "1..13 by date (ties broken by the reported order)",
            nullable=False,
            unique=True,
        ),
        Column("closure_order_reported", "string", "order of closure as reported"),
        Column("closure_date_note", "string", "how the date was established"),
        Column("withdrawal_phase", "string", "withdrawal phase"),
        Column("last_contingents", "string", "last contingents at the site"),
        Column(
            "coord_precision",
            "string",
            "precision of the point",
            nullable=False,
            choices=("town point", "approximate"),
        ),
        Column("coord_method", "string", "how the point was obtained", nullable=False),
        Column("coord_source", "string", "source of the point", nullable=False),
        Column("notes", "string", "notes"),
        SOURCE,
        Column("source_type", "string", "kind of source"),
        Column("source_2", "string", "second source"),
        Column("confidence", "string", "confidence in the dates", choices=("high", "medium")),
        GEOMETRY_KIND,
        Column("geometry", "geometry", "town point (not the camp perimeter)", nullable=False),
    ),
)

INFOS = {
    "bases": LayerInfo(
        name="bases",
        title="MINUSMA sites closed in the 2023-2024 withdrawal",
        description=(
            "The 13 sites of the withdrawal counted by the UN (12 camps plus the Ogossagou "
            "temporary operating base; the Bamako headquarters is one of the 12), with closure "
            "dates and order, phase, sector and whether the site is one of the '11 bases' of the "
            "June 2023 count (nine in the north, two in the centre). Léré was a Malian army camp, "
            "not a MINUSMA site."
        ),
        licence="facts compiled by the project from the cited sources (CC BY 4.0 for the "
        "compilation)",
        attribution="minusma-exposure contributors; UN press releases and news reports named per "
        "row",
        sources=("layers/data/bases.csv (from shared/reference/bases.csv and its README)",),
        geometry_kind="town_point",
        schema=SCHEMA,
        caveats=(
            "Points are town points, not camp perimeters.",
            "Douentza's closure date (21 Oct 2023) rests on one press report (medium confidence).",
            (
                "Opening dates are not in the data: with as_of, a site counts as open until its "
                "closure date."
            ),
        ),
    )
}


def bases(as_of: str | dt.date | None = None) -> gpd.GeoDataFrame:
    """The MINUSMA sites of the 2023-2024 withdrawal.

    Parameters
    ----------
    as_of
        An ISO date (2013-2024). If given, only the sites still open on that date are returned:
        a site closed on day D is no longer open on D.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site in EPSG:4326, schema :data:`SCHEMA`, sorted by ``base_id``.
    """
    when = parse_date(as_of)
    raw = read_facts("bases.csv", floats=("lat", "lon"), bools=("in_june2023_count",))
    raw = raw.rename(columns={"source_url": "source", "source_url_2": "source_2"})
    dates = pd.to_datetime(raw["closure_date"], format="%Y-%m-%d")
    reported = raw["closure_order_reported"].str.extract(r"^(\d+)")[0].astype("float64")
    order = pd.DataFrame({"date": dates, "reported": reported.fillna(99)}).sort_values(
        ["date", "reported"]
    )
    raw["closure_order"] = pd.Series(range(1, len(raw) + 1), index=order.index).astype("int64")
    raw["geometry_kind"] = "town_point"
    gdf = finish(point_frame(raw), SCHEMA, name="bases")
    if when is not None:
        gdf = gdf[pd.to_datetime(gdf["closure_date"]).dt.date > when].reset_index(drop=True)
    return gdf
