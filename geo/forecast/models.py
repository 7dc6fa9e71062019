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
* ``inform`` -- the hand-set composite exposure score, where the caller supplies it (a ranking).

Learned (fitted on months before the origin only; hyper-parameters fixed here, never tuned on a
test window):

* ``glm`` -- :class:`sklearn.linear_model.PoissonRegressor` on standardised ``log1p`` features;
* ``gbm`` -- :class:`sklearn.ensemble.HistGradientBoostingRegressor` with ``loss="poisson"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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
    _estimator: object = None
    _used: list[int] = field(default_factory=list)
    horizon_months: int = 12

    def available(self, names: Sequence[str]) -> bool:
        """Whether every required feature is in ``names``."""
        return all(r in names for r in self.requires)

    def fit(self, X: NDArray, y: NDArray, names: Sequence[str]) -> Model:
        """Fit on training rows (baselines: nothing to fit). Rows must be complete."""
        self._used = [list(names).index(r) for r in self.requires]
        if self.kind == "learned":
            est = _estimator(self.name)
            with threadpool_limits(limits=FIT_THREADS):
                est.fit(X[:, self._used], y)
            self._estimator = est
        return self

    def predict(self, X: NDArray) -> NDArray:
        """Expected events over the horizon (``counts``) or a ranking score, per row."""
        Z = X[:, self._used]
        if self.kind == "learned":
            with threadpool_limits(limits=FIT_THREADS):
                mu = self._estimator.predict(Z)  # type: ignore[union-attr]
            return np.maximum(mu, MIN_EXPECTED)
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
    "inform": ("the hand-set composite exposure score", "composite", lambda x, h: x, False),
}
LEARNED = {
    "glm": "Poisson GLM (PoissonRegressor)",
    "gbm": "gradient-boosted trees, Poisson loss (HistGradientBoostingRegressor)",
}


def make_models(names: Sequence[str], features: Sequence[str], horizon_months: int) -> list[Model]:
    """The models of ``names`` that the features allow (learned models use every feature
    except the ranking-only ``composite``).

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
            model = Model(name, label, "baseline", (feature,), counts, _score=score)
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
