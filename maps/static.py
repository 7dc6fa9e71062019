"""A static, print-ready map for reports (matplotlib): title, legend, scale bar, north arrow,
attribution.

Drawn in a local metric CRS (:func:`geo.crs.local_metric_crs`) so that the scale bar is true
at the map's centre. Same colours and symbols as the interactive map (:mod:`maps.style`).
"""

from __future__ import annotations

import logging
import os
import textwrap
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from minusma import layers
from minusma.geo._errors import ParameterError
from minusma.geo.crs import local_metric_crs
from minusma.geo.i18n import DEFAULT_LANG, date_text, text
from minusma.geo.io import atomic_path
from minusma.maps.controls import SOURCES
from minusma.maps.exposure import ExposureTimeline
from minusma.maps.style import (
    COVERAGE_NOW,
    EXPOSURE_CLASSES,
    EXPOSURE_COLOURS,
    REGION,
    REGION_CENTRAL,
    RIVER_REACHES,
    ROAD_CLASSES,
    SITE_CLOSED,
    SITE_KINDS,
    UNKNOWN_COLOUR,
)
from minusma.maps.timeline import step_index

logger = logging.getLogger(__name__)

__all__ = ["mpl_text", "png_bytes", "save_png", "static_map"]

_MARKERS = {"mission_hq": "*", "sector_hq_camp": "s", "camp": "^", "temporary_operating_base": "o"}


def _scale_bar(ax, length_km: float) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    metres = length_km * 1000
    for k in range(4):
        ax.add_patch(
            plt.Rectangle(
                (x + k * metres / 4, y),
                metres / 4,
                0.008 * (y1 - y0),
                facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black",
                lw=0.8,
                zorder=20,
            )
        )
    for k, label in ((0, "0"), (4, f"{length_km:g} km")):
        ax.text(
            x + k * metres / 4,
            y + 0.015 * (y1 - y0),
            label,
            ha="center",
            va="bottom",
            fontsize=8,
            zorder=20,
        )


def _north_arrow(ax) -> None:
    ax.annotate(
        "N",
        xy=(0.95, 0.93),
        xytext=(0.95, 0.83),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 12},
        zorder=20,
    )


def mpl_text(value: object) -> str:
    """``value`` as literal matplotlib text: ``$`` escaped, so a name never turns into mathtext."""
    return str(value).replace("$", r"\$")


