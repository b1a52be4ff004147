//! Checkpoints on disk, read for their tensors' names, shapes and dtypes: never the weights.
//!
//! What people have: a `.safetensors` file (an 8-byte length and a JSON header in front of the
//! data: only those are read, so a file of many gigabytes takes milliseconds), a sharded checkpoint
//! (`model.safetensors.index.json` and the shards it names), a directory holding either, or a
//! listing pasted from PyTorch (`name: shape` lines, or a JSON object of names to shapes). Each is
//! read into one `Checkpoint`: the tensors with exact element counts. `verify` matches them
//! against a formula's parts; `paramcount tensors` sums them.
//!
//! Element counts are exact (`u128`, every product and sum checked): a shape whose count does not
//! fit is an error, never a wrapped number.

pub mod gguf;
mod index;
mod listing;
mod safetensors;

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::program::read_text;
use crate::syntax::Sources;

/// One tensor of a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tensor {
    pub name: String,
    pub shape: Vec<u64>,
    /// The number of elements: the product of the shape (1 for a scalar).
    pub elements: u128,
    /// The dtype as the file spells it (`F32`, `BF16`); a listing may not say.
    pub dtype: Option<String>,
    /// Bytes of data, when the file says (safetensors).
    pub bytes: Option<u64>,
    /// Which of `Checkpoint::files` it was read from.
    pub file: usize,
}

/// The tensors of every input, in the order read.
#[derive(Clone, Debug, Default)]
pub struct Checkpoint {
    /// The files read: the inputs, and the shards an index names.
    pub files: Vec<String>,
    pub tensors: Vec<Tensor>,
    total: u128,
    by_name: HashMap<String, usize>,
    /// llama.cpp's architecture name, when a GGUF file was read (its tensor names are llama.cpp's).
    pub gguf_architecture: Option<String>,
}

/// The tensors of a safetensors file on the Hub, from its header alone.
fn remote_tensors(
    model: &crate::hub::Model,
    name: &str,
    file: &str,
    file_index: usize,
) -> Result<Vec<Tensor>> {
    let (bytes, size) = model.safetensors_header(file)?;
    let header_len = bytes.len() as u64 - 8;
    let present = size.map(|s| s.saturating_sub(8 + header_len));
    safetensors::parse(name, &bytes[8..], present, file_index)
}

/// The sums of the tensors under one name prefix (`encoder.layer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixSum {
    pub prefix: String,
    /// 1 for a first segment (`encoder`), 2 for `encoder.layer`, ...
    pub depth: usize,
    pub elements: u128,
    pub tensors: usize,
    /// Bytes of data, when every tensor under the prefix has a known size.
    pub bytes: Option<u128>,
}

/// The sums of the tensors of one dtype.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DtypeSum {
    /// `None` for tensors of a listing that does not say.
    pub dtype: Option<String>,
    pub elements: u128,
    pub tensors: usize,
    pub bytes: Option<u128>,
}

/// The element count of a shape, or `None` when it does not fit in 128 bits.
pub fn element_count(shape: &[u64]) -> Option<u128> {
    shape
        .iter()
        .try_fold(1u128, |n, &d| n.checked_mul(u128::from(d)))
}

/// A shape as `[30522, 768]`.
pub fn shape_text(shape: &[u64]) -> String {
    let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
    format!("[{}]", dims.join(", "))
}

impl Checkpoint {
    /// Reads every input: a `.safetensors` file, a `*.index.json`, a directory, a listing, or `-`
    /// (a listing on standard input). A listing's text is added to `sources`, so an error in it
    /// points at its line.
    pub fn read(paths: &[String], sources: &mut Sources) -> Result<Checkpoint> {
        Checkpoint::read_at(paths, sources, None)
    }

    /// As `read`, and a Hub model id among the inputs is read at `revision` (default `main`):
    /// its safetensors headers over HTTP range requests, never the weights.
    pub fn read_at(
        paths: &[String],
        sources: &mut Sources,
        revision: Option<&str>,
    ) -> Result<Checkpoint> {
        let mut checkpoint = Checkpoint::default();
        if paths.is_empty() {
            return Err(Error::Usage {
                message: "no checkpoint given".into(),
                help: "name a .safetensors file, a model.safetensors.index.json, a directory or a listing".into(),
            });
        }
        for path in paths {
            checkpoint.read_path(path, sources, revision)?;
        }
        Ok(checkpoint)
    }

