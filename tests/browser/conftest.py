"""Browser-test harness: Debian Chromium driven by playwright, with no internet.

- ``chromium``: one headless browser per session (``/usr/bin/chromium``; never ``playwright
  install``).
- ``site``: a folder served over ``http://127.0.0.1:<free port>`` (routing does not apply to file://).
- ``page``: a page whose every non-127.0.0.1 request is answered from the verified asset cache
  (:func:`maps.assets.resolve`); tiles and unknown URLs get 404 and are recorded in ``page_log``,
  together with page errors and console errors.
- ``offline_page``: a page on which every request but the document itself is aborted.

A missing browser or asset cache fails the tests (never skips): CI installs both through
``scripts/setup-test-env``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from minusma.geo._errors import DataDirError, UnknownNameError
from minusma.maps import assets

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Every request that does not go to the local test server.
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1)")
SETUP = "install them with: scripts/setup-test-env (as root)"


@pytest.fixture(scope="session")
def asset_cache() -> Path:
    """The filled, verified asset cache (``$MINUSMA_ASSET_CACHE`` or ``<repo>/.cache/assets``)."""
    cache = Path(os.environ.get("MINUSMA_ASSET_CACHE") or ROOT / ".cache" / "assets")
    try:
        return assets.check_cache(cache)
    except DataDirError as exc:
        pytest.fail(f"{exc}\n{SETUP}", pytrace=False)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium, shared by the session."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing; {SETUP}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"the playwright package is missing ({exc}); {SETUP}", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class Site:
    """A folder served over HTTP on 127.0.0.1."""

    root: Path
    url: str

    def put(self, name: str, text: str) -> str:
        """Write ``text`` to ``root/name``; return its URL."""
        (self.root / name).write_text(text, encoding="utf-8")
        return self.url + name


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """Serve ``tmp_path/site`` on a free port of 127.0.0.1 from a background thread."""
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(root, f"http://127.0.0.1:{server.server_address[1]}/")
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@dataclass
class PageLog:
    """What happened on a page: errors, and the requests answered from the cache or refused."""

    page_errors: list[str] = field(default_factory=list)
    console_errors: list[tuple[str, str]] = field(
        default_factory=list
    )  # (text, url of the resource)
    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # 404 (page) or aborted (offline_page)
    cache_errors: list[str] = field(default_factory=list)

    def unexpected_errors(self) -> list[str]:
        """Page errors, cache errors and console errors not explained by a refused request.

        A failed load of a refused URL, or of the favicon Chromium asks the test server for, is
        expected.
        """
        refused = set(self.refused)
        console = [
            text
            for text, url in self.console_errors
            if not (
                text.startswith("Failed to load resource")
                and (url in refused or url.endswith("/favicon.ico"))
            )
        ]
        return self.page_errors + self.cache_errors + console


def _content_type(path: Path) -> str:
    mime = assets.mime_type(path)
    return mime + ("; charset=utf-8" if mime.startswith("text/") else "")


def _listen(page: Any, log: PageLog) -> None:
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            log.console_errors.append((msg.text, (msg.location or {}).get("url", "")))
            if msg.type == "error"
            else None
        ),
    )


@pytest.fixture
def page_log() -> PageLog:
    """The :class:`PageLog` of the ``page`` or ``offline_page`` fixture."""
    return PageLog()


@pytest.fixture
def page(chromium: Any, asset_cache: Path, page_log: PageLog) -> Iterator[Any]:
    """A page whose CDN requests are answered from the asset cache; the rest gets 404."""
    context = chromium.new_context(viewport={"width": 1000, "height": 700}, service_workers="block")
    pg = context.new_page()
    _listen(pg, page_log)

    def answer(route: Any) -> None:
        url = route.request.url
        try:
            path = assets.resolve(url, asset_cache)
        except UnknownNameError:  # tiles, documented drops, anything not locked
            page_log.refused.append(url)
            route.fulfill(
                status=404,
                body="not in the asset cache",
                headers={"Access-Control-Allow-Origin": "*"},
            )
            return
        except DataDirError as exc:
            page_log.cache_errors.append(str(exc))
            page_log.refused.append(url)
            route.fulfill(status=404, body=str(exc))
            return
        page_log.served.append(url)
        route.fulfill(
            status=200,
            body=path.read_bytes(),
            headers={"Content-Type": _content_type(path), "Access-Control-Allow-Origin": "*"},
        )

    pg.route(NOT_LOCAL, answer)
    yield pg
    context.close()


@pytest.fixture
def offline_page(chromium: Any, page_log: PageLog) -> Iterator[Any]:
    """A page that may load only its own document: every other request is aborted."""
    context = chromium.new_context(viewport={"width": 1000, "height": 700}, service_workers="block")
    pg = context.new_page()
    _listen(pg, page_log)

    def answer(route: Any) -> None:
        request = route.request
        if request.is_navigation_request() and request.url.startswith("http://127.0.0.1:"):
            page_log.served.append(request.url)
            route.continue_()
        else:
            page_log.refused.append(request.url)
            route.abort()

    context.route("**/*", answer)
    yield pg
    context.close()
