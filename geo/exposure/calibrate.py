"""A model chosen by the evidence: indicator weights and a distance-decay scale fitted to events.

The hand-set model (:mod:`geo.exposure.score`, INFORM-style) scores the security loss linearly to
zero at ``radius_km``, weights every indicator equally and averages. The calibrated model keeps the
same road and air indicators but replaces the security rule by a continuous decay of protection with
distance to the nearest open site, adds a conflict-history indicator, and learns the weights and the
decay scale by regularised logistic regression with cross-validation (scikit-learn):

- ``security_decay_score`` = 10 x (exp(-d_before / s) - exp(-d_now / s)): the protection lost, where
  ``d`` is the geodesic km to the nearest open site before the withdrawal and at the date (no open
  site: no protection) and ``s`` the decay scale (chosen among :data:`DECAY_SCALES_KM` by
  cross-validated log-loss);
- ``conflict_history_score`` = log(1 + events within ``history_radius_km`` in the
  ``history_months`` before the date): missing (never zero) where the events data does not cover
  that period;
- ``bamako_time_score``, ``bamako_routes_score``, ``air_score`` as in the hand-set model.

Missing indicator values are filled with the training median (the ``data_gap`` flag of the
assessment still says which places miss an input). The score is 10 x the predicted probability of
at least one event near the place in the outcome window; classes use the same fixed thresholds.

References
----------
scikit-learn ``LogisticRegressionCV`` (L2 penalty, stratified k-fold, log-loss scoring).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError, SchemaError
from minusma.geo.exposure.coverage import within_km

logger = logging.getLogger(__name__)

__all__ = [
    "DECAY_SCALES_KM",
    "FEATURES",
    "HISTORY_MONTHS",
    "HISTORY_RADIUS_KM",
    "CalibratedModel",
    "conflict_history",
    "fit",
    "load_model",
    "security_decay_score",
]

#: Indicators of the calibrated model, in order.
FEATURES = (
    "security_decay_score",
    "conflict_history_score",
    "bamako_time_score",
    "bamako_routes_score",
    "air_score",
)
#: Decay scales tried (km): from a town's outskirts to a day's drive and more.
DECAY_SCALES_KM = (25.0, 50.0, 100.0, 200.0)
#: Conflict history: events within this many km of a place (a modelling choice: the match radius
#: of the validation, x2.5, so that nearby villages count) ...
HISTORY_RADIUS_KM = 25.0
#: ... in this many months before the date.
HISTORY_MONTHS = 3
#: Fewest positive and negative places a fit needs (5 folds need at least one of each per fold).
MIN_CLASS_COUNT = 10


def security_decay_score(
    before_km: np.ndarray | pd.Series, now_km: np.ndarray | pd.Series, scale_km: float
) -> np.ndarray:
    """Protection lost, 0-10: 10 x (exp(-before/s) - exp(-now/s)); no open site now = none left.

    NaN where the distance before is unknown (a place without a point).
    """
    before = np.asarray(before_km, dtype=float)
    now = np.asarray(now_km, dtype=float)
    kept = np.where(np.isnan(now), 0.0, np.exp(-np.nan_to_num(now, nan=0.0) / scale_km))
    lost = np.exp(-before / scale_km) - kept
    return np.clip(10.0 * lost, 0.0, 10.0)


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, 28))


def conflict_history(
    places,
    events,
    *,
    as_of: dt.date,
    coverage: tuple[dt.date, dt.date] | None,
    radius_km: float = HISTORY_RADIUS_KM,
    months: int = HISTORY_MONTHS,
) -> pd.Series:
    """log(1 + events within ``radius_km`` of each place in the ``months`` before ``as_of``).

    Parameters
    ----------
    places, events
        Point GeoDataFrames in EPSG:4326; ``events`` has a ``date`` column.
    as_of
        The date of the indicator; events on ``as_of`` itself are not counted (they are outcomes).
    coverage
        First and last day the events data covers. The indicator is missing (NaN) for every place
        when the period ``[as_of - months, as_of)`` is not inside it: absence of data is not
        absence of events.

    Returns
    -------
    pandas.Series
        Aligned to ``places``, named ``conflict_history_score``; NaN for places without a point.
    """
    start = _add_months(as_of, -months)
    name = "conflict_history_score"
    if events is None or coverage is None or not (coverage[0] <= start and as_of <= coverage[1]):
        return pd.Series(np.nan, index=places.index, name=name)
    day = pd.to_datetime(events["date"]).dt.date
    recent = events[((day >= start) & (day < as_of)).to_numpy()]
    recent = recent[recent.geometry.notna() & ~recent.geometry.is_empty]
    counts = np.zeros(len(places))
    if len(recent):
        pairs = within_km(places.reset_index(drop=True), recent.reset_index(drop=True), radius_km)
        np.add.at(counts, pairs["point"].to_numpy(dtype="int64"), 1.0)
    out = pd.Series(np.log1p(counts), index=places.index, name=name)
    located = places.geometry.notna() & ~places.geometry.is_empty
    return out.where(located.to_numpy(), np.nan)


@dataclasses.dataclass(frozen=True)
class CalibratedModel:
    """A fitted logistic model of the exposure indicators (see the module docstring).

    Attributes
    ----------
    features
        Indicator columns used (those with data in the fit), in order.
    coef, intercept
        Coefficients on the standardised features, and the intercept.
    mean, scale, impute
        Standardisation and the training medians used for missing values.
    decay_scale_km
        The chosen decay scale of ``security_decay_score``.
    history_radius_km, history_months
        The conflict-history indicator's settings.
    meta
        Fit window, events checksum, cross-validation figures and anything the caller records.
    """

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    impute: tuple[float, ...]
    decay_scale_km: float
    history_radius_km: float = HISTORY_RADIUS_KM
    history_months: int = HISTORY_MONTHS
    meta: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """The standardised feature matrix of ``frame`` (missing values imputed)."""
        missing = [f for f in self.features if f not in frame.columns]
        if missing:
            raise SchemaError(f"calibrated model: frame lacks the indicator column(s) {missing}")
        x = frame[list(self.features)].to_numpy(dtype=float)
        x = np.where(np.isnan(x), np.asarray(self.impute), x)
        return (x - np.asarray(self.mean)) / np.asarray(self.scale)

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted probability of an event near each place."""
        z = self.matrix(frame) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """The exposure score, 0-10 (10 x the probability)."""
        return 10.0 * self.probability(frame)

    def weights(self) -> dict[str, float]:
        """Coefficient per feature on its original scale (per unit of the indicator)."""
        return {
            f: float(c / s) for f, c, s in zip(self.features, self.coef, self.scale, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (written by :meth:`save`)."""
        out = dataclasses.asdict(self)
        out["kind"] = "logistic"
        out["weights_per_unit"] = self.weights()
        return out

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model as JSON, atomically."""
        from minusma.geo.io import write_json

        return write_json(self.to_dict(), path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str = "model") -> CalibratedModel:
        """The model of :meth:`to_dict`; a clear error for anything else."""
        if data.get("kind") != "logistic":
            raise SchemaError(f"{name}: not a calibrated model file (kind must be 'logistic')")
        fields = {f.name for f in dataclasses.fields(cls)}
        try:
            values = {k: data[k] for k in fields if k in data}
            tuples = ("features", "coef", "mean", "scale", "impute")
            values.update({k: tuple(values[k]) for k in tuples})
            model = cls(**values)
        except (KeyError, TypeError) as exc:
            raise SchemaError(f"{name}: malformed calibrated model ({exc})") from exc
        n = len(model.features)
        if not all(len(getattr(model, k)) == n for k in ("coef", "mean", "scale", "impute")):
            raise SchemaError(f"{name}: malformed calibrated model (lengths differ)")
        unknown = sorted(set(model.features) - set(FEATURES))
        if unknown:
            raise SchemaError(f"{name}: unknown feature(s) {unknown}; known: {list(FEATURES)}")
        return model


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> CalibratedModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"cannot read the model file {path}: {exc}") from exc
    return CalibratedModel.from_dict(data, name=path)


def load_model(path: str | os.PathLike) -> CalibratedModel:
    """The calibrated model in ``path`` (a JSON file written by :meth:`CalibratedModel.save`).

    Raises
    ------
    ParameterError
        When the file does not exist (say which, and how to make one).
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise ParameterError(
            f"model {str(path)!r} is neither 'inform' nor a model file; "
            "write one with `minusma calibrate --out weights.json`"
        )
    stat = p.stat()
    return _load(str(p.resolve()), stat.st_mtime_ns, stat.st_size)


def fit(
    features_by_scale: Mapping[float, pd.DataFrame],
    labels: pd.Series,
    *,
    folds: int = 5,
    seed: int = 0,
    meta: Mapping[str, Any] | None = None,
) -> CalibratedModel:
    """Fit the weights and choose the decay scale by cross-validation.

    Parameters
    ----------
    features_by_scale
        For each decay scale tried, a frame of the :data:`FEATURES` columns for the training places
        (aligned to ``labels``). Features with no value at all are left out (reported in ``meta``).
    labels
        Boolean (nullable): an event near the place in the outcome window; NA rows are left out.
    folds, seed
        Stratified folds of the cross-validation and their shuffling seed.
    meta
        Recorded in the model (fit window, events checksum, ...).

    Raises
    ------
    ParameterError
        With fewer than :data:`MIN_CLASS_COUNT` positive or negative places.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    known = labels.notna().to_numpy()
    y = labels.to_numpy(dtype=object)[known].astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if min(n_pos, n_neg) < MIN_CLASS_COUNT:
        raise ParameterError(
            f"cannot fit: {n_pos} places with events and {n_neg} without in the fit window; "
            f"need at least {MIN_CLASS_COUNT} of each (widen the window or the match radius)"
        )
    best = None
    cv_scores = {}
    for scale, frame in sorted(features_by_scale.items()):
        x_all = frame.loc[known, list(FEATURES)].to_numpy(dtype=float)
        used = [i for i in range(x_all.shape[1]) if np.isfinite(x_all[:, i]).any()]
        x = x_all[:, used]
        impute = np.nanmedian(x, axis=0)
        x = np.where(np.isnan(x), impute, x)
        mean, std = x.mean(axis=0), x.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        z = (x - mean) / std
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        clf = LogisticRegressionCV(Cs=10, cv=cv, scoring="neg_log_loss", max_iter=2000)
        clf.fit(z, y)
        score = float(np.max(clf.scores_[True].mean(axis=0)))
        cv_scores[str(scale)] = -score
        if best is None or score > best[0]:
            best = (score, scale, used, clf, mean, std, impute)
    _, scale, used, clf, mean, std, impute = best
    dropped = [FEATURES[i] for i in range(len(FEATURES)) if i not in used]
    record = {
        **dict(meta or {}),
        "n_places": int(known.sum()),
        "n_positive": n_pos,
        "cv_log_loss_by_scale_km": cv_scores,
        "cv_folds": folds,
        "regularisation_C": float(clf.C_[0]),
        "features_without_data": dropped,
        "seed": seed,
    }
    logger.info("calibrated: decay scale %g km, C=%g, dropped %s", scale, clf.C_[0], dropped)
    return CalibratedModel(
        features=tuple(FEATURES[i] for i in used),
        coef=tuple(float(c) for c in clf.coef_[0]),
        intercept=float(clf.intercept_[0]),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in std),
        impute=tuple(float(v) for v in impute),
        decay_scale_km=float(scale),
        meta=record,
    )
