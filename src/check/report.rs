//! The outcome of a check: one entry per claim, with its diagnoses, as text or JSON.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};
use serde_json::{json, Value as Json};

use crate::eval::Value;
use crate::number::{group_digits, Number};

/// Where something is: a source's name and a 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub source: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.column)
    }
}

/// Whether a claim holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The computed value is exactly the claimed one.
    Holds,
    /// The claim is exact and wrong, or approximate and wrong even after rounding.
    False,
    /// An approximate claim (`≈ 109M`, `110M params`) that its rounding allows; `binary_units` when
    /// only the 1024-based reading of its unit (`M` = 2^20) does.
    ApproximatelyHolds { binary_units: bool },
    /// One side has no value.
    NotEvaluated {
        /// Why, in one sentence (the evaluator's error).
        reason: String,
        /// Names the link uses that nothing defines.
        unknown_names: Vec<String>,
    },
}

/// How an approximate claim was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approximation {
    /// The claim as written: `110M`, `6.7 billion`.
    pub written: String,
    /// The unit as written, if any.
    pub unit: Option<String>,
    /// What one unit is (10^6 for `M`).
    pub scale: Number,
    /// How far the computed value may be from the claim and still round to it.
    pub tolerance: Number,
    /// The claim holds only as the exact value cut off after the digits written (`65.2B` for
    /// 65,285,660,672), not rounded.
    pub truncated: bool,
    /// The computed side's numbers, written without a unit, were read in the claim's unit
    /// (`67 + 8.4 + 235 = 311M`), each rounded to its last digit.
    pub terms_in_unit: bool,
    /// Decimals written in the formula (`4096*2.68`) were taken as rounded or cut to their last
    /// digit.
    pub rounded_decimals: bool,
}

/// One literal of a fused-number repair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FusedLiteral {
    pub location: Location,
    /// As written: `76812643`.
    pub written: String,
    /// The repaired reading: `768*12*64*3`.
    pub reading: String,
}

/// What a one-number fix changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixTarget {
    /// A number written in the formula.
    Literal { text: String },
    /// A size defined in the formula (`H = hidden_size | 768`).
    Definition { name: String },
    /// A config key the formula reads.
    Config { key: String },
    /// A `--set` value.
    Set { name: String },
}

/// A single number that, changed, makes the claim hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberFix {
    pub target: FixTarget,
    pub location: Location,
    pub current: Number,
    pub needed: Number,
}

impl NumberFix {
    /// A whole, non-negative value: one a size can have.
    pub fn is_plausible(&self) -> bool {
        self.needed.is_integer() && !self.needed.is_negative()
    }
}

/// How a part explains the difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartRelation {
    /// Without this part the formula gives the claim: the formula has a part too many.
    TooMany,
    /// With this part counted once more the formula gives the claim: the formula has one too few.
    TooFew,
    /// The difference (claimed − computed) is `multiple` times the part's value.
    Multiple(Number),
    /// A part the formula defines but leaves out of the computed side; with it, the claim holds.
    LeftOut,
}

/// A part whose value explains the difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartFinding {
    /// A definition's name, or the sub-expression's text.
    pub part: String,
    pub named: bool,
    pub location: Location,
    /// The part's own value.
    pub value: Number,
    /// What it adds to the computed side (its value times whatever multiplies it).
    pub contribution: Number,
    pub relation: PartRelation,
}

/// A likely mistake behind a false claim; each is exact and shown only when it explains the claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Diagnosis {
    /// Numbers fused by lost `*` signs, read apart again.
    FusedNumbers {
        literals: Vec<FusedLiteral>,
        repaired_text: String,
        repaired_value: Value,
        /// Whether the claim holds on the repaired reading.
        holds: bool,
        /// The diagnoses of the claim on the repaired reading, when it still does not hold.
        then: Vec<Diagnosis>,
    },
    OneNumber(NumberFix),
    Part(PartFinding),
    /// One side is a whole multiple of the other: a factor (often the layer count) left out.
    Factor {
        /// The claim is `factor` times the computed value (`true`), or the computed value is
        /// `factor` times the claim (`false`).
        claim_larger: bool,
        factor: Number,
        /// Sizes of the text or the config with that value (`L`, `num_hidden_layers`).
        names: Vec<String>,
    },
    /// This claim's value is another false claim's computed value and the other way round.
    Swapped {
        other: Location,
    },
}

