//! The syntax tree: plain data, every node with its source span.
//!
//! A `Formula` is everything the engine reads for one run: the statements of a formula file, the
//! `--set` overrides and an inline `-e` expression, each from its own `Source`. Expression nodes
//! live in one arena (`Formula::exprs`) and refer to their children by `ExprId`; a flat arena keeps
//! input nested a million deep from overflowing the stack when the tree is dropped, and keeps the
//! tree cheap to build. The author's parentheses stay in the tree as `Group` nodes, so printing the
//! tree back reproduces what was written.
//!
//! A 10 MB formula file is five million nodes, so nearly every node is stored in 8 bytes
//! (`syntax/arena.rs`: spans derived from children, text interned in `Symbols`), and the children
//! of calls, conditionals and alternatives sit in a side table. Readers see none of it:
//! `Formula::node` and `Formula::span` hand back a node and its span, `Formula::kind` an
//! `ExprKind` with `&str` text and child slices.

use std::fmt;

mod arena;
mod symbols;

use arena::{Arena, ArenaMark};

pub use symbols::{Symbol, Symbols};

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
    /// Shared, not copied: the parser holds the text while it adds nodes to the formula, and a
    /// copy of a large file was a whole input's worth of memory at the peak.
    pub text: std::sync::Arc<str>,
    /// Where each line starts, computed the first time a position is asked for: a report on a
    /// document with ten thousand claims asks ten thousand times.
    line_starts: std::sync::OnceLock<Vec<u32>>,
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
            text: std::sync::Arc::from(text.into()),
            line_starts: std::sync::OnceLock::new(),
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
        let source = self.get(span.source);
        let text = &source.text;
        let starts = source.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(newline_offsets(text).map(|i| i as u32 + 1))
                .collect()
        });
        let start = floor_char_boundary(text, (span.start as usize).min(text.len()));
        // The last line starting at or before `start`; line 1 starts at 0, so there is one.
        let line = starts.partition_point(|&s| s as usize <= start).max(1);
        let line_start = starts[line - 1] as usize;
        let column = text[line_start..start].chars().count() + 1;
        (line, column)
    }
}

fn newline_offsets(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
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

/// A node with its span, as `Formula::expr` reads it back (the arena stores most in 8 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expr {
    pub node: Node,
    pub span: Span,
}

/// A node as it is stored: its text interned (`Symbol`) and a variable number of children kept in
/// `Formula::lists`, so every variant fits in 12 bytes. Code that reads the tree matches on the
/// `ExprKind` that `Formula::kind` returns; code that builds or rewrites it uses `Node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Number(Symbol),
    Bool(bool),
    Str(Symbol),
    Name(Symbol),
    Group(ExprId),
    Unary(UnaryOp, ExprId),
    Binary(BinaryOp, ExprId, ExprId),
    Call(Function, ExprList),
    /// Condition, then, otherwise.
    If(ExprList),
    Alternatives(ExprList),
    /// A call of a user function: the function's name (a `Name` node), the body with the arguments
    /// substituted (the name node itself until `link` inlines it), then the arguments as written.
    Apply(ExprList),
    /// `sum(i in lo..hi, body)`: the variable (a `Name` node), the bounds, the summand.
    Sum(ExprList),
    /// `[a, b, c]`.
    List(ExprList),
    /// `list[index]`.
    Index(ExprId, ExprId),
}

/// A run of children in `Formula::lists`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExprList {
    start: u32,
    len: u32,
}

