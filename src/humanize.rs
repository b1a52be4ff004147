//! Counts for people: plain digits, grouped digits (`109,482,240`) and short forms (`109.5M`,
//! `6.74B`, `1.20T`; `104.4Mi` only when binary prefixes are asked for).
//!
//! This sits at the end of the pipeline, beside the printer: it turns an exact `Number` into text
//! and nothing else. The rounding is exact: the digits come from big-integer arithmetic on the
//! rational value, never from a float, so `999,950` rounds to `1.00M` and not to `999.9k` or
//! `1000k`.
//!
//! The short form's rule: at least three significant digits and at least one decimal, rounded half
//! away from zero; a value that rounds up to 1000 of a unit moves to the next unit. So
//! `109,482,240` is `109.5M` (four digits, one decimal), `6,738,415,616` is `6.74B` and
//! `1,200,000,000,000` is `1.20T`. Decimal units are the ones ML papers quote (`k`, `M`, `B`, `T`);
//! past `999.9T` the short form is scientific (`1.23e15`). Binary units are `Ki`, `Mi`, `Gi`, `Ti`,
//! `Pi`, `Ei` (powers of 1024). Values below one unit (under 1000, or 1024) print exactly.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

use crate::number::Number;

/// How a count is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NumberStyle {
    /// Exact digits, nothing else: `109482240` (what scripts read).
    #[default]
    Plain,
    /// Exact digits grouped in threes: `109,482,240`.
    Grouped,
    /// Rounded, decimal units: `109.5M`, `6.74B`.
    Short,
    /// Rounded, binary units: `104.4Mi`.
    ShortBinary,
}

impl NumberStyle {
    /// Whether the style keeps every digit (so a column of such values sums exactly).
    pub fn is_exact(self) -> bool {
        matches!(self, NumberStyle::Plain | NumberStyle::Grouped)
    }
}

/// `number` in `style`.
pub fn format(number: &Number, style: NumberStyle) -> String {
    match style {
        NumberStyle::Plain => number.to_plain_string(),
        NumberStyle::Grouped => number.to_grouped_string(","),
        NumberStyle::Short => short(number, Base::Decimal),
        NumberStyle::ShortBinary => short(number, Base::Binary),
    }
}

#[derive(Clone, Copy)]
enum Base {
    Decimal,
    Binary,
}

impl Base {
    fn step(self) -> BigInt {
        match self {
            Base::Decimal => BigInt::from(1000),
            Base::Binary => BigInt::from(1024),
        }
    }

    fn units(self) -> &'static [&'static str] {
        match self {
            Base::Decimal => &["k", "M", "B", "T"],
            Base::Binary => &["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"],
        }
    }
}

/// The short form (see the module's rule).
fn short(number: &Number, base: Base) -> String {
    let (numerator, denominator) = number.to_fraction();
    let sign = if numerator.is_negative() { "-" } else { "" };
    let numerator = numerator.abs();
    let step = base.step();
    if numerator < &step * &denominator {
        return number.to_plain_string();
    }
    let units = base.units();
    // The unit: the largest whose size fits in the value.
    let mut unit = 0;
    let mut size = step.clone();
    while unit + 1 < units.len() && numerator >= &size * &step * &denominator {
        unit += 1;
        size *= &step;
    }
    loop {
        let (digits, decimals) = significant(&numerator, &(&denominator * &size));
        let limit = BigInt::from(1000) * pow10(decimals);
        if digits >= limit {
            // Rounded up to 1000 of this unit: the next unit reads better (`1.00M`, not `1000.0k`).
            if unit + 1 < units.len() {
                unit += 1;
                size *= &step;
                continue;
            }
            if let Base::Decimal = base {
                return format!("{sign}{}", scientific(&numerator, &denominator));
            }
        }
        return format!("{sign}{}{}", with_point(&digits, decimals), units[unit]);
    }
}

/// `value = numerator/denominator` (at least 1) rounded to three significant digits and at least
/// one decimal: the digits as an integer, and how many of them are decimals.
fn significant(numerator: &BigInt, denominator: &BigInt) -> (BigInt, u32) {
    let integer_digits = numerator.div_floor(denominator).to_string().len() as u32;
    let decimals = 3u32.saturating_sub(integer_digits).max(1);
    (
        round_half_up(&(numerator * pow10(decimals)), denominator),
        decimals,
    )
}

/// `numerator/denominator` rounded to the nearest integer, halves away from zero (both positive).
fn round_half_up(numerator: &BigInt, denominator: &BigInt) -> BigInt {
    let (quotient, remainder) = numerator.div_rem(denominator);
    if remainder * 2 >= *denominator {
        quotient + 1
    } else {
        quotient
    }
}

fn pow10(exponent: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), exponent as usize)
}

/// `1234` with 2 decimals is `12.34`.
fn with_point(digits: &BigInt, decimals: u32) -> String {
    let text = digits.to_string();
    let decimals = decimals as usize;
    if decimals == 0 {
        return text;
    }
    let text = format!("{text:0>width$}", width = decimals + 1);
    let (integer, fraction) = text.split_at(text.len() - decimals);
    format!("{integer}.{fraction}")
}

/// Three significant digits in scientific notation: `1.23e15`.
fn scientific(numerator: &BigInt, denominator: &BigInt) -> String {
    let mut exponent = numerator.div_floor(denominator).to_string().len() as u32 - 1;
    loop {
        // value / 10^exponent, in [1, 10), to two decimals.
        let digits = round_half_up(&(numerator * pow10(2)), &(denominator * pow10(exponent)));
        if digits >= BigInt::from(1000) {
            exponent += 1;
            continue;
        }
        return format!("{}e{exponent}", with_point(&digits, 2));
    }
}

