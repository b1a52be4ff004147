//! Gathering the inputs of one run: the formula (a file, standard input or a built-in), an `-e`
//! expression, the config, the `--set` overrides, and which statement to evaluate.
//!
//! Everything is parsed into one `Formula` so that spans from every input share one set of sources
//! and the diagnostics can point into any of them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::eval::Value;
use crate::limits::{Limits, DEFAULT_MAX_INPUT_BYTES};
use crate::models;
use crate::modules::{Loader, Origin};
use crate::parser;
use crate::syntax::{ExprKind, Formula, Sources, StatementId, StatementKind};
use crate::{checkpoint, hub};

/// Where the formula comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormulaSource {
    /// A path, `-` for standard input, or the name of a built-in formula.
    Named(String),
    /// Text given directly (the library's way in).
    Text { name: String, text: String },
}

/// A config given as JSON text rather than as a file, shown under `name` in messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigText {
    pub name: String,
    pub text: String,
}

/// What a user asked for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub formula: Option<FormulaSource>,
    /// `-e EXPR`: evaluated in the scope of the formula, if one is given.
    pub expression: Option<String>,
    /// `--config FILE`.
    pub config: Option<String>,
    /// A config given as JSON text rather than a file (a library caller's dict); wins over
    /// `config`.
    pub config_text: Option<ConfigText>,
    /// `--set NAME=VALUE`, in the order given (a later one wins).
    pub sets: Vec<String>,
    /// `--target NAME`.
    pub target: Option<String>,
    pub limits: Limits,
    /// `--revision REV`: the branch, tag or commit of a Hub model id (default `main`).
    pub revision: Option<String>,
    /// Refuse a `--set NAME` that nothing reads (the command line does, unless
    /// `--allow-unused-set`; a library caller asks for it).
    pub reject_unused_sets: bool,
}

impl Request {
    /// A formula given as text: a whole formula file's worth of statements.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Request {
        Request {
            formula: Some(FormulaSource::Text {
                name: name.into(),
                text: text.into(),
            }),
            ..Request::default()
        }
    }

    /// A built-in formula (`bert`, `llama`, ...) or a formula file, by name or path.
    pub fn named(name: impl Into<String>) -> Request {
        Request {
            formula: Some(FormulaSource::Named(name.into())),
            ..Request::default()
        }
    }

    /// One expression, `-e` style (with a formula, it sees the formula's names).
    pub fn expression(mut self, expression: impl Into<String>) -> Request {
        self.expression = Some(expression.into());
        self
    }

    /// The model config (`config.json`) that names not defined in the formula are read from.
    pub fn config(mut self, path: impl Into<String>) -> Request {
        self.config = Some(path.into());
        self
    }

    /// The model config as JSON text (`{"hidden_size": 768, ...}`), shown under `name` in
    /// messages; wins over `config`.
    pub fn config_json(mut self, name: impl Into<String>, text: impl Into<String>) -> Request {
        self.config_text = Some(ConfigText {
            name: name.into(),
            text: text.into(),
        });
        self
    }

    /// `NAME=VALUE` (a number, true/false or an expression); a later one wins.
    pub fn set(mut self, assignment: impl Into<String>) -> Request {
        self.sets.push(assignment.into());
        self
    }

    /// The definition to evaluate instead of the formula's default target.
    pub fn target(mut self, name: impl Into<String>) -> Request {
        self.target = Some(name.into());
        self
    }

    /// Reads and parses everything named: `Program::load(&self)`.
    pub fn load(&self) -> Result<Program> {
        Ok(Program::load(self)?)
    }
}

