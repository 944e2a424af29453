//! Reading packages back: the engine behind `pkgr inspect FILE`.
//!
//! [`inspect`] reads a `.deb`, an `.rpm` or a tarball (`.tar`, `.tar.gz`/`.tgz`, `.tar.xz`,
//! `.tar.zst`), recognised by its first bytes rather than its name, and returns one
//! format-neutral [`Inspection`]; [`render_text`] lays it out for a person.
//!
//! - deb (deb(5)): an `ar` archive whose first member is `debian-binary` (`2.x`), then
//!   `control.tar[.gz|.xz|.zst]` and `data.tar[.gz|.xz|.zst]`. The `control` file is parsed as
//!   deb-control(5) says (folded and multi-line fields, `Description` = synopsis + extended
//!   text); `conffiles` and the maintainer scripts come from the same tar. deb-control(5) has no
//!   license field, so the license is the first `License:` line of
//!   `/usr/share/doc/NAME/copyright` (the DEP-5 field pkgr writes).
//! - rpm (the RPM v4 file format: lead, signature header, header, payload): metadata only,
//!   read with the `rpm` crate after pkgr checked every header index entry lies inside its data
//!   store (the crate indexes the store unchecked, and would panic on a damaged file). The
//!   header+payload size the signature header records is checked against the file, so a
//!   truncated payload is reported; the payload itself is not decompressed.
//! - tar: the entries of a plain or compressed tar (POSIX ustar, GNU and pax extensions).
//!
//! Payloads are streamed: no tar is ever held in memory, only control members and the copyright
//! file (each at most 16 MiB). Nothing here panics on damaged input; every failure is an
//! [`InspectError`] naming the file.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

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
}

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
}

/// Why a file could not be inspected. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
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

/// Reads the package at `path` and describes it. The format is recognised by its first bytes:
/// `!<arch>\n` (deb(5)), `ed ab ee db` (the RPM lead), a gzip, xz or zstd stream or a ustar/v7
/// header (tar).
///
/// # Errors
/// [`InspectError`]: the file cannot be read, is of no known format, is damaged or truncated,
/// or uses an unsupported compression. Damaged input never panics.
pub fn inspect(path: &Path) -> Result<Inspection, InspectError> {
    let io_err = |source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Only a regular file: a FIFO would block, a device would read forever.
    let file = crate::hostfs::open_regular(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    inspect_from(file, len, path)
}

/// [`inspect`] on any seekable source of `len` bytes; `path` only names it in errors.
fn inspect_from<R: Read + Seek>(
    mut src: R,
    len: u64,
    path: &Path,
) -> Result<Inspection, InspectError> {
    let io_err = |source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = [0u8; 512];
    let n = read_up_to(&mut src, &mut head).map_err(io_err)?;
    let head = head.get(..n).unwrap_or(&[]);
    src.seek(SeekFrom::Start(0)).map_err(io_err)?;
    let reader = BufReader::new(src);
    let (format, result) = match detect(head) {
        Detected::Deb => ("deb", read_deb(reader)),
        Detected::Rpm => ("rpm", read_rpm(reader, len)),
        Detected::Tar(codec) => ("tar", read_tarball(reader, codec)),
        Detected::Unsupported(what) => ("tar", Err(Fail::Unsupported(what))),
        Detected::Unknown(reason) => {
            return Err(InspectError::UnknownFormat {
                path: path.to_path_buf(),
                reason,
            })
        }
    };
    result.map_err(|f| match f {
        Fail::Invalid(reason) => InspectError::Invalid {
            path: path.to_path_buf(),
            format,
            reason,
        },
        Fail::Unsupported(reason) => InspectError::Unsupported {
            path: path.to_path_buf(),
            format,
            reason,
        },
    })
}

/// A failure before the file's path is attached.
#[derive(Debug)]
enum Fail {
    Invalid(String),
    Unsupported(String),
}

impl Fail {
    /// An I/O error while reading `what`; an early end of data means the file is truncated.
    fn io(what: &str, e: io::Error) -> Fail {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Fail::Invalid(format!(
                "{what}: unexpected end of data (the file is truncated)"
            ))
        } else {
            Fail::Invalid(format!("{what}: {e}"))
        }
    }
}

/// Largest control member, script or copyright file read into memory.
const MEMBER_MAX: u64 = 16 << 20;

/// Reads until `buf` is full or the input ends; returns the byte count.
fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
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

/// A stream compression, recognised by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    None,
    Gzip,
    Xz,
    Zstd,
}

impl Codec {
    fn name(self) -> &'static str {
        match self {
            Codec::None => "none",
            Codec::Gzip => "gzip",
            Codec::Xz => "xz",
            Codec::Zstd => "zstd",
        }
    }

    /// gzip (RFC 1952) `1f 8b`, xz `fd 37 7a 58 5a 00`, zstd `28 b5 2f fd`; bzip2 `BZh` is
    /// recognised to be refused. Anything else is taken as uncompressed.
    fn sniff(head: &[u8]) -> Result<Codec, String> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Ok(Codec::Gzip)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Ok(Codec::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Ok(Codec::Zstd)
        } else if head.starts_with(b"BZh") {
            Err("bzip2 compression is not supported (pkgr reads gzip, xz and zstd)".into())
        } else {
            Ok(Codec::None)
        }
    }

    /// A decoder over `r`. gzip and xz accept concatenated streams, as `gzip -d` and `xz -d` do.
    fn decoder<'a, R: BufRead + 'a>(self, r: R) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match self {
            Codec::None => Box::new(r),
            Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(r)),
            Codec::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(r)),
            Codec::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(r)?),
        })
    }
}

enum Detected {
    Deb,
    Rpm,
    Tar(Codec),
    Unsupported(String),
    Unknown(String),
}

fn detect(head: &[u8]) -> Detected {
    if head.is_empty() {
        return Detected::Unknown("the file is empty".into());
    }
    if head.starts_with(b"!<arch>\n") {
        return Detected::Deb;
    }
    if head.starts_with(&[0xed, 0xab, 0xee, 0xdb]) {
        return Detected::Rpm;
    }
    match Codec::sniff(head) {
        Err(what) => return Detected::Unsupported(what),
        Ok(Codec::None) => {}
        Ok(c) => return Detected::Tar(c),
    }
    if is_tar_header(head) {
        return Detected::Tar(Codec::None);
    }
    let shown: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Detected::Unknown(format!(
        "its first bytes ({}) are no ar archive (deb(5)), RPM lead, gzip, xz or zstd stream, or tar header",
        shown.join(" ")
    ))
}

/// A ustar magic at offset 257, or a v7 header whose checksum (bytes 148..156, octal) is right.
fn is_tar_header(head: &[u8]) -> bool {
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
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count = self.count.saturating_add(n as u64);
        Ok(n)
    }
}

