"""``minusma population`` through click's CliRunner, on the real data directory."""

from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
from click.testing import CliRunner

from minusma import layers
from minusma.cli.main import cli
from minusma.geo.distance import geodesic_km
from minusma.layers.population import NODATA_KM


@pytest.fixture(scope="module")
def doc(data_dir):
    res = CliRunner().invoke(cli, ["population", "--data", str(data_dir), "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_headline_table(data_dir, tmp_path):
    res = CliRunner().invoke(
        cli, ["population", "--data", str(data_dir), "--out-dir", str(tmp_path / "out")]
    )
    assert res.exit_code == 0, res.output
    assert "the Bamako HQ dominates; without it:" in res.stdout
    assert "2023 central regions" in res.stdout and "regions (pre-2016)" in res.stdout
    assert "Bandiagara" in res.stdout and "Tombouctou" in res.stdout
    assert "no site open on 2024-07-22" in res.stderr


def test_figures(doc):
    steps = doc["steps"]
    assert [s["sites_open"] for s in steps] == [13, 12, 11, 10, 9, 7, 6, 5, 4, 3, 2, 1, 0]
    people = np.array([s["people_within_km"] for s in steps])
    assert (np.diff(people) <= 0).all() and people[-1] == 0
    before = steps[0]
    # Bamako HQ dominates the "before" figure; each figure also without it
    assert before["people_within_km"] > 3 * before["people_within_km_without_hq"] > 0
    assert before["people_within_km"] == pytest.approx(6.5e6, rel=0.02)
    assert before["people_within_km_without_hq"] == pytest.approx(1.95e6, rel=0.02)
    hq_closed = next(s for s in steps if s["closed"] == "Bamako")
    assert hq_closed["people_within_km"] == hq_closed["people_within_km_without_hq"]
    central = {r["region_2023"]: r for r in doc["central_regions_2023"]}
    assert set(central) == {"Mopti", "Ségou", "San", "Bandiagara", "Douentza"}
    assert (
        central["Ségou"]["people_within_km_before"] == 0
        and central["Bandiagara"]["share_lost"] > 0.5
    )
    old = {r["name"]: r for r in doc["regions_old"]}
    assert (
        old["Bamako"]["share_lost"] == pytest.approx(1.0)
        and old["Kayes"]["people_within_km_before"] == 0
    )


def test_surfaces(data_dir, tmp_path):
    out = tmp_path / "surfaces"
    res = CliRunner().invoke(
        cli,
        [
            "population",
            "--data",
            str(data_dir),
            "--out-dir",
            str(out),
            "--as-of",
            "2023-12-12",
            "--radius-km",
            "25",
        ],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [
        "distance_to_open_site_after_km.tif",
        "distance_to_open_site_before_km.tif",
    ]
    with (
        rasterio.open(out / "distance_to_open_site_after_km.tif") as src,
        rasterio.open(data_dir / "worldpop" / "worldpop2020_density_20km_mali_bbox.tif") as ref,
    ):
        assert (
            src.crs.to_epsg() == 4326 and src.transform == ref.transform and src.shape == ref.shape
        )
        assert src.nodata == NODATA_KM and src.dtypes[0] == "float32"
        values = src.read(1, masked=True)
        # only Timbuktu and Gao are open: the cell holding Gao is within half a cell's diagonal of
        # it
        gao = layers.bases().set_index("town_id").geometry["ml-gao"]
        row, col = src.index(gao.x, gao.y)
        x, y = src.xy(row, col)
        assert values[row, col] == pytest.approx(geodesic_km(x, y, gao.x, gao.y), abs=1e-3)
        assert values[row, col] < 15 and values.max() > 1000
    with rasterio.open(out / "distance_to_open_site_before_km.tif") as src:
        before = src.read(1, masked=True)
    assert (before <= values).all()


def test_after_surface_all_nodata_when_no_site_open(data_dir, tmp_path):
    res = CliRunner().invoke(
        cli, ["population", "--data", str(data_dir), "--out-dir", str(tmp_path)]
    )
    assert res.exit_code == 0
    with rasterio.open(tmp_path / "distance_to_open_site_after_km.tif") as src:
        assert src.read(1, masked=True).count() == 0


def test_bad_radius(data_dir):
    res = CliRunner().invoke(cli, ["population", "--data", str(data_dir), "--radius-km", "-5"])
    assert res.exit_code == 2 and "--radius-km" in res.output
