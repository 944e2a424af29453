//! What the conversion sources share (`-s deb`, `-s rpm`, `-s tar`): the package file is read
//! once by its format's own reader (the one `pkgr inspect` uses, [`crate::format::read::open`]),
//! which streams each regular file's data into a staging directory ([`read`]); the
//! [`Inspection`] it returns becomes the entries of the model ([`entries`]), and the deb and
//! rpm sources add what their format says of itself ([`meta`]: metadata, relations, scripts).
//!
//! Unsafe members are refused before anything is written: a name that would extract outside
//! the root (absolute in a tar, or climbing with `..`), a hard link to such a name, a symlink
//! whose relative target climbs above the root, a device, FIFO or socket. A damaged or truncated
//! archive is the reader's error. Memory holds the file list, never file data.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::{Excludes, Input, SourceError};
use crate::cleanup::Staging;
use crate::format::read::{self, Fail, FileInfo, Inspection};
use crate::format::FormatKind;
use crate::hostfs::SourceFile;
use crate::model::{Content, Entry, EntryKind, PkgPath};

pub mod meta;
pub mod relations;

/// A package file read into a staging directory.
pub struct Unpacked {
    /// What the file says of itself, its entries included.
    pub inspection: Inspection,
    /// Each regular file's data: package path → the staged file and its size.
    pub data: HashMap<String, (SourceFile, u64)>,
    /// The staging directory holding the data, removed when dropped.
    pub staging: Staging,
}

/// The one PATH a conversion source takes (relative to the recipe's directory when it came from
/// a pkgr.toml).
///
/// # Errors
/// [`SourceError::Invalid`] for no PATH or several; [`SourceError::Missing`] when it does not
/// exist.
pub fn one_path(input: &Input, flag: &str, what: &str) -> Result<PathBuf, SourceError> {
    let path = match input.paths {
        [one] => PathBuf::from(one),
        [] => {
            return Err(SourceError::Invalid(format!(
                "{flag} needs one PATH: the {what} to convert"
            )))
        }
        many => {
            return Err(SourceError::Invalid(format!(
                "{flag} converts one {what}, but got {} PATHs ({}); run pkgr once per file",
                many.len(),
                many.join(" ")
            )))
        }
    };
    let path = match input.recipe_dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    };
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(SourceError::Missing(path));
    }
    Ok(path)
}

/// What `-s deb` and `-s rpm` start with: their one PATH, refused `-C`/`--prefix`, the file
/// read into a staging directory.
///
/// # Errors
/// As [`one_path`], [`no_placement`] and [`read`].
pub fn open_package(input: &Input, kind: FormatKind) -> Result<Unpacked, SourceError> {
    let flag = format!("-s {}", kind.name());
    let path = one_path(input, &flag, &format!(".{} file", kind.name()))?;
    no_placement(input, &flag)?;
    read(&path, kind, input.scratch)
}

