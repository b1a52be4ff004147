//! The one error type of the crate.
//!
//! Each variant is a situation a user can cause, with the span it happened at (when it has one) and
//! enough facts to say what to do. `diagnostic` turns an `Error` into the message with a caret that
//! the command line prints; every variant maps to exit code 2.

use crate::number::ArithmeticError;
use crate::syntax::{Formula, Span};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {message}")]
    Io { path: String, message: String },

    #[error("`{path}` is not UTF-8 text (invalid byte at offset {offset})")]
    NotText { path: String, offset: usize },

    #[error("{message}")]
    Syntax {
        span: Span,
        message: String,
        help: Option<String>,
    },

    #[error("input is nested {depth} levels deep, more than the limit of {limit}")]
    TooDeep {
        span: Span,
        depth: usize,
        limit: usize,
    },

    #[error("{}", unknown_name_message(name, *context))]
    UnknownName {
        span: Span,
        name: String,
        /// Config keys and definitions spelled closest to `name`, closest first.
        suggestions: Vec<String>,
        /// Whether a config file was given at all.
        has_config: bool,
        /// What stands right around the name, which tells what was likely meant.
        context: NameContext,
    },

    #[error("none of the alternatives has a value: {}", .missing.join(", "))]
    NoAlternative { span: Span, missing: Vec<String> },

    #[error("`{}` is defined in terms of itself: {}", .cycle[0], .cycle.join(" -> "))]
    Cycle { span: Span, cycle: Vec<String> },

    #[error("division by zero")]
    DivisionByZero { span: Span },

    #[error("the exponent {exponent} is not an integer")]
    FractionalExponent { span: Span, exponent: String },

    #[error("the result would need {}, more than the limit of {limit}", describe_bits(*.bits))]
    TooLarge { span: Span, bits: u64, limit: u64 },

    #[error("the fraction would need {}, more than the limit of {limit} for fractions", describe_bits(*.bits))]
    FractionTooLarge { span: Span, bits: u64, limit: u64 },

    #[error("the exponent {exponent} is larger than the limit of {limit}")]
    ExponentTooLarge {
        span: Span,
        exponent: String,
        limit: u64,
    },

    #[error("`{path}` is larger than the limit of {limit} bytes")]
    InputTooLarge {
        path: String,
        /// How many bytes were read before stopping (at most `limit + 1`).
        bytes: usize,
        limit: usize,
    },

    #[error("the derivation would print more than {limit} bytes")]
    OutputTooLarge { limit: usize },

    #[error("the input has {count} statements, more than the limit of {limit}")]
    TooManyDefinitions {
        span: Span,
        count: usize,
        limit: usize,
    },

    #[error(
        "`{path}` contains a NUL byte (offset {offset}): it looks like a binary file, not text"
    )]
    BinaryInput { path: String, offset: usize },

    #[error("{context} needs {expected}, but this is {found}")]
    Type {
        span: Span,
        context: String,
        expected: String,
        found: String,
    },

    #[error("{function} takes {expected}, not {found}")]
    Arity {
        span: Span,
        function: &'static str,
        expected: &'static str,
        found: usize,
    },

    #[error("two numbers stand side by side")]
    AdjacentNumbers {
        span: Span,
        /// The whole number and the fraction when the second number starts a fraction (`8 1/2`),
        /// which is likely a mixed number.
        mixed: Option<(String, String)>,
    },

    /// A mistake with functions, modules, lists, sums or sub-models (README, "The formula language").
    #[error("{message}")]
    Language {
        span: Span,
        message: String,
        label: String,
        help: String,
    },

    #[error("`{path}` is not valid JSON: {message}")]
    ConfigSyntax {
        span: Span,
        path: String,
        message: String,
    },

    #[error("`{path}` must hold a JSON object of config keys, not {found}")]
    ConfigNotObject { path: String, found: String },

    #[error("config key `{key}` is {found}, not a number or true/false")]
    ConfigValue {
        span: Span,
        key: String,
        found: String,
    },

    #[error("config key `{key}` is {found}, but {needs}")]
    ConfigType {
        span: Span,
        key: String,
        found: String,
        /// What the place needs: "`*` needs numbers".
        needs: String,
    },

    #[error("config key `{key}` is {value}: a size cannot be {problem}")]
    ConfigSize {
        span: Span,
        key: String,
        value: String,
        problem: &'static str,
    },

    #[error("`--set {text}` has no `=`")]
    SetSyntax { text: String },

    #[error("no built-in formula or file named `{name}`")]
    UnknownFormula { name: String, known: Vec<String> },

    #[error("the config's model_type `{model_type}` has no built-in formula")]
    UnknownModelType {
        model_type: String,
        known: Vec<String>,
    },

    #[error("no target named `{name}`")]
    UnknownTarget { name: String, known: Vec<String> },

    #[error("`{name}` is defined twice (first on line {first_line})")]
    Redefinition {
        span: Span,
        name: String,
        first_line: usize,
    },

    #[error("{message}")]
    Usage { message: String, help: String },

    /// A checkpoint file that cannot be read as what it claims to be (no source text to point into).
    #[error("`{path}`: {message}")]
    Checkpoint {
        path: String,
        message: String,
        help: String,
    },

    /// A Hub model id that cannot be resolved: not cached and offline, refused, not found, unreachable.
    #[error("`{id}`: {message}")]
    Hub {
        id: String,
        message: String,
        help: String,
    },

    /// A line of a tensor listing, or a `#! tensors:` directive, that cannot be read.
    #[error("{message}")]
    Tensors {
        span: Span,
        message: String,
        label: String,
        help: String,
    },
}

