//! Folding: the value of plain arithmetic, computed while it is read, without a tree.
//!
//! Why it exists: a file that is one flat sum of a million products (the workload w2 of `bench/compare.py`) spent most of
//! its time building six million tree nodes (and the kernel most of that handing over ~300 MB of
//! pages) only to add them up once. When the text is nothing but numbers, `+ - * / ^ **`, unary
//! signs, brackets and juxtaposition, nothing downstream of `eval` needs the tree, so this module
//! folds each operator into a value the moment the shunting-yard applies it.
//!
//! It reads with the `fast` reader and orders with the same `Yard` as the tree builder, so the
//! operators apply in exactly the tree's order (one precedence table, `syntax::Precedence`), and
//! each applies with the `Number` operation, under the size limit, that the evaluator uses for that
//! node. So the value is the tree's value. Anything else — a name, a comment, `=`, a keyword, a
//! comparison, and any error at all (syntax, division by zero, a number past the size limit) —
//! gives up, and the caller takes the normal route, which words every error with its span.

use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;

use super::fast::{self, GiveUp};
use super::{Build, Infix};
use crate::limits::Limits;
use crate::number::Number;
use crate::syntax::{BinaryOp, SourceId, Span, UnaryOp};

/// How a folded name gets its value: from a definition read before it, or from the config.
type Names<'n> = &'n mut dyn FnMut(&str) -> Option<Number>;

/// The value of `text` if it is one plain arithmetic expression (blank lines around it allowed),
/// computed as the evaluator would compute its tree under `limits`; `None` for anything else,
/// including any input whose evaluation would fail.
pub fn fold(text: &str, limits: Limits) -> Option<Number> {
    // A comment cannot change a value, but the brief of this route is "plain arithmetic only":
    // anything unusual belongs to the route that knows the whole language.
    // Past the input limit, the usual route says so.
    if text.contains('#') || text.len() > limits.max_input_bytes {
        return None;
    }
    if let Some(value) = flat_integer_sum(text.as_bytes(), limits.max_bits) {
        return Some(value);
    }
    fold_expression(text, limits, None)
}

/// The value of one expression, its names given by `names`.
fn fold_expression(text: &str, limits: Limits, names: Option<Names<'_>>) -> Option<Number> {
    let mut folder = Folder {
        max_bits: limits.max_bits,
        max_exponent: limits.max_exponent,
        names,
    };
    // Spans matter only for errors, and an error gives up: one placeholder source will do.
    fast::read_expression(&mut folder, SourceId(0), text, limits.max_depth).map(|f| f.value)
}

/// The value of a file of definitions (`name = expr`, one a line), each folded as it is read, its
/// names being definitions read before it or numbers of the config (`config`, which answers
/// `None` for a name it lacks or does not hold a usable number for). The program's target is
/// `total` if the file defines it, else its last definition, as `Program::load` chooses it.
///
/// Why it exists: a large generated file (the workload w3 of `bench/compare.py`: 100,000 lines
/// that each add an earlier line's value) otherwise becomes five million tree nodes (40 MB),
/// to be evaluated once; here it costs one value a name.
///
/// Every line is evaluated, where the tree route evaluates what the target reaches, so any line
/// that fails gives up, and with it anything the tree route treats otherwise: a line that is not
/// a definition (a claim, an expression, `fn`, `use`, `@`, `override`, an explanation), a name
/// defined twice, a name read from the config before a line defines it (in the tree, the
/// definition wins), a line continued on the next, more definitions than the limit allows.
pub fn fold_definitions(
    text: &str,
    limits: Limits,
    config: &mut dyn FnMut(&str) -> Option<Number>,
) -> Option<Number> {
    if text.len() > limits.max_input_bytes {
        return None;
    }
    // foldhash, seeded per process as the interner's is: a crafted file cannot make names collide.
    let mut values: HashMap<&str, Number, RandomState> = HashMap::default();
    let mut from_config: HashSet<String, RandomState> = HashSet::default();
    let mut last = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let body = line.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let (name, expr) = definition_head(body)?;
        if values.contains_key(name) || from_config.contains(name) {
            return None;
        }
        if values.len() >= limits.max_definitions {
            return None;
        }
        let mut resolve = |used: &str| -> Option<Number> {
            // In its own definition a name is the config's (`V = V + 1`).
            if used != name {
                if let Some(value) = values.get(used) {
                    return Some(value.clone());
                }
            }
            let value = config(used)?;
            from_config.insert(used.to_string());
            Some(value)
        };
        let value = fold_expression(expr, limits, Some(&mut resolve))?;
        values.insert(name, value);
        last = Some(name);
    }
    let target = if values.contains_key("total") {
        "total"
    } else {
        last?
    };
    values.remove(target)
}

/// `let? name =` at the start of a line: the name and the text after `=`. `None` for anything
/// else (an expression, a claim, a keyword, a dotted name, `==`).
fn definition_head(line: &str) -> Option<(&str, &str)> {
    let rest = match line.strip_prefix("let") {
        Some(after) if after.starts_with([' ', '\t']) => after.trim_start_matches([' ', '\t']),
        _ => line,
    };
    let bytes = rest.as_bytes();
    if !bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return None;
    }
    let end = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(bytes.len());
    let name = &rest[..end];
    if fast::is_keyword(name) {
        return None;
    }
    let after = rest[end..].trim_start_matches([' ', '\t']);
    let expr = after.strip_prefix('=')?;
    if expr.starts_with('=') {
        return None;
    }
    Some((name, expr))
}

