"""People per polygon and near points from the WorldPop density raster; distance surfaces as
GeoTIFF.

The raster read by default is the data directory's
``worldpop/worldpop2020_density_20km_mali_bbox.tif``: WorldPop 2020 persons/km², averaged to cells
of 1/6 degree (about 18 km). **It is coarse**: a town, a Bamako-sized district or a 10 km buffer
covers a fraction of one cell, so figures for small areas are rough; it is meant for tests and
national or regional totals. For real work download a finer WorldPop raster (1 km or 100 m,
persons/km² or persons per cell converted to density) and pass it as ``raster=``: the code is the
same (the covered share of each cell is computed by ``exactextract``, fast on fine rasters).

Areas are geodesic: each cell's area is computed on the WGS84 ellipsoid row by row (cells shrink
towards the poles); buffers are geodesic circles (built in an azimuthal equidistant projection
centred on each point, then projected back).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from pyproj import CRS
from rasterio.features import geometry_mask
from shapely.geometry import Point

from minusma.geo._errors import ParameterError
from minusma.geo.crs import WGS84, to_wgs84
from minusma.geo.distance import GEOD, nearest_km
from minusma.geo.io import write_geotiff
from minusma.layers.datasets import Raster, read_dataset

logger = logging.getLogger(__name__)

__all__ = [
    "DATASET",
    "METHODS",
    "NODATA_KM",
    "cell_area_km2",
    "geodesic_buffers",
    "people_cells",
    "population_in_polygons",
    "population_within_km",
    "read_density",
    "write_distance_surface",
]

#: Methods of :func:`population_in_polygons`.
METHODS = ("fraction", "fraction-shapely", "centre", "touched")

#: Registry name of the default density raster.
DATASET = "worldpop_density"

#: Nodata value of the distance surfaces written by :func:`write_distance_surface`.
NODATA_KM = -1.0

#: Population raster attribution, for captions.
ATTRIBUTION = (
    "WorldPop (www.worldpop.org), 2020 unconstrained 1km population; aggregated by afrilearndata "
    "(afrimapr)"
)


def read_density(
    raster: Raster | str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None
) -> Raster:
    """The density raster (persons/km², EPSG:4326) as a :class:`layers.datasets.Raster`.

    Parameters
    ----------
    raster
        None for the registered WorldPop raster in the data directory, a GeoTIFF path, or a Raster.
    data_dir
        The data directory (default ``$MINUSMA_DATA``) when ``raster`` is None.
    """
    if raster is None:
        return read_dataset(DATASET, data_dir)
    if isinstance(raster, Raster):
        return raster
    with rasterio.open(raster) as src:
        if src.crs is None or not CRS.from_user_input(src.crs).equals(WGS84):
            raise ParameterError(f"raster {raster} must be in EPSG:4326 (lon/lat), got {src.crs}")
        return Raster(src.read(1, masked=True), src.transform, "EPSG:4326", src.nodata)


def cell_area_km2(raster: Raster) -> np.ndarray:
    """Geodesic area (km²) of every cell of a north-up lon/lat raster, computed once per row."""
    t = raster.transform
    if t.b != 0 or t.d != 0:
        raise ParameterError("raster must be north-up (no rotation)")
    rows, cols = raster.values.shape
    tops = t.f + t.e * np.arange(rows)
    areas = (
        np.array(
            [
                abs(
                    GEOD.polygon_area_perimeter(
                        [t.c, t.c + t.a, t.c + t.a, t.c], [y, y, y + t.e, y + t.e]
                    )[0]
                )
                for y in tops
            ]
        )
        / 1e6
    )
    return np.repeat(areas[:, None], cols, axis=1)


def _people_per_cell(raster: Raster) -> np.ndarray:
    return np.ma.filled(raster.values.astype("float64"), 0.0) * cell_area_km2(raster)


def people_cells(
    raster: Raster | str | os.PathLike | None = None, data_dir: str | os.PathLike | None = None
) -> gpd.GeoDataFrame:
    """Every populated cell of the density raster as a point at its centre with ``people``
    (density x geodesic cell area): the demand points of a covering problem.

    Cells with no data or no people are left out. The default raster's cells are about 18 km
    across, so a point stands for a few hundred km² of people.
    """
    density = read_density(raster, data_dir)
    people = _people_per_cell(density)
    rows, cols = np.nonzero(people > 0)
    t = density.transform
    lon = t.c + t.a * (cols + 0.5)
    lat = t.f + t.e * (rows + 0.5)
    return gpd.GeoDataFrame(
        {"people": people[rows, cols]}, geometry=gpd.points_from_xy(lon, lat), crs=WGS84
    )


def _cell_boxes(raster: Raster, rows: slice, cols: slice) -> np.ndarray:
    t = raster.transform
    c = np.arange(cols.start, cols.stop)
    r = np.arange(rows.start, rows.stop)
    x0, y0 = np.meshgrid(t.c + t.a * c, t.f + t.e * r)
    return shapely.box(x0, y0 + t.e, x0 + t.a, y0)


def _exact_sums(r: Raster, people: np.ndarray, geoms: gpd.GeoSeries) -> np.ndarray:
    """Sum of ``people`` weighted by the covered share of each cell (exactextract), NaN for
    missing or empty geometries."""
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource

    t = r.transform
    rows, cols = people.shape
    source = NumPyRasterSource(
        people,
        xmin=t.c,
        xmax=t.c + t.a * cols,
        ymin=t.f + t.e * rows,
        ymax=t.f,
        srs_wkt=CRS.from_user_input(WGS84).to_wkt(),
    )
    out = np.full(len(geoms), np.nan)
    valid = ~(shapely.is_missing(geoms.values) | shapely.is_empty(geoms.values))
    if valid.any():
        shapes = gpd.GeoDataFrame(geometry=geoms.values[valid], crs=WGS84)
        sums = exact_extract(source, shapes, "sum", output="pandas")["sum"]
        out[valid] = sums.to_numpy(dtype="float64")
    return out


def population_in_polygons(
    polys: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    raster: Raster | str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    method: str = "fraction",
) -> pd.Series:
    """People living in each polygon: the sum of density × geodesic cell area over the polygon.

    Parameters
    ----------
    polys
        Polygons (any CRS with one set), e.g. :func:`layers.admin.cercles` or
        :func:`layers.regions`.
    raster, data_dir
        The density raster (see :func:`read_density`); default the coarse (~18 km) WorldPop test
        raster.
    method
        ``"fraction"`` (default): each cell counts by the share of it the polygon covers (exact
        intersection; right for polygons smaller than a cell), computed by ``exactextract``.
        ``"fraction-shapely"``: the same with shapely, cell by cell (the reference implementation,
        kept as the test oracle; hundreds of times slower on a fine raster). ``"centre"``: cells
        whose centre lies in the polygon (``rasterio.features.geometry_mask``), the usual zonal
        statistic; ``"touched"``: every cell the polygon touches (an upper bound).

    Returns
    -------
    pandas.Series
        ``population``, aligned to ``polys.index``.
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    r = read_density(raster, data_dir)
    people = _people_per_cell(r)
    frame = polys if isinstance(polys, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=polys)
    geoms = to_wgs84(frame, name="polys").geometry
    if method == "fraction":
        return pd.Series(_exact_sums(r, people, geoms), index=frame.index, name="population")
    shape = people.shape
    inv = ~r.transform
    out = np.zeros(len(geoms))
    for i, geom in enumerate(geoms.values):
        if geom is None or geom.is_empty:
            out[i] = np.nan
            continue
        if method != "fraction-shapely":
            inside = ~geometry_mask(
                [geom], out_shape=shape, transform=r.transform, all_touched=(method == "touched")
            )
            out[i] = people[inside].sum()
            continue
        xmin, ymin, xmax, ymax = geom.bounds
        c0, r0 = inv @ (xmin, ymax)
        c1, r1 = inv @ (xmax, ymin)
        rows = slice(max(int(np.floor(r0)), 0), min(int(np.ceil(r1)), shape[0]))
        cols = slice(max(int(np.floor(c0)), 0), min(int(np.ceil(c1)), shape[1]))
        if rows.start >= rows.stop or cols.start >= cols.stop:
            continue
        cells = _cell_boxes(r, rows, cols)
        share = shapely.area(shapely.intersection(cells, geom)) / shapely.area(
            cells
        )  # a ratio, not a measure
        out[i] = float((people[rows, cols] * share).sum())
    return pd.Series(out, index=frame.index, name="population")


