"""Spatial questions about the layers, for Python users.

Where is a place, what is near it, how to get there by road, what lies in a region.

Every function returns a :class:`geopandas.GeoDataFrame` in EPSG:4326 that ``.explore()`` draws.
Names are matched by :func:`geo.names.name_key` (accents, case and punctuation ignored); radii
and dates are checked by :func:`geo.exposure.params.check_km` and
:func:`geo.exposure.params.parse_iso_date`.

Examples
--------
>>> from minusma.layers import query
>>> query.place("Timbuktu")[["place_id", "name", "kind"]].to_dict("records")
[{'place_id': 'ml-tombouctou', 'name': 'Tombouctou', 'kind': 'town'}]
>>> near = query.nearest("Diré", to="bases", as_of="2023-09-01")
>>> near[["id", "distance_km"]].round(1).to_dict("records")
[{'id': 'MINUSMA-11', 'distance_km': 71.0}]
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import DataDirError, GraphError, ParameterError, UnknownNameError
from minusma.geo.crs import WGS84, lonlat_frame
from minusma.geo.distance import geodesic_km
from minusma.geo.exposure.access import edge_labels
from minusma.geo.exposure.assess import Context, resolve_edges
from minusma.geo.exposure.params import SEASONS, check_km, parse_iso_date
from minusma.geo.i18n import Phrase
from minusma.geo.names import name_key
from minusma.geo.network import RoadGraph
from minusma.geo.routing import node_distances, snap_points
from minusma.geo.routing import route as shortest_route
from minusma.layers.admin import cercles
from minusma.layers.airports import airports
from minusma.layers.assessment import context
from minusma.layers.bases import bases
from minusma.layers.mission import MISSION
from minusma.layers.regions import regions
from minusma.layers.registry import load as load_layer
from minusma.layers.towns import towns

__all__ = ["BY", "ROUTE_BY", "TARGETS", "in_area", "nearest", "place", "route", "within"]

#: What :func:`nearest` and :func:`within` search, with the id column of each layer.
TARGETS: dict[str, str] = {"bases": "base_id", "towns": "town_id", "airports": "icao"}

#: How :func:`nearest` measures: along the ellipsoid, or along the shipped road network.
BY = ("geodesic", "road")

#: What :func:`route` minimises: road km or hours.
ROUTE_BY = ("distance", "time")

_PLACE_COLUMNS = ["place_id", "name", "kind", "town_id", "geometry"]


def _place_table() -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Every nameable place (towns, then bases, then airports) and the key -> row of each name."""
    t, b, a = towns(), bases(), airports()
    frames = [
        pd.DataFrame(
            {"place_id": t["town_id"], "name": t["name"], "kind": "town", "town_id": t["town_id"]}
        ),
        pd.DataFrame(
            {"place_id": b["base_id"], "name": b["name"], "kind": "base", "town_id": b["town_id"]}
        ),
        pd.DataFrame(
            {"place_id": a["icao"], "name": a["name"], "kind": "airport", "town_id": a["town_id"]}
        ),
    ]
    geometry = [*t.geometry, *b.geometry, *a.geometry]
    table = gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True), geometry=geometry, crs=WGS84
    ).reset_index(drop=True)
    names: list[tuple[int, object]] = []
    offset = 0
    for frame, columns in (
        (t, ("town_id", "name", "name_ascii", "alt_names")),
        (b, ("base_id", "name")),
        (a, ("icao", "iata", "name")),
    ):
        for col in columns:
            for pos, value in enumerate(frame[col]):
                if isinstance(value, str):
                    names += [(offset + pos, v) for v in value.split(";")]
        offset += len(frame)
    keys: dict[str, int] = {}
    for pos, value in names:
        if name_key(value):
            keys.setdefault(name_key(value), pos)
    return table, keys


