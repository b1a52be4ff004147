//! Long chains of definitions, evaluated without a level of recursion each.
//!
//! A name that refers to a definition is evaluated by evaluating that definition, so a file whose
//! every line uses the line before (`n_2 = n_1 + 1`) recursed once per line: about 2 KiB of stack
//! a definition, 200 MB for 100,000 lines. When the evaluator is already this many definitions
//! deep, it first evaluates, innermost first and in a loop, the definitions that the plain
//! arithmetic below it will certainly ask for; each then finds what it uses already computed.
//!
//! Only successes are kept from that loop: on the first error, or a cycle, it stops and the
//! evaluation proceeds as it would have, so every error reads exactly as before. A definition it
//! evaluates is one the evaluation asks for anyway (plain arithmetic evaluates all its names),
//! unless an earlier operand fails, and then the result is that error either way.

use foldhash::fast::RandomState;
use std::collections::HashMap;

use super::{Evaluator, State};
use crate::bind::Resolution;
use crate::syntax::{ExprId, Node, StatementId};

/// Below this many active definitions the recursion is cheap and the loop is not tried.
pub(super) const DEPTH: usize = 16;

enum Visit {
    OnPath,
    Finished,
}

impl Evaluator<'_> {
    /// Evaluates in a loop the definitions that `id` certainly uses, and those they use, innermost
    /// first, so that evaluating `id` afterwards recurses at most one definition deep.
    pub(super) fn evaluate_chain_first(&mut self, id: StatementId) {
        let Some(uses) = self.plain_uses(id) else {
            return;
        };
        let mut visits: HashMap<StatementId, Visit, RandomState> = HashMap::default();
        visits.insert(id, Visit::OnPath);
        let mut stack: Vec<(StatementId, bool)> =
            uses.into_iter().rev().map(|used| (used, false)).collect();
        while let Some((statement, expanded)) = stack.pop() {
            if expanded {
                visits.insert(statement, Visit::Finished);
                self.chaining = true;
                let value = self.statement(statement);
                self.chaining = false;
                if value.is_err() {
                    self.chain_failed = true;
                    return;
                }
                continue;
            }
            match (visits.get(&statement), self.statements.get(&statement)) {
                // A cycle: the evaluation itself words its error.
                (Some(Visit::OnPath), _) | (_, Some(State::Active)) => {
                    self.chain_failed = true;
                    return;
                }
                (Some(Visit::Finished), _) | (_, Some(State::Done(_))) => continue,
                _ => {}
            }
            visits.insert(statement, Visit::OnPath);
            stack.push((statement, true));
            if let Some(uses) = self.plain_uses(statement) {
                stack.extend(uses.into_iter().rev().map(|used| (used, false)));
            }
        }
    }

    /// The definitions and overrides that statement `id` names, in the order its evaluation asks
    /// for them, if its expression is plain arithmetic (numbers, names, brackets, `+ - * / % ^`),
    /// which evaluates every operand; `None` for anything else.
    fn plain_uses(&self, id: StatementId) -> Option<Vec<StatementId>> {
        let formula = self.scope.formula();
        let statement = formula.statement(id);
        if !statement.claims().is_empty() {
            return None;
        }
        let mut uses = Vec::new();
        let mut stack = vec![statement.value()];
        while let Some(node) = stack.pop() {
            match formula.node(node) {
                Node::Number(_) => {}
                Node::Name(symbol) => {
                    if let Some(Resolution::Definition(used) | Resolution::Override(used)) =
                        self.scope.named_statement(symbol, id)
                    {
                        uses.push(used);
                    }
                }
                Node::Group(inner) | Node::Unary(_, inner) if is_plain_unary(formula, node) => {
                    stack.push(inner)
                }
                Node::Binary(op, lhs, rhs) if super::is_tree_operator(op) => {
                    stack.push(rhs);
                    stack.push(lhs);
                }
                _ => return None,
            }
        }
        Some(uses)
    }
}

/// A group, or a `-` or `+` sign (not `not`, which takes true or false).
fn is_plain_unary(formula: &crate::syntax::Formula, id: ExprId) -> bool {
    !matches!(
        formula.node(id),
        Node::Unary(crate::syntax::UnaryOp::Not, _)
    )
}

