"""One output module: how every command prints a frame as a table, CSV, JSON or GeoJSON.

Commands make one Study call and hand the result here; nothing else formats data for stdout.

- CSV: UTF-8 with a byte-order mark (Excel reads accents right), numbers rounded by unit
  (:func:`rounded`), then the package's one CSV rule (:func:`minusma.geo.io.csv_text`: cells a
  spreadsheet would run as a formula neutralised, cells with line breaks quoted, CRLF rows).
- JSON: records with ``null`` for missing values and ISO dates, after a ``parameters`` block when
  the frame records its parameters (``attrs["parameters"]``).
- GeoJSON: an RFC 7946 FeatureCollection (:func:`minusma.geo.io.feature_collection`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

__all__ = ["DECIMALS_BY_SUFFIX", "FORMATS", "csv_text", "json_records", "render", "rounded"]

#: Every format a command may print.
FORMATS = ("table", "csv", "json", "geojson")

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


def csv_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """``frame`` as CSV text for spreadsheets (BOM, rounded, formula-safe).

    Parameters
    ----------
    frame
        The data (geometry columns are left out: GeoJSON carries geometry).
    index
        Write the index as the first column(s).

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
    # the package's one CSV rule (geo.io): formulas neutralised, CR/LF cells quoted, CRLF rows
    return BOM + package_csv(rounded(data))


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
    table: Callable[[pd.DataFrame], str] | None = None,
    key: str = "rows",
    extra: Mapping[str, Any] | None = None,
    index: bool = False,
    id_column: str | None = None,
) -> str:
    """The text a command prints for ``frame`` in format ``fmt``.

    Parameters
    ----------
    frame
        The command's result.
    fmt
        One of :data:`FORMATS`.
    table
        How the command lays out its table for people (default: pandas' plain text).
    key
        The JSON key holding the records.
    extra
        More JSON fields, before the records (e.g. the command's metadata).
    index
        Include the index in CSV and JSON.
    id_column
        GeoJSON: the features' id column.

    Returns
    -------
    str
        The text, ending with a newline.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {list(FORMATS)}")
    if fmt == "table":
        text = table(frame) if table is not None else pd.DataFrame(frame).to_string()
        return text.rstrip("\n") + "\n"
    if fmt == "csv":
        return csv_text(frame, index=index)
    if fmt == "geojson":
        from minusma.geo.io import feature_collection

        if id_column is None:
            raise ValueError("GeoJSON output needs the features' id column")
        doc = feature_collection(frame, id_column=id_column)
        return json.dumps(doc, ensure_ascii=False) + "\n"
    doc: dict[str, Any] = {}
    parameters = frame.attrs.get("parameters")
    if parameters is not None:
        doc["parameters"] = parameters
    doc.update(extra or {})
    doc[key] = json_records(frame, index=index)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
