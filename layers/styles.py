"""QGIS styles (QML) for the exported layers, built from the package's one style table.

``layers/data/styles.json`` holds every colour, line weight and dash pattern of the maps;
:mod:`maps.style` reads it for the web and static maps, and :func:`layer_qml` turns it into the
QGIS style that the GeoPackage export stores in its ``layer_styles`` table, so a layer opened in
QGIS looks as it does on the web map: exposure classes in their colours (the most exposed drawn
last and labelled first), MINUSMA sites by kind (open ones filled, closed ones hollow and grey,
drawn larger so that the town on the same spot shows inside), schematic roads dashed by class,
the Niger by navigability, air links by operator, admin units as outlines over a light fill.
Legend entries and labels are in the export's language (:mod:`minusma.geo.i18n`); towns and
sites are labelled by name, the lesser towns only when zoomed in. Every layer gets a style: one
without its own builder gets a plain symbol for its geometry (:func:`layer_qml`).
:data:`DRAW_ORDER` is the order of the GeoPackage's tables: bottom to top when added at once.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from minusma.geo.i18n import DEFAULT_LANG, date_text, text

__all__ = [
    "DRAW_ORDER",
    "LABELLED_LAYERS",
    "MARKER_SIZE_PX",
    "SITE_SIZE_PX",
    "STYLED_LAYERS",
    "draw_rank",
    "layer_qml",
    "read_styles",
]

_STYLES_PATH = Path(__file__).with_name("data") / "styles.json"

#: Size of point markers in QGIS, in pixels (the web map draws its markers about this size).
MARKER_SIZE_PX = 8.0
#: Size of the MINUSMA site symbols: larger than a town's marker, so a town drawn on the same
#: spot (above it) stays visible inside it.
SITE_SIZE_PX = 16.0
#: Scale (denominator) below which every town is labelled; the severe and high ones always are.
TOWN_LABEL_SCALE = 4_000_000
#: Scale (denominator) below which the sites are labelled.
SITE_LABEL_SCALE = 2_500_000

#: Tables of the GeoPackage from the bottom of a QGIS map to its top (adding every layer at once
#: gives a readable map): polygons, lines, points, sites, towns, the exposure last.
DRAW_ORDER = (
    "regions",
    "regions_2023",
    "cercles",
    "communes",
    "river",
    "niger_ne",
    "roads",
    "segment_criticality",
    "air_links",
    "settlements",
    "events",
    "river_places",
    "airports",
    "exposure_timeline",
    "sites",
    "bases",
    "towns",
    "exposure",
)


@functools.cache
def _styles_text() -> str:
    return _STYLES_PATH.read_text(encoding="utf-8")


def read_styles() -> dict[str, Any]:
    """The style table (``layers/data/styles.json``) as a fresh dict.

    Returns
    -------
    dict
        Every colour, line weight and dash pattern of the maps, keyed as in the JSON file; a new
        dict at each call, so a caller may change it.
    """
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


def _marker(
    name: str,
    colour: str,
    *,
    shape: str = "circle",
    opacity: float = 1.0,
    size_px: float = MARKER_SIZE_PX,
    hollow: bool = False,
) -> str:
    fill = _rgba(colour, 0.0) if hollow else _rgba(colour, opacity)
    outline = _rgba(colour, opacity) if hollow else _rgba("#ffffff", opacity)
    return _symbol(
        "marker",
        name,
        "SimpleMarker",
        {
            "name": shape,
            "color": fill,
            "outline_color": outline,
            "outline_width": "2" if hollow else "0.5",
            "outline_width_unit": "Pixel",
            "size": size_px,
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


def _rules(
    rules: Sequence[tuple[str, str, str]],
    geometry_type: int,
    *,
    order_by: str | None = None,
    labeling: str = "",
    labels_on: bool = True,
) -> str:
    """A QML document with a rule-based renderer, one ``(filter, label, symbol)`` per rule.

    Features are drawn in ascending ``order_by`` (the last on top) when given; ``labeling`` is
    the labels' XML, shown unless ``labels_on`` is false (then one tick in QGIS shows it).
    """
    body = "".join(
        f'<rule key="r{i}" symbol="{i}" filter={quoteattr(f)} label={quoteattr(label)}/>'
        for i, (f, label, _) in enumerate(rules)
    )
    symbols = "".join(sym for _, _, sym in rules)
    order = (
        f'<orderby><orderByClause asc="1" nullsFirst="1">{escape(order_by)}</orderByClause>'
        "</orderby>"
        if order_by
        else ""
    )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="3.22.0" styleCategories="Symbology|Labeling" '
        f'labelsEnabled="{1 if labeling and labels_on else 0}">'
        f'<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="{1 if order else 0}" '
        f'forceraster="0"><rules key="root">{body}</rules><symbols>{symbols}</symbols>{order}'
        f"</renderer-v2>{labeling}<layerGeometryType>{geometry_type}</layerGeometryType></qgis>\n"
    )


def _label_settings(expression: str, *, priority: str | None = None, size_pt: float = 8.0) -> str:
    """One QGIS label setting: ``expression`` in bold dark text with a white halo.

    Labels sit around the point, the features are obstacles to other labels; ``priority`` is a
    0-10 expression.
    """
    dd = ""
    if priority:
        dd = (
            '<dd_properties><Option type="Map"><Option type="QString" name="name" value=""/>'
            '<Option type="Map" name="properties"><Option type="Map" name="Priority">'
            '<Option type="bool" name="active" value="true"/>'
            f'<Option type="QString" name="expression" value={quoteattr(priority)}/>'
            '<Option type="int" name="type" value="3"/></Option></Option>'
            '<Option type="QString" name="type" value="collection"/></Option></dd_properties>'
        )
    return (
        "<settings>"
        f'<text-style fieldName={quoteattr(expression)} isExpression="1" fontFamily="Sans Serif" '
        f'fontSize="{size_pt:g}" fontSizeUnit="Point" fontWeight="75" namedStyle="Bold" '
        'textColor="37,37,37,255" textOpacity="1" multilineHeight="1" allowHtml="0">'
        '<text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" '
        'bufferColor="255,255,255,255" bufferOpacity="0.9" bufferJoinStyle="128" '
        'bufferNoFill="1"/></text-style>'
        '<placement placement="6" dist="1.5" distUnits="MM" priority="5" '
        'predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR" quadOffset="4" offsetType="1"/>'
        '<rendering obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" '
        'upsidedownLabels="0" labelPerPart="0" mergeLines="0" scaleVisibility="0" '
        'fontLimitPixelSize="0" drawLabels="1" zIndex="0" limitNumLabels="0"/>'
        f"{dd}</settings>"
    )


def _labeling(rules: Sequence[tuple[str, str, int | None]], *, priority: str | None = None) -> str:
    """Rule-based labels: ``(filter, expression, max scale denominator or None)`` per rule."""
    body = "".join(
        f'<rule key="l{i}" filter={quoteattr(f)} description="{i}"'
        + (f' scalemaxdenom="{scale}" scalemindenom="1"' if scale else "")
        + f">{_label_settings(expression, priority=priority)}</rule>"
        for i, (f, expression, scale) in enumerate(rules)
    )
    return f'<labeling type="rule-based"><rules key="root">{body}</rules></labeling>'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_POINT, _LINE, _POLYGON = 0, 1, 2


def _exposure(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    rules = [
        (
            f'"exposure_class" = {_text(c)}',
            text(f"class.{c}", lang),
            _marker(str(i), s["exposure_colours"][c]),
        )
        for i, c in enumerate(s["exposure_classes"])
    ]
    n = len(rules)
    rules.append(("ELSE", text("qgis.unknown_class", lang), _marker(str(n), s["unknown_colour"])))
    top = "(" + ", ".join(_text(c) for c in s["exposure_classes"][-2:]) + ")"
    labels = _labeling(
        [
            (f'"exposure_class" IN {top}', '"name"', None),
            (
                f'"exposure_class" IS NULL OR "exposure_class" NOT IN {top}',
                '"name"',
                TOWN_LABEL_SCALE,
            ),
        ],
        priority='coalesce("exposure_score", 0)',
    )
    return _rules(rules, _POINT, order_by='coalesce("exposure_score", -1)', labeling=labels)


def _timeline(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    """The exposure of every step: the classes' colours, no labels (the steps share points)."""
    return _rules(
        [
            (
                f'"exposure_class" = {_text(c)}',
                text(f"class.{c}", lang),
                _marker(str(i), s["exposure_colours"][c]),
            )
            for i, c in enumerate(s["exposure_classes"])
        ]
        + [("ELSE", text("qgis.unknown_class", lang), _marker("4", s["unknown_colour"]))],
        _POINT,
        order_by='coalesce("exposure_score", -1)',
    )


