"""Air links 2013-2025: Sky Mali scheduled routes, UNHAS humanitarian and MINUSMA flights."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
from shapely import LineString

from minusma.geo._errors import SchemaError
from minusma.geo.distance import GEOD, geometry_length_km
from minusma.layers._common import finish
from minusma.layers._files import read_facts
from minusma.layers.airports import airports as load_airports
from minusma.layers.registry import get_info

__all__ = ["COMMERCIAL_OPERATORS", "MISSION_OPERATORS", "SCHEMA", "STATUSES", "air_links"]

#: Operators in ``air_links.csv`` that are not the UN's: a place whose airstrips only UN services
#: (MINUSMA, UNHAS) served depended on them (``air_depended_on_un``).
COMMERCIAL_OPERATORS = ("Sky Mali",)

#: Operators in ``air_links.csv`` whose flights were the mission's own: their links end as its
#: sites close (the model's ``mission_operators``).
MISSION_OPERATORS = ("MINUSMA",)


#: Spacing of vertices along the drawn great-circle route, in km.
SEGMENT_KM = 25.0

SCHEMA = get_info("air_links").schema
#: Link statuses, as the registry declares them.
STATUSES = SCHEMA.column("status").choices


def _great_circle(points: list[tuple[float, float]]) -> LineString:
    coords: list[tuple[float, float]] = [points[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        _, _, dist_m = GEOD.inv(x0, y0, x1, y1)
        n = max(int(np.ceil(dist_m / 1000.0 / SEGMENT_KM)) - 1, 0)
        coords += [tuple(p) for p in GEOD.npts(x0, y0, x1, y1, n)] + [(x1, y1)]
    return LineString(coords)


def air_links() -> gpd.GeoDataFrame:
    """Air links (schema :data:`SCHEMA`); geometry: great circles origin -> stops -> destination."""
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
