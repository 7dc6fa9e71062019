"""Benchmark: the event study on the CAR grid, geo.event_study against the differences package.

The panel is the README's: 262 PRIO-GRID cells x 132 months (2012-01..2022-12) of UCDP GED
events, switch months from MINUSCA troop sites within 50 km (opening design). Both methods do the
same work: Callaway-Sant'Anna ATT(g, t) for every cohort and month against not-yet- and
never-switched cells, universal base period, analytic (influence-function) standard errors
clustered by cell, event-time aggregation. ``geo.event_study`` runs with a window covering the
whole history (every ATT(g, t), as the package computes) and with the README's +/-24 months;
the placebo (199 re-estimations) is timed on its own, since the package offers none, and so is
the uniform band (1,000 multiplier-bootstrap draws, the default of ``minusma effect``), against
the same +/-24-month fit without it: the band's cost is their difference. The other rows run
without the band (``band_draws=0``): ``differences``' ``aggregate("event")`` computes analytic
standard errors only.

Each method runs in a fresh Python process (cold: its first call, and its import where the
panel did not already need it: building the panel imports geo.event_study, not differences),
then twice more (warm, the best kept). The two must agree on every event-time estimate
(largest difference printed).

Run:  MINUSMA_DATA=DIR python benchmarks/bench_event_study.py

Not a test: prints figures (the machine is shared, so timings vary).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

PANEL = """
from minusma.geo.site_panel import site_panel
from minusma.geo import event_study as es
from minusma.layers.events import read_events
from minusma.layers.sites import sites
data = os.environ.get("MINUSMA_DATA", "../shared/data")
ev = read_events(f"{data}/ucdp-ged-caf/ged231_caf.geojson", country="Central African Republic",
                 bounds=None)
s = sites("geopko", mission="MINUSCA", data_dir=data, min_troops=1)
panel = site_panel(ev, s, unit="grid", radius_km=50.0, span=("2012-01", "2022-12"))
switch, ok = es.switch_months(panel.status, "opening")
y, g = panel.counts["all events"][ok], switch[ok]
import numpy as np
"""

CHILD = {
    "ours_full": """
t0 = time.perf_counter()
from minusma.geo import event_study as es
def run():
    return es.estimate(y, g, window_months=y.shape[1] - 1, placebo_draws=0, band_draws=0)
""",
    "ours_window24": """
t0 = time.perf_counter()
from minusma.geo import event_study as es
def run():
    return es.estimate(y, g, window_months=24, placebo_draws=0, band_draws=0)
""",
    "ours_window24_band1000": """
t0 = time.perf_counter()
from minusma.geo import event_study as es
def run():
    return es.estimate(y, g, window_months=24, placebo_draws=0, band_draws=1000)
""",
    "ours_placebo199": """
t0 = time.perf_counter()
from minusma.geo import event_study as es
def run():
    return es.estimate(y, g, window_months=24, placebo_draws=199, band_draws=0)
""",
    "differences": """
t0 = time.perf_counter()
import warnings
import pandas as pd
from differences import ATTgt
warnings.simplefilter("ignore")
def run():
    n, m = y.shape
    frame = pd.DataFrame({"unit": np.repeat(np.arange(n), m), "t": np.tile(np.arange(1, m + 1), n),
                          "y": y.ravel(),
                          "cohort": np.repeat(np.where(g < 0, np.nan, g + 1.0), m)})
    att = ATTgt(data=frame.set_index(["unit", "t"]), cohort_column="cohort",
                base_period="universal")
    att.fit("y", control_group="not_yet_treated", progress_bar=False)
    return att.aggregate("event")
""",
}

TAIL = """
cold_result = run()
cold = time.perf_counter() - t0
warm = []
for _ in range(2):
    t1 = time.perf_counter(); run(); warm.append(time.perf_counter() - t1)
if hasattr(cold_result, "event_time"):
    est = dict(zip(cold_result.event_time["k"].astype(int), cold_result.event_time["estimate"]))
else:
    cold_result.columns = [c[-1] for c in cold_result.columns]
    est = dict(zip(cold_result.index.astype(int), cold_result["ATT"]))
print(json.dumps({"cold": cold, "warm": min(warm), "units": int(y.shape[0]),
                  "months": int(y.shape[1]), "switching": int((g >= 0).sum()),
                  "est": {int(k): float(v) for k, v in est.items() if v == v}}))
"""


def main() -> None:
    results = {}
    for name, body in CHILD.items():
        code = "import json, os, time\n" + PANEL + body + TAIL
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    r0 = results["ours_full"]
    print(f"CAR grid: {r0['units']} cells x {r0['months']} months, {r0['switching']} switching")
    print(f"{'method':<34}{'cold s':>9}{'warm s':>9}")
    for name, r in results.items():
        print(f"{name:<34}{r['cold']:>9.3f}{r['warm']:>9.3f}")
    ref, ours = results["differences"]["est"], results["ours_full"]["est"]
    common = sorted(set(ref) & set(ours) - {-1})
    diff = max(abs(ref[k] - ours[k]) for k in common)
    print(f"largest difference over {len(common)} event times: {diff:.2e}")
    band, plain = results["ours_window24_band1000"], results["ours_window24"]
    print(
        f"uniform band (1,000 draws) on the +/-24-month fit: warm {band['warm']:.3f} s against "
        f"{plain['warm']:.3f} s without it ({band['warm'] / plain['warm']:.2f}x)"
    )
    for name in ("ours_full", "ours_window24"):
        d = results["differences"]
        r = results[name]
        print(
            f"speed-up of {name} over differences: cold {d['cold'] / r['cold']:.1f}x, "
            f"warm {d['warm'] / r['warm']:.1f}x"
        )


if __name__ == "__main__":
    main()
