"""``minusma export``: write every layer as GeoJSON, one GeoPackage, or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from minusma.cli.forecast import UNIT_CHOICES
from minusma.cli.options import (
    WritableDir,
    exposure_options,
    exposure_params,
    lang_option,
    study_options,
)


@click.command("export")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=WritableDir(),
    help="Output folder (created if its parent exists).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "gpkg", "csv"]),
    default="geojson",
    show_default=True,
    help="RFC 7946 GeoJSON per layer, one GeoPackage, or CSV with WKT.",
)
@click.option(
    "--layer",
    "names",
    multiple=True,
    metavar="NAME",
    help="Only these layers (repeatable); default: all. See `minusma layers`.",
)
@click.option(
    "--with-analysis/--no-analysis",
    "with_analysis",
    default=True,
    show_default=True,
    help="Also write the exposure, segment criticality and timeline layers (default parameters, "
    "recorded in provenance.json). With --layer, only the analysis layers named.",
)
@click.option(
    "--hxl",
    is_flag=True,
    help="CSV only: add a row of HXL hashtags under the header (for HDX users).",
)
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Event history (as for `minusma forecast`): adds the forecast layer, one row per unit "
    "with its class and why.",
)
@click.option(
    "--unit",
    "forecast_unit",
    type=click.Choice(UNIT_CHOICES),
    default="cercle",
    show_default=True,
    help="Unit of the forecast layer (with --history).",
)
@click.option(
    "--forecast-model",
    default="auto",
    show_default=True,
    help="Model of the forecast layer (as `minusma forecast --model`).",
)
@lang_option
@exposure_options
@study_options()
def export(
    out_dir: Path,
    fmt: str,
    names: tuple[str, ...],
    with_analysis: bool,
    hxl: bool,
    history: Path | None,
    forecast_unit: str,
    forecast_model: str,
    lang: str,
    study,
    **model,
) -> None:
    """Write the layers and a provenance file (every source and licence) to OUT.

    With a data directory (--data DIR, or $MINUSMA_DATA) the open-data layers (cercles, communes,
    2023 regions, settlements, Natural Earth Niger) are written too, and the analysis layers come
    from the model on the open datasets, each town with its admin units by spatial join
    (join_region_2023, join_cercle_pcode, join_commune_pcode...). With --layer, only those named.
    With --history, the forecast layer is written too (see `minusma forecast`).
    """
    from minusma.geo._errors import ParameterError
    from minusma.layers.export import select_layers

    if hxl and fmt != "csv":
        raise click.UsageError("--hxl writes HXL hashtags into CSV: use it with --format csv")
    try:  # a bad layer name is a usage error, found before anything is loaded
        select_layers(names, with_analysis=with_analysis, data_dir=study.data_dir)
    except ParameterError as exc:
        raise click.UsageError(str(exc)) from exc
    written = study.export(
        out_dir,
        exposure_params(**model),
        fmt=fmt,
        layers=names,
        with_analysis=with_analysis,
        hxl=hxl,
        lang=lang,
        history=history,
        forecast={"unit": forecast_unit, "model": forecast_model},
    )
    for path in written:
        click.echo(str(path))
