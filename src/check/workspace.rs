//! The formula a check works on: every input parsed into one `Formula` (or one per scanned
//! document), with the config and the `--set` overrides bound as `eval` binds them, and a way to
//! change it for a moment and evaluate again (`Workspace::what_if`: a literal replaced, a name
//! overridden, a node zeroed), which is how the diagnoses test their explanations exactly.

use std::collections::{HashMap, HashSet};

use crate::bind::Scope;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Value};
use crate::limits::Limits;
use crate::number::Number;
use crate::parser;
use crate::program::{check_size, check_statement_count, load_config, parse_sets, LoadError};
use crate::syntax::{
    self, BinaryOp, ExprId, Formula, Node, SourceId, Sources, Span, StatementId, StatementKind,
    UnaryOp,
};

use super::clean::{self, Approximation};
use super::diagnose::Atoms;
use super::report::Location;
use super::scan::{self, Fragment};
use super::{CheckInput, CheckOptions};

/// One change a "what if" makes to the formula for a moment.
#[derive(Clone, Copy, Debug)]
pub(super) enum Change<'a> {
    /// A node (a literal, a term) read as this exact number.
    Number(ExprId, &'a Number),
    /// A literal read as the product of these pieces (a fused number read apart).
    Product(ExprId, &'a [String]),
    /// A name overridden with this number, as `--set NAME=VALUE` would (the span is shown for it).
    Set(&'a str, Span, &'a Number),
}

/// A point to roll the formula back to.
#[derive(Clone, Copy, Debug)]
struct Mark {
    formula: syntax::Mark,
    undo: usize,
}

pub(super) struct Workspace {
    pub formula: Formula,
    pub config: Option<Config>,
    pub limits: Limits,
    /// The text the grammar read, for sources where it differs from the original (cleaned
    /// documents and `-e`); the formula's sources hold the originals.
    parsed: HashMap<SourceId, String>,
    approximations: HashMap<(SourceId, usize), Approximation>,
    /// Claimed memory sizes (`54MB`), by where the number starts: as written.
    memory: HashMap<(SourceId, usize), String>,
    /// Bytes of cleaned sources that are padding, not text.
    padding: HashMap<SourceId, Vec<bool>>,
    /// The sources whose claims are checked, in order.
    pub checked: Vec<SourceId>,
    /// Sources of prose or `-e`, where `total = ...` may name a chain rather than define it.
    pub lenient: HashSet<SourceId>,
    /// Scanned documents: a claim on prose with no number in it is not reported.
    pub scanned: HashSet<SourceId>,
    undo: Vec<(ExprId, Node)>,
    /// The numbers each source's fused literals may be made of, once worked out.
    pub atoms: HashMap<SourceId, Atoms>,
}

impl Workspace {
    /// Parses `inputs` into one formula, with the config and `--set` of `options`.
    pub(super) fn build(
        inputs: &[&CheckInput],
        options: &CheckOptions,
    ) -> Result<Workspace, LoadError> {
        let mut workspace = Workspace {
            formula: Formula::new(),
            config: None,
            limits: options.limits,
            parsed: HashMap::new(),
            approximations: HashMap::new(),
            memory: HashMap::new(),
            padding: HashMap::new(),
            checked: Vec::new(),
            lenient: HashSet::new(),
            scanned: HashSet::new(),
            undo: Vec::new(),
            atoms: HashMap::new(),
        };
        let mut originals = HashMap::new();
        let loaded = workspace.load(inputs, options, &mut originals);
        // Spans are byte offsets, the same in the cleaned and the original text: show the original.
        let mut sources = Sources::new();
        for (id, source) in workspace.formula.sources.iter() {
            let text = originals
                .remove(&id)
                .unwrap_or_else(|| source.text.to_string());
            sources.add(source.name.clone(), text);
        }
        for (id, source) in workspace.formula.sources.iter() {
            workspace
                .parsed
                .entry(id)
                .or_insert_with(|| source.text.to_string());
        }
        workspace.formula.sources = sources;
        match loaded {
            Ok(()) => {
                workspace.bind_units();
                Ok(workspace)
            }
            Err(error) => Err(LoadError {
                error,
                sources: workspace.formula.sources,
            }),
        }
    }

    fn load(
        &mut self,
        inputs: &[&CheckInput],
        options: &CheckOptions,
        originals: &mut HashMap<SourceId, String>,
    ) -> Result<()> {
        let max_depth = options.limits.max_depth;
        let max_bytes = options.limits.max_input_bytes;
        for input in inputs {
            match input {
                CheckInput::Text { name, text } => check_size(name, text, max_bytes)?,
                CheckInput::Expression(text) => check_size("-e", text, max_bytes)?,
            }
            match input {
                CheckInput::Text { name, text } if !options.scan => {
                    let source = self.formula.sources.add(name.clone(), text.clone());
                    self.checked.push(source);
                    crate::modules::Loader::new(max_depth, max_bytes).parse(
                        &mut self.formula,
                        source,
                        &crate::modules::Origin::of_path(name),
                        name,
                    )?;
                }
                CheckInput::Text { name, text } => {
                    let Document {
                        cleaned,
                        joined,
                        fragments,
                        functions,
                    } = read_document(text, max_depth);
                    // Read first, so that the document's `linear(...)` parse as calls of them.
                    // They are not claims; their source is the definitions as the grammar reads
                    // them (`fn` added), named after the document.
                    if !functions.is_empty() {
                        // A second document defining the same function keeps the first's.
                        let definitions: Vec<&str> = functions
                            .iter()
                            .filter(|f| self.formula.function(&f.name).is_none())
                            .map(|f| f.definition.as_str())
                            .collect();
                        let source = self
                            .formula
                            .sources
                            .add(format!("{name} (functions)"), definitions.join("\n"));
                        parser::parse_file(&mut self.formula, source, max_depth)?;
                    }
                    let combined = scan::combine(&joined, &fragments);
                    let found = fragments;
                    let source = self.formula.sources.add(name.clone(), combined);
                    originals.insert(source, text.clone());
                    self.parsed.insert(source, joined);
                    self.remember(source, cleaned.approximations);
                    self.remember_memory(source, cleaned.memory);
                    self.padding.insert(source, cleaned.padding);
                    self.checked.push(source);
                    self.lenient.insert(source);
                    self.scanned.insert(source);
                    let statements = parser::parse_file(&mut self.formula, source, max_depth)?;
                    self.keep_claims_of(&statements, &found);
                    self.scope_redefinitions(&statements);
                }
                CheckInput::Expression(text) => {
                    let mut cleaned = clean::clean(text);
                    clean::drop_trailing_words(&mut cleaned);
                    let source = self.formula.sources.add("-e", cleaned.text.clone());
                    originals.insert(source, text.clone());
                    self.parsed.insert(source, cleaned.text);
                    self.remember(source, cleaned.approximations);
                    self.remember_memory(source, cleaned.memory);
                    self.padding.insert(source, cleaned.padding);
                    self.checked.push(source);
                    self.lenient.insert(source);
                    let statement = parser::parse_inline(&mut self.formula, source, max_depth)?;
                    self.claim_of_expression(statement)?;
                }
            }
        }
        parse_sets(&mut self.formula, &options.sets, &options.limits)?;
        self.config = load_config(
            &mut self.formula.sources,
            options.config.as_deref(),
            options.config_text.as_ref(),
            None,
            &options.limits,
        )?;
        if self.scanned.is_empty() {
            crate::link::link(&mut self.formula)?;
        } else {
            // A document read by --scan is prose: `f(1, 2)` in it may call no function it
            // defines. The claims around such a call are judged one by one (an unknown
            // function: not evaluated); every other call is linked.
            crate::link::link_what_can_be(&mut self.formula);
        }
        check_statement_count(&self.formula, options.limits.max_definitions)
    }

    fn remember(&mut self, source: SourceId, approximations: HashMap<usize, Approximation>) {
        self.approximations.extend(
            approximations
                .into_iter()
                .map(|(at, approximation)| ((source, at), approximation)),
        );
    }

    /// In `-e`, `total = 125M` claims something about `total`: a name on the left is an
    /// expression to evaluate, never a new definition. An `-e` with no claim is a mistake.
    fn claim_of_expression(&mut self, id: StatementId) -> Result<()> {
        let span = self.formula.statement(id).span;
        if let StatementKind::Definition(d) = &self.formula.statement(id).kind {
            let (name, name_span, value, claims) =
                (d.name.clone(), d.name_span, d.value, d.claims.clone());
            let node = self.formula.name_node(&name);
            let named = self.formula.push_expr(node, name_span);
            self.formula.statements[id.0 as usize].kind = StatementKind::Expression {
                value: named,
                claims: std::iter::once(value).chain(claims).collect(),
            };
        }
        if self.formula.statement(id).claims().is_empty() {
            return Err(Error::Usage {
                message: format!(
                    "`-e {}` claims nothing",
                    self.formula.sources.get(span.source).text.trim()
                ),
                help: "write the claim with `=`: -e 'EXPR = NUMBER', e.g. -e '(30522+512+2)*768 = 23835648'".into(),
            });
        }
        Ok(())
    }

    fn remember_memory(&mut self, source: SourceId, memory: HashMap<usize, String>) {
        self.memory.extend(
            memory
                .into_iter()
                .map(|(at, written)| ((source, at), written)),
        );
    }

    /// A unit written after a number in pasted text (`201M`, `1.3万`, `6.7 billion`) is read by the
    /// grammar as a name multiplied in; where the text and the config do not define that name, it
    /// is the unit's exact scale.
    fn bind_units(&mut self) {
        let defined: HashSet<String> = self
            .formula
            .statement_ids()
            .filter_map(|id| match &self.formula.statement(id).kind {
                StatementKind::Definition(d) => Some(d.name.clone()),
                StatementKind::Override { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        let mut units = Vec::new();
        for index in 0..self.formula.expr_count() {
            let id = ExprId(index as u32);
            let syntax::ExprKind::Name(name) = self.formula.kind(id) else {
                continue;
            };
            let Some(unit) = clean::unit_named(name) else {
                continue;
            };
            let span = self.formula.span(id);
            if !self.padding.contains_key(&span.source) || defined.contains(name) {
                continue;
            }
            let configured = self.config.as_ref().is_some_and(|c| {
                !matches!(
                    c.lookup(name, self.limits.max_bits),
                    crate::config::Lookup::Absent
                )
            });
            let text = self.parsed_text(span.source);
            let before = text
                .get(..span.start as usize)
                .map(|t| t.trim_end_matches([' ', '\u{a0}']));
            if configured || !before.is_some_and(|t| t.ends_with(|c: char| c.is_ascii_digit())) {
                continue;
            }
            units.push((id, unit));
        }
        for (id, unit) in units {
            let node = self.formula.number_node(&format!(
                "1{}",
                "0".repeat(unit.decimal_power.max(0) as usize)
            ));
            self.formula.set_node(id, node);
        }
    }

    /// The memory size claimed at a number (`54MB`), as written.
    pub(super) fn memory(&self, literal: ExprId) -> Option<&String> {
        let span = self.formula.span(literal);
        self.memory.get(&(span.source, span.start as usize))
    }

    /// The approximation written at any number, claimed or not.
    pub(super) fn approximation_at(&self, span: Span) -> Option<&Approximation> {
        self.approximations.get(&(span.source, span.start as usize))
    }

    /// A document may bind a name twice (GPT-2's `d`, later GPT-3's): each binding holds from
    /// where it is written to the next. The second and later bindings are renamed (`d#2`), and so
    /// are the uses they reach; a use above the first binding reads the first, and a binding's
    /// own value reads the one before it.
    fn scope_redefinitions(&mut self, statements: &[StatementId]) {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for id in statements {
            if let StatementKind::Definition(d) = &self.formula.statement(*id).kind {
                *counts.entry(d.name.clone()).or_default() += 1;
            }
        }
        if counts.values().all(|n| *n < 2) {
            return;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut current: HashMap<String, String> = HashMap::new();
        for id in statements {
            let statement = self.formula.statement(*id);
            let defined = match &statement.kind {
                StatementKind::Definition(d) => Some(d.name.clone()),
                _ => None,
            };
            let roots: Vec<ExprId> = std::iter::once(statement.value())
                .chain(statement.claims().iter().copied())
                .collect();
            let mut renames = Vec::new();
            let mut stack = roots;
            while let Some(e) = stack.pop() {
                if let syntax::ExprKind::Name(name) = self.formula.kind(e) {
                    if let Some(to) = current.get(name) {
                        if to != name {
                            renames.push((e, to.clone()));
                        }
                    }
                }
                stack.extend(self.formula.children(e));
            }
            for (e, to) in renames {
                let node = self.formula.name_node(&to);
                self.formula.set_node(e, node);
            }
            if let Some(name) = defined.filter(|n| counts.get(n).is_some_and(|c| *c > 1)) {
                let k = seen.entry(name.clone()).or_default();
                *k += 1;
                let renamed = if *k == 1 {
                    name.clone()
                } else {
                    format!("{name}#{k}")
                };
                if let StatementKind::Definition(d) =
                    &mut self.formula.statements[id.0 as usize].kind
                {
                    d.name = renamed.clone();
                }
                current.insert(name, renamed);
            }
        }
    }

    /// A scanned formula that only binds names (`H = 768`, `a = b = c`) makes no claims.
    fn keep_claims_of(&mut self, statements: &[StatementId], fragments: &[Fragment]) {
        // The scanner finds fragments in reading order, without overlap: the one holding a
        // position is found by halving, not by a walk through all of them for each statement
        // (which made a document of ten thousand claims quadratic).
        let ordered = fragments
            .windows(2)
            .all(|pair| pair[0].range.end <= pair[1].range.start);
        let holding = |at: usize| {
            if ordered {
                let after = fragments.partition_point(|f| f.range.start <= at);
                after
                    .checked_sub(1)
                    .map(|i| &fragments[i])
                    .filter(|f| f.range.contains(&at))
            } else {
                fragments.iter().find(|f| f.range.contains(&at))
            }
        };
        for id in statements {
            let start = self.formula.statement(*id).span.start as usize;
            let claims = holding(start).map_or(true, |f| f.claims);
            if claims {
                continue;
            }
            match &mut self.formula.statements[id.0 as usize].kind {
                StatementKind::Definition(d) => d.claims = Box::default(),
                StatementKind::Expression { claims, .. } => *claims = Box::default(),
                StatementKind::Override { .. } => {}
            }
        }
    }

    /// The approximation written at a claimed number, if it was written as one.
    pub(super) fn approximation(&self, literal: ExprId) -> Option<&Approximation> {
        let span = self.formula.span(literal);
        self.approximations.get(&(span.source, span.start as usize))
    }

    pub(super) fn location(&self, span: Span) -> Location {
        let (line, column) = self.formula.sources.line_column(span);
        Location {
            source: self.formula.sources.get(span.source).name.clone(),
            line,
            column,
        }
    }

    /// The text the grammar read for a source.
    pub(super) fn parsed_text(&self, source: SourceId) -> &str {
        self.parsed
            .get(&source)
            .map(String::as_str)
            .unwrap_or_else(|| &*self.formula.sources.get(source).text)
    }

    /// What a span says, as the grammar read it, with runs of whitespace collapsed.
    pub(super) fn display(&self, span: Span) -> String {
        self.display_with(span, &[])
    }

    /// Like `display`, with some spans (inside `span`) read differently. Padding left by markup
    /// is skipped, and a claimed number's grouping shows as written (`108,890,112`).
    pub(super) fn display_with(&self, span: Span, replacements: &[(Span, String)]) -> String {
        let text = self.parsed_text(span.source);
        let original = self.formula.sources.get(span.source).text.as_bytes();
        let padding = self.padding.get(&span.source);
        let mut sorted: Vec<&(Span, String)> = replacements
            .iter()
            .filter(|(r, _)| r.source == span.source && r.start >= span.start && r.end <= span.end)
            .collect();
        sorted.sort_by_key(|(r, _)| r.start);
        let mut sorted = sorted.into_iter().peekable();
        let mut out = String::new();
        let range = span.range();
        let Some(slice) = text.get(range.clone()) else {
            return String::new();
        };
        let mut skip_until = 0;
        for (offset, c) in slice.char_indices() {
            let at = range.start + offset;
            if at < skip_until {
                continue;
            }
            if let Some((replaced, with)) = sorted.next_if(|(r, _)| r.start as usize <= at) {
                out.push_str(with);
                skip_until = replaced.end as usize;
                continue;
            }
            if padding.is_some_and(|p| p.get(at) == Some(&true)) {
                continue;
            }
            if c == '_' && original.get(at) != Some(&b'_') {
                out.push(',');
            } else {
                out.push(c);
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The names of the formula as it is now, bound to the config, under the run's limits.
    pub(super) fn scope(&self) -> Scope<'_> {
        Scope::new(&self.formula, self.config.as_ref(), self.limits.max_bits)
    }

    /// Evaluates one link of a statement on the formula as it is now.
    pub(super) fn evaluate(&self, link: ExprId, within: StatementId) -> Result<Value> {
        let scope = self.scope();
        let mut evaluator = Evaluator::new(&scope, self.limits);
        evaluator.expr(link, within)
    }

    /// Runs `f` on the formula with `changes` made, then undoes them, whatever `f` found: the
    /// one way the diagnoses and the rounding judge ask "what if this literal were X". The tree is
    /// edited in place (a few nodes swapped, new nodes appended) rather than copied, because a
    /// diagnosis tries hundreds of changes on formulas of up to a hundred thousand nodes; calls
    /// nest (a repair, then the diagnoses of the repaired formula).
    pub(super) fn what_if<T>(
        &mut self,
        changes: &[Change<'_>],
        f: impl FnOnce(&mut Workspace) -> T,
    ) -> T {
        let mark = self.mark();
        for change in changes {
            match *change {
                Change::Number(id, n) => {
                    let span = self.formula.span(id);
                    let node = self.number_kind(n, span);
                    self.replace(id, node);
                }
                Change::Product(id, pieces) => {
                    let span = self.formula.span(id);
                    if let Some(node) = self.product_kind(pieces, span) {
                        self.replace(id, node);
                    }
                }
                Change::Set(name, span, n) => self.push_override(name, n, span),
            }
        }
        let found = f(self);
        self.rollback(mark);
        found
    }

    /// The number `link` evaluates to with `changes` made, if it evaluates to one.
    pub(super) fn number_if(
        &mut self,
        changes: &[Change<'_>],
        link: ExprId,
        within: StatementId,
    ) -> Option<Number> {
        self.what_if(changes, |workspace| {
            match workspace.evaluate(link, within) {
                Ok(Value::Number(n)) => Some(n),
                _ => None,
            }
        })
    }

    fn mark(&self) -> Mark {
        Mark {
            formula: self.formula.mark(),
            undo: self.undo.len(),
        }
    }

    /// Undoes every change made since `mark`.
    fn rollback(&mut self, mark: Mark) {
        while self.undo.len() > mark.undo {
            if let Some((id, node)) = self.undo.pop() {
                self.formula.set_node(id, node);
            }
        }
        self.formula.rollback(mark.formula);
    }

    /// Makes node `id` something else until the next rollback.
    fn replace(&mut self, id: ExprId, node: Node) {
        if (id.0 as usize) < self.formula.expr_count() {
            self.undo.push((id, self.formula.node(id)));
            self.formula.set_node(id, node);
        }
    }

    /// A node holding the exact number `n` (a fraction as a division, a negative as a negation).
    fn number_node(&mut self, n: &Number, span: Span) -> ExprId {
        let node = self.number_kind(n, span);
        self.formula.push_expr(node, span)
    }

    fn number_kind(&mut self, n: &Number, span: Span) -> Node {
        if n.is_negative() {
            let magnitude = self.number_node(&n.neg(), span);
            return Node::Unary(UnaryOp::Neg, magnitude);
        }
        if n.is_integer() {
            return self.formula.number_node(&n.to_string());
        }
        let (numer, denom) = n.to_fraction();
        let numer = self.number_node(&Number::from_bigint(numer), span);
        let denom = self.number_node(&Number::from_bigint(denom), span);
        Node::Binary(BinaryOp::Div, numer, denom)
    }

    /// The product `pieces[0]*pieces[1]*...` as a node kind, for a fused literal read apart.
    fn product_kind(&mut self, pieces: &[String], span: Span) -> Option<Node> {
        let mut ids = pieces.iter().map(|p| {
            let node = self.formula.number_node(p);
            self.formula.push_expr(node, span)
        });
        let first = ids.next()?;
        let mut rest: Vec<ExprId> = ids.collect();
        let last = rest.pop()?;
        let mut product = first;
        for id in rest {
            product = self
                .formula
                .push_expr(Node::Binary(BinaryOp::Mul, product, id), span);
        }
        Some(Node::Binary(BinaryOp::Mul, product, last))
    }

    /// Overrides `name` with `n` until the next rollback, as `--set name=n` would.
    fn push_override(&mut self, name: &str, n: &Number, span: Span) {
        let value = self.number_node(n, span);
        self.formula.push_statement(
            StatementKind::Override {
                name: name.to_string(),
                value,
            },
            span,
        );
    }
}

/// A scanned document: its cleaned text, with continuation lines joined, and its formulas.
struct Document {
    cleaned: clean::Cleaned,
    joined: String,
    fragments: Vec<Fragment>,
    /// The functions it defines as `derive` prints them (`linear(i, o, bias) = ...`).
    functions: Vec<scan::FunctionLine>,
}

fn read_document(text: &str, max_depth: usize) -> Document {
    let functions = scan::function_definitions(text, max_depth);
    let names: Vec<String> = functions.iter().map(|f| f.name.clone()).collect();
    let cleaned = clean::clean_calling(text, &names);
    let joined = scan::join_continuations(&cleaned.text);
    let rounded: HashSet<usize> = cleaned.approximations.keys().copied().collect();
    let found = scan::fragments(
        &joined,
        &cleaned.padding,
        &cleaned.code,
        &rounded,
        max_depth,
    );
    let (_, fragments) = settle(&joined, found, max_depth);
    Document {
        cleaned,
        joined,
        fragments,
        functions,
    }
}

/// The combined text of a document's formulas, dropping any formula that stops the whole from
/// parsing (each parsed alone, but a neighbour can still upset it).
fn settle(text: &str, mut fragments: Vec<Fragment>, max_depth: usize) -> (String, Vec<Fragment>) {
    // Each round drops one formula; a document that needs more than this many is not read.
    for _ in 0..=fragments.len().min(64) {
        let combined = scan::combine(text, &fragments);
        let mut scratch = Formula::new();
        let source = scratch.sources.add("", combined.clone());
        match parser::parse_file(&mut scratch, source, max_depth) {
            Ok(_) => return (combined, fragments),
            Err(error) => {
                let at = error.span().map_or(usize::MAX, |s| s.start as usize);
                let culprit = fragments
                    .iter()
                    .rposition(|f| f.range.start <= at)
                    .unwrap_or(fragments.len().saturating_sub(1));
                if fragments.is_empty() {
                    break;
                }
                fragments.remove(culprit);
            }
        }
    }
    (scan::combine(text, &[]), Vec::new())
}
