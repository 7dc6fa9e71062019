"""OCHA COD populated places of Mali (18,769 points, 2015) with their 2023 region and curated town
id.

Read from the data directory (``ocha-cod-mali/mli_populated_places.geojson``); never shipped.

Examples
--------
>>> from layers.settlements import settlements
>>> settlements("../shared/data").query("class_code <= 3")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os

import geopandas as gpd
import pandas as pd

from geo._validate import Column, Schema
from layers._common import GEOMETRY_KIND, SOURCE, finish
from layers.admin import CONFIDENCE_ORDER, read_crosswalk
from layers.datasets import read_dataset
from layers.registry import LayerInfo
from layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = ["CLASS_LABELS", "INFOS", "SCHEMA", "make_settlement_ids", "settlements"]

#: COD ``popPlaceCl`` codes and their meaning (the COD's ``popPlace_1`` is empty for class 5).
CLASS_LABELS = {
    1: "National Capital",
    2: "Admin1 Capital",
    3: "Admin2 Capital",
    4: "Admin3 Capital",
    5: "Other settlement",
}

_REGION_OLD_NAMES = {"Koulikouro": "Koulikoro", "Segou": "Ségou", "Bamako": "District de Bamako"}

SCHEMA = Schema(
    id_column="settlement_id",
    geometry_types=("Point",),
    columns=(
        Column(
            "settlement_id",
            "string",
            "OCHA COD populated-place P-code (unique in the 2015 file)",
            nullable=False,
            unique=True,
        ),
        Column("name", "string", "place name as in the COD (ASCII)", nullable=False),
        Column(
            "class_code",
            "int",
            "COD popPlaceCl: 1 national capital ... 5 other settlement",
            nullable=False,
            choices=tuple(CLASS_LABELS),
        ),
        Column(
            "class_label",
            "string",
            "meaning of class_code",
            nullable=False,
            choices=tuple(CLASS_LABELS.values()),
        ),
        Column(
            "region_old_pcode",
            "string",
            "COD 2015 ADM1 P-code (attribute of the COD record)",
            nullable=False,
        ),
        Column(
            "region_old",
            "string",
            "pre-2016 region (accents; 'Koulikouro' corrected)",
            nullable=False,
        ),
        Column(
            "cercle_pcode",
            "string",
            "COD 2015 ADM2 P-code (attribute of the COD record)",
            nullable=False,
        ),
        Column(
            "commune_pcode",
            "string",
            "COD 2015 ADM3 P-code (attribute of the COD record)",
            nullable=False,
        ),
        Column("region_2023", "string", "2023 region of the cercle, via the crosswalk"),
        Column(
            "region_2023_confidence",
            "string",
            "confidence of the crosswalk row",
            choices=CONFIDENCE_ORDER,
        ),
        Column("town_id", "string", "id in the curated towns layer whose ocha_pcode is this place"),
        SOURCE,
        GEOMETRY_KIND,
        Column("geometry", "geometry", "place point (COD, WGS84)", nullable=False),
    ),
)

INFOS = {
    "settlements": LayerInfo(
        name="settlements",
        title="Populated places of Mali (OCHA COD 2015)",
        description="18,769 populated places with class (national capital to other settlement), "
        "admin P-codes, 2023 region via the cercle crosswalk and the curated town id "
        "where one matches.",
        licence="OCHA COD (CC BY-IGO on HDX; CC BY 4.0 via geoBoundaries); attribution required",
        attribution="DNCT/DNP Mali, OCHA Mali, ITOS; via HDX",
        sources=(
            (
                "OCHA COD Mali populated places, validOn 2015-04-24 (data directory: "
                "ocha-cod-mali/mli_populated_places.geojson)"
            ),
            "layers/data/cercle_region_2023.csv",
        ),
        geometry_kind="real",
        schema=SCHEMA,
        caveats=(
            (
                "Admin P-codes are the COD record's attributes, not a spatial join; a few COD "
                "points are known to be misplaced (sign-flipped longitudes for Tessit "
                "ML070206000, Andéramboukane ML070401001, Ménaka ML070403010; see "
                "shared/reference/README.md)."
            ),
            "region_2023 is at old-cercle resolution (see the crosswalk's confidence).",
        ),
    )
}


def make_settlement_ids(pcodes: pd.Series, lon: pd.Series, lat: pd.Series) -> pd.Series:
    """Stable unique ids from P-codes: a unique P-code is its own id; duplicates get ``-1``,
    ``-2``...

    Duplicates are numbered in order of longitude, then latitude, so the ids do not depend on file
    order.
    """
    frame = pd.DataFrame({"pcode": pcodes.astype(str), "lon": lon, "lat": lat})
    dup = frame["pcode"].duplicated(keep=False)
    ids = frame["pcode"].copy()
    if dup.any():
        ordered = frame[dup].sort_values(["pcode", "lon", "lat"])
        ordered["n"] = ordered.groupby("pcode").cumcount() + 1
        ids.loc[ordered.index] = ordered["pcode"] + "-" + ordered["n"].astype(str)
        logger.warning(
            "settlements: %d rows share %d P-code(s); ids suffixed -1, -2... by lon/lat",
            int(dup.sum()),
            ordered["pcode"].nunique(),
        )
    return ids


def settlements(
    data_dir: str | os.PathLike | None = None,
    *,
    crosswalk: str | os.PathLike | pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The OCHA COD populated places (schema :data:`SCHEMA`), sorted by ``settlement_id``.

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``), read through
        :func:`layers.datasets.read_dataset`.
    crosswalk
        Override of the cercle -> 2023 region crosswalk (see :func:`layers.admin.read_crosswalk`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per place; ``settlement_id`` is the COD P-code (the 2015 file has no duplicates;
        should a future file have some, stable suffixed ids are made and a warning is logged).

    Raises
    ------
    SchemaError
        The file is malformed (the message names the file, rows and problems).
    """
    raw = read_dataset("cod_places", data_dir)
    gdf = raw.copy()
    gdf["settlement_id"] = make_settlement_ids(raw["pcode"], raw.geometry.x, raw.geometry.y)
    gdf["name"] = raw["featureNam"]
    gdf["class_code"] = raw["popPlaceCl"].astype("int64")
    gdf["class_label"] = gdf["class_code"].map(CLASS_LABELS)
    gdf["region_old_pcode"] = raw["admin1Pcod"]
    gdf["region_old"] = raw["admin1Name"].map(lambda v: _REGION_OLD_NAMES.get(v, v))
    gdf["cercle_pcode"] = raw["admin2Pcod"]
    gdf["commune_pcode"] = raw["admin3Pcod"]
    xwalk = read_crosswalk(crosswalk).set_index("cercle_pcode")
    gdf["region_2023"] = gdf["cercle_pcode"].map(xwalk["region_2023"])
    gdf["region_2023_confidence"] = gdf["cercle_pcode"].map(xwalk["confidence"])
    curated = load_towns()
    curated = curated[curated["ocha_pcode"].notna()]
    town_ids = curated.groupby("ocha_pcode")["town_id"].agg(lambda s: ";".join(sorted(s)))
    gdf["town_id"] = raw["pcode"].map(town_ids)
    gdf["source"] = "OCHA COD Mali populated places 2015-04-24, pcode " + raw["pcode"].astype(str)
    gdf["geometry_kind"] = "real"
    out = finish(gdf, SCHEMA, name="settlements")
    unmatched = sorted(set(town_ids.index) - set(raw["pcode"]))
    if unmatched:
        logger.warning("settlements: curated town P-code(s) not in the COD file: %s", unmatched)
    logger.info(
        "settlements: %d places, %d matched to curated towns",
        len(out),
        int(out["town_id"].notna().sum()),
    )
    return out
