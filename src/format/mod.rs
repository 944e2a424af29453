//! Output formats: one folder each (`deb/`, `rpm/`, `tar/`), each implementing [`Format`] (the
//! writer: naming, preparing, validating, writing) and [`Reader`] (reading a package file back
//! into the model, for `pkgr inspect` and the conversion sources), with its own options
//! (`<format>/options.rs`), and registered by one line in the [`formats!`] invocation below. A
//! format reads only the [`Package`]: it never knows which source produced it, and no format
//! imports another; what two formats share lives in [`common`].
//!
//! A format's life in a build: [`Format::prepare`] returns the package as the format ships it
//! (its own files, such as the systemd units where its distributions keep them and the deb's
//! copyright; the dependencies pkgr proves, in its terms; what it leaves out), then
//! [`Format::validate`] checks every field of that against the format's rules, before any
//! format writes a byte; then [`Format::write`] streams the artifact.

use std::io::Write;

use crate::error::ErrorKind;
use crate::listener::Listener;
use crate::model::Package;
use crate::options::Options;

pub mod common;
pub mod deb;
pub mod read;
pub mod rpm;
pub mod scripts;
pub mod tar;

/// A format failure.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A field breaks the format's rules; the message names field, value and rule.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (`Package`, `Version`, `--after-install`, ...).
        field: String,
        /// What is wrong and which rule says so.
        message: String,
    },
    /// Writing the archive failed.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    /// Writing the artifact failed.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    /// A scratch file (the deb's data.tar, the rpm's payload) could not be made.
    #[error("cannot create a scratch file in '{dir}' (--workdir, else $TMPDIR): {source}")]
    Scratch {
        /// The directory.
        dir: std::path::PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An I/O error while assembling the container.
    #[error("writing the package failed: {0}")]
    Io(#[from] std::io::Error),
    /// Several fields break the format's rules (from [`Problems`]), one per line, so a CI log
    /// shows them all in one run.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Many(Vec<FormatError>),
}

/// Collects every problem a check finds instead of stopping at the first
/// ([`Format::validate`] reports all the fields that break the rules at once).
#[derive(Debug, Default)]
pub struct Problems(Vec<FormatError>);

impl Problems {
    /// Keeps the error of `r`, if any.
    pub fn check(&mut self, r: Result<(), FormatError>) {
        if let Err(e) = r {
            self.push(e);
        }
    }

    /// Keeps `e` (a [`FormatError::Many`] is flattened).
    pub fn push(&mut self, e: FormatError) {
        match e {
            FormatError::Many(v) => self.0.extend(v),
            e => self.0.push(e),
        }
    }

    /// `Ok` when nothing was found, the one error, or [`FormatError::Many`].
    ///
    /// # Errors
    /// What was found.
    pub fn finish(mut self) -> Result<(), FormatError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.remove(0)),
            _ => Err(FormatError::Many(self.0)),
        }
    }
}

impl FormatError {
    /// Whether this is the user's input (a field breaking the format's rules, an existing
    /// output) or a failed build (I/O, a file that changed).
    pub fn kind(&self) -> ErrorKind {
        match self {
            FormatError::Invalid { .. } => ErrorKind::Usage,
            // A build failure among them decides the status; otherwise it is the input.
            FormatError::Many(v) if v.iter().any(|e| e.kind() == ErrorKind::Build) => {
                ErrorKind::Build
            }
            FormatError::Many(_) => ErrorKind::Usage,
            FormatError::Output(o) => o.kind(),
            FormatError::Archive(_) | FormatError::Scratch { .. } | FormatError::Io(_) => {
                ErrorKind::Build
            }
        }
    }

    /// An [`FormatError::Invalid`] for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        FormatError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What every format needs besides the package, to prepare and to write it.
pub struct WriteContext<'a> {
    /// Every timestamp in the artifact, seconds since the epoch (`SOURCE_DATE_EPOCH`).
    pub mtime: u64,
    /// Where warnings go.
    pub listener: &'a dyn Listener,
    /// Add the dependencies pkgr proves (the venv's interpreter, the shared libraries compiled
    /// files need); `false` with `--no-auto-depends`.
    pub auto_depends: bool,
    /// `--strict`: a shared library that maps to no package is an error, not a warning.
    pub strict: bool,
    /// Where scratch files go (`--workdir`); `None` for `$TMPDIR`.
    pub scratch: Option<std::path::PathBuf>,
}

