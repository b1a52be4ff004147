//! No silent surprises: a `--set` that changes nothing is an error, `-e` with a config
//! alone can use the family's names, and a failed write is an error, not a quiet exit 0.
//!
//! GPT-2 medium (tests/fixtures/models/configs/gpt2-medium.json: vocabulary 50257, 1024
//! positions, width 1024, 24 layers) counts, by hand, V*H + P*H + L*(12*H^2 + 13*H) + 2*H:
//! 51,463,168 + 1,048,576 + 24*12,596,224 + 2,048 = 354,823,168 (transformers measures the same,
//! counts.json); with 12 layers 203,668,480. transformers' non-embedding count leaves out wte and
//! wpe: 302,311,424, and 302,311,424/354,823,168 = 295226/346507.

mod common;

use common::{fixture, run};

fn gpt2_medium() -> String {
    fixture("models/configs/gpt2-medium.json")
}

#[test]
fn a_misspelled_set_is_an_error_naming_the_closest_key() {
    let config = gpt2_medium();
    let (code, out, err) = run(&["eval", "--config", &config, "--set", "n_layers=12"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: `--set n_layers` would change nothing: the formula does not read `n_layers` and the config has no such key\n = help: did you mean `n_layer`? To set it all the same, add --allow-unused-set\n\n"
    );
    // Spelled right, it changes the count.
    let (code, out, _) = run(&["eval", "--config", &config, "--set", "n_layer=12"]);
    assert_eq!((code, out.as_str()), (0, "203668480\n"));
    // Asked for on purpose, it is accepted (and changes nothing).
    let (code, out, _) = run(&[
        "eval",
        "--config",
        &config,
        "--set",
        "n_layers=12",
        "--allow-unused-set",
    ]);
    assert_eq!((code, out.as_str()), (0, "354823168\n"));
    // A sweep over a misspelled name would print a constant column: refused the same way.
    let (code, _, err) = run(&["sweep", "--config", &config, "--set", "n_layers=12,24"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `n_layer`?"), "{err}");
}

#[test]
fn a_set_without_any_config_names_what_is_missing() {
    let (code, _, err) = run(&["eval", "-e", "2*H", "--set", "h=3"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: `--set h` would change nothing: the formula does not read `h`, and no config was given\n = help: did you mean `H`? To set it all the same, add --allow-unused-set\n\n"
    );
    // A name the formula defines, or reads, is set as before: L of the article's BERT.
    let (code, out, _) = run(&["eval", "bert-article", "--set", "L=24"]);
    // (30522+512+2)*768 + 24*7087872 = 23835648 + 170108928 (the article's per-layer count).
    assert_eq!((code, out.as_str()), (0, "193944576\n"));
}

#[test]
fn an_expression_with_a_config_alone_uses_the_family_names() {
    let config = gpt2_medium();
    let (code, out, err) = run(&["eval", "-e", "non_embedding / total", "--config", &config]);
    assert_eq!((code, out.as_str()), (0, "295226/346507\n"), "{err}");
    let (code, out, _) = run(&["eval", "-e", "n_layer * n_embd", "--config", &config]);
    assert_eq!((code, out.as_str()), (0, "24576\n"));
}

#[test]
fn a_failed_write_is_an_error_and_a_closed_pipe_is_not() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paramcount"))
        .args(["eval", "-e", "2*3"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot write the output:"), "{err}");

    // A reader that stops early: the writer ends with exit 0 and says nothing.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_paramcount"))
        .args([
            "sweep",
            "gpt2",
            "--set",
            "n_layer=1..20000",
            "--format",
            "csv",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}

#[test]
fn an_unknown_model_type_names_the_closest_and_how_to_use_a_family() {
    let dir = std::env::temp_dir().join(format!("paramcount-unknown-type-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.json");
    std::fs::write(&path, r#"{"model_type": "qwen3_mo", "hidden_size": 10}"#).unwrap();
    let (code, out, err) = run(&["eval", "--config", &path.to_string_lossy()]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: the config's model_type `qwen3_mo` has no built-in formula\n"),
        "{err}"
    );
    assert!(
        err.contains("the closest known model types: `qwen3_moe`"),
        "{err}"
    );
    assert!(
        err.contains("`paramcount eval llama --config config.json`"),
        "{err}"
    );
}
