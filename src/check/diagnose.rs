//! Explaining a false claim: fused numbers, one wrong number, a part too many or too few.
//!
//! Each explanation is tested exactly on the formula itself: the workspace changes the tree for a
//! moment (a literal read apart, a literal replaced, a name overridden, a node zeroed), evaluates
//! the claim's computed side again with the same exact arithmetic as `eval`, and rolls back. An
//! explanation is reported only when the changed formula gives the claimed value.
//!
//! The one-number fix is solved, not searched: the computed side is evaluated with the number set
//! to four consecutive integers; when the third differences vanish it is a polynomial of degree at
//! most two in that number (a literal enters linearly; a width such as `H` in `H*H` squarely), and
//! the value that gives the claim follows exactly from the differences. Every solution is checked
//! by evaluating once more with it.

use std::collections::{BTreeSet, HashMap, HashSet};

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use crate::bind::{Resolution, Scope};
use crate::config::Lookup;
use crate::eval::{Evaluator, Value};
use crate::number::Number;
use crate::syntax::{
    BinaryOp, DefinitionKind, ExprId, ExprKind, SourceId, Span, StatementId, StatementKind,
};

use super::report::{Diagnosis, FixTarget, FusedLiteral, NumberFix, PartFinding, PartRelation};
use super::workspace::Workspace;

/// A false claim: the computed side's node, the statement it belongs to, and both values.
pub struct Claim {
    pub computed: ExprId,
    pub within: StatementId,
    pub claimed: Number,
    pub value: Number,
}

/// Nodes visited per claim at most, and one-number candidates tried at most.
const MAX_NODES: usize = 100_000;
const MAX_CANDIDATES: usize = 400;
/// Every candidate re-evaluates the claim, so a long formula gets fewer of them: candidates times
/// nodes stays under this (a 40,000-literal claim took seconds with all 400).
const MAX_WORK: usize = 2_000_000;
/// Parts shown at most.
const MAX_PARTS: usize = 5;
/// Readings of fused numbers tried at most.
const MAX_READINGS: usize = 200;

/// Everything the diagnoses find for a false claim.
pub fn diagnose(workspace: &mut Workspace, claim: &Claim) -> Vec<Diagnosis> {
    let original = workspace.formula.exprs.len();
    let walk = Walk::new(workspace, claim, original);
    if let Some(fused) = fused_numbers(workspace, claim, &walk) {
        return vec![fused];
    }
    explain(workspace, claim, &walk)
}

