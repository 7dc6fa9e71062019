"""The assessment context built from the open datasets of a data directory.

It is what a Study with a data directory prepares (``Study(data_dir=...)``).

Differences from the shipped-layer context of :mod:`layers.assessment`:

* roads: :func:`layers.network_sources.merged_roads` (shipped segments with the corridor figures
  attached, plus OSM ways when the optional ``osm_roads`` dataset is present);
* the Niger: the Natural Earth 10m line (:func:`layers.river_ne.niger_ne`) instead of the schematic
  one, for ``north_of_niger`` (its left bank; NA on the line) and ``riverside`` (within
  :data:`RIVERSIDE_KM` of it). The reach of a riverside place is read off its position along the
  main stem relative to Koulikoro and Gao, the ends of the navigable reach in the shipped ``river``
  layer;
* places: the curated towns in Mali (default) or the 18,769 OCHA COD settlements
  (``places="settlements"``, id ``settlement_id``, regional capitals = COD class 2, the hub = the
  national capital, class 1);
* administrative units: every place gets the region (old and 2023), cercle and commune P-codes of
  the OCHA COD commune polygon it lies in (:func:`layers.admin.admin_join`), as ``join_*`` columns
  beside the curated attributes, with ``admin_join_disagrees`` where the two differ
  (:func:`admin_columns`);
* ``central_region``: the place lies in one of the dissolved 2023 central regions
  (:func:`layers.admin.regions_2023`) rather than the curated ``region_2023`` attribute
  (:func:`central_flags`); places without a point inside Mali's communes keep the attribute.
  ``ctx.params`` (and the assessment's ``attrs["parameters"]``) say which source was used:
  ``admin_join``, ``central_region_source``.

Every optional input whose file is absent falls back to the shipped layer, with a log line saying
so; a data directory that does not exist, or a file that is present but damaged, is an error.
"""

from __future__ import annotations

import functools
import logging
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import minusma.layers.admin as admin
import minusma.layers.river_ne as river_ne
from minusma.geo._errors import ParameterError
from minusma.geo.exposure import access
from minusma.geo.exposure import assess as engine
from minusma.geo.exposure.params import Preparation
from minusma.layers.air_links import COMMERCIAL_OPERATORS, MISSION_OPERATORS
from minusma.layers.air_links import air_links as load_air_links
from minusma.layers.airports import airports as load_airports
from minusma.layers.bases import bases as load_bases
from minusma.layers.datadir import resolve_data_dir
from minusma.layers.datasets import DatasetMissingError, read_dataset
from minusma.layers.events import WINDOW as EVENTS_WINDOW
from minusma.layers.events import events as shipped_events
from minusma.layers.mission import HUB_KEY, MISSION
from minusma.layers.network_sources import merged_roads
from minusma.layers.regions import CENTRAL_REGIONS_2023
from minusma.layers.river import river as load_river
from minusma.layers.settlements import settlements
from minusma.layers.speeds import speeds
from minusma.layers.towns import HUB_ID
from minusma.layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = [
    "ADMIN_JOIN_COLUMNS",
    "PLACES",
    "RIVERSIDE_KM",
    "admin_columns",
    "central_flags",
    "data_context",
    "load_places",
    "niger_line",
    "river_flags",
]

#: Place sets ``assess(places=...)`` accepts.
PLACES = ("towns", "settlements")

#: A place within this distance of the Natural Earth Niger is riverside (km). The NE 10m line lies
#: within 2-3 km of the riverside towns of the shipped ``river_places`` list; 10 km is the default
#: of :func:`layers.river_ne.riverside` (a modelling choice: a walk to the bank).
RIVERSIDE_KM = 10.0

#: Columns of :func:`layers.admin.admin_join` and the names they take in the assessment (prefixed,
#: so that the curated ``region_2023``, ``cercle_pcode``... of the same name stay as they are).
ADMIN_JOIN_COLUMNS = {
    "region_old": "join_region_old",
    "region_2023": "join_region_2023",
    "cercle_pcode": "join_cercle_pcode",
    "commune_pcode": "join_commune_pcode",
}


