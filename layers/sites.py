"""Peacekeeping sites as periods: where a UN site was open, from when to when.

One table, :data:`SITE_SCHEMA`, one row per **site period** (a site that closed and reopened has
two rows): ``site_id, name, lat, lon, mission, opened, closed, troops, opened_precision,
closed_precision, source``. ``opened``/``closed`` are ISO dates (``closed`` is the first day the
site was no longer open); a null ``closed`` means still open at the end of the record, a null
``opened`` open since before the record began. Three sources:

* **Geo-PKO** (Cil, Fjelde, Hultman & Nilsson 2020, *Journal of Peace Research* 57(2), 360-370),
  read from the data directory (``geo-pko/``): the monthly v2.x file (maps to 2020) and, after
  the last monthly map, the annual v2.3 file (to 2024). :func:`geopko_sites`.
* the **shipped** MINUSMA table (:func:`minusma.layers.bases.bases`): the 13 sites of the
  2023-2024 withdrawal with their sourced closure dates. :func:`shipped_sites`.
* a **user CSV** ``site_id, name, lat, lon, opened, closed[, mission, troops]``. :func:`read_sites`.

Geo-PKO rules (each a modelling choice, stated once here)
---------------------------------------------------------
1. *De-duplicate.* The monthly file has one row per deployed unit per map, and some rows twice;
   the annual file has two 2023 rows per MINUSMA location (two maps that year). Rows collapse to
   one per map (``source``, or year for the annual file) and location. ``troops`` is the location
   total the file repeats on each unit row (``no.troops``/``NoTroops``); a period carries the
   largest total on any of its maps.
2. *A site* is a mission's location, matched by :func:`minusma.geo.names.name_key` of its name;
   an annual-file location continues a monthly one when their names match or their points lie
   within :data:`MATCH_KM`.
3. *Maps, not months.* A site is open from the month of the first map that shows it
   (``opened_precision`` ``month``; ``year`` for the annual file, dated 1 January) until the
   first map of the mission that no longer shows it: that map's month is the closure
   (``closed``). A site on the mission's last map stays open (``closed`` null).
4. *Gaps.* A site missing from at most :data:`MAX_GAP_MAPS` consecutive map(s) between two maps
   that show it is taken as open throughout (an omission on one map is likelier than a closure
   and reopening within a few months); a longer absence closes the period and a later map opens
   a new one.
5. *Missions that ended.* When a mission is missing from the annual file's last year (2024),
   the sites on its last map close on 1 January of the year after it (the first annual map
   without the mission; ``closed_precision`` ``year``).
6. *MINUSMA.* The shipped table's closure dates (day precision, 2023-2024) replace Geo-PKO's
   year-precision closures of the sites within :data:`MATCH_KM` of a shipped site; shipped sites
   Geo-PKO does not show are added with ``opened`` null.

Dates are approximate to the map: a site first seen on a map may have opened in the months
before it, so estimates around ``opened`` are blurred by the maps' spacing (about 3-4 months).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo._errors import DataDirError, ParameterError, SchemaError, UnknownNameError
from minusma.geo._validate import Schema, validate_frame
from minusma.geo.distance import pairwise_km
from minusma.geo.names import name_key
from minusma.layers._common import point_frame
from minusma.layers.datadir import resolve_data_dir
from minusma.layers.registry import get_info

logger = logging.getLogger(__name__)

__all__ = [
    "CITATION",
    "MATCH_KM",
    "MAX_GAP_MAPS",
    "SITE_SCHEMA",
    "SOURCES",
    "geopko_sites",
    "minusma_sites",
    "read_sites",
    "shipped_sites",
    "sites",
]

#: Geo-PKO's required citation: anything built on its files carries it.
CITATION = (
    "Cil, D., Fjelde, H., Hultman, L., & Nilsson, D. (2020). Mapping blue helmets: Introducing "
    "the Geocoded Peacekeeping Operations (Geo-PKO) dataset. Journal of Peace Research, 57(2), "
    "360-370."
)
#: Geo-PKO files inside the data directory.
MONTHLY_FILE = "geo-pko/geopko_v2.x_monthly_1994_2020.csv.gz"
ANNUAL_FILE = "geo-pko/geopko_v2.3_mission_year_location.csv"
#: Longest run of maps a site may be missing from and still count as open (rule 4).
MAX_GAP_MAPS = 1
#: Two site points this close (km) are the same site (rules 2 and 6).
MATCH_KM = 10.0
#: Source names :func:`sites` accepts (or a CSV path).
SOURCES = ("geopko", "shipped")

#: The site-period schema: the ``sites`` entry of the layer registry (``layers/data/layers.json``),
#: which every source is validated against.
SITE_SCHEMA: Schema = get_info("sites").schema


def _first_of(year: pd.Series, month: pd.Series | int = 1) -> pd.Series:
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1})).dt.strftime(
        "%Y-%m-%d"
    )


def _data_file(data_dir: str | os.PathLike | None, name: str) -> Path:
    path = resolve_data_dir(data_dir) / name
    if not path.is_file():
        raise DataDirError(
            f"{path}: Geo-PKO file not found; the data directory must hold geo-pko/ (see "
            "docs/open-data.md) or give sites as a CSV"
        )
    return path


def _maps(frame: pd.DataFrame, *, map_col: str, date_col: str, troops_col: str) -> pd.DataFrame:
    """Rule 1: one row per map and location, the location's troop total, its map date."""
    frame = frame.assign(
        key=frame["location"].map(name_key),
        _troops=pd.to_numeric(frame[troops_col], errors="coerce"),
    )
    return (
        frame.groupby([map_col, "key"], sort=False)
        .agg(
            date=(date_col, "first"),
            name=("location", "first"),
            lat=("latitude", "first"),
            lon=("longitude", "first"),
            troops=("_troops", "max"),
        )
        .reset_index()
        .rename(columns={map_col: "map"})
    )


