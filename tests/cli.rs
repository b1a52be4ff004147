//! The command line as a user runs it: whole outputs, exit codes and error messages.
//!
//! Golden outputs live in `tests/golden/`; `UPDATE_GOLDEN=1 cargo test --test cli` rewrites them, and
//! every rewrite is read by a person before it is committed. The article lines are checked against
//! the text of DESIGN.md and the article, not against the code.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_golden, paramcount, stdout_of};
use predicates::prelude::*;

/// A file of `tests/fixtures/engine/`.
fn fixture(name: &str) -> String {
    common::fixture(&format!("engine/{name}"))
}

// The lines DESIGN.md and the issue give, verbatim.
const BERT_LINE: &str = "(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)=108890112\n";
const ERNIE_LINE: &str = "(18000+513+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)=99273984\n";

#[test]
fn derive_bert_article_prints_the_article_line() {
    // 31036*768 = 23835648; one layer is 7087872; 23835648 + 12*7087872 = 108890112.
    assert_eq!(stdout_of(&["derive", "bert-article"]), BERT_LINE);
}

#[test]
fn derive_with_the_ernie_config_and_the_ernie_builtin() {
    let ernie = fixture("ernie-1.0-base-zh.json");
    // (18000+513+2)*768 = 14219520; + 85054464 = 99273984.
    assert_eq!(
        stdout_of(&["derive", "bert-article", "--config", &ernie]),
        ERNIE_LINE
    );
    assert_eq!(stdout_of(&["derive", "ernie-article"]), ERNIE_LINE);
}

#[test]
fn bert_config_gives_the_same_line_as_the_defaults() {
    let bert = fixture("bert-base-uncased.json");
    assert_eq!(
        stdout_of(&["derive", "bert-article", "--config", &bert]),
        BERT_LINE
    );
}

#[test]
fn every_style_on_bert_and_ernie() {
    for (name, extra) in [
        ("bert-article", None),
        ("ernie-article", None),
        ("bert-article-ernie-config", Some("ernie-1.0-base-zh.json")),
    ] {
        for style in ["article", "symbolic", "steps", "markdown", "latex", "json"] {
            let config = extra.map(fixture);
            let mut args = vec![
                "derive",
                if name.starts_with("bert") {
                    "bert-article"
                } else {
                    "ernie-article"
                },
                "--style",
                style,
            ];
            if let Some(config) = &config {
                args.push("--config");
                args.push(config);
            }
            let output = stdout_of(&args);
            // The json tree names the fixture by its absolute path; make it portable.
            let output = match &config {
                Some(path) => output.replace(path.as_str(), "CONFIG"),
                None => output,
            };
            assert_golden(&format!("{name}.{style}.txt"), &output);
        }
    }
}

#[test]
fn symbolic_style_is_the_article_formula_with_names() {
    assert_eq!(
        stdout_of(&["derive", "bert-article", "--style", "symbolic"]),
        "(V+P+T)*H+L*(H*A*d*3+A*d*3+d*A*H+H+H+H+H*I+I+I*H+H+H+H)\n"
    );
}

#[test]
fn steps_explain_every_part() {
    let steps = stdout_of(&["derive", "bert-article", "--style", "steps"]);
    // Each row of the article's table, with its value: 768*12*64*3+12*64*3 = 1769472+2304 = 1771776.
    assert!(steps.contains("attention = H*A*d*3+A*d*3 = 768*12*64*3+12*64*3 = 1771776"));
    assert!(steps.contains("self-attention: Q, K and V weights and biases for every head"));
    // 64*12*768+768 = 589824+768 = 590592.
    assert!(steps.contains("attention_out = d*A*H+H = 64*12*768+768 = 590592"));
    // d = 768/12 = 64, shown with its formula.
    assert!(steps.contains("d = H/A = 768/12 = 64"));
}

