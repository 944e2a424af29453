//! The Debian binary package writer (deb(5), deb-control(5), Debian Policy).
//!
//! Layout: an `ar` archive (common format, member names ≤ 16 bytes, owner 0/0, mode 100644,
//! mtime = `SOURCE_DATE_EPOCH`) with the members `debian-binary` (`2.0\n`), `control.tar.gz` and
//! `data.tar[.gz|.xz|.zst|.bz2|.lzma]`, in that order (deb(5)). Both tars follow [`crate::archive`].
//!
//! `control.tar.gz` holds `control` ([`control`]), `md5sums` (every regular file but conffiles,
//! as dh_md5sums writes it), `conffiles` (Policy §10.7.2) and the maintainer scripts (Policy §6,
//! [`scripts`]), mode 0755. Preparing adds what lintian requires of every binary package
//! ([`docs`]): `usr/share/doc/<name>/copyright` (Policy §12.5), a gzipped changelog
//! (Policy §12.7), and reasoned lintian overrides; the systemd units in `/lib/systemd/system`;
//! and the dependencies pkgr proves: the venv's `python3.X (>= 3.X.Y)` and the shared libraries'
//! packages ([`shlibdeps`]). It leaves out the directories no Debian package owns (`/opt`,
//! `/srv`, `/usr/local`, ...: [`crate::sysdirs::DEBIAN_UNOWNED_DIRS`]), which dpkg would
//! otherwise register as this package's and remove on purge; every Debian system has them.

use std::io::{self, Seek, SeekFrom, Write};

use crate::archive::{self, FileDigest, TarOptions};
use crate::compress::{self, Algorithm, Compression};
use crate::format::common::{self, check_single_line};
use crate::format::{scripts as engine, Format, FormatError, Problems, WriteContext};
use crate::model::{Entry, EntryKind, Package, PkgPath};
use crate::options::{OptionError, Options};
use crate::relation::Relation;

pub mod control;
mod docs;
pub mod extras;
pub mod options;
pub mod read;
pub mod scripts;
pub mod shlibdeps;
#[cfg(test)]
mod tests;
pub mod version;

use control::{
    check_description, check_maintainer, check_relations, control_file, PRIORITIES, SECTIONS,
};

/// The `.deb` writer.
pub struct Deb {
    compression: Compression,
    priority: String,
    extras: extras::Extras,
}

impl Deb {
    /// A writer whose `data.tar` uses `compression`, Priority `optional`.
    pub fn new(compression: Compression) -> Self {
        Deb {
            compression,
            priority: "optional".into(),
            extras: extras::Extras::default(),
        }
    }

    /// The writer the options ask for: `--deb-compression` (default xz) at
    /// `--deb-compression-level`, on `--threads` workers, and `--deb-priority` (default optional).
    ///
    /// # Errors
    /// [`OptionError`] for a level out of range or `--threads 0`.
    pub fn from_options(opts: &Options) -> Result<Self, OptionError> {
        let a = &opts.formats.deb;
        let compression = Compression::new(
            a.deb_compression.unwrap_or(Algorithm::Xz),
            a.deb_compression_level,
        )
        .map_err(|e| OptionError::new("--deb-compression-level", e.to_string()))?
        .with_threads(opts.run.threads()?);
        Ok(Deb {
            compression,
            priority: a.deb_priority.clone().unwrap_or_else(|| "optional".into()),
            extras: {
                if a.deb_systemd.is_some() && opts.service.systemd_unit.is_some() {
                    return Err(OptionError::new(
                        "--deb-systemd",
                        "give the units with either --systemd-unit (enabled and started, every format) or --deb-systemd (fpm's: the deb only, enabled and started only with --deb-systemd-enable and --deb-systemd-auto-start), not both",
                    ));
                }
                extras::Extras::from_args(a)?
            },
        })
    }
}

