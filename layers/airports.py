"""Mali's airports and airstrips (airportsdata, MIT) with their 2020-2024 role."""

from __future__ import annotations

import functools
from importlib.metadata import version

import airportsdata
import geopandas as gpd
import pandas as pd
from airportsdata import Airport

from minusma.geo._errors import SchemaError
from minusma.layers._common import finish, point_frame
from minusma.layers._files import read_facts
from minusma.layers.registry import get_info

__all__ = ["FEET_TO_M", "SCHEMA", "airports"]

#: International foot, exactly.
FEET_TO_M = 0.3048

SCHEMA = get_info("airports").schema


@functools.lru_cache(maxsize=1)
def _mali_rows() -> tuple[Airport, ...]:
    """Mali's rows of the airportsdata world table, parsed once per process (~28,000 rows)."""
    return tuple(v for v in airportsdata.load("ICAO").values() if v["country"] == "ML")


def airports() -> gpd.GeoDataFrame:
    """Mali's airports (schema :data:`SCHEMA`), one row per ICAO code (a new frame each call).

    Returns
    -------
    geopandas.GeoDataFrame
        airportsdata's rows for Mali (elevation in ft and m) with their 2020-2024 role from
        ``layers/data/airport_roles.csv``.

    Raises
    ------
    SchemaError
        When the roles table names an ICAO code that airportsdata does not list for Mali.
    """
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
