"""Schema declarations and a validator that reports every problem at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from minusma.geo._errors import SchemaError

__all__ = ["Column", "Schema", "raise_problems", "validate_frame"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Column kinds a schema may declare, with the check that a pandas Series is of that kind.
KINDS: dict[str, Callable[[pd.Series], bool]] = {
    "string": lambda s: (
        pdt.is_string_dtype(s) or (s.dtype == object and s.dropna().map(type).eq(str).all())
    ),
    "int": lambda s: pdt.is_integer_dtype(s),
    "float": lambda s: pdt.is_float_dtype(s),
    "bool": lambda s: pdt.is_bool_dtype(s),
    "date": lambda s: (
        KINDS["string"](s) and s.dropna().map(lambda v: bool(_ISO_DATE.match(v))).all()
    ),
    "geometry": lambda s: getattr(s, "dtype", None) is not None and s.dtype.name == "geometry",
}


@dataclass(frozen=True)
class Column:
    """One declared column.

    Parameters
    ----------
    name
        Column name (units in the name, e.g. ``length_km``).
    kind
        One of ``string``, ``int``, ``float``, ``bool``, ``date`` (ISO 8601 ``YYYY-MM-DD`` string),
        ``geometry``.
    description
        What the column holds, with its unit.
    nullable
        Whether missing values are allowed.
    unique
        Whether values must be unique (ids).
    choices
        If given, the only values allowed (besides nulls when nullable).
    """

    name: str
    kind: str
    description: str
    nullable: bool = True
    unique: bool = False
    choices: tuple | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; choose from {sorted(KINDS)}")


@dataclass(frozen=True)
class Schema:
    """The declared form of a table: its columns, id column and geometry types."""

    columns: tuple[Column, ...]
    id_column: str | None = None
    geometry_types: tuple[str, ...] = ()
    extra_columns_allowed: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def raise_problems(problems: Sequence[str], *, name: str) -> None:
    """Raise one :class:`SchemaError` listing every problem, if there are any."""
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise SchemaError(f"{name}: {len(problems)} problem(s):\n{listing}")


def _row_labels(
    frame: pd.DataFrame, mask: Iterable[bool], id_column: str | None, limit: int = 5
) -> str:
    mask = np.asarray(list(mask), dtype=bool)
    if id_column and id_column in frame.columns:
        labels = frame.loc[mask, id_column].astype(str).tolist()
    else:
        labels = [str(i) for i in frame.index[mask]]
    more = f" (+{len(labels) - limit} more)" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def validate_frame(frame: pd.DataFrame, schema: Schema, *, name: str) -> None:
    """Check ``frame`` against ``schema`` and raise once with every problem found.

    Checks column presence and order, kinds, nulls, uniqueness, allowed values and geometry types.

    Raises
    ------
    SchemaError
        Listing every problem, each naming the column and the offending rows.
    """
    problems: list[str] = []
    missing = [c for c in schema.names if c not in frame.columns]
    if missing:
        problems.append(f"missing column(s) {missing}")
    extra = [c for c in frame.columns if c not in schema.names]
    if extra and not schema.extra_columns_allowed:
        problems.append(f"undeclared column(s) {extra}")
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        s = frame[col.name]
        nulls = s.isna()
        if not col.nullable and nulls.any():
            problems.append(
                f"column {col.name!r} has nulls in rows "
                f"{_row_labels(frame, nulls, schema.id_column)}"
            )
        if not nulls.all() and not KINDS[col.kind](s if col.kind == "geometry" else s[~nulls]):
            problems.append(f"column {col.name!r} should be {col.kind}, found dtype {s.dtype}")
        if col.unique:
            dup = s.duplicated(keep=False) & ~nulls
            if dup.any():
                problems.append(
                    f"column {col.name!r} has duplicate values in rows "
                    f"{_row_labels(frame, dup, schema.id_column)}"
                )
        if col.choices is not None:
            bad = ~s.isin(col.choices) & ~nulls
            if bad.any():
                problems.append(
                    f"column {col.name!r} has values {sorted(set(s[bad].astype(str)))[:5]} "
                    f"outside {list(col.choices)}"
                )
    if schema.geometry_types and "geometry" in frame.columns:
        geom = frame.geometry
        present = ~(geom.isna() | geom.is_empty)
        wrong = present & ~geom.geom_type.isin(schema.geometry_types)
        if wrong.any():
            problems.append(
                f"geometry types {sorted(set(geom[wrong].geom_type))} not in "
                f"{list(schema.geometry_types)} (rows "
                f"{_row_labels(frame, wrong, schema.id_column)})"
            )
        invalid = present & ~geom.is_valid
        if invalid.any():
            problems.append(
                f"invalid geometry in rows {_row_labels(frame, invalid, schema.id_column)}"
            )
    raise_problems(problems, name=name)
