"""The speed table of the road network: ``layers/data/speeds.csv`` (sourced per row) or a user
CSV."""

from __future__ import annotations

import logging

import pandas as pd

from minusma.layers._files import read_facts

logger = logging.getLogger(__name__)

__all__ = ["speeds"]


def speeds(path: str | None = None) -> pd.DataFrame:
    """The speed table (``layers/data/speeds.csv`` or a user CSV); rows without a speed are dropped
    (that class/season has no speed: its travel times are reported missing, never averaged)."""
    table = pd.read_csv(path) if path else read_facts("speeds.csv", floats=("speed_kmh",))
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
