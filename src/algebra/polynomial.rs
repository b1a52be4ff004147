//! The normal form: a sum of monomials with exact rational coefficients.
//!
//! A monomial is a product of symbols with integer exponents, negative ones included, so `H*A*(H/A)`
//! is `H^2` and `13/(12*h)` is one term. Symbols are interned to small integers in the order the
//! expansion first meets them; a monomial is the sorted list of its (symbol, exponent) pairs, and a
//! sum is a hash map from monomial to coefficient that never holds a zero coefficient. Every
//! operation checks the bit limit of the coefficients and the term limit of the sum, so no input
//! makes the algebra run without end.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::number::{ArithmeticError, Number};
use crate::printer::Dialect;

/// Index of a symbol in its symbol table.
pub(crate) type SymbolId = u32;

/// A product of symbols: (symbol, exponent) pairs sorted by symbol, no zero exponent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Monomial(Vec<(SymbolId, i32)>);

impl Monomial {
    pub(crate) fn one() -> Monomial {
        Monomial(Vec::new())
    }

    pub(crate) fn symbol(id: SymbolId) -> Monomial {
        Monomial(vec![(id, 1)])
    }

    pub(crate) fn is_one(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn factors(&self) -> &[(SymbolId, i32)] {
        &self.0
    }

    /// The sum of the exponents.
    pub(crate) fn degree(&self) -> i64 {
        self.0.iter().map(|&(_, e)| i64::from(e)).sum()
    }

    /// The product, or `None` when an exponent leaves `i32`.
    pub(crate) fn mul(&self, other: &Monomial) -> Option<Monomial> {
        let mut out = Vec::with_capacity(self.0.len() + other.0.len());
        multiply_into(&self.0, &other.0, &mut out)?;
        Some(Monomial(out))
    }

    /// The monomial to an integer power, or `None` when an exponent leaves `i32`.
    pub(crate) fn pow(&self, exponent: i64) -> Option<Monomial> {
        if exponent == 0 {
            return Some(Monomial::one());
        }
        self.0
            .iter()
            .map(|&(s, e)| {
                let e = i64::from(e).checked_mul(exponent)?;
                Some((s, i32::try_from(e).ok()?))
            })
            .collect::<Option<Vec<_>>>()
            .map(Monomial)
    }

    fn remap(&self, map: &[SymbolId]) -> Monomial {
        let mut factors: Vec<(SymbolId, i32)> =
            self.0.iter().map(|&(s, e)| (map[s as usize], e)).collect();
        factors.sort_unstable_by_key(|&(s, _)| s);
        Monomial(factors)
    }
}

/// Writes the product of two monomials' factor lists into `out` (cleared first); `None` when an
/// exponent leaves `i32`.
fn multiply_into(
    a: &[(SymbolId, i32)],
    b: &[(SymbolId, i32)],
    out: &mut Vec<(SymbolId, i32)>,
) -> Option<()> {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let ((sa, ea), (sb, eb)) = (a[i], b[j]);
        match sa.cmp(&sb) {
            Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            Ordering::Equal => {
                let e = ea.checked_add(eb)?;
                if e != 0 {
                    out.push((sa, e));
                }
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Some(())
}

/// A monomial hashes and compares as its factor list, so a product computed into a reused buffer
/// can be looked up without allocating a key.
impl std::borrow::Borrow<[(SymbolId, i32)]> for Monomial {
    fn borrow(&self) -> &[(SymbolId, i32)] {
        &self.0
    }
}

/// The order terms are printed in: higher total degree first; within one degree, the
/// lexicographic order of the exponent vectors (symbols in symbol-table order), larger first.
/// This is the graded lexicographic order of computer algebra.
pub(crate) fn print_order(a: &Monomial, b: &Monomial) -> Ordering {
    b.degree().cmp(&a.degree()).then_with(|| {
        let (a, b) = (&a.0, &b.0);
        let (mut i, mut j) = (0, 0);
        loop {
            // At the first symbol where they differ, the one with the larger exponent comes first
            // (a symbol a monomial lacks has exponent 0; stored exponents are never 0).
            match (a.get(i), b.get(j)) {
                (None, None) => return Ordering::Equal,
                (Some(&(_, ea)), None) => return 0.cmp(&ea),
                (None, Some(&(_, eb))) => return eb.cmp(&0),
                (Some(&(sa, ea)), Some(&(sb, eb))) => match sa.cmp(&sb) {
                    Ordering::Equal if ea == eb => {
                        i += 1;
                        j += 1;
                    }
                    Ordering::Equal => return eb.cmp(&ea),
                    Ordering::Less => return 0.cmp(&ea),
                    Ordering::Greater => return eb.cmp(&0),
                },
            }
        }
    })
}

/// FxHash (rustc's hasher): monomials are short vectors of small integers, which SipHash hashes
/// several times slower. The input can at worst make a hash map slow, never wrong, and the term
/// and work limits bound that too.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_i32(&mut self, n: i32) {
        self.add(u64::from(n as u32));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type TermMap = HashMap<Monomial, Number, BuildHasherDefault<FxHasher>>;

/// Why an operation on sums has no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    Arithmetic(ArithmeticError),
    /// The result would have more terms than the limit, or would cost more than the work limit.
    TooManyTerms {
        limit: usize,
    },
    /// An exponent outside `i32`.
    ExponentOverflow,
}

impl From<ArithmeticError> for Failure {
    fn from(error: ArithmeticError) -> Failure {
        Failure::Arithmetic(error)
    }
}

/// What one expansion may compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub max_bits: u64,
    pub max_terms: usize,
}

impl Bounds {
    /// Term products one expansion may compute: ten per allowed term (a second or less).
    pub(crate) fn max_work(&self) -> u64 {
        (self.max_terms as u64).saturating_mul(10).max(10_000)
    }
}

/// A sum of terms over one symbol table (the internal form; `Polynomial` carries its table).
#[derive(Clone, Debug, Default)]
pub(crate) struct Terms {
    map: TermMap,
}

impl Terms {
    pub(crate) fn zero() -> Terms {
        Terms::default()
    }

