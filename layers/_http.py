"""Resumable, retried, verified, atomic transfers (HTTP(S) or a local folder).

They serve :mod:`layers.fetch`. Every transfer writes ``<dest>.part`` beside the destination,
checks the sha256 when one is known, and only then moves the file into place with
:func:`os.replace`. An interrupted download leaves only the ``.part`` file (which the next
attempt resumes with an HTTP ``Range`` request when the server supports it); a download whose
checksum does not match is deleted. So a file under its final name is always complete and, when
a checksum is known, verified.

Only the standard library is used (``urllib``), so no extra dependency is needed.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from minusma.geo._errors import ChecksumError, FetchError
from minusma.layers.datasets import sha256_file

logger = logging.getLogger(__name__)

__all__ = [
    "CHUNK_BYTES",
    "RETRY_BACKOFF_S",
    "SIZE_MARGIN_BYTES",
    "SIZE_MARGIN_FRACTION",
    "UNRECORDED_MAX_BYTES",
    "copy_file",
    "download",
    "max_bytes_for",
    "part_path",
    "place_verified",
]

#: Wait before the first retry; it doubles at each further retry (read at call time).
RETRY_BACKOFF_S = 1.0
#: Bytes read per chunk.
CHUNK_BYTES = 1 << 16
#: Sent with every request.
USER_AGENT = "minusma-exposure (open-data fetch)"

#: A download may exceed the size the registry records by this fraction of it ...
SIZE_MARGIN_FRACTION = 0.01
#: ... or by this many bytes, whichever is larger (a file with the registered checksum has exactly
#: the recorded size: the margin only spares a wrong record from a hard stop).
SIZE_MARGIN_BYTES = 64 * 1024
#: Most bytes of a download whose size no registry records (upstream publishers' files: the
#: largest, the OSM extract of Mali, is a few hundred MB).
UNRECORDED_MAX_BYTES = 2 * 1024**3

#: ``progress(bytes_done, bytes_total_or_None)``.
Progress = Callable[[int, "int | None"], None]


class _Transient(Exception):
    """A failure worth retrying: timeout, connection reset, HTTP 5xx/408/429, truncated body."""


def max_bytes_for(size_bytes: int | None) -> int:
    """The most bytes a download may take.

    Parameters
    ----------
    size_bytes
        The size the registry records, or None.

    Returns
    -------
    int
        The recorded size plus the margin (:data:`SIZE_MARGIN_FRACTION`, at least
        :data:`SIZE_MARGIN_BYTES`), or :data:`UNRECORDED_MAX_BYTES` where no size is recorded.
    """
    if size_bytes is None:
        return UNRECORDED_MAX_BYTES
    return int(size_bytes + max(size_bytes * SIZE_MARGIN_FRACTION, SIZE_MARGIN_BYTES))


class _TooLarge(FetchError):
    """The response is larger than the size limit (the .part is removed, no retry)."""


def part_path(dest: str | os.PathLike) -> Path:
    """The temporary ``.part`` file used while ``dest`` is being transferred.

    Parameters
    ----------
    dest
        The final path.

    Returns
    -------
    pathlib.Path
        ``dest`` with ``.part`` appended to its name, in the same folder.
    """
    dest = Path(dest)
    return dest.with_name(dest.name + ".part")


def place_verified(part: Path, dest: Path, *, sha256: str | None, source: str) -> Path:
    """Check ``part`` against ``sha256`` (if given) and move it onto ``dest``.

    Parameters
    ----------
    part
        The complete temporary file.
    dest
        The final path (replaced atomically).
    sha256
        Expected hex digest, or None to skip the check.
    source
        Where the file came from (URL or path), named in the error.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    ChecksumError
        If the checksum differs; ``part`` is deleted, ``dest`` is left untouched.
    """
    if sha256 is not None:
        got = sha256_file(part)
        if got != sha256:
            part.unlink()
            raise ChecksumError(
                f"{source}: sha256 {got} does not match the registry's {sha256}; the file was "
                f"discarded and {dest.name} was not written"
            )
    os.replace(part, dest)
    logger.info("wrote %s", dest)
    return dest


def copy_file(
    source: str | os.PathLike, dest: str | os.PathLike, *, sha256: str | None = None
) -> Path:
    """Copy a local file to ``dest`` through ``dest.part``, verifying ``sha256`` when given.

    Parameters
    ----------
    source
        The file in the mirror folder.
    dest
        The final path; its folder must exist.
    sha256
        Expected hex digest, or None to skip the check.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    FetchError
        If ``source`` does not exist.
    ChecksumError
        If the copy does not match ``sha256``.
    WriteError
        If ``dest.part`` cannot be written (disk full, permissions...); it is removed.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise FetchError(f"{source} not found in the mirror folder")
    part = part_path(dest)
    try:
        shutil.copyfile(source, part)
    except OSError as exc:
        part.unlink(missing_ok=True)
        from minusma.geo.io import write_error

        raise write_error(dest, exc) from exc
    return place_verified(part, dest, sha256=sha256, source=str(source))