/// Counts the bytes read through it into a shared cell, readable while a tar archive owns it.
struct SharedCount<R> {
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
fn norm_path(raw: &[u8]) -> Option<String> {
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

/// Text from a package as it is safe to print on a terminal: control characters (escape
/// sequences, carriage returns, backspaces) and the Unicode bidirectional overrides that can
/// reorder a line are shown escaped (`\u{1b}`), everything else as it is.
fn shown(text: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Would a tar member named `raw` extract outside the directory it is extracted in: an
/// absolute name (GNU tar strips the `/`, other extractors may not), or `..` components that
/// climb above it?
fn escapes_root(raw: &[u8], absolute_is_outside: bool) -> bool {
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
fn sort_files(files: &mut [FileInfo]) {
    files.sort_by(|a, b| a.path.split('/').cmp(b.path.split('/')));
}

/// Walks a tar stream, returning every entry and handing each to `visit` with its data.
/// A tar that ends without its end-of-archive block, or whose decoder reports damage after the
/// last entry, is an error. `what` names the stream in messages.
fn walk_tar<R: Read>(
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
fn numeric_id(raw: &[u8], parsed: io::Result<u64>) -> io::Result<String> {
    if raw.iter().all(|&b| b == 0 || b == b' ') {
        return Ok("0".into());
    }
    parsed.map(|n| n.to_string())
}

/// Reads one tar member's data (at most [`MEMBER_MAX`] bytes).
fn read_member(info: &FileInfo, data: &mut dyn Read, what: &str) -> Result<Vec<u8>, Fail> {
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

fn read_tarball<R: BufRead>(mut r: R, codec: Codec) -> Result<Inspection, Fail> {
    let what = match codec {
        Codec::None => "tar",
        Codec::Gzip => "tar.gz",
        Codec::Xz => "tar.xz",
        Codec::Zstd => "tar.zst",
    };
    let dec = codec.decoder(&mut r).map_err(|e| Fail::io(what, e))?;
    let mut files = walk_tar(dec, what, |_, _| Ok(()))?;
    sort_files(&mut files);
    Ok(Inspection {
        format: "tar".into(),
        compression: Some(codec.name().into()),
        name: None,
        version: None,
        architecture: None,
        maintainer: None,
        homepage: None,
        license: None,
        summary: None,
        description: None,
        relations: BTreeMap::new(),
        scripts: BTreeMap::new(),
        conffiles: Vec::new(),
        files,
    })
}

// ---------------------------------------------------------------------------------------------
// deb

/// deb(5) maintainer scripts (and debconf's `config`) read from `control.tar`.
const DEB_SCRIPTS: [&str; 5] = ["preinst", "postinst", "prerm", "postrm", "config"];

/// deb-control(5) relationship fields and their [`Inspection::relations`] keys.
const DEB_RELATIONS: [(&str, &str); 9] = [
    ("Depends", "depends"),
    ("Pre-Depends", "pre_depends"),
    ("Recommends", "recommends"),
    ("Suggests", "suggests"),
    ("Enhances", "enhances"),
    ("Breaks", "breaks"),
    ("Conflicts", "conflicts"),
    ("Replaces", "replaces"),
    ("Provides", "provides"),
];

/// What `control.tar` holds.
#[derive(Default)]
struct ControlParts {
    control: Option<Vec<u8>>,
    conffiles: Option<Vec<u8>>,
    scripts: BTreeMap<String, String>,
}

/// Reads a .deb: the `ar` container (deb(5): common format, `!<arch>\n`, 60-byte member
/// headers, members padded to an even size) is parsed here rather than with the `ar` crate,
/// which panics on some damaged headers (a GNU `/N` name without a name table).
fn read_deb<R: BufRead>(mut r: R) -> Result<Inspection, Fail> {
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut r, &mut magic).map_err(|e| Fail::io("ar archive", e))?;
    if n < 8 || &magic != b"!<arch>\n" {
        return Err(Fail::Invalid("no ar archive signature".into()));
    }
    let mut control: Option<ControlParts> = None;
    let mut data: Option<(Codec, Vec<FileInfo>)> = None;
    let mut license = None;
    let mut index = 0usize;
    loop {
        let mut header = [0u8; 60];
        let n = read_up_to(&mut r, &mut header).map_err(|e| Fail::io("ar member header", e))?;
        if n == 0 {
            break;
        }
        if n < 60 {
            return Err(Fail::Invalid(format!(
                "ar member header {} is cut short after {n} of 60 bytes (the file is truncated)",
                index + 1
            )));
        }
        let (name, size) = ar_member(&header, index)?;
        let mut member = Counting {
            inner: (&mut r).take(size),
            count: 0,
        };
        match name.as_str() {
            "debian-binary" if index == 0 => {
                let mut v = Vec::new();
                (&mut member)
                    .take(64)
                    .read_to_end(&mut v)
                    .map_err(|e| Fail::io("debian-binary", e))?;
                let v = String::from_utf8_lossy(&v).trim().to_string();
                if !v.starts_with("2.") {
                    return Err(Fail::Unsupported(format!(
                        "deb format version '{v}'; pkgr reads version 2.x (deb(5))"
                    )));
                }
            }
            _ if index == 0 => {
                return Err(Fail::Invalid(format!(
                    "the first ar member is '{name}'; deb(5) requires 'debian-binary'"
                )))
            }
            n if n.starts_with("control.tar") => {
                control = Some(read_control_tar(&mut member, &name)?);
            }
            n if n.starts_with("data.tar") => {
                let pkg_name = control
                    .as_ref()
                    .and_then(|c| c.control.as_deref())
                    .and_then(|c| parse_control(c).ok())
                    .and_then(|f| field(&f, "Package").map(|v| fold(&v)));
                let copyright = pkg_name.map(|n| format!("/usr/share/doc/{n}/copyright"));
                let (codec, files, text) = read_data_tar(&mut member, &name, copyright)?;
                license = text.as_deref().and_then(copyright_license);
                data = Some((codec, files));
            }
            // deb(5): members starting with '_' are ignored; so is anything after data.tar.
            _ => {}
        }
        io::copy(&mut member, &mut io::sink()).map_err(|e| Fail::io(&name, e))?;
        if member.count != size {
            return Err(Fail::Invalid(format!(
                "ar member '{name}' is cut short: {} of {size} bytes (the file is truncated)",
                member.count
            )));
        }
        if size % 2 == 1 {
            let mut pad = [0u8; 1];
            if read_up_to(&mut r, &mut pad).map_err(|e| Fail::io("ar padding", e))? == 0 {
                return Err(Fail::Invalid(format!(
                    "ar member '{name}' lacks its padding byte (the file is truncated)"
                )));
            }
        }
        index += 1;
    }
    if index == 0 {
        return Err(Fail::Invalid(
            "the ar archive is empty; deb(5) requires debian-binary, control.tar and data.tar"
                .into(),
        ));
    }
    let Some(control) = control else {
        return Err(Fail::Invalid(
            "there is no control.tar member (deb(5))".into(),
        ));
    };
    let Some((codec, mut files)) = data else {
        return Err(Fail::Invalid("there is no data.tar member (deb(5))".into()));
    };
    let Some(control_text) = control.control else {
        return Err(Fail::Invalid(
            "control.tar has no 'control' file (deb(5))".into(),
        ));
    };
    let fields = parse_control(&control_text)?;
    let one_line = |name: &str| field(&fields, name).map(|v| fold(&v));
    let (summary, description) = match field(&fields, "Description") {
        Some(d) => split_description(&d),
        None => (None, None),
    };
    let mut relations = BTreeMap::new();
    for (name, key) in DEB_RELATIONS {
        if let Some(v) = field(&fields, name) {
            let list = split_relations(&v);
            if !list.is_empty() {
                relations.insert(key.to_string(), list);
            }
        }
    }
    let conffiles = control
        .conffiles
        .map(|c| {
            String::from_utf8_lossy(&c)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    sort_files(&mut files);
    Ok(Inspection {
        format: "deb".into(),
        compression: Some(codec.name().into()),
        name: one_line("Package"),
        version: one_line("Version"),
        architecture: one_line("Architecture"),
        maintainer: one_line("Maintainer"),
        homepage: one_line("Homepage"),
        license,
        summary,
        description,
        relations,
        scripts: control.scripts,
        conffiles,
        files,
    })
}

/// Parses a 60-byte ar member header: the name (GNU's trailing `/` dropped) and the size.
fn ar_member(header: &[u8; 60], index: usize) -> Result<(String, u64), Fail> {
    let bad =
        |why: &str| Fail::Invalid(format!("ar member header {} is damaged: {why}", index + 1));
    if header.get(58..60) != Some(&b"`\n"[..]) {
        return Err(bad("it does not end in '`\\n'"));
    }
    let raw_name = header.get(..16).unwrap_or(&[]);
    let mut name = String::from_utf8_lossy(raw_name).trim_end().to_string();
    if name.starts_with('/') || name.starts_with("#1/") {
        return Err(bad(&format!(
            "name '{name}' uses an ar name-table extension, which deb(5) does not allow"
        )));
    }
    if let Some(stripped) = name.strip_suffix('/') {
        name = stripped.to_string();
    }
    let size_text = String::from_utf8_lossy(header.get(48..58).unwrap_or(&[]))
        .trim()
        .to_string();
    let size = size_text
        .parse::<u64>()
        .map_err(|_| bad(&format!("size '{size_text}' is not a decimal number")))?;
    Ok((name, size))
}

/// Opens a compressed tar member: its compression from its first bytes (the name's suffix only
/// refuses `.bz2` and `.lzma`).
fn member_decoder<'a, R: Read + 'a>(r: R, name: &str) -> Result<(Codec, Box<dyn Read + 'a>), Fail> {
    if name.ends_with(".bz2") || name.ends_with(".lzma") {
        return Err(Fail::Unsupported(format!(
            "{name}: bzip2 and lzma compression are not supported (pkgr reads gzip, xz and zstd)"
        )));
    }
    let mut r = r;
    let mut head = [0u8; 8];
    let n = read_up_to(&mut r, &mut head).map_err(|e| Fail::io(name, e))?;
    let head = head.get(..n).unwrap_or(&[]).to_vec();
    let codec = Codec::sniff(&head).map_err(|why| Fail::Unsupported(format!("{name}: {why}")))?;
    let joined = BufReader::new(io::Cursor::new(head).chain(r));
    let dec = codec.decoder(joined).map_err(|e| Fail::io(name, e))?;
    Ok((codec, dec))
}

fn read_control_tar<R: Read>(r: R, name: &str) -> Result<ControlParts, Fail> {
    let (_, dec) = member_decoder(r, name)?;
    let mut parts = ControlParts::default();
    walk_tar(dec, name, |info, data| {
        if info.kind != "file" {
            return Ok(());
        }
        let member = info.path.trim_start_matches('/');
        match member {
            "control" => parts.control = Some(read_member(info, data, name)?),
            "conffiles" => parts.conffiles = Some(read_member(info, data, name)?),
            s if DEB_SCRIPTS.contains(&s) => {
                let text = read_member(info, data, name)?;
                parts
                    .scripts
                    .insert(s.to_string(), String::from_utf8_lossy(&text).into_owned());
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(parts)
}

type DataTar = (Codec, Vec<FileInfo>, Option<Vec<u8>>);

fn read_data_tar<R: Read>(r: R, name: &str, capture: Option<String>) -> Result<DataTar, Fail> {
    let (codec, dec) = member_decoder(r, name)?;
    let mut captured = None;
    let files = walk_tar(dec, name, |info, data| {
        if info.kind == "file" && Some(&info.path) == capture.as_ref() && info.size <= MEMBER_MAX {
            captured = Some(read_member(info, data, name)?);
        }
        Ok(())
    })?;
    Ok((codec, files, captured))
}

/// The first `License:` field of a copyright file (DEP-5), if any.
fn copyright_license(text: &[u8]) -> Option<String> {
    String::from_utf8_lossy(text).lines().find_map(|l| {
        l.strip_prefix("License:")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    })
}

/// A deb-control(5) paragraph: `(name, value)` pairs in order, each value being the text after
/// `Name:` with its continuation lines joined by `\n` (each still starting with its space or
/// tab). `#` comment lines are skipped; the first blank line after a field ends the paragraph.
fn parse_control(raw: &[u8]) -> Result<Vec<(String, String)>, Fail> {
    let text = String::from_utf8_lossy(raw);
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if fields.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let Some((_, value)) = fields.last_mut() else {
                return Err(Fail::Invalid(format!(
                    "control: line {} is a continuation line before any field (deb-control(5))",
                    i + 1
                )));
            };
            value.push('\n');
            value.push_str(line);
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Fail::Invalid(format!(
                "control: line {} is not a 'Field: value' line (deb-control(5)): '{}'",
                i + 1,
                line.escape_debug()
            )));
        };
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(fields)
}

/// A field's raw value; names compare case-insensitively (deb-control(5)).
fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// A folded field as one line: runs of whitespace (line breaks included) become one space.
fn fold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a relationship field on commas; each entry keeps its own syntax, whitespace folded.
fn split_relations(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(fold)
        .filter(|s| !s.is_empty())
        .collect()
}

/// `Description`: the synopsis (first line) and the extended text, each continuation line
/// without its first space, and ` .` lines as empty lines (deb-control(5)).
fn split_description(value: &str) -> (Option<String>, Option<String>) {
    let mut lines = value.lines();
    let synopsis = lines
        .next()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let extended: Vec<String> = lines
        .map(|l| {
            let l = l.strip_prefix([' ', '\t']).unwrap_or(l);
            if l.trim_end() == "." {
                String::new()
            } else {
                l.trim_end().to_string()
            }
        })
        .collect();
    let extended = extended.join("\n");
    let extended = (!extended.trim().is_empty()).then_some(extended);
    (synopsis, extended)
}

// ---------------------------------------------------------------------------------------------
// rpm

/// rpm's own header limits (`hdrchkTags`, `hdrchkData` in rpm's header.c).
const RPM_TAGS_MAX: u32 = 0xffff;
const RPM_DATA_MAX: u32 = 0x0fff_ffff;
const RPM_LEAD_SIZE: usize = 96;

/// One index entry of an RPM header, checked to lie inside the data store.
struct RawEntry {
    tag: u32,
    kind: u32,
    offset: usize,
}

struct RawHeader {
    entries: Vec<RawEntry>,
    store: Vec<u8>,
}

impl RawHeader {
    /// An integer tag's first value (`INT32` or `INT64`).
    fn integer(&self, tag: u32) -> Option<u64> {
        let e = self.entries.iter().find(|e| e.tag == tag)?;
        let at = |n: usize| self.store.get(e.offset..e.offset.checked_add(n)?);
        match e.kind {
            4 => at(4)
                .and_then(|b| b.try_into().ok())
                .map(|b| u32::from_be_bytes(b) as u64),
            5 => at(8)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_be_bytes),
            _ => None,
        }
    }
}

/// Reads one header structure (RPM file format: 16-byte intro with magic `8e ad e8 01`, entry
/// count and store size, the index, then the store), appending its bytes to `raw`, and checks
/// that every entry's data lies inside the store, so the `rpm` crate can index it safely.
fn read_rpm_header<R: Read>(
    r: &mut R,
    raw: &mut Vec<u8>,
    file_len: u64,
    what: &str,
) -> Result<RawHeader, Fail> {
    let mut intro = [0u8; 16];
    r.read_exact(&mut intro).map_err(|e| Fail::io(what, e))?;
    if intro.get(..4) != Some(&[0x8e, 0xad, 0xe8, 0x01][..]) {
        return Err(Fail::Invalid(format!(
            "{what}: no header magic (8e ad e8 01) where the RPM file format puts it"
        )));
    }
    let word = |at: usize| {
        intro
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .unwrap_or(0)
    };
    let (il, dl) = (word(8), word(12));
    if il > RPM_TAGS_MAX || dl > RPM_DATA_MAX {
        return Err(Fail::Invalid(format!(
            "{what}: it claims {il} entries and {dl} data bytes, beyond rpm's limits ({RPM_TAGS_MAX} entries, {RPM_DATA_MAX} bytes)"
        )));
    }
    let index_len = il as usize * 16;
    let need = raw.len() as u64 + 16 + index_len as u64 + dl as u64;
    if need > file_len {
        return Err(Fail::Invalid(format!(
            "{what}: it needs the file to be at least {need} bytes, but it has {file_len} (the file is truncated)"
        )));
    }
    let mut index = vec![0u8; index_len];
    r.read_exact(&mut index).map_err(|e| Fail::io(what, e))?;
    let mut store = vec![0u8; dl as usize];
    r.read_exact(&mut store).map_err(|e| Fail::io(what, e))?;
    let mut entries = Vec::with_capacity(il as usize);
    for (i, chunk) in index.chunks_exact(16).enumerate() {
        let w = |at: usize| {
            chunk
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
                .unwrap_or(0)
        };
        let (tag, kind, offset, count) = (w(0), w(4), w(8) as i32, w(12));
        let bad = |why: String| Fail::Invalid(format!("{what}: index entry {i} (tag {tag}) {why}"));
        let offset = usize::try_from(offset)
            .ok()
            .filter(|&o| o <= store.len())
            .ok_or_else(|| bad(format!("points outside the {dl}-byte data store")))?;
        let rest = store.get(offset..).unwrap_or(&[]);
        let fits = |width: u64| (count as u64).saturating_mul(width) <= rest.len() as u64;
        let ok = match kind {
            0 => true,
            1 | 2 | 7 => fits(1),
            3 => fits(2),
            4 => fits(4),
            5 => fits(8),
            6 => memchr::memchr(0, rest).is_some(),
            8 | 9 => {
                let mut left = rest;
                let mut ok = fits(1);
                for _ in 0..if ok { count } else { 0 } {
                    match memchr::memchr(0, left) {
                        Some(nul) => left = left.get(nul + 1..).unwrap_or(&[]),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                ok
            }
            other => return Err(bad(format!("has the unknown data type {other}"))),
        };
        if !ok {
            return Err(bad(format!(
                "has {count} items of type {kind} that do not fit in the data store"
            )));
        }
        entries.push(RawEntry { tag, kind, offset });
    }
    raw.extend_from_slice(&intro);
    raw.extend_from_slice(&index);
    raw.extend_from_slice(&store);
    Ok(RawHeader { entries, store })
}

/// RPM scriptlets in their conventional order, by spec-file name.
type ScriptGetter = fn(&rpm::PackageMetadata) -> Result<rpm::Scriptlet, rpm::Error>;
const RPM_SCRIPTS: [(&str, ScriptGetter); 9] = [
    ("%pretrans", rpm::PackageMetadata::get_pre_trans_script),
    ("%pre", rpm::PackageMetadata::get_pre_install_script),
    ("%post", rpm::PackageMetadata::get_post_install_script),
    ("%preun", rpm::PackageMetadata::get_pre_uninstall_script),
    ("%postun", rpm::PackageMetadata::get_post_uninstall_script),
    ("%posttrans", rpm::PackageMetadata::get_post_trans_script),
    ("%preuntrans", rpm::PackageMetadata::get_pre_untrans_script),
    (
        "%postuntrans",
        rpm::PackageMetadata::get_post_untrans_script,
    ),
    ("%verifyscript", rpm::PackageMetadata::get_verify_script),
];

type DepGetter = fn(&rpm::PackageMetadata) -> Result<Vec<rpm::Dependency>, rpm::Error>;
const RPM_RELATIONS: [(&str, DepGetter); 8] = [
    ("depends", rpm::PackageMetadata::get_requires),
    ("provides", rpm::PackageMetadata::get_provides),
    ("conflicts", rpm::PackageMetadata::get_conflicts),
    ("replaces", rpm::PackageMetadata::get_obsoletes),
    ("recommends", rpm::PackageMetadata::get_recommends),
    ("suggests", rpm::PackageMetadata::get_suggests),
    ("enhances", rpm::PackageMetadata::get_enhances),
    ("supplements", rpm::PackageMetadata::get_supplements),
];

fn rpm_fail(what: &str, e: rpm::Error) -> Fail {
    Fail::Invalid(format!("header {what}: {e}"))
}

/// An optional string tag: absent is `None`, unreadable is an error.
fn rpm_opt(what: &str, r: Result<&str, rpm::Error>) -> Result<Option<String>, Fail> {
    match r {
        Ok(s) => Ok(Some(s.to_string())),
        Err(rpm::Error::TagNotFound(_)) => Ok(None),
        Err(e) => Err(rpm_fail(what, e)),
    }
}

/// A dependency as rpm prints it: `name`, or `name OP version`.
fn rpm_dependency(d: &rpm::Dependency) -> String {
    use rpm::DependencyFlags as F;
    let (lt, gt, eq) = (
        d.flags.contains(F::LESS),
        d.flags.contains(F::GREATER),
        d.flags.contains(F::EQUAL),
    );
    let op = match (lt, gt, eq) {
        (true, false, true) => "<=",
        (false, true, true) => ">=",
        (true, false, false) => "<",
        (false, true, false) => ">",
        (false, false, true) => "=",
        _ => "",
    };
    if op.is_empty() || d.version.is_empty() {
        d.name.clone()
    } else {
        format!("{} {op} {}", d.name, d.version)
    }
}

fn read_rpm<R: BufRead>(mut r: R, file_len: u64) -> Result<Inspection, Fail> {
    let mut raw = Vec::new();
    let mut lead = [0u8; RPM_LEAD_SIZE];
    r.read_exact(&mut lead).map_err(|e| Fail::io("lead", e))?;
    raw.extend_from_slice(&lead);
    let sig = read_rpm_header(&mut r, &mut raw, file_len, "signature header")?;
    // The signature header is padded to a multiple of 8 bytes.
    let pad = (8 - sig.store.len() % 8) % 8;
    let mut padding = vec![0u8; pad];
    r.read_exact(&mut padding)
        .map_err(|e| Fail::io("signature header padding", e))?;
    raw.extend_from_slice(&padding);
    let header_start = raw.len() as u64;
    read_rpm_header(&mut r, &mut raw, file_len, "header")?;
    // RPMSIGTAG_SIZE (1000) or RPMSIGTAG_LONGSIZE (270): header + payload bytes.
    if let Some(size) = sig.integer(1000).or_else(|| sig.integer(270)) {
        let need = header_start.saturating_add(size);
        if need > file_len {
            return Err(Fail::Invalid(format!(
                "the signature header records {size} bytes of header and payload, so the file should be {need} bytes, but it has {file_len} (the file is truncated)"
            )));
        }
    }
    let mut payload_head = [0u8; 8];
    let n = read_up_to(&mut r, &mut payload_head).map_err(|e| Fail::io("payload", e))?;
    let payload_head = payload_head.get(..n).unwrap_or(&[]);

    let md = rpm::PackageMetadata::parse(&mut &raw[..]).map_err(|e| rpm_fail("parse", e))?;

    let compression = match Codec::sniff(payload_head) {
        Err(_) => Some("bzip2".to_string()),
        // A cpio archive (newc `070701`, crc `070702`, rpm's large-file `07070X`).
        Ok(Codec::None) if payload_head.starts_with(b"07070") => Some("none".to_string()),
        // No payload, or one pkgr does not recognise (lzma): what the header declares.
        Ok(Codec::None) => md.get_payload_compressor().ok().map(|c| c.to_string()),
        Ok(c) => Some(c.name().to_string()),
    };

    let version = {
        let v = rpm_opt("Version", md.get_version())?;
        let rel = rpm_opt("Release", md.get_release())?;
        let epoch = match md.get_epoch() {
            Ok(e) => Some(e),
            Err(rpm::Error::TagNotFound(_)) => None,
            Err(e) => return Err(rpm_fail("Epoch", e)),
        };
        v.map(|v| {
            let mut s = epoch.map(|e| format!("{e}:")).unwrap_or_default();
            s.push_str(&v);
            if let Some(rel) = rel {
                s.push('-');
                s.push_str(&rel);
            }
            s
        })
    };

    let mut relations = BTreeMap::new();
    for (key, get) in RPM_RELATIONS {
        let deps = get(&md).map_err(|e| rpm_fail(key, e))?;
        let list: Vec<String> = deps
            .iter()
            .filter(|d| {
                !d.flags.contains(rpm::DependencyFlags::RPMLIB) && !d.name.starts_with("rpmlib(")
            })
            .map(rpm_dependency)
            .collect();
        if !list.is_empty() {
            relations.insert(key.to_string(), list);
        }
    }

    let mut scripts = BTreeMap::new();
    for (name, get) in RPM_SCRIPTS {
        match get(&md) {
            Ok(s) => {
                let prog = s.program.as_deref().unwrap_or(&[]);
                let text = match prog.first() {
                    Some(p) if p.starts_with('/') && !s.script.starts_with("#!") => {
                        format!("#!{}\n{}", prog.join(" "), s.script)
                    }
                    _ => s.script.clone(),
                };
                scripts.insert(name.to_string(), text);
            }
            Err(rpm::Error::TagNotFound(_)) => {}
            Err(e) => return Err(rpm_fail(name, e)),
        }
    }

    let (files, conffiles) = rpm_files(&md)?;

    Ok(Inspection {
        format: "rpm".into(),
        compression,
        name: rpm_opt("Name", md.get_name())?,
        version,
        architecture: rpm_opt("Arch", md.get_arch())?,
        maintainer: rpm_opt("Packager", md.get_packager())?,
        homepage: rpm_opt("URL", md.get_url())?,
        license: rpm_opt("License", md.get_license())?,
        summary: rpm_opt("Summary", md.get_summary())?,
        description: rpm_opt("Description", md.get_description())?,
        relations,
        scripts,
        conffiles,
        files,
    })
}

/// The file list from the header. Regular files sharing a device and inode number are hard
/// links (as rpm stores them): the first path in order is the file, the others link to it.
fn rpm_files(md: &rpm::PackageMetadata) -> Result<(Vec<FileInfo>, Vec<String>), Fail> {
    let entries = md
        .get_file_entries()
        .map_err(|e| rpm_fail("file list", e))?;
    let mut files = Vec::with_capacity(entries.len());
    let mut conffiles = Vec::new();
    let mut keys = Vec::with_capacity(entries.len());
    let inodes = md
        .header
        .get_entry_data_as_u32_array(rpm::IndexTag::RPMTAG_FILEINODES)
        .ok();
    let devices = md
        .header
        .get_entry_data_as_u32_array(rpm::IndexTag::RPMTAG_FILEDEVICES)
        .ok();
    for (i, e) in entries.iter().enumerate() {
        let raw = e.path();
        let Some(path) = norm_path(raw.to_string_lossy().as_bytes()) else {
            continue;
        };
        let kind = match e.file_type() {
            rpm::FileType::Regular => "file",
            rpm::FileType::Dir => "dir",
            rpm::FileType::SymbolicLink => "symlink",
            rpm::FileType::CharacterDevice => "chardev",
            rpm::FileType::BlockDevice => "blockdev",
            rpm::FileType::Fifo => "fifo",
            rpm::FileType::Socket => "socket",
            _ => "other",
        };
        if e.flags().contains(rpm::FileFlags::CONFIG) {
            conffiles.push(path.clone());
        }
        let key = match (&inodes, &devices) {
            (Some(ino), Some(dev)) if kind == "file" => {
                ino.get(i).copied().zip(dev.get(i).copied())
            }
            _ => None,
        };
        keys.push(key);
        let outside = escapes_root(raw.as_os_str().as_encoded_bytes(), false);
        files.push(FileInfo {
            outside,
            path,
            kind: kind.to_string(),
            mode: u32::from(e.permissions()) & 0o7777,
            user: e.user().to_string(),
            group: e.group().to_string(),
            size: if kind == "file" { e.size() as u64 } else { 0 },
            target: (kind == "symlink").then(|| e.linkto().unwrap_or("").to_string()),
        });
    }
    let mut groups: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        if let Some(k) = key {
            groups.entry(*k).or_default().push(i);
        }
    }
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let mut members = members.clone();
        members.sort_by(|&a, &b| {
            let pa = files.get(a).map(|f| f.path.as_str()).unwrap_or("");
            let pb = files.get(b).map(|f| f.path.as_str()).unwrap_or("");
            pa.split('/').cmp(pb.split('/'))
        });
        let Some(first) = members
            .first()
            .and_then(|&i| files.get(i))
            .map(|f| f.path.clone())
        else {
            continue;
        };
        for &i in members.iter().skip(1) {
            if let Some(f) = files.get_mut(i) {
                f.kind = "hardlink".into();
                f.size = 0;
                f.target = Some(first.clone());
            }
        }
    }
    sort_files(&mut files);
    conffiles.sort();
    Ok((files, conffiles))
}

// ---------------------------------------------------------------------------------------------
// Text

/// `ls -l` permissions: the type letter (`-`, `d`, `l`, `h` for a hard link as `tar -tv` and
/// `dpkg-deb --contents` print it, `c`, `b`, `p`, `s`) and `rwx` triplets with setuid, setgid
/// and sticky bits.
fn mode_string(kind: &str, mode: u32) -> String {
    let t = match kind {
        "dir" => 'd',
        "symlink" => 'l',
        "hardlink" => 'h',
        "chardev" => 'c',
        "blockdev" => 'b',
        "fifo" => 'p',
        "socket" => 's',
        "file" => '-',
        _ => '?',
    };
    let mut s = String::with_capacity(10);
    s.push(t);
    let bit = |b: u32| mode & b != 0;
    for (r, w, x, special, set, unset) in [
        (0o400, 0o200, 0o100, 0o4000, 's', 'S'),
        (0o040, 0o020, 0o010, 0o2000, 's', 'S'),
        (0o004, 0o002, 0o001, 0o1000, 't', 'T'),
    ] {
        s.push(if bit(r) { 'r' } else { '-' });
        s.push(if bit(w) { 'w' } else { '-' });
        s.push(match (bit(x), bit(special)) {
            (true, true) => set,
            (false, true) => unset,
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// Lays an [`Inspection`] out for a person: a block of `Field: value` lines, the relations, the
/// scripts (name and line count), the conffiles, then one `ls -l`-like line per file
/// (`-rwxr-xr-x root/root  1234 /usr/bin/x`, with `-> target` for symlinks and `link to
/// target` for hard links).
pub fn render_text(i: &Inspection) -> String {
    let mut s = String::new();
    let line = |s: &mut String, k: &str, v: &str| {
        s.push_str(&format!("{:<14}{}\n", format!("{k}:"), shown(v)));
    };
    line(&mut s, "Format", &i.format);
    for (k, v) in [
        ("Compression", &i.compression),
        ("Package", &i.name),
        ("Version", &i.version),
        ("Architecture", &i.architecture),
        ("Maintainer", &i.maintainer),
        ("Homepage", &i.homepage),
        ("License", &i.license),
        ("Summary", &i.summary),
    ] {
        if let Some(v) = v {
            line(&mut s, k, v);
        }
    }
    if let Some(d) = &i.description {
        s.push_str("Description:\n");
        for l in d.lines() {
            s.push_str(format!("  {}", shown(l)).trim_end());
            s.push('\n');
        }
    }
    if !i.relations.is_empty() {
        s.push_str("Relations:\n");
        for (k, v) in &i.relations {
            s.push_str(&format!(
                "  {:<13}{}\n",
                format!("{k}: "),
                shown(&v.join(", "))
            ));
        }
    }
    if !i.scripts.is_empty() {
        s.push_str("Scripts:\n");
        for (k, v) in &i.scripts {
            let n = v.lines().count();
            let unit = if n == 1 { "line" } else { "lines" };
            s.push_str(&format!("  {:<13}{n} {unit}\n", format!("{k} ")));
        }
    }
    if !i.conffiles.is_empty() {
        s.push_str("Conffiles:\n");
        for c in &i.conffiles {
            s.push_str(&format!("  {}\n", shown(c)));
        }
    }
    let n = i.files.len();
    s.push_str(&format!(
        "Files:        {n} {}\n",
        if n == 1 { "entry" } else { "entries" }
    ));
    let owners: Vec<String> = i
        .files
        .iter()
        .map(|f| shown(&format!("{}/{}", f.user, f.group)))
        .collect();
    let ow = owners.iter().map(String::len).max().unwrap_or(0);
    let sw = i
        .files
        .iter()
        .map(|f| f.size.to_string().len())
        .max()
        .unwrap_or(1);
    for (f, owner) in i.files.iter().zip(&owners) {
        let mut suffix = match (f.kind.as_str(), &f.target) {
            ("symlink", Some(t)) => format!(" -> {}", shown(t)),
            ("hardlink", Some(t)) => format!(" link to {}", shown(t)),
            _ => String::new(),
        };
        if f.outside {
            suffix.push_str("  [outside the root: an extractor that honours it writes outside]");
        }
        s.push_str(&format!(
            "  {} {owner:<ow$} {:>sw$} {}{suffix}\n",
            mode_string(&f.kind, f.mode),
            f.size,
            shown(&f.path)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::{Algorithm, Compression};
    use crate::format::{deb::Deb, rpm::Rpm, scripts, tar::Tar, Format, WriteContext};
    use crate::model::{Entry, EntryKind, Metadata, Package, Phase, PkgPath};
    use crate::relation::Relation;

    fn p(s: &str) -> PkgPath {
        PkgPath::parse(s).unwrap()
    }

    fn rel(s: &str) -> Relation {
        Relation::parse(s).unwrap()
    }

    /// A package using every kind of entry, relation and script the model has.
    fn sample() -> Package {
        let mut pkg = Package {
            meta: Metadata {
                name: "hello".into(),
                version: "1.0".into(),
                iteration: Some("3".into()),
                epoch: Some(2),
                architecture: "amd64".into(),
                maintainer: "A B <a@example.org>".into(),
                url: Some("https://example.org/hello".into()),
                license: Some("MIT".into()),
                description: "Say hello\nLonger text about saying hello.".into(),
                category: "misc".into(),
                priority: "optional".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut conf = Entry::bytes(p("/etc/hello/hello.conf"), b"greeting=hi\n".to_vec(), 0o644);
        conf.config = true;
        pkg.entries.push(conf);
        pkg.entries.push(Entry::bytes(
            p("/usr/bin/hello"),
            b"#!/bin/sh\necho hello\n".to_vec(),
            0o755,
        ));
        pkg.entries
            .push(Entry::symlink(p("/usr/bin/hi"), b"hello".to_vec()));
        pkg.entries.push(Entry {
            kind: EntryKind::HardLink {
                target: p("/usr/bin/hello"),
            },
            ..Entry::bytes(p("/usr/bin/hello-again"), Vec::new(), 0o755)
        });
        let mut private = Entry::dir(p("/var/lib/hello"));
        private.mode = 0o750;
        private.user = "hello".into();
        private.group = "hello".into();
        pkg.entries.push(private);
        let long = format!("/opt/hello/{}/data.txt", "d".repeat(120));
        pkg.entries
            .push(Entry::bytes(p(&long), vec![b'x'; 3000], 0o600));
        pkg.entries.push(Entry::symlink(
            p("/opt/hello/long-link"),
            format!("{}/data.txt", "d".repeat(120)).into_bytes(),
        ));
        pkg.finalize().unwrap();
        let r = &mut pkg.relations;
        r.depends.push(rel("libpq5 (>= 15) | libpq-ng"));
        r.depends.push(rel("curl (>= 7.0)"));
        r.pre_depends.push(rel("dpkg (>= 1.19)"));
        r.recommends.push(rel("less"));
        r.suggests.push(rel("jq (>= 1.6)"));
        r.provides.push(rel("hello-api (= 1.0)"));
        r.conflicts.push(rel("hello-legacy"));
        r.replaces.push(rel("old-hello (<< 1.0)"));
        pkg.scripts.user.insert(
            Phase::AfterInstall,
            "#!/bin/sh\necho installed \"$1\"\n".into(),
        );
        pkg.scripts
            .user
            .insert(Phase::BeforeRemove, "#!/bin/bash\necho bye\n".into());
        pkg.add_fragment(
            Phase::BeforeRemove,
            "clean up",
            "rm -f /tmp/hello.cache".into(),
        );
        pkg
    }

    fn ctx_write(t: &dyn Format, pkg: &Package, dir: &Path, name: &str) -> PathBuf {
        let l = crate::listener::Collect::default();
        let ctx = WriteContext {
            mtime: 1_700_000_000,
            listener: &l,
            auto_depends: true,
            strict: false,
            scratch: None,
        };
        let mut out = Vec::new();
        t.write(pkg, &mut out, &ctx).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, out).unwrap();
        path
    }

    fn comp(a: Algorithm) -> Compression {
        Compression::new(a, None).unwrap()
    }

    /// The FileInfo a model entry should read back as, given its package.
    fn info_of(e: &Entry) -> FileInfo {
        let (kind, size, target) = match &e.kind {
            EntryKind::File { size, .. } => ("file", *size, None),
            EntryKind::Dir => ("dir", 0, None),
            EntryKind::Symlink { target } => (
                "symlink",
                0,
                Some(String::from_utf8_lossy(target).into_owned()),
            ),
            EntryKind::HardLink { target } => ("hardlink", 0, Some(target.display())),
        };
        FileInfo {
            path: e.path.display(),
            kind: kind.into(),
            mode: e.mode,
            user: e.user.clone(),
            group: e.group.clone(),
            size,
            target,
            outside: false,
        }
    }

    fn find<'a>(files: &'a [FileInfo], path: &str) -> &'a FileInfo {
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not listed: {files:#?}"))
    }

    #[test]
    fn deb_round_trips_for_every_data_compression() {
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        for (alg, name) in [
            (Algorithm::Gzip, "gzip"),
            (Algorithm::Xz, "xz"),
            (Algorithm::Zstd, "zstd"),
            (Algorithm::None, "none"),
        ] {
            let path = ctx_write(&Deb::new(comp(alg)), &pkg, dir.path(), "hello.deb");
            let i = inspect(&path).unwrap();
            assert_eq!(i.format, "deb");
            assert_eq!(i.compression.as_deref(), Some(name));
            assert_eq!(i.name.as_deref(), Some("hello"));
            assert_eq!(i.version.as_deref(), Some("2:1.0-3"));
            assert_eq!(i.architecture.as_deref(), Some("amd64"));
            assert_eq!(i.maintainer.as_deref(), Some("A B <a@example.org>"));
            assert_eq!(i.homepage.as_deref(), Some("https://example.org/hello"));
            assert_eq!(i.license.as_deref(), Some("MIT"));
            assert_eq!(i.summary.as_deref(), Some("Say hello"));
            assert_eq!(
                i.description.as_deref(),
                Some("Longer text about saying hello.")
            );
            let r = &pkg.relations;
            let deb = |l: &[Relation]| l.iter().map(Relation::to_debian).collect::<Vec<_>>();
            let mut want = BTreeMap::new();
            want.insert("depends".to_string(), deb(&r.depends));
            want.insert("pre_depends".to_string(), deb(&r.pre_depends));
            want.insert("recommends".to_string(), deb(&r.recommends));
            want.insert("suggests".to_string(), deb(&r.suggests));
            want.insert("provides".to_string(), deb(&r.provides));
            want.insert("conflicts".to_string(), deb(&r.conflicts));
            want.insert("replaces".to_string(), deb(&r.replaces));
            assert_eq!(i.relations, want);
            assert_eq!(i.relations["depends"][0], "libpq5 (>= 15) | libpq-ng");
            let mut scripts_want = BTreeMap::new();
            for slot in &scripts::DEB {
                if let Some(s) = scripts::render(&pkg, slot) {
                    scripts_want.insert(slot.name.to_string(), s.text);
                }
            }
            assert_eq!(i.scripts, scripts_want);
            assert_eq!(
                i.scripts["postinst"], "#!/bin/sh\necho installed \"$1\"\n",
                "a lone user script is shipped verbatim"
            );
            assert!(i.scripts["prerm"].contains("rm -f /tmp/hello.cache"));
            assert_eq!(i.conffiles, ["/etc/hello/hello.conf"]);
            // Every model entry, exactly (but the directories no Debian package owns, which a
            // deb never ships); the extras are the doc files the deb target adds.
            for e in &pkg.entries {
                if crate::sysdirs::is_debian_unowned(&e.path.display()) {
                    assert!(i.files.iter().all(|f| f.path != e.path.display()));
                    continue;
                }
                assert_eq!(find(&i.files, &e.path.display()), &info_of(e));
            }
            let extras: Vec<&str> = i
                .files
                .iter()
                .map(|f| f.path.as_str())
                .filter(|path| pkg.entries.iter().all(|e| e.path.display() != *path))
                .collect();
            assert_eq!(
                extras,
                [
                    "/usr/share",
                    "/usr/share/doc",
                    "/usr/share/doc/hello",
                    "/usr/share/doc/hello/changelog.Debian.gz",
                    "/usr/share/doc/hello/copyright",
                    "/usr/share/lintian",
                    "/usr/share/lintian/overrides",
                    "/usr/share/lintian/overrides/hello",
                ]
            );
            let mut sorted = i.files.clone();
            sort_files(&mut sorted);
            assert_eq!(sorted, i.files, "sorted");
        }
    }

    #[test]
    fn deb_file_list_matches_dpkg_deb_contents() {
        if !tool("dpkg-deb") {
            return;
        }
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = ctx_write(&Deb::new(comp(Algorithm::Xz)), &pkg, dir.path(), "h.deb");
        let i = inspect(&path).unwrap();
        let out = std::process::Command::new("dpkg-deb")
            .arg("--contents")
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        // `drwxr-xr-x root/root         0 2023-11-14 22:13 ./usr/`
        let mut theirs: Vec<String> = Vec::new();
        for l in text.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (perms, owner, size) = (f[0], f[1], f[2]);
            let name_at = l.find(" ./").unwrap() + 1;
            let rest = &l[name_at..];
            let (name, target) = if let Some((n, t)) = rest.split_once(" -> ") {
                (n, Some(t.to_string()))
            } else if let Some((n, t)) = rest.split_once(" link to ") {
                (n, Some(norm_path(t.as_bytes()).unwrap()))
            } else {
                (rest, None)
            };
            let Some(name) = norm_path(name.as_bytes()) else {
                continue;
            };
            theirs.push(format!("{perms} {owner} {size} {name} {target:?}"));
        }
        let ours: Vec<String> = i
            .files
            .iter()
            .map(|f| {
                format!(
                    "{} {}/{} {} {} {:?}",
                    mode_string(&f.kind, f.mode),
                    f.user,
                    f.group,
                    f.size,
                    f.path,
                    f.target
                )
            })
            .collect();
        theirs.sort();
        let mut ours_sorted = ours.clone();
        ours_sorted.sort();
        assert_eq!(ours_sorted, theirs);
    }

    /// Is `name` on PATH? Outside CI a missing tool skips the test; with CI=true it fails.
    fn tool(name: &str) -> bool {
        let found = std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()));
        if !found {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{name} is required in CI"
            );
            eprintln!("SKIPPED: {name} is not installed");
        }
        found
    }

    fn rpm_writer(alg: Algorithm) -> Rpm {
        Rpm::new(comp(alg), "pkgr".into())
    }

    #[test]
    fn rpm_round_trips_for_every_payload_compression() {
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        for (alg, name) in [
            (Algorithm::Gzip, "gzip"),
            (Algorithm::Xz, "xz"),
            (Algorithm::Zstd, "zstd"),
            (Algorithm::None, "none"),
        ] {
            let path = ctx_write(&rpm_writer(alg), &pkg, dir.path(), "hello.rpm");
            let i = inspect(&path).unwrap();
            assert_eq!(i.format, "rpm");
            assert_eq!(i.compression.as_deref(), Some(name));
            assert_eq!(i.name.as_deref(), Some("hello"));
            assert_eq!(i.version.as_deref(), Some("2:1.0-3"));
            assert_eq!(i.architecture.as_deref(), Some("x86_64"));
            assert_eq!(i.maintainer.as_deref(), Some("A B <a@example.org>"));
            assert_eq!(i.homepage.as_deref(), Some("https://example.org/hello"));
            assert_eq!(i.license.as_deref(), Some("MIT"));
            assert_eq!(i.summary.as_deref(), Some("Say hello"));
            assert_eq!(
                i.description.as_deref(),
                Some("Say hello\nLonger text about saying hello.")
            );
            let has = |key: &str, want: &[&str]| {
                let got = i.relations.get(key).cloned().unwrap_or_default();
                for w in want {
                    assert!(got.iter().any(|g| g == w), "{key}: {w} not in {got:?}");
                }
                assert!(!got.iter().any(|g| g.starts_with("rpmlib(")), "{got:?}");
            };
            has(
                "depends",
                &["(libpq5 >= 15 or libpq-ng)", "curl >= 7.0", "dpkg >= 1.19"],
            );
            has("recommends", &["less"]);
            has("suggests", &["jq >= 1.6"]);
            has("provides", &["hello-api = 1.0"]);
            has("conflicts", &["hello-legacy"]);
            has("replaces", &["old-hello < 1.0"]);
            assert!(!i.relations.contains_key("pre_depends"));
            let mut scripts_want = BTreeMap::new();
            for slot in &scripts::RPM {
                if let Some(s) = scripts::render(&pkg, slot) {
                    scripts_want.insert(slot.name.to_string(), s.text);
                }
            }
            assert_eq!(i.scripts, scripts_want);
            assert_eq!(i.scripts["%post"], "#!/bin/sh\necho installed \"$1\"\n");
            assert_eq!(i.conffiles, ["/etc/hello/hello.conf"]);
            // Every entry but the filesystem package's directories; a hard link stays a hard
            // link (rpm's hard-link set, one copy of the data).
            let mut want: Vec<FileInfo> = pkg
                .entries
                .iter()
                .filter(|e| !crate::sysdirs::is_system_dir(&e.path.display()))
                .map(info_of)
                .collect();
            sort_files(&mut want);
            assert_eq!(i.files, want);
        }
    }

    #[test]
    fn rpm_agrees_with_rpm_query() {
        if !tool("rpm") {
            return;
        }
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = ctx_write(&rpm_writer(Algorithm::Zstd), &pkg, dir.path(), "h.rpm");
        let i = inspect(&path).unwrap();
        let q = |args: &[&str]| {
            let out = std::process::Command::new("rpm")
                .arg("-qp")
                .args(args)
                .arg(&path)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            let mut v: Vec<String> = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("rpmlib("))
                .map(str::to_string)
                .collect();
            v.sort();
            v
        };
        let ours = |key: &str| {
            let mut v = i.relations.get(key).cloned().unwrap_or_default();
            v.sort();
            v
        };
        assert_eq!(ours("depends"), q(&["--requires"]));
        assert_eq!(ours("provides"), q(&["--provides"]));
        assert_eq!(ours("conflicts"), q(&["--conflicts"]));
        assert_eq!(ours("replaces"), q(&["--obsoletes"]));
        assert_eq!(ours("recommends"), q(&["--recommends"]));
        assert_eq!(ours("suggests"), q(&["--suggests"]));
        let v = q(&["--qf", "%{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\\n"]);
        assert_eq!(v, ["2:1.0-3 x86_64"]);
        let files = q(&[
            "--qf",
            "[%{FILEMODES:perms} %{FILEUSERNAME}/%{FILEGROUPNAME} %{FILENAMES}\\n]",
        ]);
        let mut mine: Vec<String> = i
            .files
            .iter()
            .map(|f| {
                // rpm lists every member of a hard-link set as a regular file.
                let kind = if f.kind == "hardlink" {
                    "file"
                } else {
                    &f.kind
                };
                format!(
                    "{} {}/{} {}",
                    mode_string(kind, f.mode),
                    f.user,
                    f.group,
                    f.path
                )
            })
            .collect();
        mine.sort();
        assert_eq!(mine, files);
    }

    #[test]
    fn tar_round_trips_for_every_compression() {
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        for (alg, name, file) in [
            (Algorithm::None, "none", "h.tar"),
            (Algorithm::Gzip, "gzip", "h.tar.gz"),
            (Algorithm::Xz, "xz", "h.tar.xz"),
            (Algorithm::Zstd, "zstd", "h.tar.zst"),
        ] {
            let path = ctx_write(&Tar::new(comp(alg), None), &pkg, dir.path(), file);
            let i = inspect(&path).unwrap();
            assert_eq!(i.format, "tar");
            assert_eq!(i.compression.as_deref(), Some(name));
            assert_eq!(i.name, None);
            assert!(i.relations.is_empty() && i.scripts.is_empty());
            // The base system's directories get no entry in a tarball.
            let mut want: Vec<FileInfo> = pkg
                .entries
                .iter()
                .filter(|e| {
                    !(e.kind == EntryKind::Dir && crate::sysdirs::is_system_dir(&e.path.display()))
                })
                .map(info_of)
                .collect();
            sort_files(&mut want);
            assert_eq!(i.files, want, "{file}");
            // Magic bytes, not the name, decide.
            let renamed = dir.path().join("mystery.bin");
            std::fs::rename(&path, &renamed).unwrap();
            assert_eq!(inspect(&renamed).unwrap(), i);
        }
    }

    #[test]
    fn gnu_tar_sparse_and_pax_archives_read_like_gnu_tar_lists_them() {
        if !tool("tar") {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        // A 1 MiB sparse file with 3 data bytes, and a file ending in zeros.
        let f = std::fs::File::create(src.join("sparse")).unwrap();
        f.set_len(1 << 20).unwrap();
        std::os::unix::fs::FileExt::write_at(&f, b"abc", 300_000).unwrap();
        std::fs::write(src.join("zeros"), vec![0u8; 4096]).unwrap();
        for format in ["gnu", "oldgnu", "pax"] {
            let out = dir.path().join(format!("{format}.tar"));
            let st = std::process::Command::new("tar")
                .args(["--sparse", &format!("--format={format}"), "-cf"])
                .arg(&out)
                .arg("-C")
                .arg(&src)
                .args(["sparse", "zeros"])
                .status()
                .unwrap();
            assert!(st.success());
            let bytes = std::fs::read(&out).unwrap();
            let i = inspect_bytes(&bytes).unwrap();
            let paths: Vec<(&str, u64)> =
                i.files.iter().map(|f| (f.path.as_str(), f.size)).collect();
            assert_eq!(paths, [("/sparse", 1 << 20), ("/zeros", 4096)], "{format}");
            // Cut right after the last entry's data: the end-of-archive block is missing,
            // though what was read last is all zeros.
            let last = bytes.len() - bytes.iter().rev().take_while(|&&b| b == 0).count();
            let data_end = last.div_ceil(512) * 512 + 4096;
            let e = inspect_bytes(&bytes[..data_end]).unwrap_err().to_string();
            assert!(e.contains("end-of-archive"), "{format}: {e}");
        }
    }

    /// One file of each kind: the bytes of every writer's output.
    fn artifacts() -> Vec<(&'static str, Vec<u8>)> {
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        let targets: Vec<(&str, Box<dyn Format>)> = vec![
            ("deb-xz", Box::new(Deb::new(comp(Algorithm::Xz)))),
            ("deb-none", Box::new(Deb::new(comp(Algorithm::None)))),
            ("rpm-gzip", Box::new(rpm_writer(Algorithm::Gzip))),
            ("rpm-none", Box::new(rpm_writer(Algorithm::None))),
            ("tar", Box::new(Tar::new(comp(Algorithm::None), None))),
            ("tar-gz", Box::new(Tar::new(comp(Algorithm::Gzip), None))),
            ("tar-xz", Box::new(Tar::new(comp(Algorithm::Xz), None))),
            ("tar-zst", Box::new(Tar::new(comp(Algorithm::Zstd), None))),
        ];
        for (name, t) in targets {
            let path = ctx_write(t.as_ref(), &pkg, dir.path(), name);
            out.push((name, std::fs::read(path).unwrap()));
        }
        out
    }

    fn inspect_bytes(bytes: &[u8]) -> Result<Inspection, InspectError> {
        inspect_from(
            io::Cursor::new(bytes),
            bytes.len() as u64,
            Path::new("mem.pkg"),
        )
    }

    #[test]
    fn truncated_files_are_errors_that_name_the_file() {
        for (name, bytes) in artifacts() {
            let len = bytes.len();
            let full = inspect_bytes(&bytes).unwrap();
            let mut cuts: Vec<usize> = vec![0, 1, 7, 8, 60, 67, 68, 96, 200, 512, 1024];
            cuts.extend((1..64).map(|k| len * k / 64));
            cuts.extend([1024, 512, 100, 9, 2, 1].map(|k| len.saturating_sub(k)));
            for cut in cuts.into_iter().filter(|&c| c < len) {
                match inspect_bytes(&bytes[..cut]) {
                    // A plain tar may lose the second of its two end-of-archive zero blocks
                    // (GNU tar accepts a lone one): nothing of the content is missing.
                    Ok(i) if name == "tar" && bytes[cut..].iter().all(|&b| b == 0) => {
                        assert_eq!(i, full)
                    }
                    Ok(_) => panic!("{name} cut at {cut} of {len} was accepted"),
                    Err(e) => assert!(e.to_string().contains("'mem.pkg'"), "{name}@{cut}: {e}"),
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.deb");
        let e = inspect(&missing).unwrap_err();
        assert!(matches!(e, InspectError::Io { .. }), "{e}");
        assert!(e.to_string().contains("missing.deb"), "{e}");
    }

    #[test]
    fn damaged_files_never_panic() {
        for (name, bytes) in artifacts() {
            // Every byte of the first 2 KiB (ar, tar and rpm lead and signature headers) and
            // of the rpm header region, then every 29th byte, each flipped two ways.
            let dense = bytes
                .len()
                .min(if name.starts_with("rpm") { 8192 } else { 2048 });
            let positions = (0..dense).chain((dense..bytes.len()).step_by(29));
            for pos in positions {
                for mask in [0xff, 0x01] {
                    let mut b = bytes.clone();
                    b[pos] ^= mask;
                    let r = std::panic::catch_unwind(|| inspect_bytes(&b));
                    assert!(
                        r.is_ok(),
                        "{name}: flipping byte {pos} with {mask:#x} panicked"
                    );
                }
            }
        }
    }

    #[test]
    fn hostile_headers_are_refused() {
        let check = |bytes: &[u8], want: &str| {
            let e = inspect_bytes(bytes).unwrap_err().to_string();
            assert!(e.contains(want), "{e} lacks {want}");
            assert!(e.contains("'mem.pkg'"), "{e}");
        };
        // The ar crate panics on this GNU name-table reference; deb(5) never uses one.
        let mut deb = b"!<arch>\n".to_vec();
        deb.extend_from_slice(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                "/5", 0, 0, 0, 644, 4
            )
            .as_bytes(),
        );
        deb.extend_from_slice(b"abcd");
        check(&deb, "name-table");
        // The rpm crate panics on an index entry pointing outside the store.
        let mut rpm = vec![0xed, 0xab, 0xee, 0xdb, 3, 0];
        rpm.resize(96, 0);
        rpm.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
        rpm.extend_from_slice(&1u32.to_be_bytes());
        rpm.extend_from_slice(&8u32.to_be_bytes());
        rpm.extend_from_slice(&1000u32.to_be_bytes());
        rpm.extend_from_slice(&4u32.to_be_bytes());
        rpm.extend_from_slice(&0x7fff_0000i32.to_be_bytes());
        rpm.extend_from_slice(&1u32.to_be_bytes());
        rpm.extend_from_slice(&[0; 8]);
        check(&rpm, "outside");
        // Huge counts are refused before anything is allocated.
        let mut big = rpm[..96].to_vec();
        big.extend_from_slice(&[0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
        big.extend_from_slice(&0x00ff_ffffu32.to_be_bytes());
        big.extend_from_slice(&0xffff_ffffu32.to_be_bytes());
        check(&big, "limits");
        check(b"", "empty");
        check(b"hello, world\n", "first bytes");
        check(b"BZh91AY&SY", "bzip2");
        let mut a = b"!<arch>\n".to_vec();
        a.extend_from_slice(
            format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                "foo.o/", 0, 0, 0, 644, 2
            )
            .as_bytes(),
        );
        a.extend_from_slice(b"xx");
        check(&a, "debian-binary");
    }

    #[test]
    fn control_fields_follow_deb_control() {
        let c = b"Package: x\nversion: 1.0\n# comment\nDepends: a (>= 1),\n b | c,\n\td\nDescription: Short\n Line one\n .\n  verbatim\nX-Extra: 1\n\nPackage: second\n";
        let f = parse_control(c).unwrap();
        assert_eq!(field(&f, "VERSION").as_deref(), Some("1.0"));
        assert_eq!(
            split_relations(&field(&f, "Depends").unwrap()),
            ["a (>= 1)", "b | c", "d"]
        );
        let (s, d) = split_description(&field(&f, "Description").unwrap());
        assert_eq!(s.as_deref(), Some("Short"));
        assert_eq!(d.as_deref(), Some("Line one\n\n verbatim"));
        assert_eq!(
            field(&f, "Package").as_deref(),
            Some("x"),
            "first paragraph only"
        );
        assert!(parse_control(b"Package: x\nnot a field\n").is_err());
        assert!(parse_control(b" leading continuation\n").is_err());
    }

    #[test]
    fn text_layout_has_header_relations_scripts_and_ls_lines() {
        let pkg = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = ctx_write(&Deb::new(comp(Algorithm::Xz)), &pkg, dir.path(), "h.deb");
        let t = render_text(&inspect(&path).unwrap());
        for want in [
            "Format:       deb\n",
            "Compression:  xz\n",
            "Package:      hello\n",
            "Version:      2:1.0-3\n",
            "Description:\n  Longer text about saying hello.\n",
            "Relations:\n",
            "  depends:     libpq5 (>= 15) | libpq-ng, curl (>= 7.0)\n",
            "  postinst     2 lines\n",
            "Conffiles:\n  /etc/hello/hello.conf\n",
            " /usr/bin/hi -> hello\n",
            " /usr/bin/hello-again link to /usr/bin/hello\n",
        ] {
            assert!(t.contains(want), "{want:?} missing from\n{t}");
        }
        assert!(
            t.lines()
                .any(|l| l.starts_with("  drwxr-x--- hello/hello ")
                    && l.ends_with(" /var/lib/hello")),
            "{t}"
        );
        assert!(
            t.lines()
                .any(|l| l.starts_with("  -rwxr-xr-x root/root ")
                    && l.ends_with(" 21 /usr/bin/hello")),
            "{t}"
        );
        assert_eq!(mode_string("file", 0o4755), "-rwsr-xr-x");
        assert_eq!(mode_string("dir", 0o1777), "drwxrwxrwt");
        assert_eq!(mode_string("file", 0o2644), "-rw-r-Sr--");
        let json = serde_json::to_string(&inspect(&path).unwrap()).unwrap();
        assert!(json.contains("\"format\":\"deb\""), "{json}");
    }
}
