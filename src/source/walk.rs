//! [`walk`] is the one place that reads a directory tree into entries; every source uses it, so
//! the rules hold everywhere: symlinks are stored as symlinks and never followed, hard links are
//! stored once, FIFOs, sockets and devices are refused, and unreadable files are reported before
//! anything is written.

use std::collections::HashMap;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::SourceError;
use crate::hostfs::SourceFile;
use crate::listener::Listener;
use crate::model::{Content, Entry, EntryKind, PkgPath};

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `-x/--exclude` globs. A pattern matches a path relative to the walked root (`build/**`,
/// `*/tests/*`) or any single file name (`*.pyc`, `__pycache__`); a matched directory is skipped
/// with everything below it.
#[derive(Debug, Clone)]
pub struct Excludes(GlobSet);

impl Excludes {
    /// Compiles the patterns.
    ///
    /// # Errors
    /// [`SourceError::Invalid`] naming a malformed pattern.
    pub fn new(patterns: &[String]) -> Result<Self, SourceError> {
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let g = GlobBuilder::new(p.trim_start_matches("./"))
                .literal_separator(false)
                .build()
                .map_err(|e| SourceError::Invalid(format!("-x/--exclude '{p}': {e}")))?;
            b.add(g);
        }
        b.build()
            .map(Excludes)
            .map_err(|e| SourceError::Invalid(format!("-x/--exclude: {e}")))
    }

    /// Does `rel` (relative path, `/`-separated) or its file name match?
    pub fn matches(&self, rel: &Path) -> bool {
        if self.0.is_empty() {
            return false;
        }
        self.0.is_match(rel) || rel.file_name().is_some_and(|n| self.0.is_match(n))
    }
}

/// What [`walk`] should do with symlinks that point out of the tree. None is ever followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalLinks {
    /// Keep them (as symlinks), with a warning naming each.
    Warn,
    /// Refuse them (`--strict`).
    Reject,
    /// A virtualenv: its interpreter links (`bin/python*` to an absolute path, which
    /// `python -m venv` makes) are expected; any other link out of the venv (say
    /// `site-packages/x -> /etc/shadow`, planted by a `setup.py`) is a warning, or an error
    /// with `strict`.
    Venv {
        /// `--strict`.
        strict: bool,
    },
}

impl ExternalLinks {
    /// `Reject` with `--strict`, else `Warn`.
    pub fn warn_or_reject(strict: bool) -> Self {
        if strict {
            ExternalLinks::Reject
        } else {
            ExternalLinks::Warn
        }
    }

    /// Is a link at `rel` (relative to the walked root) to `target`, which points out of the
    /// tree, expected?
    fn expected(self, rel: &Path, target: &Path) -> bool {
        let interpreter = rel.parent() == Some(Path::new("bin"))
            && rel
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("python"))
            && target.is_absolute();
        matches!(self, ExternalLinks::Venv { .. }) && interpreter
    }

    fn rejects(self) -> bool {
        matches!(
            self,
            ExternalLinks::Reject | ExternalLinks::Venv { strict: true }
        )
    }
}

/// Reads `src` (a file, symlink or directory) into entries installed at `dst`.
///
/// Directories are walked in file-name order without following symlinks. Modes are normalised
/// ([`crate::model::normalize_mode`]), owners are root. Entries are not yet finalized.
///
/// # Errors
/// [`SourceError`] for a missing source, a FIFO/socket/device, an unreadable file or a name
/// that cannot be a package path.
pub fn walk(
    src: &Path,
    dst: &PkgPath,
    excludes: &Excludes,
    links: ExternalLinks,
    listener: &dyn Listener,
) -> Result<Vec<Entry>, SourceError> {
    let abs = std::path::absolute(src).map_err(io_err(src))?;
    let src = abs.as_path();
    let meta = fs::symlink_metadata(src).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            SourceError::Missing(src.to_path_buf())
        } else {
            io_err(src)(e)
        }
    })?;
    let mut entries = Vec::new();
    let mut inodes: HashMap<(u64, u64), PkgPath> = HashMap::new();
    if !meta.is_dir() {
        entries.push(entry_for(
            src,
            &meta,
            dst.clone(),
            src,
            links,
            &mut inodes,
            listener,
        )?);
        return Ok(entries);
    }
    entries.push(dir_entry(dst.clone(), &meta));
    let mut it = walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
        .into_iter();
    while let Some(item) = it.next() {
        let item = item.map_err(|e| {
            let path = e.path().unwrap_or(src).to_path_buf();
            SourceError::Io {
                path,
                source: e.into(),
            }
        })?;
        let rel = item.path().strip_prefix(src).unwrap_or(item.path());
        if excludes.matches(rel) {
            if item.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let meta = item.metadata().map_err(|e| SourceError::Io {
            path: item.path().to_path_buf(),
            source: e.into(),
        })?;
        let path = dst.join(rel.as_os_str().as_bytes())?;
        entries.push(entry_for(
            item.path(),
            &meta,
            path,
            src,
            links,
            &mut inodes,
            listener,
        )?);
    }
    Ok(entries)
}

