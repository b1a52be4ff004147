"""paramcount: exact parameter counts of neural networks, from formulas you can read.

A Rust engine (the same library the ``paramcount`` command line runs) with a Python front door:
counts are exact ``int``s (a ``fractions.Fraction`` when a value is not whole), never floats.

>>> import paramcount
>>> paramcount.count({"model_type": "gpt2", "n_layer": 12})
124439808
>>> print(paramcount.Formula.builtin("bert-article").derive())
(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)=108890112
>>> paramcount.check("2*3 = 7").false[0].claimed
7
"""

from ._api import (
    STYLES,
    Breakdown,
    CheckReport,
    Claim,
    Derivation,
    Formula,
    Status,
    breakdown,
    check,
    count,
    derive,
    evaluate,
    models,
)
from ._errors import (
    ConfigError,
    EvaluationError,
    FalseClaimError,
    FormulaSyntaxError,
    InputError,
    LimitError,
    ParamcountError,
    UnknownNameError,
)
from ._native import __version__

# The public names are shown as `paramcount.X` (in tracebacks, reprs and help()), not by the
# private module that defines them.
for _name in ("Breakdown", "CheckReport", "Claim", "Derivation", "Formula", "Status"):
    globals()[_name].__module__ = __name__
for _name in (
    "ConfigError",
    "EvaluationError",
    "FalseClaimError",
    "FormulaSyntaxError",
    "InputError",
    "LimitError",
    "ParamcountError",
    "UnknownNameError",
):
    globals()[_name].__module__ = __name__
del _name

__all__ = [
    "STYLES",
    "Breakdown",
    "CheckReport",
    "Claim",
    "ConfigError",
    "Derivation",
    "EvaluationError",
    "FalseClaimError",
    "Formula",
    "FormulaSyntaxError",
    "InputError",
    "LimitError",
    "ParamcountError",
    "Status",
    "UnknownNameError",
    "__version__",
    "breakdown",
    "check",
    "count",
    "derive",
    "evaluate",
    "models",
]
