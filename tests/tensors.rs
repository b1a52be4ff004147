//! Checkpoints against formulas: `paramcount tensors` and `paramcount verify`, through the library
//! and the binary.
//!
//! The safetensors files are written here, header only: the data is a hole the file system fills
//! with zeros (`set_len`), so a full-size BERT or a 13 GB LLaMA costs nothing on disk. Names are the
//! state_dict keys of the transformers classes (see `tests/fixtures/tensors/README.md`); shapes
//! follow from the configs. Every expected count has a source other than the code: the reference
//! counts (transformers), or a hand computation written next to it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

use paramcount::checkpoint::Checkpoint;
use paramcount::program::{FormulaSource, Program, Request};
use paramcount::syntax::Sources;
use paramcount::verify::{verify, Verification};

fn paramcount() -> Command {
    let mut command = Command::cargo_bin("paramcount").unwrap();
    command.env("NO_COLOR", "1");
    command
}

/// What `command` prints, once it has exited with `code`.
fn stdout_of(command: &mut Command, code: i32) -> Vec<u8> {
    command.assert().code(code).get_output().stdout.clone()
}

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// A fresh folder for one test's files.
fn folder(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tensors")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

type Spec = Vec<(String, Vec<u64>)>;

/// Writes a safetensors file: the length, the JSON header, and `data` bytes of zeros (a hole).
fn write_raw(path: &Path, header: &str, data: u64) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(&(header.len() as u64).to_le_bytes())
        .unwrap();
    file.write_all(header.as_bytes()).unwrap();
    file.set_len(8 + header.len() as u64 + data).unwrap();
}

/// Writes a valid safetensors file of `tensors`, all of `dtype` (`size` bytes an element).
fn write_safetensors(path: &Path, tensors: &Spec, dtype: &str, size: u64) {
    let mut entries = Vec::new();
    let mut offset = 0u64;
    for (name, shape) in tensors {
        let bytes = shape.iter().product::<u64>() * size;
        entries.push(format!(
            "\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape:?},\"data_offsets\":[{offset},{}]}}",
            offset + bytes
        ));
        offset += bytes;
    }
    let header = format!(
        "{{\"__metadata__\":{{\"format\":\"pt\"}},{}}}",
        entries.join(",")
    );
    write_raw(path, &header, offset);
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn spec(items: &[(&str, &[u64])]) -> Spec {
    items
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_vec()))
        .collect()
}

/// The state_dict of transformers' BertModel (BertEmbeddings, L x BertLayer, BertPooler), every
/// name under `prefix`.
fn bert_model(prefix: &str, v: u64, h: u64, layers: u64, i: u64, p: u64, t: u64) -> Spec {
    let mut s: Spec = Vec::new();
    let mut add = |name: String, shape: &[u64]| s.push((format!("{prefix}{name}"), shape.to_vec()));
    add("embeddings.word_embeddings.weight".into(), &[v, h]);
    add("embeddings.position_embeddings.weight".into(), &[p, h]);
    add("embeddings.token_type_embeddings.weight".into(), &[t, h]);
    add("embeddings.LayerNorm.weight".into(), &[h]);
    add("embeddings.LayerNorm.bias".into(), &[h]);
    for l in 0..layers {
        let at = format!("encoder.layer.{l}.");
        for m in ["query", "key", "value"] {
            add(format!("{at}attention.self.{m}.weight"), &[h, h]);
            add(format!("{at}attention.self.{m}.bias"), &[h]);
        }
        add(format!("{at}attention.output.dense.weight"), &[h, h]);
        add(format!("{at}attention.output.dense.bias"), &[h]);
        add(format!("{at}attention.output.LayerNorm.weight"), &[h]);
        add(format!("{at}attention.output.LayerNorm.bias"), &[h]);
        add(format!("{at}intermediate.dense.weight"), &[i, h]);
        add(format!("{at}intermediate.dense.bias"), &[i]);
        add(format!("{at}output.dense.weight"), &[h, i]);
        add(format!("{at}output.dense.bias"), &[h]);
        add(format!("{at}output.LayerNorm.weight"), &[h]);
        add(format!("{at}output.LayerNorm.bias"), &[h]);
    }
    add("pooler.dense.weight".into(), &[h, h]);
    add("pooler.dense.bias".into(), &[h]);
    s
}

