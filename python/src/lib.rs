//! `paramcount._native`: the compiled half of the Python package, a thin layer over the library.
//!
//! Every function here builds the library's own request (`program::Request`,
//! `check::CheckOptions`), calls the library's front door (`evaluate`, `derive`,
//! `breakdown::build`, `check::check`) with the GIL released, and converts the answer into Python
//! values: exact numbers become `int` (or `fractions.Fraction`), never `float`. Errors become the
//! exception classes of `paramcount/_errors.py`, carrying the same caret diagnostic the command line
//! prints. Argument normalising (paths, dicts, transformers configs) is in `paramcount/_api.py`.

use num_bigint::BigInt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use paramcount::breakdown::{self, output, output::View};
use paramcount::check::{self, CheckInput, CheckOptions, ClaimCheck, Report};
use paramcount::diagnostic::{self, Color};
use paramcount::humanize::NumberStyle;
use paramcount::printer::NumberFormat;
use paramcount::program::{ConfigText, FormulaSource, LoadError, Program, Request};
use paramcount::render::Style;
use paramcount::syntax::Sources;
use paramcount::{models, ClaimReport, Error, Number, Value};

/// What names a program's inputs, as `paramcount/_api.py` passes it: a dict with every key.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Spec {
    /// A built-in formula's name or a formula file's path, as the command line reads `FORMULA`.
    formula_name: Option<String>,
    /// A formula given as text: `(name, text)`.
    formula_text: Option<(String, String)>,
    /// An expression evaluated in the formula's scope (`-e`).
    expression: Option<String>,
    config_path: Option<String>,
    /// A config as JSON text: `(name, text)`.
    config_json: Option<(String, String)>,
    sets: Vec<String>,
    target: Option<String>,
}

impl Spec {
    fn request(self) -> Request {
        let formula = match (self.formula_text, self.formula_name) {
            (Some((name, text)), _) => Some(FormulaSource::Text { name, text }),
            (None, Some(name)) => Some(FormulaSource::Named(name)),
            (None, None) => None,
        };
        Request {
            formula,
            expression: self.expression,
            config: self.config_path,
            config_text: self
                .config_json
                .map(|(name, text)| ConfigText { name, text }),
            sets: self.sets,
            target: self.target,
            // As the command line does: a `set` name that nothing reads is a mistake, not a no-op.
            reject_unused_sets: true,
            ..Request::default()
        }
    }
}

/// The exception `paramcount._errors` makes for `error`, with the diagnostic rendered against
/// `sources` (the sources its span points into).
fn to_py_err(py: Python<'_>, error: &Error, sources: &Sources) -> PyErr {
    let rendered = diagnostic::error(error, sources, Color::Never);
    let debug = format!("{error:?}");
    // The variant's name: what the Python side picks the exception class by.
    let kind: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let (source, line, column) = match error.span() {
        Some(span) if (span.source.0 as usize) < sources.iter().count() => {
            let (line, column) = sources.line_column(span);
            (
                Some(sources.get(span.source).name.clone()),
                Some(line),
                Some(column),
            )
        }
        _ => (None, None, None),
    };
    let made = py.import("paramcount._errors").and_then(|module| {
        module.getattr("_from_native")?.call1((
            kind,
            error.to_string(),
            rendered,
            source,
            line,
            column,
            error.help(),
            error.label(),
        ))
    });
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(failure) => failure,
    }
}

fn load_error(py: Python<'_>, failure: LoadError) -> PyErr {
    to_py_err(py, &failure.error, &failure.sources)
}

/// A `fractions.Fraction`, or an `int` when the denominator is 1.
fn number_to_py<'py>(py: Python<'py>, number: &Number) -> PyResult<Bound<'py, PyAny>> {
    let (numerator, denominator): (BigInt, BigInt) = number.to_fraction();
    if denominator == BigInt::from(1) {
        return Ok(numerator.into_pyobject(py)?.into_any());
    }
    py.import("fractions")?
        .getattr("Fraction")?
        .call1((numerator, denominator))
}

fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Number(n) => number_to_py(py, n)?,
        Value::Bool(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any(),
        Value::Str(s) => s.into_pyobject(py)?.into_any(),
        Value::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(value_to_py(py, item)?)?;
            }
            list.into_any()
        }
    })
}

/// Claims a program makes (`total = ... = 123`), each a dict; a false one carries the diagnostic
/// the command line prints for it.
fn claims_to_py<'py>(
    py: Python<'py>,
    claims: &[ClaimReport],
    sources: &Sources,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for claim in claims {
        let (line, column) = sources.line_column(claim.span);
        let dict = PyDict::new(py);
        dict.set_item("source", &sources.get(claim.span.source).name)?;
        dict.set_item("line", line)?;
        dict.set_item("column", column)?;
        dict.set_item("text", sources.slice(claim.span))?;
        dict.set_item("computed", value_to_py(py, &claim.computed)?)?;
        dict.set_item("claimed", value_to_py(py, &claim.claimed)?)?;
        dict.set_item("holds", claim.holds())?;
        let message = (!claim.holds()).then(|| {
            diagnostic::false_claim(
                claim.span,
                &claim.computed.to_string(),
                &claim.claimed.to_string(),
                sources,
                Color::Never,
            )
        });
        dict.set_item("message", message)?;
        list.append(dict)?;
    }
    Ok(list)
}

fn load(py: Python<'_>, spec: Spec) -> PyResult<Program> {
    let request = spec.request();
    py.detach(|| Program::load(&request))
        .map_err(|failure| load_error(py, failure))
}

/// The target's exact value, the target's name, and the claims the program makes.
#[pyfunction]
fn evaluate<'py>(py: Python<'py>, spec: Spec) -> PyResult<Bound<'py, PyAny>> {
    let program = load(py, spec)?;
    let evaluation = py
        .detach(|| paramcount::evaluate(&program))
        .map_err(|e| to_py_err(py, &e, &program.formula.sources))?;
    let target = program
        .formula
        .statement(program.target)
        .definition()
        .map(|d| d.name.clone());
    let claims = claims_to_py(py, &evaluation.claims, &program.formula.sources)?;
    Ok((value_to_py(py, &evaluation.value)?, target, claims)
        .into_pyobject(py)?
        .into_any())
}

/// The derivation in `style` (a name of `render::Style::ALL`), and the program's claims.
#[pyfunction]
#[pyo3(signature = (spec, style, group_digits=false, spaced=false))]
fn derive<'py>(
    py: Python<'py>,
    spec: Spec,
    style: &str,
    group_digits: bool,
    spaced: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(&(_, style)) = Style::ALL.iter().find(|(name, _)| *name == style) else {
        let names: Vec<&str> = Style::ALL.iter().map(|(name, _)| *name).collect();
        return Err(PyValueError::new_err(format!(
            "unknown style `{style}`: one of {}",
            names.join(", ")
        )));
    };
    let program = load(py, spec)?;
    let format = NumberFormat {
        group_digits,
        spaced,
        ..NumberFormat::default()
    };
    let derivation = py
        .detach(|| paramcount::derive(&program, style, format))
        .map_err(|e| to_py_err(py, &e, &program.formula.sources))?;
    let claims = claims_to_py(py, &derivation.claims, &program.formula.sources)?;
    Ok((derivation.text, claims).into_pyobject(py)?.into_any())
}

/// Parses formula text without evaluating it: raises the syntax error, if any.
#[pyfunction]
fn parse(py: Python<'_>, name: &str, text: &str) -> PyResult<()> {
    let mut sources = Sources::new();
    sources.add(name, text);
    py.detach(|| paramcount::parse(name, text).map(|_| ()))
        .map_err(|e| to_py_err(py, &e, &sources))
}

