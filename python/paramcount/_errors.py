"""The exceptions of paramcount: one base class, a subclass per kind of mistake.

Each error of the library becomes one of these, made by the compiled module through
``_from_native``; ``str(error)`` is the diagnostic the command line prints (the source line and a
caret under the place), and the facts are attributes.
"""

from __future__ import annotations

from typing import Any, List, Optional


class ParamcountError(Exception):
    """An error of paramcount: bad input, an unknown name, a limit passed, a false claim.

    Attributes:
        kind: the library's name for the situation (``"Syntax"``, ``"UnknownName"``, ...).
        message: one sentence of what is wrong.
        diagnostic: the message as the command line prints it, with the source line and a caret.
        source: the name of the input the error is in (a path, ``"<formula>"``, ``"--set H"``),
            when it is at one place.
        line, column: where (1-based; the column counts characters), when it is at one place.
        help: one sentence of what to do, when there is one.
        label: the short text under the caret.

    >>> import paramcount
    >>> try:
    ...     paramcount.Formula.parse("total = (1 + ")
    ... except paramcount.ParamcountError as error:
    ...     print(error.line, error.column)
    1 14
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        diagnostic: Optional[str] = None,
        source: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        help: Optional[str] = None,
        label: Optional[str] = None,
    ) -> None:
        self.kind = kind
        self.message = message
        self.diagnostic = diagnostic if diagnostic is not None else f"error: {message}\n"
        self.source = source
        self.line = line
        self.column = column
        self.help = help
        self.label = label
        super().__init__(self.diagnostic.rstrip("\n"))


class FormulaSyntaxError(ParamcountError):
    """The formula text cannot be read: a syntax error, nesting past the limit, a name defined
    twice."""


class UnknownNameError(ParamcountError):
    """A name nothing defines: a size missing from the config, a target, a built-in formula, a
    config's ``model_type``."""


class ConfigError(ParamcountError):
    """The config is not a JSON object of usable values."""


class EvaluationError(ParamcountError):
    """The formula reads but cannot be evaluated: division by zero, a cycle, a type mismatch."""


class LimitError(ParamcountError):
    """An input or a result past one of the limits that keep hostile input bounded."""


class InputError(ParamcountError):
    """An input that cannot be read (a missing file, binary data) or is malformed (a ``set``
    without ``=``)."""


class FalseClaimError(ParamcountError):
    """A formula's own claim (``total = ... = 123``) does not hold.

    Attributes:
        claims: every claim the formula makes, each a dict with ``source``, ``line``, ``column``,
            ``text``, ``computed``, ``claimed`` and ``holds``.
        value: the target's value (``evaluate``), or None.
        derivation: the derivation (``derive``), or None.
    """

    def __init__(
        self,
        claims: List[dict],
        value: Any = None,
        derivation: Any = None,
    ) -> None:
        wrong = [c for c in claims if not c["holds"]]
        first = wrong[0]
        super().__init__(
            f"claim does not hold: the formula gives {first['computed']}, "
            f"the text claims {first['claimed']}",
            kind="FalseClaim",
            diagnostic="".join(c["message"] for c in wrong),
            source=first["source"],
            line=first["line"],
            column=first["column"],
            help="paramcount.check shows the difference and looks for the likely mistake",
            label=f"claimed {first['claimed']}",
        )
        self.claims = claims
        self.value = value
        self.derivation = derivation


_KINDS = {
    FormulaSyntaxError: ("Syntax", "TooDeep", "AdjacentNumbers", "Redefinition"),
    UnknownNameError: (
        "UnknownName",
        "NoAlternative",
        "UnknownTarget",
        "UnknownFormula",
        "UnknownModelType",
    ),
    ConfigError: (
        "ConfigSyntax",
        "ConfigNotObject",
        "ConfigValue",
        "ConfigType",
        "ConfigSize",
    ),
    EvaluationError: ("DivisionByZero", "Cycle", "FractionalExponent", "Type", "Arity"),
    LimitError: (
        "TooLarge",
        "FractionTooLarge",
        "ExponentTooLarge",
        "InputTooLarge",
        "OutputTooLarge",
        "TooManyDefinitions",
    ),
    InputError: ("Io", "NotText", "BinaryInput", "SetSyntax", "Usage", "Checkpoint", "Tensors"),
}
_CLASS_OF = {kind: cls for cls, kinds in _KINDS.items() for kind in kinds}


def _from_native(
    kind: str,
    message: str,
    diagnostic: str,
    source: Optional[str],
    line: Optional[int],
    column: Optional[int],
    help: Optional[str],
    label: str,
) -> ParamcountError:
    """The exception for one of the library's errors (called by the compiled module)."""
    cls = _CLASS_OF.get(kind, ParamcountError)
    return cls(
        message,
        kind=kind,
        diagnostic=diagnostic,
        source=source,
        line=line,
        column=column,
        help=help,
        label=label or None,
    )
