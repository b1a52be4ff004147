//! The syntax tree: plain data, every node with its source span.
//!
//! A `Formula` is everything the engine reads for one run: the statements of a formula file, the
//! `--set` overrides and an inline `-e` expression, each from its own `Source`. Expression nodes
//! live in one arena (`Formula::exprs`) and refer to their children by `ExprId`; a flat arena keeps
//! input nested a million deep from overflowing the stack when the tree is dropped, and keeps the
//! tree cheap to build. The author's parentheses stay in the tree as `Group` nodes, so printing the
//! tree back reproduces what was written.

use std::fmt;

/// Which text a span points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// A byte range in one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub source: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (both must be in one source).
    pub fn to(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One text the engine read: a formula file, an `-e` expression, a `--set` value, a config file.
#[derive(Clone, Debug)]
pub struct Source {
    /// What a person calls it: a path, `-e`, `--set H`, `<stdin>`, `builtin:bert-article`.
    pub name: String,
    pub text: String,
}

/// All sources of one run; spans index into it.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    sources: Vec<Source>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.sources.push(Source {
            name: name.into(),
            text: text.into(),
        });
        SourceId(self.sources.len() as u32 - 1)
    }

    pub fn get(&self, id: SourceId) -> &Source {
        &self.sources[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &Source)> {
        self.sources
            .iter()
            .enumerate()
            .map(|(i, s)| (SourceId(i as u32), s))
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.source)
            .text
            .get(span.range())
            .unwrap_or_default()
    }

    /// 1-based line and column (in characters) of a span's start.
    pub fn line_column(&self, span: Span) -> (usize, usize) {
        let text = &self.get(span.source).text;
        let start = (span.start as usize).min(text.len());
        let before = &text[..floor_char_boundary(text, start)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Index of an expression node in `Formula::exprs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

/// Index of a statement in `Formula::statements`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementId(pub u32);

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A number literal; `text` is what the author wrote, without `_` grouping.
    Number {
        text: LiteralText,
    },
    Bool(bool),
    /// A string, for comparing config values such as `model_type`.
    Str(String),
    /// A name: a definition, a `--set` override or a config key (`text_config.hidden_size`).
    Name(String),
    /// Parentheses the author wrote.
    Group(ExprId),
    Unary(UnaryOp, ExprId),
    Binary(BinaryOp, ExprId, ExprId),
    Call(Function, Vec<ExprId>),
    If {
        condition: ExprId,
        then: ExprId,
        otherwise: ExprId,
    },
    /// `a | b | c`: the first alternative whose names are all bound.
    Alternatives(Vec<ExprId>),
}

/// The text of a number literal. Reads as a `&str`; a literal of up to 22 bytes (every real one)
/// is kept inside the node, so a million-term sum does not make a million small allocations.
#[derive(Clone)]
pub struct LiteralText(LiteralRepr);

#[derive(Clone)]
enum LiteralRepr {
    Inline { len: u8, bytes: [u8; 22] },
    Heap(Box<str>),
}

impl LiteralText {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // The bytes were copied from a `&str` whole, so they are UTF-8.
            LiteralRepr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            LiteralRepr::Heap(text) => text,
        }
    }
}

impl From<&str> for LiteralText {
    fn from(text: &str) -> LiteralText {
        let mut bytes = [0u8; 22];
        match bytes.get_mut(..text.len()) {
            Some(inline) => {
                inline.copy_from_slice(text.as_bytes());
                LiteralText(LiteralRepr::Inline {
                    len: text.len() as u8,
                    bytes,
                })
            }
            None => LiteralText(LiteralRepr::Heap(text.into())),
        }
    }
}

impl From<String> for LiteralText {
    fn from(text: String) -> LiteralText {
        LiteralText::from(text.as_str())
    }
}

impl std::ops::Deref for LiteralText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for LiteralText {
    fn eq(&self, other: &LiteralText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for LiteralText {}

impl PartialEq<str> for LiteralText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for LiteralText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for LiteralText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for LiteralText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Plus,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// Multiplication written as juxtaposition: `2H`, `12(768+1)`.
    ImplicitMul,
    Div,
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    Min,
    Max,
    Floor,
    Ceil,
}

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Floor => "floor",
            Function::Ceil => "ceil",
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "min" => Function::Min,
            "max" => Function::Max,
            "floor" => Function::Floor,
            "ceil" => Function::Ceil,
            _ => return None,
        })
    }
}

/// How tightly an operator binds; larger binds tighter. The one precedence table of the language:
/// the parser and every printer read it from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precedence {
    Alternatives,
    Or,
    And,
    Not,
    Comparison,
    Sum,
    Product,
    Prefix,
    Power,
    Atom,
}

impl BinaryOp {
    /// `+ - * /` and juxtaposition: the operators whose long left-leaning chains (a million-term
    /// sum) are walked in a loop rather than by recursion.
    pub fn is_arithmetic(self) -> bool {
        matches!(
            self,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::ImplicitMul | BinaryOp::Div
        )
    }

    pub fn precedence(self) -> Precedence {
        match self {
            BinaryOp::Add | BinaryOp::Sub => Precedence::Sum,
            BinaryOp::Mul | BinaryOp::ImplicitMul | BinaryOp::Div => Precedence::Product,
            BinaryOp::Pow => Precedence::Power,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => Precedence::Comparison,
            BinaryOp::And => Precedence::And,
            BinaryOp::Or => Precedence::Or,
        }
    }

    pub fn is_right_associative(self) -> bool {
        self == BinaryOp::Pow
    }

    /// The operator in the plain ASCII spelling the printers use.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul | BinaryOp::ImplicitMul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "^",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}

impl UnaryOp {
    pub fn precedence(self) -> Precedence {
        match self {
            UnaryOp::Neg | UnaryOp::Plus => Precedence::Prefix,
            UnaryOp::Not => Precedence::Not,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Plus => "+",
            UnaryOp::Not => "not ",
        }
    }
}

/// Whether a definition is shown as its value or as its formula in a derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionKind {
    /// A size read from the config (`H = hidden_size | n_embd`) or declared with `let`:
    /// derivations show its value.
    Size,
    /// A part of the count (`embeddings = (V+P+T)*H`): derivations inline its formula.
    Part,
}

#[derive(Clone, Debug)]
pub struct Definition {
    pub name: String,
    pub name_span: Span,
    pub kind: DefinitionKind,
    pub value: ExprId,
    /// Further links of an `=` chain: each is claimed equal to the one before it.
    pub claims: Vec<ExprId>,
    pub explanation: Option<String>,
}

#[derive(Clone, Debug)]
pub enum StatementKind {
    Definition(Definition),
    /// An expression, with the links of its `=` chain when it has one (`expr = 108890112`).
    Expression {
        value: ExprId,
        claims: Vec<ExprId>,
    },
    /// `--set NAME=VALUE`: replaces the definition or config key `name` for this run.
    Override {
        name: String,
        value: ExprId,
    },
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

impl Statement {
    /// The expression a statement stands for.
    pub fn value(&self) -> ExprId {
        match &self.kind {
            StatementKind::Definition(d) => d.value,
            StatementKind::Expression { value, .. } => *value,
            StatementKind::Override { value, .. } => *value,
        }
    }

    pub fn claims(&self) -> &[ExprId] {
        match &self.kind {
            StatementKind::Definition(d) => &d.claims,
            StatementKind::Expression { claims, .. } => claims,
            StatementKind::Override { .. } => &[],
        }
    }

    pub fn definition(&self) -> Option<&Definition> {
        match &self.kind {
            StatementKind::Definition(d) => Some(d),
            _ => None,
        }
    }
}

/// Everything parsed for one run, with the sources its spans point into.
#[derive(Clone, Debug, Default)]
pub struct Formula {
    pub sources: Sources,
    pub exprs: Vec<Expr>,
    pub statements: Vec<Statement>,
}

impl Formula {
    /// The left spine of a chain of arithmetic operators rooted at `id`: its leftmost operand, and
    /// the chain's nodes in the order they apply (innermost first, `id` last). A million-term sum
    /// is a million nodes deep on its left; its consumers walk this list instead of recursing.
    pub fn arithmetic_chain(&self, id: ExprId) -> (ExprId, Vec<ExprId>) {
        let mut spine = Vec::new();
        let mut leftmost = id;
        while let ExprKind::Binary(op, lhs, _) = self.expr(leftmost).kind {
            if !op.is_arithmetic() {
                break;
            }
            spine.push(leftmost);
            leftmost = lhs;
        }
        spine.reverse();
        (leftmost, spine)
    }

    pub fn new() -> Formula {
        Formula::default()
    }

    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id.0 as usize]
    }

    pub fn statement(&self, id: StatementId) -> &Statement {
        &self.statements[id.0 as usize]
    }

    pub fn push_expr(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.exprs.push(Expr { kind, span });
        ExprId(self.exprs.len() as u32 - 1)
    }

    pub fn push_statement(&mut self, kind: StatementKind, span: Span) -> StatementId {
        self.statements.push(Statement { kind, span });
        StatementId(self.statements.len() as u32 - 1)
    }

    pub fn statement_ids(&self) -> impl Iterator<Item = StatementId> {
        (0..self.statements.len() as u32).map(StatementId)
    }

    /// The definitions in file order.
    pub fn definitions(&self) -> impl Iterator<Item = (StatementId, &Definition)> {
        self.statement_ids()
            .filter_map(|id| self.statement(id).definition().map(|d| (id, d)))
    }

    /// The last definition of `name` (a later definition replaces an earlier one).
    pub fn find_definition(&self, name: &str) -> Option<StatementId> {
        self.definitions()
            .filter(|(_, d)| d.name == name)
            .map(|(id, _)| id)
            .last()
    }

    /// The text a node covers in its source.
    pub fn text(&self, id: ExprId) -> &str {
        self.sources.slice(self.expr(id).span)
    }

    /// The direct children of a node, in the order written.
    pub fn children(&self, id: ExprId) -> Vec<ExprId> {
        match &self.expr(id).kind {
            ExprKind::Number { .. } | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Name(_) => {
                Vec::new()
            }
            ExprKind::Group(inner) | ExprKind::Unary(_, inner) => vec![*inner],
            ExprKind::Binary(_, lhs, rhs) => vec![*lhs, *rhs],
            ExprKind::Call(_, args) => args.clone(),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => vec![*condition, *then, *otherwise],
            ExprKind::Alternatives(alternatives) => alternatives.clone(),
        }
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::LiteralText;

    #[test]
    fn literal_text_reads_back_what_was_stored() {
        for text in [
            "",
            "7",
            "30522",
            "1.5e-3",
            &"9".repeat(22),
            &"9".repeat(23),
            &"1".repeat(5000),
        ] {
            let literal = LiteralText::from(text);
            assert_eq!(literal.as_str(), text);
            assert_eq!(format!("{literal:?}"), format!("{text:?}"));
        }
        assert_eq!(
            std::mem::size_of::<LiteralText>(),
            std::mem::size_of::<String>()
        );
    }
}
