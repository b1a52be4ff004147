//! Models by name: Hub ids from a cache laid out as `huggingface_hub` lays it out, from a Hub
//! stand-in served on 127.0.0.1 by this test (never further), and GGUF files written here.
//!
//! Expected counts come from transformers (tests/fixtures/models/counts.json): Meta-Llama-3-8B
//! 8,030,261,248 and TinyLlama-1.1B 1,100,048,384 (LlamaForCausalLM.num_parameters()). The
//! checkpoints below are built from transformers' tensor names and shapes for those configs, so
//! their tensor sums are checked against the same measured counts.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use common::{fixture, paramcount};

const LLAMA3_8B: &str = "8030261248";
const TINYLLAMA: &str = "1100048384";
const COMMIT_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const COMMIT_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paramcount-hub-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A command with the Hub settings of this test only: no token file, no proxy, a cache of its own.
fn hub_command(cache: &Path) -> assert_cmd::Command {
    let mut cmd = paramcount();
    cmd.env("HF_HUB_CACHE", cache)
        .env("HF_HOME", cache.join("home"))
        .env_remove("HF_TOKEN")
        .env_remove("HF_ENDPOINT")
        .env_remove("HF_HUB_OFFLINE")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy");
    cmd
}

fn output(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `models--ORG--NAME` with `refs/REV` -> COMMIT and `snapshots/COMMIT/config.json`, as
/// `huggingface_hub` writes it (the file a link into `blobs/`).
fn cache_model(cache: &Path, id: &str, revision: &str, commit: &str, config: &str) {
    let folder = cache.join(format!("models--{}", id.replace('/', "--")));
    let blob = folder.join("blobs").join(format!("etag-{commit}"));
    std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
    std::fs::copy(fixture(config), &blob).unwrap();
    let snapshot = folder.join("snapshots").join(commit);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::os::unix::fs::symlink(
        format!("../../blobs/etag-{commit}"),
        snapshot.join("config.json"),
    )
    .unwrap();
    std::fs::create_dir_all(folder.join("refs")).unwrap();
    std::fs::write(folder.join("refs").join(revision), commit).unwrap();
}

#[test]
fn a_cached_model_id_is_counted_offline_at_any_revision() {
    let cache = temp_dir("cache");
    cache_model(
        &cache,
        "meta-llama/Meta-Llama-3-8B",
        "main",
        COMMIT_A,
        "models/configs/Meta-Llama-3-8B.json",
    );
    cache_model(
        &cache,
        "meta-llama/Meta-Llama-3-8B",
        "small",
        COMMIT_B,
        "models/configs/TinyLlama-1.1B-Chat-v1.0.json",
    );
    let run = |args: &[&str]| output(hub_command(&cache).env("HF_HUB_OFFLINE", "1").args(args));

    assert_eq!(
        run(&["eval", "meta-llama/Meta-Llama-3-8B"]),
        (0, format!("{LLAMA3_8B}\n"), String::new())
    );
    assert_eq!(
        run(&["eval", "--config", "meta-llama/Meta-Llama-3-8B"]).1,
        format!("{LLAMA3_8B}\n")
    );
    assert_eq!(
        run(&["eval", "meta-llama/Meta-Llama-3-8B", "--revision", "small"]).1,
        format!("{TINYLLAMA}\n")
    );
    // A commit hash names its snapshot directly.
    assert_eq!(
        run(&["eval", "meta-llama/Meta-Llama-3-8B", "--revision", COMMIT_B]).1,
        format!("{TINYLLAMA}\n")
    );
    // The family still comes from model_type, and derive and breakdown take the id too.
    let (code, derivation, _) = run(&["derive", "meta-llama/Meta-Llama-3-8B"]);
    assert_eq!(code, 0);
    assert!(
        derivation.trim_end().ends_with(&format!("={LLAMA3_8B}")),
        "{derivation}"
    );
    let (code, table, _) = run(&[
        "breakdown",
        "meta-llama/Meta-Llama-3-8B",
        "--numbers",
        "plain",
    ]);
    assert_eq!(code, 0);
    assert!(table.contains(LLAMA3_8B), "{table}");
    // check --config takes an id as eval does: Llama-3-8B has 32 layers of width 4096.
    let (code, report, err) = run(&[
        "check",
        "--config",
        "meta-llama/Meta-Llama-3-8B",
        "-e",
        "hidden_size*num_hidden_layers = 131072",
    ]);
    assert_eq!(code, 0, "{report}{err}");
    assert!(report.contains("1 claim: 1 hold"), "{report}");

    // Offline, an id that is not cached says so and how to get it.
    let (code, out, err) = run(&["eval", "Qwen/Qwen3-30B-A3B"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("`Qwen/Qwen3-30B-A3B`: `config.json` at revision `main` is not in the cache"),
        "{err}"
    );
    assert!(
        err.contains("HF_HUB_OFFLINE is set, so it was not fetched"),
        "{err}"
    );
    assert!(
        err.contains("huggingface-cli download Qwen/Qwen3-30B-A3B"),
        "{err}"
    );
}

#[test]
fn a_model_directory_is_read_for_its_config() {
    let dir = temp_dir("dir");
    std::fs::copy(
        fixture("models/configs/TinyLlama-1.1B-Chat-v1.0.json"),
        dir.join("config.json"),
    )
    .unwrap();
    let path = dir.to_string_lossy().into_owned();
    let (code, out, err) = output(paramcount().args(["eval", &path]));
    assert_eq!(
        (code, out.as_str()),
        (0, format!("{TINYLLAMA}\n").as_str()),
        "{err}"
    );
    let (code, out, _) = output(paramcount().args(["eval", "--config", &path]));
    assert_eq!((code, out), (0, format!("{TINYLLAMA}\n")));
    let empty = temp_dir("empty-dir");
    let (code, _, err) = output(paramcount().args(["eval", "--config", &empty.to_string_lossy()]));
    assert_eq!(code, 2);
    assert!(err.contains("the directory has no config.json"), "{err}");
}

// ---- a checkpoint with transformers' tensor names ----------------------------------------------

/// LlamaForCausalLM's parameters for a config (transformers' names and shapes).
fn llama_tensors(
    h: u64,
    layers: u64,
    heads: u64,
    kv: u64,
    ff: u64,
    vocab: u64,
) -> Vec<(String, Vec<u64>)> {
    let d = h / heads;
    let mut t = vec![("model.embed_tokens.weight".to_string(), vec![vocab, h])];
    for i in 0..layers {
        let p = format!("model.layers.{i}");
        t.push((format!("{p}.self_attn.q_proj.weight"), vec![heads * d, h]));
        t.push((format!("{p}.self_attn.k_proj.weight"), vec![kv * d, h]));
        t.push((format!("{p}.self_attn.v_proj.weight"), vec![kv * d, h]));
        t.push((format!("{p}.self_attn.o_proj.weight"), vec![h, heads * d]));
        t.push((format!("{p}.mlp.gate_proj.weight"), vec![ff, h]));
        t.push((format!("{p}.mlp.up_proj.weight"), vec![ff, h]));
        t.push((format!("{p}.mlp.down_proj.weight"), vec![h, ff]));
        t.push((format!("{p}.input_layernorm.weight"), vec![h]));
        t.push((format!("{p}.post_attention_layernorm.weight"), vec![h]));
    }
    t.push(("model.norm.weight".into(), vec![h]));
    t.push(("lm_head.weight".into(), vec![vocab, h]));
    t
}

/// A bf16 safetensors file of these tensors: the header written, the data a hole (a sparse file
/// of the full size, gigabytes on paper and nothing on disk).
fn write_safetensors(path: &Path, tensors: &[(String, Vec<u64>)]) {
    let mut header = serde_json::Map::new();
    let mut offset = 0u64;
    for (name, shape) in tensors {
        let bytes = shape.iter().product::<u64>() * 2;
        header.insert(
            name.clone(),
            serde_json::json!({"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + bytes]}),
        );
        offset += bytes;
    }
    let text = serde_json::to_string(&header).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(&(text.len() as u64).to_le_bytes()).unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file.set_len(8 + text.len() as u64 + offset).unwrap();
}

/// Llama-3-8B as a four-shard checkpoint with its index, in `dir`.
fn write_sharded_llama3(dir: &Path) {
    let tensors = llama_tensors(4096, 32, 32, 8, 14336, 128256);
    let per_shard = tensors.len().div_ceil(4);
    let mut weight_map = serde_json::Map::new();
    for (i, shard) in tensors.chunks(per_shard).enumerate() {
        let name = format!("model-{:05}-of-00004.safetensors", i + 1);
        write_safetensors(&dir.join(&name), shard);
        for (tensor, _) in shard {
            weight_map.insert(tensor.clone(), name.clone().into());
        }
    }
    let index = serde_json::json!({"metadata": {"total_size": 0}, "weight_map": weight_map});
    std::fs::write(dir.join("model.safetensors.index.json"), index.to_string()).unwrap();
}

// ---- a Hub stand-in on 127.0.0.1 ----------------------------------------------------------------

/// Serves `/ORG/NAME/resolve/REV/FILE` from `root/ORG/NAME/FILE` with byte ranges, `X-Repo-Commit`
/// and an ETag; `gated/*` answers 401 without `Bearer secret`; anything absent 404. Counts the
/// body bytes it sends.
struct Hub {
    endpoint: String,
    sent: Arc<AtomicU64>,
}

fn start_hub(root: PathBuf) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &root, &counter);
            });
        }
    });
    Hub { endpoint, sent }
}

