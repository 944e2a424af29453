//! Building the venv: `python -m venv` in the staging directory, then pip (or `uv pip`) for
//! the requirements and the application, each in its own process group so an interrupted pkgr
//! stops them all ([`crate::cleanup`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::meta::{fill, installed_meta, license_text, named_meta, read_pyproject, report_meta};
use super::{check_python, info, tree, PipTool, VenvOptions, VenvSource, DEFAULT_PYTHON};
use crate::listener::Listener;
use crate::source::{Excludes, SourceError};

pub(super) fn build(
    app: &Path,
    name: Option<&str>,
    opts: &VenvOptions,
    excludes: &Excludes,
    listener: &dyn Listener,
) -> Result<VenvSource, SourceError> {
    let python = opts
        .python
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PYTHON));
    check_python(&python, listener)?;
    let uv = match opts.pip_tool {
        PipTool::Pip => None,
        PipTool::Uv => Some(find_uv()?),
    };
    let pyproject = read_pyproject(app)?;

    let workdir = &opts.workdir;
    let staging = crate::cleanup::Staging::new(workdir).map_err(|e| {
        SourceError::Invalid(format!(
            "cannot create the staging directory in '{}' (--workdir, else $TMPDIR): {e}",
            workdir.display()
        ))
    })?;
    let staging_path =
        std::path::absolute(staging.path()).unwrap_or_else(|_| staging.path().to_path_buf());
    let venv = staging_path.join("venv");

    listener.info(&format!("creating a virtualenv with {}", python.display()));
    let mut cmd = Command::new(&python);
    cmd.arg("-m").arg("venv");
    if opts.system_site_packages {
        cmd.arg("--system-site-packages");
    }
    cmd.arg(&venv);
    run(
        cmd,
        "creating the virtualenv",
        Some("is the venv module installed? On Debian: apt-get install python3-venv"),
        listener,
    )?;

    let vpython = venv.join("bin/python");
    let requirements = match &opts.requirements {
        Some(r) => {
            let r = if r.is_absolute() {
                r.clone()
            } else {
                app.join(r)
            };
            if !r.is_file() {
                return Err(SourceError::Invalid(format!(
                    "--requirements '{}' is not a file",
                    r.display()
                )));
            }
            Some(r)
        }
        None if opts.spec.is_some() => None,
        None => Some(app.join("requirements.txt")).filter(|r| r.is_file()),
    };
    if let Some(req) = &requirements {
        listener.info(&format!("installing {}", req.display()));
        let mut cmd = installer(uv.as_deref(), &vpython, opts);
        cmd.arg("-r").arg(req);
        run(cmd, "installing the requirements", None, listener)?;
    }

    let installable = app.join("pyproject.toml").is_file() || app.join("setup.py").is_file();
    let mut meta = pyproject.clone();
    meta.license_text = license_text(app);
    if let Some(spec) = &opts.spec {
        // fpm's PATH `httpie==3.2.3`: a distribution from the index is the application.
        listener.info(&format!("installing {spec}"));
        let report = staging_path.join("pip-report.json");
        let mut cmd = installer(uv.as_deref(), &vpython, opts);
        if uv.is_none() {
            cmd.arg("--report").arg(&report);
        }
        cmd.arg(spec);
        run(cmd, "installing the package", None, listener)?;
        let wanted = super::input::spec_name(spec);
        let report = uv.is_none().then_some(report.as_path());
        if let Some(m) = named_meta(report, &venv, wanted) {
            fill(&mut meta, m);
        }
    } else if installable && !opts.no_install_app {
        listener.info(&format!("installing the application {}", app.display()));
        let report = staging_path.join("pip-report.json");
        let mut cmd = installer(uv.as_deref(), &vpython, opts);
        if uv.is_none() {
            // PEP 517 even for setup.py-only projects: a wheel install records RECORD and
            // entry points; pip's legacy `setup.py install` path would not. (uv always builds
            // a wheel.)
            cmd.arg("--use-pep517").arg("--report").arg(&report);
        }
        cmd.arg(app);
        run(cmd, "installing the application", None, listener)?;
        let installed = match uv {
            None => report_meta(&report, app),
            Some(_) => installed_meta(&venv, app),
        };
        if let Some(m) = installed {
            fill(&mut meta, m);
        }
    }

    if uv.is_some() {
        remove_uv_bookkeeping(&venv)?;
    }

    let name = match name {
        Some(n) => n.to_string(),
        None => meta.name.clone().ok_or_else(|| {
            SourceError::Invalid(format!(
                "cannot tell the package name: '{}' has no [project] name in pyproject.toml and no installed application; pass -n/--name",
                app.display()
            ))
        })?,
    };
    let (prefix, entries) = tree(&venv, &name, opts, excludes, listener)?;
    let mut build_paths = vec![venv.as_os_str().as_encoded_bytes().to_vec()];
    if let Ok(c) = venv.canonicalize() {
        build_paths.push(c.as_os_str().as_encoded_bytes().to_vec());
    }
    let mut watch = vec![app.as_os_str().as_encoded_bytes().to_vec()];
    if let Ok(c) = app.canonicalize() {
        watch.push(c.as_os_str().as_encoded_bytes().to_vec());
    }
    watch.sort();
    watch.dedup();
    Ok(VenvSource {
        entries,
        info: info(prefix, build_paths, watch),
        meta,
        staging: Some(staging),
    })
}

