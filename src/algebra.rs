//! Symbolic algebra: a formula as a polynomial in its sizes, two formulas proved equal, one unknown
//! solved for.
//!
//! This stage reads the same bound tree the evaluator reads, but keeps the sizes as symbols: the
//! Megatron-LM formula `12*l*h^2*(1 + 13/(12*h) + (V+s)/(12*l*h))` expands to the normal form
//! `12*l*h^2+13*l*h+V*h+s*h`, a sum of monomials with exact rational coefficients. Monomials may
//! carry negative exponents (`H*A*(H/A)` is `H^2`, `V/h` is one term); division by a sum of several
//! terms is outside the form and refused with an error at the divisor. `expand` (module `expand`)
//! says what each name becomes: parts are inlined, `--set` overrides substituted, sizes read from
//! the config are symbols named as their definition (`H`), `let` sizes are expanded.
//!
//! On top of the normal form: `equivalent` (two formulas are the same function when their
//! difference expands to zero) and `solve` (the exact rational values of one symbol that make
//! `formula = claim` hold), which the checker uses to find the one wrong number of a claim.
//!
//! Printing is deterministic: terms by total degree, highest first, then by the exponents of the
//! symbols in symbol order (graded lexicographic order). The symbol order puts the symbols that
//! reach a higher power last and otherwise keeps the order in which the formula names them, so
//! products read as authors write them (`12*l*h^2`, `V*h`, `12*n_layer*d_model^2`);
//! `Polynomial::sorted_by_name` orders the symbols by name instead.

mod expand;
mod polynomial;
mod solve;

pub use polynomial::{Polynomial, Term};
pub use solve::solve;

use crate::bind::Scope;
use crate::error::{Error, Result};
use crate::number::Number;
use crate::printer::Dialect;
use crate::program::{Program, Request};
use crate::syntax::{ExprId, Span, StatementId};
use expand::Expander;

// The limit lives in `limits`; the name stays for callers written against `algebra`.
pub use crate::limits::DEFAULT_MAX_TERMS;

/// What the sizes of a formula become in an expansion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Bindings {
    /// Sizes and config keys are symbols (`paramcount expand`).
    #[default]
    Symbols,
    /// Sizes and config keys take their values (config, defaults, `--set`); only the unknown and
    /// names with no value stay symbols (for solving a claim for one unknown).
    Values,
}

/// The one thing to keep symbolic when solving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// A name as written in the formula (`H`, `hidden_size`).
    Name(String),
    /// One number literal of the formula, as the symbol `name`.
    Literal { expr: ExprId, name: String },
}

/// How to expand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Largest number of terms any intermediate sum may have.
    pub max_terms: usize,
    pub bindings: Bindings,
    pub unknown: Option<Unknown>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_terms: DEFAULT_MAX_TERMS,
            bindings: Bindings::Symbols,
            unknown: None,
        }
    }
}

/// A condition the expansion could not decide symbolically, decided by the program's values
/// (`if tied then 0 else V*H` with `tie_word_embeddings` true, or its default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    pub span: Span,
    /// The condition as written.
    pub condition: String,
    pub holds: bool,
}

/// A formula in normal form, with the conditions it was decided under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    pub polynomial: Polynomial,
    pub assumptions: Vec<Assumption>,
}

/// The notations `paramcount expand --style` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `12*l*h^2+13*l*h+V*h+s*h`: a formula the tool reads back.
    Plain,
    /// `12 \cdot l \cdot h^{2} + 13 \cdot l \cdot h + V \cdot h + s \cdot h`.
    Latex,
    /// The terms with exact coefficients and exponent maps, and the assumptions.
    Json,
}

impl Style {
    pub const NAMES: &'static [(&'static str, Style)] = &[
        ("plain", Style::Plain),
        ("latex", Style::Latex),
        ("json", Style::Json),
    ];

    pub fn from_name(name: &str) -> Option<Style> {
        Style::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }
}

impl Expansion {
    /// The normal form in `style`, with a final newline. Plain and LaTeX print the polynomial
    /// alone; JSON adds the assumptions.
    pub fn render(&self, style: Style) -> String {
        match style {
            Style::Plain => format!("{}\n", self.polynomial.render(Dialect::Plain)),
            Style::Latex => format!("{}\n", self.polynomial.render(Dialect::Latex)),
            Style::Json => {
                let mut json = self.polynomial.to_json();
                let assumptions: Vec<serde_json::Value> = self
                    .assumptions
                    .iter()
                    .map(|a| serde_json::json!({"condition": a.condition, "holds": a.holds}))
                    .collect();
                if let Some(object) = json.as_object_mut() {
                    object.insert("assumptions".into(), assumptions.into());
                }
                let text = serde_json::to_string_pretty(&json).unwrap_or_default();
                format!("{text}\n")
            }
        }
    }
}

/// Expands one node of `program` (as part of statement `within`, whose names it sees).
pub fn expand_expr(
    program: &Program,
    expr: ExprId,
    within: StatementId,
    options: &Options,
) -> Result<Expansion> {
    run(program, options, |expander| expander.expr(expr, within))
}

/// Expands one statement of `program`: a definition (`embeddings`, or a size: `H` is the symbol
/// `H`), an expression or an override.
pub fn expand_statement(
    program: &Program,
    statement: StatementId,
    options: &Options,
) -> Result<Expansion> {
    run(program, options, |expander| expander.target(statement))
}

