#!/usr/bin/env python
"""Regenerate ``maps/assets/lock.json``: the npm packages behind every CDN URL our folium maps load.

The (package, version) pairs are read from the HTML that the installed folium actually renders
with the plugins we use (never typed by hand): ``cdn.jsdelivr.net/npm/pkg@ver/...`` and
``unpkg.com/pkg@ver/...`` name them directly; the other CDNs (cdnjs, code.jquery.com, netdna) go
through :data:`ALIASES` below, which also records the files no npm package ships (dropped).

For each pair the registry's version document gives the tarball URL and its sha512 ``integrity``.
The script then fills a scratch cache from the new lock (checking every integrity), resolves
every URL and every ``url(...)`` inside the stylesheets, and writes the lock only if all of them
resolve. Usage::

    python scripts/build_asset_lock.py [--registry URL] [--package NAME@VERSION ...] [--output PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minusma.geo.io import write_json  # noqa: E402 (after the sys.path insert above)
from minusma.maps import assets  # noqa: E402
from minusma.maps.inline import CSS_URL  # noqa: E402

logger = logging.getLogger("build_asset_lock")

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"
_NETDNA = "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/"

#: CDN URLs (exact, or prefixes ending in "/") that are not of the form pkg@ver/path, and the npm
#: file that serves them. ``drop`` marks files that neither the folium wheel nor any npm package
#: ships; the inliner leaves them out with a warning.
ALIASES: list[dict[str, str]] = [
    {
        "url": "https://code.jquery.com/jquery-3.7.1.min.js",
        "package": "jquery",
        "version": "3.7.1",
        "path": "dist/jquery.min.js",
    },
    {"url": _CDNJS + "jquery/3.7.1/", "package": "jquery", "version": "3.7.1", "path": "dist/"},
    {
        "url": _CDNJS + "Leaflet.awesome-markers/2.0.2/",
        "package": "leaflet.awesome-markers",
        "version": "2.0.5",
        "path": "dist/",
        "note": "2.0.2 is a GitHub tag, not on npm; npm 2.0.0, 2.0.4 and 2.0.5 ship "
        "byte-identical dist/ files (internal version string '2.0.1', as in the tag)",
    },
    {
        "url": _CDNJS + "leaflet.markercluster/1.1.0/",
        "package": "leaflet.markercluster",
        "version": "1.1.0",
        "path": "dist/",
    },
    {"url": _CDNJS + "moment.js/2.18.1/", "package": "moment", "version": "2.18.1", "path": "min/"},
    {
        "url": _CDNJS + "highlight.js/8.4/styles/default.min.css",
        "package": "highlight.js",
        "version": "8.4.0",
        "path": "styles/default.css",
        "note": "npm ships the unminified stylesheet; cdnjs minified it",
    },
    {
        "url": _NETDNA + "fonts/",
        "package": "bootstrap",
        "version": "3.4.1",
        "path": "dist/fonts/",
        "note": "Glyphicons Halflings font for the TimestampedGeoJson buttons "
        "(leaflet-timedimension CSS); bootstrap 3.0.0 is not on npm, 3.4.1 ships the same "
        "font family and codepoints",
    },
    {
        "url": _NETDNA + "css/bootstrap-glyphicons.css",
        "drop": "bootstrap 3.0.0's standalone glyphicons stylesheet is on no npm package nor in "
        "the folium wheel; folium.Icon glyphs with prefix='glyphicon' are blank offline, "
        "use prefix='fa'",
    },
    {
        "url": "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
        "drop": "served from folium's git repository, not shipped in the folium wheel nor on npm; "
        "folium.Icon(angle=...) is not rotated offline",
    },
    {
        "url": _CDNJS + "jqueryui/1.10.2/jquery-ui.min.js",
        "drop": "jQuery UI 1.10.2 is not on npm as a browser build (jquery-ui 1.10.4 there is "
        "CommonJS); TimestampedGeoJson and leaflet-timedimension 1.1.1 do not call it",
    },
]


def _maps_html() -> list[str]:
    """Render a folium map with every plugin the package uses; return the HTML pages."""
    import folium
    from folium import plugins

    point = {
        "type": "Feature",
        "properties": {"name": "a", "times": ["2023-07-01"]},
        "geometry": {"type": "Point", "coordinates": [0.0, 15.0]},
    }
    fc = {"type": "FeatureCollection", "features": [point]}
    m = folium.Map(location=[15.0, 0.0], zoom_start=5)
    folium.Marker([15.0, 0.0], icon=folium.Icon()).add_to(m)
    folium.Marker([15.0, 1.0], icon=folium.Icon(prefix="fa", icon="flag", angle=45)).add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker([15.0, 0.5]).add_to(cluster)
    plugins.FastMarkerCluster([[15.0, 0.0], [16.0, 1.0]]).add_to(m)
    group = folium.FeatureGroup("group").add_to(m)
    plugins.FeatureGroupSubGroup(group, "sub").add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.Search(folium.GeoJson(fc).add_to(m), search_label="name").add_to(m)
    plugins.TimestampedGeoJson(fc).add_to(m)
    folium.LayerControl().add_to(m)
    return [m.get_root().render()]


def folium_urls() -> list[str]:
    """Every external ``<script src>`` and ``<link href>`` of the rendered maps, sorted."""
    urls: set[str] = set()
    for page in _maps_html():
        urls.update(
            re.findall(
                r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']((?:https?:)?//[^"']+)""", page
            )
        )
    return sorted(urls)


