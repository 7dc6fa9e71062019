"""Which sites should have stayed? The K MINUSMA sites that would have protected the most people.

Two objectives, for ``keep`` sites kept open after the withdrawal (``params.as_of``, default
after the last closure):

- ``covered``: maximise the people within ``params.radius_km`` of a kept site, a maximal
  covering location problem (:mod:`geo.covering`) solved exactly by PySAL ``spopt`` (MCLP, CBC),
  checked against every combination when there are few and against the greedy answer. People
  are the census population of the assessed towns where known, or, with a data directory, the
  WorldPop cells of Mali (:func:`layers.population.people_cells`).
- ``exposed``: minimise the people (census) in places classed high or severe by the full
  exposure model, evaluating each candidate set (:func:`geo.exposure.batch.batch`): every
  combination when there are at most ``max_scenarios``, else greedily, one site at a time.
  Places without a census figure are counted apart; when no place has one (the settlements),
  places are counted instead of people.

Each answer is set against the actual withdrawal: the ``keep`` sites that closed last.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.covering import CoverAnswer, covered_weight, exhaustive, greedy, mclp
from minusma.geo.exposure.assess import Context, resolve_bases
from minusma.geo.exposure.batch import batch
from minusma.geo.exposure.coverage import within_km
from minusma.geo.exposure.params import MODELS, ExposureParams
from minusma.geo.i18n import text
from minusma.layers.mission import mission_params
from minusma.layers.scenarios import DEFAULT_MAX_SCENARIOS, site_ids, town_of_site

logger = logging.getLogger(__name__)

__all__ = ["CAVEATS", "OBJECTIVES", "Plan", "covering_demand", "plan"]

#: What a plan optimises: people covered (maximised) or people exposed (minimised).
OBJECTIVES = ("covered", "exposed")

#: The caveats a plan states, by code, in English (the catalogue's ``plan.caveat.<code>``,
#: which words them in every language).
CAVEATS = {code: text(f"plan.caveat.{code}") for code in ("census", "worldpop", "points", "bamako")}


@dataclass(frozen=True)
class Plan:
    """The answer of :func:`plan`.

    Attributes
    ----------
    objective
        ``"covered"`` or ``"exposed"``.
    keep
        How many sites each answer keeps open.
    unit
        What ``value`` counts (e.g. ``"people (census)"``, ``"people (WorldPop 2020)"``).
    table
        One row per answer, indexed by ``answer``: ``optimum``, ``greedy`` and ``actual`` (the
        ``keep`` candidates that closed last); for ``covered``, also ``exhaustive`` when every
        combination was searched; for ``exposed``, ``optimum`` only then (else the greedy answer
        stands alone). Columns: ``sites`` (site labels, ``+``-joined), ``base_ids``
        (``;``-joined), ``value`` (people covered, or people or places exposed) and
        ``gain_over_actual`` (people more covered, or fewer exposed, than the actual order).
    singles
        The value of each candidate kept alone, indexed by its label.
    caveats
        Sentences to print beside the answer (where the people come from, points not perimeters).
    notes
        Figures of the run (``covered``: demand points, places without population; ``exposed``:
        the search done and the ``as_of`` date).
    """

    objective: str
    keep: int
    unit: str
    table: pd.DataFrame
    singles: pd.Series
    caveats: tuple[str, ...] = ()
    notes: dict = field(default_factory=dict)


def covering_demand(
    ctx: Context, *, data_dir: str | os.PathLike | None = None
) -> tuple[gpd.GeoDataFrame, str, int]:
    """The demand points of the covering problem, with ``people``.

    Parameters
    ----------
    ctx
        The prepared assessment; its places' ``population`` column gives the census figures.
    data_dir
        A data directory holding the WorldPop raster: its cells inside Mali are the demand
        instead (``ctx`` is then not read).

    Returns
    -------
    demand : geopandas.GeoDataFrame
        Points with a ``people`` column: the census places with a figure and a location, or the
        WorldPop cells inside Mali.
    unit : str
        What ``people`` counts: ``"people (census)"`` or ``"people (WorldPop 2020)"``.
    missing : int
        The places left out for want of a figure or a location (0 for WorldPop cells).

    Raises
    ------
    ParameterError
        Without ``data_dir``, when the places have no ``population`` column.
    """
    if data_dir is not None:
        from minusma import layers
        from minusma.layers.population import people_cells

        cells = people_cells(data_dir=data_dir)
        mali = layers.regions().to_crs(cells.crs).union_all()
        inside = cells[cells.within(mali)].reset_index(drop=True)
        return inside, "people (WorldPop 2020)", 0
    places = ctx.places
    if "population" not in places.columns:
        raise ParameterError(
            "these places have no population column: give --data DIR for the WorldPop figures"
        )
    pop = pd.to_numeric(places["population"], errors="coerce")
    ok = pop.notna() & places.geometry.notna()
    demand = gpd.GeoDataFrame({"people": pop[ok].to_numpy()}, geometry=places.geometry[ok].values)
    return demand.set_crs(places.crs or "EPSG:4326"), "people (census)", int((~ok).sum())


def _row(name: str, bases, ids: list[str], answer: CoverAnswer) -> dict:
    """One row of a plan's table: the answer's sites, their ids and its value."""
    chosen = [ids[i] for i in answer.sites]
    return {
        "answer": name,
        "sites": "+".join(town_of_site(bases, b) for b in chosen),
        "base_ids": ";".join(chosen),
        "value": answer.covered,
    }


def _actual(bases: pd.DataFrame, ids: list[str], keep: int) -> tuple[int, ...]:
    """Positions in ``ids`` of the ``keep`` candidates that closed last (closure order)."""
    return tuple(range(len(ids) - keep, len(ids)))


def _covered(ctx, params, ids, keep, data_dir, max_scenarios) -> Plan:
    """The plan maximising the people within ``params.radius_km`` of a kept site."""
    bases = ctx.bases
    demand, unit, missing = covering_demand(ctx, data_dir=data_dir)
    sites = bases.set_index("base_id").loc[ids].reset_index()
    pairs = within_km(demand, sites, params.radius_km)
    cover = np.zeros((len(demand), len(ids)), dtype=bool)
    cover[pairs["point"].to_numpy(dtype="int64"), pairs["target_id"].to_numpy(dtype="int64")] = True
    weight = demand["people"].to_numpy(dtype="float64")
    rows = [_row("optimum", bases, ids, mclp(cover, weight, keep))]
    if math.comb(len(ids), keep) <= max_scenarios:
        check = exhaustive(cover, weight, keep)
        if not math.isclose(check.covered, rows[0]["value"], rel_tol=1e-9):
            logger.warning(
                "plan: the MCLP optimum differs from the exhaustive one; keeping the best"
            )
            rows[0] = _row("optimum", bases, ids, max(check, mclp(cover, weight, keep), key=_value))
        rows.append(_row("exhaustive", bases, ids, check))
    rows.append(_row("greedy", bases, ids, greedy(cover, weight, keep)))
    actual = _actual(bases, ids, keep)
    rows.append(
        _row("actual", bases, ids, CoverAnswer(actual, covered_weight(cover, weight, actual)))
    )
    singles = pd.Series(
        [covered_weight(cover, weight, [i]) for i in range(len(ids))],
        index=[town_of_site(bases, b) for b in ids],
        name=unit,
    )
    notes = {"demand_points": len(demand), "places_without_population": missing}
    caveats = (
        (CAVEATS["worldpop"], CAVEATS["bamako"]) if data_dir is not None else (CAVEATS["census"],)
    )
    return _finish("covered", keep, unit, rows, singles, caveats, notes, higher=True)


def _value(answer: CoverAnswer) -> float:
    """The weight an answer covers (its sort key)."""
    return answer.covered


def _finish(objective, keep, unit, rows, singles, caveats, notes, *, higher: bool) -> Plan:
    """The :class:`Plan` of ``rows``, each answer's gain over the actual order added."""
    table = pd.DataFrame(rows).set_index("answer")
    actual = table.loc["actual", "value"]
    sign = 1.0 if higher else -1.0
    table["gain_over_actual"] = sign * (table["value"] - actual) + 0.0  # no -0
    return Plan(
        objective,
        keep,
        unit,
        table,
        singles,
        (*caveats, CAVEATS["points"]),
        notes,
    )


