//! Output styles of a derivation: article, symbolic, steps, markdown, latex and json.
//!
//! Each style is assembled from the printer's three forms of one expression (as written, symbolic,
//! substituted), the evaluated values, and what the formula says about each name (its explanation,
//! and where its value came from).

use std::collections::HashSet;
use std::fmt::Write as _;

use serde_json::{json, Value as Json};

use crate::bind::Resolution;
use crate::error::{Error, Result};
use crate::eval::{Evaluator, Provenance, Value};
use crate::parser::{RED_ZONE, STACK_SEGMENT};
use crate::printer::{Dialect, Form, NumberFormat, Printer};
use crate::syntax::{
    DefinitionKind, ExprId, ExprKind, Formula, FunctionDef, Span, StatementId, StatementKind,
};

/// How `derive` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// The article's one line: `(30522+512+2)*768+...=108890112`.
    Article,
    /// The same line with names: `(V+P+T)*H+L*(...)`.
    Symbolic,
    /// The whole derivation, then every size and part, one per line.
    Steps,
    /// The derivation as markdown tables.
    Markdown,
    /// The article line as LaTeX math.
    Latex,
    /// The tree with every node's text, value, explanation and span.
    Json,
}

impl Style {
    pub const ALL: [(&'static str, Style); 6] = [
        ("article", Style::Article),
        ("symbolic", Style::Symbolic),
        ("steps", Style::Steps),
        ("markdown", Style::Markdown),
        ("latex", Style::Latex),
        ("json", Style::Json),
    ];
}

/// A name the derivation uses: a size (shown as a value) or a part (shown as a formula).
struct Used {
    statement: StatementId,
    inlined: bool,
}

/// A config key read directly by the derivation (not through a definition).
struct ConfigRead {
    key: String,
    value: Value,
}

/// Renders the derivation of `target` in `style`. The evaluator must already have evaluated it.
pub fn render(
    evaluator: &Evaluator,
    target: StatementId,
    style: Style,
    format: NumberFormat,
) -> Result<String> {
    let value = match evaluator.known(target) {
        Some(v) => v.clone(),
        None => return Ok(String::new()),
    };
    let d = Derivation {
        evaluator,
        target,
        value,
        format,
    };
    let text = match style {
        Style::Article => d.article(),
        Style::Symbolic => d.symbolic(),
        Style::Steps => d.steps(),
        Style::Markdown => d.markdown(),
        Style::Latex => d.latex(),
        Style::Json => d.json(),
    };
    if evaluator.printing_overflowed() {
        return Err(Error::OutputTooLarge {
            limit: evaluator.limits().max_input_bytes,
        });
    }
    Ok(text)
}

struct Derivation<'e, 's> {
    evaluator: &'e Evaluator<'s>,
    target: StatementId,
    value: Value,
    format: NumberFormat,
}

impl<'e, 's> Derivation<'e, 's> {
    fn formula(&self) -> &'s Formula {
        self.evaluator.scope().formula()
    }

    fn printer(&self, form: Form, dialect: Dialect, format: NumberFormat) -> Printer<'e, 's> {
        Printer::new(self.evaluator, form, dialect, format)
    }

    fn plain(&self, form: Form) -> String {
        let value = self.formula().statement(self.target).value();
        self.printer(form, Dialect::Plain, self.format)
            .expr(value, self.target)
    }

    fn grouped(&self) -> NumberFormat {
        NumberFormat {
            group_digits: true,
            ..self.format
        }
    }

    fn total(&self, format: NumberFormat) -> String {
        self.printer(Form::Substituted, Dialect::Plain, format)
            .value(&self.value)
    }

