"""The asset cache: lock, download and verification, CDN URL -> file, offline inlining.

Tests that read real npm files need the cache filled by ``scripts/setup-test-env`` (or
``minusma assets --cache .cache/assets``); they fail, never skip, when it is missing.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import http.server
import io
import json
import logging
import os
import re
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import folium
import pytest
from click.testing import CliRunner
from folium import plugins

from minusma.geo._errors import (
    ChecksumError,
    DataDirError,
    FetchError,
    ParameterError,
    UnknownNameError,
)
from minusma.maps import assets, inline

ROOT = Path(__file__).resolve().parents[1]


def _plugin_map() -> folium.Map:
    """A map using every plugin whose assets are locked."""
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Gao", "times": ["2023-12-31"]},
                "geometry": {"type": "Point", "coordinates": [-0.04, 16.27]},
            }
        ],
    }
    m = folium.Map(location=[16.27, -0.04], zoom_start=6)
    folium.Marker([16.27, -0.04]).add_to(m)
    folium.Marker([16.77, -3.0], icon=folium.Icon(prefix="fa", icon="flag", angle=30)).add_to(m)
    plugins.MarkerCluster().add_child(folium.Marker([14.49, -4.2])).add_to(m)
    plugins.FastMarkerCluster([[12.64, -8.0], [18.44, 1.41]]).add_to(m)
    group = folium.FeatureGroup("bases").add_to(m)
    plugins.FeatureGroupSubGroup(group, "closed").add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.Search(folium.GeoJson(fc).add_to(m), search_label="name").add_to(m)
    plugins.TimestampedGeoJson(fc).add_to(m)
    folium.LayerControl().add_to(m)
    return m


PLUGIN_HTML = _plugin_map().get_root().render()
FOLIUM_URLS = sorted(
    set(
        re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["'](https?://[^"']+)""", PLUGIN_HTML)
    )
)
DROPPED = {a["url"] for a in assets.load_lock()["aliases"] if "drop" in a}


@pytest.fixture(scope="session")
def asset_cache() -> Path:
    cache = Path(os.environ.get("MINUSMA_ASSET_CACHE") or ROOT / ".cache" / "assets")
    try:
        return assets.check_cache(cache)
    except DataDirError as exc:
        pytest.fail(f"{exc}\nCI and developers fill it with: scripts/setup-test-env")


# --------------------------------------------------------------------------- lock


def test_lock_packages_are_sha512_tarballs_on_the_npm_registry():
    lock = assets.load_lock()
    assert len(lock["packages"]) >= 12
    for pkg in lock["packages"]:
        name, version = pkg["name"], pkg["version"]
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", pkg["integrity"]), name
        assert (
            pkg["tarball"]
            == f"https://registry.npmjs.org/{name}/-/{name.split('/')[-1]}-{version}.tgz"
        )
    assert lock["folium"] == folium.__version__


def test_lock_versions_are_the_ones_folium_emits():
    locked = {(p["name"], p["version"]) for p in assets.load_lock()["packages"]}
    named = set(
        re.findall(
            r"https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/((?:@[^/]+/)?[^/@]+)@([^/]+)/",
            " ".join(FOLIUM_URLS),
        )
    )
    assert named and named <= locked
    for name in (
        "leaflet",
        "jquery",
        "bootstrap",
        "leaflet.markercluster",
        "leaflet.fullscreen",
        "leaflet-search",
        "leaflet-timedimension",
        "iso8601-js-period",
        "moment",
        "leaflet.awesome-markers",
        "@fortawesome/fontawesome-free",
        "leaflet.featuregroup.subgroup",
    ):
        assert name in {n for n, _ in locked}, name


def test_lock_checked_every_url_folium_emits():
    checked = assets.load_lock()["checked_urls"]
    assert set(FOLIUM_URLS) <= set(checked)


# --------------------------------------------------------------------------- URL -> file


