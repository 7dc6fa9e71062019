"""Admin units of any country, from a user's boundary file, as the units of an event study.

A GeoJSON or GeoPackage of polygons (for instance OCHA's COD-AB boundaries from HDX, or
geoBoundaries) with an id column and a name column. :func:`read_units` validates it and returns
``unit_id, name, geometry`` in EPSG:4326, sorted by ``unit_id``; the ids are the keys an
aggregate history (ACLED's HDX admin x month tables: ``Admin2 Pcode``) is matched on.

When the columns are not named, the first present of :data:`ID_COLUMNS` and
:data:`NAME_COLUMNS` (any case) is taken: the COD-AB and geoBoundaries spellings.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import SchemaError
from minusma.geo.crs import WGS84

logger = logging.getLogger(__name__)

__all__ = ["ID_COLUMNS", "NAME_COLUMNS", "SUFFIXES", "read_units"]

#: Id columns tried in order when none is named (COD-AB admin 2, then admin 1; geoBoundaries).
ID_COLUMNS = (
    "unit_id",
    "ADM2_PCODE",
    "admin2Pcode",
    "admin2Pcod",
    "ADM1_PCODE",
    "admin1Pcode",
    "admin1Pcod",
    "shapeID",
)
#: Name columns tried in order when none is named.
NAME_COLUMNS = (
    "name",
    "ADM2_EN",
    "ADM2_FR",
    "admin2Name",
    "ADM1_EN",
    "ADM1_FR",
    "admin1Name",
    "shapeName",
)
#: File types read.
SUFFIXES = (".geojson", ".json", ".gpkg")
_POLYGONS = ("Polygon", "MultiPolygon")


def _column(path: Path, frame: pd.DataFrame, named: str | None, tried: tuple, what: str) -> str:
    by_fold = {str(c).casefold(): str(c) for c in frame.columns if c != "geometry"}
    if named is not None:
        if named.casefold() in by_fold:
            return by_fold[named.casefold()]
        raise SchemaError(
            f"{path}: no {what} column {named!r}; the file has {', '.join(by_fold.values())}"
        )
    for name in tried:
        if name.casefold() in by_fold:
            return by_fold[name.casefold()]
    option = "--units-id" if what == "id" else "--units-name"
    raise SchemaError(
        f"{path}: no {what} column (tried {', '.join(tried)}); name it with {option} COL "
        f"(columns: {', '.join(by_fold.values())})"
    )


def read_units(
    path: str | os.PathLike,
    *,
    id_column: str | None = None,
    name_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Admin-unit polygons from a GeoJSON or GeoPackage file.

    Parameters
    ----------
    path
        The file (``.geojson``, ``.json``, ``.gpkg`` with one layer).
    id_column
        Column of unique unit ids (P-codes); default the first of :data:`ID_COLUMNS` present.
    name_column
        Column of unit names; default the first of :data:`NAME_COLUMNS` present.

    Returns
    -------
    geopandas.GeoDataFrame
        ``unit_id`` (string), ``name``, ``geometry`` (Polygon or MultiPolygon), EPSG:4326,
        sorted by ``unit_id``. Invalid polygons are repaired (``make_valid``) and counted in
        ``attrs["repaired"]``.

    Raises
    ------
    SchemaError
        One line naming the file and the fix: missing or unreadable file, several layers, no
        CRS, a geometry that is not a polygon, a missing id or name column, empty or repeated
        ids.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(f"{path}: no such units file; give a GeoJSON or GeoPackage of polygons")
    if path.suffix.lower() not in SUFFIXES:
        raise SchemaError(
            f"{path}: units must be a GeoJSON or GeoPackage ({', '.join(SUFFIXES)}) of polygons"
        )
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
        if len(layers) > 1:
            names = ", ".join(str(name) for name, _ in layers)
            raise SchemaError(f"{path}: {len(layers)} layers ({names}); keep one layer of units")
        gdf = gpd.read_file(path)
    except pyogrio.errors.DataSourceError as exc:
        raise SchemaError(f"{path}: not a readable GeoJSON or GeoPackage ({exc})") from exc
    if len(gdf) == 0:
        raise SchemaError(f"{path}: no units; give at least two polygons")
    if gdf.crs is None:
        raise SchemaError(f"{path}: no coordinate reference system; save the file with its CRS")
    id_col = _column(path, gdf, id_column, ID_COLUMNS, "id")
    name_col = _column(path, gdf, name_column, NAME_COLUMNS, "name")
    geom = gdf.geometry
    missing = geom.isna() | geom.is_empty
    if missing.any():
        row = int(missing.to_numpy().nonzero()[0][0])
        raise SchemaError(
            f"{path}: {int(missing.sum())} unit(s) without a geometry (first: row {row + 1}, "
            f"{id_col} {gdf[id_col].iloc[row]!r}); every unit needs its polygon"
        )
    kinds = geom.geom_type
    other = ~kinds.isin(_POLYGONS)
    if other.any():
        row = int(other.to_numpy().nonzero()[0][0])
        raise SchemaError(
            f"{path}: {int(other.sum())} geometry(ies) are not polygons (first: row {row + 1}, a "
            f"{kinds.iloc[row]}); units must be Polygon or MultiPolygon"
        )
    ids = gdf[id_col].astype("string").str.strip()
    if ids.isna().any() or (ids == "").any():
        row = int((ids.isna() | (ids == "")).to_numpy().nonzero()[0][0])
        raise SchemaError(f"{path}: row {row + 1} has no {id_col}; every unit needs an id")
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise SchemaError(
            f"{path}: {id_col} {repeated.iloc[0]!r} is repeated ({len(repeated)} repeat(s)); "
            "ids must be unique (dissolve the parts of one unit into one MultiPolygon)"
        )
    invalid = ~geom.is_valid
    if invalid.any():
        geom = geom.make_valid()
        still = ~geom.geom_type.isin(_POLYGONS)
        if still.any():
            raise SchemaError(
                f"{path}: unit {ids[still].iloc[0]!r} is not a valid polygon and cannot be "
                "repaired to one; fix its geometry"
            )
        logger.warning("%s: %d invalid polygon(s) repaired (make_valid)", path, int(invalid.sum()))
    out = gpd.GeoDataFrame(
        {"unit_id": ids.astype(str).to_numpy(), "name": gdf[name_col].astype(str).to_numpy()},
        geometry=geom.to_numpy(),
        crs=gdf.crs,
    ).to_crs(WGS84)
    out = out.sort_values("unit_id").reset_index(drop=True)
    out.attrs.update(source=str(path), repaired=int(invalid.sum()), id_column=id_col)
    return out
