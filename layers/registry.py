"""The layer registry: every layer, what it is, where it comes from, its licence and its schema.

The registry is one data file, ``layers/data/layers.json``, in the manner of xyzservices'
providers and geodatasets: one entry per layer, of three kinds,

``shipped``
    built from the facts shipped with the package (``layers/data/*.csv``);
``open``
    built from the open datasets of the data directory (``data_dir`` or ``$MINUSMA_DATA``,
    see :mod:`layers.datasets`);
``analysis``
    computed by the exposure assessment for one set of
    :class:`~geo.exposure.params.ExposureParams`.

Each entry names its loader (``"module:function"``), its id column, geometry types, geometry kind,
licence, attribution, sources, caveats and declared columns. The loaders validate their frames
against it and ``tests/test_registry.py`` loads every entry and checks it: the registry is the
test oracle. :class:`LayerInfo` is its Python view.

Examples
--------
>>> from minusma.layers.registry import get_info, layer_names
>>> layer_names("analysis")
['exposure', 'segment_criticality', 'exposure_timeline']
>>> get_info("Air links").id_column
'link_id'
"""

from __future__ import annotations

import difflib
import functools
import importlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import SchemaError, UnknownNameError
from minusma.geo._validate import Column, Schema
from minusma.geo.names import name_key

__all__ = [
    "GEOMETRY_KINDS",
    "KINDS",
    "LayerInfo",
    "get_info",
    "layer_names",
    "load",
    "loader",
    "metadata_frame",
]

#: The registry file, in ``layers/data``.
REGISTRY_FILE = "layers.json"
#: Layer kinds, in registry order.
KINDS = ("shipped", "open", "analysis")
#: Geometry kinds: ``real`` (a measured or published geometry), ``town_point`` (a town's point
#: standing for a facility in it), ``schematic`` (straight or great-circle lines between places).
GEOMETRY_KINDS = ("real", "town_point", "schematic")


@dataclass(frozen=True)
class LayerInfo:
    """Metadata of one layer: the Python view of its entry in ``layers/data/layers.json``.

    Attributes
    ----------
    name
        Registry key, also the export file/table name.
    kind
        One of :data:`KINDS`.
    title, description
        Human-readable title and description.
    loader
        ``"module:function"`` returning the layer as a GeoDataFrame.
    licence, attribution
        Licence of the data and the credit line to show.
    sources
        Source files and documents behind the layer (rows carry their own ``source`` too).
    geometry_kind
        One of :data:`GEOMETRY_KINDS`.
    schema
        The declared columns, id column and geometry types.
    caveats
        Known limits users must read before citing numbers.
    """

    name: str
    kind: str
    title: str
    description: str
    loader: str
    licence: str
    attribution: str
    sources: tuple[str, ...]
    geometry_kind: str
    schema: Schema
    caveats: tuple[str, ...] = field(default=())

    @property
    def id_column(self) -> str:
        """The column holding the layer's stable, unique ids."""
        assert self.schema.id_column is not None
        return self.schema.id_column

    @property
    def needs_data_dir(self) -> bool:
        """Whether loading the layer needs the data directory (open-data layers)."""
        return self.kind == "open"

    def as_dict(self) -> dict[str, object]:
        """Plain-dict form (for JSON and GeoPackage metadata).

        Returns
        -------
        dict
            Name, title, description, licence, attribution, sources, geometry kind, id column,
            geometry types, columns (kind and description) and caveats, as plain values.
        """
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "licence": self.licence,
            "attribution": self.attribution,
            "sources": list(self.sources),
            "geometry_kind": self.geometry_kind,
            "id_column": self.id_column,
            "geometry_types": list(self.schema.geometry_types),
            "columns": {
                c.name: {"kind": c.kind, "description": c.description} for c in self.schema.columns
            },
            "caveats": list(self.caveats),
        }


def _column(entry: Mapping[str, object]) -> Column:
    choices = entry.get("choices")
    return Column(
        str(entry["name"]),
        str(entry["kind"]),
        str(entry["description"]),
        nullable=bool(entry["nullable"]),
        unique=bool(entry.get("unique", False)),
        choices=tuple(choices) if choices is not None else None,  # type: ignore[arg-type]
    )


