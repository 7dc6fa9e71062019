"""``minusma plan``: which K sites, kept open, would have protected the most people?"""

from __future__ import annotations

import json

import click

from minusma.cli.options import (
    exposure_options_except,
    exposure_params,
    format_option,
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
@format_option("table", "json")
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
    from minusma.geo.i18n import term, text
    from minusma.layers.plan import CAVEATS
    from minusma.output import current_headers, number, table_text

    lang = current_headers().lang
    click.echo(
        text(
            "plan.title",
            lang,
            keep=keep_count,
            objective=text(f"plan.objective.{objective}", lang),
            radius_km=format(params.radius_km, "g"),
            unit=term("plan.unit", answer.unit, lang),
        )
    )
    click.echo(table_text(answer.table, "plan"))
    single = answer.singles.idxmax() if objective == "covered" else answer.singles.idxmin()
    value = number(answer.singles[single], ",.0f")
    click.echo(text("plan.best_single", lang, site=single, value=value))
    for key, said in answer.notes.items():
        note_words = term("plan.search", said, lang)
        click.echo(text("plan.note", lang, name=term("plan.note", key, lang), value=note_words))
    click.echo(text("plan.caveats", lang))
    codes = {words: code for code, words in CAVEATS.items()}
    for caveat in answer.caveats:
        click.echo(
            text(
                "plan.caveat_line",
                lang,
                caveat=term("plan.caveat", codes.get(caveat, caveat), lang),
            )
        )