/// Environment variables that would redirect pip or the interpreter away from the venv.
pub(crate) const SCRUBBED_ENV: &[&str] = &[
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "PYTHONEXECUTABLE",
    "VIRTUAL_ENV",
    "PIP_USER",
    "PIP_TARGET",
    "PIP_PREFIX",
    "PIP_ROOT",
    "PIP_EDITABLE",
    "PIP_REQUIRE_HASHES_FILE",
];

/// uv's environment variables that would change where or how it installs; the command line
/// sets what matters, and these are removed so the shell cannot override it.
const SCRUBBED_UV_ENV: &[&str] = &[
    "UV_PYTHON",
    "UV_SYSTEM_PYTHON",
    "UV_BREAK_SYSTEM_PACKAGES",
    "UV_COMPILE_BYTECODE",
    "UV_LINK_MODE",
    "UV_TARGET",
    "UV_PREFIX",
    "UV_PROJECT_ENVIRONMENT",
];

/// `uv` on `PATH`, as an absolute path.
///
/// # Errors
/// [`SourceError::Invalid`] naming the flag and how to install uv, when it is not found.
fn find_uv() -> Result<PathBuf, SourceError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("uv"))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .ok_or_else(|| {
            SourceError::Invalid(
                "--pip-tool uv: 'uv' was not found on PATH; install it (for example `python3 -m venv /opt/uv && /opt/uv/bin/pip install uv`, then put /opt/uv/bin on PATH) or use --pip-tool pip".into(),
            )
        })
}

/// Files uv writes into a `*.dist-info` for its own cache that pip does not: `uv_cache.json`
/// holds the source tree's mtimes (the build time, so it would break reproducibility) and
/// `uv_build.json` the build settings. Neither is read at run time.
const UV_DIST_INFO_FILES: &[&str] = &["uv_cache.json", "uv_build.json"];

/// Removes what uv leaves in the staging venv for itself: its empty `.lock` file at the venv's
/// root and [`UV_DIST_INFO_FILES`] (with their lines in `RECORD`, so `pip check` and
/// uninstallers see a consistent record).
///
/// # Errors
/// [`SourceError::Io`] when the staging venv cannot be read or changed.
fn remove_uv_bookkeeping(venv: &Path) -> Result<(), SourceError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SourceError::Io { path, source }
    };
    let lock = venv.join(".lock");
    if fs::symlink_metadata(&lock).is_ok_and(|m| m.is_file() && m.len() == 0) {
        fs::remove_file(&lock).map_err(io(&lock))?;
    }
    let lib = venv.join("lib");
    for py in fs::read_dir(&lib).map_err(io(&lib))?.flatten() {
        let site = py.path().join("site-packages");
        let Ok(dists) = fs::read_dir(&site) else {
            continue;
        };
        for d in dists.flatten() {
            let dir = d.path();
            let Some(dist) = dir
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| n.ends_with(".dist-info"))
                .map(str::to_string)
            else {
                continue;
            };
            let mut removed = Vec::new();
            for f in UV_DIST_INFO_FILES {
                let p = dir.join(f);
                if p.is_file() {
                    fs::remove_file(&p).map_err(io(&p))?;
                    removed.push(format!("{dist}/{f},"));
                }
            }
            let record = dir.join("RECORD");
            if removed.is_empty() || !record.is_file() {
                continue;
            }
            let text = fs::read_to_string(&record).map_err(io(&record))?;
            let kept: String = text
                .split_inclusive('\n')
                .filter(|l| !removed.iter().any(|r| l.starts_with(r.as_str())))
                .collect();
            fs::write(&record, kept).map_err(io(&record))?;
        }
    }
    Ok(())
}

