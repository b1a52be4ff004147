//! The parser: text → syntax tree.
//!
//! pest (`grammar/formula.pest`) splits the text into statements and each expression into a flat
//! sequence of prefix operators, operands and infix operators; this module orders that sequence by
//! the precedence table in `syntax::Precedence` (an iterative shunting-yard, so a `^` chain or a run
//! of unary minuses 200,000 long needs no recursion) and builds the tree.
//!
//! pest itself recurses once per bracket or `if`. Before handing text to pest, a linear scan measures
//! how deep the brackets go: input deeper than the limit is refused with the place it passes it, and
//! deep input that is allowed is parsed on a stack sized for its depth.
//!
//! Large machine-written inputs use only a plain-ASCII core of the language; `fast` reads that core
//! without pest, into the same shunting-yard (`Yard`), so both routes build the same tree. Anything
//! it does not understand goes to pest, which stays the definition of the language.
//!
//! The `Yard` hands each operator it applies to a builder (`Build`): the tree builder pushes a node,
//! and `fold` computes a value instead, so `eval` of plain arithmetic needs no tree at all.

mod fast;
mod fold;

pub use fold::{fold, fold_definitions};

use pest::iterators::Pair;
use pest::Parser as _;

use crate::error::{Error, Result};
use crate::syntax::{
    BinaryOp, Definition, DefinitionKind, ExprId, ExprKind, Formula, Function, FunctionDef,
    Metadata, Node, Precedence, SourceId, Span, StatementId, StatementKind, UnaryOp, Use,
    UseTarget,
};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/formula.pest"]
struct Grammar;

pub use crate::limits::DEFAULT_MAX_DEPTH;

/// Stack that pest and the recursive stages use per level of nesting, with a margin; deep input
/// is parsed on a stack of `depth * STACK_PER_LEVEL`. A nested call costs pest more than a
/// bracket, and a debug build's frames are larger: with 4 KiB a level, a debug build read
/// 10,000 nested `max(1, ...)` as a syntax error (pest's stack guard stops short of the end).
/// The stack is reserved, not touched, so the margin costs address space only.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 16 } else { 4 } * 1024;
/// Below this depth the thread's own stack is plenty.
const SHALLOW: usize = 200;
/// Our own recursion (lowering nested groups) grows its stack in segments of this size.
pub(crate) const STACK_SEGMENT: usize = 4 * 1024 * 1024;
pub(crate) const RED_ZONE: usize = 256 * 1024;

/// Parses a formula file into `formula`, returning the ids of its statements.
pub fn parse_file(
    formula: &mut Formula,
    source: SourceId,
    max_depth: usize,
) -> Result<Vec<StatementId>> {
    let text = formula.sources.get(source).text.clone();
    // `f(x)` is a call when `f` is a function, wherever in the file `fn f` stands.
    formula.function_names.extend(function_names(&text));
    formula.reserve_for(&text);
    match fast::parse_file(formula, source, &text, max_depth) {
        Some(ids) => Ok(ids),
        None => pest_file(formula, source, &text, max_depth),
    }
}

/// The names after `fn` at the start of a line: the functions a text defines.
pub fn function_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("fn")?;
            if !rest.starts_with([' ', '\t']) {
                return None;
            }
            let rest = rest.trim_start();
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| rest[..end].to_string())
        })
        .collect()
}

/// `parse_file` through pest alone.
fn pest_file(
    formula: &mut Formula,
    source: SourceId,
    text: &str,
    max_depth: usize,
) -> Result<Vec<StatementId>> {
    let pair = parse_rule(Rule::file, text, source, max_depth)?;
    let mut lowering = Lowering { formula, source };
    let mut ids = Vec::new();
    for statement in pair.into_inner() {
        match statement.as_rule() {
            Rule::definition => ids.push(
                lowering
                    .definition(statement)
                    .map_err(|e| mixed_number(e, text))?,
            ),
            Rule::chain => ids.push(
                lowering
                    .chain(statement)
                    .map_err(|e| mixed_number(e, text))?,
            ),
            Rule::function_def => lowering
                .function_def(statement)
                .map_err(|e| mixed_number(e, text))?,
            Rule::use_statement => lowering.use_statement(statement),
            Rule::meta_summary
            | Rule::meta_model_types
            | Rule::meta_variants
            | Rule::meta_default
            | Rule::meta_tensors => lowering.metadata(statement),
            _ => {}
        }
    }
    Ok(ids)
}

/// Parses an `-e` expression (optionally `EXPR = CLAIM = ...`) as one statement.
pub fn parse_inline(
    formula: &mut Formula,
    source: SourceId,
    max_depth: usize,
) -> Result<StatementId> {
    let text = formula.sources.get(source).text.clone();
    match fast::parse_inline(formula, source, &text, max_depth) {
        Some(id) => Ok(id),
        None => pest_inline(formula, source, &text, max_depth),
    }
}

/// `parse_inline` through pest alone.
fn pest_inline(
    formula: &mut Formula,
    source: SourceId,
    text: &str,
    max_depth: usize,
) -> Result<StatementId> {
    let pair = parse_rule(Rule::inline, text, source, max_depth)?;
    let mut lowering = Lowering { formula, source };
    let chain = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::chain)
        .ok_or_else(|| syntax_error(source, 0, "expected an expression"))?;
    lowering.chain(chain).map_err(|e| mixed_number(e, text))
}

/// Parses the VALUE of `--set NAME=VALUE` as an override of `name`.
pub fn parse_override(
    formula: &mut Formula,
    source: SourceId,
    name: &str,
    max_depth: usize,
) -> Result<StatementId> {
    let text = formula.sources.get(source).text.clone();
    let pair = parse_rule(Rule::override_value, &text, source, max_depth)?;
    let mut lowering = Lowering { formula, source };
    let expr = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::expr)
        .ok_or_else(|| syntax_error(source, 0, "expected a value"))?;
    let span = lowering.span(&expr);
    let value = lowering.expr(expr).map_err(|e| mixed_number(e, &text))?;
    Ok(lowering.formula.push_statement(
        StatementKind::Override {
            name: name.to_string(),
            value,
        },
        span,
    ))
}

/// `8 1/2` is two numbers side by side, and most likely the mixed number 8½: the error says so
/// when a fraction bar follows the second number.
fn mixed_number(error: Error, text: &str) -> Error {
    let Error::AdjacentNumbers { span, mixed: None } = error else {
        return error;
    };
    let written = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let (Some(whole), Some(numerator)) = (
        written.split_whitespace().next(),
        written.split_whitespace().next_back(),
    ) else {
        return error;
    };
    let after = text.get(span.end as usize..).unwrap_or("").trim_start();
    let Some(rest) = after
        .strip_prefix(['/', '÷', '／', '∕'])
        .map(str::trim_start)
    else {
        return error;
    };
    let denominator_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(rest.len());
    if denominator_end == 0 {
        return error;
    }
    Error::AdjacentNumbers {
        span,
        mixed: Some((
            whole.to_string(),
            format!("{numerator}/{}", &rest[..denominator_end]),
        )),
    }
}

