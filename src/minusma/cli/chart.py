"""``minusma chart``: charts for reports (PNG or SVG)."""

from __future__ import annotations

import click

from minusma.cli.options import (
    OutFile,
    exposure_options_except,
    exposure_params,
    lang_option,
    note,
    study_options,
)


@click.group("chart")
def chart() -> None:
    """Charts for reports (PNG or SVG, by the suffix of --out)."""


@chart.command("timeline")
@click.option(
    "--out",
    type=OutFile((".png", ".svg")),
    required=True,
    help="The chart file (.png or .svg).",
)
@exposure_options_except("as_of")
@study_options()
@lang_option
def timeline(out, study, lang, **model) -> None:
    """Places (and people) covered after each closure, and places by class: the 13 steps of the
    withdrawal on a date axis. With a data directory, WorldPop people near an open site are
    added."""
    from minusma.maps.charts import save_figure

    if out.suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter(f"{out.name}: use a .png or .svg file", param_hint="--out")
    save_figure(study.timeline_chart(exposure_params(as_of=None, **model), lang=lang), out)
    note(f"wrote {out}")
