//! Checking claims: `expr = number` in formula files, `-e` expressions and whole documents.
//!
//! The inputs are parsed with the formula grammar into one `Formula` (a scanned document first
//! has its formulas found by `scan`, and pasted markup taken off by `clean`, both keeping every
//! byte in place so that spans point into the original text), bound to the config and `--set`
//! overrides exactly as `eval` binds them, and every link of every `=` chain is evaluated. Each
//! claim is compared with the link before it that has a value; a false one is handed to
//! `diagnose`, which looks for the likely mistake by changing the formula and evaluating again.
//! The result is a `Report`: text for a person, JSON for a program, and an exit code.

mod clean;
mod diagnose;
mod report;
mod scan;
mod workspace;

use std::collections::HashSet;

use crate::bind::{Resolution, Scope};
use crate::config::Lookup;
use crate::error::Error;
use crate::eval::{Evaluator, Limits, Value};
use crate::number::Number;
use crate::program::{ConfigText, LoadError};
use crate::syntax::{ExprId, ExprKind, Formula, StatementId, UnaryOp};

pub use report::{
    Approximation, ClaimCheck, Diagnosis, FixTarget, FusedLiteral, Location, NumberFix,
    PartFinding, PartRelation, Report, Status,
};

use workspace::Workspace;

/// How to check, as the command line's options say.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Read texts as documents and find the formulas in them (`--scan`), rather than as formula
    /// files.
    pub scan: bool,
    /// `--config FILE`: names bind to its keys, as in `eval`.
    pub config: Option<String>,
    /// A config given as JSON text (a library caller's dict); wins over `config`.
    pub config_text: Option<ConfigText>,
    /// `--set NAME=VALUE`, in the order given (a later one wins).
    pub sets: Vec<String>,
    pub limits: Limits,
}

/// One thing to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckInput {
    /// A formula file (or, with `scan`, a document), by the name it is shown under.
    Text { name: String, text: String },
    /// An `-e` expression: `EXPR = CLAIM`, a chain, pasted text with units (`= 110M`).
    Expression(String),
}

/// Checks every claim of the inputs.
///
/// Without `scan`, all inputs share one scope, as a formula file and `-e` do in `eval`: an `-e`
/// claim can use the file's names. With `scan`, each document is checked on its own (names defined
/// in one of its formulas bind in its others), and the `-e` expressions together.
///
/// A formula file or `-e` that does not parse, an unreadable config or a bad `--set` is an error
/// (with the sources its span points into); in a scanned document, text that does not parse is
/// simply not a formula.
pub fn check(inputs: &[CheckInput], options: &CheckOptions) -> Result<Report, LoadError> {
    let mut groups: Vec<Vec<&CheckInput>> = Vec::new();
    if options.scan {
        let (documents, expressions): (Vec<&CheckInput>, Vec<&CheckInput>) = inputs
            .iter()
            .partition(|i| matches!(i, CheckInput::Text { .. }));
        groups.extend(documents.into_iter().map(|d| vec![d]));
        if !expressions.is_empty() {
            groups.push(expressions);
        }
    } else {
        groups.push(inputs.iter().collect());
    }
    let mut report = Report::default();
    for group in groups {
        let mut workspace = Workspace::build(&group, options)?;
        report.extend(Report {
            claims: check_claims(&mut workspace),
        });
    }
    Ok(report)
}

/// Checks one formula file, or with `options.scan` one document.
pub fn check_text(name: &str, text: &str, options: &CheckOptions) -> Result<Report, LoadError> {
    check(
        &[CheckInput::Text {
            name: name.to_string(),
            text: text.to_string(),
        }],
        options,
    )
}

/// Checks one `-e` expression (`"EXPR = CLAIM"`).
pub fn check_expression(expression: &str, options: &CheckOptions) -> Result<Report, LoadError> {
    check(&[CheckInput::Expression(expression.to_string())], options)
}

/// The node a bare claimed number is, under brackets and a sign.
fn bare_literal(formula: &Formula, mut id: ExprId) -> Option<ExprId> {
    loop {
        match formula.kind(id) {
            ExprKind::Number { .. } => return Some(id),
            ExprKind::Group(inner) | ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, inner) => {
                id = inner
            }
            _ => return None,
        }
    }
}

fn has_literal(formula: &Formula, id: ExprId) -> bool {
    let mut stack = vec![id];
    while let Some(id) = stack.pop() {
        if matches!(formula.kind(id), ExprKind::Number { .. }) {
            return true;
        }
        stack.extend(formula.children(id));
    }
    false
}

