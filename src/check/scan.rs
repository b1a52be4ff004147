//! Finding the formulas in a document (`--scan`).
//!
//! A document is prose (markdown, plain text, Chinese and English) with formulas in it. The scanner
//! cuts each line into pieces that could be formulas: runs of ASCII names, numbers, operators,
//! brackets and `=`, ending at any other character (Chinese text, `:`, `,`, backticks, `|`) and at
//! a space between two words (`The total is (...)` is prose before a formula, `12 layers` a number
//! in prose). A piece that holds an `=` is handed to the grammar, dropping words from its front
//! until it parses; one that never parses is not a formula. Lines that begin with `=` continue the
//! formula of the line before, as articles lay out long chains.
//!
//! The formulas found are copied into a blank text of the document's length (everything else
//! becomes spaces, line breaks stay), which is parsed as one formula file: spans point into the
//! original document, and names defined by one formula bind in the others.

use std::collections::HashSet;
use std::ops::Range;

use super::clean;
use crate::parser;
use crate::syntax::{BinaryOp, ExprId, ExprKind, Formula, StatementKind, UnaryOp};

/// One formula found in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fragment {
    pub range: Range<usize>,
    /// Whether its `=` links are claims; a bare binding (`H = 768`) or a chain of names only
    /// defines names.
    pub claims: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Name,
    Operator,
    Open,
    Close,
    Equals,
    Space,
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

/// Longest piece handed to the grammar; longer runs of formula characters are not prose formulas.
const MAX_PIECE: usize = 64 * 1024;
/// How many starting points of one piece are tried.
const MAX_STARTS: usize = 64;

const OPERATORS: &str = "+-*/^%×·⋅∗＊✕÷／＋－−＾≠≤≥<>";

/// Joins a line that begins with `=` to the line before it, so that an article's
/// `total = a + b` / `      = 108890112` layout reads as one chain. Bytes keep their places.
pub(super) fn join_continuations(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{3000}', '\u{a0}']);
        // `+ 12 × 7,087,872` under a formula continues it, as code blocks lay out long sums (a
        // `+` before a word is a list bullet).
        let continues_sum = trimmed
            .strip_prefix(['+', '＋', '×'])
            .map(|rest| rest.trim_start_matches([' ', '\t']))
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '('));
        let starts_with_equals = trimmed.starts_with('=') && !trimmed.starts_with("==")
            || trimmed.starts_with('＝')
            || continues_sum;
        if starts_with_equals && line_start > 0 {
            let previous = &text[..line_start];
            let previous_line = previous
                .trim_end_matches(['\n', '\r'])
                .rsplit('\n')
                .next()
                .unwrap_or("");
            if !previous_line.trim().is_empty() {
                for at in (0..line_start).rev() {
                    match bytes[at] {
                        b'\n' | b'\r' => bytes[at] = b' ',
                        _ => break,
                    }
                }
            }
        }
        line_start += line.len();
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

fn classify(c: char) -> Kind {
    match c {
        '0'..='9' => Kind::Number,
        'a'..='z' | 'A'..='Z' | '_' => Kind::Name,
        '(' | '（' | '[' => Kind::Open,
        ')' | '）' | ']' => Kind::Close,
        '=' | '＝' => Kind::Equals,
        ' ' | '\t' | '\u{3000}' | '\u{a0}' => Kind::Space,
        c if OPERATORS.contains(c) => Kind::Operator,
        _ => Kind::Other,
    }
}

