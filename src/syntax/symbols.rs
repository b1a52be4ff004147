//! The strings of a tree, each kept once: names, number literals and string literals.
//!
//! A 100,000-line formula file names the same few config keys a million times, and writes the
//! same few hundred numbers; a node refers to its text by a 4-byte `Symbol` instead of owning a
//! copy, which is what keeps a node at 24 bytes.

use indexmap::IndexSet;

/// An interned string; `Symbols::get` reads it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

impl Symbol {
    /// Its position among the symbols: `0..Symbols::len()`, for tables indexed by symbol.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The interner. The hasher is seeded per process, so a file crafted to collide cannot make
/// reading it quadratic.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    set: IndexSet<Box<str>, foldhash::fast::RandomState>,
}

impl Symbols {
    pub fn intern(&mut self, text: &str) -> Symbol {
        let index = match self.set.get_index_of(text) {
            Some(index) => index,
            None => self.set.insert_full(text.into()).0,
        };
        Symbol(index as u32)
    }

    /// The symbol of `text`, if anything interned it.
    pub fn find(&self, text: &str) -> Option<Symbol> {
        self.set
            .get_index_of(text)
            .map(|index| Symbol(index as u32))
    }

    pub fn get(&self, symbol: Symbol) -> &str {
        self.set
            .get_index(symbol.0 as usize)
            .map_or("", |text| text)
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Symbols;

    #[test]
    fn a_string_interned_twice_is_one_symbol() {
        let mut symbols = Symbols::default();
        let h = symbols.intern("hidden_size");
        let v = symbols.intern("30522");
        assert_eq!(symbols.intern("hidden_size"), h);
        assert_ne!(h, v);
        assert_eq!(symbols.len(), 2);
        assert_eq!(symbols.get(h), "hidden_size");
        assert_eq!(symbols.get(v), "30522");
        assert_eq!(symbols.find("30522"), Some(v));
        assert_eq!(symbols.find("n_embd"), None);
        let long = "9".repeat(100_000);
        let big = symbols.intern(&long);
        assert_eq!(symbols.get(big), long);
    }
}
