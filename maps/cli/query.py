"""``minusma query``: nearest features, features within a distance, and road routes, from the shell."""

from __future__ import annotations

import json
import warnings

import click

TARGETS = ("bases", "towns", "airports")


def _place(name: str):
    """The town row matching ``name`` by id, name, ASCII name or alternative name (accents, case and
    punctuation ignored); a BadParameter with close matches otherwise."""
    import difflib

    import layers as L
    from geo.names import name_key

    towns = L.towns()
    key = name_key(name)
    keys: dict[str, int] = {}
    for pos, row in enumerate(towns.itertuples(index=False)):
        alts = row.alt_names.split(";") if isinstance(row.alt_names, str) else []
        for value in (row.town_id, row.name, row.name_ascii, *alts):
            keys.setdefault(name_key(value), pos)
    if key in keys:
        return towns.iloc[[keys[key]]]
    close = difflib.get_close_matches(key, list(keys), n=6, cutoff=0.75)
    names = list(dict.fromkeys(towns.iloc[keys[c]]["name"] for c in close))[:3]
    hint = " or ".join(repr(n) for n in names) if names else "'Diré' or 'ml-dire'"
    raise click.BadParameter(
        f"no town named {name!r}; did you mean {hint}? (names and ids of the towns layer)"
    )


def _targets(kind: str, as_of: str | None):
    import layers as L

    if kind == "bases":
        return L.bases(as_of=as_of), "base_id"
    if kind == "airports":
        return L.airports(), "icao"
    return L.towns(), "town_id"


@click.group("query")
def query() -> None:
    """Answer nearest / within / route questions about the layers."""


@query.command("nearest")
@click.argument("town")
@click.option("--to", "kind", type=click.Choice(TARGETS), default="bases", show_default=True)
@click.option(
    "--as-of", "as_of", default=None, metavar="DATE", help="Only bases open on this date."
)
def nearest_cmd(town: str, kind: str, as_of: str | None) -> None:
    """Nearest base, town or airport to TOWN (geodesic km)."""
    from geo.exposure.coverage import nearest

    place = _place(town)
    targets, id_col = _targets(kind, as_of)
    if kind == "towns":
        targets = targets[targets["town_id"] != place["town_id"].iloc[0]]
    got = nearest(place, targets, id_column=id_col).iloc[0]
    click.echo(
        json.dumps(
            {
                "town": place["town_id"].iloc[0],
                "nearest": got["nearest_id"],
                "distance_km": None
                if got["nearest_id"] is None
                else round(float(got["distance_km"]), 3),
            },
            ensure_ascii=False,
        )
    )


@query.command("within")
@click.argument("town")
@click.argument("radius_km", type=float)
@click.option("--to", "kind", type=click.Choice(TARGETS), default="bases", show_default=True)
@click.option(
    "--as-of", "as_of", default=None, metavar="DATE", help="Only bases open on this date."
)
def within_cmd(town: str, radius_km: float, kind: str, as_of: str | None) -> None:
    """Bases, towns or airports within RADIUS_KM of TOWN (geodesic), nearest first."""
    from geo.exposure.coverage import within_km

    place = _place(town)
    targets, id_col = _targets(kind, as_of)
    if kind == "towns":
        targets = targets[targets["town_id"] != place["town_id"].iloc[0]]
    pairs = within_km(place, targets, radius_km, id_column=id_col)
    names = targets.set_index(id_col)["name"]
    click.echo("id\tname\tdistance_km")
    for row in pairs.itertuples():
        click.echo(f"{row.target_id}\t{names.get(row.target_id, '')}\t{row.distance_km:.3f}")


@query.command("route")
@click.argument("origin")
@click.argument("destination")
@click.option("--season", type=click.Choice(["dry", "wet"]), default="dry", show_default=True)
@click.option(
    "--by", "weight", type=click.Choice(["length", "time"]), default="length", show_default=True
)
@click.option(
    "--close-road",
    "close_roads",
    multiple=True,
    metavar="SEGMENT",
    help="Cut this segment (repeatable).",
)
def route_cmd(
    origin: str, destination: str, season: str, weight: str, close_roads: tuple[str, ...]
) -> None:
    """Road route from ORIGIN to DESTINATION: segments, length (km) and time (h; null when unknown)."""
    from geo.exposure.assess import resolve_edges
    from geo.network import route
    from geo.speeds import UnknownSpeedWarning
    from layers.assessment import context
    from maps.cli.options import echo_data_gaps

    ctx = context()
    a, b = _place(origin), _place(destination)
    pos = ctx.places.reset_index(drop=True)
    na, nb = (
        int(ctx.place_nodes[pos.index[pos["town_id"] == p["town_id"].iloc[0]][0]]) for p in (a, b)
    )
    for name, node in ((origin, na), (destination, nb)):
        if node < 0:
            raise click.ClickException(
                f"{name} is not on the road layer (no mapped road within "
                f"{ctx.params.max_snap_km} km): its road route is unknown"
            )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownSpeedWarning)
        graph = ctx.timed_graph(season)
    echo_data_gaps([*ctx.time_warnings(season), *caught])
    removed = resolve_edges(graph, close_roads)
    r = route(
        graph,
        na,
        nb,
        weight="length_km" if weight == "length" else "travel_h",
        removed_edge_ids=removed,
    )
    labels = ctx.labels
    travel_h = None
    if r.reachable:
        lower = (
            float(graph.weights("travel_h_lower")[graph.edge_positions(list(r.edge_ids))].sum())
            if r.edge_ids
            else 0.0
        )
        travel_h = (
            None
            if r.travel_h is None or r.travel_h != r.travel_h or abs(lower - r.travel_h) > 1e-9
            else round(r.travel_h, 3)
        )
    click.echo(
        json.dumps(
            {
                "origin": a["town_id"].iloc[0],
                "destination": b["town_id"].iloc[0],
                "reachable": r.reachable,
                "length_km": round(r.length_km, 3) if r.reachable else None,
                "travel_h": travel_h,
                "segments": [labels.get(e, e) for e in r.edge_ids],
                "segment_ids": list(r.edge_ids),
                "season": season,
            },
            ensure_ascii=False,
        )
    )
