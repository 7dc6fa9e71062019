"""``minusma map`` through click's CliRunner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from minusma.cli.main import cli


def test_map_writes_html_and_png(tmp_path):
    out, png = tmp_path / "m.html", tmp_path / "m.png"
    result = CliRunner().invoke(
        cli,
        ["-q", "map", "--out", str(out), "--png", str(png), "--as-of", "2023-10-01", "--dpi", "60"],
        env={"MINUSMA_DATA": ""},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(out), str(png)]
    html = out.read_text(encoding="utf-8")
    assert "minusmaTimeline" in html and "tile.openstreetmap.org" in html
    assert png.stat().st_size > 10_000


def test_map_needs_an_output():
    result = CliRunner().invoke(cli, ["map"])
    assert (
        result.exit_code == 2 and "give --out FILE.html, --png FILE.png, or both" in result.output
    )


def test_map_rejects_a_date_outside_the_mission(tmp_path):
    result = CliRunner().invoke(
        cli, ["map", "--out", str(tmp_path / "m.html"), "--as-of", "2030-01-01"]
    )
    assert result.exit_code == 2 and "as_of must lie between" in result.output
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize("radius", ["nan", "inf", "1e308", "0", "-3", "fifty"])
def test_map_and_export_reject_a_bad_radius_like_towns(tmp_path, radius):
    """One parameter type for every command: the same value fails the same way everywhere."""
    for args in (
        ["map", "--out", str(tmp_path / "m.html")],
        ["export", "--out", str(tmp_path / "out")],
        ["towns"],
        ["population", "--data", str(tmp_path)],
    ):
        result = CliRunner().invoke(cli, [*args, "--radius-km", radius])
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid value for '--radius-km'" in result.output
        assert "radius_km must be" in result.output
        assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_offline_map_fills_an_empty_asset_cache_once(tmp_path, monkeypatch):
    import os
    import shutil
    from pathlib import Path

    from minusma.maps import assets as assets_mod

    filled = Path(
        os.environ.get("MINUSMA_ASSET_CACHE")
        or Path(__file__).resolve().parents[1] / ".cache" / "assets"
    )
    assets_mod.check_cache(filled)  # CI fills it through scripts/setup-test-env
    calls = []

    def fake_fill(cache_dir=None, **kwargs):  # copy the verified cache instead of downloading again
        calls.append(cache_dir)
        shutil.copytree(filled, cache_dir, dirs_exist_ok=True)

    monkeypatch.setattr(assets_mod, "fill_cache", fake_fill)
    cache = tmp_path / "cache"
    args = ["-q", "map", "--out", str(tmp_path / "m.html"), "--offline", "--cache", str(cache)]
    first = CliRunner().invoke(cli, args, env={"MINUSMA_DATA": ""})
    assert first.exit_code == 0, first.output
    assert calls == [cache] and "downloading verified copies" in first.stderr
    second = CliRunner().invoke(cli, args, env={"MINUSMA_DATA": ""})
    assert second.exit_code == 0 and calls == [cache]  # filled once
    assert "<script src=" not in (tmp_path / "m.html").read_text(encoding="utf-8")
