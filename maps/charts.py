"""Charts for reports (matplotlib, Agg): the withdrawal's timeline, step by step.

:func:`timeline_figures` computes the figures per step from :func:`layers.assessment.timeline`;
:func:`timeline_chart` draws them on a date axis (places and people covered by an open site,
places by class); :func:`save_figure` writes PNG or SVG atomically.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import ExposureParams
from minusma.geo.io import atomic_path
from minusma.maps.style import EXPOSURE_CLASSES, EXPOSURE_COLOURS, UNKNOWN_COLOUR

logger = logging.getLogger(__name__)

__all__ = ["CHART_FORMATS", "save_figure", "timeline_chart", "timeline_figures"]

#: File formats :func:`save_figure` writes (by suffix).
CHART_FORMATS = ("png", "svg")

_SOURCES = (
    "Sources: MINUSMA site closure dates (layers/data bases); towns gazetteer with census "
    "population where known (mostly RGPH 2009, commune level); exposure model of "
    "minusma-exposure (INFORM-style; radius in the title)."
)


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
        Per step: ``step``, ``as_of``, ``sites_open``, ``places_covered``,
        ``census_people_covered`` (known figures only), ``places_covered_no_census``, one
        ``places_<class>`` column per class and ``places_unknown``; with ``data_dir``, also
        ``worldpop_people_near_open_site``
        (:func:`minusma.layers.site_population.people_near_sites`).
    """
    p = params if params is not None else ExposureParams()
    rows = []
    for (step, as_of), part in steps.groupby(["step", "as_of"], sort=True):
        covered = part[part["covered_after"] == True]  # noqa: E712 (nullable booleans)
        pop = pd.to_numeric(covered["population"], errors="coerce")
        row = {
            "step": int(step),
            "as_of": str(as_of),
            "sites_open": int(part["sites_open"].iloc[0]),
            "places_covered": len(covered),
            "census_people_covered": float(pop.sum()),
            "places_covered_no_census": int(pop.isna().sum()),
        }
        for cls in (*EXPOSURE_CLASSES, "unknown"):
            row[f"places_{cls}"] = int((part["exposure_class"] == cls).sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    if data_dir is not None:
        from minusma import layers
        from minusma.layers.site_population import people_near_sites

        people = people_near_sites(
            layers.bases(), radius_km=p.radius_km, data_dir=data_dir, before=p.before
        )
        out["worldpop_people_near_open_site"] = (
            out["as_of"].map(people.set_index("as_of")["people_within_km"]).to_numpy()
        )
    out.attrs["parameters"] = dict(steps.attrs.get("parameters") or p.to_dict())
    return out


def timeline_chart(figures: pd.DataFrame, *, figsize: tuple[float, float] = (10.0, 7.5)):
    """The timeline chart: places (and people) covered after each closure, and places by class.

    Parameters
    ----------
    figures
        :func:`timeline_figures` of a Study's timeline.
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    f = figures
    p = f.attrs.get("parameters", {})
    dates = pd.to_datetime(f["as_of"])
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=figsize)
    top.step(dates, f["places_covered"], where="post", color="#2166ac", marker="o")
    top.set_ylabel("places within reach of an open site", color="#2166ac")
    people = top.twinx()
    people.step(
        dates,
        f["census_people_covered"] / 1e3,
        where="post",
        color="#b2182b",
        ls="--",
        label="census people (known figures)",
    )
    if "worldpop_people_near_open_site" in f:
        people.step(
            dates,
            f["worldpop_people_near_open_site"] / 1e3,
            where="post",
            color="#762a83",
            ls=":",
            label="WorldPop people near an open site",
        )
    people.set_ylabel("people (thousands)", color="#b2182b")
    people.legend(loc="upper right", fontsize=8)
    top.set_title(
        f"MINUSMA withdrawal, {len(f)} steps: coverage (radius {p.get('radius_km', '?')} km)"
    )
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
            label=cls,
            edgecolor="#555555",
            linewidth=0.3,
        )
        bottom_y = bottom_y + f[f"places_{cls}"]
    bottom.set_ylim(0, float(bottom_y.max()) * 1.18)
    bottom.set_ylabel("places by exposure class")
    bottom.legend(loc="upper left", fontsize=8, ncols=5)
    bottom.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    bottom.set_xlabel("date (step: before the withdrawal, then each closure date)")
    missing = int(f["places_covered_no_census"].max())
    note = (
        f"{_SOURCES} Census people are summed over covered places with a figure; up to {missing} "
        f"covered places have none (missing, not zero). Season {p.get('season', '?')}; "
        f"before = {p.get('before', '?')}."
    )
    if "worldpop_people_near_open_site" in f:
        note += " WorldPop: density raster of the data directory (cells of about 18 km)."
    fig.text(0.01, 0.01, note, fontsize=6, va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def save_figure(fig, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Write ``fig`` as PNG or SVG (by the suffix of ``path``), atomically, and close it.

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
        with (
            atomic_path(path) as tmp,
            plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "minusma-exposure"}),
        ):
            fig.savefig(tmp, dpi=dpi, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    finally:
        plt.close(fig)
    logger.info("wrote %s", path)
    return Path(path)
