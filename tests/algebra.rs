//! The algebra stage (README, "Algebra: expand, equiv"): normal forms, equivalence, solving, and the invariants that tie the
//! normal form to the evaluator.

use paramcount::algebra::{
    self, equivalent, expand_program, expand_statement, expand_text, solve, solve_for, Bindings,
    Options, Polynomial, Style, Unknown,
};
use paramcount::printer::Dialect;
use paramcount::program::{ConfigText, FormulaSource, Request};
use paramcount::syntax::ExprKind;
use paramcount::{Error, Number, Program};
use proptest::prelude::*;

fn n(value: i64) -> Number {
    Number::from_i64(value)
}

fn program(expression: &str, sets: &[&str]) -> Program {
    Program::load(&Request {
        expression: Some(expression.to_string()),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        ..Request::default()
    })
    .unwrap_or_else(|e| panic!("{expression}: {:?}", e.error))
}

fn file(text: &str, target: Option<&str>, sets: &[&str]) -> Program {
    Program::load(&Request {
        formula: Some(FormulaSource::Text {
            name: "test.formula".into(),
            text: text.to_string(),
        }),
        target: target.map(str::to_string),
        sets: sets.iter().map(|s| s.to_string()).collect(),
        ..Request::default()
    })
    .unwrap_or_else(|e| panic!("{text}: {:?}", e.error))
}

