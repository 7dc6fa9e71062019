"""Resumable, retried, verified, atomic transfers (HTTP(S) or a local folder) for
:mod:`layers.fetch`.

Every transfer writes ``<dest>.part`` beside the destination, checks the sha256 when one is known,
and only then moves the file into place with :func:`os.replace`. An interrupted download leaves only
the ``.part`` file (which the next attempt resumes with an HTTP ``Range`` request when the server
supports it); a download whose checksum does not match is deleted. So a file under its final name
is always complete and, when a checksum is known, verified.

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

__all__ = ["CHUNK_BYTES", "RETRY_BACKOFF_S", "copy_file", "download", "part_path", "place_verified"]

#: Wait before the first retry; it doubles at each further retry (read at call time).
RETRY_BACKOFF_S = 1.0
#: Bytes read per chunk.
CHUNK_BYTES = 1 << 16
#: Sent with every request.
USER_AGENT = "minusma-exposure (open-data fetch)"

#: ``progress(bytes_done, bytes_total_or_None)``.
Progress = Callable[[int, "int | None"], None]


class _Transient(Exception):
    """A failure worth retrying: timeout, connection reset, HTTP 5xx/408/429, truncated body."""


def part_path(dest: str | os.PathLike) -> Path:
    """The temporary ``.part`` file used while ``dest`` is being transferred."""
    dest = Path(dest)
    return dest.with_name(dest.name + ".part")


def place_verified(part: Path, dest: Path, *, sha256: str | None, source: str) -> Path:
    """Check ``part`` against ``sha256`` (if given) and move it onto ``dest``.

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

    Raises
    ------
    FetchError
        If ``source`` does not exist.
    ChecksumError
        If the copy does not match ``sha256``.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise FetchError(f"{source} not found in the mirror folder")
    part = part_path(dest)
    shutil.copyfile(source, part)
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


def _transfer(url: str, part: Path, timeout_s: float, progress: Progress | None) -> None:
    """One attempt: append to ``part`` (resuming) or rewrite it, until the body ends."""
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
        total = offset + int(length) if length is not None else None
        done = offset
        try:
            with open(part, mode) as fh:
                while chunk := response.read(CHUNK_BYTES):
                    fh.write(chunk)
                    done += len(chunk)
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
) -> Path:
    """Download ``url`` to ``dest`` atomically, resuming, retrying and verifying.

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
    resumed = part.exists() and part.stat().st_size > 0
    attempt = 0
    while True:
        try:
            _transfer(url, part, timeout_s, progress)
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
