//! The folding route (`parser::fold`, `program::quick_value`) must give exactly the value the tree
//! route gives, or give up (`None`) so the tree route runs. Every test computes both and compares.

use paramcount::parser::{fold, fold_definitions};
use paramcount::program::{quick_value, Request};
use paramcount::{Limits, Number, Value};
use proptest::prelude::*;

/// Small enough that powers stay quick, large enough that most generated values fit.
const LIMITS: Limits = Limits {
    max_bits: 4096,
    max_depth: 100_000,
    max_input_bytes: paramcount::eval::DEFAULT_MAX_INPUT_BYTES,
    max_exponent: paramcount::eval::DEFAULT_MAX_EXPONENT,
    max_definitions: paramcount::eval::DEFAULT_MAX_DEFINITIONS,
    max_terms: paramcount::algebra::DEFAULT_MAX_TERMS,
    max_sum_terms: paramcount::eval::DEFAULT_MAX_SUM_TERMS,
};

/// The value the usual route (parse into a tree, evaluate) gives, or its error's text.
fn tree_value(text: &str, limits: Limits) -> Result<Value, String> {
    let mut request = Request::text("t", text);
    request.limits = limits;
    let program = request.load().map_err(|e| format!("{e:?}"))?;
    paramcount::evaluate(&program)
        .map(|evaluation| evaluation.value)
        .map_err(|e| format!("{e:?}"))
}

/// The folded value agrees with the tree's, when there is one; returns it.
fn agree(text: &str, limits: Limits) -> Option<Number> {
    let folded = fold(text, limits);
    if let Some(value) = &folded {
        assert_eq!(
            tree_value(text, limits),
            Ok(Value::Number(value.clone())),
            "fold and tree differ on {text:?}"
        );
    }
    folded
}

/// Folded, to the value `expected` (as printed).
fn folds_to(text: &str, expected: &str) {
    match agree(text, LIMITS) {
        Some(value) => assert_eq!(value.to_string(), expected, "{text:?}"),
        None => panic!("fold gave up on {text:?}"),
    }
}

fn gives_up(text: &str) {
    assert_eq!(agree(text, LIMITS), None, "fold took {text:?}");
}

#[test]
fn precedence_and_associativity() {
    folds_to("-2^2", "-4");
    folds_to("(-2)^2", "4");
    folds_to("2^3^2", "512");
    folds_to("2**3**2", "512");
    folds_to("2^-1", "1/2");
    folds_to("1-2-3", "-4");
    folds_to("2*3/4", "3/2");
    folds_to("12/2/3", "2");
    folds_to("--1", "1");
    folds_to("+-+1", "-1");
    folds_to("-(1)^2", "-1");
    folds_to("1+2*3^2", "19");
}

#[test]
fn juxtaposition_and_brackets() {
    folds_to("12(768+1)", "9228");
    folds_to("(30522+512+2)768", "23835648");
    folds_to("(1)(2)", "2");
    folds_to("2 (3)", "6");
    // A bracket opened with `[` may be a list (`[1, 2]`): the tree route reads it (3*3 = 9).
    gives_up("[1+2]*3");
    assert_eq!(
        tree_value("[1+2]*3", LIMITS),
        Ok(Value::Number(paramcount::Number::from_i64(9)))
    );
    folds_to("(1 \n + 2\n)", "3");
    folds_to("\n\n  1\n+ 2  \n\n", "3");
}

#[test]
fn exact_numbers() {
    folds_to("7/2", "7/2");
    folds_to("0.1*30", "3");
    folds_to("0.1+0.2", "3/10");
    folds_to("1e3", "1000");
    folds_to("2.5E-2", "1/40");
    folds_to("30_522 + 1_000_000", "1030522");
    folds_to("007", "7");
    folds_to(
        "123456789012345678901234567890 - 1",
        "123456789012345678901234567889",
    );
    folds_to("9223372036854775807 + 1", "9223372036854775808");
    folds_to("-9223372036854775807 - 2", "-9223372036854775809");
    folds_to("2^64 + 2^64", "36893488147419103232");
    folds_to("2^64 + 1", "18446744073709551617");
    // A leading point: .5 is 5/10; .25*8 = 2; -.5e1 = -5.
    folds_to(".5", "1/2");
    folds_to(".25*8", "2");
    folds_to("-.5e1", "-5");
    // The division slash U+2215 of typeset pages is `/`: 1∕4 + 1∕4 = 1/2.
    folds_to("1∕4 + 1∕4", "1/2");
    folds_to("768∕12∕64", "1");
}

