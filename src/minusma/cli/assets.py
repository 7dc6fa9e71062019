"""``minusma assets``: fill the local cache of the JS/CSS/font files that maps load from CDNs."""

from __future__ import annotations

from pathlib import Path

import click

from minusma.cli.options import RETRIES, SECONDS, URL, WritableDir


@click.command("assets")
@click.option(
    "--cache",
    "cache_dir",
    type=WritableDir(),
    default=None,
    help="Cache folder [default: $MINUSMA_ASSET_CACHE or ~/.cache/minusma/assets].",
)
@click.option(
    "--registry",
    "registry_url",
    type=URL,
    default=None,
    help="npm registry or mirror to download from [default: $MINUSMA_NPM_REGISTRY or "
    "registry.npmjs.org].",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help="Socket timeout per request, in seconds.",
)
@click.option(
    "--retries",
    type=RETRIES,
    default=2,
    show_default=True,
    help="Further attempts after a network error.",
)
def assets(
    cache_dir: Path | None, registry_url: str | None, timeout_s: float, retries: int
) -> None:
    """Download, verify (sha512) and unpack the npm packages behind folium's CDN URLs.

    Writes one line per verified package to stdout: NAME@VERSION, integrity, folder.
    Already cached packages are checked file by file against the sha256 recorded when they were
    unpacked, not downloaded again; a package with a changed file is reported and downloaded again.
    """
    from minusma.maps import assets as _assets

    for pkg in _assets.fill_cache(
        cache_dir, registry_url=registry_url, timeout_s=timeout_s, retries=retries
    ):
        state = "downloaded" if pkg.downloaded else "cached"
        if pkg.tampered:
            state = "refilled"
            click.echo(
                f"{pkg.name}@{pkg.version}: {', '.join(pkg.tampered)} did not match the hashes "
                "recorded when it was verified; downloaded the package again",
                err=True,
            )
        click.echo(f"{pkg.name}@{pkg.version}\t{pkg.integrity}\t{state}\t{pkg.path}")
