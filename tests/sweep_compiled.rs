//! Compiled sweeps against the evaluator: every row a sweep prints (machine integers where they
//! hold, the evaluator where they do not) equals what `eval` gives at that point with `--set`, on
//! random formulas and grids that include points past 64 and 128 bits, divisions that are not
//! exact, zero divisors and fractional powers. The second route is `Program::load` + `evaluate`
//! per point, which shares no code with the compiled tape.

use paramcount::eval::Value;
use paramcount::program::{FormulaSource, Program, Request};
use paramcount::sweep::{self, Axis, Row};
use proptest::prelude::*;

/// What `eval` gives at one point: the value, or that there is none.
fn evaluated(formula: &str, sets: &[(String, String)]) -> Option<String> {
    let mut request = Request {
        formula: Some(FormulaSource::Text {
            name: "f".into(),
            text: formula.to_string(),
        }),
        ..Request::default()
    };
    request.sets = sets.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let program = Program::load(&request).ok()?;
    paramcount::evaluate(&program)
        .ok()
        .map(|e| e.value.to_string())
}

/// Every row of the sweep as text, and whether it ended in an error.
fn swept(formula: &str, axes: &[Axis], filter: Option<&str>) -> (Vec<Vec<String>>, bool) {
    let mut request = Request {
        formula: Some(FormulaSource::Text {
            name: "f".into(),
            text: formula.to_string(),
        }),
        ..Request::default()
    };
    request.sets = axes.iter().map(Axis::first_as_set).collect();
    let Ok(mut program) = Program::load(&request) else {
        return (Vec::new(), true);
    };
    let filter = filter.map(|f| program.add_expression("--where", f).expect("parses"));
    let mut rows = Vec::new();
    let result = sweep::run(&program, axes, &[], filter, |row| {
        let values: Vec<String> = match row {
            Row::Machine(..) | Row::Exact(_) => row.values().iter().map(Value::to_string).collect(),
        };
        rows.push(values);
        true
    });
    (rows, result.is_err())
}

fn axis(text: &str) -> Axis {
    sweep::parse_set(text).expect("parses").expect("an axis")
}

/// The grid's points in sweep order (first axis outermost).
fn points(axes: &[Axis]) -> Vec<Vec<(String, String)>> {
    let mut out = vec![Vec::new()];
    for a in axes {
        let mut next = Vec::new();
        for prefix in &out {
            for i in 0..a.len() {
                let mut p = prefix.clone();
                p.push((a.name.clone(), a.value(i).to_string()));
                next.push(p);
            }
        }
        out = next;
    }
    out
}

/// Checks the sweep against `eval` at every point, up to the first point without a value (where
/// the sweep must stop with an error).
fn agree(formula: &str, axes: &[Axis]) {
    let (rows, failed) = swept(formula, axes, None);
    let mut expected = Vec::new();
    let mut error = false;
    for point in points(axes) {
        match evaluated(formula, &point) {
            Some(value) => {
                let mut row: Vec<String> = point.iter().map(|(_, v)| v.clone()).collect();
                row.push(value);
                expected.push(row);
            }
            None => {
                error = true;
                break;
            }
        }
    }
    assert_eq!(rows, expected, "{formula}");
    assert_eq!(
        failed, error,
        "{formula}: the sweep and eval disagree on an error"
    );
}

#[test]
fn llama_shaped_formulas_agree_at_every_point() {
    let formula = "V = 128256\nA = 32\nK = 8\nI = 14336\nD = floor(H / A)\n\
        layer = H*A*D + 2*H*K*D + A*D*H + 3*H*I + 2*H\n\
        total = V*H + L*layer + H + (if tied then 0 else V*H)";
    agree(
        &format!("H = 4096\nL = 32\ntied = false\n{formula}"),
        &[axis("L=1..5"), axis("H=1..40:3"), axis("tied=true,false")],
    );
}

#[test]
fn values_past_machine_integers_take_the_exact_route() {
    // 2^126 fits, 2^127 does not; x^3 of 2^60 needs 180 bits; a huge list value needs no machine.
    agree(
        "x = 1\ny = 1\ntotal = x^3 + 2^126 * y",
        &[axis("x=1,1152921504606846976,3"), axis("y=0,1,2")],
    );
    agree(
        "x = 1\ntotal = x * 2 - 1",
        &[axis("x=1,340282366920938463463374607431768211455,5")],
    );
}

