"""paramcount.check: claims found in text, with their place, values and diagnoses."""

from fractions import Fraction

import paramcount
from conftest import FIXTURES


def test_one_false_claim():
    report = paramcount.check("2*3 = 7")
    assert len(report) == 1
    claim = report[0]
    assert claim.status == paramcount.Status.FALSE
    assert claim.status == "false"
    assert not claim.holds
    assert (claim.computed, claim.claimed, claim.difference) == (6, 7, 1)
    assert (claim.line, claim.column) == (1, 7)
    assert claim.text == "2*3 = 7"
    assert report.exit_code == 1
    assert report.false == [claim]


def test_a_true_claim():
    # The FFN of BERT-base: 768*3072 + 3072 + 3072*768 + 768 = 4722432.
    report = paramcount.check("The FFN has 768*3072+3072+3072*768+768 = 4722432 parameters.")
    assert [claim.status for claim in report] == ["holds"]
    assert report.exit_code == 0


def test_a_document_with_one_wrong_figure():
    # tests/fixtures/check/one-wrong.md, line 7: "每层的前馈网络：" is 8 characters and the formula
    # 26, so the claimed 4721664 starts at column 36 (after the full-width ＝); the formula gives
    # 4722432, and the difference, -768, is the down projection's bias.
    path = FIXTURES / "check" / "one-wrong.md"
    report = paramcount.check(path)
    wrong = report.false
    assert len(wrong) == 1
    claim = wrong[0]
    assert (claim.source, claim.line, claim.column) == (str(path), 7, 36)
    assert (claim.computed, claim.claimed, claim.difference) == (4722432, 4721664, -768)
    assert any(d["kind"] == "part" for d in claim.diagnoses)
    assert f"{path}:7:36: FALSE" in str(report)


def test_an_approximate_claim():
    # 108890112 rounds to 109M.
    report = paramcount.check("BERT-base has 23835648 + 12*7087872 ≈ 109M parameters")
    assert [claim.status for claim in report] == ["approximately-holds"]
    assert report[0].holds
    assert report[0].approximation["unit"] == "M"


def test_names_bind_to_a_config():
    report = paramcount.check("hidden_size*4 = 3072", scan=False, config={"hidden_size": 768})
    assert [claim.status for claim in report] == ["holds"]


def test_a_claim_that_is_a_fraction():
    report = paramcount.check("1/3 = 0.5", scan=False)
    assert report[0].computed == Fraction(1, 3)
    assert report[0].claimed == Fraction(1, 2)


def test_no_claims():
    report = paramcount.check("Nothing to see here.")
    assert list(report) == []
    assert str(report) == "no claims found"
