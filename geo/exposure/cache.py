"""A cache bounded in bytes: what :func:`geo.exposure.assess.evaluate` reuses across scenarios.

Entries are kept least-recently-used first out once their estimated size passes the budget
(:data:`DEFAULT_CACHE_BYTES`, settable per context). Sizes are estimates: numpy arrays and
numeric columns by their buffers, object columns by a sample of their values, containers by
their items. :meth:`ByteCache.clear` drops every reference and asks the C allocator to hand
its free memory back to the system (glibc's ``malloc_trim``; without it, the many small blocks of
pandas objects stay in the process's heap after they are freed).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from minusma.geo._errors import ParameterError

__all__ = [
    "CACHE_BYTES_PER_PLACE",
    "DEFAULT_CACHE_BYTES",
    "ByteCache",
    "default_cache_bytes",
    "release_memory",
    "size_of",
]

#: Smallest default budget of a context's cache: 256 MiB (every what-if of a session at 20,000
#: places; what is evicted is rebuilt on demand).
DEFAULT_CACHE_BYTES = 256 * 2**20

#: The default budget grows with the places: at least this many bytes per place (what one
#: reference evaluation and a few what-ifs hold, about 1 KiB per place), so that the results a
#: what-if derives from stay cached at 300,000 or 1,000,000 places.
CACHE_BYTES_PER_PLACE = 1536


def default_cache_bytes(n_places: int) -> int:
    """The default budget for ``n_places`` places.

    Parameters
    ----------
    n_places
        The number of places assessed.

    Returns
    -------
    int
        The larger of :data:`DEFAULT_CACHE_BYTES` and :data:`CACHE_BYTES_PER_PLACE` per place.
    """
    return max(DEFAULT_CACHE_BYTES, CACHE_BYTES_PER_PLACE * int(n_places))


_SAMPLE = 256


def _object_bytes(values: np.ndarray) -> int:
    """Pointers plus the sampled mean size of the distinct objects of an object array."""
    n = values.size
    if n == 0:
        return 0
    step = max(1, n // _SAMPLE)
    sample = values.ravel()[::step][:_SAMPLE]
    each = sum(sys.getsizeof(v) for v in sample) / len(sample)
    return int(8 * n + each * n)


def size_of(value: object, _depth: int = 0) -> int:
    """Estimated bytes held by ``value``; shared parts are counted each time they are reached.

    Parameters
    ----------
    value
        A numpy array, pandas object, container (dict, list, tuple) or object with an
        ``nbytes`` property (else its ``sys.getsizeof``).
    _depth
        Nesting depth reached (containers deeper than 4 levels count as their own size).

    Returns
    -------
    int
        Estimated bytes.
    """
    if _depth > 4:
        return sys.getsizeof(value)
    if isinstance(value, np.ndarray):
        return _object_bytes(value) if value.dtype == object else value.nbytes
    if isinstance(value, pd.DataFrame):
        return sum(size_of(value[c].array, _depth + 1) for c in value.columns) + value.index.nbytes
    if isinstance(value, pd.Series | pd.Index):
        return size_of(value.array, _depth + 1)
    if isinstance(value, pd.api.extensions.ExtensionArray):
        if isinstance(value, pd.arrays.NumpyExtensionArray):
            return size_of(np.asarray(value), _depth + 1)
        return int(value.nbytes)
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(v, _depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(size_of(v, _depth + 1) for v in value)
    return sys.getsizeof(value)


def release_memory() -> bool:
    """Collect garbage and return the C heap's free memory to the system where the C library can.

    Returns
    -------
    bool
        Whether glibc's ``malloc_trim`` gave memory back (False with other C libraries).
    """
    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    return bool(trim(0))


class ByteCache:
    """A mapping of recent results bounded to ``max_bytes`` estimated bytes (LRU eviction).

    Safe to share between threads: a lock guards the bookkeeping (a value built twice by racing
    threads is harmless). An entry larger than the whole budget is returned but not kept.

    Parameters
    ----------
    max_bytes
        The budget, in estimated bytes (:func:`size_of`).

    Raises
    ------
    ParameterError
        ``max_bytes`` is not a whole number >= 0.
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._protected: set[Hashable] = set()
        if not (isinstance(max_bytes, int) and max_bytes >= 0):
            raise ParameterError(
                f"cache_bytes must be a whole number of bytes >= 0, got {max_bytes!r}"
            )
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._pinned: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        """Pickled empty: a context sent to worker processes does not ship what it cached.

        Returns
        -------
        dict
            The budget alone (the workers rebuild what they need).
        """
        return {"max_bytes": self.max_bytes}

    def __setstate__(self, state: dict) -> None:
        """An empty cache with the pickled budget.

        Parameters
        ----------
        state
            What :meth:`__getstate__` returned.
        """
        ByteCache.__init__(self, state["max_bytes"])

    @property
    def nbytes(self) -> int:
        """Estimated bytes of the values kept."""
        return self._bytes

    def __len__(self) -> int:
        """Number of entries.

        Returns
        -------
        int
            Pinned ones included.
        """
        return len(self._items) + len(self._pinned)

    def __contains__(self, key: Hashable) -> bool:
        """Whether ``key`` is kept.

        Parameters
        ----------
        key
            The key.

        Returns
        -------
        bool
            True when kept, pinned or not.
        """
        return key in self._items or key in self._pinned

    def __iter__(self) -> Iterator[Hashable]:
        """The keys.

        Returns
        -------
        Iterator
            Over :meth:`keys`.
        """
        return iter(self.keys())

    def keys(self) -> list[Hashable]:
        """The keys.

        Returns
        -------
        list
            Pinned ones, then the others least recently used first.
        """
        return [*self._pinned, *self._items]

    def pin(self, key: Hashable, value: object) -> None:
        """Keep ``value`` outside the budget until :meth:`clear`.

        For what everything else is derived from (e.g. the graph of a season).

        Parameters
        ----------
        key
            The key.
        value
            The value.
        """
        with self._lock:
            self._pinned[key] = value

    def get(self, key: Hashable, default: object = None) -> Any:
        """The value of ``key``, marked recently used.

        Parameters
        ----------
        key
            The key.
        default
            Returned when ``key`` is not kept.

        Returns
        -------
        object
            The value, else ``default``.
        """
        with self._lock:
            if key in self._pinned:
                return self._pinned[key]
            item = self._items.get(key)
            if item is None:
                return default
            self._items.move_to_end(key)
            return item[0]

    def __getitem__(self, key: Hashable) -> Any:
        """The value of ``key``, marked recently used.

        Parameters
        ----------
        key
            The key.

        Returns
        -------
        object
            The value.

        Raises
        ------
        KeyError
            When ``key`` is not kept.
        """
        with self._lock:
            if key in self._pinned:
                return self._pinned[key]
            self._items.move_to_end(key)
            return self._items[key][0]

    def __setitem__(self, key: Hashable, value: object) -> None:
        """Keep ``value`` under ``key`` (:meth:`put`).

        Parameters
        ----------
        key
            The key.
        value
            The value.
        """
        self.put(key, value)

    def put(self, key: Hashable, value: object, *, protect: bool = False) -> None:
        """Keep ``value`` under ``key``, within the budget (least recently used out first).

        Parameters
        ----------
        key
            The key.
        value
            The value (not kept when larger than the whole budget).
        protect
            Evicted only once no unprotected entry is left (for what many later results are
            derived from, costly to rebuild).
        """
        size = size_of(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._protected.discard(key)
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self._bytes += size
            if protect:
                self._protected.add(key)
            if self._bytes > self.max_bytes:
                self._evict()

    def _evict(self) -> None:
        """Least recently used first, unprotected entries before protected ones."""
        for protected in (False, True):
            for key in [k for k in self._items if (k in self._protected) == protected]:
                if self._bytes <= self.max_bytes:
                    return
                _, dropped = self._items.pop(key)
                self._protected.discard(key)
                self._bytes -= dropped

    def pop(self, key: Hashable, default: object = None) -> Any:
        """Remove ``key`` and return its value.

        Parameters
        ----------
        key
            The key.
        default
            Returned when ``key`` is not kept.

        Returns
        -------
        object
            The value, else ``default``.
        """
        with self._lock:
            if key in self._pinned:
                return self._pinned.pop(key)
            self._protected.discard(key)
            item = self._items.pop(key, None)
            if item is None:
                return default
            self._bytes -= item[1]
            return item[0]

    def clear(self) -> None:
        """Drop every entry (and with it every reference the cache held)."""
        with self._lock:
            self._items.clear()
            self._protected.clear()
            self._pinned.clear()
            self._bytes = 0
        release_memory()

    def get_or_build(
        self, key: Hashable, build: Callable[[], object], *, protect: bool = False
    ) -> object:
        """``self[key]``, built with ``build()`` and kept on first use.

        Parameters
        ----------
        key
            The key.
        build
            Called without arguments when ``key`` is not kept.
        protect
            As in :meth:`put`.

        Returns
        -------
        object
            The kept or built value.
        """
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = build()
            self.put(key, value, protect=protect)
        return value


_MISSING = object()
