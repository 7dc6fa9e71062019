"""The forecast choropleth: coloured by class, popups escaped (unit names here are hostile)."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import shapely

from minusma.maps.forecast import CLASS_COLOURS, add_forecast


def _frame():
    frame = gpd.GeoDataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "unit_name": ["<script>alert(1)</script>", "Ségou ${x}", "C"],
            "predicted_events": [12.5, 3.0, np.nan],
            "predicted_low": [8.0, 1.0, np.nan],
            "predicted_high": [17.0, 6.0, np.nan],
            "rank": [1, 2, None],
            "class": ["high", "low", None],
            "why": ["142 events in the last 12 months; <b>bold</b>", "quiet", ""],
        },
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )
    frame.attrs = {"model": "gbm", "as_of": "2024-07", "horizon_months": 12}
    return frame


def test_add_forecast_colours_by_class_and_escapes_data():
    m = folium.Map()
    layer = add_forecast(m, _frame(), lang="fr")
    feats = layer.data["features"]
    assert [f["properties"]["style"]["fillColor"] for f in feats[:2]] == [
        CLASS_COLOURS["high"],
        CLASS_COLOURS["low"],
    ]
    html = m.get_root().render()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in feats[0]["properties"]["popup"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in feats[0]["properties"]["popup"]
    assert "pourquoi" in feats[0]["properties"]["popup"]
    assert "Prévision" in layer.layer_name


def test_point_units_are_drawn_as_circles_in_their_class_colour():
    frame = _frame()
    frame = frame.set_geometry(frame.geometry.representative_point())  # towns, settlements
    m = folium.Map()
    layer = add_forecast(m, frame)
    feats = layer.data["features"]
    assert feats[0]["geometry"]["type"] == "Point"
    assert feats[0]["properties"]["style"]["fillColor"] == CLASS_COLOURS["high"]
    html = m.get_root().render()
    assert "L.circleMarker(latlng, feature.properties.style)" in html
