"""Every word the package shows a person, in English and French: one table per language.

One place for the maps, the PNG, ``towns``, the report, the charts, the QGIS style labels, the
reasons of the assessment and the column headers of the commands (:func:`column_label`).

Data values (names, sources) stay as sourced; the package's own labels, headings, legend,
timeline texts, indicator names and values and the reasons' templates (``reason.*``, filled by
:mod:`minusma.geo.exposure.reasons`) are translated. :func:`text` formats a string with
``str.format`` fields; :func:`date_text` writes a date with the language's month names and
:func:`number_text` a number with its decimal separator.

>>> text("rank_of", "fr", n=3, m=191)
'rang 3 sur 191'
"""

from __future__ import annotations

import datetime as dt
import re

from minusma.geo._errors import UnknownNameError

__all__ = [
    "COLUMN_ALIASES",
    "COLUMN_SUFFIXES",
    "DECIMAL",
    "DEFAULT_LANG",
    "LANGS",
    "STRINGS",
    "Phrase",
    "column_label",
    "date_text",
    "number_text",
    "of_name",
    "phrase_text",
    "term",
    "text",
]

#: The language of a map unless asked otherwise.
DEFAULT_LANG = "en"

_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "MINUSMA withdrawal 2023-2024: which Malian towns were left exposed",
        "legend": "Legend",
        "towns_heading": "Towns: exposure class",
        "class.low": "low",
        "class.moderate": "moderate",
        "class.high": "high",
        "class.severe": "severe",
        "no_class": "no class",
        "class_range": "{label}: score {lo} to {hi}",
        "class_top": "{label}: score {lo} or more",
        "score_note": (
            "The score (0 to 10, higher = more exposed) averages three parts: security (the UN "
            "site that protected the town closed), road access (hours and number of routes to "
            "Bamako) and air (flights that ended). Missing parts are left out, never counted as 0."
        ),
        "model_note": "Model: radius {radius_km:g} km, {season} season{whatif}.",
        "whatif": ", what-if scenario ({parts})",
        "whatif_sep": "; ",
        "whatif.close": "closed early: {names}",
        "whatif.keep": "kept open: {names}",
        "whatif.close_roads": "roads cut: {names}",
        "whatif.disabled_links": "air links off: {names}",
        "whatif.disabled_operators": "air operators off: {names}",
        "season.dry": "dry",
        "season.wet": "wet",
        "sites_heading": "MINUSMA sites",
        "site.mission_hq": "mission headquarters",
        "site.sector_hq_camp": "sector headquarters camp",
        "site.camp": "camp",
        "site.temporary_operating_base": "temporary operating base",
        "site_closed": "site closed by the selected date",
        "coverage_before": "coverage radius before the withdrawal ({radius_km:g} km)",
        "coverage_now": "coverage radius at the selected date ({radius_km:g} km)",
        "roads_heading": "Roads (all lines schematic, dashed)",
        "road.paved": "paved",
        "road.unpaved": "unpaved",
        "road.track": "track",
        "road.unverified": "class unverified",
        "no_detour": "no detour: the only link in the mapped road network",
        "river_air_heading": "River and air",
        "river.true": "Niger, navigable reach (seasonal)",
        "river.false": "Niger, not navigable",
        "river.none": "Niger, navigability not reported",
        "air_active": "{operator} air link, active",
        "air_ended": "air link ended or suspended (colour = operator)",
        "airport": "airport or airstrip",
        "region_central": "central zone of the 2023 plan (pre-2016 Mopti and Ségou regions)",
        "region_central_2023": "central zone of the 2023 plan (2023 regions built from cercles)",
        "settlement": "populated place (OCHA COD, {n:,})",
        "sources": "Sources",
        "tiles_credit": "Background tiles: © OpenStreetMap contributors (ODbL)",
        "search": "Search a town or P-code",
        "search_none": "no town found",
        "search_places": "Search a town, populated place or P-code",
        # popups
        "class": "class",
        "score": "score",
        "rank_of": "rank {n} of {m}",
        "on_date": "on {date}",
        "reasons": "Why",
        "no_reasons": "no reason recorded",
        "indicators": "Indicators (as of {date})",
        "region_2023": "region (2023)",
        "cercle": "cercle",
        "population": "population",
        "population_year": "population year",
        # timeline
        "timeline": "Withdrawal timeline",
        "step_before": "{date}: before the withdrawal",
        "step_closed": "{date}: closed {names}",
        "sites_open": "{n} of {m} MINUSMA sites open",
        "sites_open_short": "{n}/{m} sites open",
        "time_more": "show or hide the details of the timeline",
        "air_flown": "{n} of {m} air links flown",
        "prev": "previous closure date",
        "next": "next closure date",
        "slider": "closure date",
        "cover_circles": "Coverage circles:",
        "cover_before": "before the withdrawal",
        "cover_now": "selected date",
        "cover_both": "both",
        # layer names
        "layer.towns": "Towns (colour = exposure class)",
        "layer.sites_open": "MINUSMA sites open (symbol by kind)",
        "layer.sites_closed": "MINUSMA sites closed (faded)",
        "layer.places": "Populated places (OCHA COD)",
        "layer.events": (
            "Security events up to the selected date ({n} of {m} mapped; {skipped} without a point)"
        ),
        "events_legend": (
            "security or access event, shown up to the selected date (layer off by default; "
            "{n} of {m} have a point)"
        ),
        "layer.regions_2023": "Regions 2023 (from cercles; central zone filled)",
        "layer.river_ne": "Niger river (Natural Earth, real course)",
        "river_ne_tooltip": "{name} (Natural Earth, real course)",
        "popup.region_old": "region before 2016",
        "popup.cercles": "cercles",
        "popup.cercle_pcodes": "cercle P-codes",
        "popup.central_zone": "central zone (2023)",
        "popup.area_km2": "area (km²)",
        "popup.confidence": "confidence",
        "popup.note": "note",
        "popup.source": "source",
        "popup.feature": "feature",
        "popup.length_km": "length in Mali (km)",
        "popup.yes": "yes",
        "popup.no": "no",
        "place.exposure": "exposure class at the selected date",
        "place.placeClass": "class",
        "place.pcode": "P-code",
        "place.commune": "commune",
        "place.cercle": "cercle",
        "place.region": "region (2015)",
        "settlement_classed": (
            "populated place (OCHA COD, {n:,}), coloured by its exposure class at the selected date"
        ),
        "event.date": "date",
        "event.place": "place",
        "event.type": "type",
        "event.actor": "actor (as reported)",
        "event.fatalities": "fatalities (as reported)",
        "event.unknown": "not reported",
        "event.description": "what happened",
        "event.confidence": "confidence",
        "event.point": "point from",
        "event.source": "source",
        "event.source_2": "second source",
        # layers and popups
        "layer.regions": "Regions (central zone highlighted)",
        "layer.outline": "Mali outline",
        "layer.river": "Niger river (navigable reach bold)",
        "layer.roads": "Roads (by class; schematic lines dashed)",
        "layer.no_detour": "Roads with no detour (highlight)",
        "layer.airports": "Airports and airstrips",
        "layer.air_links": "Air links (by operator; ended dashed)",
        "layer.coverage_before": "Coverage before the withdrawal ({radius_km:g} km)",
        "layer.coverage_now": "Coverage at the selected date ({radius_km:g} km)",
        "layer.distance_before": "Distance to nearest open site, before the withdrawal ({date})",
        "layer.distance_on": "Distance to nearest open site on {date}",
        "distance_heading": "Distance to the nearest open site (overlay, off by default)",
        "distance_note": (
            "km, geodesic from each WorldPop cell centre (cells of about 18 km); transparent "
            "outside Mali. {credit}; grid: {grid}"
        ),
        "region_central_name": "{name} (central zone)",
        "popup.iso_3166_2": "ISO 3166-2",
        "popup.ocha_pcode": "OCHA P-code",
        "popup.regions_2023_inside": "2023 regions inside",
        "popup.status": "status",
        "popup.season": "season",
        "popup.length_published_km": "length (published, km)",
        "popup.places": "places",
        "popup.geometry": "geometry",
        "river_tooltip": "{name} ({status})",
        "river_tooltip_schematic": "{name} ({status}, schematic line)",
        "river_schematic": "schematic line through the river places, not the river bed",
        "popup.kind": "kind",
        "popup.town": "town",
        "popup.sector": "sector",
        "popup.region_2023": "region (2023)",
        "popup.contingents": "contingents",
        "popup.closure_date": "closure date",
        "popup.closure_order": "closure order",
        "popup.phase": "phase",
        "popup.date_note": "date note",
        "popup.point": "point",
        "popup.source_2": "second source",
        "site_tooltip": "{name} ({kind}; {status})",
        "site_closed_on": "closed on {date}",
        "site_open_until": "open until {date}",
        "popup.class": "class",
        "popup.surface": "surface",
        "popup.length_km_plain": "length (km)",
        "popup.length_method": "length method",
        "popup.ferry": "ferry crossing",
        "popup.no_detour": "no detour",
        "popup.notes": "notes",
        "road_no_detour_yes": "yes: the only link between its towns in the mapped network",
        "road_schematic": "schematic: straight line between towns, not the road's course",
        "road_tooltip_schematic": "(schematic line)",
        "road_tooltip_no_detour": "– no detour",
        "road_halo_tooltip": "no detour: {a} – {b}",
        "popup.city": "city",
        "popup.region": "region",
        "popup.elevation_m": "elevation (m)",
        "popup.role": "role 2020-2024",
        "popup.runway": "runway",
        "popup.point_source": "point source",
        "popup.role_source": "role source",
        "popup.operator": "operator",
        "popup.service": "service",
        "popup.via": "via",
        "popup.period": "period",
        "popup.start": "start",
        "popup.end": "end",
        "popup.frequency": "frequency",
        "air_schematic": "schematic great-circle route",
        "air.active": "active",
        "air.ended": "ended",
        "air.not_started": "not started",
        "air_tooltip": "{name} ({state}; schematic route)",
        "air_tooltip_on": "{name} ({state} on {date}{end}; schematic route)",
        "air_end": "; end {date}, {note}",
        "air_end_period": "end of the reported period",
        "air_end_closure": "closure of {site}",
        # static map
        "png_situation": "situation on {date}: {n} of {m} MINUSMA sites open",
        "png_town": "town: {label} exposure",
        "png_open_site": "open {label}",
        "png_road": "road: {label} (schematic)",
        "png_central": "central zone (2023 plan)",
        "png_coverage": "coverage of open sites ({radius_km:g} km)",
        # reasons of the assessment: one template per code (geo.exposure.reasons); fields with
        # ":km"/":h" are whole numbers, ":iso" an ISO date, ":date" a date in words, ":of" a
        # name after "of"/"de" (i18n.of_name; French elided: d'Ansongo)
        "reason.coverage_lost": "lost coverage from {base} ({km:km} km)",
        "reason.coverage_lost_on": "lost coverage from {base} ({km:km} km) on {date:iso}",
        "reason.off_road": ("not on the road layer (nearest node {km:km} km): road access unknown"),
        "reason.no_route": "no road route to Bamako",
        "reason.single_route": (
            "one road route to Bamako: {n} segment(s) each cut it off (nearest: {segment})"
        ),
        "reason.road_timed": "Bamako {km:km} km, {h:h} h by road",
        "reason.road_untimed": "Bamako {km:km} km by road (time unknown: speed missing)",
        "reason.no_airstrip": "no airstrip within {km:km} km",
        "reason.air_ended": "no documented air service after the withdrawal ({icao})",
        "reason.air_unknown": "air service after the withdrawal unknown",
        "reason.air_un_only": "air access depended on MINUSMA/UNHAS only",
        "reason.riverside": "riverside on the navigable Niger",
        "reason.central": "central region",
        "reason.sep": "; ",
        # indicators (popups, towns table, report): names and coded values
        "indicator.base_before_name": "site before",
        "indicator.base_before_km": "km to the site before",
        "indicator.covered_before": "covered before",
        "indicator.base_after_name": "site after",
        "indicator.base_after_km": "km to the site after",
        "indicator.covered_after": "covered after",
        "indicator.coverage_lost_on": "coverage lost on",
        "indicator.on_road_network": "on the road network",
        "indicator.bamako_road_km": "road km to Bamako",
        "indicator.bamako_travel_h": "hours to Bamako by road",
        "indicator.bamako_routes": "road routes to Bamako",
        "indicator.riverside": "riverside",
        "indicator.airport_icao": "nearest airport (ICAO)",
        "indicator.airport_km": "km to the airport",
        "indicator.air_state": "air service",
        "indicator.air_depended_on_un": "air access depended on the UN",
        "indicator.security_score": "security score",
        "indicator.access_score": "road access score",
        "indicator.lifeline_score": "air score",
        "indicator.missing_indicators": "missing indicators",
        "indicator.data_gap": "data gap",
        "indicator.km_to_site_before": "km to the site before",
        "indicator.km_to_open_site": "km to the nearest open site",
        "indicator.covered_now": "covered at the selected date",
        "air_state.served": "served",
        "air_state.none_documented": "no documented service",
        "air_state.unknown": "unknown",
        "air_state.no_airstrip_in_reach": "no airstrip in reach",
        "score_part.security_loss_score": "security",
        "score_part.bamako_time_score": "time to Bamako",
        "score_part.bamako_routes_score": "routes to Bamako",
        "score_part.air_score": "air",
        "confidence.high": "high",
        "confidence.medium": "medium",
        "confidence.low": "low",
        "length_method.estimate": "estimate",
        "length_method.published": "published",
        "length_method.calibrated": "calibrated",
        "length_method.straight_line": "straight line",
        "length_method.unknown": "unknown",
        "service_type.humanitarian": "humanitarian",
        "service_type.mission": "mission",
        "service_type.scheduled": "scheduled",
        "air_status.ended_or_unknown": "ended or unknown",
        "air_status.ended": "ended",
        "air_status.no_end_reported": "no end reported",
        "air_status.interrupted": "interrupted",
        "air_status.suspended": "suspended",
        "event_type.blockade": "blockade",
        "event_type.attack_camp": "attack on a camp",
        "event_type.attack_convoy": "attack on a convoy",
        "event_type.capture": "capture",
        "event_type.attack_town": "attack on a town",
        "event_type.massacre": "massacre",
        "event_type.attack_aircraft": "attack on an aircraft",
        "event_type.ied": "improvised explosive device",
        "event_type.other": "other",
        "event_type.attack_boat": "attack on a boat",
        "event_type.attack_airport": "attack on an airport",
        "event_type.flight_suspension": "flights suspended",
        "date_precision.day": "day",
        "date_precision.week": "week",
        "date_precision.month": "month",
        "control.layers": "Layers",
        "control.zoom_in": "Zoom in",
        "control.zoom_out": "Zoom out",
        "control.fullscreen": "Full screen",
        "control.fullscreen_exit": "Exit full screen",
        "site_short": "{kind} {of_town}",
        # QGIS styles of the GeoPackage (layers.styles)
        "qgis.style_name": "minusma-exposure style",
        "qgis.unknown_class": "unknown (an indicator is missing)",
        "qgis.site_open": "{kind}, open on {date}",
        "qgis.site_closed": "{kind}, closed by {date}",
        "qgis.road": "{label} (schematic)",
        "qgis.air": "{operator}, {state}",
        "qgis.air_flown": "flown when last reported",
        "qgis.other_operator": "other operator",
        "qgis.region": "region",
        "qgis.region_2023": "region (2023, built from cercles)",
        "qgis.cercle": "cercle",
        "qgis.commune": "commune",
        "qgis.town": "town (gazetteer)",
        "qgis.settlement": "populated place (OCHA COD)",
        "qgis.event": "security or access event",
        "qgis.forecast.high": "forecast: high (top third of expected events)",
        "qgis.forecast.medium": "forecast: medium",
        "qgis.forecast.low": "forecast: low, or no event expected",
        "qgis.forecast.none": "no forecast (history too short here)",
        "qgis.site_period_open": "UN site, open at the end of the record (Geo-PKO)",
        "qgis.site_period_closed": "UN site, a period that closed (Geo-PKO)",
        "qgis.river_place": "river place (vertex of the schematic Niger)",
        "qgis.feature": "feature",
        # the towns command's table (minusma towns)
        "towns.note": "as of {as_of}, season {season}, radius {radius_km} km, model {model}",
        "towns.rank": "rank",
        "towns.town": "town",
        "towns.class": "class",
        "towns.score": "score",
        "towns.data_gap": "data gap",
        "towns.robustness": "robustness",
        "towns.rank_range": "rank range {lo}-{hi}",
        "towns.uncertain": ", class uncertain",
        "towns.no_reasons": "no reasons recorded",
        # the tables of the commands (minusma.layouts): compact headers, lines above and below
        "summary.title": (
            "before = {before}, after = {as_of}; census_hs: census people in places classed high "
            "or severe (no_census: such places without a figure)"
        ),
        "summary.places": "places",
        "summary.no_unit": "(unknown)",
        "summary.high": "high",
        "summary.severe": "severe",
        "summary.census_hs": "census_hs",
        "summary.no_census": "no_census",
        "summary.single_road": "single_road",
        "summary.lost_cover": "lost_cover",
        "summary.lost_first_last": "lost_first..last",
        "summary.wp_near_site_before": "wp_near_site_before",
        "summary.wp_near_site_after": "wp_near_site_after",
        "scenarios.scenario": "scenario",
        "scenarios.high": "high",
        "scenarios.severe": "severe",
        "scenarios.people_exposed": "people exposed",
        "scenarios.no_population": "(no pop.)",
        "scenarios.covered": "covered",
        "scenarios.people_covered": "people covered",
        "validate.title": (
            "events: {events_file} ({events_format}), {window[0]} to {window[1]}\n"
            "  {n_events} in the window, {events_matched} within {match_km:g} km of a place, "
            "{events_unlocated} not locatable, {events_too_imprecise} located coarser than "
            "{max_precision_km} km; left out: {events_dropped}\n"
            "places: {places} as of {as_of}: {n_places} ({n_places_unlabelled} without a "
            "point), {n_positive} positive\n"
            "sample: {sample} ({sample_note_code})\n"
            "intervals: {interval}, {n_boot} draws, seed {seed}\n"
        ),
        "validate.sample.in-sample": "in-sample",
        "validate.sample.out-of-sample": "out-of-sample",
        "validate.sample.mixed": "mixed",
        "validate.note.hand_set": (
            "the model is hand-set (INFORM-style rules, equal weights), not fitted on any events"
        ),
        "validate.note.before_fit": (
            "every event in the window is on or before the fit date {fit_until}"
        ),
        "validate.note.after_fit": "every event in the window is after the fit date {fit_until}",
        "validate.note.straddles": (
            "the window straddles the fit date {fit_until}: split it with from_date/to_date"
        ),
        "validate.note.no_events": "no events in the window",
        "validate.places.given frame": "given frame",
        "validate.places.towns": "towns",
        "validate.places.settlements": "settlements",
        "validate.format.shipped": "shipped",
        "validate.interval.95 % percentile bootstrap over places (paired across rankings)": (
            "95 % percentile bootstrap over places (paired across rankings)"
        ),
        "validate.ranking": "ranking",
        "validate.kind": "kind",
        "validate.auc": "AUC [95% CI]",
        "validate.ap": "AP [95% CI]",
        "validate.scored": "scored",
        "validate.pos": "pos",
        "validate.diff_auc": "composite - this AUC",
        "interval": "{value} [{low}, {high}]",
        "validate.p_at": "P@{k}",
        "validate.kind.composite": "composite",
        "validate.kind.dimension": "dimension",
        "validate.kind.indicator": "indicator",
        "validate.kind.baseline": "baseline",
        "scenarios.id.none-closed": "none-closed",
        "scenarios.id.none-kept": "none-kept",
        "scenarios.id.close": "close-{rest}",
        "scenarios.id.keep": "keep-{rest}",
        "scenarios.note": "{n} scenarios on {places} {kind}, radius {radius_km} km, as of {as_of}",
        "scenarios.last_closure": "the last closure",
        "size.kb": "{n} kB",
        "size.mb": "{n} MB",
        "route.step": "step",
        "route.label": "label",
        "route.road_class": "road_class",
        "route.length_km": "length_km",
        "route.travel_h": "travel_h",
        "route.data_gap": "data_gap",
        "route.gap.schematic geometry": "schematic geometry",
        "route.gap.no dry-season speed": "no dry-season speed",
        "route.gap.no wet-season speed": "no wet-season speed",
        "route.none": "no road route from {origin} to {destination}",
        "route.total": "total: {length_km} km, {hours} ({season} season, by {by})",
        "route.hours": "{h} h",
        "route.hours_unknown": "unknown",
        "route.by.distance": "distance",
        "route.by.time": "time",
        "population.title": (
            "People within {radius_km} km of an open MINUSMA site (WorldPop 2020, ~18 km cells: "
            "rough)\n"
            "  before ({before}, {sites_before} sites): {people_before}  -- the Bamako HQ "
            "dominates; without it: {people_before_without_hq}\n"
            "  after ({as_of}, {sites_after} sites): {people_after} (without the HQ: "
            "{people_after_without_hq})\n"
        ),
        "population.date": "date",
        "population.closed": "closed",
        "population.before_any": "before",
        "population.open": "open",
        "population.people": "people",
        "population.without_hq": "without HQ",
        "population.lost": "lost",
        "population.regions_title": "{unit}: people within {radius_km} km before and on {as_of}",
        "population.unit.central_2023": "2023 central regions",
        "population.unit.regions_old": "regions (pre-2016)",
        "population.region": "region",
        "population.population": "population",
        "population.before": "before",
        "population.after": "after",
        "population.share": "share",
        "plan.title": "{keep} site(s) kept, {objective}, radius {radius_km} km; {unit}",
        "plan.objective.covered": "most covered",
        "plan.objective.exposed": "fewest exposed",
        "plan.unit.people (census)": "people (census)",
        "plan.unit.people (WorldPop 2020)": "people (WorldPop 2020)",
        "plan.unit.people (census) in high/severe places": "people (census) in high/severe places",
        "plan.unit.places classed high/severe (no population figures)": (
            "places classed high/severe (no population figures)"
        ),
        "plan.answer.optimum": "optimum",
        "plan.answer.exhaustive": "exhaustive",
        "plan.answer.greedy": "greedy",
        "plan.answer.actual": "actual",
        "plan.value": "value",
        "plan.gain": "gain",
        "plan.gain_over": "gain over actual ",
        "plan.best_single": "  best single site: {site} ({value})",
        "plan.note": "  {name}: {value}",
        "plan.note.demand_points": "demand points",
        "plan.note.places_without_population": "places without population",
        "plan.note.search": "search",
        "plan.note.as_of": "as of",
        "plan.search.exhaustive": "exhaustive",
        "plan.search.greedy only (too many combinations; raise --max-scenarios)": (
            "greedy only (too many combinations; raise --max-scenarios)"
        ),
        "plan.caveats": "caveats:",
        "plan.caveat_line": "  - {caveat}",
        "plan.caveat.census": (
            "people are census figures of the assessed places where known (mostly RGPH 2009, "
            "commune level, attached to a town point); places without a figure are left out, not "
            "zero"
        ),
        "plan.caveat.worldpop": (
            "people are WorldPop 2020 cells of about 18 km inside Mali, each counted at its "
            "centre: covered when the centre lies within the radius"
        ),
        "plan.caveat.points": (
            "sites and places are points (town centres, not camp perimeters); the radius is a "
            "modelling choice (--radius-km)"
        ),
        "plan.caveat.bamako": (
            "the Bamako HQ sits in a city of about 3 million: any answer that keeps it covers "
            "them (leave it out with --june-2023-count)"
        ),
        # minusma layers: headings, headers; layer titles as the registry's (test_cli_french.py)
        "layers.heading": "{kind}",
        "layers.heading.shipped": "Shipped layers:",
        "layers.heading.open": (
            "Open-data layers (need --data DIR or MINUSMA_DATA; see `minusma data`):"
        ),
        "layers.heading.analysis": (
            "Analysis layers (computed by the assessment; written by `minusma export`):"
        ),
        "layers.layer": "layer",
        "layers.title": "title",
        "layers.geometry": "geometry",
        "layers.geometry_kind": "geometry_kind",
        "layers.licence": "licence",
        "layers.kind.real": "real",
        "layers.kind.schematic": "schematic",
        "layers.kind.town_point": "town_point",
        "layers.title.bases": "MINUSMA sites closed in the 2023-2024 withdrawal",
        "layers.title.towns": "Towns of Mali named by the MINUSMA facts (gazetteer)",
        "layers.title.regions": "Regions of Mali (pre-2016 structure) with the 2023 central zone",
        "layers.title.river": "The Niger through Mali (schematic, by reach)",
        "layers.title.river_places": "Riverside places of the Niger, upstream to downstream",
        "layers.title.roads": "Road links between towns (schematic)",
        "layers.title.airports": "Airports and airstrips of Mali",
        "layers.title.air_links": "Air links: Sky Mali, UNHAS and MINUSMA (schematic routes)",
        "layers.title.events": "Security and access events in Mali, July 2023 to June 2024",
        "layers.title.cercles": "Cercles of Mali (OCHA COD 2015) with their 2023 region",
        "layers.title.communes": "Communes of Mali (OCHA COD 2015) with their 2023 region",
        "layers.title.regions_2023": "2023 regions of Mali dissolved from 2015 cercles",
        "layers.title.settlements": "Populated places of Mali (OCHA COD 2015)",
        "layers.title.niger_ne": "The Niger in Mali (Natural Earth 10m)",
        "layers.title.sites": (
            "MINUSMA sites as periods (Geo-PKO 2013-2024, shipped closures 2023-2024)"
        ),
        "layers.title.exposure": "Exposure of Malian towns after the MINUSMA withdrawal",
        "layers.title.segment_criticality": "Road segment criticality (single points of failure)",
        "layers.title.exposure_timeline": "Exposure at each step of the withdrawal (13 states)",
        "diff.dates": "a = {a}, b = {b}",
        "diff.what_if": "a = baseline, b = the what-if, at {at}",
        "gap.unknown_speed": (
            "{n} road segment(s) have no {season}-season speed (class(es) {classes}): no travel "
            "time, left out of time routing; see {table}"
        ),
        "gap.schematic_route": (
            "{n} of {total} segment(s) are schematic (straight lines between towns): the drawn "
            "line is not the road; lengths come from the roads layer"
        ),
        "gap.route_no_speed": (
            "{n} segment(s) have no {season}-season speed ({classes}): the route's travel time is "
            "unknown"
        ),
        "gap.quicker_unknown": (
            "a route through road segments without a {season}-season speed might be quicker: "
            "this is the quickest route of known speed"
        ),
        "gap.not_connected": "no road route: the places are not connected",
        "diff.none": "no place changes class",
        "found.none": "(none)",
        "data.dataset": "dataset",
        "data.present": "present",
        "data.size": "size",
        "data.sha256": "sha256",
        "data.valid": "valid",
        "data.licence": "licence",
        "data.attribution": "attribution",
        "data.yes": "yes",
        "data.no": "NO",
        "data.no_optional": "no (optional)",
        "data.ok": "ok",
        "data.differs": "differs",
        # informational lines of the command line (stderr)
        "cli.study": "data: {data}; places: {places}",
        "cli.params": "{note}; ",
        "cli.data_shipped": "shipped layers",
        "cli.data_given": "{path} (given)",
        "cli.data_from": "{path} (from {origin})",
        "cli.data_gap": "data gap: {message}",
        "places.towns": "towns",
        "places.settlements": "settlements",
        # report (maps.report)
        "report.title": "Exposure of Malian towns after the MINUSMA withdrawal, as of {date}",
        "report.param_dates": "Before: {before}; after: {after}.",
        "report.param_model": (
            "Model: radius {radius_km} km, {season} season, {model} score ({aggregation} mean), "
            "travel time capped at {time_cap_h} h."
        ),
        "report.param_preparation": (
            "Towns snapped to roads within {max_snap_km} km; airstrips within {air_reach_km} km."
        ),
        "report.summary_by": "Summary by {unit}, before → after",
        "report.unit": "Unit",
        "report.param_whatif": "What-if scenario: {parts}.",
        "report.licence": "Licence:",
        "aggregation.arithmetic": "arithmetic",
        "aggregation.geometric": "geometric",
        "report.map": "Map",
        "report.map_alt": "Map of exposure on {date}",
        "report.top": "The {n} most exposed places, with reasons",
        "report.rank": "Rank",
        "report.place": "Place",
        "report.region_2023": "Region (2023)",
        "report.class": "Class",
        "report.why": "Why",
        "report.summary": "Summary by 2023 region, before → after",
        "report.places": "Places",
        "report.high": "High",
        "report.severe": "Severe",
        "report.census_high_severe": "People in high or severe places (census)",
        "report.single_road": "Places with a single road route to Bamako",
        "report.worldpop_near_site": "People near an open site (WorldPop)",
        "report.no_census": "High or severe places without a census figure (after)",
        "report.lost_coverage": "Places that lost coverage",
        "report.unknown_region": "(region unknown)",
        "report.summary_note": (
            "NA: no place of the group has a figure (missing, not zero). Census:"
        ),
        "report.timeline": "Timeline of the withdrawal",
        "report.caveats": "Caveats",
        "report.sources": "Sources",
        "report.attribution": "Attribution:",
        # charts (maps.charts)
        "chart.places_covered": "places within reach of an open site",
        "chart.census_people": "census people (known figures)",
        "chart.worldpop_people": "WorldPop people near an open site",
        "chart.people_thousands": "people (thousands)",
        "chart.title": "MINUSMA withdrawal, {n} steps: coverage (radius {radius_km} km)",
        "chart.places_by_class": "places by exposure class",
        "chart.date_axis": "date (step: before the withdrawal, then each closure date)",
        "chart.note": (
            "Sources: MINUSMA site closure dates (layers/data bases); towns gazetteer with census "
            "population where known (mostly RGPH 2009, commune level); exposure model of "
            "minusma-exposure (INFORM-style; radius in the title). Census people are summed "
            "over covered places with a figure; up to {missing} covered places have none "
            "(missing, not zero). Season {season}; before = {before}."
        ),
        "chart.note_worldpop": (
            "WorldPop: density raster of the data directory (cells of about 18 km)."
        ),
        # column headers of the commands' tables and CSV (minusma.output; geo.i18n.column_label)
        "column.town_id": "Town ID",
        "column.settlement_id": "Place P-code",
        "column.name": "Name",
        "column.exposure_score": "Exposure score (0-10)",
        "column.exposure_class": "Exposure class",
        "column.data_gap": "Data gap",
        "column.rank_min": "Best rank over the variants",
        "column.rank_max": "Worst rank over the variants",
        "column.uncertain": "Class uncertain",
        "column.region": "Region (before 2016)",
        "column.cercle": "Cercle",
        "column.places_low": "Low-exposure places",
        "column.places_moderate": "Moderate-exposure places",
        "column.places_high": "High-exposure places",
        "column.places_severe": "Severe-exposure places",
        "column.places_unknown": "Places of unknown class",
        "column.places_exposed": "High or severe places",
        "column.places_covered": "Places within reach of an open site",
        "column.places_high_severe_no_census": "High or severe places without a census figure",
        "column.coverage_lost_first": "First loss of coverage",
        "column.coverage_lost_last": "Last loss of coverage",
        "column.coverage_lost_on": "Dates of coverage loss",
        "column.census_source": "Census source",
        "column.worldpop_people": "People (WorldPop)",
        "column.worldpop_lost_site_reach": "People who lost an open site within reach (WorldPop)",
        "column.worldpop_source": "WorldPop source",
        "column.people_low": "People in low-exposure places",
        "column.people_moderate": "People in moderate-exposure places",
        "column.people_high": "People in high-exposure places",
        "column.people_severe": "People in severe-exposure places",
        "column.people_unknown": "People in places of unknown class",
        "column.people_exposed": "People in high or severe places",
        "column.people_covered": "People within reach of an open site",
        "column.no_population_low": "Low-exposure places without a population figure",
        "column.no_population_moderate": "Moderate-exposure places without a population figure",
        "column.no_population_high": "High-exposure places without a population figure",
        "column.no_population_severe": "Severe-exposure places without a population figure",
        "column.no_population_unknown": "Places of unknown class without a population figure",
        "column.no_population_exposed": "High or severe places without a population figure",
        "column.no_population_covered": (
            "Places within reach of an open site without a population figure"
        ),
        "column.scenario": "Scenario",
        "column.as_of": "Date",
        "column.close": "Sites closed early",
        "column.keep": "Sites kept open",
        "column.base_after_km": "Distance to the nearest open site (km)",
        "column.bamako_road_km": "Road distance to Bamako (km)",
        "column.bamako_travel_h": "Travel time to Bamako (h)",
        "column.bamako_routes": "Road routes to Bamako",
        "column.class_changed": "Class changed",
        "column.reasons_added": "Reasons added",
        "column.reasons_removed": "Reasons removed",
        "column.id": "ID",
        "column.distance_km": "Distance (km)",
        "column.step": "Step",
        "column.segment_id": "Segment ID",
        "column.label": "Segment",
        "column.from_town": "From",
        "column.to_town": "To",
        "column.road_class": "Road class",
        "column.length_km": "Length (km)",
        "column.travel_h": "Travel time (h)",
        "column.geometry_kind": "Geometry",
        "column.kind": "Kind",
        "column.auc": "AUC",
        "column.ap": "Average precision",
        "column.n_places": "Number of places",
        "column.n_scored": "Places scored",
        "column.n_positive": "Places scored with an event",
        "column.diff_auc": "AUC of the reference minus this AUC",
        "column.unit_id": "Unit ID",
        "column.predicted_events": "Predicted events",
        "column.predicted_low": "Predicted events, lower bound",
        "column.predicted_high": "Predicted events, upper bound",
        "column.origin": "Forecast origin",
        "column.n_units": "Number of units",
        "column.spearman": "Spearman correlation",
        "column.auc_top_third": "AUC, top third",
        "column.auc_any": "AUC, any event",
        "column.deviance": "Poisson deviance",
        "column.precision_at_k": "Precision in the top k",
        "column.n_origins": "Number of origins",
        "column.outcome": "Outcome",
        "column.design": "Design",
        "column.k": "Months from the event",
        "column.estimate": "Estimate",
        "column.se": "Standard error",
        "column.low": "Lower bound",
        "column.high": "Upper bound",
        "column.band_low": "Lower bound of the uniform band",
        "column.band_high": "Upper bound of the uniform band",
        "column.ratio": "Ratio",
        "column.n_treated": "Treated units",
        "column.site_id": "Site ID",
        "column.lat": "Latitude",
        "column.lon": "Longitude",
        "column.mission": "Mission",
        "column.opened": "Opened",
        "column.closed": "Closed",
        "column.troops": "Troops",
        "column.opened_precision": "Precision of the opening date",
        "column.closed_precision": "Precision of the closing date",
        "column.source": "Source",
        "column.suffix.before": "{label}, before",
        "column.suffix.after": "{label}, after",
        "column.suffix.a": "{label} (a)",
        "column.suffix.b": "{label} (b)",
        "column.suffix.change": "{label}, change (b - a)",
        "column.suffix.low": "{label}, lower bound",
        "column.suffix.high": "{label}, upper bound",
        "column.precision_at": "Precision in the top {k}",
        "column.recall_at": "Recall in the top {k}",
    },
    "fr": {
        "title": "Retrait de la MINUSMA 2023-2024 : quelles villes maliennes sont restées exposées",
        "legend": "Légende",
        "towns_heading": "Villes : classe d'exposition",
        "class.low": "faible",
        "class.moderate": "modérée",
        "class.high": "élevée",
        "class.severe": "sévère",
        "no_class": "sans classe",
        "class_range": "{label} : score de {lo} à {hi}",
        "class_top": "{label} : score de {lo} ou plus",
        "score_note": (
            "Le score (0 à 10, plus haut = plus exposé) est la moyenne de trois volets : sécurité "
            "(le site de l'ONU qui protégeait la ville a fermé), accès routier (heures et nombre "
            "d'itinéraires vers Bamako) et aérien (vols arrêtés). Un volet manquant est écarté, "
            "jamais compté comme 0."
        ),
        "model_note": "Modèle : rayon {radius_km:g} km, saison {season}{whatif}.",
        "whatif": ", scénario hypothétique ({parts})",
        "whatif_sep": " ; ",
        "whatif.close": "fermés plus tôt : {names}",
        "whatif.keep": "maintenus ouverts : {names}",
        "whatif.close_roads": "routes coupées : {names}",
        "whatif.disabled_links": "liaisons aériennes coupées : {names}",
        "whatif.disabled_operators": "opérateurs aériens arrêtés : {names}",
        "season.dry": "sèche",
        "season.wet": "des pluies",
        "sites_heading": "Sites de la MINUSMA",
        "site.mission_hq": "quartier général de la mission",
        "site.sector_hq_camp": "camp de quartier général de secteur",
        "site.camp": "camp",
        "site.temporary_operating_base": "base opérationnelle temporaire",
        "site_closed": "site fermé à la date choisie",
        "coverage_before": "rayon de couverture avant le retrait ({radius_km:g} km)",
        "coverage_now": "rayon de couverture à la date choisie ({radius_km:g} km)",
        "roads_heading": "Routes (tracés schématiques, en tirets)",
        "road.paved": "bitumée",
        "road.unpaved": "non bitumée",
        "road.track": "piste",
        "road.unverified": "classe non vérifiée",
        "no_detour": "sans détour : seul lien du réseau routier cartographié",
        "river_air_heading": "Fleuve et aérien",
        "river.true": "Niger, bief navigable (saisonnier)",
        "river.false": "Niger, non navigable",
        "river.none": "Niger, navigabilité non signalée",
        "air_active": "liaison aérienne {operator}, active",
        "air_ended": "liaison aérienne arrêtée ou suspendue (couleur = opérateur)",
        "airport": "aéroport ou piste d'atterrissage",
        "region_central": "zone centre du plan 2023 (régions de Mopti et Ségou d'avant 2016)",
        "region_central_2023": (
            "zone centre du plan 2023 (régions de 2023 reconstituées à partir des cercles)"
        ),
        "settlement": "lieu habité (OCHA COD, {n:,})",
        "sources": "Sources",
        "tiles_credit": "Fond de carte : © contributeurs OpenStreetMap (ODbL)",
        "search": "Chercher une ville ou un P-code",
        "search_none": "aucune ville trouvée",
        "search_places": "Chercher une ville, un lieu habité ou un P-code",
        "class": "classe",
        "score": "score",
        "rank_of": "rang {n} sur {m}",
        "on_date": "au {date}",
        "reasons": "Pourquoi",
        "no_reasons": "aucune raison enregistrée",
        "indicators": "Indicateurs (au {date})",
        "region_2023": "région (2023)",
        "cercle": "cercle",
        "population": "population",
        "population_year": "année de la population",
        "timeline": "Chronologie du retrait",
        "step_before": "{date} : avant le retrait",
        "step_closed": "{date} : fermeture de {names}",
        "sites_open": "{n} sites de la MINUSMA ouverts sur {m}",
        "sites_open_short": "{n}/{m} sites ouverts",
        "time_more": "afficher ou masquer le détail de la chronologie",
        "air_flown": "{n} liaisons aériennes assurées sur {m}",
        "prev": "date de fermeture précédente",
        "next": "date de fermeture suivante",
        "slider": "date de fermeture",
        "cover_circles": "Cercles de couverture :",
        "cover_before": "avant le retrait",
        "cover_now": "date choisie",
        "cover_both": "les deux",
        "layer.towns": "Villes (couleur = classe d'exposition)",
        "layer.sites_open": "Sites de la MINUSMA ouverts (symbole selon le type)",
        "layer.sites_closed": "Sites de la MINUSMA fermés (estompés)",
        "layer.places": "Lieux habités (OCHA COD)",
        "layer.events": (
            "Événements de sécurité jusqu'à la date choisie ({n} sur {m} cartographiés ; "
            "{skipped} sans point)"
        ),
        "events_legend": (
            "événement de sécurité ou d'accès, affiché jusqu'à la date choisie (couche masquée "
            "par défaut ; {n} sur {m} ont un point)"
        ),
        "layer.regions_2023": "Régions 2023 (à partir des cercles ; zone centre remplie)",
        "layer.river_ne": "Fleuve Niger (Natural Earth, tracé réel)",
        "river_ne_tooltip": "{name} (Natural Earth, tracé réel)",
        "popup.region_old": "région d'avant 2016",
        "popup.cercles": "cercles",
        "popup.cercle_pcodes": "P-codes des cercles",
        "popup.central_zone": "zone centre (2023)",
        "popup.area_km2": "superficie (km²)",
        "popup.confidence": "fiabilité",
        "popup.note": "note",
        "popup.source": "source",
        "popup.feature": "objet",
        "popup.length_km": "longueur au Mali (km)",
        "popup.yes": "oui",
        "popup.no": "non",
        "place.exposure": "classe d'exposition à la date choisie",
        "place.placeClass": "classe",
        "place.pcode": "P-code",
        "place.commune": "commune",
        "place.cercle": "cercle",
        "place.region": "région (2015)",
        "settlement_classed": (
            "lieu habité (OCHA COD, {n:,}), coloré selon sa classe d'exposition à la date choisie"
        ),
        "event.date": "date",
        "event.place": "lieu",
        "event.type": "type",
        "event.actor": "auteur (tel que rapporté)",
        "event.fatalities": "morts (tels que rapportés)",
        "event.unknown": "non rapporté",
        "event.description": "ce qui s'est passé",
        "event.confidence": "fiabilité",
        "event.point": "point tiré de",
        "event.source": "source",
        "event.source_2": "seconde source",
        "layer.regions": "Régions (zone centre mise en évidence)",
        "layer.outline": "Contour du Mali",
        "layer.river": "Fleuve Niger (bief navigable en gras)",
        "layer.roads": "Routes (par classe ; tracés schématiques en tirets)",
        "layer.no_detour": "Routes sans détour (surlignées)",
        "layer.airports": "Aéroports et pistes d'atterrissage",
        "layer.air_links": "Liaisons aériennes (par opérateur ; arrêtées en tirets)",
        "layer.coverage_before": "Couverture avant le retrait ({radius_km:g} km)",
        "layer.coverage_now": "Couverture à la date choisie ({radius_km:g} km)",
        "layer.distance_before": (
            "Distance au site ouvert le plus proche, avant le retrait ({date})"
        ),
        "layer.distance_on": "Distance au site ouvert le plus proche au {date}",
        "distance_heading": "Distance au site ouvert le plus proche (calque, masqué par défaut)",
        "distance_note": (
            "km, géodésique depuis le centre de chaque cellule WorldPop (cellules d'environ "
            "18 km) ; transparent hors du Mali. {credit} ; grille : {grid}"
        ),
        "region_central_name": "{name} (zone centre)",
        "popup.iso_3166_2": "ISO 3166-2",
        "popup.ocha_pcode": "P-code OCHA",
        "popup.regions_2023_inside": "régions de 2023 incluses",
        "popup.status": "statut",
        "popup.season": "saison",
        "popup.length_published_km": "longueur (publiée, km)",
        "popup.places": "lieux",
        "popup.geometry": "géométrie",
        "river_tooltip": "{name} ({status})",
        "river_tooltip_schematic": "{name} ({status}, tracé schématique)",
        "river_schematic": (
            "tracé schématique passant par les lieux du fleuve, pas le lit du fleuve"
        ),
        "popup.kind": "type",
        "popup.town": "ville",
        "popup.sector": "secteur",
        "popup.region_2023": "région (2023)",
        "popup.contingents": "contingents",
        "popup.closure_date": "date de fermeture",
        "popup.closure_order": "ordre de fermeture",
        "popup.phase": "phase",
        "popup.date_note": "note sur la date",
        "popup.point": "point",
        "popup.source_2": "seconde source",
        "site_tooltip": "{name} ({kind} ; {status})",
        "site_closed_on": "fermé le {date}",
        "site_open_until": "ouvert jusqu'au {date}",
        "popup.class": "classe",
        "popup.surface": "revêtement",
        "popup.length_km_plain": "longueur (km)",
        "popup.length_method": "méthode de mesure de la longueur",
        "popup.ferry": "traversée en bac",
        "popup.no_detour": "sans détour",
        "popup.notes": "notes",
        "road_no_detour_yes": "oui : seul lien entre ses villes dans le réseau cartographié",
        "road_schematic": "schématique : ligne droite entre les villes, pas le tracé de la route",
        "road_tooltip_schematic": "(tracé schématique)",
        "road_tooltip_no_detour": "– sans détour",
        "road_halo_tooltip": "sans détour : {a} – {b}",
        "popup.city": "ville",
        "popup.region": "région",
        "popup.elevation_m": "altitude (m)",
        "popup.role": "rôle 2020-2024",
        "popup.runway": "piste",
        "popup.point_source": "source du point",
        "popup.role_source": "source du rôle",
        "popup.operator": "opérateur",
        "popup.service": "service",
        "popup.via": "via",
        "popup.period": "période",
        "popup.start": "début",
        "popup.end": "fin",
        "popup.frequency": "fréquence",
        "air_schematic": "route schématique (orthodromie)",
        "air.active": "active",
        "air.ended": "arrêtée",
        "air.not_started": "pas encore ouverte",
        "air_tooltip": "{name} ({state} ; route schématique)",
        "air_tooltip_on": "{name} ({state} au {date}{end} ; route schématique)",
        "air_end": " ; fin le {date}, {note}",
        "air_end_period": "fin de la période rapportée",
        "air_end_closure": "fermeture : {site}",
        "png_situation": "situation au {date} : {n} sites de la MINUSMA ouverts sur {m}",
        "png_town": "ville : exposition {label}",
        "png_open_site": "{label} ouvert",
        "png_road": "route : {label} (schématique)",
        "png_central": "zone centre (plan 2023)",
        "png_coverage": "couverture des sites ouverts ({radius_km:g} km)",
        "reason.coverage_lost": "a perdu la couverture {base:of} ({km:km} km)",
        "reason.coverage_lost_on": "a perdu la couverture {base:of} ({km:km} km) le {date:date}",
        "reason.off_road": (
            "hors du réseau routier cartographié (nœud le plus proche à {km:km} km) : accès "
            "routier inconnu"
        ),
        "reason.no_route": "aucun itinéraire routier vers Bamako",
        "reason.single_route": (
            "un seul itinéraire routier vers Bamako : {n} tronçon(s) le coupent chacun (le plus "
            "proche : {segment})"
        ),
        "reason.road_timed": "Bamako à {km:km} km, {h:h} h par la route",
        "reason.road_untimed": (
            "Bamako à {km:km} km par la route (durée inconnue : vitesse manquante)"
        ),
        "reason.no_airstrip": "aucune piste d'atterrissage à moins de {km:km} km",
        "reason.air_ended": "aucune desserte aérienne documentée après le retrait ({icao})",
        "reason.air_unknown": "desserte aérienne après le retrait inconnue",
        "reason.air_un_only": "l'accès aérien dépendait de la seule MINUSMA/UNHAS",
        "reason.riverside": "au bord du Niger navigable",
        "reason.central": "région du centre",
        "reason.sep": " ; ",
        "indicator.base_before_name": "site avant",
        "indicator.base_before_km": "km jusqu'au site avant",
        "indicator.covered_before": "couverte avant",
        "indicator.base_after_name": "site après",
        "indicator.base_after_km": "km jusqu'au site après",
        "indicator.covered_after": "couverte après",
        "indicator.coverage_lost_on": "couverture perdue le",
        "indicator.on_road_network": "sur le réseau routier",
        "indicator.bamako_road_km": "km de route jusqu'à Bamako",
        "indicator.bamako_travel_h": "heures de route jusqu'à Bamako",
        "indicator.bamako_routes": "itinéraires routiers vers Bamako",
        "indicator.riverside": "au bord du fleuve",
        "indicator.airport_icao": "aéroport le plus proche (OACI)",
        "indicator.airport_km": "km jusqu'à l'aéroport",
        "indicator.air_state": "desserte aérienne",
        "indicator.air_depended_on_un": "accès aérien dépendant de l'ONU",
        "indicator.security_score": "score de sécurité",
        "indicator.access_score": "score d'accès routier",
        "indicator.lifeline_score": "score aérien",
        "indicator.missing_indicators": "indicateurs manquants",
        "indicator.data_gap": "lacune de données",
        "indicator.km_to_site_before": "km jusqu'au site avant",
        "indicator.km_to_open_site": "km jusqu'au site ouvert le plus proche",
        "indicator.covered_now": "couverte à la date choisie",
        "air_state.served": "desservie",
        "air_state.none_documented": "aucune desserte documentée",
        "air_state.unknown": "inconnue",
        "air_state.no_airstrip_in_reach": "aucune piste à portée",
        "score_part.security_loss_score": "sécurité",
        "score_part.bamako_time_score": "durée jusqu'à Bamako",
        "score_part.bamako_routes_score": "itinéraires vers Bamako",
        "score_part.air_score": "aérien",
        "confidence.high": "élevée",
        "confidence.medium": "moyenne",
        "confidence.low": "faible",
        "length_method.estimate": "estimation",
        "length_method.published": "publiée",
        "length_method.calibrated": "calibrée",
        "length_method.straight_line": "ligne droite",
        "length_method.unknown": "inconnue",
        "service_type.humanitarian": "humanitaire",
        "service_type.mission": "mission",
        "service_type.scheduled": "régulier",
        "air_status.ended_or_unknown": "arrêtée ou inconnue",
        "air_status.ended": "arrêtée",
        "air_status.no_end_reported": "aucune fin signalée",
        "air_status.interrupted": "interrompue",
        "air_status.suspended": "suspendue",
        "event_type.blockade": "blocus",
        "event_type.attack_camp": "attaque d'un camp",
        "event_type.attack_convoy": "attaque d'un convoi",
        "event_type.capture": "prise",
        "event_type.attack_town": "attaque d'une ville",
        "event_type.massacre": "massacre",
        "event_type.attack_aircraft": "attaque d'un aéronef",
        "event_type.ied": "engin explosif improvisé",
        "event_type.other": "autre",
        "event_type.attack_boat": "attaque d'un bateau",
        "event_type.attack_airport": "attaque d'un aéroport",
        "event_type.flight_suspension": "vols suspendus",
        "date_precision.day": "jour",
        "date_precision.week": "semaine",
        "date_precision.month": "mois",
        "control.layers": "Couches",
        "control.zoom_in": "Zoom avant",
        "control.zoom_out": "Zoom arrière",
        "control.fullscreen": "Plein écran",
        "control.fullscreen_exit": "Quitter le plein écran",
        "site_short": "{kind} {of_town}",
        "qgis.style_name": "style minusma-exposure",
        "qgis.unknown_class": "inconnue (un indicateur manque)",
        "qgis.site_open": "{kind}, ouvert au {date}",
        "qgis.site_closed": "{kind}, fermé au {date}",
        "qgis.road": "{label} (tracé schématique)",
        "qgis.air": "{operator}, {state}",
        "qgis.air_flown": "assurée au dernier signalement",
        "qgis.other_operator": "autre opérateur",
        "qgis.region": "région",
        "qgis.region_2023": "région (2023, reconstituée à partir des cercles)",
        "qgis.cercle": "cercle",
        "qgis.commune": "commune",
        "qgis.town": "ville (répertoire)",
        "qgis.settlement": "lieu habité (OCHA COD)",
        "qgis.event": "événement de sécurité ou d'accès",
        "qgis.forecast.high": "prévision : élevée (tiers supérieur des événements attendus)",
        "qgis.forecast.medium": "prévision : moyenne",
        "qgis.forecast.low": "prévision : faible, ou aucun événement attendu",
        "qgis.forecast.none": "pas de prévision (historique trop court ici)",
        "qgis.site_period_open": "site de l'ONU, ouvert à la fin du relevé (Geo-PKO)",
        "qgis.site_period_closed": "site de l'ONU, période close (Geo-PKO)",
        "qgis.river_place": "lieu du fleuve (sommet du tracé schématique du Niger)",
        "qgis.feature": "objet",
        "towns.note": "au {as_of}, saison {season}, rayon {radius_km} km, modèle {model}",
        "towns.rank": "rang",
        "towns.town": "ville",
        "towns.class": "classe",
        "towns.score": "score",
        "towns.data_gap": "lacune",
        "towns.robustness": "robustesse",
        "towns.rank_range": "rangs {lo} à {hi}",
        "towns.uncertain": ", classe incertaine",
        "towns.no_reasons": "aucune raison enregistrée",
        # the tables of the commands (minusma.layouts): compact headers, lines above and below
        "summary.title": (
            "avant = {before}, après = {as_of} ; recens_és : habitants recensés des lieux classés "
            "en exposition élevée ou sévère (sans_recens : ces lieux sans chiffre de recensement)"
        ),
        "summary.places": "lieux",
        "summary.no_unit": "(unité inconnue)",
        "summary.high": "élevée",
        "summary.severe": "sévère",
        "summary.census_hs": "recens_és",
        "summary.no_census": "sans_recens",
        "summary.single_road": "route_unique",
        "summary.lost_cover": "couv_perdue",
        "summary.lost_first_last": "perte_début..fin",
        "summary.wp_near_site_before": "wp_près_site_avant",
        "summary.wp_near_site_after": "wp_près_site_après",
        "scenarios.scenario": "scénario",
        "scenarios.high": "élevée",
        "scenarios.severe": "sévère",
        "scenarios.people_exposed": "habitants exposés",
        "scenarios.no_population": "(sans pop.)",
        "scenarios.covered": "couverts",
        "scenarios.people_covered": "habitants couverts",
        "validate.title": (
            "événements : {events_file} ({events_format}), du {window[0]} au {window[1]}\n"
            "  {n_events} dans la période, {events_matched} à moins de {match_km:g} km d'un lieu, "
            "{events_unlocated} non localisables, {events_too_imprecise} localisés à plus de "
            "{max_precision_km} km près ; écartés : {events_dropped}\n"
            "lieux : {places} au {as_of} : {n_places} ({n_places_unlabelled} sans point), "
            "{n_positive} positifs\n"
            "échantillon : {sample} ({sample_note_code})\n"
            "intervalles : {interval}, {n_boot} tirages, graine {seed}\n"
        ),
        "validate.sample.in-sample": "dans l'échantillon d'ajustement",
        "validate.sample.out-of-sample": "hors échantillon",
        "validate.sample.mixed": "mixte",
        "validate.note.hand_set": (
            "le modèle est fixé à la main (règles de type INFORM, poids égaux) et n'est ajusté "
            "sur aucun événement"
        ),
        "validate.note.before_fit": (
            "chaque événement de la période est antérieur ou égal à la date d'ajustement "
            "{fit_until}"
        ),
        "validate.note.after_fit": (
            "chaque événement de la période est postérieur à la date d'ajustement {fit_until}"
        ),
        "validate.note.straddles": (
            "la période chevauche la date d'ajustement {fit_until} : découpez-la avec "
            "from_date/to_date"
        ),
        "validate.note.no_events": "aucun événement dans la période",
        "validate.places.given frame": "tableau fourni",
        "validate.places.towns": "villes",
        "validate.places.settlements": "localités",
        "validate.format.shipped": "livré",
        "validate.interval.95 % percentile bootstrap over places (paired across rankings)": (
            "bootstrap des percentiles à 95 % sur les lieux (appariés entre classements)"
        ),
        "validate.ranking": "classement",
        "validate.kind": "type",
        "validate.auc": "AUC [IC 95 %]",
        "validate.ap": "AP [IC 95 %]",
        "validate.scored": "notés",
        "validate.pos": "pos.",
        "validate.diff_auc": "composite - cette AUC",
        "interval": "{value} [{low} ; {high}]",
        "validate.p_at": "P@{k}",
        "validate.kind.composite": "composite",
        "validate.kind.dimension": "dimension",
        "validate.kind.indicator": "indicateur",
        "validate.kind.baseline": "référence",
        "scenarios.id.none-closed": "aucun-fermé",
        "scenarios.id.none-kept": "aucun-maintenu",
        "scenarios.id.close": "fermer-{rest}",
        "scenarios.id.keep": "maintenir-{rest}",
        "scenarios.note": "{n} scénarios sur {places} {kind}, rayon {radius_km} km, au {as_of}",
        "scenarios.last_closure": "la dernière fermeture",
        "size.kb": "{n} ko",
        "size.mb": "{n} Mo",
        "route.step": "étape",
        "route.label": "tronçon",
        "route.road_class": "type_de_route",
        "route.length_km": "longueur_km",
        "route.travel_h": "durée_h",
        "route.data_gap": "lacune",
        "route.gap.schematic geometry": "tracé schématique",
        "route.gap.no dry-season speed": "pas de vitesse en saison sèche",
        "route.gap.no wet-season speed": "pas de vitesse en saison des pluies",
        "route.none": "pas d'itinéraire routier de {origin} à {destination}",
        "route.total": "total : {length_km} km, {hours} (saison {season}, par {by})",
        "route.hours": "{h} h",
        "route.hours_unknown": "durée inconnue",
        "route.by.distance": "distance",
        "route.by.time": "durée",
        "population.title": (
            "Habitants à moins de {radius_km} km d'un site ouvert de la MINUSMA (WorldPop 2020, "
            "mailles d'environ 18 km : approximatif)\n"
            "  avant ({before}, {sites_before} sites) : {people_before}  -- le QG de Bamako "
            "domine ; sans lui : {people_before_without_hq}\n"
            "  après ({as_of}, {sites_after} sites) : {people_after} (sans le QG : "
            "{people_after_without_hq})\n"
        ),
        "population.date": "date",
        "population.closed": "fermé",
        "population.before_any": "avant",
        "population.open": "ouv.",
        "population.people": "habitants",
        "population.without_hq": "sans QG",
        "population.lost": "perdus",
        "population.regions_title": (
            "{unit} : habitants à moins de {radius_km} km avant et au {as_of}"
        ),
        "population.unit.central_2023": "régions du centre (2023)",
        "population.unit.regions_old": "régions (avant 2016)",
        "population.region": "région",
        "population.population": "population",
        "population.before": "avant",
        "population.after": "après",
        "population.share": "part",
        "plan.title": "{keep} site(s) maintenu(s), {objective}, rayon {radius_km} km ; {unit}",
        "plan.objective.covered": "le plus de couverts",
        "plan.objective.exposed": "le moins d'exposés",
        "plan.unit.people (census)": "habitants (recensement)",
        "plan.unit.people (WorldPop 2020)": "habitants (WorldPop 2020)",
        "plan.unit.people (census) in high/severe places": (
            "habitants (recensement) des lieux en exposition élevée ou sévère"
        ),
        "plan.unit.places classed high/severe (no population figures)": (
            "lieux classés en exposition élevée ou sévère (sans chiffres de population)"
        ),
        "plan.answer.optimum": "optimum",
        "plan.answer.exhaustive": "exhaustif",
        "plan.answer.greedy": "glouton",
        "plan.answer.actual": "réel",
        "plan.value": "valeur",
        "plan.gain": "gain",
        "plan.gain_over": "gain sur le réel ",
        "plan.best_single": "  meilleur site seul : {site} ({value})",
        "plan.note": "  {name} : {value}",
        "plan.note.demand_points": "points de demande",
        "plan.note.places_without_population": "lieux sans population",
        "plan.note.search": "recherche",
        "plan.note.as_of": "au",
        "plan.search.exhaustive": "exhaustive",
        "plan.search.greedy only (too many combinations; raise --max-scenarios)": (
            "gloutonne seulement (trop de combinaisons ; augmentez --max-scenarios)"
        ),
        "plan.caveats": "réserves :",
        "plan.caveat_line": "  - {caveat}",
        "plan.caveat.census": (
            "les habitants sont les chiffres de recensement des lieux évalués quand ils sont "
            "connus (surtout RGPH 2009, au niveau de la commune, rattachés au point d'une ville) ; "
            "les lieux sans chiffre sont écartés, pas comptés à zéro"
        ),
        "plan.caveat.worldpop": (
            "les habitants sont les mailles WorldPop 2020 d'environ 18 km au Mali, chacune "
            "comptée en son centre : couverte quand le centre est dans le rayon"
        ),
        "plan.caveat.points": (
            "les sites et les lieux sont des points (centres des villes, pas les périmètres des "
            "camps) ; le rayon est un choix de modélisation (--radius-km)"
        ),
        "plan.caveat.bamako": (
            "le QG de Bamako est dans une ville d'environ 3 millions d'habitants : toute réponse "
            "qui le garde les couvre (écartez-le avec --june-2023-count)"
        ),
        # minusma layers
        "layers.heading": "{kind}",
        "layers.heading.shipped": "Couches livrées avec le paquet :",
        "layers.heading.open": (
            "Couches de données ouvertes (avec --data DOSSIER ou MINUSMA_DATA ; voir `minusma "
            "data`) :"
        ),
        "layers.heading.analysis": (
            "Couches d'analyse (calculées par l'évaluation ; écrites par `minusma export`) :"
        ),
        "layers.layer": "couche",
        "layers.title": "titre",
        "layers.geometry": "géométrie",
        "layers.geometry_kind": "type_de_tracé",
        "layers.licence": "licence",
        "layers.kind.real": "réel",
        "layers.kind.schematic": "schématique",
        "layers.kind.town_point": "point_de_la_ville",
        "layers.title.bases": "Sites de la MINUSMA fermés lors du retrait de 2023-2024",
        "layers.title.towns": (
            "Villes du Mali nommées par les faits sur la MINUSMA (index géographique)"
        ),
        "layers.title.regions": (
            "Régions du Mali (découpage d'avant 2016) avec la zone centre de 2023"
        ),
        "layers.title.river": "Le Niger au Mali (schématique, par bief)",
        "layers.title.river_places": "Lieux riverains du Niger, d'amont en aval",
        "layers.title.roads": "Liaisons routières entre villes (schématiques)",
        "layers.title.airports": "Aéroports et pistes d'atterrissage du Mali",
        "layers.title.air_links": (
            "Liaisons aériennes : Sky Mali, UNHAS et MINUSMA (trajets schématiques)"
        ),
        "layers.title.events": (
            "Événements de sécurité et d'accès au Mali, de juillet 2023 à juin 2024"
        ),
        "layers.title.cercles": "Cercles du Mali (OCHA COD 2015) avec leur région de 2023",
        "layers.title.communes": "Communes du Mali (OCHA COD 2015) avec leur région de 2023",
        "layers.title.regions_2023": (
            "Régions de 2023 du Mali reconstituées à partir des cercles de 2015"
        ),
        "layers.title.settlements": "Lieux habités du Mali (OCHA COD 2015)",
        "layers.title.niger_ne": "Le Niger au Mali (Natural Earth 10m)",
        "layers.title.sites": (
            "Sites de la MINUSMA par périodes (Geo-PKO 2013-2024, fermetures de 2023-2024 livrées)"
        ),
        "layers.title.exposure": "Exposition des villes du Mali après le retrait de la MINUSMA",
        "layers.title.segment_criticality": (
            "Criticité des tronçons routiers (points de rupture uniques)"
        ),
        "layers.title.exposure_timeline": "Exposition à chaque étape du retrait (13 états)",
        "diff.dates": "a = {a}, b = {b}",
        "diff.what_if": "a = référence, b = le scénario ; date : {at}",
        "gap.unknown_speed": (
            "{n} tronçon(s) routier(s) sans vitesse en saison {season} (classe(s) {classes}) : "
            "pas de durée de trajet, écartés du calcul des durées ; voir {table}"
        ),
        "gap.schematic_route": (
            "{n} tronçon(s) sur {total} sont schématiques (lignes droites entre villes) : le tracé "
            "n'est pas la route ; les longueurs viennent de la couche des routes"
        ),
        "gap.route_no_speed": (
            "{n} tronçon(s) sans vitesse en saison {season} ({classes}) : la durée du trajet est "
            "inconnue"
        ),
        "gap.quicker_unknown": (
            "un itinéraire par des tronçons sans vitesse en saison {season} pourrait être plus "
            "rapide : voici le plus rapide parmi les vitesses connues"
        ),
        "gap.not_connected": "pas d'itinéraire routier : les lieux ne sont pas reliés",
        "diff.none": "aucun lieu ne change de classe",
        "found.none": "(aucun)",
        "data.dataset": "jeu de données",
        "data.present": "présent",
        "data.size": "taille",
        "data.sha256": "sha256",
        "data.valid": "valide",
        "data.licence": "licence",
        "data.attribution": "attribution",
        "data.yes": "oui",
        "data.no": "NON",
        "data.no_optional": "non (facultatif)",
        "data.ok": "ok",
        "data.differs": "diffère",
        # informational lines of the command line (stderr)
        "cli.study": "données : {data} ; lieux : {places}",
        "cli.params": "{note} ; ",
        "cli.data_shipped": "couches livrées avec le paquet",
        "cli.data_given": "{path} (indiqué)",
        "cli.data_from": "{path} (depuis {origin})",
        "cli.data_gap": "lacune de données : {message}",
        "places.towns": "villes",
        "places.settlements": "localités",
        "report.title": "Exposition des villes maliennes après le retrait de la MINUSMA, au {date}",
        "report.param_dates": "Avant : {before} ; après : {after}.",
        "report.param_model": (
            "Modèle : rayon {radius_km} km, saison {season}, score {model} (moyenne "
            "{aggregation}), durée de trajet plafonnée à {time_cap_h} h."
        ),
        "report.param_preparation": (
            "Villes rattachées aux routes à moins de {max_snap_km} km ; pistes d'atterrissage à "
            "moins de {air_reach_km} km."
        ),
        "report.summary_by": "Synthèse par {unit}, avant → après",
        "report.unit": "Unité",
        "report.param_whatif": "Scénario hypothétique : {parts}.",
        "report.licence": "Licence :",
        "aggregation.arithmetic": "arithmétique",
        "aggregation.geometric": "géométrique",
        "report.map": "Carte",
        "report.map_alt": "Carte de l'exposition au {date}",
        "report.top": "Les {n} lieux les plus exposés, avec les raisons",
        "report.rank": "Rang",
        "report.place": "Lieu",
        "report.region_2023": "Région (2023)",
        "report.class": "Classe",
        "report.why": "Pourquoi",
        "report.summary": "Synthèse par région de 2023, avant → après",
        "report.places": "Lieux",
        "report.high": "Élevée",
        "report.severe": "Sévère",
        "report.census_high_severe": (
            "Habitants des lieux en exposition élevée ou sévère (recensement)"
        ),
        "report.single_road": "Lieux n'ayant qu'un itinéraire routier vers Bamako",
        "report.worldpop_near_site": "Habitants près d'un site ouvert (WorldPop)",
        "report.no_census": (
            "Lieux en exposition élevée ou sévère sans chiffre de recensement (après)"
        ),
        "report.lost_coverage": "Lieux ayant perdu la couverture",
        "report.unknown_region": "(région inconnue)",
        "report.summary_note": (
            "NA : aucun lieu du groupe n'a de chiffre (manquant, pas zéro). Recensement :"
        ),
        "report.timeline": "Chronologie du retrait",
        "report.caveats": "Mises en garde",
        "report.sources": "Sources",
        "report.attribution": "Attribution :",
        "chart.places_covered": "lieux à portée d'un site ouvert",
        "chart.census_people": "habitants recensés (chiffres connus)",
        "chart.worldpop_people": "habitants WorldPop près d'un site ouvert",
        "chart.people_thousands": "habitants (milliers)",
        "chart.title": "Retrait de la MINUSMA, {n} étapes : couverture (rayon {radius_km} km)",
        "chart.places_by_class": "lieux par classe d'exposition",
        "chart.date_axis": "date (étape : avant le retrait, puis chaque date de fermeture)",
        "chart.note": (
            "Sources : dates de fermeture des sites de la MINUSMA (données layers/data bases) ; "
            "répertoire des villes avec la population recensée quand elle est connue (surtout "
            "RGPH 2009, au niveau de la commune) ; modèle d'exposition de minusma-exposure (de "
            "type INFORM ; rayon dans le titre). Les habitants recensés sont additionnés sur les "
            "lieux couverts qui ont un chiffre ; jusqu'à {missing} lieux couverts n'en ont pas "
            "(manquant, pas zéro). Saison {season} ; avant = {before}."
        ),
        "chart.note_worldpop": (
            "WorldPop : raster de densité du répertoire de données (cellules d'environ 18 km)."
        ),
        "column.town_id": "Identifiant de la ville",
        "column.settlement_id": "P-code du lieu",
        "column.name": "Nom",
        "column.exposure_score": "Score d'exposition (0-10)",
        "column.exposure_class": "Classe d'exposition",
        "column.data_gap": "Lacune de données",
        "column.rank_min": "Meilleur rang parmi les variantes",
        "column.rank_max": "Pire rang parmi les variantes",
        "column.uncertain": "Classe incertaine",
        "column.region": "Région (avant 2016)",
        "column.cercle": "Cercle",
        "column.places_low": "Lieux en exposition faible",
        "column.places_moderate": "Lieux en exposition modérée",
        "column.places_high": "Lieux en exposition élevée",
        "column.places_severe": "Lieux en exposition sévère",
        "column.places_unknown": "Lieux de classe inconnue",
        "column.places_exposed": "Lieux en exposition élevée ou sévère",
        "column.places_covered": "Lieux à portée d'un site ouvert",
        "column.places_high_severe_no_census": (
            "Lieux en exposition élevée ou sévère sans chiffre de recensement"
        ),
        "column.coverage_lost_first": "Première perte de couverture",
        "column.coverage_lost_last": "Dernière perte de couverture",
        "column.coverage_lost_on": "Dates de perte de couverture",
        "column.census_source": "Source du recensement",
        "column.worldpop_people": "Habitants (WorldPop)",
        "column.worldpop_lost_site_reach": (
            "Habitants ayant perdu un site ouvert à portée (WorldPop)"
        ),
        "column.worldpop_source": "Source WorldPop",
        "column.people_low": "Habitants des lieux en exposition faible",
        "column.people_moderate": "Habitants des lieux en exposition modérée",
        "column.people_high": "Habitants des lieux en exposition élevée",
        "column.people_severe": "Habitants des lieux en exposition sévère",
        "column.people_unknown": "Habitants des lieux de classe inconnue",
        "column.people_exposed": "Habitants des lieux en exposition élevée ou sévère",
        "column.people_covered": "Habitants à portée d'un site ouvert",
        "column.no_population_low": "Lieux en exposition faible sans chiffre de population",
        "column.no_population_moderate": "Lieux en exposition modérée sans chiffre de population",
        "column.no_population_high": "Lieux en exposition élevée sans chiffre de population",
        "column.no_population_severe": "Lieux en exposition sévère sans chiffre de population",
        "column.no_population_unknown": "Lieux de classe inconnue sans chiffre de population",
        "column.no_population_exposed": (
            "Lieux en exposition élevée ou sévère sans chiffre de population"
        ),
        "column.no_population_covered": (
            "Lieux à portée d'un site ouvert sans chiffre de population"
        ),
        "column.scenario": "Scénario",
        "column.as_of": "Date",
        "column.close": "Sites fermés plus tôt",
        "column.keep": "Sites maintenus ouverts",
        "column.base_after_km": "Distance au site ouvert le plus proche (km)",
        "column.bamako_road_km": "Distance routière jusqu'à Bamako (km)",
        "column.bamako_travel_h": "Durée de trajet jusqu'à Bamako (h)",
        "column.bamako_routes": "Itinéraires routiers vers Bamako",
        "column.class_changed": "Classe modifiée",
        "column.reasons_added": "Raisons ajoutées",
        "column.reasons_removed": "Raisons retirées",
        "column.id": "Identifiant",
        "column.distance_km": "Distance (km)",
        "column.step": "Étape",
        "column.segment_id": "Identifiant du tronçon",
        "column.label": "Tronçon",
        "column.from_town": "De",
        "column.to_town": "À",
        "column.road_class": "Classe de route",
        "column.length_km": "Longueur (km)",
        "column.travel_h": "Durée de trajet (h)",
        "column.geometry_kind": "Géométrie",
        "column.kind": "Type",
        "column.auc": "AUC",
        "column.ap": "Précision moyenne",
        "column.n_places": "Nombre de lieux",
        "column.n_scored": "Lieux notés",
        "column.n_positive": "Lieux notés ayant un événement",
        "column.diff_auc": "AUC de la référence moins cette AUC",
        "column.unit_id": "Identifiant de l'unité",
        "column.predicted_events": "Événements prévus",
        "column.predicted_low": "Événements prévus, borne basse",
        "column.predicted_high": "Événements prévus, borne haute",
        "column.origin": "Origine de la prévision",
        "column.n_units": "Nombre d'unités",
        "column.spearman": "Corrélation de Spearman",
        "column.auc_top_third": "AUC, tiers supérieur",
        "column.auc_any": "AUC, au moins un événement",
        "column.deviance": "Déviance de Poisson",
        "column.precision_at_k": "Précision parmi les k premiers",
        "column.n_origins": "Nombre d'origines",
        "column.outcome": "Variable de résultat",
        "column.design": "Plan d'étude",
        "column.k": "Mois depuis l'événement",
        "column.estimate": "Estimation",
        "column.se": "Erreur type",
        "column.low": "Borne basse",
        "column.high": "Borne haute",
        "column.band_low": "Borne basse de la bande uniforme",
        "column.band_high": "Borne haute de la bande uniforme",
        "column.ratio": "Rapport",
        "column.n_treated": "Unités traitées",
        "column.site_id": "Identifiant du site",
        "column.lat": "Latitude",
        "column.lon": "Longitude",
        "column.mission": "Mission",
        "column.opened": "Ouverture",
        "column.closed": "Fermeture",
        "column.troops": "Effectifs",
        "column.opened_precision": "Précision de la date d'ouverture",
        "column.closed_precision": "Précision de la date de fermeture",
        "column.source": "Source",
        "column.suffix.before": "{label}, avant",
        "column.suffix.after": "{label}, après",
        "column.suffix.a": "{label} (a)",
        "column.suffix.b": "{label} (b)",
        "column.suffix.change": "{label}, variation (b - a)",
        "column.suffix.low": "{label}, borne basse",
        "column.suffix.high": "{label}, borne haute",
        "column.precision_at": "Précision parmi les {k} premiers",
        "column.recall_at": "Rappel parmi les {k} premiers",
    },
}

