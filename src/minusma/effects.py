"""How violence changed where UN sites opened or closed: events and sites into an event study.

The application wiring: :func:`run_effect` reads an events file and a site source,
:func:`site_effect` builds the unit x month panel (:mod:`minusma.geo.site_panel`) and runs the
generic estimator (:mod:`minusma.geo.event_study`) for two designs: *opening* compares units
unprotected at the start that become protected with those not yet or never protected, *closing*
units that lose their last site with those that keep theirs
(:func:`minusma.geo.event_study.switch_months`). :class:`EffectReport` holds the results
(tables, JSON, the event-study chart with its pointwise intervals and uniform band).

Units: PRIO-GRID cells, rings around sites, Mali's cercles or communes (OCHA COD, data
directory), or any country's admin units from a boundary file (``units=``,
:func:`minusma.layers.units.read_units`). With admin units the history may be ACLED's HDX admin
x month aggregate (``Admin2 Pcode``, ``Month``, ``Year``, ``Events``; read by
:func:`minusma.layers.history.read_history`) instead of event points.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from minusma.geo import event_study as es
from minusma.geo._errors import ParameterError
from minusma.geo.panel import Panel
from minusma.geo.site_panel import (
    ALL_EVENTS,
    CLUSTERS,
    DEFAULT_RADIUS_KM,
    MAX_LOCATION_KM,
    site_clusters,
    site_panel,
    site_panel_from_counts,
)
from minusma.geo.site_panel import UNITS as POINT_UNITS

logger = logging.getLogger(__name__)

__all__ = [
    "ALL_EVENTS",
    "COUNTRIES",
    "DEFAULT_RADIUS_KM",
    "MAX_LOCATION_KM",
    "MISSION_COUNTRY",
    "UNITS",
    "EffectReport",
    "effect_profile",
    "event_study_figure",
    "run_effect",
    "site_effect",
]

#: Countries named by ISO3 code, as the event files spell them (GED and ACLED agree on these).
COUNTRIES = {"MLI": "Mali", "CAF": "Central African Republic"}
#: Admin units drawn from Mali's OCHA COD polygons (data directory), with their id column.
ADMIN_UNITS = {"cercle": "cercle_pcode", "commune": "commune_pcode"}
#: Name of the units read from a user's boundary file (``units=``).
USER_UNITS = "admin"
#: Units an effect can be measured on.
UNITS = (*POINT_UNITS, *ADMIN_UNITS, USER_UNITS)
#: History layouts that are unit x month counts, not event points.
AGGREGATE_LAYOUTS = ("hdx-admin2", "hdx-admin1", "unit-month")
#: The host country of the missions the package knows.
MISSION_COUNTRY = {"MINUSMA": "MLI", "MINUSCA": "CAF"}


#: Pooled columns of :meth:`EffectReport.pooled`.
POOLED_COLUMNS = ("estimate", "low", "high", "ratio", "ratio_low", "ratio_high")


@dataclass(frozen=True)
class EffectReport:
    """Event studies of one history and one site table.

    Attributes
    ----------
    studies
        ``{outcome: {design: EventStudy | str}}``: the estimate, or why it could not be made.
    unit, radius_km, window_months, span
        Settings (``span`` as ``YYYY-MM`` first and last months).
    n_units, n_events
        Panel units and events counted in them.
    report
        What was dropped and why, with counts.
    notes
        Plain-language caveats (how little a short history can tell, and so on).
    """

    studies: dict
    unit: str
    radius_km: float
    window_months: int
    span: tuple[str, str]
    n_units: int
    n_events: int
    report: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def study(self, design: str, outcome: str = ALL_EVENTS) -> es.EventStudy:
        """The :class:`~minusma.geo.event_study.EventStudy` of a design and outcome.

        Parameters
        ----------
        design
            ``"opening"`` or ``"closing"``.
        outcome
            :data:`ALL_EVENTS` or an event type.

        Returns
        -------
        minusma.geo.event_study.EventStudy
            The estimate.

        Raises
        ------
        ParameterError
            If it could not be estimated (the message says why).
        """
        got = self.studies.get(outcome, {}).get(design)
        if not isinstance(got, es.EventStudy):
            raise ParameterError(f"no {design} estimate for {outcome}: {got}")
        return got

    def effect_by_event_time(self, design: str = "closing") -> pd.Series:
        """Change in events per unit and month by months since the switch (for forecasts).

        Parameters
        ----------
        design
            ``"opening"`` or ``"closing"``.

        Returns
        -------
        pandas.Series
            Index ``k``, the all-events point estimates.
        """
        return self.study(design).effect_by_event_time()

    def save_chart(self, path: str | os.PathLike, *, outcome: str = ALL_EVENTS) -> Path:
        """Write :func:`event_study_figure` as SVG or PNG, atomically.

        The SVG is deterministic (fixed hash salt, no date).

        Parameters
        ----------
        path
            ``.svg`` or ``.png`` file.
        outcome
            The outcome drawn.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        import matplotlib.pyplot as plt

        from minusma.maps.charts import save_figure

        with plt.rc_context({"svg.hashsalt": "minusma-effect"}):
            return save_figure(event_study_figure(self, outcome=outcome), path)

    def table(self) -> pd.DataFrame:
        """One row per outcome, design and event time.

        Returns
        -------
        pandas.DataFrame
            ``outcome, design, k, estimate, se, low, high`` (pointwise), ``band_low,
            band_high`` (uniform band), ``ratio, n_treated``.
        """
        rows = []
        for outcome, designs in self.studies.items():
            for design, st in designs.items():
                if isinstance(st, es.EventStudy):
                    t = st.event_time.assign(outcome=outcome, design=design)
                    rows.append(t)
        cols = ["outcome", "design", "k", "estimate", "se", "low", "high", "band_low", "band_high"]
        cols += ["ratio", "n_treated"]
        if not rows:
            return pd.DataFrame(columns=cols)
        return pd.concat(rows, ignore_index=True)[cols]

    def pooled(self) -> pd.DataFrame:
        """One row per outcome and design: pooled effect, interval, ratio, pre-trend, placebo.

        Returns
        -------
        pandas.DataFrame
            ``outcome, design, estimate, low, high, ratio, ratio_low, ratio_high,
            band_critical_value, pretrend_p, placebo_p, n_treated, n_units, note``.
        """
        rows = []
        for outcome, designs in self.studies.items():
            for design, st in designs.items():
                if isinstance(st, es.EventStudy):
                    rows.append(
                        {
                            "outcome": outcome,
                            "design": design,
                            **{k: st.pooled[k] for k in POOLED_COLUMNS},
                            "band_critical_value": st.band.get("critical_value", np.nan),
                            "pretrend_p": st.pretrend["p"],
                            "placebo_p": st.placebo["p"],
                            "n_treated": st.n_treated,
                            "n_units": st.n_units,
                            "note": "",
                        }
                    )
                else:
                    rows.append({"outcome": outcome, "design": design, "note": str(st)})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """The report as plain values, ready for JSON.

        Returns
        -------
        dict
            The all-events estimates at the top (``pooled``, ``event_time`` with
            ``band_low``/``band_high``, ``band_level``, ``band_critical_value``, ``pretrend_p``,
            ``placebo_p`` by design), every outcome under ``outcomes``, the settings, the
            report of drops and the notes.
        """
        main = self.studies.get(ALL_EVENTS, {})

        def part(design, key):
            st = main.get(design)
            return st.to_dict()[key] if isinstance(st, es.EventStudy) else None

        event_time = []
        for design, st in main.items():
            if isinstance(st, es.EventStudy):
                for row in st.to_dict()["event_time"]:
                    event_time.append({"design": design, **row})
        return {
            "pooled": {
                d: (
                    {**st.to_dict()["pooled"], "n_treated": st.n_treated}
                    if isinstance(st, es.EventStudy)
                    else {"not_estimable": str(st)}
                )
                for d, st in main.items()
            },
            "event_time": event_time,
            "band_level": 1 - es.DEFAULT_ALPHA,
            "band_critical_value": {d: part(d, "band_critical_value") for d in main},
            "pretrend_p": {d: part(d, "pretrend_p") for d in main},
            "placebo_p": {d: part(d, "placebo_p") for d in main},
            "n_units": self.n_units,
            "n_treated": {d: part(d, "n_treated") for d in main},
            "n_events": self.n_events,
            "unit": self.unit,
            "radius_km": self.radius_km,
            "window_months": self.window_months,
            "span": list(self.span),
            "outcomes": {
                o: {
                    d: (st.to_dict() if isinstance(st, es.EventStudy) else {"not_estimable": st})
                    for d, st in ds.items()
                }
                for o, ds in self.studies.items()
            },
            "report": self.report,
            "notes": list(self.notes),
            "method": "Callaway & Sant'Anna (2021), not-yet- and never-switched comparison units, "
            "universal base month k=-1; pointwise intervals clustered by unit; uniform band over "
            "event times: sup-t critical value from a multiplier bootstrap of the clustered "
            "influence functions (Rademacher, as the did package's mboot); ratio interval: delta "
            "method on the joint influence of the effect and the switched units' mean; placebo: "
            "switch months shuffled across units",
            "citation": "Geo-PKO: Cil, Fjelde, Hultman & Nilsson (2020), Journal of Peace "
            "Research 57(2)",
        }


