"""Why every place is exposed: structured reasons, built column-wise, rendered in any language.

A reason is a code (``coverage_lost_on``, ``single_route``, ...) with parameters (a site's name,
km, a date); its words are the catalogue's template ``reason.<code>`` in each language::

    en  lost coverage from {base} ({km:km} km) on {date:iso}
    fr  a perdu la couverture de {base} ({km:km} km) le {date:date}

The builders (:func:`coverage_parts`, :func:`road_parts`, :func:`air_parts`,
:func:`geography_parts`) find, with array operations, the rows each code applies to and gather
its parameters for those rows only. :class:`Reasons` holds them for a whole frame (languages of
:mod:`minusma.geo.i18n`); it renders text only when asked (:meth:`Reasons.render`), for every
row or for the rows shown (:meth:`Reasons.take`), one vectorised pass per code. :func:`explain`
builds them from an assessed frame.

Many rows say the same thing: from :data:`DISTINCT_MIN_ROWS` rows, a code is written once per
distinct set of parameters (factorised with :func:`pandas.factorize`) and each distinct
combination of parts is joined once (:class:`Texts`: codes per row, each text stored once), so a
million places cost their distinct texts, not a million string operations and a million strings.

The string functions (:func:`coverage_lost`, :func:`road`, :func:`air`, :func:`geography`)
render one part in English (:class:`Texts`) for the ``reasons`` column of the assessment (the
road part depends only on the season and the roads cut, so
:func:`geo.exposure.assess.evaluate` caches it across what-ifs); :func:`join_texts` (and
:func:`join`, for plain arrays) puts the parts together. A what-if renders only the rows whose
reasons can have changed (:func:`geo.exposure.assess.evaluate` patches its reference's
``reasons`` there).

>>> import pandas as pd
>>> out = pd.DataFrame({"coverage_lost": [True, False], "base_before_name": ["Ber", None],
...                     "base_before_km": [0.2, None], "coverage_lost_on": ["2023-08-13", None]})
>>> r = Reasons(2, (coverage_parts(out),))
>>> r.render("en").tolist()
['lost coverage from Ber (0 km) on 2023-08-13', None]
>>> r.render("fr").tolist()
['a perdu la couverture de Ber (0 km) le 13 août 2023', None]
"""

from __future__ import annotations

import string
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from minusma.geo.i18n import DEFAULT_LANG, STRINGS, date_text, of_name, text

__all__ = [
    "DISTINCT_MIN_ROWS",
    "Part",
    "Reasons",
    "Texts",
    "air",
    "air_parts",
    "coverage_lost",
    "coverage_parts",
    "explain",
    "flag",
    "fmt0",
    "geography",
    "geography_parts",
    "join",
    "join_texts",
    "road",
    "road_parts",
]

#: A slot: the mutually exclusive parts that can say one thing about a row (in reading order).
Slot = tuple["Part", ...]


def flag(series: pd.Series) -> np.ndarray:
    """Known-true mask of a nullable boolean column.

    Parameters
    ----------
    series
        Booleans, NA allowed.

    Returns
    -------
    numpy.ndarray
        True where the value is known and true (NA is not true).
    """
    return np.asarray(pd.array(series, dtype="boolean").fillna(False), dtype=bool)


def fmt0(values: ArrayLike) -> np.ndarray:
    """Numbers rounded to integers (half to even) as strings.

    Parameters
    ----------
    values
        Numbers, NaN allowed.

    Returns
    -------
    numpy.ndarray
        Object array of strings, ``""`` for NaN.
    """
    v = np.round(np.asarray(values, dtype="float64"))
    out = np.full(v.shape, "", dtype=object)
    ok = np.isfinite(v)
    out[ok] = v[ok].astype("int64").astype(str).tolist()
    return out


def _strings(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype=object).fillna("").astype(str).to_numpy(dtype=object)


def _dates(values: np.ndarray, lang: str) -> np.ndarray:
    """ISO dates in words (each distinct date formatted once)."""
    s = pd.Series(values, dtype=object)
    words = {d: date_text(str(d), lang) for d in s.dropna().unique()}
    return s.map(words).fillna("").to_numpy(dtype=object)