fn explain(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Vec<Diagnosis> {
    let mut diagnoses: Vec<Diagnosis> = parts(workspace, claim, walk)
        .into_iter()
        .map(Diagnosis::Part)
        .collect();
    diagnoses.extend(
        one_number(workspace, claim, walk)
            .into_iter()
            .map(Diagnosis::OneNumber),
    );
    diagnoses
}

fn number_of(value: Result<Value, crate::Error>) -> Option<Number> {
    match value {
        Ok(Value::Number(n)) => Some(n),
        _ => None,
    }
}

// ---- what the computed side is made of ----------------------------------------------------------

/// A name whose value can be changed with an override.
struct Variable {
    target: FixTarget,
    /// The name the override replaces.
    name: String,
    span: Span,
    current: Number,
}

/// The computed side of a claim, taken apart.
struct Walk {
    /// Number literals (not those of a size's definition, which the size's name stands for).
    literals: Vec<ExprId>,
    variables: Vec<Variable>,
    /// Candidate parts: terms of sums, bracketed groups, named parts.
    terms: Vec<ExprId>,
    /// Names of the parts among `terms`.
    part_names: HashMap<ExprId, String>,
    parents: HashMap<ExprId, ExprId>,
    /// Whole numbers between 2 and 1000 that multiply something in the formula (layer counts).
    multipliers: Vec<Number>,
    /// The definitions the computed side uses.
    reached: HashSet<StatementId>,
    /// Nodes visited.
    size: usize,
}

impl Walk {
    /// How many candidates a diagnosis may try on this claim.
    fn candidates(&self) -> usize {
        MAX_CANDIDATES.min(MAX_WORK / self.size.max(1)).max(1)
    }

    /// Visits the computed side and every part definition it reaches. Nodes from `synthetic` on
    /// were made by a repair and are not the author's literals.
    fn new(workspace: &Workspace, claim: &Claim, synthetic: usize) -> Walk {
        let formula = &workspace.formula;
        let scope = Scope::new(
            formula,
            workspace.config.as_ref(),
            workspace.limits.max_bits,
        );
        let mut evaluator = Evaluator::new(&scope, workspace.limits);
        let mut walk = Walk {
            literals: Vec::new(),
            variables: Vec::new(),
            terms: Vec::new(),
            part_names: HashMap::new(),
            parents: HashMap::new(),
            multipliers: Vec::new(),
            reached: HashSet::new(),
            size: 0,
        };
        let mut seen_statements = HashSet::new();
        let mut seen_names = HashSet::new();
        let mut multipliers = BTreeSet::new();
        let mut stack: Vec<(ExprId, StatementId, Option<ExprId>)> =
            vec![(claim.computed, claim.within, None)];
        let mut visited = 0;
        while let Some((id, within, parent)) = stack.pop() {
            visited += 1;
            walk.size = visited;
            if visited > MAX_NODES {
                break;
            }
            let in_size = matches!(
                &formula.statement(within).kind,
                StatementKind::Definition(d) if d.kind == DefinitionKind::Size
            );
            let mut is_term = false;
            if let Some(parent) = parent {
                walk.parents.insert(id, parent);
                is_term = match formula.kind(parent) {
                    ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, lhs, _) => {
                        // The left side of a sum in a chain `a+b+c` is the sum so far, not a part.
                        !(lhs == id
                            && matches!(
                                formula.kind(id),
                                ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, ..)
                            ))
                    }
                    _ => false,
                };
            }
            match formula.kind(id) {
                ExprKind::Number { text } => {
                    if (id.0 as usize) < synthetic && !in_size {
                        walk.literals.push(id);
                    }
                    if is_term {
                        walk.terms.push(id);
                    }
                    if let Some(Ok(n)) = Number::parse_literal(text, workspace.limits.max_bits) {
                        multipliers.insert(n);
                    }
                }
                ExprKind::Name(name) => match scope.resolve(name, within) {
                    Resolution::Definition(statement) => {
                        let Some(definition) = formula.statement(statement).definition() else {
                            continue;
                        };
                        if definition.kind == DefinitionKind::Part {
                            if parent.is_some() {
                                walk.terms.push(id);
                                walk.part_names.insert(id, name.to_string());
                            }
                            if seen_statements.insert(statement) {
                                stack.push((definition.value, statement, None));
                            }
                        } else {
                            if is_term {
                                walk.terms.push(id);
                            }
                            let current = number_of(evaluator.statement(statement));
                            if let Some(current) = current {
                                multipliers.insert(current.clone());
                                if seen_names.insert(name) {
                                    walk.variables.push(Variable {
                                        target: FixTarget::Definition {
                                            name: name.to_string(),
                                        },
                                        name: name.to_string(),
                                        span: definition.name_span,
                                        current,
                                    });
                                }
                            }
                        }
                    }
                    Resolution::Override(statement) => {
                        if let Some(current) = number_of(evaluator.statement(statement)) {
                            if seen_names.insert(name) {
                                walk.variables.push(Variable {
                                    target: FixTarget::Set {
                                        name: name.to_string(),
                                    },
                                    name: name.to_string(),
                                    span: formula.statement(statement).span,
                                    current,
                                });
                            }
                        }
                    }
                    Resolution::Config(Lookup::Number(current)) => {
                        if is_term {
                            walk.terms.push(id);
                        }
                        multipliers.insert(current.clone());
                        if seen_names.insert(name) {
                            walk.variables.push(Variable {
                                target: FixTarget::Config {
                                    key: name.to_string(),
                                },
                                name: name.to_string(),
                                span: formula.expr(id).span,
                                current,
                            });
                        }
                    }
                    Resolution::Config(_) => {}
                },
                kind => {
                    if is_term || (matches!(kind, ExprKind::Group(_)) && parent.is_some()) {
                        walk.terms.push(id);
                    }
                    // Children in reverse, so that they are visited in the order written.
                    for child in formula.children(id).into_iter().rev() {
                        stack.push((child, within, Some(id)));
                    }
                }
            }
        }
        walk.reached = seen_statements;
        walk.literals.sort();
        walk.terms.sort();
        walk.terms.dedup();
        let two = Number::from_i64(2);
        let thousand = Number::from_i64(1000);
        walk.multipliers = multipliers
            .into_iter()
            .filter(|n| n.is_integer() && *n >= two && *n <= thousand)
            .collect();
        walk
    }
}

