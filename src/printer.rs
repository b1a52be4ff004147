//! Printing one expression back as text: the core of every output style.
//!
//! The printer walks the tree as evaluated: names of parts are replaced by their formulas (inlined),
//! names of sizes by their values (or kept, in symbolic form), and an `if` or a list of alternatives
//! by the branch that was taken. The author's parentheses are printed where they were written;
//! inlining adds exactly the parentheses precedence needs. Operands stay in the order written.

use crate::bind::Resolution;
use crate::eval::{Evaluator, Value};
use crate::number::{group_digits, Number};
use crate::parser::{RED_ZONE, STACK_SEGMENT};
use crate::syntax::{
    BinaryOp, DefinitionKind, ExprId, ExprKind, Function, Precedence, StatementId, StatementKind,
    UnaryOp,
};

/// What a name becomes when printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// As written: names stay names, nothing is inlined.
    Written,
    /// Parts inlined, sizes and config values by name: `(V+P+T)*H+L*(...)`.
    Symbolic,
    /// Parts inlined, sizes and config values by their numbers: `(30522+512+2)*768+...`.
    Substituted,
}

/// The notation printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Plain,
    Latex,
}

/// Presentation choices shared by the styles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NumberFormat {
    /// Group digits in threes (`108,890,112`; `108\,890\,112` in LaTeX).
    pub group_digits: bool,
    /// Spaces around binary operators (`a + b*c` becomes `a + b * c`).
    pub spaced: bool,
    /// In the symbolic form, calls of user functions as written (`linear(H, 4*H, true)`) rather
    /// than their bodies (`derive --keep-calls`).
    pub keep_calls: bool,
}

/// Which side of its parent an operand is on, for deciding parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
    Alone,
}

#[derive(Clone, Copy)]
struct Context {
    precedence: Precedence,
    op: Option<BinaryOp>,
    side: Side,
}

const TOP: Context = Context {
    precedence: Precedence::Alternatives,
    op: None,
    side: Side::Alone,
};

/// The shape of what a node prints as, seen from its parent.
#[derive(Clone, Copy)]
struct Shape {
    precedence: Precedence,
}

impl Shape {
    const ATOM: Shape = Shape {
        precedence: Precedence::Atom,
    };
}

/// Terms of a `sum` whose summand varies that a derivation prints one by one; a sum with more
/// is printed as written (`sum(i in 0..n-1, ...)`). Runs of equal terms print once (`3*(...)`),
/// so this bounds the runs; `MAX_TERMS_EVALUATED` bounds the terms evaluated to find them.
const MAX_PRINTED_TERMS: usize = 1_000;
const MAX_TERMS_EVALUATED: i64 = 100_000;

pub struct Printer<'e, 's> {
    /// The decisions and values printed: the run's evaluator, or inside a term of a sum the
    /// evaluator of that term.
    evaluator: &'e Evaluator<'s>,
    /// The run's evaluator, which holds the output budget.
    budget: &'e Evaluator<'s>,
    /// Values of nodes the evaluator did not record (`widths[s]` outside JSON), made on demand.
    side: std::cell::RefCell<Option<Evaluator<'s>>>,
    form: Form,
    dialect: Dialect,
    format: NumberFormat,
    /// Print calls of user functions as written (`linear(H, 4*H, true)`) instead of their bodies.
    keep_calls: bool,
}

impl<'e, 's> Printer<'e, 's> {
    pub fn new(
        evaluator: &'e Evaluator<'s>,
        form: Form,
        dialect: Dialect,
        format: NumberFormat,
    ) -> Self {
        Printer {
            evaluator,
            budget: evaluator,
            side: Default::default(),
            form,
            dialect,
            format,
            keep_calls: format.keep_calls && form == Form::Symbolic,
        }
    }

    /// Calls of user functions printed as written rather than inlined.
    pub fn keep_calls(mut self, keep: bool) -> Self {
        self.keep_calls = keep;
        self
    }

    /// Whether a call of a user function is printed as its body.
    fn inlines_calls(&self) -> bool {
        self.form != Form::Written && !self.keep_calls
    }

    /// Prints `id` as it appears inside statement `within`.
    pub fn expr(&self, id: ExprId, within: StatementId) -> String {
        let mut out = String::new();
        self.write(&mut out, id, within, TOP);
        self.budget.charge_output(out.len());
        out
    }

