//! Breakdown: the target's count split into its named parts, as a tree whose leaves sum exactly to
//! the total.
//!
//! After evaluation, the target's formula is read as a linear combination of parts: a sum
//! (`base_model + lm_head`) gives each part its own row, a product with a side that names no part
//! (`L*layer`) repeats the part (`layer` counts 32 times, and so do `attention`, `feed_forward` and
//! everything inside it), a subtraction counts a part negatively. Whatever is not a named part (a
//! literal, a size such as `H`, a product of two parts, a `max(...)`) stays with the part that
//! writes it; when that part also has named sub-parts, those terms become an `(other)` row, so the
//! leaves always add up to the part.
//!
//! Every node's count is computed twice: once by the evaluator (the part's value times its
//! repeats) and once as the sum of its children's counts and its own terms. `build` refuses a
//! breakdown where the two differ, so a printed breakdown always sums exactly.
//!
//! The output formats (table, csv, json, markdown, svg) are in `breakdown::output`.

pub mod output;

use std::collections::HashMap;

use crate::bind::{Resolution, Scope};
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Value};
use crate::number::{ArithmeticError, Number};
use crate::program::Program;
use crate::syntax::{
    BinaryOp, DefinitionKind, ExprId, ExprKind, Formula, Span, StatementId, StatementKind, UnaryOp,
};

/// The name of the row that holds a part's terms outside its named sub-parts.
pub const OTHER: &str = "(other)";

/// One row of the breakdown: a part where it occurs (a part used twice is two nodes).
#[derive(Clone, Debug)]
pub struct Node {
    /// The definition's name, or `(other)`.
    pub name: String,
    pub explanation: Option<String>,
    /// The definition, for a named part.
    pub statement: Option<StatementId>,
    /// The value of one instance (the definition's value; for `(other)`, its terms per instance).
    pub each: Number,
    /// How many times the instance counts in the total: the product of the factors on the way
    /// from the root (`L` in `L*layer`), negative under a subtraction.
    pub repeats: Number,
    /// The factors as written (`L`), outermost first.
    pub repeated_by: Vec<String>,
    /// The contribution to the total: `each × repeats`.
    pub count: Number,
    /// 0 for the target.
    pub depth: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

/// The target split into parts. `nodes[0]` is the target; the rest follow in the order a reader
/// meets them (depth first, as written).
#[derive(Clone, Debug)]
pub struct Breakdown {
    pub nodes: Vec<Node>,
}

impl Breakdown {
    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    /// The total: the target's value.
    pub fn total(&self) -> &Number {
        &self.nodes[0].count
    }

    /// The rows shown with nesting cut at `max_depth` (every node when `None`), depth first.
    pub fn rows(&self, max_depth: Option<usize>) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| max_depth.map_or(true, |d| self.nodes[i].depth <= d))
            .collect()
    }

    /// Whether a node is a leaf when nesting is cut at `max_depth`.
    pub fn is_leaf(&self, index: usize, max_depth: Option<usize>) -> bool {
        let node = &self.nodes[index];
        node.children.is_empty() || max_depth.is_some_and(|d| node.depth >= d)
    }

    /// The leaves when nesting is cut at `max_depth`: their counts sum to the total.
    pub fn leaves(&self, max_depth: Option<usize>) -> Vec<usize> {
        self.rows(max_depth)
            .into_iter()
            .filter(|&i| self.is_leaf(i, max_depth))
            .collect()
    }

    /// The names from the target down to a node.
    pub fn path(&self, index: usize) -> Vec<&str> {
        let mut path = Vec::new();
        let mut at = Some(index);
        while let Some(i) = at {
            path.push(self.nodes[i].name.as_str());
            at = self.nodes[i].parent;
        }
        path.reverse();
        path
    }

    /// The sum of the leaves' counts, added exactly.
    pub fn sum_of_leaves(&self, max_depth: Option<usize>, max_bits: u64) -> Result<Number> {
        let mut sum = Number::zero();
        for i in self.leaves(max_depth) {
            sum = sum
                .add(&self.nodes[i].count, max_bits)
                .map_err(|e| arithmetic(e, None))?;
        }
        Ok(sum)
    }
}

