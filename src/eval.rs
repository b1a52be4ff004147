//! Evaluation: the bound tree → exact values.
//!
//! Evaluation is lazy and memoised: a definition is computed once, when first needed; the untaken
//! branch of an `if` and the alternatives after the first available one are never evaluated (so they
//! cannot fail). The evaluator remembers what it decided (which branch, which alternative) and, on
//! request, every node's value: the renderers print exactly the computation that happened.
//!
//! Nesting is not limited here: recursion grows its own stack (`stacker`), and a long left-leaning
//! chain such as a million-term sum is walked in a loop.

use std::collections::HashMap;

mod chain;

use crate::bind::{Resolution, Scope};
use crate::config::Lookup;
use crate::error::{Error, NameContext, Result};
use crate::number::{ArithmeticError, Number};
use crate::parser::{RED_ZONE, STACK_SEGMENT};
use crate::syntax::{
    BinaryOp, ExprId, ExprKind, Function, Node, Span, StatementId, StatementKind, Symbol, UnaryOp,
};

// The limits live in `limits`; these names stay for callers written against `eval`.
pub use crate::limits::{
    Limits, DEFAULT_MAX_BITS, DEFAULT_MAX_DEFINITIONS, DEFAULT_MAX_EXPONENT,
    DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_SUM_TERMS,
};

/// The value of an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Number(Number),
    Bool(bool),
    Str(String),
    /// A list from the config (`layer_types`) or written `[a, b]`.
    List(Vec<Value>),
}

impl Value {
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            Value::Bool(_) | Value::Str(_) | Value::List(_) => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Value::Number(n) => format!("the number {n}"),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Str(s) => format!("the string {s:?}"),
            Value::List(items) => format!(
                "a list of {} element{}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            ),
        }
    }

    /// A config value as a value; `None` for absent or unusable ones.
    pub fn from_lookup(lookup: Lookup) -> Option<Value> {
        Some(match lookup {
            Lookup::Number(n) => Value::Number(n),
            Lookup::Bool(b) => Value::Bool(b),
            Lookup::Str(s) => Value::Str(s),
            Lookup::List(items) => Value::List(
                items
                    .into_iter()
                    .map(Value::from_lookup)
                    .collect::<Option<Vec<Value>>>()?,
            ),
            Lookup::Absent | Lookup::Unusable { .. } => return None,
        })
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
        }
    }
}

/// Where the value of a size came from, for a reader of the derivation.
#[derive(Clone, Debug, PartialEq)]
pub enum Provenance {
    /// Read from the config. `alternative` is (index, count) when the binding listed several keys;
    /// `absent` are the keys tried before it.
    Config {
        key: String,
        alternative: Option<(usize, usize)>,
        absent: Vec<String>,
    },
    /// The binding's default expression, because every key before it was absent.
    Default { expr: ExprId, absent: Vec<String> },
    /// Given on the command line with `--set`.
    Set,
    /// Computed by the formula itself.
    Formula,
}

#[derive(Clone, Debug)]
enum State {
    Active,
    Done(Result<Value>),
}

/// One claim of an `=` chain: a link, compared with the link before it.
#[derive(Clone, Debug)]
pub struct ClaimOutcome {
    /// The statement the chain belongs to.
    pub statement: StatementId,
    /// The claimed side (a later link of the chain).
    pub claimed: ExprId,
    /// The side it is compared with (the link before it).
    pub computed: ExprId,
    /// Both values, or why one of them has none.
    pub outcome: Result<(Value, Value)>,
}

impl ClaimOutcome {
    pub fn holds(&self) -> Option<bool> {
        self.outcome.as_ref().ok().map(|(a, b)| a == b)
    }
}

pub struct Evaluator<'s> {
    scope: &'s Scope<'s>,
    limits: Limits,
    /// The statements visited so far (a statement absent is unvisited). A map, not a table of
    /// every statement: `check` makes an evaluator per candidate repair of a false claim, and
    /// each reaches a handful of statements of a document that may hold ten thousand.
    statements: HashMap<StatementId, State, foldhash::fast::RandomState>,
    /// Statements being evaluated, innermost last, with the span that asked for each.
    active: Vec<StatementId>,
    /// The branch (`if`: 0 then, 1 else) or alternative each decided node took.
    choices: HashMap<ExprId, usize>,
    /// Every node's value, when recording (for the tree in JSON output).
    recorded: Option<HashMap<ExprId, Value>>,
    /// Inside an alternative of the statement being evaluated: an unknown name there only means
    /// "try the next one", so its spelling suggestions (a scan of every known name) are not made.
    /// A sweep re-evaluates `I = n_inner | 4*H` at every point; suggesting for `n_inner` each time
    /// was most of its cost.
    in_alternative: bool,
    /// Evaluating ahead the definitions of a long chain (`eval/chain.rs`): an error is not kept,
    /// so that the evaluation proper meets it in its own order and words it as always.
    chaining: bool,
    /// A chain ahead met an error or a cycle: later tries would walk the same chain again (a
    /// walk a level, quadratic), so the evaluation recurses as it always did.
    chain_failed: bool,
    /// How many `expr` calls are on the stack.
    depth: usize,
    /// The most statements ever in progress at once: the chain loop's tests read it.
    #[cfg(test)]
    deepest: usize,
    /// What the renderers printed of numbers so far (see `digits`).
    printed: std::cell::RefCell<Printed>,
    /// The variables of the `sum`s being evaluated, innermost last.
    locals: Vec<(Symbol, Value)>,
    /// Whether a `sum`'s summand depends on its variable, by the sum's node.
    summand_varies: HashMap<ExprId, bool>,
    /// The number of terms of each `sum` evaluated.
    sum_counts: HashMap<ExprId, Number>,
    /// The value of each `model(...)` evaluated.
    sub_models: HashMap<ExprId, Value>,
    /// Terms of `sum`s added so far, in all (bounded by `Limits::max_sum_terms`: nested sums
    /// multiply their counts).
    sum_terms: u64,
    /// The value of each call of a user function, with the `locals_generation` it was computed
    /// in: an argument is one node however often the body uses it, and `g(g(g(x)))` with
    /// `fn g(x) = x*x*x*x` would otherwise evaluate the innermost call 4^3 times.
    calls: HashMap<ExprId, (u64, Value)>,
    /// Changes whenever the `sum` variables in scope change.
    locals_generation: u64,
}

/// How many levels of evaluation run between two stack checks. A level takes well under a
/// kilobyte of stack in a debug build, so 16 fit in the red zone many times over.
const GROW_EVERY: usize = 16;

/// Digits printed by the renderers: a derivation may show one million-digit size many times, and
/// converting it to decimal takes a fraction of a second each time, so large numbers are converted
/// once; and the digits printed in all are bounded by the input limit, so the output is too.
#[derive(Default)]
struct Printed {
    total: usize,
    /// Bits of the values recorded for the JSON tree.
    recorded_bits: u64,
    overflowed: bool,
    large: Vec<(num_bigint::BigInt, std::rc::Rc<str>)>,
}

/// Integers of more bits than this are converted to decimal once per derivation.
const LARGE_BITS: u64 = 8192;

