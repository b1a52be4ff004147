//! Normalising pasted text before the grammar reads it, without moving a byte out of its place.
//!
//! Text copied from a web page or a chat brings what the formula language does not have: markdown
//! emphasis (`**108890112**`) and code spans, HTML tags and entities (`768<em>12</em>64`,
//! `&times;`), LaTeX and KaTeX sources (`\times`, `{\color{red}12}`, `\frac{a}{b}`, `^{2}`,
//! `3\,072`), `≈`, digit grouping (`108,890,112`, a KaTeX copy's `23 , 835 , 648`), superscript
//! powers (`4096²`), units (`110M params`, `1.3万`), memory sizes (`54MB`), configuration lines
//! (`hidden_size: 4096`, `| d_model | 4096 |`) and prose in brackets (`(原文中4H长度)`). Every rewrite
//! replaces text by ASCII no longer than it, padded with spaces that are marked as padding, so a
//! byte offset in the cleaned text is an offset in the original: spans, lines and columns need no
//! mapping back. The few rewrites that must reorder (a grouped number closed up, `\frac`) move
//! bytes only within the text they replace.

use std::collections::{HashMap, HashSet};

/// A unit written after a number: `M` in `110M`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Unit {
    /// As written: `M`, `billion`, `亿`.
    pub name: &'static str,
    /// The unit is `10^decimal_power`.
    pub decimal_power: i32,
    /// For `K`, `M`, `G`, `B`, `T`: the 1024-based reading, `2^binary_power`.
    pub binary_power: Option<u32>,
}

pub(super) const UNITS: &[Unit] = &[
    unit("trillion", 12, None),
    unit("billion", 9, None),
    unit("million", 6, None),
    unit("thousand", 3, None),
    unit("千万", 7, None),
    unit("百万", 6, None),
    unit("亿", 8, None),
    unit("万", 4, None),
    unit("千", 3, None),
    unit("K", 3, Some(10)),
    unit("k", 3, Some(10)),
    unit("M", 6, Some(20)),
    unit("B", 9, Some(30)),
    unit("G", 9, Some(30)),
    unit("T", 12, Some(40)),
];

const fn unit(name: &'static str, decimal_power: i32, binary_power: Option<u32>) -> Unit {
    Unit {
        name,
        decimal_power,
        binary_power,
    }
}

/// A claimed share: `≈ 1.9%` is 0.019. Only after a claimed number, never inside a formula.
const PERCENT: &[Unit] = &[unit("%", -2, None), unit("％", -2, None)];

/// The unit whose name is `name`, if any.
pub(super) fn unit_named(name: &str) -> Option<Unit> {
    UNITS.iter().find(|u| u.name == name).copied()
}

/// A number written as an approximation: after `≈`, with a unit, or rounded to thousands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Approximation {
    /// The number as written, with its unit: `110M`, `6.7 billion`, `108,900,000`.
    pub written: String,
    pub unit: Option<Unit>,
    /// Only its round digits make it approximate (`= 110,000,000`): the exact value holds exactly.
    pub implicit: bool,
}

/// Text ready for the grammar, byte for byte aligned with the original.
#[derive(Clone, Debug)]
pub(super) struct Cleaned {
    pub text: String,
    /// Approximate numbers, by the byte offset where the number starts.
    pub approximations: HashMap<usize, Approximation>,
    /// Claimed memory sizes (`54MB`), by the byte offset where the number starts: as written.
    pub memory: HashMap<usize, String>,
    /// Where each claimed number (with its unit) ends.
    pub claim_ends: Vec<usize>,
    /// The bytes that are only padding (markup taken off), which a reader should not see.
    pub padding: Vec<bool>,
    /// The bytes inside markdown code spans (`` `qwen2 or attention_bias` ``): code, where words
    /// separated by spaces are not prose.
    pub code: Vec<bool>,
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
            Some(b) => {
                bytes[i] = *b;
                padding[i] = false;
            }
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
pub(super) fn clean(text: &str) -> Cleaned {
    clean_calling(text, &[])
}

/// `clean` for a document that defines `functions` (`linear(i, o, bias) = ...`): the arguments of
/// their calls (`linear(H,4*H,true)`) are not a bracketed list of labels.
pub(super) fn clean_calling(text: &str, functions: &[String]) -> Cleaned {
    let mut approximate_equals = HashSet::new();
    let mut padding = vec![false; text.len()];
    let original = text;
    let text = fractions(text, &mut padding);
    let text = strip_markup(&text, &mut approximate_equals, &mut padding);
    let text = tex_braces(&text, original, &mut padding);
    let text = times_between_digits(&text);
    let text = group_numbers(&text, &mut padding);
    let text = superscripts(&text, &mut padding);
    let text = configuration_lines(&text, &mut padding);
    let text = prose_in_brackets(&text, functions, &mut padding);
    let text = counted_words(&text, &mut padding);
    let mut cleaned = mark_claims(text, &approximate_equals, padding);
    cleaned.code = code_spans(original);
    cleaned
}

/// Marks the bytes between pairs of single backticks on a line.
fn code_spans(text: &str) -> Vec<bool> {
    let mut code = vec![false; text.len()];
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let ticks: Vec<usize> = line
            .match_indices('`')
            .map(|(at, _)| at)
            .filter(|at| {
                let b = line.as_bytes();
                b.get(at + 1) != Some(&b'`') && at.checked_sub(1).map(|p| b[p]) != Some(b'`')
            })
            .collect();
        for pair in ticks.chunks_exact(2) {
            code[line_start + pair[0]..line_start + pair[1]].fill(true);
        }
        line_start += line.len();
    }
    code
}