/// A file's text, read as the command line reads a formula file (size limit, UTF-8, no NUL).
#[pyfunction]
fn read_text(py: Python<'_>, path: &str) -> PyResult<String> {
    paramcount::program::read_text(path).map_err(|e| to_py_err(py, &e, &Sources::new()))
}

/// The text of the built-in formula `name`; raises the library's "no built-in formula" error.
#[pyfunction]
fn find_builtin(py: Python<'_>, name: &str) -> PyResult<&'static str> {
    match models::find(name) {
        Some(builtin) => Ok(builtin.text),
        None => {
            let error = Error::UnknownFormula {
                name: name.to_string(),
                known: models::names(),
            };
            Err(to_py_err(py, &error, &Sources::new()))
        }
    }
}

/// The built-in formulas: name, summary, model types, variants, text.
#[pyfunction]
fn builtins<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for builtin in models::BUILTINS {
        let dict = PyDict::new(py);
        dict.set_item("name", builtin.name)?;
        dict.set_item("summary", builtin.summary())?;
        dict.set_item("model_types", builtin.model_types())?;
        dict.set_item("variants", builtin.variants())?;
        dict.set_item("text", builtin.text)?;
        list.append(dict)?;
    }
    Ok(list)
}

/// A breakdown of a program's target into its named parts, and its renderings.
#[pyclass(frozen, module = "paramcount._native")]
struct Breakdown {
    parts: breakdown::Breakdown,
    max_bits: u64,
}

fn number_style(name: &str) -> PyResult<NumberStyle> {
    Ok(match name {
        "plain" => NumberStyle::Plain,
        "grouped" => NumberStyle::Grouped,
        "short" => NumberStyle::Short,
        "short-binary" => NumberStyle::ShortBinary,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown number style `{other}`: one of plain, grouped, short, short-binary"
            )))
        }
    })
}

impl Breakdown {
    fn view(&self, depth: Option<usize>, numbers: &str) -> PyResult<View> {
        Ok(View {
            max_depth: depth,
            numbers: number_style(numbers)?,
            max_bits: self.max_bits,
        })
    }

    fn text(&self, py: Python<'_>, rendered: paramcount::Result<String>) -> PyResult<String> {
        rendered.map_err(|e| to_py_err(py, &e, &Sources::new()))
    }
}

#[pymethods]
impl Breakdown {
    /// The leaf parts when nesting is cut at `depth` (their `params` sum to the total), in the
    /// order of the command line's csv: name, path, params, each, repeats, explanation, depth.
    #[pyo3(signature = (depth=None))]
    fn leaves<'py>(&self, py: Python<'py>, depth: Option<usize>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for i in self.parts.leaves(depth) {
            let node = &self.parts.nodes[i];
            let row = PyDict::new(py);
            row.set_item("part", &node.name)?;
            row.set_item("path", self.parts.path(i).join("/"))?;
            row.set_item("params", number_to_py(py, &node.count)?)?;
            row.set_item("each", number_to_py(py, &node.each)?)?;
            row.set_item("repeats", number_to_py(py, &node.repeats)?)?;
            row.set_item("explanation", node.explanation.as_deref())?;
            row.set_item("depth", node.depth)?;
            list.append(row)?;
        }
        Ok(list)
    }

    /// The target's name.
    #[getter]
    fn target(&self) -> String {
        self.parts.root().name.clone()
    }

    /// The total: the target's exact value.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        number_to_py(py, self.parts.total())
    }

    #[pyo3(signature = (depth=None, numbers="grouped"))]
    fn table(&self, py: Python<'_>, depth: Option<usize>, numbers: &str) -> PyResult<String> {
        self.text(py, output::table(&self.parts, &self.view(depth, numbers)?))
    }

    #[pyo3(signature = (depth=None, numbers="grouped"))]
    fn markdown(&self, py: Python<'_>, depth: Option<usize>, numbers: &str) -> PyResult<String> {
        self.text(
            py,
            output::markdown(&self.parts, &self.view(depth, numbers)?),
        )
    }

    #[pyo3(signature = (depth=None, numbers="short"))]
    fn svg(&self, py: Python<'_>, depth: Option<usize>, numbers: &str) -> PyResult<String> {
        self.text(py, output::svg(&self.parts, &self.view(depth, numbers)?))
    }

    #[pyo3(signature = (depth=None))]
    fn csv(&self, depth: Option<usize>) -> PyResult<String> {
        Ok(output::csv(&self.parts, &self.view(depth, "plain")?))
    }

    #[pyo3(signature = (depth=None))]
    fn json(&self, py: Python<'_>, depth: Option<usize>) -> PyResult<String> {
        self.text(
            py,
            output::json_text(&self.parts, &self.view(depth, "plain")?),
        )
    }
}