#[test]
fn anything_else_is_left_to_the_tree() {
    for text in [
        "x",
        "2H",
        "1 + x",
        "a = 1",
        "1 = 1",
        "1 # why",
        "1 == 1",
        "1 < 2",
        "true",
        "not 1",
        "1 | 2",
        "min(1, 2)",
        "1; 2",
        "1\n2",
        "2 3",
        "-2 3",
        "2^2 3",
        "1 \"text\"",
        "2×3",
        "2 − 3",
        "",
        "  \n",
        "(1",
        "1)",
        "1 +",
        "if 1 then 2 else 3",
        "1 and 2",
    ] {
        gives_up(text);
    }
}

#[test]
fn errors_are_left_to_the_tree() {
    for text in ["1/0", "0^-1", "2^(1/2)", "10^10^10", "2^5000", "1/(1-1)"] {
        gives_up(text);
        assert!(tree_value(text, LIMITS).is_err(), "{text:?} has a value");
    }
    // The size limit applies before each operation, as on the tree: 2^4000 fits in 4096 bits, a
    // product that might need 4001 + 101 bits is refused before it is computed.
    assert!(agree("2^4000", LIMITS).is_some());
    gives_up("2^4000*2^100");
}

#[test]
fn deep_input_is_folded_without_recursion() {
    let depth = 50_000;
    folds_to(
        &format!("{}1{}", "1+(".repeat(depth), ")".repeat(depth)),
        &(depth + 1).to_string(),
    );
    folds_to(
        &format!("{}7{}", "-(".repeat(depth), ")".repeat(depth)),
        "7",
    );
    folds_to(&format!("{}7", "-".repeat(depth + 1)), "-7");
    folds_to(&format!("1{}", "^1".repeat(depth)), "1");
    // Past the depth limit, the tree route reports where.
    let deep = format!("{}1{}", "(".repeat(1_001), ")".repeat(1_001));
    let shallow = Limits {
        max_depth: 1_000,
        ..LIMITS
    };
    assert_eq!(fold(&deep, shallow), None);
    assert!(tree_value(&deep, shallow).is_err());
}

#[test]
fn quick_value_only_for_arithmetic_alone() {
    let mut request = Request::text("t", "2^3^2");
    assert_eq!(
        quick_value(&mut request),
        Some(Value::Number(Number::from_i64(512)))
    );
    let mut request = Request::default().expression("12(768+1)");
    assert_eq!(
        quick_value(&mut request),
        Some(Value::Number(Number::from_i64(9228)))
    );
    // With a target, `--set`, a config, or both a formula and `-e`, the tree decides.
    assert_eq!(quick_value(&mut Request::text("t", "1").target("x")), None);
    assert_eq!(quick_value(&mut Request::text("t", "1").set("x=1")), None);
    assert_eq!(
        quick_value(&mut Request::text("t", "1").config("c.json")),
        None
    );
    assert_eq!(
        quick_value(&mut Request::text("t", "1").expression("2")),
        None
    );
    assert_eq!(quick_value(&mut Request::named("bert")), None);
}

// ---- files of definitions, with a config ----------------------------------------------------------

/// The tree's value of `text` with the config `json`.
fn tree_value_with(text: &str, json: &str) -> Result<Value, String> {
    let mut request = Request::text("t", text).config_json("c.json", json);
    request.limits = LIMITS;
    let program = request.load().map_err(|e| format!("{e:?}"))?;
    paramcount::evaluate(&program)
        .map(|evaluation| evaluation.value)
        .map_err(|e| format!("{e:?}"))
}

