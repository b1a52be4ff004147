//! Runs a compiled tape over a grid, point after point, the last axis fastest.
//!
//! Two machine widths: `i64` runs a point in a fraction of `i128`'s time; a point that overflows it
//! runs again in `i128`, and one that overflows that goes back to the caller for the evaluator.
//!
//! On `i64` the tape runs in stages (`compiled::Stages`): what reads only the earlier axes is
//! computed when one of them moves, what reads only the last axis is computed once per value of it
//! and kept in a table, and only what reads both runs at every point. In a sweep over layers and
//! width most of a layer's arithmetic reads the width alone, so a point costs a few operations. The
//! `i128` route runs the whole tape: it is the rare point, and it keeps the stages' bookkeeping to
//! one width.

use super::compiled::{self, Stages, Tape};
use super::MachineAxis;

/// Most values the table of the last axis's kept registers may hold (8 bytes each): a grid whose
/// last axis is longer than this over the kept registers computes them at every point instead.
const MAX_TABLE: usize = 1 << 18;

/// What the table knows of one value of the last axis.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Row {
    Unknown,
    Known,
    /// An operation of the inner stage overflows `i64` there.
    Overflows,
}

pub(super) struct Runner<'t> {
    tape: &'t Tape,
    stages: Stages,
    narrow: Option<Vec<i64>>,
    wide: Vec<i128>,
    /// The axes' values at the last point run.
    pub(super) point: Vec<i128>,
    narrow_point: Vec<i64>,
    narrow_computed: Vec<i64>,
    /// The earlier axes' indices at which the outer stage last ran without overflow (its
    /// registers are then current), or `None`.
    outer_at: Option<Vec<u64>>,
    /// Per index of the last axis, what the table holds; empty when there is no table.
    rows: Vec<Row>,
    /// `stages.kept.len()` values per index of the last axis.
    table: Vec<i64>,
}

impl<'t> Runner<'t> {
    /// A runner for a grid whose last axis has `last_len` values.
    pub(super) fn new(tape: &'t Tape, axes: usize, last_len: u64) -> Runner<'t> {
        Runner::with_table_limit(tape, axes, last_len, MAX_TABLE)
    }

    /// As `new`, keeping the last axis's values in a table only up to `limit` of them.
    pub(super) fn with_table_limit(
        tape: &'t Tape,
        axes: usize,
        last_len: u64,
        limit: usize,
    ) -> Runner<'t> {
        let stages = tape.stages();
        let cells = usize::try_from(last_len)
            .ok()
            .and_then(|len| len.checked_mul(stages.kept.len()));
        // With one axis every point has its own value of it: a table would never be read twice.
        let tabled = axes >= 2 && cells.is_some_and(|cells| cells <= limit);
        let (rows, table) = match (tabled, cells) {
            (true, Some(cells)) => (vec![Row::Unknown; last_len as usize], vec![0; cells]),
            _ => (Vec::new(), Vec::new()),
        };
        Runner {
            tape,
            stages,
            narrow: tape.registers(),
            wide: tape.registers().unwrap_or_default(),
            point: vec![0; axes],
            narrow_point: vec![0; axes],
            narrow_computed: Vec::new(),
            outer_at: None,
            rows,
            table,
        }
    }

    /// The outputs at the point `index` into `computed`; `false` when machine integers cannot
    /// hold it (the evaluator's turn).
    pub(super) fn run(
        &mut self,
        machine: &[MachineAxis],
        index: &[u64],
        computed: &mut Vec<i128>,
    ) -> bool {
        let mut fits = self.narrow.is_some();
        for (k, axis) in machine.iter().enumerate() {
            let value = axis.value(index[k]);
            self.point[k] = value;
            match i64::try_from(value) {
                Ok(v) => self.narrow_point[k] = v,
                Err(_) => fits = false,
            }
        }
        if fits && self.run_narrow(index) {
            computed.clear();
            computed.extend(self.narrow_computed.iter().map(|v| i128::from(*v)));
            return true;
        }
        self.tape.run(&mut self.wide, &self.point, computed)
    }

    /// The point on `i64` registers, stage by stage; `false` when one overflows.
    fn run_narrow(&mut self, index: &[u64]) -> bool {
        let Some(registers) = &mut self.narrow else {
            return false;
        };
        let Some(last) = index.len().checked_sub(1) else {
            // No axis: one point, the whole tape.
            return self.tape.run(registers, &[], &mut self.narrow_computed);
        };
        let earlier = &index[..last];
        // Compared by hand: `!=` on slices of integers calls `memcmp`, costly for two numbers.
        let moved = match &self.outer_at {
            Some(at) => at.iter().zip(earlier).any(|(a, b)| a != b),
            None => true,
        };
        if moved {
            self.outer_at = None;
            for (k, value) in self.narrow_point[..last].iter().enumerate() {
                registers[self.tape.axis_register(k)] = *value;
            }
            if !compiled::exec(&self.stages.outer, registers) {
                return false;
            }
            self.outer_at = Some(earlier.to_vec());
        }
        registers[self.tape.axis_register(last)] = self.narrow_point[last];
        let kept = &self.stages.kept;
        match self.rows.get(index[last] as usize).copied() {
            None => {
                if !compiled::exec(&self.stages.inner, registers) {
                    return false;
                }
            }
            Some(Row::Overflows) => return false,
            Some(Row::Known) => {
                let at = index[last] as usize * kept.len();
                for (reg, value) in kept.iter().zip(&self.table[at..at + kept.len()]) {
                    registers[*reg as usize] = *value;
                }
            }
            Some(Row::Unknown) => {
                let i = index[last] as usize;
                if !compiled::exec(&self.stages.inner, registers) {
                    self.rows[i] = Row::Overflows;
                    return false;
                }
                let at = i * kept.len();
                for (slot, reg) in self.table[at..at + kept.len()].iter_mut().zip(kept) {
                    *slot = registers[*reg as usize];
                }
                self.rows[i] = Row::Known;
            }
        }
        if !compiled::exec(&self.stages.mixed, registers) {
            return false;
        }
        self.tape.outputs(registers, &mut self.narrow_computed);
        true
    }
}
