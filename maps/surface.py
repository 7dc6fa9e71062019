"""Raster overlay: the distance to the nearest open MINUSMA site, as an image on the map.

The surface is :func:`layers.population.write_distance_surface` (geodesic km from each cell centre
to the nearest open site) on the WorldPop 2020 grid of the data directory (1/6 degree, about 18 km),
written to a temporary GeoTIFF and read back. Cells outside Mali (the shipped ``layers.regions``
outline, every cell it touches kept) are nodata. The values are coloured with matplotlib's
``magma_r`` colormap (``magma`` reversed: perceptually uniform, readable in grey and by colour-blind
readers; light = near a site, dark = far), linearly from 0 to :data:`MAX_KM` (farther cells take the
darkest colour), into a PNG that is transparent where the surface is nodata. The PNG is embedded as
a ``data:`` URI, so the overlay needs no network and works in ``--offline`` pages.

Leaflet draws an image overlay by stretching it linearly between its corners in the map's
projection, Web Mercator (EPSG:3857), whereas the grid is regular in latitude. Over Mali (about
10-25 degrees N) a 0.17-degree row is 9 % taller at the top than at the bottom in Web Mercator: the
distortion within one cell is negligible, but it adds up, and drawn as is the middle rows would land
about one cell (20 km) south of their place. The grid is therefore reprojected with
:func:`rasterio.warp.reproject` (nearest neighbour, :data:`ROWS_PER_CELL` image rows per grid row)
onto a grid regular in Web Mercator with exactly the same corners: the overlay's bounds are the
raster's exact bounds and every cell lands where it belongs (to within 1/(2 x ROWS_PER_CELL) of a
cell, about 2 km).

Examples
--------
>>> from minusma.maps.build import make_map
>>> m = make_map(data_dir="../shared/data", as_of="2023-12-12")  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from pyproj import Transformer
from rasterio.features import geometry_mask
from rasterio.warp import Resampling, reproject

from minusma.geo.exposure import coverage, params
from minusma.geo.i18n import DEFAULT_LANG, date_text, text
from minusma.layers.datasets import Raster
from minusma.layers.mission import BEFORE_DATE
from minusma.layers.population import ATTRIBUTION as WORLDPOP_ATTRIBUTION
from minusma.layers.population import NODATA_KM, read_density, write_distance_surface
from minusma.maps.popups import esc

logger = logging.getLogger(__name__)

__all__ = [
    "ATTRIBUTION",
    "CMAP",
    "MAX_KM",
    "OPACITY",
    "PANE",
    "ROWS_PER_CELL",
    "Surface",
    "SurfaceOverlay",
    "add_distance_overlays",
    "distance_surface",
    "legend_rows",
    "surface_png",
]

#: matplotlib colormap of the overlay (``magma`` reversed: light near a site, dark far from every
#: site).
CMAP = "magma_r"
#: Distance (km) that takes the darkest colour; farther cells take it too. 13 sites open: 99 % of
#: Mali's cells are within 840 km of one; Gao alone (28 Dec 2023): half of them are farther than 575
#: km.
MAX_KM = 1000.0
#: Legend ticks (km).
TICKS_KM = (0, 250, 500, 750, 1000)
#: Opacity of the overlay on the map (the image itself is opaque where there is data).
OPACITY = 0.6
#: Image rows per grid row in the Web Mercator image (see the module docstring).
ROWS_PER_CELL = 4
#: Leaflet pane of the overlays (see :data:`maps.style.PANES`): above the regions, below every
#: vector layer.
PANE = "minusma-surface"
#: Credit shown in the attribution control while an overlay is on.
ATTRIBUTION = "Distance surface: computed by minusma-exposure on the WorldPop 2020 grid"

_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


@dataclass(frozen=True)
class Surface:
    """A distance surface on a lon/lat grid: km (masked where nodata), transform, what it shows."""

    km: np.ma.MaskedArray
    transform: Affine
    label: str
    sites_open: int

    @property
    def bounds(self) -> list[list[float]]:
        """``[[south, west], [north, east]]`` of the grid (degrees), as Leaflet takes them."""
        t, (rows, cols) = self.transform, self.km.shape
        return [[t.f + t.e * rows, t.c], [t.f, t.c + t.a * cols]]


def _mali_grid(data_dir: str | os.PathLike | None) -> Raster:
    """The WorldPop grid with every cell that does not touch Mali masked."""
    from minusma import layers

    grid = read_density(None, data_dir)
    outline = layers.regions().geometry.union_all()
    outside = geometry_mask(
        [outline], out_shape=grid.values.shape, transform=grid.transform, all_touched=True
    )
    values = np.ma.array(grid.values, mask=np.ma.getmaskarray(grid.values) | outside)
    return Raster(values, grid.transform, grid.crs, grid.nodata)


def distance_surface(
    bases: gpd.GeoDataFrame,
    when: str | dt.date,
    *,
    label: str,
    data_dir: str | os.PathLike | None = None,
    grid: Raster | None = None,
) -> Surface:
    """The distance (km) from every WorldPop cell in Mali to the nearest site open on ``when``.

    Parameters
    ----------
    bases
        Sites with ``closure_date`` (``layers.bases()``); a site closed on day D is not open on D.
    when
        The date.
    label
        What the surface shows (layer name).
    data_dir
        The data directory holding the WorldPop raster (default ``$MINUSMA_DATA``).
    grid
        The grid, if already read (:func:`read_density` with cells outside Mali masked).

    Returns
    -------
    Surface
        The km grid (masked outside Mali and where nodata), its transform, ``label`` and the number
        of sites open.

    Raises
    ------
    DataDirError
        No WorldPop raster in the data directory.
    """
    grid = _mali_grid(data_dir) if grid is None else grid
    is_open = coverage.open_mask(bases, params.parse_iso_date(when))
    with tempfile.TemporaryDirectory(prefix="minusma-surface-") as tmp:
        path = write_distance_surface(bases[is_open], Path(tmp) / "distance_km.tif", template=grid)
        with rasterio.open(path) as src:
            km, transform = src.read(1, masked=True), src.transform
    return Surface(km=km, transform=transform, label=label, sites_open=int(is_open.sum()))


def _to_mercator(surface: Surface) -> np.ndarray:
    """The surface on a grid regular in Web Mercator with the same corners (NaN where nodata)."""
    (south, west), (north, east) = surface.bounds
    (x0, x1), (y0, y1) = _MERCATOR.transform([west, east], [south, north])
    rows, cols = surface.km.shape
    height = rows * ROWS_PER_CELL
    dst = np.full((height, cols), NODATA_KM, dtype="float32")
    reproject(
        source=surface.km.filled(NODATA_KM).astype("float32"),
        destination=dst,
        src_transform=surface.transform,
        src_crs="EPSG:4326",
        src_nodata=NODATA_KM,
        dst_transform=Affine((x1 - x0) / cols, 0.0, x0, 0.0, -(y1 - y0) / height, y1),
        dst_crs="EPSG:3857",
        dst_nodata=NODATA_KM,
        resampling=Resampling.nearest,
    )
    return np.where(dst == NODATA_KM, np.nan, dst)


def surface_png(surface: Surface) -> bytes:
    """The overlay image: :data:`CMAP` over 0-:data:`MAX_KM` km, alpha 0 where nodata.

    The rows are resampled to Web Mercator, as Leaflet stretches an image overlay linearly.

    Parameters
    ----------
    surface
        A distance surface (:func:`distance_surface`).

    Returns
    -------
    bytes
        The PNG image.
    """
    from matplotlib import colormaps

    km = _to_mercator(surface)
    nodata = np.isnan(km)
    rgba = colormaps[CMAP](np.clip(np.nan_to_num(km) / MAX_KM, 0.0, 1.0), bytes=True)
    rgba[nodata] = 0
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", optimize=True)
    return buf.getvalue()


class SurfaceOverlay(folium.raster_layers.ImageOverlay):
    """An image overlay of a distance surface that knows the size of its PNG.

    Renders exactly as :class:`folium.raster_layers.ImageOverlay`.
    """

    #: Size of the overlay's PNG image in bytes.
    png_bytes: int = 0


def _overlay(surface: Surface, *, show: bool = False) -> SurfaceOverlay:
    png = surface_png(surface)
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    layer = SurfaceOverlay(
        url,
        surface.bounds,
        name=surface.label,
        show=show,
        pixelated=True,
        opacity=OPACITY,
        pane=PANE,
        attribution=ATTRIBUTION,
        alt=surface.label,
        class_name="minusma-surface",
    )
    layer.png_bytes = len(png)
    return layer


def add_distance_overlays(
    m: folium.Map,
    bases: gpd.GeoDataFrame,
    *,
    date: dt.date,
    data_dir: str | os.PathLike | None = None,
    before: str | dt.date = BEFORE_DATE,
    lang: str = DEFAULT_LANG,
) -> list[SurfaceOverlay]:
    """Add the distance surfaces before the withdrawal and on ``date``.

    They are off by default in the layer control and named in ``lang`` (:mod:`maps.i18n`).
    The ``date`` surface is added only when a site is open then and the open sites differ from those
    of ``before`` (otherwise it would repeat the first). It does not follow the map's time control:
    its layer name gives its date.

    Parameters
    ----------
    m
        The map to add the overlays to.
    bases
        The sites (:func:`layers.bases`), with ``closure_date``.
    date
        The map's date.
    data_dir
        The data directory holding the WorldPop raster (default ``$MINUSMA_DATA``).
    before
        The date before the withdrawal (every site open).
    lang
        Language of the layer names.

    Returns
    -------
    list of SurfaceOverlay
        The image overlays added (each with ``png_bytes``, the size of its image).

    Raises
    ------
    DataDirError
        No WorldPop raster in the data directory.
    """
    grid = _mali_grid(data_dir)
    before = params.parse_iso_date(before, name="before")
    first = distance_surface(
        bases,
        before,
        data_dir=data_dir,
        grid=grid,
        label=text("layer.distance_before", lang, date=date_text(before, lang)),
    )
    layers_ = [_overlay(first)]
    same = np.array_equal(coverage.open_mask(bases, before), coverage.open_mask(bases, date))
    if same:
        logger.info(
            "distance overlay: the sites open on %s are those open before; one overlay", date
        )
    elif not coverage.open_mask(bases, date).any():
        logger.info(
            "distance overlay: no site is open on %s; only the surface before the withdrawal", date
        )
    else:
        layers_.append(
            _overlay(
                distance_surface(
                    bases,
                    date,
                    data_dir=data_dir,
                    grid=grid,
                    label=text("layer.distance_on", lang, date=date_text(date, lang)),
                )
            )
        )
    for layer in layers_:
        layer.add_to(m)
    logger.info(
        "distance overlays: %s (%s bytes of PNG)",
        [la.layer_name for la in layers_],
        [la.png_bytes for la in layers_],
    )
    return layers_


def legend_rows(lang: str = DEFAULT_LANG) -> str:
    """The legend section of the overlays: a colour ramp of :data:`CMAP` with km labels, the credit.

    Parameters
    ----------
    lang
        Language of the heading and note (:mod:`maps.i18n`).

    Returns
    -------
    str
        The HTML of the section (data text escaped).
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[CMAP]
    stops = ", ".join(f"{to_hex(cmap(i / 8))} {i * 12.5:g}%" for i in range(9))
    labels = "".join(f"<span>{'&ge;' if k == TICKS_KM[-1] else ''}{k:,}</span>" for k in TICKS_KM)
    note = text("distance_note", lang, credit=ATTRIBUTION, grid=WORLDPOP_ATTRIBUTION)
    return (
        f"<h4>{esc(text('distance_heading', lang))}</h4>"
        f'<div class="minusma-ramp" style="width:200px;height:10px;opacity:{OPACITY};'
        f'background:linear-gradient(to right, {stops});border:1px solid #555"></div>'
        '<div class="minusma-ramp-labels" '
        'style="width:202px;display:flex;justify-content:space-between;'
        f'font-size:11px">{labels}</div><p class="minusma-note">{esc(note)}</p>'
    )
