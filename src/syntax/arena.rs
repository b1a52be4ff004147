//! How the tree's nodes are stored: eight bytes for the common ones.
//!
//! A 100,000-line formula file is five million nodes, so the size of one node decides the memory
//! of the whole tree. Nearly all of them are names, numbers, parentheses and operators, whose span
//! need not be stored: a binary node covers its operands, a name or a number covers its text, a
//! group ends one byte after its contents. Those pack into one `u64` with what cannot be derived
//! (a leaf's or a group's first byte, an operator's children); the source a span points into comes
//! from `runs`, since nodes are pushed one source at a time.
//!
//! A node is stored whole (`Expr`, 24 bytes, in a side table) when it is rare (calls,
//! conditionals, lists), when its span is not the one its parts imply (a number written with `_`,
//! a blank before a `)`), or when deriving its span would read more than `MAX_WALK` nodes. That
//! bound keeps `span` cheap on a million-term sum: every `MAX_WALK`-th node down its left spine is
//! stored whole, so a walk ends there.

use foldhash::fast::RandomState;
use std::collections::HashMap;

use super::{BinaryOp, Expr, ExprId, Node, SourceId, Span, Symbol, Symbols, UnaryOp};

/// The most nodes `span` reads to derive one span.
const MAX_WALK: usize = 32;

const TAG_SHIFT: u32 = 60;
/// Stored whole in `Arena::wide`; the low bits are the index.
const WIDE: u64 = 0;
/// Changed after it was pushed into a form that does not pack: stored in `Arena::edited`.
const EDITED: u64 = 1;
const NUMBER: u64 = 2;
const STR: u64 = 3;
const NAME: u64 = 4;
const BOOL: u64 = 5;
const GROUP: u64 = 6;
const NEG: u64 = 7;
const PLUS: u64 = 8;
const NOT: u64 = 9;
const BINARY: u64 = 10;

/// Children and symbols packed into a word have 28 bits: a formula of more than 268 million nodes
/// stores the rest whole.
const FIELD_BITS: u32 = 28;
const FIELD_MASK: u64 = (1 << FIELD_BITS) - 1;

/// `BinaryOp` by its four-bit code (its position here).
const BINARY_OPS: [BinaryOp; 15] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::ImplicitMul,
    BinaryOp::Div,
    BinaryOp::Rem,
    BinaryOp::Pow,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::And,
    BinaryOp::Or,
];

fn binary_code(op: BinaryOp) -> u64 {
    BINARY_OPS.iter().position(|o| *o == op).unwrap_or(0) as u64
}

/// The nodes of a formula, by `ExprId`.
#[derive(Clone, Debug, Default)]
pub(super) struct Arena {
    packed: Vec<u64>,
    /// Nodes stored whole as they were pushed; a `WIDE` word holds the index.
    wide: Vec<Expr>,
    /// Nodes changed after they were pushed (`set`) into a form that does not pack, by id. Apart
    /// from `wide` so that a rollback, which cuts `wide` back, cannot strand an older node.
    edited: HashMap<u32, Expr, RandomState>,
    /// `(first id, source)`: the nodes from `first` up to the next run's are in `source`.
    runs: Vec<(u32, SourceId)>,
}

/// The arena's sizes, to cut it back to.
#[derive(Clone, Copy, Debug)]
pub(super) struct ArenaMark {
    nodes: usize,
    wide: usize,
}

/// What a word packs, taken apart.
fn tag(word: u64) -> u64 {
    word >> TAG_SHIFT
}

fn high(word: u64) -> u32 {
    ((word >> 32) & FIELD_MASK) as u32
}

fn low(word: u64) -> u32 {
    word as u32
}

fn word(tag: u64, high: u32, low: u32) -> u64 {
    tag << TAG_SHIFT | u64::from(high) << 32 | u64::from(low)
}

fn fits(field: u32) -> bool {
    u64::from(field) <= FIELD_MASK
}

impl Arena {
    pub(super) fn len(&self) -> usize {
        self.packed.len()
    }

    #[cfg(test)]
    pub(super) fn wide_len(&self) -> usize {
        self.wide.len()
    }

    pub(super) fn reserve(&mut self, nodes: usize) {
        self.packed.reserve(nodes);
    }

