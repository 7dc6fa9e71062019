"""The parameters of the exposure model: every default stated once, validated once.

:class:`ExposureParams` is a frozen value object. The command line, the map, the export and Python
callers build one (from keywords, or from another with :meth:`ExposureParams.replace`) and hand it,
intact, to :func:`geo.exposure.assess.evaluate`, the timeline and the robustness variants. Building
one validates every field (finite numbers in range, ISO dates, known season and aggregation, site
names not both closed and kept), so a bad value fails once, early, with one line naming it.

>>> p = ExposureParams(radius_km=25, as_of="2023-12-31")
>>> p.radius_km, p.as_of.isoformat(), p.season
(25.0, '2023-12-31', 'dry')
>>> p.replace(season="wet").season
'wet'
>>> ExposureParams(radius_km=float("nan"))
Traceback (most recent call last):
...
minusma.geo._errors.ParameterError: radius_km must be a finite number of km in (0, 2000], got nan
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from minusma.geo._errors import ParameterError, UnknownNameError
from minusma.geo.speeds import SEASONS

__all__ = [
    "AGGREGATIONS",
    "DEFAULT_AIR_REACH_KM",
    "DEFAULT_MAX_SNAP_KM",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_TIME_CAP_H",
    "DEFAULT_WEIGHT",
    "DIMENSION_NAMES",
    "INDICATORS",
    "MODELS",
    "RADIUS_KM_MAX",
    "RESERVED_HUB_KEYS",
    "SEASONS",
    "ExposureParams",
    "Period",
    "Preparation",
    "check_hub_key",
    "check_km",
    "check_params",
    "check_weights",
    "default_weights",
    "dimensions",
    "parse_iso_date",
]

#: Largest radius or distance parameter accepted (km): more than Mali's extent (about 1,800 km);
#: larger values mean nothing here and are almost always a typo.
RADIUS_KM_MAX = 2000.0

#: How dimension scores are combined (INFORM uses the arithmetic mean within a dimension and the
#: geometric mean across dimensions; both are offered).
AGGREGATIONS = ("arithmetic", "geometric")

#: Models by name: the hand-set INFORM-style model (:mod:`geo.exposure.score`). A calibrated model
#: is given by the path of its JSON file (:mod:`geo.exposure.calibrate`).
MODELS = ("inform",)

#: Indicator score columns of each dimension of the model. ``{hub}`` stands for the key of the
#: hub the road indicators measure to (the data layer names it and the prepared context carries it:
#: :func:`~minusma.geo.exposure.assess.prepare`), so the columns read ``<hub>_time_score``.
INDICATORS: Mapping[str, tuple[str, ...]] = {
    "security": ("security_loss_score",),
    "access": ("{hub}_time_score", "{hub}_routes_score"),
    "lifeline": ("air_score",),
}

#: The dimensions of the model, in order.
DIMENSION_NAMES: tuple[str, ...] = tuple(INDICATORS)

#: Weight of every indicator within its dimension and of every dimension across (a modelling
#: choice: equal weights, as INFORM uses by default; the robustness variants measure its effect).
DEFAULT_WEIGHT = 1.0

#: A hub key: lower-case letters, digits and underscores, starting with a letter.
_HUB_KEY = re.compile(r"[a-z][a-z0-9_]*")
#: Prefixes the model already gives road columns (to the nearest open site and the nearest
#: regional capital): a hub key equal to one would give two columns one name.
RESERVED_HUB_KEYS = ("base", "capital")
#: A weight name that is the indicator of some hub (before the hub is known).
_HUB_INDICATOR = re.compile(
    "|".join(
        re.escape(t).replace(re.escape("{hub}"), _HUB_KEY.pattern)
        for cols in INDICATORS.values()
        for t in cols
        if "{hub}" in t
    )
)


def check_hub_key(hub_key: Any) -> str:
    """A hub key: the prefix of the columns measured to the hub.

    Parameters
    ----------
    hub_key
        Lower-case letters, digits and underscores, starting with a letter; not one of
        :data:`RESERVED_HUB_KEYS`.

    Returns
    -------
    str
        ``hub_key``.

    Raises
    ------
    ParameterError
        For anything else, showing the value.

    Examples
    --------
    >>> check_hub_key("hub")
    'hub'
    """
    if not isinstance(hub_key, str) or not _HUB_KEY.fullmatch(hub_key):
        raise ParameterError(
            "hub_key must be lower-case letters, digits and underscores starting with a letter "
            f"(the prefix of the hub's columns), got {hub_key!r}"
        )
    if hub_key in RESERVED_HUB_KEYS:
        raise ParameterError(
            f"hub_key {hub_key!r} is taken by the model's columns to the nearest "
            f"{'open site' if hub_key == 'base' else 'regional capital'}; name the hub otherwise "
            "(e.g. 'hub')"
        )
    return hub_key


def dimensions(hub_key: str) -> dict[str, tuple[str, ...]]:
    """The indicator score columns of each dimension, for a hub.

    Parameters
    ----------
    hub_key
        The hub's key (:func:`check_hub_key`).

    Returns
    -------
    dict
        Dimension name -> its indicator columns (:data:`INDICATORS` with the key filled in).

    Examples
    --------
    >>> dimensions("hub")["access"]
    ('hub_time_score', 'hub_routes_score')
    """
    key = check_hub_key(hub_key)
    return {dim: tuple(c.format(hub=key) for c in cols) for dim, cols in INDICATORS.items()}


def default_weights(hub_key: str) -> dict[str, float]:
    """Every indicator and dimension of the model for a hub, weighing :data:`DEFAULT_WEIGHT`.

    Parameters
    ----------
    hub_key
        The hub's key (:func:`check_hub_key`).

    Returns
    -------
    dict
        Indicator names, then dimension names -> weight.
    """
    names = [c for cols in dimensions(hub_key).values() for c in cols] + list(DIMENSION_NAMES)
    return dict.fromkeys(names, DEFAULT_WEIGHT)


#: Radius of the security umbrella (km). A MODELLING CHOICE, not a sourced figure: about the size
#: of the 0.5-degree grid cells (~55 km) on which sub-national studies of peacekeeping presence
#: are run, and about what a patrol covers out and back by road in a day. See docs/analysis.md for
#: the sensitivity of the results to it (25-100 km).
DEFAULT_RADIUS_KM = 50.0

#: Travel time to the hub scored 10 (a MODELLING CHOICE: two days of driving round the clock; the
#: longest known dry-season time on the shipped network is about 17 h, so no shipped town is
#: capped).
DEFAULT_TIME_CAP_H = 48.0

#: Farthest a place may lie from a graph node and still count as on the road network (km).
#: A MODELLING CHOICE: the shipped roads join town points exactly (snap 0 km), so 10 km only lets
#: in places beside a mapped town (e.g. Kabara, 8.5 km from Timbuktu) and keeps out towns the road
#: layer does not reach; with OSM roads, nodes are dense and most places snap within a few km.
DEFAULT_MAX_SNAP_KM = 10.0

#: Farthest an airstrip may be from a place and still count as its air access (km). A MODELLING
#: CHOICE (about two hours by track at the 40 km/h of the speed table); see docs for sensitivity.
DEFAULT_AIR_REACH_KM = 100.0


def parse_iso_date(
    value: str | dt.date, *, name: str = "as_of", period: Period | None = None
) -> dt.date:
    """An ISO date (within ``period`` when one is given), or a :class:`ParameterError`.

    Parameters
    ----------
    value
        ``"YYYY-MM-DD"``, a :class:`datetime.date` or :class:`datetime.datetime` (its date).
    name
        The argument's name, for the message.
    period
        The dates accepted (:class:`Period`); None accepts any date.

    Returns
    -------
    datetime.date
        The date.

    Raises
    ------
    ParameterError
        Not an ISO date, or outside ``period``, naming the argument and the value.
    """
    if isinstance(value, dt.datetime):
        if value != value:  # pandas.NaT is a datetime that is not equal to itself
            raise ParameterError(f"{name} must be an ISO date YYYY-MM-DD, got NaT")
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ParameterError(f"{name} must be an ISO date YYYY-MM-DD, got {value!r}") from exc
    if period is not None and not period.first <= value <= period.last:
        raise ParameterError(
            f"{name} must lie between {period.first} and {period.last} ({period.label}), "
            f"got {value}"
        )
    return value


@dataclasses.dataclass(frozen=True)
class Period:
    """The dates an analysis accepts, and its reference date before the change studied.

    The core knows no calendar of its own: the data layer builds the period of its study
    (:data:`minusma.layers.mission.MISSION`) and the prepared context carries it
    (:func:`~minusma.geo.exposure.assess.prepare`), so that :meth:`ExposureParams.within` fills
    in the reference date and checks every date against it.

    Parameters
    ----------
    first, last
        The first and the last date accepted.
    before
        The reference date "before": the default :attr:`ExposureParams.before`.
    label
        Words naming the period in messages ("must lie between ... (label)").

    Raises
    ------
    ParameterError
        For dates that are not ISO dates or not ordered ``first <= before <= last``.

    Examples
    --------
    >>> period = Period(first="2000-01-01", last="2009-12-31", before="2004-06-30")
    >>> ExposureParams(as_of="2005-01-01").within(period).before.isoformat()
    '2004-06-30'
    """

    first: dt.date
    last: dt.date
    before: dt.date
    label: str = "the period studied"

    def __post_init__(self) -> None:
        """Parse the dates and check their order."""
        for f in ("first", "last", "before"):
            object.__setattr__(self, f, parse_iso_date(getattr(self, f), name=f))
        if not self.first <= self.before <= self.last:
            raise ParameterError(
                f"a period needs first <= before <= last, got {self.first}, {self.before}, "
                f"{self.last}"
            )


def _is_bool(value: Any) -> bool:
    """True for ``True``/``False`` and numpy booleans: not numbers here."""
    return isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b"


def check_params(params: Any, *, name: str = "params") -> ExposureParams:
    """``params`` itself, or the defaults for None.

    Parameters
    ----------
    params
        An :class:`ExposureParams` or None.
    name
        The argument's name, for the message.

    Returns
    -------
    ExposureParams
        ``params``, or ``ExposureParams()`` for None.

    Raises
    ------
    ParameterError
        For anything else (a string or a dict is not a parameter object), naming the fix.
    """
    if params is None:
        return ExposureParams()
    if not isinstance(params, ExposureParams):
        raise ParameterError(
            f"{name} must be an ExposureParams or None, got {type(params).__name__} "
            f"{str(params)[:60]!r}; build one with ExposureParams(radius_km=..., as_of=...) or "
            "pass the fields as keywords"
        )
    return params


def check_km(value: Any, *, name: str = "radius_km", maximum: float = RADIUS_KM_MAX) -> float:
    """A finite number of km in ``(0, maximum]``.

    Parameters
    ----------
    value
        The value to check (a number, or text holding one; not a boolean).
    name
        The argument's name, for the message.
    maximum
        The largest value accepted (default :data:`RADIUS_KM_MAX`).

    Returns
    -------
    float
        The value as a float.

    Raises
    ------
    ParameterError
        For anything else, showing the value.
    """
    if _is_bool(value):  # True is not 1 km
        raise ParameterError(f"{name} must be a number of km > 0, got {value!r}")
    try:
        km = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a number of km > 0, got {value!r}") from exc
    if not (math.isfinite(km) and 0 < km <= maximum):
        raise ParameterError(
            f"{name} must be a finite number of km in (0, {maximum:g}], got {value!r}"
        )
    return km


def _names(value: Any, name: str) -> tuple[str, ...]:
    """``value`` (one name or a list of them, None for none) as a tuple of stripped names."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise ParameterError(f"{name} must be a list of names, got {value!r}")
    out = tuple(str(v).strip() for v in value)
    if any(not v for v in out):
        raise ParameterError(f"{name} holds an empty name: {list(out)!r}")
    return out