/// `quick_value` of `text` with the config `json`, checked against the tree's value.
fn quick_with(text: &str, json: &str) -> Option<Value> {
    let mut request = Request::text("t", text).config_json("c.json", json);
    request.limits = LIMITS;
    let quick = quick_value(&mut request);
    if let Some(value) = &quick {
        assert_eq!(
            tree_value_with(text, json).as_ref(),
            Ok(value),
            "quick and tree differ on {text:?}"
        );
    }
    quick
}

const CONFIG: &str =
    r#"{"H": 768, "L": 12, "V": 30522, "hidden_size": 0, "name": "bert", "f": 0.5}"#;

#[test]
fn definitions_are_folded_line_by_line() {
    let number = |n: i64| Some(Value::Number(Number::from_i64(n)));
    // 768^2 = 589,824; times 12 and 12: 84,934,656.
    assert_eq!(
        quick_with("x = 12*H^2\ny = L*x\n", CONFIG),
        number(84_934_656)
    );
    // The target is `total` wherever it stands, else the last definition.
    assert_eq!(quick_with("total = 5\ny = total + 1", CONFIG), number(5));
    assert_eq!(
        quick_with("# a comment\n\nlet d = H / 12  # 64\n  w = d*2\r\n", CONFIG),
        number(128)
    );
    // A name inside its own definition is the config's.
    assert_eq!(quick_with("V = V + 1", CONFIG), number(30_523));
    // A fraction from the config, exactly.
    assert_eq!(
        quick_with("x = f * 3", CONFIG),
        Some(Value::Number(
            Number::parse_literal("1.5", 64).unwrap().unwrap()
        ))
    );
    // Without a config, definitions of numbers alone.
    let mut request = Request::text("t", "a = 2\nb = a * 3 + 1");
    assert_eq!(quick_value(&mut request), number(7));
}

#[test]
fn definitions_the_tree_reads_otherwise_are_left_to_it() {
    for text in [
        "a = b\nb = 1",        // a forward reference
        "a = 1\na = 2",        // a redefinition (an error)
        "x = H\nH = 5",        // the definition wins over the config in the tree
        "a = 1 = 1",           // a claim
        "a = 1\n2 + a",        // an expression statement
        "a = 1\n  + 2",        // a continued line
        "a = (1 +\n 2)",       // brackets across lines
        "a = missing",         // an unknown name (an error)
        "a = hidden_size * 2", // a size key of zero (an error)
        "a = name",            // a string
        "a = 1 \"explained\"",
        "override a = 1",
        "fn f(x) = x\na = f(1)",
        "use blocks\na = 1",
        "@default a\na = 1",
        "a.b = 1",
        "not = 1", // a keyword is no name (a syntax error)
        "if = 1",
        "true = 2",
        "a == 1",
        "a = 1; b = 2",
        "a = 1 / 0",
        "a = H|1",
        "a = if true then 1 else 2",
        "",
        "# nothing",
    ] {
        assert_eq!(quick_with(text, CONFIG), None, "{text:?} was folded");
    }
    // A Hub id, a directory or a file that is not there: the usual route reads those.
    let mut request = Request::text("t", "a = H").config("org/model");
    assert_eq!(quick_value(&mut request), None);
}

#[test]
fn fold_definitions_respects_the_definition_limit() {
    let limits = Limits {
        max_definitions: 2,
        ..LIMITS
    };
    let mut none = |_: &str| None;
    assert!(fold_definitions("a = 1\nb = 2", limits, &mut none).is_some());
    assert!(fold_definitions("a = 1\nb = 2\nc = 3", limits, &mut none).is_none());
}