    pub(crate) fn constant(value: Number) -> Terms {
        Terms::term(Monomial::one(), value)
    }

    pub(crate) fn term(monomial: Monomial, coefficient: Number) -> Terms {
        let mut map = TermMap::default();
        if !coefficient.is_zero() {
            map.insert(monomial, coefficient);
        }
        Terms { map }
    }

    pub(crate) fn symbol(id: SymbolId) -> Terms {
        Terms::term(Monomial::symbol(id), Number::from_i64(1))
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.map.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Monomial, &Number)> {
        self.map.iter()
    }

    /// The value, when the sum has no symbol.
    pub(crate) fn as_constant(&self) -> Option<Number> {
        match self.map.len() {
            0 => Some(Number::zero()),
            1 => self.map.get(&Monomial::one()).cloned(),
            _ => None,
        }
    }

    /// The only term, when there is exactly one.
    pub(crate) fn single_term(&self) -> Option<(&Monomial, &Number)> {
        if self.map.len() == 1 {
            self.map.iter().next()
        } else {
            None
        }
    }

    /// The symbols the sum mentions, sorted.
    pub(crate) fn symbols(&self) -> Vec<SymbolId> {
        let mut symbols: Vec<SymbolId> = self
            .map
            .keys()
            .flat_map(|m| m.0.iter().map(|&(s, _)| s))
            .collect();
        symbols.sort_unstable();
        symbols.dedup();
        symbols
    }

    pub(crate) fn neg(mut self) -> Terms {
        for c in self.map.values_mut() {
            *c = c.neg();
        }
        self
    }

    /// Adds `coefficient * monomial` in place.
    pub(crate) fn add_term(
        &mut self,
        monomial: Monomial,
        coefficient: Number,
        bounds: &Bounds,
    ) -> Result<(), Failure> {
        match self.map.entry(monomial) {
            Entry::Occupied(mut entry) => {
                let sum = entry.get().add(&coefficient, bounds.max_bits)?;
                if sum.is_zero() {
                    entry.remove();
                } else {
                    *entry.get_mut() = sum;
                }
            }
            Entry::Vacant(entry) => {
                if !coefficient.is_zero() {
                    entry.insert(coefficient);
                }
            }
        }
        if self.map.len() > bounds.max_terms {
            return Err(Failure::TooManyTerms {
                limit: bounds.max_terms,
            });
        }
        Ok(())
    }

