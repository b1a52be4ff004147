//! A sweep's formula compiled once for the names that vary: everything that does not depend on an
//! axis is evaluated once, exactly, by the evaluator, and what does becomes a short list of
//! operations on machine integers (`i128`, every operation checked), run once per point.
//!
//! The compiled route never changes a result: an operation that would overflow, divide inexactly,
//! divide by zero or raise to a fractional or huge power stops the point, and the sweep computes
//! that point with the evaluator instead (`false` from `Tape::run`). What the compiler does not know
//! (lists, sums whose body varies, strings that vary) makes `compile` give up, and the whole sweep
//! takes the evaluator's route, as before.
//!
//! An `if` whose condition is fixed is decided once; one whose condition varies computes both
//! branches and selects, so an error in the branch not taken only sends the point to the
//! evaluator, which does not evaluate that branch. Alternatives (`a | b`) take the branch the
//! evaluator took at the first point: which alternative has all its names bound does not depend on
//! the axes' values.

use std::collections::HashMap;

use num_traits::ToPrimitive;

use crate::bind::{Resolution, Scope};
use crate::eval::{Evaluator, Value};
use crate::number::Number;
use crate::syntax::{BinaryOp, ExprId, ExprKind, Function, StatementId, UnaryOp};

/// Deepest expression the compiler walks (it recurses); deeper ones take the evaluator's route.
const MAX_DEPTH: usize = 2_000;
/// Most operations a compiled formula may have; more take the evaluator's route.
const MAX_OPS: usize = 1 << 20;

/// What a register holds: the compiler knows each register's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Bool,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    /// Exact division: an inexact quotient stops the point.
    Div(u32, u32),
    /// `floor(a / b)` and `ceil(a / b)`, exact on integers.
    FloorDiv(u32, u32),
    CeilDiv(u32, u32),
    Rem(u32, u32),
    Pow(u32, u32),
    Neg(u32),
    Not(u32),
    Eq(u32, u32),
    Ne(u32, u32),
    Lt(u32, u32),
    Le(u32, u32),
    And(u32, u32),
    Or(u32, u32),
    Min(u32, u32),
    Max(u32, u32),
    Select(u32, u32, u32),
}

/// One operation and the register it writes.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    to: u32,
    op: Op,
}

/// The compiled formula: constants, the axes' registers, the operations, and where each output is.
/// Registers are the constants, then the axes, then one per operation.
#[derive(Clone, Debug)]
pub struct Tape {
    constants: Vec<i128>,
    axes: usize,
    /// In an order where every operation comes after those it reads.
    steps: Vec<Step>,
    outputs: Vec<(u32, Kind)>,
}

/// A tape's operations grouped by the axes they read, for a grid walked with the last axis
/// fastest (`Runner` in `sweep/runner.rs`): most of a formula usually reads one axis, and a value
/// that does not change from one point to the next need not be computed again.
#[derive(Clone, Debug, Default)]
pub struct Stages {
    /// Operations that do not read the last axis: run again only when an earlier axis moves.
    pub outer: Vec<Step>,
    /// Operations that read the last axis and no other: the same at each value of it, whatever
    /// the earlier axes.
    pub inner: Vec<Step>,
    /// The rest, run at every point.
    pub mixed: Vec<Step>,
    /// The registers `inner` writes that `mixed` or an output reads: all a point needs of them.
    pub kept: Vec<u32>,
}

/// Machine integers the tape runs on: `i64` first (cheap), `i128` for a point that overflows it.
pub trait Machine: Copy + Ord + Default {
    fn from_i128(v: i128) -> Option<Self>;
    fn to_i128(self) -> i128;
    fn add(self, o: Self) -> Option<Self>;
    fn sub(self, o: Self) -> Option<Self>;
    fn mul(self, o: Self) -> Option<Self>;
    fn div(self, o: Self) -> Option<Self>;
    fn rem(self, o: Self) -> Option<Self>;
    fn neg(self) -> Option<Self>;
    fn pow(self, e: u32) -> Option<Self>;
    fn from_bool(b: bool) -> Self;
    fn is_zero(self) -> bool;
}

