//! A hand-written reader for the plain-ASCII core of the formula language.
//!
//! Why it exists: pest's generated parser costs a few hundred nanoseconds per token (call-limit
//! tracking, string matching, snapshots for backtracking), which dominated the profile of a
//! million-term sum and of a 100,000-line formula file. Inputs that large are written by programs
//! and use only a small core of the language, which this module reads in one pass, without
//! recursion (a million nested brackets need no stack). It hands the sequence it reads to the same
//! shunting-yard as the pest route (`Yard`) and builds statements with the same functions, so both
//! routes build the same tree: the same nodes, in the same order, with the same spans. The tests
//! (`src/parser/fast/tests.rs`) compare the two trees on generated formulas.
//!
//! The core: ASCII digits and names (dotted too), numbers (`.5` too), `true`/`false`,
//! `+ - * / ^ ** == != < <= > >= |` (and the division slash `∕`, which typeset pages use for `/`),
//! `and`, `or`, `not`, brackets `( )` and `[ ]`, juxtaposition, `name = expr` (with `let`), `=`
//! claims, `;` and line breaks between statements, a line that begins with an operator continuing
//! the line before, spaces, tabs and `#` comments. Anything else (explanations, strings, `if`,
//! function calls, Unicode operators or names) — and any input with an error — makes it give up
//! before the caller sees anything, and the whole input goes to pest, which defines the language
//! and words the error messages.

use super::{push_chain, push_definition, Build, DefinitionParts, Infix, Yard};
use crate::error::Error;
use crate::syntax::{BinaryOp, Formula, SourceId, Span, StatementId, UnaryOp};

/// The input is outside the core, or wrong: pest decides what it is.
pub(super) struct GiveUp;

/// Any error on this route means "leave it to the route that words errors".
impl From<Error> for GiveUp {
    fn from(_: Error) -> GiveUp {
        GiveUp
    }
}

type Fast<T> = Result<T, GiveUp>;

/// Reads a formula file, or returns `None` (leaving `formula` as it was) for pest to read.
pub(super) fn parse_file(
    formula: &mut Formula,
    source: SourceId,
    text: &str,
    max_depth: usize,
) -> Option<Vec<StatementId>> {
    let mut reader = Reader::new(source, text, max_depth);
    reader.functions = formula.function_names.clone();
    atomically(formula, |formula| reader.file(formula))
}

/// Reads an `-e` expression (a chain of `=` claims, no definitions), or returns `None`.
pub(super) fn parse_inline(
    formula: &mut Formula,
    source: SourceId,
    text: &str,
    max_depth: usize,
) -> Option<StatementId> {
    let mut reader = Reader::new(source, text, max_depth);
    reader.functions = formula.function_names.clone();
    atomically(formula, |formula| {
        reader.skip_blank_lines();
        let id = reader.statement(formula, false)?;
        reader.skip_blank_lines();
        if reader.pos == reader.bytes.len() {
            Ok(id)
        } else {
            Err(GiveUp)
        }
    })
}

/// Reads the whole of `text` as one expression (blank lines around it allowed) and hands what it
/// reads to `builder`: the folder's way in. `None` when the text is anything else.
pub(super) fn read_expression<B: Build>(
    builder: &mut B,
    source: SourceId,
    text: &str,
    max_depth: usize,
) -> Option<B::Operand> {
    let mut reader = Reader::new(source, text, max_depth);
    reader.skip_blank_lines();
    let value = reader.expr(builder).ok()?;
    reader.skip_blank_lines();
    (reader.pos == reader.bytes.len()).then_some(value)
}

/// Runs `read`; when it gives up, removes whatever it added to the arena.
fn atomically<T>(formula: &mut Formula, read: impl FnOnce(&mut Formula) -> Fast<T>) -> Option<T> {
    let mark = formula.mark();
    match read(formula) {
        Ok(result) => Some(result),
        Err(GiveUp) => {
            formula.rollback(mark);
            None
        }
    }
}

/// Words that are not names (`keyword` in the grammar).
const KEYWORDS: [&str; 13] = [
    "if", "then", "else", "let", "and", "or", "not", "true", "false", "fn", "use", "override", "in",
];
/// Words that start a call when a bracket follows; left to pest.
const FUNCTIONS: [&str; 9] = [
    "min", "max", "floor", "ceil", "len", "count", "contains", "sum", "model",
];

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_word_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Reads text for the builder `B`: the tree (`Formula`), or the folder.
struct Reader<'t, B: Build> {
    source: SourceId,
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    max_depth: usize,
    /// Where each open bracket opened, innermost last (the yard holds their sequences).
    open: Vec<usize>,
    /// The yard, kept between expressions so that each does not allocate its own.
    yard: Yard<B>,
    /// User functions: a call of one is pest's to read.
    functions: std::collections::HashSet<String>,
}

