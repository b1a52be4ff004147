//! What the subcommands share: the formula-input options, loading, printing and exit outcomes.
//! Each subcommand lives in a module of its own below this one.

pub mod algebra;
pub mod breakdown;
pub mod check;
pub mod derive;
pub mod eval;
pub mod models;
pub mod shell;
pub mod sweep;
pub mod tensors;
pub mod verify;

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use paramcount::diagnostic::{self, Color};
use paramcount::humanize::NumberStyle;
use paramcount::limits::{
    Limits, DEFAULT_MAX_BITS, DEFAULT_MAX_DEFINITIONS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_EXPONENT,
    DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_SUM_TERMS, DEFAULT_MAX_TERMS,
};
use paramcount::program::{FormulaSource, Program, Request};
use paramcount::syntax::Sources;
use paramcount::{ClaimReport, Error};

/// How a command ended, when it did not fail.
pub enum Outcome {
    /// Exit 0: done, and every claim holds.
    Success,
    /// Exit 1: a claim is false (or two formulas differ).
    ClaimFalse,
}

impl Outcome {
    /// Exit 0 when everything matched, 1 when not.
    pub fn matched(all_match: bool) -> Outcome {
        if all_match {
            Outcome::Success
        } else {
            Outcome::ClaimFalse
        }
    }
}

/// Where a formula comes from, and what binds its names.
#[derive(Args)]
pub struct InputArgs {
    /// A formula file, `-` for standard input, or a built-in formula (see `paramcount models`)
    pub formula: Option<String>,
    /// An expression to evaluate instead of the formula's target; it can use the formula's names
    #[arg(
        short = 'e',
        long = "expr",
        value_name = "EXPR",
        allow_hyphen_values = true
    )]
    pub expression: Option<String>,
    #[command(flatten)]
    pub binding: BindingArgs,
    /// Which definition to evaluate (default: `total`, else the last statement)
    #[arg(short, long, value_name = "NAME")]
    pub target: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// What gives names their values.
#[derive(Args)]
pub struct BindingArgs {
    /// A model config (Hugging Face config.json): names the formula does not define are read from it
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<String>,
    /// Give a name a value (a number, true/false or an expression); wins over the formula and the config
    #[arg(short, long = "set", value_name = "NAME=VALUE")]
    pub sets: Vec<String>,
    /// The branch, tag or commit of a Hub model id (default: main)
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,
    /// Accept a --set name that neither the formula nor the config reads (by default an error)
    #[arg(long)]
    pub allow_unused_set: bool,
}

/// The limits that keep hostile input bounded (README, "Limits").
#[derive(Args)]
pub struct LimitArgs {
    /// Largest size, in bits, of any number computed (at least 1)
    #[arg(
        long,
        value_name = "BITS",
        default_value_t = DEFAULT_MAX_BITS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_bits: u64,
    /// Deepest nesting of brackets accepted
    #[arg(long, value_name = "LEVELS", default_value_t = DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// Largest input read (a formula file, standard input, a config, -e, a --set value), in bytes
    #[arg(long = "max-input", value_name = "BYTES", default_value_t = DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: usize,
    /// Largest exponent of `^` (bases other than 0 and ±1)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EXPONENT)]
    pub max_exponent: u64,
    /// Most statements (definitions, expressions, --set values) a run may have
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_DEFINITIONS)]
    pub max_definitions: usize,
    /// Most terms any intermediate sum of an expansion may have
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TERMS)]
    pub max_terms: usize,
    /// Most terms a `sum(i in a..b, expr)` may have
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_SUM_TERMS)]
    pub max_sum_terms: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_bits: self.max_bits,
            max_depth: self.max_depth,
            max_input_bytes: self.max_input_bytes,
            max_exponent: self.max_exponent,
            max_definitions: self.max_definitions,
            max_terms: self.max_terms,
            max_sum_terms: self.max_sum_terms,
        }
    }
}