macro_rules! machine {
    ($t:ty) => {
        impl Machine for $t {
            #[inline]
            fn from_i128(v: i128) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            #[inline]
            fn to_i128(self) -> i128 {
                self as i128
            }
            #[inline]
            fn add(self, o: Self) -> Option<Self> {
                self.checked_add(o)
            }
            #[inline]
            fn sub(self, o: Self) -> Option<Self> {
                self.checked_sub(o)
            }
            #[inline]
            fn mul(self, o: Self) -> Option<Self> {
                self.checked_mul(o)
            }
            #[inline]
            fn div(self, o: Self) -> Option<Self> {
                self.checked_div(o)
            }
            #[inline]
            fn rem(self, o: Self) -> Option<Self> {
                self.checked_rem(o)
            }
            #[inline]
            fn neg(self) -> Option<Self> {
                self.checked_neg()
            }
            #[inline]
            fn pow(self, e: u32) -> Option<Self> {
                self.checked_pow(e)
            }
            #[inline]
            fn from_bool(b: bool) -> Self {
                <$t>::from(b)
            }
            #[inline]
            fn is_zero(self) -> bool {
                self == 0
            }
        }
    };
}

machine!(i64);
machine!(i128);

impl Op {
    /// The registers the operation reads.
    fn reads(self) -> ([u32; 3], usize) {
        match self {
            Op::Neg(a) | Op::Not(a) => ([a, 0, 0], 1),
            Op::Select(c, t, e) => ([c, t, e], 3),
            Op::Add(a, b)
            | Op::Sub(a, b)
            | Op::Mul(a, b)
            | Op::Div(a, b)
            | Op::FloorDiv(a, b)
            | Op::CeilDiv(a, b)
            | Op::Rem(a, b)
            | Op::Pow(a, b)
            | Op::Eq(a, b)
            | Op::Ne(a, b)
            | Op::Lt(a, b)
            | Op::Le(a, b)
            | Op::And(a, b)
            | Op::Or(a, b)
            | Op::Min(a, b)
            | Op::Max(a, b) => ([a, b, 0], 2),
        }
    }
}

impl Tape {
    /// Registers for `run`: the constants in place, room for the rest; `None` when a constant
    /// does not fit the machine type.
    pub fn registers<T: Machine>(&self) -> Option<Vec<T>> {
        let mut registers: Vec<T> = self
            .constants
            .iter()
            .map(|c| T::from_i128(*c))
            .collect::<Option<_>>()?;
        registers.resize(
            self.constants.len() + self.axes + self.steps.len(),
            T::default(),
        );
        Some(registers)
    }

    /// The register of axis `k`.
    pub fn axis_register(&self, k: usize) -> usize {
        self.constants.len() + k
    }

    /// The kind of each output, in the order asked for.
    pub fn output_kinds(&self) -> Vec<Kind> {
        self.outputs.iter().map(|o| o.1).collect()
    }

    /// Copies the outputs out of `registers` (after the operations ran) into `out`.
    pub fn outputs<T: Machine>(&self, registers: &[T], out: &mut Vec<T>) {
        out.clear();
        out.extend(self.outputs.iter().map(|(reg, _)| registers[*reg as usize]));
    }

    /// Computes the outputs at one point (`axes` in the order compiled), into `out`; `false` when
    /// an operation leaves the machine type (the point needs a wider one, or the evaluator).
    pub fn run<T: Machine>(&self, registers: &mut [T], axes: &[T], out: &mut Vec<T>) -> bool {
        let base = self.constants.len();
        registers[base..base + axes.len()].copy_from_slice(axes);
        if !exec(&self.steps, registers) {
            return false;
        }
        self.outputs(registers, out);
        true
    }

