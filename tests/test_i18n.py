"""One catalogue of words (``minusma.geo.i18n``): every key the package writes for a person
exists in English and French, including the coded values of the shipped data that the maps,
popups, reports and QGIS styles translate (confidence, air service, event types...)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minusma import layers
from minusma.geo.exposure.params import AGGREGATIONS
from minusma.geo.i18n import LANGS, STRINGS, date_text, number_text, of_name, term

ROOT = Path(__file__).parents[1]
FOLDERS = ("geo", "layers", "maps", "src")


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for f in FOLDERS for p in (ROOT / f).rglob("*.py")}


def test_every_key_named_in_the_code_exists_in_every_language():
    missing = []
    for path, source in _sources().items():
        keys = set(re.findall(r'\btext\(\s*"([^"{}]+)"', source))
        # helpers of the form ``def t(key): return text(f"<prefix>.{key}", ...)``
        prefixes = re.findall(r'text\(f"([\w]+)\.\{key\}"', source)
        if prefixes:
            for key in set(re.findall(r'\bt\(\s*"(\w+)"', source)):
                if not any(f"{p}.{key}" in STRINGS["en"] for p in prefixes):
                    missing.append(f"{path.name}: {prefixes}.{key}")
        missing += [f"{path.name}: {k}" for k in keys if k not in STRINGS["en"]]
    assert missing == []
    assert all(set(STRINGS[lang]) == set(STRINGS["en"]) for lang in LANGS)


def _values() -> dict[str, set]:
    bases, roads, air = layers.bases(), layers.roads(), layers.air_links()
    events = layers.events()
    return {
        "confidence": set(bases["confidence"]) | set(events["confidence"].dropna()),
        "length_method": set(roads["length_method"].dropna()),
        "service_type": set(air["service_type"].dropna()),
        "air_status": set(air["status"].dropna()),
        "event_type": set(events["event_type"].dropna()),
        "date_precision": set(events["date_precision"].dropna()),
        "aggregation": set(AGGREGATIONS),
        "air_state": {"served", "none_documented", "unknown", "no_airstrip_in_reach"},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_every_coded_value_of_the_shipped_data_has_its_words(lang):
    missing = [
        f"{kind}.{v}"
        for kind, values in _values().items()
        for v in values
        if f"{kind}.{v}" not in STRINGS[lang]
    ]
    assert missing == []


def test_dates_numbers_and_names_follow_the_language():
    assert date_text("2023-12-28", "fr") == "28 déc. 2023"
    assert date_text("2023-12-28", "en") == "28 Dec 2023"
    assert number_text(7.5, "fr") == "7,5" and number_text(7.5, "en") == "7.5"
    assert of_name("Ansongo", "fr") == "d'Ansongo" and of_name("Gao", "fr") == "de Gao"
    assert term("air_status", "ended", "fr") == "arrêtée"
    assert term("air_status", "as sourced", "fr") == "as sourced"  # unknown values stay
