"""Fill a data directory with the registered open datasets: from a mirror, or from upstream.

With a *mirror* (a local folder laid out like the data directory, or an http(s) URL of such a
folder) every registered file is copied or downloaded and checked against the registry's sha256.
Without one, each dataset is downloaded from its publisher and converted into the layout
(:mod:`layers._upstream`); those outputs are validated against the registry schema, since upstream
files change and their checksums are not known.

Transfers are atomic (``.part`` file beside the destination, verified, then :func:`os.replace`),
resumable (HTTP ``Range``) and retried with exponential backoff (:mod:`layers._http`).
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path

from minusma.geo._errors import ChecksumError, FetchError, MinusmaError, ParameterError, SchemaError
from minusma.geo._validate import raise_problems
from minusma.geo.io import created_folder, write_error
from minusma.layers import _http, _upstream
from minusma.layers.datadir import default_fetch_dir
from minusma.layers.datasets import Dataset, check_file, get, registry, sha256_file

logger = logging.getLogger(__name__)

__all__ = ["UPSTREAM_CACHE", "fetch"]

#: Folder inside the destination holding raw upstream downloads (partial ones are resumed).
UPSTREAM_CACHE = ".upstream"

#: ``progress(dataset_name, bytes_done, bytes_total_or_None)``.
ProgressCallback = Callable[[str, int, "int | None"], None]


def _progress_for(name: str, progress: bool | ProgressCallback) -> _http.Progress | None:
    if callable(progress):
        return lambda done, total: progress(name, done, total)
    if not progress:
        return None
    state = {"decile": -1}

    def log(done: int, total: int | None) -> None:
        if total:
            decile = min(10, done * 10 // total)
            if decile > state["decile"]:
                state["decile"] = decile
                logger.info("%s: %d%% of %.1f MB", name, decile * 10, total / 1e6)

    return log


def _is_url(mirror: str) -> bool:
    return urllib.parse.urlparse(mirror).scheme in ("http", "https")


def _mirror_folder(mirror: str | os.PathLike) -> Path:
    text = str(mirror)
    if text.startswith("file://"):
        return Path(urllib.parse.unquote(urllib.parse.urlparse(text).path))
    return Path(text).expanduser()


def _from_mirror(
    dataset: Dataset,
    mirror: str | os.PathLike,
    target: Path,
    *,
    timeout_s: float,
    retries: int,
    progress: _http.Progress | None,
) -> None:
    """Copy or download one file of the layout from ``mirror`` into ``target``, verified."""
    # A file with no registered checksum (optional dataset) lands under a hidden name, is validated
    # against the schema, and only then takes its final name.
    landing = target if dataset.sha256 else target.with_name(f".{target.name}.unverified")
    if _is_url(str(mirror)):
        url = str(mirror).rstrip("/") + "/" + urllib.parse.quote(dataset.path)
        _http.download(
            url,
            landing,
            sha256=dataset.sha256,
            timeout_s=timeout_s,
            retries=retries,
            progress=progress,
            max_bytes=_http.max_bytes_for(dataset.size_bytes),
        )
    else:
        source = _mirror_folder(mirror) / dataset.path
        limit = _http.max_bytes_for(dataset.size_bytes)
        if source.is_file() and source.stat().st_size > limit:
            raise FetchError(
                f"{source} holds {source.stat().st_size:,} bytes, more than the {limit:,} allowed "
                f"for {dataset.name} (the registry's size plus the margin); not copied"
            )
        _http.copy_file(source, landing, sha256=dataset.sha256)
    if landing != target:
        try:
            raise_problems(
                check_file(dataset.name, landing), name=f"dataset {dataset.name!r} from {mirror}"
            )
        except MinusmaError:
            landing.unlink()
            raise
        os.replace(landing, target)


def _upstream_getter(
    cache: Path, *, timeout_s: float, retries: int, progress: dict
) -> Callable[[str], Path]:
    """``get(key_or_url)``: download once per call of :func:`fetch`.

    ``progress["report"]`` is read at each download (the current dataset's reporter).
    """
    got: dict[str, Path] = {}

    def get(key_or_url: str) -> Path:
        url = _upstream.URLS.get(key_or_url, key_or_url)
        if url not in got:
            stem = Path(urllib.parse.urlparse(url).path).name or "download"
            local = cache / (
                f"{key_or_url}{Path(stem).suffix}" if key_or_url in _upstream.URLS else stem
            )
            logger.info("downloading %s", url)
            got[url] = _http.download(
                url,
                local,
                sha256=_upstream.UPSTREAM_SHA256.get(key_or_url),
                timeout_s=timeout_s,
                retries=retries,
                progress=progress["report"],
            )
        return got[url]

    return get


def _up_to_date(dataset: Dataset, target: Path, *, upstream: bool) -> bool:
    if not target.is_file():
        return False
    if dataset.sha256 and sha256_file(target) == dataset.sha256:
        return True
    if upstream:
        try:
            return not check_file(dataset.name, target)
        except MinusmaError:
            return False
    return False


def fetch(
    dest: str | os.PathLike | None = None,
    *,
    mirror: str | os.PathLike | None = None,
    only: Iterable[str] | None = None,
    timeout_s: float = 60,
    retries: int = 3,
    progress: bool | ProgressCallback = True,
    force: bool = False,
) -> dict[str, Path]:
    """Download the registered datasets into ``dest``, laid out like the data directory.

    Parameters
    ----------
    dest
        The data directory to fill (created if needed); defaults to ``$MINUSMA_DATA`` or
        ``~/.local/share/minusma``.
    mirror
        A local folder (or ``file://`` URL) laid out like the data directory, or an http(s) URL of
        such a folder. Each file is checked against the registry's sha256. Without a mirror the
        files are downloaded from their publishers and converted (see :mod:`layers._upstream`; not
        possible for the flownet corridors, which are skipped with a warning). The raw downloads
        stay in ``dest/.upstream`` (partial ones are resumed next time; delete it freely).
    only
        Dataset names to fetch (case and punctuation ignored); default: every registered dataset.
    timeout_s
        Socket timeout per connection and read, in seconds.
    retries
        Further attempts per file after a transient failure, with exponential backoff.
    progress
        True logs progress at INFO level every 10%; a callable receives
        ``(dataset_name, bytes_done, bytes_total_or_None)``; False is silent.
    force
        Fetch again even a file that is already present and verified (mirror: sha256 matches;
        upstream: sha256 matches or the file validates).

    Returns
    -------
    dict
        ``{dataset_name: path}`` of every dataset present and verified in ``dest`` afterwards.

    Raises
    ------
    UnknownNameError
        If a name in ``only`` is not registered.
    ChecksumError
        If a file does not match the registry (it is not written).
    FetchError
        If a file could not be fetched after the retries. Other datasets are still fetched first;
        the error lists every failure.
    SchemaError
        If a converted upstream file or an unverified mirror file fails validation.
    WriteError
        If ``dest`` cannot be created or written (disk full...); a ``dest`` this call created is
        removed again when the run fails.

    Notes
    -----
    Each download stops at the registry's recorded size plus a margin
    (:func:`layers._http.max_bytes_for`), or at :data:`layers._http.UNRECORDED_MAX_BYTES` for
    upstream files whose size no registry records; the partial file is removed.
    """
    if timeout_s <= 0 or retries < 0:
        raise ParameterError(
            f"timeout_s must be > 0 and retries >= 0; got timeout_s={timeout_s}, retries={retries}"
        )
    selected = [get(n) for n in only] if only else list(registry())
    dest = Path(dest).expanduser() if dest is not None else default_fetch_dir()
    if mirror is not None and not _is_url(str(mirror)) and not _mirror_folder(mirror).is_dir():
        raise FetchError(
            f"mirror folder {str(mirror)!r} does not exist; give a folder laid out like the data "
            f"directory or an http(s) URL of one"
        )
    with created_folder(dest):  # a run that fetched nothing leaves no new folder behind
        return _fetch_into(
            dest,
            selected,
            mirror=mirror,
            timeout_s=timeout_s,
            retries=retries,
            progress=progress,
            force=force,
        )


def _fetch_into(
    dest: Path,
    selected: list[Dataset],
    *,
    mirror: str | os.PathLike | None,
    timeout_s: float,
    retries: int,
    progress: bool | ProgressCallback,
    force: bool,
) -> dict[str, Path]:
    cache = dest / UPSTREAM_CACHE
    current: dict = {"report": None}
    get_input = _upstream_getter(cache, timeout_s=timeout_s, retries=retries, progress=current)
    done: dict[str, Path] = {}
    failures: list[tuple[str, MinusmaError]] = []
    for dataset in selected:
        target = dest / dataset.path
        if not force and _up_to_date(dataset, target, upstream=mirror is None):
            logger.info("%s: already present and verified (%s)", dataset.name, target)
            done[dataset.name] = target
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(target.parent, exc, what="create folder") from exc
        report = current["report"] = _progress_for(dataset.name, progress)
        try:
            if mirror is not None:
                _from_mirror(
                    dataset, mirror, target, timeout_s=timeout_s, retries=retries, progress=report
                )
            elif dataset.name not in _upstream.CONVERTERS:
                logger.warning(
                    "%s: no automated upstream conversion (%s); use --mirror",
                    dataset.name,
                    dataset.upstream["conversion"],
                )
                continue
            else:
                cache.mkdir(exist_ok=True)
                _upstream.build(dataset.name, target, get_input)
        except MinusmaError as exc:
            if (
                dataset.optional
                and mirror is not None
                and not isinstance(exc, (ChecksumError, SchemaError))
            ):
                logger.warning(
                    "%s: optional dataset not available from the mirror: %s", dataset.name, exc
                )
                continue
            logger.error("%s: %s", dataset.name, exc)
            failures.append((dataset.name, exc))
            continue
        logger.info("%s: ok (%s)", dataset.name, target)
        done[dataset.name] = target
    if len(failures) == 1:
        raise failures[0][1]
    if failures:
        listing = "\n".join(f"  - {name}: {exc}" for name, exc in failures)
        raise FetchError(
            f"{len(failures)} of {len(selected)} dataset(s) could not be fetched:\n{listing}"
        )
    return done
