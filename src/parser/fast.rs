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
//! `+ - * / % ^ ** == != < <= > >= |` (and the division slash `∕`, which typeset pages use for `/`),
//! `and`, `or`, `not`, brackets `( )` and `[ ]`, juxtaposition, `name = expr` (with `let`), `=`
//! claims, `;` and line breaks between statements, a line that begins with an operator continuing
//! the line before, spaces, tabs and `#` comments.
//!
//! Beyond the core, for the tree only (the folder refuses them): the ASCII rest of the language,
//! which every built-in family and library module is written in, so that counting a model does not
//! spend its time in pest (a few thousand instructions a byte there): explanations and strings in
//! `"` quotes, `if`/`then`/`else`, calls of built-in and user functions, `sum(i in a..b, body)`,
//! lists `[a, b]`, indexes `xs[i]`, `override`, `fn` definitions, `use` and `@` metadata. These
//! nest by recursion, at most `NESTED` deep; deeper text is pest's, which sizes its stack.
//!
//! Anything else (Unicode operators, names or quotes, a construct in a form this reader does not
//! know) — and any input with an error — makes it give up before the caller sees anything, and the
//! whole input goes to pest, which defines the language and words the error messages.

use super::{
    could_be_too_deep, nesting_depth, push_chain, push_definition, Build, DefinitionParts, Infix,
    Yard,
};
use crate::error::Error;
use crate::syntax::{
    BinaryOp, Formula, Function, FunctionDef, Metadata, SourceId, Span, StatementId, UnaryOp, Use,
    UseTarget,
};

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
    atomically(formula, |formula| {
        let ids = reader.file(formula)?;
        reader.within_depth()?;
        Ok(ids)
    })
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
        if reader.pos != reader.bytes.len() {
            return Err(GiveUp);
        }
        reader.within_depth()?;
        Ok(id)
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
/// How deeply calls, `if`s and lists may nest on this reader's recursion; deeper is pest's.
const NESTED: usize = 48;

