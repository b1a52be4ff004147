//! `paramcount sweep`: the total (and chosen parts) at every point of a grid of `--set` values.

use std::io::{BufWriter, IsTerminal, Write};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use paramcount::eval::Value;
use paramcount::humanize::{self, NumberStyle};
use paramcount::sweep::{self, Axis, DEFAULT_MAX_POINTS};
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{load_request, InputArgs, NumberArgs, Outcome};

/// Sweeps at least this long show a progress bar (when standard error is a terminal).
const PROGRESS_FROM: u64 = 200_000;

#[derive(Args)]
#[command(
    mut_arg("sets", |arg| arg.help(
        "NAME=VALUE binds a name; NAME=LIST (12,24,36) or NAME=RANGE (1..48, 512..4096:512; both ends \
included) sweeps it. Several sweeps give every combination"
    )),
    after_help = "Ranges include both ends: 1..48 is 48 values; 512..4096:512 is 512, 1024, ..., 4096. \
The first swept name is the outermost loop. Table numbers are grouped (see --numbers); csv and json \
print exact digits.\n\nExamples:\n  paramcount sweep --config gpt2.json --set n_layer=12,24,36,48\n  paramcount sweep --config gpt2.json --set n_layer=1..48 --format csv\n  paramcount sweep llama --set hidden_size=2048..8192:1024 --set num_hidden_layers=16,32 --parts layer,lm_head\n  paramcount sweep --config config.json --set tie_word_embeddings=true,false --numbers short"
)]
pub struct SweepArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Also print these definitions at each point (comma-separated names)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    parts: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Refuse sweeps with more points than this
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_POINTS)]
    max_points: u64,
    /// For the table (default: grouped); csv and json always print exact digits
    #[command(flatten)]
    numbers: NumberArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// An aligned table
    Table,
    /// A header and one row per point, plain digits
    Csv,
    /// An object with the points, exact values as strings
    Json,
}

pub fn run(args: SweepArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let mut axes: Vec<Axis> = Vec::new();
    let mut sets = Vec::new();
    for set in &args.input.binding.sets {
        match sweep::parse_set(set)? {
            Some(axis) => {
                if axes.iter().any(|a| a.name == axis.name) {
                    return Err(Error::Usage {
                        message: format!("`{}` is swept twice", axis.name),
                        help: "give each name one list or range".into(),
                    });
                }
                axes.push(axis);
            }
            None => sets.push(set.clone()),
        }
    }
    if axes.is_empty() {
        return Err(Error::Usage {
            message: "nothing to sweep".into(),
            help: "give a name a list or a range: --set n_layer=12,24,36 or --set n_layer=1..48 (for one value, use `paramcount eval`)".into(),
        });
    }
    let points = sweep::count_points(&axes, args.max_points)?;
    // Swept names are ordinary overrides, loaded once with their first value.
    let mut request = args.input.request();
    request.sets = sets;
    request.sets.extend(axes.iter().map(Axis::first_as_set));
    let program = load_request(&request, sources)?;
    let parts = sweep::resolve_parts(&program, &args.parts)?;
    let target = program
        .formula
        .statement(program.target)
        .definition()
        .map_or("value".to_string(), |d| d.name.clone());
    let mut columns: Vec<String> = axes.iter().map(|a| a.name.clone()).collect();
    columns.push(target.clone());
    columns.extend(args.parts.iter().cloned());

    let progress = progress_bar(points);
    let mut out = Output::new();
    let numbers = args.numbers.style_or(NumberStyle::Grouped);
    let axis_numbers = if numbers.is_exact() {
        numbers
    } else {
        NumberStyle::Grouped
    };
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut done: u64 = 0;
    match args.format {
        FormatArg::Csv => out.write(&format!("{}\n", columns.join(","))),
        FormatArg::Json => out.write(&format!(
            "{{\n  \"target\": {},\n  \"swept\": {},\n  \"parts\": {},\n  \"points\": [",
            json!(target),
            json!(axes.iter().map(|a| &a.name).collect::<Vec<_>>()),
            json!(args.parts)
        )),
        FormatArg::Table => table.push(columns.clone()),
    }
    let mut line = String::new();
    let result = sweep::run(&program, &axes, &parts, |point, total, part_values| {
        let values = point.iter().chain(Some(total)).chain(part_values);
        line.clear();
        match args.format {
            FormatArg::Csv => {
                for (i, value) in values.enumerate() {
                    if i > 0 {
                        line.push(',');
                    }
                    line.push_str(&value.to_string());
                }
                line.push('\n');
                out.write(&line);
            }
            FormatArg::Json => {
                let object: serde_json::Map<String, serde_json::Value> = columns
                    .iter()
                    .cloned()
                    .zip(values.map(json_value))
                    .collect();
                let separator = if done == 0 { "\n    " } else { ",\n    " };
                line.push_str(separator);
                line.push_str(&serde_json::Value::Object(object).to_string());
                out.write(&line);
            }
            FormatArg::Table => table.push(
                values
                    .enumerate()
                    // The swept values are inputs: always exact, even when counts are short.
                    .map(|(i, v)| {
                        cell(
                            v,
                            if i < axes.len() {
                                axis_numbers
                            } else {
                                numbers
                            },
                        )
                    })
                    .collect(),
            ),
        }
        done += 1;
        if done % 1024 == 0 {
            if let Some(bar) = &progress {
                bar.set_position(done);
            }
        }
    });
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    if let Err(failure) = result {
        out.flush();
        let point: Vec<String> = failure
            .point
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        if !point.is_empty() {
            eprintln!("sweep: the formula has no value at {}:", point.join(", "));
        }
        return Err(failure.error);
    }
    match args.format {
        FormatArg::Json => out.write("\n  ]\n}\n"),
        FormatArg::Table => out.write(&aligned(&table)),
        FormatArg::Csv => {}
    }
    out.flush();
    Ok(Outcome::Success)
}

fn cell(value: &Value, numbers: NumberStyle) -> String {
    match value {
        Value::Number(n) => humanize::format(n, numbers),
        other => other.to_string(),
    }
}

fn json_value(value: &Value) -> serde_json::Value {
    match value {
        Value::Number(n) => json!(n.to_plain_string()),
        Value::Bool(b) => json!(b),
        Value::Str(s) => json!(s),
        Value::List(items) => serde_json::Value::Array(items.iter().map(json_value).collect()),
    }
}

/// Columns right-aligned (numbers), two spaces apart.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(text, &w)| format!("{text:>w$}"))
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

/// A bar on standard error for long sweeps, only when a person is watching it.
fn progress_bar(points: u64) -> Option<ProgressBar> {
    if points < PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(points), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} points ({per_sec}, {eta})")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Buffered standard output; a closed pipe (`| head`) ends the program quietly.
struct Output {
    writer: BufWriter<std::io::StdoutLock<'static>>,
}

impl Output {
    fn new() -> Output {
        Output {
            writer: BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        }
    }

    fn write(&mut self, text: &str) {
        if self.writer.write_all(text.as_bytes()).is_err() {
            std::process::exit(0);
        }
    }

    fn flush(&mut self) {
        if self.writer.flush().is_err() {
            std::process::exit(0);
        }
    }
}