    /// The operations grouped by the axes they read (see `Stages`), each group in tape order.
    pub fn stages(&self) -> Stages {
        let base = self.constants.len();
        let last = self.axes.checked_sub(1).map(|k| base + k);
        // Per register: whether it depends on the last axis, and on an earlier one.
        let mut on_last = vec![false; base + self.axes + self.steps.len()];
        let mut on_earlier = on_last.clone();
        for k in 0..self.axes {
            on_last[base + k] = Some(base + k) == last;
            on_earlier[base + k] = Some(base + k) != last;
        }
        let mut stages = Stages::default();
        for step in &self.steps {
            let (reads, n) = step.op.reads();
            let reads = &reads[..n];
            let to = step.to as usize;
            on_last[to] = reads.iter().any(|r| on_last[*r as usize]);
            on_earlier[to] = reads.iter().any(|r| on_earlier[*r as usize]);
            match (on_last[to], on_earlier[to]) {
                (false, _) => stages.outer.push(*step),
                (true, false) => stages.inner.push(*step),
                (true, true) => stages.mixed.push(*step),
            }
        }
        let mut read_later = vec![false; on_last.len()];
        for step in &stages.mixed {
            let (reads, n) = step.op.reads();
            for r in &reads[..n] {
                read_later[*r as usize] = true;
            }
        }
        for (reg, _) in &self.outputs {
            read_later[*reg as usize] = true;
        }
        stages.kept = stages
            .inner
            .iter()
            .map(|step| step.to)
            .filter(|to| read_later[*to as usize])
            .collect();
        stages
    }
}

/// Runs `steps` on `registers`; `false` at the first operation that leaves the machine type.
pub fn exec<T: Machine>(steps: &[Step], registers: &mut [T]) -> bool {
    for step in steps {
        let r = |x: u32| registers[x as usize];
        let value = match step.op {
            Op::Add(a, b) => r(a).add(r(b)),
            Op::Sub(a, b) => r(a).sub(r(b)),
            Op::Mul(a, b) => r(a).mul(r(b)),
            Op::Div(a, b) => {
                let (a, b) = (r(a), r(b));
                match a.rem(b) {
                    Some(rest) if rest.is_zero() => a.div(b),
                    _ => None,
                }
            }
            Op::FloorDiv(a, b) => floor_div(r(a), r(b)),
            Op::CeilDiv(a, b) => ceil_div(r(a), r(b)),
            Op::Rem(a, b) => {
                let (a, b) = (r(a), r(b));
                floor_div(a, b)
                    .and_then(|q| q.mul(b))
                    .and_then(|p| a.sub(p))
            }
            Op::Pow(a, b) => power(r(a), r(b)),
            Op::Neg(a) => r(a).neg(),
            Op::Not(a) => Some(T::from_bool(r(a).is_zero())),
            Op::Eq(a, b) => Some(T::from_bool(r(a) == r(b))),
            Op::Ne(a, b) => Some(T::from_bool(r(a) != r(b))),
            Op::Lt(a, b) => Some(T::from_bool(r(a) < r(b))),
            Op::Le(a, b) => Some(T::from_bool(r(a) <= r(b))),
            Op::And(a, b) => Some(T::from_bool(!r(a).is_zero() && !r(b).is_zero())),
            Op::Or(a, b) => Some(T::from_bool(!r(a).is_zero() || !r(b).is_zero())),
            Op::Min(a, b) => Some(r(a).min(r(b))),
            Op::Max(a, b) => Some(r(a).max(r(b))),
            Op::Select(c, t, e) => Some(if r(c).is_zero() { r(e) } else { r(t) }),
        };
        match value {
            Some(v) => registers[step.to as usize] = v,
            None => return false,
        }
    }
    true
}

fn floor_div<T: Machine>(a: T, b: T) -> Option<T> {
    let q = a.div(b)?;
    let r = a.rem(b)?;
    let zero = T::default();
    Some(if !r.is_zero() && ((r < zero) != (b < zero)) {
        q.sub(T::from_bool(true))?
    } else {
        q
    })
}