@pytest.mark.parametrize("url", FOLIUM_URLS)
def test_every_folium_url_resolves_to_a_cached_file_or_a_documented_drop(url, asset_cache):
    if url in DROPPED:
        with pytest.raises(UnknownNameError, match="is not available offline"):
            assets.resolve(url, asset_cache)
        return
    path = assets.resolve(url, asset_cache)
    assert path.is_file() and path.stat().st_size > 0
    assert path.resolve().is_relative_to(asset_cache.resolve())
    assert path.suffix == Path(url).suffix  # .js -> .js, .css -> .css


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://code.jquery.com/jquery-3.7.1.min.js", "jquery@3.7.1/dist/jquery.min.js"),
        (
            "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js",
            "jquery@3.7.1/dist/jquery.min.js",
        ),
        (
            "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",
            "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
        ),  # jsdelivr minifies on the fly
        (
            "https://cdn.jsdelivr.net/npm/iso8601-js-period@0.2.1/iso8601.min.js",
            "iso8601-js-period@0.2.1/iso8601.js",
        ),
        (
            "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/images/markers-soft@2x.png",
            "leaflet.awesome-markers@2.0.5/dist/images/markers-soft@2x.png",
        ),
        (
            "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js",
            "moment@2.18.1/min/moment.min.js",
        ),
        (
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css",
            "leaflet.markercluster@1.1.0/dist/MarkerCluster.Default.css",
        ),
        (
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet/1.9.3/leaflet.js",
            "leaflet@1.9.3/dist/leaflet.js",
        ),
        (
            "//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/glyphicons-halflings-regular.eot?#iefix",
            "bootstrap@3.4.1/dist/fonts/glyphicons-halflings-regular.eot",
        ),
        (
            "https://maxcdn.bootstrapcdn.com/bootstrap/3.4.1/css/bootstrap.min.css",
            "bootstrap@3.4.1/dist/css/bootstrap.min.css",
        ),
        (
            "http://unpkg.com/leaflet@1.9.3/dist/images/marker-icon.png?v=1",
            "leaflet@1.9.3/dist/images/marker-icon.png",
        ),
        (
            "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2",
            "@fortawesome/fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2",
        ),
    ],
)
def test_resolve_maps_cdn_layouts_to_npm_layout(url, expected, asset_cache):
    assert assets.resolve(url, asset_cache) == asset_cache / expected


def test_every_url_inside_the_locked_stylesheets_resolves(asset_cache):
    for url in (u for u in FOLIUM_URLS if u.endswith(".css") and u not in DROPPED):
        css = assets.resolve(url, asset_cache).read_text(encoding="utf-8")
        for groups in inline.CSS_URL.findall(css):
            ref = next(g for g in groups if g)
            if not ref.startswith(("data:", "#")):
                assert assets.resolve(
                    assets.urllib.parse.urljoin(url, ref), asset_cache
                ).is_file(), (url, ref)


def test_the_lock_builders_url_check_reproduces_the_packaged_lock(asset_cache):
    # scripts/build_asset_lock.py's check, run offline on the packaged lock: the URLs it resolves
    # are the ones the lock records (it uses only the asset cache's public API).
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_asset_lock", ROOT / "scripts" / "build_asset_lock.py"
    )
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    lock_path = ROOT / "maps" / "assets" / "lock.json"
    recorded = json.loads(lock_path.read_text(encoding="utf-8"))["checked_urls"]
    assert builder.check_urls(builder.folium_urls(), lock_path, asset_cache) == recorded


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://cdn.jsdelivr.net/npm/leaflet@1.0.0/dist/leaflet.js",
            "no locked npm package serves .*leaflet@1.0.0",
        ),
        (
            "https://tile.openstreetmap.org/5/15/14.png",
            "no locked npm package serves .*Add the package",
        ),
        (
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/nothing.js",
            "cached package has no such file",
        ),
        (
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/../../etc/passwd",
            "no such file|no locked npm package",
        ),
        (
            "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
            "not available offline: .*prefix='fa'",
        ),
    ],
)
def test_resolve_errors_name_the_url_and_the_fix(url, message, asset_cache):
    with pytest.raises(UnknownNameError, match=message):
        assets.resolve(url, asset_cache)


