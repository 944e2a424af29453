//! `-s virtualenv`: a Python application built into a virtualenv, or an existing virtualenv.
//!
//! For an application directory (one with `pyproject.toml`, `setup.py` or `requirements.txt`)
//! pkgr creates a venv with `--python` (`python -m venv`) in a scratch staging directory,
//! installs the requirements and then the application itself (non-editable) with
//! `STAGING/bin/python -m pip` (never `bin/pip`, whose shebang may exceed 127 bytes), or with
//! `uv pip install --python STAGING/bin/python` under `--pip-tool uv` ([`PipTool`]), and
//! reads the result into the model at `--venv-prefix` (default `/opt/venvs/<name>`, as
//! dh-virtualenv does). A directory with `pyvenv.cfg` is taken as an existing venv, as it is.
//!
//! Name and version come from `-n`/`-v`, else from `pyproject.toml` `[project]`, else from the
//! installed distribution's metadata (pip's `--report`; with uv, which has no report, the
//! `METADATA` of the distribution whose `direct_url.json` names the application directory). Python versions are mapped to Debian
//! ones with [`crate::version::from_pep440`]. Relocation is not done here: the source records
//! where the venv was built ([`VenvInfo`]) and [`crate::transform::relocate`] rewrites it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::{walk, Excludes, ExternalLinks, SourceError};
use crate::listener::Listener;
use crate::model::{Entry, PkgPath, VenvInfo};

/// Default interpreter: Debian's, which the target machine has too.
pub const DEFAULT_PYTHON: &str = "/usr/bin/python3";

/// The installer that fills the venv (`--pip-tool`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PipTool {
    /// `STAGING/bin/python -m pip install` (the pip that `python -m venv` put in the venv).
    #[default]
    Pip,
    /// `uv pip install --python STAGING/bin/python`, with `uv` found on `PATH`. The venv is still
    /// created by `--python -m venv`, so it holds the same files (pip included); uv copies files
    /// out of its cache (`--link-mode copy`, never hard links into it) and compiles no byte-code.
    /// The only difference in the package: each `*.dist-info/INSTALLER` says `uv`.
    Uv,
}

/// Options of the virtualenv source (fpm/dh-virtualenv vocabulary).
#[derive(Debug, Clone, Default)]
pub struct VenvOptions {
    /// `--python`: the interpreter that creates the venv.
    pub python: Option<PathBuf>,
    /// `--requirements FILE` (default `requirements.txt` when present).
    pub requirements: Option<PathBuf>,
    /// `--index-url`.
    pub index_url: Option<String>,
    /// `--extra-index-url` (repeatable).
    pub extra_index_urls: Vec<String>,
    /// `--find-links` (repeatable).
    pub find_links: Vec<String>,
    /// `--pip-arg` (repeatable), passed to every `pip install` (or `uv pip install`).
    pub pip_args: Vec<String>,
    /// `--pip-tool`: pip (default) or uv.
    pub pip_tool: PipTool,
    /// `--no-install-app`: install the requirements only.
    pub no_install_app: bool,
    /// `--venv-prefix`: install location (default `/opt/venvs/<name>`).
    pub venv_prefix: Option<String>,
    /// `--workdir`: where the staging directory is created (default `$TMPDIR`).
    pub workdir: Option<PathBuf>,
    /// `--strict`: a symlink out of the venv other than its interpreter link is an error.
    pub strict: bool,
}

/// What the application says about itself, each field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppMeta {
    /// Debian-normalised package name.
    pub name: Option<String>,
    /// Debian upstream version (mapped from PEP 440).
    pub version: Option<String>,
    /// Epoch from a PEP 440 `N!` prefix.
    pub epoch: Option<u32>,
    /// One-line summary.
    pub summary: Option<String>,
    /// License name or expression.
    pub license: Option<String>,
    /// Home page.
    pub url: Option<String>,
    /// `Name <email>`.
    pub maintainer: Option<String>,
    /// The text of the application's license file (`LICENSE`, `LICENSE.txt`, `COPYING`, ...).
    pub license_text: Option<String>,
}

