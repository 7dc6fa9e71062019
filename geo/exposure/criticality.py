"""Segment criticality (single points of failure), ra2ce-style, for the places of an assessment.

For every road segment: is it a bridge of the graph (its loss disconnects the network), the
detour (length and time) if it is cut, and, when there is no detour, how many places and people
it strands from the hub (e.g. the capital). People come from the places' population column;
places without a figure are counted apart, so a total is never presented as complete when it is
not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo.exposure.assess import Context, resolve_edges
from minusma.geo.network import bridges_to, edge_criticality

logger = logging.getLogger(__name__)

__all__ = ["segment_criticality"]


def segment_criticality(
    ctx: Context,
    *,
    season: str = "dry",
    close_roads: Iterable[str] = (),
    id_column: str = "town_id",
    name_column: str = "name",
    population_column: str = "population",
) -> gpd.GeoDataFrame:
    """The criticality table of every road segment of an assessment context.

    Parameters
    ----------
    ctx
        A :class:`geo.exposure.assess.Context`.
    season
        Season of the travel times used for ``detour_h``.
    close_roads
        Segments cut in a scenario: they are removed from the network first, so they have no row
        in the table, and the other segments' figures are those of the cut network.
    id_column
        Column of ``ctx.places`` naming a place when it has no ``name_column``.
    name_column
        Column of ``ctx.places`` listed in ``stranded_names``.
    population_column
        Column of ``ctx.places`` summed into ``stranded_population`` (missing figures are counted
        in ``stranded_places_no_population``, never taken as zero).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per segment (``segment_id`` = edge id), sorted by stranded population then
        stranded places: ``label``, ``road_class``, ``length_km``, ``travel_h`` (NaN: speed
        unknown), ``is_bridge``, ``has_detour``, ``detour_km``, ``detour_h`` (extra length/time of
        the best alternative between the segment's ends; NaN when there is none or its time is
        unknown), ``stranded_places`` (places cut off from the hub), ``stranded_population``
        (sum of known figures), ``stranded_places_no_population`` and ``stranded_names``.
    """
    graph = ctx.timed_graph(season)
    removed = resolve_edges(graph, close_roads)
    if removed:
        keep = ~graph.edges["edge_id"].isin(removed).to_numpy()
        graph = type(graph)(graph.node_lon, graph.node_lat, graph.edges.loc[keep])
    table = edge_criticality(graph, weight="length_km", hub_node=ctx.hub_node)
    cut = bridges_to(graph, ctx.hub_node)
    nodes = ctx.place_nodes
    pop = (
        ctx.places[population_column]
        if population_column in ctx.places
        else pd.Series(np.nan, ctx.places.index)
    )
    pop = pd.to_numeric(pop, errors="coerce").to_numpy(dtype="float64")
    names = (
        ctx.places[name_column].to_numpy(dtype=object)
        if name_column in ctx.places
        else ctx.places[id_column]
    )
    rows = []
    for i, n in enumerate(nodes.tolist()):
        if n < 0 or cut.iat[n] is None:
            continue
        for e in cut.iat[n]:
            rows.append((e, i))
    strand = pd.DataFrame(rows, columns=["segment_id", "place"])
    strand["pop"] = pop[strand["place"].to_numpy(dtype="int64")] if len(strand) else []
    grouped = strand.groupby("segment_id")
    stats = pd.DataFrame(
        {
            "stranded_places": grouped.size(),
            "stranded_population": grouped["pop"].sum(min_count=0),
            "stranded_places_no_population": grouped["pop"].apply(lambda s: int(s.isna().sum())),
            "stranded_names": grouped["place"].apply(
                lambda s: ";".join(sorted(str(names[i]) for i in s))
            ),
        }
    )
    e = graph.edges.set_index("edge_id")
    out = pd.DataFrame(index=pd.Index(e.index, name="segment_id"))
    out["label"] = ctx.labels.reindex(out.index).to_numpy()
    out["road_class"] = e["road_class"].to_numpy()
    out["length_km"] = e["length_km"].to_numpy()
    out["travel_h"] = e["travel_h"].to_numpy()
    for col in ("is_bridge", "has_detour", "detour_km", "detour_h"):
        out[col] = table[col].to_numpy() if col in table else np.nan
    out = out.join(stats)
    out["stranded_places"] = out["stranded_places"].fillna(0).astype("int64")
    out["stranded_population"] = out["stranded_population"].fillna(0.0)
    out["stranded_places_no_population"] = (
        out["stranded_places_no_population"].fillna(0).astype("int64")
    )
    out = out.reset_index()
    out = gpd.GeoDataFrame(out, geometry=e.geometry.to_numpy(), crs="EPSG:4326")
    return out.sort_values(
        ["stranded_population", "stranded_places", "segment_id"], ascending=[False, False, True]
    ).reset_index(drop=True)
