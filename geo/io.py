"""Deterministic, atomic writers: RFC 7946 GeoJSON, GeoPackage, CSV with WKT.

Every writer goes through :func:`atomic_path`: the file is written beside its destination
under a temporary name and moved into place only when complete, so a crash half-way never
leaves a file that looks valid.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import logging
import math
import os
import re
import shutil
import sqlite3
import stat as stat_module
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import to_wkb
from shapely.geometry import mapping

from minusma.geo._errors import MinusmaError, ParameterError, SchemaError, WriteError, shorten
from minusma.geo.crs import to_wgs84
from minusma.geo.fields import Field, typed_frame

logger = logging.getLogger(__name__)

#: Decimal places of exported coordinates (~0.1 m at the equator), as RFC 7946 recommends.
COORD_DECIMALS = 6

#: GeoPackage version written: 1.2, which every GDAL since 2.2 (QGIS 3.x included) reads without
#: the "may only be partially supported" warning that 1.4 gives older readers.
GPKG_VERSION = "1.2"

#: Fixed timestamp written into GeoPackages so that the same inputs give the same bytes.
GPKG_TIMESTAMP = "2024-07-22T00:00:00Z"
#: The same instant in the GeoPackage DATETIME format (``layer_styles.update_time``).
GPKG_DATETIME = "2024-07-22T00:00:00.000Z"

__all__ = [
    "COORD_DECIMALS",
    "CSV_LINE_END",
    "FORMULA_PREFIXES",
    "as_os_error",
    "atomic_folder",
    "atomic_path",
    "created_folder",
    "csv_text",
    "feature_collection",
    "path_state",
    "remove_stale",
    "spreadsheet_safe",
    "temporary_name",
    "write_csv",
    "write_error",
    "write_geojson",
    "write_geotiff",
    "write_gpkg",
    "write_json",
    "write_table_csv",
]


#: Marker in the names of the package's temporary files and folders: ``.<name>.~<pid>~<random>``.
_TMP_NAME = re.compile(r"^\..+\.~(\d+)~[A-Za-z0-9_]+")


def temporary_name(final_name: str) -> str:
    """The prefix of a temporary file or folder for ``final_name``: hidden, with this process id.

    :func:`remove_stale` recognises the pattern and removes what a killed process left.

    Parameters
    ----------
    final_name
        The name (not the path) the file or folder will take.

    Returns
    -------
    str
        ``.<final_name>.~<pid>~``; the caller adds random characters (e.g. with
        :func:`tempfile.mkstemp`).
    """
    return f".{final_name}.~{os.getpid()}~"


def _process_alive(pid: int) -> bool:
    """True when process ``pid`` runs (this one, or another user's that cannot be signalled)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove temporary files and folders of the package's naming pattern left by dead processes.

    Only names written by :func:`atomic_path` / :func:`atomic_folder` whose process id is no
    longer running are removed; anything else, and the temporaries of live writers, are kept.
    An unreadable folder, or an entry that cannot be removed, is skipped without an error.

    Parameters
    ----------
    folder
        The folder to clean (not searched recursively).

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    removed = []
    with contextlib.suppress(OSError):
        for entry in Path(folder).iterdir():
            match = _TMP_NAME.match(entry.name)
            if not match or _process_alive(int(match.group(1))):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
                logger.info("removed stale temporary %s", entry)
    return removed


#: What to do about each cause of a failed write (errno name -> advice); others: another folder.
_WRITE_ADVICE = {
    "ENOSPC": "free some space or choose another folder",
    "EDQUOT": "free some space (disk quota exceeded) or choose another folder",
    "EFBIG": "the file is larger than the file system or this process may write; "
    "choose another folder",
    "EACCES": "choose a folder you may write to",
    "EPERM": "choose a folder you may write to",
    "EROFS": "the file system is read-only; choose another folder",
    "ENAMETOOLONG": "use a shorter file name",
    "EISDIR": "give a file name, not a folder",
    "ENOTDIR": "part of the path is a file, not a folder",
    "ENOENT": "create the folder first, or choose another one",
}


def write_error(
    path: str | os.PathLike,
    exc: BaseException,
    *,
    what: str = "write",
    tmp: Path | None = None,
) -> WriteError:
    """The package's one error for a failed write of ``path``: the cause and what to do about it.

    The message names the path the user asked for, never a temporary name.

    Parameters
    ----------
    path
        The destination the user gave.
    exc
        The underlying error (an :class:`OSError`, or a GDAL/SQLite error of a full disk).
    what
        The verb of the message (``write``, ``create folder``).
    tmp
        The temporary file written in its place, replaced by ``path`` in the cause's text.

    Returns
    -------
    WriteError
        To be raised ``from exc``; its ``errno`` is the cause's.
    """
    code = getattr(exc, "errno", None)
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    cause = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if tmp is not None:  # the user never asked for the temporary name: show theirs
        cause = cause.replace(str(tmp), str(path)).replace(tmp.name, Path(path).name)
    advice = _WRITE_ADVICE.get(name, "choose another folder")
    error = WriteError(f"cannot {what} {shorten(path)}: {shorten(cause)}; {advice}")
    error.errno = code
    return error


def _disk_full(folder: Path) -> bool:
    """True when ``folder``'s file system has no block left for this user."""
    try:
        stat = os.statvfs(folder)
    except (AttributeError, OSError):
        return False
    return stat.f_bavail * stat.f_frsize < 64 * 1024


def as_os_error(exc: BaseException, folder: Path) -> OSError:
    """An :class:`OSError` for a library error (GDAL, SQLite) of a write into ``folder``.

    A full disk is named as such: GDAL reports it as a missing table, a failed feature or an
    unreadable TIFF directory.

    Parameters
    ----------
    exc
        The library's error.
    folder
        The folder written into: a file system with less than 64 KiB free for this user means
        the disk is full.

    Returns
    -------
    OSError
        ``exc`` itself when it is an :class:`OSError` with an errno; else a new one, ``ENOSPC``
        when the disk is full, ``EIO`` naming ``exc`` otherwise.
    """
    if isinstance(exc, OSError) and isinstance(exc.errno, int):
        return exc
    if _disk_full(folder):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return OSError(errno.EIO, f"{type(exc).__name__}: {exc}")


def path_state(path: str | os.PathLike) -> str:
    """What a path is, without ever raising.

    Unlike :meth:`pathlib.Path.is_dir` on an unreadable parent, it never raises: the one check
    behind the writers and the CLI's path option types. Symbolic links are followed: a broken
    link is ``"missing"``.

    Parameters
    ----------
    path
        Any path.

    Returns
    -------
    str
        ``"dir"``, ``"file"``, ``"missing"`` or ``"denied"`` (a parent cannot be searched).
    """
    try:
        mode = os.stat(path).st_mode
    except PermissionError:
        return "denied"
    except (OSError, ValueError):
        return "missing"
    return "dir" if stat_module.S_ISDIR(mode) else "file"


def _no_folder(folder: Path, state: str) -> str:
    """Why ``folder`` (:func:`path_state` ``state``, not a folder) takes no files; the fix."""
    if state == "file":
        return f"{shorten(folder)} is a file, not a folder; choose a folder"
    return f"folder {shorten(folder)} does not exist; create it first"


def _writable_folder(final: Path) -> Path:
    """The folder of ``final``, checked to exist and be writable (else one clear error)."""
    if final.name in ("", ".", ".."):
        raise ParameterError(f"cannot write {shorten(final)!r}: give a file name, not a folder")
    folder = final.parent if str(final.parent) else Path(".")
    state = path_state(folder)
    if state == "denied":
        raise WriteError(
            f"cannot write {shorten(final)}: permission denied reaching folder "
            f"{shorten(folder)}; choose a folder you may write to"
        )
    if state != "dir":
        raise ParameterError(f"cannot write {shorten(final)}: {_no_folder(folder, state)}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(
            f"cannot write {shorten(final)}: folder {shorten(folder)} is not writable; "
            "choose a folder you may write to"
        )
    return folder


def _remove(tmp: Path) -> None:
    """Remove a temporary file and what SQLite/GDAL left beside it (journal, WAL, aux.xml)."""
    for extra in ("", "-journal", "-wal", "-shm", ".aux.xml"):
        with contextlib.suppress(OSError):
            Path(str(tmp) + extra).unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only on success.

    The one write path of the package: every :class:`OSError` of the write (disk full, permission
    denied, read-only file system, name too long, file too large...) and every SQLite error becomes
    one :class:`~minusma.geo._errors.WriteError` naming ``path`` (never the temporary file) and the
    cause; the temporary file is removed, so nothing is left half-written. Temporaries that killed
    runs left beside ``path`` are removed first (:func:`remove_stale`).

    Parameters
    ----------
    path
        The final destination. Its folder must exist and be writable.
    suffix
        Suffix of the temporary file (drivers that pick a format from the name need it);
        defaults to the destination's suffix.

    Yields
    ------
    pathlib.Path
        The temporary path, in the destination's folder; it does not exist yet: the writer
        creates it. When the block ends without error it is moved onto ``path``.

    Raises
    ------
    ParameterError
        If ``path`` has no file name or its folder does not exist.
    WriteError
        If the folder cannot be written, or the write or the final move fails.
    """
    final = Path(path)
    folder = _writable_folder(final)
    remove_stale(folder)
    suffix = suffix or final.suffix
    prefix = temporary_name(final.name)
    # mkstemp adds 8 random characters: keep the temporary name within the file system's limit
    # (a legal 250-character final name must not fail on its longer temporary name)
    over = len(prefix.encode()) + len(suffix.encode()) + 8 - _name_max(folder)
    if over > 0:
        short = final.name.encode()[: max(len(final.name.encode()) - over, 1)]
        prefix = temporary_name(short.decode(errors="ignore"))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix[:32], dir=folder)
        os.close(fd)
    except OSError as exc:
        raise write_error(final, exc) from exc
    tmp = Path(tmp_name)
    tmp.unlink()  # writers create the file themselves (GDAL refuses to open an empty GeoPackage)
    try:
        yield tmp
        os.replace(tmp, final)
    except WriteError:
        _remove(tmp)
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove(tmp)
        if isinstance(exc, MinusmaError):  # the package's own errors pass as they are
            raise
        raise write_error(final, as_os_error(exc, folder), tmp=tmp) from exc
    except BaseException:
        _remove(tmp)
        raise


@contextlib.contextmanager
def created_folder(
    path: str | os.PathLike, *, parents: bool = True, what: str = "create folder"
) -> Iterator[Path]:
    """Create the folder ``path`` (and missing parents) for a run; undo it if the run fails.

    What was created is removed if the run fails and left no file in it (a partial download
    kept for resuming stays), so that a failed command leaves no new empty folder behind.

    Parameters
    ----------
    path
        The folder.
    parents
        Create missing parent folders too (``mkdir -p``); False: only ``path`` itself.
    what
        The verb of the error message (``create output folder``...).

    Yields
    ------
    pathlib.Path
        The folder, ``~`` expanded; it exists for the whole block.

    Raises
    ------
    WriteError
        If the folder cannot be created (naming ``path`` and the cause).
    """
    final = Path(path).expanduser()
    top = None
    for candidate in [final, *final.parents]:
        if path_state(candidate) != "missing":
            break
        top = candidate
    try:
        final.mkdir(parents=parents, exist_ok=True)
    except OSError as exc:
        if top is not None and parents:
            shutil.rmtree(top, ignore_errors=True)
        raise write_error(final, exc, what=what) from exc
    try:
        yield final
    except BaseException:
        if top is not None and not any(p.is_file() for p in top.rglob("*")):
            shutil.rmtree(top, ignore_errors=True)  # what a failed run created, if it holds no file
        raise


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder inside the folder ``path``; on success move its files into ``path``.

    Every file is written in the temporary folder first; only when all are complete are they
    moved into ``path`` (each move is an atomic rename on the same file system), in name order
    except that a file named ``provenance.json`` moves last, so its presence marks a complete
    set. On failure the temporary folder is removed and ``path`` keeps what it held (if a move
    itself fails, the files moved before it stay, without a new ``provenance.json``). Files in
    ``path`` with the names written are replaced; others are kept.

    Parameters
    ----------
    path
        The existing output folder.

    Yields
    ------
    pathlib.Path
        The staging folder, inside ``path``, to write every file into.

    Raises
    ------
    ParameterError
        If ``path`` is not an existing folder (the message says whether it is a file or does
        not exist).
    WriteError
        If ``path`` cannot be written, or a write in it fails (as :func:`atomic_path`).
    """
    final = Path(path)
    state = path_state(final)
    if state == "denied" or (state == "dir" and not os.access(final, os.W_OK | os.X_OK)):
        raise WriteError(
            f"cannot write into {shorten(final)}: the folder is not writable; "
            "choose a folder you may write to"
        )
    if state != "dir":
        raise ParameterError(f"output {_no_folder(final, state)}")
    remove_stale(final)
    try:
        staging = Path(tempfile.mkdtemp(prefix=temporary_name("export"), dir=final))
    except OSError as exc:
        raise write_error(final, exc) from exc
    try:
        yield staging
        files = sorted(staging.iterdir(), key=lambda p: (p.name == "provenance.json", p.name))
        try:
            for f in files:
                os.replace(f, final / f.name)
        except OSError as exc:
            raise write_error(final / f.name, exc) from exc
    except WriteError as exc:  # name the user's folder, not the staging one
        renamed = WriteError(str(exc).replace(str(staging), str(final)))
        renamed.errno = exc.errno
        raise renamed from exc
    except (OSError, sqlite3.Error) as exc:
        if isinstance(exc, MinusmaError):
            raise
        raise write_error(final, as_os_error(exc, final)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_geotiff(
    path: str | os.PathLike,
    bands: np.ndarray,
    profile: Mapping[str, Any],
    *,
    tags: Mapping[str, str] | None = None,
) -> Path:
    """Write a GeoTIFF through :func:`atomic_path`, then read it back before it takes its name.

    GDAL reports some failed writes (a full disk while it flushes compressed blocks at close) only
    as a log line: reading every band back turns them into the one :class:`WriteError`, so a 0-byte
    or truncated TIFF never appears under ``path``.

    Parameters
    ----------
    path
        Destination ``.tif``.
    bands
        ``(rows, cols)`` for one band, or ``(count, rows, cols)``.
    profile
        rasterio profile (driver, width, height, count, dtype, crs, transform, nodata...).
    tags
        Dataset tags.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import rasterio
    import rasterio.errors

    data = np.asarray(bands)
    stack = data[np.newaxis] if data.ndim == 2 else data
    with atomic_path(path, suffix=".tif") as tmp:
        try:
            with rasterio.Env(CPL_LOG="/dev/null"):
                with rasterio.open(tmp, "w", **dict(profile)) as dst:
                    dst.write(stack)
                    if tags:
                        dst.update_tags(**dict(tags))
                with rasterio.open(tmp) as check:
                    back = check.read()
            if back.shape != stack.shape:
                raise OSError(errno.EIO, "the written GeoTIFF reads back with another shape")
        except rasterio.errors.RasterioError as exc:
            raise as_os_error(exc, tmp.parent) from exc
    return Path(path)


def _name_max(folder: Path) -> int:
    """Longest file name (bytes) ``folder``'s file system accepts (255 where unknown)."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255


def _round_coords(obj: Any, decimals: int) -> Any:
    """GeoJSON coordinates (nested lists) with every number rounded to ``decimals``."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_round_coords(o, decimals) for o in obj]
    return obj


def _json_value(value: Any) -> Any:
    """A cell as a JSON value: numpy scalars as Python ones, NaN and NA as None, times as ISO."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    return value


def _prepared(
    gdf: gpd.GeoDataFrame, *, id_column: str, fields: Mapping[str, Field] | None, name: str
) -> gpd.GeoDataFrame:
    """Checked, reprojected, sorted and typed copy of ``gdf``: what every writer writes."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(f"{name}: expected a GeoDataFrame, got {type(gdf).__name__}")
    if id_column not in gdf.columns:
        raise SchemaError(
            f"{name}: id column {id_column!r} not in columns {list(gdf.columns)}; "
            "pass id_column= one of them"
        )
    if gdf[id_column].isna().any():
        raise SchemaError(f"{name}: id column {id_column!r} has missing values; ids are required")
    if gdf[id_column].duplicated().any():
        raise SchemaError(
            f"{name}: id column {id_column!r} has duplicate values; ids must be unique"
        )
    frame = to_wgs84(gdf, name=name).sort_values(id_column, kind="stable")
    _check_coordinates(frame, id_column=id_column, name=name)
    return typed_frame(frame, fields)


def _check_coordinates(frame: gpd.GeoDataFrame, *, id_column: str, name: str) -> None:
    """Refuse a NaN or infinite coordinate, naming the first row that has one."""
    coords, index = shapely.get_coordinates(frame.geometry.values, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        row = frame[id_column].iloc[index[bad][0]]
        raise SchemaError(
            f"{name}: the geometry of {id_column} {row!r} has a NaN or infinite coordinate; "
            "fix it, or give the row no geometry (None) if its location is unknown"
        )


def _text_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``YYYY-MM-DD`` text, for formats without a date type (JSON, CSV)."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").astype(object).where(out[col].notna())
        elif isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object).where(out[col].notna())
    return out


def feature_collection(
    gdf: gpd.GeoDataFrame,
    *,
    id_column: str,
    decimals: int = COORD_DECIMALS,
    metadata: Mapping[str, Any] | None = None,
    fields: Mapping[str, Field] | None = None,
    name: str = "layer",
) -> dict[str, Any]:
    """Build an RFC 7946 FeatureCollection as a dict.

    Coordinates are lon/lat in EPSG:4326 rounded to ``decimals``; polygon exteriors are
    counter-clockwise and holes clockwise (right-hand rule); features are sorted by
    ``id_column`` and carry it as the Feature ``id``; there is no ``crs`` member. Attributes are
    typed by ``fields`` (:func:`geo.fields.typed_frame`: numbers rounded, dates ``YYYY-MM-DD``).
    Missing values become ``null``, and so does an empty geometry. ``metadata`` is written as a
    foreign member ``metadata``.

    Parameters
    ----------
    gdf
        The layer, in any CRS (reprojected to EPSG:4326); not changed.
    id_column
        The column of unique, non-missing ids: the features' order and ``id``.
    decimals
        Decimal places of the coordinates (default :data:`COORD_DECIMALS`).
    metadata
        Written, as given, under ``metadata`` before ``features``; left out when empty.
    fields
        The field of each column (:class:`geo.fields.Field`); columns without one get an
        inferred kind.
    name
        The layer's name in error messages (the writers give the file's name).

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", ["metadata": ...,] "features": [...]}``; every value a
        plain Python value, ready for :func:`json.dumps`.

    Raises
    ------
    SchemaError
        If ``id_column`` is missing, null or not unique, a coordinate is NaN or infinite, or an
        attribute is an infinite number.
    """
    gdf = _prepared(gdf, id_column=id_column, fields=fields, name=name)
    geom_name = gdf.geometry.name
    geoms = shapely.orient_polygons(gdf.geometry.values, exterior_cw=False)
    props = [c for c in gdf.columns if c != geom_name]
    values = _text_values(pd.DataFrame(gdf[props]))
    features = []
    for geom, (_, row) in zip(geoms, values.iterrows()):
        geometry = None
        if geom is not None and not geom.is_empty:
            gj = mapping(geom)
            geometry = {
                "type": gj["type"],
                "coordinates": _round_coords(gj["coordinates"], decimals),
            }
        features.append(
            {
                "type": "Feature",
                "id": _json_value(row[id_column]),
                "geometry": geometry,
                "properties": {k: _json_value(row[k]) for k in props},
            }
        )
    fc: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata:
        fc["metadata"] = dict(metadata)
    fc["features"] = features
    return fc


def _json_text(obj: Any, path: str | os.PathLike, **options: Any) -> str:
    """``json.dumps(obj, **options)``; NaN or an infinite number is one :class:`SchemaError`."""
    try:
        return json.dumps(obj, ensure_ascii=False, allow_nan=False, **options)
    except ValueError as exc:
        raise SchemaError(
            f"cannot write {path} as JSON: {exc}; use null for unknown numbers"
        ) from exc


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as UTF-8 JSON (1-space indent, key order as given), atomically.

    Parameters
    ----------
    obj
        Any JSON-serialisable value; non-ASCII text is written as it is.
    path
        The destination (through :func:`atomic_path`); the file ends with a newline.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    SchemaError
        If ``obj`` holds NaN or an infinite number (not JSON), naming the problem.
    TypeError
        If ``obj`` holds a value JSON cannot represent.
    ParameterError
        If ``path`` has no file name or its folder does not exist.
    WriteError
        If the file cannot be written (as :func:`atomic_path`).
    """
    text = _json_text(obj, path, indent=1)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text + "\n")
    return Path(path)


