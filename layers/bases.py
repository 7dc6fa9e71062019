"""The 13 MINUSMA sites of the 2023 withdrawal (12 camps and the Ogossagou temporary base)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from minusma.geo.i18n import DEFAULT_LANG, of_name, text
from minusma.layers._common import finish, parse_date, point_frame
from minusma.layers._files import read_facts
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = ["SCHEMA", "bases", "site_label", "site_town"]


SCHEMA = get_info("bases").schema
#: Site kinds, as the registry declares them.
KINDS = SCHEMA.column("kind").choices


def site_town(town: object) -> str:
    """A site's town without the parenthesised detail of the sources.

    Parameters
    ----------
    town
        The ``town`` of a site's row of :func:`bases`, e.g. ``"Sévaré (Mopti commune)"``.

    Returns
    -------
    str
        The town's name, e.g. ``"Sévaré"``.
    """
    return str(town).split(" (")[0]


def site_label(row: Mapping[str, Any], lang: str = DEFAULT_LANG) -> str:
    """A site as a person names it in ``lang``.

    The sourced name in English (``Ber camp``); in French its kind and town (``camp de Ber``,
    ``base opérationnelle temporaire d'Ogossagou``).

    Parameters
    ----------
    row
        The site's row of :func:`bases` (``name``, ``kind`` and ``town`` are read).
    lang
        The language (:mod:`minusma.geo.i18n`).

    Returns
    -------
    str
        The name (not escaped).
    """
    if lang == "en":
        return str(row["name"])
    kind = text(f"site.{row['kind']}", lang)
    return text("site_short", lang, kind=kind, of_town=of_name(site_town(row["town"]), lang))


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
