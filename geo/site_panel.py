"""From event points and site periods to the unit x month panel of an event study.

1. **Units**: PRIO-GRID 0.5° cells over the study area (``unit="grid"``), rings of ``radius_km``
   around each site location (``unit="sites"``), or admin polygons given by the caller
   (Mali's ``cercle``, ``commune``, or any country's units read by
   :func:`minusma.layers.units.read_units`).
2. **Outcome**: events per unit and month over the span (:func:`minusma.geo.panel
   .panel_from_events`), all events and, with ``by_type``, each event type (GED
   ``type_of_violence``; ACLED ``event_type``, its sub-type dropped).
   Admin units can also take their counts from an aggregate (ACLED's HDX admin x month
   tables): :func:`site_panel_from_counts`.
3. **Treatment status**: a unit is *protected* in a month when an open site lies within
   ``radius_km`` of its point (cell centre, site location) or of its polygon (0 km inside it;
   :func:`polygon_site_km`) (:func:`minusma.geo.event_study.protection_from_km`).

Study area: the cells touching the boundary given, else the convex hull of the history's
events and the sites (a stated approximation where no country boundary is at hand). Events are
kept when their month is known (day, week or month precision) and their point within
:data:`MAX_LOCATION_KM` (UCDP ``where_prec`` 1-3 and 5, ACLED ``geo_precision`` 1-2); the rest
are counted in ``report["dropped"]``. Generic: frames in (the event frame of
:mod:`minusma.layers.events`, the site table of :mod:`minusma.layers.sites`), no country's
facts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from minusma.geo import event_study as es
from minusma.geo import prio_grid
from minusma.geo._errors import ParameterError
from minusma.geo.crs import WGS84, local_metric_crs
from minusma.geo.distance import geodesic_km, pairwise_km
from minusma.geo.panel import Panel, assign_units, month_index, month_label, panel_from_events

logger = logging.getLogger(__name__)

__all__ = [
    "ALL_EVENTS",
    "CLUSTERS",
    "DEFAULT_RADIUS_KM",
    "MAX_LOCATION_KM",
    "UNITS",
    "SitePanel",
    "polygon_site_km",
    "site_clusters",
    "site_panel",
    "site_panel_from_counts",
]

#: Distance (km) within which an open site protects a unit (cell centre or site location).
#: Modelling choice: about one PRIO-GRID cell (55 km), the scale of Fjelde et al. (2019).
DEFAULT_RADIUS_KM = 50.0
#: Events located less precisely than this (km) are left out (see the module docs).
MAX_LOCATION_KM = 50.0
#: Units an effect can be measured on.
UNITS = ("grid", "sites")
#: How standard errors are clustered: by unit, or by the nearest site location within the radius
#: (units no site ever protects stay their own cluster).
CLUSTERS = ("unit", "site")
#: Name of the outcome counting every event.
ALL_EVENTS = "all events"


def _month_events(events: gpd.GeoDataFrame, report: dict) -> pd.DataFrame:
    """Events with a month and a usable point (counted drops)."""
    frame = pd.DataFrame(events.drop(columns="geometry", errors="ignore"))
    precise = frame["date_precision"].fillna("day") != "year"
    located = (
        frame["lat"].notna()
        & frame["lon"].notna()
        & (frame["location_precision_km"].fillna(np.inf) <= MAX_LOCATION_KM)
    )
    report["dropped"] = {
        "month_unknown": int((~precise).sum()),
        "location_imprecise": int((precise & ~located).sum()),
    }
    frame = frame[precise & located].copy()
    frame["month"] = month_index(frame["date"])
    kind = frame["event_type"].fillna("unknown").astype(str)
    frame["kind"] = kind.str.split(":").str[0].str.strip()
    return frame


def _area(boundary, events: pd.DataFrame, sites: gpd.GeoDataFrame):
    if boundary is not None:
        geo = boundary.geometry if hasattr(boundary, "geometry") else boundary
        return shapely.union_all(np.asarray(getattr(geo, "values", [geo])))
    pts = shapely.points(
        np.r_[events["lon"].to_numpy(), sites["lon"].to_numpy()],
        np.r_[events["lat"].to_numpy(), sites["lat"].to_numpy()],
    )
    return shapely.convex_hull(shapely.multipoints(pts))


def _units(unit: str, area, sites: gpd.GeoDataFrame, polygons) -> tuple[np.ndarray, ...]:
    if polygons is not None:  # admin units: their representative point stands for them
        pts = polygons.geometry.representative_point()
        return polygons["unit_id"].to_numpy(), pts.x.to_numpy(), pts.y.to_numpy()
    if unit == "grid":
        cells = prio_grid.cells(boundary=area)
        return cells["gid"].to_numpy(), cells["lon"].to_numpy(), cells["lat"].to_numpy()
    # one ring per site location, named by the id of its first period there
    loc = sites.sort_values("site_id").drop_duplicates(subset=["lat", "lon"])
    return loc["site_id"].to_numpy(), loc["lon"].to_numpy(), loc["lat"].to_numpy()


def _counts(unit, ids, lon, lat, ev, span, radius_km, polygons) -> tuple[np.ndarray, dict]:
    """Events per unit and month: cell or polygon membership, or within the ring of a site."""
    if polygons is not None:
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(ev["lon"], ev["lat"]), crs=WGS84)
        owner = assign_units(pts, polygons.to_crs(WGS84), "unit_id")
        panel = panel_from_events(owner, ev["month"], ids, span=span)
        return panel.counts, panel.report
    if unit == "grid":
        gids = prio_grid.gid(ev["lon"].to_numpy(), ev["lat"].to_numpy())
        panel = panel_from_events(gids.astype(object), ev["month"], ids, span=span)
        return panel.counts, panel.report
    first, last = span
    keep = (ev["month"] >= first) & (ev["month"] <= last)
    ev = ev[keep]
    near = pairwise_km(lon, lat, ev["lon"], ev["lat"]) <= radius_km  # (U, E)
    onehot = np.zeros((len(ev), last - first + 1))
    onehot[np.arange(len(ev)), ev["month"].to_numpy() - first] = 1.0
    counts = near.astype(np.float64) @ onehot
    report = {
        "events_read": len(keep),
        "dropped_outside_span": int((~keep).sum()),
        "dropped_outside_units": int((~near.any(axis=0)).sum()),
    }
    return counts, report


def _site_months(sites: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    def months(col):
        out = np.full(len(sites), np.nan)
        has = sites[col].notna().to_numpy()
        if has.any():
            out[has] = month_index(sites.loc[has, col].to_numpy())
        return out

    return months("opened"), months("closed")


@dataclass(frozen=True)
class SitePanel:
    """Events per unit and month and each unit's protection status, over one span.

    Attributes
    ----------
    unit_ids, lon, lat
        Units (PRIO-GRID gids or site ids) and their points.
    first_month
        Month number (``year * 12 + month - 1``) of column 0.
    counts
        ``{outcome: (n_units, n_months) events}``, all events first.
    status
        ``(n_units, n_months)``: an open site within the radius.
    n_events, report
        Events counted, and what was dropped.
    """

    unit_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    first_month: int
    counts: dict
    status: np.ndarray
    n_events: int
    report: dict

    @property
    def span(self) -> tuple[str, str]:
        """First and last month, ``YYYY-MM``."""
        last = self.first_month + self.status.shape[1] - 1
        return month_label(self.first_month), month_label(last)


def polygon_site_km(
    polygons: gpd.GeoDataFrame, site_lon: np.ndarray, site_lat: np.ndarray
) -> np.ndarray:
    """Distance from each polygon to each site point, 0 inside the polygon.

    The nearest point of the polygon is found in the UTM zone of the polygons' extent
    (:func:`minusma.geo.crs.local_metric_crs`); the distance between it and the site is then
    measured on the WGS84 ellipsoid (:func:`minusma.geo.distance.geodesic_km`).

    Parameters
    ----------
    polygons
        Units with (multi)polygon geometries and a CRS.
    site_lon
        Longitudes of the site points, degrees.
    site_lat
        Their latitudes, degrees.

    Returns
    -------
    numpy.ndarray
        ``(n_polygons, n_sites)`` kilometres.
    """
    lon = np.asarray(site_lon, dtype=np.float64)
    lat = np.asarray(site_lat, dtype=np.float64)
    if len(lon) == 0 or len(polygons) == 0:
        return np.zeros((len(polygons), len(lon)))
    metric = local_metric_crs(polygons)
    shapes = np.asarray(polygons.to_crs(metric).geometry.values)
    points = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84).to_crs(metric).values
    lines = shapely.shortest_line(shapes[:, None], np.asarray(points)[None, :])  # (U, S)
    ends = gpd.GeoSeries(shapely.points(shapely.get_coordinates(lines.ravel())), crs=metric).to_crs(
        WGS84
    )
    near_lon, near_lat = ends.x.to_numpy()[0::2], ends.y.to_numpy()[0::2]
    km = geodesic_km(near_lon, near_lat, np.tile(lon, len(polygons)), np.tile(lat, len(polygons)))
    inside = shapely.intersects(shapes[:, None], np.asarray(points)[None, :])
    return np.where(inside, 0.0, np.asarray(km).reshape(len(polygons), len(lon)))


def _status(sites, lon, lat, polygons, months, radius_km) -> np.ndarray:
    opened, closed = _site_months(sites)
    if polygons is not None:
        km = polygon_site_km(polygons, sites["lon"].to_numpy(), sites["lat"].to_numpy())
        return es.protection_from_km(km, opened, closed, months, radius_km=radius_km)
    return es.protection_status(
        lon, lat, sites["lon"], sites["lat"], opened, closed, months, radius_km=radius_km
    )


def site_panel(
    events: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    unit: str = "grid",
    radius_km: float = DEFAULT_RADIUS_KM,
    span: tuple[str, str] | None = None,
    boundary: object | None = None,
    by_type: bool = False,
    polygons: gpd.GeoDataFrame | None = None,
) -> SitePanel:
    """The unit x month panel of an event study: event counts and protection status.

    Parameters
    ----------
    events
        The event frame of :mod:`minusma.layers.events` (``date, date_precision, lat, lon,
        location_precision_km, event_type``).
    sites
        The site-period table of :mod:`minusma.layers.sites`.
    unit
        ``"grid"`` (PRIO-GRID cells), ``"sites"`` (rings of ``radius_km`` around each site
        location), or the name of the admin units given as ``polygons``.
    radius_km
        A site within this distance of a unit's point (or polygon) protects it.
    span
        ``(first, last)`` month ``YYYY-MM``; default the first to the last event's month.
    boundary
        Study area (polygon or frame); default the convex hull of events and sites. Events
        outside it are left out (counted).
    by_type
        Also count each event type.
    polygons
        Admin units with a ``unit_id`` column: events count in the polygon holding them, a
        site protects the polygons within ``radius_km`` of it (0 inside).

    Returns
    -------
    SitePanel
        Counts and status over the span.

    Raises
    ------
    ParameterError
        Unknown unit, no sites, no usable event, every event outside the study area.
    """
    if unit not in UNITS and polygons is None:
        raise ParameterError(
            f"unit must be one of {', '.join(UNITS)}, or admin units given as polygons; "
            f"got {unit!r}"
        )
    if not radius_km > 0:
        raise ParameterError(f"radius_km must be > 0, got {radius_km}")
    if len(sites) == 0:
        raise ParameterError("no sites: give a site table with at least one dated site")
    report: dict = {}
    ev = _month_events(events, report)
    if ev.empty:
        raise ParameterError(
            "no event with a known month and a located point in the history; an event study "
            "needs events dated to the month and located within "
            f"{MAX_LOCATION_KM:g} km"
        )
    first, last = (
        (int(ev["month"].min()), int(ev["month"].max()))
        if span is None
        else tuple(int(m) for m in month_index(list(span)))
    )
    if last < first:
        raise ParameterError(f"span {span} ends before it starts")
    area = _area(boundary, ev, sites)
    if boundary is not None:
        inside = shapely.contains_xy(area, ev["lon"].to_numpy(), ev["lat"].to_numpy())
        if not inside.any():
            x0, y0, x1, y1 = area.bounds
            raise ParameterError(
                f"none of the {len(ev)} events lies in the study area (lon {x0:.2f}..{x1:.2f}, "
                f"lat {y0:.2f}..{y1:.2f}); check the events file, --country and the sites' mission"
            )
        report["dropped"]["outside_area"] = int((~inside).sum())
        ev = ev[inside]
    ids, lon, lat = _units(unit, area, sites, polygons)
    months = np.arange(first, last + 1)
    status = _status(sites, lon, lat, polygons, months, radius_km)
    outcomes = {ALL_EVENTS: ev}
    if by_type:
        for kind, part in ev.groupby("kind", sort=True):
            outcomes[str(kind)] = part
    counts, n_events = {}, 0
    for name, part in outcomes.items():
        counts[name], counted = _counts(
            unit, ids, lon, lat, part, (first, last), radius_km, polygons
        )
        if name == ALL_EVENTS:
            report["panel"] = counted
            # rings overlap: an event in two rings counts once
            n_events = (
                counted["events_read"]
                - counted["dropped_outside_span"]
                - counted["dropped_outside_units"]
                if unit == "sites" and polygons is None
                else int(counts[name].sum())
            )
    return SitePanel(
        unit_ids=ids,
        lon=lon,
        lat=lat,
        first_month=first,
        counts=counts,
        status=status,
        n_events=n_events,
        report=report,
    )


def site_panel_from_counts(
    panel: Panel,
    polygons: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> SitePanel:
    """The event-study panel of admin units whose counts come from an aggregate.

    Parameters
    ----------
    panel
        Unit x month counts (:class:`minusma.geo.panel.Panel`, e.g. from
        :func:`minusma.layers.history.to_panel` of an HDX admin x month table), its units in
        the order of ``polygons``; unlisted unit-months are missing (NaN), not zero.
    polygons
        The units, with a ``unit_id`` column.
    sites
        The site-period table of :mod:`minusma.layers.sites`.
    radius_km
        A site within this distance of a polygon (0 inside) protects it.

    Returns
    -------
    SitePanel
        The aggregate's counts as the one outcome (an aggregate has no event types).

    Raises
    ------
    ParameterError
        No sites, units that are not the panel's, a radius that is not positive.
    """
    if len(sites) == 0:
        raise ParameterError("no sites: give a site table with at least one dated site")
    ids = polygons["unit_id"].to_numpy()
    if [str(i) for i in panel.unit_ids] != [str(i) for i in ids]:
        raise ParameterError("the panel's units are not the polygons' units, in their order")
    months = np.arange(panel.first_month, panel.first_month + panel.counts.shape[1])
    pts = polygons.geometry.representative_point()
    lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    status = _status(sites, lon, lat, polygons, months, radius_km)
    counts = np.asarray(panel.counts, dtype=np.float64)
    return SitePanel(
        unit_ids=ids,
        lon=lon,
        lat=lat,
        first_month=int(panel.first_month),
        counts={ALL_EVENTS: counts},
        status=status,
        n_events=int(np.nansum(counts)),
        report={"panel": dict(panel.report), "missing_unit_months": int(np.isnan(counts).sum())},
    )


def site_clusters(
    panel: SitePanel,
    sites: gpd.GeoDataFrame,
    radius_km: float,
    *,
    polygons: gpd.GeoDataFrame | None = None,
) -> np.ndarray:
    """Cluster label of each unit: its nearest site location within the radius, else itself.

    Parameters
    ----------
    panel
        The units (their points: cell centres, site locations).
    sites
        The site-period table; one cluster per distinct location.
    radius_km
        A unit farther than this from every site location is its own cluster.
    polygons
        The panel's admin units, if any: distances are then from the polygon (0 inside), as
        for protection.

    Returns
    -------
    numpy.ndarray
        ``(n_units,)`` labels (site ids, or ``"unit <id>"``).
    """
    loc = sites.drop_duplicates(subset=["lat", "lon"])
    km = (
        polygon_site_km(polygons, loc["lon"].to_numpy(), loc["lat"].to_numpy())
        if polygons is not None
        else pairwise_km(panel.lon, panel.lat, loc["lon"], loc["lat"])
    )
    nearest = km.argmin(axis=1)
    own = np.array([f"unit {u}" for u in panel.unit_ids], dtype=object)
    near = km[np.arange(len(nearest)), nearest] <= radius_km
    return np.where(near, loc["site_id"].to_numpy()[nearest], own)
