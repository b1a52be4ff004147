//! The `paramcount` command line: arguments in, library calls, output and exit codes out.
//!
//! Exit codes: 0 success and every claim holds; 1 a claim is false; 2 bad input (the error on
//! standard error).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;

use paramcount::algebra::DEFAULT_MAX_TERMS;
use paramcount::diagnostic::{self, Color};
use paramcount::eval::{
    Limits, DEFAULT_MAX_BITS, DEFAULT_MAX_DEFINITIONS, DEFAULT_MAX_EXPONENT,
    DEFAULT_MAX_INPUT_BYTES,
};
use paramcount::models;
use paramcount::parser::DEFAULT_MAX_DEPTH;
use paramcount::printer::NumberFormat;
use paramcount::program::{FormulaSource, Program, Request};
use paramcount::render::Style;
use paramcount::syntax::Sources;
use paramcount::{ClaimReport, Error};

#[derive(Parser)]
#[command(
    name = "paramcount",
    version,
    about = "Exact parameter counts of neural networks, from formulas and config.json files",
    long_about = "Parses parameter-count formulas, binds them to a model's config.json, evaluates them \
exactly (big integers and fractions, never floating point) and prints the derivation the way an \
article writes it.",
    after_help = "Examples:\n  paramcount derive bert-article\n  paramcount derive bert-article --config config.json --style steps\n  paramcount eval -e '(30522+512+2)*768'\n  paramcount models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the exact value of a formula (plain digits, nothing else)
    #[command(
        after_help = "Examples:\n  paramcount eval bert-article\n  paramcount eval my-model.formula --config config.json\n  paramcount eval -e 'hidden_size*4' --config config.json\n  paramcount eval -e '2^200/2^190'\n  paramcount eval bert-article --set num_hidden_layers=24 --json"
    )]
    Eval {
        #[command(flatten)]
        input: InputArgs,
        /// Print a JSON object (target, exact value as a string, claims) instead of the digits
        #[arg(long)]
        json: bool,
    },
    /// Print the derivation: the formula with the numbers substituted, and its total
    #[command(
        after_help = "Examples:\n  paramcount derive bert-article\n  paramcount derive bert-article --config ernie.json\n  paramcount derive bert-article --style steps\n  paramcount derive bert-article --style latex\n  paramcount derive -e 'V*H' --set V=32000 --set H=4096 --group-digits"
    )]
    Derive {
        #[command(flatten)]
        input: InputArgs,
        /// How to print the derivation
        #[arg(long, value_enum, default_value_t = StyleArg::Article)]
        style: StyleArg,
        /// Group digits in threes (108,890,112)
        #[arg(long)]
        group_digits: bool,
        /// Put spaces around operators (a + b*c becomes a + b * c)
        #[arg(long)]
        spaced: bool,
    },
    /// List the built-in formulas
    #[command(after_help = "Example:\n  paramcount models")]
    Models,
}

#[derive(Args)]
struct InputArgs {
    /// A formula file, `-` for standard input, or a built-in formula (see `paramcount models`)
    formula: Option<String>,
    /// An expression to evaluate instead of the formula's target; it can use the formula's names
    #[arg(
        short = 'e',
        long = "expr",
        value_name = "EXPR",
        allow_hyphen_values = true
    )]
    expression: Option<String>,
    /// A model config (Hugging Face config.json): names the formula does not define are read from it
    #[arg(short, long, value_name = "FILE")]
    config: Option<String>,
    /// Give a name a value (a number, true/false or an expression); wins over the formula and the config
    #[arg(short, long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// Which definition to evaluate (default: `total`, else the last statement)
    #[arg(short, long, value_name = "NAME")]
    target: Option<String>,
    /// Largest size, in bits, of any number computed
    #[arg(long, value_name = "BITS", default_value_t = DEFAULT_MAX_BITS)]
    max_bits: u64,
    /// Deepest nesting of brackets accepted
    #[arg(long, value_name = "LEVELS", default_value_t = DEFAULT_MAX_DEPTH)]
    max_depth: usize,
    /// Largest input read (a formula file, standard input, a config, -e, a --set value), in bytes
    #[arg(long = "max-input", value_name = "BYTES", default_value_t = DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: usize,
    /// Largest exponent of `^` (bases other than 0 and ±1)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EXPONENT)]
    max_exponent: u64,
    /// Most statements (definitions, expressions, --set values) a run may have
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_DEFINITIONS)]
    max_definitions: usize,
    /// Most terms any intermediate sum of an expansion may have
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TERMS)]
    max_terms: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum StyleArg {
    /// One line: the formula with numbers substituted, then `=` and the total
    Article,
    /// The same line with names instead of numbers
    Symbolic,
    /// The derivation step by step, every size and part explained
    Steps,
    /// Markdown tables of the parts and sizes
    Markdown,
    /// The article line as LaTeX math
    Latex,
    /// The evaluated tree as JSON
    Json,
}

