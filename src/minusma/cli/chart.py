"""``minusma chart``: charts for reports (PNG or SVG)."""

from __future__ import annotations

from pathlib import Path

import click

from minusma.cli.options import KM, SEASON, data_dir_option, lang_option, note


@click.group("chart")
def chart() -> None:
    """Charts for reports (PNG or SVG, by the suffix of --out)."""


@chart.command("timeline")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The chart file (.png or .svg).",
)
@click.option("--radius-km", "radius_km", type=KM, default=None, help="Radius in km (50).")
@click.option("--season", type=SEASON, default=None, help="Speeds of this season (dry).")
@data_dir_option
@lang_option
def timeline(out, radius_km, season, data_dir, lang) -> None:
    """Places (and people) covered after each closure, and places by class: the 13 steps of the
    withdrawal on a date axis. With --data, WorldPop people near an open site are added."""
    from minusma.geo.exposure.params import ExposureParams
    from minusma.maps.charts import save_figure, timeline_chart

    if out.suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter(f"{out.name}: use a .png or .svg file", param_hint="--out")
    params = ExposureParams.from_options(radius_km=radius_km, season=season)
    save_figure(timeline_chart(params, data_dir=data_dir, lang=lang), out)
    note(f"wrote {out}")