// ---- one wrong number -----------------------------------------------------------------------------

/// What a one-number fix changes while it is tried.
#[derive(Clone, Copy)]
enum Change<'a> {
    Literal(ExprId),
    Name(&'a str, Span),
}

fn value_with(
    workspace: &mut Workspace,
    claim: &Claim,
    change: Change,
    x: &Number,
) -> Option<Number> {
    let mark = workspace.mark();
    match change {
        Change::Literal(id) => {
            let span = workspace.formula.expr(id).span;
            let kind = workspace.number_kind(x, span);
            workspace.replace(id, kind);
        }
        Change::Name(name, span) => workspace.push_override(name, x, span),
    }
    let value = number_of(workspace.evaluate(claim.computed, claim.within));
    workspace.rollback(mark);
    value
}

/// The exact square root of a rational, when it is rational.
fn rational_sqrt(n: &Number, limit: u64) -> Option<Number> {
    let (numer, denom) = n.to_fraction();
    if numer.is_negative() {
        return None;
    }
    let root = |m: &BigInt| {
        let r = m.sqrt();
        (&r * &r == *m).then_some(r)
    };
    let numer = root(&numer)?;
    let denom = root(&denom)?;
    Number::from_bigint(numer)
        .div(&Number::from_bigint(denom), limit)
        .ok()
}

/// Values of `x` for which `x ↦ f(x)` (sampled at `base..base+4`) takes `target`, when it is a
/// polynomial of degree one or two.
fn roots(samples: &[Number], base: i64, target: &Number, limit: u64) -> Option<Vec<Number>> {
    let n = |v: i64| Number::from_i64(v);
    let [f0, f1, f2, f3] = samples else {
        return None;
    };
    let d1 = f1.sub(f0, limit).ok()?;
    let d2 = f2
        .sub(&f1.mul(&n(2), limit).ok()?, limit)
        .ok()?
        .add(f0, limit)
        .ok()?;
    let d3 = f3
        .sub(&f2.mul(&n(3), limit).ok()?, limit)
        .ok()?
        .add(&f1.mul(&n(3), limit).ok()?, limit)
        .ok()?
        .sub(f0, limit)
        .ok()?;
    if !d3.is_zero() {
        return None;
    }
    let base = n(base);
    let c0 = f0.sub(target, limit).ok()?;
    if d2.is_zero() {
        if d1.is_zero() {
            return None;
        }
        // f(base + t) = f0 + d1*t.
        let t = c0.neg().div(&d1, limit).ok()?;
        return Some(vec![base.add(&t, limit).ok()?]);
    }
    // f(base + t) = a*t^2 + b*t + f0 with a = d2/2, b = d1 - a.
    let a = d2.div(&n(2), limit).ok()?;
    let b = d1.sub(&a, limit).ok()?;
    let discriminant = b
        .mul(&b, limit)
        .ok()?
        .sub(&n(4).mul(&a, limit).ok()?.mul(&c0, limit).ok()?, limit)
        .ok()?;
    if discriminant.is_negative() {
        return None;
    }
    let s = rational_sqrt(&discriminant, limit)?;
    let two_a = a.mul(&n(2), limit).ok()?;
    let mut found = Vec::new();
    for root in [b.neg().add(&s, limit).ok()?, b.neg().sub(&s, limit).ok()?] {
        found.push(base.add(&root.div(&two_a, limit).ok()?, limit).ok()?);
    }
    Some(found)
}

