"""Transport layers: roads, airports/airstrips and air links.

Roads by class, no-detour links highlighted, schematic lines dashed; air links by operator,
active or ended.
"""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.utilities import JsCode

from minusma.geo.i18n import DEFAULT_LANG, date_text, number_text, term, text
from minusma.layers.bases import site_label
from minusma.maps._geojson import data_layer, feature_collection
from minusma.maps.popups import esc, is_missing, link, name_html, quoted, quoted_html, table
from minusma.maps.style import (
    AIR_ACTIVE_STATUSES,
    AIR_ENDED_DASH,
    AIR_OPERATORS,
    AIR_OTHER,
    AIRPORT,
    CREDITS,
    NO_DETOUR,
    ROAD_CLASSES,
    ROAD_DASH,
)

__all__ = [
    "add_air_links",
    "add_airports",
    "add_roads",
    "air_link_active",
    "air_link_periods",
    "air_link_state",
    "no_detour",
]

_STYLE = JsCode("function(feature) { return feature.properties.style; }")


def no_detour(roads: gpd.GeoDataFrame) -> pd.Series:
    """Whether each road link is a bridge of the mapped road network (no detour if it is cut).

    The network is the one the analysis uses (:func:`geo.exposure.access.road_graph`: rows with role
    ``edge`` and a geometry); bridges come from :func:`geo.network.bridges`, which treats
    parallel links as two routes. The mapped network is coarse: "no detour" means none among
    the roads in the layer.

    Parameters
    ----------
    roads
        The road links (:func:`layers.roads`).

    Returns
    -------
    pandas.Series of bool
        Aligned to ``roads.index``, named ``no_detour``; False for rows outside the network.
    """
    from minusma.geo.exposure.access import road_graph
    from minusma.geo.network import bridges

    graph = road_graph(roads)
    cut_ids = set(graph.edges.loc[graph.edges["edge_id"].isin(bridges(graph)), "source_id"])
    return roads["road_id"].isin(cut_ids).rename("no_detour")


def _road_style(row, cut: bool) -> dict:
    s = ROAD_CLASSES.get(row["road_class"], ROAD_CLASSES["unverified"])
    dashed = row["geometry_kind"] == "schematic"
    return {
        "color": s["colour"],
        "weight": s["weight"],
        "opacity": 0.95,
        "dashArray": ROAD_DASH if dashed else None,
    }


