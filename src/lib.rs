//! paramcount: exact parameter-count formulas for neural networks.
//!
//! A formula (text in the formula language, see `grammar/formula.pest`) is parsed into a syntax
//! tree, its names are bound to a model's config (`config.json`) and to `--set` overrides, it is
//! evaluated exactly (big integers and fractions, never floating point), and it is printed back
//! with the numbers substituted, as an article writes a derivation.
//!
//! ```
//! use paramcount::{derive, evaluate, program::{FormulaSource, Request}, render::Style};
//!
//! let request = Request {
//!     formula: Some(FormulaSource::Text {
//!         name: "example".into(),
//!         text: "H = 768\nlet I = 4*H\nffn = H*I + I + I*H + H  \"feed-forward\"\n".into(),
//!     }),
//!     ..Request::default()
//! };
//! let program = paramcount::Program::load(&request)?;
//! assert_eq!(evaluate(&program)?.value.to_string(), "4722432");
//! assert_eq!(derive(&program, Style::Article, Default::default())?.text, "768*3072+3072+3072*768+768=4722432\n");
//! # Ok::<(), paramcount::Error>(())
//! ```

pub mod algebra;
pub mod bind;
pub mod breakdown;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod eval;
pub mod humanize;
pub mod models;
pub mod number;
pub mod parser;
pub mod printer;
pub mod program;
pub mod render;
pub mod sweep;
pub mod syntax;

pub use error::{Error, Result};
pub use eval::{Limits, Value};
pub use number::Number;
pub use program::Program;

use bind::Scope;
use eval::Evaluator;
use printer::NumberFormat;
use render::Style;
use syntax::Span;

/// A claim of the program checked along the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimReport {
    /// The claimed link of the `=` chain.
    pub span: Span,
    pub computed: Value,
    pub claimed: Value,
}

impl ClaimReport {
    pub fn holds(&self) -> bool {
        self.computed == self.claimed
    }
}

/// The value of a program's target, and its claims.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub value: Value,
    pub claims: Vec<ClaimReport>,
}

/// A rendered derivation, and the program's claims.
#[derive(Clone, Debug)]
pub struct Derivation {
    pub text: String,
    pub claims: Vec<ClaimReport>,
}

fn check_claims(program: &Program, evaluator: &mut Evaluator) -> Result<Vec<ClaimReport>> {
    let mut reports = Vec::new();
    for statement in program.claim_statements() {
        for outcome in evaluator.claims(statement) {
            let (computed, claimed) = outcome.outcome?;
            reports.push(ClaimReport {
                span: program.formula.expr(outcome.claimed).span,
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