fn expand(expression: &str) -> Polynomial {
    expand_text(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
}

fn plain(expression: &str) -> String {
    expand(expression).to_string()
}

/// The polynomial's value with `values` for its symbols.
fn value_at(poly: &Polynomial, values: &[(&str, i64)]) -> Number {
    poly.evaluate(
        &|name| values.iter().find(|(n, _)| *n == name).map(|(_, v)| n(*v)),
        1 << 20,
    )
    .expect("every symbol has a value")
    .expect("the value exists")
}

const MEGATRON: &str = "12*l*h^2*(1 + 13/(12*h) + (V+s)/(12*l*h))";

#[test]
fn megatron_formula_is_its_expanded_form() {
    // Narayanan et al. 2021 (Megatron-LM), eq. for the parameter count P = 12*l*h^2*(1 + 13/(12h) +
    // (V+s)/(12lh)); multiplied out by hand: 12lh^2 + 13lh + Vh + sh.
    let equivalence = equivalent(
        &program(MEGATRON, &[]),
        &program("12*l*h^2 + 13*l*h + V*h + s*h", &[]),
    )
    .unwrap();
    assert!(equivalence.same, "{}", equivalence.difference);
    assert!(equivalence.difference.is_zero());
    assert_eq!(plain(MEGATRON), "12*l*h^2+13*l*h+V*h+s*h");
}

#[test]
fn megatron_gives_gpt3_175b() {
    // GPT-3 175B: l=96, h=12288, V=50257, s=2048. Python, both as the formula and as its exact
    // fraction form: 12*96*12288**2 + 13*96*12288 + 50257*12288 + 2048*12288 == 174604234752.
    let values = [("l", 96), ("h", 12288), ("V", 50257), ("s", 2048)];
    assert_eq!(value_at(&expand(MEGATRON), &values), n(174_604_234_752));
    // The same number by the evaluator, the formula's values given with --set.
    let evaluated = paramcount::evaluate(&program(
        MEGATRON,
        &["l=96", "h=12288", "V=50257", "s=2048"],
    ))
    .unwrap();
    assert_eq!(evaluated.value.to_string(), "174604234752");
    // And partly evaluated: with l and h set, V and s stay symbolic.
    let partial = expand_program(&program(MEGATRON, &["l=96", "h=12288"])).unwrap();
    // 12*96*12288^2 + 13*96*12288 = 173946175488 + 15335424 = 173961510912 (Python).
    assert_eq!(
        partial.polynomial.to_string(),
        "12288*V+12288*s+173961510912"
    );
}

#[test]
fn scaling_laws_forms_agree_with_the_sets() {
    // Kaplan et al. 2020: N = 2*d_model*n_layer*(2*d_attn + d_ff) ≈ 12*n_layer*d_model^2 with
    // d_attn = d_model and d_ff = 4*d_model: 2*d*n*(2d + 4d) = 12*n*d^2 by hand.
    let sets = ["d_attn=d_model", "d_ff=4*d_model"];
    let a = program("2*d_model*n_layer*(2*d_attn + d_ff)", &sets);
    let b = program("12*n_layer*d_model^2", &sets);
    let equivalence = equivalent(&a, &b).unwrap();
    assert!(equivalence.same);
    assert_eq!(equivalence.a.polynomial.to_string(), "12*n_layer*d_model^2");
    // Without the sets they differ, by 2*d_model*n_layer*(2*d_attn + d_ff) - 12*n_layer*d_model^2
    // = 4*n_layer*d_attn*d_model + 2*n_layer*d_ff*d_model - 12*n_layer*d_model^2 (by hand).
    let a = program("2*d_model*n_layer*(2*d_attn + d_ff)", &[]);
    let b = program("12*n_layer*d_model^2", &[]);
    let equivalence = equivalent(&a, &b).unwrap();
    assert!(!equivalence.same);
    assert_eq!(
        equivalence.difference.to_string(),
        "4*n_layer*d_attn*d_model+2*n_layer*d_ff*d_model-12*n_layer*d_model^2"
    );
}

#[test]
fn difference_of_two_squares() {
    // (a+b)^2 - (a-b)^2 = (a^2+2ab+b^2) - (a^2-2ab+b^2) = 4ab.
    assert_eq!(plain("(a+b)^2 - (a-b)^2"), "4*a*b");
}

#[test]
fn sixth_power_of_six_symbols_has_1287_terms() {
    // The monomials of degree 8 in 6 symbols: C(8+6-1, 6-1) = C(13, 5) = 1287 (stars and bars).
    let poly = expand("(a+b+c+d+e+f)^8");
    assert_eq!(poly.term_count(), 1287);
    // The multinomial coefficients sum to 6^8 = 1679616: the value at a=...=f=1.
    let ones = [("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1), ("f", 1)];
    assert_eq!(value_at(&poly, &ones), n(1_679_616));
    // Its first term is a^8, its largest coefficient 8!/(2!*2!) = 10080 (a^2*b^2*c*d*e*f and the
    // like; Python, the maximum of 8!/(k1!...k6!) over k1+...+k6 = 8).
    assert!(poly.to_string().starts_with("a^8+8*a^7*b+8*a^7*c+"));
    let largest = poly.terms().map(|t| t.coefficient.clone()).max().unwrap();
    assert_eq!(largest, n(10080));
}

#[test]
fn order_is_by_degree_then_symbols() {
    // Symbols: b (power 1) before a (power 2); within degree 2, b*a (b^1) before a^2 (b^0).
    assert_eq!(plain("b + a^2 + 1 + a*b"), "b*a+a^2+b+1");
    assert_eq!(plain("1 + x + x^2 + x^3"), "x^3+x^2+x+1");
    assert_eq!(
        expand("b + a^2 + 1 + a*b").sorted_by_name().to_string(),
        "a^2+a*b+b+1"
    );
    assert_eq!(plain("-x + 2"), "-x+2");
    assert_eq!(plain("x*y - 2*y*x"), "-x*y");
}

#[test]
fn negative_exponents_and_fractions() {
    assert_eq!(plain("H*A*(H/A)"), "H^2");
    assert_eq!(plain("H/A*A"), "H");
    assert_eq!(plain("(V+s)/(12*l*h)"), "V/(12*l*h)+s/(12*l*h)");
    assert_eq!(plain("0.1*x + 1e3"), "x/10+1000");
    assert_eq!(plain("a^-2 * a^3"), "a");
    assert_eq!(plain("(2*a)^-2"), "1/(4*a^2)");
    assert_eq!(plain("(a/b)^3 * b^3"), "a^3");
}

#[test]
fn constants_fold_exactly() {
    // 31036*768 = 23835648 (Python).
    assert_eq!(plain("(30522+512+2)*768"), "23835648");
    assert_eq!(plain("7/2"), "7/2");
    // 3 + 4 + 1 + 5 = 13.
    assert_eq!(
        plain("floor(7/2) + ceil(7/2) + min(3, 1, 2) + max(4, 5)"),
        "13"
    );
    assert_eq!(plain("if 2 > 1 then x else y"), "x");
    assert_eq!(plain("if 2*x > x + x then x else y"), "y");
    assert_eq!(plain("if x == x then 1 else 2"), "1");
}

#[test]
fn outside_the_form_is_refused_with_the_place() {
    for (text, at, phrase) in [
        ("a/(a+b)", "(a+b)", "divisor of one term"),
        ("(a+b)^-1", "(a+b)", "base of one term"),
        ("a^n", "n", "constant integer exponent"),
        ("floor(h/a)", "h/a", "constant arguments"),
        ("if a > 0 then a else 0", "a > 0", "condition"),
    ] {
        let p = program(text, &[]);
        let error = expand_program(&p).unwrap_err();
        assert!(error.to_string().contains(phrase), "{text}: {error}");
        let span = error.span().expect("an error at a place");
        assert_eq!(p.formula.sources.slice(span), at, "{text}");
    }
    let p = program("a/(b-b)", &[]);
    assert!(matches!(
        expand_program(&p).unwrap_err(),
        Error::DivisionByZero { .. }
    ));
    let p = program("x^(1/2)", &[]);
    assert!(matches!(
        expand_program(&p).unwrap_err(),
        Error::FractionalExponent { .. }
    ));
}

#[test]
fn limits_stop_runaway_expansions() {
    // (a+b)^100000 needs more terms and term products than a limit of 1000 terms allows;
    // 10^10^10 more than the bit limit.
    let p = program("(a+b)^100000", &[]);
    let options = Options {
        max_terms: 1000,
        ..Options::default()
    };
    let error = expand_statement(&p, p.target, &options).unwrap_err();
    assert!(error.to_string().contains("terms"), "{error}");
    let p = program("(a+b+c)^40", &[]);
    let error = expand_statement(&p, p.target, &options).unwrap_err();
    assert!(error.to_string().contains("terms"), "{error}");
    let error = expand_program(&program("x*10^10^10", &[])).unwrap_err();
    assert!(matches!(error, Error::ExponentTooLarge { .. }), "{error}");
    let error = expand_program(&program("x*10^2000000", &[])).unwrap_err();
    assert!(matches!(error, Error::TooLarge { .. }), "{error}");
    let error = expand_program(&program("x^2000000000*x^2000000000", &[])).unwrap_err();
    assert!(error.to_string().contains("exponent"), "{error}");
}

#[test]
fn deep_and_long_input_does_not_overflow() {
    let deep = format!("{}x{}", "(1+".repeat(20_000), ")".repeat(20_000));
    assert_eq!(plain(&deep), "x+20000");
    let long = vec!["x"; 200_000].join("+");
    assert_eq!(plain(&long), "200000*x");
    let negations = format!("{}x", "-".repeat(100_001));
    assert_eq!(plain(&negations), "-x");
}

const FILE: &str = r#"
H    = hidden_size | n_embd | 768   "hidden width"
A    = num_attention_heads | 12
L    = num_hidden_layers
let d = H / A
qkv  = 3*(H*A*d + A*d)              "Q, K, V"
out  = H*H + H
total = L*(qkv + out)
"#;

#[test]
fn formula_files_become_polynomials_in_their_sizes() {
    // qkv = 3*(H*A*(H/A) + A*(H/A)) = 3H^2 + 3H; out = H^2 + H; total = L*(4H^2 + 4H).
    let p = file(FILE, None, &[]);
    assert_eq!(
        expand_program(&p).unwrap().polynomial.to_string(),
        "4*L*H^2+4*L*H"
    );
    // --set substitutes numbers or expressions; a set config key replaces the binding.
    let p = file(FILE, None, &["L=12"]);
    assert_eq!(
        expand_program(&p).unwrap().polynomial.to_string(),
        "48*H^2+48*H"
    );
    let p = file(FILE, None, &["hidden_size=64*A"]);
    assert_eq!(
        expand_program(&p).unwrap().polynomial.to_string(),
        "16384*L*A^2+256*L*A"
    );
    // A size as the target is its symbol; a let size its formula.
    let p = file(FILE, Some("H"), &[]);
    assert_eq!(expand_program(&p).unwrap().polynomial.to_string(), "H");
    let p = file(FILE, Some("d"), &[]);
    assert_eq!(expand_program(&p).unwrap().polynomial.to_string(), "H/A");
}

#[test]
fn conditions_on_sizes_are_decided_by_their_values() {
    let text = "V = vocab_size | 100\nH = hidden_size | 8\ntied = tie_word_embeddings | true\n\
                head = if tied then 0 else V*H\ntotal = V*H + head\n";
    let expansion = expand_program(&file(text, None, &[])).unwrap();
    assert_eq!(expansion.polynomial.to_string(), "V*H");
    assert_eq!(expansion.assumptions.len(), 1);
    assert_eq!(expansion.assumptions[0].condition, "tied");
    assert!(expansion.assumptions[0].holds);
    let expansion = expand_program(&file(text, None, &["tied=false"])).unwrap();
    assert_eq!(expansion.polynomial.to_string(), "2*V*H");
    assert!(expansion.assumptions.is_empty());
}

#[test]
fn cycles_are_errors() {
    let p = file("a = b + 1\nb = 2*a\n", Some("a"), &[]);
    assert!(matches!(
        expand_program(&p).unwrap_err(),
        Error::Cycle { .. }
    ));
}

#[test]
fn every_builtin_formula_expands() {
    let mut count = 0;
    for entry in std::fs::read_dir("formulas").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("formula") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let names: Vec<String> = {
            let p = file(&text, None, &[]);
            p.formula
                .definitions()
                .map(|(_, d)| d.name.clone())
                .collect()
        };
        for name in names {
            let p = file(&text, Some(&name), &[]);
            // Sizes that are true/false or strings (`tied`, `act`) have no polynomial.
            let evaluated = paramcount::evaluate(&p).map(|e| e.value);
            if matches!(evaluated, Ok(ref v) if v.as_number().is_none()) {
                continue;
            }
            let expansion =
                expand_program(&p).unwrap_or_else(|e| panic!("{}: {name}: {e}", path.display()));
            assert!(!expansion.polynomial.render(Dialect::Plain).is_empty());
            count += 1;
        }
    }
    assert!(count > 100, "only {count} definitions expanded");
}

#[test]
fn bert_article_expands_and_agrees_with_its_count() {
    let text = std::fs::read_to_string("formulas/bert-article.formula").unwrap();
    let expansion = expand_program(&file(&text, None, &[])).unwrap();
    // The article's bert-base count, 108890112 (DESIGN.md), from the polynomial at the config's
    // defaults.
    let values = [
        ("V", 30522),
        ("P", 512),
        ("T", 2),
        ("H", 768),
        ("L", 12),
        ("A", 12),
        ("I", 3072),
    ];
    assert_eq!(value_at(&expansion.polynomial, &values), n(108_890_112));
    // By hand: (V+P+T)*H + L*(4H^2 + 9H + 2HI + I) (attention 3H^2+3H, output H^2+H, two norms 4H,
    // feed-forward 2HI + I + H).
    assert_eq!(
        expansion.polynomial.to_string(),
        "2*L*I*H+4*L*H^2+V*H+P*H+T*H+L*I+9*L*H"
    );
}

#[test]
fn styles() {
    let expansion = expand_program(&program(MEGATRON, &[])).unwrap();
    assert_eq!(
        expansion.render(Style::Latex),
        "12 \\cdot l \\cdot h^{2} + 13 \\cdot l \\cdot h + V \\cdot h + s \\cdot h\n"
    );
    let latex = expand("d_model/(2*n) - 1").render(Dialect::Latex);
    assert_eq!(latex, "\\frac{\\mathrm{d\\_model}}{2 \\cdot n} - 1");
    let json: serde_json::Value = serde_json::from_str(&expansion.render(Style::Json)).unwrap();
    assert_eq!(json["text"], "12*l*h^2+13*l*h+V*h+s*h");
    assert_eq!(json["symbols"], serde_json::json!(["l", "V", "s", "h"]));
    assert_eq!(json["terms"][0]["coefficient"], "12");
    assert_eq!(
        json["terms"][0]["exponents"],
        serde_json::json!({"l": 1, "h": 2})
    );
    assert_eq!(json["assumptions"], serde_json::json!([]));
    let json = expand("x/12 - 1").to_json();
    assert_eq!(json["terms"][0]["coefficient"], "1/12");
    assert_eq!(json["terms"][1]["coefficient"], "-1");
    assert_eq!(Style::from_name("latex"), Some(Style::Latex));
}

#[test]
fn solving_for_one_unknown() {
    // Megatron at GPT-3's sizes with V unknown: 174604234752 = 173961510912 + 12288*V + 12288*2048,
    // so V = (174604234752 - 173961510912 - 25165824) / 12288 = 50257 (Python).
    let p = program(MEGATRON, &["l=96", "h=12288", "s=2048"]);
    let poly = expand_program(&p).unwrap().polynomial;
    assert_eq!(
        solve(&poly, "V", &n(174_604_234_752)).unwrap(),
        vec![n(50257)]
    );
    // h unknown: 12*96*h^2 + (13*96 + 50257 + 2048)*h = 174604234752 is quadratic.
    let p = program(MEGATRON, &["l=96", "V=50257", "s=2048"]);
    let poly = expand_program(&p).unwrap().polynomial;
    let roots = solve(&poly, "h", &n(174_604_234_752)).unwrap();
    // 1152h^2 + 53553h - 174604234752 = 0: the discriminant is a perfect square and the roots are
    // 12288 and -4736443/384 (Python: math.isqrt and fractions.Fraction).
    let other = n(-4_736_443).div(&n(384), 64).unwrap();
    assert_eq!(roots, vec![other, n(12288)]);
    // A claim that holds for no value, and one that does not depend on the unknown.
    let poly = expand("x^2");
    assert!(solve(&poly, "x", &n(-1)).unwrap().is_empty());
    assert!(solve(&expand("y + 1"), "x", &n(3)).is_err());
    assert!(solve(&expand("0*x + 3"), "x", &n(3)).is_err());
}

#[test]
fn solving_for_a_literal_with_every_size_bound() {
    // BERT's article formula claims 108890112 at bert-base's defaults. Which value of the literal
    // 3 in `H*A*d*3` makes the total 108890112 + 12*768*768 = 115968000 instead? 4: one more H^2
    // per layer (12*768^2 = 7077888, by hand).
    let text = std::fs::read_to_string("formulas/bert-article.formula").unwrap();
    let p = file(&text, None, &[]);
    let literal = p
        .formula
        .expr_ids()
        .find(|&id| {
            let span = p.formula.span(id);
            matches!(p.formula.kind(id), ExprKind::Number { text } if text == "3")
                && p.formula.sources.get(span.source).text[..span.start as usize]
                    .ends_with("H*A*d*")
        })
        .expect("the literal 3 of H*A*d*3");
    let unknown = Unknown::Literal {
        expr: literal,
        name: "?".into(),
    };
    let roots = solve_for(&p, unknown, &n(115_968_000)).unwrap();
    assert_eq!(roots, vec![n(4)]);
    // Or a size: with L unknown the same claim has no integer answer; with 108890112 it is 12.
    let roots = solve_for(&p, Unknown::Name("L".into()), &n(108_890_112)).unwrap();
    assert_eq!(roots, vec![n(12)]);
}

// ---- properties -------------------------------------------------------------------------------------

/// Random formulas over a, b, c: literals, + - * /, small integer powers, unary minus.
fn formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0i64..10).prop_map(|v| v.to_string()),
        prop::sample::select(vec!["a", "b", "c"]).prop_map(str::to_string),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}+{y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}-{y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}*{y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}/{y})")),
            (inner.clone(), -2i64..4).prop_map(|(x, e)| format!("({x})^({e})")),
            inner.prop_map(|x| format!("-({x})")),
        ]
    })
}

