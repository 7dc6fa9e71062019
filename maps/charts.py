"""Charts for reports (matplotlib, Agg): the withdrawal's timeline, step by step.

:func:`timeline_figures` computes the figures per step from :func:`layers.assessment.timeline`;
:func:`timeline_chart` draws them on a date axis (places and people covered by an open site,
places by class), each step named by the sites that closed then, every word in the chart's
language (:mod:`minusma.geo.i18n`); :func:`save_figure` writes PNG or SVG atomically, the same
bytes for the same chart (no date, fixed SVG ids).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import ExposureParams
from minusma.geo.i18n import DEFAULT_LANG, date_text, number_text, text
from minusma.geo.io import atomic_path
from minusma.layers.mission import mission_params
from minusma.maps.style import EXPOSURE_CLASSES, EXPOSURE_COLOURS, UNKNOWN_COLOUR

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

logger = logging.getLogger(__name__)

__all__ = ["CHART_FORMATS", "save_figure", "timeline_chart", "timeline_figures"]

#: File formats :func:`save_figure` writes (by suffix).
CHART_FORMATS = ("png", "svg")

#: Salt of the SVG element ids: fixed, so that the same chart gives the same file.
SVG_HASH_SALT = "minusma-exposure"


def timeline_figures(
    steps: pd.DataFrame,
    params: ExposureParams | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """The figures of each step of the withdrawal, from a Study's timeline.

    Parameters
    ----------
    steps
        The long-form timeline (:meth:`minusma.Study.timeline`).
    params
        The parameters it was computed with (``radius_km`` and ``before`` for WorldPop).
    data_dir
        The data directory: adds the WorldPop people near an open site.

    Returns
    -------
    pandas.DataFrame
        Per step: ``step``, ``as_of``, ``sites_open``, ``sites_closed`` (the towns of the sites
        that closed on that date, ``", "``-separated; ``""`` before), ``places_covered``,
        ``census_people_covered`` (known figures only), ``places_covered_no_census``, one
        ``places_<class>`` column per class and ``places_unknown``; with ``data_dir``, also
        ``worldpop_people_near_open_site``
        (:func:`minusma.layers.site_population.people_near_sites`).
    """
    p = mission_params(params)
    from minusma.layers.bases import bases, site_town

    sites = bases()
    towns = {b: site_town(t) for b, t in zip(sites["base_id"], sites["town"])}
    rows = []
    for (step, as_of), part in steps.groupby(["step", "as_of"], sort=True):
        covered = part[part["covered_after"] == True]  # noqa: E712 (nullable booleans)
        pop = pd.to_numeric(covered["population"], errors="coerce")
        row = {
            "step": int(step),
            "as_of": str(as_of),
            "sites_open": int(part["sites_open"].iloc[0]),
            "sites_closed": ", ".join(
                towns.get(b, b)
                for b in str(part["sites_closed_on_step"].iloc[0] or "").split(";")
                if b
            ),
            "places_covered": len(covered),
            "census_people_covered": float(pop.sum()),
            "places_covered_no_census": int(pop.isna().sum()),
        }
        for cls in (*EXPOSURE_CLASSES, "unknown"):
            row[f"places_{cls}"] = int((part["exposure_class"] == cls).sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    if data_dir is not None:
        from minusma.layers.site_population import people_near_sites

        people = people_near_sites(
            sites, radius_km=p.radius_km, data_dir=data_dir, before=p.before_date
        )
        out["worldpop_people_near_open_site"] = (
            out["as_of"].map(people.set_index("as_of")["people_within_km"]).to_numpy()
        )
    out.attrs["parameters"] = dict(steps.attrs.get("parameters") or p.to_dict())
    return out


def timeline_chart(
    figures: pd.DataFrame,
    *,
    figsize: tuple[float, float] = (10.0, 7.5),
    lang: str = DEFAULT_LANG,
):
    """The timeline chart: places (and people) covered after each closure, and places by class.

    Each step is marked with the towns whose site closed then; every word is in ``lang``.

    Parameters
    ----------
    figures
        :func:`timeline_figures` of a Study's timeline.
    figsize
        Figure size in inches.
    lang
        Language of every word (:mod:`minusma.geo.i18n`).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels on one date axis: above, places covered by an open site (steps, left axis)
        and census people covered, with WorldPop people when ``figures`` has them (thousands,
        right axis); below, places by exposure class (stacked bars).
    """

    def t(key: str, **fields) -> str:
        return text(f"chart.{key}", lang, **fields)

    f = figures
    p = f.attrs.get("parameters", {})
    dates = pd.to_datetime(f["as_of"])
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=figsize)
    top.step(dates, f["places_covered"], where="post", color="#2166ac", marker="o")
    top.set_ylabel(t("places_covered"), color="#2166ac")
    if "sites_closed" in f:  # name each step by the sites that closed on its date
        for when, covered, names in zip(dates, f["places_covered"], f["sites_closed"]):
            if names:
                top.annotate(
                    names,
                    (when, covered),
                    xytext=(2, 4),
                    textcoords="offset points",
                    fontsize=6.5,
                    rotation=35,
                    color="#2166ac",
                )
    people = top.twinx()
    people.step(
        dates,
        f["census_people_covered"] / 1e3,
        where="post",
        color="#b2182b",
        ls="--",
        label=t("census_people"),
    )
    if "worldpop_people_near_open_site" in f:
        people.step(
            dates,
            f["worldpop_people_near_open_site"] / 1e3,
            where="post",
            color="#762a83",
            ls=":",
            label=t("worldpop_people"),
        )
    people.set_ylabel(t("people_thousands"), color="#b2182b")
    people.legend(loc="upper right", fontsize=8)
    radius = number_text(p["radius_km"], lang) if "radius_km" in p else "?"
    top.set_title(t("title", n=len(f), radius_km=radius))
    bottom_y = pd.Series(0, index=f.index)
    width = 6  # days: the steps are days to weeks apart
    for cls in (*EXPOSURE_CLASSES, "unknown"):
        colour = EXPOSURE_COLOURS.get(cls, UNKNOWN_COLOUR)
        bottom.bar(
            dates,
            f[f"places_{cls}"],
            bottom=bottom_y,
            width=width,
            color=colour,
            label=text(f"class.{cls}", lang) if cls != "unknown" else text("no_class", lang),
            edgecolor="#555555",
            linewidth=0.3,
        )
        bottom_y = bottom_y + f[f"places_{cls}"]
    bottom.set_ylim(0, float(bottom_y.max()) * 1.18)
    bottom.set_ylabel(t("places_by_class"))
    bottom.legend(loc="upper left", fontsize=8, ncols=5)
    bottom.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    bottom.xaxis.set_major_formatter(
        ticker.FuncFormatter(lambda x, _: date_text(mdates.num2date(x).date(), lang)[3:])
    )
    bottom.set_xlabel(t("date_axis"))
    missing = int(f["places_covered_no_census"].max())
    season = text(f"season.{p['season']}", lang) if p.get("season") else "?"
    before = date_text(p["before"], lang) if p.get("before") else "?"
    note = t("note", missing=missing, season=season, before=before)
    if "worldpop_people_near_open_site" in f:
        note += " " + t("note_worldpop")
    fig.text(0.01, 0.01, note, fontsize=6, va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Write ``fig`` as PNG or SVG (by the suffix of ``path``), atomically, and close it.

    The same chart gives the same bytes: no date in the SVG, and fixed SVG element ids
    (:data:`SVG_HASH_SALT`); SVG text stays text. The figure is closed even when writing fails.

    Parameters
    ----------
    fig
        The chart (e.g. :func:`timeline_chart`).
    path
        The file to write; its suffix (``.png`` or ``.svg``, any case) chooses the format.
    dpi
        Resolution of a PNG, in dots per inch.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        The suffix is not one of :data:`CHART_FORMATS`.
    """
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in CHART_FORMATS:
        plt.close(fig)
        raise ParameterError(f"{Path(path).name}: write a chart as .png or .svg")
    try:
        # SVG keeps its text as text (searchable, selectable), not glyph outlines
        # and a fixed hash salt makes its element ids, so its bytes, the same on every run
        rc: dict[RcKeyType, Any] = {"svg.fonttype": "none", "svg.hashsalt": SVG_HASH_SALT}
        with atomic_path(path) as tmp, plt.rc_context(rc):
            fig.savefig(tmp, dpi=dpi, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    finally:
        plt.close(fig)
    logger.info("wrote %s", path)
    return Path(path)
