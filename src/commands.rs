//! Subcommands that live in files of their own: each has its clap `Args` and a `run` that calls
//! the library, prints, and says whether everything matched (exit 0) or not (exit 1); errors are
//! returned for `main` to print (exit 2).

pub mod tensors;
pub mod verify;

use std::io::Write;

use clap::ValueEnum;

/// How `tensors` and `verify` print their reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns, digits grouped (109,482,240)
    Table,
    /// One JSON document; counts are strings of digits, exact at any size
    Json,
    /// Comma-separated rows with a header line, plain digits
    Csv,
}

/// Writes to standard output; a closed pipe (`| head`) ends the program quietly.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

/// `109482240` as `109,482,240`.
fn grouped(n: impl ToString) -> String {
    paramcount::number::group_digits(&n.to_string(), ",")
}

/// Rows as aligned columns: `right[i]` right-aligns column i; the last column is not padded.
fn columns(rows: &[Vec<String>], right: &[bool]) -> String {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            if right.get(i).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else if i + 1 < row.len() {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One CSV field, quoted when it needs to be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_row(fields: &[String]) -> String {
    let fields: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    format!("{}\n", fields.join(","))
}