/// The start of a definition: `let` or `override` if written, and the name with its span.
type DefinitionHead = (Option<&'static str>, (String, Span));

/// A word in operand position, read.
enum Word<O> {
    Operand(O),
    /// An `if`: its `else` branch took every operator that could follow, so its sequence ends.
    Last(O),
    /// The prefix `not`, consumed.
    Not,
}

/// Whether `word` is a keyword of the language (not a name).
pub(super) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

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
    /// The names of user functions: `f(x)` calls one of them, and multiplies for any other name.
    functions: std::collections::HashSet<String>,
    /// How deeply calls, `if`s and lists are nested where the reader is.
    nested: usize,
    /// Whether anything beyond the core was read; pest's depth limit then counts what the core's
    /// bracket stack does not (calls, lists, `if`s).
    beyond_core: bool,
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
            nested: 0,
            beyond_core: false,
        }
    }

    /// Gives up where pest's depth pre-scan would refuse the text, so that its error is reported.
    fn within_depth(&self) -> Fast<()> {
        if self.beyond_core && could_be_too_deep(self.text, self.max_depth) {
            nesting_depth(self.text, self.source, self.max_depth)?;
        }
        Ok(())
    }

    /// Consumes `byte` after the blank before it, or gives up.
    fn expect(&mut self, byte: u8) -> Fast<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// The spaces and tabs from `at` on (pest's `WHITESPACE*` inside an atomic rule).
    fn spaces_end(&self, mut at: usize) -> usize {
        while matches!(self.peek_at(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    }

    /// A word that is not a keyword (an `identifier`), consumed with its span.
    fn identifier(&mut self) -> Fast<(&'t str, Span)> {
        match self.word_at(self.pos)? {
            Some(word) if !KEYWORDS.contains(&word) => {
                let start = self.pos;
                self.pos += word.len();
                Ok((word, self.span(start, self.pos)))
            }
            _ => Err(GiveUp),
        }
    }

    /// Text in `"` quotes at the current position, consumed: its text with `\` escapes undone.
    fn quoted(&mut self) -> Fast<String> {
        self.expect(b'"')?;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.peek() {
                Some(b'"') => break,
                None | Some(b'\n' | b'\r') => return Err(GiveUp),
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.pos]);
                    let escaped = self.text[self.pos + 1..].chars().next().ok_or(GiveUp)?;
                    if matches!(escaped, '\n' | '\r') {
                        return Err(GiveUp);
                    }
                    out.push(escaped);
                    self.pos += 1 + escaped.len_utf8();
                    run = self.pos;
                }
                // Bytes of a multi-byte character never look like a quote or a backslash.
                Some(_) => self.pos += 1,
            }
        }
        out.push_str(&self.text[run..self.pos]);
        self.pos += 1;
        Ok(out)
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
            match self.peek() {
                Some(b'@') => self.metadata(formula)?,
                _ => match self.word_at(self.pos)? {
                    Some("fn") => self.function_def(formula)?,
                    Some("use") => self.use_statement(formula)?,
                    _ => ids.push(self.statement(formula, true)?),
                },
            }
            // The blank after a statement whose span ends before it (`use`, some metadata).
            self.skip_blank();
            if !matches!(self.peek(), None | Some(b'\n' | b'\r' | b';')) {
                return Err(GiveUp);
            }
        }
    }

    /// An explanation in `"` quotes, if one follows (after the blank, already skipped).
    fn explanation(&mut self) -> Fast<Option<String>> {
        if self.peek() == Some(b'"') {
            self.beyond_core = true;
            self.quoted().map(Some)
        } else {
            Ok(None)
        }
    }

    /// `fn name(a, b) = body "explanation"`; errors (a parameter named twice, a function defined
    /// twice or named like a built-in) are pest's to word.
    fn function_def(&mut self, formula: &mut Formula) -> Fast<()> {
        self.beyond_core = true;
        let start = self.pos;
        self.pos += 2;
        self.skip_blank();
        let (name, name_span) = self.identifier()?;
        self.skip_blank();
        self.expect(b'(')?;
        let mut params: Vec<String> = Vec::new();
        loop {
            self.skip_blank();
            let (param, _) = self.identifier()?;
            if params.iter().any(|p| p == param) {
                return Err(GiveUp);
            }
            params.push(param.to_string());
            self.skip_blank();
            if self.peek() != Some(b',') {
                break;
            }
            self.pos += 1;
        }
        self.expect(b')')?;
        self.skip_blank();
        self.equals()?;
        self.skip_blank_lines();
        let body = self.expr(formula)?;
        self.skip_blank();
        let explanation = self.explanation()?;
        if Function::from_name(name).is_some() || formula.function(name).is_some() {
            return Err(GiveUp);
        }
        formula.function_names.insert(name.to_string());
        self.functions.insert(name.to_string());
        formula.functions.push(FunctionDef {
            name: name.to_string(),
            name_span,
            params,
            body,
            explanation,
            span: self.span(start, self.pos),
        });
        Ok(())
    }

    /// `=` (not `==`), consumed.
    fn equals(&mut self) -> Fast<()> {
        if self.peek() == Some(b'=') && self.peek_at(self.pos + 1) != Some(b'=') {
            self.pos += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// `use name` (a module of the library or a family: `gpt-neox`) or `use "path"`.
    fn use_statement(&mut self, formula: &mut Formula) -> Fast<()> {
        self.beyond_core = true;
        let start = self.pos;
        self.pos += 3;
        self.skip_blank();
        let target = if self.peek() == Some(b'"') {
            UseTarget::Path(self.quoted()?)
        } else {
            let name_start = self.pos;
            self.identifier()?;
            // `("-" ~ identifier_continue+)*`
            while self.peek() == Some(b'-')
                && self.peek_at(self.pos + 1).is_some_and(is_word_continue)
            {
                self.pos = self.word_end(self.pos + 1)?;
            }
            UseTarget::Name(self.text[name_start..self.pos].to_string())
        };
        let span = self.span(start, self.pos);
        formula.uses.push(Use { target, span });
        Ok(())
    }

    /// `@key values`. Its span starts at the key (pest's `metadata` rule is silent), and ends after
    /// the blank that follows the first value when no comma follows it (pest's sequence skips the
    /// blank before trying the repetition; a repetition that fails gives its blank back).
    fn metadata(&mut self, formula: &mut Formula) -> Fast<()> {
        self.beyond_core = true;
        self.pos += 1;
        self.skip_blank();
        let start = self.pos;
        let key = self.word_at(start)?.ok_or(GiveUp)?;
        self.pos += key.len();
        self.skip_blank();
        let mut values = Vec::new();
        match key {
            "summary" => values.push(self.quoted()?),
            "default" => values.push(self.identifier()?.0.to_string()),
            "model_types" => {
                values.push(self.quoted()?);
                self.more_values(&mut values, |reader| reader.quoted())?;
            }
            "variants" => {
                values.push(self.identifier()?.0.to_string());
                self.more_values(&mut values, |reader| Ok(reader.identifier()?.0.to_string()))?;
            }
            "tensors" => {
                // The parts' expression is kept as text; its nodes are read and dropped.
                let mark = formula.mark();
                let expr_start = self.pos;
                self.expr(formula)?;
                self.skip_blank();
                values.push(self.text[expr_start..self.pos].trim().to_string());
                formula.rollback(mark);
                self.equals()?;
                self.skip_blank();
                values.push(self.quoted()?);
                self.more_values(&mut values, |reader| reader.quoted())?;
            }
            _ => return Err(GiveUp),
        }
        formula.metadata.push(Metadata {
            key: key.to_string(),
            values,
            span: self.span(start, self.pos),
        });
        Ok(())
    }

    /// `(comma ~ value)*` after a first value: the blank right after the first value belongs to
    /// the statement; the blank after a later one does not.
    fn more_values(
        &mut self,
        values: &mut Vec<String>,
        mut value: impl FnMut(&mut Self) -> Fast<String>,
    ) -> Fast<()> {
        self.skip_blank();
        let mut first = true;
        loop {
            let before = self.pos;
            if !first {
                self.skip_blank();
            }
            if self.peek() != Some(b',') {
                self.pos = before;
                return Ok(());
            }
            self.pos += 1;
            self.skip_blank();
            values.push(value(self)?);
            first = false;
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
        let explanation = self.explanation()?;
        let span = self.span(start, self.pos);
        let built = match head {
            Some((keyword, name)) => push_definition(
                formula,
                DefinitionParts {
                    span,
                    declared_size: keyword == Some("let"),
                    name: Some(name),
                    exprs,
                    explanation,
                    overrides: keyword == Some("override"),
                },
            ),
            None => push_chain(formula, span, &exprs),
        };
        built.map_err(|_| GiveUp)
    }

    /// `(let | override)? name =` at the start of a statement: consumed, with the keyword that
    /// was there. Otherwise nothing is consumed and the statement is a chain.
    fn definition_head(&mut self) -> Fast<Option<DefinitionHead>> {
        let start = self.pos;
        let mut name_start = start;
        let keyword = match self.word_at(start)? {
            Some("let") => Some("let"),
            Some("override") => Some("override"),
            _ => None,
        };
        if let Some(keyword) = keyword {
            self.pos += keyword.len();
            self.skip_blank();
            name_start = self.pos;
        }
        let name = match self.word_at(name_start)? {
            Some(word) if !KEYWORDS.contains(&word) => word,
            _ if keyword.is_some() => return Err(GiveUp),
            _ => return Ok(None),
        };
        self.pos = name_start + name.len();
        let name_span = self.span(name_start, self.pos);
        self.skip_blank();
        if self.peek() == Some(b'=') && self.peek_at(self.pos + 1) != Some(b'=') {
            self.pos += 1;
            Ok(Some((keyword, (name.to_string(), name_span))))
        } else if keyword.is_some() {
            Err(GiveUp)
        } else {
            self.pos = start;
            Ok(None)
        }
    }
}

impl<'t, B: Build> Reader<'t, B> {
    /// One expression, brackets and all, with an explicit stack of open brackets.
    fn expr(&mut self, builder: &mut B) -> Fast<B::Operand> {
        // Taken out of the reader for the borrow checker, and put back below; an expression that
        // gave up part-way leaves nothing behind, since it starts from a cleared yard.
        let mut yard = std::mem::replace(&mut self.yard, Yard::new(self.source));
        yard.clear();
        self.open.clear();
        self.nested = 0;
        let result = self.sequence(builder, &mut yard, 0);
        self.yard = yard;
        result
    }

    /// An expression inside a call, an `if`, a list or an index: a sequence of its own on the
    /// same yard, read by recursion (at most `NESTED` deep).
    fn nested(&mut self, builder: &mut B, yard: &mut Yard<B>) -> Fast<B::Operand> {
        if self.nested >= NESTED {
            return Err(GiveUp);
        }
        self.beyond_core = true;
        self.nested += 1;
        yard.open();
        let base = self.open.len();
        let result = self.sequence(builder, yard, base);
        self.nested -= 1;
        result
    }

    /// Reads a sequence up to where it ends; the brackets it opens are pushed on `self.open` above
    /// `base`, where the enclosing sequences' brackets stay.
    fn sequence(&mut self, builder: &mut B, yard: &mut Yard<B>, base: usize) -> Fast<B::Operand> {
        // Set after an `if`, which ends its sequence.
        let mut last = false;
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
                Some(b'"') => {
                    self.beyond_core = true;
                    let text = self.quoted()?;
                    builder
                        .string(&text, self.span(start, self.pos))
                        .map_err(|_| GiveUp)?
                }
                Some(b'[') => self.list(builder, yard)?,
                Some(b) if is_word_start(b) => match self.word(builder, yard)? {
                    Word::Operand(operand) => operand,
                    Word::Last(operand) => {
                        last = true;
                        operand
                    }
                    Word::Not => {
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
                if !std::mem::take(&mut last) {
                    if let Some(op) = self.infix()? {
                        yard.infix(builder, op).map_err(|_| GiveUp)?;
                        break;
                    }
                }
                let root = yard.finish(builder).map_err(|_| GiveUp)?;
                if self.open.len() == base {
                    return Ok(root);
                }
                let Some(opened_at) = self.open.pop() else {
                    return Err(GiveUp);
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
        loop {
            match (self.peek(), self.peek_at(self.pos + 1)) {
                (Some(b'0'..=b'9'), _) => self.pos += 1,
                (Some(b'_'), Some(b'0'..=b'9')) => self.pos += 2,
                _ => return,
            }
        }
    }

    /// A word in operand position: a name (`hidden_size`, `text_config.hidden_size`), a boolean,
    /// an `if`, a call, a sum over a range or an index; or the prefix `not` (consumed).
    fn word(&mut self, builder: &mut B, yard: &mut Yard<B>) -> Fast<Word<B::Operand>> {
        let start = self.pos;
        let mut end = self.word_end(start)?;
        let first = &self.text[start..end];
        if first == "if" {
            return self.if_then_else(builder, yard).map(Word::Last);
        }
        // A call: a function's name, then its bracket (spaces between are allowed).
        // A name that is no function, before one bracketed argument, multiplies it (read below
        // as a name, juxtaposed); before two or more it is a call of a function the program lacks.
        let open = self.spaces_end(end);
        if self.peek_at(open) == Some(b'(')
            && !KEYWORDS.contains(&first)
            && (Function::from_name(first).is_some()
                || self.functions.contains(first)
                || self.has_top_level_comma(open))
        {
            return self
                .call(builder, yard, (first, self.span(start, end)), open)
                .map(Word::Operand);
        }
        while self.peek_at(end) == Some(b'.') {
            // `a..b` in a sum's range: the name ends before the two points.
            let Some(segment) = self.word_at(end + 1)? else {
                break;
            };
            if KEYWORDS.contains(&first) || KEYWORDS.contains(&segment) {
                return Err(GiveUp);
            }
            end += 1 + segment.len();
        }
        self.pos = end;
        let span = self.span(start, end);
        let word = &self.text[start..end];
        let operand = match word {
            "true" => builder.boolean(true, span),
            "false" => builder.boolean(false, span),
            "not" => return Ok(Word::Not),
            // A function's name without its bracket is a name (`fn router(h, experts, bias)` has a
            // parameter named like the function `experts`).
            _ if KEYWORDS.contains(&word) => return Err(GiveUp),
            // `xs[i]`: the bracket right after the name reads an element.
            _ if self.peek() == Some(b'[') => {
                let list = builder.name(word, span).map_err(|_| GiveUp)?;
                return self.index(builder, yard, list, start).map(Word::Operand);
            }
            _ => builder.name(word, span),
        };
        operand.map(Word::Operand).map_err(|_| GiveUp)
    }

    /// Whether the bracket opened at `open` holds a comma of its own (outside inner brackets,
    /// strings and comments): a call with more than one argument.
    fn has_top_level_comma(&self, open: usize) -> bool {
        let mut depth = 0usize;
        let mut at = open;
        while let Some(b) = self.peek_at(at) {
            match b {
                b'(' | b'[' => depth += 1,
                b')' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return false;
                    }
                }
                b',' if depth == 1 => return true,
                b'"' => {
                    at += 1;
                    while let Some(b) = self.peek_at(at) {
                        match b {
                            b'"' | b'\n' => break,
                            b'\\' => at += 1,
                            _ => {}
                        }
                        at += 1;
                    }
                }
                b'#' => {
                    while !matches!(self.peek_at(at), None | Some(b'\n')) {
                        at += 1;
                    }
                    continue;
                }
                _ => {}
            }
            at += 1;
        }
        false
    }

    /// `if c then a else b`, at the `if`. Its span ends after the blank that ends the `else`
    /// branch, as pest's does (an expression's span takes the blank after its last operand).
    fn if_then_else(&mut self, builder: &mut B, yard: &mut Yard<B>) -> Fast<B::Operand> {
        let start = self.pos;
        self.pos += 2;
        let mut parts = Vec::with_capacity(3);
        for keyword in ["then", "else", ""] {
            self.skip_blank_lines();
            parts.push(self.nested(builder, yard)?);
            if keyword.is_empty() {
                break;
            }
            self.skip_blank_lines();
            if self.word_at(self.pos)? != Some(keyword) {
                return Err(GiveUp);
            }
            self.pos += keyword.len();
        }
        self.skip_blank();
        let [condition, then, otherwise] =
            <[B::Operand; 3]>::try_from(parts).map_err(|_| GiveUp)?;
        builder
            .if_then_else([condition, then, otherwise], self.span(start, self.pos))
            .map_err(|_| GiveUp)
    }

    /// `function(a, b)` (or `sum(i in lo..hi, body)`), with `open` at the bracket.
    fn call(
        &mut self,
        builder: &mut B,
        yard: &mut Yard<B>,
        (name, name_span): (&str, Span),
        open: usize,
    ) -> Fast<B::Operand> {
        let start = name_span.start as usize;
        self.pos = open + 1;
        if name == "sum" {
            if let Some(var) = self.sum_variable()? {
                return self.sum_range(builder, yard, var, start);
            }
        }
        let mut args = Vec::new();
        loop {
            self.skip_blank_lines();
            args.push(self.nested(builder, yard)?);
            self.skip_blank_lines();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')' | b']') => break,
                _ => return Err(GiveUp),
            }
        }
        self.pos += 1;
        builder
            .call((name, name_span), &args, self.span(start, self.pos))
            .map_err(|_| GiveUp)
    }

    /// After `sum(`: the variable of `i in`, consumed with the `in`; `None` (nothing consumed)
    /// when the call is a sum of a list.
    fn sum_variable(&mut self) -> Fast<Option<(&'t str, Span)>> {
        let before = self.pos;
        self.skip_blank_lines();
        if let Some(var) = self.word_at(self.pos)?.filter(|w| !KEYWORDS.contains(w)) {
            let var_start = self.pos;
            self.pos += var.len();
            let var_span = self.span(var_start, self.pos);
            self.skip_blank();
            if self.word_at(self.pos)? == Some("in") {
                self.pos += 2;
                return Ok(Some((var, var_span)));
            }
        }
        self.pos = before;
        Ok(None)
    }

    /// `lo..hi, body)` of a sum over a range, after its `in`.
    fn sum_range(
        &mut self,
        builder: &mut B,
        yard: &mut Yard<B>,
        var: (&str, Span),
        start: usize,
    ) -> Fast<B::Operand> {
        self.skip_blank();
        let lo = self.nested(builder, yard)?;
        self.skip_blank();
        if self.bytes.get(self.pos..self.pos + 2) != Some(b"..") {
            return Err(GiveUp);
        }
        self.pos += 2;
        self.skip_blank();
        let hi = self.nested(builder, yard)?;
        self.skip_blank_lines();
        self.expect(b',')?;
        self.skip_blank_lines();
        let body = self.nested(builder, yard)?;
        self.skip_blank_lines();
        if !matches!(self.peek(), Some(b')' | b']')) {
            return Err(GiveUp);
        }
        self.pos += 1;
        builder
            .sum_range(var, [lo, hi, body], self.span(start, self.pos))
            .map_err(|_| GiveUp)
    }

    /// `[a, b, c]`, `[a,]`, `[]`, or `[a]` (a bracket around one item), at the `[`.
    fn list(&mut self, builder: &mut B, yard: &mut Yard<B>) -> Fast<B::Operand> {
        let start = self.pos;
        self.pos += 1;
        self.skip_blank_lines();
        let mut items = Vec::new();
        let mut trailing_comma = false;
        if self.peek() != Some(b']') {
            loop {
                items.push(self.nested(builder, yard)?);
                self.skip_blank_lines();
                if self.peek() != Some(b',') {
                    break;
                }
                self.pos += 1;
                self.skip_blank_lines();
                if self.peek() == Some(b']') {
                    trailing_comma = true;
                    break;
                }
            }
        }
        self.expect(b']')?;
        builder
            .list(&items, trailing_comma, self.span(start, self.pos))
            .map_err(|_| GiveUp)
    }

    /// `[index]` right after a list's name (read, `list`), at the `[`. Line breaks inside are
    /// left to pest.
    fn index(
        &mut self,
        builder: &mut B,
        yard: &mut Yard<B>,
        list: B::Operand,
        start: usize,
    ) -> Fast<B::Operand> {
        self.pos += 1;
        self.skip_blank();
        let index = self.nested(builder, yard)?;
        self.skip_blank();
        self.expect(b']')?;
        builder
            .index(list, index, self.span(start, self.pos))
            .map_err(|_| GiveUp)
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
            Some(b'%') => (Rem, 1),
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
