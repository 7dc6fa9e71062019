"""Headers people read (``--headers``, ``--lang``; ``minusma.output``, ``minusma.geo.i18n``).

Every command that prints CSV is run here: every column it writes must have words in every
language (a missing one fails, naming the column), the words must tell the columns apart, the
default stays the machine keys (what programs read), and ``--headers labels`` writes the words.
"""

from __future__ import annotations

import csv
import io
import json

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.geo._errors import UnknownNameError
from minusma.geo.i18n import LANGS, column_label
from minusma.output import csv_text, header_settings, labelled, render

GED_CAF = "ucdp-ged-caf/ged231_caf.geojson"

#: One run per command (and per variant that adds columns) that prints CSV; ``{data}`` is the
#: data directory.
COMMANDS = {
    "towns": ["towns"],
    "summary-2023": ["summary", "--data", "{data}"],
    "summary-cercle": ["summary", "--by", "cercle", "--data", "{data}"],
    "summary-region": ["summary", "--by", "region"],
    "diff": ["diff", "--as-of", "2023-06-30", "--as-of", "2024-07-22", "--all"],
    "diff-settlements": [
        *("diff", "--places", "settlements", "--close", "Ber", "--data", "{data}"),
    ],
    "query-nearest": ["query", "nearest", "Gao", "-k", "3"],
    "query-route": ["query", "route", "Gao", "Bamako"],
    "scenarios": ["scenarios", "--keep-k", "5", "--max-scenarios", "4"],
    "validate": ["validate", "--boot", "0"],
    "forecast": ["forecast", "--unit", "cercle", "--data", "{data}"],
    "backtest": [
        *("backtest", "--history", "{data}/" + GED_CAF, "--country", "ANY", "--unit", "grid"),
        *("--mission", "MINUSCA", "--from", "2019-01", "--to", "2020-01", "--data", "{data}"),
    ],
    "effect": [
        *("effect", "--history", "{data}/" + GED_CAF, "--sites", "geopko", "--mission"),
        *("MINUSCA", "--unit", "grid", "--window", "12", "--from", "2012-01", "--to", "2022-12"),
        *("--placebo-draws", "0", "--data", "{data}"),
    ],
    "sites": ["sites", "--mission", "MINUSMA", "--data", "{data}"],
}


def _csv(args: list[str], data_dir, *extra: str) -> list[str]:
    """The header row of the command's CSV."""
    argv = ["-q", *(a.format(data=data_dir) for a in args), "--format", "csv", *extra]
    result = CliRunner().invoke(cli, argv, env={"MINUSMA_DATA": None})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff"), "not written by the one writer (no BOM)"
    return next(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_column_of_every_command_has_words_in_every_language(command, data_dir):
    keys = _csv(COMMANDS[command], data_dir)
    assert keys and all(k.isascii() and " " not in k for k in keys)  # the default: machine keys
    missing = []
    for lang in LANGS:
        words = []
        for key in keys:
            try:
                words.append(column_label(key, lang))
            except UnknownNameError:
                missing.append(f"{lang}: {key}")
        assert len(set(words)) == len(words), f"{lang}: two columns read the same: {words}"
    assert missing == [], f"columns of `minusma {command}` without header words"


@pytest.mark.parametrize("command", ["summary-region", "query-route", "sites"])
def test_labels_on_request_in_the_chosen_language(command, data_dir):
    keys = _csv(COMMANDS[command], data_dir)
    assert _csv(COMMANDS[command], data_dir, "--headers", "keys") == keys
    french = _csv(COMMANDS[command], data_dir, "--headers", "labels", "--lang", "fr")
    assert french == [column_label(k, "fr") for k in keys] and french != keys


def test_settings_end_with_the_run_even_when_an_option_fails():
    bad = ["summary", "--lang", "fr", "--headers", "labels", "--format", "csv", "--by", "bogus"]
    assert CliRunner().invoke(cli, bad, env={"MINUSMA_DATA": None}).exit_code == 2
    fine = CliRunner().invoke(cli, ["query", "nearest", "Gao", "--format", "csv"])
    assert fine.stdout.splitlines()[0] == "\ufeffid,name,distance_km"
    table = CliRunner().invoke(cli, ["query", "nearest", "Gao", "--format", "csv", "--lang", "fr"])
    assert table.stdout.splitlines()[0] == "\ufeffid,name,distance_km"  # keys unless asked


def test_json_keeps_the_keys_whatever_the_language():
    result = CliRunner().invoke(
        cli, ["-q", "towns", "--top", "2", "--format", "json", "--lang", "fr"]
    )
    assert result.exit_code == 0, result.output
    assert "exposure_rank" in json.loads(result.stdout)["towns"][0]


def test_words_reuse_the_report_and_build_families():
    assert column_label("exposure_rank", "fr") == "Rang"  # report.rank
    assert column_label("places_high_before", "fr") == "Lieux en exposition élevée, avant"
    assert column_label("precision_at_25_low") == "Precision in the top 25, lower bound"
    assert column_label("people_low") == "People in low-exposure places"  # not a bound
    assert column_label("no_such_column", strict=False) == "no_such_column"
    with pytest.raises(UnknownNameError, match="no header words for column 'no_such_column'"):
        column_label("no_such_column", "fr")


def test_the_writer_applies_the_settings_in_force():
    frame = pd.DataFrame({"name": ["Gao"], "distance_km": [12.345]})
    assert csv_text(frame).splitlines()[0] == "\ufeffname,distance_km"
    with header_settings(headers="labels", lang="fr"):
        assert csv_text(frame).splitlines()[0] == "\ufeffNom,Distance (km)"
        assert csv_text(frame, headers="keys").splitlines()[0] == "\ufeffname,distance_km"
        table = render(frame, "table")
        assert "Distance (km)" in table and "12.345" in table
        assert render(frame, "table", table=lambda f: f[["name"]]).split()[0] == "Nom"
        assert json.loads(render(frame, "json"))["rows"][0]["distance_km"] == 12.3
    assert csv_text(frame, headers="labels").splitlines()[0] == "\ufeffName,Distance (km)"
    explicit = render(frame, "csv", headers="labels", lang="fr")
    assert explicit.splitlines()[0] == "\ufeffNom,Distance (km)"
    with (
        pytest.raises(ValueError, match="unknown headers 'words'"),
        header_settings(headers="words"),
    ):
        pass


def test_labelled_keeps_unknown_columns_and_names_the_index():
    frame = pd.DataFrame({"unit_id": ["ML01"], "x_custom": [1]}).set_index("unit_id")
    out = labelled(frame, "fr")
    assert list(out.columns) == ["x_custom"] and out.index.name == "Identifiant de l'unité"


def test_a_command_that_declares_lang_gets_one_option():
    ctx = click.Context(cli)
    for name in ("towns", "forecast", "summary", "query"):
        command = cli.get_command(ctx, name)
        for sub in getattr(command, "commands", {"": command}).values():
            langs = [p for p in sub.params if p.name == "lang"]
            assert len(langs) == 1, name
    towns = cli.get_command(ctx, "towns")
    assert next(p for p in towns.params if p.name == "lang").expose_value  # towns uses it
