"""``minusma summary``: per admin unit, before vs after the withdrawal (:mod:`layers.summary`)."""

from __future__ import annotations

import logging

import click

from minusma.cli.options import (
    OutFile,
    exposure_options,
    exposure_params,
    format_option,
    note,
    study_options,
)

logger = logging.getLogger(__name__)


@click.command("summary")
@click.option(
    "--by",
    type=click.Choice(["region_2023", "region", "cercle"]),
    default="region_2023",
    show_default=True,
    help="Admin unit: 2023 regions, pre-2016 regions or cercles.",
)
@exposure_options
@format_option("table", "csv", "json")
@click.option(
    "--out",
    type=OutFile((".gpkg", ".geojson")),
    default=None,
    help="Also write the unit polygons carrying the figures (.gpkg or .geojson).",
)
@study_options()
def summary(by, fmt, out, study, **model) -> None:
    """Per admin unit: places by class, people in high/severe places, coverage lost and when,
    single-road places; before the withdrawal vs the date, side by side.

    Census figures are the towns' own (mostly 2009, commune level; places without one are counted,
    never added as zero). With a data directory (--data DIR, or $MINUSMA_DATA), the model runs on
    its open datasets, WorldPop people near open sites are added and the 2023 region and cercle
    polygons come from the OCHA data.
    """
    from minusma.geo import io
    from minusma.output import render

    if out is not None and out.suffix.lower() not in (".gpkg", ".geojson"):
        raise click.BadParameter(f"{out.name}: use a .gpkg or .geojson file", param_hint="--out")
    if out is not None and by != "region" and study.data_dir is None:
        raise click.BadParameter(
            f"polygons by {by} come from the OCHA data: give --data DIR (or set MINUSMA_DATA), "
            "or use --by region for the shipped pre-2016 regions",
            param_hint="--out",
        )
    table = study.summary(exposure_params(**model), by=by)
    extra = {"by": by, "before": table.attrs["before"], "as_of": table.attrs["as_of"]}
    click.echo(render(table, fmt, table="summary", key="units", extra=extra, index=True), nl=False)
    if out is None:
        return
    layer = study.summary_layer(table)
    title = f"Exposure summary by {by}, {table.attrs['before']} vs {table.attrs['as_of']}"
    if out.suffix.lower() == ".gpkg":
        io.write_gpkg({f"summary_{by}": (layer, "unit", {"title": title})}, out)
    else:
        meta = {"title": title, "parameters": table.attrs["parameters"]}
        io.write_geojson(layer, out, id_column="unit", metadata=meta)
    note(f"wrote {out}")
