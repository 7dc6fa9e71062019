"""``minusma diff``: the places whose class changes between two dates or under a what-if."""

from __future__ import annotations

import click

from minusma.cli.options import (
    ISO_DATE,
    exposure_options_except,
    exposure_params,
    format_option,
    lang_option,
    note,
    study_options,
)


@click.command("diff")
@click.option(
    "--as-of",
    "dates",
    type=ISO_DATE,
    multiple=True,
    help="A date; give two to compare them, or one as the date of a what-if.",
)
@exposure_options_except("as_of")
@click.option("--all", "all_places", is_flag=True, help="Every place, not only class changes.")
@format_option("table", "csv", "json")
@study_options(places=True)
@lang_option
def diff(dates, fmt, all_places, study, lang, **model) -> None:
    """The places whose exposure class changes, with the reasons that changed.

    Either two dates (--as-of 2023-06-30 --as-of 2024-07-22; a what-if given applies to both) or a
    what-if (--close Ber, --keep, --close-road) against the baseline on one date.
    """
    from minusma.output import render

    if len(dates) > 2:
        raise click.BadParameter("give at most two dates", param_hint="--as-of")
    params = exposure_params(as_of=None, **model)
    out = study.compare(params, dates=dates, all_places=all_places, lang=lang)
    note(out.attrs["label"])
    extra = {"comparison": out.attrs["label"], **out.attrs["parameters"]}
    out.attrs = {}
    click.echo(render(out, fmt, table="diff", key="places", extra=extra, index=True), nl=False)
