"""Per admin unit: the answers an analyst reports upward, before vs after the withdrawal.

:func:`summary` counts, per region (pre-2016 or 2023) or cercle, the places by exposure class, the
census population of the places classed high or severe (with the number of such places that have
no census figure: missing, never zero), the places that lost MINUSMA coverage and when, and the
places with a single road route to Bamako, for ``params.before`` and ``params.as_of`` side by side.
With a data directory it adds WorldPop figures (people of the unit, and within ``radius_km`` of an
open site before and after). :func:`summary_polygons` gives the unit polygons carrying the figures.
"""

from __future__ import annotations

import logging
import os

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.mission import mission_params

logger = logging.getLogger(__name__)

#: The unit of places the assessment does not place in one (no region/cercle on the row).
NO_UNIT = "(unknown)"

__all__ = [
    "BY",
    "CENSUS_SOURCE",
    "CLASSES",
    "NO_UNIT",
    "WORLDPOP_SOURCE",
    "summary",
    "summary_layer",
    "summary_polygons",
]

#: Units a summary can be made by -> the column of the assessment naming a place's unit.
BY = {"region_2023": "region_2023", "region": "region_old", "cercle": "cercle"}

#: Exposure classes counted, in order (``unknown``: an indicator is missing).
CLASSES = ("low", "moderate", "high", "severe", "unknown")

#: Where the ``census_*`` figures come from.
CENSUS_SOURCE = (
    "census population of each place where known (mostly RGPH 2009, commune level; "
    "towns.population_source); places without a figure are counted, not added as zero"
)
#: Where the ``worldpop_*`` figures come from.
WORLDPOP_SOURCE = (
    "WorldPop density raster of the data directory (layers.population; cells of about 18 km, "
    "rough for small units); people within radius_km of an open MINUSMA site"
)

_EXPOSED = ("high", "severe")


def _census(frame: pd.DataFrame) -> tuple[float | None, int]:
    pop = pd.to_numeric(frame["population"], errors="coerce")
    missing = int(pop.isna().sum())
    known = pop.dropna()
    if len(known) == 0 and missing:
        return None, missing
    return float(known.sum()), missing


def _side(frame: pd.DataFrame, unit: str, label: str) -> pd.DataFrame:
    rows = {}
    for name, part in frame.groupby(unit, sort=True):
        row: dict[str, float | None] = {
            f"places_{c}_{label}": int((part["exposure_class"] == c).sum()) for c in CLASSES
        }
        exposed = part[part["exposure_class"].isin(_EXPOSED)]
        people, missing = _census(exposed)
        row[f"census_people_high_severe_{label}"] = people
        row[f"places_high_severe_no_census_{label}"] = missing
        row[f"single_road_places_{label}"] = int(
            (pd.to_numeric(part["bamako_routes"], errors="coerce") == 1).sum()
        )
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out[f"census_people_high_severe_{label}"] = out[f"census_people_high_severe_{label}"].astype(
        "Float64"
    )
    return out


