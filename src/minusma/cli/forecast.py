"""``minusma forecast``: events per unit over the next months from an event history."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minusma.cli.options import OutFile, data_dir_option, format_option, lang_option, note
from minusma.unit_kinds import UNITS

#: The units of a forecast (:mod:`minusma.unit_kinds`: names only, so --help stays cheap).
UNIT_CHOICES = UNITS
#: Columns printed by ``--format table``.
TABLE_COLUMNS = ("rank", "unit_id", "unit_name", "predicted", "range", "class", "why")


def history_options(func):
    """Options shared by ``forecast`` and ``backtest``: the history, its units and its country."""
    for option in reversed(
        [
            click.option(
                "--history",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=None,
                help="Event history: ACLED export, UCDP GED CSV/GeoJSON, ACLED's HDX admin-2 or "
                "admin-1 x month file (CSV/XLSX), or unit_id,month,events CSV. Default: the "
                "shipped 64 events (thin).",
            ),
            click.option(
                "--unit",
                type=click.Choice(UNIT_CHOICES),
                default="cercle",
                show_default=True,
                help="Unit of analysis (OCHA COD units and settlements need --data; grid = "
                "PRIO-GRID 0.5° cells).",
            ),
            click.option(
                "--horizon",
                "horizon_months",
                type=click.IntRange(1, 60),
                default=12,
                show_default=True,
                help="Months forecast.",
            ),
            click.option(
                "--country",
                default="Mali",
                show_default=True,
                help="Country of the events; ANY for another country's (grid cells over the "
                "events' bounds).",
            ),
            click.option(
                "--mission",
                default=None,
                help="Geo-PKO mission whose sites give the protection features (default MINUSMA "
                "in Mali).",
            ),
            data_dir_option,
            click.option(
                "--protection-shape",
                "protection_shape",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=None,
                help="JSON of `minusma effect --format json`: protection features shaped by the "
                "estimated effect of each site's opening and closing (default: the radius rule "
                "only).",
            ),
        ]
    ):
        func = option(func)
    return func


def make_study(data_dir):
    """The command's Study (the data directory by the Study's one rule)."""
    from minusma.cli.options import make_study as study_of

    return study_of(data_dir=data_dir)


def country_of(country: str) -> str | None:
    """``--country``: ANY means another country than Mali (None to the library)."""
    return None if country.upper() == "ANY" else country


def _table(frame) -> str:
    shown = frame.drop(columns="geometry").copy()
    shown["predicted"] = shown["predicted_events"].map(lambda v: f"{v:.1f}")
    shown["range"] = [
        f"{lo:.0f}-{hi:.0f}" for lo, hi in zip(shown["predicted_low"], shown["predicted_high"])
    ]
    return shown[list(TABLE_COLUMNS)].to_string(index=False)


def render(frame, fmt: str) -> str:
    """The forecast in a format (table, csv, json, geojson)."""
    from minusma.output import render as render_frame

    meta = {k: v for k, v in frame.attrs.items() if k != "backtest"}
    if fmt == "geojson":  # the file carries how it was made: metadata beside the features
        from minusma.geo import io

        fc = io.feature_collection(frame, id_column="unit_id", metadata=meta)
        return json.dumps(fc, ensure_ascii=False) + "\n"
    extra = {**meta, "backtest": frame.attrs.get("backtest")}
    return render_frame(frame, fmt, table=_table, key="units", extra=extra)


@click.command("forecast")
@history_options
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="Forecast from this month (YYYY-MM or a date) using the months before it. Default: the "
    "month after the history ends.",
)
@click.option(
    "--model",
    default="auto",
    show_default=True,
    help="auto (best pooled backtest on this history), persistence, history, decayed, inform, "
    "glm, gbm, or a FILE saved with --save-model.",
)
@click.option(
    "--save-model",
    "save_model",
    type=OutFile(),
    default=None,
    help="Write the fitted model as JSON (coefficients, features, training span; not gbm).",
)
@format_option("table", "csv", "json", "geojson")
@click.option("--out", type=OutFile(), default=None, help="Write to this file instead of stdout.")
@lang_option
def forecast(
    history,
    unit,
    horizon_months,
    country,
    mission,
    data_dir,
    protection_shape,
    as_of,
    model,
    save_model,
    fmt,
    out,
    lang,
):
    """Expected events per unit over the next --horizon months, ranked, with why.

    Without --history the shipped 64 events are used, and the command says how thin they are.
    """
    from minusma.geo.io import atomic_path

    frame = make_study(data_dir).forecast(
        history,
        unit=unit,
        as_of=as_of,
        horizon_months=horizon_months,
        model=model,
        lang=lang,
        country=country_of(country),
        mission=mission,
        protection_shape=protection_shape,
        save_model=save_model,
    )
    for line in frame.attrs["statement"]:
        note(line)
    text = render(frame, fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    with atomic_path(out) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    note(f"wrote {out}")
