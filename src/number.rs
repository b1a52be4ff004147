//! Exact numbers: the one numeric type of the engine.
//!
//! A `Number` is a rational over big integers, stored in the cheapest form that holds it: a machine
//! integer while it fits, a big integer when it does not, and a reduced fraction only when the value
//! is not an integer. Formulas of parameter counts are integer arithmetic almost everywhere, so the
//! common path never allocates and never computes a gcd.
//!
//! Every operation that can grow a number checks the result's size against a limit *before*
//! computing it, so `10^10^10` is refused at once rather than after minutes of multiplication.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Pow, Signed, ToPrimitive, Zero};

/// An exact rational number.
#[derive(Clone, Debug)]
pub struct Number(Repr);

#[derive(Clone, Debug)]
enum Repr {
    /// An integer that fits in an `i64`.
    Small(i64),
    /// An integer that does not fit in an `i64`.
    Big(BigInt),
    /// A reduced fraction whose denominator is greater than one. Boxed because it is rare and twice
    /// the size of the other forms: a `Number` stays 32 bytes, cheap to move.
    Ratio(Box<BigRational>),
}

/// Why an arithmetic operation has no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArithmeticError {
    DivisionByZero,
    /// The result would need `bits` bits, more than the limit allows.
    TooLarge {
        bits: u64,
        limit: u64,
    },
    /// An exponent that is not an integer.
    FractionalExponent,
    /// A fraction (a result that is not whole) larger than `limit` bits: reducing it takes a gcd,
    /// whose cost grows with the square of its size.
    FractionTooLarge {
        bits: u64,
        limit: u64,
    },
    /// An exponent past the limit on exponents (`exponent` says how large, in words).
    ExponentTooLarge {
        exponent: String,
        limit: u64,
    },
}

/// The share of the bit limit that a fraction may use. num-bigint reduces fractions with a binary
/// gcd, quadratic in the size: a 4-million-bit fraction takes minutes, a 65,536-bit one 0.05 s.
const FRACTION_SHARE: u64 = 64;

/// The largest fraction, in bits (numerator and denominator together), under a bit limit.
pub fn fraction_limit(limit: u64) -> u64 {
    (limit / FRACTION_SHARE).max(limit.min(4096))
}

fn check_fraction(bits: u64, limit: u64) -> Result<(), ArithmeticError> {
    let limit = fraction_limit(limit);
    if bits > limit {
        Err(ArithmeticError::FractionTooLarge { bits, limit })
    } else {
        Ok(())
    }
}

/// Refuses `base ^ exponent` when the exponent is past `max_exponent` (in magnitude). 0, 1 and -1
/// stay small under any power, so their exponents are not limited.
pub fn check_exponent(
    base: &Number,
    exponent: &Number,
    max_exponent: u64,
) -> Result<(), ArithmeticError> {
    if matches!(base.0, Repr::Small(-1..=1)) {
        return Ok(());
    }
    let within = match &exponent.0 {
        Repr::Small(e) => e.unsigned_abs() <= max_exponent,
        Repr::Big(e) => e.magnitude().to_u64().is_some_and(|e| e <= max_exponent),
        // A fractional exponent is its own error.
        Repr::Ratio(_) => true,
    };
    if within {
        return Ok(());
    }
    let digits = exponent.to_string();
    let exponent = if digits.len() > 30 {
        format!("of {} digits", digits.trim_start_matches('-').len())
    } else {
        digits
    };
    Err(ArithmeticError::ExponentTooLarge {
        exponent,
        limit: max_exponent,
    })
}

/// `bits(a) + bits(b)` bounds the size of a product; a sum needs at most one bit more than its
/// larger operand.
fn check(bits: u64, limit: u64) -> Result<(), ArithmeticError> {
    if bits > limit {
        Err(ArithmeticError::TooLarge { bits, limit })
    } else {
        Ok(())
    }
}

impl Number {
    pub fn zero() -> Number {
        Number(Repr::Small(0))
    }

    pub fn from_i64(n: i64) -> Number {
        Number(Repr::Small(n))
    }

    pub fn from_bigint(n: BigInt) -> Number {
        match n.to_i64() {
            Some(small) => Number(Repr::Small(small)),
            None => Number(Repr::Big(n)),
        }
    }

    fn from_ratio(r: BigRational) -> Number {
        if r.denom().is_one() {
            Number::from_bigint(r.to_integer())
        } else {
            Number(Repr::Ratio(Box::new(r)))
        }
    }

