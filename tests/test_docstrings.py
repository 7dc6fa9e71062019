"""Docstrings are checked like behaviour: numpydoc sections match the signatures.

ruff's pydocstyle rules (numpy convention) check the form of every docstring of the modules they
cover (tests/test_lint.py runs ruff). This test runs pydoclint (config in pyproject.toml) on the
same modules: every public function documents each of its parameters under ``Parameters`` and
what it returns under ``Returns``. A module is covered once its line is gone from ruff's
``per-file-ignores`` for ``D`` in pyproject.toml: one list says which modules are done.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FOLDERS = ("geo", "layers", "maps", "src/minusma")


def _covered_modules() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        ignores = tomllib.load(f)["tool"]["ruff"]["lint"]["per-file-ignores"]
    skipped = [pattern for pattern, codes in ignores.items() if "D" in codes]
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in PACKAGE_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
    )
    return [m for m in modules if not any(fnmatch.fnmatch(m, p) for p in skipped)]


def test_some_modules_are_covered():
    covered = _covered_modules()
    assert len(covered) >= 25, covered
    assert "geo/crs.py" in covered


def test_numpydoc_sections_match_the_signatures():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pydoclint.main import main; sys.exit(main())",
            "--quiet",
            "--config",
            str(ROOT / "pyproject.toml"),
            *_covered_modules(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
