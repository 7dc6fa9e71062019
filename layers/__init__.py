"""Layers of Mali with provenance: MINUSMA sites, towns, regions, the Niger, roads, airports, air
links, security and access events.

Each layer is a function returning a GeoDataFrame in EPSG:4326 with a documented schema, a stable
id column and a ``source`` for every row; :mod:`layers.registry` describes them all.
:mod:`layers.query` answers spatial questions about them (``place``, ``nearest``, ``within``,
``route``, ``in_area``, re-exported here).
"""

from layers.air_links import air_links
from layers.airports import airports
from layers.bases import bases
from layers.events import events
from layers.query import in_area, nearest, place, route, within
from layers.regions import regions
from layers.river import river, river_places
from layers.roads import roads
from layers.towns import towns

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
