"""Units of analysis for the forecasts, with their neighbours and static features.

OCHA COD cercles, communes, 2015 regions and 2023 regions (polygons, queen contiguity by
libpysal), PRIO-GRID cells over a boundary or a bounding box (queen neighbours), the shipped towns
(a distance band) and the 18,769 COD settlements (k-nearest on the sphere); per unit the distance
to the capital and to the border, WorldPop people (:func:`unit_population`), the access indicators
of the towns (:func:`access_features`) and the hand-set composite (:func:`composite_features`);
and peacekeeping sites as periods (:func:`load_sites`). Used by :mod:`minusma.forecasting`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from minusma.geo._errors import UnknownNameError
from minusma.geo.crs import WGS84
from minusma.geo.distance import EARTH_RADIUS_KM, nearest_km, pairwise_km
from minusma.geo.forecast.features import Sites
from minusma.geo.panel import month_index
from minusma.geo.prio_grid import cells, queen_neighbours
from minusma.unit_kinds import UNITS

logger = logging.getLogger(__name__)

__all__ = [
    "ACCESS",
    "SETTLEMENT_NEIGHBOURS_K",
    "TOWN_MATCH_KM",
    "TOWN_NEIGHBOUR_KM",
    "Units",
    "access_features",
    "composite_features",
    "load_sites",
    "load_units",
    "unit_population",
]

#: Point units (towns, settlements): an event counts for the nearest place within this many km
#: plus its own location uncertainty (the match radius of ``minusma validate``); farther events
#: are left out and counted in the panel's report (``dropped_outside_units``).
TOWN_MATCH_KM = 10.0
#: Towns within this many km of each other are neighbours (spatial lag; distance band).
TOWN_NEIGHBOUR_KM = 50.0
#: Settlements: each one's neighbours are its this-many nearest settlements by great-circle
#: distance (k-nearest, libpysal ``KNN``; a distance band would give the 18,769 places of
#: Mali's COD anything from none to hundreds of neighbours).
SETTLEMENT_NEIGHBOURS_K = 8
#: Access indicators of the exposure model (per town, on the network as modelled: static over
#: time) and how they aggregate to a unit holding several towns. A unit holding none takes the
#: median over units; an indicator no unit has is left out.
ACCESS = {
    "bamako_travel_h": "median",
    "bamako_routes": "min",
    "airport_km": "median",
    "on_road_network": "mean",
    "riverside": "mean",
}


@dataclass
class Units:
    """Units of analysis: ids, names, a point each, contiguity and static features."""

    level: str
    frame: gpd.GeoDataFrame  # unit_id, unit_name, geometry
    lon: np.ndarray
    lat: np.ndarray
    neighbours: sp.csr_matrix
    static: pd.DataFrame


def _contiguity(frame: gpd.GeoDataFrame) -> sp.csr_matrix:
    from libpysal.weights import Queen

    w = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
    return sp.csr_matrix(w.sparse, dtype=np.int8)


def _polygons(level: str, data_dir) -> gpd.GeoDataFrame:
    from minusma.layers import admin
    from minusma.layers.datasets import read_dataset

    if level == "cercle":
        gdf = admin.cercles(data_dir)
        return gdf.assign(unit_id=gdf["cercle_pcode"], unit_name=gdf["cercle_name"])
    if level == "commune":
        gdf = admin.communes(data_dir)
        return gdf.assign(unit_id=gdf["commune_pcode"], unit_name=gdf["commune_name"])
    if level == "region":
        gdf = read_dataset("cod_adm1", data_dir)
        return gdf.assign(unit_id=gdf["admin1Pcod"], unit_name=gdf["admin1Name"])
    gdf = admin.regions_2023(data_dir, names=None)
    return gdf.assign(unit_id=gdf["region_2023"], unit_name=gdf["region_2023"])


def load_units(
    level: str,
    *,
    data_dir: str | os.PathLike | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    capital: tuple[float, float] | None = None,
    population: bool | str | os.PathLike = False,
) -> Units:
    """Units of analysis with contiguity and structure.

    Parameters
    ----------
    level
        One of :data:`UNITS`.
    data_dir
        Data directory (OCHA COD units and settlements; Mali's boundary for the grid and the
        border distance).
    bbox
        For ``grid``: cells over this ``(lon_min, lat_min, lon_max, lat_max)`` instead of Mali's
        boundary (any country).
    capital
        ``(lon, lat)`` of the capital; default Bamako from the shipped towns table (Mali units).
    population
        Add the static feature ``population`` (:func:`unit_population`): True for the data
        directory's WorldPop raster, or a density GeoTIFF path; False for none.

    Returns
    -------
    Units
        The units, their neighbours (contiguity for polygons, queen for cells, a distance band
        for towns, k-nearest for settlements) and static features (``km_to_capital``,
        ``km_to_border``, ``population``).

    Raises
    ------
    UnknownNameError
        An unknown unit.
    """
    if level not in UNITS:
        raise UnknownNameError(f"unknown unit {level!r}; choose from {', '.join(UNITS)}")
    border = None
    if level == "grid":
        if bbox is None:
            from minusma.layers.datasets import read_dataset

            border = read_dataset("cod_adm0", data_dir)
            frame = cells(boundary=border)
        else:
            frame = cells(bbox=bbox)
        frame = frame.assign(
            unit_id=frame["gid"],
            unit_name=[
                f"cell {g} ({y:.2f}, {x:.2f})"
                for g, x, y in zip(frame["gid"], frame["lon"], frame["lat"])
            ],
        )
        lon, lat = frame["lon"].to_numpy(), frame["lat"].to_numpy()
        neighbours = queen_neighbours(frame["gid"].to_numpy())
    elif level == "towns":
        from minusma.layers.datasets import read_dataset
        from minusma.layers.towns import towns

        t = towns()
        located = t.geometry.notna() & ~t.geometry.is_empty
        if (~located).any():
            logger.info(
                "towns: %d of %d without a sourced point left out", (~located).sum(), len(t)
            )
        frame = t[located].reset_index(drop=True)
        frame = frame.assign(unit_id=frame["town_id"], unit_name=frame["name"])
        lon, lat = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
        km = pairwise_km(lon, lat, lon, lat)
        neighbours = sp.csr_matrix(((km <= TOWN_NEIGHBOUR_KM) & (km > 0)).astype(np.int8))
        border = read_dataset("cod_adm0", data_dir) if data_dir is not None else None
    elif level == "settlements":
        from libpysal.weights import KNN

        from minusma.layers.datasets import read_dataset
        from minusma.layers.settlements import settlements

        frame = settlements(data_dir)
        frame = frame.assign(unit_id=frame["settlement_id"], unit_name=frame["name"])
        lon, lat = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
        knn = KNN.from_array(
            np.column_stack([lon, lat]), k=SETTLEMENT_NEIGHBOURS_K, radius=EARTH_RADIUS_KM
        )
        neighbours = sp.csr_matrix(knn.sparse, dtype=np.int8)
        border = read_dataset("cod_adm0", data_dir)
    else:
        frame = _polygons(level, data_dir).reset_index(drop=True)
        points = frame.geometry.representative_point()
        lon, lat = points.x.to_numpy(), points.y.to_numpy()
        neighbours = _contiguity(frame)
        from minusma.layers.datasets import read_dataset

        border = read_dataset("cod_adm0", data_dir)
    static = {}
    if capital is None and bbox is None:
        from minusma.layers.towns import towns

        t = towns()
        bamako = t[t["town_id"] == "ml-bamako"].iloc[0]
        capital = (bamako.geometry.x, bamako.geometry.y)
    if capital is not None:
        static["km_to_capital"] = pairwise_km(lon, lat, [capital[0]], [capital[1]])[:, 0]
    if border is not None:
        line = border.to_crs(WGS84).geometry.boundary.explode(index_parts=False)
        coords = np.vstack([np.asarray(g.coords) for g in line.geometry])
        _, km = nearest_km(lon, lat, coords[:, 0], coords[:, 1])
        static["km_to_border"] = km
    out = gpd.GeoDataFrame(
        frame[["unit_id", "unit_name"]].copy(), geometry=frame.geometry.values, crs=WGS84
    )
    if population is not False:
        raster = None if population is True else population
        static["population"] = unit_population(out, raster=raster, data_dir=data_dir)
    return Units(level, out, lon, lat, sp.csr_matrix(neighbours), pd.DataFrame(static))


def _people_at_points(lon: np.ndarray, lat: np.ndarray, density) -> np.ndarray:
    """People of the raster cell holding each point (density x geodesic cell area); NaN off it."""
    from rasterio.transform import rowcol

    from minusma.layers.population import cell_area_km2

    people = np.ma.filled(density.values.astype("float64"), np.nan) * cell_area_km2(density)
    rows, cols = rowcol(density.transform, lon, lat)
    rows, cols = np.asarray(rows), np.asarray(cols)
    inside = (rows >= 0) & (rows < people.shape[0]) & (cols >= 0) & (cols < people.shape[1])
    out = np.full(len(lon), np.nan)
    out[inside] = people[rows[inside], cols[inside]]
    return out


def unit_population(
    units: gpd.GeoDataFrame,
    *,
    raster: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
) -> np.ndarray:
    """People per unit from a WorldPop density raster (static: one year's raster, all months).

    Polygons (admin units, PRIO-GRID cells): the zonal sum, each raster cell counted by the share
    of it the polygon covers (:func:`minusma.layers.population.population_in_polygons`). Points
    (towns, settlements): the people of the raster cell holding the place (density times the
    cell's geodesic area). With the data directory's coarse raster (~18 km cells) neighbouring
    places share a cell, so this ranks areas, not villages; pass a finer WorldPop raster for
    more. The feature enters the models log-scaled (the GLM's ``log1p``, like every count; trees
    are unaffected by the scale).

    Parameters
    ----------
    units
        The units' frame (EPSG:4326).
    raster
        A density GeoTIFF (persons/km², EPSG:4326); default the data directory's WorldPop raster.
    data_dir
        The data directory when ``raster`` is None.

    Returns
    -------
    numpy.ndarray
        People per unit, in row order (NaN for a point off the raster).
    """
    from minusma.layers.population import population_in_polygons, read_density

    density = read_density(raster, data_dir)
    if (units.geometry.geom_type == "Point").all():
        return _people_at_points(units.geometry.x.to_numpy(), units.geometry.y.to_numpy(), density)
    return population_in_polygons(units, raster=density).to_numpy(dtype=np.float64)


def load_sites(
    source: str | os.PathLike = "geopko",
    *,
    mission: str | None = "MINUSMA",
    data_dir: str | os.PathLike | None = None,
) -> tuple[Sites, pd.DataFrame]:
    """Peacekeeping site periods as month numbers, and the table they came from.

    Parameters
    ----------
    source
        ``geopko`` (the data directory's Geo-PKO files), ``shipped`` (the MINUSMA withdrawal
        table) or a CSV path (see :func:`minusma.layers.sites.read_sites`).
    mission
        Geo-PKO mission (``MINUSMA``, ``MINUSCA``, ...).
    data_dir
        The data directory (Geo-PKO).

    Returns
    -------
    sites : Sites
        The periods as month numbers.
    table : pandas.DataFrame
        The site table (:func:`minusma.layers.sites.sites`).
    """
    from minusma.layers.sites import sites

    table = sites(source, mission=mission, data_dir=data_dir)

    def months(values) -> list:
        return [None if v is None or pd.isna(v) else int(month_index(v)[0]) for v in values]

    return (
        Sites.from_arrays(
            table["lon"],
            table["lat"],
            months(table["opened"]),
            months(table["closed"]),
            table["name"],
        ),
        pd.DataFrame(table.drop(columns="geometry")),
    )


def access_features(assessed: gpd.GeoDataFrame, units: Units) -> pd.DataFrame:
    """Per-unit access indicators (:data:`ACCESS`) from an assessment of the towns.

    Parameters
    ----------
    assessed
        The towns' assessment (:meth:`minusma.Study.assess`).
    units
        The units.

    Returns
    -------
    pandas.DataFrame
        One column per indicator, rows in the units' order (a unit holding no town takes the
        median over units).
    """
    from minusma.geo.panel import assign_units

    towns = assessed[assessed.geometry.notna() & ~assessed.geometry.is_empty]
    if units.level == "towns":
        ids = towns["town_id"].to_numpy(dtype=object)
    else:
        ids = assign_units(towns, units.frame, "unit_id")
    values = pd.DataFrame(
        {c: pd.to_numeric(towns[c].astype("float64"), errors="coerce") for c in ACCESS},
        index=towns.index,
    ).assign(unit_id=ids)
    table = values.dropna(subset=["unit_id"]).groupby("unit_id").agg(ACCESS)
    out = table.reindex(pd.Index(units.frame["unit_id"], name="unit_id"))
    out = out.fillna(out.median()).dropna(axis=1, how="any")
    return out.reset_index(drop=True)


def composite_features(
    assessed: gpd.GeoDataFrame,
    units: Units,
    *,
    weighted: bool | str | os.PathLike = False,
    data_dir: str | os.PathLike | None = None,
) -> pd.Series:
    """The hand-set composite exposure score per unit: the input of the ``inform`` model.

    The score is the package's ``exposure_score`` per town (:meth:`minusma.Study.assess`).
    Polygon units take the mean score of the towns they hold, weighted by each town's people
    (the WorldPop cell holding it) when ``weighted``, plain otherwise; a unit holding no scored
    town takes the score of the scored town nearest its point. Point units (towns, settlements)
    take the score of the nearest scored town (a place that is one: its own). Static: the score
    of the network as modelled, repeated over months (an assumption, stated).

    Parameters
    ----------
    assessed
        The towns' assessment (``exposure_score`` and a point each).
    units
        The units.
    weighted
        Weight towns by WorldPop people: True for the data directory's raster, or a GeoTIFF
        path; False for equal weights.
    data_dir
        The data directory when ``weighted`` is True.

    Returns
    -------
    pandas.Series
        ``composite`` per unit, in the units' order.
    """
    from minusma.geo.panel import assign_units
    from minusma.layers.population import read_density

    towns = assessed[
        assessed.geometry.notna()
        & ~assessed.geometry.is_empty
        & pd.to_numeric(assessed["exposure_score"], errors="coerce").notna()
    ]
    score = towns["exposure_score"].astype("float64").to_numpy()
    tlon, tlat = towns.geometry.x.to_numpy(), towns.geometry.y.to_numpy()
    nearest, _ = nearest_km(units.lon, units.lat, tlon, tlat)
    out = score[nearest]
    if not (units.frame.geometry.geom_type == "Point").all():
        weight = np.ones(len(towns))
        if weighted is not False:
            density = read_density(None if weighted is True else weighted, data_dir)
            weight = np.nan_to_num(_people_at_points(tlon, tlat, density))
        ids = assign_units(towns, units.frame, "unit_id")
        table = pd.DataFrame({"unit_id": ids, "s": score * weight, "w": weight}).dropna()
        sums = table.groupby("unit_id")[["s", "w"]].sum()
        mean = (sums["s"] / sums["w"].where(sums["w"] > 0)).reindex(units.frame["unit_id"])
        out = np.where(mean.notna().to_numpy(), mean.to_numpy(), out)
    return pd.Series(out, name="composite")