def site_effect(
    events: gpd.GeoDataFrame | Panel,
    sites: gpd.GeoDataFrame,
    *,
    unit: str = "grid",
    radius_km: float = DEFAULT_RADIUS_KM,
    window_months: int = es.DEFAULT_WINDOW_MONTHS,
    span: tuple[str, str] | None = None,
    boundary: object | None = None,
    by_type: bool = False,
    placebo_draws: int = es.DEFAULT_PLACEBO_DRAWS,
    seed: int = 0,
    polygons: gpd.GeoDataFrame | None = None,
    cluster: str = "unit",
    band_draws: int = es.DEFAULT_BAND_DRAWS,
) -> EffectReport:
    """Event studies of violence around site openings and closings.

    Parameters
    ----------
    events
        The event frame of :mod:`minusma.layers.events` (``date, date_precision, lat, lon,
        location_precision_km, event_type``), or unit x month counts over ``polygons`` (a
        :class:`minusma.geo.panel.Panel`, e.g. an HDX admin aggregate through
        :func:`minusma.layers.history.to_panel`; its span is the history's).
    sites
        The site-period table of :mod:`minusma.layers.sites`.
    unit
        ``"grid"`` (PRIO-GRID cells), ``"sites"`` (rings around each site location),
        ``"cercle"``, ``"commune"`` or ``"admin"`` (admin polygons given as ``polygons``).
    radius_km
        A site within this distance of a unit's point, or of its polygon (0 inside), protects
        it (and, for ``"sites"``, the ring in which events are counted).
    window_months
        Event times ``-window..+window``.
    span
        ``(first, last)`` month ``YYYY-MM`` of the history; default the first to the last
        event's month. Event points only.
    boundary
        Study area (polygon or frame); default the convex hull of events and sites.
    by_type
        Also estimate each event type separately (event points only).
    placebo_draws
        Placebo shuffles of the switch months.
    seed
        Seed of the placebo and of the band's bootstrap.
    polygons
        Admin units with a ``unit_id`` column (:func:`minusma.geo.site_panel.site_panel`).
    cluster
        ``"unit"`` or ``"site"``: cluster the standard errors by unit or by the nearest site
        location within ``radius_km`` (:data:`CLUSTERS`).
    band_draws
        Multiplier-bootstrap draws of the uniform band (0: none).

    Returns
    -------
    EffectReport
        One event study per outcome and design.

    Raises
    ------
    ParameterError
        Unknown unit, no events or no sites, every event outside the study area, a window not
        shorter than the history, an aggregate without polygons or with ``by_type``, missing
        unit-months.
    """
    if polygons is None and unit not in POINT_UNITS:
        if unit in ADMIN_UNITS or unit == USER_UNITS:
            raise ParameterError(
                f"unit {unit!r} needs its polygons: give a data directory (Mali's OCHA COD "
                "admin units) or a units file, or use unit='grid'"
            )
        raise ParameterError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if isinstance(events, Panel):
        if polygons is None:
            raise ParameterError(
                "an aggregate history counts events per admin unit: give its units as polygons "
                "(--units FILE, or --unit cercle for Mali), not grid cells or rings"
            )
        if by_type:
            raise ParameterError(
                "an aggregate history has no event types: drop --by type, or give event points"
            )
        panel = site_panel_from_counts(events, polygons, sites, radius_km=radius_km)
    else:
        panel = site_panel(
            events,
            sites,
            unit=unit,
            radius_km=radius_km,
            span=span,
            boundary=boundary,
            by_type=by_type,
            polygons=polygons,
        )
    n_months = panel.status.shape[1]
    if window_months >= n_months:
        first, last = panel.span
        raise ParameterError(
            f"a window of {window_months} months is longer than the history "
            f"({n_months} months, {first}..{last}); give --window {n_months - 1} or less"
        )
    if cluster not in CLUSTERS:
        raise ParameterError(f"cluster must be one of {', '.join(CLUSTERS)}, got {cluster!r}")
    labels = (
        site_clusters(panel, sites, radius_km, polygons=polygons) if cluster == "site" else None
    )
    studies: dict = {}
    for name, counts in panel.counts.items():
        studies[name] = {}
        for design in es.DESIGNS:
            switch, eligible = es.switch_months(panel.status, design)
            try:
                studies[name][design] = es.estimate(
                    counts[eligible],
                    switch[eligible],
                    window_months=window_months,
                    placebo_draws=placebo_draws,
                    band_draws=band_draws,
                    seed=seed,
                    clusters=None if labels is None else labels[eligible],
                )
            except es.NotEstimableError as exc:
                studies[name][design] = f"not estimable: {exc}"
    return EffectReport(
        studies=studies,
        unit=unit,
        radius_km=float(radius_km),
        window_months=int(window_months),
        span=panel.span,
        n_units=len(panel.unit_ids),
        n_events=panel.n_events,
        report=panel.report,
        notes=_notes(studies, panel.n_events, n_months),
    )


