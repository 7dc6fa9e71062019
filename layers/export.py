"""Export layers as RFC 7946 GeoJSON, one GeoPackage, or CSV with WKT, plus a provenance file."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo._errors import ParameterError, UnknownNameError
from geo.io import write_csv, write_geojson, write_gpkg, write_json
from layers.registry import LayerInfo, get_info, layer_names, load

logger = logging.getLogger(__name__)

__all__ = ["FORMATS", "GPKG_NAME", "export_layers", "load_all", "provenance"]

FORMATS = ("geojson", "gpkg", "csv")
GPKG_NAME = "minusma.gpkg"
PROVENANCE_NAME = "provenance.json"


def load_all(names: Sequence[str] | None = None) -> dict[str, tuple[gpd.GeoDataFrame, LayerInfo]]:
    """Load registered layers by name (all by default) with their metadata."""
    out = {}
    for name in names or layer_names():
        info = get_info(name)
        out[info.name] = (load(info.name), info)
    return out


def provenance(
    layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]],
    *,
    parameters: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Provenance record: package version, every layer's sources, licence, attribution, row count."""
    return {
        "package": "minusma-exposure",
        "version": version("minusma-exposure"),
        "crs": "EPSG:4326 (longitude, latitude; RFC 7946)",
        "parameters": dict(parameters or {}),
        "layers": {
            name: {
                **info.as_dict(),
                "rows": len(gdf),
                "row_sources": sorted(set(map(str, _row_sources(gdf)))),
            }
            for name, (gdf, info) in layers.items()
        },
    }


def _row_sources(gdf: gpd.GeoDataFrame) -> list[str]:
    cols = [
        c
        for c in ("source", "source_2", "coord_source", "role_source", "population_source")
        if c in gdf
    ]
    return [v for c in cols for v in gdf[c].dropna().unique()]


def export_layers(
    out_dir: str | Path,
    *,
    fmt: str = "geojson",
    layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]] | None = None,
    parameters: Mapping[str, object] | None = None,
) -> list[Path]:
    """Write layers to ``out_dir`` in one format, plus ``provenance.json``.

    Parameters
    ----------
    out_dir
        An existing, writable folder.
    fmt
        ``geojson`` (one RFC 7946 file per layer), ``gpkg`` (one GeoPackage, one table per layer and
        a ``layer_provenance`` table) or ``csv`` (one file per layer, geometry as WKT).
    layers
        ``{name: (gdf, info)}``; defaults to every registered layer.
    parameters
        Analysis parameters to record in the provenance.

    Returns
    -------
    list of pathlib.Path
        The files written. Each is written atomically; same inputs give byte-identical files.
    """
    if fmt not in FORMATS:
        raise UnknownNameError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    out = Path(out_dir)
    if not out.is_dir():
        raise ParameterError(
            f"output folder {out} does not exist; create it first (mkdir -p {out})"
        )
    layers = dict(layers) if layers is not None else load_all()
    written: list[Path] = []
    if fmt == "geojson":
        for name, (gdf, info) in layers.items():
            meta = {k: v for k, v in info.as_dict().items() if k != "columns"}
            written.append(
                write_geojson(gdf, out / f"{name}.geojson", id_column=info.id_column, metadata=meta)
            )
    elif fmt == "csv":
        for name, (gdf, info) in layers.items():
            written.append(write_csv(gdf, out / f"{name}.csv", id_column=info.id_column))
    else:
        table = pd.DataFrame(
            [
                {
                    "layer": name,
                    "title": info.title,
                    "description": info.description,
                    "geometry_kind": info.geometry_kind,
                    "licence": info.licence,
                    "attribution": info.attribution,
                    "sources": "; ".join(info.sources),
                    "caveats": " ".join(info.caveats),
                    "rows": len(gdf),
                }
                for name, (gdf, info) in layers.items()
            ]
        )
        spec = {
            name: (gdf, info.id_column, {"title": info.title, "description": info.description})
            for name, (gdf, info) in layers.items()
        }
        written.append(write_gpkg(spec, out / GPKG_NAME, tables={"layer_provenance": table}))
    written.append(write_json(provenance(layers, parameters=parameters), out / PROVENANCE_NAME))
    for path in written:
        logger.info("wrote %s", path)
    return written
