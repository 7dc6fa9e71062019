"""Many points (the 18,769 OCHA populated places) as ONE Leaflet layer drawing into a canvas.

A Leaflet circle object per place costs about a second of page load for 18,769 places; this
layer keeps the places in packed arrays and, after every move or zoom, draws those inside the
view into one ``<canvas>`` (projected with ``map.latLngToContainerPoint``). A click is hit-tested
against a grid of the drawn points (``GRID_PX`` cells) and opens a popup whose text is set with
``textContent``: no data string is ever parsed as HTML.

Packing (:func:`pack_places`; the layer's JS decodes it, :func:`unpack_places` is its Python
mirror for tests), rows sorted by P-code:

- ``xy``: longitude and latitude in units of 1e-5 degree (~1 m), as deltas from the previous
  place, flattened ``[dlon0, dlat0, dlon1, dlat1, ...]``;
- ``cls``: one character per place, the class code (``"5"``; ``"0"`` when unknown);
- ``names``: the names, in order;
- ``admin``: the distinct ``[region, region P-code, cercle, cercle P-code, commune, commune
  P-code]`` rows; ``runs``: ``[admin index, count, ...]`` giving each place's row in order;
- ``pc``: each place's P-code without its commune P-code prefix, or ``"/" + P-code`` when it
  does not start with it.

In the page, ``window[<layer name>]`` has ``count`` (places), ``drawn`` (points drawn in the
view), ``pointAt(containerPoint)`` (index or -1) and ``info(i)``; the canvas carries the same
counts in ``data-count`` and ``data-drawn``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from folium.map import Layer
from folium.template import Template

from maps.popups import safe_json

__all__ = ["COLUMNS", "GRID_PX", "SCALE", "CanvasPlaces", "pack_places", "unpack_places"]

#: Coordinates are packed as integers of 1/SCALE degree (5 decimals, ~1 m).
SCALE = 100_000

#: Cell size of the click hit-test grid, in screen pixels.
GRID_PX = 8

#: Column of each packed field, first match wins: raw COD file (``read_settlements``) or
#: ``layers.settlements`` schema.
COLUMNS = {
    "name": ("featureNam", "name"),
    "class": ("popPlaceCl", "class_code"),
    "pcode": ("pcode", "settlement_id"),
    "region": ("admin1Name", "region_old"),
    "region_pcode": ("admin1Pcod", "region_old_pcode"),
    "cercle": ("admin2Name",),
    "cercle_pcode": ("admin2Pcod", "cercle_pcode"),
    "commune": ("admin3Name",),
    "commune_pcode": ("admin3Pcod", "commune_pcode"),
}


def _column(gdf: pd.DataFrame, field: str) -> pd.Series:
    for col in COLUMNS[field]:
        if col in gdf.columns:
            return gdf[col]
    return pd.Series(None, index=gdf.index, dtype=object)


def _text(values: pd.Series) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


def pack_places(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Pack point rows into the compact arrays the canvas layer reads (see module docstring).

    Rows without a point are left out; the rest are sorted by P-code (then name), so the same
    frame always gives the same page.
    """
    pts = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    frame = pd.DataFrame({f: _text(_column(pts, f)) for f in COLUMNS}, index=pts.index)
    frame["lon"] = np.round(pts.geometry.x.to_numpy() * SCALE).astype(np.int64)
    frame["lat"] = np.round(pts.geometry.y.to_numpy() * SCALE).astype(np.int64)
    frame = frame.sort_values(["pcode", "name", "lon", "lat"], kind="stable")
    lon, lat = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    xy = np.empty(2 * len(frame), dtype=np.int64)
    xy[0::2] = np.diff(lon, prepend=0)
    xy[1::2] = np.diff(lat, prepend=0)
    cls = "".join(_class_char(c) for c in frame["class"])
    admin_cols = ["region", "region_pcode", "cercle", "cercle_pcode", "commune", "commune_pcode"]
    admin_rows: dict[tuple[str, ...], int] = {}
    runs: list[int] = []
    for row in frame[admin_cols].itertuples(index=False, name=None):
        k = admin_rows.setdefault(row, len(admin_rows))
        if runs and runs[-2] == k:
            runs[-1] += 1
        else:
            runs += [k, 1]
    pc = [
        p[len(c) :] if c and p.startswith(c) else "/" + p
        for p, c in zip(frame["pcode"], frame["commune_pcode"])
    ]
    return {
        "xy": xy.tolist(),
        "cls": cls,
        "names": frame["name"].tolist(),
        "admin": [list(r) for r in admin_rows],
        "runs": runs,
        "pc": pc,
    }


def _class_char(code: str) -> str:
    """One digit for a class code (``"5"``, ``"5.0"``); ``"0"`` if missing or not 1-9."""
    try:
        value = float(code)
    except ValueError:
        return "0"
    return str(int(value)) if value.is_integer() and 0 < value < 10 else "0"