def write_geojson(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    id_column: str,
    decimals: int = COORD_DECIMALS,
    metadata: Mapping[str, Any] | None = None,
    fields: Mapping[str, Field] | None = None,
) -> Path:
    """Write ``gdf`` as RFC 7946 GeoJSON (see :func:`feature_collection`), atomically.

    The file is compact JSON with one Feature per line, so that diffs stay readable.

    Parameters
    ----------
    gdf
        The layer, in any CRS (reprojected to EPSG:4326).
    path
        The destination (through :func:`atomic_path`).
    id_column
        The column of unique, non-missing ids: the features' order and ``id``.
    decimals
        Decimal places of the coordinates (default :data:`COORD_DECIMALS`).
    metadata
        Written under ``metadata`` (see :func:`feature_collection`).
    fields
        The field of each column (:class:`geo.fields.Field`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    SchemaError
        As :func:`feature_collection`, or if ``metadata`` holds NaN or an infinite number (as
        :func:`write_json`).
    ParameterError
        If ``path`` has no file name or its folder does not exist.
    WriteError
        If the file cannot be written (as :func:`atomic_path`).
    """
    fc = feature_collection(
        gdf,
        id_column=id_column,
        decimals=decimals,
        metadata=metadata,
        fields=fields,
        name=Path(path).name,
    )

    def dumps(obj: Any) -> str:
        return _json_text(obj, path, separators=(",", ":"))

    head = {k: v for k, v in fc.items() if k != "features"}
    lines = [dumps(head)[:-1] + ',"features":[']
    lines += [
        dumps(f) + ("," if i < len(fc["features"]) - 1 else "")
        for i, f in enumerate(fc["features"])
    ]
    lines.append("]}")
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
    return Path(path)


