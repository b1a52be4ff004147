"""The examples in the package's docstrings run as written."""

import doctest

import pytest

import paramcount
from paramcount import _api, _errors


@pytest.mark.parametrize("module", [paramcount, _api, _errors], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0
    assert failures == 0
