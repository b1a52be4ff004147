//! Count a model's parameters from its `config.json` through the library, and compare two
//! variants of the count.
//!
//! ```text
//! cargo run --example count -- path/to/config.json
//! cargo run --example count            # BERT-base with the built-in defaults
//! ```
//!
//! The family comes from the config's `model_type`, as `paramcount eval --config` does.

use std::process::ExitCode;

use paramcount::diagnostic::{self, Color};
use paramcount::printer::NumberFormat;
use paramcount::program::{LoadError, Program, Request};
use paramcount::render::Style;

fn main() -> ExitCode {
    let request = match std::env::args().nth(1) {
        Some(path) => Request::default().config(path),
        None => Request::named("bert"),
    };
    let program = match Program::load(&request) {
        Ok(program) => program,
        Err(LoadError { error, sources }) => {
            eprint!("{}", diagnostic::error(&error, &sources, Color::Never));
            return ExitCode::from(2);
        }
    };
    let sources = &program.formula.sources;
    let report = |error: paramcount::Error| {
        eprint!("{}", diagnostic::error(&error, sources, Color::Never));
        ExitCode::from(2)
    };

    let family = program.builtin.map_or("formula", |b| b.name);
    let total = match paramcount::evaluate(&program) {
        Ok(evaluation) => evaluation.value,
        Err(error) => return report(error),
    };
    println!("{family}: {total} parameters");

    let format = NumberFormat {
        group_digits: true,
        ..NumberFormat::default()
    };
    match paramcount::derive(&program, Style::Steps, format) {
        Ok(derivation) => print!("{}", derivation.text),
        Err(error) => return report(error),
    }
    ExitCode::SUCCESS
}
