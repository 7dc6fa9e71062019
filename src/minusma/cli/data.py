"""``minusma data``: the registered open datasets and their state in the data directory."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minusma.cli.options import data_dir_option

#: Width at which long table cells (licence, attribution) are cut; JSON output keeps them whole.
CELL_CHARS = 48


def _size(size_bytes: int | None) -> str:
    if size_bytes is None:
        return "-"
    return f"{size_bytes / 1e6:.1f} MB" if size_bytes >= 100_000 else f"{size_bytes / 1e3:.1f} kB"


def _cell(text: str) -> str:
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _table(rows: list[dict]) -> str:
    header = ["dataset", "present", "size", "sha256", "valid", "licence", "attribution"]
    cells = [header] + [
        [
            r["name"],
            "yes" if r["present"] else ("no (optional)" if r["optional"] else "NO"),
            _size(r["size_bytes"]),
            {True: "ok", False: "differs", None: "-"}[r["sha256_ok"]],
            {True: "yes", False: "NO", None: "-"}[r["valid"]],
            _cell(r["licence"]),
            _cell(r["attribution"]),
        ]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells)


@click.command("data")
@data_dir_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Table for people, JSON for programs.",
)
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
        click.echo(_table(rows))
    for line in failures:
        click.echo(line, err=True)
    if failures:
        raise click.ClickException(f"{len(failures)} problem(s) in {root}")
