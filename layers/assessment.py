"""The exposure assessment on the shipped layers: one call, every indicator, with metadata.

Thin glue: loads the layers, builds the road graph and hands frames to :mod:`geo.assess`.
The analysis itself (and every default parameter, with its justification) lives in ``geo``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from geo import access, assess as engine, coverage, lifelines, score
from geo._validate import Column, Schema
from layers._files import read_facts
from layers.registry import LayerInfo

logger = logging.getLogger(__name__)

__all__ = ["speeds", "context", "assess", "segment_criticality", "timeline", "INFOS", "parameters"]


def speeds(path: str | None = None) -> pd.DataFrame:
    """The speed table (``layers/data/speeds.csv`` or a user CSV); rows without a speed are dropped
    (that class/season has no speed: its travel times are reported missing, never averaged)."""
    table = pd.read_csv(path) if path else read_facts("speeds.csv", floats=("speed_kmh",))
    empty = table["speed_kmh"].isna()
    if empty.any():
        logger.info("speed table: %d class/season row(s) have no sourced speed: %s", int(empty.sum()),
                    ", ".join(sorted(set(table.loc[empty, "road_class"] + "/" + table.loc[empty, "season"]))))
    return table.loc[~empty].reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _context(max_snap_km: float, air_reach_km: float, speeds_path: str | None) -> engine.Context:
    import layers as L

    river = L.river()
    line = river.set_index("reach_id").geometry
    from shapely.ops import linemerge

    merged = linemerge(list(line.loc[["upper", "navigable", "lower"]]))
    graph = access.road_graph(L.roads())
    return engine.prepare(
        L.towns(), L.bases(), graph, speeds=speeds(speeds_path), airports=L.airports(), air_links=L.air_links(),
        river_places=L.river_places(), river_line=merged, max_snap_km=max_snap_km, air_reach_km=air_reach_km,
    )


def context(*, max_snap_km: float = access.DEFAULT_MAX_SNAP_KM, air_reach_km: float = lifelines.DEFAULT_AIR_REACH_KM,
            speeds_path: str | None = None) -> engine.Context:
    """The prepared assessment of the shipped towns (cached per parameters)."""
    return _context(float(max_snap_km), float(air_reach_km), speeds_path)


def parameters(**options) -> dict:
    """Every parameter of an assessment, defaults filled in (written into export metadata)."""
    out = {
        "as_of": None, "before": coverage.BEFORE_DATE.isoformat(), "radius_km": coverage.DEFAULT_RADIUS_KM,
        "season": "dry", "close": [], "keep": [], "close_roads": [], "disabled_links": [], "disabled_operators": [],
        "weights": dict(score.DEFAULT_WEIGHTS), "aggregation": "arithmetic", "time_cap_h": score.DEFAULT_TIME_CAP_H,
        "max_snap_km": access.DEFAULT_MAX_SNAP_KM, "air_reach_km": lifelines.DEFAULT_AIR_REACH_KM,
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
) -> gpd.GeoDataFrame:
    """Exposure of every town of the gazetteer, as of a date (default: after the last site closed).

    ``as_of="2023-06-30"`` gives the situation before the withdrawal. ``close``/``keep`` name
    bases (id or town), ``close_roads`` road segments (id or ``"Diré–Goundam"``). Returns one
    row per town (towns without coordinates included, indicators missing), sorted by rank.
    """
    ctx = context(max_snap_km=max_snap_km, air_reach_km=air_reach_km, speeds_path=speeds_path)
    out = engine.evaluate(ctx, as_of=as_of, radius_km=radius_km, season=season, close=close, keep=keep,
                          close_roads=close_roads, disabled_links=disabled_links,
                          disabled_operators=disabled_operators, weights=weights, aggregation=aggregation)
    out.attrs["parameters"] = parameters(as_of=out["as_of"].iloc[0], radius_km=radius_km, season=season, close=close,
                                         keep=keep, close_roads=close_roads, disabled_links=disabled_links,
                                         disabled_operators=disabled_operators, weights=weights,
                                         aggregation=aggregation, max_snap_km=max_snap_km, air_reach_km=air_reach_km)
    out.attrs["data_gaps"] = ctx.time_warnings(season)
    return out.sort_values(["exposure_rank", "town_id"], na_position="last").reset_index(drop=True)
