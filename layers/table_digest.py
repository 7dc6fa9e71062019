r"""A content digest of a CSV table: the same columns and values, the same digest.

Whatever program wrote the bytes (R's ``write.csv`` and pandas quote, round and mark missing values
differently), the digest is the same.

It verifies a table that is *converted* rather than copied (the Geo-PKO monthly file, read from
the dashboard's R workspace with :mod:`pyreadr` and written by pandas), where a sha256 of the bytes
cannot match the offline copy. The registry records it as ``content_sha256``
(:mod:`minusma.layers.datasets`).

The canonical form (method :data:`METHOD`), computed by :func:`table_digest`:

1. Read the file with pandas, every column as text (``dtype=str``), ``NA`` and empty cells as
   missing (R's ``NA`` and the text ``"NA"`` both count as missing, as every reader of the
   package sees them); gzip is read by the file's suffix.
2. Each value: missing becomes ``null``; a finite decimal number
   (``[+-]digits[.digits][e±digits]``) is written as ``format(float(value), ".15g")`` (R prints
   15 significant digits, pandas up to 17, and an integer stored as a double prints as ``2017``
   in R but ``2017.0`` in pandas: all give ``2017``); other text is kept as it is, in Unicode
   NFC.
3. The header line is the JSON array of the column names in file order; each row is the JSON
   array of its values (``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``). The rows
   are sorted (their order in the file is not part of the content).
4. The digest is the sha256 of the UTF-8 header line and sorted row lines joined by ``"\n"``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

__all__ = ["METHOD", "frame_digest", "table_digest"]

#: Name and version of the canonical form; recorded beside each digest in the registry.
METHOD = "minusma-table-v1"


#: A decimal number as R and pandas print one (no spaces, no ``_``, no ``inf``/``nan``).
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _canonical(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    if _NUMBER.fullmatch(text):
        number = float(text)
        if math.isfinite(number):  # 1e999 overflows: kept as text
            return format(number, ".15g")
    return unicodedata.normalize("NFC", text)


def _digest(columns: Iterable[object], rows: Iterable[tuple]) -> str:
    def line(values: list) -> str:
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    header = line([str(c) for c in columns])
    body = sorted(line([_canonical(v) for v in row]) for row in rows)
    digest = hashlib.sha256(header.encode("utf-8"))
    for row_line in body:
        digest.update(b"\n" + row_line.encode("utf-8"))
    return digest.hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """The digest of a frame whose cells are text or missing (as :func:`table_digest` reads them).

    Parameters
    ----------
    frame
        Columns in order; every cell a string or missing (``None``/NaN).

    Returns
    -------
    str
        64 hex digits.
    """
    return _digest(frame.columns, frame.itertuples(index=False, name=None))


def table_digest(path: str | Path) -> str:
    """The content digest of the CSV file ``path`` (method :data:`METHOD`, described above).

    Parameters
    ----------
    path
        A CSV file, gzipped when its name ends in ``.gz``.

    Returns
    -------
    str
        64 hex digits.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "NA"])
    return frame_digest(frame)
