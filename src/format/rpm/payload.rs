//! The file list of an rpm (the header's per-file tags) and its payload, written in one pass.
//!
//! Files are listed sorted by path as bytes (rpmbuild's order, which rpm's file lookups
//! assume), without the directories the `filesystem` package owns ([`crate::sysdirs`]).
//! Inodes are the list index + 1 and devices 1, as rpmbuild numbers them; the members of a hard-link
//! set share the inode of the first member. The payload streams every regular file once,
//! computing its digest (`FILEDIGESTS`, SHA-256 unless `--rpm-digest`) on the way, through the compressor into a scratch
//! file; the uncompressed and compressed SHA-256s (`PAYLOADDIGESTALT`, `PAYLOADDIGEST`) and
//! sizes come from the same pass. Memory does not grow with the payload.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Read, Write};

use sha2::{Digest, Sha256};

use super::attrs::Digest as FileDigest;
use super::cpio::{Cpio, Fields};
use super::header::{Header, Value};
use super::tags;
use crate::archive::ArchiveError;
use crate::compress::Compression;
use crate::format::{FormatError, WriteContext};
use crate::model::{Content, Entry, EntryKind, Package, PkgPath};

/// `S_IFREG`, `S_IFDIR`, `S_IFLNK` (stat(2)).
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

/// `%config`, `%doc`, `%config(noreplace)` bits of `FILEFLAGS` (rpm's `rpmfileAttrs`).
const RPMFILE_CONFIG: u32 = 1;
const RPMFILE_DOC: u32 = 1 << 1;
const RPMFILE_NOREPLACE: u32 = 1 << 4;

/// One file of the header's list.
#[derive(Debug)]
pub struct File<'a> {
    /// The model entry.
    pub entry: &'a Entry,
    /// The path as UTF-8 (checked by validation).
    pub path: &'a str,
    /// `st_mode`.
    pub mode: u32,
    /// Size in bytes: the data for regular files (each hard link counts it), the target's
    /// length for symlinks, 0 for directories.
    pub size: u64,
    /// `FILEFLAGS`.
    pub flags: u32,
    /// `FILEINODES`.
    pub inode: u32,
    /// The hard-link set this file belongs to (indexes into the list, ascending), if any.
    pub links: Option<usize>,
}

/// The whole file list.
#[derive(Debug)]
pub struct FileList<'a> {
    /// Files in header order.
    pub files: Vec<File<'a>>,
    /// Hard-link sets: the list indexes of each set's members, ascending.
    pub sets: Vec<Vec<usize>>,
    /// Does any file need 64-bit sizes (4 GiB or more)?
    pub large: bool,
}

/// Where a hard link's data comes from: its target's entry.
fn data_entry<'a>(pkg: &'a Package, e: &'a Entry) -> Option<&'a Entry> {
    match &e.kind {
        EntryKind::HardLink { target } => pkg.entry(target),
        _ => Some(e),
    }
}

impl<'a> FileList<'a> {
    /// The list for `pkg`, whose paths are UTF-8 (the writer's validation checks it).
    ///
    /// # Errors
    /// [`FormatError::Invalid`] for a hard link whose target is not a file of the package.
    pub fn new(pkg: &'a Package, skip: &dyn Fn(&PkgPath) -> bool) -> Result<Self, FormatError> {
        let doc = PkgPath::parse("/usr/share/doc").map_err(io::Error::other)?;
        let mut entries: Vec<&Entry> = pkg
            .entries
            .iter()
            .filter(|e| !(e.path.is_root() || e.kind == EntryKind::Dir && skip(&e.path)))
            .collect();
        entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        let mut files = Vec::with_capacity(entries.len());
        // Files sharing data, keyed by the path of the regular file that holds it.
        let mut by_data: BTreeMap<&PkgPath, Vec<usize>> = BTreeMap::new();
        let mut large = false;
        for (i, e) in entries.iter().enumerate() {
            let path = std::str::from_utf8(e.path.as_bytes()).map_err(|_| {
                FormatError::invalid("file name", format!("'{}' is not UTF-8", e.path))
            })?;
            let perms = e.mode & 0o7777;
            let (mode, size) = match &e.kind {
                EntryKind::Dir => (S_IFDIR | perms, 0),
                EntryKind::Symlink { target } => (S_IFLNK | 0o777, target.len() as u64),
                EntryKind::File { .. } | EntryKind::HardLink { .. } => {
                    let size = match data_entry(pkg, e).map(|d| &d.kind) {
                        Some(EntryKind::File { size, .. }) => *size,
                        _ => {
                            return Err(FormatError::invalid(
                                "payload",
                                format!("'{}' links to a file that is not in the package", e.path),
                            ))
                        }
                    };
                    (S_IFREG | perms, size)
                }
            };
            large |= size >= u64::from(u32::MAX);
            let mut flags = 0;
            if e.config && e.is_file() {
                flags |= RPMFILE_CONFIG | RPMFILE_NOREPLACE;
            } else if e.path.starts_with(&doc) && e.kind != EntryKind::Dir {
                flags |= RPMFILE_DOC;
            }
            match &e.kind {
                EntryKind::HardLink { target } => by_data.entry(target).or_default().push(i),
                EntryKind::File { .. } => by_data.entry(&e.path).or_default().push(i),
                _ => {}
            }
            files.push(File {
                entry: e,
                path,
                mode,
                size,
                flags,
                inode: i as u32 + 1,
                links: None,
            });
        }
        let mut sets: Vec<Vec<usize>> = by_data.into_values().filter(|m| m.len() > 1).collect();
        sets.sort();
        for (n, m) in sets.iter_mut().enumerate() {
            m.sort_unstable();
            let inode = files[m[0]].inode;
            for &i in m.iter() {
                files[i].inode = inode;
                files[i].links = Some(n);
            }
        }
        Ok(FileList { files, sets, large })
    }

