"""``minusma map`` through click's CliRunner."""

from __future__ import annotations

from click.testing import CliRunner

from maps.cli.main import cli


def test_map_writes_html_and_png(tmp_path):
    out, png = tmp_path / "m.html", tmp_path / "m.png"
    result = CliRunner().invoke(cli, ["-q", "map", "--out", str(out), "--png", str(png), "--as-of", "2023-10-01",
                                      "--dpi", "60"], env={"MINUSMA_DATA": ""})
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(out), str(png)]
    html = out.read_text(encoding="utf-8")
    assert "minusmaTimeline" in html and "tile.openstreetmap.org" in html
    assert png.stat().st_size > 10_000


def test_map_needs_an_output():
    result = CliRunner().invoke(cli, ["map"])
    assert result.exit_code == 2 and "give --out FILE.html, --png FILE.png, or both" in result.output


def test_map_rejects_a_date_outside_the_mission(tmp_path):
    result = CliRunner().invoke(cli, ["map", "--out", str(tmp_path / "m.html"), "--as-of", "2030-01-01"])
    assert result.exit_code == 1 and "as_of must lie between" in result.output
    assert not (tmp_path / "m.html").exists()