fn ceil_div<T: Machine>(a: T, b: T) -> Option<T> {
    floor_div(a.neg()?, b)?.neg()
}

fn power<T: Machine>(base: T, exponent: T) -> Option<T> {
    let (b, e) = (base.to_i128(), exponent.to_i128());
    match b {
        0 if e > 0 => Some(T::default()),
        1 => Some(base),
        -1 => Some(if e % 2 == 0 { base.neg()? } else { base }),
        _ if (0..=127).contains(&e) => base.pow(e as u32),
        // A negative exponent gives a fraction (or divides by zero): the evaluator says which.
        _ => None,
    }
}

/// The integer a value is, when it is one that fits.
pub fn to_machine(value: &Value) -> Option<(i128, Kind)> {
    match value {
        Value::Number(n) => n.to_bigint()?.to_i128().map(|v| (v, Kind::Int)),
        Value::Bool(b) => Some((i128::from(*b), Kind::Bool)),
        _ => None,
    }
}

/// A machine value as the evaluator's value.
pub fn to_value(value: i128, kind: Kind) -> Value {
    match kind {
        Kind::Bool => Value::Bool(value != 0),
        Kind::Int => Value::Number(match i64::try_from(value) {
            Ok(small) => Number::from_i64(small),
            Err(_) => Number::from_bigint(value.into()),
        }),
    }
}

struct Compiler<'a, 's> {
    scope: &'a Scope<'s>,
    evaluator: &'a mut Evaluator<'s>,
    /// Statements that depend on an axis, with the axes' own overrides.
    dirty: Vec<bool>,
    axis_of: HashMap<StatementId, u32>,
    constants: Vec<i128>,
    ops: Vec<(Op, Kind)>,
    statements: HashMap<StatementId, (u32, Kind)>,
    varies: HashMap<(ExprId, StatementId), bool>,
    /// Operations added so far, by their text, for sharing.
    seen: HashMap<String, u32>,
    depth: usize,
}

/// Compiles `outputs` (statements) for the axes' overrides `axes`, or `None` when any part of them
/// is beyond the compiled route. `evaluator` must have evaluated every output once at a point (it
/// is asked for the constant parts and the alternatives it took); `dirty` is every statement that
/// depends on an axis.
pub fn compile<'s>(
    scope: &Scope<'s>,
    evaluator: &mut Evaluator<'s>,
    axes: &[StatementId],
    dirty: &[StatementId],
    outputs: &[StatementId],
) -> Option<Tape> {
    let formula = scope.formula();
    let mut flags = vec![false; formula.statements.len()];
    for id in dirty {
        flags[id.0 as usize] = true;
    }
    let mut compiler = Compiler {
        scope,
        evaluator,
        dirty: flags,
        axis_of: axes
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as u32))
            .collect(),
        constants: Vec::new(),
        ops: Vec::new(),
        statements: HashMap::new(),
        varies: HashMap::new(),
        seen: HashMap::new(),
        depth: 0,
    };
    let mut results = Vec::new();
    for &output in outputs {
        results.push(compiler.statement(output)?);
    }
    // Registers: constants, then axes, then one per operation. Until now operations and axes were
    // numbered apart (see `Reg`); put them in place.
    let base = compiler.constants.len() as u32;
    let axes_len = axes.len() as u32;
    let place = |reg: Reg| -> u32 {
        match reg {
            Reg::Const(i) => i,
            Reg::Axis(i) => base + i,
            Reg::Op(i) => base + axes_len + i,
        }
    };
    let steps = compiler
        .ops
        .iter()
        .enumerate()
        .map(|(i, (op, _))| Step {
            to: place(Reg::Op(i as u32)),
            op: relocate(*op, &place),
        })
        .collect();
    let outputs = results
        .iter()
        .map(|(reg, kind)| (place(Reg::decode(*reg)), *kind))
        .collect();
    Some(Tape {
        constants: compiler.constants,
        axes: axes.len(),
        steps,
        outputs,
    })
}

