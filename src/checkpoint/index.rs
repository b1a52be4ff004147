//! A sharded checkpoint: `model.safetensors.index.json` maps each tensor name to the shard holding
//! it (`"weight_map": {"embed_tokens.weight": "model-00001-of-00002.safetensors", ...}`). Every shard
//! is read once, for its header, and must hold exactly the tensors the index gives it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{safetensors, Checkpoint};
use crate::error::{Error, Result};
use crate::program::read_text;

/// Whether a text is an index: a JSON object with a `weight_map`.
pub(super) fn is_index(text: &str) -> bool {
    text.trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|v| v.get("weight_map").is_some())
}

pub(super) fn read(path: &str, checkpoint: &mut Checkpoint) -> Result<()> {
    let text = read_text(path)?;
    let folder = Path::new(path).parent().unwrap_or(Path::new(""));
    read_with(path, &text, checkpoint, |shard, file| {
        let shard_path = folder.join(shard).to_string_lossy().into_owned();
        Ok((shard_path.clone(), safetensors::read(&shard_path, file)?))
    })
}

/// An index's text, with `shard(NAME, FILE_INDEX)` reading each shard it names (from disk, or over
/// the network) into the shard's display name and its tensors.
pub(super) fn read_with(
    path: &str,
    text: &str,
    checkpoint: &mut Checkpoint,
    mut shard_reader: impl FnMut(&str, usize) -> Result<(String, Vec<super::Tensor>)>,
) -> Result<()> {
    let bad = |message: String, help: &str| Error::Checkpoint {
        path: path.to_string(),
        message,
        help: help.to_string(),
    };
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(
            format!("the index is not valid JSON: {e}"),
            "fix the JSON at the place shown",
        )
    })?;
    let Some(map) = document.get("weight_map").and_then(|m| m.as_object()) else {
        return Err(bad(
            "the index has no `weight_map` object".into(),
            "a sharded checkpoint's index reads {\"weight_map\": {\"TENSOR\": \"SHARD.safetensors\", ...}}",
        ));
    };
    let mut shards: Vec<&str> = Vec::new();
    // Per shard, the tensors the index puts there, in the index's order.
    let mut expected: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, shard) in map {
        let Some(shard) = shard.as_str() else {
            return Err(bad(
                format!("`weight_map` gives tensor `{name}` a shard that is not a file name"),
                "each value of weight_map is the shard's file name",
            ));
        };
        if !expected.contains_key(shard) {
            shards.push(shard);
        }
        expected.entry(shard).or_default().push(name.as_str());
    }
    for shard in shards {
        let file = checkpoint.add_file(shard);
        let (shard_name, tensors) = shard_reader(shard, file)?;
        checkpoint.files[file] = shard_name;
        let listed: HashSet<&str> = expected.get(shard).into_iter().flatten().copied().collect();
        let held: HashSet<&str> = tensors.iter().map(|t| t.name.as_str()).collect();
        if let Some(name) = tensors
            .iter()
            .map(|t| t.name.as_str())
            .find(|n| !listed.contains(n))
        {
            return Err(bad(
                format!(
                    "shard `{shard}` holds tensor `{name}`, which the index does not put there"
                ),
                "the index and its shards are from different downloads; fetch them together",
            ));
        }
        let in_index = expected.get(shard).into_iter().flatten();
        if let Some(name) = in_index.into_iter().find(|n| !held.contains(*n)) {
            return Err(bad(
                format!(
                    "the index puts tensor `{name}` in shard `{shard}`, which does not hold it"
                ),
                "the index and its shards are from different downloads; fetch them together",
            ));
        }
        for tensor in tensors {
            checkpoint
                .push(tensor)
                .map_err(|message| bad(message, "a tensor must be in one shard only"))?;
        }
    }
    Ok(())
}