    /// Prints a value as a number (a fraction as `a/b`, or `\frac{a}{b}` in LaTeX).
    pub fn value(&self, value: &Value) -> String {
        match value {
            Value::Bool(b) => b.to_string(),
            Value::Str(s) => format!("{s:?}"),
            Value::Number(n) => self.number(n),
            Value::List(items) => {
                // `[256, 512, 1,024]` could be read as five entries: no digit grouping in lists.
                let ungrouped = Printer {
                    evaluator: self.evaluator,
                    budget: self.budget,
                    side: Default::default(),
                    form: self.form,
                    dialect: self.dialect,
                    format: NumberFormat {
                        group_digits: false,
                        ..self.format
                    },
                    keep_calls: self.keep_calls,
                };
                let items: Vec<String> = items.iter().map(|item| ungrouped.value(item)).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    fn number(&self, n: &Number) -> String {
        let group = |digits: String| match (self.format.group_digits, self.dialect) {
            (false, _) => digits,
            (true, Dialect::Plain) => group_digits(&digits, ","),
            (true, Dialect::Latex) => group_digits(&digits, "\\,"),
        };
        let (numer, denom) = n.to_fraction();
        let digits = |n: &num_bigint::BigInt| self.budget.digits(n).to_string();
        if n.is_integer() {
            return group(digits(&numer));
        }
        match self.dialect {
            Dialect::Plain => format!("{}/{}", group(digits(&numer)), group(digits(&denom))),
            Dialect::Latex => {
                let sign = if n.is_negative() { "-" } else { "" };
                format!(
                    "{sign}\\frac{{{}}}{{{}}}",
                    group(digits(&numer).trim_start_matches('-').to_string()),
                    group(digits(&denom))
                )
            }
        }
    }

    /// What the name at node `id` refers to, when printing follows it into a statement.
    fn target(&self, id: ExprId, within: StatementId) -> Option<StatementId> {
        match self.evaluator.scope().resolve_at(id, within) {
            Resolution::Override(id) | Resolution::Definition(id) => Some(id),
            Resolution::Config(_) => None,
        }
    }

    /// Whether a name's statement is printed as its formula (inlined) rather than as a value.
    fn inlines(&self, statement: StatementId) -> bool {
        if self.form == Form::Written {
            return false;
        }
        match &self.evaluator.scope().formula().statement(statement).kind {
            StatementKind::Definition(d) => d.kind == DefinitionKind::Part,
            _ => false,
        }
    }

    /// The node a printed node really is once inlining and decisions are followed.
    fn follow(&self, mut id: ExprId, mut within: StatementId) -> (ExprId, StatementId) {
        let formula = self.evaluator.scope().formula();
        // Bounded: every step moves to another statement's value or a taken branch.
        for _ in 0..10_000 {
            match formula.kind(id) {
                ExprKind::Name(_) => match self.target(id, within) {
                    Some(statement) if self.inlines(statement) => {
                        id = formula.statement(statement).value();
                        within = statement;
                    }
                    _ => break,
                },
                // Parentheses around an `if` delimit it; once a branch is taken they are kept only
                // where the branch itself needs them.
                ExprKind::Group(inner)
                    if self.form != Form::Written
                        && matches!(
                            formula.kind(inner),
                            ExprKind::If { .. } | ExprKind::Alternatives(_)
                        ) =>
                {
                    id = inner
                }
                ExprKind::If {
                    then, otherwise, ..
                } if self.form != Form::Written => match self.evaluator.choice(id) {
                    Some(0) => id = then,
                    Some(_) => id = otherwise,
                    None => break,
                },
                ExprKind::Alternatives(alternatives) if self.form != Form::Written => {
                    match self.evaluator.choice(id).and_then(|i| alternatives.get(i)) {
                        Some(taken) => id = *taken,
                        None => break,
                    }
                }
                ExprKind::Apply { name_id, body, .. }
                    if self.inlines_calls() && body != name_id =>
                {
                    id = body
                }
                _ => break,
            }
        }
        (id, within)
    }

    /// Whether the `sum` at `id` prints as `count*term` (its term does not depend on its variable).
    fn closed_form(&self, id: ExprId) -> bool {
        self.form != Form::Written && !self.evaluator.summand_varies(id)
    }

    fn shape(&self, id: ExprId, within: StatementId) -> Shape {
        let (id, within) = self.follow(id, within);
        let formula = self.evaluator.scope().formula();
        match formula.kind(id) {
            ExprKind::Binary(op, ..) => Shape {
                precedence: op.precedence(),
            },
            ExprKind::Unary(op, _) => Shape {
                precedence: op.precedence(),
            },
            ExprKind::If { .. } | ExprKind::Alternatives(_) => Shape {
                precedence: Precedence::Alternatives,
            },
            ExprKind::Sum { .. } if self.closed_form(id) => Shape {
                precedence: Precedence::Product,
            },
            // Its terms (`a+b+...`), or in LaTeX `\sum_{i=a}^{b} term`, which reaches to the right.
            ExprKind::Sum { .. }
                if self.form == Form::Substituted || self.dialect == Dialect::Latex =>
            {
                Shape {
                    precedence: Precedence::Sum,
                }
            }
            ExprKind::Name(_) if self.form == Form::Substituted => {
                match self.substituted_value(id, within) {
                    // A substituted negative number is parenthesized wherever it is not alone:
                    // `5-(-3)`, `2*(-3)`, never `5--3`.
                    Some(Value::Number(n)) if n.is_negative() => Shape {
                        precedence: Precedence::Alternatives,
                    },
                    Some(Value::Number(n)) if !n.is_integer() && self.dialect == Dialect::Plain => {
                        Shape {
                            precedence: Precedence::Product,
                        }
                    }
                    _ => Shape::ATOM,
                }
            }
            _ => Shape::ATOM,
        }
    }

    fn substituted_value(&self, id: ExprId, within: StatementId) -> Option<Value> {
        if let Some(value) = self.evaluator.recorded(id) {
            return Some(value.clone());
        }
        match self.evaluator.scope().resolve_at(id, within) {
            Resolution::Override(s) | Resolution::Definition(s) => self.evaluator.known(s).cloned(),
            Resolution::Config(crate::config::Lookup::Number(n)) => Some(Value::Number(n)),
            Resolution::Config(crate::config::Lookup::Bool(b)) => Some(Value::Bool(b)),
            Resolution::Config(crate::config::Lookup::Str(s)) => Some(Value::Str(s)),
            Resolution::Config(lookup) => Value::from_lookup(lookup),
        }
    }

    /// The value of node `id`: recorded, or found on a side evaluator (an index such as
    /// `widths[0]` prints as the entry it reads).
    fn unrecorded_value(&self, id: ExprId, within: StatementId) -> Option<Value> {
        if let Some(value) = self.evaluator.recorded(id) {
            return Some(value.clone());
        }
        if self.form != Form::Substituted {
            return None;
        }
        let mut side = self.side.borrow_mut();
        side.get_or_insert_with(|| self.evaluator.for_terms())
            .expr(id, within)
            .ok()
    }

    fn needs_parentheses(shape: Shape, context: Context) -> bool {
        if shape.precedence != context.precedence {
            return shape.precedence < context.precedence;
        }
        match (context.side, context.op) {
            // a-(b+c), a/(b*c): the right side of a non-associative operator.
            (Side::Right, Some(BinaryOp::Sub | BinaryOp::Div | BinaryOp::Rem)) => true,
            (Side::Right, Some(op)) if op.precedence() == Precedence::Comparison => true,
            // (a^b)^c: the left side of a right-associative one.
            (Side::Left, Some(BinaryOp::Pow)) => true,
            _ => false,
        }
    }

    fn write(&self, out: &mut String, id: ExprId, within: StatementId, context: Context) {
        // Inlining parts can double the text at each level (`a2 = a1+a1`, `a3 = a2+a2`, ...):
        // printing stops at the output limit, and the renderer reports it.
        if !self.budget.output_fits(out.len()) {
            return;
        }
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            let (id, within) = self.follow(id, within);
            let parenthesize = Self::needs_parentheses(self.shape(id, within), context);
            if parenthesize {
                let (open, close) = self.parentheses();
                out.push_str(open);
                self.write_bare(out, id, within);
                out.push_str(close);
            } else {
                self.write_bare(out, id, within);
            }
        })
    }

    fn parentheses(&self) -> (&'static str, &'static str) {
        match self.dialect {
            Dialect::Plain => ("(", ")"),
            Dialect::Latex => ("\\left(", "\\right)"),
        }
    }

    fn operator(&self, op: BinaryOp) -> String {
        let symbol = match (self.dialect, op) {
            (Dialect::Latex, BinaryOp::Mul | BinaryOp::ImplicitMul) => "\\times",
            (Dialect::Latex, BinaryOp::Le) => "\\le",
            (Dialect::Latex, BinaryOp::Ge) => "\\ge",
            (Dialect::Latex, BinaryOp::Ne) => "\\ne",
            (Dialect::Latex, BinaryOp::Eq) => "=",
            (Dialect::Latex, BinaryOp::And) => "\\land",
            (Dialect::Latex, BinaryOp::Or) => "\\lor",
            // `%` starts a comment in TeX.
            (Dialect::Latex, BinaryOp::Rem) => "\\bmod",
            (_, op) => op.symbol(),
        };
        let words = matches!(op, BinaryOp::And | BinaryOp::Or);
        if self.format.spaced || words || self.dialect == Dialect::Latex && symbol.starts_with('\\')
        {
            format!(" {symbol} ")
        } else {
            symbol.to_string()
        }
    }

    fn write_bare(&self, out: &mut String, id: ExprId, within: StatementId) {
        let formula = self.evaluator.scope().formula();
        match formula.kind(id) {
            ExprKind::Number { text } => self.write_literal(out, text),
            ExprKind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            ExprKind::Str(s) => out.push_str(&format!("{s:?}")),
            ExprKind::Name(name) => self.write_name(out, id, name, within),
            ExprKind::Group(inner) => {
                let (open, close) = self.parentheses();
                out.push_str(open);
                self.write(out, inner, within, TOP);
                out.push_str(close);
            }
            ExprKind::Unary(op, operand) => {
                out.push_str(match (self.dialect, op) {
                    (Dialect::Latex, UnaryOp::Not) => "\\lnot ",
                    _ => op.symbol(),
                });
                let context = Context {
                    precedence: op.precedence(),
                    op: None,
                    side: Side::Alone,
                };
                self.write(out, operand, within, context);
            }
            ExprKind::Binary(op, lhs, rhs) => self.write_binary(out, op, lhs, rhs, within),
            ExprKind::Call(function, args) => self.write_call(out, id, function, args, within),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => match (self.form, self.evaluator.choice(id)) {
                (Form::Written, _) | (_, None) => {
                    out.push_str("if ");
                    self.write(out, condition, within, TOP);
                    out.push_str(" then ");
                    self.write(out, then, within, TOP);
                    out.push_str(" else ");
                    self.write(out, otherwise, within, TOP);
                }
                (_, Some(0)) => self.write_bare(out, then, within),
                (_, Some(_)) => self.write_bare(out, otherwise, within),
            },
            ExprKind::Alternatives(alternatives) => {
                let taken = self.evaluator.choice(id).and_then(|i| alternatives.get(i));
                match (self.form, taken) {
                    (Form::Written, _) | (_, None) => {
                        for (i, alternative) in alternatives.iter().enumerate() {
                            if i > 0 {
                                out.push_str(" | ");
                            }
                            let context = Context {
                                precedence: Precedence::Alternatives,
                                op: None,
                                side: Side::Left,
                            };
                            self.write(out, *alternative, within, context);
                        }
                    }
                    (_, Some(taken)) => self.write_bare(out, *taken, within),
                }
            }
            ExprKind::Apply {
                name,
                name_id,
                body,
                args,
            } => {
                if self.inlines_calls() && body != name_id {
                    self.write_bare(out, body, within);
                } else {
                    out.push_str(&self.symbol(name));
                    self.write_arguments(out, args, within);
                }
            }
            ExprKind::Sum {
                var, lo, hi, body, ..
            } => self.write_sum(out, id, var, [lo, hi, body], within),
            ExprKind::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if self.format.spaced { ", " } else { "," });
                    }
                    self.write(out, *item, within, TOP);
                }
                out.push(']');
            }
            ExprKind::Index(list, index) => match (self.form, self.unrecorded_value(id, within)) {
                (Form::Substituted, Some(value)) => out.push_str(&self.value(&value)),
                _ => {
                    let list_text = match formula.kind(list) {
                        ExprKind::Name(name) => self.symbol(name),
                        _ => self.expr(list, within),
                    };
                    out.push_str(&list_text);
                    out.push('[');
                    self.write(out, index, within, TOP);
                    out.push(']');
                }
            },
        }
    }

    fn write_arguments(&self, out: &mut String, args: &[ExprId], within: StatementId) {
        let (open, close) = self.parentheses();
        out.push_str(open);
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(if self.format.spaced { ", " } else { "," });
            }
            self.write(out, *arg, within, TOP);
        }
        out.push_str(close);
    }

    /// `sum(i in lo..hi, body)`: when its term does not depend on `i`, as the closed form
    /// `count*term`; substituted, as its terms; otherwise as written (in LaTeX
    /// `\sum_{i=lo}^{hi} body`).
    fn write_sum(
        &self,
        out: &mut String,
        id: ExprId,
        var: &str,
        [lo, hi, body]: [ExprId; 3],
        within: StatementId,
    ) {
        let product = Context {
            precedence: Precedence::Product,
            op: Some(BinaryOp::Mul),
            side: Side::Left,
        };
        if self.closed_form(id) {
            match (self.form, self.evaluator.sum_count(id)) {
                (Form::Substituted, Some(count)) => out.push_str(&self.number(count)),
                _ => out.push_str(&self.count_text(lo, hi, within)),
            }
            out.push_str(&self.operator(BinaryOp::Mul));
            self.write(
                out,
                body,
                within,
                Context {
                    side: Side::Right,
                    ..product
                },
            );
            return;
        }
        if self.form == Form::Substituted && self.write_terms(out, id, lo, body, within) {
            return;
        }
        // The term differs from one `i` to the next: it is printed as written, not as the values
        // of the last term evaluated.
        let written = Printer {
            evaluator: self.evaluator,
            budget: self.budget,
            side: Default::default(),
            form: Form::Written,
            dialect: self.dialect,
            format: self.format,
            keep_calls: true,
        };
        if self.dialect == Dialect::Latex {
            out.push_str("\\sum_{");
            out.push_str(&self.symbol(var));
            out.push('=');
            self.write(out, lo, within, TOP);
            out.push_str("}^{");
            self.write(out, hi, within, TOP);
            out.push_str("} ");
            let term = Context {
                side: Side::Right,
                ..product
            };
            written.write(out, body, within, term);
            return;
        }
        out.push_str("sum(");
        out.push_str(&self.symbol(var));
        out.push_str(" in ");
        self.write(out, lo, within, TOP);
        out.push_str("..");
        self.write(out, hi, within, TOP);
        out.push_str(", ");
        written.write(out, body, within, TOP);
        out.push(')');
    }

    /// Writes a sum whose term varies as its terms, substituted (`3*(96*7*7+96)+3*(...)+...`),
    /// so that a derivation is plain arithmetic a reader (or `check --scan`) can redo. Each term
    /// is evaluated again on an evaluator of its own, with the variable set, and printed from its
    /// records; a run of equal terms prints once with its count, and a zero term not at all.
    /// False, with nothing written, when the sum was not evaluated or has too many terms.
    fn write_terms(
        &self,
        out: &mut String,
        id: ExprId,
        lo: ExprId,
        body: ExprId,
        within: StatementId,
    ) -> bool {
        let Some(count) = self.evaluator.sum_count(id).and_then(Number::to_i64) else {
            return false;
        };
        if count > MAX_TERMS_EVALUATED {
            return false;
        }
        let mut terms = self.evaluator.for_terms();
        let mut index = match terms.expr(lo, within) {
            Ok(Value::Number(first)) if first.is_integer() => first,
            _ => return false,
        };
        let limit = self.evaluator.limits().max_bits;
        let operand = |side| Context {
            precedence: Precedence::Sum,
            op: Some(BinaryOp::Add),
            side,
        };
        let factor = Context {
            precedence: Precedence::Product,
            op: Some(BinaryOp::Mul),
            side: Side::Right,
        };
        // (how many equal terms in a row, the term as an operand of `+`, whether it needs
        // parentheses as the right operand of `*`)
        let mut runs: Vec<(u64, String, bool)> = Vec::new();
        let mut printed = 0;
        for _ in 0..count {
            if terms.enter_term(id, &index, within).is_none() {
                return false;
            }
            let term = Printer {
                evaluator: &terms,
                budget: self.budget,
                side: Default::default(),
                form: self.form,
                dialect: self.dialect,
                format: self.format,
                keep_calls: self.keep_calls,
            };
            let mut text = String::new();
            term.write(&mut text, body, within, operand(Side::Right));
            let shape = term.shape(body, within);
            let wrap = Self::needs_parentheses(shape, factor)
                && !Self::needs_parentheses(shape, operand(Side::Right));
            drop(term);
            terms.leave_term();
            match runs.last_mut() {
                Some((n, last, _)) if *last == text => *n += 1,
                _ if text == "0" => {}
                _ => {
                    printed += text.len();
                    if runs.len() == MAX_PRINTED_TERMS
                        || !self.budget.output_fits(out.len() + printed)
                    {
                        return false;
                    }
                    runs.push((1, text, wrap));
                }
            }
            index = match index.add(&Number::from_i64(1), limit) {
                Ok(next) => next,
                Err(_) => return false,
            };
        }
        if runs.is_empty() {
            out.push('0');
        }
        let (open, close) = self.parentheses();
        for (i, (n, text, wrap)) in runs.into_iter().enumerate() {
            if i > 0 {
                out.push_str(&self.operator(BinaryOp::Add));
            }
            if n > 1 {
                out.push_str(&self.number_text(&n.to_string()));
                out.push_str(&self.operator(BinaryOp::Mul));
            }
            if n > 1 && wrap {
                out.push_str(open);
                out.push_str(&text);
                out.push_str(close);
            } else {
                out.push_str(&text);
            }
        }
        true
    }

    /// The number of terms of `sum(i in lo..hi, ...)` as a formula: `L` for `0..L-1`, `n` for
    /// `1..n`, `(hi-lo+1)` otherwise.
    fn count_text(&self, lo: ExprId, hi: ExprId, within: StatementId) -> String {
        let formula = self.evaluator.scope().formula();
        let literal = |id: ExprId, value: &str| matches!(formula.kind(id), ExprKind::Number { text } if text == value);
        let (open, close) = self.parentheses();
        if literal(lo, "0") {
            if let ExprKind::Binary(BinaryOp::Sub, top, one) = formula.kind(hi) {
                if literal(one, "1") {
                    let context = Context {
                        precedence: Precedence::Product,
                        op: Some(BinaryOp::Mul),
                        side: Side::Left,
                    };
                    let mut text = String::new();
                    self.write(&mut text, top, within, context);
                    return text;
                }
            }
            return format!("{open}{}+1{close}", self.expr(hi, within));
        }
        if literal(lo, "1") {
            let mut text = String::new();
            let context = Context {
                precedence: Precedence::Product,
                op: Some(BinaryOp::Mul),
                side: Side::Left,
            };
            self.write(&mut text, hi, within, context);
            return text;
        }
        format!("{open}{}-{}+1{close}", self.expr(hi, within), {
            let mut text = String::new();
            let context = Context {
                precedence: Precedence::Sum,
                op: Some(BinaryOp::Sub),
                side: Side::Right,
            };
            self.write(&mut text, lo, within, context);
            text
        })
    }

    /// Writes a left-leaning chain (`a+b+c+...`, a million terms deep on the left) in a loop.
    fn write_binary(
        &self,
        out: &mut String,
        op: BinaryOp,
        lhs: ExprId,
        rhs: ExprId,
        within: StatementId,
    ) {
        let formula = self.evaluator.scope().formula();
        let mut spine = vec![(op, rhs)];
        let mut leftmost = lhs;
        while let ExprKind::Binary(inner, l, r) = formula.kind(leftmost) {
            let context = Context {
                precedence: spine[spine.len() - 1].0.precedence(),
                op: Some(spine[spine.len() - 1].0),
                side: Side::Left,
            };
            let shape = Shape {
                precedence: inner.precedence(),
            };
            if Self::needs_parentheses(shape, context) || inner == BinaryOp::Pow {
                break;
            }
            spine.push((inner, r));
            leftmost = l;
        }
        let start = out.len();
        let (first_op, _) = spine[spine.len() - 1];
        self.write_operand(out, leftmost, within, first_op, Side::Left);
        for &(op, right) in spine.iter().rev() {
            if self.dialect == Dialect::Latex && op == BinaryOp::Div {
                // \frac takes the chain so far as its numerator.
                let so_far = out.split_off(start);
                out.push_str(&format!(
                    "\\frac{{{so_far}}}{{{}}}",
                    self.expr(right, within)
                ));
                continue;
            }
            if self.dialect == Dialect::Latex && op == BinaryOp::Pow {
                out.push_str("^{");
                self.write(out, right, within, TOP);
                out.push('}');
                continue;
            }
            if matches!(op, BinaryOp::Add | BinaryOp::Sub) && self.decided_zero(right, within) {
                // `+0` left by an untaken feature (`if bias then H else 0`) is noise in a
                // derivation, and dropping it changes no value.
                continue;
            }
            out.push_str(&self.operator(op));
            self.write_operand(out, right, within, op, Side::Right);
        }
    }

    /// Whether `id` prints as a literal zero only because of a decision or an inlined part (a zero
    /// the author wrote in place stays).
    fn decided_zero(&self, id: ExprId, within: StatementId) -> bool {
        if self.form == Form::Written {
            return false;
        }
        let (followed, _) = self.follow(id, within);
        if followed == id {
            return false;
        }
        match self.evaluator.scope().formula().kind(followed) {
            ExprKind::Number { text } => text.chars().all(|c| c == '0' || c == '_'),
            _ => false,
        }
    }

    fn write_operand(
        &self,
        out: &mut String,
        id: ExprId,
        within: StatementId,
        op: BinaryOp,
        side: Side,
    ) {
        let context = Context {
            precedence: op.precedence(),
            op: Some(op),
            side,
        };
        self.write(out, id, within, context);
    }

    fn write_call(
        &self,
        out: &mut String,
        id: ExprId,
        function: Function,
        args: &[ExprId],
        within: StatementId,
    ) {
        if function == Function::Model && self.form == Form::Substituted {
            // A sub-model is a part: its count, like any part's value.
            if let Some(value) = self.evaluator.sub_model(id) {
                out.push_str(&self.value(&value));
                return;
            }
        }
        let latex_name = format!("\\operatorname{{{}}}\\left(", function.name());
        let (open, separator, close) = match (self.dialect, function) {
            (Dialect::Latex, Function::Floor) => ("\\left\\lfloor ", ", ", " \\right\\rfloor"),
            (Dialect::Latex, Function::Ceil) => ("\\left\\lceil ", ", ", " \\right\\rceil"),
            (Dialect::Latex, Function::Min) => ("\\min\\left(", ", ", "\\right)"),
            (Dialect::Latex, Function::Max) => ("\\max\\left(", ", ", "\\right)"),
            (Dialect::Latex, _) => (latex_name.as_str(), ", ", "\\right)"),
            (Dialect::Plain, _) => ("(", if self.format.spaced { ", " } else { "," }, ")"),
        };
        if self.dialect == Dialect::Plain {
            out.push_str(function.name());
        }
        out.push_str(open);
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            self.write(out, *arg, within, TOP);
        }
        out.push_str(close);
    }

    fn write_literal(&self, out: &mut String, text: &str) {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            let digits = text.trim_start_matches('0');
            let digits = if digits.is_empty() { "0" } else { digits };
            out.push_str(&self.number_text(digits));
        } else {
            out.push_str(text);
        }
    }

    fn number_text(&self, digits: &str) -> String {
        match (self.format.group_digits, self.dialect) {
            (false, _) => digits.to_string(),
            (true, Dialect::Plain) => group_digits(digits, ","),
            (true, Dialect::Latex) => group_digits(digits, "\\,"),
        }
    }

    fn write_name(&self, out: &mut String, id: ExprId, name: &str, within: StatementId) {
        let formula = self.evaluator.scope().formula();
        if let Some(statement) = self.target(id, within) {
            if self.inlines(statement) {
                let value = formula.statement(statement).value();
                self.write_bare(out, value, statement);
                return;
            }
        }
        match self.form {
            Form::Written | Form::Symbolic => out.push_str(&self.symbol(name)),
            Form::Substituted => match self.substituted_value(id, within) {
                Some(value) => out.push_str(&self.value(&value)),
                None => out.push_str(&self.symbol(name)),
            },
        }
    }

    /// A name as the dialect writes it: `d_model` is `\mathrm{d\_model}` in LaTeX.
    pub fn symbol(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Plain => name.to_string(),
            Dialect::Latex if name.chars().count() == 1 => name.to_string(),
            Dialect::Latex => format!("\\mathrm{{{}}}", name.replace('_', "\\_")),
        }
    }
}