fn tokenize(text: &str, padding: &[bool], line: Range<usize>) -> Vec<Token> {
    let bytes = text.as_bytes();
    let digit_at = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_digit);
    let word_at = |at: usize| {
        bytes
            .get(at)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    };
    let mut tokens = Vec::new();
    let mut at = line.start;
    // Inside brackets `|` separates alternatives (`(model_type | "llama")`); outside, it is a
    // table's cell border.
    let mut depth = 0usize;
    while at < line.end {
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let kind = match classify(c) {
            // Inside brackets a comma separates arguments (`max(768, 1024)`).
            Kind::Other if matches!(c, '|' | ',' | '，') && depth > 0 => Kind::Operator,
            kind => kind,
        };
        match kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
        let mut end = at + c.len_utf8();
        match kind {
            Kind::Number => {
                while end < line.end && (digit_at(end) || bytes[end] == b'_' && digit_at(end + 1)) {
                    end += 1;
                }
                if bytes.get(end) == Some(&b'.') && digit_at(end + 1) {
                    end += 1;
                    while digit_at(end) {
                        end += 1;
                    }
                }
                if matches!(bytes.get(end), Some(b'e' | b'E')) {
                    let sign = matches!(bytes.get(end + 1), Some(b'+' | b'-')) as usize;
                    if digit_at(end + 1 + sign) {
                        end += 1 + sign;
                        while digit_at(end) {
                            end += 1;
                        }
                    }
                }
                // `1.3万`, `6.7 billion`: the unit is part of the number.
                if let Some((_, _, unit_end)) = clean::unit_after(text, padding, end) {
                    if unit_end <= line.end {
                        end = unit_end;
                    }
                }
            }
            Kind::Name => loop {
                while end < line.end && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                    end += 1;
                }
                if bytes.get(end) == Some(&b'.') && word_at(end + 1) {
                    end += 1;
                } else {
                    break;
                }
            },
            Kind::Operator if c == '*' && bytes.get(end) == Some(&b'*') => end += 1,
            // The range of `sum(i in 0..L-1, ...)`.
            Kind::Other if c == '.' && depth > 0 && bytes.get(end) == Some(&b'.') => {
                tokens.push(Token {
                    kind: Kind::Operator,
                    start: at,
                    end: end + 1,
                });
                at = end + 1;
                continue;
            }
            // `!=`, `<=`, `>=` compare, in the condition of an `if`.
            Kind::Other if matches!(c, '!' | '<' | '>') && bytes.get(end) == Some(&b'=') => {
                tokens.push(Token {
                    kind: Kind::Operator,
                    start: at,
                    end: end + 1,
                });
                at = end + 1;
                continue;
            }
            Kind::Equals if bytes.get(end) == Some(&b'=') => {
                // `==` is a comparison, not a claim.
                end += 1;
                tokens.push(Token {
                    kind: Kind::Operator,
                    start: at,
                    end,
                });
                at = end;
                continue;
            }
            // A quoted value compared in a condition (`ffp == "relu"`).
            Kind::Other if c == '"' => {
                if let Some(close) = text[end..line.end].find(['"', '\n']) {
                    if text[end + close..].starts_with('"') && close <= 64 {
                        tokens.push(Token {
                            kind: Kind::Name,
                            start: at,
                            end: end + close + 1,
                        });
                        at = end + close + 1;
                        continue;
                    }
                }
            }
            _ => {}
        }
        tokens.push(Token {
            kind,
            start: at,
            end: end.min(line.end),
        });
        at = end;
    }
    tokens
}

