//! The fast reader must build exactly the tree pest builds: the same nodes in the same arena order,
//! the same spans, the same statements. Every test here reads one text both ways and compares.

use proptest::prelude::*;

use super::super::{function_names, pest_file, pest_inline};
use crate::syntax::Formula;

const DEPTH: usize = 10_000;

/// The whole tree, printed: nodes as their readers see them, spans and statements.
fn dump(formula: &Formula) -> String {
    let nodes: Vec<String> = formula
        .expr_ids()
        .map(|id| format!("{:?} {:?}", formula.kind(id), formula.span(id)))
        .collect();
    let functions: Vec<String> = formula
        .functions
        .iter()
        .map(|f| {
            format!(
                "fn {} {:?} {:?} {:?} {:?} {:?}",
                f.name, f.name_span, f.params, f.body, f.explanation, f.span
            )
        })
        .collect();
    let uses: Vec<String> = formula
        .uses
        .iter()
        .map(|u| format!("use {:?} {:?}", u.target, u.span))
        .collect();
    let metadata: Vec<String> = formula
        .metadata
        .iter()
        .map(|m| format!("@{} {:?} {:?}", m.key, m.values, m.span))
        .collect();
    let mut function_names: Vec<&String> = formula.function_names.iter().collect();
    function_names.sort();
    format!(
        "{nodes:?}\n{:?}\n{functions:?}\n{uses:?}\n{metadata:?}\n{function_names:?}",
        formula.statements
    )
}

/// Reads `text` as a file (or as `-e`) with the fast reader and with pest. Returns the fast tree
/// if the fast reader took the text; panics if it took it and pest disagrees.
fn compare(text: &str, inline: bool) -> Option<String> {
    // As `parser::parse_file` does before either route: `f(x)` calls `f` wherever `fn f` stands.
    let mut fast = Formula::new();
    fast.function_names.extend(function_names(text));
    let source = fast.sources.add("t", text);
    let taken = if inline {
        super::parse_inline(&mut fast, source, text, DEPTH).map(|id| vec![id])
    } else {
        super::parse_file(&mut fast, source, text, DEPTH)
    };
    let mut pest = Formula::new();
    pest.function_names.extend(function_names(text));
    let source = pest.sources.add("t", text);
    let by_pest = if inline {
        pest_inline(&mut pest, source, text, DEPTH).map(|id| vec![id])
    } else {
        pest_file(&mut pest, source, text, DEPTH)
    };
    let Some(ids) = taken else {
        assert!(fast.expr_count() == 0 && fast.statements.is_empty());
        return None;
    };
    match by_pest {
        Ok(pest_ids) => {
            assert_eq!(ids, pest_ids, "statement ids differ for {text:?}");
            assert_eq!(dump(&fast), dump(&pest), "trees differ for {text:?}");
        }
        Err(e) => panic!("the fast reader took {text:?}, which pest refuses: {e:?}"),
    }
    Some(dump(&fast))
}

/// The fast reader takes `text`, and builds pest's tree.
fn same(text: &str) {
    assert!(
        compare(text, false).is_some(),
        "fast reader gave up on {text:?}"
    );
    // As `-e`, where pest takes it (no definitions, no `;`).
    let mut pest = Formula::new();
    let source = pest.sources.add("t", text);
    if pest_inline(&mut pest, source, text, DEPTH).is_ok() {
        assert!(
            compare(text, true).is_some(),
            "fast reader gave up on -e {text:?}"
        );
    }
}

/// The fast reader leaves `text` to pest.
fn left_to_pest(text: &str) {
    assert!(compare(text, false).is_none(), "fast reader took {text:?}");
}

#[test]
fn the_workload_shapes() {
    same("(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)\n");
    same("2*3*12+64*512+768*3072*30522\n");
    same("n_0 = 12*V+(H-3)+L^2-A*d\nn_1 = 5+T*(7+P) + n_0\n");
    same("1+(1+(1+(1)))");
}

