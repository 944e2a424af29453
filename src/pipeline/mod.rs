//! The build, one way through: a [`Plan`] (options merged from the command line and the
//! recipe) → the source ([`crate::source`]) → the [`Package`] model, completed from the options
//! ([`assemble`]) → the passes ([`crate::transform`]: relocation, the Python dependency, the
//! ELF facts) → per format, the package as that format ships it (its `[format]` section applied,
//! [`Format::prepare`], [`Format::validate`]) and its destination ([`dest`]) → every artifact
//! written to a temp file, then all renamed into place ([`crate::output`]).
//!
//! Nothing is written before every format has validated its package and every destination has
//! been checked, and nothing is renamed into place unless every format succeeded.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::format::{self, Format, WriteContext};
use crate::listener::Listener;
use crate::model::Package;
use crate::options::{run::RunArgs, Options};
use crate::output::{self, Artifact};
use crate::source::Input;
use crate::{config, transform, Error};

pub mod assemble;
pub mod dest;
pub mod plan;
pub mod precheck;
pub mod template;

pub use plan::Plan;

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

/// One format of the build, from its options to its destination.
struct Planned<'a> {
    writer: Box<dyn Format>,
    package: Cow<'a, Package>,
    dest: PathBuf,
}

/// Builds every format the plan asks for and returns the artifacts, in `-t` order.
///
/// # Errors
/// [`Error`]; nothing is left at an output path when a build fails.
pub fn run(plan: &Plan, listener: &dyn Listener) -> Result<Vec<Built>, Error> {
    let o = &plan.options;
    // Everything that can be refused is refused before any work, all of it at once: the
    // formats' options and fields, the scratch directory, --threads, the scripts, the service,
    // the relations, the globs.
    let precheck::Checked {
        writers,
        scratch,
        threads,
        user_scripts,
        service,
        relations,
        excludes,
    } = precheck::check(plan, listener)?;
    let strict = RunArgs::flag(o.run.strict);
    let force = RunArgs::flag(o.run.force);
    let auto_depends =
        !RunArgs::flag(o.run.no_auto_depends) && !RunArgs::flag(o.relations.no_depends);

    // Source → model.
    let (paths, recipe_dir) = plan.paths();
    let files = plan.files();
    let out = plan.source()?.source().read(&Input {
        options: o,
        paths: &paths,
        recipe_dir,
        excludes: &excludes,
        scratch: &scratch,
        more_files: !files.is_empty(),
        listener,
    })?;
    // The staging directory lives until every format has written.
    let _staging = out.staging;
    let mut pkg = out.package;
    assemble::apply_metadata(&mut pkg, &o.meta)?;
    assemble::add_name_suffix(&mut pkg, &o.meta);
    let maintainer_given = writers
        .iter()
        .all(|(_, _, fo)| fo.meta.maintainer.is_some());
    assemble::metadata_defaults(&mut pkg, !maintainer_given, listener);
    assemble::add_files(&mut pkg, files, &excludes, strict, listener)?;
    pkg.service = service;
    assemble::add_service_home(&mut pkg)?;
    assemble::merge_relations(&mut pkg, relations);
    assemble::drop_depends(&mut pkg, &o.relations);
    assemble::apply_user_scripts(&mut pkg, user_scripts);

    // Passes.
    transform::relocate::relocate(&mut pkg, listener)?;
    transform::python::apply(&mut pkg, listener)?;
    assemble::add_directories(
        &mut pkg,
        o.contents.directories.as_deref().unwrap_or_default(),
    )?;
    pkg.finalize()?;
    pkg.elf = transform::elf::scan(&pkg)?;
    assemble::mark_config_files(
        &mut pkg,
        o.contents.config_files.as_deref().unwrap_or_default(),
    )?;

    // Formats: prepare and validate all, and check every destination, before writing any.
    let ctx = WriteContext {
        mtime: plan.source_date_epoch,
        listener,
        auto_depends,
        strict,
        scratch: Some(scratch.clone()),
    };
    let n = writers.len();
    let mut planned: Vec<Planned> = Vec::new();
    for (kind, writer, fo) in writers {
        let fpkg = with_section(plan, &pkg, &fo)?;
        let mut prepared = writer.prepare(&fpkg, &ctx)?;
        // Templates see the package as this format writes it (its architecture's name, an rpm
        // version with '_'), each format with its own section's values.
        if let Some(keys) = template::values(&fo.scripts)? {
            let arch = writer.architecture(&prepared);
            let prefix = o
                .contents
                .prefix
                .clone()
                .or_else(|| prepared.venv.as_ref().map(|v| v.prefix.display()))
                .unwrap_or_else(|| "/".into());
            template::render(&mut prepared, &keys, &arch, &prefix)?;
        }
        writer
            .validate(&prepared)
            .map_err(|e| precheck::located(plan, e.into(), Some(kind)))?;
        let dest = dest::output_path(o.run.package.as_deref(), writer.as_ref(), &prepared, n)?;
        if planned.iter().any(|p| p.dest == dest) {
            return Err(Error::Usage(format!(
                "two formats would write '{}'; give -p a directory ending in '/' or a template with EXTENSION",
                dest.display()
            )));
        }
        output::preflight(&dest, force)?;
        planned.push(Planned {
            writer,
            package: Cow::Owned(prepared),
            dest,
        });
    }
    write_all(&planned, threads, force, &ctx)
}

