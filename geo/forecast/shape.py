"""Protection features shaped by an estimated effect: what a site's opening or closing did.

The default protection features follow a hand-set radius rule (sites open within ``R`` km, months
since a closure within ``R`` km; :mod:`minusma.geo.forecast.features`). With a
:class:`ProtectionShape`, two more features take the *estimated* effect as their shape over time
(and over distance, when the estimate gives rings): for unit ``u`` at origin ``t`` (the first
month forecast, knowing months before it) and horizon ``H``,

    closing_effect(u, t) = sum over sites s that closed at a month c_s < t, d_us <= R:
                           mean over j = 0 .. H-1 of
                           estimate_closing(ring of d_us, k = min(t + j - c_s, K))

that is the estimated change in events per month over the months forecast, ``k`` the months
since the closure (a closure not yet seen at the origin adds nothing), ``K`` the estimate's
window (months after it take the estimate at ``K``: clamped); ``opening_effect`` likewise from
the opening dates and the opening estimates. The estimate comes from ``minusma effect --format
json`` (an event study of how events changed around sites after they opened or closed,
:mod:`minusma.geo.event_study`): its ``event_time`` rows ``{design, k, estimate}`` for
``k >= 0`` and its ``radius_km``. Rows may carry their own ``radius_km`` (rings, ascending): a
site then counts with the estimate of the first ring that reaches it. An event time without an
estimate takes the nearest earlier one (0 before any).

To stay free of leakage, estimate the effect on months before the forecast's first origin: an
estimate that saw the backtest's test months leaks them into every origin.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from minusma.geo._errors import ParameterError

__all__ = ["DESIGNS", "SHAPED_FEATURES", "ProtectionShape", "read_protection_shape"]

#: Designs of an effect estimate.
DESIGNS = ("opening", "closing")
#: Feature names, by design.
SHAPED_FEATURES = {"opening": "opening_effect_within", "closing": "closing_effect_within"}


@dataclass(frozen=True)
class ProtectionShape:
    """Estimated change in events per unit and month, by design, ring and months since a switch.

    Attributes
    ----------
    radii_km
        Outer radius of each ring, ascending; the last is the farthest a site counts.
    estimates
        Design -> ``(n_rings, window_months + 1)`` estimate at ``k = 0 .. window_months``.
    window_months
        The last event time estimated (later months take its estimate).
    source
        Where the estimate came from.
    """

    radii_km: tuple[float, ...]
    estimates: dict[str, NDArray[np.float64]]
    window_months: int
    source: str = ""

    @property
    def radius_km(self) -> float:
        """The farthest distance at which a site counts, km."""
        return float(self.radii_km[-1])

    def features(
        self,
        site_km: NDArray,
        opened_month: NDArray,
        closed_month: NDArray,
        known_month: NDArray,
        never: int,
        horizon_months: int = 1,
    ) -> dict[str, NDArray]:
        """The shaped features per unit and origin.

        Parameters
        ----------
        site_km
            ``(n_units, n_sites)`` distances.
        opened_month
            ``(n_sites,)`` month numbers of the openings (``-never``: open before the record).
        closed_month
            ``(n_sites,)`` month numbers of the closings (``never``: still open).
        known_month
            ``(n_origins,)`` the last month known at each origin.
        never
            The magnitude standing for "no switch".
        horizon_months
            Months forecast from each origin (the estimate is averaged over them).

        Returns
        -------
        dict
            Feature name -> ``(n_units, n_origins)``.
        """
        ring = np.searchsorted(np.asarray(self.radii_km), site_km, side="left")  # d <= radius
        out = {}
        for design, switch in (("opening", opened_month), ("closing", closed_month)):
            if design not in self.estimates:
                continue
            table = self.estimates[design]
            k = known_month[None, :] - switch[:, None]  # (n_sites, n_origins), k >= 0: seen
            real = np.abs(switch) < never
            active = (k >= 0) & real[:, None]
            total = np.zeros((site_km.shape[0], known_month.size))
            for r in range(len(self.radii_km)):
                ahead = np.zeros(k.shape)
                for j in range(1, horizon_months + 1):  # months t + j - 1 of the horizon
                    ahead += table[r][np.clip(k + j, 0, self.window_months)]
                effect = np.where(active, ahead / horizon_months, 0.0)
                total += (ring == r).astype(np.float64) @ effect
            out[SHAPED_FEATURES[design]] = total
        return out


def _fill_forward(values: NDArray) -> NDArray:
    out = values.copy()
    last = 0.0
    for i, v in enumerate(out):
        if np.isfinite(v):
            last = v
        else:
            out[i] = last
    return out


def _fail(path: str | os.PathLike, problem: str) -> ParameterError:
    return ParameterError(
        f"{path}: {problem}; give the JSON written by `minusma effect ... --format json` "
        "(its event_time rows: design, k, estimate; and radius_km)"
    )


def read_protection_shape(path: str | os.PathLike) -> ProtectionShape:
    """Read an effect estimate (``minusma effect --format json``) as a protection shape.

    Parameters
    ----------
    path
        The JSON file.

    Returns
    -------
    ProtectionShape

    Raises
    ------
    ParameterError
        Not JSON, no ``event_time`` rows with ``k >= 0`` and an estimate, no radius, or a design
        other than opening/closing (the message names the fix).
    """
    try:
        record: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"not a readable JSON file ({exc.__class__.__name__})") from exc
    rows = record.get("event_time") if isinstance(record, dict) else None
    if not isinstance(rows, list) or not rows:
        raise _fail(path, "no event_time rows")
    default_radius = record.get("radius_km")
    table: dict[tuple[str, float], dict[int, float]] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "k" not in row or "estimate" not in row:
            raise _fail(path, f"event_time row {i} lacks k or estimate")
        design = row.get("design", "closing")
        if design not in DESIGNS:
            raise _fail(path, f"event_time row {i}: design {design!r} is not opening or closing")
        radius = row.get("radius_km", default_radius)
        if not isinstance(radius, int | float) or not radius > 0:
            raise _fail(path, f"event_time row {i}: no radius_km > 0 (on the row or the file)")
        k, estimate = int(row["k"]), row["estimate"]
        if k >= 0:
            value = float(estimate) if estimate is not None else np.nan
            table.setdefault((design, float(radius)), {})[k] = value
    if not table or all(np.isnan(list(v.values())).all() for v in table.values()):
        raise _fail(path, "no estimate at k >= 0 (after a site opened or closed)")
    radii = tuple(sorted({r for _, r in table}))
    window = max(max(v) for v in table.values())
    estimates = {}
    for design in DESIGNS:
        if not any(d == design for d, _ in table):
            continue
        grid = np.full((len(radii), window + 1), np.nan)
        for r, radius in enumerate(radii):
            for k, v in table.get((design, radius), {}).items():
                grid[r, k] = v
            grid[r] = _fill_forward(grid[r])
        estimates[design] = grid
    return ProtectionShape(radii, estimates, int(window), str(path))
