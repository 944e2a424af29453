//! Deterministic tar writing, shared by every tar-based target.
//!
//! Layout rules (the ones `dpkg-deb -b` follows, checked by `dpkg-deb --contents` and lintian):
//! - GNU tar format; names are `./`-prefixed (`./opt/venvs/app/`), directories end in `/`,
//!   the archive starts with `./`;
//! - entries come in [`Package`] order (sorted, parents first);
//! - owner and group names and ids come from the entry (`root`/0 by default), every mtime is the
//!   given `mtime` (`SOURCE_DATE_EPOCH`);
//! - names and link targets over 100 bytes use GNU `././@LongLink` records, which dpkg reads;
//! - file bytes are streamed from disk, never held whole in memory, and digested on the way.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use tar::{EntryType, Header};

use crate::listener::Listener;
use crate::model::{Content, Entry, EntryKind, Package};

/// A failure while writing an archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Reading a payload file failed.
    #[error("cannot read '{path}': {source}")]
    Read {
        /// The file on disk.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A payload file changed size between scanning and writing.
    #[error(
        "'{path}' changed while it was being packaged (expected {expected} bytes, read {actual})"
    )]
    Changed {
        /// The file on disk.
        path: PathBuf,
        /// Size at scan time.
        expected: u64,
        /// Bytes read.
        actual: u64,
    },
    /// Writing the archive failed.
    #[error("writing the archive failed: {0}")]
    Write(#[from] io::Error),
}

/// The MD5 of one regular file, as `md5sums` (deb) records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// Package path without the leading `/`.
    pub path: Vec<u8>,
    /// MD5 of the contents.
    pub md5: [u8; 16],
}

/// Options for [`write_tar`].
#[derive(Clone, Copy)]
pub struct TarOptions<'a> {
    /// Told how many file bytes were written, for progress bars.
    pub progress: Option<&'a dyn Listener>,
    /// Every entry's mtime, seconds since the epoch.
    pub mtime: u64,
    /// Emit a `./` entry for the root directory first.
    pub root_entry: bool,
    /// Compute the MD5 of every regular file (deb's `md5sums` needs them); when false,
    /// [`write_tar`] returns no digests and spends no time on them.
    pub md5: bool,
}

/// Writes `pkg.entries` as a tar stream to `out` and returns the MD5 of every regular file
/// (hard links included, with their target's digest) in archive order; none unless
/// [`TarOptions::md5`].
///
/// # Errors
/// [`ArchiveError`] when a payload file cannot be read or changed, or `out` fails.
pub fn write_tar<W: Write>(
    pkg: &Package,
    out: W,
    opts: TarOptions,
) -> Result<(W, Vec<FileDigest>), ArchiveError> {
    let mut b = tar::Builder::new(out);
    let mut digests: Vec<FileDigest> = Vec::new();
    if opts.root_entry {
        let mut h = base_header(EntryType::Directory, 0o755, "root", "root", opts.mtime);
        append(&mut b, &mut h, b"./", None, io::empty())?;
    }
    for e in &pkg.entries {
        let mut name = b"./".to_vec();
        name.extend_from_slice(e.path.relative());
        match &e.kind {
            EntryKind::Dir => {
                name.push(b'/');
                let mut h = header_for(e, EntryType::Directory, opts.mtime);
                append(&mut b, &mut h, &name, None, io::empty())?;
            }
            EntryKind::Symlink { target } => {
                let mut h = header_for(e, EntryType::Symlink, opts.mtime);
                append(&mut b, &mut h, &name, Some(target), io::empty())?;
            }
            EntryKind::HardLink { target } => {
                let mut link = b"./".to_vec();
                link.extend_from_slice(target.relative());
                let mut h = header_for(e, EntryType::Link, opts.mtime);
                append(&mut b, &mut h, &name, Some(&link), io::empty())?;
                if let Some(d) = digests.iter().find(|d| d.path == target.relative()) {
                    let md5 = d.md5;
                    digests.push(FileDigest {
                        path: e.path.relative().to_vec(),
                        md5,
                    });
                }
            }
            EntryKind::File { content, size } => {
                let mut h = header_for(e, EntryType::Regular, opts.mtime);
                h.set_size(*size);
                let md5 = match content {
                    Content::Bytes(data) => {
                        append(&mut b, &mut h, &name, None, &data[..])?;
                        opts.md5.then(|| Md5::digest(data).into())
                    }
                    Content::Path(src) => {
                        let p = src.path();
                        let f = src.open().map_err(|source| ArchiveError::Read {
                            path: p.to_path_buf(),
                            source,
                        })?;
                        let mut r = DigestReader::new(f.take(*size), opts.md5);
                        append(&mut b, &mut h, &name, None, &mut r).map_err(|e| match e {
                            ArchiveError::Write(source) if r.read_error => ArchiveError::Read {
                                path: p.to_path_buf(),
                                source,
                            },
                            other => other,
                        })?;
                        check_size(p, *size, r.count)?;
                        if let Some(l) = opts.progress {
                            l.advance(*size);
                        }
                        r.md5.map(|m| m.finalize().into())
                    }
                };
                if let Some(md5) = md5 {
                    digests.push(FileDigest {
                        path: e.path.relative().to_vec(),
                        md5,
                    });
                }
            }
        }
    }
    let out = b.into_inner()?;
    Ok((out, digests))
}

