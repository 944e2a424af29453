//! The final scan: no file may still mention a build path.

use std::io::{self, Read};

use memchr::memmem;

use crate::listener::Listener;
use crate::model::{Content, EntryKind, Package, VenvInfo};

use super::text::whole_path;
use super::*;

/// Does `data` contain any of `pats` as a whole path?
pub(super) fn has_path(data: &[u8], pats: &[&[u8]]) -> bool {
    pats.iter()
        .any(|p| memmem::find_iter(data, p).any(|at| whole_path(data, at, p.len(), None)))
}

/// Streams every file looking for build paths (errors) and watched paths (warnings), with the
/// same whole-path rule the rewrite uses.
pub(super) fn scan(
    pkg: &Package,
    info: &VenvInfo,
    listener: &dyn Listener,
) -> Result<(), RelocateError> {
    scan_paths(
        pkg,
        &info.build_paths,
        &info.watch_paths,
        &info.prefix.display(),
        listener,
    )
}

/// [`scan`] for any build paths: `errors` must not appear, `warns` should not; `installed_at`
/// names where the files will be for the error.
pub(super) fn scan_paths(
    pkg: &Package,
    errors: &[Vec<u8>],
    warns: &[Vec<u8>],
    installed_at: &str,
    listener: &dyn Listener,
) -> Result<(), RelocateError> {
    let errors: Vec<&[u8]> = errors.iter().map(Vec::as_slice).collect();
    let warns: Vec<&[u8]> = warns.iter().map(Vec::as_slice).collect();
    let mut leaks = Vec::new();
    let mut watched = Vec::new();
    for e in &pkg.entries {
        let (bad, warn) = match &e.kind {
            EntryKind::Symlink { target } => (has_path(target, &errors), has_path(target, &warns)),
            EntryKind::File {
                content: Content::Bytes(b),
                ..
            } => (has_path(b, &errors), has_path(b, &warns)),
            EntryKind::File {
                content: Content::Path(p),
                ..
            } => {
                let err = |source| RelocateError::Read {
                    path: p.path().display().to_string(),
                    source,
                };
                let f = p.open().map_err(err)?;
                let found = stream_find(f, &[&errors, &warns]).map_err(err)?;
                (found[0], found[1])
            }
            _ => (false, false),
        };
        if bad {
            leaks.push(e.path.display());
        } else if warn {
            watched.push(e.path.display());
        }
    }
    if !watched.is_empty() {
        listener.warning(&format!(
            "these files mention the application's source directory, which the target machine will not have: {}",
            watched.join(", ")
        ));
    }
    if !leaks.is_empty() {
        leaks.truncate(50);
        return Err(RelocateError::Leaks {
            path: String::from_utf8_lossy(errors[0]).into_owned(),
            prefix: installed_at.to_string(),
            files: leaks,
        });
    }
    Ok(())
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
pub(super) fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// For each group, does the stream contain one of its patterns as a whole path? Reads 1 MiB
/// windows that overlap by the longest pattern, so a match across a boundary is seen whole in one
/// window together with the byte after it; memory does not grow with the file.
pub(super) fn stream_find<R: Read>(mut r: R, groups: &[&[&[u8]]]) -> io::Result<Vec<bool>> {
    let longest = groups
        .iter()
        .flat_map(|g| g.iter())
        .map(|p| p.len())
        .max()
        .unwrap_or(0);
    let mut found = vec![false; groups.len()];
    if longest == 0 {
        return Ok(found);
    }
    let mut buf = vec![0u8; (1 << 20) + longest];
    let mut keep = 0;
    let mut before: Option<u8> = None;
    loop {
        let n = read_full(&mut r, &mut buf[keep..])?;
        let eof = keep + n < buf.len();
        let window = &buf[..keep + n];
        for (gi, g) in groups.iter().enumerate() {
            if found[gi] {
                continue;
            }
            found[gi] = g.iter().any(|p| {
                memmem::find_iter(window, p).any(|at| {
                    // A match touching the window's end is judged in the next window, which
                    // holds the byte after it, unless the stream ends here.
                    (eof || at + p.len() < window.len()) && whole_path(window, at, p.len(), before)
                })
            });
        }
        if eof || found.iter().all(|f| *f) {
            break;
        }
        let start = window.len() - longest;
        before = Some(window[start - 1]);
        buf.copy_within(start.., 0);
        keep = longest;
    }
    Ok(found)
}