def geodesic_buffers(points: gpd.GeoDataFrame | gpd.GeoSeries, radius_km: float) -> gpd.GeoSeries:
    """Geodesic circles of ``radius_km`` around points, in EPSG:4326, aligned to the input index.

    Each circle is built in an azimuthal equidistant projection centred on its point (distances
    from the centre are true there) with 64 segments per quarter, then projected back to lon/lat.
    """
    if not np.isfinite(radius_km) or radius_km <= 0:
        raise ParameterError(f"radius_km must be a positive number, got {radius_km!r}")
    frame = points if isinstance(points, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=points)
    geoms = to_wgs84(frame, name="points").geometry
    out = []
    for geom in geoms.values:
        if geom is None or geom.is_empty:
            out.append(None)
            continue
        aeqd = CRS.from_proj4(
            f"+proj=aeqd +lat_0={geom.y} +lon_0={geom.x} +datum=WGS84 +units=m +no_defs"
        )
        circle = gpd.GeoSeries([Point(0, 0).buffer(radius_km * 1000.0, 64)], crs=aeqd).to_crs(WGS84)
        out.append(circle.iloc[0])
    return gpd.GeoSeries(out, index=frame.index, crs=WGS84)


def population_within_km(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    radius_km: float,
    *,
    raster: Raster | str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
) -> float:
    """People living within ``radius_km`` (geodesic) of at least one of the points.

    The union of :func:`geodesic_buffers` is counted once with :func:`population_in_polygons`
    (``method="fraction"``), so overlapping circles do not double-count. With the coarse test raster
    (~18 km cells) radii under ~30 km give rough figures; use a finer raster for real work.

    Returns
    -------
    float
        People (0.0 if there are no points).
    """
    circles = geodesic_buffers(points, radius_km).dropna()
    if circles.empty:
        return 0.0
    union = gpd.GeoSeries([circles.union_all()], crs=WGS84)
    return float(population_in_polygons(union, raster=raster, data_dir=data_dir).iloc[0])


