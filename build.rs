//! Finds the built-in formulas: every `formulas/*.formula` is a family and every
//! `formulas/lib/*.formula` a library module. The table `src/models.rs` includes is generated from
//! the files, so adding a family is adding a file.

use std::fmt::Write as _;
use std::path::Path;

include!("src/models/lines.rs");

fn main() {
    // Read at run time, not with `env!`: a build script compiled in one copy of the tree (cargo
    // reuses it for a copy in another directory, as cargo-mutants makes) must read the formulas
    // of the copy it builds.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("formulas");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed={}", root.join("lib").display());
    let mut out = String::new();
    table(&mut out, "FAMILIES", &root);
    table(&mut out, "LIBRARY", &root.join("lib"));
    let path =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtins.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
}

/// `pub const NAME: &[Builtin]`, one entry per `.formula` file of `dir`, sorted by name.
fn table(out: &mut String, name: &str, dir: &Path) {
    // A directory that cannot be read stops the build: an empty table would build a binary
    // without its models.
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()));
    let mut files: Vec<(String, String)> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "formula") && path.is_file())
        .filter_map(|path| {
            let stem = path.file_stem()?.to_str()?.to_string();
            Some((stem, path.to_str()?.to_string()))
        })
        .collect();
    files.sort();
    println!("cargo:rerun-if-changed=src/models/lines.rs");
    let _ = writeln!(out, "pub const {name}: &[Builtin] = &[");
    for (stem, path) in files {
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
        let model_types = metadata_lines(&text, "model_types");
        let _ = writeln!(
            out,
            "    Builtin {{ name: {stem:?}, text: include_str!({path:?}), \
             model_types_lines: {model_types:?} }},"
        );
    }
    let _ = writeln!(out, "];");
}
