"""Unit x month event counts with a stated span: the input of forecasting and event studies.

A :class:`Panel` holds one row per unit (cercle, commune, PRIO-GRID cell, place) and one column
per calendar month of its **span**, the months the history covers. A cell is the number of events
in that unit and month; ``NaN`` means *not observed* (for example a unit-month an aggregate does
not list), never zero. Months outside the span are not in the panel at all: asking for them gives
``NaN`` (:meth:`Panel.window_sum`), so a forecast cannot mistake "no record" for "no violence".

Months are whole numbers, ``year * 12 + (month - 1)`` (:func:`month_index`), so differences are
numbers of months; :func:`month_label` turns them back into ``YYYY-MM``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from minusma.geo._errors import ParameterError

logger = logging.getLogger(__name__)

__all__ = [
    "Panel",
    "assign_nearest",
    "assign_units",
    "month_index",
    "month_label",
    "panel_from_counts",
    "panel_from_events",
]


def month_index(values: ArrayLike | str | dt.date) -> NDArray[np.int64]:
    """Month numbers ``year * 12 + month - 1`` of dates, timestamps or ``YYYY-MM[-DD]`` strings.

    Parameters
    ----------
    values
        One value or many.

    Returns
    -------
    numpy.ndarray
        int64 month numbers, one per value.

    Raises
    ------
    ParameterError
        If a value is missing or not a date.

    Examples
    --------
    >>> month_index(["2016-01", "2016-02-15"]).tolist()
    [24192, 24193]
    """
    items = [values] if isinstance(values, str | dt.date) else values
    raw = pd.Series(items if isinstance(items, pd.Series) else np.asarray(items, dtype=object))
    parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"{raw.iloc[i]!r} is not a month (expected YYYY-MM or a date)")
    return (parsed.dt.year * 12 + parsed.dt.month - 1).to_numpy(dtype=np.int64)


@overload
def month_label(index: int | np.integer) -> str: ...


@overload
def month_label(index: Sequence[int] | NDArray | pd.Series) -> list[str]: ...


def month_label(
    index: int | np.integer | Sequence[int] | NDArray | pd.Series,
) -> str | list[str]:
    """``YYYY-MM`` of a month number (or a list of them).

    Parameters
    ----------
    index
        A month number (:func:`month_index`) or several.

    Returns
    -------
    str or list of str
        One label, or a list for several numbers.

    Examples
    --------
    >>> month_label(24192)
    '2016-01'
    """
    if np.ndim(index) == 0:
        i = int(np.asarray(index))
        return f"{i // 12:04d}-{i % 12 + 1:02d}"
    return [month_label(int(i)) for i in np.asarray(index)]


@dataclass(frozen=True)
class Panel:
    """Event counts per unit and month over a stated span.

    Attributes
    ----------
    unit_ids
        ``(n_units,)`` unit identifiers (P-codes, PRIO-GRID gids, place ids), in row order.
    first_month
        Month number (:func:`month_index`) of column 0: the first month of the span.
    counts
        ``(n_units, n_months)`` float64 events; ``NaN`` = not observed.
    fatalities
        Same shape, deaths (``NaN`` where unknown), or ``None``.
    source
        Where the counts came from (a file name or a description).
    report
        What was dropped or left missing, with counts (rows outside the span, unknown units...).
    """

    unit_ids: NDArray
    first_month: int
    counts: NDArray[np.float64]
    fatalities: NDArray[np.float64] | None = None
    source: str = ""
    report: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check that the counts are units x months, one row per unit id."""
        if self.counts.ndim != 2 or self.counts.shape[0] != len(self.unit_ids):
            raise ParameterError(
                f"counts must be (n_units, n_months) = ({len(self.unit_ids)}, m); "
                f"got {self.counts.shape}"
            )
        if self.fatalities is not None and self.fatalities.shape != self.counts.shape:
            raise ParameterError("fatalities must have the shape of counts")

    @property
    def n_units(self) -> int:
        """Number of units (rows)."""
        return int(self.counts.shape[0])

    @property
    def n_months(self) -> int:
        """Number of months (columns)."""
        return int(self.counts.shape[1])

    @property
    def last_month(self) -> int:
        """Month number of the last month of the span."""
        return self.first_month + self.n_months - 1

    @property
    def months(self) -> NDArray[np.int64]:
        """Month numbers of the columns."""
        return np.arange(self.first_month, self.first_month + self.n_months, dtype=np.int64)

    @property
    def span(self) -> tuple[str, str]:
        """First and last month of the span, ``YYYY-MM``."""
        return month_label(self.first_month), month_label(self.last_month)

    def column(self, month: int) -> int:
        """Column of a month number (may lie outside ``0..n_months-1``).

        Parameters
        ----------
        month
            A month number.

        Returns
        -------
        int
        """
        return int(month) - self.first_month

    def window_sum(self, end_month: int, length_months: int) -> NDArray[np.float64]:
        """Events per unit in the ``length_months`` months *before* ``end_month`` (excluded).

        ``NaN`` for a unit when any month of the window is outside the span or not observed.

        Parameters
        ----------
        end_month
            The month number after the window.
        length_months
            Months in the window (>= 1).

        Returns
        -------
        numpy.ndarray
            Events per unit.

        Raises
        ------
        ParameterError
            A window shorter than a month.
        """
        if length_months < 1:
            raise ParameterError(f"length_months must be >= 1, got {length_months}")
        stop = self.column(end_month)
        start = stop - length_months
        if start < 0 or stop > self.n_months:
            return np.full(self.n_units, np.nan)
        return self.counts[:, start:stop].sum(axis=1)

    def to_frame(self) -> pd.DataFrame:
        """Long form: ``unit_id, month (YYYY-MM), events, fatalities``, observed cells only.

        Returns
        -------
        pandas.DataFrame
            One row per observed unit-month.
        """
        n, m = self.counts.shape
        unit = np.repeat(np.asarray(self.unit_ids, dtype=object), m)
        month = np.tile(np.asarray(month_label(self.months), dtype=object), n)
        frame = pd.DataFrame(
            {
                "unit_id": unit,
                "month": month,
                "events": self.counts.ravel(),
                "fatalities": (self.fatalities.ravel() if self.fatalities is not None else np.nan),
            }
        )
        return frame[frame["events"].notna()].reset_index(drop=True)


