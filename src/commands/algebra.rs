//! `paramcount expand` and `paramcount equiv`: formulas as polynomials in their sizes.

use clap::{Args, ValueEnum};
use serde_json::json;

use paramcount::algebra::{self, Expansion, Style};
use paramcount::program::{FormulaSource, Request};
use paramcount::syntax::Sources;
use paramcount::Error;

use super::{load, load_request, print, print_json, BindingArgs, InputArgs, LimitArgs, Outcome};

#[derive(Args)]
#[command(
    after_help = "Sizes stay symbols (named as the formula names them); --set substitutes a number or an expression.\nDivision by a sum of several terms is outside the normal form and is refused.\n\nExamples:\n  paramcount expand -e '(a+b)^2 - (a-b)^2'\n  paramcount expand -e '12*l*h^2*(1 + 13/(12*h) + (V+s)/(12*l*h))'\n  paramcount expand bert-article\n  paramcount expand bert-article --set L=12 --style latex"
)]
pub struct ExpandArgs {
    #[command(flatten)]
    input: InputArgs,
    /// How to print the normal form
    #[arg(long, value_enum, default_value_t = ExpandStyle::Plain)]
    style: ExpandStyle,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExpandStyle {
    /// `12*l*h^2+13*l*h+V*h+s*h`, a formula paramcount reads back
    Plain,
    /// LaTeX math
    Latex,
    /// Terms with exact coefficients and exponents, and the conditions assumed
    Json,
}

impl ExpandStyle {
    fn style(self) -> Style {
        match self {
            ExpandStyle::Plain => Style::Plain,
            ExpandStyle::Latex => Style::Latex,
            ExpandStyle::Json => Style::Json,
        }
    }
}

/// Says on standard error which conditions an expansion decided by the values at hand.
fn note_assumptions(expansion: &Expansion, label: &str) {
    for assumption in &expansion.assumptions {
        eprintln!(
            "note: {label}assumed `{}` is {}, as the values given make it",
            assumption.condition, assumption.holds
        );
    }
}

pub fn run_expand(args: ExpandArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let program = load(&args.input, sources)?;
    // The term limit is one of the program's limits (`--max-terms`).
    let expansion = algebra::expand_program(&program)?;
    let style = args.style.style();
    if style != Style::Json {
        note_assumptions(&expansion, "");
    }
    print(&expansion.render(style));
    Ok(Outcome::Success)
}

#[derive(Args)]
#[command(
    after_help = "Exit status: 0 when the two are the same function, 1 when they differ (their difference is printed), 2 on bad input.\n\nExamples:\n  paramcount equiv -e '(a+b)^2' -e 'a^2+2*a*b+b^2'\n  paramcount equiv -e '2*d_model*n_layer*(2*d_attn + d_ff)' -e '12*n_layer*d_model^2' --set d_attn=d_model --set 'd_ff=4*d_model'\n  paramcount equiv mine.formula bert-article"
)]
pub struct EquivArgs {
    /// Formula files or built-in formulas to compare (two in all with the -e expressions)
    #[arg(value_name = "FORMULA")]
    formulas: Vec<String>,
    /// An expression to compare (give -e twice to compare two expressions)
    #[arg(
        short = 'e',
        long = "expr",
        value_name = "EXPR",
        allow_hyphen_values = true
    )]
    expressions: Vec<String>,
    #[command(flatten)]
    binding: BindingArgs,
    /// Print the two normal forms and their difference as JSON
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub fn run_equiv(args: EquivArgs, sources: &mut Sources) -> Result<Outcome, Error> {
    let sides: Vec<(Option<FormulaSource>, Option<String>)> = args
        .formulas
        .iter()
        .map(|f| (Some(FormulaSource::Named(f.clone())), None))
        .chain(args.expressions.iter().map(|e| (None, Some(e.clone()))))
        .collect();
    if sides.len() != 2 {
        return Err(Error::Usage {
            message: format!(
                "equiv compares two formulas, but {} were given",
                sides.len()
            ),
            help: "give two of: a formula file, a built-in formula name, -e EXPR".into(),
        });
    }
    let mut programs = Vec::new();
    for (formula, expression) in sides {
        let request = Request {
            formula,
            expression,
            config: args.binding.config.clone(),
            sets: args.binding.sets.clone(),
            target: None,
            limits: args.limits.limits(),
            revision: args.binding.revision.clone(),
            // A --set applies to both sides, and may be read by one side only.
            reject_unused_sets: false,
            ..Request::default()
        };
        programs.push(load_request(&request, sources)?);
    }
    let equivalence = algebra::equivalent(&programs[0], &programs[1])?;
    let (a, b, difference) = (&equivalence.a, &equivalence.b, &equivalence.difference);
    let same = equivalence.same;
    if args.json {
        print_json(&json!({
            "equivalent": same,
            "a": a.polynomial.to_json(),
            "b": b.polynomial.to_json(),
            "difference": difference.to_json(),
        }));
    } else {
        note_assumptions(a, "first formula: ");
        note_assumptions(b, "second formula: ");
        if same {
            print(&format!("equivalent: both are {}\n", a.polynomial));
        } else {
            print(&format!(
                "not equivalent\n  first   {}\n  second  {}\n  first - second = {}\n",
                a.polynomial, b.polynomial, difference
            ));
        }
    }
    Ok(if same {
        Outcome::Success
    } else {
        Outcome::ClaimFalse
    })
}