/// The byte length of the brace group that starts at `open` (a `{`), with its closing brace.
fn brace_group(bytes: &[u8], open: usize) -> Option<usize> {
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    for (offset, b) in bytes[open..].iter().enumerate().take(4096) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(offset + 1);
                }
            }
            b'\n' => return None,
            _ => {}
        }
    }
    None
}

/// `\frac{a}{b}` → `((a)/(b))`; the arguments move left by a byte or two. The last fraction is
/// rewritten first: nothing starts inside its arguments after it, so each is innermost when its
/// turn comes, and a rewrite keeps the braces of the fractions around it balanced.
fn fractions(text: &str, padding: &mut [bool]) -> String {
    if !text.contains("frac{") {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    let starts: Vec<usize> = text.match_indices("frac{").map(|(at, _)| at).collect();
    for &at in starts.iter().rev() {
        // `\frac`, `\dfrac`, `\tfrac`.
        let macro_start = match at.checked_sub(1).map(|p| bytes[p]) {
            Some(b'\\') => at - 1,
            Some(b'd' | b't') if at >= 2 && bytes[at - 2] == b'\\' => at - 2,
            _ => continue,
        };
        let a_open = at + 4;
        let Some(a_len) = brace_group(&bytes, a_open) else {
            continue;
        };
        let b_open = a_open + a_len;
        let Some(b_len) = brace_group(&bytes, b_open) else {
            continue;
        };
        let a = bytes[a_open + 1..a_open + a_len - 1].to_vec();
        let b = bytes[b_open + 1..b_open + b_len - 1].to_vec();
        let mut replacement = b"((".to_vec();
        replacement.extend_from_slice(&a);
        replacement.extend_from_slice(b")/(");
        replacement.extend_from_slice(&b);
        replacement.extend_from_slice(b"))");
        let end = b_open + b_len;
        let pad = (end - macro_start).saturating_sub(replacement.len());
        for i in macro_start..end {
            let (byte, pads) = if i < macro_start + pad {
                (b' ', true)
            } else {
                (replacement[i - macro_start - pad], false)
            };
            bytes[i] = byte;
            padding[i] = pads;
        }
    }
    to_text(bytes)
}

/// TeX macros whose first argument is not text of the formula (`\color{red}`).
const DROP_ARGUMENT: &[&str] = &[
    "color",
    "textcolor",
    "colorbox",
    "mathcolor",
    "hspace",
    "vspace",
    "label",
    "tag",
    "href",
];
/// TeX macros that only style their argument (`\mathrm{B}`, `\text{ params}`): the argument stays.
const KEEP_ARGUMENT: &[&str] = &[
    "text",
    "textrm",
    "textbf",
    "textit",
    "texttt",
    "textsf",
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "mathbb",
    "mathcal",
    "boldsymbol",
    "bm",
    "operatorname",
    "mbox",
    "emph",
    "underline",
    "overline",
    "boxed",
    "underbrace",
    "overbrace",
    "hbox",
];
/// TeX macros that are only spacing or sizing.
const NOTHING: &[&str] = &[
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "quad",
    "qquad",
    "limits",
    "nolimits",
    "begin",
    "end",
    "nonumber",
    "notag",
    "red",
    "blue",
    "bf",
    "rm",
    "it",
];

/// Markdown emphasis and code, HTML tags and entities, TeX macros and math delimiters, `≈`.
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
                } else if rest.starts_with("<!--") {
                    let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
                    fill(&mut bytes, padding, i, i + end, "");
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
                } else if rest[1..].trim_start().starts_with(['=', '\\']) || rest.starts_with("&&")
                {
                    // An alignment point of a LaTeX `aligned` block.
                    fill(&mut bytes, padding, i, i + 1, "");
                }
            }
            '\\' => skip = tex_macro(text, i, &mut bytes, padding, approximate_equals),
            '$' | '`' => fill(&mut bytes, padding, i, i + 1, ""),
            // A code comment that states the result: `attn = 4 * 768 * 768   # = 2,359,296`.
            '#' | '/'
                if {
                    let marker = if c == '/' { "//" } else { "#" };
                    rest.starts_with(marker)
                        && rest[marker.len()..]
                            .trim_start_matches([' ', '\t'])
                            .starts_with(['=', '≈'])
                } =>
            {
                let width = if c == '/' { 2 } else { 1 };
                fill(&mut bytes, padding, i, i + width, "");
                skip = width;
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
            '≈' | '≃' | '≅' | '≒' => {
                approximate_equals.insert(i);
                fill(&mut bytes, padding, i, i + width, "=");
            }
            _ => {
                // Chinese relations: 约等于 ("approximately equals"), 约为, 等于.
                for (word, approximate) in [("约等于", true), ("约为", true), ("等于", false)]
                {
                    if rest.starts_with(word) {
                        if approximate {
                            approximate_equals.insert(i);
                        }
                        fill(&mut bytes, padding, i, i + word.len(), "=");
                        skip = word.len();
                        break;
                    }
                }
            }
        }
        i += skip;
    }
    to_text(bytes)
}

