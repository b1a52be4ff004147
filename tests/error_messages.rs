//! Every error a user can meet, as the whole message the command line prints: the location line,
//! the source line, the caret, the label, the help, and the exit code. A test that only looked for a
//! substring would let a message lose its caret or its help without failing; these compare all of
//! it with a snapshot (`tests/snapshots/error_messages__CASE.snap`, reviewed by a person).
//!
//! A case is a file of `tests/errors/`, and adding one is adding a file:
//! - `CASE.args`: the command line, one argument per line (no shell quoting; blank lines and lines
//!   starting with `#` are skipped), and `ENV NAME=VALUE` lines for the environment;
//! - or `CASE.formula` alone: `paramcount eval CASE.formula`, with `--config CASE.json` when that
//!   file exists.
//!
//! Every case runs in `tests/errors/` (so paths in messages are the short relative ones), with an
//! empty environment but `NO_COLOR=1` and a Hub that is offline with an empty cache: no case can
//! reach beyond this machine. Review new or changed snapshots with `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test error_messages` and `git diff`; under CI (`CI` set) insta
//! writes nothing and a missing snapshot fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use paramcount::Error;

/// Which case shows each variant of `Error`. The `match` is exhaustive on purpose: a new variant
/// does not compile until it is given a case here (and the case a file, which
/// `every_variant_has_a_case_file` checks).
macro_rules! cases_by_variant {
    ($($variant:ident => $case:literal,)*) => {
        #[allow(dead_code)] // called by nobody: it exists to fail to compile
        fn case_of(error: &Error) -> &'static str {
            match error {
                $(Error::$variant { .. } => $case,)*
            }
        }

        const CASES_BY_VARIANT: &[(&str, &str)] = &[$((stringify!($variant), $case),)*];
    };
}

cases_by_variant! {
    Io => "io_missing_file",
    NotText => "not_text",
    Syntax => "syntax_unclosed_bracket",
    TooDeep => "too_deep",
    UnknownName => "unknown_name",
    NoAlternative => "no_alternative",
    Cycle => "cycle",
    DivisionByZero => "division_by_zero",
    FractionalExponent => "fractional_exponent",
    TooLarge => "too_large",
    FractionTooLarge => "fraction_too_large",
    ExponentTooLarge => "exponent_too_large",
    InputTooLarge => "input_too_large",
    OutputTooLarge => "output_too_large",
    TooManyDefinitions => "too_many_definitions",
    BinaryInput => "binary_input",
    Type => "type_bool_plus_number",
    Arity => "arity",
    AdjacentNumbers => "adjacent_numbers",
    Language => "language_parameter_twice",
    ConfigSyntax => "config_syntax",
    ConfigNotObject => "config_not_object",
    ConfigValue => "config_value",
    ConfigType => "config_type",
    ConfigSize => "config_size",
    SetSyntax => "set_syntax",
    UnknownFormula => "unknown_formula",
    UnknownModelType => "unknown_model_type",
    UnknownTarget => "unknown_target",
    Redefinition => "redefinition",
    Usage => "usage_unused_set",
    Checkpoint => "checkpoint_not_safetensors",
    Hub => "hub_offline",
    Tensors => "tensors_directive",
}

fn case_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors")
}

/// The command line and environment of one case.
struct Case {
    name: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// Every case of `tests/errors/`, by name.
fn cases() -> Vec<Case> {
    let dir = case_dir();
    let mut cases = Vec::new();
    let entries = std::fs::read_dir(&dir).expect("tests/errors/ is readable");
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let (Some(stem), Some(extension)) = (path.file_stem(), path.extension()) else {
            continue;
        };
        let name = stem.to_string_lossy().into_owned();
        match extension.to_str() {
            Some("args") => {
                let text = std::fs::read_to_string(&path).expect("an .args file is text");
                let mut args = Vec::new();
                let mut env = Vec::new();
                for line in text.lines() {
                    if line.trim().is_empty() || line.starts_with('#') {
                        continue;
                    }
                    match line.strip_prefix("ENV ").and_then(|v| v.split_once('=')) {
                        Some((key, value)) => env.push((key.to_string(), value.to_string())),
                        None => args.push(line.to_string()),
                    }
                }
                cases.push(Case { name, args, env });
            }
            // A formula with an .args file of its own name is that case's input, not a case.
            Some("formula") if !dir.join(format!("{name}.args")).exists() => {
                let mut args = vec!["eval".to_string(), format!("{name}.formula")];
                if dir.join(format!("{name}.json")).exists() {
                    args.extend(["--config".to_string(), format!("{name}.json")]);
                }
                cases.push(Case {
                    name,
                    args,
                    env: Vec::new(),
                });
            }
            _ => {}
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// An argument as a shell would need it written, for the snapshot's first line.
fn quoted(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./=,:+".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// Runs the binary on a case; returns what a user sees.
fn run(case: &Case) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paramcount"));
    command
        .current_dir(case_dir())
        .args(&case.args)
        .env_clear()
        .env("NO_COLOR", "1")
        // No case may reach the network: the Hub is offline, and its cache a directory that does
        // not exist.
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", "no-such-hub-home");
    for (key, value) in &case.env {
        command.env(key, value);
    }
    let output = command.output().expect("the paramcount binary runs");
    let mut shown = format!(
        "$ {}paramcount {}\nexit code: {}\n",
        case.env
            .iter()
            .map(|(key, value)| match value.as_str() {
                "" => format!("{key}= "),
                value => format!("{key}={} ", quoted(value)),
            })
            .collect::<String>(),
        case.args
            .iter()
            .map(|a| quoted(a))
            .collect::<Vec<_>>()
            .join(" "),
        output
            .status
            .code()
            .map_or("none (killed by a signal)".to_string(), |c| c.to_string()),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.is_empty() {
        shown.push_str("--- stdout\n");
        shown.push_str(&stdout);
    }
    shown.push_str("--- stderr\n");
    shown.push_str(&String::from_utf8_lossy(&output.stderr));
    shown
}

#[test]
fn every_error_message_is_its_snapshot() {
    let cases = cases();
    assert!(
        cases.len() >= CASES_BY_VARIANT.len(),
        "tests/errors/ lost its cases"
    );
    let mut failed = Vec::new();
    for case in &cases {
        let shown = run(case);
        // Every case is an error: exit code 2, never a panic's 101.
        if !shown.contains("\nexit code: 2\n") {
            failed.push(format!("{}: not exit code 2\n{shown}", case.name));
            continue;
        }
        // Each snapshot compared, and every failure listed, not only the first.
        let compared = std::panic::catch_unwind(|| {
            insta::with_settings!({ prepend_module_to_snapshot => true, omit_expression => true }, {
                insta::assert_snapshot!(case.name.as_str(), shown);
            });
        });
        if compared.is_err() {
            failed.push(case.name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "cases that differ from their snapshot: {failed:#?}"
    );
}

#[test]
fn every_variant_has_a_case_file() {
    let names: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    let missing: Vec<&(&str, &str)> = CASES_BY_VARIANT
        .iter()
        .filter(|(_, case)| !names.iter().any(|n| n == case))
        .collect();
    assert!(
        missing.is_empty(),
        "variants whose case file is missing: {missing:?}"
    );
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for (variant, case) in CASES_BY_VARIANT {
        let snapshot = snapshots.join(format!("error_messages__{case}.snap"));
        assert!(
            snapshot.exists(),
            "Error::{variant}: no snapshot {}",
            snapshot.display()
        );
    }
}
