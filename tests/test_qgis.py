"""The GeoPackage export opened in QGIS itself (Debian's python3-qgis, headless).

PyQGIS lives in the system interpreter, so ``tests/qgis_check.py`` runs there in a subprocess and
prints what QGIS sees. ``scripts/setup-test-env`` installs QGIS; without it this test fails (never
skips) and says so.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from minusma.layers.export import GPKG_NAME, export_layers, load_all
from minusma.layers.styles import STYLED_LAYERS, read_styles

SYSTEM_PYTHON = "/usr/bin/python3"
CHECK = Path(__file__).with_name("qgis_check.py")


def _qgis_available() -> bool:
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


@pytest.fixture(scope="module")
def qgis_report(tmp_path_factory):
    assert _qgis_available(), (
        "PyQGIS is not installed for /usr/bin/python3: run scripts/setup-test-env (as root) "
        "to install Debian's python3-qgis"
    )
    from minusma.layers.assessment import analysis_layers, context

    out = tmp_path_factory.mktemp("qgis")
    layers = load_all()
    layers.update(analysis_layers(context()))
    export_layers(out, fmt="gpkg", layers=layers)
    png = out / "map.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    run = subprocess.run(
        [SYSTEM_PYTHON, str(CHECK), str(out / GPKG_NAME), str(png)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    report["png"] = png
    report["expected"] = {name: len(gdf) for name, (gdf, _) in layers.items()}
    return report


def test_every_layer_loads_valid_in_wgs84(qgis_report):
    assert qgis_report["qgis"].startswith("3.")
    assert set(qgis_report["layers"]) == set(qgis_report["expected"])
    for name, layer in qgis_report["layers"].items():
        assert layer["valid"], name
        assert layer["crs"] == "EPSG:4326", name
        assert layer["features"] == qgis_report["expected"][name], name


def test_styled_layers_load_their_default_style(qgis_report):
    for name, layer in qgis_report["layers"].items():
        if name in STYLED_LAYERS:
            assert layer["style_found"], f"{name}: {layer['style_message']}"
            assert layer["renderer"] == "RuleRenderer", name
        else:
            assert not layer["style_found"], name


def test_dates_and_booleans_come_through_typed(qgis_report):
    fields = {name: layer["fields"] for name, layer in qgis_report["layers"].items()}
    assert fields["bases"]["closure_date"] == "Date"
    assert fields["air_links"]["period_start"] == "Date"
    assert fields["air_links"]["period_end"] == "Date"
    assert fields["exposure"]["coverage_lost_on"] == "Date"
    assert fields["exposure"]["as_of"] == "Date"
    assert fields["exposure_timeline"]["as_of"] == "Date"
    assert fields["exposure"]["on_road_network"] == "Boolean"
    assert fields["bases"]["in_june2023_count"] == "Boolean"


def test_rendered_map_shows_each_exposure_class_in_its_colour(qgis_report):
    assert qgis_report["png"].stat().st_size > 10_000
    colours = read_styles()["exposure_colours"]
    samples = qgis_report["samples"]
    assert set(samples) >= set(colours), f"classes not sampled: {set(colours) - set(samples)}"
    for cls, hex_colour in colours.items():
        want = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
        got = samples[cls]["rgb"]
        assert max(abs(a - b) for a, b in zip(got, want)) <= 3, (
            f"{cls} at {samples[cls]['town_id']}: rendered {got}, style says {want}"
        )
