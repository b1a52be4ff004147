//! The parser on any text: as a formula file, as an `-e` expression and as a `--set` value.
//! Every failure must be an error whose diagnostic renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramcount::diagnostic::{self, Color};
use paramcount::program::{FormulaSource, Program, Request};
use paramcount::Limits;

fn limits() -> Limits {
    Limits {
        max_bits: 1 << 14,
        ..Limits::default()
    }
}

fn load(request: Request) {
    if let Err(failure) = Program::load(&request) {
        let text = diagnostic::error(&failure.error, &failure.sources, Color::Never);
        assert!(!failure.error.to_string().is_empty());
        assert!(!text.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    load(Request {
        formula: Some(FormulaSource::Text {
            name: "fuzz".into(),
            text: text.to_string(),
        }),
        limits: limits(),
        ..Request::default()
    });
    load(Request {
        expression: Some(text.to_string()),
        limits: limits(),
        ..Request::default()
    });
    load(Request {
        expression: Some("x".into()),
        sets: vec![format!("x={text}")],
        limits: limits(),
        ..Request::default()
    });
});
