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

use crate::hostfs::SourceFile;
use crate::relation::Relation;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// An absolute path inside the package, e.g. `/opt/venvs/app/bin/app`.
///
/// Stored as bytes without a trailing `/`; the root is `/`. Components are never empty, `.` or
/// `..` (the constructors reject them), so a package path can never climb out of the install root.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PkgPath(Vec<u8>);

/// Why a string could not become a [`PkgPath`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    /// The path was not absolute.
    #[error("package path '{0}' must be absolute (start with '/')")]
    NotAbsolute(String),
    /// The path had a `..` component.
    #[error("package path '{0}' contains '..', which could escape the install root")]
    DotDot(String),
    /// The path held a NUL byte or a newline, which no package format can carry safely.
    #[error("package path '{0}' contains a NUL or newline character")]
    BadByte(String),
}

impl PkgPath {
    /// The root directory `/`.
    pub fn root() -> Self {
        PkgPath(b"/".to_vec())
    }

    /// Parses an absolute path, collapsing `//` and `.` components.
    ///
    /// # Errors
    /// [`PathError`] if the path is relative, has a `..` component, or holds NUL or `\n`.
    pub fn new(raw: &[u8]) -> Result<Self, PathError> {
        let shown = String::from_utf8_lossy(raw).into_owned();
        if raw.first() != Some(&b'/') {
            return Err(PathError::NotAbsolute(shown));
        }
        if raw.iter().any(|&b| b == 0 || b == b'\n') {
            return Err(PathError::BadByte(shown));
        }
        let mut out = Vec::with_capacity(raw.len());
        for comp in raw.split(|&b| b == b'/') {
            match comp {
                b"" | b"." => {}
                b".." => return Err(PathError::DotDot(shown)),
                c => {
                    out.push(b'/');
                    out.extend_from_slice(c);
                }
            }
        }
        if out.is_empty() {
            out.push(b'/');
        }
        Ok(PkgPath(out))
    }

    /// Parses a `&str`; see [`PkgPath::new`].
    ///
    /// # Errors
    /// As [`PkgPath::new`].
    pub fn parse(s: &str) -> Result<Self, PathError> {
        Self::new(s.as_bytes())
    }

    /// Appends a relative path (bytes, `/`-separated) below this one.
    ///
    /// # Errors
    /// As [`PkgPath::new`] (a `..` in `rel` is rejected).
    pub fn join(&self, rel: &[u8]) -> Result<Self, PathError> {
        let mut raw = self.0.clone();
        raw.push(b'/');
        raw.extend_from_slice(rel);
        Self::new(&raw)
    }

    /// The raw bytes, e.g. `b"/opt/venvs/app"`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path without its leading `/` (`opt/venvs/app`; empty for the root).
    pub fn relative(&self) -> &[u8] {
        &self.0[1..]
    }

    /// Is this the root `/`?
    pub fn is_root(&self) -> bool {
        self.0 == b"/"
    }

    /// The parent directory, or `None` for the root.
    pub fn parent(&self) -> Option<PkgPath> {
        if self.is_root() {
            return None;
        }
        let cut = self.0.iter().rposition(|&b| b == b'/').unwrap_or(0);
        if cut == 0 {
            Some(PkgPath::root())
        } else {
            Some(PkgPath(self.0[..cut].to_vec()))
        }
    }

    /// The last component (`app` for `/opt/venvs/app`); empty for the root.
    pub fn file_name(&self) -> &[u8] {
        let cut = self.0.iter().rposition(|&b| b == b'/').unwrap_or(0);
        &self.0[cut + 1..]
    }

    /// Is `self` equal to `dir` or below it?
    pub fn starts_with(&self, dir: &PkgPath) -> bool {
        if dir.is_root() {
            return true;
        }
        self.0.starts_with(&dir.0) && (self.0.len() == dir.0.len() || self.0[dir.0.len()] == b'/')
    }

    /// The path below `dir` (`bin/app` for `/opt/venvs/app/bin/app` below `/opt/venvs/app`).
    pub fn strip_prefix(&self, dir: &PkgPath) -> Option<&[u8]> {
        if !self.starts_with(dir) {
            return None;
        }
        if dir.is_root() {
            return Some(self.relative());
        }
        let rest = &self.0[dir.0.len()..];
        Some(rest.strip_prefix(b"/").unwrap_or(rest))
    }

    /// The components, for sorting parents before children (`/a/b` < `/a/b/c` < `/a/b-c`).
    pub fn components(&self) -> impl Iterator<Item = &[u8]> {
        self.relative()
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
    }

    /// The path as (lossy) UTF-8, for messages.
    pub fn display(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl fmt::Debug for PkgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.display())
    }
}

