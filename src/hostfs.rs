//! Reading the build host's files without being tricked: the one place that opens a payload
//! file or a user-named input (script, `pkgr.toml`, unit file, key, package to inspect).
//!
//! - A payload file is a [`SourceFile`]: the path the source walked plus the identity (device and
//!   inode, and the inode's change time) it had then. [`SourceFile::open`] opens it once, without following a symlink
//!   (`O_NOFOLLOW`), without blocking on a FIFO (`O_NONBLOCK`), and checks with `fstat` that the
//!   opened object is still that regular file. A file swapped for a symlink (or anything else)
//!   between the walk and the write is refused, never followed: a link planted mid-build to
//!   `/etc/shadow` cannot put root-only bytes into a package.
//! - A user-named input is read with [`read_regular`]: anything but a regular file (a FIFO, a
//!   directory, a device) is refused before it is opened, so pkgr never blocks on it.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// `O_NOFOLLOW`: fail with `ELOOP` instead of following a symlink in the last component.
const O_NOFOLLOW: i32 = libc::O_NOFOLLOW;
/// `O_NONBLOCK`: a FIFO opens at once instead of waiting for a writer.
const O_NONBLOCK: i32 = libc::O_NONBLOCK;
/// `O_NOCTTY`: a terminal device never becomes the controlling terminal.
const O_NOCTTY: i32 = libc::O_NOCTTY;

/// A regular file on the build host as a source saw it: its path and its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    path: PathBuf,
    dev: u64,
    ino: u64,
    /// The inode's change time (seconds, nanoseconds): a new file that reuses a deleted one's
    /// inode number still differs here.
    ctime: (i64, i64),
}

impl SourceFile {
    /// The file at `path` with the identity `meta` (from the walk's `lstat`) gives it.
    pub fn new(path: PathBuf, meta: &Metadata) -> Self {
        SourceFile {
            path,
            dev: meta.dev(),
            ino: meta.ino(),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// The file's identity on the build host: (device, inode). Two entries with the same one
    /// are hard links of one file.
    pub fn identity(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }

    /// The regular file at `path` as it is now (`lstat`).
    ///
    /// # Errors
    /// The `lstat` error, or `InvalidInput` when `path` is not a regular file.
    pub fn stat(path: &Path) -> io::Result<Self> {
        let meta = std::fs::symlink_metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("'{}' is not a regular file", path.display()),
            ));
        }
        Ok(Self::new(path.to_path_buf(), &meta))
    }

    /// Where it is on the build host.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens it for reading: never through a symlink, never blocking, and only if the opened
    /// object is the regular file the walk saw (same device, inode and change time).
    ///
    /// # Errors
    /// The open error (`ELOOP` for a symlink), or `InvalidData` naming what the path is now
    /// when it was replaced.
    pub fn open(&self) -> io::Result<File> {
        let f = OpenOptions::new()
            .read(true)
            .custom_flags(O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
            .open(&self.path)
            .map_err(|e| {
                if e.raw_os_error() == Some(libc::ELOOP) {
                    replaced("a symlink")
                } else {
                    e
                }
            })?;
        let meta = f.metadata()?;
        if !meta.is_file() {
            return Err(replaced(kind_of(&meta)));
        }
        if (meta.dev(), meta.ino(), (meta.ctime(), meta.ctime_nsec()))
            != (self.dev, self.ino, self.ctime)
        {
            return Err(replaced("another file"));
        }
        Ok(f)
    }

    /// Reads the whole file (for the small files pkgr rewrites or inspects), as [`open`] does.
    ///
    /// [`open`]: SourceFile::open
    ///
    /// # Errors
    /// As [`SourceFile::open`], or a read error.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut data = Vec::new();
        self.open()?.read_to_end(&mut data)?;
        Ok(data)
    }
}

fn replaced(now: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("it was replaced by {now} after pkgr read the source tree; nothing is followed out of the tree"),
    )
}

/// What a non-regular file is, for messages.
pub fn kind_of(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let ft = meta.file_type();
    if ft.is_dir() {
        "a directory"
    } else if ft.is_symlink() {
        "a symlink"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_char_device() {
        "a character device"
    } else {
        "a regular file"
    }
}

/// Opens a user-named input file (following symlinks, as a user expects for an argument) only
/// if it is a regular file: a FIFO, socket, device or directory is refused before it is opened,
/// and checked again on the opened descriptor.
///
/// # Errors
/// The `stat` or open error, or `InvalidInput` saying what the path is instead.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK | O_NOCTTY)
        .open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(f)
}

fn not_regular(meta: &Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", kind_of(meta)),
    )
}

/// Reads a user-named input file whole, as [`open_regular`] opens it.
///
/// # Errors
/// As [`open_regular`], or a read error.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    open_regular(path)?.read_to_end(&mut data)?;
    Ok(data)
}

/// [`read_regular`] as UTF-8 text.
///
/// # Errors
/// As [`read_regular`], or `InvalidData` when the file is not UTF-8.
pub fn read_regular_text(path: &Path) -> io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swapped_file_is_refused_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, "mine").unwrap();
        let sf = SourceFile::stat(&f).unwrap();
        assert_eq!(sf.read().unwrap(), b"mine");
        let secret = d.path().join("secret");
        std::fs::write(&secret, "secret").unwrap();
        std::fs::remove_file(&f).unwrap();
        std::os::unix::fs::symlink(&secret, &f).unwrap();
        let e = sf.read().unwrap_err().to_string();
        assert!(e.contains("replaced by a symlink"), "{e}");
        let other = d.path().join("other");
        std::fs::write(&other, "other").unwrap();
        std::fs::rename(&other, &f).unwrap();
        let e = sf.read().unwrap_err().to_string();
        assert!(e.contains("another file"), "{e}");
    }

    #[test]
    fn fifos_are_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(ok.success());
        let e = read_regular(&fifo).unwrap_err().to_string();
        assert!(e.contains("a FIFO"), "{e}");
        let e = read_regular(d.path()).unwrap_err().to_string();
        assert!(e.contains("a directory"), "{e}");
    }
}
