"""The map's language: a French map (``Study().map(lang="fr")``) names its layers and heads its
site, airport, road, river, region and air-link popups in French, with no English heading left;
the legend's what-if note names the scenario in both languages."""

from __future__ import annotations

import html
import re

import pytest

from minusma import Study
from minusma.geo.exposure.params import ExposureParams
from minusma.maps.build import map_html
from minusma.maps.controls import legend_html
from minusma.maps.exposure import SCENARIO_FIELDS, scenario

#: Layer names of the layer control, per language (the shipped layers, no data directory).
LAYER_NAMES = {
    "en": [
        "Regions (central zone highlighted)",
        "Niger river (navigable reach bold)",
        "Roads (by class; schematic lines dashed)",
        "Roads with no detour (highlight)",
        "Airports and airstrips",
        "Air links (by operator; ended dashed)",
        "Coverage before the withdrawal (50 km)",
        "Coverage at the selected date (50 km)",
        "MINUSMA sites open (symbol by kind)",
        "MINUSMA sites closed (faded)",
        "Towns (colour = exposure class)",
    ],
    "fr": [
        "Régions (zone centre mise en évidence)",
        "Fleuve Niger (bief navigable en gras)",
        "Routes (par classe ; tracés schématiques en tirets)",
        "Routes sans détour (surlignées)",
        "Aéroports et pistes d'atterrissage",
        "Liaisons aériennes (par opérateur ; arrêtées en tirets)",
        "Couverture avant le retrait (50 km)",
        "Couverture à la date choisie (50 km)",
        "Sites de la MINUSMA ouverts (symbole selon le type)",
        "Sites de la MINUSMA fermés (estompés)",
        "Villes (couleur = classe d'exposition)",
    ],
}

#: Popup and tooltip headings: sites, airports, roads, river reaches, regions, air links.
HEADINGS = {
    "en": [
        "closure date",
        "closure order",
        "date note",
        "open until",
        "elevation (m)",
        "role 2020-2024",
        "role source",
        "point source",
        "length method",
        "second source",
        "length (published, km)",
        "(central zone)",
        "<th>2023 regions inside</th>",
        "frequency",
        "schematic great-circle route",
        "schematic route)",
        "; end 22 Jul 2024, closure of Gao",
    ],
    "fr": [
        "date de fermeture",
        "ordre de fermeture",
        "note sur la date",
        "ouvert jusqu'au",
        "altitude (m)",
        "rôle 2020-2024",
        "source du rôle",
        "source du point",
        "méthode de mesure de la longueur",
        "seconde source",
        "longueur (publiée, km)",
        "(zone centre)",
        "<th>régions de 2023 incluses</th>",
        "fréquence",
        "route schématique (orthodromie)",
        "route schématique)",
        " ; fin le 22 juil. 2024, fermeture : camp de quartier général de secteur de Gao",
    ],
}


def _readable(page: str) -> str:
    """The page with JSON's ``\\uXXXX`` escapes and HTML's entities decoded, to search words in."""
    page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    return html.unescape(page)


def _layer_names(page: str) -> list[str]:
    """The overlay names of the page's layer control (``page`` made :func:`_readable`)."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", page, re.S)
    assert block, "no layer control in the page"
    return re.findall(r'"([^"]+)"\s*:', block.group(1))


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {
        lang: _readable(map_html(Study().map(as_of="2023-08-02", lang=lang)))
        for lang in ("en", "fr")
    }


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_layer_control_names_every_layer_in_the_maps_language(pages, lang):
    names = _layer_names(pages[lang])
    for name in LAYER_NAMES[lang]:
        assert name in names, (lang, name, names)
    other = "fr" if lang == "en" else "en"
    assert not set(LAYER_NAMES[other]) & set(names)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_popup_headings_are_in_the_maps_language_only(pages, lang):
    page = pages[lang]
    other = "fr" if lang == "en" else "en"
    missing = [h for h in HEADINGS[lang] if h not in page]
    assert missing == [], lang
    left = [h for h in HEADINGS[other] if h in page]
    assert left == [], lang


def test_what_if_note_names_the_scenario_in_both_languages():
    p = ExposureParams(close=("Ber",), keep=("Gao",), close_roads=("Diré–Goundam",))
    assert list(scenario(p)) == ["close", "keep", "close_roads"]
    assert scenario(ExposureParams()) == {}
    assert set(SCENARIO_FIELDS) <= set(ExposureParams.__dataclass_fields__)
    en = legend_html(radius_km=50, settlements=False, offline=False, scenario=scenario(p))
    fr = legend_html(
        radius_km=50, settlements=False, offline=False, scenario=scenario(p), lang="fr"
    )
    assert "what-if scenario (closed early: Ber; kept open: Gao; roads cut: Diré–Goundam)" in en
    assert (
        "scénario hypothétique (fermés plus tôt : Ber ; maintenus ouverts : Gao ; "
        "routes coupées : Diré–Goundam)" in fr
    )
    plain = legend_html(radius_km=50, settlements=False, offline=False, lang="fr")
    assert "Modèle : rayon 50 km, saison sèche." in plain and "hypothétique" not in plain


def test_a_what_if_map_says_so_in_its_legend():
    page = _readable(map_html(Study().map(as_of="2023-08-02", close=["Ber"], lang="fr")))
    assert "scénario hypothétique (fermés plus tôt : Ber)" in page
