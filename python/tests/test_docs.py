"""The examples in the package's docstrings run as written."""

import doctest

import paramcount
from paramcount import _api, _errors


def test_docstring_examples():
    tried = 0
    for module in (paramcount, _api, _errors):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        tried += result.attempted
    # The package's, Formula's, ParamcountError's, count's, evaluate's, breakdown's and check's.
    assert tried >= 20
