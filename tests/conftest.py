"""Shared fixtures.

``data_dir`` is the open-data directory, found without the user setting anything:
``$MINUSMA_DATA`` if set, else ``../shared/data`` beside the clone (as in CI), else the cache that
``scripts/setup-test-env`` fills with ``minusma fetch`` (``$XDG_CACHE_HOME/minusma/data``, default
``~/.cache/minusma/data``). Tests that need it fail, never skip, when it is missing: a skip would
hide that the real data was not checked.

Every test runs with ``MINUSMA_DATA`` removed from its environment: a Study (and so every command)
reads the data directory from there, so a test that wants the open data passes ``data_dir``
explicitly and the others get the shipped layers whatever the machine's environment says.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_data_dir() -> Path:
    candidates = []
    if os.environ.get("MINUSMA_DATA"):
        return Path(os.environ["MINUSMA_DATA"])
    candidates.append(REPO.parent / "shared" / "data")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidates.append(cache / "minusma" / "data")
    return next((c for c in candidates if c.is_dir()), candidates[0])


#: Read once, before any test removes the variable from its environment.
DATA_DIR = _find_data_dir()
# ... and removed now too, so that module- and session-scoped fixtures (which run before the
# function-scoped autouse fixture below) build their Studies without it as well
os.environ.pop("MINUSMA_DATA", None)


@pytest.fixture(autouse=True)
def _no_data_dir_in_environment(monkeypatch):
    """Commands and Studies see no ``$MINUSMA_DATA`` unless a test sets it."""
    monkeypatch.delenv("MINUSMA_DATA", raising=False)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The open-data directory laid out like ``../shared/data``."""
    if not DATA_DIR.is_dir():
        pytest.fail(
            f"data directory {DATA_DIR} does not exist: set MINUSMA_DATA to a directory laid out "
            f"like ../shared/data, or run scripts/setup-test-env (it fetches the open data into "
            f"the cache when neither is there)",
            pytrace=False,
        )
    return DATA_DIR
