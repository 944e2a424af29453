//! Turning options into the parts of the package model: metadata, relations, scripts, the
//! service, `[[files]]`, directories and configuration files, and what a `[format]` section
//! changes for its format. Each function reads one options struct and says, by destructuring
//! it whole, what it does with every field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::FileSpec;
use crate::listener::Listener;
use crate::model::{self, EntryKind, Package, Phase, PkgPath, Relations};
use crate::options::package::{MetaArgs, RelationArgs, ScriptArgs};
use crate::options::run::ServiceArgs;
use crate::relation::Relation;
use crate::{format, hostfs, source, sysdirs, Error};

/// Applies the metadata the user gave over what the source found.
///
/// # Errors
/// [`Error::Usage`] for an unreadable `--license-file`.
pub fn apply_metadata(pkg: &mut Package, args: &MetaArgs) -> Result<(), Error> {
    let MetaArgs {
        name,
        version,
        iteration,
        epoch,
        architecture,
        maintainer,
        vendor,
        url,
        license,
        license_file,
        description,
        category,
        package_name_suffix: _, // add_name_suffix, once the name is final
    } = args;
    let m = &mut pkg.meta;
    for (slot, v) in [
        (&mut m.name, name),
        (&mut m.version, version),
        (&mut m.maintainer, maintainer),
        (&mut m.description, description),
    ] {
        if let Some(v) = v {
            *slot = v.clone();
        }
    }
    for (slot, v) in [
        (&mut m.iteration, iteration),
        (&mut m.vendor, vendor),
        (&mut m.url, url),
        (&mut m.license, license),
        (&mut m.category, category),
    ] {
        if v.is_some() {
            *slot = v.clone();
        }
    }
    if epoch.is_some() {
        m.epoch = *epoch;
    }
    // fpm's `-v EPOCH:VERSION` (deb's own notation): the epoch, unless --epoch gives one.
    if version.is_some() && epoch.is_none() {
        if let Some((e, rest)) = m.version.split_once(':') {
            if let (Ok(n), false) = (e.parse::<u32>(), rest.is_empty()) {
                m.epoch = Some(n);
                m.version = rest.to_string();
            }
        }
    }
    // Every spelling of an architecture (fpm's and each format's: x86_64, amd64, noarch, all)
    // becomes the model's Debian name; an unknown one stays for the formats to refuse.
    if let Some(a) = architecture {
        m.architecture = match a.as_str() {
            "native" => format::common::native_arch().debian.to_string(),
            other => format::common::arch(other)
                .map_or(other, |a| a.debian)
                .to_string(),
        };
    }
    if let Some(f) = license_file {
        let text = hostfs::read_regular_text(f)
            .map_err(|e| Error::Usage(format!("--license-file '{}': {e}", f.display())))?;
        m.license_text = Some(text);
    }
    Ok(())
}

/// `-S/--package-name-suffix`: `NAME-SUFFIX`. Called once the name is final (after the
/// source's and the user's metadata).
pub fn add_name_suffix(pkg: &mut Package, args: &MetaArgs) {
    if let Some(s) = args
        .package_name_suffix
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        pkg.meta.name = format!("{}-{s}", pkg.meta.name);
    }
}

/// `--no-depends`: no dependency is listed (what pkgr infers is dropped by the formats, which
/// see `auto_depends` off).
pub fn drop_depends(pkg: &mut Package, args: &RelationArgs) {
    if args.no_depends == Some(true) {
        pkg.relations.depends.clear();
    }
}

/// The defaults of what neither the source nor the user gave: the build host's architecture,
/// a placeholder maintainer (with a warning when `warn`: some format has none of its own), a
/// placeholder description.
pub fn metadata_defaults(pkg: &mut Package, warn: bool, listener: &dyn Listener) {
    let m = &mut pkg.meta;
    if m.architecture.is_empty() {
        m.architecture = format::common::native_arch().debian.to_string();
    }
    if m.maintainer.is_empty() {
        m.maintainer = "Unknown Maintainer <unknown@example.invalid>".into();
        if warn {
            listener.warning(
            "no maintainer known: set -m/--maintainer 'Name <email>' (or authors in pyproject.toml); using a placeholder",
            );
        }
    }
    if m.description.trim().is_empty() {
        m.description = "no description given".into();
    }
}