/// What stands right around an unknown name in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameContext {
    /// Nothing that tells more.
    Plain,
    /// A bracket follows: `sqrt(4)` was likely meant as a call.
    BeforeBracket,
    /// Digits come right before a name that starts with `_`: `1_` was likely a digit separator.
    AfterDigits,
}

impl NameContext {
    /// The context of the name written at `start..end` of `text`.
    pub(crate) fn of(text: &str, start: usize, end: usize) -> NameContext {
        let before = text.get(..start).and_then(|t| t.chars().next_back());
        let name = text.get(start..end).unwrap_or("");
        let after = text
            .get(end..)
            .map(|t| t.trim_start_matches([' ', '\t', '\u{3000}', '\u{00A0}']));
        if name.starts_with('_') && before.is_some_and(|c| c.is_ascii_digit()) {
            NameContext::AfterDigits
        } else if after.is_some_and(|t| t.starts_with(['(', '（'])) {
            NameContext::BeforeBracket
        } else {
            NameContext::Plain
        }
    }
}

/// The functions of the language, for a message about a name called as one.
const FUNCTIONS: &str =
    "min, max, floor, ceil, len, count, contains, sum and model, and those a formula defines with `fn`";

/// What to write instead of a function of other calculators that the language has not, or `None`
/// for a name that is no such function.
pub(crate) fn instead_of_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "sqrt" | "cbrt" | "root" | "isqrt" => {
            "roots are not exact numbers, and paramcount computes only exact ones: write a power \
             with an integer exponent (`x^2`), or floor() or ceil() of a quotient if rounding is \
             meant"
        }
        "round" | "rint" | "nearest" => {
            "to round, use floor() (down) or ceil() (up); floor(x + 1/2) rounds to the nearest"
        }
        "trunc" | "int" | "integer" => "to drop a fraction, use floor() (down) or ceil() (up)",
        "log" | "ln" | "log2" | "log10" | "exp" | "exp2" | "sin" | "cos" | "tan" | "tanh" => {
            "logarithms, exponentials and angles are not exact numbers, and paramcount computes \
             only exact ones: write powers with `^` and an integer exponent"
        }
        "abs" => "write the absolute value as max(x, -x)",
        "pow" | "power" => "write the power as `a^b`, with an integer exponent",
        "mod" | "rem" | "fmod" => "write the remainder as `a % b`",
        _ => return None,
    })
}

/// The help for a call of a function the language has not: what to write instead, and which
/// functions it has.
pub(crate) fn not_a_function_help(name: &str) -> Option<String> {
    instead_of_function(name)
        .map(|instead| format!("{instead}. The language's functions: {FUNCTIONS}"))
}

fn unknown_name_message(name: &str, context: NameContext) -> String {
    match context {
        NameContext::BeforeBracket if instead_of_function(name).is_some() => {
            format!("`{name}` is not a function of the language")
        }
        NameContext::AfterDigits => format!("unknown name `{name}` right after a number"),
        _ => format!("unknown name `{name}`"),
    }
}

/// A size in bits for a message: exact while it means something, "more than 2^64" past `u64`.
fn describe_bits(bits: u64) -> String {
    if bits == u64::MAX {
        "more than 2^64 bits".into()
    } else {
        format!("about {bits} bits")
    }
}

