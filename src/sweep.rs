//! Sweeps: one formula evaluated at every point of a grid of `--set` values.
//!
//! `--set NAME=12,24,36` (a list) or `--set NAME=1..48` / `512..4096:512` (an inclusive range) makes
//! NAME an axis; several axes give their cartesian product, the first axis outermost. The program is
//! loaded once, with each axis's first value as an ordinary override; per point the evaluator is
//! told the axes' values (`Evaluator::assume`) and forgets only the statements that depend on them
//! (`Evaluator::forget`), so a point costs the re-evaluation of what changed, with no parsing and
//! no binding.

use std::collections::HashMap;

use crate::bind::{Resolution, Scope};
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Value};
use crate::number::Number;
use crate::program::Program;
use crate::syntax::{ExprKind, StatementId};

pub mod compiled;
mod csv_text;
mod runner;

pub use compiled::Kind;
use csv_text::CsvText;
use runner::Runner;

pub use crate::limits::DEFAULT_MAX_POINTS;

/// The values one name takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// `12,24,36` (numbers, or `true,false`).
    List(Vec<Value>),
    /// `start..end:step`, both ends included.
    Range { start: i64, end: i64, step: i64 },
}

/// One name swept over its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub name: String,
    pub values: Values,
}

impl Axis {
    /// How many values the axis has.
    pub fn len(&self) -> u64 {
        match &self.values {
            Values::List(values) => values.len() as u64,
            Values::Range { start, end, step } => {
                let count = (*end as i128 - *start as i128) / *step as i128 + 1;
                u64::try_from(count).unwrap_or(u64::MAX)
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `index`-th value (`index < len()`).
    pub fn value(&self, index: u64) -> Value {
        match &self.values {
            Values::List(values) => values[index as usize].clone(),
            Values::Range { start, step, .. } => Value::Number(Number::from_i64(
                (*start as i128 + index as i128 * *step as i128) as i64,
            )),
        }
    }

    /// The first value as `--set` text, for loading the program once.
    pub fn first_as_set(&self) -> String {
        format!("{}={}", self.name, self.value(0))
    }
}

fn usage(message: String, help: &str) -> Error {
    Error::Usage {
        message,
        help: help.to_string(),
    }
}

/// Reads `--set NAME=VALUE`: an axis when VALUE is a list (a comma outside brackets) or a range
/// (`..`), `None` for an ordinary binding (left to the program to read).
pub fn parse_set(text: &str) -> Result<Option<Axis>> {
    let Some((name, value)) = text.split_once('=') else {
        return Ok(None);
    };
    let (name, value) = (name.trim(), value.trim());
    if value.contains("..") {
        return range(name, value).map(Some);
    }
    let items = top_level_items(value);
    if items.len() < 2 {
        return Ok(None);
    }
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        values.push(list_item(name, value, item.trim())?);
    }
    Ok(Some(Axis {
        name: name.to_string(),
        values: Values::List(values),
    }))
}

/// Splits at commas that are not inside brackets (`max(a, b)` is one expression).
fn top_level_items(value: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '(' | '（' | '[' => depth += 1,
            ')' | '）' | ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&value[start..]);
    items
}

fn list_item(name: &str, list: &str, item: &str) -> Result<Value> {
    match item {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let digits = item.replace('_', "");
    match Number::parse_literal(&digits, 4096) {
        Some(Ok(n)) => Ok(Value::Number(n)),
        _ if item.is_empty() => Err(usage(
            format!("an empty value in the list `--set {name}={list}`"),
            "separate the values with single commas: --set n_layer=12,24,36",
        )),
        _ => Err(usage(
            format!("`{item}` in `--set {name}={list}` is not a number"),
            "a sweep lists numbers (or true,false): --set n_layer=12,24,36; to give an expression, use a --set with one value",
        )),
    }
}

fn range(name: &str, value: &str) -> Result<Axis> {
    let help = "a range is START..END or START..END:STEP, integers, both ends included: --set n_layer=1..48, --set hidden_size=512..4096:512";
    let (start, rest) = value.split_once("..").unwrap_or((value, ""));
    let (end, step) = match rest.split_once(':') {
        Some((end, step)) => (end, Some(step)),
        None => (rest, None),
    };
    let integer = |text: &str, what: &str| -> Result<i64> {
        text.trim().replace('_', "").parse::<i64>().map_err(|_| {
            usage(
                format!(
                    "the {what} of `--set {name}={value}` is not an integer: `{}`",
                    text.trim()
                ),
                help,
            )
        })
    };
    let start = integer(start, "start")?;
    let end = integer(end, "end")?;
    let step = match step {
        Some(text) => integer(text, "step")?,
        None => 1,
    };
    if step <= 0 {
        return Err(usage(
            format!("the step of `--set {name}={value}` is {step}; it must be at least 1"),
            help,
        ));
    }
    if start > end {
        return Err(usage(
            format!("the range `--set {name}={value}` is empty: it starts after its end"),
            "ranges count up: write the smaller bound first, e.g. --set n_layer=1..48",
        ));
    }
    Ok(Axis {
        name: name.to_string(),
        values: Values::Range { start, end, step },
    })
}

/// The number of points of the cartesian product, refused over `max_points`.
pub fn count_points(axes: &[Axis], max_points: u64) -> Result<u64> {
    let mut points: u64 = 1;
    for axis in axes {
        points = points.saturating_mul(axis.len());
    }
    if points > max_points {
        let sizes: Vec<String> = axes
            .iter()
            .map(|a| format!("{} ({} values)", a.name, a.len()))
            .collect();
        return Err(usage(
            format!(
                "the sweep has {} points ({}), more than the limit of {max_points}",
                if points == u64::MAX {
                    "too many".to_string()
                } else {
                    points.to_string()
                },
                sizes.join(" × ")
            ),
            "use a larger step or fewer values, or raise --max-points",
        ));
    }
    Ok(points)
}

/// The definitions `--parts` names, checked before any point is computed.
pub fn resolve_parts(program: &Program, names: &[String]) -> Result<Vec<StatementId>> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    names
        .iter()
        .map(|name| match scope.resolve(name, program.target) {
            Resolution::Override(id) | Resolution::Definition(id) => Ok(id),
            Resolution::Config(_) => {
                let known: Vec<String> = program
                    .formula
                    .definitions()
                    .map(|(_, d)| d.name.clone())
                    .collect();
                let close = scope.suggestions(name);
                let help = match close.first() {
                    _ if known.is_empty() => {
                        "--parts names definitions of a formula file, and this formula has none"
                            .to_string()
                    }
                    Some(best) => format!(
                        "did you mean `{best}`? The formula defines: {}",
                        known.join(", ")
                    ),
                    None => format!("the formula defines: {}", known.join(", ")),
                };
                Err(Error::Usage {
                    message: format!("unknown part `{name}`"),
                    help,
                })
            }
        })
        .collect()
}

/// A point where the formula has no value (division by zero at `H=0`, ...).
#[derive(Debug)]
pub struct PointError {
    /// The axes' values at the point.
    pub point: Vec<(String, Value)>,
    pub error: Error,
}

/// One row of a sweep: the axes' values, the target's, then the parts', either as machine integers
/// from the compiled route (with each column's kind) or as exact values from the evaluator.
pub enum Row<'a> {
    Machine(&'a [i128], &'a [Kind]),
    Exact(&'a [Value]),
}

impl Row<'_> {
    /// The row's values as the evaluator's values.
    pub fn values(&self) -> Vec<Value> {
        match self {
            Row::Machine(values, kinds) => values
                .iter()
                .zip(kinds.iter())
                .map(|(v, k)| compiled::to_value(*v, *k))
                .collect(),
            Row::Exact(values) => values.to_vec(),
        }
    }
}