def _span(span: tuple[int | str, int | str] | None, months: NDArray[np.int64]) -> tuple[int, int]:
    if span is None:
        if months.size == 0:
            raise ParameterError("no events and no span: give span=(first_month, last_month)")
        return int(months.min()), int(months.max())
    first, last = (
        int(v) if isinstance(v, int | np.integer) else int(month_index(v)[0]) for v in span
    )
    if first > last:
        raise ParameterError(f"span starts {month_label(first)} after it ends {month_label(last)}")
    return first, last


def _positions(
    unit_of_row: ArrayLike, unit_ids: Sequence | NDArray
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    ids = pd.Index(np.asarray(unit_ids, dtype=object))
    if not ids.is_unique:
        raise ParameterError("unit_ids must be distinct")
    pos = ids.get_indexer(np.asarray(unit_of_row, dtype=object))
    return pos, pos >= 0


def panel_from_events(
    unit_of_event: ArrayLike,
    month_of_event: ArrayLike,
    unit_ids: Sequence | NDArray,
    *,
    span: tuple[int | str, int | str] | None = None,
    fatalities: ArrayLike | None = None,
    source: str = "",
) -> Panel:
    """Count events per unit and month (every unit-month of the span observed, zeros included).

    Parameters
    ----------
    unit_of_event
        The unit id of each event (``None``/``NaN`` for an event in no unit).
    month_of_event
        Month number (:func:`month_index`) of each event.
    unit_ids
        Every unit of the panel, in row order (units without events get zero rows).
    span
        ``(first, last)`` month, as numbers or ``YYYY-MM``; default: the first to the last event.
        Events outside it, or in no listed unit, are dropped and counted in ``report``.
    fatalities
        Deaths per event (``NaN`` unknown, summed as 0 but flagged in ``report``).
    source
        Recorded on the panel.

    Returns
    -------
    Panel
    """
    months = np.asarray(month_of_event, dtype=np.int64)
    first, last = _span(span, months)
    pos, known = _positions(unit_of_event, unit_ids)
    inside = (months >= first) & (months <= last)
    keep = known & inside
    n, m = len(unit_ids), last - first + 1
    flat = pos[keep] * m + (months[keep] - first)
    counts = np.bincount(flat, minlength=n * m).astype(np.float64).reshape(n, m)
    deaths: NDArray[np.float64] | None = None
    report = {
        "events_read": int(months.size),
        "dropped_outside_span": int((~inside).sum()),
        "dropped_outside_units": int((inside & ~known).sum()),
    }
    if fatalities is not None:
        f = np.asarray(fatalities, dtype=np.float64)
        report["fatalities_unknown"] = int(np.isnan(f[keep]).sum())
        w = np.nan_to_num(f[keep])
        deaths = np.bincount(flat, weights=w, minlength=n * m).astype(np.float64).reshape(n, m)
    if report["dropped_outside_span"] or report["dropped_outside_units"]:
        logger.warning(
            "%s: %d event(s) outside the span %s..%s and %d in no unit left out",
            source or "events",
            report["dropped_outside_span"],
            month_label(first),
            month_label(last),
            report["dropped_outside_units"],
        )
    return Panel(np.asarray(unit_ids), first, counts, deaths, source, report)


def panel_from_counts(
    frame: pd.DataFrame,
    unit_ids: Sequence | NDArray | None = None,
    *,
    span: tuple[int | str, int | str] | None = None,
    source: str = "",
) -> Panel:
    """A panel from unit-month rows (``unit_id, month, events[, fatalities]``).

    ``month`` holds month numbers or ``YYYY-MM`` strings. Listed rows are observed (an explicit 0
    is a zero); unit-months of the span not listed stay ``NaN`` (not observed). Rows must be
    distinct per unit and month (checked by the readers, which name the row).

    Parameters
    ----------
    frame
        The rows.
    unit_ids
        Units in row order; default: those of ``frame``, sorted.
    span
        ``(first, last)`` month; default: the first to the last listed month.
    source
        Recorded on the panel.

    Returns
    -------
    Panel
    """
    month = frame["month"].to_numpy()
    months = (
        month.astype(np.int64) if np.issubdtype(month.dtype, np.integer) else month_index(month)
    )
    first, last = _span(span, months)
    if unit_ids is None:
        unit_ids = np.asarray(sorted(pd.unique(frame["unit_id"])), dtype=object)
    pos, known = _positions(frame["unit_id"], unit_ids)
    inside = (months >= first) & (months <= last)
    keep = known & inside
    n, m = len(unit_ids), last - first + 1
    counts = np.full((n, m), np.nan)
    counts[pos[keep], months[keep] - first] = frame["events"].to_numpy(dtype=np.float64)[keep]
    deaths = None
    if "fatalities" in frame.columns:
        deaths = np.full((n, m), np.nan)
        deaths[pos[keep], months[keep] - first] = frame["fatalities"].to_numpy(np.float64)[keep]
    report = {
        "rows_read": len(frame),
        "dropped_outside_span": int((~inside).sum()),
        "dropped_outside_units": int((inside & ~known).sum()),
        "unit_months_missing": int(np.isnan(counts).sum()),
    }
    if report["unit_months_missing"]:
        logger.info(
            "%s: %d unit-month(s) of the span are not listed: treated as missing, not zero",
            source or "counts",
            report["unit_months_missing"],
        )
    return Panel(np.asarray(unit_ids), first, counts, deaths, source, report)


def assign_units(
    points: gpd.GeoDataFrame, units: gpd.GeoDataFrame, id_column: str
) -> NDArray[np.object_]:
    """The id of the unit polygon holding each point (``None`` where no unit holds it).

    A point on a shared edge goes to the first unit in ``units`` order.

    Parameters
    ----------
    points
        Point frame (null geometries give ``None``).
    units
        Polygon frame with ``id_column``, in the same CRS as ``points``.
    id_column
        Column of ``units`` holding the ids.

    Returns
    -------
    numpy.ndarray
        Object array, one id per point.
    """
    if points.crs is not None and units.crs is not None and points.crs != units.crs:
        units = units.to_crs(points.crs)
    out = np.full(len(points), None, dtype=object)
    present = ~(points.geometry.isna() | points.geometry.is_empty).to_numpy()
    if not present.any():
        return out
    geoms = points.geometry.to_numpy()[present]
    point_idx, unit_idx = units.sindex.query(geoms, predicate="intersects")
    pairs = pd.DataFrame({"p": point_idx, "u": unit_idx}).sort_values(["p", "u"])
    pairs = pairs.drop_duplicates("p")
    ids = units[id_column].to_numpy(dtype=object)
    sub = np.full(int(present.sum()), None, dtype=object)
    sub[pairs["p"].to_numpy()] = ids[pairs["u"].to_numpy()]
    out[present] = sub
    return out


def assign_nearest(
    points: gpd.GeoDataFrame, units: gpd.GeoDataFrame, id_column: str, *, max_km: ArrayLike
) -> NDArray[np.object_]:
    """The id of the nearest point unit (town, place) within ``max_km`` of each point.

    By geodesic distance; ``None`` beyond it or without a geometry.

    Parameters
    ----------
    points
        Points to match (EPSG:4326).
    units
        Point units (EPSG:4326).
    id_column
        Column of ``units`` holding the ids.
    max_km
        Farthest match, per point or one for all (NaN: no match).

    Returns
    -------
    numpy.ndarray
        Object array, one id per point.
    """
    from minusma.geo.distance import nearest_km

    out = np.full(len(points), None, dtype=object)
    limit = np.broadcast_to(np.asarray(max_km, dtype=np.float64), (len(points),))
    present = ~(points.geometry.isna() | points.geometry.is_empty).to_numpy()
    if not present.any() or len(units) == 0:
        return out
    geoms = points.geometry[present]
    index, km = nearest_km(geoms.x, geoms.y, units.geometry.x, units.geometry.y)
    ids = units[id_column].to_numpy(dtype=object)
    hit = km <= limit[present]
    sub = np.full(index.size, None, dtype=object)
    sub[hit] = ids[index[hit]]
    out[present] = sub
    return out