/// The model's versions in Debian's terms. The model's neutral version marks a pre-release with
/// `~` and a later build with `+` (which sort the same way in dpkg and rpm), and may hold RPM's
/// snapshot marker `^` (sorts after the version before it and before any longer one:
/// `1.0 < 1.0^git1 < 1.0.1`); Debian has no `^`, and `+` sorts the same way there
/// (deb-version(5): non-letters by ASCII, `+` before `.`), so it becomes `+`, in the package's
/// version and revision and in every relation's.
fn debian_versions(pkg: &Package) -> std::borrow::Cow<'_, Package> {
    let has_caret = |v: &str| v.contains('^');
    let relations = [
        &pkg.relations.depends,
        &pkg.relations.pre_depends,
        &pkg.relations.recommends,
        &pkg.relations.suggests,
        &pkg.relations.provides,
        &pkg.relations.conflicts,
        &pkg.relations.replaces,
    ];
    let in_relations = relations.iter().any(|l| {
        l.iter()
            .flat_map(|r| &r.alternatives)
            .any(|a| a.constraint.as_ref().is_some_and(|(_, v)| has_caret(v)))
    });
    if !has_caret(&pkg.meta.version)
        && !pkg.meta.iteration.as_deref().is_some_and(has_caret)
        && !in_relations
    {
        return std::borrow::Cow::Borrowed(pkg);
    }
    let mut p = pkg.clone();
    p.meta.version = p.meta.version.replace('^', "+");
    p.meta.iteration = p.meta.iteration.map(|i| i.replace('^', "+"));
    let r = &mut p.relations;
    for list in [
        &mut r.depends,
        &mut r.pre_depends,
        &mut r.recommends,
        &mut r.suggests,
        &mut r.provides,
        &mut r.conflicts,
        &mut r.replaces,
    ] {
        for a in list.iter_mut().flat_map(|r| r.alternatives.iter_mut()) {
            if let Some((_, v)) = &mut a.constraint {
                *v = v.replace('^', "+");
            }
        }
    }
    std::borrow::Cow::Owned(p)
}

/// fpm's rule for `-v v1.2.3` (a tag name): without the `v`, when what follows starts with a
/// digit.
fn strip_v(v: &str) -> &str {
    match v.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => v,
    }
}

/// fpm's rule: a file dependency (`-d /usr/lib64/libcrypt.so.1`, for the rpm) means nothing to
/// dpkg, whose relations name packages (Policy §7.1), so the deb leaves it out, with a warning.
/// So is an RPM capability (`perl(Foo::Bar)`, `pkgconfig(zlib)`, from `-s rpm`): a name with
/// parentheses is no Debian package name (Policy §5.6.1).
fn drop_file_dependencies(pkg: &mut Package, ctx: &WriteContext) {
    let r = &mut pkg.relations;
    for (field, list) in [
        ("Depends", &mut r.depends),
        ("Pre-Depends", &mut r.pre_depends),
        ("Recommends", &mut r.recommends),
        ("Suggests", &mut r.suggests),
        ("Conflicts", &mut r.conflicts),
        ("Replaces", &mut r.replaces),
        ("Provides", &mut r.provides),
    ] {
        list.retain(|rel| {
            let file = rel.alternatives.iter().any(|a| a.name.starts_with('/'));
            let capability = rel.alternatives.iter().any(|a| a.name.contains('('));
            if file {
                ctx.listener.warning(&format!(
                    "deb: {field} '{rel}' names a file; dpkg relations name packages, so the deb leaves it out (as fpm does) and the rpm keeps it"
                ));
            } else if capability {
                ctx.listener.warning(&format!(
                    "deb: {field} '{rel}' is an RPM capability, not a Debian package name (Policy §5.6.1); the deb leaves it out and the rpm keeps it"
                ));
            }
            !file && !capability
        });
    }
}