/// One TeX macro at `at` (a backslash): rewritten in `bytes`; returns how far to skip.
fn tex_macro(
    text: &str,
    at: usize,
    bytes: &mut [u8],
    padding: &mut [bool],
    approximate_equals: &mut HashSet<usize>,
) -> usize {
    let rest = &text[at..];
    // Notebook JSON doubles every backslash: `\\times` is `\times`.
    let prefix =
        if rest.starts_with("\\\\") && rest[2..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            2
        } else {
            1
        };
    let word: String = rest[prefix..]
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let end = at + prefix + word.len();
    if word.is_empty() {
        return match rest[1..].chars().next() {
            // Thin and other spaces, display-math delimiters, literal braces.
            Some(',' | ';' | '!' | ':' | ' ' | '>' | '[' | ']' | '(' | ')' | '{' | '}') => {
                fill(bytes, padding, at, at + 2, "");
                2
            }
            // A markdown table's escaped `|`, an alternative inside a cell.
            Some('|') => {
                fill(bytes, padding, at, at + 1, "");
                2
            }
            // A line break in a display block (the text's own line break follows).
            Some('\\') => {
                fill(bytes, padding, at, at + 2, "");
                2
            }
            _ => 1,
        };
    }
    let word = word.as_str();
    let replacement = match word {
        "times" | "cdot" | "ast" | "cross" | "bullet" | "cdotp" => Some("*"),
        "div" => Some("/"),
        "bmod" | "mod" => Some("%"),
        // `\left\lfloor \frac{a}{b} \right\rfloor`, `\max\left(a, b\right)`: the functions of the
        // language, as `derive --style latex` prints them.
        "lfloor" => Some("floor("),
        "lceil" => Some("ceil("),
        "rfloor" | "rceil" => Some(")"),
        "max" | "min" if text[end..].starts_with("\\left(") => {
            // The bracket moves up to the name: a gap between a name and `(` is prose.
            let bracket = end + "\\left(".len();
            fill(bytes, padding, at, bracket, &format!("{word}("));
            return bracket - at;
        }
        "max" | "min" => Some(word),
        "approx" | "sim" | "simeq" | "thickapprox" | "approxeq" | "doteq" => {
            approximate_equals.insert(at);
            Some("=")
        }
        _ if NOTHING.contains(&word) => Some(""),
        _ => None,
    };
    if let Some(replacement) = replacement {
        fill(bytes, padding, at, end, replacement);
        return end - at;
    }
    let open = skip_spaces(text, end);
    let group = brace_group(text.as_bytes(), open);
    if DROP_ARGUMENT.contains(&word) {
        let group_end = group.map_or(end, |g| open + g);
        fill(bytes, padding, at, group_end, "");
        return group_end - at;
    }
    if KEEP_ARGUMENT.contains(&word) {
        fill(bytes, padding, at, end, "");
        if let Some(g) = group {
            fill(bytes, padding, open, open + 1, "");
            fill(bytes, padding, open + g - 1, open + g, "");
            return open + 1 - at;
        }
        return end - at;
    }
    end - at
}

