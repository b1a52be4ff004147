//! Sub-models: `model("llama", text_config)` counts a nested config object with a built-in family's
//! formula, as a number in the enclosing formula (a multimodal model is its text model, its vision
//! tower and a projector).
//!
//! The family is loaded and evaluated as a program of its own. Its errors point into its own
//! sources, so they come back as one error at the `model(...)` call that names the family and says
//! what went wrong. Sub-models may use sub-models; a family that reaches itself is a cycle.

use std::cell::RefCell;

use crate::bind::Scope;
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Limits, Value};
use crate::models;
use crate::number::Number;
use crate::program::Program;
use crate::syntax::Span;

thread_local! {
    /// The families being evaluated as sub-models, outermost first.
    static ACTIVE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Sub-models nest at most this deep (a vision tower inside a multimodal model is two).
const MAX_NESTING: usize = 16;

/// The value of family `family` (a family name or a `model_type`) on the config object
/// `config_json` (read from the key `path`), at `target` or the family's default.
pub fn evaluate(
    family: &str,
    config_json: String,
    path: &str,
    target: Option<&str>,
    limits: Limits,
    span: Span,
) -> Result<Number> {
    let Some(builtin) = models::find(family).or_else(|| models::for_model_type(family)) else {
        return Err(Error::language(
            span,
            format!("no built-in family is called `{family}` or accepts it as model_type"),
            "this sub-model",
            format!("the built-in families: {}", models::names().join(", ")),
        ));
    };
    let active = ACTIVE.with(|a| a.borrow().clone());
    if active.iter().any(|f| f == builtin.name) || active.len() >= MAX_NESTING {
        let mut cycle = active;
        cycle.push(builtin.name.to_string());
        return Err(Error::Cycle { span, cycle });
    }
    let fail = |error: Error| {
        Error::language(
            span,
            format!(
                "the sub-model `{}` on `{path}` fails: {error}",
                builtin.name
            ),
            "this sub-model",
            error
                .help()
                .unwrap_or_else(|| format!("check `{path}` in the config")),
        )
    };
    let program = Program::submodel(
        builtin,
        config_json,
        format!("config `{path}`"),
        target,
        limits,
    )
    .map_err(fail)?;
    ACTIVE.with(|a| a.borrow_mut().push(builtin.name.to_string()));
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
