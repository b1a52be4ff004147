//! The formula language through the library: every operator, number form and statement form.
//! Each expected value is a hand computation (written next to it), not the engine's own output.

use paramcount::program::{FormulaSource, Program, Request};
use paramcount::render::Style;
use paramcount::{derive, evaluate, Error};

fn request(text: &str) -> Request {
    Request {
        formula: Some(FormulaSource::Text {
            name: "test.formula".into(),
            text: text.into(),
        }),
        ..Request::default()
    }
}

/// The value of a formula file's target, as printed.
fn file_value(text: &str) -> Result<String, Error> {
    let program = Program::load(&request(text))?;
    Ok(evaluate(&program)?.value.to_string())
}

/// The value of one expression, as printed.
fn value(expr: &str) -> String {
    expression(expr, &[]).unwrap_or_else(|e| panic!("`{expr}` failed: {e}"))
}

fn expression(expr: &str, sets: &[&str]) -> Result<String, Error> {
    let request = Request {
        expression: Some(expr.into()),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        ..Request::default()
    };
    let program = Program::load(&request)?;
    Ok(evaluate(&program)?.value.to_string())
}

fn error(expr: &str) -> Error {
    match expression(expr, &[]) {
        Ok(v) => panic!("`{expr}` gave {v}, expected an error"),
        Err(e) => e,
    }
}

#[test]
fn arithmetic_operators() {
    assert_eq!(value("2+3"), "5");
    assert_eq!(value("2-3"), "-1");
    assert_eq!(value("6*7"), "42");
    assert_eq!(value("7/2"), "7/2");
    assert_eq!(value("2^10"), "1024");
    assert_eq!(value("2**10"), "1024");
    assert_eq!(value("-3"), "-3");
    assert_eq!(value("+3"), "3");
    // 10-4-3 is (10-4)-3 = 3, not 10-(4-3) = 9.
    assert_eq!(value("10-4-3"), "3");
    // 64/4/2 is (64/4)/2 = 8.
    assert_eq!(value("64/4/2"), "8");
    // 2+3*4 = 2+12 = 14; (2+3)*4 = 20.
    assert_eq!(value("2+3*4"), "14");
    assert_eq!(value("(2+3)*4"), "20");
}

#[test]
fn power_is_right_associative_and_binds_tighter_than_unary_minus() {
    // 2^3^2 = 2^9 = 512, not 8^2 = 64.
    assert_eq!(value("2^3^2"), "512");
    // -2^2 = -(2^2) = -4.
    assert_eq!(value("-2^2"), "-4");
    assert_eq!(value("(-2)^2"), "4");
    // 2^-1 = 1/2; 2^-1^2 = 2^-(1^2) = 1/2.
    assert_eq!(value("2^-1"), "1/2");
    assert_eq!(value("2^-2"), "1/4");
    // 2*3^2 = 18.
    assert_eq!(value("2*3^2"), "18");
}

#[test]
fn exact_division_and_fractions() {
    assert_eq!(value("2^200/2^190"), "1024");
    assert_eq!(value("1/3+1/6"), "1/2");
    assert_eq!(value("768/12"), "64");
    assert_eq!(value("-7/2"), "-7/2");
    // (1/3)*3 is exactly 1, never 0.999...
    assert_eq!(value("(1/3)*3"), "1");
}

#[test]
fn number_forms() {
    assert_eq!(value("30_522"), "30522");
    assert_eq!(value("0.1*30"), "3");
    assert_eq!(value("0.1"), "1/10");
    assert_eq!(value("1e9"), "1000000000");
    assert_eq!(value("1.5e-3"), "3/2000");
    assert_eq!(value("2.5E2"), "250");
    // 2^100 = 1267650600228229401496703205376.
    assert_eq!(
        value("1267650600228229401496703205376"),
        "1267650600228229401496703205376"
    );
    assert_eq!(value("2^100"), "1267650600228229401496703205376");
}

#[test]
fn unicode_and_full_width_operators() {
    // 768*12*64*3 = 1769472.
    assert_eq!(value("768×12·64∗3"), "1769472");
    assert_eq!(value("（1＋2）×3"), "9");
    assert_eq!(value("10÷4"), "5/2");
    assert_eq!(value("10−4"), "6");
    assert_eq!(value("2⋅3"), "6");
    assert_eq!(value("1 ≤ 2"), "true");
    assert_eq!(value("[1+2]*3"), "9");
}

