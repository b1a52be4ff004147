//! What the computed side of a claim is made of, found in one walk for every diagnosis: its
//! literals, the sizes a `--set` could change, the terms that could be a part too many or too few,
//! and the numbers that multiply something (layer counts).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::bind::Resolution;
use crate::check::report::FixTarget;
use crate::check::workspace::Workspace;
use crate::config::Lookup;
use crate::eval::Evaluator;
use crate::number::Number;
use crate::syntax::{BinaryOp, DefinitionKind, ExprId, ExprKind, Span, StatementId, StatementKind};

use super::{number_of, Claim, MAX_CANDIDATES, MAX_NODES, MAX_WORK};

/// A name whose value can be changed with an override.
pub(super) struct Variable {
    pub(super) target: FixTarget,
    /// The name the override replaces.
    pub(super) name: String,
    pub(super) span: Span,
    pub(super) current: Number,
}

/// The computed side of a claim, taken apart.
pub(super) struct Walk {
    /// Number literals (not those of a size's definition, which the size's name stands for).
    pub(super) literals: Vec<ExprId>,
    pub(super) variables: Vec<Variable>,
    /// Candidate parts: terms of sums, bracketed groups, named parts.
    pub(super) terms: Vec<ExprId>,
    /// Names of the parts among `terms`.
    pub(super) part_names: HashMap<ExprId, String>,
    pub(super) parents: HashMap<ExprId, ExprId>,
    /// Whole numbers between 2 and 1000 that multiply something in the formula (layer counts).
    pub(super) multipliers: Vec<Number>,
    /// The definitions the computed side uses.
    pub(super) reached: HashSet<StatementId>,
    /// Nodes visited.
    pub(super) size: usize,
}

impl Walk {
    /// How many candidates a diagnosis may try on this claim.
    pub(super) fn candidates(&self) -> usize {
        MAX_CANDIDATES.min(MAX_WORK / self.size.max(1)).max(1)
    }