def _of(values: np.ndarray, lang: str) -> np.ndarray:
    """``of``/``de`` before each name (:func:`minusma.geo.i18n.of_name`; ``d'Ansongo``)."""
    return np.array([of_name(n, lang) for n in _strings(values)], dtype=object)


#: Rows from which a part's texts (:meth:`Part.render`) and joined reasons (:func:`join`) are
#: written once per distinct value and shared (a speed setting). Measured by
#: ``benchmarks/bench_reasons.py`` on the settlements' reasons: the two ways cost the same near
#: 2,048 rows; row by row is faster below, once per distinct text faster above.
DISTINCT_MIN_ROWS = 4096

#: Format specs whose text depends only on the number rounded to an integer (:func:`fmt0`).
_ROUNDED = frozenset({"km", "h"})


def _factorised(values: np.ndarray, spec: str) -> np.ndarray | None:
    """Codes equal where ``values`` are written alike under ``spec``; None if unsafe to share.

    Numbers written rounded are compared rounded; other values by equality, which is only
    used when they are of one kind (mixed kinds such as ``1`` and ``1.0`` are equal yet
    written differently).
    """
    if spec in _ROUNDED:
        rounded = np.round(np.asarray(values, dtype="float64"))
        return pd.factorize(rounded, use_na_sentinel=False)[0]
    values = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True).startswith("mixed"):
        return None
    return pd.factorize(values, use_na_sentinel=False)[0]


