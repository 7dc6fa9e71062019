"""A French map speaks French everywhere a person reads it: every popup and tooltip of every
layer at every step of the time control, the time control, the legend, the layer control, the
scale bar and the attribution. Text quoted from a source (titles of documents, notes) is marked
``lang="en"`` and left out; everything else must hold no word of an English stop list. The English
map is checked the other way round with a French stop list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from minusma import Study
from minusma.maps.build import map_html

pytestmark = pytest.mark.browser

#: Words that are English only (none is also a French word the maps use).
_ENGLISH = """
    after air airstrip and before by class closed coverage covered depended ended false feet
    from ft gap headquarters hours kind layer layers length link links lost mi miles missing
    nan nearest next no none of on only open paved previous rank region riverside road roads
    schematic search segment selected served service the timeline town towns track true
    unknown unpaved why with withdrawal within yes
    """
ENGLISH = frozenset(_ENGLISH.split())
#: Words that are French only, for the English map.
_FRENCH = """
    arrêtée au aux aérienne chronologie classe couverture des et faible fermé fermés fleuve
    inconnu inconnue la le les légende modérée non oui ouvert ouverts piste pourquoi rang
    retrait région sévère ville villes élevée
    """
FRENCH = frozenset(_FRENCH.split())

_COLLECT = """() => {
  const m = Object.values(window).find(v => v instanceof L.Map);
  const tl = window.minusmaTimeline, out = [];
  const clean = h => { const d = document.createElement('div'); d.innerHTML = h;
    d.querySelectorAll('[lang=en], .minusma-name, h4').forEach(e => e.remove());
    return d.textContent; };
  const content = (x, l) => {
    const c = x.getContent(); return typeof c === 'function' ? c(l) : c; };
  const each = (i) => m.eachLayer(l => {
    const p = l.getPopup && l.getPopup(), t = l.getTooltip && l.getTooltip();
    for (const [what, x] of [['popup', p], ['tooltip', t]]) {
      if (!x) continue;
      const c = content(x, l);
      if (typeof c === 'string') out.push([what + ' ' + i, clean(c)]);
      else if (c && c.innerHTML !== undefined) out.push([what + ' ' + i, clean(c.innerHTML)]);
    }
  });
  // every overlay on, so that layers off by default are read too
  document.querySelectorAll('.leaflet-control-layers-overlays input').forEach(i => {
    if (!i.checked) i.click(); });
  for (let i = 0; i < tl.steps.length; i++) {
    tl.setStep(i);
    each(i);
    out.push(['time ' + i, clean(document.querySelector('.minusma-time').innerHTML)]);
    m.eachLayer(l => { if (l._content && l._lat) {  // the canvas of populated places
      for (const k of [0, 1, Math.floor(l._lat.length / 2)]) {
        out.push(['place ' + i, clean(l._content(k).innerHTML)]); } } });
  }
  for (const sel of ['.minusma-legend', '.leaflet-control-layers', '.leaflet-control-scale',
                     '.leaflet-control-attribution', '.minusma-search', '.leaflet-control-zoom',
                     '.leaflet-control-fullscreen']) {
    document.querySelectorAll(sel).forEach(e => out.push([sel, clean(e.innerHTML)]));
    document.querySelectorAll(sel + ' [title], ' + sel + ' [placeholder], ' + sel + ' [aria-label]')
      .forEach(e => out.push([sel + ' attr', [e.title, e.placeholder || '',
                                           e.getAttribute('aria-label') || ''].join(' ')]));
  }
  return out;
}"""


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


@pytest.fixture(scope="module")
def data_pages(data_dir: Path) -> dict[str, str]:
    return {
        lang: map_html(Study(data_dir=data_dir).map(lang=lang, distance_overlay=False))
        for lang in ("en", "fr")
    }


def _collect(page: Any, site: Any, html: str) -> list[list[str]]:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site.put("map.html", html), wait_until="load")
    page.wait_for_function("() => window.minusmaTimeline && window.minusmaTimeline.step >= 0")
    return page.evaluate(_COLLECT)


@pytest.mark.parametrize(("lang", "stop"), [("fr", ENGLISH), ("en", FRENCH)])
def test_the_map_holds_no_word_of_the_other_language(page, page_log, site, data_pages, lang, stop):
    texts = _collect(page, site, data_pages[lang])
    kinds = {k.split(" ")[0] for k, _ in texts}
    assert {"popup", "tooltip", "time", ".minusma-legend", ".leaflet-control-scale"} <= kinds
    found: dict[str, set[str]] = {}
    for where, t in texts:
        for word in _words(t) & stop:
            found.setdefault(word, set()).add(f"{where}: {t.strip()[:160]}")
    assert not found, {w: sorted(v)[:3] for w, v in sorted(found.items())}
    assert page_log.unexpected_errors() == []