/// Registers while compiling: encoded in a `u32` by kind (constants, axes, operations), placed
/// after compiling, when the number of constants is known.
#[derive(Clone, Copy)]
enum Reg {
    Const(u32),
    Axis(u32),
    Op(u32),
}

const TAG: u32 = 1 << 30;

impl Reg {
    fn encode(self) -> u32 {
        match self {
            Reg::Const(i) => i,
            Reg::Axis(i) => TAG | i,
            Reg::Op(i) => (2 * TAG) | i,
        }
    }

    fn decode(raw: u32) -> Reg {
        match raw >> 30 {
            0 => Reg::Const(raw),
            1 => Reg::Axis(raw & (TAG - 1)),
            _ => Reg::Op(raw & (TAG - 1)),
        }
    }
}

fn relocate(op: Op, place: &impl Fn(Reg) -> u32) -> Op {
    let p = |r: u32| place(Reg::decode(r));
    match op {
        Op::Add(a, b) => Op::Add(p(a), p(b)),
        Op::Sub(a, b) => Op::Sub(p(a), p(b)),
        Op::Mul(a, b) => Op::Mul(p(a), p(b)),
        Op::Div(a, b) => Op::Div(p(a), p(b)),
        Op::FloorDiv(a, b) => Op::FloorDiv(p(a), p(b)),
        Op::CeilDiv(a, b) => Op::CeilDiv(p(a), p(b)),
        Op::Rem(a, b) => Op::Rem(p(a), p(b)),
        Op::Pow(a, b) => Op::Pow(p(a), p(b)),
        Op::Neg(a) => Op::Neg(p(a)),
        Op::Not(a) => Op::Not(p(a)),
        Op::Eq(a, b) => Op::Eq(p(a), p(b)),
        Op::Ne(a, b) => Op::Ne(p(a), p(b)),
        Op::Lt(a, b) => Op::Lt(p(a), p(b)),
        Op::Le(a, b) => Op::Le(p(a), p(b)),
        Op::And(a, b) => Op::And(p(a), p(b)),
        Op::Or(a, b) => Op::Or(p(a), p(b)),
        Op::Min(a, b) => Op::Min(p(a), p(b)),
        Op::Max(a, b) => Op::Max(p(a), p(b)),
        Op::Select(c, t, e) => Op::Select(p(c), p(t), p(e)),
    }
}

type Compiled = (u32, Kind);

impl Compiler<'_, '_> {
    fn constant(&mut self, value: &Value) -> Option<Compiled> {
        let (v, kind) = to_machine(value)?;
        self.constants.push(v);
        Some((Reg::Const(self.constants.len() as u32 - 1).encode(), kind))
    }

    /// The value of a constant register.
    fn known(&self, reg: u32) -> Option<i128> {
        match Reg::decode(reg) {
            Reg::Const(i) => self.constants.get(i as usize).copied(),
            _ => None,
        }
    }

    /// Adds an operation, unless it is an identity (`x + 0`, `x * 1`: a linear layer without bias
    /// adds a constant 0) or the same operation on the same registers was added before (`A*D`
    /// in q_proj and o_proj): then the register that holds it already.
    fn op(&mut self, op: Op, kind: Kind) -> Option<Compiled> {
        let zero = |r| self.known(r) == Some(0);
        let one = |r| self.known(r) == Some(1);
        let identity = match op {
            Op::Add(a, b) if zero(b) => Some(a),
            Op::Add(a, b) if zero(a) => Some(b),
            Op::Sub(a, b) if zero(b) => Some(a),
            Op::Mul(a, b) if one(b) => Some(a),
            Op::Mul(a, b) if one(a) => Some(b),
            _ => None,
        };
        if let Some(reg) = identity {
            return Some((reg, kind));
        }
        let key = format!("{op:?}");
        if let Some(&reg) = self.seen.get(&key) {
            return Some((reg, kind));
        }
        if self.ops.len() >= MAX_OPS {
            return None;
        }
        self.ops.push((op, kind));
        let reg = Reg::Op(self.ops.len() as u32 - 1).encode();
        self.seen.insert(key, reg);
        Some((reg, kind))
    }

