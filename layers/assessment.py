"""The exposure assessment on the shipped layers: one call, every indicator, with metadata.

Thin glue: loads the layers, builds the road graph and hands frames to :mod:`geo.exposure.assess`.
The analysis itself (and every default parameter, with its justification) lives in ``geo``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import warnings

import geopandas as gpd
from pandas.api import types as pdt

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure import access
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure import timeline as tl
from minusma.geo.exposure.criticality import segment_criticality as criticality_table
from minusma.geo.exposure.params import ExposureParams, check_params
from minusma.geo.exposure.robustness import robustness as vary
from minusma.geo.speeds import UnknownSpeedWarning
from minusma.layers.air_links import COMMERCIAL_OPERATORS
from minusma.layers.air_links import air_links as load_air_links
from minusma.layers.airports import airports as load_airports
from minusma.layers.assessment_data import admin_columns, data_context
from minusma.layers.bases import bases as load_bases
from minusma.layers.events import WINDOW as EVENTS_WINDOW
from minusma.layers.events import events as shipped_events
from minusma.layers.regions import CENTRAL_REGIONS_2023
from minusma.layers.registry import LayerInfo, get_info, layer_names, load
from minusma.layers.river import river as load_river
from minusma.layers.river import river_places as load_river_places
from minusma.layers.roads import roads as load_roads
from minusma.layers.speeds import speeds
from minusma.layers.towns import HUB_ID
from minusma.layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = [
    "PLACES",
    "analysis_layers",
    "assess",
    "context",
    "exposure_layer",
    "exposure_timeline_layer",
    "segment_criticality",
    "segment_criticality_layer",
    "timeline",
]


@functools.lru_cache(maxsize=4)
def _context(max_snap_km: float, air_reach_km: float, speeds_path: str | None) -> engine.Context:

    river = load_river()
    line = river.set_index("reach_id").geometry
    from shapely.ops import linemerge

    merged = linemerge(list(line.loc[["upper", "navigable", "lower"]]))
    graph = access.road_graph(load_roads())
    towns = load_towns()
    # Niamey and Bordj Badji Mokhtar are in the gazetteer only as link ends: not assessed
    places = towns[towns["country"] == "ML"].reset_index(drop=True)
    return engine.prepare(
        places,
        load_bases(),
        graph,
        speeds=speeds(speeds_path),
        airports=load_airports(),
        air_links=load_air_links(),
        hub_id=HUB_ID,
        river_places=load_river_places(),
        river_line=merged,
        region_column="region_2023",
        central_regions=CENTRAL_REGIONS_2023,
        commercial_operators=COMMERCIAL_OPERATORS,
        events=shipped_events(),
        events_coverage=EVENTS_WINDOW,
        params=ExposureParams(max_snap_km=max_snap_km, air_reach_km=air_reach_km),
    )


def context(
    params: ExposureParams | None = None,
    *,
    speeds_path: str | None = None,
    data_dir: str | None = None,
    places: str = "towns",
) -> engine.Context:
    """The prepared assessment of the shipped towns (cached per preparation parameters).

    Only ``params.max_snap_km`` and ``params.air_reach_km`` matter here. With ``data_dir``, the
    context of :func:`layers.assessment_data.data_context` instead: roads from
    :func:`layers.network_sources.merged_roads`, the Natural Earth Niger, and ``places``
    ``"towns"`` or ``"settlements"`` (the 18,769 OCHA COD places).
    """
    p = check_params(params)
    if places not in PLACES:
        raise UnknownNameError(f"unknown places {places!r}; choose from {list(PLACES)}")
    if data_dir is not None or places != "towns":
        if data_dir is None:
            raise ParameterError(
                f"places={places!r} needs a data directory (data_dir=... or --data DIR)"
            )
        return data_context(data_dir, places=places, params=p, speeds_path=speeds_path)
    return _context(p.max_snap_km, p.air_reach_km, speeds_path)


#: What can be assessed: the curated towns, or (with a data directory) the OCHA settlements.
PLACES = ("towns", "settlements")


def assess(
    as_of: str | dt.date | None = None,
    *,
    params: ExposureParams | None = None,
    speeds_path: str | None = None,
    data_dir: str | None = None,
    places: str = "towns",
    robustness: bool = False,
    **options,
) -> gpd.GeoDataFrame:
    """Exposure of every town of the gazetteer in Mali as of a date (default: after the closures).

    Parameters
    ----------
    as_of
        The date (``"2023-06-30"`` gives the situation before the withdrawal).
    params
        The model's parameters (:class:`geo.exposure.params.ExposureParams`); ``as_of`` and
        ``**options`` (its field names: ``radius_km``, ``season``, ``close``, ``keep``,
        ``close_roads``, ``weights``, ...) change them.
    speeds_path
        A speed table to use instead of ``layers/data/speeds.csv``.
    data_dir, places
        Select the open-data context (see :func:`context`).
    robustness
        Re-run the ranking over the variants of :mod:`geo.exposure.robustness` around the
        parameters (about 2 s on the shipped towns) and add ``rank_min``, ``rank_max``,
        ``rank_range``, ``classes_seen`` and ``uncertain``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place (towns without coordinates included, indicators missing), sorted by
        rank (settlements by ``settlement_id`` within a rank). ``attrs["parameters"]`` holds
        every parameter used, ``attrs["data_gaps"]`` the season's data gaps. With ``data_dir``
        every place also carries its OCHA COD units by spatial join (``join_region_old``,
        ``join_region_2023``, ``join_cercle_pcode``, ``join_commune_pcode``,
        ``admin_join_disagrees``, ``admin_join_differs_on``; see
        :func:`layers.assessment_data.admin_columns`) and ``central_region`` comes from the
        dissolved 2023 region polygons.

    Examples
    --------
    >>> out = assess("2023-06-30", radius_km=25)
    >>> out.attrs["parameters"]["radius_km"], out["as_of"].iloc[0]
    (25.0, '2023-06-30')
    """
    if not isinstance(robustness, bool):
        raise ParameterError(
            f"robustness must be True or False, got {type(robustness).__name__} {robustness!r}"
        )
    p = ExposureParams.from_options(params, as_of=as_of, **options)
    ctx = context(p, speeds_path=speeds_path, data_dir=data_dir, places=places)
    out = engine.evaluate(ctx, p)
    out.attrs["parameters"].update(ctx.notes)
    if data_dir is not None:
        out.attrs["parameters"].update(data_dir=str(data_dir), places=places)
    out.attrs["data_gaps"] = ctx.time_warnings(p.season)
    key = "settlement_id" if places == "settlements" else "town_id"
    if robustness:
        with (
            warnings.catch_warnings()
        ):  # the variants' gaps (e.g. the other season) are not this run's
            warnings.simplefilter("ignore", UnknownSpeedWarning)
            spread = vary(ctx, p, id_column=key)
        cols = ["rank_min", "rank_max", "rank_range", "classes_seen", "uncertain"]
        attrs = out.attrs
        out = out.join(spread[cols], on=key)
        out.attrs = attrs
        out.attrs["parameters"]["robustness"] = (
            "around these parameters: radius x0.5-x2, each dimension weight doubled, "
            "2 aggregations, 2 seasons"
        )
    return out.sort_values(["exposure_rank", key], na_position="last").reset_index(drop=True)


def segment_criticality(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The criticality table of every road segment of the shipped network
    (see :mod:`geo.exposure.criticality`), for ``params.season`` and ``params.close_roads``."""
    p = params if params is not None else ExposureParams()
    return criticality_table(context(p), season=p.season, close_roads=p.close_roads)