/// Whether the converted package's scripts are carried (`--package-scripts`, default true);
/// when they are not, the ones left out are named.
pub fn wants_scripts(input: &Input, insp: &Inspection, flag: &str) -> bool {
    if input.options.sources.deb.package_scripts != Some(false) {
        return true;
    }
    if !insp.scripts.is_empty() {
        input.listener.info(&format!(
            "{flag}: the package's scripts are left out (--package-scripts=false): {}",
            insp.scripts.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    false
}

/// `-C` and `--prefix` place a tarball's members; a package's files keep their paths, so with
/// `-s deb` or `-s rpm` either is an error rather than ignored.
///
/// # Errors
/// [`SourceError::Invalid`] naming the flag.
pub fn no_placement(input: &Input, flag: &str) -> Result<(), SourceError> {
    let o = input.options;
    for (given, name) in [
        (o.sources.dir.chdir.is_some(), "-C/--chdir"),
        (o.contents.prefix.is_some(), "--prefix"),
    ] {
        if given {
            return Err(SourceError::Invalid(format!(
                "{name} is not used by {flag}: a package's files keep the paths it gives them (-s tar places a tarball's members)"
            )));
        }
    }
    Ok(())
}

/// Reads the package file at `path`, which must be of format `want`, storing each regular
/// file's data in a new staging directory under `scratch` as the reader streams it.
///
/// # Errors
/// [`SourceError::Read`] when the file is of another format, damaged, truncated, or has a member
/// that would extract outside the root; [`SourceError::Io`] when the staging directory cannot
/// be written.
pub fn read(path: &Path, want: FormatKind, scratch: &Path) -> Result<Unpacked, SourceError> {
    let staging = Staging::new(scratch).map_err(|source| SourceError::Io {
        path: scratch.to_path_buf(),
        source,
    })?;
    let dir = staging.path().to_path_buf();
    let mut data: HashMap<String, (SourceFile, u64)> = HashMap::new();
    let mut n = 0u64;
    let mut store = |info: &FileInfo, r: &mut dyn Read| -> Result<(), Fail> {
        if info.outside {
            return Err(outside(info));
        }
        if info.kind != "file" {
            return Ok(());
        }
        n += 1;
        let at = dir.join(n.to_string());
        let fail = |e: io::Error| Fail::Invalid(format!("cannot store '{}': {e}", info.path));
        let mut f = File::create_new(&at).map_err(fail)?;
        let copied = io::copy(&mut r.take(info.size.saturating_add(1)), &mut f)
            .map_err(|e| Fail::io(&info.path, e))?;
        if copied != info.size {
            return Err(Fail::Invalid(format!(
                "'{}' declares {} bytes but has {copied} (the file is truncated or damaged)",
                info.path, info.size
            )));
        }
        f.flush().map_err(fail)?;
        let file = SourceFile::stat(&at).map_err(fail)?;
        // A tar may hold a path twice; the last one wins, as tar extracts it.
        data.insert(info.path.clone(), (file, copied));
        Ok(())
    };
    let (kind, inspection) = read::open(path, Some(want), Some(&mut store))?;
    debug_assert_eq!(kind, want);
    Ok(Unpacked {
        inspection,
        data,
        staging,
    })
}

fn outside(info: &FileInfo) -> Fail {
    Fail::Invalid(format!(
        "member '{}' would be extracted outside the directory it is extracted in (an absolute name, or '..' climbing above it); pkgr refuses the archive",
        info.path
    ))
}

/// Does a relative symlink target, seen from the link at `path` (`/a/b/link`), climb above `/`?
pub fn climbs_out(path: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return false;
    }
    let mut depth = path.split('/').filter(|c| !c.is_empty()).count() as i64 - 1;
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
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

/// How [`entries`] places the members.
pub struct Placement<'a> {
    /// Take only the members below this directory (`-C`), relative to the archive's root,
    /// with it stripped from their paths.
    pub chdir: Option<&'a PkgPath>,
    /// Put everything below this directory (`--prefix`).
    pub prefix: Option<&'a PkgPath>,
    /// Refuse absolute symlink targets too (a tarball's tree, unlike a package's, is not the
    /// file system's root).
    pub absolute_links_leave: bool,
    /// `-x/--exclude`: matched against the member's path relative to the archive's root (or
    /// to `-C`), a matched directory with everything below it.
    pub excludes: &'a Excludes,
    /// Keep the owners the archive records; else every entry is root's.
    pub keep_owners: bool,
}

impl Placement<'_> {
    /// Is the member at `rel` (relative, `a/b/c`), or a directory above it, excluded?
    fn excluded(&self, rel: &str) -> bool {
        let mut at = String::new();
        rel.split('/').filter(|c| !c.is_empty()).any(|c| {
            if !at.is_empty() {
                at.push('/');
            }
            at.push_str(c);
            self.excludes.matches(Path::new(&at))
        })
    }
}

impl<'a> Placement<'a> {
    /// A package's: its files keep their paths and owners, its tree is the file system's.
    pub fn package(excludes: &'a Excludes) -> Self {
        Placement {
            chdir: None,
            prefix: None,
            absolute_links_leave: false,
            excludes,
            keep_owners: true,
        }
    }
}

/// The model's entries for the package's files: modes (all permission bits, as the package has
/// them), owners, symlinks and hard links kept; configuration files flagged. `%ghost` files,
/// which no payload holds, are left out (in `skipped`).
///
/// # Errors
/// [`SourceError::Invalid`] for an unsafe member or a kind no package holds.
pub fn entries(
    read: &Unpacked,
    place: &Placement,
    skipped: &mut Vec<String>,
) -> Result<Vec<Entry>, SourceError> {
    let conffiles: std::collections::BTreeSet<&str> = read
        .inspection
        .conffiles
        .iter()
        .map(String::as_str)
        .collect();
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    // Excluded regular files, by their placed path: a hard link to one takes its data.
    let mut excluded: HashMap<PkgPath, EntryKind> = HashMap::new();
    // Symlinks by their path relative to the tree's root, for resolving through them.
    let mut links: HashMap<String, String> = HashMap::new();
    for info in &read.inspection.files {
        if info.outside {
            return Err(SourceError::Invalid(match outside(info) {
                Fail::Invalid(m) | Fail::Unsupported(m) => m,
            }));
        }
        if info.ghost {
            skipped.push(info.path.clone());
            continue;
        }
        let Some((rel, path)) = placed(&info.path, place)? else {
            continue;
        };
        if place.excluded(&rel) {
            if let (true, Some((file, size))) = (info.kind == "file", read.data.get(&info.path)) {
                excluded.insert(
                    path,
                    EntryKind::File {
                        content: Content::Path(file.clone()),
                        size: *size,
                    },
                );
            }
            continue;
        }
        let kind = match info.kind.as_str() {
            "file" => {
                let (file, size) = read.data.get(&info.path).cloned().ok_or_else(|| {
                    SourceError::Invalid(format!(
                        "'{}' has no data in the archive",
                        info.path
                    ))
                })?;
                EntryKind::File {
                    content: Content::Path(file),
                    size,
                }
            }
            "dir" => EntryKind::Dir,
            "symlink" => {
                let target = info.target.clone().unwrap_or_default();
                if target.is_empty()
                    || climbs_out(&format!("/{rel}"), &target)
                    || (place.absolute_links_leave && target.starts_with('/'))
                {
                    return Err(SourceError::Invalid(format!(
                        "symlink '{}' points at '{}', outside the archive's tree; pkgr refuses the archive",
                        info.path, target
                    )));
                }
                links.insert(rel.clone(), target.clone());
                EntryKind::Symlink {
                    target: target.into_bytes(),
                }
            }
            "hardlink" => {
                let target = info.target.clone().unwrap_or_default();
                let Some((_, target)) = placed(&target, place)? else {
                    return Err(SourceError::Invalid(format!(
                        "hard link '{}' points at '{target}', outside the directory -C selects",
                        info.path
                    )));
                };
                EntryKind::HardLink { target }
            }
            other => {
                return Err(SourceError::Invalid(format!(
                    "member '{}' is a {other}; packages can only hold regular files, directories and symlinks",
                    info.path
                )))
            }
        };
        let config = conffiles.contains(info.path.as_str());
        let (user, group) = match place.keep_owners {
            true => (info.user.clone(), info.group.clone()),
            false => ("root".to_string(), "root".to_string()),
        };
        out.insert(
            path.display(),
            Entry {
                path,
                kind,
                mode: info.mode & 0o7777,
                user,
                group,
                config,
            },
        );
    }
    // A tarball's tree: no symlink may lead out of it, through other symlinks either
    // (`a -> .` and `b -> a/..`).
    if place.absolute_links_leave {
        for (rel, target) in &links {
            let mut dir: Vec<String> = rel.split('/').map(str::to_string).collect();
            dir.pop();
            if resolve(&links, dir, target, 0).is_none() {
                return Err(SourceError::Invalid(format!(
                    "symlink '/{rel}' points at '{target}', which leads outside the archive's tree through its other symlinks; pkgr refuses the archive"
                )));
            }
        }
    }
    promote_hard_links(&mut out, excluded);
    Ok(out.into_values().collect())
}

/// Resolves `target` from directory `dir` (components below the tree's root) through the
/// tree's own symlinks: the components it ends at, or `None` when it leaves the tree (or loops
/// more than 40 times, as the kernel's limit).
fn resolve(
    links: &HashMap<String, String>,
    mut dir: Vec<String>,
    target: &str,
    depth: usize,
) -> Option<Vec<String>> {
    if depth > 40 || target.starts_with('/') {
        return None;
    }
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                dir.pop()?;
            }
            name => {
                dir.push(name.to_string());
                if let Some(t) = links.get(&dir.join("/")) {
                    dir.pop();
                    dir = resolve(links, dir, t, depth + 1)?;
                }
            }
        }
    }
    Some(dir)
}