def effect_profile(
    events: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    radii_km: tuple[float, ...] = (25.0, 50.0, 100.0),
    design: str = "closing",
    window_months: int = es.DEFAULT_WINDOW_MONTHS,
    span: tuple[str, str] | None = None,
    boundary: object | None = None,
) -> pd.DataFrame:
    """The estimated effect over distance and time: the shape a forecast feature can take.

    Parameters
    ----------
    events
        The event frame (:func:`site_effect`); grid units, all events, no placebo.
    sites
        The site-period table.
    radii_km
        Protection radii to estimate at.
    design
        ``"opening"`` or ``"closing"``.
    window_months
        Event times ``-window..+window``.
    span
        ``(first, last)`` month ``YYYY-MM`` of the history.
    boundary
        Study area (:func:`site_effect`).

    Returns
    -------
    pandas.DataFrame
        Index ``k`` (months since the switch, ``-window..window``), one column per radius: the
        change in events per cell and month (NaN where the design is not estimable at that
        radius). Estimate it on months before a forecast's origin only.
    """
    columns = {}
    for radius_km in radii_km:
        report = site_effect(
            events,
            sites,
            radius_km=radius_km,
            window_months=window_months,
            span=span,
            boundary=boundary,
            placebo_draws=0,
            band_draws=0,
        )
        got = report.studies[ALL_EVENTS][design]
        ks = range(-window_months, window_months + 1)
        columns[float(radius_km)] = (
            got.effect_by_event_time()
            if isinstance(got, es.EventStudy)
            else pd.Series(np.nan, index=pd.Index(ks, name="k"))
        )
    out = pd.DataFrame(columns)
    out.columns.name = "radius_km"
    return out


