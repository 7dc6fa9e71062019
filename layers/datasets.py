"""The registry of open datasets read from the data directory, and their validated readers.

The registry ``layers/data/datasets.json`` ships inside the package (built by
``scripts/build_dataset_registry.py``). Each entry names one file of the data-directory layout
(:mod:`layers.datadir`) and records its licence, attribution, offline origin, upstream source and
conversion, the schema the package relies on (required columns, geometry types, bounds margin) and
the measured facts of the file in the offline layout (sha256, size, feature or row count, columns).
Files are GeoJSON, GeoTIFF or CSV tables (``"format": "CSV"``, gzipped when the name ends in
``.gz``; their ``coordinate_columns`` are bounds-checked). A null ``bounds_margin_deg`` marks data
of other countries or the world (Geo-PKO, UCDP GED for the Central African Republic): no bounds
check.

Name look-ups ignore case and punctuation (``"COD-ADM1"`` finds ``cod_adm1``), as in xyzservices.

Examples
--------
>>> from minusma.layers import datasets
>>> datasets.get("COD adm1").licence  # doctest: +SKIP
>>> regions = datasets.read_dataset("cod_adm1", "../shared/data")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from minusma.geo._errors import DataDirError, UnknownNameError
from minusma.geo._validate import KINDS, raise_problems
from minusma.geo.names import name_key
from minusma.layers.datadir import resolve_data_dir

logger = logging.getLogger(__name__)

__all__ = [
    "Dataset",
    "DatasetMissingError",
    "DatasetStatus",
    "Raster",
    "check_dataset",
    "check_file",
    "dataset_path",
    "dataset_status",
    "get",
    "mali_bounds_deg",
    "names",
    "read_dataset",
    "registry",
    "sha256_file",
]

#: At most this many offending rows are named per problem.
MAX_ROWS_LISTED = 5


@dataclass(frozen=True)
class Dataset:
    """One registry entry: a file of the data-directory layout and what is known about it."""

    name: str
    path: str
    format: str
    title: str
    description: str
    licence: str
    attribution: str
    offline_copy: str | None
    upstream: Mapping[str, Any]
    id_column: str | None
    bounds_margin_deg: float | None
    optional: bool = False
    required_columns: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    geometry_types: tuple[str, ...] = ()
    raster: Mapping[str, Any] | None = None
    coordinate_columns: tuple[str, str] | None = None
    file: Mapping[str, Any] | None = None

    @property
    def is_raster(self) -> bool:
        """Whether the file is a raster (GeoTIFF) rather than vector features."""
        return self.raster is not None

    @property
    def is_table(self) -> bool:
        """Whether the file is a plain CSV table (optionally gzipped), read with pandas."""
        return self.format == "CSV"

    @property
    def sha256(self) -> str | None:
        """The sha256 of the file in the offline layout, or None if not recorded."""
        return (self.file or {}).get("sha256")

    @property
    def content_sha256(self) -> str | None:
        """The content digest of a converted table, or None when its bytes are checked.

        See :func:`layers.table_digest.table_digest` (method ``upstream["content_digest"]``).
        """
        return (self.file or {}).get("content_sha256")

    @property
    def size_bytes(self) -> int | None:
        """The size of the file in the offline layout, or None if not recorded."""
        return (self.file or {}).get("size_bytes")


class Raster(NamedTuple):
    """A single-band raster read by :func:`read_dataset`: masked values plus georeferencing."""

    values: np.ma.MaskedArray
    transform: Any
    crs: str
    nodata: float | None


@dataclass(frozen=True)
class DatasetStatus:
    """The state of one dataset in a data directory (see :func:`dataset_status`)."""

    dataset: Dataset
    path: Path
    present: bool
    size_bytes: int | None
    sha256: str | None
    sha256_ok: bool | None
    problems: tuple[str, ...]

    @property
    def valid(self) -> bool | None:
        """True if present and valid, False if present and invalid, None if absent."""
        return (not self.problems) if self.present else None


@functools.cache
def _load() -> tuple[dict[str, Any], tuple[Dataset, ...]]:
    text = (
        resources.files("minusma.layers").joinpath("data/datasets.json").read_text(encoding="utf-8")
    )
    raw = json.loads(text)
    entries = []
    for item in raw["datasets"]:
        item = dict(item)
        item["geometry_types"] = tuple(item.get("geometry_types") or ())
        if item.get("coordinate_columns") is not None:
            item["coordinate_columns"] = tuple(item["coordinate_columns"])
        entries.append(Dataset(**item))
    return raw, tuple(entries)


def registry() -> tuple[Dataset, ...]:
    """Every registered dataset, in registry order.

    Returns
    -------
    tuple of Dataset
        The entries of ``layers/data/datasets.json``.
    """
    return _load()[1]


def names() -> list[str]:
    """The registered dataset names, in registry order.

    Returns
    -------
    list of str
        The dataset names.
    """
    return [d.name for d in registry()]


def mali_bounds_deg() -> tuple[float, float, float, float]:
    """Mali's bounding box (lon_min, lat_min, lon_max, lat_max) used by the bounds check.

    Returns
    -------
    tuple of float
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees.
    """
    return tuple(_load()[0]["mali_bounds_deg"])


def get(name: str) -> Dataset:
    """Return the dataset called ``name``, ignoring case and punctuation.

    Parameters
    ----------
    name
        A dataset name (case and punctuation ignored).

    Returns
    -------
    Dataset
        The registry entry.

    Raises
    ------
    UnknownNameError
        If no dataset matches; the message lists the valid names.
    """
    wanted = name_key(name)
    for dataset in registry():
        if name_key(dataset.name) == wanted:
            return dataset
    raise UnknownNameError(
        f"No matching dataset found for the query {name!r}; valid names: {', '.join(names())}"
    )


class DatasetMissingError(DataDirError):
    """A dataset's file is absent from a data directory that exists (a partial directory).

    The only data-directory problem a reader may answer with a documented fallback: a directory
    that does not exist, or a file that is present but unreadable or invalid, is always an error.
    """


def dataset_path(
    name: str, data_dir: str | os.PathLike | None = None, *, must_exist: bool = True
) -> Path:
    """The path of dataset ``name`` in the data directory.

    The directory is found by :func:`layers.datadir.resolve_data_dir`.

    Parameters
    ----------
    name
        A registered dataset name.
    data_dir
        The data directory (default ``$MINUSMA_DATA``).
    must_exist
        Raise when the file is absent.

    Returns
    -------
    pathlib.Path
        Where the dataset's file is (or would be).

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered.
    DataDirError
        If there is no data directory (:class:`DatasetMissingError` if ``must_exist`` and the
        file is absent).
    """
    dataset = get(name)
    root = resolve_data_dir(data_dir)
    path = root / dataset.path
    if must_exist and not path.is_file():
        raise DatasetMissingError(
            f"dataset {dataset.name!r}: {path} not found; run `minusma fetch --dest {root} "
            f"--only {dataset.name}` or pass the right --data DIR"
        )
    return path


def sha256_file(path: str | os.PathLike) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        The digest, 64 hex digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(frame: Any, mask: np.ndarray, id_column: str | None) -> str:
    positions = np.flatnonzero(mask)
    labels = []
    for pos in positions[:MAX_ROWS_LISTED]:
        label = f"row {pos}"
        value = frame[id_column].iloc[pos] if id_column and id_column in frame.columns else None
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            label += f" ({id_column}={value!r})"
        labels.append(label)
    more = (
        f" (+{len(positions) - MAX_ROWS_LISTED} more)" if len(positions) > MAX_ROWS_LISTED else ""
    )
    return ", ".join(labels) + more


def _column_problems(dataset: Dataset, frame: Any) -> list[str]:
    """Missing required columns, nulls in non-nullable ones and columns of the wrong kind."""
    problems: list[str] = []
    missing = [c for c in dataset.required_columns if c not in frame.columns]
    if missing:
        problems.append(
            f"missing column(s) {missing}; found {[c for c in frame.columns if c != 'geometry']}"
        )
    for column, spec in dataset.required_columns.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        nulls = values.isna().to_numpy()
        if not spec["nullable"] and nulls.any():
            problems.append(
                f"column {column!r} is null in {_rows(frame, nulls, dataset.id_column)}"
            )
        if not nulls.all() and not KINDS[spec["kind"]](values[~nulls]):
            problems.append(
                f"column {column!r} should be {spec['kind']}, found dtype {values.dtype}"
            )
    return problems


def _vector_problems(dataset: Dataset, frame: Any) -> list[str]:
    import shapely

    problems: list[str] = []
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        problems.append(f"CRS is {frame.crs}, expected EPSG:4326")
    if len(frame) == 0:
        problems.append("no features")
    problems += _column_problems(dataset, frame)
    geoms = frame.geometry.values
    absent = np.asarray(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if absent.any():
        problems.append(f"missing or empty geometry in {_rows(frame, absent, dataset.id_column)}")
    present = ~absent
    types = frame.geom_type.fillna("").to_numpy(dtype=str)
    if dataset.geometry_types:
        wrong = present & ~np.isin(types, dataset.geometry_types)
        if wrong.any():
            problems.append(
                f"geometry type(s) {sorted({str(t) for t in types[wrong]})} not in "
                f"{list(dataset.geometry_types)} in {_rows(frame, wrong, dataset.id_column)}"
            )
    invalid = present & ~np.asarray(shapely.is_valid(geoms))
    if invalid.any():
        first = int(np.flatnonzero(invalid)[0])
        reason = shapely.is_valid_reason(geoms[first])
        problems.append(
            f"invalid geometry in {_rows(frame, invalid, dataset.id_column)} (first: {reason})"
        )
    problems += _bounds_problems(dataset, np.asarray(shapely.bounds(geoms)), present, frame)
    return problems


def _bounds_problems(
    dataset: Dataset, bounds: np.ndarray, present: np.ndarray, frame: Any = None
) -> list[str]:
    m = dataset.bounds_margin_deg
    if m is None:  # a dataset of another country or the world (Geo-PKO, GED for CAR)
        return []
    xmin, ymin, xmax, ymax = mali_bounds_deg()
    with np.errstate(invalid="ignore"):
        outside = present & (
            (bounds[:, 0] < xmin - m)
            | (bounds[:, 1] < ymin - m)
            | (bounds[:, 2] > xmax + m)
            | (bounds[:, 3] > ymax + m)
        )
    if not outside.any():
        return []
    where = _rows(frame, outside, dataset.id_column) if frame is not None else "the raster"
    first = bounds[np.flatnonzero(outside)[0]]
    return [
        (
            f"coordinates outside Mali's bounds +-{m} deg (lon {xmin - m}..{xmax + m}, lat "
            f"{ymin - m}..{ymax + m}) in {where} (first bounds: "
            f"{[round(float(v), 4) for v in first]})"
        )
    ]


def _read_vector(dataset: Dataset, path: Path) -> tuple[Any, list[str]]:
    import geopandas as gpd

    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # any driver error means the file is unusable
        raise DataDirError(f"dataset {dataset.name!r}: cannot read {path}: {exc}") from exc
    return frame, _vector_problems(dataset, frame)


def _read_table(dataset: Dataset, path: Path) -> tuple[Any, list[str]]:
    import pandas as pd

    try:  # compression follows the suffix (.csv.gz)
        frame = pd.read_csv(path, low_memory=False)
    except Exception as exc:  # any parser error means the file is unusable
        raise DataDirError(f"dataset {dataset.name!r}: cannot read {path}: {exc}") from exc
    problems = [] if len(frame) else ["no rows"]
    problems += _column_problems(dataset, frame)
    if dataset.coordinate_columns and set(dataset.coordinate_columns) <= set(frame.columns):
        lon, lat = (pd.to_numeric(frame[c], errors="coerce") for c in dataset.coordinate_columns)
        present = (lon.notna() & lat.notna()).to_numpy()
        bounds = np.column_stack([lon, lat, lon, lat]).astype(float)
        problems += _bounds_problems(dataset, bounds, present, frame)
    return frame, problems


def _reader(dataset: Dataset) -> Callable[[Dataset, Path], tuple[Any, list[str]]]:
    if dataset.is_raster:
        return _read_raster
    return _read_table if dataset.is_table else _read_vector


def _read_raster(dataset: Dataset, path: Path) -> tuple[Raster, list[str]]:
    import rasterio

    try:
        with rasterio.open(path) as src:
            values = src.read(1, masked=True)
            crs = src.crs
            meta = {"count": src.count, "dtype": src.dtypes[0]}
            bounds = np.array([list(src.bounds)])
            raster = Raster(
                values, src.transform, f"EPSG:{crs.to_epsg()}" if crs else "none", src.nodata
            )
    except Exception as exc:  # any driver error means the file is unusable
        raise DataDirError(f"dataset {dataset.name!r}: cannot read {path}: {exc}") from exc
    problems = []
    expected = dataset.raster or {}
    if raster.crs != expected.get("crs", "EPSG:4326"):
        problems.append(f"CRS is {raster.crs}, expected {expected.get('crs', 'EPSG:4326')}")
    for key in ("count", "dtype"):
        if key in expected and meta[key] != expected[key]:
            problems.append(f"{key} is {meta[key]}, expected {expected[key]}")
    if values.count() == 0:
        problems.append("every cell is nodata")
    problems += _bounds_problems(dataset, bounds, np.array([True]))
    return raster, problems


def _read(name: str, data_dir: str | os.PathLike | None) -> tuple[Dataset, Path, Any, list[str]]:
    dataset = get(name)
    path = dataset_path(dataset.name, data_dir)
    data, problems = _reader(dataset)(dataset, path)
    return dataset, path, data, problems


def check_file(name: str, path: str | os.PathLike) -> list[str]:
    """Every problem of the file at ``path`` read as dataset ``name``.

    Used before a file is put in place.

    Parameters
    ----------
    name
        A registered dataset name.
    path
        The file to check.

    Returns
    -------
    list of str
        One line per problem; empty when the file validates.

    Raises
    ------
    DataDirError
        If the file cannot be read at all.
    """
    dataset = get(name)
    return _reader(dataset)(dataset, Path(path))[1]


def read_dataset(name: str, data_dir: str | os.PathLike | None = None) -> Any:
    """Read and validate dataset ``name`` from the data directory.

    Checks the required columns (presence, kind, nulls), the CRS (EPSG:4326), geometry presence,
    type and validity, and that every feature (for a CSV table, every row's
    ``coordinate_columns``) lies within Mali's bounds plus the entry's margin (no bounds check
    when the margin is null: datasets of other countries or the world). The
    file's sha256 is not required to match the registry (upstream data changes); see
    :func:`dataset_status`.

    Parameters
    ----------
    name
        A registered name (case and punctuation ignored), e.g. ``"cod_adm2"``.
    data_dir
        The data directory; defaults to ``$MINUSMA_DATA``.

    Returns
    -------
    geopandas.GeoDataFrame or Raster or pandas.DataFrame
        The features in EPSG:4326, for a raster its masked band and georeferencing, for a CSV
        table (``format == "CSV"``) its rows.

    Raises
    ------
    UnknownNameError
        Unknown name (the message lists valid ones).
    DataDirError
        No data directory, or the file is absent or unreadable.
    SchemaError
        The file does not match the registry; every problem is listed, naming the file and rows.
    """
    dataset, path, data, problems = _read(name, data_dir)
    raise_problems(problems, name=f"dataset {dataset.name!r} ({path})")
    return data


def check_dataset(name: str, data_dir: str | os.PathLike | None = None) -> list[str]:
    """Every problem found reading dataset ``name`` (empty if it validates).

    Never raises on bad data: an absent or unreadable file is reported as a problem.

    Parameters
    ----------
    name
        A registered dataset name.
    data_dir
        The data directory (default ``$MINUSMA_DATA``).

    Returns
    -------
    list of str
        One line per problem.

    Raises
    ------
    UnknownNameError
        Unknown name.
    DataDirError
        No data directory.
    """
    try:
        return _read(name, data_dir)[3]
    except DataDirError as exc:
        resolve_data_dir(data_dir)  # re-raise if the directory itself is the issue
        return [str(exc)]


def dataset_status(
    name: str, data_dir: str | os.PathLike | None = None, *, validate: bool = True
) -> DatasetStatus:
    """Presence, size, checksum agreement and validation problems of one dataset.

    ``sha256_ok`` is None when the registry records no checksum (optional, upstream-only datasets).

    Parameters
    ----------
    name
        A registered dataset name.
    data_dir
        The data directory (default ``$MINUSMA_DATA``).
    validate
        Also read and check the file (slower).

    Returns
    -------
    DatasetStatus
        What was found; an absent file gives ``present`` False and no figures.
    """
    dataset = get(name)
    path = resolve_data_dir(data_dir) / dataset.path
    if not path.is_file():
        return DatasetStatus(dataset, path, False, None, None, None, ())
    digest = sha256_file(path)
    ok = None if dataset.sha256 is None else digest == dataset.sha256
    problems = tuple(check_dataset(dataset.name, data_dir)) if validate else ()
    return DatasetStatus(dataset, path, True, path.stat().st_size, digest, ok, problems)
