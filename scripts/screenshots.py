"""Write screenshots of the interactive map at a phone and a laptop size, in English and French.

Run:  MINUSMA_ASSET_CACHE=.cache/assets python scripts/screenshots.py OUT_DIR [--data DIR]

Writes ``OUT_DIR/map-{lang}-{width}x{height}.png`` for 390x844 and 1280x800, ``en`` and ``fr``,
with Debian's Chromium driven by playwright (``/usr/bin/chromium``; never ``playwright install``).
The page is served over http://127.0.0.1 and every CDN request is answered from the verified
asset cache (tiles get 404: the screenshots show the vector layers on a blank background).
The images are for people to look at; they are not committed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import logging
import re
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an install

from minusma import Study
from minusma.geo._errors import UnknownNameError
from minusma.geo.i18n import LANGS
from minusma.maps import assets
from minusma.maps.build import map_html

logger = logging.getLogger("screenshots")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1)")
SIZES = ((390, 844), (1280, 800))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files (created if needed)")
    parser.add_argument("--data", default=None, help="data directory (as `minusma map --data`)")
    parser.add_argument("--cache", default=None, help="asset cache (default $MINUSMA_ASSET_CACHE)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cache = assets.check_cache(args.cache)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as root:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=root)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"

        def answer(route) -> None:
            try:
                path = assets.resolve(route.request.url, cache)
            except UnknownNameError:
                route.fulfill(status=404, body="")
                return
            route.fulfill(status=200, body=path.read_bytes(), content_type=assets.mime_type(path))

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for lang in LANGS:
                name = f"map-{lang}.html"
                html = map_html(Study(args.data).map(lang=lang), offline=False)
                (Path(root) / name).write_text(html, encoding="utf-8")
                for width, height in SIZES:
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.route(NOT_LOCAL, answer)
                    page.goto(base + name, wait_until="load")
                    page.wait_for_function("() => window.minusmaTimeline?.step >= 0")
                    page.wait_for_timeout(500)  # let the fit-bounds settle
                    png = args.out / f"map-{lang}-{width}x{height}.png"
                    page.screenshot(path=str(png))
                    logger.info("%s", png)
                    context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
