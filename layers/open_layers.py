"""Layers built from the open datasets of the data directory (not shipped), kept apart from the registry.

:data:`layers.registry.LAYER_MODULES` lists the shipped layers, which load without a data directory
(the export of every shipped layer relies on that). The layers here need ``data_dir`` (or
``$MINUSMA_DATA``), so they are registered in :data:`OPEN_LAYERS` instead.

Examples
--------
>>> from layers import open_layers
>>> open_layers.load("cercles", data_dir="../shared/data")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import os

import geopandas as gpd

from geo._errors import UnknownNameError
from geo.names import name_key
from layers.registry import LayerInfo

__all__ = ["OPEN_LAYERS", "get_info", "load", "open_layer_names"]

#: Layer name -> module defining ``INFOS`` and a loader ``name(data_dir=None, ...)``.
OPEN_LAYERS: dict[str, str] = {
    "cercles": "layers.admin",
    "communes": "layers.admin",
    "regions_2023": "layers.admin",
    "settlements": "layers.settlements",
    "niger_ne": "layers.river_ne",
}


def open_layer_names() -> list[str]:
    """Names of the layers that need a data directory, in registry order."""
    return list(OPEN_LAYERS)


def _resolve(name: str) -> str:
    wanted = name_key(name)
    for candidate in OPEN_LAYERS:
        if name_key(candidate) == wanted:
            return candidate
    raise UnknownNameError(
        f"no open-data layer named {name!r}; valid layers: {', '.join(OPEN_LAYERS)}"
    )


def get_info(name: str) -> LayerInfo:
    """The :class:`LayerInfo` of an open-data layer (name matching ignores case and punctuation)."""
    name = _resolve(name)
    return importlib.import_module(OPEN_LAYERS[name]).INFOS[name]


def load(
    name: str, data_dir: str | os.PathLike | None = None, **kwargs: object
) -> gpd.GeoDataFrame:
    """Load an open-data layer by name from ``data_dir`` (default ``$MINUSMA_DATA``)."""
    name = _resolve(name)
    return getattr(importlib.import_module(OPEN_LAYERS[name]), name)(data_dir, **kwargs)
