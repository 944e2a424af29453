//! Writing artifacts atomically: a temp file beside the destination, fsync, then rename.
//!
//! An artifact appears at its path complete or not at all; a failed or interrupted build
//! removes its temp file (see [`crate::cleanup`]), and one killed with `SIGKILL` leaves a
//! `.pkgr-tmp-*` file that is never at the artifact's path and that the next run removes once it
//! can take the file's lock. An existing file is replaced only with `-f`. The SHA-256 is
//! computed while the bytes are written.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// An output failure.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The destination exists and `-f` was not given.
    #[error("'{0}' already exists; pass -f/--force to replace it")]
    Exists(PathBuf),
    /// The destination's directory is missing.
    #[error("output directory '{0}' does not exist")]
    NoDir(PathBuf),
    /// The destination is a directory.
    #[error("output path '{0}' is a directory; end it with '/' to write into it")]
    IsDir(PathBuf),
    /// Creating, writing or renaming failed.
    #[error("cannot write '{path}': {source}")]
    Io {
        /// The artifact path.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl OutputError {
    /// An existing output, a missing directory or a directory in the way is the user's to fix
    /// (exit 2); a failed write is a failed build (exit 1).
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            OutputError::Exists(_) | OutputError::NoDir(_) | OutputError::IsDir(_) => {
                crate::ErrorKind::Usage
            }
            OutputError::Io { .. } => crate::ErrorKind::Build,
        }
    }
}

/// A finished artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Where it was written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of the file.
    pub sha256: String,
}

/// Checks, before any work is done, that `dest` can be written: its directory exists, it is not
/// a directory, and it does not exist unless `force`.
///
/// # Errors
/// [`OutputError`] naming the path.
pub fn preflight(dest: &Path, force: bool) -> Result<(), OutputError> {
    let dir = parent_dir(dest);
    if !dir.is_dir() {
        return Err(OutputError::NoDir(dir.to_path_buf()));
    }
    if dest.is_dir() {
        return Err(OutputError::IsDir(dest.to_path_buf()));
    }
    if !force && fs::symlink_metadata(dest).is_ok() {
        return Err(OutputError::Exists(dest.to_path_buf()));
    }
    Ok(())
}

fn parent_dir(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A writer that hashes what passes through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
    dest: PathBuf,
}

impl<W: Write> HashingWriter<W> {
    /// An error of the artifact's file, naming it (`cannot write 'full/x.deb': No space left
    /// on device`), whichever writer above it reports it.
    fn tag(&self, e: io::Error) -> io::Error {
        io::Error::new(
            e.kind(),
            format!("cannot write '{}': {e}", self.dest.display()),
        )
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf).map_err(|e| self.tag(e))?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    // The final flush's error is named by write_pending itself.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A complete artifact in its temp file beside `dest`, not yet at `dest`: [`Pending::persist`]
/// renames it into place; dropping it deletes the temp file. Several targets are all written
/// first and persisted only when every one succeeded, so a failed run leaves no artifact.
#[derive(Debug)]
pub struct Pending {
    tmp: tempfile::NamedTempFile,
    force: bool,
    artifact: Artifact,
    _guard: crate::cleanup::PathGuard,
}

impl Pending {
    /// The artifact it will be (path, size, SHA-256).
    pub fn artifact(&self) -> &Artifact {
        &self.artifact
    }