impl Error {
    /// A mistake in the language of functions, modules, lists, sums and sub-models.
    pub fn language(
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Error {
        Error::Language {
            span,
            message: message.into(),
            label: label.into(),
            help: help.into(),
        }
    }

    /// The error of an arithmetic failure at `span`, whose operand (divisor, exponent) is at
    /// `operand`.
    pub fn arithmetic(
        error: ArithmeticError,
        span: Span,
        operand: Span,
        formula: &Formula,
    ) -> Error {
        match error {
            ArithmeticError::DivisionByZero => Error::DivisionByZero { span: operand },
            ArithmeticError::TooLarge { bits, limit } => Error::TooLarge { span, bits, limit },
            ArithmeticError::FractionTooLarge { bits, limit } => {
                Error::FractionTooLarge { span, bits, limit }
            }
            ArithmeticError::ExponentTooLarge { exponent, limit } => Error::ExponentTooLarge {
                span: operand,
                exponent,
                limit,
            },
            ArithmeticError::FractionalExponent => Error::FractionalExponent {
                span: operand,
                exponent: formula.sources.slice(operand).to_string(),
            },
        }
    }

    /// Where in the input the error is, when it is at one place.
    pub fn span(&self) -> Option<Span> {
        match self {
            Error::Syntax { span, .. }
            | Error::TooDeep { span, .. }
            | Error::UnknownName { span, .. }
            | Error::NoAlternative { span, .. }
            | Error::Cycle { span, .. }
            | Error::DivisionByZero { span }
            | Error::FractionalExponent { span, .. }
            | Error::TooLarge { span, .. }
            | Error::FractionTooLarge { span, .. }
            | Error::ExponentTooLarge { span, .. }
            | Error::TooManyDefinitions { span, .. }
            | Error::Type { span, .. }
            | Error::Arity { span, .. }
            | Error::AdjacentNumbers { span, .. }
            | Error::Language { span, .. }
            | Error::ConfigSyntax { span, .. }
            | Error::ConfigValue { span, .. }
            | Error::Redefinition { span, .. }
            | Error::Tensors { span, .. }
            | Error::ConfigType { span, .. }
            | Error::ConfigSize { span, .. } => Some(*span),
            Error::Io { .. }
            | Error::NotText { .. }
            | Error::InputTooLarge { .. }
            | Error::OutputTooLarge { .. }
            | Error::BinaryInput { .. }
            | Error::ConfigNotObject { .. }
            | Error::SetSyntax { .. }
            | Error::UnknownFormula { .. }
            | Error::UnknownModelType { .. }
            | Error::UnknownTarget { .. }
            | Error::Usage { .. }
            | Error::Checkpoint { .. }
            | Error::Hub { .. } => None,
        }
    }

    /// The short label printed under the caret.
    pub fn label(&self) -> String {
        match self {
            Error::Syntax { .. } => "here".into(),
            Error::TooDeep { .. } => "the limit is passed here".into(),
            Error::UnknownName {
                name,
                context: NameContext::BeforeBracket,
                ..
            } if instead_of_function(name).is_some() => "called as a function here".into(),
            Error::UnknownName {
                context: NameContext::AfterDigits,
                ..
            } => "after the digits".into(),
            Error::UnknownName { has_config, .. } => if *has_config {
                "not defined in the formula, the config or --set"
            } else {
                "not defined in the formula or --set, and no config was given"
            }
            .into(),
            Error::NoAlternative { .. } => "no alternative here has a value".into(),
            Error::Cycle { .. } => "the cycle starts here".into(),
            Error::DivisionByZero { .. } => "this divisor is zero".into(),
            Error::FractionalExponent { .. } => "this exponent".into(),
            Error::TooLarge { .. } => "this result is too large".into(),
            Error::FractionTooLarge { .. } => "this fraction is too large".into(),
            Error::ExponentTooLarge { .. } => "this exponent".into(),
            Error::TooManyDefinitions { .. } => "the limit is passed here".into(),
            Error::Type { found, .. } => format!("this is {found}"),
            Error::Arity { .. } => "this call".into(),
            Error::AdjacentNumbers { .. } => "between these numbers".into(),
            Error::Language { label, .. } => label.clone(),
            Error::ConfigSyntax { .. } => "the JSON breaks here".into(),
            Error::ConfigValue { .. } | Error::ConfigType { .. } | Error::ConfigSize { .. } => {
                "read from the config here".into()
            }
            Error::Redefinition { .. } => "defined again here".into(),
            Error::Tensors { label, .. } => label.clone(),
            _ => String::new(),
        }
    }

    /// One sentence of what to do about it.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            Error::Io { .. } => "check the path; `paramcount models` lists the built-in formulas".into(),
            Error::NotText { .. } => "formula files and configs must be UTF-8 text".into(),
            Error::Syntax { help, .. } => return help.clone(),
            Error::TooDeep { .. } => "raise the limit with --max-depth if the input is meant to be this deep".into(),
            Error::UnknownName {
                name,
                context: NameContext::BeforeBracket,
                ..
            } if instead_of_function(name).is_some() => return not_a_function_help(name),
            Error::UnknownName {
                name,
                context: NameContext::AfterDigits,
                ..
            } => {
                let rest = if name == "_" {
                    "remove the `_` at the end".to_string()
                } else {
                    format!("`{name}` is read as a name here, and nothing defines it")
                };
                format!("`_` groups digits and stands only between two of them (30_522): {rest}")
            }
            Error::UnknownName { suggestions, name, has_config, .. } => {
                let named = suggestions
                    .iter()
                    .take(3)
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>();
                if !named.is_empty() {
                    format!("did you mean {}?", named.join(" or "))
                } else if *has_config {
                    format!("define it in the formula, or give it with --set {name}=VALUE")
                } else {
                    format!("give a config with --config FILE, or a value with --set {name}=VALUE")
                }
            }
            Error::NoAlternative { missing, .. } => format!(
                "add one of them to the config, or give a value with --set {}=VALUE",
                missing.first().map(String::as_str).unwrap_or("NAME")
            ),
            Error::Cycle { .. } => "define one of these names without referring back to the others".into(),
            Error::DivisionByZero { .. } => "check the value of the divisor (a config key may be 0)".into(),
            Error::FractionalExponent { .. } => "exponents must be integers: a fractional power is a root, and roots are not exact numbers, while paramcount computes only exact ones".into(),
            Error::TooLarge { .. } => "raise the limit with --max-bits if this size is really meant".into(),
            Error::FractionTooLarge { .. } => "fractions are reduced with a gcd whose cost grows with the square of their size, so they may use 1/64 of --max-bits; raise --max-bits if this size is really meant".into(),
            Error::ExponentTooLarge { .. } => "raise the limit with --max-exponent if this power is really meant".into(),
            Error::InputTooLarge { .. } => "raise the limit with --max-input (in bytes) if this input is really meant".into(),
            Error::OutputTooLarge { .. } => "print the value alone with `paramcount eval`, or raise the limit with --max-input (in bytes)".into(),
            Error::TooManyDefinitions { .. } => "raise the limit with --max-definitions if this many are really meant".into(),
            Error::BinaryInput { .. } => "give a formula file, a config or a text document; a NUL byte never occurs in text".into(),
            Error::Type { .. } => return None,
            Error::Arity { .. } => return None,
            Error::Language { help, .. } => help.clone(),
            Error::AdjacentNumbers {
                mixed: Some((whole, fraction)),
                ..
            } => format!(
                "for the mixed number {whole} and {fraction}, write `{whole}+{fraction}`; \
                 `{whole}*{fraction}` is {whole} times {fraction}"
            ),
            Error::AdjacentNumbers { mixed: None, .. } => {
                "write `*` between them, or remove the space if they are one number (use `_` to group digits: 30_522)".into()
            }
            Error::ConfigSyntax { .. } => "fix the JSON at the place shown".into(),
            Error::ConfigNotObject { .. } => "a config.json looks like {\"hidden_size\": 768, ...}".into(),
            Error::ConfigType { key, .. } => format!(
                "write it in the config as a JSON number without quotes (\"{key}\": 768), or give --set {key}=VALUE"
            ),
            Error::ConfigSize { key, .. } => format!(
                "fix `{key}` in the config (a positive whole number), or give --set {key}=VALUE"
            ),
            Error::ConfigValue { key, .. } => {
                format!("give a number with --set {key}=VALUE, or use another key")
            }
            Error::SetSyntax { .. } => "write --set NAME=VALUE, e.g. --set num_hidden_layers=24".into(),
            Error::UnknownFormula { known, .. } => {
                format!("give a path to a formula file, or one of: {}", known.join(", "))
            }
            Error::UnknownModelType { model_type, known } => {
                let close = crate::bind::closest_names(model_type, known.iter().cloned());
                let hint = match close.as_slice() {
                    [] => String::new(),
                    names => format!(
                        "the closest known model types: {}. ",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                format!(
                    "{hint}To count it with a family of the same architecture, name the family: \
                     `paramcount eval llama --config config.json` (`paramcount models` lists them). \
                     Known model types: {}",
                    known.join(", ")
                )
            }
            Error::UnknownTarget { known, .. } => {
                format!("the formula defines: {}", known.join(", "))
            }
            Error::Redefinition { name, .. } => format!(
                "rename one of them; to claim a value, put it at the end of the definition: `{name} = ... = 123`"
            ),
            Error::Usage { help, .. } => help.clone(),
            Error::Checkpoint { help, .. }
            | Error::Tensors { help, .. }
            | Error::Hub { help, .. } => help.clone(),
        })
    }
}
