"""A verified local cache of the JS/CSS/font assets that folium maps load from CDNs.

A folium page asks CDNs (jsdelivr, cdnjs, unpkg, code.jquery.com, bootstrapcdn) for Leaflet,
jQuery, Bootstrap, Font Awesome and plugin files. Field teams often have no connection, and
tests run offline, so this module keeps the same files, taken from the npm registry and checked
against the sha512 ``integrity`` npm publishes, in a local cache:

- :func:`fill_cache` downloads every package of the lock file ``maps/assets/lock.json`` (written
  by ``scripts/build_asset_lock.py``), verifies it and unpacks it atomically;
- :class:`AssetCache` maps a CDN URL to the file in the cache (:meth:`AssetCache.resolve`) and
  reads it after checking its hash (:meth:`AssetCache.read`); :func:`resolve` is the short form;
- :func:`maps.inline.inline_html` turns a folium page into one self-contained HTML file.

The cache holds one folder per package, ``<cache>/<name>@<version>/``, with the content of the
npm tarball and a ``.integrity`` file naming the verified tarball. The lock ships the sha256 of
every file of every package (``files``); a file is checked against the lock every time it is read,
never against anything stored in the cache folder (which whoever changes a cached file can change
too), so a cached file changed after the download is an error, never inlined.

What is not byte-for-byte the CDN file (the lock's ``aliases`` give the reasons):

- cdnjs' ``Leaflet.awesome-markers/2.0.2`` (a GitHub tag) is served from npm
  ``leaflet.awesome-markers@2.0.5``, whose ``dist/`` is identical in every npm release;
- jsdelivr's on-the-fly ``*.min.js`` (``Control.FullScreen.min.js``, ``iso8601.min.js``) and
  cdnjs' ``highlight.js/8.4/styles/default.min.css`` are served unminified;
- the Glyphicons font of leaflet-timedimension's CSS (netdna ``bootstrap/3.0.0``, not on npm)
  comes from ``bootstrap@3.4.1``;
- dropped with a warning, as neither npm nor the folium wheel ships them: netdna's
  ``bootstrap-glyphicons.css`` (``folium.Icon`` with ``prefix="glyphicon"`` shows no glyph
  offline: use ``prefix="fa"``), folium's ``leaflet.awesome.rotate.min.css`` (``Icon(angle=...)``
  is not rotated offline) and cdnjs' ``jqueryui/1.10.2`` (unused by TimestampedGeoJson).
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import importlib.resources
import io
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from minusma.geo._errors import (
    ChecksumError,
    DataDirError,
    FetchError,
    ParameterError,
    UnknownNameError,
    WriteError,
)
from minusma.geo.io import created_folder, write_error

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_REGISTRY_URL",
    "AssetCache",
    "CachedPackage",
    "check_cache",
    "default_cache_dir",
    "fill_cache",
    "load_lock",
    "mime_type",
    "normalise_url",
    "resolve",
]

#: Registry the lock's tarball URLs point at; ``registry_url`` swaps this prefix for a mirror.
DEFAULT_REGISTRY_URL = "https://registry.npmjs.org/"

#: Name of the file, inside each cached package folder, that holds the verified integrity.
MARKER = ".integrity"

#: Largest npm tarball accepted (the largest locked one, Font Awesome, is about 6 MB).
TARBALL_MAX_BYTES = 64 * 1024**2

#: Wait before the n-th retry of a download: n times this, in seconds (at most 10 s).
RETRY_WAIT_S = 2.0

#: The command that fills the cache, quoted in error messages.
FIX = "run `minusma assets --cache DIR` (or maps.assets.fill_cache(DIR))"

MIME_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".json": "application/json",
    ".map": "application/json",
}


@dataclass(frozen=True)
class CachedPackage:
    """One verified npm package in the cache.

    Attributes
    ----------
    name, version
        npm package name (possibly scoped, ``@scope/name``) and exact version.
    integrity
        The sha512 Subresource Integrity string the tarball matched.
    path
        The package folder, ``<cache>/<name>@<version>``.
    downloaded
        True if this call downloaded it, False if it was already cached and verified.
    tampered
        Files of a cached copy that no longer matched their recorded sha256 (the package was
        downloaded again); empty normally.
    """

    name: str
    version: str
    integrity: str
    path: Path
    downloaded: bool
    tampered: tuple[str, ...] = ()


def mime_type(path: str | os.PathLike) -> str:
    """The MIME type of a cached asset, from its suffix (default ``application/octet-stream``).

    Parameters
    ----------
    path
        The asset's file name or path; only its suffix (any case) is read.

    Returns
    -------
    str
        The type of :data:`MIME_TYPES` for the suffix, else ``application/octet-stream``.
    """
    return MIME_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def default_cache_dir() -> Path:
    """Return ``$MINUSMA_ASSET_CACHE`` or ``~/.cache/minusma/assets`` (read at call time).

    Returns
    -------
    pathlib.Path
        ``$MINUSMA_ASSET_CACHE`` with ``~`` expanded when it is set and not empty, else
        ``~/.cache/minusma/assets`` in the user's home folder; the folder may not exist yet.
    """
    env = os.environ.get("MINUSMA_ASSET_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "minusma" / "assets"


def _cache(cache_dir: str | os.PathLike | None) -> Path:
    """``cache_dir`` with ``~`` expanded, or :func:`default_cache_dir`."""
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()


#: How to write a lock, quoted in error messages.
LOCK_FIX = "write one with scripts/build_asset_lock.py (or pass none for the packaged lock)"


@functools.lru_cache(maxsize=8)
def _read_lock(path: str | None) -> dict[str, Any]:
    """The lock at ``path`` (None: the packaged one), checked for form; cached per path."""
    name = path or "maps/assets/lock.json"
    try:
        if path is None:
            resource = importlib.resources.files("minusma.maps").joinpath("assets/lock.json")
            text = resource.read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        lock = json.loads(text)
    except OSError as exc:
        raise ParameterError(f"cannot read the asset lock {name}: {exc}; {LOCK_FIX}") from exc
    except ValueError as exc:
        raise ParameterError(f"asset lock {name} is not valid JSON ({exc}); {LOCK_FIX}") from exc
    if not isinstance(lock, dict):
        raise ParameterError(f"asset lock {name} is malformed: not a JSON object; {LOCK_FIX}")
    problems = [k for k in ("packages", "aliases") if not isinstance(lock.get(k), list)]
    packages: list[Any] = lock["packages"] if isinstance(lock.get("packages"), list) else []
    problems += [
        f"package {p!r} lacks name/version/tarball/integrity"
        for p in packages
        if not isinstance(p, dict)
        or not all(isinstance(p.get(k), str) for k in ("name", "version", "tarball", "integrity"))
    ]
    problems += [
        f"package {p.get('name')}@{p.get('version')}: files must map paths to sha256 digests "
        "(every file is checked against them; add them with "
        "scripts/build_asset_lock.py --file-hashes-only)"
        for p in packages
        if isinstance(p, dict)
        and not (
            isinstance(p.get("files"), dict)
            and all(isinstance(v, str) and len(v) == 64 for v in p["files"].values())
        )
    ]
    if problems:
        raise ParameterError(f"asset lock {name} is malformed: {'; '.join(problems)}")
    return lock


def load_lock(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read the asset lock (the packaged ``maps/assets/lock.json`` when ``path`` is None).

    The lock is read and checked once per resolved path and process; every call returns a copy
    of its own, which the caller may change without changing anyone else's lock.

    Parameters
    ----------
    path
        A lock file written by ``scripts/build_asset_lock.py``; None for the packaged one.

    Returns
    -------
    dict
        ``packages`` (name, version, tarball, integrity, and ``files``: the sha256 of each of
        its files), ``aliases`` (CDN URL or URL prefix -> package file, or ``drop`` with the
        reason the file is not available offline) and ``checked_urls`` (every URL folium
        emitted when the lock was built, and its file).

    Raises
    ------
    ParameterError
        The lock cannot be read or is not JSON, lacks its ``packages`` or ``aliases`` list, a
        package lacks its name, version, tarball or integrity, or its ``files`` are missing or
        not sha256 digests.
    """
    return copy.deepcopy(_read_lock(None if path is None else str(Path(path).resolve())))


