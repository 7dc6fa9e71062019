"""Fitted forecast models saved as plain JSON and applied again, without pickle.

A saved model is a JSON document (:data:`FORMAT`, version :data:`VERSION`) holding what is needed
to apply it and to check that it fits the data it is applied to: the model ``name`` and ``kind``,
the ``features`` it reads (in order), the ``unit`` kind and the ``horizon_months`` it was fitted
for, the ``training`` span (first and last origin of its training rows, ``YYYY-MM``), and its
parameters:

* the Poisson GLM: the ``log1p`` transform, the scaler's ``mean`` and ``scale`` and the
  regression's ``coef`` and ``intercept``, so that
  ``mu = exp(intercept + coef . ((log1p(x) - mean) / scale))``;
* ``inform``: its one fitted ``scale`` (``mu = scale * composite``);
* the unfitted baselines (``persistence``, ``history``, ``decayed``): nothing.

Gradient-boosted trees are refused: scikit-learn offers no safe, portable format for them (its
own is pickle, which runs code on load and breaks across versions), so a saved ``gbm`` cannot be
promised to load and to mean the same thing. Pickle is never read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minusma.geo._errors import ParameterError
from minusma.geo.forecast.models import BASELINES, Model, make_models

__all__ = ["FORMAT", "VERSION", "LinearPoisson", "load_model", "model_to_dict", "save_model"]

#: ``format`` field of a saved model.
FORMAT = "minusma-forecast-model"
#: Version of the saved-model layout.
VERSION = 1


class LinearPoisson:
    """A Poisson GLM on ``log1p`` standardised features, applied from saved coefficients."""

    def __init__(self, mean: NDArray, scale: NDArray, coef: NDArray, intercept: float) -> None:
        """Hold the saved parameters.

        Parameters
        ----------
        mean
            The mean of ``log1p(x)`` of each feature (the scaler's).
        scale
            The standard deviation of ``log1p(x)`` of each feature (the scaler's).
        coef
            The regression coefficients, one per feature.
        intercept
            The regression intercept.
        """
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)

    def predict(self, X: NDArray) -> NDArray:
        """Expected counts of the rows of ``X``.

        Parameters
        ----------
        X
            ``(n_rows, n_features)`` raw features in the saved order.

        Returns
        -------
        numpy.ndarray
            ``exp(intercept + coef . z)`` per row.
        """
        z = (np.log1p(np.asarray(X, dtype=np.float64)) - self.mean) / self.scale
        return np.exp(self.intercept + z @ self.coef)


def _glm_parameters(model: Model) -> dict[str, Any]:
    est = model._estimator
    if isinstance(est, LinearPoisson):
        mean, scale, coef, intercept = est.mean, est.scale, est.coef, est.intercept
    else:
        scaler, regressor = est[1], est[2]
        mean, scale = scaler.mean_, scaler.scale_
        coef, intercept = regressor.coef_, regressor.intercept_
    return {
        "transform": "log1p",
        "mean": [float(v) for v in mean],
        "scale": [float(v) for v in scale],
        "coef": [float(v) for v in coef],
        "intercept": float(intercept),
    }


def model_to_dict(
    model: Model, *, unit: str, training: tuple[str, str], training_rows: int | None = None
) -> dict[str, Any]:
    """The JSON-ready record of a fitted model.

    Parameters
    ----------
    model
        A fitted model (``glm``, ``inform`` or an unfitted baseline).
    unit
        Unit kind it was fitted on (``cercle``, ``grid``...).
    training
        First and last origin (``YYYY-MM``) of its training rows.
    training_rows
        Number of training rows (unit-months), when known.

    Returns
    -------
    dict
        The record (see the module docs).

    Raises
    ------
    ParameterError
        A gradient-boosted model (no safe format) or a model that cannot be saved.
    """
    if model.name == "gbm":
        raise ParameterError(
            "a gbm model cannot be saved safely: scikit-learn's only format for trees is pickle, "
            "which runs code when loaded and breaks across versions; save the glm, inform or a "
            "baseline (--model glm --save-model FILE), or refit gbm from the history each time"
        )
    record: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "model": model.name,
        "kind": model.kind,
        "label": model.label,
        "features": list(model.requires),
        "unit": unit,
        "horizon_months": int(model.horizon_months),
        "training": {"first_origin": training[0], "last_origin": training[1]},
    }
    if training_rows is not None:
        record["training"]["rows"] = int(training_rows)
    if model.name == "glm":
        record["parameters"] = _glm_parameters(model)
    elif model.scaled:
        record["parameters"] = {"scale": float(model.scale or 0.0)}
    elif model.name in BASELINES:
        record["parameters"] = {}
    else:
        raise ParameterError(f"model {model.name!r} cannot be saved")
    return record


def save_model(record: dict[str, Any], path: str | os.PathLike) -> None:
    """Write a model record (from :func:`model_to_dict`) as JSON, atomically.

    Parameters
    ----------
    record
        The record.
    path
        The file to write.
    """
    from minusma.geo.io import write_json

    write_json(record, path)


def _fail(path: str | os.PathLike, problem: str) -> ParameterError:
    return ParameterError(
        f"{path}: {problem}; give a file written by `minusma forecast ... --save-model FILE`, or "
        "save a new one"
    )


def load_model(
    path: str | os.PathLike, *, unit: str, horizon_months: int, features: list[str]
) -> tuple[Model, dict[str, Any]]:
    """A saved model, checked against the data it is to be applied to.

    Parameters
    ----------
    path
        The JSON file written by :func:`save_model`.
    unit
        Unit kind of the forecast (must be the model's).
    horizon_months
        Horizon of the forecast (must be the model's).
    features
        Feature names of the forecast's cube (must hold every feature the model reads).

    Returns
    -------
    model : Model
        Ready to predict (``loaded``: never refitted).
    record : dict
        The saved record.

    Raises
    ------
    ParameterError
        Not JSON, not a saved model, another version, or a unit, horizon or feature set that
        does not match (the message names the problem and the fix).
    """
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"not a readable JSON file ({exc.__class__.__name__})") from exc
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise _fail(path, f'not a saved forecast model (no "format": "{FORMAT}")')
    if record.get("version") != VERSION:
        raise _fail(
            path,
            f"saved-model version {record.get('version')!r}, this package reads version {VERSION}",
        )
    missing = [
        k for k in ("model", "features", "unit", "horizon_months", "parameters") if k not in record
    ]
    if missing:
        raise _fail(path, f"missing field(s) {', '.join(missing)}")
    name = record["model"]
    if record["unit"] != unit:
        raise ParameterError(
            f"{path}: the model was fitted per {record['unit']}, not per {unit}; use --unit "
            f"{record['unit']}, or save a model fitted per {unit}"
        )
    if int(record["horizon_months"]) != int(horizon_months):
        raise ParameterError(
            f"{path}: the model forecasts {record['horizon_months']} months, not {horizon_months}; "
            f"use --horizon {record['horizon_months']}, or save a model for this horizon"
        )
    absent = [f for f in record["features"] if f not in features]
    if absent:
        raise ParameterError(
            f"{path}: the model reads feature(s) {', '.join(absent)} that this history and unit "
            "do not have (protection features need sites, access and population need the "
            "data directory's layers); forecast with the same inputs it was fitted on, or save a "
            "new model"
        )
    params = record["parameters"]
    if name == "glm":
        n = len(record["features"])
        try:
            est = LinearPoisson(
                params["mean"], params["scale"], params["coef"], params["intercept"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _fail(path, "glm parameters mean, scale, coef, intercept are incomplete") from exc
        if not (est.mean.size == est.scale.size == est.coef.size == n) or not np.all(est.scale > 0):
            raise _fail(path, f"glm parameters must hold {n} values each (scale > 0)")
        model = Model(
            name,
            str(record.get("label", name)),
            "learned",
            tuple(record["features"]),
            True,
            _estimator=est,
        )
    elif name in BASELINES:
        (model,) = make_models([name], record["features"], int(horizon_months))
        if model.scaled:
            scale = params.get("scale")
            if not isinstance(scale, int | float) or not np.isfinite(scale) or scale < 0:
                raise _fail(path, "inform needs a finite scale >= 0")
            model.scale = float(scale)
    else:
        raise _fail(path, f"unknown model {name!r} (gbm cannot be saved)")
    model.loaded = True
    model.horizon_months = int(horizon_months)
    model._used = [features.index(f) for f in model.requires]
    return model, record
