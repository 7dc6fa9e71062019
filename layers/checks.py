"""Plausibility checks on the curated facts, run by the tests and by ``minusma layers --check``.

They catch the errors a hand-curated table is prone to: a road shorter than the straight line
between its towns, a coordinate outside Mali, a closure date outside 2023-2024, a dangling id.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo.distance import geodesic_km

__all__ = ["MALI_TOLERANCE_KM", "check_facts"]

#: Points may lie this far outside the (generalised) Natural Earth outline and still count as in
#: Mali.
MALI_TOLERANCE_KM = 5.0


def check_facts(
    *,
    bases: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    regions: gpd.GeoDataFrame,
    airports: gpd.GeoDataFrame,
) -> list[str]:
    """Return every problem found across the layers (an empty list when all is well).

    Parameters
    ----------
    bases
        The MINUSMA sites (:func:`layers.bases`).
    towns
        The gazetteer (:func:`layers.towns`).
    roads
        The road segments (:func:`layers.roads`).
    regions
        The region polygons (:func:`layers.regions`): Mali's outline, with a tolerance.
    airports
        The airports (:func:`layers.airports`).

    Returns
    -------
    list of str
        One line per problem (a point outside Mali, an id that does not resolve, a site far from
        its town, ...).
    """
    problems: list[str] = []
    outline = (
        regions.to_crs(regions.estimate_utm_crs()).union_all().buffer(MALI_TOLERANCE_KM * 1000)
    )

    def outside(gdf: gpd.GeoDataFrame) -> pd.Series:
        present = gdf.geometry.notna()
        pts = gdf.loc[present].to_crs(regions.estimate_utm_crs()).geometry
        return pts[~pts.within(outline)].index

    in_mali = towns[towns["country"] == "ML"]
    for idx in outside(in_mali):
        problems.append(f"towns: {towns.at[idx, 'town_id']} lies outside Mali")
    for idx in outside(bases):
        problems.append(f"bases: {bases.at[idx, 'base_id']} lies outside Mali")
    for idx in outside(airports):
        problems.append(f"airports: {airports.at[idx, 'icao']} lies outside Mali")

    dates = pd.to_datetime(bases["closure_date"])
    bad = bases.loc[(dates < "2023-01-01") | (dates > "2024-12-31"), "base_id"]
    problems += [f"bases: {b} closure date outside 2023-2024" for b in bad]

    known = set(towns["town_id"])
    for col in ("from_town_id", "to_town_id"):
        dangling = roads[roads[col].notna() & ~roads[col].isin(known)]
        problems += [
            f"roads: {r} {col} {t!r} not in towns"
            for r, t in zip(dangling["road_id"], dangling[col])
        ]
    problems += [
        f"bases: {b} town_id {t!r} not in towns"
        for b, t in zip(bases["base_id"], bases["town_id"])
        if t not in known
    ]

    short = roads[roads["length_km"] < roads["length_km_straight"] - 1e-6]
    problems += [
        f"roads: {r} length {length} km is shorter than the straight line {straight} km"
        for r, length, straight in zip(
            short["road_id"], short["length_km"], short["length_km_straight"]
        )
    ]
    far = bases.merge(towns[["town_id", "geometry"]], on="town_id", suffixes=("", "_town"))
    gap_km = geodesic_km(
        far.geometry.x, far.geometry.y, far["geometry_town"].x, far["geometry_town"].y
    )
    problems += [
        f"bases: {b} lies {d:.1f} km from its town's point (more than 15 km)"
        for b, d in zip(far["base_id"], np.atleast_1d(gap_km))
        if d > 15
    ]
    return problems