/// In lines of TeX, braces group like brackets (`{\color{red}12}`, `h^{2}`); a subscript of
/// letters is part of the name (`d_{model}` → `d_model`).
fn tex_braces(text: &str, original: &str, padding: &mut [bool]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let written = original
            .get(line_start..line_start + line.len())
            .unwrap_or(line);
        let tex = ["\\", "^{", "_{", "$"].iter().any(|m| written.contains(m));
        let mut i = 0;
        let b = line.as_bytes();
        while i < b.len() {
            let at = line_start + i;
            if b[i] == b'_' && b.get(i + 1) == Some(&b'{') {
                if let Some(len) = brace_group(b, i + 1) {
                    let inner = &b[i + 2..i + len];
                    if inner
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    {
                        let moved = inner.to_vec();
                        bytes[at + 1..at + 1 + moved.len()].copy_from_slice(&moved);
                        padding[at + 1..at + 1 + moved.len()].fill(false);
                        fill(&mut bytes, padding, at + 1 + moved.len(), at + 1 + len, "");
                        i += 1 + len;
                        continue;
                    }
                }
            }
            if tex && b[i] == b'{' && padding.get(at) != Some(&true) {
                if b.get(i + 1) == Some(&b',') && b.get(i + 2) == Some(&b'}') {
                    // `1{,}024`: a thousands separator.
                    fill(&mut bytes, padding, at, at + 3, "");
                    i += 3;
                    continue;
                }
                bytes[at] = b'(';
            } else if tex && b[i] == b'}' && padding.get(at) != Some(&true) {
                bytes[at] = b')';
            }
            i += 1;
        }
        line_start += line.len();
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

fn digit_run(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(at..)
        .map_or(0, |b| b.iter().take_while(|d| d.is_ascii_digit()).count())
}

/// The length of a thousands separator at `at`: `,`, a KaTeX copy's ` , `, a thin or no-break
/// space, or padding left by `\,` and `{,}`.
fn separator(text: &str, padding: &[bool], at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    if rest.starts_with(',') {
        return Some(1);
    }
    if rest.starts_with(" , ") {
        return Some(3);
    }
    for thin in ['\u{2009}', '\u{202f}', '\u{a0}', '\u{2006}', '\u{200a}'] {
        if rest.starts_with(thin) {
            return Some(thin.len_utf8());
        }
    }
    let padded = padding
        .get(at..)?
        .iter()
        .zip(rest.bytes())
        .take_while(|(p, b)| **p && *b == b' ')
        .count();
    (padded > 0).then_some(padded)
}

/// Thousands separators: `32,000` → `32_000`, `23 , 835 , 648` → `23_835_648` closed up. A run of
/// digit groups is a grouped number only when its first group has one to three digits and every
/// other exactly three (so `512,768,1024` stays a list), and it does not continue a list.
fn group_numbers(text: &str, padding: &mut [bool]) -> String {
    let b = text.as_bytes();
    let mut bytes = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let first = digit_run(b, i);
        let start = i;
        i += first;
        let before = start.checked_sub(1).map(|p| b[p]);
        let glued = before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_');
        let continues_list = text[..start].trim_end_matches(' ').ends_with(',')
            && text[..start]
                .trim_end_matches(' ')
                .trim_end_matches(',')
                .trim_end_matches(' ')
                .ends_with(|c: char| c.is_ascii_digit());
        if first > 3 || glued || continues_list {
            continue;
        }
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        groups.push(start..start + first);
        let mut at = start + first;
        let mut list = false;
        while let Some(len) = separator(text, padding, at) {
            let digits = digit_run(b, at + len);
            if digits == 3 {
                groups.push(at + len..at + len + 3);
                at += len + 3;
            } else {
                list = digits > 0 && (b[at] == b',' || text[at..].starts_with(" , "));
                break;
            }
        }
        // Whether the number stands in a call is asked last, of grouped numbers only: it reads the
        // line back to its start, and asking it of every number made a long line quadratic.
        if groups.len() < 2
            || list
            || b.get(at) == Some(&b'.') && digit_run(b, at + 1) == 3
            || in_call(text, start)
        {
            continue;
        }
        let mut written = Vec::new();
        for (k, group) in groups.iter().enumerate() {
            if k > 0 {
                written.push(b'_');
            }
            written.extend_from_slice(&b[group.clone()]);
        }
        for (k, slot) in (start..at).enumerate() {
            match written.get(k) {
                Some(byte) => {
                    bytes[slot] = *byte;
                    padding[slot] = false;
                }
                None => {
                    bytes[slot] = b' ';
                    padding[slot] = true;
                }
            }
        }
        i = at;
    }
    to_text(bytes)
}

/// Whether `at` is inside the brackets of `min(` or `max(` on its line, where a comma separates
/// arguments (`max(768,768)`); `floor` and `ceil` take one argument, so a comma in theirs groups
/// digits (`floor(4,096/64)`).
fn in_call(text: &str, at: usize) -> bool {
    let line = &text[text[..at].rfind('\n').map_or(0, |n| n + 1)..at];
    let mut depth = 0i32;
    for (offset, c) in line.char_indices().rev() {
        match c {
            ')' | '）' => depth += 1,
            '(' | '（' if depth > 0 => depth -= 1,
            '(' | '（' => {
                let before = line[..offset].trim_end();
                return ["min", "max"].iter().any(|f| before.ends_with(f));
            }
            _ => {}
        }
    }
    false
}

const SUPERSCRIPTS: &[(char, u8)] = &[
    ('⁰', b'0'),
    ('¹', b'1'),
    ('²', b'2'),
    ('³', b'3'),
    ('⁴', b'4'),
    ('⁵', b'5'),
    ('⁶', b'6'),
    ('⁷', b'7'),
    ('⁸', b'8'),
    ('⁹', b'9'),
    ('⁻', b'-'),
];

