"""The words of a forecast's ``why``: each feature's contribution as a phrase (en, fr)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from minusma.geo.forecast.features import FeatureCube

__all__ = ["LANGS", "WHY_TERMS", "why_text"]

#: Contributions named in ``why``.
WHY_TERMS = 3

_NOUN = {
    "en": {
        "cercle": "cercles",
        "commune": "communes",
        "region": "regions",
        "region_2023": "regions",
        "grid": "cells",
        "towns": "towns",
        "settlements": "settlements",
    },
    "fr": {
        "cercle": "cercles",
        "commune": "communes",
        "region": "régions",
        "region_2023": "régions",
        "grid": "cellules",
        "towns": "villes",
        "settlements": "localités",
    },
}

_WORDS = {
    "en": {
        "events_1m": "{v:.0f} events last month",
        "events_3m": "{v:.0f} events in the last 3 months",
        "events_12m": "{v:.0f} events in the last 12 months",
        "events_36m": "{v:.0f} events in the last 36 months",
        "events_per_month_all": "{y:.1f} events a year on record",
        "months_since_event": "last event {v:.0f} months earlier",
        "decayed_events": "recent events (decayed count {v:.1f})",
        "neighbour_events_3m": "{v:.0f} in neighbouring {noun} in the last 3 months",
        "neighbour_events_12m": "{v:.0f} in neighbouring {noun} in the last 12 months",
        "sites_open_within": "{v:.0f} open site(s) within {r:.0f} km",
        "km_to_open_site": "nearest open site {site}, {v:.0f} km away",
        "months_since_closure_within": (
            "the {site} site, {km:.0f} km away, closed {v:.0f} months earlier"
        ),
        "months_since_closure_none": "no site closed within {r:.0f} km",
        "km_to_any_site": "{v:.0f} km from the nearest site",
        "km_to_capital": "{v:.0f} km from the capital",
        "km_to_border": "{v:.0f} km from the border",
        "bamako_travel_h": "{v:.0f} h by road to Bamako",
        "bamako_routes": "{v:.0f} road route(s) to Bamako",
        "airport_km": "{v:.0f} km from an airstrip",
        "on_road_network": "{p:.0f} % of its towns on the road network",
        "riverside": "{p:.0f} % of its towns on the river",
        "population": "about {v:,.0f} people",
        "composite": "hand-set exposure score {v:.2f}",
        "opening_effect_within": (
            "estimated effect of site openings nearby: {v:+.2f} events a month"
        ),
        "closing_effect_within": (
            "estimated effect of site closures nearby: {v:+.2f} events a month"
        ),
        "none": "no history of events",
    },
    "fr": {
        "events_1m": "{v:.0f} événements le mois dernier",
        "events_3m": "{v:.0f} événements ces 3 derniers mois",
        "events_12m": "{v:.0f} événements ces 12 derniers mois",
        "events_36m": "{v:.0f} événements ces 36 derniers mois",
        "events_per_month_all": "{y:.1f} événements par an en moyenne",
        "months_since_event": "dernier événement {v:.0f} mois plus tôt",
        "decayed_events": "événements récents (compte amorti {v:.1f})",
        "neighbour_events_3m": "{v:.0f} dans les {noun} voisins ces 3 derniers mois",
        "neighbour_events_12m": "{v:.0f} dans les {noun} voisins ces 12 derniers mois",
        "sites_open_within": "{v:.0f} site(s) ouvert(s) à moins de {r:.0f} km",
        "km_to_open_site": "site ouvert le plus proche : {site}, à {v:.0f} km",
        "months_since_closure_within": (
            "le site de {site}, à {km:.0f} km, fermé {v:.0f} mois plus tôt"
        ),
        "months_since_closure_none": "aucun site fermé à moins de {r:.0f} km",
        "km_to_any_site": "à {v:.0f} km du site le plus proche",
        "km_to_capital": "à {v:.0f} km de la capitale",
        "km_to_border": "à {v:.0f} km de la frontière",
        "bamako_travel_h": "{v:.0f} h de route jusqu'à Bamako",
        "bamako_routes": "{v:.0f} itinéraire(s) routier(s) vers Bamako",
        "airport_km": "à {v:.0f} km d'une piste d'aviation",
        "on_road_network": "{p:.0f} % de ses localités sur le réseau routier",
        "riverside": "{p:.0f} % de ses localités au bord du fleuve",
        "population": "environ {v:.0f} habitants",
        "composite": "score d'exposition fixé à la main {v:.2f}",
        "opening_effect_within": (
            "effet estimé des ouvertures de sites proches : {v:+.2f} événements par mois"
        ),
        "closing_effect_within": (
            "effet estimé des fermetures de sites proches : {v:+.2f} événements par mois"
        ),
        "none": "aucun événement enregistré",
    },
}

#: Languages of the words.
LANGS = tuple(_WORDS)


def why_text(
    cube: FeatureCube, level: str, contrib: NDArray, X: NDArray, t: int, lang: str
) -> list[str]:
    """The largest contributions to each unit's forecast, in words.

    Parameters
    ----------
    cube
        The feature cube (names, sites behind the protection features).
    level
        The unit kind (:data:`minusma.unit_kinds.UNITS`), for "neighbouring cercles".
    contrib
        ``(n_units, n_features)`` log-forecast contributions
        (:func:`minusma.geo.forecast.explain.contributions`).
    X
        ``(n_units, n_features)`` the features at the origin.
    t
        The origin index.
    lang
        One of :data:`LANGS`.

    Returns
    -------
    list of str
        One sentence per unit: up to :data:`WHY_TERMS` positive contributions, largest first.
    """
    words = _WORDS[lang]
    noun = _NOUN[lang][level]
    names = list(cube.sites.names) if cube.sites is not None else []
    out = []
    for i in range(X.shape[0]):
        order = [j for j in np.argsort(-contrib[i]) if contrib[i, j] > 0][:WHY_TERMS]
        terms = []
        for j in order:
            name, v = cube.names[j], X[i, j]
            key, extra = name, {}
            if name == "km_to_open_site" and cube.nearest_open_site is not None:
                s = cube.nearest_open_site[i, t]
                extra["site"] = names[s] if s >= 0 else "-"
            if name == "months_since_closure_within" and cube.last_closed_site is not None:
                s = cube.last_closed_site[i, t]
                if s < 0 or cube.site_km is None:
                    key = "months_since_closure_none"
                else:
                    extra.update(site=names[s], km=cube.site_km[i, s])
            if key not in words:
                continue
            terms.append(
                words[key].format(v=v, y=12 * v, p=100 * v, noun=noun, r=cube.radius_km, **extra)
            )
        if not terms:
            terms = [words["events_12m"].format(v=X[i, cube.names.index("events_12m")])]
        out.append("; ".join(terms))
    return out
