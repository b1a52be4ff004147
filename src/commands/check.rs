//! `paramcount check`: verify the claimed results in formula files, expressions and documents.

use clap::Args;

use std::path::Path;

use paramcount::check::{self, CheckInput, CheckOptions};
use paramcount::models::{self, Builtin};
use paramcount::program::read_text_within;
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{print, print_json, stdout_color, BindingArgs, LimitArgs, Outcome};

#[derive(Args)]
#[command(
    after_help = "Exit status: 0 when every claim holds (or only approximately), 1 when any is false, 2 on bad input.\n\nExamples:\n  paramcount check -e '(30522+512+2)*768 = 23835648'\n  paramcount check my-model.formula --config config.json\n  paramcount check --scan article.md\n  curl -s https://example.com/post | paramcount check --scan -\n  paramcount check --scan notes.md --json"
)]
pub struct CheckArgs {
    /// Formula files to check (`-` is standard input); with `--scan`, documents
    #[arg(value_name = "FILE")]
    files: Vec<String>,
    /// A claim to check: `EXPR = CLAIM`, a chain `A = B = C`, or pasted text (`= 110M params`)
    #[arg(
        short = 'e',
        long = "expr",
        value_name = "EXPR",
        allow_hyphen_values = true
    )]
    expressions: Vec<String>,
    /// Read the files as documents (markdown, text, HTML pastes) and find the formulas in them
    #[arg(long)]
    scan: bool,
    /// Print the report as JSON (exact values as strings of plain digits)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    binding: BindingArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run(args: CheckArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let mut inputs = Vec::new();
    let mut files = args.files.clone();
    if files.is_empty() && args.expressions.is_empty() {
        files.push("-".into());
    }
    // As in `eval`: `-e` claims about a built-in formula, named or found by the config's
    // model_type.
    if files.is_empty() && !args.scan {
        if let Some(builtin) = args
            .binding
            .config
            .as_deref()
            .and_then(config_model_type)
            .and_then(|t| models::for_model_type(&t))
        {
            inputs.push(builtin_input(builtin));
        }
    }
    for path in &files {
        let builtin = (path != "-" && !Path::new(path).exists() && !args.scan)
            .then(|| models::find(path))
            .flatten();
        if let Some(builtin) = builtin {
            inputs.push(builtin_input(builtin));
            continue;
        }
        let name = if path == "-" { "<stdin>" } else { path };
        inputs.push(CheckInput::Text {
            name: name.to_string(),
            text: read_text_within(path, args.limits.max_input_bytes)?,
        });
    }
    inputs.extend(args.expressions.iter().cloned().map(CheckInput::Expression));
    let options = CheckOptions {
        scan: args.scan,
        config: match (&args.binding.config, &args.binding.revision) {
            // A Hub id at another revision: its config.json, cached or fetched, by path.
            (Some(id), Some(revision))
                if paramcount::hub::looks_like_id(id) && !std::path::Path::new(id).exists() =>
            {
                Some(
                    paramcount::hub::Model::new(id, Some(revision))?
                        .file("config.json")?
                        .to_string_lossy()
                        .into_owned(),
                )
            }
            (config, _) => config.clone(),
        },
        sets: args.binding.sets.clone(),
        limits: args.limits.limits(),
        ..CheckOptions::default()
    };
    let report = check::check(&inputs, &options).map_err(|failure| {
        *sources = failure.sources;
        failure.error
    })?;
    if args.json {
        print_json(&report.to_json());
    } else {
        print(&report.render_text(stdout_color()));
    }
    Ok(Outcome::matched(report.exit_code() == 0))
}

fn builtin_input(builtin: &Builtin) -> CheckInput {
    CheckInput::Text {
        name: format!("builtin:{}", builtin.name),
        text: builtin.text.to_string(),
    }
}

/// The `model_type` of a config file, if it can be read and has one (reading errors are reported
/// later, when the config is loaded for binding).
fn config_model_type(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.get("model_type")?.as_str().map(str::to_string)
}
