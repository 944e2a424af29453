//! The rpm payload read back: the compressed cpio archive after the header ([`super::cpio`]),
//! each regular file's data handed to the caller's [`Visit`] with its header entry.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};

use sha2::Digest;

use super::read::rpm_fail;
use crate::compress::Algorithm;
use crate::format::read::{norm_path, read_up_to, Counting, Fail, FileInfo, Visit};

/// Reads the payload: the compressed cpio archive after the header ([`super::cpio`]: `newc`
/// entries, or rpm's stripped `07070X` ones that name a file by its header index), handing each
/// entry's data to `visit` with the header's [`FileInfo`] for it. A hard-link set's data (on its
/// last member, as rpm writes it) goes with the set's first path. Every regular file of the
/// header that is not a `%ghost` must have its data, of the size the header says; the archive
/// must end with its `TRAILER!!!` entry.
pub(super) fn read_payload<R: BufRead>(
    r: R,
    md: &rpm::PackageMetadata,
    files: &[FileInfo],
    visit: Visit,
) -> Result<(), Fail> {
    let mut head = [0u8; 8];
    let mut r = r;
    let n = read_up_to(&mut r, &mut head).map_err(|e| Fail::io("payload", e))?;
    let head = head.get(..n).unwrap_or(&[]).to_vec();
    let codec =
        Algorithm::sniff(&head).map_err(|why| Fail::Unsupported(format!("payload: {why}")))?;
    let joined = BufReader::new(io::Cursor::new(head).chain(r));
    let dec = codec.decoder(joined).map_err(|e| Fail::io("payload", e))?;
    let mut cpio = Counting {
        inner: dec,
        count: 0,
    };
    // Header order (the stripped format's index) → path, and path → position in `files`.
    let order: Vec<String> = md
        .get_file_entries()
        .map_err(|e| rpm_fail("file list", e))?
        .iter()
        .map(|e| norm_path(e.path().to_string_lossy().as_bytes()).unwrap_or_default())
        .collect();
    let at: HashMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    let mut got = vec![false; files.len()];
    // The stripped form has no sizes: each entry's data is what rpm writes for it, a symlink's
    // target, a regular file's bytes on the last member of its hard-link set in header order
    // (the others have none), nothing for the rest.
    let mut stripped_sizes = vec![0u64; order.len()];
    let mut carrier: HashMap<&str, usize> = HashMap::new();
    for (index, path) in order.iter().enumerate() {
        let Some(f) = at.get(path).and_then(|&i| files.get(i)) else {
            continue;
        };
        match (f.kind.as_str(), &f.target) {
            ("symlink", Some(t)) => {
                if let Some(s) = stripped_sizes.get_mut(index) {
                    *s = t.len() as u64;
                }
            }
            ("file", _) => {
                carrier.insert(&f.path, index);
            }
            ("hardlink", Some(t)) => {
                carrier.insert(t, index);
            }
            _ => {}
        }
    }
    for (set, index) in &carrier {
        let size = at
            .get(*set)
            .and_then(|&i| files.get(i))
            .map_or(0, |f| f.size);
        if let Some(s) = stripped_sizes.get_mut(*index) {
            *s = size;
        }
    }
    let bad = |why: String| Fail::Invalid(format!("payload: {why}"));
    loop {
        skip_to(&mut cpio, 4)?;
        let mut magic = [0u8; 6];
        cpio.read_exact(&mut magic)
            .map_err(|e| Fail::io("payload cpio header", e))?;
        let (path, size) = match &magic {
            b"070701" | b"070702" => {
                let mut h = [0u8; 104];
                cpio.read_exact(&mut h)
                    .map_err(|e| Fail::io("payload cpio header", e))?;
                let field = |i: usize| -> Result<u64, Fail> {
                    let raw = h.get(i * 8..i * 8 + 8).unwrap_or(&[]);
                    u64::from_str_radix(&String::from_utf8_lossy(raw), 16)
                        .map_err(|_| bad(format!("a cpio header field is not hex: {raw:?}")))
                };
                let (size, name_len) = (field(6)?, field(11)?);
                if name_len == 0 || name_len > 4096 {
                    return Err(bad(format!("a cpio entry name of {name_len} bytes")));
                }
                let mut name = vec![0u8; name_len as usize];
                cpio.read_exact(&mut name)
                    .map_err(|e| Fail::io("payload cpio name", e))?;
                name.pop();
                if name == b"TRAILER!!!" {
                    break;
                }
                skip_to(&mut cpio, 4)?;
                let path = norm_path(&name).unwrap_or_default();
                (path, size)
            }
            b"07070X" => {
                let mut h = [0u8; 8];
                cpio.read_exact(&mut h)
                    .map_err(|e| Fail::io("payload cpio header", e))?;
                let index = usize::from_str_radix(&String::from_utf8_lossy(&h), 16)
                    .map_err(|_| bad("a stripped cpio header's index is not hex".into()))?;
                let path = order.get(index).cloned().ok_or_else(|| {
                    bad(format!(
                        "a stripped cpio entry names file {index}, which the header does not list"
                    ))
                })?;
                // The 14-byte header is padded to 16 (rpm's rpmcpioStrippedHeaderWrite).
                skip_to(&mut cpio, 4)?;
                let size = stripped_sizes.get(index).copied().unwrap_or(0);
                (path, size)
            }
            other => {
                return Err(bad(format!(
                    "no cpio header magic (070701) at byte {} of the archive, found {:?}",
                    cpio.count.saturating_sub(6),
                    String::from_utf8_lossy(other)
                )))
            }
        };
        let Some(&i) = at.get(&path) else {
            return Err(bad(format!(
                "the archive has '{path}', which the header does not list"
            )));
        };
        let info = files.get(i).cloned().ok_or_else(|| bad(path.clone()))?;
        // A hard link's data is its set's: hand it over under the set's first path.
        let (i, info) = match (&info.kind[..], &info.target) {
            ("hardlink", Some(t)) => match at.get(t) {
                Some(&j) => (j, files.get(j).cloned().ok_or_else(|| bad(t.clone()))?),
                None => (i, info),
            },
            _ => (i, info),
        };
        let mut data = (&mut cpio).take(size);
        if info.kind == "file" {
            if size == 0 && info.size > 0 {
                // Another member of the hard-link set carries the data.
            } else if size != info.size {
                return Err(bad(format!(
                    "'{}' has {size} bytes in the archive, but the header says {}",
                    info.path, info.size
                )));
            } else if got.get(i).copied().unwrap_or(true) {
                // An empty file's hard-link set: every member says 0 bytes.
                if size > 0 {
                    return Err(bad(format!("'{}' has data twice", info.path)));
                }
            } else {
                if let Some(g) = got.get_mut(i) {
                    *g = true;
                }
                visit(&info, &mut data)?;
            }
        }
        io::copy(&mut data, &mut io::sink()).map_err(|e| Fail::io("payload", e))?;
        if data.limit() != 0 {
            return Err(Fail::Invalid(format!(
                "payload: '{path}' is cut short (the file is truncated)"
            )));
        }
    }
    for (i, f) in files.iter().enumerate() {
        if f.kind == "file" && !f.ghost && !got.get(i).copied().unwrap_or(false) {
            if f.size > 0 {
                return Err(bad(format!(
                    "'{}' is in the header but has no data in the archive",
                    f.path
                )));
            }
            visit(f, &mut io::empty())?;
        }
    }
    io::copy(&mut cpio, &mut io::sink()).map_err(|e| Fail::io("payload", e))?;
    Ok(())
}

