//! Normalising pasted text before the grammar reads it, without moving a single byte.
//!
//! Text copied from a web page or a chat brings markup the formula language does not have: markdown
//! emphasis (`**108890112**`), HTML tags and entities (`768<em>12</em>64`, `&times;`), LaTeX
//! operators (`\times`), `≈`, digit grouping in a claimed number (`108,890,112`) and a unit after
//! it (`110M params`). Every rewrite here replaces whole characters by ASCII of exactly the same
//! byte length (padding with spaces), so a byte offset in the cleaned text is the same offset in
//! the original: spans, lines and columns need no mapping back.

use std::collections::{HashMap, HashSet};

/// A unit written after a claimed number: `M` in `110M`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    /// As written: `M`, `billion`, `亿`.
    pub name: &'static str,
    /// The unit is `10^decimal_power`.
    pub decimal_power: u32,
    /// For `K`, `M`, `G`, `B`, `T`: the 1024-based reading, `2^binary_power`.
    pub binary_power: Option<u32>,
}

const UNITS: &[Unit] = &[
    unit("trillion", 12, None),
    unit("billion", 9, None),
    unit("million", 6, None),
    unit("thousand", 3, None),
    unit("千万", 7, None),
    unit("百万", 6, None),
    unit("亿", 8, None),
    unit("万", 4, None),
    unit("K", 3, Some(10)),
    unit("k", 3, Some(10)),
    unit("M", 6, Some(20)),
    unit("B", 9, Some(30)),
    unit("G", 9, Some(30)),
    unit("T", 12, Some(40)),
];

const fn unit(name: &'static str, decimal_power: u32, binary_power: Option<u32>) -> Unit {
    Unit {
        name,
        decimal_power,
        binary_power,
    }
}

/// A claimed number written as an approximation: after `≈`, or with a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approximation {
    /// The claim as written, number and unit: `110M`, `6.7 billion`, `108,900,000`.
    pub written: String,
    pub unit: Option<Unit>,
}

/// Text ready for the grammar, byte for byte aligned with the original.
#[derive(Clone, Debug)]
pub struct Cleaned {
    pub text: String,
    /// Approximate claims, by the byte offset where the claimed number starts.
    pub approximations: HashMap<usize, Approximation>,
    /// Where each claimed number (with its unit) ends.
    pub claim_ends: Vec<usize>,
    /// The bytes that are only padding (markup taken off), which a reader should not see.
    pub padding: Vec<bool>,
}

/// Overwrites `start..end` of `bytes` with `replacement`, padded with spaces that are marked as
/// padding.
fn fill(bytes: &mut [u8], padding: &mut [bool], start: usize, end: usize, replacement: &str) {
    let end = end.min(bytes.len()).min(padding.len());
    if start >= end {
        return;
    }
    for i in start..end {
        match replacement.as_bytes().get(i - start) {
            Some(b) => bytes[i] = *b,
            None => {
                bytes[i] = b' ';
                padding[i] = true;
            }
        }
    }
}

/// Rebuilds a string from bytes that only ever had whole characters replaced by ASCII.
fn to_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn is_operand_end(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == ')' || c == '）')
}

fn is_operand_start(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '(' || c == '（')
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|s| s.chars().next())
}

/// The last character before `at` that is not a space.
fn previous_visible(text: &str, at: usize) -> Option<char> {
    text.get(..at)
        .and_then(|s| s.trim_end_matches([' ', '\t']).chars().next_back())
}

/// Cleans a document or an `-e` expression.
pub fn clean(text: &str) -> Cleaned {
    let mut approximate_equals = HashSet::new();
    let mut padding = vec![false; text.len()];
    let text = strip_markup(text, &mut approximate_equals, &mut padding);
    let text = times_between_digits(&text);
    mark_claims(text, &approximate_equals, padding)
}

