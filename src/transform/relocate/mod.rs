//! Relocation: a venv built at a staging path must work from its install prefix, and nothing in
//! the package may mention the staging path.
//!
//! The staging path is known exactly ([`VenvInfo::build_paths`]), so references are replaced as
//! bytes, never with per-line regexes. What is rewritten, and why:
//! - `bin/*` scripts: the shebang is rebuilt for the prefix, as `#!PREFIX/bin/python` when it fits
//!   in 127 bytes (the Linux `BINPRM_BUF_SIZE` pip and distlib assume) and as pip's `#!/bin/sh` +
//!   `'''exec'` trampoline when it does not, in either direction; every other reference in a
//!   `bin/` text file (the `activate*` scripts for bash, csh, fish, nu, xsh, PowerShell) is
//!   byte-replaced.
//! - `pyvenv.cfg`: the `command =` line names the staging path; it is byte-replaced.
//! - `*.pth`: path lines under the staging path are rewritten; path lines pointing anywhere
//!   else outside the venv are an error naming the distribution.
//! - Editable installs (`__editable__*`, `*.egg-link`, `direct_url.json` with
//!   `"editable": true`) are an error naming the distribution: the package would depend on the
//!   build machine's source tree.
//! - `direct_url.json` with a `file://` URL is dropped (it names a build-host path).
//! - Byte-code: every `__pycache__` directory and `*.pyc` is dropped (each holds the staging path
//!   in `co_filename`); the dependency pass adds scripts that compile them on the target.
//! - `RECORD`: the hash and size of every file rewritten here are recomputed; lines of dropped
//!   files are removed, byte-code lines keep no hash (as the wheel spec allows).
//! - Absolute symlinks into the staging tree become relative.
//!
//! Finally every file and symlink is scanned: any left reference to a build path is an error
//! listing the files; a reference to the application's source directory is a warning. The same
//! scan guards a distribution installed for the system's Python (`-s python`), which is
//! installed for its final paths and needs no rewriting.

mod records;
mod scan;
#[cfg(test)]
mod tests;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use crate::listener::Listener;
use crate::model::{Content, Entry, EntryKind, Package, PkgPath};

use records::*;
use scan::*;
pub use text::{make_header, record_hash, replace_paths, rewrite_script};

/// The longest shebang line (with `#!`, without the newline) that a kernel is assumed to read
/// whole: pip/distlib's limit, Linux's historic `BINPRM_BUF_SIZE` of 128 bytes minus the NUL.
pub const MAX_SHEBANG: usize = 127;

/// A relocation failure.
#[derive(Debug, thiserror::Error)]
pub enum RelocateError {
    /// An editable install, which points at the build host's source tree.
    #[error("the distribution '{dist}' is installed in editable mode ({file}); a package cannot depend on the build machine's source tree. Install it normally (pip install ., not pip install -e .)")]
    Editable {
        /// Distribution name.
        dist: String,
        /// The file that shows it.
        file: String,
    },
    /// A `.pth` line points outside the venv.
    #[error("'{file}' (distribution '{dist}') adds '{line}' to sys.path, which is outside the virtualenv and will not exist on the target machine")]
    PthOutside {
        /// The .pth file.
        file: String,
        /// Owning distribution (or `unknown`).
        dist: String,
        /// The offending line.
        line: String,
    },
    /// The final scan found build paths left.
    #[error("these files still contain the build path {path} after relocation:\n  {}\nThey cannot work from {prefix}; rebuild them without build paths or exclude them with -x", files.join("\n  "))]
    Leaks {
        /// The build path.
        path: String,
        /// The install prefix.
        prefix: String,
        /// Files (at most 50 listed).
        files: Vec<String>,
    },
    /// Reading a payload file failed.
    #[error("cannot read '{path}': {source}")]
    Read {
        /// The file.
        path: String,
        /// The error.
        source: io::Error,
    },
}

impl RelocateError {
    /// An editable install or a `.pth` pointing out of the venv is the user's to fix (exit 2);
    /// build paths left behind and read failures are a failed build (exit 1).
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            RelocateError::Editable { .. } | RelocateError::PthOutside { .. } => {
                crate::ErrorKind::Usage
            }
            RelocateError::Leaks { .. } | RelocateError::Read { .. } => crate::ErrorKind::Build,
        }
    }
}

pub(super) fn read_content(e: &Entry) -> Result<Option<Vec<u8>>, RelocateError> {
    match &e.kind {
        EntryKind::File {
            content: Content::Bytes(b),
            ..
        } => Ok(Some(b.clone())),
        EntryKind::File {
            content: Content::Path(p),
            ..
        } => p.read().map(Some).map_err(|source| RelocateError::Read {
            path: p.path().display().to_string(),
            source,
        }),
        _ => Ok(None),
    }
}

pub(super) fn set_content(e: &mut Entry, data: Vec<u8>) {
    e.kind = EntryKind::File {
        size: data.len() as u64,
        content: Content::Bytes(data),
    };
}

