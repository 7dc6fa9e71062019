"""Short human-readable reasons for the exposure of every place, built column-wise.

Each function returns one part of the reasons as an object array of strings, ``""`` where it
has nothing to say, and builds strings only for the rows that need them (fast on 20,000
places). The road part depends only on the season and the roads cut, so
:func:`geo.exposure.assess.evaluate` caches it across what-ifs. :func:`join` puts the parts
together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["air", "coverage_lost", "flag", "fmt0", "geography", "join", "road"]


def flag(series: pd.Series) -> np.ndarray:
    """Known-true mask of a nullable boolean column (NA is not true)."""
    return np.asarray(pd.array(series, dtype="boolean").fillna(False), dtype=bool)


def fmt0(values) -> np.ndarray:
    """Numbers rounded to integers (half to even) as strings, ``""`` for NaN."""
    v = np.round(np.asarray(values, dtype="float64"))
    out = np.full(v.shape, "", dtype=object)
    ok = np.isfinite(v)
    out[ok] = v[ok].astype("int64").astype(str).tolist()
    return out


def _text(series: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``series`` at positions ``rows`` as strings (``""`` for missing)."""
    return series.iloc[rows].fillna("").astype(str).to_numpy(dtype=object)


def coverage_lost(out: pd.DataFrame) -> np.ndarray:
    """``lost coverage from <base> (<km> km) on <date>`` where the umbrella was lost."""
    part = np.full(len(out), "", dtype=object)
    rows = np.flatnonzero(flag(out["coverage_lost"]))
    if rows.size:
        lost_on = out["coverage_lost_on"].iloc[rows]
        on_date = np.where(
            lost_on.notna().to_numpy(), " on " + _text(lost_on, np.arange(rows.size)), ""
        )
        km = fmt0(out["base_before_km"].to_numpy(dtype="float64")[rows])
        name = _text(out["base_before_name"], rows)
        part[rows] = "lost coverage from " + name + " (" + km + " km)" + on_date
    return part


def road(out: pd.DataFrame, labels: pd.Series) -> np.ndarray:
    """Road access: off the road layer, no route, or the segments that each cut the one route;
    then the road distance and time to Bamako. ``labels`` reads segment ids (see
    :func:`geo.exposure.access.edge_labels`)."""
    n = len(out)
    access = np.full(n, "", dtype=object)
    off = flag(~out["on_road_network"].astype("boolean"))
    unreachable = flag(~out["bamako_reachable"].astype("boolean"))
    routes = out["bamako_routes"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    cut = out["bamako_cut_by"].to_numpy(dtype=object)
    rows = np.flatnonzero(off)
    access[rows] = (
        "not on the road layer (nearest node "
        + fmt0(out["snap_km"].to_numpy(dtype="float64")[rows])
        + " km): road access unknown"
    )
    access[~off & unreachable] = "no road route to Bamako"
    single = ~off & ~unreachable & (routes == 1) & pd.notna(cut)
    access[single] = [
        f"one road route to Bamako: {len(c.split(';'))} segment(s) each cut it off "
        f"(nearest: {labels.get(c.split(';')[0], c.split(';')[0])})"
        for c in cut[single].tolist()
    ]
    distance = np.full(n, "", dtype=object)
    reach = flag(out["bamako_reachable"])
    hours = out["bamako_travel_h"].to_numpy(dtype="float64")
    timed, untimed = reach & np.isfinite(hours), reach & ~np.isfinite(hours)
    km = out["bamako_road_km"].to_numpy(dtype="float64")
    distance[timed] = "Bamako " + fmt0(km[timed]) + " km, " + fmt0(hours[timed]) + " h by road"
    distance[untimed] = "Bamako " + fmt0(km[untimed]) + " km by road (time unknown: speed missing)"
    return join([access, distance], empty="")


def air(out: pd.DataFrame, air_reach_km: float) -> np.ndarray:
    """Air access after the withdrawal, and whether it depended on the mission's flights."""
    n = len(out)
    state = out["air_state"].to_numpy(dtype=object)
    score_air = out["air_score"].to_numpy(dtype="float64")
    service = np.full(n, "", dtype=object)
    none_in_reach = state == "no_airstrip_in_reach"
    ended = ~none_in_reach & (score_air == 10.0)
    unknown = ~none_in_reach & ~ended & (state == "unknown")
    service[none_in_reach] = f"no airstrip within {air_reach_km:.0f} km"
    rows = np.flatnonzero(ended)
    service[rows] = (
        "no documented air service after the withdrawal (" + _text(out["airport_icao"], rows) + ")"
    )
    service[unknown] = "air service after the withdrawal unknown"
    mission = np.where(
        flag(out["air_depended_on_un"]), "air access depended on MINUSMA/UNHAS only", ""
    ).astype(object)
    return join([service, mission], empty="")


def geography(out: pd.DataFrame) -> np.ndarray:
    """Riverside on the navigable Niger; central region (when the column is there)."""
    parts = [
        np.where(
            flag(out["riverside"]) & (out["river_reach"] == "navigable").to_numpy(),
            "riverside on the navigable Niger",
            "",
        ).astype(object)
    ]
    if "central_region" in out:
        parts.append(np.where(flag(out["central_region"]), "central region", "").astype(object))
    return join(parts, empty="")


def join(parts: list[np.ndarray], *, empty: str | None = None) -> np.ndarray:
    """The non-empty parts of every row in order, joined by ``"; "``; ``empty`` where none."""
    acc = np.asarray(parts[0], dtype=object).copy()
    has = acc != ""
    for part in parts[1:]:
        more = part != ""
        both = has & more
        acc[both] = acc[both] + "; " + part[both]
        only = ~has & more
        acc[only] = part[only]
        has |= more
    return np.where(has, acc, empty)