impl<'s> Evaluator<'s> {
    pub fn new(scope: &'s Scope<'s>, limits: Limits) -> Evaluator<'s> {
        Evaluator {
            scope,
            limits,
            statements: HashMap::default(),
            active: Vec::new(),
            choices: HashMap::new(),
            recorded: None,
            in_alternative: false,
            chaining: false,
            chain_failed: false,
            depth: 0,
            #[cfg(test)]
            deepest: 0,
            printed: Default::default(),
            locals: Vec::new(),
            summand_varies: HashMap::new(),
            sum_counts: HashMap::new(),
            sub_models: HashMap::new(),
            sum_terms: 0,
            calls: HashMap::new(),
            locals_generation: 0,
        }
    }

    /// The value of the `model(...)` call at `id`, if it was evaluated.
    pub fn sub_model(&self, id: ExprId) -> Option<Value> {
        self.sub_models.get(&id).cloned()
    }

    /// How many terms the `sum` at `id` had, if it was evaluated.
    pub fn sum_count(&self, id: ExprId) -> Option<&Number> {
        self.sum_counts.get(&id)
    }

    /// Whether the summand of the `sum` at `id` depends on its variable (when it does not, the
    /// sum is the count times the summand).
    pub fn summand_varies(&self, id: ExprId) -> bool {
        self.summand_varies.get(&id).copied().unwrap_or(true)
    }

    /// A fresh evaluator over the same program, recording every node, that sees the `sum`
    /// variables in scope here. The printer uses it to print the terms of a sum one at a time
    /// (this evaluator's records hold only the last term of each) and to find the value of a node
    /// that was not recorded.
    pub fn for_terms(&self) -> Evaluator<'s> {
        let mut terms = Evaluator::new(self.scope, self.limits).record_values();
        terms.locals = self.locals.clone();
        terms
    }

    /// Evaluates one term of the `sum` at `sum`, its variable set to `index`, and keeps the
    /// variable in scope until `leave_term` (the printer reads the term's records meanwhile).
    /// None, with nothing kept, when `sum` is not a sum or the term fails.
    pub fn enter_term(
        &mut self,
        sum: ExprId,
        index: &Number,
        within: StatementId,
    ) -> Option<Value> {
        let formula = self.scope.formula();
        let ExprKind::Sum { var_id, body, .. } = formula.kind(sum) else {
            return None;
        };
        let Node::Name(symbol) = formula.node(var_id) else {
            return None;
        };
        self.locals.push((symbol, Value::Number(index.clone())));
        self.locals_generation += 1;
        match self.expr(body, within) {
            Ok(value) => Some(value),
            Err(_) => {
                self.leave_term();
                None
            }
        }
    }

    /// Ends the term `enter_term` began.
    pub fn leave_term(&mut self) {
        self.locals.pop();
        self.locals_generation += 1;
    }

    /// The decimal digits of `n` for a renderer. Past the output limit (`Limits::max_input_bytes`
    /// digits in all) it prints `…` instead, and `printing_overflowed` says so.
    pub fn digits(&self, n: &num_bigint::BigInt) -> std::rc::Rc<str> {
        let mut printed = self.printed.borrow_mut();
        let estimate = usize::try_from(n.bits() * 3 / 10 + 1).unwrap_or(usize::MAX);
        if printed.overflowed
            || printed.total.saturating_add(estimate) > self.limits.max_input_bytes
        {
            printed.overflowed = true;
            return "…".into();
        }
        printed.total += estimate;
        if n.bits() <= LARGE_BITS {
            return n.to_string().into();
        }
        if let Some((_, text)) = printed.large.iter().find(|(m, _)| m == n) {
            return text.clone();
        }
        let text: std::rc::Rc<str> = n.to_string().into();
        printed.large.push((n.clone(), text.clone()));
        text
    }

    /// Counts `bytes` of text a renderer prints against the output limit; false past it (and
    /// `printing_overflowed` then says so).
    pub fn charge_output(&self, bytes: usize) -> bool {
        let mut printed = self.printed.borrow_mut();
        printed.total = printed.total.saturating_add(bytes);
        if printed.total > self.limits.max_input_bytes {
            printed.overflowed = true;
        }
        !printed.overflowed
    }

    /// Whether `pending` more bytes still fit in the output limit; past it, marks the output as
    /// overflowed.
    pub fn output_fits(&self, pending: usize) -> bool {
        let mut printed = self.printed.borrow_mut();
        if printed.total.saturating_add(pending) > self.limits.max_input_bytes {
            printed.overflowed = true;
        }
        !printed.overflowed
    }

    /// Whether a renderer stopped printing numbers at the output limit.
    pub fn printing_overflowed(&self) -> bool {
        self.printed.borrow().overflowed
    }

    /// Keep every node's value, for renderers that print them all.
    pub fn record_values(mut self) -> Evaluator<'s> {
        self.recorded = Some(HashMap::new());
        self
    }

    pub fn scope(&self) -> &'s Scope<'s> {
        self.scope
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The value of a statement (memoised).
    pub fn statement(&mut self, id: StatementId) -> Result<Value> {
        self.statement_used_at(id, None)
    }

    /// The value of a node evaluated as part of statement `within`.
    pub fn expr(&mut self, id: ExprId, within: StatementId) -> Result<Value> {
        // Parentheses compute nothing: they are walked in a loop, not a level of recursion each,
        // which halves the stack that input nested a million deep (`1+(1+(...))`) needs.
        let formula = self.scope.formula();
        let mut inner = id;
        while let Node::Group(next) = formula.node(inner) {
            inner = next;
        }
        // Asking stacker how much stack is left costs more than evaluating a small node, so it is
        // asked every `GROW_EVERY` levels; the red zone covers that many levels with room to spare.
        self.depth += 1;
        let value = if self.depth % GROW_EVERY == 0 {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.eval(inner, within))
        } else {
            self.eval(inner, within)
        };
        self.depth -= 1;
        if inner != id {
            if let Ok(value) = &value {
                let mut group = id;
                while group != inner {
                    self.record(group, value);
                    let Node::Group(next) = formula.node(group) else {
                        break;
                    };
                    group = next;
                }
            }
        }
        value
    }

    /// Takes `value` as the value of statement `id` without evaluating it. A sweep varies a `--set`
    /// override this way: one parse, then a new value per point.
    pub fn assume(&mut self, id: StatementId, value: Value) {
        self.calls.clear();
        self.statements.insert(id, State::Done(Ok(value)));
    }

    /// Forgets the memoised values of `ids` (after an `assume`, the statements that depend on it),
    /// so the next use evaluates them again.
    pub fn forget(&mut self, ids: &[StatementId]) {
        self.calls.clear();
        for id in ids {
            self.statements.remove(id);
        }
    }

    /// Which branch or alternative a node took, if it was evaluated.
    pub fn choice(&self, id: ExprId) -> Option<usize> {
        self.choices.get(&id).copied()
    }

    /// A node's value, if it was evaluated while recording.
    pub fn recorded(&self, id: ExprId) -> Option<&Value> {
        self.recorded.as_ref().and_then(|r| r.get(&id))
    }

    /// A statement's value, if it has been evaluated successfully.
    pub fn known(&self, id: StatementId) -> Option<&Value> {
        match self.statements.get(&id) {
            Some(State::Done(Ok(v))) => Some(v),
            _ => None,
        }
    }

    /// Evaluates every claim of a statement's `=` chain.
    pub fn claims(&mut self, id: StatementId) -> Vec<ClaimOutcome> {
        let statement = self.scope.formula().statement(id);
        let links: Vec<ExprId> = std::iter::once(statement.value())
            .chain(statement.claims().iter().copied())
            .collect();
        let mut outcomes = Vec::new();
        for pair in links.windows(2) {
            let computed = if pair[0] == statement.value() {
                self.statement(id)
            } else {
                self.expr(pair[0], id)
            };
            let claimed = self.expr(pair[1], id);
            let outcome = computed.and_then(|c| claimed.map(|d| (c, d)));
            outcomes.push(ClaimOutcome {
                statement: id,
                claimed: pair[1],
                computed: pair[0],
                outcome,
            });
        }
        outcomes
    }

    /// Where a size's value came from.
    pub fn provenance(&self, id: StatementId) -> Provenance {
        let formula = self.scope.formula();
        let statement = formula.statement(id);
        if let StatementKind::Override { .. } = statement.kind {
            return Provenance::Set;
        }
        let mut value = statement.value();
        while let ExprKind::Group(inner) = formula.kind(value) {
            value = inner;
        }
        let from_name = |expr: ExprId, alternative, absent: Vec<String>| match formula.kind(expr) {
            ExprKind::Name(key) => match self.scope.resolve(key, id) {
                Resolution::Config(_) => Some(Provenance::Config {
                    key: key.to_string(),
                    alternative,
                    absent,
                }),
                _ => None,
            },
            _ => None,
        };
        match formula.kind(value) {
            ExprKind::Alternatives(alternatives) => {
                let Some(taken) = self.choice(value) else {
                    return Provenance::Formula;
                };
                let absent: Vec<String> = alternatives[..taken]
                    .iter()
                    .map(|a| formula.text(*a).to_string())
                    .collect();
                let chosen = alternatives[taken];
                from_name(chosen, Some((taken, alternatives.len())), absent.clone()).unwrap_or(
                    if absent.is_empty() {
                        Provenance::Formula
                    } else {
                        Provenance::Default {
                            expr: chosen,
                            absent,
                        }
                    },
                )
            }
            ExprKind::Name(_) => from_name(value, None, Vec::new()).unwrap_or(Provenance::Formula),
            _ => Provenance::Formula,
        }
    }

    fn statement_used_at(&mut self, id: StatementId, used_at: Option<Span>) -> Result<Value> {
        match self.statements.get(&id) {
            Some(State::Done(result)) => return result.clone(),
            Some(State::Active) => return Err(self.cycle(id, used_at)),
            None => {}
        }
        if !self.chaining && !self.chain_failed && self.active.len() >= chain::DEPTH {
            self.evaluate_chain_first(id);
        }
        self.statements.insert(id, State::Active);
        self.active.push(id);
        #[cfg(test)]
        {
            self.deepest = self.deepest.max(self.active.len());
        }
        // Another statement's errors may be shown on their own: suggest again inside it.
        let in_alternative = std::mem::replace(&mut self.in_alternative, false);
        // A definition cannot see the variable of a `sum` that uses it.
        let locals = std::mem::take(&mut self.locals);
        self.locals_generation += 1;
        let value = self.scope.formula().statement(id).value();
        let result = self.expr(value, id);
        self.locals = locals;
        self.locals_generation += 1;
        self.in_alternative = in_alternative;
        self.active.pop();
        if self.chaining && result.is_err() {
            self.statements.remove(&id);
        } else {
            self.statements.insert(id, State::Done(result.clone()));
        }
        result
    }

    fn cycle(&self, id: StatementId, used_at: Option<Span>) -> Error {
        cycle_error(self.scope.formula(), &self.active, id, used_at)
    }

    #[inline(never)]
    fn record(&mut self, id: ExprId, value: &Value) {
        if let Some(recorded) = &mut self.recorded {
            // Every partial sum of a chain of million-digit numbers would be kept: the values
            // kept are bounded as the digits printed are (a bit is about 0.3 digits).
            let printed = self.printed.get_mut();
            let bits = value.as_number().map_or(64, Number::bits);
            printed.recorded_bits = printed.recorded_bits.saturating_add(bits);
            let budget = (self.limits.max_input_bytes as u64)
                .saturating_mul(crate::limits::RECORDED_BITS_PER_INPUT_BYTE);
            if printed.recorded_bits > budget {
                printed.overflowed = true;
                return;
            }
            recorded.insert(id, value.clone());
        }
    }

    /// Node `id`'s value. This is the recursion of every nested expression and every name that
    /// refers to a definition, so its frame is kept small: the common nodes are handled here and
    /// the rest in `eval_other`, whose locals would otherwise be paid for at every level (a chain
    /// of 10,000 definitions, each using the one before, took 4 KiB of stack a definition).
    fn eval(&mut self, id: ExprId, within: StatementId) -> Result<Value> {
        let formula = self.scope.formula();
        let value = match formula.kind(id) {
            ExprKind::Name(name) => self.name(id, name, within)?,
            ExprKind::Group(inner) => self.expr(inner, within)?,
            ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, _) => self.arithmetic_tree(id, within)?,
            ExprKind::Binary(op, _, _) if is_tree_operator(op) => {
                self.arithmetic_tree(id, within)?
            }
            kind => self.eval_other(id, kind, within)?,
        };
        self.record(id, &value);
        Ok(value)
    }

    #[inline(never)]
    fn eval_other(&mut self, id: ExprId, kind: ExprKind<'s>, within: StatementId) -> Result<Value> {
        let span = self.scope.formula().span(id);
        Ok(match kind {
            ExprKind::Number { text } => match Number::parse_literal(text, self.limits.max_bits) {
                Some(Ok(n)) => Value::Number(n),
                Some(Err(e)) => return Err(self.arithmetic(e, span, span)),
                None => {
                    return Err(Error::Syntax {
                        span,
                        message: format!("`{text}` is not a number"),
                        help: None,
                    })
                }
            },
            ExprKind::Bool(b) => Value::Bool(b),
            ExprKind::Str(s) => Value::Str(s.to_string()),
            ExprKind::Name(name) => self.name(id, name, within)?,
            ExprKind::Group(inner) => self.expr(inner, within)?,
            ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, _) => self.arithmetic_tree(id, within)?,
            ExprKind::Unary(op, operand) => {
                let operand_value = self.expr(operand, within)?;
                self.unary(op, operand, operand_value)?
            }
            ExprKind::Binary(op, _, _) if is_tree_operator(op) => {
                self.arithmetic_tree(id, within)?
            }
            ExprKind::Binary(op, lhs, rhs) => self.binary(op, lhs, rhs, id, within)?,
            ExprKind::Call(Function::Model, args) => {
                let value = self.model(args, within)?;
                self.sub_models.insert(id, value.clone());
                value
            }
            ExprKind::Call(function, args) => self.call(function, args, within)?,
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let taken = match self.expr(condition, within)? {
                    Value::Bool(true) => 0,
                    Value::Bool(false) => 1,
                    other => {
                        return Err(self.type_error(condition, "`if`", "true or false", &other))
                    }
                };
                self.choices.insert(id, taken);
                self.expr(if taken == 0 { then } else { otherwise }, within)?
            }
            ExprKind::Alternatives(alternatives) => {
                self.alternatives(id, alternatives, span, within)?
            }
            ExprKind::Apply {
                name,
                name_id,
                body,
                ..
            } => {
                if body == name_id {
                    return Err(Error::language(
                        span,
                        format!("unknown function `{name}`"),
                        "called here",
                        format!("define it with `fn {name}(...) = ...`"),
                    ));
                }
                if let Some((generation, value)) = self.calls.get(&id) {
                    if *generation == self.locals_generation {
                        return Ok(value.clone());
                    }
                }
                let value = self.expr(body, within)?;
                self.calls
                    .insert(id, (self.locals_generation, value.clone()));
                value
            }
            ExprKind::Sum {
                var_id,
                lo,
                hi,
                body,
                ..
            } => self.sum(id, var_id, lo, hi, body, within)?,
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for &item in items {
                    values.push(self.expr(item, within)?);
                }
                Value::List(values)
            }
            ExprKind::Index(list, index) => self.index(list, index, span, within)?,
        })
    }

    /// `sum(var in lo..hi, body)`.
    fn sum(
        &mut self,
        id: ExprId,
        var_id: ExprId,
        lo: ExprId,
        hi: ExprId,
        body: ExprId,
        within: StatementId,
    ) -> Result<Value> {
        let formula = self.scope.formula();
        let first = self.integer(lo, within, "a bound of `sum`")?;
        let last = self.integer(hi, within, "a bound of `sum`")?;
        let limit = self.limits.max_bits;
        let span = formula.span(id);
        let count = last
            .sub(&first, limit)
            .and_then(|d| d.add(&Number::from_i64(1), limit))
            .map_err(|e| self.arithmetic(e, span, span))?;
        let count = if count.is_negative() {
            Number::zero()
        } else {
            count
        };
        self.sum_counts.insert(id, count.clone());
        // Bounded whether or not the terms vary: a count this large is a mistake either way.
        let terms = count.to_i64().and_then(|n| u64::try_from(n).ok());
        let Some(terms) = terms.filter(|n| *n <= self.limits.max_sum_terms) else {
            return Err(Error::language(
                span,
                format!(
                    "this sum has {count} terms, more than the limit of {}",
                    self.limits.max_sum_terms
                ),
                "this sum",
                "raise the limit with --max-sum-terms if this many are really meant",
            ));
        };
        let Node::Name(symbol) = formula.node(var_id) else {
            return Ok(Value::Number(Number::zero()));
        };
        let varies = match self.summand_varies.get(&id) {
            Some(&known) => known,
            None => {
                let varies = mentions(formula, body, symbol);
                self.summand_varies.insert(id, varies);
                varies
            }
        };
        if !varies {
            // The closed form: the same term `count` times.
            if count.is_zero() {
                return Ok(Value::Number(Number::zero()));
            }
            let term = match self.expr(body, within)? {
                Value::Number(n) => n,
                other => return Err(self.type_error(body, "`sum`", "numbers", &other)),
            };
            return count
                .mul(&term, limit)
                .map(Value::Number)
                .map_err(|e| self.arithmetic(e, span, span));
        }
        self.sum_terms = self.sum_terms.saturating_add(terms);
        if self.sum_terms > self.limits.max_sum_terms {
            return Err(Error::language(
                span,
                format!(
                    "the sums of this formula add more than {} terms in all",
                    self.limits.max_sum_terms
                ),
                "this sum passes the limit",
                "sums inside sums multiply their terms; raise the limit with --max-sum-terms if this many are really meant",
            ));
        }
        let mut total = Number::zero();
        let mut index = first;
        for _ in 0..terms {
            self.locals.push((symbol, Value::Number(index.clone())));
            self.locals_generation += 1;
            let term = self.expr(body, within);
            self.locals.pop();
            self.locals_generation += 1;
            let term = match term? {
                Value::Number(n) => n,
                other => return Err(self.type_error(body, "`sum`", "numbers", &other)),
            };
            total = total
                .add(&term, limit)
                .map_err(|e| self.arithmetic(e, span, span))?;
            index = index
                .add(&Number::from_i64(1), limit)
                .map_err(|e| self.arithmetic(e, span, span))?;
        }
        Ok(Value::Number(total))
    }

    /// The value of `id`, which must be a whole number.
    fn integer(&mut self, id: ExprId, within: StatementId, what: &str) -> Result<Number> {
        match self.expr(id, within)? {
            Value::Number(n) if n.is_integer() => Ok(n),
            other => Err(self.type_error(id, what, "a whole number", &other)),
        }
    }

    /// `list[index]`.
    fn index(
        &mut self,
        list: ExprId,
        index: ExprId,
        span: Span,
        within: StatementId,
    ) -> Result<Value> {
        let items = match self.expr(list, within)? {
            Value::List(items) => items,
            other => return Err(self.type_error(list, "an index `[...]`", "a list", &other)),
        };
        let at = self.integer(index, within, "an index")?;
        let position = at
            .to_i64()
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < items.len());
        match position {
            Some(i) => Ok(items[i].clone()),
            None => Err(Error::language(
                span,
                format!(
                    "index {at} is out of range: the list has {} element{}",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" }
                ),
                "this index",
                if items.is_empty() {
                    "the list is empty".to_string()
                } else {
                    format!("indices run from 0 to {}", items.len() - 1)
                },
            )),
        }
    }

    /// The value of the name `name` written at node `id`.
    #[inline(never)]
    fn name(&mut self, id: ExprId, name: &str, within: StatementId) -> Result<Value> {
        if !self.locals.is_empty() {
            if let Node::Name(symbol) = self.scope.formula().node(id) {
                if let Some((_, value)) = self.locals.iter().rev().find(|(s, _)| *s == symbol) {
                    return Ok(value.clone());
                }
            }
        }
        let span = self.scope.formula().span(id);
        match self.scope.resolve_at(id, within) {
            Resolution::Override(id) | Resolution::Definition(id) => {
                self.statement_used_at(id, Some(span))
            }
            Resolution::Config(Lookup::Number(n)) => {
                self.check_config_size(name, &n, span)?;
                Ok(Value::Number(n))
            }
            Resolution::Config(Lookup::Bool(b)) => Ok(Value::Bool(b)),
            Resolution::Config(Lookup::Str(s)) => Ok(Value::Str(s)),
            Resolution::Config(lookup @ Lookup::List(_)) => {
                Value::from_lookup(lookup).ok_or_else(|| Error::ConfigValue {
                    span,
                    key: name.to_string(),
                    found: "a list holding null, a list or an object".into(),
                })
            }
            Resolution::Config(Lookup::Absent) => Err(Error::UnknownName {
                span,
                name: name.to_string(),
                suggestions: if self.in_alternative {
                    Vec::new()
                } else {
                    self.scope.suggestions(name)
                },
                has_config: self.scope.config().is_some(),
                context: NameContext::of(
                    &self.scope.formula().sources.get(span.source).text,
                    span.start as usize,
                    span.end as usize,
                ),
            }),
            Resolution::Config(Lookup::Unusable { found }) => Err(Error::ConfigValue {
                span,
                key: name.to_string(),
                found,
            }),
        }
    }

    #[inline(never)]
    fn alternatives(
        &mut self,
        id: ExprId,
        alternatives: &[ExprId],
        span: Span,
        within: StatementId,
    ) -> Result<Value> {
        let mut missing = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let outer = std::mem::replace(&mut self.in_alternative, true);
            let value = self.expr(*alternative, within);
            self.in_alternative = outer;
            match value {
                Ok(value) => {
                    self.choices.insert(id, index);
                    return Ok(value);
                }
                // Only absence falls through to the next alternative; any other error is real.
                Err(Error::UnknownName { name, .. }) => missing.push(name),
                Err(Error::NoAlternative { missing: inner, .. }) => missing.extend(inner),
                Err(other) => return Err(other),
            }
        }
        missing.dedup();
        Err(Error::NoAlternative { span, missing })
    }

    /// Evaluates the arithmetic around `root` (`+ - * / ^`, signs, parentheses) with a loop and a
    /// stack of its own instead of recursion: a million-term sum is a million nodes deep on its
    /// left, `1+(1+(...))` a million deep on its right. Any other node met on the way (a name, a
    /// number, a call) is evaluated as usual. Every node but `root` is recorded here; `eval`
    /// records `root`.
    fn arithmetic_tree(&mut self, root: ExprId, within: StatementId) -> Result<Value> {
        /// A node whose operands are being evaluated, with its left operand's value once known.
        struct Pending {
            id: ExprId,
            left: Option<Value>,
        }
        let formula = self.scope.formula();
        let mut pending: Vec<Pending> = Vec::new();
        let mut current = root;
        'descend: loop {
            let mut value = loop {
                match formula.node(current) {
                    Node::Binary(op, lhs, _) if is_tree_operator(op) => {
                        pending.push(Pending {
                            id: current,
                            left: None,
                        });
                        current = lhs;
                    }
                    Node::Group(inner) | Node::Unary(UnaryOp::Neg | UnaryOp::Plus, inner) => {
                        pending.push(Pending {
                            id: current,
                            left: None,
                        });
                        current = inner;
                    }
                    _ => break self.expr(current, within)?,
                }
            };
            while let Some(node) = pending.pop() {
                match (formula.node(node.id), node.left) {
                    (Node::Binary(_, _, rhs), None) => {
                        pending.push(Pending {
                            id: node.id,
                            left: Some(value),
                        });
                        current = rhs;
                        continue 'descend;
                    }
                    (Node::Binary(op, lhs, rhs), Some(left)) => {
                        value = self.arithmetic_op(op, lhs, &left, rhs, &value, node.id)?;
                    }
                    (Node::Unary(op, operand), _) => value = self.unary(op, operand, value)?,
                    _ => {}
                }
                if node.id != root {
                    self.record(node.id, &value);
                }
            }
            return Ok(value);
        }
    }

    #[inline(never)]
    fn unary(&self, op: UnaryOp, operand: ExprId, value: Value) -> Result<Value> {
        match (op, value) {
            (UnaryOp::Neg, Value::Number(n)) => Ok(Value::Number(n.neg())),
            (UnaryOp::Plus, Value::Number(n)) => Ok(Value::Number(n)),
            (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
            (op, other) => {
                Err(self.type_error(operand, op.symbol().trim(), op_expects_unary(op), &other))
            }
        }
    }

    #[inline(never)]
    fn arithmetic_op(
        &self,
        op: BinaryOp,
        lhs: ExprId,
        left: &Value,
        rhs: ExprId,
        right: &Value,
        at: ExprId,
    ) -> Result<Value> {
        // Only an error needs the operator's text or the spans (a span may be derived from the
        // node's children): nothing of either on the path every point takes.
        let symbol = || format!("`{}`", op.symbol());
        let a = match left {
            Value::Number(n) => n,
            other => return Err(self.type_error(lhs, &symbol(), "numbers", other)),
        };
        let b = match right {
            Value::Number(n) => n,
            other => return Err(self.type_error(rhs, &symbol(), "numbers", other)),
        };
        let limit = self.limits.max_bits;
        let result = match op {
            BinaryOp::Add => a.add(b, limit),
            BinaryOp::Sub => a.sub(b, limit),
            BinaryOp::Mul | BinaryOp::ImplicitMul => a.mul(b, limit),
            BinaryOp::Div => a.div(b, limit),
            BinaryOp::Rem => {
                if !a.is_integer() {
                    return Err(self.type_error(lhs, &symbol(), "whole numbers", left));
                }
                if !b.is_integer() {
                    return Err(self.type_error(rhs, &symbol(), "whole numbers", right));
                }
                // Floor semantics: the remainder has the divisor's sign (`-7 % 3` is 2).
                a.div(b, limit)
                    .map(|q| q.floor())
                    .and_then(|q| q.mul(b, limit))
                    .and_then(|m| a.sub(&m, limit))
            }
            BinaryOp::Pow => crate::number::check_exponent(a, b, self.limits.max_exponent)
                .and_then(|()| a.pow(b, limit)),
            _ => return Err(self.type_error(lhs, &symbol(), "true or false", left)),
        };
        let formula = self.scope.formula();
        result.map(Value::Number).map_err(|e| match (op, e) {
            // `0^-1` is 1/0^1: the zero that divides is the base, not the exponent.
            (BinaryOp::Pow, ArithmeticError::DivisionByZero) => Error::DivisionByZero {
                span: formula.span(lhs),
            },
            (_, e) => self.arithmetic(e, formula.span(at), formula.span(rhs)),
        })
    }

    #[inline(never)]
    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: ExprId,
        rhs: ExprId,
        id: ExprId,
        within: StatementId,
    ) -> Result<Value> {
        // `and` and `or` decide on their left side alone when they can.
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let symbol = format!("`{}`", op.symbol());
            let left = match self.expr(lhs, within)? {
                Value::Bool(b) => b,
                other => return Err(self.type_error(lhs, &symbol, "true or false", &other)),
            };
            if (op == BinaryOp::And) != left {
                return Ok(Value::Bool(left));
            }
            return match self.expr(rhs, within)? {
                Value::Bool(b) => Ok(Value::Bool(b)),
                other => Err(self.type_error(rhs, &symbol, "true or false", &other)),
            };
        }
        let left = self.expr(lhs, within)?;
        let right = self.expr(rhs, within)?;
        if op == BinaryOp::Pow {
            return self.arithmetic_op(op, lhs, &left, rhs, &right, id);
        }
        let ordering = match (&left, &right) {
            (Value::Number(a), Value::Number(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) if matches!(op, BinaryOp::Eq | BinaryOp::Ne) => {
                a.cmp(b)
            }
            (Value::Str(a), Value::Str(b)) if matches!(op, BinaryOp::Eq | BinaryOp::Ne) => a.cmp(b),
            (Value::Number(_), other) => {
                return Err(self.type_error(rhs, &format!("`{}`", op.symbol()), "a number", other))
            }
            (other, _) => {
                return Err(self.type_error(lhs, &format!("`{}`", op.symbol()), "a number", other))
            }
        };
        use std::cmp::Ordering::*;
        Ok(Value::Bool(match op {
            BinaryOp::Eq => ordering == Equal,
            BinaryOp::Ne => ordering != Equal,
            BinaryOp::Lt => ordering == Less,
            BinaryOp::Le => ordering != Greater,
            BinaryOp::Gt => ordering == Greater,
            BinaryOp::Ge => ordering != Less,
            // Arithmetic, `and` and `or` are decided above.
            _ => false,
        }))
    }

    #[inline(never)]
    fn call(&mut self, function: Function, args: &[ExprId], within: StatementId) -> Result<Value> {
        let context = format!("`{}`", function.name());
        match function {
            Function::Min | Function::Max | Function::Floor | Function::Ceil => {}
            Function::Model => return self.model(args, within),
            Function::Len | Function::Count | Function::Contains | Function::SumList => {
                let Some(&list_arg) = args.first() else {
                    return Ok(Value::Number(Number::zero()));
                };
                let items = match self.expr(list_arg, within)? {
                    Value::List(items) => items,
                    other => return Err(self.type_error(list_arg, &context, "a list", &other)),
                };
                let wanted = match args.get(1) {
                    Some(&arg) => Some(self.expr(arg, within)?),
                    None => None,
                };
                return Ok(match (function, wanted) {
                    (Function::Len, _) => Value::Number(Number::from_i64(items.len() as i64)),
                    (Function::Count, Some(wanted)) => Value::Number(Number::from_i64(
                        items.iter().filter(|item| **item == wanted).count() as i64,
                    )),
                    (Function::Contains, Some(wanted)) => Value::Bool(items.contains(&wanted)),
                    _ => {
                        let mut total = Number::zero();
                        let span = self.scope.formula().span(list_arg);
                        for item in &items {
                            let Value::Number(n) = item else {
                                return Err(self.type_error(
                                    list_arg,
                                    &context,
                                    "a list of numbers",
                                    item,
                                ));
                            };
                            total = total
                                .add(n, self.limits.max_bits)
                                .map_err(|e| self.arithmetic(e, span, span))?;
                        }
                        Value::Number(total)
                    }
                });
            }
        }
        let mut numbers = Vec::with_capacity(args.len());
        for &arg in args {
            match self.expr(arg, within)? {
                Value::Number(n) => numbers.push(n),
                other => return Err(self.type_error(arg, &context, "numbers", &other)),
            }
        }
        let mut numbers = numbers.into_iter();
        let first = numbers.next().unwrap_or_else(Number::zero);
        Ok(Value::Number(match function {
            Function::Min => numbers.fold(first, |a, b| a.min(b)),
            Function::Max => numbers.fold(first, |a, b| a.max(b)),
            Function::Floor => first.floor(),
            Function::Ceil => first.ceil(),
            // Handled above.
            _ => first,
        }))
    }

    /// `model(FAMILY, CONFIG_OBJECT[, TARGET])`: a built-in family evaluated on a nested config.
    fn model(&mut self, args: &[ExprId], within: StatementId) -> Result<Value> {
        let formula = self.scope.formula();
        let (Some(&family_arg), Some(&config_arg)) = (args.first(), args.get(1)) else {
            return Ok(Value::Number(Number::zero()));
        };
        let span = formula.expr(family_arg).span.to(formula.span(config_arg));
        let family = match self.expr(family_arg, within)? {
            Value::Str(s) => s,
            other => {
                return Err(self.type_error(
                    family_arg,
                    "`model`",
                    "a family name in quotes",
                    &other,
                ))
            }
        };
        let target = match args.get(2) {
            Some(&arg) => match self.expr(arg, within)? {
                Value::Str(s) => Some(s),
                other => {
                    return Err(self.type_error(arg, "`model`", "a target name in quotes", &other))
                }
            },
            None => None,
        };
        let ExprKind::Name(path) = formula.kind(config_arg) else {
            return Err(Error::language(
                formula.span(config_arg),
                "`model` reads its config from a config key".to_string(),
                "not a config key",
                "name a nested object of the config, e.g. model(\"llama\", text_config)",
            ));
        };
        let json = match self.scope.config().map(|c| c.object_json(path)) {
            Some(Ok(Some(json))) => json,
            Some(Ok(None)) | None => "{}".to_string(),
            Some(Err(found)) => {
                return Err(Error::ConfigValue {
                    span: formula.span(config_arg),
                    key: path.to_string(),
                    found,
                })
            }
        };
        // A program read from a file finds families next to it first.
        let near = formula
            .main_source
            .map(|source| std::path::PathBuf::from(&formula.sources.get(source).name))
            .filter(|file| file.is_file())
            .and_then(|file| file.parent().map(std::path::Path::to_path_buf))
            .map(|dir| {
                if dir.as_os_str().is_empty() {
                    std::path::PathBuf::from(".")
                } else {
                    dir
                }
            });
        crate::submodel::evaluate(
            near.as_deref(),
            &family,
            json,
            path,
            target.as_deref(),
            self.limits,
            span,
        )
        .map(Value::Number)
    }

    #[inline(never)]
    fn type_error(&self, at: ExprId, context: &str, expected: &str, found: &Value) -> Error {
        if let Some(key) = self.config_key_of(at) {
            return Error::ConfigType {
                span: self.scope.formula().span(at),
                key,
                found: found.describe(),
                needs: format!("{context} needs {expected}"),
            };
        }
        Error::Type {
            span: self.scope.formula().span(at),
            context: context.to_string(),
            expected: expected.to_string(),
            found: found.describe(),
        }
    }

    /// The config key whose value `at` is, when it is a name bound to one (directly, or through
    /// definitions such as `H = hidden_size | n_embd`): a wrong type there is the config's.
    fn config_key_of(&self, at: ExprId) -> Option<String> {
        let formula = self.scope.formula();
        let mut id = at;
        let mut within = self.active.last().copied()?;
        for _ in 0..16 {
            let name = match formula.kind(id) {
                ExprKind::Name(name) => name,
                ExprKind::Group(inner) => {
                    id = inner;
                    continue;
                }
                ExprKind::Alternatives(alternatives) => {
                    let taken = self.choices.get(&id).copied().unwrap_or(0);
                    id = *alternatives.get(taken)?;
                    continue;
                }
                _ => return None,
            };
            match self.scope.resolve(name, within) {
                Resolution::Config(_) => return Some(name.to_string()),
                Resolution::Definition(statement) | Resolution::Override(statement) => {
                    within = statement;
                    id = formula.statement(statement).value();
                }
            }
        }
        None
    }

    /// Config values where a model's size is read: a negative, fractional or zero number of
    /// heads, layers or hidden units has no meaning, and counting with it would print a number
    /// that is not a parameter count.
    fn check_config_size(&self, key: &str, n: &Number, span: Span) -> Result<()> {
        let Some(problem) = config_size_problem(key, n) else {
            return Ok(());
        };
        Err(Error::ConfigSize {
            span,
            key: key.to_string(),
            value: n.to_string(),
            problem,
        })
    }

    #[inline(never)]
    fn arithmetic(&self, error: ArithmeticError, span: Span, operand: Span) -> Error {
        match error {
            ArithmeticError::DivisionByZero => Error::DivisionByZero { span: operand },
            other => Error::arithmetic(other, span, operand, self.scope.formula()),
        }
    }
}

