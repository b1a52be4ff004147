//! Solving `formula = claim` for one unknown, exactly.
//!
//! Once every other symbol has a value, the equation is a polynomial in the unknown `x` (negative
//! powers allowed). Multiplying by the lowest power of `x` and clearing denominators leaves an
//! integer polynomial `a_n x^n + ... + a_0` with `a_0 != 0`, plus the root `x = 0` when every term had
//! a factor `x`. A linear equation has its one solution; a quadratic its rational solutions, when
//! the discriminant is a perfect square; higher degrees the rational roots the rational root
//! theorem finds (`p/q` with `p | a_0`, `q | a_n`), with a bounded search: the coefficients are
//! factored by trial division up to 2^20 and at most 100,000 candidates are tried, and an error says
//! so if the search had to stop early.

use std::collections::BTreeMap;

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::algebra::polynomial::Polynomial;
use crate::error::{Error, Result};
use crate::number::Number;

/// Trial division stops at this divisor.
const TRIAL_DIVISION_LIMIT: u64 = 1 << 20;
/// Candidates tried by the rational root theorem.
const MAX_CANDIDATES: usize = 100_000;

fn usage(message: String, help: String) -> Error {
    Error::Usage { message, help }
}

/// The rational values of `symbol` for which `poly = value`, ascending, each once. Every other
/// symbol of `poly` must be gone (give it a value first); an equation that holds for every value of
/// `symbol` is an error, one that holds for none gives an empty list.
pub fn solve(poly: &Polynomial, symbol: &str, value: &Number) -> Result<Vec<Number>> {
    // The equation as coefficients of powers of the unknown: poly - value = 0.
    let mut coefficients: BTreeMap<i64, (BigInt, BigInt)> = BTreeMap::new();
    let mut others: Vec<&str> = Vec::new();
    for term in poly.terms() {
        let mut exponent = 0i64;
        for &(name, e) in &term.factors {
            if name == symbol {
                exponent = i64::from(e);
            } else if !others.contains(&name) {
                others.push(name);
            }
        }
        coefficients.insert(exponent, term.coefficient.to_fraction());
    }
    if !others.is_empty() {
        let named: Vec<String> = others.iter().map(|n| format!("`{n}`")).collect();
        return Err(usage(
            format!(
                "cannot solve for `{symbol}`: the formula also depends on {}",
                named.join(", ")
            ),
            format!(
                "give a value to every name except `{symbol}` (with --set NAME=VALUE or a config)"
            ),
        ));
    }
    let (value_numer, value_denom) = value.to_fraction();
    let constant = coefficients
        .remove(&0)
        .unwrap_or((BigInt::zero(), BigInt::one()));
    // c/d - vn/vd = (c*vd - vn*d) / (d*vd)
    let shifted = (
        &constant.0 * &value_denom - &value_numer * &constant.1,
        &constant.1 * &value_denom,
    );
    if !shifted.0.is_zero() {
        coefficients.insert(0, shifted);
    }
    let (Some(&lowest), Some(&highest)) = (coefficients.keys().next(), coefficients.keys().last())
    else {
        return Err(usage(
            format!("the equation holds for every value of `{symbol}`"),
            format!("the formula's value does not depend on `{symbol}`"),
        ));
    };
    let mut roots = Vec::new();
    // Every term has a factor of the unknown (and none divides by it): zero is a root.
    if lowest > 0 {
        roots.push(Number::zero());
    }
    // Divide by x^lowest and clear denominators: an integer polynomial with a nonzero constant.
    let common = coefficients
        .values()
        .fold(BigInt::one(), |l, (_, d)| l.lcm(d));
    let mut integer: Vec<(u64, BigInt)> = coefficients
        .iter()
        .map(|(&e, (n, d))| ((e - lowest) as u64, n * (&common / d)))
        .collect();
    let content = integer.iter().fold(BigInt::zero(), |g, (_, c)| g.gcd(c));
    if !content.is_zero() {
        for (_, c) in &mut integer {
            *c = &*c / &content;
        }
    }
    let degree = (highest - lowest) as u64;
    let nonzero = match degree {
        0 => Vec::new(),
        1 => linear(&integer),
        2 => quadratic(&integer),
        _ => rational_roots(&integer, symbol)?,
    };
    roots.extend(nonzero);
    roots.sort();
    roots.dedup();
    Ok(roots)
}

fn coefficient(terms: &[(u64, BigInt)], power: u64) -> BigInt {
    terms
        .iter()
        .find(|(e, _)| *e == power)
        .map_or_else(BigInt::zero, |(_, c)| c.clone())
}

fn fraction(numer: BigInt, denom: BigInt) -> Number {
    let one = Number::from_i64(1);
    let (n, d) = (Number::from_bigint(numer), Number::from_bigint(denom));
    // Both sides are already bounded by the equation's size; the quotient is exact.
    n.div(&d, u64::MAX).unwrap_or_else(|_| one.neg())
}

fn linear(terms: &[(u64, BigInt)]) -> Vec<Number> {
    let (a1, a0) = (coefficient(terms, 1), coefficient(terms, 0));
    vec![fraction(-a0, a1)]
}

