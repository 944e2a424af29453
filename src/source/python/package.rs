//! The installed wheel read into a package: its files, its metadata (`METADATA`, PEP 566), its
//! `WHEEL` file (PEP 427: `Root-Is-Purelib`, the tags), and the dependencies its
//! `Requires-Dist` gives.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::markers::Env;
use super::naming::{Naming, Pydist, DEBIAN_PREFIX, PYDIST_FALLBACK};
use super::requires::{self, Outcome};
use super::spec::Spec;
use super::wheel::Installed;
use super::{PyOptions, PythonSourceError};
use crate::model::{
    Content, Entry, EntryKind, Package, PkgPath, PythonRequirement, PythonUse, SystemPython,
};
use crate::relation::Relation;
use crate::source::virtualenv::meta::{app_meta, parse_core_metadata};
use crate::source::{walk, ExternalLinks, Input, SourceError};

/// What the `WHEEL` file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct WheelInfo {
    /// `Root-Is-Purelib: true`.
    pub purelib: bool,
    /// `Tag:` lines (`cp311-cp311-manylinux_2_17_x86_64`).
    pub tags: Vec<String>,
}

/// Parses a `WHEEL` file (RFC 822 headers).
pub(super) fn parse_wheel(text: &str) -> WheelInfo {
    let mut w = WheelInfo::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "root-is-purelib" => w.purelib = v.trim().eq_ignore_ascii_case("true"),
            "tag" => w.tags.push(v.trim().to_string()),
            _ => {}
        }
    }
    w
}

/// Which Pythons run the wheel: a CPython ABI tag (`cp311`) ties it to that minor version;
/// `abi3` (the stable ABI) and `none` run on any 3.x from a floor: the `abi3` wheel's Python tag
/// (`cp38`), or `Requires-Python`'s lower bound (`>=3.8`), whichever is higher.
pub(super) fn python_use(tags: &[String], requires_python: Option<&str>) -> PythonUse {
    let parts: Vec<(Vec<&str>, Vec<&str>)> = tags
        .iter()
        .filter_map(|t| {
            let mut it = t.split('-');
            let py = it.next()?.split('.').collect();
            let abi = it.next()?.split('.').collect();
            Some((py, abi))
        })
        .collect();
    let cpython_abi = |a: &str| {
        a.strip_prefix("cp")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    if parts
        .iter()
        .any(|(_, abi)| abi.iter().any(|a| cpython_abi(a)))
    {
        return PythonUse::Minor;
    }
    let mut floors: Vec<(u64, u64)> = Vec::new();
    for (py, abi) in &parts {
        if abi.contains(&"abi3") {
            floors.extend(py.iter().filter_map(|p| {
                let d = p.strip_prefix("cp")?;
                let (major, minor) = d.split_at(1);
                Some((major.parse().ok()?, minor.parse().ok()?))
            }));
        }
    }
    if let Some(specs) =
        requires_python.and_then(|r| r.parse::<pep440_rs::VersionSpecifiers>().ok())
    {
        use pep440_rs::Operator as O;
        floors.extend(specs.iter().filter_map(|s| {
            let lower = matches!(
                s.operator(),
                O::GreaterThanEqual | O::GreaterThan | O::TildeEqual | O::Equal | O::EqualStar
            );
            match s.version().release() {
                [3, minor, ..] if lower => Some((3, *minor)),
                _ => None,
            }
        }));
    }
    PythonUse::Any {
        floor: floors.into_iter().max().map(|(a, b)| format!("{a}.{b}")),
    }
}

/// Does the entry hold an ELF file?
fn is_elf(e: &Entry) -> bool {
    use std::io::Read;
    let EntryKind::File {
        content: Content::Path(p),
        ..
    } = &e.kind
    else {
        return false;
    };
    let mut head = [0u8; 4];
    p.open()
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"\x7fELF")
}