    pub(super) fn push(&mut self, node: Node, span: Span, symbols: &Symbols) -> ExprId {
        let id = self.packed.len() as u32;
        if self.runs.last().map(|run| run.1) != Some(span.source) {
            self.runs.push((id, span.source));
        }
        let word = match self.pack(node, span, symbols) {
            Some(word) => word,
            None => {
                self.wide.push(Expr { node, span });
                WIDE << TAG_SHIFT | (self.wide.len() - 1) as u64
            }
        };
        self.packed.push(word);
        ExprId(id)
    }

    /// Makes node `id` `node`, keeping its span (its parents' spans are derived from it).
    pub(super) fn set(&mut self, id: ExprId, node: Node, symbols: &Symbols) {
        let Some(&old) = self.packed.get(id.0 as usize) else {
            return;
        };
        let span = self.span(id, symbols);
        let packed = if self.source_of(id) == span.source {
            self.pack(node, span, symbols)
        } else {
            None
        };
        let new = match (packed, tag(old)) {
            (Some(word), _) => {
                self.edited.remove(&id.0);
                word
            }
            (None, WIDE) => {
                if let Some(slot) = self.wide.get_mut((old & !(0xf << TAG_SHIFT)) as usize) {
                    *slot = Expr { node, span };
                }
                old
            }
            (None, _) => {
                self.edited.insert(id.0, Expr { node, span });
                EDITED << TAG_SHIFT
            }
        };
        self.packed[id.0 as usize] = new;
    }

    pub(super) fn mark(&self) -> ArenaMark {
        ArenaMark {
            nodes: self.packed.len(),
            wide: self.wide.len(),
        }
    }

    pub(super) fn rollback(&mut self, mark: ArenaMark) {
        self.packed.truncate(mark.nodes);
        self.wide.truncate(mark.wide);
        let kept = self
            .runs
            .partition_point(|run| (run.0 as usize) < mark.nodes);
        self.runs.truncate(kept);
        if !self.edited.is_empty() {
            self.edited.retain(|id, _| (*id as usize) < mark.nodes);
        }
    }

    pub(super) fn node(&self, id: ExprId) -> Node {
        let word = self.packed[id.0 as usize];
        match tag(word) {
            NUMBER => Node::Number(Symbol::new(high(word))),
            STR => Node::Str(Symbol::new(high(word))),
            NAME => Node::Name(Symbol::new(high(word))),
            BOOL => Node::Bool(high(word) != 0),
            GROUP => Node::Group(ExprId(high(word))),
            NEG => Node::Unary(UnaryOp::Neg, ExprId(high(word))),
            PLUS => Node::Unary(UnaryOp::Plus, ExprId(high(word))),
            NOT => Node::Unary(UnaryOp::Not, ExprId(high(word))),
            BINARY => {
                let op = BINARY_OPS[((word >> 56) & 0xf) as usize];
                let lhs = ((word >> FIELD_BITS) & FIELD_MASK) as u32;
                Node::Binary(op, ExprId(lhs), ExprId((word & FIELD_MASK) as u32))
            }
            _ => self.whole(id, word).node,
        }
    }

    pub(super) fn span(&self, id: ExprId, symbols: &Symbols) -> Span {
        let word = self.packed[id.0 as usize];
        if matches!(tag(word), WIDE | EDITED) {
            return self.whole(id, word).span;
        }
        Span {
            source: self.source_of(id),
            start: self.start(id).0,
            end: self.end(id, symbols).0,
        }
    }

    /// A node stored whole. (Every `WIDE` index and `EDITED` id is written with its entry.)
    fn whole(&self, id: ExprId, word: u64) -> Expr {
        let entry = if tag(word) == WIDE {
            self.wide.get((word & !(0xf << TAG_SHIFT)) as usize)
        } else {
            self.edited.get(&id.0)
        };
        entry.copied().unwrap_or(Expr {
            node: Node::Bool(false),
            span: Span::new(SourceId(0), 0, 0),
        })
    }

    fn source_of(&self, id: ExprId) -> SourceId {
        let run = self.runs.partition_point(|run| run.0 <= id.0);
        self.runs
            .get(run.wrapping_sub(1))
            .map_or(SourceId(0), |run| run.1)
    }