def add_roads(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANG,
    show: bool = True,
) -> tuple[folium.GeoJson, folium.GeoJson]:
    """Add the roads and, underneath, a highlight of the links with no detour.

    Headings and layer names are in ``lang`` (:mod:`maps.i18n`; data values stay as sourced).

    Parameters
    ----------
    m
        The map to add the two layers to.
    gdf
        The road links (:func:`layers.roads`).
    lang
        Language of the headings and layer names.
    show
        Show the layers when the map opens.

    Returns
    -------
    roads_layer : folium.GeoJson
        The roads, by class.
    no_detour_layer : folium.GeoJson
        The highlight of the links with no detour (:func:`no_detour`).
    """
    cut = no_detour(gdf)
    attribution = quoted_html(CREDITS["roads"])

    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    def props(row):
        schematic = row["geometry_kind"] == "schematic"
        label = f"{row['route']}: {row['from_town']} – {row['to_town']}"
        tooltip = [name_html(label)]
        if schematic:
            tooltip.append(esc(text("road_tooltip_schematic", lang)))
        if cut[row.name]:
            tooltip.append(esc(text("road_tooltip_no_detour", lang)))
        cls = row["road_class"]
        return {
            "id": row["road_id"],
            "style": _road_style(row, bool(cut[row.name])),
            "tooltip": " ".join(tooltip),
            "popup": table(
                label,
                [
                    (t("class"), text(f"road.{cls}", lang) if cls in ROAD_CLASSES else cls),
                    (t("surface"), quoted(row["surface_detail"])),
                    (t("length_km_plain"), number_text(row["length_km"], lang)),
                    (t("length_method"), term("length_method", row["length_method"], lang)),
                    (t("ferry"), t("yes") if row["ferry_crossing"] is True else None),
                    (
                        t("no_detour"),
                        text("road_no_detour_yes", lang) if cut[row.name] else t("no"),
                    ),
                    (t("geometry"), text("road_schematic", lang) if schematic else None),
                    (t("notes"), quoted(row["notes"])),
                ],
                raw=[(t("source"), link(row["source"])), (t("source_2"), link(row["source_2"]))],
            ),
        }

    halo_style = {
        "color": NO_DETOUR["colour"],
        "weight": NO_DETOUR["weight"],
        "opacity": NO_DETOUR["opacity"],
    }
    halo = feature_collection(
        gdf[cut],
        lambda row: {
            "id": row["road_id"],
            "style": halo_style,
            "tooltip": text(
                "road_halo_tooltip",
                lang,
                a=name_html(row["from_town"]),
                b=name_html(row["to_town"]),
            ),
        },
    )
    halo_layer = data_layer(
        halo,
        name=text("layer.no_detour", lang),
        show=show,
        style=_STYLE,
        attribution=attribution,
    )
    halo_layer.add_to(m)
    roads_layer = data_layer(
        feature_collection(gdf, props),
        name=text("layer.roads", lang),
        show=show,
        style=_STYLE,
        attribution=attribution,
    )
    roads_layer.add_to(m)
    return roads_layer, halo_layer


_AIRPORT_ICON = JsCode(
    "function(feature, latlng) { return L.marker(latlng, {icon: L.divIcon({className: "
    "'minusma-airport', html: '<span "
    f'style="color:{AIRPORT["colour"]}">{AIRPORT["symbol"]}</span>\', iconSize: [18, 18]}})}}); '
    f"}}"
)


def add_airports(
    m: folium.Map, gdf: gpd.GeoDataFrame, *, lang: str = DEFAULT_LANG, show: bool = True
) -> folium.GeoJson:
    """Add airports and airstrips as small plane symbols, with their 2020-2024 role.

    Headings and the layer name are in ``lang`` (:mod:`maps.i18n`).

    Parameters
    ----------
    m
        The map to add the layer to.
    gdf
        The airports (:func:`layers.airports`).
    lang
        Language of the headings and layer name.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.GeoJson
        The airports' layer.
    """

    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    def props(row):
        title = row["name"] + (f" ({row['icao']})" if row["icao"] else "")
        return {
            "id": row["icao"],
            "tooltip": name_html(title),
            "popup": table(
                title,
                [
                    (t("city"), row["city"]),
                    (t("region"), row["subd"]),
                    (t("elevation_m"), number_text(row["elevation_m"], lang)),
                    (t("role"), quoted(row["role_2020_2024"])),
                    (t("runway"), quoted(row["runway_or_detail"])),
                    (t("notes"), quoted(row["role_notes"])),
                    (t("point_source"), quoted(row["source"])),
                ],
                raw=[(t("role_source"), link(row["role_source"]))],
            ),
        }

    layer = data_layer(
        feature_collection(gdf, props),
        name=text("layer.airports", lang),
        show=show,
        point_to_layer=_AIRPORT_ICON,
        attribution=quoted_html(CREDITS["airports"]),
    )
    layer.add_to(m)
    return layer


def air_link_active(gdf: gpd.GeoDataFrame) -> pd.Series:
    """True where the link was still flown when last reported (``status`` in AIR_ACTIVE_STATUSES).

    Parameters
    ----------
    gdf
        The air links (:func:`layers.air_links`).

    Returns
    -------
    pandas.Series of bool
        Aligned to ``gdf.index``.
    """
    return gdf["status"].isin(AIR_ACTIVE_STATUSES).rename("active")


