//! Model configs: a `config.json` read into values the engine can bind names to.
//!
//! Numbers are read from the JSON text exactly (serde_json keeps each number's digits), so `0.1`
//! is one tenth and `1e-12` is 1/10^12; `null` reads as absent, as transformers treats it (`num_key_value_heads: null` and `num_labels`
//! beside `id2label` are read as the configuration classes derive them); dotted
//! names reach nested objects (`text_config.hidden_size`).

use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::number::Number;
use crate::syntax::{SourceId, Sources, Span};

/// A config file, parsed.
#[derive(Clone, Debug)]
pub struct Config {
    pub source: SourceId,
    root: serde_json::Map<String, Json>,
}

/// What the config says about a key.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    Number(Number),
    Bool(bool),
    Str(String),
    /// A list (`layer_types`, `depths`): its elements as lookups (a `null`, list or object element
    /// is `Unusable`).
    List(Vec<Lookup>),
    /// The key is not there, or is `null`.
    Absent,
    /// An object, or a number too large: `found` describes it for an error message.
    Unusable {
        found: String,
    },
}

impl Config {
    /// Parses the config text of `source` (already added to `sources`).
    pub fn parse(sources: &Sources, source: SourceId, max_bits: u64) -> Result<Config> {
        let file = sources.get(source);
        let json: Json = serde_json::from_str(&file.text).map_err(|e| {
            let at = offset_of(&file.text, e.line(), e.column());
            Error::ConfigSyntax {
                span: Span::new(source, at, (at + 1).min(file.text.len())),
                path: file.name.clone(),
                message: e.to_string(),
            }
        })?;
        let _ = max_bits;
        match json {
            Json::Object(root) => Ok(Config { source, root }),
            other => Err(Error::ConfigNotObject {
                path: file.name.clone(),
                found: describe(&other),
            }),
        }
    }

    /// Looks up a dotted path. Two keys are read as transformers' configuration classes read
    /// them: an absent or null `num_labels` is the number of entries of the `id2label` beside it
    /// (`PretrainedConfig` derives it so; the published classifier configs state only `id2label`,
    /// and a stated `num_labels` wins over it), and `num_key_value_heads: null` is `num_attention_heads`
    /// (`q_lora_rank: null` is 0, see `derived_when_null`); an absent `num_feature_layers` is the
    /// number of LLaVA's `vision_feature_layer` indices (one or a list); the string `"auto"` is absent.
    pub fn lookup(&self, path: &str, max_bits: u64) -> Lookup {
        let (parent, key) = match path.rsplit_once('.') {
            Some((parent, key)) => (Some(parent), key),
            None => (None, path),
        };
        let mut map = &self.root;
        for part in parent.into_iter().flat_map(|p| p.split('.')) {
            map = match map.get(part) {
                Some(Json::Object(inner)) => inner,
                _ => return Lookup::Absent,
            };
        }
        match map.get(key) {
            None | Some(Json::Null) if key == "num_labels" => match map.get("id2label") {
                Some(Json::Object(labels)) => Lookup::Number(Number::from_i64(labels.len() as i64)),
                _ => Lookup::Absent,
            },
            // LLaVA's projector reads the features of `vision_feature_layer`, one layer index or a
            // list of them (transformers' `num_feature_layers = 1 if isinstance(..., int) else
            // len(...)`): the formula reads that number under this name.
            None if key == "num_feature_layers" => match map.get("vision_feature_layer") {
                Some(Json::Number(_)) => Lookup::Number(Number::from_i64(1)),
                Some(Json::Array(layers)) => Lookup::Number(Number::from_i64(layers.len() as i64)),
                _ => Lookup::Absent,
            },
            None => Lookup::Absent,
            Some(Json::Null) => derived_when_null(map, key, max_bits),
            Some(Json::Array(items)) => Lookup::List(
                items
                    .iter()
                    .map(|item| match item {
                        Json::Null | Json::Array(_) | Json::Object(_) => Lookup::Unusable {
                            found: describe(item),
                        },
                        scalar => scalar_lookup(scalar, max_bits),
                    })
                    .collect(),
            ),
            // "auto" is transformers' word for "compute it from the other keys" (Mamba's
            // time_step_rank, Jamba's mamba_dt_rank): what a formula's default does for an absent key.
            Some(Json::String(s)) if s == "auto" => Lookup::Absent,
            Some(other) => scalar_lookup(other, max_bits),
        }
    }