fn serve(mut stream: TcpStream, root: &Path, sent: &AtomicU64) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let parts: Vec<&str> = path.trim_start_matches('/').splitn(5, '/').collect();
        let reply = |stream: &mut TcpStream, status: &str, extra: &str, body: &[u8]| {
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nX-Repo-Commit: {COMMIT_A}\r\n{extra}\r\n",
                body.len()
            )?;
            stream.write_all(body)?;
            sent.fetch_add(body.len() as u64, Ordering::SeqCst);
            stream.flush()
        };
        if parts.len() != 5 || parts[2] != "resolve" {
            reply(&mut stream, "404 Not Found", "", b"no such page")?;
            continue;
        }
        let (org, name, file) = (parts[0], parts[1], parts[4]);
        if org == "gated"
            && headers.get("authorization").map(String::as_str) != Some("Bearer secret")
        {
            reply(&mut stream, "401 Unauthorized", "", b"gated")?;
            continue;
        }
        let local = root.join(org).join(name).join(file);
        let Ok(mut handle) = std::fs::File::open(&local) else {
            reply(&mut stream, "404 Not Found", "", b"not found")?;
            continue;
        };
        let size = handle.metadata()?.len();
        let etag = format!("ETag: \"{:x}\"\r\n", size);
        match headers.get("range").and_then(|r| r.strip_prefix("bytes=")) {
            Some(range) => {
                let (a, b) = range.split_once('-').unwrap();
                let a: u64 = a.parse().unwrap();
                let b: u64 = b.parse::<u64>().unwrap().min(size - 1);
                let mut body = vec![0u8; (b + 1 - a) as usize];
                handle.seek(SeekFrom::Start(a))?;
                handle.read_exact(&mut body)?;
                let extra = format!("{etag}Content-Range: bytes {a}-{b}/{size}\r\n");
                reply(&mut stream, "206 Partial Content", &extra, &body)?;
            }
            None => {
                // Whole files are served only when small: the test's checkpoints are never sent.
                assert!(size < 1 << 20, "a whole large file was requested: {file}");
                let mut body = Vec::new();
                handle.read_to_end(&mut body)?;
                reply(&mut stream, "200 OK", &etag, &body)?;
            }
        }
    }
}

