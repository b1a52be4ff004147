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

use crate::bind::Resolution;
use crate::config::Lookup;
use crate::error::Error;
use crate::eval::{Evaluator, Value};
use crate::limits::Limits;
use crate::number::Number;
use crate::program::{ConfigText, LoadError};
use crate::syntax::{BinaryOp, ExprId, ExprKind, Formula, StatementId, UnaryOp};

pub use report::{
    Approximation, ClaimCheck, Diagnosis, FixTarget, FusedLiteral, Location, NumberFix,
    PartFinding, PartRelation, Report, Status,
};

use workspace::{Change, Workspace};

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
    let scope = workspace.scope();
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

/// The power of ten of a number's last written digit: `6.7` → -1, `110` → 1, `108890112` → 0.
fn last_digit_power(literal: &str) -> Option<i64> {
    let (digits, exponent) = match literal.find(['e', 'E']) {
        Some(at) => (&literal[..at], literal[at + 1..].parse::<i64>().ok()?),
        None => (literal, 0),
    };
    Some(match digits.split_once('.') {
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
    })
}

fn absolute(n: &Number) -> Number {
    if n.is_negative() {
        n.neg()
    } else {
        n.clone()
    }
}

fn judge(
    computed: &Number,
    mantissa: &Number,
    literal: &str,
    written: &clean::Approximation,
    limit: u64,
) -> Option<Judgement> {
    // A round number that is exactly right is simply right.
    if written.implicit && computed == mantissa {
        return None;
    }
    // The last written digit fixes the precision: `6.7B` to 0.1B, `110M` to 10M, `108890112` to 1;
    // a share is written to the percent (`30%` is 30 ± 0.5%).
    let percent = written.unit.is_some_and(|u| u.decimal_power < 0);
    let precision = match last_digit_power(literal)? {
        p if percent && p > 0 => 0,
        p => p,
    };
    let half = |scale: &Number| -> Option<Number> {
        scale
            .mul(&ten_to(precision, limit)?, limit)
            .ok()?
            .div(&Number::from_i64(2), limit)
            .ok()
    };
    // Rounded: within half a last digit. Truncated (`65.2B` for 65,285,660,672): the exact value
    // cut after the last digit written, so at least the claim and less than one digit more.
    let within = |scale: &Number| -> Option<(Number, Number, bool, bool)> {
        let claimed = mantissa.mul(scale, limit).ok()?;
        let tolerance = half(scale)?;
        let difference = computed.sub(&claimed, limit).ok()?;
        let rounded = absolute(&difference) <= tolerance;
        let step = tolerance.mul(&Number::from_i64(2), limit).ok()?;
        let magnitude = absolute(computed).sub(&absolute(&claimed), limit).ok()?;
        let same_sign = computed.is_negative() == claimed.is_negative();
        let truncated = same_sign && !magnitude.is_negative() && magnitude < step;
        Some((claimed, tolerance, rounded, truncated))
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
    let approximation = |scale: &Number, tolerance: Number, truncated: bool| Approximation {
        written: written.written.clone(),
        unit: written.unit.map(|u| u.name.to_string()),
        scale: scale.clone(),
        tolerance,
        truncated,
        terms_in_unit: false,
        rounded_decimals: false,
    };
    let (claimed, tolerance, rounded, truncated) = within(&decimal_scale)?;
    if rounded || truncated {
        return Some(Judgement {
            claimed,
            approximation: approximation(&decimal_scale, tolerance, !rounded),
            status: Status::ApproximatelyHolds {
                binary_units: false,
            },
        });
    }
    if let Some(binary_scale) = &binary_scale {
        let (binary_claimed, binary_tolerance, binary_rounded, binary_truncated) =
            within(binary_scale)?;
        if binary_rounded || binary_truncated {
            return Some(Judgement {
                claimed: binary_claimed,
                approximation: approximation(binary_scale, binary_tolerance, !binary_rounded),
                status: Status::ApproximatelyHolds { binary_units: true },
            });
        }
    }
    Some(Judgement {
        claimed,
        approximation: approximation(&decimal_scale, tolerance, false),
        status: Status::False,
    })
}

/// The numbers of a link (not through the names it uses) that were written as approximations:
/// with a unit, or after `≈`.
fn approximate_literals(workspace: &Workspace, link: ExprId) -> Vec<ExprId> {
    let formula = &workspace.formula;
    let mut found = Vec::new();
    let mut stack = vec![link];
    while let Some(id) = stack.pop() {
        if found.len() > 1000 {
            break;
        }
        match formula.kind(id) {
            ExprKind::Number { .. } => {
                if workspace
                    .approximation_at(formula.span(id))
                    .is_some_and(|a| !a.implicit)
                {
                    found.push(id);
                }
            }
            _ => stack.extend(formula.children(id)),
        }
    }
    found
}

/// Each literal with its value and half its last written digit.
fn halves_of(
    workspace: &Workspace,
    literals: &[ExprId],
    within: StatementId,
) -> Option<Vec<(ExprId, Number, Number)>> {
    let limit = workspace.limits.max_bits;
    let mut written = Vec::new();
    for id in literals {
        let ExprKind::Number { text } = workspace.formula.kind(*id) else {
            return None;
        };
        let half = ten_to(last_digit_power(text)?, limit)?
            .div(&Number::from_i64(2), limit)
            .ok()?;
        let Ok(Value::Number(value)) = workspace.evaluate(*id, within) else {
            return None;
        };
        written.push((*id, value, half));
    }
    Some(written)
}

/// The value of `link` with every literal of `written` moved by `halves` half-digits.
fn shift(
    workspace: &mut Workspace,
    link: ExprId,
    within: StatementId,
    written: &[(ExprId, Number, Number)],
    halves: i64,
) -> Option<Number> {
    let limit = workspace.limits.max_bits;
    let moved: Vec<(ExprId, Number)> = written
        .iter()
        .map(|(id, value, half)| {
            let offset = half.mul(&Number::from_i64(halves), limit).ok()?;
            Some((*id, value.add(&offset, limit).ok()?))
        })
        .collect::<Option<_>>()?;
    let changes: Vec<Change> = moved.iter().map(|(id, n)| Change::Number(*id, n)).collect();
    workspace.number_if(&changes, link, within)
}

/// `67 + 8.4 + 235 = 311M`: terms written without a unit in a sum whose claim has one are in that
/// unit, and each was rounded to its last digit. Holds when the computed side, so read, can round
/// to the claim.
fn terms_in_unit(
    workspace: &mut Workspace,
    link: ExprId,
    within: StatementId,
    claimed: &Number,
    approximation: &Approximation,
) -> Option<Judgement> {
    let limit = workspace.limits.max_bits;
    let formula = &workspace.formula;
    let mut literals = Vec::new();
    let mut stack = vec![link];
    while let Some(id) = stack.pop() {
        match formula.kind(id) {
            ExprKind::Number { .. } => literals.push(id),
            ExprKind::Name(_) => return None,
            _ => stack.extend(formula.children(id)),
        }
        if literals.len() > 1000 {
            return None;
        }
    }
    if !increasing(formula, link) || approximation.scale <= Number::from_i64(1) {
        return None;
    }
    let written = halves_of(workspace, &literals, within)?;
    let low = shift(workspace, link, within, &written, -1)?
        .mul(&approximation.scale, limit)
        .ok()?;
    let high = shift(workspace, link, within, &written, 1)?
        .mul(&approximation.scale, limit)
        .ok()?;
    let claim_low = claimed.sub(&approximation.tolerance, limit).ok()?;
    let claim_high = claimed.add(&approximation.tolerance, limit).ok()?;
    if high < claim_low || low > claim_high {
        return None;
    }
    Some(Judgement {
        claimed: claimed.clone(),
        approximation: Approximation {
            terms_in_unit: true,
            ..approximation.clone()
        },
        status: Status::ApproximatelyHolds {
            binary_units: false,
        },
    })
}

/// `4096*2.68 ≈ 11008`: a decimal written in the formula is itself rounded or cut (2.68 for
/// 2.6875), so the formula's value is only known within the last digits of its decimals. Holds
/// when that range meets the claim's.
fn rounded_decimals(
    workspace: &mut Workspace,
    link: ExprId,
    within: StatementId,
    claimed: &Number,
    claimed_text: &str,
    approximation: Option<&Approximation>,
) -> Option<Approximation> {
    // Only a claim that says it is approximate (`≈`, a unit) allows it: `0.5*768 = 385` is false.
    approximation?;
    let limit = workspace.limits.max_bits;
    let formula = &workspace.formula;
    let mut decimals = Vec::new();
    let mut stack = vec![link];
    while let Some(id) = stack.pop() {
        match formula.kind(id) {
            ExprKind::Number { text } if text.contains('.') => decimals.push(id),
            _ => stack.extend(formula.children(id)),
        }
        if decimals.len() > 1000 {
            return None;
        }
    }
    if decimals.is_empty() || !increasing(formula, link) {
        return None;
    }
    let written = halves_of(workspace, &decimals, within)?;
    let low = shift(workspace, link, within, &written, -1)?;
    let high = shift(workspace, link, within, &written, 2)?;
    let tolerance = approximation.map_or(Number::from_i64(0), |a| a.tolerance.clone());
    let claim_low = claimed.sub(&tolerance, limit).ok()?;
    let claim_high = claimed.add(&tolerance, limit).ok()?;
    if high < claim_low || low > claim_high {
        return None;
    }
    Some(Approximation {
        written: approximation.map_or_else(|| claimed_text.to_string(), |a| a.written.clone()),
        unit: approximation.and_then(|a| a.unit.clone()),
        scale: approximation.map_or(Number::from_i64(1), |a| a.scale.clone()),
        tolerance,
        truncated: false,
        terms_in_unit: false,
        rounded_decimals: true,
    })
}

/// Whether a link only adds and multiplies (so its value grows with each of its numbers).
fn increasing(formula: &Formula, link: ExprId) -> bool {
    let mut stack = vec![link];
    while let Some(id) = stack.pop() {
        match formula.kind(id) {
            ExprKind::Binary(BinaryOp::Add | BinaryOp::Mul | BinaryOp::ImplicitMul, l, r) => {
                stack.push(l);
                stack.push(r);
            }
            ExprKind::Binary(BinaryOp::Pow, l, _) => stack.push(l),
            ExprKind::Group(inner) => stack.push(inner),
            ExprKind::Number { .. } | ExprKind::Name(_) => {}
            _ => return false,
        }
    }
    true
}

/// A claimed link that is an expression of approximate numbers (`= 67M + 134M`): it holds when
/// the computed value lies between its values with every number rounded down and up (or, for
/// truncation, between the numbers as written and one last digit more).
fn judge_expression(
    workspace: &mut Workspace,
    link: ExprId,
    within: StatementId,
    computed: &Number,
    claimed: &Number,
) -> Option<Result<Judgement, String>> {
    let literals = approximate_literals(workspace, link);
    if literals.is_empty() {
        return None;
    }
    let limit = workspace.limits.max_bits;
    let written = halves_of(workspace, &literals, within)?;
    let mut shifted = |halves: i64| shift(workspace, link, within, &written, halves);
    let low = shifted(-1)?;
    let high = shifted(1)?;
    let cut_high = shifted(2)?;
    let between = |a: &Number, b: &Number| {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        lo <= computed && computed <= hi
    };
    let rounded = between(&low, &high);
    let truncated = !rounded && between(claimed, &cut_high) && computed != &cut_high;
    let tolerance = high.sub(claimed, limit).ok()?;
    let approximation = Approximation {
        written: workspace.display(workspace.formula.span(link)),
        unit: None,
        scale: Number::from_i64(1),
        tolerance,
        truncated,
        terms_in_unit: false,
        rounded_decimals: false,
    };
    let status = if rounded || truncated {
        Status::ApproximatelyHolds {
            binary_units: false,
        }
    } else if increasing(&workspace.formula, link) {
        Status::False
    } else {
        return Some(Err(
            "its approximate numbers are subtracted or divided, so rounding them does not bound it"
                .to_string(),
        ));
    };
    Some(Ok(Judgement {
        claimed: claimed.clone(),
        approximation,
        status,
    }))
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
        let scope = workspace.scope();
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
                && links.len() > 2
                && matches!(formula.kind(links[0]), ExprKind::Name(_))
                && matches!(results[0], Err(Error::UnknownName { .. }));
            let first = usize::from(labelled);
            // A claim is compared with the link before it, preferring one written exactly: after
            // `= 67M + 134M`, an exact `= 201,326,592` is checked against the formula, not the
            // rounded sum.
            let approximate: Vec<bool> = links
                .iter()
                .map(|l| !approximate_literals(workspace, *l).is_empty())
                .collect();
            for k in first + 1..links.len() {
                let previous = (first..k)
                    .rev()
                    .find(|j| results[*j].is_ok() && !approximate[*j])
                    .or_else(|| (first..k).rev().find(|j| results[*j].is_ok()));
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
                    && !approximate[k]
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
        let claimed_span = formula.span(comparison.claimed);
        let computed_span = formula.span(comparison.computed);
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
        let (Some(Ok(mut computed)), Some(Ok(claimed))) = (
            values.get(&comparison.computed).cloned(),
            values.get(&comparison.claimed).cloned(),
        ) else {
            continue;
        };
        if let Some(written) =
            bare_literal(formula, comparison.claimed).and_then(|literal| workspace.memory(literal))
        {
            check.claimed_text = written.clone();
            check.status = Status::NotEvaluated {
                reason: format!(
                    "`{written}` is a memory size, not a count of parameters: the bytes per parameter, and whether a kilobyte is 1000 or 1024 bytes, are not known"
                ),
                unknown_names: Vec::new(),
            };
            checks.push(check);
            continue;
        }
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
        let approximate = match (approximate, &computed, &claimed) {
            (Some(judgement), _, _) if judgement.status == Status::False => {
                let reread = terms_in_unit(
                    workspace,
                    comparison.computed,
                    comparison.statement,
                    &judgement.claimed,
                    &judgement.approximation,
                );
                Some(reread.unwrap_or(judgement))
            }
            (Some(judgement), _, _) => Some(judgement),
            (None, Value::Number(c), Value::Number(m)) => {
                match judge_expression(workspace, comparison.claimed, comparison.statement, c, m) {
                    Some(Ok(judgement)) => Some(judgement),
                    Some(Err(reason)) => {
                        check.status = Status::NotEvaluated {
                            reason,
                            unknown_names: Vec::new(),
                        };
                        checks.push(check);
                        continue;
                    }
                    None => None,
                }
            }
            _ => None,
        };
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
        if let (Some(judgement), Value::Number(c)) = (&approximate, &computed) {
            if judgement.approximation.terms_in_unit {
                if let Ok(scaled) = c.mul(&judgement.approximation.scale, limit) {
                    check.difference = judgement.claimed.sub(&scaled, limit).ok();
                    computed = Value::Number(scaled);
                }
            }
        }
        check.approximation = approximate.map(|j| j.approximation);
        if check.status == Status::False {
            if let Value::Number(claimed_number) = &claimed {
                if let Some(approximation) = rounded_decimals(
                    workspace,
                    comparison.computed,
                    comparison.statement,
                    claimed_number,
                    &check.claimed_text,
                    check.approximation.as_ref(),
                ) {
                    check.status = Status::ApproximatelyHolds {
                        binary_units: false,
                    };
                    check.approximation = Some(approximation);
                }
            }
        }
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
                check
                    .diagnoses
                    .extend(diagnose::factor_left_out(workspace, value, claimed));
            }
        }
        check.computed = Some(computed);
        check.claimed = Some(claimed);
        checks.push(check);
    }
    diagnose::mark_swapped(&mut checks);
    checks
}