def _distinct(codes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of aligned code columns.

    Parameters
    ----------
    codes
        Integer codes per column (non-negative), all of one length.

    Returns
    -------
    first : numpy.ndarray
        The position of each distinct row's first occurrence.
    inverse : numpy.ndarray
        For every row, the index of its distinct row in ``first``.
    """
    key = np.zeros(len(codes[0]), dtype="int64")
    for column in codes:
        # refactorised at each step: the combined key stays below the number of rows
        key = pd.factorize(key * (int(column.max(initial=0)) + 1) + column)[0]
    # factorize numbers keys by first appearance: a key is new where it passes every key before
    seen = np.maximum.accumulate(key)
    new = np.ones(key.size, dtype=bool)
    new[1:] = key[1:] > seen[:-1]
    return np.flatnonzero(new), key


#: How a template field's values are written, by its format spec.
_FORMATS = {
    "of": _of,
    "": lambda v, lang: _strings(v),
    "km": lambda v, lang: fmt0(v),
    "h": lambda v, lang: fmt0(v),
    "iso": lambda v, lang: _strings(v),
    "date": _dates,
}


@dataclass(frozen=True)
class Texts:
    """Texts of many rows stored once each: row ``i`` reads ``values[codes[i]]``.

    Attributes
    ----------
    codes
        Non-negative integer per row: the position of its text in :attr:`values`.
    values
        Object array of texts (``None`` allowed); rows share them.
    """

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, texts: ArrayLike) -> Texts:
        """Texts given row by row (each row its own value).

        Parameters
        ----------
        texts
            One text per row.

        Returns
        -------
        Texts
            The same texts.
        """
        values = np.asarray(texts, dtype=object)
        return cls(np.arange(values.size), values)

    @classmethod
    def factorised(cls, texts: ArrayLike) -> Texts:
        """Texts given row by row, each distinct text stored once (:func:`pandas.factorize`).

        Parameters
        ----------
        texts
            One text per row.

        Returns
        -------
        Texts
            The same texts.
        """
        codes, values = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=False)
        return cls(codes, np.asarray(values, dtype=object))

    def __len__(self) -> int:
        """The number of rows.

        Returns
        -------
        int
            The length of :attr:`codes`.
        """
        return len(self.codes)

    @property
    def nbytes(self) -> int:
        """Bytes held: the codes, and each distinct text once (what a cache counts)."""
        return int(self.codes.nbytes + sum(sys.getsizeof(v) + 8 for v in self.values.tolist()))

    def array(self) -> np.ndarray:
        """Every row's text.

        Returns
        -------
        numpy.ndarray
            Object array, one text per row (shared string objects).
        """
        return self.values[self.codes]

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The texts of some rows.

        Parameters
        ----------
        rows
            Row positions.

        Returns
        -------
        numpy.ndarray
            Object array, one text per position.
        """
        return self.values[self.codes[rows]]


@dataclass(frozen=True)
class Part:
    """One reason code at the rows (positions) it applies to, with its parameters there.

    Attributes
    ----------
    code
        The catalogue key is ``reason.<code>``.
    rows
        Row positions (int), ascending.
    params
        Parameter name -> array aligned to ``rows``.
    """

    code: str
    rows: np.ndarray
    params: Mapping[str, np.ndarray] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG) -> np.ndarray:
        """The reason's text at each of :attr:`rows`, in one vectorised pass.

        Parameters
        ----------
        lang
            A language of the catalogue (:mod:`minusma.geo.i18n`).

        Returns
        -------
        numpy.ndarray
            Object array of texts, aligned to :attr:`rows`.
        """
        return self.coded(lang).array()

    def coded(self, lang: str = DEFAULT_LANG) -> Texts:
        """The reason's texts at :attr:`rows`, each written once per distinct set of parameters.

        From :data:`DISTINCT_MIN_ROWS` rows; below it (or for parameters of mixed kinds) every
        row is written.

        Parameters
        ----------
        lang
            A language of the catalogue (:mod:`minusma.geo.i18n`).

        Returns
        -------
        Texts
            The texts, aligned to :attr:`rows`.
        """
        template = text(f"reason.{self.code}", lang)
        parsed = string.Formatter().parse(template)
        fields = [(name, spec or "") for _, name, spec, _ in parsed if name is not None]
        if not fields:  # the same words on every row
            return Texts(np.zeros(len(self.rows), dtype="int64"), np.array([template], object))
        if len(self.rows) >= DISTINCT_MIN_ROWS:
            codes = [_factorised(self.params[name], spec) for name, spec in fields]
            known = [c for c in codes if c is not None]
            if len(known) == len(codes):
                first, inverse = _distinct(known)
                return Texts(inverse, self._written(template, lang, first))
        return Texts.of(self._written(template, lang, None))

    def _written(self, template: str, lang: str, at: np.ndarray | None) -> np.ndarray:
        """The texts of the rows at positions ``at`` of :attr:`rows` (all when None)."""
        size = len(self.rows) if at is None else len(at)
        acc = np.full(size, "", dtype=object)
        for literal, name, spec, _ in string.Formatter().parse(template):
            if literal:
                acc = acc + literal
            if name is not None:
                values = np.asarray(self.params[name])
                values = values if at is None else values[at]
                if spec not in _ROUNDED:  # text from Python objects, as they print
                    values = values.astype(object)
                acc = acc + _FORMATS[spec or ""](values, lang)
        return acc

    def take(self, where: np.ndarray) -> Part:
        """The part on new positions.

        Parameters
        ----------
        where
            ``where[old]`` is the new position of row ``old``, or -1 if it is dropped.

        Returns
        -------
        Part
            The kept rows on their new positions, ascending, with their parameters.
        """
        new = where[self.rows]
        keep = new >= 0
        order = np.argsort(new[keep], kind="stable")
        return Part(
            self.code,
            new[keep][order],
            {k: np.asarray(v)[keep][order] for k, v in self.params.items()},
        )


