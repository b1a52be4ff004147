//! `paramcount check` as a user runs it: exit codes, the report's content, JSON, standard input,
//! bad input.
//!
//! The numbers are the article's (`tests/fixtures/check/README.md` names them): BERT-base by hand
//! is 108,890,112; the article claims 101,675,520, which is what vocabulary 21,128
//! (bert-base-chinese's) gives: (101675520 - 85054464)/768 - 514 = 21128.

mod common;

use common::{assert_golden, fixture, paramcount, run};

const BERT: &str = "(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)";

#[test]
fn a_true_claim_exits_0() {
    let (code, out, _) = run(&["check", "-e", &format!("{BERT}=108890112")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("holds"), "{out}");
    assert!(out.contains("1 claim: 1 holds, 0 false"), "{out}");
}

#[test]
fn the_article_total_is_false_with_the_vocabulary_that_would_give_it() {
    let (code, out, _) = run(&["check", "-e", &format!("{BERT}=101675520")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FALSE"), "{out}");
    assert!(out.contains("computed    108,890,112"), "{out}");
    assert!(out.contains("claimed     101,675,520"), "{out}");
    // 108,890,112 - 101,675,520 = 7,214,592.
    assert!(out.contains("difference  -7,214,592"), "{out}");
    assert!(out.contains("30522 at 1:2 → 21,128"), "{out}");
}

#[test]
fn fused_numbers_are_repaired_and_the_claim_holds_on_the_repair() {
    // 12*(768*3072+3072+3072*768+768) = 12*4722432 = 56669184.
    let (code, out, _) = run(&["check", "-e", "12(7683072+3072+3072768+768)=56669184"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("7683072 at 1:4 read as 768*3072"), "{out}");
    assert!(out.contains("3072768 at 1:17 read as 3072*768"), "{out}");
    assert!(
        out.contains("the claim holds on the repaired reading"),
        "{out}"
    );
}

#[test]
fn a_document_whose_formulas_are_right_exits_0() {
    let (code, out, err) = run(&["check", "--scan", &fixture("check/all-right.md")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("FALSE"), "{out}");
}

#[test]
fn a_document_with_one_wrong_claim_names_only_that_one() {
    // 768*3072+3072+3072*768+768 is 4722432; the file says 4721664 on line 7.
    let path = fixture("check/one-wrong.md");
    let (code, out, _) = run(&["check", "--scan", &path]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("FALSE").count(), 1, "{out}");
    let false_line = out
        .lines()
        .find(|l| l.contains("FALSE"))
        .expect("a FALSE line");
    assert!(false_line.contains("one-wrong.md:7:"), "{false_line}");
    assert!(out.contains("computed    4,722,432"), "{out}");
}

#[test]
fn documents_from_standard_input() {
    let text = std::fs::read_to_string(fixture("check/all-right.md")).expect("fixture");
    let output = paramcount()
        .args(["check", "--scan"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("<stdin>:"), "{out}");
}

#[test]
fn a_document_without_claims_says_so() {
    let (code, out, _) = run(&["check", "--scan", &fixture("check/no-claims.md")]);
    assert_eq!(code, 0);
    assert_eq!(out, "no claims found\n");
}

#[test]
fn json_report_has_exact_values_as_digit_strings() {
    let (code, out, _) = run(&["check", "--json", "-e", &format!("{BERT}=101675520")]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let claim = &report["claims"][0];
    assert_eq!(claim["status"], "false");
    assert_eq!(claim["computed"], "108890112");
    assert_eq!(claim["claimed"], "101675520");
    assert_eq!(claim["difference"], "-7214592");
    assert_eq!(report["summary"]["false"], 1);
    assert_eq!(report["exit_code"], 1);
    let fix = claim["diagnoses"]
        .as_array()
        .expect("diagnoses")
        .iter()
        .find(|d| d["kind"] == "one-number" && d["name"] == "30522")
        .expect("the vocabulary fix");
    assert_eq!(fix["needed"], "21128");
}

#[test]
fn config_and_set_bind_names_as_in_eval() {
    // bert-base-chinese: vocab_size 21128, so the article's total holds for it.
    let config = fixture("check/bert-base-chinese.json");
    let claim = "(vocab_size+512+2)*768+12*7087872 = 101675520";
    let (code, out, _) = run(&["check", "-e", claim, "--config", &config]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&["check", "-e", claim, "--set", "vocab_size=30522"]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn the_web_mangled_article_report() {
    // Read by a person: the fused numbers of both formulas are repaired, BERT's repaired reading
    // gives 108,890,112 and ERNIE's 99,273,984, and the one-number fixes name vocabulary sizes
    // 21,128 and 21,127.
    let path = fixture("check/article-web.md");
    let output = paramcount()
        .current_dir(fixture("check"))
        .args(["check", "--scan", "article-web.md"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{path}");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("gives       108,890,112"), "{out}");
    assert!(out.contains("gives       99,273,984"), "{out}");
    assert!(out.contains("→ 21,128"), "{out}");
    assert!(out.contains("→ 21,127"), "{out}");
    assert_golden("check-article-web.txt", &out);
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let (code, _, err) = run(&["check", "no-such-file.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.md"), "{err}");
    assert!(err.contains("no such file"), "{err}");

    let (code, _, err) = run(&["check", "-e", "(1+2 = 3"]);
    assert_eq!(code, 2);
    assert!(err.contains("-e:1:"), "{err}");
    assert!(err.contains('^'), "{err}");

    let (code, _, err) = run(&["check", "-e", "1 = 1", "--config", "missing.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn a_formula_file_is_checked_without_scan_and_from_standard_input() {
    // parts.formula claims BertModel's 109,482,240 (transformers, tests/fixtures/reference).
    let path = fixture("check/parts.formula");
    let (code, out, _) = run(&["check", &path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 claim: 1 holds"), "{out}");
    // The same file on standard input, with the layer count changed: 24 layers are
    // 109,482,240 + 12*7,087,872 = 194,536,704, so the claim is false.
    let text = std::fs::read_to_string(&path).expect("fixture");
    let output = paramcount()
        .args(["check", "--set", "L=24"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("computed    194,536,704"), "{out}");
}

#[test]
fn the_size_limit_applies_to_check() {
    let (code, out, err) = run(&["check", "-e", "2^100000 = 3", "--max-bits", "1000"]);
    assert_eq!(
        code, 0,
        "a claim that cannot be evaluated is not false: {out}{err}"
    );
    assert!(out.contains("not evaluated"), "{out}");
    assert!(out.contains("bits"), "{out}");
}

/// Every text style of `derive`, for every built-in with its default config, read back by
/// `check --scan`: every line that states a result has a claim found on it, and every claim
/// holds (none false, none "not evaluated"), the total the derivation printed among them. A
/// derivation is self-contained: the steps style defines its sizes (`where`), parts and functions
/// (`linear(i, o, bias) = ...`), markdown the same in its tables, and a sum over a config list
/// prints as its terms. The expected values are `derive`'s own, computed by a second route (the
/// evaluator), so this tests the printer and the reader, not the arithmetic.
#[test]
fn every_derive_style_of_every_builtin_checks_back() {
    let styles: [&[&str]; 8] = [
        &["--style", "article"],
        &["--style", "article", "--group-digits"],
        &["--style", "steps"],
        &["--style", "steps", "--group-digits"],
        &["--style", "markdown"],
        &["--style", "markdown", "--group-digits"],
        &["--style", "latex"],
        &["--style", "latex", "--group-digits"],
    ];
    let dir = std::env::temp_dir().join(format!("paramcount-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let mut failures = Vec::new();
    for name in paramcount::models::names() {
        let (code, total, _) = run(&["eval", &name]);
        assert_eq!(code, 0, "eval {name}");
        let total = total.trim().to_string();
        for style in styles {
            let mut args = vec!["derive", name.as_str()];
            args.extend_from_slice(style);
            let (code, derivation, err) = run(&args);
            assert_eq!(code, 0, "{args:?}: {err}");
            let path = dir.join(format!("{name}-{}.txt", style.join("")));
            std::fs::write(&path, &derivation).expect("the derivation is written");
            let path = path.to_string_lossy().into_owned();
            let (code, report, _) = run(&["check", "--scan", &path, "--json"]);
            let json: serde_json::Value = serde_json::from_str(&report).expect("JSON");
            let claims = json["claims"].as_array().cloned().unwrap_or_default();
            let total_holds = claims
                .iter()
                .any(|c| c["status"] == "holds" && c["claimed"] == total.as_str());
            let not_holding: Vec<&serde_json::Value> =
                claims.iter().filter(|c| c["status"] != "holds").collect();
            // Every line that states a result has a claim found on it: `= 2,362,368` in the
            // steps, `= **124,439,808**` and the parts table's rows in markdown, LaTeX's
            // `= 124\,439\,808`.
            let lines_with_claims: std::collections::HashSet<u64> =
                claims.iter().filter_map(|c| c["line"].as_u64()).collect();
            let missed: Vec<usize> = derivation
                .lines()
                .enumerate()
                .filter(|(_, line)| states_a_result(line))
                .map(|(i, _)| i + 1)
                .filter(|n| !lines_with_claims.contains(&(*n as u64)))
                .collect();
            if code != 0 || !not_holding.is_empty() || !total_holds || !missed.is_empty() {
                failures.push(format!(
                    "{args:?}: exit {code}, total {total} holds: {total_holds}, not holding: {not_holding:?}, lines missed: {missed:?}"
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_claim_about_a_name_is_checked_not_defined() {
    // bert-base-uncased with pooler: 109,482,240 (transformers' BertModel, reference/counts.json).
    let config = fixture("check/bert-base-uncased.json");
    let (code, out, _) = run(&["check", "-e", "total = 1", "--config", &config]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("computed    109,482,240"), "{out}");
    let (code, out, _) = run(&["check", "-e", "total = 109482240", "--config", &config]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("holds"), "{out}");
}

#[test]
fn a_builtin_name_is_a_formula_to_check_against() {
    // GPT-2 small: 124,439,808 (transformers' GPT2LMHeadModel, tied head counted once).
    let (code, out, _) = run(&["check", "-e", "total = 124.4M", "gpt2"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("holds approximately"), "{out}");
}

#[test]
fn an_expression_without_a_claim_is_an_error() {
    let (code, out, err) = run(&["check", "-e", "3*4"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("claims nothing"), "{err}");
}

/// Whether a line of a derivation states a number as a result: `= 2,362,368` at its end (after
/// markup), or a parts-table row whose parameters cell is a number.
fn states_a_result(line: &str) -> bool {
    let plain: String = line
        .chars()
        .filter(|c| !matches!(c, '*' | '\\' | '$'))
        .collect();
    let plain = plain.trim().trim_end_matches(']').trim();
    if let Some((_, last)) = plain.rsplit_once('=') {
        let last = last.trim();
        let number = !last.is_empty()
            && last
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == ' ');
        if number {
            return true;
        }
    }
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    // `| part | formula | with numbers | parameters | what it counts |`
    cells.len() >= 6
        && cells[1] != "part"
        && !cells[4].is_empty()
        && cells[4].chars().all(|c| c.is_ascii_digit() || c == ',')
}
