//! paramcount: exact parameter counts of neural networks, from formulas you can read.
//!
//! A formula (text in the formula language of `grammar/formula.pest`) is parsed into a syntax
//! tree, its names are bound to a model's config (`config.json`) and to `set` overrides, it is
//! evaluated exactly (big integers and fractions, never floating point), and it is printed back
//! with the numbers substituted, as an article writes a derivation. The same tree can be checked
//! against claimed totals and expanded into a polynomial.
//!
//! The public API, one step per function:
//!
//! | step | call |
//! |---|---|
//! | parse | [`parse`] (a syntax tree alone) or [`program::Request`] → [`Program`] |
//! | bind | [`program::Request::config`], [`program::Request::set`] (the scope is built on evaluation) |
//! | evaluate | [`evaluate`] → [`Evaluation`] (the exact [`Value`] and the claims); [`program::quick_value`] for plain arithmetic, with no tree |
//! | render | [`derive`] with a [`render::Style`] → [`Derivation`] |
//! | check | [`check::check_text`], [`check::check_expression`] → [`check::Report`] |
//! | expand | [`algebra::expand_text`], [`algebra::expand_program`], [`algebra::equivalent`] |
//!
//! Parse, bind, evaluate and render a formula:
//!
//! ```
//! use paramcount::program::Request;
//! use paramcount::render::Style;
//!
//! let text = "H = hidden_size | 768\nlet I = 4*H\nffn = H*I + I + I*H + H  \"feed-forward\"\n";
//! let program = Request::text("ffn.formula", text).set("hidden_size=1024").load()?;
//! assert_eq!(paramcount::evaluate(&program)?.value.to_string(), "8393728");
//! let derivation = paramcount::derive(&program, Style::Article, Default::default())?;
//! assert_eq!(derivation.text, "1024*4096+4096+4096*1024+1024=8393728\n");
//! # Ok::<(), paramcount::Error>(())
//! ```
//!
//! Count a built-in family (here GPT-2 small with its defaults: 124,439,808, what transformers'
//! `GPT2LMHeadModel` reports), and read any size it bound:
//!
//! ```
//! use paramcount::program::Request;
//!
//! let program = Request::named("gpt2").load()?;
//! assert_eq!(paramcount::evaluate(&program)?.value.to_string(), "124439808");
//! let width = Request::named("gpt2").expression("H").load()?;
//! assert_eq!(paramcount::evaluate(&width)?.value.to_string(), "768");
//! # Ok::<(), paramcount::Error>(())
//! ```
//!
//! Parse without evaluating (every node keeps its span):
//!
//! ```
//! let formula = paramcount::parse("example", "total = (V+P+T)*H")?;
//! assert_eq!(formula.statements.len(), 1);
//! # Ok::<(), paramcount::Error>(())
//! ```
//!
//! Check a claim, and expand a formula:
//!
//! ```
//! use paramcount::check::{check_expression, CheckOptions, Status};
//!
//! let report = check_expression("12*(768*3072+3072) = 28348416", &CheckOptions::default())
//!     .map_err(paramcount::Error::from)?;
//! assert_eq!(report.claims[0].status, Status::Holds);
//! assert_eq!(report.exit_code(), 0);
//!
//! let polynomial = paramcount::algebra::expand_text("(a+b)^2 - (a-b)^2")?;
//! assert_eq!(polynomial.to_string(), "4*a*b");
//! # Ok::<(), paramcount::Error>(())
//! ```
//!
//! Errors are values of [`Error`], each with the span it is about; [`diagnostic::error`] renders one
//! with the source line and a caret.
//!
//! # The public surface
//!
//! The entry points above are the API: [`Program`] and [`program::Request`], [`evaluate`],
//! [`derive`], [`parse`], [`check`], [`algebra`], [`diagnostic`], and the values they trade in
//! ([`Value`], [`Number`], [`Limits`], [`Error`]). The command line (`src/main.rs`), the Python
//! binding, the benchmarks, the fuzz targets and the tests are written against the library too, so
//! these modules are public for them as well:
//!
//! - the stages a command runs: [`breakdown`], [`sweep`], [`verify`], [`checkpoint`], [`hub`],
//!   [`models`], [`humanize`] (counts for people), [`printer`] and [`render`] (number formats,
//!   styles);
//! - the pipeline's parts, for benchmarks and tests of one stage: [`syntax`] (the tree and its
//!   sources), [`parser`], [`bind`], [`config`], [`eval`] (the `Evaluator`), [`number`],
//!   [`limits`], [`error`].
//!
//! Everything else (linking calls, reading modules, sub-models, and the inside of `check`) is
//! internal.

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

