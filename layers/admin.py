"""OCHA COD administrative units of Mali (2015 frame) with their 2023 regions (data directory).

The OCHA COD-AB for Mali (DNCT/DNP Mali, OCHA Mali, ITOS; validOn 2015-04-08) describes the pre-2016
structure: 8 regions plus Bamako, 49 cercles plus Bamako, 701 communes. The 2023 regions (19 plus
the Bamako district) are not in it. They are attached here through an authored crosswalk,
``layers/data/cercle_region_2023.csv`` (one row per 2015 cercle P-code, with confidence, note and
sources), which a caller may replace with ``crosswalk=`` (a path or a DataFrame of the same
columns).

The crosswalk works at old-cercle resolution: where the 2023 laws split an old cercle between two
regions (Bla/Yangasso, Kati/Ouéléssébougou, Tombouctou/Taoudénit) the whole cercle goes to the
region of its seat, and the row says so with ``confidence = "low"``.

Examples
--------
>>> from minusma.layers import admin
>>> cols = ["region_2023", "member_cercles", "confidence"]
>>> admin.regions_2023("../shared/data")[cols]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo._validate import Column, Schema, raise_problems, validate_frame
from minusma.geo.distance import GEOD
from minusma.geo.names import name_key
from minusma.layers._common import finish
from minusma.layers._files import data_file
from minusma.layers.datasets import read_dataset
from minusma.layers.regions import CENTRAL_REGIONS_2023
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = [
    "CENTRAL_REGIONS_2023",
    "CONFIDENCE_ORDER",
    "CROSSWALK_FILE",
    "admin_join",
    "cercles",
    "communes",
    "read_crosswalk",
    "regions_2023",
]

CROSSWALK_FILE = "cercle_region_2023.csv"


#: Confidence levels from lowest to highest.
CONFIDENCE_ORDER = ("low", "medium", "high")

_COD_SOURCE = "OCHA COD-AB Mali 2015-04-08 (data directory: ocha-cod-mali/{file})"

CROSSWALK_SCHEMA = Schema(
    id_column="cercle_pcode",
    columns=(
        Column(
            "cercle_pcode",
            "string",
            "OCHA COD 2015 ADM2 P-code (ML + 4 digits)",
            nullable=False,
            unique=True,
        ),
        Column("cercle_name", "string", "cercle name (accents)", nullable=False),
        Column("region_old", "string", "pre-2016 region (accents)", nullable=False),
        Column("region_2023", "string", "region under the 2023 laws", nullable=False),
        Column(
            "confidence",
            "string",
            "confidence in region_2023",
            nullable=False,
            choices=CONFIDENCE_ORDER,
        ),
        Column("note", "string", "evidence, conflicts and splits"),
        Column("source", "string", "sources, ' | '-separated", nullable=False),
    ),
)


CERCLE_SCHEMA = get_info("cercles").schema

COMMUNE_SCHEMA = get_info("communes").schema

REGION_2023_SCHEMA = get_info("regions_2023").schema


#: COD ADM1 names (ASCII, one misspelt) -> names with accents.
_REGION_OLD_NAMES = {
    "Kayes": "Kayes",
    "Koulikouro": "Koulikoro",
    "Koulikoro": "Koulikoro",
    "Sikasso": "Sikasso",
    "Segou": "Ségou",
    "Mopti": "Mopti",
    "Tombouctou": "Tombouctou",
    "Gao": "Gao",
    "Kidal": "Kidal",
    "Bamako": "District de Bamako",
}


def read_crosswalk(crosswalk: str | os.PathLike | pd.DataFrame | None = None) -> pd.DataFrame:
    """The cercle -> 2023 region crosswalk, validated (schema :data:`CROSSWALK_SCHEMA`).

    Parameters
    ----------
    crosswalk
        None for the shipped ``layers/data/cercle_region_2023.csv``, or a CSV path or DataFrame with
        the same columns (extra columns are dropped).

    Returns
    -------
    pandas.DataFrame
        One row per cercle P-code with its 2023 region and the confidence of the match.

    Raises
    ------
    SchemaError
        Missing columns, duplicated P-codes, unknown confidence values (all listed at once).
    """
    if crosswalk is None:
        frame, label = (
            pd.read_csv(
                data_file(CROSSWALK_FILE), dtype=str, keep_default_na=False, na_values=[""]
            ),
            f"crosswalk {CROSSWALK_FILE}",
        )
    elif isinstance(crosswalk, pd.DataFrame):
        frame, label = crosswalk.copy(), "crosswalk (DataFrame)"
    elif isinstance(crosswalk, (str, os.PathLike)):
        frame, label = (
            pd.read_csv(Path(crosswalk), dtype=str, keep_default_na=False, na_values=[""]),
            f"crosswalk {crosswalk}",
        )
    else:
        raise ParameterError(
            f"crosswalk must be None, a CSV path or a DataFrame, got {type(crosswalk).__name__}"
        )
    known = [c for c in CROSSWALK_SCHEMA.names if c in frame.columns]
    validate_frame(
        frame[known] if len(known) == len(CROSSWALK_SCHEMA.names) else frame,
        CROSSWALK_SCHEMA,
        name=label,
    )
    return frame[CROSSWALK_SCHEMA.names].reset_index(drop=True)


def _check_crosswalk_against_cod(xwalk: pd.DataFrame, cod: pd.DataFrame) -> None:
    """Each crosswalk row must name the same cercle and region as the COD row of its P-code.

    This catches P-codes of another COD edition (regions.md lists ML0503 as Djenné; here it is
    Bankass).
    """
    merged = xwalk.merge(
        cod[["admin2Pcod", "admin2Name", "admin1Name"]],
        left_on="cercle_pcode",
        right_on="admin2Pcod",
        how="left",
    )
    problems = []
    for row in merged.itertuples():
        if pd.isna(row.admin2Pcod):
            problems.append(
                f"crosswalk P-code {row.cercle_pcode!r} ({row.cercle_name}) is not a COD cercle"
            )
            continue
        if name_key(row.cercle_name) != name_key(row.admin2Name):
            problems.append(
                f"crosswalk P-code {row.cercle_pcode!r} is named {row.cercle_name!r} but the COD "
                f"names it {row.admin2Name!r} (P-codes of another COD edition?)"
            )
        if name_key(row.region_old) != name_key(
            _REGION_OLD_NAMES.get(row.admin1Name, row.admin1Name)
        ):
            problems.append(
                f"crosswalk P-code {row.cercle_pcode!r}: region_old {row.region_old!r} but the COD "
                f"says {row.admin1Name!r}"
            )
    raise_problems(problems, name="crosswalk against the COD cercles")


def _area_km2(geometry: gpd.GeoSeries) -> pd.Series:
    return geometry.map(lambda g: abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6).astype("float64")


def _attach_regions(frame: pd.DataFrame, xwalk: pd.DataFrame, *, name: str) -> pd.DataFrame:
    x = xwalk.set_index("cercle_pcode")
    out = frame.copy()
    out["region_old_pcode"] = out["admin1Pcod"]
    out["region_old"] = out["admin1Name"].map(lambda v: _REGION_OLD_NAMES.get(v, v))
    out["cercle_name_cod"] = out["admin2Name"]
    out["cercle_name"] = out["admin2Pcod"].map(x["cercle_name"]).fillna(out["admin2Name"])
    out["region_2023"] = out["admin2Pcod"].map(x["region_2023"])
    out["region_2023_confidence"] = out["admin2Pcod"].map(x["confidence"])
    out["region_2023_note"] = out["admin2Pcod"].map(x["note"])
    missing = sorted(set(out.loc[out["region_2023"].isna(), "admin2Pcod"]))
    if missing:
        logger.warning(
            "%s: %d cercle(s) not in the crosswalk, region_2023 left null: %s",
            name,
            len(missing),
            missing,
        )
    return out


def cercles(
    data_dir: str | os.PathLike | None = None,
    *,
    crosswalk: str | os.PathLike | pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The 49 cercles and Bamako (OCHA COD 2015), regions old and 2023 (:data:`CERCLE_SCHEMA`).

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``), read through
        :func:`layers.datasets.read_dataset`.
    crosswalk
        Override of the shipped crosswalk (see :func:`read_crosswalk`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cercle with ``area_km2``, its pre-2016 and 2023 regions.

    Raises
    ------
    SchemaError
        The COD file or the crosswalk is malformed (naming the file, rows and problems), or the
        crosswalk names a cercle differently from the COD row of its P-code.
    """
    cod = read_dataset("cod_adm2", data_dir)
    xwalk = read_crosswalk(crosswalk)
    _check_crosswalk_against_cod(xwalk, cod)
    gdf = _attach_regions(cod, xwalk, name="cercles")
    gdf["cercle_pcode"] = gdf["admin2Pcod"]
    gdf["area_km2"] = _area_km2(gdf.geometry)
    gdf["source"] = _COD_SOURCE.format(file="mli_adm2_cercles.geojson")
    gdf["geometry_kind"] = "real"
    return finish(gdf, CERCLE_SCHEMA, name="cercles")


