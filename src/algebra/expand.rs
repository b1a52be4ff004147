//! The syntax tree → the normal form.
//!
//! The expander walks a statement as the evaluator does (same name resolution through
//! `bind::Scope`, same memoisation of statements, same cycle detection), but computes sums of
//! monomials instead of numbers. What a name becomes:
//! - a part (`embeddings = (V+P+T)*H`) is inlined: its expansion;
//! - a `--set` override is replaced by its expression (`--set d_ff=4*d_model` stays symbolic);
//! - a size read from the config (`H = hidden_size | n_embd | 768`, `V = vocab_size`, `H = 768`)
//!   is the symbol named as the definition, `H`, unless one of its alternatives is bound by
//!   `--set` or a definition (`--set hidden_size=1024`), which then replaces it as in evaluation;
//! - a `let` size computed from others (`let d = H/A`) is expanded into its formula; when that
//!   formula has no polynomial form (`let d = floor(H/A)`), the size stays a symbol of its own;
//! - a name bound nowhere (a config key) is a symbol of that name.
//!
//! Conditions (`if`, comparisons) are decided symbolically when constants decide them
//! (`if 2*H > H + H` is false); otherwise they are decided by the program's values (config,
//! defaults, `--set`) through the evaluator, and the expansion records the assumption
//! (`tied` is true). `floor`, `ceil`, `min`, `max` need constant arguments. Division by a sum of
//! several terms and a negative power of a sum are outside the form and refused.

use std::rc::Rc;

use crate::algebra::polynomial::{Bounds, Failure, SymbolTable, Terms};
use crate::algebra::{Assumption, Bindings, Options, Unknown};
use crate::bind::{Resolution, Scope};
use crate::config::Lookup;
use crate::error::Error;
use crate::eval::{Evaluator, Value};
use crate::limits::Limits;
use crate::number::{ArithmeticError, Number};
use crate::parser::{RED_ZONE, STACK_SEGMENT};
use crate::syntax::{
    BinaryOp, Definition, DefinitionKind, ExprId, ExprKind, Formula, Function, Span, StatementId,
    StatementKind, UnaryOp,
};

/// An error, and whether it only says the input is outside the polynomial form (a `let` size
/// whose formula is outside it stays a symbol instead of failing).
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    pub error: Error,
    pub outside: bool,
}

impl From<Error> for Fault {
    fn from(error: Error) -> Fault {
        Fault {
            error,
            outside: false,
        }
    }
}

type Expanded = Result<Terms, Fault>;

#[derive(Clone, Debug)]
enum State {
    Unvisited,
    Active,
    /// Shared, so that a large result is not copied into the memo and out again.
    Done(Result<Rc<Terms>, Fault>),
}

/// What a size definition stands for in the expansion.
enum SizeKind {
    /// The symbol named as the definition.
    Symbol,
    /// Its value, from the evaluator (`Bindings::Values`).
    Value,
    /// True or false, or a string: not a term of a polynomial.
    NotNumber,
    /// This alternative, bound by `--set` or a definition.
    Alias(ExprId),
    /// A `let` size computed from others.
    Computed,
}

pub(crate) struct Expander<'p> {
    formula: &'p Formula,
    scope: &'p Scope<'p>,
    evaluator: Evaluator<'p>,
    pub(crate) symbols: SymbolTable,
    bounds: Bounds,
    /// Term products computed so far (bounded by `Bounds::max_work`).
    work: u64,
    /// Largest exponent of `^` (`Limits::max_exponent`).
    max_exponent: u64,
    states: Vec<State>,
    active: Vec<StatementId>,
    pub(crate) assumptions: Vec<Assumption>,
    bindings: Bindings,
    unknown: Option<Unknown>,
}