def _open(url: str, offset: int, timeout_s: float) -> http.client.HTTPResponse | None:
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        return urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout_s
        )
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and offset:
            return None  # nothing left to send: the .part is already complete (verified next)
        if exc.code >= 500 or exc.code in (408, 429):
            raise _Transient(f"HTTP {exc.code} {exc.reason}") from exc
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise _Transient(f"cannot connect: {exc.reason}") from exc
    except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _transfer(
    url: str, part: Path, timeout_s: float, progress: Progress | None, max_bytes: int
) -> None:
    """One attempt: append to ``part`` (resuming) or rewrite it.

    It stops when the body ends or passes ``max_bytes`` (then :class:`_TooLarge`).
    """
    offset = part.stat().st_size if part.exists() else 0
    response = _open(url, offset, timeout_s)
    if response is None:
        return
    with response:
        mode = "wb"
        if offset and response.status == 206:
            match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
            if match and int(match.group(1)) == offset:
                mode = "ab"
                logger.info("%s: resuming at byte %d", url, offset)
        if mode == "wb":
            if offset:
                logger.info("%s: server ignored the Range request; restarting from byte 0", url)
            offset = 0
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length is not None and length.isdigit() else None
        if total is not None and total > max_bytes:
            raise _TooLarge(
                f"{url}: the server announces {total:,} bytes, more than the {max_bytes:,} "
                "allowed (the registry's size plus the margin); nothing was kept"
            )
        done = offset
        try:
            with open(part, mode) as fh:
                while chunk := response.read(CHUNK_BYTES):
                    done += len(chunk)
                    if done > max_bytes:
                        raise _TooLarge(
                            f"{url}: the response passed {max_bytes:,} bytes (the registry's "
                            "size plus the margin) and was stopped; nothing was kept"
                        )
                    fh.write(chunk)
                    if progress:
                        progress(done, total)
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            raise _Transient(
                f"transfer interrupted at byte {done}: {type(exc).__name__}: {exc}"
            ) from exc
    if total is not None and done < total:
        raise _Transient(f"transfer truncated at byte {done} of {total}")


def download(
    url: str,
    dest: str | os.PathLike,
    *,
    sha256: str | None = None,
    timeout_s: float = 60,
    retries: int = 3,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> Path:
    """Download ``url`` to ``dest`` atomically, resuming, retrying, verifying and bounded.

    Parameters
    ----------
    url
        An http(s) URL.
    dest
        The final path; its folder must exist.
    sha256
        Expected hex digest, or None to skip the check (upstream files whose checksum is unknown).
    timeout_s
        Socket timeout of each connection and read, in seconds.
    retries
        Further attempts after a transient failure (timeout, reset, HTTP 5xx/408/429, truncated
        body), waiting ``RETRY_BACKOFF_S * 2**i`` seconds before retry ``i``. Each retry resumes the
        ``.part`` file with a ``Range`` request; a server that ignores it is read again from the
        start.
    progress
        Called as ``progress(bytes_done, bytes_total_or_None)`` after every chunk.
    max_bytes
        Most bytes accepted (:func:`max_bytes_for` of the registry's size); default
        :data:`UNRECORDED_MAX_BYTES`. A larger announced length, or a body that passes it, stops
        the download at once: the ``.part`` is removed and :class:`FetchError` raised (no retry).

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    FetchError
        On an HTTP client error (4xx) or when every attempt failed; a partial ``.part`` is kept to
        be resumed by the next call.
    ChecksumError
        If the complete file does not match ``sha256``. When the file was resumed from an earlier
        ``.part``, it is downloaded once more from scratch before this is raised.
    """
    dest = Path(dest)
    part = part_path(dest)
    limit = UNRECORDED_MAX_BYTES if max_bytes is None else max_bytes
    resumed = part.exists() and part.stat().st_size > 0
    attempt = 0
    while True:
        try:
            _transfer(url, part, timeout_s, progress, limit)
        except _TooLarge:
            part.unlink(missing_ok=True)
            raise
        except OSError as exc:  # the .part cannot be written (disk full...): one clear error
            if isinstance(exc, FetchError):
                raise
            part.unlink(missing_ok=True)
            from minusma.geo.io import write_error

            raise write_error(dest, exc) from exc
        except _Transient as exc:
            if attempt >= retries:
                raise FetchError(
                    f"{url}: {exc}; gave up after {attempt + 1} attempt(s); the partial download "
                    f"{part.name} is kept and will be resumed next time"
                ) from exc
            wait_s = RETRY_BACKOFF_S * 2**attempt
            attempt += 1
            logger.warning("%s: %s; retry %d of %d in %.1f s", url, exc, attempt, retries, wait_s)
            time.sleep(wait_s)
            resumed = resumed or (part.exists() and part.stat().st_size > 0)
            continue
        try:
            return place_verified(part, dest, sha256=sha256, source=url)
        except ChecksumError:
            if not resumed:
                raise
            logger.warning(
                "%s: checksum mismatch after resuming an old .part; downloading from scratch", url
            )
            resumed = False
