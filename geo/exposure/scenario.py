"""The difference between two assessments (two dates, or a what-if against the baseline).

A what-if is an evaluation with other parameters:
``evaluate(ctx, params.replace(close=["Ber"], close_roads=["Diré–Goundam"]))``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.geo.exposure.params import ExposureParams, check_hub_key
from minusma.geo.i18n import text

logger = logging.getLogger(__name__)

__all__ = ["DIFF_COLUMNS", "REASON_SEPARATOR", "WHAT_IF_FIELDS", "comparison", "diff"]

#: The fields of :class:`~minusma.geo.exposure.params.ExposureParams` that make a what-if.
WHAT_IF_FIELDS = ("close", "keep", "close_roads", "disabled_links", "disabled_operators")

#: Indicators compared by :func:`diff` (``{hub}``: the hub's key, the prefix of its columns).
DIFF_COLUMNS = (
    "base_after_km",
    "{hub}_road_km",
    "{hub}_travel_h",
    "{hub}_routes",
    "exposure_score",
)


#: How the ``reasons`` of an assessment are joined.
REASON_SEPARATOR = "; "


def _reason_list(value: object, sep: str = REASON_SEPARATOR) -> list[str]:
    if not isinstance(value, str):
        return []
    return [r.strip() for r in value.split(sep.strip()) if r.strip()]


def _joined(these: list[str], minus: list[str], sep: str = REASON_SEPARATOR) -> str | None:
    other = set(minus)
    kept = [r for r in these if r not in other]
    return sep.join(kept) or None


def diff(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    id_column: str = "town_id",
    hub_key: str,
    sep: str = REASON_SEPARATOR,
) -> pd.DataFrame:
    """What changes from assessment ``a`` to assessment ``b``, per place.

    Parameters
    ----------
    a
        The first assessment (a frame with the columns of :data:`DIFF_COLUMNS`,
        ``exposure_class``, ``exposure_rank`` and ``exposure_reasons``).
    b
        The second assessment, of the same places; a place in only one of them gets NaN on the
        other side.
    id_column
        The place id column both frames share.
    hub_key
        The hub's key (``Context.hub_key``), which names the road columns compared.
    sep
        The separator of the reasons in both frames' ``reasons`` (the language's
        ``reason.sep``: ``"; "`` in English, ``" ; "`` in French), joining the changed ones too.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id_column``, sorted by the change of exposure (largest rise first): for every
        column of :data:`DIFF_COLUMNS`, ``<col>_a``, ``<col>_b`` and ``<col>_change`` (b - a; NaN
        when either is missing), plus ``class_a``, ``class_b``, ``class_changed``,
        ``rank_a``, ``rank_b``, ``reasons_a``, ``reasons_b``, and the reasons that changed:
        ``reasons_added`` (in b, not in a) and ``reasons_removed`` (in a, not in b), each
        ``; ``-joined in b's (resp. a's) order, None when there is none.
    """
    compared = [c.format(hub=check_hub_key(hub_key)) for c in DIFF_COLUMNS]
    for label, frame in (("a", a), ("b", b)):
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(
                f"diff: {label} must be an assessment (the frame assess() returns), got "
                f"{type(frame).__name__}"
            )
        need = [id_column, "exposure_class", "exposure_rank", "reasons", *compared]
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ParameterError(
                f"diff: {label} lacks the column(s) {missing[:6]}: pass two frames returned by "
                f"assess() (with id_column={id_column!r})"
            )
    left, right = a.set_index(id_column), b.set_index(id_column)
    out = pd.DataFrame(index=left.index.union(right.index, sort=True))
    for col in compared:
        x = (
            pd.to_numeric(left[col].astype("Float64"), errors="coerce")
            .reindex(out.index)
            .astype("float64")
        )
        y = (
            pd.to_numeric(right[col].astype("Float64"), errors="coerce")
            .reindex(out.index)
            .astype("float64")
        )
        out[f"{col}_a"], out[f"{col}_b"], out[f"{col}_change"] = x, y, y - x
    out["class_a"] = left["exposure_class"].reindex(out.index)
    out["class_b"] = right["exposure_class"].reindex(out.index)
    out["class_changed"] = out["class_a"] != out["class_b"]
    out["rank_a"] = left["exposure_rank"].reindex(out.index)
    out["rank_b"] = right["exposure_rank"].reindex(out.index)
    out["reasons_a"] = left["reasons"].reindex(out.index)
    out["reasons_b"] = right["reasons"].reindex(out.index)
    parts_a = [_reason_list(v, sep) for v in out["reasons_a"]]
    parts_b = [_reason_list(v, sep) for v in out["reasons_b"]]
    out["reasons_added"] = [_joined(b, a, sep) for a, b in zip(parts_a, parts_b)]
    out["reasons_removed"] = [_joined(a, b, sep) for a, b in zip(parts_a, parts_b)]
    key = out["exposure_score_change"].fillna(-np.inf)
    return out.loc[key.sort_values(ascending=False, kind="stable").index]


def comparison(
    params: ExposureParams, dates: Sequence[Any] = (), lang: str = "en"
) -> tuple[ExposureParams, ExposureParams, str]:
    """The two assessments a comparison runs: two dates, or a what-if against its baseline.

    Parameters
    ----------
    params
        The parameters, with or without a what-if (:data:`WHAT_IF_FIELDS`).
    dates
        Two dates (the what-if, if any, applies to both), or at most one date with a what-if.
    lang
        The language of ``label`` (:mod:`minusma.geo.i18n`).

    Returns
    -------
    a, b : ExposureParams
        The two sets of parameters.
    label : str
        What ``a`` and ``b`` are, in words.

    Raises
    ------
    ParameterError
        Neither two dates nor a what-if, or more than two dates.
    """
    dates = list(dates)
    what_if = any(getattr(params, f) for f in WHAT_IF_FIELDS)
    if len(dates) == 2:
        a, b = params.replace(as_of=dates[0]), params.replace(as_of=dates[1])
        return a, b, text("diff.dates", lang, a=a.as_of, b=b.as_of)
    if len(dates) <= 1 and what_if:
        b = params.replace(as_of=dates[0]) if dates else params
        a = b.replace(**dict.fromkeys(WHAT_IF_FIELDS, ()))
        at = b.as_of or text("scenarios.last_closure", lang)
        return a, b, text("diff.what_if", lang, at=at)
    raise ParameterError(
        "a comparison needs two dates (--as-of A --as-of B) or a what-if against the baseline "
        "(--close/--keep/--close-road, with at most one --as-of)"
    )
