"""``minusma plan``: which K sites, kept open, would have protected the most people?"""

from __future__ import annotations

import json

import click

from minusma.cli.options import (
    exposure_options_except,
    exposure_params,
    study_options,
)


@click.command("plan")
@click.option(
    "--keep",
    "keep_count",
    type=click.IntRange(min=1),
    required=True,
    metavar="K",
    help="How many sites are kept open.",
)
@click.option(
    "--objective",
    type=click.Choice(["covered", "exposed"]),
    default="covered",
    show_default=True,
    help="covered: most people within --radius-km of a kept site (MCLP); exposed: fewest people "
    "in places classed high or severe by the model.",
)
@click.option(
    "--june-2023-count",
    is_flag=True,
    help="Choose among the 11 sites of the June 2023 count (without Ogossagou and the Bamako HQ).",
)
@click.option(
    "--max-scenarios",
    type=click.IntRange(min=1),
    default=None,
    help="Most combinations searched exhaustively (default 500; beyond: MCLP / greedy only).",
)
@exposure_options_except("keep")
@study_options(places=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def plan(keep_count, objective, june_2023_count, max_scenarios, fmt, study, **model) -> None:
    """The K sites that, kept open after the withdrawal, would have protected the most people.

    People are census figures of the towns where known; with a data directory (--data DIR, or
    $MINUSMA_DATA), WorldPop cells for --objective covered, and the model runs on its open
    datasets for --objective exposed. Prints the optimum, the greedy answer, the actual
    withdrawal (the K sites that closed last) and the gain over it, with the data caveats.
    """
    params = exposure_params(keep=(), **model)
    answer = study.plan(
        params,
        keep=keep_count,
        objective=objective,
        june_2023_count=june_2023_count,
        max_scenarios=max_scenarios,
        progress=not click.get_current_context().find_root().params.get("quiet", 0),
    )
    if fmt == "json":
        table = answer.table.reset_index()
        click.echo(
            json.dumps(
                {
                    "objective": answer.objective,
                    "keep": answer.keep,
                    "unit": answer.unit,
                    "parameters": params.to_dict(),
                    "answers": json.loads(table.to_json(orient="records", force_ascii=False)),
                    "single_sites": answer.singles.to_dict(),
                    "notes": answer.notes,
                    "caveats": list(answer.caveats),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    verb = "most covered" if objective == "covered" else "fewest exposed"
    click.echo(f"{keep_count} site(s) kept, {verb}, radius {params.radius_km:g} km; {answer.unit}")
    width = max(len(s) for s in answer.table["sites"])
    for name, row in answer.table.iterrows():
        click.echo(
            f"  {name:<10} {row['sites']:<{width}}  {row['value']:>12,.0f}  "
            f"gain over actual {row['gain_over_actual']:>+12,.0f}"
        )
    single = answer.singles.idxmax() if objective == "covered" else answer.singles.idxmin()
    click.echo(f"  best single site: {single} ({answer.singles[single]:,.0f})")
    for key, value in answer.notes.items():
        click.echo(f"  {key.replace('_', ' ')}: {value}")
    click.echo("caveats:")
    for caveat in answer.caveats:
        click.echo(f"  - {caveat}")