#[test]
fn precedence_and_associativity() {
    for text in [
        "1-2-3",
        "2^3^2",
        "-2^2",
        "--1",
        "+-+1",
        "2*3/4",
        "a|b|c",
        "(a|b)|c",
        "a|(b|c)",
        "a < b == c",
        "not a and b or c",
        "not not x",
        "x or y and z",
        "1+2 == 3 and true",
        "2**3**2",
        "a != b",
        "a <= b",
        "a >= b",
        "a > b",
        "-a|b",
        "-(1)^2",
    ] {
        same(text);
    }
}

#[test]
fn juxtaposition() {
    for text in [
        "2H",
        "2 H",
        "12(768+1)",
        "(30522+512+2)768",
        "(1)(2)",
        "2e",
        "2e5x",
        "2E+3",
        "1_",
        "1__2",
        "2 x y",
        "H(2)",
        "x 2x(1e)",
        "a^b(2)",
        "2^x(3)y",
        "2 truex",
        "2 andy",
        "2 order",
        "3 iffy",
        "2e+",
    ] {
        if text == "2e+" {
            left_to_pest(text); // `2*e+` lacks an operand: pest words the error
        } else {
            same(text);
        }
    }
    // Two numbers side by side are an error (pest says which); so is a keyword after an operand.
    // A bracket opened with `[` after an operand (a product with a list or a group) is pest's.
    for text in [
        "2 3", "-2 3", "2^2 3", "2 true", "2 not x", "2 if", "[1+2)*3", "2[3]",
    ] {
        left_to_pest(text);
    }
    same("x[1]");
    // A name before a bracket with spaces between: the bracket's span starts at the bracket.
    same("H  (2)");
    // The nesting bound counts depth, not calls: sixty calls side by side are read.
    let calls: Vec<String> = (0..60).map(|i| format!("min({i}, 1)")).collect();
    same(&format!("x = {}", calls.join(" + ")));
    same("x = 3 * L (H + 1)");
}

#[test]
fn numbers_and_names() {
    for text in [
        "30_522",
        "0.1",
        "1e9",
        "1.5E-3",
        ".5",
        ".5e3",
        "-.25",
        "1∕2",
        "007",
        "1_000_000",
        "text_config.hidden_size",
        "_x",
        "a.b.c",
        "lethal",
        "android",
        "notable",
        "true",
        "false",
        "min.x",
        "x1_2",
    ] {
        same(text);
    }
    for text in ["1.", "1.x", "a.", "a.1", "a.if", "true.x", "1._5"] {
        left_to_pest(text);
    }
    // A function's name without its bracket is a name.
    for text in [
        "min(1)",
        "min",
        "min\n(1)",
        "fn f(x, f) = f + x\ny = f(1, 2)",
    ] {
        same(text);
    }
}

#[test]
fn statements_layout_and_spans() {
    for text in [
        "a = 1 + 2   # c\nb = 3  ",
        "x  +  y  ;",
        "(1 \n )  ",
        "1 = 2  ",
        "let d = H / A\nlayer = 4*d = 3072",
        "letter = 1",
        "a = 1\n-2\nb = a",
        "a = 1 +\n\n 2",
        "a = 1 # one\n  # two\n  + 2",
        "x = (1\n+\n2\n)\n",
        "\n\n;;a=1;;b=2\r\nc=3\r\n",
        "a.b = 1",
        "a == 1",
        "true = 1",
        "",
        "# only a comment",
        "   \t  ",
        "H = hidden_size | n_embd | 768\n",
        "v = -V\n",
        "x = 1 # caf\u{e9} 中文\n",
    ] {
        same(text);
    }
    for text in [
        "let = 1",
        "let x",
        "a =\n 3",
        "a = = 3",
        "(1\n2)",
        "(1",
        "1)",
        "a = 1 = ",
        "x = 2×3",
        "x = 2 − 3",
        "x\u{3000}= 1",
        "名 = 1",
        "caf\u{e9} = 1",
    ] {
        left_to_pest(text);
    }
}

