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

/// The most points a sweep computes unless told otherwise.
pub const DEFAULT_MAX_POINTS: u64 = 10_000_000;

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

/// Evaluates the target (and `parts`) at every point, first axis outermost, and hands each point
/// to `visit`: the axes' values, the total, the parts' values.
///
/// `program` must have been loaded with an override for every axis (`Axis::first_as_set`).
pub fn run(
    program: &Program,
    axes: &[Axis],
    parts: &[StatementId],
    mut visit: impl FnMut(&[Value], &Value, &[Value]),
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
    let mut index = vec![0u64; axes.len()];
    let mut point: Vec<Value> = axes.iter().map(|a| a.value(0)).collect();
    let mut part_values = Vec::with_capacity(parts.len());
    loop {
        evaluator.forget(&dirty);
        for (id, value) in overrides.iter().zip(&point) {
            evaluator.assume(*id, value.clone());
        }
        let failed = |error| PointError {
            point: axes
                .iter()
                .map(|a| a.name.clone())
                .zip(point.iter().cloned())
                .collect(),
            error,
        };
        let total = evaluator.statement(program.target).map_err(failed)?;
        part_values.clear();
        for &part in parts {
            part_values.push(evaluator.statement(part).map_err(failed)?);
        }
        visit(&point, &total, &part_values);
        // The next point: the last axis fastest, like nested loops.
        let mut axis = axes.len();
        loop {
            if axis == 0 {
                return Ok(());
            }
            axis -= 1;
            index[axis] += 1;
            if index[axis] < axes[axis].len() {
                point[axis] = axes[axis].value(index[axis]);
                break;
            }
            index[axis] = 0;
            point[axis] = axes[axis].value(0);
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
}
