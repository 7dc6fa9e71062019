"""Progress bars: on stderr when forced, never on stdout, silenced by ``minusma -q``."""

from __future__ import annotations

import logging

from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.geo.progress import PROGRESS_ENVVAR, progress, progress_enabled

ARGS = ["towns", "--top", "3", "--robustness", "--format", "csv"]


def _run(*extra: str, forced: str | None = "1"):
    env = {PROGRESS_ENVVAR: forced} if forced is not None else {}
    return CliRunner(env=env).invoke(cli, [*extra, *ARGS])


def test_forced_bar_goes_to_stderr_and_not_stdout():
    result = _run()
    assert result.exit_code == 0, result.output
    assert "robustness variants" in result.stderr
    assert "/64 [" in result.stderr  # a bar over the 64 variants
    assert "robustness variants" not in result.stdout
    assert result.stdout.splitlines()[0].startswith("\ufeffexposure_rank,town_id,")


def test_quiet_silences_even_a_forced_bar():
    result = _run("-q")
    assert result.exit_code == 0, result.output
    assert "robustness variants" not in result.stderr
    assert "it/s" not in result.stderr


def test_not_a_terminal_means_no_bar_unless_forced():
    result = _run(forced=None)
    assert result.exit_code == 0, result.output
    assert "robustness variants" not in result.stderr


def test_zero_turns_bars_off_and_level_decides(monkeypatch, capsys):
    monkeypatch.setenv(PROGRESS_ENVVAR, "1")
    assert progress_enabled()
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.ERROR)
    try:
        assert not progress_enabled()
    finally:
        root.setLevel(previous)
    monkeypatch.setenv(PROGRESS_ENVVAR, "0")
    assert not progress_enabled()
    assert list(progress(range(3), desc="silent")) == [0, 1, 2]
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_manual_bar_counts_bytes(monkeypatch, capsys):
    monkeypatch.setenv(PROGRESS_ENVVAR, "1")
    with progress(total=2048, desc="download", unit="B", unit_scale=True) as bar:
        bar.update(1024)
        bar.update(1024)
    captured = capsys.readouterr()
    assert "download" in captured.err and "2.05k" in captured.err
    assert captured.out == ""
