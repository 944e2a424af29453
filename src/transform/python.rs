//! What a relocated venv needs on the target: its exact interpreter, and byte-code compiled there.
//!
//! - Requirement: a venv only works with the Python minor version that made it (`lib/python3.X`,
//!   `cpython-3X` extension tags), so the package needs exactly that interpreter, at least the
//!   version `pyvenv.cfg` records ([`PythonRequirement`]; deb: `python3.X (>= 3.X.Y)`, rpm:
//!   `/usr/bin/python3.X`). `python3 (>= 3.5)` would let a distribution upgrade break it.
//! - Interpreter link: `python -m venv` links `bin/python3 -> /usr/bin/python3`, which belongs to
//!   `python3-minimal`, not to `python3.X`, and moves to the next minor version on upgrade. The
//!   link is pointed at the versioned interpreter (`pyvenv.cfg` `executable`, `/usr/bin/python3.X`)
//!   that the dependency guarantees.
//! - Byte-code (Debian Python Policy §1.5 and PEP 552): no pyc is shipped (every staged pyc holds
//!   the staging path). After install the venv is compiled for its prefix as checked-hash pycs,
//!   which stay valid whatever the file mtimes, so running the app as root never writes into the
//!   prefix; before removal every `__pycache__` is deleted, so a purge leaves nothing.
//!
//! A distribution installed for the system's interpreter (`-s python`) gets its requirement from
//! the source and byte-code scripts that touch only its own files ([`system`]).

use crate::listener::Listener;
use crate::model::{Content, EntryKind, Package, Phase, PythonRequirement, PythonUse};
use crate::shell::quote;
use crate::source::virtualenv::cfg_value;

mod system;

/// A failure reading the venv's configuration.
#[derive(Debug, thiserror::Error)]
pub enum PythonError {
    /// `pyvenv.cfg` is missing from the payload.
    #[error("the virtualenv has no pyvenv.cfg at {0}; it is not a venv")]
    NoConfig(String),
    /// `pyvenv.cfg` has no usable version.
    #[error("pyvenv.cfg at {path} records no usable Python version (version = '{found}'); pass the interpreter dependency with -d")]
    NoVersion {
        /// Its path.
        path: String,
        /// What it had.
        found: String,
    },
    /// Reading it failed.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
}

/// Adds the interpreter dependency and the byte-code scripts for the venv in `pkg`.
///
/// # Errors
/// [`PythonError`] if `pyvenv.cfg` is missing or names no version.
pub fn apply(pkg: &mut Package, listener: &dyn Listener) -> Result<(), PythonError> {
    if let Some(sys) = pkg.system_python.clone() {
        system::apply(pkg, &sys);
        return Ok(());
    }
    let Some(info) = pkg.venv.clone() else {
        return Ok(());
    };
    let cfg_path = info
        .prefix
        .join(b"pyvenv.cfg")
        .map_err(|e| PythonError::NoConfig(e.to_string()))?;
    let entry = pkg
        .entry(&cfg_path)
        .ok_or_else(|| PythonError::NoConfig(cfg_path.display()))?;
    let text = match &entry.kind {
        EntryKind::File {
            content: Content::Bytes(b),
            ..
        } => String::from_utf8_lossy(b).into_owned(),
        EntryKind::File {
            content: Content::Path(p),
            ..
        } => String::from_utf8_lossy(
            &p.read()
                .map_err(|e| PythonError::Read(p.path().display().to_string(), e))?,
        )
        .into_owned(),
        _ => return Err(PythonError::NoConfig(cfg_path.display())),
    };
    let raw = cfg_value(&text, "version")
        .or_else(|| cfg_value(&text, "version_info"))
        .unwrap_or("");
    let parts: Vec<&str> = raw.split('.').take(3).collect();
    let numeric = parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric {
        return Err(PythonError::NoVersion {
            path: cfg_path.display(),
            found: raw.to_string(),
        });
    }
    let minor = format!("{}.{}", parts[0], parts[1]);
    let full = parts.join(".");
    let executable = pin_interpreter(pkg, &info.prefix, &text, &minor, listener);
    pkg.python = Some(PythonRequirement {
        minor,
        full,
        executable,
        kind: PythonUse::Venv,
    });
    if let Some(home) = cfg_value(&text, "home") {
        if !home.starts_with("/usr/") {
            listener.warning(&format!(
                "the venv's interpreter lives in {home} (pyvenv.cfg 'home'), outside /usr: the target machine needs Python at exactly that path"
            ));
        }
    }

    let prefix = quote(&info.prefix.display());
    pkg.add_fragment(
        Phase::AfterInstall,
        "Compile the venv's byte-code for its install prefix as checked-hash pycs (PEP 552).",
        format!(
            "if ! {prefix}/bin/python -I -m compileall -q -f --invalidation-mode checked-hash {prefix}/lib >/dev/null; then\n    echo {msg} >&2\nfi",
            msg = quote(&format!(
                "{}: warning: some modules in {} could not be byte-compiled",
                pkg.meta.name, info.prefix
            )),
        ),
    );
    pkg.add_fragment(
        Phase::BeforeRemove,
        "Remove the byte-code compiled after install (the package does not ship it).",
        format!("find {prefix} -depth -type d -name __pycache__ -exec rm -rf {{}} + 2>/dev/null || true"),
    );
    Ok(())
}