impl fmt::Display for PkgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Where a regular file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Streamed from this file on the build host when a format writes it; opened only if it is
    /// still the file the source walked ([`SourceFile::open`]).
    Path(SourceFile),
    /// Held in memory (files pkgr generated or rewrote: scripts, copyright, RECORD, ...).
    Bytes(Vec<u8>),
}

/// What kind of filesystem object an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file of `size` bytes.
    File {
        /// The bytes.
        content: Content,
        /// Size in bytes, as it will be installed.
        size: u64,
    },
    /// A directory.
    Dir,
    /// A symbolic link to `target` (bytes, stored verbatim; relative or absolute).
    Symlink {
        /// The link target.
        target: Vec<u8>,
    },
    /// A hard link to another regular file entry of the same package, stored once.
    HardLink {
        /// The path of the regular-file entry this one shares data with.
        target: PkgPath,
    },
}

/// One filesystem object in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where it is installed.
    pub path: PkgPath,
    /// What it is.
    pub kind: EntryKind,
    /// Permission bits (`0o7777` mask), after [`normalize_mode`].
    pub mode: u32,
    /// Owning user name (`root` unless configured).
    pub user: String,
    /// Owning group name (`root` unless configured).
    pub group: String,
    /// A configuration file the admin may edit (deb `conffiles`, rpm `%config(noreplace)`).
    pub config: bool,
}

impl Entry {
    /// A regular file owned by root.
    pub fn file(path: PkgPath, content: Content, size: u64, mode: u32) -> Self {
        Entry {
            path,
            kind: EntryKind::File { content, size },
            mode: normalize_mode(mode),
            user: "root".into(),
            group: "root".into(),
            config: false,
        }
    }

    /// An in-memory regular file owned by root.
    pub fn bytes(path: PkgPath, data: Vec<u8>, mode: u32) -> Self {
        let size = data.len() as u64;
        Self::file(path, Content::Bytes(data), size, mode)
    }

    /// A directory (mode 0755 unless changed) owned by root.
    pub fn dir(path: PkgPath) -> Self {
        Entry {
            path,
            kind: EntryKind::Dir,
            mode: 0o755,
            user: "root".into(),
            group: "root".into(),
            config: false,
        }
    }

    /// A symlink (mode 0777, as every format stores it) owned by root.
    pub fn symlink(path: PkgPath, target: Vec<u8>) -> Self {
        Entry {
            path,
            kind: EntryKind::Symlink { target },
            mode: 0o777,
            user: "root".into(),
            group: "root".into(),
            config: false,
        }
    }

    /// Is this a regular file (not a hard link)?
    pub fn is_file(&self) -> bool {
        matches!(self.kind, EntryKind::File { .. })
    }
}

/// Normalises permission bits so the build host's umask cannot leak into an artifact: group and
/// other write bits are cleared, everything else (including a deliberate `0600` or `0750`) kept.
/// A mode with the sticky bit (`1777`, a shared drop directory) is deliberate through and
/// through, and is kept whole.
pub fn normalize_mode(mode: u32) -> u32 {
    if mode & 0o1000 != 0 {
        mode & 0o7777
    } else {
        mode & 0o7755
    }
}

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
    /// `Section` (fpm `--category`).
    pub category: String,
    /// `Priority`.
    pub priority: String,
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

/// When a maintainer script runs, in format-neutral terms (fpm's names). Each target maps
/// these to its own scripts: deb `preinst`/`postinst`/`prerm`/`postrm` (Policy §6), rpm
/// `%pre`/`%post`/`%preun`/`%postun` (see [`crate::format::scripts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Before the files are unpacked (deb `preinst`, rpm `%pre`).
    BeforeInstall,
    /// After the files are unpacked (deb `postinst configure`, rpm `%post`).
    AfterInstall,
    /// Before the files are removed (deb `prerm`, rpm `%preun`).
    BeforeRemove,
    /// After the files are removed (deb `postrm`, rpm `%postun`).
    AfterRemove,
    /// Before an upgrade's files are unpacked (fpm `--before-upgrade`).
    BeforeUpgrade,
    /// After an upgrade's files are unpacked (fpm `--after-upgrade`).
    AfterUpgrade,
}

impl Phase {
    /// Every phase.
    pub const ALL: [Phase; 6] = [
        Phase::BeforeInstall,
        Phase::AfterInstall,
        Phase::BeforeRemove,
        Phase::AfterRemove,
        Phase::BeforeUpgrade,
        Phase::AfterUpgrade,
    ];

    /// fpm's flag for it (`--after-install`), for messages.
    pub fn flag(self) -> &'static str {
        match self {
            Phase::BeforeInstall => "--before-install",
            Phase::AfterInstall => "--after-install",
            Phase::BeforeRemove => "--before-remove",
            Phase::AfterRemove => "--after-remove",
            Phase::BeforeUpgrade => "--before-upgrade",
            Phase::AfterUpgrade => "--after-upgrade",
        }
    }
}

