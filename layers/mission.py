"""The study's frame: the mission's calendar and the key of its hub.

The calendar: the dates the analysis accepts and the situation before the withdrawal. The hub:
the capital, Bamako (:data:`minusma.layers.towns.HUB_ID`), whose key prefixes the columns the
road indicators measure to it (``bamako_road_km``, ``bamako_time_score``, ...); the model
composes them from :data:`HUB_KEY`.

The dates are facts of MINUSMA, read from ``layers/data/mission.csv`` (one row each, with its
source) beside the sites table (``bases.csv``); the spatial core (:mod:`minusma.geo`) knows no
calendar and receives them as a :class:`~minusma.geo.exposure.params.Period`
(:data:`MISSION`), carried by the prepared context.

>>> MISSION.before.isoformat(), MISSION.first.year, MISSION.last.year
('2023-06-30', 2013, 2024)
"""

from __future__ import annotations

import csv
import datetime as dt

from minusma.geo.exposure.params import ExposureParams, Period, check_params
from minusma.layers._files import data_file

__all__ = [
    "BEFORE_DATE",
    "HUB_KEY",
    "MISSION",
    "MISSION_END",
    "MISSION_START",
    "mission_params",
]

#: The words naming the mission's period in messages ("must lie between ... (the mission's years)").
PERIOD_LABEL = "the mission's years"


#: The key of the hub (the capital, Bamako): the prefix of the columns measured to it.
HUB_KEY = "bamako"


def _read_dates() -> dict[str, dt.date]:
    """The ``key -> date`` rows of ``mission.csv`` (``first``, ``before``, ``last``)."""
    with data_file("mission.csv").open(encoding="utf-8", newline="") as f:
        return {row["key"]: dt.date.fromisoformat(row["date"]) for row in csv.DictReader(f)}


_DATES = _read_dates()

#: The mission's period: every date of the analysis lies in the mission's years (the first day of
#: the year it was established to the last day of the year its last site was handed over), and
#: "before the withdrawal" is 30 June 2023 (UN Security Council resolution 2690 (2023)); the
#: sources are on each row of ``layers/data/mission.csv``.
MISSION = Period(
    first=_DATES["first"], last=_DATES["last"], before=_DATES["before"], label=PERIOD_LABEL
)

#: The situation before the withdrawal (every site still open).
BEFORE_DATE = MISSION.before
#: The first and the last date the analysis accepts.
MISSION_START = MISSION.first
MISSION_END = MISSION.last


def mission_params(params: ExposureParams | None = None) -> ExposureParams:
    """``params`` (or the defaults) in the mission: ``before`` and the hub set, dates checked.

    Parameters
    ----------
    params
        The model's parameters; None: the defaults.

    Returns
    -------
    ExposureParams
        ``params`` with ``before`` set (:data:`BEFORE_DATE` unless given) and the hub
        (:data:`HUB_KEY`), so every weight.

    Raises
    ------
    ParameterError
        For ``params`` that are not parameters, or a date outside the mission's years.
    """
    return check_params(params).within(MISSION, hub_key=HUB_KEY)
