"""Many scenarios of one prepared context, in parallel: a table of scenario x summary figures.

:func:`batch` evaluates every :class:`~geo.exposure.params.ExposureParams` of a list with
:func:`geo.exposure.assess.evaluate` on `joblib <https://joblib.readthedocs.io>`_ and sums each
result up with :func:`summarise` (places and people by exposure class, places and people covered).

By default (``n_jobs="auto"``, :data:`DEFAULT_N_JOBS`) the scenarios run in this process, each
timed, until those left would take :data:`AUTO_PARALLEL_MIN_S` seconds or more one after the
other (estimated anew after each one at the mean time so far on the warm context); then, if this
machine has more than one core and the memory available holds a copy of this process for every
worker, the rest run on joblib's loky processes. That is what measurement supports
(``benchmarks/bench_batch.py``; its figures are in ``benchmarks/RESULTS.md`` and the README):
on 2 cores, small batches are fastest in this process, whose cache makes each what-if repair the
last results (the 14 close-each scenarios on the 18,769 settlements: a fraction of a second,
which loky's workers take longer than that to start); large batches gain from processes (64
what-ifs on the synthetic 1M-edge network), while threads gain little (evaluate holds the GIL
for much of its pandas work). Each loky worker is sent the whole context (its cache is not
pickled) and warms it again. ``n_jobs=1`` is always serial; another number of workers runs on
processes (``backend="loky"``) unless a ``backend`` (``"threading"``, ``"dask"``, ...) is given.

On a cluster the same call runs on joblib's dask backend; the context is scattered to the
workers once::

    from dask.distributed import Client
    client = Client("scheduler-address:8786")        # or LocalCluster()
    table = batch(ctx, params_list, backend="dask")
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import time
import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

import joblib
import numpy as np
import pandas as pd
import psutil

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.assess import Context, evaluate
from minusma.geo.exposure.params import ExposureParams

logger = logging.getLogger(__name__)

__all__ = ["AUTO_PARALLEL_MIN_S", "CLASSES", "DEFAULT_N_JOBS", "BatchResult", "batch", "summarise"]

#: Exposure classes counted by :func:`summarise`, in order (``unknown``: an indicator is missing).
CLASSES = ("low", "moderate", "high", "severe", "unknown")

#: Classes whose people count as exposed.
EXPOSED = ("high", "severe")

#: Workers by default: ``"auto"``, serial unless the batch is long enough for processes to pay
#: (see the module docstring and :data:`AUTO_PARALLEL_MIN_S`).
DEFAULT_N_JOBS: int | str = "auto"

#: Seconds the scenarios left would take one after the other (their number times the mean time
#: of those run so far) from which ``n_jobs="auto"`` runs them on processes: between the
#: batches measured to lose (under a second) and to gain (over a minute serially) on 2 cores,
#: with room for the workers' start and their first, cold evaluation (a few seconds each on the
#: 1M-edge network).
AUTO_PARALLEL_MIN_S = 30.0

#: Tasks per worker: enough for a progress bar and load balance, few enough that the context is
#: sent only a few times to each worker.
TASKS_PER_WORKER = 4


class BatchResult(NamedTuple):
    """What :func:`batch` returns.

    Attributes
    ----------
    summary
        One row per scenario (:func:`summarise`).
    classes
        Places x scenarios, the exposure class of each place; None unless ``per_place``.
    """

    summary: pd.DataFrame
    classes: pd.DataFrame | None


def _people(frame: pd.DataFrame, mask: np.ndarray, column: str | None) -> tuple[float, int]:
    """Sum of the known population of the rows of ``mask`` and how many rows lack a figure.

    NaN when none is known but rows exist; a missing figure is never counted as zero.
    """
    n = int(mask.sum())
    if column is None:
        return (math.nan if n else 0.0), n
    pop = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")[mask]
    known = np.isfinite(pop)
    missing = int((~known).sum())
    if n and not known.any():
        return math.nan, missing
    return float(pop[known].sum()), missing


def summarise(frame: pd.DataFrame, *, population_column: str = "population") -> dict[str, Any]:
    """Summary figures of one assessment (an :func:`~geo.exposure.assess.evaluate` result).

    Parameters
    ----------
    frame
        The assessment.
    population_column
        The column of people per place (absent: the ``people_*`` figures are NaN).

    Returns
    -------
    dict
        ``places``; for each class of :data:`CLASSES` ``places_<class>``, ``people_<class>`` and
        ``no_population_<class>``; ``places_exposed``, ``people_exposed`` and
        ``no_population_exposed`` (high or severe); ``places_covered`` (within the radius of an
        open site), ``people_covered`` and ``no_population_covered``. ``people_*`` sums the
        known figures of ``population_column``; it is NaN when the column is absent or no place
        counted has a figure, and ``no_population_*`` counts the places left out.
    """
    column = population_column if population_column in frame.columns else None
    cls = frame["exposure_class"].fillna("unknown").to_numpy(dtype=object)
    out: dict[str, Any] = {"places": len(frame)}
    for c in CLASSES:
        mask = cls == c
        out[f"places_{c}"] = int(mask.sum())
        out[f"people_{c}"], out[f"no_population_{c}"] = _people(frame, mask, column)
    exposed = np.isin(cls, EXPOSED)
    out["places_exposed"] = int(exposed.sum())
    out["people_exposed"], out["no_population_exposed"] = _people(frame, exposed, column)
    covered = frame["covered_after"].fillna(False).to_numpy(dtype=bool)
    out["places_covered"] = int(covered.sum())
    out["people_covered"], out["no_population_covered"] = _people(frame, covered, column)
    return out


def _id_column(ctx: Context) -> str:
    for name in ("settlement_id", "town_id"):
        if name in ctx.places.columns:
            return name
    return ctx.places.columns[0]


def _run(
    ctx: Context, chunk: Sequence[tuple[int, ExposureParams]], per_place: bool, id_column: str
) -> list[tuple[int, dict, np.ndarray | None]]:
    """Evaluate a chunk of (position, params) on one worker."""
    rows = []
    for pos, params in chunk:
        frame = evaluate(ctx, params)
        classes = None
        if per_place:
            classes = (
                frame.set_index(id_column)["exposure_class"]
                .reindex(ctx.places[id_column])
                .to_numpy(dtype=object)
            )
        rows.append((pos, summarise(frame), classes))
    return rows


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    return logging.getLogger("geo").getEffectiveLevel() <= logging.WARNING


def batch(
    ctx: Context,
    params_list: Sequence[ExposureParams],
    *,
    n_jobs: int | str | None = DEFAULT_N_JOBS,
    backend: str | None = None,
    per_place: bool = False,
    labels: Sequence[str] | None = None,
    progress: bool | None = None,
) -> BatchResult:
    """Evaluate every scenario of ``params_list`` on ``ctx``, in parallel.

    Parameters
    ----------
    ctx
        The prepared context (:func:`geo.exposure.assess.prepare`), shared by every scenario.
    params_list
        One :class:`~geo.exposure.params.ExposureParams` per scenario.
    n_jobs
        Workers (joblib's convention: -1 = every core). 1 runs in this process, reusing the
        context's caches; ``"auto"`` (the default, :data:`DEFAULT_N_JOBS`; None means it too)
        runs them here until those left would take :data:`AUTO_PARALLEL_MIN_S` s one after the
        other, then (with the memory for a copy of this process per core) the rest on every
        core's loky process (see the module docstring).
    backend
        A joblib backend (``"loky"``, ``"threading"``, ``"dask"``, ...); None: loky processes
        for more than one worker (threads measured no faster than serial). ``"dask"`` needs a
        ``dask.distributed`` client and scatters the context to its workers once.
    per_place
        Also return the exposure class of every place in every scenario.
    labels
        A name per scenario (default ``"scenario-<n>"``).
    progress
        Show a progress bar on stderr (default: when the ``geo`` logger shows warnings, i.e. not
        under ``minusma -q``).

    Returns
    -------
    BatchResult
        ``summary``: one row per scenario in the order given, indexed by ``scenario`` (the
        label), with ``as_of``, ``close``, ``keep`` (``;``-joined) and the figures of
        :func:`summarise`; ``classes``: places (index: their id) x scenarios, or None.
    """
    n_jobs = DEFAULT_N_JOBS if n_jobs is None else n_jobs
    if n_jobs != "auto" and (isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or not n_jobs):
        raise ParameterError(
            f"n_jobs must be 'auto', a number of workers or -1 (every core), not {n_jobs!r}"
        )
    params_list = list(params_list)
    if not all(isinstance(p, ExposureParams) for p in params_list):
        raise ParameterError("params_list must hold ExposureParams objects")
    labels = [f"scenario-{i}" for i in range(len(params_list))] if labels is None else list(labels)
    if len(labels) != len(params_list):
        raise ParameterError(
            f"{len(labels)} labels for {len(params_list)} scenarios: give one label per scenario"
        )
    if len(set(labels)) != len(labels):
        raise ParameterError("scenario labels must be unique")
    id_column = _id_column(ctx)
    items = list(enumerate(params_list))
    show = _show_progress(progress) and len(items) > 1
    config = (
        joblib.parallel_config(backend="dask", scatter=[ctx])
        if backend == "dask"
        else contextlib.nullcontext()
    )
    rows: list = []
    with config, _bar(show, len(items)) as bar:
        if n_jobs == "auto" and backend is None:
            done, items, n_jobs = _serial_until_long(ctx, items, per_place, id_column, bar)
            rows += done
            backend = "loky" if n_jobs != 1 else None
        elif n_jobs == "auto":  # a backend given: every worker it has
            n_jobs = -1
        for part in _results(ctx, items, int(n_jobs), backend, per_place, id_column):
            rows.extend(part)
            bar.update(len(part))
    rows.sort(key=lambda r: r[0])
    table = pd.DataFrame([r[1] for r in rows], index=pd.Index(labels, name="scenario"))
    table.insert(0, "as_of", [p.as_of.isoformat() if p.as_of else None for p in params_list])
    for pos, name in ((1, "close"), (2, "keep")):
        values = [";".join(getattr(p, name)) or None for p in params_list]
        table.insert(pos, name, pd.Series(values, index=table.index, dtype=object))
    classes = None
    if per_place:
        classes = pd.DataFrame(
            {label: r[2] for label, r in zip(labels, rows)},
            index=pd.Index(ctx.places[id_column].to_numpy(), name=id_column),
        )
    logger.info("batch: %d scenarios evaluated", len(params_list))
    return BatchResult(table, classes)


def _results(
    ctx: Context,
    items: list[tuple[int, ExposureParams]],
    n_jobs: int,
    backend: str | None,
    per_place: bool,
    id_column: str,
):
    """The rows of :func:`_run` for ``items``, chunk by chunk, serially or on ``n_jobs``."""
    workers = joblib.effective_n_jobs(n_jobs)
    if len(items) <= 1 or (backend is None and workers == 1):
        return (_run(ctx, [item], per_place, id_column) for item in items)
    # dask keeps the scattered context on its workers: one scenario per task
    size = 1 if backend == "dask" else len(items) / (workers * TASKS_PER_WORKER)
    size = max(1, math.ceil(size))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    run = joblib.delayed(_run)
    if backend in (None, "loky", "multiprocessing"):  # processes: warm one copy per worker
        token = uuid.uuid4().hex
        run = joblib.delayed(functools.partial(_run_in_worker, token))
    return joblib.Parallel(
        n_jobs=n_jobs,
        backend=None if backend == "dask" else backend,
        prefer="processes",
        return_as="generator",
    )(run(ctx, chunk, per_place, id_column) for chunk in chunks)


#: In a worker process: the context of the batch it serves, by the batch's token, kept warm
#: across that batch's chunks (each chunk arrives with a fresh, cold copy of the context).
_WORKER_CONTEXT: dict[str, Context] = {}


def _run_in_worker(
    token: str,
    ctx: Context,
    chunk: Sequence[tuple[int, ExposureParams]],
    per_place: bool,
    id_column: str,
) -> list[tuple[int, dict, np.ndarray | None]]:
    """:func:`_run` on the copy of ``ctx`` this worker already warmed for the batch ``token``.

    The first chunk's copy is kept; a new batch replaces it.
    """
    held = _WORKER_CONTEXT.get(token)
    if held is None:
        _WORKER_CONTEXT.clear()
        _WORKER_CONTEXT[token] = held = ctx
    return _run(held, chunk, per_place, id_column)


def _serial_until_long(
    ctx: Context,
    items: list[tuple[int, ExposureParams]],
    per_place: bool,
    id_column: str,
    bar,
) -> tuple[list, list[tuple[int, ExposureParams]], int]:
    """``n_jobs="auto"``: scenarios run here until the rest would take long serially.

    After each scenario, the rest are estimated at the mean time of those run so far on a warm
    context (every one but the first). Once that reaches :data:`AUTO_PARALLEL_MIN_S`, with
    several cores and the memory for a copy of this process per worker, the rest go to that
    many processes. Scenarios of one batch differ (a cut road costs more than a closed site),
    so the estimate is made anew after each one.

    Returns
    -------
    tuple
        The rows of the scenarios run here, the scenarios left, and the workers for them (1:
        none left, or serial to the end).
    """
    rows: list = []
    warm_s: list[float] = []
    memory_checked = False
    for k, item in enumerate(items):
        started = time.perf_counter()
        rows += _run(ctx, [item], per_place, id_column)
        bar.update(1)
        if k:  # the first warms the context
            warm_s.append(time.perf_counter() - started)
        left = items[k + 1 :]
        workers = min(joblib.cpu_count(), len(left))
        if not warm_s or workers < 2 or memory_checked:
            continue
        serial_s = sum(warm_s) / len(warm_s) * len(left)
        if serial_s < AUTO_PARALLEL_MIN_S:
            continue
        memory_checked = True  # asked once: the answer would not change much
        need = psutil.Process().memory_info().rss * workers
        available = psutil.virtual_memory().available
        if need > available:
            logger.info(
                "batch: %d processes would need about %.1f GB, %.1f GB available: in this process",
                workers,
                need / 1e9,
                available / 1e9,
            )
            continue
        logger.info(
            "batch: %d scenarios left, about %.0f s serially: on %d processes",
            len(left),
            serial_s,
            workers,
        )
        return rows, left, workers
    logger.info("batch: %d scenarios in this process", len(items))
    return rows, [], 1


def _bar(show: bool, total: int):
    if not show:
        return contextlib.nullcontext(_NoBar())
    from tqdm import tqdm

    return tqdm(total=total, unit="scenario", desc="scenarios", leave=False)


class _NoBar:
    """A progress bar that shows nothing."""

    def update(self, n: int) -> None:
        """Nothing to show.

        Parameters
        ----------
        n
            Scenarios done (ignored).
        """
