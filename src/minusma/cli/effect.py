"""``minusma effect``: how violence changed where sites opened or closed (an event study)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minusma.cli.options import KM, BoundedInt, OutFile, data_dir_option, format_option, note


def _table(report) -> str:
    pooled = report.pooled()
    lines = [
        (
            f"{report.unit} units: {report.n_units}; events: {report.n_events}; "
            f"span {report.span[0]}..{report.span[1]}; sites within {report.radius_km:g} km; "
            f"window +/-{report.window_months} months"
        ),
        "",
        (
            "pooled change in events per unit and month, months 0.."
            f"{report.window_months} after the switch:"
        ),
        pooled.round(4).fillna("").to_string(index=False),
        "",
        (
            "by event time (all events): low..high the pointwise 95 % interval, band_low.."
            "band_high the uniform band holding every event time at once"
        ),
    ]
    table = report.table()
    table = table[table["outcome"] == table["outcome"].iloc[0]] if len(table) else table
    lines.append(table.drop(columns="outcome").round(4).to_string(index=False))
    return "\n".join(lines)


@click.command("effect")
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Events: ACLED export, UCDP GED CSV/GeoJSON (default: the shipped Mali events); with "
    "admin units, an HDX admin x month aggregate.",
)
@click.option(
    "--sites",
    "sites_source",
    default="geopko",
    show_default=True,
    help="geopko (needs --data), shipped, or a CSV (site_id, name, lat, lon, opened, closed).",
)
@click.option(
    "--min-troops",
    "min_troops",
    type=click.FloatRange(min=0),
    default=None,
    help="Geo-PKO: only site periods with at least this many troops (1: troop sites).",
)
@click.option("--mission", default=None, help="Mission acronym (MINUSMA).")
@click.option("--country", default=None, help="ISO3 code (MLI, CAF) or name in the events file.")
@click.option(
    "--unit",
    type=click.Choice(["grid", "sites", "cercle", "commune"]),
    default=None,
    help="PRIO-GRID 0.5° cells (default), rings of --radius-km around each site, or Mali's "
    "cercles or communes (needs --data).",
)
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Admin units of any country: a GeoJSON/GeoPackage of polygons with an id (P-code) and "
    "a name column. With them --history may be ACLED's HDX admin-2 x month table.",
)
@click.option("--units-id", default=None, help="Id column of --units (default: ADM2_PCODE...).")
@click.option("--units-name", default=None, help="Name column of --units (default: ADM2_EN...).")
@click.option("--radius-km", "radius_km", type=KM, default=None, help="Protection radius (50).")
@click.option(
    "--window",
    "window_months",
    type=BoundedInt(1, 240, "months"),
    default=None,
    help="Months either side of the switch (24).",
)
@click.option("--from", "from_month", default=None, help="First month of the history (YYYY-MM).")
@click.option("--to", "to_month", default=None, help="Last month of the history (YYYY-MM).")
@click.option(
    "--cluster",
    type=click.Choice(["unit", "site"]),
    default="unit",
    show_default=True,
    help="Cluster the intervals by unit, or by the nearest site (neighbouring cells share shocks).",
)
@click.option("--by", type=click.Choice(["type"]), default=None, help="Also each event type.")
@click.option(
    "--placebo-draws",
    type=BoundedInt(0, 100_000, "shuffles"),
    default=None,
    help="Shuffles of the switch months for the placebo (199).",
)
@click.option(
    "--chart",
    type=OutFile((".svg", ".png")),
    default=None,
    help="Write the event-study plot (.svg or .png).",
)
@format_option("table", "json", "csv")
@data_dir_option
def effect(
    history,
    sites_source,
    min_troops,
    mission,
    country,
    unit,
    units_file,
    units_id,
    units_name,
    radius_km,
    window_months,
    from_month,
    to_month,
    cluster,
    by,
    placebo_draws,
    chart,
    fmt,
    data_dir,
) -> None:
    """Event study: the change in events per unit and month after a site within --radius-km
    opened or closed, against units not (yet) switched (Callaway & Sant'Anna), with intervals
    clustered by unit, a uniform band over event times, a pre-trend test and a placebo."""
    from minusma.study import Study

    if (from_month is None) != (to_month is None):
        raise click.BadParameter("give both --from and --to, or neither", param_hint="--from")
    options = {
        "radius_km": radius_km,
        "window_months": window_months,
        "placebo_draws": placebo_draws,
        "min_troops": min_troops,
    }
    report = Study(data_dir).effect(
        history=history,
        sites=sites_source,
        mission=mission,
        country=country,
        unit=unit,
        units=units_file,
        units_id=units_id,
        units_name=units_name,
        span=(from_month, to_month) if from_month else None,
        by_type=by == "type",
        cluster=cluster,
        **{k: v for k, v in options.items() if v is not None},
    )
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    elif fmt == "csv":
        from minusma.output import csv_text

        click.echo(csv_text(report.table(), float_format="%.6f"), nl=False)
    else:
        click.echo(_table(report))
    for line in report.notes:
        note(f"note: {line}")
    if chart is not None:
        note(f"wrote {report.save_chart(chart)}")
