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