/// The exact value `change` needs for the claim to hold, checked by evaluating with it.
fn solve(workspace: &mut Workspace, claim: &Claim, change: Change) -> Option<Number> {
    let limit = workspace.limits.max_bits;
    // Sample from 0; a literal that divides has no value at 0, so from 1 then.
    for base in [0i64, 1] {
        let samples: Option<Vec<Number>> = (base..base + 4)
            .map(|x| value_with(workspace, claim, change, &Number::from_i64(x)))
            .collect();
        let Some(samples) = samples else {
            continue;
        };
        let mut candidates = roots(&samples, base, &claim.claimed, limit)?;
        // Prefer a whole non-negative value, then a non-negative one.
        candidates.sort_by_key(|x| (!x.is_integer() || x.is_negative(), x.is_negative()));
        return candidates
            .into_iter()
            .find(|x| value_with(workspace, claim, change, x).as_ref() == Some(&claim.claimed));
    }
    None
}

/// How far a fix moves a number, as a ratio at least 1: `needed/current` or its inverse.
fn distance(fix: &NumberFix, limit: u64) -> Number {
    let (a, b) = (&fix.needed, &fix.current);
    if a.is_zero() || b.is_zero() || a.is_negative() != b.is_negative() {
        return Number::from_bigint(BigInt::one() << 64u32);
    }
    let ratio = a
        .div(b, limit)
        .unwrap_or_else(|_| Number::from_i64(i64::MAX));
    let inverse = b
        .div(a, limit)
        .unwrap_or_else(|_| Number::from_i64(i64::MAX));
    ratio.max(inverse)
}

fn one_number(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Vec<NumberFix> {
    let limit = workspace.limits.max_bits;
    let mut fixes = Vec::new();
    for &id in walk.literals.iter().take(walk.candidates()) {
        let ExprKind::Number { text } = workspace.formula.kind(id) else {
            continue;
        };
        let Some(Ok(current)) = Number::parse_literal(text, limit) else {
            continue;
        };
        if let Some(needed) = solve(workspace, claim, Change::Literal(id)) {
            let span = workspace.formula.expr(id).span;
            fixes.push(NumberFix {
                target: FixTarget::Literal {
                    text: workspace.display(span),
                },
                location: workspace.location(span),
                current,
                needed,
            });
        }
    }
    for variable in walk.variables.iter().take(walk.candidates()) {
        if let Some(needed) = solve(
            workspace,
            claim,
            Change::Name(&variable.name, variable.span),
        ) {
            fixes.push(NumberFix {
                target: variable.target.clone(),
                location: workspace.location(variable.span),
                current: variable.current.clone(),
                needed,
            });
        }
    }
    // The likeliest first: a whole value, then the smallest change.
    let keyed: Vec<(bool, Number, NumberFix)> = fixes
        .into_iter()
        .map(|f| (!f.is_plausible(), distance(&f, limit), f))
        .collect();
    let mut keyed = keyed;
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, _, f)| f).collect()
}

// ---- a part too many or too few ---------------------------------------------------------------------