/// Evaluates the target (and `parts`) at every point, first axis outermost, and hands each point
/// to `visit` as a `Row` (`visit` returns whether to go on). With a `filter` (a statement of the program, `sweep --where`), only the
/// points where it is true are visited; it must be true or false at every point.
///
/// The formula is compiled for the axes once (`compiled`): a point runs a few machine-integer
/// operations, and a point the machine integers cannot hold exactly is computed by the evaluator.
/// `program` must have been loaded with an override for every axis (`Axis::first_as_set`).
pub fn run(
    program: &Program,
    axes: &[Axis],
    parts: &[StatementId],
    filter: Option<StatementId>,
    mut visit: impl FnMut(Row) -> bool,
) -> std::result::Result<(), PointError> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    let no_point = |error| PointError {
        point: Vec::new(),
        error,
    };
    let mut overrides = Vec::with_capacity(axes.len());
    for axis in axes {
        match scope.override_of(&axis.name) {
            Some(id) => overrides.push(id),
            None => {
                return Err(no_point(usage(
                    format!("`{}` is swept but has no --set override", axis.name),
                    "load the program with Axis::first_as_set for every axis",
                )))
            }
        }
    }
    let dirty = dependents(&scope, &overrides);
    let mut evaluator = Evaluator::new(&scope, program.limits);
    if axes.iter().any(Axis::is_empty) {
        return Ok(());
    }
    let mut outputs = vec![program.target];
    outputs.extend_from_slice(parts);
    outputs.extend(filter);
    let tape = if program.limits.max_bits < 128 {
        // Past the limit a machine integer could hold a value the evaluator refuses.
        None
    } else {
        compile_for(&mut evaluator, &scope, axes, &overrides, &dirty, &outputs)
    };
    let machine_axes: Option<Vec<MachineAxis>> = axes.iter().map(MachineAxis::of).collect();

    let mut index = vec![0u64; axes.len()];
    let mut point: Vec<Value> = axes.iter().map(|a| a.value(0)).collect();
    let mut row: Vec<Value> = Vec::with_capacity(axes.len() + outputs.len());
    let last_len = axes.last().map_or(0, Axis::len);
    let mut runner = tape.as_ref().map(|t| Runner::new(t, axes.len(), last_len));
    let mut machine_row: Vec<i128> = Vec::with_capacity(axes.len() + outputs.len());
    let mut computed: Vec<i128> = Vec::with_capacity(outputs.len());
    let mut kinds: Vec<Kind> = Vec::new();
    if let (Some(tape), Some(machine)) = (&tape, &machine_axes) {
        kinds.extend(machine.iter().map(|a| a.kind));
        kinds.extend(tape.output_kinds().iter().take(1 + parts.len()));
    }
    loop {
        let mut done = false;
        if let (Some(machine), Some(runner)) = (&machine_axes, &mut runner) {
            if runner.run(machine, &index, &mut computed) {
                done = true;
                let keep = filter.is_none() || computed.last().is_some_and(|v| *v != 0);
                if keep {
                    machine_row.clear();
                    machine_row.extend_from_slice(&runner.point);
                    machine_row.extend_from_slice(&computed[..1 + parts.len()]);
                    if !visit(Row::Machine(&machine_row, &kinds)) {
                        return Ok(());
                    }
                }
            }
        }
        if !done {
            for (k, axis) in axes.iter().enumerate() {
                point[k] = axis.value(index[k]);
            }
            let exact = Exact {
                axes,
                overrides: &overrides,
                dirty: &dirty,
                outputs: &outputs,
                filtered: filter.is_some(),
            };
            if exact.row(&mut evaluator, &point, &mut row)? && !visit(Row::Exact(&row)) {
                return Ok(());
            }
        }
        // The next point: the last axis fastest, like nested loops.
        let mut axis = axes.len();
        loop {
            if axis == 0 {
                return Ok(());
            }
            axis -= 1;
            index[axis] += 1;
            if index[axis] < axes[axis].len() {
                break;
            }
            index[axis] = 0;
        }
    }
}