def test_resolve_with_an_empty_cache_says_how_to_fill_it(tmp_path):
    with pytest.raises(
        DataDirError,
        match=r"needs leaflet@1\.9\.3, which is not in the asset cache .*minusma assets",
    ):
        assets.resolve("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", tmp_path)
    with pytest.raises(
        DataDirError,
        match=r"lacks @fortawesome/fontawesome-free@6\.2\.0, bootstrap@3\.4\.1, .*fill_cache",
    ):
        assets.check_cache(tmp_path)


def test_default_cache_dir_reads_the_environment_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("MINUSMA_ASSET_CACHE", str(tmp_path / "c"))
    assert assets.default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("MINUSMA_ASSET_CACHE")
    assert assets.default_cache_dir() == Path.home() / ".cache" / "minusma" / "assets"


# --------------------------------------------------------------------------- download, end to end
# on 127.0.0.1


def _tarball(files: dict[str, bytes], top: str = "package") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class _Registry:
    """A tiny registry on 127.0.0.1: serves ``files`` (path -> bytes) and counts requests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.failures = 0  # answer this many requests with HTTP 503 first
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                registry.requests.append(self.path)
                if registry.failures:
                    registry.failures -= 1
                    self.send_error(503)
                    return
                body = registry.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def registry() -> Iterator[_Registry]:
    reg = _Registry()
    yield reg
    reg.close()


DEMO = {
    "dist/demo.js": b"window.demo = 1;\n",
    "dist/demo.css": b".demo{background:url(img/a.png)}\n",
    "dist/img/a.png": b"\x89PNG\r\n\x1a\n",
    "package.json": b'{"name": "@demo/pkg", "version": "1.0.0"}',
}


def _lock(tmp_path: Path, data: bytes, *, integrity: str | None = None) -> Path:
    """A lock of the demo package, shipping its tarball's file hashes (as the real lock does)."""
    lock = {
        "lock_version": 1,
        "packages": [
            {
                "name": "@demo/pkg",
                "version": "1.0.0",
                "tarball": "https://registry.npmjs.org/@demo/pkg/-/pkg-1.0.0.tgz",
                "integrity": integrity or sri(data),
                "files": assets.tarball_file_hashes(data) if data[:2] == b"\x1f\x8b" else {},
            }
        ],
        "aliases": [],
    }
    path = tmp_path / "lock.json"
    path.write_text(json.dumps(lock), encoding="utf-8")
    return path


def test_fill_cache_downloads_verifies_and_unpacks_once(registry, tmp_path, caplog):
    data = _tarball(DEMO, top="pkg")  # some tarballs' top folder is not "package/"
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    cache = tmp_path / "cache"
    with caplog.at_level(logging.INFO, logger="minusma.maps.assets"):
        first = assets.fill_cache(cache, registry_url=registry.url, lock_path=lock)
    assert [(p.name, p.version, p.downloaded) for p in first] == [("@demo/pkg", "1.0.0", True)]
    folder = cache / "@demo" / "pkg@1.0.0"
    assert first[0].path == folder
    assert (folder / "dist" / "demo.js").read_bytes() == DEMO["dist/demo.js"]
    assert (folder / ".integrity").read_text().strip() == sri(data)
    assert "verified @demo/pkg@1.0.0" in caplog.text

    second = assets.fill_cache(cache, registry_url=registry.url, lock_path=lock)
    assert second[0].downloaded is False
    assert registry.requests == ["/@demo/pkg/-/pkg-1.0.0.tgz"]  # idempotent: no second download
    assert (
        sorted(
            p.name
            for p in cache.rglob("*")
            if p.name.startswith(".") and p.name not in (".integrity", ".files.sha256")
        )
        == []
    )

    url = "https://cdn.jsdelivr.net/npm/@demo/pkg@1.0.0/dist/demo.min.js"
    assert assets.resolve(url, cache, lock_path=lock) == folder / "dist" / "demo.js"
    page = '<html><head><link rel="stylesheet" href="https://unpkg.com/@demo/pkg@1.0.0/dist/demo.css"/></head></html>'
    assert 'url("data:image/png;base64,iVBORw0KGgo=")' in inline.inline_html(
        page, cache, lock_path=lock
    )


