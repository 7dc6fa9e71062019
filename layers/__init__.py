"""Layers of Mali with provenance.

MINUSMA sites, towns, regions, the Niger, roads, airports, air links, security and access events.

Each layer is a function returning a GeoDataFrame in EPSG:4326 with a documented schema, a stable
id column and a ``source`` for every row; :mod:`layers.registry` describes them all.
:mod:`layers.query` answers spatial questions about them (``place``, ``nearest``, ``within``,
``route``, ``in_area``, re-exported here).
"""

from minusma.layers.air_links import air_links
from minusma.layers.airports import airports
from minusma.layers.bases import bases
from minusma.layers.events import events
from minusma.layers.query import in_area, nearest, place, route, within
from minusma.layers.regions import regions
from minusma.layers.river import river, river_places
from minusma.layers.roads import roads
from minusma.layers.towns import towns

__all__ = [
    "air_links",
    "airports",
    "bases",
    "events",
    "in_area",
    "nearest",
    "place",
    "regions",
    "river",
    "river_places",
    "roads",
    "route",
    "towns",
    "within",
]
