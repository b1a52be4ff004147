"""The Python face of paramcount: arguments in the shapes Python users have (paths, dicts,
transformers configs, keyword overrides), passed to the compiled library, answers as Python values.

Nothing here computes a count: every number comes from the library (``paramcount._native``), which
is the one the command line runs. This module only translates arguments and wraps results.
"""

from __future__ import annotations

import enum
import json
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import FalseClaimError

#: What a count is: an ``int``, a ``Fraction`` when the value is not whole, a ``bool`` for a
#: comparison. Never a ``float``.
Value = Union[int, Fraction, bool]

#: A config: what the command line's ``--config`` takes (a ``config.json``, a model directory, a
#: GGUF file, a Hub model id; ``str`` or ``os.PathLike``), a ``dict`` of config keys, or a
#: transformers ``PretrainedConfig`` (anything with ``to_dict()``).
ConfigLike = Union[str, "os.PathLike[str]", Mapping[str, Any], Any]

#: Overrides: ``{"num_hidden_layers": 24}``, or ``"NAME=VALUE"`` strings as ``--set`` takes them.
SetLike = Union[Mapping[str, Any], str, Iterable[str]]

#: A formula: a ``Formula``, or a built-in formula's name or a formula file's path, as the command
#: line reads ``FORMULA``.
FormulaLike = Union["Formula", str, "os.PathLike[str]"]

STYLES = ("article", "symbolic", "steps", "markdown", "latex", "json")


def _config_args(config: Optional[ConfigLike]) -> Tuple[Optional[str], Optional[Tuple[str, str]]]:
    """``(path, None)`` for a path, ``(None, (name, json_text))`` for a dict or a config object."""
    if config is None:
        return None, None
    if isinstance(config, (str, os.PathLike)):
        return os.fspath(config), None
    if isinstance(config, Mapping):
        return None, ("<dict>", _json(dict(config)))
    to_dict = getattr(config, "to_dict", None)
    if callable(to_dict):
        # transformers' `PretrainedConfig.to_dict()` includes `model_type`, as config.json does.
        return None, (f"<{type(config).__name__}>", _json(to_dict()))
    raise TypeError(
        "config must be a path to a config.json, a dict, or an object with to_dict() "
        f"(a transformers PretrainedConfig), not {type(config).__name__}"
    )


def _json(value: Dict[str, Any]) -> str:
    # Floats are written with repr's shortest digits (0.1, 1e-05), which the library reads as the
    # exact decimal; objects JSON cannot hold (a torch dtype) are written as their str().
    return json.dumps(value, indent=1, default=str)


def _set_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _set_args(set: Optional[SetLike]) -> List[str]:
    if set is None:
        return []
    if isinstance(set, str):
        return [set]
    if isinstance(set, Mapping):
        return [f"{name}={_set_value(value)}" for name, value in set.items()]
    return [str(item) for item in set]


