//! Modules: `use blocks` (a library module or a family: for a file read by path, first
//! `lib/blocks.formula` or `blocks.formula` next to it, then the built-in ones) and
//! `use "lib.formula"` (a file, relative to the importing file).
//!
//! A file is parsed once; when it has `use` statements, what it parsed is taken back, its imports
//! are read first (each once, however many files import it), and the file is parsed again after
//! them. So the program reads in import order, and a later definition (the importer's `override`)
//! replaces an earlier one as everywhere else. Redefining an imported name without `override`, and
//! `override` of a name nothing imported, are errors; so is an import cycle.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::limits::MAX_MODULES;
use crate::models;
use crate::parser;
use crate::program::read_text_within;
use crate::syntax::{Formula, SourceId, StatementId, Use, UseTarget};

/// Where a formula text came from: where its relative imports are looked for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    /// A built-in formula: `lib/` for library modules, `` for families.
    Builtin { dir: String },
    /// A file in this directory.
    Directory(PathBuf),
}

impl Origin {
    /// The folder of the file at `path` (the working directory for `-`, `<stdin>` or a name that
    /// is no file).
    pub(crate) fn of_path(path: &str) -> Origin {
        let file = Path::new(path);
        if file.is_file() {
            Origin::Directory(file.parent().map(Path::to_path_buf).unwrap_or_default())
        } else {
            Origin::Directory(PathBuf::from("."))
        }
    }
}

/// What is read so far.
#[derive(Default)]
pub(crate) struct Loader {
    /// Modules already read (a built-in's `builtin:` name, or a file's canonical path).
    loaded: HashSet<String>,
    /// Modules being read, outermost first: an import cycle is read off it.
    active: Vec<String>,
    /// For every imported definition, the module that defined it.
    imported: HashMap<String, String>,
    pub max_depth: usize,
    pub max_bytes: usize,
}

impl Loader {
    pub(crate) fn new(max_depth: usize, max_bytes: usize) -> Loader {
        Loader {
            max_depth,
            max_bytes,
            ..Loader::default()
        }
    }

    /// Parses `source` (from `origin`, known as `key`) with its imports; returns the statements of
    /// the file itself.
    pub(crate) fn parse(
        &mut self,
        formula: &mut Formula,
        source: SourceId,
        origin: &Origin,
        key: &str,
    ) -> Result<Vec<StatementId>> {
        let mark = formula.mark();
        let first_use = formula.uses.len();
        let ids = parser::parse_file(formula, source, self.max_depth)?;
        let uses: Vec<Use> = formula.uses[first_use..].to_vec();
        if uses.is_empty() {
            return Ok(ids);
        }
        formula.rollback(mark);
        self.active.push(key.to_string());
        for using in &uses {
            self.import(formula, using, origin)?;
        }
        self.active.pop();
        let ids = parser::parse_file(formula, source, self.max_depth)?;
        self.check_overrides(formula, &ids)?;
        Ok(ids)
    }

    fn import(&mut self, formula: &mut Formula, using: &Use, origin: &Origin) -> Result<()> {
        let (key, name, text, module_origin) = self.find(using, origin)?;
        if let Some(start) = self.active.iter().position(|k| *k == key) {
            let mut cycle: Vec<String> = self.active[start..].iter().map(|k| display(k)).collect();
            cycle.push(display(&key));
            return Err(Error::language(
                using.span,
                format!("modules import each other: {}", cycle.join(" -> ")),
                "this import closes the cycle",
                "move what both need into a module of its own that imports neither",
            ));
        }
        if !self.loaded.insert(key.clone()) {
            return Ok(());
        }
        if self.loaded.len() > MAX_MODULES {
            return Err(Error::language(
                using.span,
                format!("a program may read at most {MAX_MODULES} modules"),
                "one too many",
                "import fewer modules",
            ));
        }
        let source = formula.sources.add(name, text);
        let ids = stacker::maybe_grow(
            crate::parser::RED_ZONE,
            crate::parser::STACK_SEGMENT,
            || self.parse(formula, source, &module_origin, &key),
        )?;
        crate::program::reject_redefinitions(formula, &ids)?;
        for id in ids {
            if let Some(definition) = formula.statement(id).definition() {
                self.imported.insert(definition.name.clone(), display(&key));
            }
        }
        Ok(())
    }

