//! The format-neutral package model: what a source produces, transforms rewrite and targets read.
//!
//! A [`Package`] is metadata ([`Metadata`]), relations ([`Relations`]), maintainer scripts
//! ([`Scripts`]) and a list of [`Entry`]s. Paths inside the package are [`PkgPath`]s: absolute,
//! normalised, `/`-separated byte strings (file names are kept byte-exact, UTF-8 or not).
//!
//! Rules decided once, here, for every target:
//! - parent directories of every entry are present ([`Package::finalize`]), and the base
//!   system's directories ([`crate::sysdirs`]) have their standard modes and root ownership;
//! - entries are sorted by path components, so parents come before children;
//! - owners are `root:root` unless an entry says otherwise;
//! - permission bits are normalised by [`normalize_mode`], so the build host's umask never leaks.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::relation::Relation;

mod entry;
mod facts;
mod path;
mod scripts;
mod service;
#[cfg(test)]
mod tests;

pub use entry::*;
pub use facts::*;
pub use path::*;
pub use scripts::*;
pub use service::*;

/// Descriptive metadata, in format-neutral terms. Targets map each field to their own
/// (deb-control(5) names in brackets).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Package name (`Package`).
    pub name: String,
    /// Upstream version (`Version` without epoch and revision).
    pub version: String,
    /// fpm's `--iteration`: Debian revision / RPM `Release`. `None` for a Debian native version.
    pub iteration: Option<String>,
    /// Epoch, `None` when not given.
    pub epoch: Option<u32>,
    /// Debian architecture name (`amd64`, `arm64`, `all`, ...). Targets map it to their own.
    pub architecture: String,
    /// `Name <email>` (`Maintainer`).
    pub maintainer: String,
    /// The organisation that ships the package (rpm `Vendor`; not a deb field).
    pub vendor: Option<String>,
    /// Project home page (`Homepage`).
    pub url: Option<String>,
    /// License name, e.g. `MIT` (written into the copyright file; rpm `License`).
    pub license: Option<String>,
    /// Full license text when known (copyright file).
    pub license_text: Option<String>,
    /// First line = synopsis, the rest = extended description (`Description`).
    pub description: String,
    /// The section or group the package is filed under (fpm `--category`): deb `Section`
    /// (default `misc`), rpm `Group` (default `misc` too: rpmlint reports rpmbuild's `Unspecified`).
    pub category: Option<String>,
}

/// Relationship fields, each a list of [`Relation`]s (an entry may hold alternatives).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// `Depends` / rpm `Requires`.
    pub depends: Vec<Relation>,
    /// `Pre-Depends`.
    pub pre_depends: Vec<Relation>,
    /// `Provides`.
    pub provides: Vec<Relation>,
    /// `Conflicts`.
    pub conflicts: Vec<Relation>,
    /// `Replaces` (rpm `Obsoletes`).
    pub replaces: Vec<Relation>,
    /// `Recommends` (weak dependency; rpm `Recommends`).
    pub recommends: Vec<Relation>,
    /// `Suggests` (rpm `Suggests`).
    pub suggests: Vec<Relation>,
}

/// The whole package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Package {
    /// Descriptive fields.
    pub meta: Metadata,
    /// Relationship fields.
    pub relations: Relations,
    /// Maintainer scripts.
    pub scripts: Scripts,
    /// The payload. After [`Package::finalize`]: sorted, unique, with every parent directory.
    pub entries: Vec<Entry>,
    /// Set when the payload holds a Python virtualenv.
    pub venv: Option<VenvInfo>,
    /// ELF facts (empty until the ELF pass ran).
    pub elf: ElfFacts,
    /// The interpreter the payload needs (set by the Python pass).
    pub python: Option<PythonRequirement>,
    /// Set when the payload is a Python distribution installed for the system's interpreter.
    pub system_python: Option<SystemPython>,
    /// systemd units and the service user (`--systemd-unit`, `--user`); targets install the
    /// units where their distributions keep them and write the maintainer scripts.
    pub service: Service,
    /// Directories the package claims as its own, with everything below them: a `src=dst`
    /// directory mapping's `dst`, the venv prefix, `--directories`, `[[files]]` directories,
    /// the service's home. Formats that track directory ownership (rpm) own only these and the
    /// directories named after the package ([`Package::owns_dir`]).
    pub claimed: BTreeSet<PkgPath>,
    /// Files that are configuration only because they are under `/etc` (the default rule, which
    /// the deb's `--deb-no-default-config-files` turns off); explicit ones are not listed.
    pub etc_config: BTreeSet<PkgPath>,
}

/// Why [`Package::finalize`] refused the payload.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModelError {
    /// Two entries with one path but different contents or kinds.
    #[error("two different entries want the same path '{0}' (check overlapping src=dst mappings)")]
    Conflict(String),
    /// A path is used as a directory by one entry and as a non-directory by another.
    #[error("'{0}' is not a directory, but other entries are below it")]
    NotADirectory(String),
    /// A hard link names a file that is not in the package.
    #[error("hard link '{0}' points at '{1}', which is not a regular file in the package")]
    DanglingHardLink(String, String),
}

