"""`GeoDataFrame.explore()` works on every shipped layer and on an assessment (mapclassify)."""

from __future__ import annotations

import folium
import pytest

from minusma import Study
from minusma.layers.registry import layer_names, load


@pytest.mark.parametrize("name", layer_names("shipped"))
def test_explore_each_shipped_layer(name):
    gdf = load(name)
    m = gdf.explore()  # as loaded: rows without geometry included
    assert isinstance(m, folium.Map)
    assert len(gdf) > 0 and "geo_json" in m.get_root().render()


def test_explore_assessment_by_class():
    out = Study().assess()
    assert out.geometry.isna().any()  # towns without coordinates are rows too
    # a categorical column and a numeric one (the latter classified by mapclassify)
    for column, scheme in (("exposure_class", None), ("exposure_score", "quantiles")):
        m = out.explore(column=column, scheme=scheme)
        assert isinstance(m, folium.Map)
        html = m.get_root().render()
        assert out["name"].iloc[0] in html