class Formula:
    """A formula: text in paramcount's formula language, a file, or a built-in family.

    >>> import paramcount
    >>> ffn = paramcount.Formula.parse('H = hidden_size | 768\\nffn = H*4*H + 4*H + 4*H*H + H')
    >>> ffn.evaluate()
    4722432
    >>> ffn.evaluate(set={"hidden_size": 1024})
    8393728
    >>> print(paramcount.Formula.builtin("bert-article").derive())
    (30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)=108890112
    """

    __slots__ = ("_name", "_text", "_kind")

    def __init__(self, name: str, text: Optional[str], kind: str = "text") -> None:
        # Use the class methods: parse, file, builtin.
        self._name = name
        self._text = text
        self._kind = kind

    @classmethod
    def parse(cls, text: str, name: str = "<formula>") -> "Formula":
        """A formula from its text (a whole formula file's worth of statements).

        Raises ``FormulaSyntaxError`` (a ``ParamcountError``) with the line and column of the
        mistake.
        """
        _native.parse(name, text)
        return cls(name, text)

    @classmethod
    def file(cls, path: Union[str, "os.PathLike[str]"]) -> "Formula":
        """A formula file, read now; errors name the path."""
        name = os.fspath(path)
        text = _native.read_text(name)
        _native.parse(name, text)
        return cls(name, text, "file")

    @classmethod
    def builtin(cls, name: str) -> "Formula":
        """A built-in formula (``"bert"``, ``"llama"``, ``"bert-article"``, ...): see ``models()``."""
        _native.find_builtin(name)
        return cls(name, None, "builtin")

    @property
    def name(self) -> str:
        """The name errors show: the path, ``"<formula>"``, or the built-in's name."""
        return self._name

    @property
    def text(self) -> str:
        """The formula's text."""
        if self._text is not None:
            return self._text
        return str(_native.find_builtin(self._name))

    def _formula_spec(self) -> Dict[str, Any]:
        if self._kind == "builtin":
            return {"formula_name": self._name}
        return {"formula_text": (self._name, self._text)}

    def evaluate(
        self,
        config: Optional[ConfigLike] = None,
        set: Optional[SetLike] = None,
        target: Optional[str] = None,
    ) -> Value:
        """The exact value of the target (the formula's default target, ``total`` unless it says
        otherwise, when ``target`` is None).

        Raises ``FalseClaimError`` when a claim the formula makes (``x = ... = 123``) does not hold.
        """
        return _evaluate(_spec(config=config, set=set, target=target, **self._formula_spec()))

    def derive(
        self,
        style: str = "article",
        config: Optional[ConfigLike] = None,
        set: Optional[SetLike] = None,
        target: Optional[str] = None,
        *,
        group_digits: bool = False,
        spaced: bool = False,
    ) -> "Derivation":
        """The derivation in ``style``: ``"article"`` (the article's one line), ``"symbolic"``,
        ``"steps"``, ``"markdown"``, ``"latex"`` or ``"json"``."""
        spec = _spec(config=config, set=set, target=target, **self._formula_spec())
        return Derivation._make(spec, style, group_digits, spaced)

    def breakdown(
        self,
        config: Optional[ConfigLike] = None,
        set: Optional[SetLike] = None,
        target: Optional[str] = None,
        *,
        depth: Optional[int] = None,
    ) -> "Breakdown":
        """The target split into its named parts: see ``paramcount.breakdown``."""
        spec = _spec(config=config, set=set, target=target, **self._formula_spec())
        return Breakdown._make(spec, depth)

    def check(
        self, config: Optional[ConfigLike] = None, set: Optional[SetLike] = None
    ) -> "CheckReport":
        """Every claim the formula makes, checked and, when false, diagnosed."""
        return _check([(self._name, self.text)], [], False, config, set)

    def __repr__(self) -> str:
        if self._kind == "builtin":
            return f"Formula.builtin({self._name!r})"
        if self._kind == "file":
            return f"Formula.file({self._name!r})"
        return f"Formula.parse({self._text!r})"


def _spec(
    *,
    formula_name: Optional[str] = None,
    formula_text: Optional[Tuple[str, str]] = None,
    expression: Optional[str] = None,
    config: Optional[ConfigLike] = None,
    set: Optional[SetLike] = None,
    target: Optional[str] = None,
) -> Dict[str, Any]:
    config_path, config_json = _config_args(config)
    return {
        "formula_name": formula_name,
        "formula_text": formula_text,
        "expression": expression,
        "config_path": config_path,
        "config_json": config_json,
        "sets": _set_args(set),
        "target": target,
    }


def _formula_spec(formula: Optional[FormulaLike]) -> Dict[str, Any]:
    if formula is None:
        return {}
    if isinstance(formula, Formula):
        return formula._formula_spec()
    if isinstance(formula, (str, os.PathLike)):
        return {"formula_name": os.fspath(formula)}
    raise TypeError(
        f"formula must be a Formula, a built-in name or a path, not {type(formula).__name__}"
    )


