"""``minusma export``: write every layer as GeoJSON, one GeoPackage, or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from minusma.cli.options import (
    ReadableDir,
    WritableDir,
    exposure_options,
    exposure_params,
    lang_option,
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
    "--data",
    "data_dir",
    type=ReadableDir(),
    default=None,
    help="Also write the open-data layers (cercles, communes, 2023 regions, settlements, Natural "
    "Earth Niger) read from this data directory, and give the exposure layer each town's admin "
    "units by spatial join (join_region_2023, join_cercle_pcode, join_commune_pcode...). With "
    "--layer, only those named.",
)
@click.option(
    "--hxl",
    is_flag=True,
    help="CSV only: add a row of HXL hashtags under the header (for HDX users).",
)
@lang_option
@exposure_options
def export(
    out_dir: Path,
    fmt: str,
    names: tuple[str, ...],
    with_analysis: bool,
    data_dir: Path | None,
    hxl: bool,
    lang: str,
    **model,
) -> None:
    """Write the layers and a provenance file (every source and licence) to OUT."""
    from minusma.geo._errors import ParameterError
    from minusma.layers.export import export_layers, load_layers, select_layers

    if hxl and fmt != "csv":
        raise click.UsageError("--hxl writes HXL hashtags into CSV: use it with --format csv")
    try:  # fail on a bad name before making the folder or loading anything
        chosen = select_layers(names, with_analysis=with_analysis, data_dir=data_dir)
    except ParameterError as exc:
        raise click.UsageError(str(exc)) from exc
    params = exposure_params(**model)
    try:
        out_dir.mkdir(exist_ok=True)
    except OSError as exc:
        raise click.ClickException(
            f"cannot create output folder {out_dir}: {exc.strerror}"
        ) from exc
    layers, parameters = load_layers(chosen, data_dir=data_dir, params=params)
    written = export_layers(
        out_dir, fmt=fmt, layers=layers, parameters=parameters, hxl=hxl, lang=lang
    )
    for path in written:
        click.echo(str(path))