impl<'t, B: Build> Reader<'t, B> {
    fn new(source: SourceId, text: &'t str, max_depth: usize) -> Reader<'t, B> {
        Reader {
            source,
            text,
            bytes: text.as_bytes(),
            pos: 0,
            max_depth,
            open: Vec::new(),
            yard: Yard::new(source),
            functions: Default::default(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.source, start, end)
    }

    /// Spaces, tabs and comments: what pest skips between tokens (`WHITESPACE`, `COMMENT`).
    fn skip_blank(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.pos += 1,
                b'#' => {
                    // A comment runs to the line break; its text may be anything.
                    let rest = &self.bytes[self.pos..];
                    self.pos += rest
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(rest.len());
                }
                _ => break,
            }
        }
    }

    /// Blanks and line breaks (`NEWLINE*` with the skips between).
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_blank();
            match self.peek() {
                Some(b'\n' | b'\r') => self.pos += 1,
                _ => break,
            }
        }
    }

    /// The end of the run of word characters at `at`. A non-ASCII character right after it might
    /// continue the word (Unicode names), so that is pest's to decide.
    fn word_end(&self, at: usize) -> Fast<usize> {
        let end = at
            + self.bytes[at..]
                .iter()
                .position(|&b| !is_word_continue(b))
                .unwrap_or(self.bytes.len() - at);
        match self.peek_at(end) {
            Some(b) if !b.is_ascii() && !self.division_slash_at(end) => Err(GiveUp),
            _ => Ok(end),
        }
    }

    /// Whether `∕` (U+2215 DIVISION SLASH, which is no part of a name) starts at `at`.
    fn division_slash_at(&self, at: usize) -> bool {
        self.bytes.get(at..at + 3) == Some("∕".as_bytes())
    }

    /// The whole word at `at`, if one starts there.
    fn word_at(&self, at: usize) -> Fast<Option<&'t str>> {
        match self.peek_at(at) {
            Some(b) if is_word_start(b) => Ok(Some(&self.text[at..self.word_end(at)?])),
            _ => Ok(None),
        }
    }
}

/// Statements exist only in the tree.
impl Reader<'_, Formula> {
    fn file(&mut self, formula: &mut Formula) -> Fast<Vec<StatementId>> {
        let mut ids = Vec::new();
        loop {
            loop {
                self.skip_blank();
                match self.peek() {
                    Some(b'\n' | b'\r' | b';') => self.pos += 1,
                    _ => break,
                }
            }
            if self.pos == self.bytes.len() {
                return Ok(ids);
            }
            ids.push(self.statement(formula, true)?);
            if !matches!(self.peek(), None | Some(b'\n' | b'\r' | b';')) {
                return Err(GiveUp);
            }
        }
    }

    /// A definition (when `definitions` allows one) or a chain of claims; ends after the blank
    /// that follows it, which pest counts in the statement's span.
    fn statement(&mut self, formula: &mut Formula, definitions: bool) -> Fast<StatementId> {
        let start = self.pos;
        let head = if definitions {
            self.definition_head()?
        } else {
            None
        };
        let mut exprs = vec![self.expr(formula)?];
        loop {
            self.skip_blank();
            if self.peek() == Some(b'=') && self.peek_at(self.pos + 1) != Some(b'=') {
                self.pos += 1;
                exprs.push(self.expr(formula)?);
            } else {
                break;
            }
        }
        if self.peek() == Some(b'"') {
            return Err(GiveUp); // an explanation
        }
        let span = self.span(start, self.pos);
        let built = match head {
            Some((declared_size, name)) => push_definition(
                formula,
                DefinitionParts {
                    span,
                    declared_size,
                    name: Some(name),
                    exprs,
                    explanation: None,
                    overrides: false,
                },
            ),
            None => push_chain(formula, span, &exprs),
        };
        built.map_err(|_| GiveUp)
    }

    /// `let? name =` at the start of a statement: consumed, with whether `let` was there.
    /// Otherwise nothing is consumed and the statement is a chain.
    fn definition_head(&mut self) -> Fast<Option<(bool, (String, Span))>> {
        let start = self.pos;
        let mut name_start = start;
        let declared_size = self.word_at(start)? == Some("let");
        if declared_size {
            self.pos += 3;
            self.skip_blank();
            name_start = self.pos;
        }
        let name = match self.word_at(name_start)? {
            Some(word) if !KEYWORDS.contains(&word) => word,
            _ if declared_size => return Err(GiveUp),
            _ => return Ok(None),
        };
        self.pos = name_start + name.len();
        let name_span = self.span(name_start, self.pos);
        self.skip_blank();
        if self.peek() == Some(b'=') && self.peek_at(self.pos + 1) != Some(b'=') {
            self.pos += 1;
            Ok(Some((declared_size, (name.to_string(), name_span))))
        } else if declared_size {
            Err(GiveUp)
        } else {
            self.pos = start;
            Ok(None)
        }
    }
}