    /// `self + other` (or `self - other` when `subtract`), in place.
    pub(crate) fn add_assign(
        &mut self,
        other: Terms,
        subtract: bool,
        bounds: &Bounds,
    ) -> Result<(), Failure> {
        // Adding into the larger map keeps a long sum linear.
        if !subtract && other.map.len() > self.map.len() {
            let smaller = std::mem::replace(self, other);
            return self.add_assign(smaller, false, bounds);
        }
        for (m, c) in other.map {
            let c = if subtract { c.neg() } else { c };
            self.add_term(m, c, bounds)?;
        }
        Ok(())
    }

    /// Multiplies every coefficient by `factor` and every monomial by `monomial`.
    fn scaled(
        &self,
        monomial: &Monomial,
        factor: &Number,
        bounds: &Bounds,
    ) -> Result<Terms, Failure> {
        let mut map = TermMap::with_capacity_and_hasher(self.map.len(), Default::default());
        for (m, c) in &self.map {
            let m = m.mul(monomial).ok_or(Failure::ExponentOverflow)?;
            // Distinct monomials times one monomial stay distinct: no collisions to merge.
            map.insert(m, c.mul(factor, bounds.max_bits)?);
        }
        Ok(Terms { map })
    }

    /// What one term product costs, in units of a product of small integers: large coefficients
    /// cost more, and fractions much more, since reducing a product takes a gcd whose cost grows
    /// with the square of its size (`(x/10 + y/7)^3000` would otherwise run for hours).
    fn product_cost(&self, other: &Terms) -> u64 {
        let widest = |t: &Terms| t.map.values().map(Number::bits).max().unwrap_or(0);
        let bits = widest(self).saturating_add(widest(other));
        let fractional = |t: &Terms| t.map.values().any(|c| !c.is_integer());
        if fractional(self) || fractional(other) {
            1 + bits.saturating_mul(bits) / 6400
        } else {
            1 + bits / 6400
        }
    }

    /// The product. `work` counts the cost of the term products computed so far in this
    /// expansion (`product_cost`).
    pub(crate) fn mul(
        &self,
        other: &Terms,
        bounds: &Bounds,
        work: &mut u64,
    ) -> Result<Terms, Failure> {
        if self.is_zero() || other.is_zero() {
            return Ok(Terms::zero());
        }
        let pairs = (self.len() as u64).saturating_mul(other.len() as u64);
        *work = work.saturating_add(pairs.saturating_mul(self.product_cost(other)));
        if *work > bounds.max_work() {
            return Err(Failure::TooManyTerms {
                limit: bounds.max_terms,
            });
        }
        if let Some((m, c)) = other.single_term() {
            return self.scaled(m, c, bounds);
        }
        if let Some((m, c)) = self.single_term() {
            return other.scaled(m, c, bounds);
        }
        // Iterate the larger sum inside: fewer passes over the outer one.
        let (outer, inner) = if self.len() <= other.len() {
            (self, other)
        } else {
            (other, self)
        };
        let capacity = (pairs as usize).min(bounds.max_terms.saturating_add(1));
        let mut product = Terms {
            map: TermMap::with_capacity_and_hasher(capacity, Default::default()),
        };
        // Most products land on a monomial already present: compute each into one buffer and
        // allocate a key only for a new monomial.
        let mut buffer = Vec::new();
        for (ma, ca) in &outer.map {
            for (mb, cb) in &inner.map {
                multiply_into(&ma.0, &mb.0, &mut buffer).ok_or(Failure::ExponentOverflow)?;
                let c = ca.mul(cb, bounds.max_bits)?;
                match product.map.get_mut(buffer.as_slice()) {
                    Some(sum) => *sum = sum.add(&c, bounds.max_bits)?,
                    None => {
                        product.map.insert(Monomial(buffer.clone()), c);
                        if product.map.len() > bounds.max_terms {
                            return Err(Failure::TooManyTerms {
                                limit: bounds.max_terms,
                            });
                        }
                    }
                }
            }
        }
        product.map.retain(|_, c| !c.is_zero());
        Ok(product)
    }