/// Counting a model reads its family and the library modules it uses: all of them must take the
/// fast route (pest spends thousands of instructions a byte), and build pest's tree.
#[test]
fn every_builtin_file_is_read_as_pest_reads_it() {
    for builtin in crate::models::BUILTINS.iter().chain(crate::models::LIBRARY) {
        assert!(
            compare(builtin.text, false).is_some(),
            "the fast reader gave up on the built-in {}",
            builtin.name
        );
    }
}

#[test]
fn the_rest_of_the_language() {
    for text in [
        // metadata lists with blanks around their commas
        "@variants small , large\nx = 1",
        "@variants a,  b ,c\nx = 1",
        // a line that starts with a name but defines nothing
        "h = 2\nh + 1",
        "h = 2\nh <= 3",
        "h = 2\nh\n",
        // explanations, strings and escapes
        "a = 1 \"explained\"",
        "a = 1  \"explained\"   ",
        "a = 1 = 1 \"claimed\"",
        "1 + 2 \"a chain's explanation\"",
        "a = \"qwen2\"",
        "t = model_type == \"gpt2\" \"a \\\"quoted\\\" word, caf\u{e9}\"",
        "x = (model_type | \"llama\") == \"qwen2\"",
        // `if`, and the blank its span takes
        "x = if c then 1 else 2",
        "x = if c then 1 else 2   # why\ny = 3",
        "x = if a then if b then 1 else 2 else 3",
        "x = 1 + if c\n  then 2\n  else 3 + 4",
        "x = -if c then 1 else 2",
        "x = (if c then 1 else 2) * 3",
        "x = 2 * (if c then 1 else 2)",
        "x = not if c then true else false",
        "x = if (a) then b else c | 2",
        // calls
        "x = min(a, b) + max(1,2,3)",
        "x = floor(H / A) * ceil(\n  7 / 2\n)",
        "x = 2 min(a, b)",
        "x = min (a, b)",
        "x = len([1, 2, 3])",
        "x = sum([1, 2,]) + count(xs, 2) + contains(xs, 3)",
        "x = model(\"gpt2\", c)",
        "x = max(a, b)(2)",
        "fn f(a, b) = a*b\nx = f(1, 2) + f(3, f(4, 5))",
        "x = g(2)\nfn g(n) = n + 1  \"one more\"",
        "fn linear(i, o, bias) =\n    i*o + (if bias then o else 0)  \"nn.Linear\"\n",
        "fn  f ( a ,b )  =  a  # c\n",
        "x = H(2)",
        "x = unknown(1, 2)",
        "x = h(\"a,b\" # (\n)",
        // sums over ranges
        "x = sum(i in 0..L-1, i*2)",
        "x = sum(i in a..b, xs[i])",
        "x = sum( i in 1 .. 3 ,\n  i )",
        "x = sum(\n  i in 1..3, i)",
        // lists and indexes
        "xs = [1, 2, 3]",
        "xs = [1, 2, 3,]",
        "xs = []",
        "xs = [7]",
        "xs = [7,]",
        "xs = [\n  1,\n  2\n]",
        "x = xs[0] + ys[i + 1]*2",
        "x = a.b[ 2 ]",
        // statements beyond definitions and chains
        "override x = 3",
        "use blocks\nx = 1",
        "use gpt-neox  # a family\n",
        "use \"lib/my.formula\"",
        "@summary \"A test\"",
        "@ summary \"A test\"  # c",
        "@model_types \"llama\"",
        "@model_types \"llama\"   ",
        "@model_types \"llama\", \"mistral\"  ",
        "@model_types \"a\" , \"b\",\"c\"",
        "@variants total, active  ",
        "@variants total  ",
        "@default total  ",
        "@tensors L*q_proj = \"{model.,}layers.*.q.*\", \"x\"",
        "@tensors  2 * (a+b)   = \"x\"  ",
    ] {
        same(text);
    }
    for text in [
        // an operator or a bracket where an operand belongs
        "1 + * 2",
        "x = )",
        "(+)",
        "x = 1 +",
        "x = \"unterminated",
        "x = \"two\nlines\"",
        "x = if c then 1",
        "x = min(a,)",
        "x = min()",
        "x = floor(1, 2)",
        "fn f(a, a) = a",
        "fn min(a) = a",
        "fn f(a) = a\nfn f(b) = b",
        "x = xs[\n0]",
        "@summary total",
        "@unknown \"x\"",
        "use 3",
        "x = “curly”",
        "x = sum(i in 0..3)",
        "x = [1, [2, 3]][1][0]",
    ] {
        left_to_pest(text);
    }
}

