"""``minusma layers``: list the layers with their sources and licences."""

from __future__ import annotations

import json

import click

from minusma.cli.options import note

#: The heading of each kind of layer in the table.
HEADINGS = {
    "shipped": "Shipped layers:",
    "open": "Open-data layers (need --data DIR or MINUSMA_DATA; see `minusma data`):",
    "analysis": "Analysis layers (computed by the assessment; written by `minusma export`):",
}


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
    from minusma.layers.registry import KINDS, get_info, layer_names, metadata_frame

    if fmt == "json":
        doc = [
            {**info.as_dict(), "kind": info.kind, "needs_data_dir": info.needs_data_dir}
            for info in map(get_info, layer_names())
        ]
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for i, kind in enumerate(KINDS):
            frame = metadata_frame(kind)[["layer", "title", "geometry", "geometry_kind", "licence"]]
            click.echo(("\n" if i else "") + HEADINGS[kind])
            click.echo(frame.to_string(index=False, max_colwidth=60))
    if check:
        import minusma.layers as L
        from minusma.layers.checks import check_facts

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
