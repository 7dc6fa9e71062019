"""Download the datasets from their upstream publishers and convert them into the data-dir layout.

One small function per source turns the upstream file(s) into the layout file; :func:`build` picks
the converter for a dataset, downloads its inputs (cached in ``DEST/.upstream``), converts into a
temporary file, validates it against the registry schema (:func:`layers.datasets.check_file`) and
only then moves it into place.

What is and is not tested
-------------------------
There is no internet where the tests run. Each converter is tested on small files built by the tests
in the upstream *format* described below (column names, zip/shapefile layout, tab-separated GeoNames
table, CKAN JSON). The real upstream URLs, their current content and the download of large files
(the Geofabrik Mali extract is ~100 MB) are **untested**: publishers rename columns and move files,
so a conversion may fail at run time; it then fails loudly on the schema check, never silently.
Upstream checksums are unknown except for the Geo-PKO v2.3 tables (read unchanged at a pinned
commit: :data:`UPSTREAM_SHA256`), so converted outputs are checked against the registry schema
instead of a checksum; feature counts will differ from the offline copy.

The Geo-PKO monthly file is the data frame ``geopko`` of the dashboard's R workspace (``.RData``
at the pinned commit), read with :mod:`pyreadr` (optional extra ``rdata``) by :mod:`layers._rdata`.
Its bytes cannot equal the offline copy (R and pandas write CSV differently), so the output is
checked against the registry's content digest (:mod:`layers.table_digest`) and refused on
mismatch. It is tested on synthetic workspaces written by pyreadr and on one rebuilt from rows of
the offline copy; the real ``.RData`` download is **untested** (GitHub was not reachable from the
machine where it was written; its size and sha256 are unknown).

Not automated: the flownet corridors and cities (R ``.rda``): use ``minusma fetch --mirror``. The
UCDP GED conversion is tested on a GED-layout CSV rebuilt from the offline copy; the Geo-PKO v2.3
and COD-CSV downloads, on local copies of the offline files.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import ChecksumError, FetchError, SchemaError
from minusma.geo._validate import raise_problems
from minusma.geo.io import atomic_path
from minusma.layers._rdata import convert_r_table, require_reader
from minusma.layers.datasets import check_file
from minusma.layers.datasets import get as get_dataset
from minusma.layers.table_digest import table_digest

logger = logging.getLogger(__name__)

#: The Geo-PKO dashboard commit whose ``data/`` tables are the v2.3 files of the layout.
GEOPKO_COMMIT = "b6ba64e913461c8b5b9688307afdfcadbaa64162"
#: The data frame of the dashboard's R workspace (``.RData``) that is the monthly file.
GEOPKO_RDATA_OBJECT = "geopko"
#: Registry name suffix (``geopko_<name>``) -> file name in the dashboard's ``data/`` folder.
GEOPKO_FILES = {
    "annual": "FrontMap_v.2.3.csv",
    "troop_types": "TTMap_v.2.3.csv",
    "contributors": "TCCMap_v.2.3.csv",
}
#: UCDP country id of the Central African Republic (Gleditsch-Ward 482).
GED_CAF_COUNTRY_ID = 482
#: GED columns written as integers (as optgeo/ucdp-23.1-482's ``convert.rb``); the rest stay text.
GED_INT_COLUMNS = (
    "id",
    "relid",
    "year",
    "active_year",
    "type_of_violence",
    "conflict_new_id",
    "dyad_new_id",
    "side_a_new_id",
    "side_b_new_id",
    "number_of_sources",
    "where_prec",
    "priogrid_gid",
    "country_id",
    "event_clarity",
    "date_prec",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
)

#: Upstream URLs per input, module-level so that a run (or a test) can point them at a mirror.
URLS: dict[str, str] = {
    "gb_adm0": "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/MLI/ADM0/geoBoundaries-MLI-ADM0.geojson",
    "gb_adm1": "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/MLI/ADM1/geoBoundaries-MLI-ADM1.geojson",
    "gb_adm2": "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/MLI/ADM2/geoBoundaries-MLI-ADM2.geojson",
    "gb_adm3": "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/MLI/ADM3/geoBoundaries-MLI-ADM3.geojson",
    "hdx_places_api": "https://data.humdata.org/api/3/action/package_show?id=mali-settlements",
    "ne_rivers": "https://naciscdn.org/naturalearth/10m/physical/ne_10m_rivers_lake_centerlines.zip",
    "ne_lakes": "https://naciscdn.org/naturalearth/10m/physical/ne_10m_lakes.zip",
    "ne_admin0": "https://naciscdn.org/naturalearth/10m/cultural/ne_10m_admin_0_countries.zip",
    "ne_admin1": "https://naciscdn.org/naturalearth/10m/cultural/ne_10m_admin_1_states_provinces.zip",
    "ne_places": "https://naciscdn.org/naturalearth/10m/cultural/ne_10m_populated_places.zip",
    "ourairports": "https://davidmegginson.github.io/ourairports-data/airports.csv",
    "worldpop": "https://data.worldpop.org/GIS/Population/Global_2000_2020_1km/2020/MLI/mli_ppp_2020_1km_Aggregated.tif",
    "geonames_cities": "https://download.geonames.org/export/dump/cities1000.zip",
    "geonames_admin1": "https://download.geonames.org/export/dump/admin1CodesASCII.txt",
    "osm_mali": "https://download.geofabrik.de/africa/mali-latest-free.shp.zip",
    "ucdp_ged": "https://ucdp.uu.se/downloads/ged/ged231-csv.zip",
    **{
        f"geopko_{name}": (
            f"https://raw.githubusercontent.com/geopko/Geo-PKO-Shiny-Dashboard/{GEOPKO_COMMIT}/data/"
            f"{upstream_file}"
        )
        for name, upstream_file in GEOPKO_FILES.items()
    },
    "geopko_rdata": (
        f"https://raw.githubusercontent.com/geopko/Geo-PKO-Shiny-Dashboard/{GEOPKO_COMMIT}/.RData"
    ),
}

#: Known sha256 of upstream inputs, by key of :data:`URLS`. Only the Geo-PKO v2.3 tables are
#: known: they are read at a pinned commit, unchanged, so they must equal the registry's copy.
#: Every other upstream file changes.
UPSTREAM_SHA256: dict[str, str | None] = {
    f"geopko_{name}": get_dataset(f"geopko_{name}").sha256 for name in GEOPKO_FILES
}

#: Mali's bbox (lon_min, lat_min, lon_max, lat_max), as in the registry, used to select features.
MALI_BBOX = (-12.3, 10.1, 4.3, 25.1)

#: Pixel size of the coarse WorldPop grid (1/6 degree, ~18 km) and its margin around Mali's bbox.
WORLDPOP_RES_DEG = 1 / 6
WORLDPOP_MARGIN_DEG = 0.5
WORLDPOP_NODATA = -3.4e38

#: Columns of the GeoNames ``cities1000`` table (tab-separated, no header).
GEONAMES_COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "cc2",
    "admin1_code",
    "admin2_code",
    "admin3_code",
    "admin4_code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification_date",
)

#: Columns kept from the COD populated-places CSV.
COD_PLACES_COLUMNS = (
    "featureNam",
    "pcode",
    "popPlaceCl",
    "popPlace_1",
    "admin1Name",
    "admin1Pcod",
    "admin2Name",
    "admin2Pcod",
    "admin3Name",
    "admin3Pcod",
)

Fetcher = Callable[[str], Path]


def write_vector(frame: gpd.GeoDataFrame, out: Path) -> None:
    """Write ``frame`` as GeoJSON (EPSG:4326, 6 decimals) to ``out`` (a temporary path).

    Parameters
    ----------
    frame
        The features (any CRS with one set).
    out
        The file to write (a temporary path, put in place by the caller).
    """
    frame.to_crs(4326).to_file(out, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6)


def _column(frame: pd.DataFrame, name: str) -> str:
    """The column called ``name`` ignoring case (Natural Earth 4.x and 5.x differ in case)."""
    for column in frame.columns:
        if column.lower() == name.lower():
            return column
    raise SchemaError(f"upstream file has no column {name!r}; columns: {list(frame.columns)}")


def _read_zipped_shapefile(zip_path: Path, stem: str | None = None) -> gpd.GeoDataFrame:
    with zipfile.ZipFile(zip_path) as archive:
        shps = [
            n
            for n in archive.namelist()
            if n.lower().endswith(".shp") and (stem is None or Path(n).stem == stem)
        ]
    if len(shps) != 1:
        raise SchemaError(
            f"{zip_path.name}: expected one shapefile{f' {stem}' if stem else ''}, found {shps}"
        )
    return gpd.read_file(f"/vsizip/{zip_path}/{shps[0]}", engine="pyogrio")


# --- one converter per source --------------------------------------------------------------------


def convert_geoboundaries(level: int, sources: dict[int, Path], out: Path) -> None:
    """Convert geoBoundaries gbOpen MLI ADM``level`` to the COD layout columns.

    ``shapeName`` becomes ``admin{level}Name``; the names of parent levels 1..level-1 come from the
    parent polygon (``sources[p]``) holding each unit's representative point; ``admin0Name``/
    ``admin0Pcod`` are Mali's ("Mali", "ML"). geoBoundaries has no pcodes: every ``admin{n}Pcod`` is
    null.

    Parameters
    ----------
    level
        The admin level (1-3).
    sources
        The downloaded GeoJSON of each level, by level.
    out
        The file to write (a temporary path, put in place by the caller).
    """
    units = gpd.read_file(sources[level], engine="pyogrio").to_crs(4326)
    frame = gpd.GeoDataFrame(
        {"admin0Name": "Mali", "admin0Pcod": "ML"}, index=units.index, geometry=units.geometry
    )
    points = gpd.GeoDataFrame(geometry=units.geometry.representative_point(), crs=4326)
    for parent in range(1, level):
        parents = gpd.read_file(sources[parent], engine="pyogrio").to_crs(4326)[
            ["shapeName", "geometry"]
        ]
        joined = gpd.sjoin(points, parents, how="left", predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        frame[f"admin{parent}Name"] = joined["shapeName"].reindex(units.index)
        frame[f"admin{parent}Pcod"] = None
    if level > 0:
        frame[f"admin{level}Name"] = units["shapeName"]
        frame[f"admin{level}Pcod"] = None
    write_vector(frame, out)


def hdx_csv_url(package_json: Path) -> str:
    """The URL of the CSV resource in an HDX CKAN ``package_show`` answer.

    Parameters
    ----------
    package_json
        The saved answer.

    Returns
    -------
    str
        The URL of its first CSV resource.

    Raises
    ------
    FetchError
        The answer lists no CSV resource.
    """
    answer = json.loads(Path(package_json).read_text(encoding="utf-8"))
    resources = answer.get("result", {}).get("resources", [])
    urls = [r["url"] for r in resources if str(r.get("format", "")).upper() == "CSV"]
    if not urls:
        raise FetchError(
            f"HDX answer {package_json.name} lists no CSV resource (formats: "
            f"{[r.get('format') for r in resources]})"
        )
    return urls[0]


def convert_cod_places(csv_path: Path, out: Path) -> None:
    """COD populated-places CSV (``longitude``/``latitude`` WGS84) -> Points with the kept columns.

    Parameters
    ----------
    csv_path
        The downloaded CSV.
    out
        The file to write (a temporary path, put in place by the caller).

    Raises
    ------
    SchemaError
        A column is missing.
    """
    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_values=["", "NA"])
    missing = [c for c in (*COD_PLACES_COLUMNS, "longitude", "latitude") if c not in table.columns]
    if missing:
        raise SchemaError(f"{csv_path.name}: missing column(s) {missing}")
    frame = table[list(COD_PLACES_COLUMNS)].copy()
    frame["popPlaceCl"] = pd.to_numeric(frame["popPlaceCl"]).astype("int32")
    geometry = gpd.points_from_xy(
        pd.to_numeric(table["longitude"]), pd.to_numeric(table["latitude"]), crs=4326
    )
    write_vector(gpd.GeoDataFrame(frame, geometry=geometry), out)


def convert_natural_earth(
    zip_path: Path,
    out: Path,
    *,
    equals: tuple[str, str] | None = None,
    near_mali_deg: float | None = None,
) -> None:
    """A zipped Natural Earth shapefile -> the features where ``column == value`` or near Mali.

    ``near_mali_deg`` keeps whole features intersecting Mali's bbox widened by that many degrees
    (not clipped). Original columns are kept.

    Parameters
    ----------
    zip_path
        The downloaded zip.
    out
        The file to write (a temporary path, put in place by the caller).
    equals
        ``(column, value)``: keep the features whose column holds the value; None: no filter.
    near_mali_deg
        Keep the features within this many degrees of Mali's bounding box; None: no filter.
    """
    frame = _read_zipped_shapefile(zip_path).to_crs(4326)
    if equals is not None:
        column, value = equals
        frame = frame[frame[_column(frame, column)] == value]
    if near_mali_deg is not None:
        xmin, ymin, xmax, ymax = MALI_BBOX
        m = near_mali_deg
        frame = frame.iloc[
            frame.sindex.query(_box(xmin - m, ymin - m, xmax + m, ymax + m), predicate="intersects")
        ]
        frame = frame.sort_index()
    write_vector(frame.reset_index(drop=True), out)


def _box(*bounds: float):
    from shapely.geometry import box

    return box(*bounds)


def convert_ourairports(csv_path: Path, out: Path) -> None:
    """OurAirports ``airports.csv`` -> the Malian rows (``iso_country == "ML"``) as Points.

    Parameters
    ----------
    csv_path
        The downloaded ``airports.csv``.
    out
        The file to write (a temporary path, put in place by the caller).
    """
    table = pd.read_csv(csv_path, keep_default_na=False, na_values=[""])
    table = table[table["iso_country"] == "ML"].reset_index(drop=True)
    geometry = gpd.points_from_xy(table["longitude_deg"], table["latitude_deg"], crs=4326)
    write_vector(gpd.GeoDataFrame(table, geometry=geometry), out)


def convert_geonames(cities_zip: Path, admin1_txt: Path, out: Path) -> None:
    """GeoNames ``cities1000.zip`` + ``admin1CodesASCII.txt`` -> Malian places.

    The columns kept are the name, admin1, admin2 and country code.

    Parameters
    ----------
    cities_zip
        The downloaded ``cities1000.zip``.
    admin1_txt
        The downloaded ``admin1CodesASCII.txt``.
    out
        The file to write (a temporary path, put in place by the caller).
    """
    with zipfile.ZipFile(cities_zip) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".txt"))
        with archive.open(member) as fh:
            table = pd.read_csv(
                fh,
                sep="\t",
                header=None,
                names=GEONAMES_COLUMNS,
                dtype=str,
                keep_default_na=False,
                quoting=3,
            )
    admin1 = pd.read_csv(
        admin1_txt,
        sep="\t",
        header=None,
        names=["code", "name", "asciiname", "geonameid"],
        dtype=str,
        keep_default_na=False,
        quoting=3,
    )
    names = dict(zip(admin1["code"], admin1["asciiname"]))
    table = table[table["country_code"] == "ML"].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "name": table["name"],
            "admin1": [names.get(f"ML.{code}", "") for code in table["admin1_code"]],
            "admin2": "",
            "cc": table["country_code"],
        }
    )
    geometry = gpd.points_from_xy(
        table["longitude"].astype(float), table["latitude"].astype(float), crs=4326
    )
    write_vector(gpd.GeoDataFrame(frame, geometry=geometry), out)


def convert_worldpop(tif_path: Path, out: Path) -> None:
    """WorldPop 1 km persons-per-cell GeoTIFF -> its mean on a 1/6 degree grid around Mali.

    Each coarse cell averages about 20 x 20 cells of the 30-arc-second grid.

    Parameters
    ----------
    tif_path
        The downloaded GeoTIFF.
    out
        The file to write (a temporary path, put in place by the caller).
    """
    import rasterio
    from affine import Affine
    from rasterio.warp import Resampling, reproject

    xmin, ymin, xmax, ymax = MALI_BBOX
    m, res = WORLDPOP_MARGIN_DEG, WORLDPOP_RES_DEG
    # Cell edges on multiples of 1/6 degree, so that 20 x 20 cells of the 30-arc-second grid fall in
    # each.
    left, right = np.floor(round((xmin - m) / res, 6)), np.ceil(round((xmax + m) / res, 6))
    bottom, top = np.floor(round((ymin - m) / res, 6)), np.ceil(round((ymax + m) / res, 6))
    width, height = int(right - left), int(top - bottom)
    transform = Affine(
        res, 0.0, left * res, 0.0, -res, top * res
    )  # not from_origin: it warns with affine 3.1
    values = np.full((height, width), WORLDPOP_NODATA, dtype="float32")
    with rasterio.open(tif_path) as src:
        reproject(
            source=rasterio.band(src, 1),
            destination=values,
            dst_transform=transform,
            dst_crs="EPSG:4326",
            dst_nodata=WORLDPOP_NODATA,
            resampling=Resampling.average,
        )
    profile = {
        "driver": "GTiff",
        "dtype": "float32",
        "count": 1,
        "width": width,
        "height": height,
        "crs": "EPSG:4326",
        "transform": transform,
        "nodata": WORLDPOP_NODATA,
        "compress": "lzw",
    }
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(values, 1)


def convert_osm_roads(zip_path: Path, out: Path) -> None:
    """Geofabrik ``mali-latest-free.shp.zip`` -> the ``gis_osm_roads_free_1`` layer, all columns.

    Parameters
    ----------
    zip_path
        The downloaded Geofabrik zip.
    out
        The file to write (a temporary path, put in place by the caller).
    """
    frame = _read_zipped_shapefile(zip_path, "gis_osm_roads_free_1")
    frame["osm_id"] = frame["osm_id"].astype(str)
    write_vector(frame, out)


def convert_ucdp_ged(zip_path: Path, out: Path, *, country_id: int) -> None:
    """UCDP GED ``ged<version>-csv.zip`` -> the events of one country as Points.

    Keeps the rows with ``country_id == country_id``, drops ``geom_wkt``, turns ``longitude``/
    ``latitude`` into the Point and keeps every other column (:data:`GED_INT_COLUMNS` as integers,
    the rest as text, an empty field as an empty string), as the offline copy's conversion did.

    Parameters
    ----------
    zip_path
        The downloaded ``ged<version>-csv.zip``.
    out
        The file to write (a temporary path, put in place by the caller).
    country_id
        The UCDP country code of the events kept.

    Raises
    ------
    SchemaError
        The zip holds not exactly one CSV, the CSV lacks a column, or no event has ``country_id``.
    """
    with zipfile.ZipFile(zip_path) as archive:
        members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if len(members) != 1:
            raise SchemaError(f"{zip_path.name}: expected one CSV, found {members}")
        with archive.open(members[0]) as fh:
            table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    missing = [c for c in ("country_id", "longitude", "latitude") if c not in table.columns]
    if missing:
        raise SchemaError(f"{zip_path.name}: missing column(s) {missing}")
    table = table[pd.to_numeric(table["country_id"], errors="coerce") == country_id]
    if table.empty:
        raise SchemaError(f"{zip_path.name}: no event with country_id {country_id}")
    geometry = gpd.points_from_xy(
        pd.to_numeric(table["longitude"]), pd.to_numeric(table["latitude"]), crs=4326
    )
    frame = table.drop(columns=["geom_wkt", "longitude", "latitude"], errors="ignore")
    for column in GED_INT_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column]).astype("int64")
    write_vector(gpd.GeoDataFrame(frame.reset_index(drop=True), geometry=geometry), out)


def copy_unchanged(source: Path, out: Path) -> None:
    """The upstream file is the layout file: copy it as it is (checked by the schema).

    Parameters
    ----------
    source
        The downloaded file.
    out
        The file to write (a temporary path, put in place by the caller).
    """
    shutil.copyfile(source, out)


# --- dispatch ------------------------------------------------------------------------------------


def _copy_fetched(get: Fetcher, out: Path, *, key: str) -> None:
    copy_unchanged(get(key), out)


def _geoboundaries(level: int) -> Callable[[Fetcher, Path], None]:
    def run(get: Fetcher, out: Path) -> None:
        sources = {p: get(f"gb_adm{p}") for p in range(1 if level else 0, level + 1)}
        convert_geoboundaries(level, sources, out)

    return run


def _cod_places(get: Fetcher, out: Path) -> None:
    convert_cod_places(get(hdx_csv_url(get("hdx_places_api"))), out)


def _geopko_monthly(get: Fetcher, out: Path) -> None:
    require_reader()  # before downloading the workspace
    convert_r_table(get("geopko_rdata"), out, object_name=GEOPKO_RDATA_OBJECT)


#: Dataset name -> ``run(get, out)``; ``get(key_or_url)`` downloads ``URLS[key]`` (or the URL
#: itself), cached, and returns the local path.
CONVERTERS: dict[str, Callable[[Fetcher, Path], None]] = {
    "cod_adm0": _geoboundaries(0),
    "cod_adm1": _geoboundaries(1),
    "cod_adm2": _geoboundaries(2),
    "cod_adm3": _geoboundaries(3),
    "cod_places": _cod_places,
    "ne_niger": lambda get, out: convert_natural_earth(
        get("ne_rivers"), out, equals=("name", "Niger")
    ),
    "ne_rivers": lambda get, out: convert_natural_earth(get("ne_rivers"), out, near_mali_deg=1.0),
    "ne_lakes": lambda get, out: convert_natural_earth(get("ne_lakes"), out, near_mali_deg=1.0),
    "ne_admin0": lambda get, out: convert_natural_earth(
        get("ne_admin0"), out, equals=("ADM0_A3", "MLI")
    ),
    "ne_admin1": lambda get, out: convert_natural_earth(
        get("ne_admin1"), out, equals=("adm0_a3", "MLI")
    ),
    "ne_places": lambda get, out: convert_natural_earth(
        get("ne_places"), out, equals=("ADM0_A3", "MLI")
    ),
    "ourairports": lambda get, out: convert_ourairports(get("ourairports"), out),
    "worldpop_density": lambda get, out: convert_worldpop(get("worldpop"), out),
    "geonames_places": lambda get, out: convert_geonames(
        get("geonames_cities"), get("geonames_admin1"), out
    ),
    "osm_roads": lambda get, out: convert_osm_roads(get("osm_mali"), out),
    "cod_places_csv": lambda get, out: copy_unchanged(get(hdx_csv_url(get("hdx_places_api"))), out),
    "ged_caf": lambda get, out: convert_ucdp_ged(
        get("ucdp_ged"), out, country_id=GED_CAF_COUNTRY_ID
    ),
    **{
        f"geopko_{name}": functools.partial(_copy_fetched, key=f"geopko_{name}")
        for name in GEOPKO_FILES
    },
    "geopko_monthly": _geopko_monthly,
}


def check_content(name: str, path: Path) -> None:
    """Refuse a converted table whose content digest differs from the registry's.

    Parameters
    ----------
    name
        A registered dataset name; nothing is checked when its entry records no
        ``content_sha256``.
    path
        The converted file.

    Raises
    ------
    ChecksumError
        If the digest of ``path`` (:func:`layers.table_digest.table_digest`) is not the
        registry's.
    """
    want = get_dataset(name).content_sha256
    if want is None:
        return
    got = table_digest(path)
    if got != want:
        raise ChecksumError(
            f"dataset {name!r} converted from upstream: its content digest {got[:12]}... is not "
            f"the registry's {want[:12]}... (columns or values differ from the recorded file); "
            "nothing was written; use minusma fetch --mirror"
        )


def build(name: str, target: Path, get: Fetcher) -> Path:
    """Convert dataset ``name`` from upstream into ``target``, validated, atomically.

    Parameters
    ----------
    name
        A registered dataset name.
    target
        Where the dataset goes in the data directory.
    get
        Downloads an upstream URL to a local file.

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    FetchError
        If the dataset has no upstream converter (e.g. the flownet corridors: use a mirror).
    SchemaError
        If the converted file does not match the registry schema (nothing is written).
    ChecksumError
        If the registry records a content digest for the dataset and the converted file's
        differs (nothing is written).
    """
    if name not in CONVERTERS:
        raise FetchError(
            f"dataset {name!r} has no automated upstream conversion; fetch it with --mirror"
        )
    with atomic_path(target) as tmp:
        CONVERTERS[name](get, tmp)
        raise_problems(check_file(name, tmp), name=f"dataset {name!r} converted from upstream")
        check_content(name, tmp)
    return target
