"""``minusma calibrate``: fit the calibrated model on events and test it out of time."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minusma.cli.options import (
    BOOT_MAX,
    ISO_DATE,
    MATCH_KM,
    SEED,
    BoundedInt,
    OutFile,
    exposure_options_except,
    exposure_params,
    study_options,
)


@click.command("calibrate")
@click.option(
    "--events",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Events file (shipped schema, ACLED export or UCDP GED); default: the shipped table.",
)
@click.option(
    "--from", "fit_from", type=ISO_DATE, default=None, help="Indicators' date of the fit."
)
@click.option(
    "--until", type=ISO_DATE, default=None, help="End of the fit's outcomes; the test starts after."
)
@click.option("--to", "to_date", type=ISO_DATE, default=None, help="End of the test's outcomes.")
@click.option(
    "--match-km", type=MATCH_KM, default=None, help="Event-to-place match radius (10 km)."
)
@click.option(
    "--boot",
    "n_boot",
    type=BoundedInt(100, BOOT_MAX, "a number of bootstrap draws"),
    default=1000,
    show_default=True,
)
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option(
    "--out",
    type=OutFile((".json",)),
    required=True,
    help="Write the model (weights, decay scale, windows, checksum, test figures) here.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@exposure_options_except("as_of", "model")
@study_options(places=True)
def calibrate(
    events, fit_from, until, to_date, match_km, n_boot, seed, out, fmt, study, **exposure
):
    """Fit indicator weights and the decay scale on events; report the out-of-time test beside the
    hand-set model and the baselines (figures on the fit window are labelled in-sample)."""
    options = {"match_km": match_km} if match_km is not None else {}
    model, report = study.calibrate(
        exposure_params(as_of=None, **exposure),
        events=events,
        fit_from=fit_from,
        until=until,
        to_date=to_date,
        n_boot=n_boot,
        seed=seed,
        **options,
    )
    written = model.save(out)
    if fmt == "json":
        click.echo(json.dumps({"model": model.to_dict(), **report}, indent=1, default=str))
    else:
        click.echo(f"model written to {written}: decay scale {model.decay_scale_km:g} km")
        for name, w in model.weights().items():
            click.echo(f"  {name:<26} {w:+.3f} per unit")
        for label in ("out_of_sample", "in_sample"):
            part = report[label]
            click.echo(
                f"{part['sample']} ({part['window'][0]} to {part['window'][1]}, "
                f"{part['n_positive']} places with events of {part['n_places']}):"
            )
            for row in part["table"]:
                diff = row.get("diff_auc")
                extra = (
                    f"  calibrated - this: {diff:+.2f} [{row['diff_auc_low']:+.2f}, "
                    f"{row['diff_auc_high']:+.2f}]"
                    if diff == diff and diff is not None
                    else ""
                )
                click.echo(
                    f"  {row['name']:<28} AUC {row['auc']:.2f} [{row['auc_low']:.2f}, "
                    f"{row['auc_high']:.2f}]  AP {row['ap']:.2f}{extra}"
                )
