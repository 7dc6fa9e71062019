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

from geo._errors import ParameterError, UnknownNameError
from geo._validate import Column, Schema
from geo.exposure import access
from geo.exposure import assess as engine
from geo.exposure import timeline as tl
from geo.exposure.criticality import segment_criticality as criticality_table
from geo.exposure.params import ExposureParams
from geo.exposure.robustness import robustness as vary
from geo.speeds import UnknownSpeedWarning
from layers.air_links import COMMERCIAL_OPERATORS
from layers.air_links import air_links as load_air_links
from layers.airports import airports as load_airports
from layers.assessment_data import admin_columns, data_context
from layers.bases import bases as load_bases
from layers.events import WINDOW as EVENTS_WINDOW
from layers.events import events as shipped_events
from layers.regions import CENTRAL_REGIONS_2023
from layers.registry import LayerInfo
from layers.river import river as load_river
from layers.river import river_places as load_river_places
from layers.roads import roads as load_roads
from layers.speeds import speeds
from layers.towns import HUB_ID
from layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = [
    "INFOS",
    "PLACES",
    "analysis_layers",
    "assess",
    "context",
    "segment_criticality",
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
    p = params if params is not None else ExposureParams()
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
    """Exposure of every town of the gazetteer in Mali, as of a date (default: after the last site
    closed).

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


_COMMON = {
    "licence": (
        "derived by minusma-exposure from the shipped layers (CC BY 4.0); see their licences"
    ),
    "attribution": "minusma-exposure contributors; sources of the input layers",
    "sources": (
        "layers: towns, bases, roads, speeds.csv, airports, air_links, river, river_places",
        (
            "method: INFORM Index for Risk Management, Concept and Methodology (JRC 2017, "
            "EUR 28655 EN); ra2ce single-link redundancy (Deltares)"
        ),
    ),
}
_CAVEATS = (
    (
        "Road geometry is schematic (straight segments between towns) and the road layer is "
        "incomplete: towns off it have road indicators missing, not zero."
    ),
    (
        "Travel times are missing where a segment's class has no speed for the season (data gap), "
        "never averaged."
    ),
    (
        "Air service after the documented periods is often unknown (absence of a later row is not "
        "evidence that a service stopped): the air indicator is then missing."
    ),
    (
        "The river line is schematic: north/south of the Niger is approximate and undefined for "
        "towns on the line."
    ),
    (
        "Radius, weights, thresholds, time cap and reach distances are modelling choices: see the "
        "parameters in provenance.json and the robustness ranges."
    ),
)


def _schema(id_column: str, columns: tuple[tuple[str, str, str], ...]) -> Schema:
    return Schema(
        id_column=id_column,
        geometry_types=("Point", "LineString"),
        extra_columns_allowed=True,
        columns=tuple(Column(n, k, d) for n, k, d in columns),
    )


INFOS = {
    "exposure": LayerInfo(
        name="exposure",
        title="Exposure of Malian towns after the MINUSMA withdrawal",
        description="Per town: security umbrella before/at the date, road access to Bamako, the "
        "nearest open base and regional capital, single points of failure, air and river "
        "lifelines, INFORM-style scores (0-10), rank, class (low/moderate/high/severe, fixed "
        "thresholds), data-gap flags and reasons.",
        geometry_kind="real",
        schema=_schema(
            "town_id",
            (
                ("town_id", "string", "town id"),
                ("exposure_score", "float", "composite 0-10 (higher = more exposed)"),
                ("exposure_rank", "int", "1 = most exposed"),
                ("exposure_class", "string", "low/moderate/high/severe/unknown"),
                ("base_before_km", "float", "geodesic km to nearest site open before"),
                (
                    "base_after_km",
                    "float",
                    "geodesic km to nearest site open at the date (null: none open)",
                ),
                (
                    "bamako_road_km",
                    "float",
                    "road km to Bamako (null: unreachable or off the road layer)",
                ),
                (
                    "bamako_travel_h",
                    "float",
                    "road hours to Bamako (null: unreachable, off network or speed unknown)",
                ),
                ("bamako_routes", "int", "edge-disjoint road routes to Bamako"),
                ("data_gap", "bool", "an indicator is missing"),
                ("reasons", "string", "human-readable reasons"),
                ("rank_min", "float", "best rank over the robustness variants"),
                ("rank_max", "float", "worst rank over the robustness variants"),
                (
                    "uncertain",
                    "bool",
                    "class flips under a small change of radius (40/60 km) or one weight (1.5)",
                ),
            ),
        ),
        caveats=_CAVEATS,
        **_COMMON,
    ),
    "segment_criticality": LayerInfo(
        name="segment_criticality",
        title="Road segment criticality (single points of failure)",
        description="Per road segment: bridge of the graph or not, detour length/time if cut, "
        "places and people stranded from Bamako (with the number of places without a population "
        "figure).",
        geometry_kind="schematic",
        schema=_schema(
            "segment_id",
            (
                ("segment_id", "string", "road id"),
                ("is_bridge", "bool", "its loss disconnects the network"),
                ("detour_km", "float", "extra km of the best alternative (null: none)"),
                ("detour_h", "float", "extra hours of it (null: none or speed unknown)"),
                ("stranded_places", "int", "places cut off from Bamako"),
                ("stranded_population", "float", "sum of known population figures of those places"),
                (
                    "stranded_places_no_population",
                    "int",
                    "stranded places without a population figure",
                ),
            ),
        ),
        caveats=_CAVEATS,
        **_COMMON,
    ),
    "exposure_timeline": LayerInfo(
        name="exposure_timeline",
        title="Exposure at each step of the withdrawal (13 states)",
        description="The exposure assessment before the withdrawal (2023-06-30) and at each "
        "closure date, one row per town and step, with the change since the previous step.",
        geometry_kind="real",
        schema=_schema(
            "timeline_id",
            (
                ("timeline_id", "string", "<step>-<town_id>"),
                ("step", "int", "0 = before"),
                ("as_of", "date", "date of the step"),
                ("sites_open", "int", "MINUSMA sites open"),
                ("exposure_score_change", "float", "change since the previous step"),
            ),
        ),
        caveats=_CAVEATS,
        **_COMMON,
    ),
}


def analysis_layers(
    params: ExposureParams | None = None, *, data_dir: str | os.PathLike | None = None
) -> dict[str, tuple[gpd.GeoDataFrame, LayerInfo]]:
    """The analysis layers for :func:`layers.export.export_layers`: the exposure (with its
    robustness), the segment criticality and the timeline, all for the same ``params``.

    Parameters
    ----------
    params
        The model's parameters (default :class:`geo.exposure.params.ExposureParams`).
    data_dir
        A data directory with the OCHA COD boundaries: the exposure then also carries each town's
        admin units by spatial join (``join_region_old``, ``join_region_2023``,
        ``join_cercle_pcode``, ``join_commune_pcode``, ``admin_join_disagrees``,
        ``admin_join_differs_on``; :func:`layers.assessment_data.admin_columns`). The model itself
        stays that of the shipped layers (roads, river), so the figures do not change.

    List-valued cells are joined with ``;`` so every format can hold them.
    """
    p = params if params is not None else ExposureParams()
    exposure = assess(params=p, robustness=True)
    if data_dir is not None:
        attrs = exposure.attrs
        joins = admin_columns(exposure, "towns", data_dir)
        exposure = exposure.join(joins)
        exposure.attrs = attrs
    out = {}
    for name, gdf in (
        ("exposure", exposure),
        ("segment_criticality", segment_criticality(p)),
        ("exposure_timeline", timeline(p)),
    ):
        gdf = gdf.copy()
        gdf.attrs = {}
        info = INFOS[name]
        out[name] = (gdf.sort_values(info.id_column).reset_index(drop=True), info)
    return out