pub mod algebra;
pub mod bind;
pub mod breakdown;
pub mod check;
pub mod checkpoint;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod eval;
pub mod hub;
pub mod humanize;
pub mod limits;
pub(crate) mod link;
pub mod models;
pub(crate) mod modules;
pub mod number;
pub mod parser;
pub mod printer;
pub mod program;
pub mod render;
pub(crate) mod submodel;
pub mod sweep;
pub mod syntax;
pub mod verify;

pub use error::{Error, Result};
pub use eval::Value;
pub use limits::Limits;
pub use number::Number;
pub use program::Program;

use bind::Scope;
use eval::Evaluator;
use printer::NumberFormat;
use render::Style;
use syntax::Formula;
use syntax::Span;

/// A claim of the program checked along the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimReport {
    /// The claimed link of the `=` chain.
    pub span: Span,
    /// The value of the link before it.
    pub computed: Value,
    /// The value claimed.
    pub claimed: Value,
}

impl ClaimReport {
    /// Whether the claim is exactly right.
    pub fn holds(&self) -> bool {
        self.computed == self.claimed
    }
}

/// The value of a program's target, and its claims.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The target's exact value.
    pub value: Value,
    /// Every claim of the program, checked.
    pub claims: Vec<ClaimReport>,
}

/// A rendered derivation, and the program's claims.
#[derive(Clone, Debug)]
pub struct Derivation {
    /// The derivation, in the style asked for.
    pub text: String,
    /// Every claim of the program, checked.
    pub claims: Vec<ClaimReport>,
}

fn check_claims(program: &Program, evaluator: &mut Evaluator) -> Result<Vec<ClaimReport>> {
    let mut reports = Vec::new();
    for statement in program.claim_statements() {
        for outcome in evaluator.claims(statement) {
            let (computed, claimed) = outcome.outcome?;
            reports.push(ClaimReport {
                span: program.formula.span(outcome.claimed),
                computed,
                claimed,
            });
        }
    }
    Ok(reports)
}

/// Evaluates the program's target exactly, and checks every claim it makes.
pub fn evaluate(program: &Program) -> Result<Evaluation> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    let mut evaluator = Evaluator::new(&scope, program.limits);
    let value = evaluator.statement(program.target)?;
    let claims = check_claims(program, &mut evaluator)?;
    Ok(Evaluation { value, claims })
}

/// Evaluates the program's target and renders its derivation in `style`.
pub fn derive(program: &Program, style: Style, format: NumberFormat) -> Result<Derivation> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    let mut evaluator = Evaluator::new(&scope, program.limits);
    if style == Style::Json {
        evaluator = evaluator.record_values();
    }
    evaluator.statement(program.target)?;
    let text = render::render(&evaluator, program.target, style, format)?;
    let claims = check_claims(program, &mut evaluator)?;
    Ok(Derivation { text, claims })
}

/// Parses formula text (a whole file's worth of statements) into a syntax tree, binding nothing.
/// A syntax error carries the span of its place in `text`.
pub fn parse(name: &str, text: &str) -> Result<Formula> {
    let mut formula = Formula::new();
    let source = formula.sources.add(name, text);
    parser::parse_file(&mut formula, source, limits::DEFAULT_MAX_DEPTH)?;
    Ok(formula)
}
