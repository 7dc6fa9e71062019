"""Backdrop layers: Mali's regions (central zone highlighted and labelled) and the Niger."""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.utilities import JsCode

from minusma.geo.i18n import DEFAULT_LANG, number_text, term, text
from minusma.maps._geojson import data_layer, feature_collection
from minusma.maps.popups import esc, is_missing, link, name_html, quoted, quoted_html, table
from minusma.maps.style import CREDITS, REGION, REGION_CENTRAL, RIVER_REACHES

__all__ = [
    "REGIONS_SIMPLIFY_DEG",
    "add_country_outline",
    "add_regions",
    "add_regions_2023",
    "add_river",
    "add_river_ne",
]

#: Display simplification of region polygons, in degrees (~1 km); exports are never simplified.
REGIONS_SIMPLIFY_DEG = 0.01

_STYLE = JsCode("function(feature) { return feature.properties.style; }")


def _region_style(central: bool) -> dict:
    s = REGION_CENTRAL if central else REGION
    return {
        "color": s["colour"],
        "weight": s["weight"],
        "fillColor": s["fill"],
        "fillOpacity": s["fill_opacity"],
    }


def add_regions(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANG,
    show: bool = True,
) -> folium.GeoJson:
    """Add the region polygons; central-zone regions are filled and carry a permanent label.
    Headings and the layer name in ``lang`` (:mod:`maps.i18n`)."""

    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    def props(row):
        central = bool(row["in_central_zone"])
        label = text("region_central_name", lang, name=row["name"]) if central else row["name"]
        return {
            "id": row["region_id"],
            "style": _region_style(central),
            "label": central,
            "tooltip": text("region_central_name", lang, name=name_html(row["name"]))
            if central
            else name_html(label),
            "popup": table(
                row["name"],
                [
                    (t("iso_3166_2"), row["iso_3166_2"]),
                    (t("ocha_pcode"), row["ocha_pcode"]),
                    (t("central_zone"), t("yes") if central else t("no")),
                    (t("regions_2023_inside"), row["regions_2023_inside"]),
                    (t("note"), quoted(row["central_zone_note"])),
                ],
                raw=[(t("source"), link(row["source"]) or quoted_html(row["source"]))],
            ),
        }

    fc = feature_collection(gdf, props, simplify_deg=REGIONS_SIMPLIFY_DEG)
    layer = data_layer(
        fc,
        name=text("layer.regions", lang),
        show=show,
        style=_STYLE,
        attribution=quoted_html(CREDITS["regions"]),
        pane="minusma-backdrop",
    )
    return layer.add_to(m)


def add_country_outline(
    m: folium.Map, gdf: gpd.GeoDataFrame, *, lang: str = DEFAULT_LANG
) -> folium.GeoJson:
    """A non-interactive outline of Mali (the dissolved regions): the backdrop without tiles."""
    outline = gpd.GeoDataFrame(geometry=[gdf.geometry.union_all()], crs=gdf.crs)
    fc = feature_collection(
        outline,
        lambda row: {
            "style": {"color": "#252525", "weight": 2.5, "fillColor": "#fffdf5", "fillOpacity": 1.0}
        },
        simplify_deg=REGIONS_SIMPLIFY_DEG,
    )
    layer = data_layer(
        fc,
        name=text("layer.outline", lang),
        style=_STYLE,
        control=False,
        interactive=False,
        attribution=quoted_html(CREDITS["regions"]),
        pane="minusma-backdrop",
    )
    return layer.add_to(m)


def _reach_style(navigable) -> dict:
    return RIVER_REACHES[None if is_missing(navigable) else bool(navigable)]


