//! Symbolic algebra (issue 5): being written.
