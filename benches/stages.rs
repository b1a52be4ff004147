//! Benchmarks of each stage of the pipeline, on a small and a large input, through the library's
//! public API.
//!
//! The inputs are the shapes of `bench/compare.py`'s workloads at a size a benchmark repeats
//! comfortably: the article's BERT line (w1), a 10,000-term sum (w2 is 1,000,000 terms), a
//! 1,000-line formula file (w3 is 100,000 lines), `H+(H+(...))` 10,000 deep (w4 with a name), the
//! Llama-3-8B config, `(a+b+c+d+e+f)^8` (w6), and for `check --scan` a blog post with 20 claims and
//! one with 1,000. They are generated here, deterministically, so a run needs nothing but the
//! repository.
//!
//! Run with `cargo bench --bench stages` (about two minutes on two cores; each benchmark takes ten
//! samples) or `cargo bench --bench stages -- --quick`. The side-by-side comparison with bc, Python
//! and SymPy is `bench/compare.py`; this file measures the stages one at a time, to see which one
//! dominates.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use paramcount::bind::Scope;
use paramcount::check::{check_text, CheckOptions};
use paramcount::eval::Evaluator;
use paramcount::parser;
use paramcount::printer::NumberFormat;
use paramcount::program::{FormulaSource, Request};
use paramcount::render::{self, Style};
use paramcount::syntax::Formula;
use paramcount::{Limits, Program};

/// The article's BERT expression with the numbers substituted (w1).
const ARTICLE_LINE: &str = "(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)";

/// The config of w3: BERT-base's sizes under one-letter names.
const W3_CONFIG: &str =
    r#"{"V": 30522, "P": 512, "T": 2, "H": 768, "L": 12, "A": 12, "d": 64, "I": 3072}"#;
const W3_NAMES: [&str; 8] = ["V", "P", "T", "H", "L", "A", "d", "I"];

/// A small deterministic pseudo-random source, so the inputs are the same on every run without a
/// dependency. (The constants are Knuth's MMIX linear congruential generator; the high bits are
/// the well-mixed ones.)
struct Dice(u64);

impl Dice {
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One flat sum of `terms` products of 2-4 small integers, as w2.
fn flat_sum(terms: usize) -> String {
    let small = ["2", "3", "12", "64", "512", "768", "3072", "30522"];
    let mut dice = Dice(1124);
    let mut text = String::new();
    for i in 0..terms {
        if i > 0 {
            text.push('+');
        }
        let factors = 2 + dice.below(3);
        for f in 0..factors {
            if f > 0 {
                text.push('*');
            }
            text.push_str(dice.pick(&small));
        }
    }
    text
}

/// A formula file of `lines` lines `n_i = expr`, as w3: each expression mixes literals, the eight
/// config names, `+ - *`, `^2` and parentheses, and adds one earlier line, so every line depends
/// on the ones before it.
fn formula_file(lines: usize) -> String {
    let mut dice = Dice(1124);
    let mut text = String::new();
    for i in 0..lines {
        let parts = 10 + dice.below(21);
        let mut expr = String::new();
        for p in 0..parts {
            if p > 0 {
                expr.push_str(dice.pick(&["+", "+", "-", "*"]));
            }
            match dice.below(20) {
                0..=2 => {
                    let (a, b) = (atom(&mut dice), atom(&mut dice));
                    let op = dice.pick(&["+", "-"]);
                    expr.push_str(&format!("({a}{op}{b})"));
                }
                3 => expr.push_str(&format!("{}^2", atom(&mut dice))),
                _ => expr.push_str(&atom(&mut dice)),
            }
        }
        if i > 0 {
            let earlier = i as u64 - 1 - dice.below((i as u64).min(50));
            expr.push_str(&format!(" + n_{earlier}"));
        }
        text.push_str(&format!("n_{i} = {expr}\n"));
    }
    text
}

/// A literal 1-999 or one of the config names, half and half.
fn atom(dice: &mut Dice) -> String {
    if dice.below(2) == 0 {
        (1 + dice.below(999)).to_string()
    } else {
        dice.pick(&W3_NAMES).to_string()
    }
}

/// The named inputs every parse and evaluate benchmark runs on, small to large.
fn inputs() -> Vec<(&'static str, String)> {
    vec![
        ("article_line", ARTICLE_LINE.to_string()),
        ("sum_10k_terms", flat_sum(10_000)),
        ("file_1k_lines", formula_file(1_000)),
        // w4's shape with a name in it, so it takes the tree route rather than the fold.
        (
            "nested_10k_deep",
            format!("{}H{}", "H+(".repeat(10_000), ")".repeat(10_000)),
        ),
    ]
}

/// The w3 config, written where cargo keeps benchmark scratch files: `Program::load` reads
/// configs by path, as the command line does.
fn w3_config_path() -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stages-w3-config.json");
    std::fs::write(&path, W3_CONFIG).expect("write the benchmark config");
    path
}

