"""One output module: how every command prints a frame as a table, CSV, JSON or GeoJSON.

Commands make one Study call and hand the result here; nothing else formats data for stdout.

- CSV: UTF-8 with a byte-order mark (Excel reads accents right), numbers rounded by unit
  (:func:`rounded`), then the package's one CSV rule (:func:`minusma.geo.io.csv_text`: cells a
  spreadsheet would run as a formula neutralised, cells with line breaks quoted, CRLF rows).
- JSON: records with ``null`` for missing values and ISO dates, after a ``parameters`` block when
  the frame records its parameters (``attrs["parameters"]``).
- GeoJSON: an RFC 7946 FeatureCollection (:func:`minusma.geo.io.feature_collection`).

Headers: JSON and GeoJSON keep the machine keys. The table for people always shows the words of
the catalogue (:func:`minusma.geo.i18n.column_label`) in the chosen language; CSV keeps the keys
(what programs and existing spreadsheets read) unless labels are asked for (``headers="labels"``).
The command line sets both once for every command (``--headers``, ``--lang``;
:func:`header_settings`), so no command formats its own headers.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import pandas as pd

from minusma.geo.i18n import DEFAULT_LANG, LANGS

logger = logging.getLogger(__name__)

__all__ = [
    "DECIMALS_BY_SUFFIX",
    "DEFAULT_HEADERS",
    "FORMATS",
    "HEADERS",
    "HeaderSettings",
    "csv_text",
    "current_headers",
    "header_settings",
    "json_records",
    "labelled",
    "render",
    "rounded",
]

#: Every format a command may print.
FORMATS = ("table", "csv", "json", "geojson")

#: CSV headers: the machine keys (as JSON), or the words people read (as the table).
HEADERS = ("keys", "labels")
#: Keys, so that programs and spreadsheets reading a command's CSV keep reading the same bytes.
DEFAULT_HEADERS = "keys"


class HeaderSettings(NamedTuple):
    """How headers are written: ``headers`` (one of :data:`HEADERS`) for CSV, ``lang`` for words."""

    headers: str
    lang: str


_DEFAULT_SETTINGS = HeaderSettings(DEFAULT_HEADERS, DEFAULT_LANG)
_SETTINGS: contextvars.ContextVar[HeaderSettings] = contextvars.ContextVar(
    "minusma_output_headers", default=_DEFAULT_SETTINGS
)


def current_headers() -> HeaderSettings:
    """The header settings in force (:func:`header_settings`; defaults: keys, English).

    Returns
    -------
    HeaderSettings
        CSV headers and language.
    """
    return _SETTINGS.get()


@contextlib.contextmanager
def header_settings(
    *, headers: str | None = None, lang: str | None = None
) -> Iterator[HeaderSettings]:
    """Within the block, write headers this way (None keeps the setting in force).

    The command line enters it once per command from ``--headers`` and ``--lang``
    (:func:`minusma.cli.options.format_option`), for every output the command writes.

    Parameters
    ----------
    headers
        One of :data:`HEADERS`, for CSV.
    lang
        One of :data:`minusma.geo.i18n.LANGS`, for the words of tables and labelled CSV.

    Yields
    ------
    HeaderSettings
        The settings in force within the block.

    Raises
    ------
    ValueError
        For a value that is not one of the choices.
    """
    now = _SETTINGS.get()
    if headers is not None and headers not in HEADERS:
        raise ValueError(f"unknown headers {headers!r}; choose from {list(HEADERS)}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose from {list(LANGS)}")
    token = _SETTINGS.set(HeaderSettings(headers or now.headers, lang or now.lang))
    try:
        yield _SETTINGS.get()
    finally:
        _SETTINGS.reset(token)


def labelled(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """``frame`` with its column (and named index) keys replaced by the words people read.

    The words come from the catalogue (:func:`minusma.geo.i18n.column_label`); a column it has no
    words for keeps its key (tests/test_output_headers.py fails on any such column of a command).

    Parameters
    ----------
    frame
        Columns named by their keys.
    lang
        The language; default: the one in force (:func:`header_settings`).

    Returns
    -------
    pandas.DataFrame
        A shallow copy with renamed columns and index names; the values are unchanged.
    """
    from minusma.geo.i18n import column_label

    lang = lang or current_headers().lang

    def word(key: Any) -> Any:
        if not isinstance(key, str):
            return key
        label = column_label(key, lang, strict=False)
        if label == key:
            logger.debug("no header words for column %r", key)
        return label

    out = frame.rename(columns=word)
    if any(name is not None for name in out.index.names):
        out.index = out.index.set_names([word(n) for n in out.index.names])
    return out


#: Decimals kept in CSV and JSON, by the column name's unit suffix (the first match wins):
#: distances to 0.1 km, travel times to 0.01 h, scores to 0.01, shares to 0.001, people whole.
DECIMALS_BY_SUFFIX: Mapping[str, int] = {
    "_km": 1,
    "_h": 2,
    "score": 2,
    "score_change": 2,
    "_share": 3,
    "people": 0,
    "population": 0,
}

BOM = "\ufeff"


def _decimals(column: str) -> int | None:
    name = column.lower()
    for suffix, decimals in DECIMALS_BY_SUFFIX.items():
        if name.endswith(suffix) or name.startswith(suffix.strip("_") + "_"):
            return decimals
    return None


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with float columns rounded by their unit (:data:`DECIMALS_BY_SUFFIX`).

    Parameters
    ----------
    frame
        Any frame.

    Returns
    -------
    pandas.DataFrame
        Same columns; floats whose name carries no known unit keep 6 decimals.
    """
    out = frame.copy()
    for col in out.columns:
        if "rank" in str(col) and pd.api.types.is_float_dtype(out[col]):
            values = out[col].dropna()
            if (values == values.round()).all():
                out[col] = out[col].astype("Int64")
                continue
        if pd.api.types.is_float_dtype(out[col]):
            decimals = _decimals(str(col))
            out[col] = out[col].round(6 if decimals is None else decimals)
    return out