    fn statement(&mut self, id: StatementId) -> Option<Compiled> {
        if let Some(&axis) = self.axis_of.get(&id) {
            let value = self.evaluator.statement(id).ok()?;
            let (_, kind) = to_machine(&value)?;
            return Some((Reg::Axis(axis).encode(), kind));
        }
        if let Some(&done) = self.statements.get(&id) {
            return Some(done);
        }
        let compiled = if self.dirty[id.0 as usize] {
            let value = self.scope.formula().statement(id).value();
            self.expr(value, id)?
        } else {
            let value = self.evaluator.statement(id).ok()?;
            self.constant(&value)?
        };
        self.statements.insert(id, compiled);
        Some(compiled)
    }

    /// Whether the node's value can change from point to point.
    fn varies(&mut self, id: ExprId, within: StatementId) -> bool {
        if let Some(&known) = self.varies.get(&(id, within)) {
            return known;
        }
        let formula = self.scope.formula();
        let mut stack = vec![id];
        let mut result = false;
        while let Some(node) = stack.pop() {
            if let ExprKind::Name(name) = formula.kind(node) {
                if let Resolution::Override(s) | Resolution::Definition(s) =
                    self.scope.resolve(name, within)
                {
                    if self.dirty[s.0 as usize] {
                        result = true;
                        break;
                    }
                }
            }
            stack.extend(formula.children(node));
        }
        self.varies.insert((id, within), result);
        result
    }

