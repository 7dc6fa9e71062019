"""OpenStreetMap road lines in Geofabrik's shapefile schema, as a road layer for the network code.

Geofabrik's free extracts (``gis_osm_roads_free_1``) carry one row per OSM way with ``osm_id``,
``code``, ``fclass`` (the ``highway`` tag, with ``track`` split by ``tracktype`` into
``track_grade1`` .. ``_grade5``), ``name``, ``ref``, ``oneway``, ``maxspeed``, ``layer``, ``bridge``
and ``tunnel``. The registry's optional dataset ``osm_roads`` (``roads-osm/mali_roads_osm.geojson``)
is that layer written as GeoJSON; it is not in the offline data directory, so :func:`osm_roads` also
reads any path or frame in the same schema.

The output has one row per kept way, with ``road_id = "osm-<osm_id>"``, ``role = "edge"`` and
``road_class = fclass``, so :func:`geo.exposure.access.road_graph` builds a graph from it directly
and the speed table ``layers/data/speeds.csv`` (keyed by fclass for OSM rows) gives travel times.

Examples
--------
>>> from minusma.layers.osm_roads import osm_roads
>>> from minusma.geo.exposure.access import road_graph
>>> graph = road_graph(osm_roads("tests/fixtures/osm_roads_small.geojson"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minusma.geo._errors import DataDirError, ParameterError, SchemaError
from minusma.geo._validate import raise_problems
from minusma.geo.distance import geometry_length_km
from minusma.layers.datasets import get as get_dataset
from minusma.layers.datasets import mali_bounds_deg, read_dataset
from minusma.layers.speeds import speeds

logger = logging.getLogger(__name__)

__all__ = ["ACCESS_CLASSES", "DATASET", "GEOFABRIK_ROAD_CLASSES", "osm_roads", "validate_osm_roads"]

#: Registry name of the optional OSM roads dataset.
DATASET = "osm_roads"

#: Every ``fclass`` of Geofabrik's roads layer (code 51xx) plus ``ferry`` (OSM ``route=ferry``,
#: which Geofabrik files under transport; accepted here so a ferry crossing can join two roads).
GEOFABRIK_ROAD_CLASSES = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "pedestrian",
    "busway",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
    "service",
    "track",
    "track_grade1",
    "track_grade2",
    "track_grade3",
    "track_grade4",
    "track_grade5",
    "bridleway",
    "cycleway",
    "footway",
    "path",
    "steps",
    "unknown",
    "ferry",
)

#: Classes kept for inter-town access by motor vehicle. The through-road hierarchy (motorway ..
#: tertiary and their links), ``unclassified`` (in OSM the lowest public road linking villages: in
#: rural Mali it is the main class between small places), every ``track`` (most of the north is only
#: reachable by desert track) and ``ferry`` (Niger crossings). Left out: ``residential``,
#: ``living_street``, ``service``, ``pedestrian`` and ``busway`` (streets inside a settlement, which
#: do not change whether one town can reach another), and ``bridleway``, ``cycleway``, ``footway``,
#: ``path``, ``steps`` (not motorable), and ``unknown``. Pass ``classes=`` to change it.
ACCESS_CLASSES = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "track",
    "track_grade1",
    "track_grade2",
    "track_grade3",
    "track_grade4",
    "track_grade5",
    "ferry",
)

#: Columns of the output, in order (besides ``geometry``).
COLUMNS = (
    "road_id",
    "osm_id",
    "fclass",
    "road_class",
    "role",
    "name",
    "ref",
    "oneway",
    "maxspeed",
    "ferry_crossing",
    "length_km",
    "length_method",
    "source",
    "geometry_kind",
)

_SOURCE = "OpenStreetMap way {osm_id} (© OpenStreetMap contributors, ODbL 1.0; Geofabrik schema)"


def _bounds_margin_deg() -> float:
    margin = get_dataset(DATASET).bounds_margin_deg
    if margin is None:  # the registry gives osm_roads a margin; a bounds check needs one
        raise SchemaError(f"dataset registry: {DATASET!r} has no bounds_margin_deg")
    return float(margin)


def validate_osm_roads(frame: gpd.GeoDataFrame, *, name: str = "osm_roads") -> None:
    """Check a frame against the Geofabrik roads schema and raise once listing every problem.

    Checks: a GeoDataFrame in EPSG:4326; columns ``osm_id`` (unique, not null) and ``fclass`` (text,
    not null); geometry present, LineString/MultiLineString, valid and not of zero length; every way
    within Mali's bounding box plus the registry margin for ``osm_roads`` (1 degree).

    Parameters
    ----------
    frame
        The OSM ways.
    name
        The frame's name in the message.

    Raises
    ------
    SchemaError
        Listing every problem (rows named by ``osm_id``).
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        raise_problems(
            [f"expected a GeoDataFrame of OSM ways, got {type(frame).__name__}"], name=name
        )
    problems: list[str] = []
    if frame.crs is None:
        problems.append("no CRS: OSM roads must be in EPSG:4326 (lon/lat)")
    elif frame.crs.to_epsg() != 4326:
        problems.append(
            f"CRS is {frame.crs.to_string()}, expected EPSG:4326 (reproject with .to_crs(4326))"
        )
    missing = [c for c in ("osm_id", "fclass") if c not in frame.columns]
    if missing:
        problems.append(
            f"missing column(s) {missing} of the Geofabrik roads schema; found "
            f"{[c for c in frame.columns if c != frame.geometry.name]}"
        )
    if len(frame) == 0:
        problems.append("no ways")
    ids = (
        frame["osm_id"]
        if "osm_id" in frame.columns
        else pd.Series(range(len(frame)), index=frame.index)
    )

    def rows(mask: np.ndarray) -> str:
        named = pd.unique(ids[mask].astype(str))
        listed = ", ".join(repr(v) for v in named[:5])
        more = f" (+{len(named) - 5} more)" if len(named) > 5 else ""
        return f"osm_id {listed}{more}"

    if "osm_id" in frame.columns:
        if frame["osm_id"].isna().any():
            problems.append(
                f"column 'osm_id' is null in {int(frame['osm_id'].isna().sum())} row(s)"
            )
        dup = (
            frame["osm_id"].astype(str).duplicated(keep=False).to_numpy()
            & frame["osm_id"].notna().to_numpy()
        )
        if dup.any():
            problems.append(f"column 'osm_id' must be unique; duplicated: {rows(dup)}")
    if "fclass" in frame.columns:
        null = frame["fclass"].isna().to_numpy()
        if null.any():
            problems.append(f"column 'fclass' is null in {rows(null)}")
        text = frame["fclass"].dropna().map(lambda v: isinstance(v, str))
        if not text.all():
            problems.append(
                "column 'fclass' must hold text (Geofabrik road classes such as 'primary')"
            )
    geoms = frame.geometry.values
    absent = np.asarray(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if absent.any():
        problems.append(f"missing or empty geometry in {rows(absent)}")
    present = ~absent
    types = np.asarray(frame.geom_type.fillna("").to_numpy(dtype=str))
    wrong = present & ~np.isin(types, ["LineString", "MultiLineString"])
    if wrong.any():
        problems.append(
            f"geometry must be LineString or MultiLineString; found {sorted(set(types[wrong]))} "
            f"in {rows(wrong)}"
        )
    else:
        invalid = present & ~np.asarray(shapely.is_valid(geoms))
        if invalid.any():
            problems.append(f"invalid geometry in {rows(invalid)}")
        flat = present & (np.asarray(shapely.length(geoms)) == 0)
        if flat.any():
            problems.append(f"zero-length way(s) (need two distinct vertices) in {rows(flat)}")
    if present.any() and frame.crs is not None and frame.crs.to_epsg() == 4326:
        m = _bounds_margin_deg()
        xmin, ymin, xmax, ymax = mali_bounds_deg()
        b = np.asarray(shapely.bounds(geoms))
        with np.errstate(invalid="ignore"):
            outside = present & (
                (b[:, 0] < xmin - m)
                | (b[:, 1] < ymin - m)
                | (b[:, 2] > xmax + m)
                | (b[:, 3] > ymax + m)
            )
        if outside.any():
            problems.append(
                f"way(s) outside Mali's bounds +-{m} deg (lon {xmin - m}..{xmax + m}, lat "
                f"{ymin - m}..{ymax + m}; is the CRS right?) in {rows(outside)}"
            )
    raise_problems(problems, name=name)


def _read(
    source: str | os.PathLike | gpd.GeoDataFrame | None, data_dir: str | os.PathLike | None
) -> tuple[gpd.GeoDataFrame, str]:
    if isinstance(source, gpd.GeoDataFrame):
        return source.copy(), "frame"
    if source is None:
        return read_dataset(DATASET, data_dir), f"dataset {DATASET!r}"
    path = Path(source)
    if not path.is_file():
        raise DataDirError(f"OSM roads file {path} not found")
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # any driver error means the file is unusable
        raise DataDirError(f"cannot read OSM roads file {path}: {exc}") from exc
    return frame, str(path)


def osm_roads(
    source: str | os.PathLike | gpd.GeoDataFrame | None = None,
    data_dir: str | os.PathLike | None = None,
    *,
    classes: Iterable[str] = ACCESS_CLASSES,
    speed_classes: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """OSM road ways (Geofabrik schema), validated, in the classes that matter for access.

    Parameters
    ----------
    source
        A GeoJSON/GeoPackage/shapefile path, a GeoDataFrame, or None for the registry's
        ``osm_roads`` dataset in ``data_dir``.
    data_dir
        The data directory when ``source`` is None (default ``$MINUSMA_DATA``).
    classes
        ``fclass`` values kept (default :data:`ACCESS_CLASSES`). A value that is not a Geofabrik
        road class (:data:`GEOFABRIK_ROAD_CLASSES`) is kept only if listed here.
    speed_classes
        Road classes that have a speed (default: the ``road_class`` values of the shipped speed
        table). Kept ways whose class has none are named in a warning: their travel time will be
        missing, never an average.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, sorted by ``road_id``: ``road_id`` (``osm-<osm_id>``), ``osm_id`` (text),
        ``fclass``, ``road_class`` (= fclass), ``role`` (``edge``), ``name``, ``ref``, ``oneway``,
        ``maxspeed`` (as in the file, null if absent), ``ferry_crossing``, ``length_km`` (geodesic
        length of the way), ``length_method`` (``geodesic``), ``source``, ``geometry_kind``
        (``real``), ``geometry``. ``attrs["dropped_classes"]`` counts the ways left out per class.
        The graph is undirected: ``oneway`` is carried but not used.

    Raises
    ------
    SchemaError
        The ways do not match the schema (every problem listed).
    DataDirError
        The file or dataset is absent or unreadable.

    Warns
    -----
    UserWarning
        For ``fclass`` values that are not Geofabrik road classes (dropped unless in ``classes``)
        and for kept classes without a speed.
    """
    frame, label = _read(source, data_dir)
    validate_osm_roads(frame, name=f"OSM roads ({label})")
    keep_classes = set(classes)
    bad = sorted(keep_classes - set(GEOFABRIK_ROAD_CLASSES))
    if bad:
        logger.info("osm_roads: keeping non-Geofabrik class(es) %s as asked", bad)
    fclass = frame["fclass"].astype(str)
    unknown = sorted(set(fclass) - set(GEOFABRIK_ROAD_CLASSES) - keep_classes)
    if unknown:
        counts = fclass[fclass.isin(unknown)].value_counts()
        message = (
            "osm_roads: unknown fclass value(s) "
            f"{', '.join(f'{k!r} ({v} ways)' for k, v in counts.items())}: not Geofabrik road "
            "classes; dropped (pass classes= to keep them)"
        )
        warnings.warn(message, UserWarning, stacklevel=2)
        logger.warning(message)
    kept = fclass.isin(keep_classes)
    dropped = fclass[~kept].value_counts().sort_index()
    if len(dropped):
        logger.info(
            "osm_roads: %d of %d ways left out by class: %s",
            int((~kept).sum()),
            len(frame),
            ", ".join(f"{k} {v}" for k, v in dropped.items()),
        )
    frame = frame[kept.to_numpy()]
    if len(frame) == 0:
        raise ParameterError(f"no OSM ways of the classes {sorted(keep_classes)} in {label}")
    osm_id = frame["osm_id"].map(
        lambda v: str(int(v)) if isinstance(v, (int, float, np.integer)) else str(v)
    )
    out = gpd.GeoDataFrame(
        {
            "road_id": ("osm-" + osm_id).to_numpy(),
            "osm_id": osm_id.to_numpy(),
            "fclass": frame["fclass"].astype(str).to_numpy(),
            "road_class": frame["fclass"].astype(str).to_numpy(),
            "role": "edge",
            **{
                c: (frame[c].to_numpy(dtype=object) if c in frame.columns else None)
                for c in ("name", "ref", "oneway", "maxspeed")
            },
            "ferry_crossing": (frame["fclass"] == "ferry").to_numpy(),
            "length_km": [geometry_length_km(g) for g in frame.geometry.values],
            "length_method": "geodesic",
            "source": [_SOURCE.format(osm_id=i) for i in osm_id],
            "geometry_kind": "real",
        },
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:4326",
    )
    out = out.sort_values("road_id").reset_index(drop=True)
    out.attrs["dropped_classes"] = {str(k): int(v) for k, v in dropped.items()}
    if speed_classes is None:
        speed_classes = speeds()["road_class"]
    no_speed = sorted(set(out["road_class"]) - set(speed_classes))
    if no_speed:
        counts = out["road_class"][out["road_class"].isin(no_speed)].value_counts()
        message = (
            f"osm_roads: class(es) without a speed in the speed table: "
            f"{', '.join(f'{k!r} ({v} ways)' for k, v in counts.items())}; their travel time will "
            "be missing (never an average speed)"
        )
        warnings.warn(message, UserWarning, stacklevel=2)
        logger.warning(message)
    logger.info(
        "osm_roads: %d ways kept from %s (%.0f km)", len(out), label, out["length_km"].sum()
    )
    return out