def _evaluate(spec: Dict[str, Any]) -> Value:
    value, _target, claims = _native.evaluate(spec)
    if not all(claim["holds"] for claim in claims):
        raise FalseClaimError(claims, value=value)
    return value


def count(
    config: Optional[ConfigLike] = None,
    *,
    formula: Optional[FormulaLike] = None,
    target: Optional[str] = None,
    set: Optional[SetLike] = None,
) -> Value:
    """The exact parameter count of a model.

    ``config`` is a ``config.json``, a model directory, a GGUF file or a Hub model id (as the
    command line's ``--config``), a ``dict`` of config keys, or a transformers ``PretrainedConfig``. Without ``formula``, the family comes from the config's ``model_type``
    (the count transformers reports for the model); ``formula`` is a ``Formula``, a built-in name
    or a formula file's path. ``target`` picks another definition (``"non_embedding"``,
    ``"active"``); ``set`` overrides config keys.

    >>> import paramcount
    >>> paramcount.count({"model_type": "gpt2", "n_layer": 12})   # GPT-2 small
    124439808
    >>> paramcount.count(formula="bert-article")
    108890112
    """
    return _evaluate(_spec(config=config, set=set, target=target, **_formula_spec(formula)))


def evaluate(
    expression: str,
    *,
    formula: Optional[FormulaLike] = None,
    config: Optional[ConfigLike] = None,
    set: Optional[SetLike] = None,
) -> Value:
    """The exact value of one expression, in the scope of ``formula`` and ``config`` if given.

    >>> import paramcount
    >>> paramcount.evaluate("(30522+512+2)*768")
    23835648
    >>> paramcount.evaluate("H / A", formula="bert")
    64
    >>> paramcount.evaluate("2^200 / 3")
    Fraction(1606938044258990275541962092341162602522202993782792835301376, 3)
    """
    return _evaluate(
        _spec(expression=expression, config=config, set=set, **_formula_spec(formula))
    )


def derive(
    config: Optional[ConfigLike] = None,
    *,
    formula: Optional[FormulaLike] = None,
    style: str = "article",
    target: Optional[str] = None,
    set: Optional[SetLike] = None,
    group_digits: bool = False,
    spaced: bool = False,
) -> "Derivation":
    """The derivation of a model's count (arguments as ``count``) in ``style``."""
    spec = _spec(config=config, set=set, target=target, **_formula_spec(formula))
    return Derivation._make(spec, style, group_digits, spaced)