/// Skips to the next multiple of `align` bytes of the cpio stream.
fn skip_to<R: Read>(r: &mut Counting<R>, align: u64) -> Result<(), Fail> {
    let pad = (align - r.count % align) % align;
    let mut buf = [0u8; 4];
    let want = buf.get_mut(..pad as usize).unwrap_or(&mut []);
    r.read_exact(want)
        .map_err(|e| Fail::io("payload cpio padding", e))
}

/// The compressed payload as read, hashed as it goes: rpm records its digest in the header
/// (`PAYLOADDIGEST`, 5092, hex, with `PAYLOADDIGESTALGO`, 5093: 8 SHA-256, 9 SHA-384, 10
/// SHA-512, the OpenPGP hash numbers), and a payload that does not match it is damaged.
pub(super) struct Digesting<R> {
    inner: R,
    hasher: Option<(Box<dyn sha2::digest::DynDigest>, String)>,
}

impl<R: Read> Digesting<R> {
    /// Reads `inner`, to be checked against `md`'s payload digest (nothing to check in an rpm
    /// older than 4.14, which records none, or with an algorithm pkgr does not know).
    pub(super) fn new(inner: R, md: &rpm::PackageMetadata) -> Result<Self, Fail> {
        let want = md
            .header
            .get_entry_data_as_string_array(rpm::IndexTag::RPMTAG_PAYLOADSHA256)
            .ok()
            .and_then(|v| v.first().map(|s| s.to_ascii_lowercase()));
        let algo = md
            .header
            .get_entry_data_as_u32(rpm::IndexTag::RPMTAG_PAYLOADSHA256ALGO)
            .ok();
        let hasher: Option<Box<dyn sha2::digest::DynDigest>> = match algo {
            Some(8) => Some(Box::new(sha2::Sha256::new())),
            Some(9) => Some(Box::new(sha2::Sha384::new())),
            Some(10) => Some(Box::new(sha2::Sha512::new())),
            _ => None,
        };
        Ok(Digesting {
            inner,
            hasher: hasher.zip(want),
        })
    }

    /// After the whole payload was read: does its digest match the header's?
    pub(super) fn check(self) -> Result<(), Fail> {
        let Some((h, want)) = self.hasher else {
            return Ok(());
        };
        let got: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if got != want {
            return Err(Fail::Invalid(format!(
                "payload: its digest is {got}, but the header records {want} (the payload is damaged)"
            )));
        }
        Ok(())
    }
}

impl<R: Read> Read for Digesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (Some((h, _)), Some(data)) = (self.hasher.as_mut(), buf.get(..n)) {
            h.update(data);
        }
        Ok(n)
    }
}