def timeline(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The assessment at each of the 13 states of the withdrawal (long form, one row per town and
    step), with ``timeline_id`` = ``<step>-<town_id>`` and the change since the previous step.

    ``params`` fix everything but the date (radius, season, scenario, weights)."""
    p = params if params is not None else ExposureParams()
    ctx = context(p)
    steps = tl.timeline(ctx, p)
    change = tl.changes(steps).set_index(["step", "town_id"])[
        ["exposure_score_change", "rank_change", "class_before", "coverage_lost_now"]
    ]
    steps = steps.join(change, on=["step", "town_id"])
    steps.insert(0, "timeline_id", steps["step"].map("{:02d}".format) + "-" + steps["town_id"])
    geom = ctx.places.set_index("town_id").geometry
    out = gpd.GeoDataFrame(steps, geometry=steps["town_id"].map(geom).to_numpy(), crs="EPSG:4326")
    out.attrs["parameters"] = p.to_dict()
    return out


def _as_layer(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """``gdf`` as the registry layer ``name``: no attrs, counts declared ``int`` held as nullable
    integers (``bamako_routes`` is a float with NaN in the assessment), sorted by the id column."""
    info = get_info(name)
    gdf = gdf.copy()
    gdf.attrs = {}
    for col in info.schema.columns:
        if col.kind == "int" and col.name in gdf and pdt.is_float_dtype(gdf[col.name]):
            gdf[col.name] = gdf[col.name].astype("Int64")
    return gdf.sort_values(info.id_column).reset_index(drop=True)


def exposure_layer(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The ``exposure`` layer of the registry: :func:`assess` with its robustness, for ``params``
    (default: the model's defaults), sorted by ``town_id``."""
    p = params if params is not None else ExposureParams()
    return _as_layer(assess(params=p, robustness=True), "exposure")


def segment_criticality_layer(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The ``segment_criticality`` layer of the registry: :func:`segment_criticality` for
    ``params``, sorted by ``segment_id``."""
    return _as_layer(segment_criticality(params), "segment_criticality")


def exposure_timeline_layer(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The ``exposure_timeline`` layer of the registry: :func:`timeline` for ``params``, sorted by
    ``timeline_id``."""
    return _as_layer(timeline(params), "exposure_timeline")


def analysis_layers(
    params: ExposureParams | None = None, *, data_dir: str | os.PathLike | None = None
) -> dict[str, tuple[gpd.GeoDataFrame, LayerInfo]]:
    """The analysis layers of the registry (``layer_names("analysis")``: the exposure with its
    robustness, the segment criticality and the timeline), all for the same ``params``, with their
    :class:`~layers.registry.LayerInfo`, for :func:`layers.export.export_layers`.

    With ``data_dir`` (the OCHA COD boundaries), the exposure also carries each town's admin units
    by spatial join (``join_region_old``, ``join_region_2023``, ``join_cercle_pcode``,
    ``join_commune_pcode``, ``admin_join_disagrees``, ``admin_join_differs_on``;
    :func:`layers.assessment_data.admin_columns`). The model itself stays that of the shipped
    layers (roads, river), so the figures do not change.
    """
    p = params if params is not None else ExposureParams()
    out = {name: (load(name, params=p), get_info(name)) for name in layer_names("analysis")}
    if data_dir is not None:
        exposure, info = out["exposure"]
        out["exposure"] = (exposure.join(admin_columns(exposure, "towns", data_dir)), info)
    return out
