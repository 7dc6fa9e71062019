"""Matching names typed by people against names in the data: accents, case and punctuation ignored.

The one name-matching rule of the package: layers, bases, road segments, towns and datasets are
all looked up through :func:`name_key`.

>>> name_key("Ségou"), name_key("SEGOU"), name_key("Ménaka camp")
('segou', 'segou', 'menakacamp')
>>> ascii_name("Ségou")
'Segou'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ascii_name", "name_key"]


def ascii_name(name: str | None) -> str | None:
    """ASCII transliteration of an accented name (``Ségou`` -> ``Segou``); None or NaN gives None.

    Parameters
    ----------
    name
        Any text.

    Returns
    -------
    str or None
        The name without diacritics; None for None or NaN.
    """
    if name is None or (isinstance(name, float) and name != name):
        return None
    return unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()


def name_key(name: object) -> str:
    """Matching key of a name: ASCII, lower case, letters and digits only.

    Parameters
    ----------
    name
        Any value (converted with :class:`str`).

    Returns
    -------
    str
        ``"Ménaka camp"`` -> ``"menakacamp"``; two names match when their keys are equal.
    """
    return re.sub(r"[^a-z0-9]", "", (ascii_name(str(name)) or "").lower())
