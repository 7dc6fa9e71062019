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
def export(out_dir: Path, fmt: str, names: tuple[str, ...]) -> None:
    """Write the layers and a provenance file (every source and licence) to OUT."""
    from layers.export import export_layers, load_all
    from layers.registry import get_info

    for name in names:
        get_info(name)  # fail on an unknown name before writing anything
    try:
        out_dir.mkdir(exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot create output folder {out_dir}: {exc.strerror}") from exc
    written = export_layers(out_dir, fmt=fmt, layers=load_all(list(names) or None))
    for path in written:
        click.echo(str(path))
