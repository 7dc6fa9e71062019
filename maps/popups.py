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
    """True for None, NaN, pandas NA/NaT and empty strings.

    Parameters
    ----------
    value
        Any value from the data.

    Returns
    -------
    bool
        True for None, ``pandas.NA``, ``pandas.NaT``, a float NaN (numpy's float64 included)
        and a string that is empty or only whitespace; False otherwise.
    """
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
    """``value`` as HTML text: ``&<>"'`` escaped; missing values give ``""``.

    Parameters
    ----------
    value
        Any value from the data.

    Returns
    -------
    str
        The escaped text of ``value``; a whole float is written as an integer (``3.0`` gives
        ``3``); ``""`` when :func:`is_missing`.
    """
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value), quote=True)


_QUOTED = ' lang="en"'


class Quoted(str):
    """Text quoted from a source as written (in English): a popup marks it ``lang="en"``."""


def quoted(value: Any) -> Quoted | None:
    """``value`` as :class:`Quoted` text (None when missing).

    Parameters
    ----------
    value
        Text quoted from a source.

    Returns
    -------
    Quoted or None
        ``str(value)`` marked as quoted; None when :func:`is_missing`.
    """
    return None if is_missing(value) else Quoted(str(value))


def quoted_html(value: Any) -> str:
    """Escaped text quoted from a source (credits, notes), marked ``lang="en"``.

    Parameters
    ----------
    value
        Text quoted from a source.

    Returns
    -------
    str
        ``<span lang="en">`` around the escaped text; ``""`` when :func:`is_missing`.
    """
    return f'<span lang="en">{esc(value)}</span>' if not is_missing(value) else ""


def name_html(value: Any) -> str:
    """A name from the data (escaped), marked ``minusma-name``.

    The class lets a reader (and the language tests) tell a name from the map's own words.

    Parameters
    ----------
    value
        A name from the data.

    Returns
    -------
    str
        ``<span class="minusma-name">`` around the escaped name (empty inside when missing).
    """
    return f'<span class="minusma-name">{esc(value)}</span>'


def link(url: Any, text: str = "source") -> str:
    """A link for an http(s) URL (opened in a new tab); anything else is shown as escaped text.

    Parameters
    ----------
    url
        The address, from the data.
    text
        The link's text (escaped).

    Returns
    -------
    str
        An ``<a>`` element with ``rel="noopener noreferrer"`` for an http(s) URL without
        spaces, quotes or angle brackets; else ``url`` itself as escaped text; ``""`` when
        :func:`is_missing`.
    """
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
        ``(label, html)`` pairs whose HTML was built by this module (links); the label is
        escaped, the HTML is not; pairs with an empty HTML are left out.

    Returns
    -------
    str
        A ``<div class="minusma-popup">`` holding the ``<h4>`` title and the table: the
        ``rows``, then the ``raw`` ones.
    """
    cells = [
        f"<tr><th>{esc(k)}</th><td{_QUOTED if isinstance(v, Quoted) else ''}>{esc(v)}</td></tr>"
        for k, v in rows
        if not is_missing(v)
    ]
    cells += [f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in raw if v]
    return f'<div class="minusma-popup"><h4>{esc(title)}</h4><table>{"".join(cells)}</table></div>'


def safe_json(obj: Any) -> str:
    r"""Compact JSON that is safe inside a ``<script>`` element.

    Parameters
    ----------
    obj
        Any JSON-serialisable value, without NaN or infinity.

    Returns
    -------
    str
        The JSON (non-ASCII kept, no spaces) with ``<``, ``>``, ``&``, U+2028 and U+2029 written
        as JSON escapes (``<`` as ``\u003c``), so it can neither close the script nor break a
        JavaScript string.

    Raises
    ------
    ValueError
        ``obj`` holds a NaN or an infinite float (JSON has none).
    TypeError
        ``obj`` holds a value JSON cannot represent.
    """
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
