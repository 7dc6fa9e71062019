"""``minusma export``: write every layer as GeoJSON, one GeoPackage, or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from maps.cli.options import ReadableDir, WritableDir, exposure_options, exposure_params


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
@exposure_options
def export(
    out_dir: Path,
    fmt: str,
    names: tuple[str, ...],
    with_analysis: bool,
    data_dir: Path | None,
    hxl: bool,
    **model,
) -> None:
    """Write the layers and a provenance file (every source and licence) to OUT."""
    from geo._errors import UnknownNameError
    from geo.names import name_key
    from layers import open_layers
    from layers.assessment import INFOS as ANALYSIS
    from layers.export import export_layers, load_all
    from layers.registry import layer_names

    shipped, opened = layer_names(), open_layers.open_layer_names()
    valid = {name_key(n): n for n in [*shipped, *ANALYSIS, *opened]}
    unknown = [n for n in names if name_key(n) not in valid]
    if unknown:  # fail on an unknown name before writing anything
        raise UnknownNameError(
            f"no layer named {unknown[0]!r}; valid layers: {', '.join(valid.values())}"
        )
    if hxl and fmt != "csv":
        raise click.UsageError("--hxl writes HXL hashtags into CSV: use it with --format csv")
    names = tuple(valid[name_key(n)] for n in names)
    open_wanted = [n for n in names if n in opened]
    if open_wanted and data_dir is None:
        raise click.UsageError(
            f"layer(s) {', '.join(open_wanted)} need the data directory: pass --data DIR"
        )
    wanted = [n for n in names if n in ANALYSIS]
    names = tuple(n for n in names if n in shipped)
    try:
        out_dir.mkdir(exist_ok=True)
    except OSError as exc:
        raise click.ClickException(
            f"cannot create output folder {out_dir}: {exc.strerror}"
        ) from exc
    only_others = bool(wanted or open_wanted)
    layers = load_all(list(names) or None) if names or not only_others else {}
    parameters = None
    if with_analysis and (wanted or not (names or open_wanted)):
        from layers.assessment import analysis_layers

        params = exposure_params(**model)
        extra = analysis_layers(params, data_dir=data_dir)
        layers.update({k: v for k, v in extra.items() if not wanted or k in wanted})
        as_of = extra["exposure"][0]["as_of"].iloc[0]
        parameters = params.replace(as_of=as_of).to_dict()
    if data_dir is not None:
        for name in open_wanted or ([] if names or wanted else opened):
            layers[name] = (open_layers.load(name, data_dir), open_layers.get_info(name))
    written = export_layers(out_dir, fmt=fmt, layers=layers, parameters=parameters, hxl=hxl)
    for path in written:
        click.echo(str(path))