/// Cuts a line's tokens into pieces at prose: other characters, and a space between two words.
fn pieces(text: &str, code: &[bool], tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut pieces = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let mut spaced = false;
    // After `if`, words are the condition and the branches (`if tied then 0 else V*H`).
    let mut conditional = false;
    // Inside `sum(...)` words are its variable and `in` (`sum(s in 0..n-1, depth[s]*x)`): the
    // bracket depths of the sums open.
    let mut depth = 0usize;
    let mut sums: Vec<usize> = Vec::new();
    let mut previous_text = "";
    for token in tokens {
        let word = &text[token.start..token.end];
        // `(gemma2 or gemma3)`: inside brackets, `and` and `or` join operands.
        let logic =
            depth > 0 && (matches!(word, "and" | "or") || matches!(previous_text, "and" | "or"));
        match token.kind {
            Kind::Open => {
                depth += 1;
                if previous_text == "sum" {
                    sums.push(depth);
                }
            }
            Kind::Close => {
                if sums.last() == Some(&depth) {
                    sums.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Kind::Other => {
                depth = 0;
                sums.clear();
            }
            _ => {}
        }
        if token.kind != Kind::Space {
            previous_text = word;
        }
        match token.kind {
            Kind::Other => {
                pieces.push(std::mem::take(&mut current));
                spaced = false;
                conditional = false;
            }
            Kind::Space => spaced = true,
            kind => {
                let previous = current.last().map(|t| t.kind);
                // After `if` (or `not`), words are the condition and the branches (`if tied
                // then 0 else V*H`, `not hubert or learned`).
                if kind == Kind::Name && matches!(word, "if" | "not") {
                    conditional = true;
                }
                let in_code = |at: usize| code.get(at) == Some(&true);
                let code_span =
                    current.last().is_some_and(|t| in_code(t.start)) && in_code(token.start);
                let gap = spaced
                    && !conditional
                    && !logic
                    && sums.is_empty()
                    && !code_span
                    && matches!(previous, Some(Kind::Number | Kind::Name | Kind::Close))
                    && matches!(kind, Kind::Number | Kind::Name | Kind::Open);
                if gap {
                    pieces.push(std::mem::take(&mut current));
                }
                current.push(*token);
                spaced = false;
            }
        }
    }
    pieces.push(current);
    let mut balanced = Vec::new();
    for piece in pieces {
        balanced.extend(split_unmatched(piece));
    }
    balanced.retain(|p| p.iter().any(|t| t.kind == Kind::Equals));
    balanced
}

/// Cuts a piece at brackets that do not match within it (`4H(即 4 × 768 = 3072` is a formula
/// after an opened aside) and at brackets around an `=` (`(768*768+768 = 590592)` is a claim in
/// brackets).
fn split_unmatched(piece: Vec<Token>) -> Vec<Vec<Token>> {
    let mut unmatched = vec![false; piece.len()];
    // Each open bracket, and whether an `=` stands directly inside it (never inside a formula).
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (i, token) in piece.iter().enumerate() {
        match token.kind {
            Kind::Open => open.push((i, false)),
            Kind::Equals => {
                if let Some(last) = open.last_mut() {
                    last.1 = true;
                }
            }
            Kind::Close => match open.pop() {
                Some((start, true)) => {
                    unmatched[start] = true;
                    unmatched[i] = true;
                }
                Some(_) => {}
                None => unmatched[i] = true,
            },
            _ => {}
        }
    }
    for (i, _) in open {
        unmatched[i] = true;
    }
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (token, cut) in piece.into_iter().zip(unmatched) {
        if cut {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(token);
        }
    }
    out.push(current);
    out
}

/// Finds the formulas of a (cleaned, joined) document.
pub(super) fn fragments(
    text: &str,
    padding: &[bool],
    code: &[bool],
    approximate: &HashSet<usize>,
    max_depth: usize,
) -> Vec<Fragment> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let range = line_start..line_start + line.len();
        line_start += line.len();
        if !line.contains(['=', '＝']) {
            continue;
        }
        for mut piece in pieces(text, code, &tokenize(text, padding, range)) {
            while piece
                .last()
                .is_some_and(|t| matches!(t.kind, Kind::Equals | Kind::Operator | Kind::Open))
            {
                piece.pop();
            }
            if let Some(fragment) = first_formula(text, &piece, approximate, max_depth) {
                found.push(fragment);
            }
        }
    }
    found
}

/// The longest tail of `piece` that parses as a formula, if any.
fn first_formula(
    text: &str,
    piece: &[Token],
    approximate: &HashSet<usize>,
    max_depth: usize,
) -> Option<Fragment> {
    let end = piece.last()?.end;
    if end - piece.first()?.start > MAX_PIECE {
        return None;
    }
    let starts = piece.iter().enumerate().filter(|(i, t)| match t.kind {
        Kind::Number | Kind::Name | Kind::Open => true,
        // A sign that begins a formula is glued to it; `- item` is a list bullet.
        Kind::Operator => {
            matches!(&text[t.start..t.end], "-" | "+" | "−" | "－" | "＋")
                && piece.get(i + 1).is_some_and(|next| next.start == t.end)
        }
        _ => false,
    });
    for (index, token) in starts.take(MAX_STARTS) {
        if !piece[index..].iter().any(|t| t.kind == Kind::Equals) {
            return None;
        }
        let range = token.start..end;
        let mut formula = Formula::new();
        let source = formula.sources.add("", &text[range.clone()]);
        let Ok(statements) = parser::parse_file(&mut formula, source, max_depth) else {
            continue;
        };
        let [statement] = statements[..] else {
            continue;
        };
        let rounded =
            |link: ExprId| approximate.contains(&(range.start + formula.span(link).start as usize));
        return accept(&formula, statement, rounded).map(|claims| Fragment { range, claims });
    }
    None
}