/// The value of the commonest large input, a sum of products of whole numbers (`768*3072+768-2*64`,
/// the workload w2 of `bench/compare.py`), read in one pass into machine integers; `None` for any other text, and for a
/// value that leaves `i128`, which the general fold then reads. Exact integer arithmetic does not
/// depend on how it is grouped, so the value is the tree's. Accepted, and nothing else: numbers of
/// at most 18 digits joined by `*`, `+` and `-`, spaces or tabs between them, blanks and line
/// breaks at the end. Any `i128` is within a size limit of 128 bits or more, so no operation can
/// fail here that the evaluator would refuse; a smaller limit leaves the text to the general fold.
fn flat_integer_sum(text: &[u8], max_bits: u64) -> Option<Number> {
    if max_bits < 128 {
        return None;
    }
    let end = text.len()
        - text
            .iter()
            .rev()
            .take_while(|b| b" \t\n".contains(b))
            .count();
    let (text, mut at) = (&text[..end], 0);
    let blanks = |at: &mut usize| {
        while text.get(*at).is_some_and(|b| *b == b' ' || *b == b'\t') {
            *at += 1;
        }
    };
    let number = |at: &mut usize| -> Option<i128> {
        blanks(at);
        let digits = text[*at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 18 {
            return None;
        }
        let value = text[*at..*at + digits]
            .iter()
            .fold(0i64, |n, digit| n * 10 + i64::from(digit - b'0'));
        *at += digits;
        blanks(at);
        Some(i128::from(value))
    };
    let (mut total, mut sign) = (0i128, 1i128);
    loop {
        let mut product = number(&mut at)?;
        while text.get(at) == Some(&b'*') {
            at += 1;
            product = product.checked_mul(number(&mut at)?)?;
        }
        total = total.checked_add(sign.checked_mul(product)?)?;
        sign = match text.get(at) {
            None => return Some(Number::from_bigint(total.into())),
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return None,
        };
        at += 1;
    }
}

/// Computes values instead of nodes, under the size limit.
struct Folder<'n> {
    max_bits: u64,
    max_exponent: u64,
    /// The values of names, when the text has any.
    names: Option<Names<'n>>,
}

/// A value waiting on the yard, and where it was written if it is a bare number literal (two of
/// those side by side are an error, which the yard detects).
struct Folded {
    value: Number,
    literal: Option<Span>,
}

fn computed(value: Number) -> Folded {
    Folded {
        value,
        literal: None,
    }
}

impl Build for Folder<'_> {
    type Operand = Folded;
    type Error = GiveUp;

    fn number(&mut self, written: &str, span: Span) -> Result<Folded, GiveUp> {
        // `_` grouping is rare: look for it only when the text as written is not a literal.
        let value = match Number::parse_literal(written, self.max_bits) {
            None if written.contains('_') => {
                Number::parse_literal(&written.replace('_', ""), self.max_bits)
            }
            other => other,
        };
        match value {
            Some(Ok(value)) => Ok(Folded {
                value,
                literal: Some(span),
            }),
            _ => Err(GiveUp),
        }
    }

    fn name(&mut self, name: &str, _: Span) -> Result<Folded, GiveUp> {
        match &mut self.names {
            Some(resolve) => resolve(name).map(computed).ok_or(GiveUp),
            None => Err(GiveUp), // its value depends on definitions and the config
        }
    }

    fn boolean(&mut self, _: bool, _: Span) -> Result<Folded, GiveUp> {
        Err(GiveUp)
    }

    fn group(&mut self, inner: Folded, _: Span) -> Result<Folded, GiveUp> {
        Ok(computed(inner.value))
    }

    fn unary(&mut self, op: UnaryOp, _: Span, operand: Folded) -> Result<Folded, GiveUp> {
        match op {
            UnaryOp::Neg => Ok(computed(operand.value.neg())),
            UnaryOp::Plus => Ok(computed(operand.value)),
            UnaryOp::Not => Err(GiveUp),
        }
    }

    fn binary(&mut self, op: Infix, lhs: Folded, rhs: Folded) -> Result<Folded, GiveUp> {
        let (a, b, limit) = (&lhs.value, &rhs.value, self.max_bits);
        // The operations `Evaluator::arithmetic_op` performs for the same operators (`add_into`
        // is `add` reusing the left side, which a sum's running total is).
        let result = match op {
            Infix::Binary(BinaryOp::Add) => lhs.value.add_into(b, limit),
            Infix::Binary(BinaryOp::Sub) => a.sub(b, limit),
            Infix::Binary(BinaryOp::Mul | BinaryOp::ImplicitMul) => a.mul(b, limit),
            Infix::Binary(BinaryOp::Div) => a.div(b, limit),
            Infix::Binary(BinaryOp::Pow) => crate::number::check_exponent(a, b, self.max_exponent)
                .and_then(|()| a.pow(b, limit)),
            // Comparisons, `and`, `or` and alternatives are not arithmetic.
            _ => return Err(GiveUp),
        };
        result.map(computed).map_err(|_| GiveUp)
    }

    fn literal_span(&self, operand: &Folded) -> Option<Span> {
        operand.literal
    }
}
