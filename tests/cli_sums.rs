//! Derivations of sums whose term varies (`sum(s in 0..n-1, depth[s]*block(widths[s]))`): printed
//! as their terms, so that the derivation is plain arithmetic a reader (and `eval -e`, and
//! `check --scan`) can redo; and documents that define functions as `derive` prints them.

mod common;

use common::run;

fn formula_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("paramcount-sums-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the file is written");
    path.to_string_lossy().into_owned()
}

#[test]
fn a_sum_over_a_range_prints_each_term() {
    // 1*10 + 2*10 + 3*10 = 60.
    let (code, out, err) = run(&["derive", "-e", "sum(i in 1..3, i*10)"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "1*10+2*10+3*10=60\n");
}

#[test]
fn a_sum_over_config_lists_prints_a_term_per_stage() {
    // ConvNeXt-T's layer scales: 3*96 + 3*192 + 9*384 + 3*768 = 288 + 576 + 3456 + 2304 = 6624.
    let path = formula_file(
        "stages.formula",
        "depth = [3, 3, 9, 3]\nwidths = [96, 192, 384, 768]\nscales = sum(s in 0..len(depth)-1, depth[s]*widths[s])\n",
    );
    let (code, out, err) = run(&["derive", &path]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "3*96+3*192+9*384+3*768=6624\n");
    // LaTeX writes the same terms.
    let (code, out, err) = run(&["derive", &path, "--style", "latex"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("3 \\times 96+3 \\times 192+9 \\times 384+3 \\times 768 = 6\\,624"),
        "{out}"
    );
}

#[test]
fn equal_terms_in_a_row_print_once_with_their_count_and_zero_terms_not_at_all() {
    // Terms 7, 7, 7, 7, 0, 1, 1: 4*7 + 2*1 = 30.
    let (code, out, err) = run(&[
        "derive",
        "-e",
        "sum(i in 0..6, if i < 4 then 7 else if i == 4 then 0 else 1)",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "4*7+2*1=30\n");
}

#[test]
fn a_sum_of_a_million_terms_is_printed_as_written() {
    // The odd numbers of 1..1,000,000: 500,000 of them.
    let (code, out, err) = run(&["derive", "-e", "sum(i in 1..1000000, i % 2)"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "sum(i in 1..1000000, i%2)=500000\n");
    let (code, out, err) = run(&[
        "derive",
        "-e",
        "sum(i in 1..1000000, i % 2)",
        "--style",
        "latex",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\\sum_{i=1}^{1\\,000\\,000} i \\bmod 2"),
        "{out}"
    );
}

#[test]
fn the_convnext_derivation_is_arithmetic_that_evaluates_to_the_measured_count() {
    // ConvNextModel with ConvNeXt-T's sizes (the family's defaults): 27,820,128 parameters
    // (transformers, tests/fixtures/models/counts-vis.json, convnext-tiny-224).
    let (code, out, err) = run(&["derive", "convnext"]);
    assert_eq!(code, 0, "{err}");
    let (arithmetic, total) = out.trim().rsplit_once('=').expect("a claimed total");
    assert_eq!(total, "27820128");
    assert!(!arithmetic.contains("sum("), "{arithmetic}");
    assert!(
        arithmetic.contains("3*(96*7*7+96)+3*(192*7*7+192)+9*(384*7*7+384)+3*(768*7*7+768)"),
        "the depthwise convolutions, stage by stage: {arithmetic}"
    );
    let (code, value, err) = run(&["eval", "-e", arithmetic]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(value.trim(), "27820128");
}

#[test]
fn a_document_defines_functions_as_the_steps_style_prints_them() {
    // 768*768 + 768 = 590,592 (a Linear(768, 768) with bias).
    let path = formula_file(
        "steps.txt",
        "q_proj = linear(H,H,true) = 768*768+768 = 590,592\n\nwhere\n  H = 768\n\nfunctions\n  linear(i, o, bias) = i*o + (if bias then o else 0)\n      nn.Linear(i, o)\n",
    );
    let (code, out, _) = run(&["check", "--scan", &path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 claims: 2 hold"), "{out}");
}

#[test]
fn a_document_defines_functions_as_the_markdown_style_prints_them() {
    // 3*(768*768 + 768) = 1,771,776.
    let path = formula_file(
        "markdown.md",
        "| part | formula | with numbers | parameters | what it counts |\n|---|---|---|---:|---|\n| qkv | `3*linear(H,H,true)` | `3*(768*768+768)` | 1,771,776 | Q, K, V |\n\n| symbol | value | meaning | from |\n|---|---:|---|---|\n| H | 768 | width | config hidden_size |\n\n| function | body | what it computes |\n|---|---|---|\n| `linear(i, o, bias)` | `i*o + (if bias then o else 0)` | nn.Linear |\n",
    );
    let (code, out, _) = run(&["check", "--scan", &path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 claims: 2 hold"), "{out}");
}