/// Evaluates the program's target and splits it into its parts.
pub fn build(program: &Program) -> Result<Breakdown> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    let mut evaluator = Evaluator::new(&scope, program.limits);
    let total = number(
        evaluator.statement(program.target)?,
        &program.formula,
        program.target,
    )?;
    let statement = program.formula.statement(program.target);
    let (name, explanation) = match &statement.kind {
        StatementKind::Definition(d) => {
            (d.name.clone(), d.explanation.as_deref().map(str::to_string))
        }
        StatementKind::Override { name, .. } => (name.clone(), None),
        StatementKind::Expression { .. } => ("total".to_string(), None),
    };
    let mut builder = Builder {
        evaluator,
        max_bits: program.limits.max_bits,
        contains_part: HashMap::new(),
        own: Vec::new(),
        nodes: Vec::new(),
    };
    builder.push_node(Node {
        name,
        explanation,
        statement: Some(program.target),
        each: total.clone(),
        repeats: Number::from_i64(1),
        repeated_by: Vec::new(),
        count: total,
        depth: 0,
        parent: None,
        children: Vec::new(),
    });
    builder.split(statement.value(), program.target)?;
    builder.finish()
}

fn number(value: Value, formula: &Formula, statement: StatementId) -> Result<Number> {
    match value {
        Value::Number(n) => Ok(n),
        other => Err(Error::Type {
            span: formula.statement(statement).span,
            context: "a breakdown".into(),
            expected: "a number".into(),
            found: other.describe(),
        }),
    }
}

fn arithmetic(error: ArithmeticError, span: Option<Span>) -> Error {
    match (error, span) {
        (ArithmeticError::TooLarge { bits, limit }, Some(span)) => {
            Error::TooLarge { span, bits, limit }
        }
        (ArithmeticError::DivisionByZero, Some(span)) => Error::DivisionByZero { span },
        (error, _) => Error::Usage {
            message: format!("the breakdown cannot be computed: {error:?}"),
            help: "raise --max-bits, or break the formula down by hand with `paramcount derive --style steps`".into(),
        },
    }
}

/// One piece of a formula waiting to be split: an expression of statement `within`, counted
/// `repeats` times, belonging to node `node`.
struct Pending {
    expr: ExprId,
    within: StatementId,
    repeats: Number,
    repeated_by: Vec<String>,
    node: usize,
}

struct Builder<'s> {
    evaluator: Evaluator<'s>,
    max_bits: u64,
    /// Whether a node's subtree names a part (memoised).
    contains_part: HashMap<(ExprId, bool), bool>,
    /// Each node's terms outside its named sub-parts, as contributions to the total.
    own: Vec<Number>,
    nodes: Vec<Node>,
}