    fn expr(&mut self, id: ExprId, within: StatementId) -> Option<Compiled> {
        if !self.varies(id, within) {
            let value = self.evaluator.expr(id, within).ok()?;
            return self.constant(&value);
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let compiled = self.node(id, within);
        self.depth -= 1;
        compiled
    }

    fn int(&mut self, id: ExprId, within: StatementId) -> Option<u32> {
        match self.expr(id, within)? {
            (reg, Kind::Int) => Some(reg),
            _ => None,
        }
    }

    fn bool(&mut self, id: ExprId, within: StatementId) -> Option<u32> {
        match self.expr(id, within)? {
            (reg, Kind::Bool) => Some(reg),
            _ => None,
        }
    }

    fn node(&mut self, id: ExprId, within: StatementId) -> Option<Compiled> {
        let formula = self.scope.formula();
        match formula.kind(id) {
            ExprKind::Name(name) => match self.scope.resolve(name, within) {
                Resolution::Override(s) | Resolution::Definition(s) => self.statement(s),
                Resolution::Config(_) => None,
            },
            ExprKind::Group(inner) => self.expr(inner, within),
            ExprKind::Apply { body, .. } => self.expr(body, within),
            ExprKind::Unary(UnaryOp::Plus, a) => {
                let a = self.int(a, within)?;
                Some((a, Kind::Int))
            }
            ExprKind::Unary(UnaryOp::Neg, a) => {
                let a = self.int(a, within)?;
                self.op(Op::Neg(a), Kind::Int)
            }
            ExprKind::Unary(UnaryOp::Not, a) => {
                let a = self.bool(a, within)?;
                self.op(Op::Not(a), Kind::Bool)
            }
            ExprKind::Binary(op, a, b) => self.binary(op, a, b, within),
            ExprKind::Call(function, args) => self.call(function, args, within),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                if !self.varies(condition, within) {
                    let taken = self.evaluator.expr(condition, within).ok()?;
                    return match taken {
                        Value::Bool(true) => self.expr(then, within),
                        Value::Bool(false) => self.expr(otherwise, within),
                        _ => None,
                    };
                }
                let c = self.bool(condition, within)?;
                let (t, kind) = self.expr(then, within)?;
                let (e, other) = self.expr(otherwise, within)?;
                if kind != other {
                    return None;
                }
                self.op(Op::Select(c, t, e), kind)
            }
            ExprKind::Alternatives(alternatives) => {
                let taken = self.evaluator.choice(id)?;
                self.expr(*alternatives.get(taken)?, within)
            }
            _ => None,
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        a: ExprId,
        b: ExprId,
        within: StatementId,
    ) -> Option<Compiled> {
        use BinaryOp::*;
        match op {
            And | Or => {
                let (a, b) = (self.bool(a, within)?, self.bool(b, within)?);
                let op = if op == And {
                    Op::And(a, b)
                } else {
                    Op::Or(a, b)
                };
                self.op(op, Kind::Bool)
            }
            Eq | Ne => {
                let (ra, ka) = self.expr(a, within)?;
                let (rb, kb) = self.expr(b, within)?;
                if ka != kb {
                    return None;
                }
                let op = if op == Eq {
                    Op::Eq(ra, rb)
                } else {
                    Op::Ne(ra, rb)
                };
                self.op(op, Kind::Bool)
            }
            _ => {
                let (a, b) = (self.int(a, within)?, self.int(b, within)?);
                let (op, kind) = match op {
                    Add => (Op::Add(a, b), Kind::Int),
                    Sub => (Op::Sub(a, b), Kind::Int),
                    Mul | ImplicitMul => (Op::Mul(a, b), Kind::Int),
                    Div => (Op::Div(a, b), Kind::Int),
                    Rem => (Op::Rem(a, b), Kind::Int),
                    Pow => (Op::Pow(a, b), Kind::Int),
                    Lt => (Op::Lt(a, b), Kind::Bool),
                    Le => (Op::Le(a, b), Kind::Bool),
                    Gt => (Op::Lt(b, a), Kind::Bool),
                    Ge => (Op::Le(b, a), Kind::Bool),
                    And | Or | Eq | Ne => return None,
                };
                self.op(op, kind)
            }
        }
    }

    fn call(
        &mut self,
        function: Function,
        args: &[ExprId],
        within: StatementId,
    ) -> Option<Compiled> {
        let formula = self.scope.formula();
        match function {
            Function::Min | Function::Max => {
                let mut acc = self.int(*args.first()?, within)?;
                for &arg in &args[1..] {
                    let next = self.int(arg, within)?;
                    let op = if function == Function::Min {
                        Op::Min(acc, next)
                    } else {
                        Op::Max(acc, next)
                    };
                    acc = self.op(op, Kind::Int)?.0;
                }
                Some((acc, Kind::Int))
            }
            Function::Floor | Function::Ceil => {
                let [arg] = args else { return None };
                let mut inner = *arg;
                while let ExprKind::Group(next) = formula.kind(inner) {
                    inner = next;
                }
                if let ExprKind::Binary(BinaryOp::Div, a, b) = formula.kind(inner) {
                    let (a, b) = (self.int(a, within)?, self.int(b, within)?);
                    let op = if function == Function::Floor {
                        Op::FloorDiv(a, b)
                    } else {
                        Op::CeilDiv(a, b)
                    };
                    return self.op(op, Kind::Int);
                }
                // The floor of an integer is itself; a fraction stops at its division.
                let a = self.int(*arg, within)?;
                Some((a, Kind::Int))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_operations_follow_the_exact_ones() {
        assert_eq!(floor_div(-7i64, 2), Some(-4));
        assert_eq!(floor_div(7i64, -2), Some(-4));
        assert_eq!(floor_div(7i64, 0), None);
        assert_eq!(ceil_div(7i64, 2), Some(4));
        assert_eq!(ceil_div(-7i64, 2), Some(-3));
        assert_eq!(power(2i128, 127), None, "2^127 overflows i128");
        assert_eq!(power(2i128, 126), Some(1 << 126));
        assert_eq!(power(2i64, 63), None, "2^63 overflows i64");
        assert_eq!(power(-1i64, 1_000_001), Some(-1));
        assert_eq!(power(-1i64, 4), Some(1));
        assert_eq!(power(3i64, -1), None, "a fraction");
        assert_eq!(power(0i64, -1), None, "division by zero");
    }
}
