//! Explaining a false claim. Each diagnosis is a module of its own:
//!
//! | module | the mistake it finds |
//! |---|---|
//! | `fused` (with `readings`) | numbers written together (`76812` for `768*12`) |
//! | `one_number` (with `roots`) | one literal or size wrong: the value it needs, solved exactly |
//! | `parts` | a term counted once too often, left out, or a whole multiple of it off |
//! | `left_out` | a named part the file defines but the claim's side never uses |
//! | `factor` | one side a whole multiple (×12 layers) or 3/2 (gated MLP) of the other |
//! | `swapped` | two false claims, each claiming the other's value |
//!
//! Each explanation is tested exactly on the formula itself: `Workspace::what_if` changes the tree
//! for a moment (a literal read apart, a literal replaced, a name overridden, a node zeroed),
//! evaluates the claim's computed side again with the same exact arithmetic as `eval`, and undoes
//! the change. An explanation is reported only when the changed formula gives the claimed value.
//! `walk` takes the computed side apart once (its literals, sizes and terms) for all of them.

mod factor;
mod fused;
mod left_out;
mod one_number;
mod parts;
mod readings;
mod roots;
mod swapped;
mod walk;

use crate::eval::Value;
use crate::number::Number;
use crate::syntax::{ExprId, StatementId};

use super::report::Diagnosis;
use super::workspace::Workspace;
use walk::Walk;

pub(super) use factor::factor_left_out;
pub(super) use readings::Atoms;
pub(super) use swapped::mark_swapped;

/// A false claim: the computed side's node, the statement it belongs to, and both values.
pub(super) struct Claim {
    pub computed: ExprId,
    pub within: StatementId,
    pub claimed: Number,
    pub value: Number,
}

/// Nodes visited per claim at most, and one-number candidates tried at most.
const MAX_NODES: usize = 100_000;
const MAX_CANDIDATES: usize = 400;
/// Every candidate re-evaluates the claim, so a long formula gets fewer of them: candidates times
/// nodes stays under this (a 40,000-literal claim took seconds with all 400).
const MAX_WORK: usize = 2_000_000;

/// Everything the diagnoses find for a false claim (`factor` and `swapped` run beside these: the
/// first needs no formula, the second looks at two claims).
pub(super) fn diagnose(workspace: &mut Workspace, claim: &Claim) -> Vec<Diagnosis> {
    let original = workspace.formula.expr_count();
    let walk = Walk::new(workspace, claim, original);
    if let Some(fused) = fused::fused_numbers(workspace, claim, &walk) {
        return vec![fused];
    }
    explain(workspace, claim, &walk)
}

/// The diagnoses of a claim whose numbers are read as written (or already repaired).
fn explain(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Vec<Diagnosis> {
    let mut found = parts::parts(workspace, claim, walk);
    found.extend(left_out::left_out(workspace, claim, walk));
    parts::rank(&mut found);
    let mut diagnoses: Vec<Diagnosis> = found.into_iter().map(Diagnosis::Part).collect();
    diagnoses.extend(
        one_number::one_number(workspace, claim, walk)
            .into_iter()
            .map(Diagnosis::OneNumber),
    );
    diagnoses
}

fn number_of(value: Result<Value, crate::Error>) -> Option<Number> {
    match value {
        Ok(Value::Number(n)) => Some(n),
        _ => None,
    }
}

/// What the unit tests of every diagnosis share: a small claim read as `check -e` reads it.
#[cfg(test)]
mod testing {
    use super::*;
    use crate::check::{CheckInput, CheckOptions};

    /// The workspace of `-e text` (with `--set` assignments) and its claim, computed.
    pub(super) fn claim(text: &str, sets: &[&str]) -> (Workspace, Claim) {
        first_claim(CheckInput::Expression(text.to_string()), sets)
    }

    /// The workspace of a formula file and its first claim, computed.
    pub(super) fn claim_in_file(text: &str) -> (Workspace, Claim) {
        let input = CheckInput::Text {
            name: "test.formula".into(),
            text: text.into(),
        };
        first_claim(input, &[])
    }

    fn first_claim(input: CheckInput, sets: &[&str]) -> (Workspace, Claim) {
        let options = CheckOptions {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..CheckOptions::default()
        };
        let Ok(workspace) = Workspace::build(&[&input], &options) else {
            panic!("{input:?} does not load");
        };
        let Some(within) = workspace
            .formula
            .statement_ids()
            .find(|id| !workspace.formula.statement(*id).claims().is_empty())
        else {
            panic!("{input:?} claims nothing");
        };
        let statement = workspace.formula.statement(within);
        let (computed, claimed) = (statement.value(), statement.claims()[0]);
        let value = number_of(workspace.evaluate(computed, within)).expect("a computed value");
        let claimed = number_of(workspace.evaluate(claimed, within)).expect("a claimed value");
        (
            workspace,
            Claim {
                computed,
                within,
                claimed,
                value,
            },
        )
    }

    pub(super) fn n(v: i64) -> Number {
        Number::from_i64(v)
    }
}