impl Package {
    /// Adds missing parent directories, merges identical duplicates, sorts parents before
    /// children, and checks the tree is consistent. Call after the last change to `entries`.
    ///
    /// # Errors
    /// [`ModelError`] when two different entries claim one path, or a file has children.
    pub fn finalize(&mut self) -> Result<(), ModelError> {
        let mut by_path: BTreeMap<Vec<Vec<u8>>, Entry> = BTreeMap::new();
        for e in self.entries.drain(..) {
            if e.path.is_root() {
                continue;
            }
            let key: Vec<Vec<u8>> = e.path.components().map(|c| c.to_vec()).collect();
            match by_path.get(&key) {
                None => {
                    by_path.insert(key, e);
                }
                Some(old) if old.kind == EntryKind::Dir && e.kind == EntryKind::Dir => {
                    // An explicit directory entry (with a mode or owner) wins over an implicit one.
                    by_path.insert(key, e);
                }
                Some(old) if *old == e => {}
                Some(_) => return Err(ModelError::Conflict(e.path.display())),
            }
        }
        let mut parents = BTreeSet::new();
        for e in by_path.values() {
            let mut p = e.path.parent();
            while let Some(dir) = p {
                if dir.is_root() {
                    break;
                }
                p = dir.parent();
                parents.insert(dir);
            }
        }
        for dir in parents {
            let key: Vec<Vec<u8>> = dir.components().map(|c| c.to_vec()).collect();
            match by_path.get(&key) {
                Some(e) if e.kind != EntryKind::Dir => {
                    return Err(ModelError::NotADirectory(dir.display()))
                }
                Some(_) => {}
                None => {
                    by_path.insert(key, Entry::dir(dir));
                }
            }
        }
        self.entries = by_path.into_values().collect();
        self.link_hard_links();
        // The base system's directories keep their standard modes and owners whatever the
        // source tree says: installing a package never changes /usr or /tmp.
        for e in &mut self.entries {
            if e.kind == EntryKind::Dir && crate::sysdirs::is_system_dir(&e.path.display()) {
                e.mode = crate::sysdirs::standard_mode(&e.path.display());
                e.user = "root".into();
                e.group = "root".into();
            }
        }
        let files: BTreeSet<&PkgPath> = self
            .entries
            .iter()
            .filter(|e| e.is_file())
            .map(|e| &e.path)
            .collect();
        for e in &self.entries {
            if let EntryKind::HardLink { target } = &e.kind {
                if !files.contains(target) {
                    return Err(ModelError::DanglingHardLink(
                        e.path.display(),
                        target.display(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Makes the files that are one inode on the build host one hard-link set, whichever
    /// arguments named them (`-C dir .` and `a=/foo b=/bar` alike): the first in path order
    /// keeps the data, the others become [`EntryKind::HardLink`]s to it. Files whose mode,
    /// owner or configuration flag were set apart (`[[files]]`) stay separate copies, since one
    /// inode has one mode. Needs `entries` sorted by path.
    fn link_hard_links(&mut self) {
        type Key = ((u64, u64), u32, String, String, bool);
        let mut first: HashMap<Key, PkgPath> = HashMap::new();
        let mut moved: HashMap<PkgPath, PkgPath> = HashMap::new();
        for e in &mut self.entries {
            let EntryKind::File {
                content: Content::Path(src),
                ..
            } = &e.kind
            else {
                continue;
            };
            let key = (
                src.identity(),
                e.mode,
                e.user.clone(),
                e.group.clone(),
                e.config,
            );
            match first.get(&key) {
                Some(target) => {
                    moved.insert(e.path.clone(), target.clone());
                    e.kind = EntryKind::HardLink {
                        target: target.clone(),
                    };
                }
                None => {
                    first.insert(key, e.path.clone());
                }
            }
        }
        // A link made by the walk to a file that is now itself a link follows it.
        for e in &mut self.entries {
            if let EntryKind::HardLink { target } = &mut e.kind {
                if let Some(t) = moved.get(target) {
                    *target = t.clone();
                }
            }
        }
    }

    /// Does the package create directory `dir` (rather than only put files into it)? True at
    /// or below a [`Package::claimed`] root, and at or below a directory named after the
    /// package (`/opt/myapp`, `/etc/myapp-2`, `/usr/share/myapp.d` for `myapp`). A directory
    /// the payload merely passes through to reach its files (`/etc/init.d`, `/etc/pki`,
    /// `/usr/local/bin`) is not: on RPM systems another package owns it, and owning it too
    /// conflicts with that package (fpm and nfpm list no such directory either). Whether a
    /// directory belongs to the base system is [`crate::sysdirs`]' question, asked by the format.
    pub fn owns_dir(&self, dir: &PkgPath) -> bool {
        if self.claimed.iter().any(|c| dir.starts_with(c)) {
            return true;
        }
        let name = self.meta.name.as_bytes();
        !name.is_empty()
            && dir.components().any(|c| {
                c.len() >= name.len()
                    && c[..name.len()].eq_ignore_ascii_case(name)
                    && c.get(name.len())
                        .is_none_or(|b| matches!(b, b'-' | b'.' | b'_'))
            })
    }

    /// The full version string in Debian form: `[epoch:]version[-iteration]` (Policy §5.6.12).
    pub fn full_version(&self) -> String {
        let mut v = String::new();
        if let Some(e) = self.meta.epoch {
            v.push_str(&format!("{e}:"));
        }
        v.push_str(&self.meta.version);
        if let Some(i) = &self.meta.iteration {
            v.push('-');
            v.push_str(i);
        }
        v
    }

    /// Bytes of regular-file data in the payload (hard links counted once), for progress.
    pub fn payload_bytes(&self) -> u64 {
        self.entries
            .iter()
            .map(|e| match &e.kind {
                EntryKind::File { size, .. } => *size,
                _ => 0,
            })
            .sum()
    }

    /// Finds an entry by path.
    pub fn entry(&self, path: &PkgPath) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.path == path)
    }

    /// Adds a generated maintainer-script fragment to `phase`.
    pub fn add_fragment(&mut self, phase: Phase, comment: &str, body: String) {
        self.scripts
            .generated
            .entry(phase)
            .or_default()
            .push(Fragment {
                comment: comment.to_string(),
                body,
            });
    }
}