def _periods(rows: pd.DataFrame, *, max_gap_maps: int) -> pd.DataFrame:
    """Rules 3-4: runs of maps showing a site, closed by the first map without it."""
    maps = rows[["map", "date"]].drop_duplicates("map").sort_values("date").reset_index(drop=True)
    order = pd.Series(np.arange(len(maps)), index=maps["map"])
    rows = rows[rows["key"].notna()]
    rows = rows.assign(i=rows["map"].map(order).to_numpy()).sort_values(["key", "i"])
    gap = rows.groupby("key")["i"].diff()
    run = (gap.isna() | (gap > max_gap_maps + 1)).cumsum()
    out = rows.groupby(run).agg(
        key=("key", "first"),
        name=("name", "last"),
        lat=("lat", "last"),
        lon=("lon", "last"),
        first=("i", "min"),
        last=("i", "max"),
        troops=("troops", "max"),
    )
    dates = maps["date"].to_numpy()
    out["opened"] = dates[out["first"].to_numpy()]
    after = out["last"].to_numpy() + 1
    out["closed"] = np.where(after < len(maps), dates[np.minimum(after, len(maps) - 1)], None)
    out["last_map"] = out["last"] == len(maps) - 1
    return out.reset_index(drop=True)


def _match(a_lon, a_lat, b_lon, b_lat) -> tuple[np.ndarray, np.ndarray]:
    """Nearest b for each a and whether it lies within :data:`MATCH_KM`."""
    if len(b_lon) == 0 or len(a_lon) == 0:
        return np.zeros(len(a_lon), dtype=int), np.zeros(len(a_lon), dtype=bool)
    km = pairwise_km(a_lon, a_lat, b_lon, b_lat)
    j = km.argmin(axis=1)
    return j, km[np.arange(len(a_lon)), j] <= MATCH_KM


