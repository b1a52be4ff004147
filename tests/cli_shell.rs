//! Completions, the man page and `--help`: generated from the clap definition, checked here for
//! what a user relies on (they load in the shell, they name every subcommand, help has examples).

mod common;

use common::run;

const SUBCOMMANDS: [&str; 12] = [
    "eval",
    "breakdown",
    "sweep",
    "derive",
    "check",
    "expand",
    "equiv",
    "tensors",
    "verify",
    "models",
    "completions",
    "man",
];

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for sub in SUBCOMMANDS {
            assert!(out.contains(sub), "{shell} completions lack `{sub}`");
        }
        assert!(out.contains("config"), "{shell} completions lack --config");
    }
}

#[test]
fn the_bash_completion_script_is_valid_bash() {
    let (_, script, _) = run(&["completions", "bash"]);
    let Ok(output) = std::process::Command::new("bash")
        .args(["-n", "-c", &script])
        .output()
    else {
        return; // no bash on this machine: nothing to check the syntax with
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH paramcount 1"), "{page}");
    assert!(page.contains(".SH SYNOPSIS"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("paramcount\\-{sub}")),
            "man lacks {sub}"
        );
    }
}

#[test]
fn man_dir_writes_a_page_per_subcommand() {
    let dir = std::env::temp_dir().join(format!("paramcount-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (code, _, err) = run(&["man", "--dir", &dir.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    for sub in SUBCOMMANDS {
        let page = std::fs::read_to_string(dir.join(format!("paramcount-{sub}.1")))
            .unwrap_or_else(|e| panic!("paramcount-{sub}.1: {e}"));
        assert!(page.starts_with(".ie") || page.contains(".TH"), "{sub}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_subcommand_help_shows_examples() {
    for sub in SUBCOMMANDS {
        let (code, out, _) = run(&[sub, "--help"]);
        assert_eq!(code, 0, "{sub} --help");
        assert!(
            out.contains("Example"),
            "`{sub} --help` has no examples:\n{out}"
        );
    }
    let (_, out, _) = run(&["--help"]);
    assert!(out.contains("Examples:"), "{out}");
}
