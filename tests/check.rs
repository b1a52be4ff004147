//! `paramcount::check` through its library API: claims in `-e` expressions, formula files and
//! scanned documents, and the diagnoses of the false ones.
//!
//! Where the numbers come from (none from the code under test):
//! - the article's BERT formula and its printed total 101675520, and the ERNIE formula: article.md
//!   (restated in `tests/fixtures/check/article-clean.md`);
//! - BERT, by hand: embeddings (30522+512+2)*768 = 31036*768 = 23,835,648; one layer
//!   768*2304 + 2304 + 589,824 + 3*768 + 2,359,296 + 3072 + 2,359,296 + 3*768 = 7,087,872;
//!   12 layers 85,054,464; total 108,890,112;
//! - ERNIE: (18000+513+2)*768 = 14,219,520; plus 85,054,464 = 99,273,984;
//! - the vocabulary that gives 101675520: (101675520 - 85054464)/768 - 514 = 21642 - 514 = 21128,
//!   which is bert-base-chinese's vocab_size (`fixtures/check/bert-base-chinese.json`, copied from
//!   the Hugging Face config); for ERNIE, 21642 - 515 = 21127;
//! - bert-base-uncased's full count with embedding LayerNorm and pooler, 109,482,240:
//!   reference/counts.json (transformers' BertModel); its config is
//!   `fixtures/check/bert-base-uncased.json`, copied from reference/configs.

use paramcount::check::{
    check, check_expression, check_text, CheckInput, CheckOptions, ClaimCheck, Diagnosis,
    FixTarget, NumberFix, PartRelation, Report, Status,
};
use paramcount::{Error, Number, Value};

const BERT: &str = "(30522+512+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)";
const ERNIE: &str = "(18000+513+2)*768+12*(768*12*64*3+12*64*3+64*12*768+768+768+768+768*3072+3072+3072*768+768+768+768)";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/check/{name}"))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn fixture_path(name: &str) -> String {
    format!("tests/fixtures/check/{name}")
}

fn number(n: i64) -> Number {
    Number::from_i64(n)
}

fn value(n: i64) -> Option<Value> {
    Some(Value::Number(number(n)))
}

fn expression(text: &str) -> Report {
    check_expression(text, &CheckOptions::default()).expect("the expression parses")
}

fn scanned(name: &str) -> Report {
    let options = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    check_text(name, &fixture(name), &options).expect("a document always reads")
}

fn only(report: &Report) -> &ClaimCheck {
    assert_eq!(report.claims.len(), 1, "{}", report.render_text(false));
    &report.claims[0]
}

fn fixes(diagnoses: &[Diagnosis]) -> Vec<&NumberFix> {
    diagnoses
        .iter()
        .filter_map(|d| match d {
            Diagnosis::OneNumber(fix) => Some(fix),
            _ => None,
        })
        .collect()
}

fn plausible_literal_fixes(diagnoses: &[Diagnosis]) -> Vec<(String, Number)> {
    fixes(diagnoses)
        .into_iter()
        .filter(|f| f.is_plausible())
        .filter_map(|f| match &f.target {
            FixTarget::Literal { text } => Some((text.clone(), f.needed.clone())),
            _ => None,
        })
        .collect()
}

fn snapshot(name: &str, report: &Report) {
    insta::with_settings!({snapshot_path => "fixtures/check/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(format!("{name}.txt"), report.render_text(false));
        insta::assert_snapshot!(
            format!("{name}.json"),
            serde_json::to_string_pretty(&report.to_json()).unwrap()
        );
    });
}

// ---- the article's formulas ---------------------------------------------------------------------------

