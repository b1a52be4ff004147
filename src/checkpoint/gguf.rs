//! A GGUF file (llama.cpp's format) read for its metadata and tensor infos, never its data.
//!
//! The layout (GGUF versions 2 and 3): `GGUF`, a version, the tensor count and the metadata count,
//! the metadata as key/typed-value pairs, then one info per tensor (name, dimensions, ggml type,
//! offset). Every length and count in the file is checked against the bytes left in it before
//! anything is allocated or skipped, so a truncated or hostile file is an error, never a huge
//! allocation or a long loop. Quantized tensors count their elements, not their bytes.
//!
//! Two uses: `tensors model.gguf` lists the tensors (`Checkpoint`), and `eval model.gguf` counts
//! with a family's formula on a config made from the metadata (`config_json`), for the
//! architectures llama.cpp names that way. `verify` compares the two through `hf_name`, which
//! gives llama.cpp's tensor names (`blk.3.attn_q.weight`) the names transformers uses.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::{element_count, Tensor};
use crate::error::{Error, Result};

/// Longest string accepted (a key, a value, a tensor name): chat templates run to tens of KB.
const MAX_STRING: u64 = 16 << 20;
/// Most dimensions of one tensor (ggml has 4).
const MAX_DIMS: u32 = 8;
/// Arrays longer than this keep only their length (tokenizer vocabularies are skipped, not kept).
const KEEP_ARRAY: u64 = 4096;

/// One metadata value, as far as a count needs it.
#[derive(Clone, Debug, PartialEq)]
pub enum MetaValue {
    /// Every integer type, widened.
    Int(i128),
    /// Floats are kept as their text only for display; no count depends on them.
    Float(String),
    Bool(bool),
    Text(String),
    /// An array: its length, and its integer elements when short and integer-typed.
    Array {
        len: u64,
        ints: Option<Vec<i128>>,
    },
}

/// What a GGUF file says about itself.
#[derive(Clone, Debug, Default)]
pub struct Gguf {
    pub version: u32,
    pub metadata: Vec<(String, MetaValue)>,
    pub tensors: Vec<Tensor>,
}

impl Gguf {
    pub fn get(&self, key: &str) -> Option<&MetaValue> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn int(&self, key: &str) -> Option<i128> {
        match self.get(key)? {
            MetaValue::Int(n) => Some(*n),
            // Per-layer values (head counts of some models) are arrays: the first one is used
            // only when they all agree.
            MetaValue::Array {
                ints: Some(values), ..
            } if values.windows(2).all(|w| w[0] == w[1]) => values.first().copied(),
            _ => None,
        }
    }