/// Markdown emphasis, HTML tags and entities, LaTeX operators, `≈`.
fn strip_markup(
    text: &str,
    approximate_equals: &mut HashSet<usize>,
    padding: &mut [bool],
) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        let width = c.len_utf8();
        let rest = &text[i..];
        let mut skip = width;
        match c {
            '<' => {
                if let Some((end, name)) = html_tag(rest) {
                    // Markdown turns `*` pairs into <em>: between two operands the tag stood for `*`.
                    let emphasis = matches!(name.as_str(), "em" | "i");
                    let star = emphasis
                        && is_operand_end(previous_visible(text, i))
                        && is_operand_start(char_at(text, i + end));
                    fill(&mut bytes, padding, i, i + end, if star { "*" } else { "" });
                    skip = end;
                }
            }
            '&' => {
                if let Some((end, replacement)) = html_entity(rest) {
                    if replacement == "≈" {
                        approximate_equals.insert(i);
                        fill(&mut bytes, padding, i, i + end, "=");
                    } else {
                        fill(&mut bytes, padding, i, i + end, replacement);
                    }
                    skip = end;
                }
            }
            '\\' => {
                let word: String = rest[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let replacement = match word.as_str() {
                    "times" | "cdot" | "ast" => Some("*"),
                    "approx" => Some("="),
                    "left" | "right" => Some(""),
                    _ => None,
                };
                if let Some(replacement) = replacement {
                    if word == "approx" {
                        approximate_equals.insert(i);
                    }
                    fill(&mut bytes, padding, i, i + 1 + word.len(), replacement);
                    skip = 1 + word.len();
                }
            }
            '*' | '_' if rest[1..].starts_with(c) => {
                // `2**10` is a power; `**108890112**` is emphasis.
                let before = char_before(text, i);
                let after = char_at(text, i + 2);
                let keep = if c == '*' {
                    is_operand_end(before) && is_operand_start(after)
                } else {
                    before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '_')
                        && after.is_some_and(|a| a.is_ascii_alphanumeric() || a == '_')
                };
                if !keep {
                    fill(&mut bytes, padding, i, i + 2, "");
                }
                skip = 2;
            }
            '≈' | '≃' | '≅' => {
                approximate_equals.insert(i);
                fill(&mut bytes, padding, i, i + width, "=");
            }
            _ => {}
        }
        i += skip;
    }
    to_text(bytes)
}

/// `<em>`, `</p>`, `<span class="x">`: the tag's length and lower-case name.
fn html_tag(rest: &str) -> Option<(usize, String)> {
    let body = rest.strip_prefix('<')?;
    let body = body.strip_prefix('/').unwrap_or(body);
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let end = rest.char_indices().take(200).find_map(|(at, c)| match c {
        '>' => Some(Some(at + 1)),
        '\n' | '<' if at > 0 => Some(None),
        _ => None,
    })??;
    Some((end, name.to_ascii_lowercase()))
}

fn html_entity(rest: &str) -> Option<(usize, &'static str)> {
    let end = rest.char_indices().take(10).find(|(_, c)| *c == ';')?.0 + 1;
    let replacement = match &rest[1..end - 1] {
        "nbsp" | "#160" | "thinsp" | "ensp" | "emsp" => " ",
        "times" | "#215" | "middot" | "#183" | "ast" | "#42" | "sdot" => "*",
        "minus" | "#8722" => "-",
        "plus" | "#43" => "+",
        "equals" | "#61" => "=",
        "asymp" | "approx" | "#8776" => "≈",
        "lt" => "<",
        "gt" => ">",
        "amp" | "quot" | "#39" | "apos" => "",
        _ => return None,
    };
    Some((end, replacement))
}

/// `768x3072` and `768 x 3072` as written in tables mean `768*3072` (but `0x1F` is hex).
fn times_between_digits(text: &str) -> String {
    let bytes_in = text.as_bytes();
    let mut bytes = bytes_in.to_vec();
    let digit = |at: Option<usize>| {
        at.and_then(|a| bytes_in.get(a))
            .is_some_and(u8::is_ascii_digit)
    };
    for (i, &b) in bytes_in.iter().enumerate() {
        if b != b'x' && b != b'X' {
            continue;
        }
        let before = match i.checked_sub(1) {
            Some(p) if bytes_in[p] == b' ' => p.checked_sub(1),
            other => other,
        };
        let after = match bytes_in.get(i + 1) {
            Some(b' ') => Some(i + 2),
            _ => Some(i + 1),
        };
        let hex = before == i.checked_sub(1)
            && bytes_in.get(i.wrapping_sub(1)) == Some(&b'0')
            && !digit(i.checked_sub(2));
        if digit(before) && digit(after) && !hex {
            bytes[i] = b'*';
        }
    }
    to_text(bytes)
}

