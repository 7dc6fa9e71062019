"""The speed table of the road network: ``layers/data/speeds.csv`` (sourced per row) or a user
CSV."""

from __future__ import annotations

import logging

import pandas as pd

from minusma.geo._errors import ParameterError
from minusma.layers._files import read_facts

logger = logging.getLogger(__name__)

__all__ = ["speeds"]


def speeds(path: str | None = None) -> pd.DataFrame:
    """The speed table (``layers/data/speeds.csv`` or a user CSV); rows without a speed are dropped
    (that class/season has no speed: its travel times are reported missing, never averaged)."""
    if path:
        try:
            table = pd.read_csv(path)
        except (OSError, ValueError) as exc:  # missing, a folder, not text, not CSV
            raise ParameterError(
                f"speeds_path {str(path)[:120]!r} cannot be read as a speed table "
                f"({type(exc).__name__}: {str(exc)[:120]}); give a CSV laid out like "
                "layers/data/speeds.csv (road_class, season, speed_kmh, ...)"
            ) from exc
        missing = sorted({"road_class", "season", "speed_kmh"} - set(table.columns))
        if missing:
            raise ParameterError(
                f"speeds_path {str(path)[:120]!r} lacks the column(s) {missing}; give a CSV laid "
                "out like layers/data/speeds.csv"
            )
        table["speed_kmh"] = pd.to_numeric(table["speed_kmh"], errors="coerce")
    else:
        table = read_facts("speeds.csv", floats=("speed_kmh",))
    empty = table["speed_kmh"].isna()
    if empty.any():
        logger.info(
            "speed table: %d class/season row(s) have no sourced speed: %s",
            int(empty.sum()),
            ", ".join(
                sorted(set(table.loc[empty, "road_class"] + "/" + table.loc[empty, "season"]))
            ),
        )
    return table.loc[~empty].reset_index(drop=True)
