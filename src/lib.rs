//! pkgr: native OS packages from Python virtualenvs and directories, written in-process.
//!
//! Data flows one way: a [`BuildRequest`] (from the CLI) → a source ([`source`]) → the
//! [`model::Package`] → transforms ([`transform`]: relocation, dependencies) → targets
//! ([`target`]) → artifacts written atomically ([`output`]). [`run`] drives it; the library never
//! prints: progress and warnings go to a [`listener::Listener`].

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod archive;
pub mod cleanup;
pub mod cli;
pub mod compress;
pub mod config;
pub mod format;
pub mod hostfs;
pub mod inspect;
pub mod listener;
pub mod model;
pub mod output;
pub mod relation;
pub mod shell;
pub mod source;
pub mod sysdirs;
pub mod time;
pub mod transform;
pub mod version;

use format::{Format, FormatKind, FormatOptions, WriteContext};
use listener::Listener;
use model::{EntryKind, Package, Phase, PkgPath};
use output::Artifact;
use relation::Relation;
use source::{SourceError, SourceKind};

/// Everything a build needs, independent of where it came from (CLI flags, later a config file).
/// Metadata fields left `None` are filled by the source or by documented defaults.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// `-s`: the source kind.
    pub source: SourceKind,
    /// `-t`: the targets, in order.
    pub targets: Vec<FormatKind>,
    /// The PATH arguments.
    pub inputs: Vec<String>,
    /// `-n/--name`.
    pub name: Option<String>,
    /// `-v/--version`.
    pub version: Option<String>,
    /// `--iteration`.
    pub iteration: Option<String>,
    /// `--epoch`.
    pub epoch: Option<u32>,
    /// `-a/--architecture`: `native`, `all` or a Debian architecture name.
    pub architecture: String,
    /// `-m/--maintainer`.
    pub maintainer: Option<String>,
    /// `--vendor`.
    pub vendor: Option<String>,
    /// `--url`.
    pub url: Option<String>,
    /// `--license`.
    pub license: Option<String>,
    /// `--license-file`: its text goes into the copyright file.
    pub license_file: Option<PathBuf>,
    /// `--description`.
    pub description: Option<String>,
    /// `--category`.
    pub category: Option<String>,
    /// `--deb-priority`.
    pub priority: Option<String>,
    /// `-d/--depends`.
    pub depends: Vec<String>,
    /// `--provides`.
    pub provides: Vec<String>,
    /// `--conflicts`.
    pub conflicts: Vec<String>,
    /// `--replaces`.
    pub replaces: Vec<String>,
    /// `--recommends`.
    pub recommends: Vec<String>,
    /// `--suggests`.
    pub suggests: Vec<String>,
    /// `--config-files`: package paths (a directory means every file below it).
    pub config_files: Vec<String>,
    /// `--directories`: package directories the package owns (created if absent).
    pub directories: Vec<String>,
    /// Maintainer script files by phase.
    pub scripts: BTreeMap<Phase, PathBuf>,
    /// `-x/--exclude` globs.
    pub excludes: Vec<String>,
    /// `[[files]]` from pkgr.toml (`src` already absolute).
    pub files: Vec<config::FileSpec>,
    /// `[deb]`/`[rpm]`/`[tar]` overrides from pkgr.toml (their name, version, iteration, epoch
    /// and relation lists replace the common ones for that format).
    pub overrides: BTreeMap<FormatKind, config::FormatSection>,
    /// Options of `-s dir`.
    pub dir: source::dir::DirOptions,
    /// Options of `-s virtualenv`.
    pub venv: source::virtualenv::VenvOptions,
    /// Per-target options.
    pub target_options: FormatOptions,
    /// `-p/--package`: output file, directory (ending in `/`) or template.
    pub package: Option<String>,
    /// `--threads`: worker threads for compression and for writing several targets at once
    /// (at least 1). Never changes the artifacts' bytes.
    pub threads: u32,
    /// `-f/--force`: replace existing output files.
    pub force: bool,
    /// `--strict`: symlinks out of the source tree and shared libraries no package provides
    /// are errors, not warnings.
    pub strict: bool,
    /// Add the dependencies pkgr proves (`false` with `--no-auto-depends`).
    pub auto_depends: bool,
    /// systemd units and the service account.
    pub service: ServiceOptions,
    /// Every timestamp in the artifacts (from `SOURCE_DATE_EPOCH`).
    pub source_date_epoch: u64,
}