    /// The module a `use` names: its key, display name, text and origin.
    fn find(&self, using: &Use, origin: &Origin) -> Result<(String, String, String, Origin)> {
        match &using.target {
            UseTarget::Name(name) => {
                // A file read by path finds its neighbours first (`formulas/x.formula` finds
                // `formulas/lib/NAME.formula`), so a family and its group's module can be tried
                // before they are built in.
                if let Origin::Directory(dir) = origin {
                    for candidate in [
                        dir.join("lib").join(format!("{name}.formula")),
                        dir.join(format!("{name}.formula")),
                    ] {
                        if candidate.is_file() {
                            return self.file(using, &candidate, &candidate.to_string_lossy());
                        }
                    }
                }
                if let Some(module) = models::library(name) {
                    return Ok(builtin(module, "lib/"));
                }
                if let Some(family) = models::find(name) {
                    return Ok(builtin(family, ""));
                }
                let mut known: Vec<&str> = models::LIBRARY.iter().map(|b| b.name).collect();
                known.extend(models::BUILTINS.iter().map(|b| b.name));
                Err(Error::language(
                    using.span,
                    format!("no built-in module or family is called `{name}`"),
                    "imported here",
                    format!(
                        "built-in modules: {}; a file is imported by its path in quotes: use \"{name}.formula\"",
                        known.join(", ")
                    ),
                ))
            }
            UseTarget::Path(path) => match origin {
                Origin::Builtin { dir } => {
                    let joined = normalize(&format!("{dir}{path}"));
                    let stem = joined.strip_suffix(".formula").unwrap_or(&joined);
                    let found = match stem.strip_prefix("lib/") {
                        Some(module) => models::library(module).map(|b| builtin(b, "lib/")),
                        None => models::find(stem).map(|b| builtin(b, "")),
                    };
                    found.ok_or_else(|| {
                        Error::language(
                            using.span,
                            format!("no built-in formula at `{joined}`"),
                            "imported here",
                            "built-in formulas import built-in modules: use blocks",
                        )
                    })
                }
                Origin::Directory(dir) => self.file(using, &dir.join(path), path),
            },
        }
    }

    /// The module in the file `full` (written `path` in the `use`).
    fn file(
        &self,
        using: &Use,
        full: &Path,
        path: &str,
    ) -> Result<(String, String, String, Origin)> {
        let text = read_text_within(&full.to_string_lossy(), self.max_bytes).map_err(|e| {
            Error::language(
                using.span,
                format!("cannot import `{path}`: {e}"),
                "imported here",
                "a path in quotes is relative to the importing file",
            )
        })?;
        let key = std::fs::canonicalize(full)
            .unwrap_or(full.to_path_buf())
            .to_string_lossy()
            .to_string();
        let parent = full.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok((
            key,
            full.to_string_lossy().to_string(),
            text,
            Origin::Directory(parent),
        ))
    }

    /// The importer's own definitions against what it imported.
    fn check_overrides(&self, formula: &Formula, own: &[StatementId]) -> Result<()> {
        for &id in own {
            let Some(definition) = formula.statement(id).definition() else {
                continue;
            };
            match (self.imported.get(&definition.name), definition.overrides) {
                (Some(module), false) => {
                    return Err(Error::language(
                        definition.name_span,
                        format!("`{}` is already defined by {module}", definition.name),
                        "defined again here",
                        format!(
                            "to replace it on purpose, write `override {} = ...`; otherwise choose another name",
                            definition.name
                        ),
                    ))
                }
                (None, true) => {
                    return Err(Error::language(
                        definition.name_span,
                        format!("`override {}` replaces nothing: no imported module defines `{}`", definition.name, definition.name),
                        "overridden here",
                        "remove `override`, or check the name against the imported module",
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn builtin(module: &models::Builtin, dir: &str) -> (String, String, String, Origin) {
    let name = format!("builtin:{dir}{}", module.name);
    (
        name.clone(),
        name,
        module.text.to_string(),
        Origin::Builtin {
            dir: dir.to_string(),
        },
    )
}

fn display(key: &str) -> String {
    key.to_string()
}

/// `lib/../bert.formula` is `bert.formula`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}