def _rounded(gdf: gpd.GeoDataFrame, decimals: int) -> gpd.GeoDataFrame:
    """Right-hand-rule winding, coordinates rounded, empty geometries as missing (NULL)."""
    out = gdf.copy()
    geoms = shapely.orient_polygons(out.geometry.values, exterior_cw=False)
    geoms = np.where(shapely.is_empty(geoms), None, geoms)
    out[out.geometry.name] = shapely.set_precision(geoms, 10.0**-decimals, mode="pointwise")
    return out


_GEOMETRY_NAMES = dict(
    enumerate(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ]
    )
)


def _geometry_type(geoms: gpd.GeoSeries) -> tuple[str, bool]:
    """Layer geometry type and whether to promote to multi (as pyogrio infers it)."""
    values = geoms.values
    kinds = sorted(set(shapely.get_type_id(values[~shapely.is_missing(values)]).tolist()))
    kinds = [_GEOMETRY_NAMES[k] for k in kinds]
    if len(kinds) == 1:
        return kinds[0], False
    for single in ("Point", "LineString", "Polygon"):
        if set(kinds) == {single, f"Multi{single}"}:
            return f"Multi{single}", True
    return "Unknown", False


def _ogr_fields(frame: pd.DataFrame) -> tuple[list[str], list[np.ndarray], list[Any]]:
    """Column arrays for OGR, with their masks of missing values (NULL).

    Dates as ``datetime64[D]`` (GeoPackage DATE), booleans and nullable numbers with a mask,
    categories as text.
    """
    names, data, masks = [], [], []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            values, mask = col.to_numpy().astype("datetime64[D]"), col.isna().to_numpy()
        elif isinstance(col.dtype, pd.CategoricalDtype):
            values, mask = col.astype(object).where(col.notna()).to_numpy(), None
        elif isinstance(col.array, pd.api.extensions.ExtensionArray) and hasattr(
            col.array, "_mask"
        ):
            values, mask = col.array._data, col.array._mask
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
            values, mask = col.astype(object).where(col.notna(), None).to_numpy(), None
        else:
            values, mask = col.to_numpy(), None
        names.append(name)
        data.append(values)
        masks.append(mask)
    return names, data, masks


