"""Forecast models behind one interface: baselines and learned Poisson models.

Every model predicts, per unit, the events of the next ``horizon_months`` from the features of
:mod:`minusma.geo.forecast.features`. A model has a ``name``, a ``label`` (words), a ``kind``
(``baseline`` or ``learned``), the features it ``requires``, and ``counts``: whether its
prediction is an expected count (scored by Poisson deviance and usable as a forecast) or only a
ranking score (scored by rank metrics only).

Baselines (nothing fitted):

* ``persistence`` -- events in the last 12 months, scaled to the horizon;
* ``history`` -- the mean monthly count over all history before the origin, times the horizon;
* ``decayed`` -- the decayed count (half-life 6 months) as a monthly rate, times the horizon;
* ``near_site`` -- closeness to the nearest current or former peacekeeping site (a ranking);
* ``far_from_capital`` -- distance to the capital (a ranking);
* ``inform`` -- the hand-set composite exposure score per unit (feature ``composite``), where the
  caller supplies it, mapped to expected counts by one scale fitted on the training months only
  (``mu = c * score``; the Poisson maximum-likelihood ``c`` is the training events over the
  training scores), so it is scored by deviance beside the count models.

Learned (fitted on months before the origin only; hyper-parameters fixed here, never tuned on a
test window):

* ``glm`` -- :class:`sklearn.linear_model.PoissonRegressor` on standardised ``log1p`` features;
* ``gbm`` -- :class:`sklearn.ensemble.HistGradientBoostingRegressor` with ``loss="poisson"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import PoissonRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from minusma.geo._errors import UnknownNameError
from minusma.geo.forecast.features import HALF_LIFE_MONTHS

__all__ = [
    "BASELINES",
    "GBM_PARAMS",
    "GLM_PARAMS",
    "LEARNED",
    "SCALED",
    "Model",
    "make_models",
]

#: PoissonRegressor settings (L2 penalty ``alpha``).
GLM_PARAMS = {"alpha": 1e-3, "max_iter": 1000}
#: HistGradientBoostingRegressor settings.
GBM_PARAMS = {
    "loss": "poisson",
    "max_iter": 150,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "random_state": 0,
}
#: Threads of a fit or prediction (OpenMP/BLAS). The training sets are small: one thread is
#: fastest on a shared machine, where more threads spin against each other (a CAR backtest took
#: 122 s with the default threads and 10 s with one, on 2 busy cores).
FIT_THREADS = 1
#: Floor of an expected count (a Poisson mean of 0 has infinite deviance for any event).
MIN_EXPECTED = 1e-3


@dataclass
class Model:
    """One forecaster. Baselines read one feature; learned models fit on many."""

    name: str
    label: str
    kind: str
    requires: tuple[str, ...]
    counts: bool
    _score: object = None
    _estimator: Any = None  # a fitted scikit-learn estimator (untyped library)
    _used: list[int] = field(default_factory=list)
    horizon_months: int = 12
    scaled: bool = False  # a baseline whose score is mapped to counts by one fitted scale
    scale: float | None = None
    loaded: bool = False  # restored from a saved file: applied as saved, never refitted

    @property
    def needs_training(self) -> bool:
        """Whether :meth:`fit` learns from training rows (learned models, scaled baselines)."""
        return (self.kind == "learned" or self.scaled) and not self.loaded

    def available(self, names: Sequence[str]) -> bool:
        """Whether every required feature is in ``names``.

        Parameters
        ----------
        names
            Feature names of a cube.

        Returns
        -------
        bool
        """
        return all(r in names for r in self.requires)

    def fit(self, X: NDArray, y: NDArray, names: Sequence[str]) -> Model:
        """Fit on training rows (baselines: nothing to fit). Rows must be complete.

        Parameters
        ----------
        X
            ``(n_rows, n_features)`` features in the order of ``names``.
        y
            ``(n_rows,)`` events over the horizon.
        names
            Feature names of the columns of ``X``.

        Returns
        -------
        Model
            ``self``, fitted.
        """
        self._used = [list(names).index(r) for r in self.requires]
        if self.loaded:
            return self
        if self.kind == "learned":
            est = _estimator(self.name)
            with threadpool_limits(limits=FIT_THREADS):
                est.fit(X[:, self._used], y)
            self._estimator = est
        elif self.scaled:
            total = float(np.sum(X[:, self._used[0]]))
            self.scale = float(np.sum(y)) / total if total > 0 else 0.0
        return self

    def predict(self, X: NDArray) -> NDArray:
        """Expected events over the horizon (``counts``) or a ranking score, per row.

        Parameters
        ----------
        X
            ``(n_rows, n_features)`` features in the cube's order.

        Returns
        -------
        numpy.ndarray
            One value per row.
        """
        Z = X[:, self._used]
        if self.kind == "learned":
            with threadpool_limits(limits=FIT_THREADS):
                mu = self._estimator.predict(Z)
            return np.maximum(mu, MIN_EXPECTED)
        if self.scaled:
            return np.maximum((self.scale or 0.0) * Z[:, 0], MIN_EXPECTED)
        return self._score(Z[:, 0], self.horizon_months)  # type: ignore[operator]


def _estimator(name: str):
    if name == "glm":
        return make_pipeline(
            FunctionTransformer(np.log1p, feature_names_out="one-to-one"),
            StandardScaler(),
            PoissonRegressor(**GLM_PARAMS),
        )
    return HistGradientBoostingRegressor(**GBM_PARAMS)


def _per_month(x: NDArray, h: int, months: float = 1.0) -> NDArray:
    return np.maximum(x / months * h, MIN_EXPECTED)


_DECAY_RATE = 1.0 - 0.5 ** (1.0 / HALF_LIFE_MONTHS)  # decayed sum -> monthly rate (steady state)

#: name -> (label, feature, score(x, horizon), counts)
BASELINES = {
    "persistence": (
        "persistence: events in the last 12 months",
        "events_12m",
        lambda x, h: _per_month(x, h, 12.0),
        True,
    ),
    "history": (
        "all history: mean monthly events since the record began",
        "events_per_month_all",
        lambda x, h: _per_month(x, h),
        True,
    ),
    "decayed": (
        f"decayed events (half-life {HALF_LIFE_MONTHS:g} months)",
        "decayed_events",
        lambda x, h: _per_month(x * _DECAY_RATE, h),
        True,
    ),
    "near_site": ("near a current or former site", "km_to_any_site", lambda x, h: -x, False),
    "far_from_capital": ("far from the capital", "km_to_capital", lambda x, h: x, False),
    "inform": (
        "the hand-set composite exposure score, scaled to counts on the training months",
        "composite",
        lambda x, h: x,
        True,
    ),
}
#: Baselines whose score is mapped to expected counts by one scale fitted on training months.
SCALED = ("inform",)
LEARNED = {
    "glm": "Poisson GLM (PoissonRegressor)",
    "gbm": "gradient-boosted trees, Poisson loss (HistGradientBoostingRegressor)",
}


def make_models(names: Sequence[str], features: Sequence[str], horizon_months: int) -> list[Model]:
    """The models of ``names`` that the features allow.

    Learned models use every feature except ``composite`` (the hand-set score is the ``inform``
    baseline's, not an input of the learned models).

    Parameters
    ----------
    names
        Model names (:data:`BASELINES`, :data:`LEARNED`).
    features
        Feature names of the cube.
    horizon_months
        Months the models forecast.

    Returns
    -------
    list of Model
        The models whose features exist, in the order of ``names``.

    Raises
    ------
    UnknownNameError
        A name is neither a baseline nor a learned model.
    """
    out = []
    learned_features = tuple(f for f in features if f != "composite")
    for name in names:
        if name in BASELINES:
            label, feature, score, counts = BASELINES[name]
            model = Model(
                name, label, "baseline", (feature,), counts, _score=score, scaled=name in SCALED
            )
        elif name in LEARNED:
            model = Model(name, LEARNED[name], "learned", learned_features, True)
        else:
            raise UnknownNameError(
                f"unknown model {name!r}; choose from {', '.join([*BASELINES, *LEARNED])}"
            )
        model.horizon_months = horizon_months
        if model.available(features):
            out.append(model)
    return out