/// `--systemd-unit`, `--no-systemd-*`, `--user`, `--group`, `--home`.
#[derive(Debug, Clone, Default)]
pub struct ServiceOptions {
    /// Unit files on the build host; each is installed under its own file name.
    pub units: Vec<PathBuf>,
    /// `--no-systemd-enable`.
    pub no_enable: bool,
    /// `--no-systemd-start`.
    pub no_start: bool,
    /// `--no-systemd-restart-after-upgrade`.
    pub no_restart_after_upgrade: bool,
    /// `--user`: the system user to create.
    pub user: Option<String>,
    /// `--group`: its primary group (default: the user name), or a group alone.
    pub group: Option<String>,
    /// `--home`: the user's home directory, created and owned by it.
    pub home: Option<String>,
}

/// The unit types systemd installs from unit files (systemd.unit(5)).
const UNIT_SUFFIXES: [&str; 9] = [
    ".service",
    ".socket",
    ".timer",
    ".target",
    ".path",
    ".mount",
    ".automount",
    ".slice",
    ".swap",
];

/// Reads and checks the service options into the model's [`model::Service`].
fn service(o: &ServiceOptions) -> Result<model::Service, Error> {
    let mut svc = model::Service {
        enable: !o.no_enable,
        start: !o.no_start,
        restart_after_upgrade: !o.no_restart_after_upgrade,
        ..model::Service::default()
    };
    for path in &o.units {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let valid_chars = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":-_.\\@".contains(c));
        if !valid_chars || !UNIT_SUFFIXES.iter().any(|s| name.ends_with(s)) {
            return Err(Error::Usage(format!(
                "--systemd-unit '{}': the file name is the unit name and must be ASCII letters, digits and ':-_.\\@' ending in one of {} (systemd.unit(5))",
                path.display(),
                UNIT_SUFFIXES.join(", ")
            )));
        }
        if svc.units.iter().any(|u| u.name == name) {
            return Err(Error::Usage(format!(
                "--systemd-unit '{}': a unit named '{name}' is already given",
                path.display()
            )));
        }
        let text = hostfs::read_regular(path)
            .map_err(|e| Error::Usage(format!("--systemd-unit '{}': {e}", path.display())))?;
        svc.units.push(model::SystemdUnit { name, text });
    }
    let check_name = |flag: &str, v: &str| {
        let ok = v.len() <= 32
            && v.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if ok {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "{flag} '{}': a system account name is 1-32 characters of lowercase letters, digits, '_' and '-', starting with a letter or '_' (Debian Policy §9.2.1, useradd(8))",
                v.escape_debug()
            )))
        }
    };
    if let Some(g) = &o.group {
        check_name("--group", g)?;
    }
    if let Some(h) = &o.home {
        if !h.starts_with('/') || h.chars().any(char::is_control) {
            return Err(Error::Usage(format!(
                "--home '{}': the home directory must be an absolute path without control characters",
                h.escape_debug()
            )));
        }
        if o.user.is_none() {
            return Err(Error::Usage("--home needs --user".into()));
        }
    }
    match &o.user {
        Some(u) => {
            check_name("--user", u)?;
            svc.user = Some(model::ServiceUser {
                name: u.clone(),
                group: o.group.clone().unwrap_or_else(|| u.clone()),
                home: o.home.clone(),
            });
        }
        None => svc.group = o.group.clone(),
    }
    Ok(svc)
}

