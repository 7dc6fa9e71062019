"""Security and access events in Mali: the shipped table, and readers for ACLED and UCDP GED files.

Two forms:

* the **layer** :func:`events`: the curated, sourced table ``layers/data/events.csv`` (2023-07-01 to
  2024-06-30, the withdrawal period), one row per event with its place, type, actor, sources and
  confidence (schema :data:`SCHEMA`);
* the **event frame** every reader returns (:func:`read_events`, :func:`read_acled`,
  :func:`read_ucdp`, :func:`read_shipped`): ``event_id, date, date_precision, place, lat, lon,
  location_precision_km, event_type, actor, fatalities, source, dataset`` plus a point geometry
  (schema :data:`EVENT_SCHEMA`), the input of :mod:`geo.evaluation`.

Location precision
------------------
Each format says how precisely an event is located; the readers turn that into a radius of
uncertainty ``location_precision_km``, added to the match radius when events are matched to places.
**The km figures are a modelling choice** (the codebooks give categories, not distances, except
UCDP's 25 km); NaN means the event cannot be tied to a place (only the country is known).

ACLED ``geo_precision`` (ACLED Codebook):

* 1 -- the source names the town or village; its coordinates are used: **0 km**;
* 2 -- the source names a part of a region or an area near a town; the nearest town's coordinates
  are used: **25 km**;
* 3 -- only a larger region is named; its capital or a central point is used: **100 km**.

UCDP GED ``where_prec`` (UCDP GED Codebook):

* 1 -- exact location: **0 km**;
* 2 -- within about 25 km of a known point: **25 km** (the codebook's own figure);
* 3 -- only the second-order administrative unit (in Mali, the cercle): **50 km**;
* 4 -- only the first-order unit (the region): **150 km**;
* 5 -- a linear feature (road, river) or an estimated position: **50 km**;
* 6 -- only the country: **NaN**; 7 -- international waters or airspace: **NaN**.

The shipped table locates every event at the point of the nearest named place in a gazetteer
(``coord_source``): **0 km**.

Date precision: ACLED ``time_precision`` 1/2/3 -> day/week/month; UCDP ``date_prec`` 1 -> day,
2 (2-6 days) -> week, 3 -> month, 4 and 5 (within a year or more) -> year. UCDP events take their
``date_start``.

Nothing is dropped silently: rows outside the requested window (``from_date``/``to_date``) or
outside Mali (the ``country`` column, where the format has one) are left out, counted in
``frame.attrs["dropped"]`` and logged. Rows without coordinates are kept without geometry and
counted (``attrs["unlocated"]``). A bad file fails with one line naming the file, the row and the
column (:class:`~geo._errors.EventsFileError`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import EventsFileError
from minusma.geo._validate import Column, Schema, validate_frame
from minusma.geo.crs import WGS84
from minusma.layers._common import finish, point_frame
from minusma.layers._files import data_file
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = [
    "ACLED_GEO_PRECISION_KM",
    "EVENT_SCHEMA",
    "EVENT_TYPES",
    "FILE",
    "MALI_BOUNDS",
    "SCHEMA",
    "UCDP_WHERE_PREC_KM",
    "WINDOW",
    "EventsFileError",
    "checksum",
    "detect_format",
    "events",
    "read_acled",
    "read_events",
    "read_shipped",
    "read_ucdp",
]

FILE = "events.csv"

#: The window of the shipped table: the withdrawal period (first and last day, inclusive).
WINDOW = (dt.date(2023, 7, 1), dt.date(2024, 6, 30))

#: Bounding box of Mali (lon_min, lat_min, lon_max, lat_max) in degrees: the total bounds of the
#: shipped Natural Earth regions (``layers/data/regions_ne10m.geojson``) rounded outwards to 0.01°.
MALI_BOUNDS = (-12.27, 10.14, 4.24, 25.0)
#: Tolerance around :data:`MALI_BOUNDS` in degrees (about 11 km), for points geocoded on the border.
BOUNDS_MARGIN_DEG = 0.1

SCHEMA = get_info("events").schema
#: Event types, as the registry declares them.
EVENT_TYPES = SCHEMA.column("event_type").choices

#: ACLED ``geo_precision`` -> location uncertainty in km (modelling choice; see the module docs).
ACLED_GEO_PRECISION_KM = {1: 0.0, 2: 25.0, 3: 100.0}
#: UCDP GED ``where_prec`` -> location uncertainty in km (modelling choice; see the module docs).
UCDP_WHERE_PREC_KM = {1: 0.0, 2: 25.0, 3: 50.0, 4: 150.0, 5: 50.0, 6: np.nan, 7: np.nan}
ACLED_TIME_PRECISION = {1: "day", 2: "week", 3: "month"}
UCDP_DATE_PREC = {1: "day", 2: "week", 3: "month", 4: "year", 5: "year"}
UCDP_VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}


EVENT_SCHEMA = Schema(
    id_column="event_id",
    geometry_types=("Point",),
    columns=(
        Column("event_id", "string", "id in its dataset", nullable=False),
        Column("date", "date", "ISO date (first day when imprecise)", nullable=False),
        Column(
            "date_precision",
            "string",
            "day, week, month or year",
            choices=("day", "week", "month", "year"),
        ),
        Column("place", "string", "named place as reported"),
        Column("lat", "float", "latitude (degrees)"),
        Column("lon", "float", "longitude (degrees)"),
        Column(
            "location_precision_km",
            "float",
            "location uncertainty in km (NaN: cannot be tied to a place)",
        ),
        Column("event_type", "string", "kind of event, in the dataset's vocabulary"),
        Column("actor", "string", "actor(s) as reported"),
        Column("fatalities", "int", "deaths reported (null when unknown)"),
        Column("source", "string", "source of the row"),
        Column(
            "dataset",
            "string",
            "shipped, acled or ucdp-ged",
            nullable=False,
            choices=("shipped", "acled", "ucdp-ged"),
        ),
        Column("geometry", "geometry", "event point; null without coordinates"),
    ),
)

ACLED_REQUIRED = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
)
UCDP_REQUIRED = (
    "id",
    "date_start",
    "type_of_violence",
    "latitude",
    "longitude",
    "where_prec",
    "date_prec",
    "best",
)
SHIPPED_COLUMNS = (
    "event_id",
    "date",
    "date_precision",
    "place",
    "town_id",
    "lat",
    "lon",
    "coord_source",
    "event_type",
    "actor",
    "fatalities",
    "description",
    "source_url",
    "source_url_2",
    "confidence",
)


def checksum(path: str | os.PathLike | None = None) -> str:
    """``sha256:<hex>`` of an events file (default: the shipped table)."""
    path = Path(path) if path is not None else data_file(FILE)
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


# --- reading ---------------------------------------------------------------------------------


GEOJSON_SUFFIXES = (".geojson", ".json")


def _read_geojson(path: Path) -> pd.DataFrame:
    """A GeoJSON of point events as text columns, ``latitude``/``longitude`` from the geometry
    where the properties lack them (UCDP GED's GeoJSON form)."""
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError subclasses
        raise EventsFileError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        frame[column] = values.astype(object).where(values.notna(), None)
        frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    if {"latitude", "longitude"} - set(frame.columns):
        point = gdf.geometry
        located = point.notna() & ~point.is_empty
        frame["longitude"] = np.where(located, point.x.astype(str), None)
        frame["latitude"] = np.where(located, point.y.astype(str), None)
    return frame


def _read_csv(path: str | os.PathLike) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise EventsFileError(f"{path}: no such events file; give the path of a CSV export")
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        return _read_geojson(path)
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
            comment=None,
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EventsFileError(f"{path}: not a readable CSV file ({first})") from exc


def detect_format(columns) -> str:
    """``shipped``, ``acled`` or ``ucdp-ged`` from a header, or :class:`EventsFileError`."""
    cols = set(columns)
    if "event_id_cnty" in cols:
        return "acled"
    if {"id", "where_prec"} <= cols or {"id", "type_of_violence"} <= cols:
        return "ucdp-ged"
    if {"event_id", "date_precision", "coord_source"} <= cols:
        return "shipped"
    raise EventsFileError(
        "unknown events format: expected an ACLED export (event_id_cnty, event_date, ...), a UCDP "
        "GED file (id, date_start, where_prec, ...) or the shipped schema (event_id, date, ...)"
    )


def _where(path: Path, row: int, column: str) -> str:
    return f"{path}: row {row + 1} (line {row + 2}), column {column!r}"


def _first_bad(path: Path, bad: np.ndarray, column: str, message: Callable[[int], str]) -> None:
    """Raise one line for the first bad row, with the number of other bad rows."""
    rows = np.flatnonzero(bad)
    if rows.size:
        more = f" (and {rows.size - 1} more row(s))" if rows.size > 1 else ""
        raise EventsFileError(
            f"{_where(path, int(rows[0]), column)}: {message(int(rows[0]))}{more}"
        )


def _require(path: Path, frame: pd.DataFrame, required: tuple[str, ...], fmt: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise EventsFileError(
            f"{path}: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(a {fmt} file needs {', '.join(required)})"
        )


def _dates(path: Path, raw: pd.Series, column: str, formats: tuple[str, ...]) -> pd.Series:
    text = raw.str.strip()
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = parsed.isna() & text.notna()
        if todo.any():
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    bad = (parsed.isna()).to_numpy()
    _first_bad(
        path,
        bad,
        column,
        lambda i: (
            (f"cannot read the date {raw.iloc[i]!r}" if pd.notna(raw.iloc[i]) else "no date")
            + " (expected e.g. 2023-09-15"
            + (" or '15 September 2023')" if "%d %B %Y" in formats else ")")
        ),
    )
    return parsed.dt.strftime("%Y-%m-%d")


def _numbers(path: Path, frame: pd.DataFrame, column: str, *, whole: bool = False) -> pd.Series:
    raw = frame[column]
    parsed = pd.to_numeric(raw.str.strip(), errors="coerce")
    bad = (parsed.isna() & raw.notna()) | (whole & parsed.notna() & (parsed % 1 != 0))
    _first_bad(
        path,
        bad.to_numpy(),
        column,
        lambda i: f"{raw.iloc[i]!r} is not a {'whole ' if whole else ''}number",
    )
    return parsed.astype("Int64") if whole else parsed.astype("float64")


def _check_in_mali(
    path: Path,
    lat: pd.Series,
    lon: pd.Series,
    lat_col: str,
    lon_col: str,
    bounds: tuple[float, float, float, float] | None = MALI_BOUNDS,
) -> None:
    if bounds is None:
        return
    x0, y0, x1, y1 = bounds
    where = "Mali" if tuple(bounds) == MALI_BOUNDS else "the expected bounds"
    m = BOUNDS_MARGIN_DEG

    def inside(x: pd.Series, y: pd.Series) -> np.ndarray:
        return ((x >= x0 - m) & (x <= x1 + m) & (y >= y0 - m) & (y <= y1 + m)).to_numpy()

    present = (lat.notna() & lon.notna()).to_numpy()
    outside = present & ~inside(lon, lat)
    swapped = outside & inside(lat, lon)
    _first_bad(
        path,
        swapped,
        f"{lat_col}/{lon_col}",
        lambda i: (
            f"latitude {lat.iloc[i]} and longitude {lon.iloc[i]} look swapped (as "
            f"longitude {lat.iloc[i]}, latitude {lon.iloc[i]} the point lies in {where}); "
            "swap the columns"
        ),
    )
    _first_bad(
        path,
        outside,
        f"{lat_col}/{lon_col}",
        lambda i: (
            f"point (latitude {lat.iloc[i]}, longitude {lon.iloc[i]}) lies outside {where} "
            f"(longitude {x0}..{x1}, latitude {y0}..{y1})"
        ),
    )


def _window(
    from_date: str | dt.date | None, to_date: str | dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    out = []
    for name, value in (("from_date", from_date), ("to_date", to_date)):
        if value is None or isinstance(value, dt.date):
            out.append(value)
            continue
        try:
            out.append(dt.date.fromisoformat(str(value)))
        except ValueError as exc:
            raise EventsFileError(f"{name} must be an ISO date YYYY-MM-DD, got {value!r}") from exc
    if out[0] and out[1] and out[0] > out[1]:
        raise EventsFileError(f"from_date {out[0]} is after to_date {out[1]}")
    return out[0], out[1]


def _finish(
    path: Path,
    frame: pd.DataFrame,
    *,
    dataset: str,
    dropped_country: int,
    from_date: str | dt.date | None,
    to_date: str | dt.date | None,
    rows_read: int,
) -> gpd.GeoDataFrame:
    """Filter to the window (counting), build points, validate, attach the counts."""
    start, end = _window(from_date, to_date)
    day = pd.to_datetime(frame["date"]).dt.date
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= day >= start
    if end is not None:
        keep &= day <= end
    dropped_window = int((~keep).sum())
    frame = frame[keep].reset_index(drop=True)
    gdf = point_frame(frame.assign(_lon=frame["lon"], _lat=frame["lat"]), lon="_lon", lat="_lat")
    gdf = gpd.GeoDataFrame(gdf[EVENT_SCHEMA.names], geometry="geometry", crs=WGS84)
    validate_frame(gdf, EVENT_SCHEMA, name=f"events from {path}")
    unlocated = int((gdf.geometry.isna() | gdf["location_precision_km"].isna()).sum())
    gdf.attrs = {
        "source_file": str(path),
        "dataset": dataset,
        "rows_read": rows_read,
        "dropped": {"outside_country": dropped_country, "outside_window": dropped_window},
        "unlocated": unlocated,
        "window": [start.isoformat() if start else None, end.isoformat() if end else None],
    }
    if dropped_country or dropped_window:
        logger.warning(
            "%s: %d of %d row(s) left out (%d outside Mali, %d outside %s..%s)",
            path,
            dropped_country + dropped_window,
            rows_read,
            dropped_country,
            dropped_window,
            start or "start",
            end or "end",
        )
    if unlocated:
        logger.info(
            "%s: %d event(s) cannot be tied to a place (no coordinate or country-level only)",
            path,
            unlocated,
        )
    return gdf


def _country_filter(frame: pd.DataFrame, country: str | None) -> tuple[pd.DataFrame, int]:
    if country is None or "country" not in frame.columns:
        return frame, 0
    keep = frame["country"].fillna("").str.strip().str.casefold() == country.casefold()
    return frame[keep].reset_index(drop=True), int((~keep).sum())


def read_acled(
    path: str | os.PathLike,
    *,
    from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None,
    country: str | None = "Mali",
    bounds: tuple[float, float, float, float] | None = MALI_BOUNDS,
) -> gpd.GeoDataFrame:
    """An ACLED CSV export as the event frame (:data:`EVENT_SCHEMA`).

    Parameters
    ----------
    path
        The CSV as exported from ACLED (columns ``event_id_cnty, event_date, time_precision,
        event_type, sub_event_type, actor1, actor2, location, latitude, longitude, geo_precision,
        source, fatalities, country``, ...; the first eight of these are required). Dates as
        ``15 September 2023`` or ISO.
    from_date, to_date
        Keep events in this window (inclusive); others are counted in ``attrs["dropped"]``.
    country
        Keep rows of this ``country`` (None: all); others are counted.
    bounds
        ``(lon_min, lat_min, lon_max, lat_max)`` every located point must lie in (with a margin of
        :data:`BOUNDS_MARGIN_DEG`); default Mali's; None checks nothing (another country).

    Raises
    ------
    EventsFileError
        Missing column, unreadable date or number, point outside Mali, latitude and longitude
        swapped: one line naming the file, the row and the column.
    """
    path = Path(path)
    raw = _read_csv(path)
    _require(path, raw, ACLED_REQUIRED, "ACLED")
    rows_read = len(raw)
    raw, dropped_country = _country_filter(raw, country)
    date = _dates(path, raw["event_date"], "event_date", ("%d %B %Y", "%Y-%m-%d", "%d-%B-%Y"))
    lat, lon = _numbers(path, raw, "latitude"), _numbers(path, raw, "longitude")
    _check_in_mali(path, lat, lon, "latitude", "longitude", bounds)
    geo_precision = _numbers(path, raw, "geo_precision", whole=True)
    _first_bad(
        path,
        (geo_precision.notna() & ~geo_precision.isin(list(ACLED_GEO_PRECISION_KM))).to_numpy(),
        "geo_precision",
        lambda i: f"{raw['geo_precision'].iloc[i]!r} is not 1, 2 or 3",
    )
    if "time_precision" in raw.columns:
        time_precision = _numbers(path, raw, "time_precision", whole=True)
        precision = time_precision.map(ACLED_TIME_PRECISION, na_action="ignore")
    else:
        precision = pd.Series(None, index=raw.index, dtype=object)
    kind = raw["event_type"]
    if "sub_event_type" in raw.columns:
        kind = kind.where(raw["sub_event_type"].isna(), kind + ": " + raw["sub_event_type"])
    actors = raw.get("actor1", pd.Series(None, index=raw.index, dtype=object))
    if "actor2" in raw.columns:
        actors = actors.where(raw["actor2"].isna(), actors + "; " + raw["actor2"])
    frame = pd.DataFrame(
        {
            "event_id": raw["event_id_cnty"],
            "date": date,
            "date_precision": precision.astype(object),
            "place": raw["location"],
            "lat": lat,
            "lon": lon,
            "location_precision_km": geo_precision.astype("float64").map(ACLED_GEO_PRECISION_KM),
            "event_type": kind,
            "actor": actors,
            "fatalities": _numbers(path, raw, "fatalities", whole=True),
            "source": raw.get("source", pd.Series(None, index=raw.index, dtype=object)),
            "dataset": "acled",
        }
    )
    return _finish(
        path,
        frame,
        dataset="acled",
        dropped_country=dropped_country,
        from_date=from_date,
        to_date=to_date,
        rows_read=rows_read,
    )


def read_ucdp(
    path: str | os.PathLike,
    *,
    from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None,
    country: str | None = "Mali",
    bounds: tuple[float, float, float, float] | None = MALI_BOUNDS,
) -> gpd.GeoDataFrame:
    """A UCDP Georeferenced Event Dataset (GED) CSV as the event frame (:data:`EVENT_SCHEMA`).

    Parameters
    ----------
    path
        The GED CSV or GeoJSON (points; columns ``id, year, type_of_violence, side_a, side_b,
        date_start, date_end, date_prec, where_prec, where_coordinates, latitude, longitude,
        adm_1, adm_2, best, low, high, source_article, country``, ...; ``id, date_start,
        type_of_violence, latitude, longitude, where_prec, date_prec, best`` are required).
        Events take ``date_start``.
    from_date, to_date, country, bounds
        As in :func:`read_acled`.

    Raises
    ------
    EventsFileError
        As in :func:`read_acled`.
    """
    path = Path(path)
    raw = _read_csv(path)
    _require(path, raw, UCDP_REQUIRED, "UCDP GED")
    rows_read = len(raw)
    raw, dropped_country = _country_filter(raw, country)
    # GED writes dates as 2023-09-15 or 2023-09-15 00:00:00.000
    date = _dates(path, raw["date_start"].str.strip().str[:10], "date_start", ("%Y-%m-%d",))
    lat, lon = _numbers(path, raw, "latitude"), _numbers(path, raw, "longitude")
    _check_in_mali(path, lat, lon, "latitude", "longitude", bounds)
    where = _numbers(path, raw, "where_prec", whole=True)
    _first_bad(
        path,
        (where.notna() & ~where.isin(list(UCDP_WHERE_PREC_KM))).to_numpy(),
        "where_prec",
        lambda i: f"{raw['where_prec'].iloc[i]!r} is not 1..7",
    )
    date_prec = _numbers(path, raw, "date_prec", whole=True)
    violence = _numbers(path, raw, "type_of_violence", whole=True)
    if "where_coordinates" in raw.columns:
        place = raw["where_coordinates"]
    else:
        place = raw.get("adm_2", raw.get("adm_1", pd.Series(None, index=raw.index, dtype=object)))
    if {"side_a", "side_b"} <= set(raw.columns):
        actor = raw["side_a"].where(raw["side_b"].isna(), raw["side_a"] + " vs " + raw["side_b"])
    else:
        actor = raw.get("dyad_name", pd.Series(None, index=raw.index, dtype=object))
    frame = pd.DataFrame(
        {
            "event_id": raw["id"],
            "date": date,
            "date_precision": date_prec.map(UCDP_DATE_PREC, na_action="ignore").astype(object),
            "place": place,
            "lat": lat,
            "lon": lon,
            "location_precision_km": where.astype("float64").map(UCDP_WHERE_PREC_KM),
            "event_type": violence.map(UCDP_VIOLENCE, na_action="ignore").astype(object),
            "actor": actor,
            "fatalities": _numbers(path, raw, "best", whole=True),
            "source": raw.get("source_article", pd.Series(None, index=raw.index, dtype=object)),
            "dataset": "ucdp-ged",
        }
    )
    return _finish(
        path,
        frame,
        dataset="ucdp-ged",
        dropped_country=dropped_country,
        from_date=from_date,
        to_date=to_date,
        rows_read=rows_read,
    )


def _read_shipped_raw(path: Path) -> pd.DataFrame:
    raw = _read_csv(path)
    _require(path, raw, SHIPPED_COLUMNS, "shipped events")
    raw["date"] = _dates(path, raw["date"], "date", ("%Y-%m-%d",))
    raw["lat"], raw["lon"] = _numbers(path, raw, "lat"), _numbers(path, raw, "lon")
    _check_in_mali(path, raw["lat"], raw["lon"], "lat", "lon")
    raw["fatalities"] = _numbers(path, raw, "fatalities", whole=True)
    return raw


def read_shipped(
    path: str | os.PathLike | None = None,
    *,
    from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None,
) -> gpd.GeoDataFrame:
    """A table in the shipped schema (default: ``layers/data/events.csv``) as the event frame.

    Every point is that of a named place in a gazetteer: ``location_precision_km`` is 0.
    """
    path = Path(path) if path is not None else data_file(FILE)
    raw = _read_shipped_raw(path)
    frame = pd.DataFrame(
        {
            "event_id": raw["event_id"],
            "date": raw["date"],
            "date_precision": raw["date_precision"],
            "place": raw["place"],
            "lat": raw["lat"],
            "lon": raw["lon"],
            "location_precision_km": np.where(raw["lat"].notna(), 0.0, np.nan),
            "event_type": raw["event_type"],
            "actor": raw["actor"],
            "fatalities": raw["fatalities"],
            "source": raw["source_url"],
            "dataset": "shipped",
        }
    )
    return _finish(
        path,
        frame,
        dataset="shipped",
        dropped_country=0,
        from_date=from_date,
        to_date=to_date,
        rows_read=len(raw),
    )


READERS: dict[str, Callable[..., gpd.GeoDataFrame]] = {
    "acled": read_acled,
    "ucdp-ged": read_ucdp,
}


def read_events(
    path: str | os.PathLike | None = None,
    *,
    from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None,
    country: str | None = "Mali",
    bounds: tuple[float, float, float, float] | None = MALI_BOUNDS,
) -> gpd.GeoDataFrame:
    """Any events file as the event frame, its format told by its header.

    ``None`` reads the shipped table. ACLED exports are recognised by ``event_id_cnty``, UCDP GED
    files by ``id`` with ``where_prec`` or ``type_of_violence``, the shipped schema by ``event_id``,
    ``date_precision`` and ``coord_source``. ``attrs["format"]`` says which. ``country`` and
    ``bounds`` apply to ACLED and UCDP files (see :func:`read_acled`); a ``.geojson`` file is read
    as points with its properties as columns.
    """
    if path is None:
        out = read_shipped(from_date=from_date, to_date=to_date)
        out.attrs["format"] = "shipped"
        return out
    header = _read_header(Path(path))
    fmt = detect_format(header)
    if fmt == "shipped":
        out = read_shipped(path, from_date=from_date, to_date=to_date)
    else:
        out = READERS[fmt](
            path, from_date=from_date, to_date=to_date, country=country, bounds=bounds
        )
    out.attrs["format"] = fmt
    return out


def _read_header(path: Path) -> list[str]:
    if not path.is_file():
        raise EventsFileError(f"{path}: no such events file; give the path of a CSV export")
    if path.suffix.lower() in GEOJSON_SUFFIXES:
        return list(_read_geojson(path).columns)
    try:
        return list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise EventsFileError(f"{path}: not a readable CSV file") from exc


def events(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The shipped events table as a layer, in EPSG:4326 (schema :data:`SCHEMA`).

    One point per event at its named place; rows without a sourced point keep a null geometry
    (their number is logged). Every date lies in :data:`WINDOW`. ``path`` reads another file in
    the same schema instead of ``layers/data/events.csv``.

    Raises
    ------
    EventsFileError
        If the shipped file breaks its schema (as for any events file) or a date lies outside
        :data:`WINDOW`.
    """
    path = Path(path) if path is not None else data_file(FILE)
    raw = _read_shipped_raw(path)
    day = pd.to_datetime(raw["date"]).dt.date
    _first_bad(
        path,
        ((day < WINDOW[0]) | (day > WINDOW[1])).to_numpy(),
        "date",
        lambda i: f"{raw['date'].iloc[i]} lies outside the table's window {WINDOW[0]}..{WINDOW[1]}",
    )
    raw = raw.rename(columns={"source_url": "source", "source_url_2": "source_2"})
    raw["geometry_kind"] = "town_point"
    gdf = finish(point_frame(raw), SCHEMA, name="events")
    missing = int(gdf.geometry.isna().sum())
    if missing:
        logger.info("events: %d of %d events have no sourced point (kept)", missing, len(gdf))
    return gdf
