"""Forecasts of events per unit from the user's own history, chosen by rolling-origin backtests.

The application wiring of :mod:`minusma.geo.forecast`: units of analysis from the data directory
(OCHA COD cercles, communes, 2015 regions, 2023 regions) or PRIO-GRID cells over a boundary or a
bounding box; peacekeeping sites from Geo-PKO (any mission) or the shipped MINUSMA table;
structure (distance to the capital and to the border). :func:`prepare` builds the panel and the
feature cube once; :func:`backtest` scores models at rolling origins; :func:`forecast` ranks units
for the months after ``as_of`` with the model asked for, or with ``auto`` the count model with the
best pooled backtest Spearman on this history (and says so).
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import poisson

from minusma.geo._errors import DataDirError, ParameterError, UnknownNameError
from minusma.geo.crs import WGS84
from minusma.geo.distance import nearest_km, pairwise_km
from minusma.geo.forecast import backtest as bt
from minusma.geo.forecast.explain import contributions
from minusma.geo.forecast.features import FeatureCube, Sites, build_features
from minusma.geo.forecast.models import BASELINES, LEARNED, MIN_EXPECTED, make_models
from minusma.geo.forecast.shape import ProtectionShape, read_protection_shape
from minusma.geo.panel import Panel, month_index, month_label
from minusma.geo.prio_grid import cells, queen_neighbours
from minusma.layers.history import History, read_history, to_panel
from minusma.layers.registry import LayerInfo

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MODELS",
    "FORECAST_LAYER",
    "HORIZON_MONTHS",
    "INTERVAL",
    "UNITS",
    "Prepared",
    "Units",
    "backtest",
    "backtest_chart",
    "composite_features",
    "forecast",
    "forecast_layer_info",
    "load_sites",
    "load_units",
    "prepare",
    "prepare_history",
    "unit_population",
]

#: Units of analysis.
UNITS = ("cercle", "commune", "region", "region_2023", "grid", "towns", "settlements")
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
#: Default forecast horizon, months.
HORIZON_MONTHS = 12
#: Models backtested by default (those whose features exist).
DEFAULT_MODELS = (*BASELINES, *LEARNED)
#: Central probability of ``predicted_low .. predicted_high`` (Poisson quantiles of the forecast).
INTERVAL = 0.8
#: Origins of the backtest ``auto`` runs: every 12 months over the last this-many years of span.
AUTO_YEARS = 5
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
#: Sphere radius of the great-circle neighbour search (km; IUGG mean Earth radius).
EARTH_RADIUS_KM = 6371.0088
#: Folder of the data directory holding the WorldPop raster (population feature by default).
WORLDPOP_FOLDER = "worldpop"
#: Contributions named in ``why``.
WHY_TERMS = 3

_NOUN = {
    "en": {
        "cercle": "cercles",
        "commune": "communes",
        "region": "regions",
        "region_2023": "regions",
        "grid": "cells",
        "towns": "towns",
        "settlements": "settlements",
    },
    "fr": {
        "cercle": "cercles",
        "commune": "communes",
        "region": "régions",
        "region_2023": "régions",
        "grid": "cellules",
        "towns": "villes",
        "settlements": "localités",
    },
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


@dataclass
class Prepared:
    """A history over units, with its feature cube: the input of backtests and forecasts."""

    history: History
    units: Units
    panel: Panel
    cube: FeatureCube


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


def prepare(
    history: History | str | os.PathLike | None,
    level: str,
    *,
    horizon_months: int = HORIZON_MONTHS,
    data_dir: str | os.PathLike | None = None,
    units: Units | None = None,
    sites: Sites | None = None,
    shape: ProtectionShape | None = None,
) -> Prepared:
    """Read the history, count it over the units and build the feature cube.

    Parameters
    ----------
    history
        A history file, None for the shipped table, or a :class:`History`.
    level
        One of :data:`UNITS` (ignored when ``units`` is given).
    horizon_months
        Months forecast.
    data_dir
        The data directory.
    units
        The units (default: :func:`load_units` of ``level``).
    sites
        Site periods for the protection features (None: none).
    shape
        An effect estimate for the shaped protection features (needs ``sites``).

    Returns
    -------
    Prepared
        The history, units, panel and feature cube.
    """
    if not isinstance(history, History):
        history = read_history(history, data_dir=data_dir)
    units = units if units is not None else load_units(level, data_dir=data_dir)
    panel = to_panel(history, units.frame, "unit_id", level=units.level)
    cube = build_features(
        panel,
        horizon_months=horizon_months,
        neighbours=units.neighbours,
        unit_lon=units.lon,
        unit_lat=units.lat,
        sites=sites,
        static=units.static if len(units.static.columns) else None,
        shape=shape,
    )
    return Prepared(history, units, panel, cube)


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


def prepare_history(
    history: str | os.PathLike | None = None,
    unit: str = "cercle",
    *,
    horizon_months: int = HORIZON_MONTHS,
    data_dir: str | os.PathLike | None = None,
    country: str | None = "Mali",
    mission: str | None = None,
    capital: tuple[float, float] | None = None,
    span: tuple[str, str] | None = None,
    access: gpd.GeoDataFrame | None = None,
    population: bool | str | os.PathLike | None = None,
    protection_shape: str | os.PathLike | ProtectionShape | None = None,
) -> Prepared:
    """Everything a forecast or backtest needs, from a history file and a unit name.

    Parameters
    ----------
    history
        A history file of any layout (:mod:`minusma.layers.history`), None for the shipped table.
    unit
        One of :data:`UNITS`.
    horizon_months
        Months forecast.
    data_dir
        The data directory (OCHA COD units, Geo-PKO sites).
    country
        ``Mali`` (default: OCHA units, Mali's bounds checked, MINUSMA sites), or None for another
        country: then ``unit`` must be ``grid`` and the cells cover the bounding box of the
        located events.
    mission
        Geo-PKO mission of the sites (default ``MINUSMA`` in Mali, none elsewhere). In Mali
        without Geo-PKO in the data directory, the shipped MINUSMA withdrawal table is used.
    capital
        ``(lon, lat)`` of the capital (default Bamako in Mali; none elsewhere).
    span
        ``(first, last)`` months the history covers, when the file's own first and last months
        are not its span.
    access
        An assessment of Mali's towns (:meth:`minusma.Study.assess`): adds the access
        indicators :data:`ACCESS` and the composite score (:func:`composite_features`, the
        ``inform`` model's input) per unit.
    population
        Mali only: the static feature ``population`` (:func:`unit_population`). None (default):
        from the data directory's WorldPop raster when it holds one; True: it must; False: none;
        or a density GeoTIFF path.
    protection_shape
        An effect estimate (the JSON of ``minusma effect --format json``, or a
        :class:`~minusma.geo.forecast.shape.ProtectionShape`): adds the shaped protection
        features (:mod:`minusma.geo.forecast.shape`). Default: the radius rule only.

    Returns
    -------
    Prepared
        The history, units, panel and feature cube.

    Raises
    ------
    ParameterError
        Units other than cells outside Mali, a history without points outside Mali, or sites
        of another mission without Geo-PKO.
    """
    from minusma.layers.datadir import resolve_data_dir
    from minusma.layers.events import MALI_BOUNDS

    if protection_shape is not None and not isinstance(protection_shape, ProtectionShape):
        protection_shape = read_protection_shape(protection_shape)  # a bad file fails first
    mali = country is not None and country.casefold() == "mali"
    hist = read_history(
        history,
        data_dir=data_dir,
        span=span,
        country=country,
        bounds=MALI_BOUNDS if mali else None,
    )
    try:
        folder = resolve_data_dir(data_dir)
    except DataDirError:
        folder = None
    if mali:
        if population is None:
            population = folder is not None and (folder / WORLDPOP_FOLDER).is_dir()
        units = load_units(unit, data_dir=data_dir, capital=capital, population=population)
        mission = mission or "MINUSMA"
        if access is not None:
            units.static = pd.concat(
                [
                    units.static,
                    access_features(access, units),
                    composite_features(access, units, weighted=population, data_dir=data_dir),
                ],
                axis=1,
            )
    else:
        if unit != "grid":
            raise ParameterError(
                f"outside Mali only PRIO-GRID cells are available as units (--unit grid), "
                f"not {unit!r}"
            )
        ev = hist.events
        if ev is None:
            raise ParameterError("outside Mali the history must be event points")
        located = ev[ev["location_precision_km"].notna() & ev.geometry.notna()]
        units = load_units("grid", bbox=tuple(located.total_bounds), capital=capital)
    sites = None
    if mission is not None:
        has_geopko = folder is not None and (folder / "geo-pko").is_dir()
        if has_geopko:
            sites, _ = load_sites("geopko", mission=mission, data_dir=folder)
        elif mali:
            sites, _ = load_sites("shipped", mission=None)
        else:
            raise ParameterError(
                f"sites of {mission} come from Geo-PKO: give --data DIR holding geo-pko/"
            )
    if protection_shape is not None and sites is None:
        raise ParameterError(
            "--protection-shape shapes the effect of sites: give a mission (--mission) whose "
            "sites are in the data directory's Geo-PKO files"
        )
    return prepare(
        hist,
        unit,
        horizon_months=horizon_months,
        units=units,
        sites=sites,
        shape=protection_shape,
    )


def _month(value, what: str) -> int:
    try:
        return int(month_index(value)[0])
    except ParameterError as exc:
        raise ParameterError(f"{what} must be a month YYYY-MM or a date, got {value!r}") from exc


def backtest(
    prepared: Prepared,
    *,
    from_month: str | None = None,
    to_month: str | None = None,
    every_months: int = 12,
    models: tuple[str, ...] | list[str] = DEFAULT_MODELS,
    n_boot: int = bt.N_BOOT,
) -> bt.BacktestResult:
    """Rolling-origin backtest over the prepared history (see :mod:`minusma.geo.forecast.backtest`).

    Origins run from ``from_month`` (default: 36 months + one horizon into the span, the first
    with a full history and a training year) to ``to_month`` (default: the last origin whose
    horizon lies inside the span), every ``every_months``.

    Parameters
    ----------
    prepared
        From :func:`prepare` or :func:`prepare_history`.
    from_month
        First origin (``YYYY-MM``).
    to_month
        Last origin (``YYYY-MM``).
    every_months
        Months between origins.
    models
        Model names (default :data:`DEFAULT_MODELS`; those whose features exist are run).
    n_boot
        Bootstrap resamples of units.

    Returns
    -------
    minusma.geo.forecast.backtest.BacktestResult
        Pooled and per-origin scores, learned models against baselines.

    Raises
    ------
    ParameterError
        A last origin whose horizon leaves the span, or bad months.
    """
    cube = prepared.cube
    h = cube.horizon_months
    last_ok = prepared.panel.last_month - h + 1
    first = _month(from_month, "--from") if from_month else prepared.panel.first_month + 36 + h
    last = _month(to_month, "--to") if to_month else last_ok
    if last > last_ok:
        raise ParameterError(
            f"the last origin {month_label(last)} needs {h} months of outcome after it, but the "
            f"history ends {month_label(prepared.panel.last_month)}; use --to "
            f"{month_label(last_ok)} or earlier, or a shorter --horizon"
        )
    origins = bt.origins_between(first, last, every_months)
    chosen = make_models(models, cube.names, h)
    result = bt.run_backtest(cube, chosen, origins, n_boot=n_boot)
    result.history = prepared.history.describe()
    return result


def _auto(prepared: Prepared) -> tuple[str, str, bt.BacktestResult | None]:
    h = prepared.cube.horizon_months
    last = prepared.panel.last_month - h + 1
    first = max(last - 12 * (AUTO_YEARS - 1), prepared.panel.first_month + 36 + h)
    if first > last:
        words = (
            "the history is too short to backtest (it needs 36 months of features plus two "
            f"horizons of {h} months): persistence is used, untested"
        )
        return "persistence", words, None
    result = backtest(prepared, from_month=month_label(first), to_month=month_label(last))
    name = result.best("spearman")
    row = result.pooled.set_index("name").loc[name]
    words = (
        f"model {name} chosen by --model auto: best pooled Spearman "
        f"{row['spearman']:.2f} [{row['spearman_low']:.2f}, {row['spearman_high']:.2f}] over "
        f"{int(row['n_origins'])} backtest origins ({result.origins[0]} to {result.origins[-1]}, "
        f"horizon {h} months) among the count models of this history"
    )
    return name, words, result


_WORDS = {
    "en": {
        "events_1m": "{v:.0f} events last month",
        "events_3m": "{v:.0f} events in the last 3 months",
        "events_12m": "{v:.0f} events in the last 12 months",
        "events_36m": "{v:.0f} events in the last 36 months",
        "events_per_month_all": "{y:.1f} events a year on record",
        "months_since_event": "last event {v:.0f} months earlier",
        "decayed_events": "recent events (decayed count {v:.1f})",
        "neighbour_events_3m": "{v:.0f} in neighbouring {noun} in the last 3 months",
        "neighbour_events_12m": "{v:.0f} in neighbouring {noun} in the last 12 months",
        "sites_open_within": "{v:.0f} open site(s) within {r:.0f} km",
        "km_to_open_site": "nearest open site {site}, {v:.0f} km away",
        "months_since_closure_within": (
            "the {site} site, {km:.0f} km away, closed {v:.0f} months earlier"
        ),
        "months_since_closure_none": "no site closed within {r:.0f} km",
        "km_to_any_site": "{v:.0f} km from the nearest site",
        "km_to_capital": "{v:.0f} km from the capital",
        "km_to_border": "{v:.0f} km from the border",
        "bamako_travel_h": "{v:.0f} h by road to Bamako",
        "bamako_routes": "{v:.0f} road route(s) to Bamako",
        "airport_km": "{v:.0f} km from an airstrip",
        "on_road_network": "{p:.0f} % of its towns on the road network",
        "riverside": "{p:.0f} % of its towns on the river",
        "population": "about {v:,.0f} people",
        "composite": "hand-set exposure score {v:.2f}",
        "opening_effect_within": (
            "estimated effect of site openings nearby: {v:+.2f} events a month"
        ),
        "closing_effect_within": (
            "estimated effect of site closures nearby: {v:+.2f} events a month"
        ),
        "none": "no history of events",
    },
    "fr": {
        "events_1m": "{v:.0f} événements le mois dernier",
        "events_3m": "{v:.0f} événements ces 3 derniers mois",
        "events_12m": "{v:.0f} événements ces 12 derniers mois",
        "events_36m": "{v:.0f} événements ces 36 derniers mois",
        "events_per_month_all": "{y:.1f} événements par an en moyenne",
        "months_since_event": "dernier événement {v:.0f} mois plus tôt",
        "decayed_events": "événements récents (compte amorti {v:.1f})",
        "neighbour_events_3m": "{v:.0f} dans les {noun} voisins ces 3 derniers mois",
        "neighbour_events_12m": "{v:.0f} dans les {noun} voisins ces 12 derniers mois",
        "sites_open_within": "{v:.0f} site(s) ouvert(s) à moins de {r:.0f} km",
        "km_to_open_site": "site ouvert le plus proche : {site}, à {v:.0f} km",
        "months_since_closure_within": (
            "le site de {site}, à {km:.0f} km, fermé {v:.0f} mois plus tôt"
        ),
        "months_since_closure_none": "aucun site fermé à moins de {r:.0f} km",
        "km_to_any_site": "à {v:.0f} km du site le plus proche",
        "km_to_capital": "à {v:.0f} km de la capitale",
        "km_to_border": "à {v:.0f} km de la frontière",
        "bamako_travel_h": "{v:.0f} h de route jusqu'à Bamako",
        "bamako_routes": "{v:.0f} itinéraire(s) routier(s) vers Bamako",
        "airport_km": "à {v:.0f} km d'une piste d'aviation",
        "on_road_network": "{p:.0f} % de ses localités sur le réseau routier",
        "riverside": "{p:.0f} % de ses localités au bord du fleuve",
        "population": "environ {v:.0f} habitants",
        "composite": "score d'exposition fixé à la main {v:.2f}",
        "opening_effect_within": (
            "effet estimé des ouvertures de sites proches : {v:+.2f} événements par mois"
        ),
        "closing_effect_within": (
            "effet estimé des fermetures de sites proches : {v:+.2f} événements par mois"
        ),
        "none": "aucun événement enregistré",
    },
}


def _why(prepared: Prepared, contrib: np.ndarray, X: np.ndarray, t: int, lang: str) -> list[str]:
    cube, words = prepared.cube, _WORDS[lang]
    noun = _NOUN[lang][prepared.units.level]
    names = list(cube.sites.names) if cube.sites is not None else []
    out = []
    for i in range(X.shape[0]):
        order = [j for j in np.argsort(-contrib[i]) if contrib[i, j] > 0][:WHY_TERMS]
        terms = []
        for j in order:
            name, v = cube.names[j], X[i, j]
            key, extra = name, {}
            if name == "km_to_open_site" and cube.nearest_open_site is not None:
                s = cube.nearest_open_site[i, t]
                extra["site"] = names[s] if s >= 0 else "-"
            if name == "months_since_closure_within" and cube.last_closed_site is not None:
                s = cube.last_closed_site[i, t]
                if s < 0 or cube.site_km is None:
                    key = "months_since_closure_none"
                else:
                    extra.update(site=names[s], km=cube.site_km[i, s])
            if key not in words:
                continue
            terms.append(
                words[key].format(v=v, y=12 * v, p=100 * v, noun=noun, r=cube.radius_km, **extra)
            )
        if not terms:
            terms = [words["events_12m"].format(v=X[i, cube.names.index("events_12m")])]
        out.append("; ".join(terms))
    return out


def forecast(
    prepared: Prepared,
    *,
    as_of: str | None = None,
    model: str | os.PathLike = "auto",
    lang: str = "en",
    save_model: str | os.PathLike | None = None,
) -> gpd.GeoDataFrame:
    """Forecast events per unit over the horizon after ``as_of``.

    Parameters
    ----------
    prepared
        From :func:`prepare`.
    as_of
        A date or month: the forecast uses months before that month and covers it and the
        ``horizon - 1`` after. Default: the month after the history's span.
    model
        ``auto`` (best pooled backtest), a count model name (``persistence``, ``history``,
        ``decayed``, ``inform``, ``glm``, ``gbm``), or the path of a model saved with
        ``save_model`` (:mod:`minusma.geo.forecast.persist`), applied as saved.
    lang
        ``en`` or ``fr`` for the ``why`` column.
    save_model
        Write the fitted model to this JSON file (not ``gbm``: refused, no safe format).

    Returns
    -------
    geopandas.GeoDataFrame
        ``unit_id, unit_name, predicted_events, predicted_low, predicted_high, rank, class,
        why`` and the unit geometry, sorted by rank. ``attrs``: ``model``, ``statement`` (how
        the model was chosen and how thin the history is), ``as_of``, ``horizon_months``,
        ``backtest`` (the auto backtest's pooled table, when run).

    Raises
    ------
    ParameterError
        A bad language, ``as_of``, model or saved-model file (the message names the fix).
    """
    from minusma.geo.forecast import persist

    if lang not in _WORDS:
        raise ParameterError(f"lang must be one of {', '.join(_WORDS)}, got {lang!r}")
    cube, panel = prepared.cube, prepared.panel
    origin = _month(as_of, "--as-of") if as_of else panel.last_month + 1
    t = cube.origin_index(origin)
    if t < 1 or t > panel.n_months:
        raise ParameterError(
            f"--as-of {month_label(origin)} lies outside what the history can inform: its span is "
            f"{panel.span[0]} to {panel.span[1]}; give a month from "
            f"{month_label(panel.first_month + 1)} to {month_label(panel.last_month + 1)}"
        )
    statements = [f"history: {prepared.history.describe()}"]
    if prepared.history.layout == "shipped":
        statements.append(
            "this is the shipped table of 64 sourced events over 12 months: far too thin to learn "
            "from or to rank units reliably; give your own history with --history (ACLED export, "
            "UCDP GED, or ACLED's HDX admin-2 x month file)"
        )
    result = None
    model = str(model)
    if model == "auto":
        model, why_model, result = _auto(prepared)
        statements.append(why_model)
    if model not in (*BASELINES, *LEARNED) and (model.endswith(".json") or os.path.isfile(model)):
        fitted, record = persist.load_model(
            model,
            unit=prepared.units.level,
            horizon_months=cube.horizon_months,
            features=cube.names,
        )
        training = record.get("training", {})
        statements.append(
            f"model {record['model']} loaded from {model} (fitted per {record['unit']} on origins "
            f"{training.get('first_origin')} to {training.get('last_origin')}), applied as saved"
        )
        model = record["model"]
    else:
        chosen = make_models([model], cube.names, cube.horizon_months)
        if not chosen or not chosen[0].counts:
            raise ParameterError(
                f"model {model!r} cannot forecast counts from this history (inform needs the "
                "towns' assessment: Mali units through a Study); use auto, persistence, history, "
                "decayed, glm or gbm"
            )
        fitted = bt.fit_at(cube, chosen[0], t)
    if fitted is None:
        raise ParameterError(
            f"model {model!r} has no training months before {month_label(origin)} with a full "
            "horizon of outcomes; use --model persistence or an earlier --as-of"
        )
    if save_model is not None:
        stop = t - cube.horizon_months  # the last training origin (see backtest._train_rows)
        start = max(stop - bt.TRAIN_MONTHS + 1, 0)
        record = persist.model_to_dict(
            fitted,
            unit=prepared.units.level,
            training=(month_label(cube.first_month + start), month_label(cube.first_month + stop)),
        )
        persist.save_model(record, save_model)
        statements.append(f"model {model} saved to {save_model}")
    X = cube.values[:, t, :]
    ok = np.isfinite(X[:, fitted._used]).all(axis=1)
    if not ok.any():
        raise ParameterError(
            f"no unit has the features model {model!r} needs at {month_label(origin)} (its "
            "windows reach before the history's span); use --model persistence or a later --as-of"
        )
    mu = np.full(X.shape[0], np.nan)
    mu[ok] = fitted.predict(X[ok])
    used = list(fitted._used)  # only the features the model reads contribute
    train = cube.values[:, max(t - bt.TRAIN_MONTHS, 0) : t, used].reshape(-1, len(used))
    reference = np.full(X.shape[1], np.nan)
    with warnings.catch_warnings():  # a feature without a training value has no median
        warnings.simplefilter("ignore", RuntimeWarning)
        reference[used] = np.nanmedian(np.where(np.isfinite(train), train, np.nan), axis=0)
    contrib = np.zeros(X.shape)
    contrib[ok] = contributions(fitted, X[ok], reference)
    tail = (1 - INTERVAL) / 2
    frame = prepared.units.frame.copy()
    frame["predicted_events"] = mu
    frame["predicted_low"] = poisson.ppf(tail, mu)
    frame["predicted_high"] = poisson.ppf(1 - tail, mu)
    rank = pd.Series(mu).rank(ascending=False, method="min")
    frame["rank"] = rank.astype("Int64")
    third = np.ceil(ok.sum() / 3)
    nothing = mu <= 2 * MIN_EXPECTED  # at the floor: no event expected, whatever the rank
    frame["class"] = np.select(
        [nothing, rank <= third, rank <= 2 * third], ["low", "high", "medium"], "low"
    )
    frame.loc[~ok, "class"] = None
    frame["why"] = _why(prepared, contrib, np.nan_to_num(X), t, lang)
    frame = frame.sort_values(["rank", "unit_id"], na_position="last").reset_index(drop=True)
    cols = [
        "unit_id",
        "unit_name",
        "predicted_events",
        "predicted_low",
        "predicted_high",
        "rank",
        "class",
        "why",
        "geometry",
    ]
    frame = gpd.GeoDataFrame(frame[cols], geometry="geometry", crs=WGS84)
    frame.attrs = {
        "model": model,
        "statement": statements,
        "as_of": month_label(origin),
        "horizon_months": cube.horizon_months,
        "interval": INTERVAL,
        "backtest": None if result is None else result.pooled.to_dict("records"),
    }
    return frame


#: Name of the forecast layer in exports (GeoPackage table, GeoJSON file).
FORECAST_LAYER = "forecast"


def forecast_layer_info(frame: gpd.GeoDataFrame) -> LayerInfo:
    """The export metadata of a forecast (:func:`forecast`'s frame) as a layer.

    Parameters
    ----------
    frame
        The forecast; its ``attrs`` (model, as_of, horizon, statement) go into the description.

    Returns
    -------
    minusma.layers.registry.LayerInfo
        Title, description, sources, licence, caveats and the declared columns, for
        :func:`minusma.layers.export.export_layers`.
    """
    from minusma.geo._validate import Column, Schema
    from minusma.layers.registry import LayerInfo

    a = frame.attrs
    geometry = sorted(set(frame.geometry.geom_type.dropna()))
    return LayerInfo(
        name=FORECAST_LAYER,
        kind="analysis",
        title=f"Forecast: events in the {a.get('horizon_months')} months from {a.get('as_of')}",
        description=(
            f"Expected events per unit (model {a.get('model')}), ranked and classed, with why. "
            + " ".join(str(x) for x in a.get("statement", []))
        ),
        loader="minusma.forecasting:forecast",
        licence="derived by minusma-exposure from the user's event history (its own licence)",
        attribution="minusma-exposure contributors; the event history's source",
        sources=("the user's event history (see description)", "OCHA COD units; Geo-PKO sites"),
        geometry_kind="real",
        schema=Schema(
            columns=(
                Column("unit_id", "string", "OCHA P-code, PRIO-GRID gid or place id", False, True),
                Column("unit_name", "string", "name of the unit"),
                Column("predicted_events", "float", "expected events over the horizon"),
                Column("predicted_low", "float", f"{INTERVAL:.0%} Poisson range, low end"),
                Column("predicted_high", "float", f"{INTERVAL:.0%} Poisson range, high end"),
                Column("rank", "int", "1 = most events expected"),
                Column("class", "string", "high (top third), medium, low (or no event expected)"),
                Column("why", "string", "the largest contributions, in words"),
            ),
            id_column="unit_id",
            geometry_types=tuple(geometry),
        ),
        caveats=(
            (
                "A forecast from the user's history: reporting follows access and attention, so "
                "quiet places may be unreported, not calm."
            ),
            (
                "Judge the model by its rolling-origin backtest (minusma backtest), never by "
                "this table."
            ),
        ),
    )


def backtest_chart(result: bt.BacktestResult, path: str | os.PathLike) -> None:
    """Per-origin Spearman of every model, with the pooled interval as a band (PNG), atomically.

    Parameters
    ----------
    result
        A backtest.
    path
        The PNG to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from minusma.geo.io import atomic_path

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    per = result.per_origin
    for _, row in result.pooled.iterrows():
        mine = per[per["name"] == row["name"]]
        style = "-" if row["kind"] == "learned" else "--"
        (line,) = ax.plot(mine["origin"], mine["spearman"], style, marker="o", label=row["name"])
        ax.axhspan(row["spearman_low"], row["spearman_high"], color=line.get_color(), alpha=0.08)
    ax.set_xlabel("origin (first month forecast)")
    ax.set_ylabel("Spearman, forecast vs events")
    ax.set_title(f"Rolling-origin backtest, horizon {result.horizon_months} months (out of sample)")
    ax.legend(fontsize=8, ncol=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
