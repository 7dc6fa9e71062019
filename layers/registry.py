"""The layer registry: what each layer is, where it comes from, its licence and its schema.

Like xyzservices' providers, the registry is the test oracle: one parametrised test per entry
checks the loaded frame against the declared schema.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo._errors import UnknownNameError
from geo._validate import Schema
from geo.names import name_key

__all__ = ["LAYER_MODULES", "LayerInfo", "get_info", "layer_names", "load", "metadata_frame"]

#: Geometry kinds: ``real`` (a measured or published geometry), ``town_point`` (a town's point
#: standing for a facility in it), ``schematic`` (straight or great-circle lines between places).
GEOMETRY_KINDS = ("real", "town_point", "schematic")


@dataclass(frozen=True)
class LayerInfo:
    """Metadata of one layer.

    Attributes
    ----------
    name
        Registry key, also the export file/table name.
    title, description
        Human-readable title and description.
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
    title: str
    description: str
    licence: str
    attribution: str
    sources: tuple[str, ...]
    geometry_kind: str
    schema: Schema
    caveats: tuple[str, ...] = field(default=())

    @property
    def id_column(self) -> str:
        assert self.schema.id_column is not None
        return self.schema.id_column

    def as_dict(self) -> dict[str, object]:
        """Plain-dict form (for JSON and GeoPackage metadata)."""
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


#: Layer name -> module defining ``INFO`` and a loader function of the same name.
LAYER_MODULES: dict[str, str] = {
    "bases": "layers.bases",
    "towns": "layers.towns",
    "regions": "layers.regions",
    "river": "layers.river",
    "river_places": "layers.river",
    "roads": "layers.roads",
    "airports": "layers.airports",
    "air_links": "layers.air_links",
    "events": "layers.events",
}


def layer_names() -> list[str]:
    """Names of every registered layer, in registry order."""
    return list(LAYER_MODULES)


def _resolve(name: str) -> str:
    wanted = name_key(name)
    for candidate in LAYER_MODULES:
        if name_key(candidate) == wanted:
            return candidate
    raise UnknownNameError(f"no layer named {name!r}; valid layers: {', '.join(LAYER_MODULES)}")


def _module(name: str):
    return importlib.import_module(LAYER_MODULES[name])


def get_info(name: str) -> LayerInfo:
    """The :class:`LayerInfo` of a layer (name matching ignores case and punctuation)."""
    name = _resolve(name)
    infos = _module(name).INFOS
    return infos[name]


def loader(name: str) -> Callable[..., gpd.GeoDataFrame]:
    """The loader function of a layer."""
    name = _resolve(name)
    return getattr(_module(name), name)


def load(name: str, **kwargs: object) -> gpd.GeoDataFrame:
    """Load a layer by name."""
    return loader(name)(**kwargs)


def metadata_frame() -> pd.DataFrame:
    """One row per layer: name, title, geometry kind, licence, attribution, sources."""
    rows = []
    for name in LAYER_MODULES:
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