fn parts(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Vec<PartFinding> {
    let limit = workspace.limits.max_bits;
    let Ok(difference) = claim.claimed.sub(&claim.value, limit) else {
        return Vec::new();
    };
    // Every node's own value, from one recorded evaluation.
    let own: HashMap<ExprId, Number> = {
        let scope = Scope::new(&workspace.formula, workspace.config.as_ref(), limit);
        let mut evaluator = Evaluator::new(&scope, workspace.limits).record_values();
        if evaluator.expr(claim.computed, claim.within).is_err() {
            return Vec::new();
        }
        walk.terms
            .iter()
            .filter_map(|id| match evaluator.recorded(*id) {
                Some(Value::Number(n)) => Some((*id, n.clone())),
                _ => None,
            })
            .collect()
    };
    let mut found = Vec::new();
    for &id in walk.terms.iter().take(walk.candidates()) {
        let Some(value) = own.get(&id) else { continue };
        if value.is_zero() {
            continue;
        }
        let mark = workspace.mark();
        let zero = workspace.formula.number_node("0");
        workspace.replace(id, zero);
        let without = number_of(workspace.evaluate(claim.computed, claim.within));
        workspace.rollback(mark);
        let Some(contribution) = without.and_then(|w| claim.value.sub(&w, limit).ok()) else {
            continue;
        };
        let relation = if contribution.is_zero() {
            continue;
        } else if difference == contribution.neg() {
            PartRelation::TooMany
        } else if difference == contribution {
            PartRelation::TooFew
        } else {
            let one = Number::from_i64(1);
            let multiple = std::iter::once(&one)
                .chain(walk.multipliers.iter())
                .flat_map(|k| [k.clone(), k.neg()])
                .find(|k| {
                    k.mul(value, limit).ok().as_ref() == Some(&difference)
                        && difference != contribution
                        && difference != contribution.neg()
                });
            match multiple {
                Some(k) => PartRelation::Multiple(k),
                None => continue,
            }
        };
        let span = workspace.formula.expr(id).span;
        let (part, named) = match walk.part_names.get(&id) {
            Some(name) => (name.clone(), true),
            None => (workspace.display(span), false),
        };
        found.push(PartFinding {
            part,
            named,
            location: workspace.location(span),
            value: value.clone(),
            contribution,
            relation,
        });
    }
    // A part the file defines but the computed side does not use, whose value is the difference.
    let unused: Vec<(StatementId, String, Span)> = workspace
        .formula
        .definitions()
        .filter(|(id, d)| d.kind == DefinitionKind::Part && !walk.reached.contains(id))
        .filter(|(id, _)| *id != claim.within)
        .filter(|(id, d)| workspace.formula.find_definition(&d.name) == Some(*id))
        .map(|(id, d)| (id, d.name.clone(), d.name_span))
        .take(MAX_CANDIDATES)
        .collect();
    {
        let scope = Scope::new(&workspace.formula, workspace.config.as_ref(), limit);
        let mut evaluator = Evaluator::new(&scope, workspace.limits);
        for (id, name, span) in unused {
            let Some(value) = number_of(evaluator.statement(id)) else {
                continue;
            };
            if value.is_zero() || value != difference {
                continue;
            }
            found.push(PartFinding {
                part: name,
                named: true,
                location: workspace.location(span),
                value: value.clone(),
                contribution: value,
                relation: PartRelation::LeftOut,
            });
        }
    }
    // Named parts first, then the plain explanations, then the biggest parts.
    found.sort_by(|a, b| {
        b.named
            .cmp(&a.named)
            .then_with(|| {
                matches!(a.relation, PartRelation::Multiple(_))
                    .cmp(&matches!(b.relation, PartRelation::Multiple(_)))
            })
            .then_with(|| b.value.cmp(&a.value))
    });
    found.truncate(MAX_PARTS);
    found
}

// ---- fused numbers ----------------------------------------------------------------------------------

/// Numbers a fused literal may be made of.
pub struct Atoms {
    /// Every number a piece may be.
    all: HashSet<String>,
    /// Those that occur in the text or the config (the rest are small factors and quotients).
    strong: HashSet<String>,
}

/// The small factors of parameter counts: LayerNorm's 2, Q/K/V's 3, the feed-forward's 4, and 12
/// (layers and heads of the base models).
const SMALL_FACTORS: [&str; 4] = ["2", "3", "4", "12"];

/// Plain whole numbers written in a text (not the digits of a decimal fraction), without `_`.
fn numbers_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        let mut digits = String::new();
        while at < bytes.len()
            && (bytes[at].is_ascii_digit()
                || bytes[at] == b'_' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
        {
            if bytes[at] != b'_' {
                digits.push(bytes[at] as char);
            }
            at += 1;
        }
        let fraction = start > 0 && bytes[start - 1] == b'.';
        if !fraction {
            let trimmed = digits.trim_start_matches('0');
            if trimmed.len() > 1 || trimmed > "1" {
                out.push(trimmed.to_string());
            }
        }
    }
    out
}