/// Whether a parsed piece is a formula: `Some(true)` when its `=` links are claims, `Some(false)`
/// when it only binds a name, `None` when it is not a formula at all.
fn accept(
    formula: &Formula,
    statement: crate::syntax::StatementId,
    rounded: impl Fn(ExprId) -> bool,
) -> Option<bool> {
    let statement = formula.statement(statement);
    let links: Vec<ExprId> = std::iter::once(statement.value())
        .chain(statement.claims().iter().copied())
        .collect();
    // `65,285,660,672 ≈ 65.2B` claims a rounding without an operator.
    let rounding = matches!(statement.kind, StatementKind::Expression { .. })
        && links.len() > 1
        && links.iter().all(|l| is_bare_number(formula, *l))
        && links[1..].iter().any(|l| rounded(*l));
    let claims = rounding
        || links.iter().any(|l| is_bare_number(formula, *l))
            && links.iter().any(|l| has_operator(formula, *l));
    match (&statement.kind, claims) {
        (_, true) => Some(true),
        (StatementKind::Definition(_), false) => Some(false),
        _ => None,
    }
}

/// A number on its own (perhaps signed or in brackets, or in scientific notation such as
/// `1.74 × 10^11`): what a claim states.
pub(super) fn is_bare_number(formula: &Formula, mut id: ExprId) -> bool {
    loop {
        match formula.kind(id) {
            ExprKind::Number { .. } => return true,
            ExprKind::Binary(BinaryOp::Mul | BinaryOp::ImplicitMul, mantissa, power) => {
                let ten = |e: ExprId| matches!(formula.kind(e), ExprKind::Number { text } if text == "10");
                let scientific = matches!(formula.kind(mantissa), ExprKind::Number { .. })
                    && match formula.kind(power) {
                        ExprKind::Binary(BinaryOp::Pow, base, exponent) => {
                            ten(base) && is_bare_number(formula, exponent)
                        }
                        _ => false,
                    };
                return scientific;
            }
            ExprKind::Group(inner) | ExprKind::Unary(UnaryOp::Neg | UnaryOp::Plus, inner) => {
                id = inner
            }
            _ => return false,
        }
    }
}

/// Whether an expression computes something (has an operator), rather than naming a value.
fn has_operator(formula: &Formula, mut id: ExprId) -> bool {
    loop {
        match formula.kind(id) {
            ExprKind::Group(inner) | ExprKind::Unary(_, inner) => id = inner,
            ExprKind::Binary(..)
            | ExprKind::Call(..)
            | ExprKind::Apply { .. }
            | ExprKind::Sum { .. }
            | ExprKind::Index(..)
            | ExprKind::If { .. } => return true,
            _ => return false,
        }
    }
}

/// A function a document defines, written as `derive` prints one: a line
/// `linear(i, o, bias) = i*o + (if bias then o else 0)` (the steps style's functions), or a table
/// row `` | `linear(i, o, bias)` | `i*o + ...` | ... | `` (the markdown style's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FunctionLine {
    pub name: String,
    /// The definition in the language: `fn linear(i, o, bias) = i*o + ...`.
    pub definition: String,
}

/// Most function definitions read from one document.
const MAX_FUNCTIONS: usize = 1_000;

/// The functions a (raw) document defines, each once (the first definition of a name), so that
/// claims calling them (`3*linear(H,A*d,true) = ...`) can be evaluated. A line is one when its
/// signature starts it, its parameters are plain names, the name is no built-in function, and
/// `fn` before it makes a definition the grammar reads.
pub(super) fn function_definitions(text: &str, max_depth: usize) -> Vec<FunctionLine> {
    let mut found: Vec<FunctionLine> = Vec::new();
    for line in text.lines() {
        if found.len() == MAX_FUNCTIONS {
            break;
        }
        let Some((signature, body)) = signature_and_body(line) else {
            continue;
        };
        let Some(name) = signature_name(signature) else {
            continue;
        };
        if crate::syntax::Function::from_name(name).is_some()
            || found.iter().any(|f| f.name == name)
        {
            continue;
        }
        let definition = format!("fn {signature} = {body}");
        let mut formula = Formula::new();
        let source = formula.sources.add("", definition.as_str());
        match parser::parse_file(&mut formula, source, max_depth) {
            Ok(statements) if statements.is_empty() && formula.function(name).is_some() => found
                .push(FunctionLine {
                    name: name.to_string(),
                    definition,
                }),
            _ => {}
        }
    }
    found
}