def _exposed(ctx, params, ids, keep, max_scenarios, n_jobs, progress) -> Plan:
    """The plan minimising the people (or places) the full model classes high or severe."""
    bases = ctx.bases
    figure = "people_exposed"
    if "population" not in ctx.places.columns or ctx.places["population"].isna().all():
        figure = "places_exposed"
    unit = (
        "people (census) in high/severe places"
        if figure == "people_exposed"
        else ("places classed high/severe (no population figures)")
    )

    def run(sets: list[tuple[int, ...]]) -> list[float]:
        plist = [params.replace(keep=(*params.keep, *(ids[i] for i in s))) for s in sets]
        labels = ["keep-" + "+".join(ids[i] for i in s) for s in sets]
        table = batch(ctx, plist, labels=labels, n_jobs=n_jobs, progress=progress).summary
        return table[figure].astype("float64").tolist()

    singles_v = run([(i,) for i in range(len(ids))])
    rows = []
    if math.comb(len(ids), keep) <= max_scenarios:
        import itertools

        sets = list(itertools.combinations(range(len(ids)), keep))
        values = run(sets)
        best = int(np.argmin(values))
        rows.append(_row("optimum", bases, ids, CoverAnswer(sets[best], values[best])))
        how = "exhaustive"
    else:
        how = "greedy only (too many combinations; raise --max-scenarios)"
    chosen: tuple[int, ...] = ()
    value = math.nan
    for _ in range(keep):
        options = [tuple(sorted((*chosen, i))) for i in range(len(ids)) if i not in chosen]
        values = run(options)
        best = int(np.argmin(values))
        chosen, value = options[best], values[best]
    rows.append(_row("greedy", bases, ids, CoverAnswer(chosen, value)))
    actual = _actual(bases, ids, keep)
    rows.append(_row("actual", bases, ids, CoverAnswer(actual, run([actual])[0])))
    singles = pd.Series(singles_v, index=[town_of_site(bases, b) for b in ids], name=unit)
    caveats = (CAVEATS["census"],) if figure == "people_exposed" else ()
    notes = {"search": how, "as_of": str(params.as_of_for(bases["closure_date"]))}
    return _finish("exposed", keep, unit, rows, singles, caveats, notes, higher=False)


