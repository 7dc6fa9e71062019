"""One output module: how every command prints a frame as a table, CSV, JSON or GeoJSON.

Commands make one Study call and hand the result here; nothing else formats data for stdout.

- CSV: UTF-8 with a byte-order mark (Excel reads accents right), numbers rounded by unit
  (:func:`rounded`), then the package's one CSV rule (:func:`minusma.geo.io.csv_text`: cells a
  spreadsheet would run as a formula neutralised, cells with line breaks quoted, CRLF rows).
- JSON: records with ``null`` for missing values and ISO dates, after a ``parameters`` block when
  the frame records its parameters (``attrs["parameters"]``).
- GeoJSON: an RFC 7946 FeatureCollection (:func:`minusma.geo.io.feature_collection`).

Headers: JSON and GeoJSON keep the machine keys. The table for people always shows the words of
the catalogue (:func:`minusma.geo.i18n.column_label`) in the chosen language; CSV keeps the keys
(what programs and existing spreadsheets read) unless labels are asked for (``headers="labels"``).
The command line sets both once for every command (``--headers``, ``--lang``;
:func:`header_settings`), so no command formats its own headers.

Tables: a command's :class:`~minusma.layouts.Layout` (:mod:`minusma.layouts`, declarative:
columns by key, headers or catalogue labels, widths, formats) is written by :func:`table_text`;
a command without one prints pandas' plain text of its frame, headers in words.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import math
import string
import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from minusma.geo.i18n import DEFAULT_LANG, LANGS

if TYPE_CHECKING:  # pragma: no cover
    from minusma.layouts import Column, Layout

logger = logging.getLogger(__name__)

__all__ = [
    "DECIMALS_BY_SUFFIX",
    "DEFAULT_HEADERS",
    "FORMATS",
    "HEADERS",
    "HeaderSettings",
    "csv_text",
    "current_headers",
    "header_settings",
    "json_records",
    "labelled",
    "number",
    "render",
    "rounded",
    "table_text",
]

#: Every format a command may print.
FORMATS = ("table", "csv", "json", "geojson")

#: CSV headers: the machine keys (as JSON), or the words people read (as the table).
HEADERS = ("keys", "labels")
#: Keys, so that programs and spreadsheets reading a command's CSV keep reading the same bytes.
DEFAULT_HEADERS = "keys"


class HeaderSettings(NamedTuple):
    """How headers are written: ``headers`` (one of :data:`HEADERS`) for CSV, ``lang`` for words."""

    headers: str
    lang: str


_DEFAULT_SETTINGS = HeaderSettings(DEFAULT_HEADERS, DEFAULT_LANG)
_SETTINGS: contextvars.ContextVar[HeaderSettings] = contextvars.ContextVar(
    "minusma_output_headers", default=_DEFAULT_SETTINGS
)


def current_headers() -> HeaderSettings:
    """The header settings in force (:func:`header_settings`; defaults: keys, English).

    Returns
    -------
    HeaderSettings
        CSV headers and language.
    """
    return _SETTINGS.get()


@contextlib.contextmanager
def header_settings(
    *, headers: str | None = None, lang: str | None = None
) -> Iterator[HeaderSettings]:
    """Within the block, write headers this way (None keeps the setting in force).

    The command line enters it once per command from ``--headers`` and ``--lang``
    (:func:`minusma.cli.options.format_option`), for every output the command writes.

    Parameters
    ----------
    headers
        One of :data:`HEADERS`, for CSV.
    lang
        One of :data:`minusma.geo.i18n.LANGS`, for the words of tables and labelled CSV.

    Yields
    ------
    HeaderSettings
        The settings in force within the block.

    Raises
    ------
    ValueError
        For a value that is not one of the choices.
    """
    now = _SETTINGS.get()
    if headers is not None and headers not in HEADERS:
        raise ValueError(f"unknown headers {headers!r}; choose from {list(HEADERS)}")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose from {list(LANGS)}")
    token = _SETTINGS.set(HeaderSettings(headers or now.headers, lang or now.lang))
    try:
        yield _SETTINGS.get()
    finally:
        _SETTINGS.reset(token)


def labelled(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """``frame`` with its column (and named index) keys replaced by the words people read.

    The words come from the catalogue (:func:`minusma.geo.i18n.column_label`); a column it has no
    words for keeps its key (tests/test_output_headers.py fails on any such column of a command).

    Parameters
    ----------
    frame
        Columns named by their keys.
    lang
        The language; default: the one in force (:func:`header_settings`).

    Returns
    -------
    pandas.DataFrame
        A shallow copy with renamed columns and index names; the values are unchanged.
    """
    from minusma.geo.i18n import column_label

    lang = lang or current_headers().lang

    def word(key: Any) -> Any:
        if not isinstance(key, str):
            return key
        label = column_label(key, lang, strict=False)
        if label == key:
            logger.debug("no header words for column %r", key)
        return label

    out = frame.rename(columns=word)
    if any(name is not None for name in out.index.names):
        out.index = out.index.set_names([word(n) for n in out.index.names])
    return out


#: Decimals kept in CSV and JSON, by the column name's unit suffix (the first match wins):
#: distances to 0.1 km, travel times to 0.01 h, scores to 0.01, shares to 0.001, people whole.
DECIMALS_BY_SUFFIX: Mapping[str, int] = {
    "_km": 1,
    "_h": 2,
    "score": 2,
    "score_change": 2,
    "_share": 3,
    "people": 0,
    "population": 0,
}

BOM = "\ufeff"


def _decimals(column: str) -> int | None:
    name = column.lower()
    for suffix, decimals in DECIMALS_BY_SUFFIX.items():
        if name.endswith(suffix) or name.startswith(suffix.strip("_") + "_"):
            return decimals
    return None


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with float columns rounded by their unit (:data:`DECIMALS_BY_SUFFIX`).

    Parameters
    ----------
    frame
        Any frame.

    Returns
    -------
    pandas.DataFrame
        Same columns; floats whose name carries no known unit keep 6 decimals.
    """
    out = frame.copy()
    for col in out.columns:
        if "rank" in str(col) and pd.api.types.is_float_dtype(out[col]):
            values = out[col].dropna()
            if (values == values.round()).all():
                out[col] = out[col].astype("Int64")
                continue
        if pd.api.types.is_float_dtype(out[col]):
            decimals = _decimals(str(col))
            out[col] = out[col].round(6 if decimals is None else decimals)
    return out


