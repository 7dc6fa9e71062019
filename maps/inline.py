"""Turn a folium page into one self-contained HTML file, from the verified asset cache.

Every external ``<script src>`` and stylesheet ``<link href>`` becomes inline text; ``url(...)``
references in the CSS (images, fonts) become ``data:`` URIs. The files come from
:class:`maps.assets.AssetCache`, which checks each file's hash every time it is read (see
:mod:`maps.assets` for what is not byte-for-byte the CDN file).
"""

from __future__ import annotations

import base64
import html.parser
import json
import logging
import os
import re
import urllib.parse
from pathlib import Path, PurePosixPath

from minusma.maps.assets import AssetCache, mime_type, normalise_url

logger = logging.getLogger(__name__)

__all__ = ["inline_html"]

#: A CSS ``url(...)`` reference: its groups are the double-quoted, single-quoted, bare forms.
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.IGNORECASE)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_SRC_DECL = re.compile(r"\bsrc\s*:[^;}]*;?", re.IGNORECASE)
_SRC_ITEM = re.compile(
    r"""url\(\s*["']?([^)"']*)["']?\s*\)(?:\s*format\(\s*["']?([^)"']*)["']?\s*\))?""",
    re.IGNORECASE,
)
_FONT_RANK = {"woff2": 0, "woff": 1, "truetype": 2, "ttf": 2, "opentype": 3, "otf": 3}


def _data_uri(cache: AssetCache, path: Path) -> str:
    data = base64.b64encode(cache.read(path)).decode("ascii")
    return f"data:{mime_type(path)};base64,{data}"


_FONT_DESCRIPTORS = {
    "font-style": "style",
    "font-weight": "weight",
    "font-stretch": "stretch",
    "font-display": "display",
    "unicode-range": "unicodeRange",
    "font-feature-settings": "featureSettings",
}


