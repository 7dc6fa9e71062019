"""``minusma map``: the interactive HTML map (optionally self-contained) and/or a static PNG."""

from __future__ import annotations

from pathlib import Path

import click

from minusma.cli.forecast import UNIT_CHOICES
from minusma.cli.options import (
    OutFile,
    WritableDir,
    exposure_options,
    exposure_params,
    study_options,
)
from minusma.geo.i18n import DEFAULT_LANG, LANGS


@click.command("map")
@click.option(
    "--out",
    "out",
    type=OutFile((".html", ".htm")),
    default=None,
    help="Write the interactive map to this HTML file.",
)
@click.option(
    "--png",
    "png",
    type=OutFile((".png",)),
    default=None,
    help="Write a static, print-ready map to this PNG file.",
)
@click.option(
    "--offline", is_flag=True, help="One HTML file that needs no network: assets inlined, no tiles."
)
@click.option(
    "--cache",
    "cache_dir",
    type=WritableDir(),
    default=None,
    envvar="MINUSMA_ASSET_CACHE",
    show_envvar=True,
    help="Asset cache for --offline (fill it with `minusma assets`).",
)
@click.option(
    "--dpi",
    type=click.IntRange(min=50, max=600),
    default=200,
    show_default=True,
    help="PNG resolution.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=DEFAULT_LANG,
    show_default=True,
    help="Language of the map's labels, legend, popups, timeline and PNG (data stay as sourced).",
)
@click.option(
    "--history",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the forecast from this event history as a choropleth (see `minusma "
    "forecast`; HTML map only).",
)
@click.option(
    "--unit",
    type=click.Choice(UNIT_CHOICES),
    default="cercle",
    show_default=True,
    help="Units of the forecast layer (with --history).",
)
@exposure_options
@study_options()
def map(
    out: Path | None,
    png: Path | None,
    offline: bool,
    cache_dir: Path | None,
    dpi: int,
    lang: str,
    history: Path | None,
    unit: str,
    study,
    **model,
) -> None:
    """Map the withdrawal: sites, towns by exposure, regions, Niger, roads, air; time control.

    With a data directory (--data DIR, or $MINUSMA_DATA) the model runs on its open datasets, as
    for every command, and the 18,769 OCHA populated places are added, coloured by the same model.
    Prints the written paths.
    """
    if out is None and png is None:
        raise click.UsageError("give --out FILE.html, --png FILE.png, or both")
    if offline and out is None:
        raise click.UsageError(
            "--offline makes the HTML map (--out) self-contained; the PNG never uses the "
            "network: add --out FILE.html or drop --offline"
        )
    params = exposure_params(**model)
    # Both outputs are made in memory first: one that fails leaves no file written at all.
    html = image = None
    if out is not None:
        from minusma.maps.build import map_html

        if offline:
            _ensure_asset_cache(cache_dir)
        drawn = study.map(params, offline=offline, lang=lang)
        if history is not None:  # issue 17: the forecast layer
            from minusma.maps.forecast import add_forecast

            add_forecast(drawn, study.forecast(history, unit=unit, lang=lang), lang=lang)
        html = map_html(drawn, offline=offline, cache_dir=cache_dir)
    if png is not None:
        from minusma.maps.static import png_bytes

        image = png_bytes(study.static_map(params, lang=lang), dpi=dpi)
    from minusma.geo.io import atomic_path

    for path, data in ((out, html), (png, image)):
        if path is None or data is None:
            continue
        with atomic_path(path) as tmp:
            if isinstance(data, str):
                tmp.write_text(data, encoding="utf-8")
            else:
                tmp.write_bytes(data)
        click.echo(str(path))


def _ensure_asset_cache(cache_dir: Path | None) -> None:
    """Fill the asset cache once (verified npm copies) if an offline map needs it and it is
    empty."""
    from minusma.geo._errors import DataDirError
    from minusma.maps.assets import check_cache, fill_cache

    try:
        check_cache(cache_dir)
    except DataDirError:
        click.echo(
            "asset cache incomplete: downloading verified copies from the npm registry (once)",
            err=True,
        )
        fill_cache(cache_dir)