@dataclass(frozen=True)
class Reasons:
    """The structured reasons of ``n`` rows: slots in reading order, each of exclusive parts."""

    n: int
    slots: tuple[Slot, ...]

    def take(self, positions: Sequence[int] | np.ndarray) -> Reasons:
        """The reasons of some rows.

        Parameters
        ----------
        positions
            Row positions (distinct), in the order wanted.

        Returns
        -------
        Reasons
            The reasons of those rows, in that order.
        """
        positions = np.asarray(positions, dtype="int64")
        where = np.full(self.n, -1, dtype="int64")
        where[positions] = np.arange(positions.size)
        return Reasons(
            int(positions.size), tuple(tuple(p.take(where) for p in s) for s in self.slots)
        )

    def render(self, lang: str = DEFAULT_LANG, *, empty: str | None = None) -> np.ndarray:
        """Every row's reasons, joined by the language's separator.

        Parameters
        ----------
        lang
            A language of the catalogue (:mod:`minusma.geo.i18n`).
        empty
            The value of a row without any reason.

        Returns
        -------
        numpy.ndarray
            Object array, one text per row.
        """
        return self.coded(lang, empty=empty).array()

    def coded(self, lang: str = DEFAULT_LANG, *, empty: str | None = None) -> Texts:
        """Every row's reasons as :meth:`render` writes them, each distinct text stored once.

        Parameters
        ----------
        lang
            A language of the catalogue (:mod:`minusma.geo.i18n`).
        empty
            The value of a row without any reason.

        Returns
        -------
        Texts
            One text per row.
        """
        if not self.slots:
            return Texts(np.zeros(self.n, dtype="int64"), np.array([empty], dtype=object))
        slots = []
        for slot in self.slots:
            codes = np.zeros(self.n, dtype="int64")  # 0: the slot says nothing
            values = [np.array([""], dtype=object)]
            offset = 1
            for part in slot:
                if part.rows.size:
                    texts = part.coded(lang)
                    codes[part.rows] = texts.codes + offset
                    values.append(texts.values)
                    offset += len(texts.values)
            slots.append(Texts(codes, np.concatenate(values)))
        return join_texts(slots, empty=empty, sep=text("reason.sep", lang))

    def codes(self) -> pd.DataFrame:
        """The reasons as a table.

        Returns
        -------
        pandas.DataFrame
            One line per reason: ``row``, ``code`` and its ``params`` (dict), in reading order.
        """
        lines = []
        for k, slot in enumerate(self.slots):
            for part in slot:
                values = {n: np.asarray(v).tolist() for n, v in part.params.items()}
                for i, row in enumerate(part.rows.tolist()):
                    params = {n: v[i] for n, v in values.items()}
                    lines.append((row, k, part.code, params))
        frame = pd.DataFrame(lines, columns=["row", "slot", "code", "params"])
        return frame.sort_values(["row", "slot"], kind="stable").drop(columns="slot")


def _part(code: str, mask: np.ndarray, **params: np.ndarray) -> Part:
    rows = np.flatnonzero(mask)
    # each parameter keeps its dtype (numbers stay numbers: no Python object per row)
    return Part(code, rows, {k: np.asarray(v)[rows] for k, v in params.items()})


def coverage_parts(out: pd.DataFrame) -> Slot:
    """Where the umbrella was lost: ``coverage_lost_on`` (site, km, date) or ``coverage_lost``.

    Parameters
    ----------
    out
        Assessed rows with ``coverage_lost``, ``coverage_lost_on``, ``base_before_name`` and
        ``base_before_km``.

    Returns
    -------
    tuple of Part
        The slot: the dated reason, then the undated one (no date known).
    """
    lost = flag(out["coverage_lost"])
    dated = out["coverage_lost_on"].notna().to_numpy()
    params = {
        "base": out["base_before_name"].to_numpy(dtype=object),
        "km": out["base_before_km"].to_numpy(dtype="float64"),
    }
    return (
        _part("coverage_lost_on", lost & dated, date=out["coverage_lost_on"], **params),
        _part("coverage_lost", lost & ~dated, **params),
    )