class _Inliner:
    """Turns external scripts and stylesheets into inline ones, remembering what it has inlined.

    Parameters
    ----------
    cache
        The verified asset cache the files are read from.
    """

    def __init__(self, cache: AssetCache) -> None:
        self.cache = cache
        self.scripts: set[Path] = set()
        self.font_keys: dict[Path, str] = {}
        self.faces: list[tuple[str, str, dict[str, str]]] = []  # family, font key, descriptors

    def file(self, url: str) -> Path | None:
        """Cached file for ``url``; None (with a warning) if the lock drops it.

        Parameters
        ----------
        url
            The asset's URL.

        Returns
        -------
        pathlib.Path or None
            The cached file.
        """
        found = self.cache.lookup(url)
        if isinstance(found, str):
            logger.warning("dropping %s from the offline page: %s", url, found)
            return None
        return found

    def font_face(self, block: str, base: str) -> str:
        """Move an @font-face to :meth:`fonts`, keeping its most compact source (woff2 first).

        Font Awesome declares the same file under several families (v4/v5 compatibility); the
        FontFace API lets each file be embedded once.

        Parameters
        ----------
        block
            The ``@font-face`` rule.
        base
            The stylesheet's URL, against which relative references resolve.

        Returns
        -------
        str
            ``""``: the rule is queued for :meth:`fonts`, or dropped (with a warning) when none
            of its sources is cached; the block unchanged when it already holds a data URI.
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
                decls = dict(
                    re.findall(
                        r"([a-z-]+)\s*:\s*([^;}]*)", block[block.index("{") :], re.IGNORECASE
                    )
                )
                decls = {k.lower(): v.strip() for k, v in decls.items()}
                family = decls.get("font-family", "").strip("\"' ")
                descriptors = {
                    js: decls[css] for css, js in _FONT_DESCRIPTORS.items() if css in decls
                }
                self.faces.append(
                    (
                        family,
                        self.font_keys.setdefault(path, f"f{len(self.font_keys)}"),
                        descriptors,
                    )
                )
                return ""
        logger.warning(
            "dropping an @font-face of %s: none of its sources is available offline", base
        )
        return ""

    def fonts(self, emitted: set[str]) -> str:
        """A script adding the pending @font-face rules through the FontFace API.

        Parameters
        ----------
        emitted
            Font keys already in the page (updated): each file is embedded once.

        Returns
        -------
        str
            A ``<script>`` element, or ``""`` when no rule is pending.
        """
        if not self.faces:
            return ""
        data = {
            key: _data_uri(self.cache, path)
            for path, key in self.font_keys.items()
            if key not in emitted
        }
        emitted.update(data)
        faces, self.faces = self.faces, []
        return (
            "<script>(function () {\nvar d = window.__minusmaFonts = window.__minusmaFonts || {};\n"
            + "".join(f"d[{json.dumps(k)}] = {json.dumps(v)};\n" for k, v in data.items())
            + f"{json.dumps(faces)}.forEach(function (f) {{\n"
            + "  document.fonts.add(new FontFace(f[0], 'url(' + d[f[1]] + ')', "
            "f[2]));\n});\n})();</script>"
        )

    def css(self, text: str, base: str) -> str:
        """Inline the images a stylesheet refers to as data URIs; move its fonts to :meth:`fonts`.

        Parameters
        ----------
        text
            The stylesheet.
        base
            Its URL, against which relative references resolve.

        Returns
        -------
        str
            The stylesheet with data URIs (``none`` for a dropped file).
        """
        text = _FONT_FACE.sub(lambda m: self.font_face(m.group(0), base), text)

        def url(m: re.Match[str]) -> str:
            ref = next(g for g in m.groups() if g is not None)
            if not ref or ref.startswith(("data:", "#")):
                return m.group(0)
            path = self.file(urllib.parse.urljoin(base, ref))
            return "none" if path is None else f'url("{_data_uri(self.cache, path)}")'

        return CSS_URL.sub(url, text).replace("</style", "<\\/style")

    def icon_defaults(self, leaflet_js: Path) -> str:
        """A script pointing ``L.Icon.Default`` at data URIs (Leaflet finds them from CSS URLs).

        Parameters
        ----------
        leaflet_js
            The cached ``leaflet.js`` (its ``images/`` folder holds the icons).

        Returns
        -------
        str
            A ``<script>`` element, or ``""`` when the images are not cached.
        """
        images = leaflet_js.parent / "images"
        names = {
            "iconUrl": "marker-icon.png",
            "iconRetinaUrl": "marker-icon-2x.png",
            "shadowUrl": "marker-shadow.png",
        }
        if not all((images / n).is_file() for n in names.values()):
            return ""
        opts = json.dumps({k: _data_uri(self.cache, images / n) for k, n in names.items()})
        return (
            f"<script>L.Icon.Default.imagePath = '';\nL.Icon.Default.mergeOptions({opts});</script>"
        )

    def script(self, url: str) -> str:
        path = self.file(url)
        if path is None:
            return f"<!-- minusma: {_comment(url)} is not available offline -->"
        if path in self.scripts:  # e.g. jQuery from both code.jquery.com and cdnjs
            logger.info("%s is the same file as a script already inlined; left out", url)
            return f"<!-- minusma: {_comment(url)} already inlined -->"
        self.scripts.add(path)
        js = self.cache.read(path).decode("utf-8")
        if re.search(r"</script|<!--", js, re.IGNORECASE):  # cannot be inlined as text safely
            encoded = base64.b64encode(js.encode()).decode()
            tag = f'<script src="data:text/javascript;base64,{encoded}"></script>'
        else:
            tag = f"<!-- {_comment(url)} -->\n<script>{js}\n</script>"
        if path.name in ("leaflet.js", "leaflet-src.js") and path.parent.name == "dist":
            tag += "\n" + self.icon_defaults(path)
        return tag

    def stylesheet(self, url: str, emitted_fonts: set[str]) -> str:
        path = self.file(url)
        if path is None:
            return f"<!-- minusma: {_comment(url)} is not available offline -->"
        css = self.css(self.cache.read(path).decode("utf-8"), normalise_url(url))
        return f"<!-- {_comment(url)} -->\n<style>{css}\n</style>" + self.fonts(emitted_fonts)


def _comment(url: str) -> str:
    return url.replace("--", "%2D%2D")


def _external(url: str | None) -> bool:
    return url is not None and re.match(r"^(?:https?:)?//", url, re.IGNORECASE) is not None


class _TagFinder(html.parser.HTMLParser):
    """Record the character spans of external ``<script src>`` and stylesheet ``<link>`` tags.

    Parameters
    ----------
    text
        The page (also fed to the parser), for turning line and column into offsets.
    """

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
        elif (
            tag == "link"
            and _external(a.get("href"))
            and "stylesheet" in (a.get("rel") or "").lower().split()
        ):
            self.spans.append((start, end, "css", a["href"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            start, url = self._script
            end = self.text.index(">", self._offset()) + 1
            self.spans.append((start, end, "js", url))
            self._script = None


def inline_html(
    html_text: str,
    cache_dir: str | os.PathLike | None = None,
    *,
    lock_path: str | os.PathLike | None = None,
) -> str:
    """Return ``html_text`` as one self-contained page that needs no network.

    Every external ``<script src>`` and stylesheet ``<link href>`` is replaced by the cached file's
    content; ``url(...)`` references in the CSS (fonts, marker and control images) become ``data:``
    URIs, keeping one font format per ``@font-face`` (woff2 first); Leaflet's default marker icon is
    set to data URIs. Files the lock marks as unavailable offline are dropped with a logged warning.
    Map tiles are not assets: a tile layer still needs a connection (or a local tile source).

    Parameters
    ----------
    html_text
        The page, as :func:`maps.build.map_html` renders it.
    cache_dir
        The asset cache folder (default ``$MINUSMA_ASSET_CACHE`` or ``~/.cache/minusma/assets``).
    lock_path
        The asset lock file; default the package's ``maps/assets/lock.json``.

    Returns
    -------
    str
        The self-contained page.

    Raises
    ------
    UnknownNameError
        If a referenced URL is not served by any locked package.
    DataDirError
        If the cache lacks a package the page needs (run ``minusma assets``).
    ChecksumError
        If a cached file changed since it was verified (refill with ``minusma assets``).
    """
    finder = _TagFinder(html_text)
    finder.feed(html_text)
    finder.close()
    inliner = _Inliner(AssetCache(cache_dir, lock_path=lock_path))
    out: list[str] = []
    pos = 0
    fonts: set[str] = set()
    for start, end, kind, url in sorted(finder.spans):
        out.append(html_text[pos:start])
        out.append(inliner.script(url) if kind == "js" else inliner.stylesheet(url, fonts))
        pos = end
    out.append(html_text[pos:])
    logger.info("inlined %d external assets", len(finder.spans))
    return "".join(out)