impl<'s> Builder<'s> {
    fn formula(&self) -> &'s Formula {
        self.evaluator.scope().formula()
    }

    fn push_node(&mut self, node: Node) -> usize {
        let index = self.nodes.len();
        if let Some(parent) = node.parent {
            self.nodes[parent].children.push(index);
        }
        self.nodes.push(node);
        self.own.push(Number::zero());
        index
    }

    /// The part a name refers to, if it is one. With `strict` off, an alias of another definition
    /// counts too: `final_norm = H` is a size by the language's rules (a bare name), but written as
    /// a term of a sum it is a part of the count and gets its row.
    fn part(&self, name: &str, within: StatementId, strict: bool) -> Option<StatementId> {
        let scope = self.evaluator.scope();
        let Resolution::Definition(id) = scope.resolve(name, within) else {
            return None;
        };
        let StatementKind::Definition(d) = &self.formula().statement(id).kind else {
            return None;
        };
        if d.kind == DefinitionKind::Part {
            return Some(id);
        }
        if strict {
            return None;
        }
        let mut value = d.value;
        while let ExprKind::Group(inner) = self.formula().kind(value) {
            value = inner;
        }
        match self.formula().kind(value) {
            ExprKind::Name(target) => match scope.resolve(target, id) {
                Resolution::Definition(_) | Resolution::Override(_) => Some(id),
                Resolution::Config(_) => None,
            },
            _ => None,
        }
    }

    /// Whether the subtree of `root` names a part anywhere (with `strict` off, an alias counts).
    /// Post-order over an explicit stack, every node memoised: a million-term sum must neither
    /// recurse a million deep nor be walked twice.
    fn names_a_part(&mut self, root: ExprId, within: StatementId, strict: bool) -> bool {
        let formula = self.formula();
        let mut stack = vec![(root, false)];
        while let Some((id, children_done)) = stack.pop() {
            if self.contains_part.contains_key(&(id, strict)) {
                continue;
            }
            if let ExprKind::Name(name) = formula.kind(id) {
                let is_part = self.part(name, within, strict).is_some();
                self.contains_part.insert((id, strict), is_part);
                continue;
            }
            let children = formula.children(id);
            if children_done {
                let any = children.iter().any(|c| {
                    self.contains_part
                        .get(&(*c, strict))
                        .copied()
                        .unwrap_or(false)
                });
                self.contains_part.insert((id, strict), any);
            } else {
                stack.push((id, true));
                stack.extend(children.into_iter().map(|c| (c, false)));
            }
        }
        self.contains_part
            .get(&(root, strict))
            .copied()
            .unwrap_or(false)
    }

    /// Which side of a product is the part and which the factor: a side naming a real part is
    /// the part (so `L*layer` stays a repeat even when `L` is an alias); failing that, an alias.
    fn part_and_factor(
        &mut self,
        lhs: ExprId,
        rhs: ExprId,
        op: BinaryOp,
        within: StatementId,
    ) -> Option<(ExprId, ExprId)> {
        let commutes = op != BinaryOp::Div;
        for strict in [true, false] {
            match (
                self.names_a_part(lhs, within, strict),
                self.names_a_part(rhs, within, strict),
            ) {
                (true, false) => return Some((lhs, rhs)),
                (false, true) if commutes => return Some((rhs, lhs)),
                (false, false) => continue,
                _ => return None,
            }
        }
        None
    }

    fn mul(&self, a: &Number, b: &Number, span: Span) -> Result<Number> {
        a.mul(b, self.max_bits)
            .map_err(|e| arithmetic(e, Some(span)))
    }

    fn value(&mut self, expr: ExprId, within: StatementId) -> Result<Number> {
        let value = self.evaluator.expr(expr, within)?;
        match value {
            Value::Number(n) => Ok(n),
            other => Err(Error::Type {
                span: self.formula().span(expr),
                context: "a breakdown".into(),
                expected: "a number".into(),
                found: other.to_string(),
            }),
        }
    }

    /// Splits the expression `root` of statement `within` into the root node's parts.
    fn split(&mut self, root: ExprId, within: StatementId) -> Result<()> {
        let mut stack = vec![Pending {
            expr: root,
            within,
            repeats: Number::from_i64(1),
            repeated_by: Vec::new(),
            node: 0,
        }];
        while let Some(p) = stack.pop() {
            let formula = self.formula();
            let span = formula.span(p.expr);
            let with = |expr: ExprId, repeats: Number, repeated_by: Vec<String>| Pending {
                expr,
                within: p.within,
                repeats,
                repeated_by,
                node: p.node,
            };
            if !self.names_a_part(p.expr, p.within, false) {
                let value = self.value(p.expr, p.within)?;
                let term = self.mul(&value, &p.repeats, span)?;
                self.own[p.node] = self.own[p.node]
                    .add(&term, self.max_bits)
                    .map_err(|e| arithmetic(e, Some(span)))?;
                continue;
            }
            match formula.kind(p.expr) {
                ExprKind::Group(inner) | ExprKind::Unary(UnaryOp::Plus, inner) => {
                    stack.push(with(inner, p.repeats.clone(), p.repeated_by.clone()));
                }
                ExprKind::Unary(UnaryOp::Neg, inner) => {
                    stack.push(with(inner, p.repeats.neg(), p.repeated_by.clone()));
                }
                ExprKind::Binary(op @ (BinaryOp::Add | BinaryOp::Sub), lhs, rhs) => {
                    let right = if op == BinaryOp::Sub {
                        p.repeats.neg()
                    } else {
                        p.repeats.clone()
                    };
                    // Pushed right first, so the left is split first: rows in the written order.
                    stack.push(with(rhs, right, p.repeated_by.clone()));
                    stack.push(with(lhs, p.repeats.clone(), p.repeated_by.clone()));
                }
                ExprKind::Binary(
                    op @ (BinaryOp::Mul | BinaryOp::ImplicitMul | BinaryOp::Div),
                    lhs,
                    rhs,
                ) => {
                    let (lhs, rhs, op) = (lhs, rhs, op);
                    // A product of parts, or a part divided into, is not a sum of parts.
                    let Some((part, factor)) = self.part_and_factor(lhs, rhs, op, p.within) else {
                        self.opaque(&p, span)?;
                        continue;
                    };
                    let mut factor_value = self.value(factor, p.within)?;
                    let mut factor_text = self.formula().text(factor).to_string();
                    if op == BinaryOp::Div {
                        factor_value = Number::from_i64(1)
                            .div(&factor_value, self.max_bits)
                            .map_err(|e| arithmetic(e, Some(span)))?;
                        factor_text = format!("1/{factor_text}");
                    }
                    let repeats = self.mul(&p.repeats, &factor_value, span)?;
                    let mut repeated_by = p.repeated_by.clone();
                    repeated_by.push(factor_text);
                    stack.push(with(part, repeats, repeated_by));
                }
                ExprKind::If {
                    then, otherwise, ..
                } => match self.evaluator.choice(p.expr) {
                    Some(0) => stack.push(with(then, p.repeats.clone(), p.repeated_by.clone())),
                    Some(_) => {
                        stack.push(with(otherwise, p.repeats.clone(), p.repeated_by.clone()))
                    }
                    None => self.opaque(&p, span)?,
                },
                // `sum(i in 0..L-1, layer)`: the part `layer`, L times.
                ExprKind::Sum { body, .. } if !self.evaluator.summand_varies(p.expr) => {
                    let Some(count) = self.evaluator.sum_count(p.expr).cloned() else {
                        self.opaque(&p, span)?;
                        continue;
                    };
                    let repeats = self.mul(&p.repeats, &count, span)?;
                    let mut repeated_by = p.repeated_by.clone();
                    repeated_by.push(count.to_string());
                    stack.push(with(body, repeats, repeated_by));
                }
                ExprKind::Apply { name_id, body, .. } if body != name_id => {
                    stack.push(with(body, p.repeats.clone(), p.repeated_by.clone()));
                }
                ExprKind::Name(name) => match self.part(name, p.within, false) {
                    Some(statement) => self.part_node(&p, statement, &mut stack)?,
                    None => self.opaque(&p, span)?,
                },
                _ => self.opaque(&p, span)?,
            }
        }
        Ok(())
    }

    /// A term that is not a sum of parts: it counts with the node that writes it.
    fn opaque(&mut self, p: &Pending, span: Span) -> Result<()> {
        let value = self.value(p.expr, p.within)?;
        let term = self.mul(&value, &p.repeats, span)?;
        self.own[p.node] = self.own[p.node]
            .add(&term, self.max_bits)
            .map_err(|e| arithmetic(e, Some(span)))?;
        Ok(())
    }

    /// A named part at this place: a node of its own, and its formula split below it.
    fn part_node(
        &mut self,
        p: &Pending,
        statement: StatementId,
        stack: &mut Vec<Pending>,
    ) -> Result<()> {
        let formula = self.formula();
        let span = formula.span(p.expr);
        let each = number(self.evaluator.statement(statement)?, formula, statement)?;
        let count = self.mul(&each, &p.repeats, span)?;
        let definition = formula.statement(statement).definition();
        let node = self.push_node(Node {
            name: definition.map(|d| d.name.clone()).unwrap_or_default(),
            explanation: definition.and_then(|d| d.explanation.as_deref().map(str::to_string)),
            statement: Some(statement),
            each,
            repeats: p.repeats.clone(),
            repeated_by: p.repeated_by.clone(),
            count,
            depth: self.nodes[p.node].depth + 1,
            parent: Some(p.node),
            children: Vec::new(),
        });
        stack.push(Pending {
            expr: formula.statement(statement).value(),
            within: statement,
            repeats: p.repeats.clone(),
            repeated_by: p.repeated_by.clone(),
            node,
        });
        Ok(())
    }

    /// Adds the `(other)` rows and checks that every node is the sum of its children.
    fn finish(mut self) -> Result<Breakdown> {
        let parents = self.nodes.len();
        for index in 0..parents {
            let own = self.own[index].clone();
            if self.nodes[index].children.is_empty() || own.is_zero() {
                continue;
            }
            let parent = &self.nodes[index];
            let each = if parent.repeats.is_zero() {
                Number::zero()
            } else {
                own.div(&parent.repeats, self.max_bits)
                    .map_err(|e| arithmetic(e, None))?
            };
            let other = Node {
                name: OTHER.to_string(),
                explanation: Some(format!(
                    "terms of `{}` outside its named parts",
                    parent.name
                )),
                statement: None,
                each,
                repeats: parent.repeats.clone(),
                repeated_by: parent.repeated_by.clone(),
                count: own,
                depth: parent.depth + 1,
                parent: Some(index),
                children: Vec::new(),
            };
            self.push_node(other);
            self.own[index] = Number::zero();
        }
        // `(other)` rows were appended at the end; put every node back in reading order.
        let breakdown = reorder(self.nodes);
        for (index, node) in breakdown.nodes.iter().enumerate() {
            let mut sum = if node.children.is_empty() {
                continue;
            } else {
                Number::zero()
            };
            for &child in &node.children {
                sum = sum
                    .add(&breakdown.nodes[child].count, self.max_bits)
                    .map_err(|e| arithmetic(e, None))?;
            }
            if sum != node.count {
                return Err(Error::Usage {
                    message: format!(
                        "the parts of `{}` add up to {sum}, not to its value {} (row {index})",
                        node.name, node.count
                    ),
                    help: "this is a bug in paramcount's breakdown; `paramcount derive --style steps` shows the parts".into(),
                });
            }
        }
        Ok(breakdown)
    }
}

