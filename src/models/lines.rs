// The `@key` lines of a formula text. This file is compiled twice: into the crate (as
// `models::lines`) and into `build.rs` (by `include!`), which stores each family's `@model_types`
// lines beside its text so that finding the family of a config reads sixty short lines, not sixty
// files. One function for both keeps the two readings the same. (Plain comments: a file that is
// `include!`d cannot have inner doc comments.)

/// The `@key` statements of a text, alone, one a line. A metadata statement is one line (the
/// grammar's blanks do not include line breaks), so these lines parse to the same metadata as the
/// whole text.
pub(crate) fn metadata_lines(text: &str, key: &str) -> String {
    text.lines()
        .filter(|line| {
            line.trim_start()
                .strip_prefix('@')
                .and_then(|rest| rest.strip_prefix(key))
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
