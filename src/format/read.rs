//! What pkgr reads back from a package file, in the same terms for every format
//! ([`Inspection`], [`FileInfo`]): each format's reader (`<format>/read.rs`) returns it,
//! `pkgr inspect` shows it, and the conversion sources (`-s deb`, `-s rpm`, `-s tar`) turn it into
//! the model, taking each file's data from the same read through a [`Visit`]. Also the
//! pieces the readers share: tar walking (deb's data and control members and tarballs are tars),
//! bounded member reads, and path normalisation.
//!
//! Payloads are streamed: no tar is ever held in memory, only control members and the copyright
//! file (each at most 16 MiB). Nothing here panics on damaged input.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::FormatKind;

/// What a package file says about itself, in the same terms for every format.
///
/// Fields the format does not carry are `None` (a tarball has no metadata at all).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Inspection {
    /// `deb`, `rpm` or `tar`.
    pub format: String,
    /// The payload's compression, from its magic bytes: `gzip`, `xz`, `zstd`, `none` (rpm may
    /// also say `bzip2`). For a deb, that of `data.tar`.
    pub compression: Option<String>,
    /// Package name (deb `Package`, rpm `Name`).
    pub name: Option<String>,
    /// The full version as the format states it: deb `[epoch:]version[-revision]`
    /// (deb-control(5) `Version`), rpm `[epoch:]version-release`.
    pub version: Option<String>,
    /// The architecture as the format names it (deb `amd64`, rpm `x86_64`).
    pub architecture: Option<String>,
    /// deb `Maintainer`, rpm `Packager`.
    pub maintainer: Option<String>,
    /// deb `Homepage`, rpm `URL`.
    pub homepage: Option<String>,
    /// rpm `Vendor` (deb has none). Left out of JSON when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// rpm `License`; deb: the `License:` line of `/usr/share/doc/NAME/copyright`.
    pub license: Option<String>,
    /// deb: the `Description` synopsis (its first line); rpm `Summary`.
    pub summary: Option<String>,
    /// deb: the extended `Description`, continuation lines unfolded (` .` = empty line);
    /// rpm `Description`.
    pub description: Option<String>,
    /// Relationship fields, each a list of entries in the format's own syntax (deb
    /// `a (>= 1) | b`, rpm `a >= 1` or a rich dependency `(a or b)`), keyed `depends`,
    /// `pre_depends`, `recommends`, `suggests`, `provides`, `conflicts`, `replaces`, `breaks`,
    /// `enhances` (deb) or `depends` (Requires, without `rpmlib(...)`), `replaces`
    /// (Obsoletes), `recommends`, `suggests`, `provides`, `conflicts`, `enhances`,
    /// `supplements` (rpm). Empty fields are left out.
    pub relations: BTreeMap<String, Vec<String>>,
    /// Maintainer scripts by native name (deb `preinst`, `postinst`, `prerm`, `postrm`,
    /// `config`; rpm `%pre`, `%post`, `%preun`, `%postun`, `%pretrans`, `%posttrans`,
    /// `%preuntrans`, `%postuntrans`, `%verifyscript`). rpm keeps a scriptlet's interpreter
    /// apart from its body; when it is a path it is shown as a `#!` first line, so the text
    /// reads like the script that was packaged.
    pub scripts: BTreeMap<String, String>,
    /// Configuration files: deb `conffiles` lines, rpm files flagged `%config`.
    pub conffiles: Vec<String>,
    /// The payload's entries, sorted by path components (parents before children).
    pub files: Vec<FileInfo>,
    /// deb `Section`, rpm `Group`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// What the package holds that pkgr does not model, by name: deb control members other
    /// than `control`, `conffiles`, `md5sums` and the maintainer scripts (`triggers`,
    /// `templates`, `shlibs`, `symbols`, ...), the deb fields `Breaks` and `Enhances` (kept in
    /// `relations` too), other deb control fields as `Name: value` (`Multi-Arch: same`), rpm
    /// trigger scriptlets (`%trigger`, `%filetrigger`, `%transfiletrigger`). Left out of JSON
    /// when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
}

/// What a reader hands the payload's regular files to, each with its data, in archive order,
/// when the caller wants the data (the conversion sources). Every regular file comes once (an
/// empty one with no data); a hard-link set's data comes once, with the [`FileInfo`] of the
/// set's first path (the one the others link to). Readers of tar streams (deb, tar) also pass
/// the other entries, with no data: a visitor ignores what is not `file`. An error stops the
/// read.
pub type Visit<'a> = &'a mut dyn FnMut(&FileInfo, &mut dyn Read) -> Result<(), Fail>;

