"""Where the open datasets live: the data directory.

The large open datasets (OCHA COD boundaries, Natural Earth, OurAirports, WorldPop, road corridors,
GeoNames, Geo-PKO deployments, UCDP GED events) are never shipped in the package. They are read
from a *data directory* laid out like the project's offline copy::

    DATA/
      ocha-cod-mali/mli_adm1_regions.geojson ...
      naturalearth/ne_10m_niger_river.geojson ...
      ourairports/ourairports_mali.geojson
      worldpop/worldpop2020_density_20km_mali_bbox.tif
      roads-flownet/mali_corridors_flownet.geojson ...
      geonames/geonames_cities1000_mali.geojson
      roads-osm/mali_roads_osm.geojson   (optional: only from upstream OpenStreetMap)
      ocha-cod-mali/original_shp/settlements.csv   (the COD places CSV as published)
      geo-pko/geopko_v2.3_mission_year_location.csv ...   (UN deployments, world-wide)
      ucdp-ged-caf/ged231_caf.geojson   (UCDP GED 23.1 events, Central African Republic)

The relative path of every file is recorded in the dataset registry (:mod:`layers.datasets`).
The directory is chosen, in order, by an explicit argument, then the ``MINUSMA_DATA`` environment
variable (read at call time). There is no silent default for reading: a missing directory is an
error that says how to fix it. ``minusma fetch`` writes by default to :func:`default_fetch_dir`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from minusma.geo._errors import DataDirError

logger = logging.getLogger(__name__)

__all__ = ["ENV_VAR", "FOLDERS", "default_fetch_dir", "resolve_data_dir"]

#: Environment variable naming the data directory.
ENV_VAR = "MINUSMA_DATA"

#: Top-level folders of the layout, one per source.
FOLDERS: tuple[str, ...] = (
    "ocha-cod-mali",
    "naturalearth",
    "ourairports",
    "worldpop",
    "roads-flownet",
    "geonames",
    "roads-osm",
    "geo-pko",
    "ucdp-ged-caf",
)

_FIX = (
    "pass --data DIR (or data_dir=...), set the {env} environment variable, "
    "or run `minusma fetch` to download the open datasets"
)


def resolve_data_dir(data_dir: str | os.PathLike | None = None, *, must_exist: bool = True) -> Path:
    """Return the data directory: ``data_dir`` if given, else ``$MINUSMA_DATA``.

    Parameters
    ----------
    data_dir
        An explicit directory; it wins over the environment variable.
    must_exist
        Raise if the directory does not exist (set False for a directory about to be created).

    Returns
    -------
    pathlib.Path
        The directory, with ``~`` expanded.

    Raises
    ------
    DataDirError
        If no directory is given nor set in ``MINUSMA_DATA``, or it does not exist or is not a
        folder. The message says how to fix it.
    """
    fix = _FIX.format(env=ENV_VAR)
    if data_dir is not None and str(data_dir) != "":
        path, origin = Path(data_dir).expanduser(), "given"
    elif os.environ.get(ENV_VAR):
        path, origin = Path(os.environ[ENV_VAR]).expanduser(), f"from ${ENV_VAR}"
    else:
        raise DataDirError(f"no data directory: {fix}")
    if must_exist and not path.exists():
        raise DataDirError(f"data directory {str(path)!r} ({origin}) does not exist: {fix}")
    if path.exists() and not path.is_dir():
        raise DataDirError(f"data directory {str(path)!r} ({origin}) is not a directory: {fix}")
    logger.debug("data directory %s (%s)", path, origin)
    return path


def default_fetch_dir() -> Path:
    """Where ``minusma fetch`` writes when no ``--dest`` is given.

    ``$MINUSMA_DATA`` if set, else ``~/.local/share/minusma`` (the directory need not exist yet).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path("~/.local/share/minusma").expanduser()