impl Format for Deb {
    fn name(&self) -> &'static str {
        "deb"
    }

    fn extension(&self) -> &'static str {
        "deb"
    }

    /// `NAME_VERSION[-REV]_ARCH.deb`, the epoch left out (as dpkg-name does).
    fn file_name(&self, pkg: &Package) -> String {
        let mut v = pkg.meta.version.clone();
        if let Some(i) = &pkg.meta.iteration {
            v.push('-');
            v.push_str(i);
        }
        format!("{}_{}_{}.deb", pkg.meta.name, v, pkg.meta.architecture)
    }

    fn architecture(&self, pkg: &Package) -> String {
        pkg.meta.architecture.clone()
    }

    fn full_version(&self, pkg: &Package) -> String {
        pkg.full_version()
    }

    /// The package as the .deb holds it: its units, the relations pkgr proves, the documentation
    /// files every .deb needs (at paths the user's payload does not already provide), without
    /// the directories no Debian package owns.
    fn prepare(&self, pkg: &Package, ctx: &WriteContext) -> Result<Package, FormatError> {
        let mtime = ctx.mtime;
        let mut unprefixed;
        let pkg = match strip_v(&pkg.meta.version) {
            v if v.len() != pkg.meta.version.len() => {
                ctx.listener.warning(&format!(
                    "deb: Version '{}' is written as '{v}': a Debian version starts with a digit (Policy §5.6.12), and fpm drops the 'v' too",
                    pkg.meta.version
                ));
                unprefixed = Package::clone(pkg);
                unprefixed.meta.version = v.to_string();
                &unprefixed
            }
            _ => pkg,
        };
        let pkg = &debian_versions(pkg);
        if let (None, Some((_, rev))) = (&pkg.meta.iteration, pkg.meta.version.rsplit_once('-')) {
            ctx.listener.warning(&format!(
                "deb: Version '{}' has '-' and no --iteration: dpkg reads '{rev}' as the Debian revision (as fpm writes it); give --iteration to keep the whole string as the upstream version",
                pkg.meta.version
            ));
        }
        let mut with_deb_units;
        let pkg = if self.extras.has_units() {
            with_deb_units = Package::clone(pkg);
            self.extras.add_units(&mut with_deb_units, ctx.listener);
            &with_deb_units
        } else {
            pkg
        };
        let mut full = common::with_units(pkg, common::DEB_UNIT_DIR)?.into_owned();
        if control::is_bare_email(&full.meta.maintainer) {
            let named = control::with_name(&full.meta.maintainer);
            ctx.listener.warning(&format!(
                "Maintainer (-m/--maintainer) '{}' has no name; the deb says '{named}' (Policy §5.6.2 asks for 'Full Name <email>')",
                full.meta.maintainer
            ));
            full.meta.maintainer = named;
        }
        if ctx.auto_depends {
            // What pkgr proves comes first: the venv's interpreter, then the ELF files' libraries
            // (from the build host's dpkg database, as dpkg-shlibdeps reads it).
            let mut depends: Vec<Relation> = pkg
                .python
                .iter()
                .flat_map(|py| python_depends(py, &pkg.meta.architecture))
                .collect();
            let resolved = shlibdeps::resolve(pkg, &pkg.meta.architecture, &shlibdeps::admindir());
            common::report_decisions(&resolved.decisions, ctx)?;
            crate::relation::merge(&mut depends, resolved.relations);
            crate::relation::merge(&mut depends, pkg.relations.depends.iter().cloned());
            full.relations.depends = depends;
        }
        drop_file_dependencies(&mut full, ctx);
        let name = &pkg.meta.name;
        let doc = format!("/usr/share/doc/{name}");
        let path = |p: String| {
            PkgPath::parse(&p)
                .map_err(|e| FormatError::invalid("Package (-n/--name)", e.to_string()))
        };
        let copyright = path(format!("{doc}/copyright"))?;
        if pkg.entry(&copyright).is_none() {
            full.entries.push(Entry::bytes(
                copyright,
                docs::copyright_file(pkg).into_bytes(),
                0o644,
            ));
        }
        // Policy §12.7: native packages (no revision) ship changelog.gz, others changelog.Debian.gz.
        let changelog_name = if pkg.meta.iteration.is_some() {
            "changelog.Debian.gz"
        } else {
            "changelog.gz"
        };
        let changelog = path(format!("{doc}/{changelog_name}"))?;
        if pkg.entry(&changelog).is_none() {
            let gz = compress::compress_bytes(
                Compression::new(Algorithm::Gzip, Some(9)).map_err(io::Error::other)?,
                docs::changelog_file(pkg, mtime).as_bytes(),
            )?;
            full.entries.push(Entry::bytes(changelog, gz, 0o644));
        }
        let overrides = path(format!("/usr/share/lintian/overrides/{name}"))?;
        if let Some(text) = docs::lintian_overrides(pkg) {
            if pkg.entry(&overrides).is_none() {
                full.entries
                    .push(Entry::bytes(overrides, text.into_bytes(), 0o644));
            }
        }
        self.extras.apply(&mut full, ctx.listener)?;
        // The directories base-files creates in its postinst belong to no package: shipping one
        // makes this package its only owner, and purging it would remove /opt from the system.
        // Every Debian system has them, so dpkg needs no entry to unpack below them.
        full.entries.retain(|e| {
            e.kind != EntryKind::Dir || !crate::sysdirs::is_debian_unowned(&e.path.display())
        });
        Ok(full)
    }

    fn validate(&self, pkg: &Package) -> Result<(), FormatError> {
        let m = &pkg.meta;
        let mut p = Problems::default();
        p.check(
            version::check_package_name(&m.name)
                .map_err(|e| FormatError::invalid("Package (-n/--name)", e.to_string())),
        );
        // fpm's rule for a version with '-' and no --iteration (`$(git describe)`): written
        // as it is, so dpkg reads the part after the last '-' as the revision.
        let v = strip_v(&m.version);
        let checked = match (m.iteration.is_some(), v.rsplit_once('-')) {
            (false, Some((up, rev))) => {
                version::check_upstream(up, true).and_then(|()| version::check_revision(rev))
            }
            (has_revision, _) => version::check_upstream(v, has_revision),
        };
        p.check(checked.map_err(|e| FormatError::invalid("Version (-v/--version)", e.to_string())));
        if let Some(i) = &m.iteration {
            p.check(
                version::check_revision(i)
                    .map_err(|e| FormatError::invalid("Version (--iteration)", e.to_string())),
            );
        }
        if common::arch(&m.architecture).is_none_or(|a| a.debian != m.architecture) {
            p.push(FormatError::invalid(
                "Architecture (-a/--architecture)",
                format!(
                    "'{}' is not a Debian architecture; use 'native' or one of: {}",
                    m.architecture.escape_debug(),
                    common::known_architectures()
                ),
            ));
        }
        p.check(check_single_line(
            "Maintainer (-m/--maintainer)",
            &m.maintainer,
        ));
        p.check(check_maintainer(&m.maintainer));
        if let Some(u) = &m.url {
            p.check(check_single_line("Homepage (--url)", u));
            if u.contains(char::is_whitespace) {
                p.push(FormatError::invalid(
                    "Homepage (--url)",
                    format!("'{u}' contains spaces; it must be one URL (Policy §5.6.23)"),
                ));
            }
        }
        for (field, v) in [("--license", &m.license), ("--vendor", &m.vendor)] {
            if let Some(v) = v {
                p.check(check_single_line(field, v));
            }
        }
        let category = control::section(pkg);
        p.check(check_single_line("Section (--category)", category));
        let (area, section) = match category.split_once('/') {
            Some((a, s)) => (Some(a), s),
            None => (None, category),
        };
        let area_ok =
            area.is_none_or(|a| ["main", "contrib", "non-free", "non-free-firmware"].contains(&a));
        if !area_ok || !SECTIONS.contains(&section) {
            p.push(FormatError::invalid(
                "Section (--category)",
                format!(
                    "'{}' is not a Debian archive section (Policy §2.4); use one of: {}",
                    category,
                    SECTIONS.join(", ")
                ),
            ));
        }
        if !PRIORITIES.contains(&self.priority.as_str()) {
            p.push(FormatError::invalid(
                "Priority (--deb-priority)",
                format!(
                    "'{}' is not a Debian priority (Policy §2.5); use one of: {}",
                    self.priority.escape_debug(),
                    PRIORITIES.join(", ")
                ),
            ));
        }
        p.check(check_description(&m.description));
        p.check(check_relations(pkg));
        p.check(engine::check_user_scripts(pkg));
        p.check(common::check_owners(pkg));
        for e in &pkg.entries {
            if e.config
                && e.path
                    .as_bytes()
                    .last()
                    .is_some_and(|b| b.is_ascii_whitespace())
            {
                p.push(FormatError::invalid(
                    "--config-files",
                    format!(
                        "'{}' ends in whitespace; dpkg strips trailing whitespace from each conffiles line (deb-conffiles(5)), so it would register another name",
                        e.path.display().escape_debug()
                    ),
                ));
            }
            if e.config && !e.is_file() {
                p.push(FormatError::invalid(
                    "--config-files",
                    format!("'{}' is not a regular file; conffiles must be regular files (Policy §10.7.2)", e.path),
                ));
            }
        }
        p.finish()
    }

    fn write(
        &self,
        pkg: &Package,
        out: &mut dyn Write,
        ctx: &WriteContext,
    ) -> Result<(), FormatError> {
        let full = pkg;

        // data.tar: streamed through the compressor into an anonymous temp file, because the
        // ar header needs its size and md5sums (which goes first) needs its digests.
        let tmp = ctx.scratch_file()?;
        let enc = self.compression.encoder(tmp)?;
        let opts = TarOptions {
            progress: Some(ctx.listener),
            mtime: ctx.mtime,
            root_entry: true,
            md5: true,
        };
        ctx.listener.begin("deb", full.payload_bytes());
        let written = archive::write_tar(full, enc, opts);
        ctx.listener.end();
        let (enc, digests) = written?;
        let mut data = enc.finish()?;
        let data_len = data.stream_position()?;
        data.seek(SeekFrom::Start(0))?;

        let control = control_tar(
            full,
            &digests,
            ctx.mtime,
            &self.priority,
            &self.extras.fields,
        )?;

        let mut ar = ar::Builder::new(out);
        let member = |name: &str, size: u64| {
            let mut h = ar::Header::new(name.as_bytes().to_vec(), size);
            h.set_mtime(ctx.mtime);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mode(0o100644);
            h
        };
        ar.append(&member("debian-binary", 4), &b"2.0\n"[..])?;
        ar.append(
            &member("control.tar.gz", control.len() as u64),
            &control[..],
        )?;
        let data_name = format!("data.tar{}", self.compression.algorithm.extension());
        ar.append(&member(&data_name, data_len), &mut data)?;
        Ok(())
    }
}

