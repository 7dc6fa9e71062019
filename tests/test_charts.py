"""``minusma chart timeline``: a valid PNG / SVG with the 13 steps of the withdrawal."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from click.testing import CliRunner

from minusma import Study
from minusma.cli.main import cli

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_timeline_figures_have_13_steps_from_full_to_no_cover():
    f = Study().timeline_figures()
    assert len(f) == 13
    assert f["as_of"].iloc[0] == "2023-06-30"
    assert f["sites_open"].iloc[0] > 0 and f["sites_open"].iloc[-1] == 0
    assert f["places_covered"].iloc[-1] == 0
    assert f["places_covered"].is_monotonic_decreasing
    classes = f[[c for c in f if c.startswith("places_") and "covered" not in c]].sum(axis=1)
    assert (classes == classes.iloc[0]).all()  # every place is in one class at every step


def test_cli_chart_timeline_png_and_svg(tmp_path):
    runner = CliRunner()
    png, svg = tmp_path / "t.png", tmp_path / "t.svg"
    for out in (png, svg):
        result = runner.invoke(
            cli, ["chart", "timeline", "--out", str(out)], env={"MINUSMA_DATA": None}
        )
        assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == PNG_MAGIC
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text()
    assert "MINUSMA withdrawal, 13 steps" in text
    assert "Jul 2023" in text and "Jul 2024" in text  # the date axis
    assert "Ber" in text and "Tessalit, Amachach" not in text  # steps named by their sites
    bad = runner.invoke(cli, ["chart", "timeline", "--out", str(tmp_path / "t.pdf")])
    assert bad.exit_code != 0 and ".png or .svg" in bad.output
    assert not (tmp_path / "t.pdf").exists()


def test_chart_steps_name_their_sites_and_speak_french(tmp_path):
    f = Study(data_dir=None).timeline_figures()
    assert f["sites_closed"].iloc[0] == "" and f["sites_closed"].iloc[1] == "Ogossagou"
    assert f["sites_closed"].iloc[5] == "Douentza, Tessalit"
    out = tmp_path / "t.svg"
    result = CliRunner().invoke(
        cli, ["chart", "timeline", "--out", str(out), "--lang", "fr"], env={"MINUSMA_DATA": None}
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "Retrait de la MINUSMA, 13 étapes" in text and "juil. 2023" in text
    assert "lieux par classe d'exposition" in text.replace("&#x27;", "'")
    assert "places by exposure class" not in text


def test_the_same_chart_gives_the_same_svg_bytes(tmp_path):
    from minusma.maps.charts import save_figure, timeline_chart

    f = Study(data_dir=None).timeline_figures()
    paths = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for path in paths:
        save_figure(timeline_chart(f), path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert b"<dc:date>" not in paths[0].read_bytes()