/// A point computed by the evaluator: what it needs to know of the sweep.
struct Exact<'a> {
    axes: &'a [Axis],
    overrides: &'a [StatementId],
    dirty: &'a [StatementId],
    outputs: &'a [StatementId],
    filtered: bool,
}

impl Exact<'_> {
    /// Fills `row` with the point's values and the outputs' (the filter's taken off); whether the
    /// filter keeps the point.
    fn row(
        &self,
        evaluator: &mut Evaluator,
        point: &[Value],
        row: &mut Vec<Value>,
    ) -> std::result::Result<bool, PointError> {
        evaluator.forget(self.dirty);
        for (id, value) in self.overrides.iter().zip(point) {
            evaluator.assume(*id, value.clone());
        }
        let failed = |error| PointError {
            point: self
                .axes
                .iter()
                .map(|a| a.name.clone())
                .zip(point.iter().cloned())
                .collect(),
            error,
        };
        row.clear();
        row.extend(point.iter().cloned());
        for &output in self.outputs {
            row.push(evaluator.statement(output).map_err(failed)?);
        }
        if !self.filtered {
            return Ok(true);
        }
        match row.pop() {
            Some(Value::Bool(keep)) => Ok(keep),
            other => {
                let found = other.map_or("nothing".into(), |v| v.describe());
                Err(failed(usage(
                    format!("the --where condition is {found} here, not true or false"),
                    "write a comparison: --where 'hidden_size % num_attention_heads == 0'",
                )))
            }
        }
    }
}