def check_weights(
    weights: Mapping[str, float] | Iterable | None, *, hub_key: str | None = None
) -> dict[str, float]:
    """The model's weights with ``weights`` applied.

    Parameters
    ----------
    weights
        A mapping of names to weights, or ``(name, weight)`` pairs; None: no change.
    hub_key
        The hub's key: the result holds every weight (:func:`default_weights` updated). None
        (the hub not known yet): only the weights given, their names checked against every hub.

    Returns
    -------
    dict
        Indicator and dimension name -> weight.

    Raises
    ------
    UnknownNameError
        For a name that is neither a dimension nor an indicator, listing the valid names.
    ParameterError
        For a weight that is not a finite number >= 0, or when every dimension weighs 0.
    """
    defaults = default_weights(hub_key) if hub_key is not None else None
    if weights is not None and not isinstance(weights, (Mapping, list, tuple)):
        raise ParameterError(
            f"weights must be a mapping of names to numbers, e.g. {{'security': 2.0}}, got "
            f"{type(weights).__name__} {weights!r}"
        )
    items = (weights.items() if isinstance(weights, Mapping) else weights) if weights else ()
    pairs = [i for i in items if not (isinstance(i, (list, tuple)) and len(i) == 2)]
    if pairs:
        raise ParameterError(f"weights must be (name, weight) pairs, got {pairs[0]!r}")
    out: dict[str, float] = dict(defaults or {})
    for key, value in items:
        known = key in defaults if defaults is not None else _any_hub_weight(key)
        if not known:
            valid = sorted(defaults) if defaults is not None else _weight_names_shown()
            raise UnknownNameError(f"unknown weight name {key!r}; valid names: {valid}")
        if _is_bool(value):
            raise ParameterError(f"weight {key!r} must be a number >= 0, got {value!r}")
        try:
            weight = float(value)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"weight {key!r} must be a number >= 0, got {value!r}") from exc
        if not (math.isfinite(weight) and weight >= 0):
            raise ParameterError(f"weight {key!r} must be a finite number >= 0, got {value!r}")
        out[key] = weight
    if sum(out.get(d, DEFAULT_WEIGHT) for d in DIMENSION_NAMES) == 0:
        raise ParameterError("at least one dimension weight must be > 0")
    return out


