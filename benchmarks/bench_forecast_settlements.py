"""Benchmark: a forecast per settlement (the 18,769 OCHA COD places of Mali), end to end.

Run:  python benchmarks/bench_forecast_settlements.py [--data DIR] [--events-per-month 80]

The history is SYNTHETIC (simulated here, written to a temporary ACLED-layout CSV marked
"SYNTHETIC"): events beside 400 settlements, 2016-01 to 2023-12. The figures:

* ``prepare``: read the history, load the settlements with their k-nearest neighbours, the
  WorldPop population per place and the Geo-PKO sites, count events per settlement and month,
  build the feature cube (:func:`minusma.forecasting.prepare_history`);
* ``forecast glm`` and ``forecast persistence``: one forecast each from the prepared history;
* the two settlement-specific steps beside a brute-force version doing the same work, cold
  against cold: every event matched to its nearest settlement (``nearest_km``, a KD-tree with
  geodesic checks, against the full geodesic distance matrix in chunks) and the 8 nearest
  neighbours of every settlement (libpysal ``KNN`` on the sphere against the full matrix).

Not a test: prints figures and ratios (wall clock and CPU time: on a shared machine the CPU time
is the figure that does not depend on the other jobs).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from minusma import forecasting
from minusma.geo.distance import nearest_km, pairwise_km
from minusma.layers.settlements import settlements

CHUNK = 500


def synthetic_history(places, path: Path, per_month: float, seed: int = 3) -> int:
    """Write a SYNTHETIC ACLED-layout CSV of events beside 400 settlements; its row count."""
    rng = np.random.default_rng(seed)
    hot = rng.choice(len(places), 400, replace=False)
    rate = rng.gamma(0.5, 1.0, hot.size)
    rate *= per_month / rate.sum()
    months = pd.period_range("2016-01", "2023-12", freq="M")
    counts = rng.poisson(np.repeat(rate[:, None], len(months), axis=1))
    unit, month = np.nonzero(counts)
    reps = counts[unit, month]
    idx, when = np.repeat(hot[unit], reps), np.repeat(month, reps)
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"SYNTHETIC{i}" for i in range(idx.size)],
            "event_date": [f"15 {months[m].strftime('%B %Y')}" for m in when],
            "longitude": places.geometry.x.to_numpy()[idx] + rng.normal(0, 0.01, idx.size),
            "latitude": places.geometry.y.to_numpy()[idx] + rng.normal(0, 0.01, idx.size),
            "event_type": "Battles",
            "location": "SYNTHETIC",
            "geo_precision": 1,
            "fatalities": 0,
            "country": "Mali",
        }
    )
    frame.to_csv(path, index=False)
    return len(frame)


def _brute_nearest(lon, lat, tlon, tlat) -> np.ndarray:
    out = np.empty(len(lon), dtype=np.int64)
    for i in range(0, len(lon), CHUNK):
        km = pairwise_km(lon[i : i + CHUNK], lat[i : i + CHUNK], tlon, tlat)
        out[i : i + CHUNK] = km.argmin(axis=1)
    return out


def _brute_knn(lon, lat, k: int) -> np.ndarray:
    out = np.empty((len(lon), k), dtype=np.int64)
    for i in range(0, len(lon), CHUNK):
        km = pairwise_km(lon[i : i + CHUNK], lat[i : i + CHUNK], lon, lat)
        km[np.arange(km.shape[0]), np.arange(i, i + km.shape[0])] = np.inf
        out[i : i + CHUNK] = np.argpartition(km, k, axis=1)[:, :k]
    return out


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="data directory (default $MINUSMA_DATA)")
    parser.add_argument("--events-per-month", type=float, default=80.0)
    args = parser.parse_args()
    places = settlements(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "SYNTHETIC_acled_settlements.csv"
        n_events = synthetic_history(places, path, args.events_per_month)
        start, cpu = time.perf_counter(), time.process_time()
        prepared = forecasting.prepare_history(path, "settlements", data_dir=args.data)
        t_prepare = time.perf_counter() - start
        c_prepare = time.process_time() - cpu
    shape = prepared.cube.values.shape
    print(
        f"history: {n_events:,} SYNTHETIC events, {shape[0]:,} settlements x {shape[1]} origins "
        f"x {shape[2]} features ({prepared.cube.values.nbytes / 1e6:.0f} MB)"
    )
    print(f"dropped (no settlement within reach): {prepared.panel.report['dropped_outside_units']}")
    print(f"prepare: {t_prepare:.1f} s wall, {c_prepare:.1f} s CPU")
    for model in ("persistence", "glm"):
        start, cpu = time.perf_counter(), time.process_time()
        forecasting.forecast(prepared, model=model)
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"forecast {model}: {wall:.1f} s wall, {used:.1f} s CPU")
    ev = prepared.history.events
    elon, elat = ev.geometry.x.to_numpy(), ev.geometry.y.to_numpy()
    plon, plat = places.geometry.x.to_numpy(), places.geometry.y.to_numpy()
    start = time.perf_counter()
    fast, _ = nearest_km(elon, elat, plon, plat)
    t_fast = time.perf_counter() - start
    sample = slice(0, min(len(elon), 1_000))
    start = time.perf_counter()
    brute = _brute_nearest(elon[sample], elat[sample], plon, plat)
    t_brute = (time.perf_counter() - start) * len(elon) / len(elon[sample])
    agree = float(np.mean(brute == fast[sample]))
    print(
        f"events to nearest settlement: package {t_fast:.2f} s, brute force {t_brute:.1f} s "
        f"(scaled from {len(elon[sample]):,} events), ratio {t_brute / t_fast:.0f}x, "
        f"agreement {agree:.4f}"
    )
    from libpysal.weights import KNN

    start = time.perf_counter()
    KNN.from_array(
        np.column_stack([plon, plat]),
        k=forecasting.SETTLEMENT_NEIGHBOURS_K,
        radius=forecasting.EARTH_RADIUS_KM,
    )
    t_knn = time.perf_counter() - start
    part = slice(0, 2_000)
    start = time.perf_counter()
    _brute_knn(plon[part], plat[part], forecasting.SETTLEMENT_NEIGHBOURS_K)
    t_brute_knn = (time.perf_counter() - start) * len(plon) / 2_000
    print(
        f"8 nearest neighbours of every settlement: libpysal {t_knn:.2f} s, brute force "
        f"{t_brute_knn:.1f} s (scaled from 2,000 rows), ratio {t_brute_knn / t_knn:.0f}x"
    )


if __name__ == "__main__":
    main()
