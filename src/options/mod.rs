//! Every option, declared once: structs that derive clap's `Args` (the command line) and serde's
//! `Deserialize` (a `pkgr.toml` key spelled like the long flag), grouped by what they are about.
//! Each module owns its own: the package's metadata, relations, contents and scripts here
//! ([`package`]), how a run goes here ([`run`]), a source's in `src/source/`, a format's in
//! `src/format/<format>/options.rs`.
//!
//! A build sees the options as layers, merged by [`Combine`] with one precedence:
//! **command line > `[format]` section > top-level key > default** (defaults are applied by the
//! module that owns an option, when it resolves it). [`Combine`] and [`Rebase`] (relative paths
//! of a `pkgr.toml` made relative to its directory) are implemented for every struct by the
//! [`options!`] macro, which destructures all of its fields: a field that is added to a struct
//! but not handled does not compile.
//!
//! Flags (`--force`, `--strict`, ...) are `Option<bool>`: absent is "not given", `--force` is
//! `true`, and `--force=false` overrides a `force = true` of the recipe.

use std::path::{Path, PathBuf};

pub mod package;
pub mod run;

/// Merges two layers of options: `self` wins where it says something, `lower` fills the rest.
pub trait Combine {
    /// `self` over `lower`.
    #[must_use]
    fn combine(self, lower: Self) -> Self;
}

impl<T> Combine for Option<T> {
    fn combine(self, lower: Self) -> Self {
        self.or(lower)
    }
}

/// Makes the relative paths of a layer read from a `pkgr.toml` relative to the file's
/// directory. Path options are typed [`PathBuf`]; every other type is left as it is.
pub trait Rebase {
    /// Joins every relative path below `base`.
    fn rebase(&mut self, base: &Path);
}

impl Rebase for Option<PathBuf> {
    fn rebase(&mut self, base: &Path) {
        if let Some(p) = self {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}

impl Rebase for Option<Vec<PathBuf>> {
    fn rebase(&mut self, base: &Path) {
        for p in self.iter_mut().flatten() {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}

/// [`Rebase`] that does nothing, for option types that are not paths.
macro_rules! not_a_path {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::options::Rebase for Option<$t> {
            fn rebase(&mut self, _base: &std::path::Path) {}
        })*
    };
}
pub(crate) use not_a_path;

not_a_path!(String, Vec<String>, u32, bool);

/// Implements [`Combine`] and [`Rebase`] for an options struct, field by field. Every field must
/// be listed: the implementations destructure the struct without `..`.
macro_rules! options {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl $crate::options::Combine for $ty {
            #[allow(unused_variables)] // a struct without fields (`-s empty`) reads neither
            fn combine(self, lower: Self) -> Self {
                let Self { $($field),* } = self;
                Self { $($field: $crate::options::Combine::combine($field, lower.$field)),* }
            }
        }
        impl $crate::options::Rebase for $ty {
            #[allow(unused_variables)]
            fn rebase(&mut self, base: &std::path::Path) {
                let Self { $($field),* } = self;
                $($crate::options::Rebase::rebase($field, base);)*
            }
        }
    };
}
pub(crate) use options;

/// Every option of a build: one layer (the command line, the top level of a `pkgr.toml`, or
/// one of its `[deb]`/`[rpm]`/`[tar]` sections).
#[derive(Debug, Clone, Default, PartialEq, clap::Args, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Options {
    /// What to build and how the run goes.
    #[command(flatten)]
    #[serde(flatten)]
    pub run: run::RunArgs,
    /// Name, version and the other descriptive fields.
    #[command(flatten)]
    #[serde(flatten)]
    pub meta: package::MetaArgs,
    /// Dependencies and the other relationship fields.
    #[command(flatten)]
    #[serde(flatten)]
    pub relations: package::RelationArgs,
    /// Which files are configuration, directories, exclusions.
    #[command(flatten)]
    #[serde(flatten)]
    pub contents: package::ContentArgs,
    /// Maintainer scripts.
    #[command(flatten)]
    #[serde(flatten)]
    pub scripts: package::ScriptArgs,
    /// systemd units and the service account.
    #[command(flatten)]
    #[serde(flatten)]
    pub service: run::ServiceArgs,
    /// The sources' own options.
    #[command(flatten)]
    #[serde(flatten)]
    pub sources: crate::source::SourceArgs,
    /// The formats' own options.
    #[command(flatten)]
    #[serde(flatten)]
    pub formats: crate::format::FormatArgs,
}

options!(Options {
    run,
    meta,
    relations,
    contents,
    scripts,
    service,
    sources,
    formats
});

/// Why an option's value was refused: the flag (or key) and what is wrong with the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag}: {message}")]
pub struct OptionError {
    /// The flag as a user types it (`--threads`, `-p/--package`).
    pub flag: String,
    /// What is wrong and what to use instead.
    pub message: String,
}

impl OptionError {
    /// An error for `flag`.
    pub fn new(flag: impl Into<String>, message: impl Into<String>) -> Self {
        OptionError {
            flag: flag.into(),
            message: message.into(),
        }
    }
}
