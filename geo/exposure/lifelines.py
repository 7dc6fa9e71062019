"""Air and river lifelines, and the geography of the plan (central regions, side of the Niger).

Air: a link is in service on day ``D`` when its documented period covers ``D``. After the end of
its documented period, or when no end is reported, its state depends on its status: ``ended`` and
``suspended`` links are out of service; ``interrupted`` and ``ended_or_unknown`` links are
*unknown* (the sources do not say whether the service resumed or continued: absence of a later
row is not evidence that a service stopped); ``no_end_reported`` links are in service. The
mission's links also end at the closure of the base at their destination airport.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minusma.geo._errors import SchemaError, UnknownNameError
from minusma.geo.crs import to_wgs84
from minusma.geo.exposure.coverage import iso_dates, point_lonlat
from minusma.geo.exposure.params import parse_iso_date

logger = logging.getLogger(__name__)

__all__ = [
    "AIR_STATES",
    "airport_service",
    "link_states",
    "river_side",
]


#: Service state of an airstrip, best first.
AIR_STATES = ("served", "unknown", "mission_only", "none_documented")

_CLOSED_AFTER_END = ("ended", "suspended")
_UNKNOWN_AFTER_END = ("interrupted", "ended_or_unknown")


def _dates(series: pd.Series) -> list:
    """ISO dates as dates, None where missing or not a valid ISO date."""
    return iso_dates(series.tolist())


def link_states(
    links: pd.DataFrame,
    *,
    as_of: str | dt.date,
    base_closure_by_airport: dict[str, str] | None = None,
    disabled_links: Iterable[str] = (),
    disabled_operators: Iterable[str] = (),
    mission_operators: Iterable[str] = (),
) -> pd.Series:
    """State of every air link on ``as_of``.

    One of ``active``, ``unknown``, ``inactive`` or ``not_started``.

    Parameters
    ----------
    links
        Columns ``link_id``, ``from_icao``, ``to_icao``, ``via_icao``, ``operator``,
        ``period_start``, ``period_end`` (ISO, null = none reported) and ``status``.
    as_of
        The date (ISO string or date).
    base_closure_by_airport
        ICAO -> closure date of the mission's site at that airport; a mission link ends there then.
    disabled_links
        A scenario: these links (ids) are switched off (``inactive``).
    disabled_operators
        A scenario: these operators' links are switched off (``inactive``).
    mission_operators
        Operators whose flights belonged to the mission (they end with its sites; the Mali layers
        give ``minusma.layers.air_links.MISSION_OPERATORS``).

    Returns
    -------
    pandas.Series
        One state per link, aligned to ``links``.

    Raises
    ------
    SchemaError
        A column is missing.
    UnknownNameError
        A disabled link or operator is not in ``links``.
    """
    mission = set(mission_operators)
    need = (
        "link_id",
        "from_icao",
        "to_icao",
        "via_icao",
        "operator",
        "period_start",
        "period_end",
        "status",
    )
    missing = [c for c in need if c not in links.columns]
    if missing:
        raise SchemaError(f"air links lack column(s) {missing}")
    when = parse_iso_date(as_of)
    off_links, off_ops = set(disabled_links), set(disabled_operators)
    unknown = sorted(off_links - set(links["link_id"])) if off_links else []
    if unknown:
        raise UnknownNameError(
            f"unknown air link(s) {unknown}; valid links: {sorted(links['link_id'])}"
        )
    bad_ops = sorted(off_ops - set(links["operator"])) if off_ops else []
    if bad_ops:
        raise UnknownNameError(
            f"unknown operator(s) {bad_ops}; valid operators: {sorted(set(links['operator']))}"
        )
    start, end = _dates(links["period_start"]), _dates(links["period_end"])
    closures = {
        k: dt.date.fromisoformat(v) for k, v in (base_closure_by_airport or {}).items() if v
    }
    states = []
    columns = (links[c].tolist() for c in ("link_id", "to_icao", "operator", "status"))
    for i, (link_id, to_icao, operator, status) in enumerate(zip(*columns)):
        stop = end[i]
        if operator in mission and to_icao in closures:
            closed = closures[to_icao] - dt.timedelta(days=1)
            stop = closed if stop is None else min(stop, closed)
            if when > stop:
                status = "ended"
        if link_id in off_links or operator in off_ops:
            states.append("inactive")
        elif start[i] is not None and when < start[i]:
            states.append("not_started")
        elif stop is not None and when <= stop:
            states.append("active")
        elif status in _CLOSED_AFTER_END:
            states.append("inactive")
        elif status in _UNKNOWN_AFTER_END:
            states.append("unknown")
        else:  # no_end_reported
            states.append("active")
    return pd.Series(states, index=links.index, name="link_state")


def airport_service(
    links: pd.DataFrame,
    states: pd.Series,
    icaos: Iterable[str],
    *,
    mission_operators: Iterable[str] = (),
) -> pd.DataFrame:
    """Service of every airport from its links' states.

    A link serves its origin, its stops and its destination.

    Parameters
    ----------
    links
        The air links (see :func:`link_states`).
    states
        :func:`link_states` of ``links``.
    icaos
        The airports to report on.
    mission_operators
        Operators whose flights belonged to the mission (``mission_only`` service).

    Returns
    -------
    pandas.DataFrame
        Indexed by ICAO: ``air_state`` (one of :data:`AIR_STATES`: ``served`` by an active scheduled
        or humanitarian link; ``unknown`` when a civilian link's state is unknown; ``mission_only``
        when only mission flights are active; ``none_documented`` otherwise) and ``air_operators``
        (active operators, ``;``-separated).
    """
    icaos = list(icaos)
    mission = set(mission_operators)
    served: dict[str, set[str]] = {k: set() for k in icaos}
    unknown = dict.fromkeys(icaos, False)
    columns = (links[c].tolist() for c in ("from_icao", "to_icao", "via_icao", "operator"))
    for from_icao, to_icao, via_icao, operator, state in zip(*columns, states.tolist()):
        stops = [from_icao, to_icao, *(via_icao.split(";") if isinstance(via_icao, str) else [])]
        for icao in stops:
            if icao not in served:
                continue
            if state == "active":
                served[icao].add(operator)
            elif state == "unknown" and operator not in mission:
                unknown[icao] = True
    air_state, air_operators = [], []
    for icao in icaos:
        civil = served[icao] - mission
        air_state.append(
            "served"
            if civil
            else "unknown"
            if unknown[icao]
            else "mission_only"
            if served[icao]
            else "none_documented"
        )
        air_operators.append(";".join(sorted(served[icao])) or None)
    return pd.DataFrame(
        {"air_state": air_state, "air_operators": air_operators},
        index=pd.Index(icaos, name="icao"),
    )


def river_side(
    places: gpd.GeoDataFrame,
    river_line: shapely.LineString,
    metric_crs: object,
    *,
    on_line_km: float = 5.0,
) -> pd.Series:
    """Side of the river of every place: ``left`` or ``right`` bank, looking downstream.

    ``left`` is the north/west bank. The line must run downstream. The sign of the cross
    product between the river's direction at the nearest point and the offset to the place is
    taken in ``metric_crs`` (never in degrees).
    Places beyond the ends of the line take the side of the end segment's extension. Places
    without a coordinate, and places within ``on_line_km`` of the line (riverside towns the
    schematic line runs through, whose bank it cannot tell), get None.

    Parameters
    ----------
    places
        Point GeoDataFrame (null geometry allowed).
    river_line
        The river's line in EPSG:4326, running downstream.
    metric_crs
        A metric CRS for the cross products (e.g. the places' UTM zone).
    on_line_km
        Places this close to the line get None.

    Returns
    -------
    pandas.Series
        ``left``, ``right`` or None per place, aligned to ``places``, named ``river_bank``.
    """
    lon, _ = point_lonlat(places, name="places")
    ok = np.isfinite(lon)
    out = pd.Series(None, index=places.index, dtype=object, name="river_bank")
    if not ok.any():
        return out
    pts = to_wgs84(places[ok], name="places").to_crs(metric_crs).geometry.to_numpy()
    line = gpd.GeoSeries([river_line], crs="EPSG:4326").to_crs(metric_crs).iloc[0]
    coords = np.asarray(line.coords)[:, :2]
    seg_lines = shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1))
    dist = shapely.distance(pts[:, None], seg_lines[None, :])
    best = np.argmin(dist, axis=1)
    a, b = coords[best], coords[best + 1]
    p = shapely.get_coordinates(pts)
    cross = (b[:, 0] - a[:, 0]) * (p[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (p[:, 0] - a[:, 0])
    side = np.where(cross > 0, "left", "right").astype(object)
    side[dist[np.arange(len(pts)), best] <= on_line_km * 1000.0] = (
        None  # on the (schematic) line itself
    )
    out[ok] = side
    return out