    /// The sum of the file sizes, hard links counted once (`SIZE`/`LONGSIZE`).
    pub fn total_size(&self) -> u64 {
        self.files
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                f.mode & S_IFREG == S_IFREG
                    && f.links.is_none_or(|s| self.sets[s].first() == Some(i))
            })
            .map(|(_, f)| f.size)
            .sum()
    }

    /// Puts every per-file tag into `h`; `digests[i]` is file `i`'s digest with `algo` (hex, or
    /// empty).
    pub fn put_tags(&self, h: &mut Header, digests: &[String], algo: FileDigest, mtime: u32) {
        let n = self.files.len();
        let mut dirnames: Vec<String> = Vec::new();
        let mut dir_index: BTreeMap<String, u32> = BTreeMap::new();
        let mut dirindexes = Vec::with_capacity(n);
        let mut basenames = Vec::with_capacity(n);
        for f in &self.files {
            let cut = f.path.rfind('/').map_or(0, |i| i + 1);
            let (dir, base) = f.path.split_at(cut);
            let idx = *dir_index.entry(dir.to_string()).or_insert_with(|| {
                dirnames.push(dir.to_string());
                dirnames.len() as u32 - 1
            });
            dirindexes.push(idx);
            basenames.push(base.to_string());
        }
        let col = |f: &dyn Fn(&File) -> String| self.files.iter().map(f).collect::<Vec<_>>();
        if self.large {
            h.put(
                tags::LONGFILESIZES,
                Value::Int64(self.files.iter().map(|f| f.size).collect()),
            );
        } else {
            h.put(
                tags::FILESIZES,
                Value::Int32(self.files.iter().map(|f| f.size as u32).collect()),
            );
        }
        h.put(
            tags::FILEMODES,
            Value::Int16(self.files.iter().map(|f| f.mode as u16).collect()),
        );
        h.put(tags::FILERDEVS, Value::Int16(vec![0; n]));
        h.put(tags::FILEMTIMES, Value::Int32(vec![mtime; n]));
        h.put(tags::FILEDIGESTS, Value::StrArray(digests.to_vec()));
        h.put(
            tags::FILELINKTOS,
            Value::StrArray(col(&|f| match &f.entry.kind {
                EntryKind::Symlink { target } => String::from_utf8_lossy(target).into_owned(),
                _ => String::new(),
            })),
        );
        h.put(
            tags::FILEFLAGS,
            Value::Int32(self.files.iter().map(|f| f.flags).collect()),
        );
        h.put(
            tags::FILEUSERNAME,
            Value::StrArray(col(&|f| f.entry.user.clone())),
        );
        h.put(
            tags::FILEGROUPNAME,
            Value::StrArray(col(&|f| f.entry.group.clone())),
        );
        h.put(tags::FILEVERIFYFLAGS, Value::Int32(vec![u32::MAX; n]));
        h.put(tags::FILEDEVICES, Value::Int32(vec![1; n]));
        h.put(
            tags::FILEINODES,
            Value::Int32(self.files.iter().map(|f| f.inode).collect()),
        );
        h.put(tags::FILELANGS, Value::StrArray(vec![String::new(); n]));
        h.put(tags::DIRINDEXES, Value::Int32(dirindexes));
        h.put(tags::BASENAMES, Value::StrArray(basenames));
        h.put(tags::DIRNAMES, Value::StrArray(dirnames));
        h.put(tags::FILEDIGESTALGO, Value::Int32(vec![algo.algo()]));
    }
}

