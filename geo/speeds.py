"""Travel time on a road graph from a replaceable table of speeds per road class and season.

The speed table is plain data (a CSV the user can replace) with columns ``road_class``,
``season`` (``dry`` or ``wet``) and ``speed_kmh``; other columns (``source``, ``note``) are
ignored. An empty ``speed_kmh`` means *unknown* (never 0, never "same as dry"). Nothing is
guessed: an edge whose class has no known speed either stops the computation (default) or gets
a NaN time with a warning, so it drops out of time routing; it never receives an average speed.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo._validate import raise_problems
from minusma.geo.i18n import Phrase
from minusma.geo.network import RoadGraph

logger = logging.getLogger(__name__)

__all__ = [
    "NO_CLASS",
    "SEASONS",
    "SPEED_COLUMNS",
    "SPEED_TABLE",
    "UnknownSpeedWarning",
    "add_travel_time",
    "travel_time_h",
    "validate_speed_table",
]

#: Seasons a speed table may describe (Sahel: dry season, and the rainy season when tracks flood).
SEASONS = ("dry", "wet")

#: Columns of a speed table.
SPEED_COLUMNS = ("road_class", "season", "speed_kmh")

#: Label used for edges that have no road class at all.
NO_CLASS = "<no road_class>"

#: Where the messages point for speeds: the shipped table, unless the caller passes its own.
SPEED_TABLE = "layers/data/speeds.csv"


class UnknownSpeedWarning(UserWarning):
    """Road segments whose class has no speed for the season get no travel time (a data gap)."""


def validate_speed_table(
    speeds: pd.DataFrame, classes: Iterable[str] | None = None, *, seasons: Iterable[str] = SEASONS
) -> None:
    """Check a speed table and raise once listing every problem.

    Parameters
    ----------
    speeds
        Columns ``road_class``, ``season``, ``speed_kmh`` (empty = unknown; other values must
        be positive numbers); extra columns are allowed.
    classes
        Road classes that must have a known speed in each of ``seasons`` (e.g. the graph's).
    seasons
        Seasons for which ``classes`` must be covered.

    Raises
    ------
    SchemaError
        Listing missing columns, unknown seasons, non-numeric or non-positive speeds,
        duplicate (road_class, season) rows and, with ``classes``, the classes without a
        known speed.
    """
    problems: list[str] = []
    missing = [c for c in SPEED_COLUMNS if c not in speeds.columns]
    if missing:
        raise_problems(
            [f"missing column(s) {missing}; expected {list(SPEED_COLUMNS)}"], name="speed table"
        )
    bad_season = sorted(set(speeds.loc[~speeds["season"].isin(SEASONS), "season"].astype(str)))
    if bad_season:
        problems.append(f"unknown season(s) {bad_season}; seasons are {list(SEASONS)}")
    if speeds["road_class"].isna().any():
        problems.append("road_class has null values")
    speed = pd.to_numeric(speeds["speed_kmh"], errors="coerce")
    bad = ~(np.isfinite(speed) & (speed > 0)) & speeds["speed_kmh"].notna()
    if bad.any():
        rows = (
            speeds.loc[bad, ["road_class", "season", "speed_kmh"]].astype(str).agg("/".join, axis=1)
        )
        problems.append(
            "speed_kmh must be a positive number or empty; "
            f"bad rows (class/season/speed): {rows.tolist()[:5]}"
        )
    dup = speeds.duplicated(["road_class", "season"], keep=False)
    if dup.any():
        pairs = sorted(
            set(
                zip(
                    speeds.loc[dup, "road_class"].astype(str), speeds.loc[dup, "season"].astype(str)
                )
            )
        )
        problems.append(f"duplicate (road_class, season) rows: {pairs[:5]}")
    if classes is not None:
        known = speed.notna()
        have = set(zip(speeds.loc[known, "road_class"], speeds.loc[known, "season"]))
        for season in seasons:
            absent = sorted({str(c) for c in classes if (c, season) not in have})
            if absent:
                problems.append(f"no known {season}-season speed for road class(es) {absent}")
    raise_problems(problems, name="speed table")


def travel_time_h(
    graph: RoadGraph, speeds: pd.DataFrame, *, season: str = "dry", on_unknown: str = "raise"
) -> pd.Series:
    """Travel time of every edge, ``length_km / speed_kmh`` for its road class and the season.

    Parameters
    ----------
    graph
        The road graph (uses ``length_km`` and ``road_class``).
    speeds
        Speed table, see :func:`validate_speed_table`.
    season
        ``"dry"`` or ``"wet"``.
    on_unknown
        What to do with edges whose class has no speed for the season: ``"raise"`` (default)
        or ``"warn"``, which emits one :class:`UnknownSpeedWarning` (how many segments, which
        classes) and gives them NaN time.

    Returns
    -------
    pandas.Series
        Hours, indexed by ``edge_id``, named ``travel_h``.

    Raises
    ------
    ParameterError
        Unknown ``season`` or ``on_unknown``; with ``on_unknown="raise"``, classes without a
        speed (the message counts the segments and names the classes).
    SchemaError
        The table itself is malformed.
    """
    if season not in SEASONS:
        raise ParameterError(f"unknown season {season!r}; choose from {list(SEASONS)}")
    if on_unknown not in ("raise", "warn"):
        raise ParameterError(f"on_unknown must be 'raise' or 'warn', got {on_unknown!r}")
    validate_speed_table(speeds)
    rows = speeds.loc[speeds["season"] == season]
    table = pd.Series(
        pd.to_numeric(rows["speed_kmh"]).to_numpy(dtype="float64", na_value=np.nan),
        index=rows["road_class"],
    )
    classes = graph.edges["road_class"]
    # one hashed look-up per edge (reindex), not Series.map's per-value path (~5x faster at 1M)
    speed = table.reindex(classes.to_numpy()).to_numpy(dtype="float64", na_value=np.nan)
    unknown = np.isnan(speed)
    if unknown.any():
        names = set(classes[unknown].fillna(NO_CLASS).astype(str))
        empty = names & set(map(str, table.index[table.isna()]))
        listed = ", ".join(f"{c} (empty speed)" if c in empty else c for c in sorted(names))
        n = int(unknown.sum())
        if on_unknown == "raise":
            raise ParameterError(
                f"{n} road segment(s) have no {season}-season speed (class(es) {listed}); add "
                f"their speeds to the speed table ({SPEED_TABLE}) or pass on_unknown='warn'"
            )
        said = Phrase(
            "gap.unknown_speed",
            terms={"season": "season", "classes": "road"},
            n=n,
            season=season,
            classes=tuple(f"{c} (empty speed)" if c in empty else c for c in sorted(names)),
            table=SPEED_TABLE,
        )
        warnings.warn(UnknownSpeedWarning(said), stacklevel=2)
    hours = graph.edges["length_km"].to_numpy(dtype="float64") / speed
    return pd.Series(hours, index=pd.Index(graph.edges["edge_id"], name="edge_id"), name="travel_h")


def add_travel_time(
    graph: RoadGraph, speeds: pd.DataFrame, *, season: str = "dry", on_unknown: str = "raise"
) -> RoadGraph:
    """A new graph with a ``travel_h`` edge column from :func:`travel_time_h`.

    Parameters
    ----------
    graph
        The road graph (with ``length_km`` and ``road_class`` edge columns).
    speeds
        The speed table (see :func:`validate_speed_table`).
    season
        Season of the speeds: ``"dry"`` or ``"wet"``.
    on_unknown
        ``"raise"`` or ``"warn"``, as in :func:`travel_time_h`.

    Returns
    -------
    RoadGraph
        A copy of ``graph`` with the ``travel_h`` edge column (hours; NaN where the speed is
        unknown).

    Raises
    ------
    ParameterError
        As :func:`travel_time_h`: an unknown season or ``on_unknown``, or classes without a speed.
    SchemaError
        The speed table is malformed.
    """
    return graph.with_edge_column(
        "travel_h", travel_time_h(graph, speeds, season=season, on_unknown=on_unknown)
    )
