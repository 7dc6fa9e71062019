"""``minusma diff``: the places whose class changes between two dates or under a what-if."""

from __future__ import annotations

import json

import click

from minusma.cli.options import ISO_DATE, KM, SEASON, format_option, note

#: Columns shown, in order (CSV and JSON carry them all too, plus the indicators' changes).
COLUMNS = [
    "name",
    "class_a",
    "class_b",
    "rank_a",
    "rank_b",
    "exposure_score_change",
    "reasons_added",
    "reasons_removed",
]


def compare(as_of, *, radius_km, season, close, keep, close_roads, all_places=False):
    """The two assessments' :func:`geo.exposure.scenario.diff` (a = first date or baseline)."""
    from minusma.geo._errors import ParameterError
    from minusma.geo.exposure.params import ExposureParams
    from minusma.geo.exposure.scenario import diff
    from minusma.layers.assessment import assess

    base = ExposureParams.from_options(radius_km=radius_km, season=season)
    what_if = bool(close or keep or close_roads)
    scenario = base.replace(close=close, keep=keep, close_roads=close_roads)
    if len(as_of) == 2:
        pa, pb = scenario.replace(as_of=as_of[0]), scenario.replace(as_of=as_of[1])
        label = f"a = {as_of[0]}, b = {as_of[1]}"
    elif len(as_of) <= 1 and what_if:
        date = as_of[0] if as_of else None
        pa, pb = base.replace(as_of=date), scenario.replace(as_of=date)
        label = f"a = baseline, b = the what-if, at {date or 'the last closure'}"
    else:
        raise ParameterError(
            "diff needs two dates (--as-of A --as-of B) or a what-if against the baseline "
            "(--close/--keep/--close-road, with at most one --as-of)"
        )
    a, b = assess(params=pa), assess(params=pb)
    out = diff(a, b)
    out.insert(0, "name", a.set_index("town_id")["name"].reindex(out.index))
    if not all_places:
        out = out[out["class_changed"]]
    out.attrs["label"] = label
    out.attrs["parameters"] = {"a": pa.to_dict(), "b": pb.to_dict()}
    return out


@click.command("diff")
@click.option(
    "--as-of",
    "as_of",
    type=ISO_DATE,
    multiple=True,
    help="A date; give two to compare them, or one as the date of a what-if.",
)
@click.option("--radius-km", "radius_km", type=KM, default=None, help="Radius in km (50).")
@click.option("--season", type=SEASON, default=None, help="Speeds of this season (dry).")
@click.option("--close", multiple=True, metavar="SITE", help="Close this site (repeatable).")
@click.option("--keep", multiple=True, metavar="SITE", help="Keep this site open (repeatable).")
@click.option(
    "--close-road",
    "close_roads",
    multiple=True,
    metavar="SEGMENT",
    help="Cut this road segment (id or 'Town–Town'; repeatable).",
)
@click.option("--all", "all_places", is_flag=True, help="Every place, not only class changes.")
@format_option("table", "csv", "json")
def diff(as_of, fmt, all_places, **model) -> None:
    """The places whose exposure class changes, with the reasons that changed.

    Either two dates (--as-of 2023-06-30 --as-of 2024-07-22; a what-if given applies to both) or a
    what-if (--close Ber, --keep, --close-road) against the baseline on one date.
    """
    if len(as_of) > 2:
        raise click.BadParameter("give at most two dates", param_hint="--as-of")
    out = compare(as_of, all_places=all_places, **model)
    note(out.attrs["label"])
    if fmt == "csv":
        from minusma.geo.io import csv_text

        click.echo(csv_text(out, index=True), nl=False)
    elif fmt == "json":
        rows = json.loads(out.reset_index().to_json(orient="records", force_ascii=False))
        payload = {"comparison": out.attrs["label"], **out.attrs["parameters"], "places": rows}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    elif out.empty:
        click.echo("no place changes class")
    else:
        shown = out[COLUMNS].fillna("")
        click.echo(shown.to_string(max_colwidth=80))