/// One claim and what was found about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimCheck {
    /// Where the claimed side starts.
    pub location: Location,
    /// The computed side as written (whitespace collapsed).
    pub computed_text: String,
    /// The claimed side as written.
    pub claimed_text: String,
    pub status: Status,
    pub computed: Option<Value>,
    pub claimed: Option<Value>,
    /// Claimed − computed, when both are numbers.
    pub difference: Option<Number>,
    pub approximation: Option<Approximation>,
    pub diagnoses: Vec<Diagnosis>,
}

impl ClaimCheck {
    /// The claim as one line: `computed side = claimed side` (`≈` for an approximate claim).
    pub fn text(&self) -> String {
        let sign = if self.approximation.is_some() {
            "≈"
        } else {
            "="
        };
        format!("{} {sign} {}", self.computed_text, self.claimed_text)
    }
}

/// The claims of everything checked, in the order they were found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub claims: Vec<ClaimCheck>,
}

/// ANSI colours, when asked for.
struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

fn grouped(n: &Number) -> String {
    n.to_grouped_string(",")
}

fn grouped_value(v: &Value) -> String {
    match v {
        Value::Number(n) => grouped(n),
        other => other.to_string(),
    }
}

fn signed(n: &Number) -> String {
    if n.is_negative() {
        grouped(n)
    } else {
        format!("+{}", grouped(n))
    }
}

/// A fraction to a few decimal places, truncated towards zero, for a reader: `10.982`.
pub(crate) fn decimal(n: &Number, places: usize) -> String {
    let (numer, denom) = n.to_fraction();
    let sign = if numer.is_negative() { "-" } else { "" };
    let (whole, mut rest) = numer.abs().div_rem(&denom);
    let mut digits = String::new();
    let ten = BigInt::from(10);
    for _ in 0..places {
        if rest.is_zero() {
            break;
        }
        rest *= &ten;
        let (digit, remainder) = rest.div_rem(&denom);
        digits.push_str(&digit.to_string());
        rest = remainder;
    }
    let whole = group_digits(&whole.to_string(), ",");
    if digits.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{digits}")
    }
}

fn readable(n: &Number) -> String {
    if n.is_integer() {
        return grouped(n);
    }
    // Enough places for a small tolerance to show a digit: 1/2000 is about 0.0005.
    let about = [3, 6, 9, 12]
        .iter()
        .map(|places| decimal(n, *places))
        .find(|d| d.chars().any(|c| ('1'..='9').contains(&c)))
        .unwrap_or_else(|| decimal(n, 3));
    format!("{n} (about {about})")
}

fn plain(v: &Value) -> String {
    v.to_string()
}

impl Report {
    /// 0 when no claim is false, 1 when any is (a claim that could not be evaluated does not fail).
    pub fn exit_code(&self) -> i32 {
        if self.claims.iter().any(|c| c.status == Status::False) {
            1
        } else {
            0
        }
    }

    /// The reports of several inputs, one after the other.
    pub fn extend(&mut self, other: Report) {
        self.claims.extend(other.claims);
    }

    fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for claim in &self.claims {
            counts[match claim.status {
                Status::Holds => 0,
                Status::False => 1,
                Status::ApproximatelyHolds { .. } => 2,
                Status::NotEvaluated { .. } => 3,
            }] += 1;
        }
        counts
    }

    /// The report for a person: each claim with its status, values and diagnoses, digits grouped,
    /// then a summary line.
    pub fn render_text(&self, color: bool) -> String {
        let paint = Paint { on: color };
        let mut out = String::new();
        for claim in &self.claims {
            render_claim(&mut out, claim, &paint);
            out.push('\n');
        }
        let [hold, wrong, approximately, unevaluated] = self.counts();
        if self.claims.is_empty() {
            out.push_str("no claims found\n");
        } else {
            let total = self.claims.len();
            out.push_str(&format!(
                "{total} claim{}: {hold} hold{}, {wrong} false, {approximately} approximately hold, {unevaluated} not evaluated\n",
                if total == 1 { "" } else { "s" },
                if hold == 1 { "s" } else { "" },
            ));
        }
        out
    }

    /// The report as JSON:
    ///
    /// ```text
    /// {
    ///   "claims": [{
    ///     "source": "article.md", "line": 14, "column": 11,   // where the claimed side starts
    ///     "text": "<computed side> = <claimed side>",         // as written, whitespace collapsed
    ///     "computed_text": "...", "claimed_text": "...",
    ///     "status": "holds" | "false" | "approximately-holds" | "not-evaluated",
    ///     "computed": "108890112" | null,      // exact values: plain digits, "-" for negatives,
    ///     "claimed": "101675520" | null,       //   "numerator/denominator" for fractions,
    ///     "difference": "-7214592" | null,     //   "true"/"false" for booleans; difference is
    ///                                          //   claimed − computed
    ///     "reason": null | "unknown name `x`", // why a claim was not evaluated
    ///     "unknown_names": ["x"],
    ///     "binary_units": false,               // approximately holds only with M = 2^20 etc.
    ///     "approximation": null | {"written": "110M", "unit": "M" | null,
    ///                              "scale": "1000000", "tolerance": "5000000",
    ///                              "truncated": false},  // holds only truncated, not rounded
    ///     "diagnoses": [ ... ]
    ///   }],
    ///   "summary": {"claims": 3, "hold": 1, "false": 1, "approximately_hold": 0, "not_evaluated": 1},
    ///   "exit_code": 1
    /// }
    /// ```
    ///
    /// Each diagnosis is an object with a `kind`:
    /// - `"fused-numbers"`: `literals` (each `source`, `line`, `column`, `written`, `reading`),
    ///   `repaired_text`, `repaired_value`, `holds`, and `then` (the diagnoses on the repaired reading);
    /// - `"one-number"`: `target` (`"literal"`, `"definition"`, `"config"` or `"set"`), `name` (the
    ///   literal's text or the name), `source`, `line`, `column`, `current`, `needed`, `integer`;
    /// - `"part"`: `relation` (`"too-many"`: the claim is the formula without it; `"too-few"`: with
    ///   it once more; `"left-out"`: a part the file defines that the formula does not use, with
    ///   which the claim holds; `"multiple"`: the difference is `multiple` times its value), `part`, `named`,
    ///   `source`, `line`, `column`, `value`, `contribution`, `multiple`;
    /// - `"factor"`: `claim_larger` (the claim is `factor` × the computed value, or the other way),
    ///   `factor`, `names` (sizes with that value: a layer count left out);
    /// - `"swapped"`: `source`, `line`, `column` of the other claim; each claims the other's value.
    pub fn to_json(&self) -> Json {
        let [hold, wrong, approximately, unevaluated] = self.counts();
        json!({
            "claims": self.claims.iter().map(claim_json).collect::<Vec<_>>(),
            "summary": {
                "claims": self.claims.len(),
                "hold": hold,
                "false": wrong,
                "approximately_hold": approximately,
                "not_evaluated": unevaluated,
            },
            "exit_code": self.exit_code(),
        })
    }
}

