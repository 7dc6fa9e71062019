"""``minusma population``: people within reach of the open MINUSMA sites, and distance surfaces."""

from __future__ import annotations

import json

import click

from minusma.cli.options import WritableDir, exposure_options, exposure_params, note, study_options

SURFACES = ("distance_to_open_site_before_km.tif", "distance_to_open_site_after_km.tif")


def _people(value: float) -> str:
    return f"{value:,.0f}"


@click.command("population")
@exposure_options
@click.option(
    "--out-dir",
    type=WritableDir(),
    default=None,
    help="Write the GeoTIFF surfaces " + " and ".join(SURFACES) + " here (created if needed).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@study_options()
def population(out_dir, fmt, study, **model) -> None:
    """People within R km of an open MINUSMA site before the withdrawal and after each closure.

    Figures come from the WorldPop raster of the data directory (cells of about 18 km: rough for
    small areas). The Bamako HQ dominates the figures while it is open; every figure is also given
    without it.
    """
    from minusma.layers.population import NODATA_KM

    report = study.population(exposure_params(**model), out_dir=out_dir, surfaces=SURFACES)
    for when in report["empty_surfaces"]:
        note(f"no site open on {when}: its distance surface is all nodata ({NODATA_KM})")
    radius_km, after, steps = report["radius_km"], report["as_of"], report["steps"]
    central, old, written = (
        report["central_regions_2023"],
        report["regions_old"],
        report["surfaces"],
    )
    if fmt == "json":
        doc = {
            "radius_km": radius_km,
            "as_of": after.isoformat(),
            "after": report["after"],
            "steps": json.loads(steps.to_json(orient="records")),
            "central_regions_2023": json.loads(
                central.reset_index().to_json(orient="records", force_ascii=False)
            ),
            "regions_old": json.loads(
                old.reset_index().to_json(orient="records", force_ascii=False)
            ),
            "surfaces": written,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    first = steps.iloc[0]
    after_people = report["after"]
    click.echo(
        f"People within {radius_km:g} km of an open MINUSMA site (WorldPop 2020, ~18 km cells: "
        "rough)"
    )
    click.echo(
        f"  before ({first['as_of']}, {first['sites_open']} sites): "
        f"{_people(first['people_within_km'])}  -- the Bamako HQ dominates; without it: "
        f"{_people(first['people_within_km_without_hq'])}"
    )
    click.echo(
        f"  after ({after.isoformat()}, {after_people['sites_open']} sites): "
        f"{_people(after_people['people_within_km'])} (without the HQ: "
        f"{_people(after_people['people_within_km_without_hq'])})"
    )
    click.echo("")
    click.echo(
        f"{'date':<10}  {'closed':<18} {'open':>4} {'people':>11} {'without HQ':>11} {'lost':>11}"
    )
    for row in steps.itertuples(index=False):
        click.echo(
            f"{row.as_of:<10}  {(row.closed if isinstance(row.closed, str) else 'before'):<18.18} "
            f"{row.sites_open:>4} {_people(row.people_within_km):>11} "
            f"{_people(row.people_within_km_without_hq):>11} "
            f"{_people(row.people_lost_since_before):>11}"
        )
    for title, table in (("2023 central regions", central), ("regions (pre-2016)", old)):
        click.echo("")
        click.echo(f"{title}: people within {radius_km:g} km before and on {after.isoformat()}")
        click.echo(
            f"{'region':<20} {'population':>11} {'before':>11} {'after':>11} {'lost':>11} "
            f"{'share':>6}"
        )
        for name, row in table.iterrows():
            click.echo(
                f"{name:<20.20} {_people(row['population']):>11} "
                f"{_people(row['people_within_km_before']):>11} "
                f"{_people(row['people_within_km_after']):>11} {_people(row['people_lost']):>11} "
                f"{row['share_lost']:>6.0%}"
            )
    for path in written:
        note(f"wrote {path}")
