"""The report printed by Chromium: A4 portrait, and no table runs past the page (every column
of the most-exposed table and of the summary is inside the printable width), in English and
French, with the widest summary (WorldPop columns from a data directory)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from minusma import Study

pytestmark = pytest.mark.browser

#: A4 at 96 px per inch: 210 mm wide, 12 mm margins (the report's @page rule).
A4_PX = 210 / 25.4 * 96
PRINTABLE_PX = (210 - 2 * 12) / 25.4 * 96

_OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth, out = [];
  document.querySelectorAll('table, th, td, img, h1, h2, p').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.right > limit + 0.5) out.push(e.tagName + ': ' + e.textContent.slice(0, 40));
  });
  document.querySelectorAll('td, th').forEach(e => {
    if (e.scrollWidth > e.clientWidth + 1) out.push('clipped ' + e.textContent.slice(0, 40));
  });
  return {out: out, scroll: document.documentElement.scrollWidth, limit: limit};
}"""


@pytest.fixture(scope="module")
def reports(data_dir: Path) -> dict[str, str]:
    study = Study(data_dir=data_dir)
    return {lang: study.report(lang=lang) for lang in ("en", "fr")}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_fits_a4_portrait_with_no_clipped_column(page, page_log, site, reports, lang):
    page.set_viewport_size({"width": round(PRINTABLE_PX), "height": 1100})
    page.goto(site.put("report.html", reports[lang]), wait_until="load")
    page.emulate_media(media="print")
    state: dict[str, Any] = page.evaluate(_OVERFLOW)
    assert state["out"] == [] and state["scroll"] <= state["limit"], state
    assert page.evaluate("() => document.querySelectorAll('table').length") == 2
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = {
        tuple(round(float(v)) for v in m)
        for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    }
    assert boxes == {(595, 842)}, boxes  # A4 portrait, in points
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 2 <= pages <= 6, pages
    assert page_log.unexpected_errors() == []