/// The install command: `uv pip install` when `uv` is given, else the venv's pip.
fn installer(uv: Option<&Path>, vpython: &Path, opts: &VenvOptions) -> Command {
    match uv {
        Some(uv) => uv_pip(uv, vpython, opts),
        None => pip(vpython, opts),
    }
}

/// `uv pip install` into the venv of `vpython`: its interpreter (never one uv would pick or
/// download), files copied out of uv's cache (`--link-mode copy`: a hard link into the cache
/// would make the package depend on the cache's state, and would be stored as a hard link), no
/// byte-code, and the same index options as pip.
fn uv_pip(uv: &Path, vpython: &Path, opts: &VenvOptions) -> Command {
    let mut cmd = Command::new(uv);
    cmd.args(["pip", "install", "--python"]).arg(vpython).args([
        "--link-mode",
        "copy",
        "--no-python-downloads",
        "--quiet",
    ]);
    for v in SCRUBBED_UV_ENV {
        cmd.env_remove(v);
    }
    opts.pip.add_to(&mut cmd);
    cmd
}

fn pip(vpython: &Path, opts: &VenvOptions) -> Command {
    let mut cmd = Command::new(vpython);
    cmd.args([
        "-m",
        "pip",
        "install",
        "--no-compile",
        "--no-input",
        "--disable-pip-version-check",
    ]);
    opts.pip.add_to(&mut cmd);
    cmd
}

/// Runs one step (python -m venv, pip, uv) in its own process group. On a terminal the
/// listener shows the step with its elapsed time; each line the tool prints is a detail
/// (`--verbose` shows it as it comes) and the last 40 are kept for the error when it fails.
pub(crate) fn run(
    mut cmd: Command,
    what: &str,
    hint: Option<&str>,
    listener: &dyn Listener,
) -> Result<(), SourceError> {
    for v in SCRUBBED_ENV {
        cmd.env_remove(v);
    }
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    // Its own process group, so that pkgr stops the whole tree (pip and the build backends it
    // starts) when it is interrupted (crate::cleanup).
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    // And if pkgr itself dies without running its handler (SIGKILL), the kernel stops the
    // child (prctl(2) PR_SET_PDEATHSIG), so no pip keeps writing into a dead run's staging.
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| SourceError::Build(format!("{what} failed: cannot run '{shown}': {e}")))?;
    let _guard = crate::cleanup::register_child(child.id());
    listener.begin(what, 0);
    const KEPT: usize = 40;
    let tail: std::sync::Mutex<std::collections::VecDeque<String>> = Default::default();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let status = std::thread::scope(|s| {
        for pipe in [
            stdout.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            stderr.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tail = &tail;
            s.spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(pipe)
                    .split(b'\n')
                    .map_while(Result::ok)
                {
                    let line = String::from_utf8_lossy(&line).trim_end().to_string();
                    listener.detail(&format!("  {line}"));
                    if let Ok(mut t) = tail.lock() {
                        if t.len() == KEPT {
                            t.pop_front();
                        }
                        t.push_back(line);
                    }
                }
            });
        }
        child.wait()
    });
    listener.end();
    let status =
        status.map_err(|e| SourceError::Build(format!("{what} failed: '{shown}': {e}")))?;
    if status.success() {
        return Ok(());
    }
    let tail = tail
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect::<Vec<_>>()
        .join("\n");
    let mut msg = format!("{what} failed ({status}): {shown}\n{tail}");
    if let Some(h) = hint {
        msg.push_str(&format!("\nhint: {h}"));
    }
    Err(SourceError::Build(msg))
}