/// Config keys that hold a count of something a model has at least one of (Hugging Face names).
/// What is wrong with `n` as the value of the config key `key`, if `key` is a size (a count of
/// layers, heads, a width: a whole number above zero).
pub(crate) fn config_size_problem(key: &str, n: &Number) -> Option<&'static str> {
    let last = key.rsplit('.').next().unwrap_or(key);
    if !SIZE_KEYS.contains(&last) {
        return None;
    }
    if n.is_negative() {
        Some("negative")
    } else if n.is_zero() {
        Some("zero")
    } else if !n.is_integer() {
        Some("not a whole number")
    } else {
        None
    }
}

const SIZE_KEYS: &[&str] = &[
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "intermediate_size",
    "n_embd",
    "n_layer",
    "n_head",
    "n_positions",
    "d_model",
    "d_ff",
    "d_kv",
    "num_heads",
    "num_layers",
    "ffn_dim",
    "dim",
    "n_layers",
    "n_heads",
    "hidden_dim",
    "embedding_size",
    "max_position_embeddings",
    "patch_size",
    "image_size",
    "num_channels",
];

/// The operators `Evaluator::arithmetic_tree` applies: `+ - * / %`, juxtaposition and `^`.
fn is_tree_operator(op: BinaryOp) -> bool {
    op.is_arithmetic() || op == BinaryOp::Pow || op == BinaryOp::Rem
}