/// The value of the target of `request` when its input can be evaluated while it is read, without
/// building a tree: plain arithmetic (numbers, `+ - * / ^ **`, signs, brackets, juxtaposition: a
/// formula file, standard input or `-e`, with no config), or a formula file of definitions that
/// each read only earlier definitions and numbers of a config file (`parser::fold_definitions`).
/// Never with `--set` or `--target`. This is the value `evaluate` gives, and there are no claims.
/// `None` means "load and evaluate as usual": the input is anything else, or it has an error,
/// which the usual route reports.
///
/// A file or standard input it reads is kept in `request` as text, so the usual route that may
/// follow reads it from there (standard input cannot be read twice). A file it cannot read is left
/// for `Program::load` to report.
pub fn quick_value(request: &mut Request) -> Option<Value> {
    if !request.sets.is_empty() || request.target.is_some() {
        return None;
    }
    let has_config = request.config.is_some() || request.config_text.is_some();
    let text = match (&request.formula, &request.expression) {
        (None, Some(expression)) if !has_config => expression.as_str(),
        (Some(source), None) => {
            if let FormulaSource::Named(name) = source {
                // A file or `-`, as `assemble` reads them; a built-in's text is never arithmetic
                // alone, and a name that is neither is `load`'s to explain.
                if name != "-" && !Path::new(name).is_file() {
                    return None;
                }
                let text = read_text_within(name, request.limits.max_input_bytes).ok()?;
                request.formula = Some(FormulaSource::Text {
                    name: display_name(name),
                    text,
                });
            }
            match &request.formula {
                Some(FormulaSource::Text { text, .. }) => text.as_str(),
                _ => return None,
            }
        }
        _ => return None,
    };
    let limits = request.limits;
    if !has_config {
        if let Some(value) = parser::fold(text, limits) {
            return Some(Value::Number(value));
        }
        return parser::fold_definitions(text, limits, &mut |_| None).map(Value::Number);
    }
    let config = quick_config(request)?;
    let mut numbers = |name: &str| match config.lookup(name, limits.max_bits) {
        crate::config::Lookup::Number(n)
            if crate::eval::config_size_problem(name, &n).is_none() =>
        {
            Some(n)
        }
        _ => None,
    };
    parser::fold_definitions(text, limits, &mut numbers).map(Value::Number)
}

/// The config of `request` for `quick_value`: its JSON text, or a local JSON file (a Hub id, a
/// directory or a GGUF file is the usual route's). `None` for anything it cannot read or parse.
fn quick_config(request: &Request) -> Option<Config> {
    let limits = request.limits;
    let mut sources = Sources::default();
    let (name, text) = match (&request.config_text, &request.config) {
        (Some(given), _) => (given.name.clone(), given.text.clone()),
        (None, Some(spec)) => {
            let path = Path::new(spec);
            if spec == "-" || !path.is_file() || checkpoint::gguf::looks_like(path) {
                return None;
            }
            (
                display_name(spec),
                read_text_within(spec, limits.max_input_bytes).ok()?,
            )
        }
        (None, None) => return None,
    };
    if text.len() > limits.max_input_bytes {
        return None;
    }
    let source = sources.add(name, text);
    Config::parse(&sources, source, limits.max_bits).ok()
}