impl<'a> WriteContext<'a> {
    /// A context with pkgr's defaults: dependencies inferred, not strict, scratch files in
    /// `$TMPDIR`; `mtime` in seconds since the epoch.
    pub fn new(mtime: u64, listener: &'a dyn Listener) -> Self {
        WriteContext {
            mtime,
            listener,
            auto_depends: true,
            strict: false,
            scratch: None,
        }
    }

    /// An anonymous scratch file (deleted when closed, and by the kernel if pkgr is killed) in
    /// [`WriteContext::scratch`] or `$TMPDIR`.
    ///
    /// # Errors
    /// [`FormatError::Scratch`] naming the directory.
    pub fn scratch_file(&self) -> Result<ScratchFile, FormatError> {
        let dir = self.scratch.clone().unwrap_or_else(std::env::temp_dir);
        match tempfile::tempfile_in(&dir) {
            Ok(file) => Ok(ScratchFile { file, dir }),
            Err(source) => Err(FormatError::Scratch { dir, source }),
        }
    }
}

/// A scratch file whose write errors name its directory (`cannot write a scratch file in
/// '/tmp': No space left on device`), so a full `$TMPDIR` is told apart from a full output
/// directory.
#[derive(Debug)]
pub struct ScratchFile {
    file: std::fs::File,
    dir: std::path::PathBuf,
}

impl ScratchFile {
    fn tag(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot write a scratch file in '{}' (--workdir, else $TMPDIR): {e}",
                self.dir.display()
            ),
        )
    }
}

impl Write for ScratchFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf).map_err(|e| self.tag(e))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush().map_err(|e| self.tag(e))
    }
}

impl std::io::Read for ScratchFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.file.read(buf)
    }
}

impl std::io::Seek for ScratchFile {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file.seek(pos)
    }
}

/// One output format. `Sync`, so several formats can be written at once from one package.
pub trait Format: Sync {
    /// The format's name as `-t` takes it (`deb`).
    fn name(&self) -> &'static str;

    /// The file extension without a dot (`deb`).
    fn extension(&self) -> &'static str;

    /// The conventional file name (`NAME_VERSION-REV_ARCH.deb`), built from fields
    /// [`Format::validate`] checked.
    fn file_name(&self, pkg: &Package) -> String;

    /// The architecture as the format names it (`amd64` for deb, `x86_64` for rpm).
    fn architecture(&self, pkg: &Package) -> String;

    /// The full version as the format writes it (deb `1:2.0-1`, rpm `1:2.0-1`, tar `2.0-1`).
    fn full_version(&self, pkg: &Package) -> String;

    /// The package as this format ships it: `pkg` plus the format's own files and the
    /// dependencies pkgr proves (in the format's terms, reported to the listener), minus what the
    /// format leaves out. Runs before [`Format::validate`], so what it adds is checked too.
    ///
    /// # Errors
    /// [`FormatError`]: a unit that collides with the payload, an unmapped library under
    /// `--strict`, a dependency database that cannot be read.
    fn prepare(&self, pkg: &Package, ctx: &WriteContext) -> Result<Package, FormatError>;

    /// Checks every field of a prepared package against the format's rules.
    ///
    /// # Errors
    /// [`FormatError::Invalid`] naming the field, the value and the rule.
    fn validate(&self, pkg: &Package) -> Result<(), FormatError>;

    /// Writes a prepared, validated package to `out`, streaming file contents.
    ///
    /// # Errors
    /// [`FormatError`] on I/O failure or a payload file that changed.
    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError>;
}