def geopko_sites(
    mission: str,
    data_dir: str | os.PathLike | None = None,
    *,
    max_gap_maps: int = MAX_GAP_MAPS,
    min_troops: float | None = None,
) -> gpd.GeoDataFrame:
    """A mission's sites as periods from Geo-PKO (monthly maps to 2020, then annual to 2024).

    Parameters
    ----------
    mission
        The mission's acronym as Geo-PKO spells it (``MINUSCA``, ``MINUSMA``, ``MONUSCO``...),
        any case.
    data_dir
        Data directory holding ``geo-pko/`` (default ``$MINUSMA_DATA``).
    max_gap_maps
        Longest run of maps a site may be missing from and still count as open (rule 4).
    min_troops
        Keep only the site periods whose largest troop total reaches this (``None``: every
        period, including police, observer and headquarters sites drawn without troops).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`SITE_SCHEMA`, sorted by ``site_id`` (``<MISSION>-<name key>[-<n>]``);
        ``attrs["citation"]`` holds Geo-PKO's citation, ``attrs["record"]`` the first and last
        map dates.

    Raises
    ------
    UnknownNameError
        If Geo-PKO has no rows for the mission.
    """
    if max_gap_maps < 0:
        raise ParameterError(f"max_gap_maps must be >= 0, got {max_gap_maps}")
    monthly = pd.read_csv(
        _data_file(data_dir, MONTHLY_FILE),
        usecols=[
            "source",
            "mission",
            "year",
            "month",
            "location",
            "latitude",
            "longitude",
            "no.troops",
        ],
        low_memory=False,
    )
    annual = pd.read_csv(_data_file(data_dir, ANNUAL_FILE))
    file_last_year = int(annual["year"].max())
    want = mission.strip().casefold()
    monthly = monthly[monthly["mission"].str.casefold() == want]
    annual = annual[annual["mission"].str.casefold() == want]
    if monthly.empty and annual.empty:
        known = sorted(set(pd.read_csv(_data_file(data_dir, ANNUAL_FILE))["mission"]))
        raise UnknownNameError(f"Geo-PKO has no mission {mission!r}; missions: {', '.join(known)}")
    label = monthly["mission"].iloc[0] if len(monthly) else annual["mission"].iloc[0]
    frames = []
    if len(monthly):
        monthly = monthly.assign(date=_first_of(monthly["year"], monthly["month"]))
        frames.append(
            _maps(monthly, map_col="source", date_col="date", troops_col="no.troops").assign(
                precision="month"
            )
        )
    last_monthly_year = int(monthly["year"].max()) if len(monthly) else -1
    annual = annual[annual["year"] > last_monthly_year]
    if len(annual):
        annual = annual.assign(date=_first_of(annual["year"]), map=annual["year"].astype(str))
        yearly = _maps(annual, map_col="map", date_col="date", troops_col="NoTroops")
        if frames:  # rule 2: annual names continue monthly sites by name or by point
            known = frames[0].drop_duplicates("key")
            j, near = _match(yearly["lon"], yearly["lat"], known["lon"], known["lat"])
            same = yearly["key"].isin(set(known["key"]))
            yearly.loc[~same & near, "key"] = known["key"].to_numpy()[j[~same & near]]
        frames.append(yearly.assign(precision="year"))
    rows = pd.concat(frames, ignore_index=True)
    periods = _periods(rows, max_gap_maps=max_gap_maps)
    mission_last_year = int(str(rows["date"].max())[:4])
    ended = mission_last_year < file_last_year  # rule 5: the mission's last map
    if ended:
        periods.loc[periods["closed"].isna(), "closed"] = f"{mission_last_year + 1}-01-01"
    if min_troops is not None:
        periods = periods[periods["troops"] >= min_troops].reset_index(drop=True)
    prec = rows.drop_duplicates("map").set_index("map")["precision"]
    map_prec = rows[["map", "date"]].drop_duplicates("map").sort_values("date")["map"].map(prec)
    map_prec = map_prec.to_numpy()
    periods["opened_precision"] = map_prec[periods["first"].to_numpy()]
    after = np.minimum(periods["last"].to_numpy() + 1, len(map_prec) - 1)
    periods["closed_precision"] = np.where(periods["closed"].notna(), map_prec[after], None)
    if ended:
        periods.loc[periods["last_map"], "closed_precision"] = "year"
    n = periods.groupby("key").cumcount() + 1
    many = periods.groupby("key")["key"].transform("size") > 1
    periods["site_id"] = (label + "-" + periods["key"]).where(
        ~many, label + "-" + periods["key"] + "-" + n.astype(str)
    )
    periods["mission"] = label
    periods["source"] = "Geo-PKO v2.x monthly / v2.3 annual (Cil et al. 2020)"
    out = _finish(periods, name=f"Geo-PKO sites of {label}")
    out.attrs["citation"] = CITATION
    out.attrs["record"] = [str(rows["date"].min()), str(rows["date"].max())]
    logger.info(
        "Geo-PKO %s: %d site period(s) from %d map(s)", label, len(out), rows["map"].nunique()
    )
    return out


