//! `paramcount sweep` as a user runs it.
//!
//! Expected totals are computed in the tests from GPT-2's closed form, itself checked first against
//! the count transformers gives (`tests/fixtures/reference/counts.json`).

mod common;

use common::{assert_golden, fixture, run};

const GPT2: &str = "reference/configs/gpt2.json";

/// GPT-2 with the LM head tied to the token embedding: V*H + P*H + L*(12*H^2 + 13*H) + 2*H
/// (per block: attention 4H^2 + 4H, MLP 8H^2 + 5H, two LayerNorms 4H; ln_f 2H).
fn gpt2(layers: u64, hidden: u64) -> u64 {
    let (v, p) = (50_257, 1_024);
    v * hidden + p * hidden + layers * (12 * hidden * hidden + 13 * hidden) + 2 * hidden
}

#[test]
fn the_closed_form_matches_transformers() {
    // GPT2LMHeadModel for the gpt2 config, measured with transformers: 124,439,808.
    assert_eq!(gpt2(12, 768), 124_439_808);
}

#[test]
fn gpt2_depths_as_csv() {
    let (code, out, err) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "n_layer=12,24,36,48",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(lines[0], "n_layer,total");
    for (line, layers) in lines[1..].iter().zip([12, 24, 36, 48]) {
        assert_eq!(*line, format!("{layers},{}", gpt2(layers, 768)));
    }
    assert_eq!(
        err, "",
        "no progress bar when standard error is not a terminal"
    );
}

#[test]
fn ranges_include_both_ends_and_several_names_give_every_combination() {
    let (code, out, err) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "n_layer=1..3",
        "--set",
        "n_embd=512..1024:256",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut expected = vec!["n_layer,n_embd,total".to_string()];
    for layers in 1..=3 {
        for hidden in [512, 768, 1024] {
            expected.push(format!("{layers},{hidden},{}", gpt2(layers, hidden)));
        }
    }
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn parts_are_printed_beside_the_total() {
    let (code, out, err) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "n_embd=768,1024",
        "--parts",
        "layer,lm_head",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let document: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(document["target"], "total");
    let points = document["points"].as_array().expect("points");
    assert_eq!(points.len(), 2);
    // One block is 12*H^2 + 13*H; the tied LM head adds nothing.
    for (point, hidden) in points.iter().zip([768u64, 1024]) {
        assert_eq!(point["n_embd"], hidden.to_string());
        assert_eq!(point["total"], gpt2(12, hidden).to_string());
        assert_eq!(
            point["layer"],
            (12 * hidden * hidden + 13 * hidden).to_string()
        );
        assert_eq!(point["lm_head"], "0");
    }
}

#[test]
fn booleans_and_ordinary_bindings_mix() {
    let (code, out, err) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "tie_word_embeddings=true,false",
        "--set",
        "n_layer=24",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    // Untied, the LM head is a second V*H matrix.
    assert_eq!(
        out,
        format!(
            "tie_word_embeddings,total\ntrue,{}\nfalse,{}\n",
            gpt2(24, 768),
            gpt2(24, 768) + 50_257 * 768
        )
    );
}

#[test]
fn the_table_golden() {
    let (code, out, err) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "n_layer=12,24,36,48",
        "--set",
        "n_embd=768,1024,1280,1600",
        "--parts",
        "layer",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_golden("sweep-gpt2.txt", &out);
    // Every row, against the closed form: the total and one layer (12H^2 + 13H).
    let rows: Vec<Vec<u64>> = out
        .lines()
        .skip(1)
        .map(|l| {
            l.split_whitespace()
                .map(|c| c.replace(',', "").parse().expect("a count"))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 16, "{out}");
    for row in &rows {
        let (layers, hidden) = (row[0], row[1]);
        assert_eq!(row[2], gpt2(layers, hidden), "total at {layers}, {hidden}");
        assert_eq!(
            row[3],
            12 * hidden * hidden + 13 * hidden,
            "layer at {hidden}"
        );
    }
    // GPT-2 XL (48 layers, 1600 wide): 1,557,611,200 with the tied head (transformers' count).
    assert!(out.contains("1,557,611,200"), "{out}");
    assert_eq!(gpt2(48, 1600), 1_557_611_200);
    let (_, short, _) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "n_layer=12,48",
        "--numbers",
        "short",
    ]);
    assert_eq!(short, "n_layer   total\n     12  124.4M\n     48  379.6M\n");
}

#[test]
fn ten_thousand_points() {
    let (code, out, err) = run(&[
        "sweep",
        "--config",
        &fixture(GPT2),
        "--set",
        "n_layer=1..100",
        "--set",
        "n_embd=64..6400:64",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 10_001);
    assert_eq!(
        out.lines().last(),
        Some(format!("100,6400,{}", gpt2(100, 6400)).as_str())
    );
}

#[test]
fn bad_sweeps_exit_2_and_say_what_to_do() {
    let config = fixture(GPT2);
    let cases: [(&[&str], &str); 7] = [
        (&["--set", "n_layer=1..48:0"], "it must be at least 1"),
        (&["--set", "n_layer=48..1"], "ranges count up"),
        (&["--set", "n_layer=1..x"], "is not an integer"),
        (&["--set", "n_layer=12,twelve"], "is not a number"),
        (
            &[
                "--set",
                "n_layer=1..1000",
                "--set",
                "n_embd=1..1000",
                "--max-points",
                "1000",
            ],
            "more than the limit of 1000",
        ),
        (
            &["--set", "n_layer=1,2", "--parts", "layr"],
            "did you mean `layer`?",
        ),
        (&["--set", "n_layer=12"], "nothing to sweep"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["sweep", "--config", config.as_str()];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{extra:?}: {out}{err}");
        assert!(err.contains(message), "{extra:?}: {err}");
    }
}

#[test]
fn a_point_without_a_value_is_named() {
    let (code, out, err) = run(&[
        "sweep", "-e", "12/(L-2)", "--set", "L=1..3", "--format", "csv",
    ]);
    assert_eq!(code, 2);
    // The points before the failing one are printed.
    assert_eq!(out, "L,value\n1,-12\n");
    assert!(
        err.contains("no value at L=2") && err.contains("division by zero"),
        "{err}"
    );
}
