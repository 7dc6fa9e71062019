"""A what-if as a patch of its reference assessment: only the rows it changes are rebuilt.

A what-if (sites closed or kept, roads cut) changes a few rows of the ~70 columns an assessment
has: the places whose nearest open site closed, whose road costs grew, whose airstrips lost a
service. :class:`Reference` keeps the assessment without a scenario (same date and parameters)
and what it was computed from; :class:`Patch` copies its columns on write, sets only the changed
rows, and hands back a frame with the unchanged columns shared (copy-on-write: changing one frame
never changes the other).

Columns keep the types a full assessment would give them: pandas infers a text column from its
values (text when every value present is a string, ``object`` when none is present), so a
patched text or ``object`` column is inferred again from its new values
(:meth:`Patch.frame`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from minusma.geo.exposure.access import HubCosts
from minusma.geo.exposure.cache import size_of

__all__ = ["Patch", "Reference", "costs_differ", "values_differ"]


@dataclass(frozen=True, eq=False)
class Reference:
    """An assessment without a scenario, and what a what-if of it is patched from.

    Attributes
    ----------
    columns
        The assessment's columns, as Series (sharing the assessment's memory; copy-on-write
        keeps them apart from the caller's frame).
    geometry
        The name of the geometry column.
    index
        The assessment's index.
    flags
        Which sites were open.
    removed
        The road segments cut (none: a reference has no scenario).
    costs
        Road costs by hub kind (``"hub"``, ``"base"``, ``"capital"``).
    hub_ids
        Id of every open site, in site order (what ``nearest_base_by_road`` names).
    air_key
        The airports' service (states before and now, operators before) the air columns were
        built from.
    nbytes
        Estimated bytes of the assessment.
    """

    columns: Mapping[str, pd.Series]
    geometry: str
    index: pd.Index
    flags: NDArray
    removed: tuple
    costs: Mapping[str, HubCosts]
    hub_ids: NDArray
    air_key: tuple
    nbytes: int = 0
    arrays: Mapping[str, Any] = field(default_factory=dict)
    _ascending: dict[str, tuple[NDArray, NDArray]] = field(default_factory=dict, repr=False)

    def ascending(self, column: str) -> tuple[NDArray, NDArray]:
        """The known values of a numeric column in ascending order (sorted once, then kept).

        Parameters
        ----------
        column
            A numeric column of the reference.

        Returns
        -------
        positions : numpy.ndarray
            The rows of its values other than NaN, by ascending value (ties in row order).
        values : numpy.ndarray
            Those values, as float.
        """
        got = self._ascending.get(column)
        if got is None:
            values = np.asarray(self.arrays[column], dtype="float64")
            order = np.argsort(values, kind="stable")[: int(np.count_nonzero(~np.isnan(values)))]
            got = self._ascending[column] = (order, values[order])
        return got

    @classmethod
    def of(
        cls,
        frame: gpd.GeoDataFrame,
        *,
        flags: NDArray,
        removed: tuple,
        costs: Mapping[str, HubCosts],
        hub_ids: NDArray,
        air_key: tuple,
    ) -> Reference:
        """A reference holding the columns of ``frame``, its size estimated once.

        Parameters
        ----------
        frame
            The assessment without a scenario.
        flags
            Which sites were open.
        removed
            The road segments cut.
        costs
            Road costs by hub kind.
        hub_ids
            Id of every open site.
        air_key
            The airports' service the air columns were built from.

        Returns
        -------
        Reference
            The reference, with ``nbytes`` the estimated bytes of ``frame``.
        """
        plain = pd.DataFrame(frame)
        columns = {c: plain[c] for c in plain.columns}
        return cls(
            columns,
            frame.geometry.name,
            frame.index,
            flags=flags,
            removed=removed,
            costs=costs,
            hub_ids=hub_ids,
            air_key=air_key,
            nbytes=size_of(plain),
            arrays={c: s.array for c, s in columns.items()},
        )


def _comparable(values: object) -> NDArray:
    """Values as a numpy array that compares element by element (missing as None or NaN)."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    if isinstance(values, pd.api.extensions.ExtensionArray) and not isinstance(
        values, pd.arrays.NumpyExtensionArray
    ):
        if values.dtype.kind in "fiub" or pd.api.types.is_bool_dtype(values.dtype):
            return values.to_numpy(dtype="float64", na_value=np.nan)
        return values.to_numpy(dtype=object, na_value=None)
    arr = np.asarray(values)
    if arr.dtype == object:
        arr = arr.copy()
        arr[np.asarray(pd.isna(arr), dtype=bool)] = None
    return arr


def _plain(values: object) -> NDArray:
    """Values as a numpy array, shared where they are numpy inside.

    Numeric and boolean extension arrays as float (missing as NaN); text as an object array
    holding its own missing value (None, NaN or NA).
    """
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        return values.to_numpy()
    if isinstance(values, pd.api.extensions.ExtensionArray):
        if isinstance(values.dtype, pd.StringDtype):
            return np.asarray(values, dtype=object)
        return _comparable(values)
    return np.asarray(values)


