//! Getting the wheel and installing it for the system layout, in a scratch staging directory:
//!
//! 1. `--python-bin -m venv --system-site-packages STAGING/venv`: pip comes from the venv (never
//!    from the system, which Debian marks externally managed), and the interpreter's own
//!    packages stay visible, so `--pip-arg=--no-build-isolation` builds with Debian's setuptools
//!    and wheel, offline;
//! 2. `STAGING/venv/bin/python -m pip wheel --no-deps -w STAGING/wheels SPEC` (a `.whl` SPEC is
//!    used as it is), with pip's options ([`crate::source::pip`]);
//! 3. pypa's `installer` (Debian's python3-installer when the interpreter has it, else installed
//!    into the venv by pip) installs the wheel into `STAGING/root` for its final paths
//!    (`install.py`): nothing is relocated afterwards, and the leak scan proves that no file
//!    names the staging directory.
//!
//! Each step is a child process in its own process group, with the environment variables that
//! would redirect pip or the interpreter removed, streaming its output to the listener
//! ([`crate::source::virtualenv::build::run`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::spec::Spec;
use super::{PyOptions, PythonSourceError};
use crate::cleanup::Staging;
use crate::listener::Listener;
use crate::source::virtualenv::build::{run, SCRUBBED_ENV};
use crate::source::SourceError;

/// The helper that installs the wheel and reports the marker environment.
const INSTALL_PY: &str = include_str!("install.py");