/// BertForPreTraining's heads (tied decoder weight not saved): BertLMPredictionHead and the
/// next-sentence classifier.
fn bert_heads(v: u64, h: u64) -> Spec {
    spec(&[
        ("cls.predictions.bias", &[v]),
        ("cls.predictions.transform.dense.weight", &[h, h]),
        ("cls.predictions.transform.dense.bias", &[h]),
        ("cls.predictions.transform.LayerNorm.weight", &[h]),
        ("cls.predictions.transform.LayerNorm.bias", &[h]),
        ("cls.seq_relationship.weight", &[2, h]),
        ("cls.seq_relationship.bias", &[2]),
    ])
}

/// The state_dict of GPT2LMHeadModel: GPT2Model under `transformer.`; a tied lm_head is not saved.
fn gpt2(v: u64, h: u64, layers: u64, p: u64, lm_head: bool) -> Spec {
    let mut s = spec(&[
        ("transformer.wte.weight", &[v, h]),
        ("transformer.wpe.weight", &[p, h]),
    ]);
    for l in 0..layers {
        let at = format!("transformer.h.{l}.");
        for (name, shape) in [
            ("ln_1.weight", vec![h]),
            ("ln_1.bias", vec![h]),
            ("attn.c_attn.weight", vec![h, 3 * h]),
            ("attn.c_attn.bias", vec![3 * h]),
            ("attn.c_proj.weight", vec![h, h]),
            ("attn.c_proj.bias", vec![h]),
            ("ln_2.weight", vec![h]),
            ("ln_2.bias", vec![h]),
            ("mlp.c_fc.weight", vec![h, 4 * h]),
            ("mlp.c_fc.bias", vec![4 * h]),
            ("mlp.c_proj.weight", vec![4 * h, h]),
            ("mlp.c_proj.bias", vec![h]),
        ] {
            s.push((format!("{at}{name}"), shape));
        }
    }
    s.push(("transformer.ln_f.weight".into(), vec![h]));
    s.push(("transformer.ln_f.bias".into(), vec![h]));
    if lm_head {
        s.push(("lm_head.weight".into(), vec![v, h]));
    }
    s
}

/// The state_dict of LlamaForCausalLM: grouped-query attention (`kv` heads of width `d`), SwiGLU,
/// RMSNorm weights, an untied lm_head.
fn llama(v: u64, h: u64, layers: u64, heads: u64, kv: u64, i: u64) -> Spec {
    let d = h / heads;
    let mut s = spec(&[("model.embed_tokens.weight", &[v, h])]);
    for l in 0..layers {
        let at = format!("model.layers.{l}.");
        for (name, shape) in [
            ("self_attn.q_proj.weight", vec![heads * d, h]),
            ("self_attn.k_proj.weight", vec![kv * d, h]),
            ("self_attn.v_proj.weight", vec![kv * d, h]),
            ("self_attn.o_proj.weight", vec![h, heads * d]),
            ("mlp.gate_proj.weight", vec![i, h]),
            ("mlp.up_proj.weight", vec![i, h]),
            ("mlp.down_proj.weight", vec![h, i]),
            ("input_layernorm.weight", vec![h]),
            ("post_attention_layernorm.weight", vec![h]),
        ] {
            s.push((format!("{at}{name}"), shape));
        }
    }
    s.push(("model.norm.weight".into(), vec![h]));
    s.push(("lm_head.weight".into(), vec![v, h]));
    s
}

fn write_config(dir: &Path, name: &str, json: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, json).unwrap();
    path_text(&path)
}

fn check(
    formula: &str,
    config: Option<&str>,
    target: Option<&str>,
    tensors: &[String],
) -> (Checkpoint, Verification) {
    let request = Request {
        formula: Some(FormulaSource::Named(formula.to_string())),
        config: config.map(str::to_string),
        target: target.map(str::to_string),
        ..Request::default()
    };
    let mut program = Program::load(&request).unwrap();
    let checkpoint = Checkpoint::read(tensors, &mut program.formula.sources).unwrap();
    let verification = verify(&mut program, &checkpoint).unwrap();
    (checkpoint, verification)
}

