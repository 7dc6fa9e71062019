"""``minusma query``: nearest features, features within a distance, and road routes, from the shell.

A thin shell over the Study's spatial questions (:mod:`minusma.layers.query`): each command is
one library call plus formatting (:mod:`minusma.output`). Road distances and routes use the
Study's roads (the open datasets' with a data directory).
"""

from __future__ import annotations

import warnings

import click

from minusma.cli.options import (
    ISO_DATE,
    KM,
    SEASON,
    echo_data_gaps,
    format_option,
    study_options,
)

#: Mirrors :data:`layers.query.TARGETS` / ``BY`` / ``ROUTE_BY`` (not imported: building the
#: command line stays cheap; tests/test_cli_query.py checks they agree).
TARGETS = ("bases", "towns", "airports")
BY = ("geodesic", "road")
ROUTE_BY = ("distance", "time")

FORMAT = format_option("table", "csv", "json")
TO = click.option("--to", type=click.Choice(TARGETS), default="bases", show_default=True)
AS_OF = click.option(
    "--as-of", "as_of", type=ISO_DATE, default=None, help="Only bases open on this date."
)
MEASURE = click.option(
    "--by",
    type=click.Choice(BY),
    default="geodesic",
    show_default=True,
    help="Geodesic km, or km along the shipped roads.",
)
COLUMNS = ["id", "name", "distance_km"]


def _echo_found(found, fmt: str, to: str) -> None:
    from minusma.output import current_headers, render

    frame = found[COLUMNS]
    lang = current_headers().lang
    if to == "bases" and fmt == "table" and lang != "en":  # a site as people name it there
        from minusma.layers.bases import site_label

        frame = frame.assign(name=[site_label(row, lang) for row in found.to_dict("records")])
    frame.attrs = {}
    click.echo(render(frame, fmt, table="found", key="results", extra=dict(found.attrs)), nl=False)


@click.group("query")
def query() -> None:
    """Answer nearest / within / route questions about the layers (see layers.query)."""


@query.command("nearest")
@click.argument("place")
@TO
@AS_OF
@MEASURE
@click.option("-k", "k", type=click.IntRange(min=1), default=1, show_default=True, help="How many.")
@FORMAT
@study_options()
def nearest_cmd(place: str, to: str, as_of: str | None, by: str, k: int, fmt: str, study) -> None:
    """The K nearest bases, towns or airports to PLACE (a town, site or airport; not itself)."""
    _echo_found(study.nearest(place, to=to, as_of=as_of, by=by, k=k), fmt, to)


@query.command("within")
@click.argument("place")
@click.argument("radius_km", type=KM)
@TO
@AS_OF
@MEASURE
@FORMAT
@study_options()
def within_cmd(
    place: str, radius_km: float, to: str, as_of: str | None, by: str, fmt: str, study
) -> None:
    """Bases, towns or airports within RADIUS_KM of PLACE (not itself), nearest first."""
    _echo_found(study.within(place, radius_km, to=to, as_of=as_of, by=by), fmt, to)


@query.command("route")
@click.argument("origin")
@click.argument("destination")
@click.option("--season", type=SEASON, default="dry", show_default=True)
@click.option("--by", type=click.Choice(ROUTE_BY), default="distance", show_default=True)
@click.option(
    "--close-road",
    "close_roads",
    multiple=True,
    metavar="SEGMENT",
    help="Cut this segment (id or 'Town–Town'; repeatable).",
)
@FORMAT
@study_options()
def route_cmd(
    origin: str,
    destination: str,
    season: str,
    by: str,
    close_roads: tuple[str, ...],
    fmt: str,
    study,
) -> None:
    """Road route from ORIGIN to DESTINATION: segments, km and hours (unknown when a speed is)."""
    from minusma.geo.speeds import UnknownSpeedWarning
    from minusma.output import render

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownSpeedWarning)
        segs = study.route(origin, destination, by=by, season=season, close_roads=close_roads)
    attrs = segs.attrs
    echo_data_gaps([*attrs["network_gaps"], *caught, *attrs["data_gaps"]])
    table = segs.drop(columns="geometry")
    table.attrs = {}
    if fmt != "table":
        totals = {k: v for k, v in attrs.items() if k not in ("network_gaps",)}
        for key in ("length_km", "travel_h"):
            totals[key] = None if totals[key] is None else round(totals[key], 3)
        click.echo(render(table, fmt, key="segments", extra=totals), nl=False)
        return
    from minusma.geo.i18n import number_text, term, text
    from minusma.output import current_headers

    lang = current_headers().lang
    if not attrs["reachable"]:
        click.echo(
            text("route.none", lang, origin=attrs["origin"], destination=attrs["destination"])
        )
        return
    click.echo(render(table, "table", table="route"), nl=False)
    hours = attrs["travel_h"]
    click.echo(
        text(
            "route.total",
            lang,
            length_km=number_text(attrs["length_km"], lang, digits=1),
            hours=text("route.hours_unknown", lang)
            if hours is None
            else text("route.hours", lang, h=number_text(hours, lang, digits=1)),
            season=term("season", season, lang),
            by=term("route.by", by, lang),
        )
    )