def pairs_from(urls: list[str], extra: list[str]) -> list[tuple[str, str]]:
    """(package, version) pairs named by jsdelivr/unpkg URLs, by the aliases and by ``extra``."""
    found = set()
    for url in urls:
        parts = urllib.parse.urlsplit(url if not url.startswith("//") else "https:" + url)
        path = (
            parts.path[4:]
            if parts.netloc == "cdn.jsdelivr.net" and parts.path.startswith("/npm/")
            else parts.path
        )
        if parts.netloc in ("cdn.jsdelivr.net", "unpkg.com") and (m := assets._SPEC.match(path)):
            found.add((m.group(1), m.group(2)))
    found |= {(a["package"], a["version"]) for a in ALIASES if "package" in a}
    for spec in extra:
        name, _, version = spec.rpartition("@")
        if not name or not version:
            raise SystemExit(f"--package expects NAME@VERSION, got {spec!r}")
        found.add((name, version))
    return sorted(found)


def registry_entry(name: str, version: str, registry: str) -> dict[str, str]:
    """Tarball URL and sha512 integrity of ``name@version`` from the registry's version document."""
    url = (
        registry.rstrip("/")
        + "/"
        + urllib.parse.quote(name, safe="@/")
        + "/"
        + urllib.parse.quote(version)
    )
    with urllib.request.urlopen(url, timeout=60) as resp:
        doc = json.load(resp)
    dist = doc.get("dist", {})
    if not str(dist.get("integrity", "")).startswith("sha512-"):
        raise SystemExit(f"{name}@{version}: the registry publishes no sha512 integrity ({dist})")
    tarball = dist["tarball"]
    if not tarball.startswith(registry):
        raise SystemExit(f"{name}@{version}: tarball {tarball} is not under {registry}")
    return {
        "name": name,
        "version": version,
        "tarball": assets.DEFAULT_REGISTRY_URL + tarball[len(registry) :].lstrip("/"),
        "integrity": dist["integrity"],
    }


def check_urls(urls: list[str], lock_path: Path, cache: Path) -> dict[str, str]:
    """Resolve each URL and each ``url(...)`` of the stylesheets; fail on any that does not."""
    cached = assets.AssetCache(cache, lock_path=lock_path)
    checked: dict[str, str] = {}
    todo = list(urls)
    while todo:
        url = todo.pop()
        norm = assets.normalise_url(url)
        if norm in checked:
            continue
        found = cached.lookup(url)  # raises on unknown URLs and missing files
        if isinstance(found, str):
            checked[norm] = "dropped: " + found
            continue
        checked[norm] = found.relative_to(cached.path).as_posix()
        if found.suffix == ".css":
            for groups in CSS_URL.findall(found.read_text(encoding="utf-8")):
                ref = next((g for g in groups if g), "")
                if ref and not ref.startswith(("data:", "#")):
                    todo.append(urllib.parse.urljoin(norm, ref))
    return dict(sorted(checked.items()))


def add_file_hashes(lock: dict[str, Any], registry: str) -> None:
    """Add to each package of ``lock`` the sha256 of every file of its tarball (``files``), after
    checking the tarball against the package's sha512 integrity: the hashes the asset cache checks
    every read against (:meth:`maps.assets.AssetCache.read`)."""
    for pkg in lock["packages"]:
        url = assets.tarball_url(pkg["tarball"], registry)
        data = assets.download(url, timeout_s=60.0, retries=2)
        if assets.sri(data) != pkg["integrity"]:
            raise SystemExit(f"{pkg['name']}@{pkg['version']}: {url} does not match its integrity")
        pkg["files"] = assets.tarball_file_hashes(data)
        logger.info("%s@%s: %d file hashes", pkg["name"], pkg["version"], len(pkg["files"]))


def main(argv: list[str] | None = None) -> int:
    """Build the lock; return the exit code."""
    import folium

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", default=assets.DEFAULT_REGISTRY_URL, help="npm registry URL")
    parser.add_argument("--package", action="append", default=[], help="extra NAME@VERSION to lock")
    parser.add_argument("--output", type=Path, default=ROOT / "maps" / "assets" / "lock.json")
    parser.add_argument(
        "--file-hashes-only",
        action="store_true",
        help="only (re)write the file hashes of the packages already in --output",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    registry = args.registry if args.registry.endswith("/") else args.registry + "/"
    if args.file_hashes_only:
        lock = json.loads(args.output.read_text(encoding="utf-8"))
        add_file_hashes(lock, registry)
        write_json(lock, args.output)
        return 0

    urls = folium_urls()
    logger.info("folium %s emits %d asset URLs", folium.__version__, len(urls))
    packages = [
        registry_entry(name, version, registry) for name, version in pairs_from(urls, args.package)
    ]
    lock: dict[str, Any] = {
        "lock_version": 1,
        "generated_by": "scripts/build_asset_lock.py",
        "folium": folium.__version__,
        "registry": assets.DEFAULT_REGISTRY_URL,
        "packages": packages,
        "aliases": ALIASES,
    }
    add_file_hashes(lock, registry)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "lock.json"
        draft.write_text(json.dumps(lock), encoding="utf-8")
        cache = Path(tmp) / "cache"
        assets.fill_cache(cache, registry_url=registry, lock_path=draft)
        lock["checked_urls"] = check_urls(urls, draft, cache)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_json(lock, args.output)
    for name, version in ((p["name"], p["version"]) for p in packages):
        print(f"{name}@{version}")
    logger.info(
        "wrote %s: %d packages, %d URLs checked",
        args.output,
        len(packages),
        len(lock["checked_urls"]),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
