"""Spatial core of minusma-exposure: CRS, geodesic distance, networks, coverage and scoring.

This package imports nothing else of the project. Modules are namespaces:
``geo.distance``, ``geo.crs``, ``geo.io``, ``geo.network``, ...
"""

__version__ = "0.1.0"
