"""The 13 MINUSMA sites of the 2023 withdrawal (12 camps and the Ogossagou temporary base)."""

from __future__ import annotations

import datetime as dt
import logging

import geopandas as gpd
import pandas as pd

from minusma.layers._common import finish, parse_date, point_frame
from minusma.layers._files import read_facts
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = ["SCHEMA", "bases"]


SCHEMA = get_info("bases").schema
#: Site kinds, as the registry declares them.
KINDS = SCHEMA.column("kind").choices


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
