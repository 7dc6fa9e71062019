"""The exposure assessment on the Mali layers: one call, every indicator, with metadata.

Thin glue: loads the layers, builds the road graph and hands frames to :mod:`geo.exposure.assess`,
with the facts of the mission the core does not hold: the hub (Bamako), the regions, the air
operators and the mission's calendar (:data:`minusma.layers.mission.MISSION`). The analysis itself
(and every default parameter, with its justification) lives in ``geo``.
"""

from __future__ import annotations

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
from minusma.geo.exposure.params import ExposureParams, Preparation, check_params
from minusma.geo.exposure.robustness import robustness as vary
from minusma.geo.speeds import UnknownSpeedWarning
from minusma.layers.air_links import COMMERCIAL_OPERATORS, MISSION_OPERATORS
from minusma.layers.air_links import air_links as load_air_links
from minusma.layers.airports import airports as load_airports
from minusma.layers.assessment_data import data_context
from minusma.layers.bases import bases as load_bases
from minusma.layers.events import WINDOW as EVENTS_WINDOW
from minusma.layers.events import events as shipped_events
from minusma.layers.mission import HUB_KEY, MISSION, mission_params
from minusma.layers.regions import CENTRAL_REGIONS_2023
from minusma.layers.registry import LayerInfo, get_info, layer_names
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
    "assessment",
    "context",
    "exposure_layer",
    "exposure_timeline_layer",
    "id_column",
    "segment_criticality",
    "segment_criticality_layer",
    "timeline",
]


@functools.lru_cache(maxsize=4)
def _context(preparation: Preparation, speeds_path: str | None) -> engine.Context:

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
        hub_key=HUB_KEY,
        river_places=load_river_places(),
        river_line=merged,
        region_column="region_2023",
        central_regions=CENTRAL_REGIONS_2023,
        commercial_operators=COMMERCIAL_OPERATORS,
        mission_operators=MISSION_OPERATORS,
        events=shipped_events(),
        events_coverage=EVENTS_WINDOW,
        preparation=preparation,
        period=MISSION,
    )


def context(
    preparation: Preparation | None = None,
    *,
    speeds_path: str | None = None,
    data_dir: str | os.PathLike | None = None,
    places: str = "towns",
) -> engine.Context:
    """The prepared assessment (cached per preparation settings, data directory and places).

    :class:`minusma.Study` calls this; use a Study rather than this function.

    Parameters
    ----------
    preparation
        Snap distance and air reach (:class:`~minusma.geo.exposure.params.Preparation`).
    speeds_path
        A speed table to use instead of ``layers/data/speeds.csv``.
    data_dir
        None: the shipped towns, roads and schematic river. A data directory: the context of
        :func:`~minusma.layers.assessment_data.data_context` (roads from
        :func:`~minusma.layers.network_sources.merged_roads`, the Natural Earth Niger, the admin
        units by spatial join).
    places
        ``"towns"`` or ``"settlements"`` (the 18,769 OCHA COD places; needs ``data_dir``).

    Returns
    -------
    minusma.geo.exposure.assess.Context
        The prepared context, holding ``preparation``.
    """
    p = preparation if preparation is not None else Preparation()
    if not isinstance(p, Preparation):
        raise ParameterError(
            f"preparation must be a Preparation(max_snap_km=..., air_reach_km=...), "
            f"got {type(p).__name__}"
        )
    if places not in PLACES:
        raise UnknownNameError(f"unknown places {places!r}; choose from {list(PLACES)}")
    if data_dir is not None or places != "towns":
        if data_dir is None:
            raise ParameterError(
                f"places={places!r} needs a data directory (data_dir=... or --data DIR)"
            )
        return data_context(data_dir, places=places, preparation=p, speeds_path=speeds_path)
    return _context(p, speeds_path)


#: What can be assessed: the curated towns, or (with a data directory) the OCHA settlements.
PLACES = ("towns", "settlements")


def assessment(
    ctx: engine.Context,
    params: ExposureParams | None = None,
    *,
    robustness: bool = False,
) -> gpd.GeoDataFrame:
    """The exposure of every place of a prepared context, with its metadata.

    :meth:`minusma.Study.assess` calls this on the Study's context.

    Parameters
    ----------
    ctx
        The prepared context (:func:`context`).
    params
        The model's parameters (:class:`~minusma.geo.exposure.params.ExposureParams`; default:
        its defaults).
    robustness
        Re-run the ranking over the variants of :mod:`minusma.geo.exposure.robustness` around the
        parameters and add ``rank_min``, ``rank_max``, ``rank_range``, ``classes_seen`` and
        ``uncertain``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place (places without coordinates included, indicators missing), sorted by
        rank (then id). ``attrs["parameters"]`` holds every parameter and preparation setting
        applied and the context's provenance notes, ``attrs["data_gaps"]`` the season's data gaps.
        A context prepared on a data directory gives every place its OCHA COD units by spatial
        join (``join_region_2023``, ``join_cercle_pcode``, ``join_commune_pcode``, ...).
    """
    if not isinstance(robustness, bool):
        raise ParameterError(
            f"robustness must be True or False, got {type(robustness).__name__} {robustness!r}"
        )
    p = check_params(params)
    out = engine.evaluate(ctx, p)
    out.attrs["parameters"].update(ctx.notes)
    out.attrs["data_gaps"] = ctx.time_warnings(p.season)
    key = id_column(ctx)
    if robustness:
        with warnings.catch_warnings():  # the variants' gaps (e.g. the other season) are not ours
            warnings.simplefilter("ignore", UnknownSpeedWarning)
            spread = vary(ctx, p, id_column=key, evaluated=out)
        cols = ["rank_min", "rank_max", "rank_range", "classes_seen", "uncertain"]
        attrs = out.attrs
        out = out.join(spread[cols], on=key)
        out.attrs = attrs
        out.attrs["parameters"]["robustness"] = (
            "around these parameters: radius x0.5-x2, each dimension weight doubled, "
            "2 aggregations, 2 seasons"
        )
    return out.sort_values(["exposure_rank", key], na_position="last").reset_index(drop=True)