/// Names for a message: "`H`, `A`".
fn quoted(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    let more = if names.len() > 3 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// An input outside the polynomial form.
fn outside(span: Span, context: &str, expected: &str, found: String) -> Fault {
    Fault {
        error: Error::Type {
            span,
            context: context.to_string(),
            expected: expected.to_string(),
            found,
        },
        outside: true,
    }
}

fn not_a_number(span: Span, found: &str) -> Fault {
    Error::Type {
        span,
        context: "a polynomial".into(),
        expected: "numbers".into(),
        found: found.to_string(),
    }
    .into()
}

impl<'p> Expander<'p> {
    pub(crate) fn new(scope: &'p Scope<'p>, limits: Limits, options: &Options) -> Expander<'p> {
        let formula = scope.formula();
        Expander {
            formula,
            scope,
            evaluator: Evaluator::new(scope, limits),
            symbols: SymbolTable::default(),
            bounds: Bounds {
                max_bits: limits.max_bits,
                max_terms: options.max_terms.max(1),
            },
            work: 0,
            max_exponent: limits.max_exponent,
            states: vec![State::Unvisited; formula.statements.len()],
            active: Vec::new(),
            assumptions: Vec::new(),
            bindings: options.bindings,
            unknown: options.unknown.clone(),
        }
    }

    fn symbol(&mut self, name: &str) -> Terms {
        Terms::symbol(self.symbols.intern(name))
    }

    fn names_of(&self, terms: &Terms) -> String {
        let names: Vec<&str> = terms
            .symbols()
            .into_iter()
            .map(|s| self.symbols.name(s))
            .collect();
        quoted(&names)
    }

    fn span(&self, id: ExprId) -> Span {
        self.formula.span(id)
    }

    /// The expansion of a statement (memoised).
    pub(crate) fn statement(&mut self, id: StatementId, used_at: Option<Span>) -> Expanded {
        self.shared_statement(id, used_at).map(Rc::unwrap_or_clone)
    }

    /// The expansion of the statement a run asked for: the memo lets go of it, so the result is
    /// not copied.
    pub(crate) fn target(&mut self, id: StatementId) -> Expanded {
        let result = self.shared_statement(id, None);
        self.states[id.0 as usize] = State::Unvisited;
        result.map(Rc::unwrap_or_clone)
    }

    fn shared_statement(
        &mut self,
        id: StatementId,
        used_at: Option<Span>,
    ) -> Result<Rc<Terms>, Fault> {
        match &self.states[id.0 as usize] {
            State::Done(result) => return result.clone(),
            State::Active => return Err(self.cycle(id, used_at).into()),
            State::Unvisited => {}
        }
        self.states[id.0 as usize] = State::Active;
        self.active.push(id);
        let result = self.statement_value(id).map(Rc::new);
        self.active.pop();
        self.states[id.0 as usize] = State::Done(result.clone());
        result
    }

    fn statement_value(&mut self, id: StatementId) -> Expanded {
        let formula = self.formula;
        match &formula.statement(id).kind {
            StatementKind::Override { value, .. } | StatementKind::Expression { value, .. } => {
                self.expr(*value, id)
            }
            StatementKind::Definition(d) if d.kind == DefinitionKind::Part => {
                self.expr(d.value, id)
            }
            StatementKind::Definition(d) => match self.size_kind(id, d) {
                SizeKind::Symbol => Ok(self.symbol(&d.name)),
                SizeKind::Alias(alternative) => self.expr(alternative, id),
                SizeKind::NotNumber => Err(not_a_number(
                    self.span(d.value),
                    &format!("`{}`, a size that is not a number", d.name),
                )),
                SizeKind::Value => match self.evaluator.statement(id) {
                    Ok(Value::Number(n)) => Ok(Terms::constant(n)),
                    Ok(_) => Err(not_a_number(
                        self.span(d.value),
                        &format!("`{}`, a size that is not a number", d.name),
                    )),
                    // A size with no value stays a symbol.
                    Err(Error::UnknownName { .. } | Error::NoAlternative { .. }) => {
                        Ok(self.symbol(&d.name))
                    }
                    Err(e) => Err(e.into()),
                },
                SizeKind::Computed => match self.expr(d.value, id) {
                    Err(fault) if fault.outside => Ok(self.symbol(&d.name)),
                    result => result,
                },
            },
        }
    }

    fn is_unknown_name(&self, name: &str) -> bool {
        matches!(&self.unknown, Some(Unknown::Name(n)) if n == name)
    }

    fn size_kind(&self, id: StatementId, d: &Definition) -> SizeKind {
        let formula = self.formula;
        let peel = |mut e: ExprId| {
            while let ExprKind::Group(inner) = formula.kind(e) {
                e = inner;
            }
            e
        };
        let read = if self.bindings == Bindings::Values {
            SizeKind::Value
        } else {
            SizeKind::Symbol
        };
        let value = peel(d.value);
        let alternatives: Vec<ExprId> = match formula.kind(value) {
            ExprKind::Number { .. } => return read,
            ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, inner)
                if matches!(formula.kind(peel(inner)), ExprKind::Number { .. }) =>
            {
                return read
            }
            ExprKind::Bool(_) | ExprKind::Str(_) => return SizeKind::NotNumber,
            ExprKind::Name(_) => vec![value],
            ExprKind::Alternatives(alternatives) => alternatives.to_vec(),
            _ => return SizeKind::Computed,
        };
        // The first alternative that is bound decides, as in evaluation; a config key the config
        // lacks falls through to the next one.
        for alternative in alternatives {
            let alternative = peel(alternative);
            match formula.kind(alternative) {
                ExprKind::Name(name) if self.is_unknown_name(name) => {
                    return SizeKind::Alias(alternative)
                }
                ExprKind::Name(name) => match self.scope.resolve(name, id) {
                    Resolution::Override(_) | Resolution::Definition(_) => {
                        return SizeKind::Alias(alternative)
                    }
                    Resolution::Config(Lookup::Absent) => continue,
                    Resolution::Config(Lookup::Bool(_) | Lookup::Str(_))
                        if self.bindings == Bindings::Symbols =>
                    {
                        return SizeKind::NotNumber
                    }
                    Resolution::Config(_) => return read,
                },
                ExprKind::Bool(_) | ExprKind::Str(_) if self.bindings == Bindings::Symbols => {
                    return SizeKind::NotNumber
                }
                _ => return read,
            }
        }
        read
    }

    fn cycle(&self, id: StatementId, used_at: Option<Span>) -> Error {
        crate::eval::cycle_error(self.formula, &self.active, id, used_at)
    }

    /// The expansion of a node inside statement `within`.
    pub(crate) fn expr(&mut self, id: ExprId, within: StatementId) -> Expanded {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.expand(id, within))
    }

    fn failure(&self, failure: Failure, span: Span, operand: Span) -> Fault {
        match failure {
            Failure::Arithmetic(e) => self.arithmetic(e, span, operand).into(),
            Failure::TooManyTerms { limit } => Error::Type {
                span,
                context: "an expansion".into(),
                expected: format!(
                    "at most {limit} terms (and ten term products per term, a product of large or fractional coefficients counting as several)"
                ),
                found: "a result with more".into(),
            }
            .into(),
            Failure::ExponentOverflow => Error::Type {
                span,
                context: "a power of a symbol".into(),
                expected: format!("an exponent of at most {}", i32::MAX),
                found: "a larger exponent".into(),
            }
            .into(),
        }
    }

    fn arithmetic(&self, error: ArithmeticError, span: Span, operand: Span) -> Error {
        Error::arithmetic(error, span, operand, self.formula)
    }

    fn expand(&mut self, id: ExprId, within: StatementId) -> Expanded {
        let formula = self.formula;
        let node = formula.expr(id);
        let span = node.span;
        match formula.kind(id) {
            ExprKind::Number { text } => {
                if let Some(Unknown::Literal { expr, name }) = &self.unknown {
                    if *expr == id {
                        let name = name.clone();
                        return Ok(self.symbol(&name));
                    }
                }
                match Number::parse_literal(text, self.bounds.max_bits) {
                    Some(Ok(n)) => Ok(Terms::constant(n)),
                    Some(Err(e)) => Err(self.arithmetic(e, span, span).into()),
                    None => Err(Error::Syntax {
                        span,
                        message: format!("`{text}` is not a number"),
                        help: None,
                    }
                    .into()),
                }
            }
            ExprKind::Bool(b) => Err(not_a_number(span, &format!("the boolean {b}"))),
            ExprKind::Str(s) => Err(not_a_number(span, &format!("the string {s:?}"))),
            ExprKind::Name(name) => self.name(name, span, within),
            ExprKind::Group(inner) => self.expr(inner, within),
            ExprKind::Unary(UnaryOp::Neg, inner) => Ok(self.expr(inner, within)?.neg()),
            ExprKind::Unary(UnaryOp::Plus, inner) => self.expr(inner, within),
            ExprKind::Unary(UnaryOp::Not, _) => Err(not_a_number(span, "a condition")),
            ExprKind::Binary(op, _, _) if op.is_arithmetic() => self.chain(id, within),
            ExprKind::Binary(BinaryOp::Pow, lhs, rhs) => self.power(span, lhs, rhs, within),
            ExprKind::Binary(BinaryOp::Rem, _, _) => self.by_value(id, within, "`%`"),
            ExprKind::Binary(_, _, _) => Err(not_a_number(span, "a condition")),
            ExprKind::Call(
                function @ (Function::Len
                | Function::Count
                | Function::Contains
                | Function::SumList
                | Function::Model),
                _,
            ) => self.by_value(id, within, function.name()),
            ExprKind::Call(function, args) => self.call(function, args, span, within),
            ExprKind::Apply { name_id, body, .. } if body != name_id => self.expr(body, within),
            ExprKind::Apply { .. } | ExprKind::List(_) | ExprKind::Index(..) => {
                self.by_value(id, within, "a list")
            }
            ExprKind::Sum {
                var_id,
                lo,
                hi,
                body,
                ..
            } => {
                let varies = match formula.node(var_id) {
                    crate::syntax::Node::Name(symbol) => {
                        crate::eval::mentions(formula, body, symbol)
                    }
                    _ => true,
                };
                if varies {
                    return self.by_value(id, within, "a sum whose terms depend on its variable");
                }
                // The closed form: (hi - lo + 1) copies of the term.
                let bounds = self.bounds;
                let mut count = self.expr(hi, within)?;
                let first = self.expr(lo, within)?;
                count
                    .add_assign(first, true, &bounds)
                    .map_err(|f| self.failure(f, span, span))?;
                count
                    .add_assign(Terms::constant(Number::from_i64(1)), false, &bounds)
                    .map_err(|f| self.failure(f, span, span))?;
                let term = self.expr(body, within)?;
                count
                    .mul(&term, &bounds, &mut self.work)
                    .map_err(|f| self.failure(f, span, span))
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let taken = if self.condition(condition, within)? {
                    then
                } else {
                    otherwise
                };
                self.expr(taken, within)
            }
            ExprKind::Alternatives(alternatives) => {
                // The first alternative that is bound; when none is, the first one.
                let mut chosen = alternatives.first().copied();
                for &alternative in alternatives {
                    if let ExprKind::Name(name) = formula.kind(alternative) {
                        if !self.is_unknown_name(name)
                            && self.scope.resolve(name, within)
                                == Resolution::Config(Lookup::Absent)
                        {
                            continue;
                        }
                    }
                    chosen = Some(alternative);
                    break;
                }
                match chosen {
                    Some(alternative) => self.expr(alternative, within),
                    None => Ok(Terms::zero()),
                }
            }
        }
    }

    fn name(&mut self, name: &str, span: Span, within: StatementId) -> Expanded {
        if self.is_unknown_name(name) {
            return Ok(self.symbol(name));
        }
        match self.scope.resolve(name, within) {
            Resolution::Override(id) | Resolution::Definition(id) => self.statement(id, Some(span)),
            Resolution::Config(Lookup::Bool(b)) => Err(not_a_number(
                span,
                &format!("`{name}`, which is {b} in the config"),
            )),
            Resolution::Config(Lookup::Str(s)) => Err(not_a_number(
                span,
                &format!("`{name}`, which is the string {s:?} in the config"),
            )),
            Resolution::Config(Lookup::Number(n)) if self.bindings == Bindings::Values => {
                Ok(Terms::constant(n))
            }
            Resolution::Config(Lookup::Unusable { found }) if self.bindings == Bindings::Values => {
                Err(Error::ConfigValue {
                    span,
                    key: name.to_string(),
                    found,
                }
                .into())
            }
            Resolution::Config(_) => Ok(self.symbol(name)),
        }
    }

    /// A left-leaning chain of `+ - * /` (a long sum is a million nodes deep on its left), walked
    /// with a loop instead of recursion.
    fn chain(&mut self, id: ExprId, within: StatementId) -> Expanded {
        let formula = self.formula;
        let (leftmost, spine) = formula.arithmetic_chain(id);
        let mut accumulated = self.expr(leftmost, within)?;
        for &node in &spine {
            let ExprKind::Binary(op, _, rhs) = formula.kind(node) else {
                continue;
            };
            let span = formula.span(node);
            let operand = self.span(rhs);
            let right = self.expr(rhs, within)?;
            let bounds = self.bounds;
            accumulated = match op {
                BinaryOp::Add | BinaryOp::Sub => {
                    accumulated
                        .add_assign(right, op == BinaryOp::Sub, &bounds)
                        .map_err(|f| self.failure(f, span, operand))?;
                    accumulated
                }
                BinaryOp::Div => {
                    let inverse = self.inverse(&right, operand)?;
                    accumulated
                        .mul(&inverse, &bounds, &mut self.work)
                        .map_err(|f| self.failure(f, span, operand))?
                }
                _ => accumulated
                    .mul(&right, &bounds, &mut self.work)
                    .map_err(|f| self.failure(f, span, operand))?,
            };
        }
        Ok(accumulated)
    }

    /// `1 / divisor`, for a divisor of one term.
    fn inverse(&self, divisor: &Terms, span: Span) -> Expanded {
        if divisor.is_zero() {
            return Err(Error::DivisionByZero { span }.into());
        }
        let Some((monomial, coefficient)) = divisor.single_term() else {
            return Err(outside(
                span,
                "a division in a polynomial",
                "a divisor of one term",
                format!("a sum of {} terms", divisor.len()),
            ));
        };
        let monomial = monomial
            .pow(-1)
            .ok_or_else(|| self.failure(Failure::ExponentOverflow, span, span))?;
        let coefficient = Number::from_i64(1)
            .div(coefficient, self.bounds.max_bits)
            .map_err(|e| self.arithmetic(e, span, span))?;
        Ok(Terms::term(monomial, coefficient))
    }

    fn power(&mut self, span: Span, lhs: ExprId, rhs: ExprId, within: StatementId) -> Expanded {
        let base = self.expr(lhs, within)?;
        let exponent_terms = self.expr(rhs, within)?;
        let (base_span, exponent_span) = (self.span(lhs), self.span(rhs));
        let Some(exponent) = exponent_terms.as_constant() else {
            return Err(outside(
                exponent_span,
                "a power in a polynomial",
                "a constant integer exponent",
                format!("an exponent in {}", self.names_of(&exponent_terms)),
            ));
        };
        let max_bits = self.bounds.max_bits;
        if let Some(base) = base.as_constant() {
            crate::number::check_exponent(&base, &exponent, self.max_exponent)
                .map_err(|e| self.arithmetic(e, span, exponent_span))?;
        } else {
            // A symbol's power: limited as the power of a number would be.
            crate::number::check_exponent(&Number::from_i64(2), &exponent, self.max_exponent)
                .map_err(|e| self.arithmetic(e, span, exponent_span))?;
        }
        let pow_error = |e: ArithmeticError| match e {
            ArithmeticError::DivisionByZero => Error::DivisionByZero { span: base_span },
            other => self.arithmetic(other, span, exponent_span),
        };
        if let Some(value) = base.as_constant() {
            return Ok(Terms::constant(
                value.pow(&exponent, max_bits).map_err(pow_error)?,
            ));
        }
        if !exponent.is_integer() {
            return Err(self
                .arithmetic(ArithmeticError::FractionalExponent, span, exponent_span)
                .into());
        }
        let Some(e) = exponent.to_i64() else {
            return Err(self.failure(Failure::ExponentOverflow, span, exponent_span));
        };
        if let Some((monomial, coefficient)) = base.single_term() {
            let monomial = monomial
                .pow(e)
                .ok_or_else(|| self.failure(Failure::ExponentOverflow, span, exponent_span))?;
            let coefficient = coefficient.pow(&exponent, max_bits).map_err(pow_error)?;
            return Ok(Terms::term(monomial, coefficient));
        }
        if e < 0 {
            return Err(outside(
                base_span,
                "a negative power in a polynomial",
                "a base of one term",
                format!("a sum of {} terms", base.len()),
            ));
        }
        let bounds = self.bounds;
        base.pow(e as u64, &bounds, &mut self.work)
            .map_err(|f| self.failure(f, span, exponent_span))
    }

    /// A node outside the polynomial form (lists, `%`, sums whose terms vary, sub-models), as the
    /// constant the evaluator gives it.
    fn by_value(&mut self, id: ExprId, within: StatementId, what: &str) -> Expanded {
        let span = self.span(id);
        match self.evaluator.expr(id, within) {
            Ok(Value::Number(n)) => Ok(Terms::constant(n)),
            Ok(other) => Err(not_a_number(span, &other.describe())),
            Err(Error::UnknownName { name, .. }) => Err(outside(
                span,
                &format!("{what} in a polynomial"),
                "values for every name it uses",
                format!("`{name}` without a value"),
            )),
            Err(error) => Err(error.into()),
        }
    }

    fn call(
        &mut self,
        function: Function,
        args: &[ExprId],
        span: Span,
        within: StatementId,
    ) -> Expanded {
        let mut values = Vec::with_capacity(args.len());
        for &arg in args {
            let terms = self.expr(arg, within)?;
            match terms.as_constant() {
                Some(value) => values.push(value),
                None => {
                    return Err(outside(
                        self.span(arg),
                        &format!("`{}` in a polynomial", function.name()),
                        "constant arguments",
                        format!("an expression in {}", self.names_of(&terms)),
                    ))
                }
            }
        }
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return Err(Error::Arity {
                span,
                function: function.name(),
                expected: "one or more arguments",
                found: 0,
            }
            .into());
        };
        Ok(Terms::constant(match function {
            Function::Min => values.fold(first, |a, b| a.min(b)),
            Function::Max => values.fold(first, |a, b| a.max(b)),
            Function::Floor => first.floor(),
            Function::Ceil => first.ceil(),
            // Evaluated as constants before (`by_value`).
            _ => first,
        }))
    }

    /// Decides a condition: by constants when they decide it, else by the program's values.
    fn condition(&mut self, id: ExprId, within: StatementId) -> Result<bool, Fault> {
        if let Some(decided) = self.decide(id, within, 0)? {
            return Ok(decided);
        }
        let span = self.span(id);
        let depends = |names: &[&str]| {
            outside(
                span,
                "`if` in a polynomial",
                "a condition that constants, the config or --set decide",
                format!("a condition on {}, with no value", quoted(names)),
            )
        };
        match self.evaluator.expr(id, within) {
            Ok(Value::Bool(holds)) => {
                // One line per distinct condition, at its first place.
                let condition = self.formula.text(id);
                if !self
                    .assumptions
                    .iter()
                    .any(|a| a.condition == condition && a.holds == holds)
                {
                    self.assumptions.push(Assumption {
                        span,
                        condition: condition.to_string(),
                        holds,
                    });
                }
                Ok(holds)
            }
            Ok(other) => Err(Error::Type {
                span,
                context: "`if`".into(),
                expected: "true or false".into(),
                found: format!("the value {other}"),
            }
            .into()),
            Err(Error::UnknownName { name, .. }) => Err(depends(&[name.as_str()])),
            Err(Error::NoAlternative { missing, .. }) => {
                let names: Vec<&str> = missing.iter().map(String::as_str).collect();
                Err(depends(&names))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A condition's truth when constants alone decide it; `None` when it depends on symbols.
    fn decide(
        &mut self,
        id: ExprId,
        within: StatementId,
        depth: usize,
    ) -> Result<Option<bool>, Fault> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.decide_inner(id, within, depth)
        })
    }

    fn decide_inner(
        &mut self,
        id: ExprId,
        within: StatementId,
        depth: usize,
    ) -> Result<Option<bool>, Fault> {
        let formula = self.formula;
        Ok(match formula.kind(id) {
            ExprKind::Bool(b) => Some(b),
            ExprKind::Group(inner) => self.decide(inner, within, depth)?,
            ExprKind::Unary(UnaryOp::Not, inner) => self.decide(inner, within, depth)?.map(|b| !b),
            ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), lhs, rhs) => {
                // `and` is decided by a false side, `or` by a true one.
                let decisive = op == BinaryOp::Or;
                match self.decide(lhs, within, depth)? {
                    Some(b) if b == decisive => Some(b),
                    left => match (left, self.decide(rhs, within, depth)?) {
                        (_, Some(b)) if b == decisive => Some(b),
                        (Some(_), Some(b)) => Some(b),
                        _ => None,
                    },
                }
            }
            ExprKind::Binary(op, lhs, rhs)
                if matches!(
                    op,
                    BinaryOp::Eq
                        | BinaryOp::Ne
                        | BinaryOp::Lt
                        | BinaryOp::Le
                        | BinaryOp::Gt
                        | BinaryOp::Ge
                ) =>
            {
                let (Ok(mut left), Ok(right)) = (self.expr(lhs, within), self.expr(rhs, within))
                else {
                    return Ok(None);
                };
                let bounds = self.bounds;
                if left.add_assign(right, true, &bounds).is_err() {
                    return Ok(None);
                }
                // Identical sides are equal for every value of the symbols.
                let Some(difference) = left.as_constant() else {
                    return Ok(None);
                };
                let ordering = difference.cmp(&Number::zero());
                use std::cmp::Ordering::*;
                Some(match op {
                    BinaryOp::Eq => ordering == Equal,
                    BinaryOp::Ne => ordering != Equal,
                    BinaryOp::Lt => ordering == Less,
                    BinaryOp::Le => ordering != Greater,
                    BinaryOp::Gt => ordering == Greater,
                    _ => ordering != Less,
                })
            }
            ExprKind::Name(name) if depth < 64 && !self.is_unknown_name(name) => {
                match self.scope.resolve(name, within) {
                    Resolution::Override(s) | Resolution::Definition(s) => {
                        let value = formula.statement(s).value();
                        self.decide(value, s, depth + 1)?
                    }
                    Resolution::Config(Lookup::Bool(b)) if self.bindings == Bindings::Values => {
                        Some(b)
                    }
                    Resolution::Config(_) => None,
                }
            }
            _ => None,
        })
    }
}
