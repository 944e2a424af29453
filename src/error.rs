//! pkgr's error, the one the binary maps to an exit status: every module's error says itself
//! whether it is the user's input or a failed build ([`ErrorKind`]), so the status is decided
//! where the error is defined, not in a match here.

use crate::{format, model, options, output, source, transform};

/// Whether an error is the user's to fix (exit 2) or a build that failed (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Invalid input: a flag, a field value, a path, an editable install, an existing output.
    Usage,
    /// A build that failed: pip, I/O, a full disk, a file that changed.
    Build,
}

impl ErrorKind {
    /// The exit status (README "Exit codes").
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::Build => 1,
        }
    }
}

/// A failed run: the error of the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid user input found by the pipeline itself (a flag combination, a path).
    #[error("{0}")]
    Usage(String),
    /// An option's value.
    #[error(transparent)]
    Option(#[from] options::OptionError),
    /// The `pkgr.toml`.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A source failed.
    #[error(transparent)]
    Source(#[from] source::SourceError),
    /// Relocation failed.
    #[error(transparent)]
    Relocate(#[from] transform::relocate::RelocateError),
    /// The Python dependency pass failed.
    #[error(transparent)]
    Python(#[from] transform::python::PythonError),
    /// Reading the payload for ELF facts failed.
    #[error(transparent)]
    Elf(#[from] transform::elf::ElfError),
    /// A format refused the package or failed to write it.
    #[error(transparent)]
    Format(#[from] format::FormatError),
    /// The model is inconsistent (two entries on one path, ...).
    #[error(transparent)]
    Model(#[from] model::ModelError),
    /// Writing an output file failed.
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// Reading a package file failed (`pkgr inspect`).
    #[error(transparent)]
    Read(#[from] format::read::ReadError),
    /// Several problems, found together before any work (a CI log shows them all in one run);
    /// one per line, in the order the checks ran.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Many(Vec<Error>),
}

impl Error {
    /// Whose the error is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Usage(_) | Error::Option(_) | Error::Config(_) | Error::Model(_) => {
                ErrorKind::Usage
            }
            Error::Source(e) => e.kind(),
            Error::Relocate(e) => e.kind(),
            Error::Python(_) | Error::Elf(_) => ErrorKind::Build,
            Error::Format(e) => e.kind(),
            Error::Output(e) => e.kind(),
            Error::Read(_) => ErrorKind::Usage,
            // A build failure among them decides the status; otherwise it is the input.
            Error::Many(v) if v.iter().any(|e| e.kind() == ErrorKind::Build) => ErrorKind::Build,
            Error::Many(_) => ErrorKind::Usage,
        }
    }

    /// 2 for bad input, 1 for a build that failed. See README "Exit codes".
    pub fn exit_code(&self) -> i32 {
        self.kind().exit_code()
    }
}
