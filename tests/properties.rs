//! Properties over generated formulas: printing and parsing again keeps the value; the article line
//! re-evaluates to the total it prints; expansion agrees with evaluation at random points; and
//! evaluation agrees with a second evaluator written here, over `i128` with checked arithmetic (a
//! different route: no big integers, no fractions, no precedence table).

use paramcount::algebra;
use paramcount::printer::NumberFormat;
use paramcount::program::{Program, Request};
use paramcount::render::Style;
use paramcount::{derive, evaluate, Value};
use proptest::prelude::*;

/// A generated formula: its text (fully bracketed where precedence matters, so the second
/// evaluator needs no precedence table) and its value over `i128` at the point `NAMES = POINT`,
/// `None` when a step overflows or the exponent is negative.
#[derive(Clone, Debug)]
struct Generated {
    text: String,
    value: Option<i128>,
}

const NAMES: [&str; 3] = ["a", "b", "c"];

fn leaf(point: [i128; 3]) -> impl Strategy<Value = Generated> {
    prop_oneof![
        (0i64..1000).prop_map(|n| Generated {
            text: n.to_string(),
            value: Some(n as i128),
        }),
        (0usize..3).prop_map(move |i| Generated {
            text: NAMES[i].to_string(),
            value: Some(point[i]),
        }),
    ]
}

fn formula(point: [i128; 3]) -> impl Strategy<Value = Generated> {
    leaf(point).prop_recursive(5, 40, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone(), 0usize..3).prop_map(|(l, r, op)| {
                let (symbol, value) = match op {
                    0 => (
                        "+",
                        l.value.zip(r.value).and_then(|(a, b)| a.checked_add(b)),
                    ),
                    1 => (
                        "-",
                        l.value.zip(r.value).and_then(|(a, b)| a.checked_sub(b)),
                    ),
                    _ => (
                        "*",
                        l.value.zip(r.value).and_then(|(a, b)| a.checked_mul(b)),
                    ),
                };
                Generated {
                    text: format!("({}{symbol}{})", l.text, r.text),
                    value,
                }
            }),
            inner.clone().prop_map(|g| Generated {
                text: format!("-{}", g.text),
                value: g.value.and_then(i128::checked_neg),
            }),
            (inner.clone(), 0u32..4).prop_map(|(g, e)| Generated {
                text: format!("({})^{e}", g.text),
                value: g.value.and_then(|v| v.checked_pow(e)),
            }),
            // Juxtaposition and the spellings copied from articles.
            (inner.clone(), inner).prop_map(|(l, r)| Generated {
                text: format!("({})×（{}）", l.text, r.text),
                value: l.value.zip(r.value).and_then(|(a, b)| a.checked_mul(b)),
            }),
        ]
    })
}

fn point_and_formula() -> impl Strategy<Value = ([i128; 3], Generated)> {
    [-20i128..21, -20i128..21, 1i128..50].prop_flat_map(|point| (Just(point), formula(point)))
}

fn sets(point: [i128; 3]) -> Vec<String> {
    NAMES
        .iter()
        .zip(point)
        .map(|(name, value)| format!("{name}={value}"))
        .collect()
}

fn program(expression: &str, point: [i128; 3]) -> Program {
    let request = Request {
        expression: Some(expression.to_string()),
        sets: sets(point),
        ..Request::default()
    };
    Program::load(&request).expect("a generated formula parses")
}

fn value_of(expression: &str, point: [i128; 3]) -> Value {
    evaluate(&program(expression, point))
        .expect("a generated formula has a value")
        .value
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn evaluation_agrees_with_an_i128_evaluator((point, generated) in point_and_formula()) {
        let engine = value_of(&generated.text, point);
        if let Some(expected) = generated.value {
            prop_assert_eq!(engine.to_string(), expected.to_string(), "{}", generated.text);
        }
    }

    #[test]
    fn symbolic_and_article_styles_parse_back_to_the_same_value(
        (point, generated) in point_and_formula()
    ) {
        let program = program(&generated.text, point);
        let value = evaluate(&program).unwrap().value;
        // The symbolic line keeps the names; the article line has the numbers in.
        let symbolic = derive(&program, Style::Symbolic, NumberFormat::default()).unwrap().text;
        let symbolic = symbolic.trim_end();
        let symbolic = symbolic.rsplit_once('=').map_or(symbolic, |(left, _)| left);
        prop_assert_eq!(&value_of(symbolic, point), &value, "{} -> {}", generated.text, symbolic);

        let article = derive(&program, Style::Article, NumberFormat::default()).unwrap().text;
        let (left, total) = article.trim_end().rsplit_once('=').expect("article ends in =TOTAL");
        // The printed total is the value, and the substituted formula re-evaluates to it.
        prop_assert_eq!(total, value.to_string());
        prop_assert_eq!(&value_of(left, [0, 0, 0]), &value, "{} -> {}", generated.text, left);

        // With spaces and grouped digits the text still reads back (commas removed).
        let spaced = NumberFormat { group_digits: true, spaced: true, ..NumberFormat::default() };
        let article = derive(&program, Style::Article, spaced).unwrap().text;
        let (left, _) = article.trim_end().rsplit_once('=').expect("article ends in =TOTAL");
        prop_assert_eq!(&value_of(&left.replace(',', ""), [0, 0, 0]), &value, "{}", left);
    }

    #[test]
    fn expansion_agrees_with_evaluation_at_random_points(
        (point, generated) in point_and_formula(),
        other in [-9i128..10, -9i128..10, -9i128..10],
    ) {
        let request = Request {
            expression: Some(generated.text.clone()),
            ..Request::default()
        };
        let symbolic = Program::load(&request).unwrap();
        let expansion = match algebra::expand_program(&symbolic) {
            Ok(expansion) => expansion,
            // Only a size limit may stop an expansion of these formulas.
            Err(error) => {
                prop_assert!(error.to_string().contains("limit"), "{}", error);
                return Ok(());
            }
        };
        let normal_form = expansion.polynomial.to_string();
        for at in [point, other] {
            prop_assert_eq!(
                value_of(&normal_form, at),
                value_of(&generated.text, at),
                "{} expands to {}", generated.text, normal_form
            );
        }
    }
}

