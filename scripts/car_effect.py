"""The README's second theatre: MINUSCA in the Central African Republic, 2014-2022.

Reads UCDP GED 23.1 (CAR) and Geo-PKO (MINUSCA) from the data directory, runs the site event
study on PRIO-GRID cells and prints the README table (markdown); writes the chart.

    python scripts/car_effect.py [--data DIR] [--chart docs/img/car_effect.svg]

Settings (stated once here, used for the README): troop sites (largest troop total >= 1 on some
map), a site protects a cell whose centre lies within 50 km, history 2012-01..2022-12 (24 months
of leads before the first MINUSCA map of October 2014), +/-24 months, 199 placebo shuffles,
seed 0; a sensitivity row with 25 km and one with every Geo-PKO location. Each row gives the
pointwise 95 % interval of the pooled change and the relative change with its delta-method
interval; the opening's event times get the 95 % uniform band (1,000 multiplier-bootstrap
draws).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from minusma.effects import ALL_EVENTS, site_effect
from minusma.layers.events import read_events
from minusma.layers.sites import sites

SPAN = ("2012-01", "2022-12")
RADIUS_KM = 50.0
WINDOW_MONTHS = 24


def _row(label, st) -> str:
    p = st.pooled
    if p["ratio"] != p["ratio"]:  # counterfactual mean not above zero
        ratio = "n/a"
    elif p["ratio_low"] != p["ratio_low"]:  # Fieller's set is unbounded
        ratio = f"{p['ratio']:+.0%} [unbounded]"
    else:
        ratio = f"{p['ratio']:+.0%} [{p['ratio_low']:+.0%}, {p['ratio_high']:+.0%}]"
    return (
        f"| {label} | {p['estimate']:+.3f} [{p['low']:+.3f}, {p['high']:+.3f}] | {ratio} | "
        f"{p['counterfactual_mean']:.3f} | {st.n_treated} / {st.n_units} | "
        f"{st.pretrend['p']:.3f} | {st.placebo['p']:.3f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("MINUSMA_DATA", "../shared/data"))
    ap.add_argument("--chart", default="docs/img/car_effect.svg")
    args = ap.parse_args()
    data = Path(args.data)
    t0 = time.perf_counter()
    events = read_events(
        data / "ucdp-ged-caf/ged231_caf.geojson", country="Central African Republic", bounds=None
    )
    troop_sites = sites("geopko", mission="MINUSCA", data_dir=data, min_troops=1)
    every_site = sites("geopko", mission="MINUSCA", data_dir=data)
    main_run = site_effect(
        events,
        troop_sites,
        unit="grid",
        radius_km=RADIUS_KM,
        window_months=WINDOW_MONTHS,
        span=SPAN,
        by_type=True,
    )
    near = site_effect(
        events, troop_sites, unit="grid", radius_km=25.0, window_months=WINDOW_MONTHS, span=SPAN
    )
    every = site_effect(
        events,
        every_site,
        unit="grid",
        radius_km=RADIUS_KM,
        window_months=WINDOW_MONTHS,
        span=SPAN,
    )
    print(
        f"{main_run.n_units} PRIO-GRID cells, {main_run.n_events} GED events "
        f"{SPAN[0]}..{SPAN[1]}, {len(troop_sites)} MINUSCA troop site periods; "
        f"{time.perf_counter() - t0:.1f} s\n"
    )
    print(
        "| outcome, design | change in events per cell-month, months 0-24 [95 % CI] | "
        "relative [95 % CI] | counterfactual mean | cells switching / compared | pre-trend p | "
        "placebo p |"
    )
    print("|---|---|---|---|---|---|---|")
    for outcome, designs in main_run.studies.items():
        for design, st in designs.items():
            label = f"{outcome}, {design}"
            print(_row(label, st) if not isinstance(st, str) else f"| {label} | {st} | | | | | |")
    for label, run in (
        ("all events, opening, 25 km", near),
        ("all events, opening, every Geo-PKO location", every),
    ):
        st = run.studies[ALL_EVENTS]["opening"]
        print(_row(label, st) if not isinstance(st, str) else f"| {label} | {st} | | | | | |")
    opening = main_run.study("opening")
    k = opening.event_time.set_index("k")
    band = opening.band
    print(
        f"\nopening, all events: {band['level']:.0%} uniform band over {band['event_times']} "
        f"event times, sup-t critical value {band['critical_value']:.3f} "
        f"({band['draws']} multiplier-bootstrap draws; pointwise 1.960)"
    )
    closing = main_run.studies[ALL_EVENTS]["closing"]
    if not isinstance(closing, str):
        print(
            f"closing, all events: sup-t critical value {closing.band['critical_value']:.3f} "
            f"over {closing.band['event_times']} event times ({closing.n_treated} cells switch)"
        )
    print("by event time (k: estimate [pointwise low, high] {band low, high}):")
    print(
        "; ".join(
            f"{kk:+d}: {k.loc[kk, 'estimate']:+.3f} [{k.loc[kk, 'low']:+.3f}, "
            f"{k.loc[kk, 'high']:+.3f}] {{{k.loc[kk, 'band_low']:+.3f}, "
            f"{k.loc[kk, 'band_high']:+.3f}}}"
            for kk in (-24, -12, -10, -8, -6, -2, 0, 3, 6, 12, 24)
        )
    )
    leads = k.loc[-24:-2]
    outside = leads[(leads["band_low"] > 0) | (leads["band_high"] < 0)].index.tolist()
    print(f"leads whose uniform band excludes zero: {outside}")
    lags = k.loc[0:]
    outside = lags[(lags["band_low"] > 0) | (lags["band_high"] < 0)].index.tolist()
    print(f"lags whose uniform band excludes zero: {outside}")
    for note in main_run.notes:
        print(f"note: {note}")
    print(f"\nwrote {main_run.save_chart(args.chart)}")


if __name__ == "__main__":
    main()
