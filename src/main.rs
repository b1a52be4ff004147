//! The `paramcount` command line: arguments in, library calls, output and exit codes out. Each
//! subcommand is a module of `commands`.
//!
//! Exit codes: 0 success and every claim holds; 1 a claim is false (or two formulas differ); 2 bad
//! input (the error on standard error).

mod commands;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use commands::{
    algebra, breakdown, check, derive, eval, models, shell, sweep, tensors, verify, Outcome,
};
use paramcount::diagnostic;
use paramcount::syntax::Sources;
use paramcount::Error;

#[derive(Parser)]
#[command(
    name = "paramcount",
    version,
    about = "Exact parameter counts of neural networks, from formulas and config.json files",
    long_about = "Parses parameter-count formulas, binds them to a model's config.json, evaluates them \
exactly (big integers and fractions, never floating point) and prints the derivation the way an \
article writes it.",
    after_help = "Examples:\n  paramcount derive bert-article\n  paramcount derive bert-article --config config.json --style steps\n  paramcount eval -e '(30522+512+2)*768'\n  paramcount eval --config llama-3-8b.json\n  paramcount breakdown --config config.json\n  paramcount sweep gpt2 --set n_layer=12,24,36,48\n  paramcount check --scan article.md\n  paramcount verify --config config.json --tensors model.safetensors\n  paramcount expand -e '(a+b)^2 - (a-b)^2'\n  paramcount models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the exact value of a formula (plain digits, nothing else)
    Eval(eval::EvalArgs),
    /// Print the derivation: the formula with the numbers substituted, and its total
    Derive(derive::DeriveArgs),
    /// Verify claimed results (`expr = number`) in formula files, expressions and documents
    Check(check::CheckArgs),
    /// Expand a formula into a polynomial in its sizes (normal form)
    Expand(algebra::ExpandArgs),
    /// Decide whether two formulas are the same function of their sizes
    Equiv(algebra::EquivArgs),
    /// Every named part with its count, share of the total and per-layer figure
    Breakdown(breakdown::BreakdownArgs),
    /// Evaluate at every point of a grid of --set values (lists and ranges)
    Sweep(sweep::SweepArgs),
    /// Sum a checkpoint's tensors (safetensors headers, an index, or a listing), by name prefix and dtype
    Tensors(tensors::TensorsArgs),
    /// Check a formula against a checkpoint: the total, each part, and the tensors left over
    Verify(verify::VerifyArgs),
    /// List the built-in formulas
    #[command(after_help = "Example:\n  paramcount models")]
    Models,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff), generated from this command line
    Man(shell::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut sources = Sources::new();
    match run(cli, &mut sources) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ClaimFalse) => ExitCode::from(1),
        Err(error) => {
            eprint!(
                "{}",
                diagnostic::error(&error, &sources, commands::stderr_color())
            );
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, sources: &mut Sources) -> Result<Outcome, Error> {
    match cli.command {
        Command::Eval(args) => eval::run(args, sources),
        Command::Derive(args) => derive::run(args, sources),
        Command::Check(args) => check::run(args, sources),
        Command::Expand(args) => algebra::run_expand(args, sources),
        Command::Equiv(args) => algebra::run_equiv(args, sources),
        Command::Breakdown(args) => breakdown::run(args, sources),
        Command::Sweep(args) => sweep::run(args, sources),
        Command::Tensors(args) => Ok(Outcome::matched(tensors::run(&args, sources)?)),
        Command::Verify(args) => Ok(Outcome::matched(verify::run(&args, sources)?)),
        Command::Models => Ok(models::run()),
        Command::Completions(args) => Ok(shell::completions(args, Cli::command())),
        Command::Man(args) => shell::man(args, Cli::command()),
    }
}
