"""Compose the interactive map from its parts, and write it as HTML (optionally self-contained).

>>> from minusma import Study
>>> m = Study().map(as_of="2023-12-31")       # a folium.Map: renders inline in Jupyter
>>> save_map(m, "mali.html", offline=True)    # one HTML file that needs no network
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

from minusma import layers
from minusma.geo._errors import ParameterError
from minusma.geo.crs import lonlat_frame
from minusma.geo.i18n import DEFAULT_LANG, text
from minusma.geo.io import atomic_path
from minusma.maps.backdrop import (
    add_country_outline,
    add_regions,
    add_regions_2023,
    add_river,
    add_river_ne,
)
from minusma.maps.controls import Legend, add_controls, legend_html
from minusma.maps.events import add_events, located
from minusma.maps.exposure import ExposureTimeline
from minusma.maps.sites import add_bases, add_coverage
from minusma.maps.style import PANES, TILE_ATTRIBUTION
from minusma.maps.timeline import TimeControl, step_index
from minusma.maps.towns import add_settlements, add_towns, read_settlements
from minusma.maps.transport import add_air_links, add_airports, add_roads, air_link_periods

logger = logging.getLogger(__name__)

__all__ = ["MALI_BOUNDS", "make_map", "map_html", "save_map"]


@contextlib.contextmanager
def _element_ids(counter: Iterator[int]) -> Iterator[None]:
    """Number the folium/branca elements created inside the block from ``counter`` instead of
    random bytes, so that the same map renders to the same bytes (the element ids end up in the
    page's JavaScript variable names)."""
    from branca.element import Element

    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: f"{next(counter):032x}")
    try:
        yield
    finally:
        Element._generate_id = original


