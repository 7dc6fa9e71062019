"""The exposure assessment of every place, at a date or in a scenario.

:func:`prepare` does the work that does not depend on the date or scenario once (snapping places
and bases to the road graph, travel times per season, airstrips within reach, river and
geography); :func:`evaluate` then assesses one date/scenario in a few Dijkstra runs, so a
timeline or a one-base what-if costs milliseconds. :func:`assess` does both.

A what-if (sites closed or kept, roads cut) after the assessment of the same date and parameters
without a scenario is that assessment patched (:mod:`geo.exposure.patch`): road costs repaired
where the change reaches, the coverage of the places whose nearest open site changed, the air
columns of the places near an airport whose service changed, and the scores, class and reasons of
the rows whose inputs changed; every other column is shared with the reference, not rebuilt.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError, SchemaError, UnknownNameError
from minusma.geo.distance import QueryPoints, nearest_within_km
from minusma.geo.exposure import access, calibrate, coverage, lifelines, reasons, score
from minusma.geo.exposure.cache import DEFAULT_CACHE_BYTES, ByteCache, default_cache_bytes
from minusma.geo.exposure.params import (
    MODELS,
    ExposureParams,
    Period,
    Preparation,
    check_hub_key,
    check_km,
    check_params,
    parse_iso_date,
)
from minusma.geo.exposure.patch import Patch, Reference, costs_differ, values_differ
from minusma.geo.names import name_key
from minusma.geo.network import RoadGraph
from minusma.geo.speeds import SEASONS, travel_time_h

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_CACHE_BYTES",
    "REFERENCE_SHARE",
    "Context",
    "calibrated_features",
    "evaluate",
    "model_features",
    "open_flags",
    "prepare",
    "resolve_bases",
    "resolve_edges",
    "within_period",
]


def resolve_bases(
    bases: pd.DataFrame, names: Iterable[str], *, keys: Mapping[str, int] | None = None
) -> list[int]:
    """Positions of the bases named by id, site name or town.

    Case, accents and punctuation are ignored.

    Parameters
    ----------
    bases
        The sites (``base_id``, and ``name``, ``town``, ``town_id`` where present).
    names
        The names to resolve.
    keys
        The sites' name keys, built once by the caller (a context caches them); default: built
        from ``bases``.

    Returns
    -------
    list of int
        The position of each named site, in the order named.

    Raises
    ------
    UnknownNameError
        Listing the unknown names and every valid choice.
    """
    names = list(names)
    if not names:
        return []
    keys = _base_keys(bases) if keys is None else keys
    out, unknown = [], []
    for name in names:
        found = keys.get(name_key(name))
        (unknown.append(name) if found is None else out.append(found))
    if unknown:
        valid = ", ".join(
            f"{b} ({t})" for b, t in zip(bases["base_id"], bases.get("town", bases["base_id"]))
        )
        raise UnknownNameError(f"unknown base(s) {unknown}; valid bases (id or town): {valid}")
    return out


def _base_keys(bases: pd.DataFrame) -> dict[str, int]:
    """Position of the site each name key means (id, site name, town)."""
    keys: dict[str, int] = {}
    for col in ("base_id", "name", "town", "town_id"):
        if col in bases.columns:
            for pos, value in enumerate(bases[col]):
                keys.setdefault(name_key(value), pos)
                if col == "town":
                    keys.setdefault(name_key(re.sub(r"\s*\(.*\)", "", str(value))), pos)
                if col == "town_id":
                    keys.setdefault(name_key(str(value).split("-", 1)[-1]), pos)
    return keys


def resolve_edges(graph: RoadGraph, names: Iterable[str]) -> list[str]:
    """Edge ids from ids or ``"Town–Town"`` labels (either order, any dash).

    Parameters
    ----------
    graph
        The road graph.
    names
        Edge ids or labels.

    Returns
    -------
    list of str
        The edge ids, in the order of ``names``.

    Raises
    ------
    UnknownNameError
        Listing the unknown names and every valid segment.
    """
    names = list(names)
    if not names:
        return []
    labels = access.edge_labels(graph)
    keys = {name_key(e): e for e in labels.index}
    for e, label in labels.items():
        ends = re.split(r"[–-]", label, maxsplit=1)
        keys.setdefault(name_key(label), e)
        if len(ends) == 2:
            keys.setdefault(name_key(ends[1] + ends[0]), e)
    out, unknown = [], []
    for name in names:
        e = keys.get(name_key(name))
        (unknown.append(name) if e is None else out.append(e))
    if unknown:
        raise UnknownNameError(
            f"unknown road segment(s) {unknown}; valid segments: {', '.join(labels.index)}"
        )
    return out


@dataclass(frozen=True, eq=False)
class Context:
    """Everything :func:`evaluate` needs that does not change with the date or scenario.

    Built by :func:`prepare` and never changed afterwards (only its private cache fills up).
    ``preparation`` holds the settings it was prepared with (``max_snap_km``,
    ``air_reach_km``: :class:`~minusma.geo.exposure.params.Preparation`);
    ``notes`` records where inputs came from (e.g. the admin join), for metadata.

    ``_cache`` (a :class:`~geo.exposure.cache.ByteCache`) keeps the graph of each season and
    what :func:`evaluate` reuses across scenarios: road costs per season, roads cut and hub set
    (a what-if repairs the nearest cached costs rather than running Dijkstra again); the hub
    columns, routes and road reasons per season and roads cut (they do not depend on the bases);
    air columns per airport service; the assessment without a scenario of each date and set of
    parameters, which a what-if patches where it changes something
    (:class:`~geo.exposure.patch.Reference`). It holds at most ``cache_bytes`` estimated bytes
    (default of :func:`prepare`: :func:`geo.exposure.cache.default_cache_bytes`; least recently
    used out first, what an evaluation without a scenario built last); :meth:`clear_cache`
    empties it and gives the memory back.
    """

    places: gpd.GeoDataFrame
    bases: gpd.GeoDataFrame
    graph: RoadGraph
    speeds: pd.DataFrame
    air_links: pd.DataFrame
    place_nodes: np.ndarray
    base_nodes: np.ndarray
    capital_nodes: np.ndarray
    capital_ids: np.ndarray
    hub_node: int
    hub_key: str
    static: pd.DataFrame
    air_pairs: pd.DataFrame
    airport_icaos: list[str]
    airport_towns: list
    base_closure_by_airport: dict[str, str]
    preparation: Preparation
    labels: pd.Series
    commercial_operators: tuple[str, ...] = ()
    mission_operators: tuple[str, ...] = ()
    notes: Mapping[str, object] = field(default_factory=dict)
    events: gpd.GeoDataFrame | None = field(default=None, repr=False)
    events_coverage: tuple[dt.date, dt.date] | None = None
    period: Period | None = None
    base_km: coverage.SiteDistances | np.ndarray | None = field(default=None, repr=False)
    cache_bytes: int = DEFAULT_CACHE_BYTES
    _cache: ByteCache = field(default_factory=ByteCache, repr=False)

    def __post_init__(self) -> None:
        """Give the context a cache of its budget (a copy with another budget gets its own)."""
        cache = self._cache
        if not isinstance(cache, ByteCache):  # None, or a plain dict from dataclasses.replace
            fresh = ByteCache(self.cache_bytes)
            for key, value in (cache or {}).items():
                fresh[key] = value
            object.__setattr__(self, "_cache", fresh)
        elif cache.max_bytes != self.cache_bytes:  # a new budget: a cache of its own
            object.__setattr__(self, "_cache", ByteCache(self.cache_bytes))

    def clear_cache(self) -> None:
        """Drop everything evaluated so far (the memory goes back).

        The next evaluation starts cold.
        """
        self._cache.clear()
        self.graph.clear_caches()
        if isinstance(self.base_km, coverage.SiteDistances):
            self.base_km.clear()

    def timed_graph(self, season: str) -> RoadGraph:
        """The graph with travel-time bounds for ``season`` (cached).

        Unknown speeds warn once per context (:class:`geo.speeds.UnknownSpeedWarning`), and
        :meth:`time_warnings` keeps the messages.

        Parameters
        ----------
        season
            ``dry`` or ``wet``.

        Returns
        -------
        RoadGraph
            The graph with ``travel_h`` and ``travel_h_lower``.

        Raises
        ------
        ParameterError
            An unknown season.
        """
        if season not in SEASONS:
            raise ParameterError(f"unknown season {season!r}; choose from {list(SEASONS)}")
        if season not in self._cache:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                hours = travel_time_h(self.graph, self.speeds, season=season, on_unknown="warn")
            self._cache.pin(
                season,
                (access.with_time_bounds(self.graph, hours), [_said(w.message) for w in caught]),
            )
            for w in caught:  # recorded for time_warnings, and passed on to the caller
                warnings.warn(w.message, stacklevel=2)
        return self._cache[season][0]

    def time_warnings(self, season: str) -> list[str]:
        """Messages about road classes without a speed in ``season``.

        Parameters
        ----------
        season
            ``dry`` or ``wet``.

        Returns
        -------
        list of str
            The warnings' messages.
        """
        self.timed_graph(season)
        return self._cache[season][1]


def _said(message: Warning | str) -> str:
    """A warning's message as text.

    A :class:`~minusma.geo.i18n.Phrase` is kept as it is: its words in every language.
    """
    args: tuple[object, ...] = getattr(message, "args", ())
    first = args[0] if len(args) == 1 else None
    return first if isinstance(first, str) else str(message)


def _geography(
    places: gpd.GeoDataFrame,
    id_column: str,
    river_places: pd.DataFrame | None,
    river_line,
    region_column: str | None,
    central_regions: Iterable[str],
) -> pd.DataFrame:
    """The river and region columns of every place.

    ``riverside``, ``river_reach``, ``north_of_niger`` (with a river line) and
    ``central_region`` (with a region column); NA where a place's data is missing.
    """
    out = pd.DataFrame(index=places.index)
    if river_places is not None:
        reach = places[id_column].map(river_places.set_index("town_id")["reach"])
        out["riverside"] = reach.notna().to_numpy()
        out["river_reach"] = reach.to_numpy(dtype=object)
    else:
        n = len(places)
        out["riverside"] = pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool))
        out["river_reach"] = None
    if river_line is not None:
        side = lifelines.river_side(
            places, river_line, places.estimate_utm_crs() if places.crs else "EPSG:4326"
        )
        north = pd.array(side.eq("left").to_numpy(), dtype="boolean")
        north[side.isna().to_numpy()] = pd.NA
        out["north_of_niger"] = north
    if region_column is not None and region_column in places.columns:
        central = pd.array(
            places[region_column].isin(list(central_regions)).to_numpy(), dtype="boolean"
        )
        central[places[region_column].isna().to_numpy()] = pd.NA
        out["central_region"] = central
    return out


def _preparation(preparation: Preparation | None) -> Preparation:
    """The settings of :func:`prepare` (its defaults for None), checked."""
    if preparation is None:
        return Preparation()
    if not isinstance(preparation, Preparation):
        raise ParameterError(
            f"preparation must be a Preparation(max_snap_km=..., air_reach_km=...), "
            f"got {type(preparation).__name__}"
        )
    return preparation


def _hub_row(places: pd.DataFrame, id_column: str, hub_id: str) -> int:
    """Position of the hub among the places (the first with its id)."""
    if id_column not in places.columns:
        raise SchemaError(f"places lack the id column {id_column!r}")
    rows = np.flatnonzero((places[id_column] == hub_id).to_numpy(dtype=bool, na_value=False))
    if rows.size == 0:
        raise UnknownNameError(f"hub {hub_id!r} is not a place id")
    return int(rows[0])


def _capitals(places: pd.DataFrame, column: str, value: str) -> np.ndarray:
    """Which places are regional capitals (``places[column] == value``; none without it)."""
    if column not in places:
        return np.zeros(len(places), bool)
    return (places[column] == value).to_numpy()


class _Airstrips(NamedTuple):
    """Nearest airport of every place, and the airports within reach.

    ``icao`` and ``km`` (None/NaN without a coordinate) per place; ``pairs``: the (place,
    airport) positions within reach, columns ``point`` and ``ap``.
    """

    icao: np.ndarray
    km: np.ndarray
    pairs: pd.DataFrame


def _airstrips(
    lon: np.ndarray,
    lat: np.ndarray,
    query: QueryPoints,
    airports: gpd.GeoDataFrame,
    air_reach_km: float,
) -> _Airstrips:
    """Nearest airport and airports within ``air_reach_km`` of every place, in one pass.

    By :func:`geo.distance.nearest_within_km`; ``query``: the located places.
    """
    icaos = np.asarray(list(airports["icao"]), dtype=object)
    a_lon, a_lat = coverage.point_lonlat(airports, name="airports")
    a_ok = np.flatnonzero(np.isfinite(a_lon))
    ap_id = np.full(lon.size, None, dtype=object)
    ap_km = np.full(lon.size, np.nan)
    rows = np.flatnonzero(np.isfinite(lon))
    point, ap = np.empty(0, "int64"), np.empty(0, "int64")
    if rows.size and a_ok.size:
        idx, km, point, ap = nearest_within_km(
            lon[rows], lat[rows], a_lon[a_ok], a_lat[a_ok], check_km(air_reach_km), query=query
        )
        ap_id[rows], ap_km[rows] = icaos[a_ok][idx], km
        point, ap = rows[point], a_ok[ap]
    return _Airstrips(ap_id, ap_km, pd.DataFrame({"point": point, "ap": ap}))


def _static(
    snapped: pd.DataFrame,
    geography: pd.DataFrame,
    strips: _Airstrips,
    static_columns: pd.DataFrame | None,
) -> pd.DataFrame:
    """The place columns that no date or scenario changes.

    Road snap, geography, nearest airport, then the caller's ``static_columns`` (replacing
    columns of the same name).
    """
    static = pd.DataFrame(index=geography.index)
    static["on_road_network"] = snapped["on_road_network"].to_numpy()
    static["road_node"] = snapped["road_node"].to_numpy()
    static["snap_km"] = snapped["snap_km"].to_numpy()
    static = pd.concat([static, geography], axis=1)
    static["airport_icao"] = strips.icao
    static["airport_km"] = strips.km
    if static_columns is not None:
        for col in static_columns.columns:
            static[col] = static_columns[col].to_numpy()
    return static


def _airport_sites(
    airports: pd.DataFrame, bases: pd.DataFrame
) -> tuple[dict[str, str], dict[str, str]]:
    """Town of every airport and the closure date of the mission's site there, by ICAO.

    Only airports with a known town are listed; closures only where the town had a site.
    """
    ap_town = dict(zip(airports["icao"], airports["town_id"])) if "town_id" in airports else {}
    base_by_town = dict(zip(bases["town_id"], bases["closure_date"]))
    closure_by_ap = {
        k: base_by_town[t] for k, t in ap_town.items() if isinstance(t, str) and t in base_by_town
    }
    return ap_town, closure_by_ap


def prepare(
    places: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    graph: RoadGraph,
    *,
    speeds: pd.DataFrame,
    airports: gpd.GeoDataFrame,
    air_links: pd.DataFrame,
    hub_id: str,
    hub_key: str = "hub",
    river_places: pd.DataFrame | None = None,
    river_line: object = None,
    id_column: str = "town_id",
    capital_column: str = "seat_of",
    capital_value: str = "region",
    region_column: str | None = None,
    central_regions: Iterable[str] = (),
    commercial_operators: Iterable[str] = (),
    mission_operators: Iterable[str] = (),
    static_columns: pd.DataFrame | None = None,
    notes: Mapping[str, object] | None = None,
    events: gpd.GeoDataFrame | None = None,
    events_coverage: tuple[dt.date, dt.date] | None = None,
    preparation: Preparation | None = None,
    cache_bytes: int | None = None,
    period: Period | None = None,
) -> Context:
    """Precompute the date- and scenario-independent part of the assessment.

    Parameters
    ----------
    places
        Points to assess (towns or settlements); null geometry allowed (all indicators missing).
    bases
        Sites with ``base_id``, ``town``, ``town_id`` and ``closure_date``.
    graph
        Road graph (:func:`geo.exposure.access.road_graph`).
    speeds
        Speed table (``road_class``, ``season``, ``speed_kmh``; rows with no speed are unknown).
    airports
        Airports (``icao``, optional ``town_id``).
    air_links
        Air links (see :func:`geo.exposure.lifelines.link_states`).
    hub_id
        Id of the hub place (the capital) in ``places[id_column]``.
    hub_key
        The hub's key: the prefix of the columns measured to it (``<hub_key>_road_km``,
        ``<hub_key>_time_score``, ...); the data layer names it. Not one of
        :data:`~minusma.geo.exposure.params.RESERVED_HUB_KEYS`.
    river_places
        Riverside places (``town_id``, ``reach``), optional.
    river_line
        The river line running downstream (a shapely line in EPSG:4326), optional.
    id_column
        The places' id column.
    capital_column
        The column saying which places are regional capitals (``capital_column ==
        capital_value``).
    capital_value
        Its value for a regional capital.
    region_column
        With ``central_regions``, ``central_region`` flags the places whose region (this
        column) is one of ``central_regions``.
    central_regions
        The central regions.
    commercial_operators
        Air operators that are not the mission's: a place whose airstrips were served before
        only by others depended on the mission's flights (``air_depended_on_un``).
    mission_operators
        Operators whose flights belonged to the mission: their links end as its sites close, and
        a place they alone served depended on the mission (``air_state`` ``mission_only``).
    static_columns
        Place columns computed by the caller (e.g. ``north_of_niger`` or ``central_region`` from
        polygons), aligned to ``places``; they replace the columns of the same name.
    notes
        Provenance notes kept on the context (``Context.notes``).
    events
        Security events (points with a ``date``), for the conflict-history indicator of a
        calibrated model (:mod:`geo.exposure.calibrate`).
    events_coverage
        The first and last day the events cover.
    preparation
        The settings ``max_snap_km`` and ``air_reach_km``
        (:class:`~minusma.geo.exposure.params.Preparation`; default: its defaults).
    cache_bytes
        Budget of the context's cache of evaluated parts, in bytes (see :class:`Context`);
        default :func:`geo.exposure.cache.default_cache_bytes`: 256 MiB, or 1.5 KiB per place
        when that is more.
    period
        The dates of the study and its reference date "before"
        (:class:`~minusma.geo.exposure.params.Period`): :func:`evaluate` fills in
        ``params.before`` from it and checks the dates against it. None: every evaluation must
        give ``before``.

    Returns
    -------
    Context
        The prepared context, holding ``preparation``, ``hub_key`` and ``period``.
    """
    preparation = _preparation(preparation)
    max_snap_km = preparation.max_snap_km
    hub_key = check_hub_key(hub_key)
    hub_row = _hub_row(places, id_column, hub_id)
    # one read of the places' coordinates, prepared once (unit vectors, spatial order) for every
    # nearest-point search: road nodes, sites, airports, airstrips within reach
    lon, lat = coverage.point_lonlat(places, name="places")
    located = np.isfinite(lon)
    query = QueryPoints(lon[located], lat[located])
    snapped = access.snap_places(graph, lon, lat, max_snap_km=max_snap_km, query=query)
    nodes = snapped["road_node"].to_numpy()
    hub_node = int(nodes[hub_row])
    if hub_node < 0:
        raise SchemaError(
            f"hub {hub_id!r} is not on the road network (farther than {max_snap_km} km from it)"
        )
    b_lon, b_lat = coverage.point_lonlat(bases, name="bases")
    base_nodes = access.snap_places(graph, b_lon, b_lat, max_snap_km=max_snap_km)["road_node"]
    cap = _capitals(places, capital_column, capital_value) & (nodes >= 0)
    geography = _geography(
        places, id_column, river_places, river_line, region_column, central_regions
    )
    strips = _airstrips(lon, lat, query, airports, preparation.air_reach_km)
    static = _static(snapped, geography, strips, static_columns)
    ap_town, closure_by_ap = _airport_sites(airports, bases)
    icaos = list(airports["icao"])
    return Context(
        places=places,
        bases=bases,
        graph=graph,
        speeds=speeds,
        air_links=air_links,
        place_nodes=nodes,
        base_nodes=base_nodes.to_numpy(),
        capital_nodes=nodes[cap],
        capital_ids=places[id_column].to_numpy()[cap],
        hub_node=hub_node,
        hub_key=hub_key,
        static=static,
        air_pairs=strips.pairs,
        airport_icaos=icaos,
        airport_towns=[ap_town.get(k) for k in icaos],
        base_closure_by_airport=closure_by_ap,
        preparation=preparation,
        labels=access.edge_labels(graph),
        base_km=coverage.site_distances_lonlat(lon, lat, b_lon, b_lat, query=query),
        commercial_operators=tuple(commercial_operators),
        mission_operators=tuple(mission_operators),
        notes=dict(notes or {}),
        events=events,
        events_coverage=events_coverage,
        period=period,
        cache_bytes=default_cache_bytes(len(places)) if cache_bytes is None else cache_bytes,
    )


def open_flags(
    ctx: Context, as_of: dt.date, *, close: Iterable[str] = (), keep: Iterable[str] = ()
) -> np.ndarray:
    """Which bases are open on ``as_of`` in a scenario: by date, minus ``close``, plus ``keep``.

    Parameters
    ----------
    ctx
        The prepared context.
    as_of
        The date.
    close
        Sites closed by the scenario (ids, names or towns).
    keep
        Sites kept open by the scenario.

    Returns
    -------
    numpy.ndarray of bool
        One flag per site of ``ctx.bases``.

    Raises
    ------
    ParameterError
        A site is both closed and kept.
    """
    flags = _open_on(ctx, parse_iso_date(as_of))
    keys = _cached(ctx, ("base_keys",), lambda: _base_keys(ctx.bases), protect=True)
    closed = resolve_bases(ctx.bases, close, keys=keys)
    kept = resolve_bases(ctx.bases, keep, keys=keys)
    both = sorted(set(closed) & set(kept))
    if both:  # names differ (a town and a site id) but mean the same site
        ids = [str(ctx.bases["base_id"].iloc[i]) for i in both]
        raise ParameterError(
            f"site(s) {ids} are both closed and kept (named in close and in keep, perhaps once by "
            "town and once by id): name each site in --close or --keep, not both"
        )
    flags[closed] = False
    flags[kept] = True
    return flags


def _open_on(ctx: Context, when: dt.date) -> np.ndarray:
    """Which sites are open on ``when`` by their closure dates (as :func:`open_flags`)."""
    closed_on = _cached(
        ctx, ("closure_ordinals",), lambda: _closure_ordinals(ctx.bases), protect=True
    )
    return closed_on > when.toordinal()


def _closure_ordinals(bases: pd.DataFrame) -> np.ndarray:
    """Closure date of every site as a proleptic ordinal.

    A large number when never closed; validated like :func:`geo.exposure.coverage.open_mask`.
    """
    coverage.open_mask(bases, dt.date.min)  # the same checks and errors
    dates = coverage.iso_dates(bases["closure_date"].tolist())
    never = np.iinfo("int64").max
    return np.array([never if d is None else d.toordinal() for d in dates], dtype="int64")


def _air_closure(ctx: Context, as_of, open_bases) -> dict[str, str]:
    """Closure date of the mission's base at each airport, in the scenario ``open_bases``.

    ``open_bases`` None: by date.
    """
    closure = dict(ctx.base_closure_by_airport)
    if (
        open_bases is not None
    ):  # a base kept open keeps its mission flights; one closed early ends them
        town_of_ap = dict(zip(ctx.airport_icaos, ctx.airport_towns))
        for town, is_open in zip(_plain(ctx, "bases")["town_id"], open_bases):
            for icao in [k for k, t in town_of_ap.items() if t == town and k in closure]:
                closure[icao] = "2099-12-31" if is_open else min(closure[icao], as_of.isoformat())
    return closure


def _air_service(
    ctx: Context, as_of, before, disabled_links, disabled_operators, closure
) -> dict[str, pd.DataFrame]:
    """Service of every airport, before and now (:func:`.lifelines.airport_service`)."""
    service = {}
    for label, when, off_l, off_o in (
        ("before", before, (), ()),
        ("now", as_of, disabled_links, disabled_operators),
    ):
        links = _plain(ctx, "air_links")
        states = lifelines.link_states(
            links,
            as_of=when,
            base_closure_by_airport=closure,
            disabled_links=off_l,
            disabled_operators=off_o,
            mission_operators=ctx.mission_operators,
        )
        service[label] = lifelines.airport_service(
            links, states, ctx.airport_icaos, mission_operators=ctx.mission_operators
        )
    return service


def _air(
    ctx: Context, service: dict[str, pd.DataFrame], rows: np.ndarray | None = None
) -> pd.DataFrame:
    """Air lifeline of every place, before and now.

    The best service among the airstrips within reach; of the places at positions ``rows``
    (indexed from 0) only when given.
    """
    rank = {s: i for i, s in enumerate(lifelines.AIR_STATES)}
    n = len(ctx.places)
    p, ap = (
        ctx.air_pairs["point"].to_numpy(dtype="int64"),
        ctx.air_pairs["ap"].to_numpy(dtype="int64"),
    )
    ok = np.isfinite(ctx.static["snap_km"].to_numpy())
    index = ctx.places.index
    if rows is not None:  # the pairs of those places alone, by their position among ``rows``
        n, ok = rows.size, ok[rows]
        at = np.minimum(np.searchsorted(rows, p), n - 1)
        mine = rows[at] == p
        p, ap = at[mine], ap[mine]
        index = pd.RangeIndex(rows.size)  # rows of a patch (Patch.set): their values only
    best = {}
    for label in ("before", "now"):
        r = service[label]["air_state"].map(rank).to_numpy()
        b = np.full(n, len(rank))
        np.minimum.at(b, p, r[ap])
        best[label] = b
    ops = service["before"]["air_operators"].fillna("").to_numpy()
    any_ops = np.array([bool(o) for o in ops])
    sky = np.array([any(c in o for c in ctx.commercial_operators) for o in ops])
    has_any, has_sky = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    np.logical_or.at(has_any, p, any_ops[ap])
    np.logical_or.at(has_sky, p, sky[ap])
    states = np.array([*lifelines.AIR_STATES, "no_airstrip_in_reach"], dtype=object)
    now, bef = best["now"], best["before"]
    air_score = np.select(
        [
            now == len(rank),
            now == rank["served"],
            now == rank["unknown"],
            bef <= rank["mission_only"],
        ],
        [10.0, 0.0, np.nan, 10.0],
        np.nan,
    )
    frame = pd.DataFrame(
        {
            "air_state_before": np.where(ok, states[bef], None),
            "air_state": np.where(ok, states[now], None),
            "air_score": np.where(ok, air_score, np.nan),
        },
        index=index,
    )
    dep = pd.array(has_any & ~has_sky, dtype="boolean")
    dep[~ok] = pd.NA
    frame["air_depended_on_un"] = dep
    return frame


#: Whether what the current evaluation caches is protected from eviction: set by
#: :func:`evaluate` for an evaluation without a scenario (the reference what-ifs derive from).
_PROTECT: contextvars.ContextVar[bool] = contextvars.ContextVar("_PROTECT", default=False)


def _cached(ctx: Context, key: tuple, build, *, protect: bool = False):
    """``ctx._cache[key]``, built on first use and kept within the context's byte budget.

    Protected (evicted last) when ``protect`` or in an evaluation without a scenario.
    """
    return ctx._cache.get_or_build(key, build, protect=protect or _PROTECT.get())


def _plain(ctx: Context, name: str) -> pd.DataFrame:
    """``ctx.bases`` or ``ctx.air_links`` as a plain frame without geometry (cached).

    Quicker to read column by column than a GeoDataFrame: what a what-if reads them as.
    """

    def build() -> pd.DataFrame:
        frame = getattr(ctx, name)
        if isinstance(frame, gpd.GeoDataFrame):
            frame = frame.drop(columns=frame.geometry.name)
        return pd.DataFrame(frame)

    return _cached(ctx, ("plain", name), build, protect=True)


def _derivable(ctx: Context, season: str, removed: tuple, hubs: np.ndarray):
    """Cached road costs of ``season`` that can be repaired into those of ``hubs``, or None.

    Repairable by :func:`geo.exposure.access.hub_costs` into the costs of ``hubs`` with
    ``removed`` cut; fewest hubs and most cuts first.
    """
    best, best_size = None, None
    wanted = set(np.asarray(hubs)[np.asarray(hubs) >= 0].tolist())
    for key in list(ctx._cache):
        if not (isinstance(key, tuple) and key[0] == "costs" and key[1] == season):
            continue
        if not (wanted <= set(key[3]) and set(key[2]) <= set(removed)):  # by its key: cannot
            continue
        costs = ctx._cache.get(key)
        if costs is not None and costs.can_derive(hubs, removed):
            size = (costs.hubs.size, -len(costs.removed))
            if best_size is None or size < best_size:
                best, best_size = costs, size
    return best


def _costs(
    ctx: Context, graph: RoadGraph, season: str, removed: tuple, hubs: np.ndarray
) -> access.HubCosts:
    """Road costs to the nearest of ``hubs``.

    Cached; a new set of hubs or cuts repairs cached costs where it can. Costs repaired for a
    what-if keep no shortest-path trees (about half the memory, fewer fresh pages to fill):
    later what-ifs are repaired from the costs of evaluations without a scenario, or of a run
    from scratch.
    """
    key = ("costs", season, removed, tuple(np.unique(hubs[hubs >= 0]).tolist()))

    def build() -> access.HubCosts:
        base = _derivable(ctx, season, removed, hubs)
        return access.hub_costs(
            graph,
            hubs,
            removed_edge_ids=removed,
            derive_from=base,
            keep_trees=base is None or _PROTECT.get(),
        )

    return _cached(ctx, key, build)


def _hub_costs(
    ctx: Context, graph: RoadGraph, season: str, removed: tuple, hubs: np.ndarray, prefix: str
) -> tuple[access.HubCosts, pd.DataFrame]:
    """Road costs to the nearest of ``hubs`` and their ``<prefix>_*`` columns per place.

    Cached; a new set of hubs or cuts repairs cached costs where it can.
    """
    key = (season, removed, tuple(np.unique(hubs[hubs >= 0]).tolist()))
    costs = _costs(ctx, graph, season, removed, hubs)

    def build():
        frame = costs.at(ctx.place_nodes, prefix)
        frame.index = ctx.places.index
        return frame

    return costs, _cached(ctx, ("at", prefix, *key), build)


def _nearest_by_road(
    ids: np.ndarray, hub_nodes: np.ndarray, source_node: np.ndarray, nodes: np.ndarray
) -> list:
    """Id of the hub each place is reached from, None off the network or unreachable.

    The first hub listed at a node wins.
    """
    out = np.full(len(nodes), None, dtype=object)
    valid = hub_nodes >= 0
    at, first = np.unique(hub_nodes[valid], return_index=True)
    if at.size:
        src = source_node[np.maximum(nodes, 0)]
        pos = np.minimum(np.searchsorted(at, src), at.size - 1)
        hit = (nodes >= 0) & (src >= 0) & (at[pos] == src)
        out[hit] = ids[valid][first][pos[hit]]
    return out.tolist()


def _road_access(ctx: Context, graph: RoadGraph, season: str, removed: tuple) -> dict:
    """Everything about the road to the hub (cached).

    It depends only on the season and the roads cut, not on the bases: the ``<hub>_*``
    columns, the routes score and the road reasons.
    """
    hub = ctx.hub_key

    def build():
        _, frame = _hub_costs(ctx, graph, season, removed, np.array([ctx.hub_node]), hub)
        routes = _cached(
            ctx,
            ("routes", removed),
            lambda: access.routes_to_hub(
                graph, ctx.place_nodes, ctx.hub_node, removed_edge_ids=removed
            ),
        )
        cols = pd.DataFrame(
            {
                f"{hub}_routes": routes["routes"].to_numpy(),
                f"{hub}_routes_exact": routes["routes_exact"].to_numpy(),
            },
            index=ctx.places.index,
        )
        cols[f"{hub}_cut_by"] = [";".join(c) if c else None for c in routes["cut_by"]]
        both = pd.concat([ctx.static, frame, cols], axis=1)
        return {
            "frame": frame,
            "routes": cols,
            "routes_score": score.routes_score(cols[f"{hub}_routes"]),
            "reasons": reasons.road(both, ctx.labels, hub_key=hub),
        }

    return _cached(ctx, ("road", hub, season, removed), build, protect=not removed)


def _air_with_reasons(ctx: Context, service: dict[str, pd.DataFrame]) -> dict:
    """The air columns of :func:`_air` and their reasons."""
    frame = _air(ctx, service)
    return {
        "frame": frame,
        "reasons": reasons.air(
            frame.join(ctx.static[["airport_icao"]]), ctx.preparation.air_reach_km
        ),
    }


def _site_names(ctx: Context) -> tuple[str, dict]:
    """The sites' name column and the short name of every site (cached)."""

    def build():
        name_col = "town" if "town" in ctx.bases else "name"
        # one name per place in a row: a site's town by its gazetteer name when the places are the
        # gazetteer (Tombouctou, not the source's Timbuktu), else the source's name, short
        gazetteer: dict = {}
        if {"town_id", "name"} <= set(ctx.places.columns) and "town_id" in ctx.bases:
            towns = set(ctx.bases["town_id"])
            at = ctx.places["town_id"].isin(towns).to_numpy()
            known = dict(zip(ctx.places["town_id"][at], ctx.places["name"][at]))
            gazetteer = {v: known.get(t) for v, t in zip(ctx.bases[name_col], ctx.bases["town_id"])}
        short = {v: gazetteer.get(v) or re.sub(r"\s*\(.*\)", "", v) for v in ctx.bases[name_col]}
        return name_col, short

    return _cached(ctx, ("site_names",), build, protect=True)