def _package_dir(cache: Path, name: str, version: str) -> Path:
    """The folder of package ``name@version`` in ``cache`` (a scope is a folder level)."""
    return cache.joinpath(*name.split("/")[:-1], f"{name.split('/')[-1]}@{version}")


def _is_verified(folder: Path, integrity: str) -> bool:
    """The folder holds the unpacked package of ``integrity``.

    Its files are checked against the lock's hashes when read, never against anything stored in
    the cache.
    """
    marker = folder / MARKER
    try:
        return marker.is_file() and marker.read_text(encoding="utf-8").strip() == integrity
    except OSError:
        return False


def _sha256(path: Path) -> str:
    """The sha256 hex digest of the file at ``path``, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tarball_file_hashes(data: bytes) -> dict[str, str]:
    """sha256 of every regular file of an npm tarball, by its path below the top folder.

    The paths are those :func:`_extract` unpacks to; the result is what
    ``scripts/build_asset_lock.py`` ships in the lock as a package's ``files``.

    Parameters
    ----------
    data
        The gzipped npm tarball.

    Returns
    -------
    dict
        ``{relative posix path: sha256 hex}``, sorted by path; directories, links and entries
        at the top level are left out.
    """
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if not member.isfile() or len(parts) < 2:
                continue
            body = tar.extractfile(member)
            out[PurePosixPath(*parts[1:]).as_posix()] = hashlib.sha256(
                body.read() if body else b""
            ).hexdigest()
    return dict(sorted(out.items()))


def _tampered(folder: Path, files: Mapping[str, str]) -> list[str]:
    """Files of ``folder`` that differ from, or are missing from, the lock's hashes ``files``."""
    bad = [
        rel
        for rel, digest in files.items()
        if not (folder / rel).is_file() or _sha256(folder / rel) != digest
    ]
    return sorted(bad)