// ---- functions, sums and lists --------------------------------------------------------------

/// The value of a formula file's target with `sets`.
fn file_value(text: &str, sets: Vec<String>) -> Program {
    let request = Request {
        formula: Some(paramcount::program::FormulaSource::Text {
            name: "generated.formula".into(),
            text: text.to_string(),
        }),
        sets,
        ..Request::default()
    };
    Program::load(&request).expect("a generated file parses")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A generated formula as the body of a function, called with the point's values as arguments
    /// (some through other names), has the i128 evaluator's value; its article line re-evaluates
    /// to it.
    #[test]
    fn a_function_call_is_its_body_at_the_arguments((point, generated) in point_and_formula()) {
        let text = format!(
            "fn f(a, b, c) = {}\ntotal = f(x, y + 0, (z))\n",
            generated.text
        );
        let sets = vec![
            format!("x={}", point[0]),
            format!("y={}", point[1]),
            format!("z={}", point[2]),
        ];
        let program = file_value(&text, sets);
        let value = evaluate(&program).unwrap().value;
        if let Some(expected) = generated.value {
            prop_assert_eq!(value.to_string(), expected.to_string(), "{}", text);
        }
        let article = derive(&program, Style::Article, NumberFormat::default()).unwrap().text;
        let (left, total) = article.trim_end().rsplit_once('=').expect("article ends in =TOTAL");
        prop_assert_eq!(total, value.to_string());
        prop_assert_eq!(&value_of(left, [0, 0, 0]), &value, "{} -> {}", text, left);
    }

    /// `sum(i in lo..hi, k*i + m)` against the closed form k*(lo+hi)*n/2 + m*n, n = hi-lo+1.
    #[test]
    fn sums_agree_with_the_arithmetic_series(
        lo in -50i128..50, len in 0i128..60, k in -9i128..10, m in -9i128..10
    ) {
        let hi = lo + len - 1;
        let text = format!("total = sum(i in {lo}..{hi}, {k}*i + {m})");
        let n = len;
        // n terms: k*(lo + hi)*n/2 is exact, (lo + hi)*n being the sum of pairs.
        let expected = k * (lo + hi) * n / 2 + m * n;
        let program = file_value(&text, Vec::new());
        prop_assert_eq!(evaluate(&program).unwrap().value.to_string(), expected.to_string());
        // A summand without `i` prints as count*term and reads back.
        let text = format!("total = sum(i in {lo}..{hi}, {m})");
        let program = file_value(&text, Vec::new());
        let value = evaluate(&program).unwrap().value;
        prop_assert_eq!(value.to_string(), (m * n.max(0)).to_string());
        let article = derive(&program, Style::Article, NumberFormat::default()).unwrap().text;
        let (left, _) = article.trim_end().rsplit_once('=').expect("article ends in =TOTAL");
        prop_assert_eq!(&value_of(left, [0, 0, 0]), &value, "{}", left);
    }

    /// List functions against the same computation in Rust.
    #[test]
    fn list_functions_agree_with_rust(items in prop::collection::vec(-5i64..6, 0..12), probe in -5i64..6) {
        let literal = format!(
            "[{}{}]",
            items.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
            if items.len() == 1 { "," } else { "" }
        );
        let text = format!(
            "xs = {literal}\nn = len(xs)\ns = sum(xs)\nc = count(xs, {probe})\nhas = contains(xs, {probe})\ntotal = n\n"
        );
        for (target, expected) in [
            ("n", items.len().to_string()),
            ("s", items.iter().sum::<i64>().to_string()),
            ("c", items.iter().filter(|x| **x == probe).count().to_string()),
            ("has", items.contains(&probe).to_string()),
        ] {
            let mut request = Request {
                formula: Some(paramcount::program::FormulaSource::Text {
                    name: "lists.formula".into(),
                    text: text.clone(),
                }),
                ..Request::default()
            };
            request.target = Some(target.to_string());
            let program = Program::load(&request).unwrap();
            prop_assert_eq!(evaluate(&program).unwrap().value.to_string(), expected, "{}", target);
        }
        for (index, item) in items.iter().enumerate() {
            let program = file_value(&format!("xs = {literal}\ntotal = xs[{index}]\n"), Vec::new());
            prop_assert_eq!(evaluate(&program).unwrap().value.to_string(), item.to_string());
        }
        let program = file_value(&format!("xs = {literal}\ntotal = xs[{}]\n", items.len()), Vec::new());
        prop_assert!(evaluate(&program).is_err());
    }
}
