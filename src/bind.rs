//! Binding: what each name in a formula refers to.
//!
//! Three layers answer a name, the first that has it wins: `--set` overrides, the formula's own
//! definitions, then the config. Each layer sees the layer below under its own name, so inside the
//! definition of `vocab_size` the name `vocab_size` is the config key (`vocab_size = vocab_size | 30522`
//! reads the config with a default), and inside `--set H=2*H` the name `H` is the formula's `H`.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::config::{Config, Lookup};
use crate::syntax::{ExprId, Formula, Node, StatementId, StatementKind, Symbol};

/// The names one run can resolve.
#[derive(Debug)]
pub struct Scope<'a> {
    formula: &'a Formula,
    config: Option<&'a Config>,
    /// Keyed by the `Symbol` of a name: a name in the tree is resolved without hashing its text
    /// (a 100,000-line file resolves a million of them).
    overrides: SymbolMap<StatementId>,
    definitions: SymbolMap<StatementId>,
    max_bits: u64,
    /// Config values already read: a formula names a few keys many times, and reading one
    /// converts the JSON number's text anew.
    config_values: RefCell<SymbolMap<Lookup>>,
}

type SymbolMap<T> = HashMap<Symbol, T, foldhash::fast::RandomState>;

/// What a name refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    Override(StatementId),
    Definition(StatementId),
    /// A config key's value (or `Lookup::Absent`).
    Config(Lookup),
}

impl<'a> Scope<'a> {
    pub fn new(formula: &'a Formula, config: Option<&'a Config>, max_bits: u64) -> Scope<'a> {
        // `check` builds a scope per claim it evaluates: this stays proportional to the number of
        // definitions, not to every statement or everything the formula interned.
        let mut overrides = SymbolMap::default();
        let mut definitions = SymbolMap::default();
        for &id in formula.naming_statements() {
            // `Formula::push_statement` interned every defined or set name.
            match &formula.statement(id).kind {
                StatementKind::Override { name, .. } => {
                    if let Some(symbol) = formula.symbols.find(name) {
                        overrides.insert(symbol, id);
                    }
                }
                // A later definition of the same name replaces an earlier one.
                StatementKind::Definition(d) => {
                    if let Some(symbol) = formula.symbols.find(&d.name) {
                        definitions.insert(symbol, id);
                    }
                }
                StatementKind::Expression { .. } => {}
            }
        }
        Scope {
            formula,
            config,
            overrides,
            definitions,
            max_bits,
            config_values: RefCell::default(),
        }
    }

    pub fn formula(&self) -> &'a Formula {
        self.formula
    }

    pub fn config(&self) -> Option<&'a Config> {
        self.config
    }

    /// Resolves `name` as it appears inside statement `within`.
    pub fn resolve(&self, name: &str, within: StatementId) -> Resolution {
        match self.formula.symbols.find(name) {
            Some(symbol) => self.resolve_symbol(symbol, within),
            // Not interned: nothing defines or sets it, and no node names it.
            None => Resolution::Config(
                self.config
                    .map_or(Lookup::Absent, |config| config.lookup(name, self.max_bits)),
            ),
        }
    }

    /// Resolves the name written at node `id` (a `Name` node) inside statement `within`: the way
    /// the evaluator resolves, by symbol, without hashing the text again.
    pub fn resolve_at(&self, id: ExprId, within: StatementId) -> Resolution {
        match self.formula.node(id) {
            Node::Name(symbol) => self.resolve_symbol(symbol, within),
            _ => Resolution::Config(Lookup::Absent),
        }
    }

    /// Resolves the name `symbol` as it appears inside statement `within`.
    pub fn resolve_symbol(&self, symbol: Symbol, within: StatementId) -> Resolution {
        self.named_statement(symbol, within)
            .unwrap_or_else(|| Resolution::Config(self.lookup_config(symbol)))
    }

    /// What `resolve_symbol` answers when the name is a definition or a `--set` override, without
    /// looking in the config otherwise.
    pub fn named_statement(&self, symbol: Symbol, within: StatementId) -> Option<Resolution> {
        let own = |name: &str| name == self.formula.symbols.get(symbol);
        let (skip_overrides, skip_definitions) = match &self.formula.statement(within).kind {
            StatementKind::Override { name, .. } if own(name) => (true, false),
            StatementKind::Definition(d) if own(&d.name) => (true, true),
            _ => (false, false),
        };
        if !skip_overrides && !self.overrides.is_empty() {
            if let Some(&id) = self.overrides.get(&symbol) {
                return Some(Resolution::Override(id));
            }
        }
        if !skip_definitions {
            if let Some(&id) = self.definitions.get(&symbol) {
                return Some(Resolution::Definition(id));
            }
        }
        None
    }

    fn lookup_config(&self, symbol: Symbol) -> Lookup {
        let Some(config) = self.config else {
            return Lookup::Absent;
        };
        if let Some(known) = self.config_values.borrow().get(&symbol) {
            return known.clone();
        }
        let lookup = config.lookup(self.formula.symbols.get(symbol), self.max_bits);
        self.config_values
            .borrow_mut()
            .insert(symbol, lookup.clone());
        lookup
    }

    /// The override that replaces definition `name`, if any.
    pub fn override_of(&self, name: &str) -> Option<StatementId> {
        let symbol = self.formula.symbols.find(name)?;
        self.overrides.get(&symbol).copied()
    }

    /// The names the formula defines and the `--set` overrides, each once.
    fn own_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        let formula = self.formula;
        self.definitions
            .values()
            .chain(self.overrides.values())
            .filter_map(move |&id| match &formula.statement(id).kind {
                StatementKind::Definition(d) => Some(d.name.as_str()),
                StatementKind::Override { name, .. } => Some(name.as_str()),
                StatementKind::Expression { .. } => None,
            })
    }

    /// Every name a user could have meant: definitions, overrides and config keys.
    pub fn known_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.own_names().map(str::to_string).collect();
        if let Some(config) = self.config {
            names.extend(config.keys());
        }
        names.sort();
        names.dedup();
        names
    }

    /// The known names closest in spelling to `name`, closest first.
    pub fn suggestions(&self, name: &str) -> Vec<String> {
        closest_names(name, self.known_names())
    }
}

/// The candidates closest in spelling to `name` (at most three, closest first): a few edits away,
/// or nearly the same by Jaro-Winkler (which forgives a changed ending: `n_layers` for `n_layer`).
pub fn closest_names(name: &str, candidates: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut scored: Vec<(f64, String)> = candidates
        .into_iter()
        .filter(|candidate| candidate != name)
        .filter_map(|candidate| {
            let score = strsim::jaro_winkler(&name.to_lowercase(), &candidate.to_lowercase());
            let distance = strsim::damerau_levenshtein(name, &candidate);
            let close = distance <= (name.chars().count() / 3).max(1) || score >= 0.9;
            close.then_some((score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().map(|(_, name)| name).take(3).collect()
}
