//! A breakdown printed: an aligned table, csv, json, markdown, and an svg bar chart (drawn with
//! `plotters`' SVG backend).
//!
//! The machine formats (csv, json) always carry exact plain digits; the formats for people (table,
//! markdown, svg) take a `NumberStyle`. Every format that states a sum states it after adding the
//! leaves again, exactly.

use std::fmt::Write as _;

use serde_json::{json, Value as Json};

use super::{Breakdown, Node};
use crate::error::{Error, Result};
use crate::humanize::{self, NumberStyle};
use crate::number::Number;

/// What to show: how deep the nesting goes, and how counts are printed.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// Rows deeper than this are folded into their ancestor (`None`: every row).
    pub max_depth: Option<usize>,
    pub numbers: NumberStyle,
    /// The size limit for the sums this module checks.
    pub max_bits: u64,
}

fn share(b: &Breakdown, node: &Node, decimals: u32) -> Option<String> {
    humanize::percent(&node.count, b.total(), decimals)
}

/// The share for people: `6.54%`, `<0.01%` for a small part that is not zero, `-` of a zero total.
fn share_cell(b: &Breakdown, node: &Node, decimals: u32) -> String {
    match share(b, node, decimals) {
        None => "-".into(),
        Some(s) if !node.count.is_zero() && s.trim_start_matches(['-', '0', '.']).is_empty() => {
            let smallest = format!("0.{}1", "0".repeat(decimals.saturating_sub(1) as usize));
            let sign = if node.count.is_negative() { "-" } else { "" };
            format!("<{sign}{smallest}%")
        }
        Some(s) => format!("{s}%"),
    }
}

/// `× 32 (L)`, or nothing for a part counted once.
fn repeats(node: &Node) -> String {
    if node.repeats == Number::from_i64(1) {
        return String::new();
    }
    let value = node.repeats.to_grouped_string(",");
    let written = node.repeated_by.join("*");
    if written.is_empty() || written == node.repeats.to_plain_string() {
        format!("× {value}")
    } else {
        format!("× {value} ({written})")
    }
}