def _coverage(
    ctx: Context, p: ExposureParams, when: dt.date, open_bases: np.ndarray | None
) -> pd.DataFrame:
    """The security-umbrella columns (:func:`geo.exposure.coverage.coverage`), site names short."""
    name_col, short = _site_names(ctx)
    cov = coverage.coverage(
        ctx.places,
        ctx.bases,
        as_of=when,
        before=p.before_date,
        radius_km=p.radius_km,
        base_name_column=name_col,
        open_bases=open_bases,
        distance_km=ctx.base_km,
    )
    for col in ("base_before_name", "base_after_name"):
        cov[col] = cov[col].map(short)
    return cov


def _coverage_now(
    ctx: Context,
    p: ExposureParams,
    when: dt.date,
    open_bases: np.ndarray,
    sd: coverage.SiteDistances,
    rows: np.ndarray,
) -> dict[str, object]:
    """The coverage columns a what-if changes (:data:`_COVERAGE_NOW`) at ``rows``, as arrays.

    The same answers as :func:`_coverage` gives those places (``rows``: places with a
    coordinate), from the nearest open sites remembered for every place (``sd``).
    """
    name_col, short = _site_names(ctx)
    # the distances are given: coverage reads only the number of places
    cov = coverage.coverage(
        pd.DataFrame(index=pd.RangeIndex(rows.size)),
        _plain(ctx, "bases"),
        as_of=when,
        before=p.before_date,
        radius_km=p.radius_km,
        base_name_column=name_col,
        open_bases=open_bases,
        distance_km=sd.subset(rows, remembered=(_open_on(ctx, p.before_date), open_bases)),
    )
    out: dict[str, object] = {c: cov[c].array for c in _COVERAGE_NOW}
    names = cov["base_after_name"].to_numpy(dtype=object, na_value=None).tolist()
    # the same values as the full assessment's (a few rows: their type is the assessment's)
    out["base_after_name"] = np.array([None if v is None else short.get(v) for v in names], object)
    return out


