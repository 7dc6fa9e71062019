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
  does not start with it;
- ``ex`` (only with ``step_classes``): one string per time step, one character per place: the
  exposure class at that step as its index in ``EXPOSURE_CLASSES`` (``"0"`` = low), ``"-"`` for
  none. The layer colours the dots by the step set with ``setStep(i)``.

In the page, ``window[<layer name>]`` has ``count`` (places), ``drawn`` (points drawn in the
view), ``pointAt(containerPoint)`` (index or -1) and ``info(i)``; the canvas carries the same
counts in ``data-count`` and ``data-drawn``.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from folium.map import Layer
from folium.template import Template

from minusma.geo.i18n import DEFAULT_LANG, text
from minusma.maps.popups import safe_json
from minusma.maps.style import EXPOSURE_CLASSES, EXPOSURE_COLOURS, UNKNOWN_COLOUR

__all__ = ["COLUMNS", "GRID_PX", "SCALE", "CanvasPlaces", "pack_places", "unpack_places"]

#: Coordinates are packed as integers of 1/SCALE degree (5 decimals, ~1 m).
SCALE = 100_000

#: Character of "no exposure class" in the packed ``ex`` strings.
NO_CLASS = "-"

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


def pack_places(gdf: gpd.GeoDataFrame, step_classes: pd.DataFrame | None = None) -> dict[str, Any]:
    """Pack point rows into the compact arrays the canvas layer reads (see module docstring).

    Rows without a point are left out; the rest are sorted by P-code (then name), so the same
    frame always gives the same page. ``step_classes`` (index P-code, one column per step, values
    in ``EXPOSURE_CLASSES`` or None; :func:`minusma.maps.exposure.step_classes`) adds ``ex``.
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
    out = {
        "xy": xy.tolist(),
        "cls": cls,
        "names": frame["name"].tolist(),
        "admin": [list(r) for r in admin_rows],
        "runs": runs,
        "pc": pc,
    }
    if step_classes is not None:
        codes = {c: str(k) for k, c in enumerate(EXPOSURE_CLASSES)}
        aligned = step_classes[~step_classes.index.duplicated()].reindex(frame["pcode"])
        out["ex"] = [
            "".join(codes.get(v, NO_CLASS) for v in aligned[col]) for col in aligned.columns
        ]
    return out


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
    out = admin.assign(
        name=packed["names"],
        class_code=[int(c) for c in packed["cls"]],
        pcode=pcode,
        lon=xy[:, 0],
        lat=xy[:, 1],
    )
    for k, codes in enumerate(packed.get("ex", [])):
        out[f"exposure_{k}"] = [None if c == NO_CLASS else EXPOSURE_CLASSES[int(c)] for c in codes]
    return out


#: The Leaflet layer class (defined once per page), from the package's ``js/places.js``, with
#: ``%(scale)d`` and ``%(grid)d`` to fill in.
PLACES_JS = resources.files("minusma.maps").joinpath("js/places.js").read_text(encoding="utf-8")


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
    step_classes
        Exposure class of each place (index P-code) at each time step: the dots take the colour
        of the class at ``step`` (and of the step the time control sets with ``setStep``).
    step
        The step shown when the page opens.
    lang
        Language of the popup's labels (:mod:`maps.i18n`).
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
        step_classes: pd.DataFrame | None = None,
        step: int = 0,
        lang: str = DEFAULT_LANG,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CanvasPlaces"
        packed = pack_places(gdf, step_classes)
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
            "step": int(step),
            "exColours": {str(k): EXPOSURE_COLOURS[c] for k, c in enumerate(EXPOSURE_CLASSES)},
            "exUnknown": UNKNOWN_COLOUR,
            "exLabels": {str(k): text(f"class.{c}", lang) for k, c in enumerate(EXPOSURE_CLASSES)},
            "labels": {
                key: text(f"place.{key}", lang)
                for key in ("exposure", "placeClass", "pcode", "commune", "cercle", "region")
            }
            | {"noClass": text("no_class", lang)},
        }
