"""Why a unit's forecast is what it is: the contribution of each feature.

The contribution of feature ``j`` to unit ``i``'s forecast is the change in the log forecast
when ``x_ij`` is replaced by the training median of feature ``j``, other features unchanged
(one-at-a-time ablation). It works for any model behind the interface; for the Poisson GLM it is
exactly ``coef_j * (z_ij - z_median_j)`` on the model's scale. Positive: the feature raises the
forecast above what a typical value would give.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from minusma.geo.forecast.models import MIN_EXPECTED, Model

__all__ = ["contributions"]


def contributions(model: Model, X: NDArray, reference: NDArray) -> NDArray:
    """``(n_units, n_features)`` log-forecast contributions (0 for features the model ignores).

    Parameters
    ----------
    model
        A fitted model.
    X
        ``(n_units, n_features)`` features at the origin, in the cube's order.
    reference
        ``(n_features,)`` typical values (the training medians).

    Returns
    -------
    numpy.ndarray
    """
    out = np.zeros(X.shape)
    if not model.counts:
        return out
    base = np.log(np.maximum(model.predict(X), MIN_EXPECTED))
    for j in model._used:
        swapped = X.copy()
        swapped[:, j] = reference[j]
        out[:, j] = base - np.log(np.maximum(model.predict(swapped), MIN_EXPECTED))
    return out
