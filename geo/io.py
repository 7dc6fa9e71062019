"""Deterministic, atomic writers: RFC 7946 GeoJSON, GeoPackage, CSV with WKT.

Every writer goes through :func:`atomic_path`: the file is written beside its destination
under a temporary name and moved into place only when complete, so a crash half-way never
leaves a file that looks valid.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geo._errors import ParameterError, SchemaError
from geo.crs import to_wgs84

logger = logging.getLogger(__name__)

#: Decimal places of exported coordinates (~0.1 m at the equator), as RFC 7946 recommends.
COORD_DECIMALS = 6

#: Fixed timestamp written into GeoPackages so that the same inputs give the same bytes.
GPKG_TIMESTAMP = "2024-07-22T00:00:00Z"

__all__ = [
    "COORD_DECIMALS",
    "atomic_path",
    "feature_collection",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_json",
]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only on success.

    Parameters
    ----------
    path
        The final destination. Its folder must exist and be writable.
    suffix
        Suffix of the temporary file (drivers that pick a format from the name need it);
        defaults to the destination's suffix.

    Raises
    ------
    ParameterError
        If the destination folder does not exist or cannot be written.
    """
    final = Path(path)
    folder = final.parent if str(final.parent) else Path(".")
    if not folder.is_dir():
        raise ParameterError(
            f"cannot write {final}: folder {folder} does not exist; create it first"
        )
    if not os.access(folder, os.W_OK):
        raise ParameterError(f"cannot write {final}: folder {folder} is not writable")
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{final.name}.", suffix=suffix or final.suffix, dir=folder
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # writers create the file themselves (GDAL refuses to open an empty GeoPackage)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _round_coords(obj: Any, decimals: int) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_round_coords(o, decimals) for o in obj]
    return obj


def _json_value(value: Any) -> Any:
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


def feature_collection(
    gdf: gpd.GeoDataFrame,
    *,
    id_column: str,
    decimals: int = COORD_DECIMALS,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build an RFC 7946 FeatureCollection as a dict.

    Coordinates are lon/lat in EPSG:4326 rounded to ``decimals``; polygon exteriors are
    counter-clockwise and holes clockwise (right-hand rule); features are sorted by
    ``id_column`` and carry it as the Feature ``id``; there is no ``crs`` member. Missing
    values become ``null``. ``metadata`` is written as a foreign member ``metadata``.
    """
    if id_column not in gdf.columns:
        raise SchemaError(f"id column {id_column!r} not in columns {list(gdf.columns)}")
    if gdf[id_column].duplicated().any():
        raise SchemaError(f"id column {id_column!r} has duplicate values; ids must be unique")
    gdf = to_wgs84(gdf, name=id_column).sort_values(id_column, kind="stable")
    geom_name = gdf.geometry.name
    geoms = shapely.orient_polygons(gdf.geometry.values, exterior_cw=False)
    props = [c for c in gdf.columns if c != geom_name]
    features = []
    for geom, (_, row) in zip(geoms, gdf[props].iterrows()):
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


def write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as UTF-8 JSON (2-space indent, stable key order as given), atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=1, allow_nan=False)
        fh.write("\n")
    return Path(path)


def write_geojson(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    id_column: str,
    decimals: int = COORD_DECIMALS,
    metadata: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``gdf`` as RFC 7946 GeoJSON (see :func:`feature_collection`), atomically.

    The file is compact JSON with one Feature per line, so that diffs stay readable.
    """
    fc = feature_collection(gdf, id_column=id_column, decimals=decimals, metadata=metadata)

    def dumps(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

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
    out = gdf.copy()
    geoms = shapely.orient_polygons(out.geometry.values, exterior_cw=False)
    out[out.geometry.name] = shapely.set_precision(geoms, 10.0**-decimals, mode="pointwise")
    return out


def write_gpkg(
    layers: Mapping[str, tuple[gpd.GeoDataFrame, str, Mapping[str, str]]],
    path: str | os.PathLike,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    decimals: int = COORD_DECIMALS,
) -> Path:
    """Write several layers into one GeoPackage, atomically and reproducibly.

    Parameters
    ----------
    layers
        ``{table_name: (gdf, id_column, info)}``; ``info`` may hold ``title`` and
        ``description``, written as the table's identifier and description (QGIS shows them).
    tables
        Extra attribute-only tables (e.g. provenance), ``{table_name: DataFrame}``.
    decimals
        Coordinate rounding, as for GeoJSON.
    """
    import pyogrio

    with atomic_path(path, suffix=".gpkg") as tmp:
        with _gdal_config(OGR_CURRENT_DATE=GPKG_TIMESTAMP):
            for table, (gdf, id_column, info) in layers.items():
                frame = _rounded(
                    to_wgs84(gdf, name=table).sort_values(id_column, kind="stable"), decimals
                )
                frame = frame.reset_index(drop=True)
                layer_options = {}
                if info.get("title"):
                    layer_options["IDENTIFIER"] = info["title"]
                if info.get("description"):
                    layer_options["DESCRIPTION"] = info["description"]
                pyogrio.write_dataframe(
                    frame,
                    tmp,
                    layer=table,
                    driver="GPKG",
                    append=tmp.exists(),
                    layer_options=layer_options,
                )
            for table, frame in (tables or {}).items():
                pyogrio.write_dataframe(
                    pd.DataFrame(frame).reset_index(drop=True),
                    tmp,
                    layer=table,
                    driver="GPKG",
                    append=tmp.exists(),
                )
    return Path(path)


@contextlib.contextmanager
def _gdal_config(**options: str) -> Iterator[None]:
    import pyogrio

    old = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)


def write_csv(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    id_column: str,
    decimals: int = COORD_DECIMALS,
) -> Path:
    """Write ``gdf`` as UTF-8 CSV with a ``wkt`` geometry column (lon/lat, EPSG:4326), atomically."""
    frame = to_wgs84(gdf, name=id_column).sort_values(id_column, kind="stable")
    geom_name = frame.geometry.name
    geoms = shapely.orient_polygons(frame.geometry.values, exterior_cw=False)
    wkt = shapely.to_wkt(geoms, rounding_precision=decimals, trim=True)
    out = pd.DataFrame(frame.drop(columns=geom_name))
    out["wkt"] = wkt
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    return Path(path)