fn render_claim(out: &mut String, claim: &ClaimCheck, paint: &Paint) {
    let status = match &claim.status {
        Status::Holds => paint.paint("32", "holds"),
        Status::False => paint.paint("1;31", "FALSE"),
        Status::ApproximatelyHolds {
            binary_units: false,
        } => paint.paint("32", "holds approximately"),
        Status::ApproximatelyHolds { binary_units: true } => {
            paint.paint("33", "holds approximately, with 1024-based units")
        }
        Status::NotEvaluated { .. } => paint.paint("33", "not evaluated"),
    };
    out.push_str(&format!("{}: {status}\n", claim.location));
    out.push_str(&format!("  {}\n", claim.text()));
    if let Status::NotEvaluated {
        reason,
        unknown_names,
    } = &claim.status
    {
        if unknown_names.len() > 1 {
            let names: Vec<String> = unknown_names.iter().map(|n| format!("`{n}`")).collect();
            out.push_str(&format!("  unknown names: {}\n", names.join(", ")));
        } else {
            out.push_str(&format!("  {reason}\n"));
        }
        return;
    }
    let approximate = claim.approximation.as_ref();
    if let (Some(computed), Some(claimed)) = (&claim.computed, &claim.claimed) {
        let claimed_shown = match approximate {
            Some(a) => format!("{} ({})", grouped_value(claimed), a.written),
            None => grouped_value(claimed),
        };
        out.push_str(&format!("  computed    {}\n", grouped_value(computed)));
        out.push_str(&format!("  claimed     {claimed_shown}\n"));
        if let Some(difference) = &claim.difference {
            if !difference.is_zero() {
                out.push_str(&format!(
                    "  difference  {} (claimed - computed)\n",
                    signed(difference)
                ));
            }
        }
    }
    if let Some(a) = approximate {
        let binary = matches!(
            claim.status,
            Status::ApproximatelyHolds { binary_units: true }
        );
        let unit = a.unit.as_deref().unwrap_or("");
        let reading = if binary {
            format!(
                "  read as {} = {} (a 1024-based {unit}); rounding allows ±{}\n",
                a.written,
                grouped_value(claim.claimed.as_ref().unwrap_or(&Value::Bool(false))),
                readable(&a.tolerance)
            )
        } else if a.rounded_decimals {
            "  the formula's decimals are read as rounded or cut to their last digit\n".to_string()
        } else if a.terms_in_unit {
            format!(
                "  the terms are read in {} (the claim's unit), each rounded to its last digit\n",
                a.unit.as_deref().unwrap_or("the claim's unit")
            )
        } else if a.truncated {
            format!(
                "  holds when truncated to the digits written (rounding allows ±{})\n",
                readable(&a.tolerance)
            )
        } else {
            format!("  rounding allows ±{}\n", readable(&a.tolerance))
        };
        out.push_str(&reading);
    }
    render_diagnoses(out, &claim.diagnoses, "  ");
}

fn render_diagnoses(out: &mut String, diagnoses: &[Diagnosis], indent: &str) {
    let fixes: Vec<&NumberFix> = diagnoses
        .iter()
        .filter_map(|d| match d {
            Diagnosis::OneNumber(fix) => Some(fix),
            _ => None,
        })
        .collect();
    for diagnosis in diagnoses {
        match diagnosis {
            Diagnosis::FusedNumbers {
                literals,
                repaired_text,
                repaired_value,
                holds,
                then,
            } => {
                out.push_str(&format!(
                    "{indent}fused numbers: lost `*` signs would explain {}:\n",
                    if literals.len() == 1 {
                        "a number"
                    } else {
                        "these numbers"
                    }
                ));
                for literal in literals {
                    out.push_str(&format!(
                        "{indent}  {} at {}:{} read as {}\n",
                        literal.written,
                        literal.location.line,
                        literal.location.column,
                        literal.reading
                    ));
                }
                out.push_str(&format!("{indent}  repaired    {repaired_text}\n"));
                out.push_str(&format!(
                    "{indent}  gives       {}\n",
                    grouped_value(repaired_value)
                ));
                if *holds {
                    out.push_str(&format!(
                        "{indent}  the claim holds on the repaired reading\n"
                    ));
                } else {
                    out.push_str(&format!(
                        "{indent}  the claim does not hold on the repaired reading either\n"
                    ));
                    render_diagnoses(out, then, &format!("{indent}  "));
                }
            }
            Diagnosis::Part(part) => {
                let name = if part.named {
                    format!("`{}`", part.part)
                } else {
                    format!(
                        "`{}` at {}:{}",
                        part.part, part.location.line, part.location.column
                    )
                };
                let line = match &part.relation {
                    PartRelation::TooMany => format!(
                        "a part too many: without {name} (it adds {}) the formula gives the claim",
                        grouped(&part.contribution)
                    ),
                    PartRelation::TooFew => format!(
                        "a part too few: with {name} counted once more (+{}) the formula gives the claim",
                        grouped(&part.contribution)
                    ),
                    PartRelation::LeftOut => format!(
                        "a part too few: the formula leaves out {name} (defined at {}:{}); with it (+{}) the claim holds",
                        part.location.line,
                        part.location.column,
                        grouped(&part.contribution)
                    ),
                    PartRelation::Multiple(k) => {
                        let count = if k.is_negative() { k.neg() } else { k.clone() };
                        format!(
                            "the claim counts {} {name} {} than the formula: the difference is {} × {}",
                            if count == Number::from_i64(1) { "one".to_string() } else { grouped(&count) },
                            if k.is_negative() { "fewer" } else { "more" },
                            grouped(k),
                            grouped(&part.value)
                        )
                    }
                };
                out.push_str(&format!("{indent}{line}\n"));
            }
            Diagnosis::Factor {
                claim_larger,
                factor,
                names,
            } => {
                let named = if names.is_empty() {
                    String::new()
                } else {
                    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                    format!(" ({} = {})", names.join(", "), grouped(factor))
                };
                let line = if *claim_larger {
                    format!(
                        "the claim is {} × the computed value: the formula leaves out a factor {}{named}",
                        grouped(factor),
                        grouped(factor)
                    )
                } else {
                    format!(
                        "the computed value is {} × the claim: the claim leaves out a factor {}{named}",
                        grouped(factor),
                        grouped(factor)
                    )
                };
                let line = match (factor.to_string().as_str(), claim_larger) {
                    ("3/2", true) => "the claim is 3/2 × the computed value: 3 matrices where the formula has 2 (a gated MLP, SwiGLU or GeGLU, has 3; a plain one 2)".to_string(),
                    ("3/2", false) => "the computed value is 3/2 × the claim: 2 matrices where the formula has 3 (a gated MLP, SwiGLU or GeGLU, has 3; a plain one 2)".to_string(),
                    _ => line,
                };
                out.push_str(&format!("{indent}{line}\n"));
            }
            Diagnosis::Swapped { other } => out.push_str(&format!(
                "{indent}swapped with the claim at {}:{}: each claims the other's value\n",
                other.line, other.column
            )),
            Diagnosis::OneNumber(_) => {}
        }
    }
    if fixes.is_empty() {
        return;
    }
    let (plausible, other): (Vec<&NumberFix>, Vec<&NumberFix>) =
        fixes.into_iter().partition(|f| f.is_plausible());
    if plausible.is_empty() {
        out.push_str(&format!(
            "{indent}no single number changed to a whole value makes it hold; the closest:\n"
        ));
        for fix in other.iter().take(3) {
            out.push_str(&format!("{indent}  {}\n", describe_fix(fix)));
        }
        return;
    }
    out.push_str(&format!("{indent}one number changed would make it hold:\n"));
    for fix in &plausible {
        out.push_str(&format!("{indent}  {}\n", describe_fix(fix)));
    }
    if !other.is_empty() {
        out.push_str(&format!(
            "{indent}  ({} other number{} would need a fraction or a negative value)\n",
            other.len(),
            if other.len() == 1 { "" } else { "s" }
        ));
    }
}

