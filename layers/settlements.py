"""OCHA COD populated places of Mali (18,769 points, 2015), their 2023 region and town id.

Read from the data directory (``ocha-cod-mali/mli_populated_places.geojson``); never shipped.

Examples
--------
>>> from minusma.layers.settlements import settlements
>>> settlements("../shared/data").query("class_code <= 3")  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os

import geopandas as gpd
import pandas as pd

from minusma.layers._common import finish
from minusma.layers.admin import read_crosswalk
from minusma.layers.datasets import read_dataset
from minusma.layers.registry import get_info
from minusma.layers.towns import towns as load_towns

logger = logging.getLogger(__name__)

__all__ = ["CLASS_LABELS", "SCHEMA", "make_settlement_ids", "settlements"]

#: COD ``popPlaceCl`` codes and their meaning (the COD's ``popPlace_1`` is empty for class 5).
CLASS_LABELS = {
    1: "National Capital",
    2: "Admin1 Capital",
    3: "Admin2 Capital",
    4: "Admin3 Capital",
    5: "Other settlement",
}

_REGION_OLD_NAMES = {"Koulikouro": "Koulikoro", "Segou": "Ségou", "Bamako": "District de Bamako"}

SCHEMA = get_info("settlements").schema


def make_settlement_ids(pcodes: pd.Series, lon: pd.Series, lat: pd.Series) -> pd.Series:
    """Stable unique ids from P-codes: a unique one is its own id; duplicates get ``-1``, ``-2``...

    Duplicates are numbered in order of longitude, then latitude, so the ids do not depend on file
    order.

    Parameters
    ----------
    pcodes
        The P-code of each place.
    lon
        Longitude of each place (degrees), aligned with ``pcodes``.
    lat
        Latitude of each place (degrees), aligned with ``pcodes``.

    Returns
    -------
    pandas.Series
        The id of each place, aligned with ``pcodes``.
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