/// `4096²` → `4096^2`, `10⁹` → `10^9 ` (a superscript is at least two bytes, `^` and a digit fit).
fn superscripts(text: &str, padding: &mut [bool]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        if !SUPERSCRIPTS.iter().any(|(s, _)| *s == c) {
            i += c.len_utf8();
            continue;
        }
        let mut written = vec![b'^'];
        let mut end = i;
        while let Some(d) = char_at(text, end) {
            let Some((_, ascii)) = SUPERSCRIPTS.iter().find(|(s, _)| *s == d) else {
                break;
            };
            written.push(*ascii);
            end += d.len_utf8();
        }
        let operand = is_operand_end(char_before(text, i));
        fill(
            &mut bytes,
            padding,
            i,
            end,
            if operand {
                std::str::from_utf8(&written).unwrap_or("")
            } else {
                ""
            },
        );
        i = end;
    }
    to_text(bytes)
}

fn is_identifier_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The end of a plain number at `at` (`4_096`, `1.5`, `1e9`), if one starts there.
fn number_end(b: &[u8], at: usize) -> Option<usize> {
    let mut k = at;
    if !b.get(k).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while b.get(k).is_some_and(u8::is_ascii_digit)
        || b.get(k) == Some(&b'_') && b.get(k + 1).is_some_and(u8::is_ascii_digit)
    {
        k += 1;
    }
    if b.get(k) == Some(&b'.') && b.get(k + 1).is_some_and(u8::is_ascii_digit) {
        k += 1;
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
    }
    if matches!(b.get(k), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(k + 1), Some(b'+' | b'-')));
        if b.get(k + 1 + sign).is_some_and(u8::is_ascii_digit) {
            k += 1 + sign;
            while b.get(k).is_some_and(u8::is_ascii_digit) {
                k += 1;
            }
        }
    }
    Some(k)
}

/// Configuration written as prose binds names as `--config` does: `hidden_size: 4096`,
/// `"n_layer": 12,`, `- d_model：4096`, and markdown table rows `| d_model | 4096 |`. A table row
/// whose cells are a name, formulas and a number (`| attention | 4*H*H | 4*768*768 | 2,359,296 |`)
/// is a chain of claims.
fn configuration_lines(text: &str, padding: &mut [bool]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('|') {
            table_row(line, line_start, &mut bytes, padding);
        } else {
            colon_binding(line, line_start, &mut bytes, padding);
        }
        line_start += line.len();
    }
    to_text(bytes)
}

fn colon_binding(line: &str, line_start: usize, bytes: &mut [u8], padding: &mut [bool]) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let boundary =
            i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'"' | b'\'' | b'{' | b',' | b'-');
        if !(boundary && is_identifier_start(b[i])) {
            i += 1;
            continue;
        }
        let name_start = i;
        while i < b.len() && (is_identifier_byte(b[i]) || b[i] == b'.') {
            i += 1;
        }
        let mut k = i;
        if matches!(b.get(k), Some(b'"' | b'\'')) {
            k += 1;
        }
        let colon = if line[k..].starts_with(':') {
            1
        } else if line[k..].starts_with('：') {
            '：'.len_utf8()
        } else {
            continue;
        };
        let value = skip_spaces(line, k + colon);
        let Some(end) = number_end(b, value) else {
            continue;
        };
        let after = line[end..].trim_start_matches([' ', '\t']);
        let ends = after.is_empty()
            || after.starts_with(['\n', '\r', ',', '}', '#', ';', '，', '；', '('])
            || after.starts_with("//");
        if !ends || name_start == k {
            continue;
        }
        fill(bytes, padding, line_start + i, line_start + k, "");
        fill(bytes, padding, line_start + k, line_start + k + colon, "=");
        i = end;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Number,
    Name,
    Formula,
    Other,
}

fn cell_kind(cell: &str) -> Cell {
    let cell = cell.trim();
    let b = cell.as_bytes();
    if cell.is_empty() {
        return Cell::Other;
    }
    if matches!(cell, "true" | "false") {
        return Cell::Number;
    }
    if let Some(end) = number_end(b, 0) {
        let rest = cell[end..].trim();
        if rest.is_empty() || UNITS.iter().any(|u| rest == u.name) {
            return Cell::Number;
        }
    }
    if is_identifier_start(b[0]) && b.iter().all(|c| is_identifier_byte(*c) || *c == b'.') {
        return Cell::Name;
    }
    // Values `derive` prints in its sizes table: a fraction (`1/1000000`), a string
    // (`"layer_norm"`).
    let whole = |t: &str| {
        t.starts_with(|c: char| c.is_ascii_digit())
            && t.bytes().all(|c| c.is_ascii_digit() || c == b'_')
    };
    if cell
        .split_once('/')
        .is_some_and(|(n, d)| whole(n.trim_start_matches('-')) && whole(d))
        || cell.len() >= 2
            && cell.starts_with('"')
            && cell.ends_with('"')
            && !cell[1..cell.len() - 1].contains('"')
    {
        return Cell::Number;
    }
    // A list value: `[512, 512, 512]`.
    if let Some(items) = cell.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
        if items
            .split(',')
            .all(|item| number_end(item.trim().as_bytes(), 0) == Some(item.trim().len()))
        {
            return Cell::Number;
        }
    }
    let logic = cell
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| matches!(w, "if" | "or" | "and" | "not"));
    // Commas and square brackets: arguments and indexes (`layer_norm(d,true)`, `widths[s]`);
    // a comparison computes a truth value (`kind=="bart"`).
    let formula = cell
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " _.,+-*/%^()[]×·⋅∗|=!<>\"".contains(c))
        && (logic
            || cell.chars().any(|c| "+-*/%^(×·⋅∗<>".contains(c))
            || cell.contains("==")
            || cell.contains("!="));
    if formula {
        Cell::Formula
    } else {
        Cell::Other
    }
}