/// The package for one format: the neutral one with the format's `[format]` section applied
/// where it differs from the top level (metadata, relations, scripts), borrowed when it does not.
fn with_section<'a>(
    plan: &Plan,
    pkg: &'a Package,
    fo: &Options,
) -> Result<Cow<'a, Package>, Error> {
    let o = &plan.options;
    if fo.meta == o.meta && fo.relations == o.relations && fo.scripts == o.scripts {
        return Ok(Cow::Borrowed(pkg));
    }
    let mut p = pkg.clone();
    if fo.meta != o.meta {
        assemble::apply_metadata(&mut p, &fo.meta)?;
        if fo.meta.name.is_some() {
            assemble::add_name_suffix(&mut p, &fo.meta);
        }
    }
    if fo.relations != o.relations {
        assemble::replace_relations(&mut p, assemble::relations(&fo.relations)?);
        assemble::drop_depends(&mut p, &fo.relations);
    }
    if fo.scripts != o.scripts {
        // The section's scripts replace the top level's; a converted package's own stay.
        let own = p.scripts.written_for.clone();
        p.scripts.user.retain(|phase, _| own.contains_key(phase));
        assemble::apply_user_scripts(&mut p, assemble::user_scripts(&fo.scripts)?);
    }
    Ok(Cow::Owned(p))
}

/// Writes every planned artifact to a temp file, then renames them all into place.
///
/// Formats are written at once when there are several and more than one thread: each reads
/// its own immutable package and writes its own file, so the bytes are those of a sequential
/// run. One progress bar covers them all ([`Shared`]).
fn write_all(
    planned: &[Planned],
    threads: u32,
    force: bool,
    ctx: &WriteContext,
) -> Result<Vec<Built>, Error> {
    let listener = ctx.listener;
    let results: Vec<Result<(Built, output::Pending), Error>> = if planned.len() > 1 && threads > 1
    {
        let total = planned.iter().map(|p| p.package.payload_bytes()).sum();
        let names: Vec<&str> = planned.iter().map(|p| p.writer.name()).collect();
        let shared = Shared(listener);
        listener.begin(&names.join(","), total);
        let results = std::thread::scope(|s| {
            let handles: Vec<_> = planned
                .iter()
                .map(|p| {
                    let ctx = WriteContext {
                        listener: &shared,
                        scratch: ctx.scratch.clone(),
                        ..*ctx
                    };
                    s.spawn(move || write_one(p, force, &ctx))
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
        planned.iter().map(|p| write_one(p, force, ctx)).collect()
    };
    // The first failure in -t order, as a sequential run would report it. Nothing is renamed
    // into place unless every format succeeded: the temp files of the others are dropped.
    let written: Vec<(Built, output::Pending)> = results.into_iter().collect::<Result<_, _>>()?;
    written
        .into_iter()
        .map(|(b, p)| {
            p.persist()?;
            Ok(b)
        })
        .collect()
}

/// Writes one artifact into a temp file beside its destination and describes it; the caller
/// renames it into place once every format succeeded.
fn write_one(
    p: &Planned,
    force: bool,
    ctx: &WriteContext,
) -> Result<(Built, output::Pending), Error> {
    ctx.listener.info(&format!("writing {}", p.dest.display()));
    let pending = output::write_pending(&p.dest, force, |w| p.writer.write(&p.package, w, ctx))?;
    let a: &Artifact = pending.artifact();
    let built = Built {
        path: a.path.clone(),
        format: p.writer.name().to_string(),
        name: p.package.meta.name.clone(),
        version: p.writer.full_version(&p.package),
        architecture: p.writer.architecture(&p.package),
        size: a.size,
        sha256: a.sha256.clone(),
    };
    Ok((built, pending))
}

/// The listener given to formats written at once: messages pass through, byte progress adds
/// up on the one bar [`write_all`] started, and the formats' own begin/end (one bar each) are
/// dropped.
struct Shared<'a>(&'a dyn Listener);

impl Listener for Shared<'_> {
    fn info(&self, msg: &str) {
        self.0.info(msg);
    }
    fn detail(&self, msg: &str) {
        self.0.detail(msg);
    }
    fn dependency(&self, d: &format::common::DependencyDecision) {
        self.0.dependency(d);
    }
    fn warning(&self, msg: &str) {
        self.0.warning(msg);
    }
    fn advance(&self, bytes: u64) {
        self.0.advance(bytes);
    }
}

/// Where scratch files go: `--workdir` (which must exist), else `$TMPDIR`. Checked before any
/// work, since every source and format uses it.
///
/// # Errors
/// [`Error::Usage`] naming the directory and the flag or variable it came from.
pub fn scratch_dir(workdir: Option<&Path>) -> Result<PathBuf, Error> {
    let (dir, what) = match workdir {
        Some(w) => (w.to_path_buf(), "--workdir"),
        None => (std::env::temp_dir(), "$TMPDIR"),
    };
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(Error::Usage(format!(
            "{what} '{}' is not a directory",
            dir.display()
        ))),
        Err(e) => Err(Error::Usage(format!(
            "{what} '{}' cannot be used: {e}; create the directory first",
            dir.display()
        ))),
    }
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
