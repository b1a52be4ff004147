//! Cross-checking a formula against a checkpoint: the formula's total against the sum of the
//! checkpoint's tensors, and part by part.
//!
//! A formula file says which tensors a part stands for in directive lines (comments to the
//! grammar, read here):
//!
//! ```text
//! @tensors: L*attention_qkv = {bert.,}encoder.layer.*.attention.self.{query,key,value}.*
//! ```
//!
//! The left side is an expression in the formula's own language, evaluated in its scope (usually a
//! part, times the layer count for a part of one layer); the right side is a list of name patterns
//! (see `pattern`). A directive counts when every part it names is used by the target; each tensor
//! goes to the first counting directive that matches it. The `Verification` lists, for each such
//! part, its value and the matched tensors' sum, and the tensors no part explains (with the
//! uncounted part that would, e.g. an MLM head the target leaves out).

mod pattern;

use std::collections::HashSet;

use num_bigint::BigInt;

pub use pattern::Pattern;

use crate::bind::Scope;
use crate::checkpoint::Checkpoint;
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Value};
use crate::number::Number;
use crate::parser;
use crate::program::Program;
use crate::syntax::{DefinitionKind, ExprKind, Formula, SourceId, Sources, Span, StatementId};

/// One `@tensors PART = "PATTERN", ...` statement.
#[derive(Clone, Debug)]
pub struct TensorDirective {
    /// The part as written: an expression such as `pooler` or `L*attention_qkv`.
    pub part: String,
    pub patterns: Vec<Pattern>,
    /// The whole directive line, in the formula's source.
    pub span: Span,
    /// The part expression, in the formula's source.
    pub part_span: Span,
}

const DIRECTIVE_HELP: &str = "a tensors statement reads `@tensors PART = \"PATTERN\", \"PATTERN\"`, e.g. `@tensors L*feed_forward = \"encoder.layer.*.{intermediate,output}.**\"`";

/// The tensor directives of a formula file, in file order.
pub fn directives(sources: &Sources, source: SourceId) -> Result<Vec<TensorDirective>> {
    let text = &sources.get(source).text;
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let here = line_start;
        line_start += line.len();
        let at = |part: &str| here + (part.as_ptr() as usize - line.as_ptr() as usize);
        let Some(rest) = line.trim_start().strip_prefix('@') else {
            continue;
        };
        let Some(body) = rest.trim_start().strip_prefix("tensors") else {
            continue;
        };
        let trimmed = line.trim_end();
        let span = Span::new(source, at(line.trim_start()), here + trimmed.len());
        let Some((part, list)) = body.split_once('=') else {
            return Err(Error::Tensors {
                span,
                message: "this tensors directive has no `=`".into(),
                label: "expected `PART = PATTERN, ...`".into(),
                help: DIRECTIVE_HELP.into(),
            });
        };
        let part_text = part.trim();
        let part_span = Span::new(source, at(part_text), at(part_text) + part_text.len());
        if part_text.is_empty() {
            return Err(Error::Tensors {
                span,
                message: "this tensors directive names no part".into(),
                label: "expected a part before `=`".into(),
                help: DIRECTIVE_HELP.into(),
            });
        }
        let list = list.trim_end();
        let mut patterns = Vec::new();
        for (offset, piece) in quoted_strings(list) {
            let piece_at = at(list) + offset;
            let compiled = Pattern::new(piece).map_err(|(byte, message)| Error::Tensors {
                span: Span::new(
                    source,
                    piece_at + byte,
                    piece_at + byte + piece[byte..].chars().next().map_or(1, char::len_utf8),
                ),
                message: format!("bad tensor pattern `{piece}`: {message}"),
                label: "here".into(),
                help:
                    "patterns use `*` (within a segment), `**` (across dots) and `{a,b}` (either)"
                        .into(),
            })?;
            patterns.push(compiled);
        }
        found.push(TensorDirective {
            part: part_text.to_string(),
            patterns,
            span,
            part_span,
        });
    }
    Ok(found)
}