fn syntax_error(source: SourceId, at: usize, message: &str) -> Error {
    Error::Syntax {
        span: Span::new(source, at, at),
        message: message.to_string(),
        help: None,
    }
}

/// Runs pest on `text`, on a stack large enough for the text's nesting.
fn parse_rule<'t>(
    rule: Rule,
    text: &'t str,
    source: SourceId,
    max_depth: usize,
) -> Result<Pair<'t, Rule>> {
    let depth = nesting_depth(text, source, max_depth)?;
    let run = || {
        Grammar::parse(rule, text)
            .map_err(|e| pest_error(e, text, source))
            .and_then(|mut pairs| {
                pairs
                    .next()
                    .ok_or_else(|| syntax_error(source, 0, "empty input"))
            })
    };
    if depth < SHALLOW {
        run()
    } else {
        stacker::grow(depth.saturating_mul(STACK_PER_LEVEL) + STACK_SEGMENT, run)
    }
}

/// How deeply pest will recurse on `text`: open brackets, plus every `if` (an `if` in an `else`
/// branch nests without brackets). Refuses text past `max_depth`, pointing at the bracket that
/// passes it.
fn nesting_depth(text: &str, source: SourceId, max_depth: usize) -> Result<usize> {
    let mut brackets = 0usize;
    let mut deepest = 0usize;
    let mut ifs = 0usize;
    let mut previous_is_word = false;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '（' | '[' => {
                brackets += 1;
                if brackets > deepest {
                    deepest = brackets;
                    if deepest > max_depth {
                        return Err(Error::TooDeep {
                            span: Span::new(source, i, i + c.len_utf8()),
                            depth: count_depth(text),
                            limit: max_depth,
                        });
                    }
                }
            }
            ')' | '）' | ']' => brackets = brackets.saturating_sub(1),
            'i' if !previous_is_word
                && bytes.get(i + 1) == Some(&b'f')
                && !bytes
                    .get(i + 2)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') =>
            {
                ifs += 1;
                if ifs > max_depth {
                    return Err(Error::TooDeep {
                        span: Span::new(source, i, i + 2),
                        depth: ifs,
                        limit: max_depth,
                    });
                }
            }
            _ => {}
        }
        previous_is_word = c.is_alphanumeric() || c == '_';
    }
    Ok(deepest + ifs)
}

/// Whether `nesting_depth` could refuse `text`: a level takes an opening bracket or an `if`, so a
/// text with no more of either than `max_depth` cannot pass it. Counting bytes (`（` is the only
/// bracket that starts with 0xEF) costs a fraction of decoding every character, and every family
/// file a model count reads is checked.
pub(crate) fn could_be_too_deep(text: &str, max_depth: usize) -> bool {
    let bytes = text.as_bytes();
    let opening = bytes
        .iter()
        .filter(|b| matches!(b, b'(' | b'[' | 0xEF))
        .count();
    let ifs = bytes.windows(2).filter(|pair| pair == b"if").count();
    opening > max_depth || ifs > max_depth
}

/// The full bracket depth of `text`, for the message of a too-deep error.
fn count_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | '）' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// What a person calls a grammar rule in "expected ..." messages.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr
        | Rule::number
        | Rule::name
        | Rule::boolean
        | Rule::string
        | Rule::if_expr
        | Rule::call
        | Rule::sum_range
        | Rule::bracket
        | Rule::indexed
        | Rule::group => "an expression",
        Rule::parameter | Rule::parameters => "a parameter name",
        Rule::function_name => "a function name",
        Rule::module_name | Rule::module_path => "a module name or a path in quotes",
        Rule::function_def | Rule::use_statement => "a definition or an expression",
        Rule::meta_summary
        | Rule::meta_model_types
        | Rule::meta_variants
        | Rule::meta_default
        | Rule::meta_tensors
        | Rule::key_summary
        | Rule::key_model_types
        | Rule::key_variants
        | Rule::key_default
        | Rule::key_tensors => "a metadata key (summary, model_types, variants, default, tensors)",
        Rule::rem => "an operator",
        Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::pow
        | Rule::eq
        | Rule::ne
        | Rule::le
        | Rule::lt
        | Rule::ge
        | Rule::gt
        | Rule::and
        | Rule::or
        | Rule::alternative
        | Rule::implicit_mul => "an operator",
        Rule::close => "a closing `)`",
        Rule::explanation => "an explanation in quotes",
        Rule::EOI => "the end of the line",
        Rule::definition_name => "a name",
        Rule::list_comma => "`]`",
        Rule::definition | Rule::chain => "a definition or an expression",
        Rule::neg | Rule::plus | Rule::not => "an expression",
        _ => return None,
    })
}

fn pest_error(error: pest::error::Error<Rule>, text: &str, source: SourceId) -> Error {
    use pest::error::{ErrorVariant, InputLocation};
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = text[at..].chars().next();
    let end = at + found.map_or(0, char::len_utf8);
    let mut expected: Vec<&str> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(|r| describe(*r)).collect()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    // "a definition or an expression" already says "an expression".
    if expected.contains(&"a definition or an expression") {
        expected.retain(|e| *e != "an expression");
    }
    if let Some(after) = function_head_without_equals(&text[at..]) {
        let at = at + after;
        let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
        return Error::Syntax {
            span: Span::new(source, at, end),
            message: "expected `=` after the parameters".to_string(),
            help: Some("a function is written `fn name(parameters) = body`".to_string()),
        };
    }
    if let Some((message, help)) = found.and_then(|c| stray(c, &text[..at], &text[end..])) {
        return Error::Syntax {
            span: Span::new(source, at, end),
            message,
            help: Some(help),
        };
    }
    let message = match found {
        None => "unexpected end of input".to_string(),
        Some('\n') | Some('\r') => "unexpected end of line".to_string(),
        Some(c) if !c.is_ascii() => format!("unexpected `{c}` ({})", code_point(c)),
        Some(c) => format!("unexpected `{c}`"),
    };
    let help = match (found, expected.as_slice()) {
        (Some('"'), _) => Some(
            "an explanation in quotes goes after the whole definition: `name = expr \"text\"`"
                .to_string(),
        ),
        (_, []) => None,
        (_, [one]) => Some(format!("expected {one} here")),
        (_, many) => Some(format!(
            "expected {} or {} here",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        )),
    };
    Error::Syntax {
        span: Span::new(source, at, end),
        message,
        help,
    }
}

/// `U+2013`: how a character is named when it may look like another.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Where `=` belongs in a line that begins a function (`fn twice(x): 2*x`): just after the closing
/// bracket of its parameters, when something else stands there. pest reports such a line at its
/// start, as neither a function nor an expression.
fn function_head_without_equals(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("fn")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let close = line.find(')')?;
    let open = line.find('(')?;
    let line_end = line.find('\n').unwrap_or(line.len());
    if open > close || close > line_end {
        return None;
    }
    let after = close + 1;
    let blank = line[after..line_end].len() - line[after..line_end].trim_start().len();
    let at = after + blank;
    (at < line_end && !line[at..].starts_with('=')).then_some(at)
}

