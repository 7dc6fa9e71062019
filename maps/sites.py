"""MINUSMA sites (symbol by kind; open or closed at a date) and their coverage radius."""

from __future__ import annotations

import datetime as dt
import functools

import folium
import geopandas as gpd
from folium.utilities import JsCode

from minusma.geo.i18n import DEFAULT_LANG, date_text, term, text
from minusma.layers.bases import site_label
from minusma.maps._geojson import data_layer, feature_collection
from minusma.maps.popups import esc, link, name_html, quoted, quoted_html, safe_json, table
from minusma.maps.style import COVERAGE_BEFORE, COVERAGE_NOW, CREDITS, SITE_CLOSED, SITE_KINDS

__all__ = ["add_bases", "add_coverage", "site_icon_js"]

_STYLE = JsCode("function(feature) { return feature.properties.style; }")


def site_icon_js(state: str) -> JsCode:
    """``pointToLayer`` drawing a site as its kind's symbol; ``state`` is ``open`` or ``closed``.

    Parameters
    ----------
    state
        ``"open"`` or ``"closed"`` (closed sites are faded).

    Returns
    -------
    folium.utilities.JsCode
        The Leaflet ``pointToLayer`` function.
    """
    symbols = {
        k: f'<span style="color:{SITE_CLOSED["colour"] if state == "closed" else v["colour"]}">'
        f"{v['symbol']}</span>"
        for k, v in SITE_KINDS.items()
    }
    opacity = SITE_CLOSED["opacity"] if state == "closed" else 1.0
    return JsCode(
        "function(feature, latlng) { var symbols = "
        + safe_json(symbols)
        + "; return L.marker(latlng, {"
        f"opacity: {opacity}, icon: L.divIcon({{className: 'minusma-site minusma-site-{state}', "
        "html: symbols[feature.properties.kind] || '?', iconSize: [24, 24]})}); }"
    )


def _props(row, state: str, lang: str) -> dict:
    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    kind = text(f"site.{row['kind']}", lang)
    date = dt.date.fromisoformat(str(row["closure_date"]))
    when = date_text(date, lang)
    status = text("site_closed_on" if state == "closed" else "site_open_until", lang, date=when)
    return {
        "id": row["base_id"],
        "kind": row["kind"],
        "closure": date.isoformat(),
        "tooltip": text(
            "site_tooltip",
            lang,
            name=name_html(site_label(row, lang)),
            kind=esc(kind),
            status=esc(status),
        ),
        "popup": table(
            row["name"],
            [
                (t("kind"), quoted(row["kind_detail"])),
                (t("town"), row["town"]),
                (t("sector"), row["sector"]),
                (t("region_2023"), row["region_2023"]),
                (t("contingents"), quoted(row["last_contingents"])),
                (t("closure_date"), when),
                (t("closure_order"), row["closure_order"]),
                (t("phase"), quoted(row["withdrawal_phase"])),
                (t("date_note"), quoted(row["closure_date_note"])),
                (t("confidence"), term("confidence", row["confidence"], lang)),
                (t("point"), quoted(row["coord_precision"])),
            ],
            raw=[(t("source"), link(row["source"])), (t("source_2"), link(row["source_2"]))],
        ),
    }


def add_bases(
    m: folium.Map, gdf: gpd.GeoDataFrame, *, date: dt.date, lang: str = DEFAULT_LANG
) -> tuple[folium.GeoJson, folium.GeoJson]:
    """Add the sites open on ``date`` and, as faded symbols, those closed by then.

    Popups and layer names are in ``lang`` (:mod:`maps.i18n`; data values stay as sourced).
    Every site is in both layers' data; the time control moves markers between them. On load,
    a site closed on day D counts as closed on D (as ``layers.bases(as_of=D)``).

    Parameters
    ----------
    m
        The map to add the two layers to.
    gdf
        The sites (:func:`layers.bases`).
    date
        The date the map opens at.
    lang
        Language of the popups and layer names.

    Returns
    -------
    open_layer : folium.GeoJson
        The sites open on ``date``.
    closed_layer : folium.GeoJson
        The sites closed by then.
    """
    attribution = quoted_html(CREDITS["bases"])
    layers: list[folium.GeoJson] = []
    for state in ("open", "closed"):
        name = text(f"layer.sites_{state}", lang)
        fc = feature_collection(gdf, functools.partial(_props, state=state, lang=lang))
        layer = data_layer(
            fc, name=name, point_to_layer=site_icon_js(state), attribution=attribution
        )
        layer.add_to(m)
        layers.append(layer)
    return layers[0], layers[1]


def _coverage_props(row, style: dict) -> dict:
    return {"id": row["base_id"], "closure": str(row["closure_date"]), "style": style}


def add_coverage(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    radius_km: float,
    show_before: bool = True,
    lang: str = DEFAULT_LANG,
) -> tuple[folium.GeoJson, folium.GeoJson]:
    """Add the before/after coverage view: a ``radius_km`` circle around every site.

    The "before" layer is fixed (all 13 sites, dashed outline); the "selected date" layer holds
    the circles of the sites open on the date chosen with the time control.

    Parameters
    ----------
    m
        The map to add the two layers to.
    gdf
        The sites (:func:`layers.bases`).
    radius_km
        Radius of a site's security umbrella (km).
    show_before
        Show the "before" layer when the map opens.
    lang
        Language of the layer names.

    Returns
    -------
    before_layer : folium.GeoJson
        The circles of every site.
    now_layer : folium.GeoJson
        The circles of the sites open on the chosen date.
    """
    radius_m = radius_km * 1000.0
    layers: list[folium.GeoJson] = []
    for key, s in (("before", COVERAGE_BEFORE), ("now", COVERAGE_NOW)):
        name = text(f"layer.coverage_{key}", lang, radius_km=radius_km)
        style = {
            "color": s["colour"],
            "weight": 1.5,
            "dashArray": s.get("dash"),
            "fillColor": s["colour"],
            "fillOpacity": s["fill_opacity"],
            "interactive": False,
        }
        fc = feature_collection(gdf, functools.partial(_coverage_props, style=style))
        circle = JsCode(
            "function(feature, latlng) { return L.circle(latlng, Object.assign({radius: "
            f"{radius_m:.0f}}}, feature.properties.style)); }}"
        )
        layer = data_layer(
            fc,
            name=name,
            point_to_layer=circle,
            interactive=False,
            show=show_before or key == "now",
        )
        layer.add_to(m)
        layers.append(layer)
    return layers[0], layers[1]
