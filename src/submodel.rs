//! Sub-models: `model("llama", text_config)` counts a nested config object with a built-in family's
//! formula, as a number in the enclosing formula (a multimodal model is its text model, its vision
//! tower and a projector).
//!
//! The family is loaded and evaluated as a program of its own. Its errors point into its own
//! sources, so they come back as one error at the `model(...)` call that names the family and says
//! what went wrong. Sub-models may use sub-models; a family that reaches itself is a cycle.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::bind::Scope;
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Value};
use crate::limits::{Limits, MAX_SUBMODEL_NESTING};
use crate::models;
use crate::number::Number;
use crate::program::{Program, SubModel};
use crate::syntax::Span;

thread_local! {
    /// The families being evaluated as sub-models, outermost first.
    static ACTIVE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A family file in `dir`: `FAMILY.formula`, or one whose `@model_types` name `family`.
fn in_folder(dir: &Path, family: &str) -> Option<PathBuf> {
    let named = dir.join(format!("{family}.formula"));
    if named.is_file() {
        return Some(named);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "formula") && p.is_file())
        .collect();
    files.sort();
    files.into_iter().find(|file| {
        std::fs::read_to_string(file).is_ok_and(|text| {
            models::metadata(&text)
                .iter()
                .any(|m| m.key == "model_types" && m.values.iter().any(|v| v == family))
        })
    })
}

/// The value of family `family` (a family name or a `model_type`) on the config object
/// `config_json` (read from the key `path`), at `target` or the family's default. A program read
/// from a file looks in that file's folder (`near`) first, as `use` does.
pub(crate) fn evaluate(
    near: Option<&Path>,
    family: &str,
    config_json: String,
    path: &str,
    target: Option<&str>,
    limits: Limits,
    span: Span,
) -> Result<Number> {
    let found = near
        .and_then(|dir| in_folder(dir, family))
        .map(SubModel::File)
        .or_else(|| {
            models::find(family)
                .or_else(|| models::for_model_type(family))
                .map(SubModel::Builtin)
        });
    let Some(found) = found else {
        return Err(Error::language(
            span,
            format!("no built-in family is called `{family}` or accepts it as model_type"),
            "this sub-model",
            format!("the built-in families: {}", models::names().join(", ")),
        ));
    };
    let name = match &found {
        SubModel::Builtin(builtin) => builtin.name.to_string(),
        SubModel::File(file) => file
            .file_stem()
            .map_or_else(|| family.to_string(), |s| s.to_string_lossy().to_string()),
    };
    let active = ACTIVE.with(|a| a.borrow().clone());
    if active.contains(&name) || active.len() >= MAX_SUBMODEL_NESTING {
        let mut cycle = active;
        cycle.push(name);
        return Err(Error::Cycle { span, cycle });
    }
    let fail = |error: Error| {
        Error::language(
            span,
            format!("the sub-model `{name}` on `{path}` fails: {error}"),
            "this sub-model",
            error
                .help()
                .unwrap_or_else(|| format!("check `{path}` in the config")),
        )
    };
    let program = Program::submodel(
        found,
        config_json,
        format!("config `{path}`"),
        target,
        limits,
    )
    .map_err(fail)?;
    ACTIVE.with(|a| a.borrow_mut().push(name.clone()));
    let scope = Scope::new(&program.formula, program.config.as_ref(), limits.max_bits);
    let mut evaluator = Evaluator::new(&scope, limits);
    let value = evaluator.statement(program.target);
    ACTIVE.with(|a| a.borrow_mut().pop());
    match value.map_err(fail)? {
        Value::Number(n) => Ok(n),
        other => Err(fail(Error::Type {
            span,
            context: "a sub-model".into(),
            expected: "a number".into(),
            found: other.describe(),
        })),
    }
}