/// Points per chunk of a parallel CSV sweep: each thread computes and formats one chunk.
const CHUNK: u64 = 1 << 15;

/// As `run`, for CSV: the rows (no header) are handed to `out` as text, in grid order. Where the
/// whole formula compiled, chunks of points are computed and formatted on `threads` threads; a
/// chunk that meets a point beyond machine integers stops there, and the rest of that chunk is
/// computed here, exactly. Returns `Ok(false)` (nothing written) when the formula did not compile:
/// the caller then runs `run`.
pub fn run_csv(
    program: &Program,
    axes: &[Axis],
    parts: &[StatementId],
    filter: Option<StatementId>,
    threads: usize,
    mut out: impl FnMut(&[u8]),
) -> std::result::Result<bool, PointError> {
    let scope = Scope::new(
        &program.formula,
        program.config.as_ref(),
        program.limits.max_bits,
    );
    let mut overrides = Vec::with_capacity(axes.len());
    for axis in axes {
        match scope.override_of(&axis.name) {
            Some(id) => overrides.push(id),
            None => return Ok(false),
        }
    }
    if program.limits.max_bits < 128 || axes.iter().any(Axis::is_empty) {
        return Ok(false);
    }
    let dirty = dependents(&scope, &overrides);
    let mut evaluator = Evaluator::new(&scope, program.limits);
    let mut outputs = vec![program.target];
    outputs.extend_from_slice(parts);
    outputs.extend(filter);
    let Some(tape) = compile_for(&mut evaluator, &scope, axes, &overrides, &dirty, &outputs) else {
        return Ok(false);
    };
    let Some(machine) = axes.iter().map(MachineAxis::of).collect::<Option<Vec<_>>>() else {
        return Ok(false);
    };
    let mut kinds: Vec<Kind> = machine.iter().map(|a| a.kind).collect();
    kinds.extend(tape.output_kinds().iter().take(1 + parts.len()));
    let total: u64 = axes.iter().map(Axis::len).product();
    let lens: Vec<u64> = axes.iter().map(Axis::len).collect();
    let shown = 1 + parts.len();
    let threads = threads.max(1) as u64;
    let mut start = 0u64;
    while start < total {
        let chunks: Vec<(u64, u64)> = (0..threads)
            .map(|t| {
                let a = (start + t * CHUNK).min(total);
                (a, (a + CHUNK).min(total))
            })
            .filter(|(a, b)| a < b)
            .collect();
        let done: Vec<(Vec<u8>, Option<u64>)> = std::thread::scope(|s| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|&(a, b)| {
                    let (tape, machine, kinds, lens) = (&tape, &machine, &kinds, &lens);
                    s.spawn(move || {
                        csv_chunk(tape, machine, kinds, lens, a, b, shown, filter.is_some())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| (Vec::new(), Some(u64::MAX))))
                .collect()
        });
        for ((bytes, stopped), &(_, end)) in done.iter().zip(&chunks) {
            out(bytes);
            if let Some(from) = stopped {
                let from = (*from).min(end);
                // The points this chunk could not hold in machine integers, and the rest of it.
                let mut row: Vec<Value> = Vec::new();
                let mut text = Vec::new();
                for flat in from..end {
                    let point: Vec<Value> = axes
                        .iter()
                        .zip(digits_of(flat, &lens))
                        .map(|(axis, i)| axis.value(i))
                        .collect();
                    let exact = Exact {
                        axes,
                        overrides: &overrides,
                        dirty: &dirty,
                        outputs: &outputs,
                        filtered: filter.is_some(),
                    };
                    if exact.row(&mut evaluator, &point, &mut row)? {
                        text.clear();
                        for (i, value) in row.iter().enumerate() {
                            if i > 0 {
                                text.push(b',');
                            }
                            text.extend_from_slice(value.to_string().as_bytes());
                        }
                        text.push(b'\n');
                        out(&text);
                    }
                }
            }
        }
        start = chunks.last().map_or(total, |c| c.1);
    }
    Ok(true)
}