def _notes(studies: dict, n_events: int, n_months: int) -> list[str]:
    notes = []
    main = studies.get(ALL_EVENTS, {})
    for design, st in main.items():
        if not isinstance(st, es.EventStudy):
            notes.append(f"{design}: {st}")
            continue
        notes.extend(f"{design}: {n}" for n in st.notes)
        if st.n_treated < 10:
            notes.append(
                f"{design}: only {st.n_treated} unit(s) switch; the estimate rests on very few "
                "units and its interval is wide"
            )
        if st.pretrend["p"] < 0.05:
            notes.append(
                f"{design}: the leads are jointly non-zero (pre-trend p = "
                f"{st.pretrend['p']:.3f}); parallel trends are doubtful"
            )
    if n_events < 200 or n_months < 36:
        notes.append(
            f"the history holds {n_events} events over {n_months} months: too little to tell an "
            "effect of the size the literature reports from noise; give a longer ACLED or GED "
            "export (--history)"
        )
    return notes


def event_study_figure(report: EffectReport, *, outcome: str = ALL_EVENTS):
    """The standard event-study plot: estimate, pointwise intervals and uniform band by month.

    One panel per design (opening, closing) of ``outcome``; the uniform band shaded light, the
    pointwise intervals darker; reference month ``k = -1`` and zero marked.

    Parameters
    ----------
    report
        The effects to draw.
    outcome
        The outcome drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`minusma.maps.charts.save_figure`.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    designs = report.studies.get(outcome, {})
    fig, axes = plt.subplots(1, len(designs), figsize=(5 * len(designs), 3.6), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, (design, st) in zip(axes, designs.items()):
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(-0.5, color="0.5", lw=0.8, ls="--")
        if isinstance(st, es.EventStudy):
            t = st.event_time
            level = f"{st.band.get('level', 1 - st.alpha):.0%}"
            if np.isfinite(t["band_low"]).any():
                ax.fill_between(
                    t["k"],
                    t["band_low"],
                    t["band_high"],
                    color="#deebf7",
                    lw=0,
                    label=f"{level} uniform band (all k at once)",
                )
            ax.fill_between(
                t["k"], t["low"], t["high"], color="#9ecae1", lw=0, label=f"{level} pointwise"
            )
            ax.plot(t["k"], t["estimate"], "o-", color="#08519c", ms=2.5, lw=1)
            ax.legend(loc="upper left", fontsize=6, frameon=False)
            p = st.pooled
            ax.set_title(
                f"{design}: {p['estimate']:+.3f} events/unit/month "
                f"[{p['low']:+.3f}, {p['high']:+.3f}]\n"
                f"{st.n_treated} units switch; pre-trend p={st.pretrend['p']:.2f}, "
                f"placebo p={st.placebo['p']:.2f}",
                fontsize=8,
            )
        else:
            ax.text(
                0.5,
                0.5,
                str(st),
                ha="center",
                va="center",
                wrap=True,
                fontsize=8,
                transform=ax.transAxes,
            )
            ax.set_title(design, fontsize=8)
        ax.set_xlabel("months since the switch (k)")
    axes[0].set_ylabel(f"change in {outcome} per unit and month")
    fig.suptitle(
        f"{report.unit} units, sites within {report.radius_km:g} km, "
        f"{report.span[0]}..{report.span[1]}",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def _country(country: str | None, mission: str | None) -> tuple[str | None, str | None]:
    """(ISO3 or None, the name event files use) from --country or the mission's host."""
    if country is None and mission is not None:
        country = MISSION_COUNTRY.get(mission.strip().upper())
    if country is None:
        return None, None
    code = country.strip().upper()
    if code in COUNTRIES:
        return code, COUNTRIES[code]
    by_name = {v.casefold(): k for k, v in COUNTRIES.items()}
    return by_name.get(country.strip().casefold()), country.strip()