#[test]
fn inline_chains() {
    assert!(compare("  \n 1 + 2 = 3 \n\n", true).is_some());
    // `-e` takes no definitions and no `;`: `a = 1` is a claim there, and `1; 2` is pest's to refuse.
    assert!(compare("a = 1", true).is_some());
    assert!(compare("1; 2", true).is_none());
}

#[test]
fn deep_nesting_is_read_without_recursion() {
    let depth = 200_000;
    let text = format!("{}1{}", "1+(".repeat(depth), ")".repeat(depth));
    let mut formula = Formula::new();
    let source = formula.sources.add("t", text.as_str());
    assert!(super::parse_inline(&mut formula, source, &text, 1_000_000).is_some());
    // Past the limit it gives up, and pest's pre-scan reports where.
    let mut formula = Formula::new();
    let source = formula.sources.add("t", text.as_str());
    assert!(super::parse_inline(&mut formula, source, &text, 1_000).is_none());
}

// ---- generated formulas ---------------------------------------------------------------------------

fn blank() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("  "), Just("\t")]
}

/// Blank that may break the line: allowed around binary operators and inside brackets.
fn blank_or_break() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just(""),
        2 => Just(" "),
        1 => Just("\n"),
        1 => Just(" # note\n "),
        1 => Just("\r\n"),
    ]
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100_000).prop_map(|n| n.to_string()),
        Just("30_522".to_string()),
        Just("0.5".to_string()),
        Just(".5".to_string()),
        Just("1e3".to_string()),
        Just("2.5E-2".to_string()),
        Just("007".to_string()),
        "[a-zA-Z_][a-zA-Z0-9_]{0,6}".prop_filter("not a keyword or function", |w| !super::KEYWORDS
            .contains(&w.as_str())
            && crate::syntax::Function::from_name(w).is_none()),
        Just("text_config.hidden_size".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
    ]
}

fn binary() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => Just("+"), 3 => Just("-"), 4 => Just("*"), 2 => Just("/"), 2 => Just("^"),
        1 => Just("∕"), 1 => Just("**"), 1 => Just("=="), 1 => Just("!="), 1 => Just("<"), 1 => Just("<="),
        1 => Just(">"), 1 => Just(">="), 1 => Just("|"), 1 => Just(" and "), 1 => Just(" or "),
    ]
}

/// Expressions of the core with explicit operators (the fast reader must take them all), laid
/// out with blanks, line breaks and comments where the grammar allows them.
fn expression() -> impl Strategy<Value = String> {
    let leaf = (
        prop::collection::vec(prop_oneof![Just("-"), Just("+"), Just("not ")], 0..2),
        atom(),
    )
        .prop_map(|(prefixes, atom)| format!("{}{atom}", prefixes.concat()));
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            (
                inner.clone(),
                blank_or_break(),
                binary(),
                blank_or_break(),
                inner.clone()
            )
                .prop_map(|(a, b1, op, b2, c)| format!("{a}{b1}{op}{b2}{c}")),
            (
                Just("("),
                blank_or_break(),
                inner.clone(),
                blank_or_break(),
                prop_oneof![Just(")"), Just("]")]
            )
                .prop_map(|(o, b1, e, b2, c)| format!("{o}{b1}{e}{b2}{c}")),
            // Juxtaposition: a number or a name before a bracket.
            ((1u32..99), blank(), inner.clone()).prop_map(|(n, b, e)| format!("{n}{b}({e})")),
            ((1u32..99), prop_oneof![Just("H"), Just(" d_model")])
                .prop_map(|(n, name)| format!("{n}{name}")),
        ]
    })
}