/// One payload entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileInfo {
    /// Absolute, normalised (`/opt/x`; directories without a trailing `/`). The root directory
    /// itself is never listed.
    pub path: String,
    /// `file`, `dir`, `symlink` or `hardlink`; special files, which pkgr never writes, are
    /// `chardev`, `blockdev`, `fifo`, `socket` or `other`.
    pub kind: String,
    /// Permission bits only (`0o7777` mask).
    pub mode: u32,
    /// Owner name (the numeric id when a tar entry carries no name).
    pub user: String,
    /// Group name (the numeric id when a tar entry carries no name).
    pub group: String,
    /// Size in bytes of a regular file; 0 for every other kind (hard links included).
    pub size: u64,
    /// A symlink's target, verbatim; a hard link's target, as an absolute path.
    pub target: Option<String>,
    /// The member would extract outside the root: its name (or a hard link's target) is
    /// absolute in a tar, or climbs above the root with `..`. Left out of JSON when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub outside: bool,
    /// An rpm `%ghost`: listed in the header, not in the payload (rpm creates no file). Left out
    /// of JSON when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ghost: bool,
}

/// Why a package file could not be read. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read '{}': {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The first bytes are those of no format pkgr reads.
    #[error("'{}' is not a .deb, .rpm or tarball: {reason}", .path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The file is a package of another format than the one asked for (`-s deb` on an rpm).
    #[error("'{}' is {} {found}, not {} {expected}: use -s {found}", .path.display(), article(.found), article(.expected))]
    WrongFormat {
        /// The file.
        path: PathBuf,
        /// The format it is (`rpm`).
        found: &'static str,
        /// The one asked for (`deb`).
        expected: &'static str,
    },
    /// The file is damaged, truncated, or breaks its format's rules.
    #[error("'{}' is not a valid {format}: {reason}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// `deb`, `rpm` or `tar`.
        format: &'static str,
        /// What is wrong, and where.
        reason: String,
    },
    /// A valid file that uses something pkgr does not read (bzip2 or lzma compression, a
    /// deb format version other than 2.x).
    #[error("'{}': cannot inspect this {format}: {reason}", .path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// `deb`, `rpm` or `tar`.
        format: &'static str,
        /// What is not supported.
        reason: String,
    },
}

/// `a` or `an` before a format's name, for messages (`an rpm`, `a deb`).
fn article(format: &str) -> &'static str {
    if format.starts_with('r') {
        "an"
    } else {
        "a"
    }
}

/// A reader's failure, before the file's path is attached ([`ReadError`]).
#[derive(Debug)]
pub enum Fail {
    /// Damaged, truncated, or breaking its format's rules: what and where.
    Invalid(String),
    /// Valid, but using something pkgr does not read.
    Unsupported(String),
}

impl Fail {
    /// An I/O error while reading `what`; an early end of data means the file is truncated.
    pub fn io(what: &str, e: io::Error) -> Fail {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Fail::Invalid(format!(
                "{what}: unexpected end of data (the file is truncated)"
            ))
        } else {
            Fail::Invalid(format!("{what}: {e}"))
        }
    }
}