/// How counts are printed: `--numbers plain|grouped|short|short-binary`. Flatten `NumberArgs` into
/// a command and call `style_or` with that command's default (`eval` keeps plain digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NumbersArg {
    /// Exact digits: 109482240
    Plain,
    /// Exact digits in groups of three: 109,482,240
    Grouped,
    /// Three significant digits, decimal units k, M, B, T: 109.5M, 6.74B
    Short,
    /// Three significant digits, binary units Ki, Mi, Gi, Ti: 104.4Mi
    ShortBinary,
}

impl From<NumbersArg> for NumberStyle {
    fn from(arg: NumbersArg) -> NumberStyle {
        match arg {
            NumbersArg::Plain => NumberStyle::Plain,
            NumbersArg::Grouped => NumberStyle::Grouped,
            NumbersArg::Short => NumberStyle::Short,
            NumbersArg::ShortBinary => NumberStyle::ShortBinary,
        }
    }
}

/// The `--numbers` option.
#[derive(Args)]
pub struct NumberArgs {
    /// How to print counts: plain (109482240), grouped (109,482,240), short (109.5M), short-binary (104.4Mi)
    #[arg(long, value_enum, value_name = "STYLE")]
    pub numbers: Option<NumbersArg>,
}

impl NumberArgs {
    /// The style asked for, else `default`.
    pub fn style_or(&self, default: NumberStyle) -> NumberStyle {
        self.numbers.map_or(default, NumberStyle::from)
    }
}

impl InputArgs {
    pub fn request(&self) -> Request {
        Request {
            formula: self.formula.clone().map(FormulaSource::Named),
            expression: self.expression.clone(),
            config: self.binding.config.clone(),
            sets: self.binding.sets.clone(),
            target: self.target.clone(),
            limits: self.limits.limits(),
            revision: self.binding.revision.clone(),
            reject_unused_sets: !self.binding.allow_unused_set,
            ..Request::default()
        }
    }
}

/// Colour on standard error when it is a terminal and `NO_COLOR` is not set.
pub fn stderr_color() -> Color {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if std::io::stderr().is_terminal() && !no_color {
        Color::Always
    } else {
        Color::Never
    }
}

/// Colour on standard output, by the same rule.
pub fn stdout_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    std::io::stdout().is_terminal() && !no_color
}

/// Writes to standard output; a closed pipe (`| head`) ends the program quietly.
/// Writes to standard output. A closed pipe (`paramcount ... | head`) ends the run quietly, as
/// ripgrep does; any other failure (a full disk, `> /dev/full`) is an error with exit 2, so a
/// script never takes a cut-short output for a result.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            std::process::exit(2);
        }
    }
}

/// Pretty JSON with a final newline.
pub fn print_json(value: &serde_json::Value) {
    print(&format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    ));
}

/// Reports false claims on standard error.
pub fn report_claims(claims: &[ClaimReport], sources: &Sources) -> Outcome {
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

/// Loads a program; on failure the sources read so far stay available for the message.
pub fn load_request(request: &Request, sources: &mut Sources) -> Result<Program, Error> {
    match Program::load(request) {
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

/// Loads the program the input options name.
pub fn load(input: &InputArgs, sources: &mut Sources) -> Result<Program, Error> {
    load_request(&input.request(), sources)
}

/// How `tensors` and `verify` print their reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns, digits grouped (109,482,240)
    Table,
    /// One JSON document; counts are strings of digits, exact at any size
    Json,
    /// Comma-separated rows with a header line, plain digits
    Csv,
}

/// `109482240` as `109,482,240`.
pub fn grouped(n: impl ToString) -> String {
    paramcount::number::group_digits(&n.to_string(), ",")
}

/// Rows as aligned columns: `right[i]` right-aligns column i; the last column is not padded.
pub fn columns(rows: &[Vec<String>], right: &[bool]) -> String {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            if right.get(i).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else if i + 1 < row.len() {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One CSV field, quoted when it needs to be.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub fn csv_row(fields: &[String]) -> String {
    let fields: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    format!("{}\n", fields.join(","))
}