fn check_size(p: &Path, expected: u64, actual: u64) -> Result<(), ArchiveError> {
    if expected != actual {
        return Err(ArchiveError::Changed {
            path: p.to_path_buf(),
            expected,
            actual,
        });
    }
    Ok(())
}

/// Reads through, counting bytes and computing MD5 (when asked); remembers whether the inner
/// read failed.
struct DigestReader<R> {
    inner: R,
    md5: Option<Md5>,
    count: u64,
    read_error: bool,
}

impl<R> DigestReader<R> {
    fn new(inner: R, md5: bool) -> Self {
        DigestReader {
            inner,
            md5: md5.then(Md5::new),
            count: 0,
            read_error: false,
        }
    }
}

impl<R: Read> Read for DigestReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self
            .inner
            .read(buf)
            .inspect_err(|_| self.read_error = true)?;
        if let Some(m) = &mut self.md5 {
            m.update(&buf[..n]);
        }
        self.count += n as u64;
        Ok(n)
    }
}

fn base_header(kind: EntryType, mode: u32, user: &str, group: &str, mtime: u64) -> Header {
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_size(0);
    // Names longer than the 32-byte field were rejected when the model was validated.
    let _ = h.set_username(user);
    let _ = h.set_groupname(group);
    h
}

fn header_for(e: &Entry, kind: EntryType, mtime: u64) -> Header {
    base_header(kind, e.mode, &e.user, &e.group, mtime)
}

/// Writes one entry, using GNU long-name (`L`) and long-link (`K`) records where needed.
fn append<W: Write, R: Read>(
    b: &mut tar::Builder<W>,
    h: &mut Header,
    name: &[u8],
    link: Option<&[u8]>,
    data: R,
) -> Result<(), ArchiveError> {
    if name.len() > 100 {
        long_record(b, EntryType::GNULongName, name)?;
    }
    if let Some(l) = link {
        if l.len() > 100 {
            long_record(b, EntryType::GNULongLink, l)?;
        }
        let field = &mut h.as_old_mut().linkname;
        field.fill(0);
        let n = l.len().min(100);
        field[..n].copy_from_slice(&l[..n]);
    }
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    let n = name.len().min(100);
    field[..n].copy_from_slice(&name[..n]);
    h.set_cksum();
    b.append(h, data)?;
    Ok(())
}

fn long_record<W: Write>(
    b: &mut tar::Builder<W>,
    kind: EntryType,
    value: &[u8],
) -> Result<(), ArchiveError> {
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    let mut data = value.to_vec();
    data.push(0);
    h.set_size(data.len() as u64);
    let _ = h.set_username("root");
    let _ = h.set_groupname("root");
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..13].copy_from_slice(b"././@LongLink");
    h.set_cksum();
    b.append(&h, &data[..])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, PkgPath};

    fn p(s: &str) -> PkgPath {
        PkgPath::parse(s).unwrap()
    }

    fn sample() -> Package {
        let mut pkg = Package::default();
        let long = format!("/opt/{}/file", "d".repeat(120));
        pkg.entries
            .push(Entry::bytes(p(&long), b"long".to_vec(), 0o644));
        pkg.entries.push(Entry::bytes(
            p("/opt/app/bin/run"),
            b"#!/bin/sh\n".to_vec(),
            0o755,
        ));
        pkg.entries.push(Entry::symlink(
            p("/opt/app/link"),
            format!("{}/x", "t".repeat(150)).into_bytes(),
        ));
        pkg.entries.push(Entry {
            kind: EntryKind::HardLink {
                target: p("/opt/app/bin/run"),
            },
            ..Entry::dir(p("/opt/app/hard"))
        });
        pkg.finalize().unwrap();
        pkg
    }

    #[test]
    fn names_are_dot_slash_dirs_end_in_slash_and_long_names_survive() {
        let pkg = sample();
        let opts = TarOptions {
            progress: None,
            mtime: 1_700_000_000,
            root_entry: true,
            md5: true,
        };
        let (bytes, digests) = write_tar(&pkg, Vec::new(), opts).unwrap();
        let mut a = tar::Archive::new(&bytes[..]);
        let mut names = Vec::new();
        for e in a.entries().unwrap() {
            let e = e.unwrap();
            let h = e.header();
            assert_eq!(h.mtime().unwrap(), 1_700_000_000);
            assert_eq!(h.uid().unwrap(), 0);
            assert_eq!(h.username().unwrap(), Some("root"));
            names.push(String::from_utf8(e.path_bytes().to_vec()).unwrap());
            if h.entry_type() == EntryType::Symlink {
                assert_eq!(e.link_name_bytes().unwrap().len(), 152);
            }
        }
        assert_eq!(names[0], "./");
        assert_eq!(names[1], "./opt/");
        assert!(names.contains(&"./opt/app/bin/".to_string()));
        assert!(names.iter().any(|n| n.len() > 120 && n.ends_with("/file")));
        assert_eq!(digests.len(), 3, "file, long file and the hard link");
        let again = write_tar(&pkg, Vec::new(), opts).unwrap().0;
        assert_eq!(bytes, again, "deterministic");
    }
}
