"""``minusma fetch`` through click's CliRunner, from a local mirror folder and a local
http.server."""

from __future__ import annotations

import shutil

import pytest
from _mirror_server import MirrorServer
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.layers import _http, datasets

NAMES = ["ne_lakes", "geonames_places"]


@pytest.fixture
def mirror(data_dir, tmp_path):
    root = tmp_path / "mirror"
    for name in NAMES:
        rel = datasets.get(name).path
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / rel, root / rel)
    return root


def test_fetch_from_a_folder_prints_the_data_dir(mirror, tmp_path):
    dest = tmp_path / "dest"
    args = [
        "fetch",
        "--dest",
        str(dest),
        "--mirror",
        str(mirror),
        "--only",
        "NE lakes",
        "--only",
        "geonames-places",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{dest}\n"
    assert f"2 of 2 dataset(s) present and verified in {dest}" in result.stderr
    assert all(datasets.dataset_status(n, dest).sha256_ok for n in NAMES)


def test_fetch_over_http_with_the_destination_from_the_environment(mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(_http, "RETRY_BACKOFF_S", 0.0)
    dest = tmp_path / "env-dest"
    with MirrorServer(mirror) as srv:
        srv.faults[datasets.get("ne_lakes").path] = ["500"]
        result = CliRunner(env={"MINUSMA_DATA": str(dest)}).invoke(
            cli,
            [
                "fetch",
                "--mirror",
                srv.url,
                "--only",
                "ne_lakes",
                "--retries",
                "1",
                "--timeout",
                "5",
            ],
        )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{dest}\n" and (dest / datasets.get("ne_lakes").path).is_file()


def test_fetch_errors_are_one_line_and_exit_1(mirror, tmp_path):
    (mirror / datasets.get("ne_lakes").path).write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["fetch", "--dest", str(tmp_path / "d"), "--mirror", str(mirror), "--only", "ne_lakes"]
    )
    assert result.exit_code == 1
    assert "Error: " in result.stderr and "does not match the registry's" in result.stderr
    result = CliRunner().invoke(
        cli, ["fetch", "--dest", str(tmp_path / "d"), "--mirror", str(mirror), "--only", "roads"]
    )
    assert (
        result.exit_code == 1 and "No matching dataset found for the query 'roads'" in result.stderr
    )
    result = CliRunner().invoke(cli, ["fetch", "--timeout", "0"])
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.stderr