/// Reads the package file at `path`, recognised by its first bytes (each registered format's
/// [`super::Reader::sniff`] is asked in turn: `!<arch>\n` for deb(5), `ed ab ee db` for the RPM
/// lead, a gzip, xz, zstd, bzip2 or lzma stream or a ustar/v7 header for a tarball), handing
/// every entry's data to `visit` when one is given. `pkgr inspect` passes none; the conversion
/// sources pass one that stores the files.
///
/// # Errors
/// [`ReadError`]: the file cannot be read or is not a regular file, is of no known format, is
/// damaged or truncated, uses an unsupported compression, or `visit` failed. Damaged input
/// never panics.
pub fn open(
    path: &Path,
    only: Option<FormatKind>,
    visit: Option<Visit>,
) -> Result<(FormatKind, Inspection), ReadError> {
    let io_err = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Only a regular file: a FIFO would block, a device would read forever.
    let file = crate::hostfs::open_regular(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    read_from(file, len, path, only, visit)
}

/// [`open`] on any seekable source of `len` bytes; `path` only names it in errors. With
/// `only`, a file of another format is an error before anything is read.
pub(crate) fn read_from<R: Read + Seek>(
    mut src: R,
    len: u64,
    path: &Path,
    only: Option<FormatKind>,
    visit: Option<Visit>,
) -> Result<(FormatKind, Inspection), ReadError> {
    let io_err = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = [0u8; 512];
    let n = read_up_to(&mut src, &mut head).map_err(io_err)?;
    let head = head.get(..n).unwrap_or(&[]);
    src.seek(SeekFrom::Start(0)).map_err(io_err)?;
    if head.is_empty() {
        return Err(ReadError::UnknownFormat {
            path: path.to_path_buf(),
            reason: "the file is empty".into(),
        });
    }
    let Some(kind) = FormatKind::ALL
        .iter()
        .copied()
        .find(|k| k.reader().sniff(head))
    else {
        let shown: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return Err(ReadError::UnknownFormat {
            path: path.to_path_buf(),
            reason: format!(
                "its first bytes ({}) are no ar archive (deb(5)), RPM lead, compressed stream, or tar header",
                shown.join(" ")
            ),
        });
    };
    if let Some(want) = only.filter(|w| *w != kind) {
        return Err(ReadError::WrongFormat {
            path: path.to_path_buf(),
            found: kind.name(),
            expected: want.name(),
        });
    }
    let format = kind.name();
    let result = kind
        .reader()
        .read(Box::new(BufReader::new(src)), len, visit);
    result.map(|i| (kind, i)).map_err(|f| match f {
        Fail::Invalid(reason) => ReadError::Invalid {
            path: path.to_path_buf(),
            format,
            reason,
        },
        Fail::Unsupported(reason) => ReadError::Unsupported {
            path: path.to_path_buf(),
            format,
            reason,
        },
    })
}

/// Largest control member, script or copyright file read into memory.
pub(crate) const MEMBER_MAX: u64 = 16 << 20;

/// Reads until `buf` is full or the input ends; returns the byte count.
pub(crate) fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..) {
        if rest.is_empty() {
            break;
        }
        match r.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A ustar magic at offset 257, or a v7 header whose checksum (bytes 148..156, octal) is right.
pub(crate) fn is_tar_header(head: &[u8]) -> bool {
    let Some(block) = head.get(..512) else {
        return false;
    };
    if block.get(257..262) == Some(&b"ustar"[..]) {
        return true;
    }
    let Some(field) = block.get(148..156) else {
        return false;
    };
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0 && b != b' ')
        .map(|&b| b as char)
        .collect();
    let Ok(want) = u32::from_str_radix(text.trim(), 8) else {
        return false;
    };
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                b as u32
            }
        })
        .sum();
    block.first().is_some_and(|&b| b != 0) && sum == want
}

/// Counts the bytes read through it.
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count = self.count.saturating_add(n as u64);
        Ok(n)
    }
}

/// Counts the bytes read through it into a shared cell, readable while a tar archive owns it.
pub(crate) struct SharedCount<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for SharedCount<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// Normalises an archive path to `/a/b`: `./`, `/`, empty and `.` components dropped. `None` for
/// the root itself.
pub(crate) fn norm_path(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let parts: Vec<&str> = text
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(format!("/{}", parts.join("/")))
    }
}

