"""PRIO-GRID cells and unit x month panels."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from minusma.geo import panel, prio_grid
from minusma.geo._errors import MinusmaError, ParameterError


def test_gid_matches_ucdp_priogrid_gid_on_every_real_event(data_dir):
    ged = gpd.read_file(data_dir / "ucdp-ged-caf" / "ged231_caf.geojson")
    assert len(ged) == 1848
    gids = prio_grid.gid(ged.geometry.x, ged.geometry.y)
    np.testing.assert_array_equal(gids, ged["priogrid_gid"].to_numpy())


def test_gid_corners_and_edges():
    assert prio_grid.gid(-180, -90).tolist() == [1]
    assert prio_grid.gid(180, 90).tolist() == [360 * 720]
    # a point on a cell edge belongs to the cell to its north and east
    assert prio_grid.gid(0.0, 0.0).tolist() == [180 * 720 + 360 + 1]
    lon, lat = prio_grid.cell_center(prio_grid.gid([0.1, -0.1], [0.1, -0.1]))
    assert lon.tolist() == [0.25, -0.25] and lat.tolist() == [0.25, -0.25]
    with pytest.raises(ParameterError, match="outside"):
        prio_grid.gid([200.0], [0.0])
    with pytest.raises(MinusmaError, match="gids run from 1"):
        prio_grid.cell_center([0])


def test_cells_over_bbox_and_boundary():
    box = prio_grid.cells(bbox=(-1.0, 10.0, 1.0, 11.0))
    assert len(box) == 4 * 2
    assert box["gid"].is_monotonic_increasing
    assert shapely.union_all(box.geometry.values).equals(shapely.box(-1, 10, 1, 11))
    # a triangle covering the lower-left half: cells it only touches are left out
    tri = shapely.Polygon([(-1, 10), (1, 10), (-1, 11)])
    inside = prio_grid.cells(boundary=tri)
    assert 0 < len(inside) < len(box)
    assert set(inside["gid"]) <= set(box["gid"])
    with pytest.raises(ParameterError, match="exactly one"):
        prio_grid.cells()


def test_queen_neighbours_on_a_block_of_cells():
    grid = prio_grid.cells(bbox=(0.0, 0.0, 1.5, 1.5))  # 3 x 3
    w = prio_grid.queen_neighbours(grid["gid"].to_numpy())
    degree = np.asarray(w.sum(axis=1)).ravel()
    centre = int(np.flatnonzero((grid["lon"] == 0.75) & (grid["lat"] == 0.75))[0])
    assert degree[centre] == 8
    assert sorted(degree.tolist()) == [3, 3, 3, 3, 5, 5, 5, 5, 8]
    assert (w != w.T).nnz == 0 and w.diagonal().sum() == 0
    # order of the input is kept: a reversed list gives the reversed matrix
    rev = prio_grid.queen_neighbours(grid["gid"].to_numpy()[::-1]).toarray()
    np.testing.assert_array_equal(rev, w.toarray()[::-1, ::-1])


def test_month_index_and_labels():
    assert panel.month_label(panel.month_index("2016-01")[0]) == "2016-01"
    assert panel.month_index(["2016-12-31", "2017-01"]).tolist() == [24203, 24204]
    with pytest.raises(ParameterError, match="not a month"):
        panel.month_index(["2016-13"])


def test_panel_from_events_counts_and_reports_drops():
    months = panel.month_index(["2020-01", "2020-01", "2020-03", "2019-12", "2020-02"])
    p = panel.panel_from_events(
        ["a", "a", "b", "a", "z"],
        months,
        ["a", "b", "c"],
        span=("2020-01", "2020-03"),
        fatalities=[1, 2, np.nan, 5, 1],
    )
    assert p.span == ("2020-01", "2020-03")
    np.testing.assert_array_equal(p.counts, [[2, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert p.fatalities[0, 0] == 3
    assert p.report["dropped_outside_span"] == 1
    assert p.report["dropped_outside_units"] == 1
    assert p.report["fatalities_unknown"] == 1
    # windows: the 2 months before March 2020; a window reaching before the span is missing
    np.testing.assert_array_equal(p.window_sum(panel.month_index("2020-03")[0], 2), [2, 0, 0])
    assert np.isnan(p.window_sum(panel.month_index("2020-03")[0], 3)).all()


def test_panel_from_counts_keeps_missing_apart_from_zero():
    rows = pd.DataFrame(
        {
            "unit_id": ["a", "a", "b"],
            "month": ["2020-01", "2020-02", "2020-01"],
            "events": [0, 4, 1],
        }
    )
    p = panel.panel_from_counts(rows, ["a", "b"])
    assert p.counts[0, 0] == 0  # an explicit zero row is a zero
    assert np.isnan(p.counts[1, 1])  # an unlisted unit-month is missing
    assert p.report["unit_months_missing"] == 1
    back = p.to_frame()
    assert back[["unit_id", "month", "events"]].values.tolist() == [
        ["a", "2020-01", 0.0],
        ["a", "2020-02", 4.0],
        ["b", "2020-01", 1.0],
    ]


def test_assign_units_points_to_polygons():
    units = gpd.GeoDataFrame(
        {"pcode": ["W", "E"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([0.5, 1.5, 5.0, 1.0], [0.5, 0.5, 5.0, 0.5]), crs="EPSG:4326"
    )
    assert panel.assign_units(pts, units, "pcode").tolist() == ["W", "E", None, "W"]


def test_assign_nearest_within_a_radius_per_point():
    towns = gpd.GeoDataFrame(
        {"town_id": ["a", "b"]}, geometry=gpd.points_from_xy([0.0, 1.0], [0.0, 0.0]), crs=4326
    )
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([0.05, 0.9, 0.5, 0.5], [0.0, 0.0, 0.0, 0.0]), crs=4326
    )
    # 0.05 deg ~ 5.6 km, 0.1 deg ~ 11 km, 0.5 deg ~ 56 km
    got = panel.assign_nearest(pts, towns, "town_id", max_km=[10, 10, 10, 60])
    assert got.tolist() == ["a", None, None, "a"]