def load_places(places: str, data_dir: str | os.PathLike | None) -> tuple[gpd.GeoDataFrame, dict]:
    """The places to assess, and the :func:`geo.exposure.assess.prepare` options for them.

    Parameters
    ----------
    places
        ``"towns"`` (the shipped gazetteer's Malian towns) or ``"settlements"`` (the OCHA COD
        populated places of ``data_dir``).
    data_dir
        The data directory (needed for ``"settlements"``).

    Returns
    -------
    places : geopandas.GeoDataFrame
        The places.
    options : dict
        The :func:`~geo.exposure.assess.prepare` options for them (empty for the towns).

    Raises
    ------
    ParameterError
        An unknown ``places``, or settlements without exactly one class-1 place (the hub).
    """
    if places not in PLACES:
        raise ParameterError(f"places must be one of {list(PLACES)}, got {places!r}")
    if places == "towns":
        towns = load_towns()
        return towns[towns["country"] == "ML"].reset_index(drop=True), {}
    frame = settlements(data_dir).reset_index(drop=True)
    hub = frame.loc[frame["class_code"] == 1, "settlement_id"]
    if len(hub) != 1:
        raise ParameterError(
            f"settlements: expected one national capital (class 1), found {len(hub)}"
        )
    return frame, {
        "id_column": "settlement_id",
        "hub_id": hub.iloc[0],
        "capital_column": "class_label",
        "capital_value": "Admin1 Capital",
    }


def niger_line(data_dir: str | os.PathLike | None) -> gpd.GeoDataFrame | None:
    """The NE 10m Niger in Mali, or None (logged) when the dataset is absent.

    Parameters
    ----------
    data_dir
        The data directory.

    Returns
    -------
    geopandas.GeoDataFrame or None
        The Niger's Natural Earth features in Mali (:func:`layers.river_ne.niger_ne`).
    """
    try:
        return river_ne.niger_ne(data_dir)
    except DatasetMissingError as exc:  # only an absent file; damaged ones fail
        logger.warning(
            "assessment: Natural Earth Niger not available (%s); using the shipped schematic river",
            exc,
        )
        return None