/// The texts between double quotes in `list`, with their offsets.
fn quoted_strings(list: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = list[rest..].find('"') {
        let start = rest + open + 1;
        let Some(close) = list[start..].find('"') else {
            break;
        };
        found.push((start, &list[start..start + close]));
        rest = start + close + 1;
    }
    found
}

/// One part against its tensors.
#[derive(Clone, Debug)]
pub struct PartCheck {
    /// The part as the directive writes it (`L*attention_qkv`).
    pub part: String,
    /// The explanation of the part it names.
    pub explanation: Option<String>,
    /// The formula's value for it.
    pub formula: Number,
    /// Indexes into the checkpoint's tensors.
    pub tensors: Vec<usize>,
    /// The matched tensors' sum.
    pub checkpoint: u128,
}

impl PartCheck {
    pub fn holds(&self) -> bool {
        self.formula == Number::from(BigInt::from(self.checkpoint))
    }
}

/// A tensor no counted part explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leftover {
    /// Index into the checkpoint's tensors.
    pub tensor: usize,
    /// A part of the formula whose pattern matches it, but which the target does not count.
    pub uncounted_part: Option<String>,
}

/// The formula against the checkpoint.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The definition (or expression) whose value is the formula's total.
    pub target: String,
    pub formula_total: Number,
    pub checkpoint_total: u128,
    /// Whether the formula names tensors at all; without, only the totals are compared.
    pub has_patterns: bool,
    pub parts: Vec<PartCheck>,
    pub leftover: Vec<Leftover>,
    pub leftover_total: u128,
    /// When the totals differ: the built-in formula's variants (`--target`) whose value is the
    /// checkpoint's total.
    pub matching_variants: Vec<String>,
}

impl Verification {
    pub fn total_holds(&self) -> bool {
        self.formula_total == Number::from(BigInt::from(self.checkpoint_total))
    }

    /// The totals agree, every part agrees, and every tensor is explained.
    pub fn holds(&self) -> bool {
        self.total_holds() && self.parts.iter().all(PartCheck::holds) && self.leftover.is_empty()
    }

    /// Parts the formula counts (a non-zero value) that no tensor matches.
    pub fn unmatched_parts(&self) -> impl Iterator<Item = &PartCheck> {
        self.parts
            .iter()
            .filter(|p| p.tensors.is_empty() && !p.formula.is_zero())
    }
}

fn number(value: Value, span: Span, context: &str) -> Result<Number> {
    let found = match value {
        Value::Number(n) => return Ok(n),
        Value::Bool(b) => format!("the boolean {b}"),
        other => other.describe(),
    };
    Err(Error::Type {
        span,
        context: context.to_string(),
        expected: "a number".into(),
        found,
    })
}

/// Names of the definitions an expression refers to, directly.
fn names_in(formula: &Formula, root: crate::syntax::ExprId) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if let ExprKind::Name(name) = formula.kind(id) {
            names.push(name.to_string());
        }
        stack.extend(formula.children(id));
    }
    names
}

/// The definitions the target uses, directly or through other definitions.
fn used_by(formula: &Formula, target: StatementId) -> HashSet<String> {
    let mut used = HashSet::new();
    let mut stack = vec![target];
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let statement = formula.statement(id);
        let own = statement.definition().map(|d| d.name.as_str());
        for name in names_in(formula, statement.value()) {
            // Inside the definition of X, the name X is the layer below (the config key).
            if Some(name.as_str()) == own {
                continue;
            }
            if let Some(definition) = formula.find_definition(&name) {
                stack.push(definition);
            }
            used.insert(name);
        }
    }
    used
}

