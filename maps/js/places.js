// The canvas layer of maps/places.py (L.MinusmaPlaces); Python fills in the scale and grid
// placeholders. Every data string reaches the page as textContent, never parsed as HTML.
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
        this._ex = data.ex || null; this.step = this.options.step || 0;
    },
    setStep: function(i) {  // colour by the exposure class of step i (when packed with classes)
        if (i === this.step) { return; }
        this.step = i;
        if (this._ex) { this._redraw(); }
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
        // one path per colour: the exposure class of the step when packed, else one colour
        var ex = this._ex ? this._ex[this.step] : null, paths = {}, c;
        var grid = {}, drawn = 0, lat = this._lat, lon = this._lon, latlng = L.latLng(0, 0), p, key;
        for (var i = 0; i < this.count; i++) {
            if (lat[i] < s || lat[i] > nn || lon[i] < west || lon[i] > east) { continue; }
            latlng.lat = lat[i]; latlng.lng = lon[i];
            p = map.latLngToContainerPoint(latlng);
            c = ex ? ex.charAt(i) : "";
            (paths[c] = paths[c] || []).push(p.x, p.y);
            key = Math.floor(p.x / cell) + ":" + Math.floor(p.y / cell);
            (grid[key] = grid[key] || []).push(i);
            drawn++;
        }
        ctx.globalAlpha = o.opacity;
        for (c in paths) {
            var xy = paths[c];
            ctx.beginPath();
            for (var j = 0; j < xy.length; j += 2) {
                ctx.moveTo(xy[j] + rad, xy[j + 1]);
                ctx.arc(xy[j], xy[j + 1], rad, 0, 2 * Math.PI);
            }
            ctx.fillStyle = ex ? (o.exColours[c] || o.exUnknown) : o.color;
            ctx.fill();
        }
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
        var a = this._d.admin[this._admin[i]], pc = this._d.pc[i], c = this._d.cls.charAt(i), o = this.options;
        return {name: this._d.names[i], classCode: Number(c), classLabel: this.options.classes[c] || "",
                pcode: pc.charAt(0) === "/" ? pc.slice(1) : a[5] + pc,
                region: a[0], regionPcode: a[1], cercle: a[2], cerclePcode: a[3], commune: a[4], communePcode: a[5],
                lat: this._lat[i], lon: this._lon[i],
                exposure: this._ex ? (o.exLabels[this._ex[this.step].charAt(i)] || o.labels.noClass) : ""};
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
        var t = this.options.labels;
        row(t.exposure, f.exposure);
        row(t.placeClass, named(f.classLabel, f.classCode ? String(f.classCode) : ""));
        row(t.pcode, f.pcode);
        row(t.commune, named(f.commune, f.communePcode));
        row(t.cercle, named(f.cercle, f.cerclePcode));
        row(t.region, named(f.region, f.regionPcode));
        return div;
    },
    search: function(q, norm, limit) {  // places whose name or P-code key matches q, names first
        if (!this._keys) {  // built on the first search, not at page load
            var keys = new Array(this.count);
            for (var i = 0; i < this.count; i++) { keys[i] = norm(this._d.names[i]) + "|" + norm(this.info(i).pcode); }
            this._keys = keys;
        }
        var starts = [], inside = [];
        for (var k = 0; k < this._keys.length && starts.length < limit; k++) {
            var at = this._keys[k].indexOf(q);
            if (at === 0) { starts.push(k); } else if (at > 0 && inside.length < limit) { inside.push(k); }
        }
        return starts.concat(inside).slice(0, limit);
    },
    openAt: function(i) {  // zoom to place i and open its popup
        var map = this._map;
        if (!map) { return; }
        map.setView([this._lat[i], this._lon[i]], Math.max(map.getZoom(), 11), {animate: false});
        this._openPopup(i);
    },
    _openPopup: function(i) {
        this.popup = L.popup({maxWidth: Math.min(320, window.innerWidth - 70)}).setLatLng([this._lat[i], this._lon[i]]).setContent(this._content(i))
            .openOn(this._map);
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
        this._openPopup(i);
        this.fire("placeclick", {index: i});
    }
});
}