def _nearest_hubs(
    ctx: Context, graph: RoadGraph, season: str, removed: tuple, flags: np.ndarray
) -> list[pd.DataFrame]:
    """Road costs to the nearest open site and the nearest regional capital, with their ids."""
    frames = []
    for prefix, hubs, ids in (
        ("base", ctx.base_nodes[flags], ctx.bases["base_id"].to_numpy()[flags]),
        ("capital", ctx.capital_nodes, ctx.capital_ids),
    ):
        costs, frame = _hub_costs(ctx, graph, season, removed, hubs, prefix)
        key = ("nearest", prefix, season, removed, tuple(ids.tolist()))
        column = f"nearest_{prefix}_by_road"

        def build(column=column, ids=ids, hubs=hubs, costs=costs):
            reached = _nearest_by_road(ids, hubs, costs.source_node, ctx.place_nodes)
            return pd.DataFrame({column: reached}, index=ctx.places.index)

        nearest = _cached(ctx, key, build)
        frames += [frame, nearest]
    return frames


def calibrated_features(
    ctx: Context,
    frame: pd.DataFrame,
    *,
    when: dt.date,
    scale_km: float,
    history_radius_km: float = calibrate.HISTORY_RADIUS_KM,
    history_months: int = calibrate.HISTORY_MONTHS,
) -> pd.DataFrame:
    """The indicators of a calibrated model for the places of an evaluated ``frame``.

    The features are :data:`geo.exposure.calibrate.FEATURES` at ``when``, with the decay scale
    ``scale_km`` and the conflict history of ``history_radius_km`` and ``history_months``.

    Parameters
    ----------
    ctx
        The prepared context (its places, events and cache).
    frame
        An evaluated frame (:func:`evaluate`), one row per place of ``ctx``.
    when
        The date of the conflict history (events before it).
    scale_km
        Decay scale of the security score, in km.
    history_radius_km
        Radius of the conflict history around each place, in km (the model file's setting).
    history_months
        Months of conflict history before ``when`` (the model file's setting).

    Returns
    -------
    pandas.DataFrame
        One column per feature, indexed like ``frame``.
    """
    feats = pd.DataFrame(index=frame.index)
    feats["security_decay_score"] = calibrate.security_decay_score(
        frame["base_before_km"], frame["base_after_km"], scale_km
    )
    feats["conflict_history_score"] = _cached(
        ctx,
        ("history", when, history_radius_km, history_months),
        lambda: calibrate.conflict_history(
            ctx.places,
            ctx.events,
            as_of=when,
            coverage=ctx.events_coverage,
            radius_km=history_radius_km,
            months=history_months,
        ).to_numpy(),
    )
    for col in calibrate.features(ctx.hub_key)[2:]:  # the hand-set model's road and air scores
        feats[col] = frame[col].to_numpy(dtype=float)
    return feats