#[test]
fn implicit_multiplication() {
    // 12*(768+1) = 9228.
    assert_eq!(value("12(768+1)"), "9228");
    // (30522+512+2)*768 = 31036*768 = 23835648.
    assert_eq!(value("(30522+512+2)768"), "23835648");
    assert_eq!(value("(2)(3)"), "6");
    assert_eq!(expression("2H", &["H=768"]).unwrap(), "1536");
    assert_eq!(expression("2 H^2", &["H=3"]).unwrap(), "18");
    assert!(matches!(error("2 3"), Error::AdjacentNumbers { .. }));
}

#[test]
fn functions() {
    assert_eq!(value("min(3, 1, 2)"), "1");
    assert_eq!(value("max(3, 1, 2)"), "3");
    assert_eq!(value("floor(7/2)"), "3");
    assert_eq!(value("ceil(7/2)"), "4");
    assert_eq!(value("floor(-7/2)"), "-4");
    assert_eq!(value("ceil(-7/2)"), "-3");
    assert!(matches!(error("floor(1, 2)"), Error::Arity { .. }));
}

#[test]
fn comparisons_booleans_and_conditionals() {
    assert_eq!(value("1 < 2"), "true");
    assert_eq!(value("2 <= 2"), "true");
    assert_eq!(value("3 > 4"), "false");
    assert_eq!(value("3 >= 4"), "false");
    assert_eq!(value("3 == 3"), "true");
    assert_eq!(value("3 != 3"), "false");
    assert_eq!(value("true and not false"), "true");
    assert_eq!(value("false or 1 == 1"), "true");
    assert_eq!(value("if 1 < 2 then 10 else 20"), "10");
    assert_eq!(value("if false then 10 else 20 + 1"), "21");
    // The untaken branch is not evaluated: its division by zero never happens.
    assert_eq!(value("if true then 1 else 1/0"), "1");
    assert_eq!(value("false and 1/0 == 1"), "false");
    assert!(matches!(error("if 3 then 1 else 2"), Error::Type { .. }));
    assert!(matches!(error("true + 1"), Error::Type { .. }));
}

#[test]
fn definitions_explanations_and_comments() {
    let text = "# a comment line\n\
                H = 768            \"hidden width\"   # trailing comment\n\
                I = 4*H            \"Chinese is fine: 前馈层宽度\"\n\
                ffn = H*I + I + I*H + H\n";
    // 768*3072 + 3072 + 3072*768 + 768 = 2359296*2 + 3840 = 4722432.
    assert_eq!(file_value(text).unwrap(), "4722432");
    // Definitions may come in any order.
    assert_eq!(file_value("total = a*b\na = 6\nb = 7\n").unwrap(), "42");
    // `;` separates statements too.
    assert_eq!(file_value("a = 6; b = 7; total = a*b").unwrap(), "42");
    // A line that begins with an operator continues the one before.
    assert_eq!(file_value("total = 1\n  + 2\n  * 3\n").unwrap(), "7");
}

#[test]
fn default_target_is_total_else_the_last_statement() {
    assert_eq!(file_value("total = 1\nother = 2\n").unwrap(), "1");
    assert_eq!(file_value("a = 1\nb = 2\n").unwrap(), "2");
    assert_eq!(file_value("a = 5\na*2\n").unwrap(), "10");
}