class Derivation:
    """A derivation: the formula with the numbers substituted, as an article writes it.

    ``str()`` is the text; in Jupyter it renders as the markdown tables of the parts
    (``_repr_markdown_``) or as LaTeX (``_repr_latex_``), the command line's ``--style markdown``
    and ``--style latex``.
    """

    __slots__ = ("text", "style", "claims", "_spec", "_format", "_other")

    def __init__(self) -> None:
        raise TypeError("use Formula.derive() or paramcount.derive()")

    @classmethod
    def _make(
        cls, spec: Dict[str, Any], style: str, group_digits: bool, spaced: bool
    ) -> "Derivation":
        text, claims = _native.derive(spec, style, group_digits, spaced)
        self = object.__new__(cls)
        self.text = text
        self.style = style
        self.claims = claims
        self._spec = spec
        self._format = (group_digits, spaced)
        self._other: Dict[str, str] = {}
        if not all(claim["holds"] for claim in claims):
            raise FalseClaimError(claims, derivation=self)
        return self

    def in_style(self, style: str) -> str:
        """The same derivation's text in another style."""
        if style == self.style:
            return self.text
        if style not in self._other:
            text, _claims = _native.derive(self._spec, style, *self._format)
            self._other[style] = text
        return self._other[style]

    def _repr_markdown_(self) -> str:
        return self.in_style("markdown")

    def _repr_latex_(self) -> str:
        return self.in_style("latex")

    def __str__(self) -> str:
        return self.text.rstrip("\n")

    def __repr__(self) -> str:
        return self.text.rstrip("\n")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Derivation):
            return (self.text, self.style) == (other.text, other.style)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Breakdown(List[Dict[str, Any]]):
    """A model's count split into its named parts: a list of rows, one per leaf part, whose
    ``params`` sum exactly to ``total``. ``pandas.DataFrame(breakdown)`` takes it as it is.

    Each row: ``part`` (the definition's name, or ``(other)``), ``path`` (``total/layers/mlp``),
    ``params`` (exact ``int``), ``share`` (of the total, a ``float`` for display), ``explanation``,
    ``each`` and ``repeats`` (``params == each * repeats``), ``depth``.

    ``str()`` is the command line's table; in Jupyter it renders as its SVG bar chart.
    """

    def __init__(self, rows: Iterable[Dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self._native: Any = None
        self.depth: Optional[int] = None

    @classmethod
    def _make(cls, spec: Dict[str, Any], depth: Optional[int]) -> "Breakdown":
        native = _native.breakdown(spec)
        total = native.total
        rows = [
            {
                "part": leaf["part"],
                "path": leaf["path"],
                "params": leaf["params"],
                # For people and plots; `params` stays the exact count.
                "share": float(Fraction(leaf["params"]) / total) if total else None,
                "explanation": leaf["explanation"],
                "each": leaf["each"],
                "repeats": leaf["repeats"],
                "depth": leaf["depth"],
            }
            for leaf in native.leaves(depth)
        ]
        self = cls(rows)
        self._native = native
        self.depth = depth
        return self

    @property
    def target(self) -> str:
        """The name of the definition broken down."""
        return str(self._native.target)

    @property
    def total(self) -> Value:
        """The exact total; the rows' ``params`` add up to it."""
        return self._native.total  # type: ignore[no-any-return]

    def table(self, numbers: str = "grouped") -> str:
        """The command line's table (``numbers``: plain, grouped, short, short-binary)."""
        return str(self._native.table(self.depth, numbers))

    def markdown(self, numbers: str = "grouped") -> str:
        """A markdown table of the tree of parts."""
        return str(self._native.markdown(self.depth, numbers))

    def svg(self, numbers: str = "short") -> str:
        """A horizontal bar chart of the leaf parts, as SVG text."""
        return str(self._native.svg(self.depth, numbers))

    def csv(self) -> str:
        """One line per leaf part, plain digits."""
        return str(self._native.csv(self.depth))

    def json(self) -> str:
        """The tree of parts as JSON, exact values as strings."""
        return str(self._native.json(self.depth))

    def _repr_svg_(self) -> str:
        return self.svg()

    def __str__(self) -> str:
        return self.table().rstrip("\n")

    def __repr__(self) -> str:
        return self.table().rstrip("\n")


def breakdown(
    config: Optional[ConfigLike] = None,
    *,
    formula: Optional[FormulaLike] = None,
    target: Optional[str] = None,
    set: Optional[SetLike] = None,
    depth: Optional[int] = None,
) -> Breakdown:
    """A model's count split into its named parts (arguments as ``count``); ``depth`` folds parts
    nested deeper into their parent.

    >>> import paramcount
    >>> rows = paramcount.breakdown(formula="bert-article")
    >>> sum(row["params"] for row in rows) == rows.total == 108890112
    True
    """
    spec = _spec(config=config, set=set, target=target, **_formula_spec(formula))
    return Breakdown._make(spec, depth)


class Status(str, enum.Enum):
    """Whether a claim holds. Compares equal to its string (``claim.status == "false"``)."""

    HOLDS = "holds"
    FALSE = "false"
    APPROXIMATELY_HOLDS = "approximately-holds"
    NOT_EVALUATED = "not-evaluated"

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Claim:
    """One claim found by ``check``: where it is, what it says, and whether it holds.

    ``computed``, ``claimed`` and ``difference`` (claimed - computed) are exact (``int`` or
    ``Fraction``), None when a side has no value. ``diagnoses`` are the likely mistakes behind a
    false claim, each a dict with a ``kind`` (``"fused-numbers"``, ``"one-number"``, ``"part"``) as
    ``paramcount check --json`` prints them (exact values there are strings of digits).
    """

    source: str
    line: int
    column: int
    text: str
    computed_text: str
    claimed_text: str
    status: Status
    computed: Optional[Value]
    claimed: Optional[Value]
    difference: Optional[Value]
    reason: Optional[str] = None
    unknown_names: Sequence[str] = ()
    approximation: Optional[Dict[str, Any]] = None
    diagnoses: Sequence[Dict[str, Any]] = field(default_factory=tuple)

    @property
    def holds(self) -> bool:
        """True when the claim holds exactly or as rounded."""
        return self.status in (Status.HOLDS, Status.APPROXIMATELY_HOLDS)


class CheckReport(List[Claim]):
    """The claims found, in order; ``str()`` is the command line's report."""

    def __init__(self, claims: Iterable[Claim] = (), text: str = "", exit_code: int = 0) -> None:
        super().__init__(claims)
        self.text = text
        self.exit_code = exit_code

    @property
    def false(self) -> List[Claim]:
        """The claims that do not hold."""
        return [claim for claim in self if claim.status == Status.FALSE]

    def __str__(self) -> str:
        return self.text.rstrip("\n")


def _claim(entry: Tuple[str, Optional[Value], Optional[Value], Optional[Value]]) -> Claim:
    text, computed, claimed, difference = entry
    data = json.loads(text)
    return Claim(
        source=data["source"],
        line=data["line"],
        column=data["column"],
        text=data["text"],
        computed_text=data["computed_text"],
        claimed_text=data["claimed_text"],
        status=Status(data["status"]),
        computed=computed,
        claimed=claimed,
        difference=difference,
        reason=data.get("reason"),
        unknown_names=tuple(data.get("unknown_names") or ()),
        approximation=data.get("approximation"),
        diagnoses=tuple(data.get("diagnoses") or ()),
    )


def _check(
    texts: List[Tuple[str, str]],
    expressions: List[str],
    scan: bool,
    config: Optional[ConfigLike],
    set: Optional[SetLike],
) -> CheckReport:
    config_path, config_json = _config_args(config)
    claims, text, exit_code = _native.check(
        texts, expressions, scan, config_path, config_json, _set_args(set)
    )
    return CheckReport([_claim(entry) for entry in claims], text, exit_code)


def check(
    text: Union[str, "os.PathLike[str]"],
    *,
    scan: bool = True,
    config: Optional[ConfigLike] = None,
    set: Optional[SetLike] = None,
    name: str = "<text>",
) -> CheckReport:
    """Checks every claim (``expr = number``) in ``text``: a document (markdown, prose, pasted
    LaTeX) with ``scan=True``, a formula file's text with ``scan=False``. An ``os.PathLike`` is read
    as a file. Names bind to ``config`` and ``set`` as in ``count``.

    >>> import paramcount
    >>> report = paramcount.check("The FFN has 768*3072+3072+3072*768+768 = 4722432 parameters.")
    >>> [claim.status for claim in report]
    [<Status.HOLDS: 'holds'>]
    >>> [(claim.computed, claim.claimed) for claim in paramcount.check("2*3 = 7")]
    [(6, 7)]
    """
    if isinstance(text, os.PathLike):
        name = os.fspath(text)
        text = _native.read_text(name)
    return _check([(name, text)], [], scan, config, set)


def models() -> List[Dict[str, Any]]:
    """The built-in formulas: ``name``, ``summary``, ``model_types``, ``variants``, ``text``."""
    return list(_native.builtins())