def model_features(
    ctx: Context, frame: pd.DataFrame, model: calibrate.CalibratedModel, when: dt.date
) -> pd.DataFrame:
    """The indicators ``model`` scores, with the settings it was fitted with.

    :func:`calibrated_features` with the model's decay scale, history radius and history months.

    Parameters
    ----------
    ctx
        The prepared context.
    frame
        An evaluated frame (:func:`evaluate`), one row per place of ``ctx``.
    model
        A calibrated model (:func:`geo.exposure.calibrate.load_model` or ``fit``).
    when
        The date of the conflict history.

    Returns
    -------
    pandas.DataFrame
        One column per feature, indexed like ``frame``.
    """
    return calibrated_features(
        ctx,
        frame,
        when=when,
        scale_km=model.decay_scale_km,
        history_radius_km=model.history_radius_km,
        history_months=model.history_months,
    )


def _calibrated(ctx: Context, out: pd.DataFrame, model_path: str, when: dt.date) -> pd.DataFrame:
    """``out`` scored by the calibrated model in ``model_path``.

    The hand-set model's score is kept as ``exposure_score_inform``.
    """
    model = calibrate.load_model(model_path)
    feats = model_features(ctx, out, model, when)
    located = ctx.static["snap_km"].notna().to_numpy() | out["base_before_km"].notna().to_numpy()
    result = out.assign(
        exposure_score_inform=out["exposure_score"],
        security_decay_score=feats["security_decay_score"].to_numpy(),
        conflict_history_score=feats["conflict_history_score"].to_numpy(),
    )
    result["exposure_score"] = np.where(located, model.score(feats), np.nan)
    return result


