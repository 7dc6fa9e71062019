"""A verified local cache of the JS/CSS/font assets that folium maps load from CDNs.

A folium page asks CDNs (jsdelivr, cdnjs, unpkg, code.jquery.com, bootstrapcdn) for Leaflet,
jQuery, Bootstrap, Font Awesome and plugin files. Field teams often have no connection, and
tests run offline, so this module keeps the same files, taken from the npm registry and checked
against the sha512 ``integrity`` npm publishes, in a local cache:

- :func:`fill_cache` downloads every package of the lock file ``maps/assets/lock.json`` (written
  by ``scripts/build_asset_lock.py``), verifies it and unpacks it atomically;
- :func:`resolve` maps a CDN URL to the file in the cache;
- :func:`inline_html` turns a folium page into one self-contained HTML file.

The cache holds one folder per package, ``<cache>/<name>@<version>/``, with the content of the
npm tarball and a ``.integrity`` file naming the verified tarball.

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
import functools
import hashlib
import html.parser
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

from geo._errors import ChecksumError, DataDirError, FetchError, ParameterError, UnknownNameError

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_REGISTRY_URL",
    "CachedPackage",
    "check_cache",
    "default_cache_dir",
    "fill_cache",
    "inline_html",
    "load_lock",
    "resolve",
]

#: Registry the lock's tarball URLs point at; ``registry_url`` swaps this prefix for a mirror.
DEFAULT_REGISTRY_URL = "https://registry.npmjs.org/"

#: Name of the file, inside each cached package folder, that holds the verified integrity.
MARKER = ".integrity"

#: Wait before the n-th retry of a download: n times this, in seconds (at most 10 s).
RETRY_WAIT_S = 2.0

#: The command that fills the cache, quoted in error messages.
FIX = "run `minusma assets --cache DIR` (or maps.assets.fill_cache(DIR))"

_MIME = {
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
    """

    name: str
    version: str
    integrity: str
    path: Path
    downloaded: bool


