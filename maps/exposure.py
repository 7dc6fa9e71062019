"""Town exposure over the withdrawal timeline, as the map shows it.

One model, one answer: every class on the map comes from :func:`layers.assessment.assess` with
the map's :class:`~geo.exposure.params.ExposureParams` (radius, season, scenario, weights), at each
step of :func:`geo.exposure.timeline.closure_steps`: the "before" date of the parameters
(30 Jun 2023 by default), then every closure date of the 13 sites.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import ExposureParams
from minusma.geo.exposure.reasons import explain
from minusma.geo.exposure.timeline import closure_steps
from minusma.geo.i18n import DEFAULT_LANG
from minusma.layers.assessment import assess, context
from minusma.maps.style import EXPOSURE_CLASSES

logger = logging.getLogger(__name__)

__all__ = [
    "SCENARIO_FIELDS",
    "ExposureTimeline",
    "scenario",
    "settlement_classes",
    "timeline_dates",
    "town_exposure",
]

#: The fields of :class:`~geo.exposure.params.ExposureParams` that make a what-if scenario:
#: sites closed early or kept open, roads cut, air links or operators switched off.
SCENARIO_FIELDS = ("close", "keep", "close_roads", "disabled_links", "disabled_operators")

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

    @property
    def ranked(self) -> int:
        """How many towns the assessment ranks (the M of "rank N of M")."""
        if self.ranks is None:
            return int(self.details["rank"].notna().sum())
        return int(self.ranks.notna().sum().max()) if len(self.ranks) else 0


def scenario(params: ExposureParams) -> dict[str, tuple[str, ...]]:
    """The what-if parts of ``params``: each non-empty field of :data:`SCENARIO_FIELDS` and its
    names, in that order; an empty dict when the parameters describe the real withdrawal.

    >>> scenario(ExposureParams(close=("Ber",), close_roads=("Diré–Goundam",)))
    {'close': ('Ber',), 'close_roads': ('Diré–Goundam',)}
    """
    return {f: tuple(getattr(params, f)) for f in SCENARIO_FIELDS if getattr(params, f)}


def timeline_dates(bases: gpd.GeoDataFrame, params: ExposureParams | None = None) -> list[dt.date]:
    """The steps of the map: the "before" date of ``params``, then every distinct closure date."""
    p = params if params is not None else ExposureParams()
    return [dt.date.fromisoformat(d) for d in closure_steps(bases, before=p.before)]


def _details(out: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    details = pd.DataFrame(out).set_index("town_id").rename(columns={"exposure_rank": "rank"})
    keep = ["exposure_class", "exposure_score", "rank", "reasons"]
    extra = [
        c
        for c in details.columns
        if c not in _CORE
        and c not in towns.columns
        and pd.api.types.is_scalar(details[c].iloc[0] if len(details) else None)
    ]
    return details[keep + extra].reindex(towns["town_id"])


def town_exposure(
    towns: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    params: ExposureParams | None = None,
    *,
    lang: str = DEFAULT_LANG,
) -> ExposureTimeline:
    """Exposure classes of ``towns`` at every step of the withdrawal, for ``params``.

    Parameters
    ----------
    towns, bases
        The ``layers.towns()`` and (all 13) ``layers.bases()`` frames.
    params
        The model's parameters; ``params.as_of`` is the date of the detailed indicators
        (popups), default: the last closure date.
    lang
        The language of the reasons (:mod:`minusma.geo.i18n`).
    """
    p = params if params is not None else ExposureParams()
    dates = timeline_dates(bases, p)
    as_of = p.as_of_for(bases["closure_date"])
    classes, scores, ranks, reasons, indicators = {}, {}, {}, {}, {}
    ctx = context(p)
    for when in dates:
        out = assess(params=p.replace(as_of=when)).set_index("town_id")
        key = when.isoformat()
        classes[key] = out["exposure_class"]
        scores[key] = pd.to_numeric(out["exposure_score"], errors="coerce")
        ranks[key] = pd.to_numeric(out["exposure_rank"], errors="coerce")
        said = explain(out, air_reach_km=ctx.params.air_reach_km, labels=ctx.labels)
        reasons[key] = pd.Series(said.render(lang), index=out.index, dtype=object)
        indicators[key] = _details(out.reset_index(), towns)
    details = _details(assess(params=p.replace(as_of=as_of)), towns)
    table = pd.DataFrame(classes).reindex(towns["town_id"])
    table = table.astype(object).where(table.isin(EXPOSURE_CLASSES), None)
    if details["exposure_class"].notna().sum() == 0 and len(towns):
        raise ParameterError("no town of the map is in the assessment: check the towns' ids")
    ids = towns["town_id"]
    return ExposureTimeline(
        tuple(dates),
        table,
        details,
        as_of,
        p,
        scores=pd.DataFrame(scores).reindex(ids),
        ranks=pd.DataFrame(ranks).reindex(ids),
        reasons=pd.DataFrame(reasons).reindex(ids),
        indicators=indicators,
    )


def settlement_classes(
    bases: gpd.GeoDataFrame,
    params: ExposureParams | None = None,
    *,
    data_dir,
) -> pd.DataFrame:
    """Exposure class of every OCHA populated place of ``data_dir`` at every step of the timeline.

    The same model as the towns' (:func:`layers.assessment.assess` with ``places="settlements"``
    and the map's parameters), at the steps of :func:`timeline_dates`.

    Returns
    -------
    pandas.DataFrame
        Index ``settlement_id`` (the P-code), one column per step (ISO date), values in
        ``EXPOSURE_CLASSES`` or None.
    """
    p = params if params is not None else ExposureParams()
    columns = {}
    for when in timeline_dates(bases, p):
        out = assess(params=p.replace(as_of=when), data_dir=data_dir, places="settlements")
        cls = out.set_index("settlement_id")["exposure_class"].astype(object)
        columns[when.isoformat()] = cls.where(cls.isin(EXPOSURE_CLASSES), None)
    return pd.DataFrame(columns)
