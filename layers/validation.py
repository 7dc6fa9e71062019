"""Does the exposure ranking find the places where events happened? The ``minusma validate`` core.

:func:`validate_scores` works on **any** GeoDataFrame of places with score columns (higher = more
exposed): the shipped assessment, a settlement assessment, or a calibrated model's output. It labels
the places with an events table (:func:`geo.evaluation.positive_places`), adds the **baselines**
computed on the same places, and compares every ranking (:func:`geo.evaluation.compare_rankings`).
:func:`validate` runs the assessment first (one call, :func:`assessment_scores`).

Baselines (higher = more exposed, like the model's scores):

* ``baseline_near_former_base``: minus the geodesic km to the nearest MINUSMA site open before the
  withdrawal (:data:`minusma.layers.mission.BEFORE_DATE`): nearer = more exposed, the "simply near a
  former base" rule the model must beat;
* ``baseline_far_from_bamako``: geodesic km to Bamako;
* ``baseline_population``: the population figure where the places have one (missing elsewhere;
  absent for places without a population column, and said so in the metadata);
* ``baseline_random``: a seeded uniform random score (what no skill looks like).

In-sample or out-of-sample: figures computed on events a model could have seen (dated on or before
its fit date, ``fit_until``) are labelled in-sample. The shipped model is hand-set, not fitted on
events: its figures are labelled out-of-sample, with that note.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.distance import geodesic_km, nearest_km
from minusma.geo.evaluation import (
    DEFAULT_KS,
    DEFAULT_MATCH_KM,
    DEFAULT_N_BOOT,
    compare_rankings,
    positive_places,
)
from minusma.geo.exposure.calibrate import load_model
from minusma.geo.exposure.params import MODELS, ExposureParams, dimensions
from minusma.geo.i18n import text
from minusma.layers.events import WINDOW, checksum, read_events
from minusma.layers.mission import BEFORE_DATE, HUB_KEY

logger = logging.getLogger(__name__)

__all__ = [
    "BAMAKO_TOWN_ID",
    "COMPOSITE",
    "DEFAULT_MAX_PRECISION_KM",
    "assessment_scores",
    "baseline_scores",
    "model_columns",
    "validate",
    "validate_scores",
]

#: The composite score column (the reference every other ranking is compared with).
COMPOSITE = "exposure_score"
#: Events located less precisely than this (km of uncertainty) are left out of the labels and
#: counted (a MODELLING CHOICE: a 25 km uncertainty is the coarsest that still names a place's
#: surroundings; ACLED geo_precision 3 and UCDP where_prec 3-7 are regions, cercles or the country).
DEFAULT_MAX_PRECISION_KM = 25.0
#: The towns-layer id of Bamako (the baseline's reference point).
BAMAKO_TOWN_ID = "ml-bamako"


def model_columns(places: pd.DataFrame) -> dict[str, str]:
    """Score columns of the exposure model present in ``places``: name -> kind.

    The composite, each dimension (``<dimension>_score``) and each indicator of
    :func:`geo.exposure.params.dimensions` (for the hub of the Mali layers), in that order.

    Parameters
    ----------
    places
        An assessment's output (or any frame of places).

    Returns
    -------
    dict of str to str
        Column name -> ``composite``, ``dimension`` or ``indicator``.
    """
    out = {}
    if COMPOSITE in places.columns:
        out[COMPOSITE] = "composite"
    model = dimensions(HUB_KEY)
    for dim in model:
        if f"{dim}_score" in places.columns:
            out[f"{dim}_score"] = "dimension"
    for indicators in model.values():
        for col in indicators:
            if col in places.columns:
                out[col] = "indicator"
    return out


def _lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    geom = gdf.geometry
    ok = ~(geom.isna() | geom.is_empty).to_numpy()
    lon, lat = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    lon[ok], lat[ok] = geom[ok].x.to_numpy(), geom[ok].y.to_numpy()
    return lon, lat


def baseline_scores(places: gpd.GeoDataFrame, *, seed: int = 0) -> dict[str, pd.Series]:
    """The baselines on ``places`` (see the module docs), indexed like ``places``.

    ``population`` is used when the places have that column; otherwise that baseline is absent.

    Parameters
    ----------
    places
        Point GeoDataFrame (EPSG:4326) of the places to rank.
    seed
        Seed of the random baseline.

    Returns
    -------
    dict of str to pandas.Series
        Baseline name -> score (higher = more exposed), indexed like ``places``.
    """
    import minusma.layers as L

    lon, lat = _lonlat(places)
    sites = L.bases(as_of=BEFORE_DATE)
    s_lon, s_lat = _lonlat(sites)
    located = np.isfinite(lon) & np.isfinite(lat)
    km = np.full(len(places), np.nan)
    km[located] = nearest_km(lon[located], lat[located], s_lon, s_lat)[1]
    towns = L.towns().set_index("town_id")
    bamako = towns.geometry.loc[BAMAKO_TOWN_ID]
    to_bamako = np.asarray(geodesic_km(lon, lat, bamako.x, bamako.y), dtype="float64")
    out = {
        "baseline_near_former_base": pd.Series(-km, index=places.index),
        "baseline_far_from_bamako": pd.Series(to_bamako, index=places.index),
    }
    if "population" in places.columns:
        out["baseline_population"] = pd.Series(
            pd.to_numeric(places["population"], errors="coerce").astype("float64"),
            index=places.index,
        )
    rng = np.random.default_rng(seed)
    out["baseline_random"] = pd.Series(rng.random(len(places)), index=places.index)
    return out


#: Why a validation is in- or out-of-sample: the note's code -> its English words (the
#: catalogue's ``validate.note.<code>``, which words it in every language).
SAMPLE_NOTES = {
    code: text(f"validate.note.{code}")
    for code in ("hand_set", "before_fit", "after_fit", "straddles", "no_events")
}


def _sample(window: tuple[dt.date, dt.date], fit_until: dt.date | None) -> tuple[str, str]:
    """The sample label and the code of its note (:data:`SAMPLE_NOTES`)."""
    if fit_until is None:
        return "out-of-sample", "hand_set"
    if window[1] <= fit_until:
        return "in-sample", "before_fit"
    if window[0] > fit_until:
        return "out-of-sample", "after_fit"
    return "mixed", "straddles"


def _date(value: str | dt.date | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ParameterError(f"{name} must be an ISO date YYYY-MM-DD, got {value!r}") from exc


def validate_scores(
    places: gpd.GeoDataFrame,
    events: gpd.GeoDataFrame,
    *,
    scores: Mapping[str, str] | None = None,
    match_km: float = DEFAULT_MATCH_KM,
    max_precision_km: float | None = DEFAULT_MAX_PRECISION_KM,
    ks: Sequence[int] = DEFAULT_KS,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = 0,
    fit_until: str | dt.date | None = None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Compare rankings of ``places`` against ``events``, with the baselines.

    Parameters
    ----------
    places
        Point GeoDataFrame (EPSG:4326) with one or more score columns (higher = more exposed).
    events
        An event frame (:func:`layers.events.read_events`; any point GeoDataFrame with ``date`` and,
        optionally, ``location_precision_km``), already restricted to the window to test.
    scores
        Column -> kind (``composite``, ``dimension``, ``indicator``, or any label); default
        :func:`model_columns`. The first is the reference of the paired differences.
    match_km
        Match radius between an event and a place (km); see :mod:`geo.evaluation`.
    max_precision_km
        The coarsest event location kept (km; None: all).
    ks
        Top-k cut-offs.
    n_boot
        Bootstrap draws.
    seed
        Seed of the bootstrap and of the random baseline.
    fit_until
        Last day of the events a calibrated model was fitted on (None: the model is not fitted).

    Returns
    -------
    table : pandas.DataFrame
        :func:`geo.evaluation.compare_rankings` with a ``kind`` column after ``name``.
    metadata : dict
        Events and places counted (``n_events``, ``events_matched``, ``events_unlocated``,
        ``events_too_imprecise``, ``n_places``, ``n_places_unlabelled``, ``n_positive``), the
        window, match radius, bootstrap settings, ``baselines_missing`` and ``sample``
        (``in-sample``, ``out-of-sample`` or ``mixed``) with ``sample_note``.

    Raises
    ------
    ParameterError
        No score column, or a score column missing from ``places``.
    """
    scores = dict(scores) if scores is not None else model_columns(places)
    if not scores:
        raise ParameterError(
            "no score column to validate: give scores={column: kind} or the assessment's output"
        )
    missing = [c for c in scores if c not in places.columns]
    if missing:
        raise ParameterError(f"score column(s) {missing} not in the places frame")
    precision = (
        events["location_precision_km"].to_numpy("float64")
        if "location_precision_km" in events.columns
        else np.zeros(len(events))
    )
    too_coarse = (
        np.isfinite(precision) & (precision > max_precision_km)
        if max_precision_km is not None
        else np.zeros(len(events), dtype=bool)
    )
    usable = events[~too_coarse]
    labels = positive_places(places, usable, match_km=match_km)
    baselines = baseline_scores(places, seed=seed)
    rankings = {col: pd.to_numeric(places[col], errors="coerce") for col in scores}
    kinds = dict(scores)
    for name, series in baselines.items():
        rankings[name] = series
        kinds[name] = "baseline"
    table = compare_rankings(labels, rankings, ks=ks, n_boot=n_boot, seed=seed)
    table.insert(1, "kind", table["name"].map(kinds))
    dates = pd.to_datetime(events["date"]) if len(events) else pd.Series([], dtype="datetime64[ns]")
    window = events.attrs.get("window") or [None, None]
    start = _date(window[0], "from_date") or (dates.min().date() if len(dates) else None)
    end = _date(window[1], "to_date") or (dates.max().date() if len(dates) else None)
    fit_day = _date(fit_until, "fit_until")
    sample, note_code = (
        _sample((start, end), fit_day) if start and end else ("out-of-sample", "no_events")
    )
    note = SAMPLE_NOTES[note_code].format(fit_until=fit_day)
    meta: dict[str, object] = {
        "window": [start.isoformat() if start else None, end.isoformat() if end else None],
        "match_km": float(match_km),
        "max_precision_km": max_precision_km,
        "n_events": len(events),
        "events_matched": labels.attrs["events_matched"],
        "events_unlocated": labels.attrs["events_unlocated"],
        "events_too_imprecise": int(too_coarse.sum()),
        "events_dropped": events.attrs.get("dropped", {}),
        "n_places": len(places),
        "n_places_unlabelled": int(labels.isna().sum()),
        "n_positive": int(labels.fillna(False).sum()),
        "reference": COMPOSITE if COMPOSITE in scores else next(iter(scores)),
        "n_boot": n_boot,
        "seed": seed,
        "ks": list(ks),
        "interval": "95 % percentile bootstrap over places (paired across rankings)",
        "baselines_missing": (
            {}
            if "baseline_population" in baselines
            else {"baseline_population": "the places have no population column"}
        ),
        "sample": sample,
        "sample_note": note,
        "sample_note_code": note_code,
        "fit_until": None if fit_day is None else fit_day.isoformat(),
    }
    logger.info(
        "validation: %d of %d events matched a place; %d of %d places positive",
        meta["events_matched"],
        len(events),
        meta["n_positive"],
        len(places),
    )
    return table, meta