/// What the payload pass computed.
#[derive(Debug)]
pub struct Written {
    /// The compressed payload, in a scratch file, rewound.
    pub file: crate::format::ScratchFile,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of the compressed payload (hex).
    pub sha256: String,
    /// SHA-256 of the uncompressed cpio archive (hex).
    pub sha256_uncompressed: String,
    /// Size of the uncompressed archive.
    pub archive_size: u64,
    /// Per file (header order): SHA-256 of regular files, empty for the rest.
    pub digests: Vec<String>,
}

/// Counts and hashes what passes through.
struct Hashing<W> {
    inner: W,
    sha: Sha256,
    count: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn hashing<W: Write>(inner: W) -> Hashing<W> {
    Hashing {
        inner,
        sha: Sha256::new(),
        count: 0,
    }
}

/// Writes the payload of `list` compressed with `compression` into a scratch file.
///
/// # Errors
/// [`FormatError`] when a payload file cannot be read, changed size or was replaced, or the
/// scratch file cannot be written.
pub fn write(
    list: &FileList,
    pkg: &Package,
    compression: Compression,
    algo: FileDigest,
    mtime: u32,
    ctx: &WriteContext,
) -> Result<Written, FormatError> {
    let scratch = ctx.scratch_file()?;
    let compressed = hashing(BufWriter::with_capacity(1 << 20, scratch));
    let enc = compression.encoder(compressed)?;
    let mut cpio = Cpio::new(hashing(enc), list.large);
    let mut digests = vec![String::new(); list.files.len()];
    // rpm's order: files outside hard-link sets first, then each set with its data last.
    let singles = (0..list.files.len()).filter(|&i| list.files[i].links.is_none());
    let mut order: Vec<(usize, bool)> = singles.map(|i| (i, true)).collect();
    for set in &list.sets {
        let last = set.len() - 1;
        order.extend(set.iter().enumerate().map(|(k, &i)| (i, k == last)));
    }
    for (i, with_data) in order {
        let f = &list.files[i];
        let nlink = f.links.map_or(1, |s| list.sets[s].len() as u32);
        let regular = f.mode & S_IFREG == S_IFREG && f.mode & S_IFDIR == 0;
        let size = if regular && !with_data { 0 } else { f.size };
        let mut name = b".".to_vec();
        name.extend_from_slice(f.path.as_bytes());
        cpio.header(&Fields {
            ino: f.inode,
            mode: f.mode,
            nlink,
            mtime,
            size,
            name: &name,
            index: i as u32,
        })?;
        match &f.entry.kind {
            EntryKind::Symlink { target } => cpio.data(target)?,
            EntryKind::Dir => {}
            _ if !with_data => {}
            _ => {
                let d = data_entry(pkg, f.entry).map(|e| &e.kind);
                let digest = match d {
                    Some(EntryKind::File { content, size }) => {
                        copy_file(content, *size, algo, &mut cpio, ctx)?
                    }
                    _ => String::new(),
                };
                // Every member of a set has the same data, so the same digest.
                match f.links {
                    Some(s) => list.sets[s]
                        .iter()
                        .for_each(|&m| digests[m] = digest.clone()),
                    None => digests[i] = digest,
                }
            }
        }
    }
    let uncompressed = cpio.finish()?;
    let sha256_uncompressed = crate::output::hex(&uncompressed.sha.finalize());
    let archive_size = uncompressed.count;
    let compressed = uncompressed.inner.finish()?;
    let sha256 = crate::output::hex(&compressed.sha.finalize());
    let size = compressed.count;
    let mut file = compressed.inner.into_inner().map_err(|e| e.into_error())?;
    io::Seek::rewind(&mut file)?;
    Ok(Written {
        file,
        size,
        sha256,
        sha256_uncompressed,
        archive_size,
        digests,
    })
}

/// Streams one file's bytes into the archive and returns their digest (hex).
fn copy_file<W: Write>(
    content: &Content,
    size: u64,
    algo: FileDigest,
    cpio: &mut Cpio<W>,
    ctx: &WriteContext,
) -> Result<String, FormatError> {
    let mut sha = algo.hasher();
    match content {
        Content::Bytes(b) => {
            sha.update(b);
            cpio.data(b)?;
        }
        Content::Path(src) => {
            let read_err = |source| ArchiveError::Read {
                path: src.path().to_path_buf(),
                source,
            };
            let mut f = src.open().map_err(read_err)?.take(size);
            let mut buf = vec![0u8; 1 << 17];
            let mut count = 0u64;
            loop {
                let n = f.read(&mut buf).map_err(read_err)?;
                if n == 0 {
                    break;
                }
                sha.update(&buf[..n]);
                cpio.data(&buf[..n])?;
                count += n as u64;
                ctx.listener.advance(n as u64);
            }
            if count != size {
                return Err(ArchiveError::Changed {
                    path: src.path().to_path_buf(),
                    expected: size,
                    actual: count,
                }
                .into());
            }
        }
    }
    Ok(sha.hex())
}