/// Whether the tree at `root` mentions the name `symbol` (a `sum`'s variable).
pub(crate) fn mentions(formula: &crate::syntax::Formula, root: ExprId, symbol: Symbol) -> bool {
    let mut stack = vec![root];
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if formula.node(id) == Node::Name(symbol) {
            return true;
        }
        stack.extend(formula.children(id));
    }
    false
}

fn op_expects_unary(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Neg | UnaryOp::Plus => "a number",
        UnaryOp::Not => "true or false",
    }
}

/// The error for statement `id` used while it is being computed: the cycle is the part of
/// `active` (the statements in progress, outermost first) from `id` on. Shared by the evaluator and
/// the expander, which detect cycles the same way.
pub(crate) fn cycle_error(
    formula: &crate::syntax::Formula,
    active: &[StatementId],
    id: StatementId,
    used_at: Option<Span>,
) -> Error {
    let name = |s: StatementId| match &formula.statement(s).kind {
        StatementKind::Definition(d) => d.name.clone(),
        StatementKind::Override { name, .. } => format!("--set {name}"),
        StatementKind::Expression { .. } => "expression".into(),
    };
    let start = active.iter().position(|s| *s == id).unwrap_or(0);
    let mut cycle: Vec<String> = active[start..].iter().map(|s| name(*s)).collect();
    cycle.push(name(id));
    Error::Cycle {
        span: used_at.unwrap_or(formula.statement(id).span),
        cycle,
    }
}

