//! Built-in model formulas: formula files embedded in the binary, chosen by name or by a config's
//! `model_type`.
//!
//! Each is an ordinary formula file under `formulas/`, readable on its own. Its header may carry
//! directives, comment lines of the form `#! key: value`:
//! `summary` (one line for `paramcount models`), `model_types` (the config `model_type`s the formula
//! accepts, comma separated), `variants` (the definitions worth choosing with `--target`) and
//! `default` (the definition evaluated when no `--target` is given).

use std::collections::HashSet;

use crate::parser;
use crate::syntax::{ExprKind, Formula};

/// A built-in formula.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! builtin {
    ($name:literal) => {
        Builtin {
            name: $name,
            text: include_str!(concat!("../formulas/", $name, ".formula")),
        }
    };
}

/// Every built-in formula, in the order `paramcount models` lists them.
pub const BUILTINS: &[Builtin] = &[
    builtin!("bert"),
    builtin!("ernie"),
    builtin!("roberta"),
    builtin!("albert"),
    builtin!("distilbert"),
    builtin!("electra"),
    builtin!("gpt2"),
    builtin!("gpt-neox"),
    builtin!("opt"),
    builtin!("llama"),
    builtin!("t5"),
    builtin!("vit"),
    builtin!("bert-article"),
    builtin!("ernie-article"),
];

impl Builtin {
    /// The value of a `#! key: value` directive.
    pub fn directive(&self, key: &str) -> Option<&'static str> {
        directive(self.text, key)
    }

    pub fn summary(&self) -> &'static str {
        self.directive("summary").unwrap_or("")
    }

    pub fn model_types(&self) -> Vec<&'static str> {
        list(self.directive("model_types"))
    }

    pub fn variants(&self) -> Vec<&'static str> {
        list(self.directive("variants"))
    }

    pub fn default_target(&self) -> Option<&'static str> {
        self.directive("default")
    }

    /// The config keys the formula reads: every name it uses but does not define, in file order.
    pub fn config_keys(&self) -> Vec<String> {
        let mut formula = Formula::new();
        let source = formula.sources.add(self.name, self.text);
        if parser::parse_file(&mut formula, source, parser::DEFAULT_MAX_DEPTH).is_err() {
            return Vec::new();
        }
        let defined: HashSet<&str> = formula
            .definitions()
            .map(|(_, d)| d.name.as_str())
            .collect();
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        for (_, definition) in formula.definitions() {
            let mut stack = vec![definition.value];
            while let Some(id) = stack.pop() {
                if let ExprKind::Name(name) = formula.kind(id) {
                    // Inside the definition of X, the name X is the config key X.
                    let is_key = !defined.contains(name) || *name == definition.name;
                    if is_key && seen.insert(name) {
                        keys.push(name.to_string());
                    }
                }
                stack.extend(formula.children(id).into_iter().rev());
            }
        }
        keys
    }
}

/// The value of a `#! key: value` directive in a formula's text.
pub fn directive<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("#!")?.trim_start();
        let value = rest.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        Some(value.trim())
    })
}

fn list(value: Option<&'static str>) -> Vec<&'static str> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The built-in formula called `name`.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// The built-in formula that accepts configs of `model_type`.
pub fn for_model_type(model_type: &str) -> Option<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|b| b.model_types().contains(&model_type))
}

pub fn names() -> Vec<String> {
    BUILTINS.iter().map(|b| b.name.to_string()).collect()
}

/// Every `model_type` some built-in formula accepts.
pub fn model_types() -> Vec<String> {
    let mut all: Vec<String> = BUILTINS
        .iter()
        .flat_map(|b| b.model_types())
        .map(str::to_string)
        .collect();
    all.sort();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_from_comment_lines() {
        let text = "# A model\n#! summary: A test\n#! model_types: llama, mistral\nx = 1\n";
        assert_eq!(directive(text, "summary"), Some("A test"));
        assert_eq!(
            list(directive(text, "model_types").map(|s| &*s.to_string().leak())),
            vec!["llama", "mistral"]
        );
        assert_eq!(directive(text, "default"), None);
    }

    #[test]
    fn config_keys_are_the_names_a_formula_does_not_define() {
        let keys = find("bert-article").unwrap().config_keys();
        assert_eq!(
            keys,
            [
                "vocab_size",
                "max_position_embeddings",
                "type_vocab_size",
                "hidden_size",
                "num_hidden_layers",
                "num_attention_heads",
                "intermediate_size"
            ]
        );
    }

    #[test]
    fn every_builtin_has_a_summary() {
        for builtin in BUILTINS {
            assert!(
                !builtin.summary().is_empty(),
                "{} has no `#! summary:`",
                builtin.name
            );
        }
    }
}
