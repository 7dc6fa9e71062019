"""Batches of what-if scenarios over the MINUSMA sites: each site closed alone, or K sites kept.

:func:`close_each` asks "what if only this site had closed?": on a date when every site was
still open (default: the day before the first closure), one scenario per site with that site
closed. :func:`keep_k` asks "what if these K sites had stayed?": after the withdrawal (default
``as_of``: after the last closure), one scenario per combination of K sites kept open, every
combination when there are at most ``max_scenarios``, else a seeded random sample of them.
Each list starts with the reference scenario (nothing closed / nothing kept). The scenarios
run through :func:`geo.exposure.batch.batch`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.coverage import open_mask
from minusma.geo.exposure.params import ExposureParams
from minusma.layers.bases import site_town

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_SCENARIOS",
    "DEFAULT_SEED",
    "close_each",
    "eve_of_withdrawal",
    "keep_k",
    "site_ids",
    "town_of_site",
]

#: Most scenarios of a ``--keep-k`` batch run exhaustively; more combinations are sampled.
#: A practical bound: about a minute on two cores for the 18,769 settlements.
DEFAULT_MAX_SCENARIOS = 500

#: Seed of the sample of combinations (a fixed seed: the same sample on every run).
DEFAULT_SEED = 2023


def town_of_site(bases: pd.DataFrame, base_id: str) -> str:
    """The site's town without the parenthesised detail, e.g. ``"Sévaré"`` for MINUSMA-10.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`).
    base_id
        One site's ``base_id``.

    Returns
    -------
    str
        The town's name, e.g. ``"Sévaré"`` for MINUSMA-10.
    """
    return site_town(bases.loc[bases["base_id"] == base_id, "town"].iloc[0])


def site_ids(bases: pd.DataFrame, *, june_2023_count: bool = False) -> list[str]:
    """Base ids of the candidate sites, in closure order.

    All 13, or only the 11 of the June 2023 count (``in_june2023_count``; without the Ogossagou
    temporary base and the Bamako HQ).

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`).
    june_2023_count
        Only the sites of the June 2023 count.

    Returns
    -------
    list of str
        The ``base_id`` values, by closure date then closure order.
    """
    frame = bases.sort_values(["closure_date", "closure_order"], kind="stable")
    if june_2023_count:
        frame = frame[frame["in_june2023_count"].astype(bool)]
    return frame["base_id"].tolist()


def eve_of_withdrawal(bases: pd.DataFrame) -> dt.date:
    """The day before the first site closed (every site open).

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`), with ``closure_date``.

    Returns
    -------
    datetime.date
        The day before the earliest closure.
    """
    first = min(dt.date.fromisoformat(str(d)) for d in bases["closure_date"].dropna())
    return first - dt.timedelta(days=1)


def close_each(
    bases: pd.DataFrame, params: ExposureParams, *, candidates: list[str] | None = None
) -> tuple[list[ExposureParams], list[str]]:
    """One scenario per site closed alone, after the reference ``none-closed``.

    The date is ``params.as_of`` when given, else :func:`eve_of_withdrawal`; each scenario adds
    one site to ``params.close``.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`).
    params
        The reference parameters.
    candidates
        The sites to close one at a time; default: every site (:func:`site_ids`).

    Returns
    -------
    params_list, labels
        Labels are ``none-closed`` and ``close-<town>``.
    """
    when = params.as_of or eve_of_withdrawal(bases)
    ref = params.replace(as_of=when)
    ids = candidates if candidates is not None else site_ids(bases)
    ids = _changing(bases, ids, when, want_open=True, what="closing")
    out, labels = [ref], ["none-closed"]
    for base_id in ids:
        out.append(ref.replace(close=(*ref.close, base_id)))
        labels.append(f"close-{town_of_site(bases, base_id)}")
    return out, labels


def keep_k(
    bases: pd.DataFrame,
    params: ExposureParams,
    k: int,
    *,
    candidates: list[str] | None = None,
    max_scenarios: int = DEFAULT_MAX_SCENARIOS,
    seed: int = DEFAULT_SEED,
) -> tuple[list[ExposureParams], list[str]]:
    """One scenario per combination of ``k`` sites kept open, after the reference ``none-kept``.

    Every combination when there are at most ``max_scenarios``, else ``max_scenarios`` of them
    drawn at random without replacement (``seed``), in a stable order.

    Parameters
    ----------
    bases
        The sites (:func:`layers.bases`).
    params
        The reference parameters.
    k
        Number of sites kept open in each scenario.
    candidates
        The sites to choose from; default: every site (:func:`site_ids`).
    max_scenarios
        Most scenarios run; more combinations are sampled.
    seed
        Seed of that sample.

    Returns
    -------
    params_list, labels
        Labels are ``none-kept`` and ``keep-<town>+<town>...``.

    Raises
    ------
    ParameterError
        ``k`` is not between 1 and the number of candidates, or ``max_scenarios`` < 1.
    """
    ids = candidates if candidates is not None else site_ids(bases)
    when = params.as_of_for(bases["closure_date"])
    ids = _changing(bases, ids, when, want_open=False, what="keeping")
    if not 1 <= k <= len(ids):
        raise ParameterError(f"keep k must be between 1 and {len(ids)} sites, got {k}")
    if max_scenarios < 1:
        raise ParameterError(f"max_scenarios must be >= 1, got {max_scenarios}")
    total = math.comb(len(ids), k)
    if total <= max_scenarios:
        combos = list(itertools.combinations(ids, k))
    else:
        combos = _sample(ids, k, max_scenarios, seed)
        logger.warning(
            "keep-k: %d of the %d combinations of %d sites, drawn with seed %d "
            "(raise --max-scenarios to run them all)",
            len(combos),
            total,
            k,
            seed,
        )
    out, labels = [params], ["none-kept"]
    for combo in combos:
        out.append(params.replace(keep=(*params.keep, *combo)))
        labels.append("keep-" + "+".join(town_of_site(bases, b) for b in combo))
    return out, labels


def _changing(
    bases: pd.DataFrame, ids: list[str], when: dt.date, *, want_open: bool, what: str
) -> list[str]:
    """The candidates whose scenario changes something on ``when``.

    Sites still open (to close them) or already closed (to keep them). Others would repeat the
    reference row: they are left out with a warning, and a set with none left is an error that
    says so.
    """
    open_now = dict(zip(bases["base_id"].astype(str), open_mask(bases, when)))
    useful = [i for i in ids if open_now.get(str(i), want_open) == want_open]
    if not useful:
        state = "already closed" if want_open else "still open"
        fix = "an earlier --as-of (e.g. 2023-06-30)" if want_open else "a later --as-of"
        raise ParameterError(
            f"every candidate site is {state} on {when.isoformat()}: {what} one changes nothing, "
            f"so every scenario would repeat the reference; choose {fix}"
        )
    if len(useful) < len(ids):
        logger.warning(
            "%s: %d site(s) %s on %s left out (their scenarios would repeat the reference): %s",
            what,
            len(ids) - len(useful),
            "already closed" if want_open else "still open",
            when.isoformat(),
            ", ".join(town_of_site(bases, i) for i in ids if i not in useful),
        )
    return useful


def _sample(ids: list[str], k: int, n: int, seed: int) -> list[tuple[str, ...]]:
    """``n`` distinct combinations of ``k`` of ``ids``, sorted (by rank in lexicographic order)."""
    rng = np.random.default_rng(seed)
    total = math.comb(len(ids), k)
    ranks = sorted(int(r) for r in rng.choice(total, size=n, replace=False))
    return [_unrank(ids, k, r) for r in ranks]


def _unrank(ids: list[str], k: int, rank: int) -> tuple[str, ...]:
    """The combination of lexicographic ``rank`` (0-based) of ``k`` of ``ids``."""
    out, start = [], 0
    for left in range(k, 0, -1):
        for i in range(start, len(ids)):
            block = math.comb(len(ids) - i - 1, left - 1)
            if rank < block:
                out.append(ids[i])
                start = i + 1
                break
            rank -= block
    return tuple(out)
