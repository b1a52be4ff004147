//! A `.safetensors` file's header: the 8-byte little-endian length, then that many bytes of JSON
//! naming each tensor's dtype, shape and byte range in the data that follows. Only the header is
//! read; the file's length (from the file system) tells whether the data is all there.
//!
//! The `safetensors` crate owns the format: its `TensorInfo` and `Dtype` read each entry, and its
//! `Metadata::new` checks that the byte ranges follow each other and fit each shape and dtype. Its
//! `read_metadata` wants the whole file in memory (or mapped), so the header is read here and handed
//! to it, and the entries are read one by one so that an error can name its tensor.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use ::safetensors::tensor::{Metadata, SafeTensorError, TensorInfo};

use super::{element_count, shape_text, Tensor};
use crate::error::{Error, Result};

/// The largest header the format allows (the `safetensors` crate's limit).
const MAX_HEADER: u64 = 100_000_000;

fn bad(path: &str, message: String, help: &str) -> Error {
    Error::Checkpoint {
        path: path.to_string(),
        message,
        help: help.to_string(),
    }
}

const DAMAGED: &str = "the file is damaged or not a safetensors file; download it again";

/// Whether a file that is not named `.safetensors` starts like one: a length that fits in the file,
/// then `{`.
pub(super) fn looks_like(path: &Path) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let Ok(len) = file.metadata().map(|m| m.len()) else {
        return false;
    };
    let mut start = [0u8; 9];
    if file.read_exact(&mut start).is_err() {
        return false;
    }
    let mut length = [0u8; 8];
    length.copy_from_slice(&start[..8]);
    let n = u64::from_le_bytes(length);
    start[8] == b'{' && n <= MAX_HEADER && n.saturating_add(8) <= len
}

/// The tensors a safetensors file's header describes, in the header's order.
pub(super) fn read(path: &str, file_index: usize) -> Result<Vec<Tensor>> {
    let io = |e: std::io::Error| Error::Io {
        path: path.to_string(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            _ => e.to_string(),
        },
    };
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len < 8 {
        return Err(bad(
            path,
            format!("the file has {len} bytes: too short for a safetensors file, whose header length alone takes 8"),
            DAMAGED,
        ));
    }
    let mut length = [0u8; 8];
    file.read_exact(&mut length).map_err(io)?;
    let n = u64::from_le_bytes(length);
    if n > MAX_HEADER {
        return Err(bad(
            path,
            format!(
                "the header length says {n} bytes, more than the 100,000,000 the format allows"
            ),
            DAMAGED,
        ));
    }
    if n > len - 8 {
        return Err(bad(
            path,
            format!(
                "the header length says {n} bytes, but only {} follow it: the header is longer than the file",
                len - 8
            ),
            DAMAGED,
        ));
    }
    // n <= MAX_HEADER, so it fits in usize.
    let mut header = vec![0u8; n as usize];
    file.read_exact(&mut header).map_err(io)?;
    parse(path, &header, Some(len - 8 - n), file_index)
}

/// The tensors of a header (the JSON after the 8-byte length). `present` is the number of bytes
/// that follow the header in the file, when known: the data must fill them exactly.
pub(super) fn parse(
    path: &str,
    header: &[u8],
    present: Option<u64>,
    file_index: usize,
) -> Result<Vec<Tensor>> {
    let header = std::str::from_utf8(header).map_err(|e| {
        bad(
            path,
            format!(
                "the header is not UTF-8 text (invalid byte at offset {} of the header)",
                e.valid_up_to()
            ),
            DAMAGED,
        )
    })?;
    let entries: serde_json::Map<String, serde_json::Value> = serde_json::from_str(header)
        .map_err(|e| {
            bad(
                path,
                format!("the header is not a valid JSON object: {e}"),
                DAMAGED,
            )
        })?;

    let mut tensors = Vec::new();
    let mut infos = Vec::new();
    for (name, value) in entries {
        if name == "__metadata__" {
            continue;
        }
        let info: TensorInfo = serde_json::from_value(value).map_err(|e| {
            bad(
                path,
                format!("tensor `{name}` in the header: {e}"),
                "each entry reads {\"dtype\": \"F32\", \"shape\": [768, 768], \"data_offsets\": [START, END]}",
            )
        })?;
        let shape: Vec<u64> = info.shape.iter().map(|&d| d as u64).collect();
        let elements = element_count(&shape).ok_or_else(|| {
            bad(
                path,
                format!(
                    "tensor `{name}` has shape {}: its element count overflows 128 bits",
                    shape_text(&shape)
                ),
                DAMAGED,
            )
        })?;
        let (start, end) = info.data_offsets;
        tensors.push(Tensor {
            name: name.clone(),
            shape,
            elements,
            dtype: Some(info.dtype.to_string()),
            bytes: Some(end.saturating_sub(start) as u64),
            file: file_index,
        });
        infos.push((name, info));
    }

    // The format's own checks: byte ranges in order, each the size its shape and dtype need.
    infos.sort_by_key(|(_, info)| info.data_offsets);
    let metadata = Metadata::new(None, infos).map_err(|e| {
        let message = match e {
            SafeTensorError::InvalidOffset(name) => format!(
                "tensor `{name}`'s data_offsets do not start where the tensor before it ends"
            ),
            SafeTensorError::TensorInvalidInfo => {
                "a tensor's data_offsets do not span the bytes its shape and dtype need".to_string()
            }
            SafeTensorError::ValidationOverflow => {
                "a tensor's size in bytes overflows: its shape is too large".to_string()
            }
            other => format!("the header is inconsistent: {other}"),
        };
        bad(path, message, DAMAGED)
    })?;
    let data = metadata.data_len() as u64;
    let Some(present) = present else {
        return Ok(tensors);
    };
    if data > present {
        return Err(bad(
            path,
            format!(
                "the file is truncated: the header describes {data} bytes of tensor data, but only {present} follow it"
            ),
            "the download was cut short; fetch the file again",
        ));
    }
    if data < present {
        return Err(bad(
            path,
            format!(
                "the file has {} bytes after the last tensor's data, which the format does not allow",
                present - data
            ),
            DAMAGED,
        ));
    }
    Ok(tensors)
}
