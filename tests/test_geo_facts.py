"""geo/ holds no fact of Mali: the mission's dates, the hub and the places come from layers/.

The spatial core is generic (places, sites, a road graph and a hub in; frames out). This scans
the code of every module of geo/ (identifiers and string literals; docstrings and comments, where
a place may be named as an example, are not scanned) for the facts that once lived there: the
hub's name (the ``bamako_*`` columns are composed from ``Context.hub_key``), Mali, the mission's
name, the mission's dates (UN Security Council resolution 2690, 2013-2024) and the names of the
towns of the shipped gazetteer.

Not scanned: ``geo/i18n.py``, the catalogue of the words the package shows a person (its
sentences name Bamako and MINUSMA as the product's text).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import minusma.layers as L

GEO = Path(__file__).resolve().parents[1] / "geo"
#: Modules not scanned, with the reason.
EXEMPT = {"i18n.py": "the catalogue of the product's words (en/fr sentences)"}
#: Literals allowed, with the reason.
ALLOWED = {
    "2024-07-22T00:00:00Z": "geo.io.GPKG_TIMESTAMP, a fixed instant for reproducible bytes",
    "2024-07-22T00:00:00.000Z": "geo.io.GPKG_DATETIME, the same instant",
}

#: Facts of Mali in code: (what, pattern); identifiers are matched case-insensitively.
FACTS = [
    ("the hub's name", re.compile(r"bamako", re.I)),
    ("the country", re.compile(r"(?<![a-z])mal(i|ian)(?![a-z])", re.I)),
    ("the mission", re.compile(r"\bMINUSMA\b(?![_-])")),
    ("the resolution", re.compile(r"\b2690\b")),
    ("a date of the mission's years", re.compile(r"\b20(1[3-9]|2[0-4])-[01]\d-[0-3]\d")),
]


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _code_texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every identifier and non-docstring string literal of a module, and the
    year of every ``date(...)``/``datetime(...)`` call with literal numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((line, node.value))
        elif isinstance(node, ast.Name):
            out.append((line, node.id))
        elif isinstance(node, ast.Attribute):
            out.append((line, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append((line, node.name))
        elif isinstance(node, ast.arg) or (isinstance(node, ast.keyword) and node.arg):
            out.append((line, node.arg))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            year = getattr(node.args[0], "value", None) if node.args else None
            if name in ("date", "datetime") and isinstance(year, int) and 2013 <= year <= 2024:
                out.append((line, f"{year}-01-01"))  # a date of the mission's years
    return out


def _modules() -> list[Path]:
    return sorted(p for p in GEO.rglob("*.py") if p.name not in EXEMPT)


def test_the_scan_sees_code_but_not_docstrings(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text(
        '"""Bamako is an example here."""\n'
        "import datetime as dt\n"
        'HUB = "bamako"\n'
        "bamako_km = 1\n"
        "WHEN = dt.date(2023, 6, 30)\n"
        "def f():\n"
        '    """Ber, for example."""\n'
        '    return "Gao"\n',
        encoding="utf-8",
    )
    texts = [t for _, t in _code_texts(sample)]
    assert "bamako" in texts and "bamako_km" in texts and "Gao" in texts
    assert "2023-01-01" in texts
    assert not any("example" in t for t in texts)


def test_geo_scans_many_modules():
    assert len(_modules()) >= 40


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(GEO).as_posix())
def test_no_mali_fact_in_geo_code(path):
    towns = L.towns()
    names = sorted(set(towns["name"].dropna()), key=len, reverse=True)
    town_words = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    found = []
    for line, text in _code_texts(path):
        if text in ALLOWED:
            continue
        found += [f"line {line}: {what} in {text!r}" for what, rx in FACTS if rx.search(text)]
        hit = town_words.search(text)
        if hit:
            found.append(f"line {line}: the town {hit.group(0)!r} in {text!r}")
    assert not found, (
        f"{path.relative_to(GEO.parent)} holds facts of Mali (give them from layers/ as "
        f"parameters): {found}"
    )