/// The family a sub-model is counted with.
#[derive(Clone, Debug)]
pub enum SubModel {
    Builtin(&'static models::Builtin),
    /// A formula file next to the program's own (a family not built in yet).
    File(PathBuf),
}

/// Everything parsed and ready to bind and evaluate.
#[derive(Debug)]
pub struct Program {
    pub formula: Formula,
    pub config: Option<Config>,
    /// The statement `eval` and `derive` compute.
    pub target: StatementId,
    pub limits: Limits,
    /// The built-in formula in use, if any.
    pub builtin: Option<&'static models::Builtin>,
}

/// Reads a file as UTF-8 text; `-` is standard input. At most the default input limit is read
/// (`read_text_within` takes another).
pub fn read_text(path: &str) -> Result<String> {
    read_text_within(path, DEFAULT_MAX_INPUT_BYTES)
}

/// Reads a file as UTF-8 text, refusing more than `max_bytes` (without reading past them: a
/// device such as `/dev/zero` or an endless pipe ends in an error, not in exhausted memory), and
/// refusing binary files (a NUL byte) and text that is not UTF-8.
pub fn read_text_within(path: &str, max_bytes: usize) -> Result<String> {
    use std::io::Read;
    let io_error = |e: std::io::Error| Error::Io {
        path: display_name(path),
        message: io_message(&e),
    };
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
    } else {
        std::fs::File::open(path)
            .and_then(|file| {
                // `take` hides the file's size from `read_to_end`, which would then grow the
                // buffer by doubling: a 10 MB file would be copied and its pages cleared twice.
                let size = file.metadata().map_or(0, |m| m.len()).min(limit);
                bytes.reserve_exact(usize::try_from(size).unwrap_or(0).saturating_add(1));
                file.take(limit).read_to_end(&mut bytes)
            })
            .map_err(io_error)?;
    }
    if bytes.len() > max_bytes {
        return Err(Error::InputTooLarge {
            path: display_name(path),
            bytes: bytes.len(),
            limit: max_bytes,
        });
    }
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(Error::BinaryInput {
            path: display_name(path),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|e| Error::NotText {
        path: display_name(path),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads and parses a run's config into `sources`: JSON text given directly wins over `spec` (a
/// `config.json`, a model directory, a GGUF file or a Hub id at `revision`, as `read_config` reads
/// them).
pub fn load_config(
    sources: &mut Sources,
    spec: Option<&str>,
    text: Option<&ConfigText>,
    revision: Option<&str>,
    limits: &Limits,
) -> Result<Option<Config>> {
    let (name, text) = match (text, spec) {
        (Some(given), _) => {
            check_size(&given.name, &given.text, limits.max_input_bytes)?;
            (given.name.clone(), given.text.clone())
        }
        (None, Some(spec)) => read_config(spec, revision, limits.max_input_bytes)?,
        (None, None) => return Ok(None),
    };
    let source = sources.add(name, text);
    Ok(Some(Config::parse(sources, source, limits.max_bits)?))
}

/// Parses `--set NAME=VALUE` assignments into overrides of `formula`, in the order given (a later
/// one wins), each value a source of its own named `--set NAME`. `eval` and `check` read them here.
pub(crate) fn parse_sets(formula: &mut Formula, sets: &[String], limits: &Limits) -> Result<()> {
    for set in sets {
        let Some((name, value)) = set.split_once('=') else {
            return Err(Error::SetSyntax { text: set.clone() });
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::SetSyntax { text: set.clone() });
        }
        check_size(&format!("--set {name}"), value, limits.max_input_bytes)?;
        let source = formula
            .sources
            .add(format!("--set {name}"), value.to_string());
        parser::parse_override(formula, source, name, limits.max_depth)?;
    }
    Ok(())
}

/// Refuses a text given directly (`-e`, `--set`, a library caller's text) past `max_bytes`.
pub fn check_size(name: &str, text: &str, max_bytes: usize) -> Result<()> {
    if text.len() > max_bytes {
        return Err(Error::InputTooLarge {
            path: name.to_string(),
            bytes: text.len(),
            limit: max_bytes,
        });
    }
    Ok(())
}

/// A name defined twice in one file is almost always a mistake (most often a claim written as
/// `total = 123` on a line of its own, which would silently replace the formula): refuse it.
pub(crate) fn reject_redefinitions(formula: &Formula, statements: &[StatementId]) -> Result<()> {
    // Indexed by the symbol of each name (`Formula::push_statement` interned them all): the
    // statement that defined it first, or `NONE`. Four bytes a symbol, as there is one a line.
    const NONE: u32 = u32::MAX;
    let mut seen = vec![NONE; formula.symbols.len()];
    for &id in statements {
        let Some(definition) = formula.statement(id).definition() else {
            continue;
        };
        let Some(symbol) = formula.symbols.find(&definition.name) else {
            continue;
        };
        let Some(slot) = seen.get_mut(symbol.index()) else {
            continue;
        };
        if *slot != NONE {
            let first = formula.statement(StatementId(*slot)).definition();
            let (line, _) = formula
                .sources
                .line_column(first.map_or(definition.name_span, |d| d.name_span));
            return Err(Error::Redefinition {
                span: definition.name_span,
                name: definition.name.clone(),
                first_line: line,
            });
        }
        *slot = id.0;
    }
    Ok(())
}

/// Refuses a formula with more statements than `max_definitions`, pointing at the first one past
/// the limit.
pub fn check_statement_count(formula: &Formula, max_definitions: usize) -> Result<()> {
    let count = formula.statements.len();
    if count <= max_definitions {
        return Ok(());
    }
    Err(Error::TooManyDefinitions {
        span: formula.statements[max_definitions].span,
        count,
        limit: max_definitions,
    })
}

fn io_message(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// A `--set NAME` that nothing reads (no name the formula or `-e` mentions, no definition, no config
/// key) would change nothing, silently: `--set n_layers=24` where the key is `n_layer`. That is an
/// error naming the closest names, unless `--allow-unused-set` asks for it.
fn check_sets_are_read(formula: &Formula, config: Option<&Config>, max_bits: u64) -> Result<()> {
    // Without a `--set` there is nothing to check, and the names of a 100,000-line file are
    // 4 MB to collect.
    let sets = |s: &crate::syntax::Statement| matches!(s.kind, StatementKind::Override { .. });
    if !formula.statements.iter().any(sets) {
        return Ok(());
    }
    let mut read: HashSet<&str> = formula
        .expr_ids()
        .filter_map(|id| match formula.kind(id) {
            ExprKind::Name(name) => Some(name),
            _ => None,
        })
        .collect();
    read.extend(formula.definitions().map(|(_, d)| d.name.as_str()));
    for statement in &formula.statements {
        let StatementKind::Override { name, .. } = &statement.kind else {
            continue;
        };
        let in_config = config
            .is_some_and(|c| !matches!(c.lookup(name, max_bits), crate::config::Lookup::Absent));
        if read.contains(name.as_str()) || in_config {
            continue;
        }
        let mut candidates: Vec<String> = read.iter().map(|n| n.to_string()).collect();
        candidates.extend(config.map(Config::keys).unwrap_or_default());
        let close = crate::bind::closest_names(name, candidates);
        let hint = match close.as_slice() {
            [] => String::new(),
            [one] => format!("did you mean `{one}`? "),
            many => format!(
                "did you mean one of {}? ",
                many.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Error::Usage {
            message: format!(
                "`--set {name}` would change nothing: the formula does not read `{name}`{}",
                if config.is_some() {
                    " and the config has no such key"
                } else {
                    ", and no config was given"
                }
            ),
            help: format!("{hint}To set it all the same, add --allow-unused-set"),
        });
    }
    Ok(())
}

/// Whether a formula argument names a model rather than a formula: a model directory, a GGUF file,
/// or (when it is no path and no built-in) a Hub id `org/name`.
fn names_a_model(name: &str) -> bool {
    let path = Path::new(name);
    if name == "-" {
        return false;
    }
    if path.is_dir() {
        return true;
    }
    if path.is_file() {
        return checkpoint::gguf::looks_like(path);
    }
    !path.exists()
        && models::find(name).is_none()
        && name.contains('/')
        && !name.ends_with(".formula")
        && hub::looks_like_id(name)
}

/// The config text of a model, from wherever it is: a `config.json`, a model directory (its
/// `config.json`), a GGUF file (a config made from its metadata), or a Hub model id (the cached
/// or downloaded `config.json` at `revision`). A path that exists always wins over an id.
pub fn read_config(
    spec: &str,
    revision: Option<&str>,
    max_bytes: usize,
) -> Result<(String, String)> {
    let path = Path::new(spec);
    if spec != "-" && path.is_dir() {
        let file = path.join("config.json");
        if !file.is_file() {
            return Err(Error::Io {
                path: display_name(spec),
                message: "the directory has no config.json".into(),
            });
        }
        let file = file.to_string_lossy().into_owned();
        return Ok((display_name(&file), read_text_within(&file, max_bytes)?));
    }
    if spec != "-" && path.is_file() && checkpoint::gguf::looks_like(path) {
        let gguf = checkpoint::gguf::read(spec, 0)?;
        return Ok((
            format!("{} (GGUF metadata)", display_name(spec)),
            checkpoint::gguf::config_json(&gguf, spec)?,
        ));
    }
    if spec != "-" && !path.exists() && hub::looks_like_id(spec) {
        let model = hub::Model::new(spec, revision)?;
        let file = model.file("config.json")?;
        let text = read_text_within(&file.to_string_lossy(), max_bytes)?;
        return Ok((format!("{spec}/config.json"), text));
    }
    Ok((display_name(spec), read_text_within(spec, max_bytes)?))
}

fn display_name(path: &str) -> String {
    if path == "-" {
        "<stdin>".into()
    } else {
        path.to_string()
    }
}

/// A failed load: the error, and the sources read so far (its span points into them).
#[derive(Debug)]
pub struct LoadError {
    pub error: Error,
    pub sources: Sources,
}

impl From<LoadError> for Error {
    fn from(failure: LoadError) -> Error {
        failure.error
    }
}

impl Program {
    /// Reads, parses and assembles everything `request` names.
    pub fn load(request: &Request) -> Result<Program, LoadError> {
        let mut formula = Formula::new();
        match Program::assemble(request, &mut formula) {
            Ok((config, target, builtin)) => Ok(Program {
                formula,
                config,
                target,
                limits: request.limits,
                builtin,
            }),
            Err(error) => Err(LoadError {
                error,
                sources: formula.sources,
            }),
        }
    }

    #[allow(clippy::type_complexity)]
    fn assemble(
        request: &Request,
        formula: &mut Formula,
    ) -> Result<(
        Option<Config>,
        StatementId,
        Option<&'static models::Builtin>,
    )> {
        let max_depth = request.limits.max_depth;
        let max_bytes = request.limits.max_input_bytes;
        let max_definitions = request.limits.max_definitions;

        // `eval org/name` and `eval ./model-dir` name a model, not a formula: its config is read
        // and the family comes from its model_type.
        let (formula_source, config_source) = match (&request.formula, &request.config) {
            (Some(FormulaSource::Named(name)), None)
                if request.config_text.is_none() && names_a_model(name) =>
            {
                (None, Some(name.clone()))
            }
            (formula, config) => (formula.clone(), config.clone()),
        };
        let config = load_config(
            &mut formula.sources,
            config_source.as_deref(),
            request.config_text.as_ref(),
            request.revision.as_deref(),
            &request.limits,
        )?;

        let mut builtin = None;
        let formula_source = match formula_source {
            Some(source) => Some(source),
            // `-e` with a config alone may use the names of the family its model_type selects
            // (`-e 'non_embedding / total'`); without such a family it reads the config only.
            None if request.expression.is_some() => config
                .as_ref()
                .and_then(Config::model_type)
                .and_then(models::for_model_type)
                .map(|b| FormulaSource::Named(b.name.to_string())),
            None => match config.as_ref().and_then(Config::model_type) {
                Some(model_type) => match models::for_model_type(model_type) {
                    Some(b) => Some(FormulaSource::Named(b.name.to_string())),
                    None => {
                        return Err(Error::UnknownModelType {
                            model_type: model_type.to_string(),
                            known: models::model_types(),
                        })
                    }
                },
                None => {
                    return Err(Error::Usage {
                        message: "no formula given".into(),
                        help: if config.is_some() {
                            "the config has no model_type; name a formula: a file, a built-in (see `paramcount models`), or -e EXPR".into()
                        } else {
                            "name a formula file or a built-in formula (see `paramcount models`), or give -e EXPR".into()
                        },
                    })
                }
            },
        };

        let mut file_statements = Vec::new();
        if let Some(source) = formula_source {
            let here = || Origin::Directory(PathBuf::from("."));
            let in_folder_of = Origin::of_path;
            let (name, text, origin) = match source {
                FormulaSource::Text { name, text } => {
                    check_size(&name, &text, max_bytes)?;
                    // A file `quick_value` already read keeps its folder for `use`.
                    let origin = if Path::new(&name).is_file() {
                        in_folder_of(&name)
                    } else {
                        here()
                    };
                    (name, text, origin)
                }
                FormulaSource::Named(name) => {
                    if name == "-" {
                        (
                            display_name(&name),
                            read_text_within(&name, max_bytes)?,
                            here(),
                        )
                    } else if Path::new(&name).is_file() {
                        let origin = in_folder_of(&name);
                        (
                            display_name(&name),
                            read_text_within(&name, max_bytes)?,
                            origin,
                        )
                    } else if let Some(b) = models::find(&name) {
                        builtin = Some(b);
                        let origin = Origin::Builtin { dir: String::new() };
                        (format!("builtin:{}", b.name), b.text.to_string(), origin)
                    } else if name.contains(['/', '\\'])
                        || name.ends_with(".formula")
                        || Path::new(&name).exists()
                    {
                        // Looks like a path: say what is wrong with the path.
                        let origin = in_folder_of(&name);
                        (
                            display_name(&name),
                            read_text_within(&name, max_bytes)?,
                            origin,
                        )
                    } else {
                        return Err(Error::UnknownFormula {
                            name,
                            known: models::names(),
                        });
                    }
                }
            };
            let key = name.clone();
            let source = formula.sources.add(name, text);
            formula.main_source = Some(source);
            let mut loader = Loader::new(max_depth, max_bytes);
            file_statements = loader.parse(formula, source, &origin, &key)?;
            reject_redefinitions(formula, &file_statements)?;
            check_statement_count(formula, max_definitions)?;
        }

        parse_sets(formula, &request.sets, &request.limits)?;

        let inline = match &request.expression {
            Some(text) => {
                check_size("-e", text, max_bytes)?;
                let source = formula.sources.add("-e", text.clone());
                Some(parser::parse_inline(formula, source, max_depth)?)
            }
            None => None,
        };

        check_statement_count(formula, max_definitions)?;
        crate::link::link(formula)?;
        if request.reject_unused_sets {
            check_sets_are_read(formula, config.as_ref(), request.limits.max_bits)?;
        }
        let target = choose_target(
            formula,
            request.target.as_deref(),
            inline,
            &file_statements,
            builtin,
        )?;
        Ok((config, target, builtin))
    }

    /// A family on the config object `config_json` (a sub-model: `model(...)`), evaluating `target`
    /// or the family's default: the built-in `builtin`, or the formula file at `path`.
    pub fn submodel(
        family: SubModel,
        config_json: String,
        config_name: String,
        target: Option<&str>,
        limits: Limits,
    ) -> Result<Program> {
        let mut formula = Formula::new();
        let config_source = formula.sources.add(config_name, config_json);
        let config = Config::parse(&formula.sources, config_source, limits.max_bits)?;
        let (name, text, origin, builtin) = match family {
            SubModel::Builtin(builtin) => (
                format!("builtin:{}", builtin.name),
                builtin.text.to_string(),
                Origin::Builtin { dir: String::new() },
                Some(builtin),
            ),
            SubModel::File(path) => {
                let name = path.to_string_lossy().to_string();
                let text = read_text_within(&name, limits.max_input_bytes)?;
                (name.clone(), text, Origin::of_path(&name), None)
            }
        };
        let source = formula.sources.add(name.clone(), text);
        formula.main_source = Some(source);
        let mut loader = Loader::new(limits.max_depth, limits.max_input_bytes);
        let statements = loader.parse(&mut formula, source, &origin, &name)?;
        reject_redefinitions(&formula, &statements)?;
        crate::link::link(&mut formula)?;
        let target = choose_target(&formula, target, None, &statements, builtin)?;
        Ok(Program {
            formula,
            config: Some(config),
            target,
            limits,
            builtin,
        })
    }

    /// Parses one more expression into the program (a sweep's `--where` condition), shown in
    /// diagnostics as the source `name`; it may use every name the program has.
    pub fn add_expression(&mut self, name: &str, text: &str) -> Result<StatementId> {
        check_size(name, text, self.limits.max_input_bytes)?;
        let source = self.formula.sources.add(name, text.to_string());
        let id = parser::parse_inline(&mut self.formula, source, self.limits.max_depth)?;
        // Linking again fills in only the calls the new expression made.
        crate::link::link(&mut self.formula)?;
        Ok(id)
    }

    /// Statements whose `=` chains make claims.
    pub fn claim_statements(&self) -> Vec<StatementId> {
        self.formula
            .statement_ids()
            .filter(|id| !self.formula.statement(*id).claims().is_empty())
            .collect()
    }
}

fn choose_target(
    formula: &Formula,
    wanted: Option<&str>,
    inline: Option<StatementId>,
    file_statements: &[StatementId],
    builtin: Option<&models::Builtin>,
) -> Result<StatementId> {
    if let Some(name) = wanted {
        // The names are listed only for the error: copying them all up front cost a 100,000-line
        // file 5 MB.
        return formula
            .find_definition(name)
            .ok_or_else(|| Error::UnknownTarget {
                name: name.to_string(),
                known: formula.definitions().map(|(_, d)| d.name.clone()).collect(),
            });
    }
    if let Some(id) = inline {
        return Ok(id);
    }
    // The file's own `@default` (a formula file read by path says it as a built-in does).
    let own_default = formula
        .metadata
        .iter()
        .find(|m| m.key == "default" && Some(m.span.source) == formula.main_source)
        .and_then(|m| m.values.first().cloned());
    let default = builtin
        .and_then(|b| b.default_target())
        .or(own_default)
        .unwrap_or_else(|| "total".to_string());
    if let Some(id) = formula.find_definition(&default) {
        return Ok(id);
    }
    // Otherwise the last statement of the file that computes something.
    file_statements
        .iter()
        .rev()
        .find(|id| !matches!(formula.statement(**id).kind, StatementKind::Override { .. }))
        .copied()
        .ok_or_else(|| Error::Usage {
            message: "the formula has nothing to evaluate".into(),
            help: "a formula file needs at least one definition or expression".into(),
        })
}