fn leftover_names(checkpoint: &Checkpoint, v: &Verification) -> Vec<String> {
    v.leftover
        .iter()
        .map(|l| checkpoint.tensors[l.tensor].name.clone())
        .collect()
}

// ---- the full-size bert-base-uncased BertModel ------------------------------------------------------

/// bert-base-uncased's config: V 30522, H 768, 12 layers, I 3072, 512 positions, 2 segment types.
fn bert_base() -> Spec {
    bert_model("", 30522, 768, 12, 3072, 512, 2)
}

#[test]
fn a_full_size_bert_base_header_counts_109_482_240_and_every_part_matches() {
    let dir = folder("bert-base");
    let file = dir.join("model.safetensors");
    write_safetensors(&file, &bert_base(), "F32", 4);
    let (checkpoint, v) = check(
        "bert",
        Some(&fixture("reference/configs/bert-base-uncased.json")),
        None,
        &[path_text(&file)],
    );
    // transformers 5.24.0, BertModel from bert-base-uncased's config: AutoModel.params (the shared
    // reference, tests/fixtures/reference/counts.json).
    assert_eq!(checkpoint.total(), 109_482_240);
    assert_eq!(checkpoint.tensors.len(), 5 + 12 * 16 + 2);
    assert_eq!(checkpoint.bytes(), Some(4 * 109_482_240));
    assert!(v.total_holds());
    assert!(v.leftover.is_empty());
    assert!(v.parts.iter().all(|p| p.holds()), "{:?}", v.parts);
    assert!(v.holds());
    // Every part except the absent cross-attention matched tensors.
    let empty: Vec<&str> = v
        .parts
        .iter()
        .filter(|p| p.tensors.is_empty())
        .map(|p| p.part.as_str())
        .collect();
    assert_eq!(empty, ["L*cross_attention"]);

    paramcount()
        .args([
            "verify",
            "--config",
            &fixture("reference/configs/bert-base-uncased.json"),
            "--tensors",
        ])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "total                  109,482,240  109,482,240      199  ok",
        ))
        .stdout(predicate::str::contains(
            "the formula accounts for every tensor",
        ));
}

#[test]
fn the_committed_bert_base_listing_agrees_with_the_reference() {
    // The same names and shapes as a `name: [shape]` listing (tests/fixtures/tensors/).
    let listing = fixture("tensors/bert-base-uncased.BertModel.txt");
    let mut sources = Sources::new();
    let checkpoint = Checkpoint::read(std::slice::from_ref(&listing), &mut sources).unwrap();
    assert_eq!(checkpoint.total(), 109_482_240);
    let generated = bert_base();
    let read: Vec<(String, Vec<u64>)> = checkpoint
        .tensors
        .iter()
        .map(|t| (t.name.clone(), t.shape.clone()))
        .collect();
    assert_eq!(read, generated);
    paramcount()
        .args([
            "verify",
            "bert",
            "--config",
            &fixture("reference/configs/bert-base-uncased.json"),
            "--tensors",
            &listing,
        ])
        .assert()
        .code(0);
}

#[test]
fn a_13_gigabyte_checkpoint_is_counted_from_its_header() {
    // LLaMA-2-7B's shapes in F16: 6,738,415,616 parameters (reference: AutoModelForCausalLM.params of
    // llama-2-7b), 13,476,831,232 bytes, as a sparse file.
    let dir = folder("llama-7b");
    let file = dir.join("model.safetensors");
    write_safetensors(&file, &llama(32000, 4096, 32, 32, 32, 11008), "F16", 2);
    assert!(std::fs::metadata(&file).unwrap().len() > 13_000_000_000);
    // How long this takes is measured in benches/, not asserted here (timings are not tests).
    let checkpoint = Checkpoint::read(&[path_text(&file)], &mut Sources::new()).unwrap();
    assert_eq!(checkpoint.total(), 6_738_415_616);
    assert_eq!(checkpoint.bytes(), Some(13_476_831_232));
    let (_, v) = check(
        "llama",
        Some(&fixture("reference/configs/llama-2-7b.json")),
        None,
        &[path_text(&file)],
    );
    assert!(v.holds(), "{v:?}");
}

