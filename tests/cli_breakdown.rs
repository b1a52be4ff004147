//! `paramcount breakdown` as a user runs it.
//!
//! The expected counts come from transformers (`tests/fixtures/models/counts.json`, measured by
//! `measure.py`: totals and per-module counts) or from hand computations written beside them.

mod common;

use common::{assert_golden, fixture, run};

const LLAMA_3_8B: &str = "models/configs/Meta-Llama-3-8B.json";
const GPT2: &str = "reference/configs/gpt2.json";

/// The csv's rows as (part, path, params).
fn csv_rows(csv: &str) -> Vec<(String, String, u128)> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("part,path,params,each,repeats,share_percent,explanation")
    );
    lines
        .map(|line| {
            let fields: Vec<&str> = line.splitn(4, ',').collect();
            let params = fields[2]
                .parse::<i128>()
                .unwrap_or_else(|_| panic!("plain digits in {line}"));
            (fields[0].to_string(), fields[1].to_string(), params as u128)
        })
        .collect()
}

#[test]
fn llama_3_8b_csv_rows_sum_to_the_transformers_total() {
    let (code, out, err) = run(&[
        "breakdown",
        "--config",
        &fixture(LLAMA_3_8B),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let rows = csv_rows(&out);
    // LlamaForCausalLM for Meta-Llama-3-8B, measured with transformers: 8,030,261,248.
    let sum: u128 = rows.iter().map(|r| r.2).sum();
    assert_eq!(sum, 8_030_261_248);
    // The leaves, nested as llama.formula nests them; counts from transformers' by_module:
    // embed_tokens 525,336,576 and norm 4,096.
    let paths: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        paths,
        [
            "total/base_model/token_embeddings",
            "total/base_model/layer/attention/q_proj",
            "total/base_model/layer/attention/kv_proj",
            "total/base_model/layer/attention/o_proj",
            "total/base_model/layer/feed_forward",
            "total/base_model/layer/norms",
            "total/base_model/final_norm",
            "total/lm_head",
        ]
    );
    assert_eq!(rows[0].2, 525_336_576);
    assert_eq!(rows[6].2, 4_096);
    // The untied LM head is a second V*H matrix: 128,256 * 4,096.
    assert_eq!(rows[7].2, 128_256 * 4_096);
}

#[test]
fn llama_3_8b_layer_is_32_times_the_measured_layer() {
    let (code, out, err) = run(&[
        "breakdown",
        "--config",
        &fixture(LLAMA_3_8B),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let document: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(document["total"], "8030261248");
    assert_eq!(document["sums_exactly"], true);
    let base = &document["tree"]["parts"][0];
    assert_eq!(base["name"], "base_model");
    // transformers' LlamaModel: 7,504,924,672; its layers 6,979,584,000; layers.0 218,112,000.
    assert_eq!(base["params"], "7504924672");
    let layer = &base["parts"][1];
    assert_eq!(layer["name"], "layer");
    assert_eq!(layer["params"], "6979584000");
    assert_eq!(layer["each"], "218112000");
    assert_eq!(layer["repeats"], "32");
    assert_eq!(layer["repeated_by"], serde_json::json!(["L"]));
}

#[test]
fn the_table_is_aligned_and_says_the_parts_sum_to_the_total() {
    let (code, out, err) = run(&["breakdown", "--config", &fixture(LLAMA_3_8B)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("the 8 leaf parts sum exactly to the total, 8,030,261,248\n"),
        "{out}"
    );
    let layer = out
        .lines()
        .find(|l| l.contains("layer ") && l.contains("218,112,000"))
        .unwrap_or_else(|| panic!("a layer row with its per-layer count in\n{out}"));
    assert!(
        layer.contains("6,979,584,000") && layer.contains("× 32 (L)"),
        "{layer}"
    );
    // Every row's params column ends at the same place.
    let header = out.lines().next().expect("a header");
    let end = header.find("params").expect("params column") + "params".len();
    for line in out.lines().skip(1).take_while(|l| !l.is_empty()) {
        // The header is ASCII, so its byte offset is a character count; the tree lines are not.
        let prefix: String = line.chars().take(end).collect();
        assert!(
            prefix.ends_with(|c: char| c.is_ascii_digit()),
            "misaligned: {line}"
        );
    }
}

/// What a reader of the picture sees: the elements it is made of, and the texts.
fn svg_structure(svg: &str) -> (String, usize, Vec<String>) {
    let document = roxmltree::Document::parse(svg).expect("the svg is well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let mut counts = std::collections::BTreeMap::new();
    for node in document.descendants().filter(|n| n.is_element()) {
        *counts
            .entry(node.tag_name().name().to_string())
            .or_insert(0) += 1;
    }
    // The bars are the filled rectangles in the bar colour (the background is white).
    let bars = document
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#466EB4"))
        .count();
    let texts: Vec<String> = document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect();
    let summary = counts
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    (summary, bars, texts)
}

#[test]
fn llama_3_8b_svg_has_a_labelled_bar_per_part() {
    let (code, svg, err) = run(&[
        "breakdown",
        "--config",
        &fixture(LLAMA_3_8B),
        "--format",
        "svg",
    ]);
    assert_eq!(code, 0, "{err}");
    let (summary, bars, texts) = svg_structure(&svg);
    let (_, csv, _) = run(&[
        "breakdown",
        "--config",
        &fixture(LLAMA_3_8B),
        "--format",
        "csv",
    ]);
    let leaves = csv_rows(&csv);
    assert_eq!(bars, leaves.len(), "one bar per leaf part");
    for (part, _, _) in &leaves {
        assert!(texts.contains(part), "no label `{part}` among {texts:?}");
    }
    // Each bar's note: its short count and share. The SwiGLU feed-forward of 32 layers is
    // 32 * 3 * 4,096 * 14,336 = 5,637,144,576, 70.2% of 8,030,261,248.
    assert!(texts.iter().any(|t| t == "5.64B (70.2%)"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t == "total: 8,030,261,248 parameters"),
        "{texts:?}"
    );
    assert_golden(
        "breakdown-llama-3-8b.svg-structure.txt",
        &format!("{summary}\nbars: {bars}\ntexts:\n{}\n", texts.join("\n")),
    );
}

#[test]
fn every_format_on_gpt2() {
    for (format, extension) in [
        ("table", "txt"),
        ("csv", "csv"),
        ("json", "json"),
        ("markdown", "md"),
        ("svg", "svg"),
    ] {
        let (code, out, err) = run(&["breakdown", "--config", &fixture(GPT2), "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        assert_golden(&format!("breakdown-gpt2.{extension}"), &out);
    }
}

#[test]
fn gpt2_parts_agree_with_a_hand_count() {
    // GPT-2 small, tied head: V*H + P*H + L*(12*H^2 + 13*H) + 2*H with V=50257, P=1024, H=768,
    // L=12: wte 38,597,376; wpe 786,432; one block 12*589,824 + 9,984 = 7,087,872; ln_f 1,536.
    let (code, out, err) = run(&["breakdown", "--config", &fixture(GPT2), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let rows = csv_rows(&out);
    let count = |name: &str| rows.iter().find(|r| r.0 == name).map(|r| r.2);
    assert_eq!(count("token_embeddings"), Some(38_597_376));
    assert_eq!(count("position_embeddings"), Some(786_432));
    assert_eq!(count("final_norm"), Some(1_536));
    let block: u128 = rows
        .iter()
        .filter(|r| r.1.contains("/layer/"))
        .map(|r| r.2)
        .sum();
    assert_eq!(block, 12 * 7_087_872);
    assert_eq!(rows.iter().map(|r| r.2).sum::<u128>(), 124_439_808);
}

#[test]
fn depth_folds_the_nesting_and_the_sum_still_holds() {
    let (code, out, err) = run(&[
        "breakdown",
        "--config",
        &fixture(LLAMA_3_8B),
        "--depth",
        "1",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let rows = csv_rows(&out);
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["base_model", "lm_head"]);
    // LlamaModel 7,504,924,672 plus the LM head 525,336,576.
    assert_eq!(rows[0].2, 7_504_924_672);
    assert_eq!(rows.iter().map(|r| r.2).sum::<u128>(), 8_030_261_248);
}

#[test]
fn terms_outside_named_parts_are_an_other_row() {
    let (code, out, err) = run(&[
        "breakdown",
        "-e",
        "3*block + 10",
        "--set",
        "block=0",
        "--format",
        "csv",
    ]);
    // `block` given by --set is not a part of a formula: the whole expression is one leaf.
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv_rows(&out).iter().map(|r| r.2).sum::<u128>(), 10);
    let dir = std::env::temp_dir().join(format!("paramcount-breakdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("parts.formula");
    std::fs::write(&file, "H = 10\nblock = H*H\ntotal = 3*block + 2*H + 7\n").expect("written");
    let (code, out, err) = run(&[
        "breakdown",
        file.to_str().expect("utf-8"),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    // block = 100, counted 3 times; the rest 2*10 + 7 = 27.
    let rows = csv_rows(&out);
    assert_eq!(
        rows,
        [
            ("block".to_string(), "total/block".to_string(), 300),
            ("(other)".to_string(), "total/(other)".to_string(), 27),
        ]
    );
    let (_, table, _) = run(&[
        "breakdown",
        file.to_str().expect("utf-8"),
        "--numbers",
        "short",
    ]);
    assert!(table.contains("└─ (other)"), "{table}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn short_numbers_in_the_table() {
    let (code, out, err) = run(&[
        "breakdown",
        "--config",
        &fixture(LLAMA_3_8B),
        "--numbers",
        "short",
    ]);
    assert_eq!(code, 0, "{err}");
    // 8,030,261,248 -> 8.03B; the layer, 218,112,000 each -> 218.1M.
    assert!(
        out.lines().nth(1).is_some_and(|l| l.contains("8.03B")),
        "{out}"
    );
    assert!(out.contains("218.1M"), "{out}");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let (code, _, err) = run(&["breakdown", "no-such-model"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-model"), "{err}");
    let (code, _, err) = run(&["breakdown", "-e", "1 < 2"]);
    assert_eq!(code, 2);
    assert!(err.contains("needs a number"), "{err}");
    let (code, _, err) = run(&["breakdown", "--config", &fixture(GPT2), "--format", "pdf"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
}