/// The axes' indices of the `flat`-th point (the last axis fastest).
fn digits_of(mut flat: u64, lens: &[u64]) -> Vec<u64> {
    let mut digits = vec![0; lens.len()];
    for (digit, len) in digits.iter_mut().zip(lens).rev() {
        *digit = flat % len;
        flat /= len;
    }
    digits
}

/// One chunk of a parallel CSV sweep on machine integers: its rows as text, and the first point
/// (flat index) the machine integers could not hold, where the chunk stopped.
#[allow(clippy::too_many_arguments)]
fn csv_chunk(
    tape: &compiled::Tape,
    machine: &[MachineAxis],
    kinds: &[Kind],
    lens: &[u64],
    start: u64,
    end: u64,
    shown: usize,
    filtered: bool,
) -> (Vec<u8>, Option<u64>) {
    let mut text = CsvText::with_capacity(((end - start) * 24) as usize);
    let most = kinds.len() * (csv_text::MOST_PER_VALUE + 1);
    let mut runner = Runner::new(tape, machine.len(), lens.last().copied().unwrap_or(0));
    let mut index = digits_of(start, lens);
    let mut computed: Vec<i128> = Vec::new();
    for flat in start..end {
        if !runner.run(machine, &index, &mut computed) {
            return (text.into_bytes(), Some(flat));
        }
        if !filtered || computed.last().is_some_and(|v| *v != 0) {
            text.reserve(most);
            let values = runner.point.iter().chain(&computed[..shown]);
            for (i, (value, kind)) in values.zip(kinds).enumerate() {
                if i > 0 {
                    text.byte(b',');
                }
                match kind {
                    Kind::Int => text.int(*value),
                    Kind::Bool => text.text(if *value != 0 { b"true" } else { b"false" }),
                }
            }
            text.byte(b'\n');
        }
        // The next point: the last axis fastest.
        for k in (0..index.len()).rev() {
            index[k] += 1;
            if index[k] < lens[k] {
                break;
            }
            index[k] = 0;
        }
    }
    (text.into_bytes(), None)
}

/// The compiled tape for `outputs`, when the whole of them is within the compiled route and the
/// evaluator has a value for each at the first point (the compiler asks it for the constant parts
/// and the alternatives taken).
fn compile_for<'s>(
    evaluator: &mut Evaluator<'s>,
    scope: &Scope<'s>,
    axes: &[Axis],
    overrides: &[StatementId],
    dirty: &[StatementId],
    outputs: &[StatementId],
) -> Option<compiled::Tape> {
    for (id, axis) in overrides.iter().zip(axes) {
        evaluator.assume(*id, axis.value(0));
    }
    for &output in outputs {
        evaluator.statement(output).ok()?;
    }
    let tape = compiled::compile(scope, evaluator, overrides, dirty, outputs);
    evaluator.forget(dirty);
    tape
}

