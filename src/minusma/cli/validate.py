"""``minusma validate``: how well does the exposure ranking find the places where events happened?

``--format json`` is stable (documented in docs/analysis.md)::

    {"metadata": {"window": [from, to], "match_km": .., "events_file": .., "events_checksum": ..,
                  "n_events": .., "events_matched": .., "n_places": .., "n_positive": ..,
                  "sample": "in-sample" | "out-of-sample" | "mixed", ...},
     "rankings": [{"name": .., "kind": "composite" | "dimension" | "indicator" | "baseline",
                   "auc": .., "auc_low": .., "auc_high": .., "ap": .., "ap_low": .., "ap_high": ..,
                   "precision_at": {"10": .., "25": .., "50": ..},
                   "precision_at_low": {..}, "precision_at_high": {..},
                   "recall_at": {..}, "recall_at_low": {..}, "recall_at_high": {..},
                   "n_places": .., "n_scored": .., "n_positive": ..,
                   "diff_auc": .., "diff_auc_low": .., "diff_auc_high": ..}, ...]}

Undefined figures (no positive among a ranking's scored places; the reference's own difference)
are ``null``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import click

from minusma.cli.options import (
    BOOT,
    MATCH_KM,
    SEED,
    exposure_options,
    exposure_params,
    format_option,
    study_options,
)


def _number(value):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else round(value, 6)


def rankings_json(table, ks) -> list[dict]:
    """The stable JSON form of the rankings table (one object per ranking)."""
    out = []
    for row in table.to_dict(orient="records"):
        item = {"name": row["name"], "kind": row["kind"]}
        for m in ("auc", "ap"):
            for suffix in ("", "_low", "_high"):
                item[m + suffix] = _number(row[m + suffix])
        for m in ("precision", "recall"):
            for suffix in ("", "_low", "_high"):
                item[f"{m}_at{suffix}"] = {str(k): _number(row[f"{m}_at_{k}{suffix}"]) for k in ks}
        for c in ("n_places", "n_scored", "n_positive"):
            item[c] = int(row[c])
        for c in ("diff_auc", "diff_auc_low", "diff_auc_high"):
            item[c] = _number(row[c])
        out.append(item)
    return out


@click.command("validate")
@click.option(
    "--events",
    "events_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Events CSV: an ACLED export, a UCDP GED file or the shipped schema (format read from the "
    "header). Default: the shipped table (layers/data/events.csv).",
)
@click.option("--from", "from_date", default=None, metavar="DATE", help="First day (ISO).")
@click.option("--to", "to_date", default=None, metavar="DATE", help="Last day (ISO).")
@click.option(
    "--match-km",
    type=MATCH_KM,
    default=None,
    help="A place is positive when an event lies this close (plus the event's location "
    "uncertainty). Default 10.",
)
@exposure_options
@format_option("table", "json", "csv")
@click.option(
    "--boot",
    "n_boot",
    type=BOOT,
    default=None,
    help="Bootstrap draws (default 1000; 0: no intervals).",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the draws.")
@study_options(places=True)
def validate(events_path, from_date, to_date, match_km, fmt, n_boot, seed, study, **model) -> None:
    """Test the exposure ranking against events: AUC, average precision, precision at k, with
    bootstrap intervals, for the composite, each dimension and indicator, and the baselines.

    As for every command, a data directory (--data DIR, or $MINUSMA_DATA) runs the model on its
    open datasets; --places settlements needs one.
    """
    from minusma.geo.evaluation import DEFAULT_KS, DEFAULT_MATCH_KM, DEFAULT_N_BOOT

    ks = DEFAULT_KS
    table, meta = study.validate(
        exposure_params(**model),
        events=events_path,
        from_date=from_date,
        to_date=to_date,
        match_km=DEFAULT_MATCH_KM if match_km is None else match_km,
        ks=ks,
        n_boot=DEFAULT_N_BOOT if n_boot is None else n_boot,
        seed=seed,
    )
    if fmt == "json":
        doc = {"metadata": meta, "rankings": rankings_json(table, ks)}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from minusma.output import csv_text

        click.echo(csv_text(table, float_format="%.4f"), nl=False)
    else:
        from minusma.layouts import validate_layout
        from minusma.output import table_text

        click.echo(table_text(table, validate_layout(ks), context=meta))