def _coverage_lost(after: pd.DataFrame, unit: str) -> pd.DataFrame:
    rows = {}
    for name, part in after.groupby(unit, sort=True):
        lost = part[part["coverage_lost"] == True]  # noqa: E712 (nullable booleans)
        dates = lost["coverage_lost_on"].dropna().astype(str)
        counts = dates.value_counts().sort_index()
        rows[name] = {
            "places_lost_coverage": len(lost),
            "coverage_lost_first": dates.min() if len(dates) else None,
            "coverage_lost_last": dates.max() if len(dates) else None,
            "coverage_lost_on": "; ".join(f"{d}: {n}" for d, n in counts.items()) or None,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def summary_polygons(by: str, data_dir: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The polygons of the units of ``by``, indexed by the unit's name as the towns carry it.

    Pre-2016 regions are shipped (:func:`layers.regions`); 2023 regions and cercles come from
    the OCHA data of ``data_dir`` (:mod:`layers.admin`).

    Parameters
    ----------
    by
        The unit: one of :data:`BY`.
    data_dir
        The data directory holding the OCHA COD boundaries (for ``region_2023`` and ``cercle``).

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per unit, with ``pcode``.

    Raises
    ------
    ParameterError
        ``by`` needs a data directory and none is given.
    """
    from minusma import layers
    from minusma.layers import admin

    _check_by(by)
    if by == "region":
        gdf = layers.regions()[["name", "ocha_pcode", "geometry"]]
        return gdf.rename(columns={"ocha_pcode": "pcode"}).set_index("name")
    if data_dir is None:
        raise ParameterError(
            f"polygons by {by} come from the OCHA data: give a data directory (--data DIR); "
            "the pre-2016 regions (--by region) are shipped"
        )
    if by == "region_2023":
        gdf = admin.regions_2023(data_dir, names=None)
        gdf = gdf.assign(pcode=None)[["region_2023", "pcode", "geometry"]]
        return gdf.set_index("region_2023")
    gdf = admin.cercles(data_dir)[["cercle_name", "cercle_pcode", "geometry"]]
    return gdf.rename(columns={"cercle_pcode": "pcode"}).set_index("cercle_name")


def _check_by(by: str) -> None:
    if by not in BY:
        raise UnknownNameError(f"unknown unit {by!r}; choose from {list(BY)}")


def _worldpop(
    by: str, params: ExposureParams, after_date, data_dir: str | os.PathLike
) -> pd.DataFrame:
    from minusma import layers
    from minusma.layers.site_population import people_near_sites_by_region

    polygons = summary_polygons(by, data_dir).reset_index()
    name = polygons.columns[0]
    people = people_near_sites_by_region(
        layers.bases(),
        polygons,
        name_column=name,
        as_of=after_date,
        radius_km=params.radius_km,
        data_dir=data_dir,
        before=params.before_date,
    )
    return people.rename(
        columns={
            "population": "worldpop_people",
            "people_within_km_before": "worldpop_near_open_site_before",
            "people_within_km_after": "worldpop_near_open_site_after",
            "people_lost": "worldpop_lost_site_reach",
        }
    ).drop(columns=["share_lost"])


def summary(
    before: pd.DataFrame,
    after: pd.DataFrame,
    params: ExposureParams | None = None,
    *,
    by: str = "region_2023",
    data_dir: str | os.PathLike | None = None,
    worldpop: bool | None = None,
) -> pd.DataFrame:
    """Per admin unit, before (``params.before``) vs after (``params.as_of``), side by side.

    :meth:`minusma.Study.summary` computes the two assessments on the Study's model and calls
    this.

    Parameters
    ----------
    before
        The assessment before the withdrawal (``as_of=params.before``).
    after
        The assessment after it (``params``), of the same places.
    params
        The parameters of ``after``.
    by
        ``"region_2023"``, ``"region"`` (pre-2016) or ``"cercle"`` (see :data:`BY`).
    data_dir
        The open-data directory; enables the WorldPop figures (unless ``worldpop=False``).
    worldpop
        Add the WorldPop columns (default: when ``data_dir`` is given).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit name (places without a unit are grouped under :data:`NO_UNIT`):
        ``places``, ``places_<class>_before``/``_after`` for each of :data:`CLASSES`,
        ``census_people_high_severe_before``/``_after`` (null when no such place has a figure),
        ``places_high_severe_no_census_before``/``_after``, ``single_road_places_before``/
        ``_after`` (``bamako_routes == 1``), ``places_lost_coverage``, ``coverage_lost_first``,
        ``coverage_lost_last``, ``coverage_lost_on`` (``date: n; ...``), ``census_source``
        and, with WorldPop, ``worldpop_people``, ``worldpop_near_open_site_before``/``_after``,
        ``worldpop_lost_site_reach`` and ``worldpop_source``. ``attrs["parameters"]`` holds
        the parameters, ``attrs["as_of"]`` and ``attrs["before"]`` the two dates.
    """
    _check_by(by)
    p = mission_params(params)
    unit = BY[by]
    after, before = after.copy(), before.copy()
    after_date = str(after["as_of"].iloc[0])
    for frame in (after, before):
        frame[unit] = frame[unit].fillna(NO_UNIT)
    out = pd.DataFrame(after.groupby(unit, sort=True).size().rename("places"))
    sides = [_side(before, unit, "before"), _side(after, unit, "after")]
    # interleave before/after of each figure so they read side by side
    names = [c[: -len("_before")] for c in sides[0].columns]
    both = pd.concat(sides, axis=1)
    out = out.join(both[[f"{n}_{s}" for n in names for s in ("before", "after")]])
    out = out.join(_coverage_lost(after, unit))
    out["census_source"] = CENSUS_SOURCE
    if worldpop if worldpop is not None else data_dir is not None:
        if data_dir is None:
            raise ParameterError("WorldPop figures need a data directory (--data DIR)")
        out = out.join(_worldpop(by, p, after_date, data_dir), how="left")
        out["worldpop_source"] = WORLDPOP_SOURCE
    out.index.name = by
    out.attrs["parameters"] = dict(after.attrs.get("parameters") or p.to_dict())
    out.attrs["as_of"] = after_date
    out.attrs["before"] = p.before_date.isoformat()
    return out


def summary_layer(table: pd.DataFrame, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``table`` (from :func:`summary`) joined to ``polygons`` (from :func:`summary_polygons`).

    One feature per unit that has a polygon, with ``unit`` and ``pcode`` first. Units of the
    table without a polygon are logged and left out; units without places get zero counts.

    Parameters
    ----------
    table
        The summary table, indexed by unit name.
    polygons
        The units' polygons, indexed by unit name.

    Returns
    -------
    geopandas.GeoDataFrame
        The summary as a polygon layer, in the polygons' CRS.
    """
    by = table.index.name
    missing = sorted(set(table.index) - set(polygons.index) - {NO_UNIT})
    if missing:
        logger.warning("summary: no %s polygon for %s; left out of the layer", by, missing)
    frame = polygons.join(table, how="left")
    counts = [c for c in table.columns if c.startswith(("places", "single_road"))]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame = frame.reset_index(names="unit")
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=polygons.crs)
