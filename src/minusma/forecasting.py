"""Forecasts of events per unit from the user's own history, chosen by rolling-origin backtests.

The application wiring of :mod:`minusma.geo.forecast`: units of analysis, their neighbours and
static features (:mod:`minusma.forecast_units`: OCHA COD units, PRIO-GRID cells, towns,
settlements; population, distances, access, the composite), peacekeeping sites from Geo-PKO (any
mission) or the shipped MINUSMA table, and the words of ``why`` (:mod:`minusma.forecast_words`).
:func:`prepare` builds the panel and the
feature cube once; :func:`backtest` scores models at rolling origins; :func:`forecast` ranks units
for the months after ``as_of`` with the model asked for, or with ``auto`` the count model with the
best pooled backtest Spearman on this history (and says so).
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.stats import poisson

from minusma.forecast_units import (
    ACCESS,
    SETTLEMENT_NEIGHBOURS_K,
    TOWN_MATCH_KM,
    TOWN_NEIGHBOUR_KM,
    Units,
    access_features,
    composite_features,
    load_sites,
    load_units,
    unit_population,
)
from minusma.forecast_words import LANGS, why_text
from minusma.geo._errors import DataDirError, ParameterError
from minusma.geo.crs import WGS84
from minusma.geo.distance import EARTH_RADIUS_KM
from minusma.geo.forecast import backtest as bt
from minusma.geo.forecast.explain import contributions
from minusma.geo.forecast.features import FeatureCube, Sites, build_features
from minusma.geo.forecast.models import BASELINES, LEARNED, MIN_EXPECTED, Model, make_models
from minusma.geo.forecast.shape import ProtectionShape, read_protection_shape
from minusma.geo.panel import Panel, month_index, month_label
from minusma.layers.history import History, read_history, to_panel
from minusma.layers.registry import LayerInfo
from minusma.unit_kinds import POINT_UNITS, UNITS

logger = logging.getLogger(__name__)

__all__ = [
    "ACCESS",
    "DEFAULT_MODELS",
    "EARTH_RADIUS_KM",
    "FORECAST_LAYER",
    "HORIZON_MONTHS",
    "INTERVAL",
    "SETTLEMENT_NEIGHBOURS_K",
    "TOWN_MATCH_KM",
    "TOWN_NEIGHBOUR_KM",
    "UNITS",
    "Prepared",
    "Units",
    "access_features",
    "backtest",
    "backtest_chart",
    "composite_features",
    "forecast",
    "forecast_layer_info",
    "load_sites",
    "load_units",
    "prepare",
    "prepare_history",
    "unit_population",
]

#: Default forecast horizon, months.
HORIZON_MONTHS = 12
#: Models backtested by default (those whose features exist).
DEFAULT_MODELS = (*BASELINES, *LEARNED)
#: Central probability of ``predicted_low .. predicted_high`` (Poisson quantiles of the forecast).
INTERVAL = 0.8
#: Origins of the backtest ``auto`` runs: every 12 months over the last this-many years of span.
AUTO_YEARS = 5
#: Folder of the data directory holding the WorldPop raster (population feature by default).
WORLDPOP_FOLDER = "worldpop"


@dataclass
class Prepared:
    """A history over units, with its feature cube: the input of backtests and forecasts."""

    history: History
    units: Units
    panel: Panel
    cube: FeatureCube


def prepare(
    history: History | str | os.PathLike | None,
    level: str,
    *,
    horizon_months: int = HORIZON_MONTHS,
    data_dir: str | os.PathLike | None = None,
    units: Units | None = None,
    sites: Sites | None = None,
    shape: ProtectionShape | None = None,
) -> Prepared:
    """Read the history, count it over the units and build the feature cube.

    Parameters
    ----------
    history
        A history file, None for the shipped table, or a :class:`History`.
    level
        One of :data:`UNITS` (ignored when ``units`` is given).
    horizon_months
        Months forecast.
    data_dir
        The data directory.
    units
        The units (default: :func:`load_units` of ``level``).
    sites
        Site periods for the protection features (None: none).
    shape
        An effect estimate for the shaped protection features (needs ``sites``).

    Returns
    -------
    Prepared
        The history, units, panel and feature cube.
    """
    if not isinstance(history, History):
        history = read_history(history, data_dir=data_dir)
    units = units if units is not None else load_units(level, data_dir=data_dir)
    panel = to_panel(history, units.frame, "unit_id", level=units.level)
    cube = build_features(
        panel,
        horizon_months=horizon_months,
        neighbours=units.neighbours,
        unit_lon=units.lon,
        unit_lat=units.lat,
        sites=sites,
        static=units.static if len(units.static.columns) else None,
        shape=shape,
    )
    return Prepared(history, units, panel, cube)


def prepare_history(
    history: str | os.PathLike | None = None,
    unit: str = "cercle",
    *,
    horizon_months: int = HORIZON_MONTHS,
    data_dir: str | os.PathLike | None = None,
    country: str | None = "Mali",
    mission: str | None = None,
    capital: tuple[float, float] | None = None,
    span: tuple[str, str] | None = None,
    access: gpd.GeoDataFrame | None = None,
    population: bool | str | os.PathLike | None = None,
    protection_shape: str | os.PathLike | ProtectionShape | None = None,
) -> Prepared:
    """Everything a forecast or backtest needs, from a history file and a unit name.

    Parameters
    ----------
    history
        A history file of any layout (:mod:`minusma.layers.history`), None for the shipped table.
    unit
        One of :data:`UNITS`.
    horizon_months
        Months forecast.
    data_dir
        The data directory (OCHA COD units, Geo-PKO sites).
    country
        ``Mali`` (default: OCHA units, Mali's bounds checked, MINUSMA sites), or None for another
        country: then ``unit`` must be ``grid`` and the cells cover the bounding box of the
        located events.
    mission
        Geo-PKO mission of the sites (default ``MINUSMA`` in Mali, none elsewhere). In Mali
        without Geo-PKO in the data directory, the shipped MINUSMA withdrawal table is used.
    capital
        ``(lon, lat)`` of the capital (default Bamako in Mali; none elsewhere).
    span
        ``(first, last)`` months the history covers, when the file's own first and last months
        are not its span.
    access
        An assessment of Mali's towns (:meth:`minusma.Study.assess`): adds the access
        indicators :data:`ACCESS` and the composite score (:func:`composite_features`, the
        ``inform`` model's input) per unit.
    population
        Mali only: the static feature ``population`` (:func:`unit_population`). None (default):
        from the data directory's WorldPop raster when it holds one; True: it must; False: none;
        or a density GeoTIFF path.
    protection_shape
        An effect estimate (the JSON of ``minusma effect --format json``, or a
        :class:`~minusma.geo.forecast.shape.ProtectionShape`): adds the shaped protection
        features (:mod:`minusma.geo.forecast.shape`). Default: the radius rule only.

    Returns
    -------
    Prepared
        The history, units, panel and feature cube.

    Raises
    ------
    ParameterError
        Units other than cells outside Mali, a history without points outside Mali, or sites
        of another mission without Geo-PKO.
    """
    from minusma.layers.datadir import resolve_data_dir
    from minusma.layers.events import MALI_BOUNDS

    if protection_shape is not None and not isinstance(protection_shape, ProtectionShape):
        protection_shape = read_protection_shape(protection_shape)  # a bad file fails first
    mali = country is not None and country.casefold() == "mali"
    hist = read_history(
        history,
        data_dir=data_dir,
        span=span,
        country=country,
        bounds=MALI_BOUNDS if mali else None,
    )
    try:
        folder = resolve_data_dir(data_dir)
    except DataDirError:
        folder = None
    if mali:
        if population is None:
            population = folder is not None and (folder / WORLDPOP_FOLDER).is_dir()
        units = load_units(unit, data_dir=data_dir, capital=capital, population=population)
        mission = mission or "MINUSMA"
        if access is not None:
            units.static = pd.concat(
                [
                    units.static,
                    access_features(access, units),
                    composite_features(access, units, weighted=population, data_dir=data_dir),
                ],
                axis=1,
            )
    else:
        if unit != "grid":
            raise ParameterError(
                f"outside Mali only PRIO-GRID cells are available as units (--unit grid), "
                f"not {unit!r}"
            )
        ev = hist.events
        if ev is None:
            raise ParameterError("outside Mali the history must be event points")
        located = ev[ev["location_precision_km"].notna() & ev.geometry.notna()]
        units = load_units("grid", bbox=tuple(located.total_bounds), capital=capital)
    sites = None
    if mission is not None:
        has_geopko = folder is not None and (folder / "geo-pko").is_dir()
        if has_geopko:
            sites, _ = load_sites("geopko", mission=mission, data_dir=folder)
        elif mali:
            sites, _ = load_sites("shipped", mission=None)
        else:
            raise ParameterError(
                f"sites of {mission} come from Geo-PKO: give --data DIR holding geo-pko/"
            )
    if protection_shape is not None and sites is None:
        raise ParameterError(
            "--protection-shape shapes the effect of sites: give a mission (--mission) whose "
            "sites are in the data directory's Geo-PKO files"
        )
    return prepare(
        hist,
        unit,
        horizon_months=horizon_months,
        units=units,
        sites=sites,
        shape=protection_shape,
    )


def _described(prepared: Prepared) -> str:
    """The history in one sentence, with the events no unit took (counted, never silent)."""
    words = prepared.history.describe()
    dropped = int(prepared.panel.report.get("dropped_outside_units", 0))
    if dropped:
        rule = (
            f"no place within {TOWN_MATCH_KM:g} km plus its location uncertainty"
            if prepared.units.level in POINT_UNITS
            else f"in no {prepared.units.level}"
        )
        words += f"; {dropped:,} event(s) left out ({rule})"
    return words


def _month(value, what: str) -> int:
    try:
        return int(month_index(value)[0])
    except ParameterError as exc:
        raise ParameterError(f"{what} must be a month YYYY-MM or a date, got {value!r}") from exc


def backtest(
    prepared: Prepared,
    *,
    from_month: str | None = None,
    to_month: str | None = None,
    every_months: int = 12,
    models: tuple[str, ...] | list[str] = DEFAULT_MODELS,
    n_boot: int = bt.N_BOOT,
) -> bt.BacktestResult:
    """Rolling-origin backtest over the prepared history (see :mod:`minusma.geo.forecast.backtest`).

    Origins run from ``from_month`` (default: 36 months + one horizon into the span, the first
    with a full history and a training year) to ``to_month`` (default: the last origin whose
    horizon lies inside the span), every ``every_months``.

    Parameters
    ----------
    prepared
        From :func:`prepare` or :func:`prepare_history`.
    from_month
        First origin (``YYYY-MM``).
    to_month
        Last origin (``YYYY-MM``).
    every_months
        Months between origins.
    models
        Model names (default :data:`DEFAULT_MODELS`; those whose features exist are run).
    n_boot
        Bootstrap resamples of units.

    Returns
    -------
    minusma.geo.forecast.backtest.BacktestResult
        Pooled and per-origin scores, learned models against baselines.

    Raises
    ------
    ParameterError
        A last origin whose horizon leaves the span, or bad months.
    """
    cube = prepared.cube
    h = cube.horizon_months
    last_ok = prepared.panel.last_month - h + 1
    first = _month(from_month, "--from") if from_month else prepared.panel.first_month + 36 + h
    last = _month(to_month, "--to") if to_month else last_ok
    if last > last_ok:
        raise ParameterError(
            f"the last origin {month_label(last)} needs {h} months of outcome after it, but the "
            f"history ends {month_label(prepared.panel.last_month)}; use --to "
            f"{month_label(last_ok)} or earlier, or a shorter --horizon"
        )
    origins = bt.origins_between(first, last, every_months)
    chosen = make_models(models, cube.names, h)
    result = bt.run_backtest(cube, chosen, origins, n_boot=n_boot)
    result.history = _described(prepared)
    return result


def _auto(prepared: Prepared) -> tuple[str, str, bt.BacktestResult | None]:
    h = prepared.cube.horizon_months
    last = prepared.panel.last_month - h + 1
    first = max(last - 12 * (AUTO_YEARS - 1), prepared.panel.first_month + 36 + h)
    if first > last:
        words = (
            "the history is too short to backtest (it needs 36 months of features plus two "
            f"horizons of {h} months): persistence is used, untested"
        )
        return "persistence", words, None
    result = backtest(prepared, from_month=month_label(first), to_month=month_label(last))
    name = result.best("spearman")
    row = result.pooled.set_index("name").loc[name]
    words = (
        f"model {name} chosen by --model auto: best pooled Spearman "
        f"{row['spearman']:.2f} [{row['spearman_low']:.2f}, {row['spearman_high']:.2f}] over "
        f"{int(row['n_origins'])} backtest origins ({result.origins[0]} to {result.origins[-1]}, "
        f"horizon {h} months) among the count models of this history"
    )
    return name, words, result


def forecast(
    prepared: Prepared,
    *,
    as_of: str | None = None,
    model: str | os.PathLike = "auto",
    lang: str = "en",
    save_model: str | os.PathLike | None = None,
) -> gpd.GeoDataFrame:
    """Forecast events per unit over the horizon after ``as_of``.

    Parameters
    ----------
    prepared
        From :func:`prepare`.
    as_of
        A date or month: the forecast uses months before that month and covers it and the
        ``horizon - 1`` after. Default: the month after the history's span.
    model
        ``auto`` (best pooled backtest), a count model name (``persistence``, ``history``,
        ``decayed``, ``inform``, ``glm``, ``gbm``), or the path of a model saved with
        ``save_model`` (:mod:`minusma.geo.forecast.persist`), applied as saved.
    lang
        ``en`` or ``fr`` for the ``why`` column.
    save_model
        Write the fitted model to this JSON file (not ``gbm``: refused, no safe format).

    Returns
    -------
    geopandas.GeoDataFrame
        ``unit_id, unit_name, predicted_events, predicted_low, predicted_high, rank, class,
        why`` and the unit geometry, sorted by rank. ``attrs``: ``model``, ``statement`` (how
        the model was chosen and how thin the history is), ``as_of``, ``horizon_months``,
        ``backtest`` (the auto backtest's pooled table, when run).

    Raises
    ------
    ParameterError
        A bad language, ``as_of``, model or saved-model file (the message names the fix).
    """
    from minusma.geo.forecast import persist

    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    cube, panel = prepared.cube, prepared.panel
    origin = _month(as_of, "--as-of") if as_of else panel.last_month + 1
    t = cube.origin_index(origin)
    if t < 1 or t > panel.n_months:
        raise ParameterError(
            f"--as-of {month_label(origin)} lies outside what the history can inform: its span is "
            f"{panel.span[0]} to {panel.span[1]}; give a month from "
            f"{month_label(panel.first_month + 1)} to {month_label(panel.last_month + 1)}"
        )
    statements = [f"history: {_described(prepared)}"]
    if prepared.history.layout == "shipped":
        statements.append(
            "this is the shipped table of 64 sourced events over 12 months: far too thin to learn "
            "from or to rank units reliably; give your own history with --history (ACLED export, "
            "UCDP GED, or ACLED's HDX admin-2 x month file)"
        )
    result = None
    model = str(model)
    if model == "auto":
        model, why_model, result = _auto(prepared)
        statements.append(why_model)
    if model not in (*BASELINES, *LEARNED) and (model.endswith(".json") or os.path.isfile(model)):
        fitted: Model | None
        fitted, record = persist.load_model(
            model,
            unit=prepared.units.level,
            horizon_months=cube.horizon_months,
            features=cube.names,
        )
        training = record.get("training", {})
        statements.append(
            f"model {record['model']} loaded from {model} (fitted per {record['unit']} on origins "
            f"{training.get('first_origin')} to {training.get('last_origin')}), applied as saved"
        )
        model = record["model"]
    else:
        chosen = make_models([model], cube.names, cube.horizon_months)
        if not chosen or not chosen[0].counts:
            raise ParameterError(
                f"model {model!r} cannot forecast counts from this history (inform needs the "
                "towns' assessment: Mali units through a Study); use auto, persistence, history, "
                "decayed, glm or gbm"
            )
        fitted = bt.fit_at(cube, chosen[0], t)
    if fitted is None:
        raise ParameterError(
            f"model {model!r} has no training months before {month_label(origin)} with a full "
            "horizon of outcomes; use --model persistence or an earlier --as-of"
        )
    if save_model is not None:
        stop = t - cube.horizon_months  # the last training origin (see backtest._train_rows)
        start = max(stop - bt.TRAIN_MONTHS + 1, 0)
        record = persist.model_to_dict(
            fitted,
            unit=prepared.units.level,
            training=(month_label(cube.first_month + start), month_label(cube.first_month + stop)),
        )
        persist.save_model(record, save_model)
        statements.append(f"model {model} saved to {save_model}")
    X = cube.values[:, t, :]
    ok = np.isfinite(X[:, fitted._used]).all(axis=1)
    if not ok.any():
        raise ParameterError(
            f"no unit has the features model {model!r} needs at {month_label(origin)} (its "
            "windows reach before the history's span); use --model persistence or a later --as-of"
        )
    mu = np.full(X.shape[0], np.nan)
    mu[ok] = fitted.predict(X[ok])
    used = list(fitted._used)  # only the features the model reads contribute
    train = cube.values[:, max(t - bt.TRAIN_MONTHS, 0) : t, used].reshape(-1, len(used))
    reference = np.full(X.shape[1], np.nan)
    with warnings.catch_warnings():  # a feature without a training value has no median
        warnings.simplefilter("ignore", RuntimeWarning)
        reference[used] = np.nanmedian(np.where(np.isfinite(train), train, np.nan), axis=0)
    contrib = np.zeros(X.shape)
    contrib[ok] = contributions(fitted, X[ok], reference)
    tail = (1 - INTERVAL) / 2
    frame = prepared.units.frame.copy()
    frame["predicted_events"] = mu
    frame["predicted_low"] = poisson.ppf(tail, mu)
    frame["predicted_high"] = poisson.ppf(1 - tail, mu)
    rank = pd.Series(mu).rank(ascending=False, method="min")
    frame["rank"] = rank.astype("Int64")
    third = np.ceil(ok.sum() / 3)
    nothing = mu <= 2 * MIN_EXPECTED  # at the floor: no event expected, whatever the rank
    frame["class"] = np.select(
        [nothing, rank <= third, rank <= 2 * third], ["low", "high", "medium"], "low"
    )
    frame.loc[~ok, "class"] = None
    frame["why"] = why_text(cube, prepared.units.level, contrib, np.nan_to_num(X), t, lang)
    frame = frame.sort_values(["rank", "unit_id"], na_position="last").reset_index(drop=True)
    cols = [
        "unit_id",
        "unit_name",
        "predicted_events",
        "predicted_low",
        "predicted_high",
        "rank",
        "class",
        "why",
        "geometry",
    ]
    frame = gpd.GeoDataFrame(frame[cols], geometry="geometry", crs=WGS84)
    frame.attrs = {
        "model": model,
        "statement": statements,
        "as_of": month_label(origin),
        "horizon_months": cube.horizon_months,
        "interval": INTERVAL,
        "backtest": None if result is None else result.pooled.to_dict("records"),
    }
    return frame


#: Name of the forecast layer in exports (GeoPackage table, GeoJSON file).
FORECAST_LAYER = "forecast"


def forecast_layer_info(frame: gpd.GeoDataFrame) -> LayerInfo:
    """The export metadata of a forecast (:func:`forecast`'s frame) as a layer.

    Parameters
    ----------
    frame
        The forecast; its ``attrs`` (model, as_of, horizon, statement) go into the description.

    Returns
    -------
    minusma.layers.registry.LayerInfo
        Title, description, sources, licence, caveats and the declared columns, for
        :func:`minusma.layers.export.export_layers`.
    """
    from minusma.geo._validate import Column, Schema
    from minusma.layers.registry import LayerInfo

    a = frame.attrs
    geometry = sorted(set(frame.geometry.geom_type.dropna()))
    id_kind = "int" if pd.api.types.is_integer_dtype(frame["unit_id"]) else "string"  # grid gids
    return LayerInfo(
        name=FORECAST_LAYER,
        kind="analysis",
        title=f"Forecast: events in the {a.get('horizon_months')} months from {a.get('as_of')}",
        description=(
            f"Expected events per unit (model {a.get('model')}), ranked and classed, with why. "
            + " ".join(str(x) for x in a.get("statement", []))
        ),
        loader="minusma.forecasting:forecast",
        licence="derived by minusma-exposure from the user's event history (its own licence)",
        attribution="minusma-exposure contributors; the event history's source",
        sources=("the user's event history (see description)", "OCHA COD units; Geo-PKO sites"),
        geometry_kind="real",
        schema=Schema(
            columns=(
                Column("unit_id", id_kind, "OCHA P-code, PRIO-GRID gid or place id", False, True),
                Column("unit_name", "string", "name of the unit"),
                Column("predicted_events", "float", "expected events over the horizon"),
                Column("predicted_low", "float", f"{INTERVAL:.0%} Poisson range, low end"),
                Column("predicted_high", "float", f"{INTERVAL:.0%} Poisson range, high end"),
                Column("rank", "int", "1 = most events expected"),
                Column("class", "string", "high (top third), medium, low (or no event expected)"),
                Column("why", "string", "the largest contributions, in words"),
            ),
            id_column="unit_id",
            geometry_types=tuple(geometry),
        ),
        caveats=(
            (
                "A forecast from the user's history: reporting follows access and attention, so "
                "quiet places may be unreported, not calm."
            ),
            (
                "Judge the model by its rolling-origin backtest (minusma backtest), never by "
                "this table."
            ),
        ),
    )


def backtest_chart(result: bt.BacktestResult, path: str | os.PathLike) -> None:
    """Per-origin Spearman of every model, with the pooled interval as a band (PNG), atomically.

    Parameters
    ----------
    result
        A backtest.
    path
        The PNG to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from minusma.geo.io import atomic_path

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    per = result.per_origin
    for _, row in result.pooled.iterrows():
        mine = per[per["name"] == row["name"]]
        style = "-" if row["kind"] == "learned" else "--"
        (line,) = ax.plot(mine["origin"], mine["spearman"], style, marker="o", label=row["name"])
        ax.axhspan(row["spearman_low"], row["spearman_high"], color=line.get_color(), alpha=0.08)
    ax.set_xlabel("origin (first month forecast)")
    ax.set_ylabel("Spearman, forecast vs events")
    ax.set_title(f"Rolling-origin backtest, horizon {result.horizon_months} months (out of sample)")
    ax.legend(fontsize=8, ncol=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