/// A file of definitions as a generator writes one: each line reads config names and earlier
/// lines, with now and then a forward reference, a redefinition or a name the config lacks.
fn definitions() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            arithmetic(),
            prop::collection::vec((0usize..12, operator()), 0..3),
            0u8..20,
        ),
        1..12,
    )
    .prop_map(|lines| {
        let config_names = ["H", "L", "V"];
        let mut out = String::new();
        for (i, (expr, refs, twist)) in lines.iter().enumerate() {
            let name = match twist {
                0 if i > 0 => format!("n_{}", i - 1), // defined twice
                1 => "H".to_string(),                 // a config name defined
                _ => format!("n_{i}"),
            };
            // One line each: a statement across lines is the tree's (tested by hand above).
            let mut line = format!("{name} = ({})", expr.replace('\n', " "));
            for (r, op) in refs {
                let used = match r % 4 {
                    0 => config_names[r % 3].to_string(),
                    1 if *twist == 2 => format!("n_{}", i + 1), // forward
                    3 if *twist == 3 => "missing".to_string(),
                    _ if i > 0 => format!("n_{}", r % i),
                    _ => config_names[r % 3].to_string(),
                };
                line.push_str(&format!(" {op} {used}"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A folded file of definitions has the tree's value; a file without forward references,
    /// redefinitions or unknown names, that the tree evaluates, is folded.
    #[test]
    fn folded_definitions_are_the_tree_value(text in definitions()) {
        let json = r#"{"H": 768, "L": 12, "V": 30522}"#;
        let quick = quick_with(&text, json);
        let tree = tree_value_with(&text, json);
        let plain = !text.contains("missing") && tree.is_ok() && {
            // no forward reference, no redefinition, no config name defined
            let mut seen = std::collections::HashSet::new();
            text.lines().all(|line| {
                let (name, expr) = line.split_once(" = ").unwrap_or(("", ""));
                let refs_ok = expr
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| w.starts_with("n_"))
                    .all(|w| seen.contains(w));
                let fresh = name != "H" && seen.insert(name.to_string());
                refs_ok && fresh
            })
        };
        if plain {
            // Every line is evaluated here, the target's reach only in the tree: a line outside
            // it may fail (a division by zero, a number past the size limit) and send the file to
            // the tree.
            let every_line_evaluates = text.lines().all(|line| {
                let name = line.split_once(" = ").map_or("", |(name, _)| name);
                let mut request = Request::text("t", text.as_str())
                    .config_json("c.json", json)
                    .target(name);
                request.limits = LIMITS;
                request.load().is_ok_and(|program| paramcount::evaluate(&program).is_ok())
            });
            if every_line_evaluates {
                prop_assert!(quick.is_some() || tree.is_err(), "not folded: {:?} (tree {:?})", text, tree);
            }
        }
    }
}

// ---- generated arithmetic ------------------------------------------------------------------------

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u64..1000).prop_map(|n| n.to_string()),
        1 => (0u64..u64::MAX).prop_map(|n| n.to_string()),
        1 => Just("30_522".to_string()),
        1 => Just("0.5".to_string()),
        1 => Just(".5".to_string()),
        1 => Just("1e3".to_string()),
        1 => Just("2.5E-2".to_string()),
        1 => Just("0".to_string()),
        1 => Just("007".to_string()),
    ]
}

fn operator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just("+"), 3 => Just("-"), 4 => Just("*"), 2 => Just("/"), 2 => Just("^"),
        1 => Just("**"), 1 => Just("∕"),
    ]
}

fn blank() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => Just(""), 2 => Just(" "), 1 => Just("\n"), 1 => Just("\t")]
}

/// Pure arithmetic laid out as the grammar allows: operators, sign chains, brackets,
/// juxtaposition.
fn arithmetic() -> impl Strategy<Value = String> {
    let leaf = (
        prop::collection::vec(prop_oneof![Just("-"), Just("+")], 0..3),
        number(),
    )
        .prop_map(|(signs, n)| format!("{}{n}", signs.concat()));
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            (inner.clone(), blank(), operator(), blank(), inner.clone())
                .prop_map(|(a, b1, op, b2, c)| format!("{a}{b1}{op}{b2}{c}")),
            (
                prop_oneof![Just("("), Just("-("), Just("--(")],
                blank(),
                inner.clone(),
                blank(),
                prop_oneof![Just(")"), Just("]")]
            )
                .prop_map(|(o, b1, e, b2, c)| format!("{o}{b1}{e}{b2}{c}")),
            ((1u32..99), prop_oneof![Just(""), Just(" ")], inner.clone())
                .prop_map(|(n, b, e)| format!("{n}{b}({e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})({b})")),
        ]
    })
}

