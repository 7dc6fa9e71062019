"""``minusma layers``: list the layers with their sources and licences."""

from __future__ import annotations

import json

import click

from minusma.cli.options import format_option, note


@click.command("layers")
@format_option("table", "json")
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
        from minusma.output import table_text

        for i, kind in enumerate(KINDS):
            said = table_text(metadata_frame(kind), "layers", context={"kind": kind})
            click.echo(("\n" if i else "") + said)
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
