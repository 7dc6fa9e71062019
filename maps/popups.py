"""HTML for popups, tooltips and labels: every string that comes from data is escaped here.

folium does not escape for us: ``folium.Popup`` pastes its HTML into a JavaScript template
literal, so a name holding ``${...}`` or ``</script>`` would run as code. The map parts therefore
never hand data to ``folium.Popup``/``folium.Tooltip``: they put pre-escaped HTML into GeoJSON
properties (serialised with :func:`safe_json` or folium's ``tojson``) and bind it in JavaScript.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "Quoted",
    "esc",
    "is_missing",
    "link",
    "name_html",
    "quoted",
    "quoted_html",
    "safe_json",
    "table",
]

_URL = re.compile(r"^https?://[^\s\"'<>`]+$", re.IGNORECASE)


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and empty strings."""
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def esc(value: Any) -> str:
    """``value`` as HTML text: ``&<>"'`` escaped; missing values give ``""``."""
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value), quote=True)


_QUOTED = ' lang="en"'


class Quoted(str):
    """Text quoted from a source as written (in English): a popup marks it ``lang="en"``."""


def quoted(value: Any) -> Quoted | None:
    """``value`` as :class:`Quoted` text (None when missing)."""
    return None if is_missing(value) else Quoted(str(value))


def quoted_html(value: Any) -> str:
    """Escaped text quoted from a source (credits, notes), marked ``lang="en"``."""
    return f'<span lang="en">{esc(value)}</span>' if not is_missing(value) else ""


def name_html(value: Any) -> str:
    """A name from the data (escaped), marked ``minusma-name`` so that a reader (and the
    language tests) tells it from the map's own words."""
    return f'<span class="minusma-name">{esc(value)}</span>'


def link(url: Any, text: str = "source") -> str:
    """A link for an http(s) URL (opened in a new tab); anything else is shown as escaped text."""
    if is_missing(url):
        return ""
    url = str(url).strip()
    if not _URL.match(url):
        return esc(url)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


def table(
    title: Any, rows: Iterable[tuple[str, Any]], *, raw: Iterable[tuple[str, str]] = ()
) -> str:
    """A popup: an escaped title and a two-column table of escaped label/value rows.

    Parameters
    ----------
    title
        Heading (data; escaped).
    rows
        ``(label, value)`` pairs; missing values are left out; both are escaped; a
        :class:`Quoted` value (text quoted from a source) is marked ``lang="en"``.
    raw
        ``(label, html)`` pairs whose HTML was built by this module (links); the label is escaped.
    """
    cells = [
        f"<tr><th>{esc(k)}</th><td{_QUOTED if isinstance(v, Quoted) else ''}>{esc(v)}</td></tr>"
        for k, v in rows
        if not is_missing(v)
    ]
    cells += [f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in raw if v]
    return f'<div class="minusma-popup"><h4>{esc(title)}</h4><table>{"".join(cells)}</table></div>'


def safe_json(obj: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element (no ``<``, ``>``, ``&``,
    U+2028/9)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text