/// Edges of evaluation that mutation testing found unguarded (`tests/MUTANTS.md`), through the
/// same entry points the command line uses. Expected values by hand.
#[cfg(test)]
mod edges {
    use super::{ClaimOutcome, Limits, Provenance, Value};
    use crate::number::Number;
    use crate::program::{ConfigText, FormulaSource, Program, Request};
    use crate::syntax::{ExprId, StatementId};
    use crate::{evaluate, Error};

    fn request(formula: Option<&str>, expression: Option<&str>, config: Option<&str>) -> Request {
        Request {
            formula: formula.map(|text| FormulaSource::Text {
                name: "test.formula".into(),
                text: text.into(),
            }),
            expression: expression.map(Into::into),
            config_text: config.map(|text| ConfigText {
                name: "config.json".into(),
                text: text.into(),
            }),
            ..Request::default()
        }
    }

    fn run(request: &Request) -> Result<String, Error> {
        let program = Program::load(request)?;
        Ok(evaluate(&program)?.value.to_string())
    }

    fn value(expression: &str) -> String {
        run(&request(None, Some(expression), None))
            .unwrap_or_else(|e| panic!("`{expression}` failed: {e}"))
    }

    fn error(request: &Request) -> Error {
        match run(request) {
            Ok(v) => panic!("gave {v}, expected an error"),
            Err(e) => e,
        }
    }

