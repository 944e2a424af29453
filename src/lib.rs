//! pkgr: native OS packages from Python virtualenvs and directories, written in-process.
//!
//! Data flows one way: options ([`options`]: the command line and a `pkgr.toml`, declared once,
//! merged into a [`Plan`]) → a source ([`source`]) → the [`model::Package`] → passes
//! ([`transform`]: relocation, dependencies) → formats ([`format`]) → artifacts written
//! atomically ([`output`]). [`run`] drives it ([`pipeline`]); the library never prints:
//! progress and warnings go to a [`listener::Listener`]. docs/ARCHITECTURE.md maps the code.

#![warn(missing_docs)]

pub mod archive;
pub mod cleanup;
pub mod cli;
pub mod completion;
pub mod compress;
pub mod config;
pub mod error;
pub mod format;
pub mod fpm;
pub mod hostfs;
pub mod inspect;
pub mod listener;
pub mod manpage;
pub mod model;
pub mod options;
pub mod output;
pub mod pipeline;
pub mod relation;
pub mod shell;
pub mod source;
pub mod sysdirs;
pub mod time;
pub mod transform;
pub mod version;

pub use error::{Error, ErrorKind};
pub use pipeline::{init, run, Built, Plan};