def assessment_scores(
    *,
    params: ExposureParams | None,
    places: str,
    data_dir: str | os.PathLike | None,
) -> gpd.GeoDataFrame:
    """The exposure model's output on the places (the one call to the model).

    Parameters
    ----------
    params
        The model's parameters (None: the defaults; ``params.model`` may name a calibrated model
        file).
    places
        ``"towns"`` or, with ``data_dir``, ``"settlements"``.
    data_dir
        The data directory (None: the shipped data).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place with the score columns (:func:`layers.assessment.assessment`).
    """
    from minusma.layers.assessment import assessment, context

    return assessment(context(data_dir=data_dir, places=places), params)


def validate(
    *,
    events: str | os.PathLike | gpd.GeoDataFrame | None = None,
    from_date: str | dt.date | None = None,
    to_date: str | dt.date | None = None,
    match_km: float = DEFAULT_MATCH_KM,
    max_precision_km: float | None = DEFAULT_MAX_PRECISION_KM,
    as_of: str | dt.date | None = None,
    params: ExposureParams | None = None,
    places: str = "towns",
    data_dir: str | os.PathLike | None = None,
    ks: Sequence[int] = DEFAULT_KS,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = 0,
    fit_until: str | dt.date | None = None,
    assessment: gpd.GeoDataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The validation report of the exposure ranking against events.

    Parameters
    ----------
    events
        An events file (shipped schema, ACLED export or UCDP GED, see
        :func:`layers.events.read_events`), an event frame, or None for the shipped table.
    from_date
        First day of the events window (inclusive); default the start of the shipped table's
        :data:`layers.events.WINDOW`.
    to_date
        Last day of the window (inclusive); default the end of :data:`layers.events.WINDOW`.
    match_km
        See :func:`validate_scores`.
    max_precision_km
        See :func:`validate_scores`.
    as_of
        Date of the assessment to test (default: after the last closure).
    params
        Its parameters (e.g. a calibrated ``model``).
    places
        ``"towns"`` (the shipped towns) or, with ``data_dir``, ``"settlements"`` (the 18,769 OCHA
        COD places).
    data_dir
        The data directory (None: the shipped data).
    ks
        See :func:`validate_scores`.
    n_boot
        See :func:`validate_scores`.
    seed
        See :func:`validate_scores`.
    fit_until
        See :func:`validate_scores`; default, for a calibrated model, the end of its fit's outcomes.
    assessment
        A ready GeoDataFrame with score columns (e.g. a calibrated model's output) instead of
        running the assessment.

    Returns
    -------
    table, metadata
        As :func:`validate_scores`; the metadata add the events file, its checksum and format, and
        the assessment's as-of date and places.

    Raises
    ------
    ParameterError
        ``from_date`` is after ``to_date``.
    """
    start = _date(from_date, "from_date") or WINDOW[0]
    end = _date(to_date, "to_date") or WINDOW[1]
    if start > end:
        raise ParameterError(f"from_date {start} is after to_date {end}")
    if isinstance(events, gpd.GeoDataFrame):
        day = pd.to_datetime(events["date"]).dt.date
        inside = (day >= start) & (day <= end)
        frame = events[inside.to_numpy()].copy()
        frame.attrs = {
            **events.attrs,
            "window": [start.isoformat(), end.isoformat()],
            "dropped": {"outside_window": int((~inside).sum())},
        }
        source, digest, fmt = "given frame", None, events.attrs.get("format")
    else:
        frame = read_events(events, from_date=start, to_date=end)
        source = str(events) if events is not None else "layers/data/events.csv"
        digest = checksum(Path(events) if events is not None else None)
        fmt = frame.attrs.get("format")
    p = ExposureParams.from_options(params, as_of=as_of)
    if fit_until is None and p.model not in MODELS:
        # a calibrated model saw the events up to the end of its fit's outcomes
        fit_until = load_model(p.model).meta.get("fit_outcomes", [None, None])[1]
    scored = (
        assessment
        if assessment is not None
        else assessment_scores(params=p, places=places, data_dir=data_dir)
    )
    table, meta = validate_scores(
        scored,
        frame,
        match_km=match_km,
        max_precision_km=max_precision_km,
        ks=ks,
        n_boot=n_boot,
        seed=seed,
        fit_until=fit_until,
    )
    used = scored.attrs.get("parameters", {})
    meta = {
        "events_file": source,
        "events_checksum": digest,
        "events_format": fmt,
        **meta,
        "window": [start.isoformat(), end.isoformat()],
        "as_of": used.get("as_of", as_of if as_of is None else str(as_of)),
        "places": places if assessment is None else "given frame",
        "data_dir": str(data_dir) if data_dir is not None else None,
    }
    return table, meta
