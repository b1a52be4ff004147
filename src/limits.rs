//! Every bound on what one run may read and compute, in one place: whatever the input, a run ends
//! in bounded time and memory with a value or an error that names the limit (and its flag, for
//! those a user may raise).
//!
//! `Limits` holds the ones with a command-line flag; every stage that needs one (parser, evaluator,
//! algebra, check, sweep) is handed the same `Limits` by its caller. The constants after it are
//! fixed bounds on costs a hostile input controls, which no real formula comes near.

/// Bounds on what one run may read and compute, each with its flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest number, in bits, any intermediate result may have (`--max-bits`). Fractions may use
    /// a share of it (`number::fraction_limit`).
    pub max_bits: u64,
    /// Deepest nesting of brackets the parser accepts (`--max-depth`).
    pub max_depth: usize,
    /// Largest input, in bytes: a formula file, standard input, a config, a document, an `-e`
    /// expression or a `--set` value (`--max-input`). It also bounds what a derivation prints
    /// (`RECORDED_BITS_PER_INPUT_BYTE`).
    pub max_input_bytes: usize,
    /// Largest exponent of `^`, in magnitude, for bases other than 0 and ±1 (`--max-exponent`).
    pub max_exponent: u64,
    /// Most statements (definitions, expressions, overrides) one run may have
    /// (`--max-definitions`).
    pub max_definitions: usize,
    /// Most terms any intermediate sum of an expansion may have (`--max-terms`).
    pub max_terms: usize,
    /// Most terms a `sum(i in a..b, expr)` may have (`--max-sum-terms`), whether its terms are
    /// added one by one or, when they do not depend on `i`, multiplied.
    pub max_sum_terms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bits: DEFAULT_MAX_BITS,
            max_depth: DEFAULT_MAX_DEPTH,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_exponent: DEFAULT_MAX_EXPONENT,
            max_definitions: DEFAULT_MAX_DEFINITIONS,
            max_terms: DEFAULT_MAX_TERMS,
            max_sum_terms: DEFAULT_MAX_SUM_TERMS,
        }
    }
}

// ---- the defaults of the flags ------------------------------------------------------------------

/// About 1.26 million decimal digits: past any real model, enough for a million-digit result,
/// and small enough that the quadratic steps of big-integer arithmetic (division, printing) stay
/// within a few seconds.
pub const DEFAULT_MAX_BITS: u64 = 1 << 22;
/// How deep input may nest by default: deeper than any real formula, shallow enough to parse in a
/// few hundred megabytes of stack.
pub const DEFAULT_MAX_DEPTH: usize = 1_000_000;
/// 64 MiB: a million-term formula is 13 MB; a web page to scan a few.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 64 << 20;
/// An exponent past this is refused before any multiplication (a million-digit power of 3 has an
/// exponent of about two million).
pub const DEFAULT_MAX_EXPONENT: u64 = 1 << 22;
/// A real formula file has tens of definitions; a generated one a hundred thousand.
pub const DEFAULT_MAX_DEFINITIONS: usize = 1_000_000;
/// The default limit on the number of terms of any intermediate sum of an expansion: far past
/// any real formula (`(a+b+c+d+e+f)^8` has 1,287), small enough to answer in about a second.
pub const DEFAULT_MAX_TERMS: usize = 1_000_000;
/// Far past the layers of any model, and a few seconds of work at most.
pub const DEFAULT_MAX_SUM_TERMS: u64 = 1_000_000;
/// The most points a sweep computes unless told otherwise (`sweep --max-points`).
pub const DEFAULT_MAX_POINTS: u64 = 10_000_000;

// ---- fixed bounds -------------------------------------------------------------------------------

/// A derivation prints at most `Limits::max_input_bytes` bytes of digits and text, and the JSON
/// style records values of at most this many bits per byte of it (a bit is about 0.3 digits, so
/// the values kept are about as large as the digits printed).
pub const RECORDED_BITS_PER_INPUT_BYTE: u64 = 4;
/// Most nodes that inlining calls of user functions may add to a program (8 to 32 bytes each:
/// under 64 MB). A model built from the block library adds a few dozen per call.
pub const MAX_LINKED_NODES: usize = 2_000_000;
/// Most modules (`use`) one program may read.
pub const MAX_MODULES: usize = 1000;
/// Sub-models (`model(...)`) nest at most this deep (a vision tower inside a multimodal model is
/// two).
pub const MAX_SUBMODEL_NESTING: usize = 16;