def check_cache(
    cache_dir: str | os.PathLike | None = None, *, lock_path: str | os.PathLike | None = None
) -> Path:
    """Check that every locked package is in the cache; return the cache folder.

    A package counts when its folder holds the marker of its locked integrity; its files are
    checked against the lock's hashes when read (:meth:`AssetCache.read`) or by
    :meth:`AssetCache.verify`, not here.

    Parameters
    ----------
    cache_dir
        Cache folder; default :func:`default_cache_dir`.
    lock_path
        Lock file to use instead of the packaged ``maps/assets/lock.json``.

    Returns
    -------
    pathlib.Path
        The cache folder.

    Raises
    ------
    DataDirError
        Naming every missing or unverified package and the command that fills the cache.
    """
    cache = _cache(cache_dir)
    missing = [
        f"{p['name']}@{p['version']}"
        for p in load_lock(lock_path)["packages"]
        if not _is_verified(_package_dir(cache, p["name"], p["version"]), p["integrity"])
    ]
    if missing:
        raise DataDirError(f"asset cache {cache} lacks {', '.join(missing)}; {FIX}")
    return cache


# --------------------------------------------------------------------------- download


def sri(data: bytes) -> str:
    """The sha512 Subresource Integrity string of ``data`` (npm's ``integrity``).

    Parameters
    ----------
    data
        The bytes to hash (a package tarball).

    Returns
    -------
    str
        ``"sha512-"`` followed by the base64 digest.
    """
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def tarball_url(tarball: str, registry_url: str | None) -> str:
    """``tarball``'s URL on the mirror ``registry_url`` (or ``$MINUSMA_NPM_REGISTRY``), if any.

    Parameters
    ----------
    tarball
        The tarball URL the lock records (on :data:`DEFAULT_REGISTRY_URL`).
    registry_url
        A mirror of the npm registry, or None for ``$MINUSMA_NPM_REGISTRY`` (if set).

    Returns
    -------
    str
        The URL to download from: on the mirror, or ``tarball`` unchanged without one.
    """
    registry = registry_url or os.environ.get("MINUSMA_NPM_REGISTRY")
    if not registry or not tarball.startswith(DEFAULT_REGISTRY_URL):
        return tarball
    return registry.rstrip("/") + "/" + tarball[len(DEFAULT_REGISTRY_URL) :]