    pub fn architecture(&self) -> Option<&str> {
        match self.get("general.architecture")? {
            MetaValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Whether the file starts with the GGUF magic.
pub fn looks_like(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"GGUF"
}

/// A reader that knows how many bytes are left, so that no length in the file can ask for more.
struct Bounded<R> {
    inner: R,
    left: u64,
    path: String,
}

impl<R: Read> Bounded<R> {
    fn bad(&self, message: String) -> Error {
        Error::Checkpoint {
            path: self.path.clone(),
            message,
            help: "the file is damaged, cut short, or not a GGUF file; download it again".into(),
        }
    }

    fn take(&mut self, n: u64, what: &str) -> Result<()> {
        if n > self.left {
            return Err(self.bad(format!(
                "{what} needs {n} bytes, but only {} are left in the file",
                self.left
            )));
        }
        self.left -= n;
        Ok(())
    }

    fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        self.take(N as u64, what)?;
        let mut buffer = [0u8; N];
        self.inner
            .read_exact(&mut buffer)
            .map_err(|e| self.bad(format!("reading {what}: {e}")))?;
        Ok(buffer)
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.bytes(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.bytes(what)?))
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<()> {
        self.take(n, what)?;
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())
            .map_err(|e| self.bad(format!("reading {what}: {e}")))?;
        if copied != n {
            return Err(self.bad(format!("the file ends inside {what}")));
        }
        Ok(())
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let n = self.u64(what)?;
        if n > MAX_STRING {
            return Err(self.bad(format!(
                "{what} says it is {n} bytes long, more than the {MAX_STRING} accepted"
            )));
        }
        self.take(n, what)?;
        let mut buffer = Vec::new();
        (&mut self.inner)
            .take(n)
            .read_to_end(&mut buffer)
            .map_err(|e| self.bad(format!("reading {what}: {e}")))?;
        if buffer.len() as u64 != n {
            return Err(self.bad(format!("the file ends inside {what}")));
        }
        String::from_utf8(buffer).map_err(|_| self.bad(format!("{what} is not UTF-8 text")))
    }

    fn skip_string(&mut self, what: &str) -> Result<()> {
        let n = self.u64(what)?;
        self.skip(n, what)
    }
}

/// Bytes of one scalar of a metadata value type, `None` for strings and arrays.
fn scalar_size(kind: u32) -> Option<u64> {
    match kind {
        0 | 1 | 7 => Some(1),
        2 | 3 => Some(2),
        4..=6 => Some(4),
        10..=12 => Some(8),
        _ => None,
    }
}

fn read_scalar<R: Read>(r: &mut Bounded<R>, kind: u32, what: &str) -> Result<MetaValue> {
    Ok(match kind {
        0 => MetaValue::Int(r.bytes::<1>(what)?[0].into()),
        1 => MetaValue::Int((r.bytes::<1>(what)?[0] as i8).into()),
        2 => MetaValue::Int(u16::from_le_bytes(r.bytes(what)?).into()),
        3 => MetaValue::Int(i16::from_le_bytes(r.bytes(what)?).into()),
        4 => MetaValue::Int(u32::from_le_bytes(r.bytes(what)?).into()),
        5 => MetaValue::Int(i32::from_le_bytes(r.bytes(what)?).into()),
        6 => MetaValue::Float(f32::from_le_bytes(r.bytes(what)?).to_string()),
        7 => MetaValue::Bool(r.bytes::<1>(what)?[0] != 0),
        8 => MetaValue::Text(r.string(what)?),
        10 => MetaValue::Int(u64::from_le_bytes(r.bytes(what)?).into()),
        11 => MetaValue::Int(i64::from_le_bytes(r.bytes(what)?).into()),
        12 => MetaValue::Float(f64::from_le_bytes(r.bytes(what)?).to_string()),
        other => return Err(r.bad(format!("{what} has the unknown value type {other}"))),
    })
}

fn read_value<R: Read>(r: &mut Bounded<R>, kind: u32, key: &str) -> Result<MetaValue> {
    let what = format!("the value of `{key}`");
    if kind != 9 {
        return read_scalar(r, kind, &what);
    }
    let item = r.u32(&what)?;
    let len = r.u64(&what)?;
    if item == 9 {
        return Err(r.bad(format!(
            "{what} is an array of arrays, which GGUF metadata never holds"
        )));
    }
    match scalar_size(item) {
        Some(size) => {
            let bytes = len
                .checked_mul(size)
                .ok_or_else(|| r.bad(format!("{what} is an array of {len} items: too long")))?;
            if len <= KEEP_ARRAY && item != 6 && item != 12 && item != 7 {
                let mut ints = Vec::with_capacity(len as usize);
                for _ in 0..len {
                    if let MetaValue::Int(n) = read_scalar(r, item, &what)? {
                        ints.push(n);
                    }
                }
                return Ok(MetaValue::Array {
                    len,
                    ints: Some(ints),
                });
            }
            r.skip(bytes, &what)?;
        }
        None if item == 8 => {
            // Each string needs at least its 8-byte length: a count beyond that is a lie.
            if len.saturating_mul(8) > r.left {
                return Err(r.bad(format!(
                    "{what} says it holds {len} strings, more than the file has room for"
                )));
            }
            for _ in 0..len {
                r.skip_string(&what)?;
            }
        }
        None => return Err(r.bad(format!("{what} has the unknown item type {item}"))),
    }
    Ok(MetaValue::Array { len, ints: None })
}

/// The name llama.cpp gives a ggml tensor type.
fn ggml_type(kind: u32) -> String {
    let names = [
        "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K",
        "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
        "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16",
    ];
    match kind {
        34 => "TQ1_0".into(),
        35 => "TQ2_0".into(),
        39 => "MXFP4".into(),
        k => names
            .get(k as usize)
            .map_or_else(|| format!("ggml type {k}"), |n| n.to_string()),
    }
}

/// Reads the metadata and tensor infos of the GGUF file at `path`.
pub fn read(path: &str, file_index: usize) -> Result<Gguf> {
    let io = |e: std::io::Error| Error::Io {
        path: path.to_string(),
        message: e.to_string(),
    };
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut r = Bounded {
        inner: BufReader::new(file),
        left: len,
        path: path.to_string(),
    };
    let magic = r.bytes::<4>("the magic")?;
    if &magic != b"GGUF" {
        return Err(r.bad("it does not start with `GGUF`".into()));
    }
    let version = r.u32("the version")?;
    if !(2..=3).contains(&version) {
        return Err(r.bad(format!("GGUF version {version}: versions 2 and 3 are read")));
    }
    let tensor_count = r.u64("the tensor count")?;
    let kv_count = r.u64("the metadata count")?;
    // A key/value pair takes at least 12 bytes, a tensor info at least 28.
    if kv_count
        .saturating_mul(12)
        .saturating_add(tensor_count.saturating_mul(28))
        > r.left
    {
        return Err(r.bad(format!(
            "it says it has {kv_count} metadata entries and {tensor_count} tensors, more than its {len} bytes can hold"
        )));
    }
    let mut gguf = Gguf {
        version,
        ..Gguf::default()
    };
    for _ in 0..kv_count {
        let key = r.string("a metadata key")?;
        let kind = r.u32("a metadata type")?;
        let value = read_value(&mut r, kind, &key)?;
        gguf.metadata.push((key, value));
    }
    for _ in 0..tensor_count {
        let name = r.string("a tensor name")?;
        let dims = r.u32("a tensor's dimension count")?;
        if dims > MAX_DIMS {
            return Err(r.bad(format!("tensor `{name}` has {dims} dimensions")));
        }
        let mut shape = Vec::with_capacity(dims as usize);
        for _ in 0..dims {
            shape.push(r.u64("a tensor dimension")?);
        }
        // ggml lists the innermost dimension first; transformers' shapes read the other way.
        shape.reverse();
        let kind = r.u32("a tensor type")?;
        let _offset = r.u64("a tensor offset")?;
        let elements = element_count(&shape)
            .ok_or_else(|| r.bad(format!("tensor `{name}` has more than 2^128 elements")))?;
        gguf.tensors.push(Tensor {
            name,
            shape,
            elements,
            dtype: Some(ggml_type(kind)),
            bytes: None,
            file: file_index,
        });
    }
    Ok(gguf)
}

/// llama.cpp's architecture name -> the transformers `model_type` whose built-in formula counts it.
fn model_type(architecture: &str) -> Option<&'static str> {
    Some(match architecture {
        "llama" => "llama",
        "mistral" | "mistral3" => "mistral",
        "qwen2" => "qwen2",
        "qwen3" => "qwen3",
        "qwen2moe" => "qwen2_moe",
        "qwen3moe" => "qwen3_moe",
        "gemma" => "gemma",
        "gemma2" => "gemma2",
        "gemma3" => "gemma3_text",
        "phi3" => "phi3",
        "phi2" => "phi",
        "starcoder2" => "starcoder2",
        "stablelm" => "stablelm",
        "olmo" => "olmo",
        "olmo2" => "olmo2",
        "granite" => "granite",
        "command-r" | "cohere" => "cohere",
        "gpt2" => "gpt2",
        "gptneox" => "gpt_neox",
        "mixtral" => "mixtral",
        _ => return None,
    })
}

