# Type stubs of the compiled module (python/src/lib.rs). The public API is in _api.py; these are
# its internals, typed so that type checkers follow the calls through.
from fractions import Fraction
from typing import Any, Dict, List, Optional, Tuple, TypedDict, Union

__version__: str

_Value = Union[int, Fraction, bool, str]

class _Spec(TypedDict):
    formula_name: Optional[str]
    formula_text: Optional[Tuple[str, str]]
    expression: Optional[str]
    config_path: Optional[str]
    config_json: Optional[Tuple[str, str]]
    sets: List[str]
    target: Optional[str]

class _ClaimDict(TypedDict):
    source: str
    line: int
    column: int
    text: str
    computed: _Value
    claimed: _Value
    holds: bool
    message: Optional[str]

def evaluate(spec: _Spec) -> Tuple[_Value, Optional[str], List[_ClaimDict]]: ...
def derive(
    spec: _Spec, style: str, group_digits: bool = False, spaced: bool = False
) -> Tuple[str, List[_ClaimDict]]: ...
def parse(name: str, text: str) -> None: ...
def read_text(path: str) -> str: ...
def find_builtin(name: str) -> str: ...
def builtins() -> List[Dict[str, Any]]: ...
def breakdown(spec: _Spec) -> Breakdown: ...
def check(
    texts: List[Tuple[str, str]],
    expressions: List[str],
    scan: bool,
    config_path: Optional[str] = None,
    config_json: Optional[Tuple[str, str]] = None,
    sets: List[str] = ...,
) -> Tuple[
    List[Tuple[str, Optional[_Value], Optional[_Value], Optional[Union[int, Fraction]]]], str, int
]: ...

class Breakdown:
    @property
    def target(self) -> str: ...
    @property
    def total(self) -> Union[int, Fraction]: ...
    def leaves(self, depth: Optional[int] = None) -> List[Dict[str, Any]]: ...
    def table(self, depth: Optional[int] = None, numbers: str = "grouped") -> str: ...
    def markdown(self, depth: Optional[int] = None, numbers: str = "grouped") -> str: ...
    def svg(self, depth: Optional[int] = None, numbers: str = "short") -> str: ...
    def csv(self, depth: Optional[int] = None) -> str: ...
    def json(self, depth: Optional[int] = None) -> str: ...