fn table_row(line: &str, line_start: usize, bytes: &mut [u8], padding: &mut [bool]) {
    // A pipe after padding was escaped (`\|`): it is inside a cell.
    let pipes: Vec<usize> = line
        .match_indices('|')
        .map(|(at, _)| at)
        .filter(|at| {
            !(line_start + at)
                .checked_sub(1)
                .is_some_and(|p| padding.get(p) == Some(&true))
        })
        .collect();
    if pipes.len() < 3 {
        return;
    }
    let cells: Vec<Cell> = pipes
        .windows(2)
        .map(|w| cell_kind(&line[w[0] + 1..w[1]]))
        .collect();
    let Some(value) = cells.iter().position(|c| *c == Cell::Number) else {
        return;
    };
    let mut first = value;
    while first > 0 && cells[first - 1] == Cell::Formula {
        first -= 1;
    }
    if first > 0 && cells[first - 1] == Cell::Name {
        first -= 1;
    }
    if first == value {
        return;
    }
    // The pipes between the cells of the chain become `=`.
    for pipe in &pipes[first + 1..=value] {
        fill(
            bytes,
            padding,
            line_start + pipe,
            line_start + pipe + 1,
            "=",
        );
    }
}

/// Prose in brackets inside a formula is not part of it: `768*3072(原文中4H长度) + 3072`,
/// `12 (layers) × …` keeps `(layers)`, but `(4H in the original)` and anything with Chinese goes.
fn prose_in_brackets(text: &str, functions: &[String], padding: &mut [bool]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match c {
            '(' | '（' => open = Some(at),
            '\n' => open = None,
            ')' | '）' => {
                if let Some(start) = open.take() {
                    let inner = &text[start + char_at(text, start).map_or(1, char::len_utf8)..at];
                    // The arguments of `max(a, b)` are not a list of labels.
                    let before = text[..start].trim_end();
                    let called = &before[before
                        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                        .len()..];
                    let call = ["min", "max", "floor", "ceil"]
                        .iter()
                        .any(|f| before.ends_with(f))
                        || crate::syntax::Function::from_name(called).is_some()
                        || functions.iter().any(|f| f == called);
                    // `not (gemma2 or gemma3)`: a condition, after a logic word or an operator.
                    let condition = ["not", "and", "or", "if", "then", "else"].contains(&called)
                        || before.ends_with(['=', '(', '+', '-', '*', '/']);
                    let logic = inner
                        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                        .any(|w| matches!(w, "and" | "or" | "not"));
                    let formula = call || condition && logic;
                    if !formula && is_prose(inner) {
                        fill(&mut bytes, padding, start, at + c.len_utf8(), "");
                    } else if inner.trim_start().starts_with(['=', '＝']) {
                        // `= 262,144,000 (= 2 × 131.072M)`: the aside continues the chain.
                        let open_width = char_at(text, start).map_or(1, char::len_utf8);
                        fill(&mut bytes, padding, start, start + open_width, "");
                        fill(&mut bytes, padding, at, at + c.len_utf8(), "");
                    }
                }
            }
            _ => {}
        }
    }
    to_text(bytes)
}

fn is_prose(inner: &str) -> bool {
    let words = || inner.split(|c: char| !c.is_ascii_alphanumeric() && c != '_');
    if inner.contains(['=', '＝']) || words().any(|w| matches!(w, "if" | "then" | "else")) {
        return false;
    }
    if inner.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
        return true;
    }
    // A list of labels: `(Q, K, V, O)`, `(H, 3H)`.
    if inner.contains([',', '，', '、', ';']) && inner.chars().any(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    // Two words with only spaces between them.
    let mut previous_word = false;
    let mut spaced = false;
    for token in inner.split_inclusive(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
        let word = token.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
        let separator = &token[word.len()..];
        if !word.is_empty() {
            let letters = word.chars().any(|c| c.is_ascii_alphabetic());
            if previous_word && spaced && letters {
                return true;
            }
            previous_word = letters;
            spaced = false;
        }
        match separator {
            "" => {}
            s if s.chars().all(|c| c == ' ') => spaced = true,
            _ => {
                previous_word = false;
                spaced = false;
            }
        }
    }
    false
}

