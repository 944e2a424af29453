//! Output formats. Each target is one file implementing [`Target`] plus one line in
//! [`FormatKind`]'s registration ([`FormatKind::build`]). A target reads only the [`Package`]:
//! it never knows which source produced it.

use std::io::Write;

use crate::compress::Compression;
use crate::listener::Listener;
use crate::model::Package;

pub mod common;
pub mod deb;
pub mod rpm;
pub mod scripts;
pub mod tar;

/// A target failure.
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
}

impl FormatError {
    /// An [`FormatError::Invalid`] for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        FormatError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What every target needs besides the package.
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

impl WriteContext<'_> {
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

/// One shared-library dependency decision: which soname, who needs it, what it became.
/// Shown with `--verbose` and listed under `dependencies` in `--json` output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DependencyDecision {
    /// The target format (`deb`, `rpm`).
    pub format: String,
    /// The `DT_NEEDED` soname (`libz.so.1`).
    pub soname: String,
    /// Payload paths of the ELF files that need it.
    pub needed_by: Vec<String>,
    /// The relation or capability it became (`zlib1g (>= 1:1.2.0)`, `libz.so.1()(64bit)`);
    /// `None` when no package provides it on the build host.
    pub resolved: Option<String>,
    /// Where the answer came from (a symbols/shlibs file, a path search, rpm's elfdeps rules).
    pub source: String,
}

impl std::fmt::Display for DependencyDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.needed_by.len();
        let who = match self.needed_by.first() {
            Some(first) if n > 1 => format!("{first} and {} more", n - 1),
            Some(first) => first.clone(),
            None => String::new(),
        };
        match &self.resolved {
            Some(r) => write!(
                f,
                "{}: {} (needed by {who}) -> {r} [{}]",
                self.format, self.soname, self.source
            ),
            None => write!(
                f,
                "{}: {} (needed by {who}) -> no package [{}]",
                self.format, self.soname, self.source
            ),
        }
    }
}

/// Reports `decisions` to the listener, then warns about (or with `strict`, refuses) the
/// unmapped ones, naming the files that need them.
///
/// # Errors
/// [`FormatError::Invalid`] with `strict` when a soname maps to nothing.
pub fn report_decisions(
    decisions: &[DependencyDecision],
    ctx: &WriteContext,
) -> Result<(), FormatError> {
    for d in decisions {
        ctx.listener.dependency(d);
    }
    let unmapped: Vec<String> = decisions
        .iter()
        .filter(|d| d.resolved.is_none())
        .map(|d| format!("{} (needed by {})", d.soname, d.needed_by.join(", ")))
        .collect();
    if unmapped.is_empty() {
        return Ok(());
    }
    let what = format!(
        "no installed package provides {}; declare the packages with -d, or pass --no-auto-depends",
        unmapped.join("; ")
    );
    if ctx.strict {
        return Err(FormatError::invalid(
            "shared library dependencies (--strict)",
            what,
        ));
    }
    ctx.listener.warning(&what);
    Ok(())
}

/// Where each distribution family keeps packaged systemd units: Debian's debhelper (bookworm)
/// installs to `/lib/systemd/system`; RPM distributions' `%{_unitdir}` is
/// `/usr/lib/systemd/system`.
pub const DEB_UNIT_DIR: &str = "/lib/systemd/system";
/// `%{_unitdir}` on RPM distributions, also used for tarballs.
pub const RPM_UNIT_DIR: &str = "/usr/lib/systemd/system";

/// The package with its systemd units added under `dir` (mode 0644, root-owned), borrowed
/// unchanged when it has none.
///
/// # Errors
/// [`FormatError::Invalid`] when the payload already has a file at a unit's path.
pub fn with_units<'a>(
    pkg: &'a Package,
    dir: &str,
) -> Result<std::borrow::Cow<'a, Package>, FormatError> {
    if pkg.service.units.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(pkg));
    }
    let mut full = pkg.clone();
    for u in &pkg.service.units {
        let path = crate::model::PkgPath::parse(&format!("{dir}/{}", u.name))
            .map_err(|e| FormatError::invalid("--systemd-unit", e.to_string()))?;
        if pkg.entry(&path).is_some() {
            return Err(FormatError::invalid(
                "--systemd-unit",
                format!(
                    "the payload already has '{}'; ship the unit either in the payload or with --systemd-unit",
                    path.display()
                ),
            ));
        }
        full.entries
            .push(crate::model::Entry::bytes(path, u.text.clone(), 0o644));
    }
    full.finalize()
        .map_err(|e| FormatError::invalid("payload", e.to_string()))?;
    Ok(std::borrow::Cow::Owned(full))
}

/// One output format. `Sync`, so several targets can be written at once from one package.
pub trait Format: Sync {
    /// The format's name as `-t` takes it (`deb`).
    fn name(&self) -> &'static str;

    /// The file extension without a dot (`deb`).
    fn extension(&self) -> &'static str;

    /// The conventional file name (`NAME_VERSION-REV_ARCH.deb`).
    fn file_name(&self, pkg: &Package) -> String;

    /// The architecture as the format names it (`amd64` for deb, `x86_64` for rpm).
    fn architecture(&self, pkg: &Package) -> String;

    /// The full version as the format writes it (deb `1:2.0-1`, rpm `1:2.0-1`, tar `2.0-1`).
    fn full_version(&self, pkg: &Package) -> String;

    /// Checks every field against the format's rules before anything is written.
    ///
    /// # Errors
    /// [`FormatError::Invalid`] naming the field, the value and the rule.
    fn validate(&self, pkg: &Package) -> Result<(), FormatError>;

    /// Writes the package to `out`, streaming file contents.
    ///
    /// # Errors
    /// [`FormatError`] on invalid input or I/O failure.
    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError>;
}

/// The targets `-t` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum FormatKind {
    /// A Debian binary package (deb(5)).
    Deb,
    /// An RPM package (RPM v4 file format).
    Rpm,
    /// A tarball to extract at `/`.
    Tar,
}

/// Per-target options from the command line.
#[derive(Debug, Clone)]
pub struct FormatOptions {
    /// Compression of the deb's `data.tar`.
    pub deb_compression: Compression,
    /// Compression of the rpm payload.
    pub rpm_compression: Compression,
    /// The rpm Build Host tag (fixed, so builds are reproducible).
    pub rpm_build_host: String,
    /// `--rpm-sign-key`: an ASCII-armored OpenPGP secret key to sign the rpm with (needs the
    /// `sign` feature); its passphrase comes from `PKGR_RPM_PASSPHRASE`.
    pub rpm_sign_key: Option<std::path::PathBuf>,
    /// Compression of the tarball.
    pub tar_compression: Compression,
    /// `--tar-prefix`: root the tarball's entries here.
    pub tar_prefix: Option<crate::model::PkgPath>,
}

impl FormatKind {
    /// Creates the writer for this kind: the one line each target adds.
    pub fn build(self, opts: &FormatOptions) -> Box<dyn Format> {
        match self {
            FormatKind::Deb => Box::new(deb::Deb::new(opts.deb_compression)),
            FormatKind::Rpm => Box::new(
                rpm::Rpm::new(opts.rpm_compression, opts.rpm_build_host.clone())
                    .signed_with(opts.rpm_sign_key.clone()),
            ),
            FormatKind::Tar => {
                Box::new(tar::Tar::new(opts.tar_compression, opts.tar_prefix.clone()))
            }
        }
    }
}