/// Exact quotients `a/b` (both at least 2) of the numbers: 64 is 768/12, a head's width.
fn quotients(numbers: &HashSet<String>) -> HashSet<String> {
    // The 400 shortest numbers: quotients of long ones are rarely the sizes that fused.
    let mut sorted: Vec<&String> = numbers.iter().filter(|s| s.len() <= 15).collect();
    sorted.sort_by_key(|s| (s.len(), s.as_str()));
    let values: Vec<BigInt> = sorted
        .into_iter()
        .take(400)
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut out = HashSet::new();
    let two = BigInt::from(2);
    for a in &values {
        for b in &values {
            if b >= &two && a > b && (a % b).is_zero() {
                let q = a / b;
                if q >= two {
                    out.insert(q.to_string());
                }
            }
        }
    }
    out
}

/// Ways to read `digits` as a product of at least two atoms, best first, at most 64.
fn splits(digits: &str, atoms: &Atoms) -> Vec<Vec<String>> {
    /// Whether a split of `rest` was found. `dead` holds the lengths of tails that have none:
    /// without it, `3333...30` with the atoms 3 and 33 is tried in exponentially many ways, all
    /// failing at the final 0 (a fuzz finding: 343 bytes took eight minutes).
    fn search(
        rest: &str,
        atoms: &Atoms,
        path: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
        whole: &str,
        dead: &mut HashSet<usize>,
    ) -> bool {
        if out.len() >= 64 {
            return true;
        }
        if rest.is_empty() {
            if path.len() >= 2 {
                out.push(path.clone());
                return true;
            }
            return false;
        }
        if rest.starts_with('0') || dead.contains(&rest.len()) {
            return false;
        }
        let mut found = false;
        for end in 1..=rest.len() {
            let piece = &rest[..end];
            if piece != whole && atoms.all.contains(piece) {
                path.push(piece.to_string());
                found |= search(&rest[end..], atoms, path, out, whole, dead);
                path.pop();
            }
        }
        // A tail reached with a path of one piece may still complete later with two: only a
        // tail that failed after at least one piece is dead for every path.
        if !found && !path.is_empty() {
            dead.insert(rest.len());
        }
        found
    }
    let mut out = Vec::new();
    search(
        digits,
        atoms,
        &mut Vec::new(),
        &mut out,
        digits,
        &mut HashSet::new(),
    );
    let weak = |split: &Vec<String>| split.iter().filter(|p| !atoms.strong.contains(*p)).count();
    out.sort_by(|a, b| {
        a.len()
            .cmp(&b.len())
            .then_with(|| weak(a).cmp(&weak(b)))
            .then_with(|| b.cmp(a))
    });
    out
}

fn atoms(workspace: &Workspace, source: SourceId) -> Atoms {
    let limit = workspace.limits.max_bits;
    let text: HashSet<String> = numbers_in(workspace.parsed_text(source))
        .into_iter()
        .collect();
    let mut given: HashSet<String> = HashSet::new();
    if let Some(config) = &workspace.config {
        for key in config.keys() {
            if let Lookup::Number(n) = config.lookup(&key, limit) {
                if n.is_integer() && !n.is_negative() && n > Number::from_i64(1) {
                    given.insert(n.to_string());
                }
            }
        }
    }
    for (id, source) in workspace.formula.sources.iter() {
        if source.name.starts_with("--set ") {
            given.extend(numbers_in(workspace.parsed_text(id)));
        }
    }
    let small: HashSet<String> = SMALL_FACTORS.iter().map(|s| s.to_string()).collect();
    // First pass: which numbers of the text are themselves fused, so that they do not count as
    // evidence for others.
    let everything: HashSet<String> = text.union(&given).cloned().collect();
    let first = Atoms {
        all: everything
            .iter()
            .chain(&small)
            .chain(&quotients(&everything))
            .cloned()
            .collect(),
        strong: everything.clone(),
    };
    let fused: HashSet<String> = text
        .iter()
        .filter(|t| t.len() >= 4 && !splits(t, &first).is_empty())
        .cloned()
        .collect();
    let strong: HashSet<String> = everything.difference(&fused).cloned().collect();
    let all = strong
        .iter()
        .chain(&small)
        .chain(&quotients(&strong))
        .cloned()
        .collect();
    Atoms { all, strong }
}