def _day(value, lang: str) -> str | None:
    """An ISO day in words in ``lang`` (other text as it is; None when missing)."""
    if is_missing(value):
        return None
    try:
        return date_text(str(value), lang)
    except ValueError:
        return str(value)


def _date(value) -> dt.date | None:
    if (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or value is pd.NaT
        or value == ""
    ):
        return None
    return dt.date.fromisoformat(str(value)[:10])


def air_link_periods(
    links: gpd.GeoDataFrame, bases: gpd.GeoDataFrame, airports: gpd.GeoDataFrame
) -> pd.DataFrame:
    """When each air link was flown, for the time control.

    ``start`` is ``period_start``; ``end`` is ``period_end``, except for MINUSMA links, which
    end when the MINUSMA site of their destination town closes (airport ``town_id`` = site
    ``town_id``; e.g. Bamako-Gao ends on 22 Jul 2024, not with the "2013-2023" of the source).
    A link is flown on day D when ``start <= D < end`` (a site closed on D has no flight that
    day, as in :func:`maps.sites.add_bases`); with no ``end``, when its ``status`` says it was
    still flown when last reported (:func:`air_link_active`).

    Parameters
    ----------
    links
        The air links (:func:`layers.air_links`).
    bases
        The MINUSMA sites (:func:`layers.bases`).
    airports
        The airports (:func:`layers.airports`), which give each link's destination town.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``links.index``: ``start`` and ``end`` (``datetime.date`` or None),
        ``end_source`` (text), ``end_site`` (the name of the MINUSMA site whose closure ends
        the link, or None), ``end_town`` and ``end_kind`` (its town and kind, for
        :func:`minusma.layers.bases.site_label`), ``open_active`` (bool).
    """
    site_closure = {
        t: _date(d) for t, d in zip(bases["town_id"], bases["closure_date"]) if isinstance(t, str)
    }
    closure_row = {t: row for t, (_, row) in zip(bases["town_id"], bases.iterrows())}
    airport_town = {
        i: t for i, t in zip(airports["icao"], airports["town_id"]) if isinstance(t, str)
    }
    rows = []
    for _, row in links.iterrows():
        end, source, site = _date(row["period_end"]), "period_end", None
        town = airport_town.get(row["to_icao"])
        if row["operator"] == "MINUSMA" and town in site_closure:
            site = closure_row[town]
            end, source = site_closure[town], f"closure of {site['name']}"
        rows.append(
            {
                "start": _date(row["period_start"]),
                "end": end,
                "end_source": source if end is not None else "none reported",
                "end_site": None if site is None else site["name"],
                "end_town": None if site is None else site["town"],
                "end_kind": None if site is None else site["kind"],
                "open_active": bool(row["status"] in AIR_ACTIVE_STATUSES),
            }
        )
    columns = ["start", "end", "end_source", "end_site", "end_town", "end_kind", "open_active"]
    return pd.DataFrame(rows, index=links.index, columns=columns).astype(
        {"end_site": object, "end_town": object, "end_kind": object}
    )


def air_link_state(periods: pd.DataFrame, date: dt.date) -> pd.Series:
    """``"active"``, ``"ended"`` or ``"not started"`` of each link on ``date``.

    Parameters
    ----------
    periods
        When each link was flown (:func:`air_link_periods`).
    date
        The day.

    Returns
    -------
    pandas.Series of str
        Aligned to ``periods.index``.
    """

    def state(row) -> str:
        if row["start"] is not None and date < row["start"]:
            return "not started"
        if row["end"] is not None:
            return "active" if date < row["end"] else "ended"
        return "active" if row["open_active"] else "ended"

    return (
        periods.apply(state, axis=1).rename("state")
        if len(periods)
        else pd.Series(dtype=object, name="state")
    )


