"""Road networks: the public API of the road graph and its algorithms, in one place.

This module only re-exports; nothing of ours imports it except callers outside the network
modules, so it creates no cycle. Each concern lives in its own module:

* :mod:`geo.graph`: :class:`RoadGraph` (nodes, edge table, CSR matrices);
* :mod:`geo.graph_build`: :func:`graph_from_lines` (noding road lines into a graph);
* :mod:`geo.routing`: :func:`snap_points`, :func:`distances_from`, :func:`node_distances`,
  :func:`mask_unreachable`, :func:`route`;
* :mod:`geo.resilience`: :func:`bridges`, :func:`bridges_to`, :func:`edge_connectivity_class`,
  :func:`edge_connectivity`, :func:`edge_connectivities` (single points of failure);
* :mod:`geo.redundancy`: :func:`edge_criticality` (single-link redundancy: detours, stranded).

Unreachable values are ``inf`` only in the raw arrays of :func:`distances_from`; every
user-facing output uses NaN plus an explicit ``reachable`` flag (see :func:`mask_unreachable`).
"""

from __future__ import annotations

from minusma.geo.graph import EDGE_COLUMNS, RoadGraph
from minusma.geo.graph_build import RESERVED_COLUMNS, graph_from_lines
from minusma.geo.redundancy import edge_criticality
from minusma.geo.resilience import (
    DEFAULT_MAX_FLOW_WORK,
    BridgeForest,
    bridge_forest,
    bridge_mask,
    bridges,
    bridges_to,
    edge_connectivities,
    edge_connectivity,
    edge_connectivity_class,
    subtree_sum,
)
from minusma.geo.routing import (
    Route,
    distances_from,
    mask_unreachable,
    node_distances,
    route,
    snap_points,
)

__all__ = [
    "DEFAULT_MAX_FLOW_WORK",
    "EDGE_COLUMNS",
    "RESERVED_COLUMNS",
    "BridgeForest",
    "RoadGraph",
    "Route",
    "bridge_forest",
    "bridge_mask",
    "bridges",
    "bridges_to",
    "distances_from",
    "edge_connectivities",
    "edge_connectivity",
    "edge_connectivity_class",
    "edge_criticality",
    "graph_from_lines",
    "mask_unreachable",
    "node_distances",
    "route",
    "snap_points",
    "subtree_sum",
]
