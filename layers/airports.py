"""Mali's airports and airstrips (airportsdata, MIT) with their 2020-2024 role."""

from __future__ import annotations

import functools
from importlib.metadata import version

import airportsdata
import geopandas as gpd
import pandas as pd

from geo._errors import SchemaError
from geo._validate import Column, Schema
from layers._common import GEOMETRY_KIND, SOURCE, finish, point_frame
from layers._files import read_facts
from layers.registry import LayerInfo

__all__ = ["FEET_TO_M", "INFOS", "SCHEMA", "airports"]

#: International foot, exactly.
FEET_TO_M = 0.3048

SCHEMA = Schema(
    id_column="icao",
    geometry_types=("Point",),
    columns=(
        Column("icao", "string", "ICAO code", nullable=False, unique=True),
        Column("iata", "string", "IATA code"),
        Column("name", "string", "airport name (airportsdata)", nullable=False),
        Column("city", "string", "city (airportsdata)"),
        Column("subd", "string", "subdivision (airportsdata)"),
        Column("elevation_ft", "float", "elevation in feet (airportsdata)"),
        Column("elevation_m", "float", "elevation in metres (converted)"),
        Column("town_id", "string", "town id (towns layer) for airports with a documented role"),
        Column("role_2020_2024", "string", "role in 2020-2024 (Sky Mali, UNHAS, MINUSMA use)"),
        Column("runway_or_detail", "string", "runway or other detail"),
        Column("role_notes", "string", "notes on the role"),
        Column("role_source", "string", "source of the role"),
        SOURCE,
        GEOMETRY_KIND,
        Column("geometry", "geometry", "airport reference point (airportsdata)", nullable=False),
    ),
)

INFOS = {
    "airports": LayerInfo(
        name="airports",
        title="Airports and airstrips of Mali",
        description="Mali's 30 ICAO airports and airstrips from the airportsdata package, joined "
        "to their 2020-2024 role (Sky Mali stops, UNHAS destinations, MINUSMA use) where the "
        "sources document one.",
        licence="MIT (airportsdata; data compiled from OurAirports, public domain, and others); "
        "roles compiled by the project (CC BY 4.0)",
        attribution="airportsdata (mborsetti), OurAirports; roles: sources named per row",
        sources=(
            "PyPI airportsdata (ICAO table, country ML)",
            "layers/data/airport_roles.csv (from shared/reference/airports.csv)",
        ),
        geometry_kind="real",
        schema=SCHEMA,
        caveats=(
            (
                "Roles are documented for 13 airports; the others have none in the sources, "
                "not 'no role'."
            ),
        ),
    )
}


@functools.lru_cache(maxsize=1)
def _mali_rows() -> tuple[dict, ...]:
    """Mali's rows of the airportsdata world table, parsed once per process (~28,000 rows)."""
    return tuple(v for v in airportsdata.load("ICAO").values() if v["country"] == "ML")


def airports() -> gpd.GeoDataFrame:
    """Mali's airports (schema :data:`SCHEMA`), one row per ICAO code (a new frame each call)."""
    frame = pd.DataFrame([dict(r) for r in _mali_rows()])[
        ["icao", "iata", "name", "city", "subd", "elevation", "lat", "lon"]
    ]
    frame = frame.rename(columns={"elevation": "elevation_ft"}).replace({"": None})
    frame["elevation_ft"] = frame["elevation_ft"].astype("float64")
    frame["elevation_m"] = (frame["elevation_ft"] * FEET_TO_M).round(1)
    roles = read_facts("airport_roles.csv").rename(
        columns={"notes": "role_notes", "source_url": "role_source"}
    )[["icao", "town_id", "role_2020_2024", "runway_or_detail", "role_notes", "role_source"]]
    unknown = sorted(set(roles["icao"]) - set(frame["icao"]))
    if unknown:
        raise SchemaError(f"airport_roles.csv names ICAO codes not in airportsdata: {unknown}")
    frame = frame.merge(roles, on="icao", how="left")
    for col in ("icao", "iata", "name", "city", "subd"):
        frame[col] = frame[col].astype("str").where(frame[col].notna())
    frame["source"] = f"airportsdata {version('airportsdata')} (PyPI, MIT)"
    frame["geometry_kind"] = "real"
    return finish(point_frame(frame), SCHEMA, name="airports")