fn is_power_of_two(digits: &str) -> bool {
    digits
        .parse::<BigInt>()
        .is_ok_and(|n| n > BigInt::one() && (&n & (&n - 1u32)).is_zero())
}

/// One fused literal and its readings, best first.
struct Fused {
    literal: ExprId,
    readings: Vec<Vec<String>>,
}

/// Replaces each `(literal, reading)` by its product until the next rollback.
fn apply(workspace: &mut Workspace, reading: &[(ExprId, &Vec<String>)]) {
    for (literal, pieces) in reading {
        let span = workspace.formula.expr(*literal).span;
        if let Some(kind) = workspace.product_kind(pieces, span) {
            workspace.replace(*literal, kind);
        }
    }
}

fn fused_numbers(workspace: &mut Workspace, claim: &Claim, walk: &Walk) -> Option<Diagnosis> {
    let limit = workspace.limits.max_bits;
    let source = workspace.formula.expr(claim.computed).span.source;
    let atoms = match workspace.atoms.remove(&source) {
        Some(atoms) => atoms,
        None => atoms(workspace, source),
    };
    let given: HashSet<String> = match &workspace.config {
        Some(config) => config
            .keys()
            .iter()
            .filter_map(|k| match config.lookup(k, limit) {
                Lookup::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        None => HashSet::new(),
    };
    let fused: Vec<Fused> = walk
        .literals
        .iter()
        .filter_map(|&literal| {
            let ExprKind::Number { text } = workspace.formula.kind(literal) else {
                return None;
            };
            if text.len() < 4
                || !text.bytes().all(|b| b.is_ascii_digit())
                || text.starts_with('0')
                || is_power_of_two(text)
                || given.contains(text)
            {
                return None;
            }
            let readings: Vec<Vec<String>> = splits(text, &atoms).into_iter().take(8).collect();
            (!readings.is_empty()).then_some(Fused { literal, readings })
        })
        .collect();
    workspace.atoms.insert(source, atoms);
    if fused.is_empty() {
        return None;
    }

    // The readings tried, most repaired first: all at their best reading; one at another reading;
    // all but one; each alone.
    let best: Vec<(usize, usize)> = (0..fused.len()).map(|i| (i, 0)).collect();
    let mut candidates: Vec<Vec<(usize, usize)>> = vec![best.clone()];
    for (i, f) in fused.iter().enumerate() {
        for alternative in 1..f.readings.len() {
            let mut reading = best.clone();
            reading[i] = (i, alternative);
            candidates.push(reading);
        }
    }
    if fused.len() > 1 {
        for i in 0..fused.len() {
            candidates.push(best.iter().copied().filter(|(j, _)| *j != i).collect());
        }
        for i in 0..fused.len() {
            candidates.push(vec![(i, 0)]);
        }
    }
    candidates.truncate(MAX_READINGS);

    // The first reading that makes the claim hold; failing that, the reading with every fused
    // number at its best split, when it brings the value at least ten times closer to the claim
    // (the repair is then the first step, and the other diagnoses run on the repaired text).
    let distance = |v: &Number| {
        v.sub(&claim.claimed, limit)
            .map(|d| if d.is_negative() { d.neg() } else { d })
    };
    let written_distance = distance(&claim.value).ok()?;
    let mut chosen: Option<(usize, Number, bool)> = None;
    for (index, candidate) in candidates.iter().enumerate() {
        let reading: Vec<(ExprId, &Vec<String>)> = candidate
            .iter()
            .map(|(i, r)| (fused[*i].literal, &fused[*i].readings[*r]))
            .collect();
        let mark = workspace.mark();
        apply(workspace, &reading);
        let value = number_of(workspace.evaluate(claim.computed, claim.within));
        workspace.rollback(mark);
        let Some(value) = value else { continue };
        if value == claim.claimed {
            chosen = Some((index, value, true));
            break;
        }
        if index == 0 {
            let closer = distance(&value)
                .ok()
                .and_then(|d| d.mul(&Number::from_i64(10), limit).ok())
                .is_some_and(|d| d <= written_distance);
            if closer {
                chosen = Some((index, value, false));
            }
        }
    }
    let (index, repaired_value, holds) = chosen?;
    let reading: Vec<(ExprId, &Vec<String>)> = candidates[index]
        .iter()
        .map(|(i, r)| (fused[*i].literal, &fused[*i].readings[*r]))
        .collect();

    let mut literals = Vec::new();
    let mut replacements = Vec::new();
    for (literal, pieces) in &reading {
        let span = workspace.formula.expr(*literal).span;
        let joined = pieces.join("*");
        // A product inside a power, a divisor or a negation needs brackets to read the same.
        let bracket = walk
            .parents
            .get(literal)
            .is_some_and(|p| match workspace.formula.kind(*p) {
                ExprKind::Binary(BinaryOp::Pow, ..) | ExprKind::Unary(..) => true,
                ExprKind::Binary(BinaryOp::Div, _, rhs) => rhs == *literal,
                _ => false,
            });
        let shown = if bracket {
            format!("({joined})")
        } else {
            joined.clone()
        };
        literals.push(FusedLiteral {
            location: workspace.location(span),
            written: workspace.display(span),
            reading: joined,
        });
        replacements.push((span, shown));
    }
    let computed_span = workspace.formula.expr(claim.computed).span;
    let repaired_text = workspace.display_with(computed_span, &replacements);

    let then = if holds {
        Vec::new()
    } else {
        let mark = workspace.mark();
        let made_by_repair = workspace.formula.exprs.len();
        apply(workspace, &reading);
        let repaired = Claim {
            computed: claim.computed,
            within: claim.within,
            claimed: claim.claimed.clone(),
            value: repaired_value.clone(),
        };
        let walk = Walk::new(workspace, &repaired, made_by_repair);
        let found = explain(workspace, &repaired, &walk);
        workspace.rollback(mark);
        found
    };
    Some(Diagnosis::FusedNumbers {
        literals,
        repaired_text,
        repaired_value: Value::Number(repaired_value),
        holds,
        then,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(all: &[&str], strong: &[&str]) -> Atoms {
        Atoms {
            all: all.iter().map(|s| s.to_string()).collect(),
            strong: strong.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn fused_literals_split_into_known_numbers() {
        let known = atoms(
            &["768", "12", "64", "3", "2", "4", "6", "3072"],
            &["768", "12", "3072"],
        );
        assert_eq!(splits("76812643", &known)[0], vec!["768", "12", "64", "3"]);
        assert_eq!(splits("12643", &known)[0], vec!["12", "64", "3"]);
        assert_eq!(splits("7683072", &known)[0], vec!["768", "3072"]);
        assert!(splits("30522", &known).is_empty());
    }

    #[test]
    fn numbers_in_text_skip_fractions_and_ones() {
        assert_eq!(
            numbers_in("0.1 and 768, 1, 30_522 or 007"),
            vec!["768", "30522", "7"]
        );
    }

    #[test]
    fn quotients_find_head_width() {
        let numbers: HashSet<String> = ["768", "12"].iter().map(|s| s.to_string()).collect();
        assert!(quotients(&numbers).contains("64"));
    }

    #[test]
    fn roots_of_lines_and_parabolas() {
        let n = Number::from_i64;
        let limit = 1 << 20;
        // f(x) = 768x + 100: 768x + 100 = 1636 at x = 2.
        let line: Vec<Number> = (0..4).map(|x| n(768 * x + 100)).collect();
        assert_eq!(roots(&line, 0, &n(1636), limit), Some(vec![n(2)]));
        // f(x) = x^2 + x: 30 at x = 5 and x = -6.
        let parabola: Vec<Number> = (1..5).map(|x| n(x * x + x)).collect();
        assert_eq!(roots(&parabola, 1, &n(30), limit), Some(vec![n(5), n(-6)]));
        // x^3 is neither.
        let cubic: Vec<Number> = (0..4).map(|x| n(x * x * x)).collect();
        assert_eq!(roots(&cubic, 0, &n(8), limit), None);
    }
}
