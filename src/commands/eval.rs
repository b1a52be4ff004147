//! `paramcount eval`: the exact value, as plain digits for scripts.

use clap::Args;
use serde_json::json;

use paramcount::humanize::{self, NumberStyle};
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{load, print, print_json, report_claims, InputArgs, NumberArgs, Outcome};

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
    let program = load(&args.input, sources)?;
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
        // Plain digits by default: scripts read this output.
        let style = args.numbers.style_or(NumberStyle::Plain);
        let text = match evaluation.value.as_number() {
            Some(number) => humanize::format(number, style),
            None => evaluation.value.to_string(),
        };
        print(&format!("{text}\n"));
    }
    Ok(report_claims(&evaluation.claims, sources))
}
