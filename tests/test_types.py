"""The installed `minusma` package type-checks: mypy (config in pyproject.toml) reports no error.

mypy cannot follow setuptools' editable-install finder, nor map the repository folders geo/,
layers/ and maps/ to `minusma.geo`, `minusma.layers` and `minusma.maps` itself. So the test lays
out the package as Python imports it (each subpackage's folder found with importlib, its modules
linked into one `minusma/` tree in a temporary folder) and runs `mypy -p minusma` there, with the
repository's configuration. Works the same on an editable and on a regular install.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _packages() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return list(tomllib.load(f)["tool"]["setuptools"]["packages"])


def _link_tree(dest: Path) -> Path:
    """Link every installed module of `minusma` into `dest`, laid out by import name."""
    for package in _packages():
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, package
        source = Path(next(iter(spec.submodule_search_locations)))
        target = dest.joinpath(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            if path.suffix in {".py", ".pyi"} or path.name == "py.typed":
                (target / path.name).symlink_to(path)
    return dest


def test_mypy_reports_no_error(tmp_path):
    tree = _link_tree(tmp_path / "tree")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "-p",
            "minusma",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
