"""paramcount.breakdown: rows whose params sum exactly to the total, in a shape pandas takes, and
the command line's renderings (tests/golden/breakdown-gpt2.*)."""

import xml.etree.ElementTree as ElementTree

import paramcount
from conftest import FIXTURES, GOLDEN

GPT2 = FIXTURES / "reference" / "configs" / "gpt2.json"
LLAMA_3_8B = FIXTURES / "models" / "configs" / "Meta-Llama-3-8B.json"


def test_rows_sum_to_transformers_count():
    rows = paramcount.breakdown(LLAMA_3_8B)
    # LlamaForCausalLM(Meta-Llama-3-8B): 8,030,261,248 (counts.json).
    assert rows.total == 8030261248
    assert sum(row["params"] for row in rows) == 8030261248
    assert all(type(row["params"]) is int for row in rows)


def test_rows_are_records():
    rows = paramcount.breakdown(LLAMA_3_8B)
    assert isinstance(rows, list)
    assert list(rows[0]) == [
        "part", "path", "params", "share", "explanation", "each", "repeats", "depth",
    ]
    by_part = {row["part"]: row for row in rows}
    # transformers: embed_tokens of Meta-Llama-3-8B is 128256*4096 = 525,336,576 (counts.json).
    assert by_part["token_embeddings"]["params"] == 525336576
    for row in rows:
        assert row["params"] == row["each"] * row["repeats"]
    assert abs(sum(row["share"] for row in rows) - 1) < 1e-9


def test_depth_folds_parts_into_their_parents():
    # base_model and lm_head at depth 1; transformers: LlamaModel 7,504,924,672 and the untied
    # head 128256*4096 = 525,336,576 (counts.json).
    rows = paramcount.breakdown(LLAMA_3_8B, depth=1)
    assert [(row["part"], row["params"]) for row in rows] == [
        ("base_model", 7504924672),
        ("lm_head", 525336576),
    ]


def test_renderings_are_the_command_lines():
    # tests/golden/breakdown-gpt2.* are `paramcount breakdown --config gpt2.json --format ...`.
    rows = paramcount.breakdown(GPT2)
    assert rows.table() == (GOLDEN / "breakdown-gpt2.txt").read_text()
    assert str(rows) == rows.table().rstrip("\n")
    assert rows.markdown() == (GOLDEN / "breakdown-gpt2.md").read_text()
    assert rows.csv() == (GOLDEN / "breakdown-gpt2.csv").read_text()
    assert rows.json() == (GOLDEN / "breakdown-gpt2.json").read_text()
    assert rows._repr_svg_() == (GOLDEN / "breakdown-gpt2.svg").read_text()


def test_the_svg_is_an_svg_document():
    svg = paramcount.breakdown(LLAMA_3_8B)._repr_svg_()
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")


def test_pandas_takes_the_rows_as_they_are():
    import pytest

    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(paramcount.breakdown(LLAMA_3_8B))
    assert list(frame.columns[:5]) == ["part", "path", "params", "share", "explanation"]
    assert int(frame["params"].sum()) == 8030261248