/// The message and help for a character that is likely meant as something the language writes
/// otherwise: a decimal point without digits after it, a factorial, a dash for a minus. `before`
/// and `rest` are the text before and after it.
fn stray(c: char, before: &str, rest: &str) -> Option<(String, String)> {
    let after_operand = before
        .trim_end()
        .chars()
        .next_back()
        .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == ')');
    let dash = match c {
        '\u{2010}' => Some("HYPHEN"),
        '\u{2011}' => Some("NON-BREAKING HYPHEN"),
        '\u{2012}' => Some("FIGURE DASH"),
        '\u{2013}' => Some("EN DASH"),
        '\u{2014}' => Some("EM DASH"),
        '\u{2015}' => Some("HORIZONTAL BAR"),
        '\u{FE63}' => Some("SMALL HYPHEN-MINUS"),
        _ => None,
    };
    if let Some(dash) = dash {
        return Some((
            format!("`{c}` ({} {dash}) is not a minus sign", code_point(c)),
            "for a minus, type `-` (the hyphen-minus key) or `−` (U+2212 MINUS SIGN)".to_string(),
        ));
    }
    match c {
        '.' if before.ends_with(|p: char| p.is_ascii_digit())
            && !rest.starts_with(|n: char| n.is_ascii_digit()) =>
        {
            Some((
                "a decimal point needs a digit after it".to_string(),
                "write the digits after the point (`1.5`), or leave the point out (`1`)"
                    .to_string(),
            ))
        }
        '!' if !rest.starts_with('=') && after_operand => Some((
            "`!` is not an operator: the language has no factorial".to_string(),
            "write the product out (`4*3*2*1` for 4!); for \"not equal\" write `!=`".to_string(),
        )),
        '!' if !rest.starts_with('=') => Some((
            "`!` is not an operator of the language".to_string(),
            "write `not` to negate a condition (`not tied`), and `!=` for \"not equal\""
                .to_string(),
        )),
        _ => None,
    }
}

/// An infix operator: arithmetic and comparisons, or `|` between alternatives.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Infix {
    Binary(BinaryOp),
    Alternative,
}

impl Infix {
    fn precedence(self) -> Precedence {
        match self {
            Infix::Binary(op) => op.precedence(),
            Infix::Alternative => Precedence::Alternatives,
        }
    }

    fn is_right_associative(self) -> bool {
        matches!(self, Infix::Binary(op) if op.is_right_associative())
    }
}

/// An operator waiting on the shunting-yard's stack.
#[derive(Clone, Copy)]
enum Pending {
    Prefix(UnaryOp, Span),
    Infix(Infix),
}

impl Pending {
    /// Whether this operator, on the stack, must be applied before `incoming` is pushed.
    fn applies_before(self, incoming: Infix) -> bool {
        let incoming_precedence = incoming.precedence();
        match self {
            Pending::Prefix(op, _) => op.precedence() > incoming_precedence,
            Pending::Infix(op) => {
                op.precedence() > incoming_precedence
                    || (op.precedence() == incoming_precedence && !incoming.is_right_associative())
            }
        }
    }
}

/// What a shunting-yard makes of the operands and operators it orders. The tree builder
/// (`impl Build for Formula`) pushes nodes into the arena; the folder (`fold::Folder`) computes
/// values and keeps no tree. Both are driven by the same `Yard`, so the order in which operators
/// apply — the precedence table of `syntax::Precedence` — is written once.
///
/// The leaf constructors (`number`, `name`, `boolean`, `group`) are what the `fast` reader calls
/// when it meets a leaf or closes a bracket.
pub(crate) trait Build {
    type Operand;
    /// The builder's failure; the yard's own errors (a malformed sequence, two numbers side by
    /// side) are made as `Error`s and converted.
    type Error: From<Error>;

    /// A number literal as written (`_` grouping included) at `span`.
    fn number(&mut self, written: &str, span: Span) -> Result<Self::Operand, Self::Error>;
    /// A name (`hidden_size`, `text_config.hidden_size`) at `span`.
    fn name(&mut self, name: &str, span: Span) -> Result<Self::Operand, Self::Error>;
    fn boolean(&mut self, value: bool, span: Span) -> Result<Self::Operand, Self::Error>;
    /// The author's brackets around `inner`; `span` covers the brackets.
    fn group(&mut self, inner: Self::Operand, span: Span) -> Result<Self::Operand, Self::Error>;
    /// A prefix operator written at `at`, applied.
    fn unary(
        &mut self,
        op: UnaryOp,
        at: Span,
        operand: Self::Operand,
    ) -> Result<Self::Operand, Self::Error>;
    /// An infix operator, applied.
    fn binary(
        &mut self,
        op: Infix,
        lhs: Self::Operand,
        rhs: Self::Operand,
    ) -> Result<Self::Operand, Self::Error>;
    /// Where `operand` was written, if it is a bare number literal: juxtaposing two of them
    /// (`2 3`) is an error, not a product.
    fn literal_span(&self, operand: &Self::Operand) -> Option<Span>;

    // The operands only the tree holds (strings, calls, `if`, lists, indexes, sums over a range):
    // the folder refuses them, and its caller then reads the text into a tree. Each pushes its
    // nodes in the order `Lowering` does, so both routes build the same arena.

    /// A string value (`"qwen2"`), unescaped; `span` covers the quotes.
    fn string(&mut self, text: &str, span: Span) -> Result<Self::Operand, Self::Error> {
        let _ = text;
        Err(not_a_value(span).into())
    }
    /// `function(args)`: a built-in function or a user function, with its arguments read.
    fn call(
        &mut self,
        function: (&str, Span),
        args: &[Self::Operand],
        span: Span,
    ) -> Result<Self::Operand, Self::Error> {
        let _ = (function, args);
        Err(not_a_value(span).into())
    }
    /// `sum(var in lo..hi, body)`; the variable's node comes after the three parts.
    fn sum_range(
        &mut self,
        var: (&str, Span),
        parts: [Self::Operand; 3],
        span: Span,
    ) -> Result<Self::Operand, Self::Error> {
        let _ = (var, parts);
        Err(not_a_value(span).into())
    }
    /// `[a, b, c]` (a bracket around one item without a trailing comma is a group).
    fn list(
        &mut self,
        items: &[Self::Operand],
        trailing_comma: bool,
        span: Span,
    ) -> Result<Self::Operand, Self::Error> {
        let _ = (items, trailing_comma);
        Err(not_a_value(span).into())
    }
    /// `list[index]`; the list's name was read (and pushed) before the index.
    fn index(
        &mut self,
        list: Self::Operand,
        index: Self::Operand,
        span: Span,
    ) -> Result<Self::Operand, Self::Error> {
        let _ = (list, index);
        Err(not_a_value(span).into())
    }
    /// `if condition then a else b`.
    fn if_then_else(
        &mut self,
        parts: [Self::Operand; 3],
        span: Span,
    ) -> Result<Self::Operand, Self::Error> {
        let _ = parts;
        Err(not_a_value(span).into())
    }
}

