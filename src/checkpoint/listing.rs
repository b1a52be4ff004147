//! A listing of tensors, as people paste it from PyTorch:
//!
//! - lines of a name and a shape: `embeddings.word_embeddings.weight: [30522, 768]`, or what
//!   `print(name, p.shape)` writes, `bert.pooler.dense.bias torch.Size([768])`, with the shape also as
//!   `(768, 768)`, `768x768` or `768 768`, optionally followed by a dtype (`torch.float16`, `F32`);
//!   blank lines and `#` comments are skipped;
//! - or a JSON object of names to shapes (`{"wte.weight": [50257, 768]}`); a value may also be an
//!   object with a `shape` (and a `dtype`), so a safetensors header pasted as JSON reads too.

use super::{element_count, shape_text, Tensor};
use crate::error::{Error, Result};
use crate::syntax::{SourceId, Sources, Span};

/// The tensors of a listing, each with the span of its line (or JSON key).
pub(super) fn parse(
    sources: &Sources,
    source: SourceId,
    file: usize,
) -> Result<Vec<(Tensor, Span)>> {
    let text = &sources.get(source).text;
    if text.trim_start().starts_with('{') {
        parse_json(text, source, file)
    } else {
        parse_lines(text, source, file)
    }
}

fn error(span: Span, message: impl Into<String>, label: &str) -> Error {
    Error::Tensors {
        span,
        message: message.into(),
        label: label.into(),
        help: "a listing line reads `NAME: [D1, D2, ...]` (or `NAME torch.Size([D1, D2])`, `NAME 768x768`)"
            .into(),
    }
}

/// Byte offset of `part` (a slice of `text`) in `text`.
fn offset(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

fn parse_lines(text: &str, source: SourceId, file: usize) -> Result<Vec<(Tensor, Span)>> {
    let mut tensors = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let span_of = |part: &str| {
            let start = offset(text, part);
            Span::new(source, start, start + part.len().max(1))
        };
        let line_span = span_of(trimmed);
        let name_end = trimmed
            .find(|c: char| c == ':' || c.is_whitespace())
            .unwrap_or(trimmed.len());
        let name = &trimmed[..name_end];
        let rest = trimmed[name_end..].trim_start();
        let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        if rest.is_empty() {
            return Err(error(
                line_span,
                format!("tensor `{name}` has no shape"),
                "no shape on this line",
            ));
        }
        let (dims, after) = split_shape(rest).ok_or_else(|| {
            error(
                span_of(rest),
                "cannot read a shape here",
                "expected a shape such as [768, 768]",
            )
        })?;
        let mut shape = Vec::new();
        for dim in dims
            .split(|c: char| c == ',' || c == 'x' || c == '×' || c.is_whitespace())
            .filter(|d| !d.is_empty())
        {
            let digits = dim.replace('_', "");
            let value = digits.parse::<u64>().map_err(|_| {
                error(
                    span_of(dim),
                    format!("`{dim}` is not a dimension (a whole number under 2^64)"),
                    "not a dimension",
                )
            })?;
            shape.push(value);
        }
        let dtype = read_dtype(after).map_err(|junk| {
            error(
                span_of(junk),
                "unexpected text after the shape",
                "only a dtype may follow the shape",
            )
        })?;
        let elements = element_count(&shape).ok_or_else(|| {
            error(
                line_span,
                format!(
                    "tensor `{name}` has shape {}: its element count overflows 128 bits",
                    shape_text(&shape)
                ),
                "this shape",
            )
        })?;
        tensors.push((
            Tensor {
                name: name.to_string(),
                shape,
                elements,
                dtype,
                bytes: None,
                file,
            },
            span_of(name),
        ));
    }
    Ok(tensors)
}

/// The dimensions' text of a shape at the start of `text`, and what follows it.
fn split_shape(text: &str) -> Option<(&str, &str)> {
    fn inside(rest: &str, close: char) -> Option<(&str, &str)> {
        rest.find(close)
            .map(|end| (&rest[..end], &rest[end + close.len_utf8()..]))
    }
    if let Some(rest) = text.strip_prefix("torch.Size(") {
        let (dims, after) = inside(rest.trim_start().strip_prefix('[')?, ']')?;
        let after = after.trim_start().strip_prefix(')')?;
        return Some((dims, after));
    }
    if let Some(rest) = text.strip_prefix('[') {
        return inside(rest, ']');
    }
    if let Some(rest) = text.strip_prefix('(') {
        return inside(rest, ')');
    }
    // Bare dimensions: `768x768`, `768, 768`, `768 768`.
    let end = text
        .find(|c: char| {
            !(c.is_ascii_digit() || matches!(c, ',' | 'x' | '×' | '_') || c.is_whitespace())
        })
        .unwrap_or(text.len());
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((&text[..end], &text[end..]))
}