/// The venv read into entries, plus what the rest of the pipeline needs.
pub struct VenvSource {
    /// Payload entries at the install prefix (not finalized).
    pub entries: Vec<Entry>,
    /// Where it was built, for relocation.
    pub info: VenvInfo,
    /// The application's own metadata.
    pub meta: AppMeta,
    /// The staging directory; dropped (deleted) after the targets are written.
    pub staging: Option<crate::cleanup::Staging>,
}

/// Builds (or ingests) the venv at `path`.
///
/// `name` and `version` are the user's `-n`/`-v`, which win over what the app says; the name
/// is needed to choose the default prefix.
///
/// # Errors
/// [`SourceError::Invalid`] for a path that is neither an app nor a venv, or when no name or
/// version can be found; [`SourceError::Build`] with the tool's output when python or pip fails.
pub fn read(
    path: &Path,
    name: Option<&str>,
    opts: &VenvOptions,
    excludes: &Excludes,
    listener: &dyn Listener,
) -> Result<VenvSource, SourceError> {
    if !path.exists() {
        return Err(SourceError::Missing(path.to_path_buf()));
    }
    if !path.is_dir() {
        return Err(SourceError::Invalid(format!(
            "'{}' is not a directory; -s virtualenv takes an application directory (with pyproject.toml, setup.py or requirements.txt) or an existing virtualenv (with pyvenv.cfg)",
            path.display()
        )));
    }
    let path = std::path::absolute(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    if path.join("pyvenv.cfg").is_file() {
        return ingest(&path, name, opts, excludes, listener);
    }
    let has = |f: &str| path.join(f).is_file();
    if !(has("pyproject.toml") || has("setup.py") || has("requirements.txt"))
        && opts.requirements.is_none()
    {
        return Err(SourceError::Invalid(format!(
            "'{}' has no pyproject.toml, setup.py, requirements.txt or pyvenv.cfg; it is neither a Python application nor a virtualenv",
            path.display()
        )));
    }
    build(&path, name, opts, excludes, listener)
}

fn ingest(
    venv: &Path,
    name: Option<&str>,
    opts: &VenvOptions,
    excludes: &Excludes,
    listener: &dyn Listener,
) -> Result<VenvSource, SourceError> {
    listener.info(&format!("using the existing virtualenv {}", venv.display()));
    let name = name.ok_or_else(|| {
        SourceError::Invalid(format!(
            "cannot tell the package name of the existing virtualenv '{}': pass -n/--name (and -v/--version)",
            venv.display()
        ))
    })?;
    let mut build_paths = vec![venv.as_os_str().as_encoded_bytes().to_vec()];
    if let Ok(c) = venv.canonicalize() {
        build_paths.push(c.as_os_str().as_encoded_bytes().to_vec());
    }
    // `command = /usr/bin/python3 -m venv /where/it/was/made` records the creation path.
    if let Ok(cfg) = fs::read_to_string(venv.join("pyvenv.cfg")) {
        if let Some(made) = cfg_value(&cfg, "command").and_then(|c| c.split_whitespace().last()) {
            if made.starts_with('/') && made.len() > 1 {
                build_paths.push(made.trim_end_matches('/').as_bytes().to_vec());
            }
        }
    }
    check_same_python(venv, opts)?;
    let prefix = prefix_for(name, opts)?;
    let mut entries = walk(
        venv,
        &prefix,
        excludes,
        ExternalLinks::Venv {
            strict: opts.strict,
        },
        listener,
    )?;
    fix_modes(&mut entries);
    Ok(VenvSource {
        entries,
        info: info(prefix, build_paths, vec![]),
        meta: AppMeta::default(),
        staging: None,
    })
}

fn info(prefix: PkgPath, mut build_paths: Vec<Vec<u8>>, watch: Vec<Vec<u8>>) -> VenvInfo {
    build_paths.sort();
    build_paths.dedup();
    build_paths.retain(|p| p.as_slice() != prefix.as_bytes());
    VenvInfo {
        prefix,
        build_paths,
        watch_paths: watch,
    }
}

fn prefix_for(name: &str, opts: &VenvOptions) -> Result<PkgPath, SourceError> {
    let raw = opts
        .venv_prefix
        .clone()
        .unwrap_or_else(|| format!("/opt/venvs/{name}"));
    // The prefix ends up in shebangs, trampolines and maintainer scripts: no shell syntax.
    if let Some(c) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@')))
    {
        return Err(SourceError::Invalid(format!(
            "--venv-prefix '{}' contains {c:?}; use letters, digits and / . _ - + @ (it is written into shebang lines and shell scripts)",
            raw.escape_debug()
        )));
    }
    let p = PkgPath::parse(&raw)
        .map_err(|e| SourceError::Invalid(format!("--venv-prefix '{raw}': {e}")))?;
    if p.is_root() || p.components().count() < 2 {
        return Err(SourceError::Invalid(format!(
            "--venv-prefix '{raw}' must be a directory of its own, at least two levels deep (like /opt/venvs/{name})"
        )));
    }
    Ok(p)
}

fn build(
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

    let workdir = scratch_dir(opts.workdir.as_deref())?;
    let staging = crate::cleanup::Staging::new(&workdir).map_err(|e| {
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
    cmd.arg("-m").arg("venv").arg(&venv);
    run(
        cmd,
        "creating the virtualenv",
        Some("is the venv module installed? On Debian: apt-get install python3-venv"),
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
        None => Some(app.join("requirements.txt")).filter(|r| r.is_file()),
    };
    if let Some(req) = &requirements {
        listener.info(&format!("installing {}", req.display()));
        let mut cmd = installer(uv.as_deref(), &vpython, opts);
        cmd.arg("-r").arg(req);
        run(cmd, "installing the requirements", None)?;
    }

    let installable = app.join("pyproject.toml").is_file() || app.join("setup.py").is_file();
    let mut meta = pyproject.clone();
    meta.license_text = license_text(app);
    if installable && !opts.no_install_app {
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
        run(cmd, "installing the application", None)?;
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
    let prefix = prefix_for(&name, opts)?;
    let mut entries = walk(
        &venv,
        &prefix,
        excludes,
        ExternalLinks::Venv {
            strict: opts.strict,
        },
        listener,
    )?;
    fix_modes(&mut entries);
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

/// The directory scratch files go to: `--workdir`, which must be an existing directory (pkgr
/// never creates one where the user may not expect it), else `$TMPDIR`.
///
/// # Errors
/// [`SourceError::Invalid`] naming `--workdir` (or `$TMPDIR`) when it is missing or not a
/// directory.
pub fn scratch_dir(workdir: Option<&Path>) -> Result<PathBuf, SourceError> {
    let (dir, what) = match workdir {
        Some(w) => (w.to_path_buf(), "--workdir"),
        None => (std::env::temp_dir(), "$TMPDIR"),
    };
    match fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(SourceError::Invalid(format!(
            "{what} '{}' is not a directory",
            dir.display()
        ))),
        Err(e) => Err(SourceError::Invalid(format!(
            "{what} '{}' cannot be used: {e}; create the directory first",
            dir.display()
        ))),
    }
}

/// A venv is a build product, so its modes are set as dh_fixperms sets them, whatever the build
/// host's umask: directories and executables 0755, other files 0644.
fn fix_modes(entries: &mut [Entry]) {
    for e in entries {
        e.mode = match e.kind {
            crate::model::EntryKind::Dir => 0o755,
            crate::model::EntryKind::Symlink { .. } => 0o777,
            _ if e.mode & 0o111 != 0 => 0o755,
            _ => 0o644,
        };
    }
}

/// An existing venv only works with the Python minor version that made it: refuse one made by a
/// different minor version than `--python` (the interpreter the package will depend on).
fn check_same_python(venv: &Path, opts: &VenvOptions) -> Result<(), SourceError> {
    let python = opts
        .python
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PYTHON));
    let cfg = fs::read_to_string(venv.join("pyvenv.cfg")).unwrap_or_default();
    let Some(made) = cfg_value(&cfg, "version").or_else(|| cfg_value(&cfg, "version_info")) else {
        return Ok(());
    };
    let out = Command::new(&python)
        .args(["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"])
        .output()
        .map_err(|e| {
            SourceError::Invalid(format!(
                "--python '{}' cannot be run: {e}",
                python.display()
            ))
        })?;
    let have = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(&have) != minor(made) {
        return Err(SourceError::Invalid(format!(
            "the virtualenv '{}' was made by Python {made} (pyvenv.cfg), but --python '{}' is Python {have}; a venv only runs with the minor version that made it: pass --python with a {} interpreter, or rebuild the venv",
            venv.display(),
            python.display(),
            minor(made)
        )));
    }
    Ok(())
}

fn check_python(python: &Path, listener: &dyn Listener) -> Result<(), SourceError> {
    let resolved = python.canonicalize().map_err(|_| {
        SourceError::Invalid(format!(
            "--python '{}' was not found; install it (Debian: apt-get install python3 python3-venv) or point --python at an interpreter",
            python.display()
        ))
    })?;
    if !resolved.starts_with("/usr") {
        listener.warning(&format!(
            "--python '{}' lives outside /usr ({}); the venv will point at it, and the target machine will not have it. Use Debian's /usr/bin/python3",
            python.display(),
            resolved.display()
        ));
    }
    Ok(())
}

/// Environment variables that would redirect pip or the interpreter away from the venv.
const SCRUBBED_ENV: &[&str] = &[
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
    index_args(&mut cmd, opts);
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
    index_args(&mut cmd, opts);
    cmd
}

/// `--index-url`, `--extra-index-url`, `--find-links` and `--pip-arg`, which pip and uv spell
/// alike.
fn index_args(cmd: &mut Command, opts: &VenvOptions) {
    if let Some(u) = &opts.index_url {
        cmd.arg("--index-url").arg(u);
    }
    for u in &opts.extra_index_urls {
        cmd.arg("--extra-index-url").arg(u);
    }
    for f in &opts.find_links {
        cmd.arg("--find-links").arg(f);
    }
    cmd.args(&opts.pip_args);
}

fn run(mut cmd: Command, what: &str, hint: Option<&str>) -> Result<(), SourceError> {
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
    let child = cmd
        .spawn()
        .map_err(|e| SourceError::Build(format!("{what} failed: cannot run '{shown}': {e}")))?;
    let _guard = crate::cleanup::register_child(child.id());
    let out = child
        .wait_with_output()
        .map_err(|e| SourceError::Build(format!("{what} failed: '{shown}': {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    let mut msg = format!("{what} failed ({}): {shown}\n{tail}", out.status);
    if let Some(h) = hint {
        msg.push_str(&format!("\nhint: {h}"));
    }
    Err(SourceError::Build(msg))
}

/// PEP 503 normalisation, which also yields a valid Debian name for any valid Python name.
pub fn normalize_name(n: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in n.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn version_meta(m: &mut AppMeta, v: &str) {
    let (epoch, v) = crate::version::from_pep440(v);
    m.version = Some(v);
    m.epoch = epoch;
}

#[derive(Deserialize)]
struct Pyproject {
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Project {
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    license: Option<toml::Value>,
    #[serde(default)]
    authors: Vec<Person>,
    #[serde(default)]
    maintainers: Vec<Person>,
    urls: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct Person {
    name: Option<String>,
    email: Option<String>,
}

/// Reads `[project]` from `pyproject.toml` (PEP 621), when present.
fn read_pyproject(app: &Path) -> Result<AppMeta, SourceError> {
    let p = app.join("pyproject.toml");
    let Ok(text) = fs::read_to_string(&p) else {
        return Ok(AppMeta::default());
    };
    let doc: Pyproject =
        toml::from_str(&text).map_err(|e| SourceError::Invalid(format!("{}: {e}", p.display())))?;
    let mut m = AppMeta::default();
    let Some(proj) = doc.project else {
        return Ok(m);
    };
    m.name = proj.name.as_deref().map(normalize_name);
    if let Some(v) = &proj.version {
        version_meta(&mut m, v);
    }
    m.summary = proj.description.filter(|s| !s.trim().is_empty());
    m.license = match proj.license {
        Some(toml::Value::String(s)) => Some(s),
        Some(toml::Value::Table(t)) => t
            .get("text")
            .and_then(|v| v.as_str())
            .map(|s| s.lines().next().unwrap_or("").to_string()),
        _ => None,
    };
    m.maintainer = proj
        .maintainers
        .iter()
        .chain(proj.authors.iter())
        .find_map(|p| match (&p.name, &p.email) {
            (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
            (None, Some(e)) if e.contains('<') => Some(e.clone()),
            _ => None,
        });
    if let Some(urls) = proj.urls {
        m.url = [
            "Homepage",
            "homepage",
            "Home",
            "Source",
            "Repository",
            "repository",
        ]
        .iter()
        .find_map(|k| urls.get(*k).cloned());
    }
    Ok(m)
}

#[derive(Deserialize)]
struct Report {
    #[serde(default)]
    install: Vec<ReportItem>,
}

#[derive(Deserialize)]
struct ReportItem {
    download_info: Option<DownloadInfo>,
    #[serde(default)]
    is_direct: bool,
    metadata: ReportMeta,
}

#[derive(Deserialize)]
struct DownloadInfo {
    url: String,
}

#[derive(Deserialize)]
struct ReportMeta {
    name: String,
    version: String,
    summary: Option<String>,
    license: Option<String>,
    license_expression: Option<String>,
    home_page: Option<String>,
    #[serde(default)]
    project_url: Vec<String>,
    author: Option<String>,
    author_email: Option<String>,
    maintainer: Option<String>,
    maintainer_email: Option<String>,
}

/// The application's metadata from pip's installation report (pip ≥ 22.2).
fn report_meta(report: &Path, app: &Path) -> Option<AppMeta> {
    let text = fs::read_to_string(report).ok()?;
    let r: Report = serde_json::from_str(&text).ok()?;
    let want: Vec<String> = [Some(app.to_path_buf()), app.canonicalize().ok()]
        .into_iter()
        .flatten()
        .map(|p| format!("file://{}", p.display()))
        .collect();
    let item = r
        .install
        .iter()
        .find(|i| {
            i.download_info
                .as_ref()
                .is_some_and(|d| want.iter().any(|w| d.url.trim_end_matches('/') == w))
        })
        .or_else(|| {
            let direct: Vec<&ReportItem> = r.install.iter().filter(|i| i.is_direct).collect();
            (direct.len() == 1).then(|| direct[0])
        })?;
    Some(app_meta(&item.metadata))
}

/// The application's metadata from the venv itself: the `METADATA` (core metadata, RFC 822
/// headers) of the distribution whose `direct_url.json` (PEP 610) names `app` with a `file://`
/// URL, as uv and pip both record a local directory install.
fn installed_meta(venv: &Path, app: &Path) -> Option<AppMeta> {
    let want: Vec<String> = [Some(app.to_path_buf()), app.canonicalize().ok()]
        .into_iter()
        .flatten()
        .map(|p| format!("file://{}", p.display()))
        .collect();
    for lib in fs::read_dir(venv.join("lib")).ok()?.flatten() {
        let site = lib.path().join("site-packages");
        let Ok(dists) = fs::read_dir(&site) else {
            continue;
        };
        for d in dists.flatten() {
            let dir = d.path();
            if !dir.to_string_lossy().ends_with(".dist-info") {
                continue;
            }
            let Ok(text) = fs::read_to_string(dir.join("direct_url.json")) else {
                continue;
            };
            let Ok(url) = serde_json::from_str::<DownloadInfo>(&text) else {
                continue;
            };
            if !want.iter().any(|w| url.url.trim_end_matches('/') == w) {
                continue;
            }
            let metadata = fs::read_to_string(dir.join("METADATA")).ok()?;
            return Some(app_meta(&parse_core_metadata(&metadata)?));
        }
    }
    None
}

/// Parses core metadata (`METADATA`/`PKG-INFO`: RFC 822 headers, continuation lines start with
/// whitespace, the body after the first blank line is the description) into the report's shape.
/// `None` without `Name` and `Version`.
fn parse_core_metadata(text: &str) -> Option<ReportMeta> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = fields.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            fields.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    Some(ReportMeta {
        name: get("name")?,
        version: get("version")?,
        summary: get("summary"),
        license: get("license"),
        license_expression: get("license-expression"),
        home_page: get("home-page"),
        project_url: fields
            .iter()
            .filter(|(f, _)| f == "project-url")
            .map(|(_, v)| v.clone())
            .collect(),
        author: get("author"),
        author_email: get("author-email"),
        maintainer: get("maintainer"),
        maintainer_email: get("maintainer-email"),
    })
}

/// [`AppMeta`] from core metadata, however it was read.
fn app_meta(md: &ReportMeta) -> AppMeta {
    let mut m = AppMeta {
        name: Some(normalize_name(&md.name)),
        summary: md
            .summary
            .clone()
            .filter(|s| !s.trim().is_empty() && s != "UNKNOWN"),
        license: md
            .license_expression
            .clone()
            .or_else(|| {
                md.license
                    .clone()
                    .map(|l| l.lines().next().unwrap_or("").to_string())
            })
            .filter(|s| !s.trim().is_empty() && s != "UNKNOWN"),
        url: md.home_page.clone().filter(|s| !s.is_empty()).or_else(|| {
            md.project_url.iter().find_map(|u| {
                let (label, url) = u.split_once(',')?;
                label
                    .trim()
                    .eq_ignore_ascii_case("homepage")
                    .then(|| url.trim().to_string())
            })
        }),
        maintainer: person(&md.maintainer, &md.maintainer_email)
            .or_else(|| person(&md.author, &md.author_email)),
        ..Default::default()
    };
    version_meta(&mut m, &md.version);
    m
}

/// `Name <email>` from core-metadata `Author`/`Author-email` (the email field may already be
/// `Name <email>`, possibly several, comma-separated).
fn person(name: &Option<String>, email: &Option<String>) -> Option<String> {
    let email = email.as_deref()?.split(',').next()?.trim();
    if email.contains('<') {
        return Some(email.trim_matches('"').replace('"', ""));
    }
    let name = name.as_deref().filter(|n| !n.trim().is_empty())?;
    Some(format!("{} <{email}>", name.trim()))
}

/// Fills `m`'s missing fields from `other`.
fn fill(m: &mut AppMeta, other: AppMeta) {
    if m.name.is_none() {
        m.name = other.name;
    }
    if m.version.is_none() {
        m.version = other.version;
        m.epoch = other.epoch;
    }
    m.summary = m.summary.take().or(other.summary);
    m.license = m.license.take().or(other.license);
    m.url = m.url.take().or(other.url);
    m.maintainer = m.maintainer.take().or(other.maintainer);
}

/// The first license file found in the application directory.
fn license_text(app: &Path) -> Option<String> {
    [
        "LICENSE",
        "LICENSE.txt",
        "LICENSE.md",
        "LICENCE",
        "COPYING",
        "COPYING.txt",
    ]
    .iter()
    .find_map(|n| fs::read_to_string(app.join(n)).ok())
    .filter(|t| !t.trim().is_empty())
}

/// `key = value` from a `pyvenv.cfg` text (site.py's format).
pub fn cfg_value<'a>(cfg: &'a str, key: &str) -> Option<&'a str> {
    cfg.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_python_names() {
        assert_eq!(normalize_name("My_App.Name"), "my-app-name");
        assert_eq!(normalize_name("pkgr-hello"), "pkgr-hello");
        assert_eq!(normalize_name("a__b"), "a-b");
    }

    #[test]
    fn reads_pyproject() {
        let d = tempfile::tempdir().unwrap();
        fs::write(
            d.path().join("pyproject.toml"),
            r#"[project]
name = "Hello_World"
version = "1.0rc1"
description = "Says hello"
license = {text = "MIT"}
authors = [{name = "A B", email = "a@example.org"}]
urls = {Homepage = "https://example.org"}
"#,
        )
        .unwrap();
        let m = read_pyproject(d.path()).unwrap();
        assert_eq!(m.name.as_deref(), Some("hello-world"));
        assert_eq!(m.version.as_deref(), Some("1.0~rc1"));
        assert_eq!(m.summary.as_deref(), Some("Says hello"));
        assert_eq!(m.license.as_deref(), Some("MIT"));
        assert_eq!(m.maintainer.as_deref(), Some("A B <a@example.org>"));
        assert_eq!(m.url.as_deref(), Some("https://example.org"));
    }

    #[test]
    fn bad_pyproject_is_a_clear_error() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("pyproject.toml"), "[project\n").unwrap();
        let e = read_pyproject(d.path()).unwrap_err().to_string();
        assert!(e.contains("pyproject.toml"), "{e}");
    }

    #[test]
    fn people_from_core_metadata() {
        assert_eq!(
            person(&None, &Some("\"A B\" <a@x.org>, C <c@x.org>".into())).as_deref(),
            Some("A B <a@x.org>")
        );
        assert_eq!(
            person(&Some("A".into()), &Some("a@x.org".into())).as_deref(),
            Some("A <a@x.org>")
        );
        assert_eq!(person(&Some("A".into()), &None), None);
    }

    #[test]
    fn core_metadata_as_uv_installs_it() {
        let text = "Metadata-Version: 2.1\nName: pkgr-hello\nVersion: 0.1.0rc1\nSummary: Greets\nAuthor-email: A B <a@x.org>\nLicense: MIT\n  second line\nProject-URL: Homepage, https://example.org\n\nbody: not a field\n";
        let md = parse_core_metadata(text).unwrap();
        assert_eq!(md.license.as_deref(), Some("MIT\nsecond line"));
        let m = app_meta(&md);
        assert_eq!(m.name.as_deref(), Some("pkgr-hello"));
        assert_eq!(m.version.as_deref(), Some("0.1.0~rc1"));
        assert_eq!(m.license.as_deref(), Some("MIT"));
        assert_eq!(m.maintainer.as_deref(), Some("A B <a@x.org>"));
        assert_eq!(m.url.as_deref(), Some("https://example.org"));
        assert!(parse_core_metadata("Name: x\n").is_none());
    }

    #[test]
    fn pyvenv_cfg_values() {
        let cfg = "home = /usr/bin\nversion = 3.11.2\ncommand = /usr/bin/python3 -m venv /tmp/x\n";
        assert_eq!(cfg_value(cfg, "version"), Some("3.11.2"));
        assert_eq!(cfg_value(cfg, "home"), Some("/usr/bin"));
        assert_eq!(cfg_value(cfg, "nope"), None);
    }
}