def river_flags(
    places: gpd.GeoDataFrame, line: gpd.GeoDataFrame, id_column: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Riverside places with their reach, and which bank of the Niger each place is on.

    Parameters
    ----------
    places
        The places (points in EPSG:4326).
    line
        The Niger (:func:`niger_line`).
    id_column
        The places' id column.

    Returns
    -------
    river_places : pandas.DataFrame
        The riverside places: ``town_id`` (the place id) and ``reach`` (``upper``, ``navigable``
        or ``lower``, split at Koulikoro and Gao).
    north_of_niger : pandas.Series
        Nullable boolean per place, NA where the bank cannot be told.
    """
    side = river_ne.riverside(places, line, within_km=RIVERSIDE_KM)
    stem = river_ne.main_stem(line)
    towns = load_towns().set_index("town_id").geometry
    # positions along the stem order places from upstream to downstream (an order, not a
    # measurement)
    start, stop = (stem.project(towns[t]) for t in ("ml-koulikoro", "ml-gao"))
    has = places.geometry.notna().to_numpy() & side["riverside"].to_numpy()
    pos = np.full(len(places), np.nan)
    pos[has] = shapely.line_locate_point(stem, places.geometry.values[has])
    reach = np.where(pos < start, "upper", np.where(pos > stop, "lower", "navigable"))
    river_places = pd.DataFrame({"town_id": places[id_column].to_numpy()[has], "reach": reach[has]})
    north = pd.array(side["side_of_river"].eq("north").to_numpy(), dtype="boolean")
    north[~side["side_of_river"].isin(["north", "south"]).to_numpy()] = pd.NA
    return river_places, pd.Series(north, index=places.index, name="north_of_niger")


def _curated_admin(
    frame: gpd.GeoDataFrame, places: str, data_dir: str | os.PathLike | None
) -> dict[str, pd.Series]:
    """The curated attributes the join is checked against, keyed by admin_join column."""
    if places == "settlements":  # the COD record's own attributes (2023 region via its cercle)
        return {key: frame[key] for key in ("region_2023", "cercle_pcode", "commune_pcode")}
    # a curated town carries no commune P-code: take that of the COD record it is matched to
    # (ocha_pcode); the place P-code itself does not encode it for seats (ML050200000 = Bandiagara,
    # commune ML050201)
    record = (
        read_dataset("cod_places", data_dir)
        .drop_duplicates("pcode")
        .set_index("pcode")["admin3Pcod"]
    )
    return {"region_2023": frame["region_2023"], "commune_pcode": frame["ocha_pcode"].map(record)}


def admin_columns(
    frame: gpd.GeoDataFrame,
    places: str,
    data_dir: str | os.PathLike | None,
    *,
    commune_frame: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """The administrative units of each place by spatial join, checked against its curated ones.

    Parameters
    ----------
    frame
        The places of :func:`load_places`.
    places
        ``"towns"`` or ``"settlements"`` (which curated attributes the join is compared with).
    data_dir
        The data directory (OCHA COD communes; for towns also the COD populated places).
    commune_frame
        Precomputed :func:`layers.admin.communes`.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``frame.index``: the :data:`ADMIN_JOIN_COLUMNS` (null outside every commune or
        without geometry); ``admin_join_disagrees`` (nullable boolean: True where a curated value
        and the join are both known and differ, NA where nothing could be compared) and
        ``admin_join_differs_on`` (the keys that differ, ``;``-separated). Compared: ``region_2023``
        (curated), and the commune P-code (settlements: the COD record's ``admin3Pcod``, plus its
        cercle; towns: the ``admin3Pcod`` of the COD record named by ``ocha_pcode``).

    Raises
    ------
    DataDirError
        The COD communes (or, for towns, populated places) are not in ``data_dir``.
    """
    joined = admin.admin_join(frame, data_dir, commune_frame=commune_frame).rename(
        columns=ADMIN_JOIN_COLUMNS
    )
    compared = np.zeros(len(frame), dtype=bool)
    differs = {}
    for key, curated in _curated_admin(frame, places, data_dir).items():
        ours = joined[ADMIN_JOIN_COLUMNS[key]]
        both = (curated.notna() & ours.notna()).to_numpy()
        compared |= both
        differs[key] = both & (curated.astype(object).to_numpy() != ours.astype(object).to_numpy())
    any_diff = np.logical_or.reduce(list(differs.values()))
    flag = pd.array(any_diff, dtype="boolean")
    flag[~compared] = pd.NA
    joined["admin_join_disagrees"] = flag
    joined["admin_join_differs_on"] = [
        ";".join(k for k, d in differs.items() if d[i]) or None for i in range(len(frame))
    ]
    logger.info(
        "admin join: %d of %d %s disagree with their curated region_2023/P-codes, %d not compared",
        int(any_diff.sum()),
        len(frame),
        places,
        int((~compared).sum()),
    )
    return joined


def central_flags(
    frame: gpd.GeoDataFrame, regions: gpd.GeoDataFrame, inside_mali: np.ndarray
) -> pd.Series:
    """``central_region`` from polygons: the place lies in one of ``regions``.

    ``regions`` are e.g. the dissolved 2023 central regions of :func:`layers.admin.regions_2023`.

    NA for places without geometry and for places outside Mali's communes (``inside_mali`` False: a
    misplaced point says nothing about its region); False elsewhere outside the polygons.

    Parameters
    ----------
    frame
        The places.
    regions
        The polygons of the central regions.
    inside_mali
        Per place, whether it lies in one of Mali's communes.

    Returns
    -------
    pandas.Series
        Nullable boolean per place, named ``central_region``.
    """
    has = (frame.geometry.notna() & ~frame.geometry.is_empty).to_numpy()
    probe = gpd.GeoDataFrame(
        {"_pos": np.flatnonzero(has)}, geometry=frame.geometry.values[has], crs=frame.crs
    )
    hits = gpd.sjoin(
        probe, regions[["geometry"]].to_crs(frame.crs), how="inner", predicate="intersects"
    )
    inside = np.zeros(len(frame), dtype=bool)
    inside[hits["_pos"].to_numpy()] = True
    out = pd.array(inside, dtype="boolean")
    out[~(has & inside_mali)] = pd.NA
    return pd.Series(out, index=frame.index, name="central_region")


def _admin(frame: gpd.GeoDataFrame, places: str, data_dir: str, central_regions: tuple[str, ...]):
    """Join columns, central flags and the metadata saying where they come from.

    Without COD data the join columns are null and the central flags None (the curated
    attribute is used).
    """
    try:
        com = admin.communes(data_dir)
        columns = admin_columns(frame, places, data_dir, commune_frame=com)
        regions = admin.regions_2023(data_dir, names=tuple(central_regions))
    except DatasetMissingError as exc:  # only an absent file; damaged ones fail
        logger.warning(
            "assessment: OCHA COD boundaries not available (%s); no admin join, central_region "
            "from the curated region_2023 attribute",
            exc,
        )
        columns = pd.DataFrame(
            {
                c: pd.Series([None] * len(frame), index=frame.index, dtype=object)
                for c in (*ADMIN_JOIN_COLUMNS.values(), "admin_join_differs_on")
            }
        )
        columns.insert(4, "admin_join_disagrees", pd.array([pd.NA] * len(frame), dtype="boolean"))
        return (
            columns,
            None,
            {
                "admin_join": f"not available ({exc})",
                "central_region_source": "curated region_2023 attribute",
            },
        )
    central = central_flags(frame, regions, columns["join_commune_pcode"].notna().to_numpy())
    meta = {
        "admin_join": "minusma.layers.admin.admin_join: OCHA COD 2015 commune polygons + "
        "cercle_region_2023.csv crosswalk",
        "central_region_source": "minusma.layers.admin.regions_2023 polygons (2015 cercles "
        "dissolved by the crosswalk): " + ", ".join(central_regions),
    }
    return columns, central, meta


@functools.lru_cache(maxsize=4)
def _data_context(
    data_dir: str, places: str, max_snap_km: float, air_reach_km: float, speeds_path: str | None
) -> engine.Context:
    frame, options = load_places(places, data_dir)
    columns, central, admin_meta = _admin(frame, places, data_dir, CENTRAL_REGIONS_2023)
    frame = pd.concat([frame, columns], axis=1)
    graph = access.road_graph(merged_roads(data_dir, max_snap_km=max_snap_km))
    line = niger_line(data_dir)
    id_column = options.get("id_column", "town_id")
    if line is None:
        from shapely.ops import linemerge

        schematic = load_river().set_index("reach_id").geometry
        line = gpd.GeoDataFrame(
            geometry=[linemerge(list(schematic.loc[["upper", "navigable", "lower"]]))],
            crs="EPSG:4326",
        )
    river_places, north = river_flags(frame, line, id_column)
    static = pd.DataFrame({"north_of_niger": north.to_numpy()}, index=frame.index)
    region_column = "region_2023" if "region_2023" in frame.columns else None
    if central is not None:
        # the polygons decide; a place without a point in Mali keeps its curated region_2023
        # attribute
        curated = pd.Series(pd.array([pd.NA] * len(frame), dtype="boolean"), index=frame.index)
        if region_column is not None:
            known = frame[region_column].notna().to_numpy()
            curated[known] = frame[region_column][known].isin(CENTRAL_REGIONS_2023).to_numpy()
        fill = (central.isna() & curated.notna()).to_numpy()
        flags = central.array.copy()
        flags[fill] = curated.array[fill]
        static["central_region"] = flags
        admin_meta["central_region_source"] += (
            f"; curated region_2023 attribute for the {int(fill.sum())} "
            f"{places} without a point inside Mali's communes"
        )
    ctx = engine.prepare(
        frame,
        load_bases(),
        graph,
        speeds=speeds(speeds_path),
        airports=load_airports(),
        air_links=load_air_links(),
        river_places=river_places,
        river_line=None,
        region_column=region_column,
        central_regions=CENTRAL_REGIONS_2023,
        commercial_operators=COMMERCIAL_OPERATORS,
        mission_operators=MISSION_OPERATORS,
        static_columns=static,
        events=shipped_events(),
        events_coverage=EVENTS_WINDOW,
        notes={**admin_meta, "places": places, "data_dir": data_dir},
        preparation=Preparation(max_snap_km=max_snap_km, air_reach_km=air_reach_km),
        **{"hub_id": HUB_ID, "hub_key": HUB_KEY, "period": MISSION, **options},
    )
    logger.info(
        "assessment: %d %s on a road graph of %d edges from %s",
        len(frame),
        places,
        graph.n_edges,
        data_dir,
    )
    return ctx


def data_context(
    data_dir: str | os.PathLike,
    *,
    places: str = "towns",
    preparation: Preparation | None = None,
    speeds_path: str | None = None,
) -> engine.Context:
    """The prepared assessment on the open datasets of ``data_dir``.

    Parameters
    ----------
    data_dir
        The data directory (:func:`~minusma.layers.datadir.resolve_data_dir`).
    places
        ``"towns"`` or ``"settlements"``.
    preparation
        The preparation settings (default: :class:`~minusma.geo.exposure.params.Preparation`'s).
    speeds_path
        A speed table to use instead of the shipped one.

    Returns
    -------
    minusma.geo.exposure.assess.Context
        Cached per data directory, places, preparation and speed table.
    """
    p = preparation if preparation is not None else Preparation()
    return _data_context(
        str(resolve_data_dir(data_dir)), places, p.max_snap_km, p.air_reach_km, speeds_path
    )
