"""The kinds of units a forecast counts events in: names only, cheap to import (``--help``)."""

from __future__ import annotations

__all__ = ["POINT_UNITS", "UNITS"]

#: Units of analysis of a forecast.
UNITS = ("cercle", "commune", "region", "region_2023", "grid", "towns", "settlements")
#: The units that are places (points) rather than areas.
POINT_UNITS = ("towns", "settlements")
