"""Every file read from the data directory is in the registry, so ``minusma fetch`` provides it.

The paths are found in the source (package, scripts, benchmarks, tests) and the docs by reading
them: a string constant like ``"geo-pko/geopko_v2.3_mission_year_location.csv"``, or a ``/`` chain
ending in string constants like ``data_dir / "ucdp-ged-caf" / "ged231_caf.geojson"`` or
``Path("ocha-cod-mali") / "mli_populated_places.geojson"``, whose first part is a top-level folder
of the layout (:data:`minusma.layers.datadir.FOLDERS`). Paths built at run time from variables are
not seen; reading through the registry (``datasets.get(name).path``) needs no scan.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from minusma.cli.main import cli
from minusma.layers import datadir, datasets

ROOT = Path(__file__).resolve().parents[1]
#: Folders holding code that reads the data directory.
PACKAGE_CODE = ("geo", "layers", "maps", "src")
OTHER_CODE = ("scripts", "benchmarks", "tests")
#: Documents whose commands name data files (the README's test and example commands).
DOCS = ("README.md", "CONTRIBUTING.md", "docs")

LAYOUT_PATH = re.compile(
    rf"(?:{'|'.join(map(re.escape, datadir.FOLDERS))})/[^\s/`'\"]+(?:/[^\s/`'\"]+)*\.[A-Za-z0-9]+"
)


def _constant(node: ast.AST) -> str | None:
    """A string constant, or ``Path("...")`` of one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Path"
        and len(node.args) == 1
        and not node.keywords
    ):
        return _constant(node.args[0])
    return None


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return [*_operands(node.left), node.right]
    return [node]


def paths_in_python(path: Path) -> set[str]:
    """The data-directory paths a Python file names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = _constant(node)
        if text is not None and LAYOUT_PATH.fullmatch(text):
            found.add(text)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            tail: list[str] = []
            for operand in reversed(_operands(node)):
                text = _constant(operand)
                if text is None:
                    break
                tail.insert(0, text.strip("/"))
            joined = "/".join(tail)
            if tail and LAYOUT_PATH.fullmatch(joined):
                found.add(joined)
    return found


def paths_in_code(folders: tuple[str, ...]) -> dict[str, set[str]]:
    """``{data path: {files naming it}}`` over every ``.py`` file under ``folders``."""
    out: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():  # its own lists name paths on purpose
                continue
            for found in paths_in_python(path):
                out.setdefault(found, set()).add(str(path.relative_to(ROOT)))
    return out


def paths_in_docs() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name in DOCS:
        base = ROOT / name
        files = (
            [base] if base.is_file() else sorted(base.rglob("*.md")) + sorted(base.rglob("*.ipynb"))
        )
        for path in files:
            for found in LAYOUT_PATH.findall(path.read_text(encoding="utf-8")):
                out.setdefault(found, set()).add(str(path.relative_to(ROOT)))
    return out


REGISTERED = {d.path for d in datasets.registry()}


def _unregistered(found: dict[str, set[str]]) -> dict[str, list[str]]:
    return {path: sorted(where) for path, where in found.items() if path not in REGISTERED}


def test_the_scan_sees_the_known_readers():
    """The scanner finds the paths in each form they are written in (so an empty scan fails)."""
    package = paths_in_code(PACKAGE_CODE)
    assert "layers/sites.py" in package["geo-pko/geopko_v2.x_monthly_1994_2020.csv.gz"]
    assert "layers/sites.py" in package["geo-pko/geopko_v2.3_mission_year_location.csv"]
    assert "maps/towns.py" in package["ocha-cod-mali/mli_populated_places.geojson"]  # Path() / ".."
    other = paths_in_code(OTHER_CODE)
    assert "scripts/car_backtest.py" in other["ucdp-ged-caf/ged231_caf.geojson"]
    assert "tests/test_history.py" in other["ucdp-ged-caf/ged231_caf.geojson"]  # d / "a" / "b"
    assert "tests/test_fetch_upstream.py" in other["ocha-cod-mali/original_shp/settlements.csv"]
    assert "README.md" in paths_in_docs()["ucdp-ged-caf/ged231_caf.geojson"]


def test_every_path_the_package_reads_is_registered():
    assert _unregistered(paths_in_code(PACKAGE_CODE)) == {}


def test_every_path_scripts_tests_and_docs_read_is_registered():
    assert _unregistered(paths_in_code(OTHER_CODE)) == {}
    assert _unregistered(paths_in_docs()) == {}


#: Files of the offline layout that nothing reads, so the registry leaves them out.
UNREAD = {
    "naturalearth/ne_10m_airports_mali.geojson",
    "ourairports/airportsdata_mali.csv",
    "roads-flownet/connectivity_checks.csv",
    "roads-flownet/preview.png",
    "roads-flownet/town_distance_to_network.csv",
}


def test_every_other_layout_file_is_registered(data_dir):
    """A file added to the offline layout is either registered or listed in UNREAD (the SOURCE.md
    notes and the original COD shapefiles excepted)."""
    on_disk = {
        str(p.relative_to(data_dir))
        for folder in datadir.FOLDERS
        if (data_dir / folder).is_dir()
        for p in (data_dir / folder).rglob("*")
        if p.is_file() and p.name != "SOURCE.md" and "original_shp/mli_admbnda_" not in str(p)
    }
    assert on_disk - REGISTERED <= UNREAD  # a fetched folder holds the registered files only
    assert not UNREAD & set(paths_in_code(PACKAGE_CODE + OTHER_CODE))


@pytest.fixture(scope="module")
def fetched(data_dir, tmp_path_factory) -> Path:
    """``minusma fetch --mirror DATA`` into an empty folder: a clone anywhere gets its data so."""
    dest = tmp_path_factory.mktemp("fetched") / "data"
    result = CliRunner().invoke(cli, ["fetch", "--dest", str(dest), "--mirror", str(data_dir)])
    assert result.exit_code == 0, result.output
    return dest


def test_fetch_from_a_mirror_provides_every_file_that_is_read(fetched, data_dir):
    wanted = (
        set(paths_in_code(PACKAGE_CODE)) | set(paths_in_code(OTHER_CODE)) | set(paths_in_docs())
    )
    optional = {d.path for d in datasets.registry() if d.optional}
    missing = sorted(p for p in wanted - optional if not (fetched / p).is_file())
    assert missing == []
    for dataset in datasets.registry():
        if dataset.optional:  # not in the offline layout: only upstream makes it
            assert not (fetched / dataset.path).exists()
            continue
        assert datasets.sha256_file(fetched / dataset.path) == dataset.sha256, dataset.name
    for path in ("geo-pko/geopko_v2.x_monthly_1994_2020.csv.gz", "ucdp-ged-caf/ged231_caf.geojson"):
        assert (fetched / path).read_bytes() == (data_dir / path).read_bytes()


def test_minusma_data_passes_on_the_fetched_folder(fetched):
    result = CliRunner().invoke(cli, ["data", "--data", str(fetched), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = {r["name"]: r for r in json.loads(result.stdout)["datasets"]}
    assert set(report) == set(datasets.names())
    for name, row in report.items():
        if row["optional"]:
            assert row["present"] is False
        else:
            assert (row["present"], row["sha256_ok"], row["valid"], row["problems"]) == (
                True,
                True,
                True,
                [],
            ), name
