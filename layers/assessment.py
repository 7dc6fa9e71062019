"""The exposure assessment on the shipped layers: one call, every indicator, with metadata.

Thin glue: loads the layers, builds the road graph and hands frames to :mod:`geo.exposure.assess`.
The analysis itself (and every default parameter, with its justification) lives in ``geo``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from geo._validate import Column, Schema
from geo.exposure import access, coverage, lifelines, score
from geo.exposure import assess as engine
from layers._files import read_facts
from layers.registry import LayerInfo

logger = logging.getLogger(__name__)

__all__ = ["INFOS", "assess", "context", "parameters", "segment_criticality", "speeds", "timeline"]


def speeds(path: str | None = None) -> pd.DataFrame:
    """The speed table (``layers/data/speeds.csv`` or a user CSV); rows without a speed are dropped
    (that class/season has no speed: its travel times are reported missing, never averaged)."""
    table = pd.read_csv(path) if path else read_facts("speeds.csv", floats=("speed_kmh",))
    empty = table["speed_kmh"].isna()
    if empty.any():
        logger.info(
            "speed table: %d class/season row(s) have no sourced speed: %s",
            int(empty.sum()),
            ", ".join(
                sorted(set(table.loc[empty, "road_class"] + "/" + table.loc[empty, "season"]))
            ),
        )
    return table.loc[~empty].reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _context(max_snap_km: float, air_reach_km: float, speeds_path: str | None) -> engine.Context:
    import layers as L

    river = L.river()
    line = river.set_index("reach_id").geometry
    from shapely.ops import linemerge

    merged = linemerge(list(line.loc[["upper", "navigable", "lower"]]))
    graph = access.road_graph(L.roads())
    towns = L.towns()
    # Niamey and Bordj Badji Mokhtar are in the gazetteer only as link ends: not assessed
    places = towns[towns["country"] == "ML"].reset_index(drop=True)
    return engine.prepare(
        places,
        L.bases(),
        graph,
        speeds=speeds(speeds_path),
        airports=L.airports(),
        air_links=L.air_links(),
        river_places=L.river_places(),
        river_line=merged,
        max_snap_km=max_snap_km,
        air_reach_km=air_reach_km,
    )


def context(
    *,
    max_snap_km: float = access.DEFAULT_MAX_SNAP_KM,
    air_reach_km: float = lifelines.DEFAULT_AIR_REACH_KM,
    speeds_path: str | None = None,
    data_dir: str | None = None,
    places: str = "towns",
) -> engine.Context:
    """The prepared assessment of the shipped towns (cached per parameters).

    With ``data_dir``, the context of :func:`layers.assessment_data.data_context` instead: roads from
    :func:`layers.network_sources.merged_roads`, the Natural Earth Niger, and ``places`` ``"towns"`` or
    ``"settlements"`` (the 18,769 OCHA COD places).
    """
    if data_dir is not None or places != "towns":
        from layers.assessment_data import data_context

        if data_dir is None:
            from geo._errors import ParameterError

            raise ParameterError(f"places={places!r} needs a data directory (data_dir=...)")
        return data_context(
            data_dir,
            places=places,
            max_snap_km=max_snap_km,
            air_reach_km=air_reach_km,
            speeds_path=speeds_path,
        )
    return _context(float(max_snap_km), float(air_reach_km), speeds_path)


def parameters(**options) -> dict:
    """Every parameter of an assessment, defaults filled in (written into export metadata)."""
    out = {
        "as_of": None,
        "before": coverage.BEFORE_DATE.isoformat(),
        "radius_km": coverage.DEFAULT_RADIUS_KM,
        "season": "dry",
        "close": [],
        "keep": [],
        "close_roads": [],
        "disabled_links": [],
        "disabled_operators": [],
        "weights": dict(score.DEFAULT_WEIGHTS),
        "aggregation": "arithmetic",
        "time_cap_h": score.DEFAULT_TIME_CAP_H,
        "max_snap_km": access.DEFAULT_MAX_SNAP_KM,
        "air_reach_km": lifelines.DEFAULT_AIR_REACH_KM,
        "class_thresholds": dict(score.CLASS_THRESHOLDS),
    }
    for key, value in options.items():
        if key == "weights" and value:
            out["weights"] = {**out["weights"], **dict(value)}
        elif value is not None:
            out[key] = list(value) if isinstance(value, (tuple, list)) else value
    if isinstance(out["as_of"], dt.date):
        out["as_of"] = out["as_of"].isoformat()
    return out


def assess(
    as_of: str | dt.date | None = None,
    *,
    radius_km: float = coverage.DEFAULT_RADIUS_KM,
    season: str = "dry",
    close: Iterable[str] = (),
    keep: Iterable[str] = (),
    close_roads: Iterable[str] = (),
    disabled_links: Iterable[str] = (),
    disabled_operators: Iterable[str] = (),
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    max_snap_km: float = access.DEFAULT_MAX_SNAP_KM,
    air_reach_km: float = lifelines.DEFAULT_AIR_REACH_KM,
    speeds_path: str | None = None,
    data_dir: str | None = None,
    places: str = "towns",
    robustness: bool = False,
) -> gpd.GeoDataFrame:
    """Exposure of every town of the gazetteer in Mali, as of a date (default: after the last site closed).

    ``as_of="2023-06-30"`` gives the situation before the withdrawal. ``close``/``keep`` name
    bases (id or town), ``close_roads`` road segments (id or ``"Diré–Goundam"``). Returns one
    row per town (towns without coordinates included, indicators missing), sorted by rank.
    ``data_dir``/``places`` select the open-data context (see :func:`context`); settlements are sorted by
    ``settlement_id`` within a rank. With ``data_dir`` every place also carries its OCHA COD units by
    spatial join (``join_region_old``, ``join_region_2023``, ``join_cercle_pcode``, ``join_commune_pcode``,
    ``admin_join_disagrees``, ``admin_join_differs_on``; see :func:`layers.assessment_data.admin_columns`),
    ``central_region`` comes from the dissolved 2023 region polygons, and ``out.attrs["parameters"]``
    says so (``admin_join``, ``central_region_source``).

    With ``robustness=True`` the ranking is re-run over the variants of :mod:`geo.exposure.robustness`
    (radius 25-100 km, four weight sets, two aggregations, two seasons; about 2 s on the shipped
    towns) and the columns ``rank_min``, ``rank_max``, ``rank_range``, ``classes_seen`` and
    ``uncertain`` (the class flips under a small change of radius or weights) are added.
    """
    ctx = context(
        max_snap_km=max_snap_km,
        air_reach_km=air_reach_km,
        speeds_path=speeds_path,
        data_dir=data_dir,
        places=places,
    )
    out = engine.evaluate(
        ctx,
        as_of=as_of,
        radius_km=radius_km,
        season=season,
        close=close,
        keep=keep,
        close_roads=close_roads,
        disabled_links=disabled_links,
        disabled_operators=disabled_operators,
        weights=weights,
        aggregation=aggregation,
    )
    out.attrs["parameters"] = parameters(
        as_of=out["as_of"].iloc[0],
        radius_km=radius_km,
        season=season,
        close=close,
        keep=keep,
        close_roads=close_roads,
        disabled_links=disabled_links,
        disabled_operators=disabled_operators,
        weights=weights,
        aggregation=aggregation,
        max_snap_km=max_snap_km,
        air_reach_km=air_reach_km,
    )
    if data_dir is not None:
        # where the admin-join columns and the central_region indicator come from (COD polygons or fallback)
        out.attrs["parameters"].update(
            data_dir=str(data_dir),
            places=places,
            **{
                k: ctx.params[k] for k in ("admin_join", "central_region_source") if k in ctx.params
            },
        )
    out.attrs["data_gaps"] = ctx.time_warnings(season)
    key = "settlement_id" if places == "settlements" else "town_id"
    if robustness:
        import warnings

        from geo.exposure.robustness import robustness as vary
        from geo.speeds import UnknownSpeedWarning

        with (
            warnings.catch_warnings()
        ):  # the variants' gaps (e.g. the other season) are not this run's
            warnings.simplefilter("ignore", UnknownSpeedWarning)
            spread = vary(
                ctx,
                id_column=key,
                as_of=as_of,
                close=close,
                keep=keep,
                close_roads=close_roads,
                disabled_links=disabled_links,
                disabled_operators=disabled_operators,
            )
        cols = ["rank_min", "rank_max", "rank_range", "classes_seen", "uncertain"]
        attrs = out.attrs
        out = out.join(spread[cols], on=key)
        out.attrs = attrs
        out.attrs["parameters"]["robustness"] = (
            "radius 25-100 km x 4 weight sets x 2 aggregations x 2 seasons"
        )
    return out.sort_values(["exposure_rank", key], na_position="last").reset_index(drop=True)


def segment_criticality(
    *, season: str = "dry", close_roads: Iterable[str] = ()
) -> gpd.GeoDataFrame:
    """The criticality table of every road segment of the shipped network (see :mod:`geo.exposure.criticality`)."""
    from geo.exposure.criticality import segment_criticality as table

    return table(context(), season=season, close_roads=close_roads)


def timeline(**options) -> gpd.GeoDataFrame:
    """The assessment at each of the 13 states of the withdrawal (long form, one row per town and step),
    with ``timeline_id`` = ``<step>-<town_id>`` and the change since the previous step."""
    from geo.exposure import timeline as tl

    ctx = context()
    steps = tl.timeline(ctx, **options)
    change = tl.changes(steps).set_index(["step", "town_id"])[
        ["exposure_score_change", "rank_change", "class_before", "coverage_lost_now"]
    ]
    steps = steps.join(change, on=["step", "town_id"])
    steps.insert(0, "timeline_id", steps["step"].map("{:02d}".format) + "-" + steps["town_id"])
    geom = ctx.places.set_index("town_id").geometry
    return gpd.GeoDataFrame(steps, geometry=steps["town_id"].map(geom).to_numpy(), crs="EPSG:4326")


_COMMON = dict(
    licence="derived by minusma-exposure from the shipped layers (CC BY 4.0); see their licences",
    attribution="minusma-exposure contributors; sources of the input layers",
    sources=(
        "layers: towns, bases, roads, speeds.csv, airports, air_links, river, river_places",
        "method: INFORM Index for Risk Management, Concept and Methodology (JRC 2017, EUR 28655 EN); "
        "ra2ce single-link redundancy (Deltares)",
    ),
)
_CAVEATS = (
    "Road geometry is schematic (straight segments between towns) and the road layer is incomplete: towns "
    "off it have road indicators missing, not zero.",
    "Travel times are missing where a segment's class has no speed for the season (data gap), never averaged.",
    "Air service after the documented periods is often unknown (absence of a later row is not evidence "
    "that a service stopped): the air indicator is then missing.",
    "The river line is schematic: north/south of the Niger is approximate and undefined for towns on the line.",
    "Radius, weights, thresholds, time cap and reach distances are modelling choices: see the parameters "
    "in provenance.json and the robustness ranges.",
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
        description="Per town: security umbrella before/at the date, road access to Bamako, the nearest open "
        "base and regional capital, single points of failure, air and river lifelines, INFORM-style scores "
        "(0-10), rank, class (low/moderate/high/severe, fixed thresholds), data-gap flags and reasons.",
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
        description="Per road segment: bridge of the graph or not, detour length/time if cut, places and "
        "people stranded from Bamako (with the number of places without a population figure).",
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
        description="The exposure assessment before the withdrawal (2023-06-30) and at each closure date, one row "
        "per town and step, with the change since the previous step.",
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


def analysis_layers(**options) -> dict[str, tuple[gpd.GeoDataFrame, LayerInfo]]:
    """The analysis layers for :func:`layers.export.export_layers`, with default parameters unless given.

    List-valued cells are joined with ``;`` so every format can hold them.
    """
    exposure = assess(**options, robustness=True)
    crit = segment_criticality(
        season=options.get("season", "dry"), close_roads=options.get("close_roads", ())
    )
    steps = timeline(
        **{
            k: v
            for k, v in options.items()
            if k in ("radius_km", "season", "weights", "aggregation")
        }
    )
    out = {}
    for name, gdf in (
        ("exposure", exposure),
        ("segment_criticality", crit),
        ("exposure_timeline", steps),
    ):
        gdf = gdf.copy()
        gdf.attrs = {}
        info = INFOS[name]
        out[name] = (gdf.sort_values(info.id_column).reset_index(drop=True), info)
    return out