fn load(name: &str, text: &str, config: Option<&Path>) -> Program {
    let request = Request {
        formula: Some(FormulaSource::Text {
            name: name.to_string(),
            text: text.to_string(),
        }),
        config: config.map(|p| p.display().to_string()),
        ..Request::default()
    };
    Program::load(&request).expect("benchmark input loads")
}

/// Text → syntax tree, and nothing else: pest and the lowering into the arena.
fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let max_depth = Limits::default().max_depth;
    for (name, text) in inputs() {
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| {
                let mut formula = Formula::new();
                let source = formula.sources.add(name, text.as_str());
                parser::parse_file(&mut formula, source, max_depth).expect("parses");
                formula
            })
        });
    }
    group.finish();
}

/// Bound tree → value: `paramcount::evaluate`, which builds the scope (binding names to
/// definitions and the config) and evaluates the target. Parsing is done once, outside the loop.
fn evaluate(c: &mut Criterion) {
    let config = w3_config_path();
    let mut group = c.benchmark_group("bind+evaluate");
    for (name, text) in inputs() {
        let program = load(name, &text, Some(&config));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| paramcount::evaluate(black_box(&program)).expect("evaluates"))
        });
    }
    group.finish();

    // Binding alone, on the input with the most names, to tell it apart from evaluation.
    let program = load("file_1k_lines", &formula_file(1_000), Some(&config));
    c.bench_function("bind/file_1k_lines", |b| {
        b.iter(|| {
            Scope::new(
                black_box(&program.formula),
                program.config.as_ref(),
                program.limits.max_bits,
            )
        })
    });
}

/// Text → value with no tree: the fold `eval` takes for plain arithmetic (`parser::fold`), beside
/// the tree route (parse, then evaluate) on the same sum.
fn fold(c: &mut Criterion) {
    let text = flat_sum(10_000);
    let mut group = c.benchmark_group("text->value");
    group.bench_function("sum_10k_terms/fold", |b| {
        b.iter(|| parser::fold(black_box(&text), Limits::default()).expect("folds"))
    });
    group.bench_function("sum_10k_terms/tree", |b| {
        b.iter(|| {
            let program = load("sum_10k_terms", black_box(&text), None);
            paramcount::evaluate(&program).expect("evaluates")
        })
    });
    group.finish();
}

/// Evaluated tree → the article's one-line derivation. The evaluator runs once, outside the loop,
/// so only the printing is timed; `derive/...` times the whole `paramcount derive`.
fn render_article(c: &mut Criterion) {
    let cases = [
        (
            "bert-article",
            Request {
                formula: Some(FormulaSource::Named("bert-article".into())),
                ..Request::default()
            },
        ),
        (
            "sum_10k_terms",
            Request {
                expression: Some(flat_sum(10_000)),
                ..Request::default()
            },
        ),
    ];
    let mut group = c.benchmark_group("render_article");
    for (name, request) in &cases {
        let program = Program::load(request).expect("loads");
        let scope = Scope::new(
            &program.formula,
            program.config.as_ref(),
            program.limits.max_bits,
        );
        let mut evaluator = Evaluator::new(&scope, program.limits);
        evaluator.statement(program.target).expect("evaluates");
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                render::render(
                    black_box(&evaluator),
                    program.target,
                    Style::Article,
                    NumberFormat::default(),
                )
                .expect("renders")
            })
        });
    }
    group.finish();

    let program = Program::load(&cases[0].1).expect("loads");
    c.bench_function("derive/bert-article", |b| {
        b.iter(|| {
            paramcount::derive(black_box(&program), Style::Article, NumberFormat::default())
                .expect("derives")
        })
    });
}

