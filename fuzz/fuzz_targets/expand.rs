//! `expand` on any expression: a polynomial or an error, never a panic; the expansion of a formula
//! without names agrees with direct evaluation. (With names they may differ by design: `x*0 | 5`
//! expands to 0, `x` being a symbol, and evaluates to 5, `x` being absent: finding 3 of
//! fuzz/README.md.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramcount::algebra::{self, Options, Style};
use paramcount::diagnostic::{self, Color};
use paramcount::program::{Program, Request};
use paramcount::syntax::Node;
use paramcount::{evaluate, Limits, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let request = Request {
        expression: Some(text.to_string()),
        limits: Limits {
            max_bits: 1 << 12,
            ..Limits::default()
        },
        ..Request::default()
    };
    let Ok(program) = Program::load(&request) else {
        return;
    };
    let options = Options {
        max_terms: 2_000,
        ..Options::default()
    };
    match algebra::expand_statement(&program, program.target, &options) {
        Ok(expansion) => {
            for style in [Style::Plain, Style::Latex, Style::Json] {
                let _ = expansion.render(style);
            }
            if let (Some(constant), Ok(evaluation)) =
                (expansion.polynomial.as_constant(), evaluate(&program))
            {
                let named = program
                    .formula
                    .exprs
                    .iter()
                    .any(|e| matches!(e.node, Node::Name(_)));
                if !named {
                    assert_eq!(Value::Number(constant), evaluation.value, "{text}");
                }
            }
        }
        Err(error) => {
            let sources = &program.formula.sources;
            assert!(!diagnostic::error(&error, sources, Color::Never).is_empty());
        }
    }
});
