//! `paramcount sweep`: the total (and chosen parts) at every point of a grid of `--set` values.

use std::io::{BufWriter, IsTerminal, Write};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use paramcount::eval::Value;
use paramcount::humanize::{self, NumberStyle};
use paramcount::limits::DEFAULT_MAX_POINTS;
use paramcount::number::Number;
use paramcount::sweep::{self, Axis, Kind, Row};
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
    /// Keep only the points where this condition holds (it may use every name of the formula)
    #[arg(long = "where", value_name = "CONDITION", allow_hyphen_values = true)]
    filter: Option<String>,
    /// Print the points whose target is nearest to this count, nearest first (see --limit)
    #[arg(long, value_name = "COUNT")]
    near: Option<String>,
    /// Print at most N points (with --near: the N nearest; default 10)
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
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
    let mut program = load_request(&request, sources)?;
    let filter = match &args.filter {
        Some(text) => match program.add_expression("--where", text) {
            Ok(id) => Some(id),
            Err(error) => {
                *sources = program.formula.sources.clone();
                return Err(error);
            }
        },
        None => None,
    };
    let near = match &args.near {
        Some(text) => Some(near_target(text, program.limits.max_bits)?),
        None => None,
    };
    let limit = args.limit.or(near.as_ref().map(|_| DEFAULT_NEAREST));
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
    let mut printer = RowPrinter {
        out: Output::new(),
        format: args.format,
        columns: &columns,
        swept: axes.len(),
        numbers: args.numbers.style_or(NumberStyle::Grouped),
        table: Vec::new(),
        line: Vec::new(),
        rows: 0,
    };
    printer.start(&target, &axes, &args.parts);
    // A plain CSV sweep runs on every core, its rows formatted where they are computed.
    if args.format == FormatArg::Csv && near.is_none() && limit.is_none() && progress.is_none() {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let out = &mut printer.out;
        match sweep::run_csv(&program, &axes, &parts, filter, threads, |bytes| {
            out.write(bytes)
        }) {
            Ok(true) => {
                printer.finish();
                return Ok(Outcome::Success);
            }
            Ok(false) => {}
            Err(failure) => return Err(point_failure(&mut printer.out, failure)),
        }
    }
    let mut nearest = near.map(|n| Nearest::new(n, limit.unwrap_or(DEFAULT_NEAREST), axes.len()));
    let mut seen: u64 = 0;
    let result = sweep::run(&program, &axes, &parts, filter, |row| {
        seen += 1;
        if seen % 1024 == 0 {
            if let Some(bar) = &progress {
                bar.set_position(seen);
            }
        }
        match &mut nearest {
            Some(nearest) => {
                nearest.offer(&row);
                true
            }
            None => {
                printer.row(&row);
                limit.map_or(true, |l| printer.rows < l)
            }
        }
    });
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    if let Err(failure) = result {
        return Err(point_failure(&mut printer.out, failure));
    }
    if let Some(nearest) = nearest {
        for (_, values) in nearest.sorted() {
            printer.row(&Row::Exact(&values));
        }
    }
    printer.finish();
    Ok(Outcome::Success)
}

/// The rows so far written out, the point named on standard error, and its error.
fn point_failure(out: &mut Output, failure: sweep::PointError) -> Error {
    out.flush();
    let point: Vec<String> = failure
        .point
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if !point.is_empty() {
        eprintln!("sweep: the formula has no value at {}:", point.join(", "));
    }
    failure.error
}

/// Rows `--near` keeps when `--limit` does not say.
const DEFAULT_NEAREST: u64 = 10;

/// `--near 7e9`: an exact count (`7e9`, `7_000_000_000`, `6.5e9`).
fn near_target(text: &str, max_bits: u64) -> Result<Number, Error> {
    let bad = || Error::Usage {
        message: format!("--near takes a number, not `{text}`"),
        help: "write the count the rows should be nearest to: --near 7e9, --near 6_738_415_616"
            .into(),
    };
    match Number::parse_literal(text.trim(), max_bits.max(64)) {
        Some(Ok(n)) => Ok(n),
        _ => Err(bad()),
    }
}

/// The `limit` rows whose target is nearest to a count, nearest first (ties in the grid's order).
struct Nearest {
    target: Number,
    target_machine: Option<i128>,
    limit: usize,
    /// The target's column in a row.
    column: usize,
    rows: Vec<(Number, u64, Vec<Value>)>,
    /// The distance of the farthest row kept, once `limit` are kept.
    worst: Option<Number>,
    worst_machine: Option<i128>,
    order: u64,
}

impl Nearest {
    fn new(target: Number, limit: u64, column: usize) -> Nearest {
        let target_machine = target
            .to_bigint()
            .and_then(|n| num_traits::ToPrimitive::to_i128(&n));
        Nearest {
            target,
            target_machine,
            limit: usize::try_from(limit).unwrap_or(usize::MAX).max(1),
            column,
            rows: Vec::new(),
            worst: None,
            worst_machine: None,
            order: 0,
        }
    }