/// An axis whose every value is a machine integer or a boolean.
struct MachineAxis {
    kind: Kind,
    values: MachineValues,
}

enum MachineValues {
    List(Vec<i128>),
    Range { start: i128, step: i128 },
}

impl MachineAxis {
    fn of(axis: &Axis) -> Option<MachineAxis> {
        match &axis.values {
            Values::Range { start, step, .. } => Some(MachineAxis {
                kind: Kind::Int,
                values: MachineValues::Range {
                    start: i128::from(*start),
                    step: i128::from(*step),
                },
            }),
            Values::List(values) => {
                let machine: Vec<(i128, Kind)> = values
                    .iter()
                    .map(compiled::to_machine)
                    .collect::<Option<_>>()?;
                let kind = machine.first().map_or(Kind::Int, |m| m.1);
                if machine.iter().any(|m| m.1 != kind) {
                    return None;
                }
                Some(MachineAxis {
                    kind,
                    values: MachineValues::List(machine.into_iter().map(|m| m.0).collect()),
                })
            }
        }
    }

    fn value(&self, index: u64) -> i128 {
        match &self.values {
            MachineValues::List(values) => values[index as usize],
            MachineValues::Range { start, step } => start + index as i128 * step,
        }
    }
}

/// Every statement whose value depends on one of `roots` (the roots included), through any name
/// in its formula, taken branch or not.
fn dependents(scope: &Scope, roots: &[StatementId]) -> Vec<StatementId> {
    let formula = scope.formula();
    let mut users: HashMap<StatementId, Vec<StatementId>> = HashMap::new();
    for id in formula.statement_ids() {
        let mut stack = vec![formula.statement(id).value()];
        while let Some(expr) = stack.pop() {
            if let ExprKind::Name(name) = formula.kind(expr) {
                if let Resolution::Override(used) | Resolution::Definition(used) =
                    scope.resolve(name, id)
                {
                    users.entry(used).or_default().push(id);
                }
            }
            stack.extend(formula.children(expr));
        }
    }
    let mut seen = vec![false; formula.statements.len()];
    let mut out = Vec::new();
    let mut stack: Vec<StatementId> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id.0 as usize], true) {
            continue;
        }
        out.push(id);
        if let Some(next) = users.get(&id) {
            stack.extend(next.iter().copied());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(text: &str) -> Axis {
        parse_set(text).expect("parses").expect("an axis")
    }

    fn values(a: &Axis) -> Vec<String> {
        (0..a.len()).map(|i| a.value(i).to_string()).collect()
    }

    #[test]
    fn lists_and_inclusive_ranges() {
        assert_eq!(values(&axis("n_layer=12,24,36")), ["12", "24", "36"]);
        assert_eq!(values(&axis("L=1..4")), ["1", "2", "3", "4"]);
        assert_eq!(
            values(&axis("H = 512..4096:512")),
            ["512", "1024", "1536", "2048", "2560", "3072", "3584", "4096"]
        );
        // The end is included only when the step lands on it.
        assert_eq!(values(&axis("H=1..10:4")), ["1", "5", "9"]);
        assert_eq!(values(&axis("tied=true,false")), ["true", "false"]);
        assert_eq!(values(&axis("x=1_000,0.5")), ["1000", "1/2"]);
    }

    #[test]
    fn single_values_and_expressions_are_ordinary_bindings() {
        assert_eq!(parse_set("n_layer=12").expect("ok"), None);
        assert_eq!(parse_set("I=max(4*H, 3072)").expect("ok"), None);
        assert_eq!(parse_set("no equals sign").expect("ok"), None);
    }

    #[test]
    fn bad_sweeps_say_what_to_write() {
        for bad in [
            "L=48..1",
            "L=1..48:0",
            "L=1..48:-2",
            "L=1..x",
            "L=12,,24",
            "L=12,H",
        ] {
            assert!(parse_set(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn the_point_count_is_checked_before_anything_runs() {
        let axes = [axis("a=1..1000"), axis("b=1..1000"), axis("c=1..1000")];
        assert!(count_points(&axes, DEFAULT_MAX_POINTS).is_err());
        assert_eq!(
            count_points(&axes[..2], DEFAULT_MAX_POINTS).expect("fits"),
            1_000_000
        );
        let huge = [
            axis("a=0..9223372036854775806"),
            axis("b=0..9223372036854775806"),
        ];
        assert!(count_points(&huge, u64::MAX - 1).is_err());
    }

    /// The tape `sweep` compiles for `formula` (its target) over `axes`.
    fn tape_of(formula: &str, axes: &[Axis]) -> compiled::Tape {
        let request = crate::program::Request {
            formula: Some(crate::program::FormulaSource::Text {
                name: "f".into(),
                text: formula.to_string(),
            }),
            sets: axes.iter().map(Axis::first_as_set).collect(),
            ..crate::program::Request::default()
        };
        let program = Program::load(&request).expect("loads");
        let scope = Scope::new(&program.formula, None, program.limits.max_bits);
        let overrides: Vec<StatementId> = axes
            .iter()
            .map(|a| scope.override_of(&a.name).expect("an override"))
            .collect();
        let dirty = dependents(&scope, &overrides);
        let mut evaluator = Evaluator::new(&scope, program.limits);
        compile_for(
            &mut evaluator,
            &scope,
            axes,
            &overrides,
            &dirty,
            &[program.target],
        )
        .expect("compiles")
    }

    /// The runner's stages (with the table of the last axis and without) against the whole tape
    /// on i128 registers, at every point in grid order: the same outputs, and the same points
    /// given up, whether an overflow is in what reads the earlier axes, the last, or both.
    #[test]
    fn stages_give_what_the_whole_tape_gives() {
        let big = "4611686018427387904"; // 2^62
        let formulas = [
            format!("a = 1\nb = 1\nc = 1\ntotal = a*{big} + b*c + (b + 1)^3"),
            format!("a = 1\nb = 1\nc = 1\ntotal = b*{big} + a - c"),
            "a = 1\nb = 1\nc = 1\ntotal = (a*b*c)^9 + max(a, c) * b".to_string(),
            "a = 1\nb = 1\nc = 1\ntotal = if a > b then a / b else floor(c / b)".to_string(),
        ];
        let axes = [axis("a=-3..3"), axis("c=0,1,2"), axis("b=-4..4")];
        let machine: Vec<MachineAxis> = axes
            .iter()
            .map(|a| MachineAxis::of(a).expect("machine"))
            .collect();
        let lens: Vec<u64> = axes.iter().map(Axis::len).collect();
        let total: u64 = lens.iter().product();
        for formula in &formulas {
            let tape = tape_of(formula, &axes);
            let mut whole = tape.registers::<i128>().expect("registers");
            let mut tabled = Runner::new(&tape, axes.len(), 9);
            let mut untabled = Runner::with_table_limit(&tape, axes.len(), 9, 0);
            let (mut expected, mut got) = (Vec::new(), Vec::new());
            for flat in 0..total {
                let index = digits_of(flat, &lens);
                let point: Vec<i128> = machine
                    .iter()
                    .zip(&index)
                    .map(|(m, i)| m.value(*i))
                    .collect();
                let fits = tape.run(&mut whole, &point, &mut expected);
                for runner in [&mut tabled, &mut untabled] {
                    assert_eq!(
                        runner.run(&machine, &index, &mut got),
                        fits,
                        "{formula} at {point:?}"
                    );
                    if fits {
                        assert_eq!(got, expected, "{formula} at {point:?}");
                    }
                }
            }
        }
    }
}