def evaluate(
    ctx: Context, params: ExposureParams | None = None, /, **options: object
) -> gpd.GeoDataFrame:
    """Assess every place of ``ctx`` at a date and in a scenario.

    Parameters
    ----------
    ctx
        The prepared context (:func:`prepare`).
    params
        The parameters (:class:`~geo.exposure.params.ExposureParams`; default: its defaults).
    **options
        Fields of :class:`~geo.exposure.params.ExposureParams` to change (``as_of=``,
        ``radius_km=``, ``close=``, ...); validated like the object.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place of ``ctx``, aligned to ``ctx.places``: every indicator, the scores,
        ``exposure_rank``, ``exposure_class``, ``reasons``, ``as_of`` and ``season``;
        ``attrs["parameters"]`` holds the parameters used.
    """
    if not isinstance(ctx, Context):
        raise ParameterError(
            f"ctx must be the Context of prepare() (or minusma.layers.assessment.context()), "
            f"got {type(ctx).__name__} {str(ctx)[:40]!r}"
        )
    p = check_params(params)
    if options:
        p = p.replace(**options)
    p = within_period(ctx, p)
    # what an evaluation without a scenario caches is what what-ifs derive from: evicted last
    token = _PROTECT.set(not (p.close or p.keep or p.close_roads))
    try:
        return _evaluate(ctx, p)
    finally:
        _PROTECT.reset(token)