/// The tree-drawing prefix of each row (`├─ `, `│  └─ `), torchinfo-style.
fn tree_prefixes(b: &Breakdown, rows: &[usize]) -> Vec<String> {
    rows.iter()
        .map(|&i| {
            let mut prefix = String::new();
            let mut at = i;
            let mut first = true;
            while let Some(parent) = b.nodes[at].parent {
                let siblings = &b.nodes[parent].children;
                let last = siblings.last() == Some(&at);
                let piece = match (first, last) {
                    (true, true) => "└─ ",
                    (true, false) => "├─ ",
                    (false, true) => "   ",
                    (false, false) => "│  ",
                };
                prefix.insert_str(0, piece);
                first = false;
                at = parent;
            }
            prefix
        })
        .collect()
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// The closing line: the leaves, added again, equal the total.
fn sum_line(b: &Breakdown, view: &View) -> Result<String> {
    let leaves = b.leaves(view.max_depth);
    let sum = b.sum_of_leaves(view.max_depth, view.max_bits)?;
    if &sum != b.total() {
        return Err(Error::Usage {
            message: format!(
                "the leaf parts add up to {sum}, not to the total {}",
                b.total()
            ),
            help: "this is a bug in paramcount's breakdown; `paramcount derive --style steps` shows the parts".into(),
        });
    }
    let total = humanize::format(&sum, NumberStyle::Grouped);
    Ok(if leaves.len() == 1 {
        format!("the 1 leaf part is exactly the total, {total}")
    } else {
        format!(
            "the {} leaf parts sum exactly to the total, {total}",
            leaves.len()
        )
    })
}

/// An aligned table: the tree of parts, counts, shares, and each × repeats.
pub fn table(b: &Breakdown, view: &View) -> Result<String> {
    let rows = b.rows(view.max_depth);
    let prefixes = tree_prefixes(b, &rows);
    let header = ["part", "params", "share", "each", "repeats"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .zip(&prefixes)
        .map(|(&i, prefix)| {
            let node = &b.nodes[i];
            let each = if node.repeats == Number::from_i64(1) {
                String::new()
            } else {
                humanize::format(&node.each, view.numbers)
            };
            [
                format!("{prefix}{}", node.name),
                humanize::format(&node.count, view.numbers),
                share_cell(b, node, 2),
                each,
                repeats(node),
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, row: [&str; 5]| {
        let pad = |text: &str, w: usize| " ".repeat(w.saturating_sub(width(text)));
        let text = format!(
            "{}{}  {}{}  {}{}  {}{}  {}",
            row[0],
            pad(row[0], widths[0]),
            pad(row[1], widths[1]),
            row[1],
            pad(row[2], widths[2]),
            row[2],
            pad(row[3], widths[3]),
            row[3],
            row[4]
        );
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(&mut out, header);
    for row in &cells {
        line(
            &mut out,
            [&row[0], &row[1], &row[2], &row[3], &row[4]].map(|s| s.as_str()),
        );
    }
    let _ = writeln!(out, "\n{}", sum_line(b, view)?);
    Ok(out)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One row per leaf part, plain digits: the `params` column sums to the total.
pub fn csv(b: &Breakdown, view: &View) -> String {
    let mut out = String::from("part,path,params,each,repeats,share_percent,explanation\n");
    for i in b.leaves(view.max_depth) {
        let node = &b.nodes[i];
        let fields = [
            node.name.clone(),
            b.path(i).join("/"),
            node.count.to_plain_string(),
            node.each.to_plain_string(),
            node.repeats.to_plain_string(),
            share(b, node, 4).unwrap_or_default(),
            node.explanation.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(out, "{}", line.join(","));
    }
    out
}

/// The tree with exact values as strings.
pub fn json(b: &Breakdown, view: &View) -> Result<Json> {
    let rows = b.rows(view.max_depth);
    // Children come after their parent, so building from the last row up has every child ready.
    let mut built: Vec<Option<Json>> = vec![None; b.nodes.len()];
    for &i in rows.iter().rev() {
        let node = &b.nodes[i];
        let mut object = serde_json::Map::new();
        object.insert("name".into(), json!(node.name));
        object.insert("path".into(), json!(b.path(i).join("/")));
        object.insert("explanation".into(), json!(node.explanation));
        object.insert("params".into(), json!(node.count.to_plain_string()));
        object.insert("share_percent".into(), json!(share(b, node, 4)));
        object.insert("each".into(), json!(node.each.to_plain_string()));
        object.insert("repeats".into(), json!(node.repeats.to_plain_string()));
        object.insert("repeated_by".into(), json!(node.repeated_by));
        if !b.is_leaf(i, view.max_depth) {
            let children: Vec<Json> = node
                .children
                .iter()
                .filter_map(|&c| built[c].take())
                .collect();
            object.insert("parts".into(), Json::Array(children));
        }
        built[i] = Some(Json::Object(object));
    }
    let sum = b.sum_of_leaves(view.max_depth, view.max_bits)?;
    Ok(json!({
        "target": b.root().name,
        "total": b.total().to_plain_string(),
        "leaf_sum": sum.to_plain_string(),
        "sums_exactly": &sum == b.total(),
        "tree": built[0].take(),
    }))
}

/// Pretty JSON text; a deep tree gets the stack serde_json's recursion needs.
pub fn json_text(b: &Breakdown, view: &View) -> Result<String> {
    let value = json(b, view)?;
    let depth = b.nodes.iter().map(|n| n.depth).max().unwrap_or(0);
    let render = || serde_json::to_string_pretty(&value).unwrap_or_default();
    let text = if depth < 100 {
        render()
    } else {
        stacker::grow(depth.saturating_mul(4096) + (1 << 20), render)
    };
    Ok(text + "\n")
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A markdown table of the tree, and the sum line.
pub fn markdown(b: &Breakdown, view: &View) -> Result<String> {
    let rows = b.rows(view.max_depth);
    let prefixes = tree_prefixes(b, &rows);
    let mut out = String::new();
    out.push_str("| part | params | share | each | repeats | what it counts |\n");
    out.push_str("|---|---:|---:|---:|---|---|\n");
    for (&i, prefix) in rows.iter().zip(&prefixes) {
        let node = &b.nodes[i];
        let each = if node.repeats == Number::from_i64(1) {
            String::new()
        } else {
            humanize::format(&node.each, view.numbers)
        };
        let name = if i == 0 {
            format!("**{}**", escape_cell(&node.name))
        } else {
            format!("{prefix}`{}`", escape_cell(&node.name))
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            humanize::format(&node.count, view.numbers),
            share_cell(b, node, 2),
            each,
            repeats(node),
            escape_cell(node.explanation.as_deref().unwrap_or_default())
        );
    }
    let _ = writeln!(out, "\n{}.", capitalise(&sum_line(b, view)?));
    Ok(out)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The label of each leaf in a chart: its name, with its parent's when the name alone is
/// ambiguous (T5's `attention` in the encoder and in the decoder).
fn leaf_labels(b: &Breakdown, leaves: &[usize]) -> Vec<String> {
    leaves
        .iter()
        .map(|&i| {
            let name = &b.nodes[i].name;
            let ambiguous = leaves.iter().filter(|&&j| &b.nodes[j].name == name).count() > 1;
            match (ambiguous, b.nodes[i].parent) {
                (true, Some(parent)) => format!("{}/{name}", b.nodes[parent].name),
                _ => name.clone(),
            }
        })
        .collect()
}

/// Only for placing bars: the digits printed never come from here.
fn approximate(number: &Number) -> f64 {
    use num_traits::ToPrimitive;
    let (numerator, denominator) = number.to_fraction();
    num_rational::BigRational::new(numerator, denominator)
        .to_f64()
        .unwrap_or(0.0)
}

/// A horizontal bar chart of the leaf parts, one bar each, labelled with name, count and share.
pub fn svg(b: &Breakdown, view: &View) -> Result<String> {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    let leaves = b.leaves(view.max_depth);
    let labels = leaf_labels(b, &leaves);
    let values: Vec<f64> = leaves
        .iter()
        .map(|&i| approximate(&b.nodes[i].count))
        .collect();
    let notes: Vec<String> = leaves
        .iter()
        .map(|&i| {
            let node = &b.nodes[i];
            let count = humanize::format(&node.count, view.numbers);
            match share(b, node, 1) {
                Some(_) => format!("{count} ({})", share_cell(b, node, 1)),
                None => count,
            }
        })
        .collect();
    let n = leaves.len();
    let longest = labels.iter().map(|l| width(l)).max().unwrap_or(4) as u32;
    let label_area = 24 + longest * 8;
    let chart_width = 1000u32.max(label_area + 600);
    let height = 110 + 30 * n as u32;
    let max = values.iter().copied().fold(0.0f64, f64::max);
    let min = values.iter().copied().fold(0.0f64, f64::min);
    // Room right of the longest bar (and left of the most negative) for its note.
    let span = (max - min).max(1.0);
    let x_range = (min - if min < 0.0 { span * 0.3 } else { 0.0 })..(max + span * 0.3);
    let caption = format!(
        "{}: {} parameters",
        b.root().name,
        humanize::format(b.total(), NumberStyle::Grouped)
    );
    let style = view.numbers;
    let mut text = String::new();
    let drawn: std::result::Result<(), String> = (|| {
        let root = SVGBackend::with_string(&mut text, (chart_width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(label_area)
            // A discrete range is inclusive: 0..n-1 makes exactly n segments.
            .build_cartesian_2d(x_range, (0..n.saturating_sub(1)).into_segmented())
            .map_err(|e| e.to_string())?;
        // The first leaf at the top: row i of the breakdown is segment n-1-i.
        let label_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(k) if *k < n => labels[n - 1 - *k].clone(),
            _ => String::new(),
        };
        let tick = |x: &f64| {
            let rounded = format!("{:.0}", x.round());
            match rounded.parse::<num_bigint::BigInt>() {
                Ok(value) => humanize::format(&Number::from_bigint(value), shorten(style)),
                Err(_) => String::new(),
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .y_labels(n.max(1))
            .y_label_formatter(&label_of)
            .y_label_style(("sans-serif", 14))
            .x_label_formatter(&tick)
            .x_labels(6)
            .x_desc("parameters")
            .draw()
            .map_err(|e| e.to_string())?;
        let bar = RGBColor(70, 110, 180);
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let row = n - 1 - i;
                let mut rectangle = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row)),
                        (v, SegmentValue::Exact(row + 1)),
                    ],
                    bar.filled(),
                );
                rectangle.set_margin(4, 4, 0, 0);
                rectangle
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let row = n - 1 - i;
                let anchor = if v < 0.0 {
                    Pos::new(HPos::Right, VPos::Center)
                } else {
                    Pos::new(HPos::Left, VPos::Center)
                };
                let gap = if v < 0.0 { -span * 0.005 } else { span * 0.005 };
                Text::new(
                    notes[i].clone(),
                    (v + gap, SegmentValue::CenterOf(row)),
                    ("sans-serif", 13).into_font().color(&BLACK).pos(anchor),
                )
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
        Ok(())
    })();
    drawn.map_err(|message| Error::Usage {
        message: format!("cannot draw the chart: {message}"),
        help: "try --format table or csv".into(),
    })?;
    Ok(text)
}

/// Axis ticks are always short: `2.00B` reads on an axis, `2,000,000,000` does not.
fn shorten(style: NumberStyle) -> NumberStyle {
    match style {
        NumberStyle::ShortBinary => NumberStyle::ShortBinary,
        _ => NumberStyle::Short,
    }
}
