"""Exceptions raised by the package.

Every error subclasses :class:`MinusmaError` and a builtin, so callers can catch either.
"""

from __future__ import annotations


class MinusmaError(Exception):
    """Root of every error raised by minusma-exposure."""


class SchemaError(MinusmaError, ValueError):
    """A table or layer does not match its declared schema (all problems listed at once)."""


class ParameterError(MinusmaError, ValueError):
    """A function or command argument is out of range or of the wrong form."""


class UnknownNameError(MinusmaError, LookupError):
    """A name (layer, base, town, format, dataset) is not known; the message lists valid choices."""


class GraphError(MinusmaError, ValueError):
    """A road or river network cannot be built or queried as asked."""


class DataDirError(MinusmaError, FileNotFoundError):
    """The open-data directory is missing, or a dataset in it is absent or unreadable."""


class OutputError(MinusmaError, OSError):
    """An output (file or folder) cannot be written where the user asked: the message names the
    path and the cause."""


class WriteError(OutputError):
    """An output could not be written (disk full, permission denied, read-only file system, name
    too long, file too large...): one line naming the path the user asked for and the cause. Nothing
    was left under that name. Raised by the one write path, :func:`minusma.geo.io.atomic_path`."""


class FetchError(MinusmaError, OSError):
    """A dataset could not be downloaded or copied from a mirror."""


class ChecksumError(FetchError):
    """A downloaded file does not match its registered checksum."""


class EventsFileError(SchemaError):
    """An events file (shipped table, ACLED or UCDP GED export) cannot be read: one line naming the
    file, the row and the column."""


#: Longest text of a user's value quoted in an error message (longer ones are cut in the middle).
SHOWN_CHARS = 120


def shorten(text: object, limit: int = SHOWN_CHARS) -> str:
    """``text`` for an error message: cut in the middle, with the count of characters, when longer
    than ``limit`` (a 10,000-character name must not flood the terminal).

    Parameters
    ----------
    text
        Any value; ``str()`` of it is shortened.
    limit
        Longest result kept whole.

    Returns
    -------
    str
        ``text`` itself, or ``head...tail (N characters)``.
    """
    value = str(text)
    if len(value) <= limit:
        return value
    half = max(limit // 2 - 10, 1)
    return f"{value[:half]}...{value[-half:]} ({len(value):,} characters)"


def shorten_words(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` with every run of more than ``limit`` characters without a space (a pasted name,
    a path) shortened by :func:`shorten`; the rest of the message, and its advice, stay whole."""
    import re

    return re.sub(rf"\S{{{limit + 1},}}", lambda m: shorten(m.group(0), limit), text)
