"""WorldPop zonal sums, people near points and distance surfaces, on the real data directory."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from shapely.geometry import Point

from minusma import layers
from minusma.geo._errors import ParameterError, SchemaError
from minusma.layers import population as pop
from minusma.layers.admin import _area_km2
from minusma.layers.datasets import dataset_path


@pytest.fixture(scope="module")
def density(data_dir):
    return pop.read_density(data_dir=data_dir)


def test_mali_total_matches_source(density):
    mali = gpd.GeoSeries([layers.regions().union_all()], crs="EPSG:4326")
    total = pop.population_in_polygons(mali, raster=density).iloc[0]
    assert 19e6 < total < 20e6  # SOURCE.md: about 19-20 million
    centre = pop.population_in_polygons(mali, raster=density, method="centre").iloc[0]
    assert centre == pytest.approx(total, rel=0.02)


def test_exactextract_matches_the_shapely_oracle(density, data_dir):
    """The exactextract fractions against the cell-by-cell shapely intersection they replaced, on
    polygons large (cercles), smaller than a cell (5 km circles), straddling the raster's edge, and
    missing or empty (NaN)."""
    from shapely.geometry import Polygon

    from minusma.layers import admin

    shapes = list(admin.cercles(data_dir).geometry)
    shapes += list(pop.geodesic_buffers(layers.towns().dropna(subset=["geometry"]).head(20), 5.0))
    t = density.transform
    edge_x = t.c  # the raster's west edge: half of this square lies outside
    shapes += [
        Polygon(
            [(edge_x - 0.3, 14), (edge_x + 0.3, 14), (edge_x + 0.3, 14.6), (edge_x - 0.3, 14.6)]
        )
    ]
    shapes += [None, Polygon()]
    polys = gpd.GeoSeries(shapes, crs="EPSG:4326")
    fast = pop.population_in_polygons(polys, raster=density)
    oracle = pop.population_in_polygons(polys, raster=density, method="fraction-shapely")
    assert fast.iloc[-2:].isna().all() and oracle.iloc[-2:].isna().all()
    # same figures to 1e-6 relative (exactextract and GEOS differ only in rounding)
    np.testing.assert_allclose(fast.iloc[:-2], oracle.iloc[:-2], rtol=1e-6, atol=1e-6)
    assert fast.iloc[-3] > 0 and (fast.iloc[:-2] > 0).all()


def test_cell_area_is_geodesic_per_row(density):
    area = pop.cell_area_km2(density)
    assert area.shape == density.values.shape
    assert (area[:, 0] == area[:, -1]).all()
    # 1/6 degree cells: ~342 km2 at 10 N, smaller further north
    assert area[-1, 0] == pytest.approx(338, rel=0.02) and area[0, 0] < area[-1, 0]


def test_regions_sum_and_bamako_is_densest(density):
    reg = layers.regions()
    people = pop.population_in_polygons(reg, raster=density)
    assert list(people.index) == list(reg.index)
    mali = pop.population_in_polygons(
        gpd.GeoSeries([reg.union_all()], crs="EPSG:4326"), raster=density
    ).iloc[0]
    assert people.sum() == pytest.approx(mali, rel=1e-6)
    per_km2 = people / _area_km2(reg.geometry)
    assert reg.loc[per_km2.idxmax(), "name"] == "Bamako"
    assert reg.loc[people.idxmin(), "name"] == "Kidal"


def test_people_near_open_sites_before_and_after(density):
    before = pop.population_within_km(layers.bases(as_of="2023-07-01"), 50, raster=density)
    gao_only = pop.population_within_km(layers.bases(as_of="2024-01-01"), 50, raster=density)
    after = pop.population_within_km(layers.bases(as_of="2024-07-22"), 50, raster=density)
    assert before > 5e6 and 0 < gao_only < before and after == 0.0
    # a 50 km circle covers 7,854 km2: around Gao, the density is tens per km2
    assert 5e4 < gao_only < 1e6


def test_geodesic_buffer_radius():
    circle = pop.geodesic_buffers(gpd.GeoSeries([Point(-4.2, 14.5)], crs="EPSG:4326"), 50).iloc[0]
    xy = np.asarray(circle.exterior.coords)
    from minusma.geo.distance import geodesic_km

    assert np.allclose(geodesic_km(-4.2, 14.5, xy[:, 0], xy[:, 1]), 50, atol=0.01)
    with pytest.raises(ParameterError, match="radius_km must be a positive number, got 0"):
        pop.geodesic_buffers(gpd.GeoSeries([Point(0, 15)], crs="EPSG:4326"), 0)


def test_distance_surface_round_trip(density, data_dir, tmp_path):
    sites = layers.bases(as_of="2023-07-01")
    out = pop.write_distance_surface(
        sites, tmp_path / "dist.tif", template=dataset_path("worldpop_density", data_dir)
    )
    with (
        rasterio.open(out) as dst,
        rasterio.open(dataset_path("worldpop_density", data_dir)) as src,
    ):
        assert dst.transform == src.transform and dst.crs == src.crs
        assert dst.nodata == pop.NODATA_KM and dst.shape == src.shape
        band = dst.read(1)
        cell_km = (
            abs(src.transform.a) * 111.32
        )  # cell width in km at the equator (bound, not a measure)
        for geom in sites.geometry:
            col, row = ~dst.transform @ (geom.x, geom.y)
            r, c = int(row), int(col)
            assert 0 <= band[r, c] < cell_km
        valid = band[band != pop.NODATA_KM]
        assert valid.min() >= 0 and valid.max() < 2000
    assert not list(tmp_path.glob(".dist.tif.*"))  # atomic: no temporary left


def test_bad_method_and_malformed_raster(tmp_path, data_dir):
    with pytest.raises(
        ParameterError,
        match="method must be one of fraction, fraction-shapely, centre, touched; got 'mean'",
    ):
        pop.population_in_polygons(
            gpd.GeoSeries([Point(0, 15).buffer(1)], crs="EPSG:4326"),
            data_dir=data_dir,
            method="mean",
        )
    # a copy of the raster placed outside Mali is refused, naming the file and the problem
    src_path = dataset_path("worldpop_density", data_dir)
    dest = tmp_path / "worldpop" / src_path.name
    dest.parent.mkdir()
    with rasterio.open(src_path) as src:
        profile = src.profile
        data = src.read()
    profile["transform"] = rasterio.transform.from_origin(
        60.0, 25.5, src.transform.a, src.transform.a
    )
    with rasterio.open(dest, "w", **profile) as dst:
        dst.write(data)
    with pytest.raises(
        SchemaError, match=r"worldpop2020_density_20km_mali_bbox\.tif[\s\S]*outside Mali's bounds"
    ):
        pop.read_density(data_dir=tmp_path)
