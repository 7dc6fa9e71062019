"""Reading the package's curated fact files (``layers/data``)."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

import pandas as pd

from minusma.geo._errors import SchemaError

__all__ = ["data_file", "read_facts"]


def data_file(name: str) -> Path:
    """Path of a file shipped in ``layers/data``.

    Parameters
    ----------
    name
        The file's name in ``layers/data``.

    Returns
    -------
    pathlib.Path
        Where the installed package holds it.

    Raises
    ------
    FileNotFoundError
        The file is missing from the installation.
    """
    path = Path(str(importlib.resources.files("minusma.layers") / "data" / name))
    if not path.is_file():
        raise FileNotFoundError(
            f"shipped data file {name!r} is missing from {path.parent}; reinstall the package"
        )
    return path


@functools.cache
def _read_cached(name: str) -> pd.DataFrame:
    return pd.read_csv(
        data_file(name), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
    )


def read_facts(
    name: str,
    *,
    floats: tuple[str, ...] = (),
    ints: tuple[str, ...] = (),
    bools: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a curated CSV: every column a string, empty cells null, typed columns converted.

    Parameters
    ----------
    name
        The CSV's name in ``layers/data``.
    floats
        Columns converted to float.
    ints
        Columns converted to nullable integers.
    bools
        Columns converted to nullable booleans.

    Returns
    -------
    pandas.DataFrame
        A copy of the file's rows (read once per process).

    Raises
    ------
    SchemaError
        If a typed column holds a value that does not parse, naming the file, row and value.
    """
    frame = _read_cached(name).copy()
    problems = []
    for col in floats:
        parsed = pd.to_numeric(frame[col], errors="coerce")
        bad = parsed.isna() & frame[col].notna()
        problems += [
            f"{name} row {i + 2}: {col}={frame.at[i, col]!r} is not a number"
            for i in frame.index[bad]
        ]
        frame[col] = parsed.astype("float64")
    for col in ints:
        parsed = pd.to_numeric(frame[col], errors="coerce")
        bad = (parsed.isna() & frame[col].notna()) | (parsed.notna() & (parsed % 1 != 0))
        problems += [
            f"{name} row {i + 2}: {col}={frame.at[i, col]!r} is not a whole number"
            for i in frame.index[bad]
        ]
        frame[col] = parsed.astype("Int64")
    for col in bools:
        mapped = frame[col].map({"true": True, "false": False})
        bad = mapped.isna()
        problems += [
            f"{name} row {i + 2}: {col}={frame.at[i, col]!r} is not true/false"
            for i in frame.index[bad]
        ]
        frame[col] = mapped.astype("bool")
    if problems:
        raise SchemaError("\n".join(problems))
    return frame