fn describe_fix(fix: &NumberFix) -> String {
    let at = format!("{}:{}", fix.location.line, fix.location.column);
    let what = match &fix.target {
        FixTarget::Literal { text } => format!("{text} at {at}"),
        FixTarget::Definition { name } => {
            format!("{name} = {} (defined at {at})", grouped(&fix.current))
        }
        FixTarget::Config { key } => format!("config key {key} = {}", grouped(&fix.current)),
        FixTarget::Set { name } => format!("--set {name}={}", fix.current),
    };
    format!("{what} → {}", readable(&fix.needed))
}

fn location_json(location: &Location) -> [(&'static str, Json); 3] {
    [
        ("source", json!(location.source)),
        ("line", json!(location.line)),
        ("column", json!(location.column)),
    ]
}

fn object(fields: impl IntoIterator<Item = (&'static str, Json)>) -> Json {
    Json::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn claim_json(claim: &ClaimCheck) -> Json {
    let (status, reason, unknown, binary) = match &claim.status {
        Status::Holds => ("holds", None, Vec::new(), false),
        Status::False => ("false", None, Vec::new(), false),
        Status::ApproximatelyHolds { binary_units } => {
            ("approximately-holds", None, Vec::new(), *binary_units)
        }
        Status::NotEvaluated {
            reason,
            unknown_names,
        } => (
            "not-evaluated",
            Some(reason.clone()),
            unknown_names.clone(),
            false,
        ),
    };
    let mut fields: Vec<(&'static str, Json)> = location_json(&claim.location).into();
    fields.extend([
        ("text", json!(claim.text())),
        ("computed_text", json!(claim.computed_text)),
        ("claimed_text", json!(claim.claimed_text)),
        ("status", json!(status)),
        ("computed", json!(claim.computed.as_ref().map(plain))),
        ("claimed", json!(claim.claimed.as_ref().map(plain))),
        (
            "difference",
            json!(claim.difference.as_ref().map(Number::to_plain_string)),
        ),
        ("reason", json!(reason)),
        ("unknown_names", json!(unknown)),
        ("binary_units", json!(binary)),
        (
            "approximation",
            match &claim.approximation {
                Some(a) => json!({
                    "written": a.written,
                    "unit": a.unit,
                    "scale": a.scale.to_plain_string(),
                    "tolerance": a.tolerance.to_plain_string(),
                    "truncated": a.truncated,
                    "terms_in_unit": a.terms_in_unit,
                    "rounded_decimals": a.rounded_decimals,
                }),
                None => Json::Null,
            },
        ),
        (
            "diagnoses",
            Json::Array(claim.diagnoses.iter().map(diagnosis_json).collect()),
        ),
    ]);
    object(fields)
}

fn diagnosis_json(diagnosis: &Diagnosis) -> Json {
    match diagnosis {
        Diagnosis::FusedNumbers {
            literals,
            repaired_text,
            repaired_value,
            holds,
            then,
        } => json!({
            "kind": "fused-numbers",
            "literals": literals.iter().map(|l| {
                let mut fields: Vec<(&'static str, Json)> = location_json(&l.location).into();
                fields.push(("written", json!(l.written)));
                fields.push(("reading", json!(l.reading)));
                object(fields)
            }).collect::<Vec<_>>(),
            "repaired_text": repaired_text,
            "repaired_value": plain(repaired_value),
            "holds": holds,
            "then": then.iter().map(diagnosis_json).collect::<Vec<_>>(),
        }),
        Diagnosis::OneNumber(fix) => {
            let (target, name) = match &fix.target {
                FixTarget::Literal { text } => ("literal", text),
                FixTarget::Definition { name } => ("definition", name),
                FixTarget::Config { key } => ("config", key),
                FixTarget::Set { name } => ("set", name),
            };
            let mut fields = vec![
                ("kind", json!("one-number")),
                ("target", json!(target)),
                ("name", json!(name)),
            ];
            fields.extend(location_json(&fix.location));
            fields.extend([
                ("current", json!(fix.current.to_plain_string())),
                ("needed", json!(fix.needed.to_plain_string())),
                ("integer", json!(fix.needed.is_integer())),
            ]);
            object(fields)
        }
        Diagnosis::Factor {
            claim_larger,
            factor,
            names,
        } => json!({
            "kind": "factor",
            "claim_larger": claim_larger,
            "factor": factor.to_plain_string(),
            "names": names,
        }),
        Diagnosis::Swapped { other } => {
            let mut fields = vec![("kind", json!("swapped"))];
            fields.extend(location_json(other));
            object(fields)
        }
        Diagnosis::Part(part) => {
            let (relation, multiple) = match &part.relation {
                PartRelation::TooMany => ("too-many", None),
                PartRelation::TooFew => ("too-few", None),
                PartRelation::LeftOut => ("left-out", None),
                PartRelation::Multiple(k) => ("multiple", Some(k.to_plain_string())),
            };
            let mut fields = vec![
                ("kind", json!("part")),
                ("relation", json!(relation)),
                ("part", json!(part.part)),
                ("named", json!(part.named)),
            ];
            fields.extend(location_json(&part.location));
            fields.extend([
                ("value", json!(part.value.to_plain_string())),
                ("contribution", json!(part.contribution.to_plain_string())),
                ("multiple", json!(multiple)),
            ]);
            object(fields)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_truncate_exactly() {
        let limit = 1 << 20;
        // 77839872 / 7087872 = 10.98215...: 10 rem 6961152; 69611520 = 9*7087872 + 5820672; then 8, then 2.
        let n = Number::from_i64(77839872)
            .div(&Number::from_i64(7087872), limit)
            .unwrap();
        assert_eq!(decimal(&n, 3), "10.982");
        assert_eq!(decimal(&Number::from_i64(-1234567), 3), "-1,234,567");
        let half = Number::from_i64(-1)
            .div(&Number::from_i64(2), limit)
            .unwrap();
        assert_eq!(decimal(&half, 3), "-0.5");
    }
}
