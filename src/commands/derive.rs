//! `paramcount derive`: the derivation in one of the output styles.

use clap::{Args, ValueEnum};

use paramcount::printer::NumberFormat;
use paramcount::render::Style;
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{load, print, report_claims, InputArgs, Outcome};

#[derive(Args)]
#[command(
    after_help = "Examples:\n  paramcount derive bert-article\n  paramcount derive bert-article --config ernie.json\n  paramcount derive bert-article --style steps\n  paramcount derive bert-article --style latex\n  paramcount derive -e 'V*H' --set V=32000 --set H=4096 --group-digits"
)]
pub struct DeriveArgs {
    #[command(flatten)]
    input: InputArgs,
    /// How to print the derivation
    #[arg(long, value_enum, default_value_t = StyleArg::Article)]
    style: StyleArg,
    /// Group digits in threes (108,890,112)
    #[arg(long)]
    group_digits: bool,
    /// Put spaces around operators (a + b*c becomes a + b * c)
    #[arg(long)]
    spaced: bool,
    /// In the symbolic and steps styles, print calls of functions as written (linear(H, 4*H, true))
    /// instead of their bodies
    #[arg(long)]
    keep_calls: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum StyleArg {
    /// One line: the formula with numbers substituted, then `=` and the total
    Article,
    /// The same line with names instead of numbers
    Symbolic,
    /// The derivation step by step, every size and part explained
    Steps,
    /// Markdown tables of the parts and sizes
    Markdown,
    /// The article line as LaTeX math
    Latex,
    /// The evaluated tree as JSON
    Json,
}

impl StyleArg {
    fn style(self) -> Style {
        match self {
            StyleArg::Article => Style::Article,
            StyleArg::Symbolic => Style::Symbolic,
            StyleArg::Steps => Style::Steps,
            StyleArg::Markdown => Style::Markdown,
            StyleArg::Latex => Style::Latex,
            StyleArg::Json => Style::Json,
        }
    }
}

pub fn run(args: DeriveArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let program = load(&args.input, sources)?;
    let format = NumberFormat {
        group_digits: args.group_digits,
        spaced: args.spaced,
        keep_calls: args.keep_calls,
    };
    let derivation = paramcount::derive(&program, args.style.style(), format)?;
    print(&derivation.text);
    Ok(report_claims(&derivation.claims, sources))
}
