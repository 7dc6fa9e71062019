"""No warning of a library (geopandas, shapely, pandas) reaches the user of a command: run with
every UserWarning an error, the commands still succeed and print no "Warning"."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: The interpreter with every UserWarning and FutureWarning raised as an error.
_STRICT = [
    sys.executable,
    "-W",
    "error::UserWarning",
    "-W",
    "error::FutureWarning",
    "-m",
    "minusma",
]


@pytest.mark.parametrize(
    "args",
    [["summary", "--data", "{data}"], ["towns", "--top", "3", "--lang", "fr"]],
    ids=["summary-data", "towns-fr"],
)
def test_commands_emit_no_library_warning(data_dir, args):
    argv = [a.replace("{data}", str(data_dir)) for a in args]
    run = subprocess.run(
        [
            sys.executable,
            "-W",
            "error::UserWarning",
            "-W",
            "error::FutureWarning",
            "-m",
            "minusma",
            *argv,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Warning:" not in run.stderr, run.stderr[-2000:]