/// What a builder without a tree says of an operand only a tree holds.
fn not_a_value(span: Span) -> Error {
    syntax_error(span.source, span.start as usize, "not plain arithmetic")
}

/// The tree builder: every operand is a node of the arena.
impl Build for Formula {
    type Operand = ExprId;
    type Error = Error;

    fn number(&mut self, written: &str, span: Span) -> Result<ExprId> {
        let node = if written.contains('_') {
            self.number_node(&written.replace('_', ""))
        } else {
            self.number_node(written)
        };
        Ok(self.push_expr(node, span))
    }

    fn name(&mut self, name: &str, span: Span) -> Result<ExprId> {
        let node = self.name_node(name);
        Ok(self.push_expr(node, span))
    }

    fn boolean(&mut self, value: bool, span: Span) -> Result<ExprId> {
        Ok(self.push_expr(Node::Bool(value), span))
    }

    fn group(&mut self, inner: ExprId, span: Span) -> Result<ExprId> {
        Ok(self.push_expr(Node::Group(inner), span))
    }

    fn unary(&mut self, op: UnaryOp, at: Span, operand: ExprId) -> Result<ExprId> {
        let span = at.to(self.span(operand));
        Ok(self.push_expr(Node::Unary(op, operand), span))
    }

    fn binary(&mut self, op: Infix, lhs: ExprId, rhs: ExprId) -> Result<ExprId> {
        let span = self.span(lhs).to(self.span(rhs));
        let node = match op {
            Infix::Binary(op) => Node::Binary(op, lhs, rhs),
            // `a | b | c` is one node with three alternatives (parentheses keep a group apart).
            Infix::Alternative => self.alternatives_node(lhs, rhs),
        };
        Ok(self.push_expr(node, span))
    }

    fn literal_span(&self, operand: &ExprId) -> Option<Span> {
        let node = self.expr(*operand);
        matches!(node.node, Node::Number(_)).then_some(node.span)
    }

    fn string(&mut self, text: &str, span: Span) -> Result<ExprId> {
        let node = self.str_node(text);
        Ok(self.push_expr(node, span))
    }

    fn call(
        &mut self,
        (name, name_span): (&str, Span),
        args: &[ExprId],
        span: Span,
    ) -> Result<ExprId> {
        let node = match Function::from_name(name) {
            // A user function's body is filled in when the program is linked.
            Some(function) if !self.function_names.contains(name) => {
                check_arity(function, args.len(), span)?;
                self.call_node(function, args)
            }
            _ => {
                let node = self.name_node(name);
                let name_id = self.push_expr(node, name_span);
                self.apply_node(name_id, name_id, args)
            }
        };
        Ok(self.push_expr(node, span))
    }

    fn sum_range(
        &mut self,
        (var, var_span): (&str, Span),
        [lo, hi, body]: [ExprId; 3],
        span: Span,
    ) -> Result<ExprId> {
        let node = self.name_node(var);
        let var_id = self.push_expr(node, var_span);
        let node = self.sum_node(var_id, lo, hi, body);
        Ok(self.push_expr(node, span))
    }

    fn list(&mut self, items: &[ExprId], trailing_comma: bool, span: Span) -> Result<ExprId> {
        let node = match items {
            [inner] if !trailing_comma => Node::Group(*inner),
            _ => self.list_node(items),
        };
        Ok(self.push_expr(node, span))
    }

    fn index(&mut self, list: ExprId, index: ExprId, span: Span) -> Result<ExprId> {
        Ok(self.push_expr(Node::Index(list, index), span))
    }

    fn if_then_else(
        &mut self,
        [condition, then, otherwise]: [ExprId; 3],
        span: Span,
    ) -> Result<ExprId> {
        let node = self.if_node(condition, then, otherwise);
        Ok(self.push_expr(node, span))
    }
}

/// The shunting-yard: orders one flat `prefix* operand (infix prefix* operand)*` sequence by the
/// precedence table, handing each operator to the builder `B` as it applies. Both routes into the
/// tree (pest's pairs and the `fast` reader) feed their sequences through it, so they agree on the
/// tree by construction, down to the order of the nodes in the arena; the folder feeds it too, so
/// it computes exactly the value of that tree.
pub(crate) struct Yard<B: Build> {
    source: SourceId,
    /// The operands and operators of every open sequence, innermost on top: a bracket opened
    /// inside a sequence starts a new one above it (`open`) rather than a yard of its own, so
    /// input nested a million deep costs a few words per level, not a pair of vectors.
    operands: Vec<B::Operand>,
    operators: Vec<Pending>,
    /// Where the innermost sequence starts on the two stacks.
    base: Frame,
    /// The enclosing sequences' starts, innermost last.
    outer: Vec<Frame>,
}

/// Where a sequence starts on the yard's stacks, and its state when a bracket interrupts it.
#[derive(Clone, Copy, Default)]
struct Frame {
    operands: usize,
    operators: usize,
    /// Set after an implicit multiplication that follows a number literal.
    juxtaposed_number: Option<Span>,
}

impl<B: Build> Yard<B> {
    fn new(source: SourceId) -> Yard<B> {
        Yard {
            source,
            operands: Vec::new(),
            operators: Vec::new(),
            base: Frame::default(),
            outer: Vec::new(),
        }
    }

    /// Forgets everything, as after an error part-way through.
    fn clear(&mut self) {
        self.operands.clear();
        self.operators.clear();
        self.base = Frame::default();
        self.outer.clear();
    }

    /// Starts a sequence inside the current one (an opening bracket); `finish` ends it.
    fn open(&mut self) {
        self.outer.push(self.base);
        self.base = Frame {
            operands: self.operands.len(),
            operators: self.operators.len(),
            juxtaposed_number: None,
        };
    }

    fn prefix(&mut self, op: UnaryOp, span: Span) {
        self.operators.push(Pending::Prefix(op, span));
    }

    /// The innermost sequence's operator on top of the stack, if it has one.
    fn top_operator(&self) -> Option<Pending> {
        if self.operators.len() > self.base.operators {
            self.operators.last().copied()
        } else {
            None
        }
    }

    fn infix(&mut self, builder: &mut B, op: Infix) -> Result<(), B::Error> {
        if op == Infix::Binary(BinaryOp::ImplicitMul) {
            self.base.juxtaposed_number = self
                .operands
                .get(self.base.operands..)
                .and_then(<[B::Operand]>::last)
                .and_then(|operand| builder.literal_span(operand));
        }
        while let Some(top) = self.top_operator() {
            if !top.applies_before(op) {
                break;
            }
            self.operators.pop();
            self.apply(builder, top)?;
        }
        self.operators.push(Pending::Infix(op));
        Ok(())
    }

