"""Read a data frame out of an R workspace (``.RData``) and write it as CSV, as R would have.

Used by :mod:`layers._upstream` for the Geo-PKO monthly file, which the dashboard repository ships
only inside its R workspace. The reader is :mod:`pyreadr` (librdata; no R needed), an optional
dependency: ``pip install 'minusma-exposure[rdata]'``.

The bytes written differ from R's ``write.csv`` (quoting, gzip header), so a converted table is
verified by its content digest (:mod:`layers.table_digest`), never by a sha256 of the bytes.
"""

from __future__ import annotations

import gzip
import logging
import math
import warnings
from pathlib import Path
from types import ModuleType

import pandas as pd

from minusma.geo._errors import FetchError, SchemaError

logger = logging.getLogger(__name__)

__all__ = [
    "GIT_LFS_POINTER",
    "convert_r_table",
    "r_frame_as_text",
    "read_r_frame",
    "require_reader",
]

#: First bytes of a Git LFS pointer file (what a raw GitHub URL serves for an LFS-tracked file).
GIT_LFS_POINTER = b"version https://git-lfs"


def require_reader() -> ModuleType:
    """The R-workspace reader, :mod:`pyreadr`, checked before anything is downloaded.

    Returns
    -------
    module
        :mod:`pyreadr`.

    Raises
    ------
    FetchError
        If it is not installed (it is the optional extra ``rdata``).
    """
    try:
        import pyreadr
    except ImportError as exc:
        raise FetchError(
            "reading an R workspace needs the optional dependency pyreadr: "
            "pip install 'minusma-exposure[rdata]' (or use minusma fetch --mirror)"
        ) from exc
    return pyreadr


def read_r_frame(path: str | Path, object_name: str) -> pd.DataFrame:
    """The data frame ``object_name`` of the R workspace ``path``, read with :mod:`pyreadr`.

    Parameters
    ----------
    path
        An ``.RData`` / ``.rda`` file.
    object_name
        The R object to read (a data frame).

    Returns
    -------
    pandas.DataFrame
        Its columns in R's order, with a fresh 0..n-1 index (R's row names are dropped).

    Raises
    ------
    FetchError
        If :mod:`pyreadr` is not installed, or the file is a Git LFS pointer rather than the
        workspace.
    SchemaError
        If the file cannot be read as an R workspace or holds no data frame ``object_name``.
    """
    pyreadr = require_reader()
    path = Path(path)
    with open(path, "rb") as fh:
        if fh.read(len(GIT_LFS_POINTER)) == GIT_LFS_POINTER:
            raise FetchError(
                f"{path.name} is a Git LFS pointer, not the R workspace: the server did not serve "
                "the file's content; use minusma fetch --mirror"
            )
    try:
        with warnings.catch_warnings():  # an absent object: our own error below says so
            warnings.simplefilter("ignore", UserWarning)
            found = pyreadr.read_r(str(path), use_objects=[object_name])
    except (
        pyreadr.custom_errors.PyreadrError,
        pyreadr.custom_errors.LibrdataError,
        ValueError,
    ) as exc:
        raise SchemaError(f"{path.name}: not a readable R workspace ({exc})") from exc
    if object_name not in found:
        raise SchemaError(f"{path.name}: the R workspace holds no data frame {object_name!r}")
    return found[object_name].reset_index(drop=True)


def _number_text(value: float) -> str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return format(value, ".15g")


def r_frame_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell of ``frame`` as the text R's ``write.csv`` prints for it (missing stays missing).

    Numbers get 15 significant digits (R's default; ``2017`` not ``2017.0``), logicals ``TRUE`` /
    ``FALSE``, factors their labels, text is kept as it is.

    Parameters
    ----------
    frame
        A data frame read by :func:`read_r_frame`.

    Returns
    -------
    pandas.DataFrame
        Same columns and rows, object dtype, cells ``str`` or ``None``.
    """
    out = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        values: list[str | None]
        if pd.api.types.is_bool_dtype(column.dtype):
            values = ["TRUE" if v else "FALSE" for v in column]
        elif pd.api.types.is_numeric_dtype(column.dtype):
            values = [_number_text(float(v)) for v in column]
        else:
            values = [
                None
                if v is None or (isinstance(v, float) and math.isnan(v))
                else ("TRUE" if v else "FALSE")
                if isinstance(v, bool)
                else str(v)
                for v in column
            ]
        out[name] = pd.Series(values, index=frame.index, dtype=object)
    return pd.DataFrame(out, columns=frame.columns)


def convert_r_table(rdata_path: str | Path, out: str | Path, *, object_name: str) -> None:
    """Write the data frame ``object_name`` of an R workspace as a gzipped CSV.

    Cells as :func:`r_frame_as_text`, missing values as ``NA`` (as R writes them), no row names,
    gzip without a timestamp (the same input gives the same bytes).

    Parameters
    ----------
    rdata_path
        The downloaded ``.RData`` file.
    out
        The ``.csv.gz`` to write (a temporary path, put in place by the caller).
    object_name
        The data frame to export.
    """
    frame = r_frame_as_text(read_r_frame(rdata_path, object_name))
    logger.info("%s: %d rows x %d columns", object_name, len(frame), frame.shape[1])
    text = frame.to_csv(index=False, na_rep="NA")
    # gzip.compress stores neither a time nor a file name: the same input gives the same bytes
    Path(out).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
