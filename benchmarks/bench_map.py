"""Benchmark: the interactive map's size and its time to ready in Chromium, with and without --data.

Run:  MINUSMA_DATA=../shared/data MINUSMA_ASSET_CACHE=.cache/assets python benchmarks/bench_map.py

Two pages, side by side: the **baseline** (shipped layers only: 35 towns, schematic Niger,
pre-2016 regions) and **--data** (the 2023 regions from cercles, the Natural Earth Niger and the
18,769 OCHA populated places coloured by their exposure class at each step). Each page is served
over http://127.0.0.1 and opened ``--runs`` times in Debian's Chromium (playwright, headless,
every CDN request answered from the asset cache as in the browser tests); "ready" is the time
from navigation start until the time control has set its first step (and, with --data, the
canvas has drawn its places), read from ``performance.now()`` in the page. A "step" figure is
the time to move the slider to the last step (the places are redrawn in their new colours).
One line per page: ``page=.. html_mb=.. build_s=.. ready_ms_median=.. ready_ms_max=..
step_ms_median=..``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an install

from minusma import Study
from minusma.geo._errors import UnknownNameError
from minusma.maps import assets
from minusma.maps.build import map_html

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]
NOT_LOCAL = re.compile(r"^https?://(?!127\.0\.0\.1)")
READY = """() => window.minusmaTimeline && window.minusmaTimeline.step >= 0 &&
    (!document.querySelector('canvas.minusma-places') ||
     document.querySelector('canvas.minusma-places').hasAttribute('data-drawn'))"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _measure(browser, url: str, cache: Path, runs: int) -> tuple[list[float], list[float]]:
    ready, step = [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()

        def answer(route):
            try:
                path = assets.resolve(route.request.url, cache)
            except UnknownNameError:
                route.fulfill(status=404, body="")
                return
            route.fulfill(status=200, body=path.read_bytes(), content_type=assets.mime_type(path))

        page.route(NOT_LOCAL, answer)
        page.goto(url, wait_until="commit")
        page.wait_for_function(READY, polling=10, timeout=60_000)
        ready.append(page.evaluate("() => performance.now()"))
        step.append(
            page.evaluate(
                """() => { const t = performance.now(), tl = window.minusmaTimeline;
                tl.setStep(tl.steps.length - 1); return performance.now() - t; }"""
            )
        )
        context.close()
    return ready, step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("MINUSMA_DATA"), help="data directory")
    parser.add_argument("--cache", default=os.environ.get("MINUSMA_ASSET_CACHE"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.data or not args.cache:
        parser.error("give --data and --cache (or MINUSMA_DATA and MINUSMA_ASSET_CACHE)")
    cache = assets.check_cache(args.cache)
    warnings.simplefilter("ignore")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as root:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=root)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for label, data_dir in (("baseline", None), ("--data", args.data)):
                t0 = time.perf_counter()
                html = map_html(Study(data_dir).map(), offline=False)
                build_s = time.perf_counter() - t0
                name = "data.html" if data_dir else "baseline.html"
                (Path(root) / name).write_text(html, encoding="utf-8")
                ready, step = _measure(browser, base + name, cache, args.runs)
                print(
                    f"page={label} html_mb={len(html.encode()) / 1e6:.2f} build_s={build_s:.1f} "
                    f"ready_ms_median={statistics.median(ready):.0f} "
                    f"ready_ms_max={max(ready):.0f} step_ms_median={statistics.median(step):.0f}",
                    flush=True,
                )
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