def write_gpkg(
    layers: Mapping[str, tuple[gpd.GeoDataFrame, str, Mapping[str, Any]]],
    path: str | os.PathLike,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    decimals: int = COORD_DECIMALS,
) -> Path:
    """Write several layers into one GeoPackage, atomically and reproducibly.

    Parameters
    ----------
    layers
        ``{table_name: (gdf, id_column, info)}``. ``info`` may hold ``title`` and
        ``description`` (the table's identifier and description, which QGIS shows), ``fields``
        (``{column: Field}``: typed columns, rounded numbers, the column descriptions written to
        ``gpkg_data_columns``), ``metadata`` (``{key: text}``, written to ``gpkg_metadata``) and
        ``style_qml`` (a QGIS style written to ``layer_styles`` as the layer's default) and
        ``style_name`` (its name there; default: the table name). Each ``gdf`` is
        checked and written as :func:`feature_collection` does (EPSG:4326, sorted by its id
        column).
    path
        The destination ``.gpkg`` (through :func:`atomic_path`).
    tables
        Extra attribute-only tables (e.g. provenance), ``{table_name: DataFrame}``.
    decimals
        Coordinate rounding, as for GeoJSON.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        If ``layers`` and ``tables`` are both empty (a GeoPackage needs a table), or ``path``
        has no file name or its folder does not exist.
    SchemaError
        As :func:`feature_collection`.
    WriteError
        If the file cannot be written (a full disk named as such; as :func:`atomic_path`).

    Notes
    -----
    Dates are written as ``DATE`` columns, booleans as ``BOOLEAN``, missing values as NULL, and
    so are empty geometries (as in GeoJSON). The
    GeoPackage timestamps are fixed (:data:`GPKG_TIMESTAMP`) so the same inputs give the same bytes.
    """
    import pyogrio.errors

    if not layers and not tables:
        raise ParameterError(f"cannot write {path}: no layers or tables given; pass at least one")
    prepared = {}
    for table, (gdf, id_column, info) in layers.items():
        frame = _prepared(gdf, id_column=id_column, fields=info.get("fields"), name=table)
        prepared[table] = (_rounded(frame, decimals).reset_index(drop=True), info)
    with atomic_path(path, suffix=".gpkg") as tmp:
        try:
            _write_gpkg_layers(tmp, prepared, tables)
            _write_gpkg_extras(tmp, prepared)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise as_os_error(exc, tmp.parent) from exc  # GDAL's word for a full disk is vague
    return Path(path)


