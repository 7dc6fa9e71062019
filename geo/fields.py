"""Typed attribute fields for the writers: kind, rounding and description of each column.

A :class:`Field` says what a column holds so that every format writes it the same way: dates as
dates (GeoPackage ``DATE``, GeoJSON ``"YYYY-MM-DD"``), booleans as booleans with missing values as
null (never the text ``<NA>``), numbers rounded to a precision that fits their unit, ordered
classes as ordered categoricals in Python. :func:`typed_frame` applies the fields to a frame; the
writers in :mod:`geo.io` call it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from minusma.geo._errors import SchemaError

__all__ = ["FIELD_KINDS", "Field", "infer_kind", "typed_frame"]

#: Field kinds: ``string``, ``int``, ``float``, ``bool`` (nullable), ``date`` (calendar day),
#: ``category`` (ordered classes).
FIELD_KINDS = ("string", "int", "float", "bool", "date", "category")


@dataclass(frozen=True)
class Field:
    """How one attribute column is written.

    Parameters
    ----------
    kind
        One of :data:`FIELD_KINDS`.
    description
        What the column holds, with its unit (written as the column's description).
    decimals
        For ``float`` fields: decimal places kept in every format (``None``: not rounded).
    categories
        For ``category`` fields: the classes, least to most.
    """

    kind: str
    description: str = ""
    decimals: int | None = None
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Reject a kind that is not one of :data:`FIELD_KINDS`."""
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}; choose from {FIELD_KINDS}")


def _is_iso_date(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
        and value.replace("-", "").isdigit()
    )


def infer_kind(series: pd.Series) -> str:
    """The field kind of a column from its values (used for columns no schema declares).

    Object columns whose values are all ``YYYY-MM-DD`` strings are dates; object columns of
    booleans with missing values are nullable booleans.

    Parameters
    ----------
    series
        A column of values.

    Returns
    -------
    str
        One of the field kinds (``category``, ``string``, ``bool``, ``int``, ``float``,
        ``date``, ...).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        return "category" if series.dtype.ordered else "string"
    if pdt.is_bool_dtype(series):
        return "bool"
    if pdt.is_integer_dtype(series):
        return "int"
    if pdt.is_float_dtype(series):
        return "float"
    if pdt.is_datetime64_any_dtype(series):
        return "date"
    values = series.dropna()
    if len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        return "bool"
    if len(values) and values.map(_is_iso_date).all():
        return "date"
    return "string"


def _to_dates(series: pd.Series, name: str) -> pd.Series:
    if pdt.is_datetime64_any_dtype(series):
        return series.dt.normalize().astype("datetime64[s]")
    values = series.map(lambda v: None if v is None or v is pd.NA or v is pd.NaT else v)
    bad = values.notna() & ~values.map(
        lambda v: _is_iso_date(v) or isinstance(v, (pd.Timestamp, np.datetime64))
    )
    if bad.any():
        raise SchemaError(
            f"column {name!r} is declared a date but holds {values[bad].iloc[0]!r}; "
            "write dates as YYYY-MM-DD"
        )
    return pd.to_datetime(values, format="ISO8601").astype("datetime64[s]")


def _to_bools(series: pd.Series, name: str) -> pd.Series:
    values = series.map(lambda v: pd.NA if v is None or v is pd.NA or v is pd.NaT else v)
    values = values.map(lambda v: v if v is pd.NA or not isinstance(v, float) else pd.NA)
    bad = values.notna() & ~values.map(lambda v: isinstance(v, (bool, np.bool_)))
    if bad.any():
        raise SchemaError(
            f"column {name!r} is declared a boolean but holds {values[bad].iloc[0]!r}"
        )
    return values.astype("boolean")


def _round(series: pd.Series, decimals: int | None, name: str) -> pd.Series:
    values = pd.to_numeric(series, errors="raise").astype("float64")
    finite = values.dropna().map(math.isfinite)
    if not finite.all():
        raise SchemaError(
            f"column {name!r} holds a non-finite number ({values.dropna()[~finite].iloc[0]}); "
            "write a finite value, or null for an unknown one"
        )
    return values if decimals is None else values.round(decimals)


def typed_frame(frame: pd.DataFrame, fields: Mapping[str, Field] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with each column in the dtype of its field.

    ``date`` becomes ``datetime64[s]`` (midnight), ``bool`` the nullable ``boolean`` dtype,
    ``float`` ``float64`` rounded to the field's ``decimals``, ``category`` an ordered
    categorical. Columns without a field get the kind :func:`infer_kind` finds (floats are then
    not rounded). The geometry column is left as it is.

    Parameters
    ----------
    frame
        Any frame (a GeoDataFrame keeps its geometry).
    fields
        The field of each column, by column name; None: every kind is inferred.

    Returns
    -------
    pandas.DataFrame
        A new frame of the same shape and index.

    Raises
    ------
    SchemaError
        If a value does not fit its field's kind, or a number is infinite.
    """
    fields = dict(fields or {})
    out = frame.copy()
    for name in frame.columns:
        series = frame[name]
        if getattr(series.dtype, "name", "") == "geometry":
            continue
        field = fields.get(name) or Field(infer_kind(series))
        if field.kind == "date":
            out[name] = _to_dates(series, name)
        elif field.kind == "bool":
            out[name] = _to_bools(series, name)
        elif field.kind == "float":
            out[name] = _round(series, field.decimals, name)
        elif field.kind == "int" and pdt.is_float_dtype(series):
            out[name] = series.astype("Int64")
        elif field.kind == "category" and field.categories:
            unknown = set(series.dropna()) - set(field.categories)
            if unknown:
                raise SchemaError(
                    f"column {name!r} holds {sorted(unknown)[0]!r}, not one of its classes "
                    f"{', '.join(field.categories)}"
                )
            out[name] = pd.Categorical(series, categories=field.categories, ordered=True)
    return out