/// The nodes in depth-first order, children in the order they were added.
fn reorder(nodes: Vec<Node>) -> Breakdown {
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(nodes[i].children.iter().rev());
    }
    let mut new_index = vec![0usize; nodes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    let nodes = order
        .iter()
        .filter_map(|&old| slots[old].take())
        .map(|mut node| {
            node.parent = node.parent.map(|p| new_index[p]);
            node.children = node.children.iter().map(|&c| new_index[c]).collect();
            node
        })
        .collect();
    Breakdown { nodes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::{FormulaSource, Request};

    fn breakdown(text: &str) -> Breakdown {
        let request = Request {
            formula: Some(FormulaSource::Text {
                name: "test".into(),
                text: text.into(),
            }),
            ..Request::default()
        };
        let program = Program::load(&request).expect("loads");
        build(&program).expect("breaks down")
    }

    fn rows(b: &Breakdown) -> Vec<(String, String, String)> {
        b.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    b.path(i).join("/"),
                    n.count.to_string(),
                    n.repeats.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_sum_of_a_part_repeats_it() {
        // sum(i in 0..L-1, layer) is L copies of layer: 4*(300+800) = 4400, plus 1000.
        let b = breakdown(
            "L = 4\nH = 10\nattention = 3*H*H\nffn = 8*H*H\nlayer = attention + ffn\ntotal = H*100 + sum(i in 0..L-1, layer)\n",
        );
        let rows = rows(&b);
        assert_eq!(rows[1], ("total/layer".into(), "4400".into(), "4".into()));
        assert_eq!(
            b.sum_of_leaves(None, 64).expect("sums"),
            Number::from_i64(5400)
        );
    }

    #[test]
    fn repeats_follow_the_layer_count() {
        let b = breakdown(
            "L = 4\nH = 10\nattention = 3*H*H\nffn = 8*H*H\nlayer = attention + ffn + 2*H\ntotal = H*100 + L*layer\n",
        );
        // attention 300, ffn 800, layer 300+800+20 = 1120, total 1000 + 4*1120 = 5480.
        let expected = [
            ("total", "5480", "1"),
            ("total/layer", "4480", "4"),
            ("total/layer/attention", "1200", "4"),
            ("total/layer/ffn", "3200", "4"),
            ("total/layer/(other)", "80", "4"),
            ("total/(other)", "1000", "1"),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(rows(&b), expected);
        assert_eq!(
            b.sum_of_leaves(None, 64).expect("sums"),
            Number::from_i64(5480)
        );
        assert_eq!(b.nodes[4].each, Number::from_i64(20));
        assert_eq!(b.nodes[1].repeated_by, vec!["L".to_string()]);
    }

    #[test]
    fn subtraction_counts_a_part_negatively_and_depth_cuts_leaves() {
        let b = breakdown("emb = 10*10\nbody = 9*100\nall = emb + body\ntotal = all - emb\n");
        let expected = [
            ("total", "900", "1"),
            ("total/all", "1000", "1"),
            ("total/all/emb", "100", "1"),
            ("total/all/body", "900", "1"),
            ("total/emb", "-100", "-1"),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(rows(&b), expected);
        assert_eq!(b.leaves(Some(1)), vec![1, 4]);
        assert_eq!(
            b.sum_of_leaves(Some(1), 64).expect("sums"),
            Number::from_i64(900)
        );
    }

    #[test]
    fn products_of_parts_and_untaken_branches_stay_whole() {
        let b = breakdown(
            "a = 3\nb = 5\ntied = true\nhead = if tied then 0 else a*b\ntotal = a*b + head + max(a, b)\n",
        );
        // a*b is not a sum of parts; head takes the `then` branch: 0; max(a, b) = 5.
        let names: Vec<String> = (0..b.nodes.len()).map(|i| b.path(i).join("/")).collect();
        assert_eq!(names, ["total", "total/head", "total/(other)"]);
        assert_eq!(b.nodes[2].count, Number::from_i64(20));
    }

    #[test]
    fn a_long_sum_does_not_recurse() {
        let mut text = String::from("p = 1*1\ntotal = p");
        for _ in 0..200_000 {
            text.push_str("+p");
        }
        text.push('\n');
        let b = breakdown(&text);
        assert_eq!(b.nodes.len(), 200_002);
        assert_eq!(b.total(), &Number::from_i64(200_001));
    }
}