def within_period(ctx: Context, params: ExposureParams) -> ExposureParams:
    """``params`` in the study of ``ctx``: ``before`` and the hub filled in, the dates checked.

    Parameters
    ----------
    ctx
        A prepared context (its ``period`` may be None).
    params
        The parameters of one evaluation.

    Returns
    -------
    ExposureParams
        ``params`` with ``before`` and ``hub_key`` set.

    Raises
    ------
    ParameterError
        For a date outside the context's period, no ``before`` in either, or parameters made
        for another hub.
    """
    return params.within(ctx.period, hub_key=ctx.hub_key)


def _air_parts(ctx: Context, p: ExposureParams, when: dt.date, open_bases) -> tuple:
    """The airports' service in a scenario (cached) and its key.

    The key holds the states before and now and the operators before, per airport: what the
    air columns depend on.
    """
    closure = _air_closure(ctx, when, open_bases)
    links, operators = p.disabled_links, p.disabled_operators
    service = _cached(
        ctx,
        ("air_service", when, p.before_date, links, operators, tuple(closure.items())),
        lambda: _air_service(ctx, when, p.before_date, links, operators, closure),
    )
    key = (
        "air",
        tuple(service["before"]["air_state"]),
        tuple(service["before"]["air_operators"].fillna("")),
        tuple(service["now"]["air_state"]),
    )
    return service, key


def _geography_reasons(ctx: Context) -> reasons.Texts:
    """The geography part of every place's reasons (cached: it never changes)."""
    return _cached(ctx, ("geography",), lambda: reasons.geography(ctx.static), protect=True)


#: Largest share of a context's cache budget that an assessment kept as the reference of what-ifs
#: may take (a memory setting): the rest holds what what-ifs and later evaluations derive from
#: (road costs, routes, air service). An assessment takes about 1.4 KiB per place (measured at
#: 18,769 places); with the default budget (:func:`geo.exposure.cache.default_cache_bytes`)
#: references are kept up to about 45,000 places, and larger sets of places are assessed in full
#: for every what-if, as without a reference (a larger ``cache_bytes`` keeps them).
REFERENCE_SHARE = 0.25


def _reference_key(p: ExposureParams, when: dt.date) -> tuple:
    """Cache key of the assessment without a scenario that a what-if of ``p`` patches."""
    return ("reference", p.replace(as_of=when, close=(), keep=(), close_roads=()))


def _evaluate(ctx: Context, p: ExposureParams) -> gpd.GeoDataFrame:
    """The body of :func:`evaluate`, for validated parameters.

    A what-if patches its reference (the same parameters without the scenario) when it is
    cached; else everything is built.
    """
    when = p.as_of_for(_plain(ctx, "bases")["closure_date"])
    graph = ctx.timed_graph(p.season)
    removed = tuple(resolve_edges(graph, p.close_roads))
    flags = open_flags(ctx, when, close=p.close, keep=p.keep)
    if p.model == MODELS[0] and (p.close or p.keep or removed):
        ref = ctx._cache.get(_reference_key(p, when))
        if ref is not None:
            result = _patched(ctx, p, when, graph, removed, flags, ref)
            if result is not None:
                return result
    return _evaluate_all(ctx, p, when, graph, removed, flags)


