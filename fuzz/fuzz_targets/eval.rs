//! The evaluator and every derivation style on any formula file that parses. Whatever the text,
//! evaluation ends with a value or an error whose diagnostic renders, and a derivation of a value
//! ends in that value; where the fold of plain arithmetic answers, it agrees with the tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramcount::diagnostic::{self, Color};
use paramcount::printer::NumberFormat;
use paramcount::program::{quick_value, FormulaSource, Program, Request};
use paramcount::render::Style;
use paramcount::{derive, evaluate, Limits, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let request = Request {
        formula: Some(FormulaSource::Text {
            name: "fuzz".into(),
            text: text.to_string(),
        }),
        limits: Limits {
            max_bits: 1 << 12,
            ..Limits::default()
        },
        ..Request::default()
    };
    // The fold (plain arithmetic computed while reading) answers only what the tree route
    // answers, with the same value.
    let folded = quick_value(&mut request.clone());
    let Ok(program) = Program::load(&request) else {
        assert_eq!(folded, None, "the fold answered where the tree route cannot parse");
        return;
    };
    let sources = &program.formula.sources;
    let value = match evaluate(&program) {
        Ok(evaluation) => Some(evaluation.value),
        Err(error) => {
            assert!(!diagnostic::error(&error, sources, Color::Never).is_empty());
            None
        }
    };
    if let Some(folded) = folded {
        assert_eq!(Some(folded), value, "the fold and the tree route disagree");
    }
    for (_, style) in Style::ALL {
        for group_digits in [false, true] {
            let format = NumberFormat {
                group_digits,
                spaced: !group_digits,
                keep_calls: group_digits,
            };
            match derive(&program, style, format) {
                Ok(derivation) => {
                    if let (Some(Value::Number(value)), Style::Article, false) =
                        (&value, style, group_digits)
                    {
                        // The article line ends in the total it printed (a string total may
                        // hold `=` itself: finding 2 of fuzz/README.md).
                        let last = derivation.text.trim_end().rsplit('=').next().unwrap_or("");
                        assert_eq!(last.trim(), value.to_string(), "{}", derivation.text);
                    }
                }
                Err(error) => {
                    assert!(!diagnostic::error(&error, sources, Color::Never).is_empty());
                }
            }
        }
    }
});
