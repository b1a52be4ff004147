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
                // `[7]` is a bracket around 7: a list of one item needs its trailing comma.
                let trailing = if items.len() == 1 { "," } else { "" };
                format!("[{}{trailing}]", items.join(", "))
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
                if items.len() == 1 {
                    out.push(',');
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

/// Edges of printing that mutation testing found unguarded (`tests/MUTANTS.md`): the parentheses
/// precedence needs on each side of each operator, substituted negatives and fractions, the LaTeX
/// dialect, closed forms of sums, kept calls. Each expected text is written out by hand from the
/// rules in the comments.
#[cfg(test)]
mod edges {
    use super::NumberFormat;
    use crate::program::{FormulaSource, Program, Request};
    use crate::render::Style;

    fn derive_with(text: &str, style: Style, format: NumberFormat) -> String {
        let request = Request {
            formula: Some(FormulaSource::Text {
                name: "t.formula".into(),
                text: text.into(),
            }),
            ..Request::default()
        };
        let program = Program::load(&request).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        crate::derive(&program, style, format)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .text
    }

    fn derive(text: &str, style: Style) -> String {
        derive_with(text, style, NumberFormat::default())
    }

    /// The article line: the substituted formula `=` its value.
    fn article(text: &str) -> String {
        derive(text, Style::Article).trim_end().to_string()
    }

    fn symbolic(text: &str) -> String {
        derive(text, Style::Symbolic).trim_end().to_string()
    }

    /// The LaTeX formula between `\[` and `\]`.
    fn latex(text: &str) -> String {
        let out = derive(text, Style::Latex);
        out.lines().nth(1).unwrap_or_default().to_string()
    }

    #[test]
    fn inlined_parts_get_the_parentheses_their_side_needs() {
        // % is not associative: a product inlined on its right is bracketed. 100 % 15 = 10.
        assert_eq!(article("part = 3*5\ntotal = 100 % part\n"), "100%(3*5)=10");
        // ... and on its left it is not: 15 % 4 = 3.
        assert_eq!(article("part = 3*5\ntotal = part % 4\n"), "3*5%4=3");
        // A power inlined on the left of ^ is bracketed ((2^3)^2 = 64), on its right not
        // (2^2^3 = 2^8 = 256).
        assert_eq!(article("part = 2^3\ntotal = part^2\n"), "(2^3)^2=64");
        assert_eq!(article("part = 2^3\ntotal = 2^part\n"), "2^2^3=256");
        // A comparison inlined on the right of a comparison is bracketed; on its left not.
        assert_eq!(
            article("part = 1 == 1\ntotal = true == part\n"),
            "true==(1==1)=true"
        );
        assert_eq!(
            article("part = 1 < 2\ntotal = part == true\n"),
            "1<2==true=true"
        );
        // A sum inlined into a product on either side: (1+2)*4 = 12, 4*(1+2) = 12.
        assert_eq!(article("part = 1+2\ntotal = part*4\n"), "(1+2)*4=12");
        // A product inlined into a sum needs none: 1+2*3 = 7.
        assert_eq!(article("part = 2*3\ntotal = 1+part\n"), "1+2*3=7");
        // A sign applies to a bracketed inlined sum: -(1+2) = -3.
        assert_eq!(article("part = 1+2\ntotal = -part\n"), "-(1+2)=-3");
    }

    #[test]
    fn substituted_negatives_and_fractions_are_bracketed_where_they_are_not_alone() {
        // -3 in a product: 2*(-3) = -6. Alone it needs nothing.
        assert_eq!(article("let n = 0-3\ntotal = 2*n\n"), "2*(-3)=-6");
        assert_eq!(article("let n = 0-3\ntotal = n\n"), "-3=-3");
        // 1/2 prints as a quotient: bracketed under ^ and on the right of /, not after *.
        // (1/2)^2 = 1/4; 3/(1/2) = 6; 2*1/2 = 1.
        assert_eq!(article("let h = 1/2\ntotal = h^2\n"), "(1/2)^2=1/4");
        assert_eq!(article("let h = 1/2\ntotal = 3/h\n"), "3/(1/2)=6");
        assert_eq!(article("let h = 1/2\ntotal = 2*h\n"), "2*1/2=1");
        // In LaTeX a fraction is \frac, an atom: no brackets.
        assert_eq!(
            latex("let h = 1/2\ntotal = h^2\n"),
            "\\frac{1}{2}^{2} = \\frac{1}{4}"
        );
        assert_eq!(
            latex("let h = 0-1/2\ntotal = h\n"),
            "-\\frac{1}{2} = -\\frac{1}{2}"
        );
    }

    #[test]
    fn the_symbolic_form_keeps_sizes_and_inlines_parts() {
        let text = "let H = 4\nd_model = 3\npart = H*(H+1)\ntotal = 2*part + d_model\n";
        assert_eq!(symbolic(text), "2*H*(H+1)+d_model");
        // 2*4*5 + 3 = 43.
        assert_eq!(article(text), "2*4*(4+1)+3=43");
    }

    #[test]
    fn sums_whose_term_does_not_vary_print_as_count_times_term() {
        // 0..H-1 has H terms; 1..H has H; 2..H has H-2+1. With H = 4: 4*5 + 4*5 + 3*5 = 55.
        let text = "let H = 4\nlet x = 5\ntotal = sum(i in 0..H-1, x) + sum(i in 1..H, x) + sum(i in 2..H, x)\n";
        assert_eq!(symbolic(text), "H*x+H*x+(H-2+1)*x");
        assert_eq!(article(text), "4*5+4*5+3*5=55");
        // 0..H (not H-1) has H+1 terms: 5*5 = 25.
        let text = "let H = 4\nlet x = 5\ntotal = sum(i in 0..H, x)\n";
        assert_eq!(symbolic(text), "(H+1)*x");
        assert_eq!(article(text), "5*5=25");
        // A term that varies is kept as written in the symbolic style and printed as its terms
        // where numbers are substituted: 1+2+3 = 6.
        let text = "let H = 3\ntotal = sum(i in 1..H, i)\n";
        assert_eq!(symbolic(text), "sum(i in 1..H, i)");
        assert_eq!(article(text), "1+2+3=6");
        // Equal terms in a row print once, times their count, bracketed when a product needs it
        // (a single term does not): 6+6+7+7 = 26, and 6+7 = 13.
        let text = "h = 5\ntotal = sum(i in 0..3, if i < 2 then 1 + h else 2 + h)\n";
        assert_eq!(article(text), "2*(1+5)+2*(2+5)=26");
        let text = "h = 5\ntotal = sum(i in 0..1, if i < 1 then 1 + h else 2 + h)\n";
        assert_eq!(article(text), "1+5+2+5=13");
        // A product needs no brackets as a factor: 2*5 twice is 2*2*5 = 20.
        let text = "h = 5\ntotal = sum(i in 0..1, if i < 5 then 2*h else 0)\n";
        assert_eq!(article(text), "2*2*5=20");
        // A term that prints as 0 is left out of the terms: 0+1+2+3 prints 1+2+3, still 6.
        assert_eq!(article("total = sum(i in 0..3, i)\n"), "1+2+3=6");
        // As a factor, the printed terms are bracketed (2*(1+2+3) = 12); the call as written is
        // not, in the symbolic line.
        let text = "let H = 3\ntotal = 2*sum(i in 1..H, i)\n";
        assert_eq!(article(text), "2*(1+2+3)=12");
        assert_eq!(symbolic(text), "2*sum(i in 1..H, i)");
        // Past 1,000 distinct terms the sum is printed as written: 1+...+1001 = 1001*1002/2.
        assert_eq!(
            article("total = sum(i in 1..1001, i)\n"),
            "sum(i in 1..1001, i)=501501"
        );
        assert!(article("total = sum(i in 1..1000, i)\n").starts_with("1+2+3+"));
    }

    #[test]
    fn branches_taken_and_negative_names() {
        // The article and symbolic lines print the branch an `if` took; a negative value is
        // bracketed where it is substituted, and a name is not: 6+5+3 = 14.
        let text = "let c = true\nlet x = -3\ntotal = (if c then 2*3 else 4) + 5 - x\n";
        assert_eq!(article(text), "2*3+5-(-3)=14");
        assert_eq!(symbolic(text), "2*3+5-x");
        // The branch taken decides the brackets, not the `if` around it: 2*3 = 6.
        assert_eq!(
            article("let c = true\ntotal = 2 * (if c then 3 else 4)\n"),
            "2*3=6"
        );
        assert_eq!(
            article("let c = false\ntotal = 2 * (if c then 3 else 1 + 4)\n"),
            "2*(1+4)=10"
        );
        // A call is printed as its body, bracketed as the body needs: 2*(3+1) = 8.
        assert_eq!(article("fn f(x) = x + 1\ntotal = 2 * f(3)\n"), "2*(3+1)=8");
        // A sum printed as its terms is bracketed as a sum: 2*(1+2+3) = 12.
        assert_eq!(article("total = 2 * sum(i in 1..3, i)\n"), "2*(1+2+3)=12");
    }

    #[test]
    fn latex_operators() {
        assert_eq!(
            latex("let H = 4\nlet W = 3\ntotal = H*W\n"),
            "4 \\times 3 = 12"
        );
        // A quotient takes the chain before it as its numerator: (2*3)/4 = 3/2.
        assert_eq!(
            latex("total = 2*3/4\n"),
            "\\frac{2 \\times 3}{4} = \\frac{3}{2}"
        );
        // Comparisons bind tighter than `and`, `not` tighter than `and`: no brackets.
        assert_eq!(
            latex("total = 1 <= 2 and 2 >= 1 and 1 != 2 and not false\n"),
            "1 \\le 2 \\land 2 \\ge 1 \\land 1 \\ne 2 \\land \\lnot false = true"
        );
        // min 2, max 3, floor(7/2) 3, ceil(7/2) 4: 12.
        assert_eq!(
            latex("total = min(2, 3) + max(2, 3) + floor(7/2) + ceil(7/2)\n"),
            "\\min\\left(2, 3\\right)+\\max\\left(2, 3\\right)+\\left\\lfloor \\frac{7}{2} \\right\\rfloor+\\left\\lceil \\frac{7}{2} \\right\\rceil = 12"
        );
        // Digits are grouped in LaTeX by `\,`: 1,234 * 2 = 2,468.
        assert_eq!(latex("total = 1234*2\n"), "1\\,234 \\times 2 = 2\\,468");

        // Sums whose term varies print as their terms, whatever the variable's name:
        // 1+2 + 1+2 = 6.
        assert_eq!(
            latex("total = sum(i in 1..2, i) + sum(d_l in 1..2, d_l)\n"),
            "1+2+1+2 = 6"
        );
        // Past the printer's term limit a sum is kept, as \sum; a variable of more than one
        // letter is upright, its underscore escaped. Each sum is 200000*200001/2 = 20,000,100,000.
        assert_eq!(
            latex("total = sum(d_l in 1..200000, d_l) + sum(i in 1..200000, i)\n"),
            "\\sum_{\\mathrm{d\\_l}=1}^{200\\,000} \\mathrm{d\\_l}+\\sum_{i=1}^{200\\,000} i = 40\\,000\\,200\\,000"
        );
    }

    #[test]
    fn json_substitutes_an_index_by_the_item() {
        // xs[1] is the second item, 2: 4*3 + 2*2 = 16.
        let text = "let H = 4\nlet W = 3\nxs = [1, 2, 3]\ntotal = H*W + xs[1]*2\n";
        let json: serde_json::Value =
            serde_json::from_str(&derive(text, Style::Json)).expect("json");
        assert_eq!(json["substituted"], "4*3+2*2");
        assert_eq!(json["symbolic"], "H*W+xs[1]*2");
        assert_eq!(json["value"], "16");
    }

    #[test]
    fn printing_stops_at_the_output_limit_before_the_text_is_built() {
        // Each part doubles the inlined text: a40 alone would print 2^40 ones. Printing stops
        // where the next piece no longer fits the limit (64 KiB here), so the error comes at once
        // instead of after building a terabyte string.
        let mut text = String::from("a0 = 1\n");
        for i in 1..=40 {
            text.push_str(&format!("a{i} = a{p}+a{p}\n", p = i - 1));
        }
        text.push_str("total = a40\n");
        let request = Request {
            formula: Some(FormulaSource::Text {
                name: "t.formula".into(),
                text,
            }),
            limits: crate::limits::Limits {
                max_input_bytes: 64 * 1024,
                ..crate::limits::Limits::default()
            },
            ..Request::default()
        };
        let program = Program::load(&request).expect("the file loads");
        let result = crate::derive(&program, Style::Article, NumberFormat::default());
        assert!(
            matches!(result, Err(crate::Error::OutputTooLarge { .. })),
            "{:?}",
            result.map(|d| d.text.len())
        );
    }

    #[test]
    fn a_list_of_one_item_keeps_its_comma() {
        // `[7]` reads back as a bracket around 7; `[7,]` is the list. len 1 + len 2 = 3.
        let text = "total = len([7,]) + len([1, 2])\n";
        assert_eq!(symbolic(text), "len([7,])+len([1,2])");
        assert!(article(text).ends_with("=3"), "{}", article(text));
        assert!(article(text).contains("[7,]"), "{}", article(text));
    }

    #[test]
    fn list_values_print_as_lists_and_their_items_ungrouped() {
        // A size bound to a list prints its value: a list of one keeps its trailing comma.
        assert_eq!(article("x = [7,]\ntotal = len(x)\n"), "len([7,])=1");
        assert_eq!(article("x = [7, 8]\ntotal = len(x)\n"), "len([7, 8])=2");
        // Digits grouped with commas would read as more items: items are never grouped.
        let grouped = NumberFormat {
            group_digits: true,
            ..NumberFormat::default()
        };
        assert_eq!(
            derive_with(
                "x = [1000000, 2]\ntotal = len(x)*1000\n",
                Style::Article,
                grouped
            )
            .trim_end(),
            "len([1000000, 2])*1,000=2,000"
        );
    }

    #[test]
    fn a_negative_part_is_bracketed_as_an_operand() {
        // Raised to a power: (-5)^2 = 25, not -(5^2) = -25.
        assert_eq!(article("h = 5\npart = -h\ntotal = part^2\n"), "(-5)^2=25");
        // A part whose formula is a sign, inlined under a power: (-(5+1))^2 = 36.
        let text = "let h = 5\npart = -(h+1)\ntotal = part^2\n";
        assert_eq!(symbolic(text), "(-(h+1))^2");
        assert_eq!(article(text), "(-(5+1))^2=36");
    }

    #[test]
    fn the_written_formula_keeps_alternatives_and_conditionals_as_written() {
        // JSON's `formula` of a part is its text as written: `|` between the alternatives, and an
        // `if` or alternatives used as a factor keep their brackets.
        let text = "let c = 1\npart = (n_embd | 4)*(if c < 2 then 2 else 3)\ntotal = part + 1\n";
        let json = derive(text, Style::Json);
        let written = "\"formula\": \"(n_embd | 4)*(if c<2 then 2 else 3)\"";
        assert!(json.contains(written), "{json}");
        // n_embd is unbound, so 4; c < 2, so 2: 4*2 + 1 = 9.
        assert!(json.contains("\"value\": \"9\""), "{json}");
    }

    #[test]
    fn a_bracketed_or_negated_name_is_a_size_not_a_part() {
        // `x = (h)` and `y = -h` read a value: the symbolic line keeps their names, and the
        // article shows their values: 2*5 + 3*(-5) = -5.
        let text = "let h = 5\nx = (h)\ny = -h\ntotal = 2*x + 3*y\n";
        assert_eq!(symbolic(text), "2*x+3*y");
        assert_eq!(article(text), "2*5+3*(-5)=-5");
    }

    #[test]
    fn calls_and_closed_form_sums_as_factors() {
        // A call keeps its arguments apart: max(5, 3)*2 = 10.
        let text = "let h = 5\ntotal = max(h, 3)*2\n";
        assert_eq!(symbolic(text), "max(h,3)*2");
        // A user function's call, kept as written (`--keep-calls`): lin(5, 3) + 1 = 16.
        let kept = NumberFormat {
            keep_calls: true,
            ..NumberFormat::default()
        };
        let text = "fn lin(a, b) = a*b\nlet h = 5\ntotal = lin(h, 3) + 1\n";
        assert_eq!(
            derive_with(text, Style::Symbolic, kept).trim_end(),
            "lin(h,3)+1"
        );
        // A sum whose term does not vary is count times term, a product: no brackets as a factor.
        // 2*3*5 = 30.
        assert_eq!(
            article("let x = 5\ntotal = 2*sum(i in 1..3, x)\n"),
            "2*3*5=30"
        );
    }

    #[test]
    fn number_formats() {
        let grouped = NumberFormat {
            group_digits: true,
            ..NumberFormat::default()
        };
        assert_eq!(
            derive_with("total = 1234*2\n", Style::Article, grouped).trim_end(),
            "1,234*2=2,468"
        );
        let spaced = NumberFormat {
            spaced: true,
            ..NumberFormat::default()
        };
        assert_eq!(
            derive_with("let a = 1\ntotal = a + 2*3\n", Style::Symbolic, spaced).trim_end(),
            "a + 2 * 3"
        );
        // `and`/`or` are words: spaced whatever the format.
        assert_eq!(
            derive("let a = true\ntotal = a and false or a\n", Style::Symbolic).trim_end(),
            "a and false or a"
        );
        // A call of a user function is inlined unless asked for as written.
        let text = "fn f(x) = 2*x\nlet H = 4\ntotal = f(H) + 1\n";
        assert_eq!(symbolic(text), "2*H+1");
        let kept = NumberFormat {
            keep_calls: true,
            ..NumberFormat::default()
        };
        assert_eq!(
            derive_with(text, Style::Symbolic, kept).trim_end(),
            "f(H)+1"
        );
    }
}