#[test]
fn bert_formula_with_its_true_total_holds() {
    let report = expression(&format!("{BERT}=108890112"));
    let claim = only(&report);
    assert_eq!(claim.status, Status::Holds);
    assert_eq!(claim.computed, value(108_890_112));
    assert!(claim.diagnoses.is_empty());
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn bert_formula_with_the_article_total_is_false_and_the_vocabulary_fix_is_named() {
    let report = expression(&format!("{BERT}=101675520"));
    let claim = only(&report);
    assert_eq!(claim.status, Status::False);
    assert_eq!(claim.computed, value(108_890_112));
    assert_eq!(claim.claimed, value(101_675_520));
    assert_eq!(claim.difference, Some(number(-7_214_592)));
    assert_eq!(report.exit_code(), 1);
    // Only the vocabulary has a whole, non-negative value that works (every other literal would
    // need a fraction, e.g. the layer count 12 - 7214592/7087872, or a negative value, e.g. 512 - 9394).
    assert_eq!(
        plausible_literal_fixes(&claim.diagnoses),
        vec![("30522".to_string(), number(21128))]
    );
    let text = report.render_text(false);
    assert!(text.contains("108,890,112"), "{text}");
    assert!(text.contains("30522 at 1:2 → 21,128"), "{text}");
}

#[test]
fn every_fix_of_the_bert_claim_is_exact() {
    // Each fix, substituted into the text, must give the claim: a second route through `eval`.
    let report = expression(&format!("{BERT}=101675520"));
    for fix in fixes(&only(&report).diagnoses) {
        let FixTarget::Literal { text } = &fix.target else {
            panic!("only literals in this formula")
        };
        let column = fix.location.column - 1;
        assert_eq!(&BERT[column..column + text.len()], text);
        let needed = if fix.needed.is_integer() && !fix.needed.is_negative() {
            fix.needed.to_string()
        } else {
            format!("({})", fix.needed)
        };
        let changed = format!(
            "{}{}{}",
            &BERT[..column],
            needed,
            &BERT[column + text.len()..]
        );
        let again = expression(&format!("{changed}=101675520"));
        assert_eq!(only(&again).status, Status::Holds, "{changed}");
    }
}

#[test]
fn ernie_formula_is_false_with_its_own_total() {
    let report = expression(&format!("{ERNIE} = 101675520"));
    let claim = only(&report);
    assert_eq!(claim.status, Status::False);
    assert_eq!(claim.computed, value(99_273_984));
    let found = plausible_literal_fixes(&claim.diagnoses);
    // The likeliest first: the vocabulary, then the positions (513 + 2401536/768 = 3640).
    assert_eq!(found[0], ("18000".to_string(), number(21127)));
    assert_eq!(found[1], ("513".to_string(), number(3640)));
}

#[test]
fn juxtaposed_groups_and_fused_numbers_are_repaired() {
    // As the web page shows `12*(768*3072+3072+3072*768+768)`: 12*(2359296+3072+2359296+768) =
    // 12*4722432 = 56669184. As written it reads 12*(7683072+3072+3072768+768) = 129116160.
    let report = expression("12(7683072+3072+3072768+768)=56669184");
    let claim = only(&report);
    assert_eq!(claim.status, Status::False);
    assert_eq!(claim.computed, value(129_116_160));
    let [Diagnosis::FusedNumbers {
        literals,
        repaired_text,
        repaired_value,
        holds,
        then,
    }] = &claim.diagnoses[..]
    else {
        panic!("{:?}", claim.diagnoses)
    };
    let readings: Vec<(&str, &str)> = literals
        .iter()
        .map(|l| (l.written.as_str(), l.reading.as_str()))
        .collect();
    assert_eq!(
        readings,
        vec![("7683072", "768*3072"), ("3072768", "3072*768")]
    );
    assert_eq!(repaired_text, "12(768*3072+3072+3072*768+768)");
    assert_eq!(repaired_value, &Value::Number(number(56_669_184)));
    assert!(holds);
    assert!(then.is_empty());
    let text = report.render_text(false);
    assert!(
        text.contains("768*3072") && text.contains("3072*768"),
        "{text}"
    );
    assert!(
        text.contains("the claim holds on the repaired reading"),
        "{text}"
    );
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn web_mangled_bert_reaches_the_same_conclusion_through_the_repair() {
    // 64 is nowhere in this text: the repair finds it as 768/12.
    let report = expression(
        "total = (30522+512+2)768+12(76812643+12643+6412768+768+768+768+7683072+3072+3072768+768+768+768) = 101675520个",
    );
    let claim = only(&report);
    assert_eq!(claim.status, Status::False);
    let [Diagnosis::FusedNumbers {
        literals,
        repaired_value,
        holds,
        then,
        ..
    }] = &claim.diagnoses[..]
    else {
        panic!("{:?}", claim.diagnoses)
    };
    let readings: Vec<&str> = literals.iter().map(|l| l.reading.as_str()).collect();
    assert_eq!(
        readings,
        vec![
            "768*12*64*3",
            "12*64*3",
            "64*12*768",
            "768*3072",
            "3072*768"
        ]
    );
    assert_eq!(repaired_value, &Value::Number(number(108_890_112)));
    assert!(!holds);
    assert_eq!(
        plausible_literal_fixes(then),
        vec![("30522".to_string(), number(21128))]
    );
}

#[test]
fn article_golden_reports_clean() {
    snapshot("article-clean.md", &scanned("article-clean.md"));
    snapshot("bert-e", &expression(&format!("{BERT} = 101675520")));
}

#[test]
fn article_golden_reports_as_on_the_web() {
    let markdown = scanned("article-web.md");
    let html = scanned("article-web.html");
    snapshot("article-web.md", &markdown);
    snapshot("article-web.html", &html);
    for report in [&markdown, &html] {
        let false_claims: Vec<&ClaimCheck> = report
            .claims
            .iter()
            .filter(|c| c.status == Status::False)
            .collect();
        assert_eq!(false_claims.len(), 2);
        assert_eq!(false_claims[0].claimed, value(101_675_520));
        assert_eq!(false_claims[1].claimed, value(101_675_520));
        assert_eq!(report.exit_code(), 1);
    }
}

// ---- documents ------------------------------------------------------------------------------------------

#[test]
fn a_document_whose_formulas_are_right_passes() {
    let report = scanned("all-right.md");
    // Hand: the seven exact claims of the fixture (see the sums in this file's header), and
    // 23835648 + 12*7087872 = 108,890,112, which rounds to 109M.
    let statuses: Vec<&Status> = report.claims.iter().map(|c| &c.status).collect();
    assert_eq!(statuses.len(), 8, "{}", report.render_text(false));
    assert!(statuses[..7].iter().all(|s| **s == Status::Holds));
    assert_eq!(
        *statuses[7],
        Status::ApproximatelyHolds {
            binary_units: false
        }
    );
    assert_eq!(report.exit_code(), 0);
    // The claim written before its formula, on a line in bold, and the one with digit grouping.
    let texts: Vec<String> = report.claims.iter().map(|c| c.text()).collect();
    assert!(texts.contains(&"1771776 + 590592 + 768+768 + 4722432 + 768+768 = 7087872".to_string()));
    assert!(texts.contains(&"23835648 + 85054464 = 108,890,112".to_string()));
    assert!(texts.contains(&"768*3072+3072+3072*768+768 = 4722432".to_string()));
}

#[test]
fn a_document_with_one_wrong_claim_names_only_that_one() {
    let report = scanned("one-wrong.md");
    let wrong: Vec<&ClaimCheck> = report
        .claims
        .iter()
        .filter(|c| c.status == Status::False)
        .collect();
    assert_eq!(wrong.len(), 1, "{}", report.render_text(false));
    let claim = wrong[0];
    assert_eq!((claim.location.line, claim.location.column), (7, 36));
    assert_eq!(claim.computed, value(4_722_432));
    assert_eq!(claim.claimed, value(4_721_664));
    // 4722432 - 4721664 = 768: the down projection's bias, the last term.
    let Some(Diagnosis::Part(part)) = claim.diagnoses.first() else {
        panic!("{:?}", claim.diagnoses)
    };
    assert_eq!(part.relation, PartRelation::TooMany);
    assert_eq!(
        (part.part.as_str(), part.contribution.clone()),
        ("768", number(768))
    );
    assert_eq!(report.exit_code(), 1);
    let text = report.render_text(false);
    assert!(text.contains("one-wrong.md:7:36: FALSE"), "{text}");
}

#[test]
fn documents_without_claims() {
    for name in ["no-claims.md", "no-claims-zh.txt"] {
        let report = scanned(name);
        assert!(report.claims.is_empty(), "{}", report.render_text(false));
        assert_eq!(report.exit_code(), 0);
        assert_eq!(report.render_text(false), "no claims found\n");
    }
    let options = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    for text in [
        "",
        "\n\n",
        "Just prose.",
        "x = y",
        "2018-2019",
        "a == b",
        "H = 768",
    ] {
        let report = check_text("doc", text, &options).unwrap();
        assert!(report.claims.is_empty(), "{text:?}");
    }
    // An `-e` that claims nothing is a mistake to report, not an empty report.
    let error = check_expression("(30522+512+2)*768", &CheckOptions::default())
        .expect_err("an expression without a claim");
    assert!(matches!(error.error, Error::Usage { .. }), "{error:?}");
}

#[test]
fn emphasis_and_full_width_punctuation_around_and_inside_formulas() {
    let options = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    // 12*(768*3072+3072+3072*768+768) = 56669184 (hand, as above).
    let text = "前馈层：**12*(768*3072+3072+3072*768+768) = 56669184**。\n\
                也可以写成 12×（**768*3072**+3072+3072*768+768）＝56669184个参数，共 56,669,184 个。";
    let report = check_text("doc", text, &options).unwrap();
    assert_eq!(report.claims.len(), 2, "{}", report.render_text(false));
    assert!(report.claims.iter().all(|c| c.status == Status::Holds));
    // Line 2: `也可以写成 ` is 6 characters, `12×（` 4, `**768*3072**` 12, `+3072+3072*768+768）＝` 20:
    // the claimed number starts at column 43.
    assert_eq!(
        (
            report.claims[1].location.line,
            report.claims[1].location.column
        ),
        (2, 43)
    );
}

// ---- chains, units, config ----------------------------------------------------------------------

#[test]
fn each_link_of_a_chain_is_checked_even_when_one_cannot_be() {
    let report = expression("2*3 = x + 1 = 6");
    assert_eq!(report.claims.len(), 2);
    match &report.claims[0].status {
        Status::NotEvaluated { unknown_names, .. } => assert_eq!(unknown_names, &["x"]),
        other => panic!("{other:?}"),
    }
    assert_eq!(report.claims[1].status, Status::Holds);
    assert_eq!(report.claims[1].text(), "2*3 = 6");
    // Nothing is false, so nothing fails.
    assert_eq!(report.exit_code(), 0);

    // The article's chain: its first link names parts it never defines.
    let report = scanned("article-clean.md");
    match &report.claims[0].status {
        Status::NotEvaluated { unknown_names, .. } => {
            assert_eq!(unknown_names, &["input_parm", "encoder_parm"])
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(report.claims[1].computed, value(108_890_112));
}

#[test]
fn approximate_claims_are_judged_by_rounding() {
    // 108,890,112 is 108.89M: it rounds to 110M at the precision 110M is written with (its last
    // non-zero digit, 10M), to 109M at 1M; 120M is off by more than 5M, 105M by more than 0.5M.
    let claim = |c: &str| only(&expression(&format!("{BERT} {c}"))).clone();
    assert_eq!(
        claim("= 110M params").status,
        Status::ApproximatelyHolds {
            binary_units: false
        }
    );
    assert_eq!(claim("≈ 109M").claimed, value(109_000_000));
    let wrong = claim("= 120M");
    assert_eq!(wrong.status, Status::False);
    assert!(wrong.diagnoses.is_empty());
    assert_eq!(claim("= 105M").status, Status::False);
    assert_eq!(expression(&format!("{BERT} = 120M")).exit_code(), 1);
    // 108890112 / 2^20 = 103.85: 104M only with M = 1,048,576; 104 * 1048576 = 109,051,904.
    let binary = claim("≈ 104M");
    assert_eq!(
        binary.status,
        Status::ApproximatelyHolds { binary_units: true }
    );
    assert_eq!(binary.claimed, value(109_051_904));
    let text = expression(&format!("{BERT} ≈ 104M")).render_text(false);
    assert!(text.contains("1024-based"), "{text}");
    // 0.108890112 billion to two decimals is 0.11: `0.11 billion` holds, `0.12B` does not.
    assert!(matches!(
        claim("= 0.11 billion").status,
        Status::ApproximatelyHolds { .. }
    ));
    assert_eq!(claim("= 0.12B").status, Status::False);
    // An exact claim with grouping and a glued counter word.
    assert_eq!(claim("= 108,890,112个").status, Status::Holds);
}

#[test]
fn names_bind_from_config_and_set_as_in_eval() {
    let formula = "(vocab_size+max_position_embeddings+type_vocab_size)*hidden_size = 16621056";
    // bert-base-chinese: (21128+512+2)*768 = 21642*768 = 16,621,056.
    let chinese = CheckOptions {
        config: Some(fixture_path("bert-base-chinese.json")),
        ..CheckOptions::default()
    };
    assert_eq!(
        only(&check_expression(formula, &chinese).unwrap()).status,
        Status::Holds
    );
    // bert-base-uncased has 30522 tokens: the claim is false, and the config key is the fix.
    let uncased = CheckOptions {
        config: Some(fixture_path("bert-base-uncased.json")),
        ..CheckOptions::default()
    };
    let report = check_expression(formula, &uncased).unwrap();
    let claim = only(&report);
    assert_eq!(claim.status, Status::False);
    let config_fixes: Vec<(&FixTarget, &Number)> = fixes(&claim.diagnoses)
        .into_iter()
        .filter(|f| f.is_plausible())
        .map(|f| (&f.target, &f.needed))
        .collect();
    assert_eq!(
        config_fixes[0],
        (
            &FixTarget::Config {
                key: "vocab_size".into()
            },
            &number(21128)
        )
    );
    // hidden_size enters linearly here too: 16621056 / 31036 is not whole, so it is not offered.
    assert!(!config_fixes.iter().any(|(t, _)| **t
        == FixTarget::Config {
            key: "hidden_size".into()
        }));
    let set = CheckOptions {
        sets: vec!["vocab_size=21128".into()],
        ..uncased
    };
    assert_eq!(
        only(&check_expression(formula, &set).unwrap()).status,
        Status::Holds
    );
}

#[test]
fn a_width_that_enters_squared_is_solved_exactly() {
    // H*H + H = 590592 at H = 768 (768*768 = 589824); claimed 1049600 = 1024*1024 + 1024
    // = 1048576 + 1024.
    let options = CheckOptions {
        sets: vec!["H=768".into()],
        ..CheckOptions::default()
    };
    let report = check_expression("H*H + H = 1049600", &options).unwrap();
    let claim = only(&report);
    let found: Vec<(&FixTarget, &Number)> = fixes(&claim.diagnoses)
        .into_iter()
        .map(|f| (&f.target, &f.needed))
        .collect();
    assert!(found.contains(&(&FixTarget::Set { name: "H".into() }, &number(1024))));
}

// ---- formula files and their parts ---------------------------------------------------------------

fn parts_claiming(claim: &str) -> Report {
    let text = fixture("parts.formula").replace("= 109482240", &format!("= {claim}"));
    check_text("parts.formula", &text, &CheckOptions::default()).unwrap()
}

#[test]
fn a_formula_file_claim_holds() {
    // reference/counts.json: bert-base-uncased BertModel has 109,482,240 parameters.
    assert_eq!(only(&parts_claiming("109482240")).status, Status::Holds);
}

#[test]
fn a_part_too_many() {
    // 109482240 - pooler (768*768 + 768 = 590592) = 108891648.
    let report = parts_claiming("108891648");
    let claim = only(&report);
    let Some(Diagnosis::Part(part)) = claim.diagnoses.first() else {
        panic!("{:?}", claim.diagnoses)
    };
    assert_eq!(part.part, "pooler");
    assert!(part.named);
    assert_eq!(part.relation, PartRelation::TooMany);
    assert_eq!(part.contribution, number(590_592));
}

#[test]
fn a_part_too_few_times_the_layer_count() {
    // One layer less: 109482240 - 7087872 = 102394368; the fix is L = 11.
    let report = parts_claiming("102394368");
    let claim = only(&report);
    let Some(Diagnosis::Part(part)) = claim.diagnoses.first() else {
        panic!("{:?}", claim.diagnoses)
    };
    assert_eq!(part.part, "layer");
    assert_eq!(part.relation, PartRelation::Multiple(number(-1)));
    assert!(fixes(&claim.diagnoses)
        .iter()
        .any(|f| f.target == FixTarget::Definition { name: "L".into() } && f.needed == number(11)));
}

#[test]
fn a_part_the_formula_leaves_out() {
    // The article's count leaves out the pooler: 109482240 - 590592 - 1536 = 108890112. A claim
    // of the article's formula plus the pooler, 108890112 + 590592 = 109480704, names it.
    let text = "H = 768\n\
                pooler = H*H + H\n\
                article = (30522+512+2)*H + 12*(4*H*H + 4*H + 2*H + H*3072 + 3072 + 3072*H + H + 2*H) = 109480704\n";
    let report = check_text("left-out.formula", text, &CheckOptions::default()).unwrap();
    let claim = only(&report);
    assert_eq!(claim.computed, value(108_890_112));
    assert!(claim.diagnoses.iter().any(|d| matches!(d,
        Diagnosis::Part(p) if p.part == "pooler" && p.relation == PartRelation::LeftOut)));
}

#[test]
fn inputs_share_one_scope_unless_scanned() {
    let inputs = [
        CheckInput::Text {
            name: "sizes.formula".into(),
            text: "H = 768\nL = 12\n".into(),
        },
        CheckInput::Expression("L*H = 9216".into()),
    ];
    let report = check(&inputs, &CheckOptions::default()).unwrap();
    assert_eq!(only(&report).status, Status::Holds);
    assert_eq!(only(&report).location.source, "-e");
}

// ---- bad input ------------------------------------------------------------------------------------

#[test]
fn bad_input_is_an_error_with_its_place() {
    let options = CheckOptions::default();
    let failure = check_text("bad.formula", "total = (1 + 2\n", &options).unwrap_err();
    assert!(
        matches!(failure.error, Error::Syntax { .. }),
        "{:?}",
        failure.error
    );
    assert_eq!(
        failure
            .sources
            .get(failure.error.span().unwrap().source)
            .name,
        "bad.formula"
    );
    assert!(matches!(
        check_expression("1 + = 3", &options).unwrap_err().error,
        Error::Syntax { .. }
    ));
    let missing = CheckOptions {
        config: Some("tests/fixtures/check/no-such-config.json".into()),
        ..CheckOptions::default()
    };
    assert!(matches!(
        check_expression("1 = 1", &missing).unwrap_err().error,
        Error::Io { .. }
    ));
    let bad_set = CheckOptions {
        sets: vec!["H".into()],
        ..CheckOptions::default()
    };
    assert!(matches!(
        check_expression("1 = 1", &bad_set).unwrap_err().error,
        Error::SetSyntax { .. }
    ));
    // In a scanned document, text that does not parse is simply not a formula.
    let scan = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    assert!(check_text("doc", "total = (1 + 2 = 3\n", &scan).is_ok());
}

#[test]
fn hostile_documents_do_not_panic() {
    let scan = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    let deep = format!("x = {}1{} = 1", "(".repeat(5000), ")".repeat(5000));
    let long_sum = format!("{}1 = 100000", "1+".repeat(99_999));
    let inputs = [
        deep.as_str(),
        long_sum.as_str(),
        "= = = 1 = =",
        "**** ** * = **",
        "<em></em><em>= 1</em>&times;&#;&;",
        "2^2^2^2^2^2 = 1",
        "1/0 = 5",
        "9999999999999999999999999999999 = 99999999999999999999999999999999*9",
        "\u{3000}＝（１＋２）＝３",
        "x ≈ 1e99999999999999999999 ≈ 1M",
        "1 = 2 = 3 = 4\r\n= 5\r\n",
    ];
    for text in inputs {
        let _ = check_text("doc", text, &scan).map(|r| r.render_text(true));
        let _ = check_expression(text, &CheckOptions::default()).map(|r| r.to_json());
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn any_text_scans_without_panicking(text in "[0-9a-z+*()=≈个， .\\n_<>&;MB-]{0,80}") {
            let scan = CheckOptions { scan: true, ..CheckOptions::default() };
            let report = check_text("doc", &text, &scan).unwrap();
            let _ = report.render_text(false);
            let _ = report.to_json();
        }

        #[test]
        fn pasted_markup_scans_without_panicking(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "\\frac{", "{", "}", "\\,", "{,}", "²", "¹²", "⁻", "\\times", "\\color{red}",
                    "\\text{", "$$", "`", "|", "\\|", "(", ")", "（", "）", "=", "≈", "约等于", ",",
                    " , ", "\u{2009}", "万", "亿", "M", "B", "MB", "KiB", " billion", "# =", "// =",
                    "&times;", "<em>", "**", "if ", " then ", " else ", "==", "!=", "\"x\"", "12",
                    "768", "4,096", "0", "3.5", "e9", "x", "d_{model}", "^{2}", "\\\\", "\n", " ",
                    "：", "hidden_size: 4096", "| d | 12 |", "params", "原文", "1.3万",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let scan = CheckOptions { scan: true, ..CheckOptions::default() };
            let report = check_text("doc", &text, &scan).unwrap();
            let _ = report.render_text(false);
            let _ = report.to_json();
            let _ = check_expression(&text, &CheckOptions::default()).map(|r| r.to_json());
        }

        #[test]
        fn a_true_sum_of_products_holds(terms in proptest::collection::vec((1i64..5000, 1i64..5000), 1..6)) {
            // A second route: the sum computed here with i64.
            let total: i64 = terms.iter().map(|(a, b)| a * b).sum();
            let formula: Vec<String> = terms.iter().map(|(a, b)| format!("{a}*{b}")).collect();
            let text = format!("{} = {total}", formula.join("+"));
            let right = expression(&text);
            prop_assert_eq!(&only(&right).status, &Status::Holds);
            // Off by one, and not a round number (`= 3196000` reads as rounded to thousands).
            let off = if (total + 1) % 1000 == 0 { total + 2 } else { total + 1 };
            let wrong = expression(&format!("{} = {}", formula.join("+"), off));
            prop_assert_eq!(&only(&wrong).status, &Status::False);
        }
    }
}

/// The corpus of `fixtures/check/real/`: every claim the checker reports, in order, has the line
/// and verdict labelled by hand beside the document (`NAME.labels`, the hand computations in its
/// comments), and no claim that holds is called FALSE.
#[test]
fn every_labelled_verdict_of_the_real_corpus() {
    let options = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    let mut documents = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir("tests/fixtures/check/real")
        .expect("the corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "labels"))
        .collect();
    entries.sort();
    for labels_path in entries {
        let document_path = labels_path.with_extension("");
        let name = document_path.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&document_path).expect("the document");
        let labels = std::fs::read_to_string(&labels_path).expect("the labels");
        let expected: Vec<(usize, String)> = labels
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut words = l.split_whitespace();
                let line = words.next().and_then(|w| w.parse().ok()).expect("a line");
                (line, words.next().expect("a verdict").to_string())
            })
            .collect();
        let report = check_text(&name, &text, &options).expect("a document always reads");
        let found: Vec<(usize, String)> = report
            .claims
            .iter()
            .map(|c| {
                let verdict = match c.status {
                    Status::Holds => "holds",
                    Status::False => "false",
                    Status::ApproximatelyHolds { .. } => "approximately-holds",
                    Status::NotEvaluated { .. } => "not-evaluated",
                };
                (c.location.line, verdict.to_string())
            })
            .collect();
        if found != expected {
            failures.push(format!(
                "{name}: expected {expected:?}\nfound {found:?}\n{}",
                report.render_text(false)
            ));
        }
        documents += 1;
    }
    assert!(documents >= 10, "{documents} documents");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn scan_text(text: &str) -> Report {
    let options = CheckOptions {
        scan: true,
        ..CheckOptions::default()
    };
    check_text("doc", text, &options).expect("a document always reads")
}

fn verdicts(report: &Report) -> Vec<&'static str> {
    report
        .claims
        .iter()
        .map(|c| match c.status {
            Status::Holds => "holds",
            Status::False => "false",
            Status::ApproximatelyHolds { .. } => "approximately",
            Status::NotEvaluated { .. } => "not-evaluated",
        })
        .collect()
}

/// Claims as real posts write them (pasted TeX, units, fused numbers, tables), each with the
/// verdict a careful reader gives.
#[test]
fn claims_as_real_posts_write_them() {
    // 32,000 * 4,096 = 131,072,000 (32 * 4096 = 131,072, times 1000).
    assert_eq!(
        verdicts(&scan_text("32,000 * 4,096 = 131,072,000")),
        ["holds"]
    );
    // 50,000 * 4096 = 204,800,000: `204M` is that cut after the last digit written.
    let report = scan_text("Embedding: 50,000 × 4096 = 204M");
    assert_eq!(verdicts(&report), ["approximately"]);
    assert_eq!(only(&report).computed, value(204_800_000));
    assert!(only(&report)
        .approximation
        .as_ref()
        .is_some_and(|a| a.truncated));
    // A KaTeX paste: the spaced copy, the TeX source with a colour macro, the rendered text.
    // (768*768/12*3)*12 + 12*768/12*768 = 1,769,472 + 589,824 = 2,359,296.
    let katex = "总参数量 ( 768 × 768 / 12 × 3 ) × 12 + 12 × 768 / 12 × 768 = 2 , 359 , 296 (768 \\times 768/12 \\times 3)\\times {\\color{red}12} + 12 \\times 768/12 \\times 768 = 2,359,296 (768×768/12×3)×12+12×768/12×768=2,359,296";
    assert_eq!(verdicts(&scan_text(katex)), ["holds", "holds", "holds"]);
    // 4*4096^2 + 2*4096*16384 = 67,108,864 + 134,217,728 = 201,326,592: ≈ 67M + 134M ≈ 201M.
    let report = scan_text("4×4096² + 2×4096×16384 = 67M + 134M ≈ 201M");
    assert_eq!(verdicts(&report), ["approximately", "approximately"]);
    assert_eq!(report.claims[0].computed, value(201_326_592));
    // 32 * 201,000,000 = 6,432,000,000 = 6432M.
    assert_eq!(verdicts(&scan_text("32 × 201M = 6432M")), ["approximately"]);
    assert_eq!(verdicts(&scan_text("4096² = 16,777,216")), ["holds"]);
    // 768*768+768 = 590,592.
    assert_eq!(verdicts(&scan_text("(768*768+768 = 590592)")), ["holds"]);
    assert_eq!(verdicts(&scan_text("(768*768+768 = 590593)")), ["false"]);
    // 768*3072 + 3072 = 2,362,368, not 2,360,064: a real error, read through the prose aside.
    let report = scan_text("768*3072(原文中4H长度) + 3072=2360064");
    assert_eq!(verdicts(&report), ["false"]);
    assert_eq!(only(&report).computed, value(2_362_368));
    // LLaMA-65B: 65,285,660,672 truncated to 65.2B, as the paper does.
    let report = scan_text("LLaMA-65B: 65,285,660,672 ≈ 65.2B");
    assert_eq!(verdicts(&report), ["approximately"]);
    assert!(only(&report)
        .approximation
        .as_ref()
        .is_some_and(|a| a.truncated));
    // A memory size is not a parameter count: said, not judged.
    let report = scan_text("12 * (768 * 3072 * 2) = 54MB");
    assert_eq!(verdicts(&report), ["not-evaluated"]);
    assert!(
        matches!(&only(&report).status, Status::NotEvaluated { reason, .. } if reason.contains("memory size")),
        "{}",
        report.render_text(false)
    );
}

#[test]
fn numbers_as_people_write_them() {
    // 1,024 * 1,024 = 1,048,576 written with TeX thin spaces and braces.
    assert_eq!(
        verdicts(&scan_text("$1\\,024 \\times 1{,}024 = 1\\,048\\,576$")),
        ["holds"]
    );
    // \frac{12 * 4096^2}{2} = 201,326,592 / 2 = 100,663,296.
    assert_eq!(
        verdicts(&scan_text(
            "$$\\frac{12 \\cdot 4096^{2}}{2} = 100{,}663{,}296$$"
        )),
        ["holds"]
    );
    // 13,000 + 20,000 = 33,000 = 3.3万; 1.74e11 rounds 173,946,175,488.
    assert_eq!(
        verdicts(&scan_text("1.3万 + 2万 = 3.3万")),
        ["approximately"]
    );
    assert_eq!(
        verdicts(&scan_text(
            "12 × 96 × 12288² = 173,946,175,488 ≈ 1.74 \\times 10^{11}"
        )),
        ["holds", "approximately"]
    );
    // A list is not a grouped number: no claim.
    assert!(scan_text("sizes 512,768,1024 = three").claims.is_empty());
    // Unit-less terms in a sum of millions: 67 + 8.4 + 235 = 310.4, each rounded, ≈ 311M.
    assert_eq!(
        verdicts(&scan_text("67 + 8.4 + 235 = 311M")),
        ["approximately"]
    );
    // Shares: 131,072,000 / 6,738,415,616 = 0.01945... ≈ 1.9%; 1/4 is 25%, not 30%.
    assert_eq!(
        verdicts(&scan_text(
            "131072000 / 6738415616 ≈ 1.9%\n1/4 = 25%\n1/4 = 30%"
        )),
        ["approximately", "approximately", "false"]
    );
    // A rounded ratio in the formula: 11008/4096 = 2.6875, written 2.68; 4096*2.68 = 10,977.28.
    assert_eq!(verdicts(&scan_text("4096*2.68≈11008")), ["approximately"]);
    // An exact claim gives a decimal no such room: 0.5*768 = 384.
    assert_eq!(verdicts(&scan_text("0.5*768 = 385")), ["false"]);
    // A scientific claim is rounded by nature: 12*96*12288^2 = 1.739...e11.
    assert_eq!(
        verdicts(&scan_text("12 * 96 * 12288^2 = 1.7 × 10^11")),
        ["approximately"]
    );
}

#[test]
fn layouts_and_asides_of_real_pages() {
    // A sum laid out over lines in a code block: 23,835,648 + 12*7,087,872 + 590,592 + 1,536
    // = 23,835,648 + 85,054,464 + 592,128 = 109,482,240 (bert-base-uncased with its pooler).
    let sum = "```\ntotal = 23,835,648\n      + 12 × 7,087,872\n      + 590,592 + 1,536\n      = 109,482,240\n```\n";
    assert_eq!(verdicts(&scan_text(sum)), ["holds"]);
    // Labels in brackets and count words are prose: 768*768*4 = 2,359,296; 12*7,087,872 = 85,054,464.
    assert_eq!(
        verdicts(&scan_text("768 × 768 × 4 (Q, K, V, O) = 2,359,296\n12 layers × 7,087,872 = 85,054,464\n12层 × 7,087,872 = 85,054,464")),
        ["holds", "holds", "holds"]
    );
    // A call's arguments are not a list of labels: max(768, 1024) * 2 = 2048.
    assert_eq!(verdicts(&scan_text("max(768, 1024) * 2 = 2048")), ["holds"]);
    // A `+` bullet is not a continuation.
    assert!(scan_text("3 * 4 = 12\n+ item one\n").claims.len() == 1);
}

#[test]
fn a_name_bound_twice_holds_until_bound_again() {
    // 12*12*768^2 = 84,934,656 (GPT-2 small's blocks); 12*96*12288^2 = 173,946,175,488 (GPT-3's).
    let report = scan_text(
        "d = 768, L = 12\n12*L*d^2 = 84,934,656\nd = 12288, L = 96\n12*L*d^2 = 173,946,175,488\n",
    );
    assert_eq!(verdicts(&report), ["holds", "holds"]);
}

#[test]
fn a_factor_left_out_and_swapped_values_are_named() {
    // 2,362,368 + 4,722,432 = 7,084,800; the claim 85,017,600 is 12 times that.
    let report = scan_text("L = 12\nall layers: 2,362,368 + 4,722,432 = 85,017,600");
    let factor = only(&report)
        .diagnoses
        .iter()
        .find_map(|d| match d {
            Diagnosis::Factor { factor, names, .. } => Some((factor.clone(), names.clone())),
            _ => None,
        })
        .expect("a factor diagnosis");
    assert_eq!(factor, (number(12), vec!["L".to_string()]));
    // 4*768*768 = 2,359,296 and 2*768*3072 = 4,718,592, written the other way round.
    let report = scan_text("attention 4*768*768 = 4,718,592\nmlp 2*768*3072 = 2,359,296");
    assert_eq!(verdicts(&report), ["false", "false"]);
    for claim in &report.claims {
        assert!(
            matches!(claim.diagnoses.first(), Some(Diagnosis::Swapped { .. })),
            "{}",
            report.render_text(false)
        );
    }
    // A gated MLP counted with two matrices: 2*4096*11008 = 90,177,536, the claim is 3*4096*11008.
    let report = scan_text("MLP 2 * 4096 * 11008 = 135,266,304");
    assert!(
        report.render_text(false).contains("a gated MLP"),
        "{}",
        report.render_text(false)
    );
}

#[test]
fn edges_of_rounding_and_markup() {
    // 5*1.0: the decimal 1.0 stands for up to 1.1, so the formula reaches 5.5, the lowest value
    // that rounds to 6; it does not reach 6.5, the lowest that rounds to 7.
    assert_eq!(verdicts(&scan_text("5*1.0 ≈ 6")), ["approximately"]);
    assert_eq!(verdicts(&scan_text("5*1.0 ≈ 7")), ["false"]);
    // A round number as the last link is a rounding: 23,835,648 + 85,054,464 + 592,128 =
    // 109,482,240, within 5,000,000 of 110,000,000.
    assert_eq!(
        verdicts(&scan_text(
            "23,835,648 + 12 × 7,087,872 + 592,128 = 110,000,000"
        )),
        ["approximately"]
    );
    // Units are words in any case: 4*4096^2 + 2*4096*16384 = 201,326,592 ≈ 201.3 million.
    assert_eq!(
        verdicts(&scan_text("4×4096² + 2×4096×16384 ≈ 201.3 Million")),
        ["approximately"]
    );
    // HTML entities for `+` and `=`, named and numbered.
    assert_eq!(
        verdicts(&scan_text(
            "768 &plus; 256 &equals; 1024\n768 &#43; 256 &#61; 1024"
        )),
        ["holds", "holds"]
    );
    // A table row whose first cell is the formula: 4*768*768 = 2,359,296.
    assert_eq!(
        verdicts(&scan_text("| 4*768*768 | 2,359,296 |\n")),
        ["holds"]
    );
}

#[test]
fn a_name_bound_three_times_holds_each_time_until_bound_again() {
    assert_eq!(
        verdicts(&scan_text(
            "d = 768\n4*d = 3072\nd = 1024\n4*d = 4096\nd = 2048\n4*d = 8192\n"
        )),
        ["holds", "holds", "holds"]
    );
}

#[test]
fn a_quote_left_open_does_not_swallow_the_rest_of_its_line() {
    // 3*4 = 12 after an opening quote that never closes on the line.
    assert_eq!(
        verdicts(&scan_text("He wrote \"3*4 = 12 and moved on\n")),
        ["holds"]
    );
}