    #[test]
    fn booleans_and_strings_compare_for_equality_only() {
        // `==` and `!=` compare booleans and strings; an order (`<`, `>=`) between them is a type
        // error, not `false < true`.
        assert_eq!(value("true == true"), "true");
        assert_eq!(value("true != false"), "true");
        for expression in ["false < true", "true >= false", "\"a\" < \"b\""] {
            let error = error(&request(None, Some(expression), None));
            assert!(matches!(error, Error::Type { .. }), "{expression}: {error}");
        }
    }

    fn with_sum_terms(expression: &str, max_sum_terms: u64) -> Result<String, Error> {
        let mut request = request(None, Some(expression), None);
        request.limits = Limits {
            max_sum_terms,
            ..Limits::default()
        };
        run(&request)
    }

    #[test]
    fn lists_print_with_a_separator_between_items_only() {
        assert_eq!(value("[1, 2, 3]"), "[1, 2, 3]");
        // `[7]` is a bracket; `[7,]` a list of one.
        assert_eq!(value("[7,]"), "[7]");
        assert_eq!(value("[[1, 2], [], true]"), "[[1, 2], [], true]");
    }

    #[test]
    fn values_describe_themselves_for_messages() {
        let one = Value::Number(Number::from_i64(1));
        assert_eq!(one.describe(), "the number 1");
        assert_eq!(Value::Bool(true).describe(), "the boolean true");
        assert_eq!(Value::Str("a".into()).describe(), "the string \"a\"");
        assert_eq!(
            Value::List(vec![one.clone()]).describe(),
            "a list of 1 element"
        );
        assert_eq!(
            Value::List(vec![one.clone(), one.clone()]).describe(),
            "a list of 2 elements"
        );
        assert_eq!(one.as_number(), Some(&Number::from_i64(1)));
        assert_eq!(Value::Bool(true).as_number(), None);
    }

    #[test]
    fn a_claim_holds_when_both_sides_are_equal() {
        let outcome = |a: i64, b: i64| ClaimOutcome {
            statement: StatementId(0),
            claimed: ExprId(0),
            computed: ExprId(0),
            outcome: Ok((
                Value::Number(Number::from_i64(a)),
                Value::Number(Number::from_i64(b)),
            )),
        };
        assert_eq!(outcome(2, 2).holds(), Some(true));
        assert_eq!(outcome(2, 3).holds(), Some(false));
    }

    #[test]
    fn comparisons_on_each_side_of_equality() {
        // (operator, 1 ? 2, 2 ? 2, 3 ? 2)
        let table = [
            ("==", "false", "true", "false"),
            ("!=", "true", "false", "true"),
            ("<", "true", "false", "false"),
            ("<=", "true", "true", "false"),
            (">", "false", "false", "true"),
            (">=", "false", "true", "true"),
        ];
        for (op, less, equal, greater) in table {
            assert_eq!(value(&format!("1 {op} 2")), less, "1 {op} 2");
            assert_eq!(value(&format!("2 {op} 2")), equal, "2 {op} 2");
            assert_eq!(value(&format!("3 {op} 2")), greater, "3 {op} 2");
        }
        assert_eq!(value("true == true"), "true");
        assert_eq!(value("true != false"), "true");
        assert_eq!(value("\"a\" == \"a\""), "true");
    }

    #[test]
    fn and_or_decide_on_the_left_when_they_can() {
        // The right side would divide by zero: it is not evaluated.
        assert_eq!(value("false and 1/0 == 1"), "false");
        assert_eq!(value("true or 1/0 == 1"), "true");
        assert_eq!(value("true and false"), "false");
        assert_eq!(value("true and true"), "true");
        assert_eq!(value("false or true"), "true");
        assert_eq!(value("false or false"), "false");
        assert_eq!(value("not false"), "true");
    }

    #[test]
    fn indices_run_from_zero_to_one_less_than_the_length() {
        let at = |index: &str| {
            let text = format!("xs = [10, 20, 30]\nnone = []\ntotal = {index}\n");
            run(&request(Some(&text), None, None))
        };
        assert_eq!(at("xs[0]").unwrap(), "10");
        assert_eq!(at("xs[2]").unwrap(), "30");
        for bad in ["xs[3]", "xs[-1]", "none[0]"] {
            let e = at(bad).unwrap_err();
            assert!(e.to_string().contains("out of range"), "{bad}: {e}");
        }
    }