def _label_towns(ax, t, scores, *, count: int, min_gap_m: float) -> list[str]:
    """Label the ``count`` most exposed towns, skipping any closer than ``min_gap_m`` to a label
    already placed (no overlaps at print size); returns the labelled names."""
    order = scores.sort_values(ascending=False, na_position="last").dropna().index
    placed: list[tuple[float, float]] = []
    names = []
    by_id = t.set_index("town_id")
    for town_id in order:
        if len(names) >= count or town_id not in by_id.index:
            continue
        pt = by_id.geometry[town_id]
        if any((pt.x - x) ** 2 + (pt.y - y) ** 2 < min_gap_m**2 for x, y in placed):
            continue
        placed.append((pt.x, pt.y))
        name = by_id.loc[town_id, "name"]
        names.append(str(name))
        ax.annotate(
            mpl_text(name),
            (pt.x, pt.y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold",
            zorder=15,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    return names


def static_map(
    exposure: ExposureTimeline,
    *,
    towns: gpd.GeoDataFrame | None = None,
    figsize: tuple[float, float] = (11.0, 9.0),
    lang: str = DEFAULT_LANG,
    labels: int = 12,
):
    """A matplotlib figure of the situation at ``exposure.params.as_of``.

    Draws a Study's results (:meth:`minusma.Study.static_map` builds them), so towns take the
    same classes as in the interactive map and ``minusma towns`` for the same Study and
    parameters.

    Parameters
    ----------
    exposure
        The towns' exposure at every step (:meth:`minusma.Study.exposure_timeline`).
    towns
        Replace the drawn towns (same schema as ``layers.towns()``).
    figsize
        Figure size in inches.
    lang
        ``"en"`` or ``"fr"``.
    labels
        How many of the most exposed towns are labelled.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(exposure, ExposureTimeline):
        raise ParameterError(
            f"static_map draws an ExposureTimeline, got {type(exposure).__name__}: use "
            "minusma.Study().static_map(...)"
        )
    p = exposure.params
    towns = layers.towns() if towns is None else towns
    bases = layers.bases()
    exposure = exposure.for_towns(towns)
    step = step_index(exposure.dates, p.as_of)
    date = exposure.dates[step]
    regions = layers.regions()
    crs = local_metric_crs(regions)
    fig, ax = plt.subplots(figsize=figsize)
    reg = regions.to_crs(crs)
    central = reg["in_central_zone"].astype(bool)
    reg[~central].plot(ax=ax, facecolor=REGION["fill"], edgecolor=REGION["colour"], lw=0.6)
    reg[central].plot(
        ax=ax, facecolor=REGION_CENTRAL["fill"], edgecolor=REGION_CENTRAL["colour"], lw=1.2
    )
    for _, row in reg[central].iterrows():
        pt = row.geometry.representative_point()
        ax.text(
            pt.x,
            pt.y,
            mpl_text(row["name"]),
            fontsize=8,
            color="#a63603",
            ha="center",
            fontweight="bold",
        )
    for cls, s in ROAD_CLASSES.items():
        roads = layers.roads()
        sub = roads[(roads["road_class"] == cls) & roads.geometry.notna()].to_crs(crs)
        if len(sub):
            sub.plot(ax=ax, color=s["colour"], lw=s["weight"] * 0.4, linestyle="--")
    river = layers.river().to_crs(crs)
    for _, row in river.iterrows():
        nav = row["navigable"]
        s = RIVER_REACHES[None if nav is None or str(nav) == "<NA>" else bool(nav)]
        gpd.GeoSeries([row.geometry], crs=crs).plot(ax=ax, color=s["colour"], lw=s["weight"] * 0.5)
    t = towns[towns.geometry.notna()].to_crs(crs)
    cls = exposure.classes.iloc[:, step].reindex(t["town_id"]).to_numpy()
    colours = [
        EXPOSURE_COLOURS.get(c, UNKNOWN_COLOUR) if isinstance(c, str) else UNKNOWN_COLOUR
        for c in cls
    ]
    ax.scatter(
        t.geometry.x, t.geometry.y, c=colours, s=22, edgecolors="#252525", linewidths=0.5, zorder=10
    )
    b = bases.to_crs(crs)
    open_ = b["closure_date"].astype(str) > date.isoformat()
    if open_.any():
        b[open_].buffer(p.radius_km * 1000.0).plot(
            ax=ax, facecolor=COVERAGE_NOW["colour"], alpha=0.12, edgecolor=COVERAGE_NOW["colour"]
        )
    scores = exposure.scores.iloc[:, step] if exposure.scores is not None else None
    if scores is not None and labels:
        _label_towns(ax, t, scores, count=labels, min_gap_m=60_000.0)
    for kind, marker in _MARKERS.items():
        for is_open in (True, False):
            sel = b[(b["kind"] == kind) & (open_ == is_open)]
            if len(sel):
                ax.scatter(
                    sel.geometry.x,
                    sel.geometry.y,
                    marker=marker,
                    s=90,
                    zorder=12,
                    c=SITE_KINDS[kind]["colour"] if is_open else SITE_CLOSED["colour"],
                    alpha=1.0 if is_open else SITE_CLOSED["opacity"],
                    edgecolors="white",
                    linewidths=0.8,
                )
    ax.set_axis_off()
    ax.set_aspect("equal")
    ax.set_title(
        mpl_text(
            text("title", lang)
            + "\n"
            + text("png_situation", lang, date=date_text(date, lang), n=int(open_.sum()), m=len(b))
        ),
        fontsize=12,
    )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor=EXPOSURE_COLOURS[c],
            markeredgecolor="#252525",
            label=mpl_text(text("png_town", lang, label=text(f"class.{c}", lang))),
        )
        for c in EXPOSURE_CLASSES
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor=UNKNOWN_COLOUR,
            markeredgecolor="#252525",
            label=mpl_text(text("no_class", lang)),
        )
    )
    handles += [
        Line2D(
            [],
            [],
            marker=m,
            ls="",
            color=SITE_KINDS[k]["colour"],
            label=mpl_text(text("png_open_site", lang, label=text(f"site.{k}", lang))),
        )
        for k, m in _MARKERS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="^",
            ls="",
            color=SITE_CLOSED["colour"],
            alpha=SITE_CLOSED["opacity"],
            label=mpl_text(text("site_closed", lang)),
        )
    )
    handles += [
        Line2D(
            [],
            [],
            color=s["colour"],
            ls="--",
            label=mpl_text(text("png_road", lang, label=text(f"road.{k}", lang))),
        )
        for k, s in ROAD_CLASSES.items()
    ]
    handles.append(
        Line2D([], [], color=RIVER_REACHES[True]["colour"], lw=2.5, label=text("river.true", lang))
    )
    handles.append(
        Patch(
            facecolor=REGION_CENTRAL["fill"],
            edgecolor=REGION_CENTRAL["colour"],
            label=mpl_text(text("png_central", lang)),
        )
    )
    handles.append(
        Patch(
            facecolor=COVERAGE_NOW["colour"],
            alpha=0.3,
            label=mpl_text(text("png_coverage", lang, radius_km=p.radius_km)),
        )
    )
    ax.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=7,
        framealpha=0.95,
        title=mpl_text(text("legend", lang)),
        title_fontsize=8,
    )
    _scale_bar(ax, 300)
    _north_arrow(ax)
    note = text("sources", lang) + ": " + "; ".join(SOURCES) + "."
    fig.text(0.01, 0.01, mpl_text(textwrap.fill(note, 210)), fontsize=6, va="bottom")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def png_bytes(fig, *, dpi: int = 200) -> bytes:
    """A figure (e.g. :func:`static_map`'s) rendered as PNG bytes, in memory, then closed.

    Parameters
    ----------
    fig
        A matplotlib figure.
    dpi
        Resolution.

    Returns
    -------
    bytes
        The PNG file's content.
    """
    import io

    try:
        buf = io.BytesIO()
        fig.savefig(buf, dpi=dpi, format="png")
    finally:
        plt.close(fig)
    return buf.getvalue()


def save_png(fig, path: str | os.PathLike, *, dpi: int = 200) -> Path:
    """Write a figure (e.g. :func:`static_map`'s) as a PNG, atomically, and close it.

    Parameters
    ----------
    fig
        A matplotlib figure.
    path
        The PNG file to write.
    dpi
        Resolution.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    data = png_bytes(fig, dpi=dpi)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    logger.info("wrote %s", path)
    return Path(path)