#[test]
fn bindings_with_alternatives_and_defaults() {
    let formula =
        "H = hidden_size | n_embd | d_model\nI = intermediate_size | n_inner | 4*H\ntotal = H*I\n";
    let with_config = |json: &str| {
        let dir = std::env::temp_dir().join(format!(
            "paramcount-test-{}-{}",
            std::process::id(),
            json.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.json");
        std::fs::write(&path, json).unwrap();
        let mut r = request(formula);
        r.config = Some(path.to_string_lossy().into_owned());
        let program = Program::load(&r).unwrap();
        evaluate(&program).unwrap().value.to_string()
    };
    // GPT-2 style: n_embd 768, n_inner null means 4*768 = 3072; 768*3072 = 2359296.
    assert_eq!(
        with_config(r#"{"n_embd": 768, "n_inner": null}"#),
        "2359296"
    );
    // T5 style: d_model 512, intermediate_size given as 2048; 512*2048 = 1048576.
    assert_eq!(
        with_config(r#"{"d_model": 512, "intermediate_size": 2048}"#),
        "1048576"
    );
    // hidden_size wins over later alternatives: 1024*4096 = 4194304.
    assert_eq!(
        with_config(r#"{"hidden_size": 1024, "n_embd": 1, "n_inner": 4096}"#),
        "4194304"
    );
}

#[test]
fn set_overrides_win_and_see_the_layer_below() {
    assert_eq!(expression("a*b", &["a=6", "b=7"]).unwrap(), "42");
    // A later --set of the same name wins.
    assert_eq!(expression("a", &["a=1", "a=2"]).unwrap(), "2");
    // --set values may be expressions, decimals and booleans.
    assert_eq!(expression("x", &["x=2^10"]).unwrap(), "1024");
    assert_eq!(expression("x*10", &["x=0.5"]).unwrap(), "5");
    assert_eq!(expression("if t then 1 else 2", &["t=false"]).unwrap(), "2");
    // Inside --set H=..., H is the formula's H: 768*2 = 1536.
    let mut r = request("H = 768\ntotal = H\n");
    r.sets = vec!["H=2*H".into()];
    assert_eq!(
        evaluate(&Program::load(&r).unwrap())
            .unwrap()
            .value
            .to_string(),
        "1536"
    );
    // Inside the definition of vocab_size, vocab_size is the config key (absent here): the default.
    assert_eq!(
        file_value("vocab_size = vocab_size | 30522\n").unwrap(),
        "30522"
    );
}

#[test]
fn claims_in_chains() {
    let program = Program::load(&request("total = 2*3 = 6 = 3+3\nwrong = 1 + 1 = 3\n")).unwrap();
    let evaluation = evaluate(&program).unwrap();
    let verdicts: Vec<bool> = evaluation.claims.iter().map(|c| c.holds()).collect();
    // 2*3 = 6 holds, 6 = 3+3 holds, 1+1 = 3 does not.
    assert_eq!(verdicts, vec![true, true, false]);
    assert_eq!(evaluation.claims[2].computed.to_string(), "2");
    assert_eq!(evaluation.claims[2].claimed.to_string(), "3");
}

#[test]
fn errors_are_values_not_panics() {
    assert!(matches!(error("1/0"), Error::DivisionByZero { .. }));
    assert!(matches!(error("0^-1"), Error::DivisionByZero { .. }));
    assert!(matches!(error("2^(1/2)"), Error::FractionalExponent { .. }));
    // The exponent 10^10 is past --max-exponent before any multiplication.
    assert!(matches!(error("10^10^10"), Error::ExponentTooLarge { .. }));
    assert!(matches!(error("9^9^9^9"), Error::ExponentTooLarge { .. }));
    assert!(matches!(error("10^2000000"), Error::TooLarge { .. }));
    assert!(matches!(error("1e99999999999"), Error::TooLarge { .. }));
    assert!(matches!(error("undefined_name"), Error::UnknownName { .. }));
    assert!(matches!(error("(1+2"), Error::Syntax { .. }));
    assert!(matches!(error("1 +"), Error::Syntax { .. }));
    assert!(matches!(error(")"), Error::Syntax { .. }));
    assert!(matches!(
        file_value("a = b\nb = a\n"),
        Err(Error::Cycle { .. })
    ));
    assert!(matches!(
        file_value("a = a + 1\n"),
        Err(Error::UnknownName { .. })
    ));
    assert!(matches!(file_value(""), Err(Error::Usage { .. })));
}

#[test]
fn deep_input_does_not_overflow_the_stack() {
    let depth = 100_000;
    let nested = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(value(&nested), "1");
    // 1+(1+(...)) 5,000 deep is 5,001.
    let sum = format!("{}1{}", "1+(".repeat(5_000), ")".repeat(5_000));
    assert_eq!(value(&sum), "5001");
    // 200,001 minus signs negate an odd number of times.
    assert_eq!(value(&format!("{}1", "-".repeat(200_001))), "-1");
    // 2^2^2^2 = 2^16 = 65536; 1^1^...^1 5,000 deep is 1.
    assert_eq!(value("2^2^2^2"), "65536");
    assert_eq!(value(&vec!["1"; 5_000].join("^")), "1");
    // A long flat sum: 100,000 ones.
    assert_eq!(value(&vec!["1"; 100_000].join("+")), "100000");
    // Past the limit is an error with a place, not a crash.
    let request = Request {
        expression: Some(nested),
        limits: paramcount::Limits {
            max_depth: 1_000,
            ..paramcount::Limits::default()
        },
        ..Request::default()
    };
    assert!(matches!(
        Program::load(&request).map_err(Error::from),
        Err(Error::TooDeep { .. })
    ));
}

#[test]
fn printing_keeps_the_authors_parentheses_and_order() {
    let article = |text: &str| {
        let program = Program::load(&request(text)).unwrap();
        derive(&program, Style::Article, Default::default())
            .unwrap()
            .text
    };
    // Redundant parentheses the author wrote stay; none are added where precedence needs none.
    assert_eq!(article("((1+2))*3\n"), "((1+2))*3=9\n");
    // Inlining a sum into a product adds the parentheses precedence needs: 12*(1+2) = 36.
    assert_eq!(article("part = 1+2\ntotal = 12*part\n"), "12*(1+2)=36\n");
    // ... into a difference, on its right: 10-(1+2) = 7.
    assert_eq!(article("part = 1+2\ntotal = 10-part\n"), "10-(1+2)=7\n");
    // ... but not into a sum: 10+1+2 = 13.
    assert_eq!(article("part = 1+2\ntotal = 10+part\n"), "10+1+2=13\n");
    // A product inlined on the right of a division: 12/(2*3) = 2.
    assert_eq!(article("part = 2*3\ntotal = 12/part\n"), "12/(2*3)=2\n");
    // A size is substituted by its value; a negative value gets parentheses: 5-(-3) = 8.
    assert_eq!(article("let n = 0-3\ntotal = 5-n\n"), "5-(-3)=8\n");
    // Juxtaposition prints as `*`; `**` as `^`; unicode as ASCII.
    assert_eq!(article("2(3)×4**2\n"), "2*(3)*4^2=96\n");
    // Only the branch taken is printed, and a term that a decision made zero is left out.
    assert_eq!(
        article("tie = true\nhead = if tie then 0 else 7*8\ntotal = 100 + head\n"),
        "100=100\n"
    );
    // A zero the author wrote stays.
    assert_eq!(article("total = 100 + 0\n"), "100+0=100\n");
    assert_eq!(
        article("tie = false\nhead = if tie then 0 else 7*8\ntotal = 100 + head\n"),
        "100+7*8=156\n"
    );
}

// ---- functions, modules, lists, sums, `%` ---------------------------------------------------

/// The derivation of a formula file in `style`.
fn file_derivation(text: &str, style: Style) -> String {
    let program = Program::load(&request(text)).expect("loads");
    derive(&program, style, Default::default())
        .expect("derives")
        .text
}

fn file_error(text: &str) -> Error {
    match file_value(text) {
        Ok(v) => panic!("gave {v}, expected an error"),
        Err(e) => e,
    }
}

const LIN: &str = "fn lin(i, o, b) = i*o + (if b then o else 0)\n";

#[test]
fn a_function_is_its_body_with_the_arguments_in_place() {
    // 768*3072 + 3072 = 2359296 + 3072 = 2362368.
    assert_eq!(
        file_value(&format!("{LIN}total = lin(768, 3072, true)\n")).unwrap(),
        "2362368"
    );
    // Without the bias: 768*3072 = 2359296.
    assert_eq!(
        file_value(&format!("{LIN}total = lin(768, 3072, false)\n")).unwrap(),
        "2359296"
    );
    // The article line inlines the body; the untaken branch and its `+0` are not printed.
    assert_eq!(
        file_derivation(
            &format!("{LIN}total = lin(768, 3072, true)\n"),
            Style::Article
        ),
        "768*3072+3072=2362368\n"
    );
    assert_eq!(
        file_derivation(
            &format!("{LIN}total = lin(768, 3072, false)\n"),
            Style::Article
        ),
        "768*3072=2359296\n"
    );
}

#[test]
fn arguments_get_the_parentheses_precedence_needs() {
    // fn sq(x) = x*x with x = H+1, H = 2: (2+1)*(2+1) = 9, printed with brackets.
    let text = "fn sq(x) = x*x\nH = 2\ntotal = sq(H+1)\n";
    assert_eq!(file_value(text).unwrap(), "9");
    assert_eq!(file_derivation(text, Style::Article), "(2+1)*(2+1)=9\n");
    assert_eq!(file_derivation(text, Style::Symbolic), "(H+1)*(H+1)\n");
}

#[test]
fn functions_call_functions_and_see_top_level_names() {
    // twice(x) = 2*x; quad(x) = twice(twice(x)) = 4x; with k = 3 and quad(k)+H: 12 + 10 = 22.
    let text =
        "fn twice(x) = 2*x\nfn quad(x) = twice(twice(x)) + H\nH = 10\nk = 3\ntotal = quad(k)\n";
    assert_eq!(file_value(text).unwrap(), "22");
}

#[test]
fn a_name_before_brackets_still_multiplies_when_it_is_no_function() {
    // L(12H^2+13H) with L = 2, H = 1: 2*(12+13) = 50.
    assert_eq!(
        file_value("L = 2\nH = 1\ntotal = L(12H^2+13H)\n").unwrap(),
        "50"
    );
}

#[test]
fn recursion_is_a_cycle_naming_the_function() {
    match file_error("fn f(x) = f(x)\ntotal = f(1)\n") {
        Error::Cycle { cycle, .. } => assert_eq!(cycle, ["f", "f"]),
        other => panic!("expected a cycle, got {other:?}"),
    }
    match file_error("fn f(x) = g(x) + 1\nfn g(x) = f(x)\ntotal = f(1)\n") {
        Error::Cycle { cycle, .. } => {
            assert!(cycle.contains(&"f".to_string()) && cycle.contains(&"g".to_string()))
        }
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[test]
fn a_wrong_number_of_arguments_names_the_signature() {
    let error = file_error(&format!("{LIN}total = lin(1, 2)\n"));
    assert_eq!(error.to_string(), "`lin` takes 3 arguments, not 2");
    assert_eq!(error.help().unwrap(), "the function is lin(i, o, b)");
}

#[test]
fn an_unknown_function_with_several_arguments_is_an_error() {
    let error = file_error(&format!("{LIN}total = lim(1, 2, true)\n"));
    assert_eq!(error.to_string(), "unknown function `lim`");
    assert_eq!(error.help().unwrap(), "did you mean `lin`?");
}

#[test]
fn exponential_inlining_stops_at_its_limit() {
    // Each level calls the one below twice: level 40 would be 2^40 copies.
    let mut text = String::from("fn f0(x) = x + 1\n");
    for level in 1..=40 {
        text.push_str(&format!(
            "fn f{level}(x) = f{}(x) + f{}(x + 1)\n",
            level - 1,
            level - 1
        ));
    }
    text.push_str("total = f40(1)\n");
    let started = std::time::Instant::now();
    let error = file_error(&text);
    assert!(error.to_string().contains("expand to more than"), "{error}");
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn remainder_has_floor_semantics() {
    // -7 = 3*(-3) + 2; 7 = 3*2 + 1; 7 = (-3)*(-3) + (-2).
    assert_eq!(value("-7 % 3"), "2");
    assert_eq!(value("7 % 3"), "1");
    assert_eq!(value("7 % -3"), "-2");
    // `%` binds like `*`: 1 + 7 % 4 = 1 + 3 = 4.
    assert_eq!(value("1 + 7 % 4"), "4");
    assert!(matches!(error("7 % 0"), Error::DivisionByZero { .. }));
    assert!(error("7.5 % 2").to_string().contains("whole numbers"));
}

#[test]
fn sums_over_ranges() {
    // i = 0..4: 0, 2, 4 are even: 3.
    assert_eq!(
        expression("sum(i in 0..L-1, if i % 2 == 0 then 1 else 0)", &["L=5"]).unwrap(),
        "3"
    );
    // 1+2+...+10 = 55.
    assert_eq!(value("sum(i in 1..10, i)"), "55");
    // An empty range is 0; a summand without `i` is count*term: 12*5 = 60.
    assert_eq!(value("sum(i in 3..2, i)"), "0");
    assert_eq!(value("sum(i in 0..11, 5)"), "60");
    // Nested: sum over i of sum over j<=i of 1 = 1+2+3 = 6.
    assert_eq!(value("sum(i in 0..2, sum(j in 0..i, 1))"), "6");
}

#[test]
fn a_huge_sum_stops_at_its_limit_at_once() {
    let started = std::time::Instant::now();
    let error = error("sum(i in 0..10^12, 1)");
    assert!(
        error.to_string().contains("more than the limit of"),
        "{error}"
    );
    assert!(started.elapsed().as_millis() < 1000);
}

#[test]
fn a_sum_without_its_variable_prints_as_a_product() {
    // 0..L-1 is L terms: the derivation says L*x, and with values 4*3.
    let text = "L = 4\nx = 3\ntotal = sum(i in 0..L-1, x)\n";
    assert_eq!(file_value(text).unwrap(), "12");
    assert_eq!(file_derivation(text, Style::Symbolic), "L*x\n");
    assert_eq!(file_derivation(text, Style::Article), "4*3=12\n");
}

#[test]
fn a_definition_does_not_see_a_sums_variable() {
    // `i` inside the definition of y is the top-level i (100), not the sum's: 3*100.
    let text = "i = 100\ny = i\ntotal = sum(j in 1..3, y)\n";
    assert_eq!(file_value(text).unwrap(), "300");
}

#[test]
fn list_literals_and_indexing() {
    assert_eq!(value("len([1, 2, 3])"), "3");
    assert_eq!(value("len([])"), "0");
    // [5, 7, 9][1] is 7; 5+7+9 = 21.
    assert_eq!(value("sum([5, 7, 9])"), "21");
    assert_eq!(value("count([1, 2, 1], 1)"), "2");
    assert_eq!(value("contains([1, 2], 3)"), "false");
    // `[a]` is still a bracket: 2[3+1] = 8.
    assert_eq!(value("2[3+1]"), "8");
    let text = "xs = [5, 7, 9]\ntotal = xs[1] + xs[0]\n";
    assert_eq!(file_value(text).unwrap(), "12");
    let error = file_error("xs = [5, 7]\ntotal = xs[2]\n");
    assert_eq!(
        error.to_string(),
        "index 2 is out of range: the list has 2 elements"
    );
}

#[test]
fn a_default_list_when_the_config_has_none() {
    // mlp_only_layers is absent: the default [] has length 0.
    assert_eq!(value("len(mlp_only_layers | [])"), "0");
}

#[test]
fn strings_compare() {
    assert_eq!(value("\"a\" == \"a\""), "true");
    assert_eq!(value("\"a\" != \"b\""), "true");
}

#[test]
fn metadata_statements_parse_and_mistakes_point_at_them() {
    let text = "@summary \"x\"\n@variants total, other\n@default total\ntotal = 1\nother = 2\n";
    assert_eq!(file_value(text).unwrap(), "1");
    match file_error("@summary x\ntotal = 1\n") {
        Error::Syntax { span, .. } => assert_eq!(span.start, 9),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(matches!(
        file_error("@colour \"red\"\ntotal = 1\n"),
        Error::Syntax { .. }
    ));
}

#[test]
fn built_in_modules_and_overrides() {
    // blocks' linear(4, 8, true) = 32 + 8 = 40.
    assert_eq!(
        file_value("use blocks\ntotal = linear(4, 8, true)\n").unwrap(),
        "40"
    );
    // Redefining an imported name needs `override`.
    let error = file_error("use bert\nV = 5\n");
    assert!(error.to_string().contains("already defined by"), "{error}");
    let error = file_error("use blocks\noverride Q = 5\ntotal = Q\n");
    assert!(error.to_string().contains("replaces nothing"), "{error}");
}

#[test]
fn a_module_that_imports_itself_is_a_cycle() {
    let dir = std::env::temp_dir().join(format!("paramcount-use-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.formula"), "use \"b.formula\"\nx = 1\n").unwrap();
    std::fs::write(dir.join("b.formula"), "use \"a.formula\"\ny = 2\n").unwrap();
    let request = Request::named(dir.join("a.formula").to_string_lossy().to_string());
    let error = Program::load(&request).map(|_| ()).unwrap_err().error;
    assert!(
        error.to_string().starts_with("modules import each other:"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_files_own_default_names_its_target() {
    // `@default b` picks b (2) over total (1); an imported module's `@default` does not count.
    assert_eq!(file_value("@default b\ntotal = 1\nb = 2\n").unwrap(), "2");
}

#[test]
fn a_derivation_lists_the_functions_of_the_alternative_taken() {
    // With `width` set, `H` takes it and never calls `double`; unset, the default does (3*2*384).
    let text = "fn double(x) = 2*x\nH = width | double(384)\ntotal = 3*H\n";
    let steps = |sets: &[&str]| {
        let mut request = request(text);
        request.sets = sets.iter().map(|s| s.to_string()).collect();
        let program = Program::load(&request).expect("loads");
        derive(&program, Style::Steps, Default::default())
            .expect("derives")
            .text
    };
    let set = steps(&["width=768"]);
    assert!(set.contains("2304"), "{set}");
    assert!(!set.contains("double(x) = 2*x"), "{set}");
    let unset = steps(&[]);
    assert!(unset.contains("double(x) = 2*x"), "{unset}");
}