    #[test]
    fn list_functions() {
        assert_eq!(value("len([4, 5])"), "2");
        assert_eq!(value("count([1, 2, 1, 1], 1)"), "3");
        assert_eq!(value("contains([1, 2], 2)"), "true");
        assert_eq!(value("sum([1/2, 1/3])"), "5/6");
        assert_eq!(value("min(1/2, 1/3)"), "1/3");
        assert_eq!(value("max(-1, -2)"), "-1");
    }

    #[test]
    fn sums_count_their_terms_against_the_limit() {
        // 1..3 has 3 terms: allowed at a limit of 3, refused at 2, whether or not i is used.
        assert_eq!(with_sum_terms("sum(i in 1..3, i)", 3).unwrap(), "6");
        assert!(with_sum_terms("sum(i in 1..3, i)", 2).is_err());
        assert_eq!(with_sum_terms("sum(i in 1..3, 5)", 3).unwrap(), "15");
        assert!(with_sum_terms("sum(i in 1..3, 5)", 2).is_err());
        // Two sums of 1 and 2 terms: 3 in all, exactly the limit; a third term passes it.
        assert_eq!(
            with_sum_terms("sum(i in 1..1, i) + sum(j in 1..2, j)", 3).unwrap(),
            "4"
        );
        let e = with_sum_terms("sum(i in 1..2, i) + sum(j in 1..2, j)", 3).unwrap_err();
        assert!(e.to_string().contains("in all"), "{e}");
        // 1..1 is one term; 1..0 none.
        assert_eq!(value("sum(i in 1..1, i)"), "1");
        assert_eq!(value("sum(i in 1..0, 7)"), "0");
        // A bound that is not a whole number.
        assert!(run(&request(None, Some("sum(i in 1..5/2, i)"), None)).is_err());
    }

    #[test]
    fn a_function_called_in_a_sum_sees_each_value_of_the_variable() {
        // 1^2 + 2^2 + 3^2 = 14; with a stale memo of f(i) it would be 3 * 1.
        let text = "fn sq(x) = x*x\ntotal = sum(i in 1..3, sq(i))\n";
        assert_eq!(run(&request(Some(text), None, None)).unwrap(), "14");
        // A part that calls the function, used inside the sum: (1+9) + (4+9) = 23.
        let text = "fn sq(x) = x*x\nnine = sq(3)\ntotal = sum(i in 1..2, sq(i) + nine)\n";
        assert_eq!(run(&request(Some(text), None, None)).unwrap(), "23");
    }

    #[test]
    fn signs_and_not_need_their_types() {
        assert_eq!(value("-(3)"), "-3");
        assert_eq!(value("+(3)"), "3");
        assert!(matches!(
            error(&request(None, Some("not 1"), None)),
            Error::Type { .. }
        ));
        assert!(matches!(
            error(&request(None, Some("-true"), None)),
            Error::Type { .. }
        ));
    }