// ---- tiny checkpoints of three families ----------------------------------------------------------------

const TINY_BERT: &str = r#"{"model_type": "bert", "vocab_size": 11, "hidden_size": 4, "num_hidden_layers": 2,
 "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 6, "type_vocab_size": 2}"#;

#[test]
fn a_head_the_formula_does_not_count_is_left_over_exactly() {
    let dir = folder("bert-pretraining");
    let file = dir.join("model.safetensors");
    let mut tensors = bert_model("bert.", 11, 4, 2, 8, 6, 2);
    tensors.extend(bert_heads(11, 4));
    write_safetensors(&file, &tensors, "F32", 4);
    let config = write_config(&dir, "config.json", TINY_BERT);

    let (checkpoint, v) = check("bert", Some(&config), None, &[path_text(&file)]);
    // BertModel by hand: embeddings (11+6+2)*4 + 2*4 = 84; a layer 3*(16+4) + (16+4+8) + (32+8+32+4+8)
    // = 60 + 28 + 84 = 172; pooler 16+4 = 20; 84 + 2*172 + 20 = 448.
    assert_eq!(v.formula_total.to_string(), "448");
    // The heads: predictions.bias 11, transform dense 16+4, LayerNorm 8; seq_relationship 8+2 = 49.
    assert_eq!(v.checkpoint_total, 448 + 49);
    assert_eq!(
        leftover_names(&checkpoint, &v),
        bert_heads(11, 4)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>()
    );
    assert_eq!(v.leftover_total, 49);
    assert!(v.parts.iter().all(|p| p.holds()));
    assert!(!v.holds());
    let labels: Vec<Option<&str>> = v
        .leftover
        .iter()
        .map(|l| l.uncounted_part.as_deref())
        .collect();
    assert_eq!(labels[0], Some("mlm_head"));
    assert_eq!(labels[6], Some("nsp_head"));
    // 448 + 49 is exactly what BertForPreTraining counts with a tied decoder.
    assert_eq!(v.matching_variants, ["pretraining"]);

    // The same checkpoint against the target that counts the heads.
    let (_, v) = check(
        "bert",
        Some(&config),
        Some("pretraining"),
        &[path_text(&file)],
    );
    assert!(v.holds(), "{v:?}");

    let output = stdout_of(
        paramcount()
            .args(["verify", "--config", &config, "--tensors"])
            .arg(&file),
        1,
    );
    let text = String::from_utf8(output).unwrap();
    assert!(
        text.contains("left over: 7 tensors no counted part explains, 49 parameters"),
        "{text}"
    );
    assert!(text.contains("  cls.seq_relationship.bias                   [2]      2  nsp_head, which total does not count"), "{text}");
    assert!(
        text.contains("mismatch: the totals differ (checkpoint +49); 7 tensors left over"),
        "{text}"
    );
}

#[test]
fn gpt2_tied_and_untied() {
    let dir = folder("gpt2");
    // V 10, H 4, 2 layers, 5 positions. By hand: wte 40, wpe 20; a block: ln_1 8, c_attn 48+12,
    // c_proj 16+4, ln_2 8, c_fc 64+16, c_proj 64+4 = 244; ln_f 8. 40 + 20 + 488 + 8 = 556.
    let config = |tied: bool| {
        write_config(
            &dir,
            &format!("config-{tied}.json"),
            &format!(
                r#"{{"model_type": "gpt2", "vocab_size": 10, "n_embd": 4, "n_layer": 2, "n_head": 2, "n_positions": 5, "n_inner": null, "tie_word_embeddings": {tied}}}"#
            ),
        )
    };
    let tied = dir.join("tied.safetensors");
    write_safetensors(&tied, &gpt2(10, 4, 2, 5, false), "F32", 4);
    let (checkpoint, v) = check("gpt2", Some(&config(true)), None, &[path_text(&tied)]);
    assert_eq!(checkpoint.total(), 556);
    assert!(v.holds(), "{v:?}");

    // Untied: lm_head.weight (40) is in the checkpoint and in the formula.
    let untied = dir.join("untied.safetensors");
    write_safetensors(&untied, &gpt2(10, 4, 2, 5, true), "F32", 4);
    let (_, v) = check("gpt2", Some(&config(false)), None, &[path_text(&untied)]);
    assert_eq!(v.formula_total.to_string(), "596");
    assert!(v.holds(), "{v:?}");

    // A tied head stored twice: the part shows it, and the totals differ by it.
    let (_, v) = check("gpt2", Some(&config(true)), None, &[path_text(&untied)]);
    let head = v.parts.iter().find(|p| p.part == "lm_head").unwrap();
    assert_eq!(
        (head.formula.to_string(), head.checkpoint),
        ("0".to_string(), 40)
    );
    assert!(!v.holds());
}