/// Puts the user's scripts into the package: each replaces the source's script of its phase (a
/// converted package's own, [`model::Scripts::written_for`]).
pub fn apply_user_scripts(pkg: &mut Package, scripts: BTreeMap<Phase, String>) {
    for (phase, script) in scripts {
        pkg.scripts.written_for.remove(&phase);
        pkg.scripts.user.insert(phase, script);
    }
}

/// The user's maintainer scripts by phase, read and checked (each must start with `#!`).
///
/// # Errors
/// [`Error::Usage`] naming the flag of an unreadable script or one without `#!`.
pub fn user_scripts(args: &ScriptArgs) -> Result<BTreeMap<Phase, String>, Error> {
    let ScriptArgs {
        before_install,
        after_install,
        before_remove,
        after_remove,
        before_upgrade,
        after_upgrade,
        template_scripts: _, // rendered per format (template.rs)
        template_value: _,
    } = args;
    let mut out = BTreeMap::new();
    for (phase, path) in [
        (Phase::BeforeInstall, before_install),
        (Phase::AfterInstall, after_install),
        (Phase::BeforeRemove, before_remove),
        (Phase::AfterRemove, after_remove),
        (Phase::BeforeUpgrade, before_upgrade),
        (Phase::AfterUpgrade, after_upgrade),
    ] {
        let Some(path) = path else { continue };
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
        out.insert(phase, text);
    }
    Ok(out)
}

fn parse_list(flag: &str, values: &Option<Vec<String>>) -> Result<Option<Vec<Relation>>, Error> {
    let Some(values) = values else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for v in values {
        let list = Relation::parse_list(v).map_err(|e| Error::Usage(format!("{flag}: {e}")))?;
        out.extend(list);
    }
    Ok(Some(out))
}

/// The relations the user gave, parsed (lexically: each format checks its own name and version
/// rules); `None` for a field not given.
///
/// # Errors
/// [`Error::Usage`] naming the flag of an unparsable relation.
pub fn relations(args: &RelationArgs) -> Result<[Option<Vec<Relation>>; 6], Error> {
    let RelationArgs {
        depends,
        provides,
        conflicts,
        replaces,
        recommends,
        suggests,
        no_depends: _, // drop_depends
    } = args;
    Ok([
        parse_list("-d/--depends", depends)?,
        parse_list("--provides", provides)?,
        parse_list("--conflicts", conflicts)?,
        parse_list("--replaces", replaces)?,
        parse_list("--recommends", recommends)?,
        parse_list("--suggests", suggests)?,
    ])
}

/// The relation lists of `r` in the order [`relations`] returns them.
fn slots(r: &mut Relations) -> [&mut Vec<Relation>; 6] {
    [
        &mut r.depends,
        &mut r.provides,
        &mut r.conflicts,
        &mut r.replaces,
        &mut r.recommends,
        &mut r.suggests,
    ]
}

/// Adds the given relations to the package's (what the source found stays first).
pub fn merge_relations(pkg: &mut Package, given: [Option<Vec<Relation>>; 6]) {
    for (slot, list) in slots(&mut pkg.relations).into_iter().zip(given) {
        crate::relation::merge(slot, list.into_iter().flatten());
    }
}

/// Replaces the package's relations by the given ones where given (a `[format]` section).
pub fn replace_relations(pkg: &mut Package, given: [Option<Vec<Relation>>; 6]) {
    for (slot, list) in slots(&mut pkg.relations).into_iter().zip(given) {
        if let Some(l) = list {
            *slot = l;
        }
    }
}

/// The service options with their defaults.
struct Resolved {
    units: Vec<PathBuf>,
    no_enable: bool,
    no_start: bool,
    no_restart_after_upgrade: bool,
    user: Option<String>,
    group: Option<String>,
    home: Option<String>,
}