    #[test]
    fn config_sizes_must_be_positive_whole_numbers() {
        let problem = |config: &str, expression: &str| match error(&request(
            None,
            Some(expression),
            Some(config),
        )) {
            Error::ConfigSize { key, problem, .. } => format!("{key}: {problem}"),
            other => panic!("expected a size error, got {other:?}"),
        };
        assert_eq!(
            problem(r#"{"n_layer": -2}"#, "n_layer"),
            "n_layer: negative"
        );
        assert_eq!(problem(r#"{"n_layer": 0}"#, "n_layer"), "n_layer: zero");
        assert_eq!(
            problem(r#"{"hidden_size": 1.5}"#, "hidden_size"),
            "hidden_size: not a whole number"
        );
        assert_eq!(
            problem(
                r#"{"text_config": {"hidden_size": 0}}"#,
                "text_config.hidden_size"
            ),
            "text_config.hidden_size: zero"
        );
        // Not a size: any number will do.
        let ok = request(None, Some("dropout * 2"), Some(r#"{"dropout": -0.5}"#));
        assert_eq!(run(&ok).unwrap(), "-1");
        let ok = request(None, Some("n_layer"), Some(r#"{"n_layer": 12}"#));
        assert_eq!(run(&ok).unwrap(), "12");
    }

    #[test]
    fn a_wrong_type_from_the_config_names_its_key() {
        let key = |formula: Option<&str>, expression: Option<&str>, config: &str| match error(
            &request(formula, expression, Some(config)),
        ) {
            Error::ConfigType { key, .. } => key,
            other => panic!("expected a config type error, got {other:?}"),
        };
        let config = r#"{"hidden_size": true, "n_embd": "wide"}"#;
        assert_eq!(key(None, Some("hidden_size * 2"), config), "hidden_size");
        assert_eq!(key(None, Some("(hidden_size) * 2"), config), "hidden_size");
        // Through a definition and its alternatives: the alternative taken is the culprit.
        let text = "H = d_model | n_embd\ntotal = H * 2\n";
        assert_eq!(key(Some(text), None, config), "n_embd");
        // A wrong type written in the formula is the formula's.
        assert!(matches!(
            error(&request(None, Some("true * 2"), Some(config))),
            Error::Type { .. }
        ));
    }

    #[test]
    fn config_lists_are_values_unless_they_hold_null() {
        let config = r#"{"xs": [1, 2, 3], "bad": [1, null]}"#;
        assert_eq!(
            run(&request(None, Some("sum(xs)"), Some(config))).unwrap(),
            "6"
        );
        assert!(matches!(
            error(&request(None, Some("len(bad)"), Some(config))),
            Error::ConfigValue { .. }
        ));
    }

    // ---- what the evaluator keeps for the renderers (the mutation run found these unguarded) ----

    use super::Evaluator;
    use crate::bind::Scope;
    use crate::syntax::ExprKind;

    fn load(formula: &str, config: Option<&str>, limits: Limits) -> Program {
        let mut request = request(Some(formula), None, config);
        request.limits = limits;
        Program::load(&request).unwrap_or_else(|e| panic!("{formula}: {e:?}"))
    }

    /// The names of `program` as its evaluators see them (its config included).
    fn scope_of(program: &Program) -> Scope<'_> {
        Scope::new(
            &program.formula,
            program.config.as_ref(),
            program.limits.max_bits,
        )
    }

    /// A value as printed, or `None` for an error.
    fn shown(value: Result<Value, Error>) -> Option<String> {
        value.ok().map(|v| v.to_string())
    }

    fn output_limit(bytes: usize) -> Limits {
        Limits {
            max_input_bytes: bytes,
            ..Limits::default()
        }
    }

    #[test]
    fn digits_count_against_the_output_limit_and_stop_past_it() {
        let program = load("x = 1", None, output_limit(10));
        let scope = scope_of(&program);
        let evaluator = Evaluator::new(&scope, program.limits);
        // 12345 has 14 bits: estimated at 14*3/10 + 1 = 5 digits, charged twice to exactly 10.
        let n = num_bigint::BigInt::from(12345);
        assert_eq!(&*evaluator.digits(&n), "12345");
        assert_eq!(&*evaluator.digits(&n), "12345");
        assert!(!evaluator.printing_overflowed());
        assert!(evaluator.output_fits(0), "10 bytes of 10 still fit");
        assert_eq!(&*evaluator.digits(&n), "…");
        assert!(evaluator.printing_overflowed());
        assert_eq!(
            &*evaluator.digits(&num_bigint::BigInt::from(1)),
            "…",
            "once past, always"
        );

        let evaluator = Evaluator::new(&scope, program.limits);
        evaluator.digits(&n);
        evaluator.digits(&n);
        assert!(!evaluator.output_fits(1), "11 bytes of 10 do not");
        assert!(evaluator.printing_overflowed());
    }

    #[test]
    fn large_numbers_print_their_own_digits() {
        // Past 8192 bits the text is cached by value: two numbers must not share one.
        let program = load("x = 1", None, Limits::default());
        let scope = scope_of(&program);
        let evaluator = Evaluator::new(&scope, program.limits);
        let a = num_bigint::BigInt::from(7u8).pow(3000);
        let b = num_bigint::BigInt::from(3u8).pow(6000);
        assert_eq!(&*evaluator.digits(&a), a.to_string());
        assert_eq!(&*evaluator.digits(&b), b.to_string());
        assert_eq!(&*evaluator.digits(&a), a.to_string());
    }

    #[test]
    fn charged_output_fits_up_to_the_limit_exactly() {
        let program = load("x = 1", None, output_limit(10));
        let scope = scope_of(&program);
        let evaluator = Evaluator::new(&scope, program.limits);
        assert!(evaluator.output_fits(10));
        assert!(!evaluator.printing_overflowed());
        assert!(evaluator.charge_output(10));
        assert!(!evaluator.printing_overflowed());
        assert!(evaluator.output_fits(0));
        assert!(!evaluator.charge_output(1));
        assert!(evaluator.printing_overflowed());
        assert!(!evaluator.charge_output(0), "once past, always");
        let evaluator = Evaluator::new(&scope, program.limits);
        assert!(!evaluator.output_fits(11));
        assert!(evaluator.printing_overflowed());
    }

    #[test]
    fn terms_of_a_sum_see_their_own_index_and_nothing_after() {
        let program = load(
            "fn g(x) = x*x + i\ns = sum(i in 1..3, g(i))",
            None,
            Limits::default(),
        );
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        let s = program.formula.find_definition("s").expect("s is defined");
        // 1*1+1 + 2*2+2 + 3*3+3, by hand
        assert_eq!(shown(evaluator.statement(s)), Some("20".into()));
        let sum = program.formula.statement(s).value();
        let ExprKind::Sum { body, .. } = program.formula.kind(sum) else {
            panic!("s is a sum");
        };
        for (index, term) in [(2, "6"), (3, "12"), (2, "6")] {
            let value = evaluator.enter_term(sum, &Number::from_i64(index), s);
            assert_eq!(
                value.map(|v| v.to_string()),
                Some(term.to_string()),
                "term {index}"
            );
            // The term's variable is in scope until it is left.
            assert_eq!(shown(evaluator.expr(body, s)), Some(term.into()));
            evaluator.leave_term();
            assert!(
                evaluator.expr(body, s).is_err(),
                "`i` is out of scope after the term"
            );
        }
        // Not a sum: nothing is entered.
        assert!(evaluator
            .enter_term(body, &Number::from_i64(1), s)
            .is_none());
    }

    #[test]
    fn a_sub_model_keeps_its_value_for_the_renderers() {
        // The article's BERT, 108,890,112 parameters, counted through `model(...)`.
        let program = load(
            "x = model(\"bert-article\", sub)",
            Some("{\"sub\": {}}"),
            Limits::default(),
        );
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        let x = program.formula.find_definition("x").expect("x is defined");
        let call = program.formula.statement(x).value();
        assert!(evaluator.sub_model(call).is_none(), "not evaluated yet");
        assert_eq!(shown(evaluator.statement(x)), Some("108890112".into()));
        assert_eq!(
            evaluator.sub_model(call).map(|v| v.to_string()),
            Some("108890112".into())
        );
    }

    #[test]
    fn forgotten_statements_are_evaluated_again() {
        let program = load("a = 2\nb = a * 3", None, Limits::default());
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        let a = program.formula.find_definition("a").expect("a");
        let b = program.formula.find_definition("b").expect("b");
        assert_eq!(shown(evaluator.statement(b)), Some("6".into()));
        evaluator.assume(a, Value::Number(Number::from_i64(5)));
        // `b` was memoised with a = 2 until it is forgotten.
        assert_eq!(shown(evaluator.statement(b)), Some("6".into()));
        evaluator.forget(&[b]);
        assert_eq!(shown(evaluator.statement(b)), Some("15".into()));
    }

    #[test]
    fn brackets_record_the_value_inside_them() {
        let program = load("x = ((1 + 2)) * 3", None, Limits::default());
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits).record_values();
        let x = program.formula.find_definition("x").expect("x");
        assert_eq!(shown(evaluator.statement(x)), Some("9".into()));
        let ExprKind::Binary(_, outer, _) =
            program.formula.kind(program.formula.statement(x).value())
        else {
            panic!("x is a product");
        };
        let ExprKind::Group(inner) = program.formula.kind(outer) else {
            panic!("a bracket");
        };
        for group in [outer, inner] {
            assert_eq!(
                evaluator.recorded(group).map(|v| v.to_string()),
                Some("3".into())
            );
        }
        // A statement that is a bracket is evaluated through `expr`, which records its brackets.
        let program = load("y = ((1 + 2))", None, Limits::default());
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits).record_values();
        let y = program.formula.find_definition("y").expect("y");
        assert_eq!(shown(evaluator.statement(y)), Some("3".into()));
        let outer = program.formula.statement(y).value();
        let ExprKind::Group(inner) = program.formula.kind(outer) else {
            panic!("a bracket");
        };
        for group in [outer, inner] {
            assert_eq!(
                evaluator.recorded(group).map(|v| v.to_string()),
                Some("3".into())
            );
        }
    }

    #[test]
    fn a_chain_compares_each_claim_with_the_link_before_it() {
        let program = load("a = 2 = 3 = 3", None, Limits::default());
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        let a = program.formula.find_definition("a").expect("a");
        let held: Vec<Option<bool>> = evaluator
            .claims(a)
            .iter()
            .map(|claim| claim.outcome.as_ref().ok().map(|(c, d)| c == d))
            .collect();
        // 2 = 3 is false; the second claim compares 3 with the first claim, 3, not with 2.
        assert_eq!(held, [Some(false), Some(true)]);
    }

    #[test]
    fn provenance_says_where_a_size_came_from() {
        let formula = "H = hidden_size | n_embd | 768\nV = vocab\nL = 12\nD = H / 12";
        let config = r#"{"n_embd": 1024, "vocab": 50257}"#;
        let program = load(formula, Some(config), Limits::default());
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        let find = |name: &str| program.formula.find_definition(name).expect(name);
        for name in ["H", "V", "L", "D"] {
            evaluator.statement(find(name)).expect("evaluates");
        }
        assert_eq!(
            evaluator.provenance(find("H")),
            Provenance::Config {
                key: "n_embd".into(),
                alternative: Some((1, 3)),
                absent: vec!["hidden_size".into()],
            }
        );
        assert_eq!(
            evaluator.provenance(find("V")),
            Provenance::Config {
                key: "vocab".into(),
                alternative: None,
                absent: Vec::new(),
            }
        );
        assert_eq!(evaluator.provenance(find("L")), Provenance::Formula);
        assert_eq!(evaluator.provenance(find("D")), Provenance::Formula);
        // Without the keys, the default.
        let program = load(formula, Some("{}"), Limits::default());
        let scope = scope_of(&program);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        let h = program.formula.find_definition("H").expect("H");
        evaluator.statement(h).expect("evaluates");
        assert!(matches!(
            evaluator.provenance(h),
            Provenance::Default { absent, .. } if absent == ["hidden_size", "n_embd"]
        ));
    }

    #[test]
    fn recorded_values_stop_at_their_budget_exactly() {
        // An output limit of 4 bytes keeps 16 bits of recorded values: 65535 fits, 65536 does not.
        let limits = output_limit(4);
        for (formula, fits) in [("x = 65535", true), ("x = 65536", false)] {
            let program = load(formula, None, Limits::default());
            let scope = scope_of(&program);
            let mut evaluator = Evaluator::new(&scope, limits).record_values();
            let x = program.formula.find_definition("x").expect("x");
            evaluator.statement(x).expect("evaluates");
            let root = program.formula.statement(x).value();
            assert_eq!(evaluator.recorded(root).is_some(), fits, "{formula}");
            assert_eq!(evaluator.printing_overflowed(), !fits, "{formula}");
        }
    }

    #[test]
    fn sum_bounds_and_indexes_are_whole_numbers() {
        for expression in ["sum(i in 0.5..2, i)", "sum(i in 0..1.5, i)", "[1, 2][0.5]"] {
            let error = error(&request(None, Some(expression), None));
            assert!(matches!(error, Error::Type { .. }), "{expression}: {error}");
        }
    }

    #[test]
    fn logic_inside_arithmetic_still_decides_on_the_left() {
        // `false and ...` is false without its right side; adding it to 1 is then a type error,
        // not the right side's division by zero.
        let error = error(&request(None, Some("1 + (false and 1/0 == 1)"), None));
        assert!(matches!(error, Error::Type { .. }), "{error}");
    }

    #[test]
    fn deep_calls_evaluate_on_a_grown_stack() {
        // 20,000 nested calls recurse once each: the evaluator grows its stack as it goes.
        let depth = 20_000;
        let expression = format!("{}1{}", "max(1, ".repeat(depth), ")".repeat(depth));
        let result = run(&request(None, Some(&expression), None));
        assert!(
            matches!(result.as_deref(), Ok("1")),
            "{:?}",
            result.map_err(|e| e.to_string())
        );
    }
}
