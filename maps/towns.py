"""Towns coloured by exposure class (popup: indicators and reasons) and the OCHA settlements
(one canvas layer, :mod:`maps.places`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.utilities import JsCode

from minusma.geo.i18n import DEFAULT_LANG, STRINGS, date_text, number_text, text
from minusma.maps._geojson import data_layer, feature_collection
from minusma.maps.exposure import ExposureTimeline
from minusma.maps.places import CanvasPlaces
from minusma.maps.popups import esc, is_missing, quoted_html
from minusma.maps.style import CREDITS, EXPOSURE_COLOURS, SETTLEMENT, UNKNOWN_COLOUR

logger = logging.getLogger(__name__)

__all__ = [
    "SETTLEMENTS_FILE",
    "add_settlements",
    "add_towns",
    "indicator_rows",
    "indicator_value",
    "indicators_html",
    "read_settlements",
    "town_facts",
]

#: Where the OCHA populated places sit inside a data directory.
SETTLEMENTS_FILE = Path("ocha-cod-mali") / "mli_populated_places.geojson"

_TOWN_MARKER = JsCode(
    "function(feature, latlng) { return L.circleMarker(latlng, "
    "{radius: 6, color: '#252525', weight: 1, fillOpacity: 0.9, "
    "fillColor: feature.properties.fill, className: 'minusma-town', "
    "pane: 'minusma-towns'}); }"
)

_INDICATOR_SKIP = {"exposure_class", "exposure_score", "rank", "reasons"}

#: Indicators shown in town popups when the assessment provides them (others are left out to keep
#: the page small); any indicator of the fallback is shown.
POPUP_INDICATORS = (
    "base_before_name",
    "base_before_km",
    "covered_before",
    "base_after_name",
    "base_after_km",
    "covered_after",
    "coverage_lost_on",
    "on_road_network",
    "bamako_road_km",
    "bamako_travel_h",
    "bamako_routes",
    "riverside",
    "airport_icao",
    "airport_km",
    "air_state",
    "air_depended_on_un",
    "security_score",
    "access_score",
    "lifeline_score",
    "missing_indicators",
    "data_gap",
    "km_to_site_before",
    "km_to_open_site",
    "covered_now",
)


def indicator_value(col: str, value, lang: str = DEFAULT_LANG) -> str:
    """An indicator's value as a person reads it in ``lang``: yes/no, a coded state in words, a
    date in words, a number to one decimal with the language's separator."""
    if isinstance(value, (bool, np.bool_)):
        return text("popup.yes" if value else "popup.no", lang)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number_text(float(value), lang)
    value = str(value)
    if col == "air_state" and f"air_state.{value}" in STRINGS[lang]:
        return text(f"air_state.{value}", lang)
    if col == "missing_indicators":
        return ", ".join(
            text(f"score_part.{v}", lang) if f"score_part.{v}" in STRINGS[lang] else v
            for v in value.split(";")
        )
    if col.endswith("_on") and len(value) == 10 and value[4] == "-":
        return date_text(value, lang)
    return value


def indicator_rows(details: pd.DataFrame, town_id, lang: str = DEFAULT_LANG) -> list[str]:
    """The escaped ``<tr>`` rows of the indicators of ``town_id`` in ``details`` (names and
    values in ``lang``; missing values left out)."""
    if town_id not in details.index:
        return []
    rec = details.loc[town_id]
    rows = []
    for col in POPUP_INDICATORS:
        value = rec.get(col)
        if col in _INDICATOR_SKIP or is_missing(value):
            continue
        label = text(f"indicator.{col}", lang)
        rows.append(
            f"<tr><th>{esc(label)}</th><td>{esc(indicator_value(col, value, lang))}</td></tr>"
        )
    return rows


def town_facts(row, exposure: ExposureTimeline, *, lang: str = DEFAULT_LANG) -> str:
    """The fixed part of a town's popup (escaped HTML): its region, cercle and population. The
    indicators of the selected date follow (:mod:`maps.timeline`); :func:`indicators_html`."""
    facts = [
        (text("region_2023", lang), row["region_2023"]),
        (text("cercle", lang), row["cercle"]),
        (text("population", lang), row["population"]),
        (text("population_year", lang), row["population_year"]),
    ]
    cells = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts if not is_missing(v)
    )
    return f"<table>{cells}</table>"