/// Arithmetic with the things the fold does not take mixed in.
fn beyond() -> impl Strategy<Value = String> {
    (
        arithmetic(),
        prop_oneof![
            Just(" + x"),
            Just("H"),
            Just(" = 3"),
            Just(" # note"),
            Just(" == 1"),
            Just(" < 2"),
            Just(" | 4"),
            Just(" and true"),
            Just("\n1"),
            Just("; 1"),
            Just("\"why\""),
        ],
        arithmetic(),
    )
        .prop_map(|(a, extra, b)| format!("({a}){extra}*({b})"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// On arithmetic the fold answers exactly when the tree does, with the tree's value.
    #[test]
    fn fold_is_the_tree_value(text in arithmetic()) {
        let folded = fold(&text, LIMITS);
        let tree = tree_value(&text, LIMITS);
        match (&folded, &tree) {
            (Some(value), Ok(tree)) => prop_assert_eq!(&Value::Number(value.clone()), tree),
            // An error (division by zero, size, fractional exponent) is the tree's to word.
            (None, Err(_)) => {}
            _ => prop_assert!(false, "fold {:?}, tree {:?} on {:?}", folded, tree, text),
        }
    }

    /// Outside plain arithmetic the fold gives up rather than answering.
    #[test]
    fn fold_gives_up_beyond_arithmetic(text in beyond()) {
        prop_assert_eq!(fold(&text, LIMITS), None, "fold took {:?}", text);
    }
}

#[test]
fn the_exponent_and_input_limits_send_the_input_to_the_usual_route() {
    // Within the size limit but past --max-exponent: the fold must not answer where the tree
    // route refuses.
    let limits = Limits {
        max_exponent: 50,
        ..Limits::default()
    };
    let mut request = Request::text("t", "2^100");
    request.limits = limits;
    assert_eq!(quick_value(&mut request), None);
    let limits = Limits {
        max_input_bytes: 4,
        ..Limits::default()
    };
    let mut request = Request::text("t", "1+2+3");
    request.limits = limits;
    assert_eq!(quick_value(&mut request), None);
}

/// The one pass over sums of integer products (the shape of w2) and its way out: a value that
/// leaves 128 bits goes to the general fold, with the same exact result.
#[test]
fn sums_of_integer_products() {
    folds_to("768*3072 + 768 - 2*64", "2359936"); // 2,359,296 + 768 - 128
    folds_to("10-3-2", "5");
    folds_to("2 * 3 - 4 * 5 - 6", "-20");
    folds_to("1+2\n\n", "3");
    let a = "999999999999999999"; // 10^18 - 1, the most digits the pass reads as one number
                                  // (10^18-1)^2 = 10^36 - 2*10^18 + 1, within 128 bits (2^127 is about 1.7*10^38) ...
    folds_to(&format!("{a}*{a}"), "999999999999999998000000000000000001");
    // ... two hundred of them are not: 2*10^38 - 4*10^20 + 200.
    folds_to(
        &vec![format!("{a}*{a}"); 200].join("+"),
        "199999999999999999600000000000000000200",
    );
    // (10^18-1)^3 = 10^54 - 3*10^36 + 3*10^18 - 1.
    folds_to(
        &format!("{a}*{a}*{a}"),
        "999999999999999997000000000000000002999999999999999999",
    );
    folds_to("9999999999999999999+1", "10000000000000000000");
    // Under a limit of 64 bits, 2^62 * 4 = 2^64 is refused by the tree: no fold may answer.
    let small = Limits {
        max_bits: 64,
        ..LIMITS
    };
    assert_eq!(agree("4611686018427387904*4", small), None);
}