def _info(entry: Mapping[str, object]) -> LayerInfo:
    name = str(entry["name"])
    problems = []
    if entry["kind"] not in KINDS:
        problems.append(f"kind {entry['kind']!r} not in {list(KINDS)}")
    if entry["geometry_kind"] not in GEOMETRY_KINDS:
        problems.append(f"geometry_kind {entry['geometry_kind']!r} not in {list(GEOMETRY_KINDS)}")
    if ":" not in str(entry["loader"]):
        problems.append(f"loader {entry['loader']!r} is not 'module:function'")
    try:
        columns = tuple(_column(c) for c in entry["columns"])  # type: ignore[attr-defined]
    except (KeyError, ValueError) as exc:
        problems.append(f"bad column declaration: {exc}")
        columns = ()
    if columns and entry["id_column"] not in [c.name for c in columns]:
        problems.append(f"id column {entry['id_column']!r} is not a declared column")
    if not entry["sources"] or not entry["licence"]:
        problems.append("sources and licence must not be empty")
    if problems:
        raise SchemaError(f"{REGISTRY_FILE}: layer {name!r}: " + "; ".join(problems))
    return LayerInfo(
        name=name,
        kind=str(entry["kind"]),
        title=str(entry["title"]),
        description=str(entry["description"]),
        loader=str(entry["loader"]),
        licence=str(entry["licence"]),
        attribution=str(entry["attribution"]),
        sources=tuple(entry["sources"]),  # type: ignore[arg-type]
        geometry_kind=str(entry["geometry_kind"]),
        schema=Schema(
            columns=columns,
            id_column=str(entry["id_column"]),
            geometry_types=tuple(entry["geometry_types"]),  # type: ignore[arg-type]
            extra_columns_allowed=bool(entry.get("extra_columns_allowed", False)),
        ),
        caveats=tuple(entry.get("caveats", ())),  # type: ignore[arg-type]
    )


@functools.cache
def _registry() -> dict[str, LayerInfo]:
    """Every layer of ``layers/data/layers.json`` by name, in file order (read once)."""
    text = (
        resources.files("minusma.layers")
        .joinpath("data", REGISTRY_FILE)
        .read_text(encoding="utf-8")
    )
    infos = [_info(entry) for entry in json.loads(text)["layers"]]
    keys = [name_key(i.name) for i in infos]
    clash = sorted({i.name for i, k in zip(infos, keys) if keys.count(k) > 1})
    if clash:
        raise SchemaError(f"{REGISTRY_FILE}: layer names {clash} match each other")
    return {i.name: i for i in infos}


def layer_names(kind: str | None = None) -> list[str]:
    """Names of the registered layers, in registry order.

    Parameters
    ----------
    kind
        Only the layers of this kind (one of :data:`KINDS`); default: every layer.

    Returns
    -------
    list of str
        The layer names.

    Raises
    ------
    UnknownNameError
        ``kind`` is not one of :data:`KINDS`.
    """
    if kind is not None and kind not in KINDS:
        raise UnknownNameError(f"unknown layer kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    return [n for n, info in _registry().items() if kind is None or info.kind == kind]


def get_info(name: str) -> LayerInfo:
    """The :class:`LayerInfo` of a layer.

    Parameters
    ----------
    name
        A layer name; case, accents and punctuation are ignored (:func:`geo.names.name_key`).

    Returns
    -------
    LayerInfo
        The layer's schema, source, licence and loader.

    Raises
    ------
    UnknownNameError
        No layer has that name; the message suggests close names and lists every valid one.
    """
    registry = _registry()
    by_key = {name_key(n): n for n in registry}
    key = name_key(name)
    if key in by_key:
        return registry[by_key[key]]
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(by_key[k]) for k in close)}? " if close else ""
    raise UnknownNameError(f"no layer named {name!r}; {hint}valid layers: {', '.join(registry)}")


def loader(name: str) -> Callable[..., gpd.GeoDataFrame]:
    """The loader function of a layer (imported on demand).

    Parameters
    ----------
    name
        A layer name (see :func:`get_info`).

    Returns
    -------
    callable
        The function returning the layer as a GeoDataFrame.
    """
    module, _, function = get_info(name).loader.partition(":")
    return getattr(importlib.import_module(module), function)


def load(
    name: str,
    *,
    data_dir: str | os.PathLike | None = None,
    params: object | None = None,
    **kwargs: object,
) -> gpd.GeoDataFrame:
    """Load a layer by name.

    Parameters
    ----------
    name
        A layer name (see :func:`get_info`).
    data_dir
        Open-data layers: the data directory (default ``$MINUSMA_DATA``). Ignored by the others.
    params
        Analysis layers: the :class:`~geo.exposure.params.ExposureParams` (default: the model's
        defaults). Ignored by the others.
    **kwargs
        Passed to the loader (e.g. ``as_of`` for ``bases``).

    Returns
    -------
    geopandas.GeoDataFrame
        The layer, in EPSG:4326, with the columns its registry entry declares.
    """
    info = get_info(name)
    function = loader(info.name)
    if info.kind == "open":
        return function(data_dir, **kwargs)
    if info.kind == "analysis":
        return function(params, **kwargs)
    return function(**kwargs)


def metadata_frame(kind: str | None = None) -> pd.DataFrame:
    """One row per layer (of ``kind``): name, title, geometry, geometry kind, licence, sources.

    Parameters
    ----------
    kind
        Only the layers of this kind (one of :data:`KINDS`); default: every layer.

    Returns
    -------
    pandas.DataFrame
        One row per layer, in registry order.
    """
    rows = []
    for name in layer_names(kind):
        info = get_info(name)
        rows.append(
            {
                "layer": name,
                "title": info.title,
                "geometry": "/".join(info.schema.geometry_types),
                "geometry_kind": info.geometry_kind,
                "licence": info.licence,
                "attribution": info.attribution,
                "sources": "; ".join(info.sources),
            }
        )
    return pd.DataFrame(rows)