    fn operand(&mut self, builder: &B, operand: B::Operand) -> Result<(), B::Error> {
        if let Some(left) = self.base.juxtaposed_number.take() {
            if let Some(right) = builder.literal_span(&operand) {
                return Err(Error::AdjacentNumbers {
                    span: left.to(right),
                    mixed: None,
                }
                .into());
            }
        }
        self.operands.push(operand);
        Ok(())
    }

    /// Applies what is left of the innermost sequence and returns its root; the enclosing
    /// sequence, if any, becomes the innermost again.
    fn finish(&mut self, builder: &mut B) -> Result<B::Operand, B::Error> {
        while let Some(top) = self.top_operator() {
            self.operators.pop();
            self.apply(builder, top)?;
        }
        if self.operands.len() != self.base.operands + 1 {
            return Err(self.malformed());
        }
        let root = self.operands.pop().ok_or_else(|| self.malformed())?;
        self.base = self.outer.pop().unwrap_or_default();
        Ok(root)
    }

    fn pop_operand(&mut self) -> Result<B::Operand, B::Error> {
        if self.operands.len() <= self.base.operands {
            return Err(self.malformed());
        }
        self.operands.pop().ok_or_else(|| self.malformed())
    }

    fn apply(&mut self, builder: &mut B, op: Pending) -> Result<(), B::Error> {
        let result = match op {
            Pending::Prefix(op, at) => {
                let operand = self.pop_operand()?;
                builder.unary(op, at, operand)?
            }
            Pending::Infix(op) => {
                let rhs = self.pop_operand()?;
                let lhs = self.pop_operand()?;
                builder.binary(op, lhs, rhs)?
            }
        };
        self.operands.push(result);
        Ok(())
    }

    fn malformed(&self) -> B::Error {
        syntax_error(self.source, 0, "malformed expression").into()
    }
}

/// A definition's name and parts, as either route read them.
struct DefinitionParts {
    span: Span,
    declared_size: bool,
    name: Option<(String, Span)>,
    exprs: Vec<ExprId>,
    explanation: Option<String>,
    overrides: bool,
}

fn push_definition(formula: &mut Formula, parts: DefinitionParts) -> Result<StatementId> {
    let DefinitionParts {
        span,
        declared_size,
        name,
        exprs,
        explanation,
        overrides,
    } = parts;
    let (Some((name, name_span)), Some((&value, claims))) = (name, exprs.split_first()) else {
        return Err(syntax_error(
            span.source,
            span.start as usize,
            "incomplete definition",
        ));
    };
    let kind = if declared_size || is_binding(formula, value) {
        DefinitionKind::Size
    } else {
        DefinitionKind::Part
    };
    let definition = Definition {
        name,
        name_span,
        kind,
        value,
        claims: claims.into(),
        explanation: explanation.map(String::into_boxed_str),
        overrides,
    };
    Ok(formula.push_statement(StatementKind::Definition(definition), span))
}

/// A binding reads a value rather than computing a part: alternatives (`hidden_size | n_embd`),
/// a bare name or a constant.
fn is_binding(formula: &Formula, mut id: ExprId) -> bool {
    loop {
        match formula.kind(id) {
            ExprKind::Group(inner) | ExprKind::Unary(UnaryOp::Neg, inner) => id = inner,
            ExprKind::Alternatives(_)
            | ExprKind::Name(_)
            | ExprKind::Number { .. }
            | ExprKind::Bool(_)
            | ExprKind::List(_)
            | ExprKind::Index(..)
            | ExprKind::Str(_) => return true,
            _ => return false,
        }
    }
}

fn push_chain(formula: &mut Formula, span: Span, exprs: &[ExprId]) -> Result<StatementId> {
    let Some((&value, claims)) = exprs.split_first() else {
        return Err(syntax_error(
            span.source,
            span.start as usize,
            "expected an expression",
        ));
    };
    Ok(formula.push_statement(
        StatementKind::Expression {
            value,
            claims: claims.into(),
        },
        span,
    ))
}

struct Lowering<'f> {
    formula: &'f mut Formula,
    source: SourceId,
}

