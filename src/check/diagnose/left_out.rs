//! A part left out: a named part the file defines, which the claim's computed side never uses,
//! whose value is exactly the difference (`total = embeddings + layers` without `head`).

use crate::check::report::{PartFinding, PartRelation};
use crate::check::workspace::Workspace;
use crate::eval::Evaluator;
use crate::syntax::{DefinitionKind, Span, StatementId};

use super::walk::Walk;
use super::{number_of, Claim, MAX_CANDIDATES};

pub(super) fn left_out(workspace: &Workspace, claim: &Claim, walk: &Walk) -> Vec<PartFinding> {
    let limit = workspace.limits.max_bits;
    let Ok(difference) = claim.claimed.sub(&claim.value, limit) else {
        return Vec::new();
    };
    let unused: Vec<(StatementId, String, Span)> = workspace
        .formula
        .definitions()
        .filter(|(id, d)| d.kind == DefinitionKind::Part && !walk.reached.contains(id))
        .filter(|(id, _)| *id != claim.within)
        .filter(|(id, d)| workspace.formula.find_definition(&d.name) == Some(*id))
        .map(|(id, d)| (id, d.name.clone(), d.name_span))
        .take(MAX_CANDIDATES)
        .collect();
    let mut found = Vec::new();
    let scope = workspace.scope();
    let mut evaluator = Evaluator::new(&scope, workspace.limits);
    for (id, name, span) in unused {
        let Some(value) = number_of(evaluator.statement(id)) else {
            continue;
        };
        if value.is_zero() || value != difference {
            continue;
        }
        found.push(PartFinding {
            part: name,
            named: true,
            location: workspace.location(span),
            value: value.clone(),
            contribution: value,
            relation: PartRelation::LeftOut,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::testing::{claim_in_file, n};
    use super::*;
    use crate::number::Number;

    #[test]
    fn the_part_a_total_forgets() {
        // With H = 10: embed = 30, layers = 200, head = 40; embed + layers = 230, claimed 270:
        // the 40 of `head`, which the total never uses.
        let text = "let H = 10\nembed = 3*H\nlayers = 2*H*H\nhead = 4*H\n\
                    total = embed + layers = 270\n";
        let (workspace, claim) = claim_in_file(text);
        let walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        let found: Vec<(String, PartRelation, Number)> = left_out(&workspace, &claim, &walk)
            .into_iter()
            .map(|f| (f.part, f.relation, f.value))
            .collect();
        assert_eq!(found, vec![("head".into(), PartRelation::LeftOut, n(40))]);
    }

    #[test]
    fn nothing_when_no_unused_part_has_the_difference() {
        // The same, claimed 275: the difference 45 is no part's value.
        let text = "let H = 10\nembed = 3*H\nlayers = 2*H*H\nhead = 4*H\n\
                    total = embed + layers = 275\n";
        let (workspace, claim) = claim_in_file(text);
        let walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        assert!(left_out(&workspace, &claim, &walk).is_empty());
    }
}
