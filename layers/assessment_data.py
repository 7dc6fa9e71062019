"""The assessment context built from the open datasets of a data directory (``assess(data_dir=...)``).

Differences from the shipped-layer context of :mod:`layers.assessment`:

* roads: :func:`layers.network_sources.merged_roads` (shipped segments with the corridor figures
  attached, plus OSM ways when the optional ``osm_roads`` dataset is present);
* the Niger: the Natural Earth 10m line (:func:`layers.river_ne.niger_ne`) instead of the schematic one,
  for ``north_of_niger`` (its left bank; NA on the line) and ``riverside`` (within
  :data:`RIVERSIDE_KM` of it). The reach of a riverside place is read off its position along the main
  stem relative to Koulikoro and Gao, the ends of the navigable reach in the shipped ``river`` layer;
* places: the curated towns in Mali (default) or the 18,769 OCHA COD settlements (``places="settlements"``,
  id ``settlement_id``, regional capitals = COD class 2, the hub = the national capital, class 1).

Every optional input that is missing falls back to the shipped layer, with a log line saying so.
"""

from __future__ import annotations

import functools
import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import access, assess as engine, lifelines
from geo._errors import DataDirError, ParameterError
from layers import river_ne

logger = logging.getLogger(__name__)

__all__ = ["PLACES", "RIVERSIDE_KM", "data_context", "load_places", "niger_line", "river_flags"]

#: Place sets ``assess(places=...)`` accepts.
PLACES = ("towns", "settlements")

#: A place within this distance of the Natural Earth Niger is riverside (km). The NE 10m line lies within
#: 2-3 km of the riverside towns of the shipped ``river_places`` list; 10 km is the default of
#: :func:`layers.river_ne.riverside` (a modelling choice: a walk to the bank).
RIVERSIDE_KM = 10.0


def load_places(places: str, data_dir: str | os.PathLike | None) -> tuple[gpd.GeoDataFrame, dict]:
    """The places to assess and the :func:`geo.assess.prepare` options naming their columns."""
    import layers

    if places not in PLACES:
        raise ParameterError(f"places must be one of {list(PLACES)}, got {places!r}")
    if places == "towns":
        towns = layers.towns()
        return towns[towns["country"] == "ML"].reset_index(drop=True), {}
    from layers.settlements import settlements

    frame = settlements(data_dir).reset_index(drop=True)
    hub = frame.loc[frame["class_code"] == 1, "settlement_id"]
    if len(hub) != 1:
        raise ParameterError(f"settlements: expected one national capital (class 1), found {len(hub)}")
    return frame, {"id_column": "settlement_id", "hub_id": hub.iloc[0], "capital_column": "class_label",
                   "capital_value": "Admin1 Capital"}


def niger_line(data_dir: str | os.PathLike | None):
    """The NE 10m Niger in Mali, or None (logged) when the dataset is absent."""
    try:
        return river_ne.niger_ne(data_dir)
    except DataDirError as exc:
        logger.warning("assessment: Natural Earth Niger not available (%s); using the shipped schematic river", exc)
        return None


def river_flags(places: gpd.GeoDataFrame, line: gpd.GeoDataFrame, id_column: str) -> tuple[pd.DataFrame, pd.Series]:
    """Riverside places with their reach (``town_id`` = the place id, ``reach``) and ``north_of_niger``."""
    import layers

    side = river_ne.riverside(places, line, within_km=RIVERSIDE_KM)
    stem = river_ne.main_stem(line)
    towns = layers.towns().set_index("town_id").geometry
    # positions along the stem order places from upstream to downstream (an order, not a measurement)
    start, stop = (stem.project(towns[t]) for t in ("ml-koulikoro", "ml-gao"))
    has = places.geometry.notna().to_numpy() & side["riverside"].to_numpy()
    pos = np.full(len(places), np.nan)
    pos[has] = shapely.line_locate_point(stem, places.geometry.values[has])
    reach = np.where(pos < start, "upper", np.where(pos > stop, "lower", "navigable"))
    river_places = pd.DataFrame({"town_id": places[id_column].to_numpy()[has], "reach": reach[has]})
    north = pd.array(side["side_of_river"].eq("north").to_numpy(), dtype="boolean")
    north[~side["side_of_river"].isin(["north", "south"]).to_numpy()] = pd.NA
    return river_places, pd.Series(north, index=places.index, name="north_of_niger")


@functools.lru_cache(maxsize=4)
def _data_context(data_dir: str, places: str, max_snap_km: float, air_reach_km: float,
                  speeds_path: str | None) -> engine.Context:
    import layers
    from layers.assessment import speeds
    from layers.network_sources import merged_roads

    frame, options = load_places(places, data_dir)
    graph = access.road_graph(merged_roads(data_dir, max_snap_km=max_snap_km))
    line = niger_line(data_dir)
    id_column = options.get("id_column", "town_id")
    if line is None:
        from shapely.ops import linemerge

        schematic = layers.river().set_index("reach_id").geometry
        line = gpd.GeoDataFrame(geometry=[linemerge(list(schematic.loc[["upper", "navigable", "lower"]]))],
                                crs="EPSG:4326")
    river_places, north = river_flags(frame, line, id_column)
    ctx = engine.prepare(frame, layers.bases(), graph, speeds=speeds(speeds_path), airports=layers.airports(),
                         air_links=layers.air_links(), river_places=river_places, river_line=None,
                         max_snap_km=max_snap_km, air_reach_km=air_reach_km, **options)
    ctx.static["north_of_niger"] = north.to_numpy()
    ctx.params["places"] = places
    ctx.params["data_dir"] = data_dir
    logger.info("assessment: %d %s on a road graph of %d edges from %s", len(frame), places, graph.n_edges, data_dir)
    return ctx


def data_context(data_dir: str | os.PathLike, *, places: str = "towns",
                 max_snap_km: float = access.DEFAULT_MAX_SNAP_KM, air_reach_km: float = lifelines.DEFAULT_AIR_REACH_KM,
                 speeds_path: str | None = None) -> engine.Context:
    """The prepared assessment on the open datasets of ``data_dir`` (cached per parameters)."""
    from layers.datadir import resolve_data_dir

    return _data_context(str(resolve_data_dir(data_dir)), places, float(max_snap_km), float(air_reach_km), speeds_path)