/// Names in a link (and the parts it uses) that nothing defines, in the order written.
fn unknown_names(workspace: &Workspace, link: ExprId, within: StatementId) -> Vec<String> {
    let formula = &workspace.formula;
    let scope = Scope::new(
        formula,
        workspace.config.as_ref(),
        workspace.limits.max_bits,
    );
    let mut names = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![(link, within)];
    let mut visited = 0;
    while let Some((id, within)) = stack.pop() {
        visited += 1;
        if visited > 100_000 {
            break;
        }
        match formula.kind(id) {
            ExprKind::Name(name) => match scope.resolve(name, within) {
                Resolution::Config(Lookup::Absent) => {
                    if seen.insert(name.to_string()) {
                        names.push(name.to_string());
                    }
                }
                Resolution::Definition(s) | Resolution::Override(s) => {
                    if seen.insert(format!("#{}", s.0)) {
                        stack.push((formula.statement(s).value(), s));
                    }
                }
                Resolution::Config(_) => {}
            },
            // An alternative that is absent falls through to the next: not an unknown name.
            ExprKind::Alternatives(_) => {}
            _ => stack.extend(formula.children(id).into_iter().rev().map(|c| (c, within))),
        }
    }
    names
}

/// The exact reading of an approximate claim: its value, the tolerance its rounding allows, and
/// whether it holds in decimal units or only in 1024-based ones.
struct Judgement {
    claimed: Number,
    approximation: Approximation,
    status: Status,
}

fn ten_to(power: i64, limit: u64) -> Option<Number> {
    Number::from_i64(10)
        .pow(&Number::from_i64(power), limit)
        .ok()
}

fn judge(
    computed: &Number,
    mantissa: &Number,
    literal: &str,
    written: &clean::Approximation,
    limit: u64,
) -> Option<Judgement> {
    // The last written digit fixes the precision: `6.7B` to 0.1B, `110M` to 10M, `108890112` to 1.
    let (digits, exponent) = match literal.find(['e', 'E']) {
        Some(at) => (&literal[..at], literal[at + 1..].parse::<i64>().ok()?),
        None => (literal, 0),
    };
    let precision = match digits.split_once('.') {
        Some((_, fraction)) => exponent - fraction.len() as i64,
        None => {
            let significant = digits.trim_start_matches('0');
            let zeros = significant.len() - significant.trim_end_matches('0').len();
            exponent
                + if significant.is_empty() {
                    0
                } else {
                    zeros as i64
                }
        }
    };
    let half = |scale: &Number| -> Option<Number> {
        scale
            .mul(&ten_to(precision, limit)?, limit)
            .ok()?
            .div(&Number::from_i64(2), limit)
            .ok()
    };
    let within = |scale: &Number| -> Option<(Number, Number, bool)> {
        let claimed = mantissa.mul(scale, limit).ok()?;
        let tolerance = half(scale)?;
        let difference = computed.sub(&claimed, limit).ok()?;
        let distance = if difference.is_negative() {
            difference.neg()
        } else {
            difference
        };
        Some((claimed, tolerance.clone(), distance <= tolerance))
    };
    let (decimal_scale, binary_scale) = match written.unit {
        Some(unit) => (
            ten_to(unit.decimal_power as i64, limit)?,
            match unit.binary_power {
                Some(p) => Some(
                    Number::from_i64(2)
                        .pow(&Number::from_i64(p as i64), limit)
                        .ok()?,
                ),
                None => None,
            },
        ),
        None => (Number::from_i64(1), None),
    };
    let approximation = |scale: &Number, tolerance: Number| Approximation {
        written: written.written.clone(),
        unit: written.unit.map(|u| u.name.to_string()),
        scale: scale.clone(),
        tolerance,
    };
    let (claimed, tolerance, holds) = within(&decimal_scale)?;
    if holds {
        return Some(Judgement {
            claimed,
            approximation: approximation(&decimal_scale, tolerance),
            status: Status::ApproximatelyHolds {
                binary_units: false,
            },
        });
    }
    if let Some(binary_scale) = &binary_scale {
        let (binary_claimed, binary_tolerance, binary_holds) = within(binary_scale)?;
        if binary_holds {
            return Some(Judgement {
                claimed: binary_claimed,
                approximation: approximation(binary_scale, binary_tolerance),
                status: Status::ApproximatelyHolds { binary_units: true },
            });
        }
    }
    Some(Judgement {
        claimed,
        approximation: approximation(&decimal_scale, tolerance),
        status: Status::False,
    })
}

/// One comparison of a chain: the link computed, the link claimed, and why it has no values if so.
struct Comparison {
    statement: StatementId,
    computed: ExprId,
    claimed: ExprId,
    failure: Option<(Error, ExprId)>,
}

