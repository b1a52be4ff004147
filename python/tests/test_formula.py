"""Formula.parse / file / builtin, evaluate and derive, and the Jupyter renderings, against the
article's numbers, hand computations and the command line's golden outputs (tests/golden)."""

import pytest

import paramcount
from conftest import FIXTURES, GOLDEN, ROOT

# The article's line (README, DESIGN.md): BERT-base as "Understanding the parameters of ERNIE and
# BERT" counts it.
BERT_LINE = (
    "(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768"
    "+768+768+768)=108890112"
)


def test_the_article_line():
    derivation = paramcount.Formula.builtin("bert-article").derive()
    assert str(derivation) == BERT_LINE
    assert derivation.text == BERT_LINE + "\n"
    assert derivation.style == "article"


def test_the_article_line_with_the_ernie_config():
    # DESIGN.md: ERNIE 1.0's vocabulary of 18000 and 513 positions on the same formula.
    ernie = FIXTURES / "reference" / "configs" / "ernie-1.0-base-zh.json"
    derivation = paramcount.Formula.builtin("bert-article").derive(config=ernie)
    assert str(derivation).startswith("(18000+513+2)*768+12*(")
    assert str(derivation).endswith("=99273984")


@pytest.mark.parametrize("style", ["article", "symbolic", "steps", "markdown", "latex", "json"])
def test_every_style_is_the_command_lines(style):
    # tests/golden/bert-article.STYLE.txt is `paramcount derive bert-article --style STYLE`.
    expected = (GOLDEN / f"bert-article.{style}.txt").read_text()
    assert paramcount.Formula.builtin("bert-article").derive(style).text == expected


def test_jupyter_renders_markdown_and_latex_as_the_command_line_does():
    derivation = paramcount.Formula.builtin("bert-article").derive()
    assert derivation._repr_markdown_() == (GOLDEN / "bert-article.markdown.txt").read_text()
    assert derivation._repr_latex_() == (GOLDEN / "bert-article.latex.txt").read_text()


def test_an_unknown_style_is_a_value_error():
    with pytest.raises(ValueError, match="unknown style `fancy`"):
        paramcount.Formula.builtin("bert-article").derive("fancy")


def test_digit_grouping():
    text = str(paramcount.Formula.parse("V = 32000\nH = 4096\ntotal = V*H").derive(group_digits=True))
    # 32000*4096 = 131,072,000.
    assert text == "32,000*4,096=131,072,000"


def test_parse_and_evaluate():
    formula = paramcount.Formula.parse(
        'H = hidden_size | 768\nlet I = 4*H\nffn = H*I + I + I*H + H  "feed-forward"\n'
    )
    # 768*3072 + 3072 + 3072*768 + 768 = 2359296 + 3072 + 2359296 + 768 = 4722432.
    assert formula.evaluate() == 4722432
    # With H = 1024: 1024*4096*2 + 4096 + 1024 = 8393728.
    assert formula.evaluate(set={"hidden_size": 1024}) == 8393728
    assert formula.evaluate(config={"hidden_size": 1024}) == 8393728
    assert formula.evaluate(target="I") == 3072


DECODER = ROOT / "examples" / "decoder.formula"


def test_a_formula_file():
    # examples/decoder.formula with its defaults V=32000, H=512, L=8, I=4*H=2048:
    # embeddings 32000*512 = 16384000; attention 4*(512*512+512) = 1050624;
    # mlp 512*2048+2048+2048*512+512 = 2099712; norms 2*(2*512) = 2048; block = 3152384;
    # total = 16384000 + 8*3152384 + 2*512 = 41604096 (the file's own claim, which holds).
    formula = paramcount.Formula.file(DECODER)
    assert formula.evaluate() == 41604096
    assert formula.evaluate(target="block") == 3152384
    assert formula.name == str(DECODER)
    assert "decoder blocks" in formula.text


def test_a_false_claim_raises_with_the_value():
    # 12 layers: 16384000 + 12*3152384 + 1024 = 54213632, and the file claims 41604096.
    with pytest.raises(paramcount.FalseClaimError) as raised:
        paramcount.Formula.file(DECODER).evaluate(set={"num_layers": 12})
    error = raised.value
    assert error.value == 54213632
    assert error.source == str(DECODER)
    assert [(c["computed"], c["claimed"], c["holds"]) for c in error.claims] == [
        (54213632, 41604096, False)
    ]
    assert "claim does not hold: the formula gives 54213632, the text claims 41604096" in str(error)


def test_a_false_claim_in_a_derivation():
    with pytest.raises(paramcount.FalseClaimError) as raised:
        paramcount.Formula.parse("total = 2*3 = 7").derive()
    assert str(raised.value.derivation) == "2*3=6"


def test_a_formula_checks_its_own_claims():
    report = paramcount.Formula.parse("a = 2*3 = 6\nb = a*7 = 41").check()
    assert [claim.status for claim in report] == ["holds", "false"]
    assert report.false[0].difference == -1  # 41 - 42


def test_builtin_reads_the_model_type_default_target():
    # The builtin keeps the formula's directives: bert's default target is transformers' count.
    assert paramcount.Formula.builtin("bert").evaluate() == paramcount.count(formula="bert")
    assert "BERT" in paramcount.Formula.builtin("bert-article").text


def test_repr():
    assert repr(paramcount.Formula.builtin("bert")) == "Formula.builtin('bert')"
    assert repr(paramcount.Formula.parse("x = 1")) == "Formula.parse('x = 1')"