def default_cache_dir() -> Path:
    """Return ``$MINUSMA_ASSET_CACHE`` or ``~/.cache/minusma/assets`` (read at call time)."""
    env = os.environ.get("MINUSMA_ASSET_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "minusma" / "assets"


def _cache(cache_dir: str | os.PathLike | None) -> Path:
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()


@functools.lru_cache(maxsize=8)
def _read_lock(path: str | None) -> dict[str, Any]:
    if path is None:
        text = importlib.resources.files("maps").joinpath("assets/lock.json").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    lock = json.loads(text)
    problems = [k for k in ("packages", "aliases") if not isinstance(lock.get(k), list)]
    problems += [
        f"package {p!r} lacks name/version/tarball/integrity"
        for p in lock.get("packages", [])
        if not all(isinstance(p.get(k), str) for k in ("name", "version", "tarball", "integrity"))
    ]
    if problems:
        raise ParameterError(f"asset lock {path or 'maps/assets/lock.json'} is malformed: {'; '.join(problems)}")
    return lock


def load_lock(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read the asset lock (the packaged ``maps/assets/lock.json`` when ``path`` is None).

    Returns
    -------
    dict
        ``packages`` (name, version, tarball, integrity), ``aliases`` (CDN URL or URL prefix ->
        package file, or ``drop`` with the reason the file is not available offline) and
        ``checked_urls`` (every URL folium emitted when the lock was built, and its file).
    """
    return _read_lock(None if path is None else str(Path(path).resolve()))


def _package_dir(cache: Path, name: str, version: str) -> Path:
    return cache.joinpath(*name.split("/")[:-1], f"{name.split('/')[-1]}@{version}")


def _is_verified(folder: Path, integrity: str) -> bool:
    marker = folder / MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == integrity


def check_cache(cache_dir: str | os.PathLike | None = None, *, lock_path: str | os.PathLike | None = None) -> Path:
    """Check that every locked package is in the cache; return the cache folder.

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


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _tarball_url(tarball: str, registry_url: str | None) -> str:
    registry = registry_url or os.environ.get("MINUSMA_NPM_REGISTRY")
    if not registry or not tarball.startswith(DEFAULT_REGISTRY_URL):
        return tarball
    return registry.rstrip("/") + "/" + tarball[len(DEFAULT_REGISTRY_URL) :]


def _download(url: str, *, timeout_s: float, retries: int) -> bytes:
    last: Exception | None = None
    for attempt in range(1, retries + 2):
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as resp:
                return resp.read()
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
                raise FetchError(f"npm tarball member {member.name!r} would be written outside {dest}")
            member.name = str(rel)
            members.append(member)
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: also strips modes and owners
            tar.extractall(dest, members=members, filter="data")
        else:  # pragma: no cover - names checked above; links and devices were skipped
            tar.extractall(dest, members=members)


def _install(pkg: Mapping[str, str], cache: Path, *, registry_url: str | None, timeout_s: float, retries: int) -> bool:
    """Download, verify and unpack one package; return False if it was already cached."""
    name, version, integrity = pkg["name"], pkg["version"], pkg["integrity"]
    final = _package_dir(cache, name, version)
    if _is_verified(final, integrity):
        logger.info("%s@%s already cached and verified", name, version)
        return False
    if not integrity.startswith("sha512-"):
        raise ChecksumError(f"{name}@{version}: lock integrity {integrity!r} is not sha512")
    url = _tarball_url(pkg["tarball"], registry_url)
    logger.info("downloading %s@%s from %s", name, version, url)
    data = _download(url, timeout_s=timeout_s, retries=retries)
    got = _sri(data)
    if got != integrity:
        raise ChecksumError(f"{name}@{version} from {url}: sha512 mismatch, expected {integrity}, got {got}")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
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
    ChecksumError
        If a tarball does not match its locked integrity; nothing is left in the cache for it.
    FetchError
        If a tarball cannot be downloaded.
    """
    if timeout_s <= 0 or retries < 0:
        raise ParameterError(f"timeout_s must be > 0 and retries >= 0, got {timeout_s!r} and {retries!r}")
    cache = _cache(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for pkg in load_lock(lock_path)["packages"]:
        fetched = _install(pkg, cache, registry_url=registry_url, timeout_s=timeout_s, retries=retries)
        path = _package_dir(cache, pkg["name"], pkg["version"])
        out.append(CachedPackage(pkg["name"], pkg["version"], pkg["integrity"], path, fetched))
    logger.info("asset cache %s: %d packages verified", cache, len(out))
    return out


# --------------------------------------------------------------------------- URL -> file

_SPEC = re.compile(r"^/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.*)$")


@dataclass(frozen=True)
class _Target:
    name: str
    version: str
    path: str


def _normalise(url: str) -> str:
    if url.startswith("//"):
        url = "https:" + url
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("https", parts.netloc.lower(), parts.path, "", ""))


def _lookup(url: str, lock: Mapping[str, Any]) -> list[_Target] | str | None:
    """Map a CDN URL to candidate package files, to a drop reason (str), or to None if unknown."""
    norm = _normalise(url)
    exact = [a for a in lock["aliases"] if a["url"] == norm]
    prefixes = [a for a in lock["aliases"] if a["url"].endswith("/") and norm.startswith(a["url"])]
    alias = (exact or sorted(prefixes, key=lambda a: len(a["url"]), reverse=True) or [None])[0]
    if alias is not None:
        if "drop" in alias:
            return str(alias["drop"])
        return [_Target(alias["package"], alias["version"], alias["path"] + norm[len(alias["url"]) :])]
    parts = urllib.parse.urlsplit(norm)
    host, path = parts.netloc, urllib.parse.unquote(parts.path)
    candidates: list[_Target] = []
    if host == "cdn.jsdelivr.net" and path.startswith("/npm/"):
        host, path = "unpkg.com", path[4:]
    if host == "unpkg.com" and (m := _SPEC.match(path)):
        candidates.append(_Target(*m.groups()))
    elif host == "cdnjs.cloudflare.com" and (m := re.match(r"^/ajax/libs/([^/]+)/([^/]+)/(.*)$", path)):
        lib, ver, rest = m.groups()
        candidates += [_Target(lib.lower(), ver, rest), _Target(lib.lower(), ver, "dist/" + rest)]
    elif host == "code.jquery.com" and (m := re.match(r"^/jquery-(\d[^/]*?)(\.min)?\.js$", path)):
        candidates.append(_Target("jquery", m.group(1), f"dist/jquery{m.group(2) or ''}.js"))
    elif host.endswith("bootstrapcdn.com") and (m := re.match(r"^/(?:twitter-)?bootstrap/([^/]+)/(.*)$", path)):
        candidates.append(_Target("bootstrap", m.group(1), "dist/" + m.group(2)))
    versions = {(p["name"], p["version"]) for p in lock["packages"]}
    return [c for c in candidates if (c.name, c.version) in versions] or None


def _file(cache: Path, target: _Target, url: str) -> Path | None:
    folder = _package_dir(cache, target.name, target.version)
    if not (folder / MARKER).is_file():
        raise DataDirError(f"{url} needs {target.name}@{target.version}, which is not in the asset cache {cache}; {FIX}")
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


def _resolve(url: str, cache: Path, lock: Mapping[str, Any]) -> Path | str:
    found = _lookup(url, lock)
    if isinstance(found, str):
        return found
    if found is None:
        known = ", ".join(sorted(f"{p['name']}@{p['version']}" for p in lock["packages"]))
        raise UnknownNameError(
            f"no locked npm package serves {url}; locked: {known}. Add the package to "
            "scripts/build_asset_lock.py, rebuild maps/assets/lock.json, then " + FIX
        )
    for target in found:
        path = _file(cache, target, url)
        if path is not None:
            return path
    where = ", ".join(f"{t.name}@{t.version}/{t.path}" for t in found)
    raise UnknownNameError(f"{url} maps to {where}, but the cached package has no such file; check the lock aliases")


def resolve(url: str, cache_dir: str | os.PathLike | None = None, *, lock_path: str | os.PathLike | None = None) -> Path:
    """Return the cached file that serves a CDN URL.

    Understands ``cdn.jsdelivr.net/npm/pkg@ver/path``, ``unpkg.com/pkg@ver/path``,
    ``cdnjs.cloudflare.com/ajax/libs/lib/ver/path``, ``code.jquery.com/jquery-ver.min.js``,
    ``*.bootstrapcdn.com/bootstrap/ver/path`` and the explicit aliases of the lock; query strings
    and fragments are ignored.

    Raises
    ------
    UnknownNameError
        If no locked package serves the URL, or the lock marks it as unavailable offline.
    DataDirError
        If the package that serves it is not in the cache (run ``minusma assets``).
    """
    lock = load_lock(lock_path)
    found = _resolve(url, _cache(cache_dir), lock)
    if isinstance(found, str):
        raise UnknownNameError(f"{url} is not available offline: {found}")
    return found


# --------------------------------------------------------------------------- inlining

_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.IGNORECASE)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_SRC_DECL = re.compile(r"\bsrc\s*:[^;}]*;?", re.IGNORECASE)
_SRC_ITEM = re.compile(r"""url\(\s*["']?([^)"']*)["']?\s*\)(?:\s*format\(\s*["']?([^)"']*)["']?\s*\))?""", re.IGNORECASE)
_FONT_RANK = {"woff2": 0, "woff": 1, "truetype": 2, "ttf": 2, "opentype": 3, "otf": 3}


def _mime(path: Path) -> str:
    return _MIME.get(path.suffix.lower(), "application/octet-stream")


def _data_uri(path: Path) -> str:
    return f"data:{_mime(path)};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


_FONT_DESCRIPTORS = {
    "font-style": "style",
    "font-weight": "weight",
    "font-stretch": "stretch",
    "font-display": "display",
    "unicode-range": "unicodeRange",
    "font-feature-settings": "featureSettings",
}


class _Inliner:
    """Turns external scripts and stylesheets into inline ones, remembering what it has inlined."""

    def __init__(self, cache: Path, lock: Mapping[str, Any]) -> None:
        self.cache, self.lock = cache, lock
        self.scripts: set[Path] = set()
        self.font_keys: dict[Path, str] = {}
        self.faces: list[tuple[str, str, dict[str, str]]] = []  # family, font key, descriptors

    def file(self, url: str) -> Path | None:
        """Cached file for ``url``; None (with a warning) if the lock drops it."""
        found = _resolve(url, self.cache, self.lock)
        if isinstance(found, str):
            logger.warning("dropping %s from the offline page: %s", url, found)
            return None
        return found

    def font_face(self, block: str, base: str) -> str:
        """Move an @font-face to :meth:`fonts`, keeping its most compact source (woff2 first).

        Font Awesome declares the same file under several families (v4/v5 compatibility); the
        FontFace API lets each file be embedded once.
        """
        items = []
        for decl in _SRC_DECL.findall(block):
            for ref, fmt in _SRC_ITEM.findall(decl):
                ext = PurePosixPath(urllib.parse.urlsplit(ref).path).suffix.lstrip(".").lower()
                items.append((_FONT_RANK.get((fmt or ext).lower(), 9), ref))
        if any(ref.startswith("data:") for _, ref in items):
            return block
        for _, ref in sorted(items, key=lambda item: item[0]):
            path = self.file(urllib.parse.urljoin(base, ref))
            if path is not None:
                decls = dict(re.findall(r"([a-z-]+)\s*:\s*([^;}]*)", block[block.index("{") :], re.IGNORECASE))
                decls = {k.lower(): v.strip() for k, v in decls.items()}
                family = decls.get("font-family", "").strip("\"' ")
                descriptors = {js: decls[css] for css, js in _FONT_DESCRIPTORS.items() if css in decls}
                self.faces.append((family, self.font_keys.setdefault(path, f"f{len(self.font_keys)}"), descriptors))
                return ""
        logger.warning("dropping an @font-face of %s: none of its sources is available offline", base)
        return ""

    def fonts(self, emitted: set[str]) -> str:
        """A script adding the pending @font-face rules through the FontFace API."""
        if not self.faces:
            return ""
        data = {key: _data_uri(path) for path, key in self.font_keys.items() if key not in emitted}
        emitted.update(data)
        faces, self.faces = self.faces, []
        return (
            "<script>(function () {\nvar d = window.__minusmaFonts = window.__minusmaFonts || {};\n"
            + "".join(f"d[{json.dumps(k)}] = {json.dumps(v)};\n" for k, v in data.items())
            + f"{json.dumps(faces)}.forEach(function (f) {{\n"
            + "  document.fonts.add(new FontFace(f[0], 'url(' + d[f[1]] + ')', f[2]));\n});\n})();</script>"
        )

    def css(self, text: str, base: str) -> str:
        """Inline the images a stylesheet refers to as data URIs; move its fonts to :meth:`fonts`."""
        text = _FONT_FACE.sub(lambda m: self.font_face(m.group(0), base), text)

        def url(m: re.Match[str]) -> str:
            ref = next(g for g in m.groups() if g is not None)
            if not ref or ref.startswith(("data:", "#")):
                return m.group(0)
            path = self.file(urllib.parse.urljoin(base, ref))
            return "none" if path is None else f'url("{_data_uri(path)}")'

        return _CSS_URL.sub(url, text).replace("</style", "<\\/style")

    def icon_defaults(self, leaflet_js: Path) -> str:
        """A script pointing ``L.Icon.Default`` at data URIs (Leaflet finds them from CSS URLs)."""
        images = leaflet_js.parent / "images"
        names = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png", "shadowUrl": "marker-shadow.png"}
        if not all((images / n).is_file() for n in names.values()):
            return ""
        opts = json.dumps({k: _data_uri(images / n) for k, n in names.items()})
        return f"<script>L.Icon.Default.imagePath = '';\nL.Icon.Default.mergeOptions({opts});</script>"

    def script(self, url: str) -> str:
        path = self.file(url)
        if path is None:
            return f"<!-- minusma: {_comment(url)} is not available offline -->"
        if path in self.scripts:  # e.g. jQuery from both code.jquery.com and cdnjs
            logger.info("%s is the same file as a script already inlined; left out", url)
            return f"<!-- minusma: {_comment(url)} already inlined -->"
        self.scripts.add(path)
        js = path.read_text(encoding="utf-8")
        if re.search(r"</script|<!--", js, re.IGNORECASE):  # cannot be inlined as text safely
            tag = f'<script src="data:text/javascript;base64,{base64.b64encode(js.encode()).decode()}"></script>'
        else:
            tag = f"<!-- {_comment(url)} -->\n<script>{js}\n</script>"
        if path.name in ("leaflet.js", "leaflet-src.js") and path.parent.name == "dist":
            tag += "\n" + self.icon_defaults(path)
        return tag

    def stylesheet(self, url: str, emitted_fonts: set[str]) -> str:
        path = self.file(url)
        if path is None:
            return f"<!-- minusma: {_comment(url)} is not available offline -->"
        css = self.css(path.read_text(encoding="utf-8"), _normalise(url))
        return f"<!-- {_comment(url)} -->\n<style>{css}\n</style>" + self.fonts(emitted_fonts)


def _comment(url: str) -> str:
    return url.replace("--", "%2D%2D")


def _external(url: str | None) -> bool:
    return bool(url) and re.match(r"^(?:https?:)?//", url, re.IGNORECASE) is not None


class _TagFinder(html.parser.HTMLParser):
    """Record the character spans of external ``<script src>`` and stylesheet ``<link>`` tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.text = text
        self.spans: list[tuple[int, int, str, str]] = []  # start, end, kind, url
        self._script: tuple[int, str] | None = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v for k, v in attrs}
        start = self._offset()
        end = start + len(self.get_starttag_text() or "")
        if tag == "script" and _external(a.get("src")):
            self._script = (start, a["src"] or "")
        elif tag == "link" and _external(a.get("href")) and "stylesheet" in (a.get("rel") or "").lower().split():
            self.spans.append((start, end, "css", a["href"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            start, url = self._script
            end = self.text.index(">", self._offset()) + 1
            self.spans.append((start, end, "js", url))
            self._script = None


def inline_html(html_text: str, cache_dir: str | os.PathLike | None = None, *, lock_path: str | os.PathLike | None = None) -> str:
    """Return ``html_text`` as one self-contained page that needs no network.

    Every external ``<script src>`` and stylesheet ``<link href>`` is replaced by the cached file's
    content; ``url(...)`` references in the CSS (fonts, marker and control images) become ``data:``
    URIs, keeping one font format per ``@font-face`` (woff2 first); Leaflet's default marker icon is
    set to data URIs. Files the lock marks as unavailable offline are dropped with a logged warning.
    Map tiles are not assets: a tile layer still needs a connection (or a local tile source).

    Raises
    ------
    UnknownNameError
        If a referenced URL is not served by any locked package.
    DataDirError
        If the cache lacks a package the page needs (run ``minusma assets``).
    """
    finder = _TagFinder(html_text)
    finder.feed(html_text)
    finder.close()
    inliner = _Inliner(_cache(cache_dir), load_lock(lock_path))
    out, pos, fonts = [], 0, set()
    for start, end, kind, url in sorted(finder.spans):
        out.append(html_text[pos:start])
        out.append(inliner.script(url) if kind == "js" else inliner.stylesheet(url, fonts))
        pos = end
    out.append(html_text[pos:])
    logger.info("inlined %d external assets", len(finder.spans))
    return "".join(out)


if __name__ == "__main__":  # `python -m maps.assets [--cache DIR] [--registry URL]` == `minusma -v assets ...`
    import sys

    from maps.cli.main import cli

    cli(["-v", "assets", *sys.argv[1:]], prog_name="python -m maps.assets")