def _polygons(
    unit: str, iso3: str | None, name: str | None, data_dir, units, units_id, units_name
) -> gpd.GeoDataFrame | None:
    """The admin polygons of ``unit`` with a ``unit_id`` column, or None for point units."""
    if units is not None:
        if isinstance(units, gpd.GeoDataFrame):
            return units
        from minusma.layers.units import read_units

        return read_units(units, id_column=units_id, name_column=units_name)
    if unit in ADMIN_UNITS:
        if iso3 != "MLI":
            raise ParameterError(
                f"unit {unit!r} exists for Mali only (OCHA COD); use --unit grid for {name}, "
                "or give that country's admin units with --units FILE"
            )
        from minusma.layers import admin

        loader = admin.cercles if unit == "cercle" else admin.communes
        return loader(data_dir).rename(columns={ADMIN_UNITS[unit]: "unit_id"})
    return None


def _aggregate_panel(history, polygons, *, unit, span, data_dir) -> tuple[Panel, dict]:
    """Unit x month counts of an aggregate history file over ``polygons``."""
    from minusma.layers.history import read_history, to_panel

    if polygons is None:
        raise ParameterError(
            f"{history}: an aggregate history counts events per admin unit; give its units "
            "with --units FILE (polygons whose ids are the file's P-codes), or --unit cercle for "
            "Mali's admin-2 units"
        )
    ids = polygons["unit_id"].astype(str)
    # a user's units check the table's P-codes; Mali's are checked against the OCHA COD of the
    # table's own level (an admin-1 table is then refused for cercles by its level)
    known = set(ids) if unit == USER_UNITS else None
    read = read_history(history, data_dir=data_dir, span=span, unit_ids=known)
    units = polygons.assign(unit_id=ids)
    # Mali's units are of a known level (an admin-1 table cannot serve cercles); a user's units
    # are of the level the table gives
    level = unit if unit in ADMIN_UNITS else (read.level or USER_UNITS)
    panel = to_panel(read, units, "unit_id", level=level)
    return panel, {"layout": read.layout, **read.report}


