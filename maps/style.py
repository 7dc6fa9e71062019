"""The one style table of the maps: colours, symbols and line styles.

Shared by the interactive (folium) and the static (matplotlib) maps so that both tell the same
story. The maps' words (labels, headings, the title) are in :mod:`maps.i18n`, one table per
language; the English labels of ``layers/data/styles.json`` serve the QGIS styles only and are
left out here.
"""

from __future__ import annotations

import json

from minusma.layers.styles import read_styles

__all__ = [
    "AIRPORT",
    "AIR_ACTIVE_STATUSES",
    "AIR_OPERATORS",
    "COVERAGE_BEFORE",
    "COVERAGE_NOW",
    "CREDITS",
    "EVENT",
    "EXPOSURE_CLASSES",
    "EXPOSURE_COLOURS",
    "NO_DETOUR",
    "PANES",
    "REGION",
    "REGION_CENTRAL",
    "RIVER_REACHES",
    "ROAD_CLASSES",
    "SETTLEMENT",
    "SITE_CLOSED",
    "SITE_KINDS",
    "TILE_ATTRIBUTION",
    "UNKNOWN_COLOUR",
]

#: The style definitions themselves live in ``layers/data/styles.json``, the one table that the
#: maps here and the QGIS styles of the GeoPackage export (``layers.styles``) both read.


def _unlabelled(value):
    """``value`` without its ``label`` entries, at any depth (the maps take words from i18n)."""
    if isinstance(value, dict):
        return {k: _unlabelled(v) for k, v in value.items() if k != "label"}
    return value


_STYLES = _unlabelled(read_styles())

#: Exposure classes, least to most exposed (the order of the assessment's ``exposure_class``).
EXPOSURE_CLASSES = tuple(_STYLES["exposure_classes"])
EXPOSURE_COLOURS = _STYLES["exposure_colours"]
UNKNOWN_COLOUR = _STYLES["unknown_colour"]

#: MINUSMA site kinds (``layers.bases.KINDS``): symbol drawn in the marker, colour.
SITE_KINDS = _STYLES["site_kinds"]
#: How a site closed by the selected date is drawn (same symbol, this colour, faded).
SITE_CLOSED = _STYLES["site_closed"]

#: Road classes (``layers.roads``): colour and weight. Every road line is schematic: drawn dashed.
ROAD_CLASSES = _STYLES["road_classes"]
ROAD_DASH = _STYLES["road_dash"]
NO_DETOUR = _STYLES["no_detour"]

#: River reaches by ``navigable`` (True, False, unknown).
RIVER_REACHES = {json.loads(k): v for k, v in _STYLES["river_reaches"].items()}

#: Air-link operators; ended links are dashed and faded.
AIR_OPERATORS = _STYLES["air_operators"]
AIR_OTHER = _STYLES["air_other"]
#: ``air_links.status`` values that mean the link was still flown when last reported.
AIR_ACTIVE_STATUSES = tuple(_STYLES["air_active_statuses"])
AIR_ENDED_DASH = _STYLES["air_ended_dash"]
AIRPORT = _STYLES["airport"]

REGION = _STYLES["region"]
REGION_CENTRAL = _STYLES["region_central"]
SETTLEMENT = _STYLES["settlement"]
COVERAGE_BEFORE = _STYLES["coverage_before"]
COVERAGE_NOW = _STYLES["coverage_now"]
EVENT = _STYLES["event"]

TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

#: Short credit per layer, shown in the map's attribution control while the layer is on
#: (the legend lists every source in full, from the layer registry).
CREDITS = {
    "regions": "Natural Earth",
    "regions_2023": "Regions 2023: OCHA COD cercles (CC BY-IGO) + crosswalk",
    "river_ne": "Niger: Natural Earth",
    "river": "Niger: Logistics Cluster et al.",
    "roads": "Roads: sources per feature",
    "airports": "OurAirports via airportsdata",
    "air_links": "Air links: sources per feature",
    "towns": "OCHA COD, GeoNames, Wikipedia",
    "bases": "MINUSMA sites: UN and news sources per feature",
    "settlements": "OCHA COD populated places (CC BY-IGO)",
    "events": "Events: news and UN sources per event",
}

#: Leaflet panes (z-index): regions and the offline outline, then the distance-surface image
#: (``maps.surface``), then the settlements, all under every other overlay (Leaflet's overlay
#: pane is 400); the towns above the site symbols (marker pane 600), below tooltips (650) and
#: popups (700).
PANES = {
    "minusma-backdrop": 350,
    "minusma-surface": 360,
    "minusma-settlements": 380,
    "minusma-towns": 620,
}
