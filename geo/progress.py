"""Progress bars for long work (tqdm), on stderr only, silent when the user asked for quiet.

A bar is shown when all of these hold:

- the environment variable :data:`PROGRESS_ENVVAR` is not ``0``;
- the package's log level is ``WARNING`` or more verbose (the CLI's default; ``minusma -q`` raises
  it to ``ERROR`` and silences the bars). The threshold is WARNING rather than INFO so that bars
  show by default on a terminal without ``-v``;
- stderr is a terminal, unless :data:`PROGRESS_ENVVAR` is ``1`` (forced: logs and CI).

Nothing is ever written to stdout, which carries the commands' data.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from typing import Any

from tqdm import tqdm

logger = logging.getLogger(__name__)

__all__ = ["PROGRESS_ENVVAR", "progress", "progress_enabled"]

#: ``1`` forces the bars even when stderr is not a terminal; ``0`` turns them off.
PROGRESS_ENVVAR = "MINUSMA_PROGRESS"


def progress_enabled() -> bool:
    """Whether a bar would be shown now (see the module docstring for the rules).

    Returns
    -------
    bool
        True when ``$MINUSMA_PROGRESS`` is ``1``, or unset and stderr is a terminal, and the
        package logs at WARNING or below.
    """
    setting = os.environ.get(PROGRESS_ENVVAR, "").strip()
    if setting == "0" or logger.getEffectiveLevel() > logging.WARNING:
        return False
    if setting == "1":
        return True
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


def progress(
    iterable: Iterable[Any] | None = None,
    *,
    total: float | None = None,
    desc: str | None = None,
    unit: str = "it",
    unit_scale: bool = False,
) -> tqdm:
    """A tqdm bar on stderr over ``iterable`` (or a manual one, ``bar.update(n)``, without it).

    Parameters
    ----------
    iterable
        What to iterate; None for a bar advanced by ``update``.
    total
        Number of steps (bytes with ``unit="B"``); None when unknown.
    desc
        Label in front of the bar.
    unit
        Name of a step, as in tqdm (``"B"`` for downloads).
    unit_scale
        Scale the counts with SI prefixes, as in tqdm (True for downloads).

    Returns
    -------
    tqdm.tqdm
        Iterates like ``iterable``; disabled (no output at all) when :func:`progress_enabled` is
        false. Use it as a context manager or let the loop finish so the bar closes.
    """
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit_scale,
        file=sys.stderr,
        disable=not progress_enabled(),
        leave=False,
        dynamic_ncols=True,
    )
