//! Sources: each turns its input into a [`Package`] ([`Source::read`]). A source never knows the
//! output format. Each is one module (or folder) with its own options (`Args`), registered by
//! one line in the [`sources!`] invocation below; [`walk`] is how every one of them reads a tree.

use std::path::{Path, PathBuf};

use crate::cleanup::Staging;
use crate::error::ErrorKind;
use crate::listener::Listener;
use crate::model::{Package, PathError};
use crate::options::Options;

pub mod convert;
pub mod deb;
pub mod dir;
pub mod empty;
pub mod pip;
pub mod python;
pub mod rpm;
pub mod tar;
pub mod virtualenv;
mod walk;

pub use walk::{walk, Excludes, ExternalLinks};

/// What a source gets to read from.
pub struct Input<'a> {
    /// The options: the command line over the `pkgr.toml`'s top-level keys.
    pub options: &'a Options,
    /// The PATH arguments.
    pub paths: &'a [String],
    /// The `pkgr.toml`'s directory when the paths came from it: the recipe's relative paths
    /// start there and are trusted to reach out of it (see [`dir`]).
    pub recipe_dir: Option<&'a Path>,
    /// `-x/--exclude`.
    pub excludes: &'a Excludes,
    /// Where scratch files go (`--workdir`, else `$TMPDIR`), checked to exist.
    pub scratch: &'a Path,
    /// Other entries are coming (`[[files]]`): a source with no PATH of its own is fine then.
    pub more_files: bool,
    /// Where messages go.
    pub listener: &'a dyn Listener,
}

impl Input<'_> {
    /// `--strict`.
    pub fn strict(&self) -> bool {
        self.options.run.strict.unwrap_or(false)
    }
}

/// What a source made.
pub struct Output {
    /// The package: its entries (not finalized) and what the source knows of its metadata
    /// (the user's own `-n`, `-v`, ... are applied over it afterwards).
    pub package: Package,
    /// The staging directory the entries' files are in, removed when dropped (after the
    /// formats have written).
    pub staging: Option<Staging>,
}

/// One kind of input.
pub trait Source: Sync {
    /// Reads the input into a package.
    ///
    /// # Errors
    /// [`SourceError`]: bad input (exit 2) or a failed build step (exit 1).
    fn read(&self, input: &Input) -> Result<Output, SourceError>;
}

/// Registers the sources: generates [`SourceKind`] (what `-s` takes), [`SourceArgs`] (every
/// source's own options, flattened into [`Options`]) and the dispatch from a kind to its
/// reader. Adding a source is one line here (and its module).
macro_rules! sources {
    ($($variant:ident => $module:ident :: $ty:ident, $doc:literal;)*) => {
        /// The sources `-s` accepts.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord,
            clap::ValueEnum, serde::Deserialize, serde::Serialize,
        )]
        #[serde(rename_all = "lowercase")]
        pub enum SourceKind {
            $(#[doc = $doc] $variant,)*
        }

        /// Every source's own options (`-C`, `--python`, ...).
        #[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub struct SourceArgs {
            /// pip's options, shared by the sources that run pip.
            #[command(flatten)]
            #[serde(flatten)]
            pub pip: pip::Args,
            $(
                #[doc = concat!("The options of `-s ", stringify!($module), "`.")]
                #[command(flatten)]
                #[serde(flatten)]
                pub $module: $module::Args,
            )*
        }

        crate::options::options!(SourceArgs { pip, $($module),* });

        impl SourceKind {
            /// The source for this kind.
            pub fn source(self) -> &'static dyn Source {
                match self {
                    $(SourceKind::$variant => &$module::$ty,)*
                }
            }

            /// The name `-s` takes.
            pub fn name(self) -> &'static str {
                match self {
                    $(SourceKind::$variant => stringify!($module),)*
                }
            }
        }
    };
}

sources! {
    Dir => dir::Dir, "A directory tree, with `src=dst` mappings (fpm's `-s dir`).";
    Empty => empty::Empty, "A package with no files (metadata and relations only).";
    Virtualenv => virtualenv::Virtualenv, "A Python application built into a virtualenv, or an existing virtualenv.";
    Python => python::Python, "One Python distribution (from PyPI or a project directory) for the system's Python 3 (fpm's `-s python`).";
    Tar => tar::Tar, "The entries of a tarball (fpm's `-s tar`).";
    Deb => deb::Deb, "A Debian package converted (fpm's `-s deb`).";
    Rpm => rpm::Rpm, "An RPM package converted (fpm's `-s rpm`).";
}

crate::options::not_a_path!(SourceKind);

/// A source failure.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A path argument does not exist.
    #[error("'{0}' does not exist")]
    Missing(PathBuf),
    /// Bad user input (mapping, path, glob, metadata); the message says what and why.
    #[error("{0}")]
    Invalid(String),
    /// A file type no package can hold.
    #[error(
        "'{path}' is a {kind}; packages can only hold regular files, directories and symlinks"
    )]
    Special {
        /// The file.
        path: PathBuf,
        /// fifo, socket, block device, character device.
        kind: &'static str,
    },
    /// Reading the tree failed.
    #[error("cannot read '{path}': {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A path cannot be a package path.
    #[error(transparent)]
    Path(#[from] PathError),
    /// An external build step (python, pip) failed; the message has its output.
    #[error("{0}")]
    Build(String),
    /// `-s python`'s input or steps.
    #[error(transparent)]
    Python(#[from] python::PythonSourceError),
    /// A package file or tarball to convert could not be read (damaged, truncated, another
    /// format, an unsafe member).
    #[error(transparent)]
    Read(#[from] crate::format::read::ReadError),
}

impl SourceError {
    /// The user's input (exit 2), or a build failure (exit 1)?
    pub fn kind(&self) -> ErrorKind {
        match self {
            SourceError::Missing(_)
            | SourceError::Invalid(_)
            | SourceError::Special { .. }
            | SourceError::Path(_) => ErrorKind::Usage,
            SourceError::Io { .. } | SourceError::Build(_) => ErrorKind::Build,
            SourceError::Python(e) => e.kind(),
            SourceError::Read(crate::format::read::ReadError::Io { .. }) => ErrorKind::Build,
            SourceError::Read(_) => ErrorKind::Usage,
        }
    }
}