fn quadratic(terms: &[(u64, BigInt)]) -> Vec<Number> {
    let (a2, a1, a0) = (
        coefficient(terms, 2),
        coefficient(terms, 1),
        coefficient(terms, 0),
    );
    let discriminant: BigInt = &a1 * &a1 - BigInt::from(4) * &a2 * &a0;
    if discriminant.is_negative() {
        return Vec::new();
    }
    let root = discriminant.sqrt();
    if &root * &root != discriminant {
        return Vec::new();
    }
    let twice = BigInt::from(2) * &a2;
    vec![
        fraction(-&a1 - &root, twice.clone()),
        fraction(-&a1 + &root, twice),
    ]
}

/// The prime factors of `n` by trial division, and whether the factoring is complete.
fn factor(n: &BigUint) -> (Vec<(BigUint, u32)>, bool) {
    let mut n = n.clone();
    let mut factors = Vec::new();
    let mut divisor = 2u64;
    while divisor <= TRIAL_DIVISION_LIMIT {
        let d = BigUint::from(divisor);
        if &d * &d > n {
            break;
        }
        let mut count = 0;
        while (&n % &d).is_zero() {
            n /= &d;
            count += 1;
        }
        if count > 0 {
            factors.push((d, count));
        }
        divisor += if divisor == 2 { 1 } else { 2 };
    }
    let limit = BigUint::from(TRIAL_DIVISION_LIMIT);
    // What is left is prime when no divisor up to its square root divides it.
    let complete = n.is_one() || n < &limit * &limit;
    if !n.is_one() {
        factors.push((n, 1));
    }
    (factors, complete)
}

/// The positive divisors of a factored number, or `None` past `limit` of them.
fn divisors(factors: &[(BigUint, u32)], limit: usize) -> Option<Vec<BigUint>> {
    let mut all = vec![BigUint::one()];
    for (prime, count) in factors {
        let mut next = Vec::with_capacity(all.len() * (*count as usize + 1));
        for d in &all {
            let mut power = d.clone();
            next.push(power.clone());
            for _ in 0..*count {
                power *= prime;
                next.push(power.clone());
            }
        }
        if next.len() > limit {
            return None;
        }
        all = next;
    }
    Some(all)
}

/// Whether `p/q` is a root: `sum a_i p^i q^(n-i) == 0`.
fn is_root(terms: &[(u64, BigInt)], degree: u64, p: &BigInt, q: &BigInt) -> bool {
    let mut total = BigInt::zero();
    for (e, c) in terms {
        let (Some(e), Some(rest)) = (e.to_usize(), (degree - e).to_usize()) else {
            return false;
        };
        total += c * num_traits::pow(p.clone(), e) * num_traits::pow(q.clone(), rest);
    }
    total.is_zero()
}

fn rational_roots(terms: &[(u64, BigInt)], symbol: &str) -> Result<Vec<Number>> {
    let degree = terms.iter().map(|(e, _)| *e).max().unwrap_or(0);
    let (lead, constant) = (coefficient(terms, degree), coefficient(terms, 0));
    let cut_short = || {
        usage(
            format!("the search for rational values of `{symbol}` (an equation of degree {degree}) was cut short"),
            "the coefficients are too large to factor, or have too many divisors".into(),
        )
    };
    if degree > 10_000 {
        return Err(cut_short());
    }
    let (constant_factors, complete_constant) = factor(constant.magnitude());
    let (lead_factors, complete_lead) = factor(lead.magnitude());
    if !complete_constant || !complete_lead {
        return Err(cut_short());
    }
    let (Some(ps), Some(qs)) = (
        divisors(&constant_factors, MAX_CANDIDATES),
        divisors(&lead_factors, MAX_CANDIDATES),
    ) else {
        return Err(cut_short());
    };
    if ps.len().saturating_mul(qs.len()) > MAX_CANDIDATES {
        return Err(cut_short());
    }
    // Cauchy's bound: every root has |x| <= 1 + max |a_i / a_n|.
    let largest = terms
        .iter()
        .filter(|(e, _)| *e != degree)
        .map(|(_, c)| c.magnitude().clone())
        .max()
        .unwrap_or_default();
    let bound = BigInt::from(largest / lead.magnitude() + 2u32);
    let mut roots = Vec::new();
    for q in &qs {
        for p in &ps {
            if !p.gcd(q).is_one() {
                continue;
            }
            let (p, q) = (BigInt::from(p.clone()), BigInt::from(q.clone()));
            if p > &bound * &q {
                continue;
            }
            for p in [p.clone(), -p] {
                if is_root(terms, degree, &p, &q) {
                    roots.push(fraction(p, q.clone()));
                }
            }
        }
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factoring_by_trial_division() {
        // 174604234752 = 2^12 * 3^2 * 41 * 115523 (Python trial division; 115523 has no divisor up
        // to its square root, 339).
        let (factors, complete) = factor(&BigUint::from(174_604_234_752u64));
        assert!(complete);
        let shown: Vec<(String, u32)> = factors.iter().map(|(p, c)| (p.to_string(), *c)).collect();
        assert_eq!(
            shown,
            vec![
                ("2".into(), 12),
                ("3".into(), 2),
                ("41".into(), 1),
                ("115523".into(), 1)
            ]
        );
    }

    #[test]
    fn divisors_of_twelve() {
        let (factors, _) = factor(&BigUint::from(12u32));
        let mut all: Vec<u32> = divisors(&factors, 100)
            .unwrap()
            .iter()
            .map(|d| d.to_u32().unwrap())
            .collect();
        all.sort();
        assert_eq!(all, vec![1, 2, 3, 4, 6, 12]);
    }
}
