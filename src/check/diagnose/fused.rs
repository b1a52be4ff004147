//! Fused numbers: a literal whose `*` signs were lost (`76812643` for `768*12*64*3`, as copying
//! from a rendered article does), tried at its readings until the claim holds. When none does,
//! the best reading still counts if it brings the value ten times closer, and the other diagnoses
//! run on the repaired formula.

use std::collections::HashSet;

use crate::check::report::{Diagnosis, FusedLiteral};
use crate::check::workspace::{Change, Workspace};
use crate::config::Lookup;
use crate::eval::Value;
use crate::number::Number;
use crate::syntax::{BinaryOp, ExprId, ExprKind};

use super::readings::{atoms, is_power_of_two, splits};
use super::walk::Walk;
use super::{explain, Claim};

/// Readings of fused numbers tried at most.
const MAX_READINGS: usize = 200;

/// One fused literal and its readings, best first.
struct Fused {
    literal: ExprId,
    readings: Vec<Vec<String>>,
}

/// The changes that read each `(literal, pieces)` as the product of its pieces.
fn changes<'a>(reading: &[(ExprId, &'a Vec<String>)]) -> Vec<Change<'a>> {
    reading
        .iter()
        .map(|(literal, pieces)| Change::Product(*literal, pieces.as_slice()))
        .collect()
}

