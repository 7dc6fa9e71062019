"""``minusma layers``: list the layers with their sources and licences."""

from __future__ import annotations

import json

import click

from maps.cli.options import note


@click.command("layers")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Table for people, JSON for programs.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Also load every layer and run the plausibility checks on the facts.",
)
def layers(fmt: str, check: bool) -> None:
    """List every layer: title, geometry, whether it is schematic, licence, sources."""
    import pandas as pd

    from layers import open_layers
    from layers.registry import get_info, layer_names, metadata_frame

    if fmt == "json":
        shipped = [{**get_info(n).as_dict(), "needs_data_dir": False} for n in layer_names()]
        opened = [
            {**open_layers.get_info(n).as_dict(), "needs_data_dir": True}
            for n in open_layers.open_layer_names()
        ]
        click.echo(json.dumps(shipped + opened, ensure_ascii=False, indent=1))
    else:
        frame = metadata_frame()[["layer", "title", "geometry", "geometry_kind", "licence"]]
        click.echo("Shipped layers:")
        click.echo(frame.to_string(index=False, max_colwidth=60))
        rows = []
        for name in open_layers.open_layer_names():
            info = open_layers.get_info(name)
            rows.append(
                {
                    "layer": name,
                    "title": info.title,
                    "geometry": "/".join(info.schema.geometry_types),
                    "geometry_kind": info.geometry_kind,
                    "licence": info.licence,
                }
            )
        click.echo("\nOpen-data layers (need --data DIR or MINUSMA_DATA; see `minusma data`):")
        click.echo(pd.DataFrame(rows).to_string(index=False, max_colwidth=60))
    if check:
        import layers as L
        from layers.checks import check_facts

        problems = check_facts(
            bases=L.bases(),
            towns=L.towns(),
            roads=L.roads(),
            regions=L.regions(),
            airports=L.airports(),
        )
        if problems:
            raise click.ClickException("fact checks failed:\n" + "\n".join(problems))
        note("fact checks: all passed")
