"""``minusma layers``: list the layers with their sources and licences."""

from __future__ import annotations

import json

import click


@click.command("layers")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Table for people, JSON for programs.")
@click.option("--check", is_flag=True, help="Also load every layer and run the plausibility checks on the facts.")
def layers(fmt: str, check: bool) -> None:
    """List every layer: title, geometry, whether it is schematic, licence, sources."""
    from layers.registry import get_info, layer_names, metadata_frame

    if fmt == "json":
        click.echo(json.dumps([get_info(n).as_dict() for n in layer_names()], ensure_ascii=False, indent=1))
    else:
        frame = metadata_frame()[["layer", "title", "geometry", "geometry_kind", "licence"]]
        click.echo(frame.to_string(index=False, max_colwidth=60))
    if check:
        import layers as L
        from layers.checks import check_facts

        problems = check_facts(bases=L.bases(), towns=L.towns(), roads=L.roads(), regions=L.regions(),
                               airports=L.airports())
        if problems:
            raise click.ClickException("fact checks failed:\n" + "\n".join(problems))
        click.echo("fact checks: all passed", err=True)