def values_differ(old: object, new: object) -> NDArray:
    """Mask of the positions where two columns of the same length hold different values.

    Parameters
    ----------
    old
        A column (numpy array, pandas array or Series); missing values (NaN, None, NA) are
        equal to each other.
    new
        A column of the same length.

    Returns
    -------
    numpy.ndarray
        Boolean mask, True where the values differ.
    """
    a, b = _plain(old), _plain(new)
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return (a != b) & ~(np.isnan(a) & np.isnan(b))
    if a.dtype != object and b.dtype != object:
        return np.asarray(a != b, dtype=bool)
    try:  # compared as they are; then missing values are equal to each other
        differ = np.asarray(a != b, dtype=bool)
    except (TypeError, ValueError):  # pd.NA has no truth value: every missing value as None
        a, b = _comparable(old), _comparable(new)
        return np.asarray(a != b, dtype=bool)
    at = np.flatnonzero(differ)
    if at.size:  # equal where both are missing
        at = at[np.asarray(pd.isna(a[at]), dtype=bool)]
        differ[at[np.asarray(pd.isna(b[at]), dtype=bool)]] = False
    return differ


def costs_differ(old: HubCosts, new: HubCosts, nodes: NDArray) -> NDArray:
    """Mask of the places whose road costs or nearest hub node differ between two results.

    Parameters
    ----------
    old
        Road costs (:class:`geo.exposure.access.HubCosts`).
    new
        Road costs of the same graph.
    nodes
        Node of every place (-1 off the network: never differs).

    Returns
    -------
    numpy.ndarray
        Boolean mask over the places.
    """
    if old is new:
        return np.zeros(nodes.size, dtype=bool)
    # the nodes whose costs differ (contiguous arrays), then the places at them
    by_node = np.zeros(old.length_km.size + 1, dtype=bool)  # the last: off the network
    for name in ("length_km", "travel_h", "travel_h_lower", "source_node"):
        a, b = getattr(old, name), getattr(new, name)
        if a is not b:
            by_node[:-1] |= values_differ(a, b)
    return by_node[nodes]


def _missing_as_none(values: object) -> NDArray:
    """Values as an object array, None where missing."""
    arr = _comparable(values)
    return arr.astype(object) if arr.dtype != object else arr


class Patch:
    """The columns of a reference, copied on first write and changed at some rows only.

    Parameters
    ----------
    reference
        The reference assessment (never changed).
    """

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.columns: dict[str, Any] = {}
        self._rows: dict[str, list[NDArray]] = {}

    def rows(self, *columns: str) -> NDArray:
        """Positions of the rows set in any of ``columns`` so far (ascending, distinct).

        Parameters
        ----------
        *columns
            Columns of the reference.

        Returns
        -------
        numpy.ndarray
            Row positions (int64).
        """
        parts = [r for c in columns for r in self._rows.get(c, ())]
        if not parts:
            return np.empty(0, dtype="int64")
        return np.unique(np.concatenate(parts).astype("int64"))

    def array(self, column: str) -> Any:
        """The column's current values (patched or the reference's), not to be changed.

        Parameters
        ----------
        column
            A column of the reference.

        Returns
        -------
        numpy.ndarray or pandas.api.extensions.ExtensionArray
            The values.
        """
        got = self.columns.get(column)
        return self.reference.arrays[column] if got is None else got

    def take(self, column: str, rows: NDArray) -> Any:
        """The column's current values at ``rows``.

        Numpy where the column is numpy inside: text as an object array, missing as NaN.

        Parameters
        ----------
        column
            A column of the reference.
        rows
            Row positions (int).

        Returns
        -------
        numpy.ndarray or pandas.api.extensions.ExtensionArray
            The values, aligned to ``rows``.
        """
        arr = self.array(column)
        if isinstance(arr, pd.arrays.NumpyExtensionArray):
            return np.asarray(arr)[rows]
        return arr[rows]

    def set(self, column: str, rows: NDArray, values: object) -> None:
        """Set ``column`` at the positions ``rows`` to ``values`` (one per row).

        Text columns stay text while a value is text; one left without any becomes an
        ``object`` column, as pandas types a full assessment's columns.

        Parameters
        ----------
        column
            A column of the reference.
        rows
            Row positions (int).
        values
            The new values, aligned to ``rows``.
        """
        if len(rows) == 0:
            return
        self._rows.setdefault(column, []).append(np.asarray(rows))
        arr = self.array(column)
        fresh = column not in self.columns
        text = isinstance(arr.dtype, pd.StringDtype)
        if isinstance(arr, pd.arrays.NumpyExtensionArray) and not text:
            arr = arr.to_numpy()
            fresh = True
        if isinstance(arr, np.ndarray):
            if fresh:
                arr = arr.copy()
            arr[rows] = _missing_as_none(values) if arr.dtype == object else values
        elif text:
            values = _missing_as_none(values)
            if all(v is None for v in values):
                # perhaps no text left: typed again from the values (Patch.frame)
                arr = arr.to_numpy(dtype=object, na_value=None)
            elif fresh:
                arr = arr.copy()
            arr[rows] = values
        else:
            if fresh:
                arr = arr.copy()
            arr[rows] = values
        self.columns[column] = arr

    def replace(self, column: str, values: object) -> None:
        """Set the whole column.

        Parameters
        ----------
        column
            A column of the reference.
        values
            One value per row.
        """
        self.columns[column] = values

    def frame(self) -> gpd.GeoDataFrame:
        """The patched frame: the reference's columns, shared where unchanged.

        ``object`` columns changed are typed by pandas from their new values, as in a full
        assessment (text when every value present is text).

        Returns
        -------
        geopandas.GeoDataFrame
            Same columns, order, index and geometry as the reference.
        """
        ref = self.reference
        # the reference's columns as Series: pandas tracks that they are shared (a write to
        # either frame copies first); the frame is built in one step
        data = {c: self.columns.get(c, s) for c, s in ref.columns.items()}
        return gpd.GeoDataFrame(data, index=ref.index, geometry=ref.geometry, copy=False)