/// A shell fragment pkgr itself adds to a phase (byte-compiling a venv, ...). Fragments are
/// POSIX `sh`, take no arguments, must be idempotent and must not fail the script needlessly;
/// the target decides for which of its script arguments they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// What it does, written as a comment above it.
    pub comment: String,
    /// The shell code.
    pub body: String,
}

/// Maintainer scripts: the user's (whole scripts, each starting with `#!`) and pkgr's fragments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scripts {
    /// User scripts by phase (fpm `--after-install FILE` and friends).
    pub user: BTreeMap<Phase, String>,
    /// Generated fragments by phase.
    pub generated: BTreeMap<Phase, Vec<Fragment>>,
}

/// The Python interpreter a venv in the payload needs at run time (from its `pyvenv.cfg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRequirement {
    /// `3.11`.
    pub minor: String,
    /// `3.11.2`: the version that built the venv, the floor.
    pub full: String,
    /// `/usr/bin/python3.11`: the interpreter the venv's `bin/python3` points at.
    pub executable: String,
}

/// Facts about a Python virtual environment inside the package, recorded by the source for the
/// relocation and dependency transforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenvInfo {
    /// Where the venv is installed (`/opt/venvs/<name>`).
    pub prefix: PkgPath,
    /// Every absolute path the venv was built or seen at (the staging directory, its canonical
    /// form, the path recorded in `pyvenv.cfg`); all of them are rewritten to `prefix`.
    pub build_paths: Vec<Vec<u8>>,
    /// Other build-host paths that should not appear in the payload (the app's source directory):
    /// found ones are warnings, not errors.
    pub watch_paths: Vec<Vec<u8>>,
}

/// ELF facts about the payload, filled by [`crate::transform::elf`]; targets turn them into
/// dependencies in their own terms.
/// What one ELF file needs and provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFile {
    /// Where it is installed.
    pub path: PkgPath,
    /// `DT_SONAME`, for shared libraries.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries not provided by the payload.
    pub external: Vec<String>,
    /// Undefined dynamic symbols it imports from external libraries (or unversioned ones, which
    /// may come from any of them), for symbols-file version floors (deb-symbols(5)).
    pub imports: Vec<Import>,
    /// `(library, version node)` pairs from `.gnu.version_r` for external libraries
    /// (`("libc.so.6", "GLIBC_2.14")`), in file order.
    pub version_needs: Vec<(String, String)>,
    /// Has `DT_GNU_HASH` but no `DT_HASH` (rpm's elfdeps then requires `rtld(GNU_HASH)`).
    pub gnu_hash_only: bool,
    /// Highest `GLIBC_x.y[.z]` symbol version needed from glibc's libraries (libc, libm, ...).
    pub glibc: Option<Vec<u32>>,
    /// Does it still carry a `.symtab` (lintian: unstripped)?
    pub unstripped: bool,
    /// 64-bit ELF class.
    pub is_64: bool,
}

/// One undefined dynamic symbol of an ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The symbol name (`deflate`).
    pub name: String,
    /// Its version node (`ZLIB_1.2.0`, `GLIBC_2.14`), when the import is versioned.
    pub version: Option<String>,
    /// The library the version node belongs to (`vn_file`: `libz.so.1`), when versioned.
    pub library: Option<String>,
    /// A weak reference (`STB_WEAK`): allowed to stay unresolved.
    pub weak: bool,
}

/// ELF facts for the whole payload (empty when it has no ELF files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElfFacts {
    /// Every ELF file, in payload order.
    pub files: Vec<ElfFile>,
}

impl ElfFacts {
    /// The highest glibc version any file needs (`[2, 14]`), if any file links libc.
    pub fn glibc_floor(&self) -> Option<Vec<u32>> {
        self.files.iter().filter_map(|f| f.glibc.clone()).max()
    }

    /// Every external soname, sorted and unique.
    pub fn external_sonames(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .flat_map(|f| f.external.iter().cloned())
            .collect::<BTreeSet<String>>()
    }
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
    /// The interpreter a venv in the payload needs (set by the Python pass).
    pub python: Option<PythonRequirement>,
    /// systemd units and the service user (`--systemd-unit`, `--user`); targets install the
    /// units where their distributions keep them and write the maintainer scripts.
    pub service: Service,
}

/// A systemd unit file the package ships (`--systemd-unit FILE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemdUnit {
    /// The unit name, which is its file name (`app.service`, `app.timer`).
    pub name: String,
    /// The file's bytes (unit files are small).
    pub text: Vec<u8>,
}