/// Whether an expansion failed only because the formula is outside the polynomial form (or
/// divides by zero everywhere).
fn is_outside(error: &Error) -> bool {
    matches!(error, Error::Type { .. } | Error::DivisionByZero { .. })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn expansion_keeps_the_value(text in formula(), a in -6i64..7, b in -6i64..7, c in -6i64..7) {
        let poly = match expand_program(&program(&text, &[])) {
            Ok(expansion) => expansion.polynomial,
            Err(e) => {
                prop_assert!(is_outside(&e), "{}: {}", text, e);
                return Ok(());
            }
        };
        let sets = [format!("a={a}"), format!("b={b}"), format!("c={c}")];
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        // The original formula, evaluated by the engine at the point.
        let Ok(evaluated) = paramcount::evaluate(&program(&text, &sets)) else {
            // A division by zero at this point: the formula has no value there.
            return Ok(());
        };
        let point = [("a", a), ("b", b), ("c", c)];
        let expanded = poly
            .evaluate(&|name| point.iter().find(|(n, _)| *n == name).map(|(_, v)| n(*v)), 1 << 20)
            .expect("only a, b, c");
        let expanded = expanded.expect("no zero under a negative power where the formula has a value");
        prop_assert_eq!(evaluated.value.to_string(), expanded.to_string(), "{} = {}", text, poly);
        // Partly evaluated with --set: the same value.
        let partial = expand_program(&program(&text, &sets[..1])).map(|e| e.polynomial);
        if let Ok(partial) = partial {
            let rest = partial
                .evaluate(&|name| point.iter().find(|(n, _)| *n == name).map(|(_, v)| n(*v)), 1 << 20)
                .expect("only b, c");
            if let Ok(rest) = rest {
                prop_assert_eq!(rest, expanded);
            }
        }
    }

    #[test]
    fn expansion_is_idempotent(text in formula()) {
        let Ok(first) = expand_text(&text) else { return Ok(()) };
        let printed = first.to_string();
        let second = expand_text(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        prop_assert_eq!(&second, &first, "{} -> {}", text, printed);
        // With the symbols in name order the printed text is a fixed point too. (In the default
        // order, symbols the input names first come first, so re-reading the printed text can
        // reorder symbols of the same power: `-b*a-c*a` reads back as `-b*a-a*c`.)
        let canonical = first.sorted_by_name().to_string();
        let again = expand_text(&canonical).unwrap_or_else(|e| panic!("{canonical}: {e}"));
        prop_assert_eq!(again.sorted_by_name().to_string(), canonical);
    }

    #[test]
    fn equivalence_is_symmetric(x in formula(), y in formula()) {
        let (px, py) = (program(&x, &[]), program(&y, &[]));
        let (Ok(xy), Ok(yx)) = (equivalent(&px, &py), equivalent(&py, &px)) else { return Ok(()) };
        prop_assert_eq!(xy.same, yx.same);
        let negated = Polynomial::zero().sub(&yx.difference, 1 << 20).unwrap();
        prop_assert_eq!(&xy.difference, &negated);
        // A formula is equivalent to itself, and to its normal form.
        let itself = equivalent(&px, &program(&xy.a.polynomial.to_string(), &[])).unwrap();
        prop_assert!(itself.same);
    }
}

#[test]
fn algebra_module_constants() {
    assert_eq!(algebra::DEFAULT_MAX_TERMS, 1_000_000);
}

#[test]
fn a_refusal_names_three_symbols_and_cuts_the_rest() {
    // The message lists up to three names; only a fourth earns the ellipsis.
    let three = expand_program(&program("floor(a+b+c)", &[]))
        .unwrap_err()
        .to_string();
    assert!(
        three.ends_with("but this is an expression in `a`, `b`, `c`"),
        "{three}"
    );
    let four = expand_program(&program("floor(a+b+c+d)", &[]))
        .unwrap_err()
        .to_string();
    assert!(
        four.ends_with("but this is an expression in `a`, `b`, `c`, ..."),
        "{four}"
    );
}

#[test]
fn a_config_flag_is_a_fact_when_sizes_take_their_values() {
    // Kept symbolic, the expansion chose a branch by the flag's current value and says so; solving
    // (sizes as values) reads the flag like any number of the config, with nothing assumed.
    let p = Program::load(&Request {
        formula: Some(FormulaSource::Text {
            name: "tied.formula".into(),
            text: "V = vocab_size | 100\nH = hidden_size | 8\n\
                   head = if tie_word_embeddings then 0 else V*H\ntotal = V*H + head\n"
                .into(),
        }),
        config_text: Some(ConfigText {
            name: "config.json".into(),
            text: r#"{"tie_word_embeddings": true}"#.into(),
        }),
        ..Request::default()
    })
    .expect("the formula and config load");
    let symbolic = expand_program(&p).unwrap();
    assert_eq!(symbolic.polynomial.to_string(), "V*H");
    assert_eq!(symbolic.assumptions.len(), 1);
    let values = Options {
        bindings: Bindings::Values,
        ..Options::default()
    };
    let valued = expand_statement(&p, p.target, &values).unwrap();
    // 100*8, the head tied away.
    assert_eq!(valued.polynomial.to_string(), "800");
    assert!(valued.assumptions.is_empty(), "{:?}", valued.assumptions);
}

#[test]
fn solving_cubics_and_quadratics_at_the_edges_of_the_search() {
    // x^3 = 64: the root 4 is past 3, so the bound on roots must come from the constant (64 + 2),
    // not from the leading coefficient alone.
    assert_eq!(solve(&expand("x^3"), "x", &n(64)).unwrap(), vec![n(4)]);
    // (x - 1)(x - p) = x^2 - (p + 1)x + p with p = 10^13 + 37, a prime (sympy.isprime) past what
    // trial division up to 2^20 can factor: the quadratic formula needs no factoring.
    let p = 10_000_000_000_037;
    assert_eq!(
        solve(&expand("x^2 - 10000000000038*x"), "x", &n(-p)).unwrap(),
        vec![n(1), n(p)]
    );
    // 2310^9 = (2*3*5*7*11)^9 has 10^5 divisors, as many candidates as the search tries: x^3 =
    // 2310^9 is still solved, x = 2310^3 = 12326391000.
    let cube = n(2310).pow(&n(9), 1 << 20).unwrap();
    assert_eq!(
        solve(&expand("x^3"), "x", &cube).unwrap(),
        vec![n(12_326_391_000)]
    );
}

#[test]
fn polynomials_are_equal_by_their_names_and_coefficients() {
    // `b + b*a` interns `b` first: the same polynomial under another symbol order is equal.
    assert_eq!(expand("a*b + b"), expand("b + b*a"));
    // A sign, a coefficient, a name or a term apart: not equal.
    assert_ne!(expand("a + b"), expand("a - b"));
    assert_ne!(expand("a + b"), expand("a + 2*b"));
    assert_ne!(expand("a + b"), expand("a + c"));
    assert_ne!(expand("a"), expand("a + 1"));
}