def _evaluate_all(
    ctx: Context,
    p: ExposureParams,
    when: dt.date,
    graph: RoadGraph,
    removed: tuple,
    flags: np.ndarray,
) -> gpd.GeoDataFrame:
    """Every column of every place.

    Kept as the reference of later what-ifs when there is no scenario.
    """
    season = p.season
    scenario = bool(p.close or p.keep)
    cov = _coverage(ctx, p, when, flags if scenario else None)
    nodes = ctx.place_nodes
    road = _road_access(ctx, graph, season, removed)
    place_columns = _cached(
        ctx,
        ("place_columns",),
        protect=True,
        build=lambda: pd.DataFrame(  # the places' own arrays, not a copy
            {c: ctx.places[c] for c in ctx.places.columns if c != ctx.places.geometry.name},
            copy=False,
        ),
    )
    frames = [place_columns, cov, ctx.static, road["frame"]]
    frames += _nearest_hubs(ctx, graph, season, removed, flags)
    service, key = _air_parts(ctx, p, when, flags if scenario else None)
    # the air columns depend only on the airports' service: a what-if that changes no airport's
    # service reuses them
    air = _cached(ctx, key, lambda: _air_with_reasons(ctx, service))
    out = pd.concat([*frames, road["routes"], air["frame"]], axis=1)
    hub_here = nodes == ctx.hub_node
    hub = ctx.hub_key
    out[f"{hub}_time_score"] = score.scale_capped(
        out[f"{hub}_travel_h"], p.time_cap_h, unreachable=out[f"{hub}_reachable"].eq(False)
    )
    out[f"{hub}_routes_score"] = np.where(hub_here, 0.0, road["routes_score"])
    indicators = {c: out[c] for cols in p.dimensions.values() for c in cols}  # not copied
    comp = score.composite_columns(
        indicators, weights=p.weights_dict, aggregation=p.aggregation, hub_key=hub
    )
    out = pd.concat([out, pd.DataFrame(comp, index=out.index, copy=False)], axis=1)
    if p.model != MODELS[0]:
        out = _calibrated(ctx, out, p.model, when)
    s = out["exposure_score"]
    out["exposure_rank"] = _rank(s)
    out["exposure_class"] = score.classify(s).to_numpy()
    # the road, air and geography parts are the same for every scenario sharing the season, the
    # roads cut and the airports' service: joined once, then only the coverage part is added
    fixed = _cached(
        ctx,
        ("reasons", season, removed, key),
        lambda: reasons.join_texts(
            [road["reasons"], air["reasons"], _geography_reasons(ctx)],
            empty="",
        ),
    )
    out["reasons"] = reasons.join_texts([reasons.coverage_lost(out), fixed]).array()
    out["as_of"] = when.isoformat()
    out["season"] = season
    result = gpd.GeoDataFrame(out, geometry=ctx.places.geometry, crs=ctx.places.crs, copy=False)
    result.attrs["parameters"] = p.replace(as_of=when).to_dict(ctx.preparation)
    if p.model != MODELS[0]:  # name the model, its fit window and checksum in every output
        result.attrs["parameters"]["model_provenance"] = calibrate.load_model(p.model).provenance()
    elif not (scenario or removed):
        hubs = {
            "hub": np.array([ctx.hub_node]),
            "base": ctx.base_nodes[flags],
            "capital": ctx.capital_nodes,
        }
        reference = Reference.of(
            result,
            flags=flags,
            removed=removed,
            costs={k: _costs(ctx, graph, season, removed, h) for k, h in hubs.items()},
            hub_ids=_plain(ctx, "bases")["base_id"].to_numpy()[flags],
            air_key=key,
        )
        if reference.nbytes <= ctx.cache_bytes * REFERENCE_SHARE:
            reference.ascending("exposure_score")  # what a what-if's ranks are counted from
            _cached(ctx, _reference_key(p, when), lambda: reference, protect=True)
    return result


def _rank(score_values) -> pd.arrays.IntegerArray:
    """Rank of every place by exposure, most exposed first.

    Ties share the best rank (pandas' ``rank(ascending=False, method="min")``); missing scores
    have none.
    """
    s = np.asarray(score_values, dtype="float64")
    known = ~np.isnan(s)
    ordered = np.sort(s[known])
    # 1 + the number of known scores above each: the first place of its tie
    rank = ordered.size - np.searchsorted(ordered, s, side="right") + 1
    return pd.arrays.IntegerArray(np.where(known, rank, 1).astype("int64"), ~known)


def _first_id_at(ids: np.ndarray, hubs: np.ndarray) -> dict:
    """The id :func:`_nearest_by_road` names at each hub node (the first listed there)."""
    valid = hubs >= 0
    at, first = np.unique(hubs[valid], return_index=True)
    return dict(zip(at.tolist(), ids[valid][first].tolist()))


#: The coverage columns a what-if can change: the nearest open site now and the loss (the
#: situation before does not depend on the scenario).
_COVERAGE_NOW = (
    "base_after_id",
    "base_after_name",
    "protection_after",
    "base_after_km",
    "covered_after",
    "coverage_lost",
    "coverage_lost_on",
    "security_loss_score",
)


def _update(
    patch: Patch, frame: pd.DataFrame | Mapping, rows: np.ndarray, columns: Iterable | None = None
) -> None:
    """Set the columns of ``frame`` (all, or ``columns``) at ``rows``, where they differ."""
    for col in frame.keys() if columns is None else columns:
        values = frame[col]
        if isinstance(values, pd.Series):
            values = values.array
        elif not isinstance(values, np.ndarray | pd.api.extensions.ExtensionArray):
            values = np.asarray(values)
        differ = values_differ(patch.take(col, rows), values)
        if differ.any():
            patch.set(col, rows[differ], values[differ])