/// A config.json, as transformers would write it for this model, made from the GGUF metadata and
/// tensor shapes: what a family's formula needs to count the model.
pub fn config_json(gguf: &Gguf, path: &str) -> Result<String> {
    let bad = |message: String, help: &str| Error::Checkpoint {
        path: path.to_string(),
        message,
        help: help.to_string(),
    };
    let arch = gguf.architecture().ok_or_else(|| {
        bad(
            "the file has no `general.architecture`".into(),
            "a GGUF file written by llama.cpp's converters names its architecture; this one does not",
        )
    })?;
    let model_type = model_type(arch).ok_or_else(|| {
        bad(
            format!("no built-in family counts llama.cpp's architecture `{arch}`"),
            "`paramcount tensors FILE` still lists and counts its tensors",
        )
    })?;
    let mut config = serde_json::Map::new();
    config.insert("model_type".into(), model_type.into());
    let keys = [
        ("embedding_length", "hidden_size"),
        ("block_count", "num_hidden_layers"),
        ("feed_forward_length", "intermediate_size"),
        ("attention.head_count", "num_attention_heads"),
        ("attention.head_count_kv", "num_key_value_heads"),
        ("attention.key_length", "head_dim"),
        ("context_length", "max_position_embeddings"),
        ("expert_count", "num_local_experts"),
        ("expert_used_count", "num_experts_per_tok"),
        ("expert_feed_forward_length", "moe_intermediate_size"),
        (
            "expert_shared_feed_forward_length",
            "shared_expert_intermediate_size",
        ),
        ("vocab_size", "vocab_size"),
    ];
    for (gguf_key, config_key) in keys {
        let value = gguf.int(&format!("{arch}.{gguf_key}"));
        if let Some(n) = value.and_then(|n| u64::try_from(n).ok()) {
            config.insert(config_key.into(), n.into());
        }
    }
    if config.contains_key("num_local_experts") {
        // Qwen-MoE configs call it num_experts.
        let experts = config["num_local_experts"].clone();
        config.insert("num_experts".into(), experts);
    }
    // The embedding matrix is the truth about the vocabulary (metadata may count added tokens).
    let tensor = |name: &str| gguf.tensors.iter().find(|t| t.name == name);
    if let Some(embedding) = tensor("token_embd.weight") {
        if let Some(&rows) = embedding.shape.first() {
            config.insert("vocab_size".into(), rows.into());
        }
    } else if let Some(MetaValue::Array { len, .. }) = gguf.get("tokenizer.ggml.tokens") {
        config.entry("vocab_size").or_insert((*len).into());
    }
    config.insert(
        "tie_word_embeddings".into(),
        tensor("output.weight").is_none().into(),
    );
    if tensor("blk.0.attn_q.bias").is_some() {
        config.insert("attention_bias".into(), true.into());
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(config))
        .map_err(|e| bad(e.to_string(), "report this as a bug"))
}