#: The languages of :data:`STRINGS`.
LANGS = tuple(STRINGS)


def _check(lang: str) -> str:
    if lang not in STRINGS:
        raise UnknownNameError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    return lang


def text(key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields`` (``str.format``).

    Parameters
    ----------
    key
        A key of :data:`STRINGS`.
    lang
        One of :data:`LANGS`.
    **fields
        Values of the string's ``{fields}``; none: the string as it is.

    Returns
    -------
    str
        The words.

    Raises
    ------
    UnknownNameError
        For a language or key that the tables do not have.
    """
    table = STRINGS[_check(lang)]
    if key not in table:
        raise UnknownNameError(f"no map text {key!r}")
    value = table[key]
    if fields:
        if lang != "en":
            fields = {k: _local(v, lang) for k, v in fields.items()}
        value = value.format(**fields)
    return value


class _LocalNumber:
    """A number that formats itself with a language's separators (``{radius_km:g}`` -> 12,5).

    Parameters
    ----------
    value
        The number.
    lang
        One of :data:`LANGS`.
    """

    __slots__ = ("lang", "value")

    def __init__(self, value: float, lang: str) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        out = format(self.value, spec)
        return out.translate({ord("."): DECIMAL[self.lang], ord(","): THOUSANDS[self.lang]})

    def __str__(self) -> str:
        return format(self, "")


def _local(value: object, lang: str) -> object:
    """``value`` as a :class:`_LocalNumber` if it is a number (not a bool), else unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _LocalNumber(value, lang)
    return value


class Phrase(str):
    """A sentence for people that is English text and remembers how to say it in any language.

    It is a ``str`` (its English words), so messages, warnings, JSON and logs read it as text;
    :meth:`in_lang` words it again from its catalogue key and fields.

    Parameters
    ----------
    key
        The catalogue key of the sentence.
    terms
        Fields that are coded values (or tuples of them), and the catalogue kind that words
        them in languages other than English (:func:`term`).
    **fields
        The sentence's fields.

    Examples
    --------
    >>> said = Phrase("diff.dates", a="2023-06-30", b="2024-07-22")
    >>> said, said.in_lang("fr")
    ('a = 2023-06-30, b = 2024-07-22', 'a = 2023-06-30, b = 2024-07-22')
    """

    key: str
    terms: dict[str, str]
    fields: dict[str, object]

    def __new__(cls, key: str, *, terms: dict[str, str] | None = None, **fields: object) -> Phrase:
        """The English words, remembering ``key``, ``terms`` and ``fields``.

        Parameters
        ----------
        key
            The catalogue key.
        terms
            Coded fields and the kind that words them.
        **fields
            The sentence's fields.

        Returns
        -------
        Phrase
            The sentence.
        """
        terms = dict(terms or {})
        english = text(key, "en", **_termed(fields, terms, "en"))
        said = super().__new__(cls, english)
        said.key, said.terms, said.fields = key, terms, dict(fields)
        return said

    def __reduce__(self):
        """Copied and pickled with its key and fields (``DataFrame.attrs`` are deep-copied).

        Returns
        -------
        tuple
            How to build it again.
        """
        return (_phrase, (self.key, self.terms, self.fields))

    def in_lang(self, lang: str = DEFAULT_LANG) -> str:
        """The sentence in ``lang``.

        Parameters
        ----------
        lang
            One of :data:`LANGS`.

        Returns
        -------
        str
            Its words in that language.
        """
        return text(self.key, lang, **_termed(self.fields, self.terms, lang))


def _phrase(key: str, terms: dict[str, str], fields: dict[str, object]) -> Phrase:
    return Phrase(key, terms=terms, **fields)


def _termed(fields: dict[str, object], terms: dict[str, str], lang: str) -> dict[str, object]:
    """The fields with their coded values worded in ``lang``.

    English keeps the codes as they are; a tuple of codes is worded item by item and joined by
    commas.
    """
    if lang == "en":
        return {k: ", ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in fields.items()}
    out: dict[str, object] = {}
    for k, v in fields.items():
        if k in terms and isinstance(v, tuple):
            out[k] = ", ".join(term(terms[k], item, lang) for item in v)
        else:
            out[k] = term(terms[k], v, lang) if k in terms else v
    return out


def phrase_text(said: object, lang: str = DEFAULT_LANG) -> str:
    """``said`` in ``lang`` if it is a :class:`Phrase`, else as it is (text from elsewhere).

    Parameters
    ----------
    said
        A message.
    lang
        One of :data:`LANGS`.

    Returns
    -------
    str
        Its words.
    """
    return said.in_lang(lang) if isinstance(said, Phrase) else str(said)


def date_text(when: dt.date | str, lang: str = DEFAULT_LANG) -> str:
    """``when`` as ``02 Aug 2023`` (en) or ``02 août 2023`` (fr).

    Parameters
    ----------
    when
        A date, or ISO text (its first 10 characters are read).
    lang
        One of :data:`LANGS`.

    Returns
    -------
    str
        Day, the language's abbreviated month, year.

    Raises
    ------
    UnknownNameError
        For a language the tables do not have.
    """
    if isinstance(when, str):
        when = dt.date.fromisoformat(when[:10])
    return f"{when.day:02d} {_MONTHS[_check(lang)][when.month - 1]} {when.year}"


def term(kind: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """A coded value in words: ``term("air_status", "ended", "fr") == "arrêtée"``.

    Parameters
    ----------
    kind
        The code list (the key's prefix: ``air_status``, ``confidence``...).
    value
        The coded value.
    lang
        One of :data:`LANGS`.

    Returns
    -------
    str
        The words, or ``str(value)`` for a value the catalogue does not know (text from a
        source).

    Raises
    ------
    UnknownNameError
        For a language the tables do not have.
    """
    key = f"{kind}.{value}"
    return text(key, lang) if key in STRINGS[_check(lang)] else str(value)


_VOWELS = tuple("AEIOUYÂÉÈÊÎÔÛaeiouyâéèêîôû")


def of_name(name: str, lang: str = DEFAULT_LANG) -> str:
    """``of`` before a name: ``of Gao``; in French elided before a vowel.

    Parameters
    ----------
    name
        A place name.
    lang
        One of :data:`LANGS`.

    Returns
    -------
    str
        ``of Gao`` (en), ``de Gao`` or ``d'Ansongo`` (fr).

    Raises
    ------
    UnknownNameError
        For a language the tables do not have.
    """
    if _check(lang) == "fr":
        return f"d'{name}" if name.startswith(_VOWELS) else f"de {name}"
    return f"of {name}"


#: The decimal separator of each language.
DECIMAL = {"en": ".", "fr": ","}

#: Thousands separator of numbers written in text (French: a narrow no-break space).
THOUSANDS = {"en": ",", "fr": "\u202f"}


def number_text(value: float, lang: str = DEFAULT_LANG, *, digits: int = 1) -> str:
    """``value`` rounded to ``digits`` decimals with the language's decimal separator.

    Parameters
    ----------
    value
        A number, or None/NaN.
    lang
        One of :data:`LANGS`.
    digits
        Decimals kept (trailing zeros are dropped).

    Returns
    -------
    str
        The number, or ``""`` for a missing value.

    Raises
    ------
    UnknownNameError
        For a language the tables do not have.

    Examples
    --------
    >>> number_text(5.8333, "fr"), number_text(12.0, "en"), number_text(0.25, "fr", digits=2)
    ('5,8', '12', '0,25')
    """
    if value is None or value != value:
        return ""
    out = f"{round(float(value), digits):.{digits}f}"
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    if out == "-0":
        out = "0"
    return out.replace(".", DECIMAL[_check(lang)])


#: Columns whose header reuses the words of the report (``maps.report``), so that a column reads
#: the same in the report, the table and the CSV; every other column has a ``column.<name>`` key.
COLUMN_ALIASES = {
    "exposure_rank": "report.rank",
    "rank": "report.rank",
    "reasons": "report.why",
    "why": "report.why",
    "class": "report.class",
    "region_2023": "report.region_2023",
    "places": "report.places",
    "unit_name": "report.unit",
    "census_people_high_severe": "report.census_high_severe",
    "single_road_places": "report.single_road",
    "places_lost_coverage": "report.lost_coverage",
    "worldpop_near_open_site": "report.worldpop_near_site",
}

#: Suffixes that make a family of columns from one (``places_high_before``, ``rank_a``,
#: ``auc_low``): the header is ``column.suffix.<suffix>`` around the header of the rest.
COLUMN_SUFFIXES = ("before", "after", "a", "b", "change", "low", "high")

_AT_K = re.compile(r"(?P<metric>precision|recall)_at_(?P<k>\d+)")


def _column_words(column: str, lang: str) -> str | None:
    table = STRINGS[lang]
    key = COLUMN_ALIASES.get(column, f"column.{column}")
    if key in table:
        return table[key]
    at_k = _AT_K.fullmatch(column)
    if at_k:
        return table[f"column.{at_k['metric']}_at"].format(k=at_k["k"])
    base, _, suffix = column.rpartition("_")
    if base and suffix in COLUMN_SUFFIXES:
        label = _column_words(base, lang)
        if label is not None:
            return table[f"column.suffix.{suffix}"].format(label=label)
    return None


def column_label(column: str, lang: str = DEFAULT_LANG, *, strict: bool = True) -> str:
    """The header people read for the data column ``column`` (a machine key) in ``lang``.

    The words are the report's for the columns it shows (:data:`COLUMN_ALIASES`), else the
    catalogue's ``column.<column>``; families are built from their stem:
    ``precision_at_<k>``/``recall_at_<k>`` and ``<column>_<suffix>`` for the suffixes of
    :data:`COLUMN_SUFFIXES` (``places_high_before`` reads "High-exposure places, before").

    Parameters
    ----------
    column
        The column's key, as in CSV with machine headers and in JSON.
    lang
        One of :data:`LANGS`.
    strict
        Raise for a column without words; False returns the key itself.

    Returns
    -------
    str
        The header.

    Raises
    ------
    UnknownNameError
        For an unknown language, or (``strict``) a column the catalogue has no words for.

    Examples
    --------
    >>> column_label("exposure_score_change", "fr")
    "Score d'exposition (0-10), variation (b - a)"
    >>> column_label("precision_at_10_low")
    'Precision in the top 10, lower bound'
    """
    words = _column_words(str(column), _check(lang))
    if words is not None:
        return words
    if strict:
        raise UnknownNameError(
            f"no header words for column {column!r} in {lang!r}: add column.{column} to "
            "minusma.geo.i18n.STRINGS (every language)"
        )
    return str(column)