/// `-x` took the member of a hard-link set that holds the data: the first remaining member (in
/// path order) holds it now, and the others link to that one.
fn promote_hard_links(
    out: &mut BTreeMap<String, Entry>,
    mut excluded: HashMap<PkgPath, EntryKind>,
) {
    let mut moved: HashMap<PkgPath, PkgPath> = HashMap::new();
    for e in out.values_mut() {
        let EntryKind::HardLink { target } = &e.kind else {
            continue;
        };
        if let Some(new) = moved.get(target) {
            e.kind = EntryKind::HardLink {
                target: new.clone(),
            };
        } else if let Some(kind) = excluded.remove(target) {
            moved.insert(target.clone(), e.path.clone());
            e.kind = kind;
        }
    }
}

/// Where the member at `path` goes: below `-C` only (stripped), then under `--prefix`; with its
/// path relative to the archive's root (or `-C`), for the excludes.
fn placed(path: &str, place: &Placement) -> Result<Option<(String, PkgPath)>, SourceError> {
    let p = PkgPath::parse(path)?;
    let p = match place.chdir {
        Some(dir) if p.starts_with(dir) && p != *dir => {
            PkgPath::root().join(p.strip_prefix(dir).unwrap_or_default())?
        }
        Some(_) => return Ok(None),
        None => p,
    };
    let rel = String::from_utf8_lossy(p.relative()).into_owned();
    Ok(Some((
        rel,
        match place.prefix {
            Some(prefix) => prefix.join(p.relative())?,
            None => p,
        },
    )))
}