def _air_style(colour: str, on: bool) -> dict:
    return {
        "color": colour,
        "weight": 2.5 if on else 1.5,
        "opacity": 0.9 if on else 0.5,
        "dashArray": None if on else AIR_ENDED_DASH,
        "className": "minusma-air",
    }


def _end_note(periods_row, lang: str) -> str:
    """Why an air link ended on its ``end`` date, in ``lang`` (see :func:`air_link_periods`)."""
    if not is_missing(periods_row["end_site"]):
        site = {k: periods_row[f"end_{k}"] for k in ("town", "kind")}
        label = site_label({"name": periods_row["end_site"], **site}, lang)
        return text("air_end_closure", lang, site=label)
    return text("air_end_period", lang)


def add_air_links(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    periods: pd.DataFrame | None = None,
    date: dt.date | None = None,
    lang: str = DEFAULT_LANG,
    show: bool = True,
) -> folium.GeoJson:
    """Add air links coloured by operator; links not flown on ``date`` dashed and faded.

    ``periods`` (:func:`air_link_periods`) lets the time control restyle the links; without
    it (or without ``date``) a link is active when its ``status`` says so. Headings, tooltips
    and the layer name in ``lang`` (:mod:`maps.i18n`; data values stay as sourced).

    Parameters
    ----------
    m
        The map to add the layer to.
    gdf
        The air links (:func:`layers.air_links`).
    periods
        When each link was flown, or None.
    date
        The map's date, or None.
    lang
        Language of the headings, tooltips and layer name.
    show
        Show the layer when the map opens.

    Returns
    -------
    folium.GeoJson
        The air links' layer.
    """
    if periods is not None and date is not None:
        active = air_link_state(periods, date).eq("active")
    else:
        active = air_link_active(gdf)

    def t(key: str) -> str:
        return text(f"popup.{key}", lang)

    def props(row):
        s = AIR_OPERATORS.get(row["operator"], AIR_OTHER)
        on = bool(active[row.name])
        ends = [row[c] for c in ("from_icao", "to_icao") if not is_missing(row[c])]
        label = f"{row['operator']}: {' – '.join(ends)}"
        state = text("air.active" if on else "air.ended", lang)
        out = {
            "id": row["link_id"],
            "style": _air_style(s["colour"], on),
            "tooltip": text("air_tooltip", lang, name=name_html(label), state=esc(state)),
            "popup": table(
                label,
                [
                    (t("operator"), row["operator"]),
                    (t("service"), term("service_type", row["service_type"], lang)),
                    (t("via"), row["via_icao"]),
                    (t("period"), quoted(row["period_text"])),
                    (t("start"), _day(row["period_start"], lang)),
                    (t("end"), _day(row["period_end"], lang)),
                    (t("status"), term("air_status", row["status"], lang)),
                    (t("frequency"), quoted(row["frequency_or_detail"])),
                    (t("length_km_plain"), number_text(row["length_km"], lang)),
                    (t("geometry"), text("air_schematic", lang)),
                    (t("notes"), quoted(row["notes"])),
                ],
                raw=[(t("source"), link(row["source"])), (t("source_2"), link(row["source_2"]))],
            ),
        }
        if periods is not None:
            per = periods.loc[row.name]
            end = per["end"]
            out.update(
                {
                    "name": name_html(label),
                    "start": per["start"].isoformat() if per["start"] else None,
                    "end": end.isoformat() if end else None,
                    "endText": esc(
                        text(
                            "air_end",
                            lang,
                            date=date_text(end, lang),
                            note=_end_note(per, lang),
                        )
                    )
                    if end
                    else "",
                    "openActive": bool(per["open_active"]),
                    "on": _air_style(s["colour"], True),
                    "off": _air_style(s["colour"], False),
                }
            )
        return out

    layer = data_layer(
        feature_collection(gdf, props),
        name=text("layer.air_links", lang),
        show=show,
        style=_STYLE,
        attribution=quoted_html(CREDITS["air_links"]),
    )
    layer.add_to(m)
    return layer