    /// The JSON text of the object at a dotted path: `Ok(None)` when absent or null, `Err` with a
    /// description when it is something else.
    pub fn object_json(&self, path: &str) -> std::result::Result<Option<String>, String> {
        let mut value: Option<&Json> = None;
        for (i, part) in path.split('.').enumerate() {
            let map = if i == 0 {
                &self.root
            } else {
                match value {
                    Some(Json::Object(map)) => map,
                    _ => return Ok(None),
                }
            };
            match map.get(part) {
                Some(next) => value = Some(next),
                None => return Ok(None),
            }
        }
        match value {
            None | Some(Json::Null) => Ok(None),
            Some(object @ Json::Object(_)) => Ok(Some(object.to_string())),
            Some(other) => Err(describe(other)),
        }
    }

    /// The config's `model_type`, when it states one.
    pub fn model_type(&self) -> Option<&str> {
        self.root.get("model_type").and_then(Json::as_str)
    }

    /// Every key that holds a number or a boolean, as dotted paths (for "did you mean").
    pub fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        collect_keys(&self.root, "", 0, &mut keys);
        keys
    }
}

fn collect_keys(
    map: &serde_json::Map<String, Json>,
    prefix: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    for (key, value) in map {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Json::Object(inner) if depth < 4 => collect_keys(inner, &path, depth + 1, out),
            Json::Number(_) | Json::Bool(_) | Json::String(_) | Json::Null => out.push(path),
            _ => {}
        }
    }
}

/// A key stated as `null`. A null reads as absent (the formula's default, which follows the
/// configuration class's default), except where the configuration classes replace a null by another
/// key: `num_key_value_heads: null` is `num_attention_heads` (LlamaConfig, Qwen2Config, OlmoeConfig,
/// DeepseekV3Config, ...: `if num_key_value_heads is None: num_key_value_heads =
/// num_attention_heads`), which may differ from the class's default for an absent key; DeepSeek's
/// `q_lora_rank: null` (no query latent: a plain q_proj) is 0, where an absent key is the class's
/// 1536.
fn derived_when_null(map: &serde_json::Map<String, Json>, key: &str, max_bits: u64) -> Lookup {
    if key == "q_lora_rank" {
        return Lookup::Number(Number::zero());
    }
    if key != "num_key_value_heads" {
        return Lookup::Absent;
    }
    match map.get("num_attention_heads") {
        Some(heads @ Json::Number(_)) => scalar_lookup(heads, max_bits),
        // The class default of num_attention_heads is not known here: refuse rather than let the
        // formula's default for an absent key (often not the number of heads) stand in.
        _ => Lookup::Unusable {
            found: "null, which transformers reads as num_attention_heads, and this config does not state num_attention_heads".into(),
        },
    }
}

fn scalar_lookup(value: &Json, max_bits: u64) -> Lookup {
    match value {
        Json::Bool(b) => Lookup::Bool(*b),
        Json::String(s) => Lookup::Str(s.clone()),
        Json::Number(n) => match Number::parse_literal(&n.to_string(), max_bits) {
            Some(Ok(number)) => Lookup::Number(number),
            _ => Lookup::Unusable {
                found: format!("the number {n}, too large to read"),
            },
        },
        Json::Null => Lookup::Absent,
        other => Lookup::Unusable {
            found: describe(other),
        },
    }
}

fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("{b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string \"{}\"", s.chars().take(40).collect::<String>()),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "an object".into(),
    }
}