/// Splits a program's target into its named parts.
#[pyfunction]
#[pyo3(name = "breakdown")]
fn build_breakdown(py: Python<'_>, spec: Spec) -> PyResult<Breakdown> {
    let program = load(py, spec)?;
    let parts = py
        .detach(|| breakdown::build(&program))
        .map_err(|e| to_py_err(py, &e, &program.formula.sources))?;
    Ok(Breakdown {
        parts,
        max_bits: program.limits.max_bits,
    })
}

/// One claim of a check: its JSON object (as `paramcount check --json` prints it, exact values as
/// strings) and its exact values as Python numbers.
fn claim_to_py<'py>(py: Python<'py>, claim: &ClaimCheck) -> PyResult<Bound<'py, PyAny>> {
    let single = Report {
        claims: vec![claim.clone()],
    };
    let json = single.to_json()["claims"][0].to_string();
    let optional = |value: &Option<Value>| -> PyResult<Option<Bound<'py, PyAny>>> {
        value.as_ref().map(|v| value_to_py(py, v)).transpose()
    };
    let difference = claim
        .difference
        .as_ref()
        .map(|d| number_to_py(py, d))
        .transpose()?;
    Ok((
        json,
        optional(&claim.computed)?,
        optional(&claim.claimed)?,
        difference,
    )
        .into_pyobject(py)?
        .into_any())
}

/// Checks the claims of `texts` (`(name, text)` pairs: formula files, or documents with `scan`)
/// and `expressions`; returns every claim and the command line's text report.
#[pyfunction]
#[pyo3(name = "check", signature = (texts, expressions, scan, config_path=None, config_json=None, sets=Vec::new()))]
fn check_claims<'py>(
    py: Python<'py>,
    texts: Vec<(String, String)>,
    expressions: Vec<String>,
    scan: bool,
    config_path: Option<String>,
    config_json: Option<(String, String)>,
    sets: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut inputs: Vec<CheckInput> = texts
        .into_iter()
        .map(|(name, text)| CheckInput::Text { name, text })
        .collect();
    inputs.extend(expressions.into_iter().map(CheckInput::Expression));
    let options = CheckOptions {
        scan,
        config: config_path,
        config_text: config_json.map(|(name, text)| ConfigText { name, text }),
        sets,
        ..CheckOptions::default()
    };
    let report = py
        .detach(|| check::check(&inputs, &options))
        .map_err(|failure| load_error(py, failure))?;
    let claims = PyList::empty(py);
    for claim in &report.claims {
        claims.append(claim_to_py(py, claim)?)?;
    }
    Ok((claims, report.render_text(false), report.exit_code())
        .into_pyobject(py)?
        .into_any())
}

#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(evaluate, module)?)?;
    module.add_function(wrap_pyfunction!(derive, module)?)?;
    module.add_function(wrap_pyfunction!(parse, module)?)?;
    module.add_function(wrap_pyfunction!(read_text, module)?)?;
    module.add_function(wrap_pyfunction!(builtins, module)?)?;
    module.add_function(wrap_pyfunction!(find_builtin, module)?)?;
    module.add_function(wrap_pyfunction!(build_breakdown, module)?)?;
    module.add_function(wrap_pyfunction!(check_claims, module)?)?;
    module.add_class::<Breakdown>()?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
