"""``minusma towns``: the ranked towns with the reasons for their exposure."""

from __future__ import annotations

import json

import click

COLUMNS = ["exposure_rank", "town_id", "name", "exposure_score", "exposure_class", "data_gap", "reasons"]


@click.command("towns")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the N most exposed towns.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="ISO date (2013-2024); default: after the last site closed (2024-07-22). "
                   "2023-06-30 gives the situation before the withdrawal.")
@click.option("--close", multiple=True, metavar="SITE", help="Close this base (id or town; repeatable).")
@click.option("--keep", multiple=True, metavar="SITE", help="Keep this base open (id or town; repeatable).")
@click.option("--close-road", "close_roads", multiple=True, metavar="SEGMENT",
              help="Cut this road segment (id or 'Town–Town'; repeatable).")
@click.option("--season", type=click.Choice(["dry", "wet"]), default="dry", show_default=True)
@click.option("--radius-km", type=float, default=None, help="Umbrella radius in km (default 50).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def towns(top, as_of, close, keep, close_roads, season, radius_km, fmt) -> None:
    """Rank the towns by exposure after the MINUSMA withdrawal, with reasons."""
    from geo.coverage import DEFAULT_RADIUS_KM
    from layers.assessment import assess

    out = assess(as_of, radius_km=DEFAULT_RADIUS_KM if radius_km is None else radius_km, season=season,
                 close=close, keep=keep, close_roads=close_roads)
    for message in out.attrs.get("data_gaps", []):
        click.echo(f"data gap: {message}", err=True)
    frame = out[COLUMNS]
    if top:
        frame = frame[frame["exposure_rank"].notna()].head(top)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        click.echo(json.dumps({"parameters": out.attrs["parameters"], "towns": records}, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False, float_format="%.3f"), nl=False)
    else:
        shown = frame.assign(exposure_score=frame["exposure_score"].round(2))
        click.echo(f"as of {out['as_of'].iloc[0]}, season {season}, radius {out.attrs['parameters']['radius_km']} km",
                   err=True)
        click.echo(shown.to_string(index=False, max_colwidth=120, na_rep="-"))