    fn equals(&self) -> &'static str {
        if self.format.spaced {
            " = "
        } else {
            "="
        }
    }

    fn article(&self) -> String {
        format!(
            "{}{}{}\n",
            self.plain(Form::Substituted),
            self.equals(),
            self.total(self.format)
        )
    }

    fn symbolic(&self) -> String {
        format!("{}\n", self.plain(Form::Symbolic))
    }

    fn latex(&self) -> String {
        let format = self.grouped();
        let printer = self.printer(Form::Substituted, Dialect::Latex, format);
        let value = self.formula().statement(self.target).value();
        format!(
            "\\[\n{} = {}\n\\]\n",
            printer.expr(value, self.target),
            printer.value(&self.value)
        )
    }

    fn target_name(&self) -> Option<&str> {
        self.formula()
            .statement(self.target)
            .definition()
            .map(|d| d.name.as_str())
    }

    fn steps(&self) -> String {
        let mut out = String::new();
        let written = self.plain(Form::Written);
        let symbolic = self.plain(Form::Symbolic);
        let substituted = self.plain(Form::Substituted);
        let (head, indent) = match self.target_name() {
            // Later lines put their `=` under the one after the name.
            Some(name) => (format!("{name} = "), " ".repeat(name.chars().count() + 1)),
            None => (String::new(), "  ".to_string()),
        };
        let _ = writeln!(out, "{head}{written}");
        let mut previous = written;
        for line in [symbolic, substituted, self.total(self.format)] {
            if line != previous {
                let _ = writeln!(out, "{indent}= {line}");
                previous = line;
            }
        }
        let (used, config_reads) = self.used();
        let sizes: Vec<&Used> = used.iter().filter(|u| !u.inlined).collect();
        let parts: Vec<&Used> = used.iter().filter(|u| u.inlined).collect();
        if !sizes.is_empty() || !config_reads.is_empty() {
            out.push_str("\nwhere\n");
            let rows: Vec<[String; 3]> = sizes
                .iter()
                .map(|u| self.size_row(u.statement))
                .chain(config_reads.iter().map(|c| {
                    [
                        format!("{} = {}", c.key, self.plain_value(&c.value)),
                        String::new(),
                        format!("config {}", c.key),
                    ]
                }))
                .collect();
            let width = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
            for [left, explanation, source] in rows {
                let note = [explanation, format!("[{source}]")]
                    .into_iter()
                    .filter(|s| !s.is_empty() && s != "[]")
                    .collect::<Vec<_>>()
                    .join("  ");
                let _ = writeln!(out, "  {left:<width$}  {note}").map(|_| ());
                trim_line_end(&mut out);
            }
        }
        if !parts.is_empty() {
            out.push_str("\nparts\n");
            let rows: Vec<(String, String)> = parts
                .iter()
                .map(|u| {
                    let statement = self.formula().statement(u.statement);
                    let name = statement
                        .definition()
                        .map(|d| d.name.clone())
                        .unwrap_or_default();
                    let value = self
                        .evaluator
                        .known(u.statement)
                        .map(|v| self.plain_value(v))
                        .unwrap_or_default();
                    let written = self
                        .printer(Form::Written, Dialect::Plain, self.format)
                        .expr(statement.value(), u.statement);
                    let substituted = self
                        .printer(Form::Substituted, Dialect::Plain, self.format)
                        .expr(statement.value(), u.statement);
                    // A sub-model's substituted form is its count already.
                    let line = if written == substituted || substituted == value {
                        format!("{name} = {written} = {value}")
                    } else {
                        format!("{name} = {written} = {substituted} = {value}")
                    };
                    (line, self.explanation(u.statement).unwrap_or_default())
                })
                .collect();
            for (line, explanation) in rows {
                let _ = writeln!(out, "  {line}");
                if !explanation.is_empty() {
                    let _ = writeln!(out, "      {explanation}");
                }
            }
        }
        let functions = self.functions_called(&used);
        if !functions.is_empty() {
            out.push_str("\nfunctions\n");
            for function in functions {
                let body = self.function_body_text(function);
                let _ = writeln!(out, "  {} = {body}", function.signature());
                if let Some(explanation) = &function.explanation {
                    let _ = writeln!(out, "      {explanation}");
                }
            }
        }
        out
    }

    /// A function's body as written.
    fn function_body_text(&self, function: &FunctionDef) -> String {
        let text = self.formula().text(function.body);
        if self.evaluator.charge_output(text.len()) {
            text.to_string()
        } else {
            "…".to_string()
        }
    }

    /// The user functions the derivation calls, in the order first met.
    fn functions_called(&self, used: &[Used]) -> Vec<&'s FunctionDef> {
        let formula = self.formula();
        let mut roots = vec![(formula.statement(self.target).value(), self.target)];
        roots.extend(
            used.iter()
                .map(|u| (formula.statement(u.statement).value(), u.statement)),
        );
        let mut seen_nodes = HashSet::new();
        let mut names = Vec::new();
        let mut seen_names = HashSet::new();
        for (root, _) in roots {
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                if !seen_nodes.insert(id) {
                    continue;
                }
                let children = match formula.kind(id) {
                    ExprKind::Apply { name, .. } => {
                        if seen_names.insert(name) {
                            names.push(name);
                        }
                        formula.children(id)
                    }
                    ExprKind::If {
                        condition,
                        then,
                        otherwise,
                    } => match self.evaluator.choice(id) {
                        Some(0) => vec![condition, then],
                        Some(_) => vec![condition, otherwise],
                        None => vec![condition],
                    },
                    ExprKind::Alternatives(alternatives) => {
                        match self.evaluator.choice(id).and_then(|i| alternatives.get(i)) {
                            Some(taken) => vec![*taken],
                            None => Vec::new(),
                        }
                    }
                    _ => formula.children(id),
                };
                stack.extend(children.into_iter().rev());
            }
        }
        names
            .into_iter()
            .filter_map(|name| formula.function(name))
            .collect()
    }

    fn plain_value(&self, value: &Value) -> String {
        self.printer(Form::Substituted, Dialect::Plain, self.format)
            .value(value)
    }

    fn explanation(&self, statement: StatementId) -> Option<String> {
        self.formula()
            .statement(statement)
            .definition()
            .and_then(|d| d.explanation.as_deref().map(str::to_string))
    }

    /// `name = value` (or `name = formula = value` for a computed size), explanation, provenance.
    fn size_row(&self, statement: StatementId) -> [String; 3] {
        let formula = self.formula();
        let s = formula.statement(statement);
        let value = self
            .evaluator
            .known(statement)
            .map(|v| self.plain_value(v))
            .unwrap_or_default();
        let name = match &s.kind {
            StatementKind::Definition(d) => d.name.clone(),
            StatementKind::Override { name, .. } => name.clone(),
            StatementKind::Expression { .. } => String::new(),
        };
        let provenance = self.evaluator.provenance(statement);
        let left = match &provenance {
            Provenance::Formula | Provenance::Set => {
                let written = self
                    .printer(Form::Written, Dialect::Plain, self.format)
                    .expr(s.value(), statement);
                let substituted = self
                    .printer(Form::Substituted, Dialect::Plain, self.format)
                    .expr(s.value(), statement);
                let mut chain = vec![name.clone(), written];
                if !chain.contains(&substituted) {
                    chain.push(substituted);
                }
                if !chain.contains(&value) {
                    chain.push(value);
                }
                chain.join(" = ")
            }
            _ => format!("{name} = {value}"),
        };
        [
            left,
            self.explanation(statement).unwrap_or_default(),
            self.describe_provenance(&provenance),
        ]
    }

    fn describe_provenance(&self, provenance: &Provenance) -> String {
        match provenance {
            Provenance::Config { key, absent, .. } if absent.is_empty() => format!("config {key}"),
            Provenance::Config { key, absent, .. } => {
                format!("config {key}; absent: {}", absent.join(", "))
            }
            Provenance::Default { expr, absent } => format!(
                "default {}; absent: {}",
                self.formula().text(*expr),
                absent.join(", ")
            ),
            Provenance::Set => "--set".into(),
            Provenance::Formula => String::new(),
        }
    }

    fn provenance_json(&self, provenance: &Provenance) -> Json {
        match provenance {
            Provenance::Config {
                key,
                alternative,
                absent,
            } => json!({
                "kind": "config",
                "key": key,
                "alternative": alternative.map(|(i, n)| json!({"index": i, "of": n})),
                "absent": absent,
            }),
            Provenance::Default { expr, absent } => json!({
                "kind": "default",
                "expression": self.formula().text(*expr),
                "absent": absent,
            }),
            Provenance::Set => json!({"kind": "set"}),
            Provenance::Formula => json!({"kind": "formula"}),
        }
    }

    /// The statements and config keys the derivation of the target reaches, in the order a reader
    /// meets them, following only the branches that were taken.
    fn used(&self) -> (Vec<Used>, Vec<ConfigRead>) {
        let formula = self.formula();
        let scope = self.evaluator.scope();
        let mut seen: HashSet<StatementId> = HashSet::new();
        let mut seen_keys: HashSet<String> = HashSet::new();
        let mut used = Vec::new();
        let mut config_reads = Vec::new();
        seen.insert(self.target);
        let mut stack: Vec<(ExprId, StatementId)> =
            vec![(formula.statement(self.target).value(), self.target)];
        // An argument of a function is shared by every place its body uses it: each node once.
        let mut visited: HashSet<(ExprId, StatementId)> = HashSet::new();
        while let Some((id, within)) = stack.pop() {
            if !visited.insert((id, within)) {
                continue;
            }
            let children: Vec<ExprId> = match formula.kind(id) {
                ExprKind::Name(name) => {
                    match scope.resolve(name, within) {
                        Resolution::Override(s) | Resolution::Definition(s) => {
                            if seen.insert(s) {
                                let inlined = matches!(
                                    &formula.statement(s).kind,
                                    StatementKind::Definition(d) if d.kind == DefinitionKind::Part
                                );
                                used.push(Used {
                                    statement: s,
                                    inlined,
                                });
                                // A size's own formula is shown on its line, not followed further,
                                // except for the sizes it is computed from.
                                stack.push((formula.statement(s).value(), s));
                            }
                        }
                        Resolution::Config(lookup) => {
                            let value = Value::from_lookup(lookup);
                            let is_binding_key = matches!(&formula.statement(within).kind, StatementKind::Definition(d) if d.kind == DefinitionKind::Size)
                                || matches!(
                                    formula.statement(within).kind,
                                    StatementKind::Override { .. }
                                );
                            if let Some(value) = value {
                                if !is_binding_key && seen_keys.insert(name.to_string()) {
                                    config_reads.push(ConfigRead {
                                        key: name.to_string(),
                                        value,
                                    });
                                }
                            }
                        }
                    }
                    Vec::new()
                }
                ExprKind::If {
                    then,
                    otherwise,
                    condition,
                } => {
                    let mut next = vec![condition];
                    match self.evaluator.choice(id) {
                        Some(0) => next.push(then),
                        Some(_) => next.push(otherwise),
                        None => {}
                    }
                    next
                }
                ExprKind::Alternatives(alternatives) => {
                    match self.evaluator.choice(id).and_then(|i| alternatives.get(i)) {
                        Some(taken) => vec![*taken],
                        None => Vec::new(),
                    }
                }
                _ => formula.children(id),
            };
            for child in children.into_iter().rev() {
                stack.push((child, within));
            }
        }
        (used, config_reads)
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let grouped = self.grouped();
        let total = self.total(grouped);
        let _ = writeln!(
            out,
            "`{}` = **{}**\n",
            escape_code(&self.plain(Form::Substituted)),
            total
        );
        let (used, config_reads) = self.used();
        out.push_str("| part | formula | with numbers | parameters | what it counts |\n");
        out.push_str("|---|---|---|---:|---|\n");
        let mut rows = vec![(
            self.target,
            self.target_name().unwrap_or("total").to_string(),
        )];
        for u in used.iter().filter(|u| u.inlined) {
            if let Some(d) = self.formula().statement(u.statement).definition() {
                rows.push((u.statement, d.name.clone()));
            }
        }
        for (statement, name) in rows {
            let value = self.formula().statement(statement).value();
            let written = self
                .printer(Form::Written, Dialect::Plain, self.format)
                .expr(value, statement);
            let substituted = self
                .printer(Form::Substituted, Dialect::Plain, self.format)
                .expr(value, statement);
            let count = self
                .evaluator
                .known(statement)
                .map(|v| {
                    self.printer(Form::Substituted, Dialect::Plain, grouped)
                        .value(v)
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` | {} | {} |",
                escape_cell(&name),
                escape_code(&written),
                escape_code(&substituted),
                count,
                escape_cell(&self.explanation(statement).unwrap_or_default())
            );
        }
        let sizes: Vec<&Used> = used.iter().filter(|u| !u.inlined).collect();
        if !sizes.is_empty() || !config_reads.is_empty() {
            out.push_str("\n| symbol | value | meaning | from |\n|---|---:|---|---|\n");
            for u in sizes {
                let s = self.formula().statement(u.statement);
                let name = match &s.kind {
                    StatementKind::Definition(d) => d.name.clone(),
                    StatementKind::Override { name, .. } => name.clone(),
                    StatementKind::Expression { .. } => String::new(),
                };
                let value = self
                    .evaluator
                    .known(u.statement)
                    .map(|v| {
                        self.printer(Form::Substituted, Dialect::Plain, grouped)
                            .value(v)
                    })
                    .unwrap_or_default();
                let provenance = self.evaluator.provenance(u.statement);
                let from = match &provenance {
                    Provenance::Formula => format!(
                        "`{}`",
                        escape_code(
                            &self
                                .printer(Form::Written, Dialect::Plain, self.format)
                                .expr(s.value(), u.statement)
                        )
                    ),
                    other => escape_cell(&self.describe_provenance(other)),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    escape_cell(&name),
                    value,
                    escape_cell(&self.explanation(u.statement).unwrap_or_default()),
                    from
                );
            }
            for c in config_reads {
                let value = self
                    .printer(Form::Substituted, Dialect::Plain, grouped)
                    .value(&c.value);
                let _ = writeln!(
                    out,
                    "| {} | {} |  | config {} |",
                    escape_cell(&c.key),
                    value,
                    escape_cell(&c.key)
                );
            }
        }
        let functions = self.functions_called(&used);
        if !functions.is_empty() {
            out.push_str("\n| function | body | what it computes |\n|---|---|---|\n");
            for function in functions {
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {} |",
                    escape_code(&function.signature()),
                    escape_code(&self.function_body_text(function)),
                    escape_cell(function.explanation.as_deref().unwrap_or_default())
                );
            }
        }
        out
    }

    fn span_json(&self, span: Span) -> Json {
        let sources = &self.formula().sources;
        let (line, column) = sources.line_column(span);
        json!({
            "source": sources.get(span.source).name,
            "start": span.start,
            "end": span.end,
            "line": line,
            "column": column,
        })
    }

    fn json(&self) -> String {
        let (used, config_reads) = self.used();
        let plain = |v: &Value| {
            self.printer(Form::Substituted, Dialect::Plain, NumberFormat::default())
                .value(v)
        };
        let mut visited = HashSet::new();
        let value = self.formula().statement(self.target).value();
        let tree = self.tree_json(value, self.target, &mut visited);
        let sizes: Vec<Json> = used
            .iter()
            .filter(|u| !u.inlined)
            .map(|u| {
                let s = self.formula().statement(u.statement);
                let name = match &s.kind {
                    StatementKind::Definition(d) => d.name.clone(),
                    StatementKind::Override { name, .. } => name.clone(),
                    StatementKind::Expression { .. } => String::new(),
                };
                json!({
                    "name": name,
                    "value": self.evaluator.known(u.statement).map(plain),
                    "explanation": self.explanation(u.statement),
                    "formula": self.printer(Form::Written, Dialect::Plain, NumberFormat::default()).expr(s.value(), u.statement),
                    "from": self.provenance_json(&self.evaluator.provenance(u.statement)),
                    "span": self.span_json(s.span),
                })
            })
            .chain(config_reads.iter().map(|c| {
                json!({
                    "name": c.key,
                    "value": plain(&c.value),
                    "explanation": null,
                    "formula": c.key,
                    "from": {"kind": "config", "key": c.key, "alternative": null, "absent": []},
                    "span": null,
                })
            }))
            .collect();
        let parts: Vec<Json> = used
            .iter()
            .filter(|u| u.inlined)
            .map(|u| {
                let s = self.formula().statement(u.statement);
                json!({
                    "name": s.definition().map(|d| d.name.clone()),
                    "value": self.evaluator.known(u.statement).map(plain),
                    "explanation": self.explanation(u.statement),
                    "formula": self.printer(Form::Written, Dialect::Plain, NumberFormat::default()).expr(s.value(), u.statement),
                    "substituted": self.printer(Form::Substituted, Dialect::Plain, NumberFormat::default()).expr(s.value(), u.statement),
                    "span": self.span_json(s.span),
                })
            })
            .collect();
        let mut document = json!({
            "target": self.target_name(),
            "value": plain(&self.value),
            "explanation": self.explanation(self.target),
            "symbolic": self.plain(Form::Symbolic),
            "substituted": self.plain(Form::Substituted),
            "variables": sizes,
            "parts": parts,
        });
        // Moved in, not through `json!`: that would serialize the tree again, recursively.
        if let Some(object) = document.as_object_mut() {
            object.insert("tree".into(), tree);
        }
        let depth = json_depth_hint(self.formula());
        // Dropping the document recurses as serializing it does, so both happen on the grown stack.
        // Pretty printing indents every level: a deep tree would print a quadratic number of
        // spaces, so past a depth no reader follows, the JSON is written compact.
        let pretty = json_depth(&document) <= PRETTY_DEPTH;
        let render = move || {
            let text = if pretty {
                serde_json::to_string_pretty(&document)
            } else {
                serde_json::to_string(&document)
            }
            .unwrap_or_default();
            drop(document);
            text
        };
        let text = if depth < 200 {
            render()
        } else {
            // serde_json recurses once per level of the tree.
            stacker::grow(depth.saturating_mul(2048) + STACK_SEGMENT, render)
        };
        text + "\n"
    }

    /// One node of the evaluated tree; a part's name carries the tree of its formula, once.
    fn tree_json(
        &self,
        id: ExprId,
        within: StatementId,
        visited: &mut HashSet<StatementId>,
    ) -> Json {
        // Past the output limit the render ends in an error anyway: build no more of the tree.
        if self.evaluator.printing_overflowed() {
            return Json::Null;
        }
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            let formula = self.formula();
            let node = formula.expr(id);
            let plain = |v: &Value| {
                self.printer(Form::Substituted, Dialect::Plain, NumberFormat::default())
                    .value(v)
            };
            let value = self.evaluator.recorded(id).map(plain);
            let (kind, detail): (&str, Json) = match formula.kind(id) {
                ExprKind::Number { .. } => ("number", Json::Null),
                ExprKind::Bool(_) => ("boolean", Json::Null),
                ExprKind::Str(_) => ("string", Json::Null),
                ExprKind::Name(name) => ("name", json!(name)),
                ExprKind::Group(_) => ("group", Json::Null),
                ExprKind::Unary(op, _) => ("unary", json!(op.symbol().trim())),
                ExprKind::Binary(op, ..) => ("binary", json!(op.symbol())),
                ExprKind::Call(f, _) => ("call", json!(f.name())),
                ExprKind::If { .. } => ("if", Json::Null),
                ExprKind::Alternatives(_) => ("alternatives", Json::Null),
                ExprKind::Apply { name, .. } => ("call", json!(name)),
                ExprKind::Sum { var, .. } => ("sum", json!(var)),
                ExprKind::List(_) => ("list", Json::Null),
                ExprKind::Index(..) => ("index", Json::Null),
            };
            let mut object = serde_json::Map::new();
            object.insert("kind".into(), json!(kind));
            match kind {
                "name" => object.insert("name".into(), detail),
                "unary" | "binary" => object.insert("op".into(), detail),
                "call" => object.insert("function".into(), detail),
                "sum" => object.insert("variable".into(), detail),
                _ => None,
            };
            if let ExprKind::Apply { name, .. } = formula.kind(id) {
                if let Some(function) = formula.function(name) {
                    object.insert("signature".into(), json!(function.signature()));
                    object.insert("explanation".into(), json!(function.explanation));
                }
            }
            // Each node repeats the text of its subtree: nested input would make the output
            // quadratic in its length, so the text is bounded as the digits are.
            let text = formula.text(id);
            let text = if self.evaluator.charge_output(text.len()) {
                text
            } else {
                "…"
            };
            object.insert("text".into(), json!(text));
            object.insert("value".into(), json!(value));
            object.insert("span".into(), self.span_json(node.span));
            if let Some(choice) = self.evaluator.choice(id) {
                object.insert("taken".into(), json!(choice));
            }
            if let ExprKind::Name(name) = formula.kind(id) {
                if let Resolution::Override(s) | Resolution::Definition(s) =
                    self.evaluator.scope().resolve(name, within)
                {
                    let statement = formula.statement(s);
                    let mut definition = serde_json::Map::new();
                    definition.insert("name".into(), json!(name));
                    definition.insert("explanation".into(), json!(self.explanation(s)));
                    let kind = match &statement.kind {
                        StatementKind::Definition(d) if d.kind == DefinitionKind::Part => "part",
                        StatementKind::Override { .. } => "set",
                        _ => "size",
                    };
                    definition.insert("kind".into(), json!(kind));
                    if visited.insert(s) {
                        definition
                            .insert("tree".into(), self.tree_json(statement.value(), s, visited));
                    }
                    object.insert("definition".into(), Json::Object(definition));
                }
            }
            let children: Vec<ExprId> = match formula.kind(id) {
                ExprKind::If {
                    condition,
                    then,
                    otherwise,
                } => match self.evaluator.choice(id) {
                    Some(0) => vec![condition, then],
                    Some(_) => vec![condition, otherwise],
                    None => vec![condition],
                },
                ExprKind::Alternatives(alternatives) => alternatives
                    .iter()
                    .take(self.evaluator.choice(id).map_or(0, |i| i + 1))
                    .copied()
                    .collect(),
                _ => formula.children(id),
            };
            if !children.is_empty() {
                let children: Vec<Json> = children
                    .into_iter()
                    .map(|c| self.tree_json(c, within, visited))
                    .collect();
                object.insert("children".into(), Json::Array(children));
            }
            Json::Object(object)
        })
    }
}

/// The deepest JSON that is printed indented.
const PRETTY_DEPTH: usize = 400;

/// How deep a JSON value nests, without recursion.
fn json_depth(value: &Json) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match value {
            Json::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Json::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// An upper bound of the tree's depth, for sizing the stack serde_json needs.
fn json_depth_hint(formula: &Formula) -> usize {
    formula.expr_count()
}

fn trim_line_end(out: &mut String) {
    let trimmed = out.trim_end_matches([' ', '\n']).len();
    out.truncate(trimmed);
    out.push('\n');
}

/// Text inside a markdown code span in a table: `|` would end the cell.
fn escape_code(text: &str) -> String {
    text.replace('|', "\\|")
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