def _towns(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    """The gazetteer: grey points, with labels by name ready but off.

    The exposure layer (the same towns, on top) labels them already.
    """
    labels = _labeling([("TRUE", '"name"', TOWN_LABEL_SCALE)])
    symbol = _marker("0", s["unknown_colour"])
    return _rules(
        [("ELSE", text("qgis.town", lang), symbol)], _POINT, labeling=labels, labels_on=False
    )


_SHAPES = {"\u2605": "star", "\u25a0": "square", "\u25b2": "triangle", "\u25cf": "circle"}


def _site_names(lang: str) -> str:
    """The label expression of the sites: their name; in French, kind and town (``camp de Ber``)."""
    if lang == "en":
        return '"name"'
    from minusma.layers.bases import bases, site_label

    cases = "".join(
        f" WHEN {_text(row['base_id'])} THEN {_text(site_label(row, lang))}"
        for _, row in bases().iterrows()
    )
    return f'CASE "base_id"{cases} ELSE "name" END'


def _bases(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    """By kind; open on ``as_of`` filled in the kind's colour, closed by then hollow and grey."""
    rules: list[tuple[str, str, str]] = []
    closed = s["site_closed"]
    day = date_text(as_of, lang) if as_of else ""
    is_closed = f'"closure_date" <= to_date({_text(as_of)})' if as_of else "FALSE"
    for kind, v in s["site_kinds"].items():
        shape = _SHAPES.get(v["symbol"], "circle")
        label = text(f"site.{kind}", lang)
        rules.append(
            (
                f'"kind" = {_text(kind)} AND NOT ({is_closed})',
                text("qgis.site_open", lang, kind=label, date=day) if as_of else label,
                _marker(str(len(rules)), v["colour"], shape=shape, size_px=SITE_SIZE_PX),
            )
        )
        if as_of:
            rules.append(
                (
                    f'"kind" = {_text(kind)} AND {is_closed}',
                    text("qgis.site_closed", lang, kind=label, date=day),
                    _marker(
                        str(len(rules)),
                        closed["colour"],
                        shape=shape,
                        size_px=SITE_SIZE_PX,
                        hollow=True,
                    ),
                )
            )
    labels = _labeling([("TRUE", _site_names(lang), SITE_LABEL_SCALE)])
    return _rules(rules, _POINT, labeling=labels)


def _road_rules(s: Mapping[str, Any], column: str, lang: str) -> list[tuple[str, str, str]]:
    return [
        (
            f'"{column}" = {_text(cls)}',
            text("qgis.road", lang, label=text(f"road.{cls}", lang)),
            _line(str(i), v["colour"], v["weight"], dash=s["road_dash"]),
        )
        for i, (cls, v) in enumerate(s["road_classes"].items())
    ]


def _roads(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    return _rules(_road_rules(s, "road_class", lang), _LINE)


def _criticality(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    nd = s["no_detour"]
    rules = [
        (
            '"is_bridge"',
            text("no_detour", lang),
            _line("0", nd["colour"], nd["weight"], dash=None, opacity=nd["opacity"]),
        )
    ]
    rules += [
        (f'NOT "is_bridge" AND {f}', label, sym.replace(f'name="{i}"', f'name="{i + 1}"', 1))
        for i, (f, label, sym) in enumerate(_road_rules(s, "road_class", lang))
    ]
    return _rules(rules, _LINE)


def _river(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    filters = {"true": '"navigable"', "false": 'NOT "navigable"', "null": '"navigable" IS NULL'}
    words = {"true": "river.true", "false": "river.false", "null": "river.none"}
    rules = [
        (filters[k], text(words[k], lang), _line(str(i), v["colour"], v["weight"], dash=v["dash"]))
        for i, (k, v) in enumerate(s["river_reaches"].items())
    ]
    return _rules(rules, _LINE)


def _niger_ne(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    v = s["river_reaches"]["true"]
    return _rules(
        [("ELSE", text("layer.river_ne", lang), _line("0", v["colour"], 2.5, dash=None))], _LINE
    )


def _air_links(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    """By operator (other operators in one colour), ended links dashed and faded."""
    active = "(" + ", ".join(_text(v) for v in s["air_active_statuses"]) + ")"
    known = "(" + ", ".join(_text(o) for o in s["air_operators"]) + ")"
    operators = [(f'"operator" = {_text(op)}', op, v) for op, v in s["air_operators"].items()]
    operators.append(
        (f'"operator" NOT IN {known}', text("qgis.other_operator", lang), s["air_other"])
    )
    rules: list[tuple[str, str, str]] = []
    for which, operator, v in operators:
        for state, test in (("active", "IN"), ("ended", "NOT IN")):
            line = s["air_link_lines"][state]
            dash = None if state == "active" else s["air_ended_dash"]
            words = text("qgis.air_flown" if state == "active" else "air.ended", lang)
            label = text("qgis.air", lang, operator=operator, state=words)
            symbol = _line(
                str(len(rules)), v["colour"], line["weight"], dash=dash, opacity=line["opacity"]
            )
            rules.append((f'{which} AND "status" {test} {active}', label, symbol))
    return _rules(rules, _LINE)


def _airports(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    a = s["airport"]
    return _rules(
        [("ELSE", text("airport", lang), _marker("0", a["colour"], shape="triangle"))], _POINT
    )


def _area(name: str, v: Mapping[str, Any]) -> str:
    return _fill(name, v["colour"], v["fill"], v["fill_opacity"], v["weight"])


def _regions(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    c, r = s["region_central"], s["region"]
    rules = [
        ('"in_central_zone"', text("region_central", lang), _area("0", c)),
        ("ELSE", text("qgis.region", lang), _area("1", r)),
    ]
    return _rules(rules, _POLYGON)


def _regions_2023(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    from minusma.layers.regions import CENTRAL_REGIONS_2023

    c, r = s["region_central"], s["region"]
    central = "(" + ", ".join(_text(n) for n in CENTRAL_REGIONS_2023) + ")"
    rules = [
        (f'"region_2023" IN {central}', text("region_central_2023", lang), _area("0", c)),
        ("ELSE", text("qgis.region_2023", lang), _area("1", r)),
    ]
    return _rules(rules, _POLYGON)


def _outline(key: str, weight_px: float):
    def build(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
        r = s["region"]
        symbol = _fill("0", r["colour"], r["fill"], 0.0, weight_px)
        return _rules([("ELSE", text(key, lang), symbol)], _POLYGON)

    return build


def _settlements(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    p = s["settlement"]
    symbol = _marker("0", p["colour"], opacity=p["opacity"], size_px=2 * p["radius_px"])
    return _rules([("ELSE", text("qgis.settlement", lang), symbol)], _POINT)


def _events(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    e = s["event"]
    symbol = _marker("0", e["colour"], opacity=e["fill_opacity"], shape="diamond")
    return _rules([("ELSE", text("qgis.event", lang), symbol)], _POINT)


def _site_periods(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    """Geo-PKO site periods: open at the end of the record in the camps' colour, closed grey."""
    camp, closed = s["site_kinds"]["camp"], s["site_closed"]
    rules = [
        (
            '"closed" IS NULL',
            text("qgis.site_period_open", lang),
            _marker("0", camp["colour"], shape="circle", size_px=MARKER_SIZE_PX),
        ),
        (
            "ELSE",
            text("qgis.site_period_closed", lang),
            _marker("1", closed["colour"], shape="circle", size_px=MARKER_SIZE_PX, hollow=True),
        ),
    ]
    return _rules(rules, _POINT)


def _river_places(s: Mapping[str, Any], lang: str, as_of: str | None) -> str:
    v = s["river_reaches"]["true"]
    symbol = _marker("0", v["colour"], size_px=MARKER_SIZE_PX / 2)
    return _rules([("ELSE", text("qgis.river_place", lang), symbol)], _POINT)


def _forecast(s: Mapping[str, Any], lang: str, geometry: str | None) -> str:
    """The forecast layer by class (high on top), polygons filled or points marked."""
    rules: list[tuple[str, str, str]] = []
    classes = [*s["forecast_classes"], None]
    for i, c in enumerate(classes):
        colour = s["forecast_colours"][c] if c else s["forecast_none"]
        label = text(f"qgis.forecast.{c or 'none'}", lang)
        if geometry == "point":
            symbol = _marker(str(i), colour)
        else:
            symbol = _fill(str(i), s["region"]["colour"], colour, s["forecast_fill_opacity"], 0.5)
        rules.append((f'"class" = {_text(c)}' if c else "ELSE", label, symbol))
    return _rules(
        rules,
        _POINT if geometry == "point" else _POLYGON,
        order_by='coalesce("predicted_events", -1)',
    )


#: Layers whose style depends on their geometry (a forecast per cercle or per settlement).
_GEOMETRY_BUILDERS = {"forecast": _forecast}

_BUILDERS = {
    "exposure": _exposure,
    "exposure_timeline": _timeline,
    "towns": _towns,
    "bases": _bases,
    "roads": _roads,
    "segment_criticality": _criticality,
    "river": _river,
    "niger_ne": _niger_ne,
    "river_places": _river_places,
    "air_links": _air_links,
    "airports": _airports,
    "regions": _regions,
    "regions_2023": _regions_2023,
    "cercles": _outline("qgis.cercle", 0.8),
    "communes": _outline("qgis.commune", 0.4),
    "settlements": _settlements,
    "events": _events,
    "sites": _site_periods,
}

#: The layers that get a style of their own (any other gets a plain one, see :func:`layer_qml`).
STYLED_LAYERS = (*_BUILDERS, *_GEOMETRY_BUILDERS)
#: The layers whose features are labelled by name (the towns' labels are ready but off: the
#: exposure layer, on top, labels the same towns).
LABELLED_LAYERS = ("exposure", "bases")

_PLAIN = {"point": _POINT, "line": _LINE, "polygon": _POLYGON}


def _plain(geometry: str, lang: str) -> str:
    s = read_styles()
    r = s["region"]
    symbol = {
        "point": _marker("0", s["unknown_colour"]),
        "line": _line("0", r["colour"], 1.5, dash=None),
        "polygon": _fill("0", r["colour"], r["fill"], 0.0, r["weight"]),
    }[geometry]
    return _rules([("ELSE", text("qgis.feature", lang), symbol)], _PLAIN[geometry])


def draw_rank(name: str, geometry: str | None = None) -> int:
    """Where table ``name`` goes in :data:`DRAW_ORDER` (bottom first).

    Parameters
    ----------
    name
        A GeoPackage table's name.
    geometry
        ``"polygon"``, ``"line"`` or ``"point"``: the geometry of a table not in
        :data:`DRAW_ORDER`, which then shares the rank of ``communes``, ``air_links`` or
        ``airports`` respectively.

    Returns
    -------
    int
        The table's position in :data:`DRAW_ORDER`; for an unknown table, that of its
        geometry's neighbour, or ``len(DRAW_ORDER)`` (on top) without a known geometry.
    """
    if name in DRAW_ORDER:
        return DRAW_ORDER.index(name)
    after = {"polygon": "communes", "line": "air_links", "point": "airports"}.get(geometry or "")
    return DRAW_ORDER.index(after) if after else len(DRAW_ORDER)


def layer_qml(
    name: str,
    *,
    lang: str = DEFAULT_LANG,
    as_of: str | None = None,
    geometry: str | None = None,
) -> str | None:
    """The QGIS style (QML text) of layer ``name`` in ``lang``.

    Parameters
    ----------
    name
        The layer.
    lang
        Language of the legend entries and labels.
    as_of
        ISO date of the export's situation: sites closed by then are drawn hollow and grey.
    geometry
        ``point``, ``line`` or ``polygon``: a layer without a builder of its own (see
        :data:`STYLED_LAYERS`) gets a plain symbol for it.

    Returns
    -------
    str or None
        The QML document; None for a layer without a builder and without one of the three
        geometries.
    """
    if name in _GEOMETRY_BUILDERS:
        return _GEOMETRY_BUILDERS[name](read_styles(), lang, geometry)
    builder = _BUILDERS.get(name)
    if builder:
        return builder(read_styles(), lang, as_of)
    return _plain(geometry, lang) if geometry in _PLAIN else None
