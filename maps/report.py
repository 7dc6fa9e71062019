"""A self-contained, printable HTML report: map, top places, summary, timeline, caveats.

Images are embedded as ``data:`` URIs (no file beside the page, no network); every text that
comes from data is HTML-escaped. Every word is in the report's language (:mod:`minusma.geo.i18n`:
headers, reasons, classes, dates, numbers); the page fits A4 portrait when printed or saved as
PDF (fixed-width columns that wrap, the summary's before/after figures paired in one column).
"""

from __future__ import annotations

import base64
import html
import io
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd

from minusma.geo.exposure.params import ExposureParams
from minusma.geo.i18n import DECIMAL, DEFAULT_LANG, date_text, number_text, term, text
from minusma.geo.io import atomic_path
from minusma.layers.mission import mission_params
from minusma.maps.exposure import reasons_in

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from minusma.geo.exposure.assess import Context

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_TOP", "report_html", "write_report"]

#: Places listed in the report's table of the most exposed.
DEFAULT_TOP = 15

#: Page layout: A4 portrait (printed or saved as PDF from a browser), tables that wrap their
#: text in fixed columns instead of running past the page.
_CSS = """
@page{size:A4 portrait;margin:12mm}
body{font-family:system-ui,sans-serif;max-width:186mm;margin:1em auto;color:#222;font-size:10pt}
h1{font-size:1.35em}h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:1.3em}
table{border-collapse:collapse;font-size:.82em;width:100%;table-layout:fixed}
th,td{border:1px solid #ccc;padding:2px 3px;text-align:left;vertical-align:top;
overflow-wrap:anywhere;hyphens:auto}
th{background:#f2f2f2;font-weight:600}
td.n,th.n{text-align:right}img{max-width:100%}.small{font-size:.8em;color:#555}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}img{break-inside:avoid}
tr{break-inside:avoid}}
"""

#: Width (share of the page) of the columns of the most-exposed table.
_TOP_WIDTHS = (6, 15, 13, 10, 56)


