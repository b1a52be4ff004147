//! Checking claims in formulas and documents (issue 3): being written.