/// Installed files get the modes dh_fixperms gives: directories and executables 0755, other
/// files 0644, whatever the build host's umask.
fn fix_modes(entries: &mut [Entry]) {
    for e in entries {
        e.mode = match e.kind {
            EntryKind::Dir => 0o755,
            EntryKind::Symlink { .. } => 0o777,
            _ if e.mode & 0o111 != 0 => 0o755,
            _ => 0o644,
        };
    }
}

/// The first license file in the dist-info (PEP 639's `licenses/` first).
fn license_text(dist: &Path) -> Option<String> {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in [dist.join("licenses"), dist.to_path_buf()] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let n = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_uppercase())
                    .unwrap_or_default();
                p.is_file()
                    && ["LICENSE", "LICENCE", "COPYING"]
                        .iter()
                        .any(|l| n.starts_with(l))
            })
            .collect();
        here.sort();
        files.extend(here);
    }
    files
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok())
        .filter(|t| !t.trim().is_empty())
}

/// The package of the installed distribution (see the module doc of [`super`]).
///
/// # Errors
/// [`PythonSourceError::Metadata`] for a dist-info without a readable `METADATA`; the walk's
/// errors.
pub(super) fn read(
    inst: &Installed,
    spec: &Spec,
    opts: &PyOptions,
    input: &Input,
    auto_depends: bool,
) -> Result<Package, SourceError> {
    let listener = input.listener;
    let lib = &opts.install_lib;
    let dist_dir = inst
        .root
        .join(std::ffi::OsStr::from_bytes(lib.relative()))
        .join(&inst.dist_info);
    let read = |name: &str| {
        let p = dist_dir.join(name);
        std::fs::read_to_string(&p).map_err(|e| PythonSourceError::Metadata {
            path: p,
            why: e.to_string(),
        })
    };
    let md =
        parse_core_metadata(&read("METADATA")?).ok_or_else(|| PythonSourceError::Metadata {
            path: dist_dir.join("METADATA"),
            why: "it has no Name or no Version".into(),
        })?;
    let wheel = parse_wheel(&read("WHEEL")?);

    let mut entries = walk(
        &inst.root,
        &PkgPath::root(),
        input.excludes,
        ExternalLinks::warn_or_reject(input.strict()),
        listener,
    )?;
    fix_modes(&mut entries);
    let has_elf = entries.iter().any(is_elf);
    let arch = if wheel.purelib && !has_elf {
        "all".to_string()
    } else {
        crate::format::common::native_arch().debian.to_string()
    };
    let env = &inst.environment;
    let var = |k: &str| env.get(k).cloned().unwrap_or_default();
    let (minor, full) = (var("python_version"), var("python_full_version"));
    let kind = python_use(&wheel.tags, md.requires_python.as_deref());

    let debian_names = opts.fix_name && opts.prefix == DEBIAN_PREFIX;
    let pydist = if debian_names {
        let p = Pydist::debian(&minor);
        if p.is_none() {
            listener.warning(&format!(
                "Debian's names for Python distributions ({PYDIST_FALLBACK}) are not installed (apt-get install dh-python); names follow fpm's rule (python3-NAME)"
            ));
        }
        p
    } else {
        None
    };
    let naming = Naming {
        prefix: opts.prefix.clone(),
        fix_name: opts.fix_name,
        pydist,
    };

    let mut pkg = Package::default();
    let m = app_meta(&md);
    pkg.meta.name = naming.package(&md.name);
    pkg.meta.version = m.version.clone().unwrap_or_default();
    pkg.meta.epoch = m.epoch;
    pkg.meta.architecture = arch.clone();
    pkg.meta.license = m.license;
    pkg.meta.license_text = license_text(&dist_dir);
    pkg.meta.url = m.url;
    pkg.meta.maintainer = m.maintainer.unwrap_or_default();
    let synopsis = m
        .summary
        .unwrap_or_else(|| format!("Python 3 distribution {}", md.name));
    pkg.meta.description = format!(
        "{synopsis}\nThis package ships the Python distribution {} {} for the system's Python 3, with its modules in {lib}.",
        md.name, md.version
    );
    listener.info(&format!(
        "{} {} is the package {} ({arch})",
        md.name, md.version, pkg.meta.name
    ));

    if opts.dependencies && auto_depends {
        let mut unknown = vec!["platform_release", "platform_version"];
        if arch == "all" {
            unknown.push("platform_machine");
        }
        let env = Env::new(env, &unknown, spec.extras());
        for out in requires::dependencies(&md.requires_dist, &env, &naming, &md.name) {
            match out {
                Outcome::Depends {
                    requirement,
                    relations,
                    dropped,
                } => {
                    let shown: Vec<String> = relations.iter().map(Relation::to_debian).collect();
                    listener.info(&format!(
                        "Requires-Dist '{requirement}' -> {}",
                        shown.join(", ")
                    ));
                    if !dropped.is_empty() {
                        listener.warning(&format!(
                            "Requires-Dist '{requirement}': {} left out of the dependency (neither dpkg nor rpm can exclude one version)",
                            dropped.join(", ")
                        ));
                    }
                    crate::relation::merge(&mut pkg.relations.depends, relations);
                }
                Outcome::Skipped { requirement, why } => {
                    listener.detail(&format!("Requires-Dist '{requirement}' skipped: {why}"));
                }
                Outcome::Unknown { requirement, why } => listener.warning(&format!(
                    "Requires-Dist '{requirement}' is left out: {why}; add what it needs with -d"
                )),
            }
        }
    }

    // The package creates the directories directly in lib (its modules, its dist-info), with
    // everything below them; lib itself belongs to the interpreter.
    for e in &entries {
        if e.kind == EntryKind::Dir && e.path.parent().as_ref() == Some(lib) {
            pkg.claimed.insert(e.path.clone());
        }
    }
    pkg.entries = entries;
    let dist_info =
        lib.join(inst.dist_info.as_bytes())
            .map_err(|e| PythonSourceError::Metadata {
                path: dist_dir.clone(),
                why: e.to_string(),
            })?;
    let watch_paths = match spec {
        Spec::Project(p) | Spec::Archive(p) => {
            let mut w = vec![p.as_os_str().as_bytes().to_vec()];
            if let Ok(c) = p.canonicalize() {
                w.push(c.as_os_str().as_bytes().to_vec());
            }
            w.sort();
            w.dedup();
            w
        }
        _ => Vec::new(),
    };
    pkg.system_python = Some(SystemPython {
        lib: lib.clone(),
        dist_info,
        python: PythonRequirement {
            minor,
            full,
            executable: opts.python.display().to_string(),
            kind,
        },
        build_paths: inst.build_paths.clone(),
        watch_paths,
    });
    Ok(pkg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_files_and_the_pythons_they_need() {
        let w = parse_wheel(
            "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.43.0)\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_x86_64\nTag: cp311-cp311-manylinux2014_x86_64\n",
        );
        assert!(!w.purelib);
        assert_eq!(w.tags.len(), 2);
        assert_eq!(python_use(&w.tags, Some(">=3.8")), PythonUse::Minor);
        let any = |floor: Option<&str>| PythonUse::Any {
            floor: floor.map(str::to_string),
        };
        let pure = vec!["py3-none-any".to_string()];
        assert_eq!(python_use(&pure, Some(">=3.8")), any(Some("3.8")));
        assert_eq!(python_use(&pure, Some(">=3.7, <4")), any(Some("3.7")));
        assert_eq!(python_use(&pure, Some("!=3.0.*,>=2.7")), any(None));
        assert_eq!(python_use(&pure, None), any(None));
        let abi3 = vec!["cp38-abi3-manylinux_2_28_x86_64".to_string()];
        assert_eq!(python_use(&abi3, Some(">=3.7")), any(Some("3.8")));
        assert_eq!(python_use(&abi3, Some(">=3.10")), any(Some("3.10")));
        let compressed = vec!["py2.py3-none-any".to_string()];
        assert_eq!(python_use(&compressed, None), any(None));
    }
}