fn statement() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(String::new()),
            "[a-z][a-z0-9_]{0,4}"
                .prop_filter("a name", |w| !super::KEYWORDS.contains(&w.as_str()))
                .prop_map(|n| format!("{n} = ")),
            "[a-z][a-z0-9_]{0,4}"
                .prop_filter("a name", |w| !super::KEYWORDS.contains(&w.as_str()))
                .prop_map(|n| format!("let {n}= ")),
        ],
        expression(),
        prop::option::of(expression()),
        blank(),
        prop_oneof![Just(""), Just(" # why")],
    )
        .prop_map(|(head, value, claim, b, comment)| {
            // A line break at the top level ends the statement unless an operator follows it, so
            // the generated breaks of a top-level sequence are joined back here only when needed.
            let claim = claim.map(|c| format!(" = {c}")).unwrap_or_default();
            format!("{head}{value}{claim}{b}{comment}")
        })
}

fn file() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            statement(),
            prop_oneof![Just("\n"), Just(";"), Just("\r\n"), Just("\n\n")],
        ),
        1..5,
    )
    .prop_map(|lines| {
        lines
            .into_iter()
            .map(|(s, sep)| format!("{s}{sep}"))
            .collect()
    })
}

/// Pieces that meet at the edges of the core: any mix of them must either be left to pest or
/// read exactly as pest reads it.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("2"),
        Just("3"),
        Just("e"),
        Just("_"),
        Just("1_"),
        Just("."),
        Just("x"),
        Just("H"),
        Just("+"),
        Just("-"),
        Just("*"),
        Just("**"),
        Just("^"),
        Just("/"),
        Just("="),
        Just("=="),
        Just("!="),
        Just("<"),
        Just(">="),
        Just("|"),
        Just("("),
        Just(")"),
        Just("["),
        Just("]"),
        Just(" "),
        Just("\n"),
        Just(";"),
        Just("\r"),
        Just("#c\n"),
        Just("let "),
        Just("not "),
        Just(" and "),
        Just(" or "),
        Just("true"),
        Just("min"),
        Just("1e"),
        Just("1.5"),
        Just(".5"),
        Just("∕"),
        Just("a.b"),
        Just("\""),
        Just("×"),
        Just("if "),
        Just(","),
        // beyond the core
        Just("\"s\""),
        Just("\"a\\\"b\""),
        Just(" then "),
        Just(" else "),
        Just("min("),
        Just("f("),
        Just("g ("),
        Just("fn f(x) = "),
        Just("fn g(a, b) = "),
        Just("use m"),
        Just("use a-b"),
        Just("@summary "),
        Just("@variants a, b"),
        Just("@tensors "),
        Just("override "),
        Just("xs["),
        Just("sum(i in "),
        Just(".."),
        Just("%"),
        Just("[]"),
    ];
    prop::collection::vec(piece, 1..14).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn core_files_read_as_pest_reads_them(text in file()) {
        // `2 3`, keywords in the wrong place and the like are possible here; they are left to pest.
        // The rest must be taken, and match.
        let taken = compare(&text, false);
        let mut pest = Formula::new();
        let source = pest.sources.add("t", text.as_str());
        if pest_file(&mut pest, source, &text, DEPTH).is_ok() && !has_adjacent_numbers(&text) {
            prop_assert!(taken.is_some(), "fast reader gave up on {:?}", text);
        }
    }

    #[test]
    fn core_expressions_read_as_pest_reads_them(text in expression()) {
        compare(&text, true);
    }

    #[test]
    fn edge_pieces_are_read_as_pest_reads_them_or_left_to_it(text in soup()) {
        compare(&text, false);
        compare(&text, true);
    }
}

/// Whether a number is juxtaposed with a number (`12 (3)` is fine, `2 3` is an error): the
/// generator can write `1e3` after `2`.
fn has_adjacent_numbers(text: &str) -> bool {
    let mut formula = Formula::new();
    let source = formula.sources.add("t", text);
    matches!(
        pest_file(&mut formula, source, text, DEPTH),
        Err(crate::Error::AdjacentNumbers { .. })
    )
}
