"""QGIS styles (QML) for the exported layers, built from the package's one style table.

``layers/data/styles.json`` holds every colour, line weight, dash pattern and label of the maps;
:mod:`maps.style` reads it for the web and static maps, and :func:`layer_qml` turns it into the
QGIS style that the GeoPackage export stores in its ``layer_styles`` table, so a layer opened in
QGIS looks as it does on the web map: exposure classes in their colours, MINUSMA sites by kind,
schematic roads dashed by class, the Niger by navigability, air links by operator.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

__all__ = ["MARKER_SIZE_PX", "STYLED_LAYERS", "layer_qml", "read_styles"]

_STYLES_PATH = Path(__file__).with_name("data") / "styles.json"

#: Size of point markers in QGIS, in pixels (the web map draws its markers about this size).
MARKER_SIZE_PX = 8.0


@functools.cache
def _styles_text() -> str:
    return _STYLES_PATH.read_text(encoding="utf-8")


def read_styles() -> dict[str, Any]:
    """The style table (``layers/data/styles.json``) as a fresh dict."""
    return json.loads(_styles_text())


def _rgba(hex_colour: str, opacity: float = 1.0) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(255 * opacity)}"


def _options(props: Mapping[str, object]) -> str:
    items = "".join(
        f'<Option type="QString" name={quoteattr(k)} value={quoteattr(str(v))}/>'
        for k, v in props.items()
    )
    return f'<Option type="Map">{items}</Option>'


def _symbol(kind: str, name: str, layer_class: str, props: Mapping[str, object]) -> str:
    return (
        f'<symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{layer_class}" enabled="1" pass="0" locked="0">{_options(props)}</layer>'
        "</symbol>"
    )


def _marker(name: str, colour: str, *, shape: str = "circle", opacity: float = 1.0) -> str:
    return _symbol(
        "marker",
        name,
        "SimpleMarker",
        {
            "name": shape,
            "color": _rgba(colour, opacity),
            "outline_color": _rgba("#ffffff", opacity),
            "outline_width": "0.5",
            "outline_width_unit": "Pixel",
            "size": MARKER_SIZE_PX,
            "size_unit": "Pixel",
        },
    )


def _line(
    name: str, colour: str, weight_px: float, *, dash: str | None, opacity: float = 1.0
) -> str:
    props: dict[str, object] = {
        "line_color": _rgba(colour, opacity),
        "line_width": weight_px,
        "line_width_unit": "Pixel",
        "line_style": "solid",
        "capstyle": "round",
        "joinstyle": "round",
        "use_custom_dash": "0",
    }
    if dash:
        props |= {
            "use_custom_dash": "1",
            "customdash": ";".join(dash.split()),
            "customdash_unit": "Pixel",
        }
    return _symbol("line", name, "SimpleLine", props)


def _fill(name: str, colour: str, fill: str, fill_opacity: float, weight_px: float) -> str:
    return _symbol(
        "fill",
        name,
        "SimpleFill",
        {
            "color": _rgba(fill, fill_opacity),
            "style": "solid",
            "outline_color": _rgba(colour),
            "outline_width": weight_px,
            "outline_width_unit": "Pixel",
            "outline_style": "solid",
        },
    )


def _rules(rules: Sequence[tuple[str, str, str]], geometry_type: int) -> str:
    """A QML document with a rule-based renderer: ``(filter, label, symbol)`` per rule."""
    body = "".join(
        f'<rule key="r{i}" symbol="{i}" filter={quoteattr(f)} label={quoteattr(label)}/>'
        for i, (f, label, _) in enumerate(rules)
    )
    symbols = "".join(sym for _, _, sym in rules)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.22.0" styleCategories="Symbology">'
        '<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<rules key="root">{body}</rules><symbols>{symbols}</symbols></renderer-v2>'
        f"<layerGeometryType>{geometry_type}</layerGeometryType></qgis>\n"
    )


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_POINT, _LINE, _POLYGON = 0, 1, 2


def _exposure(s: Mapping[str, Any]) -> str:
    rules = [
        (
            f'"exposure_class" = {_text(c)}',
            s["exposure_labels"][c],
            _marker(str(i), s["exposure_colours"][c]),
        )
        for i, c in enumerate(s["exposure_classes"])
    ]
    n = len(rules)
    rules.append(
        ("ELSE", "unknown (an indicator is missing)", _marker(str(n), s["unknown_colour"]))
    )
    return _rules(rules, _POINT)


_SHAPES = {"\u2605": "star", "\u25a0": "square", "\u25b2": "triangle", "\u25cf": "circle"}


def _bases(s: Mapping[str, Any]) -> str:
    rules = [
        (
            f'"kind" = {_text(kind)}',
            v["label"],
            _marker(str(i), v["colour"], shape=_SHAPES.get(v["symbol"], "circle")),
        )
        for i, (kind, v) in enumerate(s["site_kinds"].items())
    ]
    return _rules(rules, _POINT)


def _road_rules(s: Mapping[str, Any], column: str) -> list[tuple[str, str, str]]:
    return [
        (
            f'"{column}" = {_text(cls)}',
            f"{v['label']} (schematic)",
            _line(str(i), v["colour"], v["weight"], dash=s["road_dash"]),
        )
        for i, (cls, v) in enumerate(s["road_classes"].items())
    ]


def _roads(s: Mapping[str, Any]) -> str:
    return _rules(_road_rules(s, "road_class"), _LINE)


def _criticality(s: Mapping[str, Any]) -> str:
    nd = s["no_detour"]
    rules = [
        (
            '"is_bridge"',
            nd["label"],
            _line("0", nd["colour"], nd["weight"], dash=None, opacity=nd["opacity"]),
        )
    ]
    rules += [
        (f'NOT "is_bridge" AND {f}', label, sym.replace(f'name="{i}"', f'name="{i + 1}"', 1))
        for i, (f, label, sym) in enumerate(_road_rules(s, "road_class"))
    ]
    return _rules(rules, _LINE)


def _river(s: Mapping[str, Any]) -> str:
    filters = {"true": '"navigable"', "false": 'NOT "navigable"', "null": '"navigable" IS NULL'}
    rules = [
        (filters[k], v["label"], _line(str(i), v["colour"], v["weight"], dash=v["dash"]))
        for i, (k, v) in enumerate(s["river_reaches"].items())
    ]
    return _rules(rules, _LINE)


def _air_links(s: Mapping[str, Any]) -> str:
    """By operator (other operators in one colour), ended links dashed and faded."""
    active = "(" + ", ".join(_text(v) for v in s["air_active_statuses"]) + ")"
    known = "(" + ", ".join(_text(o) for o in s["air_operators"]) + ")"
    operators = [(f'"operator" = {_text(op)}', v) for op, v in s["air_operators"].items()]
    operators.append((f'"operator" NOT IN {known}', s["air_other"]))
    rules = []
    for which, v in operators:
        for state, test in (("active", "IN"), ("ended", "NOT IN")):
            line = s["air_link_lines"][state]
            dash = None if state == "active" else s["air_ended_dash"]
            label = f"{v['label']}, {'flown when last reported' if state == 'active' else 'ended'}"
            symbol = _line(
                str(len(rules)), v["colour"], line["weight"], dash=dash, opacity=line["opacity"]
            )
            rules.append((f'{which} AND "status" {test} {active}', label, symbol))
    return _rules(rules, _LINE)


def _airports(s: Mapping[str, Any]) -> str:
    a = s["airport"]
    return _rules([("ELSE", a["label"], _marker("0", a["colour"], shape="triangle"))], _POINT)


def _regions(s: Mapping[str, Any]) -> str:
    c, r = s["region_central"], s["region"]
    rules = [
        (
            '"in_central_zone"',
            c["label"],
            _fill("0", c["colour"], c["fill"], c["fill_opacity"], c["weight"]),
        ),
        ("ELSE", "region", _fill("1", r["colour"], r["fill"], r["fill_opacity"], r["weight"])),
    ]
    return _rules(rules, _POLYGON)


def _settlements(s: Mapping[str, Any]) -> str:
    p = s["settlement"]
    return _rules([("ELSE", p["label"], _marker("0", p["colour"], opacity=p["opacity"]))], _POINT)


_BUILDERS = {
    "exposure": _exposure,
    "exposure_timeline": _exposure,
    "bases": _bases,
    "roads": _roads,
    "segment_criticality": _criticality,
    "river": _river,
    "air_links": _air_links,
    "airports": _airports,
    "regions": _regions,
    "settlements": _settlements,
}

#: The layers that get a QGIS style (the others open with QGIS's default symbol).
STYLED_LAYERS = tuple(_BUILDERS)


def layer_qml(name: str) -> str | None:
    """The QGIS style (QML text) of layer ``name``, or ``None`` if the style table has none."""
    builder = _BUILDERS.get(name)
    return builder(read_styles()) if builder else None