def _write_gpkg_layers(
    tmp: Path,
    prepared: Mapping[str, tuple[gpd.GeoDataFrame, Any]],
    tables: Mapping[str, pd.DataFrame] | None,
) -> None:
    from pyogrio.raw import write as ogr_write

    with _gdal_config(OGR_CURRENT_DATE=GPKG_TIMESTAMP):
        for table, (frame, info) in prepared.items():
            layer_options = {}
            if info.get("title"):
                layer_options["IDENTIFIER"] = info["title"]
            if info.get("description"):
                layer_options["DESCRIPTION"] = info["description"]
            geom_type, promote = _geometry_type(frame.geometry)
            names, data, masks = _ogr_fields(pd.DataFrame(frame.drop(columns=frame.geometry.name)))
            ogr_write(
                tmp,
                geometry=to_wkb(frame.geometry.values),
                field_data=data,
                fields=names,
                field_mask=masks,
                layer=table,
                driver="GPKG",
                geometry_type=geom_type,
                promote_to_multi=promote,
                crs="EPSG:4326",
                append=tmp.exists(),
                dataset_options=None if tmp.exists() else {"VERSION": GPKG_VERSION},
                layer_options=layer_options,
                layer_metadata=dict(info["metadata"]) if info.get("metadata") else None,
            )
        for table, frame in (tables or {}).items():
            names, data, masks = _ogr_fields(pd.DataFrame(frame).reset_index(drop=True))
            ogr_write(
                tmp,
                geometry=None,
                field_data=data,
                fields=names,
                field_mask=masks,
                layer=table,
                driver="GPKG",
                append=tmp.exists(),
                dataset_options=None if tmp.exists() else {"VERSION": GPKG_VERSION},
            )