#[test]
fn llama_sharded_through_its_index() {
    let dir = folder("llama-sharded");
    // V 16, H 8, 2 layers, 4 heads of 2, 2 key/value heads, I 12. By hand: embed 128; a layer
    // q 64, k 32, v 32, o 64, gate/up/down 3*96, norms 16 = 496; norm 8; lm_head 128.
    // 128 + 992 + 8 + 128 = 1256.
    let tensors = llama(16, 8, 2, 4, 2, 12);
    let (first, second) = tensors.split_at(10);
    write_safetensors(
        &dir.join("model-00001-of-00002.safetensors"),
        &first.to_vec(),
        "BF16",
        2,
    );
    write_safetensors(
        &dir.join("model-00002-of-00002.safetensors"),
        &second.to_vec(),
        "BF16",
        2,
    );
    let map: Vec<String> = tensors
        .iter()
        .enumerate()
        .map(|(i, (n, _))| {
            format!(
                "\"{n}\": \"model-0000{}-of-00002.safetensors\"",
                if i < 10 { 1 } else { 2 }
            )
        })
        .collect();
    std::fs::write(
        dir.join("model.safetensors.index.json"),
        format!(
            "{{\"metadata\": {{\"total_size\": 2512}}, \"weight_map\": {{{}}}}}",
            map.join(",")
        ),
    )
    .unwrap();
    let config = write_config(
        &dir,
        "config.json",
        r#"{"model_type": "llama", "vocab_size": 16, "hidden_size": 8, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 12, "tie_word_embeddings": false}"#,
    );
    for input in [
        path_text(&dir.join("model.safetensors.index.json")),
        path_text(&dir),
    ] {
        let (checkpoint, v) = check("llama", Some(&config), None, &[input]);
        assert_eq!(checkpoint.total(), 1256);
        assert_eq!(checkpoint.files.len(), 2);
        assert!(v.holds(), "{v:?}");
    }
    // A shard the index names but that is missing.
    std::fs::remove_file(dir.join("model-00002-of-00002.safetensors")).unwrap();
    paramcount()
        .args(["tensors"])
        .arg(dir.join("model.safetensors.index.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("model-00002-of-00002.safetensors"))
        .stderr(predicate::str::contains("no such file"));
}

// ---- `paramcount tensors` -------------------------------------------------------------------------------

#[test]
fn tensors_prints_the_tree_dtypes_and_total() {
    let dir = folder("tensors-table");
    let file = dir.join("model.safetensors");
    write_safetensors(&file, &gpt2(10, 4, 2, 5, false), "F32", 4);
    let output = stdout_of(
        paramcount()
            .arg("tensors")
            .arg(&file)
            .args(["--depth", "2"]),
        0,
    );
    let text = String::from_utf8(output).unwrap();
    let expected = "\
name                parameters  tensors  bytes
transformer                556       28  2,224
  transformer.h            488       24  1,952
  transformer.ln_f           8        2     32
  transformer.wpe           20        1     80
  transformer.wte           40        1    160

dtype  parameters  tensors  bytes
F32           556       28  2,224
";
    assert!(text.starts_with(expected), "{text}");
    assert!(
        text.ends_with("total: 556 parameters in 28 tensors, 2,224 bytes (1 file)\n"),
        "{text}"
    );

    let json = stdout_of(
        paramcount()
            .arg("tensors")
            .arg(&file)
            .args(["--format", "json"]),
        0,
    );
    let document: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(document["total"], "556");
    assert_eq!(document["tensors"][0]["name"], "transformer.wte.weight");
    assert_eq!(document["tensors"][0]["shape"], serde_json::json!([10, 4]));

    paramcount()
        .arg("tensors")
        .arg(&file)
        .args(["--format", "csv"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "name,shape,dtype,parameters,bytes,file\ntransformer.wte.weight,\"[10, 4]\",F32,40,160,",
        ));
}

#[test]
fn a_listing_on_standard_input() {
    paramcount()
        .args(["tensors", "-"])
        .write_stdin(
            "wte.weight torch.Size([50257, 768])\nwpe.weight: [1024, 768]\nln_f.bias (768,)\n",
        )
        .assert()
        .code(0)
        // 50257*768 + 1024*768 + 768 = 38,597,376 + 786,432 + 768.
        .stdout(predicate::str::contains(
            "total: 39,384,576 parameters in 3 tensors (1 file)",
        ));
}

// ---- bad input -----------------------------------------------------------------------------------------

fn refused(file: &Path, message: &str) {
    paramcount()
        .arg("tensors")
        .arg(file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn bad_checkpoints_are_clear_errors() {
    let dir = folder("bad");
    let good = r#"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}"#;

    let truncated = dir.join("truncated.safetensors");
    write_raw(&truncated, good, 10);
    refused(&truncated, "the file is truncated: the header describes 24 bytes of tensor data, but only 10 follow it");

    let long_header = dir.join("long-header.safetensors");
    std::fs::write(&long_header, [200u8, 0, 0, 0, 0, 0, 0, 0, b'{', b'}']).unwrap();
    refused(&long_header, "the header length says 200 bytes, but only 2 follow it: the header is longer than the file");

    let short = dir.join("short.safetensors");
    std::fs::write(&short, [1u8, 2, 3]).unwrap();
    refused(&short, "too short for a safetensors file");

    let invalid = dir.join("invalid-json.safetensors");
    write_raw(
        &invalid,
        r#"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}"#,
        24,
    );
    refused(&invalid, "the header is not a valid JSON object");

    let overflow = dir.join("overflow.safetensors");
    let huge = 1u64 << 40;
    write_raw(
        &overflow,
        &format!(
            r#"{{"a":{{"dtype":"F32","shape":[{huge},{huge},{huge},{huge}],"data_offsets":[0,0]}}}}"#
        ),
        0,
    );
    refused(&overflow, "tensor `a` has shape [1099511627776, 1099511627776, 1099511627776, 1099511627776]: its element count overflows 128 bits");

    let bytes_overflow = dir.join("bytes-overflow.safetensors");
    write_raw(
        &bytes_overflow,
        &format!(r#"{{"a":{{"dtype":"F32","shape":[{huge},{huge}],"data_offsets":[0,0]}}}}"#),
        0,
    );
    refused(&bytes_overflow, "a tensor's size in bytes overflows");

    let bad_entry = dir.join("bad-entry.safetensors");
    write_raw(
        &bad_entry,
        r#"{"a":{"dtype":"F99","shape":[2],"data_offsets":[0,8]}}"#,
        8,
    );
    refused(&bad_entry, "tensor `a` in the header");

    let listing = dir.join("listing.txt");
    std::fs::write(&listing, "a: [2, 3]\nb: [4, q5]\n").unwrap();
    paramcount()
        .arg("tensors")
        .arg(&listing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`q5` is not a dimension"))
        .stderr(predicate::str::contains("listing.txt:2:8"));

    let pickle = dir.join("pytorch_model.bin");
    std::fs::write(&pickle, [0x80u8, 2, 0x8a, 0x0a]).unwrap();
    refused(&pickle, "PyTorch pickle checkpoints are not read");

    let binary = dir.join("weights.dat");
    std::fs::write(&binary, [0xffu8, 0xfe, 0, 1]).unwrap();
    refused(&binary, "neither a safetensors file nor a text listing");

    paramcount()
        .args(["tensors", "no/such/model.safetensors"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
}

#[test]
fn a_bad_tensors_directive_points_at_its_line() {
    let dir = folder("bad-directive");
    let formula = dir.join("model.formula");
    std::fs::write(
        &formula,
        "H = 4\n@tensors H*H = \"dense.{weight,bias\"\ntotal = H*H\n",
    )
    .unwrap();
    let file = dir.join("model.safetensors");
    write_safetensors(&file, &spec(&[("dense.weight", &[4, 4])]), "F32", 4);
    paramcount()
        .arg("verify")
        .arg(&formula)
        .arg("--tensors")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("this `{` is never closed"))
        // `@tensors H*H = "dense.` is 22 characters: the `{` is column 23.
        .stderr(predicate::str::contains("model.formula:2:23"));

    // Fixed, it matches: exit 0.
    std::fs::write(
        &formula,
        "H = 4\n@tensors H*H = \"dense.{weight,bias}\"\ntotal = H*H\n",
    )
    .unwrap();
    paramcount()
        .arg("verify")
        .arg(&formula)
        .arg("--tensors")
        .arg(&file)
        .assert()
        .code(0);
}

// ---- every built-in family's directives --------------------------------------------------------------

/// For every built-in family and each of its variants, with the formula's own defaults: the parts its
/// `@tensors` lines count add up to the target exactly (so every parameter the target counts is
/// claimed by some tensor pattern, and none twice). The non-embedding variants subtract parts and
/// are left out, and so is `active`: a mixture of experts' checkpoint stores every expert, while
/// `active` counts only those a token is routed to.
#[test]
fn the_counted_parts_of_every_builtin_add_up_to_its_targets() {
    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tensors-empty.txt");
    std::fs::write(&empty, "").unwrap();
    let mut checked = 0;
    for builtin in paramcount::models::BUILTINS {
        if !builtin.text.contains("@tensors") {
            continue;
        }
        let mut targets = builtin.variants();
        targets.retain(|t| !t.starts_with("non_embedding") && *t != "article" && *t != "active");
        for target in targets {
            let (_, v) = check(
                builtin.name,
                None,
                Some(target.as_str()),
                &[path_text(&empty)],
            );
            let mut sum = paramcount::Number::zero();
            for part in &v.parts {
                sum = sum.add(&part.formula, 1 << 20).unwrap();
            }
            assert_eq!(
                sum, v.formula_total,
                "{} --target {target}: the counted parts add up to {sum}, the target is {}",
                builtin.name, v.formula_total
            );
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} targets checked");
}

#[test]
fn verify_as_json_and_csv() {
    let dir = folder("verify-formats");
    let file = dir.join("model.safetensors");
    write_safetensors(&file, &gpt2(10, 4, 2, 5, true), "F16", 2);
    // The default GPT-2 config ties the head, so the stored lm_head.weight (10*4) is a difference.
    let config = write_config(
        &dir,
        "config.json",
        r#"{"model_type": "gpt2", "vocab_size": 10, "n_embd": 4, "n_layer": 2, "n_positions": 5}"#,
    );
    let json = stdout_of(
        paramcount()
            .args([
                "verify",
                "--config",
                &config,
                "--format",
                "json",
                "--tensors",
            ])
            .arg(&file),
        1,
    );
    let document: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(document["formula"], "gpt2");
    assert_eq!(document["holds"], false);
    assert_eq!(document["formula_total"], "556");
    assert_eq!(document["checkpoint_total"], "596");
    let head = document["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == "lm_head")
        .unwrap();
    assert_eq!(head["formula"], "0");
    assert_eq!(head["checkpoint"], "40");
    assert_eq!(head["tensors"], serde_json::json!(["lm_head.weight"]));
    assert_eq!(document["leftover"], serde_json::json!([]));

    paramcount()
        .args([
            "verify",
            "--config",
            &config,
            "--format",
            "csv",
            "--tensors",
        ])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "kind,name,formula,checkpoint,tensors,holds\npart,token_embeddings,40,40,1,true\n",
        ))
        .stdout(predicate::str::contains("part,lm_head,0,40,1,false\n"))
        .stdout(predicate::str::ends_with("total,total,556,596,29,false\n"));

    paramcount()
        .args(["verify", "--config", &config, "--show-tensors", "--tensors"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "    lm_head.weight  [10, 4]  40\n",
        ))
        .stdout(predicate::str::contains(
            "mismatch: the totals differ (checkpoint +40); 1 part differs",
        ));
}