/// Would a tar member named `raw` extract outside the directory it is extracted in: an
/// absolute name (GNU tar strips the `/`, other extractors may not), or `..` components that
/// climb above it?
pub(crate) fn escapes_root(raw: &[u8], absolute_is_outside: bool) -> bool {
    if absolute_is_outside && raw.starts_with(b"/") {
        return true;
    }
    let mut depth = 0i64;
    for c in raw.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// Orders paths by components, so parents come before children (`/a/b`, `/a/b/c`, `/a/b-c`).
pub(crate) fn sort_files(files: &mut [FileInfo]) {
    files.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
}

/// Walks a tar stream, returning every entry and handing each to `visit` with its data.
/// A tar that ends without its end-of-archive block, or whose decoder reports damage after the
/// last entry, is an error. `what` names the stream in messages.
pub(crate) fn walk_tar<R: Read>(
    r: R,
    what: &str,
    mut visit: impl FnMut(&FileInfo, &mut dyn Read) -> Result<(), Fail>,
) -> Result<Vec<FileInfo>, Fail> {
    let count = Rc::new(Cell::new(0u64));
    let mut archive = tar::Archive::new(SharedCount {
        inner: r,
        count: Rc::clone(&count),
    });
    let mut files = Vec::new();
    // Where the last entry's data (padded to 512 bytes) ends: the end-of-archive block follows.
    let mut end = 0u64;
    let entries = archive.entries().map_err(|e| Fail::io(what, e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| Fail::io(what, e))?;
        // The entry's headers (GNU sparse extension blocks included) have been read; its data
        // starts here. A GNU sparse entry's size() is the expanded size, its header's the stored.
        let stored = if entry.header().entry_type() == tar::EntryType::GNUSparse {
            entry.header().entry_size().unwrap_or(0)
        } else {
            entry.size()
        };
        end = count
            .get()
            .saturating_add(stored.div_ceil(512).saturating_mul(512));
        let (mut uname, mut gname, mut sparse_name, mut sparse_size) = (None, None, None, None);
        if let Some(exts) = entry.pax_extensions().map_err(|e| Fail::io(what, e))? {
            for ext in exts.flatten() {
                let value = || ext.value().ok().map(str::to_string);
                match ext.key() {
                    Ok("uname") => uname = value(),
                    Ok("gname") => gname = value(),
                    // GNU tar's pax sparse formats: the real name and size.
                    Ok("GNU.sparse.name") => sparse_name = value(),
                    Ok("GNU.sparse.realsize" | "GNU.sparse.size") => {
                        sparse_size = value().and_then(|v| v.parse::<u64>().ok())
                    }
                    _ => {}
                }
            }
        }
        let h = entry.header();
        let kind = match h.entry_type() {
            tar::EntryType::XGlobalHeader => continue,
            tar::EntryType::Directory => "dir",
            tar::EntryType::Symlink => "symlink",
            tar::EntryType::Link => "hardlink",
            tar::EntryType::Char => "chardev",
            tar::EntryType::Block => "blockdev",
            tar::EntryType::Fifo => "fifo",
            // POSIX: an unknown type flag is read as a regular file.
            _ => "file",
        };
        let raw_path = match &sparse_name {
            Some(n) => std::borrow::Cow::Borrowed(n.as_bytes()),
            None => entry.path_bytes(),
        };
        let Some(path) = norm_path(&raw_path) else {
            continue;
        };
        let bad_field = |field: &str, e: io::Error| {
            Fail::Invalid(format!("{what}: entry '{path}' has a bad {field}: {e}"))
        };
        let mode = h.mode().map_err(|e| bad_field("mode", e))? & 0o7777;
        let user = match uname {
            Some(u) => u,
            None => match h.username_bytes() {
                Some(u) if !u.is_empty() => String::from_utf8_lossy(u).into_owned(),
                _ => numeric_id(&h.as_old().uid, h.uid()).map_err(|e| bad_field("uid", e))?,
            },
        };
        let group = match gname {
            Some(g) => g,
            None => match h.groupname_bytes() {
                Some(g) if !g.is_empty() => String::from_utf8_lossy(g).into_owned(),
                _ => numeric_id(&h.as_old().gid, h.gid()).map_err(|e| bad_field("gid", e))?,
            },
        };
        let link = entry.link_name_bytes();
        let target = match kind {
            "symlink" => Some(
                link.as_deref()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .unwrap_or_default(),
            ),
            "hardlink" => Some(
                link.as_deref()
                    .and_then(norm_path)
                    .unwrap_or_else(|| "/".into()),
            ),
            _ => None,
        };
        let size = match kind {
            "file" => sparse_size.unwrap_or_else(|| entry.size()),
            _ => 0,
        };
        let outside = escapes_root(&raw_path, true)
            || (kind == "hardlink" && link.as_deref().is_some_and(|l| escapes_root(l, true)));
        let info = FileInfo {
            path,
            kind: kind.to_string(),
            mode,
            user,
            group,
            size,
            target,
            outside,
            ghost: false,
        };
        visit(&info, &mut entry)?;
        files.push(info);
    }
    let mut inner = archive.into_inner();
    if count.get() < end.saturating_add(512) {
        return Err(Fail::Invalid(format!(
            "{what}: the archive stops after {} bytes, without its end-of-archive block (the file is truncated)",
            count.get()
        )));
    }
    // Read the rest, so a decoder checks its trailer (gzip CRC, xz and zstd checksums).
    io::copy(&mut inner, &mut io::sink()).map_err(|e| Fail::io(what, e))?;
    Ok(files)
}

/// A numeric owner id for display; a blank field (all NUL or spaces, as cargo writes in
/// `.crate` files) reads as 0, as GNU tar reads it.
pub(crate) fn numeric_id(raw: &[u8], parsed: io::Result<u64>) -> io::Result<String> {
    if raw.iter().all(|&b| b == 0 || b == b' ') {
        return Ok("0".into());
    }
    parsed.map(|n| n.to_string())
}

/// Reads one tar member's data (at most [`MEMBER_MAX`] bytes).
pub(crate) fn read_member(
    info: &FileInfo,
    data: &mut dyn Read,
    what: &str,
) -> Result<Vec<u8>, Fail> {
    if info.size > MEMBER_MAX {
        return Err(Fail::Invalid(format!(
            "{what}: '{}' is {} bytes, more than the {} MiB pkgr reads",
            info.path,
            info.size,
            MEMBER_MAX >> 20
        )));
    }
    let mut buf = Vec::new();
    data.take(MEMBER_MAX)
        .read_to_end(&mut buf)
        .map_err(|e| Fail::io(what, e))?;
    Ok(buf)
}