#[test]
fn json_style_is_valid_json_with_the_total_as_a_string() {
    let text = stdout_of(&["derive", "bert-article", "--style", "json"]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["value"], "108890112");
    assert_eq!(json["target"], "total");
    assert_eq!(json["tree"]["kind"], "binary");
    assert_eq!(json["tree"]["value"], "108890112");
    let vocab = json["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "V")
        .unwrap();
    assert_eq!(vocab["value"], "30522");
    assert_eq!(vocab["from"]["kind"], "default");
}

#[test]
fn provenance_names_the_config_key() {
    let ernie = fixture("ernie-1.0-base-zh.json");
    let steps = stdout_of(&[
        "derive",
        "bert-article",
        "--config",
        &ernie,
        "--style",
        "steps",
    ]);
    assert!(steps.contains("V = 18000"), "{steps}");
    assert!(steps.contains("[config vocab_size]"), "{steps}");
    let steps = stdout_of(&[
        "derive",
        "bert-article",
        "--set",
        "L=24",
        "--style",
        "steps",
    ]);
    assert!(steps.contains("L = 24"), "{steps}");
    assert!(steps.contains("[--set]"), "{steps}");
}

#[test]
fn digit_grouping_and_spaced_operators() {
    assert_eq!(
        stdout_of(&[
            "derive",
            "-e",
            "(30522+512+2)*768",
            "--group-digits",
            "--spaced"
        ]),
        "(30,522 + 512 + 2) * 768 = 23,835,648\n"
    );
}

#[test]
fn eval_prints_the_value_alone() {
    for (expr, expected) in [
        ("2^200/2^190", "1024"),
        ("7/2", "7/2"),
        ("0.1*30", "3"),
        ("12(768+1)", "9228"),
        ("(30522+512+2)768", "23835648"),
        ("768×12·64∗3", "1769472"),
        ("（1＋2）×3", "9"),
        ("2^3^2", "512"),
        ("-2^2", "-4"),
    ] {
        paramcount()
            .args(["eval", "-e", expr])
            .assert()
            .success()
            .stdout(format!("{expected}\n"))
            .stderr("");
    }
    assert_eq!(stdout_of(&["eval", "bert-article"]), "108890112\n");
    assert_eq!(stdout_of(&["eval", "ernie-article"]), "99273984\n");
}

#[test]
fn eval_reads_the_config_and_set() {
    let bert = fixture("bert-base-uncased.json");
    assert_eq!(
        stdout_of(&["eval", "-e", "hidden_size*4", "--config", &bert]),
        "3072\n"
    );
    assert_eq!(
        stdout_of(&[
            "eval",
            "-e",
            "hidden_size*4",
            "--config",
            &bert,
            "--set",
            "hidden_size=1024"
        ]),
        "4096\n"
    );
    // bert-article with 24 layers: 23835648 + 24*7087872 = 193944576.
    assert_eq!(
        stdout_of(&["eval", "bert-article", "--set", "L=24"]),
        "193944576\n"
    );
    // An -e expression can use the formula's names: input_parm = 23835648.
    assert_eq!(
        stdout_of(&["eval", "bert-article", "-e", "input_parm"]),
        "23835648\n"
    );
    assert_eq!(
        stdout_of(&["eval", "bert-article", "--target", "encoder_parm"]),
        "7087872\n"
    );
    let nested = fixture("nested.json");
    // 32 layers * 4096: 131072.
    assert_eq!(
        stdout_of(&[
            "eval",
            "-e",
            "text_config.num_hidden_layers*text_config.hidden_size",
            "--config",
            &nested
        ]),
        "131072\n"
    );
    // 1e4 and 0.1 are read exactly: 10000*0.1 = 1000.
    assert_eq!(
        stdout_of(&["eval", "-e", "rope_theta*dropout", "--config", &nested]),
        "1000\n"
    );
    assert_eq!(
        stdout_of(&[
            "eval",
            "-e",
            "text_config.head_dim | 128",
            "--config",
            &nested
        ]),
        "128\n"
    );
}

#[test]
fn eval_json() {
    let text = stdout_of(&["eval", "bert-article", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["value"], "108890112");
    assert_eq!(json["target"], "total");
    assert_eq!(json["integer"], true);
}

#[test]
fn formula_from_a_file_and_from_standard_input() {
    let dir = tempdir();
    let path = dir.join("mine.formula");
    std::fs::write(
        &path,
        "H = hidden_size | 768\nffn = 2*H*4*H + 4*H + H  \"feed-forward\"\n",
    )
    .unwrap();
    // 2*768*3072 + 3072 + 768 = 4718592 + 3840 = 4722432.
    assert_eq!(stdout_of(&["eval", path.to_str().unwrap()]), "4722432\n");
    paramcount()
        .args(["eval", "-"])
        .write_stdin("a = 6\nb = 7\ntotal = a*b\n")
        .assert()
        .success()
        .stdout("42\n");
}

#[test]
fn a_false_claim_exits_1() {
    paramcount()
        .args(["eval", "-e", "1+1 = 3"])
        .assert()
        .code(1)
        .stdout("2\n")
        .stderr(predicate::str::contains(
            "claim does not hold: the formula gives 2, the text claims 3",
        ));
    paramcount()
        .args(["eval", "-e", "1+1 = 2"])
        .assert()
        .success();
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "paramcount-cli-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a failing command and returns its standard error, checking the exit code is 2.
fn error_of(args: &[&str]) -> String {
    let output = paramcount().args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "paramcount {args:?}: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn unknown_name_suggests_the_config_key() {
    let bert = fixture("bert-base-uncased.json");
    let stderr = error_of(&["eval", "-e", "hiden_size*2", "--config", &bert]);
    assert_eq!(
        stderr,
        "error: unknown name `hiden_size`\n  ┌─ -e:1:1\n  │\n1 │ hiden_size*2\n  │ ^^^^^^^^^^ not defined in the formula, the config or --set\n  │\n  = help: did you mean `hidden_size`?\n\n"
    );
}

#[test]
fn errors_have_place_caret_and_help() {
    let dir = tempdir();
    let cycle = dir.join("cycle.formula");
    std::fs::write(&cycle, "a = b + 1\nb = c * 2\nc = a - 3\ntotal = a\n").unwrap();
    let stderr = error_of(&["eval", cycle.to_str().unwrap()]);
    assert!(
        stderr.contains("error: `a` is defined in terms of itself: a -> b -> c -> a"),
        "{stderr}"
    );
    assert!(stderr.contains("cycle.formula:3:5"), "{stderr}");

    let stderr = error_of(&["eval", "-e", "1/(2-2)"]);
    assert!(stderr.contains("error: division by zero"));
    assert!(stderr.contains("^^^^^ this divisor is zero"));

    let stderr = error_of(&["eval", "-e", "2^(1/2)"]);
    assert!(stderr.contains("error: the exponent (1/2) is not an integer"));

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"hidden_size\": 768,\n  \"vocab_size\": \n}\n").unwrap();
    let stderr = error_of(&[
        "eval",
        "-e",
        "hidden_size",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert!(
        stderr.contains("is not valid JSON: expected value at line 4 column 1"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.json:4:1"), "{stderr}");

    let stderr = error_of(&["eval", "-e", "10^2000000"]);
    assert!(
        stderr.contains("more than the limit of 4194304"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-bits"));
    let stderr = error_of(&["eval", "-e", "10^10^10"]);
    assert!(
        stderr.contains("the exponent 10000000000 is larger than the limit of 4194304"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-exponent"));

    let deep = format!("{}1{}", "(".repeat(2_000), ")".repeat(2_000));
    let stderr = error_of(&["eval", "-e", &deep, "--max-depth", "1000"]);
    assert!(
        stderr.contains("nested 2000 levels deep, more than the limit of 1000"),
        "{stderr}"
    );

    let stderr = error_of(&["eval", "-e", "(1+2"]);
    assert!(stderr.contains("error: unexpected end of input"));
    assert!(stderr.contains("expected a closing `)` or an operator here"));

    let stderr = error_of(&["eval", "no-such-model"]);
    assert!(stderr.contains("no built-in formula or file named `no-such-model`"));
    assert!(stderr.contains("bert-article") && stderr.contains("ernie-article"));

    let stderr = error_of(&["eval", "missing/file.formula"]);
    assert!(stderr.contains("cannot read `missing/file.formula`: no such file"));

    let stderr = error_of(&["eval", "bert-article", "--target", "nope"]);
    assert!(stderr.contains("no target named `nope`"));

    let stderr = error_of(&["eval", "-e", "x", "--set", "x"]);
    assert!(stderr.contains("`--set x` has no `=`"));

    let stderr = error_of(&["eval", "-e", "2 3"]);
    assert!(stderr.contains("two numbers stand side by side"));

    let stderr = error_of(&["eval"]);
    assert!(stderr.contains("no formula given"));
}

#[test]
fn a_hundred_thousand_nested_parentheses_do_not_crash() {
    let deep = format!("{}7{}", "(".repeat(100_000), ")".repeat(100_000));
    paramcount()
        .args(["eval", "-"])
        .write_stdin(deep)
        .assert()
        .success()
        .stdout("7\n");
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let dir = tempdir();
    let path = dir.join("binary.formula");
    std::fs::write(&path, b"a = 1\n\xff\xfe\n").unwrap();
    let stderr = error_of(&["eval", path.to_str().unwrap()]);
    assert!(
        stderr.contains("is not UTF-8 text (invalid byte at offset 6)"),
        "{stderr}"
    );
}

#[test]
fn models_lists_the_builtins() {
    let out = stdout_of(&["models"]);
    assert!(out.contains("bert-article"));
    assert!(out.contains("ernie-article"));
}

#[test]
fn help_shows_examples() {
    for command in ["eval", "derive", "models"] {
        paramcount()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn the_readme_formula_example_holds() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split("## The formula language").nth(1).unwrap();
    let example = section.split("```").nth(1).unwrap();
    let dir = tempdir();
    let path = dir.join("readme.formula");
    std::fs::write(&path, example).unwrap();
    // attention 1771776 + ffn 4722432 + 4*768 = 6497280 per layer; 12 layers: 77967360.
    paramcount()
        .args([
            "eval",
            path.to_str().unwrap(),
            "--config",
            &fixture("bert-base-uncased.json"),
        ])
        .assert()
        .success()
        .stdout("77967360\n");
}

#[test]
fn eval_prints_counts_for_people_when_asked() {
    // BERT-base (AutoModel) is 109,482,240 (transformers, tests/fixtures/reference). 109,482,240/10^6
    // = 109.48 -> 109.5M; /2^20 = 104.41 -> 104.4Mi.
    assert_eq!(stdout_of(&["eval", "bert"]), "109482240\n");
    assert_eq!(
        stdout_of(&["eval", "bert", "--numbers", "grouped"]),
        "109,482,240\n"
    );
    assert_eq!(
        stdout_of(&["eval", "bert", "--numbers", "short"]),
        "109.5M\n"
    );
    assert_eq!(
        stdout_of(&["eval", "bert", "--numbers", "short-binary"]),
        "104.4Mi\n"
    );
}

// ---- functions, modules, lists, sums through the binary ---------------------------------------------------

/// A folder of its own for one test's files.
fn folder(name: &str) -> PathBuf {
    let dir = tempdir().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn a_function_evaluates_and_derives_inlined() {
    let dir = folder("function");
    let file = dir.join("lin.formula");
    std::fs::write(
        &file,
        "fn lin(i, o, b) = i*o + (if b then o else 0)  \"nn.Linear(i, o)\"\ntotal = lin(768, 3072, true)\n",
    )
    .unwrap();
    // 768*3072 = 2359296, + 3072 = 2362368.
    assert_eq!(stdout_of(&["eval", &path(&file)]), "2362368\n");
    assert_eq!(
        stdout_of(&["derive", &path(&file)]),
        "768*3072+3072=2362368\n"
    );
    assert_eq!(
        stdout_of(&[
            "derive",
            &path(&file),
            "--style",
            "symbolic",
            "--keep-calls"
        ]),
        "lin(768,3072,true)\n"
    );
    assert_eq!(
        stdout_of(&["derive", &path(&file), "--style", "steps"]),
        "total = lin(768,3072,true)\n      = 768*3072+3072\n      = 2362368\n\nfunctions\n  lin(i, o, b) = i*o + (if b then o else 0)\n      nn.Linear(i, o)\n"
    );
}

#[test]
fn recursion_exits_2_naming_the_function() {
    let dir = folder("recursion");
    let file = dir.join("f.formula");
    std::fs::write(&file, "fn f(x) = f(x)\ntotal = f(1)\n").unwrap();
    let stderr = error_of(&["eval", &path(&file)]);
    assert!(
        stderr.starts_with("error: `f` is defined in terms of itself: f -> f\n"),
        "{stderr}"
    );
}

#[test]
fn use_of_a_file_in_the_same_folder() {
    let dir = folder("use-file");
    std::fs::write(dir.join("lib.formula"), "fn twice(x) = 2*x\n").unwrap();
    let file = dir.join("model.formula");
    std::fs::write(&file, "use \"lib.formula\"\ntotal = twice(21)\n").unwrap();
    assert_eq!(stdout_of(&["eval", &path(&file)]), "42\n");
}

#[test]
fn lists_from_the_config() {
    let dir = folder("lists");
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        r#"{"mlp_only_layers": [0, 3], "layer_types": ["full_attention", "sliding_attention", "full_attention"]}"#,
    )
    .unwrap();
    let config = path(&config);
    let eval = |e: &str| stdout_of(&["eval", "--config", &config, "-e", e]);
    assert_eq!(eval("len(mlp_only_layers)"), "2\n");
    assert_eq!(eval("contains(mlp_only_layers, 3)"), "true\n");
    assert_eq!(eval("count(layer_types, \"full_attention\")"), "2\n");
    assert_eq!(eval("mlp_only_layers[1]"), "3\n");
    assert_eq!(eval("sum(mlp_only_layers)"), "3\n");
    assert_eq!(eval("layer_types[1] == \"sliding_attention\""), "true\n");
    let stderr = error_of(&["eval", "--config", &config, "-e", "mlp_only_layers[2]"]);
    assert!(
        stderr.starts_with("error: index 2 is out of range: the list has 2 elements\n"),
        "{stderr}"
    );
}

#[test]
fn sums_and_remainders_on_the_command_line() {
    // i = 0, 2, 4 of 0..4.
    assert_eq!(
        stdout_of(&[
            "eval",
            "-e",
            "sum(i in 0..L-1, if i % 2 == 0 then 1 else 0)",
            "--set",
            "L=5"
        ]),
        "3\n"
    );
    assert_eq!(stdout_of(&["eval", "-e", "-7 % 3"]), "2\n");
    let started = std::time::Instant::now();
    let stderr = error_of(&["eval", "-e", "sum(i in 0..10^12, 1)"]);
    assert!(
        started.elapsed().as_secs() < 1,
        "took {:?}",
        started.elapsed()
    );
    assert!(stderr.contains("--max-sum-terms"), "{stderr}");
}

/// A config with a LLaMA text model of 2 layers, H 8, 2 heads (head 4), 1 KV head, I 16, V 10,
/// untied, under `text_config`. Counted by hand:
/// layer: q 8*8 + k,v 2*8*4 + o 8*8 + mlp 3*8*16 + norms 2*8 = 64+64+64+384+16 = 592;
/// embeddings 80, final norm 8, head 80: 80 + 2*592 + 8 + 80 = 1352.
fn small_llama_inside(dir: &Path) -> PathBuf {
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        r#"{"text_config": {"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 16}}"#,
    )
    .unwrap();
    config
}

#[test]
fn a_sub_model_counts_a_nested_config() {
    let dir = folder("sub-model");
    let config = small_llama_inside(&dir);
    let file = dir.join("mm.formula");
    std::fs::write(
        &file,
        "language = model(text_config.model_type | \"llama\", text_config)  \"the language model\"\nprojector = 8*8\ntotal = language + projector\n",
    )
    .unwrap();
    // 1352 + 64 = 1416.
    assert_eq!(
        stdout_of(&["eval", &path(&file), "--config", &path(&config)]),
        "1416\n"
    );
    // The base model (no LM head): 1352 - 80 = 1272.
    std::fs::write(
        &file,
        "total = model(\"llama\", text_config, \"base_model\")\n",
    )
    .unwrap();
    assert_eq!(
        stdout_of(&["eval", &path(&file), "--config", &path(&config)]),
        "1272\n"
    );
}

/// In a derivation a sub-model stands as its count (1352, counted by hand at
/// `small_llama_inside`), the way a part does, not as the call.
#[test]
fn a_derivation_shows_a_sub_model_as_its_count() {
    let dir = folder("submodel-derive");
    let config = small_llama_inside(&dir);
    let file = dir.join("mm.formula");
    std::fs::write(&file, "total = model(\"llama\", text_config) + 8*8\n").unwrap();
    assert_eq!(
        stdout_of(&["derive", &path(&file), "--config", &path(&config)]),
        "1352+8*8=1416\n"
    );
}

#[test]
fn a_malformed_metadata_statement_is_a_parse_error_with_a_caret() {
    let dir = folder("metadata");
    let file = dir.join("m.formula");
    std::fs::write(&file, "@summary missing quotes\ntotal = 1\n").unwrap();
    let stderr = error_of(&["eval", &path(&file)]);
    assert!(stderr.contains("m.formula:1:10"), "{stderr}");
    assert!(stderr.contains('^'), "{stderr}");
}

#[test]
fn every_family_has_an_active_target_equal_to_its_total_when_dense() {
    for family in [
        "albert",
        "bert",
        "distilbert",
        "electra",
        "ernie",
        "gpt-neox",
        "gpt2",
        "llama",
        "opt",
        "roberta",
        "t5",
        "vit",
    ] {
        assert_eq!(
            stdout_of(&["eval", family, "--target", "active"]),
            stdout_of(&["eval", family]),
            "{family}"
        );
    }
}

#[test]
fn check_evaluates_claims_through_functions_and_imports() {
    let dir = folder("check-functions");
    let file = dir.join("claims.formula");
    // blocks' linear(768, 3072, true) = 2359296 + 3072 = 2362368.
    std::fs::write(
        &file,
        "use blocks\nup = linear(768, 3072, true) = 2362368\n",
    )
    .unwrap();
    let (code, stdout, stderr) = common::run(&["check", &path(&file)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::write(
        &file,
        "use blocks\nup = linear(768, 3072, true) = 2362369\n",
    )
    .unwrap();
    let (code, _, _) = common::run(&["check", &path(&file)]);
    assert_eq!(code, 1);
}

#[test]
fn a_family_read_by_path_finds_its_neighbours_before_the_built_ins() {
    let dir = folder("neighbours");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    // `use grp` finds lib/grp.formula next to the family; `model("tiny", ...)` finds tiny.formula
    // (by name) and `model("tiny_type", ...)` finds it by its @model_types.
    std::fs::write(dir.join("lib/grp.formula"), "fn triple(x) = 3*x\n").unwrap();
    std::fs::write(
        dir.join("tiny.formula"),
        "@model_types \"tiny_type\"\nH = hidden_size | 2\ntotal = H*H\n",
    )
    .unwrap();
    let family = dir.join("family.formula");
    std::fs::write(
        &family,
        "use grp\ntotal = triple(model(\"tiny\", sub)) + model(\"tiny_type\", other)\n",
    )
    .unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"sub": {"hidden_size": 5}}"#).unwrap();
    // triple(5*5) + 2*2 (other is absent: every default applies) = 75 + 4 = 79.
    assert_eq!(
        stdout_of(&["eval", &path(&family), "--config", &path(&config)]),
        "79\n"
    );
}
