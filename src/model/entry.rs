//! The entries of a package: files, directories, symlinks, hard links.

use super::*;

use crate::hostfs::SourceFile;

/// Where a regular file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Streamed from this file on the build host when a format writes it; opened only if it is
    /// still the file the source walked ([`SourceFile::open`]).
    Path(SourceFile),
    /// Held in memory (files pkgr generated or rewrote: scripts, copyright, RECORD, ...).
    Bytes(Vec<u8>),
}

/// What kind of filesystem object an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file of `size` bytes.
    File {
        /// The bytes.
        content: Content,
        /// Size in bytes, as it will be installed.
        size: u64,
    },
    /// A directory.
    Dir,
    /// A symbolic link to `target` (bytes, stored verbatim; relative or absolute).
    Symlink {
        /// The link target.
        target: Vec<u8>,
    },
    /// A hard link to another regular file entry of the same package, stored once.
    HardLink {
        /// The path of the regular-file entry this one shares data with.
        target: PkgPath,
    },
}

/// One filesystem object in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where it is installed.
    pub path: PkgPath,
    /// What it is.
    pub kind: EntryKind,
    /// Permission bits (`0o7777` mask), after [`normalize_mode`].
    pub mode: u32,
    /// Owning user name (`root` unless configured).
    pub user: String,
    /// Owning group name (`root` unless configured).
    pub group: String,
    /// A configuration file the admin may edit (deb `conffiles`, rpm `%config(noreplace)`).
    pub config: bool,
}

impl Entry {
    /// A regular file owned by root.
    pub fn file(path: PkgPath, content: Content, size: u64, mode: u32) -> Self {
        Entry {
            path,
            kind: EntryKind::File { content, size },
            mode: normalize_mode(mode),
            user: "root".into(),
            group: "root".into(),
            config: false,
        }
    }

    /// An in-memory regular file owned by root.
    pub fn bytes(path: PkgPath, data: Vec<u8>, mode: u32) -> Self {
        let size = data.len() as u64;
        Self::file(path, Content::Bytes(data), size, mode)
    }

    /// A directory (mode 0755 unless changed) owned by root.
    pub fn dir(path: PkgPath) -> Self {
        Entry {
            path,
            kind: EntryKind::Dir,
            mode: 0o755,
            user: "root".into(),
            group: "root".into(),
            config: false,
        }
    }

    /// A symlink (mode 0777, as every format stores it) owned by root.
    pub fn symlink(path: PkgPath, target: Vec<u8>) -> Self {
        Entry {
            path,
            kind: EntryKind::Symlink { target },
            mode: 0o777,
            user: "root".into(),
            group: "root".into(),
            config: false,
        }
    }

    /// Is this a regular file (not a hard link)?
    pub fn is_file(&self) -> bool {
        matches!(self.kind, EntryKind::File { .. })
    }
}

/// Normalises permission bits so the build host's umask cannot leak into an artifact: group and
/// other write bits are cleared, everything else (including a deliberate `0600` or `0750`) kept.
/// A mode with the sticky bit (`1777`, a shared drop directory) is deliberate through and
/// through, and is kept whole.
pub fn normalize_mode(mode: u32) -> u32 {
    if mode & 0o1000 != 0 {
        mode & 0o7777
    } else {
        mode & 0o7755
    }
}
