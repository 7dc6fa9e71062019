"""``minusma population``: people within reach of the open MINUSMA sites, and distance surfaces."""

from __future__ import annotations

import json

import click

from minusma.cli.options import (
    WritableDir,
    exposure_options,
    exposure_params,
    format_option,
    note,
    study_options,
)

SURFACES = ("distance_to_open_site_before_km.tif", "distance_to_open_site_after_km.tif")


@click.command("population")
@exposure_options
@click.option(
    "--out-dir",
    type=WritableDir(),
    default=None,
    help="Write the GeoTIFF surfaces " + " and ".join(SURFACES) + " here (created if needed).",
)
@format_option("table", "json")
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
    from minusma.output import number, table_text

    first, after_people = steps.iloc[0], report["after"]
    people = {  # the figures of the lines above the table, as the table writes numbers
        "people_before": number(first["people_within_km"], ",.0f"),
        "people_before_without_hq": number(first["people_within_km_without_hq"], ",.0f"),
        "people_after": number(after_people["people_within_km"], ",.0f"),
        "people_after_without_hq": number(after_people["people_within_km_without_hq"], ",.0f"),
    }
    context = {
        "radius_km": format(radius_km, "g"),
        "before": first["as_of"],
        "sites_before": first["sites_open"],
        "as_of": after.isoformat(),
        "sites_after": after_people["sites_open"],
        **people,
    }
    click.echo(table_text(steps, "population_steps", context=context))
    for unit, table in (("central_2023", central), ("regions_old", old)):
        click.echo("")
        click.echo(table_text(table, "population_regions", context={**context, "unit": unit}))
    for path in written:
        note(f"wrote {path}")