    fn to_ratio(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n) => BigRational::from_integer(BigInt::from(*n)),
            Repr::Big(n) => BigRational::from_integer(n.clone()),
            Repr::Ratio(r) => (**r).clone(),
        }
    }

    fn to_bigint_lossless(&self) -> Option<BigInt> {
        match &self.0 {
            Repr::Small(n) => Some(BigInt::from(*n)),
            Repr::Big(n) => Some(n.clone()),
            Repr::Ratio(_) => None,
        }
    }

    /// The number as an integer, when it is one.
    pub fn to_bigint(&self) -> Option<BigInt> {
        self.to_bigint_lossless()
    }

    /// The number as an `i64`, when it is an integer that fits.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Small(n) => Some(*n),
            _ => None,
        }
    }

    pub fn is_integer(&self) -> bool {
        !matches!(self.0, Repr::Ratio(_))
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.0, Repr::Small(0))
    }

    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(n) => *n < 0,
            Repr::Big(n) => n.is_negative(),
            Repr::Ratio(r) => r.is_negative(),
        }
    }

    /// The numerator and denominator (denominator positive, fraction reduced).
    pub fn to_fraction(&self) -> (BigInt, BigInt) {
        let r = self.to_ratio();
        (r.numer().clone(), r.denom().clone())
    }

    /// Size in bits: of the integer, or of numerator and denominator together.
    pub fn bits(&self) -> u64 {
        match &self.0 {
            Repr::Small(n) => 64 - n.unsigned_abs().leading_zeros() as u64,
            Repr::Big(n) => n.bits(),
            Repr::Ratio(r) => r.numer().bits() + r.denom().bits(),
        }
    }

    /// Builds a number from the exact decimal reading of `mantissa * 10^exponent`, refusing
    /// results larger than `limit` bits.
    pub fn from_decimal(
        digits: &str,
        fraction_digits: &str,
        exponent: i64,
        limit: u64,
    ) -> Result<Number, ArithmeticError> {
        let all: String = digits.chars().chain(fraction_digits.chars()).collect();
        check(all.len() as u64 * 10 / 3, limit)?;
        let mantissa: BigInt = all.parse().unwrap_or_else(|_| BigInt::zero());
        let scale = exponent.checked_sub(fraction_digits.len() as i64).ok_or(
            ArithmeticError::TooLarge {
                bits: u64::MAX,
                limit,
            },
        )?;
        let ten = Number::from_i64(10);
        let mantissa = Number::from_bigint(mantissa);
        check(mantissa.bits(), limit)?;
        if scale == 0 {
            return Ok(mantissa);
        }
        let power = ten.pow(&Number::from_i64(scale.saturating_abs()), limit)?;
        if scale > 0 {
            mantissa.mul(&power, limit)
        } else {
            mantissa.div(&power, limit)
        }
    }

    /// Reads a number literal exactly: `768`, `-3`, `0.1` (1/10), `1e9`, `1.5E-3` (3/2000).
    /// `_` grouping must already be removed. Returns `None` when the text is not a literal.
    #[inline]
    pub fn parse_literal(text: &str, limit: u64) -> Option<Result<Number, ArithmeticError>> {
        match Number::short_integer(text) {
            Some(n) => Some(Ok(n)),
            None => Number::parse_general(text, limit),
        }
    }

    /// Most literals are a few plain digits (`768`). Up to 18 always fit an i64, which the general
    /// reading returns at once too (unchecked against the limit, as there); this small function,
    /// inlined where literals are read, only skips its searches for a sign, a point and an
    /// exponent, which were a large share of the time of a million-term sum.
    #[inline]
    fn short_integer(text: &str) -> Option<Number> {
        if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value = text
            .bytes()
            .fold(0i64, |n, digit| n * 10 + i64::from(digit - b'0'));
        Some(Number::from_i64(value))
    }

    /// `parse_literal` for any literal: signs, decimals, exponents, long integers.
    fn parse_general(text: &str, limit: u64) -> Option<Result<Number, ArithmeticError>> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (digits, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        // `.5` has no digits before its point, and is a half.
        if (digits.is_empty() && fraction.is_empty())
            || !all_digits(digits)
            || !all_digits(fraction)
        {
            return None;
        }
        if fraction.is_empty() && exponent.is_none() {
            if let Ok(small) = digits.parse::<i64>() {
                return Some(Ok(Number::from_i64(if negative { -small } else { small })));
            }
        }
        let exponent = match exponent {
            None => 0,
            Some(e) => {
                let body = e.strip_prefix(['+', '-']).unwrap_or(e);
                if body.is_empty() || !all_digits(body) {
                    return None;
                }
                // An exponent too long for an i64 is far past any size limit.
                match e.parse::<i64>() {
                    Ok(v) => v,
                    Err(_) => {
                        return Some(Err(ArithmeticError::TooLarge {
                            bits: u64::MAX,
                            limit,
                        }))
                    }
                }
            }
        };
        let value = Number::from_decimal(digits, fraction, exponent, limit);
        Some(value.map(|v| if negative { v.neg() } else { v }))
    }

    pub fn add(&self, other: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &other.0) {
            if let Some(sum) = a.checked_add(*b) {
                return Ok(Number(Repr::Small(sum)));
            }
        }
        check(self.bits().max(other.bits()) + 1, limit)?;
        self.add_big(other, limit)
    }

    /// `self + other`, the same as `add`, reusing `self`'s digits: the fold of a long sum grows
    /// one big total in place instead of copying it for every term.
    pub fn add_into(self, other: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        match (self.0, &other.0) {
            (Repr::Big(mut total), Repr::Small(b)) => {
                check(total.bits().max(other.bits()) + 1, limit)?;
                total += *b;
                Ok(Number::from_bigint(total))
            }
            (Repr::Big(mut total), Repr::Big(b)) => {
                check(total.bits().max(b.bits()) + 1, limit)?;
                total += b;
                Ok(Number::from_bigint(total))
            }
            (repr, _) => Number(repr).add(other, limit),
        }
    }

    fn add_big(&self, other: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        // Added by reference: a long sum grows one big total, which is not copied for every term.
        Ok(match (&self.0, &other.0) {
            (Repr::Big(a), Repr::Big(b)) => Number::from_bigint(a + b),
            (Repr::Big(a), Repr::Small(b)) | (Repr::Small(b), Repr::Big(a)) => {
                Number::from_bigint(a + *b)
            }
            (Repr::Small(a), Repr::Small(b)) => Number::from_bigint(BigInt::from(*a) + *b),
            _ => {
                check_fraction(self.bits() + other.bits(), limit)?;
                Number::from_ratio(self.to_ratio() + other.to_ratio())
            }
        })
    }

    pub fn neg(&self) -> Number {
        match &self.0 {
            Repr::Small(n) => match n.checked_neg() {
                Some(m) => Number(Repr::Small(m)),
                None => Number::from_bigint(-BigInt::from(*n)),
            },
            Repr::Big(n) => Number::from_bigint(-n.clone()),
            Repr::Ratio(r) => Number(Repr::Ratio(Box::new(-(**r).clone()))),
        }
    }

    pub fn sub(&self, other: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &other.0) {
            if let Some(difference) = a.checked_sub(*b) {
                return Ok(Number(Repr::Small(difference)));
            }
        }
        self.add(&other.neg(), limit)
    }

    pub fn mul(&self, other: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &other.0) {
            if let Some(product) = a.checked_mul(*b) {
                return Ok(Number(Repr::Small(product)));
            }
        }
        check(self.bits() + other.bits(), limit)?;
        Ok(
            match (self.to_bigint_lossless(), other.to_bigint_lossless()) {
                (Some(a), Some(b)) => Number::from_bigint(a * b),
                _ => {
                    check_fraction(self.bits() + other.bits(), limit)?;
                    Number::from_ratio(self.to_ratio() * other.to_ratio())
                }
            },
        )
    }

    pub fn div(&self, other: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        if other.is_zero() {
            return Err(ArithmeticError::DivisionByZero);
        }
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &other.0) {
            if let (Some(0), Some(quotient)) = (a.checked_rem(*b), a.checked_div(*b)) {
                return Ok(Number(Repr::Small(quotient)));
            }
        }
        check(self.bits() + other.bits(), limit)?;
        if let Repr::Small(1) = self.0 {
            return Ok(other.recip());
        }
        if let (Some(a), Some(b)) = (self.to_bigint_lossless(), other.to_bigint_lossless()) {
            let (quotient, remainder) = a.div_rem(&b);
            if remainder.is_zero() {
                return Ok(Number::from_bigint(quotient));
            }
        }
        check_fraction(self.bits() + other.bits(), limit)?;
        Ok(Number::from_ratio(self.to_ratio() / other.to_ratio()))
    }

    /// `1 / self` for a non-zero number: the reciprocal of a reduced fraction is reduced, so no
    /// gcd is needed (`1e-1000000` costs one power of ten).
    fn recip(&self) -> Number {
        let (numer, denom) = self.to_fraction();
        let (numer, denom) = if numer.is_negative() {
            (-denom, -numer)
        } else {
            (denom, numer)
        };
        if denom.is_one() {
            Number::from_bigint(numer)
        } else {
            Number(Repr::Ratio(Box::new(BigRational::new_raw(numer, denom))))
        }
    }

    /// `self ^ exponent` for an integer exponent; a negative exponent gives the reciprocal.
    pub fn pow(&self, exponent: &Number, limit: u64) -> Result<Number, ArithmeticError> {
        let Some(exponent) = exponent.to_bigint_lossless() else {
            return Err(ArithmeticError::FractionalExponent);
        };
        // 0, 1 and -1 stay small under any power, however large the exponent.
        match &self.0 {
            Repr::Small(0) => {
                return match exponent.sign() {
                    Sign::Minus => Err(ArithmeticError::DivisionByZero),
                    Sign::NoSign => Ok(Number::from_i64(1)),
                    Sign::Plus => Ok(Number::zero()),
                }
            }
            Repr::Small(1) => return Ok(Number::from_i64(1)),
            Repr::Small(-1) => {
                return Ok(Number::from_i64(if exponent.is_even() { 1 } else { -1 }))
            }
            _ => {}
        }
        let magnitude = exponent.magnitude();
        // Any base other than 0 and ±1 has at least one bit of magnitude above one, so its power
        // needs at least `exponent` bits: an exponent past the limit is refused before anything else.
        let Some(e) = magnitude.to_u64().filter(|e| *e <= limit) else {
            return Err(ArithmeticError::TooLarge {
                bits: magnitude.to_u64().unwrap_or(u64::MAX),
                limit,
            });
        };
        let (numer, denom) = self.to_fraction();
        // (bits - 1) * e is a lower bound of the result's size; bits * e an upper one.
        let lower =
            (numer.bits().saturating_sub(1) + denom.bits().saturating_sub(1)).saturating_mul(e);
        check(lower, limit)?;
        let numer = Pow::pow(&numer, e);
        let denom = Pow::pow(&denom, e);
        check(numer.bits() + denom.bits(), limit)?;
        // A power of a reduced fraction is reduced: no gcd (which alone takes seconds on a
        // million-digit power).
        let power = if denom.is_one() {
            Number::from_bigint(numer)
        } else {
            Number(Repr::Ratio(Box::new(BigRational::new_raw(numer, denom))))
        };
        if exponent.is_negative() {
            Ok(power.recip())
        } else {
            Ok(power)
        }
    }

    pub fn floor(&self) -> Number {
        match &self.0 {
            Repr::Ratio(r) => Number::from_bigint(r.floor().to_integer()),
            _ => self.clone(),
        }
    }

    pub fn ceil(&self) -> Number {
        match &self.0 {
            Repr::Ratio(r) => Number::from_bigint(r.ceil().to_integer()),
            _ => self.clone(),
        }
    }

    /// Plain digits, or `numerator/denominator` for a fraction; `-` in front of a negative value.
    pub fn to_plain_string(&self) -> String {
        self.to_string()
    }

    /// Like `to_plain_string`, with the integer digits grouped in threes by `separator`.
    pub fn to_grouped_string(&self, separator: &str) -> String {
        match &self.0 {
            Repr::Ratio(r) => format!(
                "{}/{}",
                group_digits(&r.numer().to_string(), separator),
                group_digits(&r.denom().to_string(), separator)
            ),
            _ => group_digits(&self.to_string(), separator),
        }
    }
}

