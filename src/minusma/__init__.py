"""Which towns of Mali were left exposed when the UN mission MINUSMA withdrew (2023-2024).

One import name with four parts:

- :mod:`minusma.geo`: the spatial core (CRS, geodesic distance, networks, the exposure model);
  imports nothing else of the package.
- :mod:`minusma.layers`: the cited layers of Mali and their loaders, the open-data directory.
- :mod:`minusma.maps`: interactive and printable maps.
- :class:`minusma.Study`: the application layer. It owns the data and the prepared model, and
  every ``minusma`` command is one call on it.

``import minusma`` is cheap: the parts load when first used.

Examples
--------
>>> from minusma import Study
>>> study = Study()                                  # the shipped layers  # doctest: +SKIP
>>> study.assess().head()                            # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Study", "__version__", "geo", "layers", "maps"]

if TYPE_CHECKING:  # pragma: no cover
    from minusma import geo, layers, maps
    from minusma.study import Study

_LAZY = {"Study": "minusma.study", "geo": None, "layers": None, "maps": None}


def __getattr__(name: str) -> Any:
    """Load ``Study`` and the subpackages on first use (PEP 562).

    Parameters
    ----------
    name
        The attribute asked for.

    Returns
    -------
    Any
        :class:`~minusma.study.Study`, or the subpackage ``minusma.<name>``.

    Raises
    ------
    AttributeError
        For a name the package does not have.
    """
    if name not in _LAZY:
        raise AttributeError(f"module 'minusma' has no attribute {name!r}")
    module_name = _LAZY[name]
    if module_name is None:
        value = importlib.import_module(f"minusma.{name}")
    else:
        value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazy ones included.

    Returns
    -------
    list of str
        Sorted names.
    """
    return sorted(set(globals()) | set(__all__))
