"""Town exposure over the withdrawal timeline, as the map shows it.

One model, one answer: every class on the map comes from a :class:`minusma.Study`'s timeline
(:meth:`minusma.Study.timeline`, the package's one timeline) with the map's parameters, at each
step: the "before" date of the parameters (30 Jun 2023 by default), then every closure date of the
13 sites. Nothing here runs the model: it pivots the Study's results for drawing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import ExposureParams
from minusma.geo.exposure.reasons import explain
from minusma.geo.exposure.scenario import WHAT_IF_FIELDS
from minusma.geo.exposure.timeline import closure_steps
from minusma.geo.i18n import DEFAULT_LANG
from minusma.layers.mission import mission_params
from minusma.maps.style import EXPOSURE_CLASSES

if TYPE_CHECKING:
    from minusma.geo.exposure.assess import Context

logger = logging.getLogger(__name__)

__all__ = [
    "SCENARIO_FIELDS",
    "ExposureTimeline",
    "exposure_timeline",
    "reasons_in",
    "scenario",
    "step_classes",
    "timeline_dates",
]

#: The fields of :class:`~minusma.geo.exposure.params.ExposureParams` that make a what-if
#: scenario: sites closed early or kept open, roads cut, air links or operators switched off.
SCENARIO_FIELDS = WHAT_IF_FIELDS

#: Class values that mean "no class" (shown grey): missing, or the assessment's ``unknown``.
NO_CLASS_VALUES = ("unknown",)

_CORE = {"exposure_class", "exposure_score", "rank", "exposure_rank", "reasons", "geometry"}


@dataclass(frozen=True)
class ExposureTimeline:
    """Exposure of every town at every step of the timeline.

    Attributes
    ----------
    dates
        Step dates, ascending; ``dates[0]`` is the "before" date of the parameters.
    classes
        Index ``town_id``, one column per step (ISO date), values in ``EXPOSURE_CLASSES`` or None.
    details
        Index ``town_id``: ``exposure_class``, ``exposure_score``, ``rank``, ``reasons`` (str)
        and indicator columns, at ``as_of``.
    as_of
        The date of ``details``.
    params
        The parameters every step was assessed with.
    scores, ranks, reasons
        Index ``town_id``, one column per step like ``classes``: the score (0-10, float or NaN),
        the rank (1 = most exposed; NaN without a score) and the reasons (text in the
        timeline's language, parts separated by ``;``, or None) at that step, for the popups.
    indicators
        Per step (ISO date), the indicator columns of every town at that step (index
        ``town_id``), so that the popups' indicators follow the time control.
    """

    dates: tuple[dt.date, ...]
    classes: pd.DataFrame
    details: pd.DataFrame
    as_of: dt.date
    params: ExposureParams
    scores: pd.DataFrame | None = None
    ranks: pd.DataFrame | None = None
    reasons: pd.DataFrame | None = None
    indicators: dict[str, pd.DataFrame] | None = None

    @property
    def scenario(self) -> dict[str, tuple[str, ...]]:
        """The what-if of :attr:`params` (:func:`scenario`); empty for the real withdrawal."""
        return scenario(self.params)

    def for_towns(self, towns: pd.DataFrame) -> ExposureTimeline:
        """The same timeline aligned to the drawn ``towns`` (their ``town_id`` order).

        Parameters
        ----------
        towns
            The towns the map draws (the shipped ones, or a user's frame with their ids).

        Returns
        -------
        ExposureTimeline
            Towns the assessment does not know get no class.

        Raises
        ------
        ParameterError
            No drawn town is in the assessment.
        """
        ids = towns["town_id"]
        details = _details(self.details, towns)
        if details["exposure_class"].notna().sum() == 0 and len(towns):
            raise ParameterError("no town of the map is in the assessment: check the towns' ids")
        return ExposureTimeline(
            self.dates,
            self.classes.reindex(ids),
            details,
            self.as_of,
            self.params,
            scores=None if self.scores is None else self.scores.reindex(ids),
            ranks=None if self.ranks is None else self.ranks.reindex(ids),
            reasons=None if self.reasons is None else self.reasons.reindex(ids),
            indicators=self.indicators,
        )

    @property
    def ranked(self) -> int:
        """How many towns the assessment ranks (the M of "rank N of M")."""
        if self.ranks is None:
            return int(self.details["rank"].notna().sum())
        return int(self.ranks.notna().sum().max()) if len(self.ranks) else 0


def scenario(params: ExposureParams) -> dict[str, tuple[str, ...]]:
    """The what-if parts of ``params``: each non-empty field of :data:`SCENARIO_FIELDS`.

    Parameters
    ----------
    params
        The model's parameters.

    Returns
    -------
    dict of str to tuple of str
        Each non-empty what-if field (``close``, ``keep``, ``close_roads``, ``disabled_links``,
        ``disabled_operators``, in that order) and its names as given; empty when the
        parameters describe the real withdrawal.

    Examples
    --------
    >>> scenario(ExposureParams(close=("Ber",), close_roads=("Diré–Goundam",)))
    {'close': ('Ber',), 'close_roads': ('Diré–Goundam',)}
    """
    return {f: tuple(getattr(params, f)) for f in SCENARIO_FIELDS if getattr(params, f)}


def timeline_dates(bases: gpd.GeoDataFrame, params: ExposureParams | None = None) -> list[dt.date]:
    """The steps of the map: the "before" date of ``params``, then every distinct closure date.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`), with ``closure_date`` (ISO dates; missing for a site
        that never closed).
    params
        The parameters whose ``before`` is the first step (default: the mission's,
        :func:`minusma.layers.mission.mission_params`).

    Returns
    -------
    list of datetime.date
        ``params.before``, then the sites' distinct closure dates, ascending
        (:func:`geo.exposure.timeline.closure_steps`).
    """
    p = mission_params(params)
    return [dt.date.fromisoformat(d) for d in closure_steps(bases, before=p.before_date)]


def _details(details: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """The popups' columns of ``details`` (core and scalar indicators) in ``towns``' order."""
    keep = ["exposure_class", "exposure_score", "rank", "reasons"]
    extra = [
        c
        for c in details.columns
        if c not in _CORE
        and c not in towns.columns
        and pd.api.types.is_scalar(details[c].iloc[0] if len(details) else None)
    ]
    return details[keep + extra].reindex(towns["town_id"])


def _pivot(steps: pd.DataFrame, column: str, id_column: str) -> pd.DataFrame:
    """One column per step date (ISO), one row per place, of ``steps[column]``."""
    wide = steps.pivot(index=id_column, columns="as_of", values=column)
    wide.columns = [str(c) for c in wide.columns]
    wide.columns.name = None
    return wide


def step_classes(steps: pd.DataFrame, *, id_column: str = "town_id") -> pd.DataFrame:
    """The exposure class of every place at every step of a timeline.

    Parameters
    ----------
    steps
        The long-form timeline (:meth:`minusma.Study.timeline`).
    id_column
        The places' id column (``settlement_id`` for the OCHA settlements).

    Returns
    -------
    pandas.DataFrame
        Index ``id_column``, one column per step (ISO date), values in ``EXPOSURE_CLASSES`` or
        None.
    """
    table = _pivot(steps, "exposure_class", id_column).astype(object)
    return table.where(table.isin(EXPOSURE_CLASSES), None)


def reasons_in(
    frame: pd.DataFrame, lang: str, context: Context | None, *, empty: str | None = None
) -> np.ndarray:
    """The reasons of ``frame``'s rows in another language than English.

    Rendered from their structure (:func:`minusma.geo.exposure.reasons.explain`) with
    ``context``'s segment labels and airstrip reach, which the English ``reasons`` column does
    not keep: without the context they cannot be said in ``lang``.

    Parameters
    ----------
    frame
        Assessed rows (an assessment or a long-form timeline).
    lang
        The language (:mod:`minusma.geo.i18n`).
    context
        The prepared context ``frame`` was computed with.
    empty
        The text of a row without reasons.

    Returns
    -------
    numpy.ndarray
        One text per row of ``frame``.

    Raises
    ------
    ParameterError
        No ``context`` is given.
    """
    if context is None:
        raise ParameterError(f"reasons in {lang!r} need the Study's context: pass context=")
    said = explain(
        frame,
        air_reach_km=context.preparation.air_reach_km,
        labels=context.labels,
        hub_key=context.hub_key,
    )
    return said.render(lang, empty=empty)


def exposure_timeline(
    steps: pd.DataFrame,
    details: pd.DataFrame,
    params: ExposureParams,
    *,
    lang: str = DEFAULT_LANG,
    context: Context | None = None,
) -> ExposureTimeline:
    """The towns' exposure at every step, as the maps draw it, from a Study's results.

    No model runs here: the map draws what :meth:`minusma.Study.timeline` and
    :meth:`minusma.Study.assess` computed.

    Parameters
    ----------
    steps
        The long-form timeline of the towns (one row per town and step).
    details
        The assessment at ``params.as_of`` (the popups' indicators).
    params
        The parameters both were computed with.
    lang
        The language of the reasons (:mod:`minusma.geo.i18n`): rendered from their structure
        (:func:`minusma.geo.exposure.reasons.explain`) with ``context``'s segment labels and
        airstrip reach; English is the timeline's own ``reasons`` column.
    context
        The prepared context the timeline was computed with (needed for another language).

    Returns
    -------
    ExposureTimeline
        Indexed by every assessed town; :meth:`ExposureTimeline.for_towns` aligns it to the
        drawn towns. Its ``as_of`` is the date of ``details`` (the last step when ``details``
        is empty).

    Raises
    ------
    ParameterError
        ``lang`` is not English and no ``context`` is given.
    """
    dates = tuple(dt.date.fromisoformat(d) for d in sorted(steps["as_of"].unique()))
    as_of = dt.date.fromisoformat(str(details["as_of"].iloc[0])) if len(details) else dates[-1]
    full = pd.DataFrame(details).set_index("town_id").rename(columns={"exposure_rank": "rank"})
    steps = pd.DataFrame(steps)
    if lang != DEFAULT_LANG:
        steps = steps.assign(reasons=reasons_in(steps, lang, context))
    indicators = {
        str(when): part.set_index("town_id") for when, part in steps.groupby("as_of", sort=True)
    }
    return ExposureTimeline(
        dates,
        step_classes(steps),
        full,
        as_of,
        params,
        scores=_pivot(steps, "exposure_score", "town_id").apply(pd.to_numeric, errors="coerce"),
        ranks=_pivot(steps, "exposure_rank", "town_id").apply(pd.to_numeric, errors="coerce"),
        reasons=_pivot(steps, "reasons", "town_id").astype(object),
        indicators=indicators,
    )