fn dir_entry(path: PkgPath, meta: &fs::Metadata) -> Entry {
    let mut e = Entry::dir(path);
    e.mode = crate::model::normalize_mode(meta.mode());
    e
}

fn entry_for(
    fs_path: &Path,
    meta: &fs::Metadata,
    path: PkgPath,
    root: &Path,
    links: ExternalLinks,
    inodes: &mut HashMap<(u64, u64), PkgPath>,
    listener: &dyn Listener,
) -> Result<Entry, SourceError> {
    let ft = meta.file_type();
    if ft.is_dir() {
        return Ok(dir_entry(path, meta));
    }
    if ft.is_symlink() {
        let target = fs::read_link(fs_path).map_err(io_err(fs_path))?;
        let rel = fs_path.strip_prefix(root).unwrap_or(fs_path);
        if points_outside(fs_path, &target, root) && !links.expected(rel, &target) {
            if links.rejects() {
                return Err(SourceError::Invalid(format!(
                    "symlink '{}' points outside the source tree, to '{}' (--strict refuses it; without --strict it is packaged as a symlink, never followed)",
                    fs_path.display(),
                    target.display()
                )));
            }
            listener.warning(&format!(
                "symlink '{}' points outside the source tree, to '{}'; it is packaged as a symlink, not followed (--strict refuses it)",
                fs_path.display(),
                target.display()
            ));
        }
        return Ok(Entry::symlink(path, target.as_os_str().as_bytes().to_vec()));
    }
    let kind = if ft.is_fifo() {
        "FIFO"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        ""
    };
    if !kind.is_empty() {
        return Err(SourceError::Special {
            path: fs_path.to_path_buf(),
            kind,
        });
    }
    // Open now (as the writers will: never through a symlink, and only this very file), so an
    // unreadable file is reported before any artifact is started.
    let source = SourceFile::new(fs_path.to_path_buf(), meta);
    source.open().map_err(io_err(fs_path))?;
    if meta.nlink() > 1 {
        let key = (meta.dev(), meta.ino());
        if let Some(first) = inodes.get(&key) {
            let mut e = Entry::dir(path);
            e.kind = EntryKind::HardLink {
                target: first.clone(),
            };
            e.mode = crate::model::normalize_mode(meta.mode());
            return Ok(e);
        }
        inodes.insert(key, path.clone());
    }
    Ok(Entry::file(
        path,
        Content::Path(source),
        meta.len(),
        meta.mode(),
    ))
}

/// Does a symlink at `link` with `target` resolve (lexically) outside `root`?
fn points_outside(link: &Path, target: &Path, root: &Path) -> bool {
    if target.is_absolute() {
        return !target.starts_with(root);
    }
    let mut p: Vec<&std::ffi::OsStr> = link.parent().unwrap_or(Path::new("")).iter().collect();
    for c in target.iter() {
        match c.as_bytes() {
            b"." => {}
            b".." => {
                if p.pop().is_none() {
                    return true;
                }
            }
            _ => p.push(c),
        }
    }
    !p.iter().collect::<PathBuf>().starts_with(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::Collect;
    use std::os::unix::fs::symlink;

    #[test]
    fn walks_without_following_links_and_dedups_hardlinks() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("tree");
        fs::create_dir_all(root.join("sub/skip")).unwrap();
        fs::write(root.join("sub/a.txt"), "a").unwrap();
        fs::write(root.join("sub/x.pyc"), "a").unwrap();
        fs::hard_link(root.join("sub/a.txt"), root.join("sub/b.txt")).unwrap();
        symlink("/etc/passwd", root.join("out")).unwrap();
        symlink("sub/a.txt", root.join("in")).unwrap();
        let l = Collect::default();
        let ex = Excludes::new(&["*.pyc".into(), "sub/skip".into()]).unwrap();
        let dst = PkgPath::parse("/opt/t").unwrap();
        let es = walk(&root, &dst, &ex, ExternalLinks::Warn, &l).unwrap();
        let names: Vec<String> = es.iter().map(|e| e.path.display()).collect();
        assert_eq!(
            names,
            [
                "/opt/t",
                "/opt/t/in",
                "/opt/t/out",
                "/opt/t/sub",
                "/opt/t/sub/a.txt",
                "/opt/t/sub/b.txt"
            ]
        );
        assert!(
            matches!(es[2].kind, EntryKind::Symlink { ref target } if target == b"/etc/passwd")
        );
        assert!(matches!(es[5].kind, EntryKind::HardLink { .. }));
        let w = l.warnings.lock().unwrap();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("/etc/passwd"));
    }

    #[test]
    fn refuses_fifos() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("f");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(ok.success());
        let ex = Excludes::new(&[]).unwrap();
        let r = walk(
            d.path(),
            &PkgPath::parse("/x").unwrap(),
            &ex,
            ExternalLinks::Warn,
            &Collect::default(),
        );
        assert!(matches!(r, Err(SourceError::Special { kind: "FIFO", .. })));
    }
}
