"""Town exposure over the withdrawal timeline, as the map shows it.

The map's steps are the eve of the first closure and every closure date of the 13 sites. For
each step the towns get an exposure class:

- from the project's assessment, ``layers.assessment.assess(as_of=...)``, when that module is
  installed (``method = "assessment"``);
- otherwise from a simple documented indicator (``method = "coverage-radius"``): ``d_before`` is
  the geodesic distance to the nearest of the 13 sites, ``d_now`` the distance to the nearest
  site still open on the date (:func:`geo.distance.nearest_km`), ``R = radius_km``:

  ========  =====================================================
  low       ``d_now <= R``: still within reach of an open site
  moderate  otherwise: not within reach, and no nearby site lost
  high      ``R < d_before <= 2R`` and ``d_now > 2R``: lost a nearby site
  severe    ``d_before <= R`` and ``d_now > R``: lost the site that covered it
  ========  =====================================================
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import ParameterError
from geo.distance import nearest_km
from maps.style import EXPOSURE_CLASSES

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_RADIUS_KM", "ExposureTimeline", "timeline_dates", "town_exposure"]

#: Reach of a site in the fallback indicator, in km (about a day's patrol by road).
DEFAULT_RADIUS_KM = 50.0

#: Class values that mean "no class" (shown grey): missing, or the assessment's ``unknown``.
NO_CLASS_VALUES = ("unknown",)

_CORE = {"exposure_class", "exposure_score", "rank", "exposure_rank", "reasons", "geometry"}


@dataclass(frozen=True)
class ExposureTimeline:
    """Exposure of every town at every step of the timeline.

    Attributes
    ----------
    dates
        Step dates, ascending; ``dates[0]`` is the eve of the first closure.
    classes
        Index ``town_id``, one column per step (ISO date), values in ``EXPOSURE_CLASSES`` or None.
    details
        Index ``town_id``: ``exposure_class``, ``exposure_score``, ``rank``, ``reasons`` (str)
        and indicator columns, at ``as_of``.
    as_of
        The date of ``details``.
    method
        ``"assessment"`` or ``"coverage-radius"``.
    description
        One sentence saying how the classes were made (shown in the legend).
    """

    dates: tuple[dt.date, ...]
    classes: pd.DataFrame
    details: pd.DataFrame
    as_of: dt.date
    method: str
    description: str


def timeline_dates(bases: gpd.GeoDataFrame) -> list[dt.date]:
    """The eve of the first closure, then every distinct closure date, ascending."""
    closures = sorted({dt.date.fromisoformat(str(d)) for d in bases["closure_date"]})
    return [closures[0] - dt.timedelta(days=1), *closures]


def _assess():
    try:
        module = importlib.import_module("layers.assessment")
    except ModuleNotFoundError as exc:
        if exc.name not in ("layers.assessment",):
            raise
        return None
    return getattr(module, "assess", None)


def _reasons_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(v) for v in value)
    return str(value)


def _from_assessment(assess, towns, dates, as_of):
    def frame(when: dt.date) -> pd.DataFrame:
        out = assess(as_of=when.isoformat())
        if "town_id" in out.columns:
            out = out.set_index("town_id")
        return pd.DataFrame(out)

    classes = {}
    for when in dates:
        classes[when.isoformat()] = frame(when)["exposure_class"]
    details = frame(as_of)
    if "rank" not in details.columns and "exposure_rank" in details.columns:
        details = details.rename(columns={"exposure_rank": "rank"})
    keep = [
        c for c in ("exposure_class", "exposure_score", "rank", "reasons") if c in details.columns
    ]
    extra = [
        c
        for c in details.columns
        if c not in _CORE
        and c not in towns.columns
        and pd.api.types.is_scalar(details[c].iloc[0] if len(details) else None)
    ]
    details = details[keep + extra].copy()
    if "reasons" in details.columns:
        details["reasons"] = details["reasons"].map(_reasons_text)
    table = pd.DataFrame(classes).reindex(towns["town_id"])
    return table, details.reindex(towns["town_id"])


def _fallback(towns, bases, dates, as_of, radius_km):
    pts = towns[towns.geometry.notna()]
    lon, lat = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    b_lon, b_lat = bases.geometry.x.to_numpy(), bases.geometry.y.to_numpy()
    closure = pd.to_datetime(bases["closure_date"]).dt.date.to_numpy()
    i_before, d_before = nearest_km(lon, lat, b_lon, b_lat)

    def at(when: dt.date):
        open_ = closure > when
        if not open_.any():
            return np.full(len(pts), -1), np.full(len(pts), np.inf)
        idx, dist = nearest_km(lon, lat, b_lon[open_], b_lat[open_])
        return np.flatnonzero(open_)[idx], dist

    def classify(d_now):
        cls = np.full(len(d_now), "moderate", dtype=object)
        cls[(d_before > radius_km) & (d_before <= 2 * radius_km) & (d_now > 2 * radius_km)] = "high"
        cls[d_before <= radius_km] = "severe"
        cls[d_now <= radius_km] = "low"
        return cls

    classes = {w.isoformat(): pd.Series(classify(at(w)[1]), index=pts["town_id"]) for w in dates}
    i_now, d_now = at(as_of)
    cls = classify(d_now)
    names = bases["name"].to_numpy()
    score = np.clip(np.minimum(d_now, 4 * radius_km) - np.minimum(d_before, 4 * radius_km), 0, None)
    reasons = []
    for k in range(len(pts)):
        parts = [
            f"nearest MINUSMA site before the withdrawal: {names[i_before[k]]}, {d_before[k]:.0f} km"
        ]
        if i_now[k] >= 0:
            parts.append(
                f"nearest site still open on {as_of.isoformat()}: {names[i_now[k]]}, {d_now[k]:.0f} km"
            )
        else:
            parts.append(f"no MINUSMA site open on {as_of.isoformat()}")
        parts.append(f"class {cls[k]} by the {radius_km:g} km coverage-radius rule")
        reasons.append("; ".join(parts))
    details = pd.DataFrame(
        {
            "exposure_class": cls,
            "exposure_score": np.round(score / (4 * radius_km), 3),
            "rank": pd.Series(-score).rank(method="min").astype("int64").to_numpy(),
            "reasons": reasons,
            "km_to_site_before": np.round(d_before, 1),
            "km_to_open_site": np.where(np.isfinite(d_now), np.round(d_now, 1), np.nan),
            "covered_before": d_before <= radius_km,
            "covered_now": d_now <= radius_km,
        },
        index=pd.Index(pts["town_id"], name="town_id"),
    )
    table = pd.DataFrame(classes).reindex(towns["town_id"])
    return table, details.reindex(towns["town_id"])


def town_exposure(
    towns: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    as_of: dt.date | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    use_assessment: bool = True,
) -> ExposureTimeline:
    """Exposure classes of ``towns`` at every step of the withdrawal timeline.

    Parameters
    ----------
    towns, bases
        The ``layers.towns()`` and (all 13) ``layers.bases()`` frames.
    as_of
        Date of the detailed indicators (popups); default: the last closure date.
    radius_km
        Reach of a site in the fallback indicator.
    use_assessment
        Use ``layers.assessment.assess`` when it is installed.
    """
    if radius_km <= 0:
        raise ParameterError(f"radius_km must be > 0, got {radius_km!r}")
    dates = timeline_dates(bases)
    as_of = as_of or dates[-1]
    assess = _assess() if use_assessment else None
    result = None
    if assess is not None:
        try:
            result = _from_assessment(assess, towns, dates, as_of)
        except Exception as exc:
            logger.warning(
                "layers.assessment.assess failed (%s: %s); towns coloured by the %g km "
                "coverage-radius rule instead",
                type(exc).__name__,
                exc,
                radius_km,
            )
    if result is not None:
        classes, details = result
        method = "assessment"
        text = "Town colour: exposure class of the project's assessment (layers.assessment.assess)."
    else:
        logger.info(
            "layers.assessment is not available; towns coloured by the %g km coverage-radius rule",
            radius_km,
        )
        classes, details = _fallback(towns, bases, dates, as_of, radius_km)
        method = "coverage-radius"
        text = (
            f"Town colour: simple coverage indicator, not the full assessment: severe = a MINUSMA site "
            f"was within {radius_km:g} km and none is open now; high = one was within {2 * radius_km:g} km "
            f"and none is open that close now; low = a site within {radius_km:g} km is open; "
            f"moderate = the rest (never within reach)."
        )
    classes = classes.astype(object).where(
        classes.isin(EXPOSURE_CLASSES + NO_CLASS_VALUES) | classes.isna(), "?"
    )
    classes = classes.where(classes.isin(EXPOSURE_CLASSES) | classes.eq("?"), None)
    bad = {"?"} & set(classes.to_numpy().ravel())
    if bad:
        raise ParameterError(
            f"unknown exposure classes in the assessment; expected {EXPOSURE_CLASSES} "
            f"or {NO_CLASS_VALUES}"
        )
    return ExposureTimeline(tuple(dates), classes, details, as_of, method, text)
