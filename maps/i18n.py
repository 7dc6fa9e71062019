"""The words of the maps: the package's one catalogue, :mod:`minusma.geo.i18n`.

Kept importable here for existing callers.
"""

from minusma.geo.i18n import DEFAULT_LANG, LANGS, STRINGS, date_text, number_text, text

__all__ = ["DEFAULT_LANG", "LANGS", "STRINGS", "date_text", "number_text", "text"]
