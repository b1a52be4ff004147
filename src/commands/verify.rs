//! `paramcount verify [FORMULA] --config FILE --tensors PATH...`: a formula against a checkpoint.

use clap::Args;
use serde_json::json;

use paramcount::checkpoint::{shape_text, Checkpoint};
use paramcount::number::Number;
use paramcount::program::{FormulaSource, Program, Request};
use paramcount::syntax::Sources;
use paramcount::verify::{verify, Verification};
use paramcount::Error;
use paramcount::Limits;

use super::{columns, csv_row, grouped, print, Format};

#[derive(Args)]
#[command(
    after_help = "A formula names the tensors of each part in lines such as\n  #! tensors: L*attention_qkv = {bert.,}encoder.layer.*.attention.self.{query,key,value}.*\n(`*` within a dotted segment, `**` across dots, `{a,b}` either); the built-in formulas have them.\n\nExit 0 when the totals, every part and every tensor agree; 1 when not; 2 on bad input.\n\nExamples:\n  paramcount verify --config config.json --tensors model.safetensors\n  paramcount verify bert --config config.json --tensors model.safetensors --target pretraining\n  paramcount verify my-model.formula --config config.json --tensors model.safetensors.index.json --format json"
)]
pub struct VerifyArgs {
    /// A formula file or a built-in formula; with only --config, the family of its model_type
    formula: Option<String>,
    /// The model's config: a config.json, a model directory, a GGUF file or a Hub model id
    #[arg(short, long, value_name = "FILE|DIR|ID")]
    config: Option<String>,
    /// The checkpoint: .safetensors files, an index, a directory, a GGUF file, a Hub model id, or a
    /// listing (`-`: standard input). Default: the model the config comes from, when it is a
    /// directory, a GGUF file or a Hub id
    #[arg(long, num_args = 1.., value_name = "PATH")]
    tensors: Vec<String>,
    /// The branch, tag or commit of a Hub model id (default: main)
    #[arg(long, value_name = "REV")]
    revision: Option<String>,
    /// Give a name a value (a number, true/false or an expression); wins over the formula and the config
    #[arg(short, long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// Which definition is the total (default: `total`, else the last statement)
    #[arg(short, long, value_name = "NAME")]
    target: Option<String>,
    /// List the tensors each part matched
    #[arg(long)]
    show_tensors: bool,
    /// How to print the report
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The checkpoint to read: `--tensors`, else the model the config comes from (a directory, a GGUF
/// file or a Hub id, given as --config or in place of the formula).
fn checkpoint_inputs(args: &VerifyArgs) -> Result<Vec<String>, Error> {
    if !args.tensors.is_empty() {
        return Ok(args.tensors.clone());
    }
    let holds_a_checkpoint = |spec: &String| {
        let path = std::path::Path::new(spec);
        path.is_dir()
            || (path.is_file() && paramcount::checkpoint::gguf::looks_like(path))
            || (!path.exists() && spec.contains('/') && paramcount::hub::looks_like_id(spec))
    };
    let model = args
        .config
        .iter()
        .chain(&args.formula)
        .find(|s| holds_a_checkpoint(s));
    match model {
        Some(model) => Ok(vec![model.clone()]),
        None => Err(Error::Usage {
            message: "no checkpoint given".into(),
            help:
                "give --tensors PATH..., or name the model as a directory, a GGUF file or a Hub id"
                    .into(),
        }),
    }
}

/// Loads, reads and checks; prints the report; true when everything agrees.
pub fn run(args: &VerifyArgs, sources: &mut Sources) -> Result<bool, Error> {
    let request = Request {
        formula: args.formula.clone().map(FormulaSource::Named),
        expression: None,
        config: args.config.clone(),
        sets: args.sets.clone(),
        target: args.target.clone(),
        limits: Limits::default(),
        revision: args.revision.clone(),
        reject_unused_sets: true,
        ..Request::default()
    };
    let tensors = checkpoint_inputs(args)?;
    let mut program = match Program::load(&request) {
        Ok(program) => program,
        Err(failure) => {
            *sources = failure.sources;
            return Err(failure.error);
        }
    };
    // The checkpoint's listings and the directives' parts join the formula's sources, so that
    // every span of an error points into one set.
    let checkpoint = Checkpoint::read_at(
        &tensors,
        &mut program.formula.sources,
        args.revision.as_deref(),
    )
    .map(|c| c.with_transformers_names());
    let result = checkpoint.and_then(|c| verify(&mut program, &c).map(|v| (c, v)));
    *sources = program.formula.sources.clone();
    let (checkpoint, verification) = result?;
    let formula_name = program
        .builtin
        .map(|b| b.name.to_string())
        .or_else(|| args.formula.clone())
        .unwrap_or_default();
    let text = match args.format {
        Format::Table => table(&formula_name, &checkpoint, &verification, args.show_tensors),
        Format::Json => json_document(&formula_name, &checkpoint, &verification),
        Format::Csv => csv(&checkpoint, &verification),
    };
    print(&text);
    Ok(verification.holds())
}

/// `checkpoint - formula`, as text: `+30,522`, `-768`.
fn difference(formula: &Number, checkpoint: u128) -> String {
    match formula.to_bigint() {
        Some(f) => {
            let d = num_bigint::BigInt::from(checkpoint) - f;
            let sign = if d.sign() == num_bigint::Sign::Minus {
                "-"
            } else {
                "+"
            };
            format!("{sign}{}", grouped(d.magnitude()))
        }
        None => "not an integer".into(),
    }
}

fn status(formula: &Number, checkpoint: u128, holds: bool) -> String {
    if holds {
        "ok".into()
    } else {
        format!("differs: checkpoint {}", difference(formula, checkpoint))
    }
}

fn table(name: &str, checkpoint: &Checkpoint, v: &Verification, show_tensors: bool) -> String {
    let count = checkpoint.tensors.len();
    let mut out = format!(
        "{name} ({}) against {count} tensor{} in {}\n\n",
        v.target,
        if count == 1 { "" } else { "s" },
        checkpoint.files.join(", ")
    );
    let mut rows = vec![vec![
        "part".to_string(),
        "formula".into(),
        "checkpoint".into(),
        "tensors".into(),
        String::new(),
    ]];
    for part in &v.parts {
        rows.push(vec![
            part.part.clone(),
            part.formula.to_grouped_string(","),
            grouped(part.checkpoint),
            part.tensors.len().to_string(),
            status(&part.formula, part.checkpoint, part.holds()),
        ]);
    }
    rows.push(vec![
        v.target.clone(),
        v.formula_total.to_grouped_string(","),
        grouped(v.checkpoint_total),
        checkpoint.tensors.len().to_string(),
        status(&v.formula_total, v.checkpoint_total, v.total_holds()),
    ]);
    let table = columns(&rows, &[false, true, true, true, false]);
    if show_tensors {
        // The table, with each part's tensors under its row.
        let lines: Vec<&str> = table.lines().collect();
        if let Some(header) = lines.first() {
            out.push_str(header);
            out.push('\n');
        }
        for (i, line) in lines.iter().enumerate().skip(1) {
            out.push_str(line);
            out.push('\n');
            if let Some(part) = v.parts.get(i - 1) {
                for &t in &part.tensors {
                    let tensor = &checkpoint.tensors[t];
                    out.push_str(&format!(
                        "    {}  {}  {}\n",
                        tensor.name,
                        shape_text(&tensor.shape),
                        grouped(tensor.elements)
                    ));
                }
            }
        }
    } else {
        out.push_str(&table);
    }
    if !v.has_patterns {
        out.push_str("\nthe formula names no tensors (no `#! tensors:` lines): only the totals are compared\n");
    }
    if !v.leftover.is_empty() {
        out.push_str(&format!(
            "\nleft over: {} tensor{} no counted part explains, {} parameters\n",
            v.leftover.len(),
            if v.leftover.len() == 1 { "" } else { "s" },
            grouped(v.leftover_total)
        ));
        let rows: Vec<Vec<String>> = v
            .leftover
            .iter()
            .map(|l| {
                let tensor = &checkpoint.tensors[l.tensor];
                vec![
                    format!("  {}", tensor.name),
                    shape_text(&tensor.shape),
                    grouped(tensor.elements),
                    match &l.uncounted_part {
                        Some(part) => format!("{part}, which {} does not count", v.target),
                        None => String::new(),
                    },
                ]
            })
            .collect();
        out.push_str(&columns(&rows, &[false, false, true, false]));
    }
    let unmatched: Vec<&str> = v.unmatched_parts().map(|p| p.part.as_str()).collect();
    if !unmatched.is_empty() {
        out.push_str(&format!(
            "\nparts no tensor matches: {}\n",
            unmatched.join(", ")
        ));
    }
    out.push('\n');
    out.push_str(&verdict(v));
    out
}

fn verdict(v: &Verification) -> String {
    if v.holds() {
        return "the formula accounts for every tensor of the checkpoint\n".into();
    }
    let mut problems = Vec::new();
    if !v.total_holds() {
        problems.push(format!(
            "the totals differ (checkpoint {})",
            difference(&v.formula_total, v.checkpoint_total)
        ));
    }
    let differing = v.parts.iter().filter(|p| !p.holds()).count();
    if differing > 0 {
        problems.push(format!(
            "{differing} part{} differ{}",
            if differing == 1 { "" } else { "s" },
            if differing == 1 { "s" } else { "" }
        ));
    }
    if !v.leftover.is_empty() {
        problems.push(format!(
            "{} tensor{} left over",
            v.leftover.len(),
            if v.leftover.len() == 1 { "" } else { "s" }
        ));
    }
    let mut text = format!("mismatch: {}\n", problems.join("; "));
    if !v.matching_variants.is_empty() {
        let targets: Vec<String> = v
            .matching_variants
            .iter()
            .map(|t| format!("--target {t}"))
            .collect();
        text.push_str(&format!(
            "help: the checkpoint's total is what {} counts\n",
            targets.join(" or ")
        ));
    }
    text
}

fn json_document(name: &str, checkpoint: &Checkpoint, v: &Verification) -> String {
    let parts: Vec<_> = v
        .parts
        .iter()
        .map(|p| {
            json!({
                "part": p.part,
                "explanation": p.explanation,
                "formula": p.formula.to_string(),
                "checkpoint": p.checkpoint.to_string(),
                "holds": p.holds(),
                "tensors": p.tensors.iter().map(|&t| &checkpoint.tensors[t].name).collect::<Vec<_>>(),
            })
        })
        .collect();
    let leftover: Vec<_> = v
        .leftover
        .iter()
        .map(|l| {
            let t = &checkpoint.tensors[l.tensor];
            json!({
                "name": t.name,
                "shape": t.shape,
                "dtype": t.dtype,
                "parameters": t.elements.to_string(),
                "uncounted_part": l.uncounted_part,
            })
        })
        .collect();
    let document = json!({
        "formula": name,
        "target": v.target,
        "files": checkpoint.files,
        "holds": v.holds(),
        "formula_total": v.formula_total.to_string(),
        "checkpoint_total": v.checkpoint_total.to_string(),
        "total_holds": v.total_holds(),
        "has_patterns": v.has_patterns,
        "parts": parts,
        "leftover": leftover,
        "leftover_total": v.leftover_total.to_string(),
        "unmatched_parts": v.unmatched_parts().map(|p| p.part.clone()).collect::<Vec<_>>(),
        "matching_variants": v.matching_variants,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    )
}

fn csv(checkpoint: &Checkpoint, v: &Verification) -> String {
    let mut out = csv_row(&[
        "kind".into(),
        "name".into(),
        "formula".into(),
        "checkpoint".into(),
        "tensors".into(),
        "holds".into(),
    ]);
    for p in &v.parts {
        out.push_str(&csv_row(&[
            "part".into(),
            p.part.clone(),
            p.formula.to_string(),
            p.checkpoint.to_string(),
            p.tensors.len().to_string(),
            p.holds().to_string(),
        ]));
    }
    out.push_str(&csv_row(&[
        "total".into(),
        v.target.clone(),
        v.formula_total.to_string(),
        v.checkpoint_total.to_string(),
        checkpoint.tensors.len().to_string(),
        v.total_holds().to_string(),
    ]));
    for l in &v.leftover {
        let t = &checkpoint.tensors[l.tensor];
        out.push_str(&csv_row(&[
            "leftover".into(),
            t.name.clone(),
            String::new(),
            t.elements.to_string(),
            "1".into(),
            "false".into(),
        ]));
    }
    out
}
