"""The time control: prev/next buttons and a slider over the closure dates.

At each step the site markers move between the "open" and "closed" layers, the coverage circles
of the selected date follow, the towns take their class of that date (embedded as JSON, one
character per step; the popup states it, the score, rank and reasons above that date's
indicators) and
the air links are restyled as flown or not on that date (:func:`maps.transport.air_link_periods`)
and the events layer (:mod:`maps.events`) holds the events dated up to the selected date.
Radio buttons show the coverage circles before the withdrawal, at the selected date, or both.
Written in plain Leaflet, so it needs no plugin and works offline. ``window.minusmaTimeline``
exposes ``setStep(i)``, ``step``, ``steps``, ``open`` (sites), ``air`` (links flown) and
``events`` (events shown) for scripts and tests.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from minusma.geo.i18n import DECIMAL, DEFAULT_LANG, date_text, text
from minusma.layers.bases import site_label
from minusma.maps.exposure import ExposureTimeline
from minusma.maps.popups import esc, safe_json
from minusma.maps.style import EXPOSURE_CLASSES, EXPOSURE_COLOURS, UNKNOWN_COLOUR
from minusma.maps.towns import indicator_rows

__all__ = ["TimeControl", "popup_steps", "step_index"]

#: Character used in the per-town class strings for "no class".
NO_CLASS = "-"


def step_index(dates: tuple[dt.date, ...] | list[dt.date], when: dt.date | None) -> int:
    """The last step on or before ``when``.

    Parameters
    ----------
    dates
        The steps' dates, ascending (:attr:`maps.exposure.ExposureTimeline.dates`).
    when
        The date to show; None for the last step.

    Returns
    -------
    int
        The position in ``dates`` of the last date on or before ``when``; 0 when ``when``
        precedes every step, ``len(dates) - 1`` when ``when`` is None.
    """
    if when is None:
        return len(dates) - 1
    before = [i for i, d in enumerate(dates) if d <= when]
    return before[-1] if before else 0


def _labels(dates, bases, lang: str = DEFAULT_LANG) -> list[str]:
    """Each step's label, escaped: "before" the withdrawal, then the sites closed that day."""
    closes: dict[str, list[str]] = {}
    for _, row in bases.iterrows():
        closes.setdefault(str(row["closure_date"]), []).append(site_label(row, lang))
    out = [esc(text("step_before", lang, date=date_text(dates[0], lang)))]
    for d in dates[1:]:
        names = ", ".join(closes.get(d.isoformat(), []))
        out.append(esc(text("step_closed", lang, date=date_text(d, lang), names=names)))
    return out


def _reason_list(value) -> list[str]:
    """The ``;``-separated reasons of ``value`` (none for a missing value)."""
    if not isinstance(value, str):
        return []
    return [r.strip() for r in value.split(";") if r.strip()]


def popup_steps(
    exposure: ExposureTimeline, lang: str = DEFAULT_LANG
) -> tuple[dict[str, list], list[str]]:
    """Per town, what its popup shows at each step.

    Each distinct HTML text (an escaped reason, or an indicator's ``<tr>`` row in ``lang``) is
    stored once; the towns refer to it by its position, which keeps the page small.

    Parameters
    ----------
    exposure
        The towns' timeline, aligned to the drawn towns
        (:meth:`maps.exposure.ExposureTimeline.for_towns`).
    lang
        The language of the indicator rows (:mod:`minusma.geo.i18n`); the reasons are taken as
        ``exposure`` holds them.

    Returns
    -------
    detail : dict of str to list
        Per town id (sorted), ``[scores, ranks, reasons, indicators]``, each a list with one
        entry per step: the score to one decimal or None, the rank (int) or None, and the
        positions in ``texts`` of its reasons and of its indicator rows (empty for a step
        without indicators). Empty when ``exposure`` has no per-step scores, ranks or reasons.
    texts : list of str
        The distinct HTML texts.
    """
    texts: dict[str, int] = {}
    out: dict[str, list] = {}
    if exposure.scores is None or exposure.ranks is None or exposure.reasons is None:
        return out, []
    steps = exposure.indicators or {}
    for town_id in exposure.classes.index:
        scores = [None if pd.isna(v) else round(float(v), 1) for v in exposure.scores.loc[town_id]]
        ranks = [None if pd.isna(v) else int(v) for v in exposure.ranks.loc[town_id]]
        reasons = [
            [texts.setdefault(esc(r), len(texts)) for r in _reason_list(v)]
            for v in exposure.reasons.loc[town_id]
        ]
        indicators = [
            [texts.setdefault(r, len(texts)) for r in indicator_rows(steps[k], town_id, lang)]
            if k in steps
            else []
            for k in exposure.classes.columns
        ]
        out[str(town_id)] = [scores, ranks, reasons, indicators]
    return dict(sorted(out.items())), list(texts)


