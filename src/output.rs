//! Writing artifacts atomically: a temp file beside the destination, fsync, then rename.
//!
//! An artifact appears at its path complete or not at all; a failed build removes its temp file
//! (a killed one leaves a `.pkgr-tmp-*` file that is never at the artifact's path). An existing
//! file is replaced only with `-f`. The SHA-256 is computed while the bytes are written.

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
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
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

/// Writes an artifact with `write` into a temp file `.pkgr-tmp-<pid>-*` beside `dest`, counting
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
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .tempfile_in(parent_dir(dest))
        .map_err(io_err)?;
    let file = tmp.as_file().try_clone().map_err(io_err)?;
    let mut w = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        hasher: Sha256::new(),
        count: 0,
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
        artifact: Artifact {
            path: dest.to_path_buf(),
            size,
            sha256,
        },
    })
}

/// Temp files are named `.pkgr-tmp-<pid>-<random>` beside the artifact.
pub const TMP_PREFIX: &str = ".pkgr-tmp-";

/// Removes temp files that a pkgr killed before it could clean up left in `dir`: those whose
/// writer (the pid in the name) is no longer running. Another running pkgr's files are kept.
pub fn clean_stale(dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TMP_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        if !alive && Path::new("/proc/self").exists() {
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
        let dead = d.path().join(format!("{TMP_PREFIX}4000000000-abc"));
        let live = d
            .path()
            .join(format!("{TMP_PREFIX}{}-abc", std::process::id()));
        let other = d.path().join(".pkgr-tmp-notapid");
        for f in [&dead, &live, &other] {
            fs::write(f, "x").unwrap();
        }
        clean_stale(d.path());
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
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
