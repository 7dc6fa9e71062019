"""Golden outputs: at the defaults (shipped layers, no data directory) the exports in every format
and the interactive map are byte-identical to those of main before the Study redesign.

The digests are in ``tests/golden/defaults.json``; a refactor that changes a byte fails here. An
intended change updates the digest and says which in its commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from minusma import Study
from minusma.maps.build import map_html

GOLDEN = json.loads((Path(__file__).parent / "golden" / "defaults.json").read_text("utf-8"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_default_exports_are_byte_identical(fmt, tmp_path):
    Study().export(tmp_path, fmt=fmt)
    want = {
        k.split("/", 1)[1]: v for k, v in GOLDEN["files"].items() if k.startswith(f"export-{fmt}/")
    }
    got = {p.name: _digest(p) for p in tmp_path.iterdir()}
    assert sorted(got) == sorted(want)
    changed = sorted(name for name in want if got[name] != want[name])
    assert not changed, f"changed at the defaults: {changed}"


def test_default_map_is_byte_identical(tmp_path):
    path = tmp_path / "m.html"
    path.write_text(map_html(Study().map()), encoding="utf-8")
    assert _digest(path) == GOLDEN["files"]["map/default.html"]