impl<B: Build> Reader<'_, B> {
    /// One expression, brackets and all, with an explicit stack of open brackets.
    fn expr(&mut self, builder: &mut B) -> Fast<B::Operand> {
        // Taken out of the reader for the borrow checker, and put back below; an expression that
        // gave up part-way leaves nothing behind, since it starts from a cleared yard.
        let mut yard = std::mem::replace(&mut self.yard, Yard::new(self.source));
        yard.clear();
        self.open.clear();
        let result = self.sequence(builder, &mut yard);
        self.yard = yard;
        result
    }

    fn sequence(&mut self, builder: &mut B, yard: &mut Yard<B>) -> Fast<B::Operand> {
        loop {
            // Where an operand is expected: prefix operators, an opening bracket, or an operand.
            self.skip_blank();
            let start = self.pos;
            let operand = match self.peek() {
                Some(b'-') => {
                    self.pos += 1;
                    yard.prefix(UnaryOp::Neg, self.span(start, self.pos));
                    continue;
                }
                Some(b'+') => {
                    self.pos += 1;
                    yard.prefix(UnaryOp::Plus, self.span(start, self.pos));
                    continue;
                }
                Some(b'(') => {
                    if self.open.len() >= self.max_depth {
                        return Err(GiveUp); // pest's pre-scan words the error
                    }
                    self.pos += 1;
                    yard.open();
                    self.open.push(start);
                    self.skip_blank_lines();
                    continue;
                }
                Some(b'0'..=b'9') => self.number(builder)?,
                // `.5`: a point with digits after it starts a number too.
                Some(b'.')
                    if self
                        .peek_at(self.pos + 1)
                        .is_some_and(|b| b.is_ascii_digit()) =>
                {
                    self.number(builder)?
                }
                Some(b) if is_word_start(b) => match self.word(builder)? {
                    Some(operand) => operand,
                    None => {
                        yard.prefix(UnaryOp::Not, self.span(start, self.pos));
                        continue;
                    }
                },
                _ => return Err(GiveUp),
            };
            yard.operand(builder, operand).map_err(|_| GiveUp)?;
            // Where an operator is expected: one continues the sequence; otherwise the sequence
            // ends, and with it the expression or the innermost bracket.
            loop {
                if let Some(op) = self.infix()? {
                    yard.infix(builder, op).map_err(|_| GiveUp)?;
                    break;
                }
                let root = yard.finish(builder).map_err(|_| GiveUp)?;
                let Some(opened_at) = self.open.pop() else {
                    return Ok(root);
                };
                self.skip_blank_lines();
                if !matches!(self.peek(), Some(b')' | b']')) {
                    return Err(GiveUp);
                }
                self.pos += 1;
                let group = builder
                    .group(root, self.span(opened_at, self.pos))
                    .map_err(|_| GiveUp)?;
                yard.operand(builder, group).map_err(|_| GiveUp)?;
            }
        }
    }

    /// A number literal (`30522`, `30_522`, `0.1`, `.5`, `1.5e-3`), at a digit or at a point
    /// before one.
    fn number(&mut self, builder: &mut B) -> Fast<B::Operand> {
        let start = self.pos;
        if self.peek() != Some(b'.') {
            self.digits();
        }
        if self.peek() == Some(b'.')
            && self
                .peek_at(self.pos + 1)
                .is_some_and(|b| b.is_ascii_digit())
        {
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let mut at = self.pos + 1;
            if matches!(self.peek_at(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if self.peek_at(at).is_some_and(|b| b.is_ascii_digit()) {
                while self.peek_at(at).is_some_and(|b| b.is_ascii_digit()) {
                    at += 1;
                }
                self.pos = at;
            }
        }
        builder
            .number(&self.text[start..self.pos], self.span(start, self.pos))
            .map_err(|_| GiveUp)
    }

    /// `digit ("_"? digit)*`, at a digit.
    fn digits(&mut self) {
        self.pos += 1;
        loop {
            match (self.peek(), self.peek_at(self.pos + 1)) {
                (Some(b'0'..=b'9'), _) => self.pos += 1,
                (Some(b'_'), Some(b'0'..=b'9')) => self.pos += 2,
                _ => return,
            }
        }
    }

    /// A word in operand position: a name (`hidden_size`, `text_config.hidden_size`) or a boolean
    /// as an operand, or `None` for the prefix `not` (consumed).
    fn word(&mut self, builder: &mut B) -> Fast<Option<B::Operand>> {
        let start = self.pos;
        let mut end = self.word_end(start)?;
        let first = &self.text[start..end];
        while self.peek_at(end) == Some(b'.') {
            let segment = self.word_at(end + 1)?.ok_or(GiveUp)?;
            if KEYWORDS.contains(&first) || KEYWORDS.contains(&segment) {
                return Err(GiveUp);
            }
            end += 1 + segment.len();
        }
        self.pos = end;
        let span = self.span(start, end);
        let operand = match &self.text[start..end] {
            "true" => builder.boolean(true, span),
            "false" => builder.boolean(false, span),
            "not" => return Ok(None),
            word if KEYWORDS.contains(&word)
                || FUNCTIONS.contains(&word)
                || self.functions.contains(word) =>
            {
                return Err(GiveUp)
            }
            word => builder.name(word, span),
        };
        operand.map(Some).map_err(|_| GiveUp)
    }

    /// After an operand: the operator that continues the sequence, consumed with the line breaks
    /// around it, or `None` where the sequence ends (nothing consumed). Mirrors the grammar's
    /// `infix`: a line that begins with a binary operator continues the one before it; a bracket,
    /// a digit or a name on the same line multiplies.
    fn infix(&mut self) -> Fast<Option<Infix>> {
        let operand_end = self.pos;
        self.skip_blank();
        let same_line = self.pos;
        self.skip_blank_lines();
        if let Some(op) = self.binary_op()? {
            self.skip_blank_lines();
            return Ok(Some(op));
        }
        self.pos = same_line;
        let juxtaposed = match self.peek() {
            Some(b'(' | b'0'..=b'9') => true,
            Some(b'[') => return Err(GiveUp),
            Some(b) if is_word_start(b) => self
                .word_at(same_line)?
                .is_some_and(|word| !KEYWORDS.contains(&word)),
            Some(b) if !b.is_ascii() => return Err(GiveUp),
            _ => false,
        };
        if juxtaposed {
            return Ok(Some(Infix::Binary(BinaryOp::ImplicitMul)));
        }
        self.pos = operand_end;
        Ok(None)
    }

    /// A binary operator at the current position, consumed.
    fn binary_op(&mut self) -> Fast<Option<Infix>> {
        use BinaryOp::*;
        let next = self.peek_at(self.pos + 1);
        let (op, length) = match self.peek() {
            Some(b'+') => (Add, 1),
            Some(b'-') => (Sub, 1),
            Some(b'*') if next == Some(b'*') => (Pow, 2),
            Some(b'^') => (Pow, 1),
            Some(b'*') => (Mul, 1),
            Some(b'/') => (Div, 1),
            // `∕` (U+2215 DIVISION SLASH), which pages copied from typeset text use for `/`.
            Some(0xE2) if self.division_slash_at(self.pos) => (Div, 3),
            Some(b'=') if next == Some(b'=') => (Eq, 2),
            Some(b'!') if next == Some(b'=') => (Ne, 2),
            Some(b'<') if next == Some(b'=') => (Le, 2),
            Some(b'<') => (Lt, 1),
            Some(b'>') if next == Some(b'=') => (Ge, 2),
            Some(b'>') => (Gt, 1),
            Some(b'|') => {
                self.pos += 1;
                return Ok(Some(Infix::Alternative));
            }
            Some(b'a' | b'o') => match self.word_at(self.pos)? {
                Some("and") => (And, 3),
                Some("or") => (Or, 2),
                _ => return Ok(None),
            },
            Some(b) if !b.is_ascii() => return Err(GiveUp), // `×`, `−`, `≤`, ...
            _ => return Ok(None),
        };
        self.pos += length;
        Ok(Some(Infix::Binary(op)))
    }
}

#[cfg(test)]
mod tests;