def _patched(
    ctx: Context,
    p: ExposureParams,
    when: dt.date,
    graph: RoadGraph,
    removed: tuple,
    flags: np.ndarray,
    ref: Reference,
) -> gpd.GeoDataFrame | None:
    """The what-if ``p`` as its reference ``ref`` with only the changed rows rebuilt.

    The rows are rebuilt by the same functions as :func:`_evaluate_all`. None when it cannot be:
    every site closed in one but not the other, or distances not from
    :class:`~geo.exposure.coverage.SiteDistances`.
    """
    sd = ctx.base_km
    if not isinstance(sd, coverage.SiteDistances) or bool(flags.any()) != bool(ref.flags.any()):
        return None
    season, nodes = p.season, ctx.place_nodes
    patch = Patch(ref)
    # coverage: the places whose nearest open site changed
    if flags.any():
        located = np.flatnonzero(np.isfinite(sd.lon))
        (pos0, km0), (pos1, km1) = sd.nearest_open_all(ref.flags), sd.nearest_open_all(flags)
        rows = located[(pos0 != pos1) | values_differ(km0, km1)]
        if rows.size:
            _update(patch, _coverage_now(ctx, p, when, flags, sd, rows), rows)
    # road costs to the nearest open site, capital and the hub: the places whose costs changed
    ids = _plain(ctx, "bases")["base_id"].to_numpy()
    groups = (
        ("base", ctx.base_nodes[flags], ids[flags], ctx.base_nodes[ref.flags], ref.hub_ids),
        ("capital", ctx.capital_nodes, ctx.capital_ids, None, None),
    )
    for prefix, hubs, hub_ids, ref_hubs, ref_ids in groups:
        costs = _costs(ctx, graph, season, removed, hubs)
        changed = costs_differ(ref.costs[prefix], costs, nodes)
        if ref_hubs is not None and ref_ids is not None:  # sites sharing a node: the first named
            old, new = _first_id_at(ref_ids, ref_hubs), _first_id_at(hub_ids, hubs)
            renamed = [node for node, i in new.items() if old.get(node) != i]
            if renamed:
                at = np.where(nodes >= 0, costs.source_node[np.maximum(nodes, 0)], -1)
                changed |= (nodes >= 0) & np.isin(at, renamed)
        rows = np.flatnonzero(changed)
        if rows.size:
            columns = costs.columns_at(nodes[rows], prefix)
            columns[f"nearest_{prefix}_by_road"] = _nearest_by_road(
                hub_ids, hubs, costs.source_node, nodes[rows]
            )
            _update(patch, columns, rows)
    road = _road_access(ctx, graph, season, removed)
    if removed != ref.removed:
        to_hub = _costs(ctx, graph, season, removed, np.array([ctx.hub_node]))
        changed = costs_differ(ref.costs["hub"], to_hub, nodes)
        for col in road["routes"].columns:
            changed |= values_differ(patch.array(col), road["routes"][col].array)
        rows = np.flatnonzero(changed)
        for frame in (road["frame"], road["routes"]):
            _update(patch, frame.iloc[rows], rows)
    # air: the places within reach of an airport whose service changed
    service, key = _air_parts(ctx, p, when, flags if (p.close or p.keep) else None)
    if key != ref.air_key:
        airports = np.flatnonzero(
            np.any(
                [
                    np.array(a, dtype=object) != np.array(b, dtype=object)
                    for a, b in zip(key[1:], ref.air_key[1:])
                ],
                axis=0,
            )
        )
        pairs = ctx.air_pairs
        near = np.isin(pairs["ap"].to_numpy(dtype="int64"), airports)
        rows = np.unique(pairs["point"].to_numpy(dtype="int64")[near])
        if rows.size:
            _update(patch, _air(ctx, service, rows), rows)
    _rescore(ctx, p, patch, road, patch.rows(*_of_hub(_SCORED_FROM, ctx.hub_key)))
    _explain(ctx, patch, road, patch.rows(*_of_hub(_EXPLAINED_FROM, ctx.hub_key)))
    result = patch.frame()
    result.attrs["parameters"] = p.replace(as_of=when).to_dict(ctx.preparation)
    return result


def _of_hub(columns: tuple[str, ...], hub_key: str) -> list[str]:
    """``columns`` with the hub's key in place of ``{hub}``."""
    return [c.format(hub=hub_key) for c in columns]


#: The columns the scores are computed from (a row whose values changed is scored again).
_SCORED_FROM = (
    "security_loss_score",
    "{hub}_travel_h",
    "{hub}_reachable",
    "{hub}_routes",
    "air_score",
)

#: The columns the reasons are written from (:mod:`geo.exposure.reasons`: the coverage lost, the
#: road to the hub, the air service; the geography never changes). ``{hub}``: the hub's key.
_EXPLAINED_FROM = (
    "coverage_lost",
    "coverage_lost_on",
    "base_before_name",
    "base_before_km",
    "{hub}_reachable",
    "{hub}_routes",
    "{hub}_cut_by",
    "{hub}_travel_h",
    "{hub}_road_km",
    "air_state",
    "air_score",
    "air_depended_on_un",
)


def _rescore(ctx: Context, p: ExposureParams, patch: Patch, road: dict, rows: np.ndarray) -> None:
    """Scores and class of the places at ``rows``, and everyone's rank.

    As :func:`_evaluate_all` gives them.
    """
    if rows.size == 0:
        return
    hub = ctx.hub_key
    reachable = patch.array(f"{hub}_reachable")[rows]
    hub_here = ctx.place_nodes[rows] == ctx.hub_node
    indicators = {
        "security_loss_score": patch.take("security_loss_score", rows),
        f"{hub}_time_score": score.scale_capped(
            patch.take(f"{hub}_travel_h", rows),
            p.time_cap_h,
            unreachable=reachable == False,  # noqa: E712 (NA stays NA, as Series.eq(False))
        ),
        f"{hub}_routes_score": np.where(hub_here, 0.0, road["routes_score"][rows]),
        "air_score": patch.take("air_score", rows),
    }
    comp = score.composite_columns(
        indicators, weights=p.weights_dict, aggregation=p.aggregation, hub_key=hub
    )
    total = comp["exposure_score"]
    changed = values_differ(patch.take("exposure_score", rows), total)
    comp[f"{hub}_time_score"] = indicators[f"{hub}_time_score"]
    comp[f"{hub}_routes_score"] = indicators[f"{hub}_routes_score"]
    comp["missing_indicators"] = np.array(comp["missing_indicators"], dtype=object)
    comp["exposure_class"] = score.classify(total).to_numpy()
    _update(patch, comp, rows)
    if changed.any():
        patch.replace("exposure_rank", _rank_after(patch, patch.rows("exposure_score")))


def _rank_after(patch: Patch, rows: np.ndarray) -> pd.arrays.IntegerArray:
    """:func:`_rank` of the patched scores, from the reference's ranks: only ``rows`` changed.

    A place's rank is 1 + the number of known scores above its own: the reference's count,
    less the scores that left (the reference's at ``rows``) and plus those that came (the
    patch's) above it, counted along the reference's scores in ascending order.
    """
    ref = patch.reference
    order, ordered = ref.ascending("exposure_score")
    scores = np.asarray(patch.array("exposure_score"), dtype="float64")
    old = np.asarray(ref.arrays["exposure_score"], dtype="float64")[rows]
    new = scores[rows]
    gone, came = np.sort(old[~np.isnan(old)]), np.sort(new[~np.isnan(new)])

    def above(values: np.ndarray, at: np.ndarray) -> np.ndarray:  # how many values > each at
        return values.size - np.searchsorted(values, at, side="right")

    def above_ordered(values: np.ndarray) -> np.ndarray:  # how many values > each ordered
        first = np.searchsorted(ordered, values, side="left")  # ordered[j] >= v from j on
        at_most = np.cumsum(np.bincount(first, minlength=ordered.size + 1)[: ordered.size])
        return values.size - at_most

    higher = ref.arrays["exposure_rank"].to_numpy(dtype="int64", na_value=1) - 1
    higher[order] += above_ordered(came) - above_ordered(gone)
    higher[rows] = above(ordered, new) + above(came, new) - above(gone, new)
    known = ~np.isnan(scores)
    return pd.arrays.IntegerArray(np.where(known, higher + 1, 1).astype("int64"), ~known)


def _explain(ctx: Context, patch: Patch, road: dict, rows: np.ndarray) -> None:
    """Reasons of the places at ``rows``, as :func:`_evaluate_all` writes them."""
    if rows.size == 0:
        return

    def part(*columns: str) -> pd.DataFrame:
        return pd.DataFrame({c: patch.array(c)[rows] for c in columns})

    air = part("air_state", "air_score", "airport_icao", "air_depended_on_un")
    fixed = reasons.join(
        [
            road["reasons"].take(rows),
            reasons.air(air, ctx.preparation.air_reach_km).array(),
            _geography_reasons(ctx).take(rows),
        ],
        empty="",
    )
    lost = part("coverage_lost", "coverage_lost_on", "base_before_name", "base_before_km")
    text = reasons.join([reasons.coverage_lost(lost).array(), fixed])
    _update(patch, {"reasons": text}, rows)