    fn offer(&mut self, row: &Row) {
        self.order += 1;
        // The machine route's rows are measured in machine integers when they can be, so that
        // millions of far rows cost a subtraction each.
        if let (Row::Machine(values, _), Some(target), Some(worst)) =
            (row, self.target_machine, self.worst_machine)
        {
            if let Some(distance) = values[self.column]
                .checked_sub(target)
                .and_then(i128::checked_abs)
            {
                if distance >= worst {
                    return;
                }
            }
        }
        let values = row.values();
        let Value::Number(total) = &values[self.column] else {
            return;
        };
        let difference = total
            .sub(&self.target, u64::MAX)
            .unwrap_or_else(|_| Number::zero());
        let distance = if difference.is_negative() {
            difference.neg()
        } else {
            difference
        };
        if self.worst.as_ref().is_some_and(|w| distance >= *w) {
            return;
        }
        self.rows.push((distance, self.order, values));
        if self.rows.len() > self.limit {
            self.rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            self.rows.truncate(self.limit);
        }
        if self.rows.len() == self.limit {
            let worst = self.rows.iter().map(|r| &r.0).max().cloned();
            self.worst_machine = worst
                .as_ref()
                .and_then(Number::to_bigint)
                .and_then(|n| num_traits::ToPrimitive::to_i128(&n));
            self.worst = worst;
        }
    }

    fn sorted(mut self) -> Vec<(Number, Vec<Value>)> {
        self.rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        self.rows.into_iter().map(|(d, _, v)| (d, v)).collect()
    }
}

/// Writes rows as the format asks: csv and json as they come, the table at the end (it aligns).
struct RowPrinter<'a> {
    out: Output,
    format: FormatArg,
    columns: &'a [String],
    swept: usize,
    numbers: NumberStyle,
    table: Vec<Vec<String>>,
    line: Vec<u8>,
    rows: u64,
}

impl RowPrinter<'_> {
    fn start(&mut self, target: &str, axes: &[Axis], parts: &[String]) {
        match self.format {
            FormatArg::Csv => self
                .out
                .write(format!("{}\n", self.columns.join(",")).as_bytes()),
            FormatArg::Json => self.out.write(
                format!(
                    "{{\n  \"target\": {},\n  \"swept\": {},\n  \"parts\": {},\n  \"points\": [",
                    json!(target),
                    json!(axes.iter().map(|a| &a.name).collect::<Vec<_>>()),
                    json!(parts)
                )
                .as_bytes(),
            ),
            FormatArg::Table => self.table.push(self.columns.to_vec()),
        }
    }

    fn row(&mut self, row: &Row) {
        self.line.clear();
        match (self.format, row) {
            // The fast path: machine integers straight to text.
            (FormatArg::Csv, Row::Machine(values, kinds)) => {
                let mut digits = itoa::Buffer::new();
                for (i, (value, kind)) in values.iter().zip(kinds.iter()).enumerate() {
                    if i > 0 {
                        self.line.push(b',');
                    }
                    match kind {
                        // itoa's i64 path is cheaper than its i128 one.
                        Kind::Int => match i64::try_from(*value) {
                            Ok(small) => {
                                self.line.extend_from_slice(digits.format(small).as_bytes())
                            }
                            Err(_) => self
                                .line
                                .extend_from_slice(digits.format(*value).as_bytes()),
                        },
                        Kind::Bool => self.line.extend_from_slice(if *value != 0 {
                            b"true"
                        } else {
                            b"false"
                        }),
                    }
                }
                self.line.push(b'\n');
            }
            (FormatArg::Csv, Row::Exact(values)) => {
                let texts: Vec<String> = values.iter().map(Value::to_string).collect();
                self.line.extend_from_slice(texts.join(",").as_bytes());
                self.line.push(b'\n');
            }
            (FormatArg::Json, row) => {
                let object: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .cloned()
                    .zip(row.values().iter().map(json_value))
                    .collect();
                let separator = if self.rows == 0 { "\n    " } else { ",\n    " };
                self.line.extend_from_slice(separator.as_bytes());
                self.line
                    .extend_from_slice(serde_json::Value::Object(object).to_string().as_bytes());
            }
            (FormatArg::Table, row) => {
                let exact = if self.numbers.is_exact() {
                    self.numbers
                } else {
                    NumberStyle::Grouped
                };
                let cells = row
                    .values()
                    .iter()
                    .enumerate()
                    // The swept values are inputs: always exact, even when counts are short.
                    .map(|(i, v)| cell(v, if i < self.swept { exact } else { self.numbers }))
                    .collect();
                self.table.push(cells);
            }
        }
        self.rows += 1;
        let line = std::mem::take(&mut self.line);
        self.out.write(&line);
        self.line = line;
    }

    fn finish(&mut self) {
        match self.format {
            FormatArg::Json => self.out.write(b"\n  ]\n}\n"),
            FormatArg::Table => {
                let text = aligned(&self.table);
                self.out.write(text.as_bytes());
            }
            FormatArg::Csv => {}
        }
        self.out.flush();
    }
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

/// Buffered standard output: a closed pipe (`| head`) ends the program quietly; any other write
/// error (a full disk) is an error with exit 2.
struct Output {
    writer: BufWriter<std::io::StdoutLock<'static>>,
}

impl Output {
    fn new() -> Output {
        Output {
            writer: BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if let Err(e) = self.writer.write_all(bytes) {
            write_failed(&e);
        }
    }

    fn flush(&mut self) {
        if let Err(e) = self.writer.flush() {
            write_failed(&e);
        }
    }
}

fn write_failed(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write the output: {error}");
    std::process::exit(2);
}
