//! `paramcount expand` and `paramcount equiv` as a user runs them.
//!
//! The normal forms here are worked by hand, not copied from the program: each test says how.

mod common;

use common::{assert_golden, run};

const MEGATRON: &str = "12*l*h^2*(1 + 13/(12*h) + (V+s)/(12*l*h))";

#[test]
fn expand_prints_the_normal_form() {
    // (a+b)^2 - (a-b)^2 = (a^2+2ab+b^2) - (a^2-2ab+b^2) = 4ab.
    assert_eq!(
        run(&["expand", "-e", "(a+b)^2 - (a-b)^2"]),
        (0, "4*a*b\n".into(), String::new())
    );
    // 12*l*h^2 * 13/(12h) = 13*l*h; 12*l*h^2 * (V+s)/(12*l*h) = (V+s)*h.
    let (code, out, _) = run(&["expand", "-e", MEGATRON]);
    assert_eq!((code, out.as_str()), (0, "12*l*h^2+13*l*h+V*h+s*h\n"));
}

#[test]
fn megatron_is_equivalent_to_its_expansion_and_counts_gpt3() {
    let (code, out, _) = run(&[
        "equiv",
        "-e",
        MEGATRON,
        "-e",
        "12*l*h^2 + 13*l*h + V*h + s*h",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("equivalent"), "{out}");
    // GPT-3 175B, as the Megatron-LM paper's formula gives it: 174,604,234,752 (the number).
    let (code, out, _) = run(&[
        "eval", "-e", MEGATRON, "--set", "l=96", "--set", "h=12288", "--set", "V=50257", "--set",
        "s=2048",
    ]);
    assert_eq!((code, out.as_str()), (0, "174604234752\n"));
}

#[test]
fn scaling_laws_approximation_is_exact_when_the_widths_are_tied() {
    // 2*d*n*(2*d + 4*d) = 12*n*d^2.
    let (code, out, err) = run(&[
        "equiv",
        "-e",
        "2*d_model*n_layer*(2*d_attn + d_ff)",
        "-e",
        "12*n_layer*d_model^2",
        "--set",
        "d_attn=d_model",
        "--set",
        "d_ff=4*d_model",
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn different_formulas_exit_1_with_their_difference() {
    // (a+b)^2 - (a^2+b^2) = 2ab.
    let (code, out, _) = run(&["equiv", "-e", "(a+b)^2", "-e", "a^2+b^2"]);
    assert_eq!(code, 1);
    assert!(out.contains("first - second = 2*a*b"), "{out}");
    let (code, out, _) = run(&["equiv", "--json", "-e", "(a+b)^2", "-e", "a^2+b^2"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["equivalent"], false);
}

#[test]
fn set_leaves_the_rest_symbolic() {
    // (a+b)^2 with b = 3: a^2 + 6a + 9.
    let (code, out, _) = run(&["expand", "-e", "(a+b)^2", "--set", "b=3"]);
    assert_eq!((code, out.as_str()), (0, "a^2+6*a+9\n"));
}

#[test]
fn a_sixth_degree_eight_power_has_1287_terms() {
    // Monomials of degree 8 in 6 symbols: C(8+5, 5) = 1287.
    let (code, out, _) = run(&["expand", "-e", "(a+b+c+d+e+f)^8", "--style", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let terms = json["terms"].as_array().expect("terms");
    assert_eq!(terms.len(), 1287);
    // The multinomial coefficients sum to 6^8 = 1679616.
    let sum: u64 = terms
        .iter()
        .map(|t| {
            t["coefficient"]
                .as_str()
                .and_then(|c| c.parse::<u64>().ok())
                .expect("integer coefficient")
        })
        .sum();
    assert_eq!(sum, 1_679_616);
}

#[test]
fn bert_article_in_every_style() {
    // By hand from the formula: (V+P+T)*H + L*(3*H*A*d + 3*A*d + d*A*H + I*H + I*H + I + 6*H)
    // with d = H/A gives V*H+P*H+T*H + 4*L*H^2 + 2*L*I*H + L*I + 9*L*H.
    let (code, out, _) = run(&["expand", "bert-article"]);
    assert_eq!(code, 0);
    assert_eq!(out, "2*L*I*H+4*L*H^2+V*H+P*H+T*H+L*I+9*L*H\n");
    let (_, latex, _) = run(&["expand", "bert-article", "--style", "latex"]);
    assert_golden("expand-bert-article.latex.txt", &latex);
    let (_, json, _) = run(&["expand", "bert-article", "--style", "json"]);
    serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
    assert_golden("expand-bert-article.json.txt", &json);
}

#[test]
fn every_builtin_expands() {
    let (_, models, _) = run(&["models"]);
    let names: Vec<&str> = models
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() >= 14, "{models}");
    for name in names {
        let (code, out, err) = run(&["expand", name]);
        assert_eq!(code, 0, "expand {name}: {err}");
        assert!(!out.trim().is_empty(), "expand {name}");
    }
}

#[test]
fn expand_and_the_value_agree_at_a_point() {
    // The normal form of gpt2 with its defaults, evaluated, equals gpt2's count (124,439,808,
    // transformers' GPT2LMHeadModel with the tied head: tests/models.rs).
    let (_, form, _) = run(&["expand", "gpt2"]);
    let (code, out, _) = run(&[
        "eval",
        "-e",
        form.trim(),
        "--set",
        "L=12",
        "--set",
        "H=768",
        "--set",
        "I=3072",
        "--set",
        "V=50257",
        "--set",
        "P=1024",
    ]);
    assert_eq!((code, out.as_str()), (0, "124439808\n"));
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(&["equiv", "-e", "a"]);
    assert_eq!(code, 2);
    assert!(err.contains("two formulas"), "{err}");
    let (code, _, err) = run(&["expand", "-e", "a/(a+b)"]);
    assert_eq!(code, 2);
    assert!(err.contains("divisor"), "{err}");
}

#[test]
fn equiv_takes_builtins_and_files() {
    // ernie-article is bert-article with other defaults: the same function of the sizes.
    let (code, out, err) = run(&["equiv", "bert-article", "ernie-article"]);
    assert_eq!(code, 0, "{out}{err}");
    // bert counts the embedding LayerNorm (2H) and the pooler (H^2 + H) besides the article's
    // terms (as well as the per-layer terms in the same form), so the difference is H^2 + 3H.
    let (code, out, _) = run(&["equiv", "bert", "bert-article"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("first - second = H^2+3*H"), "{out}");
}

#[test]
fn max_terms_bounds_an_expansion() {
    // (a+b+c)^10 has C(12,2) = 66 terms; a limit of 10 refuses it with advice.
    let (code, _, err) = run(&["expand", "-e", "(a+b+c)^10", "--max-terms", "10"]);
    assert_eq!(code, 2);
    assert!(err.contains("at most 10 terms"), "{err}");
    let (code, out, _) = run(&["expand", "-e", "(a+b+c)^10", "--style", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["terms"].as_array().map(Vec::len), Some(66));
}