/// A unit after a number that ends at `at`: glued or after spaces of padding and at most one
/// real space (`110M`, `6.7 billion`, `7\mathrm{B}`). Returns the unit and where it starts and ends.
pub(super) fn unit_after(text: &str, padding: &[bool], at: usize) -> Option<(Unit, usize, usize)> {
    let start = skip_gap(text, padding, at)?;
    let rest = text.get(start..)?;
    let unit = UNITS.iter().find(|u| {
        let matches = if u.name.is_ascii() && u.name.len() > 1 {
            rest.get(..u.name.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(u.name))
        } else {
            rest.starts_with(u.name)
        };
        let after = char_at(text, start + u.name.len());
        matches
            && !(u.name.is_ascii() && after.is_some_and(|a| a.is_ascii_alphanumeric() || a == '_'))
    })?;
    Some((*unit, start, start + unit.name.len()))
}

/// A memory size after a number ending at `at`: `MB`, `GiB`, `bytes`, `字节`. Returns its end.
fn memory_after(text: &str, padding: &[bool], at: usize) -> Option<usize> {
    let start = skip_gap(text, padding, at)?;
    let rest = text.get(start..)?;
    let word_end = |len: usize| {
        let after = char_at(text, start + len);
        (!after.is_some_and(|a| a.is_ascii_alphanumeric())).then_some(start + len)
    };
    for word in ["bytes", "byte", "字节"] {
        if rest.starts_with(word) {
            return word_end(word.len());
        }
    }
    let b = rest.as_bytes();
    if !matches!(b.first(), Some(b'K' | b'k' | b'M' | b'G' | b'T' | b'P')) {
        return None;
    }
    match (b.get(1), b.get(2)) {
        (Some(b'B'), _) => word_end(2),
        (Some(b'i'), Some(b'B')) => word_end(3),
        _ => None,
    }
}

/// Past padding and at most one space after a number.
fn skip_gap(text: &str, padding: &[bool], mut at: usize) -> Option<usize> {
    let mut spaces = 0;
    while let Some(c) = char_at(text, at) {
        if c == ' ' && padding.get(at) == Some(&true) {
            at += 1;
        } else if matches!(c, ' ' | '\u{a0}') && spaces == 0 {
            spaces += 1;
            at += c.len_utf8();
        } else {
            break;
        }
    }
    Some(at)
}

/// The text of `range` without padding, grouping shown with commas.
fn written(text: &str, padding: &[bool], range: std::ops::Range<usize>) -> String {
    let mut out = String::new();
    for (offset, c) in text[range.clone()].char_indices() {
        let at = range.start + offset;
        if padding.get(at) == Some(&true) {
            continue;
        }
        out.push(if c == '_' { ',' } else { c });
    }
    out.trim().to_string()
}

/// Words that name what a claimed number counts, sometimes glued to it.
const COUNT_WORDS: &[&str] = &[
    "params",
    "parameters",
    "parameter",
    "param",
    "weights",
    "weight",
    "elements",
    "values",
    "entries",
    "tokens",
];

/// What a count is of, written between the count and the `×` that multiplies it (`12 layers ×`).
const COUNTED: &[&str] = &[
    "layers", "layer", "heads", "head", "blocks", "block", "experts", "expert", "matrices",
    "matrix", "tokens", "times", "个", "层", "头", "个头", "层的", "次",
];

