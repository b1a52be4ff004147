//! A part too many or too few: a term of a sum, a bracketed group or a named part whose removal
//! (or a second copy) gives the claim, or whose value a whole multiple of (a layer count) is the
//! difference. Each term is zeroed for a moment and the claim evaluated again.

use std::collections::HashMap;

use crate::check::report::{PartFinding, PartRelation};
use crate::check::workspace::{Change, Workspace};
use crate::eval::{Evaluator, Value};
use crate::number::Number;
use crate::syntax::ExprId;

use super::walk::Walk;
use super::Claim;

/// Parts shown at most.
const MAX_PARTS: usize = 5;

pub(super) fn parts(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Vec<PartFinding> {
    let limit = workspace.limits.max_bits;
    let Ok(difference) = claim.claimed.sub(&claim.value, limit) else {
        return Vec::new();
    };
    // Every node's own value, from one recorded evaluation.
    let own: HashMap<ExprId, Number> = {
        let scope = workspace.scope();
        let mut evaluator = Evaluator::new(&scope, workspace.limits).record_values();
        if evaluator.expr(claim.computed, claim.within).is_err() {
            return Vec::new();
        }
        walk.terms
            .iter()
            .filter_map(|id| match evaluator.recorded(*id) {
                Some(Value::Number(n)) => Some((*id, n.clone())),
                _ => None,
            })
            .collect()
    };
    let zero = Number::from_i64(0);
    let mut found = Vec::new();
    for &id in walk.terms.iter().take(walk.candidates()) {
        let Some(value) = own.get(&id) else { continue };
        if value.is_zero() {
            continue;
        }
        let without =
            workspace.number_if(&[Change::Number(id, &zero)], claim.computed, claim.within);
        let Some(contribution) = without.and_then(|w| claim.value.sub(&w, limit).ok()) else {
            continue;
        };
        let relation = if contribution.is_zero() {
            continue;
        } else if difference == contribution.neg() {
            PartRelation::TooMany
        } else if difference == contribution {
            PartRelation::TooFew
        } else {
            let one = Number::from_i64(1);
            let multiple = std::iter::once(&one)
                .chain(walk.multipliers.iter())
                .flat_map(|k| [k.clone(), k.neg()])
                .find(|k| {
                    k.mul(value, limit).ok().as_ref() == Some(&difference)
                        && difference != contribution
                        && difference != contribution.neg()
                });
            match multiple {
                Some(k) => PartRelation::Multiple(k),
                None => continue,
            }
        };
        let span = workspace.formula.span(id);
        let (part, named) = match walk.part_names.get(&id) {
            Some(name) => (name.clone(), true),
            None => (workspace.display(span), false),
        };
        found.push(PartFinding {
            part,
            named,
            location: workspace.location(span),
            value: value.clone(),
            contribution,
            relation,
        });
    }
    found
}

/// Named parts first, then the plain explanations, then the biggest parts; at most `MAX_PARTS`.
pub(super) fn rank(found: &mut Vec<PartFinding>) {
    found.sort_by(|a, b| {
        b.named
            .cmp(&a.named)
            .then_with(|| {
                matches!(a.relation, PartRelation::Multiple(_))
                    .cmp(&matches!(b.relation, PartRelation::Multiple(_)))
            })
            .then_with(|| b.value.cmp(&a.value))
    });
    found.truncate(MAX_PARTS);
}

#[cfg(test)]
mod tests {
    use super::super::testing::{claim, n};
    use super::*;

    fn findings(text: &str) -> Vec<(String, PartRelation, Number, Number)> {
        let (mut workspace, claim) = claim(text, &[]);
        let walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        let mut found = parts(&mut workspace, &claim, &walk);
        rank(&mut found);
        found
            .into_iter()
            .map(|f| (f.part, f.relation, f.value, f.contribution))
            .collect()
    }

    #[test]
    fn a_term_counted_once_too_few() {
        // 100 + 20 = 120, claimed 140: the 20 once more. 100 is no multiple of the difference 20.
        assert_eq!(
            findings("100 + 20 = 140"),
            vec![("20".into(), PartRelation::TooFew, n(20), n(20))]
        );
    }

    #[test]
    fn a_term_too_many_and_the_bracket_that_holds_it() {
        // 1000 + (2*3) = 1006, claimed 1000: without the bracket the formula gives the claim.
        // 1000 itself: -6 is no multiple of it. Inside the bracket 2 and 3 multiply, not add.
        assert_eq!(
            findings("1000 + (2*3) = 1000"),
            vec![("(2*3)".into(), PartRelation::TooMany, n(6), n(6))]
        );
    }

    #[test]
    fn a_term_off_by_a_multiplier_of_the_formula() {
        // 1000 + 2*(3+7) = 1020, claimed 1060: the difference 40 is 2 (a literal of the formula)
        // times the term 2*(3+7) = 20. The bracket (10; 40 = 4*10, and 4 is no multiplier) and
        // its terms 3 and 7 (zeroed they remove 6 and 14) explain nothing.
        assert_eq!(
            findings("1000 + 2*(3+7) = 1060"),
            vec![("2*(3+7)".into(), PartRelation::Multiple(n(2)), n(20), n(20))]
        );
    }
}
