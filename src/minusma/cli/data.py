"""``minusma data``: the registered open datasets and their state in the data directory."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minusma.cli.options import data_dir_option, format_option


@click.command("data")
@data_dir_option
@format_option("table", "json")
@click.pass_context
def data(ctx: click.Context, data_dir: Path | None, fmt: str) -> None:
    """Show every registered dataset: present?, size, sha256 ok?, validates?, licence, attribution.

    Exits with status 1 if a dataset fails validation or a required one is missing; the problems go
    to stderr, naming the file. A sha256 that differs from the registry is reported, not an error
    (files converted from upstream differ from the offline copy).
    """
    from minusma.layers.datadir import resolve_data_dir
    from minusma.layers.datasets import dataset_status, names

    root = resolve_data_dir(data_dir)
    rows, failures = [], []
    for name in names():
        status = dataset_status(name, root)
        dataset = status.dataset
        rows.append(
            {
                "name": name,
                "path": dataset.path,
                "present": status.present,
                "optional": dataset.optional,
                "size_bytes": status.size_bytes,
                "sha256": status.sha256,
                "sha256_ok": status.sha256_ok,
                "valid": status.valid,
                "problems": list(status.problems),
                "licence": dataset.licence,
                "attribution": dataset.attribution,
            }
        )
        if not status.present and not dataset.optional:
            failures.append(
                f"{status.path}: missing; run `minusma fetch --dest {root} --only {name}`"
            )
        failures += [f"{status.path}: {problem}" for problem in status.problems]
    if fmt == "json":
        click.echo(
            json.dumps({"data_dir": str(root), "datasets": rows}, ensure_ascii=False, indent=1)
        )
    else:
        import pandas as pd

        from minusma.output import table_text

        click.echo(table_text(pd.DataFrame(rows), "data"))
    for line in failures:
        click.echo(line, err=True)
    if failures:
        raise click.ClickException(f"{len(failures)} problem(s) in {root}")