/// Groups the digits of a plain integer (optionally signed) in threes from the right.
pub fn group_digits(plain: &str, separator: &str) -> String {
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    if digits.len() <= 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return plain.to_string();
    }
    let mut out = String::with_capacity(plain.len() + digits.len() / 3 * separator.len());
    out.push_str(sign);
    let head = digits.len() % 3;
    out.push_str(&digits[..head]);
    for (i, chunk) in digits.as_bytes()[head..].chunks(3).enumerate() {
        if head > 0 || i > 0 {
            out.push_str(separator);
        }
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n) => write!(f, "{n}"),
            Repr::Big(n) => write!(f, "{n}"),
            Repr::Ratio(r) => write!(f, "{}/{}", r.numer(), r.denom()),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Small(a), Repr::Small(b)) => a.cmp(b),
            _ => match (self.to_bigint_lossless(), other.to_bigint_lossless()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => self.to_ratio().cmp(&other.to_ratio()),
            },
        }
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number::from_i64(n)
    }
}

impl From<BigInt> for Number {
    fn from(n: BigInt) -> Number {
        Number::from_bigint(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: u64 = 1 << 24;

    fn n(v: i64) -> Number {
        Number::from_i64(v)
    }

    #[test]
    fn small_overflow_promotes_to_big() {
        let max = n(i64::MAX);
        // i64::MAX + 1 = 9223372036854775808, by hand.
        assert_eq!(
            max.add(&n(1), LIMIT).unwrap().to_string(),
            "9223372036854775808"
        );
        assert_eq!(
            max.mul(&n(2), LIMIT).unwrap().to_string(),
            "18446744073709551614"
        );
        assert_eq!(n(i64::MIN).neg().to_string(), "9223372036854775808");
        // And back down again when the value fits.
        let back = max.add(&n(1), LIMIT).unwrap().sub(&n(1), LIMIT).unwrap();
        assert_eq!(back.to_i64(), Some(i64::MAX));
    }

    #[test]
    fn division_is_exact() {
        assert_eq!(n(7).div(&n(2), LIMIT).unwrap().to_string(), "7/2");
        assert_eq!(n(-6).div(&n(4), LIMIT).unwrap().to_string(), "-3/2");
        assert_eq!(n(768).div(&n(12), LIMIT).unwrap().to_i64(), Some(64));
        let third = n(1).div(&n(3), LIMIT).unwrap();
        let one = third.mul(&n(3), LIMIT).unwrap();
        assert!(one.is_integer());
        assert_eq!(one, n(1));
        assert_eq!(n(1).div(&n(0), LIMIT), Err(ArithmeticError::DivisionByZero));
    }

    #[test]
    fn powers() {
        assert_eq!(n(2).pow(&n(10), LIMIT).unwrap(), n(1024));
        assert_eq!(n(2).pow(&n(-2), LIMIT).unwrap().to_string(), "1/4");
        assert_eq!(n(0).pow(&n(0), LIMIT).unwrap(), n(1));
        assert_eq!(
            n(0).pow(&n(-1), LIMIT),
            Err(ArithmeticError::DivisionByZero)
        );
        assert_eq!(n(-1).pow(&n(1_000_000_001), LIMIT).unwrap(), n(-1));
        let half = n(1).div(&n(2), LIMIT).unwrap();
        assert_eq!(
            n(4).pow(&half, LIMIT),
            Err(ArithmeticError::FractionalExponent)
        );
        // 2^64 = 18446744073709551616.
        assert_eq!(
            n(2).pow(&n(64), LIMIT).unwrap().to_string(),
            "18446744073709551616"
        );
    }

    #[test]
    fn size_limit_refuses_before_computing() {
        let huge_exponent = n(10).pow(&n(10), LIMIT).unwrap();
        assert!(matches!(
            n(10).pow(&huge_exponent, LIMIT),
            Err(ArithmeticError::TooLarge { .. })
        ));
        assert!(matches!(
            n(3).pow(&n(100), 64),
            Err(ArithmeticError::TooLarge { .. })
        ));
    }

    #[test]
    fn floor_and_ceil() {
        let x = n(-7).div(&n(2), LIMIT).unwrap();
        assert_eq!(x.floor(), n(-4));
        assert_eq!(x.ceil(), n(-3));
        assert_eq!(n(5).floor(), n(5));
    }

    #[test]
    fn decimals_are_exact() {
        // 0.1 = 1/10; 1.5e-3 = 15/10000 = 3/2000; 1e9 = 10^9.
        assert_eq!(
            Number::from_decimal("0", "1", 0, LIMIT)
                .unwrap()
                .to_string(),
            "1/10"
        );
        assert_eq!(
            Number::from_decimal("1", "5", -3, LIMIT)
                .unwrap()
                .to_string(),
            "3/2000"
        );
        assert_eq!(
            Number::from_decimal("1", "", 9, LIMIT).unwrap(),
            n(1_000_000_000)
        );
        assert!(Number::from_decimal("1", "", i64::MAX, LIMIT).is_err());
    }

    #[test]
    fn literals() {
        let read = |t: &str| {
            Number::parse_literal(t, LIMIT)
                .unwrap()
                .unwrap()
                .to_string()
        };
        assert_eq!(read("768"), "768");
        assert_eq!(read("-3"), "-3");
        assert_eq!(read("0.1"), "1/10");
        assert_eq!(read("1e-12"), "1/1000000000000");
        assert_eq!(read("2.50"), "5/2");
        assert_eq!(
            read("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
        assert!(Number::parse_literal("1e", LIMIT).is_none());
        assert!(Number::parse_literal("abc", LIMIT).is_none());
        assert!(Number::parse_literal("1e99999999999999999999", LIMIT)
            .unwrap()
            .is_err());
    }

    #[test]
    fn grouping() {
        assert_eq!(group_digits("108890112", ","), "108,890,112");
        assert_eq!(group_digits("-1234", ","), "-1,234");
        assert_eq!(group_digits("123", ","), "123");
        assert_eq!(
            n(7).div(&n(2), LIMIT).unwrap().to_grouped_string(","),
            "7/2"
        );
    }
}

/// Edges that mutation testing found unguarded (`tests/MUTANTS.md`): every limit at its exact
/// boundary, every representation on each side of an operation. Expected values by hand.
#[cfg(test)]
mod edges {
    use super::*;

    const LIMIT: u64 = 1 << 24;

    fn n(v: i64) -> Number {
        Number::from_i64(v)
    }

    fn frac(numer: i64, denom: i64) -> Number {
        n(numer).div(&n(denom), LIMIT).expect("a small fraction")
    }

    /// 2^k, a big integer for k >= 63.
    fn two_to(k: i64) -> Number {
        n(2).pow(&n(k), LIMIT).expect("a power of two")
    }

    fn too_large(bits: u64, limit: u64) -> Result<Number, ArithmeticError> {
        Err(ArithmeticError::TooLarge { bits, limit })
    }

    fn fraction_too_large(bits: u64, limit: u64) -> Result<Number, ArithmeticError> {
        Err(ArithmeticError::FractionTooLarge { bits, limit })
    }

    #[test]
    fn the_fraction_limit_is_a_share_of_the_bit_limit_with_a_floor() {
        // 2^24 / 64 = 262,144, above the 4,096 floor.
        assert_eq!(fraction_limit(1 << 24), 262_144);
        // 100,000 / 64 = 1,562: the floor, 4,096, wins.
        assert_eq!(fraction_limit(100_000), 4096);
        // Below the floor the whole limit is allowed.
        assert_eq!(fraction_limit(1000), 1000);
    }

    #[test]
    fn limits_allow_their_exact_value_and_refuse_one_bit_more() {
        assert_eq!(check(64, 64), Ok(()));
        assert_eq!(
            check(65, 64),
            Err(ArithmeticError::TooLarge {
                bits: 65,
                limit: 64
            })
        );
        assert_eq!(check_fraction(1000, 1000), Ok(()));
        assert_eq!(
            check_fraction(1001, 1000),
            Err(ArithmeticError::FractionTooLarge {
                bits: 1001,
                limit: 1000
            })
        );
    }

    #[test]
    fn exponents_are_limited_in_magnitude_except_for_zero_and_one() {
        let exponent_error = |exponent: &str, limit| {
            Err(ArithmeticError::ExponentTooLarge {
                exponent: exponent.to_string(),
                limit,
            })
        };
        assert_eq!(check_exponent(&n(2), &n(10), 10), Ok(()));
        assert_eq!(check_exponent(&n(2), &n(-10), 10), Ok(()));
        assert_eq!(check_exponent(&n(2), &n(11), 10), exponent_error("11", 10));
        assert_eq!(
            check_exponent(&n(2), &n(-11), 10),
            exponent_error("-11", 10)
        );
        for base in [-1, 0, 1] {
            assert_eq!(check_exponent(&n(base), &n(1_000_000), 10), Ok(()));
        }
        // 2^63 = 9223372036854775808 is a big integer that still fits a u64.
        let big = two_to(63);
        assert_eq!(check_exponent(&n(2), &big, u64::MAX), Ok(()));
        assert_eq!(
            check_exponent(&n(2), &big, 10),
            exponent_error("9223372036854775808", 10)
        );
        // Thirty digits are written out; thirty-one are counted (10^30 has 31 digits).
        let ten = n(10);
        let e29 = ten.pow(&n(29), LIMIT).unwrap();
        let e30 = ten.pow(&n(30), LIMIT).unwrap();
        assert_eq!(
            check_exponent(&n(2), &e29, 10),
            exponent_error("100000000000000000000000000000", 10)
        );
        assert_eq!(
            check_exponent(&n(2), &e30, 10),
            exponent_error("of 31 digits", 10)
        );
        assert_eq!(
            check_exponent(&n(2), &e30.neg(), 10),
            exponent_error("of 31 digits", 10)
        );
    }

    #[test]
    fn predicates_and_conversions_by_representation() {
        let big = two_to(64);
        let half = frac(-1, 2);
        assert_eq!(n(5).to_i64(), Some(5));
        assert_eq!(big.to_i64(), None);
        assert_eq!(half.to_i64(), None);
        assert_eq!(n(-5).to_bigint(), Some(BigInt::from(-5)));
        assert_eq!(half.to_bigint(), None);
        assert!(n(3).is_integer() && big.is_integer() && !half.is_integer());
        assert!(n(0).is_zero() && !n(3).is_zero() && !half.is_zero());
        assert!(n(-1).is_negative() && !n(0).is_negative() && !n(1).is_negative());
        assert!(big.neg().is_negative() && !big.is_negative());
        assert!(half.is_negative() && !half.neg().is_negative());
        // -3/6 reduces to -1/2: the sign on the numerator.
        assert_eq!(
            frac(-3, 6).to_fraction(),
            (BigInt::from(-1), BigInt::from(2))
        );
        assert_eq!(n(7).to_fraction(), (BigInt::from(7), BigInt::from(1)));
    }

    #[test]
    fn sizes_in_bits() {
        assert_eq!(n(0).bits(), 0);
        assert_eq!(n(1).bits(), 1);
        // 255 = 0b1111_1111; 256 = 0b1_0000_0000.
        assert_eq!(n(255).bits(), 8);
        assert_eq!(n(-256).bits(), 9);
        assert_eq!(n(i64::MIN).bits(), 64);
        assert_eq!(two_to(64).bits(), 65);
        // 3/4: 2 bits over 3 bits.
        assert_eq!(frac(3, 4).bits(), 5);
    }

    #[test]
    fn decimal_literals_are_refused_by_their_digit_count_before_reading() {
        // Ten digits may need 10 * 10 / 3 = 33 bits: refused under 20 bits even though the value
        // read would be 1.
        assert_eq!(
            Number::from_decimal("0000000001", "", 0, 20),
            too_large(33, 20)
        );
        // 999 needs 10 bits, and its three digits are estimated at 10.
        assert_eq!(Number::from_decimal("999", "", 0, 10), Ok(n(999)));
        // 25e2 = 2500; 25e-2 = 1/4.
        assert_eq!(Number::from_decimal("25", "", 2, LIMIT), Ok(n(2500)));
        assert_eq!(Number::from_decimal("25", "", -2, LIMIT), Ok(frac(1, 4)));
    }

    #[test]
    fn literal_forms() {
        let read = |t: &str| Number::parse_literal(t, LIMIT).map(|r| r.map(|v| v.to_string()));
        let ok = |v: &str| Some(Ok(v.to_string()));
        // 18 digits take the short route, 19 the general one: both exact.
        assert_eq!(read("999999999999999999"), ok("999999999999999999"));
        assert_eq!(read("9999999999999999999"), ok("9999999999999999999"));
        assert_eq!(read("+7"), ok("7"));
        assert_eq!(read("-0.5"), ok("-1/2"));
        assert_eq!(read("3e2"), ok("300"));
        assert_eq!(read("3E+2"), ok("300"));
        assert_eq!(read("-12e-1"), ok("-6/5"));
        assert_eq!(read("1.5e1"), ok("15"));
        for not_a_literal in ["", "-", "1.2.3", "1e+", "1e2e3", "x1", "1x", "1.x", "e5"] {
            assert_eq!(read(not_a_literal), None, "{not_a_literal:?}");
        }
    }

    #[test]
    fn sums_check_their_size_and_keep_every_representation_exact() {
        let big = two_to(64);
        // i64::MAX has 63 bits; the sum may need 64.
        assert_eq!(n(i64::MAX).add(&n(1), 63), too_large(64, 63));
        // Each pairing of representations, through the big route:
        // 2^64 + 2^64 = 2^65 = 36893488147419103232; 2^64 + 5 = 18446744073709551621.
        assert_eq!(
            big.add(&big, LIMIT).unwrap().to_string(),
            "36893488147419103232"
        );
        assert_eq!(
            big.add(&n(5), LIMIT).unwrap().to_string(),
            "18446744073709551621"
        );
        assert_eq!(
            n(5).add(&big, LIMIT).unwrap().to_string(),
            "18446744073709551621"
        );
        // Integer sums never count against the fraction limit (100 bits here): 65 + 65 bits and
        // 63 + 63 bits would exceed it.
        assert_eq!(
            big.add(&big, 100).unwrap().to_string(),
            "36893488147419103232"
        );
        assert_eq!(
            big.add(&n(i64::MAX), 100).unwrap().to_string(),
            "27670116110564327423"
        );
        assert_eq!(
            n(i64::MAX).add(&n(i64::MAX), 100).unwrap().to_string(),
            "18446744073709551614"
        );
        // 1/2 + 1/3 = 5/6; each fraction is 3 bits, together 6: allowed at 6, refused at 5.
        assert_eq!(frac(1, 2).add(&frac(1, 3), 6), Ok(frac(5, 6)));
        assert_eq!(frac(1, 2).add(&frac(1, 3), 5), fraction_too_large(6, 5));
        assert_eq!(frac(1, 2).add(&n(1), LIMIT), Ok(frac(3, 2)));
        // 7 - 1/2 = 13/2.
        assert_eq!(n(7).sub(&frac(1, 2), LIMIT), Ok(frac(13, 2)));
    }

    #[test]
    fn sums_into_a_big_total() {
        let big = two_to(64);
        assert_eq!(
            big.clone().add_into(&n(5), LIMIT).unwrap().to_string(),
            "18446744073709551621"
        );
        assert_eq!(
            big.clone().add_into(&big, LIMIT).unwrap().to_string(),
            "36893488147419103232"
        );
        // 2^64 needs 65 bits, the sum 66.
        assert_eq!(big.clone().add_into(&n(5), 65), too_large(66, 65));
        assert_eq!(big.clone().add_into(&big, 65), too_large(66, 65));
        assert_eq!(n(2).add_into(&n(3), LIMIT), Ok(n(5)));
        assert_eq!(frac(1, 2).add_into(&frac(1, 2), LIMIT), Ok(n(1)));
    }

    #[test]
    fn negation_by_representation() {
        assert_eq!(n(5).neg(), n(-5));
        assert_eq!(two_to(64).neg().to_string(), "-18446744073709551616");
        assert_eq!(frac(1, 2).neg().to_string(), "-1/2");
    }

    #[test]
    fn products_check_their_size() {
        // i64::MAX (63 bits) * 2 (2 bits) may need 65 bits.
        assert_eq!(n(i64::MAX).mul(&n(2), 64), too_large(65, 64));
        // 2^64 * 2^64 = 2^128.
        assert_eq!(
            two_to(64).mul(&two_to(64), LIMIT).unwrap().to_string(),
            "340282366920938463463374607431768211456"
        );
        // An integer product is not a fraction: 2^150000 squared has 300,001 bits, past the
        // fraction limit of 2^24 bits (262,144) but within the limit.
        let square = two_to(150_000).mul(&two_to(150_000), LIMIT).unwrap();
        assert_eq!(square.bits(), 300_001);
        // 1/2 * 2/3 = 1/3.
        assert_eq!(frac(1, 2).mul(&frac(2, 3), LIMIT), Ok(frac(1, 3)));
        // 1/2^3000 (3,002 bits) * 1/2^1500 (1,502 bits): 4,504 bits, within a limit of 5,000 but
        // past its fraction limit, 4,096.
        let a = n(1).div(&two_to(3000), LIMIT).unwrap();
        let b = n(1).div(&two_to(1500), LIMIT).unwrap();
        assert_eq!(a.mul(&b, 5000), fraction_too_large(4504, 4096));
    }

    #[test]
    fn quotients_check_their_size() {
        // 7 (3 bits) / 2 (2 bits): 5 bits.
        assert_eq!(n(7).div(&n(2), 5), Ok(frac(7, 2)));
        assert_eq!(n(7).div(&n(2), 4), too_large(5, 4));
        // (2^3000 + 1) / 2^1500: 3,001 + 1,501 = 4,502 bits, past the fraction limit 4,096.
        let odd = two_to(3000).add(&n(1), LIMIT).unwrap();
        assert_eq!(odd.div(&two_to(1500), 5000), fraction_too_large(4502, 4096));
        // 2^3000 / 2^1500 = 2^1500 exactly: no fraction.
        assert_eq!(two_to(3000).div(&two_to(1500), 5000), Ok(two_to(1500)));
        // 1 / x: the reciprocal, its sign on the numerator.
        assert_eq!(n(1).div(&n(-3), LIMIT).unwrap().to_string(), "-1/3");
        assert_eq!(n(1).div(&frac(1, 3), LIMIT), Ok(n(3)));
        assert_eq!(n(1).div(&frac(-2, 3), LIMIT).unwrap().to_string(), "-3/2");
        // i64::MIN / -1 overflows an i64: 2^63.
        assert_eq!(
            n(i64::MIN).div(&n(-1), LIMIT).unwrap().to_string(),
            "9223372036854775808"
        );
    }

    #[test]
    fn powers_of_one_and_fractions() {
        let huge = n(10).pow(&n(10), LIMIT).unwrap();
        assert_eq!(n(1).pow(&huge, 64), Ok(n(1)));
        assert_eq!(n(-1).pow(&huge, 64), Ok(n(1)));
        assert_eq!(n(0).pow(&huge, 64), Ok(n(0)));
        // (-2)^3 = -8; (2/3)^2 = 4/9; (2/3)^-2 = 9/4.
        assert_eq!(n(-2).pow(&n(3), LIMIT), Ok(n(-8)));
        assert_eq!(frac(2, 3).pow(&n(2), LIMIT), Ok(frac(4, 9)));
        assert_eq!(frac(2, 3).pow(&n(-2), LIMIT), Ok(frac(9, 4)));
        // (3/2)^100: 3 and 2 have 2 bits each, so at least (1 + 1) * 100 = 200 bits: refused at
        // 150 before computing.
        assert_eq!(frac(3, 2).pow(&n(100), 150), too_large(200, 150));
        // At 250 the lower bound passes; 3^100 has 159 bits and 2^100 101: 260, refused.
        assert_eq!(frac(3, 2).pow(&n(100), 250), too_large(260, 250));
        assert!(frac(3, 2).pow(&n(100), 260).is_ok());
    }

    #[test]
    fn printing_and_comparing() {
        assert_eq!(n(-7).to_plain_string(), "-7");
        assert_eq!(frac(-7, 2).to_plain_string(), "-7/2");
        assert_eq!(frac(1_234_567, 2).to_grouped_string(","), "1,234,567/2");
        assert_eq!(n(1_234_567).to_grouped_string("_"), "1_234_567");
        assert_eq!(group_digits("12/45", ","), "12/45");
        assert_eq!(group_digits("123456", ","), "123,456");
        assert_eq!(group_digits("-123456", " "), "-123 456");
        assert_ne!(n(1), n(2));
        assert!(n(1) < n(2) && frac(1, 2) < n(1) && two_to(64) > n(i64::MAX));
        assert_eq!(n(1).cmp(&n(2)), Ordering::Less);
        assert_eq!(two_to(64).cmp(&two_to(63)), Ordering::Greater);
        assert_eq!(frac(1, 3).cmp(&frac(1, 2)), Ordering::Less);
        assert_eq!(n(2).partial_cmp(&n(2)), Some(Ordering::Equal));
        assert_eq!(Number::from(BigInt::from(12)), n(12));
        assert_eq!(Number::from(12i64), n(12));
        assert_eq!(Number::zero(), n(0));
    }
}
