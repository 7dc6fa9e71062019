"""Event history in every layout users hold it, read into one form with its stated span.

Layouts (:func:`detect_layout` tells them by extension and header):

* **event points**: the shipped table (``path=None``), ACLED exports, UCDP GED CSV or GeoJSON,
  read by :mod:`minusma.layers.events`;
* **hdx-admin2**: ACLED's per-country aggregate on HDX, one row per admin-2 unit and month
  (CSV or XLSX): ``Country, Admin1, Admin2, ISO3, Admin2 Pcode, Admin1 Pcode, Month, Year,
  Events, Fatalities``, ``Month`` an English month name, zero rows present;
* **hdx-admin1**: its admin-1 variant (``Admin1 Pcode`` without ``Admin2 Pcode``);
* **unit-month**: a plain CSV ``unit_id, month (YYYY-MM), events[, fatalities]``.

The span
--------
Every history states the months it covers (:attr:`History.span`): given by the caller
(``span=``), else for event points the first to the last month with an event (the shipped table:
its window), for aggregates the first to the last month listed. Inside the span, event points
make every unit-month observed (no event = 0); an aggregate's listed rows are observed (an
explicit 0 is a zero) and unlisted unit-months are **missing**, not zero. Months outside the span
are never zero (:mod:`minusma.geo.panel`).

Bad input
---------
A missing column, an unreadable month or year, a negative or fractional count, a duplicate
unit-month: one :class:`HistoryFileError` naming the file, the row and the column, and the fix.
Unit codes are checked against the OCHA COD units of the data directory (aggregates) or the
units asked for (:func:`to_panel`): unknown codes are dropped, counted in ``report`` and logged;
if none is known the read fails, naming a few codes and the vintage expected.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import EventsFileError, ParameterError
from minusma.geo.panel import (
    Panel,
    assign_nearest,
    assign_units,
    month_index,
    month_label,
    panel_from_counts,
)
from minusma.geo.panel import panel_from_events as _panel_from_events
from minusma.geo.prio_grid import gid as prio_gid
from minusma.layers.datasets import read_dataset
from minusma.layers.events import (
    GEOJSON_SUFFIXES,
    MALI_BOUNDS,
    WINDOW,
    detect_format,
    read_events,
)

logger = logging.getLogger(__name__)

__all__ = [
    "HDX_ADMIN1_COLUMNS",
    "HDX_ADMIN2_COLUMNS",
    "LAYOUTS",
    "UNIT_MONTH_COLUMNS",
    "History",
    "HistoryFileError",
    "detect_layout",
    "read_history",
    "to_panel",
]

LAYOUTS = ("shipped", "acled", "ucdp-ged", "hdx-admin2", "hdx-admin1", "unit-month")
#: Columns of ACLED's HDX admin-2 x month aggregate (the first ``Fatalities`` optional).
HDX_ADMIN2_COLUMNS = (
    "Country",
    "Admin1",
    "Admin2",
    "ISO3",
    "Admin2 Pcode",
    "Admin1 Pcode",
    "Month",
    "Year",
    "Events",
    "Fatalities",
)
HDX_ADMIN1_COLUMNS = (
    "Country",
    "Admin1",
    "ISO3",
    "Admin1 Pcode",
    "Month",
    "Year",
    "Events",
    "Fatalities",
)
UNIT_MONTH_COLUMNS = ("unit_id", "month", "events", "fatalities")
#: Unit level each aggregate layout gives.
LEVEL = {"hdx-admin2": "cercle", "hdx-admin1": "region"}
#: OCHA COD dataset and P-code column checked for each aggregate layout.
_COD = {"hdx-admin2": ("cod_adm2", "admin2Pcod"), "hdx-admin1": ("cod_adm1", "admin1Pcod")}
_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
_YYYY_MM = re.compile(r"^(\d{4})-(\d{2})$")


class HistoryFileError(EventsFileError):
    """A history file cannot be read: one line naming the file, the row, the column and the fix."""


@dataclass
class History:
    """One event history: points or unit-month counts, with the span it covers.

    Attributes
    ----------
    layout
        One of :data:`LAYOUTS`.
    span
        First and last month covered (month numbers, :func:`minusma.geo.panel.month_index`).
    events
        The event frame (:data:`minusma.layers.events.EVENT_SCHEMA`) for point layouts.
    counts
        ``unit_id, month (month number), events, fatalities`` for aggregates.
    level
        The unit level of an aggregate (``cercle``, ``region``; None for ``unit-month``).
    source
        The file read (or ``shipped``).
    report
        Rows read, dropped (with reasons) and unlocated.
    """

    layout: str
    span: tuple[int, int]
    events: gpd.GeoDataFrame | None = None
    counts: pd.DataFrame | None = None
    level: str | None = None
    source: str = ""
    report: dict = field(default_factory=dict)

    @property
    def span_labels(self) -> tuple[str, str]:
        """The span as ``YYYY-MM``."""
        return month_label(self.span[0]), month_label(self.span[1])

    @property
    def n_events(self) -> int:
        """Events in the history (sum of counts for aggregates)."""
        if self.events is not None:
            return len(self.events)
        return int(self.counts["events"].sum()) if self.counts is not None else 0

    def describe(self) -> str:
        """One sentence: how much history, over which months, from where.

        Returns
        -------
        str
        """
        first, last = self.span_labels
        months = self.span[1] - self.span[0] + 1
        return (
            f"{self.n_events:,} events over {months} months ({first} to {last}), "
            f"{self.layout} from {self.source}"
        )


def detect_layout(path: str | os.PathLike) -> str:
    """The layout of a history file, from its extension and header (:data:`LAYOUTS`).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        One of :data:`LAYOUTS`.

    Raises
    ------
    HistoryFileError
        Missing file, or a header matching no layout (the message lists them).
    """
    path = Path(path)
    if not path.is_file():
        raise HistoryFileError(f"{path}: no such history file")
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        return "ucdp-ged"
    header = [str(c).strip() for c in _read_table(path, nrows=0).columns]
    cols = set(header)
    if "Admin2 Pcode" in cols:
        return "hdx-admin2"
    if "Admin1 Pcode" in cols and {"Month", "Year", "Events"} <= cols:
        return "hdx-admin1"
    if {"unit_id", "month", "events"} <= cols:
        return "unit-month"
    try:
        return detect_format(cols)  # event points: the events reader's one detection
    except EventsFileError:
        pass
    raise HistoryFileError(
        f"{path}: unknown history layout (header {', '.join(header[:8])}...). Give event points "
        "(ACLED export, UCDP GED CSV/GeoJSON, the shipped schema), ACLED's HDX admin-2 or "
        "admin-1 x month aggregate (Admin2 Pcode/Admin1 Pcode, Month, Year, Events), or a CSV "
        "unit_id, month (YYYY-MM), events[, fatalities]"
    )


def _read_table(path: Path, nrows: int | None = None) -> pd.DataFrame:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, nrows=nrows, engine="openpyxl")
        else:
            frame = pd.read_csv(
                path,
                dtype=str,
                nrows=nrows,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
            )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HistoryFileError(f"{path}: not a readable CSV or XLSX file ({first})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _where(path: Path, row: int, column: str) -> str:
    return f"{path}: row {row + 1} (line {row + 2}), column {column!r}"


def _fail_first(path: Path, bad: np.ndarray, column: str, message, fix: str) -> None:
    rows = np.flatnonzero(bad)
    if rows.size:
        more = f" (and {rows.size - 1} more row(s))" if rows.size > 1 else ""
        raise HistoryFileError(
            f"{_where(path, int(rows[0]), column)}: {message(int(rows[0]))}{more}; {fix}"
        )


def _whole(path: Path, frame: pd.DataFrame, column: str, *, required: bool) -> pd.Series:
    raw = frame[column].str.strip()
    value = pd.to_numeric(raw, errors="coerce")
    bad = (value.isna() & (raw.notna() | required)) | (
        value.notna() & ((value % 1 != 0) | (value < 0))
    )
    _fail_first(
        path,
        bad.to_numpy(),
        column,
        lambda i: f"{frame[column].iloc[i]!r} is not a count (a whole number >= 0)",
        "correct the value",
    )
    return value.astype("float64")


def _require(path: Path, frame: pd.DataFrame, required: tuple[str, ...], layout: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise HistoryFileError(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)}; a {layout} file "
            f"needs {', '.join(required)}"
        )


def _duplicates(path: Path, keys: pd.DataFrame, what: str) -> None:
    dup = keys.duplicated(keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(dup)
        first = keys.iloc[rows[0]].tolist()
        twin = next(r for r in rows[1:] if keys.iloc[r].tolist() == first)
        raise HistoryFileError(
            f"{path}: rows {rows[0] + 1} and {twin + 1} repeat the same {what} {first} "
            f"({rows.size} duplicate rows in all); keep one row per unit and month (sum them if "
            "they are parts of one count)"
        )


def _read_hdx(path: Path, layout: str, data_dir, unit_ids=None) -> tuple[pd.DataFrame, dict]:
    frame = _read_table(path)
    pcode_col = "Admin2 Pcode" if layout == "hdx-admin2" else "Admin1 Pcode"
    _require(path, frame, (pcode_col, "Month", "Year", "Events"), layout)
    month_name = frame["Month"].str.strip().str.casefold()
    month_no = month_name.map(_MONTHS)
    _fail_first(
        path,
        month_no.isna().to_numpy(),
        "Month",
        lambda i: f"{frame['Month'].iloc[i]!r} is not an English month name",
        "write January ... December",
    )
    year = pd.to_numeric(frame["Year"].str.strip(), errors="coerce")
    _fail_first(
        path,
        (year.isna() | (year % 1 != 0) | (year < 1900) | (year > 2100)).to_numpy(),
        "Year",
        lambda i: f"{frame['Year'].iloc[i]!r} is not a year",
        "write a four-digit year",
    )
    pcode = frame[pcode_col].str.strip().str.upper()
    _fail_first(
        path,
        pcode.isna().to_numpy(),
        pcode_col,
        lambda i: "no P-code",
        "fill in the unit's OCHA P-code",
    )
    events = _whole(path, frame, "Events", required=True)
    fatalities = (
        _whole(path, frame, "Fatalities", required=False)
        if "Fatalities" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    month = (year.astype("int64") * 12 + month_no.astype("int64") - 1).to_numpy()
    out = pd.DataFrame(
        {"unit_id": pcode, "month": month, "events": events, "fatalities": fatalities}
    )
    _duplicates(
        path,
        out[["unit_id", "month"]].assign(month=lambda d: month_label(d["month"])),
        "unit and month",
    )
    if unit_ids is not None:  # the caller's units (another country's admin units)
        known = {str(u).strip().upper() for u in unit_ids}
        return _drop_unknown(path, out, known, "ids of the units given")
    dataset, column = _COD[layout]
    known = set(read_dataset(dataset, data_dir)[column].astype(str).str.upper())
    out, report = _drop_unknown(path, out, known, f"OCHA COD {dataset} P-codes")
    return out, report


def _drop_unknown(path, frame: pd.DataFrame, known: set, what: str) -> tuple[pd.DataFrame, dict]:
    ok = frame["unit_id"].astype(str).isin(known).to_numpy()
    unknown = sorted(set(frame.loc[~ok, "unit_id"].astype(str)))
    if not ok.any():
        raise HistoryFileError(
            f"{path}: none of the unit codes ({', '.join(unknown[:5])}...) is among the {what}; "
            "use the OCHA COD 2015 P-codes of the data directory (e.g. ML0701 for a cercle), or "
            "the ids of the unit asked for"
        )
    report: dict[str, int | list[str]] = {
        "rows_read": len(frame),
        "dropped_unknown_unit": int((~ok).sum()),
    }
    if unknown:
        report["unknown_units"] = unknown
        logger.warning(
            "%s: %d row(s) with %d unknown unit code(s) left out (%s%s)",
            path,
            int((~ok).sum()),
            len(unknown),
            ", ".join(unknown[:5]),
            "..." if len(unknown) > 5 else "",
        )
    return frame[ok].reset_index(drop=True), report


def _read_unit_month(path: Path) -> pd.DataFrame:
    frame = _read_table(path)
    _require(path, frame, ("unit_id", "month", "events"), "unit-month")
    unit = frame["unit_id"].str.strip()
    _fail_first(path, unit.isna().to_numpy(), "unit_id", lambda i: "no unit id", "fill it in")
    text = frame["month"].str.strip().fillna("")
    parts = text.str.extract(_YYYY_MM)
    mon = pd.to_numeric(parts[1], errors="coerce")
    _fail_first(
        path,
        (parts[0].isna() | (mon < 1) | (mon > 12)).to_numpy(),
        "month",
        lambda i: f"{frame['month'].iloc[i]!r} is not a month",
        "write YYYY-MM, e.g. 2023-09",
    )
    month = (parts[0].astype("int64") * 12 + mon.astype("int64") - 1).to_numpy()
    out = pd.DataFrame(
        {
            "unit_id": unit,
            "month": month,
            "events": _whole(path, frame, "events", required=True),
            "fatalities": (
                _whole(path, frame, "fatalities", required=False)
                if "fatalities" in frame.columns
                else np.nan
            ),
        }
    )
    _duplicates(path, pd.DataFrame({"unit_id": unit, "month": text}), "unit and month")
    return out


def _span_of(span, months: np.ndarray, path) -> tuple[int, int]:
    if span is not None:
        first, last = (int(month_index(v)[0]) for v in span)
        if first > last:
            raise ParameterError(f"span starts {span[0]} after it ends {span[1]}")
        return first, last
    if months.size == 0:
        raise HistoryFileError(f"{path}: no rows; give a history with at least one month")
    return int(months.min()), int(months.max())


def read_history(
    path: str | os.PathLike | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    span: tuple[str, str] | None = None,
    country: str | None = "Mali",
    bounds: tuple[float, float, float, float] | None = MALI_BOUNDS,
    unit_ids: Collection[str] | None = None,
) -> History:
    """Read a history file of any layout (see the module docs).

    Parameters
    ----------
    path
        The file; None reads the shipped events table (12 months, 64 events: thin).
    data_dir
        Data directory holding the OCHA COD units (checked for HDX aggregates).
    span
        ``(first, last)`` months ``YYYY-MM`` the history covers; default from the file.
    country
        For event points: keep rows of this country (None for another country; see
        :func:`minusma.layers.events.read_acled`).
    bounds
        For event points: check points lie in these ``(lon_min, lat_min, lon_max, lat_max)``
        (None for another country).
    unit_ids
        For HDX aggregates: the unit ids their P-codes are checked against (another country's
        admin units); default the OCHA COD units of the data directory (Mali).

    Returns
    -------
    History

    Raises
    ------
    HistoryFileError
        An unreadable or malformed file (one line naming file, row, column and fix).
    """
    if path is None:
        events = read_events(None)
        first, last = month_index(WINDOW[0])[0], month_index(WINDOW[1])[0]
        chosen = _span_of(span, np.array([first, last]), "shipped")
        return History(
            "shipped",
            chosen,
            events=events,
            source="shipped events table",
            report=_event_report(events),
        )
    path = Path(path)
    layout = detect_layout(path)
    if layout in LEVEL:
        counts, report = _read_hdx(path, layout, data_dir, unit_ids)
        level = LEVEL[layout]
    elif layout == "unit-month":
        counts, report, level = _read_unit_month(path), {}, None
        report["rows_read"] = len(counts)
    else:
        events = read_events(path, country=country, bounds=bounds)
        dropped = events.attrs.get("dropped", {}).get("outside_country", 0)
        if len(events) == 0 and dropped:
            raise HistoryFileError(
                f"{path}: all {dropped} row(s) lie outside {country}; for another country's "
                "events pass country=None and bounds=None (CLI: --country ANY)"
            )
        months = month_index(events["date"]) if len(events) else np.array([], dtype=np.int64)
        return History(
            events.attrs.get("format", layout),
            _span_of(span, months, path),
            events=events,
            source=str(path),
            report=_event_report(events),
        )
    chosen = _span_of(span, counts["month"].to_numpy(), path)
    return History(layout, chosen, counts=counts, level=level, source=str(path), report=report)


def _event_report(events: gpd.GeoDataFrame) -> dict:
    return {
        "rows_read": int(events.attrs.get("rows_read", len(events))),
        "dropped": dict(events.attrs.get("dropped", {})),
        "unlocated": int(events.attrs.get("unlocated", 0)),
    }


def to_panel(
    history: History,
    units: gpd.GeoDataFrame,
    id_column: str,
    *,
    level: str,
    match_km: float = 10.0,
) -> Panel:
    """Unit x month counts of a history over ``units`` (rows in ``units`` order).

    Parameters
    ----------
    history
        From :func:`read_history`.
    units
        The units: polygons (events are placed by point in polygon), or PRIO-GRID cells
        (``level="grid"``: events are placed by their cell number).
    id_column
        Column of ``units`` with the unit ids (P-codes, gids, names).
    level
        ``cercle``, ``commune``, ``region``, ``region_2023``, ``grid``, ``towns``; an aggregate
        serves only its own level.
    match_km
        Point units (towns): an event counts for the nearest one within ``match_km`` plus the
        event's location uncertainty; farther events are left out and counted.

    Returns
    -------
    Panel
        With ``report`` joining the history's and the panel's counts.

    Raises
    ------
    HistoryFileError
        An aggregate at another level, or none of its unit ids among ``units``.
    """
    ids = units[id_column].to_numpy()
    if history.events is not None:
        ev = history.events
        located = (ev["location_precision_km"].notna() & ev.geometry.notna()).to_numpy()
        ev = ev[located]
        unit: np.ndarray
        if level == "grid":
            unit = prio_gid(ev["lon"].to_numpy(), ev["lat"].to_numpy())
        elif (units.geometry.geom_type == "Point").all():
            unit = assign_nearest(
                ev, units, id_column, max_km=match_km + ev["location_precision_km"].to_numpy()
            )
        else:
            unit = assign_units(ev, units, id_column)
        panel = _panel_from_events(
            unit,
            month_index(ev["date"]) if len(ev) else np.array([], dtype=np.int64),
            ids,
            span=history.span,
            fatalities=ev["fatalities"].astype("float64").to_numpy(),
            source=history.source,
        )
        panel.report["unlocated_left_out"] = int((~located).sum())
    else:
        if history.level is not None and history.level != level:
            raise HistoryFileError(
                f"{history.source}: a {history.layout} history counts events per {history.level}; "
                f"use --unit {history.level}, or give event points to forecast per {level}"
            )
        if history.counts is None:  # a History holds its events or its counts
            raise HistoryFileError(f"{history.source}: the history holds neither events nor counts")
        known = {str(i) for i in ids}
        counts = history.counts.assign(unit_id=history.counts["unit_id"].astype(str))
        counts, report = _drop_unknown(history.source, counts, known, f"{level} ids")
        panel = panel_from_counts(
            counts,
            np.asarray([str(i) for i in ids], dtype=object),
            span=history.span,
            source=history.source,
        )
        panel.report.update(report)
        panel = Panel(
            ids, panel.first_month, panel.counts, panel.fatalities, panel.source, panel.report
        )
    panel.report.update({f"history_{k}": v for k, v in history.report.items()})
    return panel