def _write_gpkg_extras(path: Path, prepared: Mapping[str, tuple[gpd.GeoDataFrame, Any]]) -> None:
    """Column descriptions (``gpkg_data_columns``) and QGIS default styles (``layer_styles``)."""
    columns = [
        (table, column, column, field.description)
        for table, (frame, info) in prepared.items()
        for column, field in (info.get("fields") or {}).items()
        if field.description and column in frame.columns and column != frame.geometry.name
    ]
    styles = [
        (table, info["style_qml"], info.get("title") or table, info.get("style_name") or table)
        for table, (frame, info) in prepared.items()
        if info.get("style_qml")
    ]
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        if columns:
            db.execute(
                "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
                "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, "
                "mime_type TEXT, constraint_name TEXT, "
                "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), "
                "CONSTRAINT gdc_tn UNIQUE (table_name, name))"
            )
            db.executemany(
                "INSERT INTO gpkg_data_columns (table_name, column_name, name, description) "
                "VALUES (?, ?, ?, ?)",
                columns,
            )
            db.executemany(
                "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, "
                "definition, scope) VALUES (?, NULL, 'gpkg_schema', "
                "'http://www.geopackage.org/spec/#extension_schema', 'read-write')",
                [(t,) for t in ("gpkg_data_columns", "gpkg_data_column_constraints")],
            )
        if styles:
            db.execute(
                "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
                "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
                "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
                "update_time DATETIME)"
            )
            for table, qml, title, style_name in styles:  # the geometry column as GDAL named it
                db.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                    "description, owner, ui, update_time) SELECT '', '', table_name, "
                    "column_name, ?, ?, '', 1, ?, '', NULL, ? "
                    "FROM gpkg_geometry_columns WHERE table_name = ?",
                    (style_name, qml, f"{title} (minusma-exposure)", GPKG_DATETIME, table),
                )
            db.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
                "'QGIS default styles of the layers', ?)",
                (GPKG_TIMESTAMP,),
            )