def unpack_places(packed: Mapping[str, Any]) -> pd.DataFrame:
    """Decode :func:`pack_places` output as the page's JS does (for tests and checks)."""
    xy = np.cumsum(np.asarray(packed["xy"], dtype=np.int64).reshape(-1, 2), axis=0) / SCALE
    rows = []
    for k, n in zip(packed["runs"][0::2], packed["runs"][1::2]):
        rows += [packed["admin"][k]] * n
    admin = pd.DataFrame(
        rows,
        columns=["region", "region_pcode", "cercle", "cercle_pcode", "commune", "commune_pcode"],
    )
    pcode = [
        p[1:] if p.startswith("/") else a + p for p, a in zip(packed["pc"], admin["commune_pcode"])
    ]
    return admin.assign(
        name=packed["names"],
        class_code=[int(c) for c in packed["cls"]],
        pcode=pcode,
        lon=xy[:, 0],
        lat=xy[:, 1],
    )


#: The Leaflet layer class (defined once per page).
PLACES_JS = """
if (!L.MinusmaPlaces) {
L.MinusmaPlaces = L.Layer.extend({
    initialize: function(data, options) {
        L.setOptions(this, options);
        var n = data.names.length, lat = new Float64Array(n), lon = new Float64Array(n);
        var x = 0, y = 0, i, k, r = 0;
        for (i = 0; i < n; i++) {
            x += data.xy[2 * i]; y += data.xy[2 * i + 1];
            lon[i] = x / %(scale)d; lat[i] = y / %(scale)d;
        }
        var admin = new Uint16Array(n);
        for (k = 0; k < data.runs.length; k += 2) {
            for (i = 0; i < data.runs[k + 1]; i++) { admin[r++] = data.runs[k]; }
        }
        this._d = data; this._lat = lat; this._lon = lon; this._admin = admin;
        this.count = n; this.drawn = 0; this._grid = {};
    },
    onAdd: function(map) {
        this._canvas = L.DomUtil.create("canvas", "minusma-places leaflet-zoom-animated");
        this._canvas.style.pointerEvents = "none";
        this._canvas.setAttribute("data-count", String(this.count));
        this.getPane().appendChild(this._canvas);
        this._onClickCapture = this._onClickCapture || L.bind(this._click, this);
        map.getContainer().addEventListener("click", this._onClickCapture, true);
        this._redraw();
    },
    onRemove: function(map) {
        map.getContainer().removeEventListener("click", this._onClickCapture, true);
        L.DomUtil.remove(this._canvas);
        this._canvas = null; this._grid = {}; this.drawn = 0;
    },
    getEvents: function() {
        var events = {moveend: this._redraw, resize: this._redraw, zoomstart: this._hide};
        if (this._map && this._map.options.zoomAnimation) { events.zoomanim = this._animateZoom; }
        return events;
    },
    _hide: function() { if (this._canvas) { this._canvas.style.visibility = "hidden"; } },
    _animateZoom: function(e) {
        var map = this._map;
        if (!this._canvas || !this._topLeft || !map._latLngToNewLayerPoint) { return; }
        var offset = map._latLngToNewLayerPoint(this._topLeft, e.zoom, e.center);
        L.DomUtil.setTransform(this._canvas, offset, map.getZoomScale(e.zoom));
        this._canvas.style.visibility = "";
    },
    _redraw: function() {
        var map = this._map, canvas = this._canvas;
        if (!map || !canvas) { return; }
        var size = map.getSize(), pad = size.multiplyBy(this.options.padding).round();
        var min = pad.multiplyBy(-1), w = size.x + 2 * pad.x, h = size.y + 2 * pad.y;
        var ratio = window.devicePixelRatio || 1;
        canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
        canvas.style.width = w + "px"; canvas.style.height = h + "px";
        this._topLeft = map.containerPointToLatLng(min);
        L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint(min));
        canvas.style.visibility = "";
        var bounds = L.latLngBounds(this._topLeft, map.containerPointToLatLng(min.add([w, h])));
        var s = bounds.getSouth(), nn = bounds.getNorth(), west = bounds.getWest(), east = bounds.getEast();
        var ctx = canvas.getContext("2d"), o = this.options, rad = o.radius, cell = %(grid)d;
        ctx.setTransform(ratio, 0, 0, ratio, -min.x * ratio, -min.y * ratio);
        ctx.clearRect(min.x, min.y, w, h);
        ctx.beginPath();
        var grid = {}, drawn = 0, lat = this._lat, lon = this._lon, latlng = L.latLng(0, 0), p, key;
        for (var i = 0; i < this.count; i++) {
            if (lat[i] < s || lat[i] > nn || lon[i] < west || lon[i] > east) { continue; }
            latlng.lat = lat[i]; latlng.lng = lon[i];
            p = map.latLngToContainerPoint(latlng);
            ctx.moveTo(p.x + rad, p.y);
            ctx.arc(p.x, p.y, rad, 0, 2 * Math.PI);
            key = Math.floor(p.x / cell) + ":" + Math.floor(p.y / cell);
            (grid[key] = grid[key] || []).push(i);
            drawn++;
        }
        ctx.fillStyle = o.color; ctx.globalAlpha = o.opacity;
        ctx.fill();
        this._grid = grid; this.drawn = drawn;
        canvas.setAttribute("data-drawn", String(drawn));
    },
    pointAt: function(pt) {
        var map = this._map, cell = %(grid)d, best = -1, bestD = this.options.hitPx * this.options.hitPx;
        if (!map) { return -1; }
        var cx = Math.floor(pt.x / cell), cy = Math.floor(pt.y / cell), dx, dy, d, q, j, list;
        for (dx = -1; dx <= 1; dx++) {
            for (dy = -1; dy <= 1; dy++) {
                list = this._grid[(cx + dx) + ":" + (cy + dy)] || [];
                for (j = 0; j < list.length; j++) {
                    q = map.latLngToContainerPoint([this._lat[list[j]], this._lon[list[j]]]);
                    d = (q.x - pt.x) * (q.x - pt.x) + (q.y - pt.y) * (q.y - pt.y);
                    if (d <= bestD) { bestD = d; best = list[j]; }
                }
            }
        }
        return best;
    },
    info: function(i) {
        var a = this._d.admin[this._admin[i]], pc = this._d.pc[i], c = this._d.cls.charAt(i);
        return {name: this._d.names[i], classCode: Number(c), classLabel: this.options.classes[c] || "",
                pcode: pc.charAt(0) === "/" ? pc.slice(1) : a[5] + pc,
                region: a[0], regionPcode: a[1], cercle: a[2], cerclePcode: a[3], commune: a[4], communePcode: a[5],
                lat: this._lat[i], lon: this._lon[i]};
    },
    _content: function(i) {
        var f = this.info(i), div = L.DomUtil.create("div", "minusma-popup minusma-place");
        L.DomUtil.create("h4", "", div).textContent = f.name;
        var table = L.DomUtil.create("table", "", div);
        function row(label, value) {
            if (!value) { return; }
            var tr = L.DomUtil.create("tr", "", table);
            L.DomUtil.create("th", "", tr).textContent = label;
            L.DomUtil.create("td", "", tr).textContent = value;
        }
        function named(name, code) { return name && code ? name + " (" + code + ")" : (name || code); }
        row("class", named(f.classLabel, f.classCode ? String(f.classCode) : ""));
        row("P-code", f.pcode);
        row("commune", named(f.commune, f.communePcode));
        row("cercle", named(f.cercle, f.cerclePcode));
        row("region (2015)", named(f.region, f.regionPcode));
        return div;
    },
    _click: function(e) {
        var map = this._map;
        if (!map || (map.dragging && map.dragging.moved())) { return; }
        if (!map.getPane("mapPane").contains(e.target) && e.target !== map.getContainer()) { return; }
        // a click on a layer, popup or tooltip above this one is theirs; tiles and backdrop are below
        var pane = e.target.closest ? e.target.closest(".leaflet-pane") : null;
        if (pane && pane !== map.getPane("mapPane") &&
            Number(window.getComputedStyle(pane).zIndex || 0) >= Number(this.getPane().style.zIndex || 0)) { return; }
        var i = this.pointAt(map.mouseEventToContainerPoint(e));
        if (i < 0) { return; }
        e.stopPropagation();
        this.popup = L.popup({maxWidth: Math.min(320, window.innerWidth - 70)}).setLatLng([this._lat[i], this._lon[i]]).setContent(this._content(i))
            .openOn(map);
        this.fire("placeclick", {index: i});
    }
});
}
"""


