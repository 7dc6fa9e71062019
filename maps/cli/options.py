"""Click options shared by several subcommands (as in rasterio's ``rio/options.py``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

__all__ = ["DATA_ENVVAR", "data_dir_option", "echo_data_gaps"]

F = TypeVar("F", bound=Callable)

#: Environment variable read by ``--data`` (the same as :data:`layers.datadir.ENV_VAR`; not imported
#: from there so that building the command line stays cheap).
DATA_ENVVAR = "MINUSMA_DATA"


def data_dir_option(func: F) -> F:
    """``--data DIR``: the open-data directory, defaulting to ``$MINUSMA_DATA``.

    The command receives ``data_dir`` (a :class:`pathlib.Path`, or None when neither is set; pass it
    on to :func:`layers.datadir.resolve_data_dir`, which explains how to fix a missing directory).
    """
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, dir_okay=True, path_type=Path),
        envvar=DATA_ENVVAR,
        show_envvar=True,
        default=None,
        help="Open-data directory laid out like shared/data (see `minusma data`).",
    )(func)


def echo_data_gaps(items) -> None:
    """Print each data gap once to stderr as ``data gap: ...``: messages, and the recorded warnings
    about unknown speeds (other warnings are printed once each, formatted as Python formats them)."""
    from geo.speeds import UnknownSpeedWarning

    messages, shown = [], set()
    for item in list(items):
        if isinstance(item, warnings.WarningMessage):
            if not issubclass(item.category, UnknownSpeedWarning):
                text = warnings.formatwarning(
                    item.message, item.category, item.filename, item.lineno
                )
                if text not in shown:
                    shown.add(text)
                    click.echo(text.rstrip("\n"), err=True)
                continue
            item = str(item.message)
        messages.append(item)
    for message in dict.fromkeys(messages):
        click.echo(f"data gap: {message}", err=True)