/// Checks the program's target and its tensor directives against a checkpoint.
///
/// The directives are read from the formula file (not from a module it imports, whose tensor names
/// are another family's); their part expressions are parsed into the program's formula, so an error
/// in one points at it.
pub fn verify(program: &mut Program, checkpoint: &Checkpoint) -> Result<Verification> {
    let formula_source = program
        .formula
        .main_source
        .unwrap_or(program.formula.statement(program.target).span.source);
    let directives = directives(&program.formula.sources, formula_source)?;
    let source_name = program.formula.sources.get(formula_source).name.clone();

    let mut statements = Vec::new();
    for directive in &directives {
        let (line, _) = program.formula.sources.line_column(directive.span);
        let source = program.formula.sources.add(
            format!("{source_name}, line {line} (@tensors)"),
            directive.part.clone(),
        );
        statements.push(parser::parse_inline(
            &mut program.formula,
            source,
            program.limits.max_depth,
        )?);
    }

    let formula = &program.formula;
    let used = used_by(formula, program.target);
    let counted: Vec<bool> = statements
        .iter()
        .map(|&id| {
            names_in(formula, formula.statement(id).value())
                .iter()
                .filter_map(|name| formula.find_definition(name))
                .filter_map(|id| formula.statement(id).definition())
                .filter(|d| d.kind == DefinitionKind::Part)
                .all(|d| used.contains(&d.name))
        })
        .collect();

    let scope = Scope::new(formula, program.config.as_ref(), program.limits.max_bits);
    let mut evaluator = Evaluator::new(&scope, program.limits);
    let target_span = formula.statement(program.target).span;
    let formula_total = number(
        evaluator.statement(program.target)?,
        target_span,
        "the formula's total",
    )?;

    let mut parts = Vec::new();
    let mut part_of_directive = Vec::new();
    for (index, (directive, &statement)) in directives.iter().zip(&statements).enumerate() {
        if !counted[index] {
            part_of_directive.push(None);
            continue;
        }
        let value = number(
            evaluator.statement(statement)?,
            directive.part_span,
            "a tensors directive's part",
        )?;
        let explanation = names_in(formula, formula.statement(statement).value())
            .iter()
            .filter_map(|name| formula.find_definition(name))
            .filter_map(|id| formula.statement(id).definition())
            .find(|d| d.kind == DefinitionKind::Part)
            .and_then(|d| d.explanation.as_deref().map(str::to_string));
        part_of_directive.push(Some(parts.len()));
        parts.push(PartCheck {
            part: directive.part.clone(),
            explanation,
            formula: value,
            tensors: Vec::new(),
            checkpoint: 0,
        });
    }

    let mut leftover = Vec::new();
    let mut leftover_total = 0u128;
    if !directives.is_empty() {
        for (index, tensor) in checkpoint.tensors.iter().enumerate() {
            let matching = |want_counted: bool| {
                directives.iter().enumerate().find(|(i, d)| {
                    counted[*i] == want_counted
                        && d.patterns.iter().any(|p| p.matches(&tensor.name))
                })
            };
            match matching(true).and_then(|(i, _)| part_of_directive[i]) {
                Some(part) => {
                    let part = &mut parts[part];
                    part.tensors.push(index);
                    // Every partial sum is at most the checkpoint's total, which fits.
                    part.checkpoint = part.checkpoint.saturating_add(tensor.elements);
                }
                None => {
                    leftover_total = leftover_total.saturating_add(tensor.elements);
                    leftover.push(Leftover {
                        tensor: index,
                        uncounted_part: matching(false).map(|(_, d)| d.part.clone()),
                    });
                }
            }
        }
    }

    let checkpoint_total = Number::from(BigInt::from(checkpoint.total()));
    let mut matching_variants = Vec::new();
    if formula_total != checkpoint_total {
        let variants = program.builtin.map(|b| b.variants()).unwrap_or_default();
        for variant in variants {
            let Some(id) = formula.find_definition(&variant) else {
                continue;
            };
            // A variant that cannot be evaluated (a missing config key) is simply not suggested.
            if let Ok(Value::Number(n)) = evaluator.statement(id) {
                if n == checkpoint_total && id != program.target {
                    matching_variants.push(variant.to_string());
                }
            }
        }
    }

    let target = formula
        .statement(program.target)
        .definition()
        .map(|d| d.name.clone())
        .unwrap_or_else(|| formula.sources.slice(target_span).to_string());
    Ok(Verification {
        target,
        formula_total,
        checkpoint_total: checkpoint.total(),
        has_patterns: !directives.is_empty(),
        parts,
        leftover,
        leftover_total,
        matching_variants,
    })
}
