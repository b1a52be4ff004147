//! A factor left out: one side a whole multiple (2 to 1000) of the other, as when the `×12` of
//! twelve layers is forgotten, or 3/2 of it, as when a gated MLP's three matrices are counted
//! where the formula has two (or the other way). It needs no formula, only the two values; the
//! sizes with the factor's value are named.

use crate::check::report::Diagnosis;
use crate::check::workspace::Workspace;
use crate::config::Lookup;
use crate::number::Number;
use crate::syntax::{ExprKind, StatementKind};

/// One side a whole multiple (2 to 1000) of the other: `2,362,368 + 4,722,432 = 85,017,600`
/// leaves out the `×12` of twelve layers. The sizes with that value are named.
pub(crate) fn factor_left_out(
    workspace: &Workspace,
    computed: &Number,
    claimed: &Number,
) -> Option<Diagnosis> {
    let limit = workspace.limits.max_bits;
    if computed.is_negative() || claimed.is_negative() || computed.is_zero() || claimed.is_zero() {
        return None;
    }
    // 3/2: three matrices counted where the formula has two (a gated MLP), or the other way.
    let three_halves = Number::from_i64(3).div(&Number::from_i64(2), limit).ok()?;
    let whole = |n: Number| -> Option<Number> {
        let integer = n.is_integer() && n >= Number::from_i64(2) && n <= Number::from_i64(1000);
        (integer || n == three_halves).then_some(n)
    };
    let (claim_larger, factor) = match whole(claimed.div(computed, limit).ok()?) {
        Some(k) => (true, k),
        None => (false, whole(computed.div(claimed, limit).ok()?)?),
    };
    let mut names = Vec::new();
    let formula = &workspace.formula;
    for id in formula.statement_ids() {
        if let StatementKind::Definition(d) = &formula.statement(id).kind {
            if let ExprKind::Number { text } = formula.kind(d.value) {
                if Number::parse_literal(text, limit)
                    .and_then(Result::ok)
                    .is_some_and(|n| n == factor)
                    && !names.contains(&d.name)
                {
                    names.push(d.name.clone());
                }
            }
        }
    }
    if let Some(config) = &workspace.config {
        for key in config.keys() {
            if matches!(config.lookup(&key, limit), Lookup::Number(n) if n == factor) {
                names.push(key);
            }
        }
    }
    names.truncate(4);
    Some(Diagnosis::Factor {
        claim_larger,
        factor,
        names,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{claim_in_file, n};
    use super::*;

    fn factor(computed: i64, claimed: i64) -> Option<Diagnosis> {
        let (workspace, _) = claim_in_file("let L = 12\nlet H = 768\nlayer = H*H = 589824\n");
        factor_left_out(&workspace, &n(computed), &n(claimed))
    }

    #[test]
    fn twelve_layers_counted_once() {
        // 1200 = 12*100, and the file's size L is 12.
        assert_eq!(
            factor(100, 1200),
            Some(Diagnosis::Factor {
                claim_larger: true,
                factor: n(12),
                names: vec!["L".into()],
            })
        );
    }

    #[test]
    fn three_matrices_for_two_either_way() {
        // 300 = 3/2 * 200 (a gated MLP claimed for a plain one), and 200 = 2/3 * 300.
        let three_halves = n(3).div(&n(2), 64).unwrap();
        let gated = |claim_larger| Diagnosis::Factor {
            claim_larger,
            factor: three_halves.clone(),
            names: vec![],
        };
        assert_eq!(factor(200, 300), Some(gated(true)));
        assert_eq!(factor(300, 200), Some(gated(false)));
    }

    #[test]
    fn no_factor_for_other_ratios_or_zero() {
        // 250/100 = 5/2; 1001 is past 1000; zero is nobody's multiple.
        assert_eq!(factor(100, 250), None);
        assert_eq!(factor(1, 1001), None);
        assert_eq!(factor(0, 100), None);
    }
}