def test_fill_cache_rejects_a_checksum_mismatch_and_leaves_nothing(registry, tmp_path):
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data, integrity=sri(data + b"tampered"))
    cache = tmp_path / "cache"
    with pytest.raises(
        ChecksumError,
        match=r"@demo/pkg@1\.0\.0 from http://127\.0\.0\.1:\d+/@demo/pkg/-/pkg-1\.0\.0\.tgz: "
        r"sha512 mismatch",
    ):
        assets.fill_cache(cache, registry_url=registry.url, lock_path=lock, retries=0)
    assert list(cache.rglob("*")) == []
    assert not any(cache.rglob("*.js"))
    with pytest.raises(DataDirError, match=r"lacks @demo/pkg@1\.0\.0"):
        assets.check_cache(cache, lock_path=lock)


def test_fill_cache_reports_a_missing_tarball(registry, tmp_path):
    lock = _lock(tmp_path, b"whatever")
    with pytest.raises(
        FetchError,
        match=r"cannot download http://127\.0\.0\.1:\d+/@demo/pkg/-/pkg-1\.0\.0\.tgz: HTTP 404",
    ):
        assets.fill_cache(tmp_path / "cache", registry_url=registry.url, lock_path=lock)


def test_fill_cache_retries_server_errors(registry, tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "RETRY_WAIT_S", 0.0)
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    registry.failures = 1
    lock = _lock(tmp_path, data)
    assert assets.fill_cache(tmp_path / "c", registry_url=registry.url, lock_path=lock, retries=1)[
        0
    ].downloaded
    assert len(registry.requests) == 2
    registry.failures = 5
    with pytest.raises(FetchError, match=r"after 3 attempts: HTTP Error 503"):
        assets.fill_cache(tmp_path / "d", registry_url=registry.url, lock_path=lock, retries=2)


def test_fill_cache_refuses_a_tarball_that_writes_outside_its_folder(registry, tmp_path):
    data = _tarball({"../../evil.js": b"alert(1)", "index.js": b""})
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    with pytest.raises(FetchError, match=r"'package/../../evil.js' would be written outside"):
        assets.fill_cache(tmp_path / "cache", registry_url=registry.url, lock_path=lock)
    assert not list(tmp_path.rglob("evil.js"))
    assert not (tmp_path / "cache").exists()  # the failed fill leaves no new folder (issue 20)


def test_fill_cache_replaces_a_corrupt_package_folder(registry, tmp_path):
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    folder = tmp_path / "cache" / "@demo" / "pkg@1.0.0"
    folder.mkdir(parents=True)
    (folder / ".integrity").write_text("sha512-stale\n")
    (folder / "junk.js").write_text("junk")
    assert assets.fill_cache(tmp_path / "cache", registry_url=registry.url, lock_path=lock)[
        0
    ].downloaded
    assert not (folder / "junk.js").exists() and (folder / "dist" / "demo.css").is_file()
    assert sorted(p.name for p in folder.parent.iterdir()) == ["pkg@1.0.0"]


