"""``minusma export``: write every layer as GeoJSON, one GeoPackage, or CSV."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("export")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if its parent exists).")
@click.option("--format", "fmt", type=click.Choice(["geojson", "gpkg", "csv"]), default="geojson",
              show_default=True, help="RFC 7946 GeoJSON per layer, one GeoPackage, or CSV with WKT.")
@click.option("--layer", "names", multiple=True, metavar="NAME",
              help="Only these layers (repeatable); default: all. See `minusma layers`.")
@click.option("--with-analysis/--no-analysis", "with_analysis", default=True, show_default=True,
              help="Also write the exposure, segment criticality and timeline layers (default parameters, "
                   "recorded in provenance.json). With --layer, only the analysis layers named.")
def export(out_dir: Path, fmt: str, names: tuple[str, ...], with_analysis: bool) -> None:
    """Write the layers and a provenance file (every source and licence) to OUT."""
    from layers.assessment import INFOS as ANALYSIS
    from layers.export import export_layers, load_all
    from layers.registry import get_info

    wanted = [n for n in names if n in ANALYSIS]
    names = tuple(n for n in names if n not in ANALYSIS)
    for name in names:
        get_info(name)  # fail on an unknown name before writing anything
    try:
        out_dir.mkdir(exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create output folder {out_dir}: {exc.strerror}") from exc
    layers = load_all(list(names) or None) if names or not wanted else {}
    parameters = None
    if with_analysis and (wanted or not names):
        from layers.assessment import analysis_layers, parameters as analysis_parameters

        extra = analysis_layers()
        layers.update({k: v for k, v in extra.items() if not wanted or k in wanted})
        parameters = analysis_parameters(as_of=extra["exposure"][0]["as_of"].iloc[0])
    written = export_layers(out_dir, fmt=fmt, layers=layers, parameters=parameters)
    for path in written:
        click.echo(str(path))
