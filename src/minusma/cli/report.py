"""``minusma report``: one self-contained, printable HTML page (:mod:`maps.report`)."""

from __future__ import annotations

import click

from minusma.cli.options import (
    OutFile,
    exposure_options,
    exposure_params,
    lang_option,
    note,
    study_options,
)


@click.command("report")
@click.option(
    "--out",
    type=OutFile((".html",)),
    required=True,
    help="The report (.html).",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=None, help="Most exposed places listed (15)."
)
@exposure_options
@study_options()
@lang_option
def report(out, top, study, lang, **model) -> None:
    """One printable HTML page: the map, the most exposed places with reasons, the summary by
    region, the timeline chart, the caveats and sources. Images are embedded (no other file).

    PDF: print the page from a browser (no PDF library is bundled)."""
    from minusma.maps.report import write_report

    if out.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(f"{out.name}: write the report as .html", param_hint="--out")
    write_report(out, study.report(exposure_params(**model), top=top, lang=lang))
    note(f"wrote {out}")