/// An optional dtype after a shape (`torch.float16`, `dtype=torch.bfloat16`, `F32`); other text is
/// returned as the error.
fn read_dtype(after: &str) -> std::result::Result<Option<String>, &str> {
    let text = after.trim();
    let text = text.strip_prefix(',').unwrap_or(text).trim_start();
    if text.is_empty() {
        return Ok(None);
    }
    let word = text.strip_prefix("dtype=").unwrap_or(text);
    let plain = word.strip_prefix("torch.").unwrap_or(word);
    if !plain.is_empty() && plain.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(Some(plain.to_string()))
    } else {
        Err(text)
    }
}

fn parse_json(text: &str, source: SourceId, file: usize) -> Result<Vec<(Tensor, Span)>> {
    let whole = Span::new(source, 0, text.len().min(1));
    let entries: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| {
            let at = line_column_offset(text, e.line(), e.column());
            Error::Tensors {
                span: Span::new(source, at, (at + 1).min(text.len()).max(at)),
                message: format!("the listing is not a valid JSON object: {e}"),
                label: "the JSON breaks here".into(),
                help: "a JSON listing reads {\"NAME\": [D1, D2], ...}".into(),
            }
        })?;
    let mut tensors = Vec::new();
    for (name, value) in entries {
        if name == "__metadata__" {
            continue;
        }
        // Point at the key where it is written (the first occurrence of the quoted name).
        let span = text
            .find(&format!("\"{name}\""))
            .map(|at| Span::new(source, at, at + name.len() + 2))
            .unwrap_or(whole);
        let bad = |message: String| {
            Error::Tensors {
            span,
            message,
            label: "this tensor".into(),
            help: "a JSON listing reads {\"NAME\": [D1, D2], ...} or {\"NAME\": {\"shape\": [D1, D2], \"dtype\": \"F32\"}}".into(),
        }
        };
        let (shape_value, dtype) = match &value {
            serde_json::Value::Object(fields) => (
                fields
                    .get("shape")
                    .cloned()
                    .unwrap_or(serde_json::Value::Null),
                fields
                    .get("dtype")
                    .and_then(|d| d.as_str())
                    .map(str::to_string),
            ),
            other => (other.clone(), None),
        };
        let Some(dims) = shape_value.as_array() else {
            return Err(bad(format!(
                "tensor `{name}` has no shape (a list of dimensions)"
            )));
        };
        let mut shape = Vec::new();
        for dim in dims {
            let value = dim
                .as_u64()
                .or_else(|| dim.to_string().parse::<u64>().ok())
                .ok_or_else(|| {
                    bad(format!(
                        "tensor `{name}`: `{dim}` is not a dimension (a whole number under 2^64)"
                    ))
                })?;
            shape.push(value);
        }
        let elements = element_count(&shape).ok_or_else(|| {
            bad(format!(
                "tensor `{name}` has shape {}: its element count overflows 128 bits",
                shape_text(&shape)
            ))
        })?;
        tensors.push((
            Tensor {
                name,
                shape,
                elements,
                dtype,
                bytes: None,
                file,
            },
            span,
        ));
    }
    Ok(tensors)
}

/// The byte offset of a 1-based line and column (as serde_json reports them).
fn line_column_offset(text: &str, line: usize, column: usize) -> usize {
    let mut at = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (at + column.saturating_sub(1)).min(text.len());
        }
        at += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(text: &str) -> Vec<(String, Vec<u64>, Option<String>)> {
        let mut sources = Sources::new();
        let source = sources.add("listing", text);
        parse(&sources, source, 0)
            .unwrap()
            .into_iter()
            .map(|(t, _)| (t.name, t.shape, t.dtype))
            .collect()
    }

    #[test]
    fn the_shapes_people_paste() {
        let text = "# from named_parameters\n\
            a.weight: [30522, 768]\n\
            b.weight torch.Size([768, 768])\n\
            c.bias torch.Size([768]) torch.float16\n\
            d (3, 4)\n\
            e: 768x3072\n\
            f: 2 3, F32\n\
            g: []\n";
        let got = shapes(text);
        assert_eq!(got[0], ("a.weight".into(), vec![30522, 768], None));
        assert_eq!(got[1].1, vec![768, 768]);
        assert_eq!(got[2], ("c.bias".into(), vec![768], Some("float16".into())));
        assert_eq!(got[3].1, vec![3, 4]);
        assert_eq!(got[4].1, vec![768, 3072]);
        assert_eq!(got[5], ("f".into(), vec![2, 3], Some("F32".into())));
        assert_eq!(got[6].1, Vec::<u64>::new());
    }

    #[test]
    fn json_listings() {
        let got =
            shapes("{\"wte.weight\": [50257, 768], \"x\": {\"shape\": [2], \"dtype\": \"BF16\"}}");
        assert_eq!(got[0], ("wte.weight".into(), vec![50257, 768], None));
        assert_eq!(got[1], ("x".into(), vec![2], Some("BF16".into())));
    }

    #[test]
    fn a_bad_line_is_pointed_at() {
        let mut sources = Sources::new();
        let source = sources.add("listing", "a: [1, 2]\nb: [3, q]\n");
        let error = parse(&sources, source, 0).unwrap_err();
        let span = error.span().unwrap();
        assert_eq!(sources.slice(span), "q");
    }
}
