"""Every text the maps show, in English and French: one table per language, one place.

Data values (names, sources, reasons of the assessment) stay as sourced; only the maps' own
labels, headings, legend and timeline texts are translated. :func:`text` formats a string with
``str.format`` fields; :func:`date_text` writes a date with the language's month names.

>>> text("rank_of", "fr", n=3, m=191)
'rang 3 sur 191'
"""

from __future__ import annotations

import datetime as dt

from geo._errors import UnknownNameError

__all__ = ["DEFAULT_LANG", "LANGS", "STRINGS", "date_text", "text"]

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
        "class_range": "{label}: score {lo:g} to {hi:g}",
        "class_top": "{label}: score {lo:g} or more",
        "score_note": (
            "The score (0 to 10, higher = more exposed) averages three parts: security (the UN "
            "site that protected the town closed), road access (hours and number of routes to "
            "Bamako) and air (flights that ended). Missing parts are left out, never counted as 0."
        ),
        "model_note": "Model: radius {radius_km:g} km, {season} season{whatif}.",
        "whatif": ", what-if scenario",
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
        "settlement": "populated place (OCHA COD, {n})",
        "sources": "Sources",
        "tiles_credit": "Background tiles: © OpenStreetMap contributors (ODbL)",
        "search": "Search a town or P-code",
        "search_none": "no town found",
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
            "populated place (OCHA COD, {n}), coloured by its exposure class at the selected date"
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
        # static map
        "png_situation": "situation on {date}: {n} of {m} MINUSMA sites open",
        "png_town": "town: {label} exposure",
        "png_open_site": "open {label}",
        "png_road": "road: {label} (schematic)",
        "png_central": "central zone (2023 plan)",
        "png_coverage": "coverage of open sites ({radius_km:g} km)",
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
        "class_range": "{label} : score de {lo:g} à {hi:g}",
        "class_top": "{label} : score de {lo:g} ou plus",
        "score_note": (
            "Le score (0 à 10, plus haut = plus exposé) est la moyenne de trois volets : sécurité "
            "(le site de l'ONU qui protégeait la ville a fermé), accès routier (heures et nombre "
            "d'itinéraires vers Bamako) et aérien (vols arrêtés). Un volet manquant est écarté, "
            "jamais compté comme 0."
        ),
        "model_note": "Modèle : rayon {radius_km:g} km, saison {season}{whatif}.",
        "whatif": ", scénario hypothétique",
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
        "settlement": "lieu habité (OCHA COD, {n})",
        "sources": "Sources",
        "tiles_credit": "Fond de carte : © contributeurs OpenStreetMap (ODbL)",
        "search": "Chercher une ville ou un P-code",
        "search_none": "aucune ville trouvée",
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
            "lieu habité (OCHA COD, {n}), coloré selon sa classe d'exposition à la date choisie"
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
        "png_situation": "situation au {date} : {n} sites de la MINUSMA ouverts sur {m}",
        "png_town": "ville : exposition {label}",
        "png_open_site": "{label} ouvert",
        "png_road": "route : {label} (schématique)",
        "png_central": "zone centre (plan 2023)",
        "png_coverage": "couverture des sites ouverts ({radius_km:g} km)",
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
        value = value.format(**fields)
    return value


def date_text(when: dt.date, lang: str = DEFAULT_LANG) -> str:
    """``when`` as ``02 Aug 2023`` (en) or ``02 août 2023`` (fr)."""
    return f"{when.day:02d} {_MONTHS[_check(lang)][when.month - 1]} {when.year}"
