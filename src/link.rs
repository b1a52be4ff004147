//! Linking: every call of a user function becomes the function's body with the arguments in place
//! of its parameters.
//!
//! After parsing (imports included), each `Apply` node holds the function's name and the arguments
//! as written; linking fills in its body. A function's body is linked once (calls inside it first),
//! and each call copies it, substituting the parameters; a part of the body that mentions no
//! parameter is shared, not copied. Every stage after this one (evaluation, printing, expansion,
//! breakdowns) reads the body, and the printers may show the call as written instead.
//!
//! Recursion, direct or mutual, is a cycle error naming the functions; a call with the wrong number
//! of arguments is an error at the call. Copies are bounded (`MAX_LINKED_NODES`): functions that
//! call each other twice per level would otherwise double the tree at every level.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::limits::MAX_LINKED_NODES;
use crate::parser::{RED_ZONE, STACK_SEGMENT};
use crate::syntax::{ExprId, Formula, Node, Span, Symbol};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    Done,
}

struct Linker<'f> {
    formula: &'f mut Formula,
    state: HashMap<String, State>,
    /// Functions being linked, outermost first (a cycle is read off it).
    active: Vec<String>,
    added: usize,
    /// A call that cannot be linked (an unknown function, the wrong number of arguments, a
    /// cycle) is left as it is instead of stopping the linking: the evaluator reports it where
    /// it is used.
    lenient: bool,
}

/// Links every call in `formula`.
pub(crate) fn link(formula: &mut Formula) -> Result<()> {
    link_with(formula, false)
}

/// Links every call that can be linked, leaving the others: a document read by `check --scan`
/// is prose, and a call it cannot link concerns only the claims that use it.
pub(crate) fn link_what_can_be(formula: &mut Formula) {
    let _ = link_with(formula, true);
}

fn link_with(formula: &mut Formula, lenient: bool) -> Result<()> {
    let has_calls = formula
        .expr_ids()
        .any(|id| matches!(formula.node(id), Node::Apply(_)));
    if !has_calls {
        return Ok(());
    }
    let parsed = formula.expr_count();
    let mut linker = Linker {
        formula,
        state: HashMap::new(),
        active: Vec::new(),
        added: 0,
        lenient,
    };
    let names: Vec<String> = linker
        .formula
        .functions
        .iter()
        .map(|f| f.name.clone())
        .collect();
    for name in names {
        match linker.function(&name, None) {
            Err(_) if lenient => linker.active.clear(),
            result => result?,
        }
    }
    // Calls outside functions (statements, `-e`, `--set`): every node the parser made.
    for index in 0..parsed {
        match linker.call(ExprId(index as u32)) {
            Err(_) if lenient => linker.active.clear(),
            result => result?,
        }
    }
    Ok(())
}