/// Expands the program's target (`paramcount expand`): the `-e` expression, `--target`, or the
/// formula's default, with its `--set` overrides substituted.
pub fn expand_program(program: &Program) -> Result<Expansion> {
    expand_statement(program, program.target, &Options::default())
}

fn run(
    program: &Program,
    options: &Options,
    expand: impl FnOnce(&mut Expander<'_>) -> Result<polynomial::Terms, expand::Fault>,
) -> Result<Expansion> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    let options = Options {
        max_terms: options.max_terms.min(program.limits.max_terms),
        ..options.clone()
    };
    let mut expander = Expander::new(&scope, program.limits, &options);
    let terms = expand(&mut expander).map_err(|fault| fault.error)?;
    Ok(Expansion {
        polynomial: Polynomial::from_terms(expander.symbols.names(), terms),
        assumptions: std::mem::take(&mut expander.assumptions),
    })
}

/// Expands a formula given as text (an `-e` expression, names free): the library's short way in.
pub fn expand_text(expression: &str) -> Result<Polynomial> {
    let request = Request {
        expression: Some(expression.to_string()),
        ..Request::default()
    };
    let program = Program::load(&request)?;
    Ok(expand_program(&program)?.polynomial)
}

/// Whether two formulas are the same function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Equivalence {
    /// The difference is zero.
    pub same: bool,
    /// `a - b` in normal form.
    pub difference: Polynomial,
    pub a: Expansion,
    pub b: Expansion,
}

/// Compares two programs' targets (`paramcount equiv A B`): they are the same function when the
/// normal form of their difference is zero.
pub fn equivalent(a_program: &Program, b_program: &Program) -> Result<Equivalence> {
    let a = expand_program(a_program)?;
    let b = expand_program(b_program)?;
    let max_bits = a_program.limits.max_bits;
    let difference = a
        .polynomial
        .sub(&b.polynomial, max_bits.saturating_mul(2))
        .map_err(|_| Error::Usage {
            message: "the difference of the two formulas has coefficients past the size limit"
                .into(),
            help: "raise the limit with --max-bits".into(),
        })?;
    Ok(Equivalence {
        same: difference.is_zero(),
        difference,
        a,
        b,
    })
}

/// The exact values of one unknown (a name, or one number literal of the formula) that make the
/// program's target equal `claimed`, every other name taking its value (config, defaults, `--set`).
pub fn solve_for(program: &Program, unknown: Unknown, claimed: &Number) -> Result<Vec<Number>> {
    let symbol = match &unknown {
        Unknown::Name(name) => name.clone(),
        Unknown::Literal { name, .. } => name.clone(),
    };
    let options = Options {
        bindings: Bindings::Values,
        unknown: Some(unknown),
        ..Options::default()
    };
    let expansion = expand_statement(program, program.target, &options)?;
    solve(&expansion.polynomial, &symbol, claimed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        expand_text(text).unwrap().to_string()
    }

    #[test]
    fn difference_of_squares() {
        assert_eq!(plain("(a+b)^2 - (a-b)^2"), "4*a*b");
    }

    #[test]
    fn megatron_in_the_authors_order() {
        // 12*l*h^2 * (1 + 13/(12h) + (V+s)/(12*l*h)) = 12*l*h^2 + 13*l*h + (V+s)*h, by hand.
        assert_eq!(
            plain("12*l*h^2*(1 + 13/(12*h) + (V+s)/(12*l*h))"),
            "12*l*h^2+13*l*h+V*h+s*h"
        );
    }

    #[test]
    fn negative_exponents_print_as_fractions() {
        assert_eq!(plain("H*A*(H/A)"), "H^2");
        // Degrees 0, -1 and -3.
        assert_eq!(
            plain("13/(12*h) + V/h - 1/(a*b^2)"),
            "V/h+13/(12*h)-1/(a*b^2)"
        );
        assert_eq!(plain("x/2 - 3"), "x/2-3");
        assert_eq!(plain("a - a"), "0");
    }

    #[test]
    fn division_by_a_sum_is_refused() {
        let error = expand_text("a/(a+b)").unwrap_err();
        assert!(error.to_string().contains("divisor of one term"), "{error}");
    }

    #[test]
    fn solving_linear_and_quadratic() {
        let n = |v: i64| Number::from_i64(v);
        // 3x + 1 = 10: x = 3.
        let p = expand_text("3*x + 1").unwrap();
        assert_eq!(solve(&p, "x", &n(10)).unwrap(), vec![n(3)]);
        // x^2 - 5x + 6 = 0: x = 2 or 3.
        let p = expand_text("x^2 - 5*x").unwrap();
        assert_eq!(solve(&p, "x", &n(-6)).unwrap(), vec![n(2), n(3)]);
        // 2x^3 - 3x^2 - 3x + 2 = (x-2)(2x-1)(x+1): x = -1, 1/2, 2.
        let p = expand_text("2*x^3 - 3*x^2 - 3*x").unwrap();
        let half = n(1).div(&n(2), 64).unwrap();
        assert_eq!(solve(&p, "x", &n(-2)).unwrap(), vec![n(-1), half, n(2)]);
        // 100/x = 4: x = 25; x^2 = 2 has no rational root.
        let p = expand_text("100/x").unwrap();
        assert_eq!(solve(&p, "x", &n(4)).unwrap(), vec![n(25)]);
        let p = expand_text("x^2").unwrap();
        assert!(solve(&p, "x", &n(2)).unwrap().is_empty());
    }
}
