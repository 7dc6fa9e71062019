"""One-off conversion of the Python layer definitions into ``layers/data/layers.json``.

Run once, from the repository root, at the commit that still holds the definitions in Python
(``INFOS`` in each layer module and in ``layers/assessment.py``)::

    python scripts/build_layer_registry.py

From the next commit on, ``layers/data/layers.json`` is the source and this script is removed.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "layers" / "data" / "layers.json"

#: kind, name, module (loader = module:name)
ENTRIES = [
    *[
        ("shipped", n, m)
        for n, m in [
            ("bases", "layers.bases"),
            ("towns", "layers.towns"),
            ("regions", "layers.regions"),
            ("river", "layers.river"),
            ("river_places", "layers.river"),
            ("roads", "layers.roads"),
            ("airports", "layers.airports"),
            ("air_links", "layers.air_links"),
            ("events", "layers.events"),
        ]
    ],
    *[
        ("open", n, m)
        for n, m in [
            ("cercles", "layers.admin"),
            ("communes", "layers.admin"),
            ("regions_2023", "layers.admin"),
            ("settlements", "layers.settlements"),
            ("niger_ne", "layers.river_ne"),
        ]
    ],
    ("analysis", "exposure", "layers.assessment"),
    ("analysis", "segment_criticality", "layers.assessment"),
    ("analysis", "exposure_timeline", "layers.assessment"),
]
LOADERS = {
    "exposure": "layers.assessment:exposure_layer",
    "segment_criticality": "layers.assessment:segment_criticality_layer",
    "exposure_timeline": "layers.assessment:exposure_timeline_layer",
}


def column(c) -> dict:
    out = {"name": c.name, "kind": c.kind, "description": c.description, "nullable": c.nullable}
    if c.unique:
        out["unique"] = True
    if c.choices is not None:
        out["choices"] = list(c.choices)
    return out


def entry(kind: str, name: str, module: str) -> dict:
    info = importlib.import_module(module).INFOS[name]
    schema = info.schema
    assert not schema.notes
    out = {
        "name": name,
        "kind": kind,
        "title": info.title,
        "description": info.description,
        "loader": LOADERS.get(name, f"{module}:{name}"),
        "id_column": schema.id_column,
        "geometry_kind": info.geometry_kind,
        "geometry_types": list(schema.geometry_types),
        "licence": info.licence,
        "attribution": info.attribution,
        "sources": list(info.sources),
        "caveats": list(info.caveats),
    }
    if schema.extra_columns_allowed:
        out["extra_columns_allowed"] = True
    out["columns"] = [column(c) for c in schema.columns]
    return out


def main() -> None:
    doc = {
        "_about": (
            "The one layer registry of the package: every layer (shipped with the package, built "
            "from the open datasets of the data directory, or computed by the analysis), its "
            "metadata and its declared columns. Read by layers/registry.py; the loaders validate "
            "their frames against it and tests/test_registry.py checks every entry against the "
            "loaded layer. Column kinds: string, int, float, bool, date (ISO string), geometry. "
            "geometry_kind: real, town_point (a town's point standing for a facility) or "
            "schematic (straight or great-circle lines between places)."
        ),
        "version": 1,
        "layers": [entry(*e) for e in ENTRIES],
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(doc['layers'])} layers)")


if __name__ == "__main__":
    main()