impl Lowering<'_> {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.source, s.start(), s.end())
    }

    fn definition(&mut self, pair: Pair<Rule>) -> Result<StatementId> {
        let mut parts = DefinitionParts {
            span: self.span(&pair),
            declared_size: false,
            name: None,
            exprs: Vec::new(),
            explanation: None,
            overrides: false,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::let_keyword => parts.declared_size = true,
                Rule::override_keyword => parts.overrides = true,
                Rule::definition_name => {
                    parts.name = Some((part.as_str().to_string(), self.span(&part)))
                }
                Rule::expr => parts.exprs.push(self.expr(part)?),
                Rule::explanation => parts.explanation = Some(explanation_text(part)),
                _ => {}
            }
        }
        push_definition(self.formula, parts)
    }

    fn chain(&mut self, pair: Pair<Rule>) -> Result<StatementId> {
        let span = self.span(&pair);
        let mut exprs = Vec::new();
        for part in pair.into_inner() {
            if part.as_rule() == Rule::expr {
                exprs.push(self.expr(part)?);
            }
        }
        push_chain(self.formula, span, &exprs)
    }

    /// Orders a flat `prefix* operand (infix prefix* operand)*` sequence by precedence.
    fn expr(&mut self, pair: Pair<Rule>) -> Result<ExprId> {
        let mut yard: Yard<Formula> = Yard::new(self.source);
        for item in pair.into_inner() {
            let rule = item.as_rule();
            if let Some(op) = unary_op(rule) {
                yard.prefix(op, self.span(&item));
            } else if let Some(op) = infix_op(rule) {
                yard.infix(self.formula, op)?;
            } else if !self.juxtaposed_call(&item, &mut yard)? {
                // Any operand but `L(12H^2+13H)` with `L` no function, which `juxtaposed_call`
                // handed over as the product it always was.
                let operand = self.operand(item)?;
                yard.operand(self.formula, operand)?;
            }
        }
        yard.finish(self.formula)
    }

    /// A call `f(x)` with one argument where `f` is neither a built-in nor a user function: the name
    /// and the bracketed argument, multiplied, handed to `yard`; `false` (nothing done) for any
    /// other operand. The name goes to the yard before the bracket is read, as the fast reader does,
    /// so that operators pending before it (`x 2x(1)`) apply first and both routes build their
    /// nodes in the same order.
    fn juxtaposed_call(&mut self, pair: &Pair<Rule>, yard: &mut Yard<Formula>) -> Result<bool> {
        if pair.as_rule() != Rule::call {
            return Ok(false);
        }
        let mut inner = pair.clone().into_inner();
        let Some(function) = inner.next() else {
            return Ok(false);
        };
        let name = function.as_str().trim();
        if Function::from_name(name).is_some() || self.formula.function_names.contains(name) {
            return Ok(false);
        }
        let args: Vec<Pair<Rule>> = inner.filter(|p| p.as_rule() == Rule::expr).collect();
        let [arg] = &args[..] else {
            return Ok(false);
        };
        let name_span = self.span(&function);
        let call_span = self.span(pair);
        let text = &self.formula.sources.get(self.source).text;
        let open = text
            .get(name_span.end as usize..call_span.end as usize)
            .and_then(|rest| rest.find(['(', '（']))
            .map_or(name_span.end as usize, |at| name_span.end as usize + at);
        let node = self.formula.name_node(name);
        let name_id = self.formula.push_expr(node, name_span);
        yard.operand(self.formula, name_id)?;
        yard.infix(self.formula, Infix::Binary(BinaryOp::ImplicitMul))?;
        let inner_id = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.expr(arg.clone()))?;
        let group_span = Span::new(self.source, open, call_span.end as usize);
        let group = self.formula.push_expr(Node::Group(inner_id), group_span);
        yard.operand(self.formula, group)?;
        Ok(true)
    }

    fn function_def(&mut self, pair: Pair<Rule>) -> Result<()> {
        let span = self.span(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut body = None;
        let mut explanation = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::function_name => name = Some((part.as_str().to_string(), self.span(&part))),
                Rule::parameters => {
                    for parameter in part.into_inner() {
                        let text = parameter.as_str().to_string();
                        if params.contains(&text) {
                            return Err(Error::language(
                                self.span(&parameter),
                                format!("the parameter `{text}` is named twice"),
                                "named again here",
                                "give each parameter its own name",
                            ));
                        }
                        params.push(text);
                    }
                }
                Rule::expr => body = Some(self.expr(part)?),
                Rule::explanation => explanation = Some(explanation_text(part)),
                _ => {}
            }
        }
        let (Some((name, name_span)), Some(body)) = (name, body) else {
            return Err(syntax_error(
                self.source,
                span.start as usize,
                "incomplete function",
            ));
        };
        if Function::from_name(&name).is_some() {
            return Err(Error::language(
                name_span,
                format!("`{name}` is a built-in function"),
                "defined here",
                "give the function another name",
            ));
        }
        if let Some(earlier) = self.formula.function(&name) {
            let (line, _) = self.formula.sources.line_column(earlier.name_span);
            let from = self
                .formula
                .sources
                .get(earlier.name_span.source)
                .name
                .clone();
            return Err(Error::language(
                name_span,
                format!("the function `{name}` is defined twice (first in {from}, line {line})"),
                "defined again here",
                "rename one of them",
            ));
        }
        self.formula.function_names.insert(name.clone());
        self.formula.functions.push(FunctionDef {
            name,
            name_span,
            params,
            body,
            explanation,
            span,
        });
        Ok(())
    }

    fn use_statement(&mut self, pair: Pair<Rule>) {
        let span = self.span(&pair);
        for part in pair.into_inner() {
            let target = match part.as_rule() {
                Rule::module_name => UseTarget::Name(part.as_str().to_string()),
                Rule::module_path => UseTarget::Path(unescape(part)),
                _ => continue,
            };
            self.formula.uses.push(Use { target, span });
        }
    }

    fn metadata(&mut self, pair: Pair<Rule>) {
        let span = self.span(&pair);
        let key = match pair.as_rule() {
            Rule::meta_summary => "summary",
            Rule::meta_model_types => "model_types",
            Rule::meta_variants => "variants",
            Rule::meta_default => "default",
            _ => "tensors",
        };
        let mut values = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => values.push(unescape(part)),
                Rule::definition_name | Rule::expr => values.push(part.as_str().trim().to_string()),
                _ => {}
            }
        }
        self.formula.metadata.push(Metadata {
            key: key.to_string(),
            values,
            span,
        });
    }

    fn operand(&mut self, pair: Pair<Rule>) -> Result<ExprId> {
        // Only brackets, calls and `if` recurse; a leaf needs no stack check.
        match pair.as_rule() {
            Rule::group
            | Rule::call
            | Rule::if_expr
            | Rule::sum_range
            | Rule::bracket
            | Rule::indexed => {
                stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.operand_inner(pair))
            }
            _ => self.operand_inner(pair),
        }
    }

    fn operand_inner(&mut self, pair: Pair<Rule>) -> Result<ExprId> {
        let span = self.span(&pair);
        let node = match pair.as_rule() {
            Rule::number => self.formula.number_node(&pair.as_str().replace('_', "")),
            Rule::boolean => Node::Bool(pair.as_str() == "true"),
            Rule::string => return self.formula.string(&unescape(pair), span),
            Rule::name => self.formula.name_node(pair.as_str()),
            Rule::group => {
                let inner = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::expr)
                    .ok_or_else(|| {
                        syntax_error(self.source, span.start as usize, "empty parentheses")
                    })?;
                Node::Group(self.expr(inner)?)
            }
            Rule::call => {
                let mut function = None;
                let mut args = Vec::new();
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::function => {
                            function = Some((part.as_str().trim().to_string(), self.span(&part)))
                        }
                        Rule::expr => args.push(self.expr(part)?),
                        _ => {}
                    }
                }
                let (name, name_span) = function.ok_or_else(|| {
                    syntax_error(self.source, span.start as usize, "unknown function")
                })?;
                return self.formula.call((&name, name_span), &args, span);
            }
            Rule::sum_range => {
                let mut var = None;
                let mut parts = Vec::with_capacity(3);
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::parameter => {
                            var = Some((part.as_str().to_string(), self.span(&part)))
                        }
                        Rule::expr => parts.push(self.expr(part)?),
                        _ => {}
                    }
                }
                let (Some((var, var_span)), &[lo, hi, body]) = (var, &parts[..]) else {
                    return Err(syntax_error(
                        self.source,
                        span.start as usize,
                        "incomplete `sum`",
                    ));
                };
                return self
                    .formula
                    .sum_range((&var, var_span), [lo, hi, body], span);
            }
            Rule::bracket => {
                let mut items = Vec::new();
                let mut trailing_comma = false;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::expr => items.push(self.expr(part)?),
                        Rule::list_comma => trailing_comma = true,
                        _ => {}
                    }
                }
                return Build::list(self.formula, &items, trailing_comma, span);
            }
            Rule::indexed => {
                let mut list = None;
                let mut index = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::list_name => {
                            let node = self.formula.name_node(part.as_str());
                            list = Some(self.formula.push_expr(node, self.span(&part)));
                        }
                        Rule::index => {
                            if let Some(expr) =
                                part.into_inner().find(|p| p.as_rule() == Rule::expr)
                            {
                                index = Some(self.expr(expr)?);
                            }
                        }
                        _ => {}
                    }
                }
                let (Some(list), Some(index)) = (list, index) else {
                    return Err(syntax_error(
                        self.source,
                        span.start as usize,
                        "incomplete index",
                    ));
                };
                return self.formula.index(list, index, span);
            }
            Rule::if_expr => {
                let mut parts = Vec::with_capacity(3);
                for part in pair.into_inner() {
                    if part.as_rule() == Rule::expr {
                        parts.push(self.expr(part)?);
                    }
                }
                let [condition, then, otherwise] = parts[..] else {
                    return Err(syntax_error(
                        self.source,
                        span.start as usize,
                        "incomplete `if`",
                    ));
                };
                return self
                    .formula
                    .if_then_else([condition, then, otherwise], span);
            }
            _ => {
                return Err(syntax_error(
                    self.source,
                    span.start as usize,
                    "expected an expression",
                ))
            }
        };
        Ok(self.formula.push_expr(node, span))
    }
}

