//! Solving for the one number: the claim's computed side sampled at four consecutive values of
//! the number is a polynomial of degree at most two in it when the third differences vanish (a
//! literal enters linearly; a width such as `H` in `H*H` squarely), and the values that give the
//! claim follow exactly from the differences.

use num_bigint::BigInt;
use num_traits::Signed;

use crate::number::Number;

/// The exact square root of a rational, when it is rational.
fn rational_sqrt(n: &Number, limit: u64) -> Option<Number> {
    let (numer, denom) = n.to_fraction();
    if numer.is_negative() {
        return None;
    }
    let root = |m: &BigInt| {
        let r = m.sqrt();
        (&r * &r == *m).then_some(r)
    };
    let numer = root(&numer)?;
    let denom = root(&denom)?;
    Number::from_bigint(numer)
        .div(&Number::from_bigint(denom), limit)
        .ok()
}

/// Values of `x` for which `x ↦ f(x)` (sampled at `base..base+4`) takes `target`, when it is a
/// polynomial of degree one or two.
pub(super) fn roots(
    samples: &[Number],
    base: i64,
    target: &Number,
    limit: u64,
) -> Option<Vec<Number>> {
    let n = |v: i64| Number::from_i64(v);
    let [f0, f1, f2, f3] = samples else {
        return None;
    };
    let d1 = f1.sub(f0, limit).ok()?;
    let d2 = f2
        .sub(&f1.mul(&n(2), limit).ok()?, limit)
        .ok()?
        .add(f0, limit)
        .ok()?;
    let d3 = f3
        .sub(&f2.mul(&n(3), limit).ok()?, limit)
        .ok()?
        .add(&f1.mul(&n(3), limit).ok()?, limit)
        .ok()?
        .sub(f0, limit)
        .ok()?;
    if !d3.is_zero() {
        return None;
    }
    let base = n(base);
    let c0 = f0.sub(target, limit).ok()?;
    if d2.is_zero() {
        if d1.is_zero() {
            return None;
        }
        // f(base + t) = f0 + d1*t.
        let t = c0.neg().div(&d1, limit).ok()?;
        return Some(vec![base.add(&t, limit).ok()?]);
    }
    // f(base + t) = a*t^2 + b*t + f0 with a = d2/2, b = d1 - a.
    let a = d2.div(&n(2), limit).ok()?;
    let b = d1.sub(&a, limit).ok()?;
    let discriminant = b
        .mul(&b, limit)
        .ok()?
        .sub(&n(4).mul(&a, limit).ok()?.mul(&c0, limit).ok()?, limit)
        .ok()?;
    if discriminant.is_negative() {
        return None;
    }
    let s = rational_sqrt(&discriminant, limit)?;
    let two_a = a.mul(&n(2), limit).ok()?;
    let mut found = Vec::new();
    for root in [b.neg().add(&s, limit).ok()?, b.neg().sub(&s, limit).ok()?] {
        found.push(base.add(&root.div(&two_a, limit).ok()?, limit).ok()?);
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_of_lines_and_parabolas() {
        let n = Number::from_i64;
        let limit = 1 << 20;
        // f(x) = 768x + 100: 768x + 100 = 1636 at x = 2.
        let line: Vec<Number> = (0..4).map(|x| n(768 * x + 100)).collect();
        assert_eq!(roots(&line, 0, &n(1636), limit), Some(vec![n(2)]));
        // f(x) = x^2 + x: 30 at x = 5 and x = -6.
        let parabola: Vec<Number> = (1..5).map(|x| n(x * x + x)).collect();
        assert_eq!(roots(&parabola, 1, &n(30), limit), Some(vec![n(5), n(-6)]));
        // x^3 is neither.
        let cubic: Vec<Number> = (0..4).map(|x| n(x * x * x)).collect();
        assert_eq!(roots(&cubic, 0, &n(8), limit), None);
    }

    #[test]
    fn square_roots_only_when_rational() {
        let limit = 1 << 20;
        let quarter = |a: i64, b: i64| Number::from_i64(a).div(&Number::from_i64(b), limit).ok();
        // 9/4 = (3/2)^2; 2 and -4 have no rational root.
        assert_eq!(rational_sqrt(&quarter(9, 4).unwrap(), limit), quarter(3, 2));
        assert_eq!(rational_sqrt(&Number::from_i64(2), limit), None);
        assert_eq!(rational_sqrt(&Number::from_i64(-4), limit), None);
    }
}
