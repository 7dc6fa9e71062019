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
- ``<hub>_time_score``, ``<hub>_routes_score``, ``air_score`` as in the hand-set model.

Missing indicator values are filled with the training median (the ``data_gap`` flag of the
assessment still says which places miss an input). The score is 10 x the predicted probability of
at least one event near the place in the outcome window; classes use the same fixed thresholds.

References
----------
scikit-learn ``LogisticRegressionCV`` (L2 penalty, stratified k-fold, log-loss scoring).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError, SchemaError, shorten
from minusma.geo.exposure.coverage import within_km
from minusma.geo.exposure.params import check_hub_key

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

__all__ = [
    "DECAY_SCALES_KM",
    "FEATURES",
    "FEATURE_SIGNS",
    "HISTORY_MONTHS",
    "HISTORY_RADIUS_KM",
    "CalibratedModel",
    "accept_edited_models",
    "check_model_dict",
    "conflict_history",
    "content_checksum",
    "features",
    "fit",
    "load_model",
    "security_decay_score",
]

#: Indicators of the calibrated model, in order (``{hub}``: the hub's key, the prefix of the
#: road indicators' columns; :func:`features` fills it in).
FEATURES = (
    "security_decay_score",
    "conflict_history_score",
    "{hub}_time_score",
    "{hub}_routes_score",
    "air_score",
)
#: A feature name for some hub (the hub's key as :func:`~geo.exposure.params.check_hub_key`).
_FEATURE = re.compile(
    "|".join(re.escape(f).replace(re.escape("{hub}"), "[a-z][a-z0-9_]*") for f in FEATURES)
)


