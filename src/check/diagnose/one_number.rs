//! One wrong number: a literal, or a size (a definition, a `--set`, a config key), whose value
//! is off. The value it needs is solved, not searched (see `roots`), and checked by evaluating
//! once more with it.

use num_bigint::BigInt;
use num_traits::One;

use crate::check::report::{FixTarget, NumberFix};
use crate::check::workspace::{Change, Workspace};
use crate::number::Number;
use crate::syntax::{ExprId, ExprKind, Span};

use super::roots::roots;
use super::walk::Walk;
use super::Claim;

/// The number a fix changes.
#[derive(Clone, Copy)]
enum Unknown<'a> {
    Literal(ExprId),
    /// A size, overridden as `--set` would (shown at the span).
    Name(&'a str, Span),
}

/// The claim's computed side with the unknown set to `x`.
fn value_with(
    workspace: &mut Workspace,
    claim: &Claim,
    unknown: Unknown,
    x: &Number,
) -> Option<Number> {
    let change = match unknown {
        Unknown::Literal(id) => Change::Number(id, x),
        Unknown::Name(name, span) => Change::Set(name, span, x),
    };
    workspace.number_if(&[change], claim.computed, claim.within)
}

/// The exact value `change` needs for the claim to hold, checked by evaluating with it.
fn solve(workspace: &mut Workspace, claim: &Claim, change: Unknown) -> Option<Number> {
    let limit = workspace.limits.max_bits;
    // Sample from 0; a literal that divides has no value at 0, so from 1 then.
    for base in [0i64, 1] {
        let samples: Option<Vec<Number>> = (base..base + 4)
            .map(|x| value_with(workspace, claim, change, &Number::from_i64(x)))
            .collect();
        let Some(samples) = samples else {
            continue;
        };
        let mut candidates = roots(&samples, base, &claim.claimed, limit)?;
        // Prefer a whole non-negative value, then a non-negative one.
        candidates.sort_by_key(|x| (!x.is_integer() || x.is_negative(), x.is_negative()));
        return candidates
            .into_iter()
            .find(|x| value_with(workspace, claim, change, x).as_ref() == Some(&claim.claimed));
    }
    None
}

/// How far a fix moves a number, as a ratio at least 1: `needed/current` or its inverse.
fn distance(fix: &NumberFix, limit: u64) -> Number {
    let (a, b) = (&fix.needed, &fix.current);
    if a.is_zero() || b.is_zero() || a.is_negative() != b.is_negative() {
        return Number::from_bigint(BigInt::one() << 64u32);
    }
    let ratio = a
        .div(b, limit)
        .unwrap_or_else(|_| Number::from_i64(i64::MAX));
    let inverse = b
        .div(a, limit)
        .unwrap_or_else(|_| Number::from_i64(i64::MAX));
    ratio.max(inverse)
}

pub(super) fn one_number(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Vec<NumberFix> {
    let limit = workspace.limits.max_bits;
    let mut fixes = Vec::new();
    for &id in walk.literals.iter().take(walk.candidates()) {
        let ExprKind::Number { text } = workspace.formula.kind(id) else {
            continue;
        };
        let Some(Ok(current)) = Number::parse_literal(text, limit) else {
            continue;
        };
        if let Some(needed) = solve(workspace, claim, Unknown::Literal(id)) {
            let span = workspace.formula.span(id);
            fixes.push(NumberFix {
                target: FixTarget::Literal {
                    text: workspace.display(span),
                },
                location: workspace.location(span),
                current,
                needed,
            });
        }
    }
    for variable in walk.variables.iter().take(walk.candidates()) {
        if let Some(needed) = solve(
            workspace,
            claim,
            Unknown::Name(&variable.name, variable.span),
        ) {
            fixes.push(NumberFix {
                target: variable.target.clone(),
                location: workspace.location(variable.span),
                current: variable.current.clone(),
                needed,
            });
        }
    }
    // The likeliest first: a whole value, then the smallest change.
    let mut keyed: Vec<(bool, Number, NumberFix)> = fixes
        .into_iter()
        .map(|f| (!f.is_plausible(), distance(&f, limit), f))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, _, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{claim, n};
    use super::super::walk::Walk;
    use super::*;

    fn fixes(text: &str, sets: &[&str]) -> Vec<(FixTarget, Number, Number)> {
        let (mut workspace, claim) = claim(text, sets);
        let walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        one_number(&mut workspace, &claim, &walk)
            .into_iter()
            .map(|f| (f.target, f.current, f.needed))
            .collect()
    }

    fn literal(text: &str) -> FixTarget {
        FixTarget::Literal { text: text.into() }
    }

    #[test]
    fn each_literal_gets_the_value_that_makes_the_claim_hold() {
        // 2*(3+4) = 14, claimed 16: 2*(4+4) = 16, 2*(3+5) = 16, and 16/7*(3+4) = 16. The whole
        // values come first, the smaller move (5/4 < 4/3) before the larger.
        let found = fixes("2*(3+4) = 16", &[]);
        let sixteen_sevenths = n(16).div(&n(7), 64).unwrap();
        assert_eq!(
            found,
            vec![
                (literal("4"), n(4), n(5)),
                (literal("3"), n(3), n(4)),
                (literal("2"), n(2), sixteen_sevenths),
            ]
        );
    }

    #[test]
    fn a_squared_size_is_solved_exactly() {
        // H*H + H with H = 768 is 590,592; the claim 1,049,600 = 1024*1024 + 1024 needs H = 1024
        // (the other root of H^2 + H - 1049600 is -1025, not a width).
        let found = fixes("H*H + H = 1049600", &["H=768"]);
        assert_eq!(
            found,
            vec![(FixTarget::Set { name: "H".into() }, n(768), n(1024))]
        );
    }

    #[test]
    fn no_fix_when_no_number_reaches_the_claim() {
        // 2^3 = 8 claimed 9: 2^x = 9 and x^3 = 9 have no solution the differences find (2^x is
        // not a polynomial, the cube has third differences).
        assert_eq!(fixes("2^3 = 9", &[]), vec![]);
    }
}
