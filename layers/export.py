"""Export layers as RFC 7946 GeoJSON, one GeoPackage, or CSV with WKT, plus a provenance file."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure.assess import Context
from minusma.geo.exposure.params import ExposureParams
from minusma.geo.fields import Field
from minusma.geo.i18n import DEFAULT_LANG, text
from minusma.geo.io import atomic_folder, write_csv, write_geojson, write_gpkg, write_json
from minusma.layers.assessment import analysis_layers, context
from minusma.layers.columns import hxl_tags, layer_fields
from minusma.layers.mission import mission_params
from minusma.layers.registry import KINDS, LayerInfo, get_info, layer_names, load
from minusma.layers.styles import draw_rank, layer_qml

logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "GPKG_NAME",
    "export_layers",
    "load_all",
    "load_layers",
    "provenance",
    "select_layers",
]

FORMATS = ("geojson", "gpkg", "csv")
GPKG_NAME = "minusma.gpkg"
PROVENANCE_NAME = "provenance.json"


def load_all(names: Sequence[str] | None = None) -> dict[str, tuple[gpd.GeoDataFrame, LayerInfo]]:
    """Load shipped layers by name (all by default) with their metadata.

    Parameters
    ----------
    names
        Registry names of shipped layers; None: every shipped layer.

    Returns
    -------
    dict
        Layer name -> (the layer, its :class:`~layers.registry.LayerInfo`).
    """
    out = {}
    for name in names or layer_names("shipped"):
        info = get_info(name)
        out[info.name] = (load(info.name), info)
    return out


def select_layers(
    names: Sequence[str] = (),
    *,
    with_analysis: bool = True,
    data_dir: str | os.PathLike | None = None,
) -> list[str]:
    """The registry names of the layers an export writes, checked before anything is loaded.

    Parameters
    ----------
    names
        Layer names as typed (matched by :func:`layers.registry.get_info`); default: every
        shipped layer, the analysis layers if ``with_analysis`` and the open-data layers if
        ``data_dir`` is given. When names are given, only those are written, each kind in the
        order given (analysis layers in registry order).
    with_analysis
        Whether analysis layers are written at all (named or not).
    data_dir
        The data directory; open-data layers are written only with it.

    Returns
    -------
    list of str
        Shipped layers first, then analysis layers, then open-data layers, without repeats.

    Raises
    ------
    UnknownNameError
        A name is not a registered layer (the message lists the valid ones).
    ParameterError
        An open-data layer is named but no ``data_dir`` is given.
    """
    chosen = list(dict.fromkeys(get_info(n).name for n in names))
    by_kind = {k: [n for n in chosen if get_info(n).kind == k] for k in KINDS}
    if by_kind["open"] and data_dir is None:
        raise ParameterError(
            f"layer(s) {', '.join(by_kind['open'])} need the data directory: pass --data DIR"
        )
    if not chosen:
        shipped = layer_names("shipped")
        analysis = layer_names("analysis") if with_analysis else []
        opened = layer_names("open") if data_dir is not None else []
        return [*shipped, *analysis, *opened]
    analysis = [n for n in layer_names("analysis") if n in by_kind["analysis"]]
    return [*by_kind["shipped"], *(analysis if with_analysis else []), *by_kind["open"]]


def load_layers(
    names: Sequence[str],
    *,
    data_dir: str | os.PathLike | None = None,
    params: ExposureParams | None = None,
    ctx: Context | None = None,
) -> tuple[dict[str, tuple[gpd.GeoDataFrame, LayerInfo]], dict[str, object] | None]:
    """Load the layers :func:`select_layers` chose, for :func:`export_layers`.

    Parameters
    ----------
    names
        Registry names, in the order to write them.
    data_dir
        The data directory of the open-data layers.
    params
        The parameters of the analysis layers (default: the model's defaults).
    ctx
        The prepared context the analysis layers are computed on (:attr:`minusma.Study.context`;
        default: the shipped layers').

    Returns
    -------
    layers : dict
        ``{name: (gdf, info)}`` in the order of ``names``.
    parameters : dict or None
        With analysis layers, every parameter used (``as_of`` resolved to the date assessed),
        for the provenance; otherwise None.
    """
    kinds = {n: get_info(n).kind for n in names}
    analysis: dict[str, tuple[gpd.GeoDataFrame, LayerInfo]] = {}
    parameters = None
    if "analysis" in kinds.values():
        p = mission_params(params)
        ctx = ctx if ctx is not None else context()
        analysis = analysis_layers(ctx, p)
        as_of = analysis["exposure"][0]["as_of"].iloc[0]
        parameters = p.replace(as_of=as_of).to_dict(ctx.preparation)
    out = {}
    for name, kind in kinds.items():
        if kind == "analysis":
            out[name] = analysis[name]
        else:
            out[name] = (load(name, data_dir=data_dir), get_info(name))
    return out, parameters


def provenance(
    layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]],
    *,
    parameters: Mapping[str, object] | None = None,
    fields: Mapping[str, Mapping[str, Field]] | None = None,
) -> dict[str, object]:
    """Provenance record: package version, every layer's sources, licence, attribution, row count.

    With ``fields``, each layer's ``columns`` lists every written column with its kind,
    description and the decimals numbers are rounded to.

    Parameters
    ----------
    layers
        Layer name -> (the layer, its registry entry), as written.
    parameters
        The analysis parameters to record; None: none.
    fields
        Layer name -> the fields of its written columns (:func:`layers.columns.layer_fields`).

    Returns
    -------
    dict
        The record: package, version, CRS, parameters and, per layer, its metadata and row count.
    """
    record: dict[str, object] = {
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
    for name, layer_fields_ in (fields or {}).items():
        record["layers"][name]["columns"] = {  # type: ignore[index]
            col: {"kind": f.kind, "description": f.description, "decimals": f.decimals}
            for col, f in layer_fields_.items()
        }
    return record


def _row_sources(gdf: gpd.GeoDataFrame) -> list[str]:
    cols = [
        c
        for c in ("source", "source_2", "coord_source", "role_source", "population_source")
        if c in gdf
    ]
    return [v for c in cols for v in gdf[c].dropna().unique()]


def export_layers(
    out_dir: str | os.PathLike,
    *,
    fmt: str = "geojson",
    layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]] | None = None,
    parameters: Mapping[str, object] | None = None,
    hxl: bool = False,
    lang: str = DEFAULT_LANG,
) -> list[Path]:
    """Write layers to ``out_dir`` in one format, plus ``provenance.json``.

    Parameters
    ----------
    out_dir
        An existing, writable folder.
    fmt
        ``geojson`` (one RFC 7946 file per layer), ``gpkg`` (one GeoPackage, one table per layer,
        typed DATE/BOOLEAN columns, column descriptions, QGIS default styles in ``layer_styles``
        and a ``layer_provenance`` table) or ``csv`` (one UTF-8 file with a byte-order mark per
        layer, geometry as WKT, ``lon``/``lat`` for points).
    layers
        ``{name: (gdf, info)}``; defaults to every registered layer.
    parameters
        Analysis parameters to record in the provenance.
    hxl
        CSV only: write a row of HXL hashtags under the header (:func:`layers.columns.hxl_tags`).
    lang
        GeoPackage only: language of the QGIS styles' names, legend entries and labels
        (:mod:`minusma.geo.i18n`). The tables go in :data:`layers.styles.DRAW_ORDER` (polygons
        first, the exposure last), so that adding them all at once gives a readable map.

    Returns
    -------
    list of pathlib.Path
        The files written, ``provenance.json`` last. Numbers are rounded per column
        (:mod:`layers.columns`); same inputs give byte-identical files.

    Notes
    -----
    The export is written whole into a temporary folder inside ``out_dir`` and only then moved
    into place, ``provenance.json`` (which lists the files) last: a failure or a kill during the
    writes leaves ``out_dir`` as it was, and the next run removes what a killed run left.
    """
    if fmt not in FORMATS:
        raise UnknownNameError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    if hxl and fmt != "csv":
        raise ParameterError("HXL hashtags are written in CSV only: use --format csv with --hxl")
    out = Path(out_dir)
    if not out.is_dir():
        raise ParameterError(
            f"output folder {out} does not exist; create it first (mkdir -p {out})"
        )
    layers = dict(layers) if layers is not None else load_all()
    if not layers:
        raise ParameterError("no layers to export; name at least one (see `minusma layers`)")
    fields = {name: layer_fields(gdf, info) for name, (gdf, info) in layers.items()}
    names: list[str] = []
    with atomic_folder(out) as staging:
        if fmt == "geojson":
            for name, (gdf, info) in layers.items():
                meta = {k: v for k, v in info.as_dict().items() if k != "columns"}
                write_geojson(
                    gdf,
                    staging / f"{name}.geojson",
                    id_column=info.id_column,
                    metadata=meta,
                    fields=fields[name],
                )
                names.append(f"{name}.geojson")
        elif fmt == "csv":
            tags = hxl_tags() if hxl else None
            for name, (gdf, info) in layers.items():
                write_csv(
                    gdf,
                    staging / f"{name}.csv",
                    id_column=info.id_column,
                    fields=fields[name],
                    hxl=tags,
                )
                names.append(f"{name}.csv")
        else:
            spec = _gpkg_spec(layers, fields, lang=lang, as_of=_as_of(layers, parameters))
            write_gpkg(spec, staging / GPKG_NAME, tables=_gpkg_tables(layers))
            names.append(GPKG_NAME)
        record = provenance(layers, parameters=parameters, fields=fields)
        record["files"] = [*names, PROVENANCE_NAME]
        write_json(record, staging / PROVENANCE_NAME)
    written = [out / n for n in [*names, PROVENANCE_NAME]]
    for path in written:
        logger.info("wrote %s", path)
    return written


def _as_of(
    layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]],
    parameters: Mapping[str, object] | None,
) -> str | None:
    """The date the export describes: the analysis' ``as_of``, else the last site closure."""
    if parameters and parameters.get("as_of"):
        return str(parameters["as_of"])[:10]
    if "bases" in layers and len(layers["bases"][0]):
        return str(max(str(d) for d in layers["bases"][0]["closure_date"].dropna()))[:10]
    return None


def _geometry(gdf: gpd.GeoDataFrame) -> str | None:
    kinds = gdf.geometry.dropna().geom_type.str.replace("Multi", "")
    if not len(kinds):
        return None
    return {"Point": "point", "LineString": "line", "Polygon": "polygon"}.get(kinds.iloc[0])


def _gpkg_spec(
    layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]],
    fields: Mapping[str, Mapping[str, Field]],
    *,
    lang: str = DEFAULT_LANG,
    as_of: str | None = None,
) -> dict[str, tuple[gpd.GeoDataFrame, str, dict[str, object]]]:
    """The tables of the GeoPackage, in drawing order (bottom first), each with its style."""
    ordered = sorted(layers, key=lambda n: draw_rank(n, _geometry(layers[n][0])))
    return {
        name: (
            gdf,
            info.id_column,
            {
                "title": info.title,
                "description": info.description,
                "fields": fields[name],
                "style_qml": layer_qml(name, lang=lang, as_of=as_of, geometry=_geometry(gdf)),
                "style_name": text("qgis.style_name", lang),
                "metadata": {
                    "licence": info.licence,
                    "attribution": info.attribution,
                    "sources": "; ".join(info.sources),
                    "geometry_kind": info.geometry_kind,
                    "caveats": " ".join(info.caveats),
                },
            },
        )
        for name in ordered
        for gdf, info in [layers[name]]
    }


def _gpkg_tables(layers: Mapping[str, tuple[gpd.GeoDataFrame, LayerInfo]]) -> dict:
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
    return {"layer_provenance": table}