def place(name: str | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The town, MINUSMA site or airport called ``name``.

    Parameters
    ----------
    name
        An id (``ml-gao``, ``MINUSMA-11``, ``GATB``), a name or an alternative name of the towns
        gazetteer (``Timbuktu``), a site name or an airport name. Accents, case and punctuation
        are ignored; towns win over sites and airports of the same name. A frame returned by
        :func:`place` is passed through.

    Returns
    -------
    geopandas.GeoDataFrame
        One row: ``place_id``, ``name``, ``kind`` (``town``, ``base`` or ``airport``),
        ``town_id`` (the town it is in, when known) and the point (empty for a town without a
        sourced coordinate).

    Raises
    ------
    UnknownNameError
        When nothing matches; the message suggests close names.

    Examples
    --------
    >>> [place(n)["place_id"].iloc[0] for n in ("segou", "Tombouctou", "Timbuktu", "MINUSMA-11")]
    ['ml-segou', 'ml-tombouctou', 'ml-tombouctou', 'MINUSMA-11']
    >>> place("Tombuctou")
    Traceback (most recent call last):
    ...
    minusma.geo._errors.UnknownNameError: no place named 'Tombuctou'; did you mean 'Tombouctou'? ...
    """
    if isinstance(name, gpd.GeoDataFrame):
        if list(name.columns) != _PLACE_COLUMNS or len(name) != 1:
            raise ParameterError("a place must be a name or one row returned by place()")
        return lonlat_frame(name, name="place", id_column="place_id")
    if not isinstance(name, str):
        raise ParameterError(
            f"a place must be a name (text) or one row returned by place(), got "
            f"{type(name).__name__}"
        )
    table, keys = _place_table()
    key = name_key(name)
    if key and key in keys:
        return table.iloc[[keys[key]]].reset_index(drop=True)
    close = difflib.get_close_matches(key, list(keys), n=6, cutoff=0.75)
    names = list(dict.fromkeys(table["name"].iloc[keys[c]] for c in close))[:3]
    hint = " or ".join(repr(n) for n in names) if names else "'Diré' or 'ml-dire'"
    raise UnknownNameError(
        f"no place named {name!r}; did you mean {hint}? (ids and names of the towns, MINUSMA "
        "sites and airports)"
    )


def _lonlat(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    empty = frame.geometry.isna() | frame.geometry.is_empty
    pts = frame.geometry.where(~empty, None)
    lon = np.array([np.nan if p is None else p.x for p in pts], dtype="float64")
    lat = np.array([np.nan if p is None else p.y for p in pts], dtype="float64")
    return lon, lat


def _origin(p: gpd.GeoDataFrame) -> tuple[float, float]:
    lon, lat = _lonlat(p)
    if not np.isfinite(lon[0]):
        raise ParameterError(
            f"{p['name'].iloc[0]} ({p['place_id'].iloc[0]}) has no sourced coordinate: "
            "distances from it are unknown"
        )
    return float(lon[0]), float(lat[0])


def _targets(to: str, as_of: str | dt.date | None, exclude: str) -> gpd.GeoDataFrame:
    if to not in TARGETS:
        raise UnknownNameError(f"unknown target {to!r}; choose from {list(TARGETS)}")
    if as_of is not None and to != "bases":
        raise ParameterError(f"as_of only applies to bases (the sites' closures), not to {to}")
    when = None if as_of is None else parse_iso_date(as_of, name="as_of", period=MISSION)
    frame = {"bases": lambda: bases(as_of=when), "towns": towns, "airports": airports}[to]()
    id_col = TARGETS[to]
    frame = frame[frame[id_col] != exclude]
    out = frame.assign(id=frame[id_col])
    return out[["id", *[c for c in frame.columns if c != "geometry"], "geometry"]]


def _road_km(p: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, ctx: Context | None) -> np.ndarray:
    """Road km from the place to every target along the context's roads.

    The default context has the shipped roads; NaN: off the network or unreachable.
    """
    ctx = ctx if ctx is not None else context()
    graph, snap_km = ctx.graph, ctx.preparation.max_snap_km
    node, _ = snap_points(graph, *_origin(p), max_snap_km=snap_km)
    if node[0] < 0:
        raise GraphError(
            f"{p['name'].iloc[0]} is not on the road layer (no mapped road within "
            f"{snap_km:g} km): its road distances are unknown; use by='geodesic'"
        )
    dist = node_distances(graph, int(node[0]))["length_km"].to_numpy()
    t_node, _ = snap_points(graph, *_lonlat(targets), max_snap_km=snap_km)
    return np.where(t_node >= 0, dist[np.maximum(t_node, 0)], np.nan)


def _measured(
    p: gpd.GeoDataFrame, to: str, as_of: Any, by: str, ctx: Context | None = None
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    if by not in BY:
        raise UnknownNameError(f"unknown measure by={by!r}; choose from {list(BY)}")
    targets = _targets(to, as_of, p["place_id"].iloc[0])
    if by == "road":
        return targets, _road_km(p, targets, ctx)
    lon, lat = _lonlat(targets)
    return targets, np.asarray(geodesic_km(*_origin(p), lon, lat), dtype="float64")


def _result(targets: gpd.GeoDataFrame, km: np.ndarray, keep: np.ndarray, **attrs: Any):
    out = targets.assign(distance_km=km)[keep]
    cols = ["id", "name", "distance_km"]
    out = out[cols + [c for c in out.columns if c not in cols]]
    out = gpd.GeoDataFrame(
        out.sort_values(["distance_km", "id"], kind="stable").reset_index(drop=True),
        geometry="geometry",
        crs=WGS84,
    )
    out.attrs.update(attrs)
    return out


def nearest(
    place_name: str | gpd.GeoDataFrame,
    *,
    to: str = "bases",
    as_of: str | dt.date | None = None,
    by: str = "geodesic",
    k: int = 1,
    ctx: Context | None = None,
) -> gpd.GeoDataFrame:
    """The ``k`` nearest bases, towns or airports to a place.

    Parameters
    ----------
    place_name
        A name for :func:`place`, or its result.
    to
        ``"bases"``, ``"towns"`` or ``"airports"`` (:data:`TARGETS`); the place itself is left out.
    as_of
        With ``to="bases"``: only the sites still open on this ISO date.
    by
        ``"geodesic"`` (km on the ellipsoid) or ``"road"`` (km along the shipped roads, from and
        to the nearest road node within the context's ``max_snap_km``;
        targets off the network or unreachable are left out).
    k
        How many (fewer when fewer are known).
    ctx
        The prepared context whose roads are used (:attr:`minusma.Study.context`; default: the
        shipped roads).

    Returns
    -------
    geopandas.GeoDataFrame
        ``id``, ``name``, ``distance_km`` and the target layer's columns, nearest first.

    Examples
    --------
    >>> nearest("Timbuktu", as_of="2023-09-01")[["id", "distance_km"]]
               id  distance_km
    0  MINUSMA-11          0.0
    >>> nearest("Goundam", to="towns", by="road", k=2)[["id", "distance_km"]]
             id  distance_km
    0   ml-dire         35.0
    1  ml-tonka         37.1
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k must be a whole number >= 1, got {k!r}")
    p = place(place_name)
    targets, km = _measured(p, to, as_of, by, ctx)
    order = np.argsort(np.where(np.isfinite(km), km, np.inf), kind="stable")
    keep = np.zeros(len(km), dtype=bool)
    keep[order[: int(k)]] = True
    keep &= np.isfinite(km)
    return _result(targets, km, keep, place_id=p["place_id"].iloc[0], to=to, by=by)


def within(
    place_name: str | gpd.GeoDataFrame,
    radius_km: float,
    *,
    to: str = "bases",
    as_of: str | dt.date | None = None,
    by: str = "geodesic",
    ctx: Context | None = None,
) -> gpd.GeoDataFrame:
    """The bases, towns or airports at most ``radius_km`` from a place, nearest first.

    Parameters
    ----------
    place_name
        A name for :func:`place`, or its result; it is left out of the answer.
    radius_km
        A finite distance in (0, 2000] km.
    to
        As for :func:`nearest`.
    as_of
        As for :func:`nearest`.
    by
        As for :func:`nearest`.
    ctx
        The prepared context whose roads are used (:attr:`minusma.Study.context`; default: the
        shipped roads).

    Returns
    -------
    geopandas.GeoDataFrame
        ``id``, ``name``, ``distance_km`` and the target layer's columns.

    Examples
    --------
    >>> within("Ber", 60)["id"].tolist()
    ['MINUSMA-02', 'MINUSMA-11']
    >>> within("Ber", float("inf"))
    Traceback (most recent call last):
    ...
    minusma.geo._errors.ParameterError: radius_km must be a finite number of km in (0, 2000], ...
    """
    radius_km = check_km(radius_km, name="radius_km")
    p = place(place_name)
    targets, km = _measured(p, to, as_of, by, ctx)
    keep = np.isfinite(km) & (km <= radius_km)
    return _result(
        targets, km, keep, place_id=p["place_id"].iloc[0], to=to, by=by, radius_km=radius_km
    )


def _snap(graph: RoadGraph, p: gpd.GeoDataFrame, max_snap_km: float) -> int:
    node, _ = snap_points(graph, *_origin(p), max_snap_km=max_snap_km)
    if node[0] < 0:
        raise GraphError(
            f"{p['name'].iloc[0]} is not on the road layer (no mapped road within "
            f"{max_snap_km:g} km): its road route is unknown"
        )
    return int(node[0])


def _segments(graph: RoadGraph, nodes: tuple[int, ...], edge_ids: tuple[str, ...]):
    """The edges travelled, in order, with their ends in the direction of travel."""
    edges = graph.edges.iloc[graph.edge_positions(list(edge_ids))].reset_index(drop=True)
    labels = edge_labels(graph)
    forward = edges["u"].to_numpy() == np.asarray(nodes[:-1], dtype="int64")
    start = np.where(forward, edges["from_town"], edges["to_town"])
    end = np.where(forward, edges["to_town"], edges["from_town"])
    return gpd.GeoDataFrame(
        {
            "step": np.arange(1, len(edges) + 1),
            "segment_id": edges["edge_id"],
            "label": labels.reindex(edges["edge_id"]).to_numpy(),
            "from_town": start,
            "to_town": end,
            "road_class": edges["road_class"],
            "length_km": edges["length_km"].astype("float64"),
            "travel_h": edges["travel_h"].astype("float64"),
            "geometry_kind": edges["geometry_kind"],
        },
        geometry=edges.geometry.to_numpy(),
        crs=WGS84,
    )


def _gaps(segs: gpd.GeoDataFrame, season: str, quicker: bool) -> tuple[pd.Series, list[str]]:
    """Per-segment gap notes and the route's list of data gaps."""
    schematic = segs["geometry_kind"] == "schematic"
    no_speed = segs["travel_h"].isna()
    per = pd.Series(
        [
            "; ".join(
                t for t, on in (("schematic geometry", s), (f"no {season}-season speed", n)) if on
            )
            or None
            for s, n in zip(schematic, no_speed)
        ],
        index=segs.index,
        dtype="object",
    )
    gaps: list[str] = []
    season_term = {"season": "season"}
    if schematic.any():
        gaps.append(Phrase("gap.schematic_route", n=int(schematic.sum()), total=len(segs)))
    if no_speed.any():
        classes = tuple(sorted(set(segs.loc[no_speed, "road_class"].astype(str))))
        gaps.append(
            Phrase(
                "gap.route_no_speed",
                terms={**season_term, "classes": "road"},
                n=int(no_speed.sum()),
                season=season,
                classes=classes,
            )
        )
    if quicker:
        gaps.append(Phrase("gap.quicker_unknown", terms=season_term, season=season))
    return per, gaps


def route(
    origin: str | gpd.GeoDataFrame,
    destination: str | gpd.GeoDataFrame,
    *,
    by: str = "distance",
    season: str = "dry",
    close_roads: tuple[str, ...] | list[str] = (),
    ctx: Context | None = None,
) -> gpd.GeoDataFrame:
    """The shortest or quickest road route between two places on the shipped road network.

    Parameters
    ----------
    origin
        A name for :func:`place`, or its result; it must lie within the context's ``max_snap_km`` of
        a mapped road.
    destination
        Another, likewise.
    by
        ``"distance"`` (fewest km) or ``"time"`` (fewest hours; segments without a speed in
        ``season`` are left out).
    season
        ``"dry"`` or ``"wet"``: the speeds of ``layers/data/speeds.csv``.
    close_roads
        Segments cut (ids or ``"Town–Town"`` labels, either order).
    ctx
        The prepared context whose roads are used (:attr:`minusma.Study.context`; default: the
        shipped roads).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per segment travelled, in order: ``step``, ``segment_id``, ``label``,
        ``from_town``/``to_town`` in the direction of travel, ``road_class``, ``length_km``,
        ``travel_h`` (NaN: no speed for the season), ``geometry_kind`` and ``data_gap`` (what is
        unknown about the segment). ``attrs`` holds ``origin``, ``destination``, ``reachable``,
        the totals ``length_km`` and ``travel_h`` (None when unreachable, or when a segment has
        no speed), ``by``, ``season``, ``close_roads``, ``data_gaps`` (sentences about the
        route) and ``network_gaps`` (the season's gaps of the whole road layer).

    Raises
    ------
    GraphError
        When a place is not on the road layer.
    UnknownNameError
        For an unknown place, ``by``, or segment in ``close_roads``.

    Examples
    --------
    >>> r = route("Goundam", "Diré")
    >>> r[["segment_id", "from_town", "to_town", "length_km"]]
                     segment_id from_town to_town  length_km
    0  road-ml-dire--ml-goundam   Goundam    Diré       35.0
    >>> r.attrs["length_km"], r.attrs["travel_h"]
    (35.0, 0.4375)
    >>> route("Goundam", "Diré", close_roads=["Diré–Goundam"]).attrs["reachable"]
    False
    """
    if by not in ROUTE_BY:
        raise UnknownNameError(f"unknown route by={by!r}; choose from {list(ROUTE_BY)}")
    if season not in SEASONS:
        raise ParameterError(f"unknown season {season!r}; choose from {list(SEASONS)}")
    a, b = place(origin), place(destination)
    ctx = ctx if ctx is not None else context()
    na, nb = (_snap(ctx.graph, p, ctx.preparation.max_snap_km) for p in (a, b))
    graph = ctx.timed_graph(season)
    if not isinstance(close_roads, (str, list, tuple)):
        raise ParameterError(
            f"close_roads must be a list of segment ids or 'Town–Town' labels, got "
            f"{type(close_roads).__name__}; pass () to cut none"
        )
    removed = resolve_edges(graph, [close_roads] if isinstance(close_roads, str) else close_roads)
    weight = "length_km" if by == "distance" else "travel_h"
    r = shortest_route(graph, na, nb, weight=weight, removed_edge_ids=removed)
    segs = _segments(graph, r.nodes, r.edge_ids)
    quicker = False
    if by == "time" and r.reachable and r.travel_h is not None:
        lower = shortest_route(graph, na, nb, weight="travel_h_lower", removed_edge_ids=removed)
        used = graph.edge_positions(list(lower.edge_ids))
        low_h = float(graph.weights("travel_h_lower")[used].sum())
        quicker = bool(low_h < r.travel_h - 1e-9)
    segs["data_gap"], gaps = _gaps(segs, season, quicker)
    segs = segs[[*[c for c in segs.columns if c != "geometry"], "geometry"]]
    travel_h = float(segs["travel_h"].sum()) if segs["travel_h"].notna().all() else None
    segs.attrs.update(
        origin=a["place_id"].iloc[0],
        destination=b["place_id"].iloc[0],
        reachable=bool(r.reachable),
        length_km=float(r.length_km) if r.reachable else None,
        travel_h=travel_h if r.reachable else None,
        by=by,
        season=season,
        close_roads=list(removed),
        data_gaps=gaps if r.reachable else [*gaps, Phrase("gap.not_connected")],
        network_gaps=list(ctx.time_warnings(season)),
    )
    return segs


def _area(name: str, data_dir: str | os.PathLike | None) -> tuple[gpd.GeoDataFrame, str]:
    key = name_key(name)
    reg = regions()
    for col in ("region_id", "name", "name_fr", "ocha_pcode"):
        hit = reg[reg[col].map(name_key) == key]
        if len(hit):
            return hit.iloc[[0]], "region"
    try:
        cer = cercles(data_dir)
    except DataDirError as exc:
        raise DataDirError(
            f"no shipped region named {name!r} (regions: {', '.join(reg['name'])}); a cercle "
            f"needs the data directory: pass data_dir=... or set MINUSMA_DATA ({exc})"
        ) from exc
    for col in ("cercle_pcode", "cercle_name", "cercle_name_cod"):
        hit = cer[cer[col].map(name_key) == key]
        if len(hit):
            return hit.iloc[[0]], "cercle"
    close = difflib.get_close_matches(
        key, [name_key(n) for n in [*reg["name"], *cer["cercle_name"]]], n=3, cutoff=0.75
    )
    raise UnknownNameError(
        f"no region or cercle named {name!r}"
        + (f"; close: {', '.join(close)}" if close else "")
        + f"; regions: {', '.join(reg['name'])}"
    )


def in_area(
    name: str,
    layer: str = "towns",
    *,
    as_of: str | dt.date | None = None,
    data_dir: str | os.PathLike | None = None,
) -> gpd.GeoDataFrame:
    """The features of a shipped layer inside a region (shipped, 1990s structure) or a cercle.

    Parameters
    ----------
    name
        A region of the shipped ``regions`` layer (name, id or P-code), else a cercle of the OCHA
        COD boundaries (name or P-code; needs the data directory).
    layer
        A shipped layer (see ``minusma layers``): ``towns``, ``bases``, ``airports``, ``roads``...
        Points count when inside the area, lines when they cross it.
    as_of
        With ``layer="bases"``: only the sites still open on this ISO date.
    data_dir
        The open-data directory (default ``$MINUSMA_DATA``), read only for a cercle.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer's rows in the area; ``attrs`` names the ``area`` and its ``area_kind``.

    Raises
    ------
    DataDirError
        For a name that is not a shipped region when no data directory is set.
    UnknownNameError
        When no region or cercle matches.

    Examples
    --------
    >>> in_area("Kidal", "bases")["base_id"].tolist()
    ['MINUSMA-06', 'MINUSMA-07', 'MINUSMA-08']
    """
    area, kind = _area(name, data_dir)
    if as_of is None:
        frame = load_layer(layer)
    else:
        frame = load_layer(layer, as_of=parse_iso_date(as_of, name="as_of", period=MISSION))
    polygon = area.geometry.iloc[0]
    out = frame[frame.geometry.notna() & frame.geometry.intersects(polygon)].reset_index(drop=True)
    label = area["name" if kind == "region" else "cercle_name"].iloc[0]
    out.attrs.update(area=label, area_kind=kind, layer=layer)
    return out