def csv_text(
    frame: pd.DataFrame,
    *,
    index: bool = False,
    headers: str | None = None,
    lang: str | None = None,
    float_format: str | None = None,
) -> str:
    """``frame`` as CSV text for spreadsheets (BOM, rounded, formula-safe).

    Parameters
    ----------
    frame
        The data (geometry columns are left out: GeoJSON carries geometry).
    index
        Write the index as the first column(s).
    headers
        ``"keys"`` or ``"labels"`` (:data:`HEADERS`); default: the setting in force
        (:func:`header_settings`, keys unless asked).
    lang
        The language of labels; default: the one in force.
    float_format
        ``%``-format of floats after rounding (e.g. ``"%.4f"``); default: as rounded.

    Returns
    -------
    str
        The CSV, starting with a byte-order mark.
    """
    from minusma.geo.io import csv_text as package_csv

    data = pd.DataFrame(frame)
    data = data.drop(columns=[c for c in data.columns if _is_geometry(data[c])])
    if index:
        data = data.reset_index()
    data = rounded(data)  # by the keys' units, before any renaming
    if (headers or current_headers().headers) == "labels":
        data = labelled(data, lang)
    # the package's one CSV rule (geo.io): formulas neutralised, CR/LF cells quoted, CRLF rows
    return BOM + package_csv(data, float_format=float_format)


def _is_geometry(series: pd.Series) -> bool:
    return str(series.dtype) == "geometry"


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def json_records(frame: pd.DataFrame, *, index: bool = False) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON-ready dicts (missing values ``None``, dates ISO, rounded).

    Parameters
    ----------
    frame
        The data (geometry columns are left out).
    index
        Include the index as the first field(s).

    Returns
    -------
    list of dict
        One dict per row, in column order.
    """
    data = pd.DataFrame(frame)
    data = data.drop(columns=[c for c in data.columns if _is_geometry(data[c])])
    if index:
        data = data.reset_index()
    data = rounded(data)
    cols = [str(c) for c in data.columns]
    return [
        {c: _json_value(v) for c, v in zip(cols, row)}
        for row in data.itertuples(index=False, name=None)
    ]


def render(
    frame: pd.DataFrame,
    fmt: str,
    *,
    table: Callable[[pd.DataFrame], str | pd.DataFrame] | None = None,
    key: str = "rows",
    extra: Mapping[str, Any] | None = None,
    index: bool = False,
    id_column: str | None = None,
    headers: str | None = None,
    lang: str | None = None,
) -> str:
    """The text a command prints for ``frame`` in format ``fmt``.

    Parameters
    ----------
    frame
        The command's result.
    fmt
        One of :data:`FORMATS`.
    table
        How the command lays out its table for people: text (finished, in words), or a frame
        whose columns are keys (labelled here); default: ``frame`` itself. A frame is printed
        with pandas' plain text, its headers in words (:func:`labelled`), missing values ``-``.
    key
        The JSON key holding the records.
    extra
        More JSON fields, before the records (e.g. the command's metadata).
    index
        Include the index in CSV and JSON.
    id_column
        GeoJSON: the features' id column.
    headers
        CSV: ``"keys"`` or ``"labels"``; default: the setting in force (:func:`header_settings`).
    lang
        Table and labelled CSV: the language of the headers; default: the one in force.

    Returns
    -------
    str
        The text, ending with a newline.

    Raises
    ------
    ValueError
        For an unknown format, or GeoJSON without ``id_column``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {list(FORMATS)}")
    if fmt == "table":
        shown = table(frame) if table is not None else pd.DataFrame(frame)
        if isinstance(shown, pd.DataFrame):
            geometry = [c for c in shown.columns if _is_geometry(shown[c])]
            shown = labelled(shown.drop(columns=geometry), lang).to_string(na_rep="-")
        return shown.rstrip("\n") + "\n"
    if fmt == "csv":
        return csv_text(frame, index=index, headers=headers, lang=lang)
    if fmt == "geojson":
        from minusma.geo.io import feature_collection

        if id_column is None:
            raise ValueError("GeoJSON output needs the features' id column")
        collection = feature_collection(frame, id_column=id_column)
        return json.dumps(collection, ensure_ascii=False) + "\n"
    doc: dict[str, Any] = {}
    parameters = frame.attrs.get("parameters")
    if parameters is not None:
        doc["parameters"] = parameters
    doc.update(extra or {})
    doc[key] = json_records(frame, index=index)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