@contextlib.contextmanager
def _gdal_config(**options: str) -> Iterator[None]:
    """GDAL configuration ``options`` set for the block, the previous values restored after."""
    import pyogrio

    old = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)


#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _looks_numeric(text: str) -> bool:
    """True when ``float`` reads ``text`` as a number (``-12.5``, ``+3``, ``-inf``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _looks_numeric(value):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Following OWASP's rule for CSV injection, a text cell starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a leading single quote (``'=HYPERLINK(...)``), which
    spreadsheets show as text. Numeric columns, and text cells that are plain numbers
    (``-12.5``), are left as they are so that numbers stay numbers. Text in categorical columns
    and in the column names is treated the same way.

    Parameters
    ----------
    frame
        Any table; not changed.

    Returns
    -------
    pandas.DataFrame
        The copy: text and categorical columns neutralised (categorical ones become object
        columns), the column names too; other columns as they were.
    """
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object).where(out[col].notna())
        elif out[col].dtype != object and not pd.api.types.is_string_dtype(out[col]):
            continue
        out[col] = out[col].map(_safe_cell)
    out.columns = [_safe_cell(c) for c in out.columns]
    return out


#: Line end of every CSV the package writes (RFC 4180): with it, a cell holding a CR or an LF is
#: quoted (with a bare LF as line end, Python's csv leaves a lone CR unquoted and a spreadsheet
#: starts a new row there).
CSV_LINE_END = "\r\n"