def run_effect(
    *,
    history: str | os.PathLike | None = None,
    sites: str | os.PathLike | gpd.GeoDataFrame = "geopko",
    mission: str | None = None,
    country: str | None = None,
    data_dir: str | os.PathLike | None = None,
    unit: str | None = None,
    units: str | os.PathLike | gpd.GeoDataFrame | None = None,
    units_id: str | None = None,
    units_name: str | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    window_months: int = es.DEFAULT_WINDOW_MONTHS,
    span: tuple[str, str] | None = None,
    by_type: bool = False,
    placebo_draws: int = es.DEFAULT_PLACEBO_DRAWS,
    seed: int = 0,
    min_troops: float | None = None,
    cluster: str = "unit",
) -> EffectReport:
    """:func:`site_effect` from files: a history file, a site source and optionally units.

    Parameters
    ----------
    history
        Event points (an ACLED export, a UCDP GED CSV or GeoJSON, a file in the shipped schema)
        or, with admin units, an aggregate (ACLED's HDX admin-2 or admin-1 x month table, or a
        CSV ``unit_id, month, events``; :func:`minusma.layers.history.read_history`); ``None``:
        the shipped Mali events (one year: the result says how little it can tell).
    sites
        ``"geopko"``, ``"shipped"`` or a CSV path (:func:`minusma.layers.sites.sites`), or a
        site-period frame.
    mission
        Mission acronym (default MINUSMA); picks Geo-PKO's sites and the host country.
    country
        ISO3 code (``MLI``, ``CAF``) or the country's name as the event file spells it;
        default the mission's host. Mali's events are checked against Mali's bounds and its
        study area is the shipped Natural Earth regions; elsewhere the units' polygons, else
        the convex hull of events and sites.
    data_dir
        Data directory (Geo-PKO, Mali's OCHA COD units).
    unit
        ``"grid"``, ``"sites"``, ``"cercle"``, ``"commune"``; default ``"grid"``, or
        ``"admin"`` with ``units``.
    units
        A GeoJSON or GeoPackage of admin polygons of any country
        (:func:`minusma.layers.units.read_units`), or such a frame with ``unit_id``: the units
        of the panel.
    units_id
        The id column of ``units`` (default: found by its usual names).
    units_name
        The name column of ``units`` (default: found by its usual names).
    radius_km
        Protection radius (:func:`site_effect`).
    window_months
        Event times ``-window..+window``.
    span
        ``(first, last)`` month ``YYYY-MM`` of the history.
    by_type
        Also each event type (event points only).
    placebo_draws
        Placebo shuffles of the switch months.
    seed
        Seed of the placebo and the band.
    min_troops
        Geo-PKO: keep site periods with at least this many troops (``1``: troop sites only).
    cluster
        ``"unit"`` or ``"site"`` (:func:`site_effect`).

    Returns
    -------
    EffectReport
        With ``report`` naming the history, its layout and what was dropped.

    Raises
    ------
    ParameterError
        ``unit`` and ``units`` both given, an aggregate history without admin units, and the
        errors of :func:`site_effect`.
    """
    from minusma.layers.events import MALI_BOUNDS, read_events
    from minusma.layers.history import detect_layout
    from minusma.layers.sites import sites as load_sites

    if units is not None and unit not in (None, USER_UNITS):
        raise ParameterError(f"--units FILE gives the units: drop --unit {unit}")
    unit = unit or (USER_UNITS if units is not None else "grid")
    mission = (mission or "MINUSMA").strip().upper()
    iso3, name = _country(country, mission)
    polygons = _polygons(unit, iso3, name, data_dir, units, units_id, units_name)
    table = (
        sites
        if isinstance(sites, gpd.GeoDataFrame)
        else load_sites(sites, mission=mission, data_dir=data_dir, min_troops=min_troops)
    )
    layout = detect_layout(history) if history is not None else "shipped"
    source: gpd.GeoDataFrame | Panel
    if layout in AGGREGATE_LAYOUTS:
        source, read_report = _aggregate_panel(
            history, polygons, unit=unit, span=span, data_dir=data_dir
        )
    else:
        source = read_events(history, country=name, bounds=MALI_BOUNDS if iso3 == "MLI" else None)
        read_report = source.attrs.get("dropped", {})
    boundary = None
    if units is not None:
        boundary = polygons
    elif iso3 == "MLI":
        from minusma.layers.regions import regions

        boundary = regions()
    report = site_effect(
        source,
        table,
        unit=unit,
        radius_km=radius_km,
        window_months=window_months,
        span=span,
        boundary=boundary,
        by_type=by_type,
        placebo_draws=placebo_draws,
        seed=seed,
        polygons=polygons,
        cluster=cluster,
    )
    report.report["history"] = str(history) if history is not None else "shipped events"
    report.report["history_layout"] = layout
    report.report["events_file"] = read_report
    report.report["mission"] = mission
    report.report["country"] = name
    if units is not None and not isinstance(units, gpd.GeoDataFrame):
        report.report["units"] = str(units)
    return report
