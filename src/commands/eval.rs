//! `paramcount eval`: the exact value, as plain digits for scripts.

use clap::Args;
use serde_json::json;

use paramcount::humanize::{self, NumberStyle};
use paramcount::program::quick_value;
use paramcount::syntax::Sources;
use paramcount::{Error, Value};

use super::{load_request, print, print_json, report_claims, InputArgs, NumberArgs, Outcome};

#[derive(Args)]
#[command(
    after_help = "Examples:\n  paramcount eval bert-article\n  paramcount eval my-model.formula --config config.json\n  paramcount eval -e 'hidden_size*4' --config config.json\n  paramcount eval -e '2^200/2^190'\n  paramcount eval bert-article --set num_hidden_layers=24 --json\n  paramcount eval --config config.json --numbers short"
)]
pub struct EvalArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print a JSON object (target, exact value as a string, claims) instead of the digits
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    numbers: NumberArgs,
}

pub fn run(args: EvalArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let mut request = args.input.request();
    // Plain arithmetic is folded while it is read (a million-term sum needs no tree). JSON output
    // names the target and lists claims, which need the loaded program.
    if !args.json {
        if let Some(value) = quick_value(&mut request) {
            print_value(&value, &args.numbers);
            return Ok(Outcome::Success);
        }
    }
    let program = load_request(&request, sources)?;
    let evaluation = paramcount::evaluate(&program)?;
    if args.json {
        let target = program
            .formula
            .statement(program.target)
            .definition()
            .map(|d| d.name.clone());
        let claims: Vec<_> = evaluation
            .claims
            .iter()
            .map(|c| {
                let (line, column) = program.formula.sources.line_column(c.span);
                json!({
                    "source": program.formula.sources.get(c.span.source).name,
                    "line": line,
                    "column": column,
                    "text": program.formula.sources.slice(c.span),
                    "computed": c.computed.to_string(),
                    "claimed": c.claimed.to_string(),
                    "holds": c.holds(),
                })
            })
            .collect();
        let value = &evaluation.value;
        print_json(&json!({
            "target": target,
            "value": value.to_string(),
            "integer": value.as_number().map(|n| n.is_integer()),
            "claims": claims,
        }));
    } else {
        print_value(&evaluation.value, &args.numbers);
    }
    Ok(report_claims(&evaluation.claims, sources))
}

fn print_value(value: &Value, numbers: &NumberArgs) {
    // Plain digits by default: scripts read this output.
    let style = numbers.style_or(NumberStyle::Plain);
    let text = match value.as_number() {
        Some(number) => humanize::format(number, style),
        None => value.to_string(),
    };
    print(&format!("{text}\n"));
}
