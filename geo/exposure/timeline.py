"""The assessment at each step of the withdrawal, and what changed between steps.

The steps are the reference date ``before`` (of the parameters, else of the context's
:class:`~minusma.geo.exposure.params.Period`), then every distinct closure date of the sites.
"""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd

from minusma.geo.exposure import coverage
from minusma.geo.exposure.assess import Context, evaluate, within_period
from minusma.geo.exposure.params import ExposureParams, check_params, parse_iso_date

logger = logging.getLogger(__name__)

__all__ = ["changes", "closure_steps", "timeline"]


def closure_steps(bases: pd.DataFrame, *, before: str | dt.date) -> list[str]:
    """The dates of the timeline: ``before`` the withdrawal, then every distinct closure date.

    Parameters
    ----------
    bases
        Sites with ``closure_date`` (ISO text; missing for a site never closed).
    before
        The reference date, the first step.

    Returns
    -------
    list of str
        ISO dates, ``before`` first, then the closure dates in order.
    """
    dates = sorted(set(bases["closure_date"].dropna()))
    return [parse_iso_date(before, name="before").isoformat(), *dates]


def timeline(ctx: Context, params: ExposureParams | None = None) -> pd.DataFrame:
    """The assessment of every place at each step (long form: one row per place and step).

    Parameters
    ----------
    ctx
        The prepared context.
    params
        Fix everything but the date (radius, season, scenario, weights); their ``before`` (or
        the context's period's) is the first step. None: the defaults.

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (0 = before), ``as_of``, ``sites_open``, ``sites_closed_on_step``
        (``;``-separated base ids closing on that date), the place id and every indicator.
    """
    frames = []
    p = within_period(ctx, check_params(params))
    for step, date in enumerate(closure_steps(ctx.bases, before=p.before_date)):
        out = pd.DataFrame(evaluate(ctx, p.replace(as_of=date)).drop(columns="geometry"))
        flags = coverage.open_mask(ctx.bases, date)
        closing = ctx.bases.loc[ctx.bases["closure_date"] == date, "base_id"] if step else []
        out.insert(0, "sites_closed_on_step", ";".join(closing) or None)
        out.insert(0, "sites_open", int(flags.sum()))
        out.insert(0, "step", step)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def changes(steps: pd.DataFrame, *, id_column: str = "town_id") -> pd.DataFrame:
    """Change between consecutive steps of a :func:`timeline`, per place.

    Parameters
    ----------
    steps
        A :func:`timeline`.
    id_column
        The places' id column.

    Returns
    -------
    pandas.DataFrame
        One row per place and step >= 1: ``exposure_score_change``, ``rank_change`` (negative =
        moved up the ranking), ``class_before``/``class_after``, ``coverage_lost_now`` (lost on that
        step).
    """
    wide = steps.sort_values(["step", id_column])
    prev = wide.groupby(id_column)
    out = wide[
        [
            "step",
            "as_of",
            id_column,
            "exposure_score",
            "exposure_rank",
            "exposure_class",
            "covered_after",
        ]
    ].copy()
    out["exposure_score_change"] = out["exposure_score"] - prev["exposure_score"].shift(1)
    out["rank_change"] = out["exposure_rank"].astype("Float64") - prev["exposure_rank"].shift(
        1
    ).astype("Float64")
    out["class_before"] = prev["exposure_class"].shift(1)
    covered_prev = prev["covered_after"].shift(1)
    out["coverage_lost_now"] = covered_prev.eq(True) & out["covered_after"].eq(False)
    out = out.rename(columns={"exposure_class": "class_after"}).drop(columns=["covered_after"])
    return out[out["step"] >= 1].reset_index(drop=True)