def communes(
    data_dir: str | os.PathLike | None = None,
    *,
    crosswalk: str | os.PathLike | pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The 701 communes (OCHA COD 2015), cercle, regions old and 2023 (:data:`COMMUNE_SCHEMA`).

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``).
    crosswalk
        Override of the shipped crosswalk (see :func:`read_crosswalk`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per commune with its cercle, pre-2016 and 2023 regions.

    Raises
    ------
    SchemaError
        The COD file or the crosswalk is malformed (naming the file, rows and problems).
    """
    cod = read_dataset("cod_adm3", data_dir)
    xwalk = read_crosswalk(crosswalk)
    gdf = _attach_regions(cod, xwalk, name="communes")
    gdf["commune_pcode"] = gdf["admin3Pcod"]
    gdf["commune_name"] = gdf["admin3Name"]
    gdf["cercle_pcode"] = gdf["admin2Pcod"]
    gdf["area_km2"] = _area_km2(gdf.geometry)
    gdf["source"] = _COD_SOURCE.format(file="mli_adm3_communes.geojson")
    gdf["geometry_kind"] = "real"
    return finish(gdf, COMMUNE_SCHEMA, name="communes")


def regions_2023(
    data_dir: str | os.PathLike | None = None,
    *,
    crosswalk: str | os.PathLike | pd.DataFrame | None = None,
    names: tuple[str, ...] | list[str] | None = CENTRAL_REGIONS_2023,
) -> gpd.GeoDataFrame:
    """2023 regions as unions of their 2015 cercles (schema :data:`REGION_2023_SCHEMA`).

    Parameters
    ----------
    data_dir
        The data directory (default ``$MINUSMA_DATA``).
    crosswalk
        Override of the shipped crosswalk (see :func:`read_crosswalk`).
    names
        The 2023 regions wanted; default the five central ones; None for every region in the
        crosswalk.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per region with its member cercles and the lowest confidence of any membership.
        With ``names=None`` there are 19 rows: Taoudénit has none, since it was carved out of
        Tombouctou cercle, which the crosswalk counts whole in Tombouctou.

    Raises
    ------
    UnknownNameError
        A requested region has no cercle in the crosswalk.
    """
    from minusma.geo._errors import UnknownNameError

    cer = cercles(data_dir, crosswalk=crosswalk)
    cer = cer[cer["region_2023"].notna()]
    if names is not None:
        known = set(cer["region_2023"])
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UnknownNameError(
                f"no cercle of the crosswalk is in 2023 region(s) {unknown}; "
                f"valid: {', '.join(sorted(known))}"
            )
        cer = cer[cer["region_2023"].isin(list(names))]
    rank = {c: i for i, c in enumerate(CONFIDENCE_ORDER)}
    rows = []
    for region, part in cer.sort_values("cercle_pcode").groupby("region_2023", sort=True):
        unsure = part[part["region_2023_confidence"] != "high"]
        rows.append(
            {
                "region_2023": region,
                "region_old": ";".join(sorted(set(part["region_old"]))),
                "member_cercle_pcodes": ";".join(part["cercle_pcode"]),
                "member_cercles": ";".join(part["cercle_name"]),
                "n_cercles": len(part),
                "confidence": min(part["region_2023_confidence"], key=rank.__getitem__),
                "note": " / ".join(
                    f"{r.cercle_name} ({r.region_2023_confidence}): {r.region_2023_note}"
                    for r in unsure.itertuples()
                    if isinstance(r.region_2023_note, str)
                )
                or None,
                "geometry": part.geometry.union_all(),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    gdf["n_cercles"] = gdf["n_cercles"].astype("int64")
    gdf["area_km2"] = _area_km2(gdf.geometry)
    gdf["source"] = f"{get_info('cercles').sources[0]}; layers/data/{CROSSWALK_FILE}"
    gdf["geometry_kind"] = "real"
    return finish(gdf, REGION_2023_SCHEMA, name="regions_2023")


def admin_join(
    points: gpd.GeoDataFrame,
    data_dir: str | os.PathLike | None = None,
    *,
    crosswalk: str | os.PathLike | pd.DataFrame | None = None,
    commune_frame: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Regions old and 2023, cercle and commune P-codes of each point, by point-in-polygon join.

    Parameters
    ----------
    points
        Any GeoDataFrame of points (reprojected to EPSG:4326 if needed).
    data_dir
        The data directory (default ``$MINUSMA_DATA``); unused when ``commune_frame`` is given.
    crosswalk
        Override of the shipped crosswalk.
    commune_frame
        Precomputed :func:`communes` (an expensive intermediate may be passed in).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``points.index``: ``region_old``, ``region_2023``, ``cercle_pcode``,
        ``commune_pcode``. Points outside every commune (or without geometry) get nulls; their
        number is logged. A point on a shared border takes the commune with the smallest P-code.
    """
    from minusma.geo.crs import to_wgs84

    com = commune_frame if commune_frame is not None else communes(data_dir, crosswalk=crosswalk)
    pts = to_wgs84(points, name="points")
    cols = ["region_old", "region_2023", "cercle_pcode", "commune_pcode"]
    probe = gpd.GeoDataFrame({"_pos": range(len(pts))}, geometry=pts.geometry.values, crs=pts.crs)
    probe = probe[probe.geometry.notna() & ~probe.geometry.is_empty]
    hits = gpd.sjoin(probe, com[[*cols, "geometry"]], how="inner", predicate="intersects")
    hits = hits.sort_values(["_pos", "commune_pcode"]).drop_duplicates("_pos")
    out = pd.DataFrame(index=pd.RangeIndex(len(pts)), columns=cols, dtype=object)
    out.loc[hits["_pos"].to_numpy(), cols] = hits[cols].to_numpy()
    out.index = points.index
    outside = int(out["commune_pcode"].isna().sum())
    if outside:
        logger.info(
            "admin_join: %d of %d point(s) fall outside every commune (or have no geometry); "
            "left null",
            outside,
            len(out),
        )
    return out