    /// The first byte of node `id`, and how many nodes were read to find it.
    fn start(&self, mut id: ExprId) -> (u32, usize) {
        let mut read = 1;
        loop {
            let word = self.packed[id.0 as usize];
            match tag(word) {
                WIDE | EDITED => return (self.whole(id, word).span.start, read),
                BINARY => id = ExprId(((word >> FIELD_BITS) & FIELD_MASK) as u32),
                _ => return (low(word), read),
            }
            read += 1;
        }
    }

    /// The byte after node `id`, and how many nodes were read to find it.
    fn end(&self, mut id: ExprId, symbols: &Symbols) -> (u32, usize) {
        let mut read = 1;
        // The `)`s passed on the way down, each one byte.
        let mut closing = 0;
        loop {
            let word = self.packed[id.0 as usize];
            let leaf = |len: usize| (low(word) + len as u32 + closing, read);
            match tag(word) {
                WIDE | EDITED => return (self.whole(id, word).span.end + closing, read),
                NUMBER | STR | NAME => return leaf(symbols.get(Symbol::new(high(word))).len()),
                BOOL => return leaf(if high(word) != 0 { 4 } else { 5 }),
                GROUP => {
                    closing += 1;
                    id = ExprId(high(word));
                }
                BINARY => id = ExprId((word & FIELD_MASK) as u32),
                _ => id = ExprId(high(word)),
            }
            read += 1;
        }
    }