impl Linker<'_> {
    /// Links the body of function `name` (once).
    fn function(&mut self, name: &str, called_at: Option<Span>) -> Result<()> {
        match self.state.get(name) {
            Some(State::Done) => return Ok(()),
            Some(State::Active) => {
                let start = self.active.iter().position(|f| f == name).unwrap_or(0);
                let mut cycle = self.active[start..].to_vec();
                cycle.push(name.to_string());
                let span = called_at.unwrap_or_else(|| {
                    self.formula
                        .function(name)
                        .map_or(Span::new(crate::syntax::SourceId(0), 0, 0), |f| f.name_span)
                });
                return Err(Error::Cycle { span, cycle });
            }
            None => {}
        }
        let Some(body) = self.formula.function(name).map(|f| f.body) else {
            return Ok(());
        };
        self.state.insert(name.to_string(), State::Active);
        self.active.push(name.to_string());
        // The body's nodes, each once (the body is a tree as parsed).
        let mut stack = vec![body];
        let mut calls = Vec::new();
        while let Some(id) = stack.pop() {
            let node = self.formula.node(id);
            if matches!(node, Node::Apply(_)) {
                calls.push(id);
            }
            stack.extend(self.formula.raw_children(node));
        }
        for id in calls.into_iter().rev() {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.call(id))?;
        }
        self.active.pop();
        self.state.insert(name.to_string(), State::Done);
        Ok(())
    }

    /// Fills in the body of the call at `id`, if it is a call not linked yet.
    fn call(&mut self, id: ExprId) -> Result<()> {
        // Every node of the parse is asked: only a call's span is worth deriving.
        let Node::Apply(_) = self.formula.node(id) else {
            return Ok(());
        };
        let expr = self.formula.expr(id);
        let raw = self.formula.raw_children(expr.node);
        let [name_id, body, ref args @ ..] = raw[..] else {
            return Ok(());
        };
        if body != name_id {
            return Ok(());
        }
        let name = match self.formula.node(name_id) {
            Node::Name(symbol) => self.formula.symbols.get(symbol).to_string(),
            _ => return Ok(()),
        };
        let Some(function) = self.formula.function(&name) else {
            if self.lenient {
                return Ok(());
            }
            return Err(self.unknown_function(&name, expr.span));
        };
        if function.params.len() != args.len() && self.lenient {
            return Ok(());
        }
        if function.params.len() != args.len() {
            let expected = function.params.len();
            let help = format!("the function is {}", function.signature());
            return Err(Error::language(
                expr.span,
                format!(
                    "`{name}` takes {expected} argument{}, not {}",
                    if expected == 1 { "" } else { "s" },
                    args.len()
                ),
                "this call",
                help,
            ));
        }
        let params = function.params.clone();
        let template = function.body;
        self.function(&name, Some(expr.span))?;
        let mut substitution: HashMap<Symbol, ExprId> = HashMap::new();
        for (param, &arg) in params.iter().zip(args) {
            let symbol = self.formula.symbols.intern(param);
            substitution.insert(symbol, arg);
        }
        let mut copies = HashMap::new();
        let linked = self.copy(template, &substitution, &mut copies, expr.span)?;
        let mut children = raw.clone();
        children[1] = linked;
        let node = self.formula.rebuild(expr.node, &children);
        self.formula.set_node(id, node);
        Ok(())
    }

    /// A copy of the tree at `id` with parameters replaced; parts that mention none are shared.
    fn copy(
        &mut self,
        id: ExprId,
        substitution: &HashMap<Symbol, ExprId>,
        copies: &mut HashMap<ExprId, ExprId>,
        call: Span,
    ) -> Result<ExprId> {
        if let Some(&done) = copies.get(&id) {
            return Ok(done);
        }
        let expr = self.formula.expr(id);
        if let Node::Name(symbol) = expr.node {
            return Ok(substitution.get(&symbol).copied().unwrap_or(id));
        }
        let raw = self.formula.raw_children(expr.node);
        if raw.is_empty() {
            return Ok(id);
        }
        let mut children = Vec::with_capacity(raw.len());
        let mut changed = false;
        for (index, &child) in raw.iter().enumerate() {
            // A call's function name and a sum's variable are not parameters.
            let keep = index == 0 && matches!(expr.node, Node::Apply(_) | Node::Sum(_));
            let copied = if keep {
                child
            } else {
                stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                    self.copy(child, substitution, copies, call)
                })?
            };
            changed |= copied != child;
            children.push(copied);
        }
        let result = if changed {
            self.added += 1;
            if self.added > MAX_LINKED_NODES {
                return Err(Error::language(
                    call,
                    format!(
                        "function calls expand to more than {MAX_LINKED_NODES} nodes"
                    ),
                    "while inlining this call",
                    "functions that call others several times per level grow exponentially; compute a shared part once, as a definition",
                ));
            }
            let node = self.formula.rebuild(expr.node, &children);
            self.formula.push_expr(node, expr.span)
        } else {
            id
        };
        copies.insert(id, result);
        Ok(result)
    }

    fn unknown_function(&self, name: &str, span: Span) -> Error {
        let mut known: Vec<&str> = self
            .formula
            .functions
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        known.sort_unstable();
        let close: Vec<String> = known
            .iter()
            .filter(|k| strsim::damerau_levenshtein(name, k) <= (name.len() / 3).max(1))
            .map(|k| format!("`{k}`"))
            .take(3)
            .collect();
        // `log(2, 8)`: a function of other calculators, which the language has not on purpose.
        if let Some(help) = crate::error::not_a_function_help(name) {
            return Error::language(
                span,
                format!("`{name}` is not a function of the language"),
                "called here",
                help,
            );
        }
        let help = if close.is_empty() {
            format!("define it with `fn {name}(...) = ...`, or `use` the module that does (`use blocks`)")
        } else {
            format!("did you mean {}?", close.join(" or "))
        };
        Error::language(
            span,
            format!("unknown function `{name}`"),
            "called here",
            help,
        )
    }
}
