"""Mistakes raise ParamcountError subclasses with the place (line, column), the help, and the
caret diagnostic the command line prints."""

import pytest

import paramcount


def test_a_syntax_error_has_its_line_and_column():
    # "total = (1 + " is 13 characters: the expression is missing at column 14, the end.
    with pytest.raises(paramcount.FormulaSyntaxError) as raised:
        paramcount.Formula.parse("total = (1 + ")
    error = raised.value
    assert isinstance(error, paramcount.ParamcountError)
    assert (error.source, error.line, error.column) == ("<formula>", 1, 14)
    assert error.kind == "Syntax"


def test_str_is_the_caret_diagnostic():
    with pytest.raises(paramcount.ParamcountError) as raised:
        paramcount.Formula.parse("total = (1 + ")
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("error: ")
    assert "<formula>:1:14" in lines[1]
    assert "1 │ total = (1 + " in str(raised.value)
    # The caret stands under column 14: "1 │ " is 4 characters, then 13 before the caret.
    caret = next(line for line in lines if line.rstrip().endswith("here"))
    assert caret.index("^") == 4 + 13


def test_an_unknown_name_on_line_two():
    # Line 2, "total = x * " is 12 characters: `hidden` starts at column 13.
    with pytest.raises(paramcount.UnknownNameError) as raised:
        paramcount.Formula.parse("x = 2\ntotal = x * hidden").evaluate()
    error = raised.value
    assert (error.line, error.column) == (2, 13)
    assert error.message == "unknown name `hidden`"
    assert error.help


def test_an_unknown_name_suggests_the_config_key():
    with pytest.raises(paramcount.UnknownNameError) as raised:
        paramcount.evaluate("hiden_size * 4", config={"hidden_size": 768})
    assert "hidden_size" in raised.value.help


def test_a_bad_config_value():
    # bert-article reads hidden_size; a string there is not a size.
    with pytest.raises(paramcount.ConfigError) as raised:
        paramcount.count({"hidden_size": "768"}, formula="bert-article")
    error = raised.value
    assert error.kind == "ConfigType"
    assert "`hidden_size`" in error.message
    # The caret points at the place in the built-in formula that needs a number.
    assert error.source == "builtin:bert-article"
    assert error.line is not None and error.column is not None


def test_a_config_that_is_not_json():
    # A float JSON cannot hold (nan) breaks the dict's JSON text: the error points into it.
    with pytest.raises(paramcount.ConfigError) as raised:
        paramcount.count({"hidden_size": float("nan")}, formula="bert-article")
    assert raised.value.source == "<dict>"


def test_an_unknown_model_type():
    with pytest.raises(paramcount.UnknownNameError) as raised:
        paramcount.count({"model_type": "no-such-family"})
    assert "no-such-family" in str(raised.value)


def test_an_unknown_builtin():
    with pytest.raises(paramcount.UnknownNameError) as raised:
        paramcount.Formula.builtin("no-such-formula")
    assert "bert-article" in raised.value.help


def test_a_missing_file():
    with pytest.raises(paramcount.InputError) as raised:
        paramcount.count("no/such/config.json")
    assert "no/such/config.json" in raised.value.message


def test_division_by_zero():
    with pytest.raises(paramcount.EvaluationError):
        paramcount.evaluate("1/(2-2)")


def test_a_limit():
    with pytest.raises(paramcount.LimitError):
        paramcount.evaluate("10^10^10")


def test_deep_input_is_an_error_not_a_crash():
    with pytest.raises(paramcount.ParamcountError):
        paramcount.evaluate("(" * 100_000 + "1" + ")" * 99_999)


def test_wrong_argument_types_are_type_errors():
    with pytest.raises(TypeError):
        paramcount.count(12345)
    with pytest.raises(TypeError):
        paramcount.count(formula=3.5)
