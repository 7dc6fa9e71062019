"""The one style table of the maps: colours, symbols, line styles and labels, shared by the
interactive (folium) and the static (matplotlib) maps so that both tell the same story."""

from __future__ import annotations

__all__ = [
    "AIRPORT",
    "AIR_ACTIVE_STATUSES",
    "AIR_OPERATORS",
    "COVERAGE_BEFORE",
    "COVERAGE_NOW",
    "CREDITS",
    "EXPOSURE_CLASSES",
    "EXPOSURE_COLOURS",
    "EXPOSURE_LABELS",
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
    "TITLE",
    "UNKNOWN_COLOUR",
]

TITLE = "MINUSMA withdrawal 2023-2024: which Malian towns were left exposed"

#: Exposure classes, least to most exposed (the order of the assessment's ``exposure_class``).
EXPOSURE_CLASSES = ("low", "moderate", "high", "severe")
EXPOSURE_COLOURS = {"low": "#1a9850", "moderate": "#fee08b", "high": "#f46d43", "severe": "#a50026"}
EXPOSURE_LABELS = {"low": "low", "moderate": "moderate", "high": "high", "severe": "severe"}
UNKNOWN_COLOUR = "#9e9e9e"

#: MINUSMA site kinds (``layers.bases.KINDS``): symbol drawn in the marker, colour, label.
SITE_KINDS = {
    "mission_hq": {"symbol": "\u2605", "colour": "#08306b", "label": "mission headquarters"},
    "sector_hq_camp": {
        "symbol": "\u25a0",
        "colour": "#08519c",
        "label": "sector headquarters camp",
    },
    "camp": {"symbol": "\u25b2", "colour": "#2171b5", "label": "camp"},
    "temporary_operating_base": {
        "symbol": "\u25cf",
        "colour": "#6baed6",
        "label": "temporary operating base",
    },
}
#: How a site closed by the selected date is drawn (same symbol, this colour, faded).
SITE_CLOSED = {"colour": "#7f7f7f", "opacity": 0.55, "label": "closed by the selected date"}

#: Road classes (``layers.roads``): colour and weight. Every road line is schematic: drawn dashed.
ROAD_CLASSES = {
    "paved": {"colour": "#4d4d4d", "weight": 3.0, "label": "paved"},
    "unpaved": {"colour": "#8c6d31", "weight": 2.5, "label": "unpaved"},
    "track": {"colour": "#bf812d", "weight": 2.0, "label": "track"},
    "unverified": {"colour": "#c2a5cf", "weight": 2.0, "label": "class unverified"},
}
ROAD_DASH = "6 4"
NO_DETOUR = {
    "colour": "#e7298a",
    "weight": 9.0,
    "opacity": 0.45,
    "label": "no detour: the only link in the mapped road network",
}

#: River reaches by ``navigable`` (True, False, unknown).
RIVER_REACHES = {
    True: {
        "colour": "#08519c",
        "weight": 5.0,
        "dash": None,
        "label": "Niger, navigable reach (seasonal)",
    },
    False: {"colour": "#6baed6", "weight": 2.5, "dash": "4 4", "label": "Niger, not navigable"},
    None: {
        "colour": "#9ecae1",
        "weight": 2.5,
        "dash": "1 5",
        "label": "Niger, navigability not reported",
    },
}

#: Air-link operators; ended links are dashed and faded.
AIR_OPERATORS = {
    "MINUSMA": {"colour": "#2171b5", "label": "MINUSMA flights"},
    "Sky Mali": {"colour": "#e6550d", "label": "Sky Mali"},
    "UNHAS (WFP)": {"colour": "#31a354", "label": "UNHAS (WFP)"},
}
AIR_OTHER = {"colour": "#636363", "label": "other operator"}
#: ``air_links.status`` values that mean the link was still flown when last reported.
AIR_ACTIVE_STATUSES = ("no_end_reported", "interrupted")
AIR_ENDED_DASH = "2 6"
AIRPORT = {"symbol": "\u2708", "colour": "#252525", "label": "airport or airstrip"}

REGION = {"colour": "#737373", "weight": 1.0, "fill": "#f7f7f7", "fill_opacity": 0.35}
REGION_CENTRAL = {
    "colour": "#d95f0e",
    "weight": 2.0,
    "fill": "#fee6ce",
    "fill_opacity": 0.45,
    "label": "central zone of the 2023 plan (pre-2016 Mopti and Ségou regions)",
}
SETTLEMENT = {
    "colour": "#54278f",
    "radius_px": 1.6,
    "opacity": 0.6,
    "label": "populated place (OCHA COD, 18,769)",
}
COVERAGE_BEFORE = {
    "colour": "#2171b5",
    "dash": "5 5",
    "fill_opacity": 0.0,
    "label": "coverage radius before the withdrawal",
}
COVERAGE_NOW = {
    "colour": "#2171b5",
    "fill_opacity": 0.12,
    "label": "coverage radius at the selected date",
}

TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

#: Short credit per layer, shown in the map's attribution control while the layer is on
#: (the legend lists every source in full, from the layer registry).
CREDITS = {
    "regions": "Natural Earth",
    "river": "Niger: Logistics Cluster et al.",
    "roads": "Roads: sources per feature",
    "airports": "OurAirports via airportsdata",
    "air_links": "Air links: sources per feature",
    "towns": "OCHA COD, GeoNames, Wikipedia",
    "bases": "MINUSMA sites: UN and news sources per feature",
    "settlements": "OCHA COD populated places (CC BY-IGO)",
}

#: Leaflet panes (z-index): regions and the offline outline, then the distance-surface image
#: (``maps.surface``), then the settlements, all under every other overlay (Leaflet's overlay pane is 400).
PANES = {"minusma-backdrop": 350, "minusma-surface": 360, "minusma-settlements": 380}