    fn read_path(
        &mut self,
        path: &str,
        sources: &mut Sources,
        revision: Option<&str>,
    ) -> Result<()> {
        let location = Path::new(path);
        if path != "-" && !location.exists() && crate::hub::looks_like_id(path) {
            return self.read_hub(path, revision);
        }
        if path != "-" && location.is_file() && gguf::looks_like(location) {
            let file = self.add_file(path);
            let read = gguf::read(path, file)?;
            self.gguf_architecture = read.architecture().map(str::to_string);
            for tensor in read.tensors {
                self.push(tensor).map_err(|message| Error::Checkpoint {
                    path: path.to_string(),
                    message,
                    help: "the file is damaged; download it again".into(),
                })?;
            }
            return Ok(());
        }
        if path != "-" && location.is_dir() {
            let index = location.join("model.safetensors.index.json");
            if index.is_file() {
                return index::read(&index.to_string_lossy(), self);
            }
            let mut files: Vec<String> = std::fs::read_dir(location)
                .map_err(|e| Error::Io {
                    path: path.to_string(),
                    message: e.to_string(),
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "safetensors") && p.is_file())
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if files.is_empty() {
                return Err(Error::Checkpoint {
                    path: path.to_string(),
                    message:
                        "the directory has no model.safetensors.index.json and no .safetensors file"
                            .into(),
                    help: "name the checkpoint's files, or a listing of its tensors".into(),
                });
            }
            files.sort();
            for file in files {
                self.read_safetensors(&file)?;
            }
            return Ok(());
        }
        if path.ends_with(".safetensors") || (path != "-" && safetensors::looks_like(location)) {
            return self.read_safetensors(path);
        }
        let pickle = [".bin", ".pt", ".pth", ".ckpt", ".pkl"];
        if pickle.iter().any(|ext| path.ends_with(ext)) {
            return Err(Error::Checkpoint {
                path: path.to_string(),
                message: "PyTorch pickle checkpoints are not read: only their code can list their tensors".into(),
                help: "use the model's .safetensors files, or paste `for n, p in model.named_parameters(): print(n, p.shape)` as a listing".into(),
            });
        }
        let text = read_text(path).map_err(|error| match error {
            Error::NotText { path, .. } | Error::BinaryInput { path, .. } => Error::Checkpoint {
                path,
                message: "neither a safetensors file nor a text listing of tensors".into(),
                help: "give .safetensors files, a model.safetensors.index.json, a directory, or `name: shape` lines".into(),
            },
            other => other,
        })?;
        if index::is_index(&text) {
            return index::read(path, self);
        }
        let name = if path == "-" { "<stdin>" } else { path };
        let source = sources.add(name, text);
        let file = self.add_file(name);
        for tensor in listing::parse(sources, source, file)? {
            let span = tensor.1;
            self.push(tensor.0).map_err(|message| Error::Tensors {
                span,
                message,
                label: "this tensor".into(),
                help: "each tensor may appear once; check for a line pasted twice".into(),
            })?;
        }
        Ok(())
    }

    /// A Hub model's checkpoint: `model.safetensors.index.json` and each shard's header, or the
    /// one `model.safetensors`'s header.
    fn read_hub(&mut self, id: &str, revision: Option<&str>) -> Result<()> {
        let model = crate::hub::Model::new(id, revision)?;
        let index_name = "model.safetensors.index.json";
        if model.has_file(index_name)? {
            let index_path = model.file(index_name)?;
            let text = read_text(&index_path.to_string_lossy())?;
            return index::read_with(&format!("{id}/{index_name}"), &text, self, |shard, file| {
                let name = format!("{id}/{shard}");
                Ok((name.clone(), remote_tensors(&model, &name, shard, file)?))
            });
        }
        let single = "model.safetensors";
        if !model.has_file(single)? {
            return Err(Error::Hub {
                id: id.to_string(),
                message: format!("the model has neither `{index_name}` nor `{single}`"),
                help: "only safetensors checkpoints are read by their headers; a PyTorch .bin checkpoint can be listed from Python and piped to `paramcount tensors -`".into(),
            });
        }
        let name = format!("{id}/{single}");
        let file = self.add_file(&name);
        for tensor in remote_tensors(&model, &name, single, file)? {
            self.push(tensor).map_err(|message| Error::Checkpoint {
                path: name.clone(),
                message,
                help: "the file on the Hub names a tensor twice".into(),
            })?;
        }
        Ok(())
    }

    /// The same checkpoint with llama.cpp's tensor names given transformers' names, so that a
    /// family's tensor patterns match them; a name llama.cpp uses alone (`rope_freqs.weight`) stays.
    pub fn with_transformers_names(&self) -> Checkpoint {
        let Some(arch) = &self.gguf_architecture else {
            return self.clone();
        };
        let mut renamed = Checkpoint {
            files: self.files.clone(),
            ..Checkpoint::default()
        };
        for tensor in &self.tensors {
            let mut tensor = tensor.clone();
            if let Some(name) = gguf::hf_name(arch, &tensor.name) {
                tensor.name = name;
            }
            // Two names cannot meet: the mapping is one to one.
            let _ = renamed.push(tensor);
        }
        renamed
    }

    fn read_safetensors(&mut self, path: &str) -> Result<()> {
        let file = self.add_file(path);
        for tensor in safetensors::read(path, file)? {
            self.push(tensor).map_err(|message| Error::Checkpoint {
                path: path.to_string(),
                message,
                help: "give each file once: a shard and its index, or two copies, hold the same tensors".into(),
            })?;
        }
        Ok(())
    }

    fn add_file(&mut self, path: &str) -> usize {
        self.files.push(path.to_string());
        self.files.len() - 1
    }

