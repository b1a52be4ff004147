//! `paramcount breakdown`: every named part of a formula with its count, its share of the total
//! and, where it repeats, each instance times its repeats.

use clap::{Args, ValueEnum};

use paramcount::breakdown::{self, output, output::View};
use paramcount::humanize::NumberStyle;
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{load, print, InputArgs, NumberArgs, Outcome};

#[derive(Args)]
#[command(
    after_help = "The leaf parts always sum exactly to the total: terms of a part outside its named \
sub-parts are shown as an `(other)` row. csv has one row per leaf (plain digits, a `params` column \
and the nesting in `path`); json is the tree with exact values as strings; svg is a bar chart of the \
leaves.\n\nExamples:\n  paramcount breakdown --config Meta-Llama-3-8B.json\n  paramcount breakdown gpt2 --depth 2\n  paramcount breakdown --config config.json --format csv > parts.csv\n  paramcount breakdown --config config.json --format svg > parts.svg\n  paramcount breakdown bert-article --numbers short --format markdown"
)]
pub struct BreakdownArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Show parts nested at most N deep (1: the target's own parts); deeper parts fold into their parent
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
    /// For table, markdown and svg (default: grouped; svg: short); csv and json always print exact digits
    #[command(flatten)]
    numbers: NumberArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// An aligned table with digit grouping, and the line that checks the sum
    Table,
    /// One row per leaf part, plain digits
    Csv,
    /// The tree of parts, exact values as strings
    Json,
    /// A markdown table
    Markdown,
    /// A horizontal bar chart of the leaf parts
    Svg,
}

pub fn run(args: BreakdownArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let program = load(&args.input, sources)?;
    let parts = breakdown::build(&program)?;
    let default = match args.format {
        FormatArg::Svg => NumberStyle::Short,
        _ => NumberStyle::Grouped,
    };
    let view = View {
        max_depth: args.depth,
        numbers: args.numbers.style_or(default),
        max_bits: program.limits.max_bits,
    };
    let text = match args.format {
        FormatArg::Table => output::table(&parts, &view)?,
        FormatArg::Csv => output::csv(&parts, &view),
        FormatArg::Json => output::json_text(&parts, &view)?,
        FormatArg::Markdown => output::markdown(&parts, &view)?,
        FormatArg::Svg => output::svg(&parts, &view)?,
    };
    print(&text);
    Ok(Outcome::Success)
}