impl StyleArg {
    fn style(self) -> Style {
        match self {
            StyleArg::Article => Style::Article,
            StyleArg::Symbolic => Style::Symbolic,
            StyleArg::Steps => Style::Steps,
            StyleArg::Markdown => Style::Markdown,
            StyleArg::Latex => Style::Latex,
            StyleArg::Json => Style::Json,
        }
    }
}

impl InputArgs {
    fn request(&self) -> Request {
        Request {
            formula: self.formula.clone().map(FormulaSource::Named),
            expression: self.expression.clone(),
            config: self.config.clone(),
            sets: self.sets.clone(),
            target: self.target.clone(),
            limits: Limits {
                max_bits: self.max_bits,
                max_depth: self.max_depth,
                max_input_bytes: self.max_input_bytes,
                max_exponent: self.max_exponent,
                max_definitions: self.max_definitions,
                max_terms: self.max_terms,
            },
        }
    }
}

fn stderr_color() -> Color {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if std::io::stderr().is_terminal() && !no_color {
        Color::Always
    } else {
        Color::Never
    }
}

/// How a command ended.
enum Outcome {
    Success,
    ClaimFalse,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut sources = Sources::new();
    match run(cli, &mut sources) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ClaimFalse) => ExitCode::from(1),
        Err(error) => {
            eprint!("{}", diagnostic::error(&error, &sources, stderr_color()));
            ExitCode::from(2)
        }
    }
}

/// Writes to standard output; a closed pipe (`| head`) ends the program quietly.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

/// Reports false claims on standard error.
fn report_claims(claims: &[ClaimReport], sources: &Sources) -> Outcome {
    let mut outcome = Outcome::Success;
    for claim in claims.iter().filter(|c| !c.holds()) {
        eprint!(
            "{}",
            diagnostic::false_claim(
                claim.span,
                &claim.computed.to_string(),
                &claim.claimed.to_string(),
                sources,
                stderr_color()
            )
        );
        outcome = Outcome::ClaimFalse;
    }
    outcome
}

/// Loads the program; on failure the sources read so far stay available for the message.
fn load(input: &InputArgs, sources: &mut Sources) -> Result<Program, Error> {
    let request = input.request();
    match Program::load(&request) {
        Ok(program) => {
            *sources = program.formula.sources.clone();
            Ok(program)
        }
        Err(failure) => {
            *sources = failure.sources;
            Err(failure.error)
        }
    }
}

fn run(cli: Cli, sources: &mut Sources) -> Result<Outcome, Error> {
    match cli.command {
        Command::Eval { input, json } => {
            let program = load(&input, sources)?;
            let evaluation = paramcount::evaluate(&program)?;
            if json {
                let target = program
                    .formula
                    .statement(program.target)
                    .definition()
                    .map(|d| d.name.clone());
                let claims: Vec<_> = evaluation
                    .claims
                    .iter()
                    .map(|c| {
                        let (line, column) = program.formula.sources.line_column(c.span);
                        json!({
                            "source": program.formula.sources.get(c.span.source).name,
                            "line": line,
                            "column": column,
                            "text": program.formula.sources.slice(c.span),
                            "computed": c.computed.to_string(),
                            "claimed": c.claimed.to_string(),
                            "holds": c.holds(),
                        })
                    })
                    .collect();
                let value = &evaluation.value;
                let document = json!({
                    "target": target,
                    "value": value.to_string(),
                    "integer": value.as_number().map(|n| n.is_integer()),
                    "claims": claims,
                });
                print(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&document).unwrap_or_default()
                ));
            } else {
                print(&format!("{}\n", evaluation.value));
            }
            Ok(report_claims(&evaluation.claims, sources))
        }
        Command::Derive {
            input,
            style,
            group_digits,
            spaced,
        } => {
            let program = load(&input, sources)?;
            let format = NumberFormat {
                group_digits,
                spaced,
            };
            let derivation = paramcount::derive(&program, style.style(), format)?;
            print(&derivation.text);
            Ok(report_claims(&derivation.claims, sources))
        }
        Command::Models => {
            let width = models::BUILTINS
                .iter()
                .map(|b| b.name.len())
                .max()
                .unwrap_or(0);
            let mut out = String::new();
            for builtin in models::BUILTINS {
                out.push_str(&format!(
                    "{:<width$}  {}\n",
                    builtin.name,
                    builtin.summary()
                ));
                let types = builtin.model_types();
                if !types.is_empty() {
                    out.push_str(&format!(
                        "{:<width$}  model_type: {}\n",
                        "",
                        types.join(", ")
                    ));
                }
                let variants = builtin.variants();
                if !variants.is_empty() {
                    out.push_str(&format!(
                        "{:<width$}  variants: {}\n",
                        "",
                        variants.join(", ")
                    ));
                }
                let keys = builtin.config_keys();
                out.push_str(&format!("{:<width$}  reads: {}\n", "", keys.join(", ")));
            }
            print(&out);
            Ok(Outcome::Success)
        }
    }
}