    /// Adds a tensor; a name seen before, or a total past 128 bits, is refused.
    fn push(&mut self, tensor: Tensor) -> std::result::Result<(), String> {
        if let Some(&before) = self.by_name.get(&tensor.name) {
            let first = &self.files[self.tensors[before].file];
            return Err(format!(
                "tensor `{}` appears twice (first in `{first}`)",
                tensor.name
            ));
        }
        self.total = self.total.checked_add(tensor.elements).ok_or_else(|| {
            format!(
                "adding tensor `{}` takes the total past 2^128 elements",
                tensor.name
            )
        })?;
        self.by_name.insert(tensor.name.clone(), self.tensors.len());
        self.tensors.push(tensor);
        Ok(())
    }

    /// The exact number of elements of all tensors.
    pub fn total(&self) -> u128 {
        self.total
    }

    /// The tensor called `name`.
    pub fn get(&self, name: &str) -> Option<&Tensor> {
        self.by_name.get(name).map(|&i| &self.tensors[i])
    }

    /// Sums per name prefix, as a tree `depth` segments deep, in depth-first order; siblings in
    /// natural order (`layer.2` before `layer.10`).
    pub fn tree(&self, depth: usize) -> Vec<PrefixSum> {
        #[derive(Default)]
        struct Node {
            sum: Option<PrefixSum>,
            children: Vec<String>,
        }
        let mut nodes: HashMap<String, Node> = HashMap::new();
        let mut roots: Vec<String> = Vec::new();
        for tensor in &self.tensors {
            let segments: Vec<&str> = tensor.name.split('.').collect();
            let mut parent: Option<String> = None;
            for d in 1..=depth.min(segments.len()) {
                let prefix = segments[..d].join(".");
                let node = nodes.entry(prefix.clone()).or_default();
                let fresh = node.sum.is_none();
                let sum = node.sum.get_or_insert_with(|| PrefixSum {
                    prefix: prefix.clone(),
                    depth: d,
                    elements: 0,
                    tensors: 0,
                    bytes: Some(0),
                });
                // The checkpoint's total fits in u128, so every partial sum does.
                sum.elements = sum.elements.saturating_add(tensor.elements);
                sum.tensors += 1;
                sum.bytes = match (sum.bytes, tensor.bytes) {
                    (Some(b), Some(t)) => Some(b.saturating_add(u128::from(t))),
                    _ => None,
                };
                if fresh {
                    match &parent {
                        Some(p) => {
                            if let Some(parent_node) = nodes.get_mut(p) {
                                parent_node.children.push(prefix.clone());
                            }
                        }
                        None => roots.push(prefix.clone()),
                    }
                }
                parent = Some(prefix);
            }
        }
        let mut out = Vec::new();
        roots.sort_by(|a, b| natural_order(a, b));
        let mut stack: Vec<String> = roots.into_iter().rev().collect();
        while let Some(prefix) = stack.pop() {
            if let Some(node) = nodes.remove(&prefix) {
                let mut children = node.children;
                children.sort_by(|a, b| natural_order(a, b));
                stack.extend(children.into_iter().rev());
                out.extend(node.sum);
            }
        }
        out
    }

    /// Sums per dtype, in the order the dtypes first appear.
    pub fn dtypes(&self) -> Vec<DtypeSum> {
        let mut sums: Vec<DtypeSum> = Vec::new();
        for tensor in &self.tensors {
            let position = sums.iter().position(|s| s.dtype == tensor.dtype);
            let sum = match position {
                Some(i) => &mut sums[i],
                None => {
                    sums.push(DtypeSum {
                        dtype: tensor.dtype.clone(),
                        elements: 0,
                        tensors: 0,
                        bytes: Some(0),
                    });
                    let last = sums.len() - 1;
                    &mut sums[last]
                }
            };
            sum.elements = sum.elements.saturating_add(tensor.elements);
            sum.tensors += 1;
            sum.bytes = match (sum.bytes, tensor.bytes) {
                (Some(b), Some(t)) => Some(b.saturating_add(u128::from(t))),
                _ => None,
            };
        }
        sums
    }

    /// Bytes of all tensor data, when every tensor's size is known.
    pub fn bytes(&self) -> Option<u128> {
        self.tensors.iter().try_fold(0u128, |sum, t| {
            t.bytes.map(|b| sum.saturating_add(u128::from(b)))
        })
    }
}

/// Dotted names compared segment by segment, numbers by value: `h.2` before `h.10`.
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => x.cmp(y),
                };
                if order != std::cmp::Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_counts_are_checked() {
        assert_eq!(element_count(&[30522, 768]), Some(23_440_896));
        assert_eq!(element_count(&[]), Some(1));
        assert_eq!(element_count(&[0, 5]), Some(0));
        assert_eq!(
            element_count(&[u64::MAX, u64::MAX]),
            Some(u128::from(u64::MAX) * u128::from(u64::MAX))
        );
        assert_eq!(element_count(&[u64::MAX, u64::MAX, 2]), None);
    }

    #[test]
    fn names_sort_naturally() {
        let mut names = vec!["h.10.x", "h.2.x", "h.1.y", "ln_f"];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(names, ["h.1.y", "h.2.x", "h.10.x", "ln_f"]);
    }
}
