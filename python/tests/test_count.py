"""paramcount.count against transformers' own counts (tests/fixtures/models/counts*.json, measured
by instantiating each model with transformers), through every shape a config can take."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

import paramcount
from conftest import FIXTURES

MODELS = FIXTURES / "models"
LLAMA_3_8B = MODELS / "configs" / "Meta-Llama-3-8B.json"


def measured():
    """(model, entry) for every model of every counts*.json, as tests/models.rs reads them."""
    for file in sorted(MODELS.glob("counts*.json")):
        for model, entry in json.loads(file.read_text())["models"].items():
            yield model, entry


def family(entry):
    # "formulas/llama.formula" names the built-in `llama`.
    return Path(entry["formula"]).stem


def sets(entry):
    return [f"{name}={json.dumps(value)}" for name, value in entry.get("set", {}).items()]


def test_llama_3_8b_from_a_path_is_transformers_count():
    # LlamaForCausalLM(Meta-Llama-3-8B config): 8,030,261,248 parameters (counts.json).
    assert paramcount.count(str(LLAMA_3_8B)) == 8030261248
    assert paramcount.count(LLAMA_3_8B) == 8030261248  # a pathlib.Path too


def test_counts_are_python_ints():
    value = paramcount.count(LLAMA_3_8B)
    assert type(value) is int


@pytest.mark.parametrize("model,entry", list(measured()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_measured_model_from_a_path_and_from_a_dict(model, entry):
    config = MODELS / entry["config"]
    as_dict = json.loads(config.read_text())
    for target, expected in entry["expected"].items():
        from_path = paramcount.count(config, formula=family(entry), target=target, set=sets(entry))
        from_dict = paramcount.count(as_dict, formula=family(entry), target=target, set=sets(entry))
        assert (from_path, from_dict) == (expected, expected), f"{model} {target}"


def test_the_family_comes_from_model_type():
    # gpt2-medium, as transformers' GPT2LMHeadModel counts it (counts.json): 354,823,168. The
    # other keys are GPT2Config's defaults (vocab 50257, 1024 positions, 4*n_embd inner width).
    config = {"model_type": "gpt2", "n_layer": 24, "n_embd": 1024, "n_head": 16}
    assert paramcount.count(config) == 354823168


class FakePretrainedConfig:
    """What paramcount needs of a transformers PretrainedConfig: to_dict(), with model_type."""

    def __init__(self, **keys):
        self.keys = keys

    def to_dict(self):
        return dict(self.keys)


def test_a_config_object_with_to_dict():
    as_dict = json.loads(LLAMA_3_8B.read_text())
    assert paramcount.count(FakePretrainedConfig(**as_dict)) == 8030261248


def test_a_transformers_config_when_transformers_is_installed():
    transformers = pytest.importorskip("transformers")
    config = transformers.LlamaConfig.from_dict(json.loads(LLAMA_3_8B.read_text()))
    assert paramcount.count(config) == 8030261248


def test_set_overrides_config_keys():
    # bert-article with 24 layers: one layer is (108890112 - 23835648)/12 = 7087872, so
    # 23835648 + 24*7087872 = 193944576.
    assert paramcount.count(formula="bert-article", set={"num_hidden_layers": 24}) == 193944576
    assert paramcount.count(formula="bert-article", set="num_hidden_layers=24") == 193944576
    assert paramcount.count(formula="bert-article", set=["L=24"]) == 193944576


def test_a_target():
    # Meta-Llama-3-8B without the input embeddings: transformers' count less embed_tokens,
    # 8030261248 - 525336576 = 7504924672 (counts.json, params_non_embedding).
    assert paramcount.count(LLAMA_3_8B, target="non_embedding") == 7504924672


def test_values_are_exact_at_any_size():
    # Python computes the same numbers on its own.
    assert paramcount.evaluate("2^200") == 2**200
    big = paramcount.evaluate("3^20000")  # 9543 digits: past int('...')'s default digit limit
    assert big == 3**20000 and type(big) is int
    assert paramcount.evaluate("-(7^30)") == -(7**30)


def test_a_value_that_is_not_whole_is_a_fraction():
    assert paramcount.evaluate("768/5") == Fraction(768, 5)
    assert isinstance(paramcount.evaluate("768/5"), Fraction)
    assert paramcount.evaluate("2^100/3") == Fraction(2**100, 3)


def test_floats_in_set_and_config_are_read_as_their_decimals():
    # 0.1 as a binary float is not 1/10; written as "0.1" it is read as exactly 1/10.
    assert paramcount.evaluate("x*10", set={"x": 0.1}) == 1
    assert paramcount.evaluate("eps*10^12", config={"eps": 1e-12}) == 1


def test_bool_and_fraction_overrides():
    assert paramcount.evaluate("if tie then 1 else 2", set={"tie": True}) == 1
    assert paramcount.evaluate("if tie then 1 else 2", set={"tie": False}) == 2
    assert paramcount.evaluate("x*3", set={"x": Fraction(1, 3)}) == 1


def test_expression_in_a_formulas_scope():
    # bert-article: the width of one head is hidden_size / heads = 768 / 12 = 64.
    assert paramcount.evaluate("d", formula="bert-article") == 64
    assert paramcount.evaluate("H*4", config={"hidden_size": 1000}, formula="bert-article") == 4000


def test_models_lists_the_built_in_families():
    names = {model["name"] for model in paramcount.models()}
    assert {"bert", "bert-article", "gpt2", "llama"} <= names
    llama = next(m for m in paramcount.models() if m["name"] == "llama")
    assert "llama" in llama["model_types"]


def test_a_model_directory(tmp_path):
    # A model directory is read through its config.json.
    (tmp_path / "config.json").write_text(LLAMA_3_8B.read_text())
    assert paramcount.count(tmp_path) == 8030261248


def test_a_model_id_from_the_hub_cache(tmp_path, monkeypatch):
    # huggingface_hub's cache layout: refs/main names the commit, snapshots/COMMIT holds the
    # files. HF_HUB_OFFLINE=1: nothing is fetched.
    commit = "0123456789abcdef0123456789abcdef01234567"
    folder = tmp_path / "models--meta-llama--Meta-Llama-3-8B"
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(commit)
    (folder / "snapshots" / commit).mkdir(parents=True)
    (folder / "snapshots" / commit / "config.json").write_text(LLAMA_3_8B.read_text())
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert paramcount.count("meta-llama/Meta-Llama-3-8B") == 8030261248


def test_a_set_that_nothing_reads_is_an_error():
    # As on the command line: `n_layers` is not GPT-2's key (`n_layer`), so it would change nothing.
    with pytest.raises(paramcount.ParamcountError) as raised:
        paramcount.count({"model_type": "gpt2"}, set={"n_layers": 24})
    assert "n_layer" in str(raised.value)