/// A node as its readers see it: text as `&str`, children by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprKind<'f> {
    /// A number literal; `text` is what the author wrote, without `_` grouping.
    Number {
        text: &'f str,
    },
    Bool(bool),
    /// A string, for comparing config values such as `model_type`.
    Str(&'f str),
    /// A name: a definition, a `--set` override or a config key (`text_config.hidden_size`).
    Name(&'f str),
    /// Parentheses the author wrote.
    Group(ExprId),
    Unary(UnaryOp, ExprId),
    Binary(BinaryOp, ExprId, ExprId),
    Call(Function, &'f [ExprId]),
    If {
        condition: ExprId,
        then: ExprId,
        otherwise: ExprId,
    },
    /// `a | b | c`: the first alternative whose names are all bound.
    Alternatives(&'f [ExprId]),
    /// A user function's call: `body` is the function's body with the arguments in place of its
    /// parameters (what is evaluated); `args` are the arguments as written.
    Apply {
        name: &'f str,
        name_id: ExprId,
        body: ExprId,
        args: &'f [ExprId],
    },
    /// `sum(var in lo..hi, body)`.
    Sum {
        var: &'f str,
        var_id: ExprId,
        lo: ExprId,
        hi: ExprId,
        body: ExprId,
    },
    List(&'f [ExprId]),
    Index(ExprId, ExprId),
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
    /// The remainder with floor semantics (`-7 % 3` is 2).
    Rem,
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
    /// `len(list)`.
    Len,
    /// `count(list, value)`: how many elements equal `value`.
    Count,
    /// `contains(list, value)`.
    Contains,
    /// `sum(list)`.
    SumList,
    /// `model(FAMILY, CONFIG_OBJECT[, TARGET])`: a built-in family on a nested config.
    Model,
}

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Function::Min => "min",
            Function::Max => "max",
            Function::Floor => "floor",
            Function::Ceil => "ceil",
            Function::Len => "len",
            Function::Count => "count",
            Function::Contains => "contains",
            Function::SumList => "sum",
            Function::Model => "model",
        }
    }

    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "min" => Function::Min,
            "max" => Function::Max,
            "floor" => Function::Floor,
            "ceil" => Function::Ceil,
            "len" => Function::Len,
            "count" => Function::Count,
            "contains" => Function::Contains,
            "sum" => Function::SumList,
            "model" => Function::Model,
            _ => return None,
        })
    }

    /// The signature, for an error about the number of arguments.
    pub fn signature(self) -> &'static str {
        match self {
            Function::Min => "min(a, b, ...)",
            Function::Max => "max(a, b, ...)",
            Function::Floor => "floor(x)",
            Function::Ceil => "ceil(x)",
            Function::Len => "len(list)",
            Function::Count => "count(list, value)",
            Function::Contains => "contains(list, value)",
            Function::SumList => "sum(list) or sum(i in a..b, expr)",
            Function::Model => "model(family, config_object[, target])",
        }
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
            BinaryOp::Mul | BinaryOp::ImplicitMul | BinaryOp::Div | BinaryOp::Rem => {
                Precedence::Product
            }
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
            BinaryOp::Rem => "%",
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
    /// Further links of an `=` chain: each is claimed equal to the one before it. (Boxed slices
    /// rather than vectors here and below: a statement a line, and most lines claim nothing.)
    pub claims: Box<[ExprId]>,
    pub explanation: Option<Box<str>>,
    /// Written `override NAME = ...`: replaces a definition a `use` brought in.
    pub overrides: bool,
}

/// `fn name(params) = body "explanation"`.
#[derive(Clone, Debug)]
pub struct FunctionDef {
    pub name: String,
    pub name_span: Span,
    pub params: Vec<String>,
    pub body: ExprId,
    pub explanation: Option<String>,
    pub span: Span,
}

impl FunctionDef {
    /// `linear(i, o, bias)`.
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.params.join(", "))
    }
}

/// `use blocks` or `use "lib.formula"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UseTarget {
    Name(String),
    Path(String),
}

#[derive(Clone, Debug)]
pub struct Use {
    pub target: UseTarget,
    pub span: Span,
}