def _refuse_model_options(params: ExposureParams) -> None:
    """Refuse road cuts and a model file for the covering objective.

    The covering objective counts people within the radius of a kept site: the exposure model's
    road cuts and model file do not enter it, so giving them is an error, not silently ignored.
    """
    given = [
        flag
        for flag, value in (
            ("--close-road", params.close_roads),
            ("--model", str(params.model) != MODELS[0]),
        )
        if value
    ]
    if given:
        raise ParameterError(
            f"{' and '.join(given)} change(s) the exposure model, which --objective covered does "
            "not use (it counts people within --radius-km of a kept site): use --objective "
            "exposed, or leave them out"
        )


def plan(
    ctx: Context,
    params: ExposureParams | None = None,
    *,
    keep: int,
    objective: str = OBJECTIVES[0],
    data_dir: str | os.PathLike | None = None,
    june_2023_count: bool = False,
    max_scenarios: int = DEFAULT_MAX_SCENARIOS,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> Plan:
    """The ``keep`` sites that, kept open, would have protected the most people.

    The candidates are the sites in closure order (:func:`layers.scenarios.site_ids`), less
    those ``params.close`` closes; each answer is compared with the ``keep`` candidates that
    closed last.

    Parameters
    ----------
    ctx
        The prepared assessment (:func:`layers.assessment.context`).
    params
        The model's parameters: ``radius_km`` for the covering, every field for ``exposed``.
    keep
        How many sites are kept.
    objective
        ``"covered"`` or ``"exposed"`` (see the module's text).
    data_dir
        For ``covered``: count WorldPop people instead of census figures.
    june_2023_count
        Choose among the 11 sites of the June 2023 count instead of every shipped site.
    max_scenarios
        Most combinations searched exhaustively (the covering's cross-check, or ``exposed``);
        above it, ``exposed`` is searched greedily only.
    n_jobs
        Workers of the ``exposed`` batches (:func:`geo.exposure.batch.batch`; None: its
        default).
    progress
        Progress bar of the ``exposed`` batches (None: :func:`geo.exposure.batch.batch`'s
        default).

    Returns
    -------
    Plan
        The answers, their values and gains over the actual order, each candidate's value
        alone, and the caveats.

    Raises
    ------
    UnknownNameError
        For an unknown objective.
    ParameterError
        ``keep`` out of range (sites in ``params.close`` are not candidates); for ``covered``,
        road cuts or a model file given (the covering does not use them), or places without a
        ``population`` column and no ``data_dir``.
    """
    p = mission_params(params)
    if objective not in OBJECTIVES:
        raise UnknownNameError(f"unknown objective {objective!r}; choose from {list(OBJECTIVES)}")
    if objective == "covered":
        _refuse_model_options(p)
    closed = {str(ctx.bases["base_id"].iloc[i]) for i in resolve_bases(ctx.bases, p.close)}
    ids = [i for i in site_ids(ctx.bases, june_2023_count=june_2023_count) if i not in closed]
    if not 1 <= keep <= len(ids):
        left = f" ({len(closed)} closed by --close)" if closed else ""
        raise ParameterError(f"--keep must be between 1 and {len(ids)} sites{left}, got {keep}")
    if objective == "covered":
        return _covered(ctx, p, ids, keep, data_dir, max_scenarios)
    return _exposed(ctx, p, ids, keep, max_scenarios, n_jobs, progress)