#[cfg(test)]
mod tests {
    use super::DEPTH;
    use crate::bind::Scope;
    use crate::eval::Evaluator;
    use crate::program::{FormulaSource, Program, Request};
    use crate::{evaluate, Error};

    /// The loop is what keeps the recursion shallow (it changes no value: the other tests cannot
    /// tell it is there): a 2,000-line chain whose lines use brackets, signs and every arithmetic
    /// operator never has more than a few definitions past `DEPTH` in progress at once, where the
    /// recursion alone would have all 2,000.
    #[test]
    fn a_long_chain_keeps_few_definitions_in_progress() {
        let lines = 2_000;
        let mut text = String::from("n_0 = 1\n");
        for i in 1..lines {
            text.push_str(&format!(
                "n_{i} = -(n_{} + 2) * 3 / 3 + (-2) ^ 2 % 3 + +n_{}\n",
                i - 1,
                i / 2
            ));
        }
        let request = Request {
            formula: Some(FormulaSource::Text {
                name: "chain.formula".into(),
                text,
            }),
            target: Some(format!("n_{}", lines - 1)),
            ..Request::default()
        };
        let program = Program::load(&request).expect("loads");
        let scope = Scope::new(&program.formula, None, program.limits.max_bits);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        assert!(evaluator.statement(program.target).is_ok());
        assert!(
            evaluator.deepest <= DEPTH + 2,
            "{} definitions in progress at once",
            evaluator.deepest
        );
    }

    fn run(text: String, target: &str) -> Result<String, Error> {
        let request = Request {
            formula: Some(FormulaSource::Text {
                name: "chain.formula".into(),
                text,
            }),
            target: Some(target.into()),
            ..Request::default()
        };
        let program = Program::load(&request)?;
        Ok(evaluate(&program)?.value.to_string())
    }

    #[test]
    fn a_chain_of_thirty_thousand_definitions_is_counted_exactly() {
        // Each line uses the line before and one halfway back, as generated formula files do.
        let lines = 30_000u64;
        let mut text = String::from("n_0 = 1\n");
        let mut values = vec![1u64];
        for i in 1..lines {
            let half = i / 2;
            text.push_str(&format!(
                "n_{i} = (n_{} * 7 + {i}) % 1000003 + n_{half} % 11\n",
                i - 1
            ));
            values.push((values[i as usize - 1] * 7 + i) % 1_000_003 + values[half as usize] % 11);
        }
        let last = format!("n_{}", lines - 1);
        assert_eq!(
            run(text, &last).unwrap(),
            values[lines as usize - 1].to_string()
        );
    }

    #[test]
    fn an_error_deep_in_a_chain_is_the_error_of_its_own_line() {
        let mut text = String::from("n_0 = 1\n");
        for i in 1..200 {
            let divisor = if i == 150 { "(n_3 - n_3)" } else { "1" };
            text.push_str(&format!("n_{i} = n_{} / {divisor} + 1\n", i - 1));
        }
        let Err(Error::DivisionByZero { span }) = run(text.clone(), "n_199") else {
            panic!("expected a division by zero");
        };
        // The divisor written on line 151 (the line of n_150).
        let line = text.lines().nth(150).unwrap_or_default();
        let start = text.find(line).unwrap_or_default() + line.find("(n_3").unwrap_or_default();
        assert_eq!(span.range(), start..start + "(n_3 - n_3)".len());
    }

    #[test]
    fn a_cycle_through_a_long_chain_names_every_link() {
        let mut text = String::from("n_0 = n_299 + 1\n");
        for i in 1..300 {
            text.push_str(&format!("n_{i} = n_{} + 1\n", i - 1));
        }
        let Err(Error::Cycle { cycle, .. }) = run(text, "n_299") else {
            panic!("expected a cycle");
        };
        // From the target down to n_0 and back to the target: 300 links and the repeat.
        let expected: Vec<String> = (0..300)
            .rev()
            .map(|i| format!("n_{i}"))
            .chain(["n_299".to_string()])
            .collect();
        assert_eq!(cycle, expected);
    }
}