    /// Visits the computed side and every part definition it reaches. Nodes from `synthetic` on
    /// were made by a repair and are not the author's literals.
    pub(super) fn new(workspace: &Workspace, claim: &Claim, synthetic: usize) -> Walk {
        let formula = &workspace.formula;
        let scope = workspace.scope();
        let mut evaluator = Evaluator::new(&scope, workspace.limits);
        let mut walk = Walk {
            literals: Vec::new(),
            variables: Vec::new(),
            terms: Vec::new(),
            part_names: HashMap::new(),
            parents: HashMap::new(),
            multipliers: Vec::new(),
            reached: HashSet::new(),
            size: 0,
        };
        let mut seen_statements = HashSet::new();
        let mut seen_names = HashSet::new();
        let mut multipliers = BTreeSet::new();
        let mut stack: Vec<(ExprId, StatementId, Option<ExprId>)> =
            vec![(claim.computed, claim.within, None)];
        let mut visited = 0;
        while let Some((id, within, parent)) = stack.pop() {
            visited += 1;
            walk.size = visited;
            if visited > MAX_NODES {
                break;
            }
            let in_size = matches!(
                &formula.statement(within).kind,
                StatementKind::Definition(d) if d.kind == DefinitionKind::Size
            );
            let mut is_term = false;
            if let Some(parent) = parent {
                walk.parents.insert(id, parent);
                is_term = match formula.kind(parent) {
                    ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, lhs, _) => {
                        // The left side of a sum in a chain `a+b+c` is the sum so far, not a part.
                        !(lhs == id
                            && matches!(
                                formula.kind(id),
                                ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, ..)
                            ))
                    }
                    _ => false,
                };
            }
            match formula.kind(id) {
                ExprKind::Number { text } => {
                    if (id.0 as usize) < synthetic && !in_size {
                        walk.literals.push(id);
                    }
                    if is_term {
                        walk.terms.push(id);
                    }
                    if let Some(Ok(n)) = Number::parse_literal(text, workspace.limits.max_bits) {
                        multipliers.insert(n);
                    }
                }
                ExprKind::Name(name) => match scope.resolve(name, within) {
                    Resolution::Definition(statement) => {
                        let Some(definition) = formula.statement(statement).definition() else {
                            continue;
                        };
                        if definition.kind == DefinitionKind::Part {
                            if parent.is_some() {
                                walk.terms.push(id);
                                walk.part_names.insert(id, name.to_string());
                            }
                            if seen_statements.insert(statement) {
                                stack.push((definition.value, statement, None));
                            }
                        } else {
                            if is_term {
                                walk.terms.push(id);
                            }
                            let current = number_of(evaluator.statement(statement));
                            if let Some(current) = current {
                                multipliers.insert(current.clone());
                                if seen_names.insert(name) {
                                    walk.variables.push(Variable {
                                        target: FixTarget::Definition {
                                            name: name.to_string(),
                                        },
                                        name: name.to_string(),
                                        span: definition.name_span,
                                        current,
                                    });
                                }
                            }
                        }
                    }
                    Resolution::Override(statement) => {
                        if let Some(current) = number_of(evaluator.statement(statement)) {
                            if seen_names.insert(name) {
                                walk.variables.push(Variable {
                                    target: FixTarget::Set {
                                        name: name.to_string(),
                                    },
                                    name: name.to_string(),
                                    span: formula.statement(statement).span,
                                    current,
                                });
                            }
                        }
                    }
                    Resolution::Config(Lookup::Number(current)) => {
                        if is_term {
                            walk.terms.push(id);
                        }
                        multipliers.insert(current.clone());
                        if seen_names.insert(name) {
                            walk.variables.push(Variable {
                                target: FixTarget::Config {
                                    key: name.to_string(),
                                },
                                name: name.to_string(),
                                span: formula.span(id),
                                current,
                            });
                        }
                    }
                    Resolution::Config(_) => {}
                },
                kind => {
                    if is_term || (matches!(kind, ExprKind::Group(_)) && parent.is_some()) {
                        walk.terms.push(id);
                    }
                    // Children in reverse, so that they are visited in the order written.
                    for child in formula.children(id).into_iter().rev() {
                        stack.push((child, within, Some(id)));
                    }
                }
            }
        }
        walk.reached = seen_statements;
        walk.literals.sort();
        walk.terms.sort();
        walk.terms.dedup();
        let two = Number::from_i64(2);
        let thousand = Number::from_i64(1000);
        walk.multipliers = multipliers
            .into_iter()
            .filter(|n| n.is_integer() && *n >= two && *n <= thousand)
            .collect();
        walk
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{claim, n};
    use super::*;

    #[test]
    fn literals_sizes_terms_and_multipliers_of_a_claim() {
        // 2*H + (3+4) with --set H=5: the literals 2, 3, 4; the size H (a --set, at 5); the terms
        // of sums 2*H, (3+4), 3 and 4; the multipliers are the literals 2, 3, 4 (a --set value is
        // no layer count the text wrote).
        let (workspace, claim) = claim("2*H + (3+4) = 20", &["H=5"]);
        let walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        let text = |id: &ExprId| workspace.display(workspace.formula.span(*id));
        let literals: Vec<String> = walk.literals.iter().map(text).collect();
        assert_eq!(literals, ["2", "3", "4"]);
        let sizes: Vec<(&str, &FixTarget, &Number)> = walk
            .variables
            .iter()
            .map(|v| (v.name.as_str(), &v.target, &v.current))
            .collect();
        assert_eq!(sizes, [("H", &FixTarget::Set { name: "H".into() }, &n(5))]);
        let mut terms: Vec<String> = walk.terms.iter().map(text).collect();
        terms.sort();
        assert_eq!(terms, ["(3+4)", "2*H", "3", "4"]);
        assert_eq!(walk.multipliers, [n(2), n(3), n(4)]);
    }

    #[test]
    fn a_long_claim_gets_fewer_candidates() {
        // MAX_WORK / nodes, at most MAX_CANDIDATES: 2,000,000 / 100,000 nodes is 20.
        let (workspace, claim) = claim("1 + 2 = 3", &[]);
        let mut walk = Walk::new(&workspace, &claim, workspace.formula.expr_count());
        assert_eq!(walk.candidates(), MAX_CANDIDATES);
        walk.size = 100_000;
        assert_eq!(walk.candidates(), 20);
    }
}