/// Points `bin/` symlinks at an unversioned system interpreter (`/usr/bin/python3`) to the
/// versioned one (`/usr/bin/python3.11`), and returns that interpreter's path.
fn pin_interpreter(
    pkg: &mut Package,
    prefix: &crate::model::PkgPath,
    cfg: &str,
    minor: &str,
    listener: &dyn Listener,
) -> String {
    let versioned_name = format!("python{minor}");
    let home = cfg_value(cfg, "home")
        .unwrap_or("/usr/bin")
        .trim_end_matches('/');
    let target = cfg_value(cfg, "executable")
        .filter(|e| e.starts_with('/') && e.ends_with(&versioned_name))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{home}/{versioned_name}"));
    let Ok(bin) = prefix.join(b"bin") else {
        return target;
    };
    for e in pkg.entries.iter_mut() {
        if e.path.parent().as_ref() != Some(&bin) {
            continue;
        }
        if let EntryKind::Symlink { target: t } = &e.kind {
            let base = t.rsplit(|&b| b == b'/').next().unwrap_or(t);
            if t.first() == Some(&b'/') && matches!(base, b"python" | b"python3") {
                listener.info(&format!(
                    "{} now points at {target} (was {})",
                    e.path,
                    String::from_utf8_lossy(t)
                ));
                e.kind = EntryKind::Symlink {
                    target: target.clone().into_bytes(),
                };
            }
        }
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listener::Collect;
    use crate::model::{Entry, PkgPath, VenvInfo};

    fn pkg(cfg: &str) -> Package {
        let mut p = Package::default();
        p.meta.name = "app".into();
        p.entries.push(Entry::bytes(
            PkgPath::parse("/opt/venvs/app/pyvenv.cfg").unwrap(),
            cfg.as_bytes().to_vec(),
            0o644,
        ));
        p.venv = Some(VenvInfo {
            prefix: PkgPath::parse("/opt/venvs/app").unwrap(),
            build_paths: vec![],
            watch_paths: vec![],
        });
        p
    }

    #[test]
    fn depends_on_the_exact_minor_version() {
        for cfg in [
            "home = /usr/bin\nversion = 3.11.2\n",
            "home = /usr/bin\nversion_info = 3.11.2.final.0\n",
        ] {
            let mut p = pkg(cfg);
            apply(&mut p, &Collect::default()).unwrap();
            let py = p.python.clone().unwrap();
            assert_eq!((py.minor.as_str(), py.full.as_str()), ("3.11", "3.11.2"));
            assert_eq!(py.executable, "/usr/bin/python3.11");
            assert_eq!(p.scripts.generated[&Phase::AfterInstall].len(), 1);
            assert_eq!(p.scripts.generated[&Phase::BeforeRemove].len(), 1);
        }
    }

    #[test]
    fn pins_the_interpreter_link_to_the_versioned_binary() {
        let mut p = pkg("home = /usr/bin\nexecutable = /usr/bin/python3.11\nversion = 3.11.2\n");
        let link = |s: &str| PkgPath::parse(s).unwrap();
        p.entries.push(Entry::symlink(
            link("/opt/venvs/app/bin/python3"),
            b"/usr/bin/python3".to_vec(),
        ));
        p.entries.push(Entry::symlink(
            link("/opt/venvs/app/bin/python"),
            b"python3".to_vec(),
        ));
        apply(&mut p, &Collect::default()).unwrap();
        let t = |s: &str| match &p.entry(&link(s)).unwrap().kind {
            EntryKind::Symlink { target } => String::from_utf8(target.clone()).unwrap(),
            _ => panic!(),
        };
        assert_eq!(t("/opt/venvs/app/bin/python3"), "/usr/bin/python3.11");
        assert_eq!(t("/opt/venvs/app/bin/python"), "python3");
    }

    #[test]
    fn warns_about_interpreters_outside_usr_and_rejects_no_version() {
        let l = Collect::default();
        let mut p = pkg("home = /root/.pyenv/versions/3.11.7/bin\nversion = 3.11.7\n");
        apply(&mut p, &l).unwrap();
        assert!(l.warnings.lock().unwrap()[0].contains("/root/.pyenv"));
        let mut p = pkg("home = /usr/bin\n");
        assert!(matches!(
            apply(&mut p, &l),
            Err(PythonError::NoVersion { .. })
        ));
    }
}