    /// `self ^ exponent` for `exponent >= 0`, by successive multiplication: for sparse sums it
    /// computes fewer term products than repeated squaring (measured: (a+...+f)^8 needs 10,290
    /// products this way and 16,353 by squaring).
    pub(crate) fn pow(
        &self,
        exponent: u64,
        bounds: &Bounds,
        work: &mut u64,
    ) -> Result<Terms, Failure> {
        if exponent == 0 {
            return Ok(Terms::constant(Number::from_i64(1)));
        }
        let mut power = self.clone();
        for _ in 1..exponent {
            power = power.mul(self, bounds, work)?;
        }
        Ok(power)
    }

    /// Renames symbols: symbol `s` becomes `map[s]`.
    pub(crate) fn remap(&self, map: &[SymbolId]) -> Terms {
        Terms {
            map: self
                .map
                .iter()
                .map(|(m, c)| (m.remap(map), c.clone()))
                .collect(),
        }
    }
}

/// Interns symbol names; ids are handed out in the order names are first seen.
#[derive(Clone, Debug, Default)]
pub(crate) struct SymbolTable {
    names: Vec<String>,
    ids: HashMap<String, SymbolId>,
}

impl SymbolTable {
    pub(crate) fn intern(&mut self, name: &str) -> SymbolId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as SymbolId;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    pub(crate) fn name(&self, id: SymbolId) -> &str {
        &self.names[id as usize]
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// One term of a polynomial, as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term<'p> {
    pub coefficient: &'p Number,
    /// (symbol, exponent) in the polynomial's symbol order; exponents are never zero.
    pub factors: Vec<(&'p str, i32)>,
}

/// A polynomial in normal form: a sum of monomials with exact rational coefficients, over named
/// symbols whose exponents may be negative.
///
/// The terms are kept in print order: higher total degree first, then by the exponents of the
/// symbols taken in the polynomial's symbol order (larger exponent first), the graded
/// lexicographic order. The symbol order puts symbols that reach a higher power later, and keeps
/// the order in which the expansion first met the symbols (reading the formula left to right with
/// its parts inlined) among symbols of the same highest power. So
/// `12*l*h^2*(1 + 13/(12*h) + (V+s)/(12*l*h))` prints as `12*l*h^2+13*l*h+V*h+s*h` (symbols `l`,
/// `V`, `s`, `h`). `sorted_by_name` orders the symbols by name instead.
///
/// Two polynomials are equal when they have the same terms, whatever their symbol order.
#[derive(Clone, Debug)]
pub struct Polynomial {
    /// The symbols that occur in some term, in print order; monomials index into it.
    symbols: Vec<String>,
    terms: Vec<(Monomial, Number)>,
}

impl Polynomial {
    /// The normal form of `terms`, over the symbols of `table` (in the order they were met).
    /// Symbols are ordered by the highest power they reach, lower first, then by `table` order:
    /// the symbol a count is "quadratic in" ends each product (`12*l*h^2`, `V*h`, `12*L*H^2`),
    /// the others keep the author's order.
    pub(crate) fn from_terms(table: &[String], terms: Terms) -> Polynomial {
        Polynomial::with_order(table, terms, true)
    }

    fn with_order(table: &[String], terms: Terms, by_power: bool) -> Polynomial {
        let mut power = vec![0u32; table.len()];
        for (m, _) in terms.iter() {
            for &(s, e) in m.factors() {
                let p = &mut power[s as usize];
                *p = (*p).max(e.unsigned_abs());
            }
        }
        let mut used: Vec<SymbolId> = (0..table.len() as SymbolId)
            .filter(|&s| power[s as usize] > 0)
            .collect();
        if by_power {
            used.sort_by_key(|&s| (power[s as usize], s));
        }
        let mut map = vec![0 as SymbolId; table.len()];
        for (new, &old) in used.iter().enumerate() {
            map[old as usize] = new as SymbolId;
        }
        let symbols = used.iter().map(|&s| table[s as usize].clone()).collect();
        let identity = used.iter().enumerate().all(|(i, &s)| i == s as usize);
        let mut list: Vec<(i64, Monomial, Number)> = terms
            .map
            .into_iter()
            .map(|(m, c)| {
                let m = if identity { m } else { m.remap(&map) };
                (m.degree(), m, c)
            })
            .collect();
        // Degrees computed once, not at every comparison.
        list.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| print_order(&a.1, &b.1)));
        Polynomial {
            symbols,
            terms: list.into_iter().map(|(_, m, c)| (m, c)).collect(),
        }
    }

