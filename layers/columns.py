"""How each exported column is written: kind, rounding, description and HXL hashtag.

The layer registry's schemas declare each column's kind and description; this module adds the
precision each number is written with (one rule per unit, below) and, for HDX users, the HXL
hashtag of the columns that have one. :func:`layer_fields` gives the
:class:`geo.fields.Field` of every column of a layer, which the writers apply in every format.

Rounding by unit (the unit is the column name's suffix, as the package names its columns):

========================  ========  =====================================================
column                    decimals  why
========================  ========  =====================================================
``*_km``                  3         1 m: the precision the layers are computed to
``*_h``                   2         36 s
``*_m``                   1         elevations are published to 0.1 m at best
``*_ft``                  0         elevations in feet are published as whole feet
``*_score``, ``*_change`` 3         scores on 0-10; 3 decimals keep the class boundaries
``*population*``          0         people
``rank_*``                0         ranks
``protection_*``          3         a 0-1 fraction
other numbers             3
========================  ========  =====================================================
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import geopandas as gpd

from minusma.geo.fields import Field, infer_kind
from minusma.layers.registry import LayerInfo, get_info, layer_names

__all__ = ["DECIMALS_BY_UNIT", "DEFAULT_DECIMALS", "column_decimals", "hxl_tags", "layer_fields"]

#: ``(match, decimals)`` in order: ``*x`` is a suffix, ``x*`` a prefix, ``*x*`` a substring.
DECIMALS_BY_UNIT: tuple[tuple[str, int], ...] = (
    ("*population*", 0),
    ("rank_*", 0),
    ("protection_*", 3),
    ("*_km", 3),
    ("*_h", 2),
    ("*_m", 1),
    ("*_ft", 0),
    ("*_score", 3),
    ("*_change", 3),
)
#: Decimals of a number whose name matches no rule.
DEFAULT_DECIMALS = 3


def _matches(pattern: str, name: str) -> bool:
    if pattern.startswith("*") and pattern.endswith("*"):
        return pattern.strip("*") in name
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return name == pattern


def column_decimals(name: str) -> int:
    """Decimals a numeric column ``name`` is written with (see :data:`DECIMALS_BY_UNIT`).

    Parameters
    ----------
    name
        A column name (its unit suffix decides, e.g. ``_km``).

    Returns
    -------
    int
        The number of decimals.
    """
    for pattern, decimals in DECIMALS_BY_UNIT:
        if _matches(pattern, name):
            return decimals
    return DEFAULT_DECIMALS


@functools.cache
def _registry_descriptions() -> dict[str, str]:
    """Column descriptions from the shipped and open-data layers, the first one winning.

    Used for the analysis layers, which carry the towns' columns.
    """
    out: dict[str, str] = {}
    names = [*layer_names("shipped"), *layer_names("open")]
    for info in map(get_info, names):
        for col in info.schema.columns:
            out.setdefault(col.name, col.description)
    return out


def layer_fields(gdf: gpd.GeoDataFrame, info: LayerInfo) -> dict[str, Field]:
    """The :class:`~geo.fields.Field` of every attribute column of ``gdf``.

    The kind and description come from the layer's schema; a column the schema does not declare
    (the analysis layers carry the towns' columns) takes the description the registry gives it in
    another layer and the kind its values show (:func:`geo.fields.infer_kind`).

    Parameters
    ----------
    gdf
        A layer (or an analysis frame carrying a layer's columns).
    info
        The layer's registry entry.

    Returns
    -------
    dict of str to Field
        One field per column, in column order, the geometry left out.
    """
    declared = {c.name: c for c in info.schema.columns}
    described = _registry_descriptions()
    fields = {}
    for name in gdf.columns:
        if name == gdf.geometry.name:
            continue
        col = declared.get(name)
        kind = col.kind if col is not None else infer_kind(gdf[name])
        if kind == "geometry":
            continue
        description = col.description if col is not None else described.get(name, "")
        decimals = column_decimals(name) if kind == "float" else None
        if decimals is not None:
            places = "decimal" if decimals == 1 else "decimals"
            description = f"{description}; rounded to {decimals} {places}".lstrip("; ")
        fields[name] = Field(kind=kind, description=description, decimals=decimals)
    return fields


@functools.cache
def hxl_tags() -> dict[str, str]:
    """``{column: HXL hashtag}`` for the columns that have one (``layers/data/hxl.json``).

    Returns
    -------
    dict of str to str
        The HXL hashtag of each tagged column.
    """
    path = Path(__file__).with_name("data") / "hxl.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    return dict(doc["tags"])
