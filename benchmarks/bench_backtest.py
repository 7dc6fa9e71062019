"""Benchmark: a rolling-origin backtest of 10 origins over ~5,000 PRIO-GRID cells, beside a naive
per-origin loop doing the same work.

Run:  python benchmarks/bench_backtest.py [--side 71] [--months 120] [--boot 200] [--learned]

The history is SYNTHETIC (simulated here): a Poisson rate per cell, with a jump where one of 40
sites closes. Both sides start cold from the same panel and sites, and give the same features:

* ``minusma``: :func:`minusma.geo.forecast.features.build_features` once (every feature for every
  cell and month, vectorised), then :func:`minusma.geo.forecast.backtest.run_backtest` (slices of
  that cube, every metric on all bootstrap draws at once);
* ``naive``: for each origin, the site distances measured and the features of every training
  month recomputed from the counts before it (a loop over months, numpy over cells), the same fits,
  and the scores with ``scipy.stats.spearmanr`` and ``sklearn.metrics.roc_auc_score`` in a loop
  over the draws (fewer draws run, time scaled to ``--boot``; only Spearman and the two AUCs, so
  the naive side does less scoring work than the package).

By default the models are the count baselines (persistence, all history, decayed): the figure is
the engine's. ``--learned`` adds the Poisson GLM, whose fit (scikit-learn's) then dominates both
sides equally. Not a test: prints figures side by side.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from minusma.geo import prio_grid
from minusma.geo.distance import pairwise_km
from minusma.geo.forecast import backtest as B
from minusma.geo.forecast import features as F
from minusma.geo.forecast import models as M
from minusma.geo.panel import Panel

FIRST = 2000 * 12
HORIZON = 12


def synthetic(side: int, months: int, n_sites: int = 40, seed: int = 0):
    """SYNTHETIC panel and sites over a side x side block of cells."""
    rng = np.random.default_rng(seed)
    grid = prio_grid.cells(bbox=(0.0, 0.0, side * 0.5, side * 0.5))
    n = len(grid)
    base = rng.gamma(0.4, 0.2, n)
    cell = rng.choice(n, n_sites, replace=False)
    close = FIRST + rng.integers(24, months - 6, n_sites)
    lam = np.repeat(base[:, None], months, axis=1)
    month = FIRST + np.arange(months)
    for c, m in zip(cell, close):
        lam[c, month >= m] += 1.0
    sites = F.Sites.from_arrays(
        grid["lon"].to_numpy()[cell],
        grid["lat"].to_numpy()[cell],
        [None] * n_sites,
        close,
        [f"S{i}" for i in range(n_sites)],
    )
    return grid, Panel(grid["gid"].to_numpy(), FIRST, rng.poisson(lam).astype(float)), sites


def _naive_features(counts, t, W, km, sites, names):
    """Features of every cell at origin index t, from the counts before t only (``km``: cell to
    site distances, measured once per origin by the caller)."""
    past = counts[:, :t]
    n = past.shape[0]
    out = {}
    for w in F.WINDOWS_MONTHS:
        out[f"events_{w}m"] = past[:, t - w :].sum(axis=1) if t >= w else np.full(n, np.nan)
    out["events_per_month_all"] = past.mean(axis=1) if t else np.full(n, np.nan)
    hit = past > 0
    if t:
        last = np.where(hit.any(axis=1), t - 1 - np.argmax(hit[:, ::-1], axis=1), -1)
    else:
        last = np.full(n, -1)
    out["months_since_event"] = np.minimum(np.where(last >= 0, t - last, t), F.CAP_MONTHS)
    a = 0.5 ** (1 / F.HALF_LIFE_MONTHS)
    out["decayed_events"] = past @ (a ** (t - 1 - np.arange(t))) if t else np.zeros(n)
    out["neighbour_events_3m"] = W @ out["events_3m"]
    out["neighbour_events_12m"] = W @ out["events_12m"]
    month = FIRST + t - 1
    is_open = (sites.opened_month <= month) & (month < sites.closed_month)
    started = sites.opened_month <= month
    within = km <= F.RADIUS_KM
    out["sites_open_within"] = (within & is_open).sum(axis=1).astype(float)
    out["km_to_open_site"] = np.minimum(np.where(is_open, km, np.inf).min(axis=1), F.CAP_KM)
    closed = within & (sites.closed_month <= month)
    latest = np.where(closed, sites.closed_month, -(10**9)).max(axis=1)
    out["months_since_closure_within"] = np.minimum(
        np.where(closed.any(axis=1), month + 1 - latest, F.CAP_MONTHS), F.CAP_MONTHS
    ).astype(float)
    out["km_to_any_site"] = np.minimum(np.where(started, km, np.inf).min(axis=1), F.CAP_KM)
    return np.column_stack([out[k] for k in names])


def naive(panel, grid, sites, origins, names, model_names, n_boot, draws_run):
    W = prio_grid.queen_neighbours(grid["gid"].to_numpy()).astype(float)
    lon, lat = grid["lon"].to_numpy(), grid["lat"].to_numpy()
    counts = panel.counts
    rng = np.random.default_rng(0)
    score_time = 0.0
    for o in origins:
        t = o - FIRST
        km = pairwise_km(lon, lat, sites.lon, sites.lat)
        rows_X, rows_y = [], []
        for tt in range(max(t - HORIZON + 1 - B.TRAIN_MONTHS, 0), t - HORIZON + 1):
            X = _naive_features(counts, tt, W, km, sites, names)
            y = counts[:, tt : tt + HORIZON].sum(axis=1)
            ok = np.isfinite(X).all(axis=1)
            rows_X.append(X[ok])
            rows_y.append(y[ok])
        Xtr, ytr = np.vstack(rows_X), np.concatenate(rows_y)
        Xo = _naive_features(counts, t, W, km, sites, names)
        yo = counts[:, t : t + HORIZON].sum(axis=1)
        preds = []
        for model in M.make_models(model_names, names, HORIZON):
            cols = [names.index(r) for r in model.requires]
            ok = np.isfinite(Xtr[:, cols]).all(axis=1)
            model.fit(Xtr[ok], ytr[ok], names)
            preds.append(model.predict(Xo))
        start = time.perf_counter()
        thr = np.quantile(yo, 2 / 3)
        for _ in range(draws_run):
            idx = rng.integers(0, len(yo), len(yo))
            for p in preds:
                spearmanr(yo[idx], p[idx])
                roc_auc_score(yo[idx] > thr, p[idx])
                roc_auc_score(yo[idx] > 0, p[idx])
        score_time += (time.perf_counter() - start) * (n_boot / draws_run - 1)
    return score_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=71, help="cells per side (71: 5,041 cells)")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--boot", type=int, default=B.N_BOOT)
    parser.add_argument("--naive-draws", type=int, default=20)
    parser.add_argument("--learned", action="store_true", help="add the Poisson GLM")
    args = parser.parse_args()
    grid, panel, sites = synthetic(args.side, args.months)
    origins = [FIRST + args.months - HORIZON - 4 * k for k in range(10)][::-1]
    model_names = ["persistence", "history", "decayed"] + (["glm"] if args.learned else [])
    print(
        f"{len(grid):,} cells x {args.months} months, 10 origins, {args.boot} draws, "
        f"models {', '.join(model_names)}"
    )

    start = time.perf_counter()
    cube = F.build_features(
        panel,
        horizon_months=HORIZON,
        neighbours=prio_grid.queen_neighbours(grid["gid"].to_numpy()),
        unit_lon=grid["lon"],
        unit_lat=grid["lat"],
        sites=sites,
    )
    built = time.perf_counter() - start
    result = B.run_backtest(
        cube, M.make_models(model_names, cube.names, HORIZON), origins, n_boot=args.boot
    )
    ours = time.perf_counter() - start
    print(f"minusma: {ours:7.2f} s  (features {built:.2f} s, fits and scores {ours - built:.2f} s)")

    # same features on both sides (checked at the last origin)
    t = origins[-1] - FIRST
    W = prio_grid.queen_neighbours(grid["gid"].to_numpy()).astype(float)
    km = pairwise_km(grid["lon"].to_numpy(), grid["lat"].to_numpy(), sites.lon, sites.lat)
    check = _naive_features(panel.counts, t, W, km, sites, cube.names)
    assert np.allclose(check, cube.values[:, t, :], equal_nan=True), "features differ"

    start = time.perf_counter()
    extra = naive(panel, grid, sites, origins, cube.names, model_names, args.boot, args.naive_draws)
    theirs = time.perf_counter() - start + extra
    print(
        f"naive:   {theirs:7.2f} s  (scoring scaled from {args.naive_draws} to {args.boot} draws)"
    )
    print(f"ratio:   {theirs / ours:7.1f}x")
    pooled = result.pooled.set_index("name")["spearman"].round(3).to_dict()
    print(f"pooled Spearman: {pooled}")


if __name__ == "__main__":
    main()
