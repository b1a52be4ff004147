//! The built-in model families against exact counts measured with Hugging Face transformers.
//!
//! `tests/fixtures/models/counts.json` holds, for every config in `tests/fixtures/models/`, the
//! counts transformers 5.24.0 gives when it builds the model on the meta device, and the value each
//! target of the family's formula must therefore give (see that folder's README for how each was
//! measured). `tests/fixtures/reference/` is the project's shared reference, copied unchanged.

use std::path::{Path, PathBuf};

use paramcount::program::{FormulaSource, Program, Request};
use paramcount::{evaluate, Error};
use serde_json::Value as Json;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn count(
    formula: Option<&str>,
    config: &Path,
    target: Option<&str>,
    sets: Vec<String>,
) -> Result<String, Error> {
    let request = Request {
        formula: formula.map(|f| FormulaSource::Named(f.to_string())),
        config: Some(config.to_string_lossy().into_owned()),
        target: target.map(str::to_string),
        sets,
        ..Request::default()
    };
    let program = Program::load(&request)?;
    Ok(evaluate(&program)?.value.to_string())
}

/// Every measured model of `counts.json` and of the `counts-*.json` files beside it (one file per
/// group of families, so that groups measured separately never edit one file).
fn measured_models(folder: &Path) -> Vec<(String, Json)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("counts") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    let mut models = Vec::new();
    for file in files {
        let counts: Json = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for (model, entry) in counts["models"].as_object().unwrap() {
            models.push((model.clone(), entry.clone()));
        }
    }
    models
}

#[test]
fn every_family_reproduces_transformers_on_every_config() {
    let folder = fixtures().join("models");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (model, entry) in measured_models(&folder) {
        let entry = &entry;
        let config = folder.join(entry["config"].as_str().unwrap());
        // "formulas/llama.formula" names the built-in `llama`.
        let family = Path::new(entry["formula"].as_str().unwrap())
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let sets: Vec<String> = entry
            .get("set")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| format!("{k}={v}")).collect())
            .unwrap_or_default();
        for (target, expected) in entry["expected"].as_object().unwrap() {
            let expected = expected.to_string();
            match count(Some(&family), &config, Some(target), sets.clone()) {
                Ok(value) if value == expected => {}
                Ok(value) => failures.push(format!(
                    "{model} {family} {target}: got {value}, transformers {expected}"
                )),
                Err(e) => failures.push(format!("{model} {family} {target}: error {e}")),
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 300, "only {checked} targets were checked");
}

#[test]
fn the_shared_reference_counts_by_model_type() {
    let folder = fixtures().join("reference");
    let config = |name: &str| folder.join("configs").join(format!("{name}.json"));
    // counts.json (shared/reference): the count a person quotes is AutoModel for encoders and
    // AutoModelForCausalLM for decoders; the family comes from the config's model_type.
    for (name, expected) in [
        ("bert-base-uncased", "109482240"),
        ("ernie-1.0-base-zh", "99866112"),
        ("gpt2", "124439808"),
        ("llama-2-7b", "6738415616"),
    ] {
        assert_eq!(
            count(None, &config(name), None, Vec::new()).unwrap(),
            expected,
            "{name}"
        );
    }
    // The other classes of counts.json, as variants.
    for (name, target, expected) in [
        ("bert-base-uncased", "masked_lm", "109514298"),
        ("bert-base-uncased", "non_embedding", "85646592"),
        ("ernie-1.0-base-zh", "masked_lm", "99885648"),
        ("ernie-1.0-base-zh", "non_embedding", "85646592"),
        ("gpt2", "non_embedding", "85056000"),
        ("llama-2-7b", "base_model", "6607343616"),
        ("llama-2-7b", "non_embedding", "6607343616"),
    ] {
        assert_eq!(
            count(None, &config(name), Some(target), Vec::new()).unwrap(),
            expected,
            "{name} {target}"
        );
    }
}

#[test]
fn the_full_bert_count_differs_from_the_articles_by_the_embedding_norm_and_the_pooler() {
    let config = fixtures().join("reference/configs/bert-base-uncased.json");
    let full: i64 = count(Some("bert"), &config, None, Vec::new())
        .unwrap()
        .parse()
        .unwrap();
    let article: i64 = count(Some("bert-article"), &config, None, Vec::new())
        .unwrap()
        .parse()
        .unwrap();
    // counts.json by_module: embeddings.LayerNorm 1536 and pooler.dense 590592 (768*768+768).
    assert_eq!(full - article, 1536 + 590592);
}

#[test]
fn an_unknown_model_type_lists_the_known_ones() {
    let dir = std::env::temp_dir().join(format!("paramcount-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.json");
    std::fs::write(
        &path,
        r#"{"model_type": "no_such_model", "hidden_size": 768}"#,
    )
    .unwrap();
    match count(None, &path, None, Vec::new()) {
        Err(Error::UnknownModelType { model_type, known }) => {
            assert_eq!(model_type, "no_such_model");
            assert!(known.contains(&"llama".to_string()) && known.contains(&"bert".to_string()));
        }
        other => panic!("expected an unknown model_type error, got {other:?}"),
    }
}

#[test]
fn the_parts_of_every_family_add_up_to_its_total() {
    // For every built-in family and every variant it names, the breakdown's leaf parts, added here
    // in the test, give exactly the value `evaluate` gives for that target.
    for builtin in paramcount::models::BUILTINS {
        for variant in builtin.variants() {
            let request = Request {
                formula: Some(FormulaSource::Named(builtin.name.to_string())),
                target: Some(variant.to_string()),
                ..Request::default()
            };
            let program = Program::load(&request).expect("built-ins load");
            let total = evaluate(&program).expect("evaluates").value;
            let breakdown = paramcount::breakdown::build(&program)
                .unwrap_or_else(|e| panic!("{} {variant}: {e}", builtin.name));
            let mut sum = paramcount::Number::from_i64(0);
            for leaf in breakdown.leaves(None) {
                sum = sum
                    .add(&breakdown.nodes[leaf].count, 1 << 20)
                    .expect("small sums");
            }
            assert_eq!(
                sum.to_string(),
                total.to_string(),
                "{} {variant}: leaves sum to {sum}, the total is {total}",
                builtin.name
            );
        }
    }
}