/// `part / whole` as a percentage rounded (half away from zero) to `decimals` places: `13.37`.
/// `None` when `whole` is zero.
pub fn percent(part: &Number, whole: &Number, decimals: u32) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    let (pn, pd) = part.to_fraction();
    let (wn, wd) = whole.to_fraction();
    // part/whole * 100 * 10^decimals = pn*wd*100*10^d / (pd*wn)
    let numerator = pn * wd * BigInt::from(100) * pow10(decimals);
    let denominator = pd * wn;
    let negative = numerator.is_negative() != denominator.is_negative() && !numerator.is_zero();
    let rounded = round_half_up(&numerator.abs(), &denominator.abs());
    let sign = if negative && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    Some(format!("{sign}{}", with_point(&rounded, decimals)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(value: i64) -> Number {
        Number::from_i64(value)
    }

    fn short(value: i64) -> String {
        format(&n(value), NumberStyle::Short)
    }

    fn binary(value: i64) -> String {
        format(&n(value), NumberStyle::ShortBinary)
    }

    #[test]
    fn plain_and_grouped_keep_every_digit() {
        assert_eq!(format(&n(109_482_240), NumberStyle::Plain), "109482240");
        assert_eq!(format(&n(109_482_240), NumberStyle::Grouped), "109,482,240");
        assert_eq!(format(&n(-1234), NumberStyle::Grouped), "-1,234");
        assert_eq!(format(&n(999), NumberStyle::Grouped), "999");
    }

    #[test]
    fn short_has_three_significant_digits_and_one_decimal() {
        // BERT-base (transformers' BertModel): 109,482,240 = 109.48224M -> one decimal: 109.5M.
        assert_eq!(short(109_482_240), "109.5M");
        // LLaMA-2-7B: 6,738,415,616 = 6.738...B -> 6.74B.
        assert_eq!(short(6_738_415_616), "6.74B");
        // GPT-2: 124,439,808 -> 124.4M.
        assert_eq!(short(124_439_808), "124.4M");
        assert_eq!(short(1_200_000_000_000), "1.20T");
        assert_eq!(short(12_345), "12.3k");
        assert_eq!(short(1_000), "1.00k");
        assert_eq!(short(-6_738_415_616), "-6.74B");
    }

    #[test]
    fn short_rounds_exactly_at_the_boundaries() {
        // 999,950 is 999.95k: half rounds away from zero to 1000.0k, which is 1.00M.
        assert_eq!(short(999_950), "1.00M");
        // One less stays below the half: 999.949k -> 999.9k.
        assert_eq!(short(999_949), "999.9k");
        // 1,234,500 is 1.2345M: the 5 decides nothing at two decimals (1.23|45 -> 1.23).
        assert_eq!(short(1_234_500), "1.23M");
        // 1,235,000 is exactly 1.235M: half away from zero -> 1.24M (a float would risk 1.23M).
        assert_eq!(short(1_235_000), "1.24M");
        // 999,950,000,000,000 is 999.95T, rounding to 1000.0T: past the last unit, scientific.
        assert_eq!(short(999_950_000_000_000), "1.00e15");
        assert_eq!(short(1_234_567_890_123_456_789), "1.23e18");
    }

    #[test]
    fn small_values_print_exactly() {
        assert_eq!(short(999), "999");
        assert_eq!(short(0), "0");
        assert_eq!(binary(1023), "1023");
        let half = Number::from_i64(7)
            .div(&Number::from_i64(2), 64)
            .expect("7/2");
        assert_eq!(format(&half, NumberStyle::Short), "7/2");
    }

    #[test]
    fn fractions_round_exactly() {
        // 2,000,001/2 = 1,000,000.5 -> 1.00M.
        let value = Number::from_i64(2_000_001)
            .div(&Number::from_i64(2), 64)
            .expect("a fraction");
        assert_eq!(format(&value, NumberStyle::Short), "1.00M");
    }

    #[test]
    fn binary_units_only_when_asked() {
        assert_eq!(binary(1024), "1.00Ki");
        // 2^20 = 1,048,576 = 1 Mi.
        assert_eq!(binary(1 << 20), "1.00Mi");
        // 109,482,240 / 2^20 = 104.41...
        assert_eq!(binary(109_482_240), "104.4Mi");
        // 6,738,415,616 / 2^30 = 6.2757...
        assert_eq!(binary(6_738_415_616), "6.28Gi");
        // 1023.96 Ki rounds to 1024.0Ki: the next unit.
        assert_eq!(binary(1_048_535), "1.00Mi");
    }

    #[test]
    fn percentages_round_exactly() {
        assert_eq!(percent(&n(1), &n(3), 2).as_deref(), Some("33.33"));
        assert_eq!(percent(&n(2), &n(3), 2).as_deref(), Some("66.67"));
        assert_eq!(percent(&n(1), &n(8), 2).as_deref(), Some("12.50"));
        assert_eq!(percent(&n(1), &n(1), 2).as_deref(), Some("100.00"));
        assert_eq!(percent(&n(-1), &n(4), 1).as_deref(), Some("-25.0"));
        assert_eq!(percent(&n(1), &n(0), 2), None);
    }
}
