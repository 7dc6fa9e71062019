"""Does the forecast beat persistence? The Central African Republic, on real data.

UCDP GED 23.1 events for the Central African Republic (``ucdp-ged-caf/``, Sundberg & Melander
2013; Davies, Pettersson & Öberg 2023), MINUSCA sites as periods from Geo-PKO (``geo-pko/``,
Cil, Fjelde, Hultman & Nilsson 2020), PRIO-GRID 0.5° cells over the bounding box of the located
events, the capital (Bangui) at Geo-PKO's MINUSCA Bangui location. Rolling origins every January
2016-2021, 12-month horizon, every model fitted only on months before each origin.

Run ``python scripts/car_backtest.py [DATA_DIR]``: it prints the two Markdown tables of the
README section "Does the forecast beat persistence?" (tests/test_car_backtest.py checks the
README carries exactly these tables).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from minusma import forecasting
from minusma.geo.forecast.backtest import BacktestResult

#: The backtest of record: origins, horizon, spacing.
FROM_MONTH, TO_MONTH, EVERY_MONTHS, HORIZON_MONTHS = "2016-01", "2021-01", 12, 12
HISTORY = "ucdp-ged-caf/ged231_caf.geojson"
MISSION = "MINUSCA"


def car_backtest(data_dir: str | os.PathLike) -> BacktestResult:
    """The CAR backtest (see the module docs)."""
    data_dir = Path(data_dir)
    _, table = forecasting.load_sites("geopko", mission=MISSION, data_dir=data_dir)
    bangui = table[table["name"] == "Bangui"].iloc[0]
    prepared = forecasting.prepare_history(
        data_dir / HISTORY,
        "grid",
        horizon_months=HORIZON_MONTHS,
        data_dir=data_dir,
        country=None,
        mission=MISSION,
        capital=(float(bangui["lon"]), float(bangui["lat"])),
    )
    return forecasting.backtest(
        prepared, from_month=FROM_MONTH, to_month=TO_MONTH, every_months=EVERY_MONTHS
    )


def _ci(v: float, lo: float, hi: float, signed: bool = False) -> str:
    if v != v:
        return "–"
    f = "{:+.2f}" if signed else "{:.2f}"
    return f"{f.format(v)} [{f.format(lo)}, {f.format(hi)}]"


def markdown(result: BacktestResult) -> str:
    """The pooled table and the learned-vs-baseline table, as Markdown."""
    lines = [
        (
            "| model | kind | Spearman | AUC top third | AUC any event | Poisson deviance | "
            f"precision in top {result.k} |"
        ),
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in result.pooled.iterrows():
        cells = [
            _ci(r[m], r[f"{m}_low"], r[f"{m}_high"])
            for m in ("spearman", "auc_top_third", "auc_any", "deviance", "precision_at_k")
        ]
        lines.append(f"| {r['name']} | {r['kind']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        (
            "| learned | vs baseline | Δ Spearman | Δ AUC top third | "
            "Δ deviance (baseline − learned) | beats it? |"
        ),
        "|---|---|---|---|---|---|",
    ]
    comp = result.comparisons.set_index(["learned", "baseline", "metric"])
    pairs = result.comparisons[["learned", "baseline"]].drop_duplicates()
    for learned, baseline in pairs.itertuples(index=False):
        cells, verdict = [], []
        for metric in ("spearman", "auc_top_third", "deviance"):
            if (learned, baseline, metric) not in comp.index:
                cells.append("–")
                continue
            row = comp.loc[(learned, baseline, metric)]
            cells.append(_ci(row["difference"], row["low"], row["high"], signed=True))
            if row["beats"]:
                verdict.append(f"yes on {metric.replace('_', ' ')}")
            elif row["high"] < 0:
                verdict.append(f"worse on {metric.replace('_', ' ')}")
        words = "; ".join(verdict) if verdict else "no (intervals include 0)"
        lines.append(f"| {learned} | {baseline} | " + " | ".join(cells) + f" | {words} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    data_dir = argv[1] if len(argv) > 1 else os.environ.get("MINUSMA_DATA", "../shared/data")
    result = car_backtest(data_dir)
    sys.stdout.write(
        f"origins {', '.join(result.origins)}; horizon {result.horizon_months} months; "
        f"{int(result.pooled['n_units'].max())} PRIO-GRID cells\n\n"
    )
    sys.stdout.write(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
