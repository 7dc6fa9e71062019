"""Shared fixtures.

``data_dir`` is the open-data directory (``$MINUSMA_DATA``, else ``../shared/data`` beside the
clone, as in CI). Tests that need it fail, never skip, when it is missing: a skip would hide that
the real data was not checked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The open-data directory laid out like ``../shared/data``."""
    path = Path(os.environ.get("MINUSMA_DATA", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.fail(
            f"data directory {path} does not exist: set MINUSMA_DATA to a directory laid out like "
            f"../shared/data, or run `minusma fetch --dest DIR` and point MINUSMA_DATA at it",
            pytrace=False,
        )
    return path
