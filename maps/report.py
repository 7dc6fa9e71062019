"""A one-page, self-contained, printable HTML report: map, top places, summary, timeline, caveats.

Images are embedded as ``data:`` URIs (no file beside the page, no network); every text that
comes from data is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from minusma.geo.exposure.params import ExposureParams
from minusma.geo.io import atomic_path

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_TOP", "report_html", "write_report"]

#: Places listed in the report's table of the most exposed.
DEFAULT_TOP = 15

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60em;margin:1em auto;color:#222;font-size:11pt}
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:1.4em}
table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{border:1px solid #ccc;padding:2px 4px;text-align:left;vertical-align:top}
td.n{text-align:right}img{max-width:100%}.small{font-size:.8em;color:#555}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,img{break-inside:avoid}}
"""


def _png_uri(fig, *, dpi: int = 110) -> str:
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "<td>NA</td>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<td class="n">{value:,.0f}</td>'
            if float(value).is_integer()
            else (f'<td class="n">{value:,.1f}</td>')
        )
    return f"<td>{html.escape(str(value))}</td>"


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(_cell(v) for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def report_html(
    places: pd.DataFrame,
    table: pd.DataFrame,
    *,
    map_figure,
    chart_figure,
    params: ExposureParams | None = None,
    top: int = DEFAULT_TOP,
) -> str:
    """The report as one HTML string (see the module docstring), from a Study's results.

    Parameters
    ----------
    places
        The assessment (:meth:`minusma.Study.assess`).
    table
        The summary by unit (:meth:`minusma.Study.summary`); its index name is the unit.
    map_figure, chart_figure
        The printable map and the timeline chart (matplotlib figures; closed here).
    params
        The parameters of ``places``.
    top
        How many of the most exposed places to list.

    Returns
    -------
    str
        The HTML page.
    """
    from minusma.layers.registry import get_info

    p = params if params is not None else ExposureParams()
    as_of = str(places["as_of"].iloc[0])
    ranked = places[places["exposure_rank"].notna()].head(top)
    top_table = ranked[["exposure_rank", "name", "region_2023", "exposure_class", "reasons"]]
    by = str(table.index.name)
    table = table.reset_index()
    keep = [
        by,
        "places",
        "places_high_before",
        "places_high_after",
        "places_severe_before",
        "places_severe_after",
        "census_people_high_severe_before",
        "census_people_high_severe_after",
        "places_high_severe_no_census_after",
        "places_lost_coverage",
        "single_road_places_after",
    ]
    keep += [
        c for c in ("worldpop_near_open_site_before", "worldpop_near_open_site_after") if c in table
    ]
    map_uri = _png_uri(map_figure)
    chart_uri = _png_uri(chart_figure)
    info = get_info("exposure")
    caveats = "".join(f"<li>{html.escape(c)}</li>" for c in info.caveats)
    sources = "".join(f"<li>{html.escape(s)}</li>" for s in info.sources)
    census = html.escape(str(table["census_source"].iloc[0])) if len(table) else ""
    params_text = html.escape(
        ", ".join(f"{k}={v}" for k, v in p.to_dict().items() if k != "weights")
    )
    title = html.escape(f"{info.title}, as of {as_of}")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{_CSS}</style></head><body>
<h1>{title}</h1>
<p class="small">Before = {html.escape(p.before.isoformat())}; after = {html.escape(as_of)}.
Parameters: {params_text}. Licence: {html.escape(info.licence)}.</p>
<h2>Map</h2><img alt="Map of exposure as of {html.escape(as_of)}" src="{map_uri}">
<h2>The {len(top_table)} most exposed places, with reasons</h2>{_table(top_table)}
<h2>Summary by {html.escape(by)}, before vs after</h2>{_table(table[keep])}
<p class="small">Census: {census}. NA: no place of the group has a figure (missing, not zero).</p>
<h2>Timeline of the withdrawal</h2><img alt="Timeline chart" src="{chart_uri}">
<h2>Caveats</h2><ul>{caveats}</ul>
<h2>Sources</h2><ul>{sources}</ul>
<p class="small">Attribution: {html.escape(info.attribution)}.</p>
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