def write_distance_surface(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    path: str | os.PathLike,
    *,
    template: Raster | str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
) -> Any:
    """Write a GeoTIFF of the geodesic distance (km) from each cell centre to the nearest point.

    Parameters
    ----------
    points
        Points (e.g. open MINUSMA sites); rows without geometry are ignored.
    path
        Destination GeoTIFF; written atomically (:func:`geo.io.atomic_path`).
    template
        The grid: a Raster, a GeoTIFF path, or None for the density raster of the data directory
        (coarse, ~18 km; pass a finer grid for real work). The output has its transform and CRS.
    data_dir
        The data directory when ``template`` is None.

    Returns
    -------
    pathlib.Path
        ``path``. The file is float32, one band, LZW, nodata :data:`NODATA_KM` (cells where the
        template is nodata, or all cells if there are no points).
    """
    grid = read_density(template, data_dir)
    frame = points if isinstance(points, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=points)
    geoms = to_wgs84(frame, name="points").geometry
    geoms = geoms[~(shapely.is_missing(geoms.values) | shapely.is_empty(geoms.values))]
    rows, cols = grid.values.shape
    t = grid.transform
    xs = t.c + t.a * (np.arange(cols) + 0.5)
    ys = t.f + t.e * (np.arange(rows) + 0.5)
    lon, lat = np.meshgrid(xs, ys)
    dist = np.full((rows, cols), NODATA_KM, dtype="float32")
    if len(geoms):
        _, km = nearest_km(lon.ravel(), lat.ravel(), geoms.x.to_numpy(), geoms.y.to_numpy())
        dist = km.reshape(rows, cols).astype("float32")
        dist[np.ma.getmaskarray(grid.values)] = NODATA_KM
    else:
        logger.warning("write_distance_surface: no points with geometry; every cell is nodata")
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4326",
        "transform": t,
        "nodata": NODATA_KM,
        "compress": "lzw",
    }
    write_geotiff(
        path,
        dist,
        profile,
        tags={"units": "km", "description": "geodesic distance to the nearest point (WGS84)"},
    )
    logger.info("distance surface %dx%d written to %s", cols, rows, path)
    return path