class CanvasPlaces(Layer):
    """One Leaflet layer drawing packed points into a canvas, with a hit-tested popup on click.

    Parameters
    ----------
    gdf
        Point rows with the columns of :data:`COLUMNS` (any missing column is left blank).
    name
        Name in the layer control.
    attribution
        HTML shown in the attribution control while the layer is on (escaped by the caller).
    style
        ``color``, ``opacity`` and ``radius`` (px) of the dots.
    classes
        Label of each class code, shown in the popup.
    pane
        Leaflet pane of the canvas.
    show
        Whether the layer is on when the page opens.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.js }}
        var {{ this.get_name() }} = new L.MinusmaPlaces({{ this.data }}, {{ this.options|tojson }});
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        gdf: gpd.GeoDataFrame,
        *,
        name: str,
        attribution: str,
        style: Mapping[str, Any],
        classes: Mapping[int, str] | None = None,
        pane: str = "minusma-settlements",
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CanvasPlaces"
        packed = pack_places(gdf)
        self.count = len(packed["names"])
        self.data = safe_json(packed)
        self.js = PLACES_JS % {"scale": SCALE, "grid": GRID_PX}
        self.options = {
            "pane": pane,
            "attribution": attribution,
            "padding": 0.25,
            "hitPx": 6,
            "color": style.get("color", "#54278f"),
            "opacity": float(style.get("opacity", 0.6)),
            "radius": float(style.get("radius", 1.6)),
            "classes": {str(k): v for k, v in (classes or {}).items()},
        }
