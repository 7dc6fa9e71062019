"""``minusma fetch``: fill a data directory with the open datasets (from a mirror or upstream)."""

from __future__ import annotations

from pathlib import Path

import click

from minusma.cli.options import DATA_ENVVAR, RETRIES, SECONDS, WritableDir


class _Bars:
    """One progress bar (on stderr, :func:`geo.progress.progress`) per dataset, opened at its first
    progress report; silent with ``-q`` or when stderr is not a terminal."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[object, list[int]]] = {}

    def __call__(self, name: str, done: int, total: int | None) -> None:
        from minusma.geo.progress import progress

        if name not in self._open:
            self._open[name] = (progress(total=total, desc=name, unit="B", unit_scale=True), [0])
        bar, last = self._open[name]
        bar.update(done - last[0])
        last[0] = done
        if total is not None and done >= total:
            self.close(name)

    def close(self, name: str | None = None) -> None:
        for key in [name] if name else list(self._open):
            if key in self._open:
                self._open.pop(key)[0].close()


@click.command("fetch")
@click.option(
    "--dest",
    type=WritableDir(),
    envvar=DATA_ENVVAR,
    show_envvar=True,
    default=None,
    help="Data directory to fill [default: $MINUSMA_DATA, else ~/.local/share/minusma].",
)
@click.option(
    "--mirror",
    metavar="DIR_OR_URL",
    default=None,
    help="A folder, or http(s) URL of a folder, laid out like the data directory; files are "
    "checked against the registry's sha256. Without it, datasets are downloaded from their "
    "publishers and converted.",
)
@click.option(
    "--only", "only", multiple=True, metavar="NAME", help="Fetch only this dataset (repeatable)."
)
@click.option(
    "--timeout",
    "timeout_s",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help="Network timeout per connection and read, in seconds.",
)
@click.option(
    "--retries",
    type=RETRIES,
    default=3,
    show_default=True,
    help="Further attempts per file after a timeout, a server error or a cut transfer.",
)
@click.option(
    "--force", is_flag=True, help="Fetch again files that are already present and verified."
)
def fetch(
    dest: Path | None,
    mirror: str | None,
    only: tuple[str, ...],
    timeout_s: float,
    retries: int,
    force: bool,
) -> None:
    """Download the open datasets into a data directory and verify them.

    Prints the data directory on stdout (e.g. `export MINUSMA_DATA=$(minusma fetch)`).
    """
    from minusma.layers.datadir import default_fetch_dir
    from minusma.layers.datasets import get, names
    from minusma.layers.fetch import fetch as fetch_datasets

    target = dest if dest is not None else default_fetch_dir()
    wanted = [get(n).name for n in only] if only else names()
    bars = _Bars()
    try:
        got = fetch_datasets(
            target,
            mirror=mirror,
            only=wanted,
            timeout_s=timeout_s,
            retries=retries,
            progress=bars,
            force=force,
        )
    finally:
        bars.close()
    missing = [n for n in wanted if n not in got]
    click.echo(f"{len(got)} of {len(wanted)} dataset(s) present and verified in {target}", err=True)
    if missing:
        click.echo(f"not fetched: {', '.join(missing)} (see the warnings above)", err=True)
    click.echo(str(target))