#[test]
fn a_model_id_is_fetched_from_the_hub_and_its_checkpoint_read_by_headers_alone() {
    let root = temp_dir("served");
    let model = root.join("meta-llama").join("Meta-Llama-3-8B");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::copy(
        fixture("models/configs/Meta-Llama-3-8B.json"),
        model.join("config.json"),
    )
    .unwrap();
    write_sharded_llama3(&model);
    let gated = root.join("gated").join("model");
    std::fs::create_dir_all(&gated).unwrap();
    std::fs::copy(
        fixture("models/configs/TinyLlama-1.1B-Chat-v1.0.json"),
        gated.join("config.json"),
    )
    .unwrap();
    let hub = start_hub(root);
    let cache = temp_dir("fetched");
    let run = |args: &[&str], token: Option<&str>| {
        let mut cmd = hub_command(&cache);
        cmd.env("HF_ENDPOINT", &hub.endpoint).args(args);
        if let Some(token) = token {
            cmd.env("HF_TOKEN", token);
        }
        output(&mut cmd)
    };

    // eval downloads config.json into the cache layout the Python libraries use.
    assert_eq!(
        run(&["eval", "meta-llama/Meta-Llama-3-8B"], None),
        (0, format!("{LLAMA3_8B}\n"), String::new())
    );
    let folder = cache.join("models--meta-llama--Meta-Llama-3-8B");
    assert_eq!(
        std::fs::read_to_string(folder.join("refs/main")).unwrap(),
        COMMIT_A
    );
    let snapshot = folder.join("snapshots").join(COMMIT_A).join("config.json");
    assert!(std::fs::symlink_metadata(&snapshot)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_link(&snapshot)
        .unwrap()
        .starts_with("../../blobs"));
    // ... and afterwards works offline.
    let offline = output(
        hub_command(&cache)
            .env("HF_HUB_OFFLINE", "1")
            .args(["eval", "meta-llama/Meta-Llama-3-8B"]),
    );
    assert_eq!(offline.1, format!("{LLAMA3_8B}\n"));

    // tensors reads the index and each shard's header: 16 GB of checkpoint, under 1 MiB read.
    let before = hub.sent.load(Ordering::SeqCst);
    let (code, table, err) = run(
        &["tensors", "meta-llama/Meta-Llama-3-8B", "--format", "json"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(table.contains(LLAMA3_8B), "{table}");
    let read = hub.sent.load(Ordering::SeqCst) - before;
    assert!(read < 1 << 20, "{read} bytes were read");
    // The headers are cached: a second run reads nothing but what it must resolve.
    let before = hub.sent.load(Ordering::SeqCst);
    let (code, table, _) = run(&["tensors", "meta-llama/Meta-Llama-3-8B"], None);
    assert_eq!(code, 0);
    assert!(table.contains("BF16"), "{table}");
    let again = hub.sent.load(Ordering::SeqCst) - before;
    assert!(
        again < read / 4,
        "{again} bytes on the second run, {read} on the first"
    );

    // verify compares the family's formula with the remote checkpoint, part by part.
    let (code, report, err) = run(&["verify", "meta-llama/Meta-Llama-3-8B"], None);
    assert_eq!(code, 0, "{report}{err}");

    // A gated model: 401 without the right token, counted with it.
    let (code, out, err) = run(&["eval", "gated/model"], None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(
        err.contains("gated or private, and no token was given"),
        "{err}"
    );
    assert!(err.contains("set HF_TOKEN"), "{err}");
    let (code, _, err) = run(&["eval", "gated/model"], Some("wrong"));
    assert_eq!(code, 2);
    assert!(err.contains("the token given has no access to it"), "{err}");
    assert_eq!(
        run(&["eval", "gated/model"], Some("secret")).1,
        format!("{TINYLLAMA}\n")
    );

    // A missing model: 404 with the id as typed.
    let (code, _, err) = run(&["eval", "nobody/Nothing-7B"], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("no model `nobody/Nothing-7B` with revision `main`"),
        "{err}"
    );
    let (code, _, err) = run(
        &["eval", "meta-llama/Meta-Llama-3-8B", "--revision", "v9"],
        None,
    );
    assert_eq!(code, 0, "the stand-in serves every revision: {err}");
}

#[test]
fn a_refused_connection_says_what_was_tried() {
    // Bind and drop a listener: the port is closed on 127.0.0.1.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = temp_dir("refused");
    let (code, _, err) = output(
        hub_command(&cache)
            .env("HF_ENDPOINT", format!("http://127.0.0.1:{port}"))
            .args(["eval", "org/model"]),
    );
    assert_eq!(code, 2);
    assert!(err.contains("cannot reach the Hub"), "{err}");
    assert!(
        err.contains(&format!(
            "http://127.0.0.1:{port}/org/model/resolve/main/config.json"
        )),
        "{err}"
    );
}

// ---- GGUF ------------------------------------------------------------------------------------------

fn gguf_string(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u64).to_le_bytes());
    out.extend(s.as_bytes());
}

/// A GGUF v3 file with llama.cpp's metadata keys and tensor names for TinyLlama-1.1B (untied, so
/// `output.weight` is there), quantized types on the matrices; the data is a hole.
fn write_tinyllama_gguf(path: &Path) {
    let (h, layers, heads, kv, ff, vocab) = (2048u64, 22u64, 32u64, 4u64, 5632u64, 32000u64);
    let d = h / heads;
    let mut tensors: Vec<(String, Vec<u64>, u32)> = vec![
        ("token_embd.weight".into(), vec![h, vocab], 12),
        ("output_norm.weight".into(), vec![h], 0),
        ("output.weight".into(), vec![h, vocab], 14),
    ];
    for i in 0..layers {
        let b = format!("blk.{i}");
        tensors.push((format!("{b}.attn_norm.weight"), vec![h], 0));
        tensors.push((format!("{b}.attn_q.weight"), vec![h, heads * d], 12));
        tensors.push((format!("{b}.attn_k.weight"), vec![h, kv * d], 12));
        tensors.push((format!("{b}.attn_v.weight"), vec![h, kv * d], 14));
        tensors.push((format!("{b}.attn_output.weight"), vec![heads * d, h], 12));
        tensors.push((format!("{b}.ffn_gate.weight"), vec![h, ff], 12));
        tensors.push((format!("{b}.ffn_up.weight"), vec![h, ff], 12));
        tensors.push((format!("{b}.ffn_down.weight"), vec![ff, h], 14));
        tensors.push((format!("{b}.ffn_norm.weight"), vec![h], 0));
    }
    let mut out = b"GGUF".to_vec();
    out.extend(3u32.to_le_bytes());
    out.extend((tensors.len() as u64).to_le_bytes());
    let u32s = [
        ("llama.embedding_length", h),
        ("llama.block_count", layers),
        ("llama.feed_forward_length", ff),
        ("llama.attention.head_count", heads),
        ("llama.attention.head_count_kv", kv),
        ("llama.context_length", 2048),
    ];
    out.extend((u32s.len() as u64 + 3).to_le_bytes());
    gguf_string(&mut out, "general.architecture");
    out.extend(8u32.to_le_bytes());
    gguf_string(&mut out, "llama");
    for (key, value) in u32s {
        gguf_string(&mut out, key);
        out.extend(4u32.to_le_bytes());
        out.extend((value as u32).to_le_bytes());
    }
    gguf_string(&mut out, "llama.attention.layer_norm_rms_epsilon");
    out.extend(6u32.to_le_bytes());
    out.extend(1e-5f32.to_le_bytes());
    // The vocabulary: an array of strings that the reader skips, keeping its length.
    gguf_string(&mut out, "tokenizer.ggml.tokens");
    out.extend(9u32.to_le_bytes());
    out.extend(8u32.to_le_bytes());
    out.extend(vocab.to_le_bytes());
    for i in 0..vocab {
        gguf_string(&mut out, &format!("t{i}"));
    }
    for (name, dims, kind) in &tensors {
        gguf_string(&mut out, name);
        out.extend((dims.len() as u32).to_le_bytes());
        for d in dims {
            out.extend(d.to_le_bytes());
        }
        out.extend(kind.to_le_bytes());
        out.extend(0u64.to_le_bytes());
    }
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(&out).unwrap();
    file.set_len(out.len() as u64 + (1 << 30)).unwrap();
}

#[test]
fn a_gguf_file_counts_the_same_from_its_tensors_and_from_its_metadata() {
    let dir = temp_dir("gguf");
    let path = dir.join("tinyllama-Q4_K_M.gguf");
    write_tinyllama_gguf(&path);
    let path = path.to_string_lossy().into_owned();

    let (code, table, err) = output(paramcount().args(["tensors", &path]));
    assert_eq!(code, 0, "{err}");
    let total_line = table
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap_or_default();
    assert!(total_line.contains("1,100,048,384"), "{table}");
    assert!(table.contains("Q4_K") && table.contains("Q6_K"), "{table}");

    assert_eq!(
        output(paramcount().args(["eval", &path])).1,
        format!("{TINYLLAMA}\n")
    );
    assert_eq!(
        output(paramcount().args(["eval", "--config", &path])).1,
        format!("{TINYLLAMA}\n")
    );
    let (code, report, err) = output(paramcount().args(["verify", &path]));
    assert_eq!(code, 0, "{report}{err}");
    assert!(!report.contains("differs"), "{report}");
}

#[test]
fn a_truncated_or_hostile_gguf_file_is_a_clear_error() {
    let dir = temp_dir("gguf-bad");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("short.gguf", b"GGUF\x03\x00".to_vec(), "only 2 are left"),
        (
            "counts.gguf",
            [
                b"GGUF".as_slice(),
                &3u32.to_le_bytes(),
                &u64::MAX.to_le_bytes(),
                &0u64.to_le_bytes(),
            ]
            .concat(),
            "more than its",
        ),
        (
            "string.gguf",
            [
                b"GGUF".as_slice(),
                &3u32.to_le_bytes(),
                &0u64.to_le_bytes(),
                &1u64.to_le_bytes(),
                &(1u64 << 40).to_le_bytes(),
                &[0u8; 16],
            ]
            .concat(),
            "a metadata key says it is 1099511627776 bytes long",
        ),
        (
            "version.gguf",
            [
                b"GGUF".as_slice(),
                &9u32.to_le_bytes(),
                &0u64.to_le_bytes(),
                &0u64.to_le_bytes(),
            ]
            .concat(),
            "GGUF version 9",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, _, err) = output(paramcount().args(["tensors", &path.to_string_lossy()]));
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
    }
}