def download(url: str, *, timeout_s: float, retries: int) -> bytes:
    """The body at ``url``, retried after a network error or HTTP 5xx, at most the size cap.

    Parameters
    ----------
    url
        The URL to read.
    timeout_s
        Timeout of each attempt, in seconds.
    retries
        Attempts after the first one, for network errors and HTTP 5xx only.

    Returns
    -------
    bytes
        The body (at most :data:`TARBALL_MAX_BYTES`).

    Raises
    ------
    FetchError
        On an HTTP 4xx, a body over the size cap, or when every attempt failed.
    """
    last: Exception | None = None
    for attempt in range(1, retries + 2):
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as resp:
                data = resp.read(TARBALL_MAX_BYTES + 1)
            if len(data) > TARBALL_MAX_BYTES:
                raise FetchError(
                    f"{url} passed {TARBALL_MAX_BYTES:,} bytes (the most an npm tarball of the "
                    "lock may take) and was stopped"
                )
            return data
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise FetchError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
            last = exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = exc
        if attempt <= retries:
            logger.warning("download of %s failed (%s); retry %d/%d", url, last, attempt, retries)
            time.sleep(min(RETRY_WAIT_S * attempt, 10.0))
    raise FetchError(f"cannot download {url} after {retries + 1} attempts: {last}")