    /// The zero polynomial.
    pub fn zero() -> Polynomial {
        Polynomial {
            symbols: Vec::new(),
            terms: Vec::new(),
        }
    }

    /// A constant.
    pub fn constant(value: Number) -> Polynomial {
        Polynomial::from_terms(&[], Terms::constant(value))
    }

    /// The symbols that occur, in print order.
    pub fn symbols(&self) -> &[String] {
        &self.symbols
    }

    /// The number of terms.
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// The value, when the polynomial has no symbol.
    pub fn as_constant(&self) -> Option<Number> {
        match self.terms.as_slice() {
            [] => Some(Number::zero()),
            [(m, c)] if m.is_one() => Some(c.clone()),
            _ => None,
        }
    }

    /// The terms in print order.
    pub fn terms(&self) -> impl Iterator<Item = Term<'_>> + '_ {
        self.terms.iter().map(|(m, c)| Term {
            coefficient: c,
            factors: m
                .factors()
                .iter()
                .map(|&(s, e)| (self.symbols[s as usize].as_str(), e))
                .collect(),
        })
    }

    /// The same polynomial with its symbols ordered by name (Unicode code points: `V` before `h`).
    pub fn sorted_by_name(&self) -> Polynomial {
        let mut order: Vec<usize> = (0..self.symbols.len()).collect();
        order.sort_by(|&a, &b| self.symbols[a].cmp(&self.symbols[b]));
        let mut map = vec![0 as SymbolId; self.symbols.len()];
        for (new, &old) in order.iter().enumerate() {
            map[old] = new as SymbolId;
        }
        let names: Vec<String> = order.iter().map(|&i| self.symbols[i].clone()).collect();
        Polynomial::with_order(&names, self.to_terms().remap(&map), false)
    }

    /// The terms as an internal sum over this polynomial's own symbols.
    pub(crate) fn to_terms(&self) -> Terms {
        let mut terms = Terms::zero();
        for (m, c) in &self.terms {
            terms.map.insert(m.clone(), c.clone());
        }
        terms
    }

    /// Both polynomials over one symbol table: this one's symbols, then the other's new ones.
    pub(crate) fn common_table(&self, other: &Polynomial) -> (SymbolTable, Terms, Terms) {
        let mut table = SymbolTable::default();
        for s in &self.symbols {
            table.intern(s);
        }
        let map: Vec<SymbolId> = other.symbols.iter().map(|s| table.intern(s)).collect();
        let a = self.to_terms();
        let b = other.to_terms().remap(&map);
        (table, a, b)
    }

    /// `self - other`, exactly (`max_bits` bounds the coefficients).
    pub fn sub(&self, other: &Polynomial, max_bits: u64) -> Result<Polynomial, ArithmeticError> {
        let (table, mut a, b) = self.common_table(other);
        let bounds = Bounds {
            max_bits,
            max_terms: usize::MAX,
        };
        match a.add_assign(b, true, &bounds) {
            Ok(()) => Ok(Polynomial::from_terms(table.names(), a)),
            Err(Failure::Arithmetic(e)) => Err(e),
            // Unbounded terms and no exponent change: the other failures cannot happen.
            Err(_) => Err(ArithmeticError::TooLarge {
                bits: u64::MAX,
                limit: max_bits,
            }),
        }
    }

    /// The value at a point: `values` gives a number for every symbol. `None` for a symbol with no
    /// value; an error for a zero under a negative exponent or a result past `max_bits`.
    pub fn evaluate(
        &self,
        values: &dyn Fn(&str) -> Option<Number>,
        max_bits: u64,
    ) -> Option<Result<Number, ArithmeticError>> {
        let point: Vec<Number> = self
            .symbols
            .iter()
            .map(|s| values(s))
            .collect::<Option<_>>()?;
        let compute = || {
            let mut total = Number::zero();
            for (m, c) in &self.terms {
                let mut term = c.clone();
                for &(s, e) in m.factors() {
                    let power = point[s as usize].pow(&Number::from_i64(i64::from(e)), max_bits)?;
                    term = term.mul(&power, max_bits)?;
                }
                total = total.add(&term, max_bits)?;
            }
            Ok(total)
        };
        Some(compute())
    }