/// Relocates the venv in `pkg` (see the module doc). Without [`Package::venv`] there is nothing
/// to rewrite; a distribution installed for the system's Python ([`Package::system_python`]) gets
/// the final scan alone, with its staging paths.
///
/// # Errors
/// [`RelocateError`] for editable installs, `.pth` lines outside the venv, unreadable files and
/// build paths left after rewriting.
pub fn relocate(pkg: &mut Package, listener: &dyn Listener) -> Result<(), RelocateError> {
    if let (None, Some(sys)) = (&pkg.venv, &pkg.system_python) {
        return scan_paths(
            pkg,
            &sys.build_paths,
            &sys.watch_paths,
            &sys.lib.display(),
            listener,
        );
    }
    let Some(info) = pkg.venv.clone() else {
        return Ok(());
    };
    let new = info.prefix.as_bytes().to_vec();
    let old = &info.build_paths;
    let bin = info
        .prefix
        .join(b"bin")
        .map_err(io::Error::other)
        .map_err(read_err)?;

    // 1. Byte-code and editable installs.
    let mut dropped: BTreeSet<PkgPath> = BTreeSet::new();
    pkg.entries.retain(|e| {
        let below = e.path.strip_prefix(&info.prefix);
        let pyc = below.is_some_and(|rel| {
            rel.split(|&b| b == b'/').any(|c| c == b"__pycache__")
                || rel.ends_with(b".pyc")
                || rel.ends_with(b".pyo")
        });
        if pyc {
            dropped.insert(e.path.clone());
        }
        !pyc
    });
    let dists = dist_owners(pkg, &info)?;
    for e in &pkg.entries {
        let name = e.path.file_name();
        let shown = e.path.display();
        let editable_file =
            (name.starts_with(b"__editable__") && e.is_file()) || name.ends_with(b".egg-link");
        if editable_file {
            return Err(RelocateError::Editable {
                dist: owner(&dists, &e.path),
                file: shown,
            });
        }
    }

    // 2. direct_url.json: editable → error, file:// → dropped.
    let mut direct: Vec<(PkgPath, bool)> = Vec::new();
    for e in &pkg.entries {
        if e.path.file_name() == b"direct_url.json" && is_dist_info(&e.path) {
            let data = read_content(e)?.unwrap_or_default();
            let v: serde_json::Value = serde_json::from_slice(&data).unwrap_or_default();
            let editable = v["dir_info"]["editable"].as_bool() == Some(true);
            let file_url = v["url"].as_str().is_some_and(|u| u.starts_with("file:"));
            if editable {
                return Err(RelocateError::Editable {
                    dist: dist_name_of(&e.path),
                    file: e.path.display(),
                });
            }
            direct.push((e.path.clone(), file_url));
        }
    }
    for (p, file_url) in direct {
        if file_url {
            pkg.entries.retain(|e| e.path != p);
            dropped.insert(p);
        }
    }

    // 3. Rewrite scripts, pyvenv.cfg, .pth files and symlinks.
    let python = bin
        .join(b"python")
        .map_err(io::Error::other)
        .map_err(read_err)?;
    let plain_python = pkg.entries.iter().any(|e| e.path == python);
    let cfg = info
        .prefix
        .join(b"pyvenv.cfg")
        .map_err(io::Error::other)
        .map_err(read_err)?;
    let mut rewritten: BTreeMap<PkgPath, Vec<u8>> = BTreeMap::new();
    for e in pkg.entries.iter_mut() {
        match &e.kind {
            EntryKind::Symlink { target } => {
                if let Some(t) = relative_link(&e.path, target, old, &info.prefix) {
                    e.kind = EntryKind::Symlink { target: t };
                }
            }
            EntryKind::File { .. } => {
                let in_bin = e.path.parent().as_ref() == Some(&bin);
                // Only what site.addsitedir() reads: *.pth directly in a site directory.
                let is_pth = e.path.file_name().ends_with(b".pth")
                    && e.path.starts_with(&info.prefix)
                    && e.path.parent().is_some_and(|d| {
                        matches!(d.file_name(), b"site-packages" | b"dist-packages")
                    });
                if !(in_bin || is_pth || e.path == cfg) {
                    continue;
                }
                let Some(data) = read_content(e)? else {
                    continue;
                };
                let new_data = if is_pth {
                    if data.contains(&0) {
                        continue; // not a text .pth file
                    }
                    rewrite_pth(&data, old, &new, &e.path, &dists)?
                } else if in_bin {
                    if data.contains(&0) {
                        continue; // a binary (ELF); the final scan reports it if it leaks
                    }
                    rewrite_script(&data, old, &new, plain_python)
                } else {
                    replace_paths(&data, old, &new)
                };
                if let Some(d) = new_data {
                    rewritten.insert(e.path.clone(), d.clone());
                    set_content(e, d);
                }
            }
            _ => {}
        }
    }

    // 4. RECORD files.
    fix_records(pkg, &info, &rewritten, &dropped)?;
    if !rewritten.is_empty() {
        listener.info(&format!(
            "relocated {} files from the build directory to {}",
            rewritten.len(),
            info.prefix
        ));
    }

    // 5. Nothing may still mention a build path.
    scan(pkg, &info, listener)
}

pub(super) fn read_err(e: io::Error) -> RelocateError {
    RelocateError::Read {
        path: "venv prefix".into(),
        source: e,
    }
}

pub(super) fn is_dist_info(p: &PkgPath) -> bool {
    p.parent()
        .is_some_and(|d| d.file_name().ends_with(b".dist-info"))
}

/// `foo-1.0.dist-info/x` → `foo`.
pub(super) fn dist_name_of(p: &PkgPath) -> String {
    let mut cur = Some(p.clone());
    while let Some(c) = cur {
        let n = c.file_name();
        if let Some(stem) = n.strip_suffix(b".dist-info") {
            let s = String::from_utf8_lossy(stem);
            return s.split('-').next().unwrap_or(&s).to_string();
        }
        cur = c.parent();
    }
    "unknown".into()
}
