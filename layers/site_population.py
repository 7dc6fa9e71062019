"""People within reach of the open MINUSMA sites, before the withdrawal and after each closure.

Counts come from the WorldPop density raster of the data directory (:mod:`layers.population`:
geodesic cell areas, geodesic circles, exact cell fractions). That raster is coarse (cells of about
18 km): the figures are for national and regional comparison, not for a single town. The 13 sites
are town points, not camp perimeters. The Bamako mission HQ sits in a city of about 3 million, so
it dominates every figure while it is open (until 2023-12-11); each figure is also given without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

import geopandas as gpd
import pandas as pd
import shapely

from minusma.geo.crs import WGS84
from minusma.geo.exposure import coverage, params
from minusma.geo.exposure.params import ExposureParams
from minusma.geo.progress import progress
from minusma.layers.datasets import Raster
from minusma.layers.mission import BEFORE_DATE, mission_params
from minusma.layers.population import geodesic_buffers, population_in_polygons, read_density

logger = logging.getLogger(__name__)

__all__ = [
    "HQ_BASE_ID",
    "closure_steps",
    "people_near_open_sites",
    "people_near_sites",
    "people_near_sites_by_region",
    "population_report",
]

#: The Bamako mission headquarters in the bases layer.
HQ_BASE_ID = "MINUSMA-12"


def closure_steps(bases: pd.DataFrame, *, before: str | dt.date = BEFORE_DATE) -> pd.DataFrame:
    """The states of the withdrawal: ``before``, then each closure date.

    A site closed on day D is not open on D.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`), with ``closure_date`` and ``town``.
    before
        The date before the withdrawal (step 0).

    Returns
    -------
    pandas.DataFrame
        ``step`` (0 = before), ``as_of`` (ISO date), ``closed`` (sites closing that day,
        ``;``-joined).
    """
    rows = [{"step": 0, "as_of": params.parse_iso_date(before).isoformat(), "closed": None}]
    for i, (date, group) in enumerate(bases.groupby("closure_date", sort=True), start=1):
        rows.append(
            {
                "step": i,
                "as_of": str(date),
                "closed": ";".join(group["town"].str.replace(r"\s*\(.*\)", "", regex=True)),
            }
        )
    return pd.DataFrame(rows)


def _zones(bases: gpd.GeoDataFrame, radius_km: float) -> gpd.GeoSeries:
    return geodesic_buffers(bases, radius_km)


def _people_at(
    bases: gpd.GeoDataFrame, zones: gpd.GeoSeries, density, when: dt.date
) -> dict[str, float]:
    is_open = coverage.open_mask(bases, when)
    hq = (bases["base_id"] == HQ_BASE_ID).to_numpy()
    figures: dict[str, float] = {"sites_open": int(is_open.sum())}
    for label, mask in (
        ("people_within_km", is_open),
        ("people_within_km_without_hq", is_open & ~hq),
    ):
        circles = zones[mask].dropna()
        union = gpd.GeoSeries([circles.union_all()], crs=WGS84) if len(circles) else None
        figures[label] = (
            0.0 if union is None else float(population_in_polygons(union, raster=density).iloc[0])
        )
    return figures


def people_near_open_sites(
    bases: gpd.GeoDataFrame,
    as_of: str | dt.date,
    *,
    radius_km: float = params.DEFAULT_RADIUS_KM,
    data_dir: str | os.PathLike | None = None,
    raster: Raster | str | os.PathLike | None = None,
) -> dict:
    """``sites_open``, ``people_within_km`` and ``people_within_km_without_hq`` on one date.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`), with ``closure_date``.
    as_of
        The date; a site closed on it is not open.
    radius_km
        Radius of a site's security umbrella (km).
    data_dir
        The data directory (default ``$MINUSMA_DATA``) when ``raster`` is None.
    raster
        The density raster (see :func:`layers.population.read_density`); None: the data
        directory's WorldPop raster.

    Returns
    -------
    dict
        ``sites_open`` (count), ``people_within_km`` (union of the circles, counted once) and
        ``people_within_km_without_hq`` (the Bamako HQ left out).
    """
    density = read_density(raster, data_dir)
    zones = _zones(bases, params.check_km(radius_km))
    return _people_at(bases, zones, density, params.parse_iso_date(as_of))


def people_near_sites(
    bases: gpd.GeoDataFrame,
    *,
    radius_km: float = params.DEFAULT_RADIUS_KM,
    data_dir: str | os.PathLike | None = None,
    raster: Raster | str | os.PathLike | None = None,
    before: str | dt.date = BEFORE_DATE,
) -> pd.DataFrame:
    """People within ``radius_km`` of a site open at each step of the withdrawal.

    The steps are those of :func:`closure_steps`.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`), with ``closure_date``.
    radius_km
        Radius of a site's security umbrella (km).
    data_dir
        The data directory (default ``$MINUSMA_DATA``) when ``raster`` is None.
    raster
        The density raster (see :func:`layers.population.read_density`); None: the data directory's
        WorldPop raster.
    before
        The date before the withdrawal (step 0).

    Returns
    -------
    pandas.DataFrame
        Per step: ``step``, ``as_of``, ``closed``, ``sites_open``, ``people_within_km`` (union of
        the circles, counted once), ``people_within_km_without_hq`` (the Bamako HQ left out),
        ``people_lost_since_before`` and ``radius_km``.
    """
    density = read_density(raster, data_dir)
    radius_km = params.check_km(radius_km)
    zones = _zones(bases, radius_km)
    rows = [
        {
            "step": step.step,
            "as_of": step.as_of,
            "closed": step.closed,
            **_people_at(bases, zones, density, params.parse_iso_date(step.as_of)),
        }
        for step in progress(
            list(closure_steps(bases, before=before).itertuples(index=False)),
            desc="people near open sites",
        )
    ]
    out = pd.DataFrame(rows)
    out["people_lost_since_before"] = out["people_within_km"].iloc[0] - out["people_within_km"]
    out["radius_km"] = radius_km
    return out


def people_near_sites_by_region(
    bases: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    *,
    name_column: str,
    as_of: str | dt.date,
    radius_km: float = params.DEFAULT_RADIUS_KM,
    data_dir: str | os.PathLike | None = None,
    raster: Raster | str | os.PathLike | None = None,
    before: str | dt.date = BEFORE_DATE,
) -> pd.DataFrame:
    """Per region: its people, and those within ``radius_km`` of an open site before and after.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`), with ``closure_date``.
    regions
        Region polygons (any CRS with one set).
    name_column
        Column of ``regions`` naming each region (the index of the result).
    as_of
        The date of the "after" figures.
    radius_km
        Radius of a site's security umbrella (km).
    data_dir
        The data directory (default ``$MINUSMA_DATA``) when ``raster`` is None.
    raster
        The density raster (see :func:`layers.population.read_density`); None: the data directory's
        WorldPop raster.
    before
        The date of the "before" figures.

    Returns
    -------
    pandas.DataFrame
        Indexed by region name: ``population``, ``people_within_km_before``,
        ``people_within_km_after``, ``people_lost`` and ``share_lost`` (of the region's
        population); the Bamako HQ included.
    """
    density = read_density(raster, data_dir)
    radius_km = params.check_km(radius_km)
    zones = _zones(bases, radius_km)
    regions = regions.to_crs(WGS84)
    out = pd.DataFrame(index=pd.Index(regions[name_column].to_numpy(), name=name_column))
    out["population"] = population_in_polygons(regions, raster=density).to_numpy()
    for label, when in (("before", before), ("after", as_of)):
        circles = zones[coverage.open_mask(bases, params.parse_iso_date(when))].dropna()
        if len(circles) == 0:
            out[f"people_within_km_{label}"] = 0.0
            continue
        union = circles.union_all()
        parts = gpd.GeoSeries(shapely.intersection(regions.geometry.values, union), crs=WGS84)
        out[f"people_within_km_{label}"] = (
            population_in_polygons(parts, raster=density).fillna(0.0).to_numpy()
        )
    out["people_lost"] = out["people_within_km_before"] - out["people_within_km_after"]
    out["share_lost"] = out["people_lost"] / out["population"]
    return out


def population_report(
    params: ExposureParams | None = None,
    *,
    data_dir: str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    surfaces: tuple[str, str] = ("distance_before.tif", "distance_after.tif"),
) -> dict:
    """Everything ``minusma population`` reports, from the data directory's WorldPop raster.

    People within ``params.radius_km`` of an open site before the withdrawal and after each
    closure, per 2023 central region and per pre-2016 region, and (with ``out_dir``) the
    distance-to-open-site GeoTIFFs before and at the date.

    Parameters
    ----------
    params
        The model's parameters (``radius_km``, ``as_of``); None: the defaults.
    data_dir
        The data directory (WorldPop raster, OCHA COD cercles).
    out_dir
        Where to write the two distance surfaces; None: none written.
    surfaces
        File names of the "before" and "after" surfaces in ``out_dir``.

    Returns
    -------
    dict
        ``radius_km``, ``as_of`` (the date of the "after" figures, ``params.as_of`` or the last
        closure), ``after`` (:func:`people_near_open_sites`), ``steps`` (:func:`people_near_sites`),
        ``central_regions_2023`` and ``regions_old`` (:func:`people_near_sites_by_region`
        frames), ``surfaces`` (paths written) and ``empty_surfaces`` (dates with no site open:
        their surface is all nodata).
    """
    from minusma import layers
    from minusma.layers import admin
    from minusma.layers.population import write_distance_surface

    p = mission_params(params)
    bases = layers.bases()
    after = p.as_of_for(bases["closure_date"])
    by_region = {
        key: people_near_sites_by_region(
            bases,
            polygons,
            name_column=column,
            as_of=after,
            radius_km=p.radius_km,
            data_dir=data_dir,
        )
        for key, polygons, column in (
            ("central_regions_2023", admin.regions_2023(data_dir), "region_2023"),
            ("regions_old", layers.regions(), "name"),
        )
    }
    written, empty = [], []
    if out_dir is not None:
        from minusma.geo.io import created_folder

        with created_folder(out_dir):  # a failed write leaves no new folder
            for name, when in zip(surfaces, (p.before_date, after), strict=True):
                sites = bases[coverage.open_mask(bases, when)]
                if len(sites) == 0:
                    empty.append(when.isoformat())
                path = write_distance_surface(sites, os.path.join(out_dir, name), data_dir=data_dir)
                written.append(str(path))
    return {
        "radius_km": p.radius_km,
        "as_of": after,
        "after": people_near_open_sites(bases, after, radius_km=p.radius_km, data_dir=data_dir),
        "steps": people_near_sites(bases, radius_km=p.radius_km, data_dir=data_dir),
        **by_region,
        "surfaces": written,
        "empty_surfaces": empty,
    }
