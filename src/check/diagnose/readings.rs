//! Reading a fused number apart: `76812643` as `768*12*64*3`, from the numbers the text and the
//! config give (the atoms), the small factors of parameter counts, and their exact quotients.

use std::collections::HashSet;

use num_bigint::BigInt;
use num_traits::{One, Zero};

use crate::check::workspace::Workspace;
use crate::config::Lookup;
use crate::number::Number;
use crate::syntax::SourceId;

/// Numbers a fused literal may be made of.
pub(crate) struct Atoms {
    /// Every number a piece may be.
    pub(super) all: HashSet<String>,
    /// Those that occur in the text or the config (the rest are small factors and quotients).
    pub(super) strong: HashSet<String>,
}

/// The small factors of parameter counts: LayerNorm's 2, Q/K/V's 3, the feed-forward's 4, and 12
/// (layers and heads of the base models).
const SMALL_FACTORS: [&str; 4] = ["2", "3", "4", "12"];

/// Plain whole numbers written in a text (not the digits of a decimal fraction), without `_`.
fn numbers_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        let mut digits = String::new();
        while at < bytes.len()
            && (bytes[at].is_ascii_digit()
                || bytes[at] == b'_' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
        {
            if bytes[at] != b'_' {
                digits.push(bytes[at] as char);
            }
            at += 1;
        }
        let fraction = start > 0 && bytes[start - 1] == b'.';
        if !fraction {
            let trimmed = digits.trim_start_matches('0');
            if trimmed.len() > 1 || trimmed > "1" {
                out.push(trimmed.to_string());
            }
        }
    }
    out
}

/// Exact quotients `a/b` (both at least 2) of the numbers: 64 is 768/12, a head's width.
fn quotients(numbers: &HashSet<String>) -> HashSet<String> {
    // The 400 shortest numbers: quotients of long ones are rarely the sizes that fused.
    let mut sorted: Vec<&String> = numbers.iter().filter(|s| s.len() <= 15).collect();
    sorted.sort_by_key(|s| (s.len(), s.as_str()));
    let values: Vec<BigInt> = sorted
        .into_iter()
        .take(400)
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut out = HashSet::new();
    let two = BigInt::from(2);
    for a in &values {
        for b in &values {
            if b >= &two && a > b && (a % b).is_zero() {
                let q = a / b;
                if q >= two {
                    out.insert(q.to_string());
                }
            }
        }
    }
    out
}

/// Ways to read `digits` as a product of at least two atoms, best first, at most 64.
pub(super) fn splits(digits: &str, atoms: &Atoms) -> Vec<Vec<String>> {
    /// Whether a split of `rest` was found. `dead` holds the lengths of tails that have none:
    /// without it, `3333...30` with the atoms 3 and 33 is tried in exponentially many ways, all
    /// failing at the final 0 (a fuzz finding: 343 bytes took eight minutes).
    fn search(
        rest: &str,
        atoms: &Atoms,
        path: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
        whole: &str,
        dead: &mut HashSet<usize>,
    ) -> bool {
        if out.len() >= 64 {
            return true;
        }
        if rest.is_empty() {
            if path.len() >= 2 {
                out.push(path.clone());
                return true;
            }
            return false;
        }
        if rest.starts_with('0') || dead.contains(&rest.len()) {
            return false;
        }
        let mut found = false;
        for end in 1..=rest.len() {
            let piece = &rest[..end];
            if piece != whole && atoms.all.contains(piece) {
                path.push(piece.to_string());
                found |= search(&rest[end..], atoms, path, out, whole, dead);
                path.pop();
            }
        }
        // A tail reached with a path of one piece may still complete later with two: only a
        // tail that failed after at least one piece is dead for every path.
        if !found && !path.is_empty() {
            dead.insert(rest.len());
        }
        found
    }
    let mut out = Vec::new();
    search(
        digits,
        atoms,
        &mut Vec::new(),
        &mut out,
        digits,
        &mut HashSet::new(),
    );
    let weak = |split: &Vec<String>| split.iter().filter(|p| !atoms.strong.contains(*p)).count();
    out.sort_by(|a, b| {
        a.len()
            .cmp(&b.len())
            .then_with(|| weak(a).cmp(&weak(b)))
            .then_with(|| b.cmp(a))
    });
    out
}

pub(super) fn atoms(workspace: &Workspace, source: SourceId) -> Atoms {
    let limit = workspace.limits.max_bits;
    let text: HashSet<String> = numbers_in(workspace.parsed_text(source))
        .into_iter()
        .collect();
    let mut given: HashSet<String> = HashSet::new();
    if let Some(config) = &workspace.config {
        for key in config.keys() {
            if let Lookup::Number(n) = config.lookup(&key, limit) {
                if n.is_integer() && !n.is_negative() && n > Number::from_i64(1) {
                    given.insert(n.to_string());
                }
            }
        }
    }
    for (id, source) in workspace.formula.sources.iter() {
        if source.name.starts_with("--set ") {
            given.extend(numbers_in(workspace.parsed_text(id)));
        }
    }
    let small: HashSet<String> = SMALL_FACTORS.iter().map(|s| s.to_string()).collect();
    // First pass: which numbers of the text are themselves fused, so that they do not count as
    // evidence for others.
    let everything: HashSet<String> = text.union(&given).cloned().collect();
    let first = Atoms {
        all: everything
            .iter()
            .chain(&small)
            .chain(&quotients(&everything))
            .cloned()
            .collect(),
        strong: everything.clone(),
    };
    let fused: HashSet<String> = text
        .iter()
        .filter(|t| t.len() >= 4 && !splits(t, &first).is_empty())
        .cloned()
        .collect();
    let strong: HashSet<String> = everything.difference(&fused).cloned().collect();
    let all = strong
        .iter()
        .chain(&small)
        .chain(&quotients(&strong))
        .cloned()
        .collect();
    Atoms { all, strong }
}

pub(super) fn is_power_of_two(digits: &str) -> bool {
    digits
        .parse::<BigInt>()
        .is_ok_and(|n| n > BigInt::one() && (&n & (&n - 1u32)).is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(all: &[&str], strong: &[&str]) -> Atoms {
        Atoms {
            all: all.iter().map(|s| s.to_string()).collect(),
            strong: strong.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn fused_literals_split_into_known_numbers() {
        let known = atoms(
            &["768", "12", "64", "3", "2", "4", "6", "3072"],
            &["768", "12", "3072"],
        );
        assert_eq!(splits("76812643", &known)[0], vec!["768", "12", "64", "3"]);
        assert_eq!(splits("12643", &known)[0], vec!["12", "64", "3"]);
        assert_eq!(splits("7683072", &known)[0], vec!["768", "3072"]);
        assert!(splits("30522", &known).is_empty());
    }

    #[test]
    fn numbers_in_text_skip_fractions_and_ones() {
        assert_eq!(
            numbers_in("0.1 and 768, 1, 30_522 or 007"),
            vec!["768", "30522", "7"]
        );
    }

    #[test]
    fn quotients_find_head_width() {
        let numbers: HashSet<String> = ["768", "12"].iter().map(|s| s.to_string()).collect();
        assert!(quotients(&numbers).contains("64"));
    }

    #[test]
    fn powers_of_two_are_never_fused() {
        // 4096 = 2^12 is a width, not 4*096 or 40*96; 4097 is not a power of two.
        assert!(is_power_of_two("4096"));
        assert!(!is_power_of_two("4097"));
        assert!(!is_power_of_two("1"));
    }
}