/// A written artifact and what it holds, as `--json` reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Built {
    /// Where it was written.
    pub path: PathBuf,
    /// `deb`, `rpm` or `tar`.
    pub format: String,
    /// Package name.
    pub name: String,
    /// Full version in the format's own terms (deb `[epoch:]version[-revision]`, rpm
    /// `[epoch:]version-release`, tar `version[-iteration]`).
    pub version: String,
    /// Architecture as the format names it (`amd64`, `x86_64`, `noarch`, ...).
    pub architecture: String,
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// A build failure. [`Error::exit_code`] maps it to the documented exit status.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid user input: a flag, a field value, a path.
    #[error("{0}")]
    Usage(String),
    /// A source failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Relocation failed.
    #[error(transparent)]
    Relocate(#[from] transform::relocate::RelocateError),
    /// The Python dependency pass failed.
    #[error(transparent)]
    Python(#[from] transform::python::PythonError),
    /// Reading the payload for ELF facts failed.
    #[error(transparent)]
    Elf(#[from] transform::elf::ElfError),
    /// A target refused the package or failed to write it.
    #[error(transparent)]
    Format(#[from] format::FormatError),
    /// The model is inconsistent (two entries on one path, ...).
    #[error(transparent)]
    Model(#[from] model::ModelError),
    /// Writing an output file failed.
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

impl Error {
    /// 2 for bad input (usage, validation, editable installs, existing output), 1 for a build
    /// that failed (pip, I/O, disk full). See README "Exit codes".
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Model(_) => 2,
            Error::Source(e) if e.is_usage() => 2,
            Error::Relocate(
                transform::relocate::RelocateError::Editable { .. }
                | transform::relocate::RelocateError::PthOutside { .. },
            ) => 2,
            Error::Format(format::FormatError::Invalid { .. }) => 2,
            Error::Output(
                output::OutputError::Exists(_)
                | output::OutputError::NoDir(_)
                | output::OutputError::IsDir(_),
            ) => 2,
            Error::Format(format::FormatError::Output(
                output::OutputError::Exists(_)
                | output::OutputError::NoDir(_)
                | output::OutputError::IsDir(_),
            )) => 2,
            _ => 1,
        }
    }
}

/// Builds every requested target and returns the artifacts, in `-t` order.
///
/// # Errors
/// [`Error`]; nothing is left at an output path when a build fails.
pub fn run(req: &BuildRequest, listener: &dyn Listener) -> Result<Vec<Built>, Error> {
    if req.targets.is_empty() {
        return Err(Error::Usage("no target: pass -t deb".into()));
    }
    let user_scripts = read_scripts(&req.scripts)?;
    let svc = service(&req.service)?;
    let depends = parse_relations("-d/--depends", &req.depends)?;
    let provides = parse_relations("--provides", &req.provides)?;
    let conflicts = parse_relations("--conflicts", &req.conflicts)?;
    let replaces = parse_relations("--replaces", &req.replaces)?;
    let recommends = parse_relations("--recommends", &req.recommends)?;
    let suggests = parse_relations("--suggests", &req.suggests)?;
    let excludes = source::Excludes::new(&req.excludes)?;
    // Where scratch files go, checked before any work (every source and format uses it).
    let scratch = source::virtualenv::scratch_dir(req.venv.workdir.as_deref())?;

    // Source → model.
    let mut pkg = Package::default();
    let mut _staging = None;
    match req.source {
        SourceKind::Dir => {
            let mut dir = req.dir.clone();
            dir.inputs = req.inputs.clone();
            if !dir.inputs.is_empty() || req.files.is_empty() {
                pkg.entries = source::dir::read(&dir, &excludes, req.strict, listener)?;
            }
            pkg.meta.name = req
                .name
                .clone()
                .ok_or_else(|| Error::Usage("-s dir needs -n/--name".into()))?;
            pkg.meta.version = req.version.clone().unwrap_or_else(|| "1.0".into());
        }
        SourceKind::Virtualenv => {
            let [path] = req.inputs.as_slice() else {
                return Err(Error::Usage(format!(
                    "-s virtualenv takes exactly one PATH (an application directory or a virtualenv), got {}",
                    req.inputs.len()
                )));
            };
            let v = source::virtualenv::read(
                Path::new(path),
                req.name.as_deref(),
                &req.venv,
                &excludes,
                listener,
            )?;
            pkg.entries = v.entries;
            pkg.venv = Some(v.info);
            _staging = v.staging;
            let m = v.meta;
            pkg.meta.name = req.name.clone().or(m.name).unwrap_or_default();
            match (&req.version, m.version) {
                (Some(v), _) => pkg.meta.version = v.clone(),
                (None, Some(v)) => {
                    pkg.meta.version = v;
                    pkg.meta.epoch = m.epoch;
                }
                (None, None) => {
                    return Err(Error::Usage(format!(
                        "cannot tell the version of '{path}': pyproject.toml has no [project] version and no installed distribution gives one; pass -v/--version"
                    )))
                }
            }
            pkg.meta.description = m.summary.unwrap_or_default();
            pkg.meta.license = m.license;
            pkg.meta.license_text = m.license_text;
            pkg.meta.url = m.url;
            pkg.meta.maintainer = m.maintainer.unwrap_or_default();
            let prefix = pkg
                .venv
                .as_ref()
                .map(|v| v.prefix.display())
                .unwrap_or_default();
            let synopsis = if pkg.meta.description.is_empty() {
                format!("{} in a Python virtual environment", pkg.meta.name)
            } else {
                pkg.meta.description.clone()
            };
            pkg.meta.description = format!(
                "{synopsis}\nThis package ships the Python application {} {} with all its Python dependencies in a virtual environment installed under {prefix}.",
                pkg.meta.name, pkg.meta.version
            );
        }
    }
    apply_request_metadata(&mut pkg, req, listener);
    if let Some(f) = &req.license_file {
        let text = hostfs::read_regular_text(f)
            .map_err(|e| Error::Usage(format!("--license-file '{}': {e}", f.display())))?;
        pkg.meta.license_text = Some(text);
    }
    add_files(&mut pkg, &req.files, &excludes, req.strict, listener)?;
    pkg.service = svc;
    add_service_home(&mut pkg)?;
    relation::merge(&mut pkg.relations.depends, depends);
    relation::merge(&mut pkg.relations.provides, provides);
    relation::merge(&mut pkg.relations.conflicts, conflicts);
    relation::merge(&mut pkg.relations.replaces, replaces);
    relation::merge(&mut pkg.relations.recommends, recommends);
    relation::merge(&mut pkg.relations.suggests, suggests);
    pkg.scripts.user = user_scripts;

    // Transforms.
    transform::relocate::relocate(&mut pkg, listener)?;
    transform::python::apply(&mut pkg, listener)?;
    add_directories(&mut pkg, &req.directories)?;
    pkg.finalize()?;
    pkg.elf = transform::elf::scan(&pkg)?;
    mark_config_files(&mut pkg, &req.config_files)?;

    // Targets: validate all and check every output path before writing any.
    let mut planned = Vec::new();
    for kind in &req.targets {
        let t = kind.build(&req.target_options);
        // A copy only when this format overrides something.
        let tpkg = match req.overrides.get(kind) {
            Some(o) => std::borrow::Cow::Owned(apply_override(&pkg, o)?),
            None => std::borrow::Cow::Borrowed(&pkg),
        };
        t.validate(&tpkg)?;
        let dest = output_path(req.package.as_deref(), t.as_ref(), &tpkg, req.targets.len())?;
        if planned.iter().any(|(_, _, d)| d == &dest) {
            return Err(Error::Usage(format!(
                "two targets would write '{}'; give -p a directory ending in '/' or a template with EXTENSION",
                dest.display()
            )));
        }
        output::preflight(&dest, req.force)?;
        planned.push((t, tpkg, dest));
    }
    // Targets are written at once when there are several and more than one thread: each reads
    // the same immutable package and writes its own file, so the bytes are those of a
    // sequential run. One progress bar covers them all ([`Shared`]).
    let parallel = planned.len() > 1 && req.threads > 1;
    let scratch = &scratch;
    let results: Vec<Result<(Built, output::Pending), Error>> = if parallel {
        let total = planned.iter().map(|(_, p, _)| p.payload_bytes()).sum();
        let names: Vec<&str> = planned.iter().map(|(t, _, _)| t.name()).collect();
        let shared = Shared(listener);
        shared.0.begin(&names.join(","), total);
        let results = std::thread::scope(|s| {
            let handles: Vec<_> = planned
                .iter()
                .map(|(t, tpkg, dest)| {
                    let shared = &shared;
                    s.spawn(move || write_target(req, t.as_ref(), tpkg, dest, scratch, shared))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        listener.end();
        results
    } else {
        planned
            .iter()
            .map(|(t, tpkg, dest)| write_target(req, t.as_ref(), tpkg, dest, scratch, listener))
            .collect()
    };
    // The first failure in -t order, as a sequential run would report it. Nothing is renamed
    // into place unless every target succeeded: the temp files of the others are dropped.
    let written: Vec<(Built, output::Pending)> = results.into_iter().collect::<Result<_, _>>()?;
    written
        .into_iter()
        .map(|(b, p)| {
            p.persist()?;
            Ok(b)
        })
        .collect()
}

/// Writes one target's artifact into a temp file beside `dest` and describes it; the caller
/// renames it into place once every target succeeded.
fn write_target(
    req: &BuildRequest,
    t: &dyn Format,
    tpkg: &Package,
    dest: &Path,
    scratch: &Path,
    listener: &dyn Listener,
) -> Result<(Built, output::Pending), Error> {
    let ctx = WriteContext {
        mtime: req.source_date_epoch,
        listener,
        auto_depends: req.auto_depends,
        strict: req.strict,
        scratch: Some(scratch.to_path_buf()),
    };
    listener.info(&format!("writing {}", dest.display()));
    let pending = output::write_pending(dest, req.force, |w| t.write(tpkg, w, &ctx))?;
    let a: &Artifact = pending.artifact();
    let built = Built {
        path: a.path.clone(),
        format: t.name().to_string(),
        name: tpkg.meta.name.clone(),
        version: t.full_version(tpkg),
        architecture: t.architecture(tpkg),
        size: a.size,
        sha256: a.sha256.clone(),
    };
    Ok((built, pending))
}

/// The listener given to targets written at once: messages pass through, byte progress adds up
/// on the one bar [`run`] started, and the targets' own begin/end (one bar each) are dropped.
struct Shared<'a>(&'a dyn Listener);

impl Listener for Shared<'_> {
    fn info(&self, msg: &str) {
        self.0.info(msg);
    }
    fn detail(&self, msg: &str) {
        self.0.detail(msg);
    }
    fn dependency(&self, d: &format::DependencyDecision) {
        self.0.dependency(d);
    }
    fn warning(&self, msg: &str) {
        self.0.warning(msg);
    }
    fn advance(&self, bytes: u64) {
        self.0.advance(bytes);
    }
}

/// The service user's `--home` is part of the payload (mode 0750, owned by the user, who
/// exists by the time dpkg or rpm unpacks it), so the package owns it: dpkg removes it on purge
/// when it is empty, and piuparts finds nothing left behind. An entry the payload already has
/// for it wins.
fn add_service_home(pkg: &mut Package) -> Result<(), Error> {
    let Some(user) = pkg.service.user.clone() else {
        return Ok(());
    };
    let Some(home) = &user.home else {
        return Ok(());
    };
    let path = PkgPath::parse(home).map_err(|e| Error::Usage(format!("--home: {e}")))?;
    if sysdirs::is_system_dir(&path.display()) {
        return Err(Error::Usage(format!(
            "--home '{home}' is a directory of the base system; give the service a directory of its own, such as /var/lib/{}",
            user.name
        )));
    }
    if pkg.entry(&path).is_none() {
        let mut e = model::Entry::dir(path);
        e.mode = 0o750;
        e.user = user.name.clone();
        e.group = user.group.clone();
        pkg.entries.push(e);
    }
    Ok(())
}

/// Applies one format's overrides to a copy of the package.
fn apply_override(pkg: &Package, o: &config::FormatSection) -> Result<Package, Error> {
    let mut p = pkg.clone();
    if let Some(v) = &o.name {
        p.meta.name = v.clone();
    }
    if let Some(v) = &o.version {
        p.meta.version = v.clone();
    }
    if let Some(v) = &o.iteration {
        p.meta.iteration = Some(v.clone());
    }
    if let Some(v) = o.epoch {
        p.meta.epoch = Some(v);
    }
    let r = &mut p.relations;
    for (flag, src, dst) in [
        ("depends", &o.depends, &mut r.depends),
        ("provides", &o.provides, &mut r.provides),
        ("conflicts", &o.conflicts, &mut r.conflicts),
        ("replaces", &o.replaces, &mut r.replaces),
        ("recommends", &o.recommends, &mut r.recommends),
        ("suggests", &o.suggests, &mut r.suggests),
    ] {
        if let Some(list) = src {
            *dst = parse_relations(&format!("pkgr.toml {flag}"), list)?;
        }
    }
    Ok(p)
}

/// Adds `[[files]]` entries: files and directories from the build host (walked like `-s dir`),
/// empty directories and symlinks, with their mode, owner and group.
fn add_files(
    pkg: &mut Package,
    files: &[config::FileSpec],
    excludes: &source::Excludes,
    strict: bool,
    listener: &dyn Listener,
) -> Result<(), Error> {
    for (i, f) in files.iter().enumerate() {
        let dst = PkgPath::parse(&f.dst)
            .map_err(|e| Error::Usage(format!("pkgr.toml files[{i}].dst: {e}")))?;
        let kind = f.kind.as_deref().unwrap_or("file");
        let mut entries = match kind {
            "dir" => vec![model::Entry::dir(dst)],
            "symlink" => vec![model::Entry::symlink(
                dst,
                f.src.clone().unwrap_or_default().into_bytes(),
            )],
            _ => {
                let src = f.src.clone().unwrap_or_default();
                source::walk(
                    Path::new(&src),
                    &dst,
                    excludes,
                    source::ExternalLinks::warn_or_reject(strict),
                    listener,
                )?
            }
        };
        for e in entries.iter_mut() {
            if let Some(m) = f.mode {
                if e.kind != EntryKind::Dir || kind == "dir" {
                    e.mode = m.bits() & 0o7777;
                }
            }
            if let Some(o) = &f.owner {
                e.user = o.clone();
            }
            if let Some(g) = &f.group {
                e.group = g.clone();
            }
            if kind == "config" && e.is_file() {
                e.config = true;
            }
        }
        pkg.entries.extend(entries);
    }
    Ok(())
}

fn read_scripts(scripts: &BTreeMap<Phase, PathBuf>) -> Result<BTreeMap<Phase, String>, Error> {
    let mut out = BTreeMap::new();
    for (phase, path) in scripts {
        let text = hostfs::read_regular_text(path).map_err(|e| {
            Error::Usage(format!(
                "{} '{}': cannot read the script: {e}",
                phase.flag(),
                path.display()
            ))
        })?;
        if !text.starts_with("#!") {
            return Err(Error::Usage(format!(
                "{} '{}': the script does not start with '#!' naming its interpreter (Debian Policy §6.1)",
                phase.flag(),
                path.display()
            )));
        }
        out.insert(*phase, text);
    }
    Ok(out)
}

fn parse_relations(flag: &str, values: &[String]) -> Result<Vec<Relation>, Error> {
    let mut out = Vec::new();
    for v in values {
        let list = Relation::parse_list(v).map_err(|e| Error::Usage(format!("{flag}: {e}")))?;
        out.extend(list);
    }
    Ok(out)
}

fn apply_request_metadata(pkg: &mut Package, req: &BuildRequest, listener: &dyn Listener) {
    let m = &mut pkg.meta;
    if let Some(v) = &req.iteration {
        m.iteration = Some(v.clone());
    }
    if let Some(e) = req.epoch {
        m.epoch = Some(e);
    }
    // Every spelling of an architecture (fpm's and each format's: x86_64, amd64, noarch, all)
    // becomes the model's Debian name; an unknown one stays for the formats to refuse.
    m.architecture = match req.architecture.as_str() {
        "native" => format::common::native_arch().debian.to_string(),
        other => format::common::arch(other)
            .map_or(other, |a| a.debian)
            .to_string(),
    };
    if let Some(v) = &req.maintainer {
        m.maintainer = v.clone();
    }
    if m.maintainer.is_empty() {
        m.maintainer = "Unknown Maintainer <unknown@example.invalid>".into();
        listener.warning(
            "no maintainer known: set -m/--maintainer 'Name <email>' (or authors in pyproject.toml); using a placeholder",
        );
    }
    for (slot, v) in [
        (&mut m.vendor, &req.vendor),
        (&mut m.url, &req.url),
        (&mut m.license, &req.license),
    ] {
        if v.is_some() {
            *slot = v.clone();
        }
    }
    if let Some(d) = &req.description {
        m.description = d.clone();
    }
    if m.description.trim().is_empty() {
        m.description = "no description given".into();
    }
    m.category = req.category.clone().unwrap_or_else(|| "misc".into());
    m.priority = req.priority.clone().unwrap_or_else(|| "optional".into());
}

fn add_directories(pkg: &mut Package, dirs: &[String]) -> Result<(), Error> {
    for d in dirs {
        let p = PkgPath::parse(d).map_err(|e| Error::Usage(format!("--directories: {e}")))?;
        pkg.entries.push(model::Entry::dir(p));
    }
    Ok(())
}

/// Files under `/etc` are conffiles (as fpm and debhelper make them), and so is every file named
/// by `--config-files` (a directory names every file below it).
fn mark_config_files(pkg: &mut Package, config: &[String]) -> Result<(), Error> {
    let etc = PkgPath::parse("/etc").map_err(|e| Error::Usage(e.to_string()))?;
    let mut wanted = Vec::new();
    for c in config {
        let p =
            PkgPath::parse(c).map_err(|e| Error::Usage(format!("--config-files '{c}': {e}")))?;
        if !pkg.entries.iter().any(|e| e.path.starts_with(&p)) {
            return Err(Error::Usage(format!(
                "--config-files '{c}' is not in the package; name an installed path such as /etc/app/app.conf"
            )));
        }
        wanted.push(p);
    }
    for e in pkg.entries.iter_mut() {
        if matches!(e.kind, EntryKind::File { .. })
            && (e.path.starts_with(&etc) || wanted.iter().any(|w| e.path.starts_with(w)))
        {
            e.config = true;
        }
    }
    Ok(())
}

/// Where a target's artifact goes: `-p` as a file, as a directory (ends in `/`, created if
/// missing, or exists), or
/// as a template with `NAME`, `VERSION`, `ITERATION`, `ARCH` and `EXTENSION`; default: the
/// conventional name in the current directory.
fn output_path(
    package: Option<&str>,
    t: &dyn Format,
    pkg: &Package,
    n_targets: usize,
) -> Result<PathBuf, Error> {
    let conventional = t.file_name(pkg);
    // Built from fields each format validated; proved here to be one file name all the same.
    if conventional.contains('/') || conventional.starts_with('.') {
        return Err(Error::Usage(format!(
            "the {} file name '{}' would not be a single file name",
            t.name(),
            conventional.escape_debug()
        )));
    }
    let Some(p) = package else {
        return Ok(PathBuf::from(conventional));
    };
    if p.ends_with('/') || Path::new(p).is_dir() {
        // A directory named with a trailing '/' is created, as `mkdir -p` would.
        std::fs::create_dir_all(p)
            .map_err(|e| Error::Usage(format!("-p '{p}': cannot create the directory: {e}")))?;
        return Ok(Path::new(p).join(conventional));
    }
    let arch = t.architecture(pkg);
    let tokens: [(&str, &str); 5] = [
        ("EXTENSION", t.extension()),
        ("ITERATION", pkg.meta.iteration.as_deref().unwrap_or("")),
        ("VERSION", &pkg.meta.version),
        ("NAME", &pkg.meta.name),
        ("ARCH", &arch),
    ];
    if tokens.iter().any(|(k, _)| p.contains(k)) {
        return fill_template(p, &tokens).map(PathBuf::from);
    }
    if n_targets > 1 {
        return Err(Error::Usage(format!(
            "-p '{p}' names one file but {n_targets} targets were asked for; use a directory ending in '/' or a template with EXTENSION"
        )));
    }
    Ok(PathBuf::from(p))
}

/// Fills a `-p` template in one pass (a value is never searched for tokens itself). Each value
/// must be one safe file-name component ([`format::common::check_file_name_part`]; `ITERATION`
/// may be empty), so the result stays in the directories the template names: no value can add
/// a `/`, a `..` or a control character to the path.
fn fill_template(template: &str, tokens: &[(&str, &str)]) -> Result<String, Error> {
    let mut out = String::new();
    let mut rest = template;
    'outer: while !rest.is_empty() {
        for (k, v) in tokens {
            if let Some(after) = rest.strip_prefix(k) {
                if !(v.is_empty() && *k == "ITERATION") {
                    format::common::check_file_name_part(&format!("-p template {k}"), v)?;
                }
                out.push_str(v);
                rest = after;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// Writes a commented starter `pkgr.toml` into `dir` ([`config::starter`]) and returns its path.
///
/// # Errors
/// [`Error::Usage`] if the file exists (without `force`) or cannot be written.
pub fn init(dir: &Path, force: bool) -> Result<PathBuf, Error> {
    let path = dir.join(config::FILE_NAME);
    if path.exists() && !force {
        return Err(Error::Usage(format!(
            "'{}' already exists; pass -f/--force to replace it",
            path.display()
        )));
    }
    std::fs::write(&path, config::starter(dir))
        .map_err(|e| Error::Usage(format!("cannot write '{}': {e}", path.display())))?;
    Ok(path)
}