/// A wheel installed into a staging root.
pub(super) struct Installed {
    /// The staging directory (removed when dropped).
    pub staging: Staging,
    /// Every spelling of the staging directory's path, which no file may contain.
    pub build_paths: Vec<Vec<u8>>,
    /// The root the wheel was installed into (`STAGING/root`, holding `usr/...`).
    pub root: PathBuf,
    /// The `*.dist-info` directory's name.
    pub dist_info: String,
    /// The interpreter's PEP 508 marker variables.
    pub environment: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct Report {
    dist_info: String,
    environment: BTreeMap<String, String>,
}

/// Builds (or takes) the wheel for `spec` and installs it (see the module doc).
///
/// # Errors
/// [`PythonSourceError`] for an interpreter that cannot be run, a requirement pip finds no
/// distribution for, or a pip that wrote no single wheel; [`SourceError::Build`] with the tool's
/// last lines when a step fails.
pub(super) fn install(
    spec: &Spec,
    opts: &PyOptions,
    listener: &dyn Listener,
) -> Result<Installed, SourceError> {
    check_python(&opts.python)?;
    let staging = Staging::new(&opts.workdir).map_err(|e| {
        SourceError::Invalid(format!(
            "cannot create the staging directory in '{}' (--workdir, else $TMPDIR): {e}",
            opts.workdir.display()
        ))
    })?;
    let staging_path =
        std::path::absolute(staging.path()).unwrap_or_else(|_| staging.path().to_path_buf());
    let mut build_paths = vec![staging_path.as_os_str().as_encoded_bytes().to_vec()];
    if let Ok(c) = staging_path.canonicalize() {
        build_paths.push(c.as_os_str().as_encoded_bytes().to_vec());
    }
    build_paths.sort();
    build_paths.dedup();
    let venv = staging_path.join("venv");
    let vpython = venv.join("bin/python");

    listener.info(&format!(
        "creating a scratch virtualenv with {}",
        opts.python.display()
    ));
    let mut cmd = Command::new(&opts.python);
    cmd.args(["-m", "venv", "--system-site-packages"])
        .arg(&venv);
    run(
        cmd,
        "creating the scratch virtualenv",
        Some("is the venv module installed? On Debian: apt-get install python3-venv"),
        listener,
    )?;

    if !has_installer(&vpython) {
        listener.info("installing pypa's installer into the scratch virtualenv (Debian: apt-get install python3-installer provides it)");
        let mut cmd = pip(&vpython, "install", opts);
        cmd.arg("installer");
        run(cmd, "installing the installer module", None, listener)?;
    }

    let wheel = match spec {
        Spec::Wheel(w) => w.clone(),
        _ => {
            let dir = staging_path.join("wheels");
            listener.info(&format!(
                "building the wheel of {}",
                spec.pip_argument().to_string_lossy()
            ));
            let mut cmd = pip(&vpython, "wheel", opts);
            cmd.args(["--no-deps", "-w"])
                .arg(&dir)
                .arg(spec.pip_argument());
            run(cmd, "building the wheel", None, listener).map_err(|e| not_found(e, spec))?;
            one_wheel(&dir)?
        }
    };

    let root = staging_path.join("root");
    let report = staging_path.join("install-report.json");
    let config = serde_json::json!({
        "lib": opts.install_lib.display(),
        "bin": opts.install_bin.display(),
        "data": "/usr",
        "interpreter": opts.python.display().to_string(),
    });
    listener.info(&format!(
        "installing {} for {}",
        wheel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        opts.install_lib
    ));
    let mut cmd = Command::new(&vpython);
    cmd.args(["-I", "-B", "-c", INSTALL_PY])
        .arg(&wheel)
        .arg(&root)
        .arg(config.to_string())
        .arg(&report);
    run(cmd, "installing the wheel", None, listener)?;
    let text = std::fs::read_to_string(&report).map_err(|e| SourceError::Io {
        path: report.clone(),
        source: e,
    })?;
    let r: Report = serde_json::from_str(&text).map_err(|e| PythonSourceError::Metadata {
        path: report.clone(),
        why: e.to_string(),
    })?;
    Ok(Installed {
        staging,
        build_paths,
        root,
        dist_info: r.dist_info,
        environment: r.environment,
    })
}

/// `--python-bin` must be an interpreter that exists.
fn check_python(python: &Path) -> Result<(), PythonSourceError> {
    if python.canonicalize().is_err() {
        return Err(PythonSourceError::Option {
            flag: "--python-bin",
            value: python.display().to_string(),
            why: "not found; install it (Debian: apt-get install python3 python3-venv) or point --python-bin at an interpreter".into(),
        });
    }
    Ok(())
}

/// `VENV/bin/python -m pip COMMAND` with pkgr's fixed flags and pip's options.
fn pip(vpython: &Path, command: &str, opts: &PyOptions) -> Command {
    let mut cmd = Command::new(vpython);
    cmd.args([
        "-m",
        "pip",
        command,
        "--no-input",
        "--disable-pip-version-check",
    ]);
    opts.pip.add_to(&mut cmd);
    cmd
}

/// Can the venv's interpreter import `installer` (its own, or the system's)?
fn has_installer(vpython: &Path) -> bool {
    let mut cmd = Command::new(vpython);
    cmd.args(["-I", "-B", "-c", "import installer"]);
    for v in SCRUBBED_ENV {
        cmd.env_remove(v);
    }
    cmd.stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A failed `pip wheel` because the requirement matches nothing is the user's input (exit 2).
fn not_found(e: SourceError, spec: &Spec) -> SourceError {
    match (e, spec) {
        (SourceError::Build(msg), Spec::Requirement { text, .. })
            if msg.contains("No matching distribution found")
                || msg.contains("Could not find a version that satisfies") =>
        {
            let tail: Vec<&str> = msg.lines().rev().take(6).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            PythonSourceError::NotFound {
                spec: text.clone(),
                tail: tail.join("\n"),
            }
            .into()
        }
        (e, _) => e,
    }
}

/// The one wheel pip wrote into `dir`.
fn one_wheel(dir: &Path) -> Result<PathBuf, SourceError> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| SourceError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        _ => Err(PythonSourceError::Wheels {
            dir: dir.to_path_buf(),
            found: found
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
        }
        .into()),
    }
}
