//! `paramcount models`: the built-in formulas, what they count and which config keys they read.

use paramcount::models;

use super::{print, Outcome};

pub fn run() -> Outcome {
    let width = models::BUILTINS
        .iter()
        .map(|b| b.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for builtin in models::BUILTINS {
        out.push_str(&format!(
            "{:<width$}  {}\n",
            builtin.name,
            builtin.summary()
        ));
        let types = builtin.model_types();
        if !types.is_empty() {
            out.push_str(&format!(
                "{:<width$}  model_type: {}\n",
                "",
                types.join(", ")
            ));
        }
        let variants = builtin.variants();
        if !variants.is_empty() {
            out.push_str(&format!(
                "{:<width$}  variants: {}\n",
                "",
                variants.join(", ")
            ));
        }
        let keys = builtin.config_keys();
        out.push_str(&format!("{:<width$}  reads: {}\n", "", keys.join(", ")));
    }
    print(&out);
    Outcome::Success
}
