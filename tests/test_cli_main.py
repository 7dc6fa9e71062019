"""The ``minusma`` group itself: lazy commands, error handling, warnings shown once."""

from __future__ import annotations

import sys
import types
import warnings

import click
from click.testing import CliRunner

from minusma.cli import main
from minusma.geo._errors import ParameterError
from minusma.geo.speeds import UnknownSpeedWarning


def _install(monkeypatch, command: click.Command) -> None:
    module = types.ModuleType("minusma_test_cmd")
    module.cmd = command
    monkeypatch.setitem(sys.modules, "minusma_test_cmd", module)
    monkeypatch.setitem(main.COMMANDS, "probe", "minusma_test_cmd:cmd")


def test_warnings_are_shown_once_after_the_command(monkeypatch):
    @click.command()
    def cmd():
        # stacklevel=1 (the default): each call is its own location, so only the CLI merges them
        warnings.warn(
            "3 road segment(s) have no wet-season speed", UnknownSpeedWarning, stacklevel=1
        )
        warnings.warn(
            "3 road segment(s) have no wet-season speed", UnknownSpeedWarning, stacklevel=1
        )
        warnings.warn("something else", UserWarning, stacklevel=1)
        click.echo("done")

    _install(monkeypatch, cmd)
    result = CliRunner().invoke(main.cli, ["probe"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "done\n"
    assert result.stderr.count("data gap: 3 road segment(s) have no wet-season speed") == 1
    assert result.stderr.count("UserWarning: something else") == 1


def test_package_errors_become_one_line_exits(monkeypatch):
    @click.command()
    def cmd():
        raise ParameterError("radius_km must be positive, got -1")

    _install(monkeypatch, cmd)
    result = CliRunner().invoke(main.cli, ["probe"])
    assert result.exit_code == 1
    assert result.output == "Error: radius_km must be positive, got -1\n"


def test_unknown_command_names_the_valid_ones():
    result = CliRunner().invoke(main.cli, ["tonws"])
    assert result.exit_code == 2 and "No such command 'tonws'" in result.output
    assert "Did you mean 'towns'?" in result.output
    listed = result.output.split("Valid commands: ")[1].split()
    assert [n.rstrip(",") for n in listed] == sorted(main.COMMANDS)


def test_quiet_silences_informational_lines(tmp_path):
    loud = CliRunner().invoke(main.cli, ["towns", "--top", "1", "--no-robustness"])
    assert loud.exit_code == 0 and "as of 2024-07-22" in loud.stderr
    quiet = CliRunner().invoke(main.cli, ["-q", "towns", "--top", "1", "--no-robustness"])
    assert quiet.exit_code == 0 and "as of" not in quiet.stderr
    assert quiet.stdout == loud.stdout
