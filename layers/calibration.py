"""Fit the calibrated exposure model on events, and test it out of time beside the hand-set model.

The design keeps features and outcomes apart in time (no event is both an input and an outcome):

- **fit**: indicators as of ``fit_from`` (conflict history = events in the months before it),
  outcomes = events in ``(fit_from, until]``;
- **test** (out of sample): the fitted model applied as of ``until`` (conflict history = events in
  the months before ``until``), outcomes = events in ``(until, to_date]``, which the fit never saw;
  the hand-set ``inform`` model and the naive baselines are scored on the same places and events.

Figures on the fit window are labelled in-sample everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from typing import Any

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.evaluation import DEFAULT_MATCH_KM, DEFAULT_N_BOOT, positive_places
from minusma.geo.exposure import calibrate as cal
from minusma.geo.exposure.assess import Context, calibrated_features, evaluate, model_features
from minusma.geo.exposure.cache import ByteCache
from minusma.geo.exposure.params import ExposureParams, parse_iso_date
from minusma.geo.progress import progress
from minusma.layers.assessment import context, id_column
from minusma.layers.events import WINDOW, checksum, read_events
from minusma.layers.mission import MISSION, mission_params
from minusma.layers.validation import DEFAULT_MAX_PRECISION_KM, validate_scores

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_FIT_FROM", "DEFAULT_UNTIL", "calibrate"]

#: Date of the fit's indicators: three months into the withdrawal (four sites closed), so that the
#: shipped events give a conflict history (Jul-Sep 2023) and the security indicators vary.
DEFAULT_FIT_FROM = dt.date(2023, 10, 1)
#: End of the fit's outcome window (and date of the test's indicators): the first seven months of
#: the shipped events are for fitting, the last five for testing.
DEFAULT_UNTIL = dt.date(2024, 1, 31)


def _between(events: gpd.GeoDataFrame, after: dt.date, until: dt.date) -> gpd.GeoDataFrame:
    """The events dated in ``(after, until]``."""
    day = pd.to_datetime(events["date"]).dt.date
    return events[((day > after) & (day <= until)).to_numpy()]


def _precise(events: gpd.GeoDataFrame, max_precision_km: float | None) -> gpd.GeoDataFrame:
    """The events located within ``max_precision_km`` (those of unknown precision kept)."""
    if max_precision_km is None or "location_precision_km" not in events.columns:
        return events
    km = pd.to_numeric(events["location_precision_km"], errors="coerce")
    return events[(km.isna() | (km <= max_precision_km)).to_numpy()]


def _finite(value: Any) -> Any:
    """None for a NaN figure (an interval without enough draws), so the model file stays JSON."""
    return None if isinstance(value, float) and value != value else value


def calibrate(
    *,
    events: str | os.PathLike | None = None,
    fit_from: str | dt.date | None = None,
    until: str | dt.date | None = None,
    to_date: str | dt.date | None = None,
    params: ExposureParams | None = None,
    places: str = "towns",
    data_dir: str | os.PathLike | None = None,
    match_km: float = DEFAULT_MATCH_KM,
    max_precision_km: float | None = DEFAULT_MAX_PRECISION_KM,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = 0,
    ctx: Context | None = None,
) -> tuple[cal.CalibratedModel, dict[str, Any]]:
    """Fit the calibrated model and test it out of time.

    The fit takes the indicators as of ``fit_from`` and the events in ``(fit_from, until]`` as
    outcomes; the test applies the fitted model as of ``until`` and scores it, beside the hand-set
    ``inform`` model and the baselines, on the events in ``(until, to_date]``, which the fit never
    saw. The figures on the fit window are reported too, labelled in-sample.

    Parameters
    ----------
    events
        An events file (shipped schema, ACLED or UCDP GED; :func:`layers.events.read_events`), or
        None for the shipped table (2023-07-01 to 2024-06-30).
    fit_from
        Date of the fit's indicators (ISO string or date); default :data:`DEFAULT_FIT_FROM`.
    until
        Last day of the fit's outcomes, and date of the test's indicators; default
        :data:`DEFAULT_UNTIL`.
    to_date
        Last day of the test's outcomes; default: the last day the events cover (2024-06-30 for the
        shipped table, the latest event's day for a file).
    params
        The assessment's other parameters (radius, season, scenario; ``as_of`` is set here to
        ``fit_from`` and ``until``); default :class:`geo.exposure.params.ExposureParams`.
    places
        ``"towns"`` (shipped) or, with ``data_dir``, ``"settlements"``; ignored with ``ctx``.
    data_dir
        The data directory the context is built from; ignored with ``ctx``.
    match_km
        Match radius between an event and a place (km), as in
        :func:`layers.validation.validate_scores`.
    max_precision_km
        The coarsest event location kept (km of uncertainty; None: all), for the fit's labels and
        the scores.
    n_boot
        Bootstrap draws of the 95 % intervals.
    seed
        Seed of the fit's cross-validation, the bootstrap and the random baseline.
    ctx
        The prepared context to calibrate on (:attr:`minusma.Study.context`); default: built
        from ``places`` and ``data_dir``.

    Returns
    -------
    model : geo.exposure.calibrate.CalibratedModel
        Its ``meta`` records the windows, the events file and checksum, the places' id column and
        the test figures (``out_of_sample``: AUC with its interval and AP per model).
    report : dict
        ``out_of_sample`` (table records of the test: calibrated, inform, baselines, with 95 %
        intervals), ``in_sample`` (the same on the fit window, labelled) and ``metadata``.

    Raises
    ------
    ParameterError
        An empty events file, a date that is not ISO or outside 2013-2024, dates not in the order
        ``fit_from < until < to_date``, or a window with no place near an event (the message says
        which window to widen).
    EventsFileError
        An events file of unknown format or one that breaks its format's rules.
    """
    frame = read_events(events)
    days = pd.to_datetime(frame["date"]).dt.date
    if len(frame) == 0:
        raise ParameterError("the events file holds no event in Mali: nothing to calibrate on")
    # what the events data covers: the shipped table's window, or a file's first to last day
    coverage = WINDOW if events is None else (min(days), max(days))
    start = (
        parse_iso_date(fit_from, name="fit_from", period=MISSION) if fit_from else DEFAULT_FIT_FROM
    )
    mid = parse_iso_date(until, name="until", period=MISSION) if until else DEFAULT_UNTIL
    end = parse_iso_date(to_date, name="to_date", period=MISSION) if to_date else coverage[1]
    if not start < mid < end:
        raise ParameterError(
            f"need fit_from < until < to_date, got {start}, {mid}, {end}: the fit's outcomes are "
            "(fit_from, until], the test's (until, to_date]"
        )
    p = mission_params(params)
    base_ctx = ctx if ctx is not None else context(data_dir=data_dir, places=places)
    ctx = dataclasses.replace(
        base_ctx, events=frame, events_coverage=coverage, _cache=ByteCache(base_ctx.cache_bytes)
    )
    key = id_column(ctx)
    places = "settlements" if key == "settlement_id" else "towns"
    usable = _precise(frame, max_precision_km)

    fit_frame = evaluate(ctx, p.replace(as_of=start))
    labels = positive_places(fit_frame, _between(usable, start, mid), match_km=match_km)
    by_scale = {
        s: calibrated_features(ctx, fit_frame, when=start, scale_km=s)
        for s in progress(cal.DECAY_SCALES_KM, desc="calibration: decay scales")
    }
    meta = {
        "fit_features_as_of": start.isoformat(),
        "fit_outcomes": [(start + dt.timedelta(days=1)).isoformat(), mid.isoformat()],
        "test_features_as_of": mid.isoformat(),
        "test_outcomes": [(mid + dt.timedelta(days=1)).isoformat(), end.isoformat()],
        "events_file": str(events) if events is not None else "layers/data/events.csv (shipped)",
        "events_checksum": checksum(events),
        "match_km": match_km,
        "max_precision_km": max_precision_km,
        "places": places,
        "assessment_parameters": p.replace(as_of=start).to_dict(),
    }
    model = cal.fit(by_scale, labels, seed=seed, meta=meta)

    def scored(when: dt.date) -> gpd.GeoDataFrame:
        out = evaluate(ctx, p.replace(as_of=when))
        feats = model_features(ctx, out, model, when)
        located = out["base_before_km"].notna().to_numpy()
        out["calibrated_score"] = pd.Series(model.score(feats), index=out.index).where(located)
        return out

    report: dict[str, Any] = {"metadata": meta}
    for label, when, window in (
        ("in_sample", start, (start, mid)),
        ("out_of_sample", mid, (mid, end)),
    ):
        out = scored(when)
        table, info = validate_scores(
            out,
            _between(frame, *window),
            scores={"calibrated_score": "composite", "exposure_score": "composite"},
            match_km=match_km,
            max_precision_km=max_precision_km,
            n_boot=n_boot,
            seed=seed,
            fit_until=mid if label == "out_of_sample" else window[1],
        )
        if not info.get("n_positive"):
            first, last = (w.isoformat() for w in window)
            raise ParameterError(
                f"the {label.replace('_', '-')} window ({first} to {last}) holds no place with an "
                f"event within {match_km:g} km: the model cannot be "
                + (
                    "tested out of time; widen --to or move --until earlier"
                    if label == "out_of_sample"
                    else "scored on its fit window; widen --from/--until"
                )
            )
        table["name"] = table["name"].replace(
            {"calibrated_score": "calibrated", "exposure_score": "inform (hand-set)"}
        )
        report[label] = {
            "window": [w.isoformat() for w in window],
            "sample": label.replace("_", "-"),
            "table": table.to_dict(orient="records"),
            "n_positive": info.get("n_positive"),
            "n_places": info.get("n_places"),
        }
    test = {r["name"]: r for r in report["out_of_sample"]["table"]}
    summary = {
        name: {k: _finite(test[name].get(k)) for k in ("auc", "auc_low", "auc_high", "ap")}
        for name in test
    }
    model = dataclasses.replace(
        model, meta={**model.meta, "out_of_sample": summary, "id_column": key}
    )
    return model, report
