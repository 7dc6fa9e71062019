"""The GeoPackage export opened in QGIS itself (Debian's python3-qgis, headless).

PyQGIS lives in the system interpreter, so ``tests/qgis_check.py`` runs there in a subprocess and
prints what QGIS sees. ``scripts/setup-test-env`` installs QGIS; without it this test fails (never
skips) and says so.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pyogrio
import pytest

from minusma import Study
from minusma.layers.export import GPKG_NAME, export_layers, load_all
from minusma.layers.styles import DRAW_ORDER, LABELLED_LAYERS, STYLED_LAYERS, read_styles

SYSTEM_PYTHON = "/usr/bin/python3"
CHECK = Path(__file__).with_name("qgis_check.py")


def _qgis_available() -> bool:
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


def _check(gpkg: Path, png: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    run = subprocess.run(
        [SYSTEM_PYTHON, str(CHECK), str(gpkg), str(png)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    report["png"] = png
    return report


@pytest.fixture(scope="module")
def qgis_report(tmp_path_factory, data_dir):
    """Every layer of ``export --data`` (the 17 of the issue and the sites), in English, seen by
    QGIS."""
    assert _qgis_available(), (
        "PyQGIS is not installed for /usr/bin/python3: run scripts/setup-test-env (as root) "
        "to install Debian's python3-qgis"
    )
    out = tmp_path_factory.mktemp("qgis")
    Study(data_dir=data_dir).export(out, fmt="gpkg")
    gpkg = out / GPKG_NAME
    report = _check(gpkg, out / "map.png")
    names = [
        n for n, _ in pyogrio.list_layers(gpkg) if n not in ("layer_styles", "layer_provenance")
    ]
    report["expected"] = {n: pyogrio.read_info(gpkg, layer=n)["features"] for n in names}
    exposure = pyogrio.read_dataframe(gpkg, layer="exposure", read_geometry=False)
    report["severe_ids"] = sorted(exposure.query("exposure_class == 'severe'")["town_id"])
    return report


@pytest.fixture(scope="module")
def qgis_report_fr(tmp_path_factory):
    """The shipped layers and the analysis exported with ``lang="fr"``."""
    assert _qgis_available(), "PyQGIS is not installed: run scripts/setup-test-env (as root)"
    from minusma.layers.assessment import analysis_layers, context

    out = tmp_path_factory.mktemp("qgis_fr")
    layers = load_all()
    layers.update(analysis_layers(context()))
    export_layers(out, fmt="gpkg", layers=layers, lang="fr")
    with sqlite3.connect(out / GPKG_NAME) as db:
        names = {r[0] for r in db.execute("SELECT styleName FROM layer_styles")}
    report = _check(out / GPKG_NAME, out / "map.png")
    report["style_names"] = names
    return report


def test_every_layer_loads_valid_in_wgs84(qgis_report):
    assert qgis_report["qgis"].startswith("3.")
    assert set(qgis_report["layers"]) == set(qgis_report["expected"])
    assert len(qgis_report["layers"]) == 18
    for name, layer in qgis_report["layers"].items():
        assert layer["valid"], name
        assert layer["crs"] == "EPSG:4326", name
        assert layer["features"] == qgis_report["expected"][name], name


def test_every_layer_loads_its_default_style(qgis_report):
    for name, layer in qgis_report["layers"].items():
        assert layer["style_found"], f"{name}: {layer['style_message']}"
        assert layer["renderer"] == "RuleRenderer", name
        assert layer["legend"] and all(layer["legend"]), name
        assert name in STYLED_LAYERS, name


def test_tables_go_from_polygons_at_the_bottom_to_the_exposure_on_top(qgis_report):
    order = qgis_report["order"]
    assert order == [n for n in DRAW_ORDER if n in order]
    assert order[0] == "regions" and order[-1] == "exposure"
    assert order.index("bases") < order.index("towns") < order.index("exposure")


def test_towns_and_sites_are_labelled_by_name_the_most_exposed_first(qgis_report):
    labels = {n: layer["labels"] for n, layer in qgis_report["layers"].items()}
    assert {n for n, lab in labels.items() if lab["enabled"]} == set(LABELLED_LAYERS)
    always, zoomed = labels["exposure"]["rules"]
    assert "'severe'" in always["filter"] and always["min_scale"] == 0  # any scale
    assert zoomed["min_scale"] == 4_000_000 and always["text"] == zoomed["text"] == '"name"'
    assert always["priority"] and zoomed["priority"]  # by exposure score
    (site,) = labels["bases"]["rules"]
    assert site["text"] == '"name"' and site["min_scale"] == 2_500_000
    assert labels["towns"]["type"] == "rule-based"  # ready, off: the exposure labels the towns


def test_closed_sites_look_different_from_open_ones(qgis_report):
    legend = qgis_report["layers"]["bases"]["legend"]
    assert "camp, open on 22 Jul 2024" in legend and "camp, closed by 22 Jul 2024" in legend


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


def test_every_severe_town_is_visible_with_every_layer_added(qgis_report):
    severe = read_styles()["exposure_colours"]["severe"]
    want = [int(severe[i : i + 2], 16) for i in (1, 3, 5)]
    got = qgis_report["severe"]
    assert sorted(got) == qgis_report["severe_ids"] and len(got) == 7
    for town, rgb in got.items():
        assert max(abs(a - b) for a, b in zip(rgb, want)) <= 3, (town, rgb)


def test_a_french_export_names_its_styles_legends_and_labels_in_french(qgis_report_fr):
    assert qgis_report_fr["style_names"] == {"style minusma-exposure"}
    layers = qgis_report_fr["layers"]
    assert layers["exposure"]["legend"][:4] == ["faible", "modérée", "élevée", "sévère"]
    assert "camp, fermé au 22 juil. 2024" in layers["bases"]["legend"]
    assert "bitumée (tracé schématique)" in layers["roads"]["legend"]
    (site,) = layers["bases"]["labels"]["rules"]
    assert "'camp de Ber'" in site["text"] and "d''Ansongo'" in site["text"]


def test_the_forecast_layer_opens_in_qgis_with_its_class_style(tmp_path, data_dir):
    """A forecast per cercle from a SYNTHETIC unit_id, month, events history (invented counts,
    written here), exported with the cercles: QGIS finds the layer, its fields and its style."""
    assert _qgis_available(), "PyQGIS is not installed: run scripts/setup-test-env (as root)"
    cercles = pyogrio.read_dataframe(
        data_dir / "ocha-cod-mali" / "mli_adm2_cercles.geojson", read_geometry=False
    )
    months = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]
    rows = [
        (code, month, (i * 7 + j) % 5)
        for i, code in enumerate(cercles["admin2Pcod"])
        for j, month in enumerate(months)
    ]
    history = tmp_path / "SYNTHETIC_unit_month.csv"
    history.write_text(
        "unit_id,month,events\n" + "".join(f"{u},{m},{e}\n" for u, m, e in rows), encoding="utf-8"
    )
    out = tmp_path / "export"
    out.mkdir()
    Study(data_dir=data_dir).export(
        out,
        fmt="gpkg",
        layers=["cercles"],
        with_analysis=False,
        history=history,
        forecast={"unit": "cercle", "model": "persistence"},
    )
    report = _check(out / GPKG_NAME, out / "map.png")
    layer = report["layers"]["forecast"]
    assert layer["valid"] and layer["features"] == 50 and layer["crs"] == "EPSG:4326"
    assert layer["style_found"] and layer["renderer"] == "RuleRenderer"
    assert layer["legend"][:3] == [
        "forecast: low, or no event expected",
        "forecast: medium",
        "forecast: high (top third of expected events)",
    ]
    assert {"unit_id", "predicted_events", "rank", "class", "why"} <= set(layer["fields"])
