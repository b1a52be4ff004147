//! `paramcount tensors PATH...`: what a checkpoint holds, from its headers alone.

use clap::Args;
use serde_json::json;

use paramcount::checkpoint::{shape_text, Checkpoint};
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{columns, csv_row, grouped, print, Format};

#[derive(Args)]
#[command(
    after_help = "PATH is a .safetensors file (only its header is read), a model.safetensors.index.json \
(and the shards it names), a directory holding either, a GGUF file (its metadata and tensor infos), a Hub \
model id (its safetensors headers over HTTP range requests, never the weights), or a listing: `name: [d1, d2]` lines or a JSON \
object of names to shapes; `-` reads a listing from standard input.\n\nExamples:\n  paramcount tensors model.safetensors\n  paramcount tensors model.safetensors.index.json --depth 3\n  paramcount tensors ./Llama-2-7b-hf --format json\n  paramcount tensors meta-llama/Llama-3.1-8B\n  paramcount tensors model-Q4_K_M.gguf\n  python -c '...print(n, p.shape)...' | paramcount tensors -"
)]
pub struct TensorsArgs {
    /// Checkpoint files, directories or listings
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// How many dotted segments deep the tree of name prefixes goes
    #[arg(long, value_name = "N", default_value_t = 2)]
    depth: usize,
    /// How to print: the table has the prefix tree and dtypes; json adds every tensor; csv is one row per tensor
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// The branch, tag or commit of a Hub model id (default: main)
    #[arg(long, value_name = "REV")]
    revision: Option<String>,
}

fn bytes_text(bytes: Option<u128>) -> String {
    bytes.map(grouped).unwrap_or_else(|| "-".into())
}

/// Reads the checkpoint and prints its sums; always "matches" (exit 0) when it can be read.
pub fn run(args: &TensorsArgs, sources: &mut Sources) -> Result<bool, Error> {
    let checkpoint = Checkpoint::read_at(&args.paths, sources, args.revision.as_deref())?;
    let text = match args.format {
        Format::Table => table(&checkpoint, args.depth),
        Format::Json => json_document(&checkpoint, args.depth),
        Format::Csv => csv(&checkpoint),
    };
    print(&text);
    Ok(true)
}

fn table(checkpoint: &Checkpoint, depth: usize) -> String {
    let mut rows = vec![vec![
        "name".to_string(),
        "parameters".into(),
        "tensors".into(),
        "bytes".into(),
    ]];
    for sum in checkpoint.tree(depth) {
        rows.push(vec![
            format!("{}{}", "  ".repeat(sum.depth - 1), sum.prefix),
            grouped(sum.elements),
            sum.tensors.to_string(),
            bytes_text(sum.bytes),
        ]);
    }
    let mut out = columns(&rows, &[false, true, true, true]);
    out.push('\n');
    let mut rows = vec![vec![
        "dtype".to_string(),
        "parameters".into(),
        "tensors".into(),
        "bytes".into(),
    ]];
    for sum in checkpoint.dtypes() {
        rows.push(vec![
            sum.dtype.unwrap_or_else(|| "(not given)".into()),
            grouped(sum.elements),
            sum.tensors.to_string(),
            bytes_text(sum.bytes),
        ]);
    }
    out.push_str(&columns(&rows, &[false, true, true, true]));
    let files = checkpoint.files.len();
    out.push_str(&format!(
        "\ntotal: {} parameters in {} tensors{} ({} file{})\n",
        grouped(checkpoint.total()),
        checkpoint.tensors.len(),
        checkpoint
            .bytes()
            .map(|b| format!(", {} bytes", grouped(b)))
            .unwrap_or_default(),
        files,
        if files == 1 { "" } else { "s" }
    ));
    out
}

fn json_document(checkpoint: &Checkpoint, depth: usize) -> String {
    let tensors: Vec<_> = checkpoint
        .tensors
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "shape": t.shape,
                "dtype": t.dtype,
                "parameters": t.elements.to_string(),
                "bytes": t.bytes,
                "file": checkpoint.files[t.file],
            })
        })
        .collect();
    let tree: Vec<_> = checkpoint
        .tree(depth)
        .into_iter()
        .map(|s| {
            json!({
                "prefix": s.prefix,
                "depth": s.depth,
                "parameters": s.elements.to_string(),
                "tensors": s.tensors,
                "bytes": s.bytes.map(|b| b.to_string()),
            })
        })
        .collect();
    let dtypes: Vec<_> = checkpoint
        .dtypes()
        .into_iter()
        .map(|s| {
            json!({
                "dtype": s.dtype,
                "parameters": s.elements.to_string(),
                "tensors": s.tensors,
                "bytes": s.bytes.map(|b| b.to_string()),
            })
        })
        .collect();
    let document = json!({
        "files": checkpoint.files,
        "total": checkpoint.total().to_string(),
        "tensor_count": checkpoint.tensors.len(),
        "bytes": checkpoint.bytes().map(|b| b.to_string()),
        "dtypes": dtypes,
        "tree": tree,
        "tensors": tensors,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).unwrap_or_default()
    )
}

fn csv(checkpoint: &Checkpoint) -> String {
    let mut out = csv_row(&[
        "name".into(),
        "shape".into(),
        "dtype".into(),
        "parameters".into(),
        "bytes".into(),
        "file".into(),
    ]);
    for t in &checkpoint.tensors {
        out.push_str(&csv_row(&[
            t.name.clone(),
            shape_text(&t.shape),
            t.dtype.clone().unwrap_or_default(),
            t.elements.to_string(),
            t.bytes.map(|b| b.to_string()).unwrap_or_default(),
            checkpoint.files[t.file].clone(),
        ]));
    }
    out
}