fn check_arity(function: Function, found: usize, span: Span) -> Result<()> {
    let (ok, expected) = match function {
        Function::Min | Function::Max => (found >= 1, "one or more arguments"),
        Function::Floor | Function::Ceil | Function::Len | Function::SumList => {
            (found == 1, "exactly one argument")
        }
        Function::Count | Function::Contains => (found == 2, "exactly two arguments"),
        Function::Model => (found == 2 || found == 3, "two or three arguments"),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Arity {
            span,
            function: function.name(),
            expected,
            found,
        })
    }
}

fn unary_op(rule: Rule) -> Option<UnaryOp> {
    Some(match rule {
        Rule::neg => UnaryOp::Neg,
        Rule::plus => UnaryOp::Plus,
        Rule::not => UnaryOp::Not,
        _ => return None,
    })
}

fn infix_op(rule: Rule) -> Option<Infix> {
    Some(Infix::Binary(match rule {
        Rule::add => BinaryOp::Add,
        Rule::sub => BinaryOp::Sub,
        Rule::mul => BinaryOp::Mul,
        Rule::implicit_mul => BinaryOp::ImplicitMul,
        Rule::div => BinaryOp::Div,
        Rule::rem => BinaryOp::Rem,
        Rule::pow => BinaryOp::Pow,
        Rule::eq => BinaryOp::Eq,
        Rule::ne => BinaryOp::Ne,
        Rule::lt => BinaryOp::Lt,
        Rule::le => BinaryOp::Le,
        Rule::gt => BinaryOp::Gt,
        Rule::ge => BinaryOp::Ge,
        Rule::and => BinaryOp::And,
        Rule::or => BinaryOp::Or,
        Rule::alternative => return Some(Infix::Alternative),
        _ => return None,
    }))
}

fn explanation_text(pair: Pair<Rule>) -> String {
    unescape(pair)
}