def add_river(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANG,
    show: bool = True,
) -> folium.GeoJson:
    """Add the Niger reaches: the navigable reach bold and solid, the others thin and dashed.
    Headings, the reach's status and the layer name in ``lang`` (:mod:`maps.i18n`)."""

    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    def props(row):
        navigable = row["navigable"]
        s = _reach_style(navigable)
        reach = "none" if is_missing(navigable) else str(bool(navigable)).lower()
        status = text(f"river.{reach}", lang)
        schematic = row["geometry_kind"] == "schematic"
        tip = "river_tooltip_schematic" if schematic else "river_tooltip"
        return {
            "id": row["reach_id"],
            "style": {
                "color": s["colour"],
                "weight": s["weight"],
                "dashArray": s["dash"],
                "opacity": 0.9,
            },
            "tooltip": text(tip, lang, name=name_html(row["name"]), status=esc(status)),
            "popup": table(
                row["name"],
                [
                    (t("status"), status),
                    (t("season"), quoted(row["season"])),
                    (t("length_published_km"), number_text(row["length_km_published"], lang)),
                    (t("places"), row["places"]),
                    (t("note"), quoted(row["note"])),
                    (t("geometry"), text("river_schematic", lang) if schematic else None),
                ],
                raw=[(t("source"), link(row["source"]) or quoted_html(row["source"]))],
            ),
        }

    fc = feature_collection(gdf, props)
    layer = data_layer(
        fc,
        name=text("layer.river", lang),
        show=show,
        style=_STYLE,
        attribution=quoted_html(CREDITS["river"]),
    )
    return layer.add_to(m)


def _thousands(value, lang: str) -> str:
    """A whole number with the language's thousands separator (``12,345``; ``12 345``)."""
    out = f"{float(value):,.0f}"
    return out.replace(",", "\u202f") if lang == "fr" else out


def add_regions_2023(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANG,
    show: bool = True,
) -> folium.GeoJson:
    """Add the 2023 regions built from cercles (``layers.admin.regions_2023(names=None)``); the
    central ones (:data:`layers.regions.CENTRAL_REGIONS_2023`) filled and labelled."""
    from minusma.layers.regions import CENTRAL_REGIONS_2023

    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    def props(row):
        central = row["region_2023"] in CENTRAL_REGIONS_2023
        return {
            "id": row["region_2023"],
            "style": _region_style(central),
            "label": central,
            "tooltip": name_html(row["region_2023"]),
            "popup": table(
                row["region_2023"],
                [
                    (t("region_old"), row["region_old"]),
                    (t("cercles"), row["member_cercles"]),
                    (t("cercle_pcodes"), row["member_cercle_pcodes"]),
                    (t("central_zone"), t("yes") if central else t("no")),
                    (t("area_km2"), _thousands(row["area_km2"], lang)),
                    (t("confidence"), term("confidence", row["confidence"], lang)),
                    (t("note"), quoted(row["note"])),
                    (t("source"), quoted(row["source"])),
                ],
            ),
        }

    fc = feature_collection(gdf, props, simplify_deg=REGIONS_SIMPLIFY_DEG)
    layer = data_layer(
        fc,
        name=text("layer.regions_2023", lang),
        show=show,
        style=_STYLE,
        attribution=quoted_html(CREDITS["regions_2023"]),
        pane="minusma-backdrop",
    )
    return layer.add_to(m)


def add_river_ne(
    m: folium.Map, gdf: gpd.GeoDataFrame, *, lang: str = DEFAULT_LANG, show: bool = True
) -> folium.GeoJson:
    """Add the Natural Earth Niger (``layers.river_ne.niger_ne``): the river's real course, one
    solid line (navigability is a property of the schematic reaches, not drawn here)."""
    s = RIVER_REACHES[None]

    def props(row):
        return {
            "id": row["river_id"],
            "style": {"color": s["colour"], "weight": 3, "opacity": 0.9},
            "tooltip": esc(text("river_ne_tooltip", lang, name=row["name"])),
            "popup": table(
                row["name"],
                [
                    (text("popup.feature", lang), row["featurecla"]),
                    (text("popup.length_km", lang), f"{float(row['length_km']):,.0f}"),
                    (text("popup.source", lang), row["source"]),
                ],
            ),
        }

    layer = data_layer(
        feature_collection(gdf, props),
        name=text("layer.river_ne", lang),
        show=show,
        style=_STYLE,
        attribution=quoted_html(CREDITS["river_ne"]),
    )
    return layer.add_to(m)
