"""Every command's printed table in ``--lang fr`` holds no English word (click's CliRunner).

The stop list is the one the French map is checked with in Chromium
(tests/browser/test_map_french.py). Left out, as data rather than words of the package: the
source citations of ``minusma data`` and ``minusma layers`` (licence and attribution), proper
names, and identifiers a person types back (keys such as ``osm_roads`` or ``air_score``, and file
paths: any token holding ``_`` or ``/``). The English table of each command is checked the
other way round: it must hold no word of the French stop list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.layers.datasets import get, names
from minusma.layers.registry import KINDS, metadata_frame
from tests.browser.test_map_french import ENGLISH, FRENCH

#: Each command, run with --lang fr (and en).
COMMANDS = {
    "towns": ["towns", "--top", "12"],
    "summary": ["summary"],
    "diff": ["diff", "--as-of", "2023-06-30", "--as-of", "2024-07-22"],
    "diff-none": ["diff", "--as-of", "2024-07-22", "--as-of", "2024-07-22"],
    "nearest": ["query", "nearest", "Gao", "-k", "3"],
    "within": ["query", "within", "Gao", "100", "--to", "towns"],
    "within-none": ["query", "within", "Gao", "1", "--to", "towns"],
    "route": ["query", "route", "Gao", "Tessalit", "--season", "wet"],
    "route-detour": ["query", "route", "Gao", "Kidal", "--close-road", "Gao–Bourem"],
    "scenarios": ["-q", "scenarios", "--close-each"],
    "validate": ["validate", "--boot", "20"],
    "data": ["data"],
    "population": ["population"],
    "plan": ["-q", "plan", "--keep", "2"],
    "plan-exposed": ["-q", "plan", "--keep", "2", "--objective", "exposed"],
    "layers": ["layers"],
}

#: The commands that need the data directory (the others run on the shipped layers).
NEEDS_DATA = ("data", "population")


def _words(text: str) -> set[str]:
    """The words of ``text``, leaving out identifiers (tokens with ``_`` or ``/``)."""
    prose = " ".join(t for t in text.split() if "_" not in t and "/" not in t)
    return {w.lower() for w in re.findall(r"[^\W\d_]+", prose)}


def _citations(name: str) -> set[str]:
    """The words of the licences and attributions a command shows as sourced."""
    if name == "layers":  # and the layers' names: identifiers (GeoPackage tables)
        frames = [metadata_frame(k) for k in KINDS]
        return set().union(*(_words(" ".join([*f["licence"], *f["layer"]])) for f in frames))
    out: set[str] = set()
    for dataset in names():
        entry = get(dataset)
        out |= _words(f"{entry.licence} {entry.attribution}")
    return out


def _run(args: list[str], lang: str, data_dir: Path) -> str:
    env = {"MINUSMA_DATA": str(data_dir) if args[0] in NEEDS_DATA else None}
    res = CliRunner().invoke(cli, [*args, "--lang", lang], env=env)
    assert res.exit_code in (0, 1), res.output  # data: 1 when a dataset has a problem
    return res.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_french_table_holds_no_english_word(name, data_dir):
    out = _run(COMMANDS[name], "fr", data_dir)
    assert out.strip()
    allowed = _citations(name) if name in ("data", "layers") else set()
    found = sorted((_words(out) & ENGLISH) - allowed)
    lines = [line for line in out.splitlines() if _words(line) & set(found)][:5]
    assert not found, (found, lines)


@pytest.mark.parametrize(
    "name", ["towns", "summary", "diff", "scenarios", "validate", "population", "route", "plan"]
)
def test_the_english_table_holds_no_french_word(name, data_dir):
    out = _run(COMMANDS[name], "en", data_dir)
    found = sorted(_words(out) & FRENCH)
    assert not found, found


def test_the_study_line_is_in_french(data_dir):
    res = CliRunner().invoke(
        cli, ["towns", "--top", "1", "--lang", "fr"], env={"MINUSMA_DATA": None}
    )
    assert res.exit_code == 0, res.output
    line = next(t for t in res.stderr.splitlines() if "rayon" in t)
    assert line == (
        "au 2024-07-22, saison sèche, rayon 50 km, modèle inform ; données : couches livrées "
        "avec le paquet ; lieux : villes"
    )
    assert "lacune de données : 4 tronçon(s) routier(s) sans vitesse en saison sèche" in res.stderr
    assert not _words(res.stderr) & ENGLISH, res.stderr


def test_the_route_gaps_are_in_french():
    args = ["query", "route", "Gao", "Tessalit", "--season", "wet", "--lang", "fr"]
    res = CliRunner().invoke(cli, args, env={"MINUSMA_DATA": None})
    assert res.exit_code == 0, res.output
    assert "5 tronçon(s) sur 5 sont schématiques" in res.stderr
    assert not _words(res.stderr) & ENGLISH, res.stderr


def test_french_numbers_and_words_in_the_tables(data_dir):
    summary = _run(COMMANDS["summary"], "fr", data_dir)
    assert "NA -> 52\u202f539" in summary and "(unité inconnue)" in summary
    assert summary.splitlines()[2].startswith("Région (2023)")
    assert max(len(line) for line in summary.splitlines()[1:]) < 160  # compact headers
    diff = _run(COMMANDS["diff"], "fr", data_dir)
    assert "faible     sévère" in diff and "10,00" in diff and "5.860422" not in diff
    assert "a perdu la couverture d'Ogossagou (0 km) le 03 août 2023" in diff
    assert "Identifiant de la ville" in diff
    assert "aucun lieu ne change de classe" in _run(COMMANDS["diff-none"], "fr", data_dir)
    nearest = _run(COMMANDS["nearest"], "fr", data_dir)
    assert "camp d'Ansongo" in nearest and "89,5" in nearest and "Ansongo camp" not in nearest
    assert "(aucun)" in _run(COMMANDS["within-none"], "fr", data_dir)


def test_the_catalogue_titles_of_the_layers_are_the_registry_s():
    from minusma.geo.i18n import STRINGS

    for kind in KINDS:
        for row in metadata_frame(kind).itertuples():
            assert STRINGS["en"][f"layers.title.{row.layer}"] == row.title, row.layer
            assert STRINGS["fr"][f"layers.title.{row.layer}"] != row.title, row.layer