/// `control.tar.gz`: `control`, `md5sums`, `conffiles` and the maintainer scripts.
fn control_tar(
    pkg: &Package,
    digests: &[FileDigest],
    mtime: u64,
    priority: &str,
    fields: &[(String, String)],
) -> Result<Vec<u8>, FormatError> {
    let mut ctl = Package::default();
    let add =
        |ctl: &mut Package, name: &str, data: Vec<u8>, mode: u32| -> Result<(), FormatError> {
            let p = PkgPath::parse(&format!("/{name}")).map_err(io::Error::other)?;
            ctl.entries.push(Entry::bytes(p, data, mode));
            Ok(())
        };
    add(
        &mut ctl,
        "control",
        control_file(pkg, priority, fields).into_bytes(),
        0o644,
    )?;
    let conffiles: Vec<&Entry> = pkg.entries.iter().filter(|e| e.config).collect();
    let mut md5sums = Vec::new();
    for d in digests {
        if conffiles
            .iter()
            .any(|c| c.path.relative() == d.path.as_slice())
        {
            continue;
        }
        md5sums.extend_from_slice(crate::output::hex(&d.md5).as_bytes());
        md5sums.extend_from_slice(b"  ");
        md5sums.extend_from_slice(&d.path);
        md5sums.push(b'\n');
    }
    if !md5sums.is_empty() {
        add(&mut ctl, "md5sums", md5sums, 0o644)?;
    }
    if !conffiles.is_empty() {
        let mut c = Vec::new();
        for e in &conffiles {
            c.extend_from_slice(e.path.as_bytes());
            c.push(b'\n');
        }
        add(&mut ctl, "conffiles", c, 0o644)?;
    }
    for slot in scripts::DEB {
        if let Some(s) = engine::render(pkg, slot) {
            add(&mut ctl, slot.name, s.text.into_bytes(), 0o755)?;
        }
    }
    ctl.finalize()
        .map_err(|e| FormatError::invalid("control.tar", e.to_string()))?;
    let gz = Compression::new(Algorithm::Gzip, Some(9)).map_err(io::Error::other)?;
    let enc = gz.encoder(Vec::new())?;
    let opts = TarOptions {
        progress: None,
        mtime,
        root_entry: true,
        md5: false,
    };
    let (enc, _) = archive::write_tar(&ctl, enc, opts)?;
    Ok(enc.finish()?)
}

