// Place every popup clear of the map's controls (zoom, fullscreen, search, legend, layer control,
// time control, scale, attribution): Leaflet's autoPan only knows the map's edges. On opening,
// a phone's popup gets a maxHeight that fits between the top and bottom controls (it scrolls),
// then the map pans by the smallest shift that puts the popup inside the map and off every
// control; when no shift clears the whole popup, the smallest that clears its head (title and
// class line) does. `{{map}}` is replaced by the map's variable.
(function() {
    var map = {{map}};
    var MARGIN = 6;
    function rect(e) { return e.getBoundingClientRect(); }
    function overlaps(a, b) {
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }
    function shifted(r, dx, dy) {
        return {left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy};
    }
    function controls() {
        return [].slice.call(map.getContainer().querySelectorAll(".leaflet-control"))
            .map(rect).filter(function(r) { return r.width > 0 && r.height > 0; });
    }
    function fits(r, box, boxes) {
        return r.left >= box.left + MARGIN && r.right <= box.right - MARGIN &&
            r.top >= box.top + MARGIN && r.bottom <= box.bottom - MARGIN &&
            !boxes.some(function(c) { return overlaps(r, c); });
    }
    function best(r, box, boxes) {  // smallest [dx, dy] that fits r, or null
        var xs = [0, box.left + MARGIN - r.left, box.right - MARGIN - r.right];
        var ys = [0, box.top + MARGIN - r.top, box.bottom - MARGIN - r.bottom];
        boxes.forEach(function(c) {
            xs.push(c.right + MARGIN - r.left, c.left - MARGIN - r.right);
            ys.push(c.bottom + MARGIN - r.top, c.top - MARGIN - r.bottom);
        });
        var found = null, cost = Infinity;
        xs.forEach(function(dx) {
            ys.forEach(function(dy) {
                var c = Math.abs(dx) + Math.abs(dy);
                if (c < cost && fits(shifted(r, dx, dy), box, boxes)) { found = [dx, dy]; cost = c; }
            });
        });
        return found;
    }
    function place(popup) {
        var el = popup.getElement();
        if (!el) { return; }
        var box = rect(map.getContainer()), boxes = controls();
        var top = box.top, bottom = box.bottom;
        boxes.forEach(function(c) {
            if (c.top - box.top < box.height / 2) { top = Math.max(top, c.bottom); }
            else { bottom = Math.min(bottom, c.top); }
        });
        var room = Math.max(160, bottom - top - 2 * MARGIN - 30);  // 30: the popup's tip
        if (window.innerWidth < 700 && popup.options.maxHeight !== room) {  // phones
            popup.options.maxHeight = room;
            popup.update();
        }
        var whole = rect(el);
        var head = el.querySelector(".minusma-class-now") || el.querySelector("h4");
        var shift = best(whole, box, boxes);
        if (!shift && head) {
            var h = rect(head), c = rect(el.querySelector(".leaflet-popup-content-wrapper") || el);
            shift = best({left: c.left, right: c.right, top: c.top, bottom: h.bottom}, box, boxes);
        }
        if (shift && (shift[0] || shift[1])) {
            map.panBy([-shift[0], -shift[1]], {animate: false});
        }
    }
    L.Popup.prototype.options.autoPan = false;  // inherited by every popup, even those bound
    map.on("popupopen", function(e) {
        place(e.popup);
        // a popup opened while the map still zooms or pans (a setView during an animation) is
        // placed again once the view has settled (Leaflet 1.9's own animation flags)
        if (map._animatingZoom || (map._panAnim && map._panAnim._inProgress)) {
            map.once("zoomend moveend", function() { if (e.popup.isOpen()) { place(e.popup); } });
        }
    });
    window.minusmaPlacePopup = place;
})();
