//! Turning errors and false claims into the messages a person reads: the source line, a caret
//! under the span, one sentence of what is wrong and one of what to do (codespan-reporting draws
//! them).

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};

use crate::error::Error;
use crate::syntax::{Sources, Span};

/// Whether to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Never,
    Always,
}

struct Files {
    files: SimpleFiles<String, std::sync::Arc<str>>,
}

impl Files {
    fn new(sources: &Sources) -> Files {
        let mut files = SimpleFiles::new();
        for (_, source) in sources.iter() {
            files.add(source.name.clone(), source.text.clone());
        }
        Files { files }
    }
}

fn emit(sources: &Sources, diagnostic: &Diagnostic<usize>, color: Color) -> String {
    let files = Files::new(sources);
    let config = term::Config::default();
    let rendered = match color {
        Color::Never => term::emit_into_string(&config, &files.files, diagnostic).ok(),
        Color::Always => {
            let mut buffer = Buffer::ansi();
            term::emit_to_write_style(&mut buffer, &config, &files.files, diagnostic)
                .ok()
                .and_then(|_| String::from_utf8(buffer.into_inner()).ok())
        }
    };
    // A span past its source (never expected) still gets its message printed.
    rendered.unwrap_or_else(|| format!("error: {}\n", diagnostic.message))
}

fn label(span: Span, text: String) -> Label<usize> {
    Label::primary(span.source.0 as usize, span.range()).with_message(text)
}

/// The message for an error, pointing into `sources`.
pub fn error(error: &Error, sources: &Sources, color: Color) -> String {
    let mut diagnostic = Diagnostic::error().with_message(error.to_string());
    if let Some(span) = error.span() {
        diagnostic = diagnostic.with_labels(vec![label(span, error.label())]);
    }
    if let Some(help) = error.help() {
        diagnostic = diagnostic.with_notes(vec![format!("help: {help}")]);
    }
    emit(sources, &diagnostic, color)
}

/// The message for a claim that does not hold.
pub fn false_claim(
    span: Span,
    computed: &str,
    claimed: &str,
    sources: &Sources,
    color: Color,
) -> String {
    let diagnostic = Diagnostic::error()
        .with_message(format!(
            "claim does not hold: the formula gives {computed}, the text claims {claimed}"
        ))
        .with_labels(vec![label(span, format!("claimed {claimed}"))])
        .with_notes(vec![
            "help: `paramcount check` shows the difference and looks for the likely mistake"
                .to_string(),
        ]);
    emit(sources, &diagnostic, color)
}