def _any_hub_weight(name: Any) -> bool:
    """Whether ``name`` is a weight name of the model for some hub."""
    if not isinstance(name, str):
        return False
    fixed = {c for cols in INDICATORS.values() for c in cols if "{hub}" not in c}
    return name in fixed or name in DIMENSION_NAMES or bool(_HUB_INDICATOR.fullmatch(name))


def _weight_names_shown() -> list[str]:
    """The weight names, the hub's shown as ``<hub>_...``, for messages."""
    names = [c.format(hub="<hub>") for cols in INDICATORS.values() for c in cols]
    return sorted([*names, *DIMENSION_NAMES])


@dataclasses.dataclass(frozen=True)
class ExposureParams:
    """Every choice of an exposure assessment, with its default.

    Parameters
    ----------
    as_of
        Date of the assessment; None means "after the last site closed" (resolved against the
        sites by :meth:`as_of_for`).
    before
        The reference date before the change (e.g. the withdrawal); None: the ``before`` of
        the :class:`Period` the context was prepared with (:meth:`within`).
    radius_km
        Radius of the security umbrella around an open site (:data:`DEFAULT_RADIUS_KM`).
    season
        ``"dry"`` or ``"wet"``: which speeds the travel times use.
    close, keep
        Sites closed early / kept open in a what-if (id, site name or town).
    close_roads
        Road segments cut (id or ``"Town–Town"``).
    disabled_links, disabled_operators
        Air links (ids) and operators switched off.
    weights
        Dimension or indicator name -> weight >= 0; every other weighs :data:`DEFAULT_WEIGHT`.
        Once the hub is known (``hub_key``), every weight is held.
    aggregation
        How dimension scores combine: one of :data:`AGGREGATIONS`.
    time_cap_h
        Travel time to the hub that scores 10 (:data:`DEFAULT_TIME_CAP_H`).
    model
        ``"inform"`` (the hand-set INFORM-style model) or the path of a calibrated model file
        (``minusma calibrate``).
    hub_key
        The key of the hub the road indicators measure to (the prefix of their columns); None
        until the parameters meet a prepared context (:meth:`within`). Not written by
        :meth:`to_dict`: the columns carry it.
    """

    as_of: dt.date | None = None
    before: dt.date | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    season: str = "dry"
    close: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    close_roads: tuple[str, ...] = ()
    disabled_links: tuple[str, ...] = ()
    disabled_operators: tuple[str, ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    aggregation: str = AGGREGATIONS[0]
    time_cap_h: float = DEFAULT_TIME_CAP_H
    model: str = MODELS[0]
    hub_key: str | None = None

    def __post_init__(self) -> None:
        """Validate and normalise every field (once, here)."""
        fix = object.__setattr__
        if self.as_of is not None:
            fix(self, "as_of", parse_iso_date(self.as_of, name="as_of"))
        if self.before is not None:
            fix(self, "before", parse_iso_date(self.before, name="before"))
        if self.as_of is not None and self.before is not None and self.before > self.as_of:
            raise ParameterError(
                f"before ({self.before}) is later than as_of ({self.as_of}): the situation before "
                "the withdrawal must come first; give an as_of on or after it, or an earlier before"
            )
        fix(self, "radius_km", check_km(self.radius_km, name="radius_km"))
        fix(self, "time_cap_h", check_km(self.time_cap_h, name="time_cap_h", maximum=24 * 30.0))
        if self.season not in SEASONS:
            raise ParameterError(f"unknown season {self.season!r}; choose from {list(SEASONS)}")
        if self.aggregation not in AGGREGATIONS:
            raise ParameterError(
                f"unknown aggregation {self.aggregation!r}; choose from {list(AGGREGATIONS)}"
            )
        for name in ("close", "keep", "close_roads", "disabled_links", "disabled_operators"):
            fix(self, name, _names(getattr(self, name), name))
        both = sorted(set(map(str.casefold, self.close)) & set(map(str.casefold, self.keep)))
        if both:
            raise ParameterError(
                f"site(s) {both} are both closed and kept: name each site in --close or --keep, "
                "not both"
            )
        if self.hub_key is not None:
            fix(self, "hub_key", check_hub_key(self.hub_key))
        weights = check_weights(self.weights, hub_key=self.hub_key)
        fix(self, "weights", tuple(sorted(weights.items())))
        if not isinstance(self.model, (str, os.PathLike)) or not str(self.model).strip():
            raise ParameterError(f"model must be {MODELS[0]!r} or a model file, got {self.model!r}")
        fix(self, "model", str(self.model))
        if self.model not in MODELS and not os.path.isfile(os.path.expanduser(self.model)):
            raise ParameterError(
                f"model {self.model!r} is neither {MODELS[0]!r} nor a model file; write one with "
                "`minusma calibrate --out weights.json`"
            )

    @property
    def weights_dict(self) -> dict[str, float]:
        """The weights as a plain dict (every weight once the hub is known)."""
        return dict(self.weights)

    @property
    def before_date(self) -> dt.date:
        """The reference date :attr:`before`, once set (:meth:`within`).

        Raises
        ------
        ParameterError
            When it is not set yet.
        """
        if self.before is None:
            raise ParameterError(
                "before is not set: give before=..., or evaluate on a prepared context"
            )
        return self.before

    @property
    def dimensions(self) -> dict[str, tuple[str, ...]]:
        """The indicator columns of each dimension for :attr:`hub_key` (:func:`dimensions`).

        Raises
        ------
        ParameterError
            When the hub is not known yet.
        """
        if self.hub_key is None:
            raise ParameterError(
                "the hub is not known yet: give hub_key=..., or evaluate on a prepared context"
            )
        return dimensions(self.hub_key)

    def replace(self, **changes: Any) -> ExposureParams:
        """A copy with ``changes`` applied (validated like a new object).

        Parameters
        ----------
        **changes
            Field name -> new value.

        Returns
        -------
        ExposureParams
            The validated copy.

        Raises
        ------
        ParameterError
            For a field that does not exist, naming the valid ones.
        """
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        settings = sorted(set(unknown) & {f.name for f in dataclasses.fields(Preparation)})
        if settings:
            raise ParameterError(
                f"{settings} are preparation settings, fixed when the places are prepared, not "
                f"parameters of one evaluation: give them to the Study "
                f"(Study({settings[0]}=...)) or to prepare(preparation=Preparation(...))"
            )
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {unknown}; valid: "
                f"{[f.name for f in dataclasses.fields(self)]}"
            )
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_options(cls, params: ExposureParams | None = None, **options: Any) -> ExposureParams:
        """``params`` (or the defaults) with the options that are not None applied.

        Parameters
        ----------
        params
            The starting parameters; None: the defaults.
        **options
            Fields to change; None values are ignored.

        Returns
        -------
        ExposureParams
            The validated copy.
        """
        base = check_params(params)
        return base.replace(**{k: v for k, v in options.items() if v is not None})

    def within(self, period: Period | None, *, hub_key: str | None = None) -> ExposureParams:
        """These parameters in a study: ``before`` and the hub filled in, the dates checked.

        Parameters
        ----------
        period
            The period of the study (the prepared context's); None: none (``before`` must
            then be given).
        hub_key
            The study's hub (the prepared context's); None: leave it as it is.

        Returns
        -------
        ExposureParams
            ``self`` when nothing changes, else a copy with ``before`` and ``hub_key`` set (and
            so every weight).

        Raises
        ------
        ParameterError
            For ``as_of`` or ``before`` outside the period, ``before`` later than ``as_of``, no
            ``before`` at all, or parameters made for another hub.
        """
        if period is not None and not isinstance(period, Period):
            raise ParameterError(f"period must be a Period, got {type(period).__name__}")
        before = self.before
        if period is not None:
            before = before if before is not None else period.before
            parse_iso_date(before, name="before", period=period)
            if self.as_of is not None:
                parse_iso_date(self.as_of, name="as_of", period=period)
        if before is None:
            raise ParameterError(
                "before is not set: give ExposureParams(before=...) or prepare the context with "
                "period=Period(...)"
            )
        hub = self.hub_key
        if hub_key is not None:
            if hub is not None and hub != hub_key:
                raise ParameterError(
                    f"these parameters were made for the hub {hub!r}, the study's hub is "
                    f"{hub_key!r}: build them again without hub_key"
                )
            hub = hub_key
        if before == self.before and hub == self.hub_key:
            return self
        return dataclasses.replace(self, before=before, hub_key=hub)

    def as_of_for(self, closure_dates: Iterable[Any]) -> dt.date:
        """The assessment date: :attr:`as_of`, or the last of ``closure_dates`` when it is None.

        Parameters
        ----------
        closure_dates
            The sites' closure dates (ISO text or dates; missing ones are skipped).

        Returns
        -------
        datetime.date
            The date assessed.

        Raises
        ------
        ParameterError
            When ``as_of`` is None and no site has a closure date.
        """
        if self.as_of is not None:
            return self.as_of
        dates = [parse_iso_date(d, name="closure_date") for d in closure_dates if d == d and d]
        if not dates:
            raise ParameterError("no site has a closure date: give as_of")
        return max(dates)

    def to_dict(self, preparation: Preparation | None = None) -> dict[str, Any]:
        """Plain JSON-ready values (dates as ISO strings, tuples as lists), for metadata.

        Parameters
        ----------
        preparation
            The settings the places were prepared with (the context's), recorded beside the
            evaluation's parameters, before ``model``; None records none.

        Returns
        -------
        dict
            Field name -> value, in field order.
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == "hub_key":  # the columns carry it
                continue
            if f.name == "model" and preparation is not None:
                out.update(preparation.to_dict())
            value = getattr(self, f.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif f.name == "weights":
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


@dataclasses.dataclass(frozen=True)
class Preparation:
    """The settings fixed when places are prepared (snapped to roads, airstrips found).

    They are not parameters of one evaluation: changing one means preparing again, which
    :class:`minusma.Study` does when one of its settings changes. The prepared
    :class:`~minusma.geo.exposure.assess.Context` holds the instance it was built with, and every
    assessment records it (``attrs["parameters"]``), so the metadata names what was applied.

    Parameters
    ----------
    max_snap_km
        Farthest a place may lie from a road-graph node and still count as on the road network
        (:data:`DEFAULT_MAX_SNAP_KM`).
    air_reach_km
        Farthest airstrip that counts as a place's air access (:data:`DEFAULT_AIR_REACH_KM`).

    Examples
    --------
    >>> Preparation(air_reach_km=20).to_dict()
    {'max_snap_km': 10.0, 'air_reach_km': 20.0}
    """

    max_snap_km: float = DEFAULT_MAX_SNAP_KM
    air_reach_km: float = DEFAULT_AIR_REACH_KM

    def __post_init__(self) -> None:
        """Check every setting is a finite number of km."""
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, check_km(getattr(self, f.name), name=f.name))

    def to_dict(self) -> dict[str, float]:
        """The settings as plain values, for metadata.

        Returns
        -------
        dict
            ``{"max_snap_km": ..., "air_reach_km": ...}``.
        """
        return dataclasses.asdict(self)
