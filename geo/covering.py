"""The maximal covering location problem (MCLP): which ``k`` sites cover the most demand.

Given a boolean coverage matrix (demand point x candidate site: is the point within the service
radius of the site?) and a weight per demand point (people), choose ``k`` sites maximising the
weight of the points covered by at least one of them (Church & ReVelle 1974). Three solvers:

- :func:`mclp`: the integer program, solved by PySAL ``spopt``'s :class:`~spopt.locate.MCLP`
  with PuLP's bundled CBC;
- :func:`exhaustive`: every combination (the exact answer when there are few);
- :func:`greedy`: add the site that covers the most uncovered weight, ``k`` times (the classic
  ``1 - 1/e`` approximation), as a cross-check.

>>> import numpy as np
>>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]], dtype=bool)
>>> weight = np.array([5.0, 1.0, 1.0, 4.0])
>>> exhaustive(cover, weight, 2)
CoverAnswer(sites=(0, 2), covered=11.0)
"""

from __future__ import annotations

import itertools
import logging
import math
import warnings
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from minusma.geo._errors import ParameterError

logger = logging.getLogger(__name__)

__all__ = ["CoverAnswer", "covered_weight", "exhaustive", "greedy", "mclp"]


class CoverAnswer(NamedTuple):
    """Positions of the chosen sites (sorted) and the demand weight they cover."""

    sites: tuple[int, ...]
    covered: float


def _check(cover: ArrayLike, weight: ArrayLike, k: int) -> tuple[NDArray, NDArray]:
    c = np.asarray(cover, dtype=bool)
    w = np.asarray(weight, dtype="float64")
    if c.ndim != 2 or w.shape != (c.shape[0],):
        raise ParameterError(
            f"cover must be points x sites and weight one value per point, got {c.shape} and "
            f"{w.shape}"
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise ParameterError("weights must be finite and >= 0 (drop points without a figure)")
    if not 1 <= k <= c.shape[1]:
        raise ParameterError(f"k must be between 1 and {c.shape[1]} sites, got {k}")
    return c, w


def covered_weight(cover: ArrayLike, weight: ArrayLike, sites: Iterable[int]) -> float:
    """Weight of the points within reach of at least one of ``sites`` (positions).

    Parameters
    ----------
    cover
        Points x sites, True where a site reaches a point.
    weight
        The demand weight of each point (finite, 0 or more).
    sites
        Positions (columns of ``cover``) of the chosen sites.

    Returns
    -------
    float
        The summed weight of the points at least one chosen site reaches; 0 with no site.
    """
    c = np.asarray(cover, dtype=bool)
    idx = np.asarray(list(sites), dtype="int64")
    if idx.size == 0:
        return 0.0
    return float(np.asarray(weight, dtype="float64") @ c[:, idx].any(axis=1))


def exhaustive(
    cover: ArrayLike, weight: ArrayLike, k: int, *, limit: int = 1_000_000
) -> CoverAnswer:
    """The best of every combination of ``k`` sites (ties: the first in lexicographic order).

    Parameters
    ----------
    cover
        Points x sites, True where a site reaches a point.
    weight
        The demand weight of each point (finite, 0 or more).
    k
        Number of sites to choose.
    limit
        Most combinations enumerated before giving up.

    Returns
    -------
    CoverAnswer
        The best sites and the weight they cover.

    Raises
    ------
    ParameterError
        When there are more than ``limit`` combinations (use :func:`mclp`).
    ParameterError
        A malformed ``cover``/``weight`` or a ``k`` outside 1..number of sites.
    """
    c, w = _check(cover, weight, k)
    total = math.comb(c.shape[1], k)
    if total > limit:
        raise ParameterError(f"{total} combinations of {k} sites: too many to enumerate; use mclp")
    # only points some site covers matter; identical coverage patterns are merged
    useful = c.any(axis=1)
    patterns, inverse = np.unique(c[useful], axis=0, return_inverse=True)
    pw = np.bincount(inverse.ravel(), weights=w[useful], minlength=len(patterns))
    best = -1.0
    best_sites: tuple[int, ...] = ()
    for combo in itertools.combinations(range(c.shape[1]), k):
        value = float(pw @ patterns[:, combo].any(axis=1))
        if value > best:
            best, best_sites = value, combo
    return CoverAnswer(tuple(best_sites), best)


def greedy(cover: ArrayLike, weight: ArrayLike, k: int) -> CoverAnswer:
    """Add ``k`` times the site covering the most uncovered weight (ties: lowest position).

    Parameters
    ----------
    cover
        Points x sites, True where a site reaches a point.
    weight
        The demand weight of each point (finite, 0 or more).
    k
        Number of sites to choose.

    Returns
    -------
    CoverAnswer
        The sites in the order chosen, sorted, and the weight they cover (a lower bound of the
        optimum).

    Raises
    ------
    ParameterError
        A malformed ``cover``/``weight`` or a ``k`` outside 1..number of sites.
    """
    c, w = _check(cover, weight, k)
    chosen: list[int] = []
    uncovered = np.ones(c.shape[0], dtype=bool)
    for _ in range(k):
        gain = (w * uncovered) @ c
        gain[chosen] = -1.0
        site = int(np.argmax(gain))
        chosen.append(site)
        uncovered &= ~c[:, site]
    return CoverAnswer(tuple(sorted(chosen)), covered_weight(c, w, chosen))


def mclp(cover: ArrayLike, weight: ArrayLike, k: int) -> CoverAnswer:
    """The optimum of the integer program, by ``spopt``'s MCLP and PuLP's bundled CBC solver.

    Points no site covers are left out of the program (they cannot change the answer).

    Parameters
    ----------
    cover
        Points x sites, True where a site reaches a point.
    weight
        The demand weight of each point (finite, 0 or more).
    k
        Number of sites to choose.

    Returns
    -------
    CoverAnswer
        The optimal sites and the weight they cover.

    Raises
    ------
    ParameterError
        A malformed ``cover``/``weight`` or a ``k`` outside 1..number of sites.
    """
    import pulp
    from spopt.locate import MCLP

    c, w = _check(cover, weight, k)
    useful = c.any(axis=1) & (w > 0)
    if not useful.any():
        return CoverAnswer(tuple(range(k)), 0.0)
    # spopt takes a cost matrix and a radius: cost 0 = within reach, 2 = beyond
    cost = np.where(c[useful], 0.0, 2.0)
    with warnings.catch_warnings():  # PuLP 3 announces its 4.0 API on every variable
        warnings.simplefilter("ignore", DeprecationWarning)
        model = MCLP.from_cost_matrix(cost, w[useful], service_radius=1.0, p_facilities=k)
        model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    status = pulp.LpStatus[model.problem.status]
    if status != "Optimal":
        raise ParameterError(f"the MCLP solver ended with status {status!r}, not an optimum")
    sites = tuple(sorted(i for i, v in enumerate(model.fac_vars) if v.value() > 0.5))
    return CoverAnswer(sites, covered_weight(c, w, sites))