def _deterministic_ids(func):
    """Build the map with numbered element ids; keep the counter for elements added at render."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        counter = itertools.count()
        with _element_ids(counter):
            m = func(*args, **kwargs)
        m.minusma_ids = counter
        return m

    return wrapper


def _real_geography(data_dir) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """The 2023 regions built from cercles and the Natural Earth Niger of ``data_dir``; each is
    None without a data directory, or (with a warning) when its files are absent there."""
    if data_dir is None:
        return None, None
    from minusma.layers.datasets import DatasetMissingError
    from minusma.layers.registry import load

    out = []
    for name, kwargs in (("regions_2023", {"names": None}), ("niger_ne", {})):
        try:
            out.append(load(name, data_dir=data_dir, **kwargs))
        except DatasetMissingError as exc:  # only an absent file; damaged ones fail
            logger.warning("map: shipped layer instead of %s (%s)", name, exc)
            out.append(None)
    return out[0], out[1]


#: South-west and north-east corners of Mali ([lat, lon]), for the initial view.
MALI_BOUNDS = [[10.1, -12.3], [25.1, 4.3]]


@_deterministic_ids
def make_map(
    exposure: ExposureTimeline,
    *,
    offline: bool = False,
    settlements: gpd.GeoDataFrame | None = None,
    settlement_classes: pd.DataFrame | None = None,
    data_dir: str | os.PathLike | None = None,
    towns: gpd.GeoDataFrame | None = None,
    bases: gpd.GeoDataFrame | None = None,
    events: gpd.GeoDataFrame | None = None,
    distance_overlay: bool = True,
    lang: str = DEFAULT_LANG,
) -> folium.Map:
    """The interactive map of the withdrawal, with every layer, legend and time control.

    Draws a Study's results (:meth:`minusma.Study.map` builds them and calls this); no model runs
    here.

    Parameters
    ----------
    exposure
        The towns' exposure at every step (:meth:`minusma.Study.exposure_timeline`). Its
        ``params`` give the circles' ``radius_km`` and the date the map opens at
        (``params.as_of``: sites closed by then are faded, towns take their class of the latest
        step on or before it; default: after the last closure).
    offline
        No tile layer: a vector outline of Mali and its regions is the backdrop. Pair it with
        ``save_map(..., offline=True)``, which inlines every JS/CSS asset.
    settlements
        Extra point layer of populated places (e.g. :func:`maps.towns.read_settlements`), drawn
        on a canvas.
    settlement_classes
        The settlements' class at every step (:func:`minusma.maps.exposure.step_classes` of the
        Study's settlement timeline): the canvas colours them at the time control's step.
    data_dir
        The data directory: read the 18,769 OCHA populated places from ``DIR/ocha-cod-mali/``
        (ignored when ``settlements`` is given); draw the 2023 regions
        built from cercles and the Natural Earth Niger instead of the pre-2016 regions and the
        schematic reaches; draw the distance to the nearest open site on the WorldPop grid of
        ``DIR/worldpop/`` as image overlays, before the withdrawal and on the map's date when
        other sites are open then (:mod:`maps.surface`; off by default in the layer control).
    towns, bases
        Replace the shipped ``layers.towns()``/``layers.bases()`` (same schema), e.g. a user's file.
    events
        Replace the shipped ``layers.events()`` (same schema): a layer off by default, showing the
        events dated up to the date of the time control (:mod:`maps.events`).
    lang
        Language of every label, legend, popup heading and timeline text: ``"en"`` or ``"fr"``
        (:mod:`maps.i18n`); data values stay as sourced.
    distance_overlay
        Add the distance overlays when ``data_dir`` is given (a data directory without the WorldPop
        raster only logs a warning).

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; write it with :func:`save_map`.
    """
    if not isinstance(exposure, ExposureTimeline):
        raise ParameterError(
            f"make_map draws an ExposureTimeline, got {type(exposure).__name__}: use "
            "minusma.Study().map(...) to compute and draw one"
        )
    p = exposure.params
    text("title", lang)  # an unknown language fails before any work
    radius_km = p.radius_km
    # a user's frame in another CRS is reprojected; one without a CRS, or with a NaN or
    # impossible coordinate, is refused naming the row (the browser would drop the whole layer)
    towns = (
        layers.towns() if towns is None else lonlat_frame(towns, name="towns", id_column="town_id")
    )
    bases = (
        layers.bases() if bases is None else lonlat_frame(bases, name="bases", id_column="base_id")
    )
    events = layers.events() if events is None else lonlat_frame(events, name="events")
    if settlements is not None:
        settlements = lonlat_frame(settlements, name="settlements")
    if settlements is None and data_dir is not None:
        settlements = read_settlements(data_dir)
    exposure = exposure.for_towns(towns)
    step = step_index(exposure.dates, p.as_of)

    m = folium.Map(
        tiles=None,
        control_scale=False,  # metric only: maps.controls.Legend adds it
        zoom_start=6,
        location=[17.5, -4.0],
        min_zoom=4,
        max_zoom=14,
        prefer_canvas=False,
    )
    m.minusma_offline = offline
    # Only Leaflet itself: the map draws its symbols as Unicode in DivIcons and uses no jQuery,
    # Bootstrap or Font Awesome, which would add ~1.2 MB to an offline page.
    m.default_js = [(k, v) for k, v in m.default_js if k == "leaflet"]
    m.default_css = [(k, v) for k, v in m.default_css if k == "leaflet_css"]
    if offline:
        m.get_root().header.add_child(
            folium.Element("<style>.leaflet-container { background: #dce9f2; }</style>")
        )
    else:
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap", attr=TILE_ATTRIBUTION, control=True
        ).add_to(m)
    for pane, z_index in PANES.items():
        folium.map.CustomPane(pane, z_index=z_index, pointer_events=True).add_to(m)
    regions_gdf = layers.regions()
    if offline:
        add_country_outline(m, regions_gdf, lang=lang)
    regions_2023, river_ne = _real_geography(data_dir)
    if regions_2023 is not None:
        add_regions_2023(m, regions_2023, lang=lang)
    else:
        add_regions(m, regions_gdf, lang=lang)
    surfaces = []
    if data_dir is not None and distance_overlay:
        from minusma.layers.datasets import DatasetMissingError
        from minusma.maps.surface import add_distance_overlays

        try:
            surfaces = add_distance_overlays(
                m, bases, date=exposure.dates[step], data_dir=data_dir, lang=lang
            )
        except DatasetMissingError as exc:  # only an absent file; damaged ones fail
            logger.warning("map: no distance overlay (%s)", exc)
    if river_ne is not None:
        add_river_ne(m, river_ne, lang=lang)
    else:
        add_river(m, layers.river(), lang=lang)
    add_roads(m, layers.roads(), lang=lang)
    air_links, airports = layers.air_links(), layers.airports()
    periods = air_link_periods(air_links, bases, airports)
    air_layer = add_air_links(m, air_links, periods=periods, date=exposure.dates[step], lang=lang)
    add_airports(m, airports, lang=lang)
    cover_before, cover_now = add_coverage(m, bases, radius_km=radius_km, lang=lang)
    places_layer = None
    if settlements is not None:
        places_layer = add_settlements(
            m, settlements, step_classes=settlement_classes, step=step, lang=lang
        )
    events_layer = add_events(m, events, lang=lang)
    towns_layer = add_towns(m, towns, exposure, step=step, lang=lang)
    open_layer, closed_layer = add_bases(m, bases, date=exposure.dates[step], lang=lang)
    TimeControl(
        exposure,
        bases,
        open_layer=open_layer,
        closed_layer=closed_layer,
        coverage_layer=cover_now,
        towns_layer=towns_layer,
        initial=step,
        coverage_before=cover_before,
        air_layer=air_layer,
        events_layer=events_layer,
        places_layer=places_layer,
        lang=lang,
    ).add_to(m)
    legend = Legend(
        legend_html(
            radius_km=radius_km,
            settlements=settlements is not None,
            offline=offline,
            surface=bool(surfaces),
            season=p.season,
            scenario=exposure.scenario,
            lang=lang,
            n_settlements=len(settlements) if settlements is not None else 0,
            n_events=(len(located(events)), len(events)),
            settlements_classed=settlement_classes is not None,
            regions_2023=regions_2023 is not None,
        ),
        lang=lang,
    )
    add_controls(
        m, towns_layer=towns_layer, towns=towns, legend=legend, lang=lang, places_layer=places_layer
    )
    m.fit_bounds(MALI_BOUNDS)
    return m


def map_html(
    m: folium.Map, *, offline: bool | None = None, cache_dir: str | os.PathLike | None = None
) -> str:
    """The page's HTML; with ``offline`` every external JS/CSS is inlined from the asset cache."""
    from minusma.maps.inline import inline_html

    # elements created while rendering continue the map's numbering (or their own, for a map not
    # made by make_map), so the page is byte-identical from one run to the next
    with _element_ids(getattr(m, "minusma_ids", itertools.count(1 << 64))):
        html = m.get_root().render()
    offline = getattr(m, "minusma_offline", False) if offline is None else offline
    return inline_html(html, cache_dir) if offline else html


def save_map(
    m: folium.Map,
    path: str | os.PathLike,
    *,
    offline: bool | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> Path:
    """Write the map as one HTML file, atomically (see :func:`map_html`)."""
    html = map_html(m, offline=offline, cache_dir=cache_dir)
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    logger.info("wrote %s (%.2f MB)", path, len(html.encode()) / 1e6)
    return Path(path)
