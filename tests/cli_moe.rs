//! The mixture-of-experts and state-space families as a user runs them: totals and active
//! parameters from a config alone, and breakdowns that name routed experts, shared experts, routers,
//! latent attention projections and the SSM mixer's pieces.
//!
//! Expected values: the published totals and active counts (Mixtral-8x7B 46,702,792,704 and
//! 12,879,925,248; DeepSeek-V3 671,026,404,352 and 37,552,282,624), which transformers 5.24.0 also
//! gives (`tests/fixtures/models/counts-moe.json`), and hand computations written beside the others.

mod common;

use common::{fixture, run};

const MIXTRAL: &str = "models/configs/Mixtral-8x7B-v0.1.json";
const DEEPSEEK_V3: &str = "models/configs/DeepSeek-V3.json";
const DEEPSEEK_V2_LITE: &str = "models/configs/DeepSeek-V2-Lite.json";
const MAMBA: &str = "models/configs/mamba-130m-hf.json";

fn eval(config: &str, target: Option<&str>) -> String {
    let config = fixture(config);
    let mut args = vec!["eval", "--config", &config];
    if let Some(t) = target {
        args.extend(["--target", t]);
    }
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    out.trim().to_string()
}

/// The breakdown's csv leaves as (path, params) rows.
fn parts(config: &str, target: &str) -> Vec<(String, u128)> {
    let config = fixture(config);
    let (code, out, err) = run(&[
        "breakdown",
        "--config",
        &config,
        "--target",
        target,
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.splitn(4, ',').collect();
            (fields[1].to_string(), fields[2].parse().unwrap())
        })
        .collect()
}

/// A part's count: the leaves under it (or the leaf itself) added up.
fn part(rows: &[(String, u128)], name: &str) -> u128 {
    let under: Vec<u128> = rows
        .iter()
        .filter(|(path, _)| path.split('/').any(|p| p == name))
        .map(|(_, n)| *n)
        .collect();
    assert!(!under.is_empty(), "no part {name} in {rows:?}");
    under.iter().sum()
}

#[test]
fn the_configs_alone_give_the_totals_and_active_counts_the_issue_requires() {
    assert_eq!(eval(MIXTRAL, None), "46702792704");
    assert_eq!(eval(MIXTRAL, Some("active")), "12879925248");
    // transformers builds no multi-token-prediction layer: 61 decoder layers.
    assert_eq!(eval(DEEPSEEK_V3, None), "671026404352");
    assert_eq!(eval(DEEPSEEK_V3, Some("active")), "37552282624");
}

#[test]
fn the_total_and_active_breakdowns_differ_by_the_unrouted_experts() {
    // Mixtral-8x7B: an expert is 3*4096*14336 = 176,160,768 parameters; 32 layers of 8 experts
    // hold 45,097,156,608; a token passes through 2 per layer, 11,274,289,152.
    let total = parts(MIXTRAL, "total");
    assert_eq!(part(&total, "routed_experts"), 45_097_156_608);
    assert_eq!(part(&total, "router"), 32 * 8 * 4096);
    let active = parts(MIXTRAL, "active");
    assert_eq!(part(&active, "active_experts"), 11_274_289_152);
    // 46,702,792,704 - 12,879,925,248 = 32 * 6 * 176,160,768.
    assert_eq!(46_702_792_704u128 - 12_879_925_248, 32 * 6 * 176_160_768);
}

#[test]
fn deepseek_breakdowns_name_the_latent_attention_and_both_kinds_of_expert() {
    let rows = parts(DEEPSEEK_V3, "total");
    // 58 sparse layers (61 less first_k_dense_replace 3), 256 routed experts of 3*7168*2048.
    assert_eq!(part(&rows, "routed_experts"), 58 * 256 * 3 * 7168 * 2048);
    // One shared expert of the same width in each sparse layer.
    assert_eq!(part(&rows, "shared_experts"), 58 * 3 * 7168 * 2048);
    // q_lora_rank 1536: q_a_proj Linear(7168, 1536) in all 61 layers, no plain q_proj.
    assert_eq!(part(&rows, "q_a_proj"), 61 * 7168 * 1536);
    assert_eq!(part(&rows, "q_proj"), 0);
    // kv_b_proj Linear(512, 128 heads * (128 + 128)).
    assert_eq!(part(&rows, "kv_b_proj"), 61 * 512 * 128 * 256);
    // DeepSeek-V2-Lite's q_lora_rank is null: a plain q_proj Linear(2048, 16 * (128 + 64)).
    let lite = parts(DEEPSEEK_V2_LITE, "total");
    assert_eq!(part(&lite, "q_a_proj"), 0);
    assert_eq!(part(&lite, "q_proj"), 27 * 2048 * 16 * 192);
}

#[test]
fn a_mamba_breakdown_names_the_pieces_of_the_ssm_mixer() {
    // mamba-130m: hidden 768, intermediate 1536, state 16, dt rank 48, kernel 4, 24 layers.
    let rows = parts(MAMBA, "total");
    for (name, per_layer) in [
        ("in_proj", 768 * 2 * 1536),
        ("conv1d", 1536 * 4 + 1536),
        ("x_proj", 1536 * (48 + 2 * 16)),
        ("dt_proj", 48 * 1536 + 1536),
        ("A_log", 1536 * 16),
        ("D", 1536),
        ("out_proj", 1536 * 768),
    ] {
        assert_eq!(part(&rows, name), 24 * per_layer, "{name}");
    }
}

#[test]
fn deepseek_v2_active_needs_the_experts_per_token_its_class_leaves_unset() {
    let dir = std::env::temp_dir().join(format!("paramcount-moe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"model_type": "deepseek_v2"}"#).unwrap();
    let config = config.to_string_lossy().into_owned();
    let (code, _, _) = run(&["eval", "--config", &config]);
    assert_eq!(code, 0);
    let (code, _, err) = run(&["eval", "--config", &config, "--target", "active"]);
    assert_eq!(code, 2);
    assert!(err.contains("num_experts_per_tok"), "{err}");
}