/// [`Format::prepare`], [`Format::validate`] and [`Format::write`] in a row, for a caller that
/// holds an unprepared package (tests, fuzzers, benchmarks).
///
/// # Errors
/// As the three steps.
pub fn build(
    format: &dyn Format,
    pkg: &Package,
    out: &mut dyn Write,
    ctx: &WriteContext,
) -> Result<(), FormatError> {
    let prepared = format.prepare(pkg, ctx)?;
    format.validate(&prepared)?;
    format.write(&prepared, out, ctx)
}

/// Registers the formats: generates [`FormatKind`] (what `-t` takes), [`FormatArgs`] (every
/// format's own options, flattened into [`Options`]) and the dispatch from a kind to its writer
/// and its reader. Adding a format is one line here (and its folder).
macro_rules! formats {
    ($($variant:ident => $module:ident :: $ty:ident, $doc:literal;)*) => {
        /// The formats `-t` accepts.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            clap::ValueEnum, serde::Deserialize, serde::Serialize,
        )]
        #[serde(rename_all = "lowercase")]
        pub enum FormatKind {
            $(#[doc = $doc] $variant,)*
        }

        /// Every format's own options (`--deb-compression`, `--rpm-sign-key`, ...).
        #[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args, serde::Deserialize, serde::Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub struct FormatArgs {
            $(
                #[doc = concat!("The options of `-t ", stringify!($module), "`.")]
                #[command(flatten)]
                #[serde(flatten)]
                pub $module: $module::options::Args,
            )*
        }

        crate::options::options!(FormatArgs { $($module),* });

        impl FormatKind {
            /// Every format, in registration order.
            pub const ALL: &'static [FormatKind] = &[$(FormatKind::$variant),*];

            /// The name `-t` takes (`deb`).
            pub fn name(self) -> &'static str {
                match self {
                    $(FormatKind::$variant => stringify!($module),)*
                }
            }

            /// The writer for this kind, configured from the options for it (the command line
            /// over its `[format]` section over the top-level keys).
            ///
            /// # Errors
            /// [`crate::options::OptionError`] naming the flag of a bad value.
            pub fn build(self, opts: &Options) -> Result<Box<dyn Format>, crate::options::OptionError> {
                match self {
                    $(FormatKind::$variant => Ok(Box::new($module::$ty::from_options(opts)?)),)*
                }
            }

            /// The reader for this kind.
            pub fn reader(self) -> &'static dyn Reader {
                match self {
                    $(FormatKind::$variant => &$module::read::READER,)*
                }
            }

            /// The long flags of this format's own options (`deb-compression`, ...).
            pub fn own_flags(self) -> Vec<String> {
                let cmd = match self {
                    $(FormatKind::$variant => <$module::options::Args as clap::Args>::augment_args(clap::Command::new("x")),)*
                };
                cmd.get_arguments()
                    .filter_map(|a| a.get_long().map(str::to_string))
                    .collect()
            }
        }
    };
}

formats! {
    Deb => deb::Deb, "A Debian binary package (deb(5)).";
    Rpm => rpm::Rpm, "An RPM package (RPM v4 file format).";
    Tar => tar::Tar, "A tarball to extract at `/`.";
}

crate::options::not_a_path!(Vec<FormatKind>);

/// A format's reader: recognises a package file by its first bytes and reads it back
/// ([`read::Inspection`]), for `pkgr inspect` and the sources that convert packages.
pub trait Reader: Sync {
    /// Is `head` (the first 512 bytes, or fewer for a short file) the start of this format?
    fn sniff(&self, head: &[u8]) -> bool;

    /// Reads the package from `r`, a stream of `len` bytes that starts at the file's start,
    /// handing every payload entry and its data to `visit` when there is one (the payload is
    /// then read and checked whole; without one a reader may skip it, as rpm's does).
    ///
    /// # Errors
    /// [`read::Fail`]: damaged, truncated, or using something pkgr does not read, or what
    /// `visit` returned; the caller attaches the file's path.
    fn read(
        &self,
        r: Box<dyn std::io::BufRead + '_>,
        len: u64,
        visit: Option<read::Visit>,
    ) -> Result<read::Inspection, read::Fail>;
}