def features(hub_key: str) -> tuple[str, ...]:
    """The indicators of the calibrated model for a hub, in order.

    Parameters
    ----------
    hub_key
        The hub's key.

    Returns
    -------
    tuple of str
        :data:`FEATURES` with the key filled in.
    """
    key = check_hub_key(hub_key)
    return tuple(f.format(hub=key) for f in FEATURES)


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

    Parameters
    ----------
    before_km
        Geodesic km from each place to the nearest open site before the withdrawal.
    now_km
        Geodesic km to the nearest site open at the date; NaN where no site is open (then no
        protection is left).
    scale_km
        The decay scale ``s`` (km): protection falls to 1/e at this distance.

    Returns
    -------
    numpy.ndarray
        The score, aligned to the inputs, clipped to [0, 10]; NaN where the distance before is
        unknown (a place without a point).
    """
    before = np.asarray(before_km, dtype=float)
    now = np.asarray(now_km, dtype=float)
    kept = np.where(np.isnan(now), 0.0, np.exp(-np.nan_to_num(now, nan=0.0) / scale_km))
    lost = np.exp(-before / scale_km) - kept
    return np.clip(10.0 * lost, 0.0, 10.0)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day.

    31 May less 3 months is 28 or 29 Feb (pandas ``DateOffset``).
    """
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def conflict_history(
    places: gpd.GeoDataFrame,
    events: gpd.GeoDataFrame | None,
    *,
    as_of: dt.date,
    coverage: tuple[dt.date, dt.date] | None,
    radius_km: float = HISTORY_RADIUS_KM,
    months: int = HISTORY_MONTHS,
) -> pd.Series:
    """log(1 + events within ``radius_km`` of each place in the ``months`` before ``as_of``).

    Parameters
    ----------
    places
        Point GeoDataFrame in EPSG:4326.
    events
        Point GeoDataFrame in EPSG:4326 with a ``date`` column; events without a point are not
        counted. None: no events data (the indicator is missing).
    as_of
        The date of the indicator; events on ``as_of`` itself are not counted (they are outcomes).
    coverage
        First and last day the events data covers. The indicator is missing (NaN) for every place
        when the period ``[as_of - months, as_of)`` is not inside it, or when None: absence of
        data is not absence of events.
    radius_km
        Geodesic radius (km) around a place within which an event counts.
    months
        Length of the history, in calendar months before ``as_of`` (the same day of the month,
        or that month's last day when it is shorter: 3 months before 31 Oct is 31 Jul).

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
    coef
        Coefficients on the standardised features, in the order of ``features``.
    intercept
        The intercept of the logistic model.
    mean
        The training mean of each feature (after imputation), for standardising.
    scale
        The training standard deviation of each feature (1 where it was 0).
    impute
        The training median of each feature, used for missing values.
    decay_scale_km
        The chosen decay scale of ``security_decay_score`` (km).
    history_radius_km
        The conflict-history indicator's radius (km); the assessment applies it
        (:func:`geo.exposure.assess.calibrated_features`).
    history_months
        The conflict-history indicator's length (months); the assessment applies it.
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
        """The standardised feature matrix of ``frame`` (missing values imputed).

        Parameters
        ----------
        frame
            One row per place with every column of :attr:`features` (others are ignored).

        Returns
        -------
        numpy.ndarray
            Shape ``(len(frame), len(features))``: each value minus the training mean, over the
            training scale; missing values are the training median first.

        Raises
        ------
        SchemaError
            ``frame`` lacks a feature column.
        """
        missing = [f for f in self.features if f not in frame.columns]
        if missing:
            raise SchemaError(f"calibrated model: frame lacks the indicator column(s) {missing}")
        x = frame[list(self.features)].to_numpy(dtype=float)
        x = np.where(np.isnan(x), np.asarray(self.impute), x)
        return (x - np.asarray(self.mean)) / np.asarray(self.scale)

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted probability of an event near each place.

        Parameters
        ----------
        frame
            One row per place with every column of :attr:`features`.

        Returns
        -------
        numpy.ndarray
            The logistic model's probability (0-1), aligned to ``frame``.

        Raises
        ------
        SchemaError
            ``frame`` lacks a feature column.
        """
        z = self.matrix(frame) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """The exposure score, 0-10 (10 x the probability).

        Parameters
        ----------
        frame
            One row per place with every column of :attr:`features`.

        Returns
        -------
        numpy.ndarray
            10 x :meth:`probability`, aligned to ``frame``.

        Raises
        ------
        SchemaError
            ``frame`` lacks a feature column.
        """
        return 10.0 * self.probability(frame)

    def weights(self) -> dict[str, float]:
        """Coefficient per feature on its original scale (per unit of the indicator).

        Returns
        -------
        dict of str to float
            Each feature's coefficient divided by its training scale: the change in log-odds
            per unit of the indicator.
        """
        return {
            f: float(c / s) for f, c, s in zip(self.features, self.coef, self.scale, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (written by :meth:`save`).

        Returns
        -------
        dict
            Every field, plus ``kind`` (``"logistic"``) and ``weights_per_unit``
            (:meth:`weights`); :meth:`from_dict` reads it back.
        """
        out = dataclasses.asdict(self)
        out["kind"] = "logistic"
        out["weights_per_unit"] = self.weights()
        return out

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model as JSON, atomically, with its content checksum.

        :func:`load_model` refuses a file edited afterwards. What :func:`load_model` added to
        ``meta`` (``model_file``, ``model_checksum``, ``checksum_verified``) is not written.

        Parameters
        ----------
        path
            The JSON file to write.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        from minusma.geo.io import write_json

        data = self.to_dict()
        data["meta"] = {
            k: v
            for k, v in data["meta"].items()
            if k not in ("model_file", "model_checksum", "checksum_verified")
        }
        data["checksum"] = content_checksum(data)
        return write_json(data, path)

    def provenance(self) -> dict[str, Any]:
        """What every output scored by this model records: its file, fit window and checksum.

        Returns
        -------
        dict
            ``kind``, ``file``, ``fit_features_as_of``, ``fit_outcomes``, ``checksum`` and
            ``checksum_verified``, from ``meta`` (None where a model not read by
            :func:`load_model` lacks them).
        """
        return {
            "kind": "logistic",
            "file": self.meta.get("model_file"),
            "fit_features_as_of": self.meta.get("fit_features_as_of"),
            "fit_outcomes": self.meta.get("fit_outcomes"),
            "checksum": self.meta.get("model_checksum"),
            "checksum_verified": self.meta.get("checksum_verified"),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str = "model") -> CalibratedModel:
        """The model of :meth:`to_dict`, every value checked (:func:`check_model_dict`).

        Parameters
        ----------
        data
            The model's dict (e.g. a model file's JSON); keys that are not fields are ignored.
        name
            The model's name in messages (its file).

        Returns
        -------
        CalibratedModel
            The model; ``history_radius_km`` and ``history_months`` take their defaults when
            absent.

        Raises
        ------
        SchemaError
            Naming every invalid value (:func:`check_model_dict`).
        """
        check_model_dict(data, name=name)
        values = {f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data}
        for key in ("features", "coef", "mean", "scale", "impute"):
            values[key] = tuple(values[key])
        values["meta"] = dict(data.get("meta") or {})
        return cls(**values)


#: Sign convention of every indicator: +1 where a higher value means more exposure (all five are
#: scores oriented that way), so a model whose coefficients point against it ranks places upside
#: down.
FEATURE_SIGNS = dict.fromkeys(FEATURES, 1)


def _template(feature: str) -> str:
    """The entry of :data:`FEATURES` that ``feature`` is (the hub's key replaced by ``{hub}``)."""
    for template in FEATURES:
        head, _, tail = template.partition("{hub}")
        if feature == template or (
            "{hub}" in template and feature.endswith(tail) and feature.startswith(head)
        ):
            return template
    return feature


#: Bounds of the model's settings (a decay scale or history radius beyond a country's width, or a
#: history longer than the mission's decade, is an edited file, not a fit).
DECAY_SCALE_KM_MAX = 2000.0
HISTORY_MONTHS_MAX = 120


def _is_number(value: Any) -> bool:
    """True for a finite int or float (a bool is not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _inverted(features: Sequence[str], coef: Sequence[float]) -> str | None:
    """A description of how ``coef`` inverts the ranking, or None.

    Inverted: every coefficient zero (ranks nothing), or their sum along the sign convention not
    positive (ranks upside down).
    """
    signed = sum(FEATURE_SIGNS.get(_template(f), 1) * c for f, c in zip(features, coef))
    if all(c == 0 for c in coef):
        return "every coefficient is zero: the model ranks nothing"
    if signed <= 0:
        return (
            f"the coefficients sum to {signed:+.3g} along the indicators' sign convention (a "
            "higher indicator means more exposure): the ranking is inverted"
        )
    return None


def _iso(value: Any) -> dt.date | None:
    """``value`` as an ISO date, or None."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _window_problems(meta: Mapping[str, Any]) -> list[str]:
    """What is wrong with the fit and test windows recorded in ``meta`` (none: ``[]``)."""
    problems = []
    days: dict[str, dt.date | None] = {}
    spans: dict[str, list[dt.date]] = {}
    for key in ("fit_features_as_of", "test_features_as_of"):
        if key in meta:
            days[key] = _iso(meta[key])
            if days[key] is None:
                problems.append(f"meta.{key} is not an ISO date: {shorten(meta[key], 40)!r}")
    for key in ("fit_outcomes", "test_outcomes"):
        if key not in meta:
            continue
        value = meta[key]
        parsed = [_iso(v) for v in value] if isinstance(value, list) and len(value) == 2 else []
        pair = [d for d in parsed if d is not None]
        if len(pair) != 2:
            problems.append(f"meta.{key} must be two ISO dates [first, last]")
        elif pair[0] > pair[1]:
            problems.append(f"meta.{key} ends before it starts: {value}")
        else:
            spans[key] = pair
    fit_from, fit_out = days.get("fit_features_as_of"), spans.get("fit_outcomes")
    test_from, test_out = days.get("test_features_as_of"), spans.get("test_outcomes")
    if fit_from and fit_out and not fit_from < fit_out[0]:
        problems.append("meta.fit_outcomes must start after meta.fit_features_as_of")
    if fit_out and test_out and not fit_out[1] < test_out[0]:
        problems.append("meta.test_outcomes must start after meta.fit_outcomes end (out of time)")
    if test_from and test_out and not test_from < test_out[0]:
        problems.append("meta.test_outcomes must start after meta.test_features_as_of")
    return problems


def check_model_dict(data: Any, *, name: str = "model") -> None:
    """Check every value of a calibrated model file, listing all problems at once.

    Checked: ``kind`` is ``"logistic"``; ``features`` a non-empty list of distinct known indicator
    names; ``coef``, ``mean``, ``scale`` and ``impute`` JSON lists of finite numbers (no strings,
    no booleans) of the same length, ``scale`` positive; ``intercept`` finite; ``decay_scale_km``
    and ``history_radius_km`` in ``(0, DECAY_SCALE_KM_MAX]``; ``history_months`` a whole number in
    ``[1, HISTORY_MONTHS_MAX]``; the windows in ``meta`` in order; and the coefficients not
    inverted against :data:`FEATURE_SIGNS`.

    Parameters
    ----------
    data
        The parsed model file (any JSON value).
    name
        The model's name in messages (its file).

    Raises
    ------
    SchemaError
        Naming the file and every problem.
    """
    if not isinstance(data, Mapping):
        raise SchemaError(
            f"{name}: not a calibrated model file (a JSON object is expected, got "
            f"{type(data).__name__}); write one with `minusma calibrate --out weights.json`"
        )
    if data.get("kind") != "logistic":
        raise SchemaError(f"{name}: not a calibrated model file (kind must be 'logistic')")
    problems = []
    features = data.get("features")
    if not isinstance(features, (list, tuple)) or not features:
        problems.append("features must be a non-empty list of indicator names")
        features = []
    elif not all(isinstance(f, str) for f in features):
        problems.append("features must be names (text)")
        features = []
    else:
        unknown = sorted(f for f in set(features) if not _FEATURE.fullmatch(f))
        if unknown:
            problems.append(f"unknown feature(s) {unknown}; known: {list(FEATURES)}")
        if len(set(features)) != len(features):
            problems.append("features are repeated")
    for key in ("coef", "mean", "scale", "impute"):
        values = data.get(key)
        if not isinstance(values, (list, tuple)):
            problems.append(f"{key} must be a list of numbers, got {type(values).__name__}")
            continue
        if features and len(values) != len(features):
            problems.append(f"{key} has {len(values)} values for {len(features)} features")
        bad = [v for v in values if not _is_number(v)]
        if bad:
            problems.append(f"{key} holds values that are not finite numbers: {shorten(bad, 60)}")
        elif key == "scale" and any(v <= 0 for v in values):
            problems.append("scale must be positive (a zero scale ties every place)")
    if not _is_number(data.get("intercept")):
        problems.append(
            f"intercept must be a finite number, got {shorten(data.get('intercept'), 40)!r}"
        )
    for key in ("decay_scale_km", "history_radius_km"):
        value = data.get(key, 1.0 if key == "history_radius_km" else None)
        if not (_is_number(value) and 0 < value <= DECAY_SCALE_KM_MAX):
            problems.append(
                f"{key} must be a number of km in (0, {DECAY_SCALE_KM_MAX:g}], "
                f"got {shorten(value, 40)!r}"
            )
    months = data.get("history_months", HISTORY_MONTHS)
    if not (
        isinstance(months, int)
        and not isinstance(months, bool)
        and 1 <= months <= HISTORY_MONTHS_MAX
    ):
        problems.append(
            f"history_months must be a whole number in [1, {HISTORY_MONTHS_MAX}], "
            f"got {shorten(months, 40)!r}"
        )
    meta = data.get("meta", {})
    if not isinstance(meta, Mapping):
        problems.append("meta must be an object")
    else:
        problems += _window_problems(meta)
    if not problems:
        inverted = _inverted(features, data["coef"])
        if inverted:
            problems.append(inverted)
    if problems:
        raise SchemaError(
            f"{name}: invalid calibrated model: " + "; ".join(problems) + "; write a new one with "
            "`minusma calibrate --out weights.json`"
        )


def content_checksum(data: Mapping[str, Any]) -> str:
    """sha256 of a model's content (every key but ``checksum``).

    Written by :meth:`CalibratedModel.save` and checked by :func:`load_model`.

    Parameters
    ----------
    data
        The model's dict (:meth:`CalibratedModel.to_dict` and its ``meta``); its ``checksum``
        key, if any, is left out.

    Returns
    -------
    str
        ``"sha256:<hex>"`` of the canonical JSON (sorted keys, no spaces, UTF-8).
    """
    body = {k: v for k, v in data.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Whether :func:`load_model` accepts a model file whose content checksum does not match (set for
#: one command by ``--accept-edited-model``, or with :func:`accept_edited_models`).
_ACCEPT_EDITED = {"on": False}
#: Edited model files already reported (path, checksum).
_WARNED: set[tuple[str, str]] = set()


@contextlib.contextmanager
def accept_edited_models(enabled: bool = True) -> Iterator[None]:
    """Within the block, load model files whose checksum does not match, with a warning.

    The explicit override: a file edited by hand (or written without a checksum) is used instead
    of refused. The setting is process-wide; the previous one is restored on leaving the block.

    Parameters
    ----------
    enabled
        Accept such files (False: refuse them within the block).

    Yields
    ------
    None
        Nothing; the setting holds until the block ends.
    """
    before = _ACCEPT_EDITED["on"]
    _ACCEPT_EDITED["on"] = enabled
    try:
        yield
    finally:
        _ACCEPT_EDITED["on"] = before


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> tuple[CalibratedModel, str | None, str]:
    """The model in ``path``, its recorded and actual checksums (cached per file version)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"cannot read the model file {shorten(path)}: {exc}") from exc
    model = CalibratedModel.from_dict(data, name=shorten(path))
    return model, data.get("checksum"), content_checksum(data)


def load_model(path: str | os.PathLike, *, accept_edited: bool = False) -> CalibratedModel:
    """The calibrated model in ``path``, every value checked and its content checksum verified.

    ``path`` is a JSON file written by :meth:`CalibratedModel.save`; a file is read once per
    version (path, modification time and size).

    Parameters
    ----------
    path
        The model file.
    accept_edited
        Load a file whose content does not match its checksum (edited by hand, or written before
        checksums), with a warning; also set for a block by :func:`accept_edited_models`.

    Returns
    -------
    CalibratedModel
        Its ``meta`` adds ``model_file``, ``model_checksum`` and ``checksum_verified``
        (:meth:`CalibratedModel.provenance`).

    Raises
    ------
    ParameterError
        When the file does not exist (say which, and how to make one).
    SchemaError
        When the file is not readable JSON, a value is invalid (:func:`check_model_dict`), or
        the checksum is missing or does not match and no override was given.
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise ParameterError(
            f"model {shorten(path)!r} is neither 'inform' nor a model file; "
            "write one with `minusma calibrate --out weights.json`"
        )
    stat = p.stat()
    model, recorded, actual = _load(str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    verified = recorded == actual
    if not verified:
        what = "has no checksum" if recorded is None else "was changed after `minusma calibrate`"
        if not (accept_edited or _ACCEPT_EDITED["on"]):
            raise SchemaError(
                f"model file {shorten(path)} {what} (its content checksum does not match): "
                "refit it with `minusma calibrate --out FILE`, or pass --accept-edited-model "
                "to use it as it is"
            )
        if (str(p), actual) not in _WARNED:  # once per file content, not at every load
            _WARNED.add((str(p), actual))
            logger.warning("model file %s %s: used as it is (override given)", shorten(path), what)
    meta = {
        **model.meta,
        "model_file": str(path),
        "model_checksum": actual,
        "checksum_verified": verified,
    }
    return dataclasses.replace(model, meta=meta)


def _explicit_arguments(estimator: type) -> dict[str, Any]:
    """Arguments given explicitly to LogisticRegressionCV where the installed version knows them.

    Plain L2 and the new attribute layout, given explicitly, so that no FutureWarning reaches
    the user.
    """
    import inspect

    known = inspect.signature(estimator).parameters
    wanted = {"l1_ratios": (0.0,), "use_legacy_attributes": False}
    return {k: v for k, v in wanted.items() if k in known}


def _fold_scores(clf: Any) -> np.ndarray:
    """Cross-validation scores as (folds, Cs), in either attribute layout of scikit-learn."""
    scores = clf.scores_
    if isinstance(scores, dict):
        scores = next(iter(scores.values()))
    scores = np.asarray(scores, dtype=float)
    return scores.reshape(scores.shape[0], -1)


def _feature_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that are the model's features, in :data:`FEATURES` order.

    Raises
    ------
    SchemaError
        When a feature is missing (or given twice).
    """
    columns = [str(c) for c in frame.columns]
    out = []
    for template in FEATURES:
        found = [c for c in columns if _FEATURE.fullmatch(c) and _template(c) == template]
        if len(found) != 1:
            raise SchemaError(
                f"the feature frame needs one column for {template!r}, got {found} among {columns}"
            )
        out += found
    return out


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
        For each decay scale tried, a frame of the :data:`FEATURES` columns (for one hub, in
        that order) for the training places (aligned to ``labels``). Features with no value at
        all are left out (reported in ``meta``).
    labels
        Boolean (nullable): an event near the place in the outcome window; NA rows are left out.
    folds
        Number of stratified folds of the cross-validation.
    seed
        Seed of the folds' shuffling.
    meta
        Recorded in the model (fit window, events checksum, ...).

    Returns
    -------
    CalibratedModel
        The model of the decay scale with the best cross-validated log-loss, refitted on every
        labelled place; its ``meta`` adds ``n_places``, ``n_positive``,
        ``cv_log_loss_by_scale_km``, ``cv_folds``, ``regularisation_C``,
        ``features_without_data`` and ``seed``.

    Raises
    ------
    ParameterError
        With fewer than :data:`MIN_CLASS_COUNT` positive or negative places, no frame in
        ``features_by_scale``, or a fit whose coefficients invert the ranking (against
        :data:`FEATURE_SIGNS`).
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    explicit = _explicit_arguments(LogisticRegressionCV)

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
    names: list[str] = []
    for scale, frame in sorted(features_by_scale.items()):
        names = _feature_columns(frame)
        x_all = frame.loc[known, names].to_numpy(dtype=float)
        used = [i for i in range(x_all.shape[1]) if np.isfinite(x_all[:, i]).any()]
        x = x_all[:, used]
        impute = np.nanmedian(x, axis=0)
        x = np.where(np.isnan(x), impute, x)
        mean, std = x.mean(axis=0), x.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        z = (x - mean) / std
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        clf = LogisticRegressionCV(Cs=10, cv=cv, scoring="neg_log_loss", max_iter=2000, **explicit)
        clf.fit(z, y)
        score = float(np.max(_fold_scores(clf).mean(axis=0)))
        cv_scores[str(scale)] = -score
        if best is None or score > best[0]:
            best = (score, scale, used, clf, mean, std, impute)
    if best is None:
        raise ParameterError("no feature frame to fit: features_by_scale is empty")
    _, scale, used, clf, mean, std, impute = best
    dropped = [names[i] for i in range(len(names)) if i not in used]
    record = {
        **dict(meta or {}),
        "n_places": int(known.sum()),
        "n_positive": n_pos,
        "cv_log_loss_by_scale_km": cv_scores,
        "cv_folds": folds,
        "regularisation_C": float(np.ravel(clf.C_)[0]),
        "features_without_data": dropped,
        "seed": seed,
    }
    logger.info(
        "calibrated: decay scale %g km, C=%g, dropped %s", scale, np.ravel(clf.C_)[0], dropped
    )
    model = CalibratedModel(
        features=tuple(names[i] for i in used),
        coef=tuple(float(c) for c in clf.coef_[0]),
        intercept=float(clf.intercept_[0]),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in std),
        impute=tuple(float(v) for v in impute),
        decay_scale_km=float(scale),
        meta=record,
    )
    inverted = _inverted(model.features, model.coef)
    if inverted:
        raise ParameterError(
            f"the fit ranks places against the meaning of the indicators ({inverted}); such a "
            "model would call the safest places the most exposed and is not written: check the "
            "events and the fit window"
        )
    return model
