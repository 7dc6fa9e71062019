"""Town search: names, alternative names and P-codes, ignoring accents, case and punctuation;
with the populated places drawn (:mod:`maps.places`), their names and P-codes too (after the
towns), from the layer's own packed names: nothing more to load, keys built on the first search.

"Timbuktu", "segou", "Aguelhok", "Menaka", "M'Pessoba" and "mpessoba" all find their town. The
keys are computed here with :func:`search_key`; the page normalises what is typed the same way
(NFD, combining marks U+0300-U+036F dropped, lower case, only ``a-z0-9`` kept). Names are
stored as sourced and put into the page with ``textContent``: escaped at render, not in the data.
``window.minusmaSearch.find(text)`` returns the matching names (for scripts and tests).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.template import Template

from minusma.geo.i18n import DEFAULT_LANG, text
from minusma.maps.popups import is_missing, safe_json

__all__ = ["TownSearch", "search_index", "search_key"]

_MARKS = re.compile("[\u0300-\u036f]")
_NOT_KEY = re.compile("[^a-z0-9]")


def search_key(value: Any) -> str:
    """``value`` reduced to ``a-z0-9`` (accents, case, apostrophes, spaces and dashes dropped)."""
    if is_missing(value):
        return ""
    return _NOT_KEY.sub("", _MARKS.sub("", unicodedata.normalize("NFD", str(value))).lower())


def search_index(towns: gpd.GeoDataFrame) -> list[list[str]]:
    """``[town_id, name, keys]`` per town with a point; ``keys`` joins the name's, every
    alternative name's (``;``-separated ``alt_names``) and the P-code's key with ``|``."""
    rows = []
    for _, row in towns.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        names = [row["name"], row.get("name_ascii"), row.get("ocha_pcode")]
        alt = row.get("alt_names")
        if not is_missing(alt):
            names += str(alt).split(";")
        keys = dict.fromkeys(k for k in map(search_key, names) if k)
        rows.append([str(row["town_id"]), str(row["name"]), "|".join(keys)])
    return sorted(rows, key=lambda r: (search_key(r[1]), r[0]))


class TownSearch(MacroElement):
    """A search box (top left) listing up to 8 matching towns; choosing one zooms to it and
    opens its popup."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .minusma-search { background: #fff; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.4);
            width: 230px; max-width: calc(100vw - 80px); }
        .minusma-search input { box-sizing: border-box; width: 100%; height: 40px; border: 0;
            padding: 0 10px; font: 14px sans-serif; border-radius: 4px; }
        .minusma-search ul { list-style: none; margin: 0; padding: 0; }
        .minusma-search li button { display: block; width: 100%; min-height: 40px; border: 0;
            border-top: 1px solid #ddd; background: #fff; text-align: left; padding: 0 10px;
            font: 13px sans-serif; cursor: pointer; }
        .minusma-search li.minusma-none { padding: 10px; color: #666; font: 12px sans-serif; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var towns = {{ this.layer.get_name() }};
            var index = {{ this.index }};
            var places = {{ this.places.get_name() if this.places else "null" }};
            var none = {{ this.none|tojson }};
            function norm(s) {
                return String(s).normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase()
                    .replace(/[^a-z0-9]/g, "");
            }
            function find(q) {
                q = norm(q);
                if (!q) { return []; }
                var starts = [], inside = [];
                index.forEach(function(r) {
                    var keys = r[2].split("|");
                    if (keys.some(function(k) { return k.indexOf(q) === 0; })) { starts.push(r); }
                    else if (r[2].indexOf(q) >= 0) { inside.push(r); }
                });
                var hits = starts.concat(inside).slice(0, 8);
                if (places && places.search && hits.length < 8) {
                    places.search(q, norm, 8 - hits.length).forEach(function(i) {
                        var f = places.info(i);
                        hits.push(["place:" + i, f.name + (f.commune ? " – " + f.commune : "")]);
                    });
                }
                return hits;
            }
            function go(id) {
                if (String(id).indexOf("place:") === 0) {
                    var i = Number(id.slice(6));
                    setTimeout(function() { places.openAt(i); }, 0);
                    return;
                }
                towns.eachLayer(function(l) {
                    if (l.feature.properties.id === id) {
                        map.setView(l.getLatLng(), Math.max(map.getZoom(), 9), {animate: false});
                        // after the click that chose the town has finished (it must not close it)
                        setTimeout(function() { l.openPopup(); }, 0);
                    }
                });
            }
            var control = L.control({position: "topleft"});
            control.onAdd = function() {
                var div = L.DomUtil.create("div", "minusma-search leaflet-control");
                var input = L.DomUtil.create("input", "minusma-search-input", div);
                input.type = "search";
                input.placeholder = {{ this.placeholder|tojson }};
                input.setAttribute("aria-label", input.placeholder);
                var list = L.DomUtil.create("ul", "minusma-search-results", div);
                function show() {
                    list.innerHTML = "";
                    if (!norm(input.value)) { return; }
                    var hits = find(input.value);
                    if (!hits.length) {
                        L.DomUtil.create("li", "minusma-none", list).textContent = none;
                        return;
                    }
                    hits.forEach(function(r) {
                        var b = L.DomUtil.create("button", "", L.DomUtil.create("li", "", list));
                        b.type = "button";
                        b.textContent = r[1];
                        b.addEventListener("click", function() { list.innerHTML = ""; go(r[0]); });
                    });
                }
                input.addEventListener("input", show);
                input.addEventListener("keydown", function(e) {
                    if (e.key === "Enter") {
                        var hits = find(input.value);
                        if (hits.length) { list.innerHTML = ""; go(hits[0][0]); }
                    }
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
            window.minusmaSearch = {
                find: function(q) { return find(q).map(function(r) { return r[1]; }); },
                go: go
            };
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layer: folium.GeoJson,
        towns: gpd.GeoDataFrame,
        *,
        lang: str = DEFAULT_LANG,
        places: Any = None,
    ) -> None:
        super().__init__()
        self._name = "TownSearch"
        self.layer = layer
        self.places = places
        self.index = safe_json(search_index(towns))
        self.placeholder = text("search_places" if places is not None else "search", lang)
        self.none = text("search_none", lang)