/// Reads and checks the service options into the model's [`model::Service`].
///
/// # Errors
/// [`Error::Usage`] for a unit file whose name is no unit name, an unreadable unit, or an
/// account name that is not a system account name.
pub fn service(args: &ServiceArgs) -> Result<model::Service, Error> {
    let ServiceArgs {
        systemd_unit,
        no_systemd_enable,
        no_systemd_start,
        no_systemd_restart_after_upgrade,
        user,
        group,
        home,
    } = args;
    let o = Resolved {
        units: systemd_unit.clone().unwrap_or_default(),
        no_enable: no_systemd_enable.unwrap_or(false),
        no_start: no_systemd_start.unwrap_or(false),
        no_restart_after_upgrade: no_systemd_restart_after_upgrade.unwrap_or(false),
        user: user.clone(),
        group: group.clone(),
        home: home.clone(),
    };
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
        if !model::SystemdUnit::is_unit_name(&name) {
            return Err(Error::Usage(format!(
                "--systemd-unit '{}': the file name is the unit name and must be ASCII letters, digits and ':-_.\\@' ending in one of {} (systemd.unit(5))",
                path.display(),
                model::UNIT_SUFFIXES.join(", ")
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

/// The service user's `--home` is part of the payload (mode 0750, owned by the user, who
/// exists by the time dpkg or rpm unpacks it), so the package owns it: dpkg removes it on purge
/// when it is empty, and piuparts finds nothing left behind. An entry the payload already has
/// for it wins.
pub fn add_service_home(pkg: &mut Package) -> Result<(), Error> {
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
    pkg.claimed.insert(path.clone());
    if pkg.entry(&path).is_none() {
        let mut e = model::Entry::dir(path);
        e.mode = 0o750;
        e.user = user.name.clone();
        e.group = user.group.clone();
        pkg.entries.push(e);
    }
    Ok(())
}

/// Adds `[[files]]` entries: files and directories from the build host (walked like `-s dir`),
/// empty directories and symlinks, with their mode, owner and group.
pub fn add_files(
    pkg: &mut Package,
    files: &[FileSpec],
    excludes: &source::Excludes,
    strict: bool,
    listener: &dyn Listener,
) -> Result<(), Error> {
    for (i, f) in files.iter().enumerate() {
        let dst = PkgPath::parse(&f.dst)
            .map_err(|e| Error::Usage(format!("pkgr.toml files[{i}].dst: {e}")))?;
        let kind = f.kind.as_deref().unwrap_or("file");
        let mut entries = match kind {
            "dir" => {
                if !crate::sysdirs::is_system_dir(&dst.display()) {
                    pkg.claimed.insert(dst.clone());
                }
                vec![model::Entry::dir(dst)]
            }
            "symlink" => vec![model::Entry::symlink(
                dst,
                f.src.clone().unwrap_or_default().into_bytes(),
            )],
            _ => {
                let src = f.src.clone().unwrap_or_default();
                // The command line's rule: `dst = "/usr/share/x/"` puts a file inside it.
                let placed = source::dir::place(Path::new(&src), dst, f.dst.ends_with('/'))?;
                pkg.claimed.extend(placed.claimed());
                source::walk(
                    Path::new(&src),
                    &placed.dst,
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

/// Adds the `--directories`: empty directories the package owns (created on install if absent).
///
/// # Errors
/// [`Error::Usage`] for a path that is no package path.
pub fn add_directories(pkg: &mut Package, dirs: &[String]) -> Result<(), Error> {
    for d in dirs {
        let p = PkgPath::parse(d).map_err(|e| Error::Usage(format!("--directories: {e}")))?;
        pkg.claimed.insert(p.clone());
        pkg.entries.push(model::Entry::dir(p));
    }
    Ok(())
}

/// Files under `/etc` are conffiles (as fpm and debhelper make them), and so is every file named
/// by `--config-files` (a directory names every file below it).
pub fn mark_config_files(pkg: &mut Package, config: &[String]) -> Result<(), Error> {
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
        if !matches!(e.kind, EntryKind::File { .. }) {
            continue;
        }
        if wanted.iter().any(|w| e.path.starts_with(w)) {
            e.config = true;
        } else if e.path.starts_with(&etc) && !e.config {
            e.config = true;
            pkg.etc_config.insert(e.path.clone());
        }
    }
    Ok(())
}