def _extract(data: bytes, dest: Path) -> None:
    """Unpack an npm tarball into ``dest``, dropping its top folder (usually ``package/``)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = []
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if not (member.isfile() or member.isdir()) or len(parts) < 2:
                continue
            rel = PurePosixPath(*parts[1:])
            if rel.is_absolute() or ".." in rel.parts:
                raise FetchError(
                    f"npm tarball member {member.name!r} would be written outside {dest}"
                )
            member.name = str(rel)
            members.append(member)
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: also strips modes and owners
            tar.extractall(dest, members=members, filter="data")
        else:  # pragma: no cover - names checked above; links and devices were skipped
            tar.extractall(dest, members=members)


def _install(
    pkg: Mapping[str, Any], cache: Path, *, registry_url: str | None, timeout_s: float, retries: int
) -> bool:
    """Download, verify and unpack one package; return False if it was already cached."""
    name, version, integrity = pkg["name"], pkg["version"], pkg["integrity"]
    final = _package_dir(cache, name, version)
    if _is_verified(final, integrity):
        logger.info("%s@%s already cached and verified", name, version)
        return False
    if final.exists():
        logger.warning(
            "%s@%s in %s is incomplete or unverified: downloading it again", name, version, cache
        )
    if not integrity.startswith("sha512-"):
        raise ChecksumError(f"{name}@{version}: lock integrity {integrity!r} is not sha512")
    url = tarball_url(pkg["tarball"], registry_url)
    logger.info("downloading %s@%s from %s", name, version, url)
    data = download(url, timeout_s=timeout_s, retries=retries)
    got = sri(data)
    if got != integrity:
        raise ChecksumError(
            f"{name}@{version} from {url}: sha512 mismatch, expected {integrity}, got {got}"
        )
    if tarball_file_hashes(data) != pkg["files"]:
        raise ChecksumError(
            f"{name}@{version} from {url}: the tarball's files differ from the hashes in the lock"
        )
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    except OSError as exc:
        raise write_error(final, exc) from exc
    old: Path | None = None
    try:
        _extract(data, tmp)
        (tmp / MARKER).write_text(integrity + "\n", encoding="utf-8")
        if final.exists():  # stale or corrupt: move it aside, then swap
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old.", dir=final.parent))
            os.replace(final, old / "x")
        try:
            os.replace(tmp, final)
        except OSError:
            if not _is_verified(final, integrity):  # another process did not win the race either
                raise
    except OSError as exc:
        if isinstance(exc, (FetchError, WriteError)):
            raise
        raise write_error(final, exc) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    logger.info("verified %s@%s (%d bytes, %s...)", name, version, len(data), integrity[:19])
    return True


def fill_cache(
    cache_dir: str | os.PathLike | None = None,
    *,
    registry_url: str | None = None,
    timeout_s: float = 60.0,
    retries: int = 2,
    lock_path: str | os.PathLike | None = None,
) -> list[CachedPackage]:
    """Download, verify (sha512) and unpack every locked npm package into the cache.

    Idempotent: packages already unpacked and verified are not downloaded again. No Node or npm
    is needed; tarballs are fetched with :mod:`urllib`.

    Parameters
    ----------
    cache_dir
        Cache folder; default ``$MINUSMA_ASSET_CACHE`` or ``~/.cache/minusma/assets``.
    registry_url
        npm registry (or mirror) to download from instead of ``https://registry.npmjs.org/``;
        default ``$MINUSMA_NPM_REGISTRY``. The tarball path below the registry is kept.
    timeout_s
        Socket timeout of each request, in seconds.
    retries
        Further attempts after a network error or an HTTP 5xx answer.
    lock_path
        Lock file to use instead of the packaged ``maps/assets/lock.json``.

    Returns
    -------
    list of CachedPackage
        One entry per locked package, in lock order.

    Raises
    ------
    ParameterError
        ``timeout_s`` not above 0 or ``retries`` below 0, or a malformed lock.
    DataDirError
        The cache folder cannot be created or is not writable.
    ChecksumError
        If a tarball does not match its locked integrity (or its files the lock's hashes);
        nothing is left in the cache for it.
    FetchError
        If a tarball cannot be downloaded, is larger than :data:`TARBALL_MAX_BYTES`, or holds a
        member that would be written outside its folder.
    WriteError
        A package folder cannot be written.
    """
    if timeout_s <= 0 or retries < 0:
        raise ParameterError(
            f"timeout_s must be > 0 and retries >= 0, got {timeout_s!r} and {retries!r}"
        )
    cache = _cache(cache_dir)
    try:
        with created_folder(cache):  # a failed fill leaves no new empty folder behind
            return _fill(cache, registry_url, timeout_s, retries, lock_path)
    except WriteError as exc:
        text = str(exc).replace("cannot create folder", "cannot create the asset cache", 1)
        raise DataDirError(
            f"{text}; choose another folder with --cache DIR or $MINUSMA_ASSET_CACHE"
        ) from exc


def _fill(
    cache: Path,
    registry_url: str | None,
    timeout_s: float,
    retries: int,
    lock_path: str | os.PathLike | None,
) -> list[CachedPackage]:
    """:func:`fill_cache` in an existing folder: each package checked, and installed if need be."""
    if not os.access(cache, os.W_OK | os.X_OK):
        raise DataDirError(
            f"asset cache {cache} is not writable; choose another folder with --cache DIR "
            "or $MINUSMA_ASSET_CACHE"
        )
    out = []
    for pkg in load_lock(lock_path)["packages"]:
        path = _package_dir(cache, pkg["name"], pkg["version"])
        tampered: list[str] = []
        if _is_verified(path, pkg["integrity"]):
            tampered = _tampered(path, pkg["files"])
            if tampered:
                logger.warning(
                    "%s@%s: %s changed since it was verified; downloading the package again",
                    pkg["name"],
                    pkg["version"],
                    ", ".join(tampered),
                )
                (path / MARKER).unlink()
        fetched = _install(
            pkg, cache, registry_url=registry_url, timeout_s=timeout_s, retries=retries
        )
        out.append(
            CachedPackage(
                pkg["name"], pkg["version"], pkg["integrity"], path, fetched, tuple(tampered)
            )
        )
    logger.info("asset cache %s: %d packages verified", cache, len(out))
    return out


# --------------------------------------------------------------------------- URL -> file

_SPEC = re.compile(r"^/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.*)$")


@dataclass(frozen=True)
class _Target:
    name: str
    version: str
    path: str


def normalise_url(url: str) -> str:
    """``url`` as the lock spells it: https, lower-case host, no query string nor fragment.

    Parameters
    ----------
    url
        A CDN URL, absolute or protocol-relative (``//host/path``).

    Returns
    -------
    str
        The URL with scheme ``https`` (whatever it was), the host in lower case and the path
        unchanged.
    """
    if url.startswith("//"):
        url = "https:" + url
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("https", parts.netloc.lower(), parts.path, "", ""))


def _is_url(text: str) -> bool:
    """``text`` is a CDN URL (``http(s)://`` or protocol-relative ``//``), not a file path."""
    return text.startswith("//") or urllib.parse.urlsplit(text).scheme.lower() in ("http", "https")


def _lookup(url: str, lock: Mapping[str, Any]) -> list[_Target] | str | None:
    """Map a CDN URL to candidate package files, to a drop reason (str), or to None if unknown."""
    norm = normalise_url(url)
    exact = [a for a in lock["aliases"] if a["url"] == norm]
    prefixes = [a for a in lock["aliases"] if a["url"].endswith("/") and norm.startswith(a["url"])]
    alias = (exact or sorted(prefixes, key=lambda a: len(a["url"]), reverse=True) or [None])[0]
    if alias is not None:
        if "drop" in alias:
            return str(alias["drop"])
        return [
            _Target(alias["package"], alias["version"], alias["path"] + norm[len(alias["url"]) :])
        ]
    parts = urllib.parse.urlsplit(norm)
    host, path = parts.netloc, urllib.parse.unquote(parts.path)
    candidates: list[_Target] = []
    if host == "cdn.jsdelivr.net" and path.startswith("/npm/"):
        host, path = "unpkg.com", path[4:]
    if host == "unpkg.com" and (m := _SPEC.match(path)):
        candidates.append(_Target(*m.groups()))
    elif host == "cdnjs.cloudflare.com" and (
        m := re.match(r"^/ajax/libs/([^/]+)/([^/]+)/(.*)$", path)
    ):
        lib, ver, rest = m.groups()
        candidates += [_Target(lib.lower(), ver, rest), _Target(lib.lower(), ver, "dist/" + rest)]
    elif host == "code.jquery.com" and (m := re.match(r"^/jquery-(\d[^/]*?)(\.min)?\.js$", path)):
        candidates.append(_Target("jquery", m.group(1), f"dist/jquery{m.group(2) or ''}.js"))
    elif host.endswith("bootstrapcdn.com") and (
        m := re.match(r"^/(?:twitter-)?bootstrap/([^/]+)/(.*)$", path)
    ):
        candidates.append(_Target("bootstrap", m.group(1), "dist/" + m.group(2)))
    versions = {(p["name"], p["version"]) for p in lock["packages"]}
    return [c for c in candidates if (c.name, c.version) in versions] or None


def _file(cache: Path, target: _Target, url: str) -> Path | None:
    """The cached file of ``target`` (or its unminified form), None if the package lacks it."""
    folder = _package_dir(cache, target.name, target.version)
    if not (folder / MARKER).is_file():
        raise DataDirError(
            f"{url} needs {target.name}@{target.version}, which is not in the asset cache "
            f"{cache}; {FIX}"
        )
    rel = PurePosixPath(target.path)
    if ".." in rel.parts or rel.is_absolute():
        return None
    tries = [rel]
    for ext in (".js", ".css"):  # jsdelivr minifies on the fly: X.min.js may exist only as X.js
        if rel.name.endswith(".min" + ext):
            tries.append(rel.with_name(rel.name[: -len(".min" + ext)] + ext))
    for candidate in tries:
        path = folder.joinpath(*candidate.parts)
        if path.is_file():
            return path
    return None


class AssetCache:
    """The verified asset cache: CDN URL -> cached file, read only after its hash is checked.

    Parameters
    ----------
    path
        Cache folder; default ``$MINUSMA_ASSET_CACHE`` or ``~/.cache/minusma/assets``.
    lock_path
        Lock file to use instead of the packaged ``maps/assets/lock.json``.

    Examples
    --------
    >>> cache = AssetCache("/path/to/cache")  # doctest: +SKIP
    >>> cache.read("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")  # doctest: +SKIP
    b'/* @preserve...'
    """

    def __init__(
        self,
        path: str | os.PathLike | None = None,
        *,
        lock_path: str | os.PathLike | None = None,
    ) -> None:
        self.path = _cache(path)
        self.lock = load_lock(lock_path)
        self._lock_path = lock_path

    def check(self) -> Path:
        """Every locked package is present and verified (see :func:`check_cache`).

        Returns
        -------
        pathlib.Path
            The cache folder.

        Raises
        ------
        DataDirError
            Naming every missing or unverified package and the command that fills the cache.
        """
        return check_cache(self.path, lock_path=self._lock_path)

    def lookup(self, url: str) -> Path | str:
        """The cached file serving ``url``, or the lock's reason (a str) why it is not offline.

        Parameters
        ----------
        url
            A CDN URL (see :func:`resolve` for the forms understood).

        Returns
        -------
        pathlib.Path or str
            The cached file (not read nor checked yet), or the reason the lock gives for
            dropping the file.

        Raises
        ------
        UnknownNameError
            No locked package serves the URL, or the cached package has no such file.
        DataDirError
            The package that serves it is not in the cache.
        """
        found = _lookup(url, self.lock)
        if isinstance(found, str):
            return found
        if found is None:
            known = ", ".join(sorted(f"{p['name']}@{p['version']}" for p in self.lock["packages"]))
            raise UnknownNameError(
                f"no locked npm package serves {url}; locked: {known}. Add the package to "
                "scripts/build_asset_lock.py, rebuild maps/assets/lock.json, then " + FIX
            )
        for target in found:
            path = _file(self.path, target, url)
            if path is not None:
                return path
        where = ", ".join(f"{t.name}@{t.version}/{t.path}" for t in found)
        raise UnknownNameError(
            f"{url} maps to {where}, but the cached package has no such file; "
            "check the lock aliases"
        )

    def resolve(self, url: str) -> Path:
        """The cached file that serves a CDN URL (see :func:`resolve`).

        Parameters
        ----------
        url
            A CDN URL.

        Returns
        -------
        pathlib.Path
            The cached file (not read nor checked yet).

        Raises
        ------
        UnknownNameError
            If no locked package serves the URL, or the lock marks it as unavailable offline.
        DataDirError
            If the package that serves it is not in the cache.
        """
        found = self.lookup(url)
        if isinstance(found, str):
            raise UnknownNameError(f"{url} is not available offline: {found}")
        return found

    def read(self, url_or_path: str | os.PathLike) -> bytes:
        """The bytes of a cached file, after checking them against the lock's sha256.

        The reference is the hash shipped in the package's lock, never a list stored in the
        cache folder, which whoever changes a file can change too.

        Parameters
        ----------
        url_or_path
            A CDN URL (``http(s)://`` or ``//``), or the file's path in the cache (a ``str`` or
            any path-like object).

        Returns
        -------
        bytes
            The file's content.

        Raises
        ------
        ChecksumError
            If the file differs from the lock's hash (or the lock has none for it), saying how to
            refill the cache.
        DataDirError
            The file is not in a verified package of the cache (or, for a URL, its package is
            not cached).
        UnknownNameError
            For a URL that no locked package serves, or that is not available offline.
        """
        if isinstance(url_or_path, str) and _is_url(url_or_path):
            path = self.resolve(url_or_path).absolute()
        else:
            path = Path(url_or_path).expanduser().absolute()
        packages = self._locked_files()
        folder = next((p for p in path.parents if p in packages), None)
        if folder is None or not (folder / MARKER).is_file():
            raise DataDirError(f"{path} is not in a verified package of the asset cache; {FIX}")
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        expected = packages[folder].get(rel)
        if expected is None:
            raise ChecksumError(
                f"asset cache file {path}: the package's lock (maps/assets/lock.json) ships no "
                "hash for it, so it cannot be verified; rebuild the lock with "
                "scripts/build_asset_lock.py"
            )
        if hashlib.sha256(data).hexdigest() != expected:
            raise ChecksumError(
                f"asset cache file {path} changed since it was verified (it differs from the "
                f"hash shipped in the package's lock); refill the cache: {FIX}"
            )
        return data

    def _locked_files(self) -> dict[Path, Mapping[str, str]]:
        """Package folder (absolute) -> the lock's file hashes (every read is checked against)."""
        return {
            _package_dir(self.path.absolute(), p["name"], p["version"]): p["files"]
            for p in self.lock["packages"]
        }

    def verify(self) -> dict[str, list[str]]:
        """Every locked package whose files differ from their recorded hashes.

        Returns
        -------
        dict of str to list of str
            ``{"name@version": [files]}``: the files missing or changed, or
            ``["(package missing or unverified)"]``; empty when the whole cache is intact.
        """
        bad = {}
        for p in self.lock["packages"]:
            folder = _package_dir(self.path, p["name"], p["version"])
            if not _is_verified(folder, p["integrity"]):
                bad[f"{p['name']}@{p['version']}"] = ["(package missing or unverified)"]
            elif files := _tampered(folder, p["files"]):
                bad[f"{p['name']}@{p['version']}"] = files
        return bad


def resolve(
    url: str,
    cache_dir: str | os.PathLike | None = None,
    *,
    lock_path: str | os.PathLike | None = None,
) -> Path:
    """Return the cached file that serves a CDN URL.

    Understands ``cdn.jsdelivr.net/npm/pkg@ver/path``, ``unpkg.com/pkg@ver/path``,
    ``cdnjs.cloudflare.com/ajax/libs/lib/ver/path``, ``code.jquery.com/jquery-ver.min.js``,
    ``*.bootstrapcdn.com/bootstrap/ver/path`` and the explicit aliases of the lock; query strings
    and fragments are ignored. Read the file with :meth:`AssetCache.read`, which checks its hash.

    Parameters
    ----------
    url
        A CDN URL.
    cache_dir
        Cache folder; default :func:`default_cache_dir`.
    lock_path
        Lock file to use instead of the packaged ``maps/assets/lock.json``.

    Returns
    -------
    pathlib.Path
        The cached file (not read nor checked yet).

    Raises
    ------
    UnknownNameError
        If no locked package serves the URL, or the lock marks it as unavailable offline.
    DataDirError
        If the package that serves it is not in the cache (run ``minusma assets``).
    """
    return AssetCache(cache_dir, lock_path=lock_path).resolve(url)