def _png_uri(fig, *, dpi: int = 110) -> str:
    """``fig`` as a PNG ``data:`` URI; the figure is closed."""
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _missing(value) -> bool:
    """True for None and NaN-like values (a string is never missing)."""
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _cell(value, lang: str) -> str:
    """One table cell: numbers right-aligned in the language's separators, text escaped."""
    if _missing(value):
        return '<td class="n">NA</td>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = 0 if float(value).is_integer() else 1
        number = f"{value:,.{digits}f}".replace(",", "\u202f" if lang == "fr" else ",")
        return f'<td class="n">{number.replace(".", DECIMAL[lang])}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _table(frame: pd.DataFrame, lang: str, widths: tuple[int, ...] | None = None) -> str:
    """``frame`` as an HTML table, its columns ``widths`` per cent wide when given."""
    cols = "".join(f'<col style="width:{w}%">' for w in widths) if widths else ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(_cell(v, lang) for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _pair(before, after, lang: str) -> str:
    """``before → after`` (NA for a missing figure, the language's separators)."""

    def one(v) -> str:
        if _missing(v):
            return "NA"
        return f"{float(v):,.0f}".replace(",", "\u202f" if lang == "fr" else ",")

    return f"{one(before)} → {one(after)}"


def _summary_table(table: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """The summary by ``by`` in a few columns, each "before → after" where it changes."""

    def t(key: str) -> str:
        return text(f"report.{key}", lang)

    unknown = text("report.unknown_region", lang)
    out = pd.DataFrame(
        {
            t(by if by == "region_2023" else "unit"): [
                unknown if r == "(unknown)" else r for r in table[by]
            ],
            t("places"): table["places"],
        }
    )
    pairs = [
        ("high", "places_high"),
        ("severe", "places_severe"),
        ("census_high_severe", "census_people_high_severe"),
        ("single_road", "single_road_places"),
    ]
    if "worldpop_near_open_site_before" in table:
        pairs.append(("worldpop_near_site", "worldpop_near_open_site"))
    for key, column in pairs:
        out[t(key)] = [
            _pair(b, a, lang) for b, a in zip(table[f"{column}_before"], table[f"{column}_after"])
        ]
    out[t("no_census")] = table["places_high_severe_no_census_after"]
    out[t("lost_coverage")] = table["places_lost_coverage"]
    return out


def _parameters(p: ExposureParams, as_of: str, lang: str, preparation=None) -> str:
    """The parameters as a sentence, dates in words (``as_of`` resolved to the date assessed).

    The preparation's snapping distance and airstrip reach are added when given.
    """
    from minusma.maps.exposure import scenario

    parts = [
        text(
            "report.param_dates",
            lang,
            before=date_text(p.before_date, lang),
            after=date_text(as_of, lang),
        ),
        text(
            "report.param_model",
            lang,
            radius_km=number_text(p.radius_km, lang),
            season=text(f"season.{p.season}", lang),
            model=p.model,
            aggregation=term("aggregation", p.aggregation, lang),
            time_cap_h=number_text(p.time_cap_h, lang),
        ),
    ]
    if preparation is not None:
        parts.append(
            text(
                "report.param_preparation",
                lang,
                max_snap_km=number_text(preparation.max_snap_km, lang),
                air_reach_km=number_text(preparation.air_reach_km, lang),
            )
        )
    what_if = scenario(p)
    if what_if:
        sep = text("whatif_sep", lang)
        names = sep.join(text(f"whatif.{k}", lang, names=", ".join(v)) for k, v in what_if.items())
        parts.append(text("report.param_whatif", lang, parts=names))
    return " ".join(parts)


def report_html(
    places: pd.DataFrame,
    table: pd.DataFrame,
    *,
    map_figure: Figure,
    chart_figure: Figure,
    params: ExposureParams | None = None,
    top: int = DEFAULT_TOP,
    lang: str = DEFAULT_LANG,
    context: Context | None = None,
) -> str:
    """The report as one HTML string (see the module docstring), from a Study's results.

    Parameters
    ----------
    places
        The assessment (:meth:`minusma.Study.assess`), sorted by rank: the first ``top`` ranked
        rows are listed; its ``as_of`` is the date assessed.
    table
        The summary by unit (:meth:`minusma.Study.summary`; by 2023 region); its index name is
        the unit.
    map_figure
        The printable map (a matplotlib figure in ``lang``), embedded as PNG and closed here.
    chart_figure
        The timeline chart (:func:`maps.charts.timeline_chart`, in ``lang``), embedded as PNG
        and closed here.
    params
        The parameters of ``places`` (default :class:`geo.exposure.params.ExposureParams`).
    top
        How many of the most exposed places to list.
    lang
        The language of every word (:mod:`minusma.geo.i18n`).
    context
        The prepared context of ``places``: its preparation goes into the parameters line and,
        for another language than English, its segment labels into the reasons (required then).

    Returns
    -------
    str
        The HTML page. Caveats and sources are the registry's, quoted in English (marked
        ``lang="en"`` in another language).

    Raises
    ------
    ParameterError
        ``lang`` is not English and no ``context`` is given (:func:`maps.exposure.reasons_in`).
    """
    from minusma.layers.registry import get_info

    def t(key: str, **fields) -> str:
        return text(f"report.{key}", lang, **fields)

    p = mission_params(params)
    as_of = str(places["as_of"].iloc[0])
    ranked = places[places["exposure_rank"].notna()].head(top)
    if lang == DEFAULT_LANG:
        why = ranked["reasons"].fillna("").to_numpy()
    else:
        why = reasons_in(ranked, lang, context, empty="")
    top_table = pd.DataFrame(
        {
            t("rank"): ranked["exposure_rank"].astype("Int64"),
            t("place"): ranked["name"],
            t("region_2023"): ranked["region_2023"],
            t("class"): [text(f"class.{c}", lang) for c in ranked["exposure_class"]],
            t("why"): why,
        }
    )
    by = str(table.index.name)
    table = table.reset_index()
    map_uri = _png_uri(map_figure)
    chart_uri = _png_uri(chart_figure)
    info = get_info("exposure")
    quoted = ' lang="en"' if lang != "en" else ""
    caveats = "".join(f"<li{quoted}>{html.escape(c)}</li>" for c in info.caveats)
    sources = "".join(f"<li{quoted}>{html.escape(s)}</li>" for s in info.sources)
    census = html.escape(str(table["census_source"].iloc[0])) if len(table) else ""
    day = date_text(as_of, lang)
    title = html.escape(t("title", date=day))
    attribution = html.escape(info.attribution)
    preparation = getattr(context, "preparation", None)
    summary_title = t("summary") if by == "region_2023" else t("summary_by", unit=by)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>{_CSS}</style></head><body>
<h1>{title}</h1>
<p class="small">{html.escape(_parameters(p, as_of, lang, preparation))}
{html.escape(t("licence"))} <span lang="en">{html.escape(info.licence)}</span>.</p>
<h2>{html.escape(t("map"))}</h2><img alt="{html.escape(t("map_alt", date=day))}" src="{map_uri}">
<h2>{html.escape(t("top", n=len(top_table)))}</h2>{_table(top_table, lang, _TOP_WIDTHS)}
<h2>{html.escape(summary_title)}</h2>{_table(_summary_table(table, by, lang), lang)}
<p class="small">{html.escape(t("summary_note"))} <span{quoted}>{census}</span>.</p>
<h2>{html.escape(t("timeline"))}</h2><img alt="{html.escape(t("timeline"))}" src="{chart_uri}">
<h2>{html.escape(t("caveats"))}</h2><ul>{caveats}</ul>
<h2>{html.escape(t("sources"))}</h2><ul>{sources}</ul>
<p class="small">{html.escape(t("attribution"))} <span{quoted}>{attribution}</span>.</p>
</body></html>
"""


def write_report(path: str | os.PathLike, text: str) -> Path:
    """Write a report (:func:`report_html`) to ``path`` (UTF-8), atomically.

    Parameters
    ----------
    path
        The HTML file to write.
    text
        The page.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8", newline="\n")
    logger.info("wrote %s", path)
    return Path(path)