/// Finds every claimed number (right after `=`), groups its digits for the grammar
/// (`108,890,112` → `108_890_112`), and takes off an approximation word before it or a unit after it.
fn mark_claims(
    text: String,
    approximate_equals: &HashSet<usize>,
    mut padding: Vec<bool>,
) -> Cleaned {
    let mut bytes = text.as_bytes().to_vec();
    let mut approximations = HashMap::new();
    let mut claim_ends = Vec::new();
    for (at, c) in text.char_indices() {
        if c != '=' && c != '＝' {
            continue;
        }
        let next = char_at(&text, at + c.len_utf8());
        let previous = char_before(&text, at);
        if next == Some('=') || matches!(previous, Some('=' | '!' | '<' | '>')) {
            continue;
        }
        let mut approximate = approximate_equals.contains(&at);
        let mut j = skip_spaces(&text, at + c.len_utf8());
        for word in [
            "~",
            "约",
            "大约",
            "about ",
            "approximately ",
            "approx. ",
            "ca. ",
        ] {
            if text[j..].starts_with(word) {
                fill(&mut bytes, &mut padding, j, j + word.len(), "");
                approximate = true;
                j = skip_spaces(&text, j + word.len());
                break;
            }
        }
        let start = j;
        let mut k = start;
        let b = text.as_bytes();
        let digits_from = |k: usize| {
            b[k.min(b.len())..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count()
        };
        let leading = digits_from(k);
        if leading == 0 {
            continue;
        }
        k += leading;
        while b.get(k) == Some(&b',') && digits_from(k + 1) == 3 {
            bytes[k] = b'_';
            k += 4;
        }
        if b.get(k) == Some(&b'.') && digits_from(k + 1) > 0 {
            k += 1 + digits_from(k + 1);
        }
        let number_end = k;
        let mut end = number_end;
        let unit_at = if b.get(k) == Some(&b' ') { k + 1 } else { k };
        if let Some(unit) = UNITS.iter().find(|u| {
            let rest = &text[unit_at..];
            let matches = if u.name.is_ascii() && u.name.len() > 1 {
                rest.get(..u.name.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(u.name))
            } else {
                rest.starts_with(u.name)
            };
            let after = char_at(&text, unit_at + u.name.len());
            matches && !(u.name.is_ascii() && after.is_some_and(|a| a.is_ascii_alphanumeric()))
        }) {
            fill(
                &mut bytes,
                &mut padding,
                unit_at,
                unit_at + unit.name.len(),
                "",
            );
            end = unit_at + unit.name.len();
            approximations.insert(
                start,
                Approximation {
                    written: text[start..end].to_string(),
                    unit: Some(*unit),
                },
            );
        } else if approximate {
            approximations.insert(
                start,
                Approximation {
                    written: text[start..number_end].to_string(),
                    unit: None,
                },
            );
        }
        claim_ends.push(end);
    }
    Cleaned {
        text: to_text(bytes),
        approximations,
        claim_ends,
        padding,
    }
}

fn skip_spaces(text: &str, mut at: usize) -> usize {
    while let Some(c) = char_at(text, at) {
        if !matches!(c, ' ' | '\t' | '\u{3000}' | '\u{a0}') {
            break;
        }
        at += c.len_utf8();
    }
    at
}

/// For `-e`: words after the last claimed number (`个`, `params`) are not part of the formula.
pub fn drop_trailing_words(cleaned: &mut Cleaned) {
    let Some(&end) = cleaned.claim_ends.iter().max() else {
        return;
    };
    let Some(rest) = cleaned.text.get(end..) else {
        return;
    };
    let formula_like = rest
        .chars()
        .any(|c| c.is_ascii_digit() || "=+-*/^()（）[]×·÷＋－＝".contains(c));
    if formula_like {
        return;
    }
    let mut bytes = std::mem::take(&mut cleaned.text).into_bytes();
    let len = bytes.len();
    for (at, b) in bytes.iter_mut().enumerate().take(len).skip(end) {
        if *b != b'\n' {
            *b = b' ';
            if let Some(p) = cleaned.padding.get_mut(at) {
                *p = true;
            }
        }
    }
    cleaned.text = to_text(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rewrite_keeps_offsets() {
        for text in [
            "**total = 108,890,112**个",
            "768<em>12</em>64 &times; 3 ≈ 110M params",
            "a \\times b = 6.7 billion",
            "参数量＝101675520个",
        ] {
            let cleaned = clean(text);
            assert_eq!(cleaned.text.len(), text.len(), "{text}");
        }
    }

    #[test]
    fn emphasis_goes_and_powers_stay() {
        assert_eq!(clean("**12*64**").text, "  12*64  ");
        assert_eq!(clean("2**10 = 1024").text, "2**10 = 1024");
        assert_eq!(clean("x = **5**").text, "x =   5  ");
    }

    #[test]
    fn em_tags_between_numbers_were_stars() {
        assert_eq!(clean("768<em>12</em>64").text, "768*   12*    64");
        assert_eq!(clean("<p>12</p>").text, "   12    ");
    }

    #[test]
    fn claims_lose_grouping_and_units() {
        let cleaned = clean("a = 108,890,112 b = 110M params c ≈ 6.7 billion");
        assert_eq!(
            cleaned.text,
            "a = 108_890_112 b = 110  params c =   6.7        "
        );
        assert_eq!(cleaned.approximations.len(), 2);
        assert_eq!(cleaned.approximations[&20].written, "110M");
        assert_eq!(cleaned.approximations[&38].written, "6.7 billion");
    }

    #[test]
    fn hex_is_not_times() {
        assert_eq!(clean("768x3072 0x1F").text, "768*3072 0x1F");
    }
}
