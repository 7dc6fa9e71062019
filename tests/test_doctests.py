"""The docstring examples of the public modules run, and give what they show (CI runs this file)."""

import doctest
import importlib

import pytest

MODULES = [
    "minusma.geo.names",
    "minusma.geo.exposure.params",
    "minusma.layers.query",
    "minusma.geo.i18n",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} example(s) of {name} failed (see output above)"