def csv_text(
    frame: pd.DataFrame,
    *,
    index: bool = False,
    headers: str | None = None,
    lang: str | None = None,
    float_format: str | None = None,
) -> str:
    """``frame`` as CSV text for spreadsheets (BOM, rounded, formula-safe).

    Parameters
    ----------
    frame
        The data (geometry columns are left out: GeoJSON carries geometry).
    index
        Write the index as the first column(s).
    headers
        ``"keys"`` or ``"labels"`` (:data:`HEADERS`); default: the setting in force
        (:func:`header_settings`, keys unless asked).
    lang
        The language of labels; default: the one in force.
    float_format
        ``%``-format of floats after rounding (e.g. ``"%.4f"``); default: as rounded.

    Returns
    -------
    str
        The CSV, starting with a byte-order mark.
    """
    from minusma.geo.io import csv_text as package_csv

    data = pd.DataFrame(frame)
    data = data.drop(columns=[c for c in data.columns if _is_geometry(data[c])])
    if index:
        data = data.reset_index()
    data = rounded(data)  # by the keys' units, before any renaming
    if (headers or current_headers().headers) == "labels":
        data = labelled(data, lang)
    # the package's one CSV rule (geo.io): formulas neutralised, CR/LF cells quoted, CRLF rows
    return BOM + package_csv(data, float_format=float_format)