class TimeControl(MacroElement):
    """A Leaflet control stepping through ``exposure.dates`` (see module docstring).

    The layers are folium layers already added to the map; the control shows and hides their
    features in the browser at each step.

    Parameters
    ----------
    exposure
        The towns' timeline, aligned to the drawn towns
        (:meth:`maps.exposure.ExposureTimeline.for_towns`).
    bases
        The sites (:func:`layers.bases`), with ``closure_date`` (ISO), ``name``, ``town`` and
        ``kind``: each step's label names the sites closed on its date.
    open_layer
        The markers of the sites (``closure`` property), shown while open.
    closed_layer
        The markers of the sites, shown once closed.
    coverage_layer
        The coverage circles of the sites, shown while their site is open.
    towns_layer
        The towns (``id`` property): recoloured by their class at each step, their popups
        rewritten.
    initial
        The step shown when the page opens (:func:`step_index`).
    coverage_before
        The circles of every site before the withdrawal: with it, radio buttons show the
        circles before, at the selected date, or both.
    air_layer
        The air links (:func:`maps.transport.air_link_periods` in their properties): restyled
        as flown or not at each step.
    events_layer
        The events (``date`` property): those dated up to the selected date are shown.
    places_layer
        A layer with a ``setStep(i)`` method in the page (the settlements' canvas), called at
        each step.
    lang
        The language of every word (:mod:`minusma.geo.i18n`).
    """

    #: The control's CSS and JavaScript: a Jinja template kept as a file (``js/timeline.j2``).
    _template = Template(
        resources.files("minusma.maps").joinpath("js/timeline.j2").read_text(encoding="utf-8")
    )

    def __init__(
        self,
        exposure: ExposureTimeline,
        bases: pd.DataFrame,
        *,
        open_layer: folium.GeoJson,
        closed_layer: folium.GeoJson,
        coverage_layer: folium.GeoJson,
        towns_layer: folium.GeoJson,
        initial: int,
        coverage_before: folium.GeoJson | None = None,
        air_layer: folium.GeoJson | None = None,
        events_layer: folium.GeoJson | None = None,
        places_layer: folium.map.Layer | None = None,
        lang: str = DEFAULT_LANG,
    ) -> None:
        super().__init__()
        self._name = "TimeControl"
        codes = {c: str(k) for k, c in enumerate(EXPOSURE_CLASSES)}
        table = {
            town_id: "".join(
                codes.get(v, NO_CLASS) if isinstance(v, str) else NO_CLASS for v in row
            )
            for town_id, row in zip(
                exposure.classes.index, exposure.classes.itertuples(index=False)
            )
        }
        self.steps = safe_json([d.isoformat() for d in exposure.dates])
        self.labels = safe_json(_labels(exposure.dates, bases, lang))
        detail, reason_text = popup_steps(exposure, lang)
        self.detail = safe_json(detail)
        self.reason_text = safe_json(reason_text)
        ranks = exposure.ranks
        self.ranked = safe_json(
            [int(ranks[c].notna().sum()) for c in ranks.columns]
            if ranks is not None
            else [exposure.ranked] * len(exposure.dates)
        )
        self.date_text = safe_json([date_text(d, lang) for d in exposure.dates])
        words: dict[str, str | dict[str, str]] = {
            "classes": {c: text(f"class.{c}", lang) for c in EXPOSURE_CLASSES},
            "noClass": text("no_class", lang),
            "onDate": text("on_date", lang),
            "score": text("score", lang),
            "rankOf": text("rank_of", lang),
            "why": text("reasons", lang),
            "noReasons": text("no_reasons", lang),
            "indicators": text("indicators", lang),
            "decimal": DECIMAL[lang],
            "sitesOpen": text("sites_open", lang),
            "sitesOpenShort": text("sites_open_short", lang),
            "more": text("time_more", lang),
            "airFlown": text("air_flown", lang),
            "timeline": text("timeline", lang),
            "prev": text("prev", lang),
            "next": text("next", lang),
            "slider": text("slider", lang),
            "coverCircles": text("cover_circles", lang),
            "coverBefore": text("cover_before", lang),
            "coverNow": text("cover_now", lang),
            "coverBoth": text("cover_both", lang),
            "airTooltipOn": text("air_tooltip_on", lang),
            "airStates": {
                "active": text("air.active", lang),
                "ended": text("air.ended", lang),
                "not started": text("air.not_started", lang),
            },
        }
        self.words = safe_json(
            {
                k: esc(v) if isinstance(v, str) else {a: esc(b) for a, b in v.items()}
                for k, v in words.items()
            }
        )
        self.classes = safe_json({v: k for k, v in codes.items()})
        self.colours = safe_json(EXPOSURE_COLOURS)
        self.unknown = UNKNOWN_COLOUR
        self.town_classes = safe_json(dict(sorted(table.items())))
        self.open_layer, self.closed_layer = open_layer, closed_layer
        self.coverage_layer, self.towns_layer = coverage_layer, towns_layer
        self.coverage_before, self.air_layer = coverage_before, air_layer
        self.events_layer, self.places_layer = events_layer, places_layer
        self.as_of = exposure.as_of.isoformat()
        self.initial = int(initial)