def indicators_html(town_id, exposure: ExposureTimeline, *, lang: str = DEFAULT_LANG) -> str:
    """The indicators of ``exposure.as_of`` folded away in a ``<details>`` element."""
    rows = "".join(indicator_rows(exposure.details, town_id, lang))
    heading = esc(text("indicators", lang, date=date_text(exposure.as_of, lang)))
    return f"<details><summary>{heading}</summary><table>{rows}</table></details>"


def add_towns(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    exposure: ExposureTimeline,
    *,
    step: int,
    lang: str = DEFAULT_LANG,
    name: str | None = None,
) -> folium.GeoJson:
    """Add the towns with a coordinate as circles coloured by their class at timeline ``step``.

    The circles sit in their own pane (:data:`maps.style.PANES`), above the site symbols, so a
    town that had a site is still clicked as a town. The popup's head (class, score, rank and
    reasons at the selected date) is written by the time control (:mod:`maps.timeline`); the
    features carry the escaped title and the fixed facts (:func:`town_facts`).
    """
    column = exposure.classes.columns[step]

    def props(row):
        cls = exposure.classes.at[row["town_id"], column]
        title = f"<h4>{esc(row['name'])}</h4>"
        facts = town_facts(row, exposure, lang=lang)
        folded = indicators_html(row["town_id"], exposure, lang=lang)
        label = text(f"class.{cls}", lang) if isinstance(cls, str) else text("no_class", lang)
        return {
            "id": row["town_id"],
            "fill": EXPOSURE_COLOURS.get(cls, UNKNOWN_COLOUR),
            "tooltip": esc(f"{row['name']}: {label}"),
            "title": title,
            "facts": facts,
            "popup": f'<div class="minusma-popup">{title}{facts}{folded}</div>',
        }

    layer = data_layer(
        feature_collection(gdf, props),
        name=name or text("layer.towns", lang),
        point_to_layer=_TOWN_MARKER,
        attribution=quoted_html(CREDITS["towns"]),
    )
    return layer.add_to(m)


def read_settlements(data_dir: str | os.PathLike) -> gpd.GeoDataFrame:
    """The OCHA COD populated places of ``data_dir`` (read in place, never copied, validated).

    Raises
    ------
    DataDirError
        The file is absent or unreadable.
    SchemaError
        The file fails the registry's checks (CRS, bounds, columns, empty).
    """
    from minusma.layers.datasets import read_dataset

    # the checks of `minusma data` (readable, EPSG:4326, within Mali, not empty, columns), so that
    # a damaged, reprojected or lat/lon-swapped file is an error, never a wrong map
    return read_dataset("cod_places", data_dir)


def add_settlements(
    m: folium.Map,
    gdf: gpd.GeoDataFrame,
    *,
    name: str | None = None,
    show: bool = True,
    step_classes: pd.DataFrame | None = None,
    step: int = 0,
    lang: str = DEFAULT_LANG,
) -> CanvasPlaces:
    """Add every populated place as a dot of ONE canvas layer; a click shows its name, class and
    P-codes. With ``step_classes`` (:func:`minusma.maps.exposure.step_classes`) the dots take the
    colour of their exposure class at the time control's step (``step`` on opening).

    See :mod:`maps.places` for the packing (coordinates to 5 decimals) and the JS layer.
    """
    from minusma.layers.settlements import CLASS_LABELS

    style = {
        "color": SETTLEMENT["colour"],
        "opacity": SETTLEMENT["opacity"],
        "radius": SETTLEMENT["radius_px"],
    }
    layer = CanvasPlaces(
        gdf,
        name=name or text("layer.places", lang),
        attribution=quoted_html(CREDITS["settlements"]),
        style=style,
        classes=CLASS_LABELS,
        show=show,
        step_classes=step_classes,
        step=step,
        lang=lang,
    )
    logger.info("settlements layer: %d points", layer.count)
    return layer.add_to(m)