    /// `node` as one word, if `span` is what its parts imply and is found within `MAX_WALK` reads.
    fn pack(&self, node: Node, span: Span, symbols: &Symbols) -> Option<u64> {
        let length = span.end.checked_sub(span.start)?;
        let leaf = |tag: u64, symbol: Symbol| {
            let index = symbol.index() as u32;
            let same = symbols.get(symbol).len() == length as usize;
            (same && fits(index)).then(|| word(tag, index, span.start))
        };
        // Where a child in the same source starts or ends, and the reads it took to find out.
        let same_source =
            |id: ExprId| (id.0 as usize) < self.packed.len() && self.source_of(id) == span.source;
        let start = |id: ExprId| same_source(id).then(|| self.start(id));
        let end = |id: ExprId| same_source(id).then(|| self.end(id, symbols));
        match node {
            Node::Number(symbol) => leaf(NUMBER, symbol),
            Node::Str(symbol) => leaf(STR, symbol),
            Node::Name(symbol) => leaf(NAME, symbol),
            Node::Bool(value) => {
                let written = if value { 4 } else { 5 };
                (length == written).then(|| word(BOOL, u32::from(value), span.start))
            }
            Node::Group(inner) | Node::Unary(_, inner) => {
                let (end, read) = end(inner)?;
                let (tag, closing) = match node {
                    Node::Group(_) => (GROUP, 1),
                    Node::Unary(UnaryOp::Neg, _) => (NEG, 0),
                    Node::Unary(UnaryOp::Plus, _) => (PLUS, 0),
                    _ => (NOT, 0),
                };
                let derived = end + closing == span.end && read < MAX_WALK;
                (derived && fits(inner.0)).then(|| word(tag, inner.0, span.start))
            }
            Node::Binary(op, lhs, rhs) => {
                let (start, left_reads) = start(lhs)?;
                let (end, right_reads) = end(rhs)?;
                let derived = start == span.start && end == span.end;
                let short = left_reads < MAX_WALK && right_reads < MAX_WALK;
                (derived && short && fits(lhs.0) && fits(rhs.0)).then(|| {
                    BINARY << TAG_SHIFT
                        | binary_code(op) << 56
                        | u64::from(lhs.0) << FIELD_BITS
                        | u64::from(rhs.0)
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_binary_operator_has_its_own_code() {
        for (code, op) in BINARY_OPS.iter().enumerate() {
            assert_eq!(binary_code(*op), code as u64);
        }
    }

    /// One step of building or editing a tree, on the arena and on a plain vector beside it.
    #[derive(Clone, Debug)]
    enum Step {
        /// A leaf whose span is its text (`true`) or longer (as `1_000` is).
        Leaf {
            text: u8,
            exact: bool,
            gap: u32,
        },
        /// A binary node over two earlier nodes (picked by these numbers), spanning them or not.
        Binary {
            lhs: u32,
            rhs: u32,
            derived: bool,
        },
        Group {
            inner: u32,
            tight: bool,
        },
        Neg {
            operand: u32,
        },
        Call {
            arg: u32,
        },
        /// Switches the source the next nodes are in.
        Source(u8),
        Set {
            id: u32,
            leaf: u8,
        },
        Mark,
        Rollback,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0..6u8, any::<bool>(), 0..4u32)
                .prop_map(|(text, exact, gap)| Step::Leaf { text, exact, gap }),
            4 => (any::<u32>(), any::<u32>(), prop::bool::weighted(0.8))
                .prop_map(|(lhs, rhs, derived)| Step::Binary { lhs, rhs, derived }),
            1 => (any::<u32>(), any::<bool>()).prop_map(|(inner, tight)| Step::Group { inner, tight }),
            1 => any::<u32>().prop_map(|operand| Step::Neg { operand }),
            1 => any::<u32>().prop_map(|arg| Step::Call { arg }),
            1 => (0..3u8).prop_map(Step::Source),
            1 => (any::<u32>(), 0..6u8).prop_map(|(id, leaf)| Step::Set { id, leaf }),
            1 => Just(Step::Mark),
            1 => Just(Step::Rollback),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever is pushed, set and rolled back, every node reads back the node and the span
        /// it was given: packing is invisible.
        #[test]
        fn nodes_and_spans_read_back_as_stored(steps in prop::collection::vec(step(), 1..400)) {
            let texts = ["h", "30522", "hidden_size", "x1", "768", "n_layer"];
            let mut symbols = Symbols::default();
            let leaves: Vec<Symbol> = texts.iter().map(|t| symbols.intern(t)).collect();
            let mut arena = Arena::default();
            let mut model: Vec<Expr> = Vec::new();
            let mut marks: Vec<(ArenaMark, usize)> = Vec::new();
            let mut source = SourceId(0);
            let mut cursor = 0u32;
            let span_of = |model: &[Expr], id: u32| model[id as usize].span;
            for step in steps {
                let pick = |n: u32| ExprId(n % model.len().max(1) as u32);
                let pushed = match step {
                    Step::Leaf { text, exact, gap } => {
                        let symbol = leaves[text as usize];
                        let length = symbols.get(symbol).len() as u32 + if exact { 0 } else { 1 + gap };
                        cursor += gap;
                        let span = Span { source, start: cursor, end: cursor + length };
                        cursor += length;
                        let node = if text % 2 == 0 { Node::Number(symbol) } else { Node::Name(symbol) };
                        Some((node, span))
                    }
                    Step::Binary { lhs, rhs, derived } if !model.is_empty() => {
                        let (lhs, rhs) = (pick(lhs), pick(rhs));
                        let span = if derived {
                            let (a, b) = (span_of(&model, lhs.0), span_of(&model, rhs.0));
                            Span { source: a.source, start: a.start, end: b.end }
                        } else {
                            Span { source, start: cursor, end: cursor + 3 }
                        };
                        Some((Node::Binary(BinaryOp::Mul, lhs, rhs), span))
                    }
                    Step::Group { inner, tight } if !model.is_empty() => {
                        let inner = pick(inner);
                        let s = span_of(&model, inner.0);
                        let end = s.end + if tight { 1 } else { 2 };
                        Some((Node::Group(inner), Span { source: s.source, start: s.start.saturating_sub(1), end }))
                    }
                    Step::Neg { operand } if !model.is_empty() => {
                        let operand = pick(operand);
                        let s = span_of(&model, operand.0);
                        Some((Node::Unary(UnaryOp::Neg, operand), Span { start: s.start.saturating_sub(1), ..s }))
                    }
                    Step::Call { arg } if !model.is_empty() => {
                        let span = span_of(&model, pick(arg).0);
                        Some((Node::Call(crate::syntax::Function::Max, crate::syntax::ExprList::default()), span))
                    }
                    Step::Source(s) => {
                        source = SourceId(u32::from(s));
                        None
                    }
                    Step::Set { id, leaf } if !model.is_empty() => {
                        let id = pick(id);
                        let node = Node::Name(leaves[leaf as usize]);
                        arena.set(id, node, &symbols);
                        model[id.0 as usize].node = node;
                        None
                    }
                    Step::Mark => {
                        marks.push((arena.mark(), model.len()));
                        None
                    }
                    Step::Rollback => {
                        if let Some((mark, len)) = marks.pop() {
                            arena.rollback(mark);
                            model.truncate(len);
                        }
                        None
                    }
                    _ => None,
                };
                if let Some((node, span)) = pushed {
                    let id = arena.push(node, span, &symbols);
                    prop_assert_eq!(id.0 as usize, model.len());
                    model.push(Expr { node, span });
                }
                prop_assert_eq!(arena.len(), model.len());
            }
            for (index, expr) in model.iter().enumerate() {
                let id = ExprId(index as u32);
                prop_assert_eq!(arena.node(id), expr.node, "node {}", index);
                prop_assert_eq!(arena.span(id, &symbols), expr.span, "span of node {}", index);
            }
        }
    }

    /// Reads `text` as the parser does and returns the arena's counts: nodes, nodes stored whole.
    fn parsed(text: &str) -> (crate::syntax::Formula, usize, usize) {
        let mut formula = crate::syntax::Formula::new();
        let source = formula.sources.add("t", text);
        crate::parser::parse_file(&mut formula, source, 10_000).expect("parses");
        let (nodes, wide) = formula.arena_counts();
        (formula, nodes, wide)
    }

    #[test]
    fn arithmetic_packs_into_one_word_a_node() {
        // The shape of a long formula file: names, numbers, brackets, powers and signs.
        let line = "n_2 = 3*H + (V - 17)*L + d^2 - 5*(A + 2)*I + -T + n_1\n";
        let (_, nodes, wide) = parsed(&format!("n_1 = 1\n{line}"));
        // 1 for the first line; 13 leaves, 12 operators, 2 brackets and a sign for the second.
        assert_eq!(nodes, 29);
        assert_eq!(wide, 0);
        // A number written with `_`, a blank before `)` and a call do not pack; the rest does.
        let (_, nodes, wide) = parsed("x = 1_000 + (2 ) + max(3, 4)\n");
        assert_eq!((nodes, wide), (8, 3));
    }

    /// `true` and `false` pack with their length derived from the word; a boolean whose span is
    /// any other length (a node given the span of what it replaces) is stored whole.
    #[test]
    fn a_boolean_packs_only_when_its_span_is_its_word() {
        let symbols = Symbols::default();
        let mut arena = Arena::default();
        let at = |start, end| Span::new(SourceId(0), start, end);
        let exact = arena.push(Node::Bool(false), at(2, 7), &symbols);
        let wider = arena.push(Node::Bool(true), at(10, 16), &symbols);
        assert_eq!(arena.span(exact, &symbols), at(2, 7));
        assert_eq!(arena.span(wider, &symbols), at(10, 16));
        assert_eq!(arena.node(wider), Node::Bool(true));
        assert_eq!(
            arena.wide.len(),
            1,
            "only the boolean whose span is not its word"
        );
    }

    /// A string whose span is its text packs like a name, and reads back as a string.
    #[test]
    fn a_string_reads_back_as_a_string() {
        let mut symbols = Symbols::default();
        let llama = symbols.intern("llama");
        let mut arena = Arena::default();
        let span = Span::new(SourceId(0), 3, 8);
        let id = arena.push(Node::Str(llama), span, &symbols);
        assert_eq!(arena.node(id), Node::Str(llama));
        assert_eq!(arena.span(id, &symbols), span);
        assert!(arena.wide.is_empty(), "packed");
    }

    #[test]
    fn a_span_is_found_within_a_bounded_walk_on_a_long_sum() {
        let text = format!("x = {}\n", vec!["a"; 10_000].join(" + "));
        let (formula, nodes, wide) = parsed(&text);
        assert_eq!(nodes, 19_999);
        // One node in `MAX_WALK` down the left spine is stored whole, so no walk is longer.
        assert!(wide <= nodes / MAX_WALK + 1, "{wide} stored whole");
        let arena = &formula.exprs;
        for id in 0..nodes as u32 {
            assert!(arena.start(ExprId(id)).1 <= MAX_WALK);
            assert!(arena.end(ExprId(id), &formula.symbols).1 <= MAX_WALK);
        }
        let root = ExprId(nodes as u32 - 1);
        assert_eq!(formula.span(root).range(), 4..text.len() - 1);
    }
}