/// An `@key values` statement; `values` are the strings or names it lists (for `@tensors`, the
/// part as written, then the patterns).
#[derive(Clone, Debug)]
pub struct Metadata {
    pub key: String,
    pub values: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StatementKind {
    Definition(Definition),
    /// An expression, with the links of its `=` chain when it has one (`expr = 108890112`).
    Expression {
        value: ExprId,
        claims: Box<[ExprId]>,
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
    /// The expression nodes, by `ExprId` (most packed into eight bytes: `syntax/arena.rs`).
    exprs: Arena,
    pub statements: Vec<Statement>,
    /// The statements that define or set a name, in order: a scope is built from these alone, so
    /// building one costs the definitions, not every claim of a long document.
    naming: Vec<StatementId>,
    /// The text of names and literals, each string once.
    pub symbols: Symbols,
    /// The children of calls, conditionals and alternatives (`ExprList` points here).
    lists: Vec<ExprId>,
    /// User functions, in the order read (imports first).
    pub functions: Vec<FunctionDef>,
    /// The names of user functions known before a text is parsed: `f(x)` is a call of `f` when `f`
    /// is one, and a product `f*(x)` otherwise.
    pub function_names: std::collections::HashSet<String>,
    /// `use` statements, in the order read.
    pub uses: Vec<Use>,
    /// `@` metadata statements, in the order read.
    pub metadata: Vec<Metadata>,
    /// The formula file a run is about (not a module it imports, an `-e` or a `--set`): its
    /// metadata, `@tensors` included, are the program's.
    pub main_source: Option<SourceId>,
}

/// The sizes of a formula's tables, to cut them back to (`Formula::rollback`).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    exprs: ArenaMark,
    statements: usize,
    lists: usize,
    functions: usize,
    uses: usize,
    metadata: usize,
}

impl Formula {
    /// The left spine of a chain of arithmetic operators rooted at `id`: its leftmost operand, and
    /// the chain's nodes in the order they apply (innermost first, `id` last). A million-term sum
    /// is a million nodes deep on its left; its consumers walk this list instead of recursing.
    pub fn arithmetic_chain(&self, id: ExprId) -> (ExprId, Vec<ExprId>) {
        let mut spine = Vec::new();
        let mut leftmost = id;
        while let Node::Binary(op, lhs, _) = self.node(leftmost) {
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

    /// Node `id` with its span. (`node` alone is cheaper: a span may be derived from children.)
    pub fn expr(&self, id: ExprId) -> Expr {
        Expr {
            node: self.node(id),
            span: self.span(id),
        }
    }

    /// Node `id` as it is stored.
    pub fn node(&self, id: ExprId) -> Node {
        self.exprs.node(id)
    }

    /// Where node `id` was written.
    pub fn span(&self, id: ExprId) -> Span {
        self.exprs.span(id, &self.symbols)
    }

    /// Makes room for the nodes and statements of `text` before it is read. Tables that double as
    /// they fill copy themselves, and on a 100,000-line file the pages of the old copies stayed
    /// with the process: a quarter of its peak. Room reserved and never filled costs address
    /// space, not memory (the pages are not touched).
    pub fn reserve_for(&mut self, text: &str) {
        // A node per two bytes: w3 has one per 1.8, so its table grows once more, in place (a
        // large table is its own mapping, which the allocator extends without copying). A node a
        // byte would reserve 512 MB for the largest input allowed, too much where memory is not
        // overcommitted.
        self.exprs.reserve(text.len() / 2);
        self.statements
            .reserve(text.bytes().filter(|&b| b == b'\n').count() + 1);
    }

    /// How many nodes the arena holds, and how many of them are stored whole (not packed).
    #[cfg(test)]
    pub(crate) fn arena_counts(&self) -> (usize, usize) {
        (self.exprs.len(), self.exprs.wide_len())
    }

    /// How many expression nodes the formula holds (ids `0..expr_count()`).
    pub fn expr_count(&self) -> usize {
        self.exprs.len()
    }

    pub fn statement(&self, id: StatementId) -> &Statement {
        &self.statements[id.0 as usize]
    }

    pub fn push_expr(&mut self, node: Node, span: Span) -> ExprId {
        self.exprs.push(node, span, &self.symbols)
    }

    /// Node `id` as its readers see it.
    pub fn kind(&self, id: ExprId) -> ExprKind<'_> {
        match self.node(id) {
            Node::Number(text) => ExprKind::Number {
                text: self.symbols.get(text),
            },
            Node::Bool(value) => ExprKind::Bool(value),
            Node::Str(text) => ExprKind::Str(self.symbols.get(text)),
            Node::Name(name) => ExprKind::Name(self.symbols.get(name)),
            Node::Group(inner) => ExprKind::Group(inner),
            Node::Unary(op, operand) => ExprKind::Unary(op, operand),
            Node::Binary(op, lhs, rhs) => ExprKind::Binary(op, lhs, rhs),
            Node::Call(function, args) => ExprKind::Call(function, self.list(args)),
            Node::If(parts) => match *self.list(parts) {
                [condition, then, otherwise] => ExprKind::If {
                    condition,
                    then,
                    otherwise,
                },
                // `Formula::if_node` is the only maker of `If`, and it stores three.
                _ => ExprKind::Alternatives(&[]),
            },
            Node::Alternatives(alternatives) => ExprKind::Alternatives(self.list(alternatives)),
            Node::Apply(parts) => match *self.list(parts) {
                [name_id, body, ref args @ ..] => ExprKind::Apply {
                    name: self.name_text(name_id),
                    name_id,
                    body,
                    args,
                },
                _ => ExprKind::Alternatives(&[]),
            },
            Node::Sum(parts) => match *self.list(parts) {
                [var_id, lo, hi, body] => ExprKind::Sum {
                    var: self.name_text(var_id),
                    var_id,
                    lo,
                    hi,
                    body,
                },
                _ => ExprKind::Alternatives(&[]),
            },
            Node::List(items) => ExprKind::List(self.list(items)),
            Node::Index(list, index) => ExprKind::Index(list, index),
        }
    }

    fn name_text(&self, id: ExprId) -> &str {
        match self.node(id) {
            Node::Name(symbol) => self.symbols.get(symbol),
            _ => "",
        }
    }

    /// The user function called `name`.
    pub fn function(&self, name: &str) -> Option<&FunctionDef> {
        self.functions.iter().rev().find(|f| f.name == name)
    }

    pub fn apply_node(&mut self, name: ExprId, body: ExprId, args: &[ExprId]) -> Node {
        let mut all = Vec::with_capacity(args.len() + 2);
        all.push(name);
        all.push(body);
        all.extend_from_slice(args);
        Node::Apply(self.push_list(&all))
    }

    pub fn sum_node(&mut self, var: ExprId, lo: ExprId, hi: ExprId, body: ExprId) -> Node {
        Node::Sum(self.push_list(&[var, lo, hi, body]))
    }

    pub fn list_node(&mut self, items: &[ExprId]) -> Node {
        Node::List(self.push_list(items))
    }

    /// Every child id a node holds, in storage order (a call's name and a sum's variable included).
    pub fn raw_children(&self, node: Node) -> Vec<ExprId> {
        match node {
            Node::Number(_) | Node::Bool(_) | Node::Str(_) | Node::Name(_) => Vec::new(),
            Node::Group(inner) | Node::Unary(_, inner) => vec![inner],
            Node::Binary(_, lhs, rhs) | Node::Index(lhs, rhs) => vec![lhs, rhs],
            Node::Call(_, list)
            | Node::If(list)
            | Node::Alternatives(list)
            | Node::Apply(list)
            | Node::Sum(list)
            | Node::List(list) => self.list(list).to_vec(),
        }
    }

    /// `node` with its children replaced by `children` (as `raw_children` lists them).
    pub fn rebuild(&mut self, node: Node, children: &[ExprId]) -> Node {
        match (node, children) {
            (Node::Group(_), [inner]) => Node::Group(*inner),
            (Node::Unary(op, _), [inner]) => Node::Unary(op, *inner),
            (Node::Binary(op, _, _), [lhs, rhs]) => Node::Binary(op, *lhs, *rhs),
            (Node::Index(_, _), [lhs, rhs]) => Node::Index(*lhs, *rhs),
            (Node::Call(function, _), _) => Node::Call(function, self.push_list(children)),
            (Node::If(_), _) => Node::If(self.push_list(children)),
            (Node::Alternatives(_), _) => Node::Alternatives(self.push_list(children)),
            (Node::Apply(_), _) => Node::Apply(self.push_list(children)),
            (Node::Sum(_), _) => Node::Sum(self.push_list(children)),
            (Node::List(_), _) => Node::List(self.push_list(children)),
            (other, _) => other,
        }
    }

    /// Replaces node `id` (the linker fills in a call's body this way).
    pub fn set_node(&mut self, id: ExprId, node: Node) {
        self.exprs.set(id, node, &self.symbols);
    }

    pub fn list(&self, list: ExprList) -> &[ExprId] {
        let start = list.start as usize;
        self.lists
            .get(start..start + list.len as usize)
            .unwrap_or_default()
    }

    fn push_list(&mut self, ids: &[ExprId]) -> ExprList {
        let start = self.lists.len() as u32;
        self.lists.extend_from_slice(ids);
        ExprList {
            start,
            len: ids.len() as u32,
        }
    }

    /// A number literal written `text` (without `_` grouping).
    pub fn number_node(&mut self, text: &str) -> Node {
        Node::Number(self.symbols.intern(text))
    }

    pub fn name_node(&mut self, name: &str) -> Node {
        Node::Name(self.symbols.intern(name))
    }

    pub fn str_node(&mut self, text: &str) -> Node {
        Node::Str(self.symbols.intern(text))
    }

    pub fn call_node(&mut self, function: Function, args: &[ExprId]) -> Node {
        Node::Call(function, self.push_list(args))
    }

    pub fn if_node(&mut self, condition: ExprId, then: ExprId, otherwise: ExprId) -> Node {
        Node::If(self.push_list(&[condition, then, otherwise]))
    }

    /// `earlier | next`: one node for the whole chain `a | b | c`.
    pub fn alternatives_node(&mut self, earlier: ExprId, next: ExprId) -> Node {
        let Node::Alternatives(list) = self.node(earlier) else {
            return Node::Alternatives(self.push_list(&[earlier, next]));
        };
        // The usual case: the earlier alternatives are the last list made, so it grows in place.
        if (list.start + list.len) as usize == self.lists.len() {
            self.lists.push(next);
            return Node::Alternatives(ExprList {
                start: list.start,
                len: list.len + 1,
            });
        }
        let mut all = self.list(list).to_vec();
        all.push(next);
        Node::Alternatives(self.push_list(&all))
    }

    pub fn mark(&self) -> Mark {
        Mark {
            exprs: self.exprs.mark(),
            statements: self.statements.len(),
            lists: self.lists.len(),
            functions: self.functions.len(),
            uses: self.uses.len(),
            metadata: self.metadata.len(),
        }
    }

    /// Removes every node and statement added since `mark`. (Interned text stays: it is shared.)
    pub fn rollback(&mut self, mark: Mark) {
        self.exprs.rollback(mark.exprs);
        self.statements.truncate(mark.statements);
        let kept = self
            .naming
            .partition_point(|id| (id.0 as usize) < mark.statements);
        self.naming.truncate(kept);
        self.lists.truncate(mark.lists);
        self.functions.truncate(mark.functions);
        self.uses.truncate(mark.uses);
        self.metadata.truncate(mark.metadata);
    }

    pub fn push_statement(&mut self, kind: StatementKind, span: Span) -> StatementId {
        // Every name a statement defines is interned, so `Symbols::find` answers for all of them
        // and a name that finds no symbol is neither defined nor set.
        let id = StatementId(self.statements.len() as u32);
        match &kind {
            StatementKind::Definition(d) => {
                self.symbols.intern(&d.name);
                self.naming.push(id);
            }
            StatementKind::Override { name, .. } => {
                self.symbols.intern(name);
                self.naming.push(id);
            }
            StatementKind::Expression { .. } => {}
        }
        self.statements.push(Statement { kind, span });
        id
    }

    /// The statements that define or set a name (definitions and overrides), in order.
    pub fn naming_statements(&self) -> &[StatementId] {
        &self.naming
    }

    pub fn expr_ids(&self) -> impl Iterator<Item = ExprId> {
        (0..self.exprs.len() as u32).map(ExprId)
    }

    pub fn statement_ids(&self) -> impl Iterator<Item = StatementId> {
        (0..self.statements.len() as u32).map(StatementId)
    }

    /// The definitions in file order.
    pub fn definitions(&self) -> impl Iterator<Item = (StatementId, &Definition)> {
        self.naming
            .iter()
            .filter_map(|&id| self.statement(id).definition().map(|d| (id, d)))
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
        self.sources.slice(self.span(id))
    }

    /// The direct children of a node, in the order written.
    pub fn children(&self, id: ExprId) -> Vec<ExprId> {
        match self.node(id) {
            Node::Number(_) | Node::Bool(_) | Node::Str(_) | Node::Name(_) => Vec::new(),
            Node::Group(inner) | Node::Unary(_, inner) => vec![inner],
            Node::Binary(_, lhs, rhs) => vec![lhs, rhs],
            Node::Call(_, list) | Node::If(list) | Node::Alternatives(list) | Node::List(list) => {
                self.list(list).to_vec()
            }
            Node::Index(list, index) => vec![list, index],
            // The body (once inlined), then the arguments; not the function's name.
            Node::Apply(list) => match *self.list(list) {
                [name, body, ref args @ ..] => {
                    let mut children = Vec::with_capacity(args.len() + 1);
                    if body != name {
                        children.push(body);
                    }
                    children.extend_from_slice(args);
                    children
                }
                _ => Vec::new(),
            },
            // The bounds and the summand; not the variable.
            Node::Sum(list) => self.list(list).get(1..).unwrap_or_default().to_vec(),
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
    use super::*;

    #[test]
    fn line_and_column_count_lines_and_characters() {
        let mut sources = Sources::new();
        // Line 3 is `ab×c`: `c` is its 4th character, byte 3 of the line (`×` is two bytes).
        let id = sources.add("t", "first\n\nab×c\n");
        let at = |start: usize| sources.line_column(Span::new(id, start, start));
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(5), (1, 6));
        assert_eq!(at(6), (2, 1));
        assert_eq!(at(7), (3, 1));
        assert_eq!(at(11), (3, 4));
        // Inside `×`: the character it belongs to.
        assert_eq!(at(10), (3, 3));
        assert_eq!(at(13), (4, 1));
        assert_eq!(at(99), (4, 1));
    }

    #[test]
    fn nodes_read_back_what_was_stored() {
        let mut formula = Formula::new();
        let source = formula.sources.add("t", "");
        let span = Span::new(source, 0, 0);
        let push = |formula: &mut Formula, node: Node| formula.push_expr(node, span);
        let node = formula.number_node("30522");
        let v = push(&mut formula, node);
        let node = formula.name_node("hidden_size");
        let h = push(&mut formula, node);
        let node = formula.number_node(&"9".repeat(5000));
        let big = push(&mut formula, node);
        let node = formula.call_node(Function::Max, &[v, h, big]);
        let call = push(&mut formula, node);
        let node = formula.if_node(h, v, big);
        let branch = push(&mut formula, node);
        let node = formula.alternatives_node(h, v);
        let first = push(&mut formula, node);
        let node = formula.alternatives_node(first, big);
        let both = push(&mut formula, node);
        assert_eq!(formula.kind(v), ExprKind::Number { text: "30522" });
        assert_eq!(formula.kind(h), ExprKind::Name("hidden_size"));
        assert_eq!(
            formula.kind(big),
            ExprKind::Number {
                text: &"9".repeat(5000)
            }
        );
        assert_eq!(
            formula.kind(call),
            ExprKind::Call(Function::Max, &[v, h, big])
        );
        assert_eq!(
            formula.kind(branch),
            ExprKind::If {
                condition: h,
                then: v,
                otherwise: big
            }
        );
        assert_eq!(formula.kind(first), ExprKind::Alternatives(&[h, v]));
        assert_eq!(formula.kind(both), ExprKind::Alternatives(&[h, v, big]));
        assert_eq!(formula.children(both), vec![h, v, big]);
    }

    #[test]
    fn rollback_removes_what_came_after_the_mark() {
        let mut formula = Formula::new();
        let source = formula.sources.add("t", "");
        let span = Span::new(source, 0, 0);
        let node = formula.name_node("a");
        let a = formula.push_expr(node, span);
        let mark = formula.mark();
        let node = formula.call_node(Function::Min, &[a, a]);
        formula.push_expr(node, span);
        formula.rollback(mark);
        assert_eq!(formula.expr_count(), 1);
        let node = formula.call_node(Function::Floor, &[a]);
        let floor = formula.push_expr(node, span);
        assert_eq!(formula.kind(floor), ExprKind::Call(Function::Floor, &[a]));
    }
}