fn check_claims(workspace: &mut Workspace) -> Vec<ClaimCheck> {
    let checked: HashSet<_> = workspace.checked.iter().copied().collect();
    let statements: Vec<StatementId> = workspace
        .formula
        .statement_ids()
        .filter(|id| {
            let statement = workspace.formula.statement(*id);
            checked.contains(&statement.span.source) && !statement.claims().is_empty()
        })
        .collect();

    // Every link's value, with one evaluator (definitions are computed once).
    let mut comparisons = Vec::new();
    let mut values = std::collections::HashMap::new();
    {
        let formula = &workspace.formula;
        let scope = Scope::new(
            formula,
            workspace.config.as_ref(),
            workspace.limits.max_bits,
        );
        let mut evaluator = Evaluator::new(&scope, workspace.limits);
        for &id in &statements {
            let statement = formula.statement(id);
            let links: Vec<ExprId> = std::iter::once(statement.value())
                .chain(statement.claims().iter().copied())
                .collect();
            let results: Vec<Result<Value, Error>> =
                links.iter().map(|l| evaluator.expr(*l, id)).collect();
            // `total = (...) = 108890112` typed as `-e` or found in prose: `total` names the chain.
            let labelled = workspace.lenient.contains(&statement.span.source)
                && matches!(formula.kind(links[0]), ExprKind::Name(_))
                && matches!(results[0], Err(Error::UnknownName { .. }));
            let first = usize::from(labelled);
            for k in first + 1..links.len() {
                let previous = (first..k).rev().find(|j| results[*j].is_ok());
                let (j, failure) = match (&results[k], previous) {
                    (Ok(_), Some(j)) => (j, None),
                    (Ok(_), None) => match &results[k - 1] {
                        Err(e) => (k - 1, Some((e.clone(), links[k - 1]))),
                        Ok(_) => (k - 1, None),
                    },
                    (Err(e), previous) => (previous.unwrap_or(k - 1), Some((e.clone(), links[k]))),
                };
                // The bare number is the claim, whichever side it is written on.
                let (computed, claimed) = if bare_literal(formula, links[k]).is_none()
                    && bare_literal(formula, links[j]).is_some()
                {
                    (links[k], links[j])
                } else {
                    (links[j], links[k])
                };
                comparisons.push(Comparison {
                    statement: id,
                    computed,
                    claimed,
                    failure,
                });
            }
            for (link, result) in links.iter().zip(results) {
                values.insert(*link, result);
            }
        }
    }

    let limit = workspace.limits.max_bits;
    let mut checks = Vec::new();
    for comparison in comparisons {
        let formula = &workspace.formula;
        let claimed_span = formula.expr(comparison.claimed).span;
        let computed_span = formula.expr(comparison.computed).span;
        let mut check = ClaimCheck {
            location: workspace.location(claimed_span),
            computed_text: workspace.display(computed_span),
            claimed_text: workspace.display(claimed_span),
            status: Status::Holds,
            computed: None,
            claimed: None,
            difference: None,
            approximation: None,
            diagnoses: Vec::new(),
        };
        if let Some((error, failing)) = comparison.failure {
            // In prose, `BERT-base = 110M` is a name with a hyphen, not a formula.
            if workspace.scanned.contains(&computed_span.source)
                && !has_literal(formula, comparison.computed)
            {
                continue;
            }
            check.status = Status::NotEvaluated {
                reason: error.to_string(),
                unknown_names: unknown_names(workspace, failing, comparison.statement),
            };
            checks.push(check);
            continue;
        }
        let (Some(Ok(computed)), Some(Ok(claimed))) = (
            values.get(&comparison.computed).cloned(),
            values.get(&comparison.claimed).cloned(),
        ) else {
            continue;
        };
        let approximate = bare_literal(formula, comparison.claimed).and_then(|literal| {
            let written = workspace.approximation(literal)?;
            let ExprKind::Number { text } = formula.kind(literal) else {
                return None;
            };
            match (&computed, &claimed) {
                (Value::Number(c), Value::Number(m)) => judge(c, m, text, written, limit),
                _ => None,
            }
        });
        let claimed = match &approximate {
            Some(judgement) => Value::Number(judgement.claimed.clone()),
            None => claimed,
        };
        check.status = match &approximate {
            Some(judgement) => judgement.status.clone(),
            None if computed == claimed => Status::Holds,
            None => Status::False,
        };
        if let (Value::Number(c), Value::Number(d)) = (&computed, &claimed) {
            check.difference = d.sub(c, limit).ok();
        }
        check.approximation = approximate.map(|j| j.approximation);
        if let Some(approximation) = &check.approximation {
            // The unit was blanked for the grammar; the claim is what was written.
            check.claimed_text = approximation.written.clone();
        }
        if check.status == Status::False && check.approximation.is_none() {
            if let (Value::Number(value), Value::Number(claimed)) = (&computed, &claimed) {
                let claim = diagnose::Claim {
                    computed: comparison.computed,
                    within: comparison.statement,
                    claimed: claimed.clone(),
                    value: value.clone(),
                };
                check.diagnoses = diagnose::diagnose(workspace, &claim);
            }
        }
        check.computed = Some(computed);
        check.claimed = Some(claimed);
        checks.push(check);
    }
    checks
}