    /// Prints the polynomial: `12*l*h^2+13*l*h+V*h+s*h` in plain text (parsable again as a formula),
    /// `12 \cdot l \cdot h^{2} + ...` in LaTeX. A term with negative exponents is a fraction:
    /// `13*l/(12*h)`, `\frac{13 \cdot l}{12 \cdot h}`.
    pub fn render(&self, dialect: Dialect) -> String {
        if self.terms.is_empty() {
            return "0".into();
        }
        let (plus, minus) = match dialect {
            Dialect::Plain => ("+", "-"),
            Dialect::Latex => (" + ", " - "),
        };
        let mut out = String::new();
        for (i, (m, c)) in self.terms.iter().enumerate() {
            match (i, c.is_negative()) {
                (0, true) => out.push('-'),
                (0, false) => {}
                (_, true) => out.push_str(minus),
                (_, false) => out.push_str(plus),
            }
            self.write_term(&mut out, m, c, dialect);
        }
        out
    }

    fn write_term(&self, out: &mut String, m: &Monomial, c: &Number, dialect: Dialect) {
        use std::fmt::Write as _;
        let magnitude = if c.is_negative() { c.neg() } else { c.clone() };
        let (numer, denom) = if magnitude.is_integer() {
            (magnitude, None)
        } else {
            let (n, d) = magnitude.to_fraction();
            (Number::from_bigint(n), Some(Number::from_bigint(d)))
        };
        let upstairs = m.factors().iter().filter(|&&(_, e)| e > 0).count();
        let downstairs = m.factors().len() - upstairs + usize::from(denom.is_some());
        let (times, open_fraction, middle, close) = match dialect {
            Dialect::Plain => ("*", "", "/", ""),
            Dialect::Latex => (" \\cdot ", "\\frac{", "}{", "}"),
        };
        if downstairs > 0 {
            out.push_str(open_fraction);
        }
        let numer_is_one = numer == Number::from_i64(1);
        let mut first = true;
        if !numer_is_one || upstairs == 0 {
            let _ = write!(out, "{numer}");
            first = false;
        }
        let factor = |out: &mut String, s: SymbolId, power: u32, first: &mut bool| {
            if !*first {
                out.push_str(times);
            }
            *first = false;
            let name = &self.symbols[s as usize];
            match dialect {
                Dialect::Plain => out.push_str(name),
                Dialect::Latex => out.push_str(&symbol_text(name, dialect)),
            }
            match (power, dialect) {
                (1, _) => {}
                (_, Dialect::Plain) => {
                    let _ = write!(out, "^{power}");
                }
                (_, Dialect::Latex) => {
                    let _ = write!(out, "^{{{power}}}");
                }
            }
        };
        for &(s, e) in m.factors() {
            if e > 0 {
                factor(out, s, e.unsigned_abs(), &mut first);
            }
        }
        if downstairs == 0 {
            return;
        }
        out.push_str(middle);
        // Plain text brackets a denominator of several factors: `13*l/(12*h)`.
        let bracket = dialect == Dialect::Plain && downstairs > 1;
        if bracket {
            out.push('(');
        }
        let mut first = true;
        if let Some(denom) = denom {
            let _ = write!(out, "{denom}");
            first = false;
        }
        for &(s, e) in m.factors() {
            if e < 0 {
                factor(out, s, e.unsigned_abs(), &mut first);
            }
        }
        if bracket {
            out.push(')');
        }
        out.push_str(close);
    }

    /// The polynomial as JSON: its symbols in print order and its terms, each with the exact
    /// coefficient as a string (`"13/12"`) and the exponent of each of its symbols.
    pub fn to_json(&self) -> serde_json::Value {
        let terms: Vec<serde_json::Value> = self
            .terms()
            .map(|term| {
                let exponents: serde_json::Map<String, serde_json::Value> = term
                    .factors
                    .iter()
                    .map(|&(s, e)| (s.to_string(), serde_json::Value::from(e)))
                    .collect();
                serde_json::json!({
                    "coefficient": term.coefficient.to_string(),
                    "exponents": exponents,
                })
            })
            .collect();
        serde_json::json!({
            "text": self.render(Dialect::Plain),
            "symbols": self.symbols,
            "terms": terms,
        })
    }