/// `paramcount eval --config Meta-Llama-3-8B.json`: the built-in `llama` formula (chosen by the
/// config's model_type) counted for Llama-3-8B. `load+evaluate` is the whole command less process
/// start-up: reading and parsing the config and the formula, then evaluating.
fn model_count(c: &mut Criterion) {
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/models/configs/Meta-Llama-3-8B.json")
        .display()
        .to_string();
    let request = Request {
        config: Some(config),
        ..Request::default()
    };
    let program = Program::load(&request).expect("the llama config loads");
    // The count transformers gives (tests/fixtures/models/counts.json): a wrong answer fast is no
    // benchmark.
    let value = paramcount::evaluate(&program).expect("evaluates").value;
    assert_eq!(value.to_string(), "8030261248");

    let mut group = c.benchmark_group("model_count");
    group.bench_function("llama-3-8b/load+evaluate", |b| {
        b.iter(|| {
            let program = Program::load(black_box(&request)).expect("loads");
            paramcount::evaluate(&program).expect("evaluates")
        })
    });
    group.bench_function("llama-3-8b/evaluate", |b| {
        b.iter(|| paramcount::evaluate(black_box(&program)).expect("evaluates"))
    });
    group.finish();
}

/// `paramcount expand -e '(a+b+c+d+e+f)^8'` (w6), through the algebra stage.
fn expand(c: &mut Criterion) {
    let expression = "(a+b+c+d+e+f)^8";
    // C(8+5, 5) monomials of degree 8 in six symbols.
    let terms = paramcount::algebra::expand_text(expression)
        .expect("expands")
        .term_count();
    assert_eq!(terms, 1287);
    c.bench_function("expand/(a+b+c+d+e+f)^8", |b| {
        b.iter(|| paramcount::algebra::expand_text(black_box(expression)).expect("expands"))
    });
}

/// A markdown document of prose with `claims` claimed products and sums in its sentences, every
/// fourth one off by one (so the check diagnoses it), as a blog post about a model reads.
fn document(claims: usize) -> String {
    let mut dice = Dice(claims as u64);
    let mut text = String::from("# Counting the parameters\n\n");
    for i in 0..claims {
        let a = dice.pick(&["12", "64", "768", "3072", "30522"]);
        let b = dice.pick(&["2", "3", "12", "768"]);
        let c = dice.below(1000);
        let value = a.parse::<u64>().unwrap_or(1) * b.parse::<u64>().unwrap_or(1) + c;
        let claimed = if i % 4 == 3 { value + 1 } else { value };
        text.push_str(&format!(
            "Part {i} of the model has {a}*{b}+{c} = {claimed} weights, by the usual rule. "
        ));
        if i % 5 == 4 {
            text.push_str("\n\nThe next paragraph goes on with the layers.\n\n");
        }
    }
    text.push('\n');
    text
}

fn check_scan(c: &mut Criterion) {
    let options = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    let mut group = c.benchmark_group("check_scan");
    for (name, text) in [
        ("post_20_claims", document(20)),
        ("post_1000_claims", document(1000)),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| black_box(check_text("post.md", text, &options)).is_ok())
        });
    }
    group.finish();
}

fn settings() -> Criterion {
    // Ten samples over a couple of seconds each keep `cargo bench` to a couple of minutes on two
    // cores; the inputs are deterministic, so the medians are still steady enough to compare runs.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = stages;
    config = settings();
    targets = parse, evaluate, fold, render_article, model_count, expand, check_scan
}
criterion_main!(stages);