/// Byte offset of a 1-based line and column as serde_json reports them.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    let in_line: usize = rest
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    (line_start + in_line).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Config> {
        let mut sources = Sources::new();
        let id = sources.add("config.json", text);
        Config::parse(&sources, id, 1 << 20)
    }

    #[test]
    fn reads_numbers_exactly_and_null_as_absent() {
        let c = config(
            r#"{"h": 768, "eps": 1e-12, "p": 0.1, "n": null, "t": true, "a": "gelu",
                          "text_config": {"hidden_size": 4096}}"#,
        )
        .unwrap();
        assert_eq!(c.lookup("h", 64), Lookup::Number(Number::from_i64(768)));
        assert_eq!(
            c.lookup("eps", 64),
            Lookup::Number(
                Number::from_i64(1)
                    .div(&Number::from_i64(1_000_000_000_000), 64)
                    .unwrap()
            )
        );
        assert_eq!(
            c.lookup("p", 64).clone(),
            Lookup::Number(Number::from_i64(1).div(&Number::from_i64(10), 64).unwrap())
        );
        assert_eq!(c.lookup("n", 64), Lookup::Absent);
        assert_eq!(c.lookup("missing", 64), Lookup::Absent);
        assert_eq!(c.lookup("t", 64), Lookup::Bool(true));
        assert_eq!(c.lookup("a", 64), Lookup::Str("gelu".into()));
        assert_eq!(
            c.lookup("text_config.hidden_size", 64),
            Lookup::Number(Number::from_i64(4096))
        );
        assert!(c.keys().contains(&"text_config.hidden_size".to_string()));
    }

    #[test]
    fn derives_num_labels_and_null_key_value_heads_as_transformers_does() {
        let n = |v: i64| Lookup::Number(Number::from_i64(v));
        let c = config(
            r#"{"id2label": {"0": "cat", "1": "dog", "2": "fox"}, "num_attention_heads": 12,
                "num_key_value_heads": null,
                "text_config": {"num_key_value_heads": null},
                "vision_config": {"id2label": {"0": "a"}, "num_labels": 5}}"#,
        )
        .unwrap();
        // PretrainedConfig: num_labels is len(id2label); a stated num_labels wins (transformers 5.24
        // then rebuilds id2label with that many entries).
        assert_eq!(c.lookup("num_labels", 64), n(3));
        assert_eq!(c.lookup("vision_config.num_labels", 64), n(5));
        assert_eq!(c.lookup("text_config.num_labels", 64), Lookup::Absent);
        // `if num_key_value_heads is None: num_key_value_heads = num_attention_heads`
        assert_eq!(c.lookup("num_key_value_heads", 64), n(12));
        let llava = config(
            r#"{"vision_feature_layer": -2, "text_config": {"vision_feature_layer": [-2, -5]}}"#,
        )
        .unwrap();
        assert_eq!(llava.lookup("num_feature_layers", 64), n(1));
        assert_eq!(llava.lookup("text_config.num_feature_layers", 64), n(2));
        assert_eq!(c.lookup("num_feature_layers", 64), Lookup::Absent);
        let mamba = config(r#"{"time_step_rank": "auto", "hidden_act": "silu"}"#).unwrap();
        assert_eq!(mamba.lookup("time_step_rank", 64), Lookup::Absent);
        assert_eq!(mamba.lookup("hidden_act", 64), Lookup::Str("silu".into()));
        let deepseek = config(r#"{"q_lora_rank": null, "kv_lora_rank": null}"#).unwrap();
        assert_eq!(deepseek.lookup("q_lora_rank", 64), n(0));
        assert_eq!(deepseek.lookup("kv_lora_rank", 64), Lookup::Absent);
        assert!(matches!(
            c.lookup("text_config.num_key_value_heads", 64),
            Lookup::Unusable { .. }
        ));
    }

    #[test]
    fn malformed_json_points_at_the_place() {
        let err = config("{\n  \"h\": 768,\n  \"v\": \n}").unwrap_err();
        match err {
            Error::ConfigSyntax { span, .. } => {
                // Line 4, column 1: the `}` where a value was expected.
                assert_eq!(span.start as usize, "{\n  \"h\": 768,\n  \"v\": \n".len());
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        assert!(matches!(
            config("[1, 2]"),
            Err(Error::ConfigNotObject { .. })
        ));
    }
}