def _is_geometry(series: pd.Series) -> bool:
    return str(series.dtype) == "geometry"


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def json_records(frame: pd.DataFrame, *, index: bool = False) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON-ready dicts (missing values ``None``, dates ISO, rounded).

    Parameters
    ----------
    frame
        The data (geometry columns are left out).
    index
        Include the index as the first field(s).

    Returns
    -------
    list of dict
        One dict per row, in column order.
    """
    data = pd.DataFrame(frame)
    data = data.drop(columns=[c for c in data.columns if _is_geometry(data[c])])
    if index:
        data = data.reset_index()
    data = rounded(data)
    cols = [str(c) for c in data.columns]
    return [
        {c: _json_value(v) for c, v in zip(cols, row)}
        for row in data.itertuples(index=False, name=None)
    ]


def render(
    frame: pd.DataFrame,
    fmt: str,
    *,
    table: Layout | str | Callable[[pd.DataFrame], str | pd.DataFrame] | None = None,
    key: str = "rows",
    extra: Mapping[str, Any] | None = None,
    index: bool = False,
    id_column: str | None = None,
    headers: str | None = None,
    lang: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> str:
    """The text a command prints for ``frame`` in format ``fmt``.

    Parameters
    ----------
    frame
        The command's result.
    fmt
        One of :data:`FORMATS`.
    table
        How the command lays out its table for people: its :class:`~minusma.layouts.Layout`
        or the layout's name in :data:`minusma.layouts.LAYOUTS` (written by
        :func:`table_text`); or a function giving text (finished, in words) or a frame whose
        columns are keys (labelled here); default: ``frame`` itself. A frame is printed with
        pandas' plain text, its headers in words (:func:`labelled`), missing values ``-``.
    key
        The JSON key holding the records.
    extra
        More JSON fields, before the records (e.g. the command's metadata).
    index
        Include the index in CSV and JSON.
    id_column
        GeoJSON: the features' id column.
    headers
        CSV: ``"keys"`` or ``"labels"``; default: the setting in force (:func:`header_settings`).
    lang
        Table and labelled CSV: the language of the headers; default: the one in force.
    context
        Table with a layout: fields of its title besides the frame's ``attrs``.

    Returns
    -------
    str
        The text, ending with a newline.

    Raises
    ------
    ValueError
        For an unknown format, or GeoJSON without ``id_column``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {list(FORMATS)}")
    if fmt == "table":
        if table is not None and not callable(table):
            return table_text(frame, table, lang=lang, context=context).rstrip("\n") + "\n"
        shown = table(frame) if table is not None else pd.DataFrame(frame)
        if isinstance(shown, pd.DataFrame):
            geometry = [c for c in shown.columns if _is_geometry(shown[c])]
            shown = labelled(shown.drop(columns=geometry), lang).to_string(na_rep="-")
        return shown.rstrip("\n") + "\n"
    if fmt == "csv":
        return csv_text(frame, index=index, headers=headers, lang=lang)
    if fmt == "geojson":
        from minusma.geo.io import feature_collection

        if id_column is None:
            raise ValueError("GeoJSON output needs the features' id column")
        collection = feature_collection(frame, id_column=id_column)
        return json.dumps(collection, ensure_ascii=False) + "\n"
    doc: dict[str, Any] = {}
    parameters = frame.attrs.get("parameters")
    if parameters is not None:
        doc["parameters"] = parameters
    doc.update(extra or {})
    doc[key] = json_records(frame, index=index)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# -- tables for people (the layouts of minusma.layouts) -------------------------------------------


def table_text(
    frame: pd.DataFrame,
    layout: Layout | str,
    *,
    lang: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> str:
    """``frame`` written as a table for people by ``layout``.

    Parameters
    ----------
    frame
        The command's result, holding the layout's columns (an optional column may be absent).
    layout
        A :class:`~minusma.layouts.Layout`, or its name in :data:`minusma.layouts.LAYOUTS`.
    lang
        The language of the headers (a column's ``label``) and of translated cells; default:
        the one in force (:func:`header_settings`).
    context
        Fields of the layout's ``title`` besides ``frame.attrs``.

    Returns
    -------
    str
        The table, without a final newline.

    Raises
    ------
    KeyError
        For a layout name that does not exist, or a column the frame lacks.
    """
    from minusma.geo.i18n import STRINGS, text
    from minusma.layouts import get_layout

    lay = get_layout(layout) if isinstance(layout, str) else layout
    lang = lang or current_headers().lang
    empty = lay.empty if lay.empty_label is None else text(lay.empty_label, lang)
    if empty is not None and len(frame) == 0:
        return empty
    body = _frame_table(frame, lay, lang) if lay.engine == "frame" else _grid(frame, lay, lang)
    fields = {**frame.attrs, **(context or {})}
    words = {}
    for name, prefix in lay.title_terms.items():
        key = f"{prefix}{fields.get(name)}"
        if key in STRINGS[lang]:
            words[name] = text(key, lang, **fields)
    fields.update(words)
    if lay.title_label is not None:
        return text(lay.title_label, lang, **fields) + "\n" + body
    if lay.title is None:
        return body
    return lay.title.format(**fields) + "\n" + body


def _header(column: Column, lang: str) -> str:
    """A column's header, in words people read.

    Its catalogue label in ``lang`` if the layout names one; else, in English, the layout's
    own (compact) header; else the column's words in ``lang``
    (:func:`minusma.geo.i18n.column_label`), or its key where the catalogue has none.
    """
    from minusma.geo.i18n import column_label, text

    if column.label is not None:
        return text(column.label, lang, **column.label_fields)
    if lang == "en" and column.header is not None:
        return column.header
    return column_label(column.key, lang, strict=False)


def _missing(value: Any) -> bool:
    """Whether a cell value is missing (None, NaN, NA, NaT)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not one missing value
        return False


def number(value: Any, spec: str, lang: str | None = None) -> str:
    """A number as the tables write it: ``spec``, with the language's separators.

    Parameters
    ----------
    value
        The number.
    spec
        Its format spec (``",.0f"``).
    lang
        The language; default: the one in force (:func:`header_settings`).

    Returns
    -------
    str
        The text (French: ``6 505 425``, ``0,5``).
    """
    return _number(value, spec, lang or current_headers().lang)


def _number(value: Any, spec: str, lang: str) -> str:
    """``value`` formatted by ``spec`` with ``lang``'s separators.

    French: ``52 539,5``, the thousands split by a narrow no-break space.
    """
    from minusma.geo.i18n import DECIMAL, THOUSANDS

    out = format(value, spec)
    if lang == "en":
        return out
    return out.translate({ord("."): DECIMAL[lang], ord(","): THOUSANDS[lang]})


def _interval(value: Any, low: Any, high: Any, decimals: str, lang: str) -> str:
    """``v [lo, hi]`` (the catalogue's ``interval``).

    The value alone when a bound is missing, ``-`` when the value is.
    """
    from minusma.geo.i18n import text

    spec = f".{decimals or 2}f"
    if _missing(value):
        return "-"
    if _missing(low) or _missing(high):
        return _number(value, spec, lang)
    v, lo, hi = (_number(x, spec, lang) for x in (value, low, high))
    return text("interval", lang, value=v, low=lo, high=hi)


def _size(size_bytes: Any, lang: str) -> str:
    """A size in bytes in kB (below 100 kB) or MB, one decimal; ``-`` when missing."""
    from minusma.geo.i18n import text

    if _missing(size_bytes):
        return "-"
    if size_bytes >= 100_000:
        return text("size.mb", lang, n=_number(size_bytes / 1e6, ".1f", lang))
    return text("size.kb", lang, n=_number(size_bytes / 1e3, ".1f", lang))


def _cell(row: Mapping[str, Any], column: Column, lang: str) -> str:
    """The text of one cell of a grid table."""
    from minusma.geo.i18n import term, text

    kind = column.cell
    value: Any = row.get(column.key)
    if kind == "template":
        return column.template.format(**row)
    if kind == "interval":
        k = column.key
        return _interval(value, row.get(f"{k}_low"), row.get(f"{k}_high"), column.spec, lang)
    if kind == "rank_range":
        if _missing(value):
            return ""
        said = text("towns.rank_range", lang, lo=int(row["rank_min"]), hi=int(row["rank_max"]))
        return said + (text("towns.uncertain", lang) if row.get("uncertain") else "")
    if kind == "choice":
        key = tuple(row.get(k) for k in column.keys) if column.keys else value
        choice = column.choices.get(key) if not _missing(key) else None
        return column.missing if choice is None else text(choice, lang)
    if kind == "size":
        return _size(value, lang)
    if kind == "yes_no":
        return text("popup.yes" if value else "popup.no", lang)
    if kind == "keys":
        parts = [row.get(k) for k in column.keys]
        return column.sep.join(map(str, parts)) if isinstance(parts[0], str) else ""
    if kind == "pair":
        ends = [row.get(column.key + suffix) for suffix in column.pair]
        return column.sep.join(
            column.missing if _missing(v) else _number(v, column.spec, lang) for v in ends
        )
    if _missing(value):
        return column.missing if column.missing_label is None else text(column.missing_label, lang)
    if kind == "number":
        return _number(value, column.spec, lang)
    if kind == "integer":
        return str(int(value))
    if kind == "label" and column.sep:
        kind_of = column.label_prefix.rstrip(".")
        items = [term(kind_of, part, lang) for part in str(value).split(column.sep)]
        return text("reason.sep", lang).join(items)
    if kind == "label" and column.keys:  # the words of another column's code, else the value
        from minusma.geo.i18n import STRINGS

        key = column.label_prefix + str(row.get(column.keys[0]))
        return text(key, lang) if key in STRINGS[lang] else str(value)
    if kind == "label":
        return term(column.label_prefix.rstrip("."), value, lang)
    if kind == "tagged":
        return _tagged(str(value), column.label_prefix, lang)
    return str(value)


def _tagged(value: str, prefix: str, lang: str) -> str:
    """``value`` in the catalogue, else as it is.

    ``prefix + value``, else ``prefix + tag`` filled with ``rest`` (``value`` is ``tag-rest``).
    """
    from minusma.geo.i18n import STRINGS, text

    table = STRINGS[lang]
    if prefix + value in table:
        return text(prefix + value, lang)
    tag, sep, rest = value.partition("-")
    return text(prefix + tag, lang, rest=rest) if sep and prefix + tag in table else value


def _cut(text: str, column: Column) -> str:
    """``text`` shortened to the column's ``cut`` (ending with its ``ellipsis``)."""
    if column.cut is None or len(text) <= column.cut:
        return text
    return text[: column.cut - len(column.ellipsis)] + column.ellipsis


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts, the index under ``index`` (cells read several columns)."""
    data = pd.DataFrame(frame)
    cols = [str(c) for c in data.columns]
    return [
        {"index": idx, **dict(zip(cols, row))}
        for idx, row in zip(data.index, data.itertuples(index=False, name=None))
    ]


def _needs(column: Column) -> list[str]:
    """The frame columns a layout column reads."""
    if column.cell == "pair":
        return [column.key + suffix for suffix in column.pair]
    if column.cell in ("keys", "choice") and column.keys:
        return list(column.keys)
    if column.cell == "template":
        return [f for _, f, _, _ in string.Formatter().parse(column.template) if f]
    if column.cell == "rank_range":  # the robustness columns are there or not: blank if not
        return []
    return [column.key]


def _shown(frame: pd.DataFrame, layout: Layout) -> list[Column]:
    """The layout's columns the frame can show (optional ones it lacks left out).

    Raises
    ------
    KeyError
        For a column that is not optional and reads columns the frame lacks.
    """
    shown, absent = [], []
    for column in layout.columns:
        missing = [k for k in _needs(column) if k not in frame.columns]
        if not missing:
            shown.append(column)
        elif not column.optional:
            absent += missing
    if absent:
        raise KeyError(f"the table needs column(s) {absent}, not in {list(frame.columns)}")
    return shown


def _grid(frame: pd.DataFrame, layout: Layout, lang: str) -> str:
    """A ``grid`` layout: fixed-width columns, a rule, and each row's detail below it."""
    columns = _shown(frame, layout)
    if layout.index is not None:
        columns = [layout.index, *columns]
    rows = _records(frame)
    if layout.index is not None:
        for row in rows:
            row[layout.index.key] = row["index"]
    from minusma.geo.i18n import text

    cells = [[_cut(_cell(row, c, lang), c) for c in columns] for row in rows]
    heads = [_header(c, lang) for c in columns]
    words = ["" if c.pad_label is None else text(c.pad_label, lang) for c in columns]
    pads = ["" if i == 0 else c.pad for i, c in enumerate(columns)]
    head_pads = [p + " " * len(w) for p, w in zip(pads, words)]  # the words label cells only
    pads = [p + w for p, w in zip(pads, words)]
    widths = [
        c.width
        if c.width is not None
        else max([len(h) if layout.header else 0, c.min_width, *(len(line[i]) for line in cells)])
        for i, (c, h) in enumerate(zip(columns, heads))
    ]

    def line(texts: list[str], head: bool = False) -> str:
        out = []
        for i, (c, t, w) in enumerate(zip(columns, texts, widths)):
            last = i == len(columns) - 1
            if last and not t:
                break
            pad = head_pads[i] if head else pads[i]
            out.append(pad + (t if last and c.align == "<" else f"{t:{c.align}{w}}"))
        joined = layout.indent + "".join(out)
        return joined.rstrip() if layout.strip else joined

    lines = []
    if layout.header:
        head = line(heads, head=True)
        lines.append(head)
        if layout.rule is not None:
            lines.append(layout.rule * (layout.rule_width or len(head)))
    for row, texts in zip(rows, cells):
        lines.append(line(texts))
        if layout.detail is not None:
            lines += _detail(row, layout, lang)
    return "\n".join(lines)


def _detail(row: Mapping[str, Any], layout: Layout, lang: str) -> list[str]:
    """The lines under a row: its ``detail`` column's items, wrapped as bullets."""
    from minusma.geo.i18n import text

    detail = layout.detail
    assert detail is not None
    value = row.get(detail.key)
    said = value if isinstance(value, str) else text(detail.missing_label, lang)
    out: list[str] = []
    for part in said.split(text(detail.split_label, lang)):
        out += textwrap.wrap(
            part, width=detail.width, initial_indent=detail.first, subsequent_indent=detail.rest
        )
    return out


def _frame_table(frame: pd.DataFrame, layout: Layout, lang: str) -> str:
    """A ``frame`` layout: pandas' text of the shown columns, cells built by the layout.

    Numbers are rounded by their keys' units (``round_by_unit``) before the headers become
    words; the index keeps its key in English and reads as its words in another language
    (:func:`minusma.geo.i18n.column_label`).
    """
    from minusma.geo.i18n import column_label, text

    columns = _shown(frame, layout)
    data = pd.DataFrame(frame)
    if layout.round_by_unit:
        data = rounded(data)
    shown = pd.DataFrame(index=data.index)
    rows = None
    for c in columns:
        if c.cell == "text":
            shown[_header(c, lang)] = data[c.key]
            continue
        rows = rows if rows is not None else _records(data)
        shown[_header(c, lang)] = [_cell(row, c, lang) for row in rows]
    index = shown.index
    if layout.index_labels:
        words = {v: text(k, lang) for v, k in layout.index_labels.items()}
        index = index.map(lambda v: words.get(v, v)).set_names(index.names)
    if lang != "en":
        index = index.set_names(
            [n if n is None else column_label(str(n), lang, strict=False) for n in index.names]
        )
    shown.index = index
    if layout.fill is not None:
        shown = shown.fillna(layout.fill)
    spec = layout.float_spec
    return shown.to_string(
        index=layout.show_index,
        max_colwidth=layout.max_colwidth,
        na_rep="NaN" if layout.na_rep is None else layout.na_rep,
        float_format=None if spec is None else (lambda v: _number(v, spec, lang)),
    )
