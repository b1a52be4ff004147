//! The strings of a tree, each kept once: names, number literals and string literals.
//!
//! A 100,000-line formula file names the same few config keys a million times, and writes the
//! same few hundred numbers; a node refers to its text by a 4-byte `Symbol` instead of owning a
//! copy, which is what lets a name or a number pack into an 8-byte node (`arena.rs`).

use std::hash::BuildHasher;

/// An interned string; `Symbols::get` reads it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

impl Symbol {
    /// The symbol at `index`, as the tree's packed nodes store it.
    pub(super) fn new(index: u32) -> Symbol {
        Symbol(index)
    }

    /// Its position among the symbols: `0..Symbols::len()`, for tables indexed by symbol.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The interner: every string's bytes in one buffer, and a table of indices looked up by hash.
/// A 100,000-line file defines 100,000 names; a box and an owned key for each cost three times
/// the names themselves. The hasher is seeded per process, so a file crafted to collide cannot
/// make reading it quadratic.
#[derive(Clone, Default)]
pub struct Symbols {
    /// The strings, one after another.
    text: String,
    /// Where each symbol's string ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for Symbols {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries((0..self.ends.len()).map(|i| self.text_at(i)))
            .finish()
    }
}

impl Symbols {
    pub fn intern(&mut self, text: &str) -> Symbol {
        if let Some(symbol) = self.find(text) {
            return symbol;
        }
        let index = self.ends.len() as u32;
        self.text.push_str(text);
        self.ends.push(self.text.len() as u32);
        let hash = self.hasher.hash_one(text);
        let (text_buffer, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table.insert_unique(hash, index, |&i| {
            hasher.hash_one(slice(text_buffer, ends, i as usize))
        });
        Symbol(index)
    }

    /// The symbol of `text`, if anything interned it.
    pub fn find(&self, text: &str) -> Option<Symbol> {
        let hash = self.hasher.hash_one(text);
        self.table
            .find(hash, |&i| self.text_at(i as usize) == text)
            .map(|&i| Symbol(i))
    }

    pub fn get(&self, symbol: Symbol) -> &str {
        self.text_at(symbol.0 as usize)
    }

    fn text_at(&self, index: usize) -> &str {
        slice(&self.text, &self.ends, index)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// The string at `index` (empty past the end).
fn slice<'a>(text: &'a str, ends: &[u32], index: usize) -> &'a str {
    let start = match index.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    } as usize;
    let end = ends.get(index).map_or(start, |&end| end as usize);
    text.get(start..end).unwrap_or_default()
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