/// `12 layers × 7,087,872`: the word is prose between a count and its product.
fn counted_words(text: &str, padding: &mut [bool]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && !i
                .checked_sub(1)
                .is_some_and(|p| b[p].is_ascii_alphanumeric() || b[p] == b'.' || b[p] == b'_');
        if !starts {
            i += 1;
            continue;
        }
        let end = number_end(b, i).unwrap_or(i + 1);
        let word_start = if b.get(end) == Some(&b' ') {
            end + 1
        } else {
            end
        };
        let word = COUNTED.iter().find(|w| {
            text.get(word_start..)
                .is_some_and(|rest| rest.starts_with(**w))
                && !char_at(text, word_start + w.len())
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if let Some(word) = word {
            let after = skip_spaces(text, word_start + word.len());
            let times = text[after..].starts_with(['*', '×', '·', '⋅', 'x', '✕']);
            if times {
                fill(&mut bytes, padding, word_start, word_start + word.len(), "");
            }
        }
        i = end;
    }
    to_text(bytes)
}

/// Finds every number written with a unit, and every claimed number (right after `=`): takes off
/// an approximation word before a claim and the unit after a claim that is a number alone, and
/// records which numbers are approximate and which claims are memory sizes.
fn mark_claims(
    text: String,
    approximate_equals: &HashSet<usize>,
    mut padding: Vec<bool>,
) -> Cleaned {
    let mut bytes = text.as_bytes().to_vec();
    let mut approximations = HashMap::new();
    let mut memory = HashMap::new();
    let mut claim_ends = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && !i
                .checked_sub(1)
                .is_some_and(|p| b[p].is_ascii_alphanumeric() || b[p] == b'.' || b[p] == b'_');
        if !starts {
            i += 1;
            continue;
        }
        let end = number_end(b, i).unwrap_or(i + 1);
        if let Some((unit, _, unit_end)) = unit_after(&text, &padding, end) {
            approximations.insert(
                i,
                Approximation {
                    written: written(&text, &padding, i..unit_end),
                    unit: Some(unit),
                    implicit: false,
                },
            );
        }
        i = end;
    }
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
            "roughly ",
        ] {
            if text[j..].starts_with(word) {
                fill(&mut bytes, &mut padding, j, j + word.len(), "");
                approximate = true;
                j = skip_spaces(&text, j + word.len());
                break;
            }
        }
        let start = j;
        let Some(number_end) = number_end(b, start) else {
            continue;
        };
        // `= 131,072,000parameters`: a word glued to the claim is prose, not a factor.
        let glued: String = text[number_end..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        if COUNT_WORDS.contains(&glued.to_ascii_lowercase().as_str()) {
            fill(
                &mut bytes,
                &mut padding,
                number_end,
                number_end + glued.len(),
                "",
            );
        }
        if let Some(end) = memory_after(&text, &padding, number_end) {
            memory.insert(start, written(&text, &padding, start..end));
            fill(&mut bytes, &mut padding, number_end, end, "");
            approximations.remove(&start);
            claim_ends.push(end);
            continue;
        }
        let mut end = number_end;
        let percent = skip_gap(&text, &padding, number_end).and_then(|at| {
            let unit = PERCENT.iter().find(|u| text[at..].starts_with(u.name))?;
            Some((*unit, at, at + unit.name.len()))
        });
        if let Some((unit, unit_start, unit_end)) = percent {
            approximations.insert(
                start,
                Approximation {
                    written: written(&text, &padding, start..unit_end),
                    unit: Some(unit),
                    implicit: false,
                },
            );
            fill(&mut bytes, &mut padding, unit_start, unit_end, "");
            end = unit_end;
        } else if let Some((_, unit_start, unit_end)) = unit_after(&text, &padding, number_end) {
            let following = text[unit_end..]
                .trim_start_matches([' ', '\t'])
                .chars()
                .next();
            let alone =
                !following.is_some_and(|f| f.is_ascii_digit() || "+-*/^×·⋅∗÷(（＋－".contains(f));
            if alone {
                fill(&mut bytes, &mut padding, unit_start, unit_end, "");
            }
            end = unit_end;
        } else if approximate {
            approximations.insert(
                start,
                Approximation {
                    written: written(&text, &padding, start..number_end),
                    unit: None,
                    implicit: false,
                },
            );
        } else {
            let digits: String = text[start..number_end]
                .chars()
                .filter(|c| *c != '_')
                .collect();
            let zeros = digits.len() - digits.trim_end_matches('0').len();
            let followed = text[number_end..]
                .trim_start_matches([' ', '\t'])
                .starts_with(|f: char| f.is_ascii_digit() || "+-*/^×·⋅∗÷(（.".contains(f));
            let after = text[number_end..].trim_start_matches([' ', '\t']);
            let scientific = ["*", "×", "·", "⋅", "x"].iter().any(|times| {
                after.strip_prefix(times).is_some_and(|rest| {
                    rest.trim_start_matches([' ', '\t'])
                        .trim_start_matches('(')
                        .starts_with("10^")
                })
            });
            // Rounded by its look: at most three significant digits, then at least three zeros
            // (`110,000,000`, not `3,196,000`).
            let round = digits.bytes().all(|d| d.is_ascii_digit())
                && zeros >= 3
                && zeros < digits.len()
                && digits.trim_start_matches('0').len() - zeros <= 3
                && !followed;
            // `1.7 × 10^11` is rounded by its nature; `= 0.5` and `= 110,000,000` only when they
            // are not exactly the value.
            let decimal = digits.contains('.') && !followed;
            if scientific || round || decimal {
                approximations.insert(
                    start,
                    Approximation {
                        written: written(&text, &padding, start..number_end),
                        unit: None,
                        implicit: !scientific,
                    },
                );
            }
        }
        claim_ends.push(end);
    }
    Cleaned {
        text: to_text(bytes),
        approximations,
        memory,
        claim_ends,
        padding,
        code: Vec::new(),
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
pub(super) fn drop_trailing_words(cleaned: &mut Cleaned) {
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

    #[test]
    fn underscores_are_bold_or_part_of_a_name() {
        assert_eq!(clean("x = __5__ each").text, "x =   5   each");
        assert_eq!(clean("d__model = 768").text, "d__model = 768");
    }

    #[test]
    fn a_fraction_needs_its_backslash() {
        for text in ["dfrac{12}{3} = 4", "x tfrac{12}{3} = 4", "adfrac{12}{3}"] {
            assert!(!clean(text).text.contains("(12)/(3)"), "{text}");
        }
    }

    #[test]
    fn a_list_of_sizes_is_not_one_grouped_number() {
        assert_eq!(clean("sizes 512,768,1024").text, "sizes 512,768,1024");
    }
}
