"""The gazetteer: every place the other layers name, plus every region and cercle seat of 2023."""

from __future__ import annotations

import logging

import geopandas as gpd

from geo._validate import Column, Schema
from geo.names import ascii_name
from layers._common import GEOMETRY_KIND, SOURCE, finish, point_frame
from layers._files import read_facts
from layers.registry import LayerInfo

logger = logging.getLogger(__name__)

__all__ = ["HUB_ID", "INFOS", "SCHEMA", "towns"]

#: The capital, Bamako: the hub of the road indicators (its id in the gazetteer).
HUB_ID = "ml-bamako"

SCHEMA = Schema(
    id_column="town_id",
    geometry_types=("Point",),
    columns=(
        Column("town_id", "string", "stable id (ml-<ascii slug>)", nullable=False, unique=True),
        Column("name", "string", "name with accents", nullable=False),
        Column("name_ascii", "string", "ASCII name", nullable=False),
        Column("alt_names", "string", "other spellings, ';'-separated"),
        Column("ocha_pcode", "string", "OCHA COD 2015 P-code of the matched populated place"),
        Column(
            "country",
            "string",
            "ISO 3166-1 alpha-2 (ML; NE/DZ for the two places outside Mali)",
            nullable=False,
            choices=("ML", "NE", "DZ"),
        ),
        Column("region_old", "string", "region before the 2016/2023 reforms (OCHA COD 2015)"),
        Column("region_2023", "string", "region under the 2023 structure"),
        Column("cercle", "string", "cercle (OCHA COD 2015)"),
        Column(
            "seat_of",
            "string",
            "region or cercle seat (2023 structure)",
            choices=("region", "cercle"),
        ),
        Column("population", "int", "population figure (mostly 2009 census, commune level)"),
        Column("population_year", "int", "year of the population figure"),
        Column("population_source", "string", "source of the population figure"),
        Column("has_coordinate", "bool", "whether a sourced coordinate exists", nullable=False),
        Column(
            "coord_source",
            "string",
            "ocha-cod-2015, geonames-package or wikipedia",
            choices=("ocha-cod-2015", "geonames-package", "wikipedia"),
        ),
        SOURCE,
        Column("notes", "string", "cross-checks between sources and caveats"),
        GEOMETRY_KIND,
        Column("geometry", "geometry", "town point; null where no sourced coordinate exists"),
    ),
)

INFOS = {
    "towns": LayerInfo(
        name="towns",
        title="Towns of Mali named by the MINUSMA facts (gazetteer)",
        description=(
            "Every place the bases, roads, air and river facts name, plus the seats of all 20 "
            "regions (19 regions and Bamako) and 159 cercles of the 2023 structure, with P-codes, "
            "regions old and new, and population where known. Places with no sourced coordinate "
            "are listed without geometry."
        ),
        licence="facts compiled by the project (CC BY 4.0); points from OCHA COD 2015 (CC BY-IGO), "
        "GeoNames (CC BY 4.0) and Wikipedia (CC BY-SA)",
        attribution="DNCT/DNP Mali, OCHA Mali, ITOS via HDX; GeoNames (geonames.org); Wikipedia",
        sources=("layers/data/towns.csv (from shared/reference/towns.csv and its README)",),
        geometry_kind="real",
        schema=SCHEMA,
        caveats=(
            "Many coordinates rest on one source (mostly OCHA COD 2015); see notes per row.",
            "Population is mostly the 2009 census at commune level, not the town itself.",
        ),
    )
}


def towns() -> gpd.GeoDataFrame:
    """The gazetteer of places, in EPSG:4326 (schema :data:`SCHEMA`).

    Places without a sourced coordinate are kept with a null geometry and
    ``has_coordinate = False``; their number is logged.
    """
    raw = read_facts("towns.csv", floats=("lat", "lon"), ints=("population", "population_year"))
    raw = raw.rename(columns={"coord_source_ref": "source"})
    raw["name_ascii"] = raw["name"].map(ascii_name)
    raw["has_coordinate"] = raw["lat"].notna() & raw["lon"].notna()
    raw["source"] = raw["source"].fillna("no sourced coordinate found; see notes")
    raw["geometry_kind"] = "real"
    gdf = finish(point_frame(raw), SCHEMA, name="towns")
    missing = int((~gdf["has_coordinate"]).sum())
    if missing:
        logger.info(
            "towns: %d of %d places have no sourced coordinate (kept without geometry)",
            missing,
            len(gdf),
        )
    return gdf