def test_cli_assets_fills_the_cache_and_prints_what_it_verified(registry, tmp_path, monkeypatch):
    from minusma.cli.main import cli

    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    real = assets.load_lock
    monkeypatch.setattr(assets, "load_lock", lambda path=None: real(path or lock))
    result = CliRunner().invoke(
        cli, ["assets", "--cache", str(tmp_path / "c"), "--registry", registry.url]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\t")[:3] == ["@demo/pkg@1.0.0", sri(data), "downloaded"]

    registry.files.clear()
    bad = CliRunner().invoke(
        cli, ["assets", "--cache", str(tmp_path / "d"), "--registry", registry.url]
    )
    assert bad.exit_code == 1 and "HTTP 404" in bad.output


def test_a_tampered_cached_file_is_refused_reported_and_refilled(registry, tmp_path, monkeypatch):
    from minusma.cli.main import cli

    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    cache = tmp_path / "cache"
    assets.fill_cache(cache, registry_url=registry.url, lock_path=lock)
    js = cache / "@demo" / "pkg@1.0.0" / "dist" / "demo.js"
    page = '<html><head><script src="https://unpkg.com/@demo/pkg@1.0.0/dist/demo.js"></script>'
    assert "window.demo = 1;" in inline.inline_html(page, cache, lock_path=lock)
    js.write_bytes(b"alert('not the npm file');\n")

    store = assets.AssetCache(cache, lock_path=lock)
    assert store.verify() == {"@demo/pkg@1.0.0": ["dist/demo.js"]}
    with pytest.raises(
        ChecksumError, match=r"demo\.js changed since it was verified.*minusma assets"
    ):
        store.read("https://unpkg.com/@demo/pkg@1.0.0/dist/demo.js")
    with pytest.raises(ChecksumError, match="minusma assets"):
        inline.inline_html(page, cache, lock_path=lock)

    real = assets.load_lock
    monkeypatch.setattr(assets, "load_lock", lambda path=None: real(path or lock))
    result = CliRunner().invoke(cli, ["assets", "--cache", str(cache), "--registry", registry.url])
    assert result.exit_code == 0, result.output
    assert "dist/demo.js did not match" in result.stderr
    assert result.stdout.split("\t")[2] == "refilled"
    assert js.read_bytes() == DEMO["dist/demo.js"]
    assert store.verify() == {}
    assert "window.demo = 1;" in inline.inline_html(page, cache, lock_path=lock)


def test_a_cached_file_changed_with_the_hash_list_in_the_cache_is_still_refused(registry, tmp_path):
    """Issue 20: the reference is the lock shipped in the package, never a list in the cache
    folder (whoever changes a cached file can change that list too)."""
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    cache = tmp_path / "cache"
    assets.fill_cache(cache, registry_url=registry.url, lock_path=lock)
    folder = cache / "@demo" / "pkg@1.0.0"
    evil = b"alert('not the npm file');\n"
    (folder / "dist" / "demo.js").write_bytes(evil)
    (folder / ".files.sha256").write_text(  # the attacker's own hash list beside it
        f"{hashlib.sha256(evil).hexdigest()}  dist/demo.js\n", encoding="utf-8"
    )
    store = assets.AssetCache(cache, lock_path=lock)
    with pytest.raises(ChecksumError, match="hash shipped in the package's lock"):
        store.read("https://unpkg.com/@demo/pkg@1.0.0/dist/demo.js")
    assert store.verify() == {"@demo/pkg@1.0.0": ["dist/demo.js"]}
    page = '<html><head><script src="https://unpkg.com/@demo/pkg@1.0.0/dist/demo.js"></script>'
    with pytest.raises(ChecksumError):
        inline.inline_html(page, cache, lock_path=lock)


def test_a_lock_without_file_hashes_is_refused_everywhere(registry, tmp_path):
    """fill_cache and verify skipped a package without ``files`` while read refused it: a lock
    without them is malformed, for every use, naming the fix."""
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    cache = tmp_path / "cache"
    assets.fill_cache(cache, registry_url=registry.url, lock_path=lock)
    doc = json.loads(lock.read_text(encoding="utf-8"))
    del doc["packages"][0]["files"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(doc), encoding="utf-8")
    fix = r"@demo/pkg@1\.0\.0: files must map .*--file-hashes-only"
    with pytest.raises(ParameterError, match=fix):
        assets.fill_cache(tmp_path / "other", registry_url=registry.url, lock_path=bare)
    with pytest.raises(ParameterError, match=fix):
        assets.AssetCache(cache, lock_path=bare).verify()
    with pytest.raises(ParameterError, match=fix):
        assets.check_cache(cache, lock_path=bare)
    assert registry.requests == ["/@demo/pkg/-/pkg-1.0.0.tgz"]  # nothing fetched for it


def test_read_takes_a_cache_path_as_str_or_path_and_a_url(registry, tmp_path, monkeypatch):
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    cache = tmp_path / "cache"
    assets.fill_cache(cache, registry_url=registry.url, lock_path=lock)
    store = assets.AssetCache(cache, lock_path=lock)
    js = cache / "@demo" / "pkg@1.0.0" / "dist" / "demo.js"
    want = DEMO["dist/demo.js"]
    assert store.read(js) == want
    assert store.read(str(js)) == want  # was taken as a URL: UnknownNameError
    assert store.read("https://unpkg.com/@demo/pkg@1.0.0/dist/demo.js") == want
    assert store.read("//unpkg.com/@demo/pkg@1.0.0/dist/demo.js") == want
    monkeypatch.chdir(tmp_path)  # a relative cache and a relative path name the same file
    relative = assets.AssetCache("cache", lock_path=lock)
    assert relative.read("cache/@demo/pkg@1.0.0/dist/demo.js") == want
    assert relative.read("https://unpkg.com/@demo/pkg@1.0.0/dist/demo.js") == want
    with pytest.raises(DataDirError, match="not in a verified package"):
        store.read(str(tmp_path / "lock.json"))


def test_load_lock_returns_a_copy_and_names_the_fix_for_a_bad_file(tmp_path):
    first = assets.load_lock()
    first["packages"].clear()
    first["aliases"].append({"url": "https://example.invalid/", "drop": "edited"})
    again = assets.load_lock()
    assert (
        again["packages"]
        and {"url": "https://example.invalid/", "drop": "edited"} not in (again["aliases"])
    )
    with pytest.raises(ParameterError, match=r"cannot read the asset lock .*build_asset_lock"):
        assets.load_lock(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"not valid JSON .*build_asset_lock"):
        assets.AssetCache(tmp_path, lock_path=broken)
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(ParameterError, match="not a JSON object"):
        assets.load_lock(listed)


def test_the_shipped_lock_has_a_hash_for_every_file_of_every_package(asset_cache):
    lock = assets.load_lock()
    assert all(len(p["files"]) > 0 for p in lock["packages"])
    assert assets.AssetCache(asset_cache).verify() == {}


def test_an_oversized_tarball_is_stopped(registry, tmp_path, monkeypatch):
    data = _tarball(DEMO)
    registry.files["/@demo/pkg/-/pkg-1.0.0.tgz"] = data
    lock = _lock(tmp_path, data)
    monkeypatch.setattr(assets, "TARBALL_MAX_BYTES", len(data) - 1)
    with pytest.raises(FetchError, match="was stopped"):
        assets.fill_cache(tmp_path / "cache", registry_url=registry.url, lock_path=lock)
    assert not (tmp_path / "cache").exists()


def test_fill_cache_in_a_folder_that_cannot_be_created_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataDirError, match="cannot create the asset cache"):
        assets.fill_cache(tmp_path / "file" / "cache")