def shipped_sites() -> gpd.GeoDataFrame:
    """The shipped MINUSMA withdrawal sites as periods: closure dates known, opening unknown.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`SITE_SCHEMA`; ``opened`` is null (open before the table's record begins),
        ``closed`` the sourced closure date (day precision).
    """
    from minusma.layers.bases import bases

    b = bases()
    frame = pd.DataFrame(
        {
            "site_id": b["base_id"],
            "name": b["name"],
            "lat": b.geometry.y,
            "lon": b.geometry.x,
            "mission": "MINUSMA",
            "opened": None,
            "closed": b["closure_date"],
            "troops": np.nan,
            "opened_precision": None,
            "closed_precision": "day",
            "source": b["source"],
        }
    )
    return _finish(frame, name="shipped MINUSMA sites")


def _with_shipped_closures(geopko: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rule 6: shipped closure dates replace Geo-PKO's last-period closures near a shipped site."""
    shipped = shipped_sites()
    frame = pd.DataFrame(geopko.drop(columns="geometry"))
    base_key = frame["site_id"].str.replace(r"-\d+$", "", regex=True)
    latest = ~base_key.duplicated(keep="last")
    cand = frame[latest & (frame["closed"].isna() | (frame["closed"] >= "2023-01-01"))]
    j, near = _match(shipped["lon"], shipped["lat"], cand["lon"], cand["lat"])
    used = set()
    for s in range(len(shipped)):
        if near[s]:
            idx = cand.index[j[s]]
            if idx in used:  # two shipped sites in one Geo-PKO town: the later closure
                frame.loc[idx, "closed"] = max(frame.loc[idx, "closed"], shipped["closed"].iloc[s])
                continue
            used.add(idx)
            frame.loc[idx, ["closed", "closed_precision"]] = [shipped["closed"].iloc[s], "day"]
            frame.loc[idx, "source"] += f"; closure: shipped table ({shipped['site_id'].iloc[s]})"
    extra = pd.DataFrame(shipped.drop(columns="geometry"))[~near]
    return _finish(pd.concat([frame, extra], ignore_index=True), name="MINUSMA sites")


def read_sites(path: str | os.PathLike) -> gpd.GeoDataFrame:
    """A user CSV of sites: ``site_id, name, lat, lon, opened, closed[, mission, troops]``.

    ``opened``/``closed`` are ISO dates (``YYYY-MM-DD`` or ``YYYY-MM``, read as the 1st); an empty
    ``closed`` means still open at the end of the record.

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`SITE_SCHEMA`, ``source`` the file's path.

    Raises
    ------
    SchemaError
        One message listing every problem: missing columns, sites without an ``opened`` date,
        unreadable dates or coordinates, a closure before the opening.
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(
            f"{path}: no such sites file; give a CSV with site_id, name, lat, lon, opened, closed"
        )
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    need = ["site_id", "name", "lat", "lon", "opened", "closed"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise SchemaError(
            f"{path}: missing column(s) {', '.join(missing)} (need {', '.join(need)})"
        )
    problems = []
    undated = raw.index[raw["opened"].isna()].tolist()
    if undated:
        ids = ", ".join(raw.loc[undated, "site_id"].astype(str).head(5))
        problems.append(
            f"{len(undated)} site(s) without an opened date ({ids}); give each site the date it "
            "opened (YYYY-MM-DD or YYYY-MM)"
        )
    dates = {}
    for col in ("opened", "closed"):
        text = raw[col].str.strip()
        parsed = pd.to_datetime(
            text.where(text.str.len() != 7, text + "-01"), errors="coerce", format="%Y-%m-%d"
        )
        bad = parsed.isna() & text.notna()
        if bad.any():
            problems.append(f"{col}: cannot read {text[bad].iloc[0]!r} as a date (YYYY-MM-DD)")
        dates[col] = parsed
    lat = pd.to_numeric(raw["lat"], errors="coerce")
    lon = pd.to_numeric(raw["lon"], errors="coerce")
    badxy = lat.isna() | lon.isna() | ~lat.between(-90, 90) | ~lon.between(-180, 180)
    if badxy.any():
        problems.append(
            f"lat/lon: {int(badxy.sum())} row(s) without valid coordinates "
            f"(first: site {raw.loc[badxy, 'site_id'].iloc[0]!r})"
        )
    backwards = (dates["closed"] <= dates["opened"]).fillna(False)
    if backwards.any():
        problems.append(f"site {raw.loc[backwards, 'site_id'].iloc[0]!r} closes before it opens")
    if raw["site_id"].duplicated().any():
        problems.append(
            f"duplicate site_id {raw.loc[raw['site_id'].duplicated(), 'site_id'].iloc[0]!r}"
        )
    if problems:
        raise SchemaError(f"{path}: " + "; ".join(problems))
    frame = pd.DataFrame(
        {
            "site_id": raw["site_id"],
            "name": raw["name"],
            "lat": lat,
            "lon": lon,
            "mission": raw.get("mission", pd.Series(None, index=raw.index, dtype=object)),
            "opened": dates["opened"].dt.strftime("%Y-%m-%d"),
            "closed": dates["closed"].dt.strftime("%Y-%m-%d"),
            "troops": pd.to_numeric(
                raw.get("troops", pd.Series(np.nan, index=raw.index)), errors="coerce"
            ).astype("float64"),
            "opened_precision": np.where(raw["opened"].str.len() == 7, "month", "day"),
            "closed_precision": np.where(  # type: ignore[call-overload]  # numpy's stubs reject None
                raw["closed"].isna(), None, np.where(raw["closed"].str.len() == 7, "month", "day")
            ),
            "source": str(path),
        }
    )
    return _finish(frame, name=f"sites from {path}")


def _finish(frame: pd.DataFrame, *, name: str) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(frame)
    for col in ("mission", "opened", "closed", "opened_precision", "closed_precision"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["troops"] = frame["troops"].astype("float64")
    gdf = point_frame(frame.assign(_x=frame["lon"], _y=frame["lat"]), lon="_x", lat="_y")
    gdf = gpd.GeoDataFrame(gdf[SITE_SCHEMA.names], geometry="geometry", crs=gdf.crs)
    gdf = gdf.sort_values("site_id").reset_index(drop=True)
    validate_frame(gdf, SITE_SCHEMA, name=name)
    undated = gdf["opened"].isna() & gdf["closed"].isna()
    if undated.any():
        raise SchemaError(
            f"{name}: {int(undated.sum())} site(s) without dates "
            f"({', '.join(gdf.loc[undated, 'site_id'].head(5))}); each site needs an opened or "
            "closed date"
        )
    return gdf


def sites(
    source: str | os.PathLike = "geopko",
    *,
    mission: str | None = None,
    data_dir: str | os.PathLike | None = None,
    min_troops: float | None = None,
) -> gpd.GeoDataFrame:
    """The site-period table from one source.

    Parameters
    ----------
    source
        ``"geopko"`` (needs ``mission``; for MINUSMA the shipped closure dates are merged in,
        rule 6), ``"shipped"`` (the MINUSMA withdrawal table) or the path of a user CSV.
    mission
        Mission acronym for Geo-PKO; for a CSV with a ``mission`` column, keeps that mission.
    data_dir
        Data directory for Geo-PKO (default ``$MINUSMA_DATA``).
    min_troops
        Geo-PKO only: keep locations with at least this many troops on a map
        (:func:`geopko_sites`).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`SITE_SCHEMA`.
    """
    if str(source) == "geopko":
        if not mission:
            raise ParameterError("Geo-PKO sites need a mission (e.g. mission='MINUSCA')")
        out = geopko_sites(mission, data_dir, min_troops=min_troops)
        if out["mission"].iloc[0] == "MINUSMA":
            cite, record = out.attrs["citation"], out.attrs["record"]
            out = _with_shipped_closures(out)
            out.attrs.update(citation=cite, record=record)
        return out
    if str(source) == "shipped":
        if mission and mission.strip().upper() != "MINUSMA":
            raise ParameterError(
                f"the shipped sites are MINUSMA's; for {mission} use source='geopko' or a CSV"
            )
        return shipped_sites()
    path = Path(source)
    if path.suffix.lower() != ".csv" and not path.exists():
        raise ParameterError(
            f"sites source must be one of {', '.join(SOURCES)} or a CSV path, got {str(source)!r}"
        )
    out = read_sites(path)
    if mission and out["mission"].notna().any():
        out = out[out["mission"].fillna("").str.casefold() == mission.casefold()]
        out = out.reset_index(drop=True)
    return out


def minusma_sites(data_dir: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The registry's ``sites`` layer: MINUSMA's sites from Geo-PKO, with the shipped closures.

    Parameters
    ----------
    data_dir
        Data directory holding ``geo-pko/`` (default ``$MINUSMA_DATA``).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`SITE_SCHEMA`, every Geo-PKO location of MINUSMA (troops or not) as periods,
        the 2023-2024 closures from the shipped table (rule 6).
    """
    return sites("geopko", mission="MINUSMA", data_dir=data_dir)