/// A line's `signature` and body, if it has the shape of a function definition.
fn signature_and_body(line: &str) -> Option<(&str, String)> {
    let line = line.trim();
    if let Some(row) = line.strip_prefix('|') {
        let mut cells = table_cells(row);
        let signature = cells.next()?.trim().strip_prefix('`')?.strip_suffix('`')?;
        let body = cells.next()?.trim().strip_prefix('`')?.strip_suffix('`')?;
        return Some((signature.trim(), body.replace("\\|", "|")));
    }
    let close = line.find(')')?;
    let (signature, rest) = line.split_at(close + 1);
    let body = rest.trim_start().strip_prefix('=')?;
    if body.starts_with('=') {
        return None;
    }
    Some((signature, body.trim().to_string()))
}

/// A markdown row's cells (after its first `|`), split at the `|`s not escaped as `\|`.
fn table_cells(row: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut escaped = false;
    let mut cells = Vec::new();
    for (at, c) in row.char_indices() {
        match c {
            '|' if !escaped => {
                cells.push(&row[start..at]);
                start = at + 1;
            }
            _ => {}
        }
        escaped = c == '\\';
    }
    cells.into_iter()
}

/// The name of a signature `name(a, b, c)` whose parameters are plain names.
fn signature_name(signature: &str) -> Option<&str> {
    let (name, rest) = signature.split_once('(')?;
    let parameters = rest.strip_suffix(')')?;
    let identifier = |word: &str| {
        word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let plain = identifier(name) && parameters.split(',').all(|p| identifier(p.trim()));
    plain.then_some(name)
}

/// The text the grammar reads for a document: its formulas in place, everything else blank, and a
/// `;` after a formula that shares its line with the next.
pub(super) fn combine(text: &str, fragments: &[Fragment]) -> String {
    let source = text.as_bytes();
    let mut bytes: Vec<u8> = source
        .iter()
        .map(|b| if *b == b'\n' { b'\n' } else { b' ' })
        .collect();
    for fragment in fragments {
        let range = fragment.range.start.min(bytes.len())..fragment.range.end.min(bytes.len());
        bytes[range.clone()].copy_from_slice(&source[range.clone()]);
        if let Some(after) = bytes.get_mut(range.end) {
            if *after != b'\n' {
                *after = b';';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let text_ref = text;
        fragments(text, &[], &[], &HashSet::new(), 1000)
            .into_iter()
            .map(|f| &text_ref[f.range])
            .collect()
    }

    #[test]
    fn prose_around_formulas_is_left_out() {
        assert_eq!(
            found("The total is (30522+512+2)*768 = 23835648 parameters."),
            vec!["(30522+512+2)*768 = 23835648"]
        );
        assert_eq!(
            found("参数量为(30522+512+2)*768=23835648个"),
            vec!["(30522+512+2)*768=23835648"]
        );
        assert_eq!(found("where H = 768 and L = 12"), vec!["H = 768", "L = 12"]);
        assert_eq!(found("- total = 3*4 = 12"), vec!["total = 3*4 = 12"]);
    }

    #[test]
    fn numbers_in_prose_are_not_formulas() {
        assert!(found("In 2018 Google released BERT; version 1.0 had 12 layers.").is_empty());
        assert!(found("1. The model, 2. the data").is_empty());
        assert!(found("a == b").is_empty());
    }

    #[test]
    fn continuation_lines_join() {
        let text = "total = a + 2\n      = 5\n";
        let joined = join_continuations(text);
        assert_eq!(joined.len(), text.len());
        assert_eq!(found(&joined), vec!["total = a + 2       = 5"]);
    }
}