# --------------------------------------------------------------------------- inlining


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """The real start tags of a page (not text inside scripts that looks like tags)."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Parser(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Parser().feed(page)
    return found


def test_inline_html_leaves_no_external_script_or_stylesheet(asset_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="minusma.maps.assets"):
        page = inline.inline_html(PLUGIN_HTML, asset_cache)
    tags = _tags(page)
    assert [t for t in tags if t[0] == "link"] == []  # every stylesheet became a <style>
    assert [t for t in tags if t[0] == "script" and "src" in t[1]] == []
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", page)  # no CSS reference to the network
    # each Font Awesome file is embedded once, though several @font-face rules use it
    assert page.count("data:font/woff2;base64,") == 4
    assert "L.Icon.Default.mergeOptions" in page and "data:image/png;base64," in page
    assert page.count("jQuery v3.7.1") == 1  # jQuery came from two URLs, inlined once
    for url in DROPPED:  # the documented drops are logged, not fatal
        assert url in caplog.text
    assert len(page) < 2_000_000


def test_inline_html_ignores_script_text_that_looks_like_a_tag(asset_cache):
    page = (
        '<html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>\n'
        "<script>var s = '<script src=\"https://example.org/x.js\"></' + 'script>';</script>\n"
        "</head><body><p>https://example.org stays</p></body></html>"
    )
    out = inline.inline_html(page, asset_cache)
    assert "https://example.org/x.js" in out and "<p>https://example.org stays</p>" in out
    assert "Leaflet 1.9.3" in out and 'src="https://cdn.jsdelivr.net' not in out


def test_inline_html_fails_on_an_unknown_asset(asset_cache):
    page = '<html><head><script src="https://example.org/lib.js"></script></head></html>'
    with pytest.raises(
        UnknownNameError, match=r"no locked npm package serves https://example.org/lib.js"
    ):
        inline.inline_html(page, asset_cache)