    /// Renames the temp file to the destination (replacing a file there only with `force`).
    ///
    /// # Errors
    /// [`OutputError::Exists`] if the destination appeared meanwhile (without `force`),
    /// [`OutputError::Io`] on a rename failure.
    pub fn persist(self) -> Result<Artifact, OutputError> {
        let dest = self.artifact.path.clone();
        let io_err = |source| OutputError::Io {
            path: dest.clone(),
            source,
        };
        if self.force {
            self.tmp.persist(&dest).map_err(|e| io_err(e.error))?;
        } else {
            self.tmp.persist_noclobber(&dest).map_err(|e| {
                if e.error.kind() == io::ErrorKind::AlreadyExists {
                    OutputError::Exists(dest.clone())
                } else {
                    io_err(e.error)
                }
            })?;
        }
        Ok(self.artifact)
    }
}

/// Writes an artifact with `write` into a temp file beside `dest` and renames it into place, so
/// `dest` holds a complete package or nothing. See [`write_pending`].
///
/// # Errors
/// What `write` returns, or [`OutputError`] (converted) for the temp file and the rename.
pub fn write_atomically<E, F>(dest: &Path, force: bool, write: F) -> Result<Artifact, E>
where
    E: From<OutputError>,
    F: FnOnce(&mut dyn Write) -> Result<(), E>,
{
    Ok(write_pending(dest, force, write)?.persist()?)
}

/// Writes an artifact with `write` into a temp file `.pkgr-tmp-*` beside `dest`, counting
/// its size and SHA-256 as it goes, syncs it and makes it 0644; nothing is at `dest` yet.
///
/// # Errors
/// What `write` returns, or [`OutputError`] (converted): `dest` exists without `force`, or an
/// I/O error on the temp file.
pub fn write_pending<E, F>(dest: &Path, force: bool, write: F) -> Result<Pending, E>
where
    E: From<OutputError>,
    F: FnOnce(&mut dyn Write) -> Result<(), E>,
{
    preflight(dest, force)?;
    let io_err = |source| OutputError::Io {
        path: dest.to_path_buf(),
        source,
    };
    clean_stale(parent_dir(dest));
    let tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempfile_in(parent_dir(dest))
        .map_err(io_err)?;
    // Locked for the whole run, so that no other pkgr takes it for a leftover.
    crate::cleanup::hold(tmp.as_file()).map_err(io_err)?;
    let guard = crate::cleanup::register_path(tmp.path());
    let file = tmp.as_file().try_clone().map_err(io_err)?;
    let mut w = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        hasher: Sha256::new(),
        count: 0,
        dest: dest.to_path_buf(),
    };
    write(&mut w)?;
    w.flush().map_err(io_err)?;
    let sha256 = hex(&w.hasher.finalize());
    let size = w.count;
    tmp.as_file().sync_all().map_err(io_err)?;
    // Packages are world-readable artifacts; tempfile creates 0600.
    fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .map_err(io_err)?;
    Ok(Pending {
        tmp,
        force,
        _guard: guard,
        artifact: Artifact {
            path: dest.to_path_buf(),
            size,
            sha256,
        },
    })
}

/// Temp files are named `.pkgr-tmp-<random>` beside the artifact.
pub const TMP_PREFIX: &str = ".pkgr-tmp-";

/// Removes the temp files a killed pkgr left in `dir`: those whose `flock` no live pkgr holds
/// ([`crate::cleanup::is_abandoned`]), whatever PID namespace the writer ran in. Another running
/// pkgr's files are kept.
pub fn clean_stale(dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name();
        let ours = name.to_str().is_some_and(|n| n.starts_with(TMP_PREFIX))
            && e.file_type().is_ok_and(|t| t.is_file());
        if ours && crate::cleanup::is_abandoned(&e.path()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    enum TestErr {
        Out(OutputError),
        Boom,
    }
    impl From<OutputError> for TestErr {
        fn from(e: OutputError) -> Self {
            TestErr::Out(e)
        }
    }

    #[test]
    fn writes_renames_and_refuses_to_overwrite() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("a.deb");
        let a = write_atomically::<TestErr, _>(&dest, false, |w| {
            w.write_all(b"abc").map_err(|_| TestErr::Boom)
        })
        .unwrap();
        assert_eq!(
            a.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(fs::read(&dest).unwrap(), b"abc");
        let again = write_atomically::<TestErr, _>(&dest, false, |_| Ok(()));
        assert!(matches!(again, Err(TestErr::Out(OutputError::Exists(_)))));
        write_atomically::<TestErr, _>(&dest, true, |w| {
            w.write_all(b"x").map_err(|_| TestErr::Boom)
        })
        .unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"x");
    }

    #[test]
    fn stale_temp_files_of_dead_writers_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        let dead = d.path().join(format!("{TMP_PREFIX}abc"));
        let live = d.path().join(format!("{TMP_PREFIX}def"));
        let other = d.path().join("x.deb");
        for f in [&dead, &live, &other] {
            fs::write(f, "x").unwrap();
            fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        let held = fs::File::open(&live).unwrap();
        crate::cleanup::hold(&held).unwrap();
        clean_stale(d.path());
        assert!(!dead.exists(), "nobody holds its lock");
        assert!(live.exists(), "a live writer holds its lock");
        assert!(other.exists(), "not a temp file");
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("a.deb");
        let r = write_atomically::<TestErr, _>(&dest, false, |w| {
            w.write_all(b"partial").unwrap();
            Err(TestErr::Boom)
        });
        assert!(matches!(r, Err(TestErr::Boom)));
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
    }
}
