"""``minusma sites``: UN sites as periods (opened, closed) from Geo-PKO, shipped data or a CSV."""

from __future__ import annotations

import json

import click

from minusma.cli.options import data_dir_option, format_option, note


@click.command("sites")
@click.option("--mission", default="MINUSMA", show_default=True, help="Mission acronym.")
@click.option(
    "--source",
    default="geopko",
    show_default=True,
    help="geopko (needs --data), shipped (MINUSMA withdrawal table) or a CSV "
    "(site_id, name, lat, lon, opened, closed).",
)
@click.option(
    "--min-troops",
    "min_troops",
    type=click.FloatRange(min=0),
    default=None,
    help="Geo-PKO: keep site periods with at least this many troops on a map.",
)
@format_option("table", "csv", "json")
@data_dir_option
def sites(mission, source, min_troops, fmt, data_dir) -> None:
    """List a mission's sites as periods: when each opened and closed, with troops where known."""
    from minusma.study import Study

    table = Study(data_dir).sites(mission=mission, source=source, min_troops=min_troops)
    frame = table.drop(columns="geometry")
    if fmt == "csv":
        from minusma.output import csv_text

        click.echo(csv_text(frame, float_format="%.6f"), nl=False)
    elif fmt == "json":
        doc = {"sites": json.loads(frame.to_json(orient="records")), **table.attrs}
        click.echo(json.dumps(doc, indent=1, ensure_ascii=False))
    else:
        shown = frame.drop(columns=["source", "opened_precision", "closed_precision"])
        click.echo(shown.fillna("").to_string(index=False))
    if "citation" in table.attrs:
        note(f"{len(table)} site period(s); cite: {table.attrs['citation']}")