    /// The terms keyed by symbol names, independent of the symbol order.
    fn by_names(&self) -> BTreeMap<Vec<(&str, i32)>, &Number> {
        self.terms
            .iter()
            .map(|(m, c)| {
                let mut key: Vec<(&str, i32)> = m
                    .factors()
                    .iter()
                    .map(|&(s, e)| (self.symbols[s as usize].as_str(), e))
                    .collect();
                key.sort_unstable();
                (key, c)
            })
            .collect()
    }
}

/// A symbol as the dialect writes it: `d_model` is `\mathrm{d\_model}` in LaTeX, as the derivation
/// printer writes names.
fn symbol_text(name: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Plain => name.to_string(),
        Dialect::Latex if name.chars().count() == 1 => name.to_string(),
        Dialect::Latex => format!("\\mathrm{{{}}}", name.replace('_', "\\_")),
    }
}

impl PartialEq for Polynomial {
    fn eq(&self, other: &Polynomial) -> bool {
        if self.symbols == other.symbols {
            return self.terms == other.terms;
        }
        self.terms.len() == other.terms.len() && self.by_names() == other.by_names()
    }
}

impl Eq for Polynomial {}

impl std::fmt::Display for Polynomial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Dialect::Plain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Bounds {
        Bounds {
            max_bits: 1 << 20,
            max_terms: 1_000_000,
        }
    }

    fn sum_of_symbols(n: u32) -> Terms {
        let mut terms = Terms::zero();
        for s in 0..n {
            terms
                .add_term(Monomial::symbol(s), Number::from_i64(1), &bounds())
                .unwrap();
        }
        terms
    }

    #[test]
    fn monomials_multiply_and_cancel() {
        let a = Monomial(vec![(0, 2), (2, -1)]);
        let b = Monomial(vec![(1, 1), (2, 1)]);
        assert_eq!(a.mul(&b), Some(Monomial(vec![(0, 2), (1, 1)])));
        assert_eq!(a.pow(-2), Some(Monomial(vec![(0, -4), (2, 2)])));
        assert_eq!(
            Monomial(vec![(0, i32::MAX)]).mul(&Monomial::symbol(0)),
            None
        );
    }

    #[test]
    fn graded_lexicographic_order() {
        // With symbols 0, 1 (a, b): a^2, a*b, b^2, a, b, 1, 1/a.
        let m = |f: &[(u32, i32)]| Monomial(f.to_vec());
        let mut list = vec![
            m(&[(0, -1)]),
            m(&[(1, 1)]),
            m(&[]),
            m(&[(1, 2)]),
            m(&[(0, 1), (1, 1)]),
            m(&[(0, 1)]),
            m(&[(0, 2)]),
        ];
        list.sort_by(print_order);
        assert_eq!(
            list,
            vec![
                m(&[(0, 2)]),
                m(&[(0, 1), (1, 1)]),
                m(&[(1, 2)]),
                m(&[(0, 1)]),
                m(&[(1, 1)]),
                m(&[]),
                m(&[(0, -1)]),
            ]
        );
    }

    #[test]
    fn power_of_a_sum_counts_its_monomials() {
        // The monomials of degree 8 in 6 symbols: C(8+5, 5) = 1287.
        let mut work = 0;
        let p = sum_of_symbols(6).pow(8, &bounds(), &mut work).unwrap();
        assert_eq!(p.len(), 1287);
        // Successive multiplication: 6 * (6+21+56+126+252+462+792) = 10290 term products.
        assert_eq!(work, 10290);
    }

    #[test]
    fn term_limit_is_enforced() {
        let tight = Bounds {
            max_bits: 1 << 20,
            max_terms: 100,
        };
        let mut work = 0;
        let result = sum_of_symbols(6).pow(8, &tight, &mut work);
        assert_eq!(result.unwrap_err(), Failure::TooManyTerms { limit: 100 });
    }
}
