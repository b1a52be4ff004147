//! Binding: what each name in a formula refers to.
//!
//! Three layers answer a name, the first that has it wins: `--set` overrides, the formula's own
//! definitions, then the config. Each layer sees the layer below under its own name, so inside the
//! definition of `vocab_size` the name `vocab_size` is the config key (`vocab_size = vocab_size | 30522`
//! reads the config with a default), and inside `--set H=2*H` the name `H` is the formula's `H`.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::config::{Config, Lookup};
use crate::syntax::{Formula, StatementId, StatementKind};

/// The names one run can resolve.
#[derive(Debug)]
pub struct Scope<'a> {
    formula: &'a Formula,
    config: Option<&'a Config>,
    overrides: HashMap<&'a str, StatementId>,
    definitions: HashMap<&'a str, StatementId>,
    max_bits: u64,
    /// Config values already read: a formula names a few keys many times, and reading one
    /// converts the JSON number's text anew.
    config_values: RefCell<HashMap<String, Lookup>>,
}

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
        let mut overrides = HashMap::new();
        let mut definitions = HashMap::new();
        for id in formula.statement_ids() {
            match &formula.statement(id).kind {
                StatementKind::Override { name, .. } => {
                    overrides.insert(name.as_str(), id);
                }
                // A later definition of the same name replaces an earlier one.
                StatementKind::Definition(d) => {
                    definitions.insert(d.name.as_str(), id);
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
            config_values: RefCell::new(HashMap::new()),
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
        let (skip_overrides, skip_definitions) = match &self.formula.statement(within).kind {
            StatementKind::Override { name: own, .. } if own == name => (true, false),
            StatementKind::Definition(d) if d.name == name => (true, true),
            _ => (false, false),
        };
        if !skip_overrides && !self.overrides.is_empty() {
            if let Some(&id) = self.overrides.get(name) {
                return Resolution::Override(id);
            }
        }
        if !skip_definitions {
            if let Some(&id) = self.definitions.get(name) {
                return Resolution::Definition(id);
            }
        }
        Resolution::Config(self.lookup_config(name))
    }

    fn lookup_config(&self, name: &str) -> Lookup {
        let Some(config) = self.config else {
            return Lookup::Absent;
        };
        if let Some(known) = self.config_values.borrow().get(name) {
            return known.clone();
        }
        let lookup = config.lookup(name, self.max_bits);
        self.config_values
            .borrow_mut()
            .insert(name.to_string(), lookup.clone());
        lookup
    }

    /// The override that replaces definition `name`, if any.
    pub fn override_of(&self, name: &str) -> Option<StatementId> {
        self.overrides.get(name).copied()
    }

    /// Every name a user could have meant: definitions, overrides and config keys.
    pub fn known_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.definitions.keys().map(|s| s.to_string()).collect();
        names.extend(self.overrides.keys().map(|s| s.to_string()));
        if let Some(config) = self.config {
            names.extend(config.keys());
        }
        names.sort();
        names.dedup();
        names
    }

    /// The known names closest in spelling to `name`, closest first.
    pub fn suggestions(&self, name: &str) -> Vec<String> {
        let mut scored: Vec<(f64, String)> = self
            .known_names()
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
        scored.into_iter().map(|(_, name)| name).take(3).collect()
    }
}