/// The transformers name of a llama.cpp tensor of a LLaMA-shaped model (`blk.3.attn_q.weight` ->
/// `model.layers.3.self_attn.q_proj.weight`), or `None` for one it does not know.
pub fn hf_name(architecture: &str, name: &str) -> Option<String> {
    let (stem, kind) = name.rsplit_once('.')?;
    if kind != "weight" && kind != "bias" {
        return None;
    }
    let gemma2 = matches!(architecture, "gemma2" | "gemma3");
    let top = match stem {
        "token_embd" => Some("model.embed_tokens"),
        "output_norm" => Some("model.norm"),
        "output" => Some("lm_head"),
        _ => None,
    };
    if let Some(top) = top {
        return Some(format!("{top}.{kind}"));
    }
    let rest = stem.strip_prefix("blk.")?;
    let (layer, part) = rest.split_once('.')?;
    layer.parse::<u64>().ok()?;
    let hf = match part {
        "attn_norm" => "input_layernorm",
        "attn_q" => "self_attn.q_proj",
        "attn_k" => "self_attn.k_proj",
        "attn_v" => "self_attn.v_proj",
        "attn_output" => "self_attn.o_proj",
        "attn_q_norm" => "self_attn.q_norm",
        "attn_k_norm" => "self_attn.k_norm",
        "ffn_gate" => "mlp.gate_proj",
        "ffn_up" => "mlp.up_proj",
        "ffn_down" => "mlp.down_proj",
        "post_attention_norm" => "post_attention_layernorm",
        "ffn_norm" if gemma2 => "pre_feedforward_layernorm",
        "ffn_norm" => "post_attention_layernorm",
        "post_ffw_norm" => "post_feedforward_layernorm",
        _ => return None,
    };
    Some(format!("model.layers.{layer}.{hf}.{kind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llama_cpp_names_become_transformers_names() {
        assert_eq!(
            hf_name("llama", "blk.12.attn_q.weight").as_deref(),
            Some("model.layers.12.self_attn.q_proj.weight")
        );
        assert_eq!(
            hf_name("llama", "blk.0.ffn_norm.weight").as_deref(),
            Some("model.layers.0.post_attention_layernorm.weight")
        );
        assert_eq!(
            hf_name("gemma2", "blk.0.ffn_norm.weight").as_deref(),
            Some("model.layers.0.pre_feedforward_layernorm.weight")
        );
        assert_eq!(
            hf_name("llama", "output.weight").as_deref(),
            Some("lm_head.weight")
        );
        assert_eq!(hf_name("llama", "rope_freqs.weight"), None);
        assert_eq!(hf_name("llama", "blk.x.attn_q.weight"), None);
    }
}
