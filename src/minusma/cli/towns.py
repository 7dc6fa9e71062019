"""``minusma towns``: the ranked towns with the reasons for their exposure."""

from __future__ import annotations

import warnings

import click

from minusma.cli.options import (
    echo_data_gaps,
    echo_study,
    exposure_options,
    exposure_params,
    format_option,
    lang_option,
    study_options,
)

COLUMNS = [
    "exposure_rank",
    "town_id",
    "name",
    "exposure_score",
    "exposure_class",
    "data_gap",
    "reasons",
]
ROBUST_COLUMNS = ["rank_min", "rank_max", "uncertain"]


@click.command("towns")
@click.option(
    "--top", type=click.IntRange(min=1), default=None, help="Only the N most exposed towns."
)
@exposure_options
@format_option("table", "csv", "json")
@click.option(
    "--robustness/--no-robustness",
    default=None,
    help="Re-rank over 64 variants of radius, weights, aggregation and season and show each town's "
    "rank range and whether its class is uncertain (default: on for towns, off for settlements).",
)
@study_options(places=True)
@lang_option
def towns(top, fmt, robustness, study, lang, **model) -> None:
    """Rank the towns by exposure after the MINUSMA withdrawal, with reasons.

    With a data directory (--data DIR, or $MINUSMA_DATA), the road network, the Niger and (with
    --places settlements) the places come from its open datasets; without one, from the shipped
    layers. Every command uses the same rule, so a town gets the same class here, on the map and
    in the export.
    """
    from minusma.geo.speeds import UnknownSpeedWarning
    from minusma.output import render

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownSpeedWarning)
        out = study.assess(
            exposure_params(**model),
            robustness=(study.places == "towns") if robustness is None else robustness,
        )
    # the season's gaps are also in attrs (a context cached earlier in this process warns no more)
    echo_data_gaps([*out.attrs.get("data_gaps", []), *caught])
    if study.places == "settlements":
        out = out.assign(town_id=out["settlement_id"])
    if lang != "en":  # the reasons in the language (structured, rendered per language)
        out = out.assign(reasons=study.reasons(out, lang))
    frame = out[COLUMNS + [c for c in ROBUST_COLUMNS if c in out.columns]]
    if top:
        frame = frame[frame["exposure_rank"].notna()].head(top)
    frame.attrs = {"parameters": out.attrs["parameters"]}
    if fmt == "table":
        echo_study(study, out)
    click.echo(render(frame, fmt, table="towns", key="towns", lang=lang), nl=False)
