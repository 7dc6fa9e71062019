"""``minusma backtest``: rolling-origin backtest of the forecast models on an event history."""

from __future__ import annotations

import json

import click

from minusma.cli.forecast import country_of, history_options, make_study
from minusma.cli.options import OutFile, format_option, note

#: Pooled figures of ``--format json`` entries, in order.
JSON_FIELDS = (
    "name",
    "spearman",
    "spearman_low",
    "spearman_high",
    "auc_top_third",
    "auc_top_third_low",
    "auc_top_third_high",
    "auc_any",
    "deviance",
    "precision_at_k",
    "n_units",
    "n_origins",
)


def _interval(frame, metric: str) -> list[str]:
    return [
        "" if v != v else f"{v:.2f} [{lo:.2f}, {hi:.2f}]"
        for v, lo, hi in zip(frame[metric], frame[f"{metric}_low"], frame[f"{metric}_high"])
    ]


def table(result) -> str:
    """Pooled, per-origin and comparison tables as text."""
    pooled = result.pooled
    shown = pooled[["name", "kind"]].copy()
    for metric in ("spearman", "auc_top_third", "auc_any", "deviance", "precision_at_k"):
        shown[metric] = _interval(pooled, metric)
    shown["sd_origins"] = pooled["spearman_sd_origins"].map(lambda v: f"{v:.2f}")
    per = result.per_origin[["origin", "name"]].copy()
    for metric in ("spearman", "auc_top_third", "deviance"):
        per[metric] = _interval(result.per_origin, metric)
    comp = result.comparisons
    comp = comp[comp["metric"].isin(["spearman", "auc_top_third", "deviance"])].copy()
    comp["difference"] = [
        f"{d:+.2f} [{lo:+.2f}, {hi:+.2f}]"
        for d, lo, hi in zip(comp["difference"], comp["low"], comp["high"])
    ]
    head = (
        f"backtest: {len(result.origins)} origins {result.origins[0]} to {result.origins[-1]}, "
        f"horizon {result.horizon_months} months, out of sample; [95 % bootstrap over units]; "
        f"precision in the top {result.k}"
    )
    return (
        "\n\n".join(
            [
                head,
                "pooled (mean over origins)\n" + shown.to_string(index=False),
                "learned vs baseline (deviance: baseline minus learned; > 0 favours learned)\n"
                + comp[["learned", "baseline", "metric", "difference", "beats"]].to_string(
                    index=False
                ),
                "per origin\n" + per.to_string(index=False),
            ]
        )
        + "\n"
    )


def render(result, fmt: str) -> str:
    """The backtest in a format (table, json, csv)."""
    if fmt == "table":
        return table(result)
    if fmt == "csv":
        pooled = result.pooled.assign(origin="pooled")
        frame = (
            pooled[["origin", *pooled.columns.drop("origin")]]
            .drop(columns=["label", "kind", "counts"])
            .reindex(columns=["origin", *result.per_origin.columns.drop("origin"), "n_origins"])
        )
        both = [frame, result.per_origin.assign(n_origins=1)]
        import pandas as pd

        from minusma.output import csv_text

        return csv_text(pd.concat(both, ignore_index=True))
    entries = json.loads(result.pooled.to_json(orient="records"))
    payload = {
        "horizon_months": result.horizon_months,
        "origins": result.origins,
        "pooled": [
            {
                **{k: e[k] for k in JSON_FIELDS},
                **{k: v for k, v in e.items() if k not in JSON_FIELDS},
            }
            for e in entries
        ],
        "comparisons": json.loads(result.comparisons.to_json(orient="records")),
        "per_origin": json.loads(result.per_origin.to_json(orient="records")),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


@click.command("backtest")
@history_options
@click.option("--from", "from_month", default=None, help="First origin (YYYY-MM).")
@click.option("--to", "to_month", default=None, help="Last origin (YYYY-MM).")
@click.option(
    "--every",
    "every_months",
    type=click.IntRange(1, 120),
    default=12,
    show_default=True,
    help="Months between origins.",
)
@format_option("table", "json", "csv")
@click.option("--chart", type=OutFile(), default=None, help="Also draw per-origin Spearman (PNG).")
def backtest(
    history,
    unit,
    horizon_months,
    country,
    mission,
    data_dir,
    protection_shape,
    from_month,
    to_month,
    every_months,
    fmt,
    chart,
):
    """Score every model at rolling origins, fitting only on months before each origin."""
    from minusma.forecasting import backtest_chart

    result = make_study(data_dir).backtest(
        history,
        unit=unit,
        horizon_months=horizon_months,
        from_month=from_month,
        to_month=to_month,
        every_months=every_months,
        country=country_of(country),
        mission=mission,
        protection_shape=protection_shape,
    )
    note(f"history: {result.history}")
    click.echo(render(result, fmt), nl=False)
    if chart is not None:
        backtest_chart(result, chart)
        note(f"wrote {chart}")