/// The text between the quotes, with `\"` and `\\` unescaped.
fn unescape(pair: Pair<Rule>) -> String {
    let raw = pair
        .into_inner()
        .next()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(escaped) = chars.next() {
                out.push(escaped);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Edges of the parser that mutation testing found unguarded (`tests/MUTANTS.md`): the depth
/// pre-scan at its limit, what pest alone reads (the fast reader gives up on explanations, `if`,
/// calls and `@` statements), and the spans of juxtaposed calls. Expected values by hand.
#[cfg(test)]
mod edges {
    use super::*;
    use crate::program::{FormulaSource, Program, Request};
    use proptest::prelude::*;

    proptest! {
        /// The byte count that lets the fast reader skip `nesting_depth` never skips a text that
        /// `nesting_depth` refuses.
        #[test]
        fn a_text_the_bound_lets_through_is_within_depth(
            text in "[(\\[\\])（）ifx ]{0,40}",
            max_depth in 0usize..12,
        ) {
            if !could_be_too_deep(&text, max_depth) {
                prop_assert!(nesting_depth(&text, SourceId(0), max_depth).is_ok());
            }
        }
    }

    fn parse(text: &str, max_depth: usize) -> Result<Formula> {
        let mut formula = Formula::new();
        let source = formula.sources.add("t.formula", text);
        parse_file(&mut formula, source, max_depth)?;
        Ok(formula)
    }

    /// An `if` counts towards the depth only as a word of its own: the `if` that ends `motif` or
    /// `gif` nests nothing. (The explanation sends the file through the depth pre-scan.)
    #[test]
    fn if_inside_a_word_is_no_nesting() {
        let text = "motif = 1\ngif = 2\nx = motif + gif + motif + gif \"four\"\n";
        assert!(parse(text, 3).is_ok());
        assert_eq!(
            too_deep(
                "x = if a then 1 else if b then 2 else if c then 3 else 4 \"x\"\n",
                2
            ),
            (3, 2, "if".to_string())
        );
    }

    /// Past `SHALLOW` levels pest runs on a stack grown for the depth; `×` keeps the line from
    /// the fast reader, so pest reads it.
    #[test]
    fn nesting_past_the_shallow_limit_is_read_on_a_grown_stack() {
        for depth in [SHALLOW, SHALLOW + 10, 3 * SHALLOW] {
            let text = format!("x = {}2 × 3{}\n", "(".repeat(depth), ")".repeat(depth));
            let formula = parse(&text, 1_000).expect("parses");
            assert_eq!(formula.statements.len(), 1, "depth {depth}");
        }
    }

    /// `(depth, limit, the text under the error's span)` of a too-deep error.
    fn too_deep(text: &str, max_depth: usize) -> (usize, usize, String) {
        match parse(text, max_depth) {
            Err(Error::TooDeep { span, depth, limit }) => (
                depth,
                limit,
                text[span.start as usize..span.end as usize].to_string(),
            ),
            Err(other) => panic!("{text:?}: expected too deep, got {other:?}"),
            Ok(_) => panic!("{text:?}: expected too deep, parsed"),
        }
    }

    fn value(text: &str) -> String {
        let request = Request {
            formula: Some(FormulaSource::Text {
                name: "t.formula".into(),
                text: text.into(),
            }),
            ..Request::default()
        };
        let program = Program::load(&request).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        crate::evaluate(&program)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .value
            .to_string()
    }

    #[test]
    fn brackets_may_nest_exactly_as_deep_as_the_limit() {
        // An explanation sends the text to pest, behind the depth pre-scan.
        assert!(parse("x = (((1))) \"three deep\"\n", 3).is_ok());
        // Closed brackets do not count: four side by side are one deep.
        assert!(parse("x = (1)+(1)+[1]+（1） \"one deep\"\n", 1).is_ok());
        // Four deep under a limit of three: the error is at the fourth bracket and gives the
        // whole depth, five.
        let text = "x = ([（(( 1 ))）]) \"five deep\"\n";
        assert_eq!(too_deep(text, 3), (5, 3, "(".to_string()));
        assert_eq!(too_deep("x = ([[1]]) \"\"\n", 2), (3, 2, "[".to_string()));
    }

    #[test]
    fn each_if_counts_as_a_level_but_words_containing_if_do_not() {
        let words =
            "gift = 1\niffy = 2\nif_x = 3\ntotal = if true then gift + iffy + if_x else 0\n";
        assert!(parse(words, 1).is_ok());
        assert_eq!(value(words), "6");
        let nested = "total = if true then if false then 1 else 2 else 3\n";
        assert!(parse(nested, 2).is_ok());
        assert_eq!(too_deep(nested, 1), (2, 1, "if".to_string()));
        assert_eq!(value(nested), "2");
    }

    #[test]
    fn function_names_are_the_words_after_fn_at_a_line_start() {
        let text = "fn f(x) = x\n  fn g2_y(y) = y\nfnord = 1\nfn\th(z) = z\nfn (a) = a\nx = fn\n";
        assert_eq!(function_names(text), ["f", "g2_y", "h"]);
    }

    #[test]
    fn built_in_functions_check_their_number_of_arguments() {
        let arity = |text: &str| match parse(text, 100) {
            Err(Error::Arity {
                function,
                expected,
                found,
                ..
            }) => format!("{function}: {expected}, {found}"),
            Err(other) => panic!("{text:?}: {other:?}"),
            Ok(_) => "ok".to_string(),
        };
        assert_eq!(arity("x = min(1)\n"), "ok");
        assert_eq!(arity("x = floor(1)\n"), "ok");
        assert_eq!(arity("x = ceil(1, 2)\n"), "ceil: exactly one argument, 2");
        assert_eq!(arity("x = count([1, 2], 1)\n"), "ok");
        assert_eq!(
            arity("x = contains([1, 2])\n"),
            "contains: exactly two arguments, 1"
        );
        assert_eq!(
            arity("x = model(\"gpt2\")\n"),
            "model: two or three arguments, 1"
        );
    }

    #[test]
    fn every_operator_read_by_pest() {
        // `if` sends each text to pest. (operator, 1 ? 2, 2 ? 2, 3 ? 2)
        let table = [
            ("+", "3", "4", "5"),
            ("-", "-1", "0", "1"),
            ("*", "2", "4", "6"),
            ("/", "1/2", "1", "3/2"),
            ("%", "1", "0", "1"),
            ("^", "1", "4", "9"),
            ("**", "1", "4", "9"),
            ("==", "false", "true", "false"),
            ("!=", "true", "false", "true"),
            ("<", "true", "false", "false"),
            ("<=", "true", "true", "false"),
            (">", "false", "false", "true"),
            (">=", "false", "true", "true"),
        ];
        for (op, less, equal, greater) in table {
            for (a, expected) in [(1, less), (2, equal), (3, greater)] {
                let text = format!("total = if true then {a} {op} 2 else 0\n");
                assert_eq!(value(&text), expected, "{a} {op} 2");
            }
        }
        assert_eq!(value("total = if true then 3 (2) else 0\n"), "6");
        assert_eq!(
            value("total = if true then true and false else true\n"),
            "false"
        );
        assert_eq!(
            value("total = if true then false or true else false\n"),
            "true"
        );
        assert_eq!(value("total = if true then not false else false\n"), "true");
        assert_eq!(value("total = if true then -(2) + +3 else 0\n"), "1");
        assert_eq!(value("a = 4\ntotal = if true then b | a else 0\n"), "4");
    }

    #[test]
    fn operators_apply_in_precedence_order() {
        // -2^2 = -(2^2); -2+3 = (-2)+3; 10-4-3 = (10-4)-3; 2^3^2 = 2^(3^2) = 512;
        // not true and false = (not true) and false; not 1 == 2 = not (1 == 2).
        for route in ["", " \"pest\""] {
            let at = |expr: &str| value(&format!("total = {expr}{route}\n"));
            assert_eq!(at("-2^2"), "-4");
            assert_eq!(at("-2+3"), "1");
            assert_eq!(at("10-4-3"), "3");
            assert_eq!(at("2^3^2"), "512");
            assert_eq!(at("not true and false"), "false");
            assert_eq!(at("not 1 == 2"), "true");
            assert_eq!(at("1 + 2 * 3 ^ 2"), "19");
            assert_eq!(at("false and true or true"), "true");
        }
    }

    #[test]
    fn literals_read_by_pest() {
        assert_eq!(value("total = 1_000 + 2 \"grouped\"\n"), "1002");
        assert_eq!(value("total = if false then 1 else 2\n"), "2");
        assert_eq!(value("total = if \"a\" == \"a\" then 1 else 2\n"), "1");
        assert_eq!(value("xs = [1, 2,] \"two\"\ntotal = len(xs)\n"), "2");
        assert_eq!(value("xs = [5,] \"one\"\ntotal = xs[0]\n"), "5");
        assert_eq!(value("total = [1+2]*3 \"a bracket\"\n"), "9");
        assert_eq!(value("total = sum(i in 1..3, i) \"six\"\n"), "6");
        // A file that ends with an expression: its value is the target, 2*3.
        assert_eq!(value("let H = 2\nH*3 \"six\"\n"), "6");
    }

    #[test]
    fn a_name_before_a_bracket_multiplies_and_the_bracket_keeps_its_span() {
        for (text, group) in [
            ("L = 2\ntotal = L(1+2) \"pest\"\n", "(1+2)"),
            ("L = 2\ntotal = L (1+2) \"pest\"\n", "(1+2)"),
        ] {
            assert_eq!(value(text), "6");
            let formula = parse(text, 100).unwrap();
            let groups: Vec<&str> = formula
                .expr_ids()
                .filter(|id| matches!(formula.kind(*id), ExprKind::Group(_)))
                .map(|id| formula.text(id))
                .collect();
            assert_eq!(groups, [group], "{text:?}");
        }
    }

    #[test]
    fn statements_only_pest_reads() {
        let text = "use blocks\nuse \"lib/x.formula\"\n@summary \"A \\\"small\\\" model\"\n\
                    @model_types \"gpt2\", \"gpt_neo\"\n@variants total, active\n@default total\n\
                    @tensors L*q = \"a.*\", \"b.*\"\n\
                    fn f(x) = 2*x \"twice\"\nlet L = 3\ntotal = f(L) = 6 \"claimed\"\nactive = 1\n";
        let formula = parse(text, 100).unwrap();
        let uses: Vec<String> = formula
            .uses
            .iter()
            .map(|u| match &u.target {
                UseTarget::Name(n) => format!("name {n}"),
                UseTarget::Path(p) => format!("path {p}"),
            })
            .collect();
        assert_eq!(uses, ["name blocks", "path lib/x.formula"]);
        let metadata: Vec<String> = formula
            .metadata
            .iter()
            .map(|m| format!("{}: {}", m.key, m.values.join("; ")))
            .collect();
        assert_eq!(
            metadata,
            [
                "summary: A \"small\" model",
                "model_types: gpt2; gpt_neo",
                "variants: total; active",
                "default: total",
                "tensors: L*q; a.*; b.*",
            ]
        );
        assert_eq!(formula.functions.len(), 1);
        assert_eq!(formula.functions[0].params, ["x"]);
        assert_eq!(formula.functions[0].explanation.as_deref(), Some("twice"));
        // `let L`, `total` (with its claim) and `active`: three statements.
        assert_eq!(formula.statements.len(), 3);
        assert!(matches!(
            parse("fn f(x, x) = x\n", 100),
            Err(Error::Language { .. })
        ));
        assert!(matches!(
            parse("fn min(x) = x\n", 100),
            Err(Error::Language { .. })
        ));
    }
}