def id_column(ctx: engine.Context) -> str:
    """The id column of a context's places: ``settlement_id`` or ``town_id``.

    Parameters
    ----------
    ctx
        A prepared context.

    Returns
    -------
    str
        The column name.
    """
    return "settlement_id" if "settlement_id" in ctx.places.columns else "town_id"


def segment_criticality(
    ctx: engine.Context, params: ExposureParams | None = None
) -> gpd.GeoDataFrame:
    """The criticality of every road segment of a context's network.

    Parameters
    ----------
    ctx
        The prepared context.
    params
        Its ``season`` and ``close_roads`` are used (see
        :mod:`minusma.geo.exposure.criticality`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per road segment.
    """
    p = mission_params(params)
    return criticality_table(ctx, season=p.season, close_roads=p.close_roads)


def timeline(ctx: engine.Context, params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The assessment at each state of the withdrawal, and the change since the previous one.

    The one timeline of the package: the map, the charts, the export and ``minusma chart`` all
    read it. Steps are the ``before`` date of ``params``, then every distinct closure date.

    Parameters
    ----------
    ctx
        The prepared context.
    params
        Fix everything but the date (radius, season, scenario, weights, model).

    Returns
    -------
    geopandas.GeoDataFrame
        Long form, one row per place and step: ``timeline_id`` (``<step>-<id>``), ``step``,
        ``sites_open``, ``sites_closed_on_step``, every indicator, and the change since the
        previous step (``exposure_score_change``, ``rank_change``, ``class_before``,
        ``coverage_lost_now``). ``attrs["parameters"]`` holds the parameters.
    """
    p = engine.within_period(ctx, check_params(params))
    key = id_column(ctx)
    steps = tl.timeline(ctx, p)
    change = tl.changes(steps, id_column=key).set_index(["step", key])[
        ["exposure_score_change", "rank_change", "class_before", "coverage_lost_now"]
    ]
    steps = steps.join(change, on=["step", key])
    steps.insert(0, "timeline_id", steps["step"].map("{:02d}".format) + "-" + steps[key])
    geom = ctx.places.set_index(key).geometry
    out = gpd.GeoDataFrame(steps, geometry=steps[key].map(geom).to_numpy(), crs="EPSG:4326")
    out.attrs["parameters"] = p.to_dict(ctx.preparation)
    return out


def _as_layer(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """``gdf`` as the registry layer ``name``.

    No attrs; counts declared ``int`` held as nullable integers (a route count is a float with
    NaN in the assessment); sorted by the id column.
    """
    info = get_info(name)
    gdf = gdf.copy()
    gdf.attrs = {}
    for col in info.schema.columns:
        if col.kind == "int" and col.name in gdf and pdt.is_float_dtype(gdf[col.name]):
            gdf[col.name] = gdf[col.name].astype("Int64")
    return gdf.sort_values(info.id_column).reset_index(drop=True)


def exposure_layer(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The ``exposure`` layer of the registry: :func:`assessment` with its robustness.

    Parameters
    ----------
    params
        The model's parameters (default: its defaults).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per town of the shipped layers, sorted by ``town_id``.
    """
    return _as_layer(assessment(context(), params, robustness=True), "exposure")


def segment_criticality_layer(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The ``segment_criticality`` layer of the registry: :func:`segment_criticality`.

    Parameters
    ----------
    params
        The model's parameters (its ``season`` and ``close_roads``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per road segment of the shipped layers, sorted by ``segment_id``.
    """
    return _as_layer(segment_criticality(context(), params), "segment_criticality")


def exposure_timeline_layer(params: ExposureParams | None = None) -> gpd.GeoDataFrame:
    """The ``exposure_timeline`` layer of the registry: :func:`timeline`.

    Parameters
    ----------
    params
        Everything but the date (the model's defaults when None).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per town and step of the shipped layers, sorted by ``timeline_id``.
    """
    return _as_layer(timeline(context(), params), "exposure_timeline")


def analysis_layers(
    ctx: engine.Context, params: ExposureParams | None = None
) -> dict[str, tuple[gpd.GeoDataFrame, LayerInfo]]:
    """The analysis layers of the registry for one context and one set of parameters.

    ``layer_names("analysis")``: the exposure with its robustness, the segment criticality and
    the timeline, with their :class:`~minusma.layers.registry.LayerInfo`, for
    :func:`minusma.layers.export.export_layers`.

    Parameters
    ----------
    ctx
        The prepared context (the Study's): on a data directory, the exposure carries each
        place's admin units by spatial join (``join_region_2023``, ``join_cercle_pcode``, ...).
    params
        The model's parameters.

    Returns
    -------
    dict
        Layer name -> (frame, info).
    """
    p = mission_params(params)
    frames = {
        "exposure": assessment(ctx, p, robustness=True),
        "segment_criticality": segment_criticality(ctx, p),
        "exposure_timeline": timeline(ctx, p),
    }
    names = layer_names("analysis")
    if set(names) != set(frames):
        raise RuntimeError(f"analysis layers of the registry {names} are not {sorted(frames)}")
    return {name: (_as_layer(frames[name], name), get_info(name)) for name in names}