pub(super) fn fused_numbers(
    workspace: &mut Workspace,
    claim: &Claim,
    walk: &Walk,
) -> Option<Diagnosis> {
    let limit = workspace.limits.max_bits;
    let source = workspace.formula.span(claim.computed).source;
    let atoms = match workspace.atoms.remove(&source) {
        Some(atoms) => atoms,
        None => atoms(workspace, source),
    };
    let given: HashSet<String> = match &workspace.config {
        Some(config) => config
            .keys()
            .iter()
            .filter_map(|k| match config.lookup(k, limit) {
                Lookup::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        None => HashSet::new(),
    };
    let fused: Vec<Fused> = walk
        .literals
        .iter()
        .filter_map(|&literal| {
            let ExprKind::Number { text } = workspace.formula.kind(literal) else {
                return None;
            };
            if text.len() < 4
                || !text.bytes().all(|b| b.is_ascii_digit())
                || text.starts_with('0')
                || is_power_of_two(text)
                || given.contains(text)
            {
                return None;
            }
            let readings: Vec<Vec<String>> = splits(text, &atoms).into_iter().take(8).collect();
            (!readings.is_empty()).then_some(Fused { literal, readings })
        })
        .collect();
    workspace.atoms.insert(source, atoms);
    if fused.is_empty() {
        return None;
    }

    // The readings tried, most repaired first: all at their best reading; one at another reading;
    // all but one; each alone.
    let best: Vec<(usize, usize)> = (0..fused.len()).map(|i| (i, 0)).collect();
    let mut candidates: Vec<Vec<(usize, usize)>> = vec![best.clone()];
    for (i, f) in fused.iter().enumerate() {
        for alternative in 1..f.readings.len() {
            let mut reading = best.clone();
            reading[i] = (i, alternative);
            candidates.push(reading);
        }
    }
    if fused.len() > 1 {
        for i in 0..fused.len() {
            candidates.push(best.iter().copied().filter(|(j, _)| *j != i).collect());
        }
        for i in 0..fused.len() {
            candidates.push(vec![(i, 0)]);
        }
    }
    candidates.truncate(MAX_READINGS);

    // The first reading that makes the claim hold; failing that, the reading with every fused
    // number at its best split, when it brings the value at least ten times closer to the claim
    // (the repair is then the first step, and the other diagnoses run on the repaired text).
    let distance = |v: &Number| {
        v.sub(&claim.claimed, limit)
            .map(|d| if d.is_negative() { d.neg() } else { d })
    };
    let written_distance = distance(&claim.value).ok()?;
    let mut chosen: Option<(usize, Number, bool)> = None;
    for (index, candidate) in candidates.iter().enumerate() {
        let reading: Vec<(ExprId, &Vec<String>)> = candidate
            .iter()
            .map(|(i, r)| (fused[*i].literal, &fused[*i].readings[*r]))
            .collect();
        let value = workspace.number_if(&changes(&reading), claim.computed, claim.within);
        let Some(value) = value else { continue };
        if value == claim.claimed {
            chosen = Some((index, value, true));
            break;
        }
        if index == 0 {
            let closer = distance(&value)
                .ok()
                .and_then(|d| d.mul(&Number::from_i64(10), limit).ok())
                .is_some_and(|d| d <= written_distance);
            if closer {
                chosen = Some((index, value, false));
            }
        }
    }
    let (index, repaired_value, holds) = chosen?;
    let reading: Vec<(ExprId, &Vec<String>)> = candidates[index]
        .iter()
        .map(|(i, r)| (fused[*i].literal, &fused[*i].readings[*r]))
        .collect();

    let mut literals = Vec::new();
    let mut replacements = Vec::new();
    for (literal, pieces) in &reading {
        let span = workspace.formula.span(*literal);
        let joined = pieces.join("*");
        // A product inside a power, a divisor or a negation needs brackets to read the same.
        let bracket = walk
            .parents
            .get(literal)
            .is_some_and(|p| match workspace.formula.kind(*p) {
                ExprKind::Binary(BinaryOp::Pow, ..) | ExprKind::Unary(..) => true,
                ExprKind::Binary(BinaryOp::Div, _, rhs) => rhs == *literal,
                _ => false,
            });
        let shown = if bracket {
            format!("({joined})")
        } else {
            joined.clone()
        };
        literals.push(FusedLiteral {
            location: workspace.location(span),
            written: workspace.display(span),
            reading: joined,
        });
        replacements.push((span, shown));
    }
    let computed_span = workspace.formula.span(claim.computed);
    let repaired_text = workspace.display_with(computed_span, &replacements);

    let then = if holds {
        Vec::new()
    } else {
        // Nodes from here on are made by the repair, not written by the author.
        let made_by_repair = workspace.formula.expr_count();
        let repaired = Claim {
            computed: claim.computed,
            within: claim.within,
            claimed: claim.claimed.clone(),
            value: repaired_value.clone(),
        };
        workspace.what_if(&changes(&reading), |workspace| {
            let walk = Walk::new(workspace, &repaired, made_by_repair);
            explain(workspace, &repaired, &walk)
        })
    };
    Some(Diagnosis::FusedNumbers {
        literals,
        repaired_text,
        repaired_value: Value::Number(repaired_value),
        holds,
        then,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{claim, n};
    use super::*;
    use crate::check::report::{FixTarget, PartRelation};

    fn fused(text: &str) -> Option<Diagnosis> {
        // The sizes 768 and 12 are given (as `--set`), so `76812` can be read as 768*12.
        let (mut workspace, claim) = claim(text, &["H=768", "L=12"]);
        let walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        fused_numbers(&mut workspace, &claim, &walk)
    }

    #[test]
    fn a_fused_product_read_apart_makes_the_claim_hold() {
        // 768*12 = 9216.
        let Some(Diagnosis::FusedNumbers {
            literals,
            repaired_text,
            repaired_value,
            holds,
            then,
        }) = fused("76812 = 9216")
        else {
            panic!("no fused numbers found");
        };
        assert_eq!(literals.len(), 1);
        assert_eq!(
            (literals[0].written.as_str(), literals[0].reading.as_str()),
            ("76812", "768*12")
        );
        assert_eq!(repaired_text, "768*12");
        assert_eq!(repaired_value, Value::Number(n(9216)));
        assert!(holds && then.is_empty());
    }

    #[test]
    fn a_repair_that_comes_closer_is_diagnosed_further() {
        // 768*12 + 5 = 9221, claimed 9216: ten times closer than 76812 + 5, and on the repaired
        // formula the 5 is a term too many (or should be 0).
        let Some(Diagnosis::FusedNumbers {
            repaired_value,
            holds,
            then,
            ..
        }) = fused("76812 + 5 = 9216")
        else {
            panic!("no fused numbers found");
        };
        assert_eq!(repaired_value, Value::Number(n(9221)));
        assert!(!holds);
        let [Diagnosis::Part(part), Diagnosis::OneNumber(fix)] = then.as_slice() else {
            panic!("unexpected diagnoses of the repair: {then:?}");
        };
        assert_eq!(
            (part.part.as_str(), &part.relation),
            ("5", &PartRelation::TooMany)
        );
        assert_eq!(fix.target, FixTarget::Literal { text: "5".into() });
        assert_eq!(fix.needed, n(0));
    }

    #[test]
    fn a_number_no_reading_explains_is_left_alone() {
        // 30522 (a vocabulary) has no reading as a product of 768, 12 and their quotients.
        assert_eq!(fused("30522 + 1 = 30524"), None);
    }
}