def road_parts(
    out: pd.DataFrame, labels: pd.Series | None = None, *, hub_key: str
) -> tuple[Slot, Slot]:
    """Road access, then the road distance and time to the hub.

    Parameters
    ----------
    out
        Assessed rows with the hub's columns (``<hub_key>_*``), ``on_road_network`` and
        ``snap_km``.
    labels
        Readable segment labels by edge id (see :func:`geo.exposure.access.edge_labels`);
        without it the ids are shown.
    hub_key
        The hub's key: the prefix of its columns.

    Returns
    -------
    access : tuple of Part
        Off the road layer, no route, or the segments that each cut the one route.
    distance : tuple of Part
        Road km and hours to the hub, or km alone when the time is unknown.
    """
    off = flag(~out["on_road_network"].astype("boolean"))
    unreachable = flag(~out[f"{hub_key}_reachable"].astype("boolean"))
    routes = out[f"{hub_key}_routes"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    cut = out[f"{hub_key}_cut_by"].to_numpy(dtype=object)
    single = ~off & ~unreachable & (routes == 1) & pd.notna(cut)
    firsts = [c.split(";") for c in cut[single].tolist()]
    n_cut = np.full(len(out), None, dtype=object)
    nearest = np.full(len(out), None, dtype=object)
    n_cut[single] = [len(c) for c in firsts]
    nearest[single] = [labels.get(c[0], c[0]) if labels is not None else c[0] for c in firsts]
    access = (
        _part("off_road", off, km=out["snap_km"].to_numpy(dtype="float64")),
        _part("no_route", ~off & unreachable),
        _part("single_route", single, n=n_cut, segment=nearest),
    )
    reach = flag(out[f"{hub_key}_reachable"])
    hours = out[f"{hub_key}_travel_h"].to_numpy(dtype="float64")
    km = out[f"{hub_key}_road_km"].to_numpy(dtype="float64")
    timed = reach & np.isfinite(hours)
    distance = (
        _part("road_timed", timed, km=km, h=hours),
        _part("road_untimed", reach & ~np.isfinite(hours), km=km),
    )
    return access, distance


def air_parts(out: pd.DataFrame, air_reach_km: float) -> tuple[Slot, Slot]:
    """Air access after the withdrawal, and whether it depended on the mission's flights.

    Parameters
    ----------
    out
        Assessed rows with ``air_state``, ``air_score``, ``airport_icao`` and
        ``air_depended_on_un``.
    air_reach_km
        The preparation's airstrip reach (stated in ``no_airstrip``).

    Returns
    -------
    service : tuple of Part
        No airstrip within reach, service ended, or unknown.
    mission : tuple of Part
        Air access depended on the mission's flights alone.
    """
    state = out["air_state"].to_numpy(dtype=object)
    score_air = out["air_score"].to_numpy(dtype="float64")
    none_in_reach = state == "no_airstrip_in_reach"
    ended = ~none_in_reach & (score_air == 10.0)
    unknown = ~none_in_reach & ~ended & (state == "unknown")
    service = (
        _part("no_airstrip", none_in_reach, km=np.full(len(out), float(air_reach_km))),
        _part("air_ended", ended, icao=out["airport_icao"].to_numpy(dtype=object)),
        _part("air_unknown", unknown),
    )
    return service, (_part("air_un_only", flag(out["air_depended_on_un"])),)


def geography_parts(out: pd.DataFrame) -> tuple[Slot, ...]:
    """Riverside on the navigable Niger; central region (when the column is there).

    Parameters
    ----------
    out
        Rows with ``riverside``, ``river_reach`` and perhaps ``central_region``.

    Returns
    -------
    tuple of slots
        One slot per fact.
    """
    river = flag(out["riverside"]) & (out["river_reach"] == "navigable").to_numpy()
    slots: tuple[Slot, ...] = ((_part("riverside", river),),)
    if "central_region" in out:
        slots += ((_part("central", flag(out["central_region"])),),)
    return slots


def explain(
    out: pd.DataFrame,
    *,
    air_reach_km: float,
    labels: pd.Series | None = None,
    hub_key: str,
) -> Reasons:
    """The structured reasons of an assessed frame, in the order of its ``reasons`` column.

    The frame has the columns of :func:`geo.exposure.assess.evaluate`.

    Parameters
    ----------
    out
        The assessment.
    air_reach_km
        The preparation's airstrip reach (stated in ``no_airstrip``).
    labels
        Segment labels by edge id (``Context.labels``); ids are shown without them.
    hub_key
        The hub's key (``Context.hub_key``): the prefix of the road columns.

    Returns
    -------
    Reasons
        Every row's reasons, rendered on demand.
    """
    slots = (
        coverage_parts(out),
        *road_parts(out, labels, hub_key=hub_key),
        *air_parts(out, air_reach_km),
        *geography_parts(out),
    )
    return Reasons(len(out), slots)


def _english(n: int, slots: Sequence[Slot]) -> Texts:
    return Reasons(n, tuple(slots)).coded("en", empty="")


def coverage_lost(out: pd.DataFrame) -> Texts:
    """``lost coverage from <base> (<km> km) on <date>`` where the umbrella was lost.

    Parameters
    ----------
    out
        Assessed rows (the columns of :func:`coverage_parts`).

    Returns
    -------
    Texts
        English text per row, ``""`` where it has nothing to say.
    """
    return _english(len(out), [coverage_parts(out)])


def road(out: pd.DataFrame, labels: pd.Series, *, hub_key: str) -> Texts:
    """The road part (:func:`road_parts`) in English.

    Parameters
    ----------
    out
        Assessed rows (the columns of :func:`road_parts`).
    labels
        Readable segment labels by edge id.
    hub_key
        The hub's key: the prefix of the road columns.

    Returns
    -------
    Texts
        English text per row, ``""`` where it has nothing to say.
    """
    return _english(len(out), road_parts(out, labels, hub_key=hub_key))


def air(out: pd.DataFrame, air_reach_km: float) -> Texts:
    """The air part (:func:`air_parts`) in English.

    Parameters
    ----------
    out
        Assessed rows (the columns of :func:`air_parts`).
    air_reach_km
        The preparation's airstrip reach.

    Returns
    -------
    Texts
        English text per row, ``""`` where it has nothing to say.
    """
    return _english(len(out), air_parts(out, air_reach_km))


def geography(out: pd.DataFrame) -> Texts:
    """The geography part (:func:`geography_parts`) in English.

    Parameters
    ----------
    out
        Rows with the columns of :func:`geography_parts`.

    Returns
    -------
    Texts
        English text per row, ``""`` where it has nothing to say.
    """
    return _english(len(out), geography_parts(out))


def join(parts: list[np.ndarray], *, empty: str | None = None, sep: str = "; ") -> np.ndarray:
    """The non-empty parts of every row in order, joined.

    Parameters
    ----------
    parts
        Object arrays of the same length, ``""`` where a part says nothing.
    empty
        The value of a row where every part is empty.
    sep
        Put between two parts of a row.

    Returns
    -------
    numpy.ndarray
        Object array, one text per row.
    """
    arrays = [np.asarray(p, dtype=object) for p in parts]
    if len(arrays[0]) < DISTINCT_MIN_ROWS:
        return _joined(arrays, empty, sep)
    return join_texts([Texts.factorised(a) for a in arrays], empty=empty, sep=sep).array()


def join_texts(parts: Sequence[Texts], *, empty: str | None = None, sep: str = "; ") -> Texts:
    """:func:`join` of coded texts: each distinct combination of parts joined once.

    Parameters
    ----------
    parts
        Texts of the same rows, ``""`` where a part says nothing.
    empty
        The value of a row where every part is empty.
    sep
        Put between two parts of a row.

    Returns
    -------
    Texts
        One text per row.
    """
    if len(parts[0]) < DISTINCT_MIN_ROWS:
        return Texts.of(_joined([p.array() for p in parts], empty, sep))
    first, inverse = _distinct([p.codes for p in parts])
    return Texts(inverse, _joined([p.take(first) for p in parts], empty, sep))


def _joined(parts: list[np.ndarray], empty: str | None, sep: str) -> np.ndarray:
    """:func:`join`, row by row."""
    acc = parts[0].copy()
    has = acc != ""
    for part in parts[1:]:
        more = part != ""
        both = has & more
        acc[both] = acc[both] + sep + part[both]
        only = ~has & more
        acc[only] = part[only]
        has |= more
    return np.where(has, acc, np.array(empty, dtype=object))


#: Every reason code, in the catalogue (checked by the tests).
CODES = tuple(
    k.split(".", 1)[1]
    for k in STRINGS[DEFAULT_LANG]
    if k.startswith("reason.") and k != "reason.sep"
)
