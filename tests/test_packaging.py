"""The distribution installs one import name, ``minusma``, in both install kinds.

- pyproject.toml lists every package folder (``geo/``, ``layers/``, ``maps/`` as ``minusma.geo``,
  ``minusma.layers``, ``minusma.maps``; ``src/minusma`` as ``minusma``).
- A wheel (what ``pip install .`` installs) holds no other top-level name, carries the package data,
  and imports from the repository root without being shadowed by the repository's folders.
- The running (editable) install resolves ``minusma`` to this checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_folder_is_listed_under_its_installed_name():
    setup = _pyproject()["tool"]["setuptools"]
    found = set()
    for package, folder in setup["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *parts)))
    assert found == set(setup["packages"])


def test_the_editable_install_is_this_checkout():
    import minusma
    import minusma.geo
    import minusma.layers

    assert Path(minusma.__file__).resolve() == ROOT / "src" / "minusma" / "__init__.py"
    assert Path(minusma.geo.__file__).resolve() == ROOT / "geo" / "__init__.py"
    assert Path(minusma.layers.__file__).resolve() == ROOT / "layers" / "__init__.py"


def test_import_minusma_is_cheap():
    """``import minusma`` loads none of the heavy libraries (they load with the parts)."""
    code = (
        "import sys, minusma; heavy = {'geopandas', 'pandas', 'igraph', 'folium', 'matplotlib', "
        "'sklearn', 'shapely'}; print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel ``pip install .`` would install, built from a copy of the files git knows (the
    build leaves its ``build/`` folder in the copy, not in the checkout)."""
    files = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    source = tmp_path_factory.mktemp("source")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("minusma_exposure-*.whl")
    return path


def test_the_wheel_installs_only_minusma(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"minusma"}
    for data in (
        "minusma/py.typed",
        "minusma/layers/data/layers.json",
        "minusma/layers/data/towns.csv",
        "minusma/maps/assets/lock.json",
        "minusma/maps/js/places.js",
        "minusma/cli/main.py",
    ):
        assert data in names


def test_the_wheel_runs_from_the_repository_root(wheel, tmp_path):
    """A non-editable install used with the repository as the working directory: the folders
    ``geo/``, ``layers/``, ``maps/`` and ``src/`` beside it shadow nothing."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = "import minusma, minusma.layers as L; print(minusma.__file__); print(len(L.towns()))"
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    where, n_towns = out.stdout.split()
    assert Path(where).is_relative_to(target)
    assert int(n_towns) > 100
