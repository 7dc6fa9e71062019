"""Air links 2013-2025: Sky Mali scheduled routes, UNHAS humanitarian and MINUSMA mission
flights."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
from shapely import LineString

from geo._errors import SchemaError
from geo._validate import Column, Schema
from geo.distance import GEOD, geometry_length_km
from layers._common import GEOMETRY_KIND, SOURCE, finish
from layers._files import read_facts
from layers.airports import airports as load_airports
from layers.registry import LayerInfo

__all__ = ["COMMERCIAL_OPERATORS", "INFOS", "SCHEMA", "STATUSES", "air_links"]

#: Operators in ``air_links.csv`` that are not the UN's: a place whose airstrips only UN services
#: (MINUSMA, UNHAS) served depended on them (``air_depended_on_un``).
COMMERCIAL_OPERATORS = ("Sky Mali",)

#: Status of a link as the last source describes it.
STATUSES = ("no_end_reported", "interrupted", "suspended", "ended", "ended_or_unknown")

#: Spacing of vertices along the drawn great-circle route, in km.
SEGMENT_KM = 25.0

SCHEMA = Schema(
    id_column="link_id",
    geometry_types=("LineString",),
    columns=(
        Column(
            "link_id", "string", "stable id <operator>-<destination>", nullable=False, unique=True
        ),
        Column("from_icao", "string", "origin airport", nullable=False),
        Column("to_icao", "string", "destination airport (null if outside the layer)"),
        Column("via_icao", "string", "intermediate stops, ';'-separated"),
        Column(
            "operator",
            "string",
            "Sky Mali, UNHAS (WFP) or MINUSMA",
            nullable=False,
            choices=("Sky Mali", "UNHAS (WFP)", "MINUSMA"),
        ),
        Column(
            "service_type",
            "string",
            "scheduled, humanitarian or mission",
            nullable=False,
            choices=("scheduled", "humanitarian", "mission"),
        ),
        Column("period_start", "date", "first day of the documented period", nullable=False),
        Column(
            "period_start_precision",
            "string",
            "day, month or year",
            nullable=False,
            choices=("day", "month", "year"),
        ),
        Column("period_end", "date", "last day of the documented period (null: no end reported)"),
        Column(
            "period_end_precision", "string", "day, month or year", choices=("day", "month", "year")
        ),
        Column("period_text", "string", "the period as the source gives it", nullable=False),
        Column("status", "string", "status as last described", nullable=False, choices=STATUSES),
        Column("frequency_or_detail", "string", "frequency or fleet detail"),
        Column("notes", "string", "notes"),
        Column(
            "length_km",
            "float",
            "great-circle length of the drawn route via its stops",
            nullable=False,
        ),
        SOURCE,
        Column("source_type", "string", "kind of source"),
        Column("source_2", "string", "second source"),
        GEOMETRY_KIND,
        Column(
            "geometry",
            "geometry",
            "great-circle route through the stops (schematic, not a flight track)",
            nullable=False,
        ),
    ),
)

INFOS = {
    "air_links": LayerInfo(
        name="air_links",
        title="Air links: Sky Mali, UNHAS and MINUSMA (schematic routes)",
        description="Documented air routes with operator, service type, period and status. "
        "Multi-destination source rows are one link per destination. Geometry is the "
        "great-circle route through the stops: SCHEMATIC, not a flight track. Periods "
        "with month or year precision start on the first day of the month/year and "
        "end on the last (see the *_precision columns).",
        licence="facts compiled by the project from the cited sources (CC BY 4.0 for the "
        "compilation)",
        attribution="minusma-exposure contributors; sources named per row",
        sources=("layers/data/air_links.csv (from shared/reference/air.csv)",),
        geometry_kind="schematic",
        schema=SCHEMA,
        caveats=(
            (
                "Sky Mali resumption dates after Sep 2023 and the UNHAS destination list for "
                "2023-24 were not found: absence of a later row is not evidence that a service "
                "stopped."
            ),
        ),
    )
}


def _great_circle(points: list[tuple[float, float]]) -> LineString:
    coords: list[tuple[float, float]] = [points[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        _, _, dist_m = GEOD.inv(x0, y0, x1, y1)
        n = max(int(np.ceil(dist_m / 1000.0 / SEGMENT_KM)) - 1, 0)
        coords += [tuple(p) for p in GEOD.npts(x0, y0, x1, y1, n)] + [(x1, y1)]
    return LineString(coords)


def air_links() -> gpd.GeoDataFrame:
    """Air links (schema :data:`SCHEMA`); geometry is the great-circle route origin -> stops ->
    destination."""
    raw = read_facts("air_links.csv").rename(
        columns={"source_url": "source", "source_url_2": "source_2"}
    )
    pts = load_airports().set_index("icao").geometry
    problems = []
    geoms, lengths = [], []
    for row in raw.itertuples():
        stops = [row.from_icao, *(row.via_icao.split(";") if isinstance(row.via_icao, str) else [])]
        if isinstance(row.to_icao, str):
            stops.append(row.to_icao)
        missing = [s for s in stops if s not in pts.index]
        if missing:
            problems.append(
                f"air_links.csv {row.link_id}: airports {missing} not in the airports layer"
            )
            geoms.append(None)
            lengths.append(np.nan)
            continue
        line = _great_circle([(pts[s].x, pts[s].y) for s in stops])
        geoms.append(line)
        lengths.append(round(geometry_length_km(line), 3))
    if problems:
        raise SchemaError("\n".join(problems))
    raw["length_km"] = lengths
    raw["geometry_kind"] = "schematic"
    return finish(gpd.GeoDataFrame(raw, geometry=geoms, crs="EPSG:4326"), SCHEMA, name="air_links")