#[test]
fn inexact_division_zero_divisors_and_fractional_powers_agree() {
    agree(
        "a = 1\nb = 1\ntotal = a / b",
        &[axis("a=-3..3"), axis("b=1..4")],
    );
    agree(
        "a = 1\nb = 1\ntotal = a % b + floor(a / b) + ceil(a / b)",
        &[axis("a=-7..7"), axis("b=1..3")],
    );
    // A zero divisor in the untaken branch is no error; in the taken one it stops the sweep.
    agree(
        "a = 1\nb = 1\ntotal = if b == 0 then 0 else a / b",
        &[axis("a=1..3"), axis("b=0..2")],
    );
    agree(
        "a = 1\nb = 1\ntotal = a / b",
        &[axis("a=1..3"), axis("b=2,1,0")],
    );
    agree(
        "a = 1\nb = 1\ntotal = a ^ b",
        &[axis("a=-2..2"), axis("b=-2..3")],
    );
}

#[test]
fn a_where_condition_keeps_the_points_where_it_holds() {
    let formula = "H = 1\nA = 1\ntotal = H * A";
    let axes = [axis("H=1..12"), axis("A=1..4")];
    let (rows, failed) = swept(formula, &axes, Some("H % A == 0 and H > 6"));
    assert!(!failed);
    let mut expected = Vec::new();
    for h in 1..=12 {
        for a in 1..=4 {
            if h % a == 0 && h > 6 {
                expected.push(vec![h.to_string(), a.to_string(), (h * a).to_string()]);
            }
        }
    }
    assert_eq!(rows, expected);
}

/// Small arithmetic formulas over the axes `names`.
fn formula(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(names).prop_map(str::to_string),
        (-5i64..20).prop_map(|n| format!("({n})")),
        Just("4611686018427387904".to_string()),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} + {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} - {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} * {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} / {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x} % {y})")),
            (inner.clone(), 0u32..5).prop_map(|(x, n)| format!("({x} ^ {n})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("max({x}, {y})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("floor({x} / {y})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(c, x, y)| format!("(if {c} > 2 then {x} else {y})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn compiled_rows_equal_the_evaluator(f in formula(&["a", "b"])) {
        agree(
            &format!("a = 1\nb = 1\ntotal = {f}"),
            &[axis("a=-2..2"), axis("b=1,3,4611686018427387904")],
        );
    }

    /// Three axes: the compiled route keeps what reads only the first two while the last moves,
    /// and what reads only the last from one row to the next; a value that overflows in either
    /// must not be kept.
    #[test]
    fn compiled_rows_equal_the_evaluator_on_three_axes(f in formula(&["a", "b", "c"])) {
        agree(
            &format!("a = 1\nb = 1\nc = 1\ntotal = {f}"),
            &[axis("c=0,7"), axis("a=-2..2"), axis("b=1,3,4611686018427387904")],
        );
    }
}

/// The CSV route (chunks on threads, a point past machine integers finished exactly) writes the
/// rows `eval` gives, in grid order.
fn csv_agrees(formula: &str, axes: &[Axis]) {
    let mut request = Request {
        formula: Some(FormulaSource::Text {
            name: "f".into(),
            text: formula.to_string(),
        }),
        ..Request::default()
    };
    request.sets = axes.iter().map(Axis::first_as_set).collect();
    let program = Program::load(&request).expect("loads");
    let mut text = Vec::new();
    let compiled = sweep::run_csv(&program, axes, &[], None, 2, |bytes| {
        text.extend_from_slice(bytes)
    })
    .expect("every point has a value");
    assert!(compiled, "{formula} compiles");
    let mut expected = String::new();
    for point in points(axes) {
        let value = evaluated(formula, &point).expect("a value");
        let row: Vec<String> = point.into_iter().map(|(_, v)| v).collect();
        expected.push_str(&format!("{},{value}\n", row.join(",")));
    }
    assert_eq!(
        String::from_utf8(text).expect("utf-8"),
        expected,
        "{formula}"
    );
}

#[test]
fn csv_rows_from_threads_equal_the_evaluator() {
    csv_agrees(
        "x = 1\ny = 1\ntotal = x^3 + 2^126 * y",
        &[axis("x=1,1152921504606846976,3"), axis("y=0,1,2")],
    );
    csv_agrees(
        "L = 1\nH = 1\ntotal = 128256*H + L*(12*H*H + 13*H) + H",
        &[axis("L=1..200"), axis("H=1..300")],
    );
}
