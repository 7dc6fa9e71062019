"""``minusma scenarios``: a batch of what-ifs (each site closed alone, or K kept) in one table."""

from __future__ import annotations

import json

import click

from minusma.cli.options import (
    JOBS,
    OutFile,
    exposure_options,
    exposure_params,
    format_option,
    study_options,
)


@click.command("scenarios")
@click.option(
    "--close-each",
    is_flag=True,
    help="Close each site alone on a date when all were open (--as-of; default: the day before "
    "the first closure, 2023-08-02).",
)
@click.option(
    "--keep-k",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="Keep every combination of K sites open after the withdrawal (--as-of; default after "
    "the last closure), or a seeded sample of --max-scenarios of them.",
)
@click.option(
    "--max-scenarios",
    type=click.IntRange(min=1),
    default=None,
    help="Most combinations run with --keep-k before sampling (default 500).",
)
@click.option(
    "--june-2023-count",
    is_flag=True,
    help="Only the 11 sites of the June 2023 count (without Ogossagou and the Bamako HQ).",
)
@exposure_options
@format_option("table", "csv", "json")
@click.option(
    "--per-place",
    type=OutFile(),
    default=None,
    help="Also write the exposure class of every place in every scenario to this CSV file.",
)
@click.option(
    "--jobs",
    type=JOBS,
    default=None,
    help="Parallel worker processes (-1: every core; 1: in this process). Default: auto "
    "(geo.exposure.batch.DEFAULT_N_JOBS): in this process until the scenarios left would take "
    "geo.exposure.batch.AUTO_PARALLEL_MIN_S seconds or more one after the other, then on a "
    "process per core if memory allows.",
)
@study_options(places=True)
def scenarios(
    close_each, keep_k, max_scenarios, june_2023_count, fmt, per_place, jobs, study, **model
) -> None:
    """Run many what-if scenarios in parallel: one row of figures per scenario.

    Figures: places by exposure class, people in them (census population; places without a
    figure counted apart, never as zero), places and people within the radius of an open site.
    The first row is the reference (nothing closed, or nothing kept). Progress goes to stderr
    (silent with minusma -q).
    """
    from minusma.geo.io import write_table_csv
    from minusma.output import csv_text, table_text

    if close_each == (keep_k is not None):
        raise click.UsageError("choose one of --close-each or --keep-k K")
    params = exposure_params(**model)
    quiet = click.get_current_context().find_root().params.get("quiet", 0)
    result = study.scenarios(
        params,
        close_each=close_each,
        keep_k=keep_k,
        june_2023_count=june_2023_count,
        max_scenarios=max_scenarios,
        per_place=per_place is not None,
        n_jobs=jobs,
        progress=not quiet,
    )
    table = result.summary
    if per_place is not None:
        write_table_csv(result.classes, per_place, index=True)
        click.echo(f"wrote {per_place}", err=True)
    if fmt == "json":
        records = json.loads(table.reset_index().to_json(orient="records", force_ascii=False))
        click.echo(
            json.dumps(
                {"parameters": params.to_dict(), "places": study.places, "scenarios": records},
                ensure_ascii=False,
                indent=1,
            )
        )
    elif fmt == "csv":
        click.echo(csv_text(table, index=True), nl=False)
    else:
        from minusma.geo.i18n import term, text
        from minusma.output import current_headers

        lang = current_headers().lang
        as_of = table["as_of"].iloc[0] or text("scenarios.last_closure", lang)
        said = text(
            "scenarios.note",
            lang,
            n=len(table),
            places=table["places"].iloc[0],
            kind=term("places", study.places, lang),
            radius_km=format(params.radius_km, "g"),
            as_of=as_of,
        )
        click.echo(said, err=True)
        click.echo(table_text(table, "scenarios"))
