"""The application layer: a :class:`Study` owns the data and the prepared model.

Every ``minusma`` command is one call on a Study, and so is every Python session::

    from minusma import Study

    study = Study()                      # the shipped layers; Study("../shared/data") for open data
    towns = study.assess(radius_km=25)   # one row per town, sorted by exposure
    study.map(as_of="2023-12-31")        # a folium map (renders inline in Jupyter)

One rule chooses the data (:func:`resolve_study_data`): an explicit data directory, else
``$MINUSMA_DATA``, else the layers shipped with the package. With a data directory the model runs
on the open datasets (roads merged with OSM, the Natural Earth Niger, admin units by spatial join),
and every output of the Study (tables, exports, maps, summaries) uses that one model.

A Study is immutable: its preparation settings (snap distance, air reach, speed table) are fixed
when its context is prepared; :meth:`Study.replace` returns a new Study with new settings.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.exposure.params import (
    DEFAULT_AIR_REACH_KM,
    DEFAULT_MAX_SNAP_KM,
    ExposureParams,
    Preparation,
)

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from minusma.geo.exposure.assess import Context

logger = logging.getLogger(__name__)

__all__ = ["DATA_ENV_VAR", "EXPORT_FORMATS", "PLACES", "Study", "resolve_study_data"]

#: The environment variable naming the data directory when none is given.
DATA_ENV_VAR = "MINUSMA_DATA"

#: The formats :meth:`Study.export` writes.
EXPORT_FORMATS = ("geojson", "gpkg", "csv")

#: What a Study assesses: the curated towns, or (with a data directory) the OCHA settlements.
PLACES = ("towns", "settlements")


def resolve_study_data(data_dir: str | os.PathLike | None = None) -> tuple[Path | None, str]:
    """The data directory of a Study, by the one rule of the package.

    Parameters
    ----------
    data_dir
        An explicit directory. None: ``$MINUSMA_DATA`` if set and not empty, else no directory
        (the shipped layers).

    Returns
    -------
    path : pathlib.Path or None
        The directory, checked to exist and be readable (see
        :func:`minusma.layers.datadir.resolve_data_dir`), or None.
    origin : str
        ``"argument"``, ``"$MINUSMA_DATA"`` or ``"shipped"``: where the choice came from, for
        messages and metadata.

    Raises
    ------
    DataDirError
        A directory was given (or set in the environment) and is missing or unreadable.
    """
    from minusma.layers.datadir import resolve_data_dir

    if data_dir is not None and str(data_dir) != "":
        return Path(resolve_data_dir(data_dir)), "argument"
    env = os.environ.get(DATA_ENV_VAR, "")
    if env.strip():
        return Path(resolve_data_dir(env)), f"${DATA_ENV_VAR}"
    return None, "shipped"


class Study:
    """One study of the withdrawal: the data, the prepared model, and every analysis on them.

    Parameters
    ----------
    data_dir
        The open-data directory laid out like ``shared/data`` (``minusma fetch`` fills one).
        None: ``$MINUSMA_DATA`` if set, else the shipped layers (:func:`resolve_study_data`).
    places
        ``"towns"`` (the curated gazetteer) or ``"settlements"`` (the 18,769 OCHA COD populated
        places; needs a data directory).
    max_snap_km
        Farthest a place may lie from a road-graph node and still count as on the road network.
    air_reach_km
        Farthest airstrip that counts as a place's air access.
    speeds_path
        A speed table (CSV like ``layers/data/speeds.csv``) to use instead of the shipped one.
    cache_mb
        Most memory the what-if cache of this Study's model may hold, in MiB (default:
        :func:`minusma.geo.exposure.cache.default_cache_bytes`, 256 MiB or 1.5 KiB a place);
        :meth:`clear_cache` gives it back.

    Examples
    --------
    >>> study = Study(air_reach_km=50)                       # doctest: +SKIP
    >>> study.assess(as_of="2023-12-31").head(3)              # doctest: +SKIP
    """

    def __init__(
        self,
        data_dir: str | os.PathLike | None = None,
        *,
        places: str = "towns",
        max_snap_km: float = DEFAULT_MAX_SNAP_KM,
        air_reach_km: float = DEFAULT_AIR_REACH_KM,
        speeds_path: str | os.PathLike | None = None,
        cache_mb: float | None = None,
    ) -> None:
        if places not in PLACES:
            raise UnknownNameError(f"unknown places {places!r}; choose from {list(PLACES)}")
        self._data_dir, self._data_origin = resolve_study_data(data_dir)
        if places == "settlements" and self._data_dir is None:
            raise ParameterError(
                "places='settlements' needs the data directory: pass data_dir (--data DIR) or set "
                f"${DATA_ENV_VAR}; `minusma fetch` downloads one"
            )
        self._places = places
        self._preparation = Preparation(max_snap_km=max_snap_km, air_reach_km=air_reach_km)
        if speeds_path is not None and not Path(speeds_path).is_file():
            raise ParameterError(
                f"speeds_path {str(speeds_path)[:200]!r} is not a file: give a CSV laid out like "
                "layers/data/speeds.csv"
            )
        self._speeds_path = None if speeds_path is None else str(speeds_path)
        if cache_mb is not None and (
            isinstance(cache_mb, bool) or not isinstance(cache_mb, int | float) or not cache_mb > 0
        ):
            raise ParameterError(f"cache_mb must be a number of MiB > 0, got {cache_mb!r}")
        self._cache_mb = cache_mb

    # -- what the Study is -------------------------------------------------------------------
    @property
    def data_dir(self) -> Path | None:
        """The open-data directory, or None for the shipped layers."""
        return self._data_dir

    @property
    def places(self) -> str:
        """``"towns"`` or ``"settlements"``."""
        return self._places

    @property
    def preparation(self) -> Preparation:
        """The preparation settings the context is (or will be) built with."""
        return self._preparation

    @property
    def data_source(self) -> str:
        """Where the data come from, in English words (for messages and metadata)."""
        return self.data_source_text()

    def data_source_text(self, lang: str = "en") -> str:
        """Where the data come from, in the words of ``lang`` (:mod:`minusma.geo.i18n`).

        Parameters
        ----------
        lang
            A language of the catalogue.

        Returns
        -------
        str
            "shipped layers", or the directory and where it was given.
        """
        from minusma.geo.i18n import text

        if self._data_dir is None:
            return text("cli.data_shipped", lang)
        if self._data_origin == "argument":
            return text("cli.data_given", lang, path=self._data_dir)
        return text("cli.data_from", lang, path=self._data_dir, origin=self._data_origin)

    def __repr__(self) -> str:
        """The Study's data, places and settings.

        Returns
        -------
        str
            ``Study(data_dir=..., places=..., ...)``.
        """
        return (
            f"Study(data_dir={str(self._data_dir) if self._data_dir else None!r}, "
            f"places={self._places!r}, max_snap_km={self._preparation.max_snap_km:g}, "
            f"air_reach_km={self._preparation.air_reach_km:g})"
        )

    def replace(self, **settings: Any) -> Study:
        """A new Study with some settings changed (its context is prepared anew).

        Parameters
        ----------
        **settings
            ``data_dir``, ``places``, ``max_snap_km``, ``air_reach_km``, ``speeds_path`` or
            ``cache_mb``.

        Returns
        -------
        Study
            The new Study.
        """
        current: dict[str, Any] = {
            "data_dir": self._data_dir if self._data_origin == "argument" else None,
            "places": self._places,
            "max_snap_km": self._preparation.max_snap_km,
            "air_reach_km": self._preparation.air_reach_km,
            "speeds_path": self._speeds_path,
            "cache_mb": self._cache_mb,
        }
        unknown = sorted(set(settings) - set(current))
        if unknown:
            raise ParameterError(f"unknown Study setting(s) {unknown}; valid: {sorted(current)}")
        current.update(settings)
        data_dir = current.pop("data_dir")
        return Study(data_dir, **current)

    @functools.cached_property
    def context(self) -> Context:
        """The prepared model (snapped places, travel times, airstrips in reach), built once.

        Returns
        -------
        minusma.geo.exposure.assess.Context
            Prepared with the Study's settings, data and places, and the mission's period.
        """
        import dataclasses

        from minusma.layers.assessment import context

        ctx = context(
            self._preparation,
            speeds_path=self._speeds_path,
            data_dir=self._data_dir,
            places=self._places,
        )
        if self._cache_mb is not None:  # its own cache, the prepared arrays shared
            ctx = dataclasses.replace(ctx, cache_bytes=int(self._cache_mb * 2**20))
        return ctx

    def clear_cache(self) -> None:
        """Drop what the model has cached (what-ifs, road costs); the memory goes back."""
        if "context" in self.__dict__:
            self.context.clear_cache()

    @property
    def id_column(self) -> str:
        """The places' id column: ``town_id`` or ``settlement_id``."""
        return "settlement_id" if self._places == "settlements" else "town_id"

    # -- parameters ----------------------------------------------------------------------------
    @staticmethod
    def params(params: ExposureParams | None = None, **options: Any) -> ExposureParams:
        """The model's parameters: ``params`` (or the defaults) with ``options`` applied.

        Parameters
        ----------
        params
            A starting :class:`~minusma.geo.exposure.params.ExposureParams`.
        **options
            Its fields (``as_of``, ``radius_km``, ``season``, ``close``, ``keep``,
            ``close_roads``, ``weights``, ``model``, ...); None values are ignored.

        Returns
        -------
        ExposureParams
            Validated, within the mission (``before`` filled in from
            :data:`minusma.layers.mission.MISSION`, every date checked against its years).

        Raises
        ------
        ParameterError
            For ``params`` that are not an ExposureParams, or a bad value.
        """
        from minusma.layers.mission import mission_params

        if params is not None and not isinstance(params, ExposureParams):
            raise ParameterError(
                f"params must be an ExposureParams, got {type(params).__name__}: build one with "
                "ExposureParams(radius_km=..., ...) or pass the fields as keywords"
            )
        return mission_params(ExposureParams.from_options(params, **options))

    # -- the exposure model ------------------------------------------------------------------
    def assess(
        self, params: ExposureParams | None = None, *, robustness: bool = False, **options: Any
    ) -> gpd.GeoDataFrame:
        """The exposure of every place at one date, or in one what-if.

        Parameters
        ----------
        params
            The model's parameters (see :meth:`params`).
        robustness
            Also vary the parameters (radius x0.5-x2, each dimension weight doubled, two
            aggregations, two seasons) and add ``rank_min``, ``rank_max``, ``rank_range``,
            ``classes_seen`` and ``uncertain``.
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        geopandas.GeoDataFrame
            One row per place, sorted by rank; ``attrs["parameters"]`` records every parameter
            and preparation setting applied and the data used.
        """
        from minusma.layers.assessment import assessment

        if not isinstance(robustness, bool):
            raise ParameterError(f"robustness must be True or False, got {robustness!r}")
        out = assessment(self.context, self.params(params, **options), robustness=robustness)
        out.attrs["parameters"].update(self._metadata())
        return out

    def timeline(self, params: ExposureParams | None = None, **options: Any) -> gpd.GeoDataFrame:
        """The assessment at each state of the withdrawal (the package's one timeline).

        Parameters
        ----------
        params
            Everything but the date (see :meth:`params`).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        geopandas.GeoDataFrame
            Long form, one row per place and step, with the change since the previous step
            (:func:`minusma.layers.assessment.timeline`).
        """
        from minusma.layers.assessment import timeline

        out = timeline(self.context, self.params(params, **options))
        out.attrs["parameters"].update(self._metadata())
        return out

    def criticality(self, params: ExposureParams | None = None, **options: Any) -> gpd.GeoDataFrame:
        """How many places each road segment cuts off, and how many people.

        Parameters
        ----------
        params
            ``season`` and ``close_roads`` are used.
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        geopandas.GeoDataFrame
            One row per road segment (:mod:`minusma.geo.exposure.criticality`).
        """
        from minusma.layers.assessment import segment_criticality

        return segment_criticality(self.context, self.params(params, **options))

    def reasons(self, out: pd.DataFrame, lang: str = "en") -> np.ndarray:
        """The reasons of an assessment in the words of ``lang``.

        Parameters
        ----------
        out
            A frame :meth:`assess` returned (or some of its rows).
        lang
            A language of the catalogue (:mod:`minusma.geo.i18n`).

        Returns
        -------
        numpy.ndarray
            One text per row, its reasons joined by the language's separator (English: the
            frame's own ``reasons``).
        """
        from minusma.geo.exposure.reasons import explain

        ctx = self.context
        said = explain(
            out, air_reach_km=ctx.preparation.air_reach_km, labels=ctx.labels, hub_key=ctx.hub_key
        )
        return said.render(lang)

    def diff(
        self,
        a: ExposureParams,
        b: ExposureParams,
        *,
        all_places: bool = False,
        lang: str = "en",
    ) -> pd.DataFrame:
        """What changes, place by place, from one assessment to another.

        Parameters
        ----------
        a
            The two sets of parameters (e.g. two dates, or a date and a what-if).
        b
            The two sets of parameters (e.g. two dates, or a date and a what-if).
        all_places
            Keep every place; default: only those whose class changes.
        lang
            The language of the reasons compared (:meth:`reasons`).

        Returns
        -------
        pandas.DataFrame
            One row per place (:func:`minusma.geo.exposure.scenario.diff`), the largest rise
            first; ``attrs["parameters"]`` holds both sets.
        """
        from minusma.geo.exposure.scenario import diff
        from minusma.geo.i18n import text

        left, right = self.assess(a), self.assess(b)
        if lang != "en":
            left = left.assign(reasons=self.reasons(left, lang))
            right = right.assign(reasons=self.reasons(right, lang))
        out = diff(
            left,
            right,
            id_column=self.id_column,
            hub_key=self.context.hub_key,
            sep=text("reason.sep", lang),
        )
        if not all_places:
            out = out[out["class_changed"]]
        names = left.set_index(self.id_column)["name"] if "name" in left else None
        if names is not None:
            out.insert(0, "name", names.reindex(out.index))
        out.attrs["parameters"] = {
            "a": left.attrs["parameters"],
            "b": right.attrs["parameters"],
        }
        return out

    def compare(
        self,
        params: ExposureParams | None = None,
        *,
        dates: Sequence[Any] = (),
        all_places: bool = False,
        lang: str = "en",
        **options: Any,
    ) -> pd.DataFrame:
        """Two dates, or a what-if against the baseline, compared place by place.

        Parameters
        ----------
        params
            The parameters; a what-if in them (``close``, ``keep``, ``close_roads``, ...) is
            compared with the same parameters without it when one date (or none) is given.
        dates
            Two dates to compare (the what-if, if any, applies to both), or at most one: the date
            of the what-if.
        all_places
            Keep every place; default: only those whose class changes.
        lang
            The language of the reasons compared (:meth:`reasons`).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        pandas.DataFrame
            :meth:`diff`; ``attrs["label"]`` says what ``a`` and ``b`` are.
        """
        from minusma.geo.exposure.scenario import comparison

        pa, pb, label = comparison(self.params(params, **options), dates, lang)
        out = self.diff(pa, pb, all_places=all_places, lang=lang)
        out.attrs["label"] = label
        return out

    # -- maps --------------------------------------------------------------------------------
    def exposure_timeline(
        self, params: ExposureParams | None = None, *, lang: str | None = None, **options: Any
    ):
        """The towns' classes, scores, ranks and reasons at every step, as the maps draw them.

        Parameters
        ----------
        params
            The model's parameters; ``as_of`` is the date of the detailed indicators.
        lang
            The language of the reasons (default: English).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        minusma.maps.exposure.ExposureTimeline
            Pivoted from :meth:`timeline` (the one timeline) and :meth:`assess` at ``as_of``.
        """
        from minusma.maps.exposure import exposure_timeline

        p = self.params(params, **options)
        towns = self._towns_study()
        kwargs: dict[str, Any] = {} if lang is None else {"lang": lang, "context": towns.context}
        return exposure_timeline(towns.timeline(p), towns.assess(p), p, **kwargs)

    def map(
        self,
        params: ExposureParams | None = None,
        *,
        offline: bool = False,
        lang: str | None = None,
        settlements: gpd.GeoDataFrame | None = None,
        towns: gpd.GeoDataFrame | None = None,
        events: gpd.GeoDataFrame | None = None,
        distance_overlay: bool = True,
        **options: Any,
    ) -> folium.Map:
        """The interactive map: sites, towns by exposure, regions, Niger, roads, air, time control.

        Towns are coloured by this Study's model at every step; with a data directory the OCHA
        settlements are drawn and coloured by the same model on the settlements, and the 2023
        regions and the Natural Earth Niger replace the schematic layers.

        Parameters
        ----------
        params
            The model's parameters; ``as_of`` is the date the map opens at.
        offline
            No tile layer (pair with ``save_map(..., offline=True)``).
        lang
            ``"en"`` or ``"fr"`` (default: English).
        settlements
            Replace the drawn layers (same schema as the shipped ones).
        towns
            Replace the drawn layers (same schema as the shipped ones).
        events
            Replace the drawn layers (same schema as the shipped ones).
        distance_overlay
            Draw the distance to the nearest open site on the WorldPop grid (data directory).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        folium.Map
            Displays inline in Jupyter; write it with :func:`minusma.maps.build.save_map`.
        """
        from minusma.maps.build import make_map
        from minusma.maps.exposure import step_classes

        p = self.params(params, **options)
        classes = None
        if self._data_dir is not None:
            places = self if self._places == "settlements" else self.replace(places="settlements")
            classes = step_classes(places.timeline(p), id_column="settlement_id")
        kwargs = {} if lang is None else {"lang": lang}
        return make_map(
            self.exposure_timeline(p, lang=lang),
            offline=offline,
            settlements=settlements,
            settlement_classes=classes,
            data_dir=self._data_dir,
            towns=towns,
            events=events,
            distance_overlay=distance_overlay,
            **kwargs,
        )

    def static_map(
        self,
        params: ExposureParams | None = None,
        *,
        lang: str | None = None,
        towns: gpd.GeoDataFrame | None = None,
        **options: Any,
    ) -> Figure:
        """The printable map (matplotlib figure) at ``as_of``, coloured by this Study's model.

        Parameters
        ----------
        params
            The model's parameters.
        lang
            ``"en"`` or ``"fr"``.
        towns
            Replace the drawn towns (same schema as the shipped ones).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        matplotlib.figure.Figure
            Close it with ``matplotlib.pyplot.close`` when done.
        """
        from minusma.maps.static import static_map

        kwargs: dict[str, Any] = {} if lang is None else {"lang": lang}
        exposure = self.exposure_timeline(params, lang=lang, **options)
        return static_map(exposure, towns=towns, **kwargs)

    # -- outputs -------------------------------------------------------------------------------
    def export(
        self,
        out_dir: str | os.PathLike,
        params: ExposureParams | None = None,
        *,
        fmt: str = "geojson",
        layers: Sequence[str] = (),
        with_analysis: bool = True,
        hxl: bool = False,
        lang: str | None = None,
        history: str | os.PathLike | None = None,
        forecast: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> list[Path]:
        """Write the layers and a provenance file (every source and licence) to ``out_dir``.

        Parameters
        ----------
        out_dir
            The output folder (written atomically, ``provenance.json`` last).
        params
            The parameters of the analysis layers.
        fmt
            ``"geojson"``, ``"gpkg"`` or ``"csv"``.
        layers
            Registry names to write; default: every layer this Study has (the open-data layers
            with a data directory).
        with_analysis
            Also write the exposure, segment criticality and timeline layers.
        hxl
            CSV only: a row of HXL hashtags under the header.
        lang
            GeoPackage only: language of the QGIS styles' names, legends and labels; also the
            language of the forecast layer's ``why``.
        history
            An event history (:meth:`forecast`): adds the ``forecast`` layer, one row per unit
            with the same columns and ``why`` as :meth:`forecast`, styled by class in QGIS.
        forecast
            Options of :meth:`forecast` for that layer (``unit``, ``as_of``, ``horizon_months``,
            ``model``, ``country``, ``mission``, ``protection_shape``).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        from minusma.layers.export import export_layers, load_layers, select_layers

        if fmt not in EXPORT_FORMATS:
            raise ParameterError(
                f"unknown export format {fmt!r}; choose from {list(EXPORT_FORMATS)}"
            )
        p = self.params(params, **options)
        # a bad layer name or a failing load leaves no folder behind: create it last
        names = select_layers(layers, with_analysis=with_analysis, data_dir=self._data_dir)
        frames, parameters = load_layers(names, data_dir=self._data_dir, params=p, ctx=self.context)
        if parameters is not None:
            parameters.update(self._metadata())
        if history is not None:
            from minusma.forecasting import FORECAST_LAYER, forecast_layer_info

            frame = self.forecast(history, lang=lang or "en", **dict(forecast or {}))
            frames[FORECAST_LAYER] = (frame, forecast_layer_info(frame))
        from minusma.geo.io import created_folder

        kwargs = {} if lang is None else {"lang": lang}
        # the one write path: a failed export leaves no new folder (its parent must exist)
        with created_folder(out_dir, parents=False, what="create output folder"):
            return export_layers(
                out_dir, fmt=fmt, layers=frames, parameters=parameters, hxl=hxl, **kwargs
            )

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """One layer of the registry (``minusma layers`` lists them).

        Parameters
        ----------
        name
            The layer's name; open-data layers need the Study's data directory, analysis layers
            are computed with the default parameters on this Study's model.

        Returns
        -------
        geopandas.GeoDataFrame
            The layer, validated against its declared schema.
        """
        from minusma.layers.registry import get_info, load

        info = get_info(name)
        if info.kind == "analysis":
            from minusma.layers.assessment import analysis_layers

            return analysis_layers(self.context)[info.name][0]
        if info.kind == "open" and self._data_dir is None:
            raise ParameterError(
                f"layer {info.name!r} is read from the data directory: give Study(data_dir=...) "
                f"or set ${DATA_ENV_VAR}"
            )
        return load(info.name, data_dir=self._data_dir)

    # -- summaries, charts, report -------------------------------------------------------------
    def summary(
        self,
        params: ExposureParams | None = None,
        *,
        by: str = "region_2023",
        worldpop: bool | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        """Per admin unit, before vs after the withdrawal, side by side.

        Parameters
        ----------
        params
            The "after" parameters; "before" is the same at ``params.before``.
        by
            ``"region_2023"``, ``"region"`` (pre-2016) or ``"cercle"``.
        worldpop
            Add the WorldPop people near open sites (default: with a data directory).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        pandas.DataFrame
            One row per unit (:func:`minusma.layers.summary.summary`).
        """
        from minusma.layers.summary import summary

        p = self.params(params, **options)
        before, after = self.assess(p.replace(as_of=p.before)), self.assess(p)
        return summary(before, after, p, by=by, data_dir=self._data_dir, worldpop=worldpop)

    def summary_layer(self, table: pd.DataFrame) -> gpd.GeoDataFrame:
        """A :meth:`summary` table joined to its units' polygons (for GeoPackage/GeoJSON).

        Parameters
        ----------
        table
            The summary; its index name is the unit (``by``).

        Returns
        -------
        geopandas.GeoDataFrame
            One feature per unit with a polygon (2023 regions and cercles need the data
            directory).
        """
        from minusma.layers.summary import summary_layer, summary_polygons

        return summary_layer(table, summary_polygons(str(table.index.name), self._data_dir))

    def timeline_figures(self, params: ExposureParams | None = None, **options: Any):
        """Places and people covered, and places by class, at each step of the withdrawal.

        Parameters
        ----------
        params
            The model's parameters (everything but the date).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        pandas.DataFrame
            One row per step (:func:`minusma.maps.charts.timeline_figures`); with a data
            directory, the WorldPop people near an open site too.
        """
        from minusma.maps.charts import timeline_figures

        p = self.params(params, **options)
        return timeline_figures(self._towns_study().timeline(p), p, data_dir=self._data_dir)

    def timeline_chart(
        self, params: ExposureParams | None = None, *, lang: str | None = None, **options: Any
    ) -> Figure:
        """The timeline chart of :meth:`timeline_figures` (matplotlib figure).

        Parameters
        ----------
        params
            The model's parameters.
        lang
            ``"en"`` or ``"fr"`` (default: English).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        matplotlib.figure.Figure
            Save it with :func:`minusma.maps.charts.save_figure`.
        """
        from minusma.maps.charts import timeline_chart

        kwargs: dict[str, Any] = {} if lang is None else {"lang": lang}
        return timeline_chart(self.timeline_figures(params, **options), **kwargs)

    def report(
        self,
        params: ExposureParams | None = None,
        *,
        top: int | None = None,
        lang: str | None = None,
        **options: Any,
    ) -> str:
        """One printable HTML page: map, most exposed places, summary by region, timeline.

        A4 portrait when printed; the summary is by 2023 region.

        Parameters
        ----------
        params
            The model's parameters.
        top
            How many of the most exposed places to list (default
            :data:`minusma.maps.report.DEFAULT_TOP`).
        lang
            ``"en"`` or ``"fr"`` (default: English).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        str
            The page (write it with :func:`minusma.maps.report.write_report`).
        """
        from minusma.maps.report import DEFAULT_TOP, report_html

        p = self.params(params, **options)
        study = self._towns_study()
        kwargs = {} if lang is None else {"lang": lang}
        return report_html(
            study.assess(p),
            study.summary(p, by="region_2023"),
            map_figure=study.static_map(p, lang=lang),
            chart_figure=study.timeline_chart(p, lang=lang),
            params=p,
            top=DEFAULT_TOP if top is None else top,
            context=study.context,
            **kwargs,
        )

    def population(
        self,
        params: ExposureParams | None = None,
        *,
        out_dir: str | os.PathLike | None = None,
        surfaces: tuple[str, str] | None = None,
        **options: Any,
    ) -> dict:
        """People (WorldPop) within ``radius_km`` of an open site at every step of the withdrawal.

        Parameters
        ----------
        params
            ``radius_km``, ``as_of`` and ``before`` are used.
        out_dir
            Also write the distance-to-nearest-open-site rasters (GeoTIFF) there.
        surfaces
            Their file names, before and after (default: the report's own).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        dict
            :func:`minusma.layers.site_population.population_report`.
        """
        from minusma.layers.site_population import population_report

        if self._data_dir is None:
            raise ParameterError(
                "population counts need the WorldPop raster of a data directory: give "
                f"Study(data_dir=...) (--data DIR) or set ${DATA_ENV_VAR}"
            )
        p = self.params(params, **options)
        extra = {} if surfaces is None else {"surfaces": surfaces}
        return population_report(p, data_dir=self._data_dir, out_dir=out_dir, **extra)

    # -- evidence ------------------------------------------------------------------------------
    def validate(self, params: ExposureParams | None = None, **kwargs: Any):
        """Test the ranking against events: AUC, AP, P@k, R@k with bootstrap intervals.

        Parameters
        ----------
        params
            The model's parameters (``model`` may name a calibrated model file).
        **kwargs
            :func:`minusma.layers.validation.validate`'s options (``events``, ``from_date``,
            ``to_date``, ``match_km``, ``n_boot``, ``seed``, ...).

        Returns
        -------
        table, metadata
            As :func:`minusma.layers.validation.validate`.
        """
        from minusma.layers.validation import validate

        p = self.params(params)
        return validate(
            params=p,
            places=self._places,
            data_dir=self._data_dir,
            assessment=self.assess(p),
            **kwargs,
        )

    def calibrate(self, params: ExposureParams | None = None, **kwargs: Any):
        """Fit the indicator weights and decay scale on events, and test them out of time.

        Parameters
        ----------
        params
            The parameters the features are computed with.
        **kwargs
            :func:`minusma.layers.calibration.calibrate`'s options (``events``, ``fit_from``,
            ``until``, ``to_date``, ``match_km``, ``n_boot``, ``seed``, ...).

        Returns
        -------
        model, report
            As :func:`minusma.layers.calibration.calibrate`.
        """
        from minusma.layers.calibration import calibrate

        return calibrate(params=self.params(params), ctx=self.context, **kwargs)

    # -- what-ifs and planning -----------------------------------------------------------------
    def scenarios(
        self,
        params: ExposureParams | None = None,
        *,
        close_each: bool = False,
        keep_k: int | None = None,
        june_2023_count: bool = False,
        max_scenarios: int | None = None,
        per_place: bool = False,
        n_jobs: int | str | None = None,
        progress: bool | None = None,
        **options: Any,
    ):
        """Many what-ifs at once: close each site in turn, or keep every set of K sites open.

        Parameters
        ----------
        params
            The reference parameters.
        close_each
            One scenario per site: that site closed from the start.
        keep_k
            One scenario per set of ``keep_k`` sites kept open.
        june_2023_count
            Only the 11 sites of the June 2023 count.
        max_scenarios
            Refuse more than this many scenarios.
        per_place
            Also return every place's class in every scenario.
        n_jobs
            Parallel workers (default :data:`minusma.geo.exposure.batch.DEFAULT_N_JOBS`,
            ``"auto"``: serial until what is left is long enough for processes to pay).
        progress
            Show a progress bar (default: on a terminal).
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        minusma.geo.exposure.batch.BatchResult
            ``summary`` (one row per scenario) and, with ``per_place``, ``classes``.
        """
        from minusma.geo.exposure.batch import batch
        from minusma.layers import scenarios as sc

        if close_each == (keep_k is not None):
            raise ParameterError(
                "choose one of close_each=True (--close-each) or keep_k (--keep-k)"
            )
        p = self.params(params, **options)
        ctx = self.context
        ids = sc.site_ids(ctx.bases, june_2023_count=june_2023_count)
        if keep_k is None:  # close_each, as checked above
            plist, labels = sc.close_each(ctx.bases, p, candidates=ids)
        else:
            extra = {} if max_scenarios is None else {"max_scenarios": max_scenarios}
            plist, labels = sc.keep_k(ctx.bases, p, keep_k, candidates=ids, **extra)
        jobs: dict[str, Any] = {} if n_jobs is None else {"n_jobs": n_jobs}
        return batch(ctx, plist, labels=labels, per_place=per_place, progress=progress, **jobs)

    def plan(
        self,
        params: ExposureParams | None = None,
        *,
        keep: int,
        objective: str | None = None,
        june_2023_count: bool = False,
        max_scenarios: int | None = None,
        progress: bool | None = None,
        **options: Any,
    ):
        """The K sites that, kept open, would have protected the most people.

        Parameters
        ----------
        params
            The model's parameters.
        keep
            How many sites to keep open.
        objective
            ``"covered"`` (people within the radius; WorldPop cells with a data directory) or
            ``"exposed"`` (people in high/severe places); default
            :data:`minusma.layers.plan.OBJECTIVES` ``[0]``.
        june_2023_count
            Only the 11 sites of the June 2023 count.
        max_scenarios
            Refuse more exhaustive scenarios than this.
        progress
            Show a progress bar.
        **options
            Fields of ``params`` to change, as keywords (see :meth:`params`).

        Returns
        -------
        minusma.layers.plan.Plan
            The optimum, the greedy answer, the actual withdrawal and the gain.
        """
        from minusma.layers.plan import OBJECTIVES
        from minusma.layers.plan import plan as solve

        p = self.params(params, **options)
        extra = {} if max_scenarios is None else {"max_scenarios": max_scenarios}
        return solve(
            self.context,
            p,
            keep=keep,
            objective=OBJECTIVES[0] if objective is None else objective,
            data_dir=self._data_dir,
            june_2023_count=june_2023_count,
            progress=progress,
            **extra,
        )

    # -- spatial questions ---------------------------------------------------------------------
    @staticmethod
    def place(name: str) -> gpd.GeoDataFrame:
        """A town, site or airport by id or name (:func:`minusma.layers.query.place`).

        Parameters
        ----------
        name
            An id, name or alternative name (accents, case and punctuation ignored).

        Returns
        -------
        geopandas.GeoDataFrame
            One row.
        """
        from minusma.layers.query import place

        return place(name)

    def nearest(self, place_name: str, **kwargs: Any) -> gpd.GeoDataFrame:
        """The nearest sites, towns or airports to a place (``by="road"``: this Study's roads).

        Parameters
        ----------
        place_name
            A town, site or airport.
        **kwargs
            ``to``, ``as_of``, ``by``, ``k`` (:func:`minusma.layers.query.nearest`).

        Returns
        -------
        geopandas.GeoDataFrame
            Sorted by distance.
        """
        from minusma.layers.query import nearest

        return nearest(place_name, ctx=self._road_context(kwargs.get("by")), **kwargs)

    def within(self, place_name: str, radius_km: float, **kwargs: Any) -> gpd.GeoDataFrame:
        """The sites, towns or airports within ``radius_km`` of a place.

        Parameters
        ----------
        place_name
            A town, site or airport.
        radius_km
            The radius.
        **kwargs
            ``to``, ``as_of``, ``by`` (:func:`minusma.layers.query.within`).

        Returns
        -------
        geopandas.GeoDataFrame
            Sorted by distance.
        """
        from minusma.layers.query import within

        return within(place_name, radius_km, ctx=self._road_context(kwargs.get("by")), **kwargs)

    def route(self, origin: str, destination: str, **kwargs: Any) -> gpd.GeoDataFrame:
        """The shortest road route between two places on this Study's roads.

        Parameters
        ----------
        origin
            Towns, sites or airports.
        destination
            Towns, sites or airports.
        **kwargs
            ``by``, ``season``, ``close_roads`` (:func:`minusma.layers.query.route`).

        Returns
        -------
        geopandas.GeoDataFrame
            One row per segment; ``attrs`` hold the length, travel time and reachability.
        """
        from minusma.layers.query import route

        return route(origin, destination, ctx=self.context, **kwargs)

    def in_area(self, name: str, layer: str = "towns", **kwargs: Any) -> gpd.GeoDataFrame:
        """The features of a layer inside a region or cercle.

        Parameters
        ----------
        name
            A region (shipped layer) or, with a data directory, a cercle (name or P-code).
        layer
            ``"towns"``, ``"bases"`` or ``"airports"``.
        **kwargs
            ``as_of`` (:func:`minusma.layers.query.in_area`).

        Returns
        -------
        geopandas.GeoDataFrame
            The features inside.
        """
        from minusma.layers.query import in_area

        return in_area(name, layer, data_dir=self._data_dir, **kwargs)

    # -- internals -----------------------------------------------------------------------------
    def _towns_study(self) -> Study:
        """The same Study on the towns (the maps, charts and report draw towns)."""
        return self if self._places == "towns" else self.replace(places="towns")

    def _road_context(self, by: str | None) -> Context | None:
        """The context whose roads a distance query uses (only prepared when asked for)."""
        return self.context if by == "road" else None

    def _metadata(self) -> dict[str, Any]:
        """What every output records about the Study's data."""
        out: dict[str, Any] = {}
        if self._data_dir is not None:
            out.update(data_dir=str(self._data_dir), places=self._places)
        if self._speeds_path is not None:
            out["speeds_path"] = self._speeds_path
        return out

    # -- forecasts from the event history (issue 17) -------------------------------------------
    def forecast(
        self,
        history: str | os.PathLike | None = None,
        *,
        unit: str = "cercle",
        as_of: str | None = None,
        horizon_months: int | None = None,
        model: str = "auto",
        lang: str = "en",
        country: str | None = "Mali",
        mission: str | None = None,
        protection_shape: str | os.PathLike | None = None,
        save_model: str | os.PathLike | None = None,
    ) -> gpd.GeoDataFrame:
        """Expected events per unit over the next months, from an event history.

        See :func:`minusma.forecasting.forecast`.

        Parameters
        ----------
        history
            A history file of any layout (:mod:`minusma.layers.history`); None for the shipped
            64 events (thin: the result says so).
        unit
            The units forecast (see :func:`minusma.forecasting.prepare_history`).
        as_of
            The forecast's origin month (see :func:`minusma.forecasting.forecast`).
        horizon_months
            Months ahead (default :data:`minusma.forecasting.HORIZON_MONTHS`).
        model
            The model, or ``"auto"`` (see :func:`minusma.forecasting.forecast`).
        lang
            The language of ``why``.
        country
            The country of the history (see :func:`minusma.forecasting.prepare_history`).
        mission
            The mission whose sites are features (see
            :func:`minusma.forecasting.prepare_history`).
        protection_shape
            A protection-effect estimate whose shape weights the sites' features (see
            :func:`minusma.forecasting.prepare_history`).
        save_model
            Write the fitted model here (JSON; see :func:`minusma.forecasting.forecast`).

        Returns
        -------
        geopandas.GeoDataFrame
            One row per unit, ranked, with ``why``; ``attrs["statement"]`` says how the model was
            chosen and how much history there was.
        """
        from minusma import forecasting

        prepared = self._forecast_history(
            history, unit, horizon_months, country, mission, protection_shape
        )
        return forecasting.forecast(
            prepared, as_of=as_of, model=model, lang=lang, save_model=save_model
        )

    def backtest(
        self,
        history: str | os.PathLike | None = None,
        *,
        unit: str = "cercle",
        horizon_months: int | None = None,
        from_month: str | None = None,
        to_month: str | None = None,
        every_months: int = 12,
        country: str | None = "Mali",
        mission: str | None = None,
        protection_shape: str | os.PathLike | None = None,
    ):
        """Rolling-origin backtest of every forecast model on an event history.

        See :func:`minusma.forecasting.backtest`.

        Parameters
        ----------
        history
            A history file of any layout; None for the shipped events.
        unit
            The units forecast.
        horizon_months
            Months ahead (default :data:`minusma.forecasting.HORIZON_MONTHS`).
        from_month
            The first origin (``YYYY-MM``; default: the first with a full history).
        to_month
            The last origin (``YYYY-MM``; default: the last whose horizon lies in the history).
        every_months
            Months between origins.
        country
            The country of the history (see :func:`minusma.forecasting.prepare_history`).
        mission
            The mission whose sites are features.
        protection_shape
            A protection-effect estimate whose shape weights the sites' features.

        Returns
        -------
        minusma.geo.forecast.backtest.BacktestResult
            Pooled and per-origin scores with bootstrap intervals, and each learned model
            against each baseline.
        """
        from minusma import forecasting

        prepared = self._forecast_history(
            history, unit, horizon_months, country, mission, protection_shape
        )
        return forecasting.backtest(
            prepared, from_month=from_month, to_month=to_month, every_months=every_months
        )

    def _forecast_history(
        self, history, unit, horizon_months, country, mission, protection_shape=None
    ):
        from minusma import forecasting

        mali = country is not None and country.casefold() == "mali"
        return forecasting.prepare_history(
            history,
            unit,
            horizon_months=horizon_months or forecasting.HORIZON_MONTHS,
            data_dir=self._data_dir,
            country=country,
            mission=mission,
            access=self._towns_study().assess() if mali else None,
            protection_shape=protection_shape,
        )

    # -- issue 18: the protection effect (sites as periods, event study) ----------------------
    def sites(
        self,
        *,
        mission: str | None = "MINUSMA",
        source: str | os.PathLike = "geopko",
        min_troops: float | None = None,
    ) -> gpd.GeoDataFrame:
        """UN sites as periods (opened, closed, troops) from Geo-PKO, the shipped table or a CSV.

        Parameters
        ----------
        mission
            Mission acronym (Geo-PKO; for MINUSMA the shipped closure dates are merged in).
        source
            ``"geopko"`` (needs the data directory), ``"shipped"`` or a CSV path.
        min_troops
            Geo-PKO: keep site periods with at least this many troops.

        Returns
        -------
        geopandas.GeoDataFrame
            :data:`minusma.layers.sites.SITE_SCHEMA`.
        """
        from minusma.layers.sites import sites

        return sites(source, mission=mission, data_dir=self._data_dir, min_troops=min_troops)

    def effect(self, **options: Any):
        """How violence changed where sites opened or closed: a staggered event study.

        Parameters
        ----------
        **options
            Those of :func:`minusma.effects.run_effect` (``history, sites, mission, country,
            unit, units, units_id, units_name, radius_km, window_months, span, by_type,
            placebo_draws, seed, min_troops, cluster``); the data directory is the Study's.

        Returns
        -------
        minusma.effects.EffectReport
        """
        from minusma.effects import run_effect

        return run_effect(data_dir=self._data_dir, **options)