/// The interpreter a payload needs, in Debian's terms: a venv's exact minor version
/// (`python3.11 (>= 3.11.2)`); modules in the system's Python 3 as dh_python3 names it
/// (`python3:any` for an `all` package, with Requires-Python's floor as `(>= 3.8~)`;
/// `python3 (>= 3.11~), python3 (<< 3.12)` for extensions built for one minor version).
fn python_depends(py: &crate::model::PythonRequirement, arch: &str) -> Vec<Relation> {
    use crate::model::PythonUse;
    use crate::relation::Op;
    match &py.kind {
        PythonUse::Venv => vec![Relation::simple(
            &format!("python{}", py.minor),
            Some((Op::Ge, &py.full)),
        )],
        PythonUse::Any { floor } => {
            let name = if arch == "all" {
                "python3:any"
            } else {
                "python3"
            };
            let floor = floor.as_ref().map(|f| format!("{f}~"));
            vec![Relation::simple(
                name,
                floor.as_deref().map(|f| (Op::Ge, f)),
            )]
        }
        PythonUse::Minor => {
            let mut v = vec![Relation::simple(
                "python3",
                Some((Op::Ge, &format!("{}~", py.minor))),
            )];
            if let Some(next) = next_minor(&py.minor) {
                v.push(Relation::simple("python3", Some((Op::Lt, &next))));
            }
            v
        }
    }
}

/// `3.11` → `3.12`.
fn next_minor(minor: &str) -> Option<String> {
    let (major, m) = minor.split_once('.')?;
    let m: u32 = m.parse().ok()?;
    Some(format!("{major}.{}", m + 1))
}
