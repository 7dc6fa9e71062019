"""``minusma towns``: the ranked towns with the reasons for their exposure."""

from __future__ import annotations

import functools
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
        out = out.assign(reasons=_reasons(out, lang, study.context))
    frame = out[COLUMNS + [c for c in ROBUST_COLUMNS if c in out.columns]]
    if top:
        frame = frame[frame["exposure_rank"].notna()].head(top)
    frame.attrs = {"parameters": out.attrs["parameters"]}
    if fmt == "table":
        echo_study(study, out)
    table = functools.partial(_table, lang=lang)
    click.echo(render(frame, fmt, table=table, key="towns"), nl=False)


def _reasons(out, lang: str, ctx):
    """The reasons of ``out`` in ``lang`` (:func:`minusma.geo.exposure.reasons.explain`)."""
    from minusma.geo.exposure.reasons import explain

    said = explain(out, air_reach_km=ctx.preparation.air_reach_km, labels=ctx.labels)
    return said.render(lang)


def _table(frame, lang: str = "en") -> str:
    """Ranked towns as readable blocks: a header line per town, then its reasons, wrapped."""
    import textwrap

    import pandas as pd

    from minusma.geo.i18n import DECIMAL, text

    def t(key: str, **fields) -> str:
        return text(f"towns.{key}", lang, **fields)

    width = 100
    lines = [
        (
            f"{t('rank'):>4}  {t('town'):<28} {t('class'):<9} {t('score'):>5}  "
            f"{t('data_gap'):<8}  {t('robustness')}"
        ),
        "-" * width,
    ]
    for row in frame.itertuples(index=False):
        rank = "-" if pd.isna(row.exposure_rank) else f"{int(row.exposure_rank)}"
        score = "-" if pd.isna(row.exposure_score) else f"{row.exposure_score:.1f}"
        score = score.replace(".", DECIMAL[lang])
        name = f"{row.name} ({row.town_id})"
        gap = text("popup.yes" if row.data_gap else "popup.no", lang)
        cls = row.exposure_class
        cls = text(f"class.{cls}", lang) if isinstance(cls, str) and cls != "unknown" else cls
        spread = ""
        if hasattr(row, "rank_min") and not pd.isna(row.rank_min):
            spread = (
                "  "
                + t("rank_range", lo=int(row.rank_min), hi=int(row.rank_max))
                + (t("uncertain") if row.uncertain else "")
            )
        lines.append(f"{rank:>4}  {name:<28.28} {cls:<9} {score:>5}  {gap:<8}{spread}")
        reasons = row.reasons if isinstance(row.reasons, str) else t("no_reasons")
        for part in reasons.split(text("reason.sep", lang)):
            lines += textwrap.wrap(
                part, width=width, initial_indent="      - ", subsequent_indent="        "
            )
    return "\n".join(lines)
