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


class FetchError(MinusmaError, OSError):
    """A dataset could not be downloaded or copied from a mirror."""


class ChecksumError(FetchError):
    """A downloaded file does not match its registered checksum."""


class EventsFileError(SchemaError):
    """An events file (shipped table, ACLED or UCDP GED export) cannot be read: one line naming the
    file, the row and the column."""


class OutputError(MinusmaError, OSError):
    """An output (file or folder) cannot be written where the user asked: the message names the
    path and the cause."""