def csv_text(frame: pd.DataFrame, *, index: bool = False, float_format: str | None = None) -> str:
    """``frame`` as CSV text for programs (stdout): the package's one CSV rule, no byte-order mark.

    Cells that a spreadsheet would run as formulas are neutralised (:func:`spreadsheet_safe`),
    cells holding line breaks are quoted, and rows end with CRLF (RFC 4180).

    Parameters
    ----------
    frame
        The table; with ``index`` its index becomes the first column(s).
    index
        Write the index too.
    float_format
        ``%``-format of floats (e.g. ``"%.3f"``), default full precision.

    Returns
    -------
    str
        The CSV text.
    """
    table = pd.DataFrame(frame)
    if index:
        table = table.reset_index()
    safe = spreadsheet_safe(_text_values(table))
    return safe.to_csv(
        index=False,
        float_format=float_format,
        lineterminator=CSV_LINE_END,
        quoting=csv.QUOTE_MINIMAL,
    )


def write_table_csv(
    frame: pd.DataFrame,
    path: str | os.PathLike,
    *,
    index: bool = False,
    float_format: str | None = None,
) -> Path:
    """Write a table (no geometry) as CSV for spreadsheets, atomically (:func:`atomic_path`).

    As :func:`csv_text`, with a UTF-8 byte-order mark (so that Excel reads accents right).

    Parameters
    ----------
    frame
        The table; with ``index`` its index becomes the first column(s).
    path
        The destination (through :func:`atomic_path`).
    index
        Write the index too.
    float_format
        ``%``-format of floats (e.g. ``"%.3f"``), default full precision.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        If ``path`` has no file name or its folder does not exist.
    WriteError
        If the file cannot be written (as :func:`atomic_path`).
    """
    text = csv_text(frame, index=index, float_format=float_format)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(text)
    return Path(path)


def write_csv(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    id_column: str,
    decimals: int = COORD_DECIMALS,
    fields: Mapping[str, Field] | None = None,
    hxl: Mapping[str, str] | None = None,
) -> Path:
    """Write ``gdf`` as CSV for spreadsheets, atomically.

    UTF-8 with a byte-order mark (so Excel reads accents right), CRLF line ends (RFC 4180), one
    row per feature sorted by
    ``id_column``, attributes typed and rounded by ``fields``, dates ``YYYY-MM-DD``, the geometry
    as ``wkt`` (lon/lat, EPSG:4326; empty for a missing or empty geometry) and, when the layer has
    points, ``lon``/``lat`` columns beside it (empty for other geometries; not added when the
    layer already has a ``lon`` or ``lat`` column). Text cells that a spreadsheet would run as a
    formula are neutralised (:func:`spreadsheet_safe`).

    Parameters
    ----------
    gdf
        The layer, in any CRS (reprojected to EPSG:4326).
    path
        The destination (through :func:`atomic_path`).
    id_column
        The column of unique, non-missing ids: the rows' order.
    decimals
        Decimal places of the WKT and ``lon``/``lat`` coordinates (default
        :data:`COORD_DECIMALS`).
    fields
        The field of each column (:class:`geo.fields.Field`).
    hxl
        ``{column: hashtag}``: write a second row of HXL hashtags (Humanitarian Exchange
        Language) under the header; columns without a tag get an empty cell.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    SchemaError
        As :func:`feature_collection`.
    ParameterError
        If ``path`` has no file name or its folder does not exist.
    WriteError
        If the file cannot be written (as :func:`atomic_path`).
    """
    frame = _prepared(gdf, id_column=id_column, fields=fields, name=Path(path).name)
    geom_name = frame.geometry.name
    geoms = shapely.orient_polygons(frame.geometry.values, exterior_cw=False)
    empty = shapely.is_empty(geoms)
    wkt = shapely.to_wkt(np.where(empty, None, geoms), rounding_precision=decimals, trim=True)
    out = _text_values(pd.DataFrame(frame.drop(columns=geom_name)))
    out["wkt"] = wkt
    points = shapely.get_type_id(geoms) == 0
    if (points & ~empty).any() and not {"lon", "lat"} & set(out.columns):
        located = points & ~empty
        lon, lat = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
        lon[located] = shapely.get_x(geoms[located])
        lat[located] = shapely.get_y(geoms[located])
        out["lon"], out["lat"] = lon.round(decimals), lat.round(decimals)
    out = spreadsheet_safe(out)
    if hxl:
        tags = pd.DataFrame([{c: hxl.get(c, "") for c in out.columns}])
        out = pd.concat([tags, out.astype(object)], ignore_index=True)
    with atomic_path(path) as tmp:
        # CRLF rows (RFC 4180): a cell holding a CR or LF is then quoted, never split
        out.to_csv(tmp, index=False, lineterminator=CSV_LINE_END, encoding="utf-8-sig")
    return Path(path)