impl SystemdUnit {
    /// Is it enabled (and started) on install? Only units with an `[Install]` section that are
    /// not templates (`name@.service`), as dh_installsystemd and `systemctl enable` decide.
    pub fn enablable(&self) -> bool {
        !self.name.contains("@.")
            && String::from_utf8_lossy(&self.text)
                .lines()
                .any(|l| l.trim() == "[Install]")
    }
}

/// The system account a service runs as (`--user`, `--group`, `--home`), created before the
/// files are unpacked and never deleted (Debian Policy §9.2.1: removing a user could leave
/// files owned by a reused uid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUser {
    /// The user name (Debian Policy §9.2: `[a-z_][a-z0-9_-]*`).
    pub name: String,
    /// Its primary group (default: the user name).
    pub group: String,
    /// Its home directory, created and owned by it when given; `/nonexistent` otherwise.
    pub home: Option<String>,
}

/// Services: units, what the maintainer scripts do with them, and the account they run as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Units to install, in command-line order.
    pub units: Vec<SystemdUnit>,
    /// Enable units on install (`--no-systemd-enable` turns it off).
    pub enable: bool,
    /// Start units on install (`--no-systemd-start` turns it off).
    pub start: bool,
    /// Restart units after an upgrade; otherwise stop before it and start after
    /// (`--no-systemd-restart-after-upgrade`).
    pub restart_after_upgrade: bool,
    /// The system account to create.
    pub user: Option<ServiceUser>,
    /// A system group to create without a user (`--group` alone).
    pub group: Option<String>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            units: Vec::new(),
            enable: true,
            start: true,
            restart_after_upgrade: true,
            user: None,
            group: None,
        }
    }
}

impl Service {
    /// Does the package need any service handling in its scripts?
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.user.is_none() && self.group.is_none()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PkgPath {
        PkgPath::parse(s).unwrap()
    }

    #[test]
    fn paths_normalise_and_reject_escapes() {
        assert_eq!(p("//opt/./x/").as_bytes(), b"/opt/x");
        assert_eq!(p("/").as_bytes(), b"/");
        assert!(matches!(
            PkgPath::parse("opt/x"),
            Err(PathError::NotAbsolute(_))
        ));
        assert!(matches!(
            PkgPath::parse("/opt/../etc"),
            Err(PathError::DotDot(_))
        ));
        assert!(matches!(
            PkgPath::parse("/a\nb"),
            Err(PathError::BadByte(_))
        ));
        assert_eq!(p("/opt/x").parent(), Some(p("/opt")));
        assert_eq!(p("/opt").parent(), Some(PkgPath::root()));
        assert_eq!(p("/opt/x").file_name(), b"x");
        assert!(p("/opt/x/y").starts_with(&p("/opt/x")));
        assert!(!p("/opt/xy").starts_with(&p("/opt/x")));
        assert_eq!(p("/opt/x/y").strip_prefix(&p("/opt")), Some(&b"x/y"[..]));
    }

    #[test]
    fn finalize_adds_parents_and_sorts_parents_first() {
        let mut pkg = Package::default();
        pkg.entries
            .push(Entry::bytes(p("/a/b-c"), b"1".to_vec(), 0o644));
        pkg.entries
            .push(Entry::bytes(p("/a/b/c"), b"2".to_vec(), 0o644));
        pkg.entries
            .push(Entry::bytes(p("/a/b/c"), b"2".to_vec(), 0o644));
        pkg.finalize().unwrap();
        let paths: Vec<String> = pkg.entries.iter().map(|e| e.path.display()).collect();
        assert_eq!(paths, ["/a", "/a/b", "/a/b/c", "/a/b-c"]);
    }

    #[test]
    fn finalize_rejects_conflicts() {
        let mut pkg = Package::default();
        pkg.entries
            .push(Entry::bytes(p("/a"), b"1".to_vec(), 0o644));
        pkg.entries
            .push(Entry::bytes(p("/a"), b"2".to_vec(), 0o644));
        assert!(matches!(pkg.finalize(), Err(ModelError::Conflict(_))));
        let mut pkg = Package::default();
        pkg.entries
            .push(Entry::bytes(p("/a"), b"1".to_vec(), 0o644));
        pkg.entries
            .push(Entry::bytes(p("/a/b"), b"2".to_vec(), 0o644));
        assert!(matches!(pkg.finalize(), Err(ModelError::NotADirectory(_))));
    }

    #[test]
    fn modes_drop_group_and_other_write() {
        assert_eq!(normalize_mode(0o100775), 0o755);
        assert_eq!(normalize_mode(0o666), 0o644);
        assert_eq!(normalize_mode(0o600), 0o600);
        assert_eq!(normalize_mode(0o4755), 0o4755);
        assert_eq!(normalize_mode(0o41777), 0o1777, "sticky: deliberate, kept");
    }
}
